#!/bin/sh
# 12-man-ru.sh: the Russian man page, man/ru/detente.1, is well-formed
# mdoc (groff -mandoc -ww, with mandoc -T lint too when it is installed),
# `man -l` renders it in Russian, and it says the same as the English
# page: the options, commands, subcommands, environment variables, JSON
# members and paths the two pages name are the same sets.
. "$(dirname "$0")/../tap.sh"

here=$(cd "$(dirname "$0")" && pwd)
top=${abs_top_srcdir:-${top_srcdir:-$here/../..}}
EN=$top/man/detente.1
RU=$top/man/ru/detente.1
LC_ALL=C.UTF-8
export LC_ALL

ok "[ -s '$RU' ]" "man/ru/detente.1 exists"
if command -v groff >/dev/null 2>&1; then
	for p in "$EN" "$RU"; do
		groff -k -mandoc -Tutf8 -P-cbou -ww "$p" >"$TEST_TMP/out" \
		    2>"$TEST_TMP/err"
		is "$(cat "$TEST_TMP/err")" "" \
		    "groff -mandoc -ww: no warning on ${p#"$top"/}"
	done
	like "$(cat "$TEST_TMP/out")" 'ОПИСАНИЕ' "groff renders the Russian page"
else
	skip "no groff" 3
fi
if command -v mandoc >/dev/null 2>&1; then
	run_ok "mandoc -T lint: no error" mandoc -T lint -W error "$RU"
else
	skip "no mandoc"
fi
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	MANWIDTH=200 MANPAGER=cat PAGER=cat man -l "$RU" >"$TEST_TMP/man" 2>"$TEST_TMP/err"
	like "$(cat "$TEST_TMP/man")" 'ТЕРМИНАЛЬНЫЙ ИНТЕРФЕЙС' \
	    "man -l renders it"
	like "$(cat "$TEST_TMP/man")" 'Протокол заседания' \
	    "with the minutes' Russian frame"
else
	skip "no man" 2
fi

# The names each page gives after Fl, Cm, Ev, Li, Pa and Ic: the
# Russian page must name exactly what the English one does.
names()
{
	python3 - "$1" <<'PY'
import re, sys
MAC = {"Fl", "Cm", "Ev", "Li", "Pa", "Ic"}
out = set()
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.startswith("."):
        continue
    toks = line[1:].split()
    for i, t in enumerate(toks):
        if t in MAC:
            j = i + 1
            while j < len(toks) and toks[j] not in MAC and \
                    not re.fullmatch(r"[A-Z][a-z]|[.,;:()|]|Ns|No", toks[j]):
                out.add(t + " " + toks[j].strip('"'))
                j += 1
for n in sorted(out):
    print(n)
PY
}
if command -v python3 >/dev/null 2>&1; then
	# each page names the other (man/ru/detente.1, man -L ru)
	names "$EN" | grep -v -E '^(Ic (en|ru)|Pa man/)' >"$TEST_TMP/en"
	names "$RU" | grep -v -E '^(Ic (en|ru)|Pa man/)' >"$TEST_TMP/ru"
	ok "[ $(wc -l <"$TEST_TMP/en") -gt 150 ]" "the English page names its options"
	run_ok "the Russian page names the same options, commands, variables and paths" \
	    diff "$TEST_TMP/en" "$TEST_TMP/ru"
	# the check itself: a page that drops an option is seen
	grep -v -- '^\.It Fl -every-signature' "$RU" | sed '/every-signature/d' \
	    >"$TEST_TMP/short.1"
	names "$TEST_TMP/short.1" | grep -v -E '^(Ic (en|ru)|Pa man/)' \
	    >"$TEST_TMP/short"
	run_fails 1 "a page without --every-signature differs" \
	    diff "$TEST_TMP/en" "$TEST_TMP/short"
else
	skip "no python3" 3
fi
done_testing
