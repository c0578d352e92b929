// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl exercise: the whole life of a device under hwpt, step by step.
 * With --edu, QEMU's edu device proves each page table translates: the
 * device reads a pattern from one IOVA and writes it to another, and the
 * bytes land in the buffer that page table maps, and nowhere else.
 *
 * Two IO address spaces map their own buffers at the same IOVAs: the
 * first is attached (automatic HWPT), the second gets an HWPT that the
 * device is then replaced onto. With --group every device of the group
 * is bound and attached, the replace goes through the first, and each one
 * is shown to follow.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "cli.h"
#include "edu.h"

#define EX_IOVA_DST	0x100000ULL	/* the DMA's destination */
#define EX_IOVA_SRC	0x300000ULL	/* the pattern, read-only */
#define EX_MAX_DEVS	(1 + LIBHWPT_PCI_MAX_PEERS)

struct ex_dev {
	char name[32];
	uint32_t id;
	struct edu *edu;	/* with --edu, once opened */
};

/* An IOAS and the two buffers it maps. */
struct ex_space {
	uint32_t ioas;
	uint8_t *src;
	uint8_t *dst;
};

struct ex {
	struct hwpt_ctx *ctx;
	struct cli_steps s;
	bool edu;
	size_t psz;
	unsigned int ndevs;
	struct ex_dev dev[EX_MAX_DEVS];
	struct ex_space sp[2];
	uint32_t hwpt[2];		/* the automatic one, the allocated one */
	unsigned int seed;
};

/* The devices: DEVICE, and with @group the endpoints of its group. */
static bool ex_devices(struct ex *x, const char *name, bool group)
{
	struct hwpt_pci_info p, q = { .size = sizeof(q) };
	unsigned int i;

	if (!cli_inspect(name, &p))
		return false;
	snprintf(x->dev[x->ndevs++].name, sizeof(x->dev[0].name), "%s", name);
	for (i = 0; group && i < p.nr_peers && i < LIBHWPT_PCI_MAX_PEERS; i++) {
		/* A bridge in the group does no DMA of its own: leave it. */
		if (hwpt_pci_inspect(p.peers[i].name, &q) ||
		    (q.pci_class >> 16) == 0x06)
			continue;
		snprintf(x->dev[x->ndevs++].name, sizeof(x->dev[0].name), "%s",
			 q.name);
	}
	if (group && x->ndevs == 1) {
		out_error("%s has no other device in IOMMU group %d: --group needs a multi-device group",
			  name, p.group);
		return false;
	}
	for (i = 0; x->edu && i < x->ndevs; i++) {
		if (hwpt_pci_inspect(x->dev[i].name, &q) ||
		    q.vendor != EDU_VENDOR || q.device != EDU_DEVICE) {
			out_error("%s is not QEMU's edu device (1234:11e8, %04x:%04x): --edu needs one",
				  x->dev[i].name, q.vendor, q.device);
			return false;
		}
	}
	return true;
}

/*
 * A page of fresh memory, written once: a read-only pin of a page never
 * touched can pin the shared zero page (6.1 does), which the process's
 * later writes then copy away from. NULL after reporting.
 */
static uint8_t *ex_page(struct ex *x)
{
	void *p = mmap(NULL, x->psz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		out_error("mmap: %m");
		return NULL;
	}
	memset(p, 0, x->psz);
	return p;
}

/* BAR0 of the edu mapped (sysfs resource0), bus mastering on. */
static int ex_edu_open(struct ex_dev *d)
{
	struct edu *e = calloc(1, sizeof(*e));
	int rc;

	if (!e)
		return -ENOMEM;
	rc = edu_open_master(e, d->name);
	if (rc)
		free(e);
	else
		d->edu = e;
	return rc;
}

/* Bus mastering off first: the device is given back quiet. */
static void ex_edu_close(struct ex_dev *d)
{
	if (!d->edu)
		return;
	edu_bus_master(d->edu, false);
	edu_close(d->edu);
	free(d->edu);
	d->edu = NULL;
}

static bool ex_bind(struct ex *x, struct ex_dev *d)
{
	int rc = hwpt_device_bind(x->ctx, d->name, &d->id);

	if (!step(&x->s, "bind", cli_err(x->ctx, rc), "%s as device %u",
		  d->name, rc ? 0 : d->id))
		return false;
	if (!x->edu)
		return true;
	rc = ex_edu_open(d);
	return step(&x->s, "edu-open", rc ? strerror(-rc) : NULL,
		    "%s: BAR0 mapped through sysfs, bus mastering on",
		    d->name);
}

