// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of tests/harness.h.
 *
 * The positive cases check the checks, fixtures and variants directly. The
 * cases named neg_* must fail, crash, hang or skip: they only do so when
 * HARNESS_SELFTEST_NEG is set, and run_negative_cases runs them that way in
 * a child copy of this program and checks what the runner reported.
 */
#include "../harness.h"	/* first: it defines _GNU_SOURCE */

#include <fcntl.h>
#include <sys/stat.h>

static bool negative(void)
{
	return getenv("HARNESS_SELFTEST_NEG");
}

TEST(compare_mixed_signedness)
{
	unsigned int big = 0xffffffffu;
	size_t sz = 3;
	long neg = -1;
	char c = 'a';

	ASSERT_EQ(3, sz);
	ASSERT_LT(neg, sz);		/* -1 < 3, not (size_t)-1 */
	ASSERT_GT(big, neg);
	ASSERT_NE(-1, big);		/* by value, not by bits */
	ASSERT_LE(3, 3);
	ASSERT_GE(4, 3);
	ASSERT_EQ('a', c);
	EXPECT_EQ((int64_t)INT64_MIN, INT64_MIN);
	EXPECT_LT(INT64_MIN, UINT64_MAX);
	EXPECT_TRUE(sz);
	EXPECT_FALSE(sz - 3);
}

TEST(compare_evaluates_once)
{
	int i = 0;

	ASSERT_EQ(1, ++i);
	ASSERT_EQ(1, i);
}

TEST(pointers_and_strings)
{
	const char *s = "abc";
	void *none = NULL;

	ASSERT_NULL(none);
	ASSERT_NONNULL(s);
	ASSERT_EQ(NULL, none);
	ASSERT_NE(NULL, s);
	ASSERT_STREQ("abc", s);
	ASSERT_STRNE("abd", s);
}

TEST(errno_checks)
{
	char buf[1];

	ASSERT_ERRNO(EBADF, close(-1));
	ASSERT_ERRNO(EBADF, read(-1, buf, sizeof(buf)));
	ASSERT_ERRNO(EINVAL, mmap(NULL, 0, PROT_READ,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	ASSERT_OK(access("/", F_OK));
}

TEST(runs_in_child)
{
	static int counter;

	/* Each case is a fresh fork: the parent never sees this. */
	ASSERT_EQ(0, counter++);
}

TEST(runs_in_child_again)
{
	ASSERT_NE(getpgrp(), getppid());	/* own process group */
}

FIXTURE(counter) {
	int setup_calls;
	int value;
};

FIXTURE_VARIANT(counter) {
	int start;
	int step;
};

FIXTURE_VARIANT_ADD(counter, one) {
	.start = 1,
	.step = 1,
};

FIXTURE_VARIANT_ADD(counter, ten) {
	.start = 10,
	.step = 5,
};

FIXTURE_SETUP(counter)
{
	self->setup_calls++;
	self->value = variant->start;
}

FIXTURE_TEARDOWN(counter)
{
	EXPECT_EQ(1, self->setup_calls);
}

TEST_F(counter, step)
{
	ASSERT_EQ(1, self->setup_calls);
	self->value += variant->step;
	ASSERT_EQ(variant->start + variant->step, self->value);
}

TEST_F(counter, fresh_data)
{
	/* Static fixture data, but a fresh child: set up exactly once. */
	ASSERT_EQ(variant->start, self->value);
}

FIXTURE(plain) {
	int fd;
};

FIXTURE_SETUP(plain)
{
	self->fd = open("/dev/null", O_RDONLY);
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(plain)
{
	if (negative())
		TH_LOG("teardown ran");
	close(self->fd);
}

TEST_F(plain, no_variant)
{
	struct stat st;

	ASSERT_OK(fstat(self->fd, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(plain, neg_assert_runs_teardown)
{
	if (!negative())
		SKIP("run by run_negative_cases");
	ASSERT_EQ(1, 2);
	TH_LOG("not reached");
}

TEST(neg_expect_continues)
{
	if (!negative())
		SKIP("run by run_negative_cases");
	EXPECT_EQ(1, 2);
	EXPECT_EQ(NULL, "x");
	EXPECT_ERRNO(ENOENT, close(-1));
	TH_LOG("still running");
}

TEST(neg_crash)
{
	if (!negative())
		SKIP("run by run_negative_cases");
	abort();
}

TEST(neg_hang)
{
	if (!negative())
		SKIP("run by run_negative_cases");
	for (;;)
		pause();
}

TEST(neg_exit_status)
{
	if (!negative())
		SKIP("run by run_negative_cases");
	exit(3);
}

TEST(neg_skip)
{
	SKIP("skipped %s", "on purpose");
	TH_LOG("not reached");
}

/* Run the neg_* cases in a child copy of this program, collect its output. */
static int run_neg(char *out, size_t len, int *status)
{
	size_t used = 0;
	int pfd[2];
	ssize_t n;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(pfd[1], STDOUT_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		setenv("HARNESS_SELFTEST_NEG", "1", 1);
		execl("/proc/self/exe", "test_harness", "-t", "1", "neg_*",
		      "*.neg_*", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while (used < len - 1 &&
	       (n = read(pfd[0], out + used, len - 1 - used)) > 0)
		used += n;
	out[used] = '\0';
	close(pfd[0]);
	return waitpid(pid, status, 0) == pid ? 0 : -1;
}

TEST_TIMEOUT(run_negative_cases, 20)
{
	static const char *const want[] = {
		"1..6\n",
		"not ok 1 plain.neg_assert_runs_teardown\n",
		"teardown ran\n",
		"ASSERT_EQ: expected 1 (1) == 2 (2)\n",
		"EXPECT_EQ: expected NULL (0) == \"x\" (",
		"not ok 2 neg_expect_continues\n",
		"EXPECT_ERRNO(ENOENT, close(-1)): expected -1, errno 2 (No such file or directory); got -1, errno 9 (Bad file descriptor)\n",
		"still running\n",
		"# neg_crash: killed by signal 6",
		"not ok 3 neg_crash\n",
		"# neg_hang: timed out after 1 s\n",
		"not ok 4 neg_hang\n",
		"# neg_exit_status: exited with status 3\n",
		"not ok 5 neg_exit_status\n",
		"ok 6 neg_skip # SKIP skipped on purpose\n",
		"\n0 passed, 5 failed, 1 skipped\n",
	};
	static char out[8192];
	unsigned int i;
	int status;

	if (negative())
		SKIP("not recursively");
	ASSERT_OK(run_neg(out, sizeof(out), &status));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(out, want[i]))
			TH_LOG("missing \"%s\"", want[i]);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ASSERT_NONNULL(strstr(out, want[i]));
	ASSERT_EQ(NULL, strstr(out, "not reached"));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(1, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
