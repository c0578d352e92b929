/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hwpt's private header: every object of the module, what each lock
 * protects, the one order in which locks nest, and who holds references to
 * what. The files of pure logic (object.c, group.c, faultq.c) build in the
 * kernel and, for the unit tests, in userspace against tests/unit/shim.
 *
 * Lock order, outermost first: a lock is only ever taken while holding
 * locks above it (each rule below is also a lockdep_assert_held() where
 * the lock is needed):
 *
 *   hwpt_bind_lock        device.c: one bind, or unbind of a destroyed
 *                         device, at a time (hwpt_binding)
 *   device_lock(pdev)     the driver core's, held around probe() and
 *                         remove(); hwpt holds it around a device's whole
 *                         teardown (hwpt_device_shutdown()), as remove() is
 *   ctx->lock             a file's devices, groups and attachments
 *   ioas->lock            an IOAS's mappings, domains and reserved regions
 *   ctx->domain_rwsem     the core's attach, replace and detach (write)
 *                         against map and unmap of attached domains (read);
 *                         the IOMMU core's group->mutex nests inside
 *   fq->mutex             a fault queue's read, write and sweeps
 *   fq->lock              a fault queue's lists and its attachments'
 *                         members; a spinlock: the page request handler
 *                         takes it, so nothing under it sleeps
 *   t->objects.xa_lock    the object table, and every object's @users
 *
 * The IOMMU driver's page request thread calls hwpt's handler holding
 * none of these, and the handler takes only fq->lock: a detach that waits
 * for that thread (ctx->lock, domain_rwsem, group->mutex held) cannot
 * deadlock with it. No ctx->lock holder takes a device_lock.
 *
 * References: struct hwpt_object's @refs is held by the table while the
 * object is in it and by whoever looked it up (hwpt_object_get()), until
 * hwpt_object_put(); an object's memory lives until the last is dropped.
 * @users counts the objects that depend on it (an HWPT on its IOAS):
 * while it has users it cannot be destroyed. A reference is only ever
 * taken through the table (hwpt_object_get() and friends, under its lock),
 * never on an object whose count may already be zero. Pointer fields say
 * below what they hold: "user" (a user of the object), "ref" (a reference
 * count of another kind), or "borrowed" (nothing: why it stays valid).
 */
#ifndef HWPT_PRIV_H
#define HWPT_PRIV_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/hwpt.h>
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "conftest.h"
#include "inject.h"

struct file;
struct iommu_domain;
struct iommu_group;
struct mm_struct;
struct page;
struct pci_dev;
struct user_struct;
struct hwpt_vendor;

/* ---- The object table (object.c) ---- */

struct hwpt_object;

/* One per kind of object: what it is called and how it is torn down. */
struct hwpt_object_type {
	const char *name;
	/*
	 * Releases what the object holds, including its users on other
	 * objects. Called once no ioctl can reach the object (also for one
	 * that was never published, from hwpt_object_abort_and_destroy());
	 * the table frees the object's memory afterwards.
	 */
	void (*destroy)(struct hwpt_object *obj);
};

struct hwpt_object {
	const struct hwpt_object_type *type;
	u32 id;
	unsigned int users;		/* under the table's xa_lock */
	bool published;			/* finalized; under the xa_lock */
	refcount_t refs;
};

/*
 * The objects of one open file by ID (from 1). A reserved ID whose object
 * is not published yet holds XA_ZERO_ENTRY, which lookups do not see.
 */
struct hwpt_table {
	struct xarray objects;		/* its xa_lock: every object's @users */
	wait_queue_head_t destroy_wait;	/* destroyers wait for refs here */
};

void hwpt_table_init(struct hwpt_table *t);
void hwpt_table_destroy_all(struct hwpt_table *t);

struct hwpt_object *__hwpt_object_alloc(struct hwpt_table *t, size_t size,
					const struct hwpt_object_type *type);
/* Allocate a struct @type_t whose struct hwpt_object is named obj. */
#define hwpt_object_alloc(t, type_t, objtype)                               \
	container_of_or_err(__hwpt_object_alloc(t, sizeof(type_t), objtype), \
			    type_t, obj)
void hwpt_object_finalize(struct hwpt_table *t, struct hwpt_object *obj);
void hwpt_object_abort(struct hwpt_table *t, struct hwpt_object *obj);
void hwpt_object_abort_and_destroy(struct hwpt_table *t,
				   struct hwpt_object *obj);

