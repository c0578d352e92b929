/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel-version compat layer. Every difference between the kernels we
 * build for is found by a probe (conftest.sh) and handled here, so the rest
 * of the module is written once.
 */
#ifndef HWPT_COMPAT_H
#define HWPT_COMPAT_H

#include <linux/err.h>
#include <linux/hwpt.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/pci-ats.h>
#include <linux/types.h>

#include "conftest.h"

#if HAVE_GROUP_HANDLE_API
/*
 * Exported (namespace IOMMUFD_INTERNAL) but prototyped only in the kernel's
 * private drivers/iommu/iommu-priv.h; the same on every kernel that has
 * them (checked against 6.12 and 7.2).
 */
int iommu_attach_group_handle(struct iommu_domain *domain,
			      struct iommu_group *group,
			      struct iommu_attach_handle *handle);
void iommu_detach_group_handle(struct iommu_domain *domain,
			       struct iommu_group *group);
int iommu_replace_group_handle(struct iommu_group *group,
			       struct iommu_domain *new_domain,
			       struct iommu_attach_handle *handle);
struct iommu_attach_handle *iommu_attach_handle_get(struct iommu_group *group,
						    ioasid_t pasid,
						    unsigned int type);
#endif

#if HAVE_PASID_REPLACE
/* Namespace IOMMUFD_INTERNAL, prototyped in iommu-priv.h (7.2). */
int iommu_replace_device_pasid(struct iommu_domain *domain,
			       struct device *dev, ioasid_t pasid,
			       struct iommu_attach_handle *handle);
#endif

/* compat.c: PASID attachments, each with a handle of its own */
struct hwpt_pasid_handle;
int hwpt_compat_pasid_attach(struct iommu_domain *domain, struct device *dev,
			     u32 pasid, struct hwpt_pasid_handle **handle);
int hwpt_compat_pasid_replace(struct iommu_domain *domain, struct device *dev,
			      u32 pasid, struct hwpt_pasid_handle **handle);
void hwpt_compat_pasid_detach(struct iommu_domain *domain, struct device *dev,
			      u32 pasid, struct hwpt_pasid_handle *handle);

/* A paging domain for @dev's IOMMU; it does not keep @dev. */
static inline struct iommu_domain *hwpt_compat_domain_alloc(struct device *dev)
{
#if HAVE_PAGING_DOMAIN_ALLOC_FLAGS
	return iommu_paging_domain_alloc_flags(dev, 0);
#elif HAVE_PAGING_DOMAIN_ALLOC
	return iommu_paging_domain_alloc(dev);
#else
	struct iommu_domain *domain = iommu_domain_alloc(dev->bus);

	return domain ? domain : ERR_PTR(-ENOMEM);
#endif
}

static inline int hwpt_compat_map(struct iommu_domain *domain,
				  unsigned long iova, phys_addr_t paddr,
				  size_t size, int prot)
{
#if HAVE_IOMMU_MAP_GFP
	return iommu_map(domain, iova, paddr, size, prot, GFP_KERNEL_ACCOUNT);
#else
	return iommu_map(domain, iova, paddr, size, prot);
#endif
}

/*
 * DMA ownership: per device where the core has it; else per group, claimed
 * by the group's first bound device (@first) and released by its last.
 */
static inline int hwpt_compat_claim_dma(struct device *dev,
					struct iommu_group *group, void *owner,
					bool first)
{
#if HAVE_DEVICE_DMA_OWNER
	return iommu_device_claim_dma_owner(dev, owner);
#else
	return first ? iommu_group_claim_dma_owner(group, owner) : 0;
#endif
}

static inline void hwpt_compat_release_dma(struct device *dev,
					   struct iommu_group *group, bool last)
{
#if HAVE_DEVICE_DMA_OWNER
	iommu_device_release_dma_owner(dev);
#else
	if (last)
		iommu_group_release_dma_owner(group);
#endif
}

