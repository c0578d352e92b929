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
#define HWPT_UAPI_VERSION 3

enum {
	HWPT_CMD_BASE = 0x80,
	HWPT_CMD_DESTROY = HWPT_CMD_BASE,	/* = IOMMUFD_CMD_DESTROY */
	HWPT_CMD_IOAS_ALLOC = 0x81,		/* = IOMMUFD_CMD_IOAS_ALLOC */
	HWPT_CMD_IOAS_IOVA_RANGES = 0x84,	/* = IOMMUFD_CMD_IOAS_IOVA_RANGES */
	HWPT_CMD_IOAS_MAP = 0x85,		/* = IOMMUFD_CMD_IOAS_MAP */
	HWPT_CMD_IOAS_UNMAP = 0x86,		/* = IOMMUFD_CMD_IOAS_UNMAP */
	HWPT_CMD_HWPT_ALLOC = 0x89,		/* = IOMMUFD_CMD_HWPT_ALLOC */
	HWPT_CMD_GET_HW_INFO = 0x8a,		/* = IOMMUFD_CMD_GET_HW_INFO */
	HWPT_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b,	/* = IOMMUFD_CMD_... */
	HWPT_CMD_HWPT_GET_DIRTY_BITMAP = 0x8c,	/* = IOMMUFD_CMD_... */
	HWPT_CMD_HWPT_INVALIDATE = 0x8d,	/* = IOMMUFD_CMD_HWPT_INVALIDATE */
	HWPT_CMD_FAULT_QUEUE_ALLOC = 0x8e,	/* = IOMMUFD_CMD_FAULT_QUEUE_ALLOC */
	HWPT_CMD_GET_INFO = 0xC0,		/* hwpt only */
	HWPT_CMD_DEVICE_BIND = 0xC1,		/* VFIO_DEVICE_BIND_IOMMUFD */
	HWPT_CMD_DEVICE_ATTACH = 0xC2,		/* VFIO_DEVICE_ATTACH_IOMMUFD_PT */
	HWPT_CMD_DEVICE_REPLACE = 0xC3,		/* the same, on an attached device */
	HWPT_CMD_DEVICE_DETACH = 0xC4,		/* VFIO_DEVICE_DETACH_IOMMUFD_PT */
	HWPT_CMD_DEVICE_GET = 0xC5,		/* hwpt only */
	HWPT_CMD_FAULT_INJECT = 0xC6,		/* hwpt only, tests and labs */
	HWPT_CMD_PASID_ATTACH = 0xC7,		/* VFIO_DEVICE_PASID_ATTACH_... */
	HWPT_CMD_PASID_REPLACE = 0xC8,		/* the same, on an attached PASID */
	HWPT_CMD_PASID_DETACH = 0xC9,		/* VFIO_DEVICE_PASID_DETACH_... */
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
 * Pins the memory and maps it, cache coherent, into every domain of the
 * IOAS. The pins are charged as iommufd charges them: to the user's
 * locked_vm against the caller's RLIMIT_MEMLOCK (not at all for a caller
 * with CAP_IPC_LOCK), and to the process's pinned_vm (VmPin). Errors, as
 * iommufd: EINVAL for unaligned or empty ranges and for IOVAs in a
 * reserved region; EOVERFLOW when a range wraps; EEXIST when it overlaps a
 * mapping; ENOSPC when no free IOVA range fits; EFAULT for memory that
 * cannot be pinned; ENOMEM over the limit, or when the mapping's page list
 * (8 bytes a page) cannot be allocated. If the reply cannot be written
 * back (EFAULT), the mapping stays, as iommufd's does: unmap it by its
 * IOVA.
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
 * enum hwpt_hwpt_alloc_flags - flags of struct hwpt_hwpt_alloc
 * @HWPT_HWPT_ALLOC_NEST_PARENT: the HWPT can be the parent (stage 2) of
 *	nested HWPTs; not with HWPT_HWPT_FAULT_ID_VALID. EOPNOTSUPP where the
 *	device's IOMMU driver offers no nesting to a module (HWPT_CAP_NESTING
 *	and the vendor: only Intel VT-d, see README) or the IOMMU cannot nest
 *	(VT-d: ECAP.NEST)
 * @HWPT_HWPT_ALLOC_DIRTY_TRACKING: the HWPT can track the pages devices
 *	write (HWPT_HWPT_SET_DIRTY_TRACKING); EOPNOTSUPP where the kernel
 *	cannot record dirty bits for a module, which is every Debian kernel
 *	(no HWPT_CAP_DIRTY_RECORDING)
 * @HWPT_HWPT_FAULT_ID_VALID: @fault_id names a fault queue: the HWPT is
 *	fault-capable (iommufd's IOMMU_HWPT_FAULT_ID_VALID, same value)
 * @HWPT_HWPT_ALLOC_ENFORCE_COHERENCY: the domain blocks no-snoop DMA (seed
 *	003), set before any mapping; EOPNOTSUPP if the IOMMU cannot. Only
 *	devices whose IOMMU can honour it (HWPT_DEVICE_COHERENT) may attach
 *	it, and replace to it moves a group only if all its attached devices
 *	can: EINVAL otherwise, logged. iommufd does this implicitly for VFIO
 *	devices; hwpt leaves the choice to userspace. Not for a nested HWPT
 *	(EOPNOTSUPP), which inherits its parent's.
 *
 * iommufd's values, but for ENFORCE_COHERENCY (hwpt only).
 */
enum hwpt_hwpt_alloc_flags {
	HWPT_HWPT_ALLOC_NEST_PARENT = 1 << 0,
	HWPT_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,
	HWPT_HWPT_FAULT_ID_VALID = 1 << 2,
	HWPT_HWPT_ALLOC_ENFORCE_COHERENCY = 1 << 16,
};

/**
 * enum hwpt_hwpt_data_type - driver data of a nested HWPT (data_type)
 * @HWPT_HWPT_DATA_NONE: no data: an HWPT on an IOAS
 * @HWPT_HWPT_DATA_VTD_S1: struct hwpt_hwpt_vtd_s1, Intel VT-d stage 1
 *
 * iommufd's values (enum iommu_hwpt_data_type).
 */
enum hwpt_hwpt_data_type {
	HWPT_HWPT_DATA_NONE = 0,
	HWPT_HWPT_DATA_VTD_S1 = 1,
};

/**
 * enum hwpt_hwpt_vtd_s1_flags - flags of struct hwpt_hwpt_vtd_s1
 * @HWPT_VTD_S1_SRE: supervisor requests
 * @HWPT_VTD_S1_EAFE: extended access enable
 * @HWPT_VTD_S1_WPE: write protect enable
 */
enum hwpt_hwpt_vtd_s1_flags {
	HWPT_VTD_S1_SRE = 1 << 0,
	HWPT_VTD_S1_EAFE = 1 << 1,
	HWPT_VTD_S1_WPE = 1 << 2,
};

/**
 * struct hwpt_hwpt_vtd_s1 - a VT-d first-stage table owned by userspace
 * @flags: enum hwpt_hwpt_vtd_s1_flags
 * @pgtbl_addr: the table's root, an address in the parent's IOVA space
 * @addr_width: its input address width (48 or 57)
 * @__reserved: must be 0
 *
 * As iommufd's struct iommu_hwpt_vtd_s1; the VT-d driver checks it.
 */
struct hwpt_hwpt_vtd_s1 {
	__aligned_u64 flags;
	__aligned_u64 pgtbl_addr;
	__u32 addr_width;
	__u32 __reserved;
};

/**
 * struct hwpt_hwpt_alloc - ioctl(HWPT_HWPT_ALLOC)
 * @size: sizeof(struct hwpt_hwpt_alloc)
 * @flags: enum hwpt_hwpt_alloc_flags
 * @dev_id: device whose IOMMU the domain is allocated for
 * @pt_id: IOAS the HWPT maps, or the nest parent HWPT a nested HWPT
 *	nests in
 * @out_hwpt_id: ID of the new HWPT
 * @__reserved: must be 0
 * @data_type: enum hwpt_hwpt_data_type; not NONE for a nested HWPT
 * @data_len: bytes at @data_uptr, at most 4096; 0 with HWPT_HWPT_DATA_NONE
 * @data_uptr: the driver data of a nested HWPT
 * @fault_id: with HWPT_HWPT_FAULT_ID_VALID, the fault queue that receives
 *	the I/O page faults of devices attached to the HWPT; else it must be
 *	0 (EOPNOTSUPP)
 * @__reserved2: must be 0
 *
 * Allocates a paging domain and fills it with every mapping of the IOAS
 * before anyone can attach it. The domain does not remember @dev_id's
 * device: it lives on after that device is gone. As iommufd's struct
 * iommu_hwpt_alloc.
 *
 * A fault-capable HWPT can only be attached by a device whose page requests
 * can really reach the queue (HWPT_DEVICE_IOPF in struct hwpt_device_get),
 * or by any device while fault injection is on; EOPNOTSUPP otherwise, and
 * EINVAL for a PCI virtual function (PRI is shared with its PF, and one
 * wrong answer would stop it for all of them). The kernel log says which.
 *
 * Nesting: with @pt_id an HWPT allocated with HWPT_HWPT_ALLOC_NEST_PARENT
 * and @data_type not NONE, the new HWPT is nested: the IOMMU walks the
 * user's stage-1 table described by the data, then the parent's mappings.
 * It maps nothing of its own (IOAS_MAP changes its parent), holds its
 * parent until destroyed, and takes HWPT_HWPT_INVALIDATE after every change
 * to the user's table. Errors: EINVAL for @data_type NONE with a
 * @data_len or the reverse, @data_len over 4096, an HWPT @pt_id that is
 * not a nest parent or is of another IOMMU driver, or a @pt_id that is no
 * IOAS or HWPT; EOPNOTSUPP for flags other than FAULT_ID_VALID, or a
 * @data_type the device's IOMMU does not take; the driver's own errors
 * for bad data (VT-d: EINVAL, E2BIG for non-zero bytes past its struct).
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

/**
 * enum hwpt_hwpt_invalidate_data_type - entries of HWPT_HWPT_INVALIDATE
 * @HWPT_HWPT_INVALIDATE_DATA_VTD_S1: struct hwpt_hwpt_vtd_s1_invalidate
 *
 * iommufd's values (enum iommu_hwpt_invalidate_data_type).
 */
enum hwpt_hwpt_invalidate_data_type {
	HWPT_HWPT_INVALIDATE_DATA_VTD_S1 = 0,
};

/**
 * enum hwpt_hwpt_vtd_s1_invalidate_flags - flags of a VT-d invalidation
 * @HWPT_VTD_INV_FLAGS_LEAF: only leaf entries changed
 */
enum hwpt_hwpt_vtd_s1_invalidate_flags {
	HWPT_VTD_INV_FLAGS_LEAF = 1 << 0,
};

/**
 * struct hwpt_hwpt_vtd_s1_invalidate - one VT-d stage-1 invalidation
 * @addr: start, 4 KiB aligned; 0 with @npages U64_MAX (everything)
 * @npages: 4 KiB pages from @addr
 * @flags: enum hwpt_hwpt_vtd_s1_invalidate_flags
 * @__reserved: must be 0
 *
 * As iommufd's struct iommu_hwpt_vtd_s1_invalidate.
 */
struct hwpt_hwpt_vtd_s1_invalidate {
	__aligned_u64 addr;
	__aligned_u64 npages;
	__u32 flags;
	__u32 __reserved;
};

/* The most entries one HWPT_HWPT_INVALIDATE takes (as iommufd's). */
#define HWPT_HWPT_INVALIDATE_ENTRY_NUM_MAX (1U << 19)

/**
 * struct hwpt_hwpt_invalidate - ioctl(HWPT_HWPT_INVALIDATE)
 * @size: sizeof(struct hwpt_hwpt_invalidate)
 * @hwpt_id: a nested HWPT
 * @data_uptr: array of @entry_num entries of @entry_len bytes each
 * @data_type: enum hwpt_hwpt_invalidate_data_type of every entry
 * @entry_len: bytes per entry, at most 4096
 * @entry_num: in: entries; out: entries done, from the first (also on an
 *	error, which is the first entry not done's)
 * @__reserved: must be 0
 *
 * Flushes the IOTLB entries of a nested HWPT's user-owned stage-1 table.
 * @entry_num 0 only checks that @data_type is taken. EOPNOTSUPP for
 * @__reserved; EINVAL for @entry_num > HWPT_HWPT_INVALIDATE_ENTRY_NUM_MAX,
 * or, with entries, a NULL @data_uptr or @entry_len 0 or over 4096;
 * ENOENT for an @hwpt_id that is no HWPT, EINVAL for one that is not
 * nested; then the driver's errors per entry (VT-d: EINVAL for a
 * @data_type it does not take or an unaligned @addr, EOPNOTSUPP for
 * unknown flags). As iommufd's struct iommu_hwpt_invalidate.
 */
struct hwpt_hwpt_invalidate {
	__u32 size;
	__u32 hwpt_id;
	__aligned_u64 data_uptr;
	__u32 data_type;
	__u32 entry_len;
	__u32 entry_num;
	__u32 __reserved;
};

#define HWPT_HWPT_INVALIDATE _IO(HWPT_TYPE, HWPT_CMD_HWPT_INVALIDATE)

/**
 * enum hwpt_set_dirty_tracking_flags - flags of HWPT_HWPT_SET_DIRTY_TRACKING
 * @HWPT_HWPT_DIRTY_TRACKING_ENABLE: start tracking (else stop)
 */
enum hwpt_set_dirty_tracking_flags {
	HWPT_HWPT_DIRTY_TRACKING_ENABLE = 1 << 0,
};

/**
 * struct hwpt_hwpt_set_dirty_tracking - ioctl(HWPT_HWPT_SET_DIRTY_TRACKING)
 * @size: sizeof(struct hwpt_hwpt_set_dirty_tracking)
 * @flags: enum hwpt_set_dirty_tracking_flags
 * @hwpt_id: an HWPT allocated with HWPT_HWPT_ALLOC_DIRTY_TRACKING
 * @__reserved: must be 0
 *
 * As iommufd's struct iommu_hwpt_set_dirty_tracking. Without
 * HWPT_CAP_DIRTY_RECORDING no HWPT tracks dirty pages: after the argument
 * checks, EOPNOTSUPP.
 */
struct hwpt_hwpt_set_dirty_tracking {
	__u32 size;
	__u32 flags;
	__u32 hwpt_id;
	__u32 __reserved;
};

#define HWPT_HWPT_SET_DIRTY_TRACKING \
	_IO(HWPT_TYPE, HWPT_CMD_HWPT_SET_DIRTY_TRACKING)

/**
 * enum hwpt_get_dirty_bitmap_flags - flags of HWPT_HWPT_GET_DIRTY_BITMAP
 * @HWPT_HWPT_GET_DIRTY_BITMAP_NO_CLEAR: read without clearing
 */
enum hwpt_get_dirty_bitmap_flags {
	HWPT_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1 << 0,
};

/**
 * struct hwpt_hwpt_get_dirty_bitmap - ioctl(HWPT_HWPT_GET_DIRTY_BITMAP)
 * @size: sizeof(struct hwpt_hwpt_get_dirty_bitmap)
 * @hwpt_id: an HWPT tracking dirty pages
 * @flags: enum hwpt_get_dirty_bitmap_flags
 * @__reserved: must be 0
 * @iova: start of the range, aligned to @page_size
 * @length: bytes, a non-zero multiple of @page_size
 * @page_size: what one bit stands for: a power of two, 4 KiB or more
 * @data: the bitmap, one bit per @page_size, in __u64 words
 *
 * Reads (and unless NO_CLEAR, clears) the dirty bits of [@iova, @iova +
 * @length). EINVAL for a bad range or page size or a NULL @data,
 * EOVERFLOW when the range wraps, then, without HWPT_CAP_DIRTY_RECORDING,
 * EOPNOTSUPP: hwpt never lets a driver clear bits it cannot record. As
 * iommufd's struct iommu_hwpt_get_dirty_bitmap.
 */
struct hwpt_hwpt_get_dirty_bitmap {
	__u32 size;
	__u32 hwpt_id;
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 data;
};

#define HWPT_HWPT_GET_DIRTY_BITMAP \
	_IO(HWPT_TYPE, HWPT_CMD_HWPT_GET_DIRTY_BITMAP)

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
 * file owns the group; EINVAL if it is not a PCI endpoint (a bridge) or
 * its IOMMU cannot keep DMA coherent with the CPU caches
 * (IOMMU_CAP_CACHE_COHERENCY: every mapping is cache coherent, as
 * iommufd's); EPERM if the platform cannot isolate its MSIs (no interrupt
 * remapping) and the module parameter allow_unsafe_interrupts is off, as
 * iommufd and VFIO refuse. The device starts detached, with DMA blocked.
 * Destroying the device object, hot-unplug or a sysfs unbind first stops
 * the device (bus mastering off, then a function reset where it has one)
 * and only then detaches it and gives its DMA back to the kernel.
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

/**
 * struct hwpt_pasid - ioctl(HWPT_PASID_ATTACH, _REPLACE, _DETACH)
 * @size: sizeof(struct hwpt_pasid)
 * @flags: must be 0
 * @dev_id: a live device
 * @pasid: the PASID, 1 to below the device's width
 *	(struct hwpt_hw_info's out_max_pasid_log2)
 * @pt_id: ATTACH and REPLACE: an HWPT (not an IOAS, not fault-capable);
 *	DETACH: must be 0
 *
 * Attaches, replaces or detaches the HWPT one PASID of a device uses. PASIDs
 * are per device: a device whose IOMMU group has another device
 * is refused (EINVAL, and the kernel log says why), as the PCI core and
 * the IOMMU core refuse PASID to devices that can alias. EOPNOTSUPP where
 * the kernel has no PASID attach (HWPT_CAP_PASID; for REPLACE,
 * HWPT_CAP_PASID_REPLACE) or the device no PASID capability; EBUSY to
 * ATTACH an attached PASID, EINVAL to REPLACE or DETACH one that is not.
 * A device's PASIDs are detached when it is destroyed or unplugged.
 */
struct hwpt_pasid {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pasid;
	__u32 pt_id;
	__u32 __reserved;
};

#define HWPT_PASID_ATTACH _IO(HWPT_TYPE, HWPT_CMD_PASID_ATTACH)
#define HWPT_PASID_REPLACE _IO(HWPT_TYPE, HWPT_CMD_PASID_REPLACE)
#define HWPT_PASID_DETACH _IO(HWPT_TYPE, HWPT_CMD_PASID_DETACH)

/**
 * enum hwpt_device_state - state bits of struct hwpt_device_get
 * @HWPT_DEVICE_DEAD: hot-unplugged or unbound: only DESTROY works
 * @HWPT_DEVICE_IOPF: the device's page requests can reach a fault queue on
 *	this kernel and IOMMU (without it only injected faults can)
 * @HWPT_DEVICE_VF: a PCI virtual function: never fault-capable
 * @HWPT_DEVICE_COHERENT: its IOMMU can enforce cache coherency (block
 *	no-snoop) for it; known only with HWPT_CAP_COHERENCY_QUERY, and
 *	without it left to the IOMMU driver to refuse at attach
 */
enum hwpt_device_state {
	HWPT_DEVICE_DEAD = 1 << 0,
	HWPT_DEVICE_IOPF = 1 << 1,
	HWPT_DEVICE_VF = 1 << 2,
	HWPT_DEVICE_COHERENT = 1 << 3,
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
 * @out_faults: fault groups the device reported, real or injected
 * @out_faults_pending: of those, waiting in a queue or read and not answered
 * @out_resp_success: answered SUCCESS by userspace
 * @out_resp_invalid: answered INVALID by userspace
 * @out_resp_auto: answered INVALID by hwpt itself, because the device left
 *	the fault-capable HWPT (detach, replace, unplug, close), the queue was
 *	closed, or the queue was full
 *
 * Works on a dead device too (with HWPT_DEVICE_DEAD set). Every fault
 * group is answered exactly once, so @out_faults is always the sum of the
 * other four fault counts. The counts were added in HWPT_UAPI_VERSION 2:
 * an older, shorter structure still works and gets none of them.
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
	__u32 out_faults;
	__u32 out_faults_pending;
	__u32 out_resp_success;
	__u32 out_resp_invalid;
	__u32 out_resp_auto;
	__u32 __reserved2;
};

#define HWPT_DEVICE_GET _IO(HWPT_TYPE, HWPT_CMD_DEVICE_GET)

/**
 * struct hwpt_fault_alloc - ioctl(HWPT_FAULT_QUEUE_ALLOC)
 * @size: sizeof(struct hwpt_fault_alloc)
 * @flags: must be 0
 * @out_fault_id: ID of the new fault queue, for HWPT_HWPT_ALLOC's fault_id
 * @out_fault_fd: a new file descriptor (close-on-exec) to read faults from
 *	and write responses to
 *
 * Faults of every fault-capable HWPT that names the queue arrive on the fd:
 *
 * - read() returns whole fault groups, one struct hwpt_pgfault per page;
 *   the last record of a group has HWPT_PGFAULT_FLAGS_LAST_PAGE and every
 *   record of it carries the group's cookie. The size must be a multiple
 *   of the record (EINVAL) and hold at least the first waiting group
 *   (EINVAL). With nothing waiting, read() blocks, or fails with EAGAIN on
 *   a non-blocking fd. poll() reports EPOLLIN while groups wait.
 * - write() takes struct hwpt_page_response records, one per group, with
 *   code HWPT_PAGE_RESP_SUCCESS or HWPT_PAGE_RESP_INVALID. A size that is
 *   not a multiple of the record, an unknown or repeated cookie, or another
 *   code fail the whole write with EINVAL and answer nothing.
 * - Groups not yet answered are answered INVALID by hwpt when their device
 *   leaves the HWPT (detach, replace, unplug), when the fd is closed, and
 *   when the queue or the /dev/hwpt file is destroyed. A queue holds at
 *   most HWPT_FAULT_QUEUE_DEPTH unanswered groups; more are answered
 *   INVALID at once.
 *
 * Destroying the queue object (EBUSY while an HWPT uses it) leaves the fd
 * open but dead: read() and write() fail with ENODEV. EOPNOTSUPP when the
 * kernel cannot deliver page faults (no HWPT_CAP_IOPF) and fault injection
 * is off. As iommufd's struct iommu_fault_alloc.
 */
struct hwpt_fault_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_fault_id;
	__u32 out_fault_fd;
};

