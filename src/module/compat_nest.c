// SPDX-License-Identifier: GPL-2.0
/*
 * Nest parent and nested domains on each kernel generation. Outside
 * iommufd the core has no API for them, so they come from the IOMMU
 * driver's own ops, as iommufd gets them: 6.12's ops->domain_alloc_user(),
 * 7.2's ops->domain_alloc_nested() with nest parents from
 * iommu_paging_domain_alloc_flags(). The driver copies the user's data
 * itself, from the type, pointer and length it is handed.
 */
#include <linux/iommu.h>

#include "compat.h"
#include "hwpt_priv.h"

#if HWPT_COMPAT_NESTING

/* 6.12's linux/iommu.h does not include it; 6.1 has none. */
#include <uapi/linux/iommufd.h>

/* hwpt's uAPI hands the driver iommufd's layouts unchanged. */
static_assert((u32)HWPT_HWPT_ALLOC_NEST_PARENT ==
	      (u32)IOMMU_HWPT_ALLOC_NEST_PARENT);
static_assert((u32)HWPT_HWPT_DATA_VTD_S1 == (u32)IOMMU_HWPT_DATA_VTD_S1);
static_assert(sizeof(struct hwpt_hwpt_vtd_s1) ==
	      sizeof(struct iommu_hwpt_vtd_s1));
static_assert((u32)HWPT_HWPT_INVALIDATE_DATA_VTD_S1 ==
	      (u32)IOMMU_HWPT_INVALIDATE_DATA_VTD_S1);
static_assert(sizeof(struct hwpt_hwpt_vtd_s1_invalidate) ==
	      sizeof(struct iommu_hwpt_vtd_s1_invalidate));

/* dev_iommu_ops() is private on 6.12 and 7.2. */
static const struct iommu_ops *hwpt_iommu_ops(struct device *dev)
{
	return dev->iommu->iommu_dev->ops;
}

struct iommu_domain *hwpt_compat_nest_parent_alloc(struct device *dev)
{
#if HAVE_IOMMU_OPS_DOMAIN_ALLOC_NESTED
	return iommu_paging_domain_alloc_flags(dev,
					       IOMMU_HWPT_ALLOC_NEST_PARENT);
#else
	const struct iommu_ops *ops = hwpt_iommu_ops(dev);
	struct iommu_domain *domain;

	if (!ops->domain_alloc_user)
		return ERR_PTR(-EOPNOTSUPP);
	domain = ops->domain_alloc_user(dev, IOMMU_HWPT_ALLOC_NEST_PARENT,
					NULL, NULL);
	/* Attach refuses a domain of another owner. */
	if (!IS_ERR(domain))
		domain->owner = ops;
	return domain;
#endif
}

struct iommu_domain *hwpt_compat_nested_alloc(struct device *dev,
					      struct iommu_domain *parent,
					      u32 type, void __user *uptr,
					      u32 len)
{
	const struct iommu_ops *ops = hwpt_iommu_ops(dev);
	const struct iommu_user_data data = {
		.type = type,
		.uptr = uptr,
		.len = len,
	};
	struct iommu_domain *domain;

	/* Only the parent's own driver can nest in it. */
	if (parent->owner != ops)
		return ERR_PTR(-EINVAL);
#if HAVE_IOMMU_OPS_DOMAIN_ALLOC_NESTED
	if (!ops->domain_alloc_nested)
		return ERR_PTR(-EOPNOTSUPP);
	domain = ops->domain_alloc_nested(dev, parent, 0, &data);
#else
	if (!ops->domain_alloc_user)
		return ERR_PTR(-EOPNOTSUPP);
	domain = ops->domain_alloc_user(dev, 0, parent, &data);
#endif
	if (IS_ERR(domain))
		return domain;
	domain->owner = ops;
	if (WARN_ON_ONCE(domain->type != IOMMU_DOMAIN_NESTED)) {
		iommu_domain_free(domain);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return domain;
}

int hwpt_compat_cache_invalidate(struct iommu_domain *domain, u32 type,
				 void __user *uptr, u32 entry_len,
				 u32 *entry_num)
{
	struct iommu_user_data_array array = {
		.type = type,
		.uptr = uptr,
		.entry_len = entry_len,
		.entry_num = *entry_num,
	};
	int rc;

	if (!domain->ops->cache_invalidate_user) {
		*entry_num = 0;
		return -EOPNOTSUPP;
	}
	rc = domain->ops->cache_invalidate_user(domain, &array);
	*entry_num = array.entry_num;
	return rc;
}

#else /* !HWPT_COMPAT_NESTING */

struct iommu_domain *hwpt_compat_nest_parent_alloc(struct device *dev)
{
	return ERR_PTR(-EOPNOTSUPP);
}

struct iommu_domain *hwpt_compat_nested_alloc(struct device *dev,
					      struct iommu_domain *parent,
					      u32 type, void __user *uptr,
					      u32 len)
{
	return ERR_PTR(-EOPNOTSUPP);
}

int hwpt_compat_cache_invalidate(struct iommu_domain *domain, u32 type,
				 void __user *uptr, u32 entry_len,
				 u32 *entry_num)
{
	*entry_num = 0;
	return -EOPNOTSUPP;
}

#endif /* HWPT_COMPAT_NESTING */
