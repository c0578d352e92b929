# shellcheck shell=bash
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
#   KDIR           kernel headers (build) directory as the build sees it:
#                  a chroot path when BUILD_IN=sid ($SID_ROOT$KDIR on the
#                  host; kbuild rejects any other path to those headers)
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

# Per-kernel release override, e.g. HWPT_KREL_6_12=6.12.117+deb12-amd64
# (HWPT_KREL_6_1, HWPT_KREL_6_12, HWPT_KREL_7_2, HWPT_KREL_7_2_ARM64);
# without one, the newest release in the apt lists is used.
#
# KIMAGE and KMODDIR are under $HWPT_CACHE, which in_sid mounts at the same
# path, so they are valid inside the chroot too.

# run_quiet LOG CMD...: run CMD with its output in LOG, show LOG on failure.
run_quiet() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "failed: $* (full log: $log)"
	fi
}

# in_sid CMD...: run CMD as root inside the sid chroot, in the current
# directory if it exists there, with a clean environment (pass variables
# as "in_sid env VAR=VALUE CMD..."). /proc, /sys, /dev, /dev/pts, /tmp, $REPO
# and $HWPT_CACHE are mounted at their host paths in a private mount
# namespace: nothing is left mounted on the host, concurrent calls do not
# see each other's mounts, and all of it goes away when CMD exits.
in_sid() {
	[ -x "$SID_ROOT/usr/bin/env" ] || die "no sid chroot: run scripts/sid-chroot.sh"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- /bin/sh -c '
		set -e
		r=$1 cwd=$2 cache=$3 repo=$4
		shift 4
		mount -t proc proc "$r/proc"
		mount --rbind /sys "$r/sys"
		mount --rbind /dev "$r/dev"
		for d in /tmp "$cache" "$repo"; do
			mkdir -p "$r$d"
			mount --bind "$d" "$r$d"
		done
		[ ! -f /etc/resolv.conf ] || [ ! -f "$r/etc/resolv.conf" ] ||
			mount --bind /etc/resolv.conf "$r/etc/resolv.conf"
		exec chroot "$r" /usr/bin/env -i \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 TERM="${TERM:-dumb}" \
			DEBIAN_FRONTEND=noninteractive \
			/bin/sh -c "cd \"\$0\" 2>/dev/null || cd /; exec \"\$@\"" \
			"$cwd" "$@"
	' in_sid "$SID_ROOT" "$PWD" "$HWPT_CACHE" "$REPO" "$@"
}

# root_settings ROOT [docs]: apt and dpkg of a debootstrap'd root made
# quiet and quick: no recommends, translations, man, info or locale files,
# or service starts; dpkg without fsync. "docs" keeps /usr/share/doc; the
# apt lines of $ROOT_APT_EXTRA (if set) come first.
root_settings() {
	local root=$1 docs=${2:-}

	{
		[ -z "${ROOT_APT_EXTRA:-}" ] || echo "$ROOT_APT_EXTRA"
		echo 'Acquire::Languages "none";'
		echo 'APT::Install-Recommends "false";'
		echo 'Dpkg::Use-Pty "false";'
	} >"$root/etc/apt/apt.conf.d/99hwpt"
	{
		echo force-unsafe-io
		[ "$docs" = docs ] || echo 'path-exclude=/usr/share/doc/*'
		echo 'path-exclude=/usr/share/man/*'
		echo 'path-exclude=/usr/share/info/*'
		echo 'path-exclude=/usr/share/locale/*'
	} >"$root/etc/dpkg/dpkg.cfg.d/99hwpt"
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod +x "$root/usr/sbin/policy-rc.d"
}

# in_root ROOT CMD...: run CMD in ROOT (its /proc and /dev mounted), with
# a clean environment, without CAP_SYS_MODULE.
in_root() {
	local r=$1
	shift
	setpriv --inh-caps=-sys_module --bounding-set=-sys_module \
		chroot "$r" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		INITRD=No "$@"
}

