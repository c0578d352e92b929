/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mutexes: the unit tests are single threaded, so a mutex is a flag. Taking
 * a held one would deadlock, releasing or destroying it in the wrong state
 * is a bug: each WARNs. Taking one may sleep.
 */
#include "../kshim.h"

#ifndef KSHIM_MUTEX_H
#define KSHIM_MUTEX_H
struct mutex {
	int locked;
};

static inline void mutex_init(struct mutex *m) { m->locked = 0; }
static inline void mutex_destroy(struct mutex *m) { WARN_ON(m->locked); }

static inline void mutex_lock(struct mutex *m)
{
	might_sleep();
	WARN_ON(m->locked);
	m->locked = 1;
}

static inline void mutex_unlock(struct mutex *m)
{
	WARN_ON(!m->locked);
	m->locked = 0;
}
#endif
