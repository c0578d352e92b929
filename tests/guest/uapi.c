// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of the uAPI rules of include/uapi/linux/hwpt.h, for every
 * ioctl. Runs as root in the test VM with hwpt.ko loaded.
 *
 * The rules common to all commands (size, trailing bytes, flags, reserved
 * fields, bad pointers, unknown numbers) are checked against one table,
 * cmds[] below: a new ioctl gets its row there (its structure, last
 * mandatory field, flags, reserved fields, outputs, and a prepare() that
 * builds an argument that succeeds) and every rule applies to it. Until it
 * has one, unknown_nr_enotty fails and says so. Each rule is one case that
 * walks the whole table; a failure names the row.
 *
 * Every failing call is also checked to have changed nothing: the same
 * setup is done in two fresh files, one of them gets the failing call, and
 * both must then agree on the next IOAS ID, the bytes mapped in the row's
 * IOAS and what the row's device is attached to (file_state()).
 *
 * The device commands bind a real PCI device: $HWPT_TEST_PCI_DEV, else the
 * first one with no driver, not a bridge, alone in its IOMMU group (an edu
 * device in the test VM). Without one their rows only get the rules that do
 * not need a successful call.
 *
 * Access mode of the open: the module checks CAP_SYS_RAWIO at open and
 * nothing at ioctl time, and ignores the open mode, as iommufd does: an
 * O_RDONLY or O_WRONLY file has the same full control as an O_RDWR one.
 * The node is 0600 root, so who may open is decided by DAC (EACCES for
 * other users) and then by CAP_SYS_RAWIO (EPERM without it). An open file
 * keeps working when its holder drops privileges.
 *
 * Nothing here depends on the kernel: the capabilities are only checked
 * for consistency and printed, so the VM log shows what each kernel has.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <linux/capability.h>
#include <linux/hwpt.h>

#include "util.h"

#define NOBODY		65534

#ifndef offsetofend
#define offsetofend(T, m)	(offsetof(T, m) + sizeof(((T *)0)->m))
#endif

static const uint64_t known_caps =
	HWPT_CAP_REPLACE_ATOMIC | HWPT_CAP_ATTACH_HANDLE |
	HWPT_CAP_DEVICE_DMA_OWNER | HWPT_CAP_PASID | HWPT_CAP_PASID_REPLACE |
	HWPT_CAP_IOPF | HWPT_CAP_IOPF_DRIVER_ENABLE | HWPT_CAP_FAULT_INJECT |
	HWPT_CAP_COHERENCY_QUERY | HWPT_CAP_DIRTY_RECORDING |
	HWPT_CAP_NESTING;

/* ---- Small helpers ---- */

static long page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

static const char *err_name(int rc)
{
	return rc ? strerror(-rc) : "success";
}

/*
 * Three pages: two read-write, then one PROT_NONE guard page, so that an
 * argument can be put right against unmapped memory.
 */
struct arena {
	uint8_t *base;
	size_t rw;		/* bytes of read-write memory */
};

static int arena_map(struct arena *a)
{
	long ps = page_size();

	a->base = mmap(NULL, 3 * ps, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a->base == MAP_FAILED)
		return -errno;
	a->rw = 2 * ps;
	if (mprotect(a->base + a->rw, ps, PROT_NONE))
		return -errno;
	return 0;
}

static void arena_unmap(struct arena *a)
{
	munmap(a->base, a->rw + page_size());
}

/* Compare two ioctl results; on a mismatch name the row and the step. */
#define ROW_EXPECT_RC(row, step, want, got) do {			\
	int __w = (want), __g = (got);					\
									\
	if (__w != __g)							\
		TH_LOG("%s: %s: expected %s, got %s", (row)->name,	\
		       step, err_name(__w), err_name(__g));		\
	EXPECT_EQ(__w, __g);						\
} while (0)

#define ROW_EXPECT_TRUE(row, step, cond) do {				\
	bool __c = (cond);						\
									\
	if (!__c)							\
		TH_LOG("%s: %s: %s does not hold", (row)->name, step,	\
		       #cond);						\
	EXPECT_TRUE(__c);						\
} while (0)

/* ---- The table ---- */

/*
 * What a row's prepare() made in the file, for prepare()s of later steps
 * and for file_state().
 */
struct row_ctx {
	uint32_t ioas_id;	/* an IOAS it made, or 0 */
	uint32_t dev_id;	/* a device it bound, or 0 */
};

/* A field that must be zero: its offset and size (4 or 8). */
struct zero_field {
	int off, len;
};

struct cmd_row {
	const char *name;
	unsigned long cmd;
	uint32_t size;		/* sizeof the structure */
	uint32_t min_size;	/* offsetofend of the last mandatory field */
	int flags_off;		/* offset of a __u32 flags, or -1 */
	uint32_t known_flags;	/* the flag bits that are defined */
	struct zero_field zero[6];	/* reserved fields; len 0 ends */
	/* Where the kernel writes back on success (out_len 0: nowhere). */
	uint32_t out_off, out_len;
	/*
	 * A failed write-back leaves the command done (as in iommufd: the
	 * unmap or attach is not undone when its output cannot be copied).
	 */
	bool efault_keeps_effect;
	/*
	 * Fill arg (size bytes, zeroed by the caller) with an argument that
	 * succeeds on fd, creating there whatever it needs. 0, -ENODEV when
	 * this machine has nothing to build it with (no free device), or
	 * another -errno when the setup failed.
	 */
	int (*prepare)(int fd, void *arg, struct row_ctx *ctx);
	/* After a success: is what the call returned or did right? */
	bool (*check)(int fd, const void *arg, const struct row_ctx *ctx);
};

/* -- Things the rows need: mapped memory, a device to bind -- */

static void *map_page(void)
{
	static void *page;

	if (!page) {
		page = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (page == MAP_FAILED)
			page = NULL;
	}
	return page;
}

/* -- The rows' prepare() and check() -- */

static int prep_destroy(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_destroy *cmd = arg;

	(void)ctx;
	return ioas_alloc(fd, &cmd->id);
}

static bool check_destroy(int fd, const void *arg, const struct row_ctx *ctx)
{
	const struct hwpt_destroy *cmd = arg;

	(void)ctx;
	/* Gone: a second destroy does not find it. */
	return destroy(fd, cmd->id) == -ENOENT;
}

static int prep_ioas_alloc(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_ioas_alloc *cmd = arg;

	(void)fd;
	(void)ctx;
	/* Not an input: must be ignored and overwritten. */
	cmd->out_ioas_id = 0xdeadbeef;
	return 0;
}

static bool check_ioas_alloc(int fd, const void *arg,
			     const struct row_ctx *ctx)
{
	const struct hwpt_ioas_alloc *cmd = arg;

	(void)ctx;
	return cmd->out_ioas_id != 0 && cmd->out_ioas_id != 0xdeadbeef &&
	       destroy(fd, cmd->out_ioas_id) == 0;
}

static struct hwpt_iova_range ranges_buf[16];

static int prep_iova_ranges(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_ioas_iova_ranges *cmd = arg;

	cmd->num_iovas = ARRAY_SIZE(ranges_buf);
	cmd->allowed_iovas = (uintptr_t)ranges_buf;
	cmd->out_iova_alignment = 0xdeadbeef;
	return ioas_alloc(fd, &cmd->ioas_id) ?: (ctx->ioas_id = cmd->ioas_id, 0);
}

static bool check_iova_ranges(int fd, const void *arg,
			      const struct row_ctx *ctx)
{
	const struct hwpt_ioas_iova_ranges *cmd = arg;
	uint32_t i;

	(void)fd;
	(void)ctx;
	if (cmd->num_iovas < 1 || cmd->num_iovas > ARRAY_SIZE(ranges_buf) ||
	    cmd->out_iova_alignment < (uint64_t)page_size() ||
	    (cmd->out_iova_alignment & (cmd->out_iova_alignment - 1)))
		return false;
	for (i = 0; i < cmd->num_iovas; i++)
		if (ranges_buf[i].start > ranges_buf[i].last ||
		    (i && ranges_buf[i].start <= ranges_buf[i - 1].last))
			return false;
	return true;
}

static int prep_map(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_ioas_map *cmd = arg;

	if (!map_page())
		return -ENOMEM;
	cmd->flags = HWPT_IOAS_MAP_READABLE | HWPT_IOAS_MAP_WRITEABLE;
	cmd->user_va = (uintptr_t)map_page();
	cmd->length = page_size();
	cmd->iova = 0xdeadbeef;	/* without FIXED_IOVA an output only */
	return ioas_alloc(fd, &cmd->ioas_id) ?: (ctx->ioas_id = cmd->ioas_id, 0);
}

