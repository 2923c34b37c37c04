#!/bin/sh
# 97-bench-smoke.sh: the import, audit (store and bundle), minutes, UI,
# bytes, sync, open and verify benchmarks' code paths on a small record
# (tests/cli/62-agent.sh runs tests/bench/agent.sh).  It
# checks that they run and report a ratio against their floor; it asserts
# no time (speed is judged by `make bench`, on a quiet machine).
. "$(dirname "$0")/../tap.sh"

B=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/bench
[ -x "$B/bench_import" ] || plan skip_all "benchmarks not built"

run_ok "bench_import runs on 2000 entries" "$B/bench_import" 2000
like "$(cat "$OUT")" 'entries: +2000 ' "it imported every entry"
like "$(cat "$OUT")" 'ratio: +[0-9]+\.[0-9]+ ' "it reports the ratio to the floor"
like "$(cat "$OUT")" 'floor: +[0-9.]+ s  Ed25519 verify' "it measured the floor"

[ -x "$B/bench_audit" ] || bail_out "bench_audit not built"
run_ok "bench_audit runs on 2000 entries" "$B/bench_audit" 2000
like "$(cat "$OUT")" 'audit \(fast\): +[0-9.]+ s  2000 entries by checkpoint root, 4 by signature' \
    "the fast path: every entry under the checkpoints by the root"
like "$(cat "$OUT")" 'audit \(every signature\): +[0-9.]+ s  2004 signatures' \
    "--every-signature: every entry's signature"
like "$(cat "$OUT")" 'floor SHA-256: +[0-9.]+ s on one core' "the SHA-256 floor"
like "$(cat "$OUT")" 'floor Ed25519: +[0-9.]+ s on' "the Ed25519 floor"
like "$(cat "$OUT")" 'floor sha256sum: +[0-9.]+ s \(one pass over the file' \
    "the bundle audit's floor: sha256sum of the same file"
like "$(cat "$OUT")" 'bundle audit: +[0-9.]+ s  ratio [0-9]+\.[0-9]+ to sha256sum .*max RSS [0-9]+ KiB' \
    "the bundle audit (one pass): its time, ratio and memory"
like "$(cat "$OUT")" 'bundle audit \(every signature\): [0-9.]+ s  ratio [0-9]+\.[0-9]+ to the Ed25519 floor' \
    "the bundle audit with --every-signature, against the Ed25519 floor"
[ -x "$B/bench_minutes" ] || bail_out "bench_minutes not built"
run_ok "bench_minutes runs on a meeting of 600 entries" "$B/bench_minutes" 600
like "$(cat "$OUT")" 'entries: +606 in the record, 600 in meeting 1 ' \
    "the record: the meeting, four checkpoints and each side's close"
like "$(cat "$OUT")" 'floor: +[0-9.]+ s  raw LMDB read of 606 entries, XChaCha20-Poly1305 open of 600' \
    "the floor read every entry and decrypted every content entry"
for f in md txt json html; do
	like "$(cat "$OUT")" "export $f +[0-9.]+ s  ratio [0-9]+\\.[0-9]+ to the floor, target 0\\.200 s: (met|missed)  \\(606 entries in scope, [1-9][0-9]* bytes;" \
	    "the $f export: its time, ratio and scope"
done

[ -x "$B/bench_ui" ] || bail_out "bench_ui not built"
run_ok "bench_ui runs on 2000 entries" env BENCH_UI_KEEP= "$B/bench_ui" 2000
like "$(cat "$OUT")" 'first screen: +[0-9.]+ ms  \(floor +[0-9.]+ ms, ratio +[0-9.]+\)' \
    "the first screen against its floor"
like "$(cat "$OUT")" 'keystroke to redraw: +[0-9.]+ ms  \(floor +[0-9.]+ ms, ratio +[0-9.]+\)' \
    "a keystroke against its floor"
like "$(cat "$OUT")" 'private dirty' "the private memory (smaps_rollup)"
like "$(cat "$OUT")" 'growth N/10 -> N: +anonymous x[0-9.]+, private dirty x[0-9.]+, view (x[0-9.]+|n/a) \(floor: N/10; target: within 1\.2\)' \
    "the growth of memory against the same UI on a tenth of the record"

