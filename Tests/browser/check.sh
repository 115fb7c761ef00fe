#!/bin/sh
# Checks an Orrery HTML page or SVG plot in headless Chromium (Debian's `chromium`).
#
#   check.sh html FILE QUERY COLUMN EXPECTED SHOT.png   # EXPECTED: comma-separated row indices
#                                                        # VIEW=K in the environment: show view K
#   check.sh svg  FILE CIRCLES SHOT.png                 # CIRCLES: number of points drawn
#
# Asserts, printing "ok …" or "FAIL …" per check (exit status 1 on any failure):
#   html: the page's script ran to the end (data-ready="1"); no uncaught error (window.onerror
#         count data-errors="0", and no "Uncaught" / console error in Chromium's log); the search
#         QUERY over COLUMN (set by the URL hash, run by the page's own search code) selected
#         exactly EXPECTED; clicking point 0 (hash select=0) listed its neighbours; a screenshot is
#         not blank (more than 0.5% of its pixels differ from the background, at least 3 colours).
#         Also prints the page's own timings: load (ms since navigation), one redraw (median of 20),
#         one hover lookup.
#   svg:  the SVG parses and holds CIRCLES+ <circle> elements, no console error, the screenshot is
#         not blank.
set -u
BROWSER=${CHROMIUM:-chromium}
FLAGS="--headless --no-sandbox --disable-gpu --use-angle=swiftshader --enable-unsafe-swiftshader --hide-scrollbars --window-size=1200,800"
fail=0
ok() { echo "ok $*"; }
bad() { echo "FAIL $*"; fail=1; }
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
nonblank() {
  python3 - "$1" <<'PY'
import sys, zlib, struct
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR": w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    if kind == b"IDAT": idat += body
    pos += 12 + length
raw = zlib.decompress(idat); bpp = {2: 3, 6: 4, 0: 1}[ctype]; stride = w * bpp
rows, prev = [], bytearray(stride)
for y in range(h):
    f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line)); prev = line
counts = {}
for line in rows[::2]:
    for x in range(0, stride, bpp * 2):
        px = line[x:x + 3]; counts[px] = counts.get(px, 0) + 1
total = sum(counts.values()); background = max(counts.values())
share = 1 - background / total
print("%d x %d px, %d colours, %.1f%% non-background" % (w, h, len(counts), share * 100))
sys.exit(0 if share > 0.005 and len(counts) >= 3 else 1)
PY
}

command -v "$BROWSER" >/dev/null 2>&1 || { echo "SKIP no $BROWSER"; exit 77; }
kind=$1; file=$(readlink -f "$2")
tmp=$(mktemp -d)
case $kind in
html)
  query=$3; column=$4; expected=$5; shot=$6
  hash="search=$(urlencode "$query")&column=$(urlencode "$column")&select=0&bench${VIEW:+&view=$VIEW}"
  start=$(date +%s%N)
  $BROWSER $FLAGS --enable-logging=stderr --v=0 --virtual-time-budget=20000 --dump-dom "file://$file#$hash" >"$tmp/dom.html" 2>"$tmp/log.txt"
  end=$(date +%s%N)
  body=$(grep -o '<body[^>]*>' "$tmp/dom.html" | head -1)
  echo "$body" | grep -q 'data-ready="1"' && ok "script ran to the end" || bad "script did not finish: $body"
  echo "$body" | grep -q 'data-errors="0"' && ok "no uncaught error" || bad "uncaught errors: $body"
  if grep -E 'Uncaught|CONSOLE.*[Ee]rror' "$tmp/log.txt" >/dev/null; then bad "console errors: $(grep -E 'Uncaught|CONSOLE' "$tmp/log.txt" | head -3)"; else ok "no console error"; fi
  got=$(echo "$body" | sed -n 's/.*data-matches="\([^"]*\)".*/\1/p')
  [ "$got" = "$expected" ] && ok "search $query over $column selected [$got]" || bad "search $query over $column selected [$got], expected [$expected]"
  echo "$body" | grep -q 'data-neighbours="[0-9]' && ok "clicked point lists neighbours" || echo "note no neighbours listed (neighbors: 0?)"
  if [ -n "${VIEW:-}" ]; then
    shown=$(echo "$body" | sed -n 's/.*data-view="\([^"]*\)".*/\1/p')
    [ "$shown" = "$VIEW" ] && ok "view $VIEW shown: $(echo "$body" | sed -n 's/.*data-view-title="\([^"]*\)".*/\1/p')" || bad "view [$shown] shown, expected [$VIEW]"
  fi
  echo "timings load_ms=$(echo "$body" | sed -n 's/.*data-load-ms="\([^"]*\)".*/\1/p') redraw_ms=$(echo "$body" | sed -n 's/.*data-draw-ms="\([^"]*\)".*/\1/p') hover_us=$(echo "$body" | sed -n 's/.*data-hover-us="\([^"]*\)".*/\1/p') project_ms=$(echo "$body" | sed -n 's/.*data-project-ms="\([^"]*\)".*/\1/p')  grid_ms=$(echo "$body" | sed -n 's/.*data-grid-ms="\([^"]*\)".*/\1/p') chromium_wall_ms=$(( (end - start) / 1000000 ))"
  $BROWSER $FLAGS --virtual-time-budget=20000 --screenshot="$shot" "file://$file#$hash" >/dev/null 2>&1
  nonblank "$shot" && ok "screenshot $shot is not blank" || bad "screenshot $shot is blank"
  ;;
svg)
  circles=$3; shot=$4
  $BROWSER $FLAGS --enable-logging=stderr --v=0 --dump-dom "file://$file" >"$tmp/dom.html" 2>"$tmp/log.txt"
  got=$(grep -o '<circle' "$tmp/dom.html" | wc -l)
  [ "$got" -ge "$circles" ] && ok "$got circles drawn (>= $circles)" || bad "$got circles, expected >= $circles"
  if grep -E 'Uncaught|CONSOLE.*[Ee]rror|error on line' "$tmp/dom.html" "$tmp/log.txt" >/dev/null; then bad "errors: $(grep -E 'error' "$tmp/dom.html" | head -2)"; else ok "no parse or console error"; fi
  $BROWSER $FLAGS --screenshot="$shot" "file://$file" >/dev/null 2>&1
  nonblank "$shot" && ok "screenshot $shot is not blank" || bad "screenshot $shot is blank"
  ;;
*) echo "usage: check.sh html|svg FILE …"; exit 2 ;;
esac
rm -rf "$tmp"
exit $fail
