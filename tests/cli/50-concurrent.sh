#!/bin/sh
# 50-concurrent.sh: twenty `detente add` processes at once on the same
# identity all land, in one feed with contiguous sequence numbers and no
# fork, and a second writer on another identity interleaves cleanly.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

new_dialogue || bail_out "cannot make a dialogue"
run_ok "meeting open" dt --as ru-del meeting open
N=20
i=1
while [ $i -le $N ]; do
	dt --as ru-del add note "parallel note $i" >"$TEST_TMP/p$i.out" \
	    2>"$TEST_TMP/p$i.err" &
	dt --as us-del add note "other side $i" >"$TEST_TMP/q$i.out" \
	    2>"$TEST_TMP/q$i.err" &
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
run_ok "log --json" dt --as ru-head log --json
if command -v python3 >/dev/null 2>&1; then
	res=$(python3 -c '
import json, sys
log = json.load(open(sys.argv[1]))
seqs = sorted(e["seq"] for e in log if e["author_name"] == "ru-del")
texts = sorted(e["text"] for e in log if e["author_name"] == "ru-del" and e["kind"] == "note")
print(seqs == list(range(len(seqs))), len(texts), len(set(texts)))
' "$OUT")
	is "$res" "True $N $N" "ru-del: seqs 0..n contiguous, all $N notes, all different"
else
	is "$(grep -c '"text": "parallel note' "$OUT")" "$N" "all $N notes landed"
fi
is "$(grep -c '"text": "other side' "$OUT")" "$N" "all $N notes of the other writer landed"
run_ok "verify after concurrent writes" dt --as ru-head verify
like "$(cat "$OUT")" "^OK: $((2 + 1 + 2 * N)) entries in 3 feeds\$" "no fork, every entry checked"
done_testing
