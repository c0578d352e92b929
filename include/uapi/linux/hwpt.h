/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hwpt: an iommufd-style userspace interface to the IOMMU for kernels that
 * do not build iommufd, provided by an out-of-tree module as /dev/hwpt.
 */
#ifndef _UAPI_LINUX_HWPT_H
#define _UAPI_LINUX_HWPT_H

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * DOC: General ioctl format
 *
 * The conventions are iommufd's, so that iommufd users port by changing the
 * file they open and the way a device is bound:
 *
 * - Every command is _IO(HWPT_TYPE, nr) and takes a pointer to a structure
 *   whose first __u32 is its size, filled in by userspace.
 * - A size below the last mandatory field fails with EINVAL. A larger size
 *   is accepted when every byte past the end the kernel knows is zero, and
 *   fails with E2BIG otherwise. Output is written back up to the smaller of
 *   the two sizes.
 * - Unknown flag bits fail with EOPNOTSUPP; a non-zero reserved field fails
 *   with EOPNOTSUPP (as iommufd does for its __reserved fields).
 * - An unknown command fails with ENOTTY.
 * - Object IDs are never 0. Every object of a file is destroyed when the
 *   file is closed.
 *
 * Type byte: iommufd uses ';' (0x3B) with numbers 0x80-0xFF, and VFIO uses
 * ';' 0x64-0x7F. hwpt uses 0xB9, which Documentation/userspace-api/ioctl/
 * ioctl-number.rst lists for no one, so a stray hwpt ioctl sent to a VFIO or
 * iommufd file (or the reverse) fails with ENOTTY rather than being run.
 *
 * Command numbers: an operation that iommufd has keeps iommufd's number
 * (IOMMU_DESTROY is 0x80 and so is HWPT_DESTROY); hwpt's own commands,
 * which have no iommufd counterpart, start at 0xC0.
 */
#define HWPT_TYPE 0xB9

/* Bumped when a command or a field is added. */
#define HWPT_UAPI_VERSION 1

enum {
	HWPT_CMD_BASE = 0x80,
	HWPT_CMD_DESTROY = HWPT_CMD_BASE,	/* = IOMMUFD_CMD_DESTROY */
	HWPT_CMD_IOAS_ALLOC = 0x81,		/* = IOMMUFD_CMD_IOAS_ALLOC */
	HWPT_CMD_GET_INFO = 0xC0,		/* hwpt only */
};

/**
 * struct hwpt_destroy - ioctl(HWPT_DESTROY)
 * @size: sizeof(struct hwpt_destroy)
 * @id: ID of the object to destroy
 *
 * Destroys any object. ENOENT if @id names no object of this file, EBUSY
 * while another object depends on it. Layout and semantics of
 * iommufd's struct iommu_destroy.
 */
struct hwpt_destroy {
	__u32 size;
	__u32 id;
};
#define HWPT_DESTROY _IO(HWPT_TYPE, HWPT_CMD_DESTROY)

/**
 * struct hwpt_ioas_alloc - ioctl(HWPT_IOAS_ALLOC)
 * @size: sizeof(struct hwpt_ioas_alloc)
 * @flags: must be 0
 * @out_ioas_id: ID of the new IO address space
 *
 * Allocates an empty IO address space. Layout and semantics of iommufd's
 * struct iommu_ioas_alloc.
 */
struct hwpt_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define HWPT_IOAS_ALLOC _IO(HWPT_TYPE, HWPT_CMD_IOAS_ALLOC)

/**
 * enum hwpt_caps - what this module, built for the running kernel, can do
 * @HWPT_CAP_REPLACE_ATOMIC: the IOMMU core exports a replace that switches a
 *	group from one domain to another without passing through a blocking
 *	domain. Without it a replace is emulated by detach and attach, and DMA
 *	is blocked in between.
 * @HWPT_CAP_ATTACH_HANDLE: the core's attach-handle API is exported; it is
 *	what routes I/O page faults to a domain's owner.
 * @HWPT_CAP_DEVICE_DMA_OWNER: DMA ownership is claimed per device (without
 *	it, per group, with the module keeping the per-device count).
 * @HWPT_CAP_PASID: PASID attach and detach are exported.
 * @HWPT_CAP_PASID_REPLACE: a PASID can be replaced atomically.
 * @HWPT_CAP_IOPF: I/O page faults can be delivered to userspace (the core
 *	has the iopf_group response API and the kernel is built with it).
 * @HWPT_CAP_IOPF_DRIVER_ENABLE: IOMMU drivers enable IOPF themselves on a
 *	fault-capable attach (otherwise the caller enables it per device).
 * @HWPT_CAP_FAULT_INJECT: the module was loaded with its fault injection
 *	switched on (debug_inject=1): test and lab use only.
 * @HWPT_CAP_COHERENCY_QUERY: the core reports per device whether cache
 *	coherency (no-snoop blocking) can be enforced.
 */
enum hwpt_caps {
	HWPT_CAP_REPLACE_ATOMIC = 1 << 0,
	HWPT_CAP_ATTACH_HANDLE = 1 << 1,
	HWPT_CAP_DEVICE_DMA_OWNER = 1 << 2,
	HWPT_CAP_PASID = 1 << 3,
	HWPT_CAP_PASID_REPLACE = 1 << 4,
	HWPT_CAP_IOPF = 1 << 5,
	HWPT_CAP_IOPF_DRIVER_ENABLE = 1 << 6,
	HWPT_CAP_FAULT_INJECT = 1 << 7,
	HWPT_CAP_COHERENCY_QUERY = 1 << 8,
};

/**
 * enum hwpt_iopf_api - which generation of the core's I/O page fault API
 * @HWPT_IOPF_API_NONE: none usable from a module
 * @HWPT_IOPF_API_DEVICE_HANDLER: per-device fault handler and
 *	iommu_page_response() (not enough for a user fault queue)
 * @HWPT_IOPF_API_GROUP: iopf_group delivered to the attach handle's domain,
 *	answered with iopf_group_response()
 */
enum hwpt_iopf_api {
	HWPT_IOPF_API_NONE = 0,
	HWPT_IOPF_API_DEVICE_HANDLER = 1,
	HWPT_IOPF_API_GROUP = 2,
};

/**
 * struct hwpt_get_info - ioctl(HWPT_GET_INFO)
 * @size: sizeof(struct hwpt_get_info)
 * @flags: must be 0
 * @uapi_version: HWPT_UAPI_VERSION of the module
 * @module_version: module version as (major << 16) | (minor << 8) | patch
 * @caps: HWPT_CAP_* bits
 * @iopf_api: enum hwpt_iopf_api
 * @__reserved: must be 0
 *
 * Says what this build of the module on this kernel can do, so that a
 * missing feature can be told apart from a bug. hwpt only.
 */
struct hwpt_get_info {
	__u32 size;
	__u32 flags;
	__u32 uapi_version;
	__u32 module_version;
	__aligned_u64 caps;
	__u32 iopf_api;
	__u32 __reserved;
};
#define HWPT_GET_INFO _IO(HWPT_TYPE, HWPT_CMD_GET_INFO)

#endif /* _UAPI_LINUX_HWPT_H */
