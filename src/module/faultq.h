/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault queues: I/O page fault groups on their way to userspace and the
 * answers on their way back, with the rule that every group is answered
 * exactly once. Pure logic: faultq.c builds in the kernel and, for the
 * unit tests, in userspace against tests/unit/shim with a mock backend.
 * fault.c gives a queue its file and connects it to the IOMMU core.
 */
#ifndef HWPT_FAULTQ_H
#define HWPT_FAULTQ_H

#include <linux/atomic.h>
#include <linux/hwpt.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct hwpt_attach;
struct hwpt_device;
struct pci_dev;

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
 * @recs are complete but for @dev_id and @cookie, set when read.
 */
struct hwpt_fault_group {
	struct list_head node;		/* in fq->deliver or fq->response */
	struct hwpt_attach *att;	/* the attachment it came through */
	struct hwpt_device *dev;	/* the device that faulted */
	void *real;			/* the core's iopf_group; NULL if injected */
	u32 cookie;
	bool answered;			/* while a write() validates */
	unsigned int nr;
	struct hwpt_pgfault recs[];
};

/*
 * A queue, shared by the fault-capable HWPTs that name it. Held by its
 * object and by its file (@refs, managed by fault.c).
 */
struct hwpt_faultq {
	/*
	 * Protects @deliver, @ngroups, @closed, and the @dead and @members
	 * of every attachment whose HWPT uses this queue. The page fault
	 * handler takes it, so nothing under it sleeps. Inside @mutex.
	 */
	spinlock_t lock;
	/* Serialises read, write and the sweeps; protects @response. */
	struct mutex mutex;
	struct list_head deliver;	/* groups not yet read, oldest first */
	struct list_head response;	/* groups read, not yet answered */
	unsigned int ngroups;		/* in both lists */
	u32 next_cookie;		/* under @mutex */
	bool closed;			/* no reader: answer at once */
	wait_queue_head_t wait;		/* readers and pollers */
};

/* A device taking faults through an attachment; under fq->lock. */
struct hwpt_fault_member {
	struct list_head item;		/* in att->members */
	struct hwpt_device *dev;
};

void hwpt_faultq_init(struct hwpt_faultq *fq);
/* No reader any more: answer everything, and later groups at once. */
void hwpt_faultq_close(struct hwpt_faultq *fq);

/*
 * A fault group from @pdev through @att: queued, or answered INVALID at
 * once when @att is dead, @pdev is not one of its members, or the queue is
 * closed or full. Either way @fg belongs to the queue afterwards. Returns
 * true if queued.
 */
bool hwpt_faultq_report(struct hwpt_attach *att, const struct pci_dev *pdev,
			struct hwpt_fault_group *fg);
/* As hwpt_faultq_report(), for a group whose device is known. */
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
 * once. After this the attachment only waits to be freed.
 */
void hwpt_fault_kill_attach(struct hwpt_attach *att);

/* The backend: answer a group for real (fault.c) or in the mock. */
void hwpt_fault_group_answer(struct hwpt_fault_group *fg, u32 code);

#endif /* HWPT_FAULTQ_H */
