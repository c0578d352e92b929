// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of dirty tracking's refusals. Debian's kernels cannot record
 * IOMMU dirty bits for a module (no CONFIG_IOMMUFD_DRIVER: the bitmap
 * writer is a stub, and a driver's read_and_clear_dirty() would clear the
 * bits into it), so GET_INFO must not claim it, an HWPT cannot be
 * allocated with it, and both dirty ioctls check their arguments as
 * iommufd does and then answer EOPNOTSUPP.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <sys/ioctl.h>
#include <linux/hwpt.h>

#include "edu.h"

FIXTURE(dirty) {
	int fd;
	uint32_t dev, ioas, hwpt;
	uint64_t bitmap[4];
};

FIXTURE_SETUP(dirty)
{
	struct edu_info s;

	self->fd = -1;
	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, bind_dev(self->fd, s.bdf, &self->dev));
	ASSERT_EQ(0, ioas_alloc(self->fd, &self->ioas));
	ASSERT_EQ(0, hwpt_alloc(self->fd, self->dev, self->ioas, &self->hwpt));
}

FIXTURE_TEARDOWN(dirty)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dirty, never_claimed_nor_allocated)
{
	struct hwpt_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = HWPT_HWPT_ALLOC_DIRTY_TRACKING,
		.dev_id = self->dev,
		.pt_id = self->ioas,
	};
	struct hwpt_get_info info;

	ASSERT_EQ(0, get_info(self->fd, &info));
	EXPECT_FALSE(info.caps & HWPT_CAP_DIRTY_RECORDING);
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_HWPT_ALLOC, &cmd));
}

TEST_F(dirty, set_tracking_rules)
{
	struct hwpt_hwpt_set_dirty_tracking ok = {
		.size = sizeof(ok),
		.flags = HWPT_HWPT_DIRTY_TRACKING_ENABLE,
		.hwpt_id = self->hwpt,
	};
	struct hwpt_hwpt_set_dirty_tracking c;

	c = ok, c.flags = 2;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_HWPT_SET_DIRTY_TRACKING, &c));
	c = ok, c.__reserved = 1;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_HWPT_SET_DIRTY_TRACKING, &c));
	c = ok, c.hwpt_id = self->ioas;
	EXPECT_EQ(-ENOENT, xioctl(self->fd, HWPT_HWPT_SET_DIRTY_TRACKING, &c));
	c = ok;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_HWPT_SET_DIRTY_TRACKING, &c));
	c = ok, c.flags = 0;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_HWPT_SET_DIRTY_TRACKING, &c));
}

/* The bitmap's argument rules, each alone, before the refusal. */
TEST_F(dirty, bitmap_argument_rules)
{
	const struct hwpt_hwpt_get_dirty_bitmap ok = {
		.size = sizeof(ok),
		.hwpt_id = self->hwpt,
		.iova = 0x100000,
		.length = 0x40000,
		.page_size = 4096,
		.data = (uintptr_t)self->bitmap,
	};
	static const struct {
		const char *what;
		int field;
		uint64_t v;
		int err;
	} bad[] = {
		{ "unknown flag", 0, 2, -EOPNOTSUPP },
		{ "reserved", 1, 1, -EOPNOTSUPP },
		{ "page size 0", 2, 0, -EINVAL },
		{ "page size 12 KiB", 2, 3 * 4096, -EINVAL },
		{ "page size 2 KiB", 2, 2048, -EINVAL },
		{ "length 0", 3, 0, -EINVAL },
		{ "length unaligned", 3, 0x1800, -EINVAL },
		{ "iova unaligned", 4, 0x100800, -EINVAL },
		{ "no bitmap", 5, 0, -EINVAL },
		{ "wraps", 4, ~0ULL - 0xfff, -EOVERFLOW },
		{ "not an HWPT", 6, 0, -ENOENT },
	};
	struct hwpt_hwpt_get_dirty_bitmap c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		c = ok;
		switch (bad[i].field) {
		case 0: c.flags = bad[i].v; break;
		case 1: c.__reserved = bad[i].v; break;
		case 2: c.page_size = bad[i].v; break;
		case 3: c.length = bad[i].v; break;
		case 4: c.iova = bad[i].v; break;
		case 5: c.data = bad[i].v; break;
		case 6: c.hwpt_id = self->ioas; break;
		}
		if (xioctl(self->fd, HWPT_HWPT_GET_DIRTY_BITMAP, &c) != bad[i].err)
			TH_LOG("%s: not %s", bad[i].what, strerror(-bad[i].err));
		EXPECT_EQ(bad[i].err,
			  xioctl(self->fd, HWPT_HWPT_GET_DIRTY_BITMAP, &c));
	}
	c = ok;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_HWPT_GET_DIRTY_BITMAP, &c));
	c.flags = HWPT_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_HWPT_GET_DIRTY_BITMAP, &c));
}

TEST_HARNESS_MAIN