#define HWPT_FAULT_QUEUE_ALLOC _IO(HWPT_TYPE, HWPT_CMD_FAULT_QUEUE_ALLOC)

/* Unanswered fault groups one queue holds. */
#define HWPT_FAULT_QUEUE_DEPTH 1024

/**
 * enum hwpt_pgfault_flags - flags of struct hwpt_pgfault
 * @HWPT_PGFAULT_FLAGS_PASID_VALID: @pasid is valid
 * @HWPT_PGFAULT_FLAGS_LAST_PAGE: the last record of its group
 */
enum hwpt_pgfault_flags {
	HWPT_PGFAULT_FLAGS_PASID_VALID = 1 << 0,
	HWPT_PGFAULT_FLAGS_LAST_PAGE = 1 << 1,
};

/**
 * enum hwpt_pgfault_perm - access a page request asks for
 * @HWPT_PGFAULT_PERM_READ: read
 * @HWPT_PGFAULT_PERM_WRITE: write
 * @HWPT_PGFAULT_PERM_EXEC: execute (PASID prefix Execute Requested)
 * @HWPT_PGFAULT_PERM_PRIV: privileged (PASID prefix Privileged Mode)
 */
enum hwpt_pgfault_perm {
	HWPT_PGFAULT_PERM_READ = 1 << 0,
	HWPT_PGFAULT_PERM_WRITE = 1 << 1,
	HWPT_PGFAULT_PERM_EXEC = 1 << 2,
	HWPT_PGFAULT_PERM_PRIV = 1 << 3,
};