#if !HAVE_GROUP_HAS_ISOLATED_MSI
#include <linux/irqdomain.h>

static inline int hwpt_compat_intr_remap(struct device *dev, void *data)
{
	return device_iommu_capable(dev, IOMMU_CAP_INTR_REMAP);
}
#endif

/*
 * Can the platform keep MSIs of @grp's devices from raising other
 * interrupts? 6.1 asks as its VFIO does: an MSI domain that remaps, or an
 * IOMMU that remaps interrupts.
 */
static inline bool hwpt_compat_isolated_msi(struct iommu_group *grp)
{
#if HAVE_GROUP_HAS_ISOLATED_MSI
	return iommu_group_has_isolated_msi(grp);
#else
	return irq_domain_check_msi_remap() ||
	       iommu_group_for_each_dev(grp, NULL, hwpt_compat_intr_remap);
#endif
}

/* Can @dev's IOMMU block no-snoop for it? Where unknown, yes: the driver decides. */
static inline bool hwpt_compat_coherent(struct device *dev)
{
#if HAVE_CAP_ENFORCE_COHERENCY
	return device_iommu_capable(dev, IOMMU_CAP_ENFORCE_CACHE_COHERENCY);
#else
	return true;
#endif
}

/* PASIDs @dev may use: the device's width where the core keeps it. */
static inline u32 hwpt_compat_max_pasids(struct device *dev)
{
#if HAVE_DEV_IOMMU_MAX_PASIDS
	return dev->iommu->max_pasids;
#else
	u32 iommu = dev->iommu->iommu_dev->max_pasids;
	int pci = dev_is_pci(dev) ? pci_max_pasids(to_pci_dev(dev)) : 0;

	return pci > 0 ? min_t(u32, iommu, pci) : 0;
#endif
}

/* Is @pdev all added, so that a driver may bind to it? */
static inline bool hwpt_compat_pci_added(struct pci_dev *pdev)
{
#if HAVE_DEV_READY_TO_PROBE
	return dev_ready_to_probe(&pdev->dev);
#else
	return pdev->match_driver;
#endif
}

/* Force (or with "" stop forcing) the driver @pdev binds to. */
static inline int hwpt_compat_set_driver_override(struct pci_dev *pdev,
						  const char *name)
{
#if HAVE_DEVICE_SET_DRIVER_OVERRIDE
	return device_set_driver_override(&pdev->dev, name);
#else
	return driver_set_override(&pdev->dev, &pdev->driver_override, name,
				   strlen(name));
#endif
}

/*
 * Real I/O page faults can reach a module: the core delivers iopf_groups to
 * attach handles, and the kernel is built with IOPF (arm64 7.2 is not).
 */
#define HWPT_COMPAT_IOPF_GROUPS \
	(HAVE_GROUP_HANDLE_API && HAVE_IOPF_GROUP_API && HAVE_IOMMU_IOPF_CONFIG)

static inline bool hwpt_compat_kernel_iopf(void)
{
	return HWPT_COMPAT_IOPF_GROUPS;
}

/*
 * Where drivers enable IOPF themselves on attach (no
 * iommu_dev_enable_feature()), Intel's page request thread also routes
 * requests without a PASID; 6.12, which still has the per-device switch,
 * drops them (intel/prq.c:217). No symbol marks the change, so the probe
 * that does mark its kernel generation stands in for it.
 */
#define HWPT_COMPAT_INTEL_RID_PRQ (!HAVE_DEV_ENABLE_FEATURE)

/*
 * AMD's sysfs "features" reads "EFR2:EFR" on 6.1 (amd/init.c:1999) and
 * "EFR:EFR2" from 6.12 on. No symbol marks the change; among the kernels
 * supported, the probe for the per-device PASID width (added between the
 * two) tells them apart.
 */
#define HWPT_COMPAT_AMD_FEATURES_EFR2_FIRST (!HAVE_DEV_IOMMU_MAX_PASIDS)

struct hwpt_attach;

