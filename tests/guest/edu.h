/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for driving QEMU's edu device (PCI 1234:11e8) from a guest test:
 * finding the edu functions and their IOMMU groups in sysfs, mapping BAR0
 * through /sys/bus/pci/devices/BDF/resource0, Bus Master Enable through the
 * config file, and the device's DMA engine, with timeouts.
 *
 * The edu DMA engine (QEMU hw/misc/edu.c): source 0x80, destination 0x88,
 * count 0x90, command 0x98 (bit 0 start/busy, bit 1 direction: 0 = RAM to
 * the device's buffer, 1 = the buffer to RAM, bit 2 raise an IRQ). The
 * buffer is at device address 0x40000, 4096 bytes. Addresses are masked to
 * 28 bits, and a DMA takes about 100 ms of virtual time.
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

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8

#define EDU_REG_ID		0x00
#define EDU_REG_LIVENESS	0x04
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_CNT		0x90
#define EDU_REG_DMA_CMD		0x98

#define EDU_DMA_RUN		0x1
#define EDU_DMA_TO_RAM		0x2	/* direction: buffer -> RAM */
#define EDU_DMA_IRQ		0x4

#define EDU_BUF_ADDR		0x40000
#define EDU_BUF_SIZE		4096
#define EDU_DMA_MASK		((1ULL << 28) - 1)
#define EDU_DMA_TIMEOUT_MS	5000

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

/* ---- BAR0, config space, DMA ---- */

struct edu {
	char bdf[32];
	volatile uint32_t *bar;
	size_t bar_len;
	int cfg_fd;
};

static inline void edu_init(struct edu *e)
{
	memset(e, 0, sizeof(*e));
	e->cfg_fd = -1;
}

static inline void edu_close(struct edu *e)
{
	if (e->bar)
		munmap((void *)e->bar, e->bar_len);
	if (e->cfg_fd >= 0)
		close(e->cfg_fd);
	e->bar = NULL;
	e->cfg_fd = -1;
}

static inline uint32_t edu_rd(struct edu *e, unsigned int reg)
{
	return e->bar[reg / 4];
}

static inline void edu_wr(struct edu *e, unsigned int reg, uint32_t v)
{
	e->bar[reg / 4] = v;
}

/*
 * Map BAR0 and open config space of bdf (bound to hwpt, whose probe
 * enabled the device). Checks the ID and liveness registers. 0 or -errno.
 */
static inline int edu_open(struct edu *e, const char *bdf)
{
	char path[PATH_MAX];
	struct stat st;
	void *p;
	int fd, err;

	edu_init(e);
	str_copy(e->bdf, sizeof(e->bdf), bdf);
	snprintf(path, sizeof(path), PCI_SYSFS "/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size <= 0) {
		err = errno ? -errno : -EINVAL;
		close(fd);
		return err;
	}
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	err = -errno;
	close(fd);
	if (p == MAP_FAILED)
		return err;
	e->bar = p;
	e->bar_len = st.st_size;

	snprintf(path, sizeof(path), PCI_SYSFS "/%s/config", bdf);
	e->cfg_fd = open(path, O_RDWR | O_CLOEXEC);
	if (e->cfg_fd < 0) {
		err = -errno;
		edu_close(e);
		return err;
	}
	/* The ID register reads 0x010000ed (version 1.0, "ed"u). */
	if ((edu_rd(e, EDU_REG_ID) & 0xff) != 0xed) {
		edu_close(e);
		return -ENXIO;
	}
	edu_wr(e, EDU_REG_LIVENESS, 0x12345678);
	if (edu_rd(e, EDU_REG_LIVENESS) != ~0x12345678U) {
		edu_close(e);
		return -EIO;
	}
	return 0;
}

/* Set or clear Bus Master Enable (command register bit 2). 0 or -errno. */
static inline int edu_bus_master(struct edu *e, bool on)
{
	uint16_t cmd;

	if (pread(e->cfg_fd, &cmd, 2, 4) != 2)
		return errno ? -errno : -EIO;
	if (on)
		cmd |= 0x4;
	else
		cmd &= ~0x4;
	if (pwrite(e->cfg_fd, &cmd, 2, 4) != 2)
		return errno ? -errno : -EIO;
	if (pread(e->cfg_fd, &cmd, 2, 4) != 2)
		return errno ? -errno : -EIO;
	return !!(cmd & 0x4) == on ? 0 : -EIO;
}

/* edu_open() then Bus Master Enable. */
static inline int edu_open_master(struct edu *e, const char *bdf)
{
	int rc = edu_open(e, bdf);

	if (!rc) {
		rc = edu_bus_master(e, true);
		if (rc)
			edu_close(e);
	}
	return rc;
}

static inline long edu_ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Wait for the DMA engine to go idle; 0 or -ETIMEDOUT. */
static inline int edu_dma_wait(struct edu *e, int timeout_ms)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (edu_rd(e, EDU_REG_DMA_CMD) & EDU_DMA_RUN) {
		if (edu_ms_since(&t0) > timeout_ms)
			return -ETIMEDOUT;
		usleep(2000);
	}
	__sync_synchronize();
	return 0;
}

/* Start a DMA once the engine is idle, and do not wait for it. */
static inline int edu_dma_start(struct edu *e, uint64_t src, uint64_t dst,
				uint32_t len, uint32_t cmd)
{
	int rc;

	if (!len || len > EDU_BUF_SIZE)
		return -EINVAL;
	rc = edu_dma_wait(e, EDU_DMA_TIMEOUT_MS);
	if (rc)
		return rc;
	__sync_synchronize();
	/* 32-bit writes: each sets the whole 64-bit register. */
	edu_wr(e, EDU_REG_DMA_SRC, (uint32_t)src);
	edu_wr(e, EDU_REG_DMA_DST, (uint32_t)dst);
	edu_wr(e, EDU_REG_DMA_CNT, len);
	edu_wr(e, EDU_REG_DMA_CMD, cmd | EDU_DMA_RUN);
	return 0;
}

static inline int edu_dma(struct edu *e, uint64_t src, uint64_t dst,
			  uint32_t len, uint32_t cmd)
{
	return edu_dma_start(e, src, dst, len, cmd) ?:
	       edu_dma_wait(e, EDU_DMA_TIMEOUT_MS);
}

/* RAM (at iova) -> the device's buffer. */
static inline int edu_dma_to_device(struct edu *e, uint64_t iova, uint32_t len)
{
	if (iova & ~EDU_DMA_MASK)
		return -ERANGE;
	return edu_dma(e, iova, EDU_BUF_ADDR, len, 0);
}

/* The device's buffer -> RAM (at iova). */
static inline int edu_dma_from_device(struct edu *e, uint64_t iova,
				      uint32_t len)
{
	if (iova & ~EDU_DMA_MASK)
		return -ERANGE;
	return edu_dma(e, EDU_BUF_ADDR, iova, len, EDU_DMA_TO_RAM);
}

/* ---- Test buffers ---- */

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

/* A pattern that differs per seed and per byte. */
static inline void edu_pattern(void *buf, size_t len, unsigned int seed)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

static inline bool edu_has_pattern(const void *buf, size_t len,
				   unsigned int seed)
{
	const volatile uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (uint8_t)(seed * 31 + i * 7 + (i >> 8)))
			return false;
	return true;
}

static inline bool edu_all_bytes(const void *buf, size_t len, int v)
{
	const volatile uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (uint8_t)v)
			return false;
	return true;
}

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
