/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal test harness for hwpt's userspace unit tests and guest tests.
 *
 * One .c file per test binary: include this header (before any system
 * header, or build with -D_GNU_SOURCE), write cases, end the file with
 * TEST_HARNESS_MAIN.
 *
 *	TEST(name) { ASSERT_EQ(1, one()); }
 *
 *	FIXTURE(dev) { int fd; };
 *	FIXTURE_VARIANT(dev) { const char *path; };	(optional)
 *	FIXTURE_VARIANT_ADD(dev, hwpt) { .path = "/dev/hwpt" };
 *	FIXTURE_SETUP(dev) { self->fd = open(variant->path, O_RDWR); }
 *	FIXTURE_TEARDOWN(dev) { close(self->fd); }
 *	TEST_F(dev, opens) { ASSERT_GE(self->fd, 0); }
 *
 * Every case runs in its own forked child (and process group) with a
 * timeout, so a crash or a hang fails only that case; TEST_TIMEOUT(name,
 * secs) and TEST_F_TIMEOUT(f, name, secs) give a case its own timeout. A TEST_F runs once
 * per variant of its fixture, named "fixture.variant.test" (or
 * "fixture.test" without variants). FIXTURE_SETUP and FIXTURE_TEARDOWN are
 * both required; the teardown runs when the setup completed, also after a
 * failed ASSERT or a SKIP in the body.
 *
 * ASSERT_* ends the case on failure, EXPECT_* records it and goes on.
 * Comparisons evaluate each operand once and compare integers by value
 * whatever their signedness (no -Wsign-compare trouble); the expected value
 * comes first. ASSERT_ERRNO(e, expr) checks that expr returned -1 (or
 * MAP_FAILED) with errno == e; ASSERT_OK(expr) that it returned 0.
 * SKIP(fmt, ...) ends the case as skipped. TH_LOG(fmt, ...) prints a
 * diagnostic line. A helper that uses these takes the case's context as a
 * parameter named _metadata (struct __test_metadata *).
 *
 * Output, one line per case and a closing summary:
 *	1..3
 *	ok 1 name
 *	not ok 2 name
 *	ok 3 name # SKIP reason
 *	1 passed, 1 failed, 1 skipped
 * Diagnostics are lines starting with "# ". The exit status is 1 when a
 * case failed, else 0.
 *
 * Usage: prog [-l] [-t seconds] [pattern...]: -l lists the cases, -t sets
 * the per-case timeout (default 30 s, or $HARNESS_TIMEOUT), patterns are
 * fnmatch() globs matched against case names (any one matches).
 */
#ifndef HWPT_TESTS_HARNESS_H
#define HWPT_TESTS_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fnmatch.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define HARNESS_DEFAULT_TIMEOUT	30
#define HARNESS_REASON_MAX	256

struct __test_fixture;

struct __test_variant {
	const char *name;
	const void *data;
	struct __test_variant *next;
};

/* Lives in shared memory: the forked case reports through it. */
struct __test_result {
	int failed;
	int skipped;
	char reason[HARNESS_REASON_MAX];
};

struct __test_metadata {
	const char *name;
	void (*fn)(struct __test_metadata *_metadata);
	struct __test_fixture *fixture;
	int timeout;
	struct __test_metadata *next;
	/* Per run, set in the child only. */
	const void *variant;
	struct __test_result *result;
	bool setup_done;
	sigjmp_buf env;
};

struct __test_fixture {
	const char *name;
	struct __test_variant *variants, **variants_tail;
};

static struct __test_metadata *__tests_head;
static struct __test_metadata **__tests_tail = &__tests_head;

static inline void __register_test(struct __test_metadata *t)
{
	*__tests_tail = t;
	__tests_tail = &t->next;
}

static inline void __register_variant(struct __test_fixture *f,
				      struct __test_variant *v)
{
	if (!f->variants_tail)
		f->variants_tail = &f->variants;
	*f->variants_tail = v;
	f->variants_tail = &v->next;
}

/* ---- Declaring cases ---- */

