#!/bin/sh
# 88-hostile-smoke.sh: a short run of the hostile-text campaign
# (tests/tools/hostile.py; `make hostile` runs all of it): seven hostile
# strings (an OSC title, ESC [8m, a CR overwrite, a C1 CSI, a bidi
# override, U+2028, a long string) written by side A as notes, agenda
# items, statements, commitments and, past the command line, as owners,
# meeting titles and places; imported by side B, whose every command and
# output format must show them without one raw control character, give
# them back exactly in JSON, and lose none.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

have_bt || plan skip_all "python3 with nacl, cryptography and argon2 is needed"

run_ok "the campaign runs" /usr/bin/python3 \
    "$_tap_lib_dir/tools/hostile.py" "$DETENTE" "$TEST_TMP/h" --smoke
diag_file "$OUT"
like "$(cat "$OUT")" " [1-9][0-9]* refused at the command line" \
    "the command line refuses hostile owners and titles"
like "$(cat "$OUT")" "^hostile: tried [1-9][0-9]* / neutralised [1-9][0-9]* / leaked 0 / crashed 0 / lost 0" \
    "nothing leaked, crashed or lost"
tried=$(sed -n 's/^hostile: tried \([0-9]*\) .*/\1/p' "$OUT")
neutral=$(sed -n 's/.* neutralised \([0-9]*\) .*/\1/p' "$OUT")
is "$neutral" "$tried" "every try neutralised"
done_testing