static bool check_map(int fd, const void *arg, const struct row_ctx *ctx)
{
	const struct hwpt_ioas_map *cmd = arg;

	(void)ctx;
	return cmd->iova != 0xdeadbeef && !(cmd->iova % page_size()) &&
	       ioas_unmap_all(fd, cmd->ioas_id) == page_size();
}

static int prep_unmap(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_ioas_unmap *cmd = arg;
	uint64_t iova = 0;
	int rc;

	if (!map_page())
		return -ENOMEM;
	rc = ioas_alloc(fd, &cmd->ioas_id);
	if (rc)
		return rc;
	ctx->ioas_id = cmd->ioas_id;
	rc = ioas_map(fd, cmd->ioas_id, map_page(), page_size(), &iova);
	cmd->iova = iova;
	cmd->length = page_size();
	return rc;
}

static bool check_unmap(int fd, const void *arg, const struct row_ctx *ctx)
{
	const struct hwpt_ioas_unmap *cmd = arg;

	(void)ctx;
	return cmd->length == (uint64_t)page_size() &&
	       ioas_unmap_all(fd, cmd->ioas_id) == 0;
}

static int prep_hwpt_alloc(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_hwpt_alloc *cmd = arg;
	int rc;

	rc = device_bind(fd, &cmd->dev_id);
	if (rc)
		return rc;
	ctx->dev_id = cmd->dev_id;
	rc = ioas_alloc(fd, &cmd->pt_id);
	ctx->ioas_id = cmd->pt_id;
	cmd->out_hwpt_id = 0xdeadbeef;
	return rc;
}

static bool check_hwpt_alloc(int fd, const void *arg,
			     const struct row_ctx *ctx)
{
	const struct hwpt_hwpt_alloc *cmd = arg;
	uint32_t hwpt_id;

	/* It works as a page table: the device attaches to it. */
	return cmd->out_hwpt_id && cmd->out_hwpt_id != 0xdeadbeef &&
	       !set_pt(fd, HWPT_DEVICE_ATTACH, ctx->dev_id,
		       cmd->out_hwpt_id, &hwpt_id, NULL) &&
	       hwpt_id == cmd->out_hwpt_id;
}

static int prep_bind(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_device_bind *cmd = arg;
	const char *name = test_pci_dev();

	(void)fd;
	(void)ctx;
	if (!name)
		return -ENODEV;
	cmd->bus = HWPT_BUS_PCI;
	snprintf(cmd->name, sizeof(cmd->name), "%s", name);
	cmd->out_dev_id = 0xdeadbeef;
	return 0;
}

static bool check_bind(int fd, const void *arg, const struct row_ctx *ctx)
{
	const struct hwpt_device_bind *cmd = arg;
	struct hwpt_device_get get;

	(void)ctx;
	return cmd->out_dev_id && cmd->out_dev_id != 0xdeadbeef &&
	       !dev_get(fd, cmd->out_dev_id, &get) && !get.out_hwpt_id &&
	       !(get.out_state & HWPT_DEVICE_DEAD) &&
	       !destroy(fd, cmd->out_dev_id);
}

/* A bound device and an IOAS; attached to a first IOAS for REPLACE. */
static int prep_attach_common(int fd, void *arg, struct row_ctx *ctx,
			      bool attached)
{
	struct hwpt_device_attach *cmd = arg;
	int rc;

	rc = device_bind(fd, &cmd->dev_id);
	if (rc)
		return rc;
	ctx->dev_id = cmd->dev_id;
	if (attached) {
		uint32_t first;

		rc = ioas_alloc(fd, &first) ?:
		     set_pt(fd, HWPT_DEVICE_ATTACH, cmd->dev_id, first, NULL,
			    NULL);
		if (rc)
			return rc;
	}
	rc = ioas_alloc(fd, &cmd->pt_id);
	ctx->ioas_id = cmd->pt_id;
	cmd->out_hwpt_id = 0xdeadbeef;
	cmd->out_devices_moved = 0xdeadbeef;
	return rc;
}

static int prep_attach(int fd, void *arg, struct row_ctx *ctx)
{
	return prep_attach_common(fd, arg, ctx, false);
}

static int prep_replace(int fd, void *arg, struct row_ctx *ctx)
{
	return prep_attach_common(fd, arg, ctx, true);
}

static bool check_attach(int fd, const void *arg, const struct row_ctx *ctx)
{
	const struct hwpt_device_attach *cmd = arg;
	struct hwpt_device_get get;

	(void)ctx;
	/* The only device of its group was moved, to the HWPT it says. */
	return cmd->out_hwpt_id && cmd->out_hwpt_id != 0xdeadbeef &&
	       cmd->out_devices_moved == 1 &&
	       !dev_get(fd, cmd->dev_id, &get) &&
	       get.out_hwpt_id == cmd->out_hwpt_id;
}

static int prep_detach(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_device_detach *cmd = arg;
	int rc;

	rc = device_bind(fd, &cmd->dev_id);
	if (rc)
		return rc;
	ctx->dev_id = cmd->dev_id;
	rc = ioas_alloc(fd, &ctx->ioas_id);
	return rc ?: set_pt(fd, HWPT_DEVICE_ATTACH, cmd->dev_id,
			    ctx->ioas_id, NULL, NULL);
}

static bool check_detach(int fd, const void *arg, const struct row_ctx *ctx)
{
	const struct hwpt_device_detach *cmd = arg;
	struct hwpt_device_get get;

	(void)ctx;
	return !dev_get(fd, cmd->dev_id, &get) && get.out_hwpt_id == 0 &&
	       set_pt(fd, HWPT_DEVICE_DETACH, cmd->dev_id, 0, NULL, NULL) ==
	       -EINVAL;
}

static int prep_device_get(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_device_get *cmd = arg;
	int rc = device_bind(fd, &cmd->dev_id);

	ctx->dev_id = cmd->dev_id;
	cmd->out_hwpt_id = cmd->out_group_id = 0xdeadbeef;
	cmd->out_group_devices = cmd->out_state = 0xdeadbeef;
	cmd->out_faults = cmd->out_resp_auto = 0xdeadbeef;
	return rc;
}

static bool check_device_get(int fd, const void *arg,
			     const struct row_ctx *ctx)
{
	const struct hwpt_device_get *cmd = arg;

	(void)fd;
	(void)ctx;
	return cmd->out_hwpt_id == 0 &&
	       !(cmd->out_state & HWPT_DEVICE_DEAD) &&
	       cmd->out_group_devices == 1 && cmd->out_faults == 0 &&
	       cmd->out_resp_auto == 0 &&
	       (int)cmd->out_group_id == pci_iommu_group(test_pci_dev());
}

static int prep_fault_alloc(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_get_info info;

	(void)arg;
	(void)ctx;
	/* Fault queues exist with real faults or with injection. */
	if (get_info(fd, &info) ||
	    !(info.caps & (HWPT_CAP_IOPF | HWPT_CAP_FAULT_INJECT)))
		return -EOPNOTSUPP;
	return 0;
}

static bool check_fault_alloc(int fd, const void *arg,
			      const struct row_ctx *ctx)
{
	const struct hwpt_fault_alloc *cmd = arg;
	int fl = fcntl(cmd->out_fault_fd, F_GETFD);

	(void)fd;
	(void)ctx;
	close(cmd->out_fault_fd);
	return cmd->out_fault_id && fl >= 0 && (fl & FD_CLOEXEC);
}

/* A device on a fault-capable HWPT, and one page fault group to inject. */
static int prep_fault_inject(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_fault_inject *cmd = arg;
	struct hwpt_fault_alloc fa = { .size = sizeof(fa) };
	struct hwpt_hwpt_alloc ha = {
		.size = sizeof(ha),
		.flags = HWPT_HWPT_FAULT_ID_VALID,
	};
	int rc;

	if (!debug_inject())
		return -EOPNOTSUPP;
	rc = device_bind(fd, &cmd->dev_id);
	if (!rc)
		rc = ioas_alloc(fd, &ctx->ioas_id);
	if (!rc)
		rc = xioctl(fd, HWPT_FAULT_QUEUE_ALLOC, &fa);
	if (rc)
		return rc;
	ctx->dev_id = ha.dev_id = cmd->dev_id;
	ha.pt_id = ctx->ioas_id;
	ha.fault_id = fa.out_fault_id;
	rc = xioctl(fd, HWPT_HWPT_ALLOC, &ha);
	cmd->perm = HWPT_PGFAULT_PERM_READ;
	cmd->nr_pages = 1;
	return rc ?: set_pt(fd, HWPT_DEVICE_ATTACH, cmd->dev_id,
			    ha.out_hwpt_id, NULL, NULL);
}

