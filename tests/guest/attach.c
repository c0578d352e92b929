// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of devices, IO address spaces and attachments with real DMA:
 * QEMU's edu devices (see edu.h) bound to hwpt, DMA through the page tables
 * userspace builds, and what a user checks around it: the driver link in
 * sysfs, DEVICE_GET, which buffer a DMA lands in (or that it lands nowhere),
 * IOVA_RANGES against the group's reserved regions, VmPin in
 * /proc/self/status, and, with debug_inject=1, that every injected failure
 * of BIND, IOAS_MAP, HWPT_ALLOC, ATTACH and REPLACE leaves the state as it
 * was.
 *
 * Topology (scripts/vm-run.sh): a singleton edu on its own root port, a
 * two-function edu on another (one multi-device group), and on intel-legacy
 * two edu behind a pcie-pci-bridge (an aliased group). Cases whose devices
 * are missing are skipped.
 *
 * The design rules the cases check: a replace moves the whole multi-device
 * group; DMA ownership is per file (a second file cannot take a device of a
 * group the first owns); a domain outlives the device it was allocated for.
 *
 * Runs as root in the test VM, where /init loaded /hwpt.ko.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <inttypes.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/hwpt.h>

#include "edu.h"

/* IOVAs the DMA cases use: below edu's 28-bit limit, clear of MSI windows. */
#define IOVA_A		0x100000UL	/* destination buffers */
#define IOVA_B		0x200000UL
#define IOVA_P		0x300000UL	/* pattern source, readable */
#define IOVA_N		0x400000UL	/* multi-page mappings */
#define IOVA_C		0x500000UL
#define IOVA_UNMAPPED	0x700000UL

#define MAP_FIXED_RW	(HWPT_IOAS_MAP_FIXED_IOVA | MAP_RW)
#define MAP_FIXED_R	(HWPT_IOAS_MAP_FIXED_IOVA | HWPT_IOAS_MAP_READABLE)

#define MAX_RESV	32

static size_t psz;	/* page size */

/* One DMA buffer: a page, at least the 4 KiB edu moves at most. */
#define BUF		(psz)
#define DMA_LEN		4096U

static void __attribute__((constructor)) init_psz(void)
{
	psz = sysconf(_SC_PAGESIZE);
}

/* ---- ioctl wrappers beyond util.h's: 0 or -errno ---- */

/* DEVICE_BIND with namelen bytes of name as given (no NUL added). */
static int bind_raw(int fd, uint32_t bus, const char *name, size_t namelen,
		    uint32_t *id)
{
	struct hwpt_device_bind cmd = { .size = sizeof(cmd), .bus = bus };
	int rc;

	memcpy(cmd.name, name, namelen < sizeof(cmd.name) ? namelen :
							    sizeof(cmd.name));
	rc = xioctl(fd, HWPT_DEVICE_BIND, &cmd);
	if (!rc && id)
		*id = cmd.out_dev_id;
	return rc;
}

/* ---- /proc, sysfs, /dev/kmsg ---- */

struct resv {
	uint64_t start, last;
	char type[32];
};

/* The reserved regions of IOMMU group g; count or -errno. */
static int read_resv(int g, struct resv *out, int max)
{
	char path[PATH_MAX], line[256];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), IOMMU_GROUPS_SYSFS "/%d/reserved_regions",
		 g);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned long long s, l;

		if (sscanf(line, "%llx %llx %31s", &s, &l, out[n].type) == 3) {
			out[n].start = s;
			out[n].last = l;
			n++;
		}
	}
	fclose(f);
	return n;
}

/* /dev/kmsg opened at its end: later reads see only new records. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * A fault line of one of the IOMMU drivers: "DMAR: [DMA Write ...] ...
 * fault", "AMD-Vi: Event logged [IO_PAGE_FAULT ...]", "arm-smmu-v3 ...:
 * event 0x10 ...", and virtio-iommu's "virtio_iommu virtio0: page fault
 * from EP 256 at 0x700000 []" (the driver logs it under the virtio device;
 * QEMU 11.1 sets no R/W flag in the event).
 */
static bool is_iommu_fault(const char *msg)
{
	bool iommu = strstr(msg, "DMAR") || strstr(msg, "AMD-Vi") ||
		     strstr(msg, "smmu") || strstr(msg, "SMMU") ||
		     strstr(msg, "virtio_iommu");
	bool fault = strcasestr(msg, "fault") || strstr(msg, "Event logged") ||
		     strstr(msg, "event 0x");

	return iommu && fault;
}

/*
 * Wait up to ms for an IOMMU fault line in the kernel log since
 * kmsg_open(); copies it to line. False if none came.
 */
static bool kmsg_fault(int fd, int ms, char *line, size_t len)
{
	struct timespec t0;
	char rec[8192];
	bool found = false;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n > 0) {
			char *msg = strchr(rec, ';');

			rec[n] = 0;
			msg = msg ? msg + 1 : rec;
			if (is_iommu_fault(msg)) {
				bool summary = strstr(msg, "handling fault");

				/* Intel's summary line: wait for the detail. */
				if (!found || !summary) {
					str_copy(line, len, msg);
					line[strcspn(line, "\n")] = 0;
				}
				found = true;
				if (!summary)
					return true;
			}
			continue;
		}
		if (n < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (edu_ms_since(&t0) > ms)
			return found;
		if (found && edu_ms_since(&t0) > ms / 2)
			return true;
		usleep(20000);
	}
}

/* The vendor of the IOMMU, from /sys/class/iommu, for log lines. */
static const char *iommu_vendor(void)
{
	struct dirent *d;
	const char *v = "unknown";
	DIR *dir = opendir("/sys/class/iommu");

	if (!dir)
		return v;
	while ((d = readdir(dir))) {
		if (!strncmp(d->d_name, "dmar", 4))
			v = "intel";
		else if (!strncmp(d->d_name, "ivhd", 4))
			v = "amd";
		else if (strstr(d->d_name, "smmu"))
			v = "smmu";
	}
	closedir(dir);
	/* virtio-iommu registers under its PCI name (0000:00:08.0). */
	if (!strcmp(v, "unknown") &&
	    !access("/sys/bus/virtio/drivers/virtio_iommu", F_OK))
		v = "virtio";
	return v;
}

/* ---- DMA checks ---- */

/*
 * Load the device's buffer with pattern seed from a readable mapping at
 * IOVA_P of buffer p (filled here first).
 */
static int load_pattern(struct edu *e, void *p, unsigned int seed)
{
	edu_pattern(p, DMA_LEN, seed);
	__sync_synchronize();
	return edu_dma_to_device(e, IOVA_P, DMA_LEN);
}

/* DMA the device's buffer to iova. */
static int dma_out(struct edu *e, uint64_t iova)
{
	return edu_dma_from_device(e, iova, DMA_LEN);
}

/* Bind bdf in fd and open it with bus mastering: assert-style helper. */
#define BIND_OPEN(fd, bdf, id, e) do {					\
	ASSERT_EQ(0, bind_dev(fd, bdf, id));				\
	ASSERT_EQ(0, edu_open_master(e, bdf));				\
} while (0)

/* ---- BIND ---- */

TEST(bind_nonexistent_enodev)
{
	int fd = hwpt_open(O_RDWR);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(-ENODEV, bind_dev(fd, "0000:7f:1f.7", NULL));
	EXPECT_EQ(-ENODEV, bind_dev(fd, "0123:00:00.0", NULL));
	close(fd);
}

/*
 * Per the code (hwpt_pci_find): a name that does not parse as
 * DOMAIN:BUS:SLOT.FN, or parses out of range, names no device (ENODEV);
 * a name without its NUL in the 32 bytes is malformed (EINVAL).
 */
TEST(bind_malformed_name)
{
	static const char *const bad[] = {
		"", "garbage", "0000:00:02", "0000:00:02.0x", "0000:00:02.0 ",
		"0000:100:00.0", "0000:00:20.0", "0000:00:02.8", "00:02.0",
		"0000-00-02.0",
	};
	char full[32];
	unsigned int i;
	int fd = hwpt_open(O_RDWR);

	ASSERT_GE(fd, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int rc = bind_dev(fd, bad[i], NULL);

		if (rc != -ENODEV)
			TH_LOG("\"%s\": %s", bad[i], strerror(-rc));
		EXPECT_EQ(-ENODEV, rc);
	}
	/* No NUL within the 32 bytes of name. */
	memset(full, '0', sizeof(full));
	EXPECT_EQ(-EINVAL, bind_raw(fd, HWPT_BUS_PCI, full, sizeof(full),
				    NULL));
	close(fd);
}

/*
 * A malformed spelling of an existing, free device's name must not bind
 * it: the name is the device's name on its bus, "DDDD:BB:SS.F".
 */
TEST(bind_malformed_name_of_free_device_enodev)
{
	struct edu_info s;
	unsigned int d, b, sl, f;
	char names[4][64];
	int i, fd;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	ASSERT_EQ(4, sscanf(s.bdf, "%x:%x:%x.%x", &d, &b, &sl, &f));
	/* A trailing "x", a function "0x", "0x" prefixes, a leading space. */
	snprintf(names[0], 64, "%04x:%02x:%02x.%xx", d, b, sl, f);
	snprintf(names[1], 64, "%04x:%02x:%02x.0x", d, b, sl);
	snprintf(names[2], 64, "0x%x:0x%x:0x%x.0x%x", d, b, sl, f);
	snprintf(names[3], 64, " %04x:%02x:%02x.%x", d, b, sl, f);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	for (i = 0; i < 4; i++) {
		uint32_t id = 0;
		int rc = bind_dev(fd, names[i], &id);

		if (rc != -ENODEV)
			TH_LOG("\"%s\": %s%s", names[i],
			       rc ? strerror(-rc) : "bound ",
			       rc ? "" : s.bdf);
		EXPECT_EQ(-ENODEV, rc);
		if (!rc)
			destroy(fd, id);
	}
	EXPECT_FALSE(pci_has_driver(s.bdf));
	close(fd);
}

TEST(bind_bus_not_pci_einval)
{
	struct edu_info s;
	int fd;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, bind_raw(fd, 0, s.bdf, strlen(s.bdf) + 1, NULL));
	EXPECT_EQ(-EINVAL, bind_raw(fd, HWPT_BUS_PCI + 1, s.bdf,
				    strlen(s.bdf) + 1, NULL));
	EXPECT_EQ(-EINVAL, bind_raw(fd, ~0U, s.bdf, strlen(s.bdf) + 1, NULL));
	EXPECT_FALSE(pci_has_driver(s.bdf));
	close(fd);
}

/*
 * The first PCI device (by name) with a driver and an IOMMU group that is,
 * or is not, a bridge; "" if none.
 */
static void pci_with_driver(bool bridge, char *bdf, size_t len)
{
	struct dirent **names;
	int i, n;

	bdf[0] = 0;
	n = scandir(PCI_SYSFS, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;

		if (!bdf[0] && d[0] != '.' && pci_has_driver(d) &&
		    pci_iommu_group(d) >= 0 && pci_is_bridge(d) == bridge)
			str_copy(bdf, len, d);
		free(names[i]);
	}
	free(names);
}

/*
 * A bridge (a root port, driven by pcieport): EINVAL, as vfio-pci refuses
 * non-endpoints, before anything else; its driver is kept.
 */
TEST(bind_bridge_einval)
{
	char bdf[64], drv[64];
	int fd;

	pci_with_driver(true, bdf, sizeof(bdf));
	if (!bdf[0])
		SKIP("no PCI bridge with a driver and an IOMMU group");
	pci_driver_of(bdf, drv, sizeof(drv));
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EINVAL, bind_dev(fd, bdf, NULL));
	EXPECT_TRUE(driver_is(bdf, drv));
	EXPECT_TRUE(no_driver_override(bdf));
	close(fd);
	EXPECT_TRUE(driver_is(bdf, drv));
}

/*
 * An endpoint some driver has: EBUSY, and it stays with its driver. The
 * driver is hwpt's own, for another file: the guests have no other driver
 * for an endpoint of theirs.
 */
TEST(bind_device_with_driver_ebusy)
{
	struct edu_info s;
	int fd, other;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	other = hwpt_open(O_RDWR);
	ASSERT_GE(other, 0);
	ASSERT_EQ(0, bind_dev(other, s.bdf, NULL));
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-EBUSY, bind_dev(fd, s.bdf, NULL));
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	close(fd);
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	close(other);
	EXPECT_FALSE(pci_has_driver(s.bdf));
	EXPECT_TRUE(no_driver_override(s.bdf));
}

