// SPDX-License-Identifier: GPL-2.0
/*
 * Devices: bind by name, DMA ownership, and hot-unplug.
 *
 * A device is bound the way vfio-pci and pci-stub are: hwpt's own PCI
 * driver, with driver_managed_dma and no ID table, is attached to it
 * through driver_override. Being the device's driver is what the core asks
 * of a DMA owner, keeps DMA-API drivers off it, and gives us remove() when
 * the device goes away.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "hwpt_priv.h"

#define HWPT_DRIVER_NAME "hwpt"

/* The bind in progress, for probe() to pick up; under hwpt_bind_lock. */
static DEFINE_MUTEX(hwpt_bind_lock);
static struct hwpt_device *hwpt_binding;

static int hwpt_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int rc;

	/* Only our own bind, not a stray driver_override write, takes it. */
	if (!hwpt_binding || hwpt_binding->pdev != pdev)
		return -ENODEV;
	rc = hwpt_inject(-EIO, pci_enable_device(pdev));
	if (rc)
		return rc;
	pci_set_drvdata(pdev, hwpt_binding);
	return 0;
}

static struct hwpt_group *hwpt_group_get(struct hwpt_ctx *ctx,
					 struct iommu_group *group)
{
	unsigned long id = iommu_group_id(group);
	struct hwpt_group *g = xa_load(&ctx->groups, id);
	int rc;

	if (g)
		return g;
	g = hwpt_inject(NULL, kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT));
	if (!g)
		return ERR_PTR(-ENOMEM);
	g->ctx = ctx;
	g->group = group;
	iommu_group_ref_get(group);
	INIT_LIST_HEAD(&g->devices);
	rc = hwpt_inject(-ENOMEM, xa_err(xa_store(&ctx->groups, id, g,
						  GFP_KERNEL_ACCOUNT)));
	if (rc) {
		iommu_group_put(group);
		kfree(g);
		return ERR_PTR(rc);
	}
	return g;
}

static void hwpt_group_put_if_empty(struct hwpt_group *g)
{
	if (!list_empty(&g->devices))
		return;
	xa_erase(&g->ctx->groups, iommu_group_id(g->group));
	iommu_group_put(g->group);
	kfree(g);
}

static int hwpt_report_blocker(struct device *d, void *data)
{
	struct hwpt_device *dev = data;

	if (d == &dev->pdev->dev || !d->driver)
		return 0;
	pr_info("hwpt: %s: group %d is in use by %s (driver %s): unbind it first\n",
		pci_name(dev->pdev), iommu_group_id(dev->group->group),
		dev_name(d), d->driver->name);
	return 1;
}

/*
 * Join the device to its group in this file and take DMA ownership of it.
 * Under ctx->lock.
 */
static int hwpt_device_claim(struct hwpt_device *dev, struct iommu_group *grp)
{
	struct hwpt_group *g = hwpt_group_get(dev->ctx, grp);
	bool first;
	int rc;

	if (dev->dead)
		return -ENODEV;
	if (IS_ERR(g))
		return PTR_ERR(g);
	dev->group = g;
	first = list_empty(&g->devices);
	rc = hwpt_inject(-EBUSY, hwpt_compat_claim_dma(&dev->pdev->dev, grp,
						       dev->ctx, first));
	if (rc) {
		if (rc == -EPERM || rc == -EBUSY) {
			if (!iommu_group_for_each_dev(grp, dev,
						      hwpt_report_blocker))
				pr_info("hwpt: %s: group %d is owned by another user\n",
					pci_name(dev->pdev),
					iommu_group_id(grp));
			rc = -EBUSY;
		}
		dev->group = NULL;
		hwpt_group_put_if_empty(g);
		return rc;
	}
	list_add_tail(&dev->group_item, &g->devices);
	return 0;
}

/*
 * Undo hwpt_device_claim(): detach, give DMA ownership back. Under
 * ctx->lock. Returns an automatic HWPT left unused, for the caller to put.
 */
