// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl load / unload, and what the kernel says of the hwpt module.
 *
 * With libkmod (HAVE_LIBKMOD) as modprobe does: the module of the running
 * kernel from modules.dep, its dependencies, /etc/modprobe.d options, and
 * the signer from the file. Without it (the static guest tools):
 * finit_module(2) and delete_module(2) on the file given with --path or
 * found under /lib/modules/$(uname -r), and /sys/module for the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#ifdef HAVE_LIBKMOD
#include <libkmod.h>
#include <syslog.h>
#else
#include <linux/module.h>
#endif

#include "cli.h"
#include "module.h"

#define SYS_MODULE	"/sys/module/hwpt"
#define MOK_ENROL	"mokutil --import /var/lib/dkms/mok.pub, reboot, and choose \"Enroll MOK\" in the MOK manager"

/* The first line of @path into @buf ("" if unreadable). */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = 0;
	if (!f)
		return;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/* What the running kernel's sysfs says. */
static void module_sysfs(struct cli_module *m)
{
	char buf[32];

	read_line(SYS_MODULE "/initstate", m->state, sizeof(m->state));
	m->loaded = m->state[0];
	read_line(SYS_MODULE "/version", m->version, sizeof(m->version));
	read_line(SYS_MODULE "/taint", m->taint, sizeof(m->taint));
	read_line(SYS_MODULE "/refcnt", buf, sizeof(buf));
	m->refcnt = buf[0] ? atol(buf) : -1;
}

#ifdef HAVE_LIBKMOD

const bool cli_have_libkmod = true;

static struct kmod_ctx *module_kmod(void)
{
	struct kmod_ctx *kctx = kmod_new(NULL, NULL);

	if (kctx) {
		/* Quiet: hwptctl reports the errors itself. */
		kmod_set_log_priority(kctx, LOG_EMERG);
		kmod_load_resources(kctx);
	}
	return kctx;
}

void cli_module_inspect(struct cli_module *m)
{
	struct kmod_list *info = NULL, *l;
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx;
	const char *path;

	memset(m, 0, sizeof(*m));
	m->via = "libkmod";
	module_sysfs(m);
	kctx = module_kmod();
	if (!kctx || kmod_module_new_from_name(kctx, "hwpt", &mod)) {
		kmod_unref(kctx);
		return;
	}
	if (kmod_module_get_initstate(mod) >= 0)
		m->refcnt = kmod_module_get_refcnt(mod);
	path = kmod_module_get_path(mod);
	if (path)
		snprintf(m->path, sizeof(m->path), "%s", path);
	if (path && kmod_module_get_info(mod, &info) >= 0) {
		m->sig_known = true;
		kmod_list_foreach(l, info) {
			const char *k = kmod_module_info_get_key(l);
			const char *v = kmod_module_info_get_value(l);

			if (!strcmp(k, "signer"))
				snprintf(m->signer, sizeof(m->signer), "%s", v);
			else if (!strcmp(k, "version") && !m->version[0])
				snprintf(m->version, sizeof(m->version), "%s",
					 v);
		}
		kmod_module_info_free_list(info);
	}
	kmod_module_unref(mod);
	kmod_unref(kctx);
}

/* Insert @path, or hwpt with its dependencies as modprobe does. */
static int module_insert(const char *path, const char *params,
			 char *used, size_t len)
{
	struct kmod_list *list = NULL;
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx = module_kmod();
	int rc;

	if (!kctx)
		return -ENOMEM;
	if (path) {
		rc = kmod_module_new_from_path(kctx, path, &mod);
		if (!rc)
			rc = kmod_module_insert_module(mod, 0, params);
	} else {
		rc = kmod_module_new_from_lookup(kctx, "hwpt", &list);
		if (!rc && !list)
			rc = -ENOENT;
		if (!rc) {
			mod = kmod_module_get_module(list);
			rc = kmod_module_probe_insert_module(mod,
							     KMOD_PROBE_FAIL_ON_LOADED,
							     params, NULL, NULL,
							     NULL);
		}
	}
	path = mod ? kmod_module_get_path(mod) : path;
	snprintf(used, len, "%s", path ? path : "hwpt");
	kmod_module_unref(mod);
	kmod_module_unref_list(list);
	kmod_unref(kctx);
	return rc;
}

static int module_remove(void)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx = module_kmod();
	int rc;

	if (!kctx)
		return -ENOMEM;
	rc = kmod_module_new_from_name(kctx, "hwpt", &mod);
	if (!rc)
		rc = kmod_module_remove_module(mod, KMOD_REMOVE_NOWAIT);
	kmod_module_unref(mod);
	kmod_unref(kctx);
	return rc;
}

#else /* !HAVE_LIBKMOD */

const bool cli_have_libkmod;

static char *module_found;

static int module_match(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	const char *base = path + ftw->base;

	(void)st;
	if (type != FTW_F || strncmp(base, "hwpt.ko", 7) ||
	    (base[7] && base[7] != '.'))
		return 0;
	module_found = strdup(path);
	return 1;
}

/* hwpt.ko[.xz|.zst|.gz] under /lib/modules/$(uname -r), into @out. */
static void module_find(char *out, size_t len)
{
	char dir[PATH_MAX];
	struct utsname u;

	out[0] = 0;
	if (uname(&u))
		return;
	snprintf(dir, sizeof(dir), "/lib/modules/%s", u.release);
	if (nftw(dir, module_match, 16, FTW_PHYS) == 1 && module_found) {
		snprintf(out, len, "%s", module_found);
		free(module_found);
		module_found = NULL;
	}
}

