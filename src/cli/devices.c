// SPDX-License-Identifier: GPL-2.0
/* hwptctl devices and info: PCI devices, and one device as hwpt sees it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

/* The HWPT column: can hwpt take it, or what is in the way. */
static const char *devices_verdict(const struct hwpt_pci_info *p, char *buf,
				   size_t len)
{
	unsigned int i;

	switch (p->state) {
	case LIBHWPT_PCI_FREE:
		return "yes";
	case LIBHWPT_PCI_HWPT:
		return "in use by hwpt";
	case LIBHWPT_PCI_DRIVER:
		snprintf(buf, len, "unbind %s", p->driver);
		return buf;
	case LIBHWPT_PCI_GROUP_BUSY:
		for (i = 0; i < LIBHWPT_PCI_MAX_PEERS - 1 && !p->peers[i].blocks;
		     i++)
			;
		snprintf(buf, len, "unbind %s (%s)", p->peers[i].name,
			 p->peers[i].driver);
		return buf;
	case LIBHWPT_PCI_GROUP_HWPT:
		return "group held by hwpt";
	case LIBHWPT_PCI_NO_GROUP:
		return "no IOMMU group";
	}
	return "?";
}

/* What is in the way of hwpt: the device's driver, DMA drivers of peers. */
static void devices_unbind(const struct hwpt_pci_info *p)
{
	unsigned int i;

	out_arr("unbind_first");
	if (p->state == LIBHWPT_PCI_DRIVER) {
		out_obj(NULL);
		out_str("device", NULL, p->name);
		out_str("driver", NULL, p->driver);
		out_end();
	}
	for (i = 0; i < p->nr_peers && i < LIBHWPT_PCI_MAX_PEERS; i++) {
		if (!p->peers[i].blocks)
			continue;
		out_obj(NULL);
		out_str("device", NULL, p->peers[i].name);
		out_str("driver", NULL, p->peers[i].driver);
		out_end();
	}
	out_end();
}

static void devices_one(const struct hwpt_pci_info *p)
{
	char id[16], cls[16], verdict[96], advice[1024];
	unsigned int i;

	snprintf(id, sizeof(id), "%04x:%04x", p->vendor, p->device);
	snprintf(cls, sizeof(cls), "%06x", p->pci_class);
	out_obj(NULL);
	out_str("name", "%-13s ", p->name);
	out_str("id", "%-10s ", id);
	out_str("class", "%-7s ", cls);
	if (p->group >= 0)
		out_int("iommu_group", "%-5lld ", p->group);
	else
		out_str("iommu_group", "%-5s ", NULL);
	out_str("iommu", "%-7s ", p->iommu[0] ? p->iommu : NULL);
	out_str("iommu_vendor", "%-11s ",
		p->iommu_vendor[0] ? p->iommu_vendor : NULL);
	out_str("driver", "%-10s ", p->driver[0] ? p->driver : NULL);
	out_arr("group_peers");
	for (i = 0; i < p->nr_peers && i < LIBHWPT_PCI_MAX_PEERS; i++)
		out_str(NULL, NULL, p->peers[i].name);
	out_end();
	out_obj("hwpt");
	out_bool("can_bind", NULL, p->state == LIBHWPT_PCI_FREE);
	out_str("state", NULL, hwpt_pci_state_name(p->state));
	out_str("verdict", "%s\n",
		devices_verdict(p, verdict, sizeof(verdict)));
	out_str("advice", NULL, hwpt_pci_advice(p, advice, sizeof(advice)));
	devices_unbind(p);
	out_end();
	out_end();
}

int cmd_devices(int argc, char **argv)
{
	unsigned int total = 0, free_ = 0;
	struct hwpt_pci_info p;
	struct dirent **names;
	int i, n;

	if (!cli_plain_args(argc, argv, 0))
		return CLI_USAGE;
	n = scandir("/sys/bus/pci/devices", &names, NULL, alphasort);
	if (n < 0) {
		out_error("/sys/bus/pci/devices: %m (is sysfs mounted?)");
		return CLI_FAIL;
	}
	out_text("%-13s %-10s %-7s %-5s %-7s %-11s %-10s %s\n", "DEVICE", "ID",
		 "CLASS", "GROUP", "IOMMU", "VENDOR", "DRIVER", "HWPT");
	out_arr("devices");
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' &&
		    !hwpt_pci_inspect(names[i]->d_name, &p)) {
			devices_one(&p);
			total++;
			free_ += p.state == LIBHWPT_PCI_FREE;
		}
		free(names[i]);
	}
	free(names);
	out_end();
	out_uint("total", "%llu devices", total);
	out_uint("free", ", hwpt can take %llu", free_);
	out_text(" (hwptctl devices --json says what to unbind for the others)\n");
	return CLI_OK;
}

/* A register as a hexadecimal string (JSON numbers lose 64-bit values). */
/* A device state bit, and on the terminal what it means either way. */
static void state_line(const char *key, const char *fmt, bool on,
		       const char *if_on, const char *if_off)
{
	out_bool(key, fmt, on);
	out_text("%s", on ? if_on : if_off);
}

static void info_reg(const char *name, uint64_t v)
{
	char hex[24];

	snprintf(hex, sizeof(hex), "%#llx", (unsigned long long)v);
	out_text("  %-12s ", name);
	out_str(name, "%s\n", hex);
}

