// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl devices and info: PCI devices, and one device as hwpt sees it.
 * Both only read; info --bind binds the device for the run, to ask the
 * module what it knows of it.
 */
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

/* "a, b, c" of @p's peers into @buf ("none" if alone). */
static const char *devices_peers(const struct hwpt_pci_info *p, char *buf,
				 size_t len)
{
	unsigned int i;
	size_t n = 0;

	snprintf(buf, len, "none");
	for (i = 0; i < p->nr_peers && i < LIBHWPT_PCI_MAX_PEERS && n < len;
	     i++)
		n += snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
			      p->peers[i].name);
	if (p->nr_peers > LIBHWPT_PCI_MAX_PEERS && n < len)
		snprintf(buf + n, len - n, " and %u more",
			 p->nr_peers - LIBHWPT_PCI_MAX_PEERS);
	return buf;
}

/* "Vendor Device (Class)" as far as known, for the terminal. */
static const char *devices_name(const struct cli_pci_names *n, char *buf,
				size_t len)
{
	if (!n->vendor && !n->device && !n->class)
		return cli_have_libpci ? "unknown (not in the PCI ID database)" :
		       "unknown (this hwptctl is built without libpci)";
	snprintf(buf, len, "%s%s%s%s%s%s", n->vendor ?: "",
		 n->vendor && n->device ? " " : "", n->device ?: "",
		 n->class && (n->vendor || n->device) ? " (" : "",
		 n->class ?: "", n->class && (n->vendor || n->device) ? ")" : "");
	return buf;
}

/*
 * What sysfs and the PCI ID database say of @p (all null for @p NULL, a
 * device that does not exist): a row of the devices table (@row), or a
 * line each for info.
 */
static void devices_pci(const char *name, const struct hwpt_pci_info *p,
			bool row)
{
	char id[16], cls[16], verdict[96], peers[640], advice[1024], text[544];
	struct cli_pci_names n = { NULL };
	unsigned int i;
	bool iommu;

	if (p) {
		snprintf(id, sizeof(id), "%04x:%04x", p->vendor, p->device);
		snprintf(cls, sizeof(cls), "%06x", p->pci_class);
		cli_pci_names(p, &n);
	}
	out_str("name", row ? "%-13s " : "device         %s", name);
	out_str("id", row ? "%-10s " : " (%s", p ? id : NULL);
	out_str("class", row ? "%-7s " : ", class %s)\n", p ? cls : NULL);
	out_str("vendor_name", NULL, n.vendor);
	out_str("device_name", NULL, n.device);
	out_str("class_name", NULL, n.class);
	if (!row)
		out_text("  name         %s\n", devices_name(&n, text,
							  sizeof(text)));
	if (p && p->group >= 0)
		out_int("iommu_group", row ? "%-5lld " : "IOMMU group    %lld",
			p->group);
	else
		out_str("iommu_group", row ? "%-5s " : "IOMMU group    none",
			NULL);
	if (!row)
		out_text(p && p->group >= 0 ? ", other devices: %s\n" : "\n",
			 p ? devices_peers(p, peers, sizeof(peers)) : "");
	iommu = p && p->iommu[0];
	out_str("iommu", row ? "%-7s " : iommu ? "IOMMU          %s" : NULL,
		iommu ? p->iommu : NULL);
	out_str("iommu_vendor", row ? "%-11s " : iommu ? " (%s)\n" : NULL,
		iommu ? p->iommu_vendor : NULL);
	if (!row && !iommu)
		out_text("IOMMU          none serves it\n");
	out_str("driver", row ? "%-10s " : "driver         %s\n",
		p && p->driver[0] ? p->driver : NULL);
	if (p) {
		out_arr("group_peers");
		for (i = 0; i < p->nr_peers && i < LIBHWPT_PCI_MAX_PEERS; i++)
			out_str(NULL, NULL, p->peers[i].name);
		out_end();
	} else {
		out_str("group_peers", NULL, NULL);
	}
	if (row) {
		out_text("%-18s %s\n", devices_verdict(p, verdict,
						       sizeof(verdict)),
			 n.vendor || n.device || n.class ?
			 devices_name(&n, text, sizeof(text)) : "-");
		if (p->nr_peers)
			out_vtext("  group peers  %s\n",
				  devices_peers(p, peers, sizeof(peers)));
	}
	out_obj("hwpt");
	if (!p) {
		out_nulls("can_bind", "state", "verdict", "advice",
			  "unbind_first", NULL);
		out_end();
		return;
	}
	out_bool("can_bind", NULL, p->state == LIBHWPT_PCI_FREE);
	out_str("state", row ? OUT_V("  hwpt         %s: ") : "hwpt           %s: ",
		hwpt_pci_state_name(p->state));
	out_str("verdict", NULL, devices_verdict(p, verdict, sizeof(verdict)));
	out_str("advice", row ? OUT_V("%s\n") : "%s\n",
		hwpt_pci_advice(p, advice, sizeof(advice)));
	devices_unbind(p);
	out_end();
}

