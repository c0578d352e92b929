// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl: look at what hwpt and the IOMMU can do on this machine, and
 * drive hwpt through libhwpt.
 *
 *   hwptctl [--json] COMMAND [ARGS]     one JSON document with --json
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "module.h"

static const struct cli_cmd cli_cmds[] = {
	{ "status", "doctor", "",
	  "module, Secure Boot, lockdown, IOMMU, DKMS and capabilities; every problem with its fix",
	  "Checks, in order: whether hwpt is loaded (version, users, parameters,\n"
	  "signer), whether /dev/hwpt answers and what this build of the module\n"
	  "can do on this kernel (HWPT_GET_INFO), Secure Boot and kernel lockdown,\n"
	  "whether the IOMMU is on, and DKMS. Every problem found is listed with\n"
	  "the command that fixes it; the exit status is 1 if there is any.\n",
	  cmd_status },
	{ "load", NULL, "[--path FILE] [NAME=VALUE...]",
	  "load hwpt, with module parameters such as debug_inject=1",
	  "Loads hwpt as modprobe does (its dependencies first, options from\n"
	  "/etc/modprobe.d), or FILE as insmod does. NAME=VALUE operands are\n"
	  "module parameters, e.g. debug_inject=1 (fault injection: tests and\n"
	  "labs only).\n"
	  "  --path FILE   load this module file\n",
	  cmd_load },
	{ "unload", NULL, "",
	  "unload hwpt",
	  "Unloads hwpt; fails while a /dev/hwpt file is open.\n",
	  cmd_unload },
	{ "devices", NULL, "",
	  "PCI devices: IOMMU group and IOMMU, driver, whether hwpt can take them",
	  "Lists the PCI devices in address order with their IOMMU group, the\n"
	  "IOMMU that serves them, their driver, whether hwpt can take them, and\n"
	  "their names from the PCI ID database. With -v (and in JSON) each also\n"
	  "gets the other devices of its group and what to unbind first (the\n"
	  "device's driver, or DMA drivers of other devices of its group), with\n"
	  "the commands that do it. Nothing is bound or unbound.\n",
	  cmd_devices },
	{ "info", NULL, "DEVICE [--bind]",
	  "DEVICE as sysfs and hwpt see it, and the module's capabilities",
	  "Shows DEVICE (e.g. 0000:01:00.0) without changing it: its IDs and\n"
	  "names, class, IOMMU group and the IOMMU serving it, its driver, and\n"
	  "whether hwpt can take it (what to unbind first); then the module's\n"
	  "capabilities, when /dev/hwpt opens. What only a device bound to hwpt\n"
	  "tells is unknown without --bind (null with --json).\n"
	  "  --bind   bind DEVICE for the run and add what HWPT_DEVICE_GET and\n"
	  "           HWPT_GET_HW_INFO report: whether its page requests can\n"
	  "           reach a fault queue (IOPF), whether it is a virtual\n"
	  "           function, cache coherency, fault counts, and the serving\n"
	  "           IOMMU's registers, PASID width and capabilities. DEVICE\n"
	  "           must be free for it (hwptctl devices); it is released on\n"
	  "           exit.\n",
	  cmd_info },
	{ "exercise", NULL, "DEVICE [--edu] [--group]",
	  "bind, map, attach, allocate, replace, detach and destroy, step by step",
	  "Runs the whole life of a device under hwpt and prints each step as\n"
	  "passed or failed: bind, IOAS alloc, map buffers, attach (automatic\n"
	  "HWPT), HWPT alloc over a second IOAS, replace, detach, destroy.\n"
	  "  --edu     DEVICE is QEMU's edu device: prove translation end to end\n"
	  "            by DMA through each page table (write a pattern, DMA it\n"
	  "            into the device and back to another IOVA, compare bytes)\n"
	  "  --group   also bind the other devices of DEVICE's IOMMU group,\n"
	  "            replace through DEVICE and show every one followed\n",
	  cmd_exercise },
	{ "faults", NULL, "DEVICE [--inject N] [OPTIONS]",
	  "take DEVICE's I/O page faults and answer them; inject and time some",
	  "Allocates a fault queue and a fault-capable HWPT, attaches DEVICE and\n"
	  "shows its fault groups as they come, with their answers. Ctrl-C ends.\n"
	  "  --inject N          inject N fault groups (the module must be loaded\n"
	  "                      with debug_inject=1) while reading and answering\n"
	  "                      them, then report latency percentiles and the\n"
	  "                      device's fault counts\n"
	  "  --pages N           pages per injected group (1-16, default 1)\n"
	  "  --respond CODE      answer success (default) or invalid\n"
	  "  --timeout SECONDS   stop after this long (default: never, or when\n"
	  "                      every injected group is answered)\n"
	  "  --count N           stop after N groups\n"
	  "  -v, --verbose       print every group also when injecting (in\n"
	  "                      the JSON document too)\n",
	  cmd_faults },
};

