// SPDX-License-Identifier: GPL-2.0
/*
 * bench: time hwpt against VFIO type1 on one device, inside a test VM.
 *
 * A benchmark, not a test: scripts/bench.sh builds it, packs it with the
 * VFIO modules and runs it in one VM boot (it is not in tests/guest/, so
 * the test VMs never run it). It prints a table of medians and the ratio
 * hwpt/VFIO; it fails (exit 1) only when an operation fails.
 *
 * Usage: bench [-d BDF] [-r ROUNDS] [-n REPLACES] [-s MIB]
 *   -d  PCI device, free of drivers (default 0000:01:00.0, the singleton
 *       edu of the test VMs)
 *   -r  rounds (default 3): each round times every operation once with
 *       hwpt and once with VFIO, alternating which goes first; the table
 *       shows the median over the rounds
 *   -n  REPLACEs per round, averaged (default 20)
 *   -s  size of each mapping in MiB (default 1024)
 *
 * Operations, same device, same buffers, same IOVA on both sides:
 *   attach        hwpt: HWPT_DEVICE_ATTACH to an empty IOAS (an automatic
 *                 HWPT is allocated); VFIO: VFIO_GROUP_SET_CONTAINER and
 *                 VFIO_SET_IOMMU(TYPE1v2) (domain allocated, group
 *                 attached). Detached again untimed between rounds.
 *   map/unmap 4K  -s MiB of anonymous memory, MADV_NOHUGEPAGE, touched
 *                 beforehand, mapped at a fixed IOVA read+write with the
 *                 device attached (HWPT_IOAS_MAP / VFIO_IOMMU_MAP_DMA),
 *                 then unmapped.
 *   map/unmap THP the same with a 2 MiB-aligned MADV_HUGEPAGE buffer; the
 *                 share of it in huge pages (AnonHugePages) is reported.
 *   replace       HWPT_DEVICE_REPLACE between two HWPTs of the IOAS,
 *                 average of -n; VFIO type1 has no counterpart (n/a).
 *
 * Between the hwpt and VFIO phases the device moves between hwpt's driver
 * (BIND; closing the file unbinds it) and vfio-pci (driver_override and
 * drivers_probe; unbound again afterwards). vfio, vfio_iommu_type1 and
 * vfio-pci must be loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/hwpt.h>
#include <linux/vfio.h>

#define MAX_ROUNDS	16
#define IOVA_BASE	0x100000000ULL	/* 4 GiB: clear of low reserved windows */
#define HUGE_SZ		(2UL << 20)

static const char *bdf = "0000:01:00.0";
static int rounds = 3;
static int nreplace = 20;
static size_t size = 1UL << 30;

enum op { OP_ATTACH, OP_MAP4K, OP_UNMAP4K, OP_MAPTHP, OP_UNMAPTHP,
	  OP_REPLACE, NOPS };
static const char *const op_name[NOPS] = {
	[OP_ATTACH] = "attach",
	[OP_MAP4K] = "map 4K",
	[OP_UNMAP4K] = "unmap 4K",
	[OP_MAPTHP] = "map THP",
	[OP_UNMAPTHP] = "unmap THP",
	[OP_REPLACE] = "replace (avg)",
};
enum side { HWPT, VFIO, NSIDES };
static double ms[NSIDES][NOPS][MAX_ROUNDS];
static int nms[NSIDES][NOPS];

static char *buf4k, *bufthp;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench: error: ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (errno %d: %s)\n", errno, strerror(errno));
	fflush(stdout);
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void record(enum side s, enum op o, double v)
{
	ms[s][o][nms[s][o]++] = v;
}

/* ---- sysfs ---- */

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		die("open %s", path);
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die("write '%s' to %s", s, path);
	close(fd);
}

/* The device's driver name, or "" when none is bound. */
static void driver_of(char *out, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		out[0] = 0;
		return;
	}
	link[n] = 0;
	snprintf(out, len, "%s", basename(link));
}

static int group_of(void)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("%s has no IOMMU group", bdf);
	link[n] = 0;
	return atoi(basename(link));
}

/* ---- memory ---- */

