#!/bin/sh
# 40-rules.sh: the record refuses writes that its rules forbid, with one
# clear line, exit 1, and nothing written.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"
mkid outsider
run_ok "meeting open" dt --as ru-head meeting open
n0=$(count_entries)

run_fails 1 "a non-member cannot write" dt --as outsider add note "hello"
like "$(cat "$ERR")" '^detente: not a member of this dialogue: outsider: ' "non-member error"
is "$(wc -l <"$ERR" | tr -d ' ')" 1 "one line"
run_fails 1 "a non-member cannot read either" dt --as outsider log
run_ok "but may verify without the key" dt --as outsider verify --no-key
like "$(cat "$OUT")" '^OK: ' "verify --no-key OK for an outsider"
run_fails 2 "verify with the key needs membership" dt --as outsider verify

run_fails 1 "an observer cannot write a note" dt --as us-obs add note "hello"
like "$(cat "$ERR")" '^detente: us-obs may not write note entries: ' "observer error"
run_fails 1 "an observer cannot open or close meetings" dt --as us-obs meeting close
run_fails 1 "an observer cannot mark" dt --as us-obs mark "$(dt --as ru-head add agenda item)" current
run_ok "an observer can read" dt --as us-obs log
run_fails 1 "a delegate cannot endorse" dt --as ru-del endorse "$(dt --as ru-head add decision agreed)"
run_fails 2 "wrong passphrase" "$DETENTE" --home "$H" --as ru-del \
    --passphrase-file "$WRONG" add note "x"
is "$(count_entries)" $((n0 + 2)) "only the two heads' entries were written"
run_ok "verify" dt --as ru-head verify
done_testing
