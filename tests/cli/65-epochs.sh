#!/bin/sh
# 65-epochs.sh: membership over time across two homes (two laptops).
#
# For each of several seeds: RU's head removes ru-del while US writes
# without having seen it, then both sides write notes, rekey (each head,
# at random, so two rekeys can be concurrent) and exchange bundles in a
# seeded random interleaving; after a last exchange both ways the two
# replicas hold the same entries in the same merged order, verify, and
# list the same key epochs.  ru-del can write nothing after its removal,
# and, checked on the bytes by tests/tools/epoch_check.py (python3-nacl,
# ru-del's own keystore): no box of a key wrap written after the removal
# is addressed to it, and no content entry written after the removal (in
# whose causal past it is) opens with any key it holds.
#
# Then: a member added with --epochs current holds exactly the current
# epoch (CLI and bytes); a lost laptop is replaced end to end (member
# replace): the new key reads everything, the old key writes nothing and
# reads nothing written after it, and the other side agrees.
#
# DETENTE_SEEDS replays given seeds (default three fixed ones);
# DETENTE_ROUNDS sets the number of random steps per seed (default 14).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

SEEDS=${DETENTE_SEEDS:-"1 20261207 4242"}
ROUNDS=${DETENTE_ROUNDS:-14}
EC="$_tap_lib_dir/tools/epoch_check.py"

rnd()
{
	SEED=$(((SEED * 1103515245 + 12345) % 2147483648))
	R=$(((SEED / 65536) % $1))
}

# ship FROM TO: every entry FROM holds that TO lacks, by a --since bundle.
ship()
{
	"$2" bundle state -o "$TEST_TMP/ship.state" --force >/dev/null &&
	    "$1" bundle export --since "$TEST_TMP/ship.state" \
	    -o "$TEST_TMP/ship.dtb" --force >/dev/null &&
	    "$2" bundle import "$TEST_TMP/ship.dtb" >/dev/null
}

# epochs H AS: the key ids and clocks `dialogue epochs` lists.
epochs()
{
	"$1" --as "$2" dialogue epochs | awk '{ print $5, $9 }'
}

# bytes_check H NAME: epoch_check.py on a full bundle of H, NAME's keys.
bytes_check()
{
	if [ "$1" = A ]; then _h=$HA; else _h=$HB; fi
	"$1" bundle export -o "$TEST_TMP/all.dtb" --force >/dev/null &&
	    /usr/bin/python3 "$EC" "$TEST_TMP/all.dtb" \
	    "$_h/identities/$2.key" "$PASS"
}

