#!/bin/sh
# 58-readonly.sh: the read commands on a store that cannot be written to.
# First a real read-only mount (as root: a tmpfs remounted read-only; the
# case where LMDB can make no lock file), then a home without write
# permission (chmod -R a-w; run as an unprivileged user when root, since
# root ignores modes).  Writes are refused with one clear line.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-del meeting open >/dev/null 2>&1 &&
    dt --as ru-del add note "read me from a read-only disk" >/dev/null 2>&1 &&
    dt --as ru-head add commitment --party RU --owner "MFA" \
    --due 2031-01-01 "a commitment to list" >/dev/null 2>&1 ||
    bail_out "cannot write the entries"
dt bundle export -o "$TEST_TMP/all.dtb" >/dev/null 2>&1 ||
    bail_out "cannot export"

# reads HOME: every read command, each must exit 0.
reads()
{
	_h=$1
	shift
	run_ok "$_where: log" "$@" --home "$_h" --passphrase-file "$_pf" \
	    --as ru-head log
	like "$(cat "$OUT")" "read me from a read-only disk" "$_where: the note"
	run_ok "$_where: log --no-key" "$@" --home "$_h" log --no-key
	run_ok "$_where: verify" "$@" --home "$_h" --passphrase-file "$_pf" \
	    --as ru-head verify
	like "$(cat "$OUT")" "^OK: " "$_where: verify says OK"
	run_ok "$_where: commitments" "$@" --home "$_h" \
	    --passphrase-file "$_pf" --as ru-head commitments
	like "$(cat "$OUT")" "a commitment to list" "$_where: listed"
	run_ok "$_where: meeting list" "$@" --home "$_h" \
	    --passphrase-file "$_pf" --as ru-head meeting list
	run_ok "$_where: dialogue list" "$@" --home "$_h" dialogue list
	run_ok "$_where: member list" "$@" --home "$_h" member list
	run_ok "$_where: evidence" "$@" --home "$_h" evidence
	run_ok "$_where: bundle export -o elsewhere" "$@" --home "$_h" \
	    bundle export -o "$_out/ro.dtb"
	ok 'cmp -s "$_out/ro.dtb" "$TEST_TMP/all.dtb"' \
	    "$_where: the same bundle as the writable store gave"
	run_ok "$_where: minutes export --draft" "$@" --home "$_h" \
	    --passphrase-file "$_pf" --as ru-head minutes export --draft \
	    -o "$_out/m.md"
	run_fails 2 "$_where: a write is refused" "$@" --home "$_h" \
	    --passphrase-file "$_pf" --as ru-del add note "no"
	like "$(cat "$ERR")" "the dialogue can only be read here" \
	    "$_where: says why, in one line"
	is "$(wc -l <"$ERR")" 1 "$_where: one line"
	run_fails 2 "$_where: an import is refused" "$@" --home "$_h" \
	    bundle import "$_out/ro.dtb"
	like "$(cat "$ERR")" "the dialogue can only be read here" \
	    "$_where: says why"
}

# --- 1. a read-only mount --------------------------------------------------
MNT=$TEST_TMP/mnt
mounted=
_ro_exit()
{
	_st=$?
	[ -n "$mounted" ] && umount "$MNT" 2>/dev/null
	(exit "$_st")
	_tap_exit
}
trap _ro_exit EXIT
mkdir "$MNT"
if [ "$(id -u)" -eq 0 ] &&
    mount -t tmpfs -o size=64m,mode=0700 detente-ro "$MNT" 2>/dev/null; then
	mounted=1
	cp -a "$H" "$MNT/h" && mount -o remount,ro "$MNT" ||
	    bail_out "cannot remount read-only"
	ok '! touch "$MNT/h/x" 2>/dev/null' "the mount is read-only"
	_where="read-only mount" _pf=$PASS _out=$TEST_TMP
	reads "$MNT/h" "$DETENTE"
	ok '[ ! -e "$MNT/h/dialogues/$DID/lock.mdb" ] ||
	    [ -e "$H/dialogues/$DID/lock.mdb" ]' "no lock file was made"
	umount "$MNT" && mounted=
else
	skip "not root, or mount -t tmpfs is not allowed here: no read-only mount to test" 21
fi

# --- 2. no write permission (chmod -R a-w) ---------------------------------
C=$TEST_TMP/cm
mkdir "$C" && cp -a "$H" "$C/h" && cp "$PASS" "$C/pass" || bail_out "copy"
if [ "$(id -u)" -ne 0 ]; then
	chmod -R a-w "$C/h"
	_where="chmod a-w" _pf=$C/pass _out=$TEST_TMP
	reads "$C/h" "$DETENTE"
	chmod -R u+w "$C/h"
elif command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	# Root ignores modes: run as nobody, the owner of a copy it may
	# not write.  nobody may pass through $TEST_TMP, no more.
	chmod 0711 "$TEST_TMP" "$C"
	mkdir "$C/out" && chown nobody "$C/out" "$C/pass" &&
	    chown -R nobody "$C/h" && chmod -R a-w "$C/h" ||
	    bail_out "cannot prepare the copy"
	_where="chmod a-w (as nobody)" _pf=$C/pass _out=$C/out
	reads "$C/h" setpriv --reuid="$(id -u nobody)" \
	    --regid="$(id -g nobody)" --clear-groups "$DETENTE"
	chmod -R u+w "$C/h"
else
	skip "root without setpriv or user nobody: modes cannot be tested" 19
fi

done_testing
