#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# completion-test.sh FILE: tests of the bash completion FILE
# (completion/hwptctl) on a made-up sysfs, as bash calls it: COMP_LINE,
# COMP_POINT, and COMP_WORDS split at COMP_WORDBREAKS. Run by make check.
set -u
completion=${1:?usage: completion-test.sh COMPLETION-FILE}
sys=$(mktemp -d)
trap 'rm -rf "$sys"' EXIT

# A PCI function: name, class, vendor, device, IOMMU group (- for none),
# driver (- for none); linked as sysfs links them.
pci()
{
	local d=$sys/devices/pci0000:00/$1
	mkdir -p "$d" "$sys/bus/pci/devices"
	echo "$2" >"$d/class"
	echo "$3" >"$d/vendor"
	echo "$4" >"$d/device"
	ln -s "../../../devices/pci0000:00/$1" "$sys/bus/pci/devices/$1"
	if [ "$5" != - ]; then
		mkdir -p "$sys/kernel/iommu_groups/$5/devices"
		ln -s "../../../kernel/iommu_groups/$5" "$d/iommu_group"
		ln -s "../../../../devices/pci0000:00/$1" \
			"$sys/kernel/iommu_groups/$5/devices/$1"
	fi
	if [ "$6" != - ]; then
		mkdir -p "$sys/bus/pci/drivers/$6"
		ln -s "../../../bus/pci/drivers/$6" "$d/driver"
	fi
}

pci 0000:00:00.0 0x060000 0x8086 0x29c0 0 -		# host bridge
pci 0000:00:01.0 0x060400 0x8086 0x1234 1 pcieport	# root port
pci 0000:01:00.0 0x020000 0x8086 0x10d3 1 e1000e	# has a driver
pci 0000:01:00.1 0x020000 0x8086 0x10d3 1 -		# group busy
pci 0000:00:02.0 0x00ff00 0x1234 0x11e8 2 -		# edu, free
pci 0000:00:03.0 0x00ff00 0x1234 0x11e8 3 -		# edu, a group of two
pci 0000:00:03.1 0x00ff00 0x1234 0x11e8 3 -
pci 0000:00:04.0 0x00ff00 0x1234 0x11e8 - -		# no IOMMU group
pci 0000:00:05.0 0x00ff00 0x1234 0x11e8 5 hwpt		# bound to hwpt
pci 0000:00:05.1 0x020000 0x8086 0x10d3 5 -		# group held by hwpt
pci 0000:00:06.0 0x010802 0x144d 0xa808 6 -		# free, peer on vfio-pci
pci 0000:00:06.1 0x010802 0x144d 0xa808 6 vfio-pci
pci 0000:00:07.0 0x030000 0x1af4 0x1050 7 -		# free

# shellcheck source-path=SCRIPTDIR source=../completion/hwptctl
. "$completion"
# shellcheck disable=SC2034 # read by the completion
_hwptctl_sysfs=$sys
[ "$(complete -p hwptctl)" = "complete -F _hwptctl hwptctl" ] || {
	echo "completion: not registered for hwptctl"
	exit 1
}

