#!/bin/sh
# 10-agent.sh: the agent on a real terminal (tmux).  `agent add` asks for
# the passphrase on the terminal, once; the terminal UI then opens and
# writes with no passphrase (none is given, none is asked for); after
# `agent --lock` a write in the UI fails with one line and nothing is
# written; after a new `agent add` the same session writes again.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"

ui_need_tmux
ui_demo
XDG_RUNTIME_DIR=$TEST_TMP/run
export XDG_RUNTIME_DIR
mkdir -m 700 "$XDG_RUNTIME_DIR"
unset DETENTE_PASSPHRASE_FD
UI_ENV="-e XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR"
trap '_s=$?; "$DETENTE" agent --stop >/dev/null 2>&1; (exit $_s); _ui_exit' EXIT

run_ok "the agent starts" "$DETENTE" agent
before=$(entries_count)

# agent add on the terminal: the passphrase once
ui_start a $UI_ENV "$DETENTE" --home "$H" --as ru-head agent add
ui_wait a '^Passphrase for ru-head:' "agent add asks on the terminal"
ui_type a 'demo'
ui_key a Enter
is "$(ui_rc_wait a)" 0 "agent add succeeds"
ui_wait a 'ru-head added to the agent' "and says so"
unlike "$(ui_screen a)" 'demo' "the passphrase was not echoed"

# the UI, with no passphrase source: it opens without asking
ui_start u $UI_ENV "$DETENTE" --home "$H" --as ru-head
ui_wait u '^note>' "the UI opens through the agent"
unlike "$(ui_screen u)" 'Passphrase' "no passphrase was asked for"
ui_type u 'Written through the agent.'
ui_key u Enter
ui_wait u '^added note [0-9a-f]{8}' "a note is written through the agent"

run_ok "agent --lock" "$DETENTE" agent --lock
ui_type u 'Written after the lock.'
ui_key u Enter
ui_wait u 'the agent no longer holds the key' \
    "after --lock a write fails with one line"

ui_start a2 $UI_ENV "$DETENTE" --home "$H" --as ru-head agent add
ui_wait a2 '^Passphrase for ru-head:' "agent add asks again"
ui_type a2 'demo'
ui_key a2 Enter
is "$(ui_rc_wait a2)" 0 "agent add succeeds again"
ui_key u Enter
ui_wait u '^added note [0-9a-f]{8}' "the same session writes again"
ui_key u C-d
is "$(ui_rc_wait u)" 0 "the UI quits"

log_json
like "$(cat "$TEST_TMP/log")" 'Written through the agent\.' "the first note is in the record"
like "$(cat "$TEST_TMP/log")" 'Written after the lock\.' \
    "the draft kept after the failed write landed once the key was back"
is "$(entries_count)" "$((before + 2))" "two entries more, and the record verifies"
done_testing
