// SPDX-License-Identifier: GPL-2.0
/*
 * IO address spaces: user memory pinned and mapped at IOVAs, mirrored into
 * the domain of every HWPT on the IOAS. Mappings ("areas") live in an
 * interval tree, so lookups are logarithmic. An IOAS is held (as a user) by
 * every HWPT on it.
 */
#include <linux/cred.h>
#include <linux/interval_tree_generic.h>
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/user.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "hwpt_priv.h"

/* Pages pinned per call: bounds the time between checks for signals. */
#define HWPT_PIN_BATCH 512

#define AREA_START(a) ((a)->start)
#define AREA_LAST(a) ((a)->last)
INTERVAL_TREE_DEFINE(struct hwpt_area, rb, unsigned long, __subtree_last,
		     AREA_START, AREA_LAST, static, hwpt_area);

static struct hwpt_area *hwpt_area_first(struct hwpt_ioas *ioas,
					 unsigned long start,
					 unsigned long last)
{
	return hwpt_area_iter_first(&ioas->areas, start, last);
}

/*
 * Charge @area's pins as iommufd does by default: to the user's locked_vm
 * against the caller's RLIMIT_MEMLOCK (not at all with CAP_IPC_LOCK), so
 * that a child that maps through an inherited fd and exits leaves them
 * charged to someone alive; and, for the record, to the mm's pinned_vm
 * (VmPin).
 */
static int hwpt_area_charge(struct hwpt_area *area)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	struct user_struct *user = current_user();
	unsigned long cur, new;

	if (!capable(CAP_IPC_LOCK)) {
		cur = atomic_long_read(&user->locked_vm);
		do {
			if (check_add_overflow(cur, area->npages, &new) ||
			    new > limit)
				return -ENOMEM;
		} while (!atomic_long_try_cmpxchg(&user->locked_vm, &cur, new));
		area->charged = area->npages;
	}
	area->user = get_uid(user);
	area->mm = current->mm;
	mmgrab(area->mm);
	atomic64_add(area->npages, &area->mm->pinned_vm);
	return 0;
}

static void hwpt_area_uncharge(struct hwpt_area *area)
{
	atomic64_sub(area->npages, &area->mm->pinned_vm);
	mmdrop(area->mm);
	atomic_long_sub(area->charged, &area->user->locked_vm);
	free_uid(area->user);
}

/*
 * Pin the user memory of @area. The charge comes first, so that a map
 * beyond the limit fails before anything is allocated for it; the page
 * array of a huge one fails quietly (no allocation warning, no OOM kill).
 */
static int hwpt_area_pin(struct hwpt_area *area, unsigned long uaddr)
{
	unsigned int gup = FOLL_LONGTERM;
	unsigned long pinned = 0;
	int rc;

	if (area->prot & IOMMU_WRITE)
		gup |= FOLL_WRITE;
	rc = hwpt_inject(-ENOMEM, hwpt_area_charge(area));
	if (rc)
		return rc;
	area->pages = hwpt_inject(NULL, kvcalloc(area->npages,
						 sizeof(*area->pages),
						 GFP_KERNEL_ACCOUNT |
						 __GFP_NOWARN |
						 __GFP_RETRY_MAYFAIL));
	if (!area->pages) {
		rc = -ENOMEM;
		goto err_uncharge;
	}

	while (pinned < area->npages) {
		unsigned long n = min_t(unsigned long, area->npages - pinned,
					HWPT_PIN_BATCH);

		rc = hwpt_inject(-EFAULT,
				 pin_user_pages_fast(uaddr + pinned * PAGE_SIZE,
						     n, gup,
						     area->pages + pinned));
		if (rc <= 0) {
			rc = rc ?: -EFAULT;
			goto err_unpin;
		}
		pinned += rc;
		if (fatal_signal_pending(current)) {
			rc = -EINTR;
			goto err_unpin;
		}
	}
	return 0;

err_unpin:
	unpin_user_pages(area->pages, pinned);
	kvfree(area->pages);
err_uncharge:
	hwpt_area_uncharge(area);
	return rc;
}

