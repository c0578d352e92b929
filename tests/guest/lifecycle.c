// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of the life cycle of /dev/hwpt files and of the module: module
 * references, leaks over many open/close cycles, unloading, and the error
 * paths reached by fault injection (debug_inject=1; skipped without). Runs
 * as root in the test VM, where /init loaded /hwpt.ko.
 *
 * Leaks are measured in the slab allocator, the only place a file's memory
 * comes from (the context, its objects, their xarray nodes, the struct
 * file): per cache, the growth of active objects in /proc/slabinfo over the
 * run, and the "Slab:" total of /proc/meminfo. Both are noisy: SLUB counts
 * the free objects of per-CPU slabs as active, RCU-deferred frees (xarray
 * nodes) land late, and other kernel activity allocates too. So the caches'
 * per-CPU slabs are flushed (/sys/kernel/slab/NAME/shrink) before each
 * reading, a reading over the limit is retried for a few seconds, and the
 * limits are set well below the smallest real leak: a leak of one object
 * in every second cycle of the 10,000 is 5,000 objects in one cache, the
 * limit is 1,000; and anything of 100 bytes or more per cycle is over 1 MB,
 * the limit of the "Slab:" total.
 *
 * The cycles with mappings and a device also check that every pinned page
 * is released (the FOLL_PIN counters of /proc/vmstat, folded first with
 * /proc/sys/vm/stat_refresh) and that locked memory (VmPin) is back to 0.
 * The device is chosen as in uapi.c ($HWPT_TEST_PCI_DEV, else a driverless
 * non-bridge PCI device alone in its IOMMU group).
 *
 * The last case unloads the module (the only one that may) and loads it
 * again from /hwpt.ko with the parameters it had, so that the programs that
 * run after this one still find it. It is self-contained: it checks that
 * nothing holds the module first.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/hwpt.h>

#include "util.h"

#define MODULE_FILE	"/hwpt.ko"

/* Leak limits, see the top of the file. */
#define SLAB_OBJS_LIMIT	1000
#define SLAB_KB_LIMIT	1024

/* ---- Small helpers ---- */

/* The module's reference count; LONG_MIN if not loaded. */
static long refcnt(void)
{
	return read_long(SYS_MODULE "/refcnt");
}

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* Wait up to secs seconds for path to (dis)appear; true if it did. */
static bool wait_path(const char *path, bool present, int secs)
{
	int i;

	for (i = 0; i < secs * 20; i++) {
		if (exists(path) == present)
			return true;
		usleep(50000);
	}
	return exists(path) == present;
}

/* ---- Capabilities (a failed open must not keep a reference) ---- */

static int drop_effective_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/* ---- Slab usage ---- */

struct slab_use {
	char name[64];
	long active;
	long per_slab;		/* objects in one slab */
};

struct slab_snap {
	bool have_slabinfo;
	long slab_kb;		/* "Slab:" of /proc/meminfo */
	int n;
	struct slab_use c[2048];
};

/* Flush the per-CPU slabs of every cache: fewer free objects counted. */
static void shrink_slabs(void)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 d->d_name);
		write_file(path, "1");
	}
	closedir(dir);
}

static long meminfo_kb(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = LONG_MIN;
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void slab_snapshot(struct slab_snap *s)
{
	char line[512];
	FILE *f;

	shrink_slabs();
	s->n = 0;
	s->slab_kb = meminfo_kb("Slab");
	f = fopen("/proc/slabinfo", "re");
	s->have_slabinfo = f != NULL;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && s->n < (int)ARRAY_SIZE(s->c)) {
		struct slab_use *u = &s->c[s->n];

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %ld %*d %*d %ld", u->name, &u->active,
			   &u->per_slab) == 3)
			s->n++;
	}
	fclose(f);
}

/*
 * SLUB's active counts move a slab at a time (objects of a CPU's slab
 * count as used): growth is counted beyond one slab's worth of objects,
 * which hides nothing but tiny leaks in the caches of the smallest sizes.
 */
struct slab_growth {
	char worst_name[64];
	long worst;		/* objects, in the cache that grew most */
	long slab_kb;		/* growth of "Slab:" */
};

static void slab_compare(const struct slab_snap *before,
			 const struct slab_snap *after, struct slab_growth *g)
{
	int i, j;

	g->worst = 0;
	strcpy(g->worst_name, "-");
	for (i = 0; i < after->n; i++) {
		long b = 0, d;

		for (j = 0; j < before->n; j++)
			if (!strcmp(before->c[j].name, after->c[i].name)) {
				b = before->c[j].active;
				break;
			}
		d = after->c[i].active - b - after->c[i].per_slab;
		if (d > g->worst) {
			g->worst = d;
			snprintf(g->worst_name, sizeof(g->worst_name), "%s",
				 after->c[i].name);
		}
	}
	g->slab_kb = after->slab_kb - before->slab_kb;
}