static bool check_fault_inject(int fd, const void *arg,
			       const struct row_ctx *ctx)
{
	struct hwpt_device_get get;

	(void)arg;
	return !dev_get(fd, ctx->dev_id, &get) && get.out_faults == 1 &&
	       get.out_faults_pending == 1;
}

static int prep_hw_info(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_hw_info *cmd = arg;
	int rc = device_bind(fd, &cmd->dev_id);

	ctx->dev_id = cmd->dev_id;
	cmd->out_data_type = 0xdeadbeef;
	return rc;
}

static bool check_hw_info(int fd, const void *arg, const struct row_ctx *ctx)
{
	const struct hwpt_hw_info *cmd = arg;

	(void)fd;
	(void)ctx;
	return cmd->out_data_type <= HWPT_HW_INFO_TYPE_AMD &&
	       cmd->data_len <= sizeof(struct hwpt_hw_info_arm_smmuv3);
}

/*
 * Dirty tracking: nothing succeeds without HWPT_CAP_DIRTY_RECORDING (no
 * Debian kernel has it; dirty.c tests the refusals), so only the rules
 * that need no successful call apply. check_never() is for such rows.
 */
static int prep_dirty(int fd, void *arg, struct row_ctx *ctx)
{
	(void)fd;
	(void)arg;
	(void)ctx;
	return -EOPNOTSUPP;
}

static bool check_never(int fd, const void *arg, const struct row_ctx *ctx)
{
	(void)fd;
	(void)arg;
	(void)ctx;
	return false;
}

/*
 * A nested HWPT to invalidate, where the IOMMU can nest (no emulated one
 * can: QEMU's VT-d has no ECAP.NEST); nesting.c tests the refusals.
 */
static int prep_invalidate(int fd, void *arg, struct row_ctx *ctx)
{
	static struct hwpt_hwpt_vtd_s1 s1 = { .addr_width = 48 };
	struct hwpt_hwpt_invalidate *cmd = arg;
	struct hwpt_hwpt_alloc ha = { .size = sizeof(ha) };
	int rc;

	rc = prep_hwpt_alloc(fd, &ha, ctx);
	if (rc)
		return rc;
	ha.flags = HWPT_HWPT_ALLOC_NEST_PARENT;
	rc = xioctl(fd, HWPT_HWPT_ALLOC, &ha);
	if (rc)
		return rc;
	ha.flags = 0;
	ha.pt_id = ha.out_hwpt_id;
	ha.data_type = HWPT_HWPT_DATA_VTD_S1;
	ha.data_len = sizeof(s1);
	ha.data_uptr = (uintptr_t)&s1;
	rc = xioctl(fd, HWPT_HWPT_ALLOC, &ha);
	if (rc)
		return rc;
	cmd->hwpt_id = ha.out_hwpt_id;
	cmd->data_type = HWPT_HWPT_INVALIDATE_DATA_VTD_S1;
	/* No entries: asks only whether the type is taken. */
	cmd->entry_num = 0;
	return 0;
}

static bool check_invalidate(int fd, const void *arg,
			     const struct row_ctx *ctx)
{
	const struct hwpt_hwpt_invalidate *cmd = arg;

	(void)fd;
	(void)ctx;
	return cmd->entry_num == 0;
}

/* PASIDs: no emulated device has them; pasid.c tests the refusals. */
static int prep_pasid(int fd, void *arg, struct row_ctx *ctx)
{
	(void)fd;
	(void)arg;
	(void)ctx;
	return -EOPNOTSUPP;
}

static int prep_get_info(int fd, void *arg, struct row_ctx *ctx)
{
	struct hwpt_get_info *cmd = arg;

	(void)fd;
	(void)ctx;
	/* Output fields: must be ignored and overwritten. */
	cmd->uapi_version = 0xdeadbeef;
	cmd->module_version = 0xdeadbeef;
	cmd->caps = ~0ULL;
	cmd->iopf_api = 0xdeadbeef;
	cmd->out_faults = ~0ULL;
	return 0;
}

static bool check_get_info(int fd, const void *arg, const struct row_ctx *ctx)
{
	const struct hwpt_get_info *cmd = arg;
	struct hwpt_get_info ref;

	(void)ctx;
	return get_info(fd, &ref) == 0 &&
	       cmd->uapi_version == HWPT_UAPI_VERSION &&
	       cmd->module_version == ref.module_version &&
	       cmd->caps == ref.caps && !(cmd->caps & ~known_caps) &&
	       cmd->iopf_api == ref.iopf_api &&
	       cmd->out_faults <= ref.out_faults &&
	       cmd->out_faults == cmd->out_resp_success +
				  cmd->out_resp_invalid + cmd->out_resp_auto +
				  (ref.out_faults - ref.out_resp_success -
				   ref.out_resp_invalid - ref.out_resp_auto);
}

#define ROW(_cmd, _struct, _last)					\
	.name = #_cmd, .cmd = _cmd, .size = sizeof(_struct),		\
	.min_size = offsetofend(_struct, _last)
#define FLAGS(_struct)		.flags_off = offsetof(_struct, flags)
#define NO_FLAGS		.flags_off = -1
#define Z(_struct, _f)		{ offsetof(_struct, _f), \
				  sizeof(((_struct *)0)->_f) }
#define OUT(_struct, _first, _last)					\
	.out_off = offsetof(_struct, _first),				\
	.out_len = offsetofend(_struct, _last) - offsetof(_struct, _first)

