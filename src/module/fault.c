// SPDX-License-Identifier: GPL-2.0
/*
 * Fault queue objects and their files, fault-capable attachments, and
 * fault injection. The queue logic itself is faultq.c.
 *
 * An attachment the core has stopped using is freed only when the IOMMU
 * driver can no longer report through it: if its domain takes real page
 * requests and the vendor's detach does not drain them, it is retired
 * (dead, answered, and kept until the module unloads) instead.
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "hwpt_priv.h"
#include "vendor.h"

/* The queue, held by its object and by its file, which may outlive it. */
struct hwpt_fault_queue {
	struct hwpt_faultq q;
	refcount_t refs;
	bool destroyed;			/* the object is gone: the file is dead */
};

/* A fault queue object. Held (as a user) by each HWPT that names it. */
struct hwpt_fault {
	struct hwpt_object obj;
	struct hwpt_fault_queue *queue;
};

/* Retired attachments, freed when the module unloads. */
static DEFINE_MUTEX(hwpt_retired_lock);
static LIST_HEAD(hwpt_retired);

static void hwpt_fault_queue_put(struct hwpt_fault_queue *queue)
{
	if (refcount_dec_and_test(&queue->refs)) {
		mutex_destroy(&queue->q.mutex);
		kfree(queue);
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
	struct hwpt_fault_queue *queue =
		container_of(obj, struct hwpt_fault, obj)->queue;

	WRITE_ONCE(queue->destroyed, true);
	hwpt_faultq_close(&queue->q);
	hwpt_fault_queue_put(queue);
}

const struct hwpt_object_type hwpt_fault_type = {
	.name = "fault",
	.destroy = hwpt_fault_destroy,
};

static ssize_t hwpt_fault_read(struct file *filep, char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct hwpt_fault_queue *queue = filep->private_data;
	ssize_t rc;

	for (;;) {
		if (READ_ONCE(queue->destroyed))
			return -ENODEV;
		rc = hwpt_faultq_read(&queue->q, buf, count);
		if (rc != -EAGAIN || (filep->f_flags & O_NONBLOCK))
			return rc;
		if (wait_event_interruptible(queue->q.wait,
					     hwpt_faultq_readable(&queue->q) ||
					     READ_ONCE(queue->destroyed)))
			return -ERESTARTSYS;
	}
}

static ssize_t hwpt_fault_write(struct file *filep, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct hwpt_fault_queue *queue = filep->private_data;

	if (READ_ONCE(queue->destroyed))
		return -ENODEV;
	return hwpt_faultq_write(&queue->q, buf, count);
}

static __poll_t hwpt_fault_poll(struct file *filep,
				struct poll_table_struct *wait)
{
	struct hwpt_fault_queue *queue = filep->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(filep, &queue->q.wait, wait);
	if (READ_ONCE(queue->destroyed))
		return EPOLLERR;
	if (hwpt_faultq_readable(&queue->q))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int hwpt_fault_release(struct inode *inode, struct file *filep)
{
	struct hwpt_fault_queue *queue = filep->private_data;

	hwpt_faultq_close(&queue->q);
	hwpt_fault_queue_put(queue);
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
	struct hwpt_fault_queue *queue;
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
	queue = hwpt_inject(NULL, kzalloc(sizeof(*queue), GFP_KERNEL_ACCOUNT));
	if (!queue) {
		rc = -ENOMEM;
		goto err_abort;
	}
	hwpt_faultq_init(&queue->q);
	refcount_set(&queue->refs, 1);
	fault->queue = queue;

	fdno = hwpt_inject(-EMFILE, get_unused_fd_flags(O_CLOEXEC));
	if (fdno < 0) {
		rc = fdno;
		goto err_queue;
	}
	filep = hwpt_inject(ERR_PTR(-ENOMEM),
			    anon_inode_getfile("[hwpt-fault]", &hwpt_fault_fops,
					       queue, O_RDWR));
	if (IS_ERR(filep)) {
		rc = PTR_ERR(filep);
		goto err_fd;
	}
	refcount_inc(&queue->refs);
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
	hwpt_fault_queue_put(queue);
err_abort:
	hwpt_object_abort(t, &fault->obj);
	return rc;
}

/* The queue of fault object @obj, for an HWPT that takes a user on it. */
struct hwpt_faultq *hwpt_fault_queue_of(struct hwpt_object *obj)
{
	return &container_of(obj, struct hwpt_fault, obj)->queue->q;
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

/* Real page requests of @dev will arrive through @pt's domain. */
static bool hwpt_pt_real_faults(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	return pt->fq && hwpt_compat_domain_takes_faults(pt->domain) &&
	       dev->iopf_capable;
}

int hwpt_device_iopf_on(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	const char *name = pci_name(dev->pdev);
	int rc;

	if (!pt->fq)
		return 0;
	if (dev->pdev->is_virtfn) {
		/* PRI is the PF's: a wrong answer would stop every VF. */
		pr_info("hwpt: %s: a PCI virtual function cannot attach a fault-capable HWPT\n",
			name);
		return -EINVAL;
	}
	if (!dev->iopf_capable && !hwpt_inject_enabled()) {
		pr_info("hwpt: %s: page requests of this device cannot reach a fault queue with this kernel and IOMMU (%s); only injected faults could (debug_inject=1)\n",
			name, dev->vendor->name);
		return -EOPNOTSUPP;
	}
	if (!hwpt_pt_real_faults(dev, pt) || dev->iopf_on++)
		return 0;
	rc = hwpt_inject(-ENODEV, hwpt_compat_iopf_enable(&dev->pdev->dev));
	if (rc) {
		dev->iopf_on--;
		pr_info("hwpt: %s: cannot enable I/O page faults: %d\n", name,
			rc);
	}
	return rc;
}

void hwpt_device_iopf_off(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	if (hwpt_pt_real_faults(dev, pt) && !--dev->iopf_on)
		hwpt_compat_iopf_disable(&dev->pdev->dev);
}

void hwpt_attach_release(struct hwpt_attach *att)
{
	bool real = att->fq && hwpt_compat_domain_takes_faults(att->pt->domain);

	hwpt_fault_kill_attach(att);
	if (!real || att->pt->vendor->detach_drains_iopf) {
		hwpt_compat_attach_free(att);
		return;
	}
	mutex_lock(&hwpt_retired_lock);
	list_add_tail(&att->retired_item, &hwpt_retired);
	mutex_unlock(&hwpt_retired_lock);
}

void hwpt_fault_exit(void)
{
	struct hwpt_attach *att, *next;

	list_for_each_entry_safe(att, next, &hwpt_retired, retired_item)
		hwpt_compat_attach_free(att);
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
	int rc = 0;

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
	 * ctx->lock keeps the device on its attachment, as the hardware
	 * drain keeps a real request: detach and replace wait for it.
	 */
	mutex_lock(&ctx->lock);
	if (dev->dead)
		rc = -ENODEV;
	else if (!dev->pt || !dev->pt->fq)
		rc = -EINVAL;
	else
		hwpt_faultq_report_dev(dev->group->att, dev, fg);
	mutex_unlock(&ctx->lock);
	if (rc)
		kfree(fg);
	hwpt_object_put(&ctx->table, obj);
	return rc;
}
