/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for driving QEMU's edu device (PCI 1234:11e8) from a guest test:
 * finding the edu functions and their IOMMU groups in sysfs, hot-plug,
 * test buffers and physical pages. The device itself (registers, BAR0,
 * Bus Master Enable, DMA engine, patterns) is hwptctl's src/cli/edu.h,
 * one copy for the tool and the tests.
 *
 * The generic helpers (ioctls, sysfs files, PCI devices) are in util.h.
 *
 * Include after harness.h (which defines _GNU_SOURCE).
 */
#ifndef HWPT_TESTS_GUEST_EDU_H
#define HWPT_TESTS_GUEST_EDU_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "util.h"
#include "../../src/cli/edu.h"

/* ---- sysfs ---- */

static inline long pci_read_hex(const char *bdf, const char *attr)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/%s", bdf, attr);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 16);
}

static inline bool pci_is_edu(const char *bdf)
{
	return pci_read_hex(bdf, "vendor") == EDU_VENDOR &&
	       pci_read_hex(bdf, "device") == EDU_DEVICE;
}

/* Number of devices in IOMMU group g, and how many of them are edu. */
static inline int iommu_group_count(int g, int *nedu)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int n = 0;

	if (nedu)
		*nedu = 0;
	snprintf(path, sizeof(path), IOMMU_GROUPS_SYSFS "/%d/devices", g);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		n++;
		if (nedu && pci_is_edu(d->d_name))
			(*nedu)++;
	}
	closedir(dir);
	return n;
}

/* ---- Finding the edu functions of the test VMs ---- */

enum edu_kind {
	EDU_SINGLETON,	/* alone in its group */
	EDU_TWOFN,	/* group of edu functions only (two-function edu) */
	EDU_BRIDGED,	/* group with non-edu members (behind a PCI bridge) */
};

struct edu_info {
	char bdf[32];
	int group;
	enum edu_kind kind;
};

#define EDU_MAX 16

/* All edu functions in BDF order; returns how many. */
static inline int edu_scan(struct edu_info *out, int max)
{
	struct dirent **names;
	int i, n, found = 0;

	n = scandir(PCI_SYSFS, &names, NULL, alphasort);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		const char *bdf = names[i]->d_name;
		int g = -1, total = 0, nedu = 0;

		if (bdf[0] != '.' && found < max && pci_is_edu(bdf))
			g = pci_iommu_group(bdf);
		if (g >= 0)
			total = iommu_group_count(g, &nedu);
		if (total > 0) {
			struct edu_info *e = &out[found++];

			str_copy(e->bdf, sizeof(e->bdf), bdf);
			e->group = g;
			e->kind = total == 1 ? EDU_SINGLETON :
				  total == nedu ? EDU_TWOFN : EDU_BRIDGED;
		}
		free(names[i]);
	}
	free(names);
	return found;
}

/* The first edu of a kind; false if none. */
static inline bool edu_find(enum edu_kind kind, struct edu_info *out)
{
	struct edu_info all[EDU_MAX];
	int i, n = edu_scan(all, EDU_MAX);

	for (i = 0; i < n; i++) {
		if (all[i].kind == kind) {
			*out = all[i];
			return true;
		}
	}
	return false;
}

/* Two edu functions of one multi-device group of the kind; false if none. */
static inline bool edu_find_pair(enum edu_kind kind, struct edu_info *a,
				 struct edu_info *b)
{
	struct edu_info all[EDU_MAX];
	int i, j, n = edu_scan(all, EDU_MAX);

	for (i = 0; i < n; i++) {
		if (all[i].kind != kind)
			continue;
		for (j = i + 1; j < n; j++) {
			if (all[j].group == all[i].group) {
				*a = all[i];
				*b = all[j];
				return true;
			}
		}
	}
	return false;
}

/* ---- Hot-plug ---- */

#define PCI_RESCAN	"/sys/bus/pci/rescan"

static inline bool pci_present(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s", bdf);
	return !access(path, F_OK);
}

static inline void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

/* Logical hot-unplug: sysfs "remove". 0 or -errno. */
static inline int pci_remove(const char *bdf)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/remove", bdf);
	return write_file(path, "1");
}

/* Rescan the PCI buses until bdf is back with an IOMMU group; 0 or -errno. */
static inline int pci_rescan_for(const char *bdf)
{
	struct timespec t0;
	int rc = write_file(PCI_RESCAN, "1");

	if (rc)
		return rc;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!pci_present(bdf) || pci_iommu_group(bdf) < 0) {
		if (edu_ms_since(&t0) > 10000)
			return -ETIMEDOUT;
		usleep(20000);
	}
	return 0;
}

/* ---- Test buffers ---- */

/* size bytes of fresh anonymous memory, filled with fill; NULL on error. */
static inline void *edu_buf(size_t size, int fill)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, fill, size);
	return p;
}

/* In a test: p = edu_buf(size, fill), or the test fails. */
#define NEW_BUF(p, size, fill) do {					\
	(p) = edu_buf(size, fill);					\
	ASSERT_NONNULL(p);						\
} while (0)

/* ---- Physical pages ---- */

/* Physical address of the page at p (present), or 0. */
static inline uint64_t phys_of(const void *p)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	long psz = sysconf(_SC_PAGESIZE);
	off_t off = (uintptr_t)p / psz * sizeof(e);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), off) != sizeof(e))
		e = 0;
	close(fd);
	if (!(e & (1ULL << 63)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * psz;
}

/*
 * A locked page of ours whose physical address the edu can reach (28
 * bits): where a DMA to that address would land if the device's DMA were
 * not translated. Takes up to 192 MiB to find one, keeps only that page
 * (filled with 0x5c). NULL if none qualifies.
 */
static inline uint8_t *low_page(uint64_t *phys)
{
	const size_t psz = sysconf(_SC_PAGESIZE), chunk = 16UL << 20;
	const size_t n = chunk / psz;
	uint8_t *chunks[12] = { NULL }, *pick = NULL;
	uint64_t *pm = calloc(n, sizeof(*pm));
	unsigned int c, i;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	for (c = 0; c < 12 && !pick && pm && fd >= 0; c++) {
		uint8_t *m = edu_buf(chunk, 0x5c);

		if (!m)
			break;
		chunks[c] = m;
		if (pread(fd, pm, n * sizeof(*pm),
			  (uintptr_t)m / psz * sizeof(*pm)) !=
		    (ssize_t)(n * sizeof(*pm)))
			break;
		for (i = 0; i < n && !pick; i++) {
			uint64_t pa = (pm[i] & ((1ULL << 55) - 1)) * psz;

			if ((pm[i] >> 63) && pa &&
			    pa + EDU_BUF_SIZE - 1 <= EDU_DMA_MASK) {
				pick = m + i * psz;
				*phys = pa;
				mlock(pick, psz);
			}
		}
	}
	/* Give back all but the page picked. */
	for (c = 0; c < 12 && chunks[c]; c++) {
		uint8_t *m = chunks[c];

		if (pick >= m && pick < m + chunk) {
			if (pick > m)
				munmap(m, pick - m);
			if (pick + psz < m + chunk)
				munmap(pick + psz, m + chunk - pick - psz);
		} else {
			munmap(m, chunk);
		}
	}
	if (fd >= 0)
		close(fd);
	free(pm);
	/* Still where it was? */
	if (pick && phys_of(pick) != *phys)
		pick = NULL;
	return pick;
}

#endif /* HWPT_TESTS_GUEST_EDU_H */
