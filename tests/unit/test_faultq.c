// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the fault queue (src/module/faultq.c), alone and through
 * group.c's attach, replace and detach, against the mock backend of
 * mock_iommu.c. Every fault group carries a struct mock_req that counts
 * the answers it gets. After every case, and at points inside them:
 *
 * - every group reported is either still in the queue and unanswered, or
 *   answered exactly once (ASan catches an answer given to a freed one);
 * - for every device, faults = success + invalid + auto + pending.
 *
 * The teardown then takes every way out (detach, release, close) and
 * checks that each group has been answered exactly once.
 *
 * Each case runs twice: with groups reported by pci_dev, as the IOMMU
 * driver's path does, and by device, as HWPT_FAULT_INJECT does.
 */
#include "harness.h"
#include "mock_iommu.h"

#include <linux/uaccess.h>

#define NDEV 4
#define NPT 3
#define NREQ (HWPT_FAULT_QUEUE_DEPTH + 64)
#define NBUF (2 * HWPT_FAULT_QUEUE_DEPTH)
#define REC sizeof(struct hwpt_pgfault)
#define RESP sizeof(struct hwpt_page_response)
#define SUCCESS HWPT_PAGE_RESP_SUCCESS
#define INVALID HWPT_PAGE_RESP_INVALID

/* Where group i's pages are: a read record leads back to its group. */
#define ADDR_BASE 0x10000000ull
#define ADDR_STRIDE 0x100000ull


FIXTURE(fq) {
	struct hwpt_ctx ctx;
	struct iommu_group core[2];
	struct hwpt_group g[2];		/* dev[3] is in g[1] */
	struct iommu_domain dom[NPT];
	struct hwpt_ioas ioas;
	struct hwpt_faultq q;
	struct pci_dev pdev[NDEV + 1];	/* the last is none of ours */
	struct hwpt_pt *pt[NPT];	/* pt[0], pt[1] on q; pt[2] no faults */
	struct hwpt_device *dev[NDEV];
	bool by_pdev;
	/* Attachments made by the case itself, released by the teardown. */
	struct hwpt_attach *att[2];
	int natt;
	/* The groups reported, by index. */
	struct mock_req req[NREQ];
	unsigned int nr[NREQ];		/* pages */
	bool queued[NREQ];		/* what the report returned */
	bool read[NREQ];
	u32 cookie[NREQ];		/* when read */
	int nreq;
	struct hwpt_pgfault buf[NBUF];
	long allocs;			/* kshim_allocs after the setup */
	const char *what;		/* the table case running, if any */
};

FIXTURE_VARIANT(fq) {
	bool by_pdev;
};

FIXTURE_VARIANT_ADD(fq, driver) {
	.by_pdev = true,
};

FIXTURE_VARIANT_ADD(fq, inject) {
	.by_pdev = false,
};

FIXTURE_SETUP(fq)
{
	mock_ctx_init(&self->ctx);
	mock_ioas_init(&self->ioas, &self->ctx);
	hwpt_faultq_init(&self->q);
	self->by_pdev = variant->by_pdev;
	for (int i = 0; i < 2; i++) {
		INIT_LIST_HEAD(&self->g[i].devices);
		INIT_LIST_HEAD(&self->g[i].retired);
		self->g[i].ctx = &self->ctx;
		self->g[i].group = &self->core[i];
	}
	for (int i = 0; i < NPT; i++)
		self->pt[i] = mock_pt_new(&self->ctx, &self->dom[i],
					  &self->ioas, i < 2 ? &self->q : NULL);
	for (int i = 0; i < NDEV; i++) {
		self->dev[i] = mock_dev_new(&self->ctx, &self->g[i == 3]);
		self->dev[i]->pdev = &self->pdev[i];
	}
	mock_reset();
	kshim_warnings = 0;
	kshim_wakeups = 0;
	kshim_user_end = NULL;
	kshim_spin_hook = NULL;
	self->what = NULL;
	self->allocs = kshim_allocs;
	/* Every case runs as the ioctls do: under the file's lock. */
	mutex_lock(&self->ctx.lock);
}

static int dev_index(FIXTURE_DATA(fq) *self, struct hwpt_device *dev)
{
	for (int i = 0; i < NDEV; i++)
		if (self->dev[i] == dev)
			return i;
	return -1;
}

#define FAULTS 0
#define OK 1
#define INVAL 2
#define AUTO 3

static int counted(struct hwpt_fault_counts *c, int which)
{
	atomic_t *v[] = { &c->faults, &c->success, &c->invalid, &c->autoresp };

	return atomic_read(v[which]);
}

static int count(struct hwpt_device *dev, int which)
{
	return counted(&dev->fault_counts, which);
}

/* The counts of dev[d]: faults, success, invalid, auto. */
#define ASSERT_COUNTS(d, f, s, i, a)                                       \
	do {                                                               \
		ASSERT_EQ(f, count(self->dev[d], FAULTS));                 \
		ASSERT_EQ(s, count(self->dev[d], OK));                     \
		ASSERT_EQ(i, count(self->dev[d], INVAL));                  \
		ASSERT_EQ(a, count(self->dev[d], AUTO));                   \
	} while (0)

/* Groups waiting to be read. */
static unsigned int nr_deliver(FIXTURE_DATA(fq) *self)
{
	struct list_head *l;
	unsigned int n = 0;

	list_for_each(l, &self->q.deliver)
		n++;
	return n;
}

/*
 * The invariant: each group is in the queue, once and unanswered, or was
 * answered exactly once; per device, faults = success + invalid + auto +
 * pending; only userspace answers SUCCESS; the module-wide counts are the
 * sums of the devices' (each case runs in a new process, from zero).
 */
