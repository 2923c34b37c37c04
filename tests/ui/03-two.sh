#!/bin/sh
# 03-two.sh: two delegates' UIs on one dialogue see each other.
#
# The RU head and the US head of the demo dialogue each run the UI (on
# the same store, as on one machine in the room) in two tmux windows.
# What one adds appears in the other within a few seconds without a key
# being pressed there; so does an entry from the command line.
. "$(dirname "$0")/../tap.sh"
. "$(dirname "$0")/tmux.lib"
ui_need_tmux
ui_demo

UI_TERM=xterm-256color
ui_start ru "$DETENTE" --home "$H" --passphrase-file "$P" --as ru-head ui
ui_start us "$DETENTE" --home "$H" --passphrase-file "$P" --as us-head ui
ui_wait ru '^note>' "the RU head's UI is up"
ui_wait us '^note>' "the US head's UI is up"
like "$(ui_screen ru)" 'me: ru-head .\[RU\]' "the first UI acts as ru-head"
like "$(ui_screen us)" 'me: us-head .\[US\]' "the second UI acts as us-head"

ui_type ru 'Moscow proposes a hotline test in January'
ui_key ru Enter
ui_wait ru '^added note' "RU adds a note"
t0=$(date +%s%N)
ui_wait us 'Moscow proposes a hotline test' \
    "the US UI shows it without a keypress" 5
ms=$((($(date +%s%N) - t0) / 1000000))
diag "it appeared after $ms ms"
ok '[ "$ms" -lt 3000 ]' "within a few seconds (the UI polls every 250 ms)"
ui_wait us '●\[RU\] ru-head · note' "with the RU author's marker" 2

ui_type us 'STATEMENT: Washington agrees to test the channel'
ui_key us Enter
ui_wait us '^added statement' "US adds a statement"
ui_wait ru 'Washington agrees to test' \
    "the RU UI shows it without a keypress" 5
ui_wait ru '■\[US\] us-head · statement' "with the US author's marker" 2

# A third writer: the command line, as another delegate.
run_ok "a note from the command line" "$DETENTE" --home "$H" \
    --passphrase-file "$P" --as us-expert add note 'from the command line'
ui_wait ru 'from the command line' "the RU UI shows the command line's note" 5
ui_wait us 'from the command line' "the US UI shows it too" 5

# The heads endorse each other's entries from their own UIs.
sid=$(ui_screen us | sed -n 's/.*us-head · statement \([0-9a-f]\{8\}\).*/\1/p' | tail -n 1)
ok '[ -n "$sid" ]' "the statement's id is on the screen"
ui_key ru :
ui_type ru "endorse $sid"
ui_key ru Enter
ui_wait ru "^Endorse $sid\? .*\(y/n\)" "RU is asked to confirm the endorsement"
ui_key ru y
ui_wait ru "^endorse $sid → " "RU endorses the US statement"
ui_wait us "us-head · statement $sid ✓RU" "US sees the RU endorsement" 5

# Both headers count the same entries.
n=$(entries_count)
ui_wait ru "$n entries" "the RU header counts $n entries" 5
ui_wait us "$n entries" "the US header counts $n entries" 5

ui_key ru : q Enter
ui_key us : q Enter
is "$(ui_rc_wait ru)" 0 "the RU UI quits"
is "$(ui_rc_wait us)" 0 "the US UI quits"
run_ok "the record verifies: no fork" \
    "$DETENTE" --home "$H" --passphrase-file "$P" verify
done_testing
