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
 * - When the answer cannot be written back (EFAULT), commands that create
 *   an object undo it; ATTACH, REPLACE and UNMAP keep their effect, as
 *   iommufd and VFIO do.
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
	HWPT_CMD_IOAS_IOVA_RANGES = 0x84,	/* = IOMMUFD_CMD_IOAS_IOVA_RANGES */
	HWPT_CMD_IOAS_MAP = 0x85,		/* = IOMMUFD_CMD_IOAS_MAP */
	HWPT_CMD_IOAS_UNMAP = 0x86,		/* = IOMMUFD_CMD_IOAS_UNMAP */
	HWPT_CMD_HWPT_ALLOC = 0x89,		/* = IOMMUFD_CMD_HWPT_ALLOC */
	HWPT_CMD_GET_INFO = 0xC0,		/* hwpt only */
	HWPT_CMD_DEVICE_BIND = 0xC1,		/* VFIO_DEVICE_BIND_IOMMUFD */
	HWPT_CMD_DEVICE_ATTACH = 0xC2,		/* VFIO_DEVICE_ATTACH_IOMMUFD_PT */
	HWPT_CMD_DEVICE_REPLACE = 0xC3,		/* the same, on an attached device */
	HWPT_CMD_DEVICE_DETACH = 0xC4,		/* VFIO_DEVICE_DETACH_IOMMUFD_PT */
	HWPT_CMD_DEVICE_GET = 0xC5,		/* hwpt only */
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
 * struct hwpt_iova_range - ioctl(HWPT_IOAS_IOVA_RANGES) output
 * @start: first IOVA
 * @last: inclusive last IOVA
 */
struct hwpt_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/**
 * struct hwpt_ioas_iova_ranges - ioctl(HWPT_IOAS_IOVA_RANGES)
 * @size: sizeof(struct hwpt_ioas_iova_ranges)
 * @ioas_id: IOAS to query
 * @num_iovas: in: room in @allowed_iovas; out: ranges that exist
 * @__reserved: must be 0
 * @allowed_iovas: pointer to an array of struct hwpt_iova_range
 * @out_iova_alignment: IOVA and length granularity of a map
 *
 * The IOVA ranges that can be mapped now: the intersection of every
 * domain's aperture, less the reserved regions (MSI windows, RMRRs, ...) of
 * every group attached to the IOAS. EMSGSIZE, with @num_iovas set, if the
 * array is too small. As iommufd's struct iommu_ioas_iova_ranges.
 */
struct hwpt_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
	__aligned_u64 out_iova_alignment;
};

#define HWPT_IOAS_IOVA_RANGES _IO(HWPT_TYPE, HWPT_CMD_IOAS_IOVA_RANGES)

/**
 * enum hwpt_ioas_map_flags - flags of struct hwpt_ioas_map
 * @HWPT_IOAS_MAP_FIXED_IOVA: map at @iova exactly (else the kernel picks
 *	an IOVA and returns it in @iova)
 * @HWPT_IOAS_MAP_WRITEABLE: the device may write
 * @HWPT_IOAS_MAP_READABLE: the device may read
 */
enum hwpt_ioas_map_flags {
	HWPT_IOAS_MAP_FIXED_IOVA = 1 << 0,
	HWPT_IOAS_MAP_WRITEABLE = 1 << 1,
	HWPT_IOAS_MAP_READABLE = 1 << 2,
};

/**
 * struct hwpt_ioas_map - ioctl(HWPT_IOAS_MAP)
 * @size: sizeof(struct hwpt_ioas_map)
 * @flags: HWPT_IOAS_MAP_*; at least one of READABLE and WRITEABLE
 * @ioas_id: IOAS to map into
 * @__reserved: must be 0
 * @user_va: page-aligned start of the user memory
 * @length: page-aligned length in bytes
 * @iova: IOVA, in with FIXED_IOVA, else out
 *
 * Pins the memory (charged to RLIMIT_MEMLOCK as locked_vm) and maps it into
 * every domain of the IOAS. Errors, as iommufd: EINVAL for unaligned or
 * empty ranges and for IOVAs in a reserved region; EOVERFLOW when a range
 * wraps; EEXIST when it overlaps a mapping; ENOSPC when no free IOVA range
 * fits; EFAULT for memory that cannot be pinned; ENOMEM over the limit.
 * As iommufd's struct iommu_ioas_map.
 */
struct hwpt_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};

#define HWPT_IOAS_MAP _IO(HWPT_TYPE, HWPT_CMD_IOAS_MAP)

/**
 * struct hwpt_ioas_unmap - ioctl(HWPT_IOAS_UNMAP)
 * @size: sizeof(struct hwpt_ioas_unmap)
 * @ioas_id: IOAS to unmap from
 * @iova: start of the range
 * @length: in: length of the range; out: bytes unmapped
 *
 * Unmaps every mapping inside the range; a mapping that crosses an end of
 * the range fails the call (EINVAL) and nothing is unmapped. ENOENT when the
 * range holds no mapping. iova 0 and length UINT64_MAX unmap everything,
 * and succeed with @length 0 on an empty IOAS.
 * As iommufd's struct iommu_ioas_unmap.
 */
struct hwpt_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};

#define HWPT_IOAS_UNMAP _IO(HWPT_TYPE, HWPT_CMD_IOAS_UNMAP)

