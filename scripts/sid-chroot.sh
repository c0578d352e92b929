#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Create (once) and keep up to date the Debian sid chroot at $SID_ROOT:
# gcc-16 and the 7.2 kernel headers (amd64 and arm64) for building, QEMU
# 11.x for every VM test, the arm64 cross toolchain and an arm64 busybox.
# Enter it with in_sid (scripts/env.sh). Quick when everything is there.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ "$(id -u)" = 0 ] || die "must run as root"
command -v debootstrap >/dev/null || die "no debootstrap: run scripts/deps.sh"

pkgs=(
	gcc-16 gcc make libc6-dev sparse dkms kmod bc bison flex
	cpio zstd xz-utils rsync
	qemu-system-x86 qemu-system-arm
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross busybox-static:arm64
)

# missing PKG...: print the packages not installed in the chroot.
missing() {
	local have p
	# shellcheck disable=SC2016 # dpkg-query's own ${...}
	have=$(in_sid dpkg-query -W -f='${db:Status-Status} ${binary:Package}\n' "$@" 2>/dev/null |
		sed -n 's/^installed //p' | sed 's/:amd64$//') || true
	for p; do
		grep -qxF "${p%:amd64}" <<<"$have" || echo "$p"
	done
}

mirror=$(host_mirror)
mkdir -p "$HWPT_CACHE" "$BUILD"

if [ ! -x "$SID_ROOT/usr/bin/apt-get" ]; then
	log "debootstrap sid from $mirror (about a minute)"
	rm -rf "$SID_ROOT.new"
	run_quiet "$BUILD/debootstrap.log" \
		debootstrap --variant=minbase sid "$SID_ROOT.new" "$mirror"
	rm -rf "$SID_ROOT"
	mv "$SID_ROOT.new" "$SID_ROOT"
fi

# apt and dpkg settings (root_settings); sid's Release may be past its
# Valid-Until in this mirror.
ROOT_APT_EXTRA='Acquire::Check-Valid-Until "false";' root_settings "$SID_ROOT"
echo "deb $mirror sid main" >"$SID_ROOT/etc/apt/sources.list.new"
if ! cmp -s "$SID_ROOT/etc/apt/sources.list"{,.new}; then
	mv "$SID_ROOT/etc/apt/sources.list"{.new,}
	rm -f "$SID_ROOT/var/lib/apt/hwpt-updated"
else
	rm "$SID_ROOT/etc/apt/sources.list.new"
fi
if ! in_sid dpkg --print-foreign-architectures | grep -qx arm64; then
	in_sid dpkg --add-architecture arm64
	rm -f "$SID_ROOT/var/lib/apt/hwpt-updated"
fi

apt_fresh "$SID_ROOT" || apt_update "$SID_ROOT"
krel=$(latest_krel 7.2)
[ -n "$krel" ] || die "no 7.2 kernel headers in sid's apt lists"
pkgs+=("linux-headers-$krel" "linux-headers-$(latest_krel 7.2-arm64):arm64")
mapfile -t todo < <(missing "${pkgs[@]}")
if [ ${#todo[@]} -gt 0 ]; then
	log "installing in the sid chroot: ${todo[*]}"
	run_quiet "$BUILD/sid-install.log" \
		in_sid apt-get -q -y install "${todo[@]}"
fi

# Debian's 7.2 headers lack kbuild's scripts/checker-valid.sh, so C=1 would
# quietly skip sparse. Provide one: it prints 1 if the checker named by its
# arguments runs and understands __typeof_unqual__.
cv=$SID_ROOT/usr/src/linux-headers-${krel%-amd64}-common/scripts/checker-valid.sh
if [ ! -x "$cv" ]; then
	cat >"$cv" <<'EOF'
#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Added by hwpt's scripts/sid-chroot.sh (missing from Debian's headers).
command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
t=$(mktemp --suffix=.c) || exit 1
echo 'static int f(const int *p) { __typeof_unqual__(*p) v = *p; return v; }' >"$t"
if "$@" "$t" 2>&1 | grep -q error; then echo 0; else echo 1; fi
rm -f "$t"
EOF
	chmod +x "$cv"
fi
