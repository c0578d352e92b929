// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of lifetimes: what happens to a file's devices, page tables
 * and pinned memory when the device goes away under it (logical hot-unplug
 * through sysfs "remove", or a sysfs driver unbind), when the owning
 * process is killed, when one file is used from several threads at once,
 * and when two files compete for a group. Checked the way a user would:
 * DEVICE_GET's state, the errno of every call, the driver link in sysfs,
 * where an edu DMA lands, VmPin, and the kernel's pinned-page counters
 * (/proc/vmstat nr_foll_pin_acquired and nr_foll_pin_released).
 *
 * Topology (scripts/vm-run.sh): a singleton edu and a two-function edu
 * (one multi-device group). Unplugged devices come back with a PCI rescan
 * at the end of each case (also when it fails), so later cases and
 * programs find them again.
 *
 * Runs as root in the test VM, where /init loaded /hwpt.ko.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <linux/hwpt.h>

#include "edu.h"

#define HWPT_DRV_SYSFS	"/sys/bus/pci/drivers/hwpt"

/* IOVAs: below edu's 28-bit limit, clear of the MSI windows. */
#define IOVA_A		0x100000UL	/* destination buffer */
#define IOVA_B		0x200000UL
#define IOVA_P		0x300000UL	/* pattern source, readable */
#define IOVA_N		0x400000UL	/* multi-page mappings */
#define IOVA_T0		0x1000000UL	/* per-thread ranges */
#define IOVA_T1		0x2000000UL

#define MAP_R		HWPT_IOAS_MAP_READABLE

static size_t psz;

#define BUF		(psz)
#define DMA_LEN		4096U

static void __attribute__((constructor)) init_psz(void)
{
	psz = sysconf(_SC_PAGESIZE);
}

/* ---- /proc and sysfs ---- */

#define KB(bytes)	((long)((bytes) / 1024))

/* Unbind bdf from hwpt's driver through sysfs. 0 or -errno. */
static int sysfs_unbind(const char *bdf)
{
	return write_file(HWPT_DRV_SYSFS "/unbind", bdf);
}

/* ---- DMA ---- */

/* Device buffer <- pattern at IOVA_P (filled here); then the buffer -> iova. */
static int dma_pattern_to(struct edu *e, void *p, unsigned int seed,
			  uint64_t iova)
{
	int rc;

	edu_pattern(p, DMA_LEN, seed);
	__sync_synchronize();
	rc = edu_dma_to_device(e, IOVA_P, DMA_LEN);
	return rc ? rc : edu_dma_from_device(e, iova, DMA_LEN);
}

/*
 * The device bdf, attached to a page table that maps a at IOVA_A and p
 * (readable) at IOVA_P, moves pattern seed from p to a: its DMA works.
 * Opens e (BAR0, bus mastering) unless open already, and leaves it open.
 */
