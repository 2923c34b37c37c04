#!/bin/sh
# 11-agenda-confirm.sh: one current agenda item; y/n before acts that
# cannot be undone.
#
# Issue 13: `c` on item 4 left item 1 current too (in the UI and in
# `meeting list`), a topic typed as "Topic:" did not become current,
# and `e` and ":meeting close" acted at once.  Here: c on item 4, then
# exactly one item is current on the screen and in `meeting list`; a
# new Topic: is current and the next note attaches to it; `e` asks and
# n writes nothing, y endorses; ":meeting close" asks, n keeps the
# meeting open, y closes it.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

D() { "$DETENTE" --home "$H" --passphrase-file "$P" "$@"; }
ncur() { D meeting list | grep -c '\[current\]'; }
is "$(ncur)" 1 "the demo has one current item"

ui_start a "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait a '^note>' "the UI is up"

# c on item 4 in the agenda pane
ui_key a Tab
ui_wait a '> Agenda' "Tab focuses the agenda"
ui_key a j j j j
ui_key a c
ui_wait a '^mark [0-9a-f]{64} → [0-9a-f]{8}' "c marks item 4 current"
ui_wait a '^│.{0,3} 4▶' "the agenda shows item 4 as current"
n=$(ui_screen a | grep -c '^│.\{0,3\} [0-9]▶')
is "$n" 1 "the agenda pane shows one current item"
is "$(ncur)" 1 "meeting list shows one current item"
like "$(D meeting list)" '> 4\. [0-9a-f]{8}  \[current\]' "and it is item 4"
ui_key a Escape

# A new topic becomes current; the next note attaches to it.
ui_type a 'Topic: Confidence-building measures'
ui_key a Enter
ui_wait a '^added agenda [0-9a-f]{8}, now the current item' "a new Topic: becomes current"
is "$(ncur)" 1 "still one current item"
like "$(D meeting list)" '> 5\. [0-9a-f]{8}  \[current\]  Confidence-building' \
    "the current item is the new topic"
ui_type a 'A note on the new topic'
ui_key a Enter
ui_wait a '^added note' "a note is added"
item5=$(D meeting list | sed -n 's/^  > 5\. \([0-9a-f]\{8\}\) .*/\1/p')
D log --json >"$TEST_TMP/log"
ok "grep -A12 '\"text\": \"A note on the new topic\"' '$TEST_TMP/log' | grep -q '\"item\": \"$item5'" \
    "the note attaches to the new topic"

# e asks; n writes nothing; y endorses.
before=$(entries_count)
ui_key a Tab Tab
ui_wait a '> Record' "the record pane has the focus"
ui_key a e
ui_wait a '^Endorse note [0-9a-f]{8}\? .*cannot be withdrawn.*\(y/n\)' "e asks before endorsing"
ui_key a n
ui_wait a '^cancelled: nothing was written' "n cancels"
is "$(entries_count)" "$before" "nothing was written"
ui_key a e
ui_wait a '^Endorse note' "e asks again"
ui_key a y
ui_wait a '^endorse [0-9a-f]{64} → [0-9a-f]{8}' "y endorses"
is "$(entries_count)" "$((before + 1))" "one endorsement was written"

# :meeting close asks; n keeps it open; y closes.
ui_key a Escape
ui_type a ':meeting close'
ui_key a Enter
ui_wait a '^Close the meeting\? .*\(y/n\)' ":meeting close asks first"
before=$(entries_count)
ui_key a Escape
ui_wait a '^cancelled: nothing was written' "Esc cancels"
like "$(D meeting list)" '^meeting 1  open' "the meeting is still open"
is "$(entries_count)" "$before" "nothing was written"
ui_type a ':meeting close'
ui_key a Enter
ui_wait a '^Close the meeting' "asked again"
ui_key a y
ui_wait a '^meeting close → ' "y runs meeting close"
is "$(entries_count)" "$((before + 1))" "the close was written"
D log --json >"$TEST_TMP/log"
ok "grep -q '\"kind\": \"meeting-close\"' '$TEST_TMP/log'" "the record holds a meeting-close"

ui_key a : q Enter
is "$(ui_rc_wait a)" 0 "the UI quits"
run_ok "the record verifies" D verify
done_testing
