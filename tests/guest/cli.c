// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of hwptctl: every subcommand run with --json, its one JSON
 * document parsed (strictly: cli_json.h) and checked against what the
 * test finds out by itself: GET_INFO, sysfs, the edu devices, the kernel's
 * answers. Errors are checked too: their exit status and the message that
 * says what to do. Every document has the same keys whatever the state
 * (null when unknown), and info reads only unless told --bind.
 *
 * hwptctl is the static guest build (no libkmod, no libpci) in /usr/bin.
 * The load and unload case runs last and leaves the module loaded as it
 * found it, with the same debug_inject.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <stdarg.h>
#include <sys/wait.h>
#include <linux/hwpt.h>

#include "cli_json.h"
#include "edu.h"

#define OUT_MAX		(1024 * 1024)
#define ERR_FILE	"/tmp/hwptctl.stderr"

/*
 * Run @cmd through the shell: stdout into @out (room for @len bytes), the
 * first line of stderr into @err; the wait status, -1 if it could not run.
 */
static int shell(const char *cmd, char *out, size_t len, char *err,
		 size_t elen)
{
	char line[600];
	size_t n = 0;
	FILE *p;
	int st;

	snprintf(line, sizeof(line), "%s 2>%s", cmd, ERR_FILE);
	p = popen(line, "r");
	if (!p)
		return -1;
	while (n < len - 1 && !feof(p) && !ferror(p))
		n += fread(out + n, 1, len - 1 - n, p);
	out[n] = 0;
	st = pclose(p);
	err[0] = 0;
	read_file(ERR_FILE, err, elen);
	return st;
}

/*
 * Run @fmt (a hwptctl command line) with --json; its exit status in *@rc, its document parsed
 * (the test fails if stdout is not exactly one JSON object). The document's
 * "ok" must match the exit status.
 */
static struct json *run(struct __test_metadata *_metadata, int *rc,
			const char *fmt, ...)
{
	char cmd[512], err[512] = "";
	const char *why;
	struct json *doc;
	va_list ap;
	char *out;
	long at;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strcat(cmd, " --json");
	out = malloc(OUT_MAX);
	ASSERT_NONNULL(out);
	st = shell(cmd, out, OUT_MAX, err, sizeof(err));
	ASSERT_TRUE(st != -1 && WIFEXITED(st));
	*rc = WEXITSTATUS(st);
	doc = json_parse(out, &why, &at);
	if (!doc || doc->type != JSON_OBJ)
		TH_LOG("%s: exit %d, not one JSON object (%s at %ld): %.300s%s%s",
		       cmd, *rc, doc ? "not an object" : why, at, out,
		       err[0] ? " stderr: " : "", err);
	free(out);
	ASSERT_NONNULL(doc);
	ASSERT_EQ(JSON_OBJ, doc->type);
	EXPECT_EQ(1, json_int(doc, "schema"));
	EXPECT_EQ(*rc == 0, json_bool(doc, "ok"));
	if (*rc && json_str(doc, "error"))
		TH_LOG("error: %s", json_str(doc, "error"));
	/* Always there: null for hwptctl's own documents and on success. */
	ASSERT_NONNULL(json_get(doc, "command"));
	EXPECT_TRUE(json_str(doc, "command") || json_null(doc, "command"));
	EXPECT_EQ(*rc != 0, !json_null(doc, "error"));
	ASSERT_NONNULL(json_get(doc, "errors"));
	EXPECT_EQ(JSON_ARR, json_get(doc, "errors")->type);
	EXPECT_EQ(*rc != 0, json_len(json_get(doc, "errors")) > 0);
	return doc;
}

/*
 * Run @fmt (a hwptctl command line) for the terminal: stdout into @out
 * (room for @len bytes), the first line of stderr into @err; returns the
 * exit status.
 */
static int run_text(struct __test_metadata *_metadata, char *out, size_t len,
		    char *err, size_t elen, const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = shell(cmd, out, len, err, elen);
	ASSERT_TRUE(st != -1 && WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Object @o (at @path of its document) has a member @key. */
#define EXPECT_HAS_KEY(o, path, key) do {				\
	if (!json_get(o, key)) {					\
		TH_LOG("\"%s\" of \"%s\" only in one of the states", key, \
		       path);						\
		_metadata->result->failed = 1;				\
	}								\
} while (0)

/*
 * The objects @a and @b have the same member names, and so have the
 * objects both have at each of @paths ("" for the top): what a document
 * holds does not depend on the state it describes.
 */
static void same_keys(struct __test_metadata *_metadata, const struct json *a,
		      const struct json *b, const char *const *paths, size_t n)
{
	const struct json *x, *y, *m;
	size_t i;

	for (i = 0; i < n; i++) {
		x = paths[i][0] ? json_get(a, paths[i]) : a;
		y = paths[i][0] ? json_get(b, paths[i]) : b;
		ASSERT_NONNULL(x);
		ASSERT_NONNULL(y);
		if (x->type != JSON_OBJ || y->type != JSON_OBJ)
			continue;
		for (m = x->child; m; m = m->next)
			EXPECT_HAS_KEY(y, paths[i], m->key);
		for (m = y->child; m; m = m->next)
			EXPECT_HAS_KEY(x, paths[i], m->key);
	}
}

/* The string at @path starts with @prefix. */
static bool starts(const struct json *doc, const char *path,
		   const char *prefix)
{
	const char *s = json_str(doc, path);

	return s && !strncmp(s, prefix, strlen(prefix));
}

/* The string at @path contains @what. */
static bool has(const struct json *doc, const char *path, const char *what)
{
	const char *s = json_str(doc, path);

	return s && strstr(s, what);
}

/* The array at @path has a string element @what. */
static bool lists(const struct json *doc, const char *path, const char *what)
{
	const struct json *v = json_get(doc, path);

	for (v = v ? v->child : NULL; v; v = v->next)
		if (v->type == JSON_STR && !strcmp(v->s, what))
			return true;
	return false;
}

/* The vendor hwptctl must name for an IOMMU unit, by the unit's name. */
static const char *vendor_of_unit(const char *unit)
{
	if (!strncmp(unit, "dmar", 4))
		return "Intel VT-d";
	if (!strncmp(unit, "ivhd", 4))
		return "AMD-Vi";
	if (!strncmp(unit, "smmu3.", 6))
		return "ARM SMMUv3";
	return unit;
}

/* The /sys/class/iommu unit whose devices/ lists @bdf, into @out. */
static bool unit_of(const char *bdf, char *out, size_t len)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir = opendir("/sys/class/iommu");
	bool found = false;

	while (dir && !found && (d = readdir(dir))) {
		snprintf(path, sizeof(path), "/sys/class/iommu/%s/devices/%s",
			 d->d_name, bdf);
		if (d->d_name[0] != '.' && !access(path, F_OK)) {
			str_copy(out, len, d->d_name);
			found = true;
		}
	}
	if (dir)
		closedir(dir);
	return found;
}

