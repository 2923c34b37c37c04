#!/bin/sh
# 67-internal.sh: delegation-internal notes (issue 15) across two homes
# (two laptops), in seeded random interleavings.
#
# For each seed: RU (home A: ru-head, ru-del, ru-exp) and US (home B:
# us-head, us-del) write joint and internal notes, close and open
# meetings, rekey (`dialogue rekey`, `dialogue rekey --internal`), and
# exchange bundles in a random order; at a random point RU's head removes
# ru-del (the RU internal key rotates: `dialogue epochs` says so) and
# replaces ru-exp's lost laptop by ru-new (member replace, --epochs all or
# current by seed).  After a last exchange both ways and every meeting
# closed by both sides:
#   - both replicas hold the same entries in the same order, verify with
#     exit 0, and count the other party's internal notes;
#   - both list the same internal keys;
#   - every RU internal note is read by RU's head, by ru-del if written
#     before its removal (and not after), by ru-new as --epochs says, by
#     ru-exp only if written before the replacement, and by no US
#     identity; the same for US's notes and RU identities;
#   - the joint minutes of every meeting are the same bytes on both homes
#     and hold no internal text;
#   - on the bytes (tests/tools/internal_check.py, python3-nacl, each
#     identity's own keystore): no box of any key wrap and no internal
#     note opens with any key a US identity holds or can obtain; ru-del
#     opens no party key wrap and no internal note written after its
#     removal; RU's members open what they were given, and the plaintext
#     unpads to a note payload; no box opens under the other context.
# Also: a delegate of a party without an internal key is refused with
# the message, and nothing is written; correct and endorse of an
# internal note are refused, and nothing is written.  At the end, one
# internal note goes over a live `detente sync` link, and the internal
# notes a removed member writes on its own laptop are the same member
# faults on both sides.
#
# DETENTE_SEEDS replays given seeds (default three fixed ones);
# DETENTE_ROUNDS sets the number of random steps per seed (default 24).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"
. "$_tap_lib_dir/cli/sync.inc"

SEEDS=${DETENTE_SEEDS:-"1 5 20261207"}
ROUNDS=${DETENTE_ROUNDS:-24}
IC="$_tap_lib_dir/tools/internal_check.py"
NOTES=$TEST_TMP/notes

rnd()
{
	SEED=$(((SEED * 1103515245 + 12345) % 2147483648))
	R=$(((SEED / 65536) % $1))
}

# ship FROM TO: every entry FROM holds that TO lacks, by a --since bundle.
ship()
{
	"$2" bundle state -o "$TEST_TMP/ship.state" --force >/dev/null &&
	    "$1" bundle export --since "$TEST_TMP/ship.state" \
	    -o "$TEST_TMP/ship.dtb" --force >/dev/null &&
	    "$2" bundle import "$TEST_TMP/ship.dtb" >/dev/null
}

# inote H WHO PARTY: WHO writes an internal note in home H; its line
# "PARTY GEN ID TEXT" goes to $NOTES, GEN being the party's internal key
# generation the note is written under (every RU or US internal key is
# started on one home, so a home's count is the key's number).
inote()
{
	_t="$3int:$s:$i:$2:end"
	if [ "$3" = RU ]; then _g=$rg; else _g=$ug; fi
	_id=$("$1" --as "$2" add note --internal "$_t") || return 1
	printf '%s %s %s %s\n' "$3" "$_g" "$_id" "$_t" >>"$NOTES"
}

# jnote H WHO: a joint note, its text in $TEST_TMP/joint.
jnote()
{
	_t="joint:$s:$i:$2:end"
	"$1" --as "$2" add note "$_t" >/dev/null || return 1
	printf '%s\n' "$_t" >>"$TEST_TMP/joint"
}

# texts PARTY [MIN [MAX]]: the texts of PARTY's internal notes whose
# generation is from MIN to MAX.
texts()
{
	awk -v p="$1" -v lo="${2:-0}" -v hi="${3:-999999}" \
	    '$1 == p && $2 >= lo && $2 <= hi { print $4 }' "$NOTES"
}

