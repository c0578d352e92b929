// SPDX-License-Identifier: GPL-2.0
/*
 * Guest test of the safety rules iommufd and VFIO keep and hwpt now keeps
 * too: no device whose MSIs the platform cannot isolate unless the admin
 * allows it; a device stopped before its DMA goes back to the kernel; pins
 * charged to the user, not to a process that may be gone; no user input
 * reaching a kernel warning; a failed emulated replace that leaves the
 * file closable; and DMA that keeps working across replaces.
 *
 * The VM says what it is on the kernel command line: hwpt_msi_isolated=1
 * or 0 (scripts/vm-run.sh, from the variant's interrupt remapping).
 *
 * Runs as root in the test VM, where /init loaded /hwpt.ko.
 */
#include "harness.h"	/* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <linux/hwpt.h>

#include "edu.h"

#define ALLOW_UNSAFE	PARAMS "/allow_unsafe_interrupts"

#define IOVA_P		0x300000UL	/* pattern source, readable */
#define IOVA_A		0x100000UL	/* destination */
#define IOVA_N		0x1000000UL	/* many small mappings */

static size_t psz;

static void __attribute__((constructor)) init_psz(void)
{
	psz = sysconf(_SC_PAGESIZE);
}

/* The value of word key=N on the kernel command line, or -1. */
static long cmdline_long(const char *key)
{
	char buf[4096], *p;
	size_t len = strlen(key);

	if (read_file("/proc/cmdline", buf, sizeof(buf)))
		return -1;
	for (p = strtok(buf, " "); p; p = strtok(NULL, " "))
		if (!strncmp(p, key, len) && p[len] == '=')
			return strtol(p + len + 1, NULL, 0);
	return -1;
}

/* ---- Interrupt isolation ---- */

/*
 * Without isolated MSIs (interrupt remapping off, as on the AMD and
 * virtio-iommu variants) a device's DMA write to the MSI window raises
 * host interrupts: bind is refused with EPERM, and the device left as it
 * was, unless allow_unsafe_interrupts is on. With them, bind works either
 * way.
 */
TEST(unisolated_msi_needs_allow_unsafe_interrupts)
{
	long isolated = cmdline_long("hwpt_msi_isolated");
	char was[8] = "N";
	struct edu_info e;
	int fd, rc;

	if (isolated < 0)
		SKIP("the VM does not say whether it isolates MSIs");
	if (!edu_find(EDU_SINGLETON, &e))
		SKIP("no singleton edu");
	ASSERT_EQ(0, read_file(ALLOW_UNSAFE, was, sizeof(was)));
	ASSERT_EQ(0, write_file(ALLOW_UNSAFE, "0"));
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	rc = bind_dev(fd, e.bdf, NULL);
	EXPECT_EQ(isolated ? 0 : -EPERM, rc);
	if (rc) {
		EXPECT_FALSE(pci_has_driver(e.bdf));
		EXPECT_TRUE(no_driver_override(e.bdf));
	}
	close(fd);
	ASSERT_EQ(0, write_file(ALLOW_UNSAFE, "1"));
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, bind_dev(fd, e.bdf, NULL));
	close(fd);
	EXPECT_EQ(0, write_file(ALLOW_UNSAFE, was));
}

/* ---- A device is stopped before its DMA is given back ---- */

#define MANY	16384	/* mappings: their teardown takes a while */

/*
 * With an identity default domain, a device's DMA goes to physical
 * addresses as soon as hwpt gives its DMA back. A DMA started just before
 * close() used to land there: its automatic HWPT, with many mappings, was
 * torn down between the release of DMA ownership and bus mastering going
 * off. The device is now stopped first (bus master off, reset), so the
 * DMA goes nowhere. edu starts a DMA about 100 ms after it is told to;
 * close() starts at several delays after that, so that the DMA comes
 * while the teardown runs.
 */