static void hwpt_area_free(struct hwpt_area *area)
{
	unpin_user_pages_dirty_lock(area->pages, area->npages,
				    area->prot & IOMMU_WRITE);
	hwpt_area_uncharge(area);
	kvfree(area->pages);
	kfree(area);
}

/*
 * Unmap [iova, iova + size) of @domain in naturally aligned power-of-two
 * pieces, each flushed on its own: 6.1's VT-d first-stage flush aligns an
 * unaligned range's start down to its rounded-up size (intel/iommu.c:1576
 * -> qi_flush_piotlb(), dmar.c:1573), so the range's last page could stay
 * in the IOTLB and a device could still write it after the unmap.
 * virtio-iommu removes whole MAP requests (viommu_del_mappings()), so a
 * piece may unmap more than asked; callers only unmap whole runs that
 * hwpt_area_map() mapped, so it never goes past @size.
 */
static void hwpt_domain_unmap(struct iommu_domain *domain, unsigned long iova,
			      size_t size)
{
	struct iommu_iotlb_gather gather;
	size_t done = 0, chunk, n;
	unsigned long cur;

	while (done < size) {
		cur = iova + done;
		chunk = cur ? 1UL << __ffs(cur) : SIZE_MAX;
		if (chunk > size - done)
			chunk = rounddown_pow_of_two(size - done);
		iommu_iotlb_gather_init(&gather);
		n = iommu_unmap_fast(domain, cur, chunk, &gather);
		iommu_iotlb_sync(domain, &gather);
		if (WARN_ON(!n || n > size - done))
			break;
		done += n;
	}
}

/* Map @area into @domain in physically contiguous runs; all or nothing. */
static int hwpt_area_map(struct hwpt_area *area, struct iommu_domain *domain)
{
	unsigned long i = 0;
	int rc;

	while (i < area->npages) {
		phys_addr_t pa = page_to_phys(area->pages[i]);
		unsigned long n = 1;

		while (i + n < area->npages &&
		       page_to_phys(area->pages[i + n]) == pa + n * PAGE_SIZE)
			n++;
		/* The core splits the run into the largest pages it can. */
		rc = hwpt_inject(-ENOMEM,
				 hwpt_compat_map(domain,
						 area->start + i * PAGE_SIZE,
						 pa, n * PAGE_SIZE, area->prot));
		if (rc) {
			if (i)
				hwpt_domain_unmap(domain, area->start,
						  i * PAGE_SIZE);
			return rc;
		}
		i += n;
	}
	return 0;
}

static void hwpt_area_unmap(struct hwpt_area *area, struct iommu_domain *d)
{
	hwpt_domain_unmap(d, area->start, area->last - area->start + 1);
}

/* Map @area into every domain of @ioas, or into none. */
static int hwpt_ioas_map_area(struct hwpt_ioas *ioas, struct hwpt_area *area)
{
	struct hwpt_pt *pt;
	int rc = 0;

	lockdep_assert_held(&ioas->lock);
	down_read(&ioas->ctx->domain_rwsem);
	list_for_each_entry(pt, &ioas->pts, ioas_item) {
		rc = hwpt_area_map(area, pt->domain);
		if (rc)
			break;
	}
	if (rc) {
		list_for_each_entry_continue_reverse(pt, &ioas->pts, ioas_item)
			hwpt_area_unmap(area, pt->domain);
	}
	up_read(&ioas->ctx->domain_rwsem);
	return rc;
}

static void hwpt_ioas_unmap_area(struct hwpt_ioas *ioas,
				 struct hwpt_area *area)
{
	struct hwpt_pt *pt;

	lockdep_assert_held(&ioas->lock);
	down_read(&ioas->ctx->domain_rwsem);
	list_for_each_entry(pt, &ioas->pts, ioas_item)
		hwpt_area_unmap(area, pt->domain);
	up_read(&ioas->ctx->domain_rwsem);
	hwpt_area_remove(area, &ioas->areas);
	hwpt_area_free(area);
}

/*
 * The IOVA window every domain of the IOAS can translate, and whether
 * [start, last] avoids the reserved regions of every attached group.
 */