# reads H WHO WANT NOTWANT: WHO's log in H shows every text of the file
# WANT and none of NOTWANT; prints "seen/wanted leaked".
reads()
{
	"$1" --as "$2" log >"$TEST_TMP/reads.log" || { echo "no log"; return; }
	_w=0
	_s=0
	_l=0
	while read -r _t; do
		_w=$((_w + 1))
		grep -qF -- "$_t" "$TEST_TMP/reads.log" && _s=$((_s + 1))
	done <"$3"
	while read -r _t; do
		grep -qF -- "$_t" "$TEST_TMP/reads.log" && _l=$((_l + 1))
	done <"$4"
	echo "$_s/$_w $_l"
}

# ikeys H AS PARTY: the internal keys of PARTY `dialogue epochs` lists
# (number, key id, clock), one a line.
ikeys()
{
	"$1" --as "$2" dialogue epochs |
	    awk -v p="$3" '$1 == "internal" && $5 == p { print $3, $8, $12 }'
}

# meeting_turn H WHO: WHO's side closes its open meeting and opens the
# next one, unless the other side has opened it already (then its side
# writes in that one).
meeting_turn()
{
	"$1" --as "$2" meeting close >/dev/null &&
	    { "$1" --as "$2" meeting open >/dev/null 2>"$TEST_TMP/turn.err" ||
	    grep -q "is still open: write in it" "$TEST_TMP/turn.err"; }
}

# new_sees: with --epochs current, ru-new cannot read the meeting-open of
# a meeting opened under an earlier key epoch, so for it no meeting is
# open (the key epochs' design, not the internal notes'): both sides
# close theirs and RU opens the next, under the current epoch.
new_sees()
{
	[ $EPOCHS = all ] && return 0
	sync_both && close_all && sync_both &&
	    A --as ru-head meeting open >/dev/null && ship A B
}

# remove_del: RU's head removes ru-del; RU's internal key rotates.
remove_del()
{
	_k=$(ikeys A ru-head RU | wc -l)
	A --as ru-head member remove --reason "round $i" ru-del \
	    >"$TEST_TMP/rm.out" || return 1
	removed=1
	rg=$((rg + 1))
	rm_gen=$rg
	like "$(cat "$TEST_TMP/rm.out")" \
	    "new internal key of RU \\(key id [0-9a-f]{16}\\)" \
	    "seed $s: the removal says RU's internal key changes"
	is "$(ikeys A ru-head RU | wc -l)" $((_k + 1)) \
	    "seed $s: dialogue epochs lists one more RU internal key"
	like "$(A --as ru-del dialogue epochs | grep ' of RU ' | tail -n 1)" \
	    "^internal key $rg of RU .* key not held$" \
	    "seed $s: which ru-del does not hold"
	like "$(A --as ru-head dialogue epochs | grep ' of RU ' | tail -n 1)" \
	    "^internal key $rg of RU .* key held \\(current\\)$" \
	    "seed $s: and ru-head does, as the current one"
}

# close_all: each side closes every meeting it has not closed.
close_all()
{
	_nm=$(A --as ru-head meeting list | grep -c '^meeting ')
	_m=1
	while [ "$_m" -le "$_nm" ]; do
		A --as ru-head meeting close "$_m" >/dev/null 2>&1
		B --as us-head meeting close "$_m" >/dev/null 2>&1
		_m=$((_m + 1))
	done
}

