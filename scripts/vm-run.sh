#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: scripts/vm-run.sh ID VARIANT [guest command...]
#
# Boot kernel ID with build/ID/initramfs.cpio.gz (rebuilt first) in QEMU (TCG, from the sid chroot) with the emulated
# IOMMU VARIANT, let its /init load hwpt.ko and run the guest tests (or the
# guest command, e.g. "smoke -l" or "sh -c 'cat /proc/iomem'"; /guest is
# in its PATH), and judge the serial log build/vm-logs/ID-VARIANT.log.
#
# Variants (devices: edu = QEMU's educational PCI device, no driver binds):
#   intel-legacy    q35 + intel-iommu (legacy mode), intel_iommu=on
#   intel-pt        the same with identity default domains
#                   (iommu.passthrough=1): where a device's DMA goes once
#                   hwpt gives it back
#   intel-sm        q35 + intel-iommu scalable mode (second stage only),
#                   intel_iommu=on,sm_on
#   intel-sm-pasid  q35 + intel-iommu scalable mode with PASIDs (20 bits),
#                   first-stage translation only, SVM (page requests) and
#                   device IOTLB: every kernel puts hwpt's domains on
#                   first-stage tables; intel_iommu=on,sm_on
#   amd             q35 + amd-iommu (dma-remap=on), amd_iommu=on
#   virtio-iommu    q35 + virtio-iommu-pci (00:08.0, boot-bypass=off): no
#                   shim claims it, hwpt takes its generic vendor path;
#                   6.12 and 7.2 only (Debian's 6.1 does not build
#                   CONFIG_VIRTIO_IOMMU); no kernel command line needed
#   smmuv3          arm64 virt + SMMUv3 (7.2-arm64 only)
# Every variant has, on root ports, a singleton edu (01:00.0), a
# two-function edu (02:00.0 and 02:00.1: one multi-device group without
# aliasing) and an iommu-testdev (03:00.0, 1b36:0005); intel-legacy also
# has two edu behind a pcie-pci-bridge (04:01.0 and 04:02.0: an aliased
# group with the bridge; vm-notes says why the other IOMMUs cannot have
# it). The guest's /init logs devices and groups as HWPT-PCI/HWPT-GROUP,
# and fails the run if a test device is in no IOMMU group.
#
# Measured with QEMU 11.1.3 (vm-notes style):
# - intel-sm-pasid: QEMU 11.1 has no x-scalable-mode/x-pasid-mode/x-flts;
#   the properties are scalable-mode, pasid-bits (<= 20), fsts (needs
#   scalable-mode), svm (needs fsts and device-iotlb). It reports
#   "cap 81d2008c222f0606 ecap 8d9a20f00f4e": PASID, PSS 19, SMTS, FLTS,
#   no SLTS, PRS, DT (intel-sm: "ecap 480080f00f4a", SLTS only). Faults
#   read "fault reason 0x71] SM: Present bit in first-level paging entry
#   is clear"; the IOVA aperture is 47 bits (0-0x7fffffffffff), less
#   the MSI window 0xfee00000-0xfeefffff. Groups as intel-sm.
# - virtio-iommu: the guest loads virtio_iommu.ko (Debian: =m; the
#   initramfs carries it, mkinitramfs.sh) before anything else; the
#   driver logs "virtio_iommu virtio0: input address: 39 bits" and "page
#   mask: 0xfffffffffffff000"; /sys/class/iommu names the IOMMU by its
#   PCI name (0000:00:08.0). QEMU describes it in an ACPI VIOT table.
#   Groups as with Intel: 00:00.0, each root port, 00:1f.0+1f.2+1f.3,
#   01:00.0, 02:00.0+02:00.1, 03:00.0; every group's reserved region
#   is 0xfee00000-0xfeefffff "msi" (a bypassed MSI window, no SW_MSI);
#   aperture 39 bits. Faults read "virtio_iommu virtio0: page fault
#   from EP 256 at 0x700000 []" (no R/W flags from QEMU; the driver
#   rate-limits them to 10 per 5 s).
#   boot-bypass=off: with QEMU's default (on), an endpoint without a
#   domain bypasses translation, and QEMU's ATTACH detaches the endpoint
#   first, so every attach switches the device's address space twice
#   (two memory transactions each): claiming DMA ownership took ~47 ms
#   and lifecycle's 1000 bind/attach cycles 193 s (300 s limit), against
#   0.2 ms and 14 s with bypass off, which also leaves no moment of
#   untranslated DMA between detach and attach.
# - 6.12 + virtio-iommu does not work (run it by hand; it fails): 6.12's
#   IOMMU core gives a device a group only through dma_configure() at
#   driver bind (iommu.c __iommu_probe_device() needs the fwspec that
#   VIOT provides there; 7.2 calls dma_configure from iommu_init_device()),
#   so driverless devices have no group when the module loads
#   (HWPT-NO-GROUP), and a 6.12 virtio-iommu domain is finished only at
#   its first attach (viommu_domain_finalise()): a map before that fails
#   and its unwind oopses in viommu_sync_req() (NULL viommu).
#
# The run fails when the end marker is missing (crash, hang: the run is
# killed after $HWPT_VM_TIMEOUT seconds, default 600), the kernel logged a
# warning, oops, lockdep report, sanitizer report or panic, the module
# added a taint other than O or E, or a guest test failed or crashed.
# Prints one line "ok - vm ID VARIANT (...)" or "not ok - ..." with the
# reasons, and writes build/vm-logs/ID-VARIANT.result for vm-tests.sh.
#
# Environment:
#   HWPT_VM_TIMEOUT   seconds before QEMU is killed (default 600)
#   HWPT_GUEST_TESTS  guest test programs to run (default: all)
#   HWPT_GUEST_ENV    "NAME=VALUE ..." for the guest tests (HWPT_RACE_MS,
#                     HWPT_FUZZ_SECONDS, HWPT_FUZZ_SEED)
#   HWPT_MODPARAMS    module parameters, "name=value ..."
#   HWPT_VM_CMDLINE   more kernel command line
#   HWPT_VM_ALLOW     extended regex of kernel lines not to count as problems
#   HWPT_VERBOSE=1    print all guest output (a guest command's always is)
#   HWPT_QEMU_EXTRA   more QEMU options
#   HWPT_KO           module file to use instead of build/ID/hwpt.ko
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -ge 2 ] || die "usage: $0 ID VARIANT [guest command...]"
id=$1 variant=$2
shift 2
load_kernel "$id"

