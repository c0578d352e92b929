# SPDX-License-Identifier: GPL-2.0
#
#   make [KDIR=/path/to/kernel/headers]   probe the kernel, build hwpt.ko
#   make check                             run every test tier
#   make check-debug                       every guest test under the debug kernel
#   make demo                              boot a VM and show hwpt working
#   make install [DESTDIR=] [PREFIX=]      sources for DKMS, library, header,
#                                          tool, manual pages, bash completion
#   make install-dkms                      sources, then dkms install
#   make deb                               the Debian source and binary
#                                          packages (debian/) in build/deb
#
KDIR ?= /lib/modules/$(shell uname -r)/build
CONFTEST_H := src/module/conftest.h
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="*\([0-9.]*\)"*$$/\1/p' dkms.conf)
DKMS_SRC := $(DESTDIR)/usr/src/hwpt-$(VERSION)

all: module

# The probes run against the target kernel first; they rewrite the header
# only when the kernel or the probes changed.
module:
	src/module/conftest.sh $(KDIR) $(CONFTEST_H)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean-module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf src/module/.conftest $(CONFTEST_H)

clean:
	rm -rf build src/module/.conftest $(CONFTEST_H)
	find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.o.d' \) -not -path './.git/*' -delete
	rm -f Module.symvers modules.order
	$(MAKE) -C tests/unit clean

unit:
	$(MAKE) -C tests/unit check

# make install [DESTDIR=...] [PREFIX=/usr/local] [LIBDIR=...]: the module's
# sources for DKMS in /usr/src/hwpt-VERSION (DKMS's source tree, whatever
# the prefix), and libhwpt (with the uAPI header), hwptctl and the manual
# pages through their own Makefiles' install targets. debian/*.install
# split what this installs into the Debian packages.
PREFIX ?= /usr/local
USER_DIRS := src/lib src/cli man

# libhwpt, hwptctl and the manual pages, built where they are.
userspace:
	set -e; for d in $(USER_DIRS); do \
		$(MAKE) -C $$d PREFIX='$(PREFIX)'; \
	done

install: install-src
	set -e; for d in $(USER_DIRS); do \
		$(MAKE) -C $$d install DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)'; \
	done

# The one list of the files DKMS builds the module from.
install-src:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/src/module/conftest $(DKMS_SRC)/src/module/vendor \
		$(DKMS_SRC)/include/uapi/linux
	install -m 0644 Kbuild Makefile dkms.conf $(DKMS_SRC)/
	install -m 0644 include/uapi/linux/hwpt.h $(DKMS_SRC)/include/uapi/linux/
	install -m 0644 $(filter-out $(CONFTEST_H),$(wildcard src/module/*.[ch])) \
		$(DKMS_SRC)/src/module/
	install -m 0644 $(wildcard src/module/vendor/*.[ch]) \
		$(DKMS_SRC)/src/module/vendor/
	install -m 0755 src/module/conftest.sh $(DKMS_SRC)/src/module/
	install -m 0644 src/module/conftest/* $(DKMS_SRC)/src/module/conftest/

# The sources, then DKMS builds and installs the module for the running
# kernel (and rebuilds it on every kernel upgrade). A registration of the
# same version, from an earlier install, goes first.
install-dkms:
	if [ -n "$$(dkms status -m hwpt -v $(VERSION))" ]; then \
		dkms remove -m hwpt -v $(VERSION) --all; fi
	$(MAKE) install-src DESTDIR=
	dkms install -m hwpt -v $(VERSION)

# The Debian packages, built by dpkg-buildpackage in a clean bookworm
# system, and lintian.
deb:
	scripts/deps.sh
	scripts/package.sh

check:
	scripts/check.sh

check-debug:
	scripts/deps.sh
	scripts/debug-tests.sh --all

demo:
	scripts/demo.sh

.PHONY: all module clean-module clean unit userspace install install-src \
	install-dkms deb check check-debug demo