[ -x "$B/bench_bytes" ] || bail_out "bench_bytes not built"
run_ok "bench_bytes runs on 2000 entries" "$B/bench_bytes" 2000
like "$(cat "$OUT")" 'entries: +2000 ' "it walked every entry"
like "$(cat "$OUT")" 'fixed header: +128\.0 B' "the fixed header is 128 bytes"
like "$(cat "$OUT")" 'signature: +64\.0 B' "the signature is 64 bytes"
like "$(cat "$OUT")" 'references: +[0-9.]+ B  [0-9.]+ references of 72 B' \
    "the references, 72 bytes each"
like "$(cat "$OUT")" 'hashes +[0-9.]+ B  2000 rows' "mdb_stat of the hash index"
if python3 -c 'import sqlite3' 2>/dev/null; then
	like "$(cat "$OUT")" 'ratio: +[0-9.]+  \(store / signed row\)' \
	    "the ratio to a signed row in SQLite"
else
	skip "python3 has no sqlite3"
fi

[ -x "$B/bench_sync" ] || bail_out "bench_sync not built"
run_ok "bench_sync runs on 2000 entries, 20 typed" "$B/bench_sync" 2000 20
like "$(cat "$OUT")" 'entries: +1998 replicated over loopback TCP' \
    "it replicated every entry but the genesis and key wrap over a link"
like "$(cat "$OUT")" 'bundle import: +[0-9.]+ s \(the floor\)' \
    "it measured bundle import of the same entries"
like "$(cat "$OUT")" 'ratio: +[0-9]+\.[0-9]+ to bundle import' \
    "it reports the ratio to it"
like "$(cat "$OUT")" 'over 20 entries: p50 [0-9.]+ ms, p99 [0-9.]+ ms' \
    "and the commit-to-commit latency, p50 and p99"

[ -x "$B/bench_open" ] || bail_out "bench_open not built"
# 6000 entries: more than a chunk of 4,096, so that the first open checks
# them with the pooled walk, feed by feed from the watermark.
run_ok "bench_open runs on 6000 entries" env -u BENCH_RECORD_DIR BENCH_CKPT_EVERY=1500 \
    "$B/bench_open" 6000
like "$(cat "$OUT")" 'demo: +2 control entries; open [0-9.]+ ms warm, [0-9.]+ ms fresh' \
    "it opened the demo, its floor"
like "$(cat "$OUT")" 'first open: +[0-9.]+ s +5998 entries past the watermark checked on [0-9]+ cores' \
    "the first open checked every entry past the genesis and key wrap"
like "$(cat "$OUT")" 'open fresh: +[0-9.]+ ms +\(demo +[0-9.]+ ms, ratio +[0-9]+\.[0-9]+\)' \
    "it reports the ratio to the demo's open"
like "$(cat "$OUT")" 'control pass: +[1-9][0-9]* control entries, 0 signatures checked, [1-9][0-9]* taken as checked' \
    "an open after the first checks no control entry's signature again"
[ -x "$B/bench_verify" ] || bail_out "bench_verify not built"
run_ok "bench_verify runs on 2000 entries" env -u BENCH_RECORD_DIR BENCH_RUNS=1 \
    BENCH_CKPT_EVERY=500 "$B/bench_verify" 2000
like "$(cat "$OUT")" 'run 1: floor: +[0-9.]+ s  Ed25519 verify of 2000 signatures on [0-9]+ cores' \
    "it measured the floor on every entry"
like "$(cat "$OUT")" 'run 1: verify: +[0-9.]+ s  2000 entries, 2000 signatures' \
    "verify checked every signature"
like "$(cat "$OUT")" 'run 1: ratio: +[0-9]+\.[0-9]+ of the floor \(target >= 0\.90\); CPU [0-9]+\.[0-9]+' \
    "it reports the ratio to the floor, in time and in CPU"
done_testing