/**
 * struct hwpt_pgfault - one page of a fault group, as read()
 * @flags: enum hwpt_pgfault_flags
 * @dev_id: the device that faulted
 * @pasid: its PASID, with HWPT_PGFAULT_FLAGS_PASID_VALID
 * @grpid: the page request group index
 * @perm: enum hwpt_pgfault_perm
 * @__reserved: 0
 * @addr: the faulting IOVA
 * @length: 0 (no hint)
 * @cookie: the group's cookie, to echo in the response
 *
 * Layout of iommufd's struct iommu_hwpt_pgfault.
 */
struct hwpt_pgfault {
	__u32 flags;
	__u32 dev_id;
	__u32 pasid;
	__u32 grpid;
	__u32 perm;
	__u32 __reserved;
	__aligned_u64 addr;
	__u32 length;
	__u32 cookie;
};

/**
 * enum hwpt_page_response_code - answer to a fault group
 * @HWPT_PAGE_RESP_SUCCESS: handled, the device retries the access
 * @HWPT_PAGE_RESP_INVALID: not handled, the access fails
 *
 * PCI's third answer, Response Failure, is not accepted: it disables page
 * requests for the function, and for a PF for all of its VFs.
 */
enum hwpt_page_response_code {
	HWPT_PAGE_RESP_SUCCESS = 0,
	HWPT_PAGE_RESP_INVALID = 1,
};

