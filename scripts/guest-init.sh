#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the test initramfs (scripts/mkinitramfs.sh): runs inside the VM,
# never on the host.
#
# Kernel command line words it reads from /proc/cmdline:
#   hwpt.NAME=VALUE   module parameter, passed to insmod as NAME=VALUE
#                     (what modprobe would do)
#   hwpt_tests=a,b    run only these /guest binaries (default: all of them)
#   hwpt_load=0       do not load /hwpt.ko
#   hwpt_rmmod=0      do not unload it after the tests
#   hwpt_kmods=a,b    kernel modules to load first, from /lib/modules/kmods
#                     (mkinitramfs.sh), e.g. the variant's IOMMU driver
#   hwpt_env=A=1,B=2  environment of the tests (HWPT_FUZZ_SECONDS, ...)
# When /hwpt-cmd exists (scripts/vm-run.sh appends it as a second cpio
# archive when given a guest command), it is run with sh instead of the
# tests.
#
# Everything is written line by line to /dev/kmsg with the tag "G: ": on
# some machines userspace output to the serial tty is lost at poweroff,
# kernel messages are not. The lines scripts/vm-run.sh looks for:
#   HWPT-KMOD-FAILED <name>    a module of hwpt_kmods did not load
#   HWPT-NO-GROUP <bdf>        a test device the IOMMU does not translate
#   HWPT-TAINT-BEFORE=<n>      /proc/sys/kernel/tainted before insmod
#   HWPT-TEST-BEGIN <name>     around each guest test binary's output
#   HWPT-TEST-END <name> rc=<exit status>
#   HWPT-TAINT=<n>             at the end
#   HWPT-KMEMLEAK <n>          kernels with kmemleak: leaks found after the
#                              module was unloaded (the first ones follow)
#   HWPT-VM-DONE rc=<n>        last line; rc 0 when everything passed

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin:/guest
# Emulated IOMMUs under TCG are slow (AMD on 6.1 most): roomy case timeouts.
export HARNESS_TIMEOUT=120
umask 022

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
# No rate limit on /dev/kmsg (printk.devkmsg=on on the command line does
# the same and then makes this write fail).
echo on > /proc/sys/kernel/printk_devkmsg 2>/dev/null

# One line to the kernel log. Records are limited to ~1000 bytes: split.
say() {
	local l="$*"

	while [ ${#l} -gt 900 ]; do
		printf '<5>G: %s\n' "${l:0:900}" > /dev/kmsg
		l=${l:900}
	done
	printf '<5>G: %s\n' "$l" > /dev/kmsg
}

# Copy stdin to the kernel log, line by line.
kmsg() {
	local line

	while IFS= read -r line || [ -n "$line" ]; do
		say "$line"
	done
}

# From here on, all output of init and its children goes through kmsg.
mkfifo /tmp/out
kmsg < /tmp/out &
kmsg_pid=$!
exec > /tmp/out 2>&1

set -f
params='' tests='' load=1 rmmod=1 kmods=''
for a in $(cat /proc/cmdline); do
	case $a in
	hwpt.*=*)	params="$params ${a#hwpt.}" ;;
	hwpt_tests=*)	tests=$(echo "${a#*=}" | tr , ' ') ;;
	hwpt_load=*)	load=${a#*=} ;;
	hwpt_rmmod=*)	rmmod=${a#*=} ;;
	hwpt_kmods=*)	kmods=$(echo "${a#*=}" | tr , ' ') ;;
	hwpt_env=*)	for e in $(echo "${a#hwpt_env=}" | tr , ' '); do
				export "$e"
			done ;;
	esac
done
set +f

echo "HWPT-VM-BOOT $(uname -r) $(uname -m) ncpus=$(nproc)"
echo "HWPT-CMDLINE $(cat /proc/cmdline)"

rc=0

