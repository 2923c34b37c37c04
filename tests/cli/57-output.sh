#!/bin/sh
# 57-output.sh: every -o FILE by the rules of app/outfile.h: a new file
# appears whole; an existing one is replaced only with --force; /dev/null,
# a FIFO and a socket are written in place (and are still what they were
# afterwards); a symbolic link is followed and stays a link; - is standard
# output, and `bundle import -` / `dialogue join -` read standard input.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

two_homes || bail_out "cannot make a dialogue"
A --as ru-del meeting open >/dev/null 2>&1 &&
    A --as ru-del add note "for the files" >/dev/null 2>&1 ||
    bail_out "cannot write the notes"
D=$TEST_TMP/files
mkdir "$D" || bail_out "no directory"

# --- a new file, then an existing one ---------------------------------------
run_ok "export to a new file" A bundle export -o "$D/b.dtb"
ok '[ -f "$D/b.dtb" ] && [ ! -L "$D/b.dtb" ]' "a regular file"
is "$(stat -c %a "$D/b.dtb")" "600" "mode 0600"
run_ok "the same bundle on standard output" A bundle export -o -
ok 'cmp -s "$OUT" "$D/b.dtb"' "- is standard output, the same bytes"

printf 'keep me\n' >"$D/b.dtb"
run_fails 2 "an existing file is not replaced" A bundle export -o "$D/b.dtb"
like "$(cat "$ERR")" "^detente: $D/b.dtb exists; use --force to replace it\$" \
    "says so, and how to replace it"
is "$(cat "$D/b.dtb")" "keep me" "the file is untouched"
run_ok "--force replaces it" A bundle export -o "$D/b.dtb" --force
A bundle export -o - >"$D/ref.dtb" 2>/dev/null
ok 'cmp -s "$D/b.dtb" "$D/ref.dtb"' "with the bundle"
is "$(ls "$D" | grep -c 'tmp')" "0" "no temporary file is left"

for c in "bundle state" "evidence" "minutes export --draft"; do
	printf 'keep me\n' >"$D/f.md"
	# shellcheck disable=SC2086
	run_fails 2 "$c -o: an existing file is kept" A $c -o "$D/f.md"
	like "$(cat "$ERR")" "f.md exists; use --force to replace it" \
	    "$c says so"
	is "$(cat "$D/f.md")" "keep me" "$c left it as it was"
done
run_ok "minutes export --force" A minutes export --draft -o "$D/f.md" --force
like "$(head -n 1 "$D/f.md")" "^<!-- detente-minutes v1" "the minutes replaced it"
run_ok "bundle state --force" A bundle state -o "$D/f.md" --force
run_ok "evidence --force (no forks)" A evidence -o "$D/f.md" --force
ok '! grep -q "keep me" "$D/f.md"' "evidence --force replaced it"

# --- files that are not regular: written in place --------------------------
run_ok "export to /dev/null" A bundle export -o /dev/null
ok '[ -c /dev/null ]' "/dev/null is still a character device"
is "$(stat -c '%t:%T' /dev/null)" "1:3" "still device 1,3"
run_ok "minutes to /dev/null" A minutes export --draft -o /dev/null
ok '[ -c /dev/null ]' "/dev/null is still a character device"

mkfifo "$D/fifo" || bail_out "no mkfifo"
cat "$D/fifo" >"$D/from-fifo" &
reader=$!
run_ok "export into a FIFO" A bundle export -o "$D/fifo"
wait "$reader"
ok '[ -p "$D/fifo" ]' "the FIFO is still a FIFO"
ok 'cmp -s "$D/from-fifo" "$D/ref.dtb"' "its reader got the whole bundle"

if command -v python3 >/dev/null 2>&1; then
	python3 - "$D/sock" "$D/from-sock" <<'EOS' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
s.settimeout(60)
c, _ = s.accept()
with open(sys.argv[2] + ".part", "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
os.rename(sys.argv[2] + ".part", sys.argv[2])
EOS
	listener=$!
	n=0
	while [ ! -S "$D/sock" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	run_ok "export into a Unix socket" A bundle export -o "$D/sock"
	wait "$listener"
	ok '[ -S "$D/sock" ]' "the socket is still a socket"
	ok 'cmp -s "$D/from-sock" "$D/ref.dtb"' "its listener got the bundle"
else
	skip "no python3 for a socket listener" 3
fi

mkdir "$D/dir"
run_fails 2 "a directory is refused" A bundle export -o "$D/dir"
like "$(cat "$ERR")" "is a directory" "says so"

# --- symbolic links: followed, never replaced ------------------------------
printf 'old\n' >"$D/target"
ln -s target "$D/link"
run_fails 2 "a link to an existing file needs --force" \
    A bundle export -o "$D/link"
like "$(cat "$ERR")" "link exists; use --force to replace it" "says so"
is "$(cat "$D/target")" "old" "the file it points to is untouched"
run_ok "with --force" A bundle export -o "$D/link" --force
ok '[ -L "$D/link" ]' "the link is still a link"
ok 'cmp -s "$D/target" "$D/ref.dtb"' "the file it points to has the bundle"
ln -s nowhere "$D/dangling"
run_fails 2 "a link to nothing is refused" A bundle export -o "$D/dangling"
like "$(cat "$ERR")" "symbolic link to a file that does not exist" "says so"
ok '[ ! -e "$D/nowhere" ]' "nothing was created where it points"
run_fails 2 "also with --force" A bundle export -o "$D/dangling" --force
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	ln -s /dev/null "$D/planted" && chown -h nobody "$D/planted"
	run_fails 2 "another user's link is not followed" \
	    A bundle export -o "$D/planted" --force
	like "$(cat "$ERR")" "another user's symbolic link" "says so"
	ok '[ -L "$D/planted" ] && [ -c /dev/null ]' "link and device unchanged"
else
	skip "not root: cannot give a link to another user" 3
fi
ln -s /dev/null "$D/null-link"
run_ok "a link to /dev/null is written in place" \
    A bundle export -o "$D/null-link"
ok '[ -L "$D/null-link" ] && [ -c /dev/null ]' "link and device unchanged"

# --- standard input ----------------------------------------------------------
A bundle export -o "$TEST_TMP/g.dtb" >/dev/null 2>&1
STDIN=$TEST_TMP/g.dtb run_ok "B joins from standard input (a file)" \
    B dialogue join --yes -
like "$(cat "$OUT")" "new" "B took the entries"
run_ok "bundle import - through a pipe" \
    sh -c 'cat "$1" | "$2" --home "$3" --passphrase-file "$4" bundle import -' \
    sh "$TEST_TMP/g.dtb" "$DETENTE" "$HB" "$PASS"
like "$(cat "$OUT")" "0 new, [0-9]+ already known, 0 held" "read it all"
printf 'not a bundle' >"$TEST_TMP/garbage"
STDIN=$TEST_TMP/garbage run_fails 1 \
    "garbage on standard input is a bad bundle" B bundle import -
STDIN=/dev/null run_fails 1 "an empty standard input is a bad bundle" \
    B bundle import -
like "$(cat "$ERR")" "bad bundle file: .*: standard input" "named as such"

done_testing
