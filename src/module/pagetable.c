// SPDX-License-Identifier: GPL-2.0
/*
 * HWPTs: paging domains that mirror an IOAS. A domain is filled with every
 * mapping of its IOAS before it is published, and leaves the IOAS only when
 * the HWPT is destroyed, never on detach.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "hwpt_priv.h"
#include "vendor/vendor.h"

/* The object an HWPT holds as a user: its parent if nested, else its IOAS. */
static struct hwpt_object *hwpt_pt_base(struct hwpt_pt *pt)
{
	return pt->parent ? &pt->parent->obj : &pt->ioas->obj;
}

void hwpt_domain_put(struct hwpt_domain_ref *dref)
{
	if (!refcount_dec_and_test(&dref->refs))
		return;
	/* A nested domain goes before its parent's. */
	iommu_domain_free(dref->domain);
	if (dref->parent)
		hwpt_domain_put(dref->parent);
	kfree(dref);
}

/* Take @pt's domain off its IOAS; under ctx->lock. */
static void hwpt_pt_remove_domain(struct hwpt_pt *pt)
{
	lockdep_assert_held(&pt->ctx->lock);
	/* No device holds it, so no group is attached. */
	WARN_ON(pt->ngroups);
	if (!list_empty(&pt->ioas_item))
		hwpt_ioas_remove_domain(pt->ioas, pt);
}

/* What hwpt_pt_begin() and hwpt_pt_set_domain() took. */
static void hwpt_pt_release(struct hwpt_pt *pt)
{
	struct hwpt_table *t = &pt->ctx->table;

	if (pt->dref)
		hwpt_domain_put(pt->dref);
	if (pt->fault)
		hwpt_object_drop_user(t, pt->fault);
	hwpt_object_drop_user(t, hwpt_pt_base(pt));
}

static void hwpt_pt_destroy(struct hwpt_object *obj)
{
	struct hwpt_pt *pt = container_of(obj, struct hwpt_pt, obj);

	mutex_lock(&pt->ctx->lock);
	hwpt_pt_remove_domain(pt);
	mutex_unlock(&pt->ctx->lock);
	hwpt_pt_release(pt);
}

/* Undo hwpt_pt_create() of an HWPT never published; under ctx->lock. */
void hwpt_pt_abort(struct hwpt_pt *pt)
{
	hwpt_pt_remove_domain(pt);
	hwpt_pt_release(pt);
	hwpt_object_abort(&pt->ctx->table, &pt->obj);
}

const struct hwpt_object_type hwpt_pt_type = {
	.name = "hwpt",
	.destroy = hwpt_pt_destroy,
};

/*
 * First phase of a new HWPT: the object, holding @base (its IOAS, or the
 * parent of a nested HWPT) and @fault (a fault queue object, or NULL).
 */
static struct hwpt_pt *hwpt_pt_begin(struct hwpt_ctx *ctx,
				     struct hwpt_object *base,
				     struct hwpt_device *dev,
				     struct hwpt_object *fault)
{
	struct hwpt_table *t = &ctx->table;
	struct hwpt_pt *pt;
	int rc;

	pt = hwpt_object_alloc(t, struct hwpt_pt, &hwpt_pt_type);
	if (IS_ERR(pt))
		return pt;
	pt->ctx = ctx;
	INIT_LIST_HEAD(&pt->ioas_item);
	pt->vendor = dev->vendor;
	rc = hwpt_object_add_user(t, base);
	if (rc)
		goto err_abort;
	if (fault) {
		rc = hwpt_object_add_user(t, fault);
		if (rc)
			goto err_base;
		pt->fault = fault;
		pt->fq = hwpt_fault_queue_of(fault);
	}
	return pt;

err_base:
	hwpt_object_drop_user(t, base);
err_abort:
	hwpt_object_abort(t, &pt->obj);
	return ERR_PTR(rc);
}

/* Undo hwpt_pt_begin() and hwpt_pt_set_domain(), before any mapping. */
static struct hwpt_pt *hwpt_pt_unwind(struct hwpt_pt *pt, int rc)
{
	hwpt_pt_release(pt);
	hwpt_object_abort(&pt->ctx->table, &pt->obj);
	return ERR_PTR(rc);
}

/*
 * Give @pt its new @domain, unless allocating it failed. A fault-capable
 * HWPT's domain gets hwpt's page request handler before any attach (the
 * core routes page requests by it), whatever the device it is allocated
 * through, so that every device attached later has its requests reach the
 * queue. Only with fault injection on does an HWPT allocated through a
 * device without page requests go without it: it takes injected faults
 * only, and no device with page requests may attach to it.
 */