struct hwpt_object *hwpt_object_get(struct hwpt_table *t, u32 id,
				    const struct hwpt_object_type *type);
void hwpt_object_put(struct hwpt_table *t, struct hwpt_object *obj);
int hwpt_object_add_user(struct hwpt_table *t, struct hwpt_object *obj);
void hwpt_object_drop_user(struct hwpt_table *t, struct hwpt_object *obj);
struct hwpt_object *hwpt_object_get_unused(struct hwpt_table *t,
					   struct hwpt_object *obj);
int hwpt_object_destroy(struct hwpt_table *t, u32 id,
			const struct hwpt_object_type *type);
int hwpt_object_destroy_held(struct hwpt_table *t, struct hwpt_object *obj);

/* container_of() that passes an ERR_PTR through unchanged. */
#define container_of_or_err(ptr, type_t, member)                       \
	({                                                             \
		struct hwpt_object *__o = (ptr);                       \
		IS_ERR(__o) ? ERR_CAST(__o) :                          \
			      container_of(__o, type_t, member);       \
	})

/* ---- Contexts ---- */

/* One open /dev/hwpt file. Every object of it points here, borrowed. */
struct hwpt_ctx {
	struct hwpt_table table;
	/*
	 * Protects every hwpt_group of the file (its devices list, @pt and
	 * @att), each device's @group, @pt, @dead, @iopf_on and @pasids, and
	 * each HWPT's @ngroups and its place on its IOAS's list of HWPTs.
	 */
	struct mutex lock;
	struct xarray groups;	/* iommu_group_id -> hwpt_group; @lock */
	/*
	 * Written across the core's attach, replace and detach of this
	 * file's groups and PASIDs, read across map and unmap of this file's
	 * domains: a driver may free per-domain state on detach that a
	 * concurrent IOTLB flush walks (Intel on 6.1: domain_detach_iommu()
	 * against intel_iommu_tlb_sync()).
	 */
	struct rw_semaphore domain_rwsem;
};

/* ---- IO address spaces (ioas.c) ---- */

/*
 * A mapping: user pages pinned and mapped at [start, last] in every domain
 * of its IOAS. Owned by its IOAS's tree, under ioas->lock.
 */
struct hwpt_area {
	struct rb_node rb;
	unsigned long start;
	unsigned long last;
	unsigned long __subtree_last;
	struct page **pages;		/* pinned (FOLL_PIN) */
	unsigned long npages;
	int prot;			/* IOMMU_READ/WRITE/CACHE */
	/* The pins are charged here: @charged pages to each. */
	struct user_struct *user;	/* ref (get_uid) */
	struct mm_struct *mm;		/* ref (mmgrab), its pinned_vm */
	unsigned long charged;		/* 0: the mapper had CAP_IPC_LOCK */
};

/* A reserved IOVA range of a group attached to one of the IOAS's HWPTs. */
struct hwpt_resv {
	struct list_head item;		/* in ioas->resv */
	unsigned long start;
	unsigned long last;
	const void *owner;		/* its group or PASID; removes it */
};

/*
 * An IO address space: the mappings userspace made, and the HWPTs whose
 * domains hold every one of them. Each of those HWPTs is a user of it.
 */
struct hwpt_ioas {
	struct hwpt_object obj;
	struct hwpt_ctx *ctx;
	/*
	 * Protects @areas, @pts and @resv; held across a whole map or
	 * unmap, so every domain of the IOAS changes in step.
	 */
	struct mutex lock;
	struct rb_root_cached areas;	/* struct hwpt_area by IOVA */
	struct list_head pts;		/* struct hwpt_pt, by ioas_item */
	struct list_head resv;		/* struct hwpt_resv */
};

/* ---- Fault queues (faultq.c: the queue; fault.c: object and file) ---- */

/*
 * What happened to fault groups: of one device (DEVICE_GET), and of all
 * devices since the module was loaded (hwpt_fault_totals, GET_INFO).
 */
struct hwpt_fault_counts {
	atomic_t faults;
	atomic_t success;
	atomic_t invalid;
	atomic_t autoresp;
};

extern struct hwpt_fault_counts hwpt_fault_totals;