int cmd_devices(int argc, char **argv)
{
	unsigned int total = 0, free_ = 0;
	struct hwpt_pci_info p = { .size = sizeof(p) };
	struct dirent **names;
	int i, n;

	if (!cli_plain_args(argc, argv, 0))
		return CLI_USAGE;
	n = scandir("/sys/bus/pci/devices", &names, NULL, alphasort);
	if (n < 0) {
		out_error("/sys/bus/pci/devices: %m (is sysfs mounted?)");
		out_nulls("devices", "total", "free", NULL);
		return CLI_FAIL;
	}
	out_text("%-13s %-10s %-7s %-5s %-7s %-11s %-10s %-18s %s\n", "DEVICE",
		 "ID", "CLASS", "GROUP", "IOMMU", "VENDOR", "DRIVER", "HWPT",
		 "NAME");
	out_arr("devices");
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' &&
		    !hwpt_pci_inspect(names[i]->d_name, &p)) {
			out_obj(NULL);
			devices_pci(p.name, &p, true);
			out_end();
			total++;
			free_ += p.state == LIBHWPT_PCI_FREE;
		}
		free(names[i]);
	}
	free(names);
	out_end();
	out_uint("total", "%llu devices", total);
	out_uint("free", ", hwpt can take %llu", free_);
	if (!out_verbose())
		out_text(" (hwptctl devices -v says what to unbind for the others)");
	out_text("\n");
	return CLI_OK;
}

/* A device state bit, and on the terminal what it means either way. */
static void state_line(const char *key, const char *fmt, bool on,
		       const char *if_on, const char *if_off)
{
	out_bool(key, fmt, on);
	out_text("%s", on ? if_on : if_off);
}

/* A register as a hexadecimal string (JSON numbers lose 64-bit values). */
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
	union {
		struct hwpt_hw_info_vtd vtd;
		struct hwpt_hw_info_arm_smmuv3 smmu;
		struct hwpt_hw_info_amd amd;
	} r;
	struct hwpt_hw_info hw = { .size = sizeof(hw) };
	char idr[8];
	size_t i;

	if (hwpt_get_hw_info(ctx, dev, &r, sizeof(r), &hw)) {
		out_str("hw_info", NULL, NULL);
		out_str("hw_info_error", "hardware info  unavailable: %s\n",
			hwpt_strerror(ctx));
		return;
	}
	out_obj("hw_info");
	out_str("type", "hardware info  %s",
		hwpt_hw_info_type_name(hw.out_data_type));
	out_uint("type_id", OUT_V(" (type %llu)"), hw.out_data_type);
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
	out_text("  device and IOMMU capabilities");
	out_uint("capabilities", OUT_V(" %#llx"), hw.out_capabilities);
	out_text(":\n");
	cli_print_caps("capability_names", hw.out_capabilities,
		       hwpt_hw_cap_desc);
	out_end();
	out_str("hw_info_error", NULL, NULL);
}