static int hwpt_pt_set_domain(struct hwpt_pt *pt, struct hwpt_device *dev,
			      struct iommu_domain *domain)
{
	struct hwpt_domain_ref *dref;

	if (IS_ERR(domain))
		return PTR_ERR(domain);
	dref = hwpt_inject(NULL, kzalloc(sizeof(*dref), GFP_KERNEL_ACCOUNT));
	if (!dref) {
		iommu_domain_free(domain);
		return -ENOMEM;
	}
	refcount_set(&dref->refs, 1);
	dref->domain = domain;
	if (pt->parent) {
		refcount_inc(&pt->parent->dref->refs);
		dref->parent = pt->parent->dref;
	}
	if (pt->fault && hwpt_compat_kernel_iopf() &&
	    (dev->iopf_capable || !hwpt_inject_enabled()))
		hwpt_domain_set_fault_handler(domain);
	pt->domain = domain;
	pt->dref = dref;
	return 0;
}

/*
 * A new HWPT on @ioas with a domain for @dev's IOMMU, filled but not
 * published; fault-capable if @fault (a fault queue object) is given.
 * Under ctx->lock, which guards the IOAS's list of HWPTs with its own lock.
 */
struct hwpt_pt *hwpt_pt_create(struct hwpt_ctx *ctx, struct hwpt_ioas *ioas,
			       struct hwpt_device *dev,
			       struct hwpt_object *fault, u32 flags)
{
	struct device *d = &dev->pdev->dev;
	struct iommu_domain *domain;
	struct hwpt_pt *pt;
	int rc;

	lockdep_assert_held(&ctx->lock);
	pt = hwpt_pt_begin(ctx, &ioas->obj, dev, fault);
	if (IS_ERR(pt))
		return pt;
	pt->ioas = ioas;
	pt->auto_pt = flags & HWPT_PT_AUTO;
	pt->coherent = flags & HWPT_HWPT_ALLOC_ENFORCE_COHERENCY;
	pt->nest_parent = flags & HWPT_HWPT_ALLOC_NEST_PARENT;
	if (pt->nest_parent)
		domain = hwpt_compat_nest_parent_alloc(d);
	else
		domain = hwpt_compat_domain_alloc(d);
	rc = hwpt_pt_set_domain(pt, dev, domain);
	if (rc)
		return hwpt_pt_unwind(pt, rc);
	/* Before any mapping: drivers set the PTE bits at map time. */
	if (pt->coherent &&
	    (!pt->domain->ops->enforce_cache_coherency ||
	     !pt->domain->ops->enforce_cache_coherency(pt->domain))) {
		pr_info_ratelimited("%s: its IOMMU cannot enforce cache coherency\n",
				    pci_name(dev->pdev));
		return hwpt_pt_unwind(pt, -EOPNOTSUPP);
	}
	rc = hwpt_ioas_add_domain(ioas, pt);
	if (rc)
		return hwpt_pt_unwind(pt, rc);
	return pt;
}

/*
 * A new nested HWPT in @parent, for @dev's IOMMU, from the user's driver
 * data; not published. It maps nothing itself: its IOAS is the parent's.
 */
static struct hwpt_pt *hwpt_pt_create_nested(struct hwpt_ctx *ctx,
					     struct hwpt_pt *parent,
					     struct hwpt_device *dev,
					     struct hwpt_object *fault,
					     const struct hwpt_hwpt_alloc *cmd)
{
	void __user *data = u64_to_user_ptr(cmd->data_uptr);
	struct iommu_domain *domain;
	struct hwpt_pt *pt;
	int rc;

	lockdep_assert_held(&ctx->lock);
	pt = hwpt_pt_begin(ctx, &parent->obj, dev, fault);
	if (IS_ERR(pt))
		return pt;
	pt->parent = parent;
	pt->ioas = parent->ioas;
	pt->coherent = parent->coherent;
	domain = hwpt_compat_nested_alloc(&dev->pdev->dev, parent->domain,
					  cmd->data_type, data, cmd->data_len);
	rc = hwpt_pt_set_domain(pt, dev, domain);
	if (rc)
		return hwpt_pt_unwind(pt, rc);
	return pt;
}

/* Destroy an automatic HWPT left unused, unless someone took it meanwhile. */
void hwpt_pt_put_orphan(struct hwpt_ctx *ctx, struct hwpt_pt *orphan)
{
	if (orphan)
		hwpt_object_destroy_held(&ctx->table, &orphan->obj);
}

