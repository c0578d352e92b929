// SPDX-License-Identifier: GPL-2.0
/* iommu_map() takes a gfp_t (newer kernels) rather than none. */
#include <linux/iommu.h>
#include <linux/module.h>

int probe(struct iommu_domain *d);
int probe(struct iommu_domain *d)
{
	return iommu_map(d, 0, 0, 0, 0, GFP_KERNEL);
}
MODULE_LICENSE("GPL");