/* A PCI device with a driver and an IOMMU group (a root port's pcieport). */
static bool device_with_driver(char *bdf, size_t len, char *drv, size_t dlen)
{
	struct dirent **names;
	int i, n = scandir(PCI_SYSFS, &names, NULL, alphasort);

	bdf[0] = 0;
	for (i = 0; i < n; i++) {
		if (!bdf[0] && names[i]->d_name[0] != '.' &&
		    pci_has_driver(names[i]->d_name) &&
		    pci_iommu_group(names[i]->d_name) >= 0) {
			str_copy(bdf, len, names[i]->d_name);
			pci_driver_of(bdf, drv, dlen);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return bdf[0];
}

/* A free PCI endpoint with an IOMMU group that is no edu. */
static bool device_not_edu(char *bdf, size_t len)
{
	struct dirent **names;
	int i, n = scandir(PCI_SYSFS, &names, NULL, alphasort);

	bdf[0] = 0;
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;

		if (!bdf[0] && d[0] != '.' && !pci_has_driver(d) &&
		    !pci_is_edu(d) && pci_iommu_group(d) >= 0 &&
		    (pci_read_hex(d, "class") >> 16) != 0x06)
			str_copy(bdf, len, d);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return bdf[0];
}

/* ---- help and usage ---- */

TEST(help_and_usage)
{
	static const char *const cmds[] = {
		"status", "load", "unload", "devices", "info", "exercise",
		"faults",
	};
	static const struct {
		const char *args, *error;
	} usage_errors[] = {
		{ "frobnicate", "unknown command frobnicate" },
		{ "exercise", "missing operand" },
		{ "devices --frob", "unknown option --frob" },
		{ "faults 0000:00:00.0 --pages 17", "--pages takes 1 to 16" },
	};
	char want[64], out[4096], err[512];
	struct json *doc;
	unsigned int i;
	int rc;

	doc = run(_metadata, &rc, "hwptctl --help");
	EXPECT_EQ(0, rc);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		EXPECT_TRUE(has(doc, "help", cmds[i]));
	json_free(doc);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		doc = run(_metadata, &rc, "hwptctl %s --help", cmds[i]);
		EXPECT_EQ(0, rc);
		snprintf(want, sizeof(want), "usage: hwptctl %s", cmds[i]);
		EXPECT_TRUE(starts(doc, "help", want));
		json_free(doc);
	}
	doc = run(_metadata, &rc, "hwptctl doctor --help");
	EXPECT_EQ(0, rc);
	EXPECT_TRUE(starts(doc, "help", "usage: hwptctl status"));
	json_free(doc);

	/* Usage errors: exit status 2, and the error says which. */
	for (i = 0; i < ARRAY_SIZE(usage_errors); i++) {
		doc = run(_metadata, &rc, "hwptctl %s", usage_errors[i].args);
		EXPECT_EQ(2, rc);
		EXPECT_TRUE(starts(doc, "error", usage_errors[i].error));
		json_free(doc);
	}
	/* hwptctl's own documents name no command. */
	doc = run(_metadata, &rc, "hwptctl frobnicate");
	EXPECT_TRUE(json_null(doc, "command"));
	json_free(doc);
	doc = run(_metadata, &rc, "hwptctl info --frob");
	EXPECT_STREQ("info", json_str(doc, "command"));
	json_free(doc);

	/* On the terminal the program is named once, then the command. */
	EXPECT_EQ(2, run_text(_metadata, out, sizeof(out), err, sizeof(err),
			      "hwptctl frobnicate"));
	EXPECT_STREQ("hwptctl: unknown command frobnicate (hwptctl --help lists the commands)",
		     err);
	EXPECT_EQ(2, run_text(_metadata, out, sizeof(out), err, sizeof(err),
			      "hwptctl devices --frob"));
	EXPECT_TRUE(!strncmp(err, "hwptctl devices: unknown option --frob",
			     strlen("hwptctl devices: unknown option --frob")));

	/* The static guest build has neither libkmod nor libpci. */
	doc = run(_metadata, &rc, "hwptctl --version");
	EXPECT_EQ(0, rc);
	EXPECT_EQ(0, json_bool(doc, "libkmod"));
	EXPECT_EQ(0, json_bool(doc, "libpci"));
	json_free(doc);
}

/* ---- status ---- */

TEST(status_matches_get_info)
{
	struct hwpt_get_info info;
	char unit[64], v[32];
	const struct json *u;
	struct json *doc;
	int rc, bits;

	ASSERT_EQ(0, module_info(&info));

	doc = run(_metadata, &rc, "hwptctl status");
	EXPECT_EQ(0, rc);
	EXPECT_EQ(0, json_len(json_get(doc, "problems")));
	EXPECT_EQ(1, json_bool(doc, "module.loaded"));
	EXPECT_TRUE(starts(doc, "module.state", "live"));
	ASSERT_EQ(0, read_file(SYS_MODULE "/version", v, sizeof(v)));
	EXPECT_STREQ(v, json_str(doc, "module.version"));
	EXPECT_STREQ(debug_inject() ? "Y" : "N",
		     json_str(doc, "module.parameters.debug_inject"));
	EXPECT_STREQ("sysfs", json_str(doc, "module.via"));

	/* GET_INFO, by value and by name. */
	EXPECT_EQ(info.caps, json_int(doc, "get_info.caps"));
	EXPECT_EQ(info.uapi_version, json_int(doc, "get_info.uapi_version"));
	EXPECT_EQ(HWPT_UAPI_VERSION, json_int(doc, "get_info.uapi_version"));
	snprintf(v, sizeof(v), "%u.%u.%u", info.module_version >> 16,
		 (info.module_version >> 8) & 0xff, info.module_version & 0xff);
	EXPECT_STREQ(v, json_str(doc, "get_info.version"));
	bits = __builtin_popcountll(info.caps);
	EXPECT_EQ(bits, json_len(json_get(doc, "get_info.cap_names")));
	EXPECT_EQ(!!(info.caps & HWPT_CAP_FAULT_INJECT),
		  lists(doc, "get_info.cap_names", "fault-inject"));
	EXPECT_EQ(!!(info.caps & HWPT_CAP_REPLACE_ATOMIC),
		  lists(doc, "get_info.cap_names", "replace-atomic"));
	EXPECT_EQ(!!(info.caps & HWPT_CAP_IOPF),
		  lists(doc, "get_info.cap_names", "iopf"));
	EXPECT_EQ(info.out_faults, json_int(doc, "get_info.faults.reported"));

	/* The IOMMU is on, and its units are named with their vendor. */
	EXPECT_EQ(1, json_bool(doc, "iommu.on"));
	u = json_get(doc, "iommu.units.0");
	ASSERT_NONNULL(u);
	str_copy(unit, sizeof(unit), json_str(u, "name") ?: "");
	EXPECT_STREQ(vendor_of_unit(unit), json_str(u, "vendor"));
	EXPECT_GE(json_int(u, "devices"), 1);
	EXPECT_EQ(0, json_bool(doc, "dkms.available"));
	/* Without DKMS, what it would have said is unknown. */
	EXPECT_TRUE(json_null(doc, "dkms.status"));
	EXPECT_TRUE(json_null(doc, "dkms.installed_for_running_kernel"));
	/* A lockdown mode is a word such as "none", or null: never a path. */
	EXPECT_TRUE(json_null(doc, "lockdown.mode") ||
		    (json_str(doc, "lockdown.mode") &&
		     !strchr(json_str(doc, "lockdown.mode"), '/')));
	EXPECT_TRUE(json_get(doc, "lockdown.sig_enforce"));
	EXPECT_TRUE(json_get(doc, "device_node.error"));
	EXPECT_EQ(1, json_bool(doc, "device_node.open"));
	json_free(doc);
}

/* -v shows on the terminal what --json has and the terminal otherwise not. */
TEST(verbose_shows_what_json_has)
{
	char out[64 * 1024], err[512], bdf[32], drv[64];
	struct json *doc;
	int rc;

	doc = run(_metadata, &rc, "hwptctl status");
	EXPECT_EQ(0, run_text(_metadata, out, sizeof(out), err, sizeof(err),
			      "hwptctl status"));
	EXPECT_FALSE(strstr(out, "CPU vendor"));
	EXPECT_EQ(0, run_text(_metadata, out, sizeof(out), err, sizeof(err),
			      "hwptctl -v status"));
	EXPECT_TRUE(strstr(out, "CPU vendor"));
	EXPECT_TRUE(strstr(out, json_str(doc, "iommu.cpu_vendor") ?: "?"));
	json_free(doc);

	if (!device_with_driver(bdf, sizeof(bdf), drv, sizeof(drv)))
		SKIP("no PCI device with a driver");
	EXPECT_EQ(0, run_text(_metadata, out, sizeof(out), err, sizeof(err),
			      "hwptctl devices"));
	EXPECT_FALSE(strstr(out, "/driver/unbind"));
	EXPECT_EQ(0, run_text(_metadata, out, sizeof(out), err, sizeof(err),
			      "hwptctl devices --verbose"));
	EXPECT_TRUE(strstr(out, "/driver/unbind"));
	EXPECT_TRUE(strstr(out, "has-driver"));
}

/* ---- devices ---- */

TEST(devices_lists_every_device)
{
	const struct json *d, *list;
	struct edu_info s, a, b;
	char prev[32] = "", unit[64], bdf[32], drv[64];
	struct json *doc;
	int rc, found = 0, free_ = 0;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	doc = run(_metadata, &rc, "hwptctl devices");
	EXPECT_EQ(0, rc);
	list = json_get(doc, "devices");
	ASSERT_NONNULL(list);
	EXPECT_EQ(count_dir(PCI_SYSFS), json_len(list));
	EXPECT_EQ(json_len(list), json_int(doc, "total"));
	for (d = list->child; d; d = d->next) {
		const char *name = json_str(d, "name");

		ASSERT_NONNULL(name);
		/* In address order, as sysfs names sort. */
		EXPECT_LT(0, strcmp(name, prev));
		str_copy(prev, sizeof(prev), name);
		free_ += json_bool(d, "hwpt.can_bind") == 1;
		if (strcmp(name, s.bdf))
			continue;
		found++;
		EXPECT_STREQ("1234:11e8", json_str(d, "id"));
		/* Names need libpci, which the static build has not. */
		EXPECT_TRUE(json_null(d, "vendor_name"));
		EXPECT_TRUE(json_null(d, "device_name"));
		EXPECT_TRUE(json_null(d, "class_name"));
		EXPECT_EQ(s.group, json_int(d, "iommu_group"));
		ASSERT_TRUE(unit_of(s.bdf, unit, sizeof(unit)));
		EXPECT_STREQ(unit, json_str(d, "iommu"));
		EXPECT_STREQ(vendor_of_unit(unit), json_str(d, "iommu_vendor"));
		EXPECT_TRUE(json_null(d, "driver"));
		EXPECT_EQ(1, json_bool(d, "hwpt.can_bind"));
		EXPECT_STREQ("free", json_str(d, "hwpt.state"));
		EXPECT_EQ(0, json_len(json_get(d, "group_peers")));
	}
	EXPECT_EQ(1, found);
	EXPECT_EQ(free_, json_int(doc, "free"));

	/* A device with a driver: what to unbind, and how. */
	if (device_with_driver(bdf, sizeof(bdf), drv, sizeof(drv))) {
		for (d = list->child; d; d = d->next) {
			if (strcmp(json_str(d, "name"), bdf))
				continue;
			EXPECT_STREQ(drv, json_str(d, "driver"));
			EXPECT_EQ(0, json_bool(d, "hwpt.can_bind"));
			EXPECT_STREQ("has-driver", json_str(d, "hwpt.state"));
			EXPECT_STREQ(drv,
				     json_str(d, "hwpt.unbind_first.0.driver"));
			EXPECT_TRUE(has(d, "hwpt.advice", "/driver/unbind"));
		}
	}
	/* The two-function edu: each lists the other in its group. */
	if (edu_find_pair(EDU_TWOFN, &a, &b)) {
		for (d = list->child; d; d = d->next)
			if (!strcmp(json_str(d, "name"), a.bdf))
				EXPECT_TRUE(lists(d, "group_peers", b.bdf));
	}
	json_free(doc);
}

/* ---- info ---- */

/* DEVICE_GET's state bits of @bdf, bound in a file of the test's own. */
static uint32_t dev_state(struct __test_metadata *_metadata, const char *bdf)
{
	struct hwpt_device_get g;
	uint32_t id;
	int fd = hwpt_open(O_RDWR);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, bdf, &id));
	ASSERT_EQ(0, dev_get(fd, id, &g));
	close(fd);
	return g.out_state;
}

