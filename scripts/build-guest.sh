#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/build-guest.sh x86_64|arm64
#
# Compile every tests/guest/*.c into a static binary build/guest-ARCH/NAME
# for the test VMs (the guest's /init runs them all as tests), and the
# command-line tool hwptctl, static, on a static libhwpt and without
# libkmod (src/cli, src/lib), into build/guest-ARCH/tools/hwptctl (in the
# guest's PATH): x86_64 with the host's gcc, arm64 with the sid chroot's
# aarch64-linux-gnu-gcc. The tests include tests/harness.h and the uAPI
# header <linux/hwpt.h> from include/uapi.
#
# x86_64 also gets hwptctl as the packages build it (shared libhwpt, with
# libkmod), in build/guest-x86_64/tools/kmod/ with every library it needs
# and the host's dynamic loader beside it: the guest runs it as
# hwptctl-kmod, so that its libkmod load and unload paths are tested too.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# = 1 ] || die "usage: $0 x86_64|arm64"
arch=$1
out=$BUILD/guest-$arch
cflags="-static -Wall -Wextra -Werror -O2 -I$REPO/include/uapi -I$REPO/tests"

case $arch in
x86_64)	cc=gcc ar=ar ;;
arm64)	cc=aarch64-linux-gnu-gcc ar=aarch64-linux-gnu-ar
	declare -F in_sid >/dev/null ||
		die "in_sid missing: the sid chroot (scripts/sid-chroot.sh) is needed for arm64" ;;
*)	die "unknown architecture $arch" ;;
esac

# One compiler run per program, and one make for hwptctl (objects in
# build/guest-ARCH.obj, its log in build/guest-ARCH.obj/make.log), all in
# one chroot entry for arm64. A program that does not build is listed in
# build/guest-ARCH/FAILED and makes the exit status 1; the others are
# built all the same.
obj=$out.obj
cmds=
n=0
for src in "$REPO"/tests/guest/*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	cmds+="if $cc $cflags -o '$out/$name.tmp' '$src'; then mv '$out/$name.tmp' '$out/$name'; "
	cmds+="else rm -f '$out/$name.tmp'; echo '$name' >> '$out/FAILED'; fi; "
	n=$((n + 1))
done
cmds+="if make -s -C '$REPO/src/cli' STATIC=1 CC=$cc AR=$ar CFLAGS='-O2 -Werror' "
cmds+="O='$obj/cli' LIBO='$obj/lib' > '$obj/make.log' 2>&1; "
cmds+="then cp '$obj/cli/hwptctl' '$out/tools/hwptctl'; "
cmds+="else cat '$obj/make.log' >&2; echo hwptctl >> '$out/FAILED'; fi; "
n=$((n + 1))

# kmod_tool DIR: the libkmod hwptctl, its libraries and loader into DIR.
kmod_tool() {
	local dir=$1 lib
	local env=(O="$obj/cli-kmod" LIBO="$obj/lib-kmod" HAVE_LIBKMOD=1)

	make -s -C "$REPO/src/cli" CFLAGS='-O2 -Werror' "${env[@]}" \
		> "$obj/make-kmod.log" 2>&1 || { cat "$obj/make-kmod.log" >&2; return 1; }
	mkdir -p "$dir"
	cp "$obj/cli-kmod/hwptctl" "$dir/"
	# ldd: "name => path (addr)" and the loader as "path (addr)".
	for lib in $(LD_LIBRARY_PATH="$obj/lib-kmod" ldd "$dir/hwptctl" |
		     awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		cp -L "$lib" "$dir/"
	done
	ls "$dir"/ld-linux-* > /dev/null && ls "$dir"/libkmod.so.* > /dev/null
}

rm -rf "$out" "$obj"
mkdir -p "$out/tools" "$obj"
if [ "$arch" = x86_64 ]; then
	sh -c "$cmds"
	kmod_tool "$out/tools/kmod" || echo hwptctl-kmod >> "$out/FAILED"
else
	in_sid sh -c "$cmds" || die "cannot run $cc in the sid chroot"
fi
if [ -f "$out/FAILED" ]; then
	log "$arch: $(wc -l < "$out/FAILED") of $n guest programs failed to build: $(echo $(cat "$out/FAILED"))"
	exit 1
fi
log "$n guest programs and tools for $arch in $out"
