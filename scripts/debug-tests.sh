#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/debug-tests.sh [--all]
#
# Tier 4, the debug-kernel tier: the module built against the debug kernel
# (scripts/debug-kernel.sh: Debian's 7.2 with KASAN, lockdep, UBSAN,
# DEBUG_LIST, DEBUG_OBJECTS, kmemleak, failslab), loaded in VMs under
# emulated VT-d (scalable mode) and AMD-Vi, running what finds memory and
# locking bugs: the concurrent fuzzer, the race and safety tests, and the
# fault queue tests, with the fuzzer on a fixed time budget. Each VM ends
# with a kmemleak scan after the module is unloaded (guest-init.sh): a
# leak, like any KASAN, lockdep or UBSAN report, fails the run.
#
# Under KASAN the guests run about 40 times slower than under Debian's
# kernel, so the tier runs a choice of programs; --all (make check-debug)
# runs every guest program on three variants, which takes far longer.
#
# Environment: HWPT_FUZZ_SECONDS (default 90), HWPT_RACE_MS (default
# 4000), HWPT_FUZZ_SEED, and those of scripts/vm-tests.sh.
# Ends with "N passed, N failed"; a part that could not run is a failure.
set -uo pipefail
. "$(dirname "$0")/env.sh"

all=0
[ "${1:-}" = --all ] && all=1

fuzz_s=${HWPT_FUZZ_SECONDS:-90}
race_ms=${HWPT_RACE_MS:-4000}
guest_env="HWPT_FUZZ_SECONDS=$fuzz_s HWPT_RACE_MS=$race_ms"
[ -z "${HWPT_FUZZ_SEED:-}" ] || guest_env+=" HWPT_FUZZ_SEED=$HWPT_FUZZ_SEED"

fail() {
	echo "not ok - debug tier: $*"
	echo "0 passed, 1 failed"
	exit 1
}

log "debug kernel"
"$REPO/scripts/sid-chroot.sh" >/dev/null || fail "setting up the sid chroot failed"
"$REPO/scripts/debug-kernel.sh" || fail "building the debug kernel failed (build/debug-kernel.log)"
"$REPO/scripts/build-module.sh" 7.2-debug || fail "building hwpt.ko for the debug kernel failed (build/7.2-debug/build.log)"

if [ $all = 1 ]; then
	export HWPT_VM_MATRIX=${HWPT_VM_MATRIX:-"7.2-debug:intel-sm 7.2-debug:amd 7.2-debug:intel-pt"}
	export HWPT_GUEST_TESTS=${HWPT_GUEST_TESTS:-}
	export HWPT_VM_TIMEOUT=${HWPT_VM_TIMEOUT:-5400}
else
	export HWPT_VM_MATRIX=${HWPT_VM_MATRIX:-"7.2-debug:intel-sm 7.2-debug:amd"}
	export HWPT_GUEST_TESTS=${HWPT_GUEST_TESTS:-"smoke fuzz races safety fault"}
	export HWPT_VM_TIMEOUT=${HWPT_VM_TIMEOUT:-1800}
fi
export HWPT_GUEST_ENV="$guest_env${HWPT_GUEST_ENV:+ $HWPT_GUEST_ENV}"
log "debug tier: $HWPT_VM_MATRIX; programs: ${HWPT_GUEST_TESTS:-all}; $guest_env"
exec "$REPO/scripts/vm-tests.sh"
