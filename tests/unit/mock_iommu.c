// SPDX-License-Identifier: GPL-2.0
/* The mock backend of group.c and faultq.c; see mock_iommu.h. */
#include <string.h>

#include "inject.h"
#include "mock_iommu.h"

struct mock mock;

void mock_reset(void)
{
	memset(&mock, 0, sizeof(mock));
}

void mock_ioas_init(struct hwpt_ioas *ioas, struct hwpt_ctx *ctx)
{
	memset(ioas, 0, sizeof(*ioas));
	ioas->ctx = ctx;
	mutex_init(&ioas->lock);
	INIT_LIST_HEAD(&ioas->pts);
	INIT_LIST_HEAD(&ioas->resv);
}

void mock_ctx_init(struct hwpt_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	hwpt_table_init(&ctx->table);
	mutex_init(&ctx->lock);
	init_rwsem(&ctx->domain_rwsem);
	xa_init_flags(&ctx->groups, 0);
}

/* ---- The IOMMU core's groups ---- */

int iommu_group_id(struct iommu_group *group)
{
	return group->id;
}

struct iommu_group *iommu_group_ref_get(struct iommu_group *group)
{
	group->refs++;
	return group;
}

void iommu_group_put(struct iommu_group *group)
{
	WARN_ON(group->refs <= 0);
	group->refs--;
}

static void mock_destroy(struct hwpt_object *obj)
{
}

const struct hwpt_object_type mock_pt_type = {
	.name = "hwpt", .destroy = mock_destroy,
};

static const struct hwpt_object_type mock_dev_type = {
	.name = "device", .destroy = mock_destroy,
};

struct hwpt_pt *mock_pt_new(struct hwpt_ctx *ctx, struct iommu_domain *domain,
			    struct hwpt_ioas *ioas, struct hwpt_faultq *fq)
{
	struct hwpt_pt *pt = hwpt_object_alloc(&ctx->table, struct hwpt_pt,
					       &mock_pt_type);

	pt->ctx = ctx;
	pt->domain = domain;
	pt->ioas = ioas;
	pt->fq = fq;
	hwpt_object_finalize(&ctx->table, &pt->obj);
	return pt;
}

struct hwpt_device *mock_dev_new(struct hwpt_ctx *ctx, struct hwpt_group *g)
{
	struct hwpt_device *d = hwpt_object_alloc(&ctx->table,
						  struct hwpt_device,
						  &mock_dev_type);

	d->ctx = ctx;
	d->group = g;
	list_add_tail(&d->group_item, &g->devices);
	hwpt_object_finalize(&ctx->table, &d->obj);
	return d;
}

/* The module's fault injection: every fail point asks this. */
bool hwpt_should_fail(void)
{
	return mock.fail_nth > 0 && --mock.fail_nth == 0;
}

static bool mock_core_fails(void)
{
	bool fail = mock.fail_core;

	mock.fail_core = false;
	return hwpt_should_fail() || fail;
}

/* ---- Attachments, as compat.c makes them ---- */

struct hwpt_attach *hwpt_attach_alloc(struct hwpt_group *g, struct hwpt_pt *pt)
{
	struct hwpt_attach *att;

	att = hwpt_inject(NULL, kzalloc(sizeof(*att), GFP_KERNEL_ACCOUNT));
	if (!att)
		return NULL;
	att->group = g;
	att->pt = pt;
	att->fq = pt->fq;
	INIT_LIST_HEAD(&att->members);
	INIT_LIST_HEAD(&att->retired_item);
	mock.attach_allocs++;
	return att;
}

/* As fault.c's, for a vendor whose detach drains page requests. */
void hwpt_attach_release(struct hwpt_attach *att)
{
	might_sleep();
	lockdep_assert_held(&att->group->ctx->lock);
	/* Only once the core can no longer hand it to a fault. */
	WARN_ON(att->group->group->att == att);
	hwpt_fault_kill_attach(att);
	mock.attach_releases++;
	kfree(att);
}

/* Nothing retires here (see hwpt_attach_release()). */
void hwpt_attach_free_retired(struct hwpt_group *g)
{
	lockdep_assert_held(&g->ctx->lock);
	WARN_ON(!list_empty(&g->retired));
}

int mock_attachments(void)
{
	return mock.attach_allocs - mock.attach_releases;
}

/* ---- The IOMMU core ---- */

int hwpt_compat_attach(struct hwpt_group *g, struct hwpt_attach *att)
{
	struct iommu_group *group = g->group;

	group->core_calls++;
	if (mock.core_hook)
		mock.core_hook(att);
	if (mock_core_fails())
		return -EIO;
	/* The core refuses to attach over a non-blocking domain. */
	if (group->domain)
		return -EBUSY;
	group->domain = att->pt->domain;
	group->att = att;
	return 0;
}

int hwpt_compat_replace(struct hwpt_group *g, struct hwpt_attach *old,
			struct hwpt_attach *att, bool *lost_old)
{
	struct iommu_group *group = g->group;

