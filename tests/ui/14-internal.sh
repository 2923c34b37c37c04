#!/bin/sh
# 14-internal.sh: delegation-internal notes from the terminal UI (issue
# 15).  Two homes, RU (A) and US (B).  RU's head presses F8: the prompt
# says "[RU only] note>" before Enter, in reverse video (monochrome:
# NO_COLOR), and Enter writes an internal note (`log --json` says
# "internal": true) that the record pane shows as "[RU only] ..." under
# an "internal note" label; the mode is for that note only.  The prefix
# ВНУТР: does the same; F8 with ACTION: is refused, and nothing is
# written.  After an exchange, US's UI shows one dim line "(internal
# note of RU: only its members can read it)" and never the text.  A US
# delegate, whose party has no internal key yet, gets the error on the
# screen, and nothing is written.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"
ui_need_tmux

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open --title "Round one" >/dev/null ||
    bail_out "cannot open"
sync_both || bail_out "sync"

SECRET='Moscow fallback: concede point 3'
SECRET2='вторая внутренняя заметка'

# count H AS: the entries `verify` counts in home H.
count()
{
	"$@" verify 2>/dev/null | sed -n 's/^OK: \([0-9]*\) entr.*/\1/p'
}

ui_start ru -e NO_COLOR=1 "$DETENTE" --home "$HA" --passphrase-file "$PASS" \
    --as ru-head ui
ui_wait ru '^note>' "the RU head's UI is up"
ui_key ru F8
ui_wait ru '^\[RU only\] note>' "F8: the prompt says [RU only] before Enter"
ui_wait ru 'the next note is internal: only RU can read it' \
    "and the message line says what it means"
ui_type ru "$SECRET"
# reverse video (SGR 7) on the prompt, which reads without colour
if ui_screen_e ru | grep -q "$(printf '\033')\[[0-9;]*7[;m].*\[RU only\] note>"; then
	pass "the internal prompt is in reverse video (monochrome)"
else
	fail "the internal prompt is in reverse video (monochrome)"
	ui_screen_e ru | grep 'RU only' | cat -v | sed 's/^/# /'
fi
ui_key ru Enter
ui_wait ru '^added internal note [0-9a-f]+; started the internal key of RU' \
    "Enter adds it, and the first one starts RU's internal key"
ui_wait ru "\[RU only\] $SECRET" "the record pane shows it tagged [RU only]"
ui_wait ru 'ru-head · internal note' "under an 'internal note' label"
ui_wait ru '^note> *$' "the mode was for that note only: the prompt is back"
if ui_screen_e ru | grep -q "$(printf '\033')\[[0-9;]*7[;m]internal note"; then
	pass "the label is in reverse video (monochrome)"
else
	fail "the label is in reverse video (monochrome)"
	ui_screen_e ru | grep 'internal note' | cat -v | sed 's/^/# /'
fi

# the Russian prefix: shown before Enter
ui_type ru "ВНУТР: $SECRET2"
ui_wait ru "^\[RU only\] note> ВНУТР: $SECRET2" \
    "the prefix ВНУТР: shows [RU only] in the prompt before Enter"
ui_key ru Enter
ui_wait ru '^added internal note [0-9a-f]+: only RU can read it' \
    "Enter adds the second internal note"
ui_wait ru "\[RU only\] $SECRET2" "it is shown tagged too, prefix removed"

# internal is only for notes: F8 then ACTION: is refused, not joint
before=$(count A --as ru-head)
ui_key ru F8
ui_type ru 'ACTION: RU +3 send the draft'
ui_wait ru 'an internal entry can only be a note' \
    "F8 with ACTION: says before Enter that it cannot be"
ui_key ru Enter
ui_wait ru '^\[RU only\] commitment> ACTION: RU \+3 send the draft' \
    "Enter refuses it: the line stays as it was"
is "$(count A --as ru-head)" "$before" "nothing was written"
ui_key ru Escape
ui_wait ru '^commitment> ACTION: RU' "Esc: the same line is joint again"
ui_key ru C-u
ui_type ru 'joint note after'
ui_key ru Enter
ui_wait ru '^added note [0-9a-f]+' "a joint note"
# the record pane: C on an internal note is refused at once, and its
# text never lands on a command line
ui_key ru Tab Tab
ui_key ru k
ui_key ru C
ui_wait ru 'an internal note cannot be endorsed, corrected or marked' \
    "C on an internal note: refused at once"
