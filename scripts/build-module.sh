#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-module.sh ID [MAKE ARGS...]: build hwpt.ko for one kernel from a
# copy of the source tree in build/ID/src, with W=1 and sparse (C=1).
# Fails on any compiler, modpost or sparse diagnostic, and when the
# module's vermagic differs from that of the kernel's own modules.
# Output: build/ID/hwpt.ko, build/ID/build.log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -ge 1 ] || die "usage: $0 ID [make args...]"
id=$1
shift
load_kernel "$id"

# Compiler, sparse and modpost diagnostics, and kbuild's notes that it
# skipped sparse or missed a file.
diag='warning:|error:|^[^ :]+:[0-9]+:[0-9]+: |C=[0-9] specified, but|No such file'
out=$BUILD/$id
src=$out/src
logf=$out/build.log
args=(KDIR="$KDIR" W=1 C=1)
[ "$KARCH" != arm64 ] || args+=(ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE")
run=()
[ "$BUILD_IN" != sid ] || run=(in_sid)

log "build $id ($KREL)"
rm -f "$out/hwpt.ko"
copy_tree "$src"
cd "$src"
if ! "${run[@]}" make -j"$(nproc)" "${args[@]}" "$@" >"$logf" 2>&1; then
	grep -E -i -m 20 "$diag" "$logf" >&2 ||
		tail -n 20 "$logf" >&2
	die "build $id failed (see $logf)"
fi
if grep -E -i "$diag" "$logf" >"$out/diagnostics"; then
	head -n 20 "$out/diagnostics" >&2
	die "build $id: $(wc -l <"$out/diagnostics") diagnostic line(s) (see $logf)"
fi
rm -f "$out/diagnostics"
[ -f hwpt.ko ] || die "build $id made no hwpt.ko (see $logf)"

want=$(kernel_vermagic)
[ -n "$want" ] || die "$id: no vermagic found in $KMODDIR"
got=$(modinfo -F vermagic hwpt.ko)
[ "$got" = "$want" ] || die "build $id: vermagic '$got', kernel's is '$want'"
cp hwpt.ko "$out/hwpt.ko"
