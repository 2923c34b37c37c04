#!/bin/sh
# autogen.sh: generate ./configure from a clean clone.
# Needs autoconf, automake, autopoint (gettext) and pkg-config;
# ./dev installs them on Debian and runs this step itself.
set -e
cd "$(dirname "$0")"
autoreconf -fi "$@"
echo "now run: ./configure && make -j2 && make check"