	group->core_calls++;
	if (group->domain != old->pt->domain || group->att != old)
		return -EINVAL;
	if (mock.core_hook)
		mock.core_hook(att);
	if (mock_core_fails()) {
		if (mock.replace_loses_old) {
			group->domain = NULL;
			group->att = NULL;
			*lost_old = true;
		}
		return -EIO;
	}
	group->domain = att->pt->domain;
	group->att = att;
	return 0;
}

void hwpt_compat_detach(struct hwpt_group *g, struct hwpt_attach *att)
{
	struct iommu_group *group = g->group;

	group->core_calls++;
	if (WARN_ON(group->domain != att->pt->domain || group->att != att))
		return;
	group->domain = NULL;
	group->att = NULL;
}

/* ---- Reserved regions of an IOAS: one record per owner ---- */

int hwpt_ioas_add_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g)
{
	struct hwpt_resv *r;

	lockdep_assert_held(&g->ctx->lock);
	if (hwpt_should_fail())
		return -EADDRINUSE;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->owner = g;
	mutex_lock(&ioas->lock);
	list_add_tail(&r->item, &ioas->resv);
	mutex_unlock(&ioas->lock);
	return 0;
}

void hwpt_ioas_remove_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g)
{
	struct hwpt_resv *r, *next;

	lockdep_assert_held(&g->ctx->lock);
	mutex_lock(&ioas->lock);
	list_for_each_entry_safe(r, next, &ioas->resv, item) {
		if (r->owner == g) {
			list_del(&r->item);
			kfree(r);
		}
	}
	mutex_unlock(&ioas->lock);
}

int mock_resv_count(const struct hwpt_ioas *ioas, const struct hwpt_group *g)
{
	const struct hwpt_resv *r;
	int n = 0;

	list_for_each_entry(r, &ioas->resv, item)
		n += r->owner == g;
	return n;
}

/* ---- Per-device IOPF ---- */

static int *mock_iopf_slot(const struct hwpt_device *dev,
			   const struct hwpt_pt *pt, bool on)
{
	int i;

	for (i = 0; i < mock.niopf; i++)
		if (mock.iopf[i].dev == dev && mock.iopf[i].pt == pt)
			break;
	if (i == mock.niopf) {
		if (WARN_ON(i == MOCK_IOPF_MAX))
			abort();
		mock.iopf[i].dev = (struct hwpt_device *)dev;
		mock.iopf[i].pt = (struct hwpt_pt *)pt;
		mock.niopf++;
	}
	return on ? &mock.iopf[i].on : &mock.iopf[i].off;
}

/*
 * Every call is counted, also for an HWPT without faults, where the real
 * one does nothing and cannot fail: each on must meet exactly one off.
 */
int hwpt_device_iopf_on(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	if (pt->fq && (dev == mock.iopf_refuse || hwpt_should_fail()))
		return -EINVAL;
	(*mock_iopf_slot(dev, pt, true))++;
	return 0;
}

void hwpt_device_iopf_off(struct hwpt_device *dev, struct hwpt_pt *pt)
{
	WARN_ON(mock_iopf_net(dev, pt) <= 0);
	(*mock_iopf_slot(dev, pt, false))++;
}

int mock_iopf_net(const struct hwpt_device *dev, const struct hwpt_pt *pt)
{
	for (int i = 0; i < mock.niopf; i++)
		if (mock.iopf[i].dev == dev && mock.iopf[i].pt == pt)
			return mock.iopf[i].on - mock.iopf[i].off;
	return 0;
}

/* ---- Fault groups and their answers ---- */

struct hwpt_fault_group *mock_fault_group(struct mock_req *req,
					  unsigned int nr, u64 addr, u32 grpid)
{
	struct hwpt_fault_group *fg;

	fg = kzalloc(sizeof(*fg) + nr * sizeof(fg->recs[0]), GFP_KERNEL);
	if (!fg)
		abort();
	fg->nr = nr;
	fg->real = req;
	for (unsigned int i = 0; i < nr; i++) {
		fg->recs[i] = (struct hwpt_pgfault){
			.flags = HWPT_PGFAULT_FLAGS_PASID_VALID,
			.pasid = 7,
			.grpid = grpid,
			.perm = HWPT_PGFAULT_PERM_READ,
			.addr = addr + (u64)i * 4096,
		};
	}
	fg->recs[nr - 1].flags |= HWPT_PGFAULT_FLAGS_LAST_PAGE;
	return fg;
}

/* As fault.c's: the answer goes back to the device, and @fg is freed. */
void hwpt_fault_group_answer(struct hwpt_fault_group *fg, u32 code)
{
	struct mock_req *req = fg->real;

	might_sleep();
	req->answers++;
	req->code = code;
	mock.answers[code < 2 ? code : 2]++;
	kfree(fg);
}