/*
 * HWPT_ALLOC's checks that need no object, in iommufd's order. Nesting is
 * refused where the vendor shim says the driver has none for a module.
 */
static int hwpt_pt_alloc_check(const struct hwpt_hwpt_alloc *cmd)
{
	bool bad_data;

	/*
	 * HWPT_HWPT_ALLOC_DIRTY_TRACKING goes with the unknown flags: no
	 * kernel built for records dirty bits (HWPT_CAP_DIRTY_RECORDING).
	 */
	if ((cmd->flags & ~(HWPT_HWPT_FAULT_ID_VALID |
			    HWPT_HWPT_ALLOC_ENFORCE_COHERENCY |
			    HWPT_HWPT_ALLOC_NEST_PARENT)) ||
	    cmd->__reserved || cmd->__reserved2 ||
	    (!(cmd->flags & HWPT_HWPT_FAULT_ID_VALID) && cmd->fault_id))
		return -EOPNOTSUPP;
	if (cmd->data_type == HWPT_HWPT_DATA_NONE)
		bad_data = cmd->data_len || cmd->data_uptr;
	else
		bad_data = !cmd->data_len || !cmd->data_uptr ||
			   cmd->data_len > PAGE_SIZE;
	if (bad_data)
		return -EINVAL;
	/* A nest parent's faults would be its nested HWPTs' (iommufd too). */
	if ((cmd->flags & HWPT_HWPT_ALLOC_NEST_PARENT) &&
	    (cmd->flags & HWPT_HWPT_FAULT_ID_VALID))
		return -EOPNOTSUPP;
	return 0;
}

/* Create what HWPT_ALLOC asks for on @base, an IOAS or a nest parent. */
static struct hwpt_pt *hwpt_pt_alloc_on(struct hwpt_ctx *ctx,
					struct hwpt_object *base,
					struct hwpt_device *dev,
					struct hwpt_object *fault,
					const struct hwpt_hwpt_alloc *cmd)
{
	struct hwpt_pt *parent;

	lockdep_assert_held(&ctx->lock);
	if (dev->dead)
		return ERR_PTR(-ENODEV);
	if (base->type == &hwpt_ioas_type) {
		if (cmd->data_type != HWPT_HWPT_DATA_NONE)
			return ERR_PTR(-EOPNOTSUPP);
		if ((cmd->flags & HWPT_HWPT_ALLOC_NEST_PARENT) &&
		    dev->vendor->nest_data_type == HWPT_HWPT_DATA_NONE) {
			pr_info_ratelimited("%s: its IOMMU driver (%s) nests only for iommufd\n",
					    pci_name(dev->pdev), dev->vendor->name);
			return ERR_PTR(-EOPNOTSUPP);
		}
		return hwpt_pt_create(ctx, container_of(base, struct hwpt_ioas,
							obj),
				      dev, fault, cmd->flags &
				      (HWPT_HWPT_ALLOC_ENFORCE_COHERENCY |
				       HWPT_HWPT_ALLOC_NEST_PARENT));
	}
	if (base->type != &hwpt_pt_type)
		return ERR_PTR(-EINVAL);
	if ((cmd->flags & ~HWPT_HWPT_FAULT_ID_VALID) ||
	    cmd->data_type == HWPT_HWPT_DATA_NONE)
		return ERR_PTR(-EOPNOTSUPP);
	parent = container_of(base, struct hwpt_pt, obj);
	if (!parent->nest_parent)
		return ERR_PTR(-EINVAL);
	if (cmd->data_type != dev->vendor->nest_data_type)
		return ERR_PTR(-EOPNOTSUPP);
	return hwpt_pt_create_nested(ctx, parent, dev, fault, cmd);
}

