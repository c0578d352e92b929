// SPDX-License-Identifier: LGPL-2.1-or-later
/* libhwpt: GET_INFO, devices, IO address spaces, HWPTs and DESTROY. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const struct hwpt_cap_desc lh_caps[] = {
	{ HWPT_CAP_REPLACE_ATOMIC, "replace-atomic",
	  "replace is one transactional core call (DMA may still fault for a moment during it)" },
	{ HWPT_CAP_ATTACH_HANDLE, "attach-handle",
	  "the core's attach-handle API (fault routing)" },
	{ HWPT_CAP_DEVICE_DMA_OWNER, "device-dma-owner",
	  "DMA ownership claimed per device" },
	{ HWPT_CAP_PASID, "pasid", "PASID attach" },
	{ HWPT_CAP_PASID_REPLACE, "pasid-replace", "atomic PASID replace" },
	{ HWPT_CAP_IOPF, "iopf", "I/O page faults can reach userspace" },
	{ HWPT_CAP_IOPF_DRIVER_ENABLE, "iopf-driver-enable",
	  "IOMMU drivers enable IOPF themselves" },
	{ HWPT_CAP_FAULT_INJECT, "fault-inject",
	  "fault injection on (debug_inject=1)" },
	{ HWPT_CAP_COHERENCY_QUERY, "coherency-query",
	  "per-device cache coherency capability" },
	{ HWPT_CAP_DIRTY_RECORDING, "dirty-recording",
	  "the kernel can record IOMMU dirty bits for a module" },
	{ HWPT_CAP_NESTING, "nesting",
	  "IOMMU drivers can make nested domains for a module (VT-d)" },
};

static const struct hwpt_cap_desc lh_hw_caps[] = {
	{ HWPT_HW_CAP_DIRTY_TRACKING, "dirty-tracking",
	  "the IOMMU can track the pages devices write" },
	{ HWPT_HW_CAP_PCI_PASID_EXEC, "pasid-exec",
	  "the device's PASID capability has Execute" },
	{ HWPT_HW_CAP_PCI_PASID_PRIV, "pasid-priv",
	  "the device's PASID capability has Privileged Mode" },
	{ HWPT_HW_CAP_PCI_ATS_NOT_SUPPORTED, "ats-not-supported",
	  "the device has no ATS" },
};

const struct hwpt_cap_desc *hwpt_cap_desc(size_t i)
{
	return i < ARRAY_SIZE(lh_caps) ? &lh_caps[i] : NULL;
}

const struct hwpt_cap_desc *hwpt_hw_cap_desc(size_t i)
{
	return i < ARRAY_SIZE(lh_hw_caps) ? &lh_hw_caps[i] : NULL;
}

const char *hwpt_hw_info_type_name(uint32_t type)
{
	switch (type) {
	case HWPT_HW_INFO_TYPE_NONE:
		return "none";
	case HWPT_HW_INFO_TYPE_INTEL_VTD:
		return "intel-vtd";
	case HWPT_HW_INFO_TYPE_ARM_SMMUV3:
		return "arm-smmuv3";
	case HWPT_HW_INFO_TYPE_AMD:
		return "amd-vi";
	}
	return "unknown";
}

const char *hwpt_iopf_api_name(uint32_t api)
{
	switch (api) {
	case HWPT_IOPF_API_NONE:
		return "none";
	case HWPT_IOPF_API_DEVICE_HANDLER:
		return "device fault handler (no user queue)";
	case HWPT_IOPF_API_GROUP:
		return "iopf groups on attach handles";
	}
	return "unknown";
}

const char *hwpt_version_str(uint32_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
	return buf;
}

/*
 * The smallest sizes of the uAPI structures a caller passes: the kernel's
 * (ioctl.c), and beyond the fields the library writes.
 */
#define LH_GET_INFO_MIN		LH_SIZE_UPTO(struct hwpt_get_info, __reserved)
#define LH_HW_INFO_MIN		LH_SIZE_UPTO(struct hwpt_hw_info, \
					     out_capabilities)
#define LH_DEVICE_GET_MIN	LH_SIZE_UPTO(struct hwpt_device_get, __reserved)