/*
 * One fault group: the pages of one page request group of one device.
 * @recs are complete but for @dev_id and @cookie, set when read. Owned by
 * the queue's lists until answered, which frees it.
 */
struct hwpt_fault_group {
	struct list_head node;		/* in fq->deliver or fq->response */
	/* Borrowed: a dying attachment, or a leaving device, sweeps it. */
	struct hwpt_attach *att;
	struct hwpt_device *dev;
	void *real;			/* the core's iopf_group; NULL if injected */
	u32 cookie;
	bool answered;			/* while a write() validates */
	unsigned int nr;
	struct hwpt_pgfault recs[];
};

/*
 * A fault queue, shared by the fault-capable HWPTs that name it. Its
 * memory is held (@refs) by its object, by its file, and by every
 * attachment made through it (a late page request may still take @lock).
 */
struct hwpt_faultq {
	/* Protects @deliver, @ngroups, @closed, and attachments' members. */
	spinlock_t lock;
	/* Protects @response and @next_cookie; serialises read and write. */
	struct mutex mutex;
	struct list_head deliver;	/* groups not yet read, oldest first */
	struct list_head response;	/* groups read, not yet answered */
	unsigned int ngroups;		/* in both lists */
	u32 next_cookie;
	bool closed;			/* no reader: answer at once */
	bool destroyed;			/* the object is gone: the file is dead */
	wait_queue_head_t wait;		/* readers and pollers */
	refcount_t refs;
};

/* A fault queue object. Each HWPT that names it is a user of it. */
struct hwpt_fault {
	struct hwpt_object obj;
	struct hwpt_faultq *fq;		/* ref */
};

/* A device taking faults through an attachment; under fq->lock. */
struct hwpt_fault_member {
	struct list_head item;		/* in att->members */
	struct hwpt_device *dev;	/* borrowed: it leaves first */
};

/* ---- HWPTs (pagetable.c) ---- */

/*
 * An HWPT's domain, held by the HWPT and by each of its retired
 * attachments, which a late page request may still reach it through:
 * freed with the last of them. A nested domain holds its parent's.
 */
struct hwpt_domain_ref {
	refcount_t refs;
	struct iommu_domain *domain;
	struct hwpt_domain_ref *parent;	/* ref; NULL: not nested */
};

/*
 * A hardware page table: a paging domain filled with its IOAS's mappings,
 * or a nested domain over a nest parent's. Every device attached to it,
 * and every PASID, is a user of it; so is each nested HWPT of a nest
 * parent. It never points at the device it was allocated for, which may
 * go away while the domain lives.
 */
struct hwpt_pt {
	struct hwpt_object obj;
	struct hwpt_ctx *ctx;
	/* User; a nested HWPT's is its parent's, and @parent is the user. */
	struct hwpt_ioas *ioas;
	struct hwpt_pt *parent;		/* user; NULL: not nested */
	struct hwpt_object *fault;	/* user; NULL: no faults */
	struct hwpt_faultq *fq;		/* @fault's queue, borrowed */
	const struct hwpt_vendor *vendor;	/* of the domain's IOMMU */
	struct iommu_domain *domain;	/* @dref's */
	struct hwpt_domain_ref *dref;	/* ref */
	struct list_head ioas_item;	/* in ioas->pts, under ioas->lock */
	unsigned int ngroups;		/* groups attached, under ctx->lock */
	bool auto_pt;			/* made by an attach to an IOAS */
	bool coherent;			/* no-snoop blocked */
	bool nest_parent;		/* may have nested HWPTs */
};

/* ---- Groups, attachments and devices (group.c, device.c) ---- */

/*
 * One attachment of a group to an HWPT, made by each attach and replace.
 * The core's attach handle is its first member, so a page request finds
 * the attachment, and through it the queue and device. Owned by its group
 * (g->att) while the core may hand it out; then freed by
 * hwpt_attach_release(), or retired if the IOMMU driver might still
 * report through it: a retired attachment is the group's (g->retired)
 * until the group's last device leaves hwpt, and keeps what a late page
 * request can touch, its queue and its domain.
 */
