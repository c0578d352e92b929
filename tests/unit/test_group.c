// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of group-aware attach, replace and detach (src/module/group.c)
 * against a mock IOMMU core that records which domain each group is on and
 * which reserved regions each IOAS carries. Every backend call can be made
 * to fail (fail_nth); each failure must leave the bookkeeping exactly as
 * before and in agreement with the mock core.
 */
#include "harness.h"
#include "group.h"

/* ---- The mock backend ---- */

struct iommu_domain {
	int id;
};

struct iommu_group {
	struct iommu_domain *domain;	/* what the "core" has attached */
	int core_calls;
};

struct hwpt_ioas {
	struct hwpt_group *resv[8];	/* groups whose regions it holds */
};

static int fail_nth;
static bool replace_loses_old;	/* the emulated replace of old kernels */

bool hwpt_should_fail(void)
{
	return fail_nth > 0 && --fail_nth == 0;
}

int hwpt_compat_attach(struct iommu_group *group, struct iommu_domain *domain,
		       struct hwpt_attach_handle **handle)
{
	group->core_calls++;
	if (hwpt_should_fail())
		return -EIO;
	/* The core refuses to attach over a non-blocking domain. */
	if (group->domain)
		return -EBUSY;
	group->domain = domain;
	return 0;
}

int hwpt_compat_replace(struct iommu_group *group, struct iommu_domain *old,
			struct iommu_domain *new,
			struct hwpt_attach_handle **handle, bool *lost_old)
{
	group->core_calls++;
	if (group->domain != old)
		return -EINVAL;
	if (hwpt_should_fail()) {
		if (replace_loses_old) {
			group->domain = NULL;
			*lost_old = true;
		}
		return -EIO;
	}
	group->domain = new;
	return 0;
}

void hwpt_compat_detach(struct iommu_group *group, struct iommu_domain *domain,
			struct hwpt_attach_handle **handle)
{
	group->core_calls++;
	if (group->domain == domain)
		group->domain = NULL;
	else
		kshim_warnings++;
}

int hwpt_ioas_add_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g)
{
	if (hwpt_should_fail())
		return -EADDRINUSE;
	for (int i = 0; i < 8; i++) {
		if (!ioas->resv[i]) {
			ioas->resv[i] = g;
			return 0;
		}
	}
	return -ENOMEM;
}

void hwpt_ioas_remove_group_resv(struct hwpt_ioas *ioas, struct hwpt_group *g)
{
	for (int i = 0; i < 8; i++)
		if (ioas->resv[i] == g)
			ioas->resv[i] = NULL;
}

static int resv_count(struct hwpt_ioas *ioas, struct hwpt_group *g)
{
	int n = 0;

	for (int i = 0; i < 8; i++)
		n += ioas->resv[i] == g;
	return n;
}

/* ---- Objects ---- */

static void plain_destroy(struct hwpt_object *obj)
{
}

static const struct hwpt_object_type pt_type = {
	.name = "hwpt", .destroy = plain_destroy,
};
static const struct hwpt_object_type dev_type = {
	.name = "device", .destroy = plain_destroy,
};

#define NPT 3
#define NDEV 3

FIXTURE(grp) {
	struct hwpt_ctx ctx;
	struct iommu_group core;
	struct hwpt_group g;
	struct iommu_domain dom[NPT];
	struct hwpt_ioas ioas[2];
	struct hwpt_pt *pt[NPT];
	struct hwpt_device *dev[NDEV];
};

/* pt[0] and pt[1] map IOAS 0, pt[2] maps IOAS 1; pt[1] is automatic. */
FIXTURE_SETUP(grp)
{
	hwpt_table_init(&self->ctx.table);
	INIT_LIST_HEAD(&self->g.devices);
	self->g.ctx = &self->ctx;
	self->g.group = &self->core;
	for (int i = 0; i < NPT; i++) {
		struct hwpt_pt *pt = hwpt_object_alloc(&self->ctx.table,
						       struct hwpt_pt, &pt_type);

		pt->ctx = &self->ctx;
		pt->domain = &self->dom[i];
		pt->ioas = &self->ioas[i == 2];
		pt->auto_pt = i == 1;
		hwpt_object_finalize(&self->ctx.table, &pt->obj);
		self->pt[i] = pt;
	}
	for (int i = 0; i < NDEV; i++) {
		struct hwpt_device *d = hwpt_object_alloc(&self->ctx.table,
							  struct hwpt_device,
							  &dev_type);

		d->ctx = &self->ctx;
		d->group = &self->g;
		list_add_tail(&d->group_item, &self->g.devices);
		hwpt_object_finalize(&self->ctx.table, &d->obj);
		self->dev[i] = d;
	}
	fail_nth = 0;
	replace_loses_old = false;
	kshim_warnings = 0;
}

FIXTURE_TEARDOWN(grp)
{
	EXPECT_EQ(0, kshim_warnings);
}

/* Everything a failed operation must leave untouched. */
struct snap {
	struct iommu_domain *core;
	struct hwpt_pt *gpt;
	struct hwpt_pt *dpt[NDEV];
	unsigned int users[NPT], ngroups[NPT];
	int resv[2];
};

static void take(struct __test_metadata *m, FIXTURE_DATA(grp) *self,
		 struct snap *s)
{
	(void)m;
	memset(s, 0, sizeof(*s));
	s->core = self->core.domain;
	s->gpt = self->g.pt;
	for (int i = 0; i < NDEV; i++)
		s->dpt[i] = self->dev[i]->pt;
	for (int i = 0; i < NPT; i++) {
		s->users[i] = self->pt[i]->obj.users;
		s->ngroups[i] = self->pt[i]->ngroups;
	}
	for (int i = 0; i < 2; i++)
		s->resv[i] = resv_count(&self->ioas[i], &self->g);
}

