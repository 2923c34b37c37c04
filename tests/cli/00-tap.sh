#!/bin/sh
# 00-tap.sh: tests/tap.sh checks itself on trivial commands, so that a broken
# helper cannot make every other shell test pass by mistake.
. "$(dirname "$0")/../tap.sh"

# A helper's failure is checked by running a nested script that sources
# tap.sh and reading what it printed.
LIB=$_tap_lib_dir/tap.sh
nested()
{
	printf '. "%s"\n%s\n' "$LIB" "$1" >"$TEST_TMP/nested.sh"
	sh "$TEST_TMP/nested.sh"
}

# --- passing checks --------------------------------------------------------
ok 0 "ok with status 0 passes"
ok 'true' "ok with a true command passes"
ok '[ -d "$TEST_TMP" ]' "the per-test temp dir exists"
is "$HOME" "$TEST_TMP/home" "HOME is inside the temp dir"
ok '[ -d "$HOME" ]' "HOME exists"
case $DETENTE in
/*) pass "DETENTE is an absolute path" ;;
*) fail "DETENTE is an absolute path ($DETENTE)" ;;
esac
is "abc" "abc" "is compares equal strings"
isnt "abc" "abd" "isnt tells different strings apart"
like "hello world" '^hel+o w' "like matches a regex"
like "$(printf 'one\ntwo\nthree')" '^two$' "like matches any line"
unlike "hello" '^world' "unlike rejects a non-matching regex"

run_ok "run_ok true" true
is "$RC" 0 "RC is 0 after true"
run_fails 1 "run_fails 1 false" false
is "$RC" 1 "RC is 1 after false"
run_fails 3 "run_fails 3 with sh -c 'exit 3'" sh -c 'exit 3'
run_fails any "run_fails any with exit 7" sh -c 'exit 7'

run_ok "printf to stdout" printf 'out line\nзаседание\n'
is "$(cat "$OUT")" "out line
заседание" "stdout is captured in \$OUT, Cyrillic intact"
is "$(cat "$ERR")" "" "stderr is empty"
run_ok "printf to stderr" sh -c 'printf "err line\n" >&2'
is "$(cat "$ERR")" "err line" "stderr is captured in \$ERR"
is "$(cat "$OUT")" "" "stdout of the previous run is cleared"
run_ok "stdin is /dev/null" sh -c 'test "$(cat)" = ""'
printf 'input\n' >"$TEST_TMP/in"
STDIN=$TEST_TMP/in
run_ok "STDIN feeds a file" sh -c 'test "$(cat)" = input'
STDIN=
run_ok "a shell function runs" nested 'done_testing'
TAP_TIMEOUT=1
run_fails 124 "a hanging command times out" sleep 5
TAP_TIMEOUT=120

# --- failing checks, in a nested script --------------------------------------
nested 'is a b "x"; done_testing' >"$TEST_TMP/o1"
st=$?
like "$(cat "$TEST_TMP/o1")" '^not ok 1 - x$' "a failing is() prints not ok"
like "$(cat "$TEST_TMP/o1")" "^#  +got: 'a'$" "a failing is() shows what it got"
like "$(cat "$TEST_TMP/o1")" '^1\.\.1$' "done_testing prints the plan"
is "$st" 1 "the exit status counts the failures"

nested 'run_ok "r" false; run_fails 2 "f" true; ok 1 "o"; like ab "^b" "l";
unlike ab "a" "u"; isnt a a "i"; fail "f"; done_testing' >"$TEST_TMP/o2"
st=$?
is "$(grep -c '^not ok' "$TEST_TMP/o2")" 7 "every kind of check can fail"
is "$st" 7 "seven failures, exit status 7"
like "$(cat "$TEST_TMP/o2")" '^#  +exit status: 1$' "run_ok reports the exit status"

nested 'plan 2; pass a' >"$TEST_TMP/o3"
st=$?
is "$st" 255 "too few tests for the plan is an error"
like "$(cat "$TEST_TMP/o3")" '^1\.\.2$' "plan prints 1..N first"

nested 'pass a' >"$TEST_TMP/o4"
st=$?
is "$st" 255 "a script without done_testing or plan is an error"

nested 'pass "a # SKIP b"; skip "not here" 2; done_testing' >"$TEST_TMP/o5"
st=$?
like "$(cat "$TEST_TMP/o5")" '^ok 1 - a \\# SKIP b$' "a # in a description is escaped"
is "$(grep -c '# SKIP not here$' "$TEST_TMP/o5")" 2 "skip prints COUNT skips"
is "$st" 0 "skips are not failures"

nested 'plan skip_all "no tmux"' >"$TEST_TMP/o6"
is "$(cat "$TEST_TMP/o6")" "1..0 # SKIP no tmux" "plan skip_all"

nested 'echo "$TEST_TMP" >'"'$TEST_TMP/tmpname'"'; done_testing' >/dev/null
ok '[ -s "$TEST_TMP/tmpname" ] && [ ! -e "$(cat "$TEST_TMP/tmpname")" ]' \
    "the nested script's temp dir is removed at exit"

done_testing
