/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libhwpt internals: the context and error recording. */
#ifndef LIBHWPT_INTERNAL_H
#define LIBHWPT_INTERNAL_H

#include "libhwpt.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* The size of @type up to and including @member: a first version's size. */
#define LH_SIZE_UPTO(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))
/* No struct of the library or the uAPI comes near: a bigger size is garbage. */
#define LH_SIZE_MAX	4096

struct hwpt_ctx {
	int fd;
};

/* What a call was doing, to pick the advice for its errno. */
enum lh_op {
	LH_OPEN,
	LH_INFO,
	LH_HW_INFO,
	LH_BIND,
	LH_DEVICE,		/* any other command on a device */
	LH_ATTACH,
	LH_REPLACE,
	LH_DETACH,
	LH_IOAS_ALLOC,
	LH_MAP,
	LH_UNMAP,
	LH_RANGES,
	LH_HWPT_ALLOC,
	LH_HWPT_ALLOC_FAULT,
	LH_DESTROY,
	LH_FAULTQ_ALLOC,
	LH_FAULT_READ,
	LH_FAULT_RESPOND,
	LH_FAULT_INJECT,
};

/* ioctl() on @ctx's file: 0 or -errno. */
int lh_ioctl(struct hwpt_ctx *ctx, unsigned long cmd, void *arg);

/*
 * Record "ENAME <what>: <advice>" as the calling thread's last error on
 * @ctx, the advice being the one for @op and -@rc (the errno text if
 * none); <what> is printf(@fmt, ...). Returns @rc.
 */
int lh_fail(const struct hwpt_ctx *ctx, int rc, enum lh_op op,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same with the advice given. */
int lh_fail_advice(const struct hwpt_ctx *ctx, int rc, const char *advice,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The caller's structure @s (@type, for the message) begins with the size
 * the caller set: -EINVAL if below @min, the first version's size (the
 * library would write past it), else all of it but the size is zeroed
 * when @zero.
 */
int lh_sized(const struct hwpt_ctx *ctx, void *s, size_t min, bool zero,
	     const char *type);

#endif /* LIBHWPT_INTERNAL_H */
