// SPDX-License-Identifier: GPL-2.0
/*
 * Groups: group-aware attach, replace and detach.
 *
 * The IOMMU core attaches groups, userspace attaches devices. The first
 * device of a group to attach attaches the group; later ones join the same
 * HWPT; the last to detach detaches the group, whose DMA is then blocked. A
 * replace moves the whole group, and with it every attached device of the
 * group: no device of it stays behind on the old HWPT. An HWPT's domain
 * stays on its IOAS after its last group leaves: it is removed when the
 * HWPT is destroyed (deferred cleanup).
 *
 * All of it runs under ctx->lock; the core calls also hold domain_rwsem.
 */
#include <linux/err.h>
#include <linux/iommu.h>
#include <linux/refcount.h>
#include <linux/slab.h>

#include "hwpt_priv.h"

/* The group of @group in @ctx, made on its first device's bind. */
struct hwpt_group *hwpt_group_get(struct hwpt_ctx *ctx,
				  struct iommu_group *group)
{
	unsigned long id = iommu_group_id(group);
	struct hwpt_group *g;
	int rc;

	lockdep_assert_held(&ctx->lock);
	g = xa_load(&ctx->groups, id);
	if (g)
		return g;
	g = hwpt_inject(NULL, kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT));
	if (!g)
		return ERR_PTR(-ENOMEM);
	g->ctx = ctx;
	g->group = group;
	INIT_LIST_HEAD(&g->devices);
	INIT_LIST_HEAD(&g->retired);
	rc = hwpt_inject(-ENOMEM, xa_err(xa_store(&ctx->groups, id, g,
						  GFP_KERNEL_ACCOUNT)));
	if (rc) {
		kfree(g);
		return ERR_PTR(rc);
	}
	iommu_group_ref_get(group);
	return g;
}

/* The last device of @g has left hwpt: so does the group. */
void hwpt_group_put_if_empty(struct hwpt_group *g)
{
	lockdep_assert_held(&g->ctx->lock);
	if (!list_empty(&g->devices))
		return;
	hwpt_attach_free_retired(g);
	xa_erase(&g->ctx->groups, iommu_group_id(g->group));
	iommu_group_put(g->group);
	kfree(g);
}

static unsigned int hwpt_group_attached(struct hwpt_group *g)
{
	struct hwpt_device *dev;
	unsigned int n = 0;

	list_for_each_entry(dev, &g->devices, group_item)
		n += !!dev->pt;
	return n;
}

/* @n more devices on @pt; fails if @pt is being destroyed. */
static int hwpt_pt_add_users(struct hwpt_table *t, struct hwpt_pt *pt,
			     unsigned int n)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = hwpt_object_add_user(t, &pt->obj);
		if (rc)
			goto undo;
	}
	return 0;
undo:
	while (i--)
		hwpt_object_drop_user(t, &pt->obj);
	return rc;
}

/*
 * An automatic HWPT that no group uses any more is destroyed by the caller
 * once ctx->lock is dropped: return it with a reference for that, taken
 * through the table (a DESTROY of its ID may have come first).
 */
static struct hwpt_pt *hwpt_pt_orphan(struct hwpt_pt *pt)
{
	if (!pt->auto_pt || pt->ngroups ||
	    !hwpt_object_get_unused(&pt->ctx->table, &pt->obj))
		return NULL;
	return pt;
}

/* Undo hwpt_device_iopf_on() for @g's attached devices before @stop. */
static void hwpt_group_iopf_off(struct hwpt_group *g, struct hwpt_pt *pt,
				struct hwpt_device *stop)
{
	struct hwpt_device *d;

	list_for_each_entry(d, &g->devices, group_item) {
		if (d == stop)
			break;
		if (d->pt)
			hwpt_device_iopf_off(d, pt);
	}
}

