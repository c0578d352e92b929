// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of races: one case per window in which racing threads (or
 * two processes) of one /dev/hwpt holder reached freed memory or left the
 * bookkeeping wrong. Each case loops both sides for a time budget
 * (HWPT_RACE_MS, default 3000 ms of wall time) and then checks what a user
 * would: the errno of every call, the objects' state, DMA where the test
 * has a device, and that every pin is released. What the kernel itself
 * catches (KASAN, lockdep, list and object debugging under the debug
 * kernel; WARNs and refcount saturation everywhere) fails the VM run
 * through its log.
 *
 * Runs as root in the test VM, where /init loaded /hwpt.ko.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/hwpt.h>

#include "edu.h"

#define HWPT_DRV_SYSFS	"/sys/bus/pci/drivers/hwpt"

#define IOVA_X		0x100000UL
#define IOVA_Y		0x800000UL
#define MAP_PAGES	4

static size_t psz;

static void __attribute__((constructor)) init_psz(void)
{
	psz = sysconf(_SC_PAGESIZE);
}

/* ---- Running two sides for the budget ---- */

static long race_ms(void)
{
	const char *env = getenv("HWPT_RACE_MS");

	return env && atol(env) > 0 ? atol(env) : 3000;
}

struct side {
	pthread_t thread;
	void *(*fn)(void *arg);
	volatile bool *stop;
	void *arg;
	long rounds, errors;	/* errors: results the case does not allow */
	int last_error;		/* the last one, as -errno */
};

/* Count an outcome of a side's call: allowed, or an error. */
static void side_result(struct side *s, int rc, const int *allowed, int n)
{
	int i;

	s->rounds++;
	for (i = 0; i < n; i++)
		if (rc == allowed[i])
			return;
	s->errors++;
	s->last_error = rc;
}

#define SIDE_RESULT(s, rc, ...) do {					\
	static const int __ok[] = { __VA_ARGS__ };			\
	side_result(s, rc, __ok, ARRAY_SIZE(__ok));			\
} while (0)

static bool time_left(const struct timespec *t0)
{
	return edu_ms_since(t0) < race_ms();
}

/* Start each side, let them run for the budget, stop and join them. */
static void race(struct side *sides, int n)
{
	volatile bool stop = false;
	int i;

	for (i = 0; i < n; i++) {
		sides[i].stop = &stop;
		pthread_create(&sides[i].thread, NULL, sides[i].fn, &sides[i]);
	}
	sleep_ms(race_ms());
	stop = true;
	for (i = 0; i < n; i++)
		pthread_join(sides[i].thread, NULL);
}

#define EXPECT_SIDE_CLEAN(s) do {					\
	if ((s)->errors)						\
		TH_LOG("side %s: %ld of %ld calls failed, the last %s", \
		       #s, (s)->errors, (s)->rounds,			\
		       strerror(-(s)->last_error));			\
	EXPECT_EQ(0, (s)->errors);					\
	EXPECT_LT(0, (s)->rounds);					\
} while (0)

/* ---- MAP whose reply cannot be written, against UNMAP ---- */

struct map_race {
	int fd;
	uint32_t ioas;
	struct hwpt_ioas_map *arg;	/* in a read-only page */
	long efault;
};

static void *unmap_side(void *p)
{
	struct side *s = p;
	struct map_race *m = s->arg;

	while (!*s->stop)
		SIDE_RESULT(s, unmap(m->fd, m->ioas, IOVA_X, MAP_PAGES * psz,
				     NULL), 0, -ENOENT);
	return NULL;
}

static void *map_ro_side(void *p)
{
	struct side *s = p;
	struct map_race *m = s->arg;

	while (!*s->stop) {
		int rc = xioctl(m->fd, HWPT_IOAS_MAP, m->arg);

		/* Mapped but not told so, or still mapped from before. */
		SIDE_RESULT(s, rc, -EFAULT, -EEXIST);
		m->efault += rc == -EFAULT;
	}
	return NULL;
}

/*
 * A MAP publishes its mapping before it writes the reply; a reply that
 * cannot be written (the argument in a read-only page) used to undo the
 * mapping through a pointer a racing UNMAP had already freed: double
 * unpin, double free. Now the mapping stays, as iommufd's does.
 */