TEST(bind_singleton_driver_is_hwpt)
{
	struct hwpt_device_get g;
	struct edu_info s;
	uint32_t id = 0;
	int fd;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	ASSERT_FALSE(pci_has_driver(s.bdf));
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, s.bdf, &id));
	EXPECT_NE(0, id);
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	ASSERT_EQ(0, dev_get(fd, id, &g));
	EXPECT_EQ(0, g.out_hwpt_id);	/* starts detached */
	EXPECT_EQ(s.group, g.out_group_id);
	EXPECT_EQ(1, g.out_group_devices);
	EXPECT_EQ(0, g.out_state & HWPT_DEVICE_DEAD);
	close(fd);
	EXPECT_FALSE(pci_has_driver(s.bdf));
}

TEST(bind_twice_ebusy)
{
	struct edu_info s;
	uint32_t id = 0, id2 = 0;
	int fd, fd2;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	fd = hwpt_open(O_RDWR);
	fd2 = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bind_dev(fd, s.bdf, &id));
	/* Same file, then another file. */
	EXPECT_EQ(-EBUSY, bind_dev(fd, s.bdf, &id2));
	EXPECT_EQ(-EBUSY, bind_dev(fd2, s.bdf, &id2));
	/* The first binding is untouched. */
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	EXPECT_EQ(0, dev_pt(fd, id));
	EXPECT_EQ(id + 1, next_id(fd));	/* the failed binds left no object */
	EXPECT_EQ(1, next_id(fd2));
	close(fd2);
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	close(fd);
	EXPECT_FALSE(pci_has_driver(s.bdf));
}

/*
 * DMA ownership belongs to the file. While one file has a device
 * of a group, another file cannot bind any device of that group, and its
 * failed attempt leaves the device driverless; the owning file can.
 */
static void other_fd_cannot_bind_into_group(struct __test_metadata *_metadata,
					    enum edu_kind kind)
{
	struct edu_info a, b;
	struct hwpt_device_get g;
	uint32_t ida = 0, idb = 0;
	int fd1, fd2;

	if (!edu_find_pair(kind, &a, &b))
		SKIP("no %s pair of edu", kind == EDU_TWOFN ? "two-function" :
			"bridged");
	fd1 = hwpt_open(O_RDWR);
	fd2 = hwpt_open(O_RDWR);
	ASSERT_GE(fd1, 0);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bind_dev(fd1, a.bdf, &ida));
	EXPECT_EQ(-EBUSY, bind_dev(fd2, b.bdf, &idb));
	EXPECT_FALSE(pci_has_driver(b.bdf));
	EXPECT_TRUE(no_driver_override(b.bdf));
	EXPECT_EQ(1, next_id(fd2));
	/* The owner binds the other function into the same group. */
	ASSERT_EQ(0, bind_dev(fd1, b.bdf, &idb));
	ASSERT_EQ(0, dev_get(fd1, idb, &g));
	EXPECT_EQ(a.group, g.out_group_id);
	EXPECT_EQ(2, g.out_group_devices);
	/* Once the owner lets go, the other file may. */
	close(fd1);
	EXPECT_FALSE(pci_has_driver(a.bdf));
	EXPECT_FALSE(pci_has_driver(b.bdf));
	ASSERT_EQ(0, bind_dev(fd2, b.bdf, &idb));
	EXPECT_TRUE(driver_is(b.bdf, "hwpt"));
	close(fd2);
	EXPECT_FALSE(pci_has_driver(b.bdf));
}

TEST(other_fd_cannot_bind_into_owned_group_twofn)
{
	other_fd_cannot_bind_into_group(_metadata, EDU_TWOFN);
}

TEST(other_fd_cannot_bind_into_owned_group_bridged)
{
	other_fd_cannot_bind_into_group(_metadata, EDU_BRIDGED);
}

TEST(destroy_device_unbinds_and_rebinds)
{
	struct edu_info s;
	uint32_t id = 0, id2 = 0;
	int fd, fd2;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, s.bdf, &id));
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	/* With bus mastering on, as a user of the device would have it. */
	{
		struct edu e;

		ASSERT_EQ(0, edu_open_master(&e, s.bdf));
		edu_close(&e);
	}
	ASSERT_EQ(0, destroy(fd, id));
	EXPECT_FALSE(pci_has_driver(s.bdf));
	EXPECT_TRUE(no_driver_override(s.bdf));
	/* Unbound, the device may not master the bus any more. */
	EXPECT_EQ(0, bus_master_of(s.bdf));
	EXPECT_EQ(-ENOENT, dev_pt(fd, id));
	EXPECT_EQ(-ENOENT, destroy(fd, id));
	/* Bound again, in the same file and then in another. */
	ASSERT_EQ(0, bind_dev(fd, s.bdf, &id2));
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	ASSERT_EQ(0, destroy(fd, id2));
	fd2 = hwpt_open(O_RDWR);
	ASSERT_GE(fd2, 0);
	ASSERT_EQ(0, bind_dev(fd2, s.bdf, &id2));
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	close(fd2);
	close(fd);
	EXPECT_FALSE(pci_has_driver(s.bdf));
}

/* ---- DMA through our page tables: the singleton edu ---- */

FIXTURE(single) {
	struct edu_info info;
	struct edu e;
	int fd;
	uint32_t dev;
};

FIXTURE_SETUP(single)
{
	edu_init(&self->e);
	self->fd = -1;
	if (!edu_find(EDU_SINGLETON, &self->info))
		SKIP("no singleton edu");
	self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(self->fd, 0);
	BIND_OPEN(self->fd, self->info.bdf, &self->dev, &self->e);
}

FIXTURE_TEARDOWN(single)
{
	edu_close(&self->e);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * The device reads buffer A through our page table and writes what it
 * read into buffer B, mapped later into the attached domain.
 */
TEST_F(single, dma_roundtrip_through_page_table)
{
	uint32_t ioas, hwpt = 0, moved = 0;
	uint8_t *a, *b, *n;
	int fd = self->fd;

	NEW_BUF(a, BUF, 0);
	NEW_BUF(b, BUF, 0x55);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, attach(fd, self->dev, ioas, &hwpt, &moved));
	EXPECT_NE(0, hwpt);
	EXPECT_NE(ioas, hwpt);
	EXPECT_EQ(1, moved);
	EXPECT_EQ(hwpt, dev_pt(fd, self->dev));

	edu_pattern(a, DMA_LEN, 1);
	ASSERT_EQ(0, edu_dma_to_device(&self->e, IOVA_A, DMA_LEN));
	ASSERT_EQ(0, map_fixed(fd, ioas, b, BUF, IOVA_B, MAP_RW));
	ASSERT_EQ(0, edu_dma_from_device(&self->e, IOVA_B, DMA_LEN));
	EXPECT_TRUE(edu_has_pattern(b, DMA_LEN, 1));
	EXPECT_TRUE(edu_has_pattern(a, DMA_LEN, 1));

	/* Again with another pattern: not a stale copy. */
	edu_pattern(a, DMA_LEN, 2);
	ASSERT_EQ(0, edu_dma_to_device(&self->e, IOVA_A, DMA_LEN));
	ASSERT_EQ(0, edu_dma_from_device(&self->e, IOVA_B, DMA_LEN));
	EXPECT_TRUE(edu_has_pattern(b, DMA_LEN, 2));

	/* A 16-page mapping: the DMA lands in the page its IOVA names. */
	NEW_BUF(n, 16 * psz, 0x77);
	ASSERT_EQ(0, map_fixed(fd, ioas, n, 16 * psz, IOVA_N, MAP_RW));
	ASSERT_EQ(0, edu_dma_from_device(&self->e, IOVA_N + 5 * psz,
					 DMA_LEN));
	EXPECT_TRUE(edu_all_bytes(n, 5 * psz, 0x77));
	EXPECT_TRUE(edu_has_pattern(n + 5 * psz, DMA_LEN, 2));
	EXPECT_TRUE(edu_all_bytes(n + 5 * psz + DMA_LEN,
				  11 * psz - DMA_LEN, 0x77));
	/* And reads from the page its IOVA names. */
	edu_pattern(n + 9 * psz, DMA_LEN, 3);
	ASSERT_EQ(0, edu_dma_to_device(&self->e, IOVA_N + 9 * psz, DMA_LEN));
	ASSERT_EQ(0, edu_dma_from_device(&self->e, IOVA_B, DMA_LEN));
	EXPECT_TRUE(edu_has_pattern(b, DMA_LEN, 3));
}

/*
 * A write to an IOVA nothing maps changes no user buffer, and the IOMMU
 * reports a fault. So does a write to an IOVA that was unmapped.
 */
TEST_F(single, dma_to_unmapped_iova_never_lands)
{
	uint32_t ioas;
	uint8_t *a, *b, *p;
	char line[512];
	int fd = self->fd, kfd;
	bool fault;

	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(b, BUF, 0x22);
	NEW_BUF(p, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, b, BUF, IOVA_B, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, attach(fd, self->dev, ioas, NULL, NULL));
	ASSERT_EQ(0, load_pattern(&self->e, p, 4));

	kfd = kmsg_open();
	ASSERT_EQ(0, dma_out(&self->e, IOVA_UNMAPPED));
	EXPECT_TRUE(edu_all_bytes(a, BUF, 0x11));
	EXPECT_TRUE(edu_all_bytes(b, BUF, 0x22));
	EXPECT_TRUE(edu_has_pattern(p, DMA_LEN, 4));
	fault = kfd >= 0 && kmsg_fault(kfd, 2000, line, sizeof(line));
	if (fault)
		TH_LOG("%s IOMMU fault: %s", iommu_vendor(), line);
	else
		TH_LOG("%s: no IOMMU fault line in the kernel log",
		       iommu_vendor());
	EXPECT_TRUE(fault);

	/* A read-only mapping is not written either. */
	memset(p, 0x66, BUF);
	ASSERT_EQ(0, dma_out(&self->e, IOVA_P));
	EXPECT_TRUE(edu_all_bytes(p, BUF, 0x66));

	/* Unmapped B: the domain forgot it at once. */
	ASSERT_EQ(0, dma_out(&self->e, IOVA_B));
	EXPECT_TRUE(edu_has_pattern(b, DMA_LEN, 4));
	memset(b, 0x22, BUF);
	ASSERT_EQ(0, unmap(fd, ioas, IOVA_B, BUF, NULL));
	ASSERT_EQ(0, dma_out(&self->e, IOVA_B));
	EXPECT_TRUE(edu_all_bytes(b, BUF, 0x22));
	EXPECT_TRUE(edu_all_bytes(a, BUF, 0x11));
	if (kfd >= 0)
		close(kfd);
}

/*
 * An UNMAP whose range is not aligned to its size rounded up to a power of
 * two (two pages at an odd page) still ends every translation in it, also
 * those the IOMMU cached just before: a DMA to its last page lands nowhere.
 * 6.1's Intel driver flushes such a range of a first-stage domain from
 * the aligned-down address, one page short (intel/dmar.c
 * qi_flush_piotlb(), its WARN_ON_ONCE(!IS_ALIGNED(addr, align))).
 */
TEST_F(single, dma_after_unaligned_unmap_never_lands)
{
	uint32_t ioas;
	uint8_t *n, *p;
	int fd = self->fd;

	NEW_BUF(n, 8 * psz, 0x11);
	NEW_BUF(p, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, n, 3 * psz, IOVA_N, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, n + 3 * psz, 2 * psz,
			       IOVA_N + 3 * psz, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, n + 5 * psz, 3 * psz,
			       IOVA_N + 5 * psz, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, attach(fd, self->dev, ioas, NULL, NULL));
	ASSERT_EQ(0, load_pattern(&self->e, p, 8));

	/* Both pages of the middle mapping translate (and are cached). */
	ASSERT_EQ(0, dma_out(&self->e, IOVA_N + 3 * psz));
	ASSERT_EQ(0, dma_out(&self->e, IOVA_N + 4 * psz));
	ASSERT_TRUE(edu_has_pattern(n + 3 * psz, DMA_LEN, 8));
	ASSERT_TRUE(edu_has_pattern(n + 4 * psz, DMA_LEN, 8));

	memset(n, 0x11, 8 * psz);
	ASSERT_EQ(0, unmap(fd, ioas, IOVA_N + 3 * psz, 2 * psz, NULL));
	ASSERT_EQ(0, dma_out(&self->e, IOVA_N + 3 * psz));
	ASSERT_EQ(0, dma_out(&self->e, IOVA_N + 4 * psz));
	EXPECT_TRUE(edu_all_bytes(n + 3 * psz, psz, 0x11));
	EXPECT_TRUE(edu_all_bytes(n + 4 * psz, psz, 0x11));
	/* The neighbours still translate. */
	ASSERT_EQ(0, dma_out(&self->e, IOVA_N + 5 * psz));
	EXPECT_TRUE(edu_has_pattern(n + 5 * psz, DMA_LEN, 8));
}

