#!/bin/sh
# 90-bundle.sh: bundle files between two homes (two laptops): export,
# state, import; counts; idempotence; every rejection reason triggered by
# a forged bundle, with nothing imported; entries held until what they
# need arrives; a fork refused and kept as evidence.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

two_homes || bail_out "cannot make a dialogue"
run_ok "export everything" A bundle export -o "$TEST_TMP/g.dtb"
like "$(cat "$OUT")" "2 entries, 1 feed" "genesis and key wrap"
run_ok "B joins" B dialogue join --yes "$TEST_TMP/g.dtb"

# A writes; B learns it through a bundle made --since B's state.
run_ok "A opens a meeting" A --as ru-del meeting open
run_ok "A notes" A --as ru-del add note "first"
run_ok "B state" B bundle state -o "$TEST_TMP/b0.state"
like "$(cat "$OUT")" "\(1 feed\)" "B holds one feed"
run_ok "export since B's state" A bundle export \
    --since "$TEST_TMP/b0.state" -o "$TEST_TMP/a1.dtb"
like "$(cat "$OUT")" "\(2 entries, 1 feed\)" "only what B lacks"
run_ok "B imports" B bundle import "$TEST_TMP/a1.dtb"
is "$(cat "$OUT")" "2 new, 0 already known, 0 held" "counts"
is "$(hashes "$HB")" "$(hashes "$HA")" "same merged order"
before=$(hashes "$HB")
run_ok "importing again" B bundle import "$TEST_TMP/a1.dtb"
is "$(cat "$OUT")" "0 new, 2 already known, 0 held" "changes nothing"
run_ok "the full bundle again" B bundle import "$TEST_TMP/g.dtb"
is "$(cat "$OUT")" "0 new, 2 already known, 0 held" "old bundle: known"
is "$(hashes "$HB")" "$before" "merged order unchanged"
run_ok "B state again" B bundle state -o "$TEST_TMP/b1.state"
run_ok "nothing new since" A bundle export --since "$TEST_TMP/b1.state" \
    -o "$TEST_TMP/empty.dtb"
like "$(cat "$OUT")" "\(0 entries, 0 feeds\)" "an empty bundle"
run_ok "an empty bundle imports" B bundle import "$TEST_TMP/empty.dtb"
is "$(cat "$OUT")" "0 new, 0 already known, 0 held" "nothing"

# Errors that are not bundles.
run_fails 2 "a missing file" B bundle import "$TEST_TMP/nope.dtb"
run_fails 2 "export needs -o" A bundle export
run_fails 1 "a state file is not a bundle" B bundle import \
    "$TEST_TMP/b1.state"
like "$(cat "$ERR")" "bad magic" "says why"
run_fails 2 "a bundle is not a state file" A bundle export \
    --since "$TEST_TMP/a1.dtb" -o "$TEST_TMP/x.dtb"
ok '[ ! -e "$TEST_TMP/x.dtb" ]' "no half-written output"

# Forged bundles: each rejected with its reason, nothing imported.
run_ok "A notes twice more" A --as ru-del add note "second"
run_ok "and again" A --as ru-del add note "third"
run_ok "base bundle" A bundle export --since "$TEST_TMP/b1.state" \
    -o "$TEST_TMP/base.dtb"