/*
 * compat.c: the core's handle of an attachment (set up, and found as the
 * core finds it for a page request of @group), and answering the core's
 * page request groups.
 */
void hwpt_compat_attach_init(struct hwpt_attach *att,
			     struct iommu_domain *domain);
struct hwpt_attach *hwpt_compat_attach_of_group(struct iommu_group *group);
void hwpt_compat_iopf_answer(void *real, u32 code);

/* Enable IOPF on @dev by hand, where the kernel leaves that to us. */
static inline int hwpt_compat_iopf_enable(struct device *dev)
{
#if HAVE_DEV_ENABLE_FEATURE
	return iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_IOPF);
#else
	return 0;
#endif
}

static inline void hwpt_compat_iopf_disable(struct device *dev)
{
#if HAVE_DEV_ENABLE_FEATURE
	iommu_dev_disable_feature(dev, IOMMU_DEV_FEAT_IOPF);
#endif
}

/*
 * Nest parent and nested domains from the IOMMU driver's ops, and user
 * cache invalidation for them (compat_nest.c): 6.12 and later. Without
 * them the three functions answer EOPNOTSUPP.
 */
#define HWPT_COMPAT_NESTING						\
	((HAVE_IOMMU_OPS_DOMAIN_ALLOC_USER ||				\
	  HAVE_IOMMU_OPS_DOMAIN_ALLOC_NESTED) &&			\
	 HAVE_IOMMU_CACHE_INVALIDATE_USER)

struct iommu_domain *hwpt_compat_nest_parent_alloc(struct device *dev);
/* A nested domain in @parent, from @len bytes of driver data at @uptr. */
struct iommu_domain *hwpt_compat_nested_alloc(struct device *dev,
					      struct iommu_domain *parent,
					      u32 type, void __user *uptr,
					      u32 len);
/* *@entry_num entries in, the number done out (also on an error). */
int hwpt_compat_cache_invalidate(struct iommu_domain *domain, u32 type,
				 void __user *uptr, u32 entry_len,
				 u32 *entry_num);

static inline u64 hwpt_compat_caps(void)
{
	u64 caps = 0;

	if (HAVE_GROUP_HANDLE_API || HAVE_GROUP_REPLACE_DOMAIN)
		caps |= HWPT_CAP_REPLACE_ATOMIC;
	if (HAVE_GROUP_HANDLE_API)
		caps |= HWPT_CAP_ATTACH_HANDLE;
	if (HAVE_DEVICE_DMA_OWNER)
		caps |= HWPT_CAP_DEVICE_DMA_OWNER;
	if (HAVE_PASID_ATTACH)
		caps |= HWPT_CAP_PASID;
	if (HAVE_PASID_REPLACE)
		caps |= HWPT_CAP_PASID_REPLACE;
	if (hwpt_compat_kernel_iopf()) {
		caps |= HWPT_CAP_IOPF;
		/* Without the per-device switch the drivers flip it themselves. */
		if (!HAVE_DEV_ENABLE_FEATURE)
			caps |= HWPT_CAP_IOPF_DRIVER_ENABLE;
	}
	if (HAVE_CAP_ENFORCE_COHERENCY)
		caps |= HWPT_CAP_COHERENCY_QUERY;
	if (HAVE_IOMMUFD_DRIVER)
		caps |= HWPT_CAP_DIRTY_RECORDING;
	if (HWPT_COMPAT_NESTING)
		caps |= HWPT_CAP_NESTING;
	return caps;
}

static inline u32 hwpt_compat_iopf_api(void)
{
	if (!HAVE_IOMMU_IOPF_CONFIG)
		return HWPT_IOPF_API_NONE;
	if (HAVE_IOPF_GROUP_API)
		return HWPT_IOPF_API_GROUP;
	if (HAVE_DEVICE_FAULT_HANDLER)
		return HWPT_IOPF_API_DEVICE_HANDLER;
	return HWPT_IOPF_API_NONE;
}

#endif /* HWPT_COMPAT_H */
