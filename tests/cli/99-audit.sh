#!/bin/sh
# 99-audit.sh: `detente audit`, the offline audit of a store or a bundle.
# The report names the dialogue, the heads trusted, members, feeds with
# their roots (the same roots `proof` computes), checkpoints, seals,
# evidence and, with a key file, open commitments; JSON carries the
# documented fields.  Entries under a checkpoint are checked by the
# Merkle root unless --every-signature.  A tampered store or bundle fails
# naming the entry, also on the fast path; --expect-dialogue pins the
# dialogue; audit writes nothing; appends meanwhile cause no false alarm;
# a progress bar appears on a terminal.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"
STORE=$H/dialogues/$DID
DB=$STORE/data.mdb
RUDEL=$(dt id export --hex ru-del)
dt --as ru-head meeting open >/dev/null
ITEM=$(dt --as ru-head add agenda "Каналы связи между CERT")
dt --as ru-del add note --item "$ITEM" "Стороны обсудили каналы связи." >/dev/null
dt --as ru-del add note --item "$ITEM" "second note" >/dev/null
dt --as us-del add statement --item "$ITEM" "US statement" >/dev/null
dt --as us-head add commitment --item "$ITEM" --party US --owner "US CERT" \
    --due 2027-01-15 "Designate a point of contact" >/dev/null
TOTAL=$(count_entries)

# --- a store, without the key ---------------------------------------------------
run_ok "audit of a store" dt audit "$STORE"
like "$(tail -n 1 "$OUT")" "^OK: $TOTAL entries in 4 feeds \\(content not checked: no key\\)\$" \
    "OK line, and says content was not checked"
like "$(cat "$OUT")" "dialogue $DID \"Test dialogue\"" "names the dialogue"
like "$(cat "$OUT")" "head of RU +ru-head +$(dt id show ru-head | sed -n 's/^fingerprint: *//p' | head -n 1)" \
    "the RU head's fingerprint, as id show prints it"
like "$(cat "$OUT")" "US +observer +us-obs" "roles"
like "$(cat "$OUT")" "open commitments: not shown" "no commitments without the key"
run_ok "audit --no-key" dt audit --no-key "$STORE"

# --- with a key file --------------------------------------------------------------
run_ok "audit --key-file" dt audit --key-file "$H/identities/ru-del.key" "$STORE"
like "$(cat "$OUT")" "content: [0-9]+ entries decrypted and checked" "content checked"
like "$(cat "$OUT")" "US CERT, due 2027-01-15: Designate a point of contact" \
    "the open commitment"
like "$(tail -n 1 "$OUT")" "^OK: $TOTAL entries in 4 feeds\$" "OK line"
run_fails 2 "a wrong passphrase for the key file" "$DETENTE" --home "$H" \
    --passphrase-file "$WRONG" audit --key-file "$H/identities/ru-del.key" "$STORE"
is "$(wc -l <"$ERR" | tr -d ' ')" 1 "one line"
run_fails 2 "--key-file and --no-key" dt audit --no-key \
    --key-file "$H/identities/ru-del.key" "$STORE"

# --- JSON -------------------------------------------------------------------------
json_has()
{
	python3 -c "
import json, sys
o = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)" "$OUT" "$1"
}
run_ok "audit --json" dt audit --json --key-file "$H/identities/ru-del.key" "$STORE"
ok 'json_has "o[\"ok\"] is True and o[\"entries\"] == $TOTAL and o[\"feeds_count\"] == 4"' "ok, entries, feeds_count"
ok 'json_has "o[\"dialogue\"][\"id\"] == \"$DID\" and o[\"source\"][\"type\"] == \"store\""' "dialogue and source"
ok 'json_has "sorted(h[\"party\"] for h in o[\"trusted_heads\"]) == [\"RU\", \"US\"] and all(len(h[\"key\"]) == 64 and h[\"fingerprint\"] for h in o[\"trusted_heads\"])"' "trusted_heads"
ok 'json_has "sorted((m[\"name\"], m[\"role\"]) for m in o[\"members\"])[0] == (\"ru-del\", \"delegate\") and all(m[\"removed_clock\"] is None for m in o[\"members\"])"' "members and roles"
ok 'json_has "sum(f[\"size\"] for f in o[\"feeds\"]) == $TOTAL and all(len(f[\"root\"]) == 64 for f in o[\"feeds\"])"' "feeds: sizes add up, roots"
ok 'json_has "o[\"seals\"] == [] and o[\"evidence\"] == [] and o[\"parties\"] == [\"RU\", \"US\"]"' "seals, evidence, parties"
ok 'json_has "[c[\"owner\"] for c in o[\"open_commitments\"]] == [\"US CERT\"]"' "open_commitments"
ok 'json_has "o[\"checks\"][\"content_checked\"] is True and o[\"checks\"][\"decrypted\"] > 0 and o[\"checks\"][\"indexes_checked\"] is False"' "checks"
run_ok "audit --json --no-key" dt audit --json "$STORE"
ok 'json_has "o[\"open_commitments\"] is None and o[\"checks\"][\"content_checked\"] is False"' "no key: content_checked false"