/*
 * "device.hw_info" is what GET_HW_INFO says, asked here with the device
 * bound in a file of the test's own, and names the vendor of the IOMMU
 * that serves the device.
 */
static void check_hw_info(struct __test_metadata *_metadata,
			  const struct json *doc, const struct edu_info *s)
{
	struct hwpt_hw_info_vtd vtd = { 0 };
	struct hwpt_hw_info hw = {
		.size = sizeof(hw),
		.data_len = sizeof(vtd),
		.data_uptr = (uintptr_t)&vtd,
	};
	char unit[64], reg[24];
	unsigned int type;
	int fd;

	ASSERT_TRUE(unit_of(s->bdf, unit, sizeof(unit)));
	type = !strncmp(unit, "dmar", 4) ? HWPT_HW_INFO_TYPE_INTEL_VTD :
	       !strncmp(unit, "ivhd", 4) ? HWPT_HW_INFO_TYPE_AMD :
	       !strncmp(unit, "smmu3.", 6) ? HWPT_HW_INFO_TYPE_ARM_SMMUV3 :
	       HWPT_HW_INFO_TYPE_NONE;
	EXPECT_EQ(type, json_int(doc, "device.hw_info.type_id"));

	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, s->bdf, &hw.dev_id));
	ASSERT_EQ(0, xioctl(fd, HWPT_GET_HW_INFO, &hw));
	close(fd);
	EXPECT_EQ(hw.out_data_type, json_int(doc, "device.hw_info.type_id"));
	EXPECT_EQ(hw.data_len, json_int(doc, "device.hw_info.data_len"));
	EXPECT_EQ(hw.out_max_pasid_log2,
		  json_int(doc, "device.hw_info.max_pasid_log2"));
	EXPECT_EQ(hw.out_capabilities,
		  json_int(doc, "device.hw_info.capabilities"));
	if (type == HWPT_HW_INFO_TYPE_INTEL_VTD && hw.data_len) {
		snprintf(reg, sizeof(reg), "%#llx",
			 (unsigned long long)vtd.cap_reg);
		EXPECT_STREQ(reg,
			     json_str(doc, "device.hw_info.registers.cap_reg"));
		snprintf(reg, sizeof(reg), "%#llx",
			 (unsigned long long)vtd.ecap_reg);
		EXPECT_STREQ(reg,
			     json_str(doc, "device.hw_info.registers.ecap_reg"));
	}
}

