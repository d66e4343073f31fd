#!/bin/bash
# SPDX-License-Identifier: MIT
# BGP over the tunnels, through the real binary (issue 15): every bundled scenarios/bgp/
# scenario runs with every expectation holding, the same seed gives the same bytes, and
# tshark, with the key tables the run wrote, decrypts the gateway uplink's ESP of
# bgp-one-tunnel and finds BGP OPEN, UPDATE and KEEPALIVE messages (TCP port 179) inside,
# with nothing malformed and no expert error in any pcap.
set -u
. "$(dirname "$0")/lib.sh"
tshark=$(command -v tshark || true)
tshark_keys() {
  local d=$1; shift
  mkdir -p "$d.cfg/wireshark" && cp "$d/esp_sa" "$d/ikev2_decryption_table" "$d.cfg/wireshark/"
  XDG_CONFIG_HOME="$d.cfg" "$tshark" -o esp.enable_encryption_decode:TRUE "$@" 2>/dev/null
}

for f in scenarios/bgp/*.yaml; do
  b=$(basename "$f" .yaml)
  "$vs" run "$f" --out "$tmp/$b.1" --format tap >"$tmp/$b.tap" 2>"$tmp/$b.err"
  rc=$?
  ok $([ $rc = 0 ]; echo $?) "$f: every expectation holds (exit 0)" "exit $rc" "$(cat "$tmp/$b.tap" "$tmp/$b.err")"
  ok $([ -s "${f%.yaml}.md" ]; echo $?) "$f: has its notes (${f%.yaml}.md)"
  "$vs" run "$f" --out "$tmp/$b.2" >/dev/null 2>&1
  diffs=$(cd "$tmp/$b.1" && for o in *; do cmp -s "$o" "../$b.2/$o" || echo "$o"; done)
  ok $([ -z "$diffs" ]; echo $?) "$f: the same seed gives the same bytes" "differ: $diffs"
done

d=$tmp/bgp-one-tunnel.1
if [ -z "$tshark" ]; then
  ok 0 "tshark checks # SKIP tshark not installed"
else
  gw=$d/vgw1--internet.pcap
  types=$(tshark_keys "$d" -n -r "$gw" -Y 'esp && bgp' -T fields -e bgp.type | tr ',' '\n' | sort | uniq -c)
  for t in 1:OPEN 2:UPDATE 4:KEEPALIVE; do
    c=$(awk -v t="${t%%:*}" '$2 == t {print $1}' <<<"$types")
    ok $([ "${c:-0}" -gt 0 ]; echo $?) "bgp-one-tunnel: decrypted ESP carries BGP ${t#*:} messages (${c:-0})" "types seen: $types"
  done
  port=$(tshark_keys "$d" -n -r "$gw" -Y 'esp && bgp' -T fields -e tcp.port | grep -c 179)
  nbgp=$(tshark_keys "$d" -n -r "$gw" -Y 'esp && bgp' | wc -l)
  ok $([ "$nbgp" -gt 0 ] && [ "$port" = "$nbgp" ]; echo $?) "bgp-one-tunnel: every BGP packet is TCP port 179 inside ESP" "$port of $nbgp"
  plain=$("$tshark" -n -r "$gw" -Y 'bgp' 2>/dev/null | wc -l)
  ok $([ "$plain" = 0 ]; echo $?) "bgp-one-tunnel: without the keys no BGP is visible (it is encrypted)" "$plain"
  bad=
  for p in "$d"/*.pcap; do
    hits=$(tshark_keys "$d" -n -r "$p" -Y '_ws.malformed || _ws.expert.severity >= "error"')
    [ -z "$hits" ] || bad="$bad $(basename "$p"): $hits"
  done
  ok $([ -z "$bad" ]; echo $?) "bgp-one-tunnel: decrypted, nothing malformed, no expert error in any pcap" "$bad"
  # dual redundancy (facts 5, 8): each active-active instance peers from its own BGP
  # address inside the ESP of its own public IP (10.1.255.4 behind 203.0.113.10, .5 behind
  # .11), with both devices
  d=$tmp/active-active-dual-redundancy-bgp.1
  pairs=$(tshark_keys "$d" -n -r "$d/vgw1--internet.pcap" -Y 'esp && bgp && ip.src == 203.0.113.10 || esp && bgp && ip.src == 203.0.113.11' \
    -T fields -e ip.src -e ip.dst | sort -u | tr '\t' ' ')
  want=$'203.0.113.10,10.1.255.4 198.51.100.20,10.2.0.1\n203.0.113.10,10.1.255.4 198.51.100.30,10.3.0.1\n203.0.113.11,10.1.255.5 198.51.100.20,10.2.0.1\n203.0.113.11,10.1.255.5 198.51.100.30,10.3.0.1'
  ok $([ "$pairs" = "$want" ]; echo $?) \
    "active-active-dual-redundancy-bgp: each instance's BGP leaves from its own address inside its own ESP, to both devices" \
    "seen (outer,inner source and destination): $pairs"
fi
echo "1..$n"
