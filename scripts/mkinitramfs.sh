#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/mkinitramfs.sh ID
#
# Build $BUILD/ID/initramfs.cpio.gz for the test VM of kernel ID: a static
# busybox of the kernel's architecture, build/ID/hwpt.ko (and the modules it
# depends on, from the kernel's unpacked modules), the guest test programs
# build/guest-ARCH/* in /guest, the tools build/guest-ARCH/tools/* in
# /usr/bin, the kernel modules some VM variants need (GUEST_KMODS below)
# in /lib/modules/kmods, and scripts/guest-init.sh as /init.
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

# unpack_ko FILE OUT: the module FILE, compressed or not, as OUT.
unpack_ko() {
	case $1 in
	*.ko)		cp "$1" "$2" ;;
	*.ko.xz)	xz -dc "$1" > "$2" ;;
	*.ko.zst)	zstd -qdc "$1" > "$2" ;;
	*.ko.gz)	gzip -dc "$1" > "$2" ;;
	*)		die "unknown module format: $1" ;;
	esac
}

# add_deps KO: put the modules KO depends on, recursively, into
# $stage/lib/modules/deps in load order (dependencies first).
declare -A seen=()
add_deps() {
	local d f

	for d in $(modinfo -F depends "$1" | tr , ' '); do
		[ -z "${seen[$d]:-}" ] || continue
		seen[$d]=1
		f=$(find_module "$d")
		[ -n "$f" ] || die "module $d (needed by ${1##*/}) not in $KMODDIR"
		add_deps "$f"
		unpack_ko "$f" "$stage/lib/modules/deps/$d.ko"
		echo "$d.ko" >> "$stage/lib/modules/deps/order"
		log "  with dependency $d"
	done
}

# Kernel modules a VM variant has the guest's /init load before anything
# else (vm-run.sh passes hwpt_kmods=NAME,...): virtio_iommu, which Debian
# builds as a module (6.12, 7.2; 6.1 does not build it). Packed when the
# kernel has them as modules, as /lib/modules/kmods/NAME.ko with their
# dependencies, and NAME.order, the load order (dependencies first).
GUEST_KMODS="virtio_iommu"

# add_kmod NAME ORDER: NAME after its dependencies into
# $stage/lib/modules/kmods, their names appended to ORDER.
add_kmod() {
	local n=${1//-/_} f d

	grep -qx "$n" "$2" 2>/dev/null && return 0
	f=$(find_module "$n")
	[ -n "$f" ] || return 0		# built in
	for d in $(modinfo -F depends "$f" | tr , ' '); do
		add_kmod "$d" "$2"
	done
	[ -f "$stage/lib/modules/kmods/$n.ko" ] ||
		unpack_ko "$f" "$stage/lib/modules/kmods/$n.ko"
	echo "$n" >> "$2"
}

busybox=$(find_busybox)
out=$BUILD/$id/initramfs.cpio.gz
mkdir -p "$BUILD/$id"
stage=$(mktemp -d "$BUILD/$id/initramfs.XXXXXX")
trap 'rm -rf "$stage" "$stage.cpio.gz"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,guest,lib/modules/deps,lib/modules/kmods}
install -m 755 "$busybox" "$stage/bin/busybox"
install -m 755 "$REPO/scripts/guest-init.sh" "$stage/init"
install -m 644 "$ko" "$stage/hwpt.ko"
add_deps "$ko"
for m in $GUEST_KMODS; do
	[ -z "$(find_module "$m")" ] && continue
	add_kmod "$m" "$stage/lib/modules/kmods/$m.order"
	log "  with $m for the variants that load it"
done
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
# The libkmod hwptctl (build-guest.sh), run through its own loader.
if [ -d "$guest/tools/kmod" ]; then
	mkdir -p "$stage/opt/hwptctl-kmod"
	cp "$guest"/tools/kmod/* "$stage/opt/hwptctl-kmod/"
	loader=$(cd "$guest/tools/kmod" && ls ld-linux-*)
	cat > "$stage/usr/bin/hwptctl-kmod" <<-EOS
	#!/bin/sh
	exec /opt/hwptctl-kmod/$loader --library-path /opt/hwptctl-kmod /opt/hwptctl-kmod/hwptctl "\$@"
	EOS
	chmod 755 "$stage/usr/bin/hwptctl-kmod"
fi
# The kernel opens /dev/console for init before devtmpfs is mounted.
mknod -m 600 "$stage/dev/console" c 5 1

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -6 -n > "$stage.cpio.gz"
mv "$stage.cpio.gz" "$out"
log "$out: $n guest tests, busybox $busybox, $(du -k "$out" | cut -f1) KiB"
