/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Contexts, devices, groups and HWPTs as the attach logic (group.c) sees
 * them. Pure logic: group.c builds in the kernel and, for the unit tests,
 * in userspace against tests/unit/shim with a mock backend.
 */
#ifndef HWPT_GROUP_H
#define HWPT_GROUP_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "faultq.h"
#include "object.h"

struct iommu_domain;
struct iommu_group;
struct hwpt_ioas;
struct hwpt_vendor;
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
	/*
	 * Written across the core's attach, replace and detach of this file's
	 * groups, read across map and unmap of this file's attached domains:
	 * a driver may free per-domain state on detach that a concurrent
	 * IOTLB flush walks (Intel on 6.1: domain_detach_iommu() against
	 * intel_iommu_tlb_sync()). Taken after an IOAS's lock, never before.
	 */
	struct rw_semaphore domain_rwsem;
};

/*
 * A hardware page table: a paging domain filled with its IOAS's mappings,
 * or a nested domain over a nest parent's. Held (as a user) by every
 * device attached to it, and a nest parent by each of its nested HWPTs.
 * It never points at the device it was allocated for, which may go away
 * while the domain lives.
 */
struct hwpt_pt {
	struct hwpt_object obj;
	struct hwpt_ctx *ctx;
	/* User reference; a nested HWPT's is its parent's, held by @parent. */
	struct hwpt_ioas *ioas;
	struct hwpt_pt *parent;		/* user reference; NULL: not nested */
	struct hwpt_object *fault;	/* user reference; NULL: no faults */
	struct hwpt_faultq *fq;		/* @fault's queue */
	const struct hwpt_vendor *vendor;	/* of the domain's IOMMU */
	struct iommu_domain *domain;
	struct list_head ioas_item;	/* in ioas->pts, under ioas->lock */
	unsigned int ngroups;		/* groups attached, under ctx->lock */
	bool auto_pt;			/* made by an attach to an IOAS */
	bool coherent;			/* no-snoop blocked */
	bool nest_parent;		/* may have nested HWPTs */
};

/*
 * One attachment of a group to an HWPT, made by each attach and replace.
 * The core's attach handle leads back to it (compat.c embeds it with the
 * handle), so a page request finds its queue and device through it. Once
 * given to the core it is freed only by hwpt_attach_release(), when the
 * IOMMU driver can no longer hand it out.
 */
struct hwpt_attach {
	struct hwpt_group *group;
	struct hwpt_pt *pt;
	struct hwpt_faultq *fq;		/* @pt's, or NULL */
	/* Devices taking faults through it (hwpt_fault_member); fq->lock. */
	struct list_head members;
	bool dead;			/* under fq->lock */
	struct list_head retired_item;	/* awaiting its free, fault.c */
};

/* The bound devices of one IOMMU group in one file, and its attachment. */
struct hwpt_group {
	struct hwpt_ctx *ctx;
	struct iommu_group *group;	/* reference held */
	struct list_head devices;	/* struct hwpt_device, by group_item */
	struct hwpt_pt *pt;		/* NULL: DMA blocked */
	struct hwpt_attach *att;	/* with @pt */
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
	/* Read at bind: dev->iommu goes away with an unplugged device. */
	const struct hwpt_vendor *vendor;
	bool iopf_capable;		/* page requests can reach a queue */
	bool coherent;			/* its IOMMU can block no-snoop */
	unsigned int iopf_on;		/* fault-capable HWPTs it is on */
	struct xarray pasids;		/* attached PASIDs, pasid.c */
	struct hwpt_fault_counts fault_counts;
};

/* group.c: attachments, under ctx->lock */
int hwpt_group_attach(struct hwpt_device *dev, struct hwpt_pt *pt);
int hwpt_group_replace(struct hwpt_device *dev, struct hwpt_pt *pt,
		       struct hwpt_pt **orphan);
struct hwpt_pt *hwpt_group_detach(struct hwpt_device *dev);

/*
 * The backend group.c drives: the IOMMU core (compat.c), faults (fault.c)
 * and the IOAS's reserved regions (ioas.c).
 *
 * hwpt_attach_alloc() makes an attachment of @g to @pt, for the core
 * calls; hwpt_compat_replace() sets *lost_old when it failed and could not
 * put the old domain back either. hwpt_attach_release() answers the faults
 * of an attachment the core has stopped using and frees it when the IOMMU
 * driver can no longer deliver to it. hwpt_device_iopf_on() checks that a
 * device may take faults through @pt and enables them where the kernel
 * wants that done by hand; it does nothing for an HWPT without faults.
 */
struct hwpt_attach *hwpt_attach_alloc(struct hwpt_group *g,
				      struct hwpt_pt *pt);
void hwpt_attach_release(struct hwpt_attach *att);
int hwpt_compat_attach(struct hwpt_group *g, struct hwpt_attach *att);
int hwpt_compat_replace(struct hwpt_group *g, struct hwpt_attach *old,
			struct hwpt_attach *att, bool *lost_old);
void hwpt_compat_detach(struct hwpt_group *g, struct hwpt_attach *att);
int hwpt_device_iopf_on(struct hwpt_device *dev, struct hwpt_pt *pt);
void hwpt_device_iopf_off(struct hwpt_device *dev, struct hwpt_pt *pt);
int hwpt_ioas_add_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g);
void hwpt_ioas_remove_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g);

#endif /* HWPT_GROUP_H */
