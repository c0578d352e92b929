#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's demo (make demo): boot the default VM (Debian's 7.2 kernel,
# q35 with an emulated Intel VT-d), load hwpt and show it answering.
# Installs and fetches what it needs on first use (a few minutes), then
# takes seconds.
set -euo pipefail
. "$(dirname "$0")/env.sh"

id=${HWPT_DEMO_KERNEL:-7.2}
variant=${HWPT_DEMO_VARIANT:-intel-legacy}

"$REPO/scripts/deps.sh"
"$REPO/scripts/sid-chroot.sh"
"$REPO/scripts/fetch-kernels.sh"
"$REPO/scripts/build-module.sh" "$id"
load_kernel "$id"
"$REPO/scripts/build-guest.sh" "$KARCH"

HWPT_VERBOSE=1 "$REPO/scripts/vm-run.sh" "$id" "$variant" sh -c '
	echo "== uname -r: $(uname -r)"
	echo "== lsmod:"; grep hwpt /proc/modules
	echo "== /dev/hwpt:"; ls -l /dev/hwpt
	echo "== hwptctl status:"; hwptctl status
	echo "== hwptctl devices:"; hwptctl devices
	echo "== IOMMU groups:"
	for g in /sys/kernel/iommu_groups/*; do
		echo "group ${g##*/}: $(ls $g/devices | tr "\n" " ")"
	done'