/*
 * Compare the slab usage now with before, retrying for up to ~5 s while
 * it is over the limits (late RCU frees): at most @objs more objects in
 * any cache. True when within them.
 */
static bool slab_settled(const struct slab_snap *before, struct slab_growth *g,
			 long objs)
{
	struct slab_snap *now = malloc(sizeof(*now));
	bool ok = false;
	int i;

	if (!now)
		return false;
	for (i = 0; i < 25 && !ok; i++) {
		if (i)
			usleep(200000);
		slab_snapshot(now);
		slab_compare(before, now, g);
		ok = g->worst < objs && g->slab_kb < SLAB_KB_LIMIT;
	}
	if (!ok && now->have_slabinfo) {
		/* Show the caches that grew. */
		for (i = 0; i < now->n; i++) {
			long b = 0;
			int j;

			for (j = 0; j < before->n; j++)
				if (!strcmp(before->c[j].name, now->c[i].name))
					b = before->c[j].active;
			if (now->c[i].active - b >= 100)
				TH_LOG("slab %s: %ld -> %ld active objects",
				       now->c[i].name, b, now->c[i].active);
		}
	}
	free(now);
	return ok;
}

/* ---- Module references ---- */

/* Each open file holds the module once; dup and fork share the file. */
TEST(refcnt_one_per_open_file)
{
	int fds[16], pipefd[2], status, i, fd;
	long base = refcnt();
	char c = 0;
	pid_t pid;

	ASSERT_NE(LONG_MIN, base);
	TH_LOG("module refcount with no file open: %ld", base);
	for (i = 0; i < (int)ARRAY_SIZE(fds); i++) {
		fds[i] = hwpt_open(O_RDWR);
		ASSERT_GE(fds[i], 0);
		ASSERT_EQ(base + i + 1, refcnt());
	}
	/* A dup is the same file. */
	fd = dup(fds[0]);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(base + 16, refcnt());
	close(fd);
	EXPECT_EQ(base + 16, refcnt());
	for (i = 15; i >= 1; i--) {
		close(fds[i]);
		EXPECT_EQ(base + i, refcnt());
	}

	/* A forked child's copy keeps the file, and the module, alive. */
	ASSERT_OK(pipe(pipefd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		uint32_t id = 0;

		close(pipefd[1]);
		/* Parent closed its copy: the file still works here. */
		if (read(pipefd[0], &c, 1) != 1)
			_exit(2);
		_exit(ioas_alloc(fds[0], &id) ? 1 : 0);
	}
	close(pipefd[0]);
	close(fds[0]);
	EXPECT_EQ(base + 1, refcnt());
	ASSERT_EQ(1, write(pipefd[1], &c, 1));
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(base, refcnt());
}

/* Opens that do not reach or do not pass the module's open keep nothing. */
TEST(refcnt_failed_and_path_opens)
{
	long base = refcnt();
	int fd;

	ASSERT_NE(LONG_MIN, base);
	/* O_PATH does not open the device at all. */
	fd = open(DEV_PATH, O_PATH | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(base, refcnt());
	EXPECT_EQ(-EBADF, destroy(fd, 1));
	close(fd);
	/* Refused by the module (no CAP_SYS_RAWIO). */
	ASSERT_EQ(0, drop_effective_cap(CAP_SYS_RAWIO));
	ASSERT_ERRNO(EPERM, hwpt_open(O_RDWR));
	EXPECT_EQ(base, refcnt());
}

/* ---- Leaks ---- */

static void cycle(int i, uint32_t *id, int *rc_alloc, int *rc_destroy,
		  int *fd_out)
{
	int fd = hwpt_open(O_RDWR);

	*fd_out = fd;
	*rc_alloc = *rc_destroy = 0;
	if (fd < 0)
		return;
	*rc_alloc = ioas_alloc(fd, id);
	/* Half destroyed explicitly, half left to close. */
	if (!*rc_alloc && (i & 1))
		*rc_destroy = destroy(fd, *id);
}

TEST_TIMEOUT(open_close_10000_cycles_leak_nothing, 300)
{
	const int cycles = 10000;
	struct slab_snap *before = malloc(sizeof(*before));
	int i, fd, rc_alloc, rc_destroy;
	struct slab_growth g;
	struct timespec t0, t1;
	uint32_t id = 0;
	long base;

	ASSERT_NONNULL(before);
	/* Warm up: caches and per-CPU state the first cycles create. */
	for (i = 0; i < 200; i++) {
		cycle(i, &id, &rc_alloc, &rc_destroy, &fd);
		ASSERT_GE(fd, 0);
		close(fd);
	}
	base = refcnt();
	ASSERT_NE(LONG_MIN, base);
	slab_snapshot(before);
	if (!before->have_slabinfo)
		TH_LOG("no /proc/slabinfo: only the Slab: total is checked");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < cycles; i++) {
		cycle(i, &id, &rc_alloc, &rc_destroy, &fd);
		if (fd < 0)
			TH_LOG("cycle %d: open: %s", i, strerror(errno));
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, rc_alloc);
		ASSERT_EQ(1, id);	/* every file numbers from 1 */
		ASSERT_EQ(0, rc_destroy);
		if (i % 1000 == 0)
			ASSERT_EQ(base + 1, refcnt());
		ASSERT_OK(close(fd));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_EQ(base, refcnt());

	if (!slab_settled(before, &g, SLAB_OBJS_LIMIT))
		TH_LOG("over the limits after %d cycles", cycles);
	TH_LOG("%d cycles in %.1f s; slab growth: %ld objects in %s "
	       "(limit %d), Slab: %+ld kB (limit %d)", cycles,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       g.worst, g.worst_name, SLAB_OBJS_LIMIT, g.slab_kb,
	       SLAB_KB_LIMIT);
	EXPECT_LT(g.worst, SLAB_OBJS_LIMIT);
	EXPECT_LT(g.slab_kb, SLAB_KB_LIMIT);
	free(before);
}

/* Many objects per file, most left for close to destroy. */
TEST_TIMEOUT(many_objects_freed_on_close, 300)
{
	struct slab_snap *before = malloc(sizeof(*before));
	const uint32_t per_file = 1000;
	struct slab_growth g;
	long base = LONG_MIN;
	int round, fd;
	uint32_t i, id = 0;

	ASSERT_NONNULL(before);
	for (round = -1; round < 20; round++) {
		if (round == 0) {	/* after one round of warming up */
			base = refcnt();
			ASSERT_NE(LONG_MIN, base);
			slab_snapshot(before);
		}
		fd = hwpt_open(O_RDWR);
		ASSERT_GE(fd, 0);
		for (i = 1; i <= per_file; i++) {
			ASSERT_EQ(0, ioas_alloc(fd, &id));
			ASSERT_EQ(i, id);
		}
		for (i = 1; i <= per_file; i += 3)
			ASSERT_EQ(0, destroy(fd, i));
		ASSERT_OK(close(fd));
	}
	EXPECT_EQ(base, refcnt());
	slab_settled(before, &g, SLAB_OBJS_LIMIT);
	TH_LOG("20 files x %u objects: slab growth %ld objects in %s, "
	       "Slab: %+ld kB", per_file, g.worst, g.worst_name, g.slab_kb);
	EXPECT_LT(g.worst, SLAB_OBJS_LIMIT);
	EXPECT_LT(g.slab_kb, SLAB_KB_LIMIT);
	free(before);
}

/* ---- Mappings and devices (the device is util.h's test_pci_dev()) ---- */

/* The device has a driver (after a bind: hwpt's). */
static bool dev_has_driver(void)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%.31s/driver",
		 test_pci_dev());
	return !access(path, F_OK);
}

