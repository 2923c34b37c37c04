#!/bin/sh
# 14-complete.sh: bash completion (completions/detente.bash over the
# hidden `detente complete`), in a bash started with only that script:
# commands, subcommands, options (every option that `detente COMMAND
# --help` names, for every command and subcommand: completion cannot
# drift from the usage), identity names, dialogue ids, meeting numbers,
# entry ids, states, literal choices, and paths where a file is expected.
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"

command -v bash >/dev/null 2>&1 || plan skip_all "no bash"
SCRIPT=${DETENTE_COMPLETION:-$abs_top_srcdir/completions/detente.bash}
BIN=$TEST_TMP/bin
mkdir -p "$BIN"
ln -s "$DETENTE" "$BIN/detente"

# comp WORDS...: what <TAB> offers after WORDS (the last is the word being
# completed, "" for a new one), one per line, sorted.
comp()
{
	PATH=$BIN:$PATH bash --norc --noprofile -c '
	. "$1" || exit 9
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	_detente detente
	printf "%s\n" "${COMPREPLY[@]}"' comp "$SCRIPT" detente "$@" |
	    sed '/^$/d' | LC_ALL=C sort
}
words() { tr '\n' ' ' | sed 's/ $//'; }

# accepted "CMD [SUB]" OPTIONS...: the command's own option parser knows
# each option offered (run in an empty home, where nothing can happen).
accepted()
{
	_c=$1
	shift
	_bad=
	for _o in "$@"; do
		# shellcheck disable=SC2086 # $_c is a command and a subcommand
		"$DETENTE" --home "$TEST_TMP/empty" $_c "$_o" x </dev/null \
		    >/dev/null 2>"$TEST_TMP/acc.err"
		grep -q "unknown option: $_o" "$TEST_TMP/acc.err" &&
		    _bad="$_bad $_o"
	done
	is "$_bad" "" "detente $_c: each option offered is one it accepts"
}

run_ok "bash loads the script" bash --norc --noprofile -c \
    '. "$1" && complete -p detente' sh "$SCRIPT"
is "$(cat "$OUT")" "complete -F _detente detente" "complete -p detente"

is "$(comp me | words)" "meeting member" "detente me<TAB>"
is "$(comp ver | words)" "verify" "detente ver<TAB>"
cmds=$("$DETENTE" help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' | LC_ALL=C sort | words)
is "$(comp "" | words)" "$cmds" "detente <TAB>: every listed command"
unlike "$(comp "" | words)" 'complete' "the hidden helper is not offered"
is "$(comp -- | words)" "--as --dialogue --help --home --passphrase-file --version" \
    "global options"
is "$(comp help ma | words)" "mark" "help <command>"
is "$(comp seal "" | words)" "cosign propose show" "subcommands"
is "$(comp add "" | words)" "agenda commitment decision note proposal statement" \
    "add's kinds"
is "$(comp minutes export --format "" | words)" "html json md txt" "--format's choices"
is "$(comp minutes export --int | words)" "--internal" "minutes export --internal"
is "$(comp member add --role "" | words)" "delegate observer" "--role's choices"
is "$(comp member "" | words)" "add list remove replace" "member's subcommands"
is "$(comp member add --epochs "" | words)" "all current" "--epochs' choices"
is "$(comp dialogue "" | words)" "epochs join list new rekey" "dialogue's subcommands"
is "$(comp minutes export --lang "" | words)" "both en ru" "--lang L|both"
is "$(comp meeting open --tit | words)" "--title --title-en --title-ru" \
    "meeting open: the title in each language"
is "$(comp meeting open --pla | words)" "--place --place-en --place-ru" \
    "meeting open: the place in each language"
is "$(comp dialogue new --title | words)" "--title --title-en --title-ru" \
    "dialogue new: the title in each language"

# Every option a command's usage names is offered, per subcommand.
for c in $cmds; do
	subs=$(comp "$c" "" | words)
	case $c in add) subs=note ;; help|ui|mark|endorse|show|correct|audit) subs= ;; esac
	usage=$("$DETENTE" "$c" --help | awk '/^usage:/ { on = 1 } on && /^$/ { exit } on')
	if [ -z "$subs" ]; then
		want=$(printf '%s\n' "$usage" | grep -oE '(^|[ [|])--?[a-z][a-z0-9-]*' |
		    sed 's/^[ [|]//' | LC_ALL=C sort -u | words)
		got=$(comp "$c" - | grep -v '^--help$' | LC_ALL=C sort -u | words)
		is "$got" "$want" "detente $c -<TAB>: the options of its usage"
		accepted "$c" $got
		continue
	fi
	# one line per form: "SUB tokens...", continuation lines joined
	forms=$(printf '%s\n' "$usage" | awk -v c="$c" '
	    { sub(/^usage: detente \[global options\] /, "detente ") }
	    $1 == "detente" && $2 == c { if (f != "") print f; f = ""
	        for (i = 3; i <= NF; i++) f = f " " $i; next }
	    { f = f " " $0 }
	    END { print f }' | sed 's/ | \([a-z][a-z-]*\) /\n\1 /g' |
	    sed 's/^ *//')
	for s in $subs; do
		if [ "$c" = add ]; then
			form=$forms
		else
			form=$(printf '%s\n' "$forms" | awk -v s="$s" '$1 == s')
		fi
		want=$(printf '%s\n' "$form" |
		    grep -oE '(^|[ [|])--?[a-z][a-z0-9-]*' | sed 's/^[ [|]//' |
		    LC_ALL=C sort -u | words)
		got=$(comp "$c" "$s" - | grep -v '^--help$' | LC_ALL=C sort -u | words)
		is "$got" "$want" "detente $c $s -<TAB>: the options of its usage"
		accepted "$c $s" $got
	done
