// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel can record dirty bits for a module: the IOVA bitmap writer
 * that drivers' read_and_clear_dirty() call is an empty stub without
 * CONFIG_IOMMUFD_DRIVER (include/linux/iova_bitmap.h), so their dirty bits
 * would be cleared and lost.
 */
#include <linux/module.h>

#ifndef CONFIG_IOMMUFD_DRIVER
#error CONFIG_IOMMUFD_DRIVER is not set
#endif
MODULE_LICENSE("GPL");
