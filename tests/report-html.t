#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# report.html: pinned byte for byte on a bundled scenario (a golden file), self-contained
# (no script, nothing fetched), the same bytes for the same run, and every <svg> in it a
# valid SVG that rsvg-convert renders, on the golden scenario and on runs that fail, lose
# messages and carry throughput. The SVG check is proven able to fail on a broken SVG.
#
# Regenerate the golden file after a deliberate change to the report (and read the diff):
#   make && cd "$(git rev-parse --show-toplevel)" &&
#   build/vpnsim run scenarios/site-to-site/ikev2-default.yaml --out /tmp/golden >/dev/null &&
#   cp /tmp/golden/report.html tests/fixtures/report-html/ikev2-default.html
# (run from the top folder with that relative path: the page shows the scenario's path).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
rsvg=$(command -v rsvg-convert || true)

# Every <svg> of an HTML page, with the page's CSS put inside it, rendered to PNG;
# prints what failed and returns non-zero when one does not render (or there is none).
svg_check() { # svg_check PAGE WORKDIR
  local page=$1 work=$2
  mkdir -p "$work"
  python3 - "$page" "$work" <<'PY' || return 1
import re, sys
page, work = sys.argv[1], sys.argv[2]
s = open(page, encoding="utf-8").read()
m = re.search(r"<style>(.*?)</style>", s, re.S)
css = m.group(1) if m else ""
svgs = re.findall(r"<svg\b.*?</svg>", s, re.S)
if not svgs:
    print("no <svg> in " + page); sys.exit(1)
for i, v in enumerate(svgs):
    v = re.sub(r"(<svg\b[^>]*>)", lambda g: g.group(1) + "<style>" + css + "</style>", v, count=1)
    open("%s/%03d.svg" % (work, i), "w", encoding="utf-8").write(v)
PY
  local bad=0 f
  for f in "$work"/*.svg; do
    if ! "$rsvg" "$f" -o "${f%.svg}.png" 2>"$work/err" || [[ ! -s ${f%.svg}.png ]]; then
      echo "$(basename "$f"): $(head -3 "$work/err")"; bad=1
    fi
  done
  return $bad
}

echo "1..10"
cd "$top" || exit 1
golden=tests/fixtures/report-html/ikev2-default.html
"$vs" run scenarios/site-to-site/ikev2-default.yaml --out "$tmp/a" >/dev/null 2>"$tmp/a.err"; rc=$?
ok $([[ $rc == 0 && -s $tmp/a/report.html ]]; echo $?) "ikev2-default: the run writes report.html" "exit $rc $(cat "$tmp/a.err")"
ok $(cmp -s "$tmp/a/report.html" "$golden"; echo $?) \
  "ikev2-default: report.html is the golden file (regenerate: see this test's header)" \
  "$(diff "$golden" "$tmp/a/report.html" | head -20)"
"$vs" run scenarios/site-to-site/ikev2-default.yaml --out "$tmp/b" >/dev/null 2>&1
ok $(cmp -s "$tmp/a/report.html" "$tmp/b/report.html"; echo $?) "the same run gives the same bytes"
# vpnsim calls setlocale(LC_ALL, ""): a decimal comma must not reach the page
loc=$(locale -a 2>/dev/null | grep -iE '^(de_DE|fr_FR)\.utf-?8$' | head -1)
if [[ -n $loc ]]; then
  LC_ALL=$loc "$vs" run scenarios/site-to-site/ikev2-default.yaml --out "$tmp/c" >/dev/null 2>&1
  ok $(cmp -s "$tmp/a/report.html" "$tmp/c/report.html"; echo $?) "the same bytes under $loc"
else
  n=$((n + 1)); echo "ok $n # SKIP no locale with a decimal comma is installed (de_DE.UTF-8)"
fi
hits=$(sed 's#xmlns="http://www.w3.org/2000/svg"##g' "$tmp/a/report.html" |
  grep -noiE '<script|<link|<img|<iframe|@import|url\(|https?://|src=')
ok $([[ -z $hits ]]; echo $?) "self-contained: no script, no external resource" "$hits"
want=$(grep -c '<svg' "$tmp/a/report.html")
ok $([[ $want -ge 4 ]] && grep -q 'vgw1-site1: connected' "$tmp/a/report.html" &&
     grep -q 'IKE_AUTH req #1' "$tmp/a/report.html" && grep -q 'href="vgw1--internet.pcap"' "$tmp/a/report.html" &&
     grep -q 'href="esp_sa"' "$tmp/a/report.html" && grep -q '<tr class="pass">' "$tmp/a/report.html"; echo $?) \
  "topology, sequence diagram, plots, verdicts and links are there ($want svg)"
if [[ -z $rsvg ]]; then
  for i in 1 2 3; do n=$((n + 1)); echo "ok $n # SKIP rsvg-convert missing (scripts/install-deps: librsvg2-bin)"; done
  exit 0
fi
out=$(svg_check "$tmp/a/report.html" "$tmp/svg-a" 2>&1)
ok $? "ikev2-default: every <svg> renders with rsvg-convert" "$out"
# failing, lossy and loaded runs draw crosses, red arrows, down tunnels and throughput
bad=
for s in psk-mismatch dpd-link-down throughput-vpngw1 device-behind-nat; do
  "$vs" run "scenarios/site-to-site/$s.yaml" --out "$tmp/$s" >/dev/null 2>&1
  o=$(svg_check "$tmp/$s/report.html" "$tmp/svg-$s" 2>&1) || bad="$bad $s: $o"
done
ok $([[ -z $bad ]]; echo $?) "other bundled scenarios: every <svg> renders" "$bad"
# BGP (issue 22): the sessions with their final states, the routes at the end, the state
# beside each tunnel in the topology; a session torn down (4,001 prefixes) ends Idle
"$vs" run scenarios/bgp/bgp-transit.yaml --out "$tmp/bgp" >/dev/null 2>&1
"$vs" run scenarios/bgp/bgp-max-prefixes.yaml --out "$tmp/bgpmax" >/dev/null 2>&1
b="$tmp/bgp/report.html" m="$tmp/bgpmax/report.html"
nest=$(grep -c '<td>vgw1/0</td><td>vgw1-site[12]</td><td class="st-up">Established</td>' "$b")
o=$(svg_check "$b" "$tmp/svg-bgp" 2>&1); src=$?
ok $([[ $nest == 2 && $src == 0 ]] && grep -q '<h2>BGP</h2>' "$b" &&
     grep -q 'vgw1-site2: connected, BGP Established' "$b" &&
     grep -q '<td>vgw1/0</td><td>192.168.1.0/24</td><td>tunnel vgw1-site1, peer vgw1-site1' "$b" &&
     grep -q '<td>vgw1/0</td><td>vgw1-site1</td><td class="st-down">Idle</td>' "$m" &&
     grep -q 'vgw1-site1: connected, BGP Idle' "$m" && ! grep -q '<h2>BGP</h2>' "$tmp/a/report.html"; echo $?) \
  "bgp-transit: BGP sessions, routes and topology states; bgp-max-prefixes: the session ends Idle" \
  "gateway sessions Established: $nest; svg: $o"
# the check itself can fail: a page with an unclosed element inside its <svg>
printf '<html><style></style><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect x="0" y="0" width="5"></svg></html>\n' >"$tmp/broken.html"
out=$(svg_check "$tmp/broken.html" "$tmp/svg-broken" 2>&1)
ok $([[ $? != 0 ]]; echo $?) "a broken <svg> is caught" "$out"
