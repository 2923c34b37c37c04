#!/bin/sh
# 17-columns.sh: the tables of the command line line up by display width
# (app/fmt.c, fmt_cells()), so that names in Cyrillic do not shift the
# columns after them: `id list`, `member list`, `audit`, the join screen
# and `minutes verify`'s heads.  Each column is measured in terminal
# cells by python3 (unicodedata: a wide character two cells, a combining
# one none), not in bytes, on a record whose members are named глава-рф
# and эксперт.  Before fmt_cells() printf's "%-24s" counted bytes, and a
# Cyrillic name (two bytes a letter) pushed its line's columns left.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

command -v python3 >/dev/null 2>&1 || {
	plan skip_all "no python3"
	exit 0
}
# a UTF-8 locale, so that wcwidth() knows Cyrillic
LC_ALL=C.UTF-8
LANGUAGE=
export LC_ALL LANGUAGE

# cols RE [HEADER_RE]: the display column where RE first matches, one
# line per line of stdin that has a match; with HEADER_RE, that match's
# column on the line that has it instead.
cols()
{
	python3 -c '
import re, sys, unicodedata
def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w
pat = re.compile(sys.argv[1])
hdr = re.compile(sys.argv[2]) if len(sys.argv) > 2 else None
for line in sys.stdin.read().split("\n"):
    m = (hdr.search(line) if hdr else None) or pat.search(line)
    if m:
        print(width(line[:m.start()]))
' "$@"
}

# one_col WHAT: the output of cols is one column, on N lines or more
one_col()
{
	_c=$(sort -u "$TEST_TMP/cols" | wc -l)
	_n=$(wc -l <"$TEST_TMP/cols")
	if [ "$_c" -eq 1 ] && [ "$_n" -ge "$2" ]; then
		ok 0 "$1"
	else
		ok 1 "$1"
		diag "columns (one a line): $(tr '\n' ' ' <"$TEST_TMP/cols")"
	fi
}

FP='[0-9A-F]{4}( [0-9A-F]{4}){4}'
for n in ru-head us-head глава-рф эксперт; do
	mkid "$n" || bail_out "cannot make $n"
done
run_ok "Cyrillic names are identity names" dt id list
like "$(cat "$OUT")" '^  глава-рф +[0-9A-F]{4} ' "глава-рф listed"
cols "$FP" <"$OUT" >"$TEST_TMP/cols"
one_col "id list: the fingerprints in one column of cells" 4

dt --as глава-рф dialogue new --title "Диалог" --party RU --party US \
    --head "RU=$(vkey глава-рф)" --head "US=$(vkey us-head)" \
    --member "RU=$(vkey эксперт)" --member "RU=$(vkey ru-head)" \
    >/dev/null || bail_out "cannot make the dialogue"
run_ok "member list" dt member list
like "$(cat "$OUT")" '^эксперт +RU +delegate +' "эксперт listed"
for c in 'RU|US:PARTY' 'head|delegate:ROLE' "$FP:FINGERPRINT" \
    'genesis:STATUS'; do
	cols "(?<=\\s)(${c%:*})\\b" "${c#*:}" <"$OUT" >"$TEST_TMP/cols"
	one_col "member list: ${c#*:} in one column of cells, header too" 5
done

run_ok "audit" dt audit "$H"/dialogues/*
grep '^  head of ' "$OUT" | cols "$FP" >"$TEST_TMP/cols"
one_col "audit: the heads' fingerprints in one column of cells" 2
grep -E '^  (RU|US) +(head|delegate) ' "$OUT" | cols "$FP" >"$TEST_TMP/cols"
one_col "audit: the members' fingerprints in one column of cells" 4
grep -E '^  (RU|US) +(head|delegate) ' "$OUT" |
    cols '(?<= )(head|delegate)\b' >"$TEST_TMP/cols"
one_col "audit: the roles in one column" 4
grep -E '^  \S+ +size ' "$OUT" | cols 'size ' >"$TEST_TMP/cols"
one_col "audit: the feeds' sizes in one column" 1

# the join screen, on a second home that holds us-head's key
dt bundle export -o "$TEST_TMP/g.dtb" >/dev/null || bail_out "export"
mkdir -p "$TEST_TMP/h2/identities"
cp "$H/identities/us-head.key" "$TEST_TMP/h2/identities/"
run_ok "join" "$DETENTE" --home "$TEST_TMP/h2" --passphrase-file "$PASS" \
    --as us-head dialogue join --yes "$TEST_TMP/g.dtb"
grep -E "^  (RU|US) " "$OUT" | cols "$FP" >"$TEST_TMP/cols"
one_col "join: the members' fingerprints in one column" 4
grep -E '^\|' "$OUT" | cols '\|$' >"$TEST_TMP/cols"
one_col "join: the box's right edge straight" 5
done_testing
