// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of I/O page faults: fault queues, fault-capable HWPTs, and the
 * auto-response rule ("no request left unanswered, none
 * answered twice") on every way a device can leave a fault-capable HWPT.
 *
 * QEMU's devices send no page requests, so every fault here is injected
 * (HWPT_FAULT_INJECT, which needs debug_inject=1): it takes the path a real
 * request takes from the enqueue on, and its answer is counted by the
 * module instead of reaching hardware. The counts are the proof: per device
 * (DEVICE_GET) and module-wide (GET_INFO, for files that are gone), every
 * group is answered once: faults == success + invalid + auto + pending.
 *
 * The devices are QEMU edu functions: the singleton, and the two-function
 * group for the group cases.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/hwpt.h>

#include "edu.h"

#define MAX_RECS	(HWPT_FAULT_QUEUE_DEPTH * 2)

/* Counts of dev are as expected, and add up. */
#define ASSERT_COUNTS(fd, dev, f, s, i, a, p) do {			\
	struct counts __c;						\
	ASSERT_EQ(0, dev_counts(fd, dev, &__c));			\
	EXPECT_EQ((uint64_t)(f), __c.faults);				\
	EXPECT_EQ((uint64_t)(s), __c.success);				\
	EXPECT_EQ((uint64_t)(i), __c.invalid);				\
	EXPECT_EQ((uint64_t)(a), __c.autoresp);				\
	EXPECT_EQ((uint64_t)(p), __c.pending);				\
	ASSERT_EQ(__c.faults, __c.success + __c.invalid + __c.autoresp + \
		  __c.pending);						\
} while (0)

/* The module's counts moved from b by exactly these. */
#define ASSERT_MODULE_DELTA(b, f, s, i, a) do {				\
	struct counts __n;						\
	ASSERT_EQ(0, module_counts(&__n));				\
	EXPECT_EQ((uint64_t)(f), __n.faults - (b)->faults);		\
	EXPECT_EQ((uint64_t)(s), __n.success - (b)->success);		\
	EXPECT_EQ((uint64_t)(i), __n.invalid - (b)->invalid);		\
	EXPECT_EQ((uint64_t)(a), __n.autoresp - (b)->autoresp);		\
} while (0)

/*
 * A file with the singleton edu bound and attached to a fault-capable HWPT
 * on an IOAS: the state every case starts from.
 */
struct fctx {
	int fd, qfd;
	uint32_t dev, ioas, fault, hwpt;
};

static int fctx_open(struct fctx *f, const char *bdf)
{
	int rc;

	f->qfd = -1;
	f->fd = hwpt_open(O_RDWR);
	if (f->fd < 0)
		return -errno;
	rc = bind_dev(f->fd, bdf, &f->dev);
	if (!rc)
		rc = ioas_alloc(f->fd, &f->ioas);
	if (!rc)
		rc = fault_alloc(f->fd, &f->fault, &f->qfd);
	if (!rc)
		rc = hwpt_alloc_fault(f->fd, f->dev, f->ioas, f->fault,
				      &f->hwpt);
	if (!rc)
		rc = attach(f->fd, f->dev, f->hwpt, NULL, NULL);
	return rc;
}

static void fctx_close(struct fctx *f)
{
	if (f->qfd >= 0)
		close(f->qfd);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = f->qfd = -1;
}

/* Both fixtures: the starting state, and a device to rescan for. */
#define FQ_STATE							\
	struct edu_info s;						\
	struct fctx f;							\
	struct hwpt_pgfault recs[MAX_RECS];				\
	char removed[32]

#define FQ_SETUP()							\
	do {								\
		self->f.fd = self->f.qfd = -1;				\
		self->removed[0] = 0;					\
		if (!debug_inject())					\
			SKIP("module loaded without debug_inject=1: faults cannot be injected"); \
		if (!edu_find(EDU_SINGLETON, &self->s))			\
			SKIP("no singleton edu");			\
		ASSERT_EQ(0, fctx_open(&self->f, self->s.bdf));		\
	} while (0)

#define FQ_TEARDOWN()							\
	do {								\
		fctx_close(&self->f);					\
		if (self->removed[0] && !pci_present(self->removed) &&	\
		    pci_rescan_for(self->removed))			\
			TH_LOG("%s did not come back after a rescan",	\
			       self->removed);				\
	} while (0)

FIXTURE(fq) {
	FQ_STATE;
};

