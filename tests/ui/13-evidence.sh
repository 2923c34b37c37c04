#!/bin/sh
# 13-evidence.sh: the header shows evidence against members.  us-head
# writes on two laptops (the demo home, and a copy of it) at the same
# place of its feed; the first home refuses the copy's bundle as a fork
# and keeps both entries.  The UI's header then says "verified,
# evidence: fork by us-head" where it said "verified", in a UI that was
# running when the bundle came in as well.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo
H2=$TEST_TMP/h2
D()
{
	"$DETENTE" --home "$H" --passphrase-file "$P" "$@"
}
D2()
{
	"$DETENTE" --home "$H2" --passphrase-file "$P" "$@"
}

UI_TERM=xterm-256color
ui_start a "$DETENTE" --home "$H" --passphrase-file "$P" --as ru-head ui
ui_wait a '^note>' "the RU head's UI is up"
ui_wait a ' verified *$' "the header says verified"
ui_key a : q Enter
is "$(ui_rc_wait a)" 0 "the UI quits"

cp -R "$H" "$H2"
D --as us-head add note "from the first laptop" >/dev/null ||
    bail_out "cannot add"
D2 --as us-head add note "from the second laptop" >/dev/null ||
    bail_out "cannot add"
D2 bundle export -o "$TEST_TMP/second.dtb" >/dev/null || bail_out "export"

# The import keeps the fork and adds no entry: a running UI shows it
# without a key pressed.
ui_start live "$DETENTE" --home "$H" --passphrase-file "$P" --as ru-head ui
ui_wait live '^note>' "a UI runs while the bundle comes in"
ui_wait live ' verified *$' "it says verified"
run_fails 1 "the second laptop's bundle is refused: a fork" \
    D bundle import "$TEST_TMP/second.dtb"
ui_wait live 'verified, evidence: fork by us-head *$' \
    "the running UI shows the fork without a keypress" 5
ui_key live : q Enter
is "$(ui_rc_wait live)" 0 "the UI quits"

ui_start b "$DETENTE" --home "$H" --passphrase-file "$P" --as ru-head ui
ui_wait b '^note>' "the RU head's UI is up again"
ui_wait b 'verified, evidence: fork by us-head *$' \
    "the header shows the fork and whose it is"
unlike "$(ui_screen b)" ' verified *$' "not a bare 'verified'"
ui_key b : q Enter
is "$(ui_rc_wait b)" 0 "the UI quits"

# A narrow terminal: the evidence stays, the counts give way.
ui_start c -x 80 "$DETENTE" --home "$H" --passphrase-file "$P" \
    --as ru-head ui
ui_wait c '^note>' "up in 80 columns"
ui_wait c 'verified, evidence: fork by us-head *$' "the evidence still shows"
ui_key c : q Enter
is "$(ui_rc_wait c)" 0 "the UI quits"
run_fails 3 "verify agrees: exit 3" D --as ru-head verify
done_testing
