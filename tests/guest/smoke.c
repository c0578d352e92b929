// SPDX-License-Identifier: GPL-2.0
/*
 * Guest smoke test: the module is loaded and its device node looks right.
 * Runs as root in the test VM, after /init loaded hwpt.ko.
 */
#include "harness.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

TEST(dev_node)
{
	struct stat st;

	ASSERT_OK(stat("/dev/hwpt", &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	TH_LOG("/dev/hwpt is %u:%u", major(st.st_rdev), minor(st.st_rdev));
}

TEST(dev_node_matches_sysfs)
{
	char path[64], line[128];
	bool found = false;
	struct stat st;
	FILE *f;

	ASSERT_OK(stat("/dev/hwpt", &st));
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/uevent",
		 major(st.st_rdev), minor(st.st_rdev));
	f = fopen(path, "r");
	ASSERT_NONNULL(f);
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "DEVNAME=hwpt\n"))
			found = true;
	fclose(f);
	ASSERT_TRUE(found);
}

TEST(module_in_sysfs)
{
	char state[32] = "";
	struct stat st;
	FILE *f;

	ASSERT_OK(stat("/sys/module/hwpt", &st));
	ASSERT_TRUE(S_ISDIR(st.st_mode));
	f = fopen("/sys/module/hwpt/initstate", "r");
	ASSERT_NONNULL(f);
	ASSERT_EQ(1, fscanf(f, "%31s", state));
	fclose(f);
	EXPECT_STREQ("live", state);
}

TEST(open_close)
{
	int fd = open("/dev/hwpt", O_RDWR | O_CLOEXEC);

	ASSERT_GE(fd, 0);
	ASSERT_OK(close(fd));
}

TEST_HARNESS_MAIN
