#!/bin/sh
# 11-russian.sh: the terminal UI in Russian.
#
# Runs the UI with LANGUAGE=ru and the catalogue built from po/ru.po
# (use_translation; LC_ALL stays C.UTF-8, whose LC_MESSAGES is not "C",
# so glibc honours LANGUAGE and no ru_RU locale needs to be generated),
# and reads on the screen: the header and the panes' titles, the help
# screen, an error (a commitment without a due date), the confirmation
# before quitting with unsent text, and the message after a note is
# added.  A second window without LANGUAGE shows the same screen in
# English: the control that the Russian comes from the catalogue.  At
# 80x24, the smallest size, the frame stays whole (ui_box_ok) and the help
# screen's footer is not cut.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo
use_translation ru || bail_out "no po/ru.gmo: is the build's po/ made?"
plan 24

# The control: the same home in English.
ui_start en -e LANGUAGE= "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait en '^note>' "English: the UI is up"
ui_wait en 'meeting 1 \(open\)' "English: the header says meeting 1 (open)"

ui_start ru -e LANGUAGE=ru -e "DETENTE_LOCALEDIR=$DETENTE_LOCALEDIR" \
    "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait ru '^заметка>' "the input line's kind in Russian"
ui_wait ru 'заседание 1 \(открыто\)' "the header: заседание 1 (открыто)"
ui_wait ru 'скрепление: не предложено' "the header: the seal's state"
ui_wait ru '[0-9]+ запис(ь|и|ей) · 4 лент(а|ы)? .*проверено' \
    "the header: counts and the verification's state"
ui_wait ru '─ Повестка дня ─' "the agenda pane's title"
ui_wait ru '─ Журнал: всё \([0-9]+\) ─' "the record pane's title"
ui_wait ru '^\? справка, Enter заметка' "the hint line"
unlike "$(ui_screen ru)" 'meeting 1|Agenda|Record:|note>' \
    "no English of the program's own on the screen"

# The help screen.
ui_key ru '?'
ui_wait ru '─ > Клавиши ─' "the help screen's title"
ui_wait ru 'Набранный текст идёт в строку ввода; Enter добавляет запись\.' \
    "the help screen's text"
ui_wait ru 'любая другая клавиша закрывает' "how to close it"
ui_key ru Escape
ui_poll ru '^заметка>' || true

# An error: a due date that is no day of the calendar.
ui_type ru 'ACTION: RU Иванов 31.02.2026 письмо'
ui_key ru Enter
ui_wait ru 'такой даты нет в календаре \(ГГГГ-ММ-ДД или ДД\.ММ\.ГГГГ\)' \
    "an error in Russian"
ui_wait ru '^обязательство> ACTION: RU Иванов 31\.02\.2026' "the text is kept"

# The confirmation before quitting with unsent text; n keeps the UI.
# (A note this time: while a commitment is typed, the message line
# previews what Enter would record.)
ui_key ru C-u
ui_type ru 'несохранённая заметка'
ui_key ru C-c
ui_wait ru '^Неотправленный текст будет потерян\. Всё равно выйти\? \(y/n\)' \
    "the confirmation in Russian"
ui_key ru n
ui_wait ru '^выход отменён' "declined: not quitting"

# A note added: the message says so in Russian.
ui_key ru C-u
ui_type ru 'заметка на русском языке'
ui_key ru Enter
ui_wait ru '^добавлено: заметка [0-9a-f]{8}' "the added note, in Russian"
ui_type ru ':q'
ui_key ru Enter
is "$(ui_rc_wait ru)" 0 "quits with :q"

# The smallest terminal the UI supports: Russian, longer than English,
# still fits: every line of the frame is 80 cells and ends in a border.
ui_start small -x 80 -y 24 -e LANGUAGE=ru \
    -e "DETENTE_LOCALEDIR=$DETENTE_LOCALEDIR" \
    "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait small '^заметка>' "80x24: the UI is up"
ui_wait small 'заседание 1 \(открыто\)' "80x24: the header"
ok 'ui_box_ok small 80 >"$TEST_TMP/box.bad"' \
    "80x24: the frame is whole in Russian" || diag_file "$TEST_TMP/box.bad"
ui_key small '?'
ui_wait small '─ > Клавиши ─' "80x24: the help screen"
ui_wait small 'j/k, PgUp/PgDn — прокрутка; любая другая клавиша закрывает' \
    "80x24: the help screen's footer is whole"