static const struct cmd_row cmds[] = {
	{
		ROW(HWPT_DESTROY, struct hwpt_destroy, id),
		NO_FLAGS,
		.prepare = prep_destroy,
		.check = check_destroy,
	},
	{
		ROW(HWPT_IOAS_ALLOC, struct hwpt_ioas_alloc, out_ioas_id),
		FLAGS(struct hwpt_ioas_alloc),
		OUT(struct hwpt_ioas_alloc, out_ioas_id, out_ioas_id),
		.prepare = prep_ioas_alloc,
		.check = check_ioas_alloc,
	},
	{
		ROW(HWPT_IOAS_IOVA_RANGES, struct hwpt_ioas_iova_ranges,
		    out_iova_alignment),
		NO_FLAGS,
		.zero = { Z(struct hwpt_ioas_iova_ranges, __reserved) },
		/* num_iovas and out_iova_alignment, and what is between. */
		OUT(struct hwpt_ioas_iova_ranges, num_iovas,
		    out_iova_alignment),
		.prepare = prep_iova_ranges,
		.check = check_iova_ranges,
	},
	{
		ROW(HWPT_IOAS_MAP, struct hwpt_ioas_map, iova),
		FLAGS(struct hwpt_ioas_map),
		.known_flags = HWPT_IOAS_MAP_FIXED_IOVA |
			       HWPT_IOAS_MAP_WRITEABLE |
			       HWPT_IOAS_MAP_READABLE,
		.zero = { Z(struct hwpt_ioas_map, __reserved) },
		OUT(struct hwpt_ioas_map, iova, iova),
		/* As iommufd's: a published mapping stays. */
		.efault_keeps_effect = true,
		.prepare = prep_map,
		.check = check_map,
	},
	{
		ROW(HWPT_IOAS_UNMAP, struct hwpt_ioas_unmap, length),
		NO_FLAGS,
		OUT(struct hwpt_ioas_unmap, length, length),
		.efault_keeps_effect = true,
		.prepare = prep_unmap,
		.check = check_unmap,
	},
	{
		ROW(HWPT_HWPT_ALLOC, struct hwpt_hwpt_alloc, __reserved2),
		FLAGS(struct hwpt_hwpt_alloc),
		/*
		 * fault_id must be zero without it (the Z() below).
		 * ENFORCE_COHERENCY and NEST_PARENT are known: refused
		 * (EOPNOTSUPP) only where the IOMMU cannot, so counting
		 * ENFORCE_COHERENCY unknown failed on every Intel variant of
		 * 7.2, where it succeeds. The data fields are no reserved
		 * fields: nesting.c has their rules (EINVAL).
		 */
		.known_flags = HWPT_HWPT_FAULT_ID_VALID |
			       HWPT_HWPT_ALLOC_ENFORCE_COHERENCY |
			       HWPT_HWPT_ALLOC_NEST_PARENT,
		.zero = {
			Z(struct hwpt_hwpt_alloc, __reserved),
			Z(struct hwpt_hwpt_alloc, fault_id),
			Z(struct hwpt_hwpt_alloc, __reserved2),
		},
		OUT(struct hwpt_hwpt_alloc, out_hwpt_id, out_hwpt_id),
		.prepare = prep_hwpt_alloc,
		.check = check_hwpt_alloc,
	},
	{
		ROW(HWPT_GET_HW_INFO, struct hwpt_hw_info, out_capabilities),
		FLAGS(struct hwpt_hw_info),
		OUT(struct hwpt_hw_info, out_data_type, out_data_type),
		.prepare = prep_hw_info,
		.check = check_hw_info,
	},
	{
		ROW(HWPT_HWPT_SET_DIRTY_TRACKING,
		    struct hwpt_hwpt_set_dirty_tracking, __reserved),
		FLAGS(struct hwpt_hwpt_set_dirty_tracking),
		.known_flags = HWPT_HWPT_DIRTY_TRACKING_ENABLE,
		.zero = { Z(struct hwpt_hwpt_set_dirty_tracking, __reserved) },
		.prepare = prep_dirty,
		.check = check_never,
	},
	{
		ROW(HWPT_HWPT_GET_DIRTY_BITMAP,
		    struct hwpt_hwpt_get_dirty_bitmap, data),
		FLAGS(struct hwpt_hwpt_get_dirty_bitmap),
		.known_flags = HWPT_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
		.zero = { Z(struct hwpt_hwpt_get_dirty_bitmap, __reserved) },
		.prepare = prep_dirty,
		.check = check_never,
	},
	{
		ROW(HWPT_HWPT_INVALIDATE, struct hwpt_hwpt_invalidate,
		    __reserved),
		NO_FLAGS,
		.zero = { Z(struct hwpt_hwpt_invalidate, __reserved) },
		OUT(struct hwpt_hwpt_invalidate, entry_num, entry_num),
		.efault_keeps_effect = true,
		.prepare = prep_invalidate,
		.check = check_invalidate,
	},
	{
		ROW(HWPT_PASID_ATTACH, struct hwpt_pasid, __reserved),
		FLAGS(struct hwpt_pasid),
		.zero = { Z(struct hwpt_pasid, __reserved) },
		.prepare = prep_pasid,
		.check = check_never,
	},
	{
		ROW(HWPT_PASID_REPLACE, struct hwpt_pasid, __reserved),
		FLAGS(struct hwpt_pasid),
		.zero = { Z(struct hwpt_pasid, __reserved) },
		.prepare = prep_pasid,
		.check = check_never,
	},
	{
		ROW(HWPT_PASID_DETACH, struct hwpt_pasid, __reserved),
		FLAGS(struct hwpt_pasid),
		.zero = { Z(struct hwpt_pasid, __reserved) },
		.prepare = prep_pasid,
		.check = check_never,
	},
	{
		ROW(HWPT_GET_INFO, struct hwpt_get_info, __reserved),
		FLAGS(struct hwpt_get_info),
		.zero = { Z(struct hwpt_get_info, __reserved) },
		OUT(struct hwpt_get_info, uapi_version, iopf_api),
		.prepare = prep_get_info,
		.check = check_get_info,
	},
	{
		ROW(HWPT_DEVICE_BIND, struct hwpt_device_bind, name),
		FLAGS(struct hwpt_device_bind),
		OUT(struct hwpt_device_bind, out_dev_id, out_dev_id),
		.prepare = prep_bind,
		.check = check_bind,
	},
	{
		ROW(HWPT_DEVICE_ATTACH, struct hwpt_device_attach,
		    out_devices_moved),
		FLAGS(struct hwpt_device_attach),
		OUT(struct hwpt_device_attach, out_hwpt_id,
		    out_devices_moved),
		.efault_keeps_effect = true,
		.prepare = prep_attach,
		.check = check_attach,
	},
	{
		ROW(HWPT_DEVICE_REPLACE, struct hwpt_device_attach,
		    out_devices_moved),
		FLAGS(struct hwpt_device_attach),
		OUT(struct hwpt_device_attach, out_hwpt_id,
		    out_devices_moved),
		.efault_keeps_effect = true,
		.prepare = prep_replace,
		.check = check_attach,
	},
	{
		ROW(HWPT_DEVICE_DETACH, struct hwpt_device_detach, dev_id),
		FLAGS(struct hwpt_device_detach),
		.prepare = prep_detach,
		.check = check_detach,
	},
	{
		ROW(HWPT_DEVICE_GET, struct hwpt_device_get, __reserved),
		FLAGS(struct hwpt_device_get),
		.zero = {
			Z(struct hwpt_device_get, __reserved),
			Z(struct hwpt_device_get, __reserved2),
		},
		OUT(struct hwpt_device_get, out_hwpt_id, out_state),
		.prepare = prep_device_get,
		.check = check_device_get,
	},
	{
		ROW(HWPT_FAULT_QUEUE_ALLOC, struct hwpt_fault_alloc,
		    out_fault_fd),
		FLAGS(struct hwpt_fault_alloc),
		OUT(struct hwpt_fault_alloc, out_fault_id, out_fault_fd),
		.prepare = prep_fault_alloc,
		.check = check_fault_alloc,
	},
	{
		ROW(HWPT_FAULT_INJECT, struct hwpt_fault_inject, addr),
		FLAGS(struct hwpt_fault_inject),
		.known_flags = HWPT_PGFAULT_FLAGS_PASID_VALID,
		.zero = { Z(struct hwpt_fault_inject, __reserved) },
		.prepare = prep_fault_inject,
		.check = check_fault_inject,
	},
};

#define for_each_cmd(row) \
	for (row = cmds; row < cmds + ARRAY_SIZE(cmds); row++)

static bool is_known_nr(unsigned int nr)
{
	const struct cmd_row *row;

	for_each_cmd(row)
		if (_IOC_NR(row->cmd) == nr)
			return true;
	return false;
}

/*
 * Can row's prepare() build a succeeding argument on this machine? The
 * rules about successful calls skip the rows that cannot (say so once).
 */
static bool row_available(const struct cmd_row *row)
{
	uint8_t arg[256] = { 0 };
	struct row_ctx ctx = { 0 };
	int fd, rc;

	fd = hwpt_open(O_RDWR);
	if (fd < 0)
		return false;
	rc = row->prepare(fd, arg, &ctx);
	close(fd);
	if (rc == -ENODEV)
		TH_LOG("%s: skipped here: no unbound PCI device alone in its "
		       "IOMMU group (or set HWPT_TEST_PCI_DEV)", row->name);
	if (rc == -EOPNOTSUPP)
		TH_LOG("%s: skipped here: not available on this kernel or "
		       "without debug_inject=1", row->name);
	return rc != -ENODEV && rc != -EOPNOTSUPP;
}

/*
 * What a failed call must leave as it was: the ID the next IOAS_ALLOC of
 * the file gets (no object made or destroyed), the bytes mapped in the
 * row's IOAS, and what its device is attached to.
 */
struct file_state {
	uint32_t next_id;
	int64_t mapped;
	int dev_rc;
	uint32_t dev_hwpt;
};

static void file_state(int fd, const struct row_ctx *ctx,
		       struct file_state *s)
{
	struct hwpt_device_get get;

	memset(s, 0, sizeof(*s));
	if (ctx->ioas_id)
		s->mapped = ioas_unmap_all(fd, ctx->ioas_id);
	if (ctx->dev_id) {
		s->dev_rc = dev_get(fd, ctx->dev_id, &get);
		s->dev_hwpt = get.out_hwpt_id;
	}
	if (ioas_alloc(fd, &s->next_id))
		s->next_id = 0;
}

static bool same_state(const struct file_state *a, const struct file_state *b)
{
	return a->next_id == b->next_id && a->mapped == b->mapped &&
	       a->dev_rc == b->dev_rc && a->dev_hwpt == b->dev_hwpt;
}

/* A change made to the argument after prepare(): OR val into a field. */
struct patch {
	int off, len;		/* len 1, 4 or 8; 0: no patch */
	uint64_t val;
};

static void apply_patch(uint8_t *arg, const struct patch *p)
{
	uint64_t v64;
	uint32_t v32;

	if (!p || !p->len)
		return;
	switch (p->len) {
	case 8:
		memcpy(&v64, arg + p->off, 8);
		v64 |= p->val;
		memcpy(arg + p->off, &v64, 8);
		break;
	case 4:
		memcpy(&v32, arg + p->off, 4);
		v32 |= (uint32_t)p->val;
		memcpy(arg + p->off, &v32, 4);
		break;
	default:
		arg[p->off] |= (uint8_t)p->val;
	}
}

/*
 * One call of row's command in a fresh file: prepare an argument at arg
 * (an unavailable row gets a zeroed one), set its size field to usize,
 * apply the patch, and issue the ioctl. Returns 0 or -errno (-ENOEXEC if
 * the setup failed), and the file's state afterwards.
 */
