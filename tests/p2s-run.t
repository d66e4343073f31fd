#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Point-to-site in runs (issue 19): the single-client scenario writes its certificates and
# key as PEM that openssl reads and verifies (the client's chains to its root, the
# gateway's to the server CA); tshark decrypts the P2S IKEv2 exchange with the key table
# the run wrote and shows CERT, CERTREQ, AUTH and CP (CFG_REQUEST, CFG_REPLY with the
# address) in IKE_AUTH, the pings inside ESP, and nothing malformed; the same seed gives
# the same bytes; an SSTP client of a gateway without SSTP gets no session.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
s=scenarios/point-to-site/p2s-ikev2-certificate.yaml
d=$tmp/run
"$vs" run "$s" --out "$d" >"$tmp/out.txt" 2>&1; rc=$?
ok $([[ $rc == 0 ]]; echo $?) "$s passes" "exit $rc $(tail -5 "$tmp/out.txt")"
for f in server-ca.cert.pem root-P2SRootCert.cert.pem gateway-vgw1.cert.pem \
         client-laptop1.cert.pem client-laptop1.key.pem thumbprints.txt; do
  ok $([[ -s $d/p2s/$f ]]; echo $?) "p2s/$f written"
done
if command -v openssl >/dev/null; then
  v=$(openssl verify -CAfile "$d/p2s/root-P2SRootCert.cert.pem" "$d/p2s/client-laptop1.cert.pem" 2>&1)
  ok $([[ $v == *": OK" ]]; echo $?) "openssl verifies the client certificate against its root" "$v"
  v=$(openssl verify -CAfile "$d/p2s/server-ca.cert.pem" "$d/p2s/gateway-vgw1.cert.pem" 2>&1)
  ok $([[ $v == *": OK" ]]; echo $?) "openssl verifies the gateway certificate against the server CA" "$v"
  a=$(openssl x509 -noout -pubkey -in "$d/p2s/client-laptop1.cert.pem" | openssl sha256)
  b=$(openssl pkey -pubout -in "$d/p2s/client-laptop1.key.pem" | openssl sha256)
  ok $([[ $a == "$b" ]]; echo $?) "the client key is the certificate's"
  tp=$(openssl x509 -noout -fingerprint -sha1 -in "$d/p2s/client-laptop1.cert.pem" | sed 's/.*=//; s/://g')
  ok $(grep -q "^laptop1 $tp\$" "$d/p2s/thumbprints.txt"; echo $?) "thumbprints.txt holds the SHA-1 thumbprint" "$tp"
else
  for i in 1 2 3 4; do ok 0 "openssl checks # SKIP openssl not installed"; done
fi
tshark=$(command -v tshark || true)
if [ -n "$tshark" ]; then
  mkdir -p "$d.cfg/wireshark" && cp "$d/esp_sa" "$d/ikev2_decryption_table" "$d.cfg/wireshark/"
  tk() { XDG_CONFIG_HOME="$d.cfg" "$tshark" -o esp.enable_encryption_decode:TRUE -n -r "$d/vgw1--internet.pcap" "$@" 2>/dev/null; }
  req=$(tk -Y 'isakmp.exchangetype == 35 && isakmp.flag_r == 0' -V)
  for p in 'Certificate (37)' 'Certificate Request (38)' 'Authentication (39)' 'Configuration (47)'; do
    ok $(grep -q "Payload: $p" <<<"$req"; echo $?) "IKE_AUTH request decrypted: $p"
  done
  ok $(grep -q 'CFG_REQUEST' <<<"$req"; echo $?) "the client's CP is a CFG_REQUEST"
  resp=$(tk -Y 'isakmp.exchangetype == 35 && isakmp.flag_r == 1' -V)
  ok $(grep -q 'Payload: Certificate (37)' <<<"$resp" && grep -q 'CFG_REPLY' <<<"$resp"; echo $?) \
    "IKE_AUTH response decrypted: CERT and a CFG_REPLY"
  ok $(grep -q '172.16.201.1' <<<"$resp"; echo $?) "the CFG_REPLY carries the pool address 172.16.201.1"
  np=$(tk -Y 'esp && icmp && ip.src == 172.16.201.1' | wc -l)
  ok $([[ $np -ge 10 ]]; echo $?) "ESP decrypted: the client's pings from its pool address ($np)"
  bad=$(tk -Y '_ws.malformed || _ws.expert.severity >= "error"')
  ok $([[ -z $bad ]]; echo $?) "nothing malformed, no expert error" "$bad"
else
  for i in 1 2 3 4 5 6 7 8 9; do ok 0 "tshark checks # SKIP tshark not installed"; done
fi
"$vs" run "$s" --out "$tmp/again" >/dev/null 2>&1
same=0
for f in vgw1--internet.pcap ikev2_decryption_table events.jsonl p2s/client-laptop1.cert.pem p2s/client-laptop1.key.pem; do
  cmp -s "$d/$f" "$tmp/again/$f" || same=1
done
ok $same "the same seed gives byte-identical pcaps, key tables, events and certificates"
sed 's/    certificate: {issuer: P2SRootCert}/    protocol: SSTP\n    certificate: {issuer: P2SRootCert}/' "$s" >"$tmp/sstp.yaml"
"$vs" run "$tmp/sstp.yaml" --out "$tmp/sstp" >"$tmp/sstp.txt" 2>&1; rc=$?
# the gateway enables only IKEv2: nothing listens on TCP 443, the SSTP client gets no
# session (its expectations fail: exit 1)
ok $([[ $rc == 1 ]] && ! grep -q '"p2s.connected"' "$tmp/sstp/events.jsonl"; echo $?) \
  "an SSTP client of an IKEv2-only gateway gets no session (exit 1)" "exit $rc $(cat "$tmp/sstp.txt")"
# Two SSTP clients trade addresses across a failover (laptop2 reconnects first and gets
# laptop1's old address): laptop1 must drop its old address, or its ping to laptop2 stays
# on its own node (a reply in 0 s, seen before the fix) instead of crossing the gateway.
cat >"$tmp/readdress.yaml" <<EOF
extends: $top/conformance/checks/bases/p2s.yaml
name: p2s-readdress
duration: 45s
cloud:
  virtualNetworkGateways:
    - name: vgw1
      vpnClientConfiguration:
        vpnClientProtocols: [IkeV2, SSTP]
p2sClients:
  - {name: laptop1, protocol: SSTP, reconnect: true, reconnectDelay: 25s}
  - {name: laptop2, gateway: vgw1, publicIpAddress: 198.51.100.51, connectAt: 3s,
     certificate: {issuer: P2SRootCert}, protocol: SSTP, reconnect: true, reconnectDelay: 1s}
timeline:
  - at: 10s
    plannedMaintenance: {gateway: vgw1}
  - at: 40s
    ping: {from: laptop1, to: laptop2, count: 2, interval: 500ms}
expect:
  - p2sClient: laptop2
    state: connected
    address: 172.16.201.1/32
  - p2sClient: laptop1
    state: connected
    address: 172.16.201.2/32
  - ping: {from: laptop1, to: laptop2}
    successRatio: "== 1"
    rttAvg: "> 30ms"
EOF
"$vs" run "$tmp/readdress.yaml" --out "$tmp/readdress" >"$tmp/readdress.txt" 2>&1; rc=$?
ok $([[ $rc == 0 ]]; echo $?) \
  "a client that reconnects with another client's old address: the ping between them crosses the gateway" \
  "exit $rc $(tail -8 "$tmp/readdress.txt")"
echo "1..$n"
