// SPDX-License-Identifier: GPL-2.0
/*
 * MODULE_IMPORT_NS() takes a bare identifier (older kernels) rather than a
 * string literal (newer ones). The string form also compiles on older
 * kernels but names the wrong namespace, so probe the identifier form.
 */
#include <linux/module.h>

MODULE_IMPORT_NS(IOMMUFD_INTERNAL);
MODULE_LICENSE("GPL");