TEST_TIMEOUT(device_stopped_before_its_dma_is_given_back, 300)
{
	static const int delays_ms[] = { 0, 30, 50, 70, 90 };
	uint8_t *low, *p, *many;
	char type[32], path[PATH_MAX];
	struct timespec t0;
	uint64_t pa = 0;
	uint32_t dev, ioas;
	struct edu_info e;
	unsigned int k;
	struct edu d;
	int fd, i;

	if (!edu_find(EDU_SINGLETON, &e))
		SKIP("no singleton edu");
	snprintf(path, sizeof(path), IOMMU_GROUPS_SYSFS "/%d/type", e.group);
	ASSERT_EQ(0, read_file(path, type, sizeof(type)));
	if (strcmp(type, "identity"))
		SKIP("default domain %s, not identity: a DMA after the release faults anyway (the intel-pt variant boots with iommu.passthrough=1)",
		     type);
	low = low_page(&pa);
	if (!low)
		SKIP("no page below edu's 28-bit DMA limit");
	NEW_BUF(p, psz, 0);
	NEW_BUF(many, MANY * psz, 0);
	edu_pattern(p, EDU_BUF_SIZE, 9);
	for (k = 0; k < ARRAY_SIZE(delays_ms); k++) {
		fd = hwpt_open(O_RDWR);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(0, bind_dev(fd, e.bdf, &dev));
		ASSERT_EQ(0, ioas_alloc(fd, &ioas));
		ASSERT_EQ(0, map_fixed(fd, ioas, p, psz, IOVA_P, MAP_RW));
		for (i = 0; i < MANY; i++)
			ASSERT_EQ(0, map_fixed(fd, ioas, many + i * psz, psz,
					       IOVA_N + i * psz, MAP_RW));
		ASSERT_EQ(0, attach(fd, dev, ioas, NULL, NULL));
		ASSERT_EQ(0, edu_open_master(&d, e.bdf));
		ASSERT_EQ(0, edu_dma_to_device(&d, IOVA_P, EDU_BUF_SIZE));
		/* To the page's physical address: lands only untranslated. */
		ASSERT_EQ(0, edu_dma_start(&d, EDU_BUF_ADDR, pa, EDU_BUF_SIZE,
					   EDU_DMA_TO_RAM));
		sleep_ms(delays_ms[k]);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ASSERT_OK(close(fd));
		TH_LOG("close() %d ms after the DMA's start took %ld ms",
		       delays_ms[k], edu_ms_since(&t0));
		sleep_ms(300);
		EXPECT_TRUE(edu_all_bytes(low, EDU_BUF_SIZE, 0x5c));
		EXPECT_EQ(0, bus_master_of(e.bdf));
		edu_close(&d);
		memset(low, 0x5c, EDU_BUF_SIZE);
	}
}

/* ---- No user input reaches a kernel warning ---- */

/*
 * A MAP of 1 TiB or more needs a page list over INT_MAX bytes: it used to
 * reach kvcalloc()'s WARN (a panic with panic_on_warn) before any limit
 * was checked. Now ENOMEM, quietly, and nothing is pinned; without
 * CAP_IPC_LOCK the limit says so before anything is allocated.
 */
