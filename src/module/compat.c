// SPDX-License-Identifier: GPL-2.0
/*
 * Group attach, replace and detach on each kernel generation.
 *
 * With the attach-handle API (HAVE_GROUP_HANDLE_API) every attachment
 * carries a handle, which is what routes I/O page faults to its domain and
 * which some kernels require for replace; its replace is transactional (on
 * failure the core puts the old domain back). Without it, replace is
 * emulated by detach and attach, and DMA is blocked in between.
 *
 * hwpt_compat_replace() sets *lost_old when it failed and could not put the
 * old domain back either: the group is then blocked.
 *
 * The attachment (struct hwpt_attach) is allocated here, with the core's
 * handle around it, so that a page fault the core delivers to the handle
 * leads back to it.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "hwpt_priv.h"

#if HAVE_GROUP_HANDLE_API
#if HAVE_IMPORT_NS_IDENT
MODULE_IMPORT_NS(IOMMUFD_INTERNAL);
#else
MODULE_IMPORT_NS("IOMMUFD_INTERNAL");
#endif
#endif

/* An attachment, and where the core has them its handle, in one. */
struct hwpt_attach_handle {
#if HAVE_GROUP_HANDLE_API
	struct iommu_attach_handle core;
#endif
	struct hwpt_attach att;
};

struct hwpt_attach *hwpt_attach_alloc(struct hwpt_group *g, struct hwpt_pt *pt)
{
	struct hwpt_attach_handle *h;

	h = hwpt_inject(NULL, kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT));
	if (!h)
		return NULL;
#if HAVE_GROUP_HANDLE_API
	h->core.domain = pt->domain;
#endif
	h->att.group = g;
	h->att.pt = pt;
	h->att.fq = pt->fq;
	INIT_LIST_HEAD(&h->att.members);
	INIT_LIST_HEAD(&h->att.retired_item);
	return &h->att;
}

void hwpt_compat_attach_free(struct hwpt_attach *att)
{
	kfree(container_of(att, struct hwpt_attach_handle, att));
}

#if HAVE_GROUP_HANDLE_API && HAVE_IOPF_GROUP_API && HAVE_IOMMU_IOPF_CONFIG

static_assert(HWPT_PGFAULT_PERM_READ == IOMMU_FAULT_PERM_READ);
static_assert(HWPT_PGFAULT_PERM_WRITE == IOMMU_FAULT_PERM_WRITE);
static_assert(HWPT_PGFAULT_PERM_EXEC == IOMMU_FAULT_PERM_EXEC);
static_assert(HWPT_PGFAULT_PERM_PRIV == IOMMU_FAULT_PERM_PRIV);

static u32 hwpt_iopf_flags(u32 prm_flags)
{
	return (prm_flags & IOMMU_FAULT_PAGE_REQUEST_PASID_VALID ?
		HWPT_PGFAULT_FLAGS_PASID_VALID : 0) |
	       (prm_flags & IOMMU_FAULT_PAGE_REQUEST_LAST_PAGE ?
		HWPT_PGFAULT_FLAGS_LAST_PAGE : 0);
}

/*
 * The domain's iopf_handler: called by the driver's page request thread
 * for a whole group. The group is ours once dequeued; it is answered
 * through the queue, never with the FAILURE the core gives when a handler
 * fails (that would stop page requests of the whole function).
 */
static int hwpt_iopf_handler(struct iopf_group *group)
{
	struct hwpt_attach_handle *h =
		container_of(group->attach_handle, struct hwpt_attach_handle,
			     core);
	struct device *dev = group->fault_param->dev;
	struct hwpt_fault_group *fg;
	struct iopf_fault *iopf;
	unsigned int i = 0;

	iopf_group_dequeue(group);
	fg = hwpt_fault_group_alloc(group->fault_count, GFP_KERNEL);
	if (!fg) {
		hwpt_compat_iopf_answer(group, HWPT_PAGE_RESP_INVALID);
		return 0;
	}
	list_for_each_entry(iopf, &group->faults, list) {
		struct iommu_fault_page_request *prm = &iopf->fault.prm;

		fg->recs[i++] = (struct hwpt_pgfault){
			.flags = hwpt_iopf_flags(prm->flags),
			.pasid = prm->pasid,
			.grpid = prm->grpid,
			.perm = prm->perm,
			.addr = prm->addr,
		};
	}
	fg->real = group;
	hwpt_faultq_report(&h->att, dev_is_pci(dev) ? to_pci_dev(dev) : NULL,
			   fg);
	return 0;
}

void hwpt_compat_set_fault_handler(struct iommu_domain *domain)
{
	domain->iopf_handler = hwpt_iopf_handler;
}

bool hwpt_compat_domain_takes_faults(struct iommu_domain *domain)
{
	return domain->iopf_handler == hwpt_iopf_handler;
}

void hwpt_compat_iopf_answer(void *real, u32 code)
{
	struct iopf_group *group = real;

	iopf_group_response(group, code == HWPT_PAGE_RESP_SUCCESS ?
				   IOMMU_PAGE_RESP_SUCCESS :
				   IOMMU_PAGE_RESP_INVALID);
	iopf_free_group(group);
}

#else /* no real page faults */