/**
 * struct hwpt_page_response - one answer, as write()
 * @cookie: the cookie of the group answered
 * @code: enum hwpt_page_response_code
 *
 * Layout of iommufd's struct iommu_hwpt_page_response.
 */
struct hwpt_page_response {
	__u32 cookie;
	__u32 code;
};

/* Pages one injected fault group may span. */
#define HWPT_FAULT_INJECT_MAX_PAGES 16

/**
 * struct hwpt_fault_inject - ioctl(HWPT_FAULT_INJECT)
 * @size: sizeof(struct hwpt_fault_inject)
 * @flags: HWPT_PGFAULT_FLAGS_PASID_VALID or 0
 * @dev_id: a device attached to a fault-capable HWPT
 * @pasid: PASID (below 2^20) with HWPT_PGFAULT_FLAGS_PASID_VALID, else 0
 * @grpid: page request group index (below 512)
 * @perm: enum hwpt_pgfault_perm bits, at least one
 * @nr_pages: pages in the group, 1 to HWPT_FAULT_INJECT_MAX_PAGES
 * @__reserved: must be 0
 * @addr: page-aligned IOVA of the first page; the others follow it
 *
 * Feeds a synthetic fault group into the path real page requests take, as
 * if the device had sent it: it is queued, read and answered the same way
 * and auto-answered on the same events. Its answer ends in hwpt (counted
 * in struct hwpt_device_get) and never reaches the hardware. EPERM unless
 * the module was loaded with debug_inject=1 and the caller has
 * CAP_SYS_ADMIN; EINVAL for bad fields or a device not attached to a
 * fault-capable HWPT; ENODEV for a dead device. hwpt only: for tests, and
 * for labs rehearsing fault handling before hardware exists.
 */
