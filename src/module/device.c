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
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "compat.h"
#include "hwpt_priv.h"
#include "vendor/vendor.h"

#define HWPT_DRIVER_NAME "hwpt"

/*
 * As iommufd's and VFIO's: without isolated MSI (interrupt remapping, or
 * an MSI controller that tells devices apart), a device's DMA write to the
 * MSI window raises any interrupt of the host.
 */
static bool allow_unsafe_interrupts;
module_param(allow_unsafe_interrupts, bool, 0644);
MODULE_PARM_DESC(allow_unsafe_interrupts,
		 "Bind devices whose platform cannot isolate their MSIs (unsafe).");

/*
 * The bind in progress, for probe() to check and pick up; under
 * hwpt_bind_lock. probe() refuses with -ENXIO (which the driver core
 * takes quietly) and leaves the reason in @rc.
 */
struct hwpt_binding {
	struct hwpt_device *dev;
	struct iommu_group *group;	/* ref, taken by probe() */
	int rc;
};

static DEFINE_MUTEX(hwpt_bind_lock);
static struct hwpt_binding *hwpt_binding;

static struct pci_driver hwpt_pci_driver;

static int hwpt_device_check(struct pci_dev *pdev, struct iommu_group *grp);

/*
 * Under the device lock, with the device registered: its IOMMU state
 * (dev->iommu, its group) cannot be torn down by an unplug until remove()
 * has run, so this is where it is first looked at.
 */
static int hwpt_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct hwpt_binding *b = hwpt_binding;

	/* Only our own bind, not a stray driver_override write, takes it. */
	if (!b || b->dev->pdev != pdev)
		return -ENODEV;
	/* Probed again (CONFIG_DEBUG_TEST_DRIVER_REMOVE): one reference. */
	iommu_group_put(b->group);
	b->group = iommu_group_get(&pdev->dev);
	b->rc = b->group ? hwpt_device_check(pdev, b->group) : -ENODEV;
	if (!b->rc)
		b->rc = hwpt_inject(-EIO, pci_enable_device(pdev));
	if (b->rc) {
		iommu_group_put(b->group);
		b->group = NULL;
		return -ENXIO;
	}
	hwpt_device_probe_iopf(b->dev);
	pci_set_drvdata(pdev, b->dev);
	return 0;
}

/*
 * The device of @grp whose kernel driver keeps us from owning the group.
 * Under the core's group mutex, so no device_lock: the driver pointer is
 * read once, and dev_driver_string() copes with one that goes.
 */
static int hwpt_report_blocker(struct device *d, void *data)
{
	struct hwpt_device *dev = data;

	if (d == &dev->pdev->dev || !READ_ONCE(d->driver))
		return 0;
	pr_info_ratelimited("%s: its IOMMU group is in use by %s (driver %s): unbind it first\n",
			    pci_name(dev->pdev), dev_name(d),
			    dev_driver_string(d));
	return 1;
}

/*
 * Join the device to its group in this file and take DMA ownership of it.
 * A device remove() found before (dev->dead) is not claimed.
 */
static int hwpt_device_claim(struct hwpt_device *dev, struct iommu_group *grp)
{
	struct hwpt_group *g;
	bool first;
	int rc;

	lockdep_assert_held(&dev->ctx->lock);
	if (dev->dead)
		return -ENODEV;
	g = hwpt_group_get(dev->ctx, grp);
	if (IS_ERR(g))
		return PTR_ERR(g);
	first = list_empty(&g->devices);
	rc = hwpt_inject(-EBUSY, hwpt_compat_claim_dma(&dev->pdev->dev, grp,
						       dev->ctx, first));
	if (rc) {
		if (rc == -EPERM || rc == -EBUSY) {
			if (!iommu_group_for_each_dev(grp, dev,
						      hwpt_report_blocker))
				pr_info_ratelimited("%s: its IOMMU group is owned by another user\n",
						    pci_name(dev->pdev));
			rc = -EBUSY;
		}
		hwpt_group_put_if_empty(g);
		return rc;
	}
	dev->group = g;
	list_add_tail(&dev->group_item, &g->devices);
	return 0;
}

