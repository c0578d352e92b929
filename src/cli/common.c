// SPDX-License-Identifier: GPL-2.0
/* hwptctl: opening /dev/hwpt, the module's info, steps, clocks. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

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
		    const struct hwpt_cap_desc *table, size_t n)
{
	uint64_t known = 0;
	char name[16];
	size_t i;

	out_arr(key);
	for (i = 0; i < n; i++) {
		bool on = caps & table[i].bit;

		known |= table[i].bit;
		if (on)
			out_str(NULL, NULL, table[i].name);
		out_text("  [%c] %-20s %s\n", on ? 'x' : ' ', table[i].name,
			 table[i].what);
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
	const struct hwpt_cap_desc *caps;
	char v[32];
	size_t n;

	caps = hwpt_caps(&n);
	out_obj("get_info");
	out_uint("uapi_version", "uAPI version      %llu\n", info->uapi_version);
	out_str("version", "module version    %s\n",
		hwpt_version_str(info->module_version, v, sizeof(v)));
	out_str("iopf_api", "I/O page faults   %s\n",
		hwpt_iopf_api_name(info->iopf_api));
	out_uint("caps", NULL, info->caps);
	out_text("capabilities:\n");
	cli_print_caps("cap_names", info->caps, caps, n);
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
	if (err)
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