TEST_TIMEOUT(map_with_unwritable_reply_races_unmap, 300)
{
	struct map_race m = { 0 };
	struct side sides[2] = {
		{ .fn = map_ro_side, .arg = &m },
		{ .fn = unmap_side, .arg = &m },
	};
	long long pins = pins_outstanding();
	long pin_kb = vmpin_kb();
	uint8_t *buf;

	ASSERT_NE(LLONG_MIN, pins);
	NEW_BUF(buf, MAP_PAGES * psz, 0x5a);
	m.arg = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m.arg);
	m.fd = hwpt_open(O_RDWR);
	ASSERT_GE(m.fd, 0);
	ASSERT_EQ(0, ioas_alloc(m.fd, &m.ioas));
	*m.arg = (struct hwpt_ioas_map){
		.size = sizeof(*m.arg),
		.flags = HWPT_IOAS_MAP_FIXED_IOVA | MAP_RW,
		.ioas_id = m.ioas,
		.user_va = (uintptr_t)buf,
		.length = MAP_PAGES * psz,
		.iova = IOVA_X,
	};
	ASSERT_OK(mprotect(m.arg, psz, PROT_READ));
	race(sides, 2);
	EXPECT_SIDE_CLEAN(&sides[0]);
	EXPECT_SIDE_CLEAN(&sides[1]);
	EXPECT_LT(0, m.efault);
	TH_LOG("%ld maps (%ld EFAULT, mapped), %ld unmaps", sides[0].rounds,
	       m.efault, sides[1].rounds);
	/* What is left is one whole mapping or none. */
	EXPECT_LE(0, ioas_unmap_all(m.fd, m.ioas));
	EXPECT_EQ(pin_kb, vmpin_kb());
	ASSERT_OK(close(m.fd));
	EXPECT_EQ(pins, pins_outstanding());
}

/* ---- DESTROY of automatic HWPTs, against attach, detach and replace ---- */

struct auto_race {
	int fd;
	uint32_t dev, ioas[2];
	uint32_t first_id;	/* where the automatic HWPTs' IDs start */
};

static void *destroy_side(void *p)
{
	struct side *s = p;
	struct auto_race *a = s->arg;
	uint32_t id;

	/* The IDs the automatic HWPTs get: the lowest free ones. */
	while (!*s->stop)
		for (id = a->first_id; id < a->first_id + 3; id++)
			SIDE_RESULT(s, destroy(a->fd, id), 0, -ENOENT, -EBUSY);
	return NULL;
}

static void *attach_detach_side(void *p)
{
	struct side *s = p;
	struct auto_race *a = s->arg;

	while (!*s->stop) {
		SIDE_RESULT(s, attach(a->fd, a->dev, a->ioas[0], NULL, NULL), 0);
		SIDE_RESULT(s, detach(a->fd, a->dev), 0);
	}
	return NULL;
}

/* A device replaced back and forth between two IOASes or HWPTs. */
struct flip {
	int fd;
	uint32_t dev, to[2];
};

static void *flip_side(void *p)
{
	struct side *s = p;
	struct flip *f = s->arg;
	int i = 0;

	while (!*s->stop)
		SIDE_RESULT(s, replace(f->fd, f->dev, f->to[++i & 1], NULL,
				       NULL), 0);
	return NULL;
}

static int auto_race_open(struct auto_race *a, bool attached)
{
	struct edu_info e;
	int rc;

	if (!edu_find(EDU_SINGLETON, &e))
		return -ENODEV;
	a->fd = hwpt_open(O_RDWR);
	if (a->fd < 0)
		return -errno;
	rc = bind_dev(a->fd, e.bdf, &a->dev);
	if (!rc)
		rc = ioas_alloc(a->fd, &a->ioas[0]);
	if (!rc)
		rc = ioas_alloc(a->fd, &a->ioas[1]);
	a->first_id = a->ioas[1] + 1;
	if (!rc && attached)
		rc = attach(a->fd, a->dev, a->ioas[0], NULL, NULL);
	return rc;
}

/* No HWPT is left on either IOAS: both can go. */
static void auto_race_close(struct __test_metadata *_metadata,
			    struct auto_race *a)
{
	EXPECT_EQ(0, destroy(a->fd, a->ioas[0]));
	EXPECT_EQ(0, destroy(a->fd, a->ioas[1]));
	EXPECT_OK(close(a->fd));
}