void hwpt_compat_set_fault_handler(struct iommu_domain *domain)
{
}

bool hwpt_compat_domain_takes_faults(struct iommu_domain *domain)
{
	return false;
}

void hwpt_compat_iopf_answer(void *real, u32 code)
{
}

#endif

#if HAVE_GROUP_HANDLE_API

static struct iommu_attach_handle *hwpt_core_handle(struct hwpt_attach *att)
{
	return &container_of(att, struct hwpt_attach_handle, att)->core;
}

int hwpt_compat_attach(struct hwpt_group *g, struct hwpt_attach *att)
{
	return hwpt_inject(-EIO,
			   iommu_attach_group_handle(att->pt->domain, g->group,
						     hwpt_core_handle(att)));
}

int hwpt_compat_replace(struct hwpt_group *g, struct hwpt_attach *old,
			struct hwpt_attach *att, bool *lost_old)
{
	return hwpt_inject(-EIO,
			   iommu_replace_group_handle(g->group, att->pt->domain,
						      hwpt_core_handle(att)));
}

void hwpt_compat_detach(struct hwpt_group *g, struct hwpt_attach *att)
{
	iommu_detach_group_handle(att->pt->domain, g->group);
}

#else /* !HAVE_GROUP_HANDLE_API */

int hwpt_compat_attach(struct hwpt_group *g, struct hwpt_attach *att)
{
	return hwpt_inject(-EIO, iommu_attach_group(att->pt->domain,
						    g->group));
}

/*
 * Detach (the group falls back to the blocking domain, since we own its
 * DMA) and attach the new domain; on failure put the old one back. That
 * re-attach can itself fail, leaving the group blocked.
 */
int hwpt_compat_replace(struct hwpt_group *g, struct hwpt_attach *old,
			struct hwpt_attach *att, bool *lost_old)
{
	int rc;

	iommu_detach_group(old->pt->domain, g->group);
	rc = hwpt_inject(-EIO, iommu_attach_group(att->pt->domain, g->group));
	if (!rc)
		return 0;
	if (iommu_attach_group(old->pt->domain, g->group)) {
		pr_warn("hwpt: group %d: replace failed and the old domain could not be restored; DMA is blocked\n",
			iommu_group_id(g->group));
		*lost_old = true;
	}
	return rc;
}

void hwpt_compat_detach(struct hwpt_group *g, struct hwpt_attach *att)
{
	iommu_detach_group(att->pt->domain, g->group);
}

#endif /* HAVE_GROUP_HANDLE_API */

#if HAVE_PASID_ATTACH

/* The core keeps it while the PASID is attached; a replace wants a new one. */
struct hwpt_pasid_handle {
	struct iommu_attach_handle core;
};

typedef int (*hwpt_pasid_set_fn)(struct iommu_domain *domain,
				 struct device *dev, ioasid_t pasid,
				 struct iommu_attach_handle *handle);

/* Attach or replace (@set) with a new handle, in *@handle on success. */
static int hwpt_compat_pasid_set(hwpt_pasid_set_fn set,
				 struct iommu_domain *domain,
				 struct device *dev, u32 pasid,
				 struct hwpt_pasid_handle **handle)
{
	struct hwpt_pasid_handle *h;
	int rc;

	h = hwpt_inject(NULL, kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT));
	if (!h)
		return -ENOMEM;
	rc = hwpt_inject(-EIO, set(domain, dev, pasid, &h->core));
	if (rc) {
		kfree(h);
		return rc;
	}
	*handle = h;
	return 0;
}

int hwpt_compat_pasid_attach(struct iommu_domain *domain, struct device *dev,
			     u32 pasid, struct hwpt_pasid_handle **handle)
{
	return hwpt_compat_pasid_set(iommu_attach_device_pasid, domain, dev,
				     pasid, handle);
}

int hwpt_compat_pasid_replace(struct iommu_domain *domain, struct device *dev,
			      u32 pasid, struct hwpt_pasid_handle **handle)
{
#if HAVE_PASID_REPLACE
	struct hwpt_pasid_handle *old = *handle;
	int rc;

	rc = hwpt_compat_pasid_set(iommu_replace_device_pasid, domain, dev,
				   pasid, handle);
	if (!rc)
		kfree(old);
	return rc;
#else
	return -EOPNOTSUPP;
#endif
}

void hwpt_compat_pasid_detach(struct iommu_domain *domain, struct device *dev,
			      u32 pasid, struct hwpt_pasid_handle *handle)
{
	iommu_detach_device_pasid(domain, dev, pasid);
	kfree(handle);
}

#else /* !HAVE_PASID_ATTACH */

int hwpt_compat_pasid_attach(struct iommu_domain *domain, struct device *dev,
			     u32 pasid, struct hwpt_pasid_handle **handle)
{
	return -EOPNOTSUPP;
}

int hwpt_compat_pasid_replace(struct iommu_domain *domain, struct device *dev,
			      u32 pasid, struct hwpt_pasid_handle **handle)
{
	return -EOPNOTSUPP;
}

void hwpt_compat_pasid_detach(struct iommu_domain *domain, struct device *dev,
			      u32 pasid, struct hwpt_pasid_handle *handle)
{
}

#endif /* HAVE_PASID_ATTACH */
