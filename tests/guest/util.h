/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the guest test programs: the hwpt ioctls as calls that
 * return 0 or -errno, small sysfs and /proc readers, the fault injection
 * knob, and choosing and inspecting a PCI device.
 *
 * Include after harness.h (which defines _GNU_SOURCE).
 */
#ifndef HWPT_TESTS_GUEST_UTIL_H
#define HWPT_TESTS_GUEST_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/hwpt.h>

#define DEV_PATH		"/dev/hwpt"
#define SYS_MODULE		"/sys/module/hwpt"
#define PARAMS			SYS_MODULE "/parameters"
#define FAIL_NTH		PARAMS "/fail_nth"
#define PCI_SYSFS		"/sys/bus/pci/devices"
#define IOMMU_GROUPS_SYSFS	"/sys/kernel/iommu_groups"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define MAP_RW		(HWPT_IOAS_MAP_READABLE | HWPT_IOAS_MAP_WRITEABLE)
#define MAX_RANGES	64

/* ---- Files ---- */

/* Copy src into dst of size len, cut to fit, always NUL-terminated. */
static inline void str_copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

/* Read the first line of a (sysfs) file into buf, no newline; 0 or -errno. */
static inline int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;	/* one line */
	return 0;
}

/* Write the string s to a (sysfs) file in one write(); 0 or -errno. */
static inline int write_file(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

/* A number from a file (any base strtol() takes); LONG_MIN if unreadable. */
static inline long read_long(const char *path)
{
	char buf[64];
	char *end;
	long v;

	if (read_file(path, buf, sizeof(buf)))
		return LONG_MIN;
	v = strtol(buf, &end, 0);
	return end == buf ? LONG_MIN : v;
}

/* The last path component of a symlink's target, or "" if no link. */
static inline int link_name(const char *path, char *out, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	out[0] = 0;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	base = strrchr(target, '/');
	str_copy(out, len, base ? base + 1 : target);
	return 0;
}

/* How many entries a directory has (without . and ..); -1 on error. */
static inline int count_dir(const char *path)
{
	struct dirent *d;
	DIR *dir = opendir(path);
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* ---- /proc ---- */

/*
 * VmPin of this process in kB (the pages it pinned through hwpt, as
 * iommufd records them), or -1.
 */
static inline long vmpin_kb(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * Pages pinned with FOLL_PIN and not released yet, in the whole system;
 * LLONG_MIN when unknown. The counters are per-CPU batched: exact only
 * after stat_refresh folds them.
 */
static inline long long pins_outstanding(void)
{
	long long acquired = LLONG_MIN, released = LLONG_MIN, v;
	char key[64];
	FILE *f;

	if (write_file("/proc/sys/vm/stat_refresh", "1"))
		return LLONG_MIN;
	f = fopen("/proc/vmstat", "re");
	if (!f)
		return LLONG_MIN;
	while (fscanf(f, "%63s %lld", key, &v) == 2) {
		if (!strcmp(key, "nr_foll_pin_acquired"))
			acquired = v;
		else if (!strcmp(key, "nr_foll_pin_released"))
			released = v;
	}
	fclose(f);
	return acquired == LLONG_MIN || released == LLONG_MIN ? LLONG_MIN :
	       acquired - released;
}

/*
 * Which of the n symbols names[] the running kernel has (in
 * /proc/kallsyms, which root reads with addresses; a function that is an
 * inline stub on a kernel is absent there): have[i]. 0 or -errno.
 */
static inline int kallsyms_have(const char *const *names, bool *have,
				size_t n)
{
	char line[512], type[8], sym[256];
	FILE *f = fopen("/proc/kallsyms", "re");
	size_t i;

	for (i = 0; i < n; i++)
		have[i] = false;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %7s %255s", type, sym) != 2)
			continue;
		for (i = 0; i < n; i++)
			have[i] |= !strcmp(sym, names[i]);
	}
	fclose(f);
	return 0;
}

/* ---- Fault injection knob (module parameter debug_inject=1) ---- */

/* The module was loaded with debug_inject=1. */
static inline bool debug_inject(void)
{
	char v[8];

	return !read_file(PARAMS "/debug_inject", v, sizeof(v)) &&
	       !strcmp(v, "Y");
}

/* Arm fail_nth: the nth failure point from now fails; 0 disarms. */
static inline int write_fail_nth(unsigned int n)
{
	char s[16];

	snprintf(s, sizeof(s), "%u\n", n);
	return write_file(FAIL_NTH, s);
}

/* fail_nth as it is now (0 once it fired); LONG_MIN if unreadable. */
static inline long read_fail_nth(void)
{
	return read_long(FAIL_NTH);
}

/* ---- ioctl wrappers: 0 or -errno ---- */

/* Open /dev/hwpt with flags (O_RDWR, ...), close-on-exec; fd or -1. */
static inline int hwpt_open(int flags)
{
	return open(DEV_PATH, flags | O_CLOEXEC);
}

/* ioctl() as 0 or -errno. */
static inline int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* IOAS_ALLOC; the new ID in *id. */
static inline int ioas_alloc(int fd, uint32_t *id)
{
	struct hwpt_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc = xioctl(fd, HWPT_IOAS_ALLOC, &cmd);

	if (!rc)
		*id = cmd.out_ioas_id;
	return rc;
}

/* DESTROY of any object ID. */
static inline int destroy(int fd, uint32_t id)
{
	struct hwpt_destroy cmd = { .size = sizeof(cmd), .id = id };

	return xioctl(fd, HWPT_DESTROY, &cmd);
}

/* GET_INFO into a zeroed *info. */
static inline int get_info(int fd, struct hwpt_get_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return xioctl(fd, HWPT_GET_INFO, info);
}

/* DEVICE_BIND of PCI device bdf (cut to fit name); the ID in *id if set. */
static inline int bind_dev(int fd, const char *bdf, uint32_t *id)
{
	struct hwpt_device_bind cmd = {
		.size = sizeof(cmd),
		.bus = HWPT_BUS_PCI,
	};
	int rc;

	str_copy(cmd.name, sizeof(cmd.name), bdf);
	rc = xioctl(fd, HWPT_DEVICE_BIND, &cmd);
	if (!rc && id)
		*id = cmd.out_dev_id;
	return rc;
}

/*
 * IOAS_MAP of len bytes at user address uva; *iova is the IOVA asked for
 * (with HWPT_IOAS_MAP_FIXED_IOVA) and, on success, the one mapped.
 */
static inline int map_raw(int fd, uint32_t ioas, uint32_t flags, uint64_t uva,
			  uint64_t len, uint64_t *iova)
{
	struct hwpt_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas,
		.user_va = uva,
		.length = len,
		.iova = *iova,
	};
	int rc = xioctl(fd, HWPT_IOAS_MAP, &cmd);

	if (!rc)
		*iova = cmd.iova;
	return rc;
}

/* Map buf at the fixed IOVA iova with flags (MAP_RW, ...). */
static inline int map_fixed(int fd, uint32_t ioas, const void *buf, size_t len,
			    uint64_t iova, uint32_t flags)
{
	return map_raw(fd, ioas, flags | HWPT_IOAS_MAP_FIXED_IOVA,
		       (uintptr_t)buf, len, &iova);
}

/* Map va read-write where the kernel chooses; the IOVA in *iova. */
static inline int ioas_map(int fd, uint32_t ioas, void *va, uint64_t len,
			   uint64_t *iova)
{
	uint64_t where = 0;
	int rc = map_raw(fd, ioas, MAP_RW, (uintptr_t)va, len, &where);

	if (!rc)
		*iova = where;
	return rc;
}

/* IOAS_UNMAP of [iova, iova + len); the bytes unmapped in *unmapped if set. */
static inline int unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len,
			uint64_t *unmapped)
{
	struct hwpt_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.iova = iova,
		.length = len,
	};
	int rc = xioctl(fd, HWPT_IOAS_UNMAP, &cmd);

	if (!rc && unmapped)
		*unmapped = cmd.length;
	return rc;
}