#define MAP_PAGES	16

/* MAP_PAGES pages of memory to map, the same for the whole process. */
static void *map_buf(void)
{
	static void *buf;

	if (!buf) {
		buf = mmap(NULL, MAP_PAGES * sysconf(_SC_PAGESIZE),
			   PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (buf == MAP_FAILED)
			buf = NULL;
	}
	return buf;
}

/* Map map_buf() read-write where the kernel chooses. */
static int map_buf_into(int fd, uint32_t ioas_id)
{
	uint64_t iova;

	if (!map_buf())
		return -ENOMEM;
	return ioas_map(fd, ioas_id, map_buf(),
			MAP_PAGES * sysconf(_SC_PAGESIZE), &iova);
}

/* ---- Leaks with mappings and a device ---- */

/*
 * 1000 cycles of file, IOAS, mapping, bind and attach: no slab cache may
 * grow by a quarter object per cycle, so that a leak of one object in two
 * cycles (or less often: one in four) fails; the settling retries absorb
 * per-CPU caches and late RCU frees.
 */
TEST_TIMEOUT(map_and_device_cycles_leak_nothing, 300)
{
	const int cycles = 1000, limit = cycles / 4;
	struct slab_snap *before = malloc(sizeof(*before));
	bool dev = test_pci_dev() != NULL;
	long long pins = LLONG_MIN;
	long base = LONG_MIN;
	struct timespec t0 = { 0 }, t1;
	struct slab_growth g;
	int i;

	ASSERT_NONNULL(before);
	ASSERT_NONNULL(map_buf());
	if (!dev)
		TH_LOG("no free PCI device: mappings only");
	for (i = -20; i < cycles; i++) {
		uint32_t ioas = 0, dev_id = 0;
		int fd;

		if (i == 0) {	/* after warming up */
			base = refcnt();
			ASSERT_NE(LONG_MIN, base);
			pins = pins_outstanding();
			slab_snapshot(before);
			clock_gettime(CLOCK_MONOTONIC, &t0);
		}
		fd = hwpt_open(O_RDWR);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, ioas_alloc(fd, &ioas));
		ASSERT_EQ(0, map_buf_into(fd, ioas));
		if (dev) {
			ASSERT_EQ(0, device_bind(fd, &dev_id));
			ASSERT_EQ(0, attach(fd, dev_id, ioas, NULL, NULL));
		}
		/* Half torn down explicitly, half left to close. */
		if (i & 1) {
			if (dev) {
				ASSERT_EQ(0, detach(fd, dev_id));
				ASSERT_EQ(0, destroy(fd, dev_id));
			}
			ASSERT_EQ(MAP_PAGES * sysconf(_SC_PAGESIZE),
				  ioas_unmap_all(fd, ioas));
			/* The automatic HWPT went with the detach. */
			ASSERT_EQ(0, destroy(fd, ioas));
		}
		ASSERT_OK(close(fd));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_EQ(base, refcnt());
	if (pins != LLONG_MIN)
		EXPECT_EQ(pins, pins_outstanding());
	else
		TH_LOG("pinned pages not checked: no /proc/sys/vm/stat_refresh");
	EXPECT_EQ(0, vmpin_kb());
	if (dev)
		EXPECT_FALSE(dev_has_driver());

	slab_settled(before, &g, limit);
	TH_LOG("%d cycles (IOAS, %d pages mapped%s) in %.1f s; slab growth "
	       "%ld objects in %s (limit %d), Slab: %+ld kB", cycles,
	       MAP_PAGES, dev ? ", device bound and attached" : "",
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       g.worst, g.worst_name, limit, g.slab_kb);
	EXPECT_LT(g.worst, limit);
	EXPECT_LT(g.slab_kb, SLAB_KB_LIMIT);
	free(before);
}

/* ---- Unloading while in use ---- */

static long delete_module(const char *name, unsigned int flags)
{
	return syscall(SYS_delete_module, name, flags);
}

/*
 * delete_module() of a module still referenced fails with EWOULDBLOCK
 * (== EAGAIN) since the kernel stopped waiting for references (its
 * try_stop_module()); EBUSY is for a module that is still loading or
 * already going.
 */
struct param;
static int read_params(struct param *p, int max, char *args, size_t len);
static int load_module(const char *args);

TEST(rmmod_refused_while_open)
{
	struct hwpt_get_info info;
	char state[32], args[4096];
	int fd, status, pipefd[2];
	uint32_t id = 0;
	pid_t pid;
	long rc;

	ASSERT_GE(read_params(NULL, 0, args, sizeof(args)), 0);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &id));

	errno = 0;
	rc = delete_module("hwpt", O_NONBLOCK);
	if (rc == 0) {
		/* Must not happen; put the module back for the others. */
		TH_LOG("the module was unloaded with a file open");
		close(fd);
		TH_LOG("loading it again: %s", strerror(-load_module(args)));
		ASSERT_EQ(-1, rc);
	}
	EXPECT_EQ(EWOULDBLOCK, errno);
	/* Still loaded and working, the open file too. */
	ASSERT_OK(read_file(SYS_MODULE "/initstate", state, sizeof(state)));
	EXPECT_STREQ("live", state);
	EXPECT_TRUE(exists(DEV_PATH));
	EXPECT_EQ(0, get_info(fd, &info));
	EXPECT_EQ(0, destroy(fd, id));

	/* Held only by another process's file. */
	ASSERT_OK(pipe(pipefd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		char c;

		close(pipefd[1]);
		if (read(pipefd[0], &c, 1) != 1)
			_exit(2);
		/* It still works after the parent's attempt. */
		_exit(ioas_alloc(fd, &id) ? 1 : 0);
	}
	close(pipefd[0]);
	close(fd);
	errno = 0;
	EXPECT_EQ(-1, delete_module("hwpt", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	ASSERT_EQ(1, write(pipefd[1], "x", 1));
	close(pipefd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* ---- Fault injection ---- */

/* Without debug_inject the knob refuses to be armed. */
TEST(fail_nth_refused_without_debug_inject)
{
	if (debug_inject())
		SKIP("debug_inject is Y");
	ASSERT_EQ(-EPERM, write_fail_nth(1));
	EXPECT_EQ(0, read_fail_nth());
}

FIXTURE(inject) {
	int unused;
};

FIXTURE_SETUP(inject)
{
	if (!debug_inject())
		SKIP("the module was loaded without debug_inject=1");
	ASSERT_EQ(0, write_fail_nth(0));
}

FIXTURE_TEARDOWN(inject)
{
	write_fail_nth(0);
}

/*
 * A file with objects 1 and 3 and a hole at 2: without a failure, the next
 * IOAS_ALLOC gets 2.
 */
static int sweep_setup(int fd)
{
	uint32_t id = 0;
	int i, rc;

	for (i = 0; i < 3; i++) {
		rc = ioas_alloc(fd, &id);
		if (rc || id != (uint32_t)i + 1)
			return rc ? rc : -EINVAL;
	}
	return destroy(fd, 2);
}

/* Check the file is as sweep_setup() left it plus object 2; empties it. */
static bool sweep_state_ok(int fd)
{
	return !destroy(fd, 1) && !destroy(fd, 2) && !destroy(fd, 3) &&
	       destroy(fd, 4) == -ENOENT;
}

/*
 * Fail the 1st, 2nd, ... failure point of IOAS_ALLOC until it succeeds
 * without reaching the armed one. A failure that fired must be ENOMEM and
 * change nothing: the next IOAS_ALLOC gets the ID it would have got.
 */
static void __attribute__((noinline))
ioas_alloc_sweep(struct __test_metadata *_metadata)
{
	unsigned int n, fired = 0;
	bool done = false;

	for (n = 1; n <= 1000 && !done; n++) {
		int fd = hwpt_open(O_RDWR);
		uint32_t id = 0;
		long left;
		int rc;

		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, sweep_setup(fd));
		ASSERT_EQ(0, write_fail_nth(n));
		rc = ioas_alloc(fd, &id);
		left = read_fail_nth();
		if (left > 0) {
			/* Disarm before anything else reaches a point. */
			ASSERT_EQ(0, write_fail_nth(0));
			if (rc)
				TH_LOG("n=%u: failed with %s, not injected",
				       n, strerror(-rc));
			ASSERT_EQ(0, rc);
			EXPECT_EQ(2, id);
			done = true;
		} else {
			ASSERT_EQ(0, left);
			if (rc != -ENOMEM)
				TH_LOG("n=%u: injected failure gave %s", n,
				       rc ? strerror(-rc) : "success");
			ASSERT_EQ(-ENOMEM, rc);
			fired++;
			/* Nothing changed: the hole at 2 is still next. */
			ASSERT_EQ(0, ioas_alloc(fd, &id));
			EXPECT_EQ(2, id);
		}
		EXPECT_TRUE(sweep_state_ok(fd));
		ASSERT_OK(close(fd));
	}
	ASSERT_TRUE(done);
	TH_LOG("IOAS_ALLOC: %u failure point(s)", fired);
	EXPECT_GE(fired, 1);
}

/*
 * The same for open(): a failed open is ENOMEM and keeps no module
 * reference; the file that finally opens works.
 */
static void __attribute__((noinline))
open_sweep(struct __test_metadata *_metadata)
{
	long base = refcnt();
	unsigned int n, fired = 0;
	bool done = false;

	ASSERT_NE(LONG_MIN, base);
	for (n = 1; n <= 1000 && !done; n++) {
		uint32_t id = 0;
		long left;
		int fd, err;

		ASSERT_EQ(0, write_fail_nth(n));
		fd = hwpt_open(O_RDWR);
		err = errno;
		left = read_fail_nth();
		if (left > 0) {
			ASSERT_EQ(0, write_fail_nth(0));
			if (fd < 0)
				TH_LOG("n=%u: open failed with %s, not injected",
				       n, strerror(err));
			ASSERT_GE(fd, 0);
			EXPECT_EQ(base + 1, refcnt());
			EXPECT_EQ(0, ioas_alloc(fd, &id));
			EXPECT_EQ(1, id);
			close(fd);
			done = true;
		} else {
			ASSERT_EQ(0, left);
			if (fd >= 0) {
				TH_LOG("n=%u: injected failure, open succeeded",
				       n);
				close(fd);
			}
			ASSERT_EQ(-1, fd);
			EXPECT_EQ(ENOMEM, err);
			fired++;
		}
		EXPECT_EQ(base, refcnt());
	}
	ASSERT_TRUE(done);
	TH_LOG("open: %u failure point(s)", fired);
	EXPECT_GE(fired, 1);
}

/* The knob only affects the process that armed it. */
static void __attribute__((noinline))
other_processes_unaffected(struct __test_metadata *_metadata)
{
	int fd, status;
	uint32_t id = 0;
	pid_t pid;

	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, write_fail_nth(1));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int cfd = hwpt_open(O_RDWR);
		uint32_t cid;

		if (cfd < 0)
			_exit(1);
		if (ioas_alloc(cfd, &cid) || ioas_alloc(fd, &cid))
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1, read_fail_nth());
	/* The armed process still gets its failure. */
	EXPECT_EQ(-ENOMEM, ioas_alloc(fd, &id));
	EXPECT_EQ(0, read_fail_nth());
	EXPECT_EQ(0, ioas_alloc(fd, &id));
	EXPECT_EQ(2, id);	/* the child's IOAS in this file is 1 */
	close(fd);
}

/* Writing 0 disarms. */
static void __attribute__((noinline))
fail_nth_zero_disarms(struct __test_metadata *_metadata)
{
	uint32_t id = 0;
	int fd = hwpt_open(O_RDWR);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, write_fail_nth(1));
	EXPECT_EQ(1, read_fail_nth());
	ASSERT_EQ(0, write_fail_nth(0));
	EXPECT_EQ(0, read_fail_nth());
	EXPECT_EQ(0, ioas_alloc(fd, &id));
	EXPECT_EQ(1, id);
	close(fd);
}