for SEED in $SEEDS; do
	s=$SEED
	note "seed $s (replay with DETENTE_SEEDS=$s)"
	rm -rf "$HA" "$HB" "$TEST_TMP/genesis.dtb"
	two_homes || bail_out "cannot make a dialogue"
	join_b || bail_out "cannot join"
	A --as ru-head meeting open >/dev/null || bail_out "no meeting"
	A --as ru-del add note "ru-del before its removal" >/dev/null ||
	    bail_out "cannot write"
	sync_both || bail_out "cannot sync"

	# The removal on A, while B writes without knowing of it.
	run_ok "seed $s: ru-head removes ru-del" A --as ru-head member remove \
	    --reason "left the delegation" ru-del
	like "$(cat "$OUT")" "ru-del removed from RU" \
	    "seed $s: member remove says who was removed"
	like "$(cat "$OUT")" "new key epoch 1 \\(key id [0-9a-f]{16}\\)" \
	    "seed $s: and that a new key epoch starts"
	B --as us-del add note "us-del, not knowing of the removal" \
	    >/dev/null || fail "seed $s: B writes"
	# us-head rekeys before it hears of the removal: its epoch goes to
	# ru-del too (the race FORMAT.md section 6 states); writers leave
	# that epoch once they see the removal
	B --as us-head dialogue rekey --reason "concurrent" >/dev/null ||
	    fail "seed $s: B rekeys"
	B --as us-del add note "us-del under the concurrent epoch" \
	    >/dev/null || fail "seed $s: B writes under it"
	n=0
	i=0
	while [ "$i" -lt "$ROUNDS" ]; do
		i=$((i + 1))
		rnd 8
		case $R in
		0) A --as ru-head add note "ru-head $i" >/dev/null ;;
		1) B --as us-del add note "us-del $i" >/dev/null ;;
		2) B --as us-head add note "us-head $i" >/dev/null ;;
		3) A --as ru-head dialogue rekey --reason "round $i" \
		    >/dev/null ;;
		4) B --as us-head dialogue rekey >/dev/null ;;
		5|6) ship A B ;;
		7) ship B A ;;
		esac || n=$((n + 1))
	done
	is "$n" 0 "seed $s: every step of the interleaving succeeded"
	sync_both && sync_both || fail "seed $s: the last exchange"
	ha=$(hashes "$HA")
	hb=$(hashes "$HB")
	ok '[ -n "$ha" ]' "seed $s: A lists its entries"
	is "$hb" "$ha" \
	    "seed $s: both replicas hold the same entries in the same order"
	run_ok "seed $s: A verifies" A --as ru-head verify
	run_ok "seed $s: B verifies" B --as us-head verify
	ea=$(epochs A ru-head)
	is "$(epochs B us-head)" "$ea" "seed $s: both list the same epochs"
	ok '[ "$(printf "%s\n" "$ea" | wc -l)" -ge 2 ]' \
	    "seed $s: at least two epochs"
	run_fails any "seed $s: ru-del cannot write" A --as ru-del add note \
	    "after my removal"
	like "$(cat "$ERR")" "removed" "seed $s: ru-del writes nothing more"
	# what ru-del reads through the CLI: not the newest note
	A --as ru-head add note "SECRET after removal $s" >/dev/null
	run_ok "seed $s: ru-del reads the log" A --as ru-del log
	unlike "$(cat "$OUT")" "SECRET after removal" \
	    "seed $s: ru-del's log does not show a note written after"
	run_ok "seed $s: ru-head reads the log" A --as ru-head log
	like "$(cat "$OUT")" "SECRET after removal" \
	    "seed $s: ru-head's does"
	like "$(cat "$OUT")" "removes [0-9a-f]{16}: left the delegation" \
	    "seed $s: the log shows the removal with its reason"
	if have_bt; then
		bc=$(bytes_check A ru-del)
		note "ru-del: $bc"
		like "$bc" " wraps_after=0 " \
		    "seed $s: no key wrap after the removal is addressed to ru-del"
		like "$bc" " after=[1-9][0-9]* after_opened=0 " \
		    "seed $s: no entry written after the removal opens with any key ru-del holds (bytes)"
		like "$bc" " other=([0-9]+) other_opened=[1-9]" \
		    "seed $s: ru-del's keys do open what was written before (the check can fail)"
	else
		skip "python3 with nacl, argon2, cryptography" 3
	fi
done

# A member added later, with --epochs current: exactly that epoch.
A id new --name ru-late --kdf min >/dev/null
run_ok "member add --epochs current" A --as ru-head member add \
    --epochs current ru-late
like "$(cat "$OUT")" "the current one only" \
    "member add --epochs current says which epochs it gave"
nheld=$(A --as ru-late dialogue epochs | grep -c ' key held')
is "$nheld" 1 "ru-late holds exactly one epoch"
like "$(A --as ru-late dialogue epochs | grep ' key held')" "\\(current\\)" \
    "and it is the current one"
A --as ru-head add note "for ru-late to read" >/dev/null
run_ok "ru-late reads the log" A --as ru-late log
like "$(cat "$OUT")" "for ru-late to read" "ru-late reads the current epoch"
like "$(cat "$OUT")" "encrypted" "and not the earlier epochs"
run_ok "ru-late verifies" A --as ru-late verify
like "$(cat "$OUT")" "^OK: .*not checked: their key epochs were not given to you" \
    "verify says which content it could not check"