done

# Values from the home: identities, dialogues, meetings, entry ids.
new_dialogue || bail_out "cannot make a dialogue"
dt --as ru-del meeting open >/dev/null || bail_out "meeting open"
ITEM=$(dt --as ru-del add agenda "First item" | tail -n 1)
dt --as ru-del meeting close >/dev/null || bail_out "meeting close"
dt --as ru-del meeting open >/dev/null || bail_out "meeting open 2"
NOTE=$(dt --as ru-del add note "a note" | tail -n 1)
is "$(comp --home "$H" --as "" | words)" "ru-del ru-head us-del us-head us-obs" \
    "--as: the home's identities"
is "$(comp --home "$H" --as us- | words)" "us-del us-head us-obs" "--as us-"
is "$(comp --home "$H" id show "" | words)" "ru-del ru-head us-del us-head us-obs" \
    "id show NAME"
is "$(comp --home "$H" --dialogue "" | words)" "$DID" "--dialogue: the dialogue id"
is "$(comp --home "$H" log --meeting "" | words)" "1 2" "--meeting: meetings 1 and 2"
is "$(comp --home "$H" meeting close "" | words)" "1 2" "meeting close M"
is "$(comp --home "$H" add note --party "" | words)" "RU US" "--party: the parties"
ALL=$(dt log --hashes | cut -c1-8 | LC_ALL=C sort | words)
is "$(comp --home "$H" show "" | words)" "$ALL" "show ID: every entry's short id"
p=$(printf '%s' "$NOTE" | cut -c1-3)
is "$(comp --home "$H" endorse "$p" | words)" \
    "$(printf '%s\n' $ALL | grep "^$p" | words)" "endorse PREFIX: the ids it starts"
like "$(comp --home "$H" mark "" | words)" "(^| )$(printf '%s' "$ITEM" | cut -c1-8)( |\$)" \
    "mark ID: the agenda item"
unlike "$(comp --home "$H" mark "" | words)" "$(printf '%s' "$NOTE" | cut -c1-8)" \
    "mark ID: not a note"
is "$(comp mark "$ITEM" "" | words)" \
    "accepted closed current deferred discussed fulfilled in-progress withdrawn" \
    "mark ID STATE: the states its help lists"