/*
 * The cases run under the fixture (whose teardown disarms the knob even
 * after a failed ASSERT) but in functions of their own: a TEST_F body is
 * inlined next to a sigsetjmp, where the compiler may keep its locals in
 * registers that the longjmp of a failed ASSERT would clobber.
 */
TEST_F(inject, ioas_alloc_sweep) { ioas_alloc_sweep(_metadata); }
TEST_F(inject, open_sweep) { open_sweep(_metadata); }
TEST_F(inject, other_processes_unaffected)
{
	other_processes_unaffected(_metadata);
}
TEST_F(inject, fail_nth_zero_disarms) { fail_nth_zero_disarms(_metadata); }

/*
 * ---- Injected failures in every operation that has failure points ----
 *
 * For each operation: set it up in a new file, arm fail_nth = 1, 2, ...,
 * run it, until it succeeds without reaching the armed point. An injected
 * failure (an allocation's ENOMEM, or the error of the core call it
 * stands for) must fail the operation and leave everything as without it:
 * the file's objects, the mappings, what the device is attached to,
 * whether it has a driver, the pages pinned and the memory locked. The
 * operation is then retried and must work: the unwinding left nothing
 * half done. A failure point whose failure the module recovers from (it
 * tries another way) may let the operation succeed; that is logged.
 */
