#!/bin/sh
# 02-exit.sh: nothing submitted is lost, and every way out restores the
# terminal.
#
# Kills the UI (tmux kill-server: the terminal hangs up, SIGHUP) right
# after Enter and finds the entry stored; kills it again with no wait at
# all and finds the record consistent; ends it with SIGTERM and SIGINT
# and finds the terminal's modes restored; a wrong passphrase is one
# clear line and no curses, the right one typed at the prompt opens the
# UI; no terminal is a usage error.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

# 1. Enter, then the terminal dies as soon as the entry is acknowledged.
ui_start a "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait a '^note>' "the UI is up"
pid=$(ui_pid a)
ui_type a 'stored before the hangup'
ui_key a Enter
ui_poll a '^added note' 10
ui_cleanup
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
ok '! kill -0 "$pid" 2>/dev/null' "the UI died with its terminal (SIGHUP)"
log_json
ok 'grep -qF "\"text\": \"stored before the hangup\"" "$TEST_TMP/log"' \
    "the entry submitted just before the kill is stored"
run_ok "the record verifies after the kill" \
    "$DETENTE" --home "$H" --passphrase-file "$P" verify

# 2. Enter and the kill in the same instant: whatever happened, the
# store is whole (the append is one transaction, and the kill waits for
# it to commit).
n0=$(entries_count)
ui_start b "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait b '^note>' "the UI is up again"
pid=$(ui_pid b)
ui_type b 'typed and killed at once'
ui_key b Enter
ui_cleanup
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
ok '! kill -0 "$pid" 2>/dev/null' "the UI is gone"
run_ok "the record verifies after a kill during Enter" \
    "$DETENTE" --home "$H" --passphrase-file "$P" verify
n1=$(entries_count)
ok '[ "$n1" -eq "$n0" ] || [ "$n1" -eq $((n0 + 1)) ]' \
    "the entry is there whole or not at all ($n0 -> $n1)"

# 3. SIGTERM and SIGINT restore the terminal before the process dies.
for sig in TERM INT; do
	ui_start "s$sig" "$DETENTE" --home "$H" --passphrase-file "$P" ui
	ui_wait "s$sig" '^note>' "the UI is up (for SIG$sig)"
	ui_type "s$sig" 'a draft'
	pid=$(ui_pid "s$sig")
	kill -s "$sig" "$pid"
	rc=$(ui_rc_wait "s$sig")
	case $sig in
	TERM) want=143 ;;
	INT) want=130 ;;
	esac
	is "$rc" "$want" "SIG$sig ends the UI with the signal"
	# the shell writes the status, then stty -a, then EXITED: wait for
	# EXITED before reading what stty wrote
	ui_wait "s$sig" "^EXITED $want" "after SIG$sig the shell writes on a normal screen"
	st=$(cat "$TEST_TMP/s$sig.stty")
	like "$st" '(^|[^-])echo ' "after SIG$sig echo is on"
	like "$st" '(^|[^-])icanon' "after SIG$sig canonical mode is back"
	like "$st" '(^|[^-])isig' "after SIG$sig signals from keys are back"
	unlike "$(ui_screen "s$sig")" '┌─ Agenda' "after SIG$sig the UI's screen is gone"
done

# 4. A wrong passphrase: one clear line, before curses starts.
printf 'not the passphrase\n' >"$TEST_TMP/wrong"
ui_start w "$DETENTE" --home "$H" --passphrase-file "$TEST_TMP/wrong" ui
rc=$(ui_rc_wait w)
is "$rc" 2 "a wrong passphrase exits with 2"
ui_wait w 'detente: wrong passphrase: ru-head' "it says the passphrase is wrong"
unlike "$(ui_screen w)" '┌─' "and curses never started"

# The passphrase typed at the prompt, as a person would: asked before
# curses starts, without echo.
ui_start pp "$DETENTE" --home "$H" ui
ui_wait pp '^Passphrase for ru-head:' "the passphrase is asked for first"
unlike "$(ui_screen pp)" '┌─' "before curses starts"
ui_type pp 'demo'
ui_key pp Enter
ui_wait pp '^note>' "the right passphrase opens the UI"
ui_key pp C-d
is "$(ui_rc_wait pp)" 0 "and Ctrl-D quits it"
ui_wait pp '^EXITED 0' "back on the normal screen"
like "$(ui_screen pp)" '^Passphrase for ru-head: *$' "the passphrase was not echoed"

# 5. Ctrl-D on an empty line quits; Ctrl-C asks while a draft is pending.
ui_start d "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait d '^note>' "the UI is up (for Ctrl-C and Ctrl-D)"
ui_type d 'pending'
ui_key d C-c
ui_wait d 'Unsent text will be lost' "Ctrl-C with a draft asks first"
ui_key d n
ui_key d C-u
ui_poll d '^note> *$' 5
ui_key d C-d
rc=$(ui_rc_wait d)
is "$rc" 0 "Ctrl-D on an empty line quits"

# 6. Not a terminal: the UI refuses; no command prints the usage.
run_fails 2 "ui without a terminal is a usage error" \
    "$DETENTE" --home "$H" --passphrase-file "$P" ui
like "$(cat "$ERR")" 'needs a terminal' "and says it needs a terminal"
run_fails 2 "no command without a terminal prints the usage" \
    "$DETENTE" --home "$H"
like "$(cat "$ERR")" '^usage: detente' "the usage"
done_testing
