#!/bin/sh
# 63-meeting-sides.sh: the meeting lifecycle across two replicas (issue
# 13): both sides open "the next meeting" before they exchange (one
# meeting, opened by both); one side closes while the other still writes
# and endorses (the late endorsement lands where it was written: the
# minutes and `commitments` agree); writing after one's own side's close
# is refused on each side; the minutes are final only when every party
# has closed; and an entry forged into a meeting its author's side had
# closed (docs/FORMAT.md, section 7, "Late entries") is kept, flagged on
# import and by verify, and left out of the minutes.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"

# --- concurrent openings ------------------------------------------------------
run_ok "A opens the next meeting" A --as ru-head meeting open --title "Round A" \
    --date 2030-01-10
run_ok "B opens the next meeting before any exchange" \
    B --as us-head meeting open --title "Round B" --date 2030-01-10
run_ok "bundles both ways" sync_both
run_ok "meeting list on A" A meeting list
LA=$(cat "$OUT")
run_ok "meeting list on B" B meeting list
is "$(cat "$OUT")" "$LA" "both replicas list the same meetings"
is "$(grep -c '^meeting ' "$OUT")" 1 "the two openings are one meeting"
like "$(cat "$OUT")" '^meeting 1  open  10 January 2030  Round .*\(opened by RU and US\)$' \
    "both openings are visible: opened by RU and US"
run_fails 1 "a third opening is refused while meeting 1 is open" \
    A --as ru-del meeting open
like "$(cat "$ERR")" 'meeting 1 is still open' "says which meeting"

# --- both sides write; RU closes while US still writes --------------------------
NOTE=$(A --as ru-del add note "RU note in meeting 1.") || bail_out "note"
COM=$(B --as us-del add commitment --party US --owner "US CERT" \
    --due 2030-02-01 "Share the CERT point of contact.") || bail_out "commitment"
sync_both || bail_out "cannot sync"
A --as ru-head endorse "$COM" >/dev/null || bail_out "RU endorses"
# US endorses before RU's close, but its bundle has not crossed yet.
run_ok "us-head endorses on B" B --as us-head endorse "$COM"
run_ok "RU closes meeting 1 for its side" A --as ru-head meeting close
run_ok "B writes while A closed" \
    B --as us-del add note --meeting 1 "Written on B while A closed."
sync_both || bail_out "cannot sync"
run_ok "meeting list on B after RU's close" B meeting list
like "$(cat "$OUT")" '^meeting 1  open \(closed by RU\)' "closed by RU only"

# --- writing after one's own side's close: refused, on each side ---------------
run_fails 1 "RU: add note --meeting 1 after RU's close" \
    A --as ru-del add note --meeting 1 "too late"
like "$(cat "$ERR")" 'meeting 1 is closed by your side \(RU\)' "says why"
run_fails 1 "RU: add note into the default meeting after RU's close" \
    A --as ru-del add note "too late"
like "$(cat "$ERR")" 'no meeting is open' "no meeting is open on RU's side"
run_fails 1 "RU: endorse after RU's close" A --as ru-head endorse "$NOTE"
like "$(cat "$ERR")" 'meeting 1 is closed by your side \(RU\)' "says why"
run_fails 1 "RU: close again" A --as ru-head meeting close 1
like "$(cat "$ERR")" 'already closed by your side' "says so"

# --- not final until every party has closed -------------------------------------
run_fails 1 "no final minutes before US closes" A minutes export --meeting 1
like "$(cat "$ERR")" 'not closed by every party \(no close from US yet\)' \
    "export says whose close is missing"
run_ok "a draft can be exported" A minutes export --meeting 1 --draft \
    -o "$TEST_TMP/draft.md"
like "$(cat "$ERR")" 'no close from US yet' "the draft export says so too"
like "$(head -n 1 "$TEST_TMP/draft.md")" 'status=draft -->$' "marked draft"
run_ok "a draft as JSON" A minutes export --meeting 1 --draft --format json \
    -o "$TEST_TMP/draft.json"
run_ok "the draft's closes: RU's, and none from US yet" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "draft"
assert [c["party"] for c in d["closes"]] == ["RU", "US"], d["closes"]
assert d["closes"][0]["close"]["party"] == "RU" and d["closes"][1]["close"] is None
' "$TEST_TMP/draft.json"
run_fails 1 "a draft is not signed" A --as ru-head minutes sign "$TEST_TMP/draft.md"
like "$(cat "$ERR")" 'draft' "sign says it is a draft"
run_fails 1 "a draft is not sealed" \
    A --as ru-head seal propose --meeting 1 --minutes "$TEST_TMP/draft.md"
like "$(cat "$ERR")" 'these minutes are a draft' "seal propose says why"

run_ok "US closes meeting 1 for its side" B --as us-head meeting close
run_fails 1 "US: add note --meeting 1 after US's close" \
    B --as us-del add note --meeting 1 "too late"
like "$(cat "$ERR")" 'meeting 1 is closed by your side \(US\)' "says why"
run_fails 1 "US: endorse after US's close" B --as us-head endorse "$NOTE"
like "$(cat "$ERR")" 'closed by your side \(US\)' "says why"
sync_both || bail_out "cannot sync"
run_ok "meeting list on A" A meeting list
like "$(cat "$OUT")" '^meeting 1  closed' "closed by every party"

