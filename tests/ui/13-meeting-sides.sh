#!/bin/sh
# 13-meeting-sides.sh: the header says how each side stands in the
# meeting it shows.  Two homes, RU (A) and US (B): after RU closed
# meeting 1, both UIs say "meeting 1 (closed by RU, open for US)"; after
# RU opened meeting 2, RU's UI shows meeting 2, where RU writes, and
# US's still meeting 1, where US writes, with the state of each side.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"
ui_need_tmux

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open --title "Round one" >/dev/null ||
    bail_out "cannot open"
sync_both || bail_out "sync"

UI_TERM=xterm-256color
ui_start us "$DETENTE" --home "$HB" --passphrase-file "$PASS" --as us-head ui
ui_wait us '^note>' "the US head's UI is up"
ui_wait us 'meeting 1 \(open\)' "meeting 1 is open for both"
ui_key us : q Enter
is "$(ui_rc_wait us)" 0 "the UI quits"

A --as ru-head meeting close >/dev/null || bail_out "RU close"
sync_both || bail_out "sync"
ui_start us2 "$DETENTE" --home "$HB" --passphrase-file "$PASS" --as us-head ui
ui_wait us2 '^note>' "the US head's UI is up again"
ui_wait us2 'meeting 1 \(closed by RU, open for US\)' \
    "US sees meeting 1 closed by RU, open for US"
ui_start ru "$DETENTE" --home "$HA" --passphrase-file "$PASS" --as ru-head ui
ui_wait ru '^note>' "the RU head's UI is up"
ui_wait ru 'meeting 1 \(closed by RU, open for US\)' "RU sees the same"
ui_key ru : q Enter
is "$(ui_rc_wait ru)" 0 "the RU UI quits"

A --as ru-head meeting open --title "Round two" >/dev/null ||
    bail_out "RU opens 2"
ui_start ru2 "$DETENTE" --home "$HA" --passphrase-file "$PASS" --as ru-head ui
ui_wait ru2 '^note>' "the RU head's UI is up again"
ui_wait ru2 'meeting 2 \(open\)' "RU's header shows meeting 2, where RU writes"
ui_key ru2 : q Enter
is "$(ui_rc_wait ru2)" 0 "the RU UI quits"
sync_both || bail_out "sync"
ui_wait us2 'meeting 1 \(closed by RU, open for US\)' \
    "US's header still shows meeting 1, where US writes" 10
ui_type us2 'US note after the bundle'
ui_key us2 Enter
ui_wait us2 '^added note' "US writes"
ui_key us2 : q Enter
is "$(ui_rc_wait us2)" 0 "the US UI quits"
run_ok "the log" B --as us-head log --json
is "$(python3 -c 'import json, sys
for e in json.load(open(sys.argv[1])):
    if e.get("text") == "US note after the bundle":
        print(e["payload"]["meeting"])' "$OUT")" 1 \
    "the note went into meeting 1, as the header said"

# Now US closes 1 too: meeting 1 is closed, and US is in meeting 2.
B --as us-head meeting close 1 >/dev/null || bail_out "US close"
ui_start us3 "$DETENTE" --home "$HB" --passphrase-file "$PASS" --as us-head ui
ui_wait us3 '^note>' "the US head's UI is up"
ui_wait us3 'meeting 2 \(open\)' "US's header moves to meeting 2"
ui_key us3 : q Enter
is "$(ui_rc_wait us3)" 0 "the UI quits"
done_testing
