/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spinlocks: the unit tests are single threaded, so a lock is a flag. Taking
 * a held lock would deadlock, and releasing a free one is a bug: both WARN.
 * While any is held we are in atomic context, where might_sleep() WARNs.
 * kshim_spin_hook, if set, sees each lock just after it is taken and just
 * before it is released, so that a test can check that what a lock
 * protects changes only while it is held.
 */
#include "../kshim.h"

#ifndef KSHIM_SPINLOCK_H
#define KSHIM_SPINLOCK_H
typedef struct {
	bool held;
} spinlock_t;

extern void (*kshim_spin_hook)(spinlock_t *lock, bool taken);

static inline void spin_lock_init(spinlock_t *lock) { lock->held = false; }

static inline void spin_lock(spinlock_t *lock)
{
	WARN_ON(lock->held);
	lock->held = true;
	kshim_atomic++;
	if (kshim_spin_hook)
		kshim_spin_hook(lock, true);
}

static inline void spin_unlock(spinlock_t *lock)
{
	if (kshim_spin_hook)
		kshim_spin_hook(lock, false);
	WARN_ON(!lock->held);
	lock->held = false;
	kshim_atomic--;
}
#endif
