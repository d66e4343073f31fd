#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vpnsim live on the interop wiring: the scenario's device is replaced by a real Linux
# namespace on a persistent TAP; the simulated gateway keeps its public address and
# answers ARP and ICMP there; while it runs, events.jsonl, timeline.txt and the pcap of
# the attached interface already hold what happened (a vendor watches a negotiation
# live); --duration and SIGINT both end the run with the report, events and that pcap
# (tshark reads it, nothing malformed); the
# error paths say what is wrong (unknown device, not root, interface that cannot be opened).
. "$(dirname "$0")/lib.sh"
ix_init
ix_plan 16
scn=$IX_TOP/scenarios/live/strongswan-s2s.yaml
GW=203.0.113.10 DEV=198.51.100.20

ix_ns_add sim && ix_ns_add dev && ix_live_wire sim tap0 dev eth0
ok=$?
# the real device: its public address, the gateway on-link (docs/live-mode.md)
ip -n "$(ix_ns dev)" addr add $DEV/32 dev eth0 && ip -n "$(ix_ns dev)" route add $GW/32 dev eth0
ix_ok $((ok || $?)) "namespaces, persistent TAP, bridge and veth wired"

out=$IX_TMP/out1
ix_vpnsim_start sim "$out" "$scn" --attach site1-vpn=tap0 --duration 4s
ix_ok $? "vpnsim live starts on the TAP" "$(cat "$out/vpnsim.out")"

res=$(ix_ping dev - $GW 3 0.2 2>&1); rc=$?
ix_ok $rc "the real side pings the gateway's public address (ARP and ICMP answered)" "$res"
neigh=$(ip -n "$(ix_ns dev)" neigh show $GW dev eth0)
grep -qE 'lladdr [0-9a-f:]{17}' <<<"$neigh"
ix_ok $? "the gateway's address resolved by ARP on the attached interface" "$neigh"

# While the run goes on (issue 24): the gateway initiates after 1 s (nothing answers its
# IKE_SA_INIT here, so it retransmits); a snapshot of the outputs taken while vpnsim still
# runs must already show it in the event log, the timeline and the TAP capture.
snap=$IX_TMP/snap
live_ike() {
  grep -q '"type":"ike.message"' "$out/events.jsonl" 2>/dev/null &&
    [[ -n $(tshark -n -r "$out/live-tap0.pcap" -Y isakmp 2>/dev/null) ]]
}
ix_wait 3 live_ike
mkdir -p "$snap" && cp "$out/events.jsonl" "$out/timeline.txt" "$out/live-tap0.pcap" "$snap/" 2>/dev/null
running=0
kill -0 "$IX_VPNSIM_PID" 2>/dev/null || running=1
ev=$(cat "$snap/events.jsonl" 2>&1)
grep -q '"type":"live.attached"' <<<"$ev" && grep -q '"type":"ike.message".*"exchange":"IKE_SA_INIT"' <<<"$ev"
ix_ok $((running || $?)) "while live runs, events.jsonl already holds the IKE events (streamed)" \
  "still running: $((!running))"$'\n'"$ev"
tl=$(cat "$snap/timeline.txt" 2>&1)
[[ $(head -1 <<<"$tl") == '# time (s)'* ]] && grep -q ' live.attached ' <<<"$tl" && grep -q ' ike.message .*IKE_SA_INIT' <<<"$tl"
ix_ok $((running || $?)) "while live runs, timeline.txt already has its lines" "$tl"
# the whole capture so far reads cleanly (a buffered writer leaves a packet cut short)
tsh=$(tshark -n -r "$snap/live-tap0.pcap" -Y 'isakmp.exchangetype == 34' -T fields -e ip.src -e ip.dst -e udp.dstport 2>&1)
trc=$?
grep -q "^$GW"$'\t'"$DEV"$'\t'"500$" <<<"$tsh"
ix_ok $((running || trc || $?)) "while live runs, tshark -r reads the TAP pcap whole, the IKE_SA_INIT in it (flushed per packet)" \
  "tshark exit $trc"$'\n'"$tsh"

wait "$IX_VPNSIM_PID"; rc=$?
ix_ok $rc "--duration ends the run, exit 0 (the expectation held)" "$(cat "$out/vpnsim.out")"
ok=0
for f in report.txt report.tap report.json report.xml report.html events.jsonl timeline.txt esp_sa README live-tap0.pcap; do
  [[ -e $out/$f ]] || { ok=1; ix_diag "missing $f"; }
done
ix_ok $ok "outputs written as in run, with live-tap0.pcap"

