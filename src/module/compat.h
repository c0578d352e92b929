/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel-version compat layer. Every difference between the kernels we
 * build for is found by a probe (conftest.sh) and handled here, so the rest
 * of the module is written once.
 */
#ifndef HWPT_COMPAT_H
#define HWPT_COMPAT_H

#include <linux/hwpt.h>
#include <linux/kconfig.h>
#include <linux/types.h>

#include "conftest.h"

/* What the kernel's exports let this module do, as HWPT_CAP_* bits. */
static inline u64 hwpt_compat_caps(void)
{
	u64 caps = 0;

	if (IS_ENABLED(HAVE_GROUP_HANDLE_API) ||
	    IS_ENABLED(HAVE_GROUP_REPLACE_DOMAIN))
		caps |= HWPT_CAP_REPLACE_ATOMIC;
	if (IS_ENABLED(HAVE_GROUP_HANDLE_API))
		caps |= HWPT_CAP_ATTACH_HANDLE;
	if (IS_ENABLED(HAVE_DEVICE_DMA_OWNER))
		caps |= HWPT_CAP_DEVICE_DMA_OWNER;
	if (IS_ENABLED(HAVE_PASID_ATTACH))
		caps |= HWPT_CAP_PASID;
	if (IS_ENABLED(HAVE_PASID_REPLACE))
		caps |= HWPT_CAP_PASID_REPLACE;
	if (IS_ENABLED(HAVE_GROUP_HANDLE_API) &&
	    IS_ENABLED(HAVE_IOPF_GROUP_API) &&
	    IS_ENABLED(HAVE_IOMMU_IOPF_CONFIG)) {
		caps |= HWPT_CAP_IOPF;
		/* Without the per-device switch the drivers flip it themselves. */
		if (!IS_ENABLED(HAVE_DEV_ENABLE_FEATURE))
			caps |= HWPT_CAP_IOPF_DRIVER_ENABLE;
	}
	if (IS_ENABLED(HAVE_CAP_ENFORCE_COHERENCY))
		caps |= HWPT_CAP_COHERENCY_QUERY;
	return caps;
}

static inline u32 hwpt_compat_iopf_api(void)
{
	if (!IS_ENABLED(HAVE_IOMMU_IOPF_CONFIG))
		return HWPT_IOPF_API_NONE;
	if (IS_ENABLED(HAVE_IOPF_GROUP_API))
		return HWPT_IOPF_API_GROUP;
	if (IS_ENABLED(HAVE_DEVICE_FAULT_HANDLER))
		return HWPT_IOPF_API_DEVICE_HANDLER;
	return HWPT_IOPF_API_NONE;
}

#endif /* HWPT_COMPAT_H */