static void dma_works(struct __test_metadata *_metadata, struct edu *e,
		      const char *bdf, uint8_t *a, uint8_t *p, unsigned int seed)
{
	memset(a, 0x11, BUF);
	if (!e->bar)
		ASSERT_EQ(0, edu_open_master(e, bdf));
	ASSERT_EQ(0, dma_pattern_to(e, p, seed, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(a, DMA_LEN, seed));
}

/* ---- 1. Hot-unplug of the singleton edu ---- */

FIXTURE(unplug) {
	struct edu_info s, fa, fb;
	bool have_pair;
	struct edu e, e2;
	int fd, fd2;
	char removed[2][32];	/* to rescan for in the teardown */
};

FIXTURE_SETUP(unplug)
{
	edu_init(&self->e);
	edu_init(&self->e2);
	self->fd = self->fd2 = -1;
	self->removed[0][0] = self->removed[1][0] = 0;
	if (!edu_find(EDU_SINGLETON, &self->s))
		SKIP("no singleton edu");
	self->have_pair = edu_find_pair(EDU_TWOFN, &self->fa, &self->fb);
	if (access(PCI_RESCAN, W_OK))
		SKIP("no %s", PCI_RESCAN);
}

FIXTURE_TEARDOWN(unplug)
{
	int i;

	edu_close(&self->e);
	edu_close(&self->e2);
	if (self->fd >= 0)
		close(self->fd);
	if (self->fd2 >= 0)
		close(self->fd2);
	for (i = 0; i < 2; i++) {
		if (self->removed[i][0] && !pci_present(self->removed[i]) &&
		    pci_rescan_for(self->removed[i]))
			TH_LOG("%s did not come back after a rescan",
			       self->removed[i]);
	}
}

/*
 * The singleton edu, bound, mapped and attached to an HWPT, is unplugged:
 * the device object is dead (DEVICE_GET says so, every attach-type call is
 * ENODEV, DESTROY works), the HWPT it held can be destroyed, and the rest
 * of the file goes on: map/unmap, another device's attach and DMA. After a
 * rescan a new file binds the new device and DMA works; nothing leaked.
 */
TEST_F(unplug, hot_unplug_singleton)
{
	uint32_t ioas, dev, hwpt, hwpt2 = 0, out = 0, moved = 0, d2, h;
	struct hwpt_device_get g;
	long base = vmpin_kb();
	long long pins = pins_outstanding();
	uint64_t got = 0;
	uint8_t *a, *p, *n;
	const char *bdf = self->s.bdf;
	int fd;

	ASSERT_GE(base, 0);
	ASSERT_NE(LLONG_MIN, pins);
	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(p, BUF, 0);
	NEW_BUF(n, 16 * psz, 0x22);
	fd = self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, bdf, &dev));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_R));
	ASSERT_EQ(0, map_fixed(fd, ioas, n, 16 * psz, IOVA_N, MAP_RW));
	ASSERT_EQ(0, hwpt_alloc(fd, dev, ioas, &hwpt));
	ASSERT_EQ(0, attach(fd, dev, hwpt, &out, &moved));
	EXPECT_EQ(hwpt, out);
	EXPECT_EQ(1, moved);
	dma_works(_metadata, &self->e, bdf, a, p, 21);
	EXPECT_EQ(-EBUSY, destroy(fd, hwpt));
	EXPECT_EQ(base + KB(18 * psz), vmpin_kb());
	edu_close(&self->e);

	/* Unplug. */
	str_copy(self->removed[0], sizeof(self->removed[0]), bdf);
	ASSERT_EQ(0, pci_remove(bdf));
	ASSERT_FALSE(pci_present(bdf));

	ASSERT_EQ(0, dev_get(fd, dev, &g));
	EXPECT_EQ(HWPT_DEVICE_DEAD, g.out_state & HWPT_DEVICE_DEAD);
	EXPECT_EQ(0, g.out_hwpt_id);
	TH_LOG("dead device: group %u, %u group devices", g.out_group_id,
	       g.out_group_devices);
	EXPECT_EQ(-ENODEV, attach(fd, dev, hwpt, NULL, NULL));
	EXPECT_EQ(-ENODEV, attach(fd, dev, ioas, NULL, NULL));
	EXPECT_EQ(-ENODEV, replace(fd, dev, hwpt, NULL, NULL));
	EXPECT_EQ(-ENODEV, replace(fd, dev, ioas, NULL, NULL));
	EXPECT_EQ(-ENODEV, detach(fd, dev));
	EXPECT_EQ(-ENODEV, hwpt_alloc(fd, dev, ioas, &hwpt2));
	/* Still dead, still detached, after all that. */
	ASSERT_EQ(0, dev_get(fd, dev, &g));
	EXPECT_EQ(HWPT_DEVICE_DEAD, g.out_state & HWPT_DEVICE_DEAD);
	EXPECT_EQ(0, g.out_hwpt_id);

	/* The HWPT it held is free now; the IOAS keeps its mappings. */
	EXPECT_EQ(0, destroy(fd, hwpt));
	EXPECT_EQ(base + KB(18 * psz), vmpin_kb());

	/* The rest of the file works: map and unmap... */
	ASSERT_EQ(0, unmap(fd, ioas, IOVA_N, 16 * psz, &got));
	EXPECT_EQ(16 * psz, got);
	ASSERT_EQ(0, map_fixed(fd, ioas, n, 4 * psz, IOVA_N, MAP_RW));
	EXPECT_EQ(base + KB(6 * psz), vmpin_kb());

	/* ...and another device's attach and DMA. */
	if (self->have_pair) {
		ASSERT_EQ(0, bind_dev(fd, self->fa.bdf, &d2));
		ASSERT_EQ(0, attach(fd, d2, ioas, &h, &moved));
		EXPECT_EQ(1, moved);
		dma_works(_metadata, &self->e2, self->fa.bdf, a, p,
			  22);
		/* Into the new mapping too. */
		ASSERT_EQ(0, edu_dma_from_device(&self->e2, IOVA_N + psz,
						 DMA_LEN));
		EXPECT_TRUE(edu_has_pattern(n + psz, DMA_LEN, 22));
		EXPECT_TRUE(edu_all_bytes(n, psz, 0x22));
		edu_close(&self->e2);
	}

	/* DESTROY of the dead device works, once. */
	EXPECT_EQ(0, destroy(fd, dev));
	EXPECT_EQ(-ENOENT, destroy(fd, dev));
	EXPECT_EQ(-ENOENT, dev_pt(fd, dev));

	/* Back with a rescan: a new file binds the new device. */
	ASSERT_EQ(0, pci_rescan_for(bdf));
	self->removed[0][0] = 0;
	EXPECT_FALSE(pci_has_driver(bdf));
	EXPECT_TRUE(no_driver_override(bdf));
	self->fd2 = hwpt_open(O_RDWR);
	ASSERT_GE(self->fd2, 0);
	{
		uint32_t ioas2, dev2;
		uint8_t *a2, *p2;

		NEW_BUF(a2, BUF, 0x11);
		NEW_BUF(p2, BUF, 0);
		ASSERT_EQ(0, bind_dev(self->fd2, bdf, &dev2));
		EXPECT_TRUE(driver_is(bdf, "hwpt"));
		ASSERT_EQ(0, dev_get(self->fd2, dev2, &g));
		EXPECT_EQ(0, g.out_state & HWPT_DEVICE_DEAD);
		EXPECT_EQ(pci_iommu_group(bdf), g.out_group_id);
		ASSERT_EQ(0, ioas_alloc(self->fd2, &ioas2));
		ASSERT_EQ(0, map_fixed(self->fd2, ioas2, a2, BUF, IOVA_A,
				       MAP_RW));
		ASSERT_EQ(0, map_fixed(self->fd2, ioas2, p2, BUF, IOVA_P,
				       MAP_R));
		ASSERT_EQ(0, attach(self->fd2, dev2, ioas2, &h, NULL));
		dma_works(_metadata, &self->e, bdf, a2,
			  p2, 23);
		edu_close(&self->e);
	}
	/* The old file can no longer bind it. */
	EXPECT_EQ(-EBUSY, bind_dev(fd, bdf, NULL));

	/* Nothing leaked. */
	ASSERT_OK(close(self->fd2));
	self->fd2 = -1;
	ASSERT_OK(close(fd));
	self->fd = -1;
	EXPECT_EQ(base, vmpin_kb());
	EXPECT_EQ(pins, pins_outstanding());
	EXPECT_FALSE(pci_has_driver(bdf));
	if (self->have_pair)
		EXPECT_FALSE(pci_has_driver(self->fa.bdf));
}

/* ---- 2. Unplug of one function of a multi-device group ---- */

/*
 * Both functions of the two-function edu attached to one HWPT; one is
 * unplugged. The other stays attached, its DMA still lands, and a REPLACE
 * now moves it alone. After a rescan the new function joins the group in
 * the same file and its DMA lands too.
 *
 * Function 0 is the one unplugged: hot-added, function 1 would get an
 * IOMMU group of its own (QEMU sets the multi-function bit in function 0's
 * header only, and the IOMMU probe of a hot-added function runs before
 * pci_scan_slot() marks it multi-function), splitting the group for every
 * later test. Function 0 has the bit and rejoins its sibling's group.
 */