static void assert_exactly_once(struct __test_metadata *_metadata,
				FIXTURE_DATA(fq) *self)
{
	static bool inq[NREQ];
	struct list_head *lists[] = { &self->q.deliver, &self->q.response };
	int pending[NDEV] = { 0 }, success[NDEV] = { 0 }, given = 0;
	struct hwpt_fault_group *fg;
	unsigned int queued = 0;

	memset(inq, 0, sizeof(inq));
	for (int l = 0; l < 2; l++) {
		list_for_each_entry(fg, lists[l], node) {
			long i = (struct mock_req *)fg->real - self->req;

			ASSERT_TRUE(i >= 0 && i < self->nreq);
			ASSERT_FALSE(inq[i]);
			inq[i] = true;
			queued++;
			ASSERT_LE(0, dev_index(self, fg->dev));
			pending[dev_index(self, fg->dev)]++;
		}
	}
	ASSERT_EQ(queued, self->q.ngroups);
	for (int i = 0; i < self->nreq; i++) {
		struct mock_req *r = &self->req[i];

		ASSERT_EQ(inq[i] ? 0 : 1, r->answers);
		given += r->answers;
		if (r->answers && r->code == SUCCESS)
			success[dev_index(self, r->dev)]++;
	}
	ASSERT_EQ(given, mock.answers[SUCCESS] + mock.answers[INVALID]);
	ASSERT_EQ(0, mock.answers[2]);
	for (int d = 0; d < NDEV; d++) {
		struct hwpt_device *dev = self->dev[d];

		ASSERT_EQ(count(dev, FAULTS), count(dev, OK) +
			  count(dev, INVAL) + count(dev, AUTO) + pending[d]);
		ASSERT_EQ(success[d], count(dev, OK));
	}
	for (int k = FAULTS; k <= AUTO; k++) {
		int sum = 0;

		for (int d = 0; d < NDEV; d++)
			sum += count(self->dev[d], k);
		ASSERT_EQ(sum, counted(&hwpt_fault_totals, k));
	}
}

#define ASSERT_EXACTLY_ONCE() assert_exactly_once(_metadata, self)

FIXTURE_TEARDOWN(fq)
{
	if (_metadata->result->failed && self->what)
		TH_LOG("failed in: %s", self->what);
	self->what = NULL;
	ASSERT_EXACTLY_ONCE();
	/* Every way out at once: nothing may stay unanswered. */
	for (int i = 0; i < NDEV; i++) {
		struct hwpt_pt *orphan;

		if (!self->dev[i]->pt)
			continue;
		orphan = hwpt_group_detach(self->dev[i]);
		if (orphan)
			hwpt_object_put(&self->ctx.table, &orphan->obj);
	}
	for (int i = 0; i < self->natt; i++)
		hwpt_attach_release(self->att[i]);
	self->natt = 0;
	hwpt_faultq_close(&self->q);
	ASSERT_EXACTLY_ONCE();
	ASSERT_EQ(0, self->q.ngroups);
	for (int i = 0; i < self->nreq; i++)
		ASSERT_EQ(1, self->req[i].answers);
	ASSERT_EQ(0, mock_attachments());
	for (int i = 0; i < NDEV; i++)
		for (int j = 0; j < NPT; j++)
			ASSERT_EQ(0, mock_iopf_net(self->dev[i], self->pt[j]));
	mutex_unlock(&self->ctx.lock);
	ASSERT_EQ(self->allocs, kshim_allocs);
	ASSERT_EQ(0, kshim_atomic);
	ASSERT_EQ(0, kshim_warnings);
	mutex_destroy(&self->q.mutex);
}

/* An attachment of dev[i] for each bit i of @devs to @pt, made directly. */
static struct hwpt_attach *new_att(struct __test_metadata *_metadata,
				   FIXTURE_DATA(fq) *self, int pt,
				   unsigned int devs)
{
	struct hwpt_attach *att;

	att = hwpt_attach_alloc(&self->g[devs == BIT(3)], self->pt[pt]);
	ASSERT_NONNULL(att);
	self->att[self->natt++] = att;
	for (int i = 0; i < NDEV; i++)
		if (devs & BIT(i))
			ASSERT_EQ(0, hwpt_fault_join(att, self->dev[i]));
	return att;
}

/*
 * dev reports a group of @nr pages through @att, by pci_dev or by device
 * as the variant says; NULL is a device that is none of ours. Returns the
 * group's index.
 */
static int report(FIXTURE_DATA(fq) *self, struct hwpt_attach *att,
		  struct hwpt_device *dev, unsigned int nr)
{
	int i = self->nreq++;
	struct hwpt_fault_group *fg;

	self->req[i].dev = dev;
	self->nr[i] = nr;
	fg = mock_fault_group(&self->req[i], nr, ADDR_BASE + i * ADDR_STRIDE,
			      i % 512);
	if (self->by_pdev)
		self->queued[i] = hwpt_faultq_report(att, dev ? dev->pdev :
						     &self->pdev[NDEV], fg);
	else
		self->queued[i] = hwpt_faultq_report_dev(att, dev, fg);
	return i;
}

/*
 * read() @bytes into buf, and check what came: whole groups in order, each
 * record as reported but for dev_id and cookie, LAST_PAGE on the last
 * record of a group only, one cookie per group, no two unanswered groups
 * with one cookie.
 */
