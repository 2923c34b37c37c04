#!/bin/sh
# 98-minutes-html.sh: printable HTML minutes on two laptops (two homes):
# both replicas render byte-identical HTML, inferred from `-o *.html`;
# each head signs on their own replica, minisign verifies the signatures
# and `minutes verify --record` renders the HTML again; a hostile title,
# note and owner (markup, quotes, an escape sequence, a bidi override)
# come out as text, never as markup or controls; the print styles (A4,
# page counters, a signature block per head, languages side by side).
. "$(dirname "$0")/../tap.sh"
. "$_tap_lib_dir/cli/common.inc"
. "$_tap_lib_dir/cli/two-homes.inc"

two_homes || bail_out "cannot make a dialogue"
join_b || bail_out "cannot join"
ESC=$(printf '\033')
RLO=$(printf '\342\200\256')   # U+202E RIGHT-TO-LEFT OVERRIDE
TITLE='<script>alert("title")</script> & '"'"'q'"'"
A --as ru-head meeting open --title "$TITLE" --place "Женева" \
    --date 2030-01-10 >/dev/null || bail_out "cannot open a meeting"
AG=$(A --as ru-head add agenda --tr "ru=Каналы связи" \
    "Communication channels") || bail_out "agenda"
A --as ru-head mark "$AG" current >/dev/null || bail_out "mark"
A --as ru-del add note "Hostile: <img src=x onerror=alert(1)> \"q\" 'a' & ${ESC}[31mred${ESC}[0m ${RLO}txt.exe" \
    >/dev/null || bail_out "note"
sync_both || bail_out "cannot sync"
DEC=$(B --as us-head add decision --tr "ru=Проверять канал ежемесячно." \
    "Test the channel every month.") || bail_out "decision"
B --as us-del add commitment --party US --owner "<b>US CERT</b>" \
    --due 2030-02-01 "Share the CERT point of contact." >/dev/null ||
    bail_out "commitment"
sync_both || bail_out "cannot sync"
A --as ru-head endorse "$DEC" >/dev/null || bail_out "endorse"
A --as ru-head meeting close >/dev/null || bail_out "close"
B --as us-head meeting close >/dev/null || bail_out "close (US)"
sync_both || bail_out "cannot sync"

mkdir -p "$TEST_TMP/a" "$TEST_TMP/b"
MA=$TEST_TMP/a/minutes-1.html
MB=$TEST_TMP/b/minutes-1.html
run_ok "export -o minutes-1.html on A" A minutes export --meeting 1 -o "$MA"
like "$(head -n 1 "$MA")" '^<!-- detente-minutes v1 dialogue=[0-9a-f]{64} meeting=1 format=html lang=both status=final -->$' \
    "the extension gives the format; the first line identifies the minutes"
is "$(sed -n 2p "$MA")" '<!DOCTYPE html>' "an HTML document"
run_ok "export --format html on B" B minutes export --meeting 1 \
    --format html -o "$MB"
run_ok "B's HTML minutes are byte-identical to A's" cmp "$MA" "$MB"
run_ok "the same bytes on standard output" A minutes export --meeting 1 \
    --format html
cp "$OUT" "$TEST_TMP/stdout.html"
run_ok "and again" cmp "$TEST_TMP/stdout.html" "$MA"

# --- text, never markup -----------------------------------------------------
unlike "$(cat "$MA")" '<script' "no script element: the title is text"
unlike "$(cat "$MA")" '<img' "no img element: the note is text"
unlike "$(cat "$MA")" '<b>' "no b element: the owner is text"
like "$(cat "$MA")" '<h1>Minutes of meeting 1 / Протокол заседания № 1: &lt;script&gt;alert\(&quot;title&quot;\)&lt;/script&gt; &amp; &#39;q&#39;</h1>' \
    "the title, every one of & < > \" ' escaped"
like "$(cat "$MA")" 'Hostile: &lt;img src=x onerror=alert\(1\)&gt; &quot;q&quot; &#39;a&#39; &amp; ' \
    "the note's markup and quotes escaped"
like "$(cat "$MA")" '&lt;b&gt;US CERT&lt;/b&gt;' "the owner escaped"
unlike "$(cat "$MA")" "$ESC" "no escape character reaches the file"
unlike "$(cat "$MA")" "$RLO" "no bidi override reaches the file"
like "$(cat "$MA")" "$(printf '\357\277\275')\\[31mred" \
    "controls are shown as U+FFFD, as in every form"
if command -v python3 >/dev/null 2>&1; then
	run_ok "only the printer's own elements, no attribute but class, lang and value" \
	    python3 -c '
