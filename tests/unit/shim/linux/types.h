/* SPDX-License-Identifier: GPL-2.0 */
/* The C library includes the real one too: extend it, do not replace it. */
#include_next <linux/types.h>
#include "../kshim.h"
