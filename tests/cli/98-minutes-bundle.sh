#!/bin/sh
# 98-minutes-bundle.sh: `detente minutes verify F --bundle B`, for an
# auditor who holds only the bundle, the minutes and their signatures.
# Two laptops write a meeting, both heads sign its minutes and seal it;
# the side that sealed exports a bundle.  A third, fresh home checks the
# signatures against the heads of the bundle's genesis, and, given a
# member's key (--key-file, or a member's identity in the home), renders
# the minutes again from the bundle and compares them byte for byte.
# Changed minutes, a changed signature, a forged or damaged bundle, a
# file that is no bundle, a bundle without the genesis (all 1), and bad
# option mixes (2) are refused with the right exit code; no temporary
# store is ever left behind.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

# C ARGS: the auditor, a home of its own, temporary stores under $TT.
HC=$TEST_TMP/C
TT=$TEST_TMP/tmp
mkdir -p "$TT"
C()
{
	TMPDIR=$TT "$DETENTE" --home "$HC" --passphrase-file "$PASS" "$@"
}

# tmp_empty DESC: nothing is left in $TT.
tmp_empty()
{
	is "$(ls -A "$TT")" "" "$1: no temporary store left behind"
}

# --- two laptops, one meeting, signed and sealed -----------------------------
two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open --title "First round" --date 2030-01-10 \
    >/dev/null || bail_out "cannot open a meeting"
sync_both || bail_out "cannot sync"
A --as ru-head add agenda --tr "ru=Каналы связи" "Communication channels" \
    >/dev/null || bail_out "agenda"
A --as ru-del add note "Российская сторона предлагает встречи." \
    >/dev/null || bail_out "note"
sync_both || bail_out "cannot sync"
B --as us-head add decision --tr "ru=Проверять канал ежемесячно." \
    "Test the channel every month." >/dev/null || bail_out "decision"
sync_both || bail_out "cannot sync"
A --as ru-head meeting close >/dev/null || bail_out "close"
B --as us-head meeting close >/dev/null || bail_out "close on B"
sync_both || bail_out "cannot sync"

M=$TEST_TMP/m/minutes-1.md
mkdir -p "$TEST_TMP/m" "$TEST_TMP/b"
A minutes export --meeting 1 -o "$M" 2>/dev/null || bail_out "export"
A --as ru-head minutes sign "$M" >/dev/null 2>&1 || bail_out "ru-head signs"
B minutes export --meeting 1 -o "$TEST_TMP/b/minutes-1.md" 2>/dev/null ||
    bail_out "export on B"
B --as us-head minutes sign "$TEST_TMP/b/minutes-1.md" >/dev/null 2>&1 ||
    bail_out "us-head signs"
cp "$TEST_TMP/b/minutes-1.md.us-head.minisig" "$TEST_TMP/m/"
A --as ru-head seal propose --meeting 1 --minutes "$M" >/dev/null ||
    bail_out "seal propose"
sync_both || bail_out "cannot sync"
B --as us-head seal cosign >/dev/null || bail_out "seal cosign"
sync_both || bail_out "cannot sync"
run_ok "the side that sealed exports a bundle" A bundle export \
    -o "$TEST_TMP/all.dtb"
run_ok "the minutes verify on A with --record" A minutes verify "$M" --record

# --- the auditor, without a key ---------------------------------------------------
run_ok "a fresh home verifies the minutes with --bundle" \
    C minutes verify "$M" --bundle "$TEST_TMP/all.dtb"
like "$(cat "$OUT")" "^bundle .*all\\.dtb: dialogue $DID \"Диалог по МИБ\", every entry's signature checked$" \
    "names the bundle's dialogue"
like "$(cat "$OUT")" '^  head of US +us-head ' "lists the heads it trusts"
like "$(cat "$OUT")" '^good +.*minutes-1\.md\.ru-head\.minisig: signed by ru-head \(RU\), meeting 1$' \
    "ru-head's signature is good"
like "$(cat "$OUT")" '^signed by every head: RU \(ru-head\), US \(us-head\)$' \
    "signed by every head of the bundle's genesis"
like "$(cat "$OUT")" '^content not rendered again: no dialogue key was given' \
    "says in one line that the content was not rendered again"
