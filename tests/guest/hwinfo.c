// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of HWPT_GET_HW_INFO and the vendor shims: the vendor is found
 * from the IOMMU that serves the device, and the registers hwpt reports
 * are the ones the kernel's own driver shows in sysfs
 * (/sys/class/iommu/dmar*\/intel-iommu/{cap,ecap},
 * /sys/class/iommu/ivhd*\/amd-iommu/features). iommufd's buffer rules: a
 * larger buffer is zero-filled past the data, a smaller one filled as far
 * as it goes, and data_len says the whole length.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <inttypes.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <linux/hwpt.h>

#include "edu.h"

static int hw_info(int fd, uint32_t dev, void *data, uint32_t len,
		   struct hwpt_hw_info *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->dev_id = dev;
	out->data_len = len;
	out->data_uptr = (uintptr_t)data;
	return xioctl(fd, HWPT_GET_HW_INFO, out);
}

/* The sysfs name of the IOMMU serving bdf ("dmar1", "ivhd0", ...). */
static void iommu_of(const char *bdf, char *out, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/iommu", bdf);
	link_name(path, out, len);
}

/*
 * A hex register the driver shows: /sys/class/iommu/NAME/GROUP/ATTR; with
 * v2, the second of two around a colon.
 */
static int sysfs_reg(const char *iommu, const char *attr, uint64_t *v,
		     uint64_t *v2)
{
	char path[PATH_MAX], buf[128], *colon;

	snprintf(path, sizeof(path), "/sys/class/iommu/%s/%s", iommu, attr);
	if (read_file(path, buf, sizeof(buf)))
		return -ENOENT;
	*v = strtoull(buf, &colon, 16);
	if (v2)
		*v2 = *colon == ':' ? strtoull(colon + 1, NULL, 16) : 0;
	return 0;
}

static bool is_6_1(void)
{
	struct utsname u;

	return !uname(&u) && !strncmp(u.release, "6.1.", 4);
}

static void swap_u64(uint64_t *a, uint64_t *b)
{
	uint64_t t = *a;

	*a = *b;
	*b = t;
}

FIXTURE(hw) {
	struct edu_info s;
	char iommu[64];
	int fd;
	uint32_t dev;
};

FIXTURE_SETUP(hw)
{
	self->fd = -1;
	if (!edu_find(EDU_SINGLETON, &self->s))
		SKIP("no singleton edu");
	iommu_of(self->s.bdf, self->iommu, sizeof(self->iommu));
	ASSERT_NE(0, self->iommu[0]);
	self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, bind_dev(self->fd, self->s.bdf, &self->dev));
}

FIXTURE_TEARDOWN(hw)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The type follows the serving IOMMU, and the registers match sysfs. */
TEST_F(hw, vendor_and_registers_match_the_driver)
{
	union {
		struct hwpt_hw_info_vtd vtd;
		struct hwpt_hw_info_amd amd;
		struct hwpt_hw_info_arm_smmuv3 smmu;
		uint8_t raw[64];
	} d;
	struct hwpt_hw_info info;
	uint64_t a, b;

	memset(&d, 0xa5, sizeof(d));
	ASSERT_EQ(0, hw_info(self->fd, self->dev, &d, sizeof(d), &info));
	TH_LOG("%s on %s: type %u, %u bytes, max_pasid_log2 %u, caps %#" PRIx64,
	       self->s.bdf, self->iommu, info.out_data_type, info.data_len,
	       info.out_max_pasid_log2, (uint64_t)info.out_capabilities);
	if (!strncmp(self->iommu, "dmar", 4)) {
		ASSERT_EQ(HWPT_HW_INFO_TYPE_INTEL_VTD, info.out_data_type);
		ASSERT_EQ(sizeof(d.vtd), info.data_len);
		ASSERT_EQ(0, sysfs_reg(self->iommu, "intel-iommu/cap", &a,
				       NULL));
		ASSERT_EQ(0, sysfs_reg(self->iommu, "intel-iommu/ecap", &b,
				       NULL));
		EXPECT_EQ(a, d.vtd.cap_reg);
		EXPECT_EQ(b, d.vtd.ecap_reg);
		EXPECT_NE(0, d.vtd.cap_reg);
	} else if (!strncmp(self->iommu, "ivhd", 4)) {
		ASSERT_EQ(HWPT_HW_INFO_TYPE_AMD, info.out_data_type);
		ASSERT_EQ(sizeof(d.amd), info.data_len);
		ASSERT_EQ(0, sysfs_reg(self->iommu, "amd-iommu/features", &a,
				       &b));
		/* 6.1 shows "EFR2:EFR", later kernels "EFR:EFR2". */
		if (is_6_1())
			swap_u64(&a, &b);
		EXPECT_EQ(a, d.amd.efr);
		EXPECT_EQ(b, d.amd.efr2);
	} else if (!strncmp(self->iommu, "smmu3.", 6)) {
		/* The driver shows no registers: the type, and no data. */
		ASSERT_EQ(HWPT_HW_INFO_TYPE_ARM_SMMUV3, info.out_data_type);
		ASSERT_EQ(0, info.data_len);
	} else {
		ASSERT_EQ(HWPT_HW_INFO_TYPE_NONE, info.out_data_type);
		ASSERT_EQ(0, info.data_len);
	}
	/* Past the data: zeros, up to the size given. */
	EXPECT_TRUE(edu_all_bytes(d.raw + info.data_len,
				  sizeof(d) - info.data_len, 0));
	/* edu has neither PASID nor ATS. */
	EXPECT_EQ(0, info.out_max_pasid_log2);
	EXPECT_EQ(HWPT_HW_CAP_PCI_ATS_NOT_SUPPORTED, info.out_capabilities);
}

