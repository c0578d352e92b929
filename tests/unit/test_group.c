// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of group-aware attach, replace and detach (src/module/group.c)
 * against the mock IOMMU core of mock_iommu.c, which records which domain
 * and attachment each group is on, which reserved regions each IOAS
 * carries, and which devices have IOPF enabled for which HWPT. Every
 * backend call and allocation can be made to fail (mock.fail_nth); each
 * failure must leave the bookkeeping exactly as before, in agreement with
 * the mock core, and leak nothing.
 *
 * Each case runs with no fault-capable HWPT, with every one, and with a
 * mix; the fault queue itself is test_faultq.c's.
 */
#include "harness.h"
#include "mock_iommu.h"

/* ---- Objects ---- */


#define NPT 3
#define NDEV 3

FIXTURE(grp) {
	struct hwpt_ctx ctx;
	struct iommu_group core;
	struct hwpt_group g;
	struct iommu_domain dom[NPT];
	struct hwpt_ioas ioas[2];
	struct hwpt_faultq fq;
	struct hwpt_pt *pt[NPT];
	struct hwpt_device *dev[NDEV];
	long allocs;		/* kshim_allocs after the setup */
	const char *what;	/* the table case running, if any */
};

/* Which HWPTs are fault-capable: bit i for pt[i]. */
FIXTURE_VARIANT(grp) {
	unsigned int faults;
};

FIXTURE_VARIANT_ADD(grp, plain) {
	.faults = 0,
};

FIXTURE_VARIANT_ADD(grp, faults) {
	.faults = 7,
};

/* Fault-capable pt[0] and pt[2], plain automatic pt[1]. */
FIXTURE_VARIANT_ADD(grp, mixed) {
	.faults = 5,
};

/* pt[0] and pt[1] map IOAS 0, pt[2] maps IOAS 1; pt[1] is automatic. */
FIXTURE_SETUP(grp)
{
	mock_ctx_init(&self->ctx);
	for (int i = 0; i < 2; i++)
		mock_ioas_init(&self->ioas[i], &self->ctx);
	hwpt_faultq_init(&self->fq);
	INIT_LIST_HEAD(&self->g.devices);
	INIT_LIST_HEAD(&self->g.retired);
	self->g.ctx = &self->ctx;
	self->g.group = &self->core;
	for (int i = 0; i < NPT; i++) {
		self->pt[i] = mock_pt_new(&self->ctx, &self->dom[i],
					  &self->ioas[i == 2],
					  variant->faults & (1u << i) ?
					  &self->fq : NULL);
		self->pt[i]->auto_pt = i == 1;
	}
	for (int i = 0; i < NDEV; i++)
		self->dev[i] = mock_dev_new(&self->ctx, &self->g);
	mock_reset();
	kshim_warnings = 0;
	self->what = NULL;
	self->allocs = kshim_allocs;
	/* Every case runs as the ioctls do: under the file's lock. */
	mutex_lock(&self->ctx.lock);
}

FIXTURE_TEARDOWN(grp)
{
	mutex_unlock(&self->ctx.lock);
	if (_metadata->result->failed && self->what)
		TH_LOG("failed in: %s", self->what);
	EXPECT_EQ(0, kshim_warnings);
	EXPECT_EQ(0, kshim_atomic);
}

static bool is_member(struct hwpt_attach *att, struct hwpt_device *dev)
{
	struct hwpt_fault_member *m;

	if (att)
		list_for_each_entry(m, &att->members, item)
			if (m->dev == dev)
				return true;
	return false;
}

/* Everything a failed operation must leave untouched. */
struct snap {
	struct iommu_domain *core;
	struct hwpt_attach *core_att, *gatt;
	struct hwpt_pt *gpt;
	struct hwpt_pt *dpt[NDEV];
	bool member[NDEV];
	int iopf[NDEV][NPT];
	unsigned int users[NPT], ngroups[NPT];
	int resv[2];
	int attachments;
	long allocs;
};

static void take(FIXTURE_DATA(grp) *self, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->core = self->core.domain;
	s->core_att = self->core.att;
	s->gatt = self->g.att;
	s->gpt = self->g.pt;
	for (int i = 0; i < NDEV; i++) {
		s->dpt[i] = self->dev[i]->pt;
		s->member[i] = is_member(self->g.att, self->dev[i]);
		for (int j = 0; j < NPT; j++)
			s->iopf[i][j] = mock_iopf_net(self->dev[i],
						      self->pt[j]);
	}
	for (int i = 0; i < NPT; i++) {
		s->users[i] = self->pt[i]->obj.users;
		s->ngroups[i] = self->pt[i]->ngroups;
	}
	for (int i = 0; i < 2; i++)
		s->resv[i] = mock_resv_count(&self->ioas[i], &self->g);
	s->attachments = mock_attachments();
	s->allocs = kshim_allocs;
}

