#!/bin/sh
# 13-removed.sh: entries written after their author's removal, in the
# terminal UI.  ru-head removes ru-expert in the demo home while
# ru-expert, on its own laptop (a copy of the home made before), writes
# notes that have not seen the removal; the home imports them.  The UI
# names the member faults and their author in its header, shows each as
# a placeholder, never its text, and the heads still write.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

D()
{
	"$DETENTE" --home "$H" --passphrase-file "$P" "$@"
}
L()
{
	"$DETENTE" --home "$TEST_TMP/laptop" --passphrase-file "$P" "$@"
}

cp -R "$H" "$TEST_TMP/laptop" || bail_out "cannot copy the home"
run_ok "ru-head removes ru-expert" D --as ru-head member remove ru-expert
for k in 1 2 3; do
	L --as ru-expert add note "REMOVEDMARK-$k" >/dev/null ||
	    bail_out "ru-expert cannot write on its laptop"
done
D bundle state -o "$TEST_TMP/home.state" >/dev/null &&
    L bundle export --since "$TEST_TMP/home.state" \
    -o "$TEST_TMP/laptop.dtb" >/dev/null || bail_out "cannot export"
run_ok "the home imports the laptop's notes" \
    D bundle import "$TEST_TMP/laptop.dtb"
like "$(cat "$ERR")" "member fault: author ru-expert .*written after its author's removal" \
    "the import names them"

UI_TERM=xterm-256color
ui_start us -y 40 "$DETENTE" --home "$H" --passphrase-file "$P" --as us-head ui
ui_wait us '^note>' "the US head's UI is up"
ui_wait us 'verified, evidence: [23] member faults by ru-expert *$' \
    "the header counts the member faults and names the author"
ui_wait us "\\[unreadable entry by ru-expert: written after its author's" \
    "each is a placeholder naming its author and the reason"
unlike "$(ui_screen_e us)" 'REMOVEDMARK-[23]' \
    "nothing of the notes after the removal is drawn"
ui_type us 'the record stays writable'
ui_key us Enter
ui_wait us '^added note' "us-head still writes"
ui_key us : q Enter
is "$(ui_rc_wait us)" 0 "the UI quits"
run_fails 3 "verify: valid, with member faults" D verify --no-key
done_testing
