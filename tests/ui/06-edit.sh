#!/bin/sh
# 06-edit.sh: the line editor, kinds by key, panes and the help overlay.
#
# Cursor movement and deletion (Left, Home, End, Ctrl-W, Ctrl-U), a
# multi-line entry with Alt-Enter and Ctrl-J, a bracketed paste whose
# newlines stay in the entry, a long paste stored byte for byte, the
# kind chosen with F4 and Ctrl-T, the agenda pane's Enter (filter) and
# c (mark current), and the help overlay.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

UI_TERM=xterm-256color # its terminfo entry knows bracketed paste
ui_start e "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait e '^note>' "the UI is up"

# Editing: "world" typed, Home, "hello ", End, " again", a stray word
# removed with Ctrl-W; a line typed and dropped with Ctrl-U.
ui_type e 'junk line'
ui_key e C-u
ui_poll e '^note>$' 5
ok $? "Ctrl-U deletes the line"
ui_type e 'world'
ui_key e Home
ui_type e 'hello '
ui_key e End
ui_type e ' again oops'
ui_key e C-w
ui_key e BSpace
ui_wait e '^note> hello world again$' "Home, End, Ctrl-W and Backspace edit the line"
ui_key e Left Left Left Left Left Left
ui_type e ','
ui_wait e '^note> hello world, again$' "Left moves the cursor"
ui_key e Enter
ui_wait e '^added note' "the edited line is added"

# Multi-line: Alt-Enter and Ctrl-J insert newlines; Enter submits.
ui_type e 'line one'
ui_key e M-Enter
ui_type e 'line two'
ui_key e C-j
ui_type e 'line three'
ui_wait e '^…? +line three$' "the entry shows three lines"
ui_key e Enter
ui_wait e '^added note' "the three-line entry is added"

# A bracketed paste keeps its newlines; Enter then adds it once.
printf 'pasted one\npasted two' >"$TEST_TMP/paste"
tm load-buffer "$TEST_TMP/paste"
tm paste-buffer -p -t t:e
ui_wait e '^…? +pasted two$' "a pasted newline does not submit"
ui_key e Enter
ui_wait e '^added note' "the paste is added as one entry"

# A long paste: 3000 characters, Latin and Cyrillic.
long=$(awk 'BEGIN { for (i = 0; i < 100; i++) printf "%03d-Слово-word-x ", i }' | sed 's/ $//')
printf '%s' "$long" >"$TEST_TMP/long"
tm load-buffer "$TEST_TMP/long"
tm paste-buffer -p -t t:e
ui_wait e '099-' "a long paste arrives whole"
ui_key e Enter
ui_wait e '^added note' "the long paste is added"

# The kind by key: F4 statement, then Ctrl-T cycles to proposal.
ui_key e F4
ui_wait e '^statement>' "F4 picks a statement"
ui_key e C-t
ui_wait e '^proposal>' "Ctrl-T moves on to a proposal"
ui_type e 'Joint exercise of the hotline'
ui_key e Enter
ui_wait e '^added proposal' "the proposal is added"
ui_wait e '^note>' "the kind goes back to note afterwards"

# Agenda pane: Tab, down to item 2, Enter filters, c marks it current.
ui_key e Tab
ui_wait e '> Agenda' "Tab focuses the agenda"
ui_key e j j
ui_key e Enter
ui_wait e 'Record: item 2' "Enter on an item shows only its record"
ui_key e c
ui_wait e '^mark [0-9a-f]{64} → [0-9a-f]{8}' "c marks the item current"
ui_wait e '^│.{0,3} 2▶' "the agenda shows item 2 as current"
ui_key e Escape
ui_type e 'a note on item two'
ui_key e Enter
ui_wait e '^added note' "a note while item 2 is shown"
ui_wait e '^│ +│.*a note on item two' "it is shown under item 2"

# Help.
ui_key e ?
ui_wait e 'Keys' "? opens the help"
ui_wait e 'Alt-Enter or Ctrl-J' "the help lists the keys"
ui_key e q
ui_poll e '^note>' 5
ui_key e F1
ui_wait e 'Typing always goes to the input line' "F1 opens the help too"
ui_key e Escape
ui_key e : q Enter
is "$(ui_rc_wait e)" 0 "the UI quits"

log_json
ok 'grep -qF "\"text\": \"hello world, again\"" "$TEST_TMP/log"' "the edited line is stored as shown"
ok 'grep -qF "\"text\": \"line one\\nline two\\nline three\"" "$TEST_TMP/log"' \
    "the multi-line entry keeps its newlines"
ok 'grep -qF "\"text\": \"pasted one\\npasted two\"" "$TEST_TMP/log"' "the paste is one entry"
ok 'grep -qF "\"text\": \"$long\"" "$TEST_TMP/log"' "the long paste is stored byte for byte"
ok 'grep -qF "\"kind\": \"proposal\"" "$TEST_TMP/log"' "the proposal is a proposal"
unlike "$(cat "$TEST_TMP/log")" 'junk line|oops' "deleted text was never written"
run_ok "the record verifies" "$DETENTE" --home "$H" --passphrase-file "$P" verify
done_testing
