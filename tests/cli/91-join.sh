#!/bin/sh
# 91-join.sh: the side that did not create a dialogue joins it from a
# bundle: it is shown the title, the parties and every head's
# fingerprint, confirms (--yes, or y on the terminal), and its members
# then find their key and write.  Heads add members of their own party,
# who receive the key and write, and the other side learns of them from
# the next bundle.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

two_homes || bail_out "cannot make a dialogue"
run_ok "export the genesis" A bundle export -o "$TEST_TMP/g.dtb"

# No terminal to ask on, and no --yes: refused, nothing written.
if command -v setsid >/dev/null 2>&1; then
	run_fails 2 "join without a terminal and without --yes" setsid -w \
	    "$DETENTE" --home "$HB" dialogue join "$TEST_TMP/g.dtb"
	like "$(cat "$ERR")" "cannot ask on a terminal.*--yes" "says to use --yes"
	is "$(ls -A "$HB/dialogues" | wc -l | tr -d ' ')" 0 \
	    "nothing left behind"
else
	skip "no setsid" 3
fi

# Answering on a terminal (script(1) gives the command one).
if command -v script >/dev/null 2>&1 && script -qec true /dev/null \
    >/dev/null 2>&1 </dev/null; then
	(sleep 1; printf 'n\n') | script -qec "'$DETENTE' --home '$HB' \
	    dialogue join '$TEST_TMP/g.dtb'" /dev/null >"$TEST_TMP/tty.out" \
	    2>&1
	like "$(cat "$TEST_TMP/tty.out")" "Do the fingerprints match" \
	    "asks on the terminal"
	like "$(cat "$TEST_TMP/tty.out")" "not joined" "n: not joined"
	is "$(ls -A "$HB/dialogues" | wc -l | tr -d ' ')" 0 \
	    "n: nothing left behind"
else
	skip "no script(1)" 3
fi

run_ok "B joins with --yes" B dialogue join --yes "$TEST_TMP/g.dtb"
like "$(cat "$OUT")" "^Dialogue: Диалог по МИБ$" "shows the title"
like "$(cat "$OUT")" "^Parties: +RU, US$" "shows the parties"
fp_ru=$(A id show ru-head | sed -n 's/^fingerprint: *//p')
fp_us=$(B id show us-head | sed -n 's/^fingerprint: *//p')
like "$(cat "$OUT")" "^\\|   RU +$fp_ru +\\|$" "the RU head's fingerprint, framed"
like "$(cat "$OUT")" "^\\|   US +$fp_us +\\|$" "the US head's fingerprint, framed"
like "$(cat "$OUT")" "^  RU +ru-head +$fp_ru  head$" "the RU head among the members"
like "$(cat "$OUT")" "^joined dialogue $DID$" "joined"
like "$(cat "$OUT")" "^2 new, 0 already known, 0 held$" "imported"
like "$(cat "$OUT")" "^us-head is a member: US, head$" "us-head is a member"
like "$(cat "$OUT")" "^us-del is a member: US, delegate$" "us-del too"
is "$(B dialogue list | cut -c1-64)" "$DID" "B has the dialogue"
is "$(ls -A "$HB/dialogues")" "$DID" "and no temporary directory"
run_fails 2 "joining twice" B dialogue join --yes "$TEST_TMP/g.dtb"
like "$(cat "$ERR")" "has the dialogue already.*bundle import" "says so"
run_ok "B verifies with the key" B --as us-del verify
like "$(cat "$OUT")" "^OK: 2 entries in 1 feed$" "OK"

# B's members write in their own feeds; A learns of it.
run_ok "us-del opens a meeting on B" B --as us-del meeting open
run_ok "us-del notes" B --as us-del add note "note from the US side"
run_ok "B exports" B bundle export -o "$TEST_TMP/b1.dtb"
run_ok "A imports" A bundle import "$TEST_TMP/b1.dtb"
is "$(cat "$OUT")" "2 new, 2 already known, 0 held" "counts"
run_ok "A reads the US note" A --as ru-head log
like "$(cat "$OUT")" "note from the US side" "decrypted on A"