for SEED in $SEEDS; do
	s=$SEED
	note "seed $s (replay with DETENTE_SEEDS=$s)"
	rm -rf "$HA" "$HB" "$TEST_TMP/genesis.dtb"
	: >"$NOTES"
	: >"$TEST_TMP/joint"
	rnd 2
	if [ "$R" = 0 ]; then EPOCHS=all; else EPOCHS=current; fi
	two_homes || bail_out "cannot make a dialogue"
	A id new --name ru-exp --kdf min >/dev/null &&
	    A id new --name ru-new --kdf min >/dev/null &&
	    A --as ru-head member add ru-exp >/dev/null ||
	    bail_out "cannot add ru-exp"
	join_b || bail_out "cannot join"
	A --as ru-head meeting open >/dev/null || bail_out "no meeting"
	sync_both || bail_out "cannot sync"
	i=0

	# No internal key yet: a delegate is refused, and nothing is written.
	hb=$(hashes "$HB")
	run_fails 1 "seed $s: us-del is refused before US has an internal key" \
	    B --as us-del add note --internal "usint:refused:end"
	like "$(cat "$ERR")" "US has no internal key yet: us-del: nothing was written; the head of US \\(us-head\\) starts it" \
	    "seed $s: the refusal says why and who starts the key"
	is "$(cat "$OUT")" "" "seed $s: and prints no id"
	is "$(hashes "$HB")" "$hb" "seed $s: nothing was written on B"
	ha=$(hashes "$HA")
	run_fails 1 "seed $s: ru-del too, on A" A --as ru-del add note \
	    --internal "ruint:refused:end"
	is "$(hashes "$HA")" "$ha" "seed $s: nothing was written on A"

	# Each head starts its party's key with its first internal note.
	rg=0
	ug=0
	i=start
	run_ok "seed $s: ru-head writes RU's first internal note" \
	    inote A ru-head RU
	like "$(cat "$ERR")" "started the internal key of RU" \
	    "seed $s: and is told it started RU's internal key"
	run_ok "seed $s: us-head writes US's first internal note" \
	    inote B us-head US
	like "$(cat "$ERR")" "started the internal key of US" \
	    "seed $s: and is told it started US's internal key"
	run_ok "seed $s: ru-del writes one now" inote A ru-del RU
	unlike "$(cat "$ERR")" "started" "seed $s: starting nothing"

	removed=0
	replaced=0
	RD=ru-exp
	n=0
	i=0
	while [ "$i" -lt "$ROUNDS" ]; do
		i=$((i + 1))
		rnd 14
		case $R in
		0) inote A ru-head RU ;;
		1) if [ $removed = 0 ]; then inote A ru-del RU
		   else inote A $RD RU; fi ;;
		2) inote B us-head US ;;
		3) inote B us-del US ;;
		4) if [ $((i % 2)) = 0 ]; then jnote A ru-head
		   else jnote A $RD; fi ;;
		5) if [ $((i % 2)) = 0 ]; then jnote B us-head
		   else jnote B us-del; fi ;;
		6|7) ship A B ;;
		8|9) ship B A ;;
		10) if [ $removed = 0 ]; then remove_del
		   else
			A --as ru-head dialogue rekey --internal \
			    --reason "round $i" >/dev/null && rg=$((rg + 1))
		   fi ;;
		11) if [ $((i % 2)) = 0 ]; then
			A --as ru-head dialogue rekey >/dev/null &&
			    rg=$((rg + 1))
		    else
			B --as us-head dialogue rekey --internal >/dev/null &&
			    ug=$((ug + 1))
		    fi ;;
		12) if [ $((i % 2)) = 0 ]; then meeting_turn A ru-head
		    else meeting_turn B us-del; fi ;;
		13) if [ $removed = 1 ] && [ $replaced = 0 ]; then
			A --as ru-head member replace --epochs $EPOCHS \
			    --reason "laptop lost" ru-exp ru-new >/dev/null &&
			    replaced=1 && rg=$((rg + 1)) && rep_gen=$rg &&
			    RD=ru-new && new_sees
		    else
			B --as us-head dialogue rekey >/dev/null &&
			    ug=$((ug + 1))
		    fi ;;
		esac || { n=$((n + 1)); diag "seed $s: step $i ($R) failed"; }
	done
	i=end
	if [ $removed = 0 ]; then
		remove_del || n=$((n + 1))
	fi
	if [ $replaced = 0 ]; then
		A --as ru-head member replace --epochs $EPOCHS ru-exp ru-new \
		    >/dev/null && rg=$((rg + 1)) && rep_gen=$rg &&
		    RD=ru-new && new_sees || n=$((n + 1))
	fi
	for w in "A ru-head RU" "A ru-new RU" "B us-del US"; do
		# shellcheck disable=SC2086 # $w is three words on purpose
		inote $w || { n=$((n + 1)); diag "seed $s: $w failed"; }
	done
	is "$n" 0 "seed $s: every step of the interleaving succeeded"
	note "seed $s: $(grep -c '^RU' "$NOTES") RU and $(grep -c '^US' "$NOTES") US internal notes, RU keys $((rg + 1)), US keys $((ug + 1)), removal at $rm_gen, replacement at $rep_gen (--epochs $EPOCHS)"

	# correct and endorse of an internal note: refused, nothing written.
	sync_both || fail "seed $s: exchange"
	rid=$(awk '$1 == "RU" { print $3; exit }' "$NOTES")
	ha=$(hashes "$HA")
	hb=$(hashes "$HB")
	run_fails any "seed $s: ru-head cannot correct an internal note" \
	    A --as ru-head correct "$rid" "corrected"
	like "$(cat "$ERR")" "an internal note cannot be the target" \
	    "seed $s: correct says why"
	run_fails any "seed $s: ru-head cannot endorse an internal note" \
	    A --as ru-head endorse "$rid"
	like "$(cat "$ERR")" "an internal note cannot be the target" \
	    "seed $s: endorse says why"
	run_fails any "seed $s: nor can us-head endorse it" \
	    B --as us-head endorse "$rid"
	run_ok "seed $s: us-head shows it" B --as us-head show "$rid"
	like "$(cat "$OUT")" "not decrypted \\(an internal note of another party" \
	    "seed $s: show says it is another party's internal note"
	unlike "$(cat "$OUT")" "RUint:" "seed $s: and shows none of its text"
	is "$(hashes "$HA"):$(hashes "$HB")" "$ha:$hb" \
	    "seed $s: nothing was written on either side"

	# Every meeting closed by both sides, then the last exchange.
	close_all
	sync_both && sync_both || fail "seed $s: the last exchange"
	nm=$(A --as ru-head meeting list | grep -c '^meeting ')
	ha=$(hashes "$HA")
	ok '[ -n "$ha" ]' "seed $s: A lists its entries"
	is "$(hashes "$HB")" "$ha" \
	    "seed $s: both replicas hold the same entries in the same order"
	nru=$(grep -c '^RU' "$NOTES")
	nus=$(grep -c '^US' "$NOTES")
	run_ok "seed $s: B verifies" B --as us-head verify
	like "$(cat "$OUT")" "^OK: .*\\($nru internal notes of another party" \
	    "seed $s: and counts RU's $nru internal notes as another party's"
	run_ok "seed $s: A verifies" A --as ru-head verify
	like "$(cat "$OUT")" "^OK: .*\\($nus internal notes of another party" \
	    "seed $s: and counts US's $nus internal notes as another party's"
	is "$(ikeys B us-head RU)" "$(ikeys A ru-head RU)" \
	    "seed $s: both list the same RU internal keys"
	is "$(ikeys A ru-head US)" "$(ikeys B us-head US)" \
	    "seed $s: and the same US internal keys"
	is "$(ikeys A ru-head RU | wc -l)" $((rg + 1)) \
	    "seed $s: one RU internal key per start and rotation"
	is "$(ikeys A ru-head US | wc -l)" $((ug + 1)) \
	    "seed $s: one US internal key per start and rotation"

	# Who reads what, through the CLI.
	texts RU >"$TEST_TMP/ru.all"
	texts US >"$TEST_TMP/us.all"
	texts RU 0 $((rm_gen - 1)) >"$TEST_TMP/ru.before"
	texts RU "$rm_gen" >"$TEST_TMP/ru.after"
	cat "$TEST_TMP/us.all" "$TEST_TMP/ru.after" >"$TEST_TMP/ru-del.not"
	nb=$(wc -l <"$TEST_TMP/ru.before")
	nrua=$(wc -l <"$TEST_TMP/ru.after")
	is "$(reads A ru-head "$TEST_TMP/ru.all" "$TEST_TMP/us.all")" \
	    "$nru/$nru 0" "seed $s: ru-head reads every RU internal note, no US one"
	is "$(grep -c '\[RU only\] RUint:' "$TEST_TMP/reads.log")" "$nru" \
	    "seed $s: and its log marks each as [RU only]"
	is "$(reads A ru-del "$TEST_TMP/ru.before" "$TEST_TMP/ru-del.not")" \
	    "$nb/$nb 0" \
	    "seed $s: ru-del reads RU's internal notes from before its removal, not the $nrua after"
	if [ $EPOCHS = all ]; then
		texts RU >"$TEST_TMP/ru-new.want"
		: >"$TEST_TMP/ru-new.not"
	else
		texts RU $((rep_gen - 1)) >"$TEST_TMP/ru-new.want"
		texts RU 0 $((rep_gen - 2)) >"$TEST_TMP/ru-new.not"
	fi
	cat "$TEST_TMP/us.all" >>"$TEST_TMP/ru-new.not"
	nw=$(wc -l <"$TEST_TMP/ru-new.want")
	is "$(reads A ru-new "$TEST_TMP/ru-new.want" "$TEST_TMP/ru-new.not")" \
	    "$nw/$nw 0" \
	    "seed $s: ru-new (--epochs $EPOCHS) reads exactly the RU internal notes of the keys it was given"
	texts RU 0 $((rep_gen - 1)) >"$TEST_TMP/ru-exp.want"
	texts RU "$rep_gen" >"$TEST_TMP/ru-exp.not"
	cat "$TEST_TMP/us.all" >>"$TEST_TMP/ru-exp.not"
	nw=$(wc -l <"$TEST_TMP/ru-exp.want")
	is "$(reads A ru-exp "$TEST_TMP/ru-exp.want" "$TEST_TMP/ru-exp.not")" \
	    "$nw/$nw 0" \
	    "seed $s: the lost key reads none written after its replacement"
	is "$(reads B us-head "$TEST_TMP/us.all" "$TEST_TMP/ru.all")" \
	    "$nus/$nus 0" "seed $s: us-head reads every US internal note, no RU one"
	is "$(reads B us-del "$TEST_TMP/us.all" "$TEST_TMP/ru.all")" \
	    "$nus/$nus 0" "seed $s: us-del reads every US internal note, no RU one"
	is "$(grep -c '(internal note of RU: only its members can read it)' \
	    "$TEST_TMP/reads.log")" "$nru" \
	    "seed $s: us-del's log marks each RU internal note as such"
	is "$(B --as us-head log --json | awk '/"kind": "/ { k = $2 }
	    /"internal": true/ && k == "\"note\"," { n++ } END { print n }')" \
	    $((nru + nus)) "seed $s: log --json marks every internal note"

	# The joint minutes: the same bytes on both homes, no internal text.
	m=1
	bad=0
	same=0
	: >"$TEST_TMP/minutes.all"
	while [ "$m" -le "$nm" ]; do
		A --as ru-head minutes export --meeting "$m" \
		    -o "$TEST_TMP/a-$m.md" --force >/dev/null &&
		    B --as us-head minutes export --meeting "$m" \
		    -o "$TEST_TMP/b-$m.md" --force >/dev/null ||
		    bad=$((bad + 1))
		cmp -s "$TEST_TMP/a-$m.md" "$TEST_TMP/b-$m.md" &&
		    same=$((same + 1))
		cat "$TEST_TMP/a-$m.md" "$TEST_TMP/b-$m.md" \
		    >>"$TEST_TMP/minutes.all"
		m=$((m + 1))
	done
	is "$bad" 0 "seed $s: both homes export the minutes of all $nm meetings"
	is "$same" "$nm" "seed $s: the same bytes on both homes"
	is "$(grep -cF -f "$TEST_TMP/ru.all" "$TEST_TMP/minutes.all")" 0 \
	    "seed $s: no RU internal text in the joint minutes"
	is "$(grep -cF -f "$TEST_TMP/us.all" "$TEST_TMP/minutes.all")" 0 \
	    "seed $s: no US internal text in them"
	is "$(grep -cE '(RU|US)int:' "$TEST_TMP/minutes.all")" 0 \
	    "seed $s: nor any part of one"
	ok '[ "$(grep -cF "joint:$s:" "$TEST_TMP/minutes.all")" -gt 0 ]' \
	    "seed $s: the joint notes are there (the check can fail)"

	# On the bytes.
	if have_bt; then
		B bundle export -o "$TEST_TMP/all.dtb" --force >/dev/null
		/usr/bin/python3 "$IC" "$TEST_TMP/all.dtb" "$PASS" \
		    "$HB/identities/us-head.key" "$HB/identities/us-del.key" \
		    "$HA/identities/ru-head.key" "$HA/identities/ru-del.key" \
		    "$HA/identities/ru-exp.key" "$HA/identities/ru-new.key" \
		    >"$TEST_TMP/ic.out" 2>"$TEST_TMP/ic.err"
		is "$?" 0 "seed $s: internal_check.py runs"
		diag_file "$TEST_TMP/ic.err"
		while read -r line; do note "$line"; done <"$TEST_TMP/ic.out"
		l() { grep "^$1 " "$TEST_TMP/ic.out"; }
		for who in us-head us-del; do
			like "$(l $who)" " foreign_opened=0 cross=0 " \
			    "seed $s: $who: no box addressed to another opens, none under the other context (bytes)"
			like "$(l $who)" " other_int=$nru other_int_opened=0 " \
			    "seed $s: $who: none of RU's $nru internal notes opens with any key it holds or can obtain (bytes)"
			like "$(l $who)" " own_int=$nus own_int_opened=$nus unpadded=$nus " \
			    "seed $s: $who: every US internal note opens and unpads to a note (the check can fail)"
		done
		for who in ru-head ru-del ru-exp ru-new; do
			like "$(l $who)" " foreign_opened=0 cross=0 " \
			    "seed $s: $who: no box addressed to another opens, none under the other context (bytes)"
			like "$(l $who)" " other_int=$nus other_int_opened=0 " \
			    "seed $s: $who: no US internal note opens (bytes)"
		done
		like "$(l ru-head)" " own_int=$nru own_int_opened=$nru unpadded=$nru " \
		    "seed $s: ru-head opens every RU internal note, each unpads to a note (bytes)"
		like "$(l ru-del)" " pwraps_after_to_me=0 int_after=$nrua int_after_opened=0 " \
		    "seed $s: ru-del: no party key wrap after its removal is addressed to it, none of the $nrua internal notes after opens (bytes)"
		like "$(l ru-del)" " own_int_opened=$nb " \
		    "seed $s: ru-del opens the $nb from before (bytes)"
		nw=$(wc -l <"$TEST_TMP/ru-new.want")
		like "$(l ru-new)" " own_int_opened=$nw unpadded=$nw " \
		    "seed $s: ru-new opens the $nw RU internal notes --epochs $EPOCHS gave it (bytes)"
		like "$(l ru-head)" " pcross_checked=[1-9][0-9]* jcross_checked=[1-9]" \
		    "seed $s: the context check was made on boxes of both kinds"
	else
		skip "python3 with nacl, argon2, cryptography" 14
	fi
