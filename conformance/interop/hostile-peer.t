#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A hostile peer (issue 21): while a real strongSwan holds a tunnel to the simulated
# gateway in live mode and pings through it, tests/tools/hostile_peer sends 1,000,000
# mutated and random IKEv2 and ESP datagrams (made from the reference captures in pcaps/)
# at the gateway through the TAP: IKE on 500 and on 4500, ESP in UDP and raw, 5% from
# spoofed addresses. The gateway never crashes, the legitimate IKE and child SAs stay the
# same ones and the ping keeps answering, the simulator's memory stays bounded, the event
# log stays small, and what reached the gateway is counted by reason: the counters of the
# gateway's IKE side (ike.drops.<reason>), its ESP data plane (drops.<reason>) and its
# stack (net.drops.<reason>) add up to what it received.
# HOSTILE_COUNT (default 1000000) and HOSTILE_RATE (datagrams per second, default 40000).
. "$(dirname "$0")/lib.sh"
ix_init
ix_plan 8
SCN=$IX_TOP/scenarios/live/strongswan-s2s.yaml
GW=203.0.113.10 DEV=198.51.100.20 PC=192.168.1.10 VM=10.1.1.4
GEN=${VPNSIM_BUILD:-$IX_TOP/build}/tests/tools/hostile_peer
COUNT=${HOSTILE_COUNT:-1000000} RATE=${HOSTILE_RATE:-40000}
# Under ASan+UBSan (make check SANITIZE=1: the build folder build/san) the simulator is
# several times slower and ASan's quarantine keeps freed memory on purpose: a tenth of the
# flood at a quarter of the rate, and the memory point is skipped (the plain build has it).
SANITIZED=
[[ ${VPNSIM_BUILD:-} == */san ]] && SANITIZED=1 COUNT=${HOSTILE_COUNT:-100000} RATE=${HOSTILE_RATE:-10000}
[[ -x $GEN ]] || { echo "Bail out! no $GEN (make tests builds it)"; exit 1; }

ix_ns_add sim && ix_ns_add dev && ix_live_wire sim tap0 dev eth0 || { echo "Bail out! wiring"; exit 1; }
ip -n "$(ix_ns dev)" addr add $DEV/32 dev eth0
ip -n "$(ix_ns dev)" route add $GW/32 dev eth0
ip -n "$(ix_ns dev)" route add 10.0.0.0/8 dev eth0 # the spoofed sources' answers go nowhere
ip -n "$(ix_ns dev)" addr add $PC/32 dev lo
ln -s "$IX_TOP/profiles" "$IX_TMP/profiles"

# the scenario with the counters as expectations (always true), so the report shows them
counters="ike.drops.total drops.total net.drops.total"
for r in header unknown_spi unexpected_response msg_id malformed_init integrity malformed \
  payload_rules half_open_limit cookie no_connection mode; do counters="$counters ike.drops.$r"; done
for r in no_sa esp replay ts_mismatch no_route; do counters="$counters drops.$r"; done
scn=$IX_TMP/hostile.yaml
{ sed -e 's/^duration: 60s/duration: 600s/' "$SCN"
  echo "  - {tunnel: vgw1-site1, state: connected}"
  for c in $counters; do echo "  - {counter: $c, node: vgw1/0, value: \">= 0\"}"; done
} >"$scn"
OUT=$IX_TMP/out
ix_vpnsim_start sim "$OUT" "$scn" --attach site1-vpn=tap0 ||
  { echo "Bail out! vpnsim live did not start: $(cat "$OUT/vpnsim.out")"; exit 1; }
VS=$IX_VPNSIM_PID
ix_charon_start dev dev || { echo "Bail out! charon"; exit 1; }
ix_swanctl_conf 2 aes256-sha1-modp1024 aes256-sha1 Vpnsim.demo.key.1 0.0.0.0/0 0.0.0.0/0 \
  "    dpd_delay = 5s" >"$IX_TMP/dev/swanctl.conf"
ix_swanctl_load dev >/dev/null 2>&1
ix_swanctl dev --initiate --child net --timeout 4 >/dev/null 2>&1
sas() { ix_swanctl dev --list-sas 2>/dev/null; } # the one charon of this test
spis() { sas | grep -oE '(#[0-9]+|[0-9a-f]{8}_[io])' | sort | tr '\n' ' '; }
before=$(sas)
grep -q ESTABLISHED <<<"$before" && grep -q 'INSTALLED, TUNNEL' <<<"$before"
ix_ok $? "strongSwan's tunnel is up before the flood" "$before"
spis_before=$(spis)
rss() { awk '/^VmRSS/ {print $2}' /proc/$VS/status 2>/dev/null; }
rss0=$(rss)

