#!/bin/sh
# 01-session.sh: a scribe's session in the real UI, end to end.
#
# Opens the demo dialogue by running `detente` with no command in a
# terminal, adds an agenda item with "Topic:", a Russian note in
# Cyrillic, a commitment with "ACTION:", endorses it with ":endorse ID",
# searches with "/", resizes to 80x24 and 200x60, quits with ":q" (which
# first asks, because a draft is pending), and then checks with the
# command line that every entry landed with exactly the typed text and
# that the record verifies.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

TOPIC='Incident notification channels'
RU='Российская сторона предлагает обмен контактами CERT — «срочно»'
ACT_TEXT='Draft the notification template'
before=$(entries_count)
ok '[ -n "$before" ]' "the demo verifies before the UI opens ($before entries)"

# No command in a terminal: the UI.
ui_start main "$DETENTE" --home "$H" --passphrase-file "$P"
ui_wait main '^note>' "detente with no command opens the UI"
scr=$(ui_screen main)
like "$scr" 'Russia.US expert dialogue' "the header names the dialogue"
like "$scr" 'me: ru-head .\[RU\] head' "the header shows my identity and party"
like "$scr" "$before entries · 4 feeds · head [0-9a-f]{8} · verified" \
    "the header shows the record's status"
like "$scr" '^┌─ Agenda ─+┬─ Record: all' "the agenda and record panes are drawn"
like "$scr" 'Commitments: open' "the commitments pane is drawn"

# An agenda item by its prefix.
ui_type main "Topic: $TOPIC"
ui_wait main '^agenda> Topic' "the prompt follows the typed prefix"
ui_key main Enter
ui_wait main '^added agenda [0-9a-f]{8}' "Topic: adds an agenda item"
ui_wait main "5▶ *$(printf '%s' "$TOPIC" | cut -c1-8)" "the new item is in the agenda pane, current"

# A Russian note, as typed.
ui_type main "$RU"
ui_key main Enter
ui_wait main '^added note [0-9a-f]{8}' "Enter adds a note"
ui_wait main 'Российская сторона' "the Cyrillic note is on the screen"

# A commitment: ACTION: PARTY OWNER DUE text.
ui_type main "ACTION: RU ru-expert 2030-01-15 $ACT_TEXT"
ui_wait main '^commitment> ACTION' "ACTION: switches the prompt to commitment"
ui_key main Enter
ui_wait main '^added commitment [0-9a-f]{8}' "ACTION: adds a commitment"
cid=$(ui_screen main | sed -n 's/^added commitment \([0-9a-f]\{8\}\).*/\1/p')
ui_wait main "RU\] ru-expert +due 2030-01-15 open +$ACT_TEXT" \
    "the commitment is listed as open"

# Endorse it from the command prompt.
ui_key main :
ui_wait main '^:' "':' on an empty line opens the command prompt"
ui_type main "endorse $cid"
ui_key main Enter
ui_wait main "^Endorse $cid\? .*\(y/n\)" ":endorse asks y/n first"
ui_key main y
ui_wait main "^endorse $cid → [0-9a-f]{8}" ":endorse runs through the command table"
ui_wait main "ru-expert +due 2030-01-15 open +✓RU +$ACT_TEXT" \
    "the commitment shows the RU endorsement"

# Search.
ui_key main /
ui_type main 'контакт'
ui_key main Enter
ui_wait main '^match 1 of 1' "/ finds the Cyrillic word"
ui_wait main '/контакт: 1 match' "the record pane says what it searched"
ui_screen_e main >"$TEST_TMP/hit"
ok 'grep -q "контакт" "$TEST_TMP/hit"' "the hit is drawn"
ui_key main Escape
ui_wait main '^\? help, Enter adds a note' "Esc returns to the input line"

# Resize: 80x24, 200x60, and back; the frame fits every time.
tm resize-window -t t:main -x 80 -y 24
ui_wait main '^note>' "redrawn at 80x24"
ui_poll main '^└─{78}┘$' 5
out=$(ui_box_ok main 80)
ok $? "every frame line is 80 columns at 80x24"
[ -z "$out" ] || diag "$out"
tm resize-window -t t:main -x 200 -y 60
ui_poll main '^└─{198}┘$' 5
out=$(ui_box_ok main 200)
ok $? "every frame line is 200 columns at 200x60"
[ -z "$out" ] || diag "$out"
ui_wait main "$ACT_TEXT" "the record is still shown at 200x60"
tm resize-window -t t:main -x 79 -y 24
ui_wait main 'terminal too small: 79x24' "smaller than 80x24: one line says so"
ui_wait main 'keys are ignored until it grows' "the line says typing is ignored"
tm resize-window -t t:main -x 100 -y 30
ui_wait main '^note>' "back to 100x30"

# :q with a draft pending asks first; n keeps it.
ui_type main 'a draft not to lose'
ui_key main Tab
ui_wait main '> Agenda' "Tab moves the focus into the agenda pane"
ui_key main :
ui_type main q
ui_key main Enter
ui_wait main 'Unsent text will be lost' ":q asks first while a draft is pending"
ui_key main n
ui_wait main '^note> a draft not to lose' "n keeps the draft"
ui_key main C-u
ui_poll main '^note> *$' 5
ui_key main :
ui_type main q
ui_key main Enter
rc=$(ui_rc_wait main)
is "$rc" 0 ":q quits with status 0"
unlike "$(ui_screen main)" '┌─' "the terminal left the UI's screen"
like "$(cat "$TEST_TMP/main.stty")" '(^|[^-])echo ' "echo is on again after the UI"
like "$(cat "$TEST_TMP/main.stty")" '(^|[^-])icanon' "canonical mode is back"

# Everything landed, exactly as typed.
log_json
ok $? "detente log --json reads the record"
ok 'grep -qF "\"text\": \"$TOPIC\"" "$TEST_TMP/log"' "the agenda item's text is exact"
ok 'grep -qF "\"text\": \"$RU\"" "$TEST_TMP/log"' "the Cyrillic note is byte-exact"
ok 'grep -qF "\"body\": \"$RU\"" "$TEST_TMP/log" && grep -qF "\"lang\": \"ru\"" "$TEST_TMP/log"' \
    "the note is stored as authentic Russian"
ok 'grep -qF "\"text\": \"$ACT_TEXT\"" "$TEST_TMP/log"' "the commitment's text is exact"
ok 'grep -qF "\"owner\": \"ru-expert\"" "$TEST_TMP/log" && grep -qF "\"due\": \"2030-01-15\"" "$TEST_TMP/log"' \
    "the commitment's owner and due date are as typed"
ok 'grep -q "\"target\": \"$cid" "$TEST_TMP/log"' "an endorsement targets the commitment"
unlike "$(cat "$TEST_TMP/log")" 'a draft not to lose' "the abandoned draft was not written"
after=$(entries_count)
is "$after" "$((before + 5))" "exactly five entries were added (the topic, its mark current, note, commitment, endorsement)"
run_ok "detente verify is OK" "$DETENTE" --home "$H" --passphrase-file "$P" verify
like "$(cat "$OUT")" "^OK: $after entries" "verify counts them"
done_testing