/*
 * An automatic HWPT left unused was handed back for destruction with a
 * reference taken after its last user was gone, and was published before
 * it was attached: a DESTROY of its (predictable) ID freed it in the gap
 * (refcount from zero, use after free), and ATTACH failed with ENOENT.
 * Every attach and detach must succeed, and no dead HWPT stay on the IOAS.
 */
TEST_TIMEOUT(destroy_races_auto_hwpt_attach_detach, 300)
{
	struct auto_race a = { 0 };
	struct side sides[2] = {
		{ .fn = attach_detach_side, .arg = &a },
		{ .fn = destroy_side, .arg = &a },
	};
	int rc = auto_race_open(&a, false);

	if (rc == -ENODEV)
		SKIP("no singleton edu");
	ASSERT_EQ(0, rc);
	race(sides, 2);
	EXPECT_SIDE_CLEAN(&sides[0]);
	EXPECT_SIDE_CLEAN(&sides[1]);
	TH_LOG("%ld attaches and detaches, %ld destroys", sides[0].rounds,
	       sides[1].rounds);
	auto_race_close(_metadata, &a);
}

/* The same with replace between two IOASes, each replace orphaning one. */
TEST_TIMEOUT(destroy_races_auto_hwpt_replace, 300)
{
	struct auto_race a = { 0 };
	struct flip f;
	struct side sides[2] = {
		{ .fn = flip_side, .arg = &f },
		{ .fn = destroy_side, .arg = &a },
	};
	int rc = auto_race_open(&a, true);

	if (rc == -ENODEV)
		SKIP("no singleton edu");
	ASSERT_EQ(0, rc);
	f = (struct flip){ a.fd, a.dev, { a.ioas[0], a.ioas[1] } };
	race(sides, 2);
	EXPECT_SIDE_CLEAN(&sides[0]);
	EXPECT_SIDE_CLEAN(&sides[1]);
	TH_LOG("%ld replaces, %ld destroys", sides[0].rounds, sides[1].rounds);
	EXPECT_EQ(0, detach(a.fd, a.dev));
	auto_race_close(_metadata, &a);
}

/* ---- Page requests against detach and replace ---- */

struct fault_race {
	int fd, qfd;
	uint32_t dev, ioas, fault, hwpt[2];
	long answered;
};

static void *inject_side(void *p)
{
	struct side *s = p;
	struct fault_race *f = s->arg;
	uint32_t grp = 0;

	/* Detached for a moment: EINVAL, as a request would be dropped. */
	while (!*s->stop)
		SIDE_RESULT(s, inject(f->fd, f->dev, grp++ % 512, 1), 0,
			    -EINVAL);
	return NULL;
}

static void *move_side(void *p)
{
	struct side *s = p;
	struct fault_race *f = s->arg;

	while (!*s->stop) {
		SIDE_RESULT(s, replace(f->fd, f->dev, f->hwpt[1], NULL, NULL),
			    0);
		SIDE_RESULT(s, replace(f->fd, f->dev, f->hwpt[0], NULL, NULL),
			    0);
		SIDE_RESULT(s, detach(f->fd, f->dev), 0);
		SIDE_RESULT(s, attach(f->fd, f->dev, f->hwpt[0], NULL, NULL),
			    0);
	}
	return NULL;
}

static void *answer_side(void *p)
{
	struct side *s = p;
	struct fault_race *f = s->arg;
	struct hwpt_pgfault recs[64];
	struct pollfd pfd = { .fd = f->qfd, .events = POLLIN };
	long n, i;

	while (!*s->stop) {
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = drain(f->qfd, recs, ARRAY_SIZE(recs));
		for (i = 0; i < n; i++) {
			/* Answered by hwpt meanwhile (the device left): EINVAL. */
			int rc = answer1(f->qfd, recs[i].cookie,
					 HWPT_PAGE_RESP_SUCCESS);

			SIDE_RESULT(s, rc, 0, -EINVAL);
			f->answered += !rc;
		}
	}
	return NULL;
}

/*
 * A page request may reach the attachment the core handed out just as
 * that attachment is detached or replaced; injection takes the same
 * route, without the locks the ioctls take, so the window really opens.
 * Retiring an attachment kept only the attachment, so a late request
 * reached a freed domain and queue. Every group must be answered exactly
 * once; the retired attachments are counted, and go with the device.
 */
