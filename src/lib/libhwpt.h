/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libhwpt: the /dev/hwpt uAPI (<linux/hwpt.h>) as C calls.
 *
 * Every call returns 0 (or a count) on success and a negative errno on
 * failure, and on failure records a message for people: what failed, why
 * and what to do about it, e.g.
 *
 *	EBUSY binding 0000:01:00.0: the device has a driver (e1000e); unbind
 *	it first (echo 0000:01:00.0 > /sys/bus/pci/devices/0000:01:00.0/driver/unbind)
 *
 * hwpt_strerror() returns it. Like errno it is per thread: a context may
 * be used from several threads at once, and each sees its own messages.
 *
 * A context is one open /dev/hwpt file: closing it releases every object
 * made through it (devices go back to the kernel, mappings are unpinned).
 * IDs are the uAPI's object IDs.
 *
 * ABI (libhwpt.so.1, symbols at version LIBHWPT_1): a structure that the
 * caller allocates and a call fills begins with its size, which the caller
 * sets to sizeof first, as for the uAPI's own structures; the library then
 * writes no further than that, so that a program built against this header
 * keeps working with a later libhwpt whose structures grew at their end.
 * Structures the library hands out (struct hwpt_cap_desc) are reached only
 * through the pointers it returns, and may grow at their end too. Arrays
 * of records (struct hwpt_pgfault, hwpt_page_response, hwpt_iova_range,
 * hwpt_pci_peer) have a fixed layout.
 */
#ifndef LIBHWPT_H
#define LIBHWPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/hwpt.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBHWPT_DEV_PATH	"/dev/hwpt"

struct hwpt_ctx;

/* ---- Context and errors ---- */

/*
 * Open @path (NULL: /dev/hwpt) as a new context in *@ctxp. On failure
 * *@ctxp is NULL and hwpt_strerror(NULL) says why.
 */
int hwpt_ctx_open(struct hwpt_ctx **ctxp, const char *path);
/* Close the file (releasing everything it holds) and free @ctx. */
void hwpt_ctx_close(struct hwpt_ctx *ctx);
/* The /dev/hwpt file descriptor of @ctx, for raw ioctls. */
int hwpt_ctx_fd(const struct hwpt_ctx *ctx);

/*
 * The message of the calling thread's last failed call on @ctx ("" if
 * none); with NULL, of its last failed call on any context.
 */
const char *hwpt_strerror(const struct hwpt_ctx *ctx);

/* ---- Module ---- */

/* HWPT_GET_INFO into *@info, whose size the caller set (sizeof(*info)). */
int hwpt_get_info(struct hwpt_ctx *ctx, struct hwpt_get_info *info);

/* One HWPT_CAP_* bit: its short name and what it means. May grow. */
struct hwpt_cap_desc {
	uint64_t bit;
	const char *name;
	const char *what;
};

/* The @i-th capability bit this library knows, in bit order; NULL after. */
const struct hwpt_cap_desc *hwpt_cap_desc(size_t i);
/* enum hwpt_iopf_api as a phrase ("unknown" for others). */
const char *hwpt_iopf_api_name(uint32_t api);
/* The module version of GET_INFO as "major.minor.patch" in @buf. */
const char *hwpt_version_str(uint32_t module_version, char *buf, size_t len);

/* ---- Devices ---- */

/*
 * HWPT_GET_HW_INFO: what the IOMMU serving @dev_id exposes. Its registers
 * go to @data (room for @len bytes) in the layout out->out_data_type names,
 * out->data_len says how many bytes there are; the rest is in *@out, whose
 * size the caller set.
 */
int hwpt_get_hw_info(struct hwpt_ctx *ctx, uint32_t dev_id, void *data,
		     uint32_t len, struct hwpt_hw_info *out);
/* enum hwpt_hw_info_type as a name: "intel-vtd", "amd-vi", ... */
const char *hwpt_hw_info_type_name(uint32_t type);
/* The @i-th HWPT_HW_CAP_* bit this library knows; NULL after the last. */
const struct hwpt_cap_desc *hwpt_hw_cap_desc(size_t i);