/* A new IOAS with the pattern buffer and the destination buffer mapped. */
static bool ex_space(struct ex *x, struct ex_space *sp)
{
	uint64_t src = EX_IOVA_SRC, dst = EX_IOVA_DST;
	int rc;

	sp->src = ex_page(x);
	sp->dst = ex_page(x);
	if (!sp->src || !sp->dst)
		return false;
	rc = hwpt_ioas_alloc(x->ctx, &sp->ioas);
	if (!step(&x->s, "ioas-alloc", cli_err(x->ctx, rc), "IOAS %u",
		  rc ? 0 : sp->ioas))
		return false;
	rc = hwpt_ioas_map(x->ctx, sp->ioas, HWPT_IOAS_MAP_FIXED_IOVA |
			   HWPT_IOAS_MAP_READABLE, sp->src, x->psz, &src);
	if (!rc)
		rc = hwpt_ioas_map(x->ctx, sp->ioas, HWPT_IOAS_MAP_FIXED_IOVA |
				   HWPT_IOAS_MAP_READABLE |
				   HWPT_IOAS_MAP_WRITEABLE, sp->dst, x->psz,
				   &dst);
	return step(&x->s, "map", cli_err(x->ctx, rc),
		    "IOAS %u: a %zu-byte source at IOVA %#llx (device-readable), a destination at %#llx",
		    sp->ioas, x->psz, EX_IOVA_SRC, EX_IOVA_DST);
}

static bool ex_ranges(struct ex *x, struct ex_space *sp)
{
	struct hwpt_iova_range r[8];
	uint32_t n = 8;
	int rc = hwpt_ioas_iova_ranges(x->ctx, sp->ioas, r, &n, NULL);

	if (rc == -EMSGSIZE)
		rc = 0;
	return step(&x->s, "iova-ranges", cli_err(x->ctx, rc),
		    "IOAS %u: %u usable range(s), the first [%#llx, %#llx]",
		    sp->ioas, n, n && !rc ? (unsigned long long)r[0].start : 0,
		    n && !rc ? (unsigned long long)r[0].last : 0);
}

/*
 * Device @d's DMA goes through @sp: a fresh pattern from its source ends
 * in its destination; @other's destination (if any) is left alone.
 */
static bool ex_dma(struct ex *x, struct ex_dev *d, uint32_t hwpt,
		   struct ex_space *sp, struct ex_space *other)
{
	const char *err = NULL;
	unsigned int seed = ++x->seed;
	int rc;

	edu_pattern(sp->src, EDU_BUF_SIZE, seed);
	memset(sp->dst, 0, x->psz);
	if (other)
		memset(other->dst, 0x5a, x->psz);
	/* The pattern in memory before the device reads it. */
	__sync_synchronize();
	rc = edu_dma_to_device(d->edu, EX_IOVA_SRC, EDU_BUF_SIZE) ?:
	     edu_dma_from_device(d->edu, EX_IOVA_DST, EDU_BUF_SIZE);
	if (rc == -ETIMEDOUT)
		err = "the DMA did not finish: the device stalled (an IOMMU fault? see dmesg)";
	else if (rc)
		err = strerror(-rc);
	else if (!edu_has_pattern(sp->dst, EDU_BUF_SIZE, seed))
		err = "the pattern is not in the destination: the DMA missed this page table";
	else if (other && !edu_all_bytes(other->dst, x->psz, 0x5a))
		err = "the other IOAS's buffer changed: the old page table still translates";
	return step(&x->s, "dma", err,
		    "%s via HWPT %u: %u bytes IOVA %#llx -> device -> IOVA %#llx, bytes compared",
		    d->name, hwpt, EDU_BUF_SIZE, EX_IOVA_SRC, EX_IOVA_DST);
}

/* Every device is on @hwpt (0: detached), as DEVICE_GET says. */
static bool ex_check_pt(struct ex *x, uint32_t hwpt)
{
	struct hwpt_device_get g = { .size = sizeof(g) };
	unsigned int i;
	char on[32];
	int rc;

	for (i = 0; i < x->ndevs; i++) {
		const char *err = NULL;

		rc = hwpt_device_get(x->ctx, x->dev[i].id, &g);
		if (rc)
			err = hwpt_strerror(x->ctx);
		else if (g.out_hwpt_id != hwpt)
			err = "on another page table than expected";
		if (!rc && !g.out_hwpt_id)
			snprintf(on, sizeof(on), "not attached, DMA blocked");
		else
			snprintf(on, sizeof(on), "on HWPT %u",
				 rc ? 0 : g.out_hwpt_id);
		if (!step(&x->s, "device-get", err, "%s (device %u) %s",
			  x->dev[i].name, x->dev[i].id, on))
			return false;
	}
	return true;
}

static bool ex_attach(struct ex *x)
{
	uint32_t hwpt, moved;
	unsigned int i;
	int rc;

	for (i = 0; i < x->ndevs; i++) {
		rc = hwpt_device_attach(x->ctx, x->dev[i].id, x->sp[0].ioas,
					&hwpt, &moved);
		if (!step(&x->s, "attach", cli_err(x->ctx, rc),
			  "device %u to IOAS %u: automatic HWPT %u, %u device(s) moved",
			  x->dev[i].id, x->sp[0].ioas, rc ? 0 : hwpt,
			  rc ? 0 : moved))
			return false;
		x->hwpt[0] = hwpt;
	}
	return ex_check_pt(x, x->hwpt[0]);
}

