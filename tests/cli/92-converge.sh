#!/bin/sh
# 92-converge.sh: two homes (two laptops) write concurrently and exchange
# bundles in random interleavings (full or --since exports, stale state
# files, one way or both, bundles delivered out of order so that entries
# are held), and after every round, once bundles have gone both ways,
# both replicas show the same merged order and verify.
#
# The interleavings come from a seeded generator; the seed is printed.
# Run again with the same DETENTE_SEED to replay a failure, and set
# DETENTE_ROUNDS to change the number of rounds (default 15).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

SEED=${DETENTE_SEED:-$(date +%s)}
ROUNDS=${DETENTE_ROUNDS:-15}
note "seed $SEED (replay with DETENTE_SEED=$SEED)"

# rnd N: a number in 0..N-1 into $R (an LCG, the same in every shell).
rnd()
{
	SEED=$(((SEED * 1103515245 + 12345) % 2147483648))
	R=$(((SEED / 65536) % $1))
}

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-del meeting open >/dev/null || bail_out "cannot open a meeting"
sync_both || bail_out "cannot sync"

# Writers on each side (us-new is added by us-head on B in round 1).
WA="ru-head ru-del"
WB="us-head us-del"
B id new --name us-new --kdf min >/dev/null
n=0
held_seen=0
held_bad=0

# write SIDE: 0 to 3 notes by random writers of SIDE, some at once.
write()
{
	_side=$1
	rnd 4
	_k=$R
	while [ "$_k" -gt 0 ]; do
		n=$((n + 1))
		if [ "$_side" = A ]; then set -- $WA; else set -- $WB; fi
		rnd $#
		shift $R
		rnd 2
		if [ "$R" -eq 0 ]; then
			"$_side" --as "$1" add note "note $n by $1" >/dev/null &
		else
			"$_side" --as "$1" add note "note $n by $1" >/dev/null
		fi
		_k=$((_k - 1))
	done
}

# ship FROM TO: a bundle FROM -> TO, in one of several ways.
ship()
{
	_from=$1
	_to=$2
	rnd 4
	case $R in
	0) # everything
		"$_from" bundle export --force -o "$TEST_TMP/x.dtb" >/dev/null &&
		    "$_to" bundle import "$TEST_TMP/x.dtb" >/dev/null
		;;
	1) # since a fresh state
		"$_to" bundle state --force -o "$TEST_TMP/s.state" >/dev/null &&
		    "$_from" bundle export --since "$TEST_TMP/s.state" \
		    --force -o "$TEST_TMP/x.dtb" >/dev/null &&
		    "$_to" bundle import "$TEST_TMP/x.dtb" >/dev/null
		;;
	2) # since a stale state (what TO held a round or more ago)
		[ -f "$TEST_TMP/stale-$_to.state" ] ||
		    "$_to" bundle state --force -o "$TEST_TMP/stale-$_to.state" \
		    >/dev/null
		"$_from" bundle export --since "$TEST_TMP/stale-$_to.state" \
		    --force -o "$TEST_TMP/x.dtb" >/dev/null &&
		    "$_to" bundle import "$TEST_TMP/x.dtb" >/dev/null
		;;
	3) # two bundles, the second delivered first: held, then released
		wait # no write in flight: what x1 and x2 carry is exact
		"$_to" bundle state --force -o "$TEST_TMP/s.state" >/dev/null &&
		    "$_from" bundle export --since "$TEST_TMP/s.state" \
		    --force -o "$TEST_TMP/x1.dtb" >"$TEST_TMP/x1.out" &&
		    "$_from" bundle state --force -o "$TEST_TMP/f.state" >/dev/null &&
		    "$_from" --as "$(first_writer "$_from")" add note \
		    "note $((n += 1)) by $(first_writer "$_from")" >/dev/null &&
		    "$_from" bundle export --since "$TEST_TMP/f.state" \
		    --force -o "$TEST_TMP/x2.dtb" >/dev/null &&
		    "$_to" bundle import "$TEST_TMP/x2.dtb" >"$TEST_TMP/x2.imp" &&
		    "$_to" bundle import "$TEST_TMP/x1.dtb" >"$TEST_TMP/x1.imp"
		# The new note refers to (or follows) what x1 carries: when
		# x1 carries anything, the note waits for it, and comes in
		# with it.
		if grep -q '(0 entries' "$TEST_TMP/x1.out"; then
			:
		elif grep -q '^0 new, 0 already known, 1 held$' \
		    "$TEST_TMP/x2.imp" && grep -q '^1 entry held from' \
		    "$TEST_TMP/x1.imp"; then
			held_seen=$((held_seen + 1))
		else
			held_bad=$((held_bad + 1))
			diag_file "$TEST_TMP/x2.imp"
			diag_file "$TEST_TMP/x1.imp"
		fi
		;;
	esac
}

first_writer()
{
	if [ "$1" = A ]; then set -- $WA; else set -- $WB; fi
	echo "$1"
}

round=1
while [ $round -le "$ROUNDS" ]; do
	if [ $round -eq 1 ]; then
		B --as us-head member add "$(B id export --vkey us-new)" \
		    >/dev/null || fail "round 1: us-head adds us-new"
		WB="us-head us-del us-new"
	fi
	rnd 3
	[ "$R" -eq 0 ] && B bundle state --force -o "$TEST_TMP/stale-B.state" >/dev/null
	[ "$R" -eq 1 ] && A bundle state --force -o "$TEST_TMP/stale-A.state" >/dev/null
	# Both sides write, partly at once, and bundles cross meanwhile.
	write A
	write B
	rnd 4
	case $R in
	0) ship A B ;;
	1) ship B A ;;
	2) ship A B; ship B A ;;
	3) ;;
	esac
	write B
	write A
	wait
	# Then bundles both ways, in a random order, and once more the
	# first way (what the second brought back is known already).
	rnd 2
	if [ "$R" -eq 0 ]; then
		ship A B; ship B A; ship A B
	else
		ship B A; ship A B; ship B A
	fi
	sync_both || fail "round $round: sync"
	ha=$(hashes "$HA")
	hb=$(hashes "$HB")
	is "$hb" "$ha" "round $round: same merged order ($(echo "$ha" | wc -l | tr -d ' ') entries)"
	is "$(cat "$TEST_TMP/sync-b.out" "$TEST_TMP/sync-a.out" | grep -c ' 0 held$')" 2 \
	    "round $round: nothing held"
	A --as ru-head verify >"$TEST_TMP/va" 2>&1
	like "$(cat "$TEST_TMP/va")" "^OK: " "round $round: A verifies"
	B --as us-head verify >"$TEST_TMP/vb" 2>&1
	like "$(cat "$TEST_TMP/vb")" "^OK: " "round $round: B verifies"
	round=$((round + 1))
done
is "$held_bad" 0 "bundles out of order: held, then added ($held_seen times)"
run_ok "A's log decrypts" A --as ru-del log
is "$(grep -c 'note [0-9]* by' "$OUT")" "$n" "every note written is there"
done_testing
