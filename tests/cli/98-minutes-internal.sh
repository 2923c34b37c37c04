#!/bin/sh
# 98-minutes-internal.sh: `detente minutes export --internal`, a party's
# own internal record of a meeting (issue 15).
#
# Two laptops (RU in A, US in B) write meeting 1: joint entries, and on
# each side internal notes, under an agenda item and under none; they
# close it and exchange bundles.  Then:
#  - the joint minutes are byte-identical on A and B, in every format and
#    every --lang, and hold no internal text of either side;
#  - RU's internal record (on A) holds the joint minutes' records and
#    RU's internal notes, each marked "[RU only]" («[только RU]» in the
#    Russian frame), each where a note goes (under its agenda item, or
#    under none), and nothing of US's internal notes; US's likewise;
#  - it says at its top, in every format and language, that it is RU's
#    internal record and not the joint minutes, and its identification
#    ("scope=internal-RU", the JSON's "scope") is not that of minutes;
#  - minutes sign, minutes verify and seal propose --minutes refuse it
#    with a clear error, and the joint minutes still sign.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

RU_ITEM="RU-INTERNAL-under-item: our fallback position"
RU_FREE="RU-INTERNAL-free: watch the second channel"
US_ITEM="US-INTERNAL-under-item: do not concede"
US_FREE="US-INTERNAL-free: ask Washington"
JOINT="Joint-note: both sides agree to meet monthly"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open --title "First round" --date 2030-01-10 \
    >/dev/null || bail_out "cannot open a meeting"
sync_both || bail_out "cannot sync"
AG=$(A --as ru-head add agenda --tr "ru=Каналы связи" \
    "Communication channels") || bail_out "agenda"
sync_both || bail_out "cannot sync"
A --as ru-head add note --internal --no-item "$RU_FREE" >/dev/null 2>&1 ||
    bail_out "ru-head's internal note"
A --as ru-del add note --internal --item "$AG" "$RU_ITEM" >/dev/null ||
    bail_out "ru-del's internal note"
A --as ru-del add note --item "$AG" "$JOINT" >/dev/null || bail_out "note"
B --as us-head add note --internal --no-item "$US_FREE" >/dev/null 2>&1 ||
    bail_out "us-head's internal note"
B --as us-del add note --internal --item "$AG" "$US_ITEM" >/dev/null ||
    bail_out "us-del's internal note"
sync_both || bail_out "cannot sync"

# --- a draft: --internal goes with --draft as the minutes do ----------------
run_fails 1 "an internal record of an open meeting needs --draft" \
    A --as ru-del minutes export --internal --meeting 1
run_ok "with --draft it is rendered" \
    A --as ru-del minutes export --internal --draft --meeting 1
like "$(head -1 "$OUT")" 'status=draft scope=internal-RU -->$' \
    "a draft internal record says both"
grep -q -- "$RU_ITEM" "$OUT"
ok $? "the draft holds RU's internal note"

A --as ru-head meeting close >/dev/null || bail_out "close"
B --as us-head meeting close >/dev/null || bail_out "close on B"
sync_both || bail_out "cannot sync"

mkdir -p "$TEST_TMP/a" "$TEST_TMP/b" "$TEST_TMP/i"

# --- the joint minutes: the same bytes on both sides, no internal text -----
for f in md txt json html; do
	for l in both en ru; do
		A minutes export --meeting 1 --format $f --lang $l \
		    -o "$TEST_TMP/a/m-$l.$f" 2>/dev/null ||
		    bail_out "export $f $l on A"
		B minutes export --meeting 1 --format $f --lang $l \
		    -o "$TEST_TMP/b/m-$l.$f" 2>/dev/null ||
		    bail_out "export $f $l on B"
		cmp -s "$TEST_TMP/a/m-$l.$f" "$TEST_TMP/b/m-$l.$f"
		ok $? "joint minutes ($f, --lang $l): the same bytes on A and B"
		hit=$(grep -c -e "INTERNAL" -e "only\]" -e "только " \
		    -e "scope=" "$TEST_TMP/a/m-$l.$f")
		is "$hit" 0 "joint minutes ($f, --lang $l): no internal text, no mark"
	done
done
grep -q -- "Joint-note" "$TEST_TMP/a/m-both.md"
ok $? "the joint note is in the joint minutes (the grep can find text)"

# --- RU's internal record ---------------------------------------------------
for f in md txt json html; do
	for l in both en ru; do
		run_ok "RU's internal record ($f, --lang $l)" \
		    A --as ru-del minutes export --internal --meeting 1 \
		    --format $f --lang $l
		cp "$OUT" "$TEST_TMP/i/ru-$l.$f"
		for t in "$RU_ITEM" "$RU_FREE" "$JOINT"; do
			grep -q -- "$t" "$OUT"
			ok $? "RU $f $l: holds \"${t%%:*}\""
		done
		hit=$(grep -c -e "US-INTERNAL" "$OUT")
		is "$hit" 0 "RU $f $l: none of US's internal notes"
		case $l in
		ru) mark='Заметка \[только RU\]' notice='ВНУТРЕННИЙ ОТЧЁТ ДЕЛЕГАЦИИ RU: НЕ СОВМЕСТНЫЙ ПРОТОКОЛ' ;;
		en) mark='Note \[RU only\]' notice='INTERNAL RECORD OF RU: NOT THE JOINT MINUTES' ;;
		both) mark='Note \[RU only\] / Заметка \[только RU\]' notice='INTERNAL RECORD OF RU: NOT THE JOINT MINUTES' ;;
		esac
		[ "$f" = json ] && mark='"internal": "RU"'
		is "$(grep -c -e "$mark" "$OUT")" 2 \
		    "RU $f $l: both internal notes marked ($mark)"
		# prominent: within the first lines of the document
		head -12 "$OUT" | grep -q -e "$notice"
		ok $? "RU $f $l: says at its top that it is not the joint minutes"
		cmp -s "$OUT" "$TEST_TMP/a/m-$l.$f"
		ok_not=$?
		isnt "$ok_not" 0 "RU $f $l: not the joint minutes' bytes"
	done
