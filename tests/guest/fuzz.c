// SPDX-License-Identifier: GPL-2.0
/*
 * A bounded concurrent fuzzer of /dev/hwpt. Threads of three processes
 * issue random sequences of valid and invalid ioctls over a shared pool of
 * object IDs: two processes share one file (the second a fork of the
 * first), the third has its own. Arguments are built to reach deep paths
 * (real buffers, IDs that exist, aligned IOVAs) and then randomly spoilt
 * (wrong IDs and types, huge and wrapping ranges, bad pointers, unknown
 * flags, short and long sizes), and the argument is randomly put in a
 * read-only page so that the reply cannot be written. Meanwhile a chaos
 * thread unplugs and rescans a device, unbinds devices through sysfs, SIGKILLs
 * and respawns the other two processes, and arms the module's fail_nth;
 * under the debug kernel each worker also arms the kernel's own failslab
 * (/proc/thread-self/fail-nth) now and then.
 *
 * Afterwards, with every file closed: every pin is released
 * (nr_foll_pin_acquired == nr_foll_pin_released), VmPin is back, the
 * module's reference count is back, no attachment is retired, every fault
 * group was answered, and every device is free again; /init then unloads
 * the module, and the VM run fails on any kernel report.
 *
 * HWPT_FUZZ_SECONDS (default 20) bounds the run; HWPT_FUZZ_SEED (default:
 * from the clock) seeds it. Each run prints its seed: the same seed gives
 * every thread the same sequence of operations again (the interleaving is
 * the scheduler's). scripts/fuzz.sh runs it longer.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <linux/hwpt.h>

#include "edu.h"

#define FAILSLAB	"/sys/kernel/debug/failslab"
#define HWPT_DRV_UNBIND	"/sys/bus/pci/drivers/hwpt/unbind"

#define WORKERS		2	/* per process */
#define NIDS		64
#define NQFDS		8
#define NBUF_PAGES	64
#define ARG_MAX_SIZE	128

static size_t psz;

static void __attribute__((constructor)) init_psz(void)
{
	psz = sysconf(_SC_PAGESIZE);
}

/* ---- Random numbers: xorshift64*, one state per thread ---- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static bool one_in(uint64_t *s, unsigned int n)
{
	return rnd(s) % n == 0;
}

/* ---- What one process shares among its threads ---- */

struct proc {
	int fd;
	uint64_t seed;
	volatile bool *stop;	/* in shared memory */
	pthread_mutex_t lock;	/* @ids, @qfds */
	uint32_t ids[NIDS];	/* IDs this file handed out */
	int nids;
	int qfds[NQFDS];
	int nqfds;
	uint8_t *buf;		/* NBUF_PAGES pages, read-write */
	uint8_t *ro;		/* one page, read-only */
	char bdfs[EDU_MAX][32];
	int nbdfs;
	/*
	 * The one unplugged: unplugging a function of the two-function edu
	 * can leave its functions in two IOMMU groups after the rescan,
	 * which the programs after this one would miss.
	 */
	char singleton[32];
	bool failslab;
};

/* Shared by every process of the run (MAP_SHARED). */
struct shared {
	volatile bool stop;
	long ops, ok;
};

static struct shared *shared;

static void remember_id(struct proc *p, uint64_t *s, uint32_t id)
{
	pthread_mutex_lock(&p->lock);
	if (p->nids < NIDS)
		p->ids[p->nids++] = id;
	else
		p->ids[rnd(s) % NIDS] = id;
	pthread_mutex_unlock(&p->lock);
}

/* An object ID: mostly one the file handed out, else anything. */
static uint32_t pick_id(struct proc *p, uint64_t *s)
{
	static const uint32_t odd[] = { 0, 1, 2, 3, 7, 0x7fffffff, ~0U };
	uint32_t id;

	if (one_in(s, 4))
		return one_in(s, 2) ? odd[rnd(s) % ARRAY_SIZE(odd)] :
				      (uint32_t)rnd(s);
	pthread_mutex_lock(&p->lock);
	id = p->nids ? p->ids[rnd(s) % p->nids] : 1;
	pthread_mutex_unlock(&p->lock);
	return id;
}