static ssize_t rd(struct __test_metadata *_metadata, FIXTURE_DATA(fq) *self,
		  size_t bytes)
{
	ssize_t rc = hwpt_faultq_read(&self->q, (char *)self->buf, bytes);
	size_t i = 0, n;

	if (rc <= 0)
		return rc;
	ASSERT_LE(rc, bytes);
	ASSERT_EQ(0, rc % REC);
	n = rc / REC;
	while (i < n) {
		u64 idx = (self->buf[i].addr - ADDR_BASE) / ADDR_STRIDE;
		struct hwpt_pgfault *first = &self->buf[i];
		struct mock_req *req;

		ASSERT_LT(idx, self->nreq);
		req = &self->req[idx];
		ASSERT_FALSE(self->read[idx]);
		ASSERT_EQ(0, req->answers);
		ASSERT_LE(i + self->nr[idx], n);	/* whole groups only */
		for (unsigned int p = 0; p < self->nr[idx]; p++, i++) {
			struct hwpt_pgfault *r = &self->buf[i];
			bool last = p == self->nr[idx] - 1;

			ASSERT_EQ(HWPT_PGFAULT_FLAGS_PASID_VALID |
				  (last ? HWPT_PGFAULT_FLAGS_LAST_PAGE : 0),
				  r->flags);
			ASSERT_EQ(req->dev->obj.id, r->dev_id);
			ASSERT_EQ(7, r->pasid);
			ASSERT_EQ(idx % 512, r->grpid);
			ASSERT_EQ(HWPT_PGFAULT_PERM_READ, r->perm);
			ASSERT_EQ(0, r->__reserved);
			ASSERT_EQ(ADDR_BASE + idx * ADDR_STRIDE + p * 4096,
				  r->addr);
			ASSERT_EQ(0, r->length);
			ASSERT_EQ(first->cookie, r->cookie);
		}
		for (int j = 0; j < self->nreq; j++)
			if (self->read[j] && !self->req[j].answers)
				ASSERT_NE(self->cookie[j], first->cookie);
		self->read[idx] = true;
		self->cookie[idx] = first->cookie;
	}
	return rc;
}

static ssize_t wr(FIXTURE_DATA(fq) *self,
		  const struct hwpt_page_response *resp, size_t bytes)
{
	return hwpt_faultq_write(&self->q, (const char *)resp, bytes);
}

/* Userspace answers group @i. */
static ssize_t answer(FIXTURE_DATA(fq) *self, int i, u32 code)
{
	struct hwpt_page_response r = { .cookie = self->cookie[i],
					.code = code };

	return wr(self, &r, sizeof(r));
}

/* Read everything waiting and answer it INVALID. */
static void drain(struct __test_metadata *_metadata, FIXTURE_DATA(fq) *self)
{
	while (rd(_metadata, self, sizeof(self->buf)) > 0)
		;
	for (int i = 0; i < self->nreq; i++)
		if (self->read[i] && !self->req[i].answers)
			ASSERT_EQ(RESP, answer(self, i, INVALID));
	ASSERT_EQ(0, self->q.ngroups);
}

/* ---- The queue alone ---- */

TEST_F(fq, groups_are_read_whole_and_answered_once)
{
	struct hwpt_attach *att = new_att(_metadata, self, 0, BIT(0) | BIT(1));
	int a, b, c;

	ASSERT_FALSE(hwpt_faultq_readable(&self->q));
	a = report(self, att, self->dev[0], 1);
	b = report(self, att, self->dev[1], 3);
	c = report(self, att, self->dev[0], 2);
	ASSERT_TRUE(self->queued[a] && self->queued[b] && self->queued[c]);
	ASSERT_EQ(3, kshim_wakeups);	/* a reader is woken for each */
	ASSERT_TRUE(hwpt_faultq_readable(&self->q));
	ASSERT_EXACTLY_ONCE();
	ASSERT_COUNTS(0, 2, 0, 0, 0);
	ASSERT_COUNTS(1, 1, 0, 0, 0);

	ASSERT_EQ(6 * REC, rd(_metadata, self, 16 * REC));
	ASSERT_TRUE(self->read[a] && self->read[b] && self->read[c]);
	/* In the order reported. */
	ASSERT_EQ(self->cookie[a], self->buf[0].cookie);
	ASSERT_EQ(self->cookie[b], self->buf[1].cookie);
	ASSERT_EQ(self->cookie[c], self->buf[4].cookie);
	ASSERT_FALSE(hwpt_faultq_readable(&self->q));
	ASSERT_EQ(-EAGAIN, rd(_metadata, self, 16 * REC));

	ASSERT_EQ(RESP, answer(self, a, SUCCESS));
	ASSERT_EQ(RESP, answer(self, b, INVALID));
	ASSERT_EQ(SUCCESS, self->req[a].code);
	ASSERT_EQ(INVALID, self->req[b].code);
	ASSERT_EQ(0, self->req[c].answers);
	ASSERT_COUNTS(0, 2, 1, 0, 0);
	ASSERT_COUNTS(1, 1, 0, 1, 0);
	ASSERT_EQ(1, self->q.ngroups);
	ASSERT_EXACTLY_ONCE();
}

/* Two groups of two pages wait; then each read, from that state. */
static const struct {
	const char *what;
	size_t bytes;
	ssize_t rc;
	unsigned int left;	/* groups still waiting afterwards */
} read_cases[] = {
	{ "nothing", 0, -EINVAL, 2 },
	{ "a byte", 1, -EINVAL, 2 },
	{ "a record and a byte", REC + 1, -EINVAL, 2 },
	{ "less than the first group", REC, -EINVAL, 2 },
	{ "a group and a half", 3 * REC, 2 * REC, 1 },
	{ "both groups", 4 * REC, 4 * REC, 0 },
	{ "more than both", 9 * REC, 4 * REC, 0 },
};