static struct hwpt_pt *hwpt_device_release(struct hwpt_device *dev)
{
	struct hwpt_group *g = dev->group;
	struct hwpt_pt *orphan = NULL;

	hwpt_device_pasids_release(dev);
	if (dev->pt)
		orphan = hwpt_group_detach(dev);
	list_del(&dev->group_item);
	hwpt_compat_release_dma(&dev->pdev->dev, g->group,
				list_empty(&g->devices));
	dev->group = NULL;
	dev->dead = true;
	hwpt_group_put_if_empty(g);
	return orphan;
}

/* Hot-unplug or a driver unbind from sysfs: the device is gone for us. */
static void hwpt_pci_remove(struct pci_dev *pdev)
{
	struct hwpt_device *dev = pci_get_drvdata(pdev);
	struct hwpt_ctx *ctx = dev->ctx;
	struct hwpt_pt *orphan = NULL;

	mutex_lock(&ctx->lock);
	if (!dev->dead) {
		/* No group yet: a bind is under way and will see it dead. */
		if (dev->group)
			orphan = hwpt_device_release(dev);
		dev->dead = true;
		dev_info(&pdev->dev, "hwpt: device removed while bound\n");
	}
	mutex_unlock(&ctx->lock);
	hwpt_pt_put_orphan(ctx, orphan);
	pci_disable_device(pdev);
	pci_set_drvdata(pdev, NULL);
}

static struct pci_driver hwpt_pci_driver = {
	.name = HWPT_DRIVER_NAME,
	.probe = hwpt_pci_probe,
	.remove = hwpt_pci_remove,
	.driver_managed_dma = true,
};

int hwpt_device_driver_register(void)
{
	return pci_register_driver(&hwpt_pci_driver);
}

void hwpt_device_driver_unregister(void)
{
	pci_unregister_driver(&hwpt_pci_driver);
}

static void hwpt_device_unbind_driver(struct pci_dev *pdev)
{
	device_release_driver(&pdev->dev);
	hwpt_compat_set_driver_override(pdev, "");
}

static void hwpt_device_destroy(struct hwpt_object *obj)
{
	struct hwpt_device *dev = container_of(obj, struct hwpt_device, obj);
	struct hwpt_ctx *ctx = dev->ctx;
	struct hwpt_pt *orphan = NULL;
	bool bound;

	mutex_lock(&ctx->lock);
	bound = !dev->dead;
	if (bound)
		orphan = hwpt_device_release(dev);
	mutex_unlock(&ctx->lock);
	hwpt_pt_put_orphan(ctx, orphan);
	if (bound) {
		/* remove() now finds the device dead and leaves it to us. */
		hwpt_device_unbind_driver(dev->pdev);
	} else {
		/* remove() runs under the device lock: let it finish. */
		device_lock(&dev->pdev->dev);
		bound = dev->pdev->dev.driver;
		device_unlock(&dev->pdev->dev);
		if (!bound)
			hwpt_compat_set_driver_override(dev->pdev, "");
	}
	xa_destroy(&dev->pasids);
	pci_dev_put(dev->pdev);
}

const struct hwpt_object_type hwpt_device_type = {
	.name = "device",
	.destroy = hwpt_device_destroy,
};

/* Bind hwpt's driver to @pdev; EBUSY if it has a driver. */
static int hwpt_device_bind_driver(struct hwpt_device *dev)
{
	struct pci_dev *pdev = dev->pdev;
	int rc;

	mutex_lock(&hwpt_bind_lock);
	device_lock(&pdev->dev);
	rc = pdev->dev.driver ? -EBUSY : 0;
	device_unlock(&pdev->dev);
	if (rc) {
		pr_info("hwpt: %s is bound to %s: unbind it first\n",
			pci_name(pdev), dev_driver_string(&pdev->dev));
		goto out;
	}
	rc = hwpt_compat_set_driver_override(pdev, HWPT_DRIVER_NAME);
	if (rc)
		goto out;
	hwpt_binding = dev;
	rc = hwpt_inject(-EIO, device_driver_attach(&hwpt_pci_driver.driver,
						    &pdev->dev));
	hwpt_binding = NULL;
	if (rc) {
		hwpt_compat_set_driver_override(pdev, "");
		/* Someone bound another driver first. */
		if (rc == -ENODEV)
			rc = -EBUSY;
	}
out:
	mutex_unlock(&hwpt_bind_lock);
	return rc;
}