static void hwpt_ioas_aperture(struct hwpt_ioas *ioas, unsigned long *lo,
			       unsigned long *hi)
{
	struct hwpt_pt *pt;

	lockdep_assert_held(&ioas->lock);
	*lo = 0;
	*hi = ULONG_MAX;
	list_for_each_entry(pt, &ioas->pts, ioas_item) {
		struct iommu_domain_geometry *g = &pt->domain->geometry;

		if (!g->force_aperture)
			continue;
		*lo = max_t(unsigned long, *lo, g->aperture_start);
		*hi = min_t(unsigned long, *hi, g->aperture_end);
	}
}

static bool hwpt_ioas_resv_hit(struct hwpt_ioas *ioas, unsigned long start,
			       unsigned long last)
{
	struct hwpt_resv *r;

	lockdep_assert_held(&ioas->lock);
	list_for_each_entry(r, &ioas->resv, item)
		if (r->start <= last && start <= r->last)
			return true;
	return false;
}

/*
 * The allowed IOVA ranges in order: the aperture less the reserved regions.
 * Fills up to @max of them and returns how many there are.
 */
static unsigned int hwpt_ioas_allowed(struct hwpt_ioas *ioas,
				      struct hwpt_iova_range *out,
				      unsigned int max)
{
	unsigned long cur, hi;
	unsigned int n = 0;

	hwpt_ioas_aperture(ioas, &cur, &hi);
	while (cur <= hi) {
		struct hwpt_resv *r, *next = NULL;
		unsigned long end = hi;

		/* The reserved region that starts first at or after cur. */
		list_for_each_entry(r, &ioas->resv, item)
			if (r->last >= cur && (!next || r->start < next->start))
				next = r;
		if (next && next->start <= hi && next->start > cur)
			end = next->start - 1;
		if (!next || next->start > cur) {
			if (n < max) {
				out[n].start = cur;
				out[n].last = end;
			}
			n++;
		}
		if (!next || next->start > hi || next->last >= hi)
			break;
		cur = max(cur, next->last + 1);
	}
	return n;
}

/* The lowest free IOVA range of @length aligned to @align, or -ENOSPC. */
static int hwpt_ioas_alloc_iova(struct hwpt_ioas *ioas, unsigned long length,
				unsigned long align, unsigned long *iova)
{
	struct hwpt_iova_range *ranges;
	unsigned int i, n;
	int rc = -ENOSPC;

	n = hwpt_ioas_allowed(ioas, NULL, 0);
	ranges = hwpt_inject(NULL, kcalloc(n, sizeof(*ranges), GFP_KERNEL));
	if (!ranges)
		return -ENOMEM;
	hwpt_ioas_allowed(ioas, ranges, n);
	for (i = 0; i < n && rc; i++) {
		unsigned long cur = ALIGN(ranges[i].start, align), last;
		struct hwpt_area *a;

		while (cur >= ranges[i].start &&
		       !check_add_overflow(cur, length - 1, &last) &&
		       last <= ranges[i].last) {
			a = hwpt_area_first(ioas, cur, last);
			if (!a) {
				*iova = cur;
				rc = 0;
				break;
			}
			if (a->last == ULONG_MAX)
				break;
			cur = ALIGN(a->last + 1, align);
		}
	}
	kfree(ranges);
	return rc;
}

static int hwpt_ioas_check_iova(struct hwpt_ioas *ioas, unsigned long start,
				unsigned long last)
{
	unsigned long lo, hi;

	hwpt_ioas_aperture(ioas, &lo, &hi);
	if (start < lo || last > hi || hwpt_ioas_resv_hit(ioas, start, last))
		return -EINVAL;
	if (hwpt_area_first(ioas, start, last))
		return -EEXIST;
	return 0;
}

