// SPDX-License-Identifier: GPL-2.0
/*
 * Fault queues. A group is reported (queued on @deliver, or answered at
 * once), read (moved to @response with a cookie), and answered by
 * userspace or by a sweep: the device left the attachment, the
 * attachment died, or the queue was closed. Each step moves the group
 * under fq->lock or fq->mutex, so exactly one of them answers it.
 *
 * Answers are given outside fq->lock: a real one goes back through the
 * IOMMU core, which sleeps.
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hwpt_priv.h"

struct hwpt_fault_counts hwpt_fault_totals;

/* One more of a count (its offset in the struct), for @dev and the module. */
#define HWPT_FC(field) offsetof(struct hwpt_fault_counts, field)

static void hwpt_fault_count(struct hwpt_device *dev, size_t which)
{
	atomic_inc((atomic_t *)((u8 *)&dev->fault_counts + which));
	atomic_inc((atomic_t *)((u8 *)&hwpt_fault_totals + which));
}

/* The queue, with one reference: its creator's. */
void hwpt_faultq_init(struct hwpt_faultq *fq)
{
	spin_lock_init(&fq->lock);
	mutex_init(&fq->mutex);
	INIT_LIST_HEAD(&fq->deliver);
	INIT_LIST_HEAD(&fq->response);
	init_waitqueue_head(&fq->wait);
	refcount_set(&fq->refs, 1);
}

/*
 * May a device attach to a fault-capable HWPT? @real: the HWPT's domain
 * has hwpt's page request handler; @capable: the device's page requests
 * can reach it on this kernel and IOMMU; @vf: it is a PCI virtual
 * function; @inject: fault injection is on. A VF never may (PRI is its
 * PF's); a handler needs a device whose requests reach it; a device with
 * page requests needs the handler, or the core would answer them without
 * the queue seeing them; and without either, only injected faults can
 * come.
 */
int hwpt_fault_attach_rule(bool real, bool capable, bool vf, bool inject)
{
	if (vf)
		return -EINVAL;
	if (real)
		return capable ? 0 : -EOPNOTSUPP;
	if (capable)
		return -EINVAL;
	return inject ? 0 : -EOPNOTSUPP;
}

/* Answer and free every group on @list; counted against its device. */
static void hwpt_fault_answer_list(struct list_head *list, u32 code,
				   bool by_user)
{
	struct hwpt_fault_group *fg, *next;

	list_for_each_entry_safe(fg, next, list, node) {
		list_del(&fg->node);
		if (!by_user)
			hwpt_fault_count(fg->dev, HWPT_FC(autoresp));
		else if (code == HWPT_PAGE_RESP_SUCCESS)
			hwpt_fault_count(fg->dev, HWPT_FC(success));
		else
			hwpt_fault_count(fg->dev, HWPT_FC(invalid));
		hwpt_fault_group_answer(fg, code);
	}
}

/*
 * Move the groups of @list that match to @out. Under fq->lock, which
 * guards @ngroups, and for @response under fq->mutex too.
 */
static void hwpt_fault_take(struct hwpt_faultq *fq, struct list_head *list,
			    struct hwpt_attach *att, struct hwpt_device *dev,
			    struct list_head *out)
{
	struct hwpt_fault_group *fg, *next;

	lockdep_assert_held(&fq->lock);
	if (list == &fq->response)
		lockdep_assert_held(&fq->mutex);
	list_for_each_entry_safe(fg, next, list, node) {
		if ((att && fg->att != att) || (dev && fg->dev != dev))
			continue;
		list_move_tail(&fg->node, out);
		fq->ngroups--;
	}
}

/*
 * Answer INVALID every unanswered group of @fq that came through @att (any
 * if NULL) from @dev (any if NULL).
 */
static void hwpt_fault_sweep(struct hwpt_faultq *fq, struct hwpt_attach *att,
			     struct hwpt_device *dev)
{
	LIST_HEAD(answer);

	mutex_lock(&fq->mutex);
	spin_lock(&fq->lock);
	hwpt_fault_take(fq, &fq->deliver, att, dev, &answer);
	hwpt_fault_take(fq, &fq->response, att, dev, &answer);
	spin_unlock(&fq->lock);
	mutex_unlock(&fq->mutex);
	hwpt_fault_answer_list(&answer, HWPT_PAGE_RESP_INVALID, false);
}