static struct pci_dev *hwpt_pci_find(const char *name)
{
	unsigned int domain, bus, slot, fn;
	char end;

	struct pci_dev *pdev;

	if (sscanf(name, "%x:%x:%x.%x%c", &domain, &bus, &slot, &fn,
		   &end) != 4 || bus > 0xff || slot > 0x1f || fn > 7)
		return NULL;
	pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, fn));
	/* sscanf() takes " 0x1:..." too: only the device's own name counts. */
	if (pdev && strcmp(pci_name(pdev), name)) {
		pci_dev_put(pdev);
		pdev = NULL;
	}
	return pdev;
}

int hwpt_device_bind_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_device_bind *cmd = ucmd->cmd;
	struct hwpt_ctx *ctx = ucmd->ctx;
	struct iommu_group *grp;
	struct hwpt_device *dev;
	struct pci_dev *pdev;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (cmd->bus != HWPT_BUS_PCI ||
	    strnlen(cmd->name, sizeof(cmd->name)) == sizeof(cmd->name))
		return -EINVAL;
	pdev = hwpt_pci_find(cmd->name);
	if (!pdev)
		return -ENODEV;
	grp = iommu_group_get(&pdev->dev);
	if (!grp) {
		rc = -ENODEV;
		goto err_pdev;
	}

	dev = hwpt_object_alloc(&ctx->table, struct hwpt_device,
				&hwpt_device_type);
	if (IS_ERR(dev)) {
		rc = PTR_ERR(dev);
		goto err_group;
	}
	dev->ctx = ctx;
	dev->pdev = pdev;
	INIT_LIST_HEAD(&dev->group_item);
	xa_init(&dev->pasids);
	hwpt_device_probe_iopf(dev);

	rc = hwpt_device_bind_driver(dev);
	if (rc)
		goto err_abort;
	mutex_lock(&ctx->lock);
	rc = hwpt_device_claim(dev, grp);
	mutex_unlock(&ctx->lock);
	if (rc)
		goto err_unbind;
	iommu_group_put(grp);

	cmd->out_dev_id = dev->obj.id;
	rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	hwpt_object_finalize(&ctx->table, &dev->obj);
	if (rc)
		hwpt_object_destroy(&ctx->table, dev->obj.id, &hwpt_device_type);
	return rc;

err_unbind:
	/* remove() must not release what was never claimed. */
	dev->dead = true;
	hwpt_device_unbind_driver(pdev);
err_abort:
	hwpt_object_abort(&ctx->table, &dev->obj);
err_group:
	iommu_group_put(grp);
err_pdev:
	pci_dev_put(pdev);
	return rc;
}

/* Look up a live device; ENODEV once it is gone. Caller holds ctx->lock. */
static struct hwpt_device *hwpt_device_live(struct hwpt_object *obj)
{
	struct hwpt_device *dev = container_of(obj, struct hwpt_device, obj);

	return dev->dead ? ERR_PTR(-ENODEV) : dev;
}

/*
 * An HWPT that blocks no-snoop takes only devices whose IOMMU can do that
 * for them: @dev, and on replace every attached device of its group.
 */
static int hwpt_device_check_coherent(struct hwpt_device *dev,
				      struct hwpt_pt *pt, bool replace)
{
	struct hwpt_device *d;

