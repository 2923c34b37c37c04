#!/bin/sh
# 62-rollback.sh: a store rolled back by one write transaction (LMDB's
# newer meta page given a smaller transaction id, tests/tools/
# lmdb_rollback.py) is a valid, older record: local verification of the
# store alone cannot see it (docs/SECURITY.md, "What local verification
# cannot see").  What catches it:
#   - the feed marks this home keeps outside the store
#     (HOME/identities/NAME.marks): verify fails and writes are refused,
#     until the lost entries come back from the other side;
#   - when the marks are rolled back too and the owner writes again, the
#     next exchange with the other side, which had received the lost
#     entry: the two entries for one place are a fork, refused and kept
#     as evidence, whichever way the bundle goes and with --since too.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

# D HOME ARGS: detente in another home.
D()
{
	_h=$1
	shift
	"$DETENTE" --home "$_h" --passphrase-file "$PASS" "$@"
}

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open >/dev/null || bail_out "cannot open a meeting"
A --as ru-head add note "one" >/dev/null || bail_out "cannot add"
sync_both || bail_out "cannot sync"
MARKS=$HA/identities/ru-head.marks
ok '[ -f "$MARKS" ]' "a write leaves a feed mark beside the keystore"
RU=$(A id export --hex ru-head)
like "$(cat "$MARKS")" "^$DID $RU [0-9]+ [0-9a-f]{64}$" \
    "the mark: dialogue, author, size, hash"
cp "$MARKS" "$TEST_TMP/marks.before"

# ru-head writes "two"; the bundle that carries it reaches B; then A's
# store loses that last write.
run_ok "A writes the entry that will be lost" \
    A --as ru-head add note "two, to be lost"
LOST=$(cat "$OUT")
cp -R "$HA" "$TEST_TMP/A-sent"
run_ok "the disk before the rollback exports it" \
    D "$TEST_TMP/A-sent" bundle export -o "$TEST_TMP/sent.dtb"
run_ok "B receives it" B bundle import "$TEST_TMP/sent.dtb"
like "$(hashes "$HB")" "^$LOST" "B holds the entry"
DB=$HA/dialogues/$DID/data.mdb
run_ok "the newer meta page of A's store is rolled back" \
    /usr/bin/python3 "$_tap_lib_dir/tools/lmdb_rollback.py" "$DB"
unlike "$(hashes "$HA")" "^$LOST" "A's store no longer holds the entry"

# What the store alone shows: a valid record.
run_ok "audit of the store (no key) says OK: it cannot see a rollback" \
    A audit "$HA/dialogues/$DID" --no-key
like "$(tail -n 1 "$OUT")" "^OK: " "audit: OK"

# The marks see it.
run_fails 1 "verify fails: the store holds less than ru-head wrote" A verify
like "$(cat "$OUT")" "^FAILED: .*ru-head wrote .* rolled back or restored" \
    "verify says the store was rolled back"
run_fails 1 "verify --no-key fails too" A verify --no-key
run_fails 1 "ru-head may not write: it would fork its own feed" \
    A --as ru-head add note "two, written again"
like "$(cat "$ERR")" "refusing to write: .*rolled back.*bundle import" \
    "the refusal says why and what to do"
run_fails 1 "nor may another identity of this home" \
    A --as ru-del add note "by ru-del"

# Everything needs to be exchanged: B still has the lost entry.
cp -R "$HA" "$TEST_TMP/A2"
cp -R "$HB" "$TEST_TMP/B2"
run_ok "A's state" A bundle state -o "$TEST_TMP/a.state"
run_ok "B exports what A lacks" \
    B bundle export --since "$TEST_TMP/a.state" -o "$TEST_TMP/back.dtb"
run_ok "A imports it" A bundle import "$TEST_TMP/back.dtb"
like "$(hashes "$HA")" "^$LOST" "A holds its lost entry again"
run_ok "A verifies" A verify
run_ok "ru-head writes again" A --as ru-head add note "three"
run_ok "bundles both ways" sync_both
is "$(hashes "$HA")" "$(hashes "$HB")" "the replicas agree"

# Whoever rolls the store back can roll the marks back too.  Then the
# owner writes a different entry at the lost place, and the next
# exchange shows it as a fork, kept as evidence.
A2=$TEST_TMP/A2
B2=$TEST_TMP/B2
cp "$TEST_TMP/marks.before" "$A2/identities/ru-head.marks"
run_ok "with the marks rolled back as well, verify says OK (the limit)" \
    D "$A2" verify
run_ok "ru-head writes again at the lost place" \
    D "$A2" --as ru-head add note "two, written again"
AGAIN=$(cat "$OUT")
isnt "$AGAIN" "$LOST" "a different entry"
cp -R "$B2" "$TEST_TMP/B3"
cp -R "$A2" "$TEST_TMP/A3"

# (a) B's state, A's export --since: it carries A's entry at the place
# where B's head differs, and B's import meets the fork.
run_ok "B's state" D "$B2" bundle state -o "$TEST_TMP/b2.state"
run_ok "A exports --since B's state" \
    D "$A2" bundle export --since "$TEST_TMP/b2.state" -o "$TEST_TMP/a2.dtb"
like "$(cat "$ERR")" "state disagrees with this record about ru-head" \
    "the export warns that B holds another history of ru-head's feed"
run_fails 1 "B's import is rejected: a fork" \
    D "$B2" bundle import "$TEST_TMP/a2.dtb"
like "$(cat "$ERR")" "bundle rejected: fork: author ru-head" \
    "the rejection names the fork and its author"
run_fails 1 "B keeps the fork as evidence" D "$B2" evidence
like "$(cat "$OUT")" "fork: author ru-head .*, seq [0-9]+" "fork evidence"
like "$(cat "$OUT")" "both valid" "both signed by ru-head"
ok 'grep -q "$LOST" "$OUT" && grep -q "$AGAIN" "$OUT"' \
    "the evidence holds the lost entry and the new one"

# (b) the other way: A's state, B's export --since, A's import.
run_ok "A's state" D "$TEST_TMP/A3" bundle state -o "$TEST_TMP/a3.state"
run_ok "B exports --since A's state" \
    D "$TEST_TMP/B3" bundle export --since "$TEST_TMP/a3.state" \
    -o "$TEST_TMP/b3.dtb"
run_fails 1 "A's import is rejected: a fork" \
    D "$TEST_TMP/A3" bundle import "$TEST_TMP/b3.dtb"
run_fails 1 "A keeps the fork as evidence" D "$TEST_TMP/A3" evidence
like "$(cat "$OUT")" "fork: author ru-head" "fork evidence on A"

# (c) a full bundle.
run_ok "A exports everything" \
    D "$TEST_TMP/A3" bundle export -o "$TEST_TMP/a3-all.dtb"
run_fails 1 "B's import of it is rejected: a fork" \
    D "$TEST_TMP/B3" bundle import "$TEST_TMP/a3-all.dtb"
like "$(cat "$ERR")" "fork" "a fork"

done_testing
