#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Download and unpack the kernels of $HWPT_KERNELS (or of the IDs given)
# into $HWPT_CACHE/kernels/<ID>/ and describe each in
# $HWPT_CACHE/kernels/<ID>.env (the variables are documented in env.sh).
# 6.1 and 6.12 come from the host's bookworm lists, 7.2 from the sid chroot.
# A kernel already unpacked at the wanted release is skipped.
#
# Needs scripts/deps.sh (host headers) and scripts/sid-chroot.sh (7.2).
set -euo pipefail
. "$(dirname "$0")/env.sh"

kernels=$HWPT_CACHE/kernels
debs=$HWPT_CACHE/debs

# apt_in WHERE CMD...: run an apt command on the host or in the chroot.
apt_in() {
	local where=$1
	shift
	if [ "$where" = sid ]; then
		in_sid "$@"
	else
		"$@"
	fi
}

# pick WHERE NAME...: the first of the packages NAME that apt knows.
pick() {
	local where=$1 p
	shift
	for p; do
		if [ -n "$(apt_in "$where" apt-cache show --no-all-versions "$p" 2>/dev/null)" ]; then
			echo "$p"
			return
		fi
	done
	die "none of these packages is known to apt: $*"
}

# fetch ID: download, unpack and describe one kernel.
fetch() {
	local id=$1 krel karch where kdir hdrs='' dir arch='' cross='' p img moddir
	local -a names

	krel=$(latest_krel "$id")
	[ -n "$krel" ] || die "no kernel release found for $id"
	# As the build sees it: for 7.2 inside the chroot, where kbuild wants
	# exactly this path (through $SID_ROOT it writes into the headers).
	kdir=/usr/src/linux-headers-$krel
	# shellcheck disable=SC1090,SC2153 # KREL etc. come from the .env
	if [ -f "$kernels/$id.env" ] && (
		. "$kernels/$id.env" && [ "$KREL" = "$krel" ] && [ -f "$KIMAGE" ] &&
		[ "$KDIR" = "$kdir" ]); then
		return
	fi

	case $id in
	6.*)	where=host karch=x86_64
		names=("$(pick host "linux-image-$krel-unsigned" "linux-image-$krel")") ;;
	7.2*)	where=sid
		karch=x86_64
		if [ "$id" = 7.2-arm64 ]; then
			karch=arm64 arch=:arm64 cross=aarch64-linux-gnu-
		fi
		names=("$(pick sid "linux-binary-$krel$arch" "linux-binary-unsigned-$krel$arch")"
		       "linux-modules-$krel$arch" "linux-base-$krel$arch") ;;
	*)	die "unknown kernel ID $id" ;;
	esac
	[ "$where" = host ] || hdrs=$SID_ROOT$kdir
	[ -d "${hdrs:-$kdir}" ] || die "no headers at $kdir: run scripts/deps.sh and scripts/sid-chroot.sh"

	log "fetching kernel $id ($krel)"
	mkdir -p "$debs/$id"
	rm -f "$debs/$id"/*.deb
	(cd "$debs/$id" && run_quiet "$BUILD/fetch-$id.log" \
		apt_in "$where" apt-get -q download "${names[@]}")
	dir=$kernels/$id
	rm -rf "$dir" "$kernels/$id.env"
	mkdir -p "$dir"
	for p in "$debs/$id"/*.deb; do
		dpkg-deb -x "$p" "$dir"
	done
	rm -rf "${debs:?}/$id"

	moddir=$dir/lib/modules/$krel
	[ -d "$moddir" ] || moddir=$dir/usr/lib/modules/$krel
	[ -d "$moddir" ] || die "$id: no modules directory for $krel"
	img=$dir/boot/vmlinuz-$krel
	[ -f "$img" ] || img=$moddir/vmlinuz
	[ -f "$img" ] || img=$moddir/vmlinuz.unsigned
	[ -f "$img" ] || die "$id: no kernel image for $krel"
	# dpkg-deb -x skips the postinst, which would have run depmod
	if [ "$where" = sid ]; then
		in_sid depmod -b "$dir" -m "$(dirname "${moddir#"$dir"}")" "$krel"
	else
		depmod -b "$dir" "$krel"
	fi

	cat >"$kernels/$id.env.new" <<-EOF
	KREL=$krel
	KARCH=$karch
	KDIR=$kdir
	KIMAGE=$img
	KMODDIR=$moddir
	BUILD_IN=$where
	CROSS_COMPILE=$cross
	EOF
	mv "$kernels/$id.env.new" "$kernels/$id.env"
}

ids=("$@")
[ $# -gt 0 ] || read -ra ids <<<"$HWPT_KERNELS"
mkdir -p "$kernels" "$BUILD"
for id in "${ids[@]}"; do
	fetch "$id"
done
