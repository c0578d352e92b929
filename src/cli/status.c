// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl status (doctor): everything between this machine and a working
 * hwpt, each problem with its fix.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "cli.h"
#include "module.h"

#define EFI_SECURE_BOOT	"/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e98c0e5ae6c4"
#define LOCKDOWN	"/sys/kernel/security/lockdown"
#define SIG_ENFORCE	"/sys/module/module/parameters/sig_enforce"
#define MOK_FIX		"enrol the key DKMS signs with: mokutil --import /var/lib/dkms/mok.pub, reboot, enrol it in the MOK manager, then hwptctl load"
#define MAX_PROBLEMS	16

struct status {
	struct cli_module mod;
	struct utsname uts;
	bool sb_on;		/* Secure Boot enforcing */
	bool lockdown;		/* lockdown other than none */
	unsigned int nproblems;
	char *problem[MAX_PROBLEMS];
	char *fix[MAX_PROBLEMS];
};

static void problem(struct status *st, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct status *st, const char *fix, const char *fmt, ...)
{
	va_list ap;

	if (st->nproblems == MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&st->problem[st->nproblems], fmt, ap) < 0)
		st->problem[st->nproblems] = NULL;
	va_end(ap);
	st->fix[st->nproblems++] = strdup(fix);
}

/* The first line of a file, or "" (also in @buf). */
static const char *first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = 0;
	if (f) {
		if (!fgets(buf, len, f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* @name is an executable in $PATH. */
static bool have_cmd(const char *name)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];
	int n;

	for (; path && *path; path += n + !!path[n]) {
		n = strcspn(path, ":");
		if (snprintf(file, sizeof(file), "%.*s/%s", n ? n : 1,
			     n ? path : ".", name) < (int)sizeof(file) &&
		    !access(file, X_OK))
			return true;
	}
	return false;
}

/* Entries of directory @path, without . and .. (0 if unreadable). */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* ---- The module ---- */

static void status_params(void)
{
	const char *dir = "/sys/module/hwpt/parameters";
	char path[PATH_MAX], v[64];
	struct dirent **names;
	int i, n = scandir(dir, &names, NULL, alphasort);

	out_obj("parameters");
	out_text("  parameters   ");
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 names[i]->d_name);
			first_line(path, v, sizeof(v));
			out_text(" %s=", names[i]->d_name);
			out_str(names[i]->d_name, "%s", v);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	out_text("\n");
	out_end();
}

static void status_module(struct status *st)
{
	struct cli_module *m = &st->mod;

	cli_module_inspect(m);
	out_obj("module");
	out_bool("loaded", NULL, m->loaded);
	out_str("via", NULL, m->via);
	out_str("file", NULL, m->path[0] ? m->path : NULL);
	out_str("signer", NULL, m->sig_known ? m->signer : NULL);
	if (!m->loaded) {
		out_text("hwpt module    not loaded%s%s\n",
			 m->path[0] ? "; its file is " : "", m->path);
		if (m->sig_known)
			out_vtext("  signer       %s\n",
				  m->signer[0] ? m->signer : "none (unsigned)");
		out_vtext("  looked up    via %s\n", m->via);
		out_nulls("state", "version", "refcount", "taint", "parameters",
			  NULL);
		out_end();
		if (m->path[0])
			problem(st, "hwptctl load (or modprobe hwpt)",
				"hwpt is not loaded");
		else
			problem(st, cli_install_advice(),
				"hwpt is not installed for kernel %s",
				st->uts.release);
		return;
	}
	out_str("state", "hwpt module    loaded (%s)", m->state);
	out_str("version", ", version %s", m->version);
	if (m->refcnt >= 0)
		out_int("refcount", ", %lld user(s)", m->refcnt);
	else
		out_str("refcount", NULL, NULL);
	out_str("taint", ", taint %s", m->taint[0] ? m->taint : "none");
	out_text(", via %s\n", m->via);
	out_text("  file          %s", m->path[0] ? m->path :
		 "none for this kernel (loaded from elsewhere)");
	if (m->sig_known)
		out_text(" (%s%s)", m->signer[0] ? "signed by " : "unsigned",
			 m->signer);
	out_text("\n");
	status_params();
	out_end();
}

/* ---- /dev/hwpt and what the module can do ---- */

static void status_info(struct status *st)
{
	struct hwpt_get_info info = { .size = sizeof(info) };
	struct hwpt_ctx *ctx = NULL;
	int rc = -ENOENT;

	/* Not loaded: status_module() said so, and what to do. */
	if (st->mod.loaded)
		rc = hwpt_ctx_open(&ctx, NULL);
	out_obj("device_node");
	out_bool("open", NULL, !rc);
	out_str("error", rc && st->mod.loaded ? "/dev/hwpt      %s\n" : NULL,
		rc && st->mod.loaded ? hwpt_strerror(NULL) : NULL);
	out_end();
	if (rc) {
		cli_print_info(NULL);
		if (st->mod.loaded)
			problem(st, hwpt_strerror(NULL),
				"/dev/hwpt cannot be opened");
		return;
	}
	if (hwpt_get_info(ctx, &info)) {
		problem(st, hwpt_strerror(ctx), "HWPT_GET_INFO failed");
		cli_print_info(NULL);
	} else {
		out_text("/dev/hwpt      answers\n");
		cli_print_info(&info);
		if (info.caps & HWPT_CAP_FAULT_INJECT)
			out_text("note: fault injection is on (debug_inject=1): for tests and labs only\n");
	}
	hwpt_ctx_close(ctx);
}

