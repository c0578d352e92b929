#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# package.sh (make deb): build the Debian packages from a copy of the tree.
#   build/deb/hwpt-dkms_VER_all.deb     the module's sources in
#                                       /usr/src/hwpt-VER, for DKMS
#   build/deb/hwpt-tools_VER_ARCH.deb   everything else make install puts
#                                       under /usr: hwptctl, libhwpt, the
#                                       headers, the pkg-config file
# VER is dkms.conf's PACKAGE_VERSION. What goes in comes from one run of
# "make install DESTDIR=... PREFIX=/usr", split by path; the control files
# and maintainer scripts are packaging/deb/PACKAGE/*, with @VERSION@ and
# the like filled in. Plain dpkg-deb, no debhelper. Log: build/deb/package.log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

umask 022
out=$BUILD/deb
work=$out/work
logf=$out/package.log
ver=$(sed -n 's/^PACKAGE_VERSION="*\([^"]*\)"*$/\1/p' "$REPO/dkms.conf")
[ -n "$ver" ] || die "no PACKAGE_VERSION in $REPO/dkms.conf"
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null) ||
	die "no dpkg-architecture: run scripts/deps.sh"
maintainer=${HWPT_MAINTAINER:-"hwpt maintainers <maintainers@users.noreply.h-seed-8a57ecde.example>"}
# Reproducible: file dates in the packages are the last commit's.
SOURCE_DATE_EPOCH=$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH

rm -rf "$out"
mkdir -p "$work"
: >"$logf"

log "make install (PREFIX=/usr)"
copy_tree "$work/src"
# Compiler and linker flags as Debian's packages get them (hardening on).
eval "$(cd "$work/src" && DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
stage=$work/stage
run_quiet "$work/install.log" make -C "$work/src" install \
	DESTDIR="$stage" PREFIX=/usr LIBDIR="/usr/lib/$multiarch"
cat "$work/install.log" >>"$logf"

# The package trees are debian/PACKAGE, where dpkg-shlibdeps looks for
# the shlibs of the libraries they ship.
deb=$work/debian
dkms_root=$deb/hwpt-dkms
tools_root=$deb/hwpt-tools
[ -f "$stage/usr/src/hwpt-$ver/dkms.conf" ] ||
	die "make install put no DKMS sources in /usr/src/hwpt-$ver"
mkdir -p "$dkms_root/usr" "$deb"
mv "$stage/usr/src" "$dkms_root/usr/"
mv "$stage" "$tools_root"
[ -z "$(find "$tools_root" -mindepth 1 -maxdepth 1 ! -name usr)" ] ||
	die "make install put files outside /usr: $(cd "$tools_root" && find . -mindepth 1 -maxdepth 1 ! -name usr)"

# elf FILE: true if FILE is an ELF object.
elf() {
	[ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]
}

# Strip as dh_strip does: programs and shared libraries of everything but
# their symbols, static libraries of debug information.
while IFS= read -r -d '' f; do
	case $f in
	*.a)	strip --strip-debug --remove-section=.comment --remove-section=.note \
			--enable-deterministic-archives "$f" ;;
	*.o)	;;
	*)	! elf "$f" || strip --strip-unneeded --remove-section=.comment \
			--remove-section=.note "$f" ;;
	esac
done < <(find "$tools_root" -type f -print0)
# and set modes as dh_fixperms does: libraries, headers, pkg-config 0644
find "$tools_root" -type f \( -name '*.so' -o -name '*.so.*' -o -name '*.a' \
	-o -name '*.h' -o -name '*.pc' \) -exec chmod 0644 {} +

# docs PACKAGE ROOT: copyright and changelog, which Debian packages have.
docs() {
	local d=$2/usr/share/doc/$1
	mkdir -p "$d"
	cp "$REPO/packaging/deb/copyright" "$d/copyright"
	{
		echo "hwpt ($ver) unstable; urgency=medium"
		echo
		echo "  * Built from $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo "a tree without git")."
		echo
		echo " -- $maintainer  $(date -R -u -d "@$SOURCE_DATE_EPOCH")"
	} | gzip -9n >"$d/changelog.gz"
}
docs hwpt-dkms "$dkms_root"
docs hwpt-tools "$tools_root"

