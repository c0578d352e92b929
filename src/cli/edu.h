/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's edu device (PCI 1234:11e8) from userspace: BAR0 mapped through
 * /sys/bus/pci/devices/BDF/resource0, Bus Master Enable through the config
 * file, and the device's DMA engine, with timeouts. hwptctl exercise --edu
 * proves translation with it; the guest tests (tests/guest/edu.h) drive it
 * through the same code.
 *
 * The edu DMA engine (QEMU hw/misc/edu.c): source 0x80, destination 0x88,
 * count 0x90, command 0x98 (bit 0 start/busy, bit 1 direction: 0 = RAM to
 * the device's buffer, 1 = the buffer to RAM, bit 2 raise an IRQ). The
 * buffer is at device address 0x40000, 4096 bytes. Addresses are masked to
 * 28 bits, and a DMA takes about 100 ms of virtual time.
 *
 * The device must be bound to hwpt, whose probe enables it. Needs
 * _GNU_SOURCE (usleep).
 */
#ifndef HWPT_EDU_H
#define HWPT_EDU_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

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
	snprintf(e->bdf, sizeof(e->bdf), "%s", bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
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

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
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

/* ---- Checking what a DMA wrote ---- */

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

#endif /* HWPT_EDU_H */
