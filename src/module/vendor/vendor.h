/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vendor knowledge, one file per IOMMU driver in this folder behind
 * this table. The common code never names a vendor: it asks the shim of
 * the IOMMU that serves the device. Each answer cites the driver code it
 * comes from.
 */
#ifndef HWPT_VENDOR_H
#define HWPT_VENDOR_H

#include <linux/device.h>
#include <linux/pci.h>
#include <linux/types.h>

struct hwpt_vendor {
	const char *name;
	u32 hw_info_type;		/* enum hwpt_hw_info_type */
	/*
	 * Fill @data (room for any struct hwpt_hw_info_*) with the registers
	 * the kernel shows of @iommu; *len gets their length. NULL: none.
	 */
	int (*hw_info)(struct device *iommu, void *data, u32 *len);
	/* Is @iommu, the IOMMU's own sysfs device, one of this driver's? */
	bool (*match)(struct device *iommu);
	/*
	 * Can page requests of @pdev without a PASID reach the handler of a
	 * fault-capable domain, on this kernel? NULL: never.
	 */
	bool (*iopf_capable)(struct pci_dev *pdev);
	/*
	 * Once the core has detached or replaced a domain with a fault
	 * handler, has the driver stopped reporting through the old attach
	 * handle? If not, the handle is retired rather than freed.
	 */
	bool detach_drains_iopf;
	/*
	 * The enum hwpt_hwpt_data_type the driver takes for a nested domain
	 * from a module; HWPT_HWPT_DATA_NONE: it offers no nesting without
	 * iommufd, and nest parents are refused too.
	 */
	u32 nest_data_type;
};

extern const struct hwpt_vendor hwpt_vendor_intel;
extern const struct hwpt_vendor hwpt_vendor_amd;
extern const struct hwpt_vendor hwpt_vendor_arm_smmu_v3;

/* The shim for the IOMMU serving @dev; the generic one if none matches. */
const struct hwpt_vendor *hwpt_vendor_of(struct device *dev);

/*
 * The hex number(s) the IOMMU device @iommu shows in sysfs attribute
 * @group/@name: "first", or "first:second" (then *@second, if given).
 */
int hwpt_iommu_attr_hex(struct device *iommu, const char *group,
			const char *name, u64 *first, u64 *second);

/* A PCI extended capability the driver needs for page requests. */
static inline bool hwpt_pci_has_ext_cap(struct pci_dev *pdev, int cap)
{
	return pci_find_ext_capability(pdev, cap) != 0;
}

#endif /* HWPT_VENDOR_H */
