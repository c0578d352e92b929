// SPDX-License-Identifier: GPL-2.0
/*
 * Fault queue objects and their files, attachments, the page request
 * handler, and fault injection. The queue logic itself is faultq.c.
 *
 * An attachment the core has stopped using is freed only when the IOMMU
 * driver can no longer report through it. If its domain may take page
 * requests and the vendor's detach does not drain them, it is retired
 * instead: dead (a late request is answered at once), answered, and kept
 * with what a late request can touch (its queue, its domain) until the
 * last device of its group leaves hwpt, when the core has stopped the
 * device's page requests. With fault injection on, every fault-capable
 * attachment is retired so, which is what lets the tests exercise it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/srcu.h>

#include "compat.h"
#include "hwpt_priv.h"
#include "vendor/vendor.h"

/* Retired attachments of every file; GET_INFO shows it. */
atomic_t hwpt_retired_count = ATOMIC_INIT(0);

/*
 * Readers: the page request handler and injected faults, which reach an
 * attachment as the core hands it out, without hwpt's locks. Whoever frees
 * an attachment they might have found, or lets a device go, waits for
 * them first (hwpt_iopf_sync()), and so does module unload.
 */
DEFINE_STATIC_SRCU(hwpt_iopf_srcu);

void hwpt_iopf_sync(void)
{
	synchronize_srcu_expedited(&hwpt_iopf_srcu);
}

void hwpt_faultq_put(struct hwpt_faultq *fq)
{
	if (refcount_dec_and_test(&fq->refs)) {
		mutex_destroy(&fq->mutex);
		kfree(fq);
	}
}

void hwpt_fault_group_answer(struct hwpt_fault_group *fg, u32 code)
{
	if (fg->real)
		hwpt_compat_iopf_answer(fg->real, code);
	kfree(fg);
}

struct hwpt_fault_group *hwpt_fault_group_alloc(unsigned int nr, gfp_t gfp)
{
	struct hwpt_fault_group *fg;

	if (hwpt_should_fail())
		return NULL;
	fg = kzalloc(struct_size(fg, recs, nr), gfp);
	if (fg)
		fg->nr = nr;
	return fg;
}

static void hwpt_fault_destroy(struct hwpt_object *obj)
{
	struct hwpt_faultq *fq = container_of(obj, struct hwpt_fault, obj)->fq;

	WRITE_ONCE(fq->destroyed, true);
	hwpt_faultq_close(fq);
	hwpt_faultq_put(fq);
}

const struct hwpt_object_type hwpt_fault_type = {
	.name = "fault",
	.destroy = hwpt_fault_destroy,
};

static ssize_t hwpt_fault_read(struct file *filep, char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct hwpt_faultq *fq = filep->private_data;
	ssize_t rc;

	for (;;) {
		if (READ_ONCE(fq->destroyed))
			return -ENODEV;
		rc = hwpt_faultq_read(fq, buf, count);
		if (rc != -EAGAIN || (filep->f_flags & O_NONBLOCK))
			return rc;
		if (wait_event_interruptible(fq->wait,
					     hwpt_faultq_readable(fq) ||
					     READ_ONCE(fq->destroyed)))
			return -ERESTARTSYS;
	}
}

static ssize_t hwpt_fault_write(struct file *filep, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct hwpt_faultq *fq = filep->private_data;

	if (READ_ONCE(fq->destroyed))
		return -ENODEV;
	return hwpt_faultq_write(fq, buf, count);
}

static __poll_t hwpt_fault_poll(struct file *filep,
				struct poll_table_struct *wait)
{
	struct hwpt_faultq *fq = filep->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(filep, &fq->wait, wait);
	if (READ_ONCE(fq->destroyed))
		return EPOLLERR;
	if (hwpt_faultq_readable(fq))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int hwpt_fault_release(struct inode *inode, struct file *filep)
{
	struct hwpt_faultq *fq = filep->private_data;

	hwpt_faultq_close(fq);
	hwpt_faultq_put(fq);
	return 0;
}

static const struct file_operations hwpt_fault_fops = {
	.owner = THIS_MODULE,
	.read = hwpt_fault_read,
	.write = hwpt_fault_write,
	.poll = hwpt_fault_poll,
	.release = hwpt_fault_release,
};

int hwpt_fault_alloc_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_fault_alloc *cmd = ucmd->cmd;
	struct hwpt_table *t = &ucmd->ctx->table;
	struct hwpt_faultq *fq;
	struct hwpt_fault *fault;
	struct file *filep;
	int fdno, rc;

	if (cmd->flags)
		return -EOPNOTSUPP;
	if (!hwpt_compat_kernel_iopf() && !hwpt_inject_enabled())
		return -EOPNOTSUPP;

