#!/bin/sh
# 98-minutes-travel.sh: the heads' signatures of the minutes travel in the
# record (issue 13).  Two homes: ru-head signs on A, us-head on B, and
# after one exchange each way `minutes verify F --record` succeeds on both
# laptops with no signature file carried; `minutes export -o` writes every
# head's .minisig beside the minutes, which minisign verifies.  Also: a
# seal names its minutes (no --minutes is a usage error, a stale file is
# refused), and `minutes export -o` takes the format from the extension
# and refuses one it cannot write.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

if command -v minisign >/dev/null 2>&1; then
	MS=minisign
else
	MS=
	note "minisign is not installed: its checks are skipped"
fi

PY=/usr/bin/python3

# --- the vector: msig_good's signature file is one minisign verifies --------
if [ -n "$MS" ]; then
	mkdir -p "$TEST_TMP/vec"
	printf '%s' "$(sed -n 's/^msig_message = //p' "$VECTORS/msig.txt")" |
	    python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read()))' \
	    >"$TEST_TMP/vec/m"
	sed -n 's/^msig_good_payload = //p' "$VECTORS/msig.txt" |
	    python3 -c 'import json, sys; sys.stdout.write(json.load(sys.stdin)["minisig"])' \
	    >"$TEST_TMP/vec/m.minisig"
	run_ok "minisign verifies the signature file of msig.txt's msig_good" \
	    minisign -Vm "$TEST_TMP/vec/m" -P \
	    "$(sed -n 's/^minisign_pub_key = //p' "$VECTORS/keys.txt")"
else
	skip "no minisign"
fi

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open --title "Round one" >/dev/null ||
    bail_out "cannot open a meeting"
A --as ru-del add note "A note written on A." >/dev/null || bail_out "note"
sync_both || bail_out "cannot sync"
B --as us-del add note "A note written on B." >/dev/null || bail_out "note"
sync_both || bail_out "cannot sync"
# --- attendance: each side records its own party ---------------------------
run_fails 1 "ru-head cannot record a US member's attendance" \
    A --as ru-head attend --present us-head
like "$(cat "$ERR")" 'us-head is of the party US, not yours \(RU\)' "says why"
run_fails 2 "a member named twice" \
    A --as ru-head attend --present ru-del --absent ru-del
run_ok "ru-head records RU's attendance on A" \
    A --as ru-head meeting attend --present ru-head --absent ru-del
run_ok "and corrects it: the last mention counts" \
    A --as ru-head attend --present ru-del
sync_both || bail_out "cannot sync"
run_ok "B sees A's attendance" B attend
like "$(cat "$OUT")" '^meeting 1, RU: present: ru-head, ru-del; absent: -$' \
    "RU as recorded"
like "$(cat "$OUT")" '^meeting 1, US: no attendance recorded$' \
    "US recorded none"
A --as ru-head meeting close >/dev/null || bail_out "close"
B --as us-head meeting close >/dev/null || bail_out "close (US)"
sync_both || bail_out "cannot sync"

mkdir -p "$TEST_TMP/a" "$TEST_TMP/b" "$TEST_TMP/a2" "$TEST_TMP/b2"
MA=$TEST_TMP/a/m1.md
MB=$TEST_TMP/b/m1.md
A minutes export --meeting 1 --lang en -o "$MA" >/dev/null 2>&1 || bail_out "export A"
B minutes export --meeting 1 --lang en -o "$MB" >/dev/null 2>&1 || bail_out "export B"
run_ok "both laptops render the same minutes" cmp "$MA" "$MB"
like "$(cat "$MA")" '^\| RU \| ru-head \(head\), ru-del \(delegate\) \| none \|$' \
    "the minutes list RU's attendance as recorded"
like "$(cat "$MA")" '^\| US \| not recorded \(wrote entries: us-head \(head\), us-del \(delegate\)\) \| not recorded \|$' \
    "and say that US recorded none, calling no one absent"

# --- a seal names its minutes ----------------------------------------------
run_fails 2 "seal propose without --minutes is a usage error" \
    A --as ru-head seal propose --meeting 1