void hwpt_faultq_close(struct hwpt_faultq *fq)
{
	spin_lock(&fq->lock);
	fq->closed = true;
	spin_unlock(&fq->lock);
	hwpt_fault_sweep(fq, NULL, NULL);
	wake_up_interruptible(&fq->wait);
}

static struct hwpt_fault_member *hwpt_fault_member(struct hwpt_attach *att,
						   struct hwpt_device *dev,
						   const struct pci_dev *pdev)
{
	struct hwpt_fault_member *m;

	lockdep_assert_held(&att->fq->lock);
	list_for_each_entry(m, &att->members, item)
		if (m->dev == dev || (pdev && m->dev->pdev == pdev))
			return m;
	return NULL;
}

static bool hwpt_fault_queue(struct hwpt_attach *att, struct hwpt_device *dev,
			     const struct pci_dev *pdev,
			     struct hwpt_fault_group *fg)
{
	struct hwpt_faultq *fq = att->fq;
	struct hwpt_fault_member *m;
	bool queued = false;
	LIST_HEAD(answer);

	spin_lock(&fq->lock);
	m = att->dead ? NULL : hwpt_fault_member(att, dev, pdev);
	fg->att = att;
	if (m) {
		fg->dev = m->dev;
		hwpt_fault_count(m->dev, HWPT_FC(faults));
		if (!fq->closed && fq->ngroups < HWPT_FAULT_QUEUE_DEPTH) {
			list_add_tail(&fg->node, &fq->deliver);
			fq->ngroups++;
			queued = true;
		} else {
			list_add_tail(&fg->node, &answer);
		}
	}
	spin_unlock(&fq->lock);

	if (queued)
		wake_up_interruptible(&fq->wait);
	else if (m)
		hwpt_fault_answer_list(&answer, HWPT_PAGE_RESP_INVALID, false);
	else
		/* Not a device of ours any more: nothing to count it on. */
		hwpt_fault_group_answer(fg, HWPT_PAGE_RESP_INVALID);
	return queued;
}

bool hwpt_faultq_report(struct hwpt_attach *att, const struct pci_dev *pdev,
			struct hwpt_fault_group *fg)
{
	return hwpt_fault_queue(att, NULL, pdev, fg);
}

bool hwpt_faultq_report_dev(struct hwpt_attach *att, struct hwpt_device *dev,
			    struct hwpt_fault_group *fg)
{
	return hwpt_fault_queue(att, dev, NULL, fg);
}

bool hwpt_faultq_readable(struct hwpt_faultq *fq)
{
	bool readable;

	spin_lock(&fq->lock);
	readable = !list_empty(&fq->deliver);
	spin_unlock(&fq->lock);
	return readable;
}

/* A cookie no unanswered group has; under fq->mutex. */
static u32 hwpt_fault_cookie(struct hwpt_faultq *fq)
{
	struct hwpt_fault_group *fg;
	bool taken;

	lockdep_assert_held(&fq->mutex);
	do {
		taken = false;
		fq->next_cookie++;
		list_for_each_entry(fg, &fq->response, node)
			taken |= fg->cookie == fq->next_cookie;
	} while (taken);
	return fq->next_cookie;
}

static int hwpt_fault_copy_group(struct hwpt_fault_group *fg,
				 char __user *buf)
{
	unsigned int i;

	for (i = 0; i < fg->nr; i++) {
		fg->recs[i].dev_id = fg->dev->obj.id;
		fg->recs[i].cookie = fg->cookie;
	}
	return copy_to_user(buf, fg->recs, fg->nr * sizeof(fg->recs[0])) ?
		       -EFAULT : 0;
}

ssize_t hwpt_faultq_read(struct hwpt_faultq *fq, char __user *buf,
			 size_t count)
{
	const size_t rec = sizeof(struct hwpt_pgfault);
	struct hwpt_fault_group *fg;
	size_t done = 0;
	int rc = 0;

	if (!count || count % rec)
		return -EINVAL;
	mutex_lock(&fq->mutex);
	while (done < count) {
		spin_lock(&fq->lock);
		fg = list_first_entry_or_null(&fq->deliver,
					      struct hwpt_fault_group, node);
		if (fg && fg->nr * rec <= count - done)
			list_del(&fg->node);
		spin_unlock(&fq->lock);
		if (!fg) {
			rc = done ? 0 : -EAGAIN;
			break;
		}
		if (fg->nr * rec > count - done) {
			/* Whole groups only; the first must fit. */
			rc = done ? 0 : -EINVAL;
			break;
		}
		fg->cookie = hwpt_fault_cookie(fq);
		rc = hwpt_fault_copy_group(fg, buf + done);
		if (rc) {
			spin_lock(&fq->lock);
			list_add(&fg->node, &fq->deliver);
			spin_unlock(&fq->lock);
			break;
		}
		list_add_tail(&fg->node, &fq->response);
		done += fg->nr * rec;
	}
	mutex_unlock(&fq->mutex);
	return done ? (ssize_t)done : rc;
}