static int run_row(const struct cmd_row *row, uint8_t *arg, uint32_t usize,
		   const struct patch *p, struct file_state *state)
{
	struct row_ctx ctx = { 0 };
	int fd, rc;

	memset(state, 0, sizeof(*state));
	fd = hwpt_open(O_RDWR);
	if (fd < 0)
		return -errno;
	memset(arg, 0, row->size);
	rc = row->prepare(fd, arg, &ctx);
	if (rc && rc != -ENODEV && rc != -EOPNOTSUPP) {
		close(fd);
		return -ENOEXEC;
	}
	memcpy(arg, &usize, sizeof(usize));
	apply_patch(arg, p);
	rc = xioctl(fd, row->cmd, arg);
	file_state(fd, &ctx, state);
	close(fd);
	return rc;
}

/* The file's state after row's setup alone. */
static void ref_state(const struct cmd_row *row, struct file_state *s)
{
	uint8_t arg[256] = { 0 };
	struct row_ctx ctx = { 0 };
	int fd;

	memset(s, 0xff, sizeof(*s));
	fd = hwpt_open(O_RDWR);
	if (fd < 0)
		return;
	row->prepare(fd, arg, &ctx);
	file_state(fd, &ctx, s);
	close(fd);
}

/* A call that must fail with want and leave the file as it was. */
#define ROW_EXPECT_FAIL(row, step, want, arg, usize, patch) do {	\
	struct file_state __got, __ref;					\
	int __rc = run_row(row, arg, usize, patch, &__got);		\
									\
	ROW_EXPECT_RC(row, step, want, __rc);				\
	if (__rc == (want)) {						\
		ref_state(row, &__ref);					\
		if (!same_state(&__ref, &__got))			\
			TH_LOG("%s: %s: the failed call changed the file:" \
			       " next ID %u, mapped %lld, device on %u " \
			       "(%d); without it %u, %lld, %u (%d)",	\
			       (row)->name, step, __got.next_id,	\
			       (long long)__got.mapped, __got.dev_hwpt,	\
			       __got.dev_rc, __ref.next_id,		\
			       (long long)__ref.mapped, __ref.dev_hwpt,	\
			       __ref.dev_rc);				\
		EXPECT_TRUE(same_state(&__ref, &__got));		\
	}								\
} while (0)

/* ---- The device node and who may open it ---- */

TEST(dev_node_mode_0600_root)
{
	char dev[32], want[32];
	struct stat st;

	ASSERT_OK(stat(DEV_PATH, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
	EXPECT_EQ(0, st.st_gid);
	/* A misc device: major 10, and the node is the module's. */
	EXPECT_EQ(10, major(st.st_rdev));
	ASSERT_OK(read_file("/sys/class/misc/hwpt/dev", dev, sizeof(dev)));
	snprintf(want, sizeof(want), "%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	EXPECT_STREQ(want, dev);
}

/* The module ignores the access mode: every mode has full control. */
TEST(open_modes_all_work)
{
	static const struct { int flags; const char *name; } modes[] = {
		{ O_RDONLY, "O_RDONLY" },
		{ O_WRONLY, "O_WRONLY" },
		{ O_RDWR, "O_RDWR" },
		{ O_RDWR | O_NONBLOCK, "O_RDWR|O_NONBLOCK" },
	};
	struct hwpt_get_info info;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		uint32_t id = 0;
		int fd = hwpt_open(modes[i].flags);

		if (fd < 0)
			TH_LOG("open %s: %s", modes[i].name, strerror(errno));
		ASSERT_GE(fd, 0);
		EXPECT_EQ(0, get_info(fd, &info));
		EXPECT_EQ(0, ioas_alloc(fd, &id));
		EXPECT_EQ(1, id);
		EXPECT_EQ(0, destroy(fd, id));
		EXPECT_EQ(-ENOENT, destroy(fd, id));
		ASSERT_OK(close(fd));
	}
}

/* capget/capset on this process: the three sets of capability words. */
struct caps {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
};

static int caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capget, &c->hdr, c->data) ? -errno : 0;
}

static int caps_set(struct caps *c)
{
	c->hdr.version = _LINUX_CAPABILITY_VERSION_3;
	c->hdr.pid = 0;
	return syscall(SYS_capset, &c->hdr, c->data) ? -errno : 0;
}

static void cap_change(struct caps *c, int cap, bool effective, bool on)
{
	__u32 *w = effective ? &c->data[CAP_TO_INDEX(cap)].effective :
			       &c->data[CAP_TO_INDEX(cap)].permitted;

	if (on)
		*w |= CAP_TO_MASK(cap);
	else
		*w &= ~CAP_TO_MASK(cap);
}

/* Root without CAP_SYS_RAWIO in its effective set: EPERM, and only that. */
TEST(open_without_cap_sys_rawio_eperm)
{
	struct caps c;
	int fd;

	ASSERT_EQ(0, getuid());
	ASSERT_EQ(0, caps_get(&c));
	cap_change(&c, CAP_SYS_RAWIO, true, false);
	ASSERT_EQ(0, caps_set(&c));
	ASSERT_ERRNO(EPERM, hwpt_open(O_RDWR));
	ASSERT_ERRNO(EPERM, hwpt_open(O_RDONLY));

	/* Raised again (still permitted): the same process may open. */
	cap_change(&c, CAP_SYS_RAWIO, true, true);
	ASSERT_EQ(0, caps_set(&c));
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	close(fd);
}