# A head adds a member of its own party; the new member writes.
B id new --name us-new --kdf min >/dev/null
run_ok "us-head adds us-new" B --as us-head member add \
    --role delegate "$(B id export --vkey us-new)"
like "$(cat "$OUT")" "^[0-9a-f]{8}  us-new added to US as delegate \(fingerprint " \
    "added"
run_fails 1 "a key cannot be added twice" B --as us-head member add \
    --name again "$(B id export --vkey us-new)"
run_fails 1 "a delegate adds no one" B --as us-del member add \
    --name x "$(A id export --vkey ru-head)"
run_fails 1 "a head adds no one to the other party" B --as us-head \
    member add --party RU --name x "$(A id export --vkey ru-head)"
like "$(cat "$ERR")" "own party" "says why"
run_fails 2 "a key needs a name" B --as us-head member add \
    "$(B id show us-new | sed -n 's/^public key: *//p')"
run_fails 2 "heads are not added" B --as us-head member add --role head \
    us-new
run_ok "us-new writes" B --as us-new add note "first words of us-new"
run_ok "member list" B member list
like "$(cat "$OUT")" "^us-new +US +delegate +[0-9A-F ]{24} +added at clock [0-9]+$" \
    "us-new, added"
like "$(cat "$OUT")" "^ru-head +RU +head +$fp_ru +genesis$" "ru-head"
B bundle state -o "$TEST_TMP/b.state" >/dev/null
A bundle state -o "$TEST_TMP/a.state" >/dev/null
run_ok "B exports since A's state" B bundle export \
    --since "$TEST_TMP/a.state" -o "$TEST_TMP/b2.dtb"
like "$(cat "$OUT")" "\(3 entries, 2 feeds\)" "member-add, key wrap, note"
run_ok "A imports the new member and its note at once" A bundle import \
    "$TEST_TMP/b2.dtb"
is "$(cat "$OUT")" "3 new, 0 already known, 0 held" "all three"
run_ok "A lists us-new" A member list
like "$(cat "$OUT")" "^us-new +US +delegate" "us-new on A"
run_ok "A reads us-new's note" A --as ru-del log
like "$(cat "$OUT")" "first words of us-new" "decrypted"
is "$(hashes "$HA")" "$(hashes "$HB")" "same merged order"
run_ok "A verifies" A --as ru-head verify
like "$(cat "$OUT")" "^OK: 7 entries in 4 feeds$" "OK"
run_ok "B verifies" B --as us-new verify
like "$(cat "$OUT")" "^OK: 7 entries in 4 feeds$" "OK"

# A bundle without the genesis cannot found a replica.
run_ok "an export since B's state" A bundle export \
    --since "$TEST_TMP/b.state" -o "$TEST_TMP/nogen.dtb"
run_fails 1 "joining from it" "$DETENTE" --home "$TEST_TMP/C" dialogue \
    join --yes "$TEST_TMP/nogen.dtb"
like "$(cat "$ERR")" "does not carry the dialogue's genesis" "says so"
run_fails 1 "joining from entries without their genesis" "$DETENTE" \
    --home "$TEST_TMP/C" dialogue join --yes "$TEST_TMP/b2.dtb"
like "$(cat "$ERR")" "does not carry the dialogue's genesis" "says so"
if have_bt; then
	BT forge sig "$TEST_TMP/g.dtb" "$TEST_TMP/badgen.dtb"
	run_fails 1 "joining from a forged bundle" "$DETENTE" \
	    --home "$TEST_TMP/C" dialogue join --yes "$TEST_TMP/badgen.dtb"
	like "$(cat "$ERR")" "bundle rejected: bad signature" "bad signature"
else
	skip "no /usr/bin/python3 with cryptography, nacl, argon2" 2
fi
is "$(ls -A "$TEST_TMP/C/dialogues" 2>/dev/null | wc -l | tr -d ' ')" 0 \
    "C holds no dialogue"
done_testing
