// SPDX-License-Identifier: GPL-2.0
/* AMD-Vi (drivers/iommu/amd). */
#include <linux/string.h>

#include "vendor.h"

/* init.c registers each unit as "ivhd%d". */
static bool hwpt_amd_match(struct device *iommu)
{
	return strstarts(dev_name(iommu), "ivhd");
}

const struct hwpt_vendor hwpt_vendor_amd = {
	.name = "amd-vi",
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
};
