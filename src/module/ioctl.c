// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl surface: one table entry per command, stating the argument
 * structure and the smallest size userspace may pass, and one dispatcher
 * that applies the uAPI's size rules before any handler runs.
 */
#include <linux/fs.h>
#include <linux/uaccess.h>

#include "hwpt_priv.h"

static int hwpt_destroy(struct hwpt_ucmd *ucmd)
{
	struct hwpt_destroy *cmd = ucmd->cmd;

	return hwpt_object_destroy(&ucmd->ctx->table, cmd->id, NULL);
}

/* Writes the (possibly updated) argument back, as far as userspace has room. */
int hwpt_ucmd_respond(struct hwpt_ucmd *ucmd, size_t length)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, length)))
		return -EFAULT;
	return 0;
}

/* Large enough for the argument of any command. */
union hwpt_ucmd_buffer {
	struct hwpt_destroy destroy;
	struct hwpt_get_info get_info;
	struct hwpt_ioas_alloc ioas_alloc;
	struct hwpt_ioas_iova_ranges iova_ranges;
	struct hwpt_ioas_map map;
	struct hwpt_ioas_unmap unmap;
	struct hwpt_hwpt_alloc hwpt_alloc;
	struct hwpt_device_bind bind;
	struct hwpt_device_attach attach;
	struct hwpt_device_detach detach;
	struct hwpt_device_get get;
	struct hwpt_fault_alloc fault_alloc;
	struct hwpt_fault_inject fault_inject;
	struct hwpt_hw_info hw_info;
	struct hwpt_pasid pasid;
	struct hwpt_hwpt_set_dirty_tracking set_dirty;
	struct hwpt_hwpt_get_dirty_bitmap get_dirty;
	struct hwpt_hwpt_invalidate invalidate;
};

struct hwpt_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	int (*execute)(struct hwpt_ucmd *ucmd);
};

#define HWPT_IOCTL(_name, _fn, _struct, _last)                              \
	[HWPT_CMD_##_name - HWPT_CMD_BASE] = {                              \
		.size = sizeof(_struct) +                                   \
			BUILD_BUG_ON_ZERO(sizeof(union hwpt_ucmd_buffer) <  \
					  sizeof(_struct)),                 \
		.min_size = offsetofend(_struct, _last),                    \
		.ioctl_num = HWPT_##_name,                                  \
		.execute = _fn,                                             \
	}

static const struct hwpt_ioctl_op hwpt_ioctl_ops[] = {
	HWPT_IOCTL(DESTROY, hwpt_destroy, struct hwpt_destroy, id),
	HWPT_IOCTL(IOAS_ALLOC, hwpt_ioas_alloc_ioctl,
		   struct hwpt_ioas_alloc, out_ioas_id),
	HWPT_IOCTL(IOAS_IOVA_RANGES, hwpt_ioas_iova_ranges_ioctl,
		   struct hwpt_ioas_iova_ranges, out_iova_alignment),
	HWPT_IOCTL(IOAS_MAP, hwpt_ioas_map_ioctl, struct hwpt_ioas_map,
		   iova),
	HWPT_IOCTL(IOAS_UNMAP, hwpt_ioas_unmap_ioctl,
		   struct hwpt_ioas_unmap, length),
	HWPT_IOCTL(HWPT_ALLOC, hwpt_pt_alloc_ioctl, struct hwpt_hwpt_alloc,
		   __reserved2),
	HWPT_IOCTL(GET_HW_INFO, hwpt_get_hw_info, struct hwpt_hw_info,
		   out_capabilities),
	HWPT_IOCTL(HWPT_SET_DIRTY_TRACKING, hwpt_set_dirty_tracking_ioctl,
		   struct hwpt_hwpt_set_dirty_tracking, __reserved),
	HWPT_IOCTL(HWPT_GET_DIRTY_BITMAP, hwpt_get_dirty_bitmap_ioctl,
		   struct hwpt_hwpt_get_dirty_bitmap, data),
	HWPT_IOCTL(HWPT_INVALIDATE, hwpt_pt_invalidate_ioctl,
		   struct hwpt_hwpt_invalidate, __reserved),
	HWPT_IOCTL(GET_INFO, hwpt_get_info, struct hwpt_get_info,
		   __reserved),
	HWPT_IOCTL(DEVICE_BIND, hwpt_device_bind_ioctl,
		   struct hwpt_device_bind, name),
	HWPT_IOCTL(DEVICE_ATTACH, hwpt_device_attach_ioctl,
		   struct hwpt_device_attach, out_devices_moved),
	HWPT_IOCTL(DEVICE_REPLACE, hwpt_device_replace_ioctl,
		   struct hwpt_device_attach, out_devices_moved),
	HWPT_IOCTL(DEVICE_DETACH, hwpt_device_detach_ioctl,
		   struct hwpt_device_detach, dev_id),
	HWPT_IOCTL(DEVICE_GET, hwpt_device_get_ioctl,
		   struct hwpt_device_get, __reserved),
	HWPT_IOCTL(FAULT_QUEUE_ALLOC, hwpt_fault_alloc_ioctl,
		   struct hwpt_fault_alloc, out_fault_fd),
	HWPT_IOCTL(FAULT_INJECT, hwpt_fault_inject_ioctl,
		   struct hwpt_fault_inject, addr),
	HWPT_IOCTL(PASID_ATTACH, hwpt_pasid_attach_ioctl, struct hwpt_pasid,
		   __reserved),
	HWPT_IOCTL(PASID_REPLACE, hwpt_pasid_replace_ioctl, struct hwpt_pasid,
		   __reserved),
	HWPT_IOCTL(PASID_DETACH, hwpt_pasid_detach_ioctl, struct hwpt_pasid,
		   __reserved),
};

long hwpt_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct hwpt_ucmd ucmd = {
		.ctx = filp->private_data,
		.ubuffer = (void __user *)arg,
	};
	const struct hwpt_ioctl_op *op;
	union hwpt_ucmd_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	int rc;

	if (nr < HWPT_CMD_BASE || nr - HWPT_CMD_BASE >= ARRAY_SIZE(hwpt_ioctl_ops))
		return -ENOTTY;
	op = &hwpt_ioctl_ops[nr - HWPT_CMD_BASE];
	if (!op->execute || op->ioctl_num != cmd)
		return -ENOTTY;

	rc = get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer);
	if (rc)
		return rc;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	ucmd.cmd = &buf;
	/* Bytes past what we know must be zero: E2BIG otherwise. */
	rc = copy_struct_from_user(ucmd.cmd, op->size, ucmd.ubuffer,
				   ucmd.user_size);
	if (rc)
		return rc;
	return op->execute(&ucmd);
}
