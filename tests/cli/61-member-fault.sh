#!/bin/sh
# 61-member-fault.sh: a member signs content that is faulty (does not
# decrypt; invalid UTF-8; a zero byte; nesting past the limit; JSON that
# is no note), forged from docs/FORMAT.md by tests/tools/bundle_tool.py.
# Such an entry is its author's fault (FORMAT.md, section 7, "Member
# faults"): both replicas take it, one importing with the key and one
# without, and converge; import --key, verify and audit name it with its
# author; log, show and minutes never print its bytes; the record stays
# writable; `evidence --faults` exports it; and real tampering elsewhere
# still fails verification.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

have_bt || plan skip_all "needs /usr/bin/python3 with python3-nacl, -argon2, -cryptography"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-del meeting open >/dev/null || bail_out "cannot open a meeting"
A --as ru-del add note "a sound note" >/dev/null || bail_out "cannot add"
KS=$HA/identities/ru-del.key
[ -f "$KS" ] || bail_out "no keystore file for ru-del"
DEL=$(A id export --hex ru-del)

# Each case: A exports all it has, the forger appends ru-del's next entry
# with faulty content; A imports it without the key, B with the key.
n=0
for c in decrypt utf8 nul deep kind; do
	n=$((n + 1))
	A bundle export -o "$TEST_TMP/a$n.dtb" >/dev/null
	BT forge "fault-$c" "$TEST_TMP/a$n.dtb" "$TEST_TMP/f$n.dtb" "$KS" \
	    "$PASS" || bail_out "cannot forge fault-$c"
	run_ok "fault-$c: A imports it without the key" \
	    A bundle import "$TEST_TMP/f$n.dtb"
	run_ok "fault-$c: B imports it with the key" \
	    B bundle import --key "$TEST_TMP/f$n.dtb"
	like "$(cat "$ERR")" "member fault: author ru-del .*, seq $((n + 1)), note" \
	    "fault-$c: the import names the fault and its author"
	unlike "$(cat "$OUT" "$ERR")" "FAULTMARK" \
	    "fault-$c: the import prints nothing of the content"
done

# verify: exit 3, every fault named with its author; nothing of the bytes.
run_fails 3 "verify on B exits 3 (valid, with evidence)" B verify
is "$(grep -c "^member fault: author ru-del ($(echo "$DEL" | cut -c1-16))" \
    "$OUT")" 5 "verify names all five faults and their author"
like "$(cat "$OUT")" "content does not decrypt" "the reason: does not decrypt"
like "$(cat "$OUT")" "content is not a valid payload" "the reason: no payload"
like "$(cat "$OUT")" "content does not fit its kind" "the reason: not a note"
like "$(cat "$OUT")" "^OK: " "verify still says the record is intact"
run_fails 3 "verify on A (which imported without the key) exits 3 too" \
    A verify
run_ok "verify --no-key cannot see faults and passes" B verify --no-key
run_fails 3 "verify --json exits 3" B verify --json
like "$(cat "$OUT")" '"member_faults"' "verify --json lists member_faults"
like "$(cat "$OUT")" '"ok": true' "verify --json: ok"

# audit of the store and of a bundle, with a key file.
run_fails 3 "audit of B's store with a key file exits 3" \
    B audit "$HB/dialogues/$DID" --key-file "$HB/identities/us-head.key"
like "$(cat "$OUT")" "member faults" "audit has a member-faults section"
is "$(grep -c "member fault: author ru-del" "$OUT")" 5 \
    "audit names the five faults and their author"
run_fails 3 "audit of a bundle with a key file exits 3" \
    B audit "$TEST_TMP/f5.dtb" --key-file "$HB/identities/us-head.key"

# Nothing of the faulty content reaches the terminal.
run_ok "log on B" B log
unlike "$(cat "$OUT")" "FAULTMARK" "log prints nothing of the faulty content"
is "$(grep -c '\[unreadable entry by ru-del: ' "$OUT")" 5 \
    "log shows a placeholder naming the author for each"
ok '! grep -q "$(printf "\033")" "$OUT"' "log prints no escape character"
run_ok "log --json on B" B log --json
unlike "$(cat "$OUT")" "FAULTMARK" "log --json carries nothing of the content"
for h in $(B log --json | grep -o '"hash": "[0-9a-f]*"' | cut -d'"' -f4); do
	run_ok "show $h" B show "$h"
	unlike "$(cat "$OUT")" "FAULTMARK" "show $h prints nothing of the content"