FIXTURE_SETUP(fq)
{
	FQ_SETUP();
}

FIXTURE_TEARDOWN(fq)
{
	FQ_TEARDOWN();
}

/* ---- What the kernel says it can do ---- */

/*
 * Capabilities are truthful, against what the running kernel has (its
 * /proc/kallsyms, not the module's build-time probes): real faults need
 * the core's iopf_group response and attach handles, which 6.1 lacks and
 * arm64 7.2 builds out (no CONFIG_IOMMU_IOPF: its calls are inline
 * stubs, absent from kallsyms); an atomic replace needs the core's
 * replace; PASID attach its own. edu has no PRI, so it is never
 * IOPF-capable; injection is on here.
 */
TEST_F(fq, caps_are_truthful)
{
	static const char *const syms[] = {
		"iopf_group_response", "iommu_attach_handle_get",
		"iommu_replace_group_handle", "iommu_group_replace_domain",
		"iommu_attach_device_pasid", "iommu_device_claim_dma_owner",
	};
	bool have[ARRAY_SIZE(syms)];
	struct hwpt_get_info info;
	struct hwpt_device_get g;

	ASSERT_EQ(0, kallsyms_have(syms, have, ARRAY_SIZE(syms)));
	ASSERT_EQ(0, get_info(self->f.fd, &info));
	EXPECT_EQ(have[0] && have[1], !!(info.caps & HWPT_CAP_IOPF));
	EXPECT_EQ(have[2] || have[3], !!(info.caps & HWPT_CAP_REPLACE_ATOMIC));
	EXPECT_EQ(have[4], !!(info.caps & HWPT_CAP_PASID));
	EXPECT_EQ(have[5], !!(info.caps & HWPT_CAP_DEVICE_DMA_OWNER));
	EXPECT_TRUE(info.caps & HWPT_CAP_FAULT_INJECT);
	EXPECT_EQ(HWPT_UAPI_VERSION, info.uapi_version);
	ASSERT_EQ(0, dev_get(self->f.fd, self->f.dev, &g));
	EXPECT_EQ(0, g.out_state & (HWPT_DEVICE_IOPF | HWPT_DEVICE_VF));
	EXPECT_EQ(self->f.hwpt, g.out_hwpt_id);
}

/* ---- Allocation and destruction rules ---- */

TEST_F(fq, alloc_and_destroy_rules)
{
	struct hwpt_fault_alloc bad = { .size = sizeof(bad), .flags = 1 };
	struct hwpt_hwpt_alloc h = {
		.size = sizeof(h),
		.dev_id = self->f.dev,
		.pt_id = self->f.ioas,
	};
	struct fctx *f = &self->f;
	struct pollfd p;
	uint32_t id;
	int fl;

	ASSERT_EQ(-EOPNOTSUPP, xioctl(f->fd, HWPT_FAULT_QUEUE_ALLOC, &bad));
	fl = fcntl(f->qfd, F_GETFD);
	EXPECT_TRUE(fl & FD_CLOEXEC);
	/* fault_id without the flag, and the flag without a queue. */
	h.fault_id = f->fault;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(f->fd, HWPT_HWPT_ALLOC, &h));
	EXPECT_EQ(-ENOENT, hwpt_alloc_fault(f->fd, f->dev, f->ioas, 9999, &id));
	/* An ID of another type names no fault queue: ENOENT, as iommufd. */
	EXPECT_EQ(-ENOENT, hwpt_alloc_fault(f->fd, f->dev, f->ioas, f->ioas,
					    &id));
	EXPECT_EQ(-ENOENT, hwpt_alloc_fault(f->fd, f->dev, f->ioas, f->dev,
					    &id));
	EXPECT_EQ(-ENOENT, hwpt_alloc_fault(f->fd, f->dev, f->ioas, f->hwpt,
					    &id));
	/* In use by the HWPT: EBUSY, and the queue still works. */
	EXPECT_EQ(-EBUSY, destroy(f->fd, f->fault));
	ASSERT_EQ(0, inject(f->fd, f->dev, 1, 1));
	ASSERT_EQ(1, drain(f->qfd, self->recs, MAX_RECS));
	/* Detach and destroy the HWPT: the read group is answered... */
	ASSERT_EQ(0, detach(f->fd, f->dev));
	ASSERT_COUNTS(f->fd, f->dev, 1, 0, 0, 1, 0);
	ASSERT_EQ(0, destroy(f->fd, f->hwpt));
	/* ...and the queue object goes; its file stays open, dead. */
	ASSERT_EQ(0, destroy(f->fd, f->fault));
	EXPECT_EQ(-ENODEV, read_recs(f->qfd, self->recs, 1));
	EXPECT_EQ(-ENODEV, answer1(f->qfd, self->recs[0].cookie, 0));
	p = (struct pollfd){ .fd = f->qfd, .events = POLLIN };
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLERR);
	ASSERT_COUNTS(f->fd, f->dev, 1, 0, 0, 1, 0);
}

