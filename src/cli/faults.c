// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl faults: a fault queue and a fault-capable HWPT for a device,
 * its fault groups shown and answered as they come. With --inject N, a
 * thread injects N groups (HWPT_FAULT_INJECT, debug_inject=1) while the
 * main thread polls, reads and answers them; then the latency from
 * injection to read and to answer, and the device's fault counts, which
 * must add up: faults == success + invalid + auto + pending.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "cli.h"

/* Injected group i is at FQ_BASE + i * FQ_STRIDE pages: its address says i. */
#define FQ_BASE		0x10000000ULL
#define FQ_STRIDE	HWPT_FAULT_INJECT_MAX_PAGES
/* Unanswered groups the injector allows: half what a queue holds. */
#define FQ_WINDOW	(HWPT_FAULT_QUEUE_DEPTH / 2)
#define FQ_RECS		256

struct fq {
	struct hwpt_ctx *ctx;
	struct cli_steps s;
	size_t psz;
	int qfd;
	void *page;		/* mapped into the IOAS */
	uint32_t dev, ioas, queue, hwpt;
	/* Options. */
	unsigned long inject, count;
	unsigned int pages;
	uint32_t code;
	double timeout_ms;
	/* Injection, shared with the injector thread under lock. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long injected, answered;
	bool stop;
	char inject_err[512];
	/* Per injected group, microseconds: injected, read, answered. */
	uint64_t *t_inject, *t_read, *t_answer;
	unsigned long groups, unknown;
};

static volatile sig_atomic_t fq_interrupted;

static void fq_signal(int sig)
{
	(void)sig;
	fq_interrupted = 1;
}

