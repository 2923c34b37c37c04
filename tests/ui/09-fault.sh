#!/bin/sh
# 09-fault.sh: a member fault in the terminal UI.  ru-head's modified
# software signs a note whose content does not decrypt and one that is
# no note (tests/tools/bundle_tool.py); us-head imports them with the key.
# The UI names the faults and their author in its header, shows each as
# a placeholder, never its bytes, and us-head still writes.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import argon2, nacl, cryptography' \
    2>/dev/null || plan skip_all "needs /usr/bin/python3 with python3-nacl, -argon2, -cryptography"
ui_demo

BT()
{
	/usr/bin/python3 "$_tap_lib_dir/tools/bundle_tool.py" "$@"
}
D()
{
	"$DETENTE" --home "$H" --passphrase-file "$P" "$@"
}

KS=$H/identities/ru-head.key
D bundle export -o "$TEST_TMP/all.dtb" >/dev/null || bail_out "cannot export"
BT forge fault-decrypt "$TEST_TMP/all.dtb" "$TEST_TMP/f1.dtb" "$KS" "$P" ||
    bail_out "cannot forge"
BT forge fault-kind "$TEST_TMP/f1.dtb" "$TEST_TMP/f2.dtb" "$KS" "$P" ||
    bail_out "cannot forge"
run_ok "us-head imports both with the key" \
    D --as us-head bundle import --key "$TEST_TMP/f2.dtb"
like "$(cat "$ERR")" "member fault: author ru-head" "the import names them"

UI_TERM=xterm-256color
ui_start us -y 40 "$DETENTE" --home "$H" --passphrase-file "$P" --as us-head ui
ui_wait us '^note>' "the US head's UI is up"
ui_wait us 'verified, evidence: 2 member faults by ru-head *$' \
    "the header counts the member faults and names the author"
ui_wait us '\[unreadable entry by ru-head: content does not decrypt\]' \
    "the undecryptable note is a placeholder naming its author"
ui_wait us '\[unreadable entry by ru-head: content is not a valid payload of' \
    "so is the note that is no note"
unlike "$(ui_screen_e us)" 'FAULTMARK|owned' "nothing of their content is drawn"

ui_type us 'the record stays writable'
ui_key us Enter
ui_wait us '^added note' "us-head still writes"
ui_wait us 'the record stays writable' "and the note is shown"
ui_key us : q Enter
is "$(ui_rc_wait us)" 0 "the UI quits"
run_fails 3 "verify: valid, with member faults" D verify
done_testing