done
F=$(B verify | sed -n 's/^member fault: .*note \([0-9a-f]*\): content does not decrypt$/\1/p')
run_ok "show the undecryptable entry" B show "$F"
like "$(cat "$OUT")" "member fault" "show calls it a member fault"
run_ok "minutes of meeting 1 (draft)" B minutes export --meeting 1 --draft
unlike "$(cat "$OUT")" "FAULTMARK" "the minutes carry nothing of the content"

# The record stays writable, on both sides, and the replicas converge.
run_ok "B still writes" B --as us-head add note "after the faults"
run_ok "A still writes" A --as ru-head add note "also after"
run_ok "the author's chain goes on after its faults" \
    A --as ru-del add note "ru-del, after its faults"
A bundle export -o "$TEST_TMP/after.dtb" >/dev/null
run_ok "B imports it with the key" B bundle import --key "$TEST_TMP/after.dtb"
like "$(B log)" "ru-del, after its faults" "B shows the author's later note"
run_ok "bundles both ways" sync_both
is "$(hashes "$HA")" "$(hashes "$HB")" "both replicas hold the same entries"
run_ok "A's replica is exported" A bundle export -o "$TEST_TMP/all-a.dtb"
run_ok "B's replica is exported" B bundle export -o "$TEST_TMP/all-b.dtb"
ok 'cmp -s "$TEST_TMP/all-a.dtb" "$TEST_TMP/all-b.dtb"' \
    "the replicas' bundles are the same bytes"

# The independent verifier, from FORMAT.md, finds the same five.
# (the script is a file: run_ok gives the command /dev/null as stdin, so
# a script on stdin would run nothing and pass)
cat >"$TEST_TMP/iv.py" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import bundle_tool as bt
import indep_verify as iv
did, entries = bt.read_bundle(sys.argv[2])
seed = bt.seed_of(sys.argv[3], sys.argv[4])
faults = []
iv.verify_record(entries, bytes.fromhex(sys.argv[5]),
                 key=bt.dialogue_key(did, entries, seed), faults=faults)
assert len(faults) == 5, faults
assert all(f[0] == iv.ed25519_pk(seed) for f in faults)
print("checked")
EOF
run_ok "indep_verify.py sees the same five faults" /usr/bin/python3 \
    "$TEST_TMP/iv.py" "$_tap_lib_dir/tools" "$TEST_TMP/all-b.dtb" "$KS" \
    "$PASS" "$DID"
like "$(cat "$OUT")" "^checked$" "and ran to its end"

# Evidence: listed, and exported as a bundle of the five entries.
run_fails 1 "evidence --faults lists them (exit 1: evidence found)" \
    B evidence --faults
is "$(grep -c "member fault: author ru-del" "$OUT")" 5 "five listed"
run_fails 1 "evidence --faults -o FILE" \
    B evidence --faults -o "$TEST_TMP/faults.dtb"
is "$(BT list "$TEST_TMP/faults.dtb" | wc -l | tr -d ' ')" 5 \
    "the evidence bundle holds the five entries"
is "$(BT check "$TEST_TMP/faults.dtb")" "ok 5" \
    "their signatures verify (bundle_tool)"
is "$(BT list "$TEST_TMP/faults.dtb" | awk '{print $2}' | sort -u)" "$DEL" \
    "all by ru-del"

# Real tampering still fails closed: a flipped byte is not a member fault.
cp -R "$HB" "$TEST_TMP/B2"
DB=$TEST_TMP/B2/dialogues/$DID/data.mdb
ok '[ "$(flip_entry_in "$DB" "$DEL" 1 140)" -ge 1 ]' \
    "a byte of ru-del's sound note flipped"
run_fails 1 "verify fails on the tampered store" \
    "$DETENTE" --home "$TEST_TMP/B2" --passphrase-file "$PASS" verify
unlike "$(cat "$OUT")" "^OK" "and does not say OK"
cp -R "$HB" "$TEST_TMP/B3"
DB=$TEST_TMP/B3/dialogues/$DID/data.mdb
ok '[ "$(flip_entry_in "$DB" "$DEL" 2 140)" -ge 1 ]' \
    "a byte of the faulty entry flipped"
run_fails 1 "verify fails: a changed faulty entry is tampering, not a fault" \
    "$DETENTE" --home "$TEST_TMP/B3" --passphrase-file "$PASS" verify
like "$(cat "$OUT")" "signature" "the signature no longer verifies"

done_testing