TEST_F(unplug, hot_unplug_one_function_of_group)
{
	uint32_t ioas, ioas2, dg, ds, hwpt = 0, hwpt2, out = 0, moved = 0;
	struct hwpt_device_get g;
	long base = vmpin_kb();
	long long pins = pins_outstanding();
	uint8_t *a, *b, *p;
	const char *gone = self->fa.bdf, *stay = self->fb.bdf;
	int group = self->fa.group;
	int fd;

	if (!self->have_pair)
		SKIP("no two-function edu");
	ASSERT_NE(LLONG_MIN, pins);
	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(b, BUF, 0x22);
	NEW_BUF(p, BUF, 0);
	fd = self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, gone, &dg));
	ASSERT_EQ(0, bind_dev(fd, stay, &ds));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas2));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_R));
	ASSERT_EQ(0, map_fixed(fd, ioas2, b, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas2, p, BUF, IOVA_P, MAP_R));
	ASSERT_EQ(0, attach(fd, dg, ioas, &hwpt, NULL));
	ASSERT_EQ(0, attach(fd, ds, ioas, &out, &moved));
	EXPECT_EQ(hwpt, out);
	EXPECT_EQ(1, moved);
	ASSERT_EQ(0, hwpt_alloc(fd, dg, ioas2, &hwpt2));
	ASSERT_EQ(0, dev_get(fd, ds, &g));
	EXPECT_EQ(2, g.out_group_devices);
	/* The function to go DMAs through the group's HWPT. */
	dma_works(_metadata, &self->e2, gone, a, p, 31);
	edu_close(&self->e2);

	str_copy(self->removed[0], sizeof(self->removed[0]), gone);
	ASSERT_EQ(0, pci_remove(gone));
	ASSERT_FALSE(pci_present(gone));

	/* The unplugged function is dead and detached... */
	ASSERT_EQ(0, dev_get(fd, dg, &g));
	EXPECT_EQ(HWPT_DEVICE_DEAD, g.out_state & HWPT_DEVICE_DEAD);
	EXPECT_EQ(0, g.out_hwpt_id);
	EXPECT_EQ(-ENODEV, replace(fd, dg, hwpt2, NULL, NULL));
	EXPECT_EQ(-ENODEV, detach(fd, dg));
	/* ...the other is alive, attached, alone in the group. */
	ASSERT_EQ(0, dev_get(fd, ds, &g));
	EXPECT_EQ(0, g.out_state & HWPT_DEVICE_DEAD);
	EXPECT_EQ(hwpt, g.out_hwpt_id);
	EXPECT_EQ(group, g.out_group_id);
	EXPECT_EQ(1, g.out_group_devices);
	EXPECT_TRUE(driver_is(stay, "hwpt"));
	/* Its DMA lands. */
	dma_works(_metadata, &self->e, stay, a, p, 32);
	/* A REPLACE moves it alone now, and its DMA follows. */
	ASSERT_EQ(0, replace(fd, ds, hwpt2, &out, &moved));
	EXPECT_EQ(hwpt2, out);
	EXPECT_EQ(1, moved);
	memset(a, 0x11, BUF);
	memset(b, 0x22, BUF);
	ASSERT_EQ(0, dma_pattern_to(&self->e, p, 33, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(b, DMA_LEN, 33));
	EXPECT_TRUE(edu_all_bytes(a, BUF, 0x11));
	/* The automatic HWPT went with the last device that left it. */
	EXPECT_EQ(-ENOENT, destroy(fd, hwpt));
	EXPECT_EQ(0, destroy(fd, dg));

	/* The function comes back and joins the group in this file. */
	ASSERT_EQ(0, pci_rescan_for(gone));
	self->removed[0][0] = 0;
	ASSERT_EQ(group, pci_iommu_group(gone));
	EXPECT_FALSE(pci_has_driver(gone));
	ASSERT_EQ(0, bind_dev(fd, gone, &dg));
	ASSERT_EQ(0, dev_get(fd, dg, &g));
	EXPECT_EQ(0, g.out_state & HWPT_DEVICE_DEAD);
	EXPECT_EQ(2, g.out_group_devices);
	EXPECT_EQ(0, g.out_hwpt_id);
	EXPECT_EQ(-EINVAL, attach(fd, dg, ioas, NULL, NULL));
	ASSERT_EQ(0, attach(fd, dg, hwpt2, &out, &moved));
	EXPECT_EQ(hwpt2, out);
	EXPECT_EQ(1, moved);
	dma_works(_metadata, &self->e2, gone, b, p, 34);
	edu_close(&self->e2);
	edu_close(&self->e);

	ASSERT_OK(close(fd));
	self->fd = -1;
	EXPECT_EQ(base, vmpin_kb());
	EXPECT_EQ(pins, pins_outstanding());
	EXPECT_FALSE(pci_has_driver(gone));
	EXPECT_FALSE(pci_has_driver(stay));
	/* And another file can have the whole group again. */
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, bind_dev(fd, stay, NULL));
	EXPECT_EQ(0, bind_dev(fd, gone, NULL));
	close(fd);
}

struct unplug_race {
	int fd;
	uint32_t dev, h1, h2, ioas;
	uint8_t *buf;
	volatile int stop;
	unsigned long ok, enodev, maps;
	int bad;		/* first unexpected errno, or an out mismatch */
};

/* REPLACE back and forth until ENODEV; nothing else is acceptable. */
static void *unplug_replacer(void *arg)
{
	struct unplug_race *u = arg;
	uint32_t to = u->h2;

	while (!u->stop) {
		uint32_t out = 0, moved = 0;
		int rc = replace(u->fd, u->dev, to, &out, &moved);

		if (rc == -ENODEV) {
			u->enodev++;
			if (u->enodev > 3)
				break;
			continue;
		}
		if (rc || out != to || moved != 1) {
			u->bad = rc ? rc : -EIO;
			break;
		}
		u->ok++;
		to = to == u->h1 ? u->h2 : u->h1;
	}
	return NULL;
}

/* Map and unmap on the IOAS all along: never disturbed by the unplug. */
static void *unplug_mapper(void *arg)
{
	struct unplug_race *u = arg;

	while (!u->stop) {
		uint64_t got = 0;
		int rc = map_fixed(u->fd, u->ioas, u->buf, 4 * psz, IOVA_N,
				   MAP_RW);

		if (!rc)
			rc = unmap(u->fd, u->ioas, IOVA_N, 4 * psz, &got);
		if (rc || got != 4 * psz) {
			u->bad = rc ? rc : -EIO;
			break;
		}
		u->maps++;
	}
	return NULL;
}

