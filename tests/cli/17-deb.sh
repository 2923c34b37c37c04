#!/bin/sh
# 17-deb.sh: the Debian package.  Skipped unless DETENTE_TEST_DEB=1
# (`make check-deb` sets it): it builds the package (`make deb`, with
# DEB_BUILD_OPTIONS=nocheck: the suite has just run), which takes a
# minute or more, too long for every `make check`.
#
# Checks: dpkg-buildpackage succeeds; lintian reports no error; the
# package holds the program, the man page, the bash completion and the
# translations of po/LINGUAS, and nothing unexpected; unpacked (dpkg-deb
# -x, not installed: the machine is shared), the program runs, its man
# page renders without warnings, and its completion completes.
. "$(dirname "$0")/../tap.sh"

[ "${DETENTE_TEST_DEB:-0}" = 1 ] ||
    plan skip_all "the package build is long: make check-deb runs it"
for t in dpkg-buildpackage dh lintian dpkg-deb; do
	command -v "$t" >/dev/null 2>&1 ||
	    plan skip_all "no $t (./dev deb installs the packaging tools)"
done

mk()
{
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$abs_top_builddir" "$@"
}
start=$(date +%s)
DEB_BUILD_OPTIONS=nocheck mk deb >"$TEST_TMP/build.log" 2>&1
rc=$?
is "$rc" 0 "make deb (dpkg-buildpackage -us -uc -b) in $(($(date +%s) - start)) s"
[ "$rc" -eq 0 ] || { tail -n 40 "$TEST_TMP/build.log" | sed 's/^/# /'; }
DEB=$(ls "$abs_top_builddir"/deb-build/detente_*_*.deb 2>/dev/null | head -n 1)
ok '[ -f "$DEB" ]' "the package is in deb-build/"

lintian --fail-on error --no-tag-display-limit "$abs_top_builddir"/deb-build/detente_*.changes \
    >"$TEST_TMP/lintian" 2>&1
is "$?" 0 "lintian reports no error"
is "$(grep -E '^E: ' "$TEST_TMP/lintian")" "" "no E: line"
grep -E '^[WI]: ' "$TEST_TMP/lintian" | sed 's/^/# lintian: /'

X=$TEST_TMP/x
dpkg-deb -x "$DEB" "$X" || bail_out "dpkg-deb -x failed"
ok '[ -x "$X/usr/bin/detente" ]' "/usr/bin/detente"
ok '[ -f "$X/usr/share/man/man1/detente.1.gz" ]' "man page"
ok '[ -f "$X/usr/share/bash-completion/completions/detente" ]' "bash completion"
ok '[ -f "$X/usr/share/zsh/vendor-completions/_detente" ]' "zsh completion"
ok '[ -f "$X/usr/share/doc/detente/copyright" ]' "copyright"
for l in $(sed 's/#.*//' "$abs_top_srcdir/po/LINGUAS"); do
	ok '[ -f "$X/usr/share/locale/$l/LC_MESSAGES/detente.mo" ]' "the $l translation"
done
is "$(cd "$X" && find . -type f | grep -v -e '^./usr/bin/detente$' \
    -e '^./usr/share/man/man1/detente.1.gz$' -e '^./usr/share/man/ru/man1/detente.1.gz$' \
    -e '^./usr/share/bash-completion/completions/detente$' \
    -e '^./usr/share/zsh/vendor-completions/_detente$' \
    -e '^./usr/share/doc/detente/' -e '/LC_MESSAGES/detente.mo$')" "" \
    "nothing else in the package"

run_ok "the packaged detente --version" "$X/usr/bin/detente" --version
like "$(cat "$OUT")" "^detente [0-9]" "prints the version"
run_ok "and makes the demo" "$X/usr/bin/detente" --home "$TEST_TMP/h" demo
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man --warnings -l "$X/usr/share/man/man1/detente.1.gz" \
	    >"$OUT" 2>"$ERR"
	like "$(sed -n 1p "$OUT")" '^DETENTE\(1\)' "man -l the packaged page"
	is "$(cat "$ERR")" "" "without warnings"
else
	skip 2 "no man"
fi
out=$(PATH=$X/usr/bin:/usr/bin:/bin bash --norc --noprofile -c '
    . "$1" || exit 9
    COMP_WORDS=(detente --home "$2" --as us-); COMP_CWORD=4; _detente
    printf "%s\n" "${COMPREPLY[@]}"' sh \
    "$X/usr/share/bash-completion/completions/detente" "$TEST_TMP/h")
is "$(printf '%s\n' "$out" | LC_ALL=C sort | tr '\n' ' ')" "us-expert us-head " \
    "the packaged completion completes identities"
done_testing