/* The keys of a device that only a bind tells: all null without one. */
static const char *const bound_keys[] = {
	"dev_id", "group_devices_bound", "iopf", "vf", "coherent", "dead",
	"hwpt_id", "faults", "hw_info", "hw_info_error",
};

/* What info shows of every device it finds, bound or not. */
static void check_pci(struct __test_metadata *_metadata,
		      const struct json *doc, const struct edu_info *s)
{
	char unit[64];

	EXPECT_STREQ(s->bdf, json_str(doc, "device.name"));
	EXPECT_STREQ("1234:11e8", json_str(doc, "device.id"));
	EXPECT_EQ(s->group, json_int(doc, "device.iommu_group"));
	ASSERT_TRUE(unit_of(s->bdf, unit, sizeof(unit)));
	EXPECT_STREQ(unit, json_str(doc, "device.iommu"));
	EXPECT_STREQ(vendor_of_unit(unit), json_str(doc, "device.iommu_vendor"));
	EXPECT_TRUE(json_null(doc, "device.vendor_name"));
	EXPECT_EQ(1, json_bool(doc, "device_node.open"));
	EXPECT_TRUE(json_null(doc, "device_node.error"));
}

/* Without --bind, info reads: nothing is bound, and it says what is unknown. */
TEST(info_reads_only)
{
	static const char *const paths[] = { "", "device", "device.hwpt" };
	struct hwpt_get_info info;
	struct json *doc, *bound;
	const struct json *dev;
	struct edu_info s;
	unsigned int i;
	int fd, rc;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	ASSERT_EQ(0, module_info(&info));
	ASSERT_TRUE(no_driver_override(s.bdf));

	doc = run(_metadata, &rc, "hwptctl info %s", s.bdf);
	EXPECT_EQ(0, rc);
	check_pci(_metadata, doc, &s);
	EXPECT_TRUE(json_null(doc, "device.driver"));
	EXPECT_STREQ("free", json_str(doc, "device.hwpt.state"));
	EXPECT_EQ(1, json_bool(doc, "device.hwpt.can_bind"));
	EXPECT_EQ(0, json_bool(doc, "device.bound"));
	dev = json_get(doc, "device");
	for (i = 0; i < ARRAY_SIZE(bound_keys); i++) {
		if (!json_null(dev, bound_keys[i]))
			TH_LOG("device.%s is not null", bound_keys[i]);
		EXPECT_TRUE(json_null(dev, bound_keys[i]));
	}
	EXPECT_EQ(info.caps, json_int(doc, "get_info.caps"));
	/* Untouched: no driver came and went, no override was left. */
	EXPECT_FALSE(pci_has_driver(s.bdf));
	EXPECT_TRUE(no_driver_override(s.bdf));

	/* The same keys as with --bind, where they are filled. */
	bound = run(_metadata, &rc, "hwptctl info %s --bind", s.bdf);
	EXPECT_EQ(0, rc);
	same_keys(_metadata, doc, bound, paths, ARRAY_SIZE(paths));
	json_free(bound);
	json_free(doc);

	/*
	 * Bound in a file of the test's own: info only reads, and so
	 * succeeds where a bind would be refused, and the test's bind holds.
	 */
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, s.bdf, NULL));
	doc = run(_metadata, &rc, "hwptctl info %s", s.bdf);
	EXPECT_EQ(0, rc);
	EXPECT_STREQ("hwpt", json_str(doc, "device.driver"));
	EXPECT_STREQ("bound-to-hwpt", json_str(doc, "device.hwpt.state"));
	EXPECT_EQ(0, json_bool(doc, "device.bound"));
	EXPECT_TRUE(json_null(doc, "device.dev_id"));
	json_free(doc);
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	close(fd);
}

