#!/bin/sh
# 10-indep-vectors.sh: the independent verifier checks every test vector.
#
# tests/tools/indep_verify.py is written from docs/FORMAT.md alone, in
# Python with Debian's python3-cryptography, python3-nacl and
# python3-argon2 (./dev installs them), and checks tests/vectors/keys.txt,
# keystore.txt and entries.txt.  Its TAP is this test's TAP.  Without
# /usr/bin/python3 or one of those modules the test is skipped (1..0 # SKIP).
#
# The harness sets top_srcdir (or abs_top_srcdir) and DETENTE_VECTORS; run
# by hand, the paths default to the tree this script is in.

here=$(cd "$(dirname "$0")" && pwd)
top=${abs_top_srcdir:-${top_srcdir:-$here/../..}}
vectors=${DETENTE_VECTORS:-$top/tests/vectors}
python=/usr/bin/python3

if [ ! -x "$python" ]; then
	echo "1..0 # SKIP no $python"
	exit 0
fi
exec "$python" "$top/tests/tools/indep_verify.py" "$vectors"