like "$(cat "$ERR")" 'a seal names the minutes it seals' "says why"
run_fails 2 "--minutes and --minutes-sha256 together" \
    A --as ru-head seal propose --minutes "$MA" --minutes-sha256 \
    "$(sha256sum <"$MA" | cut -d' ' -f1)"
sed 's/Round one/Round two/' "$MA" >"$TEST_TMP/stale.md"
run_fails 1 "minutes this replica does not render are not sealed" \
    A --as ru-head seal propose --minutes "$TEST_TMP/stale.md"
like "$(cat "$ERR")" 'not what this replica renders now' "says why"
like "$(cat "$ERR")" 'first difference, line' "and shows where"
run_fails 1 "minutes of another meeting than --meeting" \
    A --as ru-head seal propose --meeting 2 --minutes "$MA"
like "$(cat "$ERR")" 'these minutes are of meeting 1, not 2' "says which"
is "$(A seal show 2>&1)" "no seal has been proposed" "nothing was written"

# --- each head signs on its own laptop ------------------------------------
run_ok "ru-head signs on A" A --as ru-head minutes sign "$MA"
like "$(cat "$ERR")" 'the signature is entry [0-9a-f]{8} of the record' \
    "the signature goes into the record"
run_ok "us-head signs on B" B --as us-head minutes sign "$MB"
# A forged signature entry (its meeting changed, re-signed by ru-head's
# key, as modified software could) is refused on import, named.
if have_bt; then
	B bundle state -o "$TEST_TMP/f.state" >/dev/null
	A bundle export --since "$TEST_TMP/f.state" -o "$TEST_TMP/f.dtb" \
	    >/dev/null 2>&1
	run_ok "forge ru-head's signature entry" "$PY" \
	    "$_tap_lib_dir/tools/bundle_tool.py" forge msig-meeting \
	    "$TEST_TMP/f.dtb" "$TEST_TMP/f-bad.dtb" \
	    "$HA/identities/ru-head.key" "$PASS"
	run_fails 1 "B refuses the bundle with the forged signature entry" \
	    B bundle import "$TEST_TMP/f-bad.dtb"
	like "$(cat "$OUT" "$ERR")" 'names meeting 1, its payload meeting 2' \
	    "and says why"
	run_ok "B's record still verifies" B --as us-head verify
else
	skip "no python3 with cryptography, nacl, argon2" 5
fi
run_fails 1 "before the exchange, A lacks us-head's signature" \
    A minutes verify "$MA" --record
like "$(cat "$OUT")" '^NOT signed by: US \(us-head\)$' "says whose"
run_ok "sync" sync_both
ok '[ ! -e "$MA.us-head.minisig" ] && [ ! -e "$MB.ru-head.minisig" ]' \
    "no signature file was carried across"
for side in A B; do
	if [ $side = A ]; then M=$MA; else M=$MB; fi
	run_ok "after one exchange each way, verify --record on $side" \
	    $side minutes verify "$M" --record
	like "$(cat "$OUT")" '^signed by every head: RU \(ru-head\), US \(us-head\)$' \
	    "every head signed, on $side"
	if [ $side = A ]; then mine=ru-head; other=us-head; else mine=us-head; other=ru-head; fi
	like "$(cat "$OUT")" "^good +record entry [0-9a-f]{8}: signed by $other \\([A-Z]+\\), meeting 1\$" \
	    "$other's signature from the record, on $side"
	like "$(cat "$OUT")" "^good +.*m1\\.md\\.$mine\\.minisig: signed by $mine " \
	    "$mine's own signature file, on $side"
	unlike "$(cat "$OUT")" "^good +record entry [0-9a-f]{8}: signed by $mine " \
	    "the record's copy of the file beside is not shown twice, on $side"
	is "$(tail -n 1 "$OUT")" "OK" "OK on $side"
done
run_ok "both records verify with the signatures in them" A --as ru-del verify
like "$(cat "$OUT")" '^OK' "OK"
run_ok "log shows the signatures" A log
like "$(cat "$OUT")" 'signed the minutes of meeting 1' "as entries"

