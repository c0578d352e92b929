#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tier 2: build the module for every kernel of $HWPT_KERNELS, package it
# with DKMS for each, run checkpatch once, and test the Debian packages
# across a kernel upgrade (dkms-upgrade-test.sh). Installs and fetches what
# is missing first. Prints one "ok - ..." or "not ok - ..." line per case
# and "N passed, N failed" last; exits nonzero if any case failed.
# The host kernels and the sid kernels are built side by side.
set -euo pipefail
. "$(dirname "$0")/env.sh"

res=$BUILD/matrix
rm -rf "$res"
mkdir -p "$res"

# run_case N NAME LOG CMD...: run case number N, record its result line
# in $res/N and its duration in $res/N.time.
run_case() {
	local n=$1 name=$2 logf=$3 t0=$SECONDS
	shift 3
	if "$@" >"$res/$n.out" 2>&1; then
		echo "ok - $name" >"$res/$n"
	else
		{
			echo "not ok - $name (see ${logf#"$REPO/"})"
			tail -n 12 "$res/$n.out" | sed 's/^/# /'
		} >"$res/$n"
	fi
	echo "$name: $((SECONDS - t0)) s" >"$res/$n.time"
}

# lane CASE...: run cases "N|NAME|LOG|SCRIPT|ARG" one after the other.
lane() {
	local c n name logf script arg
	for c; do
		IFS='|' read -r n name logf script arg <<<"$c"
		run_case "$n" "$name" "$logf" "$REPO/scripts/$script" ${arg:+"$arg"}
	done
}

s=$REPO/scripts
setup=("$s/deps.sh")
case " $HWPT_KERNELS " in
*" 7."*) setup+=("$s/sid-chroot.sh") ;;
esac
setup+=("$s/fetch-kernels.sh")

log "setup: ${setup[*]##*/}"
if ! (for c in "${setup[@]}"; do "$c" || exit 1; done) >"$BUILD/setup.log" 2>&1; then
	echo "not ok - setup (see build/setup.log)"
	tail -n 12 "$BUILD/setup.log" | sed 's/^/# /'
	echo "0 passed, 1 failed"
	exit 1
fi

host=() sid=() n=0
for id in $HWPT_KERNELS; do
	load_kernel "$id"
	for c in "build $id|$BUILD/$id/build.log|build-module.sh|$id" \
		 "dkms $id|$BUILD/$id/dkms.log|dkms-check.sh|$id"; do
		n=$((n + 1))
		if [ "$BUILD_IN" = sid ]; then
			sid+=("$n|$c")
		else
			host+=("$n|$c")
		fi
	done
done
n=$((n + 1))
host+=("$n|checkpatch|$BUILD/checkpatch.log|checkpatch.sh|")
# The Debian packages on bookworm, and DKMS rebuilding the module when a
# kernel is installed: needs both host kernels. The lanes are only queues:
# it goes last in the one with fewer cases.
if [[ " $HWPT_KERNELS " = *" 6.1 "* && " $HWPT_KERNELS " = *" 6.12 "* ]]; then
	n=$((n + 1))
	c="$n|deb source package, lintian, dkms upgrade 6.1 -> 6.12|$BUILD/dkms-upgrade/log|dkms-upgrade-test.sh|"
	if [ ${#sid[@]} -le ${#host[@]} ]; then
		sid+=("$c")
	else
		host+=("$c")
	fi
fi

log "building: $HWPT_KERNELS"
t0=$SECONDS
lane "${host[@]}" &
lane "${sid[@]}" &
wait
echo "all: $((SECONDS - t0)) s" >"$res/all.time"

pass=0 fail=0
for i in $(seq "$n"); do
	cat "$res/$i"
	if grep -q '^ok' "$res/$i"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
