#!/bin/sh
# 13-titles.sh: the terminal UI's header shows the dialogue's title in
# the reader's language (issue 14).
#
# A dialogue made with --title-en and --title-ru: the UI under LANGUAGE=ru
# (use_translation; C.UTF-8, no ru_RU locale needed) shows the Russian
# title in its header, every Cyrillic byte as typed; the same home in
# English shows the English one.  A dialogue whose title was given in
# English only shows it to a Russian reader marked [en].
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
use_translation ru || bail_out "no po/ru.gmo: is the build's po/ made?"
plan 9

PW=$TEST_TMP/pw
printf 'correct horse\n' >"$PW"
dh() { _h=$1; shift; LANGUAGE= "$DETENTE" --home "$_h" --passphrase-file "$PW" "$@"; }

TRU="Российско-американский диалог"
TEN="Russian-American dialogue"
for h in "$TEST_TMP/h1" "$TEST_TMP/h2"; do
	for n in ru-head us-head; do
		dh "$h" id new --name "$n" --kdf min >/dev/null ||
		    bail_out "id $n"
	done
done
dh "$TEST_TMP/h1" --as ru-head dialogue new --title-en "$TEN" \
    --title-ru "$TRU" --party RU --party US \
    --head "RU=$(dh "$TEST_TMP/h1" id export --vkey ru-head)" \
    --head "US=$(dh "$TEST_TMP/h1" id export --vkey us-head)" >/dev/null ||
    bail_out "dialogue 1"
dh "$TEST_TMP/h1" --as ru-head meeting open --title-en "First round" \
    --title-ru "Первый раунд" >/dev/null || bail_out "meeting"
dh "$TEST_TMP/h2" --as ru-head dialogue new --title-en "$TEN" \
    --party RU --party US \
    --head "RU=$(dh "$TEST_TMP/h2" id export --vkey ru-head)" \
    --head "US=$(dh "$TEST_TMP/h2" id export --vkey us-head)" >/dev/null ||
    bail_out "dialogue 2"

ui_start en -x 160 -e LANGUAGE= "$DETENTE" --home "$TEST_TMP/h1" \
    --passphrase-file "$PW" --as ru-head ui
ui_wait en '^note>' "English: the UI is up"
ui_wait en "^ $TEN " "English: the English title in the header"
unlike "$(ui_screen en)" "$TRU" "English: not the Russian one"

ui_start ru -x 160 -e LANGUAGE=ru -e "DETENTE_LOCALEDIR=$DETENTE_LOCALEDIR" \
    "$DETENTE" --home "$TEST_TMP/h1" --passphrase-file "$PW" --as ru-head ui
ui_wait ru '^заметка>' "Russian: the UI is up"
ui_wait ru "^ $TRU " "Russian: the Russian title in the header"
unlike "$(ui_screen ru)" "$TEN" "Russian: not the English one"
# every byte as typed: the header's first line, cut to the title
first=$(ui_screen ru | head -n 1 | cut -c2- | sed 's/  .*//')
is "$(printf '%s' "$first" | od -An -tx1 | tr -d ' \n')" \
    "$(printf '%s' "$TRU" | od -An -tx1 | tr -d ' \n')" \
    "Russian: the title's bytes are those typed"

ui_start ru2 -e LANGUAGE=ru -e "DETENTE_LOCALEDIR=$DETENTE_LOCALEDIR" \
    "$DETENTE" --home "$TEST_TMP/h2" --passphrase-file "$PW" --as ru-head ui
ui_wait ru2 '^заметка>' "Russian, English-only title: the UI is up"
ui_wait ru2 "^ $TEN \\[en\\] " "the English title, marked [en]"
done_testing