static uint64_t pick_iova(uint64_t *s)
{
	static const uint64_t odd[] = { 0, 0xfee00000, 0xfffffffffffff000ULL,
					1ULL << 63, 1ULL << 48, 0x1001 };

	if (one_in(s, 5))
		return odd[rnd(s) % ARRAY_SIZE(odd)];
	return (rnd(s) % 4096) * psz;	/* below 16 MiB with 4 KiB pages */
}

static uint64_t pick_len(uint64_t *s)
{
	static const uint64_t odd[] = { 0, 1, 1ULL << 40, ~0ULL,
					0x8000000000000000ULL, 4097 };

	if (one_in(s, 6))
		return odd[rnd(s) % ARRAY_SIZE(odd)];
	return (1 + rnd(s) % 16) * psz;
}

/* A user address: mostly in the buffer, else read-only, NULL or wild. */
static uint64_t pick_va(struct proc *p, uint64_t *s)
{
	switch (rnd(s) % 10) {
	case 0:
		return (uintptr_t)p->ro;
	case 1:
		return 0;
	case 2:
		return 0xffff800000000000ULL;
	case 3:
		return (uintptr_t)p->buf + 1;
	default:
		return (uintptr_t)p->buf + (rnd(s) % (NBUF_PAGES / 2)) * psz;
	}
}

/* ---- One random operation ---- */

struct worker {
	struct proc *p;
	pthread_t thread;
	uint64_t s;
	uint8_t *arg;		/* its own page for ioctl arguments */
	int fail_nth_fd;	/* /proc/thread-self/fail-nth, or -1 */
};

/* The argument's size: mostly right, else short, long or odd. */
static uint32_t pick_size(uint64_t *s, uint32_t size)
{
	switch (rnd(s) % 16) {
	case 0:
		return rnd(s) % size;
	case 1:
		return size + 8;
	case 2:
		return rnd(s) % ARG_MAX_SIZE;
	default:
		return size;
	}
}

/*
 * Issue ioctl @cmd with the @size bytes at @a: the size field set, a byte
 * past the end set now and then (E2BIG), the argument in a read-only page
 * now and then. Returns 0 or -errno.
 */
static int fuzz_ioctl(struct worker *w, unsigned long cmd, void *a,
		      uint32_t size)
{
	uint32_t usize = pick_size(&w->s, size);
	bool ro = one_in(&w->s, 12);
	int rc;

	memset(w->arg, 0, psz);
	memcpy(w->arg, a, size);
	memcpy(w->arg, &usize, 4);
	/* A non-zero byte past the structure: E2BIG. */
	if (usize > size && one_in(&w->s, 3))
		w->arg[size] = 1;
	if (ro)
		mprotect(w->arg, psz, PROT_READ);
	if (w->fail_nth_fd >= 0 && one_in(&w->s, 16)) {
		char n[8];

		snprintf(n, sizeof(n), "%u", 1 + (unsigned int)(rnd(&w->s) % 8));
		pwrite(w->fail_nth_fd, n, strlen(n), 0);
	}
	rc = xioctl(w->p->fd, cmd, w->arg);
	if (w->fail_nth_fd >= 0)
		pwrite(w->fail_nth_fd, "0", 1, 0);
	if (ro)
		mprotect(w->arg, psz, PROT_READ | PROT_WRITE);
	/* What the kernel wrote back, for the caller's out fields. */
	memcpy(a, w->arg, size);
	__atomic_add_fetch(&shared->ops, 1, __ATOMIC_RELAXED);
	if (!rc)
		__atomic_add_fetch(&shared->ok, 1, __ATOMIC_RELAXED);
	return rc;
}

