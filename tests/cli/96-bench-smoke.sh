#!/bin/sh
# 96-bench-smoke.sh: the terminal UI benchmark's code paths on a small
# record: the bounded view, the model and an offscreen draw, in this
# process and in fresh ones.  It checks that they run and report their
# ratios to the floors; it asserts no time (speed is judged by
# `make bench`, at 1,000,000 entries, on a quiet machine).
. "$(dirname "$0")/../tap.sh"

B=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/bench
[ -x "$B/bench_ui" ] || plan skip_all "benchmarks not built"

run_ok "bench_ui runs on 2000 entries" "$B/bench_ui" 2000
like "$(cat "$OUT")" 'entries: +2000 ' "it generated the record"
like "$(cat "$OUT")" 'first screen: +[0-9.]+ ms +\(floor +[0-9.]+ ms, ratio +[0-9.]+\)' \
    "it reports the first screen against its floor"
like "$(cat "$OUT")" 'keystroke to redraw: +[0-9.]+ ms +\(floor +[0-9.]+ ms, ratio +[0-9.]+\)' \
    "it reports a keystroke against its floor"
like "$(cat "$OUT")" 'after an append: +[0-9.]+ ms' "it refreshed after an append"
like "$(cat "$OUT")" '-- fresh process' "it ran fresh processes"
like "$(cat "$OUT")" 'memory: +[0-9]+ KiB anonymous' "it reports memory"
done_testing
