// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libhwpt contexts, and error messages that say what to do: one line per
 * failure, "ENAME <what was being done>: <why, and the fix>".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "internal.h"

#define LH_MSG_MAX	1024

/* Per thread, as errno: which context failed last, and how. */
static __thread struct {
	const struct hwpt_ctx *ctx;
	char msg[LH_MSG_MAX];
} lh_last;

/* Advice for an errno of an operation; op -1 applies to every operation. */
static const struct {
	int op;
	int err;
	const char *advice;
} lh_advice[] = {
	{
		LH_OPEN, ENOENT,
		"/dev/hwpt does not exist: is hwpt loaded? (hwptctl load, or modprobe hwpt)",
	},
	{
		LH_OPEN, EACCES,
		"opening /dev/hwpt needs root (CAP_SYS_RAWIO)",
	},
	{
		LH_OPEN, EPERM,
		"opening /dev/hwpt needs root (CAP_SYS_RAWIO)",
	},
	{
		LH_OPEN, ENXIO,
		"the module is going away or failed to start; see dmesg",
	},
	{
		LH_BIND, ENODEV,
		"no such PCI device, or it has no IOMMU group: check the name (hwptctl devices) and that the IOMMU is on (hwptctl doctor)",
	},
	{
		LH_BIND, EINVAL,
		"not a PCI device name such as 0000:01:00.0, or not an endpoint (bridges cannot be bound), or its IOMMU cannot keep DMA cache coherent; dmesg says which",
	},
	{
		LH_BIND, EPERM,
		"the platform cannot isolate the device's MSIs (interrupt remapping is off): a DMA write could raise any interrupt; load hwpt with allow_unsafe_interrupts=1 to bind it anyway",
	},
	{
		LH_BIND, EBUSY,
		"another /dev/hwpt file owns its IOMMU group, or a driver took a device of it; dmesg names it",
	},
	{
		LH_ATTACH, EBUSY,
		"the device is attached already: replace instead",
	},
	{
		LH_ATTACH, EINVAL,
		"another device of its IOMMU group is attached to a different page table (a group shares one: attach to that one, or replace), or the ID is no IOAS or HWPT of this file",
	},
	{
		LH_ATTACH, EOPNOTSUPP,
		"the HWPT is fault-capable and this device's page requests cannot reach a fault queue here (no IOPF); only with debug_inject=1 can any device attach it",
	},
	{
		LH_REPLACE, EINVAL,
		"the device is not attached (attach it first), or the ID is no IOAS or HWPT of this file that its IOMMU can use",
	},
	{
		LH_REPLACE, EOPNOTSUPP,
		"the HWPT is fault-capable and this device's page requests cannot reach a fault queue here (no IOPF); only with debug_inject=1 can any device attach it",
	},
	{
		LH_DETACH, EINVAL,
		"the device is not attached",
	},
	{
		LH_MAP, ENOMEM,
		"pinning it would pass RLIMIT_MEMLOCK: raise it (ulimit -l) or map less",
	},
	{
		LH_MAP, EEXIST,
		"the IOVA range overlaps a mapping: unmap that first, or let the kernel pick the IOVA",
	},
	{
		LH_MAP, EINVAL,
		"the address or length is not page-aligned, or the IOVA is in a reserved region (see the IOAS's IOVA ranges)",
	},
	{
		LH_MAP, ENOSPC,
		"no free IOVA range is that large",
	},
	{
		LH_MAP, EOVERFLOW,
		"the range wraps around the end of the address space",
	},
	{
		LH_MAP, EFAULT,
		"the memory cannot be pinned: map memory this process owns",
	},
	{
		LH_UNMAP, ENOENT,
		"nothing is mapped there",
	},
	{
		LH_UNMAP, EINVAL,
		"a mapping crosses an end of the range: unmap whole mappings",
	},
	{
		LH_RANGES, EMSGSIZE,
		"more ranges than the array has room for; the count is returned",
	},
	{
		LH_HWPT_ALLOC, EINVAL,
		"the IDs must be a device and an IOAS of this file",
	},
	{
		LH_HWPT_ALLOC, EOPNOTSUPP,
		"a flag this kernel or IOMMU cannot honour: dirty tracking (no HWPT_CAP_DIRTY_RECORDING), or enforced coherency (the IOMMU cannot block no-snoop for this device)",
	},
	{
		LH_HWPT_ALLOC_FAULT, EOPNOTSUPP,
		"the device's page requests cannot reach a fault queue on this kernel and IOMMU (no IOPF): load hwpt with debug_inject=1 to rehearse with injected faults",
	},
	{
		LH_HWPT_ALLOC_FAULT, EINVAL,
		"a PCI virtual function cannot be fault-capable (it shares PRI with its PF), or an ID is wrong; dmesg says which",
	},
	{
		LH_DESTROY, EBUSY,
		"another object depends on it: detach devices from an HWPT, and destroy HWPTs before their IOAS or fault queue",
	},
	{
		LH_FAULTQ_ALLOC, EOPNOTSUPP,
		"this kernel cannot deliver I/O page faults (no iopf capability) and fault injection is off: to rehearse with injected faults, reload hwpt with debug_inject=1 (hwptctl unload; hwptctl load debug_inject=1)",
	},
	{
		LH_FAULT_READ, EINVAL,
		"the buffer holds fewer records than the first waiting group: read with more room",
	},
	{
		LH_FAULT_READ, EAGAIN,
		"no fault group is waiting",
	},
	{
		LH_FAULT_READ, ENODEV,
		"the fault queue was destroyed",
	},
	{
		LH_FAULT_RESPOND, EINVAL,
		"an unknown or repeated cookie, or a code other than SUCCESS or INVALID: nothing was answered",
	},
	{
		LH_FAULT_RESPOND, ENODEV,
		"the fault queue was destroyed",
	},
	{
		LH_FAULT_INJECT, EPERM,
		"fault injection is off or the caller lacks CAP_SYS_ADMIN: reload hwpt with debug_inject=1 (hwptctl unload; hwptctl load debug_inject=1) and run as root",
	},
	{
		LH_FAULT_INJECT, EINVAL,
		"the device is not attached to a fault-capable HWPT, or a field is out of range",
	},
	{
		-1, ENOTTY,
		"the loaded hwpt module does not know this command: it is older than this libhwpt; load the matching module (hwptctl status shows its version)",
	},
	{
		-1, ENODEV,
		"the device is gone (hot-unplugged or unbound): only destroying it works",
	},
	{
		-1, ENOENT,
		"no object of this file has that ID",
	},
};

