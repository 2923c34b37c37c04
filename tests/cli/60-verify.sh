#!/bin/sh
# 60-verify.sh: verify on a good record (text, JSON, --no-key) and on
# records whose bytes were altered, truncated or replaced: exit 1 with
# the failing entry named; exit 2 for usage errors and unreadable stores.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-head meeting open >/dev/null
dt --as ru-del add note "first note" >/dev/null
dt --as us-del add note "second note" >/dev/null
dt --as ru-del add note "third note" >/dev/null
DB=$H/dialogues/$DID/data.mdb

run_ok "verify" dt --as ru-head verify
is "$(cat "$OUT")" "OK: 6 entries in 3 feeds" "OK line"
run_ok "verify --no-key needs no passphrase" "$DETENTE" --home "$H" verify --no-key
is "$(cat "$OUT")" "OK: 6 entries in 3 feeds (content not checked: no key)" "OK line without key"
run_ok "verify --json" dt --as ru-head verify --json
like "$(tr -d '\n ' <"$OUT")" '^\{"ok":true,"entries":6,"feeds":3,"content_checked":true,"seals":\[\]\}$' "JSON verdict"
run_fails 2 "verify with an argument" dt verify extra
run_fails 2 "verify with an unknown option" dt verify --frob
run_fails 2 "verify of an unknown dialogue" dt --dialogue 0000000 verify
run_fails 2 "verify with a wrong passphrase" "$DETENTE" --home "$H" --as ru-head \
    --passphrase-file "$WRONG" verify

cp "$DB" "$TEST_TMP/good.mdb"

# flip_entry HEXKEY SEQ OFFSET: flip_entry_in on this dialogue's store.
flip_entry()
{
	flip_entry_in "$DB" "$@"
}
RUDEL=$(dt id export --hex ru-del)

if command -v python3 >/dev/null 2>&1; then
	# the Lamport clock field (offset 80) of ru-del's second note
	ok '[ "$(flip_entry "$RUDEL" 1 87)" -ge 1 ]' "found the entry's bytes"
	run_fails 1 "verify finds a flipped byte" dt --as ru-head verify --no-key
	like "$(cat "$OUT")" '^FAILED: .*: author ru-del seq 1 hash [0-9a-f]{64}' "names author, seq and hash"
	run_fails 1 "verify --json reports the failure" dt --as ru-head verify --no-key --json
	like "$(tr -d '\n ' <"$OUT")" '"ok":false' "JSON ok false"
	like "$(tr -d '\n ' <"$OUT")" '"seq":[0-9]+' "JSON names the seq"
	run_fails 1 "no write to a tampered record" dt --as ru-del add note "more"
	cp "$TEST_TMP/good.mdb" "$DB"
	# a byte of the body (ciphertext): the signature no longer verifies
	ok '[ "$(flip_entry "$RUDEL" 1 200)" -ge 1 ]' "found the entry's bytes"
	run_fails 1 "verify finds a flipped body byte" dt --as ru-head verify
	like "$(cat "$OUT")" '^FAILED: ' "FAILED line"
	cp "$TEST_TMP/good.mdb" "$DB"
	run_ok "restored store verifies" dt --as ru-head verify
else
	skip "no python3" 11
fi

size=$(stat -c %s "$DB")
head -c $((size / 2)) "$TEST_TMP/good.mdb" >"$DB"
run_fails 1 "truncated LMDB file fails verification" dt --as ru-head verify --no-key
like "$(cat "$OUT")$(cat "$ERR")" 'FAILED' "says FAILED"
run_fails 1 "no write to a truncated store" dt --as ru-del add note "more"
head -c "$size" /dev/urandom >"$DB"
run_fails 1 "garbage LMDB file fails verification" dt --as ru-head verify --no-key
: >"$DB"
run_fails any "empty LMDB file is refused" dt --as ru-head verify --no-key
rm -f "$DB"
run_fails any "missing LMDB file" dt --as ru-head verify --no-key
cp "$TEST_TMP/good.mdb" "$DB"
run_ok "good again" dt --as ru-head verify
done_testing
