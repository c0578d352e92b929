/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hwptctl: DMA by QEMU's edu device (PCI 1234:11e8), to prove that a page
 * table translates. The device must be bound to hwpt, which enables it.
 */
#ifndef HWPTCTL_DMA_H
#define HWPTCTL_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most one DMA moves (the size of the device's buffer). */
#define CLI_EDU_DMA_MAX	4096

struct cli_edu;

/* @vendor:@device is an edu. */
bool cli_is_edu(uint16_t vendor, uint16_t device);
/* Map BAR0 of @bdf (sysfs resource0) and turn bus mastering on. */
int cli_edu_open(const char *bdf, struct cli_edu **out);
void cli_edu_close(struct cli_edu *e);
/* DMA @len bytes from IOVA @src into the device, then out to IOVA @dst. */
int cli_edu_roundtrip(struct cli_edu *e, uint64_t src, uint64_t dst,
		      uint32_t len);
/* A pattern that differs per @seed and per byte, and checking it. */
void cli_pattern(void *buf, size_t len, unsigned int seed);
bool cli_has_pattern(const void *buf, size_t len, unsigned int seed);

#endif /* HWPTCTL_DMA_H */
