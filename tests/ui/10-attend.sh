#!/bin/sh
# 10-attend.sh: `:attend` in the terminal UI runs `detente attend`
# through the one command table: the RU head records who of RU attends
# the open meeting of the demo dialogue, the record holds it (`detente
# attend` prints it), and no note with the command's text is written.
# Naming a US member is refused with a message, and nothing is written.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

D()
{
	"$DETENTE" --home "$H" --passphrase-file "$P" "$@"
}

ui_start main -x 100 -y 30 "$DETENTE" --home "$H" --passphrase-file "$P" \
    --as ru-head ui
ui_wait main '^note>' "the UI is up"
NBEFORE=$(D log --hashes | wc -l)

ui_key main :
ui_wait main '^:' "':' opens the command prompt"
ui_type main "attend --present ru-head --absent ru-expert"
ui_key main Enter
ui_wait main '^attend --present.* → [0-9a-f]{8}' \
    ":attend runs through the command table and writes an entry" 5
run_ok "detente attend shows what the UI recorded" D attend
like "$(cat "$OUT")" '^meeting 1, RU: present: ru-head; absent: ru-expert$' \
    "RU's attendance as recorded"
like "$(cat "$OUT")" '^meeting 1, US: no attendance recorded$' \
    "US recorded none, and it says so"

ui_key main :
ui_wait main '^:' "the command prompt again"
ui_type main "attend --present us-head"
ui_key main Enter
ui_wait main 'us-head is of the party US, not yours \(RU\)' \
    "another party's member is refused, with the reason" 5
run_ok "detente attend" D attend
like "$(cat "$OUT")" '^meeting 1, US: no attendance recorded$' \
    "nothing was recorded for US"
run_ok "log" D log
unlike "$(cat "$OUT")" 'attend --present' "no note carries the command's text"
is "$(D log --hashes | wc -l)" "$((NBEFORE + 1))" "one entry was added: the attendance"
ui_key main '?'
ui_wait main 'Keys' "the help is up"
ui_key main NPage
ui_wait main ':attend --present NAME --absent NAME' "the help names :attend"
ui_key main Escape
ui_key main C-q
done_testing