/* kB of AnonHugePages in the mapping that holds @p (from smaps). */
static long anon_huge_kb(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[256];
	bool in = false;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = lo <= (unsigned long)p && (unsigned long)p < hi;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static char *alloc_buf(bool huge)
{
	size_t len = size + (huge ? HUGE_SZ : 0);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu bytes", len);
	if (huge)
		p = (char *)(((uintptr_t)p + HUGE_SZ - 1) & ~(HUGE_SZ - 1));
	if (madvise(p, size, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		die("madvise %s", huge ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE");
	for (size_t i = 0; i < size; i += 4096)
		p[i] = 1;
	return p;
}

/* ---- hwpt ---- */

static void hx(int fd, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(fd, cmd, arg))
		die("hwpt %s", what);
}

static double hwpt_map(int fd, uint32_t ioas, char *p)
{
	struct hwpt_ioas_map m = {
		.size = sizeof(m), .ioas_id = ioas,
		.flags = HWPT_IOAS_MAP_FIXED_IOVA | HWPT_IOAS_MAP_READABLE |
			 HWPT_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)p, .length = size, .iova = IOVA_BASE,
	};
	double t = now_ms();

	hx(fd, HWPT_IOAS_MAP, &m, "IOAS_MAP");
	return now_ms() - t;
}

static double hwpt_unmap(int fd, uint32_t ioas)
{
	struct hwpt_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = IOVA_BASE,
		.length = size,
	};
	double t = now_ms();

	hx(fd, HWPT_IOAS_UNMAP, &u, "IOAS_UNMAP");
	t = now_ms() - t;
	if (u.length != size)
		die("hwpt IOAS_UNMAP unmapped %llu bytes",
		    (unsigned long long)u.length);
	return t;
}

static void hwpt_phase(void)
{
	struct hwpt_device_bind b = { .size = sizeof(b), .bus = HWPT_BUS_PCI };
	struct hwpt_ioas_alloc ia = { .size = sizeof(ia) };
	struct hwpt_device_attach at = { .size = sizeof(at) };
	struct hwpt_hwpt_alloc ha = { .size = sizeof(ha) };
	unsigned int moved = 0;
	uint32_t hwpts[2];
	double t;
	int fd;

	fd = open("/dev/hwpt", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/hwpt");
	snprintf(b.name, sizeof(b.name), "%s", bdf);
	hx(fd, HWPT_DEVICE_BIND, &b, "DEVICE_BIND");
	hx(fd, HWPT_IOAS_ALLOC, &ia, "IOAS_ALLOC");

	at.dev_id = b.out_dev_id;
	at.pt_id = ia.out_ioas_id;
	t = now_ms();
	hx(fd, HWPT_DEVICE_ATTACH, &at, "DEVICE_ATTACH");
	record(HWPT, OP_ATTACH, now_ms() - t);

	record(HWPT, OP_MAP4K, hwpt_map(fd, ia.out_ioas_id, buf4k));
	record(HWPT, OP_UNMAP4K, hwpt_unmap(fd, ia.out_ioas_id));
	record(HWPT, OP_MAPTHP, hwpt_map(fd, ia.out_ioas_id, bufthp));
	record(HWPT, OP_UNMAPTHP, hwpt_unmap(fd, ia.out_ioas_id));

	/* REPLACE between two HWPTs of the (now empty) IOAS. */
	ha.dev_id = b.out_dev_id;
	ha.pt_id = ia.out_ioas_id;
	for (int i = 0; i < 2; i++) {
		hx(fd, HWPT_HWPT_ALLOC, &ha, "HWPT_ALLOC");
		hwpts[i] = ha.out_hwpt_id;
	}
	at.pt_id = hwpts[1];
	hx(fd, HWPT_DEVICE_REPLACE, &at, "DEVICE_REPLACE");
	t = now_ms();
	for (int i = 0; i < nreplace; i++) {
		at.pt_id = hwpts[i & 1];
		hx(fd, HWPT_DEVICE_REPLACE, &at, "DEVICE_REPLACE");
		moved += at.out_devices_moved;
	}
	record(HWPT, OP_REPLACE, (now_ms() - t) / nreplace);
	/* Each REPLACE really moved the device (none was a no-op). */
	if (moved != (unsigned int)nreplace || at.out_hwpt_id != at.pt_id)
		die("hwpt REPLACE moved %u devices in %d calls", moved,
		    nreplace);

	/* Destroys everything and unbinds hwpt's driver. */
	close(fd);
}

/* ---- VFIO type1 ---- */

static void vx(int fd, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(fd, cmd, arg))
		die("VFIO %s", what);
}

static double vfio_map(int container, char *p)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)p, .iova = IOVA_BASE, .size = size,
	};
	double t = now_ms();

	vx(container, VFIO_IOMMU_MAP_DMA, &m, "IOMMU_MAP_DMA");
	return now_ms() - t;
}

static double vfio_unmap(int container)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = IOVA_BASE, .size = size,
	};
	double t = now_ms();

	vx(container, VFIO_IOMMU_UNMAP_DMA, &u, "IOMMU_UNMAP_DMA");
	t = now_ms() - t;
	if (u.size != size)
		die("VFIO_IOMMU_UNMAP_DMA unmapped %llu bytes",
		    (unsigned long long)u.size);
	return t;
}

