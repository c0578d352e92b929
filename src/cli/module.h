/* SPDX-License-Identifier: GPL-2.0 */
/* hwptctl: what the kernel says of the hwpt module. */
#ifndef HWPTCTL_MODULE_H
#define HWPTCTL_MODULE_H

#include <limits.h>
#include <stdbool.h>

struct cli_module {
	bool loaded;
	char state[16];		/* initstate: live, coming, going */
	char version[32];	/* of the loaded module, else of the file */
	long refcnt;		/* users (open /dev/hwpt files); -1 unknown */
	char taint[16];		/* its taint flags: O out of tree, E unsigned */
	char path[PATH_MAX];	/* its file for the running kernel, or "" */
	bool sig_known;		/* the file was read: signer is the truth */
	char signer[128];	/* "" when unsigned (or unknown) */
	const char *via;	/* "libkmod" or "sysfs" */
};

void cli_module_inspect(struct cli_module *m);

/* Built with libkmod (HAVE_LIBKMOD): not the static guest build. */
extern const bool cli_have_libkmod;

#endif /* HWPTCTL_MODULE_H */