/* ---- Secure Boot and lockdown ---- */

/* "enabled", "disabled" or "" from mokutil --sb-state. */
static const char *mokutil_sb(void)
{
	char line[256];
	const char *state = "";
	FILE *p;

	if (!have_cmd("mokutil"))
		return state;
	p = popen("mokutil --sb-state 2>/dev/null", "r");
	if (!p)
		return state;
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "SecureBoot enabled"))
			state = "enabled";
		else if (strstr(line, "SecureBoot disabled"))
			state = "disabled";
	}
	pclose(p);
	return state;
}

static void status_secure_boot(struct status *st)
{
	const char *state = "unknown", *via = "efivars", *mok;
	unsigned char var[5];
	FILE *f;

	f = fopen(EFI_SECURE_BOOT, "re");
	if (access("/sys/firmware/efi", F_OK)) {
		state = "unsupported";
		via = "no EFI firmware";
	} else if (f) {
		/* 4 bytes of attributes, then the value. */
		if (fread(var, 1, sizeof(var), f) == sizeof(var))
			state = var[4] == 1 ? "enabled" : "disabled";
	} else {
		mok = mokutil_sb();
		if (mok[0]) {
			state = mok;
			via = "mokutil --sb-state";
		}
	}
	if (f)
		fclose(f);
	st->sb_on = !strcmp(state, "enabled");
	out_obj("secure_boot");
	out_str("state", "Secure Boot    %s", state);
	out_str("via", " (%s)\n", via);
	out_end();
}

static void status_lockdown(struct status *st)
{
	char line[128], sig[8], *b, *e;
	const char *mode = NULL;

	first_line(LOCKDOWN, line, sizeof(line));
	b = strchr(line, '[');
	e = b ? strchr(b, ']') : NULL;
	if (e) {
		*e = 0;
		mode = b + 1;
	}
	st->lockdown = mode && strcmp(mode, "none");
	first_line(SIG_ENFORCE, sig, sizeof(sig));
	out_obj("lockdown");
	out_str("mode", mode ? "lockdown       %s\n" : NULL, mode);
	if (!mode)
		out_text("lockdown       unknown (no " LOCKDOWN ": mount -t securityfs none /sys/kernel/security)\n");
	/* Without CONFIG_MODULE_SIG the parameter does not exist. */
	if (sig[0]) {
		out_bool("sig_enforce", "sig_enforce    %s\n", sig[0] == 'Y');
	} else {
		out_str("sig_enforce", NULL, NULL);
		out_text("sig_enforce    unknown (no " SIG_ENFORCE ")\n");
	}
	if (st->lockdown)
		out_text("note: under lockdown PCI BARs cannot be mapped from userspace (exercise --edu)\n");
	out_end();
	if (st->mod.loaded || !(st->sb_on || st->lockdown || sig[0] == 'Y') ||
	    (st->mod.sig_known && st->mod.signer[0]))
		return;
	problem(st, MOK_FIX,
		"this kernel loads only signed modules (Secure Boot %s, lockdown %s) and hwpt's signer is %s",
		st->sb_on ? "on" : "off", mode ? mode : "unknown",
		st->mod.sig_known ? "none" : "unknown");
}

/* ---- The IOMMU ---- */

/* The CPU vendor, for the switch that turns its IOMMU on. */
static const char *cpu_vendor(const struct utsname *u)
{
	char line[256];
	const char *v = "unknown";
	FILE *f;

	if (!strcmp(u->machine, "aarch64"))
		return "ARM";
	f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return v;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "vendor_id", 9))
			continue;
		if (strstr(line, "GenuineIntel"))
			v = "Intel";
		else if (strstr(line, "AuthenticAMD") ||
			 strstr(line, "HygonGenuine"))
			v = "AMD";
		break;
	}
	fclose(f);
	return v;
}

/* The IOMMU words of the kernel command line; an "off" one in *@off. */
static void status_cmdline(char *off, size_t len)
{
	char cmdline[4096], *w, *save;
	unsigned int n = 0;

	off[0] = 0;
	first_line("/proc/cmdline", cmdline, sizeof(cmdline));
	out_arr("cmdline");
	out_text("  command line  ");
	for (w = strtok_r(cmdline, " ", &save); w;
	     w = strtok_r(NULL, " ", &save)) {
		if (!strstr(w, "iommu"))
			continue;
		out_str(NULL, "%s ", w);
		n++;
		if (!strcmp(w, "intel_iommu=off") ||
		    !strcmp(w, "amd_iommu=off") || !strcmp(w, "iommu=off"))
			snprintf(off, len, "%s", w);
	}
	out_text(n ? "\n" : "(no IOMMU option)\n");
	out_end();
}

