#!/bin/sh
# 55-full-disk.sh: a full disk.  The home is moved onto a small tmpfs and
# notes are added until it is full: the add that does not fit fails with
# one line and a non-zero exit, writes nothing, and every entry stored
# before it is still there; once there is room again the record
# verifies and takes new entries.
#
# A tmpfs needs root, or a user and mount namespace (unshare -rm), in
# which the test runs itself again; without either it is skipped.
if [ "$(id -u)" != 0 ] && [ -z "${DT_FULLDISK_NS:-}" ] &&
    command -v unshare >/dev/null 2>&1 &&
    unshare -rm true >/dev/null 2>&1; then
	DT_FULLDISK_NS=1 exec unshare -rm sh "$0" "$@"
fi
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

MNT=$TEST_TMP/small
mkdir -p "$MNT"
new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-head meeting open >/dev/null || bail_out "cannot open a meeting"
dt --as ru-del add note "Before the disk filled up" >/dev/null ||
    bail_out "cannot add a note"

# The home's size, and room for a few notes more.
KB=$(du -sk "$H" | cut -f1)
SIZE=$((KB + 192))
if [ "$(id -u)" != 0 ] ||
    ! mount -t tmpfs -o "size=${SIZE}k" tmpfs "$MNT" 2>/dev/null; then
	plan skip_all "cannot mount a small tmpfs (needs root or unshare -rm)"
fi
trap '_s=$?; umount "$MNT" 2>/dev/null; (exit $_s); _tap_exit' EXIT
cp -a "$H" "$MNT/h" || bail_out "cannot copy the home"
H=$MNT/h
BEFORE=$(count_entries)
FEEDS=$(dt --as ru-head verify | sed -n 's/^OK: [0-9]* entries in \([0-9]*\) feeds$/\1/p')
ok '[ "$BEFORE" -ge 3 ] && [ -n "$FEEDS" ]' \
    "the home on the small disk holds $BEFORE entries in $FEEDS feeds"

# A note of about 8 KB of Cyrillic text, different each time.
big()
{
	i=0
	while [ $i -lt 150 ]; do
		printf 'Стороны обсудили вопрос %s-%s. ' "$1" "$i"
		i=$((i + 1))
	done
}

added=0
failed=
n=0
while [ $n -lt 200 ]; do
	n=$((n + 1))
	if big "$n" | dt --as ru-del add note - >"$TEST_TMP/out" \
	    2>"$TEST_TMP/err"; then
		added=$((added + 1))
	else
		failed=$?
		break
	fi
done
ok '[ -n "$failed" ]' "an add fails once the disk is full (after $added notes)"
ok '[ "$added" -ge 1 ]' "some notes fitted before it"
isnt "${failed:-0}" 0 "the failing add exits non-zero"
is "$(wc -l <"$TEST_TMP/err" | tr -d ' ')" 1 "with one line on stderr"
like "$(cat "$TEST_TMP/err")" 'no space left' "which says there is no space left"
is "$(wc -c <"$TEST_TMP/out" | tr -d ' ')" 0 "and prints no entry id"
is "$(count_entries)" $((BEFORE + added)) \
    "every entry stored before is still there, and nothing of the failed one"
big x >"$TEST_TMP/big"
run_fails any "a second note as long fails too" \
    dt --as ru-del add note - <"$TEST_TMP/big"
is "$(count_entries)" $((BEFORE + added)) "and adds nothing"

# Room again: everything verifies, and writing goes on.
mount -o remount,size=8m "$MNT" 2>/dev/null || bail_out "cannot grow the tmpfs"
run_ok "with room again, the record verifies" dt --as ru-head verify
is "$(cat "$OUT")" "OK: $((BEFORE + added)) entries in $FEEDS feeds" \
    "with every entry stored before the disk filled up"
run_ok "and takes a new note" dt --as ru-del add note "After the disk was freed"
is "$(count_entries)" $((BEFORE + added + 1)) "which lands"
run_ok "the record still verifies" dt --as ru-head verify
cd "$TEST_TMP" || bail_out "cd"
done_testing