int hwpt_pt_alloc_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_hwpt_alloc *cmd = ucmd->cmd;
	struct hwpt_ctx *ctx = ucmd->ctx;
	struct hwpt_object *dobj, *bobj, *fobj = NULL;
	struct hwpt_pt *pt;
	int rc;

	rc = hwpt_pt_alloc_check(cmd);
	if (rc)
		return rc;
	dobj = hwpt_object_get(&ctx->table, cmd->dev_id, &hwpt_device_type);
	if (IS_ERR(dobj))
		return PTR_ERR(dobj);
	bobj = hwpt_object_get(&ctx->table, cmd->pt_id, NULL);
	if (IS_ERR(bobj)) {
		rc = PTR_ERR(bobj);
		goto out_dev;
	}
	if (cmd->flags & HWPT_HWPT_FAULT_ID_VALID) {
		fobj = hwpt_object_get(&ctx->table, cmd->fault_id,
				       &hwpt_fault_type);
		if (IS_ERR(fobj)) {
			rc = PTR_ERR(fobj);
			goto out_base;
		}
	}

	mutex_lock(&ctx->lock);
	pt = hwpt_pt_alloc_on(ctx, bobj, container_of(dobj, struct hwpt_device,
						      obj), fobj, cmd);
	mutex_unlock(&ctx->lock);
	if (fobj)
		hwpt_object_put(&ctx->table, fobj);
	if (IS_ERR(pt)) {
		rc = PTR_ERR(pt);
		goto out_base;
	}
	/* Published only once the reply is out, as iommufd does. */
	cmd->out_hwpt_id = pt->obj.id;
	rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		hwpt_object_abort_and_destroy(&ctx->table, &pt->obj);
	else
		hwpt_object_finalize(&ctx->table, &pt->obj);
out_base:
	hwpt_object_put(&ctx->table, bobj);
out_dev:
	hwpt_object_put(&ctx->table, dobj);
	return rc;
}

/*
 * HWPT_INVALIDATE: the user changed a nested HWPT's stage-1 table. The
 * number of entries done goes back whatever happens.
 */
int hwpt_pt_invalidate_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_hwpt_invalidate *cmd = ucmd->cmd;
	struct hwpt_object *obj;
	struct hwpt_pt *pt;
	u32 done = 0;
	int rc;

	if (cmd->__reserved) {
		rc = -EOPNOTSUPP;
		goto out;
	}
	/* Bounded, so that one call cannot hold the CPU for long. */
	if (cmd->entry_num > HWPT_HWPT_INVALIDATE_ENTRY_NUM_MAX ||
	    (cmd->entry_num && (!cmd->data_uptr || !cmd->entry_len ||
				cmd->entry_len > PAGE_SIZE))) {
		rc = -EINVAL;
		goto out;
	}
	obj = hwpt_object_get(&ucmd->ctx->table, cmd->hwpt_id, &hwpt_pt_type);
	if (IS_ERR(obj)) {
		rc = PTR_ERR(obj);
		goto out;
	}
	pt = container_of(obj, struct hwpt_pt, obj);
	if (pt->parent) {
		done = cmd->entry_num;
		rc = hwpt_compat_cache_invalidate(pt->domain, cmd->data_type,
						  u64_to_user_ptr(cmd->data_uptr),
						  cmd->entry_len, &done);
	} else {
		rc = -EINVAL;
	}
	hwpt_object_put(&ucmd->ctx->table, obj);
out:
	cmd->entry_num = done;
	return hwpt_ucmd_respond(ucmd, sizeof(*cmd)) ?: rc;
}

/*
 * Dirty tracking. No HWPT is ever allocated with it (see HWPT_ALLOC): on a
 * kernel that cannot record dirty bits, enabling it would let the driver
 * clear the hardware's bits into a stub. The arguments are still checked,
 * so that a program gets the same errors it will get where it works.
 */
int hwpt_set_dirty_tracking_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_hwpt_set_dirty_tracking *cmd = ucmd->cmd;
	struct hwpt_object *obj;

	if ((cmd->flags & ~HWPT_HWPT_DIRTY_TRACKING_ENABLE) || cmd->__reserved)
		return -EOPNOTSUPP;
	obj = hwpt_object_get(&ucmd->ctx->table, cmd->hwpt_id, &hwpt_pt_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	hwpt_object_put(&ucmd->ctx->table, obj);
	return -EOPNOTSUPP;
}

int hwpt_get_dirty_bitmap_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_hwpt_get_dirty_bitmap *cmd = ucmd->cmd;
	struct hwpt_object *obj;
	u64 last;

	if ((cmd->flags & ~HWPT_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) ||
	    cmd->__reserved)
		return -EOPNOTSUPP;
	if (!cmd->page_size || !is_power_of_2(cmd->page_size) ||
	    cmd->page_size < SZ_4K || !cmd->length || !cmd->data ||
	    !IS_ALIGNED(cmd->iova | cmd->length, cmd->page_size))
		return -EINVAL;
	if (check_add_overflow(cmd->iova, cmd->length - 1, &last))
		return -EOVERFLOW;
	obj = hwpt_object_get(&ucmd->ctx->table, cmd->hwpt_id, &hwpt_pt_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	hwpt_object_put(&ucmd->ctx->table, obj);
	return -EOPNOTSUPP;
}