int hwpt_ioas_map_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_ioas_map *cmd = ucmd->cmd;
	struct hwpt_table *t = &ucmd->ctx->table;
	unsigned long iova, last, align;
	struct hwpt_object *obj;
	struct hwpt_area *area;
	struct hwpt_ioas *ioas;
	int rc;

	if (cmd->flags & ~(HWPT_IOAS_MAP_FIXED_IOVA | HWPT_IOAS_MAP_WRITEABLE |
			   HWPT_IOAS_MAP_READABLE) || cmd->__reserved)
		return -EOPNOTSUPP;
	if (!(cmd->flags & (HWPT_IOAS_MAP_WRITEABLE | HWPT_IOAS_MAP_READABLE)))
		return -EINVAL;
	if (!cmd->length || !PAGE_ALIGNED(cmd->length) ||
	    !PAGE_ALIGNED(cmd->user_va) ||
	    ((cmd->flags & HWPT_IOAS_MAP_FIXED_IOVA) &&
	     !PAGE_ALIGNED(cmd->iova)))
		return -EINVAL;
	if (cmd->length > ULONG_MAX || cmd->user_va > ULONG_MAX ||
	    cmd->iova > ULONG_MAX ||
	    check_add_overflow((unsigned long)cmd->user_va,
			       (unsigned long)cmd->length - 1, &last) ||
	    ((cmd->flags & HWPT_IOAS_MAP_FIXED_IOVA) &&
	     check_add_overflow((unsigned long)cmd->iova,
				(unsigned long)cmd->length - 1, &last)))
		return -EOVERFLOW;

	obj = hwpt_object_get(t, cmd->ioas_id, &hwpt_ioas_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	ioas = container_of(obj, struct hwpt_ioas, obj);

	rc = -ENOMEM;
	area = hwpt_inject(NULL, kzalloc(sizeof(*area), GFP_KERNEL_ACCOUNT));
	if (!area)
		goto out_put;
	area->npages = cmd->length >> PAGE_SHIFT;
	/*
	 * Always cache coherent, as iommufd maps: userspace has no way to
	 * flush CPU caches, and bind refused IOMMUs that cannot do this.
	 */
	area->prot = IOMMU_CACHE;
	if (cmd->flags & HWPT_IOAS_MAP_READABLE)
		area->prot |= IOMMU_READ;
	if (cmd->flags & HWPT_IOAS_MAP_WRITEABLE)
		area->prot |= IOMMU_WRITE;
	/* Pin before taking the lock: it is the slow part. */
	rc = hwpt_area_pin(area, cmd->user_va);
	if (rc) {
		kfree(area);
		goto out_put;
	}

	mutex_lock(&ioas->lock);
	if (cmd->flags & HWPT_IOAS_MAP_FIXED_IOVA) {
		iova = cmd->iova;
		rc = hwpt_ioas_check_iova(ioas, iova, iova + cmd->length - 1);
	} else {
		/* Match the user address's alignment so huge pages line up. */
		align = 1UL << min(__ffs(cmd->user_va | cmd->length), 30UL);
		rc = hwpt_ioas_alloc_iova(ioas, cmd->length, align, &iova);
	}
	if (rc)
		goto out_free;
	area->start = iova;
	area->last = iova + cmd->length - 1;
	rc = hwpt_ioas_map_area(ioas, area);
	if (rc)
		goto out_free;
	hwpt_area_insert(area, &ioas->areas);
	mutex_unlock(&ioas->lock);

	/*
	 * The mapping is published: a concurrent UNMAP may already have
	 * freed it. Like iommufd, it stays if the reply cannot be written.
	 */
	cmd->iova = iova;
	rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	goto out_put;

out_free:
	mutex_unlock(&ioas->lock);
	hwpt_area_free(area);
out_put:
	hwpt_object_put(t, obj);
	return rc;
}

