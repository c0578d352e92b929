// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl: opening /dev/hwpt, inspecting a device, installing advice, the
 * module's info, steps, clocks.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct hwpt_ctx *cli_open(void)
{
	struct hwpt_ctx *ctx;

	if (hwpt_ctx_open(&ctx, NULL)) {
		out_error("%s", hwpt_strerror(NULL));
		return NULL;
	}
	return ctx;
}

bool cli_inspect(const char *name, struct hwpt_pci_info *p)
{
	p->size = sizeof(*p);
	if (!hwpt_pci_inspect(name, p))
		return true;
	out_error("no PCI device %s (hwptctl devices lists them)", name);
	return false;
}

/*
 * The top of the source tree the executable was built in (O= left at its
 * default, build/cli), or NULL: then hwptctl is installed, from a package
 * or by make install, and the source tree is no one's business.
 */
static const char *cli_source_tree(void)
{
	static char top[PATH_MAX];
	char exe[PATH_MAX], probe[PATH_MAX + 32], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int up;

	if (n < 0)
		return NULL;
	exe[n] = 0;
	/* TOP/build/cli/hwptctl: three components up. */
	for (up = 0; up < 3; up++) {
		slash = strrchr(exe, '/');
		if (!slash || slash == exe)
			return NULL;
		*slash = 0;
	}
	snprintf(probe, sizeof(probe), "%s/src/cli/hwptctl.c", exe);
	if (access(probe, F_OK))
		return NULL;
	snprintf(probe, sizeof(probe), "%s/dkms.conf", exe);
	if (access(probe, F_OK))
		return NULL;
	snprintf(top, sizeof(top), "%s", exe);
	return top;
}

const char *cli_install_advice(void)
{
	static char advice[PATH_MAX + 160];
	const char *top = cli_source_tree();

	if (top)
		snprintf(advice, sizeof(advice),
			 "apt install dkms linux-headers-$(uname -r), then make -C %s install-dkms, then hwptctl load",
			 top);
	else
		snprintf(advice, sizeof(advice),
			 "apt install hwpt-dkms linux-headers-$(uname -r), then modprobe hwpt (or hwptctl load)");
	return advice;
}

int cli_bind(struct hwpt_ctx *ctx, const char *name, uint32_t *dev_id)
{
	int rc = hwpt_device_bind(ctx, name, dev_id);

	if (rc)
		out_error("%s", hwpt_strerror(ctx));
	return rc;
}

const char *cli_err(struct hwpt_ctx *ctx, int rc)
{
	return rc ? hwpt_strerror(ctx) : NULL;
}

void cli_print_caps(const char *key, uint64_t caps,
		    const struct hwpt_cap_desc *(*desc)(size_t i))
{
	const struct hwpt_cap_desc *d;
	uint64_t known = 0;
	char name[16];
	size_t i;

	out_arr(key);
	for (i = 0; (d = desc(i)); i++) {
		bool on = caps & d->bit;

		known |= d->bit;
		if (on)
			out_str(NULL, NULL, d->name);
		out_text("  [%c] %-20s %s\n", on ? 'x' : ' ', d->name, d->what);
	}
	for (i = 0; i < 64; i++) {
		if (!(caps & ~known & (1ULL << i)))
			continue;
		snprintf(name, sizeof(name), "bit%zu", i);
		out_str(NULL, "  [x] %-20s (unknown to this hwptctl)\n", name);
	}
	out_end();
}

void cli_print_info(const struct hwpt_get_info *info)
{
	char v[32];

	if (!info) {
		out_str("get_info", NULL, NULL);
		return;
	}
	out_obj("get_info");
	out_uint("uapi_version", "uAPI version      %llu\n", info->uapi_version);
	out_str("version", "module version    %s\n",
		hwpt_version_str(info->module_version, v, sizeof(v)));
	out_str("iopf_api", "I/O page faults   %s\n",
		hwpt_iopf_api_name(info->iopf_api));
	out_text("capabilities");
	out_uint("caps", OUT_V(" %#llx"), info->caps);
	out_text(":\n");
	cli_print_caps("cap_names", info->caps, hwpt_cap_desc);
	out_obj("faults");
	out_text("faults since load ");
	out_uint("reported", "%llu reported: ", info->out_faults);
	out_uint("success", "%llu success, ", info->out_resp_success);
	out_uint("invalid", "%llu invalid, ", info->out_resp_invalid);
	out_uint("auto", "%llu answered by hwpt\n", info->out_resp_auto);
	out_end();
	out_end();
}

bool cli_print_counts(const struct hwpt_device_get *g)
{
	uint64_t sum = (uint64_t)g->out_resp_success + g->out_resp_invalid +
		       g->out_resp_auto + g->out_faults_pending;

	out_obj("faults");
	out_uint("reported", "faults         %llu reported = ", g->out_faults);
	out_uint("success", "%llu success + ", g->out_resp_success);
	out_uint("invalid", "%llu invalid + ", g->out_resp_invalid);
	out_uint("auto", "%llu answered by hwpt + ", g->out_resp_auto);
	out_uint("pending", "%llu pending", g->out_faults_pending);
	out_bool("adds_up", NULL, sum == g->out_faults);
	if (sum == g->out_faults)
		out_text(" (adds up)\n");
	else
		out_text(" (DOES NOT ADD UP: %llu)\n", (unsigned long long)sum);
	out_end();
	return sum == g->out_faults;
}

double cli_now_ms(void)
{
	return cli_now_us() / 1000.0;
}

uint64_t cli_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

void steps_begin(struct cli_steps *s)
{
	s->passed = 0;
	s->failed = 0;
	s->t0 = cli_now_ms();
	out_arr("steps");
}

bool step(struct cli_steps *s, const char *name, const char *err,
	  const char *fmt, ...)
{
	double now = cli_now_ms();
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (err) {
		s->failed++;
		out_error("%s: %s", name, err);
	} else {
		s->passed++;
	}
	out_obj(NULL);
	out_str("step", NULL, name);
	out_bool("ok", NULL, !err);
	out_str("detail", NULL, detail);
	out_double("ms", NULL, now - s->t0);
	out_str("error", NULL, err);
	out_end();
	out_text("[%s] %-18s %s (%.0f ms)\n", err ? "FAIL" : " ok ", name,
		 detail, now - s->t0);
	if (err)
		out_text("       %s\n", err);
	fflush(stdout);
	s->t0 = now;
	return !err;
}

int steps_end(struct cli_steps *s)
{
	out_end();
	out_uint("passed", "%llu step(s) passed", s->passed);
	out_uint("failed", ", %llu failed\n", s->failed);
	return s->failed ? CLI_FAIL : CLI_OK;
}
