/* SPDX-License-Identifier: GPL-2.0 */
/* Private header shared by the module's files. */
#ifndef HWPT_PRIV_H
#define HWPT_PRIV_H

#include <linux/bits.h>
#include <linux/hwpt.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>

#include "compat.h"
#include "group.h"
#include "inject.h"
#include "object.h"

/*
 * An IO address space: the mappings userspace made, and the HWPTs whose
 * domains hold every one of them. Held (as a user) by each of those HWPTs.
 */
struct hwpt_ioas {
	struct hwpt_object obj;
	struct hwpt_ctx *ctx;
	/*
	 * Protects @areas, @pts and @resv: held across a whole map or unmap,
	 * so every domain of the IOAS changes in step.
	 */
	struct mutex lock;
	struct rb_root_cached areas;	/* struct hwpt_area by IOVA */
	struct list_head pts;		/* struct hwpt_pt, by ioas_item */
	struct list_head resv;		/* struct hwpt_resv */
};

/* A reserved IOVA range of a group attached to one of the IOAS's HWPTs. */
struct hwpt_resv {
	struct list_head item;
	unsigned long start;
	unsigned long last;
	struct hwpt_group *owner;
};

/* One ioctl call: the argument copied in, and where to write it back. */
struct hwpt_ucmd {
	struct hwpt_ctx *ctx;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

int hwpt_ucmd_respond(struct hwpt_ucmd *ucmd, size_t length);
long hwpt_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);

/* Handlers, one per command, in the file of the object they act on. */
int hwpt_get_info(struct hwpt_ucmd *ucmd);
int hwpt_get_hw_info(struct hwpt_ucmd *ucmd);
int hwpt_ioas_alloc_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_ioas_map_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_ioas_unmap_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_ioas_iova_ranges_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_pt_alloc_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_pt_invalidate_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_set_dirty_tracking_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_get_dirty_bitmap_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_bind_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_attach_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_replace_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_detach_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_get_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_fault_alloc_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_fault_inject_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_pasid_attach_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_pasid_replace_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_pasid_detach_ioctl(struct hwpt_ucmd *ucmd);

extern const struct hwpt_object_type hwpt_ioas_type;
extern const struct hwpt_object_type hwpt_pt_type;
extern const struct hwpt_object_type hwpt_device_type;
extern const struct hwpt_object_type hwpt_fault_type;

/* ioas.c: keeping domains in step with the mappings */
int hwpt_ioas_add_domain(struct hwpt_ioas *ioas, struct hwpt_pt *pt);
void hwpt_ioas_remove_domain(struct hwpt_ioas *ioas, struct hwpt_pt *pt);

/*
 * pagetable.c; hwpt_pt_create() under ctx->lock, @flags HWPT_PT_AUTO (an
 * automatic HWPT), HWPT_HWPT_ALLOC_ENFORCE_COHERENCY and _NEST_PARENT.
 */
#define HWPT_PT_AUTO BIT(31)
struct hwpt_pt *hwpt_pt_create(struct hwpt_ctx *ctx, struct hwpt_ioas *ioas,
			       struct hwpt_device *dev,
			       struct hwpt_object *fault, u32 flags);
void hwpt_pt_put_orphan(struct hwpt_ctx *ctx, struct hwpt_pt *orphan);

/* fault.c */
struct hwpt_fault_group *hwpt_fault_group_alloc(unsigned int nr, gfp_t gfp);
struct hwpt_faultq *hwpt_fault_queue_of(struct hwpt_object *obj);
void hwpt_device_probe_iopf(struct hwpt_device *dev);
void hwpt_fault_exit(void);

/* pasid.c, under ctx->lock */
void hwpt_device_pasids_release(struct hwpt_device *dev);

/* device.c */
int hwpt_device_driver_register(void);
void hwpt_device_driver_unregister(void);

#endif /* HWPT_PRIV_H */