	fault = hwpt_object_alloc(t, struct hwpt_fault, &hwpt_fault_type);
	if (IS_ERR(fault))
		return PTR_ERR(fault);
	fq = hwpt_inject(NULL, kzalloc(sizeof(*fq), GFP_KERNEL_ACCOUNT));
	if (!fq) {
		rc = -ENOMEM;
		goto err_abort;
	}
	hwpt_faultq_init(fq);
	fault->fq = fq;

	fdno = hwpt_inject(-EMFILE, get_unused_fd_flags(O_CLOEXEC));
	if (fdno < 0) {
		rc = fdno;
		goto err_queue;
	}
	filep = hwpt_inject(ERR_PTR(-ENOMEM),
			    anon_inode_getfile("[hwpt-fault]", &hwpt_fault_fops,
					       fq, O_RDWR));
	if (IS_ERR(filep)) {
		rc = PTR_ERR(filep);
		goto err_fd;
	}
	refcount_inc(&fq->refs);
	filep->f_mode |= FMODE_STREAM;

	cmd->out_fault_id = fault->obj.id;
	cmd->out_fault_fd = fdno;
	rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		fput(filep);
		goto err_fd;
	}
	hwpt_object_finalize(t, &fault->obj);
	fd_install(fdno, filep);
	return 0;

err_fd:
	put_unused_fd(fdno);
err_queue:
	hwpt_faultq_put(fq);
err_abort:
	hwpt_object_abort(t, &fault->obj);
	return rc;
}

/* The queue of fault object @obj, for an HWPT that takes a user on it. */
struct hwpt_faultq *hwpt_fault_queue_of(struct hwpt_object *obj)
{
	return container_of(obj, struct hwpt_fault, obj)->fq;
}

/*
 * At bind: the vendor shim, whether page requests can reach a queue, and
 * whether no-snoop can be blocked.
 */
void hwpt_device_probe_iopf(struct hwpt_device *dev)
{
	const struct hwpt_vendor *v = hwpt_vendor_of(&dev->pdev->dev);

	dev->vendor = v;
	dev->coherent = hwpt_compat_coherent(&dev->pdev->dev);
	dev->iopf_capable = hwpt_compat_kernel_iopf() &&
			    !dev->pdev->is_virtfn && v->iopf_capable &&
			    v->iopf_capable(dev->pdev);
}

/* Why hwpt_fault_attach_rule() refused @dev on @pt, in the kernel log. */
static void hwpt_fault_attach_refused(struct hwpt_device *dev,
				      struct hwpt_pt *pt, bool real)
{
	const char *name = pci_name(dev->pdev);

	if (dev->pdev->is_virtfn)
		pr_info_ratelimited("%s: a PCI virtual function cannot attach a fault-capable HWPT: PRI is its PF's, and a wrong answer would stop every VF\n",
				    name);
	else if (!dev->iopf_capable)
		pr_info_ratelimited("%s: page requests of this device cannot reach a fault queue with this kernel and IOMMU (%s)%s\n",
				    name, dev->vendor->name,
				    real ? "" : "; only injected faults could (debug_inject=1)");
	else
		pr_info_ratelimited("%s: HWPT %u takes injected faults only (it was allocated through a device without page requests): the page requests of this device would not reach its queue\n",
				    name, pt->obj.id);
}

int hwpt_device_iopf_on(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	bool real;
	int rc;

	lockdep_assert_held(&dev->ctx->lock);
	if (!pt->fq)
		return 0;
	real = hwpt_domain_takes_faults(pt->domain);
	rc = hwpt_fault_attach_rule(real, dev->iopf_capable,
				    dev->pdev->is_virtfn,
				    hwpt_inject_enabled());
	if (rc) {
		hwpt_fault_attach_refused(dev, pt, real);
		return rc;
	}
	if (!real || dev->iopf_on++)
		return 0;
	rc = hwpt_inject(-ENODEV, hwpt_compat_iopf_enable(&dev->pdev->dev));
	if (rc) {
		dev->iopf_on--;
		pr_info_ratelimited("%s: cannot enable I/O page faults: %d\n",
				    pci_name(dev->pdev), rc);
	}
	return rc;
}

void hwpt_device_iopf_off(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	lockdep_assert_held(&dev->ctx->lock);
	if (pt->fq && hwpt_domain_takes_faults(pt->domain) && !--dev->iopf_on)
		hwpt_compat_iopf_disable(&dev->pdev->dev);
}

struct hwpt_attach *hwpt_attach_alloc(struct hwpt_group *g, struct hwpt_pt *pt)
{
	struct hwpt_attach *att;

	att = hwpt_inject(NULL, kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT));
	if (!att)
		return NULL;
	hwpt_compat_attach_init(att, pt->domain);
	att->group = g;
	att->pt = pt;
	INIT_LIST_HEAD(&att->members);
	INIT_LIST_HEAD(&att->retired_item);
	/* @pt holds its fault object, which holds the queue. */
	if (pt->fq) {
		refcount_inc(&pt->fq->refs);
		att->fq = pt->fq;
	}
	return att;
}

