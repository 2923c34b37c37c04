#!/bin/sh
# 98-minutes-lang.sh: the frame of the minutes in each language is the
# table of storage/minutes_lang.c, and docs/FORMAT.md (section 13, "The
# frame in each language") lists the same pairs, byte for byte, so that
# a renderer written from FORMAT.md alone writes the same minutes.  The
# minutes in ru and both on two replicas are tested in 98-minutes.sh.
. "$(dirname "$0")/../tap.sh"

here=$(cd "$(dirname "$0")" && pwd)
top=${abs_top_srcdir:-${top_srcdir:-$here/../..}}
tool=$top/tests/tools/minutes_lang_table.py

command -v python3 >/dev/null 2>&1 || {
	plan skip_all "no python3"
	exit 0
}
python3 "$tool" c "$top/storage/minutes_lang.c" >"$TEST_TMP/c" ||
    bail_out "cannot read the table of storage/minutes_lang.c"
python3 "$tool" doc "$top/docs/FORMAT.md" >"$TEST_TMP/doc" ||
    bail_out "cannot read the table of docs/FORMAT.md"
ok "[ $(wc -l <"$TEST_TMP/c") -gt 100 ]" "the table has its pairs"
run_ok "docs/FORMAT.md lists the pairs of storage/minutes_lang.c" \
    cmp "$TEST_TMP/c" "$TEST_TMP/doc"
# the check itself: a pair changed in a copy of FORMAT.md is seen
sed 's/"Протокол заседания № %lld"/"Протокол № %lld"/' \
    "$top/docs/FORMAT.md" >"$TEST_TMP/FORMAT.md"
python3 "$tool" doc "$TEST_TMP/FORMAT.md" >"$TEST_TMP/doc2"
run_fails 1 "a changed pair in the doc is a difference" \
    cmp "$TEST_TMP/c" "$TEST_TMP/doc2"
done_testing
