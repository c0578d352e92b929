#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/build-guest.sh x86_64|arm64
#
# Compile every tests/guest/*.c into a static binary build/guest-ARCH/NAME
# for the test VMs (the guest's /init runs them all as tests), and every
# command-line tool src/cli/*.c into build/guest-ARCH/tools/NAME (in the
# guest's PATH): x86_64 with the host's gcc, arm64 with the sid chroot's
# aarch64-linux-gnu-gcc. They include tests/harness.h and the uAPI header
# <linux/hwpt.h> from include/uapi.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# = 1 ] || die "usage: $0 x86_64|arm64"
arch=$1
out=$BUILD/guest-$arch
cflags="-static -Wall -Wextra -Werror -O2 -I$REPO/include/uapi -I$REPO/tests"

case $arch in
x86_64)	cc=gcc ;;
arm64)	cc=aarch64-linux-gnu-gcc
	declare -F in_sid >/dev/null ||
		die "in_sid missing: the sid chroot (scripts/sid-chroot.sh) is needed for arm64" ;;
*)	die "unknown architecture $arch" ;;
esac

# One compiler run per program, all in one chroot entry for arm64. A
# program that does not build is listed in build/guest-ARCH/FAILED and
# makes the exit status 1; the others are built all the same.
cmds=
n=0
for src in "$REPO"/tests/guest/*.c "$REPO"/src/cli/*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	dir=$out
	[ "${src#"$REPO"/src/cli/}" = "$src" ] || dir=$out/tools
	cmds+="if $cc $cflags -o '$dir/$name.tmp' '$src'; then mv '$dir/$name.tmp' '$dir/$name'; "
	cmds+="else rm -f '$dir/$name.tmp'; echo '$name' >> '$out/FAILED'; fi; "
	n=$((n + 1))
done

rm -rf "$out"
mkdir -p "$out/tools"
if [ "$arch" = x86_64 ]; then
	sh -c "$cmds"
else
	in_sid sh -c "$cmds" || die "cannot run $cc in the sid chroot"
fi
if [ -f "$out/FAILED" ]; then
	log "$arch: $(wc -l < "$out/FAILED") of $n guest programs failed to build: $(echo $(cat "$out/FAILED"))"
	exit 1
fi
log "$n guest programs and tools for $arch in $out"