struct hwpt_fault_inject {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pasid;
	__u32 grpid;
	__u32 perm;
	__u32 nr_pages;
	__u32 __reserved;
	__aligned_u64 addr;
};

#define HWPT_FAULT_INJECT _IO(HWPT_TYPE, HWPT_CMD_FAULT_INJECT)

/**
 * enum hwpt_hw_info_type - layout of struct hwpt_hw_info's data
 * @HWPT_HW_INFO_TYPE_NONE: no registers (an IOMMU without a vendor shim)
 * @HWPT_HW_INFO_TYPE_INTEL_VTD: struct hwpt_hw_info_vtd
 * @HWPT_HW_INFO_TYPE_ARM_SMMUV3: struct hwpt_hw_info_arm_smmuv3
 * @HWPT_HW_INFO_TYPE_AMD: struct hwpt_hw_info_amd
 *
 * iommufd's values (enum iommu_hw_info_type).
 */
enum hwpt_hw_info_type {
	HWPT_HW_INFO_TYPE_NONE = 0,
	HWPT_HW_INFO_TYPE_INTEL_VTD = 1,
	HWPT_HW_INFO_TYPE_ARM_SMMUV3 = 2,
	HWPT_HW_INFO_TYPE_AMD = 4,
};

/**
 * struct hwpt_hw_info_vtd - Intel VT-d registers
 * @flags: 0
 * @__reserved: 0
 * @cap_reg: the Capability Register
 * @ecap_reg: the Extended Capability Register
 *
 * As iommufd's struct iommu_hw_info_vtd (without its errata flag, which
 * the kernel does not expose to modules).
 */