/*
 * The device is unplugged while one thread REPLACEs it back and forth and
 * another maps into its IOAS: every REPLACE answers 0 or ENODEV (then only
 * ENODEV), the maps never fail, and afterwards both HWPTs can go.
 */
TEST_F(unplug, hot_unplug_during_replace_and_map)
{
	struct unplug_race u;
	struct hwpt_device_get g;
	pthread_t rt, mt;
	long base = vmpin_kb();
	long long pins = pins_outstanding();
	const char *bdf = self->s.bdf;
	uint8_t *a;

	ASSERT_NE(LLONG_MIN, pins);
	memset(&u, 0, sizeof(u));
	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(u.buf, 4 * psz, 0x44);
	u.fd = self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(u.fd, 0);
	ASSERT_EQ(0, bind_dev(u.fd, bdf, &u.dev));
	ASSERT_EQ(0, ioas_alloc(u.fd, &u.ioas));
	ASSERT_EQ(0, map_fixed(u.fd, u.ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, hwpt_alloc(u.fd, u.dev, u.ioas, &u.h1));
	ASSERT_EQ(0, hwpt_alloc(u.fd, u.dev, u.ioas, &u.h2));
	ASSERT_EQ(0, attach(u.fd, u.dev, u.h1, NULL, NULL));
	ASSERT_EQ(0, pthread_create(&rt, NULL, unplug_replacer, &u));
	ASSERT_EQ(0, pthread_create(&mt, NULL, unplug_mapper, &u));
	sleep_ms(300);
	str_copy(self->removed[0], sizeof(self->removed[0]), bdf);
	EXPECT_EQ(0, pci_remove(bdf));
	sleep_ms(300);
	u.stop = 1;
	pthread_join(rt, NULL);
	pthread_join(mt, NULL);
	TH_LOG("%lu replaces, then ENODEV x%lu; %lu map/unmap rounds", u.ok,
	       u.enodev, u.maps);
	if (u.bad)
		TH_LOG("unexpected: %s", strerror(-u.bad));
	EXPECT_EQ(0, u.bad);
	EXPECT_LT(0, u.enodev);
	ASSERT_EQ(0, dev_get(u.fd, u.dev, &g));
	EXPECT_EQ(HWPT_DEVICE_DEAD, g.out_state & HWPT_DEVICE_DEAD);
	EXPECT_EQ(0, g.out_hwpt_id);
	EXPECT_EQ(0, destroy(u.fd, u.h1));
	EXPECT_EQ(0, destroy(u.fd, u.h2));
	EXPECT_EQ(0, destroy(u.fd, u.dev));
	EXPECT_EQ(base + KB(psz), vmpin_kb());
	ASSERT_OK(close(u.fd));
	self->fd = -1;
	EXPECT_EQ(base, vmpin_kb());
	EXPECT_EQ(pins, pins_outstanding());
	ASSERT_EQ(0, pci_rescan_for(bdf));
	self->removed[0][0] = 0;
	EXPECT_FALSE(pci_has_driver(bdf));
}

/* ---- 3. sysfs unbind ---- */

/*
 * Unbinding hwpt's driver through sysfs is an unplug for the file: the
 * device is dead (ENODEV), it has no driver, its HWPT is free, sysfs
 * "bind" cannot give it back to hwpt behind the file's back, and DESTROY
 * works and clears driver_override. It can be bound again afterwards.
 */
TEST_F(unplug, sysfs_unbind_is_unplug)
{
	uint32_t ioas, dev, hwpt, out = 0;
	struct hwpt_device_get g;
	long base = vmpin_kb();
	long long pins = pins_outstanding();
	const char *bdf = self->s.bdf;
	uint8_t *a, *p;
	int fd, rc;

	ASSERT_NE(LLONG_MIN, pins);
	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(p, BUF, 0);
	fd = self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, bdf, &dev));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_R));
	ASSERT_EQ(0, hwpt_alloc(fd, dev, ioas, &hwpt));
	ASSERT_EQ(0, attach(fd, dev, hwpt, &out, NULL));
	dma_works(_metadata, &self->e, bdf, a, p, 41);
	EXPECT_EQ(1, bus_master_of(bdf));

	ASSERT_EQ(0, sysfs_unbind(bdf));
	EXPECT_FALSE(pci_has_driver(bdf));
	EXPECT_TRUE(pci_present(bdf));
	EXPECT_EQ(0, bus_master_of(bdf));

	ASSERT_EQ(0, dev_get(fd, dev, &g));
	EXPECT_EQ(HWPT_DEVICE_DEAD, g.out_state & HWPT_DEVICE_DEAD);
	EXPECT_EQ(0, g.out_hwpt_id);
	EXPECT_EQ(-ENODEV, attach(fd, dev, hwpt, NULL, NULL));
	EXPECT_EQ(-ENODEV, attach(fd, dev, ioas, NULL, NULL));
	EXPECT_EQ(-ENODEV, replace(fd, dev, hwpt, NULL, NULL));
	EXPECT_EQ(-ENODEV, detach(fd, dev));
	EXPECT_EQ(-ENODEV, hwpt_alloc(fd, dev, ioas, &out));
	EXPECT_EQ(0, destroy(fd, hwpt));

	/* sysfs "bind" to hwpt does not take it behind the file's back. */
	rc = write_file(HWPT_DRV_SYSFS "/bind", bdf);
	TH_LOG("sysfs bind to hwpt after unbind: %s",
	       rc ? strerror(-rc) : "accepted");
	EXPECT_FALSE(pci_has_driver(bdf));
	ASSERT_EQ(0, dev_get(fd, dev, &g));
	EXPECT_EQ(HWPT_DEVICE_DEAD, g.out_state & HWPT_DEVICE_DEAD);

	EXPECT_EQ(0, destroy(fd, dev));
	EXPECT_FALSE(pci_has_driver(bdf));
	EXPECT_TRUE(no_driver_override(bdf));

	/* Bound again, in the same file, and it works. */
	edu_close(&self->e);
	ASSERT_EQ(0, bind_dev(fd, bdf, &dev));
	EXPECT_TRUE(driver_is(bdf, "hwpt"));
	ASSERT_EQ(0, attach(fd, dev, ioas, &out, NULL));
	dma_works(_metadata, &self->e, bdf, a, p, 42);
	edu_close(&self->e);
	ASSERT_OK(close(fd));
	self->fd = -1;
	EXPECT_FALSE(pci_has_driver(bdf));
	EXPECT_TRUE(no_driver_override(bdf));
	EXPECT_EQ(base, vmpin_kb());
	EXPECT_EQ(pins, pins_outstanding());
}

