// SPDX-License-Identifier: GPL-2.0
/*
 * HWPT_GET_INFO: what this build of the module on this kernel can do.
 * HWPT_GET_HW_INFO: what the IOMMU serving a device is.
 */
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/pci.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "hwpt_priv.h"
#include "vendor/vendor.h"

int hwpt_get_info(struct hwpt_ucmd *ucmd)
{
	struct hwpt_get_info *cmd = ucmd->cmd;

	if (cmd->flags || cmd->__reserved || cmd->__reserved2)
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
	cmd->out_retired = atomic_read(&hwpt_retired_count);
	return hwpt_ucmd_respond(ucmd, sizeof(*cmd));
}

/* What a device's PCI capabilities say, as HWPT_HW_CAP_* bits. */
static u64 hwpt_hw_caps(struct pci_dev *pdev)
{
	int pasid = pdev->pasid_cap ? pci_pasid_features(pdev) : 0;
	u64 caps = 0;

	if (pasid > 0 && (pasid & PCI_PASID_CAP_EXEC))
		caps |= HWPT_HW_CAP_PCI_PASID_EXEC;
	if (pasid > 0 && (pasid & PCI_PASID_CAP_PRIV))
		caps |= HWPT_HW_CAP_PCI_PASID_PRIV;
	if (!hwpt_pci_has_ext_cap(pdev, PCI_EXT_CAP_ID_ATS))
		caps |= HWPT_HW_CAP_PCI_ATS_NOT_SUPPORTED;
	return caps;
}

/* Hand out @len bytes of @data in @cmd's buffer, zero-filling the rest. */
static int hwpt_hw_info_copy(struct hwpt_hw_info *cmd, const void *data,
			     u32 len)
{
	void __user *ubuf = u64_to_user_ptr(cmd->data_uptr);
	u32 n = min(cmd->data_len, len);

	if (copy_to_user(ubuf, data, n))
		return -EFAULT;
	if (cmd->data_len > len && clear_user(ubuf + len, cmd->data_len - len))
		return -EFAULT;
	cmd->data_len = len;
	return 0;
}

int hwpt_get_hw_info(struct hwpt_ucmd *ucmd)
{
	struct hwpt_hw_info *cmd = ucmd->cmd;
	struct hwpt_ctx *ctx = ucmd->ctx;
	union {
		struct hwpt_hw_info_vtd vtd;
		struct hwpt_hw_info_arm_smmuv3 smmu;
		struct hwpt_hw_info_amd amd;
	} data = {};
	struct hwpt_device *dev;
	struct hwpt_object *obj;
	struct device *d;
	u32 len = 0, pasids;
	int rc = 0;

	if (cmd->flags || memchr_inv(cmd->__reserved, 0,
				     sizeof(cmd->__reserved)))
		return -EOPNOTSUPP;
	obj = hwpt_object_get(&ctx->table, cmd->dev_id, &hwpt_device_type);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	dev = container_of(obj, struct hwpt_device, obj);
	d = &dev->pdev->dev;

	/* Bound, so dev->iommu lives: remove() takes ctx->lock first. */
	mutex_lock(&ctx->lock);
	if (dev->dead) {
		rc = -ENODEV;
	} else {
		cmd->out_data_type = dev->vendor->hw_info_type;
		if (dev->vendor->hw_info)
			rc = dev->vendor->hw_info(d->iommu->iommu_dev->dev,
						  &data, &len);
		pasids = hwpt_compat_max_pasids(d);
		cmd->out_max_pasid_log2 = pasids ? ilog2(pasids) : 0;
		cmd->out_capabilities = hwpt_hw_caps(dev->pdev);
	}
	mutex_unlock(&ctx->lock);
	if (!rc)
		rc = hwpt_hw_info_copy(cmd, &data, len);
	if (!rc)
		rc = hwpt_ucmd_respond(ucmd, sizeof(*cmd));
	hwpt_object_put(&ctx->table, obj);
	return rc;
}
