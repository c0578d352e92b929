#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms-check.sh ID: package a copy of the source tree with DKMS, build it
# for one kernel (in the sid chroot for 7.2; cross for arm64), check the
# module's vermagic against the kernel's own modules, then remove it.
# DKMS works in private trees under build/ID/dkms (--dkmstree and
# friends), so the system's /var/lib/dkms and /usr/src are not touched and
# two checks can run at once. Log: build/ID/dkms.log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -eq 1 ] || die "usage: $0 ID"
id=$1
load_kernel "$id"

ver=$(sed -n 's/^PACKAGE_VERSION="*\([^"]*\)"*$/\1/p' "$REPO/dkms.conf")
[ -n "$ver" ] || die "no PACKAGE_VERSION in $REPO/dkms.conf"
out=$BUILD/$id
d=$out/dkms
logf=$out/dkms.log

# DKMS's own arch name; ARCH and CROSS_COMPILE reach make through the
# environment (dkms passes neither). No signing: it would make a key in
# /var/lib/dkms and proves nothing here.
env=(sign_file=/nonexistent)
arch=$KARCH
if [ "$KARCH" = arm64 ]; then
	arch=aarch64
	env+=(ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE")
fi
run=(env "${env[@]}")
[ "$BUILD_IN" != sid ] || run=(in_sid "${run[@]}")
dkms=("${run[@]}" dkms --dkmstree "$d/tree" --sourcetree "$d/source"
	--installtree "$d/install")

log "dkms $id ($KREL)"
rm -rf "$d"
mkdir -p "$d/tree" "$d/install"
copy_tree "$d/source/hwpt-$ver"
: >"$logf"
fail() {
	find "$d/tree" -name make.log -exec cat {} + >>"$logf" 2>/dev/null || true
	tail -n 20 "$logf" >&2
	die "dkms $id: $* (see $logf)"
}
"${dkms[@]}" add -m hwpt -v "$ver" >>"$logf" 2>&1 || fail "dkms add failed"
"${dkms[@]}" build -m hwpt -v "$ver" -k "$KREL" -a "$arch" \
	--kernelsourcedir "$KDIR" >>"$logf" 2>&1 || fail "dkms build failed"

ko=$(find "$d/tree/hwpt/$ver/$KREL" -name 'hwpt.ko*' -print -quit)
[ -n "$ko" ] || fail "no hwpt.ko in the DKMS tree"
want=$(kernel_vermagic)
got=$(vermagic "$ko")
[ "$got" = "$want" ] || fail "vermagic '$got', kernel's is '$want'"

"${dkms[@]}" remove -m hwpt -v "$ver" --all >>"$logf" 2>&1 || fail "dkms remove failed"
[ -z "$(ls -A "$d/tree/hwpt" 2>/dev/null)" ] || fail "dkms remove left $d/tree/hwpt"
rm -rf "$d"
