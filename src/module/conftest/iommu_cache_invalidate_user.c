// SPDX-License-Identifier: GPL-2.0
/*
 * Nested domains take user cache invalidations through
 * domain->ops->cache_invalidate_user() (6.8 and later).
 */
#include <linux/iommu.h>
#include <linux/module.h>

int probe(struct iommu_domain *d, struct iommu_user_data_array *array);
int probe(struct iommu_domain *d, struct iommu_user_data_array *array)
{
	return d->ops->cache_invalidate_user(d, array);
}
MODULE_LICENSE("GPL");