/* Unmap everything of an IOAS (-ENOENT if nothing was mapped). */
static inline int unmap_all(int fd, uint32_t ioas, uint64_t *unmapped)
{
	return unmap(fd, ioas, 0, UINT64_MAX, unmapped);
}

/* Unmap everything of an IOAS; the bytes unmapped (0: none), or -errno. */
static inline int64_t ioas_unmap_all(int fd, uint32_t ioas)
{
	uint64_t n = 0;
	int rc = unmap_all(fd, ioas, &n);

	return rc == -ENOENT ? 0 : rc ? rc : (int64_t)n;
}

/* HWPT_ALLOC for device dev over IOAS ioas; the new ID in *id. */
static inline int hwpt_alloc(int fd, uint32_t dev, uint32_t ioas,
			     uint32_t *id)
{
	struct hwpt_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = dev,
		.pt_id = ioas,
	};
	int rc = xioctl(fd, HWPT_HWPT_ALLOC, &cmd);

	if (!rc)
		*id = cmd.out_hwpt_id;
	return rc;
}

/*
 * Ioctl nr (ATTACH or REPLACE) with a struct hwpt_device_attach; the HWPT
 * and the number of devices moved in *hwpt and *moved if set.
 */
static inline int set_pt(int fd, unsigned long nr, uint32_t dev, uint32_t pt,
			 uint32_t *hwpt, uint32_t *moved)
{
	struct hwpt_device_attach cmd = {
		.size = sizeof(cmd),
		.dev_id = dev,
		.pt_id = pt,
	};
	int rc = xioctl(fd, nr, &cmd);

	if (!rc && hwpt)
		*hwpt = cmd.out_hwpt_id;
	if (!rc && moved)
		*moved = cmd.out_devices_moved;
	return rc;
}

