#!/bin/sh
# 94-seal.sh: the heads' joint seal of a meeting.  Two parties: the RU
# head proposes, the US head cosigns, the seal is complete, verify says
# so, and an independent signed-note checker given the heads' verifier
# keys accepts it (and says which head has not signed an incomplete one).
# Three parties: incomplete until all three have signed.  Two laptops:
# the seal travels in bundles and is cosigned on the other side; a seal
# whose listed root is not the record's is refused on import.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

PY=/usr/bin/python3
TOOLS=$_tap_lib_dir/tools
have_py()
{
	[ -x "$PY" ] && "$PY" -c 'import cryptography' 2>/dev/null
}
# seals_of FILE: the "seals" of `verify --json` output, one line each:
# "MEETING STATE signers=P,Q missing=R bad=S reason=...", read by
# Python's own JSON parser (which refuses anything that is not JSON).
JPY=$(command -v python3 || echo /usr/bin/python3)
have_json()
{
	"$JPY" -c 'import json' 2>/dev/null
}
seals_of()
{
	"$JPY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["seals"]:
    print(s["meeting"], s["state"],
          "signers=" + ",".join(h["party"] for h in s["signers"]),
          "missing=" + ",".join(h["party"] for h in s["missing"]),
          "bad=" + ",".join(h["party"] for h in s["missing"]
                            if h["bad_signature"]),
          "entries=%d" % s["entries"],
          "reason=%s" % s["reason"])
' "$1"
}
# The tool that stores a seal entry past the rules (tests/tools/seal_slip.c).
SLIP=${abs_top_builddir:-$(dirname "$DETENTE")}/tests/tools/seal_slip

new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-head meeting open >/dev/null
dt --as ru-del add note "RU's note" >/dev/null
dt --as us-del add note "US's note" >/dev/null
RUHEAD=$(dt id export --hex ru-head)
USHEAD=$(dt id export --hex us-head)
MIN=$(printf 'minutes of meeting 1\n' | sha256sum | cut -c1-64)

run_fails 1 "no seal to show yet" dt seal show
run_fails 1 "no seal to cosign yet" dt --as us-head seal cosign
run_fails 2 "a seal names its minutes: no --minutes is a usage error" \
    dt --as ru-head seal propose
like "$(cat "$ERR")" "a seal names the minutes it seals" "says why"
run_fails 1 "a delegate proposes no seal" dt --as ru-del seal propose \
    --minutes-sha256 "$MIN"
like "$(cat "$ERR")" "ru-del may not write seal entries" "says why"
run_fails 2 "a bad minutes hash" dt --as ru-head seal propose \
    --minutes-sha256 abc
run_ok "ru-head proposes the seal of meeting 1" dt --as ru-head seal \
    propose --minutes-sha256 "$MIN"
cp "$OUT" "$TEST_TMP/proposed.note"
is "$(sed -n 1p "$OUT")" "detente seal v1" "first line"
is "$(sed -n 2p "$OUT")" "dialogue $DID" "the dialogue"
is "$(sed -n 3p "$OUT")" "meeting 1" "the meeting (the open one)"
is "$(sed -n 4p "$OUT")" "minutes $MIN" "the minutes' hash"
is "$(grep -c '^feed ' "$OUT")" 3 "one line per feed"
like "$(sed -n 5p "$OUT")" "^feed detente/$DID/[0-9a-f]{64} [1-9][0-9]* [A-Za-z0-9+/]{43}=\$" \
    "feed: origin, size, root"
is "$(grep '^feed ' "$OUT")" "$(grep '^feed ' "$OUT" | LC_ALL=C sort)" \
    "feeds sorted by origin"
is "$(grep -c '^— ' "$OUT")" 1 "one signature"
like "$(grep '^— ' "$OUT")" "^— detente/$DID/$RUHEAD [A-Za-z0-9+/]{91}=\$" \
    "by ru-head, under its feed's origin"
like "$(cat "$ERR")" "meeting 1: seal incomplete \(missing US\)" \
    "incomplete after the proposal"
run_ok "verify" dt --as ru-head verify
like "$(cat "$OUT")" '^OK: ' "OK"
like "$(cat "$OUT")" '^meeting 1: seal incomplete \(missing US\)$' \
    "verify reports the incomplete seal"
