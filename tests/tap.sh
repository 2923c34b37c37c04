# tests/tap.sh: a small TAP library for detente's shell tests.
#
# Source it from a test script (POSIX sh; do not use `set -e`, since a
# failed check returns 1):
#
#	. "$(dirname "$0")/../tap.sh"
#	plan 3                      # or call done_testing at the end
#	run_ok "version prints" "$DETENTE" --version
#	like "$(cat "$OUT")" '^detente [0-9]' "version has a number"
#	run_fails 2 "unknown command is a usage error" "$DETENTE" no-such
#	done_testing
#
# Checks (each prints "ok N - DESC" or "not ok N - DESC" plus "# " lines
# that say why, and returns 0 or 1):
#	ok COND DESC         COND is an exit status (0 passes) or a shell
#	                     command line, run with eval: ok '[ -s "$OUT" ]' ...
#	is GOT EXPECTED DESC     string equality
#	isnt GOT UNEXPECTED DESC
#	like GOT REGEX DESC      some line of GOT matches the extended REGEX
#	unlike GOT REGEX DESC    no line of GOT matches
#	run_ok DESC CMD...       CMD exits 0
#	run_fails STATUS DESC CMD...  CMD exits with STATUS ("any": non-zero)
#	skip REASON [COUNT]      COUNT (default 1) skipped tests
#	pass DESC / fail DESC
# Other helpers:
#	plan N | plan skip_all REASON, done_testing, diag MSG, note MSG,
#	bail_out MSG, diag_file FILE (each line of FILE as "# ")
#	use_translation LANG   run $DETENTE in LANG (e.g. ru) with the
#	                       catalogue built from po/LANG.po; returns 1 (so
#	                       the caller can skip) when there is none
#
# run_ok and run_fails run CMD with stdin from $STDIN (default /dev/null),
# stdout into the file $OUT and stderr into the file $ERR, and set $RC.
# A CMD that is a program (not a shell function) is run under
# `timeout $TAP_TIMEOUT` (default 120 s) where timeout(1) exists.
#
# Environment it sets up:
#	$DETENTE      absolute path of the detente binary under test
#	              ($DETENTE_BIN, as the Makefile exports, or ./detente)
#	$VECTORS      the test vectors ($DETENTE_VECTORS or tests/vectors)
#	$TEST_TMP     a fresh directory from mktemp -d, removed at exit
#	              (kept if TAP_KEEP_TMP is set, for debugging)
#	$HOME         $TEST_TMP/home (tests never touch the real home);
#	              XDG_* point inside it too
#	LC_ALL        C.UTF-8 (English messages, Cyrillic works); LANGUAGE unset
#	TMUX_TMPDIR   $TEST_TMP: a private tmux server, killed at exit
#
# The script exits with the number of failed tests (at most 254), or 255
# when it ends without a plan or with a count that does not match the plan.

# --- state ---------------------------------------------------------------
_tap_n=0
_tap_failed=0
_tap_planned=
_tap_done=

_tap_here=$(cd "$(dirname "$0")" 2>/dev/null && pwd)
_tap_lib_dir=
for _tap_d in "${abs_top_srcdir:-}/tests" "$_tap_here/.." "$_tap_here" ./tests; do
	if [ -f "$_tap_d/tap.sh" ]; then
		_tap_lib_dir=$(cd "$_tap_d" && pwd)
		break
	fi
done