/* hwpt_device_iopf_on() for every attached device of @g, or none. */
static int hwpt_group_iopf_on(struct hwpt_group *g, struct hwpt_pt *pt)
{
	struct hwpt_device *d;
	int rc;

	list_for_each_entry(d, &g->devices, group_item) {
		if (!d->pt)
			continue;
		rc = hwpt_device_iopf_on(d, pt);
		if (rc) {
			hwpt_group_iopf_off(g, pt, d);
			return rc;
		}
	}
	return 0;
}

/* A new attachment of @g to @pt, with @dev, or every attached device. */
static struct hwpt_attach *hwpt_group_new_attach(struct hwpt_group *g,
						 struct hwpt_pt *pt,
						 struct hwpt_device *dev)
{
	struct hwpt_attach *att = hwpt_attach_alloc(g, pt);
	struct hwpt_device *d;
	int rc = 0;

	if (!att)
		return ERR_PTR(-ENOMEM);
	if (dev)
		rc = hwpt_fault_join(att, dev);
	else
		list_for_each_entry(d, &g->devices, group_item)
			if (d->pt && !rc)
				rc = hwpt_fault_join(att, d);
	if (rc) {
		hwpt_attach_release(att);
		return ERR_PTR(rc);
	}
	return att;
}

/* The first device of @g attaches the group to @pt. */
static int hwpt_group_set(struct hwpt_group *g, struct hwpt_pt *pt,
			  struct hwpt_device *dev)
{
	struct hwpt_attach *att;
	int rc;

	lockdep_assert_held(&g->ctx->lock);
	att = hwpt_group_new_attach(g, pt, dev);
	if (IS_ERR(att))
		return PTR_ERR(att);
	rc = hwpt_ioas_add_group_resv(pt->ioas, g);
	if (rc)
		goto err_release;
	down_write(&g->ctx->domain_rwsem);
	rc = hwpt_compat_attach(g, att);
	up_write(&g->ctx->domain_rwsem);
	if (rc)
		goto err_resv;
	g->pt = pt;
	g->att = att;
	pt->ngroups++;
	return 0;

err_resv:
	hwpt_ioas_remove_group_resv(pt->ioas, g);
err_release:
	/* The core may have shown it to a fault for a moment. */
	hwpt_attach_release(att);
	return rc;
}

/* The last attached device of @g detaches it: DMA is blocked. */
static void hwpt_group_unset(struct hwpt_group *g)
{
	struct hwpt_pt *pt = g->pt;

	lockdep_assert_held(&g->ctx->lock);
	down_write(&g->ctx->domain_rwsem);
	hwpt_compat_detach(g, g->att);
	up_write(&g->ctx->domain_rwsem);
	hwpt_attach_release(g->att);
	hwpt_ioas_remove_group_resv(pt->ioas, g);
	g->att = NULL;
	g->pt = NULL;
	pt->ngroups--;
}

int hwpt_group_attach(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	struct hwpt_table *t = &dev->ctx->table;
	struct hwpt_group *g = dev->group;
	int rc;

	lockdep_assert_held(&dev->ctx->lock);
	if (dev->pt)
		return -EBUSY;
	/* One page table per group: moving it is what REPLACE is for. */
	if (g->pt && g->pt != pt)
		return -EINVAL;
	rc = hwpt_object_add_user(t, &pt->obj);
	if (rc)
		return rc;
	rc = hwpt_device_iopf_on(dev, pt);
	if (rc)
		goto err_user;
	if (g->pt)
		rc = hwpt_fault_join(g->att, dev);
	else
		rc = hwpt_group_set(g, pt, dev);
	if (rc)
		goto err_iopf;
	dev->pt = pt;
	return 0;

err_iopf:
	hwpt_device_iopf_off(dev, pt);
err_user:
	hwpt_object_drop_user(t, &pt->obj);
	return rc;
}

/*
 * An emulated replace failed and could not put the old domain back: the
 * group is blocked, and every device is reported detached, truthfully.
 */