/*
 * Two HWPTs on two IOASes that map the same IOVA to different buffers: a
 * REPLACE moves the device's DMA from one to the other and back.
 */
TEST_F(single, replace_moves_dma)
{
	uint32_t ioas1, ioas2, hwpt1, hwpt2, out = 0, moved = 0;
	uint8_t *a, *b, *p;
	int fd = self->fd;

	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(b, BUF, 0x22);
	NEW_BUF(p, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas1));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas2));
	ASSERT_EQ(0, map_fixed(fd, ioas1, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas1, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, map_fixed(fd, ioas2, b, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, hwpt_alloc(fd, self->dev, ioas1, &hwpt1));
	ASSERT_EQ(0, hwpt_alloc(fd, self->dev, ioas2, &hwpt2));
	EXPECT_NE(hwpt1, hwpt2);

	ASSERT_EQ(0, attach(fd, self->dev, hwpt1, &out, &moved));
	EXPECT_EQ(hwpt1, out);
	EXPECT_EQ(1, moved);
	ASSERT_EQ(0, load_pattern(&self->e, p, 5));

	ASSERT_EQ(0, replace(fd, self->dev, hwpt2, &out, &moved));
	EXPECT_EQ(hwpt2, out);
	EXPECT_EQ(1, moved);
	EXPECT_EQ(hwpt2, dev_pt(fd, self->dev));
	ASSERT_EQ(0, dma_out(&self->e, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(b, DMA_LEN, 5));
	EXPECT_TRUE(edu_all_bytes(a, BUF, 0x11));

	/* And back. */
	memset(b, 0x22, BUF);
	ASSERT_EQ(0, replace(fd, self->dev, hwpt1, &out, &moved));
	EXPECT_EQ(hwpt1, out);
	EXPECT_EQ(1, moved);
	ASSERT_EQ(0, dma_out(&self->e, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(a, DMA_LEN, 5));
	EXPECT_TRUE(edu_all_bytes(b, BUF, 0x22));

	/* To where it is: nothing moves. */
	ASSERT_EQ(0, replace(fd, self->dev, hwpt1, &out, &moved));
	EXPECT_EQ(hwpt1, out);
	EXPECT_EQ(0, moved);

	/* To an IOAS: an automatic HWPT of it, same DMA as hwpt2. */
	memset(a, 0x11, BUF);
	ASSERT_EQ(0, replace(fd, self->dev, ioas2, &out, &moved));
	EXPECT_NE(hwpt1, out);
	EXPECT_NE(hwpt2, out);
	EXPECT_EQ(1, moved);
	ASSERT_EQ(0, dma_out(&self->e, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(b, DMA_LEN, 5));
	EXPECT_TRUE(edu_all_bytes(a, BUF, 0x11));
}

TEST_F(single, attach_errors)
{
	uint32_t ioas, ioas2, hwpt = 0, hwpt2 = 0, out = 0;
	uint8_t *a;
	int fd = self->fd;

	NEW_BUF(a, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas2));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, hwpt_alloc(fd, self->dev, ioas, &hwpt));
	ASSERT_EQ(0, hwpt_alloc(fd, self->dev, ioas2, &hwpt2));

	/* Not attached: REPLACE and DETACH refuse. */
	EXPECT_EQ(-EINVAL, replace(fd, self->dev, hwpt, NULL, NULL));
	EXPECT_EQ(-EINVAL, replace(fd, self->dev, ioas, NULL, NULL));
	EXPECT_EQ(-EINVAL, detach(fd, self->dev));
	/* Not a page table, no such object, not a device. */
	EXPECT_EQ(-EINVAL, attach(fd, self->dev, self->dev, NULL, NULL));
	EXPECT_EQ(-ENOENT, attach(fd, self->dev, 999, NULL, NULL));
	EXPECT_EQ(-ENOENT, attach(fd, ioas, hwpt, NULL, NULL));
	EXPECT_EQ(-ENOENT, attach(fd, 999, hwpt, NULL, NULL));
	EXPECT_EQ(0, dev_pt(fd, self->dev));
	/*
	 * HWPT_ALLOC wants a device, and an IOAS or (with nesting data) a
	 * nest parent HWPT: as iommufd, EOPNOTSUPP for an HWPT without
	 * data, EINVAL for an object that is no page table.
	 */
	EXPECT_EQ(-ENOENT, hwpt_alloc(fd, ioas, ioas, &out));
	EXPECT_EQ(-EOPNOTSUPP, hwpt_alloc(fd, self->dev, hwpt, &out));
	EXPECT_EQ(-EINVAL, hwpt_alloc(fd, self->dev, self->dev, &out));
	EXPECT_EQ(-ENOENT, hwpt_alloc(fd, self->dev, 999, &out));

	ASSERT_EQ(0, attach(fd, self->dev, hwpt, &out, NULL));
	EXPECT_EQ(hwpt, out);
	/* Attached: ATTACH refuses, to the same or another page table. */
	EXPECT_EQ(-EBUSY, attach(fd, self->dev, hwpt, NULL, NULL));
	EXPECT_EQ(-EBUSY, attach(fd, self->dev, hwpt2, NULL, NULL));
	EXPECT_EQ(-EBUSY, attach(fd, self->dev, ioas2, NULL, NULL));
	EXPECT_EQ(-EINVAL, replace(fd, self->dev, self->dev, NULL, NULL));
	EXPECT_EQ(hwpt, dev_pt(fd, self->dev));
	EXPECT_EQ(0, detach(fd, self->dev));
	EXPECT_EQ(0, dev_pt(fd, self->dev));
}

/*
 * The last DETACH of a group blocks its DMA; a second DETACH is EINVAL. The
 * automatic HWPT goes with the detach.
 */
TEST_F(single, detach_blocks_dma)
{
	uint32_t ioas, hwpt = 0;
	uint8_t *a, *p;
	char line[512];
	int fd = self->fd, kfd;

	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(p, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, attach(fd, self->dev, ioas, &hwpt, NULL));
	ASSERT_EQ(0, load_pattern(&self->e, p, 6));
	ASSERT_EQ(0, dma_out(&self->e, IOVA_A));
	ASSERT_TRUE(edu_has_pattern(a, DMA_LEN, 6));	/* it works */

	memset(a, 0x11, BUF);
	ASSERT_EQ(0, detach(fd, self->dev));
	EXPECT_EQ(0, dev_pt(fd, self->dev));
	kfd = kmsg_open();
	ASSERT_EQ(0, dma_out(&self->e, IOVA_A));
	EXPECT_TRUE(edu_all_bytes(a, BUF, 0x11));
	if (kfd >= 0 && kmsg_fault(kfd, 1000, line, sizeof(line)))
		TH_LOG("blocked DMA: %s", line);
	else
		TH_LOG("blocked DMA: no IOMMU fault line (%s)", iommu_vendor());
	if (kfd >= 0)
		close(kfd);

	EXPECT_EQ(-EINVAL, detach(fd, self->dev));
	/* The automatic HWPT is gone, the IOAS is free. */
	EXPECT_EQ(-ENOENT, destroy(fd, hwpt));
	EXPECT_EQ(0, destroy(fd, ioas));
}

/*
 * Deferred cleanup: an HWPT keeps its domain and mappings after DETACH; it
 * and its IOAS cannot be destroyed while in use, and go leaf first.
 */
TEST_F(single, deferred_cleanup_hwpt_outlives_detach)
{
	uint32_t ioas, hwpt, out = 0;
	uint8_t *a, *c, *p;
	int fd = self->fd;

	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(c, BUF, 0x33);
	NEW_BUF(p, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, hwpt_alloc(fd, self->dev, ioas, &hwpt));
	EXPECT_EQ(-EBUSY, destroy(fd, ioas));
	ASSERT_EQ(0, attach(fd, self->dev, hwpt, &out, NULL));
	EXPECT_EQ(hwpt, out);
	EXPECT_EQ(-EBUSY, destroy(fd, hwpt));
	EXPECT_EQ(-EBUSY, destroy(fd, ioas));
	EXPECT_EQ(hwpt, dev_pt(fd, self->dev));

	ASSERT_EQ(0, detach(fd, self->dev));
	EXPECT_EQ(-EBUSY, destroy(fd, ioas));
	/* Detached, the HWPT still follows its IOAS. */
	ASSERT_EQ(0, map_fixed(fd, ioas, c, BUF, IOVA_C, MAP_RW));

	/* Re-attach without re-mapping: the old and the new mapping work. */
	ASSERT_EQ(0, attach(fd, self->dev, hwpt, &out, NULL));
	EXPECT_EQ(hwpt, out);
	ASSERT_EQ(0, load_pattern(&self->e, p, 7));
	ASSERT_EQ(0, dma_out(&self->e, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(a, DMA_LEN, 7));
	ASSERT_EQ(0, dma_out(&self->e, IOVA_C));
	EXPECT_TRUE(edu_has_pattern(c, DMA_LEN, 7));

	ASSERT_EQ(0, detach(fd, self->dev));
	EXPECT_EQ(0, destroy(fd, hwpt));
	EXPECT_EQ(-ENOENT, attach(fd, self->dev, hwpt, NULL, NULL));
	EXPECT_EQ(0, destroy(fd, ioas));
	EXPECT_EQ(0, dev_pt(fd, self->dev));
}

/* IOVA_RANGES of an attached IOAS leave out the group's reserved regions. */
TEST_F(single, iova_ranges_exclude_reserved_regions)
{
	struct resv rv[MAX_RESV];
	struct ranges before, after;
	uint32_t ioas, i, j;
	int fd = self->fd, nr;

	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, iova_ranges(fd, ioas, &before));
	EXPECT_GE(before.n, 1);
	EXPECT_EQ(psz, before.align);
	for (i = 0; i < before.n && i < MAX_RANGES; i++)
		TH_LOG("unattached: [%#" PRIx64 ", %#" PRIx64 "]",
		       (uint64_t)before.r[i].start, (uint64_t)before.r[i].last);

	ASSERT_EQ(0, attach(fd, self->dev, ioas, NULL, NULL));
	ASSERT_EQ(0, iova_ranges(fd, ioas, &after));
	nr = read_resv(self->info.group, rv, MAX_RESV);
	ASSERT_GE(nr, 0);
	for (j = 0; j < (uint32_t)nr; j++)
		TH_LOG("reserved: [%#" PRIx64 ", %#" PRIx64 "] %s",
		       rv[j].start, rv[j].last, rv[j].type);
	ASSERT_GE(after.n, 1);
	ASSERT_LE(after.n, MAX_RANGES);
	EXPECT_EQ(psz, after.align);
	for (i = 0; i < after.n; i++) {
		uint64_t s = after.r[i].start, l = after.r[i].last;

		TH_LOG("attached: [%#" PRIx64 ", %#" PRIx64 "]", s, l);
		EXPECT_LE(s, l);
		EXPECT_EQ(0, s % psz);
		if (l != UINT64_MAX)
			EXPECT_EQ(0, (l + 1) % psz);
		if (i)	/* in order, apart */
			EXPECT_LT(after.r[i - 1].last + 1, s);
		for (j = 0; j < (uint32_t)nr; j++) {
			bool hit = s <= rv[j].last && rv[j].start <= l;

			if (hit)
				TH_LOG("range %u hits reserved region %u", i,
				       j);
			EXPECT_FALSE(hit);
		}
	}

	/* Past the last range (the domain's aperture), or across its end. */
	if (after.r[after.n - 1].last < UINT64_MAX - 2 * psz) {
		uint64_t past = after.r[after.n - 1].last + 1;
		uint8_t *a = edu_buf(2 * psz, 0);

		ASSERT_NONNULL(a);
		TH_LOG("mapping past the aperture at %#" PRIx64, past);
		EXPECT_EQ(-EINVAL, map_fixed(fd, ioas, a, psz, past, MAP_RW));
		EXPECT_EQ(-EINVAL, map_fixed(fd, ioas, a, 2 * psz, past - psz,
					     MAP_RW));
		EXPECT_EQ(0, map_fixed(fd, ioas, a, psz, past - psz, MAP_RW));
	}

	/* EMSGSIZE with the count when the array is too small. */
	{
		struct hwpt_ioas_iova_ranges cmd = {
			.size = sizeof(cmd),
			.ioas_id = ioas,
			.num_iovas = 0,
		};

		EXPECT_EQ(-EMSGSIZE, xioctl(fd, HWPT_IOAS_IOVA_RANGES, &cmd));
		EXPECT_EQ(after.n, cmd.num_iovas);
	}
}

/*
 * A page inside a reserved region of the group, an MSI window if there is
 * one; false if the group has none a page fits in.
 */
static bool resv_page(int group, uint64_t *iova, char *type, size_t len)
{
	struct resv rv[MAX_RESV];
	int i, pass, n = read_resv(group, rv, MAX_RESV);

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			uint64_t s = (rv[i].start + psz - 1) & ~(uint64_t)(psz - 1);

			if (!pass && strcmp(rv[i].type, "msi"))
				continue;
			if (s < rv[i].start || s + psz - 1 < s ||
			    s + psz - 1 > rv[i].last)
				continue;
			*iova = s;
			str_copy(type, len, rv[i].type);
			return true;
		}
	}
	return false;
}

