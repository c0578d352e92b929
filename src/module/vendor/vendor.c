// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the vendor shim: by the IOMMU device that serves the device
 * (dev->iommu->iommu_dev), not by guessing from the platform. Any IOMMU no
 * shim claims (virtio-iommu, ...) gets the generic one: the portable core
 * only, and no page requests.
 */
#include <linux/gfp.h>
#include <linux/iommu.h>
#include <linux/kernel.h>
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

/* The text of the attribute, into @page (sysfs_emit() wants a page). */
static ssize_t hwpt_iommu_attr(struct device *iommu, const char *group,
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

int hwpt_iommu_attr_hex(struct device *iommu, const char *group,
			const char *name, u64 *first, u64 *second)
{
	char *page = (char *)__get_free_page(GFP_KERNEL);
	char *colon;
	ssize_t rc;

	if (!page)
		return -ENOMEM;
	rc = hwpt_iommu_attr(iommu, group, name, page);
	if (rc >= 0) {
		colon = strchr(page, ':');
		if (colon)
			*colon++ = 0;
		rc = kstrtou64(strim(page), 16, first);
		if (!rc && colon && second)
			rc = kstrtou64(strim(colon), 16, second);
	}
	free_page((unsigned long)page);
	return rc;
}
