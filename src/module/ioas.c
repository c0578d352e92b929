// SPDX-License-Identifier: GPL-2.0
/*
 * IO address spaces. References: an IOAS is held (as a user) by every HWPT
 * built on it, so it outlives them.
 */
#include <linux/slab.h>

#include "hwpt_priv.h"

struct hwpt_ioas {
	struct hwpt_object obj;
};

static void hwpt_ioas_destroy(struct hwpt_object *obj)
{
}

const struct hwpt_object_type hwpt_ioas_type = {
	.name = "ioas",
	.destroy = hwpt_ioas_destroy,
};

int hwpt_ioas_alloc_ioctl(struct hwpt_ucmd *ucmd)
{
	struct hwpt_ioas_alloc *cmd = ucmd->cmd;
	struct hwpt_table *t = &ucmd->ctx->table;
	struct hwpt_ioas *ioas;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;

	ioas = hwpt_object_alloc(t, struct hwpt_ioas, &hwpt_ioas_type);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	cmd->out_ioas_id = ioas->obj.id;
	rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc) {
		hwpt_object_abort(t, &ioas->obj);
		return rc;
	}
	hwpt_object_finalize(t, &ioas->obj);
	return 0;
}