/* The core no longer hands it out, and no reader still holds it. */
static void hwpt_attach_free(struct hwpt_attach *att)
{
	if (att->fq)
		hwpt_faultq_put(att->fq);
	if (att->dref)
		hwpt_domain_put(att->dref);
	kfree(att);
}

void hwpt_attach_release(struct hwpt_attach *att)
{
	struct hwpt_pt *pt = att->pt;
	struct hwpt_group *g = att->group;

	lockdep_assert_held(&g->ctx->lock);
	hwpt_fault_kill_attach(att);
	if (!att->fq || pt->vendor->detach_drains_iopf ||
	    !(hwpt_domain_takes_faults(pt->domain) || hwpt_inject_enabled())) {
		/* Only injection finds an attachment without a handler. */
		if (hwpt_inject_enabled())
			hwpt_iopf_sync();
		hwpt_attach_free(att);
		return;
	}
	/* @pt holds its domain reference until it is destroyed. */
	refcount_inc(&pt->dref->refs);
	att->dref = pt->dref;
	att->pt = NULL;
	list_add_tail(&att->retired_item, &g->retired);
	atomic_inc(&hwpt_retired_count);
}

void hwpt_attach_free_retired(struct hwpt_group *g)
{
	struct hwpt_attach *att, *next;

	lockdep_assert_held(&g->ctx->lock);
	if (list_empty(&g->retired))
		return;
	hwpt_iopf_sync();
	list_for_each_entry_safe(att, next, &g->retired, retired_item) {
		list_del(&att->retired_item);
		atomic_dec(&hwpt_retired_count);
		hwpt_attach_free(att);
	}
}

void hwpt_fault_exit(void)
{
	/* Every file is closed: no attachment is left, only handlers. */
	hwpt_iopf_sync();
}

#if HWPT_COMPAT_IOPF_GROUPS

static_assert(HWPT_PGFAULT_PERM_READ == IOMMU_FAULT_PERM_READ);
static_assert(HWPT_PGFAULT_PERM_WRITE == IOMMU_FAULT_PERM_WRITE);
static_assert(HWPT_PGFAULT_PERM_EXEC == IOMMU_FAULT_PERM_EXEC);
static_assert(HWPT_PGFAULT_PERM_PRIV == IOMMU_FAULT_PERM_PRIV);

static u32 hwpt_iopf_flags(u32 prm_flags)
{
	return (prm_flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID ?
		HWPT_PGFAULT_FLAGS_PASID_VALID : 0) |
	       (prm_flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE ?
		HWPT_PGFAULT_FLAGS_LAST_PAGE : 0);
}

/*
 * The domain's iopf_handler: called by the driver's page request thread
 * for a whole group. The group is ours once dequeued; it is answered
 * through the queue, never with the FAILURE the core gives when a handler
 * fails (that would stop page requests of the whole function).
 */
static int hwpt_iopf_handler(struct iopf_group *group)
{
	struct hwpt_attach *att = container_of(group->attach_handle,
					       struct hwpt_attach, core);
	struct device *dev = group->fault_param->dev;
	struct hwpt_fault_group *fg;
	struct iopf_fault *iopf;
	unsigned int i = 0;
	int idx;

	idx = srcu_read_lock(&hwpt_iopf_srcu);
	iopf_group_dequeue(group);
	fg = hwpt_fault_group_alloc(group->fault_count, GFP_KERNEL);
	if (!fg) {
		hwpt_compat_iopf_answer(group, HWPT_PAGE_RESP_INVALID);
		goto out;
	}
	list_for_each_entry(iopf, &group->faults, list) {
		struct iommu_fault_page_request *prm = &iopf->fault.prm;

		fg->recs[i++] = (struct hwpt_pgfault){
			.flags = hwpt_iopf_flags(prm->flags),
			.pasid = prm->pasid,
			.grpid = prm->grpid,
			.perm = prm->perm,
			.addr = prm->addr,
		};
	}
	fg->real = group;
	hwpt_faultq_report(att, dev_is_pci(dev) ? to_pci_dev(dev) : NULL, fg);
out:
	srcu_read_unlock(&hwpt_iopf_srcu, idx);
	return 0;
}

void hwpt_domain_set_fault_handler(struct iommu_domain *domain)
{
	domain->iopf_handler = hwpt_iopf_handler;
}

bool hwpt_domain_takes_faults(struct iommu_domain *domain)
{
	return domain->iopf_handler == hwpt_iopf_handler;
}

#else /* no page requests reach a module */

void hwpt_domain_set_fault_handler(struct iommu_domain *domain)
{
}

bool hwpt_domain_takes_faults(struct iommu_domain *domain)
{
	return false;
}

