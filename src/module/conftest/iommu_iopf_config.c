// SPDX-License-Identifier: GPL-2.0
/* The kernel is built with I/O page fault support (else its calls are stubs). */
#include <linux/iommu.h>
#include <linux/module.h>

#ifndef CONFIG_IOMMU_IOPF
#error CONFIG_IOMMU_IOPF is not set
#endif
MODULE_LICENSE("GPL");