TEST(info_bind_of_singleton)
{
	struct hwpt_get_info info;
	struct edu_info s;
	struct json *doc;
	int rc;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	ASSERT_EQ(0, module_info(&info));
	doc = run(_metadata, &rc, "hwptctl info %s --bind", s.bdf);
	EXPECT_EQ(0, rc);
	check_pci(_metadata, doc, &s);
	/* As sysfs showed it before the bind. */
	EXPECT_STREQ("free", json_str(doc, "device.hwpt.state"));
	EXPECT_EQ(1, json_bool(doc, "device.bound"));
	EXPECT_EQ(1, json_int(doc, "device.dev_id"));
	EXPECT_EQ(1, json_int(doc, "device.group_devices_bound"));
	EXPECT_EQ(0, json_bool(doc, "device.vf"));
	EXPECT_EQ(!!(dev_state(_metadata, s.bdf) & HWPT_DEVICE_COHERENT),
		  json_bool(doc, "device.coherent"));
	EXPECT_EQ(0, json_bool(doc, "device.dead"));
	EXPECT_NE(-1, json_bool(doc, "device.iopf"));
	EXPECT_TRUE(json_null(doc, "device.hwpt_id"));
	EXPECT_EQ(0, json_int(doc, "device.faults.reported"));
	EXPECT_EQ(1, json_bool(doc, "device.faults.adds_up"));
	EXPECT_TRUE(json_null(doc, "device.hw_info_error"));
	EXPECT_EQ(info.caps, json_int(doc, "get_info.caps"));
	check_hw_info(_metadata, doc, &s);
	json_free(doc);
	/* Given back on exit. */
	EXPECT_FALSE(pci_has_driver(s.bdf));
}