/* Become nobody keeping only the capabilities in keep (none: -1). */
static int become_nobody(int keep1, int keep2)
{
	struct caps c;
	int cap;

	if (keep1 >= 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -errno;
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	if (caps_get(&c))
		return -errno;
	for (cap = 0; cap < 64; cap++) {
		bool on = cap == keep1 || cap == keep2;

		cap_change(&c, cap, true, on);
		cap_change(&c, cap, false, on);
		c.data[CAP_TO_INDEX(cap)].inheritable &= ~CAP_TO_MASK(cap);
	}
	return caps_set(&c);
}

/* A non-root user: the 0600 root node refuses it before the module. */
TEST(open_as_nobody_eacces)
{
	ASSERT_EQ(0, become_nobody(-1, -1));
	ASSERT_EQ(NOBODY, geteuid());
	ASSERT_ERRNO(EACCES, hwpt_open(O_RDWR));
	ASSERT_ERRNO(EACCES, hwpt_open(O_RDONLY));
}

/*
 * Past DAC (CAP_DAC_OVERRIDE) a non-root user still needs CAP_SYS_RAWIO:
 * the module's own check says EPERM; with CAP_SYS_RAWIO it opens.
 */
TEST(open_as_nobody_needs_cap_sys_rawio)
{
	pid_t pid;
	int status;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (become_nobody(CAP_DAC_OVERRIDE, -1))
			_exit(10);
		if (hwpt_open(O_RDWR) != -1 || errno != EPERM)
			_exit(11);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int fd;

		if (become_nobody(CAP_DAC_OVERRIDE, CAP_SYS_RAWIO))
			_exit(10);
		fd = hwpt_open(O_RDWR);
		if (fd < 0)
			_exit(12);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Privilege is checked at open: an open file keeps working after a drop. */
TEST(open_file_survives_privilege_drop)
{
	struct hwpt_get_info info;
	uint32_t id = 0;
	int fd;

	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, become_nobody(-1, -1));
	ASSERT_ERRNO(EACCES, hwpt_open(O_RDWR));
	EXPECT_EQ(0, get_info(fd, &info));
	EXPECT_EQ(0, ioas_alloc(fd, &id));
	EXPECT_EQ(0, destroy(fd, id));
	close(fd);
}

/* ---- The table-driven rules ---- */

TEST(table_is_sane)
{
	const struct cmd_row *row, *other;
	int i;

	for_each_cmd(row) {
		ROW_EXPECT_TRUE(row, "layout", row->min_size >= 8);
		ROW_EXPECT_TRUE(row, "layout", row->min_size <= row->size);
		ROW_EXPECT_TRUE(row, "layout", row->size <= 256);
		ROW_EXPECT_TRUE(row, "number",
				_IOC_TYPE(row->cmd) == HWPT_TYPE &&
				_IOC_DIR(row->cmd) == _IOC_NONE &&
				_IOC_SIZE(row->cmd) == 0 &&
				_IOC_NR(row->cmd) >= HWPT_CMD_BASE);
		for (other = cmds; other < row; other++)
			ROW_EXPECT_TRUE(row, "number", other->cmd != row->cmd);
		for (i = 0; i < 6 && row->zero[i].len; i++)
			ROW_EXPECT_TRUE(row, "reserved field",
					row->zero[i].len == 4 ||
					row->zero[i].len == 8);
	}
}

/* The rows' prepared arguments succeed; outputs are right. */
TEST(table_rows_succeed)
{
	const struct cmd_row *row;
	uint8_t arg[256];

	for_each_cmd(row) {
		struct row_ctx ctx = { 0 };
		int fd, rc;

		if (!row_available(row))
			continue;
		fd = hwpt_open(O_RDWR);
		ASSERT_GE(fd, 0);
		memset(arg, 0, sizeof(arg));
		memcpy(arg, &row->size, 4);
		rc = row->prepare(fd, arg, &ctx);
		ROW_EXPECT_RC(row, "prepare", 0, rc);
		if (!rc) {
			ROW_EXPECT_RC(row, "call", 0,
				      xioctl(fd, row->cmd, arg));
			ROW_EXPECT_TRUE(row, "result",
					row->check(fd, arg, &ctx));
		}
		close(fd);
	}
}

TEST(size_zero_einval)
{
	const struct cmd_row *row;
	uint8_t arg[256];

	for_each_cmd(row)
		ROW_EXPECT_FAIL(row, "size 0", -EINVAL, arg, 0, NULL);
}

/* Every size below the last mandatory field: EINVAL. */
TEST(size_below_min_einval)
{
	const struct cmd_row *row;
	uint8_t arg[256];
	char step[48];
	uint32_t s;

	for_each_cmd(row) {
		for (s = 1; s < row->min_size; s++) {
			snprintf(step, sizeof(step), "size %u", s);
			ROW_EXPECT_FAIL(row, step, -EINVAL, arg, s, NULL);
		}
	}
}

/*
 * Sizes from the minimum up to the structure's: accepted, and nothing
 * written past the size given (the bytes after it hold a canary).
 */
static bool canary_intact(const uint8_t *arg, size_t from)
{
	size_t i;

	for (i = from; i < from + 64; i++)
		if (arg[i] != 0xa5)
			return false;
	return true;
}

/*
 * Prepare row in a new file with the argument at arg, size usize, and
 * 64 canary bytes after usize; call. The file is returned for checks.
 */
static int call_with_canary(const struct cmd_row *row, uint8_t *arg,
			    uint32_t usize, struct row_ctx *ctx, int *rc)
{
	int fd = hwpt_open(O_RDWR);

	if (fd < 0)
		return -1;
	memset(ctx, 0, sizeof(*ctx));
	*rc = row->prepare(fd, arg, ctx);
	if (*rc)
		return fd;
	memcpy(arg, &usize, sizeof(usize));
	memset(arg + usize, 0xa5, 64);
	*rc = xioctl(fd, row->cmd, arg);
	return fd;
}

TEST(size_min_to_struct_ok_no_overwrite)
{
	const struct cmd_row *row;
	uint8_t arg[512];
	char step[48];
	uint32_t s;

	for_each_cmd(row) {
		if (!row_available(row))
			continue;
		for (s = row->min_size; s <= row->size; s++) {
			struct row_ctx ctx;
			int fd, rc;

			snprintf(step, sizeof(step), "size %u", s);
			memset(arg, 0, sizeof(arg));
			fd = call_with_canary(row, arg, s, &ctx, &rc);
			ASSERT_GE(fd, 0);
			ROW_EXPECT_RC(row, step, 0, rc);
			ROW_EXPECT_TRUE(row, step, canary_intact(arg, s));
			if (s == row->size && !rc)
				ROW_EXPECT_TRUE(row, step,
						row->check(fd, arg, &ctx));
			close(fd);
		}
	}
}

/*
 * Larger than the structure with zero trailing bytes: accepted; only the
 * known part is written back, the trailing bytes stay zero and the bytes
 * past the given size are not touched.
 */
TEST(size_larger_zero_tail_ok)
{
	static const uint32_t extra[] = { 1, 3, 4, 8, 64, 1000 };
	const struct cmd_row *row;
	struct arena a = { 0 };
	char step[48];

	ASSERT_EQ(0, arena_map(&a));
	for_each_cmd(row) {
		unsigned int i;

		if (!row_available(row))
			continue;
		for (i = 0; i <= ARRAY_SIZE(extra); i++) {
			/* Last: up to the end of the read-write pages. */
			uint32_t usize = i < ARRAY_SIZE(extra) ?
				row->size + extra[i] : a.rw - 64;
			uint8_t *arg = a.base;
			struct row_ctx ctx;
			uint32_t k;
			int fd, rc;

			snprintf(step, sizeof(step), "size %u", usize);
			memset(arg, 0, a.rw);
			fd = call_with_canary(row, arg, usize, &ctx, &rc);
			ASSERT_GE(fd, 0);
			ROW_EXPECT_RC(row, step, 0, rc);
			for (k = row->size; k < usize; k++)
				if (arg[k])
					break;
			if (k < usize)
				TH_LOG("%s: %s: byte %u past the structure "
				       "written", row->name, step, k);
			EXPECT_EQ(usize, k);
			ROW_EXPECT_TRUE(row, step, canary_intact(arg, usize));
			if (!rc)
				ROW_EXPECT_TRUE(row, step,
						row->check(fd, arg, &ctx));
			close(fd);
		}
	}
	arena_unmap(&a);
}

/* A non-zero byte anywhere past the structure: E2BIG, nothing done. */
TEST(trailing_nonzero_e2big)
{
	const struct cmd_row *row;
	struct arena a = { 0 };
	char step[64];
	uint32_t k;

	ASSERT_EQ(0, arena_map(&a));
	for_each_cmd(row) {
		uint32_t usize = row->size + 16;
		struct patch p = { .len = 1, .val = 0x01 };

		for (k = row->size; k < usize; k++) {
			memset(a.base, 0, a.rw);
			snprintf(step, sizeof(step), "size %u, byte %u set",
				 usize, k);
			p.off = k;
			ROW_EXPECT_FAIL(row, step, -E2BIG, a.base, usize, &p);
		}
		/* Far out: the last byte of a size reaching the guard page. */
		usize = a.rw;
		p.off = usize - 1;
		memset(a.base, 0, a.rw);
		snprintf(step, sizeof(step), "size %u, last byte set", usize);
		ROW_EXPECT_FAIL(row, step, -E2BIG, a.base, usize, &p);

		/* The output must not have been written either. */
		if (row->out_len) {
			struct row_ctx ctx = { 0 };
			uint8_t *arg = a.base;
			uint8_t before[256];
			int fd = hwpt_open(O_RDWR);

			ASSERT_GE(fd, 0);
			memset(arg, 0, a.rw);
			row->prepare(fd, arg, &ctx);
			usize = row->size + 8;
			memcpy(arg, &usize, sizeof(usize));
			memset(arg + row->out_off, 0x5a, row->out_len);
			arg[usize - 1] = 1;
			memcpy(before, arg, usize);
			ROW_EXPECT_RC(row, "output untouched", -E2BIG,
				      xioctl(fd, row->cmd, arg));
			ROW_EXPECT_TRUE(row, "output untouched",
					!memcmp(before, arg, usize));
			close(fd);
		}
	}
	arena_unmap(&a);
}

/* Each unknown flag bit alone, and all of them: EOPNOTSUPP. */
TEST(unknown_flags_eopnotsupp)
{
	const struct cmd_row *row;
	uint8_t arg[256];
	char step[48];
	int bit;

	for_each_cmd(row) {
		struct patch p = { .off = row->flags_off, .len = 4 };

		if (row->flags_off < 0)
			continue;
		for (bit = 0; bit < 32; bit++) {
			if (row->known_flags & (1u << bit))
				continue;
			snprintf(step, sizeof(step), "flags bit %d", bit);
			p.val = 1u << bit;
			ROW_EXPECT_FAIL(row, step, -EOPNOTSUPP, arg, row->size,
					&p);
		}
		p.val = ~row->known_flags;
		ROW_EXPECT_FAIL(row, "all unknown flags", -EOPNOTSUPP, arg,
				row->size, &p);
	}
}

/* Each reserved field non-zero: EOPNOTSUPP. */
TEST(reserved_nonzero_eopnotsupp)
{
	static const uint64_t vals[] = {
		1, 0x80, 0x80000000u, 0xffffffffu, 1ULL << 32, 1ULL << 63,
	};
	const struct cmd_row *row;
	uint8_t arg[256];
	char step[64];
	unsigned int i;
	int f;

	for_each_cmd(row) {
		for (f = 0; f < 6 && row->zero[f].len; f++) {
			struct patch p = {
				.off = row->zero[f].off,
				.len = row->zero[f].len,
			};

			for (i = 0; i < ARRAY_SIZE(vals); i++) {
				if (p.len == 4 && vals[i] > UINT32_MAX)
					continue;
				p.val = vals[i];
				snprintf(step, sizeof(step),
					 "reserved field at %d = %#llx", p.off,
					 (unsigned long long)p.val);
				ROW_EXPECT_FAIL(row, step, -EOPNOTSUPP, arg,
						row->size, &p);
			}
		}
	}
}

/* Pointers that cannot be read: EFAULT. */
TEST(bad_pointer_efault)
{
	const struct cmd_row *row;
	struct arena a = { 0 };
	long ps = page_size();

	ASSERT_EQ(0, arena_map(&a));
	for_each_cmd(row) {
		uint8_t *guard = a.base + a.rw;
		struct file_state got, ref;
		struct row_ctx ctx = { 0 };
		uint8_t *arg;
		int fd, rc;

		fd = hwpt_open(O_RDWR);
		ASSERT_GE(fd, 0);
		ROW_EXPECT_RC(row, "NULL", -EFAULT, xioctl(fd, row->cmd, NULL));
		ROW_EXPECT_RC(row, "guard page", -EFAULT,
			      xioctl(fd, row->cmd, guard));
		ROW_EXPECT_RC(row, "kernel address", -EFAULT,
			      xioctl(fd, row->cmd,
				     (void *)(uintptr_t)~0xfffUL));
		ROW_EXPECT_RC(row, "unaligned low address", -EFAULT,
			      xioctl(fd, row->cmd, (void *)3));
		close(fd);

		/* Size readable, the rest of the structure not. */
		arg = guard - 4;
		memset(a.base, 0, a.rw);
		fd = hwpt_open(O_RDWR);
		ASSERT_GE(fd, 0);
		memcpy(arg, &row->size, 4);
		ROW_EXPECT_RC(row, "struct crosses into guard", -EFAULT,
			      xioctl(fd, row->cmd, arg));
		close(fd);

		/* Its zero trailing bytes reach into the guard page. */
		arg = guard - row->size;
		ROW_EXPECT_FAIL(row, "trailing bytes in guard", -EFAULT, arg,
				row->size + 8, NULL);

		/* A huge size: zeros up to the guard page, then a fault. */
		memset(a.base, 0, a.rw);
		ROW_EXPECT_FAIL(row, "size 0xffffffff", -EFAULT, a.base,
				0xffffffffu, NULL);

		if (!row_available(row))
			continue;

		/* Ends right at the guard page: fine. */
		arg = guard - row->size;
		ROW_EXPECT_RC(row, "struct ends at guard", 0,
			      run_row(row, arg, row->size, NULL, &got));

		/* Readable but not writable. */
		memset(a.base, 0, a.rw);
		fd = hwpt_open(O_RDWR);
		ASSERT_GE(fd, 0);
		arg = a.base + ps;	/* the second page */
		memcpy(arg, &row->size, 4);
		ROW_EXPECT_RC(row, "prepare", 0, row->prepare(fd, arg, &ctx));
		ASSERT_OK(mprotect(a.base + ps, ps, PROT_READ));
		rc = xioctl(fd, row->cmd, arg);
		file_state(fd, &ctx, &got);
		ASSERT_OK(mprotect(a.base + ps, ps, PROT_READ | PROT_WRITE));
		close(fd);
		if (!row->out_len) {
			/* Nothing to write back: it just works. */
			ROW_EXPECT_RC(row, "read-only argument", 0, rc);
			continue;
		}
		/*
		 * Commands that write back: EFAULT, and nothing done; or, for
		 * those that keep their effect, done all the same.
		 */
		ROW_EXPECT_RC(row, "read-only argument", -EFAULT, rc);
		ref_state(row, &ref);
		ROW_EXPECT_TRUE(row, "read-only argument",
				same_state(&ref, &got) !=
				row->efault_keeps_effect);
	}
	arena_unmap(&a);
}

/* ---- Unknown commands ---- */

/* ENOTTY for cmd on fd, both with a harmless argument and with NULL. */
static int unknown_cmd_rc(int fd, unsigned long cmd, int *rc_null)
{
	uint8_t arg[256] = { 0 };
	uint32_t size = sizeof(arg);

	/* Zeros with a size: any command that ran would accept it. */
	memcpy(arg, &size, sizeof(size));
	*rc_null = xioctl(fd, cmd, NULL);
	return xioctl(fd, cmd, arg);
}

#define EXPECT_ENOTTY(fd, cmd) do {					\
	int __rn, __r = unknown_cmd_rc(fd, cmd, &__rn);			\
									\
	if (__r != -ENOTTY || __rn != -ENOTTY)				\
		TH_LOG("cmd %#lx (type %#x nr %#x): %s, with NULL %s",	\
		       (unsigned long)(cmd), _IOC_TYPE(cmd),		\
		       _IOC_NR(cmd), err_name(__r), err_name(__rn));	\
	EXPECT_EQ(-ENOTTY, __r);					\
	EXPECT_EQ(-ENOTTY, __rn);					\
} while (0)

