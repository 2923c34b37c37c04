#!/bin/sh
# 98-minutes-names.sh: titles and places in two languages, the parties'
# names and dates as people write them (issue 14; docs/FORMAT.md section
# 5, "Schema of each kind", and section 13, "The frame in each
# language").
#
# Two homes (A: RU, which creates the dialogue with --title-en and
# --title-ru; B: US, which joins it) open a meeting with its title and
# place in both languages.  Checked: the payload keeps every typed byte
# (Cyrillic, and a decomposed letter left as typed, not normalised);
# meeting list, dialogue list and commitments in English and in Russian
# (use_translation ru) show the reader's language, a fallback marked
# [en]; the minutes in en, ru and both, in txt, md and html, show the
# title, the place, the parties' names and the dates of their language,
# aligned by display width in plain text; in both, a commitment's line
# is whole in each language; --json keeps ISO dates and the codes; both
# replicas render the same bytes; a bad --title-ru or --place-ru is
# refused before anything is written.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

command -v python3 >/dev/null 2>&1 || {
	plan skip_all "no python3"
	exit 0
}

# lines FILE LINE...: 0 if FILE has the LINEs one after the other.
lines()
{
	python3 -c '
import sys
t = open(sys.argv[1], encoding="utf-8").read()
sys.exit(0 if "\n" + "\n".join(sys.argv[2:]) + "\n" in "\n" + t else 1)
' "$@"
}

# has_lines DESC FILE LINE...: a test that FILE has the LINEs in a row.
has_lines()
{
	_d=$1
	shift
	if lines "$@"; then
		_tap_result 0 "$_d"
	else
		_tap_result 1 "$_d"
		diag "  $1 has not the lines:" "$(shift; printf '    %s\n' "$@")"
	fi
}

HA=$TEST_TMP/a
HB=$TEST_TMP/b
A() { "$DETENTE" --home "$HA" --passphrase-file "$PASS" "$@"; }
B() { "$DETENTE" --home "$HB" --passphrase-file "$PASS" "$@"; }

for n in ru-head ru-del; do
	A id new --name "$n" --kdf min >/dev/null || bail_out "id $n"
done
for n in us-head us-del; do
	B id new --name "$n" --kdf min >/dev/null || bail_out "id $n"
done

# A title only in one language, through the options' checks first.
run_fails 2 "--title-ru with a control character is refused" \
    A --as ru-head dialogue new --title-en "Dialogue" \
    --title-ru "$(printf 'Диалог\033]0;x\007')" --party RU --party US \
    --head "RU=$(A id export --vkey ru-head)" \
    --head "US=$(B id export --vkey us-head)"
like "$(cat "$ERR")" '--title-ru' "names the option"
is "$(A dialogue list 2>/dev/null | grep -c '^[0-9a-f]\{64\} ')" 0 \
    "and no dialogue was made"

# "й" typed decomposed (и + U+0306): kept as typed, not normalised.
DECOMP=$(printf '\320\270\314\206')
TRU="Российско-американский экспертный диалог по МИБ"
TEN="Russian-American expert dialogue on ICT security"
run_ok "dialogue new --title-en --title-ru" \
    A --as ru-head dialogue new --title-en "$TEN" --title-ru "$TRU" \
    --party RU --party US \
    --head "RU=$(A id export --vkey ru-head)" \
    --head "US=$(B id export --vkey us-head)" \
    --member "RU=$(A id export --vkey ru-del)" \
    --member "US=$(B id export --vkey us-del)"
A bundle export -o "$TEST_TMP/genesis.dtb" >/dev/null &&
    B dialogue join --yes "$TEST_TMP/genesis.dtb" >/dev/null ||
    bail_out "B cannot join"

run_fails 2 "--place-ru over 200 bytes is refused" \
    A --as ru-head meeting open --place-ru "$(printf '%0201d' 0)"
like "$(cat "$ERR")" '--place-ru' "names the option"
run_fails 2 "--title-en with a line feed is refused" \
    A --as ru-head meeting open --title-en "$(printf 'a\nb')"
run_ok "nothing was opened" A meeting list
is "$(cat "$OUT")" "" "no meeting"

PRU="Женева, Дворец наций (зал ${DECOMP}1)"
run_ok "meeting open with the title and the place in both languages" \
    A --as ru-head meeting open --title-en "First round" \
    --title-ru "Первый раунд" --place-en "Geneva, Palais des Nations" \
    --place-ru "$PRU" --date 2026-12-07
OPEN=$(cat "$OUT")
run_ok "a commitment with an owner and a due date" \
    A --as ru-head add commitment --party RU --owner "НКЦКИ" \
    --due 2027-01-15 "Назначить контактное лицо"
run_ok "a commitment without either" \
    A --as ru-head add commitment --party US "Share the list of contacts"

