/* SPDX-License-Identifier: GPL-2.0 */
#include "../kshim.h"

#ifndef KSHIM_BITS_H
#define KSHIM_BITS_H
#define BIT(n) (1UL << (n))
#endif
