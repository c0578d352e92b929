#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's test command (make check): every tier, then one summary.
#   1 unit    the module's pure logic in userspace, ASan + UBSan
#   2 matrix  module builds (W=1, sparse) and DKMS for every kernel, style
#   3 vm      the module in stock Debian kernels under emulated IOMMUs
#   4 debug   Debian's 7.2 built with KASAN, lockdep, kmemleak and friends:
#             the fuzzer, the race and safety tests, under VT-d and AMD-Vi
# Select tiers with HWPT_TIERS="unit matrix vm debug" (default: all).
set -uo pipefail
. "$(dirname "$0")/env.sh"

tiers=${HWPT_TIERS:-"unit matrix vm debug"}
logs=$BUILD/logs
mkdir -p "$logs"

"$REPO/scripts/deps.sh" || die "installing dependencies failed"

run_tier() {
	case $1 in
	unit)	make -s -C "$REPO/tests/unit" check ;;
	matrix)	"$REPO/scripts/build-matrix.sh" ;;
	vm)	"$REPO/scripts/vm-tests.sh" ;;
	debug)	"$REPO/scripts/debug-tests.sh" ;;
	*)	die "unknown tier $1" ;;
	esac
}

# Sum the "N passed, N failed" lines of a tier's log. The unit tier prints
# one per program; the others print a running total last, so take only it.
count() {
	local tier=$1 log=$2 rc=$3 lines
	lines=$(grep -E '^([a-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log")
	[ "$tier" = unit ] || lines=$(echo "$lines" | tail -n 1)
	[ -n "$lines" ] || lines="0 passed, 0 failed"
	echo "$lines" | sed -E 's/^([a-z]+: )?([0-9]+) passed, ([0-9]+) failed.*/\2 \3/' |
		awk -v rc="$rc" '{ p += $1; f += $2 }
			END { if (rc && !f) f = 1; print p, f }'
}

passed=0
failed=0
for tier in $tiers; do
	log=$logs/$tier.log
	start=$SECONDS
	log "tier $tier"
	run_tier "$tier" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	read -r p f < <(count "$tier" "$log" "$rc")
	log "tier $tier: $p passed, $f failed ($((SECONDS - start)) s, log $log)"
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
