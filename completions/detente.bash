# bash completion for detente                                -*- shell-script -*-
#
# Installed as $(datadir)/bash-completion/completions/detente, where
# bash-completion loads it on the first <TAB> after `detente`; or source it
# from ~/.bashrc.  It asks the program itself what to offer
# (`detente complete -- WORDS...`, a hidden command that reads the same
# usage text as `detente COMMAND --help`), so that it cannot drift from
# the commands: commands, subcommands, options, identity names, dialogue
# ids, meeting numbers, entry ids, and paths where a file is expected.
# It never asks for a passphrase.

_detente()
{
	local cur prog out
	cur=${COMP_WORDS[COMP_CWORD]}
	prog=${COMP_WORDS[0]}
	# `~/bin/detente`: expand the tilde, as the shell would to run it
	[[ $prog == "~"/* ]] && prog=$HOME/${prog#"~/"}
	out=$("$prog" complete -- "${COMP_WORDS[@]:0:COMP_CWORD+1}" \
	    2>/dev/null </dev/null) || return 0
	COMPREPLY=()
	case $out in
	'!files')
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	'!dirs')
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	?*)
		mapfile -t COMPREPLY <<<"$out"
		;;
	esac
	return 0
}
complete -F _detente detente
