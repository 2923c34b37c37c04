#!/bin/sh
# 11-passphrase-file.sh: what a passphrase file holds (docs/FORMAT.md,
# section 3, "Key derivation").  The passphrase is the file's first line:
# its bytes up to the first LF (or the end of the file), without that LF
# and without one CR right before it or at the very end of the file;
# nothing else is trimmed, and what follows the first LF is ignored.
# ru-head's identity was made with "correct horse" LF.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"

# unlocks DESC BYTES: ru-head unlocks with a file of these bytes (printf).
unlocks()
{
	printf "$2" >"$TEST_TMP/pf"
	run_ok "$1" "$DETENTE" --home "$H" --as ru-head \
	    --passphrase-file "$TEST_TMP/pf" log
}

# refused DESC BYTES: the same file is a wrong passphrase.
refused()
{
	printf "$2" >"$TEST_TMP/pf"
	run_fails 2 "$1" "$DETENTE" --home "$H" --as ru-head \
	    --passphrase-file "$TEST_TMP/pf" log
	like "$(cat "$ERR")" 'wrong passphrase' "$1: says wrong passphrase"
}

unlocks "LF ends the line" 'correct horse\n'
unlocks "CR LF ends the line" 'correct horse\r\n'
unlocks "no line end at all" 'correct horse'
unlocks "a lone CR at the end of the file is dropped too" 'correct horse\r'
unlocks "only the first line counts" 'correct horse\n\nsomething else\n'
refused "only one CR is dropped" 'correct horse\r\r\n'
refused "a CR inside the line is kept" 'correct horse\rx\n'
refused "a space at the end is kept" 'correct horse \n'
refused "a space at the start is kept" ' correct horse\n'

# At most 1024 bytes before the LF.
python3 -c 'import sys; sys.stdout.write("x" * 1025 + "\n")' >"$TEST_TMP/long"
run_fails 2 "1025 bytes are too long" "$DETENTE" --home "$H" --as ru-head \
    --passphrase-file "$TEST_TMP/long" log
like "$(cat "$ERR")" 'passphrase too long' "says so"
python3 -c 'import sys; sys.stdout.write("x" * 1024 + "\n")' >"$TEST_TMP/max"
run_ok "a new identity with a passphrase of 1024 bytes" "$DETENTE" \
    --home "$H" --passphrase-file "$TEST_TMP/max" id new --name maxi --kdf min
done_testing
