#!/bin/sh
# 98-minutes.sh: minutes of a meeting, signed by both heads on their own
# laptops (two homes), checked by detente and by the minisign program:
# both replicas render byte-identical minutes (even once an entry written
# concurrently with the close has arrived), minisign verifies each head's
# signature, and one changed character in the minutes, a signature or a
# trusted comment is caught by both.  Also: the test vectors of
# tests/vectors/minisig.txt against minisign, and a signature made by
# minisign itself checked by `detente minutes verify --key`.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

if command -v minisign >/dev/null 2>&1; then
	MS=minisign
else
	MS=
	note "minisign is not installed: its checks are skipped"
fi

# ms_ok DESC ARGS / ms_fails DESC ARGS: minisign, or a skip without it.
ms_ok()
{
	_d=$1
	shift
	if [ -n "$MS" ]; then run_ok "$_d" "$MS" "$@"; else skip "no minisign"; fi
}

ms_fails()
{
	_d=$1
	shift
	if [ -n "$MS" ]; then
		run_fails any "$_d" "$MS" "$@"
	else
		skip "no minisign"
	fi
}

# --- the vectors, against minisign -------------------------------------
V=$VECTORS/minisig.txt
vec() { sed -n "s/^$1 = //p" "$V"; }
mkdir -p "$TEST_TMP/vec"
printf '%s' "$(vec message)" >"$TEST_TMP/vec/m"
{
	echo "untrusted comment: $(vec untrusted)"
	vec sig_line
	echo "trusted comment: $(vec trusted)"
	vec global_line
} >"$TEST_TMP/vec/m.minisig"
ms_ok "minisign verifies the vector of minisig.txt" -Vm "$TEST_TMP/vec/m" \
    -P "$(vec minisign_pub_key)"
is "$(sha256sum <"$TEST_TMP/vec/m" | cut -d' ' -f1)" "$(vec message_sha256)" \
    "the vector's message is the bytes hashed"

# --- two laptops, one meeting ----------------------------------------------
two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open --title "First round" --place "Женева" \
    --date 2030-01-10 >/dev/null || bail_out "cannot open a meeting"
sync_both || bail_out "cannot sync"
AG=$(A --as ru-head add agenda --tr "ru=Каналы связи" \
    "Communication channels") || bail_out "agenda"
A --as ru-head mark "$AG" current >/dev/null || bail_out "mark"
NOTE=$(A --as ru-del add note "Российская сторона предлагает встречи \
два раза в год.") || bail_out "note"
sync_both || bail_out "cannot sync"
B --as us-head add statement "The United States is ready to talk." \
    >/dev/null || bail_out "statement"
DEC=$(B --as us-head add decision --tr "ru=Проверять канал ежемесячно." \
    "Test the channel every month.") || bail_out "decision"
COM=$(B --as us-del add commitment --party US --owner "US CERT" \
    --due 2030-02-01 "Share the CERT point of contact.") || bail_out "commitment"
sync_both || bail_out "cannot sync"
A --as ru-head endorse "$DEC" >/dev/null || bail_out "endorse"
A --as ru-head endorse "$COM" >/dev/null || bail_out "endorse"
B --as us-head endorse "$COM" >/dev/null || bail_out "endorse"
A --as ru-del correct "$NOTE" "Российская сторона предлагает встречи \
три раза в год." >/dev/null || bail_out "correct"
sync_both || bail_out "cannot sync"

# B writes while A closes: B's note is not in what the close follows.
B --as us-del add note --meeting 1 "Written on B while A closed." \
    >/dev/null || bail_out "late note"
run_fails 1 "an open meeting has no minutes (without --draft)" \
    A minutes export --meeting 1
like "$(cat "$ERR")" 'meeting 1 is not closed' "says the meeting is open"
run_ok "a draft of an open meeting" A minutes export --meeting 1 --draft
like "$(head -n 1 "$OUT")" 'status=draft -->$' "the draft says so"
A --as ru-head meeting close >/dev/null || bail_out "close"
# Closing is per side: final minutes need the close of every party.
run_fails 1 "no final minutes while US has not closed" \
    A minutes export --meeting 1
like "$(cat "$ERR")" 'no close from US yet' "says whose close is missing"
B --as us-head meeting close >/dev/null || bail_out "close on B"
sync_both || bail_out "cannot sync"

mkdir -p "$TEST_TMP/a" "$TEST_TMP/b"
MA=$TEST_TMP/a/minutes-1.md
MB=$TEST_TMP/b/minutes-1.md
for f in md txt json; do
	run_ok "export the minutes as $f on A" A minutes export --meeting 1 \
	    -o "$TEST_TMP/a/minutes-1.$f"
