/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spinlocks, tracked per thread (kshim.h). While any is held we are in
 * atomic context, where might_sleep() WARNs. kshim_spin_hook, if set, sees
 * each lock just after it is taken and just before it is released, so
 * that a test can check that what a lock protects changes only while it
 * is held.
 */
#include "../kshim.h"

#ifndef KSHIM_SPINLOCK_H
#define KSHIM_SPINLOCK_H
typedef struct {
	struct kshim_lock dep_map;
} spinlock_t;

extern void (*kshim_spin_hook)(spinlock_t *lock, bool taken);

#define spin_lock_init(lock) \
	kshim_lock_init(&(lock)->dep_map, KSHIM_CLASS(#lock), true)

static inline void spin_lock(spinlock_t *lock)
{
	kshim_lock_acquire(&lock->dep_map, true);
	if (kshim_spin_hook)
		kshim_spin_hook(lock, true);
}

static inline void spin_unlock(spinlock_t *lock)
{
	if (kshim_spin_hook)
		kshim_spin_hook(lock, false);
	kshim_lock_release(&lock->dep_map);
}
#endif
