// SPDX-License-Identifier: GPL-2.0
/* HWPT_GET_INFO: what this build of the module on this kernel can do. */
#include "hwpt_priv.h"

int hwpt_get_info(struct hwpt_ucmd *ucmd)
{
	struct hwpt_get_info *cmd = ucmd->cmd;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;

	cmd->uapi_version = HWPT_UAPI_VERSION;
	cmd->module_version = HWPT_VERSION_MAJOR << 16 |
			      HWPT_VERSION_MINOR << 8 | HWPT_VERSION_PATCH;
	cmd->caps = hwpt_compat_caps();
	if (hwpt_inject_enabled())
		cmd->caps |= HWPT_CAP_FAULT_INJECT;
	cmd->iopf_api = hwpt_compat_iopf_api();
	cmd->out_faults = (u32)atomic_read(&hwpt_fault_totals.faults);
	cmd->out_resp_success = (u32)atomic_read(&hwpt_fault_totals.success);
	cmd->out_resp_invalid = (u32)atomic_read(&hwpt_fault_totals.invalid);
	cmd->out_resp_auto = (u32)atomic_read(&hwpt_fault_totals.autoresp);
	return hwpt_ucmd_respond(ucmd, sizeof(*cmd));
}