TEST(info_errors_say_what_to_do)
{
	static const char *const opts[] = { "", " --bind" };
	char bdf[32], drv[64], want[512];
	struct edu_info s;
	struct json *doc;
	unsigned int i;
	int fd, rc;

	/* No such device: the same with or without --bind; keys all null. */
	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		doc = run(_metadata, &rc, "hwptctl info 0000:7f:1f.7%s",
			  opts[i]);
		EXPECT_EQ(1, rc);
		EXPECT_TRUE(starts(doc, "error", "no PCI device 0000:7f:1f.7"));
		EXPECT_TRUE(has(doc, "error", "hwptctl devices"));
		EXPECT_STREQ("0000:7f:1f.7", json_str(doc, "device.name"));
		EXPECT_TRUE(json_null(doc, "device.id"));
		EXPECT_TRUE(json_null(doc, "device.hwpt.state"));
		EXPECT_EQ(0, json_bool(doc, "device.bound"));
		EXPECT_TRUE(json_null(doc, "device.dev_id"));
		json_free(doc);
	}

	if (device_with_driver(bdf, sizeof(bdf), drv, sizeof(drv))) {
		/* Read, it says what is in the way; the driver stays. */
		doc = run(_metadata, &rc, "hwptctl info %s", bdf);
		EXPECT_EQ(0, rc);
		EXPECT_STREQ(drv, json_str(doc, "device.driver"));
		EXPECT_STREQ("has-driver", json_str(doc, "device.hwpt.state"));
		EXPECT_TRUE(has(doc, "device.hwpt.advice", "/driver/unbind"));
		json_free(doc);
		EXPECT_TRUE(driver_is(bdf, drv));

		doc = run(_metadata, &rc, "hwptctl info %s --bind", bdf);
		EXPECT_EQ(1, rc);
		if (pci_is_bridge(bdf)) {
			/* A root port: refused as a bridge first. */
			snprintf(want, sizeof(want), "EINVAL binding %s: ", bdf);
			EXPECT_TRUE(starts(doc, "error", want));
			EXPECT_TRUE(has(doc, "error", "not an endpoint"));
		} else {
			snprintf(want, sizeof(want),
				 "EBUSY binding %s: the device has a driver (%s); unbind it first (echo %s > /sys/bus/pci/devices/%s/driver/unbind)",
				 bdf, drv, bdf, bdf);
			EXPECT_STREQ(want, json_str(doc, "error"));
		}
		EXPECT_EQ(0, json_bool(doc, "device.bound"));
		json_free(doc);
		EXPECT_TRUE(driver_is(bdf, drv));
	}

	/* Held by another /dev/hwpt file: this test's. */
	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, s.bdf, NULL));
	doc = run(_metadata, &rc, "hwptctl info %s --bind", s.bdf);
	EXPECT_EQ(1, rc);
	snprintf(want, sizeof(want), "EBUSY binding %s: bound to hwpt already",
		 s.bdf);
	EXPECT_TRUE(starts(doc, "error", want));
	json_free(doc);
	close(fd);
}

/* ---- exercise ---- */

/* Every step passed, and their names in order are @names (count @n). */
static void check_steps(struct __test_metadata *_metadata,
			const struct json *doc, const char *const *names,
			size_t n)
{
	const struct json *st = json_get(doc, "steps");
	size_t i = 0;

	ASSERT_NONNULL(st);
	for (st = st->child; st; st = st->next, i++) {
		if (json_bool(st, "ok") != 1)
			TH_LOG("step %zu %s: %s", i,
			       json_str(st, "step") ?: "?",
			       json_str(st, "error") ?: "?");
		EXPECT_EQ(1, json_bool(st, "ok"));
		if (i < n)
			EXPECT_STREQ(names[i], json_str(st, "step"));
	}
	EXPECT_EQ(n, i);
	EXPECT_EQ(n, json_int(doc, "passed"));
	EXPECT_EQ(0, json_int(doc, "failed"));
}

TEST(exercise_edu_singleton)
{
	static const char *const names[] = {
		"bind", "edu-open", "ioas-alloc", "map", "attach",
		"device-get", "iova-ranges", "dma", "ioas-alloc", "map",
		"hwpt-alloc", "replace", "device-get", "dma", "detach",
		"device-get", "destroy", "destroy", "destroy", "destroy",
	};
	struct edu_info s;
	struct json *doc;
	int rc;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	doc = run(_metadata, &rc, "hwptctl exercise %s --edu", s.bdf);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(1, json_bool(doc, "edu"));
	EXPECT_STREQ(s.bdf, json_str(doc, "devices.0"));
	check_steps(_metadata, doc, names, ARRAY_SIZE(names));
	EXPECT_TRUE(has(doc, "steps.11.detail", "1 of 1 device(s) moved"));
	json_free(doc);
	EXPECT_FALSE(pci_has_driver(s.bdf));
}

TEST(exercise_without_dma)
{
	static const char *const names[] = {
		"bind", "ioas-alloc", "map", "attach", "device-get",
		"iova-ranges", "ioas-alloc", "map", "hwpt-alloc", "replace",
		"device-get", "detach", "device-get", "destroy", "destroy",
		"destroy", "destroy",
	};
	struct edu_info s;
	struct json *doc;
	int rc;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	doc = run(_metadata, &rc, "hwptctl exercise %s", s.bdf);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(0, json_bool(doc, "edu"));
	check_steps(_metadata, doc, names, ARRAY_SIZE(names));
	json_free(doc);
}

