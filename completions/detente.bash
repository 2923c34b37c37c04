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
#
# A word "--opt=value": bash splits it at "=" (COMP_WORDBREAKS), into
# "--opt", "=" and "value", and replaces only the part after the "=".
# The words are joined again for the program, which prints each
# candidate whole ("--format=md"), and only the part after the "=" is
# offered to bash.

_detente()
{
	local cur prog out i w
	local -a words=()
	prog=${COMP_WORDS[0]}
	# `~/bin/detente`: expand the tilde, as the shell would to run it
	[[ $prog == "~"/* ]] && prog=$HOME/${prog#"~/"}
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((i > 1)) && [[ ${COMP_WORDS[i - 1]} == "=" &&
		    ${words[-1]} == --*= ]]; then
			words[-1]+=$w
		elif ((i > 0)) && [[ $w == "=" && ${words[-1]} == --* &&
		    ${words[-1]} != *=* ]]; then
			words[-1]+="="
		else
			words+=("$w")
		fi
	done
	cur=${words[-1]}
	out=$("$prog" complete -- "${words[@]}" 2>/dev/null </dev/null) ||
	    return 0
	COMPREPLY=()
	case $cur in
	--*=*) cur=${cur#*=} ;;
	*) ;;
	esac
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
		# "--opt=value": bash replaces only what follows the "="
		[[ ${words[-1]} == --*=* ]] &&
		    COMPREPLY=("${COMPREPLY[@]#--*=}")
		;;
	esac
	return 0
}
complete -F _detente detente
