// SPDX-License-Identifier: GPL-2.0
/* Intel VT-d (drivers/iommu/intel). */
#include <linux/hwpt.h>
#include <linux/string.h>

#include "compat.h"
#include "vendor.h"

/* dmar.c registers each unit as iommu->name, "dmar%d". */
static bool hwpt_intel_match(struct device *iommu)
{
	return strstarts(dev_name(iommu), "dmar");
}

/*
 * intel_iommu_enable_iopf() wants PRI behind ATS. 6.12's page request
 * thread drops requests without a PASID (intel/prq.c:217); 7.2 routes them
 * to the RID's domain.
 */
static bool hwpt_intel_iopf_capable(struct pci_dev *pdev)
{
	return HWPT_COMPAT_INTEL_RID_PRQ &&
	       hwpt_pci_has_ext_cap(pdev, PCI_EXT_CAP_ID_PRI) &&
	       hwpt_pci_has_ext_cap(pdev, PCI_EXT_CAP_ID_ATS);
}

/* intel/iommu.c shows cap and ecap in hex in the "intel-iommu" group. */
static int hwpt_intel_hw_info(struct device *iommu, void *data, u32 *len)
{
	struct hwpt_hw_info_vtd *vtd = data;

	*len = sizeof(*vtd);
	return hwpt_iommu_attr_hex(iommu, "intel-iommu", "cap", &vtd->cap_reg,
				   NULL) ?:
	       hwpt_iommu_attr_hex(iommu, "intel-iommu", "ecap",
				   &vtd->ecap_reg, NULL);
}

const struct hwpt_vendor hwpt_vendor_intel = {
	.name = "intel-vtd",
	.hw_info_type = HWPT_HW_INFO_TYPE_INTEL_VTD,
	.hw_info = hwpt_intel_hw_info,
	.match = hwpt_intel_match,
	.iopf_capable = hwpt_intel_iopf_capable,
	/*
	 * Tearing down a PASID entry drains the page request queue for it
	 * (intel/pasid.c intel_pasid_tear_down_entry() ->
	 * intel_iommu_drain_pasid_prq()), but on 7.2 the detach to the
	 * blocking domain first drops the IOPF reference
	 * (intel/iommu.c:2785, iopf_for_domain_remove() before
	 * device_block_translation()), and the drain returns early once it
	 * is zero (intel/prq.c:71). So a report may still be in flight.
	 */
	.detach_drains_iopf = false,
	/*
	 * Nested domains come from the driver's ops (intel/nested.c), if the
	 * unit has ECAP.NEST in scalable mode (intel/iommu.h
	 * nested_supported()).
	 */
	.nest_data_type = HWPT_HWPT_DATA_VTD_S1,
};
