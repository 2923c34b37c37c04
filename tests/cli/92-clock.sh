#!/bin/sh
# 92-clock.sh: the clock rule (docs/FORMAT.md section 7, "The clock rule").
# A member of side A signs a note whose clock is 2^64 - 1, or one more
# than the rule allows, and sends it in a bundle: side B's import refuses
# it and names it, B stays writable, and joins and audits of the bundle
# fail naming it.  The same note slipped into A's own store past the rules
# makes `verify` and `audit` fail, naming it; slipped in as if verified,
# it makes A's next write refuse (a clock violation) rather than wrap.  A
# note with the lawful clock, made by the same forger, is accepted (the
# forger is not wrong in some other way).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

# The tool that stores an entry past the rules (tests/tools/entry_slip.c).
SLIP=${abs_top_builddir:-$(dirname "$DETENTE")}/tests/tools/entry_slip

if ! have_bt; then
	skip "no python3 with cryptography, nacl and argon2" 1
	done_testing
	exit 0
fi

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "B cannot join"
run_ok "A opens a meeting" A --as ru-head meeting open
run_ok "A notes" A --as ru-del add note "RU's note"
sync_both || bail_out "cannot exchange bundles"
run_ok "B notes" B --as us-del add note "US's note"
sync_both || bail_out "cannot exchange bundles"
is "$(hashes "$HB")" "$(hashes "$HA")" "both replicas hold the same record"
run_ok "A exports everything" A bundle export -o "$TEST_TMP/all.dtb"
KS=$HA/identities/ru-del.key
before=$(hashes "$HB")

# The forged notes: ru-del's next entry, referring to every other feed's
# last entry, encrypted with the dialogue key and signed by ru-del.
for case in max high; do
	BT note "$case" "$TEST_TMP/all.dtb" "$TEST_TMP/$case.dtb" "$KS" \
	    "$PASS" >"$TEST_TMP/$case.note" || fail "forge the $case note"
	read -r seq clock hash <"$TEST_TMP/$case.note"
	run_fails 1 "$case: B's import refuses the note" B bundle import \
	    "$TEST_TMP/$case.dtb"
	like "$(cat "$ERR")" \
	    "bundle rejected: clock violation: author ru-del \([0-9a-f]{16}\), seq $seq, hash $hash: clock $clock, expected [0-9]+ " \
	    "$case: names the entry, its clock and the clock it must have"
	expected=$(sed -n 's/.*, expected \([0-9]*\) .*/\1/p' "$ERR")
	case $case in
	max) is "$clock" 18446744073709551615 "max: the clock is 2^64 - 1" ;;
	high) is "$clock" "$((expected + 1))" "high: one more than expected" ;;
	esac
	like "$(cat "$ERR")" "nothing was imported" "$case: says so"
	is "$(hashes "$HB")" "$before" "$case: nothing imported"
	run_fails 1 "$case: --key refuses it too" B --as us-del bundle \
	    import --key "$TEST_TMP/$case.dtb"
	like "$(cat "$ERR")" "clock violation: author ru-del .*, seq $seq, hash $hash" \
	    "$case: for its clock, before its content"
	run_ok "$case: B still writes" B --as us-del add note "after $case"
	run_ok "$case: B verifies" B --as us-del verify
	run_fails 1 "$case: an audit of the bundle fails" \
	    "$DETENTE" audit "$TEST_TMP/$case.dtb" --no-key
	like "$(cat "$OUT" "$ERR")" "seq $seq.*$hash" \
	    "$case: the audit names the note"
	run_fails 1 "$case: a join from the bundle fails" "$DETENTE" \
	    --home "$TEST_TMP/C-$case" dialogue join --yes "$TEST_TMP/$case.dtb"
	like "$(cat "$ERR")" "clock violation: .*seq $seq, hash $hash" \
	    "$case: the join names the note"
	before=$(hashes "$HB")
done

# The same note slipped into A's own store, past the rules.
DDIR=$HA/dialogues/$DID
cp -r "$DDIR" "$TEST_TMP/dialogue.good"
read -r seq clock hash <"$TEST_TMP/max.note"
run_ok "slip the note of clock 2^64 - 1 into A's store" "$SLIP" "$DDIR" \
    "$TEST_TMP/max.dtb"
is "$(cat "$OUT")" "$hash" "the slipped entry is the forged note"
run_fails 1 "A's verify fails" A --as ru-head verify
like "$(cat "$OUT")" "^FAILED: clock $clock, expected [0-9]+ .*: author ru-del seq $seq hash $hash" \
    "and names the note, its clock and the clock it must have"
run_fails 1 "A's verify without the key fails too" A verify --no-key
like "$(cat "$OUT")" "author ru-del seq $seq hash $hash" "naming the note"
run_fails 1 "an audit of A's store fails" "$DETENTE" audit "$DDIR" --no-key
like "$(cat "$OUT" "$ERR")" "seq $seq.*$hash" "the audit names the note"
run_fails 1 "A refuses to write on a record that fails" A --as ru-head \
    add note "after the slip"
rm -rf "$DDIR"
cp -r "$TEST_TMP/dialogue.good" "$DDIR"
run_ok "the store put back verifies" A --as ru-head verify
run_ok "and A writes again" A --as ru-head add note "after the slip"

# The writer never wraps a clock: the note slipped in as if verified (the
# watermark moved past it, so that opening the record does not check it)
# makes A's next entry refuse to be written, as a clock violation, where
# the clock would have wrapped to 0 and been refused as "not a member".
run_ok "slip the note again, marked verified" "$SLIP" --verified "$DDIR" \
    "$TEST_TMP/max.dtb"
run_fails 1 "A refuses to write after it" A --as ru-head add note "wrapped?"
like "$(cat "$ERR")" "cannot append a note entry \(Lamport clock rule violated\)" \
    "as a clock violation"
unlike "$(cat "$ERR")" "not a member|do not allow" "not as a membership refusal"
run_fails 1 "the full verify names the note" A --as ru-head verify
like "$(cat "$OUT")" "^FAILED: clock $clock, expected [0-9]+ .*: author ru-del seq $seq hash $hash" \
    "with its clock and the clock it must have"
rm -rf "$DDIR"
cp -r "$TEST_TMP/dialogue.good" "$DDIR"

# Control: the same forger's note with the lawful clock is accepted.
BT note next "$TEST_TMP/all.dtb" "$TEST_TMP/next.dtb" "$KS" "$PASS" \
    >"$TEST_TMP/next.note" || fail "forge the lawful note"
read -r seq clock hash <"$TEST_TMP/next.note"
is "$clock" "$expected" "its clock is the one the refusals expected"
run_ok "B imports the lawful note" B --as us-del bundle import --key \
    "$TEST_TMP/next.dtb"
like "$(cat "$OUT")" "^1 new" "one new entry"
run_ok "B writes after it" B --as us-del add note "after the lawful note"
run_ok "B verifies with the key" B --as us-del verify

done_testing
