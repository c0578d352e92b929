#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms-upgrade-test.sh: the Debian packages (make deb) on a Debian bookworm
# system, and DKMS rebuilding the module, unasked, for a kernel installed
# after it:
#   1. a system with the 6.1 headers: apt install ./hwpt-dkms_VER_all.deb
#      (which pulls in dkms) builds and installs hwpt.ko for 6.1 in
#      /lib/modules/KREL/updates/dkms, with 6.1's vermagic, signed with
#      DKMS's own key (/var/lib/dkms/mok.key, made on the first build);
#   2. apt install ./hwpt-tools_VER_ARCH.deb: installs, pulls libhwpt1
#      from the packages' apt repository, and its programs and libraries
#      find every library they need; libhwpt-dev links a program through
#      pkg-config;
#   3. apt install the 6.12 image: DKMS's kernel hook finds no headers,
#      builds nothing and does not fail the install;
#   4. apt install the 6.12 headers: DKMS's headers hook builds and
#      installs hwpt.ko for 6.12, with 6.12's vermagic, nobody calling
#      dkms (installing both at once, as apt upgrade does, has the
#      kernel's hook do the same build);
#   5. apt remove hwpt-dkms: the module is gone from both kernels, from
#      their modules.dep and from DKMS.
# The kernels are the releases scripts/fetch-kernels.sh uses (same apt
# lists, same HWPT_KREL_* overrides); the vermagic wanted is that of the
# kernels' own modules it unpacked.
#
# The system: bookworm debootstrap'd into $HWPT_CACHE/bookworm, with
# dkms's dependencies, openssl and the 6.1 headers installed and the
# dkms and 6.12 packages downloaded; made on first use (a few minutes),
# remade when the 6.1 release changes, and otherwise used offline. Each
# run works in an overlay on it that is thrown away (build/dkms-upgrade),
# in a private mount namespace: the mounts (/proc, /dev, the overlay) go
# with the script, however it ends. No process in there can load a
# module: CAP_SYS_MODULE is out of its bounding set.
#
# Prints "ok - STEP" or "not ok - STEP" per step, "N passed, N failed"
# last; exits nonzero if a step failed. Log: build/dkms-upgrade/log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ "$(id -u)" = 0 ] || die "must run as root"
# Everything below in a mount namespace of our own.
if [ "${HWPT_UPGRADE_NS:-}" != $$ ]; then
	# shellcheck disable=SC2016 # expanded by the inner shell
	exec unshare --mount --propagation private -- \
		/bin/sh -c 'HWPT_UPGRADE_NS=$$ exec "$0" "$@"' "$0" "$@"
fi

base=$HWPT_CACHE/bookworm
out=$BUILD/dkms-upgrade
logf=$out/log
ver=$(sed -n 's/^PACKAGE_VERSION="*\([^"]*\)"*$/\1/p' "$REPO/dkms.conf")
[ -n "$ver" ] || die "no PACKAGE_VERSION in $REPO/dkms.conf"

load_kernel 6.1
# shellcheck disable=SC2153 # KREL comes from load_kernel
k61=$KREL
v61=$(kernel_vermagic)
load_kernel 6.12
k612=$KREL
v612=$(kernel_vermagic)

# What the cached system has installed: dkms's dependencies (not dkms:
# the package must pull it in), openssl for DKMS's signing key, xz for
# modules compressed as the kernel's are, and the 6.1 headers.
base_pkgs=(build-essential gcc make dpkg-dev patch kmod lsb-release
	openssl xz-utils "linux-headers-$k61")
# What it has downloaded only.
later_pkgs=(dkms "linux-headers-$k612" pkgconf libpci3)

# make_base: the cached system, with $base_pkgs (make_root).
make_base() {
	make_root "$base" minbase "$out" "$k61" reuse_debs "${base_pkgs[@]}"
}

# reuse_debs ROOT: the kernel packages the host's apt has downloaded
# (scripts/deps.sh installs the same headers), into ROOT's apt cache.
reuse_debs() {
	local f
	for f in /var/cache/apt/archives/linux-*.deb; do
		if [ -f "$f" ] && [ ! -f "$1/var/cache/apt/archives/${f##*/}" ]; then
			cp "$f" "$1/var/cache/apt/archives/"
		fi
	done
}

