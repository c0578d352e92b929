// SPDX-License-Identifier: GPL-2.0
/*
 * HWPTs: paging domains that mirror an IOAS. A domain is filled with every
 * mapping of its IOAS before it is published, and leaves the IOAS only when
 * the HWPT is destroyed, never on detach.
 */
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/sizes.h>

#include "hwpt_priv.h"

static void hwpt_pt_destroy(struct hwpt_object *obj)
{
	struct hwpt_pt *pt = container_of(obj, struct hwpt_pt, obj);
	struct hwpt_ctx *ctx = pt->ctx;

	/* No device holds it, so no group is attached. */
	WARN_ON(pt->ngroups);
	mutex_lock(&ctx->lock);
	hwpt_ioas_remove_domain(pt->ioas, pt);
	mutex_unlock(&ctx->lock);
	iommu_domain_free(pt->domain);
	hwpt_object_drop_user(&ctx->table, &pt->ioas->obj);
	if (pt->fault)
		hwpt_object_drop_user(&ctx->table, pt->fault);
}

const struct hwpt_object_type hwpt_pt_type = {
	.name = "hwpt",
	.destroy = hwpt_pt_destroy,
};

/*
 * A new HWPT on @ioas with a domain for @dev's IOMMU, filled and published;
 * fault-capable if @fault (a fault queue object) is given. Under ctx->lock,
 * which guards the IOAS's list of HWPTs with its own lock.
 */
struct hwpt_pt *hwpt_pt_create(struct hwpt_ctx *ctx, struct hwpt_ioas *ioas,
			       struct hwpt_device *dev,
			       struct hwpt_object *fault, u32 flags)
{
	struct hwpt_table *t = &ctx->table;
	struct iommu_domain *domain;
	struct hwpt_pt *pt;
	int rc;

	lockdep_assert_held(&ctx->lock);
	pt = hwpt_object_alloc(t, struct hwpt_pt, &hwpt_pt_type);
	if (IS_ERR(pt))
		return pt;
	pt->ctx = ctx;
	pt->auto_pt = flags & HWPT_PT_AUTO;
	pt->coherent = flags & HWPT_HWPT_ALLOC_ENFORCE_COHERENCY;
	INIT_LIST_HEAD(&pt->ioas_item);
	rc = hwpt_object_add_user(t, &ioas->obj);
	if (rc)
		goto err_abort;
	pt->ioas = ioas;
	if (fault) {
		rc = hwpt_object_add_user(t, fault);
		if (rc)
			goto err_user;
		pt->fault = fault;
		pt->fq = hwpt_fault_queue_of(fault);
	}
	pt->vendor = dev->vendor;

	domain = hwpt_inject(ERR_PTR(-ENOMEM),
			     hwpt_compat_domain_alloc(&dev->pdev->dev));
	if (IS_ERR(domain)) {
		rc = PTR_ERR(domain);
		goto err_fault;
	}
	/* Before any attach: the core routes faults by it from then on. */
	if (fault && dev->iopf_capable)
		hwpt_compat_set_fault_handler(domain);
	pt->domain = domain;
	/* Before any mapping: drivers set the PTE bits at map time. */
	if (pt->coherent && (!domain->ops->enforce_cache_coherency ||
			     !domain->ops->enforce_cache_coherency(domain))) {
		pr_info("hwpt: %s: its IOMMU cannot enforce cache coherency\n",
			pci_name(dev->pdev));
		rc = -EOPNOTSUPP;
		goto err_domain;
	}
	rc = hwpt_ioas_add_domain(ioas, pt);
	if (rc)
		goto err_domain;
	hwpt_object_finalize(t, &pt->obj);
	return pt;

err_domain:
	iommu_domain_free(domain);
err_fault:
	if (fault)
		hwpt_object_drop_user(t, fault);
err_user:
	hwpt_object_drop_user(t, &ioas->obj);
err_abort:
	hwpt_object_abort(t, &pt->obj);
	return ERR_PTR(rc);
}

/* Destroy an automatic HWPT left unused, unless someone took it meanwhile. */
void hwpt_pt_put_orphan(struct hwpt_ctx *ctx, struct hwpt_pt *orphan)
{
	if (orphan)
		hwpt_object_destroy_held(&ctx->table, &orphan->obj);
}

int hwpt_pt_alloc_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_hwpt_alloc *cmd = ucmd->cmd;
	struct hwpt_ctx *ctx = ucmd->ctx;
	struct hwpt_object *dobj, *iobj, *fobj = NULL;
	struct hwpt_device *dev;
	struct hwpt_pt *pt;
	int rc;

	/*
	 * HWPT_HWPT_ALLOC_DIRTY_TRACKING goes with the unknown flags: no
	 * kernel built for records dirty bits (HWPT_CAP_DIRTY_RECORDING).
	 */
	if ((cmd->flags & ~(HWPT_HWPT_FAULT_ID_VALID |
			    HWPT_HWPT_ALLOC_ENFORCE_COHERENCY)) ||
	    cmd->__reserved ||
	    cmd->data_type || cmd->data_len || cmd->data_uptr ||
	    cmd->__reserved2 ||
	    (!(cmd->flags & HWPT_HWPT_FAULT_ID_VALID) && cmd->fault_id))
		return -EOPNOTSUPP;

	dobj = hwpt_object_get(&ctx->table, cmd->dev_id, &hwpt_device_type);
	if (IS_ERR(dobj))
		return PTR_ERR(dobj);
	iobj = hwpt_object_get(&ctx->table, cmd->pt_id, &hwpt_ioas_type);
	if (IS_ERR(iobj)) {
		rc = PTR_ERR(iobj);
		goto out_dev;
	}
	dev = container_of(dobj, struct hwpt_device, obj);
	if (cmd->flags & HWPT_HWPT_FAULT_ID_VALID) {
		fobj = hwpt_object_get(&ctx->table, cmd->fault_id,
				       &hwpt_fault_type);
		if (IS_ERR(fobj)) {
			rc = PTR_ERR(fobj);
			goto out_ioas;
		}
	}

	mutex_lock(&ctx->lock);
	if (dev->dead)
		pt = ERR_PTR(-ENODEV);
	else
		pt = hwpt_pt_create(ctx, container_of(iobj, struct hwpt_ioas,
						      obj), dev, fobj,
				    cmd->flags &
				    HWPT_HWPT_ALLOC_ENFORCE_COHERENCY);
	mutex_unlock(&ctx->lock);
	if (fobj)
		hwpt_object_put(&ctx->table, fobj);
	if (IS_ERR(pt)) {
		rc = PTR_ERR(pt);
		goto out_ioas;
	}
	cmd->out_hwpt_id = pt->obj.id;
	rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		hwpt_object_destroy(&ctx->table, pt->obj.id, &hwpt_pt_type);
out_ioas:
	hwpt_object_put(&ctx->table, iobj);
out_dev:
	hwpt_object_put(&ctx->table, dobj);
	return rc;
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