TEST_TIMEOUT(fault_reports_race_detach_and_replace, 300)
{
	struct fault_race f = { .fd = -1, .qfd = -1 };
	struct side sides[3] = {
		{ .fn = inject_side, .arg = &f },
		{ .fn = move_side, .arg = &f },
		{ .fn = answer_side, .arg = &f },
	};
	struct counts before, after, c;
	struct hwpt_get_info info;
	struct hwpt_fault_alloc fa = { .size = sizeof(fa) };
	uint32_t retired;
	struct edu_info e;
	int i;

	if (!debug_inject())
		SKIP("module loaded without debug_inject=1: faults cannot be injected");
	if (!edu_find(EDU_SINGLETON, &e))
		SKIP("no singleton edu");
	ASSERT_EQ(0, module_counts(&before));
	f.fd = hwpt_open(O_RDWR);
	ASSERT_GE(f.fd, 0);
	ASSERT_EQ(0, get_info(f.fd, &info));
	retired = info.out_retired;
	ASSERT_EQ(0, bind_dev(f.fd, e.bdf, &f.dev));
	ASSERT_EQ(0, ioas_alloc(f.fd, &f.ioas));
	ASSERT_EQ(0, xioctl(f.fd, HWPT_FAULT_QUEUE_ALLOC, &fa));
	f.fault = fa.out_fault_id;
	f.qfd = fa.out_fault_fd;
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, hwpt_alloc_fault(f.fd, f.dev, f.ioas, f.fault,
					      &f.hwpt[i]));
	ASSERT_EQ(0, attach(f.fd, f.dev, f.hwpt[0], NULL, NULL));
	race(sides, 3);
	for (i = 0; i < 3; i++)
		EXPECT_SIDE_CLEAN(&sides[i]);

	/* Every group reported is answered, or still waits. */
	ASSERT_EQ(0, dev_counts(f.fd, f.dev, &c));
	EXPECT_EQ(c.faults, c.success + c.invalid + c.autoresp + c.pending);
	EXPECT_EQ((uint64_t)f.answered, c.success);
	TH_LOG("%ld injections, %ld moves: %llu faults, %llu answered by the reader, %llu by hwpt, %llu pending",
	       sides[0].rounds, sides[1].rounds, (unsigned long long)c.faults,
	       (unsigned long long)c.success, (unsigned long long)c.autoresp,
	       (unsigned long long)c.pending);
	/* Every fault-capable attachment that went is retired, kept... */
	ASSERT_EQ(0, get_info(f.fd, &info));
	EXPECT_LT(retired, info.out_retired);
	ASSERT_EQ(0, detach(f.fd, f.dev));
	ASSERT_EQ(0, dev_counts(f.fd, f.dev, &c));
	EXPECT_EQ(0, c.pending);
	EXPECT_EQ(c.faults, c.success + c.invalid + c.autoresp);
	/* ...until the device leaves hwpt. */
	ASSERT_EQ(0, destroy(f.fd, f.dev));
	ASSERT_EQ(0, get_info(f.fd, &info));
	EXPECT_EQ(retired, info.out_retired);
	close(f.qfd);
	ASSERT_OK(close(f.fd));
	ASSERT_EQ(0, module_counts(&after));
	EXPECT_EQ(after.faults - before.faults,
		  (after.success - before.success) +
		  (after.invalid - before.invalid) +
		  (after.autoresp - before.autoresp));
}

/* ---- Bind against sysfs unbind and hot-unplug ---- */

struct bind_race {
	char bdf[32];
	bool rescan;		/* remove and rescan, else sysfs unbind */
};

static void *unbind_side(void *p)
{
	struct side *s = p;
	struct bind_race *b = s->arg;
	int rc;

	while (!*s->stop) {
		if (!b->rescan) {
			/* Not bound at that moment: ENODEV. */
			SIDE_RESULT(s, write_file(HWPT_DRV_SYSFS "/unbind",
						  b->bdf), 0, -ENODEV);
			usleep(rand() % 2000);
			continue;
		}
		rc = pci_remove(b->bdf);
		SIDE_RESULT(s, rc, 0);
		if (!rc)
			SIDE_RESULT(s, pci_rescan_for(b->bdf), 0);
	}
	return NULL;
}