	if (!pt->coherent)
		return 0;
	list_for_each_entry(d, &dev->group->devices, group_item) {
		if ((d == dev || (replace && d->pt)) && !d->coherent) {
			pr_info("hwpt: %s: its IOMMU cannot enforce cache coherency, which HWPT %u requires\n",
				pci_name(d->pdev), pt->obj.id);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Attach or replace to @obj: an HWPT, or an IOAS, whose automatic HWPTs are
 * tried in turn (one may belong to another IOMMU) before a new one is made.
 * Under ctx->lock; *orphan gets an automatic HWPT left unused.
 */
static int hwpt_device_set_pt(struct hwpt_device *dev, struct hwpt_object *obj,
			      bool replace, struct hwpt_pt **result,
			      struct hwpt_pt **orphan)
{
	struct hwpt_group *g = dev->group;
	struct hwpt_ioas *ioas;
	struct hwpt_pt *pt;
	int rc;

	if (obj->type == &hwpt_pt_type) {
		pt = container_of(obj, struct hwpt_pt, obj);
		rc = hwpt_device_check_coherent(dev, pt, replace);
		if (rc)
			return rc;
		rc = replace ? hwpt_group_replace(dev, pt, orphan) :
			       hwpt_group_attach(dev, pt);
		*result = pt;
		return rc < 0 ? rc : (replace ? rc : 1);
	}
	if (obj->type != &hwpt_ioas_type)
		return -EINVAL;
	ioas = container_of(obj, struct hwpt_ioas, obj);
	if (!replace && dev->pt)
		return -EBUSY;
	if (replace && !dev->pt)
		return -EINVAL;

	/* Already on an automatic HWPT of this IOAS: that one suits. */
	if (g->pt && g->pt->ioas == ioas && g->pt->auto_pt)
		return hwpt_device_set_pt(dev, &g->pt->obj, replace, result,
					  orphan);
	if (!replace && g->pt)
		return -EINVAL;
	list_for_each_entry(pt, &ioas->pts, ioas_item) {
		if (!pt->auto_pt || pt == g->pt)
			continue;
		rc = hwpt_device_set_pt(dev, &pt->obj, replace, result, orphan);
		if (rc != -EINVAL && rc != -ENODEV)
			return rc;
	}
	pt = hwpt_pt_create(dev->ctx, ioas, dev, NULL, HWPT_PT_AUTO);
	if (IS_ERR(pt))
		return PTR_ERR(pt);
	rc = hwpt_device_set_pt(dev, &pt->obj, replace, result, orphan);
	if (rc < 0) {
		/* Unused from birth: destroyed like any orphan. */
		refcount_inc(&pt->obj.refs);
		*orphan = pt;
	}
	return rc;
}

static int hwpt_device_attach_common(struct hwpt_ucmd *ucmd, bool replace)
{
	struct hwpt_device_attach *cmd = ucmd->cmd;
	struct hwpt_ctx *ctx = ucmd->ctx;
	struct hwpt_object *dobj, *pobj;
	struct hwpt_pt *pt = NULL, *orphan = NULL;
	struct hwpt_device *dev;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;
	dobj = hwpt_object_get(&ctx->table, cmd->dev_id, &hwpt_device_type);
	if (IS_ERR(dobj))
		return PTR_ERR(dobj);
	pobj = hwpt_object_get(&ctx->table, cmd->pt_id, NULL);
	if (IS_ERR(pobj)) {
		rc = PTR_ERR(pobj);
		goto out_dev;
	}

	mutex_lock(&ctx->lock);
	dev = hwpt_device_live(dobj);
	if (IS_ERR(dev)) {
		rc = PTR_ERR(dev);
	} else {
		rc = hwpt_device_set_pt(dev, pobj, replace, &pt, &orphan);
		if (rc >= 0) {
			cmd->out_hwpt_id = pt->obj.id;
			cmd->out_devices_moved = rc;
			rc = 0;
		}
	}
	mutex_unlock(&ctx->lock);
	hwpt_pt_put_orphan(ctx, orphan);
	if (!rc)
		rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	hwpt_object_put(&ctx->table, pobj);
out_dev:
	hwpt_object_put(&ctx->table, dobj);
	return rc;
}

int hwpt_device_attach_ioctl(struct hwpt_ucmd *ucmd)
{
	return hwpt_device_attach_common(ucmd, false);
}

int hwpt_device_replace_ioctl(struct hwpt_ucmd *ucmd)
{
	return hwpt_device_attach_common(ucmd, true);
}

int hwpt_device_detach_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_device_detach *cmd = ucmd->cmd;
	struct hwpt_ctx *ctx = ucmd->ctx;
	struct hwpt_pt *orphan = NULL;
	struct hwpt_device *dev;
	struct hwpt_object *obj;
	int rc = 0;

	if (cmd->flags)
		return -EOPNOTSUPP;
	obj = hwpt_object_get(&ctx->table, cmd->dev_id, &hwpt_device_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	mutex_lock(&ctx->lock);
	dev = hwpt_device_live(obj);
	if (IS_ERR(dev))
		rc = PTR_ERR(dev);
	else if (!dev->pt)
		rc = -EINVAL;
	else
		orphan = hwpt_group_detach(dev);
	mutex_unlock(&ctx->lock);
	hwpt_pt_put_orphan(ctx, orphan);
	hwpt_object_put(&ctx->table, obj);
	return rc;
}

static void hwpt_device_fault_counts(struct hwpt_device *dev,
				     struct hwpt_device_get *cmd)
{
	struct hwpt_fault_counts *c = &dev->fault_counts;

	/*
	 * Answers before faults, ordered: a group is counted before it is
	 * answered, so pending never comes out below zero.
	 */
	cmd->out_resp_success = atomic_read(&c->success);
	cmd->out_resp_invalid = atomic_read(&c->invalid);
	cmd->out_resp_auto = atomic_read(&c->autoresp);
	smp_rmb();	/* pairs with the lock/unlock between count and answer */
	cmd->out_faults = atomic_read(&c->faults);
	cmd->out_faults_pending = cmd->out_faults - cmd->out_resp_success -
				  cmd->out_resp_invalid - cmd->out_resp_auto;
}

int hwpt_device_get_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_device_get *cmd = ucmd->cmd;
	struct hwpt_ctx *ctx = ucmd->ctx;
	struct hwpt_device *dev;
	struct hwpt_object *obj;
	struct list_head *pos;

	if (cmd->flags || cmd->__reserved || cmd->__reserved2)
		return -EOPNOTSUPP;
	obj = hwpt_object_get(&ctx->table, cmd->dev_id, &hwpt_device_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	dev = container_of(obj, struct hwpt_device, obj);
	mutex_lock(&ctx->lock);
	cmd->out_hwpt_id = dev->pt ? dev->pt->obj.id : 0;
	cmd->out_state = dev->dead ? HWPT_DEVICE_DEAD : 0;
	if (dev->iopf_capable)
		cmd->out_state |= HWPT_DEVICE_IOPF;
	if (dev->pdev->is_virtfn)
		cmd->out_state |= HWPT_DEVICE_VF;
	if (dev->coherent && HAVE_CAP_ENFORCE_COHERENCY)
		cmd->out_state |= HWPT_DEVICE_COHERENT;
	hwpt_device_fault_counts(dev, cmd);
	cmd->out_group_id = 0;
	cmd->out_group_devices = 0;
	if (dev->group) {
		cmd->out_group_id = iommu_group_id(dev->group->group);
		list_for_each(pos, &dev->group->devices)
			cmd->out_group_devices++;
	}
	mutex_unlock(&ctx->lock);
	hwpt_object_put(&ctx->table, obj);
	return hwpt_ucmd_respond(ucmd, sizeof(*cmd));
}
