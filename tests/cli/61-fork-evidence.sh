#!/bin/sh
# 61-fork-evidence.sh: evidence is visible.  us-del writes on two laptops
# (B, and C, a copy of B's home: a restored backup, a cloned disk) the
# same place of its feed; A takes one, refuses the other as a fork and
# keeps both.  verify and audit then say OK, name the fork and the
# member it is against (name, party, fingerprint) and exit 3, "valid,
# with evidence against members" (docs/FORMAT.md, section 11, "Exit
# status"), on A and, once the evidence bundle has crossed, on B too.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

HC=$TEST_TMP/C
C()
{
	"$DETENTE" --home "$HC" --passphrase-file "$PASS" "$@"
}

two_homes || bail_out "cannot make the dialogue"
join_b || bail_out "B cannot join"
A --as ru-head meeting open --title "Meeting one" >/dev/null ||
    bail_out "cannot open a meeting"
sync_both || bail_out "cannot sync"
B --as us-del add note "before the copy" >/dev/null || bail_out "no note"
sync_both || bail_out "cannot sync"
run_ok "no evidence yet: verify exits 0" A --as ru-head verify
unlike "$(cat "$OUT")" 'EVIDENCE' "and names none"

cp -R "$HB" "$HC"
B --as us-del add note "from the first laptop" >/dev/null || bail_out "B"
C --as us-del add note "from the second laptop" >/dev/null || bail_out "C"
B bundle export -o "$TEST_TMP/b.dtb" >/dev/null || bail_out "export B"
C bundle export -o "$TEST_TMP/c.dtb" >/dev/null || bail_out "export C"
run_ok "A imports the first laptop's bundle" A bundle import "$TEST_TMP/b.dtb"
run_fails 1 "A refuses the second laptop's: a fork" \
    A bundle import "$TEST_TMP/c.dtb"
like "$(cat "$ERR")" 'fork: author us-del' "the import names it"

fpr=$(B id show us-del | sed -n 's/^fingerprint: *//p')
run_fails 3 "A: verify exits 3" A --as ru-head verify
like "$(cat "$OUT")" '^OK: ' "the record is valid"
like "$(cat "$OUT")" '^fork: author us-del \([0-9a-f]{16}\), seq 1, two signed entries [0-9a-f]{64} and [0-9a-f]{64}$' \
    "the fork, with its author and seq"
like "$(cat "$OUT")" "^EVIDENCE against us-del \\(party US, fingerprint $fpr\\): 1 fork, 0 member faults\$" \
    "and the member it is against: name, party, fingerprint"
run_fails 3 "A: verify --no-key exits 3 too (no key needed)" \
    A --as ru-head verify --no-key
like "$(cat "$OUT")" '^EVIDENCE against us-del' "and names the member"
run_fails 3 "A: verify --json" A --as ru-head verify --json
like "$(cat "$OUT")" '"forks": \[' "lists forks"
like "$(cat "$OUT")" '"author_name": "us-del"' "with the author"
like "$(cat "$OUT")" '"party": "US"' "the party"
like "$(cat "$OUT")" '"evidence_against": \[' "and whom it is against"

store=$(ls -d "$HA"/dialogues/*)
run_fails 3 "A: audit of the store exits 3" A audit --no-key "$store"
like "$(cat "$OUT")" 'fork evidence:' "the fork evidence section"
like "$(cat "$OUT")" "evidence against members:" "the members section"
like "$(cat "$OUT")" "  EVIDENCE against us-del \\(party US, fingerprint $fpr\\): 1 fork" \
    "names us-del"

# The evidence crosses as a bundle; B, which holds the first laptop's
# entry, refuses the second and keeps the pair as well.
run_fails 0 "B: verify exits 0 before" B --as us-head verify
run_fails 1 "A exports its evidence" A evidence -o "$TEST_TMP/ev.dtb"
run_fails 1 "B: the evidence bundle is refused as a fork" \
    B bundle import "$TEST_TMP/ev.dtb"
run_fails 3 "B: verify exits 3 now" B --as us-head verify
like "$(cat "$OUT")" "^EVIDENCE against us-del \\(party US, fingerprint $fpr\\): 1 fork" \
    "naming the same member"

# A member fault by another member (ru-head's modified software): both are named, each with its count.
if have_bt; then
	A bundle export -o "$TEST_TMP/all.dtb" >/dev/null
	BT forge fault-decrypt "$TEST_TMP/all.dtb" "$TEST_TMP/fault.dtb" \
	    "$HA/identities/ru-head.key" "$PASS" || fail "forge"
	A --as ru-head bundle import --key "$TEST_TMP/fault.dtb" \
	    >/dev/null 2>&1
	run_ok "B: a member fault as well" B --as us-head bundle import \
	    --key "$TEST_TMP/fault.dtb"
	run_fails 3 "B: verify exits 3" B --as us-head verify
	like "$(cat "$OUT")" '^EVIDENCE against ru-head \(party RU, fingerprint [0-9A-F ]+\): 0 forks, 1 member fault$' \
	    "names ru-head for the fault"
	like "$(cat "$OUT")" '^EVIDENCE against us-del .*: 1 fork, 0 member faults$' \
	    "and us-del for the fork"
else
	skip "needs /usr/bin/python3 with python3-nacl, -argon2, -cryptography" 4
fi
done_testing