/* Undo hwpt_device_claim(): detach, give DMA ownership back. */
static struct hwpt_pt *hwpt_device_release(struct hwpt_device *dev)
{
	struct hwpt_group *g = dev->group;
	struct hwpt_pt *orphan = NULL;

	lockdep_assert_held(&dev->ctx->lock);
	hwpt_device_pasids_release(dev);
	if (dev->pt)
		orphan = hwpt_group_detach(dev);
	list_del(&dev->group_item);
	hwpt_compat_release_dma(&dev->pdev->dev, g->group,
				list_empty(&g->devices));
	dev->group = NULL;
	hwpt_group_put_if_empty(g);
	return orphan;
}

/*
 * Stop what the user left the device doing before its DMA goes back to
 * the kernel (whose default domain may be identity): bus mastering off,
 * then a function reset where the device has one, as vfio-pci does, so
 * that the next owner gets it clean. Config space is restored after the
 * reset, bus mastering left off.
 */
static void hwpt_device_stop(struct pci_dev *pdev)
{
	struct pci_dev *bridge = pci_upstream_bridge(pdev);
	int rc;

	device_lock_assert(&pdev->dev);
	pci_clear_master(pdev);
	/*
	 * Some reset methods touch the upstream bridge, whose lock
	 * pci_reset_function() takes first: only try it, as vfio-pci does.
	 */
	if (bridge && !pci_dev_trylock(bridge)) {
		pci_info_ratelimited(pdev, "not reset: its bridge is busy\n");
		return;
	}
	pci_save_state(pdev);
	pci_cfg_access_lock(pdev);
	rc = __pci_reset_function_locked(pdev);
	pci_cfg_access_unlock(pdev);
	pci_restore_state(pdev);
	if (bridge)
		pci_dev_unlock(bridge);
	if (rc && rc != -ENOTTY)
		pci_info_ratelimited(pdev, "reset failed: %d\n", rc);
}

/*
 * The device leaves hwpt: hot-unplug, a driver unbind from sysfs, or its
 * object's destruction. Under the device_lock, which remove() runs under,
 * so that those never race. One bound but not yet claimed (a bind under
 * way) is only marked dead: the bind sees it and fails.
 */
static void hwpt_device_shutdown(struct hwpt_device *dev)
{
	struct hwpt_ctx *ctx = dev->ctx;
	struct hwpt_pt *orphan = NULL;
	bool claimed;

	device_lock_assert(&dev->pdev->dev);
	mutex_lock(&ctx->lock);
	claimed = !dev->dead && dev->group;
	dev->dead = true;
	mutex_unlock(&ctx->lock);
	if (!claimed)
		return;
	/* Injections that saw it alive are done before its group goes. */
	if (hwpt_inject_enabled())
		hwpt_iopf_sync();
	/* No ioctl uses it now; its group may still move it on replace. */
	hwpt_device_stop(dev->pdev);
	mutex_lock(&ctx->lock);
	orphan = hwpt_device_release(dev);
	mutex_unlock(&ctx->lock);
	hwpt_pt_put_orphan(ctx, orphan);
}

/* Hot-unplug or a driver unbind from sysfs: the device is gone for us. */
static void hwpt_pci_remove(struct pci_dev *pdev)
{
	struct hwpt_device *dev = pci_get_drvdata(pdev);

	if (!dev->dead)
		pci_info(pdev, "removed while bound to hwpt\n");
	hwpt_device_shutdown(dev);
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
	struct pci_dev *pdev = dev->pdev;
	bool bound;

	/*
	 * remove() runs under the device lock: this is its twin. Under
	 * hwpt_bind_lock, so that no other file binds the device between
	 * our check and our unbind, and we unbind only our own.
	 */
	mutex_lock(&hwpt_bind_lock);
	device_lock(&pdev->dev);
	bound = pdev->dev.driver == &hwpt_pci_driver.driver &&
		pci_get_drvdata(pdev) == dev;
	if (bound)
		hwpt_device_shutdown(dev);
	device_unlock(&pdev->dev);
	if (bound)
		/* remove() now finds the device dead and leaves it to us. */
		hwpt_device_unbind_driver(pdev);
	else if (!READ_ONCE(pdev->dev.driver))
		hwpt_compat_set_driver_override(pdev, "");
	mutex_unlock(&hwpt_bind_lock);
	xa_destroy(&dev->pasids);
	pci_dev_put(pdev);
}

