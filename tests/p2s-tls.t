#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Point-to-site over TLS in runs (issue 19): the bundled OpenVPN and SSTP scenarios run
# (every expectation holds) and tshark reads their gateway-side pcaps with the TLS key log
# the run wrote beside them (tls-keys.log, SSLKEYLOGFILE format): TLS on TCP 443, nothing
# malformed, no expert error, no bad checksum; the TLS 1.3 handshake's encrypted
# Certificate and CertificateVerify appear only with the key log (without it tshark
# cannot see them); the TLS 1.2 and 1.3 sessions' application data decrypts to vpnsim's
# frames (a 16-bit length, then an IPv4 echo of 84 octets); the same seed gives
# byte-identical pcaps and key log. Across the active-standby takeover of
# p2s-openvpn-failover, the OpenVPN client tries again every 5 s (a ClientHello from a new
# port each time) and its session with the new active instance carries its pings.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tshark=$(command -v tshark || true)
for s in scenarios/point-to-site/p2s-openvpn-certificate.yaml scenarios/point-to-site/p2s-sstp-pool-split.yaml \
  scenarios/point-to-site/p2s-openvpn-failover.yaml; do
  b=$(basename "$s" .yaml)
  d=$tmp/$b
  "$vs" run "$s" --out "$d" >"$tmp/$b.out" 2>&1
  rc=$?
  ok $([[ $rc == 0 ]]; echo $?) "$b: every expectation holds" "exit $rc $(tail -20 "$tmp/$b.out")"
  ok $([[ -s $d/tls-keys.log ]] && ! grep -qv -E '^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) [0-9a-f]{64} [0-9a-f]+$' "$d/tls-keys.log"; echo $?) \
    "$b: tls-keys.log is in the SSLKEYLOGFILE format" "$(head -3 "$d/tls-keys.log" | cut -c1-60)"
  "$vs" run "$s" --out "$tmp/$b.again" >/dev/null 2>&1
  same=0
  for f in vgw1--internet.pcap vnet1--vgw1.pcap tls-keys.log events.jsonl; do
    cmp -s "$d/$f" "$tmp/$b.again/$f" || same=1
  done
  ok $same "$b: the same seed gives byte-identical pcaps, key log and events"
  if [[ -z $tshark ]]; then
    for i in 1 2 3 4; do ok 0 "tshark checks # SKIP tshark not installed"; done
    continue
  fi
  p=$d/vgw1--internet.pcap
  ts() { "$tshark" -n -r "$p" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE "$@" 2>/dev/null; }
  tk() { ts -o "tls.keylog_file:$d/tls-keys.log" "$@"; }
  nh=$(ts -Y 'tcp.port == 443 && tls.handshake.type == 1' | wc -l)
  ok $([[ $nh -ge 2 ]]; echo $?) "$b: ClientHellos on TCP 443 ($nh)"
  bad=$(tk -Y '_ws.malformed || _ws.expert.severity >= "error" || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad"')
  ok $([[ -z $bad ]]; echo $?) "$b: nothing malformed, no expert error, no bad checksum (with the keys)" "$bad"
  # the first client (TLS 1.3): its Certificate and CertificateVerify are encrypted
  c=$(awk '/^  - name:/{f=1} f && /publicIpAddress:/{print $2; exit}' "$s")
  with=$(tk -Y "ip.src == $c && tls.handshake.type == 15" | wc -l)
  without=$(ts -Y "ip.src == $c && tls.handshake.type == 15" | wc -l)
  ok $([[ $with -ge 1 && $without == 0 ]]; echo $?) \
    "$b: the TLS 1.3 CertificateVerify of $c is seen with the key log only" "with $with, without $without"
  # decrypted application data: a frame of 84 octets (00 54) holding an IPv4 packet (45)
  dec=$(tk -x -Y "ip.src == $c && tls.record.content_type == 23" | grep -A1 '^Decrypted TLS' | grep -c '^0000  00 54 45 00 00 54')
  ok $([[ $dec -ge 5 ]]; echo $?) "$b: the pings of $c decrypt to vpnsim frames of IPv4 echoes ($dec)"
  if [[ $b == p2s-openvpn-certificate ]]; then
    dec12=$(tk -x -Y "ip.src == 198.51.100.52 && tls.record.content_type == 23" | grep -A1 '^Decrypted TLS' | grep -c '^0000  00 54 45 00 00 54')
    ok $([[ $dec12 -ge 5 ]]; echo $?) "$b: the TLS 1.2 session (198.51.100.52) decrypts too ($dec12)"
  fi
  if [[ $b == p2s-openvpn-failover ]]; then
    # the session at 2 s, then after the maintenance at 20 s one attempt every 5 s (closed
    # while no instance holds the address) until the new active (32.5 s) answers
    hellos=$(ts -Y "ip.src == $c && tls.handshake.type == 1" -T fields -e frame.time_epoch -e tcp.srcport |
      awk '{printf "%d/%s ", $1, $2}')
    ok $([[ $hellos == "2/49153 25/49154 30/49155 35/49156 " ]]; echo $?) \
      "$b: ClientHellos of $c at 2 s, then every 5 s from 25 s, each from a new port" "$hellos"
    after=$(tk -x -Y "ip.src == $c && tls.record.content_type == 23 && frame.time_epoch > 35.2" |
      grep -A1 '^Decrypted TLS' | grep -c '^0000  00 54 45 00 00 54')
    ok $([[ $after -ge 40 ]]; echo $?) "$b: its pings after the takeover decrypt in the new session ($after)"
  fi
done
echo "1..$n"