/* DEVICE_ATTACH of dev to pt (an IOAS or a HWPT). */
static inline int attach(int fd, uint32_t dev, uint32_t pt, uint32_t *hwpt,
			 uint32_t *moved)
{
	return set_pt(fd, HWPT_DEVICE_ATTACH, dev, pt, hwpt, moved);
}

/* DEVICE_REPLACE of dev's attachment with pt. */
static inline int replace(int fd, uint32_t dev, uint32_t pt, uint32_t *hwpt,
			  uint32_t *moved)
{
	return set_pt(fd, HWPT_DEVICE_REPLACE, dev, pt, hwpt, moved);
}

/* DEVICE_DETACH of dev. */
static inline int detach(int fd, uint32_t dev)
{
	struct hwpt_device_detach cmd = { .size = sizeof(cmd), .dev_id = dev };

	return xioctl(fd, HWPT_DEVICE_DETACH, &cmd);
}

/* DEVICE_GET of dev into a zeroed *out. */
static inline int dev_get(int fd, uint32_t dev, struct hwpt_device_get *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->dev_id = dev;
	return xioctl(fd, HWPT_DEVICE_GET, out);
}

/* The HWPT dev is attached to (0 if detached), or -errno. */
static inline long dev_pt(int fd, uint32_t dev)
{
	struct hwpt_device_get g;
	int rc = dev_get(fd, dev, &g);

	return rc ? rc : (long)g.out_hwpt_id;
}

/* The usable IOVA ranges of an IOAS, as IOAS_IOVA_RANGES reports them. */
struct ranges {
	uint32_t n;
	uint64_t align;
	struct hwpt_iova_range r[MAX_RANGES];
};

/* IOAS_IOVA_RANGES of ioas into *out (room for MAX_RANGES). */
static inline int iova_ranges(int fd, uint32_t ioas, struct ranges *out)
{
	struct hwpt_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.num_iovas = MAX_RANGES,
		.allowed_iovas = (uintptr_t)out->r,
	};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = xioctl(fd, HWPT_IOAS_IOVA_RANGES, &cmd);
	if (!rc) {
		out->n = cmd.num_iovas;
		out->align = cmd.out_iova_alignment;
	}
	return rc;
}

/* Both reports are the same. */
static inline bool ranges_equal(const struct ranges *a, const struct ranges *b)
{
	return a->n == b->n && a->align == b->align &&
	       !memcmp(a->r, b->r, a->n * sizeof(a->r[0]));
}

/* [s, l] (first and last IOVA) lies within one of the ranges. */
static inline bool in_ranges(const struct ranges *r, uint64_t s, uint64_t l)
{
	uint32_t i;

	for (i = 0; i < r->n && i < MAX_RANGES; i++)
		if (r->r[i].start <= s && l <= r->r[i].last)
			return true;
	return false;
}