# The feed roots are the roots `proof consistency` computes.
N=$(python3 -c "
import json, sys
o = json.load(open(sys.argv[1]))
print([f['size'] for f in o['feeds'] if f['name'] == 'ru-del'][0])" "$OUT")
R=$(python3 -c "
import json, sys
o = json.load(open(sys.argv[1]))
print([f['root'] for f in o['feeds'] if f['name'] == 'ru-del'][0])" "$OUT")
run_ok "proof consistency ru-del" dt proof consistency ru-del "$N" "$N"
is "$(sed -n 's/^root //p' "$OUT")" "$R" "audit's root of ru-del's feed is the proof's"

# --- checkpoints: the fast path -----------------------------------------------------
dt --as ru-del checkpoint >/dev/null
dt --as us-del checkpoint >/dev/null
TOTAL=$(count_entries)
run_ok "audit with checkpoints" dt audit --json "$STORE"
ok 'json_has "o[\"checks\"][\"signatures\"] == \"checkpoint\" and o[\"checks\"][\"checked_by_checkpoint_root\"] == 3 and o[\"checks\"][\"checked_by_signature\"] == $TOTAL - 3"' \
    "ru-del's 2 and us-del's 1 entries by the root"
ok 'json_has "[(f[\"checkpoints\"], f[\"last_checkpoint_size\"]) for f in o[\"feeds\"] if f[\"name\"] == \"ru-del\"] == [(1, 2)]"' \
    "the checkpoint per feed"
run_ok "audit --every-signature" dt audit --json --every-signature "$STORE"
ok 'json_has "o[\"checks\"][\"signatures\"] == \"every\" and o[\"checks\"][\"checked_by_checkpoint_root\"] == 0 and o[\"checks\"][\"checked_by_signature\"] == $TOTAL"' \
    "every entry by its signature"
run_ok "text: says which was done" dt audit "$STORE"
like "$(cat "$OUT")" "3 by their feed's signed checkpoint \\(Merkle root recomputed\\); --every-signature checks each" \
    "fast path reported"

# --- pinning the dialogue -------------------------------------------------------
run_ok "--expect-dialogue with the id" dt audit --expect-dialogue "$DID" "$STORE"
run_ok "--expect-dialogue with 16 digits" dt audit \
    --expect-dialogue "$(printf %s "$DID" | cut -c1-16)" "$STORE"
run_fails 1 "--expect-dialogue with another id" dt audit \
    --expect-dialogue 0123456789abcdef0123 "$STORE"
like "$(tail -n 1 "$OUT")" "^FAILED: the dialogue is $DID, not the expected 0123456789abcdef0123\$" \
    "says which dialogue it is"

# --- a bundle ---------------------------------------------------------------------
mkdir -p "$TEST_TMP/tmp"
dt bundle export -o "$TEST_TMP/all.dtb" >/dev/null
run_ok "audit of a bundle" env TMPDIR="$TEST_TMP/tmp" "$DETENTE" \
    --home "$H" audit "$TEST_TMP/all.dtb"
like "$(tail -n 1 "$OUT")" "^OK: $TOTAL entries in 4 feeds" "the bundle's entries"
like "$(cat "$OUT")" "bundle: read once, in merged order, without a store" \
    "a valid bundle is audited in one pass"
is "$(ls -A "$TEST_TMP/tmp")" "" "the temporary store is gone"
run_ok "audit of a bundle through a temporary store" \
    env DETENTE_AUDIT_JOIN=1 TMPDIR="$TEST_TMP/tmp" "$DETENTE" --home "$H" audit "$TEST_TMP/all.dtb"
like "$(cat "$OUT")" "signatures: every entry's, when the bundle was read" \
    "says every signature was checked"
like "$(tail -n 1 "$OUT")" "^OK: $TOTAL entries in 4 feeds" "the same entries"
is "$(ls -A "$TEST_TMP/tmp")" "" "the temporary store is gone"
run_ok "the bundle with --expect-dialogue" dt audit --expect-dialogue "$DID" \
    "$TEST_TMP/all.dtb"

# A bundle with one entry changed and the trailer recomputed, as a forger
# would: the audit names the entry.
forge_bundle "$TEST_TMP/all.dtb" "$TEST_TMP/forged.dtb" "$RUDEL" 1
run_fails 1 "audit of a forged bundle" dt audit "$TEST_TMP/forged.dtb"
like "$(tail -n 1 "$OUT")" "^FAILED: .*author $RUDEL seq 1 hash [0-9a-f]{64}" \
    "names the entry"
printf 'not a bundle at all, just some text\n' >"$TEST_TMP/junk"
run_fails 1 "a file that is not a bundle" dt audit "$TEST_TMP/junk"
run_fails 2 "a path that does not exist" dt audit "$TEST_TMP/nothing"
mkdir "$TEST_TMP/empty"
run_fails 2 "a directory that is not a store" dt audit "$TEST_TMP/empty"
run_fails 2 "no argument" dt audit

# --- audit writes nothing -----------------------------------------------------------
mkdir "$TEST_TMP/copy"
cp "$DB" "$TEST_TMP/copy/data.mdb"
SUM=$(sha256sum <"$TEST_TMP/copy/data.mdb")
run_ok "audit of a copy of the data file" dt audit "$TEST_TMP/copy"
is "$(sha256sum <"$TEST_TMP/copy/data.mdb")" "$SUM" "the data file is unchanged"

# --- a tampered store, also under a checkpoint --------------------------------------
cp "$DB" "$TEST_TMP/good.mdb"
ok '[ "$(flip_entry_in "$DB" "$RUDEL" 1 200)" -ge 1 ]' "flipped a byte of ru-del's seq 1"
run_fails 1 "audit (fast path) finds it" dt audit --json "$STORE"
ok 'json_has "o[\"ok\"] is False and o[\"failure\"][\"author_name\"] == \"ru-del\" and o[\"failure\"][\"seq\"] == 1 and o[\"checks\"][\"fallback\"] is True"' \
    "names the covered entry, after rechecking every signature"
run_fails 1 "audit --every-signature finds it" dt audit --every-signature "$STORE"
like "$(tail -n 1 "$OUT")" "^FAILED: bad signature: author ru-del seq 1 hash [0-9a-f]{64}" \
    "bad signature, named"
cp "$TEST_TMP/good.mdb" "$DB"
run_ok "restored" dt audit "$STORE"

# --- appends meanwhile: no false alarm ----------------------------------------------
(
	i=0
	while [ $i -lt 12 ]; do
		dt --as us-del add note "written during the audit $i" >/dev/null
		i=$((i + 1))
	done
) &
WRITER=$!
fails=0
i=0
while [ $i -lt 6 ]; do
	dt audit --no-key "$STORE" >"$TEST_TMP/audit.$i" 2>&1 || fails=$((fails + 1))
	i=$((i + 1))
done
wait "$WRITER"
is "$fails" 0 "six audits during twelve appends all pass"
run_ok "and after" dt audit "$STORE"

# --- a progress bar on a terminal -------------------------------------------------
if command -v script >/dev/null 2>&1; then
	DETENTE_PROGRESS_AFTER=0 script -qec "'$DETENTE' --home '$H' audit '$STORE' >/dev/null" \
	    /dev/null >"$TEST_TMP/tty" 2>&1
	like "$(tr '\r' '\n' <"$TEST_TMP/tty")" "audit: \\[#+ *\\] +[0-9]+% [0-9]+ of [0-9]+ entries" \
	    "a bar with entries done and total"
	run_ok "no bar when stderr is not a terminal" env DETENTE_PROGRESS_AFTER=0 \
	    "$DETENTE" --home "$H" audit "$STORE"
	is "$(cat "$ERR")" "" "stderr stays empty"
else
	skip "no script(1)" 3
fi

done_testing