static struct hwpt_fault_group *hwpt_fault_lookup(struct hwpt_faultq *fq,
						  u32 cookie)
{
	struct hwpt_fault_group *fg;

	lockdep_assert_held(&fq->mutex);
	list_for_each_entry(fg, &fq->response, node)
		if (fg->cookie == cookie)
			return fg;
	return NULL;
}

/*
 * Check every answer before giving any: a bad one fails the whole write,
 * and nothing is answered. Under fq->mutex.
 */
static int hwpt_fault_check_answers(struct hwpt_faultq *fq,
				    const struct hwpt_page_response *resp,
				    size_t n)
{
	struct hwpt_fault_group *fg;
	size_t i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		fg = hwpt_fault_lookup(fq, resp[i].cookie);
		if (!fg || fg->answered ||
		    (resp[i].code != HWPT_PAGE_RESP_SUCCESS &&
		     resp[i].code != HWPT_PAGE_RESP_INVALID))
			rc = -EINVAL;
		else
			fg->answered = true;
	}
	while (i--) {
		fg = hwpt_fault_lookup(fq, resp[i].cookie);
		if (fg)
			fg->answered = false;
	}
	return rc;
}

ssize_t hwpt_faultq_write(struct hwpt_faultq *fq, const char __user *buf,
			  size_t count)
{
	const size_t rec = sizeof(struct hwpt_page_response);
	struct hwpt_page_response *resp;
	struct hwpt_fault_group *fg;
	size_t n = count / rec, i;
	LIST_HEAD(answer);
	ssize_t rc;

	if (!count || count % rec || n > HWPT_FAULT_QUEUE_DEPTH)
		return -EINVAL;
	resp = kcalloc(n, rec, GFP_KERNEL);
	if (!resp)
		return -ENOMEM;
	if (copy_from_user(resp, buf, count)) {
		rc = -EFAULT;
		goto out;
	}
	mutex_lock(&fq->mutex);
	rc = hwpt_fault_check_answers(fq, resp, n);
	if (!rc) {
		for (i = 0; i < n; i++) {
			LIST_HEAD(one);

			fg = hwpt_fault_lookup(fq, resp[i].cookie);
			list_move_tail(&fg->node, &one);
			spin_lock(&fq->lock);
			fq->ngroups--;
			spin_unlock(&fq->lock);
			hwpt_fault_answer_list(&one, resp[i].code, true);
		}
		rc = count;
	}
	mutex_unlock(&fq->mutex);
out:
	kfree(resp);
	return rc;
}

int hwpt_fault_join(struct hwpt_attach *att, struct hwpt_device *dev)
{
	struct hwpt_fault_member *m;

	lockdep_assert_held(&dev->ctx->lock);
	if (!att->fq)
		return 0;
	m = hwpt_inject(NULL, kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT));
	if (!m)
		return -ENOMEM;
	m->dev = dev;
	spin_lock(&att->fq->lock);
	list_add_tail(&m->item, &att->members);
	spin_unlock(&att->fq->lock);
	return 0;
}

void hwpt_fault_leave(struct hwpt_attach *att, struct hwpt_device *dev)
{
	struct hwpt_fault_member *m;

	lockdep_assert_held(&dev->ctx->lock);
	if (!att->fq)
		return;
	spin_lock(&att->fq->lock);
	m = hwpt_fault_member(att, dev, NULL);
	if (m)
		list_del(&m->item);
	spin_unlock(&att->fq->lock);
	kfree(m);
	hwpt_fault_sweep(att->fq, att, dev);
}

void hwpt_fault_kill_attach(struct hwpt_attach *att)
{
	struct hwpt_fault_member *m, *next;
	LIST_HEAD(members);

	if (!att->fq)
		return;
	spin_lock(&att->fq->lock);
	att->dead = true;
	list_splice_init(&att->members, &members);
	spin_unlock(&att->fq->lock);
	list_for_each_entry_safe(m, next, &members, item)
		kfree(m);
	hwpt_fault_sweep(att->fq, att, NULL);
}