/* Bind PCI device @name ("0000:01:00.0"); its ID in *@dev_id. */
int hwpt_device_bind(struct hwpt_ctx *ctx, const char *name,
		     uint32_t *dev_id);
/* HWPT_DEVICE_GET of @dev_id into *@out, whose size the caller set. */
int hwpt_device_get(struct hwpt_ctx *ctx, uint32_t dev_id,
		    struct hwpt_device_get *out);
/*
 * Attach @dev_id (and, if first, its IOMMU group) to @pt_id, an HWPT or an
 * IOAS (then an automatic HWPT is used). The HWPT in *@hwpt_id and the
 * devices moved in *@moved, each if not NULL.
 */
int hwpt_device_attach(struct hwpt_ctx *ctx, uint32_t dev_id, uint32_t pt_id,
		       uint32_t *hwpt_id, uint32_t *moved);
/* Move @dev_id's whole group to @pt_id; outputs as hwpt_device_attach(). */
int hwpt_device_replace(struct hwpt_ctx *ctx, uint32_t dev_id, uint32_t pt_id,
			uint32_t *hwpt_id, uint32_t *moved);
int hwpt_device_detach(struct hwpt_ctx *ctx, uint32_t dev_id);

/* ---- IO address spaces and HWPTs ---- */

int hwpt_ioas_alloc(struct hwpt_ctx *ctx, uint32_t *ioas_id);
/*
 * Map @length bytes at @va with @flags (HWPT_IOAS_MAP_*). With
 * HWPT_IOAS_MAP_FIXED_IOVA at *@iova, else where the kernel picks, which
 * is returned in *@iova. The pages are pinned as they are now: write
 * anonymous memory before mapping it read-only, or older kernels (6.1)
 * pin the shared zero page, and the device never sees later writes.
 */
int hwpt_ioas_map(struct hwpt_ctx *ctx, uint32_t ioas_id, uint32_t flags,
		  void *va, uint64_t length, uint64_t *iova);
/* Unmap [@iova, @iova + @length); bytes unmapped in *@unmapped if set. */
int hwpt_ioas_unmap(struct hwpt_ctx *ctx, uint32_t ioas_id, uint64_t iova,
		    uint64_t length, uint64_t *unmapped);
/*
 * The IOVA ranges of @ioas_id: *@num is the room in @ranges on entry and
 * the number of ranges on return (also with -EMSGSIZE, when they did not
 * fit); the alignment in *@alignment if set.
 */
int hwpt_ioas_iova_ranges(struct hwpt_ctx *ctx, uint32_t ioas_id,
			  struct hwpt_iova_range *ranges, uint32_t *num,
			  uint64_t *alignment);
/*
 * An HWPT over @ioas_id for @dev_id's IOMMU, with @flags (enum
 * hwpt_hwpt_alloc_flags: HWPT_HWPT_ALLOC_ENFORCE_COHERENCY, ...); it is
 * fault-capable with the fault queue @fault_id (HWPT_HWPT_FAULT_ID_VALID
 * is then set for the caller), plain if @fault_id is 0.
 */
int hwpt_hwpt_alloc(struct hwpt_ctx *ctx, uint32_t dev_id, uint32_t ioas_id,
		    uint32_t flags, uint32_t fault_id, uint32_t *hwpt_id);
/* Destroy any object. */
int hwpt_destroy(struct hwpt_ctx *ctx, uint32_t id);

/* ---- Fault queues ---- */

/*
 * A fault queue: its ID (for hwpt_hwpt_alloc()) in *@fault_id and its file
 * descriptor, to poll, read and answer, in *@fault_fd (the caller closes
 * it).
 */
int hwpt_fault_queue_alloc(struct hwpt_ctx *ctx, uint32_t *fault_id,
			   int *fault_fd);
/*
 * Wait up to @timeout_ms (-1: forever) for faults: 1 if some wait, 0 if
 * not, -ENODEV once the queue is gone.
 */
