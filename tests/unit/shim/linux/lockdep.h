/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lock checking, as far as the unit tests need it: every lock of the shim
 * (mutex, spinlock, rw_semaphore, the xarray's xa_lock) embeds a struct
 * kshim_lock; each thread keeps the list of the locks it holds, so that
 * lockdep_assert_held() checks that the caller holds the lock, and the
 * order in which lock classes (their init sites) nest is recorded, so
 * that taking two in both orders WARNs, as lockdep would.
 */
#include "../kshim.h"

#ifndef KSHIM_LOCKDEP_H
#define KSHIM_LOCKDEP_H

#define lockdep_assert_held(l)						\
	WARN_ON(!kshim_lock_held(&(l)->dep_map, false))
#define lockdep_assert_held_write(l)					\
	WARN_ON(!kshim_lock_held(&(l)->dep_map, true))
#define lockdep_assert_not_held(l)					\
	WARN_ON(kshim_lock_held(&(l)->dep_map, false))
#endif
