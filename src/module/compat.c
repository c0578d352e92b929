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
 * The core's handle is the first member of struct hwpt_attach, so a page
 * request the core delivers to the handle leads back to the attachment.
 * Also here: answering the core's page request groups, and PASID attach.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>

#include "compat.h"
#include "hwpt_priv.h"

#if HAVE_GROUP_HANDLE_API
#if HAVE_IMPORT_NS_IDENT
MODULE_IMPORT_NS(IOMMUFD_INTERNAL);
#else
MODULE_IMPORT_NS("IOMMUFD_INTERNAL");
#endif
#endif

#if HWPT_COMPAT_IOPF_GROUPS

void hwpt_compat_iopf_answer(void *real, u32 code)
{
	struct iopf_group *group = real;

	iopf_group_response(group, code == HWPT_PAGE_RESP_SUCCESS ?
				   IOMMU_PAGE_RESP_SUCCESS :
				   IOMMU_PAGE_RESP_INVALID);
	iopf_free_group(group);
}

#else

void hwpt_compat_iopf_answer(void *real, u32 code)
{
}

#endif

#if HAVE_GROUP_HANDLE_API

void hwpt_compat_attach_init(struct hwpt_attach *att,
			     struct iommu_domain *domain)
{
	att->core.domain = domain;
}

struct hwpt_attach *hwpt_compat_attach_of_group(struct iommu_group *group)
{
	struct iommu_attach_handle *h;

	h = iommu_attach_handle_get(group, IOMMU_NO_PASID, 0);
	return IS_ERR(h) ? NULL : container_of(h, struct hwpt_attach, core);
}

int hwpt_compat_attach(struct hwpt_group *g, struct hwpt_attach *att)
{
	return hwpt_inject(-EIO,
			   iommu_attach_group_handle(att->pt->domain, g->group,
						     &att->core));
}

int hwpt_compat_replace(struct hwpt_group *g, struct hwpt_attach *old,
			struct hwpt_attach *att, bool *lost_old)
{
	return hwpt_inject(-EIO,
			   iommu_replace_group_handle(g->group, att->pt->domain,
						      &att->core));
}

void hwpt_compat_detach(struct hwpt_group *g, struct hwpt_attach *att)
{
	iommu_detach_group_handle(att->pt->domain, g->group);
}

#else /* !HAVE_GROUP_HANDLE_API */

void hwpt_compat_attach_init(struct hwpt_attach *att,
			     struct iommu_domain *domain)
{
}

struct hwpt_attach *hwpt_compat_attach_of_group(struct iommu_group *group)
{
	return NULL;
}

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
	if (hwpt_inject(-EIO, iommu_attach_group(old->pt->domain, g->group))) {
		pr_warn_ratelimited("group %d: replace failed and the old domain could not be restored; DMA is blocked\n",
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