int hwpt_fault_wait(struct hwpt_ctx *ctx, int fault_fd, int timeout_ms);
/*
 * Read whole fault groups into @recs (room for @max records: at least
 * HWPT_FAULT_INJECT_MAX_PAGES for injected faults); the records read in
 * *@nrecs. Blocks unless @fault_fd is non-blocking (then -EAGAIN).
 */
int hwpt_fault_read(struct hwpt_ctx *ctx, int fault_fd,
		    struct hwpt_pgfault *recs, size_t max, size_t *nrecs);
/* Records of the group starting at @recs (up to its LAST_PAGE record). */
size_t hwpt_fault_group_len(const struct hwpt_pgfault *recs, size_t nrecs);
/* Answer @n groups at once; all or none are taken. */
int hwpt_fault_respond(struct hwpt_ctx *ctx, int fault_fd,
		       const struct hwpt_page_response *resp, size_t n);
/*
 * HWPT_FAULT_INJECT of *@req, whose size the caller set: needs the module
 * loaded with debug_inject=1.
 */
int hwpt_fault_inject(struct hwpt_ctx *ctx, struct hwpt_fault_inject *req);

/* ---- PCI devices, as sysfs shows them ---- */

/* What binding a device would meet. */
enum hwpt_pci_state {
	LIBHWPT_PCI_FREE,	/* hwpt can take it */
	LIBHWPT_PCI_HWPT,	/* bound to hwpt: some /dev/hwpt file has it */
	LIBHWPT_PCI_DRIVER,	/* another driver has it: unbind it first */
	LIBHWPT_PCI_GROUP_BUSY,	/* a device of its group has a DMA driver */
	LIBHWPT_PCI_GROUP_HWPT,	/* its group is held by a /dev/hwpt file */
	LIBHWPT_PCI_NO_GROUP,	/* no IOMMU group: no IOMMU translates it */
};

/* Fixed in LIBHWPT_1: the peers are an array inside struct hwpt_pci_info. */
#define LIBHWPT_PCI_MAX_PEERS	16

/*
 * Another device of the same IOMMU group: what makes it block a bind.
 * Fixed in LIBHWPT_1 (an array element); hwpt_pci_inspect() it for more.
 */
struct hwpt_pci_peer {
	char name[32];
	char driver[64];	/* "" if none */
	bool blocks;		/* its driver does DMA: unbind it first */
};

struct hwpt_pci_info {
	uint32_t size;		/* sizeof(struct hwpt_pci_info), set by the caller */
	char name[32];
	uint16_t vendor;
	uint16_t device;
	uint32_t pci_class;	/* class code: base, sub-class, prog-if */
	char driver[64];	/* "" if none */
	int group;		/* IOMMU group number, -1 if none */
	char iommu[64];		/* serving IOMMU in /sys/class/iommu, or "" */
	char iommu_vendor[64];	/* "Intel VT-d", "AMD-Vi", ... or "" */
	unsigned int nr_peers;	/* other devices of the group (all counted) */
	struct hwpt_pci_peer peers[LIBHWPT_PCI_MAX_PEERS];
	enum hwpt_pci_state state;
};

/*
 * Inspect PCI device @name in sysfs into *@info, whose size the caller set;
 * -ENODEV if there is no such device.
 */
int hwpt_pci_inspect(const char *name, struct hwpt_pci_info *info);
/* A short name of @state: "free", "bound-to-hwpt", "has-driver", ... */
const char *hwpt_pci_state_name(enum hwpt_pci_state state);
/* What to do before hwpt can take the device (or why it can), in @buf. */
const char *hwpt_pci_advice(const struct hwpt_pci_info *info, char *buf,
			    size_t len);
/*
 * The vendor of IOMMU unit @name of /sys/class/iommu: "Intel VT-d" for
 * dmar*, "AMD-Vi" for ivhd*, "ARM SMMUv3" for smmu3.*, else @name.
 */
const char *hwpt_iommu_vendor(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* LIBHWPT_H */