static uint32_t pick_flags(uint64_t *s, uint32_t known)
{
	if (one_in(s, 8))
		return (uint32_t)rnd(s);
	return (uint32_t)rnd(s) & known;
}

static void op_queue_fd(struct worker *w)
{
	struct proc *p = w->p;
	struct hwpt_pgfault recs[16];
	struct hwpt_page_response r[4];
	int qfd = -1, i, n = 0;

	pthread_mutex_lock(&p->lock);
	if (p->nqfds) {
		i = rnd(&w->s) % p->nqfds;
		qfd = p->qfds[i];
		if (one_in(&w->s, 8)) {
			/* Closed: answers what waits in it. */
			p->qfds[i] = p->qfds[--p->nqfds];
			close(qfd);
			qfd = -1;
		}
	}
	pthread_mutex_unlock(&p->lock);
	if (qfd < 0)
		return;
	/* Another thread may close it meanwhile: EBADF is fine. */
	n = read(qfd, recs, sizeof(recs)) / (int)sizeof(recs[0]);
	for (i = 0; i < n && i < (int)ARRAY_SIZE(r); i++) {
		r[i].cookie = one_in(&w->s, 8) ? (uint32_t)rnd(&w->s) :
						 recs[i].cookie;
		r[i].code = one_in(&w->s, 8) ? (uint32_t)rnd(&w->s) % 4 :
					       HWPT_PAGE_RESP_SUCCESS;
	}
	if (i)
		write(qfd, r, i * sizeof(r[0]));
}

