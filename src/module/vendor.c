// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the vendor shim: by the IOMMU device that serves the device
 * (dev->iommu->iommu_dev), not by guessing from the platform. Any IOMMU no
 * shim claims (virtio-iommu, ...) gets the generic one: the portable core
 * only, and no page requests.
 */
#include <linux/iommu.h>
#include <linux/string.h>

#include "vendor.h"

static const struct hwpt_vendor hwpt_vendor_generic = {
	.name = "generic",
};

static const struct hwpt_vendor *const hwpt_vendors[] = {
	&hwpt_vendor_intel,
	&hwpt_vendor_amd,
	&hwpt_vendor_arm_smmu_v3,
};

const struct hwpt_vendor *hwpt_vendor_of(struct device *dev)
{
	struct device *iommu;
	unsigned int i;

	if (!dev->iommu || !dev->iommu->iommu_dev)
		return &hwpt_vendor_generic;
	iommu = dev->iommu->iommu_dev->dev;
	for (i = 0; iommu && i < ARRAY_SIZE(hwpt_vendors); i++)
		if (hwpt_vendors[i]->match(iommu))
			return hwpt_vendors[i];
	return &hwpt_vendor_generic;
}

ssize_t hwpt_iommu_attr(struct device *iommu, const char *group,
			const char *name, char *page)
{
	const struct attribute_group *const *g;
	struct device_attribute *da;
	struct attribute **a;

	for (g = iommu->groups; g && *g; g++) {
		if (!(*g)->name || strcmp((*g)->name, group))
			continue;
		for (a = (*g)->attrs; a && *a; a++) {
			da = container_of(*a, struct device_attribute, attr);
			if (!strcmp((*a)->name, name) && da->show)
				return da->show(iommu, da, page);
		}
	}
	return -ENOENT;
}