# mount_root ROOT: /proc and /dev in ROOT; umount_root undoes it.
mount_root() {
	mount -t proc proc "$1/proc"
	mount --rbind /dev "$1/dev"
	mount --make-rslave "$1/dev"
}
umount_root() {
	umount -R "$1/dev" "$1/proc"
}

# make_root DIR VARIANT LOGDIR STAMP HOOK [PKG...]: debootstrap bookworm
# (debootstrap's VARIANT) into DIR with the host's mirrors, run HOOK DIR
# (":" for none) and install the PKGs; STAMP goes in DIR/.hwpt-base for
# the caller to decide when to remake it. Built aside, then moved in
# place: an interrupted run leaves no half-made DIR.
make_root() {
	local dir=$1 variant=$2 logdir=$3 stamp=$4 hook=$5 mirror sec
	local new=$1.new
	shift 5
	mirror=$(host_mirror bookworm)
	sec=$(host_mirror bookworm-security)
	log "debootstrap bookworm ($variant) from $mirror into $dir (a few minutes, once)"
	rm -rf "$new"
	mkdir -p "$logdir"
	run_quiet "$logdir/debootstrap.log" \
		debootstrap --variant="$variant" bookworm "$new" "$mirror"
	cat >"$new/etc/apt/sources.list" <<-EOF
	deb $mirror bookworm main
	deb $mirror bookworm-updates main
	deb $sec bookworm-security main
	EOF
	root_settings "$new" docs
	cp -L /etc/resolv.conf "$new/etc/resolv.conf"
	mount_root "$new"
	run_quiet "$logdir/base-update.log" in_root "$new" apt-get -q update
	"$hook" "$new"
	[ $# -eq 0 ] || run_quiet "$logdir/base-install.log" \
		in_root "$new" apt-get -q -y install "$@"
	umount_root "$new"
	echo "$stamp" >"$new/.hwpt-base"
	rm -rf "$dir"
	mv "$new" "$dir"
}

# apt_fresh ROOT: true if apt-get update ran under ROOT (/ or $SID_ROOT)
# less than a day ago, as recorded by apt_update.
apt_fresh() {
	[ -n "$(find "$1/var/lib/apt/hwpt-updated" -mmin -1440 2>/dev/null)" ]
}

# apt_update ROOT: apt-get update on the host (ROOT=/) or in the chroot.
apt_update() {
	local root=$1 log=$BUILD/apt-update.log where=
	[ "$root" = / ] || where=" (sid chroot)"
	mkdir -p "$BUILD"
	log "apt-get update$where"
	if [ "$root" = / ]; then
		run_quiet "$log" apt-get -q update
	else
		run_quiet "$log" in_sid apt-get -q update
	fi
	# apt can exit 0 when a source failed: stale lists would go unnoticed
	! grep -E '^(E: |W: Failed)' "$log" >&2 || die "apt-get update$where had errors"
	touch "$root/var/lib/apt/hwpt-updated"
}

# latest_krel ID: the kernel release to use for ID (override, else the
# newest with both headers and image (or 7.2's binary) in the apt lists;
# empty if none).
latest_krel() {
	local id=$1 var pat
	var=HWPT_KREL_${id//[.-]/_}
	var=${var^^}
	if [ -n "${!var:-}" ]; then
		echo "${!var}"
		return
	fi
	case $id in
	6.1)	pat='6\.1\.0-[0-9]+-amd64' ;;
	6.12)	pat='6\.12\.[0-9]+\+deb12-amd64' ;;
	7.2)	pat='7\.2\.[0-9]+\+deb14-amd64' ;;
	7.2-arm64)
		local k
		k=$(latest_krel 7.2)
		[ -z "$k" ] || echo "${k%-amd64}-arm64"
		return ;;
	*)	die "unknown kernel ID $id" ;;
	esac
	local cache=(apt-cache)
	[ "${id%%.*}" -lt 7 ] || cache=(in_sid apt-cache)
	"${cache[@]}" pkgnames linux- | sed -nE "s/^linux-(headers|image|binary)-($pat)(-unsigned)?$/\1 \2/p" |
		sort -u | awk '{ n[$2]++ } END { for (k in n) if (n[k] > 1) print k }' |
		sort -V | tail -n 1
}

