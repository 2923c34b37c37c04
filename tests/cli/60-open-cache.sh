#!/bin/sh
# 60-open-cache.sh: what a verification checked stays checked.  Opening
# a record (every command does) checks the signature of a control entry
# once: the `checked` row written then (docs/FORMAT.md section 8) spares
# it at every later opening, which checks only what is new.  `detente
# verify` trusts no such row: a control entry whose bytes were changed,
# with every index, its feed's head and a `checked` row made to agree, is
# found and named by verify; without a row for the new bytes, the
# opening itself checks the entry, warns and refuses writes.
# DETENTE_DEBUG_OPEN=1 has each opening print what it checked.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

TAMPER=${abs_top_builddir:-$(dirname "$DETENTE")}/tests/tools/ctl_tamper
[ -x "$TAMPER" ] || plan skip_all "tests/tools/ctl_tamper not built"

new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-head meeting open >/dev/null
dt --as ru-del add note "one" >/dev/null
dt --as ru-del checkpoint >/dev/null 2>&1 || bail_out "checkpoint"
dt --as ru-head checkpoint >/dev/null 2>&1 || bail_out "checkpoint"
S=$H/dialogues/$DID
RUHEAD=$(dt id export --hex ru-head)

# open_stats: the counts of the debug line of one opening (log --no-key).
open_stats()
{
	DETENTE_DEBUG_OPEN=1 dt --as ru-head log --no-key 2>&1 >/dev/null |
	    sed -n 's/^debug-open: \(control [0-9]* sig [0-9]* cached [0-9]* read [0-9]*\) .*/\1/p'
}

# The first opening after the checkpoints checks what is new; the next
# ones check no signature of a control entry at all.
# The two checkpoints are the only control entries that change no
# membership: the others (genesis, key wraps) are read at every opening.
first=$(open_stats)
like "$first" '^control [0-9]+ sig [1-9][0-9]* cached [0-9]+ read [0-9]+$' \
    "an opening checks the signatures of new control entries"
n=$(printf '%s\n' "$first" | sed 's/^control \([0-9]*\) .*/\1/')
m=$((n - 2))
is "$(open_stats)" "control $n sig 0 cached $n read $m" \
    "the next opening checks no signature, and reads no checkpoint"
is "$(open_stats)" "control $n sig 0 cached $n read $m" "and the next"
is "$("$TAMPER" rows "$S")" "$n" "one \`checked\` row per control entry"

# Work in proportion to what is new: one more checkpoint, one signature.
dt --as ru-del checkpoint >/dev/null 2>&1
n1=$((n + 1))
is "$(open_stats)" "control $n1 sig 1 cached $n read $((m + 1))" \
    "after one more checkpoint, an opening checks and reads that one only"
is "$(open_stats)" "control $n1 sig 0 cached $n1 read $m" "and then none"
run_ok "the record verifies" dt --as ru-head verify --no-key
cp "$S/data.mdb" "$TEST_TMP/saved.mdb"

# A store that lies: ru-head's checkpoint changed (its signature no longer
# holds), every index and the head made to agree, and a `checked` row
# for the new bytes below the watermark.  The opening believes the store,
# as it believes the watermark; verify checks every signature again.
H1=$("$TAMPER" sig "$S" "$RUHEAD" --row) || bail_out "ctl_tamper"
like "$(open_stats)" "^control $n1 sig 0 cached $n1 read [0-9]+\$" \
    "an opening takes the forged row as the store says"
run_fails 1 "verify does not trust the row" dt --as ru-head verify --no-key
like "$(cat "$OUT")" "^FAILED: bad signature: author ru-head seq [0-9]+ hash $H1\$" \
    "and names the entry: author, seq and hash"
run_fails 1 "verify --json" dt --as ru-head verify --no-key --json
like "$(cat "$OUT")" '"ok": *false' "verify --json fails too"

# The same change without a row for the new bytes: the old row names the
# old bytes, so the opening checks the entry, and refuses to build on it.
cp "$TEST_TMP/saved.mdb" "$S/data.mdb"
H2=$("$TAMPER" sig "$S" "$RUHEAD") || bail_out "ctl_tamper"
is "$H2" "$H1" "the same change"
run_ok "an opening with the row of the old bytes" dt --as ru-head log --no-key
like "$(cat "$ERR")" "warning: this record failed verification: bad signature \\(entry $(printf %s "$H2" | cut -c1-16)" \
    "checks the entry's signature itself and warns, naming the entry"
run_fails 1 "a write is refused" dt --as ru-del add note "two"
like "$(cat "$ERR")" "refusing to write to a record that failed verification" \
    "says why"
run_fails 1 "verify fails" dt --as ru-head verify --no-key
like "$(cat "$OUT")" "^FAILED: bad signature: author ru-head seq [0-9]+ hash $H2\$" \
    "and names the entry"

cp "$TEST_TMP/saved.mdb" "$S/data.mdb"
run_ok "the store put back verifies" dt --as ru-head verify --no-key
done_testing
