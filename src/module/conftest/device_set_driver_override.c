// SPDX-License-Identifier: GPL-2.0
/* driver_override lives in struct device (newer) rather than per bus. */
#include <linux/device.h>
#include <linux/module.h>

int probe(struct device *dev);
int probe(struct device *dev)
{
	return device_set_driver_override(dev, "hwpt");
}
MODULE_LICENSE("GPL");
