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
	/* Only once the core can no longer hand it to a fault. */
	WARN_ON(att->group->group->att == att);
	hwpt_fault_kill_attach(att);
	mock.attach_releases++;
	kfree(att);
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

/* ---- Reserved regions of an IOAS ---- */

int hwpt_ioas_add_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g)
{
	if (hwpt_should_fail())
		return -EADDRINUSE;
	for (int i = 0; i < MOCK_RESV_MAX; i++) {
		if (!ioas->resv[i]) {
			ioas->resv[i] = g;
			return 0;
		}
	}
	return -ENOMEM;
}

void hwpt_ioas_remove_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g)
{
	for (int i = 0; i < MOCK_RESV_MAX; i++)
		if (ioas->resv[i] == g)
			ioas->resv[i] = NULL;
}

int mock_resv_count(const struct hwpt_ioas *ioas, const struct hwpt_group *g)
{
	int n = 0;

	for (int i = 0; i < MOCK_RESV_MAX; i++)
		n += ioas->resv[i] == g;
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