static bool ex_replace(struct ex *x)
{
	uint32_t hwpt = 0, moved = 0;
	const char *err;
	int rc;

	rc = hwpt_hwpt_alloc(x->ctx, x->dev[0].id, x->sp[1].ioas, 0, 0,
			     &x->hwpt[1]);
	if (!step(&x->s, "hwpt-alloc", cli_err(x->ctx, rc),
		  "HWPT %u over IOAS %u for device %u", rc ? 0 : x->hwpt[1],
		  x->sp[1].ioas, x->dev[0].id))
		return false;
	rc = hwpt_device_replace(x->ctx, x->dev[0].id, x->hwpt[1], &hwpt,
				 &moved);
	err = cli_err(x->ctx, rc);
	if (!rc && moved != x->ndevs)
		err = "not every attached device of the group moved";
	if (!step(&x->s, "replace", err,
		  "device %u from HWPT %u to HWPT %u: %u of %u device(s) moved",
		  x->dev[0].id, x->hwpt[0], x->hwpt[1], moved, x->ndevs))
		return false;
	return ex_check_pt(x, x->hwpt[1]);
}

static bool ex_detach(struct ex *x)
{
	unsigned int i;
	int rc;

	for (i = 0; i < x->ndevs; i++) {
		rc = hwpt_device_detach(x->ctx, x->dev[i].id);
		if (!step(&x->s, "detach", cli_err(x->ctx, rc), "device %u",
			  x->dev[i].id))
			return false;
	}
	return ex_check_pt(x, 0);
}

/*
 * Destroy in dependency order. The automatic HWPT went with the replace:
 * the first IOAS is free.
 */
static bool ex_destroy(struct ex *x)
{
	uint32_t ids[3] = { x->hwpt[1], x->sp[1].ioas, x->sp[0].ioas };
	static const char *const what[3] = { "HWPT", "IOAS", "IOAS" };
	struct hwpt_pci_info p = { .size = sizeof(p) };
	unsigned int i;
	int rc;

	for (i = 0; i < 3; i++) {
		rc = hwpt_destroy(x->ctx, ids[i]);
		if (!step(&x->s, "destroy", cli_err(x->ctx, rc), "%s %u",
			  what[i], ids[i]))
			return false;
	}
	for (i = 0; i < x->ndevs; i++) {
		const char *err = NULL;

		ex_edu_close(&x->dev[i]);
		rc = hwpt_destroy(x->ctx, x->dev[i].id);
		if (rc)
			err = hwpt_strerror(x->ctx);
		else if (!hwpt_pci_inspect(x->dev[i].name, &p) &&
			 p.state == LIBHWPT_PCI_HWPT)
			err = "hwpt's driver is still bound to it";
		if (!step(&x->s, "destroy", err,
			  "device %u: %s given back to the kernel",
			  x->dev[i].id, x->dev[i].name))
			return false;
	}
	return true;
}

static bool ex_run(struct ex *x)
{
	unsigned int i;

	for (i = 0; i < x->ndevs; i++)
		if (!ex_bind(x, &x->dev[i]))
			return false;
	if (!ex_space(x, &x->sp[0]) || !ex_attach(x) ||
	    !ex_ranges(x, &x->sp[0]))
		return false;
	for (i = 0; x->edu && i < x->ndevs; i++)
		if (!ex_dma(x, &x->dev[i], x->hwpt[0], &x->sp[0], NULL))
			return false;
	if (!ex_space(x, &x->sp[1]) || !ex_replace(x))
		return false;
	for (i = 0; x->edu && i < x->ndevs; i++)
		if (!ex_dma(x, &x->dev[i], x->hwpt[1], &x->sp[1], &x->sp[0]))
			return false;
	return ex_detach(x) && ex_destroy(x);
}

int cmd_exercise(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "edu", no_argument, NULL, 'e' },
		{ "group", no_argument, NULL, 'g' },
		{}
	};
	struct ex x = { .psz = sysconf(_SC_PAGESIZE) };
	bool group = false;
	unsigned int i;
	int c, rc;

	while ((c = cli_getopt(argc, argv, "eg", opts)) != -1) {
		switch (c) {
		case 'e':
			x.edu = true;
			break;
		case 'g':
			group = true;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (!cli_operands(argc, 1))
		return CLI_USAGE;
	if (ex_devices(&x, argv[optind], group))
		x.ctx = cli_open();
	/* On either failure the document still has every key. */
	out_arr("devices");
	for (i = 0; i < x.ndevs; i++)
		out_str(NULL, NULL, x.dev[i].name);
	out_end();
	out_bool("edu", NULL, x.edu);
	steps_begin(&x.s);
	if (x.ctx)
		ex_run(&x);
	rc = steps_end(&x.s);
	if (!x.ctx)
		rc = CLI_FAIL;
	for (i = 0; i < x.ndevs; i++)
		ex_edu_close(&x.dev[i]);
	for (i = 0; i < 2; i++) {
		if (x.sp[i].src)
			munmap(x.sp[i].src, x.psz);
		if (x.sp[i].dst)
			munmap(x.sp[i].dst, x.psz);
	}
	hwpt_ctx_close(x.ctx);
	return rc;
}