done

# Live: an internal note written on A reaches B over `detente sync`.
i=sync
s=live
A --as ru-head meeting open >/dev/null
B --as us-head meeting open >/dev/null
run_ok "ru-head writes an internal note" inote A ru-head RU
id=$(tail -n 1 "$NOTES" | awk '{ print $3 }')
stdio_pair "$HA" ru-head "$HB" us-del
is "$RC1:$RC2" "0:0" "sync --stdio --once: both ends exit 0"
ok 'same_hashes "$HA" "$HB"' "the replicas hold the same entries"
run_ok "B shows it" B --as us-del log
like "$(grep -A1 " $id " "$OUT")" "\\(internal note of RU: only its members can read it\\)" \
    "B's log shows the internal note of RU"
unlike "$(cat "$OUT")" "RUint:live" "and not its text"
run_ok "B verifies" B --as us-del verify

# ru-del's own laptop (C, a copy of A from before its removal): the
# internal notes it writes there after its removal are member faults, and
# both sides name the same ones, whether they can read them or not.
rm -rf "$HA" "$HB" "$HC" "$TEST_TMP/genesis.dtb"
two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
A --as ru-head meeting open >/dev/null || bail_out "no meeting"
A --as ru-head add note --internal "RUint:first" >/dev/null 2>&1 ||
    bail_out "no internal note"