/* What HWPT_DEVICE_GET says of bound device @dev, or null if unbound. */
static void info_bound(struct hwpt_ctx *ctx, uint32_t dev,
		       const struct hwpt_device_get *g)
{
	static const char *const keys[] = {
		"dev_id", "group_devices_bound", "iopf", "vf", "coherent",
		"dead", "hwpt_id", "faults", "hw_info", "hw_info_error",
	};
	size_t i;

	if (!g) {
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			out_str(keys[i], NULL, NULL);
		return;
	}
	out_uint("dev_id", "bound          as device %llu for this run",
		 dev);
	out_uint("group_devices_bound", ", %llu device(s) of its group bound here\n",
		 g->out_group_devices);
	state_line("iopf", "IOPF           %s", g->out_state & HWPT_DEVICE_IOPF,
		   " (its page requests can reach a fault queue)\n",
		   " (only injected faults can reach a fault queue)\n");
	out_bool("vf", "virtual fn     %s\n", g->out_state & HWPT_DEVICE_VF);
	state_line("coherent", "coherent       %s",
		   g->out_state & HWPT_DEVICE_COHERENT,
		   " (its IOMMU can block no-snoop: ENFORCE_COHERENCY HWPTs)\n",
		   " (or unknown without the coherency-query capability)\n");
	out_bool("dead", "gone           %s\n", g->out_state & HWPT_DEVICE_DEAD);
	if (g->out_hwpt_id)
		out_uint("hwpt_id", "attached to    HWPT %llu\n", g->out_hwpt_id);
	else
		out_str("hwpt_id", "attached to    nothing (DMA blocked)\n",
			NULL);
	cli_print_counts(g);
	info_hw(ctx, dev);
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", no_argument, NULL, 'b' },
		{}
	};
	struct hwpt_get_info info = { .size = sizeof(info) };
	struct hwpt_device_get g = { .size = sizeof(g) };
	struct hwpt_pci_info p;
	struct hwpt_ctx *ctx = NULL;
	bool bind = false, found, bound = false, got = false, gi, ok;
	const char *name;
	uint32_t dev = 0;
	int c, open_rc;

	while ((c = cli_getopt(argc, argv, "b", opts)) != -1) {
		if (c != 'b')
			return CLI_USAGE;
		bind = true;
	}
	if (!cli_operands(argc, 1))
		return CLI_USAGE;
	name = argv[optind];
	found = cli_inspect(name, &p);
	/* Reading: /dev/hwpt may be closed to this user, or absent. */
	open_rc = hwpt_ctx_open(&ctx, NULL);
	if (open_rc && bind && found)
		out_error("%s", hwpt_strerror(NULL));
	if (ctx && bind && found)
		bound = !cli_bind(ctx, name, &dev);
	if (bound) {
		got = !hwpt_device_get(ctx, dev, &g);
		if (!got)
			out_error("%s", hwpt_strerror(ctx));
	}
	ok = found && (!bind || got);

	/* A device that does not exist: the error, and null for the rest. */
	if (found || out_json()) {
		out_obj("device");
		devices_pci(name, found ? &p : NULL, false);
		out_bool("bound", NULL, bound);
		if (found && !bind)
			out_text("bound          no: IOPF, VF, coherency, fault counts and hardware info need --bind%s\n",
				 p.state == LIBHWPT_PCI_FREE ? "" :
				 " (and a device hwpt can take)");
		info_bound(ctx, dev, got ? &g : NULL);
		out_end();
		out_obj("device_node");
		out_bool("open", NULL, !open_rc);
		out_str("error", "/dev/hwpt      %s\n",
			open_rc ? hwpt_strerror(NULL) : NULL);
		out_end();
		gi = ctx && !hwpt_get_info(ctx, &info);
		if (ctx && !gi) {
			out_error("%s", hwpt_strerror(ctx));
			ok = false;
		}
		cli_print_info(gi ? &info : NULL);
	}
	hwpt_ctx_close(ctx);
	return ok ? CLI_OK : CLI_FAIL;
}
