#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# package.sh (make deb): build the Debian source package (debian/) and its
# binary packages with dpkg-buildpackage, as sbuild would: in a clean
# bookworm system that has only build-essential and the Build-Depends, so
# a missing Build-Depends fails the build. Then lintian --pedantic on the
# result, failing on any error or warning not overridden (with a reason)
# in debian/*lintian-overrides.
#   build/deb/hwpt_VER.dsc, hwpt_VER.tar.xz   the source package
#   build/deb/hwpt-dkms_VER_all.deb           module sources, for DKMS
#   build/deb/libhwpt1_VER_ARCH.deb           the shared library
#   build/deb/libhwpt-dev_VER_ARCH.deb        headers, static library, .pc
#   build/deb/hwpt-tools_VER_ARCH.deb         hwptctl
#   build/deb/Packages                        an apt repository of them
#   build/deb/lintian.txt                     lintian's output
#
# The system: debootstrap --variant=buildd into $HWPT_CACHE/bookworm-build
# (once, a few minutes); each build runs in a throwaway overlay on it
# (build/deb/root) in a private mount namespace. Log: build/deb/package.log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ "$(id -u)" = 0 ] || die "must run as root"
if [ "${HWPT_PACKAGE_NS:-}" != $$ ]; then
	# shellcheck disable=SC2016 # expanded by the inner shell
	exec unshare --mount --propagation private -- \
		/bin/sh -c 'HWPT_PACKAGE_NS=$$ exec "$0" "$@"' "$0" "$@"
fi

umask 022
out=$BUILD/deb
logf=$out/package.log
base=$HWPT_CACHE/bookworm-build
ver=$(dpkg-parsechangelog -l "$REPO/debian/changelog" -S Version)
dkms_ver=$(sed -n 's/^PACKAGE_VERSION="*\([^"]*\)"*$/\1/p' "$REPO/dkms.conf")
[ "$ver" = "$dkms_ver" ] ||
	die "debian/changelog is at $ver, dkms.conf at $dkms_ver: one version"

rm -rf "$out"
mkdir -p "$out"
: >"$logf"

exec 9>"$base.lock"
flock 9
[ -f "$base/.hwpt-base" ] || make_root "$base" buildd "$out" buildd :
flock -s 9

root=$out/root
mkdir -p "$out/upper" "$out/work" "$root"
mount -t overlay overlay \
	-o "lowerdir=$base,upperdir=$out/upper,workdir=$out/work" "$root"
mount_root "$root"
# The Build-Depends' .debs outlive the overlay: later builds reuse them.
mkdir -p "$HWPT_CACHE/debs/build-deps"
mount --bind "$HWPT_CACHE/debs/build-deps" "$root/var/cache/apt/archives"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
src=$root/build/hwpt-$ver
copy_tree "$src"
rm -rf "$src/build"

log "Build-Depends into a clean bookworm ($base)"
run_quiet "$out/build-deps.log" in_root "$root" apt-get -q update
run_quiet "$out/build-deps.log" in_root "$root" sh -c \
	"cd /build/hwpt-$ver && apt-get -q -y build-dep ./"
cat "$out/build-deps.log" >>"$logf"

log "dpkg-buildpackage hwpt $ver"
# Dates in the packages are the last commit's (reproducible builds).
epoch=$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)
run_quiet "$out/dpkg-buildpackage.log" in_root "$root" sh -c \
	"cd /build/hwpt-$ver && SOURCE_DATE_EPOCH=$epoch dpkg-buildpackage -us -uc"
cat "$out/dpkg-buildpackage.log" >>"$logf"
find "$root/build" -maxdepth 1 -type f -exec cp {} "$out/" \;
umount "$root/var/cache/apt/archives"
umount_root "$root"
umount "$root"
rm -rf "$out/upper" "$out/work" "$root"

(cd "$out" && dpkg-scanpackages --multiversion . >Packages 2>>"$logf")

# lintian: every tag shown (pedantic, info, experimental), a failure on
# errors and warnings; overridden tags say why in the overrides files.
log "lintian --pedantic"
changes=$(echo "$out"/hwpt_"$ver"_*.changes)
[ -f "$changes" ] || die "dpkg-buildpackage made no .changes"
# Not as root (lintian says why): as nobody, on a copy it can reach
# whatever the permissions of the directories above build/.
lint=$(mktemp -d /tmp/hwpt-lintian.XXXXXX)
cp "$out"/hwpt_"$ver"* "$out"/*.deb "$lint/"
chown -R nobody "$lint"
rc=0
runuser -u nobody -- env HOME="$lint" TMPDIR="$lint" \
	lintian --pedantic --display-info --display-experimental --show-overrides \
	--fail-on error,warning "$lint/${changes##*/}" >"$out/lintian.txt" 2>&1 || rc=$?
rm -rf "$lint"
sed 's/^/  /' "$out/lintian.txt"
[ "$rc" = 0 ] || die "lintian failed (exit $rc): $out/lintian.txt"

for f in "$out"/*.deb; do
	echo "${f#"$REPO/"}"
	dpkg-deb -c "$f" | sed -nE 's|^([^ ]+ +){5}\./|  /|p' | grep -v '/$' || true
done