stopped=$(grep -c '"type":"live.stopped".*"reason":"duration"' "$out/events.jsonl")
ix_ok $((stopped != 1)) "events say it stopped at the end of the duration" "$(tail -3 "$out/events.jsonl")"

tsh=$(tshark -n -r "$out/live-tap0.pcap" -T fields -e frame.protocols -e _ws.malformed 2>&1)
n_arp=$(grep -c '^eth:ethertype:arp' <<<"$tsh") n_icmp=$(grep -c ':icmp' <<<"$tsh")
bad=$(grep -c 'malformed\|_ws' <<<"$tsh")
ix_ok $((n_arp < 2 || n_icmp < 6 || bad != 0)) \
  "tshark on the TAP pcap: ARP request and reply, 3 echo requests and replies, nothing malformed" \
  "arp $n_arp icmp $n_icmp"$'\n'"$tsh"

# SIGINT (Ctrl-C) ends a long run early, cleanly, with the report
out=$IX_TMP/out2
if ix_vpnsim_start sim "$out" "$scn" --attach site1-vpn=tap0 --duration 10m; then
  sleep 0.5
  t0=$SECONDS
  kill -INT "$IX_VPNSIM_PID"
  wait "$IX_VPNSIM_PID"; rc=$?
  ok=$(( rc != 0 || SECONDS - t0 > 2 ))
  [[ -s $out/report.txt ]] && grep -q '"reason":"signal"' "$out/events.jsonl" || ok=1
else
  ok=1
fi
ix_ok $ok "SIGINT ends the run at once, exit 0, report written, stopped by signal" "$(cat "$out/vpnsim.out")"

# the error paths
res=$(ip netns exec "$(ix_ns sim)" "$IX_VPNSIM" live --out "$IX_TMP/o3" --attach nosuch=tap0 "$scn" 2>&1); rc=$?
[[ $rc == 2 ]] && grep -q "no device 'nosuch'" <<<"$res"
ix_ok $? "an unknown device: exit 2, naming the scenario's devices" "$res"
# a ping from a host behind the replaced device (it is real: nothing would be sent, yet
# ping.sent would be logged): refused before anything runs, with its location and host
ln -sfn "$IX_TOP/profiles" "$IX_TMP/profiles"
{ cat "$scn"; printf 'timeline:\n  - at: 1s\n    ping: {from: pc1, to: vm1, count: 2}\n'; } >"$IX_TMP/phantom.yaml"
line=$(( $(wc -l <"$scn") + 2 ))
res=$(ip netns exec "$(ix_ns sim)" "$IX_VPNSIM" live --out "$IX_TMP/o6" --duration 1s --attach site1-vpn=tap0 "$IX_TMP/phantom.yaml" 2>&1); rc=$?
[[ $rc == 2 ]] && grep -q "phantom.yaml:$line:5: ping from 'pc1': the host is behind 'site1-vpn'" <<<"$res" &&
  [[ ! -e $IX_TMP/o6/events.jsonl ]]
ix_ok $? "a ping from a host behind the replaced device: exit 2 with file:line:col and the host" "exit $rc"$'\n'"$res"
# a name held by an interface that is no TAP (the bridge): TUNSETIFF refuses it
res=$(ip netns exec "$(ix_ns sim)" "$IX_VPNSIM" live --out "$IX_TMP/o4" --attach site1-vpn=br0 "$scn" 2>&1); rc=$?
[[ $rc == 3 ]] && grep -q "cannot open the TAP interface 'br0'" <<<"$res"
ix_ok $? "an interface that cannot be opened: exit 3 with the reason" "$res"
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
  # nobody must be able to reach the binary and the scenario: a fresh clone may sit in a
  # folder only root can enter, so give it copies in a folder everyone can read
  pub=$(mktemp -d "${TMPDIR:-/tmp}/vpnsim-nobody.XXXXXX") && chmod 755 "$pub"
  cp "$IX_VPNSIM" "$pub/vpnsim" && mkdir -p "$pub/scenarios/live" &&
    cp "$scn" "$pub/scenarios/live/" && cp -r "$IX_TOP/profiles" "$pub/" && chmod -R a+rX "$pub"
  res=$(cd "$pub" && setpriv --reuid=nobody --regid=nogroup --clear-groups "$pub/vpnsim" live \
    --out "$pub/o5" --attach site1-vpn=tap9 "$pub/scenarios/live/$(basename "$scn")" 2>&1); rc=$?
  rm -rf "$pub"
  [[ $rc == 3 ]] && grep -q "needs root" <<<"$res"
  ix_ok $? "not root: exit 3, saying it needs root" "$res"
else
  ix_skip "not root: exit 3" "no setpriv or no user nobody"
fi