sync_both || bail_out "cannot sync"
cp -R "$HA" "$HC" || bail_out "cannot copy the home"
run_ok "ru-head removes ru-del on A" A --as ru-head member remove ru-del
nw=0
for k in 1 2 3; do
	C --as ru-del add note --internal "RUint:offline:$k" >/dev/null &&
	    nw=$((nw + 1))
done
is "$nw" 3 "ru-del, offline, writes three internal notes on its laptop"
ship C A 2>/dev/null && ship A B 2>/dev/null || fail "exchange"
faults()
{
	"$1" verify --no-key | sed -n \
	    's/^member fault: .* \([0-9a-f]\{64\}\): written after its author.s removal$/\1/p' |
	    sort
}
fa=$(faults A)
ok '[ "$(printf "%s\n" "$fa" | grep -c .)" -ge 2 ]' \
    "A names the internal notes written after the removal as member faults"
is "$(faults B)" "$fa" "B, which cannot read them, names the same ones"
is "$(hashes "$HB")" "$(hashes "$HA")" "both hold the same entries"
run_fails 3 "B's verify exits 3 (evidence)" B --as us-head verify
run_ok "ru-head reads the log" A --as ru-head log
unlike "$(cat "$OUT")" "RUint:offline:[2-3]" \
    "no fault's text is shown, even to a member holding its key"
done_testing