/* Every number of hwpt's type that the table does not have. */
TEST(unknown_nr_enotty)
{
	unsigned int nr, n = 0;
	int fd = hwpt_open(O_RDWR);

	ASSERT_GE(fd, 0);
	for (nr = 0; nr <= _IOC_NRMASK; nr++) {
		int rn, r;

		if (is_known_nr(nr))
			continue;
		r = unknown_cmd_rc(fd, _IO(HWPT_TYPE, nr), &rn);
		if (r != -ENOTTY && rn != -ENOTTY)
			TH_LOG("nr %#x is a command? Then it needs its row "
			       "in cmds[]", nr);
		EXPECT_ENOTTY(fd, _IO(HWPT_TYPE, nr));
		n++;
	}
	/* All of them: below the base, between the commands, past the last. */
	EXPECT_EQ(_IOC_NRMASK + 1 - ARRAY_SIZE(cmds), n);
	EXPECT_FALSE(is_known_nr(HWPT_CMD_BASE - 1));
	close(fd);
}

/* The known numbers with another type byte, direction or size. */
TEST(known_nr_wrong_encoding_enotty)
{
	/* ';' is iommufd's and VFIO's type; the neighbours of hwpt's. */
	static const unsigned int types[] = {
		';', HWPT_TYPE - 1, HWPT_TYPE + 1, 0x00, 0xff,
	};
	const struct cmd_row *row;
	int fd = hwpt_open(O_RDWR);
	unsigned int i;

	ASSERT_GE(fd, 0);
	for_each_cmd(row) {
		unsigned int nr = _IOC_NR(row->cmd);

		for (i = 0; i < ARRAY_SIZE(types); i++)
			EXPECT_ENOTTY(fd, _IO(types[i], nr));
		EXPECT_ENOTTY(fd, _IOC(_IOC_READ, HWPT_TYPE, nr, row->size));
		EXPECT_ENOTTY(fd, _IOC(_IOC_WRITE, HWPT_TYPE, nr, row->size));
		EXPECT_ENOTTY(fd, _IOC(_IOC_READ | _IOC_WRITE, HWPT_TYPE, nr,
				       row->size));
		EXPECT_ENOTTY(fd, _IOC(_IOC_NONE, HWPT_TYPE, nr, row->size));
		EXPECT_ENOTTY(fd, _IOC(_IOC_NONE, HWPT_TYPE, nr, 1));
	}
	/* iommufd's own numbers and VFIO_GET_API_VERSION, as such. */
	EXPECT_ENOTTY(fd, _IO(';', 0x80));	/* IOMMU_DESTROY */
	EXPECT_ENOTTY(fd, _IO(';', 0x81));	/* IOMMU_IOAS_ALLOC */
	EXPECT_ENOTTY(fd, _IO(';', 0x8b));	/* IOMMU_GET_HW_INFO */
	EXPECT_ENOTTY(fd, _IO(';', 100));	/* VFIO_GET_API_VERSION */
	close(fd);
}

/* ---- GET_INFO ---- */

struct cap_name { uint64_t bit; const char *name; };

static const struct cap_name cap_names[] = {
	{ HWPT_CAP_REPLACE_ATOMIC, "REPLACE_ATOMIC" },
	{ HWPT_CAP_ATTACH_HANDLE, "ATTACH_HANDLE" },
	{ HWPT_CAP_DEVICE_DMA_OWNER, "DEVICE_DMA_OWNER" },
	{ HWPT_CAP_PASID, "PASID" },
	{ HWPT_CAP_PASID_REPLACE, "PASID_REPLACE" },
	{ HWPT_CAP_IOPF, "IOPF" },
	{ HWPT_CAP_IOPF_DRIVER_ENABLE, "IOPF_DRIVER_ENABLE" },
	{ HWPT_CAP_FAULT_INJECT, "FAULT_INJECT" },
	{ HWPT_CAP_COHERENCY_QUERY, "COHERENCY_QUERY" },
};

static const char *iopf_api_name(uint32_t api)
{
	switch (api) {
	case HWPT_IOPF_API_NONE:		return "NONE";
	case HWPT_IOPF_API_DEVICE_HANDLER:	return "DEVICE_HANDLER";
	case HWPT_IOPF_API_GROUP:		return "GROUP";
	}
	return "unknown";
}