TEST_F(single, map_in_reserved_region_einval)
{
	uint64_t iova = 0;
	uint32_t ioas;
	char type[32];
	uint8_t *a;
	int fd = self->fd;
	long lck;

	if (!resv_page(self->info.group, &iova, type, sizeof(type)))
		SKIP("group %d has no reserved region", self->info.group);
	NEW_BUF(a, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, attach(fd, self->dev, ioas, NULL, NULL));
	lck = vmpin_kb();
	TH_LOG("mapping at %#" PRIx64 " (%s)", iova, type);
	EXPECT_EQ(-EINVAL, map_fixed(fd, ioas, a, BUF, iova, MAP_RW));
	EXPECT_EQ(lck, vmpin_kb());
	EXPECT_EQ(-ENOENT, unmap(fd, ioas, iova, BUF, NULL));
}

/*
 * An IOAS that maps a page of the group's reserved region before the
 * attach: the attach fails (EADDRINUSE, as iommufd) and changes nothing.
 */
TEST_F(single, attach_over_mapped_reserved_region_fails)
{
	struct ranges r0, r1;
	uint64_t iova = 0;
	uint32_t ioas, next;
	char type[32];
	uint8_t *a;
	int fd = self->fd, rc;

	if (!resv_page(self->info.group, &iova, type, sizeof(type)))
		SKIP("group %d has no reserved region", self->info.group);
	NEW_BUF(a, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, iova, MAP_RW));
	ASSERT_EQ(0, iova_ranges(fd, ioas, &r0));
	next = next_id(fd);
	rc = attach(fd, self->dev, ioas, NULL, NULL);
	TH_LOG("attach with %#" PRIx64 " (%s) mapped: %s", iova, type,
	       strerror(-rc));
	EXPECT_EQ(-EADDRINUSE, rc);
	EXPECT_EQ(0, dev_pt(fd, self->dev));
	EXPECT_EQ(next, next_id(fd));
	ASSERT_EQ(0, iova_ranges(fd, ioas, &r1));
	EXPECT_TRUE(ranges_equal(&r0, &r1));
	/* Unmapped, it attaches. */
	ASSERT_EQ(0, unmap(fd, ioas, iova, BUF, NULL));
	EXPECT_EQ(0, attach(fd, self->dev, ioas, NULL, NULL));
}

/* ---- Multi-device groups: the two-function edu, the bridged pair ---- */

FIXTURE(group) {
	struct edu_info ia, ib;
	struct edu a, b;
	int fd;
	uint32_t da, db;
};

FIXTURE_VARIANT(group) {
	enum edu_kind kind;
};

FIXTURE_VARIANT_ADD(group, twofn) { .kind = EDU_TWOFN };
FIXTURE_VARIANT_ADD(group, bridged) { .kind = EDU_BRIDGED };

FIXTURE_SETUP(group)
{
	edu_init(&self->a);
	edu_init(&self->b);
	self->fd = -1;
	if (!edu_find_pair(variant->kind, &self->ia, &self->ib))
		SKIP("no %s pair of edu in one group",
		     variant->kind == EDU_TWOFN ? "two-function" : "bridged");
	self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(self->fd, 0);
	BIND_OPEN(self->fd, self->ia.bdf, &self->da, &self->a);
	BIND_OPEN(self->fd, self->ib.bdf, &self->db, &self->b);
}

FIXTURE_TEARDOWN(group)
{
	edu_close(&self->a);
	edu_close(&self->b);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * One page table per group. A later device joins the group's
 * HWPT or fails (EINVAL); a REPLACE through one device moves the whole
 * group, every attached device with it, and their DMA follows.
 */
TEST_F(group, replace_moves_whole_group)
{
	uint32_t ioas1, ioas2, hwpt1, hwpt2, out = 0, moved = 0;
	struct hwpt_device_get g;
	uint8_t *a, *b, *p;
	int fd = self->fd;

	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(b, BUF, 0x22);
	NEW_BUF(p, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas1));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas2));
	ASSERT_EQ(0, map_fixed(fd, ioas1, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas1, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, map_fixed(fd, ioas2, b, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, hwpt_alloc(fd, self->da, ioas1, &hwpt1));
	ASSERT_EQ(0, hwpt_alloc(fd, self->da, ioas2, &hwpt2));

	ASSERT_EQ(0, attach(fd, self->da, hwpt1, &out, &moved));
	EXPECT_EQ(hwpt1, out);
	EXPECT_EQ(1, moved);
	/* fn1 to another page table: refused, still detached. */
	EXPECT_EQ(-EINVAL, attach(fd, self->db, hwpt2, NULL, NULL));
	EXPECT_EQ(-EINVAL, attach(fd, self->db, ioas2, NULL, NULL));
	EXPECT_EQ(0, dev_pt(fd, self->db));
	EXPECT_EQ(hwpt1, dev_pt(fd, self->da));
	/* To the group's HWPT: joins. */
	ASSERT_EQ(0, attach(fd, self->db, hwpt1, &out, &moved));
	EXPECT_EQ(hwpt1, out);
	EXPECT_EQ(1, moved);
	ASSERT_EQ(0, dev_get(fd, self->db, &g));
	EXPECT_EQ(hwpt1, g.out_hwpt_id);
	EXPECT_EQ(self->ia.group, g.out_group_id);
	EXPECT_EQ(2, g.out_group_devices);
	EXPECT_EQ(-EBUSY, destroy(fd, hwpt1));

	/* fn1's buffer gets the pattern through hwpt1. */
	ASSERT_EQ(0, load_pattern(&self->b, p, 8));

	/* REPLACE through fn0 moves both. */
	ASSERT_EQ(0, replace(fd, self->da, hwpt2, &out, &moved));
	EXPECT_EQ(hwpt2, out);
	EXPECT_EQ(2, moved);
	EXPECT_EQ(hwpt2, dev_pt(fd, self->da));
	EXPECT_EQ(hwpt2, dev_pt(fd, self->db));
	/* hwpt1 has no user left; hwpt2 has two. */
	EXPECT_EQ(-EBUSY, destroy(fd, hwpt2));

	/* fn1's DMA now lands in hwpt2's buffer, not hwpt1's. */
	ASSERT_EQ(0, dma_out(&self->b, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(b, DMA_LEN, 8));
	EXPECT_TRUE(edu_all_bytes(a, BUF, 0x11));

	/* And back through fn1. */
	memset(b, 0x22, BUF);
	ASSERT_EQ(0, replace(fd, self->db, hwpt1, &out, &moved));
	EXPECT_EQ(hwpt1, out);
	EXPECT_EQ(2, moved);
	EXPECT_EQ(hwpt1, dev_pt(fd, self->da));
	ASSERT_EQ(0, dma_out(&self->b, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(a, DMA_LEN, 8));
	EXPECT_TRUE(edu_all_bytes(b, BUF, 0x22));

	/* hwpt2 is free again; hwpt1 is not. */
	EXPECT_EQ(0, destroy(fd, hwpt2));
	EXPECT_EQ(-EBUSY, destroy(fd, hwpt1));
}

/*
 * A group stays attached until its last device detaches; then its DMA is
 * blocked. DETACH of a detached device: EINVAL.
 */
TEST_F(group, detach_last_blocks_dma)
{
	uint32_t ioas, hwpt = 0, out = 0;
	uint8_t *a, *p;
	int fd = self->fd;

	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(p, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, attach(fd, self->da, ioas, &hwpt, NULL));
	/* The second device of the group joins the automatic HWPT. */
	ASSERT_EQ(0, attach(fd, self->db, ioas, &out, NULL));
	EXPECT_EQ(hwpt, out);
	ASSERT_EQ(0, load_pattern(&self->b, p, 9));

	ASSERT_EQ(0, detach(fd, self->da));
	EXPECT_EQ(0, dev_pt(fd, self->da));
	EXPECT_EQ(hwpt, dev_pt(fd, self->db));
	EXPECT_EQ(-EINVAL, detach(fd, self->da));
	/* fn1 still attached: its DMA lands. */
	ASSERT_EQ(0, dma_out(&self->b, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(a, DMA_LEN, 9));

	memset(a, 0x11, BUF);
	ASSERT_EQ(0, detach(fd, self->db));
	EXPECT_EQ(0, dev_pt(fd, self->db));
	EXPECT_EQ(-EINVAL, detach(fd, self->db));
	ASSERT_EQ(0, dma_out(&self->b, IOVA_A));
	ASSERT_EQ(0, dma_out(&self->a, IOVA_A));
	EXPECT_TRUE(edu_all_bytes(a, BUF, 0x11));
	/* The automatic HWPT went with the group. */
	EXPECT_EQ(-ENOENT, destroy(fd, hwpt));
	EXPECT_EQ(0, destroy(fd, ioas));
}

/*
 * A domain outlives the device it was allocated for. HWPT_ALLOC
 * with the singleton edu (it only picks the IOMMU), attach another group's
 * device, unbind the singleton: the HWPT keeps working, also for new maps.
 */
TEST(hwpt_outlives_its_alloc_device)
{
	struct edu_info s, ia, ib;
	uint32_t ioas, hwpt, da, db, out = 0;
	uint8_t *a, *c, *p;
	struct edu e;
	int fd;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	if (!edu_find_pair(EDU_TWOFN, &ia, &ib))
		SKIP("no two-function edu");
	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(c, BUF, 0x33);
	NEW_BUF(p, BUF, 0);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, s.bdf, &da));
	BIND_OPEN(fd, ia.bdf, &db, &e);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, hwpt_alloc(fd, da, ioas, &hwpt));
	ASSERT_EQ(0, attach(fd, db, hwpt, &out, NULL));
	EXPECT_EQ(hwpt, out);

	/* The allocating device goes away. */
	ASSERT_EQ(0, destroy(fd, da));
	EXPECT_FALSE(pci_has_driver(s.bdf));
	EXPECT_EQ(-ENOENT, hwpt_alloc(fd, da, ioas, &out));

	EXPECT_EQ(hwpt, dev_pt(fd, db));
	ASSERT_EQ(0, load_pattern(&e, p, 10));
	ASSERT_EQ(0, dma_out(&e, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(a, DMA_LEN, 10));
	/* The domain still takes new mappings and drops old ones. */
	ASSERT_EQ(0, map_fixed(fd, ioas, c, BUF, IOVA_C, MAP_RW));
	ASSERT_EQ(0, dma_out(&e, IOVA_C));
	EXPECT_TRUE(edu_has_pattern(c, DMA_LEN, 10));
	memset(a, 0x11, BUF);
	ASSERT_EQ(0, unmap(fd, ioas, IOVA_A, BUF, NULL));
	ASSERT_EQ(0, dma_out(&e, IOVA_A));
	EXPECT_TRUE(edu_all_bytes(a, BUF, 0x11));

	ASSERT_EQ(0, detach(fd, db));
	EXPECT_EQ(0, destroy(fd, hwpt));
	EXPECT_EQ(0, destroy(fd, ioas));
	edu_close(&e);
	close(fd);
	EXPECT_FALSE(pci_has_driver(ia.bdf));
}

/*
 * Reserved regions belong to the groups attached: two groups on one IOAS
 * share an automatic HWPT, and the IOAS keeps excluding the MSI window
 * until the last of them detaches.
 */
TEST(reserved_regions_follow_attached_groups)
{
	struct edu_info s, ia, ib;
	uint32_t ioas, ds, da, h1 = 0, h2 = 0;
	struct ranges r;
	uint64_t msi = 0;
	char type[32];
	uint8_t *a;
	int fd;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	if (!edu_find_pair(EDU_TWOFN, &ia, &ib))
		SKIP("no two-function edu");
	if (!resv_page(s.group, &msi, type, sizeof(type)))
		SKIP("group %d has no reserved region", s.group);
	NEW_BUF(a, BUF, 0);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, s.bdf, &ds));
	ASSERT_EQ(0, bind_dev(fd, ia.bdf, &da));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, attach(fd, ds, ioas, &h1, NULL));
	/* The other group uses the automatic HWPT that suits it. */
	ASSERT_EQ(0, attach(fd, da, ioas, &h2, NULL));
	EXPECT_EQ(h1, h2);
	ASSERT_EQ(0, iova_ranges(fd, ioas, &r));
	EXPECT_FALSE(in_ranges(&r, msi, msi + psz - 1));

	ASSERT_EQ(0, detach(fd, ds));
	ASSERT_EQ(0, iova_ranges(fd, ioas, &r));
	EXPECT_FALSE(in_ranges(&r, msi, msi + psz - 1));
	EXPECT_EQ(-EINVAL, map_fixed(fd, ioas, a, BUF, msi, MAP_RW));

	ASSERT_EQ(0, detach(fd, da));
	EXPECT_EQ(-ENOENT, destroy(fd, h1));
	ASSERT_EQ(0, iova_ranges(fd, ioas, &r));
	EXPECT_TRUE(in_ranges(&r, msi, msi + psz - 1));
	EXPECT_EQ(0, map_fixed(fd, ioas, a, BUF, msi, MAP_RW));
	close(fd);
}