run_ok "ru-head verifies" A --as ru-head verify
unlike "$(cat "$OUT")" "not checked" "ru-head checks everything"
if have_bt; then
	bc=$(bytes_check A ru-late)
	note "ru-late: $bc"
	held=$(printf '%s\n' "$bc" | sed 's/^held=\([^ ]*\) .*/\1/')
	cur=$(A --as ru-head dialogue epochs | grep '(current)' |
	    awk '{ print $5 }')
	is "$held" "$cur" "ru-late's boxes hold the current epoch's key only (bytes)"
	opened=$(printf '%s\n' "$bc" | sed 's/.*other_opened=\([0-9]*\) .*/\1/')
	named=$(printf '%s\n' "$bc" | sed 's/.*named_held=\([0-9]*\)$/\1/')
	is "$opened" "$named" "ru-late opens exactly the entries of the epoch it holds (bytes)"
else
	skip "python3 with nacl, argon2, cryptography" 2
fi

# A lost laptop: ru-late's key is replaced by a new one, in one step.
A id new --name ru-late2 --kdf min >/dev/null
run_ok "member replace" A --as ru-head member replace --reason "laptop lost" \
    ru-late ru-late2
like "$(cat "$OUT")" "old key of ru-late is removed" \
    "member replace: the old key is removed"
like "$(cat "$OUT")" "every epoch this head holds" \
    "and the new key is given every epoch"
like "$(cat "$OUT")" "new key epoch" "and a new epoch starts"
A --as ru-late2 add note "from the new laptop" >/dev/null
ok $? "the new key writes"
run_fails any "the lost key writes nothing" A --as ru-late add note \
    "from the lost laptop"
run_ok "the new key reads the log" A --as ru-late2 log
like "$(cat "$OUT")" "ru-del before its removal" \
    "the new key reads what was written before the replacement"
like "$(cat "$OUT")" "from the new laptop" "and after it"
is "$(A member list | grep -c '^ru-late2 .*added at clock')" 1 \
    "member list shows the new key under its name"
is "$(A member list | grep -c '^ru-late .*removed at clock')" 1 \
    "and the old key as removed"
sync_both || fail "exchange after the replacement"
is "$(hashes "$HB")" "$(hashes "$HA")" "the other side holds the same entries"
run_ok "B verifies" B --as us-head verify
run_ok "B reads the log" B --as us-head log
like "$(cat "$OUT")" "from the new laptop" "and reads the new key's note"
if have_bt; then
	bc=$(bytes_check A ru-late)
	note "ru-late (lost): $bc"
	like "$bc" " wraps_after=0 after=[1-9][0-9]* after_opened=0 " \
	    "the lost key opens nothing written after the replacement (bytes)"
else
	skip "python3 with nacl, argon2, cryptography" 1
fi

# Usage errors.
run_fails 1 "member remove of the other party" A --as ru-head member remove \
    us-del
like "$(cat "$ERR")" "own party" "a head removes members of its own party only"
# A bundle with key epochs and a removal is audited by the join (the
# one-pass audit gives such a bundle up: check 7b needs the store), and
# it is valid.
A bundle export -o "$TEST_TMP/all.dtb" --force >/dev/null ||
    bail_out "cannot export"
run_ok "audit of a bundle with key epochs and a removal" \
    A audit "$TEST_TMP/all.dtb" --no-key --json
like "$(cat "$OUT")" '"how": *"temporary store"' \
    "the one pass gave it to the join"
like "$(cat "$OUT")" '"gave_up": *"(an entry names a key epoch|a member was removed)"' \
    "and says why"

run_fails 1 "member remove of a head" A --as ru-head member remove ru-head
like "$(cat "$ERR")" "head of delegation cannot be removed" \
    "a head cannot be removed"
run_fails 1 "member remove of a removed member" A --as ru-head member remove \
    ru-del
like "$(cat "$ERR")" "removed already|no current member" \
    "a removed member cannot be removed again"
run_fails 1 "dialogue rekey by a delegate" B --as us-del dialogue rekey
like "$(cat "$ERR")" "may not write" "only a head rekeys"
run_fails 2 "member add --epochs some" A --as ru-head member add \
    --epochs some ru-late
done_testing