/* ---- Records, reads and answers ---- */

/*
 * Groups of 1, 3 and HWPT_FAULT_INJECT_MAX_PAGES pages come back whole and
 * in order, one record per page: the device's ID, the group's index,
 * permissions and successive page addresses, LAST_PAGE on the last record
 * only, one cookie per group. Answers are counted per code.
 */
TEST_F(fq, records_and_answers)
{
	static const uint32_t pages[] = { 1, 3, HWPT_FAULT_INJECT_MAX_PAGES };
	struct hwpt_pgfault *r = self->recs;
	struct fctx *f = &self->f;
	uint32_t cookies[3];
	long n, k = 0;
	unsigned int g, i;

	for (g = 0; g < 3; g++)
		ASSERT_EQ(0, inject(f->fd, f->dev, g + 1, pages[g]));
	ASSERT_COUNTS(f->fd, f->dev, 3, 0, 0, 0, 3);
	n = read_recs(f->qfd, r, MAX_RECS);
	ASSERT_EQ(1 + 3 + HWPT_FAULT_INJECT_MAX_PAGES, n);
	for (g = 0; g < 3; g++) {
		cookies[g] = r[k].cookie;
		for (i = 0; i < pages[g]; i++, k++) {
			EXPECT_EQ(f->dev, r[k].dev_id);
			EXPECT_EQ(g + 1, r[k].grpid);
			EXPECT_EQ(PERM_RW, r[k].perm);
			EXPECT_EQ(0x10000000ULL + (g + 1) * 0x100000ULL +
				  i * (uint64_t)sysconf(_SC_PAGESIZE),
				  r[k].addr);
			EXPECT_EQ(cookies[g], r[k].cookie);
			EXPECT_EQ(i + 1 == pages[g] ?
				  HWPT_PGFAULT_FLAGS_LAST_PAGE : 0,
				  r[k].flags);
		}
	}
	EXPECT_NE(cookies[0], cookies[1]);
	EXPECT_NE(cookies[1], cookies[2]);
	EXPECT_NE(cookies[0], cookies[2]);
	ASSERT_COUNTS(f->fd, f->dev, 3, 0, 0, 0, 3);
	ASSERT_EQ(0, answer1(f->qfd, cookies[0], HWPT_PAGE_RESP_SUCCESS));
	ASSERT_EQ(0, answer1(f->qfd, cookies[1], HWPT_PAGE_RESP_INVALID));
	ASSERT_COUNTS(f->fd, f->dev, 3, 1, 1, 0, 1);
	/* Answered once: a second answer is refused. */
	EXPECT_EQ(-EINVAL, answer1(f->qfd, cookies[0], 0));
	ASSERT_EQ(0, answer1(f->qfd, cookies[2], HWPT_PAGE_RESP_SUCCESS));
	ASSERT_COUNTS(f->fd, f->dev, 3, 2, 1, 0, 0);
}