unlike "$(cat "$OUT")" '^identical to' "and does not claim it was"
like "$(cat "$OUT")" "^the seal of meeting 1 names these minutes \\(SHA-256 $(sha256sum <"$M" | cut -d' ' -f1)\\); the seal is complete$" \
    "finds the minutes' SHA-256 in the bundle's complete seal, even without a key"
is "$(tail -n 1 "$OUT")" "OK" "OK"
tmp_empty "without a key"
ok '[ ! -e "$HC/dialogues" ] || [ -z "$(ls -A "$HC/dialogues")" ]' \
    "the auditor's home holds no dialogue afterwards"

# --- the auditor, with a member's key file ---------------------------------------
cp "$HA/identities/ru-del.key" "$TEST_TMP/ru-del.key"
run_ok "with --key-file, the minutes are rendered again from the bundle" \
    C minutes verify "$M" --bundle "$TEST_TMP/all.dtb" \
    --key-file "$TEST_TMP/ru-del.key"
like "$(cat "$OUT")" "^identical to the minutes of meeting 1 that the bundle .*all\\.dtb renders \\(md, lang both, $(wc -c <"$M") bytes\\)$" \
    "says they are identical"
unlike "$(cat "$OUT")" '^content not rendered again' "and were rendered"
is "$(tail -n 1 "$OUT")" "OK" "OK"
tmp_empty "with a key file"
run_fails 2 "a wrong passphrase for the key file" \
    "$DETENTE" --home "$HC" --passphrase-file "$WRONG" minutes verify "$M" \
    --bundle "$TEST_TMP/all.dtb" --key-file "$TEST_TMP/ru-del.key"
is "$(wc -l <"$ERR" | tr -d ' ')" 1 "one error line"
tmp_empty "a wrong passphrase"
run_ok "--expect-dialogue with the bundle's dialogue" \
    C minutes verify "$M" --bundle "$TEST_TMP/all.dtb" \
    --expect-dialogue "$(printf %s "$DID" | cut -c1-16)"
like "$(cat "$OUT")" 'pinned by --expect-dialogue' "says the dialogue was pinned"
run_fails 1 "--expect-dialogue with another dialogue" \
    C minutes verify "$M" --bundle "$TEST_TMP/all.dtb" \
    --expect-dialogue 0123456789abcdef0123
like "$(cat "$OUT")" "^FAILED: the dialogue is $DID, not the expected 0123456789abcdef0123\$" \
    "says which dialogue it is"
tmp_empty "another dialogue expected"

# --- a member's identity in the home -------------------------------------------
run_ok "B's us-head verifies with --bundle: its identity gives the key" \
    env TMPDIR="$TT" "$DETENTE" --home "$HB" --passphrase-file "$PASS" \
    --as us-head minutes verify "$M" --bundle "$TEST_TMP/all.dtb"
like "$(cat "$OUT")" '^identical to the minutes of meeting 1 that the bundle' \
    "rendered again and identical"
tmp_empty "a member's identity"
C id new --name auditor --kdf min >/dev/null 2>&1 || bail_out "id new"
run_ok "an identity that is no member: no key, as without one" \
    C minutes verify "$M" --bundle "$TEST_TMP/all.dtb"
like "$(cat "$OUT")" '^content not rendered again: no dialogue key' "says so"
run_fails 1 "--as an identity that is no member" \
    C --as auditor minutes verify "$M" --bundle "$TEST_TMP/all.dtb"
like "$(cat "$ERR")" 'not a member of the bundle.s dialogue: auditor' \
    "says who is not a member"
tmp_empty "not a member"

