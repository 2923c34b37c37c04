#!/bin/sh
# 64-meeting-prop.sh: a property of the meeting lifecycle across two
# replicas (issue 13): whatever the interleaving of openings, closings,
# notes, decisions, endorsements and exchanges (one way or both) on two
# homes, once both sides have exchanged and closed every meeting, the
# two replicas list the same meetings with the same numbers, the minutes
# of every meeting are final and byte-identical on both, and both
# replicas verify with no member fault (honest software writes no late
# entry).  Each run is drawn from a seed: MEETING_PROP_RUNS runs (default
# 3 here; `make meeting-campaign` runs more), from MEETING_PROP_SEED
# (default 1301); a failing run prints its seed and its steps.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

RUNS=${MEETING_PROP_RUNS:-3}
SEED0=${MEETING_PROP_SEED:-1301}
STEPS=${MEETING_PROP_STEPS:-40}

# rnd N: RN, a number in 0..N-1 from the run's generator (an LCG, in R;
# not run in a subshell, which would lose R's new value).
rnd()
{
	R=$(( (R * 1103515245 + 12345) % 2147483648 ))
	RN=$(( (R / 65536) % $1 ))
}

# side S: "A" or "B"; as S: that side's head or delegate.
head_of() { [ "$1" = A ] && echo ru-head || echo us-head; }
del_of() { [ "$1" = A ] && echo ru-del || echo us-del; }

one_way()
{
	# $1 to $2: what $2 lacks, by a state file
	"$2" bundle state -o "$TEST_TMP/ow.state" --force >/dev/null &&
	    "$1" bundle export --since "$TEST_TMP/ow.state" \
	    -o "$TEST_TMP/ow.dtb" --force >/dev/null &&
	    "$2" bundle import "$TEST_TMP/ow.dtb" >/dev/null 2>&1
}

run=0
while [ "$run" -lt "$RUNS" ]; do
	seed=$((SEED0 + run))
	R=$seed
	HA=$TEST_TMP/r$run/A
	HB=$TEST_TMP/r$run/B
	mkdir -p "$HA" "$HB"
	rm -f "$TEST_TMP/genesis.dtb"
	two_homes >/dev/null 2>&1 && join_b || bail_out "run $run: setup"
	steps=""
	ids=""
	i=0
	while [ "$i" -lt "$STEPS" ]; do
		i=$((i + 1))
		s=A
		rnd 2
		[ "$RN" = 1 ] && s=B
		o=A
		[ "$s" = A ] && o=B
		rnd 9
		case $RN in
		0) steps="$steps $s:open"
		   "$s" --as "$(head_of $s)" meeting open >/dev/null 2>&1 ;;
		1) steps="$steps $s:close"
		   "$s" --as "$(del_of $s)" meeting close >/dev/null 2>&1 ;;
		2|3) steps="$steps $s:note"
		   "$s" --as "$(del_of $s)" add note "note $i on $s" \
		       >/dev/null 2>&1 ;;
		4) steps="$steps $s:decision"
		   d=$("$s" --as "$(head_of $s)" add decision \
		       "decision $i on $s" 2>/dev/null) && ids="$ids $d" ;;
		5) set -- $ids
		   if [ $# -gt 0 ]; then
			rnd $#
			k=$((RN + 1))
			eval "d=\${$k}"
			steps="$steps $s:endorse"
			"$s" --as "$(head_of $s)" endorse "$d" >/dev/null 2>&1
		   fi ;;
		6) steps="$steps $s>$o"
		   one_way "$s" "$o" ;;
		*) steps="$steps sync"
		   sync_both >/dev/null 2>&1 ;;
		esac
	done
	# The end of the dialogue: exchange, each side closes what it has
	# not closed, exchange again.
	sync_both >/dev/null 2>&1 || bail_out "run $run: sync"
	for s in A B; do
		for n in $("$s" meeting list | sed -n 's/^meeting \([0-9]*\) .*/\1/p'); do
			"$s" --as "$(head_of $s)" meeting close "$n" \
			    >/dev/null 2>&1
		done
	done
	sync_both >/dev/null 2>&1 || bail_out "run $run: sync"
	why=""
	la=$(A meeting list) lb=$(B meeting list)
	[ "$la" = "$lb" ] || why="$why; the meeting lists differ"
	nums=$(printf '%s\n' "$la" | sed -n 's/^meeting \([0-9]*\) .*/\1/p')
	[ "$(printf '%s\n' "$nums" | sort -n | uniq -d)" = "" ] ||
	    why="$why; a number twice"
	k=0
	for n in $nums; do
		k=$((k + 1))
		[ "$n" = "$k" ] || why="$why; meeting $n where $k was due"
		printf '%s\n' "$la" | grep -q "^meeting $n  closed" ||
		    why="$why; meeting $n not closed by both"
		A minutes export --meeting "$n" -o "$TEST_TMP/ma.md" --force \
		    >/dev/null 2>&1 || why="$why; no final minutes of $n on A"
		B minutes export --meeting "$n" -o "$TEST_TMP/mb.md" --force \
		    >/dev/null 2>&1 || why="$why; no final minutes of $n on B"
		cmp -s "$TEST_TMP/ma.md" "$TEST_TMP/mb.md" ||
		    why="$why; the minutes of $n differ"
	done
	A verify >/dev/null 2>&1 || why="$why; A does not verify clean"
	B verify >/dev/null 2>&1 || why="$why; B does not verify clean"
	if [ -z "$why" ]; then
		ok true "seed $seed: $k meetings, the same on both sides, final minutes byte-identical"
	else
		ok false "seed $seed: ${why#; }"
		diag "seed $seed steps:$steps"
		diag "A: $la"
		diag "B: $lb"
	fi
	run=$((run + 1))
done

done_testing