# zsh: completions/_detente asks the same helper.  compadd and _files
# exist only inside zsh's completion system; they are stood in for by
# functions that print what they were given.
ZSCRIPT=${DETENTE_ZSH_COMPLETION:-$abs_top_srcdir/completions/_detente}
zcomp()
{
	# shellcheck disable=SC2016 # the script is zsh's
	PATH=$BIN:$PATH zsh -f -c '
	compadd() { [[ $1 == -a ]] && print -l -- "${(@P)2}"; }
	_files() { print -- "!files $*"; }
	compset() { :; }
	source "$1" >/dev/null 2>&1
	shift
	words=("$@")
	CURRENT=$#
	_detente' zcomp "$ZSCRIPT" detente "$@" | sed 's/ $//' | LC_ALL=C sort
}
if command -v zsh >/dev/null 2>&1; then
	is "$(zcomp me | words)" "meeting member" "zsh: detente me<TAB>"
	is "$(zcomp --home "$H" --as us- | words)" "us-del us-head us-obs" \
	    "zsh: --as us-"
	is "$(zcomp --home "$H" log --meeting "" | words)" "1 2" "zsh: --meeting"
	is "$(zcomp bundle import "" | words)" "!files" "zsh: a file"
	is "$(zcomp --home "" | words)" "!files -/" "zsh: a directory"
else
	skip 5 "no zsh"
fi

# Paths where a file is expected, and nothing where none is.
mkdir -p "$TEST_TMP/w/sub"
: >"$TEST_TMP/w/ru.dtb"
: >"$TEST_TMP/w/ru.state"
cd "$TEST_TMP/w" || bail_out "cd"
is "$(comp bundle import r | words)" "ru.dtb ru.state" "bundle import FILE"
is "$(comp bundle export --since ru.s | words)" "ru.state" "--since STATE: a file"
is "$(comp bundle export -o s | words)" "sub" "-o FILE"
is "$(comp --passphrase-file r | words)" "ru.dtb ru.state" "--passphrase-file F"
is "$(comp --home s | words)" "sub" "--home DIR: directories"
is "$(comp audit r | words)" "ru.dtb ru.state" "audit <store|bundle>"
is "$(comp endorse --home | words)" "" "nothing for an unknown option"

# --opt=value.  bash splits such a word at "=" (COMP_WORDBREAKS) into
# "--opt", "=" and what follows, and replaces only what follows: the
# words are given here as bash gives them, and what is offered is the
# part after the "=".
is "$(comp minutes export --format = m | words)" "md" "--format=m<TAB>"
is "$(comp minutes export --format = | words)" "html json md txt" \
    "--format=<TAB>: every choice"
is "$(comp id passwd --kdf = s | words)" "sensitive" "id passwd --kdf=s<TAB>"
is "$(comp bundle export --since = ru.s | words)" "ru.state" \
    "--since=ru.s<TAB>: a file after the ="
is "$(comp --passphrase-file = r | words)" "ru.dtb ru.state" \
    "--passphrase-file=r<TAB>: a global option's file"
is "$(comp --home = s | words)" "sub" "--home=s<TAB>: directories"
is "$(comp --home = "$H" --as = us- | words)" "us-del us-head us-obs" \
    "--home=H --as=us-<TAB>: the identities of that home"
is "$(comp --home = "$H" log --meeting = "" | words)" "1 2" \
    "--home=H log --meeting=<TAB>: its meetings"
is "$(comp --home = "$H" add note --party = "" | words)" "RU US" \
    "--party=<TAB>: its parties"
is "$(comp endorse --bogus = x | words)" "" "nothing for an unknown option"
is "$(comp bundle export --force = x | words)" "" \
    "nothing for an option without a value"
# The program itself prints whole words, for zsh and for other shells.
is "$("$DETENTE" complete -- detente minutes export --format=j)" \
    "--format=json" "detente complete: the whole word"
if command -v zsh >/dev/null 2>&1; then
	is "$(zcomp minutes export --format=m | words)" "--format=md" \
	    "zsh: --format=m<TAB>"
	is "$(zcomp --home="$H" --as=us- | words)" \
	    "--as=us-del --as=us-head --as=us-obs" "zsh: --home=H --as=us-<TAB>"
	is "$(zcomp bundle export --since=r | words)" "!files" \
	    "zsh: --since=r<TAB>: a file after the ="
else
	skip "no zsh" 3
fi
done_testing
