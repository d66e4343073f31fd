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
# Then ports: NAT-020's single-port mapping (8080 on the VNet side, 5001 on the site's
# LAN) and NAT-021's UDP through a Dynamic rule both ways (the pool address and translated
# port on the LAN, vm1's own on the VNet side), checksums good.
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
# Port translation (NAT-020's single-port mapping, NAT-021's Dynamic rule with UDP both
# ways): tshark sees the ports each side should, with good TCP/UDP checksums.
for c in nat-020 nat-021; do
  cd_=$tmp/$c
  "$vs" run "conformance/checks/$c.yaml" --out "$cd_" >"$tmp/$c.out" 2>&1
  ok $([ $? = 0 ]; echo $?) "$c: every expectation holds" "$(tail -20 "$tmp/$c.out")"
done
[ -n "$tshark" ] && for p in "$tmp"/nat-020/*.pcap "$tmp"/nat-021/*.pcap; do
  bad=$("$tshark" -n -r "$p" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
    -Y '_ws.malformed || _ws.expert.severity >= "error" || ip.checksum.status == "Bad" || udp.checksum.status == "Bad" || tcp.checksum.status == "Bad"' 2>/dev/null)
  ok $([ -z "$bad" ]; echo $?) "$(basename "$(dirname "$p")")/$(basename "$p"): nothing malformed, no bad checksum" "$bad"
done
# "src:sport dst:dport" of the flows' packets on the VNet side and on the site's LAN
flows() {
  "$tshark" -n -r "$1" -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -Y "$2" -T fields \
    -e ip.src -e udp.srcport -e tcp.srcport -e ip.dst -e udp.dstport -e tcp.dstport 2>/dev/null |
    awk -F'\t' '{print $1 ":" $2 $3 " " $4 ":" $5 $6}' | sort -u | tr '\n' '|' | sed 's/|$//'
}
if [ -n "$tshark" ]; then
  # NAT-020: vm1 sends to 100.64.1.10:8080 (the UDP flow, and the TCP transfer's SYN); pc1
  # gets it on 192.168.1.10:5001
  got=$(flows "$tmp/nat-020/vnet1--vgw1.pcap" '(udp || tcp.flags.syn == 1) && ip.src == 10.1.1.4' | sed -E 's/:[0-9]+ / /')
  ok $([ "$got" = "10.1.1.4 100.64.1.10:8080" ]; echo $?) "nat-020 vnet1--vgw1.pcap: vm1 sends to 100.64.1.10:8080" "got: $got"
  got=$(flows "$tmp/nat-020/site1-vpn--lan.pcap" '(udp || tcp.flags.syn == 1) && ip.src == 10.1.1.4' | sed -E 's/:[0-9]+ / /')
  ok $([ "$got" = "10.1.1.4 192.168.1.10:5001" ]; echo $?) "nat-020 site1-vpn--lan.pcap: pc1 gets it on 192.168.1.10:5001" "got: $got"
  # NAT-021: vm1's flow leaves 10.1.1.4:49153 and reaches pc1 from the pool's
  # 100.64.0.0:1024; pc1's answers go back there, and reach vm1 on 49153 again
  got=$(flows "$tmp/nat-021/vnet1--vgw1.pcap" 'udp')
  ok $([ "$got" = "10.1.1.4:49153 192.168.1.10:5001|192.168.1.10:5001 10.1.1.4:49153" ]; echo $?) \
    "nat-021 vnet1--vgw1.pcap: vm1's own address and port both ways" "got: $got"
  got=$(flows "$tmp/nat-021/site1-vpn--lan.pcap" 'udp')
  ok $([ "$got" = "100.64.0.0:1024 192.168.1.10:5001|192.168.1.10:5001 100.64.0.0:1024" ]; echo $?) \
    "nat-021 site1-vpn--lan.pcap: the pool address and translated port both ways" "got: $got"
fi
echo "1..$n"
