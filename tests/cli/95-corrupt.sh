#!/bin/sh
# 95-corrupt.sh: random bit flips anywhere in a store's LMDB file.  For
# each damaged copy, verify must either pass (the flips fell in pages
# LMDB no longer uses, and every entry still checks) or fail with exit 1
# and one clear line; never crash, hang, or exit with anything else.
# DETENTE_CORRUPT_ROUNDS sets the number of copies (`make corrupt` runs
# a long campaign); the suite runs a short one.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

command -v python3 >/dev/null 2>&1 || plan skip_all "python3 is needed"
ROUNDS=${DETENTE_CORRUPT_ROUNDS:-30}

new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-head meeting open >/dev/null
for i in 1 2 3 4 5; do
	dt --as ru-del add note "заметка $i" >/dev/null
	dt --as us-del add note "note $i" >/dev/null
done
run_ok "the undamaged record verifies" dt --as ru-head verify
cp "$OUT" "$TEST_TMP/good.out"
DB=$H/dialogues/$DID/data.mdb
cp "$DB" "$TEST_TMP/good.mdb"

i=1
while [ "$i" -le "$ROUNDS" ]; do
	cp "$TEST_TMP/good.mdb" "$DB"
	python3 - "$DB" "$i" <<'PY'
import random, sys
path, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
with open(path, "r+b") as f:
    data = bytearray(f.read())
    for _ in range(rnd.randint(1, 8)):
        p = rnd.randrange(len(data))
        data[p] ^= 1 << rnd.randrange(8)
    f.seek(0)
    f.write(data)
PY
	dt --as ru-head verify >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	rc=$?
	lines=$(cat "$TEST_TMP/out" "$TEST_TMP/err" | wc -l)
	case $rc in
	0)	ok "cmp -s '$TEST_TMP/good.out' '$TEST_TMP/out'" \
		    "seed $i: verify passes only with every entry intact" ;;
	1)	ok "[ $lines -le 2 ] && grep -qE '^(FAILED|detente): ' \
		    '$TEST_TMP/out' '$TEST_TMP/err'" \
		    "seed $i: one clear failure line (exit 1)" ;;
	*)	fail "seed $i: exit $rc: $(head -c 300 "$TEST_TMP/err")" ;;
	esac
	i=$((i + 1))
done
cp "$TEST_TMP/good.mdb" "$DB"
run_ok "the record verifies again once restored" dt --as ru-head verify
done_testing