/* Reads give whole groups; bad sizes are EINVAL and consume nothing. */
TEST_F(fq, read_rules)
{
	struct hwpt_pgfault *r = self->recs;
	struct fctx *f = &self->f;
	char odd[REC + 1];

	ASSERT_EQ(0, fcntl(f->qfd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, read_recs(f->qfd, r, 1));
	ASSERT_EQ(0, inject(f->fd, f->dev, 1, 2));
	ASSERT_EQ(0, inject(f->fd, f->dev, 2, 2));
	EXPECT_EQ(-EINVAL, read(f->qfd, odd, sizeof(odd)) < 0 ? -errno : 0);
	EXPECT_EQ(-EINVAL, read(f->qfd, odd, REC - 1) < 0 ? -errno : 0);
	EXPECT_EQ(-EINVAL, read(f->qfd, odd, 0) < 0 ? -errno : 0);
	/* One record of room for a two-page group. */
	EXPECT_EQ(-EINVAL, read_recs(f->qfd, r, 1));
	/* Three records of room: one whole group only. */
	ASSERT_EQ(2, read_recs(f->qfd, r, 3));
	EXPECT_EQ(1, r[0].grpid);
	ASSERT_EQ(2, read_recs(f->qfd, r, 3));
	EXPECT_EQ(2, r[0].grpid);
	EXPECT_EQ(-EAGAIN, read_recs(f->qfd, r, 3));
	ASSERT_COUNTS(f->fd, f->dev, 2, 0, 0, 0, 2);
}

/*
 * A write with one bad answer anywhere answers nothing: an unknown cookie,
 * a cookie twice, FAILURE (2) or any other code, or a partial record.
 */
TEST_F(fq, write_rules_all_or_nothing)
{
	struct hwpt_pgfault *r = self->recs;
	struct fctx *f = &self->f;
	struct hwpt_page_response w[3];
	uint32_t c0, c1;
	unsigned int bad;

	ASSERT_EQ(0, inject(f->fd, f->dev, 1, 1));
	ASSERT_EQ(0, inject(f->fd, f->dev, 2, 1));
	ASSERT_EQ(2, read_recs(f->qfd, r, 2));
	c0 = r[0].cookie;
	c1 = r[1].cookie;
	for (bad = 0; bad < 4; bad++) {
		w[0] = (struct hwpt_page_response){ c0, HWPT_PAGE_RESP_SUCCESS };
		w[1] = (struct hwpt_page_response){ c1, HWPT_PAGE_RESP_SUCCESS };
		switch (bad) {
		case 0:
			w[1].cookie = c0 + c1 + 1;	/* unknown */
			break;
		case 1:
			w[1].cookie = c0;		/* twice */
			break;
		case 2:
			w[1].code = 2;			/* FAILURE */
			break;
		case 3:
			w[1].code = 7;
			break;
		}
		EXPECT_EQ(-EINVAL, answer(f->qfd, w, 2));
		ASSERT_COUNTS(f->fd, f->dev, 2, 0, 0, 0, 2);
	}
	w[0] = (struct hwpt_page_response){ c0, HWPT_PAGE_RESP_SUCCESS };
	EXPECT_EQ(-EINVAL, write(f->qfd, w, sizeof(w[0]) + 4) < 0 ? -errno : 0);
	EXPECT_EQ(-EINVAL, write(f->qfd, w, 0) < 0 ? -errno : 0);
	ASSERT_COUNTS(f->fd, f->dev, 2, 0, 0, 0, 2);
	w[1] = (struct hwpt_page_response){ c1, HWPT_PAGE_RESP_INVALID };
	ASSERT_EQ(0, answer(f->qfd, w, 2));
	ASSERT_COUNTS(f->fd, f->dev, 2, 1, 1, 0, 0);
}

/* Injection's own argument rules; EINVAL for a device without faults. */
TEST_F(fq, inject_rules)
{
	struct fctx *f = &self->f;
	struct hwpt_fault_inject ok = {
		.size = sizeof(ok),
		.dev_id = f->dev,
		.perm = HWPT_PGFAULT_PERM_READ,
		.nr_pages = 1,
		.addr = 0x1000,
	};
	struct hwpt_fault_inject c;
	uint32_t plain;

	c = ok, c.flags = 1 << 5;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.__reserved = 1;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.perm = 0;
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.perm = 1 << 4;
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.nr_pages = 0;
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.nr_pages = HWPT_FAULT_INJECT_MAX_PAGES + 1;
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.addr = 0x1234;
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.grpid = 512;
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.pasid = 5;
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.flags = HWPT_PGFAULT_FLAGS_PASID_VALID, c.pasid = 1 << 20;
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	c = ok, c.dev_id = f->ioas;
	EXPECT_EQ(-ENOENT, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	ASSERT_COUNTS(f->fd, f->dev, 0, 0, 0, 0, 0);
	/* With a PASID: the record says so. */
	c = ok, c.flags = HWPT_PGFAULT_FLAGS_PASID_VALID, c.pasid = 7;
	ASSERT_EQ(0, xioctl(f->fd, HWPT_FAULT_INJECT, &c));
	ASSERT_EQ(1, drain(f->qfd, self->recs, 1));
	EXPECT_EQ(HWPT_PGFAULT_FLAGS_PASID_VALID | HWPT_PGFAULT_FLAGS_LAST_PAGE,
		  self->recs[0].flags);
	EXPECT_EQ(7, self->recs[0].pasid);
	/* A device on a plain HWPT, or on none, has no faults to inject. */
	ASSERT_EQ(0, hwpt_alloc(f->fd, f->dev, f->ioas, &plain));
	ASSERT_EQ(0, replace(f->fd, f->dev, plain, NULL, NULL));
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &ok));
	ASSERT_EQ(0, detach(f->fd, f->dev));
	EXPECT_EQ(-EINVAL, xioctl(f->fd, HWPT_FAULT_INJECT, &ok));
	ASSERT_COUNTS(f->fd, f->dev, 1, 0, 0, 1, 0);
}