TEST_F(fq, read_takes_whole_groups_or_fails_and_takes_nothing)
{
	struct hwpt_attach *att = new_att(_metadata, self, 0, BIT(0));

	for (size_t c = 0; c < ARRAY_SIZE(read_cases); c++) {
		self->what = read_cases[c].what;
		report(self, att, self->dev[0], 2);
		report(self, att, self->dev[0], 2);
		ASSERT_EQ(read_cases[c].rc,
			  rd(_metadata, self, read_cases[c].bytes));
		ASSERT_EQ(read_cases[c].left, nr_deliver(self));
		ASSERT_EQ(2, self->q.ngroups);
		ASSERT_EXACTLY_ONCE();
		drain(_metadata, self);
	}
	ASSERT_EQ(-EINVAL, rd(_metadata, self, 0));
	ASSERT_EQ(-EINVAL, rd(_metadata, self, REC - 1));
	ASSERT_EQ(-EAGAIN, rd(_metadata, self, REC));
}

/* Groups 0-2 are read, 3 is not; 4 stands for a cookie nobody has. */
#define UNREAD 3
#define NOBODY 4

static const struct {
	const char *what;
	size_t extra;		/* bytes past the whole records */
	unsigned int n;
	struct {
		int grp;
		u32 code;
	} r[3];
} write_cases[] = {
	{ "nothing", 0, 0, { } },
	{ "half a record", RESP / 2, 0, { } },
	{ "a record and a half", RESP / 2, 1, { { 0, SUCCESS } } },
	{ "an unknown cookie", 0, 2, { { 0, SUCCESS }, { NOBODY, SUCCESS } } },
	{ "the cookie a group not read will get", 0, 2,
	  { { 0, SUCCESS }, { UNREAD, INVALID } } },
	{ "a cookie twice", 0, 3,
	  { { 0, SUCCESS }, { 1, INVALID }, { 0, SUCCESS } } },
	{ "a cookie twice, two codes", 0, 2,
	  { { 1, SUCCESS }, { 1, INVALID } } },
	{ "Response Failure", 0, 2, { { 0, SUCCESS }, { 1, 2 } } },
	{ "an unknown code", 0, 2, { { 0, SUCCESS }, { 1, 3 } } },
	{ "code ~0", 0, 2, { { 2, INVALID }, { 0, ~0u } } },
};

TEST_F(fq, a_bad_write_fails_whole_and_answers_nothing)
{
	static struct hwpt_page_response many[HWPT_FAULT_QUEUE_DEPTH + 1];
	struct hwpt_attach *att = new_att(_metadata, self, 0, BIT(0));
	struct hwpt_page_response resp[4];

	for (int i = 0; i < 4; i++)
		report(self, att, self->dev[0], 1);
	ASSERT_EQ(3 * REC, rd(_metadata, self, 3 * REC));
	for (size_t c = 0; c < ARRAY_SIZE(write_cases); c++) {
		self->what = write_cases[c].what;
		memset(resp, 0, sizeof(resp));
		for (unsigned int i = 0; i < write_cases[c].n; i++) {
			int grp = write_cases[c].r[i].grp;

			resp[i].code = write_cases[c].r[i].code;
			if (grp == UNREAD)
				resp[i].cookie = self->q.next_cookie + 1;
			else if (grp == NOBODY)
				resp[i].cookie = self->cookie[2] + 1000;
			else
				resp[i].cookie = self->cookie[grp];
		}
		ASSERT_EQ(-EINVAL, wr(self, resp, write_cases[c].n * RESP +
					  write_cases[c].extra));
		ASSERT_EQ(0, mock.answers[SUCCESS] + mock.answers[INVALID]);
		ASSERT_EQ(4, self->q.ngroups);
	}

	/* More answers than a queue holds groups. */
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct hwpt_page_response){ self->cookie[i % 3],
						       SUCCESS };
	ASSERT_EQ(-EINVAL, wr(self, many, sizeof(many)));
	/* Memory that cannot be read. */
	resp[0] = (struct hwpt_page_response){ self->cookie[0], SUCCESS };
	kshim_user_end = (const char *)&resp[0];
	ASSERT_EQ(-EFAULT, wr(self, resp, RESP));
	kshim_user_end = NULL;
	ASSERT_EQ(0, mock.answers[SUCCESS] + mock.answers[INVALID]);
	ASSERT_EXACTLY_ONCE();

	/* Good answers go through; an answered cookie is unknown after. */
	resp[0] = (struct hwpt_page_response){ self->cookie[0], SUCCESS };
	resp[1] = (struct hwpt_page_response){ self->cookie[1], INVALID };
	ASSERT_EQ(2 * RESP, wr(self, resp, 2 * RESP));
	ASSERT_EQ(SUCCESS, self->req[0].code);
	ASSERT_EQ(INVALID, self->req[1].code);
	ASSERT_EQ(-EINVAL, answer(self, 0, SUCCESS));
	resp[0] = (struct hwpt_page_response){ self->cookie[2], SUCCESS };
	resp[1] = (struct hwpt_page_response){ self->cookie[1], SUCCESS };
	ASSERT_EQ(-EINVAL, wr(self, resp, 2 * RESP));
	ASSERT_EQ(0, self->req[2].answers);
	ASSERT_EQ(1, self->req[1].answers);
	ASSERT_COUNTS(0, 4, 1, 1, 0);
	ASSERT_EXACTLY_ONCE();
}

TEST_F(fq, a_read_that_faults_takes_nothing_it_could_not_copy)
{
	struct hwpt_attach *att = new_att(_metadata, self, 0, BIT(0));
	int a = report(self, att, self->dev[0], 2);
	int b = report(self, att, self->dev[0], 1);

	kshim_user_end = (const char *)self->buf;
	ASSERT_EQ(-EFAULT, rd(_metadata, self, sizeof(self->buf)));
	ASSERT_EQ(2, nr_deliver(self));
	/* The first group fits, the second does not. */
	kshim_user_end = (const char *)&self->buf[2] + 1;
	ASSERT_EQ(2 * REC, rd(_metadata, self, sizeof(self->buf)));
	ASSERT_TRUE(self->read[a]);
	ASSERT_FALSE(self->read[b]);
	ASSERT_EQ(1, nr_deliver(self));
	kshim_user_end = NULL;
	ASSERT_EQ(REC, rd(_metadata, self, sizeof(self->buf)));
	ASSERT_TRUE(self->read[b]);
	ASSERT_EQ(RESP, answer(self, a, SUCCESS));
	ASSERT_EQ(RESP, answer(self, b, SUCCESS));
	ASSERT_COUNTS(0, 2, 2, 0, 0);
	ASSERT_EXACTLY_ONCE();
}

