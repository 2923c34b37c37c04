#!/bin/sh
# 13-sync.sh: `:sync` in the terminal UI.  The UI on home A runs
# `detente sync` as a child process: to a `sync listen` on home B, then
# as a listener B links to.  A note written on B with the command line
# appears in A's UI, a note typed in A's UI reaches B's log; the header
# names the peer (name, party, fingerprint), its state and when it was
# last in sync; `:sync stop` and quitting leave no child behind; a child
# that fails is "sync ended: why" in the header, and the UI goes on.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"
. "$_tap_lib_dir/cli/sync.inc"
ui_need_tmux

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "B cannot join"
A --as ru-del meeting open >/dev/null || bail_out "no meeting"
listen_bg "$HB" us-del "$TEST_TMP/lb.out" || bail_out "B does not listen"

# the child of the UI whose pid is in $TEST_TMP/a.pid
sync_child()
{
	pgrep -P "$(cat "$TEST_TMP/a.pid")" -f ' sync --status-fd'
}

# b_has TEXT: B's log holds TEXT
b_has()
{
	B --as us-del log | grep -qF "$1"
}

ui_start a "$DETENTE" --home "$HA" --passphrase-file "$PASS" --as ru-del ui
ui_wait a '^note>' "the UI is up"
ui_type a ":sync 127.0.0.1:$PORT"
ui_key a Enter
ui_wait a "sync: dialling 127\.0\.0\.1:$PORT; us-del \[US\] [0-9A-F]{4}: " \
    "the header names the peer B: name, party, fingerprint"
ui_wait a 'us-del \[US\] [0-9A-F]{4}: in sync, synced [0-9]+ s ago' \
    "... in sync, and how long ago"
CPID=$(sync_child)
ok '[ -n "$CPID" ]' "the link runs in a child process of the UI"

run_ok "B writes a note" B --as us-del add note "written on B live"
ui_wait a 'written on B live' "B's note appears in A's UI" 10
ui_type a 'typed in the UI on A'
ui_key a Enter
ui_wait a '^added note' "the UI takes the note"
ok 'wait_until 10 b_has "typed in the UI on A"' \
    "the note typed in A's UI reaches B's log"

ui_type a ':sync listen'
ui_key a Enter
ui_wait a 'a sync runs already' "a second :sync is refused while one runs"

ui_type a ':sync stop'
ui_key a Enter
ui_wait a '^ sync stopped' "after :sync stop the header says so"
ok '! kill -0 "$CPID" 2>/dev/null' "no child process is left"
stop_bg "$LPID"

# --- the UI listens, B links to it ---------------------------------------
ui_type a ':sync listen 127.0.0.1:0'
ui_key a Enter
ui_wait a 'sync: listening on 127\.0\.0\.1:[0-9]+' "the header says where A listens"
APORT=$(ui_screen a | sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p')
run_ok "B writes a second note" B --as us-del add note "second from B"
run_ok "B links to A's UI with --once" B --as us-del sync --once \
    "127.0.0.1:$APORT"
ui_wait a 'second from B' "the note arrives in A's UI"
ui_wait a 'us-del \[US\] [0-9A-F]{4}: cut' "the header says B's link was cut"
CPID=$(sync_child)

# --- a child that fails: the UI says why and goes on ------------------------
ui_type a ':sync stop'
ui_key a Enter
ui_wait a '^ sync stopped' "stopped again"
ok '! kill -0 "$CPID" 2>/dev/null' "no child left"
ui_type a ':sync listen 999.1.1.1:1'
ui_key a Enter
ui_wait a '^ sync ended: .*cannot resolve' \
    "a sync that fails is 'sync ended: why' in the header"
ui_type a 'after the failed sync'
ui_key a Enter
ui_wait a '^added note' "the UI still takes notes"

# --- quitting stops the link ------------------------------------------------
ui_type a ":sync 127.0.0.1:$APORT"
ui_key a Enter
ui_wait a "sync: dialling 127\.0\.0\.1:$APORT" "dialling a port nobody listens on"
CPID=$(sync_child)
ok '[ -n "$CPID" ]' "the child runs"
ui_type a ':q'
ui_key a Enter
ui_poll a 'EXITED' 10
ok '! kill -0 "$CPID" 2>/dev/null' "quitting the UI stops the child"
is "$(cat "$TEST_TMP/a.rc")" 0 "the UI exits 0"

# --- a passphrase typed at the UI's prompt reaches the child ---------------
ui_start b "$DETENTE" --home "$HB" --as us-del ui
ui_wait b '^Passphrase for us-del:' "B's UI asks for the passphrase"
ui_type b 'correct horse'
ui_key b Enter
ui_wait b '^note>' "B's UI is up"
ui_type b ':sync listen 127.0.0.1:0'
ui_key b Enter
ui_wait b 'sync: listening on 127\.0\.0\.1:[0-9]+' \
    "the child unlocked the identity with the typed passphrase"
BPORT=$(ui_screen b | sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p')
run_ok "A writes a note" A --as ru-del add note "from A to B's UI"
run_ok "A links to B's UI" A --as ru-del sync --once "127.0.0.1:$BPORT"
ui_wait b "from A to B's UI" "A's note appears in B's UI"
ui_wait b 'ru-del \[RU\] [0-9A-F]{4}: cut' "B's header names A's ru-del"
ui_cleanup
done_testing