/* A replace through one function moves the whole group. */
TEST(exercise_edu_group_replace)
{
	static const char *const names[] = {
		"bind", "edu-open", "bind", "edu-open", "ioas-alloc", "map",
		"attach", "attach", "device-get", "device-get", "iova-ranges",
		"dma", "dma", "ioas-alloc", "map", "hwpt-alloc", "replace",
		"device-get", "device-get", "dma", "dma", "detach", "detach",
		"device-get", "device-get", "destroy", "destroy", "destroy",
		"destroy", "destroy",
	};
	struct edu_info a, b;
	struct json *doc;
	int rc;

	if (!edu_find_pair(EDU_TWOFN, &a, &b))
		SKIP("no two-function edu");
	doc = run(_metadata, &rc, "hwptctl exercise %s --edu --group",
		  a.bdf);
	EXPECT_EQ(0, rc);
	EXPECT_STREQ(a.bdf, json_str(doc, "devices.0"));
	EXPECT_STREQ(b.bdf, json_str(doc, "devices.1"));
	EXPECT_EQ(2, json_len(json_get(doc, "devices")));
	check_steps(_metadata, doc, names, ARRAY_SIZE(names));
	EXPECT_TRUE(has(doc, "steps.16.detail", "2 of 2 device(s) moved"));
	EXPECT_TRUE(has(doc, "steps.18.detail", b.bdf));
	EXPECT_TRUE(has(doc, "steps.20.detail", b.bdf));
	json_free(doc);
	EXPECT_FALSE(pci_has_driver(a.bdf));
	EXPECT_FALSE(pci_has_driver(b.bdf));
}

TEST(exercise_refusals)
{
	struct edu_info s;
	struct json *doc;
	char bdf[32];
	int rc;

	if (device_not_edu(bdf, sizeof(bdf))) {
		doc = run(_metadata, &rc, "hwptctl exercise %s --edu",
			  bdf);
		EXPECT_EQ(1, rc);
		EXPECT_TRUE(has(doc, "error", "not QEMU's edu device"));
		json_free(doc);
	}
	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	doc = run(_metadata, &rc, "hwptctl exercise %s --group", s.bdf);
	EXPECT_EQ(1, rc);
	EXPECT_TRUE(has(doc, "error", "--group needs a multi-device group"));
	json_free(doc);
}

/* ---- faults ---- */

TEST(faults_injected_storm)
{
	static const char *const lat[] = {
		"p50", "p90", "p99", "max",
	};
	const struct json *r, *a;
	struct edu_info s;
	struct json *doc;
	unsigned int i;
	int rc;

	if (!debug_inject())
		SKIP("the module was loaded without debug_inject=1");
	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	doc = run(_metadata, &rc, "hwptctl faults %s --inject 100",
		  s.bdf);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(6, json_int(doc, "passed"));
	EXPECT_EQ(100, json_int(doc, "injected"));
	EXPECT_EQ(100, json_int(doc, "answered"));
	EXPECT_EQ(100, json_int(doc, "faults.reported"));
	EXPECT_EQ(100, json_int(doc, "faults.success"));
	EXPECT_EQ(0, json_int(doc, "faults.invalid"));
	EXPECT_EQ(0, json_int(doc, "faults.auto"));
	EXPECT_EQ(0, json_int(doc, "faults.pending"));
	EXPECT_EQ(1, json_bool(doc, "faults.adds_up"));
	EXPECT_EQ(0, json_len(json_get(doc, "groups")));
	r = json_get(doc, "latency_us.inject_to_read");
	a = json_get(doc, "latency_us.inject_to_answer");
	ASSERT_NONNULL(r);
	ASSERT_NONNULL(a);
	EXPECT_EQ(100, json_int(r, "samples"));
	EXPECT_EQ(100, json_int(a, "samples"));
	for (i = 0; i < ARRAY_SIZE(lat); i++) {
		/* Percentiles grow; each group is answered after its read. */
		if (i)
			EXPECT_LE(json_int(r, lat[i - 1]), json_int(r, lat[i]));
		EXPECT_GE(json_int(r, lat[i]), 0);
		EXPECT_LE(json_int(r, lat[i]), json_int(a, lat[i]));
	}
	json_free(doc);
	EXPECT_FALSE(pci_has_driver(s.bdf));
}

TEST(faults_shown_and_answered_invalid)
{
	const struct json *g;
	struct edu_info s;
	struct json *doc;
	int rc, n = 0;

	if (!debug_inject())
		SKIP("the module was loaded without debug_inject=1");
	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	doc = run(_metadata, &rc,
		  "hwptctl faults %s --inject 20 --pages 4 --respond invalid -v",
		  s.bdf);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(20, json_int(doc, "faults.invalid"));
	EXPECT_EQ(0, json_int(doc, "faults.success"));
	EXPECT_EQ(20, json_len(json_get(doc, "groups")));
	for (g = json_get(doc, "groups.0"); g; g = g->next, n++) {
		EXPECT_EQ(4, json_int(g, "pages"));
		EXPECT_EQ(1, json_int(g, "dev_id"));
		EXPECT_STREQ("rw", json_str(g, "perm"));
		EXPECT_STREQ("invalid", json_str(g, "response"));
		EXPECT_TRUE(json_null(g, "pasid"));
		EXPECT_LE(json_int(g, "read_us"), json_int(g, "answer_us"));
	}
	EXPECT_EQ(20, n);
	json_free(doc);
}

/* No fault comes without injection; without debug_inject=1 it says so. */
TEST(faults_quiet_or_refused)
{
	struct edu_info s;
	struct json *doc;
	int rc;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	doc = run(_metadata, &rc, "hwptctl faults %s --timeout 1", s.bdf);
	if (debug_inject()) {
		EXPECT_EQ(0, rc);
		EXPECT_EQ(0, json_int(doc, "answered"));
		EXPECT_EQ(0, json_len(json_get(doc, "groups")));
		EXPECT_EQ(0, json_int(doc, "faults.reported"));
	} else {
		EXPECT_EQ(1, rc);
		EXPECT_TRUE(has(doc, "error", "debug_inject=1"));
	}
	json_free(doc);
	doc = run(_metadata, &rc, "hwptctl faults %s --inject 5", s.bdf);
	EXPECT_EQ(!debug_inject(), rc);
	if (rc)
		EXPECT_TRUE(has(doc, "error", "debug_inject=1"));
	json_free(doc);
}