import sys
from html.parser import HTMLParser
ok = {"html","head","meta","title","style","body","h1","h2","h3","h4","h5",
      "h6","p","table","tr","th","td","ol","li","em","strong","code","pre",
      "br","div","section","span"}
attrs = {"class","lang","value","charset"}
class P(HTMLParser):
    def handle_starttag(self, tag, a):
        if tag not in ok: sys.exit("element " + tag)
        for k, v in a:
            if k not in attrs: sys.exit("attribute " + k)
P().feed(open(sys.argv[1], encoding="utf-8").read())' "$MA"
else
	skip "no python3"
fi

# --- print styles --------------------------------------------------------------
like "$(cat "$MA")" '@page \{ size: A4;' "A4 pages"
like "$(cat "$MA")" 'counter\(page\).*counter\(pages\)' "page numbers from CSS counters"
is "$(grep -c '<div class="sig">' "$MA")" 2 "a signature block per head"
like "$(cat "$MA")" 'For the delegation of / За делегацию стороны <strong>RU</strong>, head of delegation / глава делегации <strong>ru-head</strong>' \
    "naming the party and the head"
like "$(cat "$MA")" '<th>en, authentic</th><th>ru, перевод</th>' \
    "both languages side by side"
like "$(cat "$MA")" '<td lang="ru">Проверять канал ежемесячно\.</td>' \
    "the Russian text in its own column"
unlike "$(cat "$MA")" '(url\(|@import|(src|href)=")' \
    "self-contained: nothing loaded from elsewhere"
run_ok "--lang ru renders one language" A minutes export --meeting 1 \
    --format html --lang ru
like "$(cat "$OUT")" '<p lang="ru"><span class="label">\[ru, перевод\]</span> Проверять канал ежемесячно\.</p>' \
    "the translation, labelled"
like "$(head -n 1 "$OUT")" ' format=html lang=ru ' "named in the first line"

# --- signed by each head on their own replica ------------------------------
run_ok "ru-head signs the HTML on A" A --as ru-head minutes sign "$MA"
SHA=$(sha256sum <"$MA" | cut -d' ' -f1)
is "$(cat "$OUT")" "$SHA" "sign prints the SHA-256"
run_ok "us-head signs the HTML on B" B --as us-head minutes sign "$MB"
cp "$MB.us-head.minisig" "$TEST_TMP/a/"
PRU=$(A id export --minisign ru-head | tail -n 1)
PUS=$(B id export --minisign us-head | tail -n 1)
if command -v minisign >/dev/null 2>&1; then
	run_ok "minisign -Vm verifies ru-head's signature" minisign -Vm "$MA" \
	    -x "$MA.ru-head.minisig" -P "$PRU"
	like "$(cat "$OUT")" "^Trusted comment: detente minutes dialogue=$DID meeting=1 format=html lang=both signer=ru-head sha256=$SHA$" \
	    "its trusted comment says html"
	run_ok "minisign -Vm verifies us-head's signature" minisign -Vm "$MA" \
	    -x "$MA.us-head.minisig" -P "$PUS"
else
	skip "no minisign" 3
fi
run_ok "detente verifies both and renders the HTML again on A" \
    A minutes verify "$MA" --record
like "$(cat "$OUT")" '^signed by every head: RU \(ru-head\), US \(us-head\)$' \
    "every head signed"
like "$(cat "$OUT")" '^identical to the minutes of meeting 1 that this replica renders \(html, lang both' \
    "identical, as html"
cp "$MA.ru-head.minisig" "$TEST_TMP/b/"
run_ok "and on B, from B's record" B minutes verify "$MB" --record

# one changed character in the HTML: both detente and minisign refuse it
mkdir -p "$TEST_TMP/t"
cp "$MA" "$MA.ru-head.minisig" "$MA.us-head.minisig" "$TEST_TMP/t/"
sed 's/Test the channel every month/Test the channel every week./' "$MA" \
    >"$TEST_TMP/t/minutes-1.html"
run_fails 1 "a changed HTML file fails verify --record" \
    A minutes verify "$TEST_TMP/t/minutes-1.html" --record
if command -v minisign >/dev/null 2>&1; then
	run_fails any "and minisign" minisign -Vm "$TEST_TMP/t/minutes-1.html" \
	    -x "$TEST_TMP/t/minutes-1.html.ru-head.minisig" -P "$PRU"
else
	skip "no minisign"
fi
run_fails 2 "an unknown format is still refused" A minutes export \
    --meeting 1 --format pdf
like "$(cat "$ERR")" 'md, txt, json, html' "and the formats are named"
done_testing
