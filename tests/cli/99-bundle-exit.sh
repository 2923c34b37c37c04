#!/bin/sh
# 99-bundle-exit.sh: every command that reads a bundle gives a damaged or
# malformed one the same verdict (docs/FORMAT.md, "Reading a bundle"):
# `audit`, `minutes verify --bundle`, `bundle import` and `dialogue join`
# exit 1 for a file whose bytes are not a sound bundle (not a bundle, an
# unknown version, too short, a count the file cannot hold, an entry
# length out of limits, truncated, a byte after the trailer, a trailer
# that does not match), and 2 only for a file that cannot be read at all.
# A sound bundle without the genesis fails too (1) where a whole record is
# needed: `audit`, `minutes verify --bundle`, `dialogue join`.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open --title "First round" >/dev/null ||
    bail_out "cannot open a meeting"
A --as ru-del add note "Российская сторона предлагает встречи." \
    >/dev/null || bail_out "note"
B bundle state -o "$TEST_TMP/b.state" >/dev/null || bail_out "state"
A bundle export -o "$TEST_TMP/all.dtb" >/dev/null || bail_out "export"
A bundle export --since "$TEST_TMP/b.state" -o "$TEST_TMP/since.dtb" \
    >/dev/null || bail_out "export --since"
# Any file will do as the minutes: the bundle is read first.
M=$TEST_TMP/minutes-1.md
printf '# minutes\n' >"$M"
HC=$TEST_TMP/C

# Each damaged copy of all.dtb (the trailer recomputed where named, as
# anyone handling the file can), as "NAME WHY" lines; WHY is what the
# error says.
python3 - "$TEST_TMP/all.dtb" "$TEST_TMP" >"$TEST_TMP/cases" <<'EOS'
import hashlib, struct, sys
src, out = sys.argv[1], sys.argv[2]
b = open(src, "rb").read()
body, n = b[:-32], struct.unpack(">I", b[36:40])[0]
def put(name, data, why):
    open("%s/%s.dtb" % (out, name), "wb").write(data)
    print(name, why)
def trailer(x):
    return x + hashlib.sha256(x).digest()
put("junk", b"not a bundle at all, just some text\n", "bad magic")
put("version", trailer(b"DTB\x02" + body[4:]), "version")
put("short", b"DTB\x01" + bytes(20), "truncated")
put("count", trailer(body[:36] + struct.pack(">I", 0xffffffff) + body[40:]),
    "count is larger")
put("length", trailer(body[:40] + struct.pack(">I", 10) + body[44:]),
    "entry length")
put("truncated", b[:-50], "truncated")
put("after", b + b"\x00", "follow the trailer")
put("trailer", b[:-1] + bytes([b[-1] ^ 1]), "trailer does not match")
EOS
[ -s "$TEST_TMP/cases" ] || bail_out "cannot make the damaged bundles"

# verdicts NAME FILE STATUS WHY: the four commands on FILE.
verdicts()
{
	run_fails "$3" "$1: audit exits $3" A audit --no-key "$2"
	like "$(cat "$OUT" "$ERR")" "$4" "$1: audit says why"
	run_fails "$3" "$1: minutes verify --bundle exits $3" \
	    A minutes verify "$M" --bundle "$2"
	like "$(cat "$OUT" "$ERR")" "$4" "$1: minutes verify says why"
	rm -rf "$HC"
	run_fails "$3" "$1: dialogue join exits $3" \
	    "$DETENTE" --home "$HC" dialogue join --yes "$2"
	like "$(cat "$ERR")" "$4" "$1: join says why"
}

while read -r name why; do
	verdicts "$name" "$TEST_TMP/$name.dtb" 1 "$why"
	run_fails 1 "$name: bundle import exits 1" B bundle import \
	    "$TEST_TMP/$name.dtb"
	like "$(cat "$ERR")" "$why" "$name: import says why"
done <"$TEST_TMP/cases"

# A sound bundle without the genesis: imports, but is no whole record.
verdicts "no genesis" "$TEST_TMP/since.dtb" 1 "genesis"
run_ok "no genesis: B imports it" B bundle import "$TEST_TMP/since.dtb"

# A file that cannot be read: 2 everywhere.
verdicts "missing" "$TEST_TMP/nothing.dtb" 2 "nothing.dtb"
run_fails 2 "missing: bundle import exits 2" B bundle import \
    "$TEST_TMP/nothing.dtb"

# And the sound, whole bundle passes all four.
run_ok "the whole bundle: audit" A audit --no-key "$TEST_TMP/all.dtb"
rm -rf "$HC"
run_ok "the whole bundle: join" "$DETENTE" --home "$HC" dialogue join --yes \
    "$TEST_TMP/all.dtb"
done_testing