/*
 * ---- load and unload (last: the module is reloaded as it was) ----
 *
 * Twice: the static guest hwptctl (finit_module(2), delete_module(2)) and,
 * on x86_64, hwptctl as the packages build it, through libkmod.
 */

FIXTURE(module) {
	char tool[16];
};

FIXTURE_VARIANT(module) {
	const char *tool;
	const char *via;
};

FIXTURE_VARIANT_ADD(module, syscalls) {
	.tool = "hwptctl",
	.via = "sysfs",
};

FIXTURE_VARIANT_ADD(module, libkmod) {
	.tool = "hwptctl-kmod",
	.via = "libkmod",
};

FIXTURE_SETUP(module)
{
	char path[64];

	if (access("/hwpt.ko", R_OK))
		SKIP("no /hwpt.ko to load again");
	snprintf(path, sizeof(path), "/usr/bin/%s", variant->tool);
	if (access(path, X_OK))
		SKIP("no %s here (the libkmod build is x86_64 only)",
		     variant->tool);
	snprintf(self->tool, sizeof(self->tool), "%s", variant->tool);
}

FIXTURE_TEARDOWN(module)
{
}

TEST_F(module, unload_and_load)
{
	static const char *const paths[] = {
		"", "module", "device_node", "secure_boot", "lockdown",
		"iommu", "dkms",
	};
	const char *tool = self->tool;
	char params[128] = "", allow[8] = "";
	struct json *doc, *loaded;
	int rc;

	/* Loaded again as it was: with the parameters the VM gave it. */
	if (!read_file(PARAMS "/allow_unsafe_interrupts", allow,
		       sizeof(allow)) && !strcmp(allow, "Y"))
		strcat(params, "allow_unsafe_interrupts=1");
	if (debug_inject())
		strcat(strcat(params, params[0] ? " " : ""), "debug_inject=1");

	doc = run(_metadata, &rc, "%s --version", tool);
	EXPECT_EQ(!strcmp(variant->via, "libkmod"), json_bool(doc, "libkmod"));
	EXPECT_NE(-1, json_bool(doc, "libpci"));
	json_free(doc);
	loaded = run(_metadata, &rc, "%s status", tool);
	EXPECT_STREQ(variant->via, json_str(loaded, "module.via"));
	doc = run(_metadata, &rc, "%s unload", tool);
	EXPECT_EQ(0, rc);
	json_free(doc);
	ASSERT_NE(0, access(SYS_MODULE, F_OK));
	doc = run(_metadata, &rc, "%s unload", tool);
	EXPECT_EQ(1, rc);
	EXPECT_TRUE(starts(doc, "error", "ENOENT unloading hwpt: hwpt is not loaded"));
	json_free(doc);
	doc = run(_metadata, &rc, "%s status", tool);
	EXPECT_EQ(1, rc);
	EXPECT_EQ(0, json_bool(doc, "module.loaded"));
	EXPECT_TRUE(has(doc, "problems.0.problem", "not installed"));
	/* Installed, not run from a source tree: the package's way. */
	EXPECT_TRUE(has(doc, "problems.0.fix", "apt install hwpt-dkms"));
	EXPECT_FALSE(has(doc, "problems.0.fix", "make"));
	/* Unloaded, the document has the keys it had loaded, null now. */
	same_keys(_metadata, loaded, doc, paths, ARRAY_SIZE(paths));
	EXPECT_TRUE(json_null(doc, "module.version"));
	EXPECT_TRUE(json_null(doc, "get_info"));
	EXPECT_EQ(0, json_bool(doc, "device_node.open"));
	json_free(doc);
	json_free(loaded);
	/* Not installed for this kernel: no modules.dep entry, no file. */
	doc = run(_metadata, &rc, "%s load", tool);
	EXPECT_EQ(1, rc);
	EXPECT_TRUE(starts(doc, "error", "ENOENT loading hwpt: "));
	EXPECT_TRUE(has(doc, "error", "--path"));
	EXPECT_TRUE(has(doc, "error", "apt install hwpt-dkms"));
	EXPECT_FALSE(has(doc, "error", "install-dkms"));
	EXPECT_TRUE(json_null(doc, "version"));
	EXPECT_STREQ(variant->via, json_str(doc, "via"));
	json_free(doc);

	doc = run(_metadata, &rc, "%s load --path /hwpt.ko %s", tool, params);
	ASSERT_EQ(0, rc);
	EXPECT_STREQ(params, json_str(doc, "parameters"));
	EXPECT_STREQ(variant->via, json_str(doc, "via"));
	json_free(doc);
	ASSERT_EQ(0, access(SYS_MODULE, F_OK));
	EXPECT_TRUE(debug_inject() == !!strstr(params, "debug_inject=1"));
	doc = run(_metadata, &rc, "%s status", tool);
	EXPECT_EQ(1, json_bool(doc, "module.loaded"));
	EXPECT_TRUE(starts(doc, "module.state", "live"));
	EXPECT_EQ(0, json_int(doc, "module.refcount"));
	json_free(doc);
	doc = run(_metadata, &rc, "%s load --path /hwpt.ko", tool);
	EXPECT_EQ(1, rc);
	EXPECT_TRUE(starts(doc, "error", "EEXIST loading /hwpt.ko: "));
	json_free(doc);
	doc = run(_metadata, &rc, "%s load --path /nonexistent.ko", tool);
	EXPECT_EQ(1, rc);
	EXPECT_TRUE(has(doc, "error", "no such file"));
	json_free(doc);
}

TEST_HARNESS_MAIN
