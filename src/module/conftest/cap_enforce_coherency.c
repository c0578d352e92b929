// SPDX-License-Identifier: GPL-2.0
/* The core can say per device whether no-snoop blocking can be enforced. */
#include <linux/iommu.h>
#include <linux/module.h>

bool probe(struct device *dev);
bool probe(struct device *dev)
{
	return device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
}
MODULE_LICENSE("GPL");