static void fuzz_one(struct worker *w)
{
	struct proc *p = w->p;
	uint64_t *s = &w->s;
	union {
		struct hwpt_destroy destroy;
		struct hwpt_ioas_alloc ioas_alloc;
		struct hwpt_ioas_map map;
		struct hwpt_ioas_unmap unmap;
		struct hwpt_ioas_iova_ranges ranges;
		struct hwpt_hwpt_alloc hwpt_alloc;
		struct hwpt_device_bind bind;
		struct hwpt_device_attach attach;
		struct hwpt_device_detach detach;
		struct hwpt_device_get get;
		struct hwpt_fault_alloc fault_alloc;
		struct hwpt_fault_inject inject;
		struct hwpt_hw_info hw_info;
		struct hwpt_get_info info;
		struct hwpt_pasid pasid;
		struct hwpt_hwpt_invalidate invalidate;
		struct hwpt_hwpt_set_dirty_tracking dirty;
		struct hwpt_hwpt_get_dirty_bitmap bitmap;
		uint8_t raw[ARG_MAX_SIZE];
	} u;
	int rc;

	memset(&u, 0, sizeof(u));
	switch (rnd(s) % 22) {
	case 0:
		u.destroy.id = pick_id(p, s);
		fuzz_ioctl(w, HWPT_DESTROY, &u, sizeof(u.destroy));
		break;
	case 1:
	case 2:
		u.ioas_alloc.flags = one_in(s, 10);
		if (!fuzz_ioctl(w, HWPT_IOAS_ALLOC, &u, sizeof(u.ioas_alloc)))
			remember_id(p, s, u.ioas_alloc.out_ioas_id);
		break;
	case 3:
	case 4:
	case 5:
		u.map.flags = pick_flags(s, HWPT_IOAS_MAP_FIXED_IOVA | MAP_RW);
		if (!one_in(s, 8))
			u.map.flags |= HWPT_IOAS_MAP_READABLE;
		u.map.ioas_id = pick_id(p, s);
		u.map.user_va = pick_va(p, s);
		u.map.length = pick_len(s);
		u.map.iova = pick_iova(s);
		fuzz_ioctl(w, HWPT_IOAS_MAP, &u, sizeof(u.map));
		break;
	case 6:
	case 7:
		u.unmap.ioas_id = pick_id(p, s);
		if (one_in(s, 4)) {
			u.unmap.length = ~0ULL;	/* everything */
		} else {
			u.unmap.iova = pick_iova(s);
			u.unmap.length = pick_len(s);
		}
		fuzz_ioctl(w, HWPT_IOAS_UNMAP, &u, sizeof(u.unmap));
		break;
	case 8:
		u.ranges.ioas_id = pick_id(p, s);
		u.ranges.num_iovas = rnd(s) % 6;
		u.ranges.allowed_iovas = one_in(s, 4) ? (uintptr_t)p->ro :
					 (uintptr_t)p->buf;
		fuzz_ioctl(w, HWPT_IOAS_IOVA_RANGES, &u, sizeof(u.ranges));
		break;
	case 9:
	case 10:
		u.hwpt_alloc.flags = pick_flags(s, HWPT_HWPT_FAULT_ID_VALID |
						   HWPT_HWPT_ALLOC_ENFORCE_COHERENCY);
		u.hwpt_alloc.dev_id = pick_id(p, s);
		u.hwpt_alloc.pt_id = pick_id(p, s);
		u.hwpt_alloc.fault_id = pick_id(p, s);
		if (!fuzz_ioctl(w, HWPT_HWPT_ALLOC, &u, sizeof(u.hwpt_alloc)))
			remember_id(p, s, u.hwpt_alloc.out_hwpt_id);
		break;
	case 11:
		u.bind.bus = one_in(s, 10) ? 7 : HWPT_BUS_PCI;
		if (p->nbdfs && !one_in(s, 10))
			str_copy(u.bind.name, sizeof(u.bind.name),
				 p->bdfs[rnd(s) % p->nbdfs]);
		else
			str_copy(u.bind.name, sizeof(u.bind.name),
				 "0000:00:00.0");
		if (!fuzz_ioctl(w, HWPT_DEVICE_BIND, &u, sizeof(u.bind)))
			remember_id(p, s, u.bind.out_dev_id);
		break;
	case 12:
	case 13:
		u.attach.dev_id = pick_id(p, s);
		u.attach.pt_id = pick_id(p, s);
		u.attach.flags = one_in(s, 16);
		rc = fuzz_ioctl(w, one_in(s, 2) ? HWPT_DEVICE_ATTACH :
					     HWPT_DEVICE_REPLACE,
				&u, sizeof(u.attach));
		if (!rc)
			remember_id(p, s, u.attach.out_hwpt_id);
		break;
	case 14:
		u.detach.dev_id = pick_id(p, s);
		fuzz_ioctl(w, HWPT_DEVICE_DETACH, &u, sizeof(u.detach));
		break;
	case 15:
		u.get.dev_id = pick_id(p, s);
		fuzz_ioctl(w, HWPT_DEVICE_GET, &u, sizeof(u.get));
		break;
	case 16:
		if (p->nqfds >= NQFDS)
			break;
		u.fault_alloc.flags = one_in(s, 16);
		if (!fuzz_ioctl(w, HWPT_FAULT_QUEUE_ALLOC, &u,
				sizeof(u.fault_alloc))) {
			remember_id(p, s, u.fault_alloc.out_fault_id);
			/* Its reads must never wait. */
			fcntl(u.fault_alloc.out_fault_fd, F_SETFL, O_NONBLOCK);
			pthread_mutex_lock(&p->lock);
			if (p->nqfds < NQFDS)
				p->qfds[p->nqfds++] = u.fault_alloc.out_fault_fd;
			else
				close(u.fault_alloc.out_fault_fd);
			pthread_mutex_unlock(&p->lock);
		}
		break;
	case 17:
		u.inject.dev_id = pick_id(p, s);
		u.inject.perm = one_in(s, 8) ? (uint32_t)rnd(s) :
						HWPT_PGFAULT_PERM_READ;
		u.inject.nr_pages = one_in(s, 8) ? (uint32_t)rnd(s) % 1000 :
						   1 + rnd(s) % 4;
		u.inject.grpid = rnd(s) % 600;
		u.inject.addr = pick_iova(s);
		fuzz_ioctl(w, HWPT_FAULT_INJECT, &u, sizeof(u.inject));
		break;
	case 18:
		op_queue_fd(w);
		break;
	case 19:
		u.hw_info.dev_id = pick_id(p, s);
		u.hw_info.data_len = rnd(s) % 64;
		u.hw_info.data_uptr = one_in(s, 4) ? (uintptr_t)p->ro :
				      (uintptr_t)p->buf;
		fuzz_ioctl(w, HWPT_GET_HW_INFO, &u, sizeof(u.hw_info));
		break;
	case 20:
		u.pasid.dev_id = pick_id(p, s);
		u.pasid.pasid = rnd(s) % 4;
		u.pasid.pt_id = pick_id(p, s);
		fuzz_ioctl(w, (unsigned long[]){ HWPT_PASID_ATTACH,
						 HWPT_PASID_REPLACE,
						 HWPT_PASID_DETACH }[rnd(s) % 3],
			   &u, sizeof(u.pasid));
		break;
	default:
		switch (rnd(s) % 4) {
		case 0:
			fuzz_ioctl(w, HWPT_GET_INFO, &u, sizeof(u.info));
			break;
		case 1:
			u.invalidate.hwpt_id = pick_id(p, s);
			u.invalidate.entry_num = rnd(s) % 3;
			u.invalidate.entry_len = rnd(s) % 64;
			u.invalidate.data_uptr = (uintptr_t)p->buf;
			fuzz_ioctl(w, HWPT_HWPT_INVALIDATE, &u,
				   sizeof(u.invalidate));
			break;
		case 2:
			u.dirty.hwpt_id = pick_id(p, s);
			u.dirty.flags = rnd(s) % 3;
			fuzz_ioctl(w, HWPT_HWPT_SET_DIRTY_TRACKING, &u,
				   sizeof(u.dirty));
			break;
		default:
			/* A command number no one has (below or above ours). */
			fuzz_ioctl(w, _IO(HWPT_TYPE, one_in(s, 2) ?
					  rnd(s) % HWPT_CMD_BASE :
					  0xd0 + rnd(s) % 0x30), &u, 64);
		}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (!*w->p->stop)
		fuzz_one(w);
	return NULL;
}

/* A worker's failslab: its own task's fail-nth, opened by itself. */
static void *worker_start(void *arg)
{
	struct worker *w = arg;

	if (w->p->failslab)
		w->fail_nth_fd = open("/proc/thread-self/fail-nth",
				      O_WRONLY | O_CLOEXEC);
	worker_main(w);
	if (w->fail_nth_fd >= 0)
		close(w->fail_nth_fd);
	return NULL;
}

/* This process's workers until the stop. */
static void run_proc(struct proc *p, int first_thread)
{
	struct worker w[WORKERS];
	int i;

	for (i = 0; i < WORKERS; i++) {
		w[i] = (struct worker){ .p = p, .fail_nth_fd = -1 };
		w[i].s = p->seed * 0x9e3779b97f4a7c15ULL + first_thread + i + 1;
		w[i].arg = mmap(NULL, psz, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (w[i].arg == MAP_FAILED)
			_exit(2);
		pthread_create(&w[i].thread, NULL, worker_start, &w[i]);
	}
	for (i = 0; i < WORKERS; i++)
		pthread_join(w[i].thread, NULL);
}

static void *proc_thread(void *arg)
{
	run_proc(arg, 0);
	return NULL;
}

/* ---- The processes and the chaos ---- */

static void proc_init(struct proc *p, int fd, uint64_t seed)
{
	struct edu_info e[EDU_MAX];
	int i, n = edu_scan(e, EDU_MAX);

	p->fd = fd;
	p->seed = seed;
	p->stop = &shared->stop;
	pthread_mutex_init(&p->lock, NULL);
	p->nids = p->nqfds = 0;
	p->buf = edu_buf(NBUF_PAGES * psz, 0x77);
	p->ro = edu_buf(psz, 0);
	mprotect(p->ro, psz, PROT_READ);
	p->singleton[0] = 0;
	for (i = 0; i < n; i++) {
		str_copy(p->bdfs[i], sizeof(p->bdfs[i]), e[i].bdf);
		if (e[i].kind == EDU_SINGLETON && !p->singleton[0])
			str_copy(p->singleton, sizeof(p->singleton), e[i].bdf);
	}
	p->nbdfs = n;
	p->failslab = !access(FAILSLAB, F_OK);
}

/*
 * A child process of the run: the parent's file (@fd >= 0, shared with
 * it since the fork) or a file of its own. Dies with its parent.
 */
static pid_t spawn(struct proc *parent, int fd, uint64_t seed, int threads)
{
	pid_t pid = fork();
	struct proc p;

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (fd < 0) {
		fd = hwpt_open(O_RDWR);
		if (fd < 0)
			_exit(1);
	}
	proc_init(&p, fd, seed);
	if (parent) {
		/* The IDs of the shared file, as the parent knew them. */
		memcpy(p.ids, parent->ids, sizeof(p.ids));
		p.nids = parent->nids;
	}
	run_proc(&p, threads);
	_exit(0);
}

struct chaos {
	struct proc *p;
	uint64_t s;
	pid_t shared_child, own_child;
	int respawns, removes, unbinds, fail_nths;
	char removed[32];
};

static void *chaos_main(void *arg)
{
	struct chaos *c = arg;
	struct proc *p = c->p;
	uint64_t *s = &c->s;
	char n[16];

	while (!shared->stop) {
		sleep_ms(20 + rnd(s) % 200);
		switch (rnd(s) % 8) {
		case 0:
			if (c->removed[0] || !p->singleton[0])
				break;
			str_copy(c->removed, sizeof(c->removed), p->singleton);
			if (pci_remove(c->removed))
				c->removed[0] = 0;
			else
				c->removes++;
			break;
		case 1:
			if (c->removed[0] && !pci_rescan_for(c->removed))
				c->removed[0] = 0;
			break;
		case 2:
			if (!p->nbdfs)
				break;
			c->unbinds += !write_file(HWPT_DRV_UNBIND,
						  p->bdfs[rnd(s) % p->nbdfs]);
			break;
		case 3:
			kill(c->shared_child, SIGKILL);
			waitpid(c->shared_child, NULL, 0);
			c->shared_child = spawn(p, p->fd, rnd(s), 100 + c->respawns);
			c->respawns++;
			break;
		case 4:
			kill(c->own_child, SIGKILL);
			waitpid(c->own_child, NULL, 0);
			c->own_child = spawn(NULL, -1, rnd(s), 200 + c->respawns);
			c->respawns++;
			break;
		case 5:
			/* The module's own: the next failure point of ours. */
			snprintf(n, sizeof(n), "%u", 1 + (unsigned int)(rnd(s) % 6));
			c->fail_nths += !write_file(FAIL_NTH, n);
			break;
		default:
			break;
		}
	}
	if (c->removed[0])
		pci_rescan_for(c->removed);
	return NULL;
}

static long fuzz_seconds(void)
{
	const char *env = getenv("HWPT_FUZZ_SECONDS");

	return env && atol(env) > 0 ? atol(env) : 20;
}

static uint64_t fuzz_seed(void)
{
	const char *env = getenv("HWPT_FUZZ_SEED");
	struct timespec t;

	if (env && *env)
		return strtoull(env, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000003 ^ t.tv_nsec;
}

/* Failslab for the workers' fail-nth: every allocation may fail, quietly. */
static void failslab_setup(void)
{
	write_file(FAILSLAB "/ignore-gfp-wait", "N");
	write_file(FAILSLAB "/verbose", "0");
}

TEST_TIMEOUT(fuzz, 3600)
{
	long long pins = pins_outstanding();
	long base_refs = read_long(SYS_MODULE "/refcnt");
	long pin_kb = vmpin_kb();
	struct hwpt_get_info info;
	struct counts before, after;
	struct edu_info e[EDU_MAX], was[EDU_MAX];
	struct chaos c = { 0 };
	uint64_t seed = fuzz_seed();
	struct proc p;
	pthread_t chaos;
	int fd, i, n;

	if (!debug_inject())
		SKIP("module loaded without debug_inject=1: the fuzzer needs fail_nth and fault injection");
	ASSERT_NE(LLONG_MIN, pins);
	ASSERT_NE(LONG_MIN, base_refs);
	ASSERT_EQ(0, module_counts(&before));
	n = edu_scan(was, EDU_MAX);
	TH_LOG("seed %llu (replay: HWPT_FUZZ_SEED=%llu), %ld s, %d processes of %d threads",
	       (unsigned long long)seed, (unsigned long long)seed,
	       fuzz_seconds(), 3, WORKERS);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	proc_init(&p, fd, seed);
	ASSERT_NONNULL(p.buf);
	if (p.failslab)
		failslab_setup();
	TH_LOG("%d edu functions; kernel failslab %s", p.nbdfs,
	       p.failslab ? "on" : "not built");

	c.p = &p;
	c.s = seed ^ 0xc4a05;
	c.shared_child = spawn(&p, fd, seed + 1, 10);
	c.own_child = spawn(NULL, -1, seed + 2, 20);
	ASSERT_EQ(0, pthread_create(&chaos, NULL, chaos_main, &c));
	{
		pthread_t t;
		struct timespec t0;

		/* This process's own workers, for the time. */
		pthread_create(&t, NULL, proc_thread, &p);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (edu_ms_since(&t0) < fuzz_seconds() * 1000)
			sleep_ms(100);
		shared->stop = true;
		pthread_join(t, NULL);
	}
	pthread_join(chaos, NULL);
	kill(c.shared_child, SIGKILL);
	kill(c.own_child, SIGKILL);
	waitpid(c.shared_child, NULL, 0);
	waitpid(c.own_child, NULL, 0);
	write_fail_nth(0);
	for (i = 0; i < p.nqfds; i++)
		close(p.qfds[i]);
	ASSERT_OK(close(fd));
	TH_LOG("%ld ioctls, %ld succeeded; chaos: %d respawns, %d unplugs, %d sysfs unbinds, %d fail_nth",
	       shared->ops, shared->ok, c.respawns, c.removes, c.unbinds,
	       c.fail_nths);

	/* Everything is back (a killed process's files may close late). */
	for (i = 0; i < 50 && (read_long(SYS_MODULE "/refcnt") != base_refs ||
			       pins_outstanding() != pins); i++)
		sleep_ms(100);
	EXPECT_EQ(pins, pins_outstanding());
	EXPECT_EQ(pin_kb, vmpin_kb());
	EXPECT_EQ(base_refs, read_long(SYS_MODULE "/refcnt"));
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, get_info(fd, &info));
	EXPECT_EQ(0, info.out_retired);
	close(fd);
	ASSERT_EQ(0, module_counts(&after));
	EXPECT_EQ(after.faults - before.faults,
		  (after.success - before.success) +
		  (after.invalid - before.invalid) +
		  (after.autoresp - before.autoresp));
	/* The same devices, in the same kinds of groups, all free. */
	EXPECT_EQ(n, edu_scan(e, EDU_MAX));
	for (i = 0; i < n; i++) {
		EXPECT_STREQ(was[i].bdf, e[i].bdf);
		EXPECT_EQ(was[i].kind, e[i].kind);
		EXPECT_FALSE(pci_has_driver(e[i].bdf));
		EXPECT_TRUE(no_driver_override(e[i].bdf));
	}
}

TEST_HARNESS_MAIN
