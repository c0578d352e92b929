#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/mkinitramfs.sh ID
#
# Build $BUILD/ID/initramfs.cpio.gz for the test VM of kernel ID: a static
# busybox of the kernel's architecture, build/ID/hwpt.ko (and the modules it
# depends on, from the kernel's unpacked modules), the guest test programs
# build/guest-ARCH/* in /guest, the tools build/guest-ARCH/tools/* in
# /usr/bin, and scripts/guest-init.sh as /init.
#
# Needs: scripts/build-module.sh ID and scripts/build-guest.sh ARCH first.
# HWPT_KO=PATH packs another module file as hwpt.ko (e.g. a test stub).
# The x86_64 busybox is the host's (busybox-static); the arm64 one comes
# from $HWPT_BUSYBOX_ARM64, else the sid chroot, else the busybox-static
# arm64 package downloaded in the chroot and unpacked into $HWPT_CACHE.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# = 1 ] || die "usage: $0 ID"
id=$1
load_kernel "$id"

ko=${HWPT_KO:-$BUILD/$id/hwpt.ko}
[ -f "$ko" ] || die "$ko missing: run scripts/build-module.sh $id"
case $KARCH in
x86_64)	elf_machine="3e 00" ;;
arm64)	elf_machine="b7 00" ;;
*)	die "unknown KARCH $KARCH" ;;
esac
guest=$BUILD/guest-$KARCH
[ -d "$guest" ] || die "$guest missing: run scripts/build-guest.sh $KARCH"

# is_arch FILE: FILE is an ELF executable for $KARCH.
is_arch() {
	[ -f "$1" ] &&
	[ "$(od -An -c -N4 "$1" | tr -d ' ')" = '177ELF' ] &&
	[ "$(od -An -tx1 -j18 -N2 "$1" | sed 's/^ *//')" = "$elf_machine" ]
}

find_busybox() {
	local c

	if [ "$KARCH" = x86_64 ]; then
		for c in /bin/busybox /usr/bin/busybox; do
			is_arch "$c" && { echo "$c"; return; }
		done
		die "no x86_64 busybox: apt-get install busybox-static"
	fi
	for c in ${HWPT_BUSYBOX_ARM64:-} \
		 "$SID_ROOT/usr/bin/busybox" "$SID_ROOT/bin/busybox" \
		 "$HWPT_CACHE/busybox-arm64/usr/bin/busybox" \
		 "$HWPT_CACHE/busybox-arm64/bin/busybox"; do
		is_arch "$c" && { echo "$c"; return; }
	done
	# Not there yet: take the package from sid (needs arm64 enabled in
	# the chroot's dpkg, as the arm64 cross-build does).
	log "fetching busybox-static:arm64 into $HWPT_CACHE/busybox-arm64"
	declare -F in_sid >/dev/null || die "in_sid missing: scripts/sid-chroot.sh"
	local dl=$HWPT_CACHE/busybox-arm64.dl
	rm -rf "$dl" && mkdir -p "$dl"
	in_sid sh -c "cd '$dl' && apt-get download busybox-static:arm64" >&2 ||
		die "cannot download busybox-static:arm64 in the sid chroot"
	rm -rf "$HWPT_CACHE/busybox-arm64"
	dpkg-deb -x "$dl"/busybox-static_*_arm64.deb "$HWPT_CACHE/busybox-arm64"
	rm -rf "$dl"
	for c in "$HWPT_CACHE/busybox-arm64/usr/bin/busybox" \
		 "$HWPT_CACHE/busybox-arm64/bin/busybox"; do
		is_arch "$c" && { echo "$c"; return; }
	done
	die "no arm64 busybox in busybox-static:arm64"
}

# add_deps KO: put the modules KO depends on, recursively, into
# $stage/lib/modules/deps in load order (dependencies first).
declare -A seen=()
add_deps() {
	local d f out

	for d in $(modinfo -F depends "$1" | tr , ' '); do
		[ -z "${seen[$d]:-}" ] || continue
		seen[$d]=1
		f=$(find_module "$d")
		[ -n "$f" ] || die "module $d (needed by ${1##*/}) not in $KMODDIR"
		add_deps "$f"
		out=$stage/lib/modules/deps/$d.ko
		case $f in
		*.ko)		cp "$f" "$out" ;;
		*.ko.xz)	xz -dc "$f" > "$out" ;;
		*.ko.zst)	zstd -qdc "$f" > "$out" ;;
		*.ko.gz)	gzip -dc "$f" > "$out" ;;
		*)		die "unknown module format: $f" ;;
		esac
		echo "$d.ko" >> "$stage/lib/modules/deps/order"
		log "  with dependency $d"
	done
}

busybox=$(find_busybox)
out=$BUILD/$id/initramfs.cpio.gz
mkdir -p "$BUILD/$id"
stage=$(mktemp -d "$BUILD/$id/initramfs.XXXXXX")
trap 'rm -rf "$stage" "$stage.cpio.gz"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,guest,lib/modules/deps}
install -m 755 "$busybox" "$stage/bin/busybox"
install -m 755 "$REPO/scripts/guest-init.sh" "$stage/init"
install -m 644 "$ko" "$stage/hwpt.ko"
add_deps "$ko"
n=0
for f in "$guest"/*; do
	[ -f "$f" ] && [ -x "$f" ] && [ "${f##*/}" != FAILED ] || continue
	is_arch "$f" || die "$f is not an $KARCH binary"
	install -m 755 "$f" "$stage/guest/"
	n=$((n + 1))
done
for f in "$guest"/tools/*; do
	[ -f "$f" ] || continue
	is_arch "$f" || die "$f is not an $KARCH binary"
	install -m 755 "$f" "$stage/usr/bin/"
done
# The kernel opens /dev/console for init before devtmpfs is mounted.
mknod -m 600 "$stage/dev/console" c 5 1

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -6 -n > "$stage.cpio.gz"
mv "$stage.cpio.gz" "$out"
log "$out: $n guest tests, busybox $busybox, $(du -k "$out" | cut -f1) KiB"