/*
 * The ID the next object of the file gets (IDs are allocated lowest free
 * first): allocate an IOAS and destroy it again. 0 on error.
 */
static inline uint32_t next_id(int fd)
{
	uint32_t id = 0;

	if (ioas_alloc(fd, &id) || destroy(fd, id))
		return 0;
	return id;
}

/* ---- Fault queues ---- */

#define REC		sizeof(struct hwpt_pgfault)
#define PERM_RW		(HWPT_PGFAULT_PERM_READ | HWPT_PGFAULT_PERM_WRITE)


static inline int fault_alloc(int fd, uint32_t *id, int *qfd)
{
	struct hwpt_fault_alloc cmd = { .size = sizeof(cmd) };
	int rc = xioctl(fd, HWPT_FAULT_QUEUE_ALLOC, &cmd);

	if (!rc) {
		*id = cmd.out_fault_id;
		*qfd = cmd.out_fault_fd;
	}
	return rc;
}

static inline int hwpt_alloc_fault(int fd, uint32_t dev, uint32_t ioas,
			    uint32_t fault, uint32_t *id)
{
	struct hwpt_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = HWPT_HWPT_FAULT_ID_VALID,
		.dev_id = dev,
		.pt_id = ioas,
		.fault_id = fault,
	};
	int rc = xioctl(fd, HWPT_HWPT_ALLOC, &cmd);

	if (!rc)
		*id = cmd.out_hwpt_id;
	return rc;
}

/* One group of nr pages for dev, group index grpid, at a per-group IOVA. */
static inline int inject(int fd, uint32_t dev, uint32_t grpid, uint32_t nr)
{
	struct hwpt_fault_inject cmd = {
		.size = sizeof(cmd),
		.dev_id = dev,
		.grpid = grpid,
		.perm = PERM_RW,
		.nr_pages = nr,
		.addr = 0x10000000ULL + grpid * 0x100000ULL,
	};

	return xioctl(fd, HWPT_FAULT_INJECT, &cmd);
}

/* read() as a record count, or -errno. */
static inline long read_recs(int qfd, struct hwpt_pgfault *recs, size_t n)
{
	ssize_t got = read(qfd, recs, n * REC);

	return got < 0 ? -errno : (long)(got / REC);
}

/* Read every waiting group (non-blocking); the record count. */
static inline long drain(int qfd, struct hwpt_pgfault *recs, size_t n)
{
	int fl = fcntl(qfd, F_GETFL);
	long got;

	fcntl(qfd, F_SETFL, fl | O_NONBLOCK);
	got = read_recs(qfd, recs, n);
	fcntl(qfd, F_SETFL, fl);
	return got == -EAGAIN ? 0 : got;
}

/* write() of n answers; 0 or -errno. */
static inline int answer(int qfd, const struct hwpt_page_response *r, size_t n)
{
	ssize_t put = write(qfd, r, n * sizeof(*r));

	if (put < 0)
		return -errno;
	return put == (ssize_t)(n * sizeof(*r)) ? 0 : -EIO;
}

static inline int answer1(int qfd, uint32_t cookie, uint32_t code)
{
	struct hwpt_page_response r = { .cookie = cookie, .code = code };

	return answer(qfd, &r, 1);
}

/* The fault counts of a device, and of the module. */
struct counts {
	uint64_t faults, success, invalid, autoresp, pending;
};

static inline int dev_counts(int fd, uint32_t dev, struct counts *c)
{
	struct hwpt_device_get g;
	int rc = dev_get(fd, dev, &g);

	*c = (struct counts){ g.out_faults, g.out_resp_success,
			      g.out_resp_invalid, g.out_resp_auto,
			      g.out_faults_pending };
	return rc;
}

/* GET_INFO through a file of its own. */
static inline int module_info(struct hwpt_get_info *info)
{
	int fd = hwpt_open(O_RDWR), rc;

	memset(info, 0, sizeof(*info));
	if (fd < 0)
		return -errno;
	rc = get_info(fd, info);
	close(fd);
	return rc;
}

static inline int module_counts(struct counts *c)
{
	struct hwpt_get_info info;
	int rc = module_info(&info);

	*c = (struct counts){ info.out_faults, info.out_resp_success,
			      info.out_resp_invalid, info.out_resp_auto, 0 };
	return rc;
}