timeout=${HWPT_VM_TIMEOUT:-600}
logdir=$BUILD/vm-logs
log=$logdir/$id-$variant.log
result=$logdir/$id-$variant.result
mkdir -p "$logdir"
rm -f "$result"

# ---- The machine ----

# Two edu functions of one device on a root port share a group without
# DMA aliasing; a lone edu on its own root port is a singleton group.
common_devs() {
	echo -device pcie-root-port,id=rp1,chassis=1 -device edu,bus=rp1
	echo -device pcie-root-port,id=rp2,chassis=2
	echo -device edu,bus=rp2,addr=0.0,multifunction=on
	echo -device edu,bus=rp2,addr=0.1
	echo -device pcie-root-port,id=rp3,chassis=3 -device iommu-testdev,bus=rp3
}

# An oops panics and a panic reboots, which -no-reboot turns into QEMU's
# exit: a broken guest ends the run at once, its oops already in the log.
# WARNs do not panic: the log check catches them and the run goes on.
# printk.devkmsg=on: no rate limit on the guest's writes to /dev/kmsg.
cmdline="panic=-1 oops=panic iommu.strict=1 printk.devkmsg=on"
extra=()
# Whether the machine isolates MSIs (interrupt remapping, or GICv3's ITS),
# for the guest tests as hwpt_msi_isolated=1|0: the bind of a device
# without is refused unless hwpt.allow_unsafe_interrupts=1, which the
# variants without set (a test turns it off to see the refusal).
msi_isolated=1
case $variant in
intel-legacy|intel-pt|intel-sm|intel-sm-pasid|amd|virtio-iommu)
	[ "$KARCH" = x86_64 ] || die "variant $variant needs an x86_64 kernel, $id is $KARCH"
	qemu=qemu-system-x86_64
	machine=(-machine q35,kernel-irqchip=split)
	# no_timer_check: under TCG on a loaded host the IO-APIC timer check
	# can miss its ticks and panic ("timer doesn't work through
	# Interrupt-remapped IO-APIC"); the timer works.
	cmdline="console=ttyS0 no_timer_check $cmdline"
	case $variant in
	intel-legacy)
		iommu=(-device intel-iommu,intremap=on)
		# Devices behind a PCIe-to-PCI bridge DMA as the bridge:
		# one aliased group (bus 04, after the root ports' 01-03).
		extra=(-device pcie-pci-bridge,id=br1
		       -device edu,bus=br1,addr=1 -device edu,bus=br1,addr=2)
		cmdline+=" intel_iommu=on" ;;
	intel-pt)
		iommu=(-device intel-iommu,intremap=on)
		cmdline+=" intel_iommu=on iommu.passthrough=1" ;;
	intel-sm)
		iommu=(-device intel-iommu,intremap=on,scalable-mode=on)
		cmdline+=" intel_iommu=on,sm_on" ;;
	intel-sm-pasid)
		iommu=(-device intel-iommu,intremap=on,scalable-mode=on,pasid-bits=20,fsts=on,svm=on,device-iotlb=on)
		cmdline+=" intel_iommu=on,sm_on" ;;
	virtio-iommu)
		case $(kernel_provides virtio_iommu) in
		module)	cmdline+=" hwpt_kmods=virtio_iommu" ;;
		builtin) ;;
		*)	die "kernel $id has no virtio-iommu driver (CONFIG_VIRTIO_IOMMU unset)" ;;
		esac
		# At 00:08.0, clear of the root ports' slots (00:01-03.0).
		# No interrupt remapping: MSIs are not isolated.
		iommu=(-device virtio-iommu-pci,addr=8,boot-bypass=off)
		msi_isolated=0 ;;
	amd)
		# intremap=on panicked QEMU 10's guests; the DMA path needs
		# dma-remap=on (QEMU >= 10.1).
		# intremap=off: the boot log says "AMD-Vi: Disabling
		# interrupt remapping", so MSIs are not isolated.
		iommu=(-device amd-iommu,intremap=off,dma-remap=on)
		cmdline+=" amd_iommu=on"
		msi_isolated=0 ;;
	esac ;;