static void *fq_injector(void *arg)
{
	struct fq *f = arg;
	struct hwpt_fault_inject req = {
		.size = sizeof(req),
		.dev_id = f->dev,
		.perm = HWPT_PGFAULT_PERM_READ | HWPT_PGFAULT_PERM_WRITE,
		.nr_pages = f->pages,
	};
	unsigned long i;
	bool stop;

	for (i = 0; i < f->inject; i++) {
		pthread_mutex_lock(&f->lock);
		while (!f->stop && i - f->answered >= FQ_WINDOW)
			pthread_cond_wait(&f->cond, &f->lock);
		stop = f->stop;
		pthread_mutex_unlock(&f->lock);
		if (stop)
			break;
		req.grpid = i % 512;
		req.addr = FQ_BASE + i * FQ_STRIDE * f->psz;
		__atomic_store_n(&f->t_inject[i], cli_now_us(),
				 __ATOMIC_RELEASE);
		if (hwpt_fault_inject(f->ctx, &req)) {
			snprintf(f->inject_err, sizeof(f->inject_err), "%s",
				 hwpt_strerror(f->ctx));
			break;
		}
		pthread_mutex_lock(&f->lock);
		f->injected++;
		pthread_mutex_unlock(&f->lock);
	}
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* When injected group @i was injected (the injector thread writes it). */
static uint64_t fq_t_inject(const struct fq *f, long i)
{
	return __atomic_load_n(&f->t_inject[i], __ATOMIC_ACQUIRE);
}

/* The injected group a record belongs to, or -1. */
static long fq_index(const struct fq *f, const struct hwpt_pgfault *r)
{
	uint64_t stride = FQ_STRIDE * f->psz, i;

	if (!f->inject || r->addr < FQ_BASE || (r->addr - FQ_BASE) % stride)
		return -1;
	i = (r->addr - FQ_BASE) / stride;
	return i < f->inject ? (long)i : -1;
}

static void fq_show(const struct fq *f, const struct hwpt_pgfault *r,
		    size_t n, long idx)
{
	char perm[8];
	size_t k = 0;

	if (r->perm & HWPT_PGFAULT_PERM_READ)
		perm[k++] = 'r';
	if (r->perm & HWPT_PGFAULT_PERM_WRITE)
		perm[k++] = 'w';
	if (r->perm & HWPT_PGFAULT_PERM_EXEC)
		perm[k++] = 'x';
	if (r->perm & HWPT_PGFAULT_PERM_PRIV)
		perm[k++] = 'p';
	perm[k] = 0;
	out_obj(NULL);
	out_uint("cookie", "group %-5llu", r->cookie);
	out_uint("dev_id", " device %llu", r->dev_id);
	out_uint("grpid", " grpid %-3llu", r->grpid);
	if (r->flags & HWPT_PGFAULT_FLAGS_PASID_VALID)
		out_uint("pasid", " pasid %llu", r->pasid);
	else
		out_str("pasid", NULL, NULL);
	out_str("perm", " %-3s", perm);
	out_uint("addr", NULL, r->addr);
	out_text(" %#llx", (unsigned long long)r->addr);
	out_uint("pages", " %llu page(s)", n);
	out_str("response", " -> %s",
		f->code == HWPT_PAGE_RESP_SUCCESS ? "success" : "invalid");
	if (idx >= 0) {
		out_uint("read_us", " (read %llu us", f->t_read[idx] -
			 fq_t_inject(f, idx));
		out_uint("answer_us", ", answered %llu us after injection)",
			 f->t_answer[idx] - fq_t_inject(f, idx));
	} else {
		/* Not injected by this run: no injection time to count from. */
		out_nulls("read_us", "answer_us", NULL);
	}
	out_text("\n");
	out_end();
}

/* Read what waits, answer all of it in one write; false on an error. */
static bool fq_take(struct fq *f)
{
	struct hwpt_pgfault recs[FQ_RECS];
	struct hwpt_page_response resp[FQ_RECS];
	size_t starts[FQ_RECS], n, i, len, k = 0;
	long idx[FQ_RECS];
	uint64_t now;

	if (hwpt_fault_read(f->ctx, f->qfd, recs, FQ_RECS, &n)) {
		out_error("%s", hwpt_strerror(f->ctx));
		return false;
	}
	now = cli_now_us();
	for (i = 0; i < n; i += len, k++) {
		len = hwpt_fault_group_len(recs + i, n - i);
		starts[k] = i;
		resp[k].cookie = recs[i].cookie;
		resp[k].code = f->code;
		idx[k] = fq_index(f, &recs[i]);
		if (idx[k] >= 0)
			f->t_read[idx[k]] = now;
		else
			f->unknown += !!f->inject;
	}
	if (hwpt_fault_respond(f->ctx, f->qfd, resp, k)) {
		out_error("%s", hwpt_strerror(f->ctx));
		return false;
	}
	now = cli_now_us();
	for (i = 0; i < k; i++) {
		if (idx[i] >= 0)
			f->t_answer[idx[i]] = now;
		if (!f->inject || out_verbose())
			fq_show(f, &recs[starts[i]],
				hwpt_fault_group_len(recs + starts[i],
						     n - starts[i]), idx[i]);
	}
	f->groups += k;
	pthread_mutex_lock(&f->lock);
	f->answered += k;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	return true;
}

/* Poll, read and answer until done, interrupted or out of time. */
static bool fq_loop(struct fq *f)
{
	double t0 = cli_now_ms(), shown = 0;
	unsigned long injected;
	bool ok = true, stopped;
	int rc;

	out_arr("groups");
	if (!f->inject)
		out_text("waiting for fault groups (Ctrl-C ends)\n");
	while (ok && !fq_interrupted) {
		pthread_mutex_lock(&f->lock);
		stopped = f->stop;
		injected = f->injected;
		pthread_mutex_unlock(&f->lock);
		if ((f->inject && stopped && f->answered >= injected) ||
		    (f->count && f->groups >= f->count) ||
		    (f->timeout_ms && cli_now_ms() - t0 >= f->timeout_ms))
			break;
		if (f->inject && cli_now_ms() - shown >= 100) {
			shown = cli_now_ms();
			out_progress("injected %lu of %lu, answered %lu",
				     injected, f->inject, f->answered);
		}
		rc = hwpt_fault_wait(f->ctx, f->qfd, 100);
		if (rc == -EINTR)
			break;
		if (rc < 0) {
			out_error("%s", hwpt_strerror(f->ctx));
			ok = false;
		} else if (rc) {
			ok = fq_take(f);
		}
	}
	out_progress_end();
	out_end();
	return ok;
}

static int fq_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Percentiles of t_to[i] - t_inject[i] over the answered groups. */
static void fq_latency(const struct fq *f, const char *key, const char *what,
		       const uint64_t *t_to)
{
	static const unsigned int pct[] = { 50, 90, 99 };
	uint64_t *d = calloc(f->inject ? f->inject : 1, sizeof(*d));
	char name[8];
	size_t n = 0, i, at;

	if (!d)
		return;
	for (i = 0; i < f->inject; i++)
		if (t_to[i])
			d[n++] = t_to[i] - fq_t_inject(f, i);
	qsort(d, n, sizeof(*d), fq_cmp);
	out_obj(key);
	out_text("  %-18s", what);
	for (i = 0; i < ARRAY_SIZE(pct); i++) {
		/* Nearest rank: the smallest value with pct% at or below. */
		at = (n * pct[i] + 99) / 100;
		snprintf(name, sizeof(name), "p%u", pct[i]);
		if (!n) {
			out_str(name, NULL, NULL);
			continue;
		}
		out_text(" p%u ", pct[i]);
		out_uint(name, "%-8llu", d[at ? at - 1 : 0]);
	}
	if (n) {
		out_uint("max", " max %llu us", d[n - 1]);
	} else {
		out_str("max", NULL, NULL);
		out_text(" no group answered");
	}
	out_uint("samples", OUT_V(", %llu samples"), n);
	out_text("\n");
	out_end();
	free(d);
}

/*
 * The latency of injected groups, and the device's counts, which must add
 * up; with --inject every group must have been read and answered once.
 */
static int fq_report(struct fq *f)
{
	struct hwpt_device_get g = { .size = sizeof(g) };
	bool ok;

	if (f->inject_err[0])
		out_error("%s", f->inject_err);
	out_uint("injected", NULL, f->injected);
	if (f->inject) {
		out_text("injected %lu", f->injected);
		out_uint("answered", ", read and answered %llu fault groups\n",
			 f->answered);
		out_text("latency, microseconds from injection:\n");
		out_obj("latency_us");
		fq_latency(f, "inject_to_read", "inject -> read", f->t_read);
		fq_latency(f, "inject_to_answer", "inject -> answer",
			   f->t_answer);
		out_end();
	} else {
		out_uint("answered", "answered %llu fault group(s)\n",
			 f->answered);
		out_str("latency_us", NULL, NULL);
	}
	if (hwpt_device_get(f->ctx, f->dev, &g)) {
		out_error("%s", hwpt_strerror(f->ctx));
		out_str("faults", NULL, NULL);
		return CLI_FAIL;
	}
	ok = cli_print_counts(&g);
	if (!ok)
		out_error("the fault counts do not add up");
	if (f->inject && (f->inject_err[0] || f->injected != f->inject ||
			  f->answered != f->injected || f->unknown ||
			  g.out_faults != f->injected)) {
		out_error("%lu of %lu groups injected, %lu answered, %lu unknown, %u counted",
			  f->injected, f->inject, f->answered, f->unknown,
			  g.out_faults);
		ok = false;
	}
	return ok ? CLI_OK : CLI_FAIL;
}

/* The keys of a run that did not get to take faults: every one null. */
static void fq_unreached(void)
{
	static const char *const keys[] = {
		"groups", "injected", "answered", "latency_us", "faults",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		out_str(keys[i], NULL, NULL);
}

/* Device, IOAS with a page, fault queue, fault-capable HWPT, attached. */
static bool fq_setup(struct fq *f, const char *name)
{
	struct hwpt_get_info info = { .size = sizeof(info) };
	uint64_t iova = 0;
	int rc;

	rc = hwpt_get_info(f->ctx, &info);
	if (!rc && f->inject && !(info.caps & HWPT_CAP_FAULT_INJECT)) {
		out_error("--inject needs fault injection: reload hwpt with debug_inject=1 (hwptctl unload; hwptctl load debug_inject=1)");
		return false;
	}
	rc = hwpt_device_bind(f->ctx, name, &f->dev);
	if (!step(&f->s, "bind", cli_err(f->ctx, rc), "%s as device %u", name,
		  rc ? 0 : f->dev))
		return false;
	rc = hwpt_ioas_alloc(f->ctx, &f->ioas);
	if (!step(&f->s, "ioas-alloc", cli_err(f->ctx, rc), "IOAS %u",
		  rc ? 0 : f->ioas))
		return false;
	f->page = mmap(NULL, f->psz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->page == MAP_FAILED) {
		out_error("mmap: %m");
		return false;
	}
	rc = hwpt_ioas_map(f->ctx, f->ioas, HWPT_IOAS_MAP_READABLE |
			   HWPT_IOAS_MAP_WRITEABLE, f->page, f->psz, &iova);
	if (!step(&f->s, "map", cli_err(f->ctx, rc), "a page at IOVA %#llx",
		  (unsigned long long)iova))
		return false;
	rc = hwpt_fault_queue_alloc(f->ctx, &f->queue, &f->qfd);
	if (!step(&f->s, "fault-queue-alloc", cli_err(f->ctx, rc),
		  "queue %u, fd %d", rc ? 0 : f->queue, rc ? -1 : f->qfd))
		return false;
	rc = hwpt_hwpt_alloc(f->ctx, f->dev, f->ioas, 0, f->queue, &f->hwpt);
	if (!step(&f->s, "hwpt-alloc", cli_err(f->ctx, rc),
		  "fault-capable HWPT %u over IOAS %u, faults to queue %u",
		  rc ? 0 : f->hwpt, f->ioas, f->queue))
		return false;
	rc = hwpt_device_attach(f->ctx, f->dev, f->hwpt, NULL, NULL);
	return step(&f->s, "attach", cli_err(f->ctx, rc),
		    "device %u to HWPT %u", f->dev, f->hwpt);
}

static bool fq_options(struct fq *f, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "inject", required_argument, NULL, 'i' },
		{ "pages", required_argument, NULL, 'p' },
		{ "respond", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'c' },
		{}
	};
	char *end;
	double v;
	int c;

	/* -v, which shows every group, is everyone's (cli_getopt()). */
	while ((c = cli_getopt(argc, argv, "i:p:r:t:c:", opts)) != -1) {
		if (c == '?')
			return false;
		if (c == 'r') {
			if (!strcmp(optarg, "success"))
				f->code = HWPT_PAGE_RESP_SUCCESS;
			else if (!strcmp(optarg, "invalid"))
				f->code = HWPT_PAGE_RESP_INVALID;
			else
				return !cli_usage("--respond takes success or invalid");
			continue;
		}
		v = strtod(optarg, &end);
		if (*end || v < 0 || v > 1e9)
			return !cli_usage("bad number %s", optarg);
		if (c == 'i')
			f->inject = v;
		else if (c == 'c')
			f->count = v;
		else if (c == 't')
			f->timeout_ms = v * 1000;
		else if (v < 1 || v > HWPT_FAULT_INJECT_MAX_PAGES)
			return !cli_usage("--pages takes 1 to %d",
					  HWPT_FAULT_INJECT_MAX_PAGES);
		else
			f->pages = v;
	}
	return cli_operands(argc, 1);
}