/* GET_HW_INFO: the serving IOMMU's registers, PASID width, capabilities. */
static void info_hw(struct hwpt_ctx *ctx, uint32_t dev)
{
	const struct hwpt_cap_desc *caps;
	union {
		struct hwpt_hw_info_vtd vtd;
		struct hwpt_hw_info_arm_smmuv3 smmu;
		struct hwpt_hw_info_amd amd;
	} r;
	struct hwpt_hw_info hw;
	char idr[8];
	size_t n, i;

	if (hwpt_get_hw_info(ctx, dev, &r, sizeof(r), &hw)) {
		out_str("hw_info", NULL, NULL);
		out_str("hw_info_error", "hardware info  unavailable: %s\n",
			hwpt_strerror(ctx));
		return;
	}
	out_obj("hw_info");
	out_str("type", "hardware info  %s",
		hwpt_hw_info_type_name(hw.out_data_type));
	out_uint("type_id", NULL, hw.out_data_type);
	out_uint("data_len", " (GET_HW_INFO, %llu bytes of registers)\n",
		 hw.data_len);
	out_obj("registers");
	if (hw.out_data_type == HWPT_HW_INFO_TYPE_INTEL_VTD && hw.data_len) {
		info_reg("cap_reg", r.vtd.cap_reg);
		info_reg("ecap_reg", r.vtd.ecap_reg);
	} else if (hw.out_data_type == HWPT_HW_INFO_TYPE_AMD && hw.data_len) {
		info_reg("efr", r.amd.efr);
		info_reg("efr2", r.amd.efr2);
	} else if (hw.out_data_type == HWPT_HW_INFO_TYPE_ARM_SMMUV3 &&
		   hw.data_len) {
		for (i = 0; i < ARRAY_SIZE(r.smmu.idr); i++) {
			snprintf(idr, sizeof(idr), "idr%zu", i);
			info_reg(idr, r.smmu.idr[i]);
		}
		info_reg("iidr", r.smmu.iidr);
		info_reg("aidr", r.smmu.aidr);
	} else {
		out_text("  (no registers: this kernel does not show them to a module)\n");
	}
	out_end();
	out_uint("max_pasid_log2", "  PASID width  %llu bits\n",
		 hw.out_max_pasid_log2);
	out_uint("capabilities", NULL, hw.out_capabilities);
	caps = hwpt_hw_caps(&n);
	out_text("  device and IOMMU capabilities:\n");
	cli_print_caps("capability_names", hw.out_capabilities, caps, n);
	out_end();
}

int cmd_info(int argc, char **argv)
{
	struct hwpt_get_info info;
	struct hwpt_device_get g;
	struct hwpt_pci_info p;
	struct hwpt_ctx *ctx;
	const char *name;
	uint32_t dev;
	char id[16];
	int rc = CLI_FAIL;

	if (!cli_plain_args(argc, argv, 1))
		return CLI_USAGE;
	name = argv[optind];
	ctx = cli_open();
	if (!ctx)
		return CLI_FAIL;
	if (cli_bind(ctx, name, &dev))
		goto out;
	if (hwpt_device_get(ctx, dev, &g)) {
		out_error("%s", hwpt_strerror(ctx));
		goto out;
	}
	hwpt_pci_inspect(name, &p);
	snprintf(id, sizeof(id), "%04x:%04x", p.vendor, p.device);
	out_obj("device");
	out_str("name", "device         %s", name);
	out_str("id", " (%s)", id);
	out_uint("dev_id", ", bound as device %llu\n", dev);
	out_uint("iommu_group", "IOMMU group    %llu", g.out_group_id);
	out_uint("group_devices_bound", ", %llu device(s) of it bound here\n",
		 g.out_group_devices);
	out_str("iommu", "IOMMU          %s", p.iommu[0] ? p.iommu : NULL);
	out_str("iommu_vendor", " (%s)\n",
		p.iommu_vendor[0] ? p.iommu_vendor : NULL);
	state_line("iopf", "IOPF           %s", g.out_state & HWPT_DEVICE_IOPF,
		   " (its page requests can reach a fault queue)\n",
		   " (only injected faults can reach a fault queue)\n");
	out_bool("vf", "virtual fn     %s\n", g.out_state & HWPT_DEVICE_VF);
	state_line("coherent", "coherent       %s",
		   g.out_state & HWPT_DEVICE_COHERENT,
		   " (its IOMMU can block no-snoop: ENFORCE_COHERENCY HWPTs)\n",
		   " (or unknown without the coherency-query capability)\n");
	out_bool("dead", "gone           %s\n", g.out_state & HWPT_DEVICE_DEAD);
	if (g.out_hwpt_id)
		out_uint("hwpt_id", "attached to    HWPT %llu\n", g.out_hwpt_id);
	else
		out_str("hwpt_id", NULL, NULL);
	if (!g.out_hwpt_id)
		out_text("attached to    nothing (DMA blocked)\n");
	cli_print_counts(&g);
	info_hw(ctx, dev);
	out_end();
	if (hwpt_get_info(ctx, &info)) {
		out_error("%s", hwpt_strerror(ctx));
		goto out;
	}
	cli_print_info(&info);
	rc = CLI_OK;
out:
	hwpt_ctx_close(ctx);
	return rc;
}
