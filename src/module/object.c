// SPDX-License-Identifier: GPL-2.0
/*
 * Object table of an open /dev/hwpt file: IDs, lookup, two-phase creation,
 * destruction that refuses while others depend on an object, and leaf-first
 * teardown on close.
 */
#include <linux/err.h>
#include <linux/slab.h>

#include "hwpt_priv.h"

void hwpt_table_init(struct hwpt_table *t)
{
	xa_init_flags(&t->objects, XA_FLAGS_ALLOC1);
	init_waitqueue_head(&t->destroy_wait);
}

/*
 * First phase of creation: memory and a reserved ID. The object is not
 * visible to lookups until hwpt_object_finalize(), so the creator can fill
 * it in and fail without anyone having seen it.
 */
struct hwpt_object *__hwpt_object_alloc(struct hwpt_table *t, size_t size,
					const struct hwpt_object_type *type)
{
	struct hwpt_object *obj;
	int rc;

	obj = hwpt_inject(NULL, kzalloc(size, GFP_KERNEL_ACCOUNT));
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->type = type;
	refcount_set(&obj->refs, 1);
	rc = hwpt_inject(-ENOMEM, xa_alloc(&t->objects, &obj->id,
					   XA_ZERO_ENTRY, xa_limit_31b,
					   GFP_KERNEL_ACCOUNT));
	if (rc) {
		kfree(obj);
		return ERR_PTR(rc);
	}
	return obj;
}

/* Second phase: publish. Nothing may fail after this. */
void hwpt_object_finalize(struct hwpt_table *t, struct hwpt_object *obj)
{
	void *old;

	/* Only the creator reads it before the store publishes @obj. */
	obj->published = true;
	old = xa_store(&t->objects, obj->id, obj, GFP_KERNEL);
	/* The ID was reserved, so the store needs no memory. */
	WARN_ON(old);
}

/* Undo hwpt_object_alloc() of an object that was never finalized. */
void hwpt_object_abort(struct hwpt_table *t, struct hwpt_object *obj)
{
	xa_erase(&t->objects, obj->id);
	kfree(obj);
}

/*
 * An object that was filled in but never published, say because its reply
 * could not be written: destroy it as if it had been, and free its ID.
 */
void hwpt_object_abort_and_destroy(struct hwpt_table *t,
				   struct hwpt_object *obj)
{
	obj->type->destroy(obj);
	hwpt_object_abort(t, obj);
}

struct hwpt_object *hwpt_object_get(struct hwpt_table *t, u32 id,
				    const struct hwpt_object_type *type)
{
	struct hwpt_object *obj;

	xa_lock(&t->objects);
	obj = xa_load(&t->objects, id);
	if (!obj || (type && obj->type != type))
		obj = ERR_PTR(-ENOENT);
	else
		refcount_inc(&obj->refs);
	xa_unlock(&t->objects);
	return obj;
}

void hwpt_object_put(struct hwpt_table *t, struct hwpt_object *obj)
{
	if (refcount_dec_and_test(&obj->refs))
		wake_up(&t->destroy_wait);
}

/*
 * Make @obj a dependency of another object. The caller holds a reference
 * from hwpt_object_get(), or made @obj and has not published it yet; fails
 * if a destroy has already taken @obj out of the table.
 */
int hwpt_object_add_user(struct hwpt_table *t, struct hwpt_object *obj)
{
	int rc = -ENOENT;

	xa_lock(&t->objects);
	if (!obj->published || xa_load(&t->objects, obj->id) == obj) {
		obj->users++;
		rc = 0;
	}
	xa_unlock(&t->objects);
	return rc;
}

void hwpt_object_drop_user(struct hwpt_table *t, struct hwpt_object *obj)
{
	xa_lock(&t->objects);
	WARN_ON(!obj->users);
	obj->users--;
	xa_unlock(&t->objects);
}

/*
 * A reference on @obj if nothing uses it any more and it is still in the
 * table (whose own reference then keeps the count above zero); NULL if a
 * destroy took it out, or it has users again.
 */
struct hwpt_object *hwpt_object_get_unused(struct hwpt_table *t,
					   struct hwpt_object *obj)
{
	struct hwpt_object *got = NULL;

	xa_lock(&t->objects);
	if (xa_load(&t->objects, obj->id) == obj && !obj->users) {
		refcount_inc(&obj->refs);
		got = obj;
	}
	xa_unlock(&t->objects);
	return got;
}

/*
 * @obj is out of the table: drop the table's reference and wait for the
 * other holders (ioctls, or a remove() about to destroy an orphan) before
 * destroying it.
 */
static void hwpt_object_free(struct hwpt_table *t, struct hwpt_object *obj)
{
	if (!refcount_dec_and_test(&obj->refs))
		wait_event(t->destroy_wait, !refcount_read(&obj->refs));
	obj->type->destroy(obj);
	kfree(obj);
}

/*
 * Destroy @obj, which the caller holds from hwpt_object_get(); the caller's
 * reference is consumed whatever the outcome. -ENOENT if another destroy
 * came first, -EBUSY while other objects depend on it.
 */
int hwpt_object_destroy_held(struct hwpt_table *t, struct hwpt_object *obj)
{
	int rc = 0;

	xa_lock(&t->objects);
	if (xa_load(&t->objects, obj->id) != obj)
		rc = -ENOENT;
	else if (obj->users)
		rc = -EBUSY;
	else
		__xa_erase(&t->objects, obj->id);
	xa_unlock(&t->objects);
	if (rc) {
		hwpt_object_put(t, obj);
		return rc;
	}

	/* Drop our reference, then the table's, waiting for any others. */
	hwpt_object_put(t, obj);
	hwpt_object_free(t, obj);
	return 0;
}

int hwpt_object_destroy(struct hwpt_table *t, u32 id,
			const struct hwpt_object_type *type)
{
	struct hwpt_object *obj = hwpt_object_get(t, id, type);

	if (IS_ERR(obj))
		return PTR_ERR(obj);
	return hwpt_object_destroy_held(t, obj);
}

/*
 * The next object nothing depends on, taken out of the table: whoever
 * erases an object frees it, and a remove() racing the close may be
 * destroying one (an orphaned automatic HWPT) as we go.
 */
static struct hwpt_object *hwpt_table_take_leaf(struct hwpt_table *t)
{
	struct hwpt_object *obj, *leaf = NULL;
	unsigned long id;

	xa_lock(&t->objects);
	xa_for_each(&t->objects, id, obj) {
		if (!obj->users) {
			__xa_erase(&t->objects, id);
			leaf = obj;
			break;
		}
	}
	xa_unlock(&t->objects);
	return leaf;
}

/*
 * On close no ioctl can run any more. Destroy the objects nothing depends
 * on, which releases their parents, until the table is empty.
 */
void hwpt_table_destroy_all(struct hwpt_table *t)
{
	struct hwpt_object *obj;

	while ((obj = hwpt_table_take_leaf(t)))
		hwpt_object_free(t, obj);
	/* A dependency cycle would be a bug: leak rather than free in use. */
	WARN_ON(!xa_empty(&t->objects));
	xa_destroy(&t->objects);
}
