// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the object table (src/module/object.c). */
#include "harness.h"
#include "hwpt_priv.h"

/* The module's fault injection, driven by the tests: fail the Nth point. */
static int fail_nth;

bool hwpt_should_fail(void)
{
	return fail_nth > 0 && --fail_nth == 0;
}

/* A test object records its destruction, in order. */
struct tobj {
	struct hwpt_object obj;
	struct tobj *parent;
	struct hwpt_table *t;
};

static u32 destroyed[64];
static int ndestroyed;

static void tobj_destroy(struct hwpt_object *obj)
{
	struct tobj *o = container_of(obj, struct tobj, obj);

	destroyed[ndestroyed++] = obj->id;
	if (o->parent)
		hwpt_object_drop_user(o->t, &o->parent->obj);
}

static const struct hwpt_object_type tobj_type = {
	.name = "test", .destroy = tobj_destroy,
};
static const struct hwpt_object_type other_type = {
	.name = "other", .destroy = tobj_destroy,
};

static struct tobj *new_obj(struct hwpt_table *t, struct tobj *parent)
{
	struct tobj *o = hwpt_object_alloc(t, struct tobj, &tobj_type);

	if (IS_ERR(o))
		return o;
	o->t = t;
	if (parent) {
		if (hwpt_object_add_user(t, &parent->obj)) {
			hwpt_object_abort(t, &o->obj);
			return ERR_PTR(-ENOENT);
		}
		o->parent = parent;
	}
	hwpt_object_finalize(t, &o->obj);
	return o;
}

FIXTURE(table) {
	struct hwpt_table t;
};

FIXTURE_SETUP(table)
{
	hwpt_table_init(&self->t);
	ndestroyed = 0;
	kshim_warnings = 0;
	kshim_wait_hook = NULL;
	fail_nth = 0;
}

FIXTURE_TEARDOWN(table)
{
	hwpt_table_destroy_all(&self->t);
	ASSERT_EQ(0, kshim_warnings);
}

TEST_F(table, ids_start_at_one_and_are_reused)
{
	struct tobj *a = new_obj(&self->t, NULL);
	struct tobj *b = new_obj(&self->t, NULL);
	struct tobj *c = new_obj(&self->t, NULL);

	ASSERT_EQ(1, a->obj.id);
	ASSERT_EQ(2, b->obj.id);
	ASSERT_EQ(3, c->obj.id);
	ASSERT_EQ(0, hwpt_object_destroy(&self->t, 2, NULL));
	ASSERT_EQ(2, new_obj(&self->t, NULL)->obj.id);
	ASSERT_EQ(4, new_obj(&self->t, NULL)->obj.id);
}

TEST_F(table, unfinalized_object_is_invisible)
{
	struct tobj *o = hwpt_object_alloc(&self->t, struct tobj, &tobj_type);

	ASSERT_FALSE(IS_ERR(o));
	ASSERT_EQ(1, o->obj.id);
	ASSERT_EQ(-ENOENT, PTR_ERR(hwpt_object_get(&self->t, 1, NULL)));
	ASSERT_EQ(-ENOENT, hwpt_object_destroy(&self->t, 1, NULL));
	/* A reserved ID is not handed out twice. */
	ASSERT_EQ(2, new_obj(&self->t, NULL)->obj.id);
	hwpt_object_abort(&self->t, &o->obj);
	ASSERT_EQ(0, ndestroyed);
	ASSERT_EQ(1, new_obj(&self->t, NULL)->obj.id);
}

TEST_F(table, get_checks_id_and_type)
{
	struct tobj *o = new_obj(&self->t, NULL);
	struct hwpt_object *got;

	ASSERT_EQ(-ENOENT, PTR_ERR(hwpt_object_get(&self->t, 0, NULL)));
	ASSERT_EQ(-ENOENT, PTR_ERR(hwpt_object_get(&self->t, 2, NULL)));
	ASSERT_EQ(-ENOENT, PTR_ERR(hwpt_object_get(&self->t, UINT32_MAX, NULL)));
	ASSERT_EQ(-ENOENT,
		  PTR_ERR(hwpt_object_get(&self->t, 1, &other_type)));
	ASSERT_EQ(-ENOENT, hwpt_object_destroy(&self->t, 1, &other_type));
	got = hwpt_object_get(&self->t, 1, &tobj_type);
	ASSERT_TRUE(got == &o->obj);
	ASSERT_EQ(2, refcount_read(&got->refs));
	hwpt_object_put(&self->t, got);
	ASSERT_EQ(1, refcount_read(&o->obj.refs));
}

TEST_F(table, destroy_is_busy_while_another_object_depends)
{
	struct tobj *ioas = new_obj(&self->t, NULL);
	struct tobj *hwpt = new_obj(&self->t, ioas);

	ASSERT_EQ(1, ioas->obj.users);
	ASSERT_EQ(-EBUSY, hwpt_object_destroy(&self->t, ioas->obj.id, NULL));
	ASSERT_EQ(0, ndestroyed);
	ASSERT_EQ(0, hwpt_object_destroy(&self->t, hwpt->obj.id, NULL));
	ASSERT_EQ(0, ioas->obj.users);
	ASSERT_EQ(0, hwpt_object_destroy(&self->t, ioas->obj.id, NULL));
	ASSERT_EQ(2, ndestroyed);
	ASSERT_EQ(-ENOENT, hwpt_object_destroy(&self->t, 1, NULL));
}