TEST_F(fq, a_group_from_no_member_is_answered_once_and_counted_nowhere)
{
	struct hwpt_attach *att = new_att(_metadata, self, 0, BIT(0));
	struct hwpt_device *strangers[] = {
		self->dev[1],	/* of the group, not of the attachment */
		self->dev[3],	/* of another group */
		NULL,		/* of no file */
	};

	for (size_t i = 0; i < ARRAY_SIZE(strangers); i++) {
		int r = report(self, att, strangers[i], 1);

		ASSERT_FALSE(self->queued[r]);
		ASSERT_EQ(1, self->req[r].answers);
		ASSERT_EQ(INVALID, self->req[r].code);
	}
	ASSERT_EQ(0, self->q.ngroups);
	for (int d = 0; d < NDEV; d++)
		ASSERT_COUNTS(d, 0, 0, 0, 0);
	ASSERT_EQ(0, kshim_wakeups);
	ASSERT_EXACTLY_ONCE();
}

TEST_F(fq, a_full_queue_answers_at_once_until_a_group_is_answered)
{
	struct hwpt_attach *att = new_att(_metadata, self, 0, BIT(0));
	int r;

	for (int i = 0; i < HWPT_FAULT_QUEUE_DEPTH; i++)
		ASSERT_TRUE(self->queued[report(self, att, self->dev[0], 1)]);
	r = report(self, att, self->dev[0], 1);
	ASSERT_FALSE(self->queued[r]);
	ASSERT_EQ(INVALID, self->req[r].code);
	ASSERT_COUNTS(0, HWPT_FAULT_QUEUE_DEPTH + 1, 0, 0, 1);
	ASSERT_EXACTLY_ONCE();

	/* Read but unanswered, a group still takes its place. */
	ASSERT_EQ(10 * REC, rd(_metadata, self, 10 * REC));
	ASSERT_FALSE(self->queued[report(self, att, self->dev[0], 1)]);
	ASSERT_EQ(RESP, answer(self, 0, SUCCESS));
	r = report(self, att, self->dev[0], 1);
	ASSERT_TRUE(self->queued[r]);
	ASSERT_EQ(0, self->req[r].answers);
	ASSERT_EQ(HWPT_FAULT_QUEUE_DEPTH, self->q.ngroups);
	ASSERT_COUNTS(0, HWPT_FAULT_QUEUE_DEPTH + 3, 1, 0, 2);
	ASSERT_EXACTLY_ONCE();
}

/*
 * Past 2^32 reads, the counter comes back to cookies that unanswered
 * groups still have: those are skipped, and an answer reaches its own
 * group.
 */
TEST_F(fq, cookies_wrap_without_handing_one_out_twice)
{
	struct hwpt_attach *att = new_att(_metadata, self, 0, BIT(0));
	int n = 8;

	for (int i = 0; i < n; i++)
		report(self, att, self->dev[0], 1);
	self->q.next_cookie = UINT32_MAX - 2;
	ASSERT_EQ(4 * REC, rd(_metadata, self, 4 * REC));
	ASSERT_EQ(UINT32_MAX - 1, self->cookie[0]);
	ASSERT_EQ(UINT32_MAX, self->cookie[1]);
	ASSERT_EQ(0, self->cookie[2]);
	ASSERT_EQ(1, self->cookie[3]);
	/* Frees a cookie in the middle of the run. */
	ASSERT_EQ(RESP, answer(self, 1, SUCCESS));
	self->q.next_cookie = UINT32_MAX - 3;
	/* rd() checks each against every unanswered group's. */
	ASSERT_EQ(4 * REC, rd(_metadata, self, 4 * REC));
	ASSERT_EQ(UINT32_MAX - 2, self->cookie[4]);
	ASSERT_EQ(UINT32_MAX, self->cookie[5]);
	ASSERT_EQ(2, self->cookie[6]);
	ASSERT_EQ(3, self->cookie[7]);
	for (int i = 0; i < n; i++)
		if (i != 1)
			ASSERT_EQ(RESP, answer(self, i, i % 2 ? SUCCESS :
							    INVALID));
	for (int i = 0; i < n; i++)
		ASSERT_EQ(i % 2 ? SUCCESS : INVALID, self->req[i].code);
	ASSERT_EXACTLY_ONCE();
}

/* ---- Every way out, alone and through group.c ---- */

/*
 * A scenario's groups: reported by dev[dev] through att[att], read or
 * not, and answered SUCCESS by userspace or not. Its probes are the
 * groups reported after the way out (by dev[dev] through att[att]).
 */
struct staged {
	int dev, att;
	bool read, answered;
};

struct probe {
	int dev, att;
};

struct way_out {
	const char *what;
	int (*op)(FIXTURE_DATA(fq) *self);
	int rc;
	unsigned int answered;	/* staged groups it answers INVALID */
	unsigned int queued;	/* probes that queue afterwards */
	unsigned int counted;	/* probes answered at once but counted */
};

struct scenario {
	const struct staged *staged;
	int nstaged;
	const struct probe *probes;
	int nprobes;
	bool through_group;	/* att[0] is the one group.c made for g[0] */
};

static struct hwpt_attach *slot(FIXTURE_DATA(fq) *self,
				const struct scenario *sc, int att)
{
	return sc->through_group ? self->g[0].att : self->att[att];
}

