// SPDX-License-Identifier: GPL-2.0
/* Always compiles: proves the probe machinery itself works. */
#include <linux/module.h>

MODULE_LICENSE("GPL");