# Shared libraries: their shlibs (so that dpkg-shlibdeps, here and in
# packages built against them, knows which package has them), and
# ldconfig after install and remove.
shlibs=$work/shlibs
: >"$shlibs"
while IFS= read -r -d '' f; do
	elf "$f" || continue
	so=$(objdump -p "$f" | awk '$1 == "SONAME" { print $2 }')
	case $so in
	*.so.*)	echo "${so%%.so.*} ${so#*.so.} hwpt-tools (>= $ver)" >>"$shlibs" ;;
	esac
done < <(find "$tools_root" -name 'lib*.so.*' -type f -print0)

# Depends of the programs and libraries, from the libraries they link.
cat >"$deb/control" <<EOF
Source: hwpt

Package: hwpt-tools
Architecture: $arch
EOF
mapfile -d '' -t elves < <(find "$tools_root" -type f ! -name '*.a' ! -name '*.o' -print0)
bins=()
for f in ${elves[@]+"${elves[@]}"}; do
	! elf "$f" || bins+=("$f")
done
depends=
if [ ${#bins[@]} -gt 0 ]; then
	mkdir -p "$tools_root/DEBIAN"
	sort -u "$shlibs" >"$tools_root/DEBIAN/shlibs"
	depends=$(cd "$work" && dpkg-shlibdeps -O -xhwpt-tools \
		-l"$tools_root/usr/lib/$multiarch" "${bins[@]}" 2>>"$logf" |
		sed -n 's/^shlibs:Depends=//p') ||
		die "dpkg-shlibdeps failed (see $logf)"
	rm "$tools_root/DEBIAN/shlibs"
fi

# build PACKAGE ROOT: control files from packaging/deb/PACKAGE, md5sums,
# then the .deb in build/deb.
build() {
	local pkg=$1 root=$2 f size
	mkdir -p "$root/DEBIAN"
	# KiB as dpkg-gencontrol counts them: each file rounded up, 1 a directory
	size=$(find "$root" -path "$root/DEBIAN" -prune -o -mindepth 1 -printf '%y %s\n' |
		awk '{ n += $1 == "f" ? int(($2 + 1023) / 1024) : 1 } END { print n + 0 }')
	for f in "$REPO/packaging/deb/$pkg"/*; do
		sed -e "s|@VERSION@|$ver|g" -e "s|@ARCH@|$arch|g" \
			-e "s|@MAINTAINER@|$maintainer|g" \
			-e "s|@INSTALLED_SIZE@|$size|g" -e "s|@DEPENDS@|$depends|g" \
			-e '/^Depends: *$/d' "$f" >"$root/DEBIAN/${f##*/}"
		[ ! -x "$f" ] || chmod 755 "$root/DEBIAN/${f##*/}"
	done
	if [ "$pkg" = hwpt-tools ] && [ -s "$shlibs" ]; then
		sort -u "$shlibs" >"$root/DEBIAN/shlibs"
		echo "activate-noawait ldconfig" >"$root/DEBIAN/triggers"
	fi
	(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' |
		LC_ALL=C sort -z | xargs -0r md5sum) >"$root/DEBIAN/md5sums"
	find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >>"$logf" 2>&1 ||
		die "dpkg-deb $pkg failed (see $logf)"
}
build hwpt-dkms "$dkms_root"
build hwpt-tools "$tools_root"

rm -rf "$work"
for f in "$out"/*.deb; do
	echo "${f#"$REPO/"}"
	dpkg-deb -c "$f" | sed -nE 's|^([^ ]+ +){5}\./|  /|p' | grep -v '/$' || true
done