static void run_way_out(struct __test_metadata *_metadata,
			FIXTURE_DATA(fq) *self, const struct scenario *sc,
			const struct way_out *w)
{
	int idx[16], nread = 0, faults[NDEV], autoresp[NDEV];

	ASSERT_EQ(0, self->q.ngroups);
	/* Report and read what is to be read, answer some, report the rest. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < sc->nstaged; i++) {
			const struct staged *st = &sc->staged[i];

			if (st->read == !pass)
				idx[i] = report(self, slot(self, sc, st->att),
						self->dev[st->dev], 1);
			nread += !pass && st->read;
		}
		if (pass)
			break;
		ASSERT_EQ(nread * REC, rd(_metadata, self, nread * REC));
		for (int i = 0; i < sc->nstaged; i++)
			if (sc->staged[i].answered)
				ASSERT_EQ(RESP, answer(self, idx[i], SUCCESS));
	}
	for (int d = 0; d < NDEV; d++) {
		faults[d] = count(self->dev[d], FAULTS);
		autoresp[d] = count(self->dev[d], AUTO);
	}
	ASSERT_EXACTLY_ONCE();

	kshim_wakeups = 0;
	ASSERT_EQ(w->rc, w->op(self));
	ASSERT_EXACTLY_ONCE();
	for (int i = 0; i < sc->nstaged; i++) {
		struct mock_req *r = &self->req[idx[i]];

		if (w->answered & BIT(i)) {
			ASSERT_EQ(1, r->answers);
			ASSERT_EQ(INVALID, r->code);
			autoresp[sc->staged[i].dev]++;
			/* Its cookie is no longer anyone's. */
			if (sc->staged[i].read)
				ASSERT_EQ(-EINVAL,
					  answer(self, idx[i], SUCCESS));
		} else if (sc->staged[i].answered) {
			ASSERT_EQ(1, r->answers);
			ASSERT_EQ(SUCCESS, r->code);
		} else {
			ASSERT_EQ(0, r->answers);
		}
	}
	for (int d = 0; d < NDEV; d++)
		ASSERT_EQ(autoresp[d], count(self->dev[d], AUTO));

	/* What arrives afterwards, where there is still a way in. */
	for (int i = 0; i < sc->nprobes; i++) {
		struct hwpt_attach *att = slot(self, sc, sc->probes[i].att);
		int d = sc->probes[i].dev, r;

		if (!att || !att->fq)
			continue;
		r = report(self, att, self->dev[d], 1);
		ASSERT_EQ(!!(w->queued & BIT(i)), self->queued[r]);
		ASSERT_EQ(self->queued[r] ? 0 : 1, self->req[r].answers);
		faults[d] += !!(w->queued & BIT(i)) + !!(w->counted & BIT(i));
		autoresp[d] += !!(w->counted & BIT(i));
	}
	for (int d = 0; d < NDEV; d++) {
		ASSERT_EQ(faults[d], count(self->dev[d], FAULTS));
		ASSERT_EQ(autoresp[d], count(self->dev[d], AUTO));
	}
	ASSERT_EXACTLY_ONCE();

	/* What was not answered still can be, by userspace. */
	for (int i = 0; i < sc->nstaged; i++)
		if (sc->staged[i].read && !self->req[idx[i]].answers)
			ASSERT_EQ(RESP, answer(self, idx[i], SUCCESS));
	ASSERT_EXACTLY_ONCE();
}

/* The queue alone: att[0] has dev[0] and dev[1], att[1] dev[3]. */
static const struct staged alone_staged[] = {
	{ 0, 0, true, false },
	{ 0, 0, true, true },
	{ 0, 0, false, false },
	{ 1, 0, true, false },
	{ 1, 0, false, false },
	{ 3, 1, true, false },
	{ 3, 1, false, false },
};

static const struct probe alone_probes[] = {
	{ 0, 0 }, { 1, 0 }, { 3, 1 },
};

static int leave(FIXTURE_DATA(fq) *self)
{
	hwpt_fault_leave(self->att[0], self->dev[0]);
	return 0;
}

static int kill_attach(FIXTURE_DATA(fq) *self)
{
	hwpt_fault_kill_attach(self->att[0]);
	return 0;
}

/* Readers are woken, to find nothing. */
static int close_queue(FIXTURE_DATA(fq) *self)
{
	hwpt_faultq_close(&self->q);
	return kshim_wakeups ? 0 : -1;
}

static const struct way_out alone_ways[] = {
	{ "a device leaves", leave, 0, BIT(0) | BIT(2), BIT(1) | BIT(2), 0 },
	{ "an attachment dies", kill_attach, 0,
	  BIT(0) | BIT(2) | BIT(3) | BIT(4), BIT(2), 0 },
	{ "the queue closes", close_queue, 0,
	  BIT(0) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6), 0,
	  BIT(0) | BIT(1) | BIT(2) },
};

static void alone(struct __test_metadata *_metadata, FIXTURE_DATA(fq) *self,
		  int way)
{
	const struct scenario sc = {
		alone_staged, ARRAY_SIZE(alone_staged),
		alone_probes, ARRAY_SIZE(alone_probes), false,
	};

	new_att(_metadata, self, 0, BIT(0) | BIT(1));
	new_att(_metadata, self, 1, BIT(3));
	run_way_out(_metadata, self, &sc, &alone_ways[way]);
}

TEST_F(fq, leave_answers_that_device_s_groups_only)
{
	alone(_metadata, self, 0);
}

TEST_F(fq, kill_answers_that_attachment_s_groups_only)
{
	alone(_metadata, self, 1);
}

TEST_F(fq, close_answers_every_group_and_later_ones_at_once)
{
	alone(_metadata, self, 2);
	ASSERT_EQ(-EAGAIN, rd(_metadata, self, sizeof(self->buf)));
	ASSERT_FALSE(hwpt_faultq_readable(&self->q));
}

