#!/bin/sh
# 63-double-close.sh: two laptops of one delegation close one meeting at
# the same time, before they exchange (RU: ru-head on A, ru-del on A2, a
# copy of A's replica).  Both closes are kept; neither is late (neither
# is in the other's past), and neither is a fault.  The meeting is
# closed for RU from the first of them in merged order, and the minutes'
# scope is the union of the causal pasts of every close of the meeting
# (docs/FORMAT.md, section 13, "Scope"), so what either RU laptop wrote
# before its own close is in the minutes, whichever close comes first.
# Meeting list, minutes and verify agree on all three replicas.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

HA2=$TEST_TMP/A2
A2()
{
	"$DETENTE" --home "$HA2" --passphrase-file "$PASS" "$@"
}
# carry FROM TO: a bundle of what FROM has and TO lacks, imported in TO.
carry()
{
	"$1" bundle state -o "$TEST_TMP/st" --force >/dev/null 2>&1
	"$2" bundle state -o "$TEST_TMP/st" --force >/dev/null &&
	    "$1" bundle export --since "$TEST_TMP/st" -o "$TEST_TMP/c.dtb" \
	    --force >/dev/null &&
	    "$2" bundle import "$TEST_TMP/c.dtb" >/dev/null
}

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open --title "Round one" >/dev/null ||
    bail_out "cannot open"
sync_both || bail_out "sync"
B --as us-del add note "US note." >/dev/null || bail_out "US note"
sync_both || bail_out "sync"
cp -R "$HA" "$HA2"

# Both RU laptops write, then close, before any exchange.  Laptop 2
# writes more, so its close has the higher clock: laptop 1's close is
# the first in merged order, and its past lacks laptop 2's notes.
run_ok "RU laptop 2: ru-del writes" A2 --as ru-del add note "Written on RU laptop 2."
A2 --as ru-del add note "Laptop 2, second note." >/dev/null
A2 --as ru-del add note "Laptop 2, third note." >/dev/null
run_ok "RU laptop 2: ru-del closes meeting 1" A2 --as ru-del meeting close
run_ok "RU laptop 1: ru-head writes" A --as ru-head add note "Written on RU laptop 1."
run_ok "RU laptop 1: ru-head closes meeting 1" A --as ru-head meeting close

# US receives laptop 1's close and closes too, before laptop 2's
# entries reach anyone: no close but laptop 2's own has its notes.
sync_both || bail_out "sync"
run_ok "US closes meeting 1" B --as us-head meeting close 1
sync_both || bail_out "sync"
run_ok "A2's entries reach A" carry A2 A
run_ok "A verifies: two RU closes are no fault" A --as ru-head verify
unlike "$(cat "$OUT")" 'member fault|EVIDENCE' "no member fault, no late entry"
sync_both || bail_out "sync"
run_ok "A's entries reach A2" carry A A2

for h in A A2 B; do
	case $h in
	B) who=us-head ;;
	A) who=ru-head ;;
	*) who=ru-del ;;
	esac
	run_ok "$h: verify" $h --as $who verify
	like "$(cat "$OUT")" '^OK: ' "$h: OK"
	unlike "$(cat "$OUT")" 'member fault|EVIDENCE' "$h: no fault, nothing late"
	$h meeting list >"$TEST_TMP/list.$h"
	$h --as $who minutes export --meeting 1 -o "$TEST_TMP/m.$h.md" \
	    >/dev/null 2>"$TEST_TMP/m.$h.err"
done
like "$(cat "$TEST_TMP/list.A")" '^meeting 1  closed' "meeting 1 is closed"
ok 'cmp -s "$TEST_TMP/list.A" "$TEST_TMP/list.B" && cmp -s "$TEST_TMP/list.A" "$TEST_TMP/list.A2"' \
    "the three replicas list the same meetings"
ok 'cmp -s "$TEST_TMP/m.A.md" "$TEST_TMP/m.B.md" && cmp -s "$TEST_TMP/m.A.md" "$TEST_TMP/m.A2.md"' \
    "the three replicas export byte-identical minutes"
like "$(cat "$TEST_TMP/m.B.md")" 'Written on RU laptop 1\.' "laptop 1's note is in them"
like "$(cat "$TEST_TMP/m.B.md")" 'Written on RU laptop 2\.' "laptop 2's note is in them"
unlike "$(cat "$TEST_TMP/m.B.err")" 'draft' "they are final, not a draft"

# After both RU closes, neither RU laptop writes into meeting 1.
run_fails 1 "A2: writing into meeting 1 after RU's closes" \
    A2 --as ru-del add note --meeting 1 "too late"
like "$(cat "$ERR")" 'meeting 1 is closed by your side \(RU\)' "says why"
done_testing