done
like "$(head -1 "$TEST_TMP/i/ru-both.md")" \
    "^<!-- detente-minutes v1 dialogue=$DID meeting=1 format=md lang=both status=final scope=internal-RU -->\$" \
    "the Markdown identification line names the scope"
like "$(head -1 "$TEST_TMP/i/ru-en.txt")" \
    "^detente-minutes v1 dialogue=$DID meeting=1 format=txt lang=en status=final scope=internal-RU\$" \
    "the plain-text identification line names the scope"
like "$(head -1 "$TEST_TMP/i/ru-ru.html")" \
    "status=final scope=internal-RU -->\$" "the HTML one too"
grep -q 'не для другой стороны' "$TEST_TMP/i/ru-ru.md"
ok $? "the Russian frame says it is not for the other side"
grep -q 'not for the other side' "$TEST_TMP/i/ru-en.txt"
ok $? "the English frame says it is not for the other side"
grep -q 'class="sigs"' "$TEST_TMP/i/ru-both.html"
isnt $? 0 "the HTML internal record has no signature blocks"
grep -q 'How to verify' "$TEST_TMP/i/ru-en.md"
isnt $? 0 "an internal record gives no way to verify it as minutes"
grep -q 'Not signable' "$TEST_TMP/i/ru-en.md"
ok $? "it says instead that it is not signable"

# placed as notes are: the item's note under the item, the free one under none
run_ok "python3 reads the JSON internal record" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "detente-minutes" and d["scope"] == "internal-RU"
assert "INTERNAL RECORD OF RU" in d["_internal"]
item = [r for a in d["agenda"] for r in a["records"]]
other = d["other_records"]
t = lambda r: r["text"][0]["body"]
assert [t(r) for r in item if r.get("internal") == "RU"] == [sys.argv[2]], item
assert [t(r) for r in other if r.get("internal") == "RU"] == [sys.argv[3]], other
assert any(t(r) == sys.argv[4] and "internal" not in r for r in item)
assert d["integrity"]["verify"] == []
' "$TEST_TMP/i/ru-en.json" "$RU_ITEM" "$RU_FREE" "$JOINT"
awk -v item="$RU_ITEM" -v free="$RU_FREE" '
/^###? / { sect = $0 }
index($0, item) { i = sect }
index($0, free) { f = sect }
END { exit !(i ~ /^### Item 1/ && f ~ /^### Not under an agenda item/) }' \
    "$TEST_TMP/i/ru-en.md"
ok $? "in Markdown, under the item and under no item"

# --- US's internal record, on B ---------------------------------------------
run_ok "US's internal record" B --as us-head minutes export --internal \
    --meeting 1 --lang en --format txt
grep -q -- "$US_ITEM" "$OUT" && grep -q -- "$US_FREE" "$OUT"
ok $? "US's holds US's internal notes"
is "$(grep -c 'RU-INTERNAL' "$OUT")" 0 "and none of RU's"
is "$(grep -c 'Note \[US only\]' "$OUT")" 2 "marked [US only]"
run_ok "ru-head's record on A, RU's again" \
    A --as ru-head minutes export --internal --meeting 1 --lang en
is "$(grep -c 'US-INTERNAL' "$OUT")" 0 "a head reads no other party's notes"

# --- never signed, verified or sealed -----------------------------------------
A --as ru-head minutes export --internal --meeting 1 \
    -o "$TEST_TMP/i/internal-1.md" 2>"$TEST_TMP/exp.err"
ok $? "--internal -o writes a file"
like "$(cat "$TEST_TMP/exp.err")" 'internal record of RU for meeting 1' \
    "and says what it wrote"
for f in md txt json html; do
	run_fails 1 "minutes sign refuses an internal record ($f)" \
	    A --as ru-head minutes sign "$TEST_TMP/i/ru-both.$f"
	like "$(cat "$ERR")" 'this is the internal record of RU, not the joint minutes' \
	    "sign names what it is ($f)"
	[ ! -e "$TEST_TMP/i/ru-both.$f.ru-head.minisig" ]
	ok $? "no signature file written ($f)"
done
run_fails 1 "minutes verify refuses it" \
    A minutes verify "$TEST_TMP/i/ru-both.md" --record
like "$(cat "$ERR")" 'internal record of RU' "verify says why"
run_fails 1 "seal propose --minutes refuses it" \
    A --as ru-head seal propose --meeting 1 --minutes "$TEST_TMP/i/ru-both.md"
like "$(cat "$ERR")" 'internal record of RU' "seal propose says why"
# with the scope field taken out of its first line, it is still no minutes
sed '1s/ scope=internal-RU//' "$TEST_TMP/i/ru-en.md" >"$TEST_TMP/i/forged.md"
run_fails 1 "an internal record passed off as minutes is refused" \
    A --as ru-head minutes sign "$TEST_TMP/i/forged.md"
like "$(cat "$ERR")" 'refusing to sign minutes this replica does not render' "it is not what this replica renders"
run_ok "the joint minutes still sign" \
    A --as ru-head minutes sign "$TEST_TMP/a/m-both.md"
run_ok "a US member's identity exports US's, not RU's" \
    B --as us-del minutes export --internal --meeting 1 --format json
like "$(cat "$OUT")" '"scope": "internal-US"' "scope internal-US"

done_testing
