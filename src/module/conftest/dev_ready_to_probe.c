// SPDX-License-Identifier: GPL-2.0
/*
 * The driver core says when a device being added is ready to probe
 * (newer kernels; older ones have PCI's match_driver for it).
 */
#include <linux/device.h>
#include <linux/module.h>

bool probe(struct device *dev);
bool probe(struct device *dev)
{
	return dev_ready_to_probe(dev);
}
MODULE_LICENSE("GPL");
