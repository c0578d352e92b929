/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mutexes, tracked per thread (kshim.h): taking one this thread holds
 * would deadlock, releasing or destroying one in the wrong state is a bug,
 * and each WARNs. Taking one may sleep.
 */
#include "../kshim.h"

#ifndef KSHIM_MUTEX_H
#define KSHIM_MUTEX_H
struct mutex {
	struct kshim_lock dep_map;
};

#define mutex_init(m) kshim_lock_init(&(m)->dep_map, KSHIM_CLASS(#m), false)
static inline void mutex_destroy(struct mutex *m)
{
	WARN_ON(m->dep_map.holders);
}

static inline void mutex_lock(struct mutex *m)
{
	might_sleep();
	kshim_lock_acquire(&m->dep_map, true);
}

static inline void mutex_unlock(struct mutex *m)
{
	kshim_lock_release(&m->dep_map);
}
#endif