smmuv3)
	[ "$KARCH" = arm64 ] || die "variant smmuv3 needs an arm64 kernel, $id is $KARCH"
	qemu=qemu-system-aarch64
	# GICv3 for MSIs through the ITS; pauth-impdef for a faster TCG.
	machine=(-machine virt,gic-version=3,iommu=smmuv3
		 -cpu max,pauth-impdef=on)
	iommu=()
	cmdline="console=ttyAMA0 $cmdline" ;;
*)	die "unknown variant $variant (intel-legacy, intel-pt, intel-sm, intel-sm-pasid, amd, virtio-iommu, smmuv3)" ;;
esac

cmdline+=" hwpt_msi_isolated=$msi_isolated"
[ "$msi_isolated" = 1 ] || cmdline+=" hwpt.allow_unsafe_interrupts=1"
for p in ${HWPT_MODPARAMS:-}; do
	cmdline+=" hwpt.$p"
done
[ -z "${HWPT_GUEST_TESTS:-}" ] || cmdline+=" hwpt_tests=$(echo $HWPT_GUEST_TESTS | tr ' ' ,)"
[ -z "${HWPT_GUEST_ENV:-}" ] || cmdline+=" hwpt_env=$(echo $HWPT_GUEST_ENV | tr ' ' ,)"
cmdline+=" ${HWPT_VM_CMDLINE:-}"

# ---- The initramfs ----

