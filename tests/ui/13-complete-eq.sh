#!/bin/sh
# 13-complete-eq.sh: completion of "--opt=value" in a real interactive
# bash (tmux), where readline and COMP_WORDBREAKS split the word at "=":
# completions/detente.bash must join it again and offer only what
# follows the "=".  tests/cli/14-complete.sh checks the same cases word
# by word; this checks that bash really splits and replaces so.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
command -v bash >/dev/null 2>&1 || plan skip_all "no bash"
SCRIPT=$abs_top_srcdir/completions/detente.bash
BIN=$TEST_TMP/bin
mkdir -p "$BIN" "$TEST_TMP/w"
ln -s "$DETENTE" "$BIN/detente"
: >"$TEST_TMP/w/ru.state"

ui_start sh -e "PATH=$BIN:$PATH" -e PS1=%% bash --norc --noprofile
ui_wait sh '^%%$' "bash is up"
ui_type sh ". '$SCRIPT'; cd '$TEST_TMP/w'"
ui_key sh Enter
ui_type sh 'detente minutes export --format=j'
ui_key sh Tab
ui_wait sh 'export --format=json *$' "--format=j<TAB> gives --format=json"
# (after --, so that tmux does not take it for an option of its own)
tm send-keys -t t:sh -l -- '--lang=b'
ui_key sh Tab
ui_wait sh '--format=json --lang=both *$' "--lang=b<TAB> gives --lang=both"
ui_key sh C-u
ui_type sh 'detente bundle export --since=ru.s'
ui_key sh Tab
ui_wait sh 'export --since=ru.state *$' "--since=ru.s<TAB>: the file after the ="
ui_key sh C-u
ui_type sh 'exit'
ui_key sh Enter
is "$(ui_rc_wait sh)" 0 "bash exits"
done_testing