const struct hwpt_object_type hwpt_device_type = {
	.name = "device",
	.destroy = hwpt_device_destroy,
};

/*
 * Bind hwpt's driver to @pdev; EBUSY if it has a driver. *@grp gets its
 * IOMMU group, with a reference.
 */
static int hwpt_device_bind_driver(struct hwpt_device *dev,
				   struct iommu_group **grp)
{
	struct hwpt_binding b = { .dev = dev };
	struct pci_dev *pdev = dev->pdev;
	int rc;

	mutex_lock(&hwpt_bind_lock);
	device_lock(&pdev->dev);
	/*
	 * A device a rescan is still adding (the PCI core lets drivers match
	 * it only once it is all there) is not there for us either: binding
	 * it so early leaks the driver core's "not ready" note.
	 */
	if (!hwpt_compat_pci_added(pdev))
		rc = -ENODEV;
	else
		rc = pdev->dev.driver ? -EBUSY : 0;
	device_unlock(&pdev->dev);
	if (rc == -ENODEV)
		goto out;
	if (rc) {
		pr_info_ratelimited("%s is bound to %s: unbind it first\n",
				    pci_name(pdev),
				    dev_driver_string(&pdev->dev));
		goto out;
	}
	rc = hwpt_compat_set_driver_override(pdev, HWPT_DRIVER_NAME);
	if (rc)
		goto out;
	hwpt_binding = &b;
	rc = hwpt_inject(-EIO, device_driver_attach(&hwpt_pci_driver.driver,
						    &pdev->dev));
	hwpt_binding = NULL;
	/*
	 * A rescan may probe the device for us, through our binding, before
	 * our attach gets its lock; the attach then finds a driver (EBUSY).
	 * Bound to hwpt with our device is bound, whoever probed it.
	 */
	if (rc == -EBUSY) {
		device_lock(&pdev->dev);
		if (pdev->dev.driver == &hwpt_pci_driver.driver &&
		    pci_get_drvdata(pdev) == dev)
			rc = 0;
		device_unlock(&pdev->dev);
	}
	if (rc == -ENXIO && b.rc)
		rc = b.rc;
	else if (rc == -EAGAIN)
		/* The driver core found it not added yet after all. */
		rc = -ENODEV;
	/* EBUSY: someone bound another driver first; ENODEV: it went. */
	if (rc) {
		hwpt_compat_set_driver_override(pdev, "");
		if (b.group)
			iommu_group_put(b.group);
	} else {
		*grp = b.group;
	}
out:
	mutex_unlock(&hwpt_bind_lock);
	return rc;
}