/* ---- PCI devices in sysfs ---- */

/* Name of the driver bound to PCI device bdf; "" when none. */
static inline void pci_driver_of(const char *bdf, char *out, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/driver", bdf);
	link_name(path, out, len);
}

/* Some driver is bound to bdf. */
static inline bool pci_has_driver(const char *bdf)
{
	char drv[64];

	pci_driver_of(bdf, drv, sizeof(drv));
	return drv[0] != 0;
}

/* The driver bound to bdf is want ("" for none). */
static inline bool driver_is(const char *bdf, const char *want)
{
	char drv[64];

	pci_driver_of(bdf, drv, sizeof(drv));
	return !strcmp(drv, want);
}

/* driver_override of bdf is unset ("(null)" in sysfs, "" on some kernels). */
static inline bool no_driver_override(const char *bdf)
{
	char path[PATH_MAX], buf[64];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/driver_override", bdf);
	if (read_file(path, buf, sizeof(buf)))
		return true;
	return !strcmp(buf, "(null)") || !buf[0];
}

/* Bus Master Enable of bdf, read from config space; -1 on error. */
static inline int bus_master_of(const char *bdf)
{
	char path[PATH_MAX];
	uint16_t cmd;
	int fd, ok;

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = pread(fd, &cmd, 2, 4) == 2;
	close(fd);
	return ok ? !!(cmd & 0x4) : -1;
}

/* bdf is a PCI bridge (class 0x06). */
static inline bool pci_is_bridge(const char *bdf)
{
	char path[PATH_MAX], cls[32];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/class", bdf);
	return !read_file(path, cls, sizeof(cls)) &&
	       (strtoul(cls, NULL, 16) >> 16) == 0x06;
}

/* IOMMU group number of bdf, or -1. */
static inline int pci_iommu_group(const char *bdf)
{
	char path[PATH_MAX], name[32];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/iommu_group", bdf);
	if (link_name(path, name, sizeof(name)))
		return -1;
	return atoi(name);
}

/*
 * A PCI device the device tests can bind: $HWPT_TEST_PCI_DEV, else the
 * first (by name) that has no driver, is not a bridge, and is alone in its
 * IOMMU group (so binding it takes nothing from anyone). NULL if none.
 */
static inline const char *test_pci_dev(void)
{
	static char found[32];
	static int state;	/* 0 not looked yet, 1 found, -1 none */
	const char *env = getenv("HWPT_TEST_PCI_DEV");
	struct dirent *d;
	DIR *dir;

	if (env && *env)
		return env;
	if (state)
		return state > 0 ? found : NULL;
	state = -1;
	dir = opendir(PCI_SYSFS);
	if (!dir)
		return NULL;
	while ((d = readdir(dir))) {
		char path[300], buf[32];
		int group;

		if (d->d_name[0] == '.' || strlen(d->d_name) >= sizeof(found))
			continue;
		if (state > 0 && strcmp(d->d_name, found) > 0)
			continue;
		snprintf(path, sizeof(path), PCI_SYSFS "/%.31s/driver",
			 d->d_name);
		if (!access(path, F_OK))
			continue;
		snprintf(path, sizeof(path), PCI_SYSFS "/%s/class", d->d_name);
		if (read_file(path, buf, sizeof(buf)) ||
		    (strtoul(buf, NULL, 16) >> 16) == 0x06)
			continue;
		group = pci_iommu_group(d->d_name);
		if (group < 0)
			continue;
		snprintf(path, sizeof(path), IOMMU_GROUPS_SYSFS "/%d/devices",
			 group);
		if (count_dir(path) != 1)
			continue;
		str_copy(found, sizeof(found), d->d_name);
		state = 1;
	}
	closedir(dir);
	return state > 0 ? found : NULL;
}

/* DEVICE_BIND of test_pci_dev(); -ENODEV if there is none. */
static inline int device_bind(int fd, uint32_t *dev_id)
{
	const char *name = test_pci_dev();

	if (!name)
		return -ENODEV;
	return bind_dev(fd, name, dev_id);
}

#endif /* HWPT_TESTS_GUEST_UTIL_H */