struct hwpt_attach {
#if HAVE_GROUP_HANDLE_API
	struct iommu_attach_handle core;
#endif
	struct hwpt_group *group;	/* borrowed, while not retired */
	struct hwpt_pt *pt;		/* borrowed, while not retired */
	struct hwpt_faultq *fq;		/* @pt's; ref; NULL: no faults */
	/* Devices taking faults through it (hwpt_fault_member); fq->lock. */
	struct list_head members;
	bool dead;			/* under fq->lock */
	struct hwpt_domain_ref *dref;	/* ref, while retired */
	struct list_head retired_item;	/* in group->retired, ctx->lock */
};

/*
 * The bound devices of one IOMMU group in one file, and its attachment.
 * Owned by ctx->groups while it has devices; holds its iommu_group (ref).
 */
struct hwpt_group {
	struct hwpt_ctx *ctx;
	struct iommu_group *group;	/* ref */
	struct list_head devices;	/* struct hwpt_device, by group_item */
	struct hwpt_pt *pt;		/* borrowed from its devices; NULL: blocked */
	struct hwpt_attach *att;	/* owned, with @pt */
	struct list_head retired;	/* owned, struct hwpt_attach */
};

/* A bound device. Its group lives while it is on the group's list. */
struct hwpt_device {
	struct hwpt_object obj;
	struct hwpt_ctx *ctx;
	struct pci_dev *pdev;		/* ref */
	struct hwpt_group *group;	/* borrowed; NULL once dead */
	struct list_head group_item;
	struct hwpt_pt *pt;		/* user; NULL: detached */
	bool dead;			/* unplugged, unbound or destroyed */
	/* Read at bind: dev->iommu goes away with an unplugged device. */
	const struct hwpt_vendor *vendor;
	bool iopf_capable;		/* page requests can reach a queue */
	bool coherent;			/* its IOMMU can block no-snoop */
	unsigned int iopf_on;		/* fault-capable HWPTs it is on */
	struct xarray pasids;		/* struct hwpt_pasid_att, pasid.c */
	struct hwpt_fault_counts fault_counts;
};

/* One attached PASID of a device: a user of its HWPT. */
struct hwpt_pasid_att {
	struct hwpt_pt *pt;		/* user */
	struct hwpt_pasid_handle *handle;	/* owned; the core keeps it */
};

/* One ioctl call: the argument copied in, and where to write it back. */
struct hwpt_ucmd {
	struct hwpt_ctx *ctx;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

/* ---- Functions, by the file they are in ---- */

/* ioctl.c */
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

/* ioas.c: domains in step with the mappings, groups' reserved regions */
int hwpt_ioas_add_domain(struct hwpt_ioas *ioas, struct hwpt_pt *pt);
void hwpt_ioas_remove_domain(struct hwpt_ioas *ioas, struct hwpt_pt *pt);
/* -EADDRINUSE if a reserved region already holds a mapping. */
int hwpt_ioas_add_resv(struct hwpt_ioas *ioas, struct iommu_group *group,
		       const void *owner);
void hwpt_ioas_remove_resv(struct hwpt_ioas *ioas, const void *owner);
int hwpt_ioas_add_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g);
void hwpt_ioas_remove_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g);

/*
 * pagetable.c. hwpt_pt_create() makes an HWPT that is not published yet
 * (hwpt_object_finalize() or hwpt_object_abort_and_destroy() is the
 * caller's); @flags: HWPT_PT_AUTO (an automatic HWPT),
 * HWPT_HWPT_ALLOC_ENFORCE_COHERENCY and _NEST_PARENT.
 */
#define HWPT_PT_AUTO BIT(31)
struct hwpt_pt *hwpt_pt_create(struct hwpt_ctx *ctx, struct hwpt_ioas *ioas,
			       struct hwpt_device *dev,
			       struct hwpt_object *fault, u32 flags);
void hwpt_pt_abort(struct hwpt_pt *pt);
void hwpt_pt_put_orphan(struct hwpt_ctx *ctx, struct hwpt_pt *orphan);
void hwpt_domain_put(struct hwpt_domain_ref *dref);

/*
 * group.c, under ctx->lock. A group is found, or made, by the first of its
 * devices to bind (hwpt_group_get()), and goes with the last
 * (hwpt_group_put_if_empty()). Attach, replace and detach return, in
 * *orphan, an automatic HWPT they left unused, with a reference, for the
 * caller to destroy once ctx->lock is dropped (hwpt_pt_put_orphan()).
 */
