// SPDX-License-Identifier: GPL-2.0
/*
 * PASID attach, replace and detach, per device: the IOMMU core keeps one
 * PASID table per group, so a device whose group has another device is
 * refused, as PCI refuses PASID to devices that can alias (the PASID of
 * multi-device groups question of the iommufd PASID review, 2023).
 *
 * A device's attached PASIDs are in dev->pasids (under ctx->lock); each
 * is a user of its HWPT and brings the group's reserved regions to the
 * HWPT's IOAS, as a RID attach does. The core calls hold domain_rwsem, as
 * group attach does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "compat.h"
#include "hwpt_priv.h"

static int hwpt_count_dev(struct device *d, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/* May @dev use @pasid at all? Under ctx->lock, on a live device. */
static int hwpt_pasid_check(struct hwpt_device *dev, u32 pasid)
{
	struct device *d = &dev->pdev->dev;
	unsigned int n = 0;
	u32 max;

	lockdep_assert_held(&dev->ctx->lock);
	if (!HAVE_PASID_ATTACH)
		return -EOPNOTSUPP;
	if (!pasid)
		return -EINVAL;
	iommu_group_for_each_dev(dev->group->group, &n, hwpt_count_dev);
	if (n > 1) {
		pr_info_ratelimited("%s: its IOMMU group has %u devices; PASIDs are per device, and a device that shares its group (it may alias) gets none\n",
				    pci_name(dev->pdev), n);
		return -EINVAL;
	}
	max = hwpt_compat_max_pasids(d);
	if (!max) {
		pr_info_ratelimited("%s: no PASID support (device or IOMMU)\n",
				    pci_name(dev->pdev));
		return -EOPNOTSUPP;
	}
	return pasid < max ? 0 : -EINVAL;
}

/* What a RID attach checks of an HWPT, for @dev's PASIDs. */
static int hwpt_pasid_check_pt(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	/* Page faults of a PASID are not routed yet. */
	if (pt->fq)
		return -EOPNOTSUPP;
	if (pt->coherent && !dev->coherent) {
		pr_info_ratelimited("%s: its IOMMU cannot enforce cache coherency, which HWPT %u requires\n",
				    pci_name(dev->pdev), pt->obj.id);
		return -EINVAL;
	}
	return 0;
}

static int hwpt_pasid_attach(struct hwpt_device *dev, u32 pasid,
			     struct hwpt_pt *pt)
{
	struct hwpt_ctx *ctx = dev->ctx;
	struct hwpt_pasid_att *att;
	int rc;

	if (xa_load(&dev->pasids, pasid))
		return -EBUSY;
	att = hwpt_inject(NULL, kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT));
	if (!att)
		return -ENOMEM;
	rc = hwpt_object_add_user(&ctx->table, &pt->obj);
	if (rc)
		goto err_free;
	rc = hwpt_inject(-ENOMEM, xa_err(xa_store(&dev->pasids, pasid, att,
						  GFP_KERNEL_ACCOUNT)));
	if (rc)
		goto err_user;
	rc = hwpt_ioas_add_resv(pt->ioas, dev->group->group, att);
	if (rc)
		goto err_erase;
	down_write(&ctx->domain_rwsem);
	rc = hwpt_compat_pasid_attach(pt->domain, &dev->pdev->dev, pasid,
				      &att->handle);
	up_write(&ctx->domain_rwsem);
	if (rc)
		goto err_resv;
	att->pt = pt;
	return 0;

err_resv:
	hwpt_ioas_remove_resv(pt->ioas, att);
err_erase:
	xa_erase(&dev->pasids, pasid);
err_user:
	hwpt_object_drop_user(&ctx->table, &pt->obj);
err_free:
	kfree(att);
	return rc;
}

static int hwpt_pasid_replace(struct hwpt_device *dev, u32 pasid,
			      struct hwpt_pt *pt)
{
	struct hwpt_pasid_att *att = xa_load(&dev->pasids, pasid);
	struct hwpt_ctx *ctx = dev->ctx;
	struct hwpt_pt *old;
	int rc;