#endif

/*
 * An injected group takes the way a page request does: through the
 * attachment the core hands out for the device's group right now, found
 * as the core finds it, with none of the locks the ioctls take, so that
 * it can race detach, replace and unplug as a real one does. It runs as a
 * reader of hwpt_iopf_srcu: a device that leaves hwpt is marked dead and
 * then waits for readers before its group goes (so a reader that saw it
 * alive finds hwpt's attachment, never another owner's), and attachments
 * are freed only after that wait too.
 */
static int hwpt_fault_inject_unlocked(struct hwpt_device *dev,
				      struct hwpt_fault_group *fg)
{
	struct hwpt_group *g;
	struct hwpt_attach *att = NULL;
	int idx, rc = 0;

	idx = srcu_read_lock(&hwpt_iopf_srcu);
	g = READ_ONCE(dev->group);
	if (READ_ONCE(dev->dead) || !g)
		rc = -ENODEV;
	else
		att = hwpt_compat_attach_of_group(g->group);
	if (!rc && (!att || !att->fq))
		rc = -EINVAL;
	if (rc)
		kfree(fg);
	else
		hwpt_faultq_report_dev(att, dev, fg);
	srcu_read_unlock(&hwpt_iopf_srcu, idx);
	return rc;
}

/* Without attach handles: ctx->lock keeps the device on its attachment. */
static int hwpt_fault_inject_locked(struct hwpt_device *dev,
				    struct hwpt_fault_group *fg)
{
	int rc = 0;

	mutex_lock(&dev->ctx->lock);
	if (dev->dead)
		rc = -ENODEV;
	else if (!dev->pt || !dev->pt->fq)
		rc = -EINVAL;
	else
		hwpt_faultq_report_dev(dev->group->att, dev, fg);
	mutex_unlock(&dev->ctx->lock);
	if (rc)
		kfree(fg);
	return rc;
}

int hwpt_fault_inject_ioctl(struct hwpt_ucmd *ucmd)
{
	const u32 perms = HWPT_PGFAULT_PERM_READ | HWPT_PGFAULT_PERM_WRITE |
			  HWPT_PGFAULT_PERM_EXEC | HWPT_PGFAULT_PERM_PRIV;
	struct hwpt_fault_inject *cmd = ucmd->cmd;
	struct hwpt_ctx *ctx = ucmd->ctx;
	bool pasid = cmd->flags & HWPT_PGFAULT_FLAGS_PASID_VALID;
	struct hwpt_fault_group *fg;
	struct hwpt_device *dev;
	struct hwpt_object *obj;
	unsigned int i;
	int rc;

	if (!hwpt_inject_enabled() || !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if ((cmd->flags & ~HWPT_PGFAULT_FLAGS_PASID_VALID) || cmd->__reserved)
		return -EOPNOTSUPP;
	if (!cmd->perm || (cmd->perm & ~perms) || cmd->grpid >= 512 ||
	    !cmd->nr_pages || cmd->nr_pages > HWPT_FAULT_INJECT_MAX_PAGES ||
	    !PAGE_ALIGNED(cmd->addr) ||
	    (pasid ? cmd->pasid >= 1U << 20 : cmd->pasid))
		return -EINVAL;

	fg = hwpt_fault_group_alloc(cmd->nr_pages, GFP_KERNEL_ACCOUNT);
	if (!fg)
		return -ENOMEM;
	for (i = 0; i < fg->nr; i++) {
		fg->recs[i] = (struct hwpt_pgfault){
			.flags = cmd->flags,
			.pasid = cmd->pasid,
			.grpid = cmd->grpid,
			.perm = cmd->perm,
			.addr = cmd->addr + (u64)i * PAGE_SIZE,
		};
	}
	fg->recs[fg->nr - 1].flags |= HWPT_PGFAULT_FLAGS_LAST_PAGE;

	obj = hwpt_object_get(&ctx->table, cmd->dev_id, &hwpt_device_type);
	if (IS_ERR(obj)) {
		kfree(fg);
		return PTR_ERR(obj);
	}
	dev = container_of(obj, struct hwpt_device, obj);
	/*
	 * Only a live device attached to an HWPT takes injected faults;
	 * checked without ctx->lock, as a device's page request comes
	 * whatever hwpt is doing: the route is the core's, below.
	 */
	if (READ_ONCE(dev->dead) || !READ_ONCE(dev->pt)) {
		kfree(fg);
		rc = READ_ONCE(dev->dead) ? -ENODEV : -EINVAL;
	} else if (HAVE_GROUP_HANDLE_API) {
		rc = hwpt_fault_inject_unlocked(dev, fg);
	} else {
		rc = hwpt_fault_inject_locked(dev, fg);
	}
	hwpt_object_put(&ctx->table, obj);
	return rc;
}