struct sweep_ctx {
	uint32_t ioas1, ioas2, dev_id, hwpt_id;
};

struct sweep_state {
	uint32_t next_id;
	int64_t mapped1, mapped2;
	long dev_hwpt;
	bool driver;
	long long pins;
	long vmpin;
};

struct sweep_op {
	bool needs_dev;
	int (*setup)(int fd, struct sweep_ctx *c);
	int (*op)(int fd, struct sweep_ctx *c);
};

static void sweep_state(int fd, const struct sweep_ctx *c,
			struct sweep_state *s)
{
	memset(s, 0, sizeof(*s));
	s->pins = pins_outstanding();
	s->vmpin = vmpin_kb();
	s->driver = test_pci_dev() && dev_has_driver();
	if (c->dev_id)
		s->dev_hwpt = dev_pt(fd, c->dev_id);
	if (c->ioas1)
		s->mapped1 = ioas_unmap_all(fd, c->ioas1);
	if (c->ioas2)
		s->mapped2 = ioas_unmap_all(fd, c->ioas2);
	if (ioas_alloc(fd, &s->next_id))
		s->next_id = 0;
}

static bool sweep_same(const struct sweep_state *a,
		       const struct sweep_state *b)
{
	return a->next_id == b->next_id && a->mapped1 == b->mapped1 &&
	       a->mapped2 == b->mapped2 && a->dev_hwpt == b->dev_hwpt &&
	       a->driver == b->driver && a->pins == b->pins &&
	       a->vmpin == b->vmpin;
}