initrd=$BUILD/$id/initramfs.cpio.gz
# Cheap (under a second): always rebuild, unless vm-tests.sh just did.
[ "${HWPT_INITRAMFS_READY:-}" = 1 ] || "$REPO/scripts/mkinitramfs.sh" "$id"
tmp=$(mktemp -d "$logdir/.$id-$variant.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ $# -gt 0 ]; then
	# The guest command as /hwpt-cmd in a second archive: the kernel
	# unpacks concatenated archives in order.
	mkdir "$tmp/root"
	printf '%q ' "$@" > "$tmp/root/hwpt-cmd"
	echo >> "$tmp/root/hwpt-cmd"
	(cd "$tmp/root" && echo hwpt-cmd | cpio -o -H newc -R 0:0 --quiet) |
		gzip -n > "$tmp/cmd.cpio.gz"
	cat "$initrd" "$tmp/cmd.cpio.gz" > "$tmp/initrd"
	initrd=$tmp/initrd
fi

# ---- Run ----

args=(-nographic -nodefaults -no-reboot -monitor none
      -serial "file:$log" -accel tcg -smp 2 -m 1G
      "${machine[@]}" "${iommu[@]}" $(common_devs) "${extra[@]}"
      ${HWPT_QEMU_EXTRA:-}
      -kernel "$KIMAGE" -initrd "$initrd" -append "$cmdline")
rm -f "$log"
start=$(date +%s%N)
set +e
# timeout signals its whole process group, QEMU in the chroot included.
timeout -k 10 "$timeout" bash -c '. "$1/scripts/env.sh"; shift; in_sid "$@"' \
	vm-run "$REPO" "$qemu" "${args[@]}" > "$logdir/$id-$variant.qemu.log" 2>&1
qrc=$?
set -e
ds=$(( ($(date +%s%N) - start) / 100000000 ))
secs=$((ds / 10)).$((ds % 10))
touch "$log"

# ---- Judge the log ----

# Known harmless kernel lines matching the problem patterns (extended
# regex); none needed so far.
allow=${HWPT_VM_ALLOW:-}

report=$(sed 's/\r$//' "$log" | awk -v allow="$allow" \
	-v verbose="${HWPT_VERBOSE:-0}" -v cmd=$(( $# > 0 )) \
	-f "$REPO/scripts/vm-judge.awk" 2>"$tmp/guest-out")

read -r passed failed skipped whole before taint <<< "$(head -n 1 <<< "$report")"
reasons=$(tail -n +2 <<< "$report")
if [ "$before" = -1 ]; then
	whole=1
	reasons+=$'\n'"# taint not reported"
else
	# O (4096) and E (8192) are expected from an out-of-tree, unsigned
	# module; any other bit added since boot is not.
	bad=$(( taint & ~before & ~(4096 | 8192) ))
	if [ "$bad" != 0 ]; then
		whole=1
		reasons+=$'\n'"$(printf '# taint %d at the end (%d before insmod): unexpected bits %#x' \
			"$taint" "$before" "$bad")"
	fi
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	whole=1
	reasons+=$'\n'"# killed after the ${timeout}s timeout"
elif [ "$qrc" != 0 ]; then
	whole=1
	reasons+=$'\n'"# QEMU exited with $qrc: $(tail -n 3 "$logdir/$id-$variant.qemu.log" | tr '\n' ' ')"
fi

cat > "$result" <<EOF
passed=$passed
failed=$failed
skipped=$skipped
whole_failed=$whole
seconds=$secs
EOF

counts="$passed passed"
[ "$failed" = 0 ] || counts+=", $failed failed"
[ "$skipped" = 0 ] || counts+=", $skipped skipped"
cat "$tmp/guest-out"
if [ "$whole" = 0 ] && [ "$failed" = 0 ]; then
	echo "ok - vm $id $variant ($counts; ${secs}s)"
	exit 0
fi
echo "not ok - vm $id $variant ($counts; ${secs}s)"
grep -v '^$' <<< "$reasons" || true
echo "# log: $log"
exit 1
