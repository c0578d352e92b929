// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU drivers allocate user (nest parent and nested) domains through
 * ops->domain_alloc_user(dev, flags, parent, user_data) (6.6 to 6.12).
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
	return ops->domain_alloc_user(dev, 0, parent, data);
}
MODULE_LICENSE("GPL");
