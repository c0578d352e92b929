// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl: look at what hwpt and the IOMMU can do on this machine.
 *
 *   hwptctl status     module version, uAPI, and what this kernel allows
 *   hwptctl devices    PCI devices, their IOMMU group and driver
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/hwpt.h>

static const struct {
	unsigned long long bit;
	const char *name;
	const char *what;
} caps[] = {
	{ HWPT_CAP_REPLACE_ATOMIC, "replace-atomic",
	  "replace switches domains without blocking DMA" },
	{ HWPT_CAP_ATTACH_HANDLE, "attach-handle",
	  "the core's attach-handle API (fault routing)" },
	{ HWPT_CAP_DEVICE_DMA_OWNER, "device-dma-owner",
	  "DMA ownership claimed per device" },
	{ HWPT_CAP_PASID, "pasid", "PASID attach" },
	{ HWPT_CAP_PASID_REPLACE, "pasid-replace", "atomic PASID replace" },
	{ HWPT_CAP_IOPF, "iopf", "I/O page faults can reach userspace" },
	{ HWPT_CAP_IOPF_DRIVER_ENABLE, "iopf-driver-enable",
	  "IOMMU drivers enable IOPF themselves" },
	{ HWPT_CAP_FAULT_INJECT, "fault-inject",
	  "fault injection on (debug_inject=1)" },
	{ HWPT_CAP_COHERENCY_QUERY, "coherency-query",
	  "per-device cache coherency capability" },
};

static const char *const iopf_api[] = {
	[HWPT_IOPF_API_NONE] = "none",
	[HWPT_IOPF_API_DEVICE_HANDLER] = "device fault handler (no user queue)",
	[HWPT_IOPF_API_GROUP] = "iopf groups on attach handles",
};

static int status(void)
{
	struct hwpt_get_info info = { .size = sizeof(info) };
	unsigned int i;
	int fd;

	fd = open("/dev/hwpt", O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "hwptctl: /dev/hwpt: %s (%s)\n", strerror(errno),
			errno == ENOENT ? "is the module loaded? modprobe hwpt" :
			"hwpt needs root (CAP_SYS_RAWIO)");
		return 1;
	}
	if (ioctl(fd, HWPT_GET_INFO, &info)) {
		perror("hwptctl: HWPT_GET_INFO");
		close(fd);
		return 1;
	}
	close(fd);
	printf("module version  %u.%u.%u\n", info.module_version >> 16,
	       (info.module_version >> 8) & 0xff, info.module_version & 0xff);
	printf("uAPI version    %u\n", info.uapi_version);
	printf("I/O page faults %s\n",
	       info.iopf_api < sizeof(iopf_api) / sizeof(iopf_api[0]) ?
	       iopf_api[info.iopf_api] : "unknown");
	printf("capabilities:\n");
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		printf("  [%c] %-20s %s\n", info.caps & caps[i].bit ? 'x' : ' ',
		       caps[i].name, caps[i].what);
	return 0;
}

/* The last path component of the symlink @dir/@name, or "-". */
static const char *link_name(const char *dir, const char *name, char *buf,
			     size_t len)
{
	char path[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = readlink(path, buf, len - 1);
	if (n < 0)
		return "-";
	buf[n] = 0;
	return strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
}

static unsigned int read_hex(const char *dir, const char *name)
{
	char path[PATH_MAX];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%x", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static int devices(void)
{
	const char *base = "/sys/bus/pci/devices";
	struct dirent **list;
	int i, n = scandir(base, &list, NULL, alphasort);

	if (n < 0) {
		perror("hwptctl: /sys/bus/pci/devices");
		return 1;
	}
	printf("%-14s %-11s %-6s %s\n", "DEVICE", "ID", "GROUP", "DRIVER");
	for (i = 0; i < n; i++) {
		struct dirent *de = list[i];
		char dir[512], g[PATH_MAX], drv[PATH_MAX], id[16];

		if (de->d_name[0] == '.') {
			free(de);
			continue;
		}
		snprintf(dir, sizeof(dir), "%s/%.256s", base, de->d_name);
		snprintf(id, sizeof(id), "%04x:%04x", read_hex(dir, "vendor"),
			 read_hex(dir, "device"));
		printf("%-14s %-11s %-6s %s\n", de->d_name, id,
		       link_name(dir, "iommu_group", g, sizeof(g)),
		       link_name(dir, "driver", drv, sizeof(drv)));
		free(de);
	}
	free(list);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "status"))
		return status();
	if (argc == 2 && !strcmp(argv[1], "devices"))
		return devices();
	fprintf(stderr, "usage: hwptctl status | devices\n");
	return 2;
}
