#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install on the (Debian bookworm) host what building and testing needs:
# the toolchain, sparse, dkms, debootstrap for the sid chroot and the
# bookworm test system, dpkg-dev for the Debian packages, busybox and cpio
# for the guests' initramfs, and the headers of the host-built kernels
# (6.1 and 6.12); libkmod and libpci for hwptctl; lintian, scdoc and
# man-db for the packages and their manual pages.
# Quick and quiet when everything is there already.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ "$(id -u)" = 0 ] || die "must run as root"

pkgs=(
	build-essential libc6-dev sparse dkms kmod libelf-dev bc bison flex
	debootstrap debian-archive-keyring dpkg-dev binutils util-linux
	cpio zstd xz-utils busybox-static rsync git
	libkmod-dev libpci-dev pkg-config
	lintian scdoc man-db
)

# missing PKG...: print the packages that are not installed.
missing() {
	local p
	for p; do
		dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null |
			grep -qx installed || echo "$p"
	done
}

# wanted: print every package wanted; fails if apt knows no headers.
wanted() {
	local id k
	printf '%s\n' "${pkgs[@]}"
	for id in 6.1 6.12; do
		k=$(latest_krel "$id")
		[ -n "$k" ] || return 1
		echo "linux-headers-$k"
	done
}

export DEBIAN_FRONTEND=noninteractive
if list=$(wanted) && [ -z "$(mapfile -t w <<<"$list" && missing "${w[@]}")" ]; then
	exit 0
fi
if ! apt_fresh / || ! wanted >/dev/null; then
	apt_update /
fi
list=$(wanted) || die "no 6.1/6.12 kernel headers in the apt lists"
mapfile -t w <<<"$list"
mapfile -t todo < <(missing "${w[@]}")
[ ${#todo[@]} -gt 0 ] || exit 0
log "installing on the host: ${todo[*]}"
mkdir -p "$BUILD"
# INITRD=No: the 6.12 headers pull in its image, whose initramfs (a
# minute to build) nothing here uses
INITRD=No run_quiet "$BUILD/deps.log" \
	apt-get -q -y --no-install-recommends \
	-o Dpkg::Options::=--force-unsafe-io install "${todo[@]}"
