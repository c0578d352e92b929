#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# fetch-sources.sh [VER...]: unpack (once) the parts of Debian's kernel
# sources that matter here into $HWPT_CACHE/src/VER/: the IOMMU and VFIO
# drivers and headers to read, and checkpatch.pl with its data files.
# VER is 6.1 or 6.12 (linux-source-VER of bookworm) or 7.2 (of sid);
# default all three.
set -euo pipefail
. "$(dirname "$0")/env.sh"

members=(
	scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
	'drivers/iommu/*' 'drivers/vfio/*'
	'include/linux/iommu*.h' 'include/linux/iova*.h'
	'include/linux/vfio*.h' 'include/uapi/linux/iommufd.h'
	'include/uapi/linux/vfio.h'
)

# fetch VER: unpack linux-source-VER unless the same version is there.
fetch() {
	local v=$1 pkg=linux-source-$1 dir=$HWPT_CACHE/src/$1 pv deb
	local -a run=()

	case $v in
	6.*)	;;
	7.*)	run=(in_sid) ;;
	*)	die "unknown source version $v" ;;
	esac
	pv=$("${run[@]}" apt-cache show --no-all-versions "$pkg" 2>/dev/null |
		sed -n 's/^Version: //p')
	[ -n "$pv" ] || die "apt knows no $pkg"
	[ "$(cat "$dir/.version" 2>/dev/null)" != "$pv" ] || return 0

	log "fetching $pkg $pv (a minute)"
	mkdir -p "$HWPT_CACHE/src/debs" "$BUILD"
	rm -f "$HWPT_CACHE/src/debs/${pkg}_"*.deb
	(cd "$HWPT_CACHE/src/debs" && run_quiet "$BUILD/fetch-$pkg.log" \
		"${run[@]}" apt-get -q download "$pkg")
	deb=$(echo "$HWPT_CACHE/src/debs/${pkg}_"*.deb)
	[ -f "$deb" ] || die "apt-get download $pkg made no .deb"
	rm -rf "$dir"
	mkdir -p "$dir"
	# The .deb holds one big tarball; take only our members from it. Not
	# every member is in every version (tar then exits 2).
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/$pkg.tar.xz" |
		tar -xJ -C "$dir" --strip-components=1 --wildcards \
			"${members[@]/#/$pkg/}" 2>/dev/null || true
	rm -f "$deb"
	for f in scripts/checkpatch.pl drivers/iommu/iommu.c include/linux/iommu.h; do
		[ -f "$dir/$f" ] || die "$pkg: $f did not unpack"
	done
	echo "$pv" >"$dir/.version"
}

vers=("$@")
[ $# -gt 0 ] || vers=(6.1 6.12 7.2)
for v in "${vers[@]}"; do
	fetch "$v"
done
