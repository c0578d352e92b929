# SPDX-License-Identifier: GPL-2.0
#
#   make [KDIR=/path/to/kernel/headers]   probe the kernel, build hwpt.ko
#   make check                             run every test tier
#   make demo                              boot a VM and show hwpt working
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

# Module sources for DKMS, which builds and installs for the running kernel
# and rebuilds on every kernel upgrade.
install-dkms:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)/src/module/conftest $(DKMS_SRC)/include/uapi/linux
	cp Kbuild Makefile dkms.conf $(DKMS_SRC)/
	cp include/uapi/linux/hwpt.h $(DKMS_SRC)/include/uapi/linux/
	cp src/module/*.[ch] src/module/conftest.sh $(DKMS_SRC)/src/module/
	cp src/module/conftest/* $(DKMS_SRC)/src/module/conftest/
	rm -f $(DKMS_SRC)/src/module/conftest.h
	dkms install hwpt/$(VERSION)

check:
	scripts/check.sh

demo:
	scripts/demo.sh

.PHONY: all module clean-module clean unit install-dkms check demo