# A changed byte in the minutes: the record's signatures do not cover it.
cp "$MA" "$TEST_TMP/changed.md"
sed -i 's/A note written on A\./A note written on Z./' "$TEST_TMP/changed.md"
run_fails 1 "changed minutes are not signed by the record's signatures" \
    A minutes verify "$TEST_TMP/changed.md"
like "$(cat "$ERR")" 'no signature' "says there is none for these bytes"

# --- export writes every head's signature beside the minutes ---------------
run_ok "export on A writes the minutes and the signatures" \
    A minutes export --meeting 1 --lang en -o "$TEST_TMP/a2/m1.md"
like "$(cat "$ERR")" '2 signatures of these minutes are in the record' \
    "says how many"
for h in ru-head us-head; do
	ok '[ -f "$TEST_TMP/a2/m1.md.$h.minisig" ]' "$h's .minisig is beside"
done
run_ok "the exported signatures are the bytes each head signed" \
    cmp "$TEST_TMP/a2/m1.md.us-head.minisig" "$MB.us-head.minisig"
PRU=$(A id export --minisign ru-head | tail -n 1)
PUS=$(B id export --minisign us-head | tail -n 1)
if [ -n "$MS" ]; then
	run_ok "minisign verifies ru-head's exported signature" minisign -Vm \
	    "$TEST_TMP/a2/m1.md" -x "$TEST_TMP/a2/m1.md.ru-head.minisig" \
	    -P "$PRU"
	run_ok "minisign verifies us-head's exported signature" minisign -Vm \
	    "$TEST_TMP/a2/m1.md" -x "$TEST_TMP/a2/m1.md.us-head.minisig" \
	    -P "$PUS"
else
	skip "no minisign" 2
fi
run_ok "export again: the same signature files are left as they are" \
    A minutes export --meeting 1 -o "$TEST_TMP/a2/m1.md" --force
run_ok "the txt rendering has no signature yet" \
    B minutes export --meeting 1 -o "$TEST_TMP/b2/m1.txt"
ok '[ ! -e "$TEST_TMP/b2/m1.txt.us-head.minisig" ]' \
    "no signature of other minutes is written beside them"
like "$(head -n 1 "$TEST_TMP/b2/m1.txt")" 'format=txt' \
    "the format is taken from .txt"

# --- export: the format from the extension -----------------------------------
run_fails 2 "an extension it cannot write is refused" \
    A minutes export --meeting 1 -o "$TEST_TMP/m1.pdf"
like "$(cat "$ERR")" '\.md, \.txt, \.json or \.html' "lists the extensions"
ok '[ ! -e "$TEST_TMP/m1.pdf" ]' "and nothing is written"
run_ok "--format overrides the extension" \
    A minutes export --meeting 1 --format txt -o "$TEST_TMP/m1.pdf"
like "$(head -n 1 "$TEST_TMP/m1.pdf")" 'format=txt' "in the format asked for"
run_ok ".JSON in capitals" A minutes export --meeting 1 -o "$TEST_TMP/M1.JSON"
like "$(cat "$TEST_TMP/M1.JSON")" '"format": "detente-minutes"' "is JSON"

# --- the seal of the signed minutes ---------------------------------------------
run_ok "ru-head seals the minutes the replica renders" \
    A --as ru-head seal propose --minutes "$MA"
like "$(cat "$OUT")" "^minutes $(sha256sum <"$MA" | cut -d' ' -f1)$" \
    "the seal names them"
run_ok "sync" sync_both
run_ok "us-head cosigns on B" B --as us-head seal cosign
run_ok "sync" sync_both
run_ok "A: verify --record, sealed and signed" A minutes verify "$MA" --record
like "$(cat "$OUT")" 'names these minutes .*; the seal is complete$' \
    "the seal names them and is complete"
A --as ru-head meeting open --title "Round two" >/dev/null || bail_out "open 2"
A minutes export --meeting 2 --draft -o "$TEST_TMP/draft.md" >/dev/null 2>&1
run_fails 1 "a draft is not sealed" \
    A --as ru-head seal propose --minutes "$TEST_TMP/draft.md"
like "$(cat "$ERR")" 'these minutes are a draft' "says it is a draft"
run_fails 1 "nothing was written" A seal show --meeting 2
done_testing