like "$(cat "$OUT")" "\(2 entries, 1 feed\)" "two new entries"
KS=$HA/identities/ru-del.key
if have_bt; then
	for c in "sig:bad signature" "dialogue:wrong dialogue" \
	    "prev:broken chain" "clock:clock violation" \
	    "kind:malformed bytes" "outsider:author not a member"; do
		case=${c%%:*}
		reason=${c#*:}
		BT forge "$case" "$TEST_TMP/base.dtb" "$TEST_TMP/$case.dtb" \
		    "$KS" "$PASS" || fail "forge $case"
		run_fails 1 "forged ($case) is rejected" B bundle import \
		    "$TEST_TMP/$case.dtb"
		like "$(cat "$ERR")" "bundle rejected: $reason[^:]*: author " \
		    "$case: the reason is '$reason'"
		case $case in
		outsider) seq=0 ;;
		*) seq=3 ;;
		esac
		like "$(cat "$ERR")" ", seq $seq, hash [0-9a-f]{64}" \
		    "$case: names the entry"
		like "$(cat "$ERR")" "nothing was imported" "$case: says so"
		is "$(hashes "$HB")" "$before" "$case: nothing imported"
	done
	like "$(cat "$ERR")" "author [0-9a-f]{64}, seq 0" \
	    "a non-member is named by key"
	# Another time stamp, re-signed: the signature holds, but the header
	# is the ciphertext's associated data.
	BT forge fork "$TEST_TMP/base.dtb" "$TEST_TMP/ad.dtb" "$KS" "$PASS"
	# Signed content that does not decrypt is its author's fault, not a
	# rejection (FORMAT.md, section 7, "Member faults"): on a copy of B.
	cp -R "$HB" "$TEST_TMP/Bk"
	run_ok "--key: content that does not decrypt is taken" \
	    "$DETENTE" --home "$TEST_TMP/Bk" --passphrase-file "$PASS" \
	    --as us-del bundle import --key "$TEST_TMP/ad.dtb"
	like "$(cat "$ERR")" "member fault: author ru-del .*: content does not decrypt" \
	    "as a member fault, naming its author"
	is "$(hashes "$HB")" "$before" "B itself unchanged"
	BT forge sig "$TEST_TMP/base.dtb" "$TEST_TMP/named.dtb" "$KS" "$PASS"
	B bundle import "$TEST_TMP/named.dtb" 2>"$TEST_TMP/named.err"
	like "$(cat "$TEST_TMP/named.err")" "author ru-del \([0-9a-f]{16}\)" \
	    "a member is named by name and key"
	like "$(cat "$TEST_TMP/named.err")" "entry 2 of the bundle" \
	    "and its place in the bundle"
	# A flipped byte in an entry fails its signature before the import's
	# pass reaches the trailer: the file is still said to be damaged.
	for c in "truncate:truncated" "trailer:trailer does not match" \
	    "flip:trailer does not match"; do
		case=${c%%:*}
		BT forge "$case" "$TEST_TMP/base.dtb" "$TEST_TMP/$case.dtb"
		run_fails 1 "a damaged file ($case) is rejected" B bundle \
		    import "$TEST_TMP/$case.dtb"
		like "$(cat "$ERR")" "bad bundle file: .*${c#*:}" \
		    "$case: says why"
	done
	is "$(hashes "$HB")" "$before" "still nothing imported"
	run_ok "B still verifies" B --as us-head verify
	like "$(cat "$OUT")" "^OK: " "OK"

	# A missing predecessor: held, not dropped, not rejected.
	BT forge drop "$TEST_TMP/base.dtb" "$TEST_TMP/drop.dtb" "$KS" "$PASS"
	run_ok "a gap is not a rejection" B bundle import "$TEST_TMP/drop.dtb"
	is "$(head -n 1 "$OUT")" "0 new, 0 already known, 1 held" "held"
	is "$(hashes "$HB")" "$before" "a held entry is not in the record"
	run_ok "held: B verifies" B --as us-head verify
	run_ok "held again: no change" B bundle import "$TEST_TMP/drop.dtb"
	is "$(head -n 1 "$OUT")" "0 new, 0 already known, 1 held" "held once"
	run_ok "the missing entry arrives (--key: content checked too)" \
	    B --as us-del bundle import --key "$TEST_TMP/base.dtb"
	is "$(cat "$OUT")" "2 new, 0 already known, 0 held" "both added"
	is "$(hashes "$HB")" "$(hashes "$HA")" "converged"

	# A fork: a second entry for ru-del's seq 3, signed by ru-del.
	BT forge fork "$TEST_TMP/base.dtb" "$TEST_TMP/fork.dtb" "$KS" "$PASS"
	before=$(hashes "$HB")
	run_fails 0 "no evidence yet" B evidence
	is "$(cat "$OUT")" "no fork evidence" "none"
	run_fails 1 "a fork is rejected" B bundle import "$TEST_TMP/fork.dtb"
	like "$(cat "$ERR")" "bundle rejected: fork: author ru-del .*, seq 3, hash [0-9a-f]{64}, the first is [0-9a-f]{64}" \
	    "fork: author, seq, both hashes"
	like "$(cat "$ERR")" "both entries are kept" "says evidence is kept"
	is "$(hashes "$HB")" "$before" "the first entry stays"
	run_fails 1 "evidence lists it" B evidence --hex
	like "$(cat "$OUT")" "^fork: author ru-del \([0-9a-f]{16}\), seq 3$" \
	    "author and seq"
	like "$(cat "$OUT")" "first: +[0-9a-f]{64} +\(in the record\)" \
	    "the first, in the record"
	like "$(cat "$OUT")" "second: [0-9a-f]{64}$" "the second"
	like "$(cat "$OUT")" "signatures: both valid" "both signatures verify"
	like "$(cat "$OUT")" "second bytes: 44544501[0-9a-f]+$" "bytes in hex"
	run_fails 1 "evidence -o" B evidence -o "$TEST_TMP/evidence.dtb"
	run_ok "a third party checks both signatures" BT check \
	    "$TEST_TMP/evidence.dtb"
	is "$(cat "$OUT")" "ok 2" "two signed entries"
	run_ok "listed by the bundle tool" BT list "$TEST_TMP/evidence.dtb"
	is "$(awk '{print $2, $3}' "$OUT" | uniq | wc -l | tr -d ' ')" 1 \
	    "one author and seq"
	run_fails 1 "the fork again: rejected again" B bundle import \
	    "$TEST_TMP/fork.dtb"
	run_fails 1 "evidence kept once" B evidence
	is "$(grep -c '^fork:' "$OUT")" 1 "one fork"
	run_fails 3 "B verifies after the fork: valid, with evidence" \
	    B --as us-head verify
	like "$(cat "$OUT")" "^OK: " "OK"
	like "$(cat "$OUT")" "^EVIDENCE against ru-del \\(party RU, " \
	    "naming the member the fork is against"
	run_ok "and A" A --as ru-head verify
