/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend that group.c and faultq.c drive, mocked for the unit tests:
 * an IOMMU core that records which domain, and through which attachment,
 * each group is attached; IOASes that record whose reserved regions they
 * hold; attachments, IOPF enables and fault answers, all counted. Every
 * call that can fail in the kernel can be made to fail here.
 */
#ifndef MOCK_IOMMU_H
#define MOCK_IOMMU_H

#include "hwpt_priv.h"

struct iommu_domain {
	int id;
};

struct iommu_group {
	int id;
	int refs;			/* iommu_group_ref_get() less put() */
	struct iommu_domain *domain;	/* what the "core" has attached */
	struct hwpt_attach *att;	/* the handle it hands to faults */
	int core_calls;
};

struct pci_dev {
	int devfn;
};

/* A fault group as the device sent it, and what became of it. */
struct mock_req {
	struct hwpt_device *dev;
	int answers;			/* must end at exactly 1 */
	u32 code;			/* the last answer */
};

#define MOCK_IOPF_MAX 16

struct mock {
	/* Knobs, reset by mock_reset() */
	int fail_nth;		/* the nth fail point from now fails */
	bool fail_core;		/* the next core (re)attach fails */
	bool replace_loses_old;	/* and cannot restore the old domain */
	struct hwpt_device *iopf_refuse;  /* never takes faults (a VF, say) */
	/* Called by the core's attach and replace with the new attachment. */
	void (*core_hook)(struct hwpt_attach *att);

	/* Counts */
	int attach_allocs, attach_releases;
	int answers[3];		/* by code: SUCCESS, INVALID, other */
	struct {
		struct hwpt_device *dev;
		struct hwpt_pt *pt;
		int on, off;
	} iopf[MOCK_IOPF_MAX];	/* hwpt_device_iopf_on() and _off() */
	int niopf;
};

extern struct mock mock;

void mock_reset(void);
/* An IOAS as the fixtures need it: its lists, nothing mapped. */
void mock_ioas_init(struct hwpt_ioas *ioas, struct hwpt_ctx *ctx);
/* A file context with its lock and tables, and its teardown. */
void mock_ctx_init(struct hwpt_ctx *ctx);

/* Objects of the fixtures, destroyed by nobody but the table's teardown. */
extern const struct hwpt_object_type mock_pt_type;
/* A published HWPT on @ioas with @domain; fault-capable with @fq. */
struct hwpt_pt *mock_pt_new(struct hwpt_ctx *ctx, struct iommu_domain *domain,
			    struct hwpt_ioas *ioas, struct hwpt_faultq *fq);
/* A published device of @g, last in its list. */
struct hwpt_device *mock_dev_new(struct hwpt_ctx *ctx, struct hwpt_group *g);
int mock_resv_count(const struct hwpt_ioas *ioas, const struct hwpt_group *g);
/* IOPF enables of @dev for @pt less disables: 1 while it is on @pt. */
int mock_iopf_net(const struct hwpt_device *dev, const struct hwpt_pt *pt);
/* Attachments allocated and not yet released. */
int mock_attachments(void);
/*
 * A fault group of @nr pages from @addr, as a driver reports it (the last
 * record marked LAST_PAGE), answered into @req.
 */
struct hwpt_fault_group *mock_fault_group(struct mock_req *req,
					  unsigned int nr, u64 addr, u32 grpid);

#endif /* MOCK_IOMMU_H */
