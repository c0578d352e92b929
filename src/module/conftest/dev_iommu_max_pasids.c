// SPDX-License-Identifier: GPL-2.0
/* struct dev_iommu has the device's PASID width (6.1 has it per IOMMU only). */
#include <linux/iommu.h>
#include <linux/module.h>

u32 probe(struct device *dev);
u32 probe(struct device *dev)
{
	return dev->iommu->max_pasids;
}
MODULE_LICENSE("GPL");
