#!/bin/sh
# 99-audit-whole.sh: `detente audit B` accounts for every entry of the
# bundle file B.  An entry left out of the middle of a feed (count and
# trailer recomputed, as anyone handling the file can do) leaves the
# entries after it, and the entries of other feeds that reference them,
# with no place: each is named with what it waits for, the counts are
# of the whole file, and the audit fails (exit 1).  So does an extra
# entry by a key that is not a member, referencing an entry that exists
# nowhere.  A whole bundle passes and says every entry was placed.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

if ! have_bt; then
	plan skip_all "bundle_tool.py needs python3-nacl, -cryptography, -argon2"
fi
TT=$TEST_TMP/tmp
mkdir -p "$TT"
# C ARGS: an auditor with a home of its own, temporary stores under $TT.
C()
{
	TMPDIR=$TT "$DETENTE" --home "$TEST_TMP/C" "$@"
}

# json_has EXPR: EXPR (python, o = the JSON in $OUT) holds.
json_has()
{
	python3 -c "
import json, sys
o = json.load(open(sys.argv[1]))
l = [x.split() for x in open(sys.argv[2])]
sys.exit(0 if eval(sys.argv[3]) else 1)" "$OUT" "$TEST_TMP/list" "$1"
}

# Three notes by ru-del, one by us-del that references them, one by
# ru-head after it: four feeds, each entry referencing the newest of the
# others.
two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open >/dev/null || bail_out "meeting open"
for n in one two three; do
	A --as ru-del add note "note $n" >/dev/null || bail_out "note"
done
sync_both || bail_out "sync"
B --as us-del add note "the US note" >/dev/null || bail_out "US note"
sync_both || bail_out "sync"
A --as ru-head add note "the last note" >/dev/null || bail_out "note"
A bundle export -o "$TEST_TMP/all.dtb" >/dev/null || bail_out "export"
RUDEL=$(A id export --hex ru-del)
N=$(BT list "$TEST_TMP/all.dtb" | wc -l | tr -d ' ')

# --- a whole bundle ------------------------------------------------------
run_ok "a whole bundle" C audit --no-key "$TEST_TMP/all.dtb"
like "$(cat "$OUT")" "^bundle: $N entries in the file, $N placed, 0 not placed\$" \
    "the counts are of the file: every entry placed"
like "$(tail -n 1 "$OUT")" "^OK: $N entries in " "OK"

# --- one entry left out of the middle of ru-del's feed ------------------------
BT forge drop "$TEST_TMP/all.dtb" "$TEST_TMP/drop.dtb" \
    "$HA/identities/ru-del.key" "$PASS"
BT list "$TEST_TMP/drop.dtb" >"$TEST_TMP/list"
is "$(wc -l <"$TEST_TMP/list" | tr -d ' ')" "$((N - 1))" "the file has one entry less"
is "$(BT check "$TEST_TMP/drop.dtb")" "ok $((N - 1))" \
    "and is a sound bundle: count, trailer and signatures"
# ru-del's seq 1 is gone; seq 2 waits for it; us-del's note and ru-head's
# last note reference what waits.
SEQ1=$(BT list "$TEST_TMP/all.dtb" | awk -v a="$RUDEL" '$2 == a && $3 == 1 { print $6 }')
SEQ2=$(awk -v a="$RUDEL" '$2 == a && $3 == 2 { print $6 }' "$TEST_TMP/list")
run_fails 1 "audit of a bundle with an entry left out" C audit --no-key \
    "$TEST_TMP/drop.dtb"
like "$(cat "$OUT")" "^bundle: $((N - 1)) entries in the file, $((N - 4)) placed, 3 not placed\$" \
    "the counts are of the whole file"
like "$(cat "$OUT")" "^  not placed: ru-del seq 2 hash $SEQ2 \\(clock [0-9]+, note\\): waits for seq 1 of its own feed \\(hash $SEQ1\\), not in the bundle\$" \
    "names the entry after the gap, and the gap"
like "$(cat "$OUT")" "^  not placed: us-del seq 0 hash [0-9a-f]{64} .*: waits for ru-del seq 2 \\(hash $SEQ2\\), which it references, not placed either\$" \
    "names an entry of another feed that references it"
like "$(cat "$OUT")" "^  not placed: ru-head seq [0-9]+ hash [0-9a-f]{64} .*, not placed either\$" \
    "and one more feed's"
