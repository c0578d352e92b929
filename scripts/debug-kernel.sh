#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/debug-kernel.sh
#
# Build (once) the debug kernel of the debug tier: Debian's own
# linux-source-7.2 from sid, configured from scripts/debug-kernel.config
# (KASAN, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_LIST, DEBUG_OBJECTS, kmemleak,
# UBSAN, DEBUG_VM, failslab), compiled with sid's gcc-16 in the sid chroot,
# and describe it as kernel ID "7.2-debug" ($HWPT_CACHE/kernels/7.2-debug.env,
# the variables of env.sh), so that build-module.sh, mkinitramfs.sh and
# vm-run.sh take it like any Debian kernel.
#
# Cached in $HWPT_CACHE/debug-kernel/KEY, KEY naming the source version, the
# compiler and the hash of the config fragment and of this script: a warm
# run does nothing, a change of any of them builds anew (about 10 minutes on
# 2 cores; older builds are removed). Log: build/debug-kernel.log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

id=7.2-debug
pkg=linux-source-7.2
frag=$REPO/scripts/debug-kernel.config
top=$HWPT_CACHE/debug-kernel
logf=$BUILD/debug-kernel.log
mkdir -p "$top" "$BUILD" "$HWPT_CACHE/kernels"

[ -x "$SID_ROOT/usr/bin/gcc" ] || die "no sid chroot: run scripts/sid-chroot.sh"
# What building a kernel needs beyond the chroot's module toolchain.
need=(libelf-dev libssl-dev)
for p in "${need[@]}"; do
	in_sid dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null |
		grep -qx installed && continue
	log "installing in the sid chroot: ${need[*]}"
	run_quiet "$BUILD/debug-kernel-deps.log" \
		in_sid apt-get -q -y install "${need[@]}"
	break
done

pv=$(in_sid apt-cache show --no-all-versions "$pkg" 2>/dev/null |
	sed -n 's/^Version: //p')
[ -n "$pv" ] || die "apt knows no $pkg in the sid chroot"
gccv=$(in_sid gcc -dumpfullversion)
hash=$(cat "$frag" "$0" | sha256sum | cut -c1-12)
key=$pv-gcc$gccv-$hash
dir=$top/$key
krel=${pv%-*}-hwpt-debug

if [ -f "$dir/done" ] && [ -f "$HWPT_CACHE/kernels/$id.env" ] &&
   grep -qx "KDIR=$dir/build" "$HWPT_CACHE/kernels/$id.env"; then
	log "debug kernel $key: cached"
	exit 0
fi

start=$SECONDS
for old in "$top"/*; do
	[ "$old" = "$dir" ] || rm -rf "$old"
done
rm -rf "$dir"
mkdir -p "$dir/dl"

log "debug kernel: fetching $pkg $pv"
(cd "$dir/dl" && run_quiet "$logf" in_sid apt-get -q download "$pkg")
log "debug kernel: unpacking"
dpkg-deb --fsys-tarfile "$dir"/dl/"${pkg}"_*.deb |
	tar -xO "./usr/src/$pkg.tar.xz" | tar -xJ -C "$dir"
rm -rf "$dir/dl"
mv "$dir/$pkg" "$dir/src"

# allnoconfig with the fragment as the "all" config: exactly these options
# and what they need. Each must have come out as asked.
mkdir -p "$dir/build"
kmake=(make -C "$dir/src" O="$dir/build"
       LOCALVERSION=-hwpt-debug KBUILD_BUILD_TIMESTAMP=hwpt
       KBUILD_BUILD_USER=hwpt KBUILD_BUILD_HOST=hwpt)
run_quiet "$logf" in_sid "${kmake[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig
bad=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$frag" | while read -r l; do
	grep -qxF "$l" "$dir/build/.config" || echo "$l"
done)
[ -z "$bad" ] || die "debug kernel: options the config did not take: $(echo $bad)"

log "debug kernel: building $krel (about 10 minutes)"
run_quiet "$logf" in_sid "${kmake[@]}" -j"$(nproc)" bzImage modules
run_quiet "$logf" in_sid "${kmake[@]}" INSTALL_MOD_PATH="$dir/root" \
	INSTALL_MOD_STRIP=1 modules_install
[ "$(cat "$dir/build/include/config/kernel.release")" = "$krel" ] ||
	die "debug kernel: release $(cat "$dir/build/include/config/kernel.release"), expected $krel"

cat >"$HWPT_CACHE/kernels/$id.env.new" <<EOF
KREL=$krel
KARCH=x86_64
KDIR=$dir/build
KIMAGE=$dir/build/arch/x86/boot/bzImage
KMODDIR=$dir/root/lib/modules/$krel
BUILD_IN=sid
CROSS_COMPILE=
EOF
mv "$HWPT_CACHE/kernels/$id.env.new" "$HWPT_CACHE/kernels/$id.env"
touch "$dir/done"
log "debug kernel $key built in $((SECONDS - start)) s"