struct hwpt_group *hwpt_group_get(struct hwpt_ctx *ctx,
				  struct iommu_group *group);
void hwpt_group_put_if_empty(struct hwpt_group *g);
int hwpt_group_attach(struct hwpt_device *dev, struct hwpt_pt *pt);
int hwpt_group_replace(struct hwpt_device *dev, struct hwpt_pt *pt,
		       struct hwpt_pt **orphan);
struct hwpt_pt *hwpt_group_detach(struct hwpt_device *dev);

/*
 * The backend group.c drives: the IOMMU core (compat.c), attachments and
 * faults (fault.c) and the IOAS's reserved regions (ioas.c).
 *
 * hwpt_attach_alloc() makes an attachment of @g to @pt, for the core
 * calls; hwpt_compat_replace() sets *lost_old when it failed and could not
 * put the old domain back either. hwpt_attach_release() answers the faults
 * of an attachment the core has stopped using and frees or retires it.
 * hwpt_device_iopf_on() checks that a device may take faults through @pt
 * and enables them where the kernel wants that done by hand; it does
 * nothing for an HWPT without faults.
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

/*
 * faultq.c: a group is reported (queued, or answered INVALID at once when
 * the attachment is dead, the device is not one of its members, or the
 * queue is closed or full; either way it belongs to the queue afterwards),
 * read, and answered exactly once.
 */
void hwpt_faultq_init(struct hwpt_faultq *fq);
/* 0, or why a device may not attach to a fault-capable HWPT. */
int hwpt_fault_attach_rule(bool real, bool capable, bool vf, bool inject);
/* No reader any more: answer everything, and later groups at once. */
void hwpt_faultq_close(struct hwpt_faultq *fq);
bool hwpt_faultq_report(struct hwpt_attach *att, const struct pci_dev *pdev,
			struct hwpt_fault_group *fg);
bool hwpt_faultq_report_dev(struct hwpt_attach *att, struct hwpt_device *dev,
			    struct hwpt_fault_group *fg);
/* read() and write() of the queue's file; -EAGAIN when nothing waits. */
ssize_t hwpt_faultq_read(struct hwpt_faultq *fq, char __user *buf,
			 size_t count);
ssize_t hwpt_faultq_write(struct hwpt_faultq *fq, const char __user *buf,
			  size_t count);
bool hwpt_faultq_readable(struct hwpt_faultq *fq);
/*
 * Membership of an attachment, under ctx->lock. A device joins before the
 * attachment is given to the core, so no fault of it is refused in
 * between; leaving answers the device's groups still unanswered.
 */
int hwpt_fault_join(struct hwpt_attach *att, struct hwpt_device *dev);
void hwpt_fault_leave(struct hwpt_attach *att, struct hwpt_device *dev);
/*
 * The core no longer hands @att out: every group that came through it and
 * is unanswered is answered, and any that still arrives is answered at
 * once.
 */
void hwpt_fault_kill_attach(struct hwpt_attach *att);
/* The backend: answer a group for real (fault.c) or in the mock. */
void hwpt_fault_group_answer(struct hwpt_fault_group *fg, u32 code);

/*
 * fault.c. hwpt_attach_free_retired() frees the retired attachments of a
 * group whose last device has left hwpt.
 */
struct hwpt_fault_group *hwpt_fault_group_alloc(unsigned int nr, gfp_t gfp);
struct hwpt_faultq *hwpt_fault_queue_of(struct hwpt_object *obj);
void hwpt_faultq_put(struct hwpt_faultq *fq);
void hwpt_device_probe_iopf(struct hwpt_device *dev);
void hwpt_attach_free_retired(struct hwpt_group *g);
/* Wait for page request handlers and injections still running. */
void hwpt_iopf_sync(void);
extern atomic_t hwpt_retired_count;
void hwpt_fault_exit(void);
/* The domain's fault handler, for an HWPT that may take page requests. */
void hwpt_domain_set_fault_handler(struct iommu_domain *domain);
bool hwpt_domain_takes_faults(struct iommu_domain *domain);

/* pasid.c, under ctx->lock */
void hwpt_device_pasids_release(struct hwpt_device *dev);

/* device.c */
int hwpt_device_driver_register(void);
void hwpt_device_driver_unregister(void);

#endif /* HWPT_PRIV_H */
