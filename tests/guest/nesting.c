// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of nesting: HWPT_ALLOC's nest parents and nested
 * HWPTs, and HWPT_INVALIDATE. Only Intel VT-d makes nested domains for a
 * module, and only where the unit has ECAP.NEST (bit 26). QEMU 11.1's
 * VT-d never sets it (measured: ecap 480080f00f4a in scalable mode,
 * 8d9a20f00f4e with fsts=on), so here every vIOMMU must refuse a nest
 * parent with EOPNOTSUPP, and the argument rules are what can be tested:
 * iommufd's errno for each, and nothing left behind by a refused call.
 * Where a nest parent can be made (real hardware), it must work as a
 * paging HWPT: the device attaches to it and DMA goes through it.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <sys/ioctl.h>
#include <linux/hwpt.h>

#include "edu.h"

#define VTD_ECAP_NEST	(1ULL << 26)

FIXTURE(nest) {
	struct edu_info s;
	int fd;
	uint32_t dev, ioas, hwpt;
	struct hwpt_hwpt_vtd_s1 s1;
};

FIXTURE_SETUP(nest)
{
	self->fd = -1;
	if (!edu_find(EDU_SINGLETON, &self->s))
		SKIP("no singleton edu");
	self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, bind_dev(self->fd, self->s.bdf, &self->dev));
	ASSERT_EQ(0, ioas_alloc(self->fd, &self->ioas));
	ASSERT_EQ(0, hwpt_alloc(self->fd, self->dev, self->ioas, &self->hwpt));
	self->s1.addr_width = 48;
}

FIXTURE_TEARDOWN(nest)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* HWPT_ALLOC of the fixture's device on pt_id; *out the new HWPT. */
static int alloc(int fd, uint32_t dev, uint32_t pt_id, uint32_t flags,
		 uint32_t type, const void *data, uint32_t len, uint32_t *out)
{
	struct hwpt_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev,
		.pt_id = pt_id,
		.data_type = type,
		.data_len = len,
		.data_uptr = (uintptr_t)data,
		.out_hwpt_id = 0xdeadbeef,
	};
	int rc = xioctl(fd, HWPT_HWPT_ALLOC, &cmd);

	if (out)
		*out = cmd.out_hwpt_id;
	return rc;
}

static int invalidate(int fd, uint32_t hwpt, const void *data, uint32_t len,
		      uint32_t num, uint32_t reserved, uint32_t *done)
{
	struct hwpt_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt,
		.data_uptr = (uintptr_t)data,
		.data_type = HWPT_HWPT_INVALIDATE_DATA_VTD_S1,
		.entry_len = len,
		.entry_num = num,
		.__reserved = reserved,
	};
	int rc = xioctl(fd, HWPT_HWPT_INVALIDATE, &cmd);

	*done = cmd.entry_num;
	return rc;
}

/*
 * Can the IOMMU serving bdf nest, by what its driver shows? VT-d: ECAP.NEST
 * (intel/iommu.h nested_supported()); the others never, for a module.
 */
static bool iommu_can_nest(const char *bdf)
{
	char path[PATH_MAX], name[64] = "", buf[64];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/iommu", bdf);
	link_name(path, name, sizeof(name));
	if (strncmp(name, "dmar", 4))
		return false;
	snprintf(path, sizeof(path), "/sys/class/iommu/%s/intel-iommu/ecap",
		 name);
	if (read_file(path, buf, sizeof(buf)))
		return false;
	return strtoull(buf, NULL, 16) & VTD_ECAP_NEST;
}

/*
 * A nest parent is made exactly where the kernel has the driver ops and
 * the IOMMU can nest; where it is, it maps and translates as any HWPT.
 */
TEST_F(nest, nest_parent_answers_the_hardware)
{
	const size_t len = 4096;
	struct hwpt_get_info info;
	uint32_t parent, before, hwpt_id;
	uint64_t iova = 0;
	bool can, caps;
	uint8_t *buf;
	struct edu e;
	int rc;

	ASSERT_EQ(0, get_info(self->fd, &info));
	caps = info.caps & HWPT_CAP_NESTING;
	can = caps && iommu_can_nest(self->s.bdf);
	TH_LOG("HWPT_CAP_NESTING %d, the IOMMU of %s can nest: %d", caps,
	       self->s.bdf, can);
	before = next_id(self->fd);
	rc = alloc(self->fd, self->dev, self->ioas,
		   HWPT_HWPT_ALLOC_NEST_PARENT, 0, NULL, 0, &parent);
	if (!can) {
		EXPECT_EQ(-EOPNOTSUPP, rc);
		EXPECT_EQ(before, next_id(self->fd));
		return;
	}
	ASSERT_EQ(0, rc);
	buf = edu_buf(len, 0);
	ASSERT_NE(NULL, buf);
	edu_pattern(buf, len, 3);
	ASSERT_EQ(0, ioas_map(self->fd, self->ioas, buf, len, &iova));
	ASSERT_EQ(0, attach(self->fd, self->dev, parent, &hwpt_id, NULL));
	EXPECT_EQ(parent, hwpt_id);
	ASSERT_EQ(0, edu_open_master(&e, self->s.bdf));
	ASSERT_EQ(0, edu_dma_to_device(&e, iova, len));
	memset(buf, 0, len);
	ASSERT_EQ(0, edu_dma_from_device(&e, iova, len));
	EXPECT_TRUE(edu_has_pattern(buf, len, 3));
	edu_close(&e);
}