/*
 * After a sysfs unbind, another file may bind the device before the first
 * destroys its dead object; that DESTROY must leave the new binding alone.
 */
TEST_F(unplug, sysfs_unbind_then_other_file_binds)
{
	uint32_t dev, dev2;
	const char *bdf = self->s.bdf;
	int fd;

	fd = self->fd = hwpt_open(O_RDWR);
	self->fd2 = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_GE(self->fd2, 0);
	ASSERT_EQ(0, bind_dev(fd, bdf, &dev));
	ASSERT_EQ(0, sysfs_unbind(bdf));
	EXPECT_FALSE(pci_has_driver(bdf));
	ASSERT_EQ(0, bind_dev(self->fd2, bdf, &dev2));
	EXPECT_TRUE(driver_is(bdf, "hwpt"));
	EXPECT_EQ(0, destroy(fd, dev));
	EXPECT_TRUE(driver_is(bdf, "hwpt"));
	EXPECT_EQ(0, dev_pt(self->fd2, dev2));
	ASSERT_OK(close(fd));
	self->fd = -1;
	EXPECT_TRUE(driver_is(bdf, "hwpt"));
	ASSERT_OK(close(self->fd2));
	self->fd2 = -1;
	EXPECT_FALSE(pci_has_driver(bdf));
	EXPECT_TRUE(no_driver_override(bdf));
}

/* ---- 4. The owning process is killed ---- */

/* Read one byte from fd within ms; the byte, or -1. */
static int read_byte(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&pfd, 1, ms) != 1 || read(fd, &c, 1) != 1)
		return -1;
	return c;
}

#define KILL_PAGES	64

/*
 * The child binds the singleton edu, maps 64 pages, attaches, says it is
 * ready and sleeps. Exits with 'F' on the pipe on any failure.
 */
static void __attribute__((noreturn)) kill_child(const char *bdf, int wfd)
{
	uint32_t ioas, dev, hwpt;
	uint8_t *buf = edu_buf(KILL_PAGES * psz, 0x33);
	struct edu e;
	int fd = hwpt_open(O_RDWR);
	char c = 'R';

	if (!buf || fd < 0 || bind_dev(fd, bdf, &dev) ||
	    ioas_alloc(fd, &ioas) ||
	    map_fixed(fd, ioas, buf, KILL_PAGES * psz, IOVA_N, MAP_RW) ||
	    attach(fd, dev, ioas, &hwpt, NULL) || edu_open_master(&e, bdf))
		c = 'F';
	if (write(wfd, &c, 1) != 1 || c == 'F')
		_exit(1);
	for (;;)
		pause();
}

TEST(process_kill_releases_everything)
{
	struct edu_info s;
	long long pins = pins_outstanding(), held;
	int pfd[2], status, fd;
	uint32_t dev;
	pid_t pid;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	ASSERT_NE(LLONG_MIN, pins);
	ASSERT_OK(pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		close(pfd[0]);
		kill_child(s.bdf, pfd[1]);
	}
	close(pfd[1]);
	ASSERT_EQ('R', read_byte(pfd[0], 20000));
	close(pfd[0]);

	/* While it lives: bound, owned, its pages pinned. */
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	EXPECT_EQ(1, bus_master_of(s.bdf));
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EBUSY, bind_dev(fd, s.bdf, NULL));
	held = pins_outstanding();
	EXPECT_LE(pins + KILL_PAGES, held);
	TH_LOG("pins outstanding: %lld before, %lld with the child", pins,
	       held);

	ASSERT_OK(kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	/* Gone with it: the binding, bus mastering, the pins. */
	EXPECT_FALSE(pci_has_driver(s.bdf));
	EXPECT_TRUE(no_driver_override(s.bdf));
	EXPECT_EQ(0, bus_master_of(s.bdf));
	EXPECT_EQ(pins, pins_outstanding());
	/* DMA ownership is free: a new file binds it. */
	ASSERT_EQ(0, bind_dev(fd, s.bdf, &dev));
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	EXPECT_EQ(0, dev_pt(fd, dev));
	close(fd);
	EXPECT_FALSE(pci_has_driver(s.bdf));
}

/*
 * Killed in the middle of pinning: a child maps and unmaps a large buffer
 * in a loop and is killed at some point of it. No pin may be left.
 */
TEST(process_kill_while_mapping)
{
	const size_t len = 32UL << 20;
	long long pins = pins_outstanding();
	int pfd[2], status, round;

	ASSERT_NE(LLONG_MIN, pins);
	for (round = 0; round < 4; round++) {
		pid_t pid;

		ASSERT_OK(pipe(pfd));
		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid) {
			uint8_t *buf = edu_buf(len, 1);
			int fd = hwpt_open(O_RDWR);
			uint32_t ioas = 0;
			char c = 'R';

			close(pfd[0]);
			if (!buf || fd < 0 || ioas_alloc(fd, &ioas))
				c = 'F';
			if (write(pfd[1], &c, 1) != 1 || c == 'F')
				_exit(1);
			for (;;) {
				if (map_fixed(fd, ioas, buf, len, IOVA_N,
					      MAP_RW) ||
				    unmap(fd, ioas, IOVA_N, len, NULL))
					_exit(2);
			}
		}
		close(pfd[1]);
		ASSERT_EQ('R', read_byte(pfd[0], 20000));
		close(pfd[0]);
		usleep(50000 + round * 70000);
		ASSERT_OK(kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		/* Killed, not failed on its own. */
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		EXPECT_EQ(pins, pins_outstanding());
	}
}

/*
 * A file shared by fork() lives until its last holder lets go: the parent
 * closing its copy changes nothing, the child's exit releases the device
 * and the pins, and the parent's VmPin, charged by the parent's map, goes
 * back down.
 */
