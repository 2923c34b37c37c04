#!/bin/sh
# 15-install.sh: `make install DESTDIR=...` puts the program, the man page,
# the bash completion and the translations under the prefix; the installed
# binary runs, `man -l` renders the installed page without warnings, a
# bash started with the installed completion script completes with the
# installed binary; `make uninstall` takes every file away again.
. "$(dirname "$0")/../tap.sh"

[ -n "${abs_top_builddir:-}" ] && [ -f "$abs_top_builddir/Makefile" ] ||
    plan skip_all "not run from make check (no build tree)"
command -v make >/dev/null 2>&1 || plan skip_all "no make"

D=$TEST_TMP/dest
# A make of our own: not the jobs of the make that runs the suite.
mk()
{
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$abs_top_builddir" \
	    DESTDIR="$D" "$@"
}
run_ok "make install DESTDIR" mk install
var()
{
	# shellcheck disable=SC2016 # $(...) is make's
	printf 'print:\n\t@echo $(%s)\n' "$1" |
	    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$abs_top_builddir" \
	    -f Makefile -f - print
}
bindir=$(var bindir)
man1dir=$(var man1dir)
compdir=$(var bashcompletiondir)
zshdir=$(var zshcompletiondir)
localedir=$(var localedir)
ok '[ -x "$D$bindir/detente" ]' "the program in bindir ($bindir)"
ok '[ -f "$D$man1dir/detente.1" ]' "the man page in man1dir ($man1dir)"
ok '[ -f "$D$compdir/detente" ]' "the bash completion ($compdir/detente)"
ok '[ -f "$D$zshdir/_detente" ]' "the zsh completion ($zshdir/_detente)"
for l in $(sed 's/#.*//' "$abs_top_srcdir/po/LINGUAS"); do
	ok '[ -f "$D$localedir/$l/LC_MESSAGES/detente.mo" ]' "the $l translation"
done
is "$(find "$D" -type f | grep -v -e '/bin/detente$' -e '/man1/detente.1$' \
    -e '/completions/detente$' -e '/_detente$' -e '/LC_MESSAGES/detente.mo$' -e '/man/ru/man1/detente.1$')" "" \
    "nothing else is installed"

I=$D$bindir/detente
run_ok "the installed detente --version" "$I" --version
like "$(cat "$OUT")" '^detente [0-9]' "prints the version"
run_ok "the installed detente makes the demo" "$I" --home "$TEST_TMP/h" demo
printf 'demo\n' >"$TEST_TMP/pass"
run_ok "and verifies it" "$I" --home "$TEST_TMP/h" \
    --passphrase-file "$TEST_TMP/pass" verify
like "$(cat "$OUT")" '^OK: [0-9]+ entries in 4 feeds$' "OK"

if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man --warnings -l "$D$man1dir/detente.1" >"$OUT" 2>"$ERR"
	is "$?" 0 "man -l the installed page"
	like "$(sed -n 1p "$OUT")" '^DETENTE\(1\)' "its header"
	like "$(cat "$OUT")" 'bundle export' "the commands"
	is "$(cat "$ERR")" "" "no warnings from man or groff"
else
	skip 4 "no man"
fi

if command -v bash >/dev/null 2>&1; then
	out=$(PATH=$D$bindir:/usr/bin:/bin bash --norc --noprofile -c '
	    . "$1" || exit 9
	    complete -p detente || exit 8
	    COMP_WORDS=(detente --home "$2" me); COMP_CWORD=3; _detente
	    printf "%s\n" "${COMPREPLY[@]}"
	    COMP_WORDS=(detente --home "$2" --as ""); COMP_CWORD=4; _detente
	    printf "%s\n" "${COMPREPLY[@]}"' sh "$D$compdir/detente" "$TEST_TMP/h")
	is "$(printf '%s\n' "$out" | sed -n 1p)" "complete -F _detente detente" \
	    "complete -p detente in a bash with the installed script"
	is "$(printf '%s\n' "$out" | sed 1d | LC_ALL=C sort | tr '\n' ' ')" \
	    "meeting member ru-expert ru-head us-expert us-head " \
	    "it completes commands and the demo's identities"
else
	skip 2 "no bash"
fi

run_ok "make uninstall" mk uninstall
is "$(find "$D" -type f)" "" "no file left"
done_testing