/* Through group.c: dev[0] and dev[1] of g[0] on pt[0]. */
static const struct staged group_staged[] = {
	{ 0, 0, true, false },
	{ 0, 0, false, false },
	{ 1, 0, true, false },
	{ 1, 0, false, false },
};

static const struct probe group_probes[] = {
	{ 0, 0 }, { 1, 0 },
};

static int detach_one(FIXTURE_DATA(fq) *self)
{
	return hwpt_group_detach(self->dev[0]) ? -1 : 0;
}

static int detach_both(FIXTURE_DATA(fq) *self)
{
	return hwpt_group_detach(self->dev[1]) || detach_one(self) ? -1 : 0;
}

static int replace_to(FIXTURE_DATA(fq) *self, int pt)
{
	struct hwpt_pt *orphan = NULL;
	int rc = hwpt_group_replace(self->dev[0], self->pt[pt], &orphan);

	return orphan ? -1 : rc;
}

static int replace_fault(FIXTURE_DATA(fq) *self)
{
	return replace_to(self, 1);
}

static int replace_plain(FIXTURE_DATA(fq) *self)
{
	return replace_to(self, 2);
}

static int replace_same(FIXTURE_DATA(fq) *self)
{
	return replace_to(self, 0);
}

static int replace_fails(FIXTURE_DATA(fq) *self)
{
	struct hwpt_attach *old = self->g[0].att;
	int rc;

	mock.fail_core = true;
	rc = replace_to(self, 1);
	return self->g[0].att == old ? rc : -1;
}

static int replace_loses_old(FIXTURE_DATA(fq) *self)
{
	mock.replace_loses_old = true;
	mock.fail_core = true;
	return replace_to(self, 1);
}

static const struct way_out group_ways[] = {
	{ "detach of one of two devices", detach_one, 0, BIT(0) | BIT(1),
	  BIT(1), 0 },
	{ "detach of both", detach_both, 0, 0xf, 0, 0 },
	{ "replace to a fault-capable HWPT", replace_fault, 2, 0xf,
	  BIT(0) | BIT(1), 0 },
	{ "replace to an HWPT without faults", replace_plain, 2, 0xf, 0, 0 },
	{ "replace to the same HWPT", replace_same, 0, 0, BIT(0) | BIT(1), 0 },
	{ "replace that fails", replace_fails, -EIO, 0, BIT(0) | BIT(1), 0 },
	{ "replace that loses the old domain", replace_loses_old, -EIO, 0xf,
	  0, 0 },
};

TEST_F(fq, every_way_out_through_group_c_answers_exactly_its_groups)
{
	const struct scenario sc = {
		group_staged, ARRAY_SIZE(group_staged),
		group_probes, ARRAY_SIZE(group_probes), true,
	};

	for (size_t w = 0; w < ARRAY_SIZE(group_ways); w++) {
		self->what = group_ways[w].what;
		ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
		ASSERT_EQ(0, hwpt_group_attach(self->dev[1], self->pt[0]));
		run_way_out(_metadata, self, &sc, &group_ways[w]);
		for (int d = 0; d < 2; d++)
			if (self->dev[d]->pt)
				ASSERT_NULL(hwpt_group_detach(self->dev[d]));
		ASSERT_EQ(0, self->q.ngroups);
		ASSERT_EQ(0, mock_attachments());
		ASSERT_EXACTLY_ONCE();
	}
}

/*
 * Fail each fail point of an attach or replace in turn, with groups of
 * the group's devices waiting and read: a failure answers none of them.
 */
static int join_third(FIXTURE_DATA(fq) *self)
{
	return hwpt_group_attach(self->dev[2], self->pt[0]);
}

static const struct {
	const char *what;
	int (*op)(FIXTURE_DATA(fq) *self);
	bool answers;		/* when it succeeds */
} sweep_ops[] = {
	{ "a device joins", join_third, false },
	{ "replace", replace_fault, true },
	{ "replace to an HWPT without faults", replace_plain, true },
};

TEST_F(fq, a_failing_attach_or_replace_answers_nothing)
{
	for (size_t c = 0; c < ARRAY_SIZE(sweep_ops); c++) {
		struct hwpt_attach *old;
		int first, n, rc;

		self->what = sweep_ops[c].what;
		ASSERT_EQ(0, hwpt_group_attach(self->dev[0], self->pt[0]));
		ASSERT_EQ(0, hwpt_group_attach(self->dev[1], self->pt[0]));
		old = self->g[0].att;
		first = self->nreq;
		for (int i = 0; i < 4; i++)
			report(self, old, self->dev[i % 2], 1);
		ASSERT_EQ(2 * REC, rd(_metadata, self, 2 * REC));
		for (n = 1;; n++) {
			mock.fail_nth = n;
			rc = sweep_ops[c].op(self);
			if (rc >= 0)
				break;
			ASSERT_TRUE(self->g[0].att == old);
			for (int i = first; i < self->nreq; i++)
				ASSERT_EQ(0, self->req[i].answers);
			ASSERT_EXACTLY_ONCE();
		}
		mock.fail_nth = 0;
		ASSERT_LT(1, n);
		for (int i = first; i < self->nreq; i++)
			ASSERT_EQ(sweep_ops[c].answers, self->req[i].answers);
		ASSERT_EXACTLY_ONCE();
		for (int d = 0; d < NDEV; d++)
			if (self->dev[d]->pt)
				ASSERT_NULL(hwpt_group_detach(self->dev[d]));
		ASSERT_EXACTLY_ONCE();
	}
}

/*
 * The core may hand the new attachment to a fault before it fails the
 * attach or replace: that group is answered when the attachment is
 * released. On success it waits in the queue like any other.
 */