int cmd_faults(int argc, char **argv)
{
	struct fq f = {
		.psz = sysconf(_SC_PAGESIZE),
		.qfd = -1,
		.page = MAP_FAILED,
		.pages = 1,
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct sigaction sa = { .sa_handler = fq_signal };
	bool threaded = false, ok;
	int rc = CLI_FAIL;
	pthread_t thread;

	if (!fq_options(&f, argc, argv))
		return CLI_USAGE;
	f.t_inject = calloc(f.inject + 1, sizeof(uint64_t));
	f.t_read = calloc(f.inject + 1, sizeof(uint64_t));
	f.t_answer = calloc(f.inject + 1, sizeof(uint64_t));
	if (!f.t_inject || !f.t_read || !f.t_answer)
		out_error("out of memory for %lu groups", f.inject);
	else
		f.ctx = cli_open();
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	steps_begin(&f.s);
	ok = f.ctx && fq_setup(&f, argv[optind]);
	if (steps_end(&f.s) != CLI_OK || !ok) {
		fq_unreached();
		goto out;
	}
	if (f.inject) {
		threaded = !pthread_create(&thread, NULL, fq_injector, &f);
		if (!threaded) {
			out_error("cannot start the injector thread");
			fq_unreached();
			goto out;
		}
	}
	rc = fq_loop(&f) ? CLI_OK : CLI_FAIL;
	if (threaded) {
		pthread_mutex_lock(&f.lock);
		f.stop = true;
		pthread_cond_broadcast(&f.cond);
		pthread_mutex_unlock(&f.lock);
		pthread_join(thread, NULL);
	}
	if (fq_report(&f))
		rc = CLI_FAIL;
out:
	if (f.qfd >= 0)
		close(f.qfd);
	hwpt_ctx_close(f.ctx);
	if (f.page != MAP_FAILED)
		munmap(f.page, f.psz);
	free(f.t_inject);
	free(f.t_read);
	free(f.t_answer);
	return rc;
}