/*
 * The bookkeeping agrees with the mock core and with itself: one live
 * attachment while the group is attached, the one the core has, whose
 * fault members are exactly the attached devices when the HWPT takes
 * faults; IOPF on for each attached device and its HWPT only; no block
 * allocated but the attachment and its members.
 */
static void assert_consistent(struct __test_metadata *_metadata,
			      FIXTURE_DATA(grp) *self)
{
	struct hwpt_pt *gpt = self->g.pt;
	unsigned int att = 0, members = 0;

	ASSERT_TRUE(self->core.domain == (gpt ? gpt->domain : NULL));
	ASSERT_TRUE(self->core.att == self->g.att);
	ASSERT_EQ(gpt ? 1 : 0, mock_attachments());
	ASSERT_EQ(gpt ? 1 : 0, self->g.att != NULL);
	if (gpt) {
		ASSERT_TRUE(self->g.att->pt == gpt);
		ASSERT_TRUE(self->g.att->fq == gpt->fq);
		ASSERT_FALSE(self->g.att->dead);
	}
	for (int i = 0; i < NDEV; i++) {
		struct hwpt_device *d = self->dev[i];

		if (d->pt) {
			ASSERT_TRUE(d->pt == gpt);
			att++;
		}
		ASSERT_EQ(d->pt && d->pt->fq, is_member(self->g.att, d));
		members += is_member(self->g.att, d);
		for (int j = 0; j < NPT; j++)
			ASSERT_EQ(d->pt == self->pt[j],
				  mock_iopf_net(d, self->pt[j]));
	}
	ASSERT_EQ(att ? 1 : 0, gpt != NULL);
	for (int i = 0; i < NPT; i++)
		ASSERT_EQ(self->pt[i] == gpt ? att : 0, self->pt[i]->obj.users);
	if (gpt)
		ASSERT_EQ(1, mock_resv_count(gpt->ioas, &self->g));
	/* The attachment and its reserved-region record, and the members. */
	ASSERT_EQ(self->allocs + (gpt ? 2 : 0) + members, kshim_allocs);
}

#define ASSERT_CONSISTENT() assert_consistent(_metadata, self)
#define ASSERT_SNAP_EQ(a, b) ASSERT_EQ(0, memcmp(&(a), &(b), sizeof(a)))

TEST_F(grp, first_device_attaches_the_group_later_ones_join)
{
	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_TRUE(self->core.domain == &self->dom[0]);
	ASSERT_EQ(1, self->core.core_calls);
	ASSERT_EQ(1, self->pt[0]->ngroups);
	ASSERT_EQ(0, hwpt_group_attach(self->dev[1], self->pt[0]));
	/* Joining needs no core call: the group is already there. */
	ASSERT_EQ(1, self->core.core_calls);
	ASSERT_EQ(2, self->pt[0]->obj.users);
	ASSERT_CONSISTENT();
}

TEST_F(grp, attach_to_another_pt_is_einval_and_changes_nothing)
{
	struct snap before, after;

	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	take(self, &before);
	ASSERT_EQ(-EINVAL, hwpt_group_attach(self->dev[1], self->pt[2]));
	ASSERT_EQ(-EBUSY, hwpt_group_attach(self->dev[0], self->pt[0]));
	take(self, &after);
	ASSERT_SNAP_EQ(before, after);
}

/* A replace moves every attached device of the group at once. */
TEST_F(grp, replace_moves_every_attached_device)
{
	struct hwpt_pt *orphan = NULL;

	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_EQ(0, hwpt_group_attach(self->dev[1], self->pt[0]));
	ASSERT_EQ(2, hwpt_group_replace(self->dev[1], self->pt[2], &orphan));
	ASSERT_NULL(orphan);
	ASSERT_TRUE(self->dev[0]->pt == self->pt[2]);
	ASSERT_TRUE(self->dev[1]->pt == self->pt[2]);
	ASSERT_NULL(self->dev[2]->pt);
	/* The old HWPT keeps no stale device, and keeps its domain. */
	ASSERT_EQ(0, self->pt[0]->obj.users);
	ASSERT_EQ(0, self->pt[0]->ngroups);
	/* Reserved regions moved from IOAS 0 to IOAS 1. */
	ASSERT_EQ(0, mock_resv_count(&self->ioas[0], &self->g));
	ASSERT_CONSISTENT();
}

