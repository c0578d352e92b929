/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The object table of one open /dev/hwpt file.
 *
 * Pure logic: this file and object.c build in the kernel and, for the unit
 * tests, in userspace against tests/unit/shim.
 */
#ifndef HWPT_OBJECT_H
#define HWPT_OBJECT_H

#include <linux/types.h>
#include <linux/refcount.h>
#include <linux/wait.h>
#include <linux/xarray.h>

struct hwpt_object;

/* One per kind of object: what it is called and how it is torn down. */
struct hwpt_object_type {
	const char *name;
	/*
	 * Releases what the object holds, including its users references on
	 * other objects. Called once no ioctl can reach the object; the
	 * object's memory is freed by the table afterwards.
	 */
	void (*destroy)(struct hwpt_object *obj);
};

/*
 * References: the table holds one reference in @refs while the object is
 * in it, and every ioctl that looked the object up holds one more until it
 * calls hwpt_object_put(). @users counts the objects that depend on this
 * one (an HWPT on its IOAS, say); an object with users cannot be destroyed,
 * which is what makes teardown leaf first.
 */
struct hwpt_object {
	const struct hwpt_object_type *type;
	u32 id;
	unsigned int users;		/* under the table's xa_lock */
	refcount_t refs;
};

/*
 * @objects maps IDs (from 1) to objects; its xa_lock also protects every
 * object's @users. A reserved but not yet finalized ID holds XA_ZERO_ENTRY,
 * which lookups do not see.
 */
struct hwpt_table {
	struct xarray objects;
	wait_queue_head_t destroy_wait;	/* destroyers wait for refs here */
};

void hwpt_table_init(struct hwpt_table *t);
void hwpt_table_destroy_all(struct hwpt_table *t);

struct hwpt_object *__hwpt_object_alloc(struct hwpt_table *t,
					size_t size,
					const struct hwpt_object_type *type);
/* Allocate a struct @type_t whose struct hwpt_object is named obj. */
#define hwpt_object_alloc(t, type_t, objtype)                               \
	container_of_or_err(__hwpt_object_alloc(t, sizeof(type_t), objtype), \
			    type_t, obj)
void hwpt_object_finalize(struct hwpt_table *t, struct hwpt_object *obj);
void hwpt_object_abort(struct hwpt_table *t, struct hwpt_object *obj);

struct hwpt_object *hwpt_object_get(struct hwpt_table *t, u32 id,
				    const struct hwpt_object_type *type);
void hwpt_object_put(struct hwpt_table *t, struct hwpt_object *obj);
int hwpt_object_add_user(struct hwpt_table *t, struct hwpt_object *obj);
void hwpt_object_drop_user(struct hwpt_table *t,
			   struct hwpt_object *obj);
int hwpt_object_destroy(struct hwpt_table *t, u32 id,
			const struct hwpt_object_type *type);
int hwpt_object_destroy_held(struct hwpt_table *t, struct hwpt_object *obj);

/* container_of() that passes an ERR_PTR through unchanged. */
#define container_of_or_err(ptr, type_t, member)                       \
	({                                                             \
		struct hwpt_object *__o = (ptr);                       \
		IS_ERR(__o) ? ERR_CAST(__o) :                          \
			      container_of(__o, type_t, member);       \
	})

#endif /* HWPT_OBJECT_H */