struct hwpt_hw_info_vtd {
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 cap_reg;
	__aligned_u64 ecap_reg;
};

/**
 * struct hwpt_hw_info_arm_smmuv3 - ARM SMMUv3 registers
 * @flags: 0
 * @__reserved: 0
 * @idr: IDR0-5
 * @iidr: IIDR
 * @aidr: AIDR
 *
 * iommufd's layout. Debian's kernels do not expose these registers to a
 * module (no sysfs attributes; the driver's hw_info needs IOMMUFD): an
 * SMMUv3 reports its type with no data.
 */
struct hwpt_hw_info_arm_smmuv3 {
	__u32 flags;
	__u32 __reserved;
	__u32 idr[6];
	__u32 iidr;
	__u32 aidr;
};

/**
 * struct hwpt_hw_info_amd - AMD-Vi registers
 * @efr: the Extended Feature Register
 * @efr2: the Extended Feature 2 Register (0 where the kernel does not show
 *	it)
 *
 * iommufd's layout.
 */
struct hwpt_hw_info_amd {
	__aligned_u64 efr;
	__aligned_u64 efr2;
};

/**
 * enum hwpt_hw_capabilities - struct hwpt_hw_info's out_capabilities
 * @HWPT_HW_CAP_DIRTY_TRACKING: never set: no Debian kernel can record
 *	dirty bits for a module (see HWPT_HWPT_GET_DIRTY_BITMAP)
 * @HWPT_HW_CAP_PCI_PASID_EXEC: the device's PASID capability has Execute
 * @HWPT_HW_CAP_PCI_PASID_PRIV: ... and Privileged Mode
 * @HWPT_HW_CAP_PCI_ATS_NOT_SUPPORTED: the device has no ATS
 *
 * iommufd's values.
 */