run_ok "verify --json" dt --as ru-head verify --json
cp "$OUT" "$TEST_TMP/v1.json"
if have_json; then
	is "$(seals_of "$TEST_TMP/v1.json")" \
	    "1 incomplete signers=RU missing=US bad= entries=1 reason=None" \
	    "verify --json: the seal is incomplete, US missing"
else
	skip "no python3" 1
fi
like "$(cat "$TEST_TMP/v1.json")" "\"key\": \"$USHEAD\"" \
    "verify --json names the missing head's key"
run_ok "seal show" dt seal show
like "$(cat "$OUT")" '^meeting 1: seal incomplete \(missing US\)$' "status"
like "$(cat "$OUT")" '^detente seal v1$' "and the note"
run_fails 1 "the proposer cannot cosign its own seal" dt --as ru-head seal \
    cosign
run_fails 1 "a delegate cannot cosign" dt --as us-del seal cosign
run_ok "us-head cosigns" dt --as us-head seal cosign
like "$(cat "$ERR")" "meeting 1: seal complete \(RU, US\)" "complete"
sed -n '$p' "$OUT" >"$TEST_TMP/cosign.line"
is "$(grep -c '^— ' "$OUT")" 2 "two signature lines"
like "$(sed -n '$p' "$OUT")" "^— detente/$DID/$USHEAD " "us-head's last"
is "$(sed '$d' "$OUT")" "$(cat "$TEST_TMP/proposed.note")" \
    "every byte before it kept"
run_ok "verify" dt --as us-head verify
like "$(cat "$OUT")" '^meeting 1: seal complete \(RU, US\)$' \
    "verify reports the complete seal"
run_ok "log" dt --as us-head log
M8=$(printf '%s' "$MIN" | cut -c1-8)
is "$(grep -A1 '^[0-9].* seal  ' "$OUT" | grep -v -e '^[0-9]' -e '^--$')" \
    "$(printf '    seal meeting=1 minutes=%s feeds=3 signers=ru-head\n    seal meeting=1 minutes=%s feeds=3 signers=ru-head,us-head' "$M8" "$M8")" \
    "log: each seal entry on one line, with its signers"
unlike "$(cat "$OUT")" '^ *(— |detente seal v1|feed detente/)' \
    "no line of a seal note in the log"
run_ok "log --no-key" dt log --no-key
like "$(cat "$OUT")" '^    seal meeting=1 minutes=[0-9a-f]{8} feeds=3 signers=ru-head,us-head$' \
    "the same without the key (seals are control entries)"
