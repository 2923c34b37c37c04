#!/bin/sh
# 15-i18n.sh: the Russian translation is complete, in sync with the
# program, and in use.
#
# 1. The catalogue template is made afresh from the sources (xgettext with
#    po/Makevars' options over po/POTFILES.in, which must list every file
#    that marks strings); msgcmp then fails on any message of the program
#    that po/ru.po does not translate (a new English string, or one whose
#    translation went fuzzy), and on any message of ru.po that the program
#    no longer has.  msgfmt --check checks every format directive.
# 2. The built catalogue is the one the program shows: errors, --help and
#    verify's counts in Russian, with the three plural forms (1 запись,
#    2 записи, 5 записей; 21 запись, 22 записи).
# 3. Machine-readable output does not change with the language: log --json
#    and verify --json are byte-identical under LANGUAGE=ru and C.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/common.inc"

for t in xgettext msgcmp msgfmt make; do
	command -v $t >/dev/null 2>&1 || plan skip_all "no $t"
done
SRC=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -f "$SRC/po/ru.po" ] || bail_out "no po/ru.po under $SRC"

plan 44

# --- 1. ru.po against the sources ------------------------------------------
# POTFILES.in lists every file that marks strings (as `make update-potfiles`
# writes it), so that xgettext sees them all.
(cd "$SRC" && grep -l -E '\<N?_\("' app/*.c crypto/*.c storage/*.c |
    LC_ALL=C sort) >"$TEST_TMP/marked"
sed '/^#/d; /^$/d' "$SRC/po/POTFILES.in" | LC_ALL=C sort >"$TEST_TMP/listed"
ok 'cmp -s "$TEST_TMP/marked" "$TEST_TMP/listed"' \
    "po/POTFILES.in lists every file with _() or N_() (make update-potfiles)" ||
    diag "$(diff "$TEST_TMP/listed" "$TEST_TMP/marked" | sed -n 's/^[<>]/ &/p')"

# The options are po/Makevars' own, read by make, so that this template is
# the one `make -C po update-po` would make.
opts=$(printf 'include %s\nprint:\n\t@echo $(XGETTEXT_OPTIONS)\n' \
    "$SRC/po/Makevars" | MAKEFLAGS= MFLAGS= MAKELEVEL= \
    make -s --no-print-directory -f - print PACKAGE=detente)
like "$opts" 'keyword=_' "the xgettext options from po/Makevars"
# shellcheck disable=SC2086 # $opts is a list of options
run_ok "xgettext makes the template from the sources" \
    xgettext --default-domain=detente --directory="$SRC" \
    --add-comments=TRANSLATORS: $opts --files-from="$SRC/po/POTFILES.in" \
    -o "$TEST_TMP/detente.pot"
n=$(grep -c '^msgid ' "$TEST_TMP/detente.pot")
ok '[ "$n" -gt 500 ]' "the template has the program's messages ($n)"

run_ok "ru.po translates every message of the program (msgcmp)" \
    msgcmp -N "$SRC/po/ru.po" "$TEST_TMP/detente.pot"
[ "$RC" = 0 ] || diag "$(head -n 20 "$ERR")"
run_ok "ru.po holds no message the program lacks (msgcmp)" \
    msgcmp -N --use-untranslated "$TEST_TMP/detente.pot" "$SRC/po/ru.po"
[ "$RC" = 0 ] || diag "$(head -n 20 "$ERR")"

run_ok "msgfmt --check: headers and every format directive" \
    msgfmt --check --statistics -o "$TEST_TMP/ru.mo" "$SRC/po/ru.po"
like "$(cat "$ERR")" '^[0-9]+ translated messages\.$' \
    "every message translated, none fuzzy or untranslated"
like "$(grep '^"Plural-Forms' "$SRC/po/ru.po")" \
    'nplurals=3; plural=\(n%10==1 && n%100!=11 \? 0 : n%10>=2 && ' \
    "Russian's three plural forms"

# --- 2. the program in Russian ---------------------------------------------
use_translation ru || bail_out "no po/ru.gmo: is the build's po/ made?"
# en CMD...: CMD in English (LANGUAGE empty: glibc then follows LC_ALL).
en()
{
	LANGUAGE=
	"$@"
	_en_rc=$?
	LANGUAGE=ru
	return $_en_rc
}

run_fails 2 "an unknown command" "$DETENTE" no-such-command
is "$(cat "$ERR")" \
    'detente: неизвестная команда: no-such-command: список команд: `detente help`' \
    "the error line in Russian, the command's name as typed"
run_ok "detente --help" "$DETENTE" --help
like "$(sed -n 1p "$OUT")" '^использование: detente \[--home DIR\]' \
    "the usage line in Russian, the options untranslated"
run_ok "detente verify --help" "$DETENTE" verify --help
like "$(sed -n 2p "$OUT")" \
    '^проверить все цепочки хешей, подписи, часы, ссылки и правила членства$' \
    "a command's summary in Russian"

# The plural forms, in the program's own output.  A new dialogue holds the
# genesis and the key wrap: 2 entries in 1 feed.
mkid ru-head
mkid us-head
en dt --as ru-head dialogue new --title "Plural" --party RU \
    --party US --head RU=ru-head --head US=us-head >/dev/null ||
    bail_out "dialogue new failed"
verify_line()
{
	"$DETENTE" --home "$H" verify --no-key 2>"$ERR"
}
is "$(verify_line)" \
    "OK: 2 записи в 1 ленте (содержимое не проверено: нет ключа)" \
    "2 записи в 1 ленте"
en dt --as ru-head meeting open --title one >/dev/null &&
    en dt --as ru-head add note "first" >/dev/null &&
    en dt --as ru-head add note "second" >/dev/null ||
    bail_out "cannot write entries"
like "$(verify_line)" '^OK: 5 записей в 1 ленте ' "5 записей"
i=5
while [ $i -lt 21 ]; do
	en dt --as ru-head add note "note $i" >/dev/null ||
	    bail_out "add note $i failed"
	i=$((i + 1))
done
like "$(verify_line)" '^OK: 21 запись в 1 ленте ' "21 запись (one, not eleven)"
en dt --as us-head add note "from the other side" >/dev/null ||
    bail_out "us-head cannot write"
like "$(verify_line)" '^OK: 22 записи в 2 лентах ' "22 записи в 2 лентах"
run_ok "verify with the key" dt --as ru-head verify
is "$(cat "$OUT")" "OK: 22 записи в 2 лентах" "the same counts with the key"
# The catalogue's formula for the numbers a dialogue rarely reaches, through
# gettext's own ngettext(1) where it is installed.
if command -v ngettext >/dev/null 2>&1; then
	got=
	for k in 1 2 5 11 12 14 21 101 111 1000; do
		got="$got $k:$(TEXTDOMAINDIR=$DETENTE_LOCALEDIR \
		    ngettext -d detente '%llu entry' '%llu entries' "$k")"
	done
	is "$got" " 1:%llu запись 2:%llu записи 5:%llu записей 11:%llu записей 12:%llu записей 14:%llu записей 21:%llu запись 101:%llu запись 111:%llu записей 1000:%llu записей" \
	    "the plural formula picks the right form (ngettext(1))"
else
	skip "ngettext(1) is not installed" 1
fi
# English keeps its own plural: "1 feed".
is "$(en "$DETENTE" --home "$H" verify --no-key)" \
    "OK: 22 entries in 2 feeds (content not checked: no key)" \
    "English without the translation"

# --- 3. machine-readable output does not follow the language ---------------
run_ok "log --json in Russian" dt --as ru-head log --json
cp "$OUT" "$TEST_TMP/log.ru"
en run_ok "log --json in English" dt --as ru-head log --json
cp "$OUT" "$TEST_TMP/log.c"
ok 'cmp -s "$TEST_TMP/log.ru" "$TEST_TMP/log.c"' \
    "log --json is byte-identical under LANGUAGE=ru and C"
ok 'grep -q "\"kind\": \"note\"" "$TEST_TMP/log.ru"' \
    "and names the kinds as FORMAT.md does (note, not заметка)"
run_ok "verify --json in Russian" dt --as ru-head verify --json
cp "$OUT" "$TEST_TMP/v.ru"
en run_ok "verify --json in English" dt --as ru-head verify --json
ok 'cmp -s "$TEST_TMP/v.ru" "$OUT"' \
    "verify --json is byte-identical under LANGUAGE=ru and C"
# show --json once wrote the decryption status in the reader's language.
id=$(en dt --as ru-head log --hashes | tail -n 1 | cut -c 1-8)
run_ok "show --json in Russian" dt --as ru-head show --json "$id"
cp "$OUT" "$TEST_TMP/s.ru"
en run_ok "show --json in English" dt --as ru-head show --json "$id"
ok 'cmp -s "$TEST_TMP/s.ru" "$OUT"' \
    "show --json is byte-identical under LANGUAGE=ru and C" ||
    diag "$(diff "$TEST_TMP/s.ru" "$OUT")"
run_ok "show in Russian" dt --as ru-head show "$id"
like "$(cat "$OUT")" '^подпись: +верна$' "show's text says the signature is good, in Russian"
like "$(cat "$OUT")" '^расшифровка: +расшифрована$' "and that it decrypted"

# A state is shown in the reader's language, kept in English in --json.
c=$(en dt --as ru-head add commitment --party RU --owner "МИД" \
    --due 2030-01-31 "Передать список контактов") &&
    en dt --as ru-head mark "$c" in-progress >/dev/null ||
    bail_out "cannot write the commitment"
run_ok "commitments in Russian" dt --as ru-head commitments
like "$(cat "$OUT")" "^$c  RU  ответственный: МИД  срок: 31 января 2030 г.  статус: выполняется  заседание 1\$" \
    "the state in Russian («выполняется»)"
cp "$OUT" "$TEST_TMP/c.ru"
en run_ok "commitments in English" dt --as ru-head commitments
like "$(cat "$OUT")" "status: in-progress  meeting 1\$" "and in English"
run_ok "commitments --json in Russian" dt --as ru-head commitments --json
cp "$OUT" "$TEST_TMP/cj.ru"
en run_ok "commitments --json in English" dt --as ru-head commitments --json
ok 'cmp -s "$TEST_TMP/cj.ru" "$OUT"' \
    "commitments --json is byte-identical under LANGUAGE=ru and C"
like "$(cat "$OUT")" '"status": "in-progress"' "and keeps the state's word"
