#!/bin/sh
# 84-tamper-smoke.sh: a short run of `make tamper` (tests/campaigns/
# tamper.py): one-bit flips over a store and a bundle, each detected or
# harmless, none crashing or lost.  Then the same campaign against a
# detente whose verify and import lie (they say OK; the import does
# nothing): the campaign must count lost flips and fail, so that its zero
# above means something.
. "$(dirname "$0")/../tap.sh"

command -v python3 >/dev/null 2>&1 || plan skip_all "python3 is needed"
T=${abs_top_srcdir:-$_tap_lib_dir/..}/tests/campaigns/tamper.py
N=${DETENTE_TAMPER_SMOKE:-32}

CAMPAIGN_SEED=12 TAMPER_N=$N run_ok "a tamper campaign of $N flips" \
    python3 "$T"
last=$(tail -n 1 "$OUT")
like "$last" "^tamper: tried $N, detected [0-9]+, harmless [0-9]+, rolled back [0-9]+, crashed 0, lost 0\$" \
    "nothing crashed, nothing lost: $last"
like "$(cat "$OUT")" '^store: entry bytes +([0-9]+) +\1 ' \
    "every flip in a stored entry's bytes is detected"
like "$(cat "$OUT")" '^bundle \(trailer recomputed\): entry bytes +([0-9]+) +\1 ' \
    "every flip in a bundle's entry, trailer recomputed, is detected"
ok '[ "$(printf "%s\n" "$last" | sed "s/.*detected \([0-9]*\),.*/\1/")" -ge $((N / 2)) ]' \
    "at least half the flips are detected"

# One bit that used to abort the process: MDB_DUPSORT in the flags of
# LMDB's free-page database, in the meta page LMDB uses.  verify (which
# writes its watermark) died of SIGABRT in an LMDB assertion; now the
# store is refused as damaged, in one line.
. "$_tap_lib_dir/cli/common.inc"
new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-head meeting open >/dev/null || bail_out "cannot open a meeting"
dt --as ru-del add note "before the flip" >/dev/null || bail_out "cannot add"
DB=$H/dialogues/$DID/data.mdb
python3 - "$DB" <<'PY'
import struct, sys
p = sys.argv[1]
d = bytearray(open(p, "rb").read())
psize = struct.unpack_from("<I", d, 40)[0]
t = [struct.unpack_from("<Q", d, m + 144)[0] for m in (0, psize)]
newer = psize if t[1] > t[0] else 0
d[newer + 44] ^= 0x04               # mm_dbs[FREE_DBI].md_flags |= DUPSORT
open(p, "wb").write(d)
PY
run_fails 1 "a store whose free-page database is flagged DUPSORT fails verify" \
    dt --as ru-head verify
is "$(cat "$OUT" "$ERR" | wc -l | tr -d ' ')" 1 "with one line"
like "$(cat "$OUT" "$ERR")" 'damaged|corrupt' "that says the store is damaged"
run_fails any "and takes no write" dt --as ru-del add note "after the flip"
ok '[ "$RC" -lt 128 ]' "without dying of a signal (exit $RC)"

# The control: a verify that always says OK, and an import of the
# damaged bundle that says done and does nothing.
cat >"$TEST_TMP/liar" <<EOS
#!/bin/sh
case " \$* " in
*" verify "*) echo "OK: 1 entries in 1 feeds"; exit 0 ;;
*" import "*flipped.dtb*) exit 0 ;;
esac
exec "$DETENTE" "\$@"
EOS
chmod +x "$TEST_TMP/liar"
DETENTE_BIN=$TEST_TMP/liar CAMPAIGN_SEED=12 TAMPER_N=16 \
    run_fails 1 "against a lying verify and import, the campaign fails" \
    python3 "$T"
like "$(tail -n 1 "$OUT")" '^tamper: tried 16, .*lost [1-9][0-9]*$' \
    "and counts lost flips"
done_testing
