// SPDX-License-Identifier: GPL-2.0
/*
 * Group-aware attach, replace and detach.
 *
 * The IOMMU core attaches groups, userspace attaches devices. The first
 * device of a group to attach attaches the group; later ones join the same
 * HWPT; the last to detach detaches the group, whose DMA is then blocked. A
 * replace moves the whole group, and with it every attached device of the
 * group (the question of seed 000: no device stays behind on the old HWPT).
 * An HWPT's domain stays on its IOAS after its last group leaves: it is
 * removed when the HWPT is destroyed (deferred cleanup).
 *
 * All of it runs under ctx->lock; the core calls also hold domain_rwsem.
 */
#include <linux/err.h>
#include <linux/refcount.h>

#include "group.h"

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
 * once ctx->lock is dropped: return it with a reference for that.
 */
static struct hwpt_pt *hwpt_pt_orphan(struct hwpt_pt *pt)
{
	if (!pt->auto_pt || pt->ngroups)
		return NULL;
	refcount_inc(&pt->obj.refs);
	return pt;
}

static int hwpt_group_set(struct hwpt_group *g, struct hwpt_pt *pt)
{
	int rc;

	rc = hwpt_ioas_add_group_resv(pt->ioas, g);
	if (rc)
		return rc;
	down_write(&g->ctx->domain_rwsem);
	rc = hwpt_compat_attach(g->group, pt->domain, &g->handle);
	up_write(&g->ctx->domain_rwsem);
	if (rc) {
		hwpt_ioas_remove_group_resv(pt->ioas, g);
		return rc;
	}
	g->pt = pt;
	pt->ngroups++;
	return 0;
}

static void hwpt_group_unset(struct hwpt_group *g)
{
	struct hwpt_pt *pt = g->pt;

	down_write(&g->ctx->domain_rwsem);
	hwpt_compat_detach(g->group, pt->domain, &g->handle);
	up_write(&g->ctx->domain_rwsem);
	hwpt_ioas_remove_group_resv(pt->ioas, g);
	g->pt = NULL;
	pt->ngroups--;
}

int hwpt_group_attach(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	struct hwpt_table *t = &dev->ctx->table;
	struct hwpt_group *g = dev->group;
	int rc;

	if (dev->pt)
		return -EBUSY;
	/* One page table per group: moving it is what REPLACE is for. */
	if (g->pt && g->pt != pt)
		return -EINVAL;
	rc = hwpt_object_add_user(t, &pt->obj);
	if (rc)
		return rc;
	if (!g->pt) {
		rc = hwpt_group_set(g, pt);
		if (rc) {
			hwpt_object_drop_user(t, &pt->obj);
			return rc;
		}
	}
	dev->pt = pt;
	return 0;
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
	struct hwpt_device *d;
	bool lost_old = false;
	int rc;

	if (!dev->pt)
		return -EINVAL;
	if (old == pt)
		return 0;
	rc = hwpt_pt_add_users(t, pt, n);
	if (rc)
		return rc;
	if (pt->ioas != old->ioas) {
		rc = hwpt_ioas_add_group_resv(pt->ioas, g);
		if (rc)
			goto drop_users;
	}
	down_write(&g->ctx->domain_rwsem);
	rc = hwpt_compat_replace(g->group, old->domain, pt->domain, &g->handle,
				 &lost_old);
	up_write(&g->ctx->domain_rwsem);
	if (rc) {
		if (pt->ioas != old->ioas)
			hwpt_ioas_remove_group_resv(pt->ioas, g);
		if (lost_old) {
			/* Emulated replace only: be truthful, all detached. */
			list_for_each_entry(d, &g->devices, group_item) {
				if (d->pt) {
					d->pt = NULL;
					hwpt_object_drop_user(t, &old->obj);
				}
			}
			hwpt_ioas_remove_group_resv(old->ioas, g);
			g->pt = NULL;
			old->ngroups--;
			*orphan = hwpt_pt_orphan(old);
		}
		goto drop_users;
	}

	if (pt->ioas != old->ioas)
		hwpt_ioas_remove_group_resv(old->ioas, g);
	list_for_each_entry(d, &g->devices, group_item) {
		if (d->pt) {
			d->pt = pt;
			hwpt_object_drop_user(t, &old->obj);
		}
	}
	g->pt = pt;
	old->ngroups--;
	pt->ngroups++;
	*orphan = hwpt_pt_orphan(old);
	return n;

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

	dev->pt = NULL;
	if (!hwpt_group_attached(g))
		hwpt_group_unset(g);
	hwpt_object_drop_user(&dev->ctx->table, &pt->obj);
	return hwpt_pt_orphan(pt);
}