/**
 * struct hwpt_hwpt_alloc - ioctl(HWPT_HWPT_ALLOC)
 * @size: sizeof(struct hwpt_hwpt_alloc)
 * @flags: must be 0 for now
 * @dev_id: device whose IOMMU the domain is allocated for
 * @pt_id: IOAS the HWPT maps
 * @out_hwpt_id: ID of the new HWPT
 * @__reserved: must be 0
 * @data_type: must be 0 (no driver-specific data yet)
 * @data_len: must be 0
 * @data_uptr: must be 0
 * @fault_id: must be 0 for now
 * @__reserved2: must be 0
 *
 * Allocates a paging domain and fills it with every mapping of the IOAS
 * before anyone can attach it. The domain does not remember @dev_id's
 * device: it lives on after that device is gone. As iommufd's struct
 * iommu_hwpt_alloc.
 */
struct hwpt_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 fault_id;
	__u32 __reserved2;
};

#define HWPT_HWPT_ALLOC _IO(HWPT_TYPE, HWPT_CMD_HWPT_ALLOC)

/* Bus of a device named in struct hwpt_device_bind. */
enum hwpt_bus {
	HWPT_BUS_PCI = 1,
};

/**
 * struct hwpt_device_bind - ioctl(HWPT_DEVICE_BIND)
 * @size: sizeof(struct hwpt_device_bind)
 * @flags: must be 0
 * @bus: enum hwpt_bus
 * @out_dev_id: ID of the device object
 * @name: NUL-terminated device name on its bus, e.g. "0000:01:00.0"
 *
 * Binds hwpt's own driver to the device and claims DMA ownership of it for
 * this file: ENODEV if the device does not exist or has no IOMMU group,
 * EBUSY if it has a driver (unbind it first) or another device of its group
 * is used by a kernel driver for DMA (the kernel log names it), or another
 * file owns the group. The device starts detached, with DMA blocked.
 * Destroying the device object unbinds it (detaching it first).
 * hwpt's counterpart of VFIO_DEVICE_BIND_IOMMUFD.
 */
struct hwpt_device_bind {
	__u32 size;
	__u32 flags;
	__u32 bus;
	__u32 out_dev_id;
	char name[32];
};

#define HWPT_DEVICE_BIND _IO(HWPT_TYPE, HWPT_CMD_DEVICE_BIND)

/**
 * struct hwpt_device_attach - ioctl(HWPT_DEVICE_ATTACH, HWPT_DEVICE_REPLACE)
 * @size: sizeof(struct hwpt_device_attach)
 * @flags: must be 0
 * @dev_id: device
 * @pt_id: an HWPT, or an IOAS: then an automatic HWPT of that IOAS that
 *	suits the device is used or made, and destroyed when no group is
 *	attached to it any more
 * @out_hwpt_id: the HWPT the device is now attached to
 * @out_devices_moved: devices of the group now on @out_hwpt_id that were
 *	on another page table (REPLACE) or on none (ATTACH)
 *
 * ATTACH: the first device of an IOMMU group to attach attaches the whole
 * group; a later device of the group joins if @pt_id resolves to the
 * group's HWPT and gets EINVAL otherwise. EBUSY if the device is attached.
 *
 * REPLACE: switches the device's whole group to the new HWPT, and every
 * attached device of the group follows. Atomic where the kernel allows
 * (HWPT_CAP_REPLACE_ATOMIC); otherwise DMA is blocked during the switch.
 * On failure the group, its devices and both HWPTs are as before. EINVAL if
 * the device is not attached.
 *
 * ENODEV once the device is gone (hot-unplugged).
 */
struct hwpt_device_attach {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 out_devices_moved;
};

#define HWPT_DEVICE_ATTACH _IO(HWPT_TYPE, HWPT_CMD_DEVICE_ATTACH)
#define HWPT_DEVICE_REPLACE _IO(HWPT_TYPE, HWPT_CMD_DEVICE_REPLACE)

/**
 * struct hwpt_device_detach - ioctl(HWPT_DEVICE_DETACH)
 * @size: sizeof(struct hwpt_device_detach)
 * @flags: must be 0
 * @dev_id: device
 *
 * The last attached device of a group detaches the group: its DMA is then
 * blocked. The HWPT keeps its mappings and stays on its IOAS until it is
 * destroyed. EINVAL if the device is not attached.
 */
struct hwpt_device_detach {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
};

#define HWPT_DEVICE_DETACH _IO(HWPT_TYPE, HWPT_CMD_DEVICE_DETACH)

/* State bits of struct hwpt_device_get. */
enum hwpt_device_state {
	HWPT_DEVICE_DEAD = 1 << 0,	/* hot-unplugged: only DESTROY works */
};

/**
 * struct hwpt_device_get - ioctl(HWPT_DEVICE_GET)
 * @size: sizeof(struct hwpt_device_get)
 * @flags: must be 0
 * @dev_id: device
 * @out_hwpt_id: HWPT the device is attached to, 0 if detached
 * @out_group_id: the kernel's IOMMU group number
 * @out_group_devices: devices of that group bound in this file
 * @out_state: enum hwpt_device_state bits
 * @__reserved: must be 0
 *
 * Works on a dead device too (with HWPT_DEVICE_DEAD set).
 */
struct hwpt_device_get {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 out_hwpt_id;
	__u32 out_group_id;
	__u32 out_group_devices;
	__u32 out_state;
	__u32 __reserved;
};

#define HWPT_DEVICE_GET _IO(HWPT_TYPE, HWPT_CMD_DEVICE_GET)

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