/*
 * A REPLACE takes the group's reserved regions along: within one IOAS they
 * stay, to another IOAS they move.
 */
TEST_F(single, replace_moves_reserved_regions)
{
	uint32_t ioas1, ioas2, h1a, h1b, h2, moved = 0;
	struct ranges r;
	uint64_t msi = 0;
	char type[32];
	uint8_t *a;
	int fd = self->fd;

	if (!resv_page(self->info.group, &msi, type, sizeof(type)))
		SKIP("group %d has no reserved region", self->info.group);
	NEW_BUF(a, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas1));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas2));
	ASSERT_EQ(0, hwpt_alloc(fd, self->dev, ioas1, &h1a));
	ASSERT_EQ(0, hwpt_alloc(fd, self->dev, ioas1, &h1b));
	ASSERT_EQ(0, hwpt_alloc(fd, self->dev, ioas2, &h2));
	ASSERT_EQ(0, attach(fd, self->dev, h1a, NULL, NULL));
	ASSERT_EQ(0, iova_ranges(fd, ioas1, &r));
	EXPECT_FALSE(in_ranges(&r, msi, msi + psz - 1));
	ASSERT_EQ(0, iova_ranges(fd, ioas2, &r));
	EXPECT_TRUE(in_ranges(&r, msi, msi + psz - 1));

	/* Another HWPT of the same IOAS: the regions stay. */
	ASSERT_EQ(0, replace(fd, self->dev, h1b, NULL, &moved));
	EXPECT_EQ(1, moved);
	ASSERT_EQ(0, iova_ranges(fd, ioas1, &r));
	EXPECT_FALSE(in_ranges(&r, msi, msi + psz - 1));
	EXPECT_EQ(-EINVAL, map_fixed(fd, ioas1, a, BUF, msi, MAP_RW));

	/* To the other IOAS: they move. */
	ASSERT_EQ(0, replace(fd, self->dev, h2, NULL, &moved));
	EXPECT_EQ(1, moved);
	ASSERT_EQ(0, iova_ranges(fd, ioas1, &r));
	EXPECT_TRUE(in_ranges(&r, msi, msi + psz - 1));
	ASSERT_EQ(0, iova_ranges(fd, ioas2, &r));
	EXPECT_FALSE(in_ranges(&r, msi, msi + psz - 1));
	EXPECT_EQ(-EINVAL, map_fixed(fd, ioas2, a, BUF, msi, MAP_RW));

	/* Back is refused while ioas1 maps into the window: no change. */
	ASSERT_EQ(0, map_fixed(fd, ioas1, a, BUF, msi, MAP_RW));
	EXPECT_EQ(-EADDRINUSE, replace(fd, self->dev, h1a, NULL, NULL));
	EXPECT_EQ(h2, dev_pt(fd, self->dev));
	ASSERT_EQ(0, iova_ranges(fd, ioas2, &r));
	EXPECT_FALSE(in_ranges(&r, msi, msi + psz - 1));
	EXPECT_EQ(-EBUSY, destroy(fd, h2));
	EXPECT_EQ(0, destroy(fd, h1a));

	ASSERT_EQ(0, detach(fd, self->dev));
	ASSERT_EQ(0, iova_ranges(fd, ioas2, &r));
	EXPECT_TRUE(in_ranges(&r, msi, msi + psz - 1));
}

/*
 * A bound device starts detached with its DMA blocked, and DETACH blocks
 * it again: a DMA to the physical address of one of our pages, which
 * would land there were the device not translated, does not land, nor
 * does it while attached to a page table that does not map that address
 * (while a DMA to a mapped IOVA shows translation is on).
 *
 * Known environment problem: QEMU's amd-iommu (dma-remap=on) passes a
 * device through untranslated when its DTE has V=1 and Mode=0, ignoring
 * IR/IW, and that is how some kernels' AMD driver blocks (6.12: the
 * driver's own blocked domain). The blocked states then leak in the VM
 * although they would not on hardware. Such a leak on an AMD IOMMU is
 * reported as a skip; the attached state is checked everywhere.
 */
TEST_F(single, detached_dma_not_untranslated)
{
	bool amd = !strcmp(iommu_vendor(), "amd"), leak = false;
	uint32_t ioas;
	uint64_t pa = 0;
	uint8_t *low, *p, *a;
	int fd = self->fd;

	low = low_page(&pa);
	if (!low)
		SKIP("no page below edu's 28-bit DMA limit");
	TH_LOG("page at physical %#" PRIx64, pa);
	NEW_BUF(p, BUF, 0);
	NEW_BUF(a, BUF, 0x11);
	if ((pa >= IOVA_P && pa < IOVA_P + BUF) ||
	    (pa >= IOVA_A && pa < IOVA_A + BUF))
		SKIP("the page's physical address is one of our IOVAs");

	/* Bound, never attached. */
	ASSERT_EQ(0, dma_out(&self->e, pa));
	if (!edu_all_bytes(low, DMA_LEN, 0x5c)) {
		TH_LOG("blocked after BIND: the DMA landed");
		leak = true;
		memset(low, 0x5c, DMA_LEN);
	}

	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, attach(fd, self->dev, ioas, NULL, NULL));
	ASSERT_EQ(0, load_pattern(&self->e, p, 16));
	ASSERT_EQ(0, dma_out(&self->e, IOVA_A));
	ASSERT_TRUE(edu_has_pattern(a, DMA_LEN, 16));	/* translating */
	ASSERT_EQ(0, dma_out(&self->e, pa));
	EXPECT_TRUE(edu_all_bytes(low, DMA_LEN, 0x5c));
	memset(low, 0x5c, DMA_LEN);

	ASSERT_EQ(0, detach(fd, self->dev));
	ASSERT_EQ(0, dma_out(&self->e, pa));
	if (!edu_all_bytes(low, DMA_LEN, 0x5c)) {
		TH_LOG("blocked after DETACH: the DMA landed");
		leak = true;
	}
	if (leak && amd)
		SKIP("blocked DMA passed through untranslated: QEMU amd-iommu treats DTE Mode=0 as passthrough");
	EXPECT_FALSE(leak);
}

/* DESTROY of an attached device detaches and unbinds it. */
TEST_F(single, destroy_attached_device)
{
	uint32_t ioas, hwpt = 0, h2;
	int fd = self->fd;

	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, hwpt_alloc(fd, self->dev, ioas, &h2));
	ASSERT_EQ(0, attach(fd, self->dev, ioas, &hwpt, NULL));
	ASSERT_EQ(0, destroy(fd, self->dev));
	EXPECT_FALSE(pci_has_driver(self->info.bdf));
	EXPECT_EQ(0, bus_master_of(self->info.bdf));
	EXPECT_EQ(-ENOENT, destroy(fd, hwpt));	/* automatic: gone */
	EXPECT_EQ(-EBUSY, destroy(fd, ioas));	/* h2 holds it */
	EXPECT_EQ(0, destroy(fd, h2));
	EXPECT_EQ(0, destroy(fd, ioas));
}

/*
 * Group-aware replace, the other half: a REPLACE moves the attached
 * devices only; a bound but detached device of the group stays detached
 * and may then join only the group's new HWPT. A REPLACE through a detached device: EINVAL.
 */
TEST_F(group, replace_moves_only_attached_devices)
{
	uint32_t ioas1, ioas2, hwpt1, hwpt2, out = 0, moved = 0;
	int fd = self->fd;

	ASSERT_EQ(0, ioas_alloc(fd, &ioas1));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas2));
	ASSERT_EQ(0, hwpt_alloc(fd, self->da, ioas1, &hwpt1));
	ASSERT_EQ(0, hwpt_alloc(fd, self->db, ioas2, &hwpt2));
	ASSERT_EQ(0, attach(fd, self->da, hwpt1, NULL, NULL));
	EXPECT_EQ(-EINVAL, replace(fd, self->db, hwpt2, NULL, NULL));
	EXPECT_EQ(hwpt1, dev_pt(fd, self->da));
	EXPECT_EQ(0, dev_pt(fd, self->db));

	ASSERT_EQ(0, replace(fd, self->da, hwpt2, &out, &moved));
	EXPECT_EQ(hwpt2, out);
	EXPECT_EQ(1, moved);
	EXPECT_EQ(0, dev_pt(fd, self->db));
	EXPECT_EQ(-EINVAL, attach(fd, self->db, hwpt1, NULL, NULL));
	ASSERT_EQ(0, attach(fd, self->db, hwpt2, &out, &moved));
	EXPECT_EQ(hwpt2, out);
	EXPECT_EQ(1, moved);
	/* hwpt1 is free, hwpt2 held twice. */
	EXPECT_EQ(0, destroy(fd, hwpt1));
	ASSERT_EQ(0, detach(fd, self->da));
	EXPECT_EQ(-EBUSY, destroy(fd, hwpt2));
	ASSERT_EQ(0, detach(fd, self->db));
	EXPECT_EQ(0, destroy(fd, hwpt2));
}

/*
 * DESTROY of one attached device of a group: the group stays attached for
 * the other, whose DMA still lands; the last one takes the group along.
 */
TEST_F(group, destroy_attached_device_keeps_group)
{
	struct hwpt_device_get g;
	uint32_t ioas, hwpt = 0;
	uint8_t *a, *p;
	int fd = self->fd;

	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(p, BUF, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, BUF, IOVA_P, MAP_FIXED_R));
	ASSERT_EQ(0, attach(fd, self->da, ioas, &hwpt, NULL));
	ASSERT_EQ(0, attach(fd, self->db, ioas, NULL, NULL));
	ASSERT_EQ(0, load_pattern(&self->b, p, 17));

	edu_close(&self->a);
	ASSERT_EQ(0, destroy(fd, self->da));
	EXPECT_FALSE(pci_has_driver(self->ia.bdf));
	ASSERT_EQ(0, dev_get(fd, self->db, &g));
	EXPECT_EQ(hwpt, g.out_hwpt_id);
	EXPECT_EQ(1, g.out_group_devices);
	ASSERT_EQ(0, dma_out(&self->b, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(a, DMA_LEN, 17));

	edu_close(&self->b);
	ASSERT_EQ(0, destroy(fd, self->db));
	EXPECT_FALSE(pci_has_driver(self->ib.bdf));
	EXPECT_EQ(-ENOENT, destroy(fd, hwpt));
	EXPECT_EQ(0, destroy(fd, ioas));
}

/* ---- IOAS rules (no device needed) ---- */

FIXTURE(ioas) {
	int fd;
	uint32_t ioas;
	uint8_t *buf;	/* 4 pages */
};

FIXTURE_SETUP(ioas)
{
	self->fd = hwpt_open(O_RDWR);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, ioas_alloc(self->fd, &self->ioas));
	NEW_BUF(self->buf, 4 * psz, 0x5a);
}

FIXTURE_TEARDOWN(ioas)
{
	close(self->fd);
}

