#!/bin/sh
# 91-join-spoof.sh: a genesis that other software signed, whose title
# carries CR, LF, escapes (ESC [8m to hide, ESC [2J to clear, an OSC
# title), a C1 CSI, a bidi override and a fake block of heads with made-up
# fingerprints, and whose US head's name carries a bidi override.  Joining
# it must show every byte of it harmlessly: no ESC, CR, BEL, C1 or bidi
# control reaches the output, the title is one bounded line, and the real
# fingerprints stand alone in the frame that detente draws after every
# field of the record.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

have_bt || plan skip_all "python3 with nacl, cryptography and argon2 is needed"

FORGE()
{
	/usr/bin/python3 "$_tap_lib_dir/tools/text_forge.py" "$@"
}

FAKE="0000 1111 2222 3333 4444"
printf 'Диалог по МИБ\r\n\033[8m\n+--------------------------------------------------+\n|   RU              %s       |\n|   US              %s       |\n+--------------------------------------------------+\n\033[2J\033]0;owned\007\302\23331m\342\200\256%0300d' \
    "$FAKE" "$FAKE" 0 >"$TEST_TMP/title"
printf 'us\342\200\256daeh' >"$TEST_TMP/name"
FORGE genesis "$TEST_TMP/g.dtb" "$TEST_TMP/title" "$TEST_TMP/name" \
    >"$TEST_TMP/fp" || bail_out "cannot forge the genesis"
fp_ru=$(sed -n 's/^RU //p' "$TEST_TMP/fp")
fp_us=$(sed -n 's/^US //p' "$TEST_TMP/fp")

B id new --name us-del --kdf min >/dev/null || bail_out "no identity"
run_ok "B joins the forged genesis" B dialogue join --yes "$TEST_TMP/g.dtb"
cat "$OUT" "$ERR" >"$TEST_TMP/all"

# No byte that drives a terminal: C0 but LF, DEL, C1, bidi controls.
bad=$(LC_ALL=C tr -d '\n' <"$TEST_TMP/all" | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c | tr -d ' ')
is "$bad" 0 "no C0 control (ESC, CR, BEL) and no DEL in the output"
is "$(grep -c "$(printf '\302[\200-\237]')" "$TEST_TMP/all")" 0 "no C1 control"
is "$(grep -c "$(printf '\342\200[\252-\256]\|\342\201[\246-\251]')" "$TEST_TMP/all")" 0 \
    "no bidi override or isolate"

# The title: one line, from "Dialogue: ", bounded.
like "$(cat "$OUT")" "^Dialogue: Диалог по МИБ" "the title is shown"
title=$(grep '^Dialogue: ' "$OUT")
ok "$([ ${#title} -lt 300 ]; echo $?)" "the title is bounded (${#title} characters)"
is "$(grep -c '^Dialogue: ' "$OUT")" 1 "on one line"

# The frame: detente's own, after the record's fields, with the real
# fingerprints and nothing else.
frame=$(sed -n '/^+-*+$/,/^+-*+$/p' "$OUT")
like "$frame" "^\|   RU +$fp_ru +\|$" "the real RU fingerprint in the frame"
like "$frame" "^\|   US +$fp_us +\|$" "the real US fingerprint in the frame"
unlike "$frame" "$FAKE" "no fake fingerprint in the frame"
is "$(printf '%s\n' "$frame" | grep -c '^+-')" 2 "one frame"
is "$(grep -c '^+-' "$OUT")" 2 "and no fake frame line anywhere"
like "$(cat "$OUT")" "^  US +us.daeh +$fp_us  head$" \
    "the US head's name, its override replaced"
last_field=$(grep -n '^The bundle carries' "$OUT" | cut -d: -f1)
first_frame=$(grep -n '^+-' "$OUT" | head -1 | cut -d: -f1)
ok "$([ "$last_field" -lt "$first_frame" ]; echo $?)" \
    "the frame comes after every field of the record"

# `dialogue list` and the log show the title the same way.
run_ok "dialogue list" B dialogue list
is "$(LC_ALL=C tr -d '\n\040-\176\200-\377' <"$OUT" | wc -c | tr -d ' ')" 0 \
    "dialogue list: no control character"
is "$(wc -l <"$OUT" | tr -d ' ')" 1 "dialogue list: one line"
done_testing
