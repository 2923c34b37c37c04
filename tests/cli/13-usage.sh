#!/bin/sh
# 13-usage.sh: what a new user types: --version and -V, a mistyped command
# ("did you mean"), one dash where two were meant, a missing or empty
# state file for `bundle export --since` (the first round of an exchange:
# the bundle carries everything), and the hints that point at the home a
# demo lives in.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

VERSION=$(sed -n 's/^AC_INIT(\[detente\], \[\([^]]*\)\].*/\1/p' \
    "$abs_top_srcdir/configure.ac")
for v in -V --version; do
	run_ok "detente $v" "$DETENTE" $v
	is "$(cat "$OUT")" "detente $VERSION" "$v prints configure.ac's version"
done

run_fails 2 "a mistyped command" "$DETENTE" lgo
is "$(cat "$ERR")" 'detente: unknown command: lgo: did you mean `detente log`?' \
    "lgo: did you mean log"
run_fails 2 "a swapped pair" "$DETENTE" veirfy
like "$(cat "$ERR")" 'did you mean `detente verify`\?$' "veirfy: verify"
run_fails 2 "a prefix" "$DETENTE" commit
like "$(cat "$ERR")" 'did you mean `detente commitments`\?$' "commit: commitments"
run_fails 2 "help with a mistyped command" "$DETENTE" help comitments
like "$(cat "$ERR")" 'did you mean `detente help commitments`\?$' "help comitments"
run_fails 2 "nothing near" "$DETENTE" xyzzy
like "$(cat "$ERR")" 'unknown command: xyzzy: run `detente help`' \
    "no guess when nothing is near"

run_fails 2 "-home (one dash)" "$DETENTE" -home "$H" log
like "$(cat "$ERR")" '^detente: unknown option: -home: long options take two dashes' \
    "-home is a usage error"
is "$(cat "$OUT")" "" "and not the help (-h)"
run_ok "-h alone is the help" "$DETENTE" -h
like "$(sed -n 1p "$OUT")" '^usage: detente ' "the usage"
run_fails 2 "--as -x: a value, then an unknown option" "$DETENTE" --home "$H" \
    --as -x -zz log
like "$(cat "$ERR")" 'unknown option: -zz' "a value that starts with a dash is skipped"

# bundle export --since with no state: everything, as the README says.
new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-del meeting open >/dev/null || bail_out "meeting open"
N=$(count_entries)
run_ok "export --since a missing file" dt bundle export \
    --since "$TEST_TMP/none.state" -o "$TEST_TMP/all1.dtb"
like "$(cat "$OUT")" "^bundle written to .*all1.dtb \\($N entries, 2 feeds\\)\$" \
    "carries everything"
like "$(cat "$ERR")" 'no state in this file \(missing or empty\)' "and says why"
: >"$TEST_TMP/empty.state"
run_ok "export --since an empty file" dt bundle export \
    --since "$TEST_TMP/empty.state" -o "$TEST_TMP/all2.dtb"
like "$(cat "$OUT")" "\\($N entries, 2 feeds\\)" "carries everything"
ok 'cmp -s "$TEST_TMP/all1.dtb" "$TEST_TMP/all2.dtb"' "the same bundle"
printf 'junk' >"$TEST_TMP/junk.state"
run_fails 2 "a state file that is not one" dt bundle export \
    --since "$TEST_TMP/junk.state" -o "$TEST_TMP/all3.dtb"
like "$(cat "$ERR")" 'bad state file' "is still refused"
run_ok "bundle state" dt bundle state -o "$TEST_TMP/two.state"
like "$(cat "$OUT")" '\(2 feeds\)$' "two feeds: plural"

# A home with no dialogue: the error names a way out; when ./dev demo's
# home holds one (and no --home or DETENTE_HOME chose this home), that.
E=$TEST_TMP/fakehome
mkdir -p "$E"
run_fails 2 "no dialogue" env -u DETENTE_HOME HOME="$E" XDG_DATA_HOME= \
    "$DETENTE" log
like "$(cat "$ERR")" 'no dialogue in this home: .*: create one .*--home DIR or DETENTE_HOME$' \
    "how to make one or choose another home"
DEMO=$E/.local/share/detente-demo
mkdir -p "$DEMO/dialogues"
cp -R "$H/dialogues/." "$DEMO/dialogues/"
run_fails 2 "no dialogue, but a demo home" env -u DETENTE_HOME HOME="$E" \
    XDG_DATA_HOME= "$DETENTE" log
like "$(cat "$ERR")" "the demo of \`./dev demo\` is in another home: give --home $DEMO \\(or set DETENTE_HOME\\)" \
    "names the demo's home"
run_fails 2 "an explicit --home gets no demo hint" env HOME="$E" \
    "$DETENTE" --home "$E/other" log
unlike "$(cat "$ERR")" 'detente-demo' "no hint"

# The demo's hints name the program as it was run.
mkdir -p "$TEST_TMP/bin"
cp "$DETENTE" "$TEST_TMP/bin/detente"
run_ok "./detente demo" sh -c 'cd "$1" && ./detente --home "$2" demo' sh \
    "$TEST_TMP/bin" "$TEST_TMP/d"
like "$(cat "$OUT")" "^  \./detente --home $TEST_TMP/d log$" \
    "the hint says ./detente"
done_testing
