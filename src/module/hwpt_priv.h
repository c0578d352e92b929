/* SPDX-License-Identifier: GPL-2.0 */
/* Private header shared by the module's files. */
#ifndef HWPT_PRIV_H
#define HWPT_PRIV_H

#include <linux/hwpt.h>
#include <linux/types.h>

#include "compat.h"
#include "inject.h"
#include "object.h"

/* One open /dev/hwpt file. */
struct hwpt_ctx {
	struct hwpt_table table;
};

/* One ioctl call: the argument copied in, and where to write it back. */
struct hwpt_ucmd {
	struct hwpt_ctx *ctx;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

int hwpt_ucmd_respond(struct hwpt_ucmd *ucmd, size_t length);
long hwpt_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);

/* Handlers, one per command, in the file of the object they act on. */
int hwpt_get_info(struct hwpt_ucmd *ucmd);
int hwpt_ioas_alloc_ioctl(struct hwpt_ucmd *ucmd);

extern const struct hwpt_object_type hwpt_ioas_type;

#endif /* HWPT_PRIV_H */
