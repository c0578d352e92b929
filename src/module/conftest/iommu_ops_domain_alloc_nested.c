// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU drivers allocate nested domains through
 * ops->domain_alloc_nested(dev, parent, flags, user_data) (6.13 and later;
 * nest parents come from iommu_paging_domain_alloc_flags()).
 */
#include <linux/iommu.h>
#include <linux/module.h>

struct iommu_domain *probe(const struct iommu_ops *ops, struct device *dev,
			   struct iommu_domain *parent,
			   const struct iommu_user_data *data);
struct iommu_domain *probe(const struct iommu_ops *ops, struct device *dev,
			   struct iommu_domain *parent,
			   const struct iommu_user_data *data)
{
	return ops->domain_alloc_nested(dev, parent, 0, data);
}
MODULE_LICENSE("GPL");