static FIXTURE_DATA(fq) *the_self;

static void fault_while_switching(struct hwpt_attach *att)
{
	report(the_self, att, the_self->dev[0], 1);
}

static int attach_first(FIXTURE_DATA(fq) *self)
{
	return hwpt_group_attach(self->dev[0], self->pt[0]);
}

TEST_F(fq, a_fault_through_an_attachment_the_core_dropped_is_answered)
{
	/*
	 * Each step makes one group through the new attachment; auto is
	 * what the step answers: its own group when it fails, the group of
	 * the attachment it replaces when it succeeds.
	 */
	static const struct {
		int (*op)(FIXTURE_DATA(fq) *self);
		bool fail;
		int rc, autoresp;
	} steps[] = {
		{ attach_first, true, -EIO, 1 },
		{ attach_first, false, 0, 0 },
		{ replace_fault, true, -EIO, 1 },
		{ replace_fault, false, 1, 1 },
	};

	the_self = self;
	mock.core_hook = fault_while_switching;
	for (size_t s = 0; s < ARRAY_SIZE(steps); s++) {
		int autoresp = count(self->dev[0], AUTO), r = self->nreq;

		mock.fail_core = steps[s].fail;
		ASSERT_EQ(steps[s].rc, steps[s].op(self));
		ASSERT_EQ(r + 1, self->nreq);
		ASSERT_TRUE(self->queued[r]);
		ASSERT_EQ(steps[s].fail, self->req[r].answers);
		ASSERT_EQ(autoresp + steps[s].autoresp,
			  count(self->dev[0], AUTO));
		ASSERT_EXACTLY_ONCE();
	}
	ASSERT_TRUE(self->g[0].att->pt == self->pt[1]);
	ASSERT_EQ(1, self->q.ngroups);
	ASSERT_EQ(REC, rd(_metadata, self, REC));
	ASSERT_EQ(RESP, answer(self, self->nreq - 1, SUCCESS));
	ASSERT_COUNTS(0, 4, 1, 0, 3);
}

/* ---- Locking ---- */

/*
 * fq->lock protects @deliver, @ngroups and @closed (faultq.h), which the
 * page fault handler changes holding that lock alone: nothing may change
 * them without it. The hook takes a copy as the lock is released and
 * compares it when the lock is taken again; assert_guarded() compares
 * after each step.
 */
static struct {
	struct hwpt_faultq *q;
	bool copied;
	struct list_head deliver;
	unsigned int ngroups;
	bool closed;
	int changed;		/* times they changed while the lock was free */
} guard;

static bool guard_same(void)
{
	struct hwpt_faultq *q = guard.q;

	return !guard.copied ||
	       (q->deliver.next == guard.deliver.next &&
		q->deliver.prev == guard.deliver.prev &&
		q->ngroups == guard.ngroups && q->closed == guard.closed);
}

static void guard_hook(spinlock_t *lock, bool taken)
{
	if (lock != &guard.q->lock)
		return;
	if (taken) {
		guard.changed += !guard_same();
		return;
	}
	guard.copied = true;
	guard.deliver = guard.q->deliver;
	guard.ngroups = guard.q->ngroups;
	guard.closed = guard.q->closed;
}

static void assert_guarded(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fq) *self, const char *step)
{
	self->what = step;
	guard.changed += !guard_same();
	ASSERT_EQ(0, guard.changed);
}

TEST_F(fq, what_the_lock_protects_changes_only_under_it)
{
	struct hwpt_attach *att = new_att(_metadata, self, 0, BIT(0) | BIT(1));
	int i;

	guard.q = &self->q;
	guard.copied = false;
	guard.changed = 0;
	kshim_spin_hook = guard_hook;
	/* Read groups of both devices, one answered; unread ones of both. */
	for (i = 0; i < 3; i++)
		report(self, att, self->dev[i % 2], 1);
	assert_guarded(_metadata, self, "report");
	ASSERT_EQ(3 * REC, rd(_metadata, self, 3 * REC));
	assert_guarded(_metadata, self, "read");
	ASSERT_EQ(RESP, answer(self, 1, SUCCESS));
	assert_guarded(_metadata, self, "write");
	for (i = 0; i < 2; i++)
		report(self, att, self->dev[i], 1);
	hwpt_fault_leave(att, self->dev[0]);
	assert_guarded(_metadata, self, "leave");
	hwpt_fault_kill_attach(att);
	assert_guarded(_metadata, self, "kill");
	hwpt_faultq_close(&self->q);
	assert_guarded(_metadata, self, "close");
	kshim_spin_hook = NULL;
}

/*
 * Who may attach to a fault-capable HWPT, by whether its domain has
 * hwpt's handler (real), the device's page requests can reach it
 * (capable), it is a VF, and injection is on. A device with page requests
 * on an HWPT without the handler would have them answered by the core
 * behind the queue's back: refused, whatever device allocated the HWPT.
 */
TEST(fault_attach_rule)
{
	static const struct {
		bool real, capable, vf, inject;
		int rc;
	} rows[] = {
		{ true, true, false, false, 0 },
		{ true, true, false, true, 0 },
		{ true, false, false, false, -EOPNOTSUPP },
		{ true, false, false, true, -EOPNOTSUPP },
		{ false, true, false, false, -EINVAL },
		{ false, true, false, true, -EINVAL },
		{ false, false, false, true, 0 },
		{ false, false, false, false, -EOPNOTSUPP },
		{ true, true, true, true, -EINVAL },
		{ false, false, true, true, -EINVAL },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++)
		EXPECT_EQ(rows[i].rc,
			  hwpt_fault_attach_rule(rows[i].real, rows[i].capable,
						 rows[i].vf, rows[i].inject));
}

TEST_HARNESS_MAIN