#define __TEST_IMPL(test, _fixture, _timeout)				\
	static void test(struct __test_metadata *_metadata);		\
	static struct __test_metadata __meta_##test = {			\
		.name = #test, .fn = test, .fixture = _fixture,		\
		.timeout = _timeout,					\
	};								\
	static void __attribute__((constructor)) __reg_##test(void)	\
	{								\
		__register_test(&__meta_##test);			\
	}								\
	static void test(struct __test_metadata __attribute__((unused)) *_metadata)

#define TEST(name)			__TEST_IMPL(name, NULL, 0)
#define TEST_TIMEOUT(name, secs)	__TEST_IMPL(name, NULL, secs)

#define FIXTURE_DATA(f)		struct __fixture_data_##f
#define FIXTURE_VARIANT(f)	struct __fixture_variant_##f

#define FIXTURE(f)							\
	FIXTURE_VARIANT(f);						\
	static struct __test_fixture __attribute__((unused))		\
		__fixture_##f = { .name = #f };				\
	FIXTURE_DATA(f)

#define FIXTURE_VARIANT_ADD(f, v)					\
	static const FIXTURE_VARIANT(f) __variant_##f##_##v;		\
	static struct __test_variant __variant_meta_##f##_##v = {	\
		.name = #v, .data = &__variant_##f##_##v,		\
	};								\
	static void __attribute__((constructor))			\
	__reg_variant_##f##_##v(void)					\
	{								\
		__register_variant(&__fixture_##f,			\
				   &__variant_meta_##f##_##v);		\
	}								\
	static const FIXTURE_VARIANT(f) __variant_##f##_##v =

#define __FIXTURE_FN_ARGS(f)						\
	struct __test_metadata __attribute__((unused)) *_metadata,	\
	FIXTURE_DATA(f) __attribute__((unused)) *self,			\
	const FIXTURE_VARIANT(f) __attribute__((unused)) *variant

/*
 * Setup, body and teardown stay out of line: inlined into the function
 * that calls sigsetjmp(), their locals would draw -Wclobbered warnings.
 */
#define __TH_NOINLINE	__attribute__((noinline))

#define FIXTURE_SETUP(f)						\
	static __TH_NOINLINE void __setup_##f(__FIXTURE_FN_ARGS(f))
#define FIXTURE_TEARDOWN(f)						\
	static __TH_NOINLINE void __teardown_##f(__FIXTURE_FN_ARGS(f))

#define __TEST_F_IMPL(f, name, _timeout)				\
	static __TH_NOINLINE void					\
	__body_##f##_##name(__FIXTURE_FN_ARGS(f));			\
	__TEST_IMPL(f##_##name, &__fixture_##f, _timeout)		\
	{								\
		static FIXTURE_DATA(f) self;				\
		const FIXTURE_VARIANT(f) *variant = _metadata->variant;	\
									\
		if (!sigsetjmp(_metadata->env, 1)) {			\
			__setup_##f(_metadata, &self, variant);		\
			_metadata->setup_done = true;			\
			__body_##f##_##name(_metadata, &self, variant);	\
		}							\
		if (_metadata->setup_done && !sigsetjmp(_metadata->env, 1)) { \
			_metadata->setup_done = false;			\
			__teardown_##f(_metadata, &self, variant);	\
		}							\
	}								\
	static void __body_##f##_##name(__FIXTURE_FN_ARGS(f))

#define TEST_F(f, name)			__TEST_F_IMPL(f, name, 0)
#define TEST_F_TIMEOUT(f, name, secs)	__TEST_F_IMPL(f, name, secs)

/* ---- Reporting from inside a case ---- */

#ifndef __FILE_NAME__
#define __FILE_NAME__ __FILE__
#endif

#define TH_LOG(fmt, ...)						\
	__th_log("# %s:%d: " fmt "\n", __FILE_NAME__, __LINE__, ##__VA_ARGS__)

static inline void __attribute__((format(printf, 1, 2)))
__th_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* Leave the case: back to the sigsetjmp of a TEST_F, or end the child. */
static inline void __attribute__((noreturn))
__test_abort(struct __test_metadata *t)
{
	fflush(stdout);
	if (t->fixture)
		siglongjmp(t->env, 1);
	_exit(0);
}

#define SKIP(fmt, ...) do {						\
	snprintf(_metadata->result->reason, HARNESS_REASON_MAX,	\
		 fmt, ##__VA_ARGS__);					\
	_metadata->result->skipped = 1;					\
	__test_abort(_metadata);					\
} while (0)

/*
 * Compare a and b by mathematical value; each is given as its bits
 * widened to 64 and whether its type is signed.
 */
static inline int __th_cmp(uintmax_t a, bool as, uintmax_t b, bool bs)
{
	bool an = as && (intmax_t)a < 0, bn = bs && (intmax_t)b < 0;

	if (an != bn)
		return an ? -1 : 1;
	return a < b ? -1 : a > b;
}

#define __th_signed(x)	(((__typeof__(x))-1LL) < ((__typeof__(x))1))

static inline void __th_fmt(char *buf, size_t len, uintmax_t v, bool s)
{
	if (s && (intmax_t)v < 0)
		snprintf(buf, len, "%jd", (intmax_t)v);
	else if (v < 10)
		snprintf(buf, len, "%ju", v);
	else
		snprintf(buf, len, "%ju = 0x%jx", v, v);
}

/* Out of line: the failure path needs no inlining at every check. */
static __attribute__((noinline, cold, unused)) void
__th_cmp_fail(struct __test_metadata *t, const char *file, int line,
	      const char *what, const char *es, const char *op, const char *ss,
	      uintmax_t e, bool esg, uintmax_t s, bool ssg)
{
	char eb[48], sb[48];

	__th_fmt(eb, sizeof(eb), e, esg);
	__th_fmt(sb, sizeof(sb), s, ssg);
	__th_log("# %s:%d: %s: expected %s (%s) %s %s (%s)\n",
		 file, line, what, es, eb, op, ss, sb);
	t->result->failed = 1;
}

#define __TH_CMP(what, op, es, ss, e, s, is_assert) do {		\
	__auto_type __e = (e);						\
	__auto_type __s = (s);						\
	uintmax_t __ev = (uintmax_t)__e, __sv = (uintmax_t)__s;	\
	bool __eg = __th_signed(__e), __sg = __th_signed(__s);		\
									\
	if (!(__th_cmp(__ev, __eg, __sv, __sg) op 0)) {			\
		__th_cmp_fail(_metadata, __FILE_NAME__, __LINE__, what, es,	\
			      #op, ss, __ev, __eg, __sv, __sg);		\
		if (is_assert)						\
			__test_abort(_metadata);			\
	}								\
} while (0)

/* ASSERT_LT(a, b) checks a < b; by convention a is the expected value. */
#define ASSERT_EQ(e, s) \
	__TH_CMP("ASSERT_EQ", ==, #e, #s, e, s, 1)
#define ASSERT_NE(e, s) \
	__TH_CMP("ASSERT_NE", !=, #e, #s, e, s, 1)
#define ASSERT_LT(e, s) \
	__TH_CMP("ASSERT_LT", <, #e, #s, e, s, 1)
#define ASSERT_LE(e, s) \
	__TH_CMP("ASSERT_LE", <=, #e, #s, e, s, 1)
#define ASSERT_GT(e, s) \
	__TH_CMP("ASSERT_GT", >, #e, #s, e, s, 1)
#define ASSERT_GE(e, s) \
	__TH_CMP("ASSERT_GE", >=, #e, #s, e, s, 1)
#define EXPECT_EQ(e, s) \
	__TH_CMP("EXPECT_EQ", ==, #e, #s, e, s, 0)
#define EXPECT_NE(e, s) \
	__TH_CMP("EXPECT_NE", !=, #e, #s, e, s, 0)
#define EXPECT_LT(e, s) \
	__TH_CMP("EXPECT_LT", <, #e, #s, e, s, 0)
#define EXPECT_LE(e, s) \
	__TH_CMP("EXPECT_LE", <=, #e, #s, e, s, 0)
#define EXPECT_GT(e, s) \
	__TH_CMP("EXPECT_GT", >, #e, #s, e, s, 0)
#define EXPECT_GE(e, s) \
	__TH_CMP("EXPECT_GE", >=, #e, #s, e, s, 0)

#define __TH_BOOL(what, want, expr, is_assert) do {			\
	if ((!!(expr)) != (want)) {						\
		__th_log("# %s:%d: %s failed\n",			\
			 __FILE_NAME__, __LINE__, what);			\
		_metadata->result->failed = 1;				\
		if (is_assert)						\
			__test_abort(_metadata);			\
	}								\
} while (0)

#define ASSERT_TRUE(x)	__TH_BOOL("ASSERT_TRUE(" #x ")", true, x, 1)
#define ASSERT_FALSE(x)	__TH_BOOL("ASSERT_FALSE(" #x ")", false, x, 1)
#define ASSERT_NULL(x)	__TH_BOOL("ASSERT_NULL(" #x ")", true, (x) == NULL, 1)
#define ASSERT_NONNULL(x) \
	__TH_BOOL("ASSERT_NONNULL(" #x ")", true, (x) != NULL, 1)
#define EXPECT_TRUE(x)	__TH_BOOL("EXPECT_TRUE(" #x ")", true, x, 0)
#define EXPECT_FALSE(x)	__TH_BOOL("EXPECT_FALSE(" #x ")", false, x, 0)
#define EXPECT_NULL(x)	__TH_BOOL("EXPECT_NULL(" #x ")", true, (x) == NULL, 0)
#define EXPECT_NONNULL(x) \
	__TH_BOOL("EXPECT_NONNULL(" #x ")", true, (x) != NULL, 0)

#define __TH_STR(what, want_eq, e, s, is_assert) do {			\
	const char *__e = (e), *__s = (s);				\
									\
	if (!__e || !__s || (!strcmp(__e, __s)) != (want_eq)) {	\
		__th_log("# %s:%d: %s: \"%s\" vs \"%s\"\n",		\
			 __FILE_NAME__, __LINE__, what,			\
			 __e ? __e : "(null)", __s ? __s : "(null)");	\
		_metadata->result->failed = 1;				\
		if (is_assert)						\
			__test_abort(_metadata);			\
	}								\
} while (0)

#define ASSERT_STREQ(e, s) \
	__TH_STR("ASSERT_STREQ(" #e ", " #s ")", true, e, s, 1)
#define ASSERT_STRNE(e, s) \
	__TH_STR("ASSERT_STRNE(" #e ", " #s ")", false, e, s, 1)
#define EXPECT_STREQ(e, s) \
	__TH_STR("EXPECT_STREQ(" #e ", " #s ")", true, e, s, 0)
#define EXPECT_STRNE(e, s) \
	__TH_STR("EXPECT_STRNE(" #e ", " #s ")", false, e, s, 0)

/* expr must fail with -1 (or MAP_FAILED) and set errno to e. */
#define __TH_ERRNO(what, e, expr, is_assert) do {			\
	int __want = (e);						\
	__typeof__(expr) __r;						\
	int __err;							\
									\
	errno = 0;							\
	__r = (expr);							\
	__err = errno;							\
	if (__r != (__typeof__(__r))-1LL || __err != __want) {		\
		__th_log("# %s:%d: %s: expected -1, errno %d (%s); "	\
			 "got %jd, errno %d (%s)\n",			\
			 __FILE_NAME__, __LINE__, what,			\
			 __want, strerror(__want), (intmax_t)__r,	\
			 __err, strerror(__err));			\
		_metadata->result->failed = 1;				\
		if (is_assert)						\
			__test_abort(_metadata);			\
	}								\
} while (0)

#define ASSERT_ERRNO(e, expr) \
	__TH_ERRNO("ASSERT_ERRNO(" #e ", " #expr ")", e, expr, 1)
#define EXPECT_ERRNO(e, expr) \
	__TH_ERRNO("EXPECT_ERRNO(" #e ", " #expr ")", e, expr, 0)

/* expr (a syscall-like call) must return 0; errno is shown otherwise. */
#define __TH_OK(what, expr, is_assert) do {				\
	long __r;							\
	int __err;							\
									\
	errno = 0;							\
	__r = (long)(expr);						\
	__err = errno;							\
	if (__r != 0) {							\
		__th_log("# %s:%d: %s: returned %ld, errno %d (%s)\n",	\
			 __FILE_NAME__, __LINE__, what, __r,			\
			 __err, strerror(__err));			\
		_metadata->result->failed = 1;				\
		if (is_assert)						\
			__test_abort(_metadata);			\
	}								\
} while (0)

#define ASSERT_OK(expr)	__TH_OK("ASSERT_OK(" #expr ")", expr, 1)
#define EXPECT_OK(expr)	__TH_OK("EXPECT_OK(" #expr ")", expr, 0)

/* ---- The runner ---- */

/* Wait for pid for at most secs seconds; SIGCHLD is blocked. */
static inline int __th_wait(pid_t pid, int secs, int *status, bool *timed_out)
{
	struct timespec end, now, left;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += secs;
	*timed_out = false;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0) {
			*timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			return waitpid(pid, status, 0) == pid ? 0 : -1;
		}
		/* Wakes on any SIGCHLD, also a grandchild's; then recheck. */
		sigtimedwait(&chld, NULL, &left);
	}
}

static inline void __th_run_case(struct __test_metadata *t, const char *name,
				 const void *variant, int n, int timeout,
				 struct __test_result *res, int *counts)
{
	bool timed_out;
	int status;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		res->failed = 1;
		printf("# %s: fork: %s\n", name, strerror(errno));
	} else if (pid == 0) {
		sigset_t chld;

		setpgid(0, 0);
		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		t->variant = variant;
		t->result = res;
		t->fn(t);
		fflush(stdout);
		_exit(0);
	} else {
		setpgid(pid, pid);	/* also here: no race with kill(-pid) */
		if (__th_wait(pid, timeout, &status, &timed_out)) {
			res->failed = 1;
			printf("# %s: waitpid: %s\n", name, strerror(errno));
		} else if (timed_out) {
			res->failed = 1;
			printf("# %s: timed out after %d s\n", name, timeout);
		} else if (WIFSIGNALED(status)) {
			res->failed = 1;
			printf("# %s: killed by signal %d (%s)\n", name,
			       WTERMSIG(status), strsignal(WTERMSIG(status)));
		} else if (WEXITSTATUS(status)) {
			res->failed = 1;
			printf("# %s: exited with status %d\n", name,
			       WEXITSTATUS(status));
		}
	}

	if (res->failed) {
		printf("not ok %d %s\n", n, name);
		counts[1]++;
	} else if (res->skipped) {
		printf("ok %d %s # SKIP %s\n", n, name, res->reason);
		counts[2]++;
	} else {
		printf("ok %d %s\n", n, name);
		counts[0]++;
	}
	fflush(stdout);
}

static inline bool __th_match(const char *name, int npat, char **pat)
{
	int i;

	for (i = 0; i < npat; i++)
		if (!fnmatch(pat[i], name, 0))
			return true;
	return !npat;
}

/* Call fn for each case (test x variant) that matches; returns the count. */
static inline int __th_for_each(int npat, char **pat,
				void (*fn)(struct __test_metadata *t,
					   const char *name, const void *variant,
					   void *arg),
				void *arg)
{
	struct __test_metadata *t;
	char name[512];
	int n = 0;

	for (t = __tests_head; t; t = t->next) {
		struct __test_variant *v = t->fixture ? t->fixture->variants : NULL;
		const char *test = t->name;

		if (t->fixture)	/* fixture_test: show fixture.[variant.]test */
			test += strlen(t->fixture->name) + 1;
		do {
			if (!t->fixture)
				snprintf(name, sizeof(name), "%s", t->name);
			else if (v)
				snprintf(name, sizeof(name), "%s.%s.%s",
					 t->fixture->name, v->name, test);
			else
				snprintf(name, sizeof(name), "%s.%s",
					 t->fixture->name, test);
			if (__th_match(name, npat, pat)) {
				if (fn)
					fn(t, name, v ? v->data : NULL, arg);
				n++;
			}
			v = v ? v->next : NULL;
		} while (v);
	}
	return n;
}

struct __th_state {
	struct __test_result *res;
	int n, timeout, counts[3];
};

static inline void __th_list_one(struct __test_metadata __attribute__((unused)) *t,
				 const char *name,
				 const void __attribute__((unused)) *variant,
				 void __attribute__((unused)) *arg)
{
	puts(name);
}

static inline void __th_run_one(struct __test_metadata *t, const char *name,
				const void *variant, void *arg)
{
	struct __th_state *s = arg;

	__th_run_case(t, name, variant, ++s->n,
		      t->timeout ? t->timeout : s->timeout, s->res, s->counts);
}

static inline int test_harness_run(int argc, char **argv)
{
	struct __th_state s = { .timeout = HARNESS_DEFAULT_TIMEOUT };
	const char *env = getenv("HARNESS_TIMEOUT");
	bool list = false;
	sigset_t chld;
	int opt;

	if (env && atoi(env) > 0)
		s.timeout = atoi(env);
	while ((opt = getopt(argc, argv, "lt:h")) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 't':
			s.timeout = atoi(optarg);
			if (s.timeout > 0)
				break;
			/* fallthrough */
		default:
			fprintf(stderr,
				"usage: %s [-l] [-t seconds] [pattern...]\n",
				argv[0]);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (list) {
		__th_for_each(argc, argv, __th_list_one, NULL);
		return 0;
	}

	s.res = mmap(NULL, sizeof(*s.res), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s.res == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* SIGCHLD blocked so sigtimedwait() can wait for it. */
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	printf("1..%d\n", __th_for_each(argc, argv, NULL, NULL));
	__th_for_each(argc, argv, __th_run_one, &s);
	printf("%d passed, %d failed, %d skipped\n",
	       s.counts[0], s.counts[1], s.counts[2]);
	munmap(s.res, sizeof(*s.res));
	return s.counts[1] ? 1 : 0;
}

#define TEST_HARNESS_MAIN						\
	int main(int argc, char **argv)					\
	{								\
		return test_harness_run(argc, argv);			\
	}

#endif /* HWPT_TESTS_HARNESS_H */