int hwpt_ioas_unmap_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_ioas_unmap *cmd = ucmd->cmd;
	struct hwpt_table *t = &ucmd->ctx->table;
	unsigned long start, last, unmapped = 0;
	struct hwpt_area *area;
	struct hwpt_object *obj;
	struct hwpt_ioas *ioas;
	bool all = cmd->iova == 0 && cmd->length == U64_MAX;
	int rc = 0;

	if (all) {
		start = 0;
		last = ULONG_MAX;
	} else {
		if (!cmd->length || !PAGE_ALIGNED(cmd->iova) ||
		    !PAGE_ALIGNED(cmd->length))
			return -EINVAL;
		if (cmd->iova > ULONG_MAX || cmd->length > ULONG_MAX ||
		    check_add_overflow((unsigned long)cmd->iova,
				       (unsigned long)cmd->length - 1, &last))
			return -EOVERFLOW;
		start = cmd->iova;
	}

	obj = hwpt_object_get(t, cmd->ioas_id, &hwpt_ioas_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	ioas = container_of(obj, struct hwpt_ioas, obj);

	mutex_lock(&ioas->lock);
	/* Whole mappings only: check them all before changing anything. */
	for (area = hwpt_area_first(ioas, start, last); area;
	     area = hwpt_area_iter_next(area, start, last)) {
		if (area->start < start || area->last > last) {
			rc = -EINVAL;
			goto out_unlock;
		}
	}
	while ((area = hwpt_area_first(ioas, start, last))) {
		unmapped += area->last - area->start + 1;
		hwpt_ioas_unmap_area(ioas, area);
	}
	if (!unmapped && !all)
		rc = -ENOENT;
out_unlock:
	mutex_unlock(&ioas->lock);
	hwpt_object_put(t, obj);
	if (rc)
		return rc;
	cmd->length = unmapped;
	return hwpt_ucmd_respond(ucmd, sizeof(*cmd));
}

int hwpt_ioas_iova_ranges_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_ioas_iova_ranges *cmd = ucmd->cmd;
	struct hwpt_table *t = &ucmd->ctx->table;
	struct hwpt_iova_range *ranges = NULL;
	struct hwpt_object *obj;
	struct hwpt_ioas *ioas;
	unsigned int n, max;
	int rc = 0;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	obj = hwpt_object_get(t, cmd->ioas_id, &hwpt_ioas_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	ioas = container_of(obj, struct hwpt_ioas, obj);

	max = min_t(u32, cmd->num_iovas, 4096);
	if (max) {
		ranges = hwpt_inject(NULL, kcalloc(max, sizeof(*ranges),
						   GFP_KERNEL));
		if (!ranges) {
			rc = -ENOMEM;
			goto out_put;
		}
	}
	mutex_lock(&ioas->lock);
	n = hwpt_ioas_allowed(ioas, ranges, max);
	mutex_unlock(&ioas->lock);

	if (copy_to_user(u64_to_user_ptr(cmd->allowed_iovas), ranges,
			 min(n, max) * sizeof(*ranges))) {
		rc = -EFAULT;
		goto out_free;
	}
	cmd->num_iovas = n;
	cmd->out_iova_alignment = PAGE_SIZE;
	rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	if (!rc && n > max)
		rc = -EMSGSIZE;
out_free:
	kfree(ranges);
out_put:
	hwpt_object_put(t, obj);
	return rc;
}

/* Fill a new domain with every mapping and put it on the IOAS. */
int hwpt_ioas_add_domain(struct hwpt_ioas *ioas, struct hwpt_pt *pt)
{
	struct iommu_domain_geometry *g = &pt->domain->geometry;
	struct hwpt_area *area, *done;
	int rc = 0;

	lockdep_assert_held(&ioas->ctx->lock);
	mutex_lock(&ioas->lock);
	for (area = hwpt_area_first(ioas, 0, ULONG_MAX); area;
	     area = hwpt_area_iter_next(area, 0, ULONG_MAX)) {
		if (g->force_aperture && (area->start < g->aperture_start ||
					  area->last > g->aperture_end))
			rc = -EINVAL;
		else
			rc = hwpt_area_map(area, pt->domain);
		if (rc)
			break;
	}
	if (rc) {
		for (done = hwpt_area_first(ioas, 0, ULONG_MAX); done != area;
		     done = hwpt_area_iter_next(done, 0, ULONG_MAX))
			hwpt_area_unmap(done, pt->domain);
	} else {
		list_add_tail(&pt->ioas_item, &ioas->pts);
	}
	mutex_unlock(&ioas->lock);
	return rc;
}

void hwpt_ioas_remove_domain(struct hwpt_ioas *ioas, struct hwpt_pt *pt)
{
	struct hwpt_area *area;

	lockdep_assert_held(&ioas->ctx->lock);
	mutex_lock(&ioas->lock);
	for (area = hwpt_area_first(ioas, 0, ULONG_MAX); area;
	     area = hwpt_area_iter_next(area, 0, ULONG_MAX))
		hwpt_area_unmap(area, pt->domain);
	list_del_init(&pt->ioas_item);
	mutex_unlock(&ioas->lock);
}