# The variant's kernel modules (with their dependencies, in order), before
# the topology: an IOMMU driver loaded now probes the devices already
# there when it registers. Its IOMMU must then be in /sys/class/iommu.
if [ -n "$kmods" ]; then
	for m in $kmods; do
		if [ ! -f "/lib/modules/kmods/$m.order" ]; then
			echo "HWPT-KMOD-FAILED $m (not in the initramfs)"
			rc=1
			continue
		fi
		for d in $(cat "/lib/modules/kmods/$m.order"); do
			[ -d "/sys/module/$d" ] && continue
			insmod "/lib/modules/kmods/$d.ko" ||
				{ echo "HWPT-KMOD-FAILED $d"; rc=1; }
		done
		[ -d "/sys/module/$m" ] && echo "HWPT-KMOD $m loaded"
	done
	i=0
	while [ -z "$(ls /sys/class/iommu 2>/dev/null)" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$(ls /sys/class/iommu 2>/dev/null)" ] ||
		{ echo "HWPT-KMOD-FAILED $kmods (no IOMMU registered)"; rc=1; }
fi

# The PCI devices and IOMMU groups, for the log (few forks: slow on TCG).
topology() {
	local d g x v dev cls drv list

	for d in /sys/bus/pci/devices/*; do
		[ -e "$d" ] || continue
		g=-
		for x in /sys/kernel/iommu_groups/*/devices/${d##*/}; do
			[ -e "$x" ] && g=${x#/sys/kernel/iommu_groups/} && g=${g%%/*}
		done
		drv=-
		[ -e "$d/driver" ] && drv=$(readlink "$d/driver") && drv=${drv##*/}
		read -r v < "$d/vendor"
		read -r dev < "$d/device"
		read -r cls < "$d/class"
		echo "HWPT-PCI ${d##*/} ${v#0x}:${dev#0x} class=${cls#0x}" \
			"group=$g driver=$drv"
		# The test devices (edu, iommu-testdev) of every variant are
		# behind the IOMMU: without a group the tests would only skip.
		case ${v#0x}:${dev#0x}:$g in
		1234:11e8:-|1b36:0005:-)
			echo "HWPT-NO-GROUP ${d##*/}: a test device in no IOMMU group" ;;
		esac
	done
	for g in /sys/kernel/iommu_groups/*; do
		[ -d "$g/devices" ] || continue
		list=
		for x in "$g"/devices/*; do
			list="$list ${x##*/}"
		done
		read -r x < "$g/type" 2>/dev/null || x=?
		echo "HWPT-GROUP ${g##*/} type=$x devices=${list# }"
	done
	for d in /sys/class/iommu/*; do
		[ -e "$d" ] && echo "HWPT-IOMMU ${d##*/}"
	done
}
topology

echo "HWPT-TAINT-BEFORE=$(cat /proc/sys/kernel/tainted)"

# kmemleak (the debug kernel): what boot left counts for nothing.
kmemleak=/sys/kernel/debug/kmemleak
[ -w $kmemleak ] && echo clear > $kmemleak

loaded=0
if [ "$load" != 0 ]; then
	# Modules hwpt.ko depends on, in load order (see mkinitramfs.sh).
	if [ -f /lib/modules/deps/order ]; then
		for m in $(cat /lib/modules/deps/order); do
			insmod "/lib/modules/deps/$m" ||
				echo "HWPT-INSMOD-DEP-FAILED $m"
		done
	fi
	if insmod /hwpt.ko $params; then
		loaded=1
		echo "HWPT-INSMOD ok params=${params# }"
	else
		echo "HWPT-INSMOD-FAILED rc=$? params=${params# }"
		rc=1
	fi
fi

if [ "$load" != 0 ] && [ $loaded = 0 ]; then
	echo "HWPT-SKIPPING-TESTS (module not loaded)"
elif [ -f /hwpt-cmd ]; then
	echo "HWPT-CMD-BEGIN"
	(cd /tmp && sh /hwpt-cmd)
	r=$?
	echo "HWPT-CMD-END rc=$r"
	[ $r = 0 ] || rc=1
else
	[ -n "$tests" ] || tests=$(ls /guest 2>/dev/null)
	for t in $tests; do
		if [ ! -x "/guest/$t" ]; then
			echo "HWPT-TEST-END $t rc=127 (no such test)"
			rc=1
			continue
		fi
		echo "HWPT-TEST-BEGIN $t"
		(cd /tmp && "/guest/$t")
		r=$?
		echo "HWPT-TEST-END $t rc=$r"
		[ $r = 0 ] || rc=1
	done
fi

if [ $loaded = 1 ] && [ "$rmmod" != 0 ]; then
	if rmmod hwpt; then
		echo "HWPT-RMMOD ok"
	else
		echo "HWPT-RMMOD-FAILED"
		rc=1
	fi
fi

# An object is reported once it has been unreferenced for two scans and
# is older than kmemleak's minimum age (5 s).
if [ -w $kmemleak ]; then
	sleep 6
	echo scan > $kmemleak
	echo scan > $kmemleak
	n=$(grep -c '^unreferenced object' $kmemleak)
	echo "HWPT-KMEMLEAK $n"
	[ "$n" = 0 ] || head -n 60 $kmemleak
fi

# Let kmsg drain (bounded: a leftover child may hold the fifo open).
exec > /dev/console 2>&1
(sleep 10; kill $kmsg_pid 2>/dev/null) &
wait $kmsg_pid
say "HWPT-TAINT=$(cat /proc/sys/kernel/tainted)"
say "HWPT-VM-DONE rc=$rc"
sync
poweroff -f