TEST(get_info_values)
{
	unsigned int maj, min, patch;
	struct hwpt_get_info info;
	char ver[64], inject[8], names[256] = "";
	struct utsname u;
	unsigned int i;
	int fd;

	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, get_info(fd, &info));
	close(fd);

	uname(&u);
	for (i = 0; i < ARRAY_SIZE(cap_names); i++) {
		if (!(info.caps & cap_names[i].bit))
			continue;
		strcat(names, " ");
		strcat(names, cap_names[i].name);
	}
	TH_LOG("kernel %s %s: uapi_version %u module_version %#x",
	       u.release, u.machine, info.uapi_version, info.module_version);
	TH_LOG("caps %#llx:%s", (unsigned long long)info.caps,
	       names[0] ? names : " (none)");
	TH_LOG("iopf_api %u (%s)", info.iopf_api,
	       iopf_api_name(info.iopf_api));

	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(0, info.flags);
	EXPECT_EQ(0, info.__reserved);
	EXPECT_EQ(HWPT_UAPI_VERSION, info.uapi_version);

	/* The same version as modinfo's, as major << 16 | minor << 8 | patch. */
	ASSERT_OK(read_file(SYS_MODULE "/version", ver, sizeof(ver)));
	ASSERT_EQ(3, sscanf(ver, "%u.%u.%u", &maj, &min, &patch));
	EXPECT_LT(min, 256);
	EXPECT_LT(patch, 256);
	if (info.module_version != (maj << 16 | min << 8 | patch))
		TH_LOG("module_version %#x, /sys/module/hwpt/version %s",
		       info.module_version, ver);
	EXPECT_EQ(maj << 16 | min << 8 | patch, info.module_version);

	EXPECT_EQ(0, info.caps & ~known_caps);
	EXPECT_LE(info.iopf_api, HWPT_IOPF_API_GROUP);

	/* FAULT_INJECT exactly when loaded with debug_inject. */
	ASSERT_OK(read_file(SYS_MODULE "/parameters/debug_inject", inject,
			    sizeof(inject)));
	TH_LOG("debug_inject=%s", inject);
	EXPECT_EQ(!strcmp(inject, "Y"),
		  !!(info.caps & HWPT_CAP_FAULT_INJECT));

	/* What the documentation of the caps implies. */
	if (info.caps & HWPT_CAP_IOPF) {
		/* Delivery needs the iopf_group API and attach handles. */
		EXPECT_EQ(HWPT_IOPF_API_GROUP, info.iopf_api);
		EXPECT_TRUE(info.caps & HWPT_CAP_ATTACH_HANDLE);
	}
	if (info.caps & HWPT_CAP_IOPF_DRIVER_ENABLE)
		EXPECT_TRUE(info.caps & HWPT_CAP_IOPF);
	if (info.caps & HWPT_CAP_PASID_REPLACE)
		EXPECT_TRUE(info.caps & HWPT_CAP_PASID);
}

/* The same answer every time, from every file. */
TEST(get_info_stable)
{
	struct hwpt_get_info a, b;
	int fd1, fd2, i;

	fd1 = hwpt_open(O_RDWR);
	fd2 = hwpt_open(O_RDONLY);
	ASSERT_GE(fd1, 0);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, get_info(fd1, &a));
	for (i = 0; i < 100; i++) {
		ASSERT_EQ(0, get_info(i & 1 ? fd1 : fd2, &b));
		ASSERT_EQ(0, memcmp(&a, &b, sizeof(a)));
	}
	close(fd1);
	close(fd2);
}

/* ---- Object IDs ---- */

TEST(ids_from_1_increasing)
{
	uint32_t id = 0, i;
	int fd = hwpt_open(O_RDWR);

	ASSERT_GE(fd, 0);
	for (i = 1; i <= 64; i++) {
		ASSERT_EQ(0, ioas_alloc(fd, &id));
		ASSERT_EQ(i, id);
	}
	close(fd);
}

TEST(ids_reused_after_destroy)
{
	uint32_t id = 0, i;
	int fd = hwpt_open(O_RDWR);

	ASSERT_GE(fd, 0);
	for (i = 1; i <= 8; i++) {
		ASSERT_EQ(0, ioas_alloc(fd, &id));
		ASSERT_EQ(i, id);
	}
	/* One hole: the next object gets it. */
	ASSERT_EQ(0, destroy(fd, 5));
	ASSERT_EQ(0, ioas_alloc(fd, &id));
	EXPECT_EQ(5, id);
	/* No hole: the next new one. */
	ASSERT_EQ(0, ioas_alloc(fd, &id));
	EXPECT_EQ(9, id);
	/* Destroy all: numbering starts again at 1, never 0. */
	for (i = 1; i <= 9; i++)
		ASSERT_EQ(0, destroy(fd, i));
	ASSERT_EQ(0, ioas_alloc(fd, &id));
	EXPECT_EQ(1, id);
	close(fd);
}

TEST(destroy_enoent)
{
	static const uint32_t bogus[] = {
		0, 1, 2, 0x7fffffff, 0x80000000u, 0xffffffffu,
	};
	unsigned int i;
	uint32_t id = 0;
	int fd = hwpt_open(O_RDWR);

	ASSERT_GE(fd, 0);
	/* An empty file. */
	for (i = 0; i < ARRAY_SIZE(bogus); i++)
		EXPECT_EQ(-ENOENT, destroy(fd, bogus[i]));
	/* With an object: 0 and the others still do not exist. */
	ASSERT_EQ(0, ioas_alloc(fd, &id));
	ASSERT_EQ(1, id);
	for (i = 0; i < ARRAY_SIZE(bogus); i++)
		if (bogus[i] != id)
			EXPECT_EQ(-ENOENT, destroy(fd, bogus[i]));
	/* Twice. */
	EXPECT_EQ(0, destroy(fd, id));
	EXPECT_EQ(-ENOENT, destroy(fd, id));
	EXPECT_EQ(-ENOENT, destroy(fd, 0));
	close(fd);
}

/* Each file has its own objects and its own ID space. */
TEST(objects_are_per_file)
{
	uint32_t id1 = 0, id2 = 0;
	int fd1 = hwpt_open(O_RDWR), fd2 = hwpt_open(O_RDWR);

	ASSERT_GE(fd1, 0);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, ioas_alloc(fd1, &id1));
	ASSERT_EQ(0, ioas_alloc(fd1, &id2));
	ASSERT_EQ(2, id2);
	/* fd2 does not see fd1's objects. */
	EXPECT_EQ(-ENOENT, destroy(fd2, id1));
	EXPECT_EQ(-ENOENT, destroy(fd2, id2));
	/* and numbers its own from 1. */
	ASSERT_EQ(0, ioas_alloc(fd2, &id2));
	EXPECT_EQ(1, id2);
	/* fd1's are unharmed; destroying in one leaves the other alone. */
	EXPECT_EQ(0, destroy(fd1, 1));
	EXPECT_EQ(0, destroy(fd2, 1));
	EXPECT_EQ(0, destroy(fd1, 2));
	EXPECT_EQ(-ENOENT, destroy(fd2, 2));
	close(fd1);
	close(fd2);
}

/* A dup()ed descriptor and a forked child share the file's objects. */
TEST(dup_and_fork_share_the_file)
{
	uint32_t id = 0;
	pid_t pid;
	int status;
	int fd = hwpt_open(O_RDWR), fd2;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &id));
	fd2 = dup(fd);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(0, destroy(fd2, id));
	EXPECT_EQ(-ENOENT, destroy(fd, id));
	close(fd2);

	ASSERT_EQ(0, ioas_alloc(fd, &id));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(destroy(fd, id) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(-ENOENT, destroy(fd, id));
	close(fd);
}

/* Many objects in one file, destroyed in an odd order. */
TEST(many_objects)
{
	const uint32_t n = 4096;
	uint32_t id = 0, i;
	int fd = hwpt_open(O_RDWR);

	ASSERT_GE(fd, 0);
	for (i = 1; i <= n; i++) {
		ASSERT_EQ(0, ioas_alloc(fd, &id));
		ASSERT_EQ(i, id);
	}
	for (i = 1; i <= n; i += 2)
		ASSERT_EQ(0, destroy(fd, i));
	for (i = 1; i <= n; i += 2) {
		ASSERT_EQ(0, ioas_alloc(fd, &id));
		ASSERT_EQ(i, id);
	}
	for (i = n; i >= 1; i--)
		ASSERT_EQ(0, destroy(fd, i));
	EXPECT_EQ(-ENOENT, destroy(fd, 1));
	close(fd);
}

TEST_HARNESS_MAIN