# host_mirror [SUITE]: the Debian mirror the host's apt uses for SUITE
# (bookworm, or bookworm-security); $HWPT_MIRROR and $HWPT_SECURITY_MIRROR
# override it.
host_mirror() {
	local suite=${1:-bookworm} f=/etc/apt/sources.list.d/debian.sources m=
	local def=http://deb.debian.org/debian var=HWPT_MIRROR

	case $suite in
	*-security) def=http://deb.debian.org/debian-security var=HWPT_SECURITY_MIRROR ;;
	esac
	if [ -n "${!var:-}" ]; then
		echo "${!var}"
		return
	fi
	[ ! -f "$f" ] || m=$(awk -v suite="$suite" '
		BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; ok = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { split($i, a, /[ \t]+/); uri = a[2] }
				if ($i ~ /^Suites:/) {
					n = split($i, w, /[ \t]+/)
					for (j = 2; j <= n; j++) if (w[j] == suite) ok = 1
				}
			}
			if (ok && uri != "") { print uri; exit }
		}' "$f")
	[ -n "$m" ] || m=$(awk -v suite="$suite" '
		$1 == "deb" {
			i = 2
			if ($2 ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
			if ($(i + 1) == suite) { print $i; exit }
		}' \
		/etc/apt/sources.list 2>/dev/null)
	echo "${m:-$def}"
}

# copy_tree DEST: copy the source tree (tracked and new files, as git
# sees them; not build/, not ignored build products) to DEST.
copy_tree() {
	local dest=$1

	rm -rf "$dest"
	mkdir -p "$dest"
	if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$REPO" ls-files -z --cached --others --exclude-standard |
			rsync -a --from0 --files-from=- --ignore-missing-args "$REPO/" "$dest/"
	else
		rsync -a --exclude=/build --exclude=.git "$REPO/" "$dest/"
	fi
}

# vermagic FILE: the vermagic of a module, compressed or not.
vermagic() {
	local f=$1 tmp

	case $f in
	*.ko)	modinfo -F vermagic "$f"; return ;;
	esac
	tmp=$(mktemp --suffix=.ko)
	case $f in
	*.xz)	xz -dc "$f" >"$tmp" ;;
	*.zst)	zstd -qdc "$f" >"$tmp" ;;
	*.gz)	gzip -dc "$f" >"$tmp" ;;
	*)	rm -f "$tmp"; die "unknown module compression: $f" ;;
	esac
	modinfo -F vermagic "$tmp"
	rm -f "$tmp"
}

# kernel_vermagic: the vermagic of a module shipped with the loaded kernel
# (load_kernel).
kernel_vermagic() {
	local ko
	ko=$(find "$KMODDIR/kernel" -name '*.ko*' -print -quit)
	[ -n "$ko" ] || die "no module in $KMODDIR"
	vermagic "$ko"
}

# find_module NAME: path of module NAME under $KMODDIR (- and _ are equal).
find_module() {
	local n=${1//-/_} f b

	while read -r f; do
		b=${f##*/}
		b=${b%%.ko*}
		[ "${b//-/_}" = "$n" ] && { echo "$f"; return; }
	done < <(find "$KMODDIR" -name '*.ko*')
}

# kernel_provides NAME: how the loaded kernel provides module NAME:
# "module" (a file under $KMODDIR), "builtin" (in modules.builtin) or
# nothing, with exit status 1.
kernel_provides() {
	local n=${1//-/_}

	if [ -n "$(find_module "$n")" ]; then
		echo module
	elif grep -Eq "/${n//_/[-_]}\.ko\$" "$KMODDIR/modules.builtin" 2>/dev/null; then
		echo builtin
	else
		return 1
	fi
}
