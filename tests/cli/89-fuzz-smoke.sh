#!/bin/sh
# 89-fuzz-smoke.sh: every fuzz target, linked without libFuzzer
# (fuzz/standalone.c), on its committed seeds and on deterministic
# mutations of them: the suite's short run of `make fuzz`.  A crash fails
# (and, in a sanitizer build, any report does).  The seeds are the test
# vectors' entries, bundle, state file, payloads, notes, keystore and
# minisign signature, genesis payloads for the join screen, the
# agent's requests and list reply, and commitment lines as scribes type
# them.
. "$(dirname "$0")/../tap.sh"

B=${abs_top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}/fuzz
S=${abs_top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/fuzz/corpus
[ -x "$B/entry-smoke" ] || plan skip_all "fuzz smoke programs not built (configured for libFuzzer?)"

N=${DETENTE_FUZZ_SMOKE_MUTATIONS:-1500}
for t in entry bundle payload note keystore agent state minisig join commit; do
	n=$(ls "$S/$t" | wc -l | tr -d ' ')
	ok '[ "$n" -ge 1 ]' "$t: $n seeds"
	run_ok "$t: seeds and $N mutations of each" "$B/$t-smoke" -n "$N" "$S/$t"/*
	like "$(cat "$OUT")" "^$(( n * (N + 1) )) inputs\$" "$t: every input ran"
done
# A target that crashes is caught: the driver's own status is what the
# runs above rely on.
run_fails 2 "the driver without seeds is a usage error" "$B/entry-smoke"
done_testing
