#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/fuzz.sh [--minutes N] [--seed S] [--kernel ID] [--variant V]
#
# Run the concurrent fuzzer (tests/guest/fuzz.c) alone, longer than the
# test tiers do: N minutes (default 10) in one VM, by default under the
# debug kernel (7.2-debug) with emulated VT-d in scalable mode. The seed
# (printed by every run) replays a run's sequences of operations. The run
# fails on any kernel report, kmemleak included; its log is in
# build/vm-logs/ID-VARIANT.log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

minutes=10 seed= kid=7.2-debug variant=intel-sm
while [ $# -gt 0 ]; do
	case $1 in
	--minutes) minutes=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--kernel) kid=$2; shift 2 ;;
	--variant) variant=$2; shift 2 ;;
	*) die "usage: $0 [--minutes N] [--seed S] [--kernel ID] [--variant V]" ;;
	esac
done
case $minutes in
''|*[!0-9]*) die "--minutes takes a whole number" ;;
esac

"$REPO/scripts/deps.sh"
"$REPO/scripts/sid-chroot.sh"
if [ "$kid" = 7.2-debug ]; then
	"$REPO/scripts/debug-kernel.sh"
else
	"$REPO/scripts/fetch-kernels.sh" "$kid"
fi
"$REPO/scripts/build-module.sh" "$kid"
load_kernel "$kid"
"$REPO/scripts/build-guest.sh" "$KARCH"

env="HWPT_FUZZ_SECONDS=$((minutes * 60))"
[ -z "$seed" ] || env+=" HWPT_FUZZ_SEED=$seed"
HWPT_MODPARAMS=debug_inject=1 HWPT_GUEST_TESTS=fuzz HWPT_GUEST_ENV="$env" \
HWPT_VM_TIMEOUT=$((minutes * 60 * 2 + 600)) HWPT_VERBOSE=1 \
	exec "$REPO/scripts/vm-run.sh" "$kid" "$variant"