static const char *lh_advice_for(enum lh_op op, int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lh_advice); i++)
		if ((lh_advice[i].op == (int)op || lh_advice[i].op == -1) &&
		    lh_advice[i].err == err)
			return lh_advice[i].advice;
	return strerror(err);
}

static int lh_fail_va(const struct hwpt_ctx *ctx, int rc, const char *advice,
		      const char *fmt, va_list ap)
{
	const char *name = strerrorname_np(-rc);
	char what[256];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (name)
		snprintf(lh_last.msg, sizeof(lh_last.msg), "%s %s: %s", name,
			 what, advice);
	else
		snprintf(lh_last.msg, sizeof(lh_last.msg), "error %d %s: %s",
			 -rc, what, advice);
	lh_last.ctx = ctx;
	return rc;
}

int lh_fail(const struct hwpt_ctx *ctx, int rc, enum lh_op op,
	    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lh_fail_va(ctx, rc, lh_advice_for(op, -rc), fmt, ap);
	va_end(ap);
	return rc;
}

int lh_fail_advice(const struct hwpt_ctx *ctx, int rc, const char *advice,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lh_fail_va(ctx, rc, advice, fmt, ap);
	va_end(ap);
	return rc;
}

int lh_sized(const struct hwpt_ctx *ctx, void *s, size_t min, bool zero,
	     const char *type)
{
	char advice[128];
	uint32_t size;

	memcpy(&size, s, sizeof(size));
	/* An uninitialised size must not become a wild memset. */
	if (size < min || size > LH_SIZE_MAX) {
		snprintf(advice, sizeof(advice),
			 "set its size to sizeof(struct %s) first", type);
		return lh_fail_advice(ctx, -EINVAL, advice,
				      "passing a struct %s of %u bytes", type,
				      size);
	}
	if (zero)
		memset((char *)s + sizeof(size), 0, size - sizeof(size));
	return 0;
}

const char *hwpt_strerror(const struct hwpt_ctx *ctx)
{
	return !ctx || lh_last.ctx == ctx ? lh_last.msg : "";
}

int lh_ioctl(struct hwpt_ctx *ctx, unsigned long cmd, void *arg)
{
	return ioctl(ctx->fd, cmd, arg) ? -errno : 0;
}

int hwpt_ctx_open(struct hwpt_ctx **ctxp, const char *path)
{
	struct hwpt_ctx *ctx;
	int rc;

	*ctxp = NULL;
	if (!path)
		path = LIBHWPT_DEV_PATH;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return lh_fail(NULL, -ENOMEM, LH_OPEN, "opening %s", path);
	ctx->fd = open(path, O_RDWR | O_CLOEXEC);
	if (ctx->fd < 0) {
		rc = -errno;
		free(ctx);
		return lh_fail(NULL, rc, LH_OPEN, "opening %s", path);
	}
	*ctxp = ctx;
	return 0;
}

void hwpt_ctx_close(struct hwpt_ctx *ctx)
{
	if (!ctx)
		return;
	close(ctx->fd);
	if (lh_last.ctx == ctx)
		lh_last.ctx = NULL;
	free(ctx);
}

int hwpt_ctx_fd(const struct hwpt_ctx *ctx)
{
	return ctx->fd;
}