TEST(inherited_file_outlives_parent_close)
{
	struct edu_info s;
	long base = vmpin_kb();
	long long pins = pins_outstanding();
	uint32_t ioas, dev;
	int pfd[2], status, fd;
	uint8_t *buf;
	pid_t pid;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	ASSERT_NE(LLONG_MIN, pins);
	NEW_BUF(buf, 16 * psz, 1);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, s.bdf, &dev));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, buf, 16 * psz, IOVA_N, MAP_RW));
	ASSERT_EQ(0, attach(fd, dev, ioas, NULL, NULL));
	EXPECT_EQ(base + KB(16 * psz), vmpin_kb());
	ASSERT_OK(pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		char c;

		/* Holds the inherited file until the parent says go. */
		close(pfd[1]);
		_exit(read(pfd[0], &c, 1) == 1 ? 0 : 3);
	}
	close(pfd[0]);
	/* O_CLOEXEC does not matter to fork(): the child has it too. */
	ASSERT_OK(close(fd));
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	EXPECT_LE(pins + 16, pins_outstanding());
	ASSERT_EQ(1, write(pfd[1], "x", 1));
	close(pfd[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_FALSE(pci_has_driver(s.bdf));
	EXPECT_EQ(pins, pins_outstanding());
	EXPECT_EQ(base, vmpin_kb());
}

/* ---- 5. Concurrency in one file ---- */

#define RUN_MS		3000

struct conc {
	int fd;
	uint32_t ioas, dev, h1, h2;
	volatile int stop;
	struct edu *e;
	uint8_t *a, *p;
	struct ranges r0;
	/* Per thread results. */
	pthread_mutex_t lock;
	int errors;
	char first[256];
};

static void __attribute__((format(printf, 2, 3)))
conc_fail(struct conc *c, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&c->lock);
	if (!c->errors++) {
		va_start(ap, fmt);
		vsnprintf(c->first, sizeof(c->first), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&c->lock);
	c->stop = 1;
}

struct mapper {
	struct conc *c;
	uint64_t base;		/* fixed IOVA range of this thread */
	uint8_t *buf;		/* 8 pages */
	unsigned long iters;
	uint64_t left;		/* bytes left mapped at the end */
};

static void *mapper_fn(void *arg)
{
	struct mapper *m = arg;
	struct conc *c = m->c;
	unsigned long i;

	for (i = 0; !c->stop; i++) {
		size_t len = (1 + i % 8) * psz;
		uint64_t iova = m->base, got = 0;
		bool fixed = i % 3 != 2;
		int rc;

		if (fixed)
			rc = map_fixed(c->fd, c->ioas, m->buf, len, iova,
				       MAP_RW);
		else
			rc = map_raw(c->fd, c->ioas, MAP_RW,
				     (uintptr_t)m->buf, len, &iova);
		if (rc) {
			conc_fail(c, "map %zu at %#" PRIx64 "%s: %s", len,
				  iova, fixed ? "" : " (any)", strerror(-rc));
			break;
		}
		rc = unmap(c->fd, c->ioas, iova, len, &got);
		if (rc || got != len) {
			conc_fail(c, "unmap %zu at %#" PRIx64 ": %s, %" PRIu64
				  " bytes", len, iova, strerror(-rc), got);
			break;
		}
		m->iters++;
	}
	/* Leave a mapping behind, for the final count. */
	if (!map_fixed(c->fd, c->ioas, m->buf, 3 * psz, m->base, MAP_RW))
		m->left = 3 * psz;
	return NULL;
}

struct replacer {
	struct conc *c;
	unsigned long iters, dmas;
	uint32_t last;		/* HWPT of the last successful replace */
};

static void *replacer_fn(void *arg)
{
	struct replacer *r = arg;
	struct conc *c = r->c;
	struct timespec t0;
	unsigned long i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; !c->stop; i++) {
		uint32_t to = r->last == c->h1 ? c->h2 : c->h1;
		uint32_t out = 0, moved = 0;
		long now;
		int rc = replace(c->fd, c->dev, to, &out, &moved);

		if (rc || out != to || moved != 1) {
			conc_fail(c, "replace to %u: %s, out %u, moved %u", to,
				  strerror(-rc), out, moved);
			break;
		}
		r->last = to;
		now = dev_pt(c->fd, c->dev);
		if (now != to) {
			conc_fail(c, "DEVICE_GET after replace to %u: %ld",
				  to, now);
			break;
		}
		r->iters++;
		/* Now and then: DMA through whichever HWPT it is on. */
		if (edu_ms_since(&t0) > 400) {
			unsigned int seed = 100 + i % 50;

			clock_gettime(CLOCK_MONOTONIC, &t0);
			memset(c->a, 0, DMA_LEN);
			rc = dma_pattern_to(c->e, c->p, seed, IOVA_A);
			if (rc || !edu_has_pattern(c->a, DMA_LEN, seed)) {
				conc_fail(c, "DMA through HWPT %u: %s", to,
					  rc ? strerror(-rc) : "did not land");
				break;
			}
			r->dmas++;
		}
	}
	return NULL;
}

struct ranger {
	struct conc *c;
	unsigned long iters;
};

static void *ranger_fn(void *arg)
{
	struct ranger *g = arg;
	struct conc *c = g->c;
	struct ranges r;

	while (!c->stop) {
		int rc = iova_ranges(c->fd, c->ioas, &r);

		if (rc || !ranges_equal(&r, &c->r0)) {
			conc_fail(c, "IOVA_RANGES: %s, %u ranges (%u before)",
				  strerror(-rc), r.n, c->r0.n);
			break;
		}
		g->iters++;
	}
	return NULL;
}

/*
 * Two threads map and unmap their own IOVA ranges of one IOAS, one REPLACEs
 * the singleton edu back and forth between two HWPTs of that IOAS (and DMAs
 * now and then), one reads IOVA_RANGES. Every call must succeed with the
 * right answer; afterwards the state adds up exactly.
 */