done
cp "$MA" "$TEST_TMP/a/before-sync.md"
is "$(stat -c %a "$MA")" 600 "the minutes are written mode 0600"
like "$(head -n 1 "$MA")" '^<!-- detente-minutes v1 dialogue=[0-9a-f]{64} meeting=1 format=md lang=both status=final -->$' \
    "the first line identifies the minutes"
for pat in '^# Minutes of meeting 1 / Протокол заседания № 1: First round$' \
    '^## Participants / Участники$' '^## Agenda / Повестка дня$' \
    '^### Item 1 / Пункт 1$' '^#### Statement of US / Заявление стороны US$' \
    '^#### Decision / Решение$' '^#### Commitment / Обязательство$' \
    '^## Commitments / Обязательства$' '^## Integrity / Целостность$' \
    'Каналы связи' 'три раза в год' 'два раза в год' \
    '^\*\*Not agreed:\*\* endorsed by the head of RU; not by US\. / \*\*Не согласовано:\*\* одобрено главой делегации RU; не одобрено US\.$' \
    '^\*\*Agreed:\*\* endorsed by the heads of RU, US\. / \*\*Согласовано:\*\* одобрено главами делегаций RU, US\.$' \
    '^    minisign -Vm minutes-1\.md -x minutes-1\.md\.ru-head\.minisig -P RW'; do
	like "$(cat "$MA")" "$pat" "the minutes have $pat"
done
like "$(cat "$MA")" 'Written on B while A closed' \
    "an entry written before its own side's close is in the minutes"

sync_both || bail_out "cannot sync"
run_ok "A renders again after the sync" A minutes export --meeting 1 --force \
    -o "$MA"
run_ok "same bytes on A before and after another exchange" \
    cmp "$MA" "$TEST_TMP/a/before-sync.md"
for f in md txt json; do
	run_ok "export as $f on B" B minutes export --meeting 1 \
	    -o "$TEST_TMP/b/minutes-1.$f"
	run_ok "B's $f minutes are byte-identical to A's" \
	    cmp "$TEST_TMP/a/minutes-1.$f" "$TEST_TMP/b/minutes-1.$f"
done
run_ok "json minutes parse" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["format"] == "detente-minutes" and d["version"] == 1 and d["meeting"] == 1 and d["status"] == "final"; assert {"agenda","commitments","participants","integrity","languages"} <= set(d); assert all(k in d["integrity"] for k in ("feeds","heads","notes","scope","verify"))' \
    "$TEST_TMP/a/minutes-1.json"

# --- each head signs on its own laptop -----------------------------------
run_fails 1 "a delegate does not sign" A --as ru-del minutes sign "$MA"
like "$(cat "$ERR")" 'only a head of delegation' "says why"
run_ok "ru-head signs on A" A --as ru-head minutes sign "$MA"
SHA=$(sha256sum <"$MA" | cut -d' ' -f1)
is "$(cat "$OUT")" "$SHA" "sign prints the minutes' SHA-256"
like "$(cat "$ERR")" "seal propose --meeting 1 --minutes-sha256 $SHA" \
    "and says it goes into the seal"
ok '[ -f "$MA.ru-head.minisig" ]' "ru-head's signature is minutes-1.md.ru-head.minisig"
run_ok "signing twice changes nothing (minisign signs deterministically)" \
    A --as ru-head minutes sign "$MA"
like "$(cat "$ERR")" 'ru-head \(RU\) had signed .* already' "says so"
like "$(cat "$ERR")" 'the record holds this signature already' \
    "and writes no second entry"
run_ok "us-head signs on B" B --as us-head minutes sign "$MB"
cp "$MB.us-head.minisig" "$TEST_TMP/a/"
cp "$MA.ru-head.minisig" "$TEST_TMP/b/"
PRU=$(A id export --minisign ru-head | tail -n 1)
PUS=$(B id export --minisign us-head | tail -n 1)
ms_ok "minisign verifies ru-head's signature" -Vm "$MA" \
    -x "$MA.ru-head.minisig" -P "$PRU"
if [ -n "$MS" ]; then
	like "$(cat "$OUT")" "^Trusted comment: detente minutes dialogue=$DID meeting=1 format=md lang=both signer=ru-head sha256=$SHA$" \
	    "its trusted comment names dialogue, meeting, format, lang, signer, SHA-256"
