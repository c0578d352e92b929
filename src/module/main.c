// SPDX-License-Identifier: GPL-2.0
/*
 * hwpt: iommufd's model of userspace IOMMU control, as a module for kernels
 * that do not build iommufd. Each open of /dev/hwpt is an isolated context
 * of numbered objects; closing it destroys them all.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "hwpt_priv.h"

static int hwpt_open(struct inode *inode, struct file *filp)
{
	struct hwpt_ctx *ctx;

	/* Userspace that controls DMA can reach all of memory. */
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	if (hwpt_should_fail())
		return -ENOMEM;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	hwpt_table_init(&ctx->table);
	mutex_init(&ctx->lock);
	init_rwsem(&ctx->domain_rwsem);
	xa_init(&ctx->groups);
	filp->private_data = ctx;
	return 0;
}

static int hwpt_release(struct inode *inode, struct file *filp)
{
	struct hwpt_ctx *ctx = filp->private_data;

	hwpt_table_destroy_all(&ctx->table);
	/* Every device is unbound, so every group is gone. */
	WARN_ON(!xa_empty(&ctx->groups));
	xa_destroy(&ctx->groups);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
	return 0;
}

static const struct file_operations hwpt_fops = {
	.owner = THIS_MODULE,
	.open = hwpt_open,
	.release = hwpt_release,
	.unlocked_ioctl = hwpt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice hwpt_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hwpt",
	.fops = &hwpt_fops,
	.mode = 0600,
};

static int __init hwpt_init(void)
{
	int rc;

	rc = hwpt_device_driver_register();
	if (rc)
		return rc;
	rc = misc_register(&hwpt_misc);
	if (rc)
		hwpt_device_driver_unregister();
	return rc;
}

static void __exit hwpt_exit(void)
{
	misc_deregister(&hwpt_misc);
	hwpt_device_driver_unregister();
	hwpt_fault_exit();
}

module_init(hwpt_init);
module_exit(hwpt_exit);

MODULE_DESCRIPTION("Userspace IOMMU page tables for kernels without iommufd");
MODULE_LICENSE("GPL");
MODULE_VERSION(HWPT_VERSION);
