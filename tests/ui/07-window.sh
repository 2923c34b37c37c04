#!/bin/sh
# 07-window.sh: the record pane shows a window of the record, not all of
# it (docs/ARCHITECTURE.md, "Bounded views").
#
# With the window made small (DETENTE_UI_WINDOW=5), the pane shows the
# newest entries and says that older ones load on the way up; a search
# for a word only an old note has finds nothing in the window, and N
# looks further back and finds it; PgUp loads older entries; an entry
# added meanwhile by another process appears; choosing an agenda item
# loads a window of that item's entries.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

dd()
{
	"$DETENTE" --home "$H" --passphrase-file "$P" "$@"
}

dd add note "ancient-marker, the first of many" >/dev/null ||
    bail_out "cannot add a note"
i=1
while [ $i -le 24 ]; do
	dd add note "bulk note $i" >/dev/null || bail_out "cannot add note $i"
	i=$((i + 1))
done

ui_start w -e DETENTE_UI_WINDOW=5 "$DETENTE" --home "$H" \
    --passphrase-file "$P" ui
ui_wait w '^note>' "the UI is up"
ui_wait w 'Record: all \(last [0-9]+, Up for more\)' \
    "the record pane shows a window and says so"
ui_wait w 'bulk note 24' "the newest note is shown"
unlike "$(ui_screen w)" 'ancient-marker' "the oldest note is not on the screen"

# Search: nothing in the window; N looks further back.
ui_key w /
ui_type w 'ancient-marker'
ui_key w Enter
ui_wait w 'no match in the last [0-9]+ entries \(N: search further back\)' \
    "a search looks in the window first and says so"
ui_key w N
ui_wait w '^match 1 of 1' "N searches further back and finds the old note"
ui_wait w 'ancient-marker, the first of many' "the old note is on the screen"
ui_wait w 'Record: all \([0-9]+\) /ancient-marker' \
    "the whole record is loaded now"
ui_key w Escape
ui_key w Escape
ui_wait w '^\? help, Enter adds a note' "Esc returns to the input line"
ui_key w C-d
rc=$(ui_rc_wait w)
is "$rc" 0 "Ctrl-D quits"

# PgUp near the oldest loaded entry loads older ones.
ui_start v -e DETENTE_UI_WINDOW=5 "$DETENTE" --home "$H" \
    --passphrase-file "$P" ui
ui_wait v 'Record: all \(last [0-9]+, Up for more\)' "a new UI shows a window again"
ui_key v PageUp
ui_wait v 'Record: all \([0-9]+\)' "PgUp loads the older entries"

# Another process appends: the entry appears without a key.
dd add note "written by another process" >/dev/null
n=$(entries_count)
ui_wait v " $n entries · " "the header counts the entry from another process"

# An agenda item: a window of its own entries.
ui_key v Tab
ui_wait v '> Agenda' "Tab moves into the agenda pane"
ui_key v Down
ui_key v Enter
ui_wait v 'Record: item 1 ' "Enter shows the first item's entries"
ui_wait v 'written by another process' "the item's newest note is shown"
ui_key v Escape
ui_key v C-d
rc=$(ui_rc_wait v)
is "$rc" 0 "Ctrl-D quits"
run_ok "detente verify is OK" "$DETENTE" --home "$H" --passphrase-file "$P" verify
done_testing
