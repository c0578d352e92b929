/* SPDX-License-Identifier: GPL-2.0 */
/* Read-write semaphores, tracked per thread (kshim.h). */
#include "../kshim.h"

#ifndef KSHIM_RWSEM_H
#define KSHIM_RWSEM_H
struct rw_semaphore {
	struct kshim_lock dep_map;
};

#define init_rwsem(s) kshim_lock_init(&(s)->dep_map, KSHIM_CLASS(#s), false)

static inline void down_read(struct rw_semaphore *s)
{
	might_sleep();
	kshim_lock_acquire(&s->dep_map, false);
}

static inline void down_write(struct rw_semaphore *s)
{
	might_sleep();
	kshim_lock_acquire(&s->dep_map, true);
}

static inline void up_read(struct rw_semaphore *s)
{
	kshim_lock_release(&s->dep_map);
}

static inline void up_write(struct rw_semaphore *s)
{
	kshim_lock_release(&s->dep_map);
}
#endif
