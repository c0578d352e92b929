// SPDX-License-Identifier: GPL-2.0
/* ARM SMMUv3 (drivers/iommu/arm/arm-smmu-v3). */
#include <linux/hwpt.h>
#include <linux/string.h>

#include "vendor.h"

/* arm-smmu-v3.c registers each SMMU as "smmu3.%pa". */
static bool hwpt_smmu_v3_match(struct device *iommu)
{
	return strstarts(dev_name(iommu), "smmu3.");
}

const struct hwpt_vendor hwpt_vendor_arm_smmu_v3 = {
	.name = "arm-smmu-v3",
	/*
	 * No hw_info: the IDRs are in struct arm_smmu_device only, with no
	 * sysfs attribute, and the driver's hw_info op needs IOMMUFD.
	 */
	.hw_info_type = HWPT_HW_INFO_TYPE_ARM_SMMUV3,
	.match = hwpt_smmu_v3_match,
	/*
	 * No iopf_capable: the driver has no PCI PRI; only stall-capable
	 * platform masters fault (arm_smmu_enable_iopf() returns 0 for the
	 * others), and Debian's arm64 builds leave IOMMU_IOPF unset.
	 */
	/*
	 * Detach neither takes the event queue's reporting path nor flushes
	 * it: arm_smmu_disable_iopf() only removes the master from the IOPF
	 * queue.
	 */
	.detach_drains_iopf = false,
	/*
	 * No nesting: SMMUv3 nested domains exist only for an iommufd vIOMMU
	 * object (arm-smmu-v3-iommufd.c arm_vsmmu_alloc_domain_nested(),
	 * built with CONFIG_ARM_SMMU_V3_IOMMUFD, off).
	 */
	.nest_data_type = HWPT_HWPT_DATA_NONE,
};
