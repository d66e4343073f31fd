#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tunnel.stats, trafficBothWays and net.drop through the real binary, on the DATA-006
# conformance check: the check passes as written; with the VM's direction black-holed
# (its datagrams exceed the tunnel MTU, facts 10: dropped, never fragmented) the tunnel
# stays connected but trafficBothWays fails on the gateway; snapshots come every
# statsInterval (and only at the bounds and the end with 0s); the same seed gives the
# same events; a device queue that overflows is logged as net.drop and counted; and in
# throughput-vpngw1 the VM gets every packet the gateway decapsulated (no ARP loss).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cp -r profiles "$tmp/profiles"
echo "1..14"
f=conformance/checks/data-006.yaml
# stats NODE: the times (seconds) of the tunnel.stats events of NODE in run folder $2
stats() { grep '"type":"tunnel.stats"' "$2/events.jsonl" | grep "\"node\":\"$1\"" |
          sed 's/.*"time_ns":\([0-9]*\)000000000,.*/\1/' | tr '\n' ' '; }

"$vs" run "$f" --out "$tmp/ok" --format tap >"$tmp/ok.tap" 2>"$tmp/ok.err"; rc=$?
ok $([[ $rc == 0 ]]; echo $?) "DATA-006 passes as written" "$(cat "$tmp/ok.tap" "$tmp/ok.err")"
ok $(grep -q '^ok 2 - traffic both ways through vgw1-site1 on vgw1 from 10s to 20s$' "$tmp/ok.tap" &&
     grep -q '^#   observed: vgw1/0: 1250 packets egress, 1248 ingress$' "$tmp/ok.tap"; echo $?) \
  "trafficBothWays reads the gateway's counts over 10s..20s" "$(cat "$tmp/ok.tap")"
# every 5 s, a snapshot equal to the previous one left out (10 s: nothing moved yet), the end
s=$(stats vgw1/0 "$tmp/ok")
ok $([[ $s == "5 15 20 25 30 " ]]; echo $?) "tunnel.stats every statsInterval on the gateway" "$s"
s=$(stats site1-vpn "$tmp/ok")
ok $([[ $s == "5 15 20 25 30 " ]]; echo $?) "and on the device" "$s"
ok $(grep -q '"node":"vgw1/0","type":"tunnel.stats","attrs":{"connection":"vgw1-site1","up":true,"egress_packets":1250,"egress_bytes":1355000,"ingress_packets":1250,"ingress_bytes":1355000}' "$tmp/ok/events.jsonl"; echo $?) \
  "tunnel.stats carries connection, state and packets and bytes each way" \
  "$(grep tunnel.stats "$tmp/ok/events.jsonl" | tail -2)"
"$vs" run "$f" --out "$tmp/ok2" --format tap >/dev/null 2>&1
ok $(cmp -s "$tmp/ok/events.jsonl" "$tmp/ok2/events.jsonl"; echo $?) "same seed, same events"

# no silent loss in the VNet: every packet the gateway took out of the tunnel reached the
# VM, first burst included (ns-3's 3-packet ARP queue and request jitter lost 425 of them)
t=scenarios/site-to-site/throughput-vpngw1.yaml
"$vs" run "$t" --out "$tmp/tp" --format tap >/dev/null 2>&1
got=$(grep '"type":"flow.stats"' "$tmp/tp/events.jsonl" | sed 's/.*"packets":\([0-9]*\).*/\1/')
came=$(grep '"node":"vgw1/0","type":"tunnel.stats"' "$tmp/tp/events.jsonl" | tail -1 | sed 's/.*"ingress_packets":\([0-9]*\).*/\1/')
ok $([[ -n $got && $got == "$came" ]] && ! grep -q '"net.drop' "$tmp/tp/events.jsonl"; echo $?) \
  "$t: the VM receives every packet the gateway decapsulated, no stack drop" \
  "VM received $got, gateway ingress $came; $(grep '"net.drop' "$tmp/tp/events.jsonl")"

# the fault: the VM's datagrams (1450 + 28 bytes) exceed the tunnel MTU of 1400
check_copy "$f" "$tmp/blackhole.yaml" 's/to: pc1, rate: 1Mbps, size: 1000/to: pc1, rate: 1Mbps, size: 1450/'
"$vs" run "$tmp/blackhole.yaml" --out "$tmp/bh" --format tap >"$tmp/bh.tap" 2>"$tmp/bh.err"; rc=$?
ok $([[ $rc == 1 ]]; echo $?) "with one direction black-holed DATA-006 fails (exit 1)" "exit $rc"
ok $(grep -q '^ok 1 - tunnel vgw1-site1 is connected by 10s$' "$tmp/bh.tap"; echo $?) \
  "the tunnel is connected all the same" "$(cat "$tmp/bh.tap")"
ok $(grep -q '^not ok 2 - traffic both ways through vgw1-site1 on vgw1' "$tmp/bh.tap" &&
     grep -q '^#   observed: vgw1/0: 0 packets egress, 1248 ingress$' "$tmp/bh.tap" &&
     grep -q '^not ok 3 - traffic both ways through vgw1-site1 on site1-vpn' "$tmp/bh.tap"; echo $?) \
  "trafficBothWays fails on both endpoints, the gateway sending nothing" "$(cat "$tmp/bh.tap")"

# statsInterval 0s: only at the bounds of the trafficBothWays intervals and at the end
check_copy "$f" "$tmp/end.yaml" 's/^statsInterval: 5s$/statsInterval: 0s/'
"$vs" run "$tmp/end.yaml" --out "$tmp/end" --format tap >"$tmp/end.tap" 2>&1; rc=$?
s=$(stats vgw1/0 "$tmp/end")
ok $([[ $rc == 0 && $s == "10 20 30 " ]]; echo $?) "statsInterval 0s: snapshots at 10s, 20s and the end" \
  "exit $rc, $s"
"$vs" run --dry-run "$f" >"$tmp/dry" 2>&1
ok $(grep -q '^tunnel stats: every 5s$' "$tmp/dry"; echo $?) "the plan shows the interval" "$(cat "$tmp/dry")"

# a device queue that overflows: the device's uplink at 1 Mb/s with room for 2 packets
check_copy "$f" "$tmp/queue.yaml" 's/delay: 15ms, rate: 100Mbps}/delay: 15ms, rate: 1Mbps, queue: 2}/'
echo '  - {counter: net.drops.queue_full, node: site1-vpn, value: "> 0"}' >>"$tmp/queue.yaml"
"$vs" run "$tmp/queue.yaml" --out "$tmp/q" --format tap >"$tmp/q.tap" 2>&1
ok $([[ $(grep -c '"type":"net.drop","attrs":{"reason":"queue_full","src":"198.51.100.20","dst":"203.0.113.10"}' "$tmp/q/events.jsonl") == 1 ]]; echo $?) \
  "the first queue drop of the device is one net.drop event" "$(grep net.drop "$tmp/q/events.jsonl")"
ok $(grep -q '^ok 6 - counter net.drops.queue_full of site1-vpn > 0$' "$tmp/q.tap" &&
     grep -q '"node":"site1-vpn","type":"net.drops","attrs":{"total":' "$tmp/q/events.jsonl"; echo $?) \
  "and counted: the net.drops.queue_full counter and the net.drops event" "$(cat "$tmp/q.tap")"