TEST_F(ioas, map_bad_arguments)
{
	uint64_t iova = IOVA_A;
	int fd = self->fd;
	uint32_t id = self->ioas;
	uintptr_t uva = (uintptr_t)self->buf;
	long lck = vmpin_kb();
	struct hwpt_ioas_map cmd = {
		.size = sizeof(cmd), .flags = MAP_FIXED_RW, .ioas_id = id,
		.__reserved = 1, .user_va = uva, .length = psz, .iova = IOVA_A,
	};

	/* Unaligned user_va, IOVA, length. */
	EXPECT_EQ(-EINVAL, map_raw(fd, id, MAP_FIXED_RW, uva + 8, psz, &iova));
	iova = IOVA_A + 0x800;
	EXPECT_EQ(-EINVAL, map_raw(fd, id, MAP_FIXED_RW, uva, psz, &iova));
	iova = IOVA_A;
	EXPECT_EQ(-EINVAL, map_raw(fd, id, MAP_FIXED_RW, uva, psz / 2, &iova));
	EXPECT_EQ(-EINVAL, map_raw(fd, id, MAP_FIXED_RW, uva, psz + 1, &iova));
	EXPECT_EQ(-EINVAL, map_raw(fd, id, MAP_RW, uva + 8, psz, &iova));
	/* Empty. */
	EXPECT_EQ(-EINVAL, map_raw(fd, id, MAP_FIXED_RW, uva, 0, &iova));
	EXPECT_EQ(-EINVAL, map_raw(fd, id, MAP_RW, uva, 0, &iova));
	/* Neither READABLE nor WRITEABLE. */
	EXPECT_EQ(-EINVAL, map_raw(fd, id, HWPT_IOAS_MAP_FIXED_IOVA, uva, psz,
				   &iova));
	EXPECT_EQ(-EINVAL, map_raw(fd, id, 0, uva, psz, &iova));
	/* Unknown flag, reserved field. */
	EXPECT_EQ(-EOPNOTSUPP, map_raw(fd, id, MAP_FIXED_RW | (1 << 3), uva,
				       psz, &iova));
	EXPECT_EQ(-EOPNOTSUPP, map_raw(fd, id, MAP_FIXED_RW | (1U << 31), uva,
				       psz, &iova));
	EXPECT_EQ(-EOPNOTSUPP, xioctl(fd, HWPT_IOAS_MAP, &cmd));
	/* No such IOAS, or not an IOAS. */
	EXPECT_EQ(-ENOENT, map_raw(fd, id + 100, MAP_FIXED_RW, uva, psz,
				   &iova));
	EXPECT_EQ(lck, vmpin_kb());
	EXPECT_EQ(-ENOENT, unmap(fd, id, 0, 1ULL << 40, NULL));
}

TEST_F(ioas, map_overlap_eexist)
{
	int fd = self->fd;
	uint32_t id = self->ioas;
	uint64_t got = 0;
	long lck;

	ASSERT_EQ(0, map_fixed(fd, id, self->buf, 2 * psz, IOVA_A, MAP_RW));
	lck = vmpin_kb();
	EXPECT_EQ(-EEXIST, map_fixed(fd, id, self->buf + 2 * psz, psz,
				     IOVA_A, MAP_RW));
	EXPECT_EQ(-EEXIST, map_fixed(fd, id, self->buf + 2 * psz, psz,
				     IOVA_A + psz, MAP_RW));
	EXPECT_EQ(-EEXIST, map_fixed(fd, id, self->buf + 2 * psz, 2 * psz,
				     IOVA_A - psz, MAP_RW));
	EXPECT_EQ(-EEXIST, map_fixed(fd, id, self->buf, 4 * psz,
				     IOVA_A - psz, MAP_RW));
	EXPECT_EQ(lck, vmpin_kb());
	/* Adjacent on both sides is fine; the same memory twice too. */
	EXPECT_EQ(0, map_fixed(fd, id, self->buf + 2 * psz, psz,
			       IOVA_A + 2 * psz, MAP_RW));
	EXPECT_EQ(0, map_fixed(fd, id, self->buf, psz, IOVA_A - psz, MAP_RW));
	EXPECT_EQ(0, unmap(fd, id, 0, UINT64_MAX, &got));
	EXPECT_EQ(4 * psz, got);
}

TEST_F(ioas, map_wrap_eoverflow)
{
	uint64_t iova = UINT64_MAX - psz + 1;
	int fd = self->fd;
	uint32_t id = self->ioas;
	uintptr_t uva = (uintptr_t)self->buf;
	long lck = vmpin_kb();

	EXPECT_EQ(-EOVERFLOW, map_raw(fd, id, MAP_FIXED_RW, uva, 2 * psz,
				      &iova));
	iova = IOVA_A;
	EXPECT_EQ(-EOVERFLOW, map_raw(fd, id, MAP_FIXED_RW,
				      UINT64_MAX - psz + 1, 2 * psz, &iova));
	EXPECT_EQ(-EOVERFLOW, unmap(fd, id, UINT64_MAX - psz + 1, 2 * psz,
				    NULL));
	EXPECT_EQ(lck, vmpin_kb());
}

/* Memory that cannot be pinned: EFAULT, and nothing stays charged. */
TEST_F(ioas, map_bad_pointer_efault)
{
	int fd = self->fd;
	uint32_t id = self->ioas;
	long lck = vmpin_kb();
	uint8_t *p, *ro;

	ASSERT_GE(lck, 0);
	/* Nothing there. */
	p = mmap(NULL, 4 * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_OK(munmap(p, 4 * psz));
	EXPECT_EQ(-EFAULT, map_fixed(fd, id, p, 4 * psz, IOVA_A, MAP_RW));
	EXPECT_EQ(lck, vmpin_kb());
	/* The first pages there, the last not: the pinned ones go back. */
	p = mmap(NULL, 4 * psz, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 1, 4 * psz);
	ASSERT_OK(munmap(p + 3 * psz, psz));
	EXPECT_EQ(-EFAULT, map_fixed(fd, id, p, 4 * psz, IOVA_A, MAP_RW));
	EXPECT_EQ(lck, vmpin_kb());
	/* Read-only memory the device would write. */
	ro = mmap(NULL, psz, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	memset(ro, 1, psz);
	ASSERT_OK(mprotect(ro, psz, PROT_READ));
	EXPECT_EQ(-EFAULT, map_fixed(fd, id, ro, psz, IOVA_A,
				     HWPT_IOAS_MAP_WRITEABLE));
	EXPECT_EQ(lck, vmpin_kb());
	/* Nothing got mapped. */
	EXPECT_EQ(-ENOENT, unmap(fd, id, 0, 1ULL << 40, NULL));
	/* Read-only for the device is fine. */
	EXPECT_EQ(0, map_fixed(fd, id, ro, psz, IOVA_A,
			       HWPT_IOAS_MAP_READABLE));
	EXPECT_EQ(lck + (long)(psz / 1024), vmpin_kb());
}

/* Without FIXED_IOVA the kernel picks a free IOVA inside IOVA_RANGES. */
static void map_any_checks(struct __test_metadata *_metadata, int fd,
			   uint32_t id, uint8_t *buf)
{
	uint64_t i1 = 0, i2 = 0, i3 = 0;
	struct ranges r;

	ASSERT_EQ(0, iova_ranges(fd, id, &r));
	ASSERT_EQ(0, map_raw(fd, id, MAP_RW, (uintptr_t)buf, 2 * psz, &i1));
	ASSERT_EQ(0, map_raw(fd, id, MAP_RW, (uintptr_t)buf, 2 * psz, &i2));
	ASSERT_EQ(0, map_raw(fd, id, HWPT_IOAS_MAP_READABLE,
			     (uintptr_t)buf + psz, psz, &i3));
	TH_LOG("picked %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64, i1, i2, i3);
	EXPECT_TRUE(in_ranges(&r, i1, i1 + 2 * psz - 1));
	EXPECT_TRUE(in_ranges(&r, i2, i2 + 2 * psz - 1));
	EXPECT_TRUE(in_ranges(&r, i3, i3 + psz - 1));
	EXPECT_EQ(0, i1 % psz);
	EXPECT_EQ(0, i2 % psz);
	EXPECT_EQ(0, i3 % psz);
	/* Apart from each other. */
	EXPECT_TRUE(i1 + 2 * psz <= i2 || i2 + 2 * psz <= i1);
	EXPECT_TRUE(i3 + psz <= i1 || i1 + 2 * psz <= i3);
	EXPECT_TRUE(i3 + psz <= i2 || i2 + 2 * psz <= i3);
	/* Each is really there: a fixed map over it collides. */
	EXPECT_EQ(-EEXIST, map_fixed(fd, id, buf, psz, i3, MAP_RW));
}

TEST_F(ioas, map_any_iova_inside_ranges)
{
	map_any_checks(_metadata, self->fd, self->ioas, self->buf);
}

TEST_F(single, map_any_iova_inside_ranges_attached)
{
	uint32_t ioas;
	uint8_t *buf;

	NEW_BUF(buf, 4 * psz, 0);
	ASSERT_EQ(0, ioas_alloc(self->fd, &ioas));
	ASSERT_EQ(0, attach(self->fd, self->dev, ioas, NULL, NULL));
	map_any_checks(_metadata, self->fd, ioas, buf);
}

/* An UNMAP range that cuts a mapping: EINVAL, and nothing is unmapped. */
TEST_F(ioas, unmap_cutting_mapping_einval)
{
	int fd = self->fd;
	uint32_t id = self->ioas;
	uint64_t got = 0;
	long lck;

	ASSERT_EQ(0, map_fixed(fd, id, self->buf, 2 * psz, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, id, self->buf + 2 * psz, psz, IOVA_C,
			       MAP_RW));
	lck = vmpin_kb();
	/* Holds all of C, half of A. */
	EXPECT_EQ(-EINVAL, unmap(fd, id, IOVA_A + psz, IOVA_C + psz -
				 (IOVA_A + psz), NULL));
	EXPECT_EQ(-EINVAL, unmap(fd, id, IOVA_A, psz, NULL));
	EXPECT_EQ(-EINVAL, unmap(fd, id, IOVA_A - psz, 2 * psz, NULL));
	EXPECT_EQ(lck, vmpin_kb());
	/* Both still there. */
	EXPECT_EQ(-EEXIST, map_fixed(fd, id, self->buf, psz, IOVA_C, MAP_RW));
	EXPECT_EQ(-EEXIST, map_fixed(fd, id, self->buf, psz, IOVA_A, MAP_RW));
	EXPECT_EQ(0, unmap(fd, id, 0, UINT64_MAX, &got));
	EXPECT_EQ(3 * psz, got);
}

TEST_F(ioas, unmap_empty_range_enoent)
{
	int fd = self->fd;
	uint32_t id = self->ioas;
	uint64_t got = 0;

	EXPECT_EQ(-ENOENT, unmap(fd, id, IOVA_A, psz, NULL));
	ASSERT_EQ(0, map_fixed(fd, id, self->buf, psz, IOVA_A, MAP_RW));
	EXPECT_EQ(-ENOENT, unmap(fd, id, IOVA_B, psz, NULL));
	EXPECT_EQ(-ENOENT, unmap(fd, id, IOVA_A + psz, 16 * psz, NULL));
	EXPECT_EQ(-ENOENT, unmap(fd, id, 0, IOVA_A, NULL));
	/* Bad ranges. */
	EXPECT_EQ(-EINVAL, unmap(fd, id, IOVA_A, 0, NULL));
	EXPECT_EQ(-EINVAL, unmap(fd, id, IOVA_A + 8, psz, NULL));
	EXPECT_EQ(-EINVAL, unmap(fd, id, IOVA_A, psz + 8, NULL));
	EXPECT_EQ(-ENOENT, unmap(fd, id + 100, IOVA_A, psz, NULL));
	/* The exact range unmaps. */
	EXPECT_EQ(0, unmap(fd, id, IOVA_A, psz, &got));
	EXPECT_EQ(psz, got);
}

TEST_F(ioas, unmap_all_returns_total)
{
	int fd = self->fd;
	uint32_t id = self->ioas;
	uint64_t got = 0, iova = 0;
	long lck = vmpin_kb();
	int rc;

	ASSERT_EQ(0, map_fixed(fd, id, self->buf, psz, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, id, self->buf, 2 * psz, IOVA_B, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, id, self->buf, 3 * psz, IOVA_C, MAP_RW));
	ASSERT_EQ(0, map_raw(fd, id, MAP_RW, (uintptr_t)self->buf, 4 * psz,
			     &iova));
	EXPECT_EQ(lck + (long)(10 * psz / 1024), vmpin_kb());
	/* A range holding several whole mappings takes them all. */
	EXPECT_EQ(0, unmap(fd, id, IOVA_B, IOVA_C + 3 * psz - IOVA_B, &got));
	EXPECT_EQ(5 * psz, got);
	EXPECT_EQ(0, unmap(fd, id, 0, UINT64_MAX, &got));
	EXPECT_EQ(5 * psz, got);
	EXPECT_EQ(lck, vmpin_kb());
	/* Empty now: iommufd reports success with 0 here, hwpt's doc ENOENT. */
	got = 12345;
	rc = unmap(fd, id, 0, UINT64_MAX, &got);
	TH_LOG("UNMAP all of an empty IOAS: %s, length %" PRIu64,
	       rc ? strerror(-rc) : "ok", rc ? 0 : got);
}

/* ---- Accounting: VmPin follows the pinned memory ---- */

TEST(vmpin_follows_map_unmap_destroy_close)
{
	size_t len = 16 * psz;
	long base = vmpin_kb(), kb = len / 1024;
	uint32_t ioas, ioas2;
	uint64_t got = 0;
	uint8_t *buf;
	int fd;

	ASSERT_GE(base, 0);
	NEW_BUF(buf, len, 1);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, ioas_alloc(fd, &ioas2));

	ASSERT_EQ(0, map_fixed(fd, ioas, buf, len, IOVA_N, MAP_RW));
	EXPECT_EQ(base + kb, vmpin_kb());
	/* The same memory mapped again is charged again, like iommufd. */
	ASSERT_EQ(0, map_fixed(fd, ioas2, buf, psz, IOVA_A, MAP_RW));
	EXPECT_EQ(base + kb + (long)(psz / 1024), vmpin_kb());
	ASSERT_EQ(0, unmap(fd, ioas2, IOVA_A, psz, NULL));
	EXPECT_EQ(base + kb, vmpin_kb());
	ASSERT_EQ(0, unmap(fd, ioas, IOVA_N, len, &got));
	EXPECT_EQ(len, got);
	EXPECT_EQ(base, vmpin_kb());

	/* DESTROY of the IOAS releases its mappings. */
	ASSERT_EQ(0, map_fixed(fd, ioas, buf, len, IOVA_N, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, buf, psz, IOVA_A, MAP_RW));
	EXPECT_EQ(base + kb + (long)(psz / 1024), vmpin_kb());
	ASSERT_EQ(0, destroy(fd, ioas));
	EXPECT_EQ(base, vmpin_kb());

	/* Closing the file with mappings left releases them too. */
	ASSERT_EQ(0, map_fixed(fd, ioas2, buf, len, IOVA_N, MAP_RW));
	EXPECT_EQ(base + kb, vmpin_kb());
	ASSERT_OK(close(fd));
	EXPECT_EQ(base, vmpin_kb());
}

/* Without CAP_IPC_LOCK, RLIMIT_MEMLOCK bounds the pinned memory: ENOMEM. */
TEST(map_over_memlock_limit_enomem)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	struct rlimit rl = { .rlim_cur = 8 * psz, .rlim_max = 8 * psz };
	uint32_t ioas;
	uint8_t *buf;
	long base;
	int fd;

	NEW_BUF(buf, 16 * psz, 1);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_OK(syscall(SYS_capget, &hdr, data));
	data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	ASSERT_OK(syscall(SYS_capset, &hdr, data));
	ASSERT_OK(setrlimit(RLIMIT_MEMLOCK, &rl));
	base = vmpin_kb();
	EXPECT_EQ(-ENOMEM, map_fixed(fd, ioas, buf, 16 * psz, IOVA_N, MAP_RW));
	EXPECT_EQ(base, vmpin_kb());
	EXPECT_EQ(0, map_fixed(fd, ioas, buf, 4 * psz, IOVA_N, MAP_RW));
	EXPECT_EQ(base + (long)(4 * psz / 1024), vmpin_kb());
	/* 4 + 8 pages would be over the 8 allowed. */
	EXPECT_EQ(-ENOMEM, map_fixed(fd, ioas, buf, 8 * psz, IOVA_A, MAP_RW));
	EXPECT_EQ(base + (long)(4 * psz / 1024), vmpin_kb());
	close(fd);
	EXPECT_EQ(base, vmpin_kb());
}

/* ---- close() cleans up everything ---- */

TEST(close_cleans_everything)
{
	uint32_t ioas, dev, hwpt, hwpt2;
	struct edu_info s;
	struct edu e;
	long base = vmpin_kb();
	uint8_t *a, *p;
	int fd;

	if (!edu_find(EDU_SINGLETON, &s))
		SKIP("no singleton edu");
	NEW_BUF(a, BUF, 0x11);
	NEW_BUF(p, 4 * psz, 0);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	BIND_OPEN(fd, s.bdf, &dev, &e);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_EQ(0, map_fixed(fd, ioas, a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(fd, ioas, p, 4 * psz, IOVA_N, MAP_RW));
	ASSERT_EQ(0, hwpt_alloc(fd, dev, ioas, &hwpt2));
	ASSERT_EQ(0, attach(fd, dev, ioas, &hwpt, NULL));
	EXPECT_EQ(base + (long)(5 * psz / 1024), vmpin_kb());
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));

	EXPECT_EQ(1, bus_master_of(s.bdf));
	ASSERT_OK(close(fd));
	EXPECT_FALSE(pci_has_driver(s.bdf));
	EXPECT_TRUE(no_driver_override(s.bdf));
	EXPECT_EQ(0, bus_master_of(s.bdf));
	EXPECT_EQ(base, vmpin_kb());
	edu_close(&e);

	/* A new file binds it again, fresh. */
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, bind_dev(fd, s.bdf, &dev));
	EXPECT_EQ(1, dev);
	EXPECT_EQ(0, dev_pt(fd, dev));
	EXPECT_TRUE(driver_is(s.bdf, "hwpt"));
	close(fd);
	EXPECT_FALSE(pci_has_driver(s.bdf));
}

