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