else
	skip "no minisign"
fi
ms_ok "minisign verifies us-head's signature" -Vm "$MA" \
    -x "$MA.us-head.minisig" -P "$PUS"
ms_fails "minisign refuses us-head's signature with ru-head's key" -Vm "$MA" \
    -x "$MA.us-head.minisig" -P "$PRU"
# --- the frame in Russian and in both languages (issue 14) ----------------
# The frame is chosen by --lang, never by the reader's locale: A renders
# under a Russian locale, B under C, and the bytes are the same.
for l in ru both; do
	for f in md txt json html; do
		o=minutes-1-$l.$f
		run_ok "--lang $l $f on A (LANGUAGE=ru)" env LANGUAGE=ru \
		    LANG=C.UTF-8 LC_ALL=C.UTF-8 "$DETENTE" --home "$HA" --passphrase-file "$PASS" \
		    minutes export --meeting 1 --lang $l --format $f \
		    -o "$TEST_TMP/a/$o"
		run_ok "--lang $l $f on B (LC_ALL=C)" env LANGUAGE= LC_ALL=C \
		    "$DETENTE" --home "$HB" --passphrase-file "$PASS" \
		    minutes export --meeting 1 \
		    --lang $l --format $f -o "$TEST_TMP/b/$o"
		run_ok "--lang $l $f: byte-identical on both sides" \
		    cmp "$TEST_TMP/a/$o" "$TEST_TMP/b/$o"
	done
done
RU=$TEST_TMP/a/minutes-1-ru.md
like "$(cat "$RU")" '^# Протокол заседания № 1: First round$' "ru: the title"
for pat in '^## Участники$' '^## Повестка дня$' '^### Пункт 1$' \
    '^## Обязательства$' '^## Целостность$' '^### Как проверить$' \
    '^\*\*Согласовано:\*\* одобрено главами делегаций RU, US\.$'; do
	like "$(cat "$RU")" "$pat" "ru: $pat"
done
unlike "$(cat "$RU")" 'Minutes of|Participants|Agenda|Commitments|Integrity|Agreed|endorsed by|How to verify' \
    "ru: no English frame word is left"
like "$(cat "$TEST_TMP/a/minutes-1-ru.txt")" '^ПРОТОКОЛ ЗАСЕДАНИЯ № 1$' \
    "ru txt: the heading"
like "$(cat "$TEST_TMP/a/minutes-1-ru.txt")" '^======================$' \
    "ru txt: underlined by characters, not bytes"
like "$(cat "$TEST_TMP/a/minutes-1-ru.html")" '<html lang="ru">' \
    "ru html: the document's language"
like "$(cat "$TEST_TMP/a/minutes-1-both.txt")" \
    '^MINUTES OF MEETING 1 / ПРОТОКОЛ ЗАСЕДАНИЯ № 1$' "both txt: paired heading"
like "$(cat "$TEST_TMP/a/minutes-1-both.html")" \
    '<h2>Participants / Участники</h2>' "both html: paired heading"
run_ok "json has the same keys in every lang" python3 -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def keys(x):
    if isinstance(x, dict):
        return {k: keys(v) for k, v in x.items()}
    if isinstance(x, list):
        return [keys(v) for v in x]
    return None
assert keys(a) == keys(b) or set(a) == set(b), "keys differ"
assert set(a) == set(b)
' "$TEST_TMP/a/minutes-1-ru.json" "$TEST_TMP/a/minutes-1.json"
for l in ru both; do
	cp "$TEST_TMP/a/minutes-1-$l.md" "$TEST_TMP/a/m-$l.md"
	run_ok "ru-head signs the $l minutes" A --as ru-head minutes sign \
	    "$TEST_TMP/a/m-$l.md"
	ms_ok "minisign verifies the signed $l minutes" -Vm \
	    "$TEST_TMP/a/m-$l.md" -x "$TEST_TMP/a/m-$l.md.ru-head.minisig" \
	    -P "$PRU"
done

run_ok "detente verifies both, on A" A minutes verify "$MA"
like "$(cat "$OUT")" '^signed by every head: RU \(ru-head\), US \(us-head\)$' \
    "says every head signed"
run_ok "and renders them again from A's record: identical" \
    A minutes verify "$MA" --record
like "$(cat "$OUT")" '^identical to the minutes of meeting 1' "says so"
like "$(cat "$OUT")" '^meeting 1 has no seal yet' "and that no seal names them yet"
run_ok "the same on B, from B's record" B minutes verify "$MB" --record
A id export --minisign ru-head >"$TEST_TMP/ru-head.pub"
run_ok "verify with --key FILE, no home at all" \
    "$DETENTE" --home "$TEST_TMP/nohome" minutes verify "$MA" \
    --key "$TEST_TMP/ru-head.pub"