/* ---- Fault injection: every failure of an operation changes nothing ---- */

/*
 * One operation under test. setup() builds the state in a fresh file,
 * op() runs the operation once, failed() checks that the state is exactly
 * as setup() left it, succeeded() that the operation did its job.
 */
struct sweep;
struct sweep_ops {
	const char *name;
	void (*setup)(struct __test_metadata *_metadata, struct sweep *s);
	int (*op)(struct sweep *s);
	void (*failed)(struct __test_metadata *_metadata, struct sweep *s);
	void (*succeeded)(struct __test_metadata *_metadata, struct sweep *s);
	bool group;		/* needs the two-function edu */
	bool to_ioas;		/* REPLACE/ATTACH to an IOAS, not an HWPT */
};

struct sweep {
	const struct sweep_ops *ops;
	struct edu_info ia, ib;
	struct edu ea, eb;
	int fd;
	uint32_t da, db, ioas, ioas2, hwpt, hwpt2, out, moved;
	uint8_t *a, *b, *p, *n;
	struct ranges r1, r2;
	long vmpin;
	uint32_t next;
};

FIXTURE(inject) {
	struct sweep s;
};

FIXTURE_SETUP(inject)
{
	memset(&self->s, 0, sizeof(self->s));
	edu_init(&self->s.ea);
	edu_init(&self->s.eb);
	self->s.fd = -1;
	if (!debug_inject())
		SKIP("the module was loaded without debug_inject=1");
	ASSERT_EQ(0, write_fail_nth(0));
}

FIXTURE_TEARDOWN(inject)
{
	write_fail_nth(0);
	edu_close(&self->s.ea);
	edu_close(&self->s.eb);
	if (self->s.fd >= 0)
		close(self->s.fd);
}

static void sweep_bufs(struct __test_metadata *_metadata, struct sweep *s)
{
	if (!s->a) {
		NEW_BUF(s->a, BUF, 0x11);
		NEW_BUF(s->b, BUF, 0x22);
		NEW_BUF(s->p, BUF, 0);
		NEW_BUF(s->n, 16 * psz, 0x44);
		edu_pattern(s->n, 16 * psz, 12);
	}
	memset(s->a, 0x11, BUF);
	memset(s->b, 0x22, BUF);
}

/*
 * For n = 1, 2, ...: a fresh setup, fail the n-th failure point of the
 * operation; while the knob reads 0 afterwards (the failure fired) the
 * operation must have failed and changed nothing; stop at the first n
 * the operation completes without reaching.
 */
static void sweep_run(struct __test_metadata *_metadata, struct sweep *s,
		      const struct sweep_ops *ops)
{
	unsigned int n, fired = 0;
	bool done = false;

	s->ops = ops;
	if (!edu_find(EDU_SINGLETON, &s->ia))
		SKIP("no singleton edu");
	if (ops->group && !edu_find_pair(EDU_TWOFN, &s->ia, &s->ib))
		SKIP("no two-function edu");
	for (n = 1; n <= 200 && !done; n++) {
		long left;
		int rc;

		s->fd = hwpt_open(O_RDWR);
		ASSERT_GE(s->fd, 0);
		sweep_bufs(_metadata, s);
		ops->setup(_metadata, s);
		s->vmpin = vmpin_kb();
		s->next = next_id(s->fd);
		ASSERT_NE(0, s->next);

		ASSERT_EQ(0, write_fail_nth(n));
		rc = ops->op(s);
		left = read_fail_nth();
		if (left > 0) {
			/* Disarm before anything else reaches a point. */
			ASSERT_EQ(0, write_fail_nth(0));
			if (rc)
				TH_LOG("%s n=%u: failed with %s, not injected",
				       ops->name, n, strerror(-rc));
			ASSERT_EQ(0, rc);
			ops->succeeded(_metadata, s);
			done = true;
		} else {
			ASSERT_EQ(0, left);
			if (!rc)
				TH_LOG("%s n=%u: injected failure, success",
				       ops->name, n);
			ASSERT_NE(0, rc);
			fired++;
			EXPECT_EQ(s->vmpin, vmpin_kb());
			EXPECT_EQ(s->next, next_id(s->fd));
			ops->failed(_metadata, s);
		}
		edu_close(&s->ea);
		edu_close(&s->eb);
		ASSERT_OK(close(s->fd));
		s->fd = -1;
		/* The file took everything with it. */
		EXPECT_FALSE(pci_has_driver(s->ia.bdf));
		if (ops->group)
			EXPECT_FALSE(pci_has_driver(s->ib.bdf));
	}
	ASSERT_TRUE(done);
	TH_LOG("%s: %u failure point(s)", ops->name, fired);
	EXPECT_GE(fired, 1);
}

/* BIND of the singleton (or, with group, of fn1 next to a bound fn0). */
static void bind_setup(struct __test_metadata *_metadata, struct sweep *s)
{
	ASSERT_EQ(0, ioas_alloc(s->fd, &s->ioas));
	if (s->ops->group)
		ASSERT_EQ(0, bind_dev(s->fd, s->ia.bdf, &s->da));
}

static const char *bind_target(struct sweep *s)
{
	return s->ops->group ? s->ib.bdf : s->ia.bdf;
}

static int bind_op(struct sweep *s)
{
	return bind_dev(s->fd, bind_target(s), &s->db);
}

static void bind_failed(struct __test_metadata *_metadata, struct sweep *s)
{
	const char *bdf = bind_target(s);
	struct hwpt_device_get g;

	EXPECT_FALSE(pci_has_driver(bdf));
	EXPECT_TRUE(no_driver_override(bdf));
	if (s->ops->group) {
		ASSERT_EQ(0, dev_get(s->fd, s->da, &g));
		EXPECT_EQ(1, g.out_group_devices);
	}
	/* Nothing stuck: it binds now. */
	ASSERT_EQ(0, bind_dev(s->fd, bdf, &s->db));
	EXPECT_EQ(s->next, s->db);
	EXPECT_TRUE(driver_is(bdf, "hwpt"));
}

static void bind_succeeded(struct __test_metadata *_metadata, struct sweep *s)
{
	const char *bdf = bind_target(s);
	struct hwpt_device_get g;

	EXPECT_EQ(s->next, s->db);
	EXPECT_TRUE(driver_is(bdf, "hwpt"));
	ASSERT_EQ(0, dev_get(s->fd, s->db, &g));
	EXPECT_EQ(0, g.out_hwpt_id);
	EXPECT_EQ(s->ops->group ? 2 : 1, g.out_group_devices);
}

static const struct sweep_ops bind_ops = {
	.name = "BIND", .setup = bind_setup, .op = bind_op,
	.failed = bind_failed, .succeeded = bind_succeeded,
};

static const struct sweep_ops bind_group_ops = {
	.name = "BIND into a group", .setup = bind_setup, .op = bind_op,
	.failed = bind_failed, .succeeded = bind_succeeded, .group = true,
};