/* A smaller buffer is filled as far as it goes; none at all works too. */
TEST_F(hw, short_and_absent_buffers)
{
	struct hwpt_hw_info info, full;
	uint8_t whole[64], part[64];
	uint32_t n;

	ASSERT_EQ(0, hw_info(self->fd, self->dev, whole, sizeof(whole), &full));
	ASSERT_EQ(0, hw_info(self->fd, self->dev, NULL, 0, &info));
	EXPECT_EQ(full.data_len, info.data_len);
	EXPECT_EQ(full.out_data_type, info.out_data_type);
	if (!full.data_len)
		SKIP("this IOMMU shows no registers");
	n = full.data_len / 2;
	memset(part, 0x5a, sizeof(part));
	ASSERT_EQ(0, hw_info(self->fd, self->dev, part, n, &info));
	EXPECT_EQ(full.data_len, info.data_len);
	EXPECT_EQ(0, memcmp(whole, part, n));
	EXPECT_TRUE(edu_all_bytes(part + n, sizeof(part) - n, 0x5a));
}

/* Argument rules. */
TEST_F(hw, rules)
{
	struct hwpt_hw_info info = { .size = sizeof(info), .dev_id = self->dev };
	uint32_t ioas;

	info.flags = 1;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_GET_HW_INFO, &info));
	info.flags = 0;
	info.__reserved[1] = 1;
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, HWPT_GET_HW_INFO, &info));
	info.__reserved[1] = 0;
	info.dev_id = 999;
	EXPECT_EQ(-ENOENT, xioctl(self->fd, HWPT_GET_HW_INFO, &info));
	ASSERT_EQ(0, ioas_alloc(self->fd, &ioas));
	info.dev_id = ioas;
	EXPECT_EQ(-ENOENT, xioctl(self->fd, HWPT_GET_HW_INFO, &info));
	/* A bad buffer with room claimed: EFAULT. */
	info.dev_id = self->dev;
	info.data_len = 64;
	info.data_uptr = 8;
	EXPECT_EQ(-EFAULT, xioctl(self->fd, HWPT_GET_HW_INFO, &info));
}

/*
 * Cache coherency: DEVICE_GET says whether the device's IOMMU
 * can block no-snoop (on Intel, the Snoop Control bit of ECAP), and an
 * HWPT enforcing it takes exactly the devices that can; a refused attach
 * changes nothing.
 */
TEST_F(hw, coherency_is_consistent)
{
	struct hwpt_hwpt_alloc a = {
		.size = sizeof(a),
		.flags = HWPT_HWPT_ALLOC_ENFORCE_COHERENCY,
		.dev_id = self->dev,
	};
	struct hwpt_device_get g;
	struct hwpt_get_info info;
	bool can;
	uint64_t ecap;
	int rc;

	ASSERT_EQ(0, get_info(self->fd, &info));
	ASSERT_EQ(0, ioas_alloc(self->fd, &a.pt_id));
	ASSERT_EQ(0, dev_get(self->fd, self->dev, &g));
	can = g.out_state & HWPT_DEVICE_COHERENT;
	if (!(info.caps & HWPT_CAP_COHERENCY_QUERY)) {
		EXPECT_FALSE(can);
		SKIP("the kernel does not say which devices can (6.1)");
	}
	if (!strncmp(self->iommu, "dmar", 4)) {
		ASSERT_EQ(0, sysfs_reg(self->iommu, "intel-iommu/ecap", &ecap,
				       NULL));
		EXPECT_EQ(!!(ecap & (1ULL << 7)), can);
	} else if (!strncmp(self->iommu, "ivhd", 4)) {
		EXPECT_TRUE(can);
	}
	TH_LOG("%s on %s: coherency %s", self->s.bdf, self->iommu,
	       can ? "enforceable" : "not enforceable");
	rc = xioctl(self->fd, HWPT_HWPT_ALLOC, &a);
	if (rc) {
		/* The domain refused: only a device that cannot may see it. */
		EXPECT_EQ(-EOPNOTSUPP, rc);
		EXPECT_FALSE(can);
		return;
	}
	rc = attach(self->fd, self->dev, a.out_hwpt_id, NULL, NULL);
	EXPECT_EQ(can ? 0 : -EINVAL, rc);
	EXPECT_EQ(can ? a.out_hwpt_id : 0, dev_pt(self->fd, self->dev));
}

TEST_HARNESS_MAIN
