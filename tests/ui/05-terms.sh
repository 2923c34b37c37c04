#!/bin/sh
# 05-terms.sh: the UI on the terminals it must support, with and without
# colour.
#
# NO_COLOR=1 draws no colour at all, and TERM=vt100 has none to draw,
# yet both still tell the parties apart by their markers ("●[RU]",
# "■[US]") and show endorsements and the overdue highlight.  The UI
# also comes up under xterm-256color, screen-256color and linux, and in
# a locale that is not UTF-8 it falls back to ASCII markers.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

# An overdue commitment (due in the past), from the command line.
run_ok "an overdue commitment" "$DETENTE" --home "$H" --passphrase-file "$P" \
    --as us-expert add commitment --party US --owner us-expert \
    --due 2020-01-01 'Report on the 2019 exercise'

# has_color FILE: 1 if the captured escapes set a colour (30-37, 40-47,
# 38;5;N, 48;5;N, 90-97, 100-107).
has_color()
{
	grep -E -q '\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9;]*)?m' "$1"
}

# 1. Colour on: the control run, so the checks below mean something.
UI_TERM=xterm-256color
ui_start col "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait col '^note>' "xterm-256color: the UI is up"
ui_screen_e col >"$TEST_TMP/col"
ok 'has_color "$TEST_TMP/col"' "xterm-256color: colours are used"

# 2. NO_COLOR=1: no colour, markers and highlights remain.
ui_start nc -e NO_COLOR=1 "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait nc '^note>' "NO_COLOR: the UI is up"
ui_screen_e nc >"$TEST_TMP/nc"
ok '! has_color "$TEST_TMP/nc"' "NO_COLOR: no colour is drawn"
scr=$(ui_screen nc)
like "$scr" '●\[RU\] ru-head · statement' "NO_COLOR: the RU author has the RU marker"
like "$scr" '■\[US\] us-head · statement' "NO_COLOR: the US author has the US marker"
like "$scr" '✓RU ✓US agreed' "NO_COLOR: endorsement marks are shown"
like "$scr" '^│!■\[US\] us-expert +OVERDUE 2020-01-01' "NO_COLOR: the overdue commitment is marked"
ok 'grep -F "OVERDUE 2020-01-01" "$TEST_TMP/nc" | grep -q "\[[0-9;]*7[;m]"' \
    "NO_COLOR: the overdue row is in reverse video"
ui_key nc : q Enter
is "$(ui_rc_wait nc)" 0 "NO_COLOR: quits"

# 3. vt100: no colours in the terminal at all.
UI_TERM=vt100
ui_start vt "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait vt '^note>' "vt100: the UI is up"
ui_screen_e vt >"$TEST_TMP/vt"
ok '! has_color "$TEST_TMP/vt"' "vt100: no colour is drawn"
scr=$(ui_screen vt)
like "$scr" '●\[RU\] ru-head' "vt100: the RU marker"
like "$scr" '■\[US\] us-head' "vt100: the US marker"
like "$scr" '^┌─ Agenda ─+┬─ Record' "vt100: the frame is drawn (ACS line drawing)"
ok 'grep -q "$(printf "\016")lq" "$TEST_TMP/vt"' "vt100: with the terminal's own line-drawing set"
like "$scr" '^│!■\[US\] us-expert +OVERDUE' "vt100: the overdue commitment is marked"
ui_type vt 'typed on vt100'
ui_key vt Enter
ui_wait vt '^added note' "vt100: Enter adds a note"
ui_key vt : q Enter
is "$(ui_rc_wait vt)" 0 "vt100: quits"

# 4. screen-256color and linux come up and take input.
for t in screen-256color linux; do
	UI_TERM=$t
	ui_start "t$t" "$DETENTE" --home "$H" --passphrase-file "$P" ui
	ui_wait "t$t" '^note>' "$t: the UI is up"
	like "$(ui_screen "t$t")" '■\[US\] us-head' "$t: party markers"
	ui_type "t$t" "typed on $t"
	ui_key "t$t" Enter
	ui_wait "t$t" '^added note' "$t: Enter adds a note"
	ui_key "t$t" : q Enter
	is "$(ui_rc_wait "t$t")" 0 "$t: quits"
done

# 5. Not a UTF-8 locale: ASCII markers.
UI_TERM=screen-256color
UI_LC_ALL=C
ui_start c "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait c '^note>' "LC_ALL=C: the UI is up"
scr=$(ui_screen c)
like "$scr" '\*\[RU\] ru-head' "LC_ALL=C: the RU marker in ASCII"
like "$scr" '#\[US\] us-head' "LC_ALL=C: the US marker in ASCII"
like "$scr" '\+RU \+US agreed' "LC_ALL=C: endorsement marks in ASCII"
ui_key c : q Enter
is "$(ui_rc_wait c)" 0 "LC_ALL=C: quits"
UI_LC_ALL=

log_json
for t in vt100 screen-256color linux; do
	ok 'grep -qF "\"text\": \"typed on $t\"" "$TEST_TMP/log"' "the note typed on $t is stored"
done
run_ok "the record verifies" "$DETENTE" --home "$H" --passphrase-file "$P" verify
done_testing
