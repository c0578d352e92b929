// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libhwpt: PCI devices as sysfs shows them, and what stands between one
 * and hwpt: its own driver, or a driver doing DMA on another device of its
 * IOMMU group (the kernel refuses DMA ownership of a group while a
 * DMA-API driver is bound to any of its devices).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"
#define IOMMU_GROUPS	"/sys/kernel/iommu_groups"
#define IOMMU_CLASS	"/sys/class/iommu"

/*
 * Drivers that set driver_managed_dma: they do no DMA through the DMA API
 * and leave the group's ownership alone, so they block nobody.
 */
static const char *const lh_dma_managed[] = {
	"hwpt", "pcieport", "pci-stub", "vfio-pci",
};

static bool lh_blocks_dma(const char *driver)
{
	size_t n = strlen(driver), i;

	if (!driver[0])
		return false;
	/* Vendor variants of vfio-pci: mlx5-vfio-pci, ... */
	if (n > 9 && !strcmp(driver + n - 9, "-vfio-pci"))
		return false;
	for (i = 0; i < ARRAY_SIZE(lh_dma_managed); i++)
		if (!strcmp(driver, lh_dma_managed[i]))
			return false;
	return true;
}

/* Copy @src into @dst of @len bytes, cut to fit. */
static void lh_copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

/* The last component of symlink @dir/@name into @out ("" if none). */
static void lh_link_name(const char *dir, const char *name, char *out,
			 size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	out[0] = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = 0;
	base = strrchr(target, '/');
	lh_copy(out, len, base ? base + 1 : target);
}

/* A hexadecimal number from the file @dir/@name; 0 if unreadable. */
static unsigned long lh_read_hex(const char *dir, const char *name)
{
	char path[PATH_MAX];
	unsigned long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%lx", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

const char *hwpt_iommu_vendor(const char *name)
{
	if (!strncmp(name, "dmar", 4))
		return "Intel VT-d";
	if (!strncmp(name, "ivhd", 4))
		return "AMD-Vi";
	if (!strncmp(name, "smmu3.", 6))
		return "ARM SMMUv3";
	return name;
}

/* The unit of /sys/class/iommu whose devices/ lists @name. */
static void lh_find_iommu(struct hwpt_pci_info *info)
{
	DIR *dir = opendir(IOMMU_CLASS);
	char path[PATH_MAX];
	struct dirent *d;

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), IOMMU_CLASS "/%s/devices/%s",
			 d->d_name, info->name);
		if (access(path, F_OK))
			continue;
		lh_copy(info->iommu, sizeof(info->iommu), d->d_name);
		lh_copy(info->iommu_vendor, sizeof(info->iommu_vendor),
			hwpt_iommu_vendor(d->d_name));
		break;
	}
	closedir(dir);
}