pass=0
fail=0
# t WORD... -- LINE: completing at the end of LINE offers exactly WORDs.
t()
{
	local want=() got exp line wb=$' \t\n"\'><=;|&(:'
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	line=$2
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_WORDBREAKS=$wb
	# COMP_WORDS as bash makes them (the completion reads COMP_LINE).
	COMP_WORDS=()
	local w=
	local i c
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ $c == [[:blank:]] ]]; then
			[ -n "$w" ] && COMP_WORDS+=("$w")
			w=
		elif [[ $wb == *"$c"* ]]; then
			[ -n "$w" ] && COMP_WORDS+=("$w")
			COMP_WORDS+=("$c")
			w=
		else
			w+=$c
		fi
	done
	COMP_WORDS+=("$w")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_hwptctl hwptctl "$w" "${COMP_WORDS[COMP_CWORD - 1]:-}"
	got=$( ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	exp=$( ((${#want[@]})) && printf '%s\n' "${want[@]}" | sort | tr '\n' ' ')
	if [ "$got" = "$exp" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "completion: '$line': offers [$got], expected [$exp]"
	fi
}

all_cmds=(status doctor load unload devices info exercise faults)
take=(0000:00:02.0 0000:00:03.0 0000:00:03.1 0000:00:06.0 0000:00:07.0)

# Commands and hwptctl's own options.
t "${all_cmds[@]}" -- 'hwptctl '
t "${all_cmds[@]}" -- 'hwptctl --json '
t status -- 'hwptctl st'
t devices doctor -- 'hwptctl d'
t --json -v --verbose --help --version -- 'hwptctl -'
t -- 'hwptctl nosuch '

# Options of each command.
t --json -v --verbose --help -- 'hwptctl status -'
t --json --verbose --help -- 'hwptctl doctor --'
t --json -v --verbose --help -- 'hwptctl devices -'
t --json -v --verbose --help -- 'hwptctl unload -'
t --path --json -v --verbose --help -- 'hwptctl load -'
t --edu --group --json -v --verbose --help -- 'hwptctl exercise -'
t --inject --pages --respond --timeout --count -v --verbose --json --help \
	-- 'hwptctl faults -'
t --bind --json -v --verbose --help -- 'hwptctl info -'
t --respond -- 'hwptctl faults --res'
t -- 'hwptctl devices '
t -- 'hwptctl status '

# Operands and option values.
t debug_inject=1 allow_unsafe_interrupts=1 -- 'hwptctl load '
t debug_inject=1 -- 'hwptctl load deb'
t 1 -- 'hwptctl load debug_inject='
t success invalid -- 'hwptctl faults 0000:00:02.0 --respond '
t success -- 'hwptctl faults --respond=s'
t -- 'hwptctl faults --inject '
t -- 'hwptctl faults --pages '
mkdir -p "$sys/mods/sub"
touch "$sys/mods/hwpt.ko" "$sys/mods/hwpt.ko.xz" "$sys/mods/notes.txt"
t "$sys/mods/hwpt.ko" "$sys/mods/hwpt.ko.xz" "$sys/mods/sub" \
	-- "hwptctl load --path $sys/mods/"
t "$sys/mods/hwpt.ko" "$sys/mods/hwpt.ko.xz" -- "hwptctl load --path $sys/mods/h"

# Devices: those hwpt can take, cut at the last colon as bash wants.
t "${take[@]}" -- 'hwptctl exercise '
t "${take[@]}" -- 'hwptctl faults '
t "${take[@]}" -- 'hwptctl faults --inject 10 '
t "${take[@]}" -- 'hwptctl --json exercise '
t 00:02.0 00:03.0 00:03.1 00:06.0 00:07.0 -- 'hwptctl exercise 0000:'
t 02.0 03.0 03.1 06.0 07.0 -- 'hwptctl exercise 0000:00:0'
t 03.0 03.1 -- 'hwptctl exercise 0000:00:03'
t 0000:00:02.0 0000:00:03.0 0000:00:03.1 -- 'hwptctl exercise --edu '
t 0000:00:03.0 0000:00:03.1 -- 'hwptctl exercise --group '
t 0000:00:03.0 0000:00:03.1 -- 'hwptctl exercise --edu --group '
t 0000:00:03.0 0000:00:03.1 -- 'hwptctl --json -v exercise --group --edu '
t -- 'hwptctl exercise 0000:00:02.0 '
t --edu --group --json -v --verbose --help -- 'hwptctl exercise 0000:00:02.0 -'
t -- 'hwptctl faults 0000:00:02.0 '
t "${take[@]}" -- 'hwptctl -v faults '
t "${take[@]}" -- 'hwptctl info --bind '
t "${take[@]}" -- 'hwptctl info -v --bind '
t -- 'hwptctl info --bind 0000:00:02.0 '

# info without --bind reads any device: every PCI function.
t 0000:00:00.0 0000:00:01.0 0000:00:02.0 0000:00:03.0 0000:00:03.1 \
	0000:00:04.0 0000:00:05.0 0000:00:05.1 0000:00:06.0 0000:00:06.1 \
	0000:00:07.0 0000:01:00.0 0000:01:00.1 -- 'hwptctl info '
t 00.0 00.1 -- 'hwptctl info 0000:01:0'
t -- 'hwptctl info 0000:01:00.0 '
t --bind --json -v --verbose --help -- 'hwptctl info 0000:01:00.0 -'

# No device hwpt can take: every endpoint in an IOMMU group.
rm "$sys"/bus/pci/devices/0000:00:0[2367].*
t 0000:00:05.0 0000:00:05.1 0000:01:00.0 0000:01:00.1 -- 'hwptctl exercise '

echo "completion: $pass passed, $fail failed"
[ "$fail" = 0 ]