TEST(concurrent_map_replace_ranges)
{
	struct mapper m[2];
	struct replacer rp;
	struct ranger rg;
	struct conc c;
	pthread_t th[4];
	struct edu_info s;
	struct edu e;
	long base = vmpin_kb();
	uint64_t got = 0, want;
	uint32_t out = 0;
	int i;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	ASSERT_GE(base, 0);
	memset(&c, 0, sizeof(c));
	pthread_mutex_init(&c.lock, NULL);
	c.e = &e;
	NEW_BUF(c.a, BUF, 0);
	NEW_BUF(c.p, BUF, 0);
	c.fd = hwpt_open(O_RDWR);
	ASSERT_GE(c.fd, 0);
	ASSERT_EQ(0, bind_dev(c.fd, s.bdf, &c.dev));
	ASSERT_EQ(0, edu_open_master(&e, s.bdf));
	ASSERT_EQ(0, ioas_alloc(c.fd, &c.ioas));
	ASSERT_EQ(0, map_fixed(c.fd, c.ioas, c.a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(c.fd, c.ioas, c.p, BUF, IOVA_P, MAP_R));
	ASSERT_EQ(0, hwpt_alloc(c.fd, c.dev, c.ioas, &c.h1));
	ASSERT_EQ(0, hwpt_alloc(c.fd, c.dev, c.ioas, &c.h2));
	ASSERT_EQ(0, attach(c.fd, c.dev, c.h1, &out, NULL));
	ASSERT_EQ(c.h1, out);
	ASSERT_EQ(0, iova_ranges(c.fd, c.ioas, &c.r0));
	ASSERT_TRUE(in_ranges(&c.r0, IOVA_T0, IOVA_T0 + 8 * psz - 1));
	ASSERT_TRUE(in_ranges(&c.r0, IOVA_T1, IOVA_T1 + 8 * psz - 1));

	for (i = 0; i < 2; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].c = &c;
		m[i].base = i ? IOVA_T1 : IOVA_T0;
		NEW_BUF(m[i].buf, 8 * psz, i);
	}
	memset(&rp, 0, sizeof(rp));
	rp.c = &c;
	rp.last = c.h1;
	memset(&rg, 0, sizeof(rg));
	rg.c = &c;

	ASSERT_EQ(0, pthread_create(&th[0], NULL, mapper_fn, &m[0]));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, mapper_fn, &m[1]));
	ASSERT_EQ(0, pthread_create(&th[2], NULL, replacer_fn, &rp));
	ASSERT_EQ(0, pthread_create(&th[3], NULL, ranger_fn, &rg));
	sleep_ms(RUN_MS);
	c.stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	TH_LOG("map/unmap rounds %lu + %lu, replaces %lu (%lu DMAs), "
	       "IOVA_RANGES %lu", m[0].iters, m[1].iters, rp.iters, rp.dmas,
	       rg.iters);
	if (c.errors)
		TH_LOG("%d thread errors, first: %s", c.errors, c.first);
	EXPECT_EQ(0, c.errors);
	EXPECT_LT(0, m[0].iters);
	EXPECT_LT(0, m[1].iters);
	EXPECT_LT(0, rp.iters);
	EXPECT_LT(0, rg.iters);

	/* The state adds up. */
	EXPECT_EQ(rp.last, dev_pt(c.fd, c.dev));
	EXPECT_EQ(3 * psz, m[0].left);
	EXPECT_EQ(3 * psz, m[1].left);
	want = 2 * psz + m[0].left + m[1].left;
	EXPECT_EQ(base + KB(want), vmpin_kb());
	/* DMA through the final HWPT lands, also into a thread's mapping. */
	memset(c.a, 0, BUF);
	ASSERT_EQ(0, dma_pattern_to(&e, c.p, 7, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(c.a, DMA_LEN, 7));
	ASSERT_EQ(0, edu_dma_from_device(&e, IOVA_T1 + psz, DMA_LEN));
	EXPECT_TRUE(edu_has_pattern(m[1].buf + psz, DMA_LEN, 7));
	/* The other HWPT is free to go, the one in use is not. */
	EXPECT_EQ(-EBUSY, destroy(c.fd, rp.last));
	EXPECT_EQ(0, destroy(c.fd, rp.last == c.h1 ? c.h2 : c.h1));
	ASSERT_EQ(0, unmap_all(c.fd, c.ioas, &got));
	EXPECT_EQ(want, got);
	EXPECT_EQ(base, vmpin_kb());
	edu_close(&e);
	ASSERT_OK(close(c.fd));
	EXPECT_EQ(base, vmpin_kb());
	EXPECT_FALSE(pci_has_driver(s.bdf));
}

struct race {
	int fd;
	uint32_t ioas, dev;
	volatile int done;
	uint8_t *buf;
	pthread_mutex_t lock;
	int errors;
	char first[256];
	unsigned long maps, allocs, destroys[3];	/* 0, ENOENT, EBUSY */
};

static void race_fail(struct race *r, const char *what, int rc)
{
	pthread_mutex_lock(&r->lock);
	if (!r->errors++)
		snprintf(r->first, sizeof(r->first), "%s: %s", what,
			 strerror(-rc));
	pthread_mutex_unlock(&r->lock);
}

/* Map and unmap until the IOAS is gone. */
static void *race_mapper(void *arg)
{
	struct race *r = arg;

	for (;;) {
		uint64_t got = 0;
		int rc = map_fixed(r->fd, r->ioas, r->buf, 4 * psz, IOVA_N,
				   MAP_RW);

		if (rc == -ENOENT)
			break;
		if (rc) {
			race_fail(r, "map", rc);
			break;
		}
		r->maps++;
		rc = unmap(r->fd, r->ioas, IOVA_N, 4 * psz, &got);
		if (rc == -ENOENT)
			break;
		if (rc || got != 4 * psz) {
			race_fail(r, "unmap", rc ? rc : -EIO);
			break;
		}
	}
	return NULL;
}

/* HWPT_ALLOC on the IOAS and DESTROY of the HWPT, until the IOAS is gone. */
static void *race_allocator(void *arg)
{
	struct race *r = arg;
	int i;

	/* Bounded, so that the destroyers get their turn. */
	for (i = 0; i < 16; i++) {
		uint32_t h;
		int rc = hwpt_alloc(r->fd, r->dev, r->ioas, &h);

		if (rc == -ENOENT)
			break;
		if (rc) {
			race_fail(r, "HWPT_ALLOC", rc);
			break;
		}
		r->allocs++;
		rc = destroy(r->fd, h);
		if (rc) {
			race_fail(r, "DESTROY of the HWPT", rc);
			break;
		}
	}
	return NULL;
}

