#!/bin/sh
# tests/bench/agent.sh: `detente add` with the agent against the same
# command with the passphrase, and against `git commit -S` signed with an
# SSH key (issue 18: `add` with the agent within 2x of it).  Each is run
# BENCH_AGENT_N times (default 50); it prints the median (p50) and the
# 99th percentile (p99, nearest rank: with 50 runs, the slowest) of each,
# in milliseconds, and the ratios to the floor, `git commit -S`.  The
# identities use the default Argon2id strength (moderate) unless
# BENCH_AGENT_KDF says otherwise.
#
#	make bench                       (runs every tests/bench/*.sh)
#	sh tests/bench/agent.sh [DETENTE]
#
# The process times include starting the program: that is what a person
# waits for.  Timings vary with the machine's load; run it on an idle one.
DETENTE=${1:-${DETENTE_BIN:-./detente}}
case $DETENTE in /*) ;; *) DETENTE=$(pwd)/$DETENTE ;; esac
N=${BENCH_AGENT_N:-50}
KDF=${BENCH_AGENT_KDF:-moderate}

T=$(mktemp -d "${TMPDIR:-/tmp}/detente-bench-agent.XXXXXX") || exit 2
AGENT_STARTED=
cleanup()
{
	[ -n "$AGENT_STARTED" ] && "$DETENTE" agent --stop >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
umask 077
XDG_RUNTIME_DIR=$T/run
export XDG_RUNTIME_DIR
mkdir -m 700 "$XDG_RUNTIME_DIR"
unset DETENTE_PASSPHRASE_FD
H=$T/h
printf 'correct horse battery\n' >"$T/pass"

d()
{
	"$DETENTE" --home "$H" "$@"
}

now_ms()
{
	echo $(($(date +%s%N) / 1000000))
}

# p50 FILE: the median of the numbers in FILE, one a line.
p50()
{
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# p99 FILE: the 99th percentile, nearest rank.
p99()
{
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		r = int(NR * 0.99); if (r < NR * 0.99) r++; if (r < 1) r = 1;
		print v[r] }'
}

for n in ru-head us-head; do
	d --passphrase-file "$T/pass" id new --name "$n" --kdf "$KDF" \
	    >/dev/null || exit 2
done
d --passphrase-file "$T/pass" --as ru-head dialogue new --title "Bench" \
    --party RU --party US \
    --head "RU=$(d id export --vkey ru-head)" \
    --head "US=$(d id export --vkey us-head)" >/dev/null || exit 2
d --passphrase-file "$T/pass" --as ru-head meeting open --title "Round" \
    >/dev/null || exit 2

# with the passphrase (from a file: no typing in the time)
: >"$T/pass.ms"
i=0
while [ $i -lt "$N" ]; do
	t0=$(now_ms)
	d --passphrase-file "$T/pass" --as ru-head add note "Note $i." \
	    >/dev/null || exit 2
	echo $(($(now_ms) - t0)) >>"$T/pass.ms"
	i=$((i + 1))
done

# with the agent: no passphrase source at all
"$DETENTE" agent >/dev/null || exit 2
AGENT_STARTED=yes
d --passphrase-file "$T/pass" agent add ru-head 2>/dev/null || exit 2
: >"$T/agent.ms"
i=0
while [ $i -lt "$N" ]; do
	t0=$(now_ms)
	setsid -w "$DETENTE" --home "$H" --as ru-head add note "Agent $i." \
	    </dev/null >/dev/null || exit 2
	echo $(($(now_ms) - t0)) >>"$T/agent.ms"
	i=$((i + 1))
done

PASS_P50=$(p50 "$T/pass.ms")
PASS_P99=$(p99 "$T/pass.ms")
AGENT_P50=$(p50 "$T/agent.ms")
AGENT_P99=$(p99 "$T/agent.ms")
echo "detente add, passphrase (Argon2id $KDF): p50 $PASS_P50 ms, p99 $PASS_P99 ms ($N runs)"
echo "detente add, agent:                       p50 $AGENT_P50 ms, p99 $AGENT_P99 ms ($N runs)"
awk -v a="$PASS_P50" -v b="$AGENT_P50" \
    'BEGIN { printf "passphrase / agent: %.1f (p50)\n", a / b }'

# git commit -S with an SSH key (git's own ssh signing, ssh-keygen -Y)
if command -v git >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1
then
	G=$T/git
	mkdir "$G"
	ssh-keygen -q -t ed25519 -N "" -C bench -f "$T/sshkey" || exit 2
	(
		cd "$G" || exit 2
		git init -q .
		git config user.name Bench
		git config user.email bench@example.org
		git config gpg.format ssh
		git config user.signingkey "$T/sshkey.pub"
		: >"$T/git.ms"
		i=0
		while [ $i -lt "$N" ]; do
			echo "$i" >>f
			git add f
			t0=$(now_ms)
			git commit -q -S -m "Commit $i" || exit 2
			echo $(($(now_ms) - t0)) >>"$T/git.ms"
			i=$((i + 1))
		done
	) || exit 2
	GIT_P50=$(p50 "$T/git.ms")
	GIT_P99=$(p99 "$T/git.ms")
	echo "git commit -S (ssh ed25519), the floor:   p50 $GIT_P50 ms, p99 $GIT_P99 ms ($N runs)"
	awk -v a="$AGENT_P50" -v b="$GIT_P50" -v c="$AGENT_P99" \
	    -v d="$GIT_P99" 'BEGIN {
		printf "agent / git commit -S: p50 ratio %.2f, p99 ratio %.2f (target: p50 at most 2)\n",
		    a / b, c / d }'
else
	echo "git or ssh-keygen missing: no comparison with git commit -S"
fi