/* A full queue answers the next group at once; room makes it queue again. */
TEST_F_TIMEOUT(fq, overflow_answers_at_once, 120)
{
	struct fctx *f = &self->f;
	unsigned int i;

	for (i = 0; i < HWPT_FAULT_QUEUE_DEPTH; i++)
		ASSERT_EQ(0, inject(f->fd, f->dev, i % 512, 1));
	ASSERT_COUNTS(f->fd, f->dev, HWPT_FAULT_QUEUE_DEPTH, 0, 0, 0,
		      HWPT_FAULT_QUEUE_DEPTH);
	ASSERT_EQ(0, inject(f->fd, f->dev, 1, 1));
	ASSERT_COUNTS(f->fd, f->dev, HWPT_FAULT_QUEUE_DEPTH + 1, 0, 0, 1,
		      HWPT_FAULT_QUEUE_DEPTH);
	ASSERT_EQ(1, read_recs(f->qfd, self->recs, 1));
	ASSERT_EQ(0, answer1(f->qfd, self->recs[0].cookie, 0));
	ASSERT_EQ(0, inject(f->fd, f->dev, 2, 1));
	ASSERT_COUNTS(f->fd, f->dev, HWPT_FAULT_QUEUE_DEPTH + 2, 1, 0, 1,
		      HWPT_FAULT_QUEUE_DEPTH);
}

/* ---- poll() and blocking read() ---- */

struct waker {
	int fd;
	uint32_t dev;
};

static void *inject_later(void *arg)
{
	struct waker *w = arg;

	sleep_ms(200);
	inject(w->fd, w->dev, 9, 1);
	return NULL;
}

TEST_F(fq, poll_and_blocking_read_wake_up)
{
	struct fctx *f = &self->f;
	struct waker w = { f->fd, f->dev };
	struct pollfd p = { .fd = f->qfd, .events = POLLIN | POLLOUT };
	pthread_t t;

	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLOUT, p.revents);
	/* poll() sleeps until a group arrives. */
	p.events = POLLIN;
	ASSERT_EQ(0, pthread_create(&t, NULL, inject_later, &w));
	ASSERT_EQ(1, poll(&p, 1, 10000));
	pthread_join(t, NULL);
	EXPECT_TRUE(p.revents & POLLIN);
	ASSERT_EQ(1, read_recs(f->qfd, self->recs, 1));
	EXPECT_EQ(9, self->recs[0].grpid);
	ASSERT_EQ(0, poll(&p, 1, 0));	/* nothing left */
	/* A blocking read() sleeps until one arrives. */
	ASSERT_EQ(0, pthread_create(&t, NULL, inject_later, &w));
	ASSERT_EQ(1, read_recs(f->qfd, self->recs, 4));
	pthread_join(t, NULL);
	ASSERT_COUNTS(f->fd, f->dev, 2, 0, 0, 0, 2);
}

/* ---- Auto-response on every way out ---- */

enum way_out {
	OUT_DETACH,
	OUT_REPLACE_PLAIN,
	OUT_REPLACE_FAULT,
	OUT_HWPT_DESTROY,
	OUT_QUEUE_CLOSE,
	OUT_UNPLUG,
};

FIXTURE(out) {
	FQ_STATE;
};

FIXTURE_VARIANT(out) {
	enum way_out how;
};