static void status_iommu(struct status *st)
{
	const char *vendor = cpu_vendor(&st->uts);
	char path[PATH_MAX], off[64];
	struct dirent **names;
	int i, n = scandir("/sys/class/iommu", &names, NULL, alphasort);
	unsigned int units = 0;

	out_obj("iommu");
	out_text("IOMMU          ");
	out_arr("units");
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		int ndev;

		if (name[0] != '.') {
			snprintf(path, sizeof(path),
				 "/sys/class/iommu/%s/devices", name);
			ndev = count_entries(path);
			out_obj(NULL);
			out_str("name", "%s", name);
			out_str("vendor", " (%s", hwpt_iommu_vendor(name));
			out_int("devices", ", %lld devices) ", ndev);
			out_end();
			units++;
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	out_end();
	out_bool("on", NULL, units);
	out_text(units ? "\n" : "off (no unit in /sys/class/iommu)\n");
	out_str("cpu_vendor", OUT_V("  CPU vendor    %s\n"), vendor);
	status_cmdline(off, sizeof(off));
	out_end();
	if (units)
		return;
	if (off[0])
		problem(st, "remove it from the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, update-grub, reboot)",
			"the IOMMU is off: the command line has %s", off);
	else if (!strcmp(vendor, "Intel"))
		problem(st, "turn on VT-d in the firmware setup and add intel_iommu=on to the kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, update-grub, reboot)",
			"the IOMMU is off");
	else if (!strcmp(vendor, "AMD"))
		problem(st, "turn on the IOMMU (AMD-Vi, or just \"IOMMU\") in the firmware setup: Linux turns it on by itself when the firmware describes it (ACPI IVRS table; dmesg | grep AMD-Vi), with no kernel parameter (amd_iommu=force_enable only overrides a platform quirk that dmesg names)",
			"the IOMMU is off");
	else
		problem(st, "the firmware must describe the SMMU (ACPI IORT or device tree) and its driver be loaded (arm_smmu_v3); iommu.passthrough=0 on the command line makes DMA translated by default",
			"no IOMMU is registered");
}

/* ---- DKMS ---- */

static void status_dkms(struct status *st)
{
	char line[512], fix[256];
	bool any = false, here = false;
	FILE *p;

	out_obj("dkms");
	out_bool("available", NULL, have_cmd("dkms"));
	if (!have_cmd("dkms")) {
		out_text("DKMS           not installed%s\n",
			 st->mod.loaded ? " (not needed: hwpt is loaded)" : "");
		out_nulls("status", "installed_for_running_kernel", NULL);
		out_end();
		/* Without a module, status_module()'s fix brings DKMS too. */
		return;
	}
	p = popen("dkms status hwpt 2>/dev/null", "r");
	out_arr("status");
	while (p && fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = 0;
		out_str(NULL, any ? "               %s\n" : "DKMS           %s\n",
			line);
		any = true;
		/* "hwpt/0.2.0, 6.1.0-27-amd64, x86_64: installed" */
		if (strstr(line, st->uts.release) && strstr(line, "installed"))
			here = true;
	}
	if (p)
		pclose(p);
	out_end();
	if (!any)
		out_text("DKMS           hwpt is not added\n");
	out_bool("installed_for_running_kernel",
		 OUT_V("  this kernel  %s (built and installed by DKMS)\n"),
		 here);
	out_end();
	/* Not added at all: status_module() said how to install it. */
	if (here || st->mod.loaded || !any)
		return;
	snprintf(fix, sizeof(fix),
		 "apt install linux-headers-%s, then dkms autoinstall -k %s",
		 st->uts.release, st->uts.release);
	problem(st, fix, "DKMS has not built hwpt for kernel %s",
		st->uts.release);
}

int cmd_status(int argc, char **argv)
{
	struct status st = { 0 };
	unsigned int i;

	if (!cli_plain_args(argc, argv, 0))
		return CLI_USAGE;
	uname(&st.uts);
	out_str("kernel", "kernel         %s", st.uts.release);
	out_str("machine", " (%s)\n", st.uts.machine);
	status_module(&st);
	status_info(&st);
	status_secure_boot(&st);
	status_lockdown(&st);
	status_iommu(&st);
	status_dkms(&st);

	out_arr("problems");
	out_text(st.nproblems ? "problems:\n" : "problems       none\n");
	for (i = 0; i < st.nproblems; i++) {
		out_obj(NULL);
		out_str("problem", "  - %s\n", st.problem[i]);
		out_str("fix", "    fix: %s\n", st.fix[i]);
		out_end();
		free(st.problem[i]);
		free(st.fix[i]);
	}
	out_end();
	if (st.nproblems)
		out_error("%u problem(s) found", st.nproblems);
	return st.nproblems ? CLI_FAIL : CLI_OK;
}