static void hwpt_group_lost(struct hwpt_group *g, struct hwpt_pt **orphan)
{
	struct hwpt_table *t = &g->ctx->table;
	struct hwpt_pt *old = g->pt;
	struct hwpt_device *d;

	lockdep_assert_held(&g->ctx->lock);
	hwpt_attach_release(g->att);
	g->att = NULL;
	hwpt_group_iopf_off(g, old, NULL);
	hwpt_ioas_remove_group_resv(old->ioas, g);
	g->pt = NULL;
	old->ngroups--;
	list_for_each_entry(d, &g->devices, group_item) {
		if (d->pt) {
			d->pt = NULL;
			hwpt_object_drop_user(t, &old->obj);
		}
	}
	if (!WARN_ON(*orphan))
		*orphan = hwpt_pt_orphan(old);
}

/*
 * The whole group goes to @pt, and every attached device with it. On
 * failure the core has put the old domain back, and so do we: nothing
 * changed. Returns the number of devices moved, or an error; *orphan gets
 * the old HWPT if it was automatic and is now unused.
 */
int hwpt_group_replace(struct hwpt_device *dev, struct hwpt_pt *pt,
		       struct hwpt_pt **orphan)
{
	struct hwpt_table *t = &dev->ctx->table;
	struct hwpt_group *g = dev->group;
	struct hwpt_pt *old = g->pt;
	unsigned int n = hwpt_group_attached(g);
	struct hwpt_attach *att;
	struct hwpt_device *d;
	bool lost_old = false;
	int rc;

	lockdep_assert_held(&dev->ctx->lock);
	if (!dev->pt)
		return -EINVAL;
	if (old == pt)
		return 0;
	rc = hwpt_pt_add_users(t, pt, n);
	if (rc)
		return rc;
	rc = hwpt_group_iopf_on(g, pt);
	if (rc)
		goto drop_users;
	att = hwpt_group_new_attach(g, pt, NULL);
	if (IS_ERR(att)) {
		rc = PTR_ERR(att);
		goto iopf_off;
	}
	if (pt->ioas != old->ioas) {
		rc = hwpt_ioas_add_group_resv(pt->ioas, g);
		if (rc)
			goto release;
	}
	down_write(&g->ctx->domain_rwsem);
	rc = hwpt_compat_replace(g, g->att, att, &lost_old);
	up_write(&g->ctx->domain_rwsem);
	if (rc) {
		if (pt->ioas != old->ioas)
			hwpt_ioas_remove_group_resv(pt->ioas, g);
		goto release;
	}

	/* Faults that came through the old attachment are answered now. */
	hwpt_attach_release(g->att);
	hwpt_group_iopf_off(g, old, NULL);
	if (pt->ioas != old->ioas)
		hwpt_ioas_remove_group_resv(old->ioas, g);
	list_for_each_entry(d, &g->devices, group_item) {
		if (d->pt) {
			d->pt = pt;
			hwpt_object_drop_user(t, &old->obj);
		}
	}
	g->pt = pt;
	g->att = att;
	old->ngroups--;
	pt->ngroups++;
	if (!WARN_ON(*orphan))
		*orphan = hwpt_pt_orphan(old);
	return n;

release:
	hwpt_attach_release(att);
iopf_off:
	hwpt_group_iopf_off(g, pt, NULL);
	if (lost_old)
		hwpt_group_lost(g, orphan);
drop_users:
	while (n--)
		hwpt_object_drop_user(t, &pt->obj);
	return rc;
}

/* Returns the HWPT left if it was automatic and is now unused. */
struct hwpt_pt *hwpt_group_detach(struct hwpt_device *dev)
{
	struct hwpt_group *g = dev->group;
	struct hwpt_pt *pt = dev->pt;

	lockdep_assert_held(&dev->ctx->lock);
	dev->pt = NULL;
	if (hwpt_group_attached(g))
		hwpt_fault_leave(g->att, dev);
	else
		hwpt_group_unset(g);
	hwpt_device_iopf_off(dev, pt);
	hwpt_object_drop_user(&dev->ctx->table, &pt->obj);
	return hwpt_pt_orphan(pt);
}
