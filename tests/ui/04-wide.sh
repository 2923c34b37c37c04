#!/bin/sh
# 04-wide.sh: double-width characters do not break the columns.
#
# CJK and emoji (two columns each), accented Latin and Cyrillic (one
# column) in an agenda item, a note long enough to wrap, and a
# commitment; after each, every line of the frame must still be exactly
# as wide as the terminal and end in a border character, at 100x30 and
# at 80x24 (where the agenda pane is narrowest).  Typed text is also
# stored byte for byte.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

CJK_TOPIC='信息安全对话 🤝 议程'
NOTE='会议记录：双方同意建立热线 😀😀😀 — Événement réglé, стороны согласны; 日本語のテキストも折り返す必要があります。絵文字🎉も。'
ACT='完成草案 📝 before the next round'

ui_start main "$DETENTE" --home "$H" --passphrase-file "$P" ui
ui_wait main '^note>' "the UI is up"

ui_type main "Topic: $CJK_TOPIC"
ui_key main Enter
ui_wait main '^added agenda' "an agenda item in CJK and emoji is added"
out=$(ui_box_ok main 100)
ok $? "the frame holds after a CJK agenda item (100 columns)"
[ -z "$out" ] || diag "$out"

ui_type main "$NOTE"
ui_wait main '^note> 会议记录' "the wide text is echoed on the input line"
ui_key main Enter
ui_wait main '^added note' "a long note in CJK, emoji, Latin and Cyrillic is added"
ui_wait main '会议记录' "the note is on the screen"
out=$(ui_box_ok main 100)
ok $? "the frame holds after a wrapped wide note (100 columns)"
[ -z "$out" ] || diag "$out"

ui_type main "ACTION: RU 王伟 +30 $ACT"
ui_key main Enter
ui_wait main '^added commitment' "a commitment with a CJK owner is added"
ui_wait main '王伟' "the commitment is listed"
out=$(ui_box_ok main 100)
ok $? "the frame holds with a CJK commitment row (100 columns)"
[ -z "$out" ] || diag "$out"

tm resize-window -t t:main -x 80 -y 24
ui_poll main '^└─{78}┘$' 5
out=$(ui_box_ok main 80)
ok $? "the frame holds at 80x24"
[ -z "$out" ] || diag "$out"

# A wide character never sits across the edge of the input line.
tm resize-window -t t:main -x 100 -y 30
ui_poll main '^└─{98}┘$' 5
ui_type main "$(printf '漢%.0s' $(seq 1 60))"
ui_wait main '^…? *漢' "a long wide draft wraps on the input line"
bad=$(ui_screen main | awk 'NR > 24' | while IFS= read -r l; do
	w=$(printf '%s\n' "$l" | wc -L)
	[ "$w" -le 100 ] || echo "$w: $l"
done)
is "$bad" "" "no input line is wider than the terminal"
ui_key main C-u
ui_key main C-u

ui_key main : q Enter
is "$(ui_rc_wait main)" 0 "the UI quits"
log_json
ok 'grep -qF "\"text\": \"$CJK_TOPIC\"" "$TEST_TMP/log"' "the CJK agenda item is stored exactly"
ok 'grep -qF "\"text\": \"$NOTE\"" "$TEST_TMP/log"' "the mixed-script note is stored exactly"
ok 'grep -qF "\"text\": \"$ACT\"" "$TEST_TMP/log" && grep -qF "\"owner\": \"王伟\"" "$TEST_TMP/log"' \
    "the commitment and its owner are stored exactly"
done_testing