/*
 * A group attaching to a domain of the IOAS, or a PASID of its device,
 * brings the group's reserved regions (MSI windows, RMRRs): none may hold
 * a mapping, and no later map may enter them. Each is recorded with
 * @owner (the group, or the PASID's attachment), which takes them away
 * again. -EADDRINUSE if one already holds a mapping.
 */
int hwpt_ioas_add_resv(struct hwpt_ioas *ioas, struct iommu_group *group,
		       const void *owner)
{
	struct iommu_resv_region *region, *next;
	struct hwpt_resv *r, *tmp;
	LIST_HEAD(regions);
	LIST_HEAD(added);
	int rc;

	lockdep_assert_held(&ioas->ctx->lock);
	rc = hwpt_inject(-ENOMEM, iommu_get_group_resv_regions(group,
							       &regions));
	if (rc)
		goto out_free;
	mutex_lock(&ioas->lock);
	list_for_each_entry(region, &regions, list) {
		unsigned long last = region->start + region->length - 1;

		if (!region->length)
			continue;
		if (hwpt_area_first(ioas, region->start, last)) {
			rc = -EADDRINUSE;
			break;
		}
		r = hwpt_inject(NULL, kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT));
		if (!r) {
			rc = -ENOMEM;
			break;
		}
		r->start = region->start;
		r->last = last;
		r->owner = owner;
		list_add_tail(&r->item, &added);
	}
	if (rc) {
		list_for_each_entry_safe(r, tmp, &added, item)
			kfree(r);
	} else {
		list_splice_tail(&added, &ioas->resv);
	}
	mutex_unlock(&ioas->lock);
out_free:
	list_for_each_entry_safe(region, next, &regions, list)
		kfree(region);
	return rc;
}

void hwpt_ioas_remove_resv(struct hwpt_ioas *ioas, const void *owner)
{
	struct hwpt_resv *r, *tmp;

	lockdep_assert_held(&ioas->ctx->lock);
	mutex_lock(&ioas->lock);
	list_for_each_entry_safe(r, tmp, &ioas->resv, item) {
		if (r->owner == owner) {
			list_del(&r->item);
			kfree(r);
		}
	}
	mutex_unlock(&ioas->lock);
}

int hwpt_ioas_add_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g)
{
	return hwpt_ioas_add_resv(ioas, g->group, g);
}

void hwpt_ioas_remove_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g)
{
	hwpt_ioas_remove_resv(ioas, g);
}

/* Only HWPTs hold an IOAS, and they are gone: just the mappings are left. */
static void hwpt_ioas_destroy(struct hwpt_object *obj)
{
	struct hwpt_ioas *ioas = container_of(obj, struct hwpt_ioas, obj);
	struct hwpt_area *area;

	WARN_ON(!list_empty(&ioas->pts) || !list_empty(&ioas->resv));
	while ((area = hwpt_area_first(ioas, 0, ULONG_MAX))) {
		hwpt_area_remove(area, &ioas->areas);
		hwpt_area_free(area);
	}
	mutex_destroy(&ioas->lock);
}

const struct hwpt_object_type hwpt_ioas_type = {
	.name = "ioas",
	.destroy = hwpt_ioas_destroy,
};

int hwpt_ioas_alloc_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_ioas_alloc *cmd = ucmd->cmd;
	struct hwpt_table *t = &ucmd->ctx->table;
	struct hwpt_ioas *ioas;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;

	ioas = hwpt_object_alloc(t, struct hwpt_ioas, &hwpt_ioas_type);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	ioas->ctx = ucmd->ctx;
	mutex_init(&ioas->lock);
	ioas->areas = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&ioas->pts);
	INIT_LIST_HEAD(&ioas->resv);
	cmd->out_ioas_id = ioas->obj.id;
	rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		mutex_destroy(&ioas->lock);
		hwpt_object_abort(t, &ioas->obj);
		return rc;
	}
	hwpt_object_finalize(t, &ioas->obj);
	return 0;
}
