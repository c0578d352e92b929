// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of PASID attach, replace and detach. QEMU's edu has no PASID
 * capability, so what is tested here is the refusals and their order:
 * per-device PASIDs only (a device whose IOMMU group has another
 * device is refused before anything else is looked at), the capability
 * bits, the argument rules, and that nothing changes on a refusal. A
 * successful PASID attach is untested on these emulated devices.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <linux/hwpt.h>

#include "edu.h"

static int pasid_op(int fd, unsigned long nr, uint32_t dev, uint32_t pasid,
		    uint32_t pt)
{
	struct hwpt_pasid cmd = {
		.size = sizeof(cmd),
		.dev_id = dev,
		.pasid = pasid,
		.pt_id = pt,
	};

	return xioctl(fd, nr, &cmd);
}

FIXTURE(pasid) {
	struct edu_info s, a, b;
	bool have_pair;
	int fd;
	uint64_t caps;
	uint32_t dev, ioas, hwpt;
};

FIXTURE_SETUP(pasid)
{
	struct hwpt_get_info info;

	self->fd = -1;
	if (!edu_find(EDU_SINGLETON, &self->s))
		SKIP("no singleton edu");
	self->have_pair = edu_find_pair(EDU_TWOFN, &self->a, &self->b);
	self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, get_info(self->fd, &info));
	self->caps = info.caps;
	ASSERT_EQ(0, bind_dev(self->fd, self->s.bdf, &self->dev));
	ASSERT_EQ(0, ioas_alloc(self->fd, &self->ioas));
	ASSERT_EQ(0, hwpt_alloc(self->fd, self->dev, self->ioas, &self->hwpt));
}

FIXTURE_TEARDOWN(pasid)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* A device of a two-device group gets no PASID: it may alias. */
TEST_F(pasid, multi_device_group_refused)
{
	uint32_t da, db, h;

	if (!self->have_pair)
		SKIP("no two-function edu");
	ASSERT_EQ(0, bind_dev(self->fd, self->a.bdf, &da));
	ASSERT_EQ(0, bind_dev(self->fd, self->b.bdf, &db));
	ASSERT_EQ(0, hwpt_alloc(self->fd, da, self->ioas, &h));
	if (!(self->caps & HWPT_CAP_PASID)) {
		EXPECT_EQ(-EOPNOTSUPP,
			  pasid_op(self->fd, HWPT_PASID_ATTACH, da, 1, h));
		return;
	}
	EXPECT_EQ(-EINVAL, pasid_op(self->fd, HWPT_PASID_ATTACH, da, 1, h));
	EXPECT_EQ(-EINVAL, pasid_op(self->fd, HWPT_PASID_ATTACH, db, 5, h));
	/* Only the other function bound elsewhere changes nothing. */
	ASSERT_EQ(0, destroy(self->fd, db));
	EXPECT_EQ(-EINVAL, pasid_op(self->fd, HWPT_PASID_ATTACH, da, 1, h));
	EXPECT_EQ(0, dev_pt(self->fd, da));
}

/* edu has no PASID capability: EOPNOTSUPP, and the width says 0. */
TEST_F(pasid, device_without_pasid_refused)
{
	struct hwpt_hw_info info = {
		.size = sizeof(info),
		.dev_id = self->dev,
	};

	ASSERT_EQ(0, xioctl(self->fd, HWPT_GET_HW_INFO, &info));
	EXPECT_EQ(0, info.out_max_pasid_log2);
	EXPECT_EQ(-EOPNOTSUPP, pasid_op(self->fd, HWPT_PASID_ATTACH,
					self->dev, 1, self->hwpt));
	EXPECT_EQ(-EOPNOTSUPP, pasid_op(self->fd, HWPT_PASID_REPLACE,
					self->dev, 1, self->hwpt));
	EXPECT_EQ(-EOPNOTSUPP, pasid_op(self->fd, HWPT_PASID_DETACH,
					self->dev, 1, 0));
	/* The RID's attachment is untouched by all that. */
	EXPECT_EQ(0, dev_pt(self->fd, self->dev));
	ASSERT_EQ(0, attach(self->fd, self->dev, self->hwpt, NULL, NULL));
	EXPECT_EQ(-EOPNOTSUPP, pasid_op(self->fd, HWPT_PASID_ATTACH,
					self->dev, 1, self->hwpt));
	EXPECT_EQ(self->hwpt, dev_pt(self->fd, self->dev));
}

/* Argument rules, checked before the device is. */
TEST_F(pasid, argument_rules)
{
	struct hwpt_pasid c = {
		.size = sizeof(c),
		.dev_id = self->dev,
		.pasid = 1,
		.pt_id = self->hwpt,
	};

	c.flags = 1;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_PASID_ATTACH, &c));
	c.flags = 0;
	c.__reserved = 1;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_PASID_ATTACH, &c));
	c.__reserved = 0;
	/* DETACH names no HWPT. */
	EXPECT_EQ(-EINVAL, xioctl(self->fd, HWPT_PASID_DETACH, &c));
	/* An IOAS is not an HWPT here; nor is a device. */
	c.pt_id = self->ioas;
	EXPECT_EQ(-ENOENT, xioctl(self->fd, HWPT_PASID_ATTACH, &c));
	c.pt_id = self->dev;
	EXPECT_EQ(-ENOENT, xioctl(self->fd, HWPT_PASID_ATTACH, &c));
	c.pt_id = self->hwpt;
	c.dev_id = self->ioas;
	EXPECT_EQ(-ENOENT, xioctl(self->fd, HWPT_PASID_ATTACH, &c));
	/* PASID 0 is the RID's. */
	c.dev_id = self->dev;
	c.pasid = 0;
	EXPECT_EQ(self->caps & HWPT_CAP_PASID ? -EINVAL : -EOPNOTSUPP,
		  xioctl(self->fd, HWPT_PASID_ATTACH, &c));
}

/* The bits say what the kernel exports: 6.12 and 7.2 have PASID attach. */
TEST_F(pasid, caps_follow_the_kernel)
{
	struct utsname u;

	ASSERT_EQ(0, uname(&u));
	EXPECT_EQ(!!strncmp(u.release, "6.1.", 4),
		  !!(self->caps & HWPT_CAP_PASID));
	if (self->caps & HWPT_CAP_PASID_REPLACE)
		EXPECT_TRUE(self->caps & HWPT_CAP_PASID);
}

TEST_HARNESS_MAIN