static struct pci_dev *hwpt_pci_find(const char *name)
{
	unsigned int domain, bus, slot, fn;
	struct pci_dev *pdev;
	char end;

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

/*
 * What iommufd and VFIO require of a device's IOMMU before userspace gets
 * its DMA: that it keeps DMA coherent with the CPU caches (every mapping
 * is IOMMU_CACHE, and userspace cannot flush caches), and, unless the
 * admin allows otherwise, that the platform can isolate its MSIs.
 */
static int hwpt_device_check(struct pci_dev *pdev, struct iommu_group *grp)
{
	const char *name = pci_name(pdev);

	if (!device_iommu_capable(&pdev->dev, IOMMU_CAP_CACHE_COHERENCY)) {
		pr_info_ratelimited("%s: its IOMMU cannot keep DMA coherent with the CPU caches\n",
				    name);
		return -EINVAL;
	}
	if (hwpt_compat_isolated_msi(grp))
		return 0;
	if (!READ_ONCE(allow_unsafe_interrupts)) {
		pr_info_ratelimited("%s: its MSIs cannot be isolated (no interrupt remapping?): a DMA write could raise any host interrupt; allow_unsafe_interrupts=1 binds it anyway\n",
				    name);
		return -EPERM;
	}
	pr_warn_ratelimited("%s: MSIs not isolated, bound because allow_unsafe_interrupts=1\n",
			    name);
	return 0;
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
	/* vfio-pci refuses bridges: their config space routes others' DMA. */
	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL) {
		pr_info_ratelimited("%s: not an endpoint (PCI header type %u): bridges cannot be bound\n",
				    pci_name(pdev), pdev->hdr_type);
		rc = -EINVAL;
		goto err_pdev;
	}

	dev = hwpt_object_alloc(&ctx->table, struct hwpt_device,
				&hwpt_device_type);
	if (IS_ERR(dev)) {
		rc = PTR_ERR(dev);
		goto err_pdev;
	}
	dev->ctx = ctx;
	dev->pdev = pdev;
	INIT_LIST_HEAD(&dev->group_item);
	xa_init(&dev->pasids);

	rc = hwpt_device_bind_driver(dev, &grp);
	if (rc)
		goto err_abort;
	mutex_lock(&ctx->lock);
	rc = hwpt_device_claim(dev, grp);
	mutex_unlock(&ctx->lock);
	if (rc)
		goto err_unbind;
	iommu_group_put(grp);

	/* Published only once the reply is out. */
	cmd->out_dev_id = dev->obj.id;
	rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		hwpt_object_abort_and_destroy(&ctx->table, &dev->obj);
	else
		hwpt_object_finalize(&ctx->table, &dev->obj);
	return rc;

err_unbind:
	/* Never claimed: remove() only marks it dead. */
	hwpt_device_unbind_driver(pdev);
	iommu_group_put(grp);
err_abort:
	hwpt_object_abort(&ctx->table, &dev->obj);
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

	lockdep_assert_held(&dev->ctx->lock);
	if (!pt->coherent)
		return 0;
	list_for_each_entry(d, &dev->group->devices, group_item) {
		if ((d == dev || (replace && d->pt)) && !d->coherent) {
			pr_info_ratelimited("%s: its IOMMU cannot enforce cache coherency, which HWPT %u requires\n",
					    pci_name(d->pdev), pt->obj.id);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Attach or replace to @obj: an HWPT, or an IOAS, whose automatic HWPTs are
 * tried in turn (one may belong to another IOMMU, or be on its way out)
 * before a new one is made, which is published only once attached, as
 * iommufd does. Under ctx->lock; *orphan gets an automatic HWPT left
 * unused.
 */
static int hwpt_device_set_pt(struct hwpt_device *dev, struct hwpt_object *obj,
			      bool replace, struct hwpt_pt **result,
			      struct hwpt_pt **orphan)
{
	struct hwpt_group *g = dev->group;
	struct hwpt_ioas *ioas;
	struct hwpt_pt *pt;
	int rc;

	lockdep_assert_held(&dev->ctx->lock);
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
		/* Another IOMMU's (EINVAL, ENODEV), or being destroyed. */
		if (rc != -EINVAL && rc != -ENODEV && rc != -ENOENT)
			return rc;
		/* An emulated replace that could not restore the old domain. */
		if (replace && !dev->pt)
			return rc;
	}
	pt = hwpt_pt_create(dev->ctx, ioas, dev, NULL, HWPT_PT_AUTO);
	if (IS_ERR(pt))
		return PTR_ERR(pt);
	rc = hwpt_device_set_pt(dev, &pt->obj, replace, result, orphan);
	if (rc < 0)
		hwpt_pt_abort(pt);
	else
		hwpt_object_finalize(&dev->ctx->table, &pt->obj);
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