like "$(cat "$OUT")" '^good +.*minutes-1\.md\.ru-head\.minisig' "ru-head's is good"

# One head only: not yet agreed minutes.
cp "$TEST_TMP/a/minutes-1.txt" "$TEST_TMP/b/one.txt"
run_ok "ru-head signs the text minutes" A --as ru-head minutes sign \
    "$TEST_TMP/a/minutes-1.txt"
ms_ok "minisign verifies the signed text minutes" -Vm \
    "$TEST_TMP/a/minutes-1.txt" -x "$TEST_TMP/a/minutes-1.txt.ru-head.minisig" \
    -P "$PRU"
run_fails 1 "one head's signature is not enough" A minutes verify \
    "$TEST_TMP/a/minutes-1.txt"
like "$(cat "$OUT")" '^NOT signed by: US \(us-head\)$' "says who has not signed"
run_ok "us-head signs the JSON minutes" B --as us-head minutes sign \
    "$TEST_TMP/b/minutes-1.json"
ms_ok "minisign verifies the signed JSON minutes" -Vm \
    "$TEST_TMP/b/minutes-1.json" -x "$TEST_TMP/b/minutes-1.json.us-head.minisig" \
    -P "$PUS"

# --- one changed character ---------------------------------------------------
T=$TEST_TMP/t
mkdir -p "$T"
tamper_setup()
{
	rm -f "$T"/*
	cp "$MA" "$MA.ru-head.minisig" "$MA.us-head.minisig" "$T/"
}
# (1) the minutes: one letter of a line of text
tamper_setup
LN=$(grep -n 'Test the channel every month' "$T/minutes-1.md" | head -n 1 | cut -d: -f1)
flip "$T/minutes-1.md" "$LN"
isnt "$(sha256sum <"$T/minutes-1.md")" "$(sha256sum <"$MA")" "one character changed"
ms_fails "minisign: changed minutes fail" -Vm "$T/minutes-1.md" \
    -x "$T/minutes-1.md.ru-head.minisig" -P "$PRU"
run_fails 1 "detente: changed minutes fail" A minutes verify "$T/minutes-1.md"
like "$(cat "$OUT")" '^BAD +.*ru-head\.minisig: the signature of the file does not verify' \
    "says the file's signature does not verify"
run_fails 1 "detente --record: says where they differ" A minutes verify \
    "$T/minutes-1.md" --record
like "$(cat "$ERR")" "differs from what the record renders: 1 line differs, the first at line $LN" \
    "names the line"
like "$(cat "$ERR")" '^  record: .*Test the channel every month' "shows the record's line"
run_fails 1 "a head will not sign minutes its replica does not render" \
    B --as us-head minutes sign "$T/minutes-1.md"
like "$(cat "$ERR")" 'refusing to sign' "says so"
# (2) a signature: one character of the signature line
tamper_setup
flip "$T/minutes-1.md.us-head.minisig" 2
ms_fails "minisign: a changed signature fails" -Vm "$T/minutes-1.md" \
    -x "$T/minutes-1.md.us-head.minisig" -P "$PUS"
run_fails 1 "detente: a changed signature fails" A minutes verify \
    "$T/minutes-1.md"
like "$(cat "$OUT")" '^NOT signed by: US \(us-head\)$' "us-head no longer counts"
# (3) the trusted comment: one character
tamper_setup
sed 's/ meeting=1 / meeting=2 /' "$T/minutes-1.md.ru-head.minisig" \
    >"$T/x" && mv "$T/x" "$T/minutes-1.md.ru-head.minisig"
ms_fails "minisign: a changed trusted comment fails" -Vm "$T/minutes-1.md" \
    -x "$T/minutes-1.md.ru-head.minisig" -P "$PRU"
run_fails 1 "detente: a changed trusted comment fails" A minutes verify \
    "$T/minutes-1.md"
like "$(cat "$OUT")" 'the signature of the trusted comment does not verify' \
    "says which signature failed"
# (4) the untrusted comment is not signed
tamper_setup
sed '1s/.*/untrusted comment: anything/' "$T/minutes-1.md.ru-head.minisig" \
    >"$T/x" && mv "$T/x" "$T/minutes-1.md.ru-head.minisig"
run_ok "the untrusted comment may change" A minutes verify "$T/minutes-1.md"

# --- a signature minisign made -------------------------------------------
if [ -n "$MS" ]; then
	mkdir -p "$TEST_TMP/ms"
	cp "$MA" "$TEST_TMP/ms/m.md"
	run_ok "minisign makes a key pair (no password)" \
	    minisign -G -W -p "$TEST_TMP/ms/pub" -s "$TEST_TMP/ms/sec"
	run_ok "minisign signs the minutes" minisign -Sm "$TEST_TMP/ms/m.md" \
	    -s "$TEST_TMP/ms/sec" -t "trusted by minisign"
	run_ok "detente verifies minisign's signature with --key" \
	    "$DETENTE" --home "$TEST_TMP/nohome" minutes verify \
	    "$TEST_TMP/ms/m.md" --key "$TEST_TMP/ms/pub"
	like "$(cat "$OUT")" 'trusted comment: trusted by minisign' \
	    "and shows its trusted comment"
	flip "$TEST_TMP/ms/m.md" 3
	run_fails 1 "and refuses it once the minutes change" \
	    "$DETENTE" --home "$TEST_TMP/nohome" minutes verify \
	    "$TEST_TMP/ms/m.md" --key "$TEST_TMP/ms/pub"
else
	skip "no minisign" 6
fi

# --- the seal carries the minutes' SHA-256 ----------------------------------
run_ok "ru-head proposes the seal with the minutes' SHA-256" \
    A --as ru-head seal propose --meeting 1 --minutes-sha256 "$SHA"
like "$(cat "$OUT")" "^minutes $SHA$" "the seal names the minutes"
run_ok "the minutes still render the same after the seal" \
    A minutes verify "$MA" --record
like "$(cat "$OUT")" "^the seal of meeting 1 names these minutes \\(SHA-256 $SHA\\); the seal is not complete$" \
    "verify finds the minutes' SHA-256 in the seal, and says it lacks a head"

# --- meeting 2: the open commitment carries over -----------------------------
A --as ru-head meeting open --title "Second round" >/dev/null || bail_out "open 2"
A --as ru-del add note "Second meeting" >/dev/null || bail_out "note 2"
A --as ru-head meeting close >/dev/null || bail_out "close 2"
sync_both || bail_out "cannot sync"
B --as us-head meeting close 2 >/dev/null || bail_out "close 2 on B"
sync_both || bail_out "cannot sync"
run_ok "minutes of meeting 2" A minutes export --meeting 2 --format txt
like "$(cat "$OUT")" 'made in meeting 1 / принято на заседании № 1 \(carried over\)' "the commitment is carried over"
like "$(cat "$OUT")" 'Share the CERT point of contact' "with its text"
like "$(cat "$OUT")" '^  Seal of meeting 1 / Скрепление заседания № 1 by / автор: ru-head \(RU\)' \
    "the integrity appendix lists the seal of meeting 1"
like "$(cat "$OUT")" "^    minutes $SHA$" "with its note, verbatim"
run_ok "minutes in Russian" A minutes export --meeting 1 --lang ru
like "$(cat "$OUT")" '\*\[ru, перевод\]\* Проверять канал ежемесячно\.' \
    "the Russian translation is shown"
like "$(head -n 1 "$OUT")" ' lang=ru ' "and named in the first line"
run_fails 2 "an unknown format" A minutes export --meeting 1 --format pdf
run_fails 2 "an unknown meeting" A minutes export --meeting 9

# --- a seal that names other minutes ----------------------------------------
M2=$TEST_TMP/a/minutes-2.md
A minutes export --meeting 2 -o "$M2" >/dev/null || bail_out "export 2"
A --as ru-head minutes sign "$M2" >/dev/null 2>&1 || bail_out "sign 2"
OTHER=$(printf 'other minutes\n' | sha256sum | cut -d' ' -f1)
A --as ru-head seal propose --meeting 2 --minutes-sha256 "$OTHER" \
    >/dev/null || bail_out "seal 2"
run_fails 1 "minutes the seal does not name fail, though signed" \
    A minutes verify "$M2" --record
like "$(cat "$OUT")" "^the seal of meeting 2 names OTHER minutes: SHA-256 $OTHER, these are $(sha256sum <"$M2" | cut -d' ' -f1)$" \
    "and says which SHA-256 the seal names"
run_fails 1 "the same without --record" A minutes verify "$M2"
like "$(cat "$OUT")" "^the seal of meeting 2 names OTHER minutes" \
    "from the record the home holds"
done_testing
