#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/vm-tests.sh
#
# Tier 3: build the guest test programs and every kernel's initramfs, then
# boot every (kernel, IOMMU) combination of the matrix with
# scripts/vm-run.sh. Ends with "N passed, N failed": all guest test cases,
# plus one failure for each VM run that failed as a whole (kernel warning,
# crash, timeout, bad taint, a test program that crashed, ...).
#
# Expects the modules built (scripts/build-module.sh ID) and the sid
# chroot (QEMU) in place. Environment:
#   HWPT_VM_MATRIX  "ID:VARIANT ..." to run instead of the full matrix
#   HWPT_VM_JOBS    VMs run at once (default 1: each has 2 TCG vCPUs and
#                   the machine 2 cores)
#   HWPT_KO_DIR     take the modules from DIR/ID/hwpt.ko, not build/ID
# and the HWPT_* variables of scripts/vm-run.sh.
set -uo pipefail
. "$(dirname "$0")/env.sh"

# The tier sweeps error paths with the module's fault injection; the
# race tests and the fuzzer get a short budget here (the debug tier gives
# them more, under the debug kernel).
export HWPT_MODPARAMS=${HWPT_MODPARAMS-debug_inject=1}
export HWPT_GUEST_ENV=${HWPT_GUEST_ENV-"HWPT_FUZZ_SECONDS=8 HWPT_RACE_MS=1500"}

# Every kernel with every vIOMMU it can meet, and the newer vIOMMUs where
# they show something the others do not. Left out, for measured reasons
# (scripts/vm-run.sh):
#  - SMMUv3 on the x86 kernels and Intel/AMD on arm64: no such machines.
#  - The pcie-pci-bridge (aliased group) on intel-sm, amd and smmuv3: only
#    Intel legacy mode translates its devices' DMA correctly; it is part
#    of intel-legacy only (see vm-run.sh).
#  - virtio-iommu on 6.1: Debian's 6.1 does not build the driver. On
#    6.12 it does not work yet (vm-run.sh says why: no groups for
#    driverless devices, an oops mapping a domain never attached).
#  - intel-sm-pasid on 6.12: passes, and adds little to 6.1's and 7.2's
#    runs of it (first-stage tables through 6.12's cache tags, as 7.2);
#    about a minute more: HWPT_VM_MATRIX="... 6.12:intel-sm-pasid".
# virtio-iommu and intel-sm-pasid on 7.2 and intel-sm-pasid on 6.1 are
# the three runs added for the vendor shims: the generic vendor
# path, and first-stage page tables (6.1's own flush code for them).
matrix=${HWPT_VM_MATRIX:-"
	6.1:intel-legacy 6.1:intel-sm 6.1:intel-sm-pasid 6.1:amd
	6.12:intel-legacy 6.12:intel-sm 6.12:amd
	7.2:intel-legacy 7.2:intel-pt 7.2:intel-sm 7.2:intel-sm-pasid 7.2:amd
	7.2:virtio-iommu
	7.2-arm64:smmuv3"}
jobs=${HWPT_VM_JOBS:-1}

# Guest programs per run, where not all of them. 6.1's AMD driver
# livelocks once QEMU's amd-iommu overflows its event log, which a single
# faulting edu DMA does (one event per access): the interrupt thread loops
# on "IOMMU GA Log overflow" (seen with amd_iommu_intr=legacy too). So on
# 6.1 amd only the programs that provoke no IOMMU fault run; DMA and
# fault behaviour is covered on 6.1 Intel and on AMD with 6.12 and 7.2.
#
# intel-pt (identity default domains) is there for the one case that
# needs them: where a device's DMA goes once hwpt gives it back.
declare -A programs=(
	[6.1:amd]="smoke uapi lifecycle fault fuzz"
	[7.2:intel-pt]="smoke safety"
)

passed=0
failed=0
start=$(date +%s)

ko() { echo "${HWPT_KO_DIR:-$BUILD}/$1/hwpt.ko"; }

# Prepare what the runs need; a kernel whose preparation fails fails all
# of its runs (one failure each).
declare -A ready=() archs=()
for combo in $matrix; do
	kid=${combo%%:*}
	[ -z "${ready[$kid]:-}" ] || continue
	ready[$kid]=no
	if ! arch=$(load_kernel "$kid" 2>&1 && echo "$KARCH"); then
		echo "not ok - vm $kid: $arch"
		continue
	fi
	if [ -z "${archs[$arch]:-}" ]; then
		# A program that does not build is one failure; the VMs run
		# the others.
		archs[$arch]=no
		if "$REPO/scripts/build-guest.sh" "$arch"; then
			archs[$arch]=yes
		elif [ -f "$BUILD/guest-$arch/FAILED" ]; then
			archs[$arch]=yes
			for p in $(cat "$BUILD/guest-$arch/FAILED"); do
				echo "not ok - guest program $p ($arch): does not build"
				failed=$((failed + 1))
			done
		fi
	fi
	if [ "${archs[$arch]}" != yes ]; then
		echo "not ok - vm $kid: building the $arch guest programs failed"
	elif [ ! -f "$(ko "$kid")" ]; then
		echo "not ok - vm $kid: $(ko "$kid") missing (scripts/build-module.sh $kid)"
	elif HWPT_KO=$(ko "$kid") "$REPO/scripts/mkinitramfs.sh" "$kid"; then
		ready[$kid]=yes
	else
		echo "not ok - vm $kid: building the initramfs failed"
	fi
done

# run_one ID:VARIANT: one VM, its output in build/vm-logs/ID-VARIANT.out.
run_one() {
	local kid=${1%%:*} variant=${1#*:}

	HWPT_GUEST_TESTS=${programs[$1]:-${HWPT_GUEST_TESTS:-}} \
	HWPT_INITRAMFS_READY=1 "$REPO/scripts/vm-run.sh" "$kid" "$variant" \
		> "$BUILD/vm-logs/$kid-$variant.out" 2>&1
}

# collect ID:VARIANT: print a finished run's output and count its result.
collect() {
	local name=${1/:/-} p f w
	local res=$BUILD/vm-logs/$name.result

	cat "$BUILD/vm-logs/$name.out"
	if [ ! -f "$res" ]; then
		echo "not ok - vm ${1/:/ }: no result"
		failed=$((failed + 1))
		return
	fi
	read -r p f w < <(. "$res"; echo "$passed $failed $whole_failed")
	passed=$((passed + p))
	failed=$((failed + f + w))
}

# Run the matrix, $jobs at a time; results are printed in matrix order
# (the oldest run is always the one waited for).
mkdir -p "$BUILD/vm-logs"
combos=()
for combo in $matrix; do
	if [ "${ready[${combo%%:*}]}" = yes ]; then
		combos+=("$combo")
		rm -f "$BUILD/vm-logs/${combo/:/-}".{result,out}
	else
		failed=$((failed + 1))
	fi
done
pids=()
waiting=()
for combo in "${combos[@]}"; do
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[0]}"
		collect "${waiting[0]}"
		pids=("${pids[@]:1}")
		waiting=("${waiting[@]:1}")
	fi
	run_one "$combo" &
	pids+=($!)
	waiting+=("$combo")
done
for i in "${!pids[@]}"; do
	wait "${pids[i]}"
	collect "${waiting[i]}"
done

echo "# vm tier: ${#combos[@]} VM runs ($jobs at a time) in $(( $(date +%s) - start ))s, logs in $BUILD/vm-logs"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