# --- changed minutes, a changed signature ---------------------------------------
T=$TEST_TMP/t
mkdir -p "$T"
tamper_setup()
{
	rm -f "$T"/*
	cp "$M" "$M.ru-head.minisig" "$M.us-head.minisig" "$T/"
}
tamper_setup
LN=$(grep -n 'Test the channel every month' "$T/minutes-1.md" | head -n 1 |
    cut -d: -f1)
flip "$T/minutes-1.md" "$LN"
isnt "$(sha256sum <"$T/minutes-1.md")" "$(sha256sum <"$M")" \
    "one character of the minutes changed"
run_fails 1 "changed minutes, with the key: fail" \
    C minutes verify "$T/minutes-1.md" --bundle "$TEST_TMP/all.dtb" \
    --key-file "$TEST_TMP/ru-del.key"
like "$(cat "$ERR")" "minutes-1\\.md differs from what the record renders: 1 line differs, the first at line $LN, the last at line $LN" \
    "names the line that differs"
like "$(cat "$ERR")" '^  record: .*Test the channel every month' \
    "shows the line the bundle renders"
ok 'grep -qF -- "  file:   $(sed -n "${LN}p" "$T/minutes-1.md")" "$ERR"' \
    "and the file's line"
like "$(cat "$OUT")" '^BAD +.*ru-head\.minisig: the signature of the file does not verify' \
    "the signatures no longer verify either"
is "$(tail -n 1 "$OUT")" "FAILED" "FAILED"
tmp_empty "changed minutes"
run_fails 1 "changed minutes, without a key: the signatures fail" \
    C minutes verify "$T/minutes-1.md" --bundle "$TEST_TMP/all.dtb"
like "$(cat "$OUT")" '^NOT signed by: RU \(ru-head\), US \(us-head\)$' \
    "says no head signed these bytes"
tmp_empty "changed minutes, no key"

tamper_setup
flip "$T/minutes-1.md.us-head.minisig" 2
run_fails 1 "a changed signature fails" \
    C minutes verify "$T/minutes-1.md" --bundle "$TEST_TMP/all.dtb" \
    --key-file "$TEST_TMP/ru-del.key"
like "$(cat "$OUT")" '^BAD +.*us-head\.minisig' "names the bad signature file"
like "$(cat "$OUT")" '^good +record entry [0-9a-f]{8}: signed by us-head \(US\)' \
    "us-head's signature in the bundle still counts"
like "$(cat "$OUT")" '^identical to the minutes' \
    "the minutes themselves still render the same"
tmp_empty "a changed signature"

# A head's signature file left behind: the bundle carries the signature.
tamper_setup
rm -f "$T/minutes-1.md.us-head.minisig"
run_ok "a signature file left behind: the bundle's entry counts" \
    C minutes verify "$T/minutes-1.md" --bundle "$TEST_TMP/all.dtb"
like "$(cat "$OUT")" '^signed by every head: RU \(ru-head\), US \(us-head\)$' \
    "says every head signed"

# --- a forged, a damaged, and no bundle ---------------------------------------------
RUDEL=$(A id export --hex ru-del)
# One entry (ru-del's note, seq 0) changed and the trailer recomputed, as
# a forger would.
forge_bundle "$TEST_TMP/all.dtb" "$TEST_TMP/forged.dtb" "$RUDEL" 0
isnt "$(sha256sum <"$TEST_TMP/forged.dtb")" "$(sha256sum <"$TEST_TMP/all.dtb")" \
    "the forged bundle differs"
run_fails 1 "a forged bundle fails" \
    C minutes verify "$M" --bundle "$TEST_TMP/forged.dtb" \
    --key-file "$TEST_TMP/ru-del.key"
like "$(tail -n 1 "$OUT")" "^FAILED: .*author $RUDEL seq 0 hash [0-9a-f]{64}" \
    "names the entry"
like "$(cat "$ERR")" 'the bundle does not verify: .*forged\.dtb' \
    "says the bundle does not verify"
unlike "$(cat "$OUT")" '^(good|signed by every head)' \
    "no signature is called good on a forged bundle's keys"
tmp_empty "a forged bundle"

# One entry left out of the middle of ru-head's feed, the count and the
# trailer recomputed (anyone handling the file can do this): the entries
# after it, the seal among them, have no place.  Every entry of the file
# is accounted for, and the bundle does not verify.
if have_bt; then
	BT forge drop "$TEST_TMP/all.dtb" "$TEST_TMP/dropped.dtb" \
	    "$HA/identities/ru-head.key" "$PASS"
	NB=$(BT list "$TEST_TMP/dropped.dtb" | wc -l | tr -d ' ')
	run_fails 1 "a bundle with an entry left out fails" \
	    C minutes verify "$M" --bundle "$TEST_TMP/dropped.dtb"
	like "$(cat "$OUT")" "^bundle: $NB entries in the file, [0-9]+ placed, [1-9][0-9]* not placed\$" \
	    "counts the whole file"
	like "$(cat "$OUT")" '^  not placed: ru-head seq [0-9]+ hash [0-9a-f]{64} \(clock [0-9]+, seal\): waits for seq [0-9]+ of its own feed' \
	    "names the seal, which waits for the entry left out"
	unlike "$(cat "$OUT")" 'no seal yet' "does not say there is no seal yet"
	like "$(tail -n 1 "$OUT")" "^FAILED: not placed .*: author ru-head seq [0-9]+ hash [0-9a-f]{64} expected [0-9a-f]{64}\$" \
	    "FAILED names the first entry not placed"
	like "$(cat "$ERR")" 'the bundle does not verify' "says the bundle does not verify"
	tmp_empty "an entry left out"
	run_ok "the whole bundle counts every entry placed" \
	    C minutes verify "$M" --bundle "$TEST_TMP/all.dtb"
	like "$(cat "$OUT")" "^bundle: $((NB + 1)) entries in the file, $((NB + 1)) placed, 0 not placed\$" \
	    "the whole file, all placed"
else
	skip "bundle_tool.py needs python3-nacl, -cryptography, -argon2" 8
fi

# One byte flipped in an entry, the trailer left alone.
python3 - "$TEST_TMP/all.dtb" "$TEST_TMP/flipped.dtb" <<'EOS'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[40 + 4 + 100] ^= 0x01   # in the first entry
open(sys.argv[2], "wb").write(b)
EOS
run_fails 1 "a bundle with a flipped byte fails" \
    C minutes verify "$M" --bundle "$TEST_TMP/flipped.dtb"
like "$(tail -n 1 "$OUT")" '^FAILED: ' "FAILED, with the reason"
like "$(cat "$ERR")" 'the bundle does not verify' "says the bundle does not verify"
tmp_empty "a flipped byte"

printf 'not a bundle at all, just some text\n' >"$TEST_TMP/junk"
run_fails 1 "a file that is not a bundle fails, as a damaged one does" \
    C minutes verify "$M" --bundle "$TEST_TMP/junk"
is "$(wc -l <"$ERR" | tr -d ' ')" 1 "one error line"
like "$(cat "$ERR")" 'the bundle does not verify.*junk' "says which file"
like "$(tail -n 1 "$OUT")" '^FAILED: not a bundle file' "FAILED, with the reason"
tmp_empty "not a bundle"
run_fails 2 "a bundle that does not exist" \
    C minutes verify "$M" --bundle "$TEST_TMP/nothing.dtb"
B bundle state -o "$TEST_TMP/b.state" >/dev/null || bail_out "state"
A --as ru-head meeting open --title "Second round" >/dev/null ||
    bail_out "open 2"
A bundle export --since "$TEST_TMP/b.state" -o "$TEST_TMP/since.dtb" \
    >/dev/null || bail_out "export --since"
run_fails 1 "a bundle without the genesis fails (as audit and join do)" \
    C minutes verify "$M" --bundle "$TEST_TMP/since.dtb"
like "$(cat "$ERR")" 'does not carry the genesis' "says why"
tmp_empty "no genesis"
run_fails 2 "a temporary directory that cannot be made" \
    env TMPDIR="$TEST_TMP/no/such/dir" "$DETENTE" --home "$HC" \
    minutes verify "$M" --bundle "$TEST_TMP/all.dtb"
like "$(cat "$ERR")" 'temporary directory' "says so (and so TMPDIR is where it goes)"

# --- usage ---------------------------------------------------------------------------
run_fails 2 "--bundle with --record" \
    C minutes verify "$M" --bundle "$TEST_TMP/all.dtb" --record
like "$(cat "$ERR")" '--bundle excludes --record and --key' "says why"
run_fails 2 "--bundle with --key" \
    C minutes verify "$M" --bundle "$TEST_TMP/all.dtb" \
    --key "$TEST_TMP/ru-del.key"
run_fails 2 "--key-file without --bundle" \
    A minutes verify "$M" --key-file "$TEST_TMP/ru-del.key"
run_fails 2 "--bundle without a file" C minutes verify "$M" --bundle
tmp_empty "usage errors"
run_ok "minutes --help names --bundle" C minutes --help
like "$(cat "$OUT")" 'verify FILE \[--record \| --key PUBKEY \| --bundle B' \
    "in the usage line"
done_testing
