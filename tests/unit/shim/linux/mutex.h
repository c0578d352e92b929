/* SPDX-License-Identifier: GPL-2.0 */
/* Mutexes: the unit tests are single threaded; only the type is needed. */
#include "../kshim.h"

#ifndef KSHIM_MUTEX_H
#define KSHIM_MUTEX_H
struct mutex {
	int locked;
};
#endif
