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

struct hwpt_attach_handle {
	struct iommu_attach_handle handle;
};

static struct hwpt_attach_handle *hwpt_handle_alloc(struct iommu_domain *d)
{
	struct hwpt_attach_handle *h;

	if (hwpt_should_fail())
		return NULL;
	h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);
	if (h)
		h->handle.domain = d;
	return h;
}

int hwpt_compat_attach(struct iommu_group *group, struct iommu_domain *domain,
		       struct hwpt_attach_handle **handle)
{
	struct hwpt_attach_handle *h = hwpt_handle_alloc(domain);
	int rc;

	if (!h)
		return -ENOMEM;
	rc = hwpt_inject(-EIO, iommu_attach_group_handle(domain, group,
							 &h->handle));
	if (rc) {
		kfree(h);
		return rc;
	}
	*handle = h;
	return 0;
}

int hwpt_compat_replace(struct iommu_group *group, struct iommu_domain *old,
			struct iommu_domain *new,
			struct hwpt_attach_handle **handle, bool *lost_old)
{
	struct hwpt_attach_handle *h = hwpt_handle_alloc(new);
	int rc;

	if (!h)
		return -ENOMEM;
	rc = hwpt_inject(-EIO, iommu_replace_group_handle(group, new,
							  &h->handle));
	if (rc) {
		kfree(h);
		return rc;
	}
	/* The core no longer hands out the old handle. */
	kfree(*handle);
	*handle = h;
	return 0;
}

void hwpt_compat_detach(struct iommu_group *group, struct iommu_domain *domain,
			struct hwpt_attach_handle **handle)
{
	iommu_detach_group_handle(domain, group);
	kfree(*handle);
	*handle = NULL;
}

#else /* !HAVE_GROUP_HANDLE_API */

int hwpt_compat_attach(struct iommu_group *group, struct iommu_domain *domain,
		       struct hwpt_attach_handle **handle)
{
	return hwpt_inject(-EIO, iommu_attach_group(domain, group));
}

/*
 * Detach (the group falls back to the blocking domain, since we own its
 * DMA) and attach the new domain; on failure put the old one back. That
 * re-attach can itself fail, leaving the group blocked.
 */
int hwpt_compat_replace(struct iommu_group *group, struct iommu_domain *old,
			struct iommu_domain *new,
			struct hwpt_attach_handle **handle, bool *lost_old)
{
	int rc;

	iommu_detach_group(old, group);
	rc = hwpt_inject(-EIO, iommu_attach_group(new, group));
	if (!rc)
		return 0;
	if (iommu_attach_group(old, group)) {
		pr_warn("hwpt: group %d: replace failed and the old domain could not be restored; DMA is blocked\n",
			iommu_group_id(group));
		*lost_old = true;
	}
	return rc;
}

void hwpt_compat_detach(struct iommu_group *group, struct iommu_domain *domain,
			struct hwpt_attach_handle **handle)
{
	iommu_detach_group(domain, group);
}

#endif /* HAVE_GROUP_HANDLE_API */