int hwpt_get_info(struct hwpt_ctx *ctx, struct hwpt_get_info *info)
{
	int rc;

	rc = lh_sized(ctx, info, LH_GET_INFO_MIN, true, "hwpt_get_info");
	if (rc)
		return rc;
	rc = lh_ioctl(ctx, HWPT_GET_INFO, info);
	return rc ? lh_fail(ctx, rc, LH_INFO, "getting the module's info") : 0;
}

int hwpt_get_hw_info(struct hwpt_ctx *ctx, uint32_t dev_id, void *data,
		     uint32_t len, struct hwpt_hw_info *out)
{
	int rc;

	rc = lh_sized(ctx, out, LH_HW_INFO_MIN, true, "hwpt_hw_info");
	if (rc)
		return rc;
	out->dev_id = dev_id;
	out->data_len = len;
	out->data_uptr = (uintptr_t)data;
	rc = lh_ioctl(ctx, HWPT_GET_HW_INFO, out);
	return rc ? lh_fail(ctx, rc, LH_HW_INFO,
			    "getting the IOMMU hardware info of device %u",
			    dev_id) : 0;
}

int hwpt_device_bind(struct hwpt_ctx *ctx, const char *name, uint32_t *dev_id)
{
	struct hwpt_device_bind cmd = {
		.size = sizeof(cmd),
		.bus = HWPT_BUS_PCI,
	};
	struct hwpt_pci_info pci = { .size = sizeof(pci) };
	char advice[512];
	int rc;

	if (strlen(name) >= sizeof(cmd.name))
		return lh_fail(ctx, -EINVAL, LH_BIND, "binding %s", name);
	memcpy(cmd.name, name, strlen(name) + 1);
	rc = lh_ioctl(ctx, HWPT_DEVICE_BIND, &cmd);
	if (!rc) {
		*dev_id = cmd.out_dev_id;
		return 0;
	}
	/* sysfs tells who is in the way: say so, and how to move it. */
	if (rc == -EBUSY && !hwpt_pci_inspect(name, &pci) &&
	    pci.state != LIBHWPT_PCI_FREE)
		return lh_fail_advice(ctx, rc,
				      hwpt_pci_advice(&pci, advice,
						      sizeof(advice)),
				      "binding %s", name);
	return lh_fail(ctx, rc, LH_BIND, "binding %s", name);
}

int hwpt_device_get(struct hwpt_ctx *ctx, uint32_t dev_id,
		    struct hwpt_device_get *out)
{
	int rc;

	rc = lh_sized(ctx, out, LH_DEVICE_GET_MIN, true, "hwpt_device_get");
	if (rc)
		return rc;
	out->dev_id = dev_id;
	rc = lh_ioctl(ctx, HWPT_DEVICE_GET, out);
	return rc ? lh_fail(ctx, rc, LH_DEVICE, "getting device %u", dev_id) :
		    0;
}

static int lh_set_pt(struct hwpt_ctx *ctx, bool replace, uint32_t dev_id,
		     uint32_t pt_id, uint32_t *hwpt_id, uint32_t *moved)
{
	struct hwpt_device_attach cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.pt_id = pt_id,
	};
	int rc;

	rc = lh_ioctl(ctx, replace ? HWPT_DEVICE_REPLACE : HWPT_DEVICE_ATTACH,
		      &cmd);
	if (rc)
		return lh_fail(ctx, rc, replace ? LH_REPLACE : LH_ATTACH,
			       "%s device %u to %u",
			       replace ? "replacing the page table of" :
			       "attaching", dev_id, pt_id);
	if (hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	if (moved)
		*moved = cmd.out_devices_moved;
	return 0;
}

int hwpt_device_attach(struct hwpt_ctx *ctx, uint32_t dev_id, uint32_t pt_id,
		       uint32_t *hwpt_id, uint32_t *moved)
{
	return lh_set_pt(ctx, false, dev_id, pt_id, hwpt_id, moved);
}

int hwpt_device_replace(struct hwpt_ctx *ctx, uint32_t dev_id, uint32_t pt_id,
			uint32_t *hwpt_id, uint32_t *moved)
{
	return lh_set_pt(ctx, true, dev_id, pt_id, hwpt_id, moved);
}

int hwpt_device_detach(struct hwpt_ctx *ctx, uint32_t dev_id)
{
	struct hwpt_device_detach cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
	};
	int rc = lh_ioctl(ctx, HWPT_DEVICE_DETACH, &cmd);

	return rc ? lh_fail(ctx, rc, LH_DETACH, "detaching device %u",
			    dev_id) : 0;
}