void cli_module_inspect(struct cli_module *m)
{
	memset(m, 0, sizeof(*m));
	m->via = "sysfs";
	module_sysfs(m);
	module_find(m->path, sizeof(m->path));
}

static int module_insert(const char *path, const char *params,
			 char *used, size_t len)
{
	unsigned int flags = 0;
	const char *ext;
	int fd, rc;

	if (!path) {
		module_find(used, len);
		if (!used[0]) {
			snprintf(used, len, "hwpt");
			return -ENOENT;
		}
		path = used;
	} else {
		snprintf(used, len, "%s", path);
	}
	ext = strrchr(path, '.');
	if (ext && strcmp(ext, ".ko"))
		flags |= MODULE_INIT_COMPRESSED_FILE;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = syscall(SYS_finit_module, fd, params, flags) ? -errno : 0;
	close(fd);
	return rc;
}

static int module_remove(void)
{
	return syscall(SYS_delete_module, "hwpt", O_NONBLOCK) ? -errno : 0;
}

#endif /* HAVE_LIBKMOD */

/* Why loading or unloading failed, and what to do. */
static const struct {
	bool load;
	int err;
	const char *advice;
} module_advice[] = {
	{
		false, ENOENT,
		"hwpt is not loaded",
	},
	{
		false, EAGAIN,
		"hwpt is in use: close the programs that have /dev/hwpt open (fuser -v /dev/hwpt)",
	},
	{
		false, EBUSY,
		"hwpt is in use: close the programs that have /dev/hwpt open (fuser -v /dev/hwpt)",
	},
	{
		false, EPERM,
		"unloading modules needs root (CAP_SYS_MODULE)",
	},
	{
		false, ENOSYS,
		"this kernel cannot unload modules (built without CONFIG_MODULE_UNLOAD)",
	},
	{
		true, EEXIST,
		"hwpt is loaded already: hwptctl unload first to change its parameters",
	},
	{
		true, EKEYREJECTED,
		"Key was rejected by service: hwpt is signed with a key this kernel does not trust (Secure Boot). Enrol DKMS's key: "
		MOK_ENROL "; then load again",
	},
	{
		true, ENOKEY,
		"Required key not available: this kernel loads signed modules only and hwpt is not signed. Let DKMS sign it (dkms install --force hwpt/" HWPT_VERSION ") and enrol its key: "
		MOK_ENROL,
	},
	{
		true, EPERM,
		"refused: loading needs root (CAP_SYS_MODULE), and under lockdown only signed modules load (hwptctl status); enrol the signing key: "
		MOK_ENROL,
	},
	{
		true, ENOEXEC,
		"not a module for this kernel (built for another kernel or architecture): rebuild it (dkms install hwpt/" HWPT_VERSION " -k $(uname -r))",
	},
	{
		true, EINVAL,
		"the kernel refused a parameter or the module (dmesg says which); parameters are NAME=VALUE, e.g. debug_inject=1",
	},
};

/* Report a failure to load (@path, NULL: hwpt's) or unload. */
static void module_fail(bool load, const char *path, int rc, const char *what)
{
	const char *name = strerrorname_np(-rc), *advice = strerror(-rc);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(module_advice); i++)
		if (module_advice[i].load == load &&
		    module_advice[i].err == -rc)
			advice = module_advice[i].advice;
	if (load && rc == -ENOENT && path)
		advice = "no such file";
	if (load && rc == -ENOENT && !path) {
		out_error("%s %s: no hwpt module for this kernel: install it (%s) or give the file with --path",
			  name, what, cli_install_advice());
		return;
	}
	out_error("%s %s: %s", name ? name : "error", what, advice);
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "path", required_argument, NULL, 'p' },
		{}
	};
	char params[1024] = "", used[PATH_MAX], what[PATH_MAX + 32];
	const char *path = NULL;
	struct cli_module m;
	size_t n = 0;
	int c, rc;

	while ((c = cli_getopt(argc, argv, "p:", opts)) != -1) {
		if (c != 'p')
			return CLI_USAGE;
		path = optarg;
	}
	for (; optind < argc; optind++) {
		if (!strchr(argv[optind], '='))
			return cli_usage("%s is no NAME=VALUE parameter",
					 argv[optind]);
		n += snprintf(params + n, sizeof(params) - n, "%s%s",
			      n ? " " : "", argv[optind]);
		if (n >= sizeof(params))
			return cli_usage("parameters too long");
	}
	rc = module_insert(path, params, used, sizeof(used));
	cli_module_inspect(&m);
	out_str("path", NULL, used);
	out_str("parameters", NULL, params);
	out_str("via", NULL, m.via);
	if (rc) {
		out_str("version", NULL, NULL);
		snprintf(what, sizeof(what), "loading %s", used);
		module_fail(true, path, rc, what);
		return CLI_FAIL;
	}
	out_str("version", "hwpt %s loaded", m.version);
	out_text(" from %s%s%s (%s)\n", used, params[0] ? " with " : "",
		 params, m.via);
	return CLI_OK;
}

int cmd_unload(int argc, char **argv)
{
	int rc;

	if (!cli_plain_args(argc, argv, 0))
		return CLI_USAGE;
	rc = module_remove();
	if (rc) {
		module_fail(false, NULL, rc, "unloading hwpt");
		return CLI_FAIL;
	}
	out_text("hwpt unloaded\n");
	return CLI_OK;
}