# --- the payload: every byte as typed ------------------------------------
run_ok "show --json of the meeting-open" A show --json "$OPEN"
python3 - "$OUT" "$PRU" <<'EOF' >"$TEST_TMP/py" 2>&1
import json, sys
o = json.load(open(sys.argv[1], encoding="utf-8"))
p = o["payload"]
want_place = sys.argv[2].encode("utf-8", "surrogateescape")
assert p["titles"] == {"en": "First round", "ru": "Первый раунд"}, p
assert p["places"]["ru"].encode("utf-8") == want_place, p["places"]
assert p["title"] == "First round" and p["place"] == "Geneva, Palais des Nations", p
assert p["date"] == "2026-12-07", p
print("ok")
EOF
is "$(cat "$TEST_TMP/py")" "ok" \
    "titles and places as typed: Cyrillic and the decomposed й byte for byte"

# --- English: meeting list, dialogue list, commitments -------------------
run_ok "meeting list" A meeting list
like "$(cat "$OUT")" '^meeting 1  open  7 December 2026  First round, Geneva, Palais des Nations$' \
    "English: the English title and place, the date as people write it"
run_ok "dialogue list" A dialogue list
like "$(cat "$OUT")" "  $TEN\$" "English: the English title"
run_ok "commitments" A commitments
like "$(cat "$OUT")" '  RU  owner: НКЦКИ  due: 15 January 2027  status: open  meeting 1$' \
    "English: the due date as people write it"
run_ok "commitments --json" A commitments --json
like "$(cat "$OUT")" '"due": "2027-01-15"' "--json keeps the ISO date"

# --- the minutes, in each language ----------------------------------------
A --as ru-head meeting close >/dev/null &&
    sync_both && B --as us-head meeting close >/dev/null && sync_both ||
    bail_out "cannot close and exchange"
for l in en ru both; do
	for f in txt md html json; do
		A minutes export --lang $l --format $f \
		    -o "$TEST_TMP/a-$l.$f" >/dev/null 2>&1 ||
		    bail_out "A: minutes $l $f"
		B minutes export --lang $l --format $f \
		    -o "$TEST_TMP/b-$l.$f" >/dev/null 2>&1 ||
		    bail_out "B: minutes $l $f"
	done
done
same=yes
for l in en ru both; do
	for f in txt md html json; do
		cmp -s "$TEST_TMP/a-$l.$f" "$TEST_TMP/b-$l.$f" || same="$l $f"
	done
done
is "$same" yes "both replicas render the same bytes in every language and form"

head_of() { sed -n '/^Meeting\|^Заседание/,/^Place\|^Место/p' "$1"; }
is "$(head_of "$TEST_TMP/a-en.txt")" "Meeting:     First round
Dialogue:    $TEN
Dialogue id: $(A dialogue list | cut -d' ' -f1)
Parties:     Russian Federation (RU), United States of America (US)
Date:        7 December 2026
Place:       Geneva, Palais des Nations" "txt, en: the English title, place, names and date"
is "$(head_of "$TEST_TMP/a-ru.txt")" "Заседание:   Первый раунд
Диалог:      $TRU
Идентификатор диалога: $(A dialogue list | cut -d' ' -f1)
Стороны:     Российская Федерация (RU), Соединённые Штаты Америки (US)
Дата:        7 декабря 2026 г.
Место:       $PRU" "txt, ru: the Russian title, place, names and date, as typed"
is "$(head_of "$TEST_TMP/a-both.txt")" "Meeting: / Заседание: First round / Первый раунд
Dialogue: / Диалог: $TEN / $TRU
Dialogue id: / Идентификатор диалога: $(A dialogue list | cut -d' ' -f1)
Parties: / Стороны: Russian Federation / Российская Федерация (RU), United States of America / Соединённые Штаты Америки (US)
Date: / Дата: 7 December 2026 / 7 декабря 2026 г.
Place: / Место: Geneva, Palais des Nations / $PRU" \
    "txt, both: each in its half"

# Alignment by display width: a value of the head starts in column 14,
# after a label padded to 13 cells, counted as a terminal counts them
# (the decomposed й is one cell, not two).
python3 - "$TEST_TMP/a-ru.txt" <<'EOF' >"$TEST_TMP/py" 2>&1
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
bad = []
for line in open(sys.argv[1], encoding="utf-8"):
    for label in ("Заседание:", "Диалог:", "Стороны:", "Дата:", "Место:"):
        if line.startswith(label):
            value = line[len(label):].lstrip(" ")
            if width(line[:len(line) - len(value)]) != 13:
                bad.append(label)