static void *bind_side(void *p)
{
	struct side *s = p;
	struct bind_race *b = s->arg;
	uint32_t dev = 0;
	int fd, rc;

	while (!*s->stop) {
		fd = hwpt_open(O_RDWR);
		if (fd < 0) {
			SIDE_RESULT(s, -errno, 0);
			continue;
		}
		/*
		 * Gone (ENODEV), its driver unbound under the bind (EBUSY),
		 * or back but its BARs not assigned yet (EINVAL, from
		 * pci_enable_device()).
		 */
		rc = bind_dev(fd, b->bdf, &dev);
		if (b->rescan)
			SIDE_RESULT(s, rc, 0, -ENODEV, -EBUSY, -EINVAL);
		else
			SIDE_RESULT(s, rc, 0, -ENODEV, -EBUSY);
		if (!rc && (rand() & 1))
			SIDE_RESULT(s, destroy(fd, dev), 0);
		close(fd);
	}
	return NULL;
}

/*
 * A bind racing a sysfs unbind (or an unplug) of the same device leaked
 * the group it had made, and its iommu_group reference, and WARNed at
 * close. Afterwards the device must be free again: no driver, no
 * override; the module's WARNs and leaks show in the kernel log.
 */
static void bind_race_run(struct __test_metadata *_metadata, bool rescan)
{
	struct bind_race b = { .rescan = rescan };
	struct side sides[2] = {
		{ .fn = bind_side, .arg = &b },
		{ .fn = unbind_side, .arg = &b },
	};
	struct edu_info e;

	if (!edu_find(EDU_SINGLETON, &e))
		SKIP("no singleton edu");
	str_copy(b.bdf, sizeof(b.bdf), e.bdf);
	race(sides, 2);
	if (!pci_present(b.bdf))
		ASSERT_EQ(0, pci_rescan_for(b.bdf));
	EXPECT_SIDE_CLEAN(&sides[0]);
	EXPECT_SIDE_CLEAN(&sides[1]);
	TH_LOG("%ld binds, %ld %s", sides[0].rounds, sides[1].rounds,
	       rescan ? "removes and rescans" : "unbinds");
	EXPECT_FALSE(pci_has_driver(b.bdf));
	EXPECT_TRUE(no_driver_override(b.bdf));
}

TEST_TIMEOUT(bind_races_sysfs_unbind, 300)
{
	bind_race_run(_metadata, false);
}

TEST_TIMEOUT(bind_races_hot_unplug, 300)
{
	bind_race_run(_metadata, true);
}

/* ---- UNMAP against MAP and replace, with DMA after ---- */

struct map_replace_race {
	int fd;
	uint32_t dev, ioas, hwpt[2];
	uint8_t *buf;
};

static void *map_unmap_side(void *p)
{
	struct side *s = p;
	struct map_replace_race *m = s->arg;

	while (!*s->stop) {
		SIDE_RESULT(s, map_fixed(m->fd, m->ioas, m->buf,
					 MAP_PAGES * psz, IOVA_Y, MAP_RW), 0);
		SIDE_RESULT(s, unmap(m->fd, m->ioas, IOVA_Y, MAP_PAGES * psz,
				     NULL), 0);
	}
	return NULL;
}

/*
 * Map and unmap change every domain of the IOAS while a replace moves the
 * group between two of them. Afterwards a DMA through the mapping that
 * stayed lands, and one to where the racing mapping was goes nowhere.
 */