/* The singleton bound and open, an IOAS with A and P mapped. */
static void dev_ioas_setup(struct __test_metadata *_metadata, struct sweep *s)
{
	BIND_OPEN(s->fd, s->ia.bdf, &s->da, &s->ea);
	ASSERT_EQ(0, ioas_alloc(s->fd, &s->ioas));
	ASSERT_EQ(0, map_fixed(s->fd, s->ioas, s->a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(s->fd, s->ioas, s->p, BUF, IOVA_P,
			       MAP_FIXED_R));
}

/* The device's DMA goes through s->ioas's mappings: A gets the pattern. */
static void dma_via_ioas(struct __test_metadata *_metadata, struct sweep *s,
			 unsigned int seed)
{
	memset(s->a, 0x11, BUF);
	ASSERT_EQ(0, load_pattern(&s->ea, s->p, seed));
	ASSERT_EQ(0, dma_out(&s->ea, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(s->a, DMA_LEN, seed));
}

/* IOAS_MAP into an IOAS with two domains, one of them attached. */
static void map_setup(struct __test_metadata *_metadata, struct sweep *s)
{
	dev_ioas_setup(_metadata, s);
	ASSERT_EQ(0, attach(s->fd, s->da, s->ioas, &s->hwpt, NULL));
	ASSERT_EQ(0, hwpt_alloc(s->fd, s->da, s->ioas, &s->hwpt2));
}

static int map_op(struct sweep *s)
{
	return map_fixed(s->fd, s->ioas, s->n, 16 * psz, IOVA_N, MAP_RW);
}

static void map_failed(struct __test_metadata *_metadata, struct sweep *s)
{
	EXPECT_EQ(-ENOENT, unmap(s->fd, s->ioas, IOVA_N, 16 * psz, NULL));
	EXPECT_EQ(s->hwpt, dev_pt(s->fd, s->da));
}

static void map_succeeded(struct __test_metadata *_metadata, struct sweep *s)
{
	EXPECT_EQ(s->vmpin + (long)(16 * psz / 1024), vmpin_kb());
	/* The device reads page 3 of the new mapping through it. */
	ASSERT_EQ(0, edu_dma_to_device(&s->ea, IOVA_N + 3 * psz, DMA_LEN));
	ASSERT_EQ(0, dma_out(&s->ea, IOVA_A));
	EXPECT_EQ(0, memcmp(s->a, s->n + 3 * psz, DMA_LEN));
	/* And through the other domain too. */
	memset(s->a, 0x11, BUF);
	ASSERT_EQ(0, replace(s->fd, s->da, s->hwpt2, NULL, NULL));
	ASSERT_EQ(0, edu_dma_to_device(&s->ea, IOVA_N + 5 * psz, DMA_LEN));
	ASSERT_EQ(0, dma_out(&s->ea, IOVA_A));
	EXPECT_EQ(0, memcmp(s->a, s->n + 5 * psz, DMA_LEN));
}

static const struct sweep_ops map_ops = {
	.name = "IOAS_MAP", .setup = map_setup, .op = map_op,
	.failed = map_failed, .succeeded = map_succeeded,
};

/* HWPT_ALLOC on an IOAS with mappings. */
static int hwpt_alloc_op(struct sweep *s)
{
	return hwpt_alloc(s->fd, s->da, s->ioas, &s->hwpt);
}

static void hwpt_alloc_failed(struct __test_metadata *_metadata,
			      struct sweep *s)
{
	/* No HWPT holds the IOAS. */
	EXPECT_EQ(0, destroy(s->fd, s->ioas));
}

static void hwpt_alloc_succeeded(struct __test_metadata *_metadata,
				 struct sweep *s)
{
	EXPECT_EQ(s->next, s->hwpt);
	EXPECT_EQ(-EBUSY, destroy(s->fd, s->ioas));
	ASSERT_EQ(0, attach(s->fd, s->da, s->hwpt, NULL, NULL));
	dma_via_ioas(_metadata, s, 13);
}

static const struct sweep_ops hwpt_alloc_ops = {
	.name = "HWPT_ALLOC", .setup = dev_ioas_setup, .op = hwpt_alloc_op,
	.failed = hwpt_alloc_failed, .succeeded = hwpt_alloc_succeeded,
};

/* ATTACH to an IOAS (automatic HWPT) or to an HWPT of it. */
static void attach_setup(struct __test_metadata *_metadata, struct sweep *s)
{
	dev_ioas_setup(_metadata, s);
	if (!s->ops->to_ioas)
		ASSERT_EQ(0, hwpt_alloc(s->fd, s->da, s->ioas, &s->hwpt));
	ASSERT_EQ(0, iova_ranges(s->fd, s->ioas, &s->r1));
}

static int attach_op(struct sweep *s)
{
	return attach(s->fd, s->da, s->ops->to_ioas ? s->ioas : s->hwpt,
		      &s->out, &s->moved);
}

static void attach_failed(struct __test_metadata *_metadata, struct sweep *s)
{
	struct ranges r;

	EXPECT_EQ(0, dev_pt(s->fd, s->da));
	ASSERT_EQ(0, iova_ranges(s->fd, s->ioas, &r));
	EXPECT_TRUE(ranges_equal(&s->r1, &r));
	/* No attachment holds what was there. */
	if (!s->ops->to_ioas)
		EXPECT_EQ(0, destroy(s->fd, s->hwpt));
	EXPECT_EQ(0, destroy(s->fd, s->ioas));
}

static void attach_succeeded(struct __test_metadata *_metadata,
			     struct sweep *s)
{
	EXPECT_EQ(s->ops->to_ioas ? s->next : s->hwpt, s->out);
	EXPECT_EQ(1, s->moved);
	EXPECT_EQ(s->out, dev_pt(s->fd, s->da));
	dma_via_ioas(_metadata, s, 14);
}

static const struct sweep_ops attach_ioas_ops = {
	.name = "ATTACH to an IOAS", .setup = attach_setup, .op = attach_op,
	.failed = attach_failed, .succeeded = attach_succeeded,
	.to_ioas = true,
};

static const struct sweep_ops attach_hwpt_ops = {
	.name = "ATTACH to an HWPT", .setup = attach_setup, .op = attach_op,
	.failed = attach_failed, .succeeded = attach_succeeded,
};

/*
 * REPLACE from hwpt (on ioas: A at IOVA_A) to hwpt2 or an automatic HWPT
 * of ioas2 (B at IOVA_A); with group, both functions of the two-function
 * edu are attached and the replace goes through fn0.
 */
static void replace_setup(struct __test_metadata *_metadata, struct sweep *s)
{
	struct edu *e;

	if (s->ops->group) {
		BIND_OPEN(s->fd, s->ia.bdf, &s->da, &s->ea);
		BIND_OPEN(s->fd, s->ib.bdf, &s->db, &s->eb);
	} else {
		BIND_OPEN(s->fd, s->ia.bdf, &s->da, &s->ea);
	}
	ASSERT_EQ(0, ioas_alloc(s->fd, &s->ioas));
	ASSERT_EQ(0, ioas_alloc(s->fd, &s->ioas2));
	ASSERT_EQ(0, map_fixed(s->fd, s->ioas, s->a, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, map_fixed(s->fd, s->ioas, s->p, BUF, IOVA_P,
			       MAP_FIXED_R));
	ASSERT_EQ(0, map_fixed(s->fd, s->ioas2, s->b, BUF, IOVA_A, MAP_RW));
	ASSERT_EQ(0, hwpt_alloc(s->fd, s->da, s->ioas, &s->hwpt));
	if (!s->ops->to_ioas)
		ASSERT_EQ(0, hwpt_alloc(s->fd, s->da, s->ioas2, &s->hwpt2));
	ASSERT_EQ(0, attach(s->fd, s->da, s->hwpt, NULL, NULL));
	if (s->ops->group)
		ASSERT_EQ(0, attach(s->fd, s->db, s->hwpt, NULL, NULL));
	e = s->ops->group ? &s->eb : &s->ea;
	ASSERT_EQ(0, load_pattern(e, s->p, 15));
	ASSERT_EQ(0, iova_ranges(s->fd, s->ioas, &s->r1));
	ASSERT_EQ(0, iova_ranges(s->fd, s->ioas2, &s->r2));
}

static int replace_op(struct sweep *s)
{
	return replace(s->fd, s->da, s->ops->to_ioas ? s->ioas2 : s->hwpt2,
		       &s->out, &s->moved);
}

static void replace_failed(struct __test_metadata *_metadata,
			   struct sweep *s)
{
	struct edu *e = s->ops->group ? &s->eb : &s->ea;
	struct ranges r;

	EXPECT_EQ(s->hwpt, dev_pt(s->fd, s->da));
	if (s->ops->group)
		EXPECT_EQ(s->hwpt, dev_pt(s->fd, s->db));
	ASSERT_EQ(0, iova_ranges(s->fd, s->ioas, &r));
	EXPECT_TRUE(ranges_equal(&s->r1, &r));
	ASSERT_EQ(0, iova_ranges(s->fd, s->ioas2, &r));
	EXPECT_TRUE(ranges_equal(&s->r2, &r));
	/* The DMA still goes through the old HWPT. */
	ASSERT_EQ(0, dma_out(e, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(s->a, DMA_LEN, 15));
	EXPECT_TRUE(edu_all_bytes(s->b, BUF, 0x22));
	/* The new one has no user. */
	if (!s->ops->to_ioas)
		EXPECT_EQ(0, destroy(s->fd, s->hwpt2));
	EXPECT_EQ(-EBUSY, destroy(s->fd, s->hwpt));
}

static void replace_succeeded(struct __test_metadata *_metadata,
			      struct sweep *s)
{
	struct edu *e = s->ops->group ? &s->eb : &s->ea;

	if (s->ops->to_ioas)
		EXPECT_EQ(s->next, s->out);
	else
		EXPECT_EQ(s->hwpt2, s->out);
	EXPECT_EQ(s->ops->group ? 2 : 1, s->moved);
	EXPECT_EQ(s->out, dev_pt(s->fd, s->da));
	if (s->ops->group)
		EXPECT_EQ(s->out, dev_pt(s->fd, s->db));
	ASSERT_EQ(0, dma_out(e, IOVA_A));
	EXPECT_TRUE(edu_has_pattern(s->b, DMA_LEN, 15));
	EXPECT_TRUE(edu_all_bytes(s->a, BUF, 0x11));
	EXPECT_EQ(0, destroy(s->fd, s->hwpt));
}

static const struct sweep_ops replace_hwpt_ops = {
	.name = "REPLACE to an HWPT", .setup = replace_setup,
	.op = replace_op, .failed = replace_failed,
	.succeeded = replace_succeeded,
};

static const struct sweep_ops replace_ioas_ops = {
	.name = "REPLACE to an IOAS", .setup = replace_setup,
	.op = replace_op, .failed = replace_failed,
	.succeeded = replace_succeeded, .to_ioas = true,
};

static const struct sweep_ops replace_group_ops = {
	.name = "REPLACE of a group", .setup = replace_setup,
	.op = replace_op, .failed = replace_failed,
	.succeeded = replace_succeeded, .group = true,
};

TEST_F_TIMEOUT(inject, bind_sweep, 300)
{
	sweep_run(_metadata, &self->s, &bind_ops);
}

TEST_F_TIMEOUT(inject, bind_into_group_sweep, 300)
{
	sweep_run(_metadata, &self->s, &bind_group_ops);
}

TEST_F_TIMEOUT(inject, ioas_map_sweep, 300)
{
	sweep_run(_metadata, &self->s, &map_ops);
}

TEST_F_TIMEOUT(inject, hwpt_alloc_sweep, 300)
{
	sweep_run(_metadata, &self->s, &hwpt_alloc_ops);
}

TEST_F_TIMEOUT(inject, attach_ioas_sweep, 300)
{
	sweep_run(_metadata, &self->s, &attach_ioas_ops);
}

TEST_F_TIMEOUT(inject, attach_hwpt_sweep, 300)
{
	sweep_run(_metadata, &self->s, &attach_hwpt_ops);
}

TEST_F_TIMEOUT(inject, replace_hwpt_sweep, 300)
{
	sweep_run(_metadata, &self->s, &replace_hwpt_ops);
}

TEST_F_TIMEOUT(inject, replace_ioas_sweep, 300)
{
	sweep_run(_metadata, &self->s, &replace_ioas_ops);
}

TEST_F_TIMEOUT(inject, replace_group_sweep, 300)
{
	sweep_run(_metadata, &self->s, &replace_group_ops);
}

TEST_HARNESS_MAIN