	if (!att)
		return -EINVAL;
	if (!HAVE_PASID_REPLACE)
		return -EOPNOTSUPP;
	if (att->pt == pt)
		return 0;
	old = att->pt;
	rc = hwpt_object_add_user(&ctx->table, &pt->obj);
	if (rc)
		return rc;
	if (pt->ioas != old->ioas) {
		rc = hwpt_ioas_add_resv(pt->ioas, dev->group->group, att);
		if (rc)
			goto err_user;
	}
	down_write(&ctx->domain_rwsem);
	rc = hwpt_compat_pasid_replace(pt->domain, &dev->pdev->dev, pasid,
				       &att->handle);
	up_write(&ctx->domain_rwsem);
	if (rc) {
		if (pt->ioas != old->ioas)
			hwpt_ioas_remove_resv(pt->ioas, att);
		goto err_user;
	}
	if (pt->ioas != old->ioas)
		hwpt_ioas_remove_resv(old->ioas, att);
	att->pt = pt;
	hwpt_object_drop_user(&ctx->table, &old->obj);
	return 0;

err_user:
	hwpt_object_drop_user(&ctx->table, &pt->obj);
	return rc;
}

static void hwpt_pasid_detach_one(struct hwpt_device *dev, u32 pasid,
				  struct hwpt_pasid_att *att)
{
	struct hwpt_ctx *ctx = dev->ctx;

	down_write(&ctx->domain_rwsem);
	hwpt_compat_pasid_detach(att->pt->domain, &dev->pdev->dev, pasid,
				 att->handle);
	up_write(&ctx->domain_rwsem);
	hwpt_ioas_remove_resv(att->pt->ioas, att);
	xa_erase(&dev->pasids, pasid);
	hwpt_object_drop_user(&ctx->table, &att->pt->obj);
	kfree(att);
}

/* Detach every PASID of @dev, which is going away. Under ctx->lock. */
void hwpt_device_pasids_release(struct hwpt_device *dev)
{
	struct hwpt_pasid_att *att;
	unsigned long pasid;

	lockdep_assert_held(&dev->ctx->lock);
	xa_for_each(&dev->pasids, pasid, att)
		hwpt_pasid_detach_one(dev, pasid, att);
}

static int hwpt_pasid_common(struct hwpt_ucmd *ucmd, unsigned int nr)
{
	struct hwpt_pasid *cmd = ucmd->cmd;
	struct hwpt_ctx *ctx = ucmd->ctx;
	struct hwpt_object *dobj, *pobj = NULL;
	struct hwpt_pasid_att *att;
	struct hwpt_device *dev;
	struct hwpt_pt *pt = NULL;
	int rc;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	if (nr == HWPT_CMD_PASID_DETACH && cmd->pt_id)
		return -EINVAL;
	dobj = hwpt_object_get(&ctx->table, cmd->dev_id, &hwpt_device_type);
	if (IS_ERR(dobj))
		return PTR_ERR(dobj);
	if (nr != HWPT_CMD_PASID_DETACH) {
		pobj = hwpt_object_get(&ctx->table, cmd->pt_id, &hwpt_pt_type);
		if (IS_ERR(pobj)) {
			rc = PTR_ERR(pobj);
			goto out_dev;
		}
		pt = container_of(pobj, struct hwpt_pt, obj);
	}
	dev = container_of(dobj, struct hwpt_device, obj);

	mutex_lock(&ctx->lock);
	if (dev->dead)
		rc = -ENODEV;
	else
		rc = hwpt_pasid_check(dev, cmd->pasid);
	if (!rc && pt)
		rc = hwpt_pasid_check_pt(dev, pt);
	if (!rc) {
		switch (nr) {
		case HWPT_CMD_PASID_ATTACH:
			rc = hwpt_pasid_attach(dev, cmd->pasid, pt);
			break;
		case HWPT_CMD_PASID_REPLACE:
			rc = hwpt_pasid_replace(dev, cmd->pasid, pt);
			break;
		default:
			att = xa_load(&dev->pasids, cmd->pasid);
			if (att)
				hwpt_pasid_detach_one(dev, cmd->pasid, att);
			else
				rc = -EINVAL;
		}
	}
	mutex_unlock(&ctx->lock);
	if (pobj)
		hwpt_object_put(&ctx->table, pobj);
out_dev:
	hwpt_object_put(&ctx->table, dobj);
	return rc;
}

int hwpt_pasid_attach_ioctl(struct hwpt_ucmd *ucmd)
{
	return hwpt_pasid_common(ucmd, HWPT_CMD_PASID_ATTACH);
}

int hwpt_pasid_replace_ioctl(struct hwpt_ucmd *ucmd)
{
	return hwpt_pasid_common(ucmd, HWPT_CMD_PASID_REPLACE);
}

int hwpt_pasid_detach_ioctl(struct hwpt_ucmd *ucmd)
{
	return hwpt_pasid_common(ucmd, HWPT_CMD_PASID_DETACH);
}