# --- the late endorsement and the note written before US's close ---------------
mkdir -p "$TEST_TMP/a" "$TEST_TMP/b"
for f in md txt json; do
	run_ok "final minutes as $f on A" A minutes export --meeting 1 \
	    --lang en -o "$TEST_TMP/a/m1.$f"
	run_ok "final minutes as $f on B" B minutes export --meeting 1 \
	    --lang en -o "$TEST_TMP/b/m1.$f"
	run_ok "$f minutes are byte-identical on both sides" \
	    cmp "$TEST_TMP/a/m1.$f" "$TEST_TMP/b/m1.$f"
done
run_ok "the final JSON minutes: both openings, both closes" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "final"
assert sorted(o["party"] for o in d["openings"]) == ["RU", "US"], d["openings"]
assert [c["close"]["party"] for c in d["closes"]] == ["RU", "US"], d["closes"]
assert d["closed"]["entry"] in [c["close"]["entry"] for c in d["closes"]]
' "$TEST_TMP/a/m1.json"
M=$TEST_TMP/a/m1.md
like "$(head -n 1 "$M")" 'status=final -->$' "the minutes are final"
like "$(cat "$M")" '^\*\*Agreed:\*\* endorsed by the heads of RU, US\.$' \
    "the minutes: the commitment is agreed (US endorsed before its close)"
unlike "$(cat "$M")" 'not by US' "nothing says US did not endorse"
like "$(cat "$M")" 'Written on B while A closed' \
    "the note US wrote before its own close is in the minutes"
run_ok "commitments on A" A commitments
like "$(cat "$OUT")" 'endorsed by: RU, US \(agreed\)' \
    "commitments agrees: agreed by both"
run_ok "minutes sign on A" A --as ru-head minutes sign "$M"

# --- a forged late entry: kept, flagged, left out ------------------------------
if have_bt; then
	B bundle export -o "$TEST_TMP/all-b.dtb" >/dev/null || bail_out "export"
	run_ok "forge a note by us-del into meeting 1, after US's close" \
	    BT note next "$TEST_TMP/all-b.dtb" "$TEST_TMP/late.dtb" \
	    "$HB/identities/us-del.key" "$PASS" --meeting 1 \
	    --text "LATEMARK forged after the close"
	run_ok "A imports it with the key" A bundle import --key "$TEST_TMP/late.dtb"
	like "$(cat "$ERR")" "member fault: author us-del .*, note .*: written into a meeting its author's side had closed" \
	    "the import names the late entry and its author"
	run_fails 3 "verify on A: valid, with evidence (exit 3)" A verify
	like "$(cat "$OUT")" "^member fault: author us-del .*: written into a meeting its author's side had closed$" \
	    "verify names the late entry and its author"
	like "$(cat "$OUT")" '^OK: ' "the record still verifies"
	run_ok "log on A" A log
	like "$(cat "$OUT")" "\\[late: written into meeting 1 after us-del's side closed it\\] LATEMARK" \
	    "log flags the late entry and names its author"
	run_fails 1 "A exports its member faults (exit 1: evidence found)" \
	    A evidence --faults -o "$TEST_TMP/faults.dtb"
	run_ok "minutes on A after the late entry" A minutes export --meeting 1 --lang en \
	    -o "$TEST_TMP/a/m1-after.md"
	run_ok "the minutes did not change" \
	    cmp "$TEST_TMP/a/m1.md" "$TEST_TMP/a/m1-after.md"
	unlike "$(cat "$TEST_TMP/a/m1-after.md")" 'LATEMARK' \
	    "the late entry is not in the minutes"
	run_ok "B imports it without the key" B bundle import "$TEST_TMP/late.dtb"
	run_fails 3 "verify on B finds it too" B verify
	like "$(cat "$OUT")" "member fault: author us-del" "names its author"
	run_ok "bundles both ways" sync_both
	is "$(hashes "$HA")" "$(hashes "$HB")" "both replicas hold the same entries"
	run_ok "minutes on B after the late entry" B minutes export --meeting 1 --lang en \
	    -o "$TEST_TMP/b/m1-after.md"
	run_ok "still byte-identical on both sides" \
	    cmp "$TEST_TMP/a/m1-after.md" "$TEST_TMP/b/m1-after.md"
else
	skip "needs /usr/bin/python3 with python3-nacl, -argon2, -cryptography" 22
fi

# --- one side moves on while the other is still in a meeting ------------------
run_ok "RU opens meeting 2" A --as ru-head meeting open --title "Second"
sync_both || bail_out "cannot sync"
run_ok "RU closes meeting 2 for its side" A --as ru-head meeting close
run_ok "RU opens meeting 3 while US is still in meeting 2" \
    A --as ru-head meeting open --title "Third"
sync_both || bail_out "cannot sync"
run_ok "US writes with no --meeting" B --as us-del add note "US, still in 2."
run_ok "log of meeting 2 on B" B log --meeting 2
like "$(cat "$OUT")" 'US, still in 2\.' "US's note went to meeting 2, where US still is"
run_ok "US closes its meeting (2)" B --as us-head meeting close
run_ok "US writes again" B --as us-del add note "US, now in 3."
run_ok "log of meeting 3 on B" B log --meeting 3
like "$(cat "$OUT")" 'US, now in 3\.' "then to meeting 3"
sync_both || bail_out "cannot sync"
run_ok "meeting list on A" A meeting list
LA=$(cat "$OUT")
run_ok "meeting list on B" B meeting list
is "$(cat "$OUT")" "$LA" "both replicas list the same meetings"
like "$LA" '^meeting 2  closed' "meeting 2 closed by both"
like "$LA" '^meeting 3  open  ' "meeting 3 open"

done_testing