# --- environment for the test ---------------------------------------------
DETENTE=${DETENTE_BIN:-./detente}
case $DETENTE in
/*) ;;
*) DETENTE=$(pwd)/$DETENTE ;;
esac
VECTORS=${DETENTE_VECTORS:-${_tap_lib_dir:-.}/vectors}
TAP_TIMEOUT=${TAP_TIMEOUT:-120}
# English messages and UTF-8 (Cyrillic) whatever the caller's locale; a test
# may change them after sourcing this file (see use_translation).
LC_ALL=C.UTF-8
export DETENTE VECTORS LC_ALL
unset LANGUAGE DETENTE_LOCALEDIR

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/detente-test.XXXXXX") || {
	echo "Bail out! mktemp -d failed"
	exit 255
}
OUT=$TEST_TMP/out
ERR=$TEST_TMP/err
RC=
: >"$OUT"
: >"$ERR"
HOME=$TEST_TMP/home
XDG_DATA_HOME=$HOME/.local/share
XDG_CONFIG_HOME=$HOME/.config
XDG_CACHE_HOME=$HOME/.cache
XDG_STATE_HOME=$HOME/.local/state
mkdir -p "$HOME"
export TEST_TMP HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME \
    XDG_STATE_HOME
unset XDG_RUNTIME_DIR
# Terminal tests get their own tmux server (socket under $TEST_TMP), which is
# killed at exit, even when run from inside another tmux.
TMUX_TMPDIR=$TEST_TMP
export TMUX_TMPDIR
unset TMUX TMUX_PANE

_tap_exit()
{
	_tap_status=$?
	trap - EXIT
	if [ -z "$_tap_done" ]; then
		if [ -n "$_tap_planned" ] && [ "$_tap_planned" -eq "$_tap_n" ]; then
			_tap_status=0
		elif [ -n "$_tap_planned" ]; then
			echo "# planned $_tap_planned tests but ran $_tap_n"
			_tap_status=255
		else
			echo "# exited (status $_tap_status) after $_tap_n tests without done_testing"
			_tap_status=255
		fi
		if [ "$_tap_status" -eq 0 ] && [ "$_tap_failed" -gt 0 ]; then
			_tap_status=$_tap_failed
		fi
	fi
	if [ -d "$TEST_TMP/tmux-$(id -u)" ] && command -v tmux >/dev/null 2>&1
	then
		tmux kill-server >/dev/null 2>&1
	fi
	if [ -n "${TAP_KEEP_TMP:-}" ]; then
		echo "# kept $TEST_TMP"
	else
		rm -rf "$TEST_TMP"
	fi
	[ "$_tap_status" -le 254 ] || _tap_status=255
	exit "$_tap_status"
}
trap _tap_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- output ----------------------------------------------------------------

# diag MSG...: each argument, and each line in it, as a "# " comment.
diag()
{
	for _tap_a in "$@"; do
		printf '%s\n' "$_tap_a"
	done | sed 's/^/# /'
}

note()
{
	diag "$@"
}

# diag_file FILE [MAXLINES]: FILE's first MAXLINES (default 20) lines.
diag_file()
{
	[ -s "$1" ] || return 0
	head -n "${2:-20}" "$1" | sed 's/^/#   /'
}

bail_out()
{
	echo "Bail out! $*"
	_tap_done=1
	exit 255
}

# A description on one line, with "#" escaped so it is never a directive.
_tap_desc()
{
	printf '%s' "$*" | tr '\n\r\t' '   ' | sed 's/#/\\#/g'
}

# _tap_result 0|1 DESC: print one result; return its status.
_tap_result()
{
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		if [ -n "$2" ]; then
			echo "ok $_tap_n - $(_tap_desc "$2")"
		else
			echo "ok $_tap_n"
		fi
		return 0
	fi
	_tap_failed=$((_tap_failed + 1))
	if [ -n "$2" ]; then
		echo "not ok $_tap_n - $(_tap_desc "$2")"
	else
		echo "not ok $_tap_n"
	fi
	return 1
}

# use_translation LANG: put the built po/LANG.gmo where DETENTE_LOCALEDIR
# points (app/i18n.h reads it) and select LANG through LANGUAGE, which glibc
# honours under LC_ALL=C.UTF-8.  LANGUAGE= and DETENTE_LOCALEDIR= undo it.
use_translation()
{
	for _tap_g in "${abs_top_builddir:-.}/po/$1.gmo" \
	    "${abs_top_srcdir:-${_tap_lib_dir:-.}/..}/po/$1.gmo"; do
		[ -f "$_tap_g" ] || continue
		mkdir -p "$TEST_TMP/locale/$1/LC_MESSAGES" &&
		    cp "$_tap_g" "$TEST_TMP/locale/$1/LC_MESSAGES/detente.mo" ||
		    return 1
		DETENTE_LOCALEDIR=$TEST_TMP/locale
		LANGUAGE=$1
		export DETENTE_LOCALEDIR LANGUAGE
		return 0
	done
	return 1
}

# --- plan -------------------------------------------------------------------

plan()
{
	if [ "$1" = skip_all ]; then
		shift
		echo "1..0 # SKIP $*"
		_tap_done=1
		exit 0
	fi
	case $1 in
	'' | *[!0-9]*) bail_out "plan: not a number: $1" ;;
	esac
	[ -z "$_tap_planned" ] || bail_out "plan given twice"
	_tap_planned=$1
	echo "1..$1"
}

done_testing()
{
	if [ -n "$_tap_planned" ]; then
		if [ "$_tap_planned" -ne "$_tap_n" ]; then
			echo "# planned $_tap_planned tests but ran $_tap_n"
			_tap_done=1
			exit 255
		fi
	else
		echo "1..$_tap_n"
	fi
	_tap_done=1
	[ "$_tap_failed" -eq 0 ] || echo "# failed $_tap_failed of $_tap_n tests"
	exit "$_tap_failed"
}

# --- checks -----------------------------------------------------------------

pass()
{
	_tap_result 0 "$1"
}

fail()
{
	_tap_result 1 "$1"
}

# ok COND DESC
ok()
{
	case $1 in
	'' | *[!0-9]*)
		( eval "$1" ) >/dev/null 2>&1
		_tap_st=$?
		;;
	*) _tap_st=$1 ;;
	esac
	if [ "$_tap_st" -eq 0 ]; then
		_tap_result 0 "$2"
	else
		_tap_result 1 "$2"
		case $1 in
		'' | *[!0-9]*) diag "  condition failed (status $_tap_st): $1" ;;
		esac
		return 1
	fi
}

is()
{
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "       got: '$1'" "  expected: '$2'"
		return 1
	fi
}

isnt()
{
	if [ "$1" != "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "       got: '$1'" "  expected: anything else"
		return 1
	fi
}

like()
{
	if printf '%s\n' "$1" | grep -E -q -e "$2"; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "                  '$1'" "  doesn't match '$2'"
		return 1
	fi
}

unlike()
{
	if printf '%s\n' "$1" | grep -E -q -e "$2"; then
		_tap_result 1 "$3"
		diag "                  '$1'" "        matches '$2'"
		return 1
	else
		_tap_result 0 "$3"
	fi
}

skip()
{
	_tap_k=${2:-1}
	while [ "$_tap_k" -gt 0 ]; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP $(_tap_desc "$1")"
		_tap_k=$((_tap_k - 1))
	done
}

# _tap_run CMD...: run CMD, output into $OUT and $ERR, status into $RC.
_tap_run()
{
	: >"$OUT"
	: >"$ERR"
	_tap_cmd=$(command -v "$1" 2>/dev/null) || _tap_cmd=
	case $_tap_cmd in
	/*)
		if command -v timeout >/dev/null 2>&1; then
			timeout "$TAP_TIMEOUT" "$@" <"${STDIN:-/dev/null}" \
			    >"$OUT" 2>"$ERR"
			RC=$?
			if [ "$RC" -eq 124 ]; then
				echo "tap.sh: timed out after $TAP_TIMEOUT s" >>"$ERR"
			fi
			return 0
		fi
		;;
	esac
	"$@" <"${STDIN:-/dev/null}" >"$OUT" 2>"$ERR"
	RC=$?
}

_tap_run_diag()
{
	diag "  command: $*"
	diag "  exit status: $RC"
	if [ -s "$OUT" ]; then
		diag "  stdout:"
		diag_file "$OUT"
	fi
	if [ -s "$ERR" ]; then
		diag "  stderr:"
		diag_file "$ERR"
	fi
}

# run_ok DESC CMD...
run_ok()
{
	_tap_d=$1
	shift
	_tap_run "$@"
	if [ "$RC" -eq 0 ]; then
		_tap_result 0 "$_tap_d"
	else
		_tap_result 1 "$_tap_d"
		_tap_run_diag "$@"
		return 1
	fi
}

# run_fails STATUS DESC CMD...   STATUS may be "any" (any non-zero status)
run_fails()
{
	_tap_want=$1
	_tap_d=$2
	shift 2
	_tap_run "$@"
	case $_tap_want in
	any) [ "$RC" -ne 0 ] ;;
	*) [ "$RC" -eq "$_tap_want" ] ;;
	esac
	if [ $? -eq 0 ]; then
		_tap_result 0 "$_tap_d"
	else
		_tap_result 1 "$_tap_d"
		diag "  expected exit status: $_tap_want"
		_tap_run_diag "$@"
		return 1
	fi
}