unlike "$(ui_screen ru | grep -E '^:')" 'вторая' "no command line with its text"
ui_key ru Escape
# the help lists F8
ui_key ru '?'
ui_wait ru 'Keys' "the help is up"
ui_key ru End
ui_wait ru 'INTERNAL: / ВНУТР:, F8 +the next note is internal' \
    "the help screen lists INTERNAL: and F8"
ui_key ru q
ui_wait ru '^note> *$' "the help closes"
ui_key ru : q Enter
is "$(ui_rc_wait ru)" 0 "the RU UI quits"

run_ok "RU's log as JSON" A --as ru-head log --json
is "$(python3 -c 'import json, sys
s = sys.argv[2:]
for e in json.load(open(sys.argv[1])):
    t = e.get("text")
    if t in s:
        print(t, e.get("internal", False), e["kind"])' "$OUT" \
    "$SECRET" "$SECRET2" "joint note after")" \
    "$SECRET True note
$SECRET2 True note
joint note after False note" \
    "the log: both internal notes are internal, the joint one is not"
unlike "$(cat "$OUT")" 'send the draft' "the refused commitment is nowhere"

# US, after the exchange: one dim line, never the text
sync_both || bail_out "sync"
ui_start us "$DETENTE" --home "$HB" --passphrase-file "$PASS" --as us-head ui
ui_wait us '^note>' "the US head's UI is up"
ui_wait us 'ru-head · \(internal note of RU: only its members can read it\)' \
    "US sees the internal note of RU as one line"
ui_wait us 'joint note after' "and RU's joint note with its text"
ui_screen us >"$TEST_TMP/us.screen"
unlike "$(cat "$TEST_TMP/us.screen")" 'concede|вторая|RU only' \
    "US's screen holds no word of RU's internal notes"
is "$(grep -c 'internal note of RU' "$TEST_TMP/us.screen")" 2 \
    "both show, one line each"
if ui_screen_e us | grep -q "$(printf '\033')\[[0-9;]*2[;m][^│]*(internal note of RU"; then
	pass "the line is dim"
else
	fail "the line is dim"
	ui_screen_e us | grep 'internal note of' | cat -v | sed 's/^/# /'
fi
ui_key us : q Enter
is "$(ui_rc_wait us)" 0 "the US UI quits"

# a US delegate: US has no internal key yet
before=$(count B --as us-del)
ui_start del "$DETENTE" --home "$HB" --passphrase-file "$PASS" --as us-del ui
ui_wait del '^note>' "the US delegate's UI is up"
ui_type del 'INTERNAL: US delegate secret'
ui_wait del '^\[US only\] note> INTERNAL:' "the prefix shows [US only]"
ui_key del Enter
ui_wait del 'US has no internal key yet: us-del: nothing was written' \
    "the delegate gets the error on the screen"
ui_wait del '^\[US only\] note> INTERNAL: US delegate secret' \
    "the text stays in the input line"
is "$(count B --as us-del)" "$before" "nothing was written"
ui_key del C-u
ui_key del : q Enter
is "$(ui_rc_wait del)" 0 "the delegate's UI quits"
run_ok "US's log" B --as us-del log --json
unlike "$(cat "$OUT")" 'US delegate secret' "the text is nowhere in the log"

# in Russian: the prompt, the label and the tag come from the catalogue
if use_translation ru; then
	ui_start ruru -e LANGUAGE=ru -e "DETENTE_LOCALEDIR=$DETENTE_LOCALEDIR" \
	    "$DETENTE" --home "$HA" --passphrase-file "$PASS" --as ru-head ui
	unset LANGUAGE DETENTE_LOCALEDIR
	ui_wait ruru '^заметка>' "Russian: the UI is up"
	ui_wait ruru "ru-head · внутренняя заметка" "Russian: the label"
	ui_wait ruru "\[только RU\] $SECRET2" "Russian: the tag"
	ui_key ruru F8
	ui_wait ruru '^\[только RU\] заметка>' "Russian: F8's prompt"
	ui_wait ruru 'следующая заметка внутренняя' "Russian: F8's message"
	ui_key ruru F8
	ui_wait ruru '^заметка>' "Russian: F8 again, for both sides"
	ui_key ruru : q Enter
	is "$(ui_rc_wait ruru)" 0 "the Russian UI quits"
else
	skip "no po/ru.gmo: the Russian screen is not checked" 7
fi
done_testing
