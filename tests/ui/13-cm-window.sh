#!/bin/sh
# 13-cm-window.sh: the commitments pane holds a window of the record's
# commitments, not all of them (issue 18; docs/ARCHITECTURE.md, "Bounded
# views").
#
# With the windows made small (DETENTE_UI_CM_WINDOW=2, DETENTE_UI_WINDOW=3),
# the pane shows the newest commitments and says that older ones load on
# the way up; moving up in the pane loads them, with their endorsements,
# until every commitment is there, as many as `detente commitments` lists.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

dd()
{
	"$DETENTE" --home "$H" --passphrase-file "$P" "$@"
}

i=1
while [ $i -le 6 ]; do
	id=$(dd --as ru-head add commitment --party RU --owner "owner$i" \
	    --due "2031-01-0$i" "cm-text-$i") ||
	    bail_out "cannot add commitment $i"
	[ $i -eq 1 ] && old=$id
	i=$((i + 1))
done
dd --as us-head endorse "$old" >/dev/null || bail_out "cannot endorse"
i=1
while [ $i -le 5 ]; do
	dd add note "later note $i" >/dev/null || bail_out "cannot add note $i"
	i=$((i + 1))
done
open=$(dd commitments --json | python3 -c 'import json, sys
print(sum(1 for c in json.load(sys.stdin)
    if c["status"] not in ("fulfilled", "withdrawn")))')

ui_start w -y 40 -e DETENTE_UI_CM_WINDOW=2 -e DETENTE_UI_WINDOW=3 \
    "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait w '^note>' "the UI is up"
ui_wait w 'Commitments: open \(last [0-9]+, Up for more\)' \
    "the commitments pane shows a window and says so"
ui_wait w 'cm-text-6' "the newest commitment is shown"
unlike "$(ui_screen w)" 'cm-text-1' "the oldest commitment is not loaded"

# Into the commitments pane (input, agenda, record, commitments), then up.
ui_key w Tab
ui_key w Tab
ui_key w Tab
ui_wait w '> Commitments' "Tab moves into the commitments pane"
n=0
while [ $n -lt 8 ] && ui_screen w | grep -q 'Up for more) \[f\]'; do
	ui_key w Up
	sleep 0.3
	n=$((n + 1))
done
ui_wait w 'Commitments: open \([0-9]+\) \[f\]' \
    "moving up loads the older commitments, until there are none left"
ui_wait w 'cm-text-1' "the oldest commitment is on the screen"
shown=$(ui_screen w | sed -n 's/.*Commitments: open (\([0-9]*\)) \[f\].*/\1/p')
is "$shown" "$open" "the pane counts every open commitment, as detente commitments does"
like "$(ui_screen w | grep 'cm-text-1')" '✓US +cm-text-1' \
    "the oldest commitment comes with its endorsement"
unlike "$(ui_screen w | grep 'cm-text-2')" '✓' \
    "and the next, not endorsed, has none"
ui_key w Escape
ui_key w C-d
rc=$(ui_rc_wait w)
is "$rc" 0 "Ctrl-D quits"
done_testing
