#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.sh [CHECKPATCH ARGS...]: run the 6.12 kernel's checkpatch.pl
# --strict over the module's sources and UAPI header. Fails on any ERROR,
# WARNING or CHECK. Log: build/checkpatch.log.
set -euo pipefail
. "$(dirname "$0")/env.sh"

"$REPO/scripts/fetch-sources.sh" 6.12
cp=$HWPT_CACHE/src/6.12/scripts/checkpatch.pl
logf=$BUILD/checkpatch.log

# The sources as git sees them (so not the generated conftest.h).
cd "$REPO"
mapfile -t files < <(git ls-files --cached --others --exclude-standard \
	'src/module/*.c' 'src/module/*.h' include/uapi/linux/hwpt.h |
	grep -v '^src/module/conftest/' | sort -u)
[ ${#files[@]} -gt 0 ] || die "no source files to check"

log "checkpatch (${#files[@]} files)"
mkdir -p "$BUILD"
rc=0
perl "$cp" --strict --no-tree --no-summary --show-types "$@" -f "${files[@]}" \
	>"$logf" 2>&1 || rc=$?
n=$(grep -cE '^(ERROR|WARNING|CHECK):' "$logf" || true)
if [ "$n" != 0 ] || [ $rc != 0 ]; then
	grep -E -A1 '^(ERROR|WARNING|CHECK):' "$logf" | head -n 60 >&2
	die "checkpatch: $n report(s), exit code $rc"
fi