/* iommufd's data rules: EINVAL, and nothing made. */
TEST_F(nest, data_fields_einval)
{
	static const struct {
		uint32_t type, len;
		bool ptr;
		const char *what;
	} bad[] = {
		{ HWPT_HWPT_DATA_NONE, 32, false, "NONE with a length" },
		{ HWPT_HWPT_DATA_NONE, 0, true, "NONE with a pointer" },
		{ HWPT_HWPT_DATA_VTD_S1, 0, true, "VTD_S1 without length" },
		{ HWPT_HWPT_DATA_VTD_S1, 32, false, "VTD_S1 without pointer" },
		{ HWPT_HWPT_DATA_VTD_S1, 4097, true, "VTD_S1, 4097 bytes" },
	};
	uint32_t before = next_id(self->fd), out;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		TH_LOG("%s", bad[i].what);
		EXPECT_EQ(-EINVAL, alloc(self->fd, self->dev, self->hwpt, 0,
					 bad[i].type,
					 bad[i].ptr ? &self->s1 : NULL,
					 bad[i].len, &out));
		EXPECT_EQ(0xdeadbeef, out);
	}
	EXPECT_EQ(before, next_id(self->fd));
}

/* Nesting needs a nest parent HWPT of the device's own IOMMU driver. */
TEST_F(nest, nested_needs_a_nest_parent)
{
	uint32_t before = next_id(self->fd);

	/* A plain HWPT is no parent. */
	EXPECT_EQ(-EINVAL, alloc(self->fd, self->dev, self->hwpt, 0,
				 HWPT_HWPT_DATA_VTD_S1, &self->s1,
				 sizeof(self->s1), NULL));
	/* An IOAS takes no driver data. */
	EXPECT_EQ(-EOPNOTSUPP, alloc(self->fd, self->dev, self->ioas, 0,
				     HWPT_HWPT_DATA_VTD_S1, &self->s1,
				     sizeof(self->s1), NULL));
	/* Neither does a nest parent's allocation. */
	EXPECT_EQ(-EOPNOTSUPP, alloc(self->fd, self->dev, self->ioas,
				     HWPT_HWPT_ALLOC_NEST_PARENT,
				     HWPT_HWPT_DATA_VTD_S1, &self->s1,
				     sizeof(self->s1), NULL));
	/* A nested HWPT needs data. */
	EXPECT_EQ(-EOPNOTSUPP, alloc(self->fd, self->dev, self->hwpt, 0, 0,
				     NULL, 0, NULL));
	/* Only FAULT_ID_VALID goes with nesting. */
	EXPECT_EQ(-EOPNOTSUPP, alloc(self->fd, self->dev, self->hwpt,
				     HWPT_HWPT_ALLOC_ENFORCE_COHERENCY,
				     HWPT_HWPT_DATA_VTD_S1, &self->s1,
				     sizeof(self->s1), NULL));
	/* A nest parent takes no faults: its nested HWPTs do. */
	EXPECT_EQ(-EOPNOTSUPP, alloc(self->fd, self->dev, self->ioas,
				     HWPT_HWPT_ALLOC_NEST_PARENT |
				     HWPT_HWPT_FAULT_ID_VALID, 0, NULL, 0,
				     NULL));
	/* pt_id: neither an IOAS nor an HWPT, or nothing. */
	EXPECT_EQ(-EINVAL, alloc(self->fd, self->dev, self->dev, 0,
				 HWPT_HWPT_DATA_VTD_S1, &self->s1,
				 sizeof(self->s1), NULL));
	EXPECT_EQ(-ENOENT, alloc(self->fd, self->dev, 999, 0,
				 HWPT_HWPT_DATA_VTD_S1, &self->s1,
				 sizeof(self->s1), NULL));
	EXPECT_EQ(before, next_id(self->fd));
}

/* HWPT_INVALIDATE's rules; the count done goes back as 0 on each refusal. */
TEST_F(nest, invalidate_rules)
{
	struct hwpt_hwpt_vtd_s1_invalidate inv = { .npages = 1 };
	uint32_t done;

	EXPECT_EQ(-EOPNOTSUPP, invalidate(self->fd, self->hwpt, &inv,
					  sizeof(inv), 1, 1, &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(-EINVAL, invalidate(self->fd, self->hwpt, &inv, sizeof(inv),
				      HWPT_HWPT_INVALIDATE_ENTRY_NUM_MAX + 1,
				      0, &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(-EINVAL, invalidate(self->fd, self->hwpt, NULL, sizeof(inv),
				      1, 0, &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(-EINVAL, invalidate(self->fd, self->hwpt, &inv, 0, 1, 0,
				      &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(-EINVAL, invalidate(self->fd, self->hwpt, &inv, 4097, 1, 0,
				      &done));
	EXPECT_EQ(0, done);
	/* Only a nested HWPT has a stage 1 to flush. */
	EXPECT_EQ(-EINVAL, invalidate(self->fd, self->hwpt, &inv, sizeof(inv),
				      1, 0, &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(-EINVAL, invalidate(self->fd, self->hwpt, NULL, 0, 0, 0,
				      &done));
	EXPECT_EQ(0, done);
	EXPECT_EQ(-ENOENT, invalidate(self->fd, self->ioas, &inv, sizeof(inv),
				      1, 0, &done));
	EXPECT_EQ(-ENOENT, invalidate(self->fd, 999, &inv, sizeof(inv), 1, 0,
				      &done));
	EXPECT_EQ(0, done);
}

TEST_HARNESS_MAIN
