#!/bin/sh
# 85-crash-smoke.sh: a short run of `make crash` (tests/campaigns/
# crash.py): kill -9 during add, import and join; every store still
# verifies, nothing committed is lost, no import or join is left half
# done.  Then the same against a detente whose add prints an id and
# writes nothing: the campaign must count the entry lost and fail.
. "$(dirname "$0")/../tap.sh"

command -v python3 >/dev/null 2>&1 || plan skip_all "python3 is needed"
C=${abs_top_srcdir:-$_tap_lib_dir/..}/tests/campaigns/crash.py
N=${DETENTE_CRASH_SMOKE:-12}

CAMPAIGN_SEED=7 CRASH_N=$N run_ok "a crash campaign of $N kills" python3 "$C"
last=$(tail -n 1 "$OUT")
like "$last" "^crash: tried $N, interrupted [0-9]+, damaged 0, crashed 0, lost 0\$" \
    "no store damaged, nothing crashed or lost: $last"
for k in add import join; do
	like "$(cat "$OUT")" "^$k +[1-9]" "$k was tried"
done

# The control: an add that says it committed and did not.
cat >"$TEST_TMP/liar" <<EOS
#!/bin/sh
case " \$* " in
*" add note after the kill "*) exec "$DETENTE" "\$@" ;;
*" add note "*) echo deadbeef; exit 0 ;;
esac
exec "$DETENTE" "\$@"
EOS
chmod +x "$TEST_TMP/liar"
DETENTE_BIN=$TEST_TMP/liar CAMPAIGN_SEED=7 CRASH_N=3 \
    run_fails 1 "against an add that lies, the campaign fails" python3 "$C"
like "$(tail -n 1 "$OUT")" '^crash: tried 3, .*lost [1-9][0-9]*$' \
    "and counts the entry lost"
done_testing