/* DESTROY the IOAS until it is gone: EBUSY while an HWPT holds it. */
static void *race_destroyer(void *arg)
{
	struct race *r = arg;

	for (;;) {
		int rc = destroy(r->fd, r->ioas);

		if (!rc) {
			__sync_fetch_and_add(&r->destroys[0], 1);
			break;
		}
		if (rc == -ENOENT) {
			__sync_fetch_and_add(&r->destroys[1], 1);
			break;
		}
		if (rc != -EBUSY) {
			race_fail(r, "DESTROY of the IOAS", rc);
			break;
		}
		__sync_fetch_and_add(&r->destroys[2], 1);
		usleep(200);
	}
	return NULL;
}

/*
 * DESTROY of an IOAS while other threads map into it and allocate HWPTs on
 * it: every call answers 0, ENOENT or EBUSY, exactly one DESTROY wins, and
 * closing the file leaves nothing.
 */
TEST(concurrent_destroy_ioas_while_mapping)
{
	struct edu_info s;
	struct race r;
	pthread_t th[4];
	long base = vmpin_kb();
	long long pins = pins_outstanding();
	int round, i, n;

	ASSERT_NE(LLONG_MIN, pins);
	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.lock, NULL);
	NEW_BUF(r.buf, 4 * psz, 5);
	r.fd = hwpt_open(O_RDWR);
	ASSERT_GE(r.fd, 0);
	if (edu_find(EDU_SINGLETON, &s))
		ASSERT_EQ(0, bind_dev(r.fd, s.bdf, &r.dev));
	for (round = 0; round < 24; round++) {
		ASSERT_EQ(0, ioas_alloc(r.fd, &r.ioas));
		n = 0;
		ASSERT_EQ(0, pthread_create(&th[n++], NULL, race_mapper, &r));
		if (r.dev)
			ASSERT_EQ(0, pthread_create(&th[n++], NULL,
						    race_allocator, &r));
		sleep_ms(round % 6);
		/* Two destroyers: one wins, the other sees ENOENT. */
		ASSERT_EQ(0, pthread_create(&th[n++], NULL, race_destroyer,
					    &r));
		ASSERT_EQ(0, pthread_create(&th[n++], NULL, race_destroyer,
					    &r));
		for (i = 0; i < n; i++)
			pthread_join(th[i], NULL);
		EXPECT_EQ(-ENOENT, destroy(r.fd, r.ioas));
		if (r.errors)
			break;
	}
	TH_LOG("%d rounds: %lu maps, %lu HWPTs, DESTROY 0 x%lu, ENOENT x%lu, "
	       "EBUSY x%lu", round, r.maps, r.allocs, r.destroys[0],
	       r.destroys[1], r.destroys[2]);
	if (r.errors)
		TH_LOG("%d errors, first: %s", r.errors, r.first);
	EXPECT_EQ(0, r.errors);
	EXPECT_EQ((unsigned long)round, r.destroys[0]);
	EXPECT_EQ(base, vmpin_kb());
	ASSERT_OK(close(r.fd));
	EXPECT_EQ(base, vmpin_kb());
	EXPECT_EQ(pins, pins_outstanding());
	if (r.dev)
		EXPECT_FALSE(pci_has_driver(s.bdf));
}

/* ---- 6. Two files ---- */

/*
 * A group belongs to one file: while the first has a device of it (bound,
 * mapped, attached), a second file cannot bind any device of the group
 * (EBUSY), and its attempts leave no trace. Once the first file is closed,
 * the second binds them and DMA works through it.
 */
TEST(second_file_waits_for_first)
{
	struct edu_info s, fa, fb;
	uint32_t ioas, ds, da, db, h;
	uint8_t *a, *p;
	struct edu e;
	int fd1, fd2;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	if (!edu_find_pair(EDU_TWOFN, &fa, &fb))
		SKIP("no two-function edu");
	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(p, BUF, 0);
	fd1 = hwpt_open(O_RDWR);
	fd2 = hwpt_open(O_RDWR);
	ASSERT_GE(fd1, 0);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bind_dev(fd1, s.bdf, &ds));
	ASSERT_EQ(0, bind_dev(fd1, fa.bdf, &da));
	ASSERT_EQ(0, ioas_alloc(fd1, &ioas));
	ASSERT_EQ(0, map_fixed(fd1, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, attach(fd1, ds, ioas, &h, NULL));
	ASSERT_EQ(0, attach(fd1, da, ioas, NULL, NULL));

	EXPECT_EQ(-EBUSY, bind_dev(fd2, s.bdf, NULL));
	EXPECT_EQ(-EBUSY, bind_dev(fd2, fa.bdf, NULL));
	EXPECT_EQ(-EBUSY, bind_dev(fd2, fb.bdf, NULL));
	EXPECT_FALSE(pci_has_driver(fb.bdf));
	EXPECT_TRUE(no_driver_override(fb.bdf));
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	EXPECT_TRUE(driver_is(fa.bdf, "hwpt"));
	/* The first file is untouched by the attempts. */
	EXPECT_EQ(h, dev_pt(fd1, ds));
	EXPECT_EQ(h, dev_pt(fd1, da));

	ASSERT_OK(close(fd1));
	EXPECT_FALSE(pci_has_driver(s.bdf));
	EXPECT_FALSE(pci_has_driver(fa.bdf));
	ASSERT_EQ(0, bind_dev(fd2, s.bdf, &ds));
	ASSERT_EQ(0, bind_dev(fd2, fb.bdf, &db));
	ASSERT_EQ(0, bind_dev(fd2, fa.bdf, &da));
	ASSERT_EQ(0, ioas_alloc(fd2, &ioas));
	ASSERT_EQ(0, map_fixed(fd2, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd2, ioas, p, BUF, IOVA_P, MAP_R));
	ASSERT_EQ(0, attach(fd2, db, ioas, &h, NULL));
	edu_init(&e);
	dma_works(_metadata, &e, fb.bdf, a, p, 61);
	edu_close(&e);
	close(fd2);
	EXPECT_FALSE(pci_has_driver(s.bdf));
	EXPECT_FALSE(pci_has_driver(fa.bdf));
	EXPECT_FALSE(pci_has_driver(fb.bdf));
}

TEST_HARNESS_MAIN
