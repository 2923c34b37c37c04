#!/bin/sh
# 10-pager.sh: `detente log` on a real terminal (tmux) goes through the
# default pager, less -F -X: a record longer than the screen waits for
# the reader and q ends it with exit 0; one that fits is printed and less
# quits by itself, leaving the text on the screen; Cyrillic shows as
# itself.  PAGER is unset here, so the default is what runs.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"

ui_need_tmux
command -v less >/dev/null 2>&1 || plan skip_all "less is not installed"
ui_demo
P=$TEST_TMP/pass
(umask 077 && printf 'demo\n' >"$P")

# The demo's log is some 33 lines: longer than a screen of 20.
ui_start long -y 20 env -u PAGER "$DETENTE" --home "$H" --passphrase-file "$P" log
ui_wait long 'genesis +ru-head \(RU\)$' "the first page shows the first entry"
sleep 0.5
ok '[ ! -s "$TEST_TMP/long.rc" ]' "and waits for the reader"
unlike "$(ui_screen long)" 'commitment-status' "the last entries are not on the first page"
ui_key long q
is "$(ui_rc_wait long)" 0 "q ends it, exit 0"

# One entry fits: less -F quits at once, -X leaves it on the screen.
ui_start short -y 20 env -u PAGER "$DETENTE" --home "$H" --passphrase-file "$P" \
    log --grep "ВСТРЕЧ"
is "$(ui_rc_wait short)" 0 "a log that fits ends by itself"
like "$(ui_screen short)" 'Российская сторона предлагает проводить встречи' \
    "and stays on the screen, Cyrillic as itself"
done_testing
