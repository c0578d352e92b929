// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the shim's lock checking (shim/kshim.c): the unit tier
 * trusts it to catch a missing lock, a lock taken twice and locks taken in
 * both orders, so each must really WARN.
 */
#include "harness.h"

#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/slab.h>

/* The WARNs @body gives, counted. */
#define WARNS(body) ({ int __w = kshim_warnings; body; kshim_warnings - __w; })

TEST(assert_held_sees_the_holder)
{
	struct mutex m;
	spinlock_t s;
	struct rw_semaphore r;

	mutex_init(&m);
	spin_lock_init(&s);
	init_rwsem(&r);
	ASSERT_EQ(1, WARNS(lockdep_assert_held(&m)));
	mutex_lock(&m);
	ASSERT_EQ(0, WARNS(lockdep_assert_held(&m)));
	ASSERT_EQ(1, WARNS(lockdep_assert_not_held(&m)));
	mutex_unlock(&m);
	ASSERT_EQ(1, WARNS(lockdep_assert_held(&m)));

	spin_lock(&s);
	ASSERT_EQ(0, WARNS(lockdep_assert_held(&s)));
	spin_unlock(&s);

	down_read(&r);
	ASSERT_EQ(0, WARNS(lockdep_assert_held(&r)));
	ASSERT_EQ(1, WARNS(lockdep_assert_held_write(&r)));
	up_read(&r);
	down_write(&r);
	ASSERT_EQ(0, WARNS(lockdep_assert_held_write(&r)));
	up_write(&r);
}

TEST(taking_a_held_lock_or_releasing_a_free_one_warns)
{
	struct mutex m;

	mutex_init(&m);
	mutex_lock(&m);
	ASSERT_LE(1, WARNS(mutex_lock(&m)));
	mutex_unlock(&m);
	mutex_unlock(&m);
	ASSERT_EQ(1, WARNS(mutex_unlock(&m)));
	ASSERT_EQ(0, kshim_atomic);
}

TEST(both_orders_of_two_classes_warn)
{
	struct mutex a, b;

	mutex_init(&a);
	mutex_init(&b);
	mutex_lock(&a);
	ASSERT_EQ(0, WARNS(mutex_lock(&b)));
	mutex_unlock(&b);
	mutex_unlock(&a);
	/* Again in the same order: fine. */
	mutex_lock(&a);
	ASSERT_EQ(0, WARNS(mutex_lock(&b)));
	mutex_unlock(&b);
	mutex_unlock(&a);
	mutex_lock(&b);
	ASSERT_EQ(1, WARNS(mutex_lock(&a)));
	mutex_unlock(&a);
	mutex_unlock(&b);
}

TEST(sleeping_under_a_spinlock_warns)
{
	spinlock_t s;
	struct mutex m;
	void *p;

	spin_lock_init(&s);
	mutex_init(&m);
	spin_lock(&s);
	ASSERT_EQ(1, kshim_atomic);
	ASSERT_EQ(1, WARNS(p = kzalloc(8, GFP_KERNEL)));
	kfree(p);
	ASSERT_LE(1, WARNS(mutex_lock(&m)));
	mutex_unlock(&m);
	spin_unlock(&s);
	ASSERT_EQ(0, kshim_atomic);
}

TEST_HARNESS_MAIN