static void sweep_log(const char *what, const struct sweep_state *s)
{
	TH_LOG("  %s: next ID %u, mapped %lld+%lld, device on %ld%s, "
	       "pins %lld, VmPin %ld kB", what, s->next_id,
	       (long long)s->mapped1, (long long)s->mapped2, s->dev_hwpt,
	       s->driver ? " (driver bound)" : "", s->pins, s->vmpin);
}

static int setup_nothing(int fd, struct sweep_ctx *c)
{
	(void)fd;
	(void)c;
	return 0;
}

static int setup_ioas(int fd, struct sweep_ctx *c)
{
	return ioas_alloc(fd, &c->ioas1);
}

static int setup_ioas_mapped(int fd, struct sweep_ctx *c)
{
	return ioas_alloc(fd, &c->ioas1) ?: map_buf_into(fd, c->ioas1);
}

static int setup_bound(int fd, struct sweep_ctx *c)
{
	return device_bind(fd, &c->dev_id) ?: setup_ioas_mapped(fd, c);
}

static int setup_attached(int fd, struct sweep_ctx *c)
{
	return setup_bound(fd, c) ?:
	       attach(fd, c->dev_id, c->ioas1, NULL, NULL);
}

static int setup_attached_and_second(int fd, struct sweep_ctx *c)
{
	return setup_attached(fd, c) ?: ioas_alloc(fd, &c->ioas2) ?:
	       map_buf_into(fd, c->ioas2);
}

static int op_map(int fd, struct sweep_ctx *c)
{
	return map_buf_into(fd, c->ioas1);
}

static int op_bind(int fd, struct sweep_ctx *c)
{
	return device_bind(fd, &c->dev_id);
}

static int op_hwpt_alloc(int fd, struct sweep_ctx *c)
{
	return hwpt_alloc(fd, c->dev_id, c->ioas1, &c->hwpt_id);
}

