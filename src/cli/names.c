// SPDX-License-Identifier: GPL-2.0
/*
 * hwptctl: the names of a PCI device's vendor, device and class, from the
 * PCI ID database (pci.ids, udev's hwdb) through pciutils' libpci, as
 * lspci shows them. Only names: what sysfs tells of a device (IDs, driver,
 * IOMMU group) comes from libhwpt, for every build and every program that
 * links the library. libpci is GPL, so libhwpt (LGPL) does not link it, and
 * it has no static library in Debian: the static guest build goes without
 * (HAVE_LIBPCI=0), and its names are unknown.
 */
#include <stdio.h>
#include <stdlib.h>

#ifdef HAVE_LIBPCI
#include <setjmp.h>
#include <pci/pci.h>
#endif

#include "cli.h"

#ifdef HAVE_LIBPCI

const bool cli_have_libpci = true;

static struct pci_access *names_pacc;
static sigjmp_buf names_jmp;
static bool names_off;

/* Warnings of a pci.ids that does not parse: no names, and no noise. */
static void names_quiet(char *msg, ...)
{
	(void)msg;
}

/*
 * libpci reports a pci.ids it cannot parse, and running out of memory, as
 * fatal errors that must not return; hwptctl then goes on without names
 * (the output, a JSON document say, must still be whole).
 */
static void __attribute__((noreturn)) names_fatal(char *msg, ...)
{
	(void)msg;
	siglongjmp(names_jmp, 1);
}

/* @flags' name of @a (and @b), or NULL if the database has none. */
static const char *names_lookup(char *buf, size_t len, int flags, int a,
				int b)
{
	if (names_off || sigsetjmp(names_jmp, 0)) {
		/* libpci's state is unknown after a fatal error: left alone. */
		names_off = true;
		return NULL;
	}
	if (!names_pacc) {
		/* Names need no access method: no pci_init(), no probing. */
		names_pacc = pci_alloc();
		names_pacc->error = names_fatal;
		names_pacc->warning = names_quiet;
		names_pacc->debug = names_quiet;
	}
	return pci_lookup_name(names_pacc, buf, len,
			       flags | PCI_LOOKUP_NO_NUMBERS, a, b);
}

void cli_pci_names(const struct hwpt_pci_info *p, struct cli_pci_names *n)
{
	n->vendor = names_lookup(n->vendor_buf, sizeof(n->vendor_buf),
				 PCI_LOOKUP_VENDOR, p->vendor, 0);
	n->device = names_lookup(n->device_buf, sizeof(n->device_buf),
				 PCI_LOOKUP_DEVICE, p->vendor, p->device);
	n->class = names_lookup(n->class_buf, sizeof(n->class_buf),
				PCI_LOOKUP_CLASS, p->pci_class >> 8, 0);
}

void cli_pci_names_end(void)
{
	if (names_pacc && !names_off)
		pci_cleanup(names_pacc);
	names_pacc = NULL;
}

#else /* !HAVE_LIBPCI */

const bool cli_have_libpci;

void cli_pci_names(const struct hwpt_pci_info *p, struct cli_pci_names *n)
{
	(void)p;
	n->vendor = NULL;
	n->device = NULL;
	n->class = NULL;
}

void cli_pci_names_end(void)
{
}

#endif /* HAVE_LIBPCI */