# the flood, with a ping through the tunnel beside it
secs=$(( COUNT / RATE + 5 ))
ix_ping dev $PC $VM $(( secs * 2 )) 0.5 >"$IX_TMP/ping.out" 2>&1 &
PING=$!
ix_in dev "$GEN" --src $DEV --dst $GW --count "$COUNT" --rate "$RATE" --seed 21 \
  "$IX_TOP/pcaps/site-to-site/ikev2-default/vgw1--internet.pcap" \
  "$IX_TOP/pcaps/site-to-site/device-behind-nat/nat1--internet.pcap" \
  "$IX_TOP/pcaps/site-to-site/dpd-link-down/vgw1--internet.pcap" >"$IX_TMP/gen.out" 2>&1
gen_rc=$?
# what is queued on the TAP reaches the gateway: wait until its capture stops growing
last=-1
for ((i = 0; i < 60; i++)); do
  now=$(stat -c %s "$OUT/live-tap0.pcap" 2>/dev/null || echo 0)
  [[ $now == "$last" ]] && break
  last=$now
  sleep 1
done
rss1=$(rss)
wait $PING
sent=$(awk '$1 == "sent.total" {print $2}' "$IX_TMP/gen.out")
ix_ok $(( gen_rc != 0 || sent != COUNT )) "the hostile peer sent $COUNT datagrams" "$(cat "$IX_TMP/gen.out")"
ix_diag "$(tr '\n' ' ' <"$IX_TMP/gen.out")"

kill -0 $VS 2>/dev/null
ix_ok $? "the simulated gateway is still running" "$(tail -5 "$OUT/vpnsim.out")"
after=$(sas)
[[ $(spis) == "$spis_before" ]] && grep -q ESTABLISHED <<<"$after" && grep -q 'INSTALLED, TUNNEL' <<<"$after"
ix_ok $? "the legitimate IKE SA and child SA are the same ones after the flood" \
  "before: $spis_before"$'\n'"after: $(spis)"$'\n'"$after"
read -r _ np _ nr <"$IX_TMP/ping.out"
# (two thirds: on two cores shared with a parallel make check the simulator's real-time
# scheduler falls behind now and then; alone it answers 55-56 of 60)
ix_ok $(( nr * 3 < np * 2 )) "the ping through the tunnel kept answering during the flood ($nr of $np)" \
  "$(cat "$IX_TMP/ping.out")"
ix_diag "vpnsim resident memory: ${rss0} kB before, ${rss1} kB after the flood"
if [[ -n $SANITIZED ]]; then
  ix_skip "the simulator's memory grew by less than 64 MB" "ASan's quarantine keeps freed memory"
else
  ix_ok $(( rss1 - rss0 > 65536 )) "the simulator's memory grew by less than 64 MB (${rss0} -> ${rss1} kB)"
fi

# the run's end: the counters, and the event log's size
kill -INT $VS 2>/dev/null
wait $VS
val() { grep -A4 "counter $1 of vgw1/0" "$OUT/report.txt" | awk '/observed:/ {print $2; exit}'; }
ev=$(stat -c %s "$OUT/events.jsonl" 2>/dev/null || echo 0)
ix_ok $(( ev > 20 * 1024 * 1024 )) "the event log stays small under the flood ($(( ev / 1024 )) kB)"
tapdrop=$(ip -n "$(ix_ns sim)" -s link show tap0 2>/dev/null | awk '/TX:/ {getline; print $4}')
ike=$(val ike.drops.total) esp=$(val drops.total) net=$(val net.drops.total)
reasons=
for c in $counters; do v=$(val "$c"); [[ ${v:-0} != 0 ]] && reasons="$reasons $c=$v"; done
ix_diag "counted at the gateway:$reasons; dropped by the kernel before the TAP: ${tapdrop:-?}"
# every datagram that reached the gateway is counted: the hostile ones are all dropped
# (none is authentic), a few of the IKE_SA_INIT that decode are answered (a proposal the
# gateway refuses, up to 10 half-open SAs) rather than dropped: a 1% margin
got=$(( ${ike:-0} + ${esp:-0} + ${net:-0} ))
reached=$(( sent - ${tapdrop:-0} ))
ix_ok $(( got * 100 < reached * 99 || got > reached )) \
  "the gateway counted by reason what reached it: $got of $reached" \
  "$(sed -n '/counter/,+3p' "$OUT/report.txt" | head -80)"