TEST_F(grp, replace_within_one_ioas_keeps_its_reserved_regions)
{
	struct hwpt_pt *orphan = NULL;

	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_EQ(1, hwpt_group_replace(self->dev[0], self->pt[1], &orphan));
	ASSERT_EQ(1, mock_resv_count(&self->ioas[0], &self->g));
	ASSERT_CONSISTENT();
}

TEST_F(grp, replace_to_the_same_pt_moves_nothing)
{
	struct hwpt_pt *orphan = NULL;

	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_EQ(0, hwpt_group_replace(self->dev[0], self->pt[0], &orphan));
	ASSERT_EQ(1, self->core.core_calls);
	ASSERT_CONSISTENT();
}

TEST_F(grp, replace_of_a_detached_device_is_einval)
{
	struct hwpt_pt *orphan = NULL;

	ASSERT_EQ(-EINVAL, hwpt_group_replace(self->dev[0], self->pt[0],
					      &orphan));
	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_EQ(-EINVAL, hwpt_group_replace(self->dev[1], self->pt[2],
					      &orphan));
	ASSERT_CONSISTENT();
}

TEST_F(grp, last_detach_blocks_the_group_and_keeps_the_hwpt)
{
	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_EQ(0, hwpt_group_attach(self->dev[1], self->pt[0]));
	ASSERT_NULL(hwpt_group_detach(self->dev[0]));
	ASSERT_TRUE(self->core.domain == &self->dom[0]);
	ASSERT_NULL(hwpt_group_detach(self->dev[1]));
	ASSERT_NULL(self->core.domain);
	ASSERT_EQ(0, mock_resv_count(&self->ioas[0], &self->g));
	/* Deferred cleanup: the HWPT is still in the table, unused. */
	ASSERT_TRUE(hwpt_object_get(&self->ctx.table, self->pt[0]->obj.id,
				    &mock_pt_type) == &self->pt[0]->obj);
	hwpt_object_put(&self->ctx.table, &self->pt[0]->obj);
	ASSERT_CONSISTENT();
}

TEST_F(grp, an_unused_automatic_hwpt_is_handed_back)
{
	struct hwpt_pt *orphan = NULL;

	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[1]));
	ASSERT_EQ(1, hwpt_group_replace(self->dev[0], self->pt[0], &orphan));
	ASSERT_TRUE(orphan == self->pt[1]);
	/* Handed back with a reference, for the caller's destroy. */
	ASSERT_EQ(2, refcount_read(&orphan->obj.refs));
	hwpt_object_put(&self->ctx.table, &orphan->obj);
	orphan = NULL;
	ASSERT_EQ(1, hwpt_group_replace(self->dev[0], self->pt[1], &orphan));
	ASSERT_NULL(orphan);
	orphan = hwpt_group_detach(self->dev[0]);
	ASSERT_TRUE(orphan == self->pt[1]);
	hwpt_object_put(&self->ctx.table, &orphan->obj);
	ASSERT_CONSISTENT();
}

TEST_F(grp, attach_to_an_hwpt_being_destroyed_fails_cleanly)
{
	struct hwpt_pt *dying = hwpt_object_alloc(&self->ctx.table,
						  struct hwpt_pt, &mock_pt_type);
	struct hwpt_pt *orphan = NULL;

	/* Published, then taken out of the table by a destroy: no users. */
	dying->domain = &self->dom[2];
	dying->ioas = &self->ioas[1];
	hwpt_object_finalize(&self->ctx.table, &dying->obj);
	xa_erase(&self->ctx.table.objects, dying->obj.id);
	ASSERT_EQ(-ENOENT, hwpt_group_attach(self->dev[0], dying));
	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_EQ(-ENOENT, hwpt_group_replace(self->dev[0], dying, &orphan));
	hwpt_object_abort(&self->ctx.table, &dying->obj);
	ASSERT_CONSISTENT();
}

static int op_attach(FIXTURE_DATA(grp) *self)
{
	return hwpt_group_attach(self->dev[0], self->pt[0]);
}

static int op_join(FIXTURE_DATA(grp) *self)
{
	return hwpt_group_attach(self->dev[1], self->pt[0]);
}

static int op_replace_other_ioas(FIXTURE_DATA(grp) *self)
{
	struct hwpt_pt *orphan = NULL;

	return hwpt_group_replace(self->dev[0], self->pt[2], &orphan);
}

static int op_replace_same_ioas(FIXTURE_DATA(grp) *self)
{
	struct hwpt_pt *orphan = NULL;

	return hwpt_group_replace(self->dev[0], self->pt[1], &orphan);
}

/*
 * An operation for the fail-point sweep: the devices attached first, the
 * operation, the HWPT it moves to, and its fail points, with more when
 * that HWPT takes faults.
 */