#define NCMDS	ARRAY_SIZE(cli_cmds)

static const struct cli_cmd *cli_cur;

/* The help of @cmd (all commands if NULL), into the document. */
static void cli_help(const struct cli_cmd *cmd)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	if (cmd) {
		fprintf(f, "usage: hwptctl %s%s%s [--json] [-v]\n\n%s.\n\n%s",
			cmd->name, cmd->args[0] ? " " : "", cmd->args,
			cmd->summary, cmd->help);
		if (cmd->alias)
			fprintf(f, "\nAlso called: hwptctl %s.\n", cmd->alias);
	} else {
		fputs("usage: hwptctl [--json] [-v] COMMAND [ARGS]\n\ncommands:\n", f);
		for (i = 0; i < NCMDS; i++)
			fprintf(f, "  %-9s %s\n", cli_cmds[i].name,
				cli_cmds[i].summary);
		fputs("\nhwptctl COMMAND --help says more. With --json every command\n"
		      "prints one JSON document (\"schema\" is its layout's version)\n"
		      "with \"ok\", and \"error\" (null on success); its keys are the\n"
		      "same whatever the machine's state, null when unknown. -v shows on\n"
		      "the terminal everything the JSON document has.\n"
		      "Exit status: 0 success, 1 failure, 2 usage error.\n", f);
	}
	fclose(f);
	out_str("help", "%s", text);
	free(text);
}

int cli_usage(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cli_cur)
		out_error("%s (usage: hwptctl %s%s%s)", msg, cli_cur->name,
			  cli_cur->args[0] ? " " : "", cli_cur->args);
	else
		out_error("%s (hwptctl --help lists the commands)", msg);
	return CLI_USAGE;
}

int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	static struct option all[16] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
	};
	char opts[64];
	size_t i;
	int c;

	for (i = 0; longopts && longopts[i].name && i + 4 < ARRAY_SIZE(all);
	     i++)
		all[i + 3] = longopts[i];
	opterr = 0;
	snprintf(opts, sizeof(opts), ":hjv%s", shortopts);
	while ((c = getopt_long(argc, argv, opts, all, NULL)) != -1) {
		switch (c) {
		case 'j':
			continue;
		case 'v':
			out_set_verbose(true);
			continue;
		case 'h':
			cli_help(cli_cur);
			exit(out_finish(CLI_OK));
		case '?':
			cli_usage("unknown option %s", argv[optind - 1]);
			return '?';
		case ':':
			cli_usage("%s needs a value", argv[optind - 1]);
			return '?';
		}
		return c;
	}
	return -1;
}

bool cli_operands(int argc, int n)
{
	if (argc - optind == n)
		return true;
	cli_usage(argc - optind < n ? "missing operand" : "too many operands");
	return false;
}

bool cli_plain_args(int argc, char **argv, int n)
{
	return cli_getopt(argc, argv, "", NULL) == -1 && cli_operands(argc, n);
}

int main(int argc, char **argv)
{
	bool json = false;
	size_t c;
	int i, rc;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		json |= !strcmp(argv[i], "--json");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json"))
			continue;
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			out_set_verbose(true);
			continue;
		}
		out_start(NULL, json);
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_help(NULL);
			return out_finish(CLI_OK);
		}
		if (!strcmp(argv[i], "--version")) {
			out_str("version", "hwptctl %s", HWPT_VERSION);
			out_bool("libkmod", " (libkmod %s", cli_have_libkmod);
			out_bool("libpci", ", libpci %s)\n", cli_have_libpci);
			return out_finish(CLI_OK);
		}
		return out_finish(cli_usage("unknown option %s", argv[i]));
	}
	for (c = 0; i < argc && c < NCMDS; c++) {
		if (strcmp(argv[i], cli_cmds[c].name) &&
		    (!cli_cmds[c].alias || strcmp(argv[i], cli_cmds[c].alias)))
			continue;
		cli_cur = &cli_cmds[c];
		out_start(cli_cur->name, json);
		rc = cli_cur->run(argc - i, argv + i);
		cli_pci_names_end();
		return out_finish(rc);
	}
	out_start(NULL, json);
	if (i == argc)
		return out_finish(cli_usage("no command"));
	return out_finish(cli_usage("unknown command %s", argv[i]));
}
