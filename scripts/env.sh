# SPDX-License-Identifier: GPL-2.0
# Common settings for the project's scripts; source it, do not run it.
#
# Downloads and the sid chroot are cached outside the repository in
# $HWPT_CACHE; build outputs go to $REPO/build (ignored by git).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HWPT_CACHE=${HWPT_CACHE:-/var/cache/hwpt}
SID_ROOT=$HWPT_CACHE/sid
BUILD=$REPO/build

# The supported kernels, by short ID. Each has a descriptor
# $HWPT_CACHE/kernels/<ID>.env written by scripts/fetch-kernels.sh with:
#   KREL           kernel release (uname -r of the guest)
#   KARCH          x86_64 | arm64
#   KDIR           kernel headers (build) directory, same path inside and
#                  outside the sid chroot when BUILD_IN=sid
#   KIMAGE         host path of the bootable kernel image
#   KMODDIR        host path of the unpacked lib/modules/$KREL
#   BUILD_IN       host | sid   (where its compiler lives)
#   CROSS_COMPILE  empty, or the cross prefix
HWPT_KERNELS=${HWPT_KERNELS:-"6.1 6.12 7.2 7.2-arm64"}

die() { echo "error: $*" >&2; exit 1; }
log() { echo "==> $*" >&2; }

# load_kernel ID: set the variables above for one kernel.
load_kernel() {
	local f=$HWPT_CACHE/kernels/$1.env
	[ -f "$f" ] || die "kernel $1 not fetched: run scripts/fetch-kernels.sh"
	# shellcheck disable=SC1090
	. "$f"
}
