// SPDX-License-Identifier: GPL-2.0
/* AMD-Vi (drivers/iommu/amd). */
#include <linux/hwpt.h>
#include <linux/string.h>

#include "compat.h"
#include "vendor.h"

/* init.c registers each unit as "ivhd%d". */
static bool hwpt_amd_match(struct device *iommu)
{
	return strstarts(dev_name(iommu), "ivhd");
}

/*
 * amd/init.c shows the Extended Feature Registers in the "amd-iommu"
 * group's "features": two hex numbers around a colon, in an order that
 * depends on the kernel (compat.h).
 */
static int hwpt_amd_hw_info(struct device *iommu, void *data, u32 *len)
{
	struct hwpt_hw_info_amd *amd = data;

	*len = sizeof(*amd);
	if (HWPT_COMPAT_AMD_FEATURES_EFR2_FIRST)
		return hwpt_iommu_attr_hex(iommu, "amd-iommu", "features",
					   &amd->efr2, &amd->efr);
	return hwpt_iommu_attr_hex(iommu, "amd-iommu", "features", &amd->efr,
				   &amd->efr2);
}

const struct hwpt_vendor hwpt_vendor_amd = {
	.name = "amd-vi",
	.hw_info_type = HWPT_HW_INFO_TYPE_AMD,
	.hw_info = hwpt_amd_hw_info,
	.match = hwpt_amd_match,
	/*
	 * No iopf_capable: the PPR log handler rejects requests without a
	 * PASID (amd/ppr.c, PASID 0), and on 7.2 amd_iommu_iopf_add_device()
	 * succeeds without PRI, so an attach says nothing about delivery.
	 */
	/*
	 * detach flushes the IOPF workqueue (amd/iommu.c:2417,
	 * iopf_queue_flush_dev()) but does not stop the PPR log thread,
	 * which may already hold a request for the old domain.
	 */
	.detach_drains_iopf = false,
	/*
	 * No nesting: 7.2 makes AMD nested domains only for an iommufd
	 * vIOMMU object (amd/nested.c amd_iommu_alloc_domain_nested(),
	 * built with CONFIG_AMD_IOMMU_IOMMUFD, off); 6.1 and 6.12 have none.
	 */
	.nest_data_type = HWPT_HWPT_DATA_NONE,
};