enum hwpt_hw_capabilities {
	HWPT_HW_CAP_DIRTY_TRACKING = 1 << 0,
	HWPT_HW_CAP_PCI_PASID_EXEC = 1 << 1,
	HWPT_HW_CAP_PCI_PASID_PRIV = 1 << 2,
	HWPT_HW_CAP_PCI_ATS_NOT_SUPPORTED = 1 << 3,
};

/**
 * struct hwpt_hw_info - ioctl(HWPT_GET_HW_INFO)
 * @size: sizeof(struct hwpt_hw_info)
 * @flags: must be 0
 * @dev_id: a live device
 * @data_len: in: room at @data_uptr; out: the length of the data
 * @data_uptr: where the registers go, in the layout of @out_data_type
 * @out_data_type: enum hwpt_hw_info_type, from the IOMMU serving the device
 * @out_max_pasid_log2: PASID width of device and IOMMU; 0 without PASID
 * @__reserved: must be 0
 * @out_capabilities: enum hwpt_hw_capabilities
 *
 * The registers the kernel exposes of the IOMMU that serves the device, in
 * iommufd's per-vendor layouts. A larger buffer is zero-filled past the
 * data, a smaller one filled as far as it goes. ENODEV for a dead device.
 * As iommufd's struct iommu_hw_info.
 */