TEST_TIMEOUT(unmap_races_map_and_replace, 300)
{
	struct map_replace_race m = { 0 };
	struct flip f;
	struct side sides[2] = {
		{ .fn = map_unmap_side, .arg = &m },
		{ .fn = flip_side, .arg = &f },
	};
	long long pins = pins_outstanding();
	uint8_t *src, *dst;
	struct edu_info e;
	struct edu dev;

	if (!edu_find(EDU_SINGLETON, &e))
		SKIP("no singleton edu");
	NEW_BUF(m.buf, MAP_PAGES * psz, 0x33);
	NEW_BUF(src, psz, 0);
	NEW_BUF(dst, psz, 0);
	edu_pattern(src, EDU_BUF_SIZE, 7);
	m.fd = hwpt_open(O_RDWR);
	ASSERT_GE(m.fd, 0);
	ASSERT_EQ(0, bind_dev(m.fd, e.bdf, &m.dev));
	ASSERT_EQ(0, ioas_alloc(m.fd, &m.ioas));
	ASSERT_EQ(0, map_fixed(m.fd, m.ioas, src, psz, IOVA_X, MAP_RW));
	ASSERT_EQ(0, map_fixed(m.fd, m.ioas, dst, psz, IOVA_X + psz, MAP_RW));
	ASSERT_EQ(0, hwpt_alloc(m.fd, m.dev, m.ioas, &m.hwpt[0]));
	ASSERT_EQ(0, hwpt_alloc(m.fd, m.dev, m.ioas, &m.hwpt[1]));
	ASSERT_EQ(0, attach(m.fd, m.dev, m.hwpt[0], NULL, NULL));
	f = (struct flip){ m.fd, m.dev, { m.hwpt[0], m.hwpt[1] } };
	race(sides, 2);
	EXPECT_SIDE_CLEAN(&sides[0]);
	EXPECT_SIDE_CLEAN(&sides[1]);
	TH_LOG("%ld maps and unmaps, %ld replaces", sides[0].rounds,
	       sides[1].rounds);

	ASSERT_EQ(0, edu_open_master(&dev, e.bdf));
	EXPECT_EQ(0, edu_dma_to_device(&dev, IOVA_X, EDU_BUF_SIZE));
	EXPECT_EQ(0, edu_dma_from_device(&dev, IOVA_X + psz, EDU_BUF_SIZE));
	EXPECT_TRUE(edu_has_pattern(dst, EDU_BUF_SIZE, 7));
	/* Nothing is mapped at IOVA_Y any more: the DMA goes nowhere. */
	memset(m.buf, 0x33, MAP_PAGES * psz);
	edu_dma_from_device(&dev, IOVA_Y, EDU_BUF_SIZE);
	EXPECT_TRUE(edu_all_bytes(m.buf, MAP_PAGES * psz, 0x33));
	edu_close(&dev);
	ASSERT_OK(close(m.fd));
	EXPECT_EQ(pins, pins_outstanding());
}

/* ---- Two processes on one file, one of them killed ---- */

/*
 * A child shares the parent's file (fork) and maps and unmaps through it
 * while the parent attaches, replaces and detaches; the child is killed
 * in the middle. The file stays usable, and its close releases every pin.
 */
TEST_TIMEOUT(shared_file_child_killed_mid_map, 300)
{
	struct auto_race a = { 0 };
	long long pins = pins_outstanding();
	struct timespec t0;
	uint8_t *buf;
	pid_t child;
	int rc, status, i = 0;

	rc = auto_race_open(&a, true);
	if (rc == -ENODEV)
		SKIP("no singleton edu");
	ASSERT_EQ(0, rc);
	NEW_BUF(buf, 64 * psz, 0x11);
	child = fork();
	ASSERT_GE(child, 0);
	if (!child) {
		for (;;) {
			uint64_t iova = IOVA_Y + (rand() % 16) * 64 * psz;
			int r = map_fixed(a.fd, a.ioas[i++ & 1], buf,
					  64 * psz, iova, MAP_RW);

			if (r && r != -EEXIST)
				_exit(1);
			unmap(a.fd, a.ioas[rand() & 1], iova, 64 * psz, NULL);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (time_left(&t0)) {
		EXPECT_EQ(0, replace(a.fd, a.dev, a.ioas[++i & 1], NULL, NULL));
		if (i % 8 == 0) {
			EXPECT_EQ(0, detach(a.fd, a.dev));
			EXPECT_EQ(0, attach(a.fd, a.dev, a.ioas[0], NULL, NULL));
		}
	}
	ASSERT_EQ(0, kill(child, SIGKILL));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	/* The file goes on: its mappings are whole, unmapped whole. */
	EXPECT_LE(0, ioas_unmap_all(a.fd, a.ioas[0]));
	EXPECT_LE(0, ioas_unmap_all(a.fd, a.ioas[1]));
	EXPECT_EQ(0, detach(a.fd, a.dev));
	auto_race_close(_metadata, &a);
	EXPECT_EQ(pins, pins_outstanding());
}

TEST_HARNESS_MAIN