# fetch_later: download $later_pkgs into $base's apt cache (nothing to do
# when they are there; apt-get update first if apt does not know them).
fetch_later() {
	mount_root "$base"
	cp -L /etc/resolv.conf "$base/etc/resolv.conf"
	reuse_debs "$base"
	if ! in_root "$base" apt-get -q -y --download-only install "${later_pkgs[@]}" \
		>"$out/base-download.log" 2>&1; then
		log "apt-get update (bookworm test system)"
		run_quiet "$out/base-update.log" in_root "$base" apt-get -q update
		run_quiet "$out/base-download.log" \
			in_root "$base" apt-get -q -y --download-only install "${later_pkgs[@]}"
	fi
	umount_root "$base"
}

t0=$SECONDS
rm -rf "$out"
mkdir -p "$out" "$HWPT_CACHE"
: >"$logf"

# The packages, from the tree as it is.
run_quiet "$out/package.log" "$REPO/scripts/package.sh"
dkms_deb=$BUILD/deb/hwpt-dkms_${ver}_all.deb
tools_deb=$(echo "$BUILD/deb/hwpt-tools_${ver}_"*.deb)
[ -f "$dkms_deb" ] || die "make deb made no $dkms_deb"
[ -f "$tools_deb" ] || die "make deb made no $tools_deb"

# The cached system, made or brought up to date under an exclusive lock,
# then used under a shared one: concurrent runs share it, and nobody
# changes it under an overlay.
exec 9>"$HWPT_CACHE/bookworm.lock"
flock 9
if [ "$(cat "$base/.hwpt-base" 2>/dev/null)" != "$k61" ]; then
	make_base
fi
fetch_later
flock -s 9
log "setup: $((SECONDS - t0)) s"

# The throwaway system: an overlay on the cached one.
root=$out/root
mkdir -p "$out/upper" "$out/work" "$root"
mount -t overlay overlay \
	-o "lowerdir=$base,upperdir=$out/upper,workdir=$out/work" "$root"
mount_root "$root"
# The packages as an apt repository in /tmp/debs, as a lab's archive
# would have them: apt pulls libhwpt1 from there for hwpt-tools.
mkdir -p "$root/tmp/debs"
cp "$BUILD/deb/"*.deb "$BUILD/deb/Packages" "$root/tmp/debs/"
echo "deb [trusted=yes] file:/tmp/debs ./" >"$root/etc/apt/sources.list.d/hwpt.list"
in_root "$root" apt-get -q update -o Dir::Etc::sourcelist=sources.list.d/hwpt.list \
	-o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 >>"$logf" 2>&1 ||
	die "apt-get update of the package repository failed (see $logf)"

pass=0 fail=0
# step NAME CMD...: run a step (its output in the log), print its result.
# CMD runs in an if, so without set -e: it returns 1 itself on failure.
step() {
	local name=$1 t0=$SECONDS
	shift
	echo "=== $name" >>"$logf"
	if "$@" >>"$logf" 2>&1; then
		echo "ok - $name ($((SECONDS - t0)) s)"
		pass=$((pass + 1))
	else
		echo "not ok - $name (see ${logf#"$REPO/"})"
		grep -v '^$' "$logf" | tail -n 12 | sed 's/^/# /'
		fail=$((fail + 1))
	fi
}

# module_ok KREL VERMAGIC: hwpt.ko is installed for KREL by DKMS, with
# VERMAGIC, signed by DKMS's key, in modules.dep.
module_ok() {
	local krel=$1 want=$2 status ko got signer tmp
	status=$(in_root "$root" dkms status -m hwpt -v "$ver" -k "$krel")
	echo "dkms status: $status"
	[[ $status = *": installed"* ]] || { echo "not installed for $krel"; return 1; }
	ko=$(find "$root/lib/modules/$krel/updates/dkms" -name 'hwpt.ko*' -print -quit 2>/dev/null)
	[ -n "$ko" ] || { echo "no hwpt.ko in /lib/modules/$krel/updates/dkms"; return 1; }
	echo "module: ${ko#"$root"}"
	got=$(vermagic "$ko") || return 1
	[ "$got" = "$want" ] || { echo "vermagic '$got', the kernel's is '$want'"; return 1; }
	tmp=$(mktemp --suffix=.ko)
	case $ko in
	*.xz)	xz -dc "$ko" >"$tmp" ;;
	*.zst)	zstd -qdc "$ko" >"$tmp" ;;
	*)	cp "$ko" "$tmp" ;;
	esac
	signer=$(modinfo -F signer "$tmp")
	rm -f "$tmp"
	[ "$signer" = "DKMS module signing key" ] ||
		{ echo "signer '$signer', not DKMS's key"; return 1; }
	grep -q "^updates/dkms/hwpt\.ko[^:]*:" "$root/lib/modules/$krel/modules.dep" ||
		{ echo "hwpt is not in /lib/modules/$krel/modules.dep"; return 1; }
}