struct hwpt_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 out_data_type;
	__u8 out_max_pasid_log2;
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};

#define HWPT_GET_HW_INFO _IO(HWPT_TYPE, HWPT_CMD_GET_HW_INFO)

/**
 * enum hwpt_caps - what this module, built for the running kernel, can do
 * @HWPT_CAP_REPLACE_ATOMIC: the IOMMU core exports a transactional replace:
 *	one call moves a group from one domain to another without the core
 *	passing through a blocking domain, or, failing, leaves it where it
 *	was. Without it a replace is emulated by detach and attach, DMA is
 *	blocked in between, and a failure can leave the group blocked.
 *	The device's own DMA may still fault for a moment during the switch:
 *	every IOMMU driver of the supported kernels blocks translation while
 *	it rewrites the device's entry (README, "Replace and DMA").
 * @HWPT_CAP_ATTACH_HANDLE: the core's attach-handle API is exported; it is
 *	what routes I/O page faults to a domain's owner.
 * @HWPT_CAP_DEVICE_DMA_OWNER: DMA ownership is claimed per device (without
 *	it, per group, with the module keeping the per-device count).
 * @HWPT_CAP_PASID: PASID attach and detach are exported.
 * @HWPT_CAP_PASID_REPLACE: a PASID can be replaced atomically.
 * @HWPT_CAP_IOPF: real I/O page faults can be delivered to userspace (the
 *	core has the iopf_group response API and the kernel is built with
 *	it); whether a given device's can is HWPT_DEVICE_IOPF. Fault queues
 *	exist where this or HWPT_CAP_FAULT_INJECT is set.
 * @HWPT_CAP_IOPF_DRIVER_ENABLE: IOMMU drivers enable IOPF themselves on a
 *	fault-capable attach (otherwise the caller enables it per device).
 * @HWPT_CAP_FAULT_INJECT: the module was loaded with its fault injection
 *	switched on (debug_inject=1): test and lab use only.
 * @HWPT_CAP_COHERENCY_QUERY: the core reports per device whether cache
 *	coherency (no-snoop blocking) can be enforced.
 * @HWPT_CAP_DIRTY_RECORDING: the kernel can record IOMMU dirty bits for a
 *	module (CONFIG_IOMMUFD_DRIVER). Absent on every Debian kernel: their
 *	drivers would clear the hardware's dirty bits into an empty stub, so
 *	hwpt refuses dirty tracking with EOPNOTSUPP (and, for now, also on a
 *	kernel that has it: hwpt has no tracking of its own yet).
 * @HWPT_CAP_NESTING: IOMMU drivers can allocate nest parent and nested
 *	domains for a module (6.12 and later). Of the vendors only Intel VT-d
 *	does so without iommufd; whether a device's IOMMU can nest, its
 *	HWPT_HWPT_ALLOC_NEST_PARENT answers.
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
	HWPT_CAP_DIRTY_RECORDING = 1 << 9,
	HWPT_CAP_NESTING = 1 << 10,
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
 * @out_faults: fault groups reported by all devices since the module was
 *	loaded, in every file
 * @out_resp_success: of those, answered SUCCESS by userspace
 * @out_resp_invalid: answered INVALID by userspace
 * @out_resp_auto: answered INVALID by hwpt (see struct hwpt_device_get)
 * @out_retired: attachments of fault-capable HWPTs that hwpt keeps, with
 *	their fault queue and domain, because the IOMMU driver might still
 *	report a page request through them; each is freed when the last
 *	device of its group leaves hwpt (HWPT_UAPI_VERSION 3)
 * @__reserved2: must be 0
 *
 * Says what this build of the module on this kernel can do, so that a
 * missing feature can be told apart from a bug. The module-wide fault
 * counts (HWPT_UAPI_VERSION 2) account for groups whose device and file are
 * gone. hwpt only.
 */
struct hwpt_get_info {
	__u32 size;
	__u32 flags;
	__u32 uapi_version;
	__u32 module_version;
	__aligned_u64 caps;
	__u32 iopf_api;
	__u32 __reserved;
	__aligned_u64 out_faults;
	__aligned_u64 out_resp_success;
	__aligned_u64 out_resp_invalid;
	__aligned_u64 out_resp_auto;
	__u32 out_retired;
	__u32 __reserved2;
};

#define HWPT_GET_INFO _IO(HWPT_TYPE, HWPT_CMD_GET_INFO)

#endif /* _UAPI_LINUX_HWPT_H */
