#!/bin/sh
# 86-faults-smoke.sh: a short run of `make faults` (tests/campaigns/
# faults.py): a full disk, a read-only mount and a full LMDB map under
# add, import and join.  Every write that does not fit fails cleanly or
# fits; nothing crashes, nothing is lost.  A join onto a disk with no
# room at all used to die of SIGBUS inside LMDB (its lock file is written
# through a mapping); it must now say "no space left".
# The full-disk and read-only parts need root or unshare -rm (the
# campaign skips them and says so); the map-full part needs a C compiler
# for its LD_PRELOAD shim.
. "$(dirname "$0")/../tap.sh"

command -v python3 >/dev/null 2>&1 || plan skip_all "python3 is needed"
F=${abs_top_srcdir:-$_tap_lib_dir/..}/tests/campaigns/faults.py

CAMPAIGN_SEED=5 FAULTS_N=1 run_ok "a faults campaign of one round" \
    python3 "$F"
last=$(tail -n 1 "$OUT")
like "$last" '^faults: tried [1-9][0-9]*, detected [0-9]+, fitted [0-9]+, unclear [0-9]+, crashed 0, lost 0$' \
    "nothing crashed, nothing lost: $last"
if grep -q '^map full: skipped' "$OUT"; then
	skip "no C compiler for the map-size shim" 2
else
	like "$(cat "$OUT")" '^map full: add +1 +0 +1 ' \
	    "an add into a full map fails cleanly"
	like "$(cat "$OUT")" '^map full: import +1 +0 +1 ' \
	    "an import into a full map fails cleanly, and imports nothing"
fi
if grep -q '^full disk and read-only: skipped' "$OUT"; then
	skip "cannot mount a tmpfs here (needs root or unshare -rm)" 3
else
	like "$(cat "$OUT")" '^full disk: join +1 +0 +1 ' \
	    "a join onto a full disk says so, and leaves nothing"
	like "$(cat "$OUT")" '^full disk: add +1 +0 +1 ' \
	    "an add onto a full disk fails cleanly"
	like "$(cat "$OUT")" '^read-only reads: worked [0-9]+ of [0-9]+$' \
	    "read commands on a read-only mount are counted"
fi
done_testing