TEST_TIMEOUT(huge_map_fails_cleanly, 120)
{
	const uint64_t tib = 1ULL << 40;
	long long pins = pins_outstanding();
	long pin_kb = vmpin_kb();
	uint64_t iova = 0;
	uint32_t ioas;
	void *va;
	int fd;

	va = mmap(NULL, tib, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (va == MAP_FAILED)
		SKIP("cannot reserve 1 TiB of address space");
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	EXPECT_EQ(-ENOMEM, map_raw(fd, ioas, MAP_RW, (uintptr_t)va, tib,
				   &iova));
	EXPECT_EQ(0, ioas_unmap_all(fd, ioas));
	EXPECT_EQ(pin_kb, vmpin_kb());
	EXPECT_EQ(pins, pins_outstanding());
	close(fd);
	munmap(va, tib);
}

/* ---- Pins are charged to the user ---- */

#define CHILD_MAP	(4UL << 20)
#define LIMIT		(8UL << 20)
#define CHILDREN	6
#define TEST_UID	4242

/* In a child: map @len at @va, @iova; exit with 0 or the errno. */
static int map_in_child(int fd, uint32_t ioas, void *va, size_t len,
			uint64_t iova)
{
	int status, rc;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		rc = map_fixed(fd, ioas, va, len, iova, MAP_RW);
		_exit(-rc);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

/*
 * Pins used to be charged to the mapping process's mm: children that map
 * through an inherited file and exit left them charged to no one alive,
 * so an unprivileged holder with an 8 MiB limit pinned 24 MiB through six
 * children. Charged to the user, as iommufd does, the third child is
 * over the limit; unmapping gives the room back.
 */
TEST_TIMEOUT(pins_are_charged_to_the_user, 120)
{
	struct rlimit rl = { .rlim_cur = LIMIT, .rlim_max = LIMIT };
	int rcs[CHILDREN], fd, i;
	uint32_t ioas;
	uint8_t *buf;

	NEW_BUF(buf, CHILDREN * CHILD_MAP, 0x42);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, ioas_alloc(fd, &ioas));
	ASSERT_OK(setrlimit(RLIMIT_MEMLOCK, &rl));
	/* A user of its own, without CAP_IPC_LOCK (or any capability). */
	ASSERT_OK(setresgid(TEST_UID, TEST_UID, TEST_UID));
	ASSERT_OK(setresuid(TEST_UID, TEST_UID, TEST_UID));
	for (i = 0; i < CHILDREN; i++)
		rcs[i] = map_in_child(fd, ioas, buf + i * CHILD_MAP, CHILD_MAP,
				      IOVA_N + i * CHILD_MAP);
	for (i = 0; i < CHILDREN; i++)
		EXPECT_EQ(i < (int)(LIMIT / CHILD_MAP) ? 0 : -ENOMEM, rcs[i]);
	/* The children are gone; their pins are the user's still. */
	EXPECT_EQ(-ENOMEM, map_in_child(fd, ioas, buf, psz, IOVA_A));
	EXPECT_EQ((int64_t)LIMIT, ioas_unmap_all(fd, ioas));
	EXPECT_EQ(0, map_in_child(fd, ioas, buf, LIMIT, IOVA_N));
	close(fd);
}

/* ---- A failed emulated replace ---- */

/*
 * Without an atomic replace (6.1) a replace is detach and attach; when the
 * attach and the re-attach of the old domain both fail, the group is left
 * detached. A replace to an IOAS then went on trying and overwrote the
 * automatic HWPT it had orphaned: close() waited for it forever,
 * unkillable. The sweep fails every pair of consecutive points of a
 * replace until one such pair loses the group, then closes.
 */
TEST_TIMEOUT(lost_emulated_replace_leaves_close_working, 300)
{
	struct hwpt_get_info info;
	uint32_t dev, ioas[2];
	struct edu_info e;
	bool lost = false;
	int fd, n, rc = -1;
	char arg[32];
	uint8_t *p;

	if (!debug_inject())
		SKIP("module loaded without debug_inject=1");
	if (!edu_find(EDU_SINGLETON, &e))
		SKIP("no singleton edu");
	NEW_BUF(p, psz, 0);
	fd = hwpt_open(O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, get_info(fd, &info));
	if (info.caps & HWPT_CAP_REPLACE_ATOMIC)
		SKIP("the core's replace is atomic here: it never loses the group");
	ASSERT_EQ(0, bind_dev(fd, e.bdf, &dev));
	for (n = 0; n < 2; n++) {
		ASSERT_EQ(0, ioas_alloc(fd, &ioas[n]));
		ASSERT_EQ(0, map_fixed(fd, ioas[n], p, psz, IOVA_A, MAP_RW));
	}
	ASSERT_EQ(0, attach(fd, dev, ioas[0], NULL, NULL));
	for (n = 1; n < 200 && rc; n++) {
		snprintf(arg, sizeof(arg), "%d,2", n);
		ASSERT_EQ(0, write_file(FAIL_NTH, arg));
		rc = replace(fd, dev, ioas[1], NULL, NULL);
		write_fail_nth(0);
		if (rc && dev_pt(fd, dev) == 0) {
			/* Lost: reported detached, and attachable again. */
			lost = true;
			EXPECT_EQ(-EINVAL, replace(fd, dev, ioas[1], NULL, NULL));
			ASSERT_EQ(0, attach(fd, dev, ioas[0], NULL, NULL));
		}
	}
	EXPECT_EQ(0, rc);
	EXPECT_TRUE(lost);
	TH_LOG("%d failure points swept, the group %s", n - 1,
	       lost ? "lost once at least" : "never lost");
	EXPECT_OK(close(fd));
}

/* ---- DMA across replaces ---- */

struct replacer {
	int fd;
	uint32_t dev, hwpt[2];
	volatile bool stop;
	long replaces, errors;
};

static void *replace_loop(void *arg)
{
	struct replacer *r = arg;
	int i = 0;

	while (!r->stop) {
		r->errors += !!replace(r->fd, r->dev, r->hwpt[++i & 1], NULL,
				       NULL);
		r->replaces++;
		usleep(2000);
	}
	return NULL;
}

#define DMA_ROUNDS	20

/*
 * A device keeps doing DMA while its group is replaced back and forth
 * between two HWPTs of the same mappings. No IOMMU driver of the
 * supported kernels keeps translating during the switch (README, "Replace
 * and DMA"), so a DMA may fault, and the lost ones are only counted: the
 * count is the measurement the README quotes. No replace fails, and once
 * they stop DMA works.
 */
TEST_TIMEOUT(dma_works_across_replaces, 300)
{
	struct replacer r = { 0 };
	uint8_t *src, *dst;
	struct edu_info e;
	pthread_t thread;
	uint32_t ioas;
	int i, lost = 0;
	struct edu d;

	if (!edu_find(EDU_SINGLETON, &e))
		SKIP("no singleton edu");
	NEW_BUF(src, psz, 0);
	NEW_BUF(dst, psz, 0);
	edu_pattern(src, EDU_BUF_SIZE, 3);
	r.fd = hwpt_open(O_RDWR);
	ASSERT_GE(r.fd, 0);
	ASSERT_EQ(0, bind_dev(r.fd, e.bdf, &r.dev));
	ASSERT_EQ(0, ioas_alloc(r.fd, &ioas));
	ASSERT_EQ(0, map_fixed(r.fd, ioas, src, psz, IOVA_P, MAP_RW));
	ASSERT_EQ(0, map_fixed(r.fd, ioas, dst, psz, IOVA_A, MAP_RW));
	ASSERT_EQ(0, hwpt_alloc(r.fd, r.dev, ioas, &r.hwpt[0]));
	ASSERT_EQ(0, hwpt_alloc(r.fd, r.dev, ioas, &r.hwpt[1]));
	ASSERT_EQ(0, attach(r.fd, r.dev, r.hwpt[0], NULL, NULL));
	ASSERT_EQ(0, edu_open_master(&d, e.bdf));
	ASSERT_EQ(0, pthread_create(&thread, NULL, replace_loop, &r));
	for (i = 0; i < DMA_ROUNDS; i++) {
		memset(dst, 0, EDU_BUF_SIZE);
		if (edu_dma_to_device(&d, IOVA_P, EDU_BUF_SIZE) ||
		    edu_dma_from_device(&d, IOVA_A, EDU_BUF_SIZE) ||
		    !edu_has_pattern(dst, EDU_BUF_SIZE, 3))
			lost++;
	}
	r.stop = true;
	pthread_join(thread, NULL);
	TH_LOG("%d of %d DMA round trips lost across %ld replaces", lost,
	       DMA_ROUNDS, r.replaces);
	EXPECT_EQ(0, r.errors);
	EXPECT_LT(0, r.replaces);
	memset(dst, 0, EDU_BUF_SIZE);
	EXPECT_EQ(0, edu_dma_to_device(&d, IOVA_P, EDU_BUF_SIZE));
	EXPECT_EQ(0, edu_dma_from_device(&d, IOVA_A, EDU_BUF_SIZE));
	EXPECT_TRUE(edu_has_pattern(dst, EDU_BUF_SIZE, 3));
	edu_close(&d);
	close(r.fd);
}

TEST_HARNESS_MAIN
