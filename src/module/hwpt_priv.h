/* SPDX-License-Identifier: GPL-2.0 */
/* Private header shared by the module's files. */
#ifndef HWPT_PRIV_H
#define HWPT_PRIV_H

#include <linux/hwpt.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "compat.h"
#include "inject.h"
#include "object.h"

struct pci_dev;

/* One open /dev/hwpt file. */
struct hwpt_ctx {
	struct hwpt_table table;
	/*
	 * Serialises bind, unbind, hot-unplug, attach, replace and detach of
	 * this file's devices. Protects every hwpt_group of the file, each
	 * device's @pt and @dead, and each HWPT's @ngroups. Taken before an
	 * IOAS's lock, never while holding a device_lock.
	 */
	struct mutex lock;
	struct xarray groups;	/* iommu_group_id -> hwpt_group, under @lock */
};

/*
 * An IO address space: the mappings userspace made, and the HWPTs whose
 * domains hold every one of them. Held (as a user) by each of those HWPTs.
 */
struct hwpt_ioas {
	struct hwpt_object obj;
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

/*
 * A hardware page table: a paging domain filled with its IOAS's mappings.
 * Held (as a user) by every device attached to it. It never points at the
 * device it was allocated for, which may go away while the domain lives.
 */
struct hwpt_pt {
	struct hwpt_object obj;
	struct hwpt_ctx *ctx;
	struct hwpt_ioas *ioas;		/* user reference */
	struct iommu_domain *domain;
	struct list_head ioas_item;	/* in ioas->pts, under ioas->lock */
	unsigned int ngroups;		/* groups attached, under ctx->lock */
	bool auto_pt;			/* made by an attach to an IOAS */
};

/* The bound devices of one IOMMU group in one file, and its attachment. */
struct hwpt_group {
	struct hwpt_ctx *ctx;
	struct iommu_group *group;	/* reference held */
	struct list_head devices;	/* struct hwpt_device, by group_item */
	struct hwpt_pt *pt;		/* NULL: DMA blocked */
	struct hwpt_attach_handle *handle;
};

/* A bound device. Holds its group; holds a user reference on @pt. */
struct hwpt_device {
	struct hwpt_object obj;
	struct hwpt_ctx *ctx;
	struct pci_dev *pdev;		/* reference held */
	struct hwpt_group *group;	/* NULL once dead */
	struct list_head group_item;
	struct hwpt_pt *pt;		/* NULL: detached */
	bool dead;			/* unplugged or unbound */
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
int hwpt_ioas_alloc_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_ioas_map_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_ioas_unmap_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_ioas_iova_ranges_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_pt_alloc_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_bind_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_attach_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_replace_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_detach_ioctl(struct hwpt_ucmd *ucmd);
int hwpt_device_get_ioctl(struct hwpt_ucmd *ucmd);

extern const struct hwpt_object_type hwpt_ioas_type;
extern const struct hwpt_object_type hwpt_pt_type;
extern const struct hwpt_object_type hwpt_device_type;

/* ioas.c: keeping domains in step with the mappings */
int hwpt_ioas_add_domain(struct hwpt_ioas *ioas, struct hwpt_pt *pt);
void hwpt_ioas_remove_domain(struct hwpt_ioas *ioas, struct hwpt_pt *pt);
int hwpt_ioas_add_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g);
void hwpt_ioas_remove_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g);

/* pagetable.c; hwpt_pt_create() under ctx->lock */
struct hwpt_pt *hwpt_pt_create(struct hwpt_ctx *ctx, struct hwpt_ioas *ioas,
			       struct hwpt_device *dev, bool auto_pt);

/* group.c: attachments, under ctx->lock */
int hwpt_group_attach(struct hwpt_device *dev, struct hwpt_pt *pt);
int hwpt_group_replace(struct hwpt_device *dev, struct hwpt_pt *pt,
		       struct hwpt_pt **orphan);
struct hwpt_pt *hwpt_group_detach(struct hwpt_device *dev);
void hwpt_pt_put_orphan(struct hwpt_ctx *ctx, struct hwpt_pt *orphan);

/* device.c */
int hwpt_device_driver_register(void);
void hwpt_device_driver_unregister(void);

#endif /* HWPT_PRIV_H */
