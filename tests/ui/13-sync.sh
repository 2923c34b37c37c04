#!/bin/sh
# 13-sync.sh: `:sync` in the terminal UI.  `detente sync` runs until it
# is stopped, so from the UI's prompt it would freeze the UI: it is
# refused with one line, and the UI keeps working (a note typed after it
# is stored).  Linking from the UI itself is not there yet.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

ui_start a "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait a '^note>' "the UI is up"
ui_type a ':sync 127.0.0.1'
ui_key a Enter
ui_wait a 'sync. runs until stopped: run it in a terminal of its own' \
    ":sync is refused with one line"
ui_type a 'typed after :sync'
ui_key a Enter
ui_wait a '^added note' "the UI still takes notes"
ui_cleanup
log_json
ok 'grep -qF "\"text\": \"typed after :sync\"" "$TEST_TMP/log"' \
    "the note is stored"
done_testing