static int op_attach(int fd, struct sweep_ctx *c)
{
	return attach(fd, c->dev_id, c->ioas1, NULL, NULL);
}

static int op_replace(int fd, struct sweep_ctx *c)
{
	return replace(fd, c->dev_id, c->ioas2, NULL, NULL);
}

static int op_iova_ranges(int fd, struct sweep_ctx *c)
{
	struct ranges r;

	return iova_ranges(fd, c->ioas1, &r);
}

FIXTURE(sweep) {
	int unused;
};

FIXTURE_VARIANT(sweep) {
	struct sweep_op op;
};

FIXTURE_VARIANT_ADD(sweep, ioas_map) {
	.op = { .setup = setup_ioas, .op = op_map },
};

FIXTURE_VARIANT_ADD(sweep, ioas_map_attached) {
	.op = { .needs_dev = true, .setup = setup_attached, .op = op_map },
};

FIXTURE_VARIANT_ADD(sweep, device_bind) {
	.op = { .needs_dev = true, .setup = setup_nothing, .op = op_bind },
};

FIXTURE_VARIANT_ADD(sweep, hwpt_alloc) {
	.op = { .needs_dev = true, .setup = setup_bound,
		.op = op_hwpt_alloc },
};

FIXTURE_VARIANT_ADD(sweep, device_attach) {
	.op = { .needs_dev = true, .setup = setup_bound, .op = op_attach },
};

FIXTURE_VARIANT_ADD(sweep, device_replace) {
	.op = { .needs_dev = true, .setup = setup_attached_and_second,
		.op = op_replace },
};

FIXTURE_VARIANT_ADD(sweep, iova_ranges_attached) {
	.op = { .needs_dev = true, .setup = setup_attached,
		.op = op_iova_ranges },
};

FIXTURE_SETUP(sweep)
{
	if (!debug_inject())
		SKIP("the module was loaded without debug_inject=1");
	if (variant->op.needs_dev && !test_pci_dev())
		SKIP("no unbound PCI device alone in its IOMMU group "
		     "(or set HWPT_TEST_PCI_DEV)");
	ASSERT_NONNULL(map_buf());
	ASSERT_EQ(0, write_fail_nth(0));
}

FIXTURE_TEARDOWN(sweep)
{
	write_fail_nth(0);
}

/* Count one more "what" in a list " what xN, ..." kept in buf. */
static void err_count(char *buf, size_t len, const char *what)
{
	char item[64], *p;
	int n = 1;

	snprintf(item, sizeof(item), " %s x", what);
	p = strstr(buf, item);
	if (p) {
		char rest[512];
		char *end;

		n = strtol(p + strlen(item), &end, 10) + 1;
		snprintf(rest, sizeof(rest), "%s", end);
		snprintf(p, len - (p - buf), "%s%d%s", item, n, rest);
		return;
	}
	snprintf(buf + strlen(buf), len - strlen(buf), "%s%s%d",
		 buf[0] ? "," : "", item, n);
}

static void __attribute__((noinline))
run_sweep(struct __test_metadata *_metadata, const struct sweep_op *o)
{
	struct sweep_state ref, got;
	struct sweep_ctx c = { 0 };
	char errs[512] = "";
	unsigned int n, fired = 0;
	bool done = false;
	int fd;

	/* The state after the setup alone. */
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, o->setup(fd, &c));
	sweep_state(fd, &c, &ref);
	ASSERT_OK(close(fd));

	for (n = 1; n <= 200 && !done; n++) {
		long left;
		int rc;

		memset(&c, 0, sizeof(c));
		fd = hwpt_open(O_RDWR);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, o->setup(fd, &c));
		ASSERT_EQ(0, write_fail_nth(n));
		rc = o->op(fd, &c);
		left = read_fail_nth();
		if (left > 0) {
			/* Not reached: the plain run, which must work. */
			ASSERT_EQ(0, write_fail_nth(0));
			if (rc)
				TH_LOG("n=%u: failed with %s, not injected", n,
				       strerror(-rc));
			ASSERT_EQ(0, rc);
			done = true;
		} else if (!rc) {
			ASSERT_EQ(0, left);
			TH_LOG("n=%u: recovered from the injected failure", n);
			err_count(errs, sizeof(errs), "recovered");
			fired++;
		} else {
			ASSERT_EQ(0, left);
			fired++;
			err_count(errs, sizeof(errs), strerror(-rc));
			sweep_state(fd, &c, &got);
			if (!sweep_same(&ref, &got)) {
				TH_LOG("n=%u: failed with %s but changed things:",
				       n, strerror(-rc));
				sweep_log("after setup", &ref);
				sweep_log("after the failure", &got);
			}
			EXPECT_TRUE(sweep_same(&ref, &got));
			/* Nothing half done: now it works. */
			memset(&c, 0, sizeof(c));
			ASSERT_OK(close(fd));
			fd = hwpt_open(O_RDWR);
			ASSERT_GE(fd, 0);
			ASSERT_EQ(0, o->setup(fd, &c));
			rc = o->op(fd, &c);
			if (rc)
				TH_LOG("n=%u: a retry after the failure failed "
				       "with %s", n, strerror(-rc));
			EXPECT_EQ(0, rc);
		}
		ASSERT_OK(close(fd));
		/* Closing released everything, whatever happened. */
		EXPECT_EQ(0, vmpin_kb());
		if (ref.pins != LLONG_MIN)
			EXPECT_EQ(ref.pins - (ref.mapped1 + ref.mapped2) /
				  sysconf(_SC_PAGESIZE), pins_outstanding());
	}
	ASSERT_TRUE(done);
	TH_LOG("%u failure point(s):%s", fired, errs);
}