run_ok "log --json" dt --as us-head log --json
if have_json; then
ok '"$JPY" -c "
import json, sys
notes = [e[\"payload\"][\"note\"] for e in json.load(open(sys.argv[1]))
         if e[\"kind\"] == \"seal\"]
sys.exit(notes[-1] != open(sys.argv[2]).read() + open(sys.argv[3]).read())" \
    "$OUT" "$TEST_TMP/proposed.note" "$TEST_TMP/cosign.line"' \
    "log --json keeps the whole note"
else
	skip "no python3" 1
fi
run_ok "verify --json --no-key" dt verify --json --no-key
cp "$OUT" "$TEST_TMP/v2.json"
if have_json; then
	is "$(seals_of "$TEST_TMP/v2.json")" \
	    "1 complete signers=RU,US missing= bad= entries=2 reason=None" \
	    "verify --json: the seal is complete, signed by RU and US"
else
	skip "no python3" 1
fi
run_fails 1 "no second cosignature" dt --as us-head seal cosign
like "$(cat "$ERR")" "complete already" "says why"
run_fails 1 "no new proposal for a sealed meeting" dt --as ru-head seal \
    propose --meeting 1 --minutes-sha256 "$MIN"

run_ok "seal show --note" dt seal show --note
cp "$OUT" "$TEST_TMP/seal.note"
run_ok "seal show --keys" dt seal show --keys
cp "$OUT" "$TEST_TMP/seal.keys"
is "$(wc -l <"$OUT" | tr -d ' ')" 2 "one verifier key per head"
like "$(sed -n 1p "$OUT")" "^detente/$DID/$RUHEAD\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}\$" \
    "C2SP verifier keys"
if have_py; then
	run_ok "an independent checker verifies the seal" "$PY" \
	    "$TOOLS/note_check.py" "$TEST_TMP/seal.note" "$TEST_TMP/seal.keys" \
	    --seal
	is "$(grep -c '^signed ' "$OUT")" 2 "signed by both heads"
	is "$(grep '^minutes ' "$OUT")" "minutes $MIN" "reads the minutes"
	# Every listed root is the feed's root as `proof` computes it.
	grep '^feed ' "$OUT" | while read -r _ origin size root; do
		feed=${origin##*/}
		dt proof consistency "$feed" "$size" "$size" | \
		    sed -n 's/^root //p' | grep -qx "$root" || echo "$origin"
	done >"$TEST_TMP/roots.bad"
	is "$(cat "$TEST_TMP/roots.bad")" "" "every listed root is the record's"
	run_fails 1 "the proposal alone lacks US" "$PY" "$TOOLS/note_check.py" \
	    "$TEST_TMP/proposed.note" "$TEST_TMP/seal.keys" --seal
	like "$(cat "$OUT")" "^unsigned detente/$DID/$USHEAD\$" "says who"
	sed 's/^meeting 1$/meeting 2/' "$TEST_TMP/seal.note" >"$TEST_TMP/seal.bad"
	run_fails 1 "a changed text fails the checker" "$PY" \
	    "$TOOLS/note_check.py" "$TEST_TMP/seal.bad" "$TEST_TMP/seal.keys"
	like "$(cat "$OUT")" "^bad signature" "bad signature"
else
	skip "no python3-cryptography" 10
fi

# A seal entry with a bad signature line, stored past the rules (as a
# damaged or hostile store would hold it): us-head's entry with the
# complete note, ru-head's line changed by one character.  The meeting
# already has a complete seal; verify fails on the entry, and says that
# the seal is invalid and why, in text and in JSON.  The store is put
# back afterwards.
DDIR=$H/dialogues/$DID
cp -r "$DDIR" "$TEST_TMP/dialogue.good"
awk -v who="$RUHEAD" '/^— / && index($0, who) && !done {
	split($0, f, " "); s = f[3]; c = substr(s, 20, 1)
	f[3] = substr(s, 1, 19) (c == "A" ? "B" : "A") substr(s, 21)
	$0 = f[1] " " f[2] " " f[3]; done = 1 } { print }' \
    "$TEST_TMP/seal.note" >"$TEST_TMP/badsig.note"
is "$(diff "$TEST_TMP/seal.note" "$TEST_TMP/badsig.note" | grep -c '^>')" 1 \
    "the note differs in ru-head's signature line only"
run_ok "slip the entry into the store" "$SLIP" "$DDIR" \
    "$H/identities/us-head.key" "$PASS" 1 "$TEST_TMP/badsig.note"
SLIPPED=$(cut -c1-8 "$OUT")
run_fails 1 "verify fails" dt --as ru-head verify
like "$(cat "$OUT")" "^FAILED: the seal's signature by the head of RU does not verify: author us-head" \
    "the failure names the entry"
like "$(cat "$OUT")" "^meeting 1: seal invalid \(seal entry $SLIPPED: the seal's signature by the head of RU does not verify\)\$" \
    "and the seal is invalid, not complete"
unlike "$(cat "$OUT")" 'seal complete' "no complete seal is reported"
run_fails 1 "verify --json fails" dt verify --json --no-key
cp "$OUT" "$TEST_TMP/v3.json"
if have_json; then
	like "$(seals_of "$TEST_TMP/v3.json")" \
	    "^1 invalid .* reason=seal entry $SLIPPED: the seal's signature by the head of RU does not verify\$" \
	    "verify --json: state invalid, with the reason"
	ok '"$JPY" -c "import json,sys; d = json.load(open(sys.argv[1])); sys.exit(d[\"ok\"] is not False or \"failure\" not in d)" "$TEST_TMP/v3.json"' \
	    "verify --json: ok false, with the failure"
else
	skip "no python3" 2
fi
run_ok "seal show" dt seal show --meeting 1
like "$(cat "$OUT")" '^meeting 1: seal invalid \(' "seal show says invalid too"
rm -rf "$DDIR"
cp -r "$TEST_TMP/dialogue.good" "$DDIR"
run_ok "the store put back verifies" dt --as ru-head verify
like "$(cat "$OUT")" '^meeting 1: seal complete \(RU, US\)$' "complete again"

# Minutes given as a file; a second meeting.
dt --as ru-head meeting close >/dev/null 2>&1
dt --as ru-head meeting open >/dev/null
printf 'minutes of meeting 2\n' >"$TEST_TMP/m2.md"
run_fails 1 "--minutes FILE must be minutes" dt --as us-head seal propose \
    --minutes "$TEST_TMP/m2.md"
like "$(cat "$ERR")" "not detente minutes" "says why"
run_ok "propose with --minutes-sha256" dt --as us-head seal propose \
    --minutes-sha256 "$(sha256sum "$TEST_TMP/m2.md" | cut -c1-64)"
is "$(sed -n 3p "$OUT")" "meeting 2" "the open meeting"
is "$(sed -n 4p "$OUT")" "minutes $(sha256sum "$TEST_TMP/m2.md" | cut -c1-64)" \
    "the file's SHA-256"
run_ok "ru-head cosigns (the last seal's meeting)" dt --as ru-head seal cosign
run_ok "verify" dt --as ru-head verify
like "$(cat "$OUT")" '^meeting 1: seal complete \(RU, US\)$' "meeting 1"
like "$(cat "$OUT")" '^meeting 2: seal complete \(RU, US\)$' "meeting 2"
run_ok "seal show --meeting 1" dt seal show --meeting 1
like "$(cat "$OUT")" '^meeting 1: seal complete' "one meeting"
unlike "$(cat "$OUT")" '^meeting 2' "only that one"
run_fails 1 "a meeting without a seal" dt seal show --meeting 3
run_fails 2 "unknown subcommand" dt seal frob

# The vector: an independent script computes tests/vectors/seal.txt
# from entries.txt (tests/unit/test_seal.c has the library reproduce it),
# and the independent checker accepts its seal.
vecval()
{
	sed -n "s/^$1 = //p" "$VECTORS/seal.txt"
}
if have_bt; then
	run_ok "seal_forge.py computes the seal vector" "$PY" \
	    "$TOOLS/seal_forge.py" vector "$VECTORS"
	is "$(cat "$OUT")" "$(cat "$VECTORS/seal.txt")" \
	    "and gets tests/vectors/seal.txt"
else
	skip "no python3 with cryptography, nacl, argon2" 2
fi
if have_py; then
	printf '%b' "$(vecval seal_note)" >"$TEST_TMP/v.note"
	{ vecval vkey_ru_head; vecval vkey_us_head; } >"$TEST_TMP/v.keys"
	run_ok "the checker accepts the vector seal" "$PY" \
	    "$TOOLS/note_check.py" "$TEST_TMP/v.note" "$TEST_TMP/v.keys" --seal
	is "$(grep -c '^signed ' "$OUT")" 2 "signed by both heads"
	printf '%b' "$(vecval seal_note_ru)" >"$TEST_TMP/v.note"
	run_fails 1 "the proposal alone is not complete" "$PY" \
	    "$TOOLS/note_check.py" "$TEST_TMP/v.note" "$TEST_TMP/v.keys" --seal
else
	skip "no python3-cryptography" 3
fi

# Three parties: RU, US, CN.
H3=$TEST_TMP/h3
d3()
{
	"$DETENTE" --home "$H3" --passphrase-file "$PASS" "$@"
}
for n in ru-head us-head cn-head; do
	d3 id new --name "$n" --kdf min >/dev/null || bail_out "no id $n"
done
d3 --as ru-head dialogue new --title "Трёхсторонний диалог" --party RU \
    --party US --party CN --head "RU=$(d3 id export --vkey ru-head)" \
    --head "US=$(d3 id export --vkey us-head)" \
    --head "CN=$(d3 id export --vkey cn-head)" >/dev/null ||
    bail_out "no three-party dialogue"
d3 --as cn-head meeting open >/dev/null
d3 --as us-head add note "a note" >/dev/null
run_ok "three parties: ru-head proposes" d3 --as ru-head seal propose \
    --minutes-sha256 "$MIN"
like "$(cat "$ERR")" "seal incomplete \(missing US, CN\)" "two missing"
run_ok "us-head cosigns" d3 --as us-head seal cosign
like "$(cat "$ERR")" "seal incomplete \(missing CN\)" "CN missing"
run_ok "verify" d3 --as cn-head verify
like "$(cat "$OUT")" '^meeting 1: seal incomplete \(missing CN\)$' \
    "verify: incomplete"
if have_py; then
	d3 seal show --note >"$TEST_TMP/s3.note"
	d3 seal show --keys >"$TEST_TMP/s3.keys"
	run_fails 1 "the checker: not every head signed" "$PY" \
	    "$TOOLS/note_check.py" "$TEST_TMP/s3.note" "$TEST_TMP/s3.keys" \
	    --seal
	is "$(grep -c '^signed ' "$OUT")" 2 "two of three"
else
	skip "no python3-cryptography" 2
fi
run_ok "cn-head cosigns" d3 --as cn-head seal cosign
like "$(cat "$ERR")" "seal complete \(RU, US, CN\)" "complete"
run_ok "verify" d3 --as us-head verify
like "$(cat "$OUT")" '^meeting 1: seal complete \(RU, US, CN\)$' \
    "verify: complete"
if have_py; then
	d3 seal show --note >"$TEST_TMP/s3.note"
	run_ok "the checker: every head signed" "$PY" "$TOOLS/note_check.py" \
	    "$TEST_TMP/s3.note" "$TEST_TMP/s3.keys" --seal
	is "$(grep -c '^signed ' "$OUT")" 3 "three of three"
else
	skip "no python3-cryptography" 2
fi

# Two laptops: the seal travels in bundles and is cosigned on B.
two_homes || bail_out "cannot make two homes"
join_b || bail_out "B cannot join"
A --as ru-head meeting open >/dev/null
A --as ru-del add note "A's note" >/dev/null
run_ok "sync" sync_both
run_ok "B writes" B --as us-del add note "B's note"
run_ok "sync" sync_both
run_ok "A's head proposes" A --as ru-head seal propose --minutes-sha256 "$MIN"
run_ok "sync" sync_both
run_ok "B's head cosigns, its replica agreeing" B --as us-head seal cosign
like "$(cat "$ERR")" "seal complete \(RU, US\)" "complete on B"
run_ok "sync" sync_both
run_ok "A sees it complete" A --as ru-head verify
like "$(cat "$OUT")" '^meeting 1: seal complete \(RU, US\)$' "complete on A"
is "$(hashes "$HB")" "$(hashes "$HA")" "same merged order"
is "$(A seal show --note)" "$(B seal show --note)" "the same seal"
if have_bt; then
	A --as ru-del add note "more" >/dev/null
	A --as ru-head seal propose --meeting 2 --minutes-sha256 "$MIN" \
	    >/dev/null 2>&1
	B bundle state -o "$TEST_TMP/b.state" >/dev/null
	A bundle export --since "$TEST_TMP/b.state" -o "$TEST_TMP/s.dtb" \
	    >/dev/null
	"$PY" "$TOOLS/seal_forge.py" bundle "$TEST_TMP/s.dtb" \
	    "$TEST_TMP/s-bad.dtb" "$HA/identities/ru-head.key" "$PASS" ||
	    fail "forge the bundle"
	before=$(hashes "$HB")
	run_fails 1 "a seal with a root that is not the record's is refused" \
	    B bundle import "$TEST_TMP/s-bad.dtb"
	like "$(cat "$ERR")" "bundle rejected: .*author ru-head.*the seal lists .*'s feed at size [0-9]+ with a root that is not this record's" \
	    "names the seal and says why"
	is "$(hashes "$HB")" "$before" "nothing imported"
	run_ok "the true bundle imports" B bundle import "$TEST_TMP/s.dtb"
	run_ok "and B cosigns it" B --as us-head seal cosign
else
	skip "no python3 with cryptography, nacl, argon2" 5
fi
done_testing