install_dkms() {
	in_root "$root" apt-get -q -y install "/tmp/debs/${dkms_deb##*/}" || return 1
	module_ok "$k61" "$v61"
}

# install_tools: apt install ./hwpt-tools_*.deb pulls libhwpt1 in, the
# programs and libraries find every library they link, and libhwpt-dev's
# pkg-config file links a program.
install_tools() {
	local f bad=0
	in_root "$root" apt-get -q -y install "/tmp/debs/${tools_deb##*/}" || return 1
	in_root "$root" dpkg -s libhwpt1 >/dev/null || { echo "libhwpt1 not pulled in"; return 1; }
	in_root "$root" hwptctl --help >/dev/null || { echo "hwptctl --help failed"; return 1; }
	while read -r f; do
		[ ! -L "$root$f" ] || continue
		[ -f "$root$f" ] || continue
		[ "$(head -c 4 "$root$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
		echo "ldd $f"
		if in_root "$root" ldd "$f" | grep 'not found'; then
			bad=1
		fi
	done < <(in_root "$root" dpkg -L hwpt-tools libhwpt1)
	[ "$bad" = 0 ] || return 1
	in_root "$root" apt-get -q -y install libhwpt-dev pkgconf || return 1
	[ -f "$root/usr/include/linux/hwpt.h" ] || { echo "no /usr/include/linux/hwpt.h"; return 1; }
	printf '#include <libhwpt.h>\nint main(void) { return !hwpt_ctx_open; }\n' \
		>"$root/tmp/t.c"
	in_root "$root" sh -c 'gcc -o /tmp/t /tmp/t.c $(pkg-config --cflags --libs hwpt) && /tmp/t'
}

# A kernel installed without its headers: DKMS's hook (postinst.d) has
# nothing to build with, and must not fail the install.
kernel_image() {
	in_root "$root" apt-get -q -y install "linux-image-$k612" || return 1
	[ -d "$root/lib/modules/$k612/kernel" ] || { echo "no /lib/modules/$k612"; return 1; }
	[ -z "$(find "$root/lib/modules/$k612" -name 'hwpt.ko*')" ] ||
		{ echo "hwpt.ko for $k612 without its headers?"; return 1; }
}

# Its headers: DKMS's hook (header_postinst.d) builds and installs the
# module, nobody asking.
kernel_headers() {
	in_root "$root" apt-get -q -y install "linux-headers-$k612" || return 1
	module_ok "$k612" "$v612"
}

remove_dkms() {
	local left
	in_root "$root" apt-get -q -y remove hwpt-dkms || return 1
	left=$(find "$root/lib/modules" -name 'hwpt.ko*')
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
	! grep -l hwpt "$root/lib/modules/"*/modules.dep 2>/dev/null ||
		{ echo "hwpt still in modules.dep"; return 1; }
	[ -z "$(in_root "$root" dkms status hwpt)" ] ||
		{ echo "still in dkms status"; return 1; }
	[ ! -e "$root/usr/src/hwpt-$ver" ] || { echo "/usr/src/hwpt-$ver left"; return 1; }
	[ ! -e "$root/var/lib/dkms/hwpt" ] || { echo "/var/lib/dkms/hwpt left"; return 1; }
}

step "hwpt-dkms installs, builds hwpt.ko for $k61" install_dkms
step "hwpt-tools installs, pulls libhwpt1, links; libhwpt-dev links a program" install_tools
step "kernel $k612 installed without headers, install does not fail" kernel_image
step "headers $k612 installed, DKMS builds hwpt.ko for it unasked" kernel_headers
step "hwpt-dkms removed, modules gone" remove_dkms

umount_root "$root"
umount "$root"
[ "$fail" -gt 0 ] || rm -rf "$out/upper" "$out/work" "$root"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
