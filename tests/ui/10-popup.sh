#!/bin/sh
# 10-popup.sh: a command typed over any pop-up runs as a command.
#
# Issue 13: the key that closed a pop-up swallowed ":", so ":mark ID
# fulfilled" typed over one became a signed note "mark ID fulfilled".
# Over each kind of pop-up (":meeting list", ":log", "?", F1, and Enter
# on an entry of the record pane) a ":mark ..." is typed at once; each
# must run the command, and `detente log` must then hold no note with
# that text.  Closing with q and then typing ":" or "/" works too.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

D() { "$DETENTE" --home "$H" --passphrase-file "$P" "$@"; }
# the demo's agenda items 2..4: each pop-up marks one of them
items=$(D meeting list | sed -n 's/^  [ >] [0-9]*\. \([0-9a-f]\{8\}\) .*/\1/p')
set -- $items
nitems=$#
ok "[ $nitems -ge 4 ]" "the demo has agenda items ($nitems)"
i2=$2 i3=$3 i4=$4
cid=$(D commitments | sed -n 's/^\([0-9a-f]\{8\}\)  .*/\1/p' | head -1)
ok '[ -n "$cid" ]' "the demo has a commitment ($cid)"

ui_start p "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait p '^note>' "the UI is up"

# mark_over POPUP-DESC ID STATE: type ":mark ID STATE" over the pop-up
# on the screen, Enter, and see the command's answer.
mark_over()
{
	ui_type p ":mark $2 $3"
	ui_key p Enter
	ui_wait p "^mark $2 → [0-9a-f]{8}" ":mark typed over $1 runs the command"
	ui_wait p '^note>' "the entry line is back after $1"
}

# 1. the output of :meeting list
ui_type p ':meeting list'
ui_key p Enter
ui_wait p 'detente meeting' ":meeting list opens a pop-up"
mark_over ":meeting list" "$i2" discussed

# 2. the output of :log
ui_type p ':log'
ui_key p Enter
ui_wait p 'detente log' ":log opens a pop-up"
mark_over ":log" "$i3" deferred

# 3. the help, by ? and by F1
ui_key p ?
ui_wait p 'Typing always goes to the input line' "? opens the help"
mark_over "the help (?)" "$i4" discussed
ui_key p F1
ui_wait p 'Typing always goes to the input line' "F1 opens the help"
mark_over "the help (F1)" "$cid" in-progress

# 4. Enter on an entry of the record pane: `show`
ui_key p Tab Tab
ui_wait p '> Record' "Tab Tab focuses the record"
ui_key p Enter
ui_wait p 'detente show' "Enter on an entry opens it"
mark_over "an entry shown by Enter" "$cid" fulfilled

# 5. closed with q, then ":" and "/" at once
ui_type p ':log'
ui_key p Enter
ui_wait p 'detente log' ":log opens a pop-up again"
ui_key p q
ui_type p ':mark '"$i2"' current'
ui_key p Enter
ui_wait p "^mark $i2 → [0-9a-f]{8}" "q closes the pop-up; ':' right after opens the prompt"
ui_key p ?
ui_wait p 'Typing always goes to the input line' "the help again"
ui_type p '/contact'
ui_wait p '^/contact' "'/' typed over the help opens the search"
ui_key p Escape
ui_wait p '^note>' "Esc leaves the search"

# A letter typed over a pop-up closes it and is typed, not lost.
ui_key p ?
ui_wait p 'Typing always goes to the input line' "the help once more"
ui_type p 'Hello'
ui_wait p '^note> Hello$' "a letter typed over a pop-up closes it and is typed"
ui_key p C-u
ui_key p : q Enter
is "$(ui_rc_wait p)" 0 "the UI quits"

D log --json >"$TEST_TMP/log" 2>"$TEST_TMP/log.err"
unlike "$(cat "$TEST_TMP/log")" '"text": "[^"]*mark [0-9a-f]{8}' \
    "no note holds the text of a command"
n=$(grep -c '"kind": "agenda-status"\|"kind": "commitment-status"' "$TEST_TMP/log")
ok '[ "$n" -ge 7 ]' "every :mark was recorded as a status ($n status entries)"
like "$(D meeting list)" "$i2  \[current\]" "the last :mark made item 2 current"
like "$(D commitments --all 2>/dev/null || D commitments)" "$cid .*status: fulfilled" \
    "the commitment is fulfilled"
run_ok "the record verifies" D verify
done_testing
