#!/bin/sh
# 97-bench-smoke.sh: the benchmarks' code paths on a small record.  It
# checks that they run and report a ratio against their floor; it asserts
# no time (speed is judged by `make bench`, on a quiet machine).
. "$(dirname "$0")/../tap.sh"

B=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/bench
[ -x "$B/bench_import" ] || plan skip_all "benchmarks not built"

run_ok "bench_import runs on 2000 entries" "$B/bench_import" 2000
like "$(cat "$OUT")" 'entries: +2000 ' "it imported every entry"
like "$(cat "$OUT")" 'ratio: +[0-9]+\.[0-9]+ ' "it reports the ratio to the floor"
like "$(cat "$OUT")" 'floor: +[0-9.]+ s  Ed25519 verify' "it measured the floor"
done_testing