like "$(tail -n 1 "$OUT")" "^FAILED: not placed \\(3 of the $((N - 1)) entries of the bundle\\): it waits for seq 1 of its own feed .*: author ru-del seq 2 hash $SEQ2 expected $SEQ1\$" \
    "FAILED names the first entry and what it waits for"
unlike "$(cat "$OUT")" "^OK" "never OK"
is "$(ls -A "$TT")" "" "no temporary store left behind"

run_fails 1 "audit --json of it" C audit --no-key --json "$TEST_TMP/drop.dtb"
ok 'json_has "o[\"ok\"] is False and o[\"file\"][\"entries\"] == len(l) and o[\"file\"][\"placed\"] + o[\"file\"][\"not_placed\"] == len(l)"' \
    "JSON: placed and not placed add up to the file's entries"
ok 'json_has "len(o[\"file\"][\"not_placed_entries\"]) == 3 and all(x[\"hash\"] in [y[5] for y in l] for x in o[\"file\"][\"not_placed_entries\"])"' \
    "JSON: the three entries not placed, each from the file"
ok 'json_has "[(x[\"author_name\"], x[\"seq\"], x[\"waits_for\"][\"what\"], x[\"waits_for\"][\"seq\"], x[\"waits_for\"][\"also_not_placed\"]) for x in o[\"file\"][\"not_placed_entries\"]][0] == (\"ru-del\", 2, \"previous\", 1, False)"' \
    "JSON: what the first waits for"
ok 'json_has "o[\"failure\"][\"seq\"] == 2 and o[\"failure\"][\"author_name\"] == \"ru-del\""' \
    "JSON: the failure names it"

# --- an extra entry by a key that is not a member --------------------------------
BT forge stranger-ref "$TEST_TMP/all.dtb" "$TEST_TMP/sref.dtb"
BT list "$TEST_TMP/sref.dtb" >"$TEST_TMP/list"
STRANGER=$(tail -n 1 "$TEST_TMP/list" | awk '{ print $2 }')
run_fails 1 "audit of a bundle with an unplaceable outsider's entry" \
    C audit --no-key "$TEST_TMP/sref.dtb"
like "$(cat "$OUT")" "^bundle: $((N + 1)) entries in the file, $N placed, 1 not placed\$" \
    "one not placed"
like "$(cat "$OUT")" "^  not placed: $(printf %.16s "$STRANGER") \\(not a member\\) seq 0 hash [0-9a-f]{64} \\(clock [0-9]+, checkpoint\\): waits for [0-9a-f]{16} \\(not a member\\) seq 5 \\(hash [0-9a-f]{64}\\), which it references, not in the bundle\$" \
    "names the outsider's entry and the reference it waits for"
like "$(tail -n 1 "$OUT")" "^FAILED: .*: author $STRANGER seq 0 hash [0-9a-f]{64} expected [0-9a-f]{64}\$" \
    "FAILED names the outsider's key"
run_fails 1 "the same with --json" C audit --json "$TEST_TMP/sref.dtb"
ok 'json_has "o[\"file\"][\"not_placed\"] == 1 and o[\"file\"][\"not_placed_entries\"][0][\"author\"] == \"$STRANGER\" and o[\"file\"][\"not_placed_entries\"][0][\"waits_for\"][\"what\"] == \"reference\""' \
    "JSON names it"
is "$(ls -A "$TT")" "" "no temporary store left behind"

# The same entry twice in the file: both copies are counted.
BT forge twice "$TEST_TMP/sref.dtb" "$TEST_TMP/sref2.dtb"
run_fails 1 "an entry not placed, twice in the file" \
    C audit --no-key "$TEST_TMP/sref2.dtb"
like "$(cat "$OUT")" "^bundle: $((N + 2)) entries in the file, $N placed, 2 not placed\$" \
    "both copies counted"
like "$(cat "$OUT")" "^  and 1 more copy of an entry not placed\$" "and said"

# An outsider's entry that waits for nothing is refused outright, as before.
BT forge outsider "$TEST_TMP/all.dtb" "$TEST_TMP/outsider.dtb"
run_fails 1 "an outsider's entry that does not wait" C audit "$TEST_TMP/outsider.dtb"
like "$(tail -n 1 "$OUT")" "^FAILED: " "FAILED"

done_testing
