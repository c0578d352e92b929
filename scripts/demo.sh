#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's demo (make demo): boot the default VM (Debian's 7.2 kernel,
# q35 with an emulated Intel VT-d), load hwpt with fault injection on, and
# walk through hwptctl: doctor, devices, info, exercise with edu DMA and a
# replace in the two-function group, and an injected fault storm.
# Installs and fetches what it needs on first use (a few minutes); later
# runs take about two minutes, most of it building and booting.
#
# Environment: HWPT_DEMO_KERNEL (7.2), HWPT_DEMO_VARIANT (intel-legacy),
# HWPT_DEMO_FAULTS (fault groups to inject, 200).
set -euo pipefail
. "$(dirname "$0")/env.sh"

id=${HWPT_DEMO_KERNEL:-7.2}
variant=${HWPT_DEMO_VARIANT:-intel-legacy}
faults=${HWPT_DEMO_FAULTS:-200}
start=$SECONDS

"$REPO/scripts/deps.sh"
"$REPO/scripts/sid-chroot.sh"
"$REPO/scripts/fetch-kernels.sh"
# The module only when its sources changed since the last build.
ko=$BUILD/$id/hwpt.ko
if [ ! -f "$ko" ] || [ -n "$(find "$REPO/src/module" "$REPO/include/uapi" \
	"$REPO/Kbuild" "$REPO/Makefile" "$REPO/dkms.conf" -newer "$ko" \
	-print -quit)" ]; then
	"$REPO/scripts/build-module.sh" "$id"
fi
load_kernel "$id"
"$REPO/scripts/build-guest.sh" "$KARCH"

# The devices of vm-run.sh's machines: a singleton edu on 01:00.0, a
# two-function edu (one IOMMU group) on 02:00.0 and 02:00.1.
HWPT_MODPARAMS=debug_inject=1 HWPT_VERBOSE=1 \
"$REPO/scripts/vm-run.sh" "$id" "$variant" sh -c '
	rc=0
	run() {
		echo
		echo "== $*"
		"$@" || { echo "== FAILED (exit $?): $*"; rc=1; }
	}
	echo "== $(uname -r), /dev/hwpt: $(ls -l /dev/hwpt)"
	run hwptctl doctor
	run hwptctl devices
	run hwptctl info 0000:01:00.0 --bind
	run hwptctl exercise 0000:02:00.0 --edu --group
	run hwptctl faults 0000:01:00.0 --inject 4 --pages 2 --verbose
	run hwptctl faults 0000:01:00.0 --inject '"$faults"'
	exit $rc'
log "demo done in $((SECONDS - start))s"