int hwpt_ioas_alloc(struct hwpt_ctx *ctx, uint32_t *ioas_id)
{
	struct hwpt_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc = lh_ioctl(ctx, HWPT_IOAS_ALLOC, &cmd);

	if (rc)
		return lh_fail(ctx, rc, LH_IOAS_ALLOC, "allocating an IOAS");
	*ioas_id = cmd.out_ioas_id;
	return 0;
}

int hwpt_ioas_map(struct hwpt_ctx *ctx, uint32_t ioas_id, uint32_t flags,
		  void *va, uint64_t length, uint64_t *iova)
{
	struct hwpt_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = length,
		.iova = *iova,
	};
	int rc = lh_ioctl(ctx, HWPT_IOAS_MAP, &cmd);

	if (rc && (flags & HWPT_IOAS_MAP_FIXED_IOVA))
		return lh_fail(ctx, rc, LH_MAP,
			       "mapping %llu bytes at IOVA %#llx of IOAS %u",
			       (unsigned long long)length,
			       (unsigned long long)*iova, ioas_id);
	if (rc)
		return lh_fail(ctx, rc, LH_MAP, "mapping %llu bytes into IOAS %u",
			       (unsigned long long)length, ioas_id);
	*iova = cmd.iova;
	return 0;
}

int hwpt_ioas_unmap(struct hwpt_ctx *ctx, uint32_t ioas_id, uint64_t iova,
		    uint64_t length, uint64_t *unmapped)
{
	struct hwpt_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = length,
	};
	int rc = lh_ioctl(ctx, HWPT_IOAS_UNMAP, &cmd);

	if (rc)
		return lh_fail(ctx, rc, LH_UNMAP,
			       "unmapping %llu bytes at IOVA %#llx of IOAS %u",
			       (unsigned long long)length,
			       (unsigned long long)iova, ioas_id);
	if (unmapped)
		*unmapped = cmd.length;
	return 0;
}

int hwpt_ioas_iova_ranges(struct hwpt_ctx *ctx, uint32_t ioas_id,
			  struct hwpt_iova_range *ranges, uint32_t *num,
			  uint64_t *alignment)
{
	struct hwpt_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = *num,
		.allowed_iovas = (uintptr_t)ranges,
	};
	int rc = lh_ioctl(ctx, HWPT_IOAS_IOVA_RANGES, &cmd);

	if (!rc || rc == -EMSGSIZE)
		*num = cmd.num_iovas;
	if (rc)
		return lh_fail(ctx, rc, LH_RANGES,
			       "getting the IOVA ranges of IOAS %u", ioas_id);
	if (alignment)
		*alignment = cmd.out_iova_alignment;
	return 0;
}

int hwpt_hwpt_alloc(struct hwpt_ctx *ctx, uint32_t dev_id, uint32_t ioas_id,
		    uint32_t flags, uint32_t fault_id, uint32_t *hwpt_id)
{
	struct hwpt_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags | (fault_id ? HWPT_HWPT_FAULT_ID_VALID : 0),
		.dev_id = dev_id,
		.pt_id = ioas_id,
		.fault_id = fault_id,
	};
	int rc = lh_ioctl(ctx, HWPT_HWPT_ALLOC, &cmd);

	if (rc && fault_id)
		return lh_fail(ctx, rc, LH_HWPT_ALLOC_FAULT,
			       "allocating a fault-capable HWPT (queue %u, flags %#x) over IOAS %u for device %u",
			       fault_id, flags, ioas_id, dev_id);
	if (rc)
		return lh_fail(ctx, rc, LH_HWPT_ALLOC,
			       "allocating an HWPT (flags %#x) over IOAS %u for device %u",
			       flags, ioas_id, dev_id);
	*hwpt_id = cmd.out_hwpt_id;
	return 0;
}

int hwpt_destroy(struct hwpt_ctx *ctx, uint32_t id)
{
	struct hwpt_destroy cmd = { .size = sizeof(cmd), .id = id };
	int rc = lh_ioctl(ctx, HWPT_DESTROY, &cmd);

	return rc ? lh_fail(ctx, rc, LH_DESTROY, "destroying object %u", id) :
		    0;
}