static const struct sweep_case {
	const char *what;
	int prep[NDEV];		/* first, dev[i] on pt[prep[i] - 1] */
	int (*op)(FIXTURE_DATA(grp) *self);
	int target;
	int points;		/* attachment, reserved regions, core */
	int fault_points;	/* IOPF on and fault member, per device */
} sweep_cases[] = {
	{ "attach", { 0, 0, 0 }, op_attach, 0, 3, 2 },
	{ "join", { 1, 0, 0 }, op_join, 0, 0, 2 },
	{ "replace to another IOAS", { 1, 0, 1 }, op_replace_other_ioas, 2,
	  3, 4 },
	{ "replace within one IOAS", { 1, 0, 0 }, op_replace_same_ioas, 1,
	  2, 2 },
};

static void detach_all(struct __test_metadata *_metadata,
		       FIXTURE_DATA(grp) *self)
{
	for (int i = 0; i < NDEV; i++) {
		struct hwpt_pt *orphan;

		if (!self->dev[i]->pt)
			continue;
		orphan = hwpt_group_detach(self->dev[i]);
		if (orphan)
			hwpt_object_put(&self->ctx.table, &orphan->obj);
	}
	ASSERT_CONSISTENT();
}

/*
 * Fail the 1st, 2nd, ... fail point (allocation or backend call) until the
 * operation succeeds: every failure leaves everything as it was.
 */
TEST_F(grp, every_failure_unwinds)
{
	for (size_t c = 0; c < ARRAY_SIZE(sweep_cases); c++) {
		const struct sweep_case *sc = &sweep_cases[c];
		bool faults = variant->faults & (1u << sc->target);
		struct snap before, after;
		int n, rc;

		self->what = sc->what;
		for (int i = 0; i < NDEV; i++)
			if (sc->prep[i])
				ASSERT_EQ(0, hwpt_group_attach(self->dev[i],
						self->pt[sc->prep[i] - 1]));
		take(self, &before);
		for (n = 1;; n++) {
			mock.fail_nth = n;
			rc = sc->op(self);
			if (rc >= 0)
				break;
			take(self, &after);
			ASSERT_SNAP_EQ(before, after);
			ASSERT_CONSISTENT();
		}
		mock.fail_nth = 0;
		ASSERT_EQ(sc->points + (faults ? sc->fault_points : 0), n - 1);
		ASSERT_TRUE(self->g.pt == self->pt[sc->target]);
		ASSERT_CONSISTENT();
		detach_all(_metadata, self);
	}
}

/*
 * A device that cannot take faults (a VF, say) keeps its whole group off
 * a fault-capable HWPT; the enables of the devices before it are undone.
 */
TEST_F(grp, a_device_refusing_faults_keeps_its_group_where_it_is)
{
	struct hwpt_pt *orphan = NULL;
	struct snap before, after;

	if (!(variant->faults & (1u << 2)))
		SKIP("pt[2] takes no faults here");
	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[1]));
	ASSERT_EQ(0, hwpt_group_attach(self->dev[1], self->pt[1]));
	ASSERT_EQ(0, hwpt_group_attach(self->dev[2], self->pt[1]));
	mock.iopf_refuse = self->dev[1];
	take(self, &before);
	ASSERT_EQ(-EINVAL, hwpt_group_replace(self->dev[0], self->pt[2],
					      &orphan));
	take(self, &after);
	ASSERT_SNAP_EQ(before, after);
	ASSERT_NULL(orphan);
	ASSERT_CONSISTENT();
	detach_all(_metadata, self);
}

/*
 * Kernels without a transactional replace: when putting the old domain
 * back fails too, the group is blocked, and the bookkeeping says so.
 */
TEST_F(grp, a_replace_that_loses_the_old_domain_detaches_everyone)
{
	struct hwpt_pt *orphan = NULL;

	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[1]));
	ASSERT_EQ(0, hwpt_group_attach(self->dev[1], self->pt[1]));
	mock.replace_loses_old = true;
	mock.fail_core = true;
	ASSERT_EQ(-EIO, hwpt_group_replace(self->dev[0], self->pt[2], &orphan));
	ASSERT_NULL(self->core.domain);
	ASSERT_NULL(self->dev[0]->pt);
	ASSERT_NULL(self->dev[1]->pt);
	ASSERT_EQ(0, mock_resv_count(&self->ioas[1], &self->g));
	ASSERT_TRUE(orphan == self->pt[1]);
	hwpt_object_put(&self->ctx.table, &orphan->obj);
	ASSERT_CONSISTENT();
}

TEST_HARNESS_MAIN