else
	skip "no /usr/bin/python3 with cryptography, nacl, argon2" 60
fi

# The vectors: an independent Python reading of FORMAT.md reproduces
# tests/vectors/bundle.txt from entries.txt, and checks its signatures.
if have_bt; then
	run_ok "bundle_tool.py computes the vectors" BT vector "$VECTORS"
	is "$(cat "$OUT")" "$(cat "$VECTORS/bundle.txt")" \
	    "and gets tests/vectors/bundle.txt"
	sed -n 's/^bundle = //p' "$VECTORS/bundle.txt" | /usr/bin/python3 -c \
	    'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))' \
	    >"$TEST_TMP/vector.dtb"
	run_ok "the vector bundle checks" BT check "$TEST_TMP/vector.dtb"
	is "$(cat "$OUT")" "ok 4" "four signed entries"
	BT forge flip "$TEST_TMP/vector.dtb" "$TEST_TMP/vflip.dtb"
	run_fails 1 "a damaged bundle is not joined" "$DETENTE" \
	    --home "$TEST_TMP/V2" dialogue join --yes "$TEST_TMP/vflip.dtb"
	like "$(cat "$ERR")" "bad bundle file: .*trailer does not match" \
	    "the join says the file is damaged"
	is "$(ls -A "$TEST_TMP/V2/dialogues" 2>/dev/null)" "" \
	    "and leaves no dialogue behind"
	run_ok "detente joins from the vector bundle" "$DETENTE" \
	    --home "$TEST_TMP/V" dialogue join --yes "$TEST_TMP/vector.dtb"
	like "$(cat "$OUT")" "^4 new, 0 already known, 0 held$" "all four"
	run_ok "its state is the vector state" "$DETENTE" --home "$TEST_TMP/V" \
	    bundle state -o "$TEST_TMP/v.state"
	is "$(od -An -v -tx1 "$TEST_TMP/v.state" | tr -d ' \n')" \
	    "$(sed -n 's/^state = //p' "$VECTORS/bundle.txt")" "byte for byte"
else
	skip "no /usr/bin/python3 with cryptography, nacl, argon2" 8
fi

# A state file names the dialogue: another dialogue's is refused.
run_ok "C: another dialogue" "$DETENTE" --home "$TEST_TMP/C" \
    --passphrase-file "$PASS" id new --name c-head --kdf min
"$DETENTE" --home "$TEST_TMP/C" --passphrase-file "$PASS" id new \
    --name c-two --kdf min >/dev/null
"$DETENTE" --home "$TEST_TMP/C" --passphrase-file "$PASS" --as c-head \
    dialogue new --title other --party X --party Y --head X=c-head \
    --head Y=c-two >/dev/null
"$DETENTE" --home "$TEST_TMP/C" bundle state -o "$TEST_TMP/c.state" \
    >/dev/null
run_fails 2 "a state of another dialogue" A bundle export \
    --since "$TEST_TMP/c.state" -o "$TEST_TMP/x.dtb"
like "$(cat "$ERR")" "another dialogue" "says so"
"$DETENTE" --home "$TEST_TMP/C" bundle export -o "$TEST_TMP/c.dtb" \
    >/dev/null
run_fails 2 "a bundle of a dialogue B does not have" B bundle import \
    "$TEST_TMP/c.dtb"
like "$(cat "$ERR")" "no replica" "says so"
run_fails 1 "with --dialogue: wrong dialogue" B --dialogue "$DID" bundle \
    import "$TEST_TMP/c.dtb"
like "$(cat "$ERR")" "bundle rejected: wrong dialogue" "says so"
done_testing
