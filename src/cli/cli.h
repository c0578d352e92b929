/* SPDX-License-Identifier: GPL-2.0 */
/* hwptctl: what the commands share. */
#ifndef HWPTCTL_CLI_H
#define HWPTCTL_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include <libhwpt.h>

#include "out.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Exit statuses. */
#define CLI_OK		0
#define CLI_FAIL	1
#define CLI_USAGE	2

struct cli_cmd {
	const char *name;
	const char *alias;
	const char *args;	/* after the name, for the usage line */
	const char *summary;
	const char *help;	/* options and details, for --help */
	int (*run)(int argc, char **argv);
};

/*
 * getopt_long() for the running command, whose own options are @longopts
 * (NULL if none; --help, --json and -v/--verbose are added): handles
 * --help (prints it and exits), --json (main reads it first) and -v,
 * returns the command's options, -1 at the end and '?' for a bad one
 * (after reporting it).
 */
int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts);
/* A command without options of its own and @n operands: parsed? */
bool cli_plain_args(int argc, char **argv, int n);
/* A usage error: report it with the usage line; returns CLI_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Expect exactly @n operands after the options; else a usage error. */
bool cli_operands(int argc, int n);

/* Open /dev/hwpt; NULL after reporting why. */
struct hwpt_ctx *cli_open(void);

/* hwpt_pci_inspect() of @name; false after reporting that there is none. */
bool cli_inspect(const char *name, struct hwpt_pci_info *p);

/*
 * How to install the module for the running kernel: with the package
 * hwpt-dkms, or, when hwptctl runs from a source tree, from that tree.
 */
const char *cli_install_advice(void);

/*
 * The names of the bits of @caps as the JSON array @key ("bitN" for those
 * @desc does not know); on the terminal each bit @desc knows, [x] if set.
 */
void cli_print_caps(const char *key, uint64_t caps,
		    const struct hwpt_cap_desc *(*desc)(size_t i));

/*
 * The module's GET_INFO ("get_info"): versions, capabilities by name;
 * null for @info NULL.
 */
void cli_print_info(const struct hwpt_get_info *info);

/*
 * A device's fault counts (as "faults"), and whether every group is
 * accounted for: faults == success + invalid + auto + pending.
 */
bool cli_print_counts(const struct hwpt_device_get *g);

/* ---- Names from the PCI ID database (names.c) ---- */

/* libpci gives names (HAVE_LIBPCI): not in the static guest build. */
extern const bool cli_have_libpci;

struct cli_pci_names {
	const char *vendor;	/* NULL when unknown */
	const char *device;
	const char *class;
	char vendor_buf[128];
	char device_buf[256];
	char class_buf[128];
};

/* The names of @p's vendor, device and class, as far as they are known. */
void cli_pci_names(const struct hwpt_pci_info *p, struct cli_pci_names *n);
void cli_pci_names_end(void);

/* Bind @name; 0 or -errno after reporting why. */
int cli_bind(struct hwpt_ctx *ctx, const char *name, uint32_t *dev_id);

/* Milliseconds of CLOCK_MONOTONIC, and microseconds. */
double cli_now_ms(void);
uint64_t cli_now_us(void);

/* ---- Steps: a sequence of operations, each passed or failed ---- */

struct cli_steps {
	unsigned int passed;
	unsigned int failed;
	double t0;		/* end of the last step */
};

/* Start the "steps" list. */
void steps_begin(struct cli_steps *s);
/*
 * Step @name: passed if @err is NULL, else failed because of @err. The
 * detail is printf(@fmt, ...). Returns whether it passed.
 */
bool step(struct cli_steps *s, const char *name, const char *err,
	  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* End the list; the counts go into the document. CLI_OK if all passed. */
int steps_end(struct cli_steps *s);

/* libhwpt's message for @rc (< 0), or NULL for success: for step(). */
const char *cli_err(struct hwpt_ctx *ctx, int rc);

/* ---- The commands ---- */

int cmd_status(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_exercise(int argc, char **argv);
int cmd_faults(int argc, char **argv);

#endif /* HWPTCTL_CLI_H */