FIXTURE_VARIANT_ADD(out, detach) { .how = OUT_DETACH };
FIXTURE_VARIANT_ADD(out, replace_to_plain) { .how = OUT_REPLACE_PLAIN };
FIXTURE_VARIANT_ADD(out, replace_to_fault) { .how = OUT_REPLACE_FAULT };
FIXTURE_VARIANT_ADD(out, hwpt_destroy) { .how = OUT_HWPT_DESTROY };
FIXTURE_VARIANT_ADD(out, queue_close) { .how = OUT_QUEUE_CLOSE };
FIXTURE_VARIANT_ADD(out, unplug) { .how = OUT_UNPLUG };

FIXTURE_SETUP(out)
{
	FQ_SETUP();
}

FIXTURE_TEARDOWN(out)
{
	FQ_TEARDOWN();
}

/*
 * Six groups: two answered (SUCCESS, INVALID), two read and not answered,
 * two not read. Returns the cookie of a read, unanswered one.
 */
static uint32_t six_groups(struct __test_metadata *_metadata, struct fctx *f,
			   struct hwpt_pgfault *r)
{
	unsigned int g;

	for (g = 0; g < 6; g++)
		ASSERT_EQ(0, inject(f->fd, f->dev, g, 1));
	ASSERT_EQ(4, read_recs(f->qfd, r, 4));
	ASSERT_EQ(0, answer1(f->qfd, r[0].cookie, HWPT_PAGE_RESP_SUCCESS));
	ASSERT_EQ(0, answer1(f->qfd, r[1].cookie, HWPT_PAGE_RESP_INVALID));
	ASSERT_COUNTS(f->fd, f->dev, 6, 1, 1, 0, 4);
	return r[2].cookie;
}

/*
 * Each way a device leaves its fault-capable HWPT answers exactly the four
 * unanswered groups, once; a late answer from userspace is refused, and
 * what comes after goes where the device now is.
 */
TEST_F(out, answers_the_rest_once)
{
	struct fctx *f = &self->f;
	uint32_t cookie, plain, fault2, hwpt2;
	struct counts before;
	int qfd2 = -1;

	if (variant->how == OUT_UNPLUG && access(PCI_RESCAN, W_OK))
		SKIP("no %s", PCI_RESCAN);
	ASSERT_EQ(0, module_counts(&before));
	cookie = six_groups(_metadata, f, self->recs);
	switch (variant->how) {
	case OUT_DETACH:
		ASSERT_EQ(0, detach(f->fd, f->dev));
		break;
	case OUT_REPLACE_PLAIN:
		ASSERT_EQ(0, hwpt_alloc(f->fd, f->dev, f->ioas, &plain));
		ASSERT_EQ(0, replace(f->fd, f->dev, plain, NULL, NULL));
		break;
	case OUT_REPLACE_FAULT:
		ASSERT_EQ(0, fault_alloc(f->fd, &fault2, &qfd2));
		ASSERT_EQ(0, hwpt_alloc_fault(f->fd, f->dev, f->ioas, fault2,
					      &hwpt2));
		ASSERT_EQ(0, replace(f->fd, f->dev, hwpt2, NULL, NULL));
		break;
	case OUT_HWPT_DESTROY:
		EXPECT_EQ(-EBUSY, destroy(f->fd, f->hwpt));
		ASSERT_COUNTS(f->fd, f->dev, 6, 1, 1, 0, 4);
		ASSERT_EQ(0, detach(f->fd, f->dev));
		ASSERT_EQ(0, destroy(f->fd, f->hwpt));
		break;
	case OUT_QUEUE_CLOSE:
		close(f->qfd);
		f->qfd = -1;
		break;
	case OUT_UNPLUG:
		str_copy(self->removed, sizeof(self->removed), self->s.bdf);
		ASSERT_EQ(0, pci_remove(self->s.bdf));
		break;
	}
	ASSERT_COUNTS(f->fd, f->dev, 6, 1, 1, 4, 0);
	ASSERT_MODULE_DELTA(&before, 6, 1, 1, 4);
	if (f->qfd >= 0) {
		EXPECT_EQ(-EINVAL, answer1(f->qfd, cookie, 0));
		EXPECT_EQ(0, drain(f->qfd, self->recs, MAX_RECS));
	}

	/* Afterwards. */
	switch (variant->how) {
	case OUT_REPLACE_FAULT:
		/* New groups arrive on the new queue only. */
		ASSERT_EQ(0, inject(f->fd, f->dev, 7, 1));
		EXPECT_EQ(0, drain(f->qfd, self->recs, MAX_RECS));
		ASSERT_EQ(1, drain(qfd2, self->recs, MAX_RECS));
		ASSERT_EQ(0, answer1(qfd2, self->recs[0].cookie, 0));
		ASSERT_COUNTS(f->fd, f->dev, 7, 2, 1, 4, 0);
		close(qfd2);
		break;
	case OUT_QUEUE_CLOSE:
		/* Still attached, nobody reads: answered at once. */
		ASSERT_EQ(0, inject(f->fd, f->dev, 7, 1));
		ASSERT_COUNTS(f->fd, f->dev, 7, 1, 1, 5, 0);
		break;
	case OUT_UNPLUG:
		EXPECT_EQ(-ENODEV, inject(f->fd, f->dev, 7, 1));
		break;
	default:
		EXPECT_EQ(-EINVAL, inject(f->fd, f->dev, 7, 1));
		break;
	}
}