TEST_F(table, close_destroys_leaf_first)
{
	struct tobj *a, *b, *c, *d;
	int pos[6] = { 0 };

	/* A chain: IDs ascend from root to leaf, against iteration order. */
	a = new_obj(&self->t, NULL);
	b = new_obj(&self->t, a);
	c = new_obj(&self->t, b);
	d = new_obj(&self->t, c);
	ASSERT_EQ(4, d->obj.id);
	new_obj(&self->t, NULL);
	hwpt_table_destroy_all(&self->t);
	ASSERT_EQ(5, ndestroyed);
	/* Each parent goes only after its child. */
	for (int i = 0; i < ndestroyed; i++)
		pos[destroyed[i]] = i;
	ASSERT_LT(pos[4], pos[3]);
	ASSERT_LT(pos[3], pos[2]);
	ASSERT_LT(pos[2], pos[1]);
	ASSERT_TRUE(xa_empty(&self->t.objects));
	hwpt_table_init(&self->t);
}

static struct hwpt_table *hook_table;
static struct hwpt_object *hook_obj;
static int hook_add_user_rc;
static int hook_destroyed_before;

/* Stands in for an ioctl that still uses the object while it is destroyed. */
static void finish_other_ioctl(void)
{
	hook_add_user_rc = hwpt_object_add_user(hook_table, hook_obj);
	hook_destroyed_before = ndestroyed;
	hwpt_object_put(hook_table, hook_obj);
}

TEST_F(table, destroy_waits_for_ioctls_and_refuses_new_users)
{
	struct tobj *o = new_obj(&self->t, NULL);

	hook_table = &self->t;
	hook_obj = hwpt_object_get(&self->t, o->obj.id, &tobj_type);
	ASSERT_TRUE(hook_obj == &o->obj);
	kshim_wait_hook = finish_other_ioctl;
	ASSERT_EQ(0, hwpt_object_destroy(&self->t, 1, NULL));
	/* While the destroy waited: no new user, and not yet destroyed. */
	ASSERT_EQ(-ENOENT, hook_add_user_rc);
	ASSERT_EQ(0, hook_destroyed_before);
	ASSERT_EQ(1, ndestroyed);
	ASSERT_EQ(-ENOENT, PTR_ERR(hwpt_object_get(&self->t, 1, NULL)));
}

/* Fail the 1st, 2nd, ... failure point until the allocation succeeds. */
TEST_F(table, every_failed_alloc_changes_nothing)
{
	struct tobj *o;
	int n;

	new_obj(&self->t, NULL);
	for (n = 1;; n++) {
		fail_nth = n;
		o = hwpt_object_alloc(&self->t, struct tobj, &tobj_type);
		if (!IS_ERR(o))
			break;
		ASSERT_EQ(-ENOMEM, PTR_ERR(o));
		ASSERT_EQ(-ENOENT, PTR_ERR(hwpt_object_get(&self->t, 2, NULL)));
	}
	fail_nth = 0;
	ASSERT_EQ(3, n);	/* memory, then the ID */
	ASSERT_EQ(2, o->obj.id);
	hwpt_object_abort(&self->t, &o->obj);
	ASSERT_EQ(2, new_obj(&self->t, NULL)->obj.id);
	ASSERT_EQ(0, ndestroyed);
}

TEST_F(table, destroy_held_consumes_the_reference_whatever_happens)
{
	struct tobj *parent = new_obj(&self->t, NULL);
	struct hwpt_object *obj;

	new_obj(&self->t, parent);
	obj = hwpt_object_get(&self->t, parent->obj.id, NULL);
	ASSERT_EQ(-EBUSY, hwpt_object_destroy_held(&self->t, obj));
	ASSERT_EQ(1, refcount_read(&parent->obj.refs));
	ASSERT_EQ(0, hwpt_object_destroy(&self->t, 2, NULL));
	obj = hwpt_object_get(&self->t, parent->obj.id, NULL);
	ASSERT_EQ(0, hwpt_object_destroy_held(&self->t, obj));
	ASSERT_EQ(2, ndestroyed);
}

TEST_F(table, failed_creation_after_add_user_unwinds)
{
	struct tobj *parent = new_obj(&self->t, NULL);
	struct tobj *o = hwpt_object_alloc(&self->t, struct tobj, &tobj_type);

	ASSERT_EQ(0, hwpt_object_add_user(&self->t, &parent->obj));
	/* The creator fails later: it unwinds in reverse and aborts. */
	hwpt_object_drop_user(&self->t, &parent->obj);
	hwpt_object_abort(&self->t, &o->obj);
	ASSERT_EQ(0, parent->obj.users);
	ASSERT_EQ(0, hwpt_object_destroy(&self->t, parent->obj.id, NULL));
}

TEST_HARNESS_MAIN