TEST_F_TIMEOUT(sweep, injected_failures_unwind, 120)
{
	run_sweep(_metadata, &variant->op);
}

/* ---- Unload and load again: keep this the last case ---- */

struct param {
	char name[64];
	char value[256];
};

/*
 * The module's parameters as "name=value ..." for finit_module(), and the
 * first max of them in p (p may be NULL); returns how many are in p. The
 * runtime knob fail_nth is state, not a load parameter, and is left out.
 */
static int read_params(struct param *p, int max, char *args, size_t len)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	args[0] = 0;
	dir = opendir(PARAMS);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dir))) {
		struct param one, *q = p && n < max ? &p[n] : &one;

		if (d->d_name[0] == '.' || !strcmp(d->d_name, "fail_nth"))
			continue;
		if (strlen(d->d_name) >= sizeof(q->name))
			continue;
		strcpy(q->name, d->d_name);
		snprintf(path, sizeof(path), PARAMS "/%.63s", q->name);
		if (read_file(path, q->value, sizeof(q->value)))
			continue;	/* write-only: nothing to restore */
		snprintf(args + strlen(args), len - strlen(args),
			 strchr(q->value, ' ') ? "%s%s=\"%s\"" : "%s%s=%s",
			 args[0] ? " " : "", q->name, q->value);
		if (q != &one)
			n++;
	}
	closedir(dir);
	return n;
}

static int load_module(const char *args)
{
	int fd = open(MODULE_FILE, O_RDONLY | O_CLOEXEC);
	long rc;

	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, args, 0);
	rc = rc ? -errno : 0;
	close(fd);
	return rc;
}

TEST_TIMEOUT(unload_and_reload_last, 120)
{
	struct hwpt_get_info before, after;
	struct param params[32];
	char args[4096], value[256], path[PATH_MAX];
	int nparams, i, fd, rc;
	long base;

	if (!exists(MODULE_FILE))
		SKIP("no " MODULE_FILE " to load again");
	ASSERT_TRUE(exists(SYS_MODULE));
	if (debug_inject())
		ASSERT_EQ(0, write_fail_nth(0));

	/* Nothing may hold it: every earlier case's files are closed. */
	base = refcnt();
	TH_LOG("module refcount before unloading: %ld", base);
	ASSERT_EQ(0, base);

	nparams = read_params(params, ARRAY_SIZE(params), args, sizeof(args));
	ASSERT_GE(nparams, 0);
	TH_LOG("parameters to load with again: \"%s\"", args);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, get_info(fd, &before));
	close(fd);

	/* Unload. From here on no ASSERT before the module is back. */
	errno = 0;
	rc = delete_module("hwpt", O_NONBLOCK);
	if (rc)
		TH_LOG("delete_module: %s", strerror(errno));
	ASSERT_EQ(0, rc);
	EXPECT_FALSE(exists(SYS_MODULE));
	EXPECT_TRUE(wait_path(DEV_PATH, false, 5));
	EXPECT_ERRNO(ENOENT, hwpt_open(O_RDWR));
	EXPECT_EQ(LONG_MIN, refcnt());

	/* Load again as /init did. */
	rc = load_module(args);
	if (rc)
		TH_LOG("finit_module(" MODULE_FILE ", \"%s\"): %s", args,
		       strerror(-rc));
	ASSERT_EQ(0, rc);
	ASSERT_TRUE(wait_path(DEV_PATH, true, 5));
	EXPECT_EQ(0, refcnt());
	for (i = 0; i < nparams; i++) {
		snprintf(path, sizeof(path), PARAMS "/%.63s", params[i].name);
		EXPECT_EQ(0, read_file(path, value, sizeof(value)));
		EXPECT_STREQ(params[i].value, value);
	}
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, get_info(fd, &after));
	/* The same capabilities; fault counts start again from zero. */
	EXPECT_EQ(0, memcmp(&before, &after,
			    offsetof(struct hwpt_get_info, out_faults)));
	EXPECT_EQ(0, after.out_faults);
	close(fd);
	EXPECT_EQ(0, refcnt());
}

TEST_HARNESS_MAIN
