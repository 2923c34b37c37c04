#!/bin/sh
# 08-seal.sh: the header shows the seal of the current meeting.
#
# The UI runs on the demo dialogue at 80x24, the narrowest it allows.
# From the command line, the RU head proposes the seal of meeting 1 and
# the header changes from "not proposed" to "waiting for us-head"; the
# US head cosigns and it says "sealed by all heads".  Then a seal entry
# with a bad signature line is stored past the rules (tests/tools/
# seal_slip): the UI sees the record fail and the seal become invalid,
# with the reason.  The header line never grows past 80 columns.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

D()
{
	"$DETENTE" --home "$H" --passphrase-file "$P" "$@"
}

# header_ok: the header line is at most 80 columns wide.
header_ok()
{
	w=$(ui_screen main | sed -n 1p | wc -L)
	[ "$w" -le 80 ] || { echo "width $w"; return 1; }
}

ui_start main -x 80 -y 24 "$DETENTE" --home "$H" --passphrase-file "$P" \
    --as ru-expert ui
ui_wait main '^note>' "the UI is up"
ui_wait main 'seal: not proposed · meeting 1 \(open\)' \
    "the header: meeting 1's seal is not proposed"
ok header_ok "the header fits in 80 columns"

run_ok "ru-head proposes the seal from the command line" D --as ru-head \
    seal propose --minutes-sha256 \
    "$(printf 'minutes of meeting 1\n' | sha256sum | cut -c1-64)"
ui_wait main 'seal proposed, waiting for us-head · meeting 1' \
    "the header: proposed, waiting for us-head" 5
ok header_ok "the header fits in 80 columns"
like "$(ui_screen main | sed -n 1p)" '^ Russia' "the dialogue keeps its place"

run_ok "us-head cosigns" D --as us-head seal cosign
ui_wait main 'sealed by all heads · meeting 1' \
    "the header: sealed by all heads" 5
ok header_ok "the header fits in 80 columns"
like "$(ui_screen main | sed -n 2p)" ' verified' "the record still verifies"

# An invalid seal entry, stored behind the UI's back.
SLIP=${abs_top_builddir:-$(dirname "$DETENTE")}/tests/tools/seal_slip
RUHEAD=$(D id export --hex ru-head)
D seal show --note >"$TEST_TMP/seal.note"
awk -v who="$RUHEAD" '/^— / && index($0, who) && !done {
	split($0, f, " "); s = f[3]; c = substr(s, 20, 1)
	f[3] = substr(s, 1, 19) (c == "A" ? "B" : "A") substr(s, 21)
	$0 = f[1] " " f[2] " " f[3]; done = 1 } { print }' \
    "$TEST_TMP/seal.note" >"$TEST_TMP/bad.note"
run_ok "a seal entry with ru-head's line changed is slipped in" "$SLIP" \
    "$(ls -d "$H"/dialogues/*/)" "$H/identities/us-head.key" "$P" 1 \
    "$TEST_TMP/bad.note"
ui_wait main 'seal INVALID: seal entry [0-9a-f]{8}' \
    "the header: the seal is invalid, naming the entry" 5
ui_wait main 'FAILED: ' "and the record failed verification" 2
ok header_ok "the header fits in 80 columns"
unlike "$(ui_screen main | sed -n 1p)" 'sealed by all heads' \
    "no longer sealed"

# Wider, the reason shows in full.
tm resize-window -t t:main -x 200 -y 30
ui_wait main "seal INVALID: seal entry [0-9a-f]{8}: the seal's signature by the head of RU does not verify" \
    "at 200 columns the whole reason shows" 5

ui_key main : q Enter
is "$(ui_rc_wait main)" 0 "the UI quits"
run_fails 1 "verify agrees: the record fails" D verify
like "$(cat "$OUT")" '^meeting 1: seal invalid \(seal entry' \
    "and the seal is invalid"
done_testing