/* The bookkeeping agrees with the mock core and with itself. */
#define ASSERT_CONSISTENT()                                                  \
	do {                                                                 \
		unsigned int __att = 0;                                      \
		ASSERT_TRUE(self->core.domain ==                             \
			    (self->g.pt ? self->g.pt->domain : NULL));       \
		for (int __i = 0; __i < NDEV; __i++) {                       \
			if (self->dev[__i]->pt) {                            \
				ASSERT_TRUE(self->dev[__i]->pt == self->g.pt); \
				__att++;                                     \
			}                                                    \
		}                                                            \
		ASSERT_EQ(__att ? 1 : 0, self->g.pt != NULL);                \
		for (int __i = 0; __i < NPT; __i++)                          \
			ASSERT_EQ(self->pt[__i] == self->g.pt ? __att : 0,   \
				  self->pt[__i]->obj.users);                 \
		if (self->g.pt)                                              \
			ASSERT_EQ(1, resv_count(self->g.pt->ioas, &self->g)); \
	} while (0)

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
	take(_metadata, self, &before);
	ASSERT_EQ(-EINVAL, hwpt_group_attach(self->dev[1], self->pt[2]));
	ASSERT_EQ(-EBUSY, hwpt_group_attach(self->dev[0], self->pt[0]));
	take(_metadata, self, &after);
	ASSERT_SNAP_EQ(before, after);
}

/* Seed 000: a replace moves every attached device of the group at once. */
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
	ASSERT_EQ(0, resv_count(&self->ioas[0], &self->g));
	ASSERT_CONSISTENT();
}

TEST_F(grp, replace_within_one_ioas_keeps_its_reserved_regions)
{
	struct hwpt_pt *orphan = NULL;

	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_EQ(1, hwpt_group_replace(self->dev[0], self->pt[1], &orphan));
	ASSERT_EQ(1, resv_count(&self->ioas[0], &self->g));
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
	ASSERT_EQ(0, resv_count(&self->ioas[0], &self->g));
	/* Deferred cleanup: the HWPT is still in the table, unused. */
	ASSERT_TRUE(hwpt_object_get(&self->ctx.table, self->pt[0]->obj.id,
				    &pt_type) == &self->pt[0]->obj);
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
	ASSERT_EQ(1, hwpt_group_replace(self->dev[0], self->pt[1], &orphan));
	orphan = hwpt_group_detach(self->dev[0]);
	ASSERT_TRUE(orphan == self->pt[1]);
	hwpt_object_put(&self->ctx.table, &orphan->obj);
	ASSERT_CONSISTENT();
}

TEST_F(grp, attach_to_an_hwpt_being_destroyed_fails_cleanly)
{
	struct hwpt_pt *dying = hwpt_object_alloc(&self->ctx.table,
						  struct hwpt_pt, &pt_type);
	struct hwpt_pt *orphan = NULL;

	/* Not in the table (as after a destroy took it out): no users. */
	dying->domain = &self->dom[2];
	dying->ioas = &self->ioas[1];
	ASSERT_EQ(-ENOENT, hwpt_group_attach(self->dev[0], dying));
	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_EQ(-ENOENT, hwpt_group_replace(self->dev[0], dying, &orphan));
	ASSERT_CONSISTENT();
	hwpt_object_abort(&self->ctx.table, &dying->obj);
}

/* Fail the 1st, 2nd, ... backend call until the operation succeeds. */
TEST_F(grp, every_attach_failure_unwinds)
{
	struct snap before, after;
	int n, rc;

	take(_metadata, self, &before);
	for (n = 1;; n++) {
		fail_nth = n;
		rc = hwpt_group_attach(self->dev[0], self->pt[0]);
		if (!rc)
			break;
		take(_metadata, self, &after);
		ASSERT_SNAP_EQ(before, after);
	}
	ASSERT_GT(n, 2);	/* two fail points: resv, core attach */
	ASSERT_CONSISTENT();
}

TEST_F(grp, every_replace_failure_unwinds)
{
	struct hwpt_pt *orphan = NULL;
	struct snap before, after;
	int n, rc;

	ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
	ASSERT_EQ(0, hwpt_group_attach(self->dev[2], self->pt[0]));
	take(_metadata, self, &before);
	for (n = 1;; n++) {
		fail_nth = n;
		rc = hwpt_group_replace(self->dev[0], self->pt[2], &orphan);
		if (rc >= 0)
			break;
		take(_metadata, self, &after);
		ASSERT_SNAP_EQ(before, after);
		ASSERT_CONSISTENT();
	}
	ASSERT_EQ(2, rc);
	ASSERT_CONSISTENT();
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
	replace_loses_old = true;
	fail_nth = 2;	/* the core call, after the reserved regions */
	ASSERT_EQ(-EIO, hwpt_group_replace(self->dev[0], self->pt[2], &orphan));
	ASSERT_NULL(self->core.domain);
	ASSERT_NULL(self->dev[0]->pt);
	ASSERT_NULL(self->dev[1]->pt);
	ASSERT_EQ(0, resv_count(&self->ioas[1], &self->g));
	ASSERT_TRUE(orphan == self->pt[1]);
	hwpt_object_put(&self->ctx.table, &orphan->obj);
	ASSERT_CONSISTENT();
}

TEST_HARNESS_MAIN