/*
 * Closing /dev/hwpt, or SIGKILL of its process, with groups unanswered:
 * the module-wide counts show exactly those answered, once, and the device
 * is free again.
 */
static void die_with_groups(struct __test_metadata *_metadata,
			    const char *bdf, bool kill_it)
{
	struct counts before;
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, module_counts(&before));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct hwpt_pgfault r[4];
		struct fctx f;

		close(ready[0]);
		if (fctx_open(&f, bdf) || read_recs(f.qfd, r, 0) != -EINVAL)
			_exit(1);
		for (c = 0; c < 6; c++)
			if (inject(f.fd, f.dev, c, 1))
				_exit(2);
		if (read_recs(f.qfd, r, 4) != 4 ||
		    answer1(f.qfd, r[0].cookie, HWPT_PAGE_RESP_SUCCESS) ||
		    answer1(f.qfd, r[1].cookie, HWPT_PAGE_RESP_INVALID))
			_exit(3);
		if (write(ready[1], "r", 1) != 1)
			_exit(4);
		if (kill_it)
			pause();
		fctx_close(&f);
		_exit(0);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	if (kill_it)
		kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	ASSERT_MODULE_DELTA(&before, 6, 1, 1, 4);
	EXPECT_TRUE(driver_is(bdf, ""));
}

TEST_F(fq, file_close_answers_the_rest_once)
{
	fctx_close(&self->f);
	die_with_groups(_metadata, self->s.bdf, false);
}

TEST_F(fq, sigkill_answers_the_rest_once)
{
	fctx_close(&self->f);
	die_with_groups(_metadata, self->s.bdf, true);
}

/* ---- Groups of devices ---- */

/*
 * Both functions of the two-function edu take faults through one
 * attachment: one detaching answers its own groups only; the group's
 * attachment stays; the last detach answers the rest.
 */
TEST_F(fq, group_detach_answers_own_device_only)
{
	struct edu_info a, b;
	uint32_t da, db, ioas, fault, hwpt;
	int fd, qfd;

	if (!edu_find_pair(EDU_TWOFN, &a, &b))
		SKIP("no two-function edu");
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, a.bdf, &da));
	ASSERT_EQ(0, bind_dev(fd, b.bdf, &db));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, fault_alloc(fd, &fault, &qfd));
	ASSERT_EQ(0, hwpt_alloc_fault(fd, da, ioas, fault, &hwpt));
	ASSERT_EQ(0, attach(fd, da, hwpt, NULL, NULL));
	ASSERT_EQ(0, attach(fd, db, hwpt, NULL, NULL));
	ASSERT_EQ(0, inject(fd, da, 1, 1));
	ASSERT_EQ(0, inject(fd, db, 2, 1));
	ASSERT_EQ(0, inject(fd, da, 3, 1));
	ASSERT_EQ(0, inject(fd, db, 4, 1));
	ASSERT_EQ(2, read_recs(qfd, self->recs, 2));
	EXPECT_EQ(da, self->recs[0].dev_id);
	EXPECT_EQ(db, self->recs[1].dev_id);
	ASSERT_EQ(0, detach(fd, db));
	ASSERT_COUNTS(fd, db, 2, 0, 0, 2, 0);
	ASSERT_COUNTS(fd, da, 2, 0, 0, 0, 2);
	EXPECT_EQ(-EINVAL, inject(fd, db, 5, 1));
	ASSERT_EQ(1, drain(qfd, self->recs, MAX_RECS));
	EXPECT_EQ(da, self->recs[0].dev_id);
	EXPECT_EQ(3, self->recs[0].grpid);
	ASSERT_EQ(0, answer1(qfd, self->recs[0].cookie, 0));
	ASSERT_EQ(0, detach(fd, da));
	ASSERT_COUNTS(fd, da, 2, 1, 0, 1, 0);
	close(qfd);
	close(fd);
}