print("ok" if not bad else "misaligned: %s" % bad)
EOF
is "$(cat "$TEST_TMP/py")" "ok" "txt, ru: the head's values line up at column 14"
underline_ok=$(python3 -c '
import sys
l = open(sys.argv[1], encoding="utf-8").read().split("\n")
print("ok" if len(l[3]) == len(l[2]) and set(l[3]) == {"="} else "bad")
' "$TEST_TMP/a-ru.txt")
is "$underline_ok" ok "txt, ru: the heading's underline is as wide as the heading"

# In both, the commitment's line is whole in each language, owner twice.
has_lines "txt, both: the commitment's line in English, then in Russian" \
    "$TEST_TMP/a-both.txt" \
    '      party RU, owner НКЦКИ, due 15 January 2027, status open' \
    '      сторона RU, ответственный: НКЦКИ, срок 15 января 2027 г., статус открыто'
has_lines "txt, both: no owner, no date, each in its language" \
    "$TEST_TMP/a-both.txt" \
    '      party US, owner not named, due no date, status open' \
    '      сторона US, ответственный: не назван, срок без срока, статус открыто'
like "$(cat "$TEST_TMP/a-both.txt")" \
    'owner: / ответственный: НКЦКИ  due: 15 January 2027 / срок: 15 января 2027 г\.  status:' \
    "txt, both: the commitments list pairs its labels, the owner once"
like "$(cat "$TEST_TMP/a-ru.txt")" \
    '      сторона RU, ответственный: НКЦКИ, срок 15 января 2027 г\., статус открыто' \
    "txt, ru: the commitment's line in Russian"
unlike "$(cat "$TEST_TMP/a-ru.txt")" 'due|January|2027-01-15|Дата: +2026' \
    "txt, ru: no English word and no ISO date for people (times stay ISO)"

# Markdown and HTML say the same.
like "$(cat "$TEST_TMP/a-ru.md")" '^# Протокол заседания № 1: Первый раунд$' \
    "md, ru: the Russian meeting title in the heading"
like "$(cat "$TEST_TMP/a-en.md")" '^- \*\*Date:\*\* 7 December 2026$' \
    "md, en: the date"
has_lines "md, both: the commitment's sentence in each language" \
    "$TEST_TMP/a-both.md" \
    'Party RU, owner НКЦКИ, due 15 January 2027, status open.' \
    'Сторона RU, ответственный: НКЦКИ, срок 15 января 2027 г., статус открыто.'
like "$(cat "$TEST_TMP/a-both.md")" '\| 15 January 2027 / 15 января 2027 г\. \|' \
    "md, both: the table's due date in both"
like "$(cat "$TEST_TMP/a-ru.html")" '<title>Протокол заседания № 1: Первый раунд</title>' \
    "html, ru: the Russian title in the document's title"
like "$(cat "$TEST_TMP/a-ru.html")" '<td>Российская Федерация \(RU\), Соединённые Штаты Америки \(US\)</td>' \
    "html, ru: the parties' names"
like "$(cat "$TEST_TMP/a-ru.html")" '<td>без срока</td>' \
    "html, ru: no date, in Russian, in the commitments table"
like "$(cat "$TEST_TMP/a-en.html")" '<td>15 January 2027</td>' \
    "html, en: the due date"

# JSON: the codes, ISO dates, and every language's title.
python3 - "$TEST_TMP/a-ru.json" "$TEN" "$TRU" <<'EOF' >"$TEST_TMP/py" 2>&1
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
assert m["date"] == "2026-12-07" and m["parties"] == ["RU", "US"], m
assert m["titles"] == {"en": sys.argv[2], "ru": sys.argv[3]}, m["titles"]
assert m["meeting_titles"] == {"en": "First round", "ru": "Первый раунд"}
assert m["places"]["en"] == "Geneva, Palais des Nations"
assert m["commitments"][0]["due"] in ("2027-01-15", None)
print("ok")
EOF
is "$(cat "$TEST_TMP/py")" ok "json: codes, ISO dates and the titles of each language"
is "$(sed 's/"lang": "[a-z]*"//' "$TEST_TMP/a-en.json" | cksum)" \
    "$(sed 's/"lang": "[a-z]*"//' "$TEST_TMP/a-ru.json" | cksum)" \
    "json: the same in every language but its lang"

# --- Russian: the reader's language ---------------------------------------
# A second meeting with its title in English only: a Russian reader sees
# it marked [en].
B --as us-head meeting open --title-en "Second round" --place "Vienna" \
    --date 2027-03-01 >/dev/null || bail_out "meeting 2"
use_translation ru || bail_out "no po/ru.gmo"
run_ok "meeting list in Russian" B meeting list
like "$(cat "$OUT")" '^заседание 1  закрыто  7 декабря 2026 г\.  Первый раунд, Женева' \
    "Russian: the Russian title and place, the date as a Russian writes it"
like "$(cat "$OUT")" '^заседание 2  открыто  1 марта 2027 г\.  Second round \[en\], Vienna$' \
    "Russian: an English-only title marked [en], a place as typed unmarked"
run_ok "dialogue list in Russian" B dialogue list
like "$(cat "$OUT")" "  $TRU\$" "Russian: the Russian title"
run_ok "commitments in Russian" B commitments
like "$(cat "$OUT")" '  RU  ответственный: НКЦКИ  срок: 15 января 2027 г\.  статус: открыто  заседание 1$' \
    "Russian: the due date as a Russian writes it"
run_ok "commitments --json in Russian" B commitments --json
like "$(cat "$OUT")" '"due": "2027-01-15"' "--json keeps the ISO date in Russian too"
B minutes export --meeting 1 --lang both --format txt \
    -o "$TEST_TMP/b-both-ru.txt" >/dev/null 2>&1
run_ok "the minutes do not follow the reader's locale" \
    cmp "$TEST_TMP/b-both-ru.txt" "$TEST_TMP/b-both.txt"
done_testing
