#!/bin/sh
# 97-bench-smoke.sh: the import, audit (store and bundle) and minutes
# benchmarks' code paths on a small record.  It
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
done_testing