/* ---- Races ---- */

struct reader {
	int qfd;
	volatile bool stop;
	unsigned long answered;
};

/* Read and answer everything, SUCCESS and INVALID in turn, until stopped. */
static void *reader_loop(void *arg)
{
	struct hwpt_pgfault r[64];
	struct reader *rd = arg;
	struct pollfd p = { .fd = rd->qfd, .events = POLLIN };
	long n, i;

	while (!rd->stop) {
		if (poll(&p, 1, 20) <= 0)
			continue;
		n = drain(rd->qfd, r, 64);
		for (i = 0; i < n; i++)
			if (!answer1(rd->qfd, r[i].cookie,
				     rd->answered % 2 ? HWPT_PAGE_RESP_INVALID :
							HWPT_PAGE_RESP_SUCCESS))
				rd->answered++;
	}
	return NULL;
}

/*
 * A reader thread answers while the main thread injects and replaces the
 * group back and forth between two fault-capable HWPTs on one queue, 300
 * times: every group is answered once, by the reader or by a replace.
 */
TEST_F_TIMEOUT(fq, reader_races_replace_loop, 120)
{
	struct fctx *f = &self->f;
	struct reader rd = { .qfd = f->qfd };
	uint32_t other, pts[2];
	struct counts c;
	pthread_t t;
	unsigned int i;

	ASSERT_EQ(0, hwpt_alloc_fault(f->fd, f->dev, f->ioas, f->fault,
				      &other));
	pts[0] = f->hwpt;
	pts[1] = other;
	ASSERT_EQ(0, pthread_create(&t, NULL, reader_loop, &rd));
	for (i = 0; i < 300; i++) {
		ASSERT_EQ(0, inject(f->fd, f->dev, i % 512, 1 + i % 3));
		ASSERT_EQ(0, inject(f->fd, f->dev, (i + 1) % 512, 1));
		ASSERT_EQ(0, replace(f->fd, f->dev, pts[(i + 1) % 2], NULL,
				     NULL));
	}
	ASSERT_EQ(0, detach(f->fd, f->dev));
	rd.stop = true;
	pthread_join(t, NULL);
	ASSERT_EQ(0, dev_counts(f->fd, f->dev, &c));
	EXPECT_EQ(600, c.faults);
	EXPECT_EQ(0, c.pending);
	EXPECT_EQ(rd.answered, c.success + c.invalid);
	EXPECT_EQ(c.faults, c.success + c.invalid + c.autoresp);
	TH_LOG("%" PRIu64 " answered by the reader, %" PRIu64 " by replace",
	       c.success + c.invalid, c.autoresp);
}

/* ---- Error paths ---- */

/*
 * Fail each failure point of queue allocation, fault-capable HWPT
 * allocation, attach and injection in turn: each fails with an errno,
 * and closing the file answers whatever was injected, once.
 */
TEST_F_TIMEOUT(fq, fail_nth_sweep, 120)
{
	struct counts before, now;
	unsigned int n;
	long left;
	int rc;

	fctx_close(&self->f);
	for (n = 1; n < 300; n++) {
		struct fctx f;

		ASSERT_EQ(0, module_counts(&before));
		ASSERT_EQ(0, write_fail_nth(n));
		rc = fctx_open(&f, self->s.bdf);
		if (!rc)
			rc = inject(f.fd, f.dev, 1, 2);
		left = read_fail_nth();
		ASSERT_EQ(0, write_fail_nth(0));
		fctx_close(&f);
		EXPECT_TRUE(driver_is(self->s.bdf, ""));
		ASSERT_EQ(0, module_counts(&now));
		EXPECT_EQ(now.faults - before.faults,
			  now.success - before.success +
			  now.invalid - before.invalid +
			  now.autoresp - before.autoresp);
		if (left > 0) {
			/* The nth point was never reached: all went well. */
			ASSERT_EQ(0, rc);
			break;
		}
		EXPECT_GT(0, rc);
	}
	TH_LOG("%u failure points", n - 1);
}

TEST_HARNESS_MAIN