/* The other devices of the group, in address order. */
static void lh_find_peers(struct hwpt_pci_info *info)
{
	char dir[PATH_MAX], dev[PATH_MAX];
	struct dirent **names;
	int i, n;

	snprintf(dir, sizeof(dir), IOMMU_GROUPS "/%d/devices", info->group);
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct hwpt_pci_peer *p;

		if (name[0] != '.' && strcmp(name, info->name)) {
			if (info->nr_peers < LIBHWPT_PCI_MAX_PEERS) {
				p = &info->peers[info->nr_peers];
				lh_copy(p->name, sizeof(p->name), name);
				snprintf(dev, sizeof(dev), PCI_DEVICES "/%s",
					 name);
				lh_link_name(dev, "driver", p->driver,
					     sizeof(p->driver));
				p->blocks = lh_blocks_dma(p->driver);
			}
			info->nr_peers++;
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static enum hwpt_pci_state lh_pci_state(const struct hwpt_pci_info *info)
{
	unsigned int i, n = info->nr_peers;
	bool hwpt_peer = false;

	if (info->group < 0)
		return LIBHWPT_PCI_NO_GROUP;
	if (!strcmp(info->driver, "hwpt"))
		return LIBHWPT_PCI_HWPT;
	if (info->driver[0])
		return LIBHWPT_PCI_DRIVER;
	if (n > LIBHWPT_PCI_MAX_PEERS)
		n = LIBHWPT_PCI_MAX_PEERS;
	for (i = 0; i < n; i++) {
		if (info->peers[i].blocks)
			return LIBHWPT_PCI_GROUP_BUSY;
		hwpt_peer |= !strcmp(info->peers[i].driver, "hwpt");
	}
	return hwpt_peer ? LIBHWPT_PCI_GROUP_HWPT : LIBHWPT_PCI_FREE;
}

/* Everything this library knows of device @name, into @info. */
static int lh_inspect(const char *name, struct hwpt_pci_info *info)
{
	char dir[PATH_MAX], group[32];

	info->group = -1;
	if (!name[0] || strchr(name, '/') || strlen(name) >= sizeof(info->name))
		return -ENODEV;
	lh_copy(info->name, sizeof(info->name), name);
	snprintf(dir, sizeof(dir), PCI_DEVICES "/%s", name);
	if (access(dir, F_OK))
		return -ENODEV;
	info->vendor = lh_read_hex(dir, "vendor");
	info->device = lh_read_hex(dir, "device");
	info->pci_class = lh_read_hex(dir, "class");
	lh_link_name(dir, "driver", info->driver, sizeof(info->driver));
	lh_link_name(dir, "iommu_group", group, sizeof(group));
	if (group[0]) {
		info->group = atoi(group);
		lh_find_peers(info);
	}
	lh_find_iommu(info);
	info->state = lh_pci_state(info);
	return 0;
}

int hwpt_pci_inspect(const char *name, struct hwpt_pci_info *info)
{
	struct hwpt_pci_info all = { .size = sizeof(all) };
	uint32_t size = info->size;
	int rc;

	rc = lh_sized(NULL, info, LH_SIZE_UPTO(struct hwpt_pci_info, state),
		      false, "hwpt_pci_info");
	if (rc)
		return rc;
	rc = lh_inspect(name, &all);
	/* As much as the caller has room for: its struct may be older. */
	memcpy(info, &all, size < sizeof(all) ? size : sizeof(all));
	if (size > sizeof(all))
		memset((char *)info + sizeof(all), 0, size - sizeof(all));
	/* What this library filled: a newer caller learns where it stopped. */
	info->size = size < sizeof(all) ? size : sizeof(all);
	return rc;
}

const char *hwpt_pci_state_name(enum hwpt_pci_state state)
{
	switch (state) {
	case LIBHWPT_PCI_FREE:
		return "free";
	case LIBHWPT_PCI_HWPT:
		return "bound-to-hwpt";
	case LIBHWPT_PCI_DRIVER:
		return "has-driver";
	case LIBHWPT_PCI_GROUP_BUSY:
		return "group-busy";
	case LIBHWPT_PCI_GROUP_HWPT:
		return "group-held-by-hwpt";
	case LIBHWPT_PCI_NO_GROUP:
		return "no-iommu-group";
	}
	return "unknown";
}

/* "A (a), B (b)" and "echo A > ...; echo B > ..." for the blocking peers. */
static void lh_blockers(const struct hwpt_pci_info *info, char *who,
			size_t wlen, char *cmds, size_t clen, unsigned int *n)
{
	unsigned int i;
	size_t w = 0, c = 0;

	*n = 0;
	who[0] = 0;
	cmds[0] = 0;
	for (i = 0; i < info->nr_peers && i < LIBHWPT_PCI_MAX_PEERS; i++) {
		const struct hwpt_pci_peer *p = &info->peers[i];

		if (!p->blocks)
			continue;
		if (w < wlen)
			w += snprintf(who + w, wlen - w, "%s%s (%s)",
				      *n ? ", " : "", p->name, p->driver);
		if (c < clen)
			c += snprintf(cmds + c, clen - c,
				      "%secho %s > " PCI_DEVICES "/%s/driver/unbind",
				      *n ? "; " : "", p->name, p->name);
		(*n)++;
	}
}

const char *hwpt_pci_advice(const struct hwpt_pci_info *info, char *buf,
			    size_t len)
{
	char who[256], cmds[768];
	unsigned int n;

	switch (info->state) {
	case LIBHWPT_PCI_FREE:
		snprintf(buf, len, "hwpt can take it");
		break;
	case LIBHWPT_PCI_HWPT:
		snprintf(buf, len,
			 "bound to hwpt already: a /dev/hwpt file has it (fuser -v /dev/hwpt shows whose)");
		break;
	case LIBHWPT_PCI_DRIVER:
		snprintf(buf, len,
			 "the device has a driver (%s); unbind it first (echo %s > " PCI_DEVICES "/%s/driver/unbind)",
			 info->driver, info->name, info->name);
		break;
	case LIBHWPT_PCI_GROUP_BUSY:
		lh_blockers(info, who, sizeof(who), cmds, sizeof(cmds), &n);
		snprintf(buf, len,
			 "%s %s of its IOMMU group %d %s a driver doing DMA; unbind %s first (%s)",
			 n > 1 ? "devices" : "device", who, info->group,
			 n > 1 ? "have" : "has", n > 1 ? "them" : "it", cmds);
		break;
	case LIBHWPT_PCI_GROUP_HWPT:
		snprintf(buf, len,
			 "another device of its IOMMU group %d is bound to hwpt: only the /dev/hwpt file that has it can bind this one",
			 info->group);
		break;
	case LIBHWPT_PCI_NO_GROUP:
		snprintf(buf, len,
			 "no IOMMU group: no IOMMU translates it, or the IOMMU is off (hwptctl doctor)");
		break;
	}
	return buf;
}
