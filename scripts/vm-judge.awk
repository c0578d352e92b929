# SPDX-License-Identifier: GPL-2.0
# Judge a test VM's serial log (CRs removed), for scripts/vm-run.sh:
#   awk -v allow=REGEX -v verbose=0|1 -v cmd=0|1 -f vm-judge.awk LOG
# Kernel lines are matched against the problem patterns (except those
# matching allow); guest lines (tag "G: ", see scripts/guest-init.sh) give
# the markers and the test results. Prints one line
#   passed failed skipped whole_failed taint_before taint_after
# (taints -1 when not reported), then "# reason" lines; the guest output of
# failed tests (of all with verbose=1, of the guest command with cmd=1)
# goes to stderr.
function fail(msg) { whole = 1; reasons = reasons "\n# " msg }
{
	line = $0
	ts = -1
	if (match(line, /^\[ *[0-9]+\.[0-9]+\]/))
		last = ts = substr(line, RSTART + 1, RLENGTH - 2) + 0
	sub(/^(\[[^]]*\] ?)+/, "", line)
	if (line !~ /^G: /) {
		if (line ~ /WARNING:|BUG:|kernel BUG at|Oops|Call [Tt]race|possible (circular|recursive) locking|INFO: |KASAN|UBSAN|general protection|Kernel panic|Unable to handle kernel|Internal error:|list_(add|del) corruption|refcount_t: / &&
		    (allow == "" || line !~ allow)) {
			if (++nissues <= 20)
				issues = issues "\n#   " (cur != "" ? "[in " cur "] " : "") line
		}
		next
	}
	g = substr(line, 4)
	if (g ~ /^HWPT-TAINT-BEFORE=/) { before = substr(g, 19) + 0; have_before = 1 }
	else if (g ~ /^HWPT-TAINT=/) { taint = substr(g, 12) + 0; have_taint = 1 }
	else if (g ~ /^HWPT-VM-DONE rc=/) { done = 1; done_rc = substr(g, 17) + 0 }
	else if (g ~ /^HWPT-INSMOD-FAILED/ || g ~ /^HWPT-INSMOD-DEP-FAILED/ ||
		 g ~ /^HWPT-KMOD-FAILED/ || g ~ /^HWPT-NO-GROUP/ ||
		 g ~ /^HWPT-RMMOD-FAILED/)
		fail(g)
	else if (g ~ /^HWPT-KMEMLEAK /) {
		leaks = substr(g, 15) + 0
		if (leaks)
			fail("kmemleak: " leaks " leak(s) after rmmod:")
	} else if (leaks && cur == "" && g !~ /^HWPT-/ && ++leaklines <= 30)
		reasons = reasons "\n#   " g
	else if (g ~ /^HWPT-(TEST|CMD)-BEGIN/) {
		cur = g; sub(/^HWPT-[A-Z]+-BEGIN ?/, "", cur)
		if (cur == "") cur = "guest command"
		out = ""; summary = 0; tfailed = 0; began = ts
	} else if (g ~ /^HWPT-(TEST|CMD)-END/) {
		name = g; sub(/^HWPT-[A-Z]+-END ?/, "", name); sub(/ ?rc=.*/, "", name)
		if (name == "") name = "guest command"
		rc = g; sub(/.*rc=/, "", rc); rc += 0
		times = times sprintf(", %s %.1fs", name, ts - began)
		if (cmd || verbose || rc)
			printf "%s", out > "/dev/stderr"
		if (!cmd && !summary)
			fail("guest test " name " exited with " rc " without a summary line")
		else if (rc && !tfailed)
			fail(name " exited with " rc " with no failed case")
		cur = ""
	} else if (cur != "") {
		out = out "  | " g "\n"
		if (g ~ /^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$/) {
			split(g, n, /[ ,]+/)
			passed += n[1]; failed += n[3]; skipped += n[5]
			tfailed += n[3]; summary = 1
		}
	} else if (verbose)
		print "  | " g > "/dev/stderr"
}
END {
	if (cur != "") {	# cut short
		printf "%s", out > "/dev/stderr"
		fail(cur " did not finish")
		times = times sprintf(", %s %.1fs so far", cur, last - began)
	}
	if (nissues)
		fail(nissues " kernel problem line(s):" issues)
	if (!done)
		fail("no end marker HWPT-VM-DONE: the guest crashed, hung or timed out")
	else if (done_rc && !whole && !failed)
		fail("guest /init reported rc=" done_rc)
	if (whole && times != "")
		fail("guest time by program: " substr(times, 3))
	if (!have_before || !have_taint)
		before = taint = -1
	printf "%d %d %d %d %d %d%s\n", passed, failed, skipped, whole,
		before, taint, reasons
}