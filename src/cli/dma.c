// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl: the edu device's DMA engine, through the guest tests' edu.h
 * (one home for its register layout). Kept apart from the rest of hwptctl:
 * edu.h brings the tests' helpers with it.
 */
#include <stdlib.h>

#include "edu.h"
#include "dma.h"

struct cli_edu {
	struct edu e;
};

bool cli_is_edu(uint16_t vendor, uint16_t device)
{
	return vendor == EDU_VENDOR && device == EDU_DEVICE;
}

int cli_edu_open(const char *bdf, struct cli_edu **out)
{
	struct cli_edu *e = calloc(1, sizeof(*e));
	int rc;

	*out = NULL;
	if (!e)
		return -ENOMEM;
	rc = edu_open_master(&e->e, bdf);
	if (rc) {
		free(e);
		return rc;
	}
	*out = e;
	return 0;
}

void cli_edu_close(struct cli_edu *e)
{
	if (!e)
		return;
	edu_bus_master(&e->e, false);
	edu_close(&e->e);
	free(e);
}

int cli_edu_roundtrip(struct cli_edu *e, uint64_t src, uint64_t dst,
		      uint32_t len)
{
	int rc;

	__sync_synchronize();
	rc = edu_dma_to_device(&e->e, src, len);
	return rc ? rc : edu_dma_from_device(&e->e, dst, len);
}

void cli_pattern(void *buf, size_t len, unsigned int seed)
{
	edu_pattern(buf, len, seed);
}

bool cli_has_pattern(const void *buf, size_t len, unsigned int seed)
{
	return edu_has_pattern(buf, len, seed);
}
