#!/bin/bash
# SPDX-License-Identifier: MIT
# The gateway's NAT rules as tshark sees them (issue 18): the bundled overlap scenario
# (scenarios/site-to-site/nat-rules-overlap.yaml) runs, and tshark, with checksum
# validation on for IPv4, TCP and UDP (ICMP's is always checked) and the ESP keys the run
# wrote, reads every pcap: nothing malformed, no expert error, no bad checksum, every
# checksum of the pings and the UDP flow verified good; on the tunnel side (the decrypted
# ESP of the underlay pcaps) the VNet's host appears translated (100.64.1.4) and the
# sites' hosts as themselves (10.1.1.10); on the VNet side (vnet1--vgw1.pcap) the VNet's
# host is itself (10.1.1.4) and the sites appear translated (100.65.1.10, 100.66.1.10).
set -u
. "$(dirname "$0")/lib.sh"
tshark=$(command -v tshark || true)
f=scenarios/site-to-site/nat-rules-overlap.yaml
d=$tmp/overlap
"$vs" run "$f" --out "$d" >"$tmp/run.out" 2>&1
rc=$?
ok $([ $rc = 0 ]; echo $?) "$f: every expectation holds" "exit $rc" "$(tail -20 "$tmp/run.out")"
if [ -z "$tshark" ]; then
  ok 0 "tshark checks # SKIP tshark not installed"
  echo "1..$n"
  exit 0
fi
mkdir -p "$d.cfg/wireshark" && cp "$d/esp_sa" "$d/ikev2_decryption_table" "$d.cfg/wireshark/"
ts() {
  XDG_CONFIG_HOME="$d.cfg" "$tshark" -o esp.enable_encryption_decode:TRUE \
    -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE "$@" 2>/dev/null
}
# the inner packets: ICMP echoes and the UDP flow (not IKE, not ESP-in-UDP)
inner='(icmp || (udp && !isakmp && !udpencap)) && !(ip.dst == 255.255.255.255)'
npcap=0
for p in "$d"/*.pcap; do
  b=$(basename "$p")
  npcap=$((npcap + 1))
  bad=$(ts -n -r "$p" -Y '_ws.malformed || _ws.expert.severity >= "error" || ip.checksum.status == "Bad" || icmp.checksum.status == "Bad" || udp.checksum.status == "Bad" || tcp.checksum.status == "Bad"')
  ok $([ -z "$bad" ]; echo $?) "$b: nothing malformed, no expert error, no bad checksum" "$bad"
  # every inner ICMP/UDP header checksum was verified good (not left unverified); the
  # innermost ip.checksum.status is the last of a decrypted packet's two
  stat=$(ts -n -r "$p" -Y "$inner" -T fields -E occurrence=l -e ip.checksum.status -e icmp.checksum.status -e udp.checksum.status | sort | uniq -c)
  total=$(ts -n -r "$p" -Y "$inner" | wc -l)
  good=$(ts -n -r "$p" -Y "$inner" -T fields -E occurrence=l -e ip.checksum.status -e icmp.checksum.status -e udp.checksum.status |
         awk -F'\t' '$1 == 1 && ($2 == 1 || $3 == 1)' | wc -l)
  ok $([ "$total" -gt 0 ] && [ "$good" = "$total" ]; echo $?) "$b: all $total inner ICMP/UDP packets have good IPv4 and ICMP/UDP checksums" "$stat"
  # the addresses of the inner packets, both directions: "src dst" pairs
  pairs=$(ts -n -r "$p" -Y "$inner" -T fields -E occurrence=l -e ip.src -e ip.dst | sort -u | tr '\t' ' ')
  case $b in
  vnet1--vgw1.pcap)
    want="10.1.1.4 100.65.1.10|10.1.1.4 100.66.1.10|100.65.1.10 10.1.1.4|100.66.1.10 10.1.1.4"
    ;;
  vgw1--internet.pcap)
    want="10.1.1.10 100.64.1.4|100.64.1.4 10.1.1.10"
    ;;
  site1-vpn--internet.pcap | site2-vpn--internet.pcap | site1-vpn--lan.pcap | site2-vpn--lan.pcap)
    want="10.1.1.10 100.64.1.4|100.64.1.4 10.1.1.10"
    ;;
  *)
    want=
    ;;
  esac
  if [ -n "$want" ]; then
    got=$(tr '\n' '|' <<<"$pairs" | sed 's/|$//')
    ok $([ "$got" = "$want" ]; echo $?) "$b: inner addresses are $(tr '|' ',' <<<"$want")" "got: $got"
  fi
done
ok $([ "$npcap" -ge 6 ]; echo $?) "$f: six pcaps read (two sites' uplinks and LANs, the gateway's uplink, the VNet)" "$npcap"
# the keys matter: without them no inner packet is seen on the gateway's uplink
plain=$("$tshark" -n -r "$d/vgw1--internet.pcap" -Y 'icmp' 2>/dev/null | wc -l)
ok $([ "$plain" = 0 ]; echo $?) "vgw1--internet.pcap: without the keys the pings are not visible (encrypted)" "$plain"
echo "1..$n"