static void vfio_phase(void)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[PATH_MAX], drv[64];
	int container, group;
	double t;

	/* To vfio-pci. */
	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/driver_override", bdf);
	write_file(path, "vfio-pci");
	write_file("/sys/bus/pci/drivers_probe", bdf);
	driver_of(drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci"))
		die("%s is bound to '%s', not vfio-pci", bdf, drv);

	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0)
		die("open /dev/vfio/vfio");
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0)
		die("no VFIO type1v2");
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_of());
	group = open(path, O_RDWR | O_CLOEXEC);
	if (group < 0)
		die("open %s", path);
	vx(group, VFIO_GROUP_GET_STATUS, &st, "GROUP_GET_STATUS");
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("VFIO group %s not viable", path);

	t = now_ms();
	vx(group, VFIO_GROUP_SET_CONTAINER, &container, "GROUP_SET_CONTAINER");
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU(TYPE1v2)");
	record(VFIO, OP_ATTACH, now_ms() - t);

	record(VFIO, OP_MAP4K, vfio_map(container, buf4k));
	record(VFIO, OP_UNMAP4K, vfio_unmap(container));
	record(VFIO, OP_MAPTHP, vfio_map(container, bufthp));
	record(VFIO, OP_UNMAPTHP, vfio_unmap(container));

	vx(group, VFIO_GROUP_UNSET_CONTAINER, NULL, "GROUP_UNSET_CONTAINER");
	close(group);
	close(container);

	/* Back to no driver, for hwpt's BIND. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind",
		 bdf);
	write_file(path, bdf);
	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/driver_override", bdf);
	write_file(path, "\n");
}

/* ---- report ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(enum side s, enum op o)
{
	double v[MAX_ROUNDS];
	int n = nms[s][o];

	if (!n)
		return -1;
	memcpy(v, ms[s][o], n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void all_values(char *out, size_t len, enum side s, enum op o)
{
	size_t off = 0;

	out[0] = 0;
	for (int i = 0; i < nms[s][o] && off < len; i++)
		off += snprintf(out + off, len - off, "%s%.2f", i ? " " : "",
				ms[s][o][i]);
}

static void usage(void)
{
	fputs("usage: bench [-d BDF] [-r ROUNDS] [-n REPLACES] [-s MIB]\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	struct hwpt_get_info gi = { .size = sizeof(gi) };
	long kb;
	int c, fd;

	while ((c = getopt(argc, argv, "d:r:n:s:")) != -1) {
		switch (c) {
		case 'd':
			bdf = optarg;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			nreplace = atoi(optarg);
			break;
		case 's':
			size = (size_t)atol(optarg) << 20;
			break;
		default:
			usage();
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || nreplace < 1 || !size ||
	    optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = open("/dev/hwpt", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/hwpt");
	hx(fd, HWPT_GET_INFO, &gi, "GET_INFO");
	close(fd);
	printf("bench: device %s, %zu MiB per mapping at IOVA %#llx, %d rounds, %d replaces per round, hwpt caps %#llx (replace %s)\n",
	       bdf, size >> 20, IOVA_BASE, rounds, nreplace,
	       (unsigned long long)gi.caps,
	       gi.caps & HWPT_CAP_REPLACE_ATOMIC ? "atomic" :
						   "detach+attach");

	buf4k = alloc_buf(false);
	bufthp = alloc_buf(true);
	kb = anon_huge_kb(bufthp);
	printf("bench: THP buffer: %ld of %zu MiB in huge pages%s\n",
	       kb < 0 ? -1 : kb >> 10, size >> 20,
	       kb >= 0 && (size_t)kb << 10 >= size * 9 / 10 ? "" :
	       " (WARNING: THP mostly NOT used: the THP rows measure 4K pages)");
	kb = anon_huge_kb(buf4k);
	if (kb > 0)
		printf("bench: WARNING: the 4K buffer has %ld MiB in huge pages\n",
		       kb >> 10);

	for (int r = 0; r < rounds; r++) {
		printf("bench: round %d/%d\n", r + 1, rounds);
		if (r & 1) {
			vfio_phase();
			hwpt_phase();
		} else {
			hwpt_phase();
			vfio_phase();
		}
	}

	printf("BENCH-TABLE-BEGIN\n");
	printf("%-14s %10s %10s %8s   %s\n", "operation", "hwpt ms",
	       "vfio ms", "ratio", "(hwpt rounds | vfio rounds, ms)");
	for (int o = 0; o < NOPS; o++) {
		double h = median(HWPT, o), v = median(VFIO, o);
		char hv[160], vv[160], vs[16], rs[16];

		all_values(hv, sizeof(hv), HWPT, o);
		all_values(vv, sizeof(vv), VFIO, o);
		if (v < 0) {
			snprintf(vs, sizeof(vs), "n/a");
			snprintf(rs, sizeof(rs), "n/a");
		} else {
			snprintf(vs, sizeof(vs), "%.2f", v);
			if (v > 0)
				snprintf(rs, sizeof(rs), "%.2f", h / v);
			else
				snprintf(rs, sizeof(rs), "inf");
		}
		printf("%-14s %10.2f %10s %8s   (%s | %s)\n", op_name[o], h,
		       vs, rs, hv, v < 0 ? "-" : vv);
	}
	printf("BENCH-TABLE-END\n");
	return 0;
}
