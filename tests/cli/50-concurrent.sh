#!/bin/sh
# 50-concurrent.sh: twenty `detente add` processes at once on the same
# identity all land, in one feed with contiguous sequence numbers and no
# fork, and a second writer on another identity interleaves cleanly;
# readers that open the store meanwhile open it; each writer's feed mark
# ends at its feed's last entry.
#
# An open during the writes once refused a sound store as damaged (one
# writer of forty printed no id, now and then: storage/store.c,
# check_size(), and docs/ARCHITECTURE.md, "Concurrency").  `make
# concurrent` runs this at length: DETENTE_CONCURRENT_ROUNDS rounds
# (default 1), each on a fresh home, of DETENTE_CONCURRENT_N writers per
# identity (default 20); every failing process's stderr is shown.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

ROUNDS=${DETENTE_CONCURRENT_ROUNDS:-1}
N=${DETENTE_CONCURRENT_N:-20}
READERS=5

# mark_size NAME: the size NAME's marks file gives (its one dialogue).
mark_size()
{
	awk '{ print $3 }' "$H/identities/$1.marks" 2>/dev/null
}

# one_round: the writers and readers at once on a new dialogue in $H.
one_round()
{
	new_dialogue || bail_out "cannot make a dialogue"
	run_ok "meeting open" dt --as ru-del meeting open
	rpids=
	i=1
	while [ $i -le $N ]; do
		dt --as ru-del add note "parallel note $i" \
		    >"$TEST_TMP/p$i.out" 2>"$TEST_TMP/p$i.err" </dev/null &
		dt --as us-del add note "other side $i" \
		    >"$TEST_TMP/q$i.out" 2>"$TEST_TMP/q$i.err" </dev/null &
		if [ $i -le $READERS ]; then
			# an opening (and its watermark write) amid the commits
			dt --as ru-head log >/dev/null 2>"$TEST_TMP/r$i.err" \
			    </dev/null &
			rpids="$rpids $!"
		fi
		i=$((i + 1))
	done
	# the readers' statuses (wait PID), then the writers
	bad=0
	i=1
	for p in $rpids; do
		wait "$p" || {
			bad=$((bad + 1))
			diag_file "$TEST_TMP/r$i.err"
		}
		i=$((i + 1))
	done
	wait
	fails=0
	i=1
	while [ $i -le $N ]; do
		grep -Eq '^[0-9a-f]{8}$' "$TEST_TMP/p$i.out" || {
			fails=$((fails + 1))
			diag_file "$TEST_TMP/p$i.err"
		}
		grep -Eq '^[0-9a-f]{8}$' "$TEST_TMP/q$i.out" || {
			fails=$((fails + 1))
			diag_file "$TEST_TMP/q$i.err"
		}
		i=$((i + 1))
	done
	is "$fails" 0 "every process printed a short id"
	is "$bad" 0 "every reader opened the store while it grew"
	run_ok "log --json" dt --as ru-head log --json
	if command -v python3 >/dev/null 2>&1; then
		res=$(python3 -c '
import json, sys
log = json.load(open(sys.argv[1]))
seqs = sorted(e["seq"] for e in log if e["author_name"] == "ru-del")
texts = sorted(e["text"] for e in log if e["author_name"] == "ru-del" and e["kind"] == "note")
print(seqs == list(range(len(seqs))), len(texts), len(set(texts)))
' "$OUT")
		is "$res" "True $N $N" \
		    "ru-del: seqs 0..n contiguous, all $N notes, all different"
	else
		is "$(grep -c '"text": "parallel note' "$OUT")" "$N" \
		    "all $N notes landed"
	fi
	is "$(grep -c '"text": "other side' "$OUT")" "$N" \
	    "all $N notes of the other writer landed"
	# the meeting's opening and N notes; N notes (app/feedmark.c)
	is "$(mark_size ru-del) $(mark_size us-del)" "$((N + 1)) $N" \
	    "each writer's feed mark is its feed's size (no lost update)"
	run_ok "verify after concurrent writes" dt --as ru-head verify
	like "$(cat "$OUT")" "^OK: $((2 + 1 + 2 * N)) entries in 3 feeds\$" \
	    "no fork, every entry checked"
}

r=1
while [ $r -le "$ROUNDS" ]; do
	H=$TEST_TMP/h$r
	[ "$ROUNDS" -gt 1 ] && note "round $r of $ROUNDS"
	one_round
	rm -rf "$H"
	r=$((r + 1))
done
done_testing
