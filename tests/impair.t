#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Impairments (`impair:` on a gateway connection or a device, `faults: {gatewayImpair}`;
# models/endpoint/ep_impair.h): each has its effect on the peer, and each application is an
# impair.applied event. Bases: the IKE-001 and DPD-006 check scenarios.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$tmp/c" && cp -r profiles "$tmp/profiles"
# run NAME BASE LINE [sed]: the base with LINE appended (and the sed applied), its exit code
run() {
  local name=$1 base=$2 line=$3 sedx=${4:-}
  # a folder per run: the bases it extends are copied (and edited) beside it
  mkdir -p "$tmp/c/$name"
  if [ -n "$sedx" ]; then check_copy "conformance/checks/$base.yaml" "$tmp/c/$name/$name.yaml" "$sedx"
  else check_copy "conformance/checks/$base.yaml" "$tmp/c/$name/$name.yaml"; fi
  printf '%s\n' "$line" >>"$tmp/c/$name/$name.yaml"
  "$vs" run "$tmp/c/$name/$name.yaml" --out "$tmp/$name" >"$tmp/$name.txt" 2>&1
  echo $? >"$tmp/$name.rc"
}
ev() { grep -c "$2" "$tmp/$1/events.jsonl"; }  # how many events of the run match
has() { grep -q "$2" "$tmp/$1/events.jsonl"; }
G='"node":"vgw1/0"'
D='"node":"site1-vpn"'

run drop ike-001 'faults: {gatewayImpair: [{what: drop, exchange: IKE_SA_INIT, message: response, nth: 1}]}'
ok $([ "$(cat "$tmp/drop.rc")" = 0 ] && has drop '"type":"impair.applied".*"what":"drop","exchange":"IKE_SA_INIT","response":true,"msg_id":0,"nth":1' \
  && has drop "$D"',"type":"ike.retransmit".*"exchange":"IKE_SA_INIT"' && [ "$(ev drop impair.applied)" = 1 ]; echo $?) \
  "drop the first IKE_SA_INIT response: one impair.applied, the device retransmits and connects" "$(tail -3 "$tmp/drop.txt")"

run dropall ike-001 'faults: {gatewayImpair: [{what: drop, exchange: IKE_SA_INIT, message: response}]}'
# (the gateway, connectionMode Default, dials itself after 10 s: its own SA comes up)
DI="$D"',"type":"ike.sa.established".*"initiator":true'
ok $([ "$(ev dropall '"what":"drop"')" -ge 4 ] && ! has dropall "$DI"; echo $?) \
  "drop every IKE_SA_INIT response: the device's SA never comes up, each drop counted"

run notify ike-001 'faults: {gatewayImpair: [{what: notify, notify: NO_PROPOSAL_CHOSEN}]}'
ok $(has notify "$D"',"type":"ike.message".*"dir":"received","exchange":"IKE_SA_INIT","response":true.*"notifies":"NO_PROPOSAL_CHOSEN"' \
  && has notify "$G"',"type":"impair.applied".*"what":"notify"' && ! has notify "$DI"; echo $?) \
  "notify: the device's IKE_SA_INIT is answered with N(NO_PROPOSAL_CHOSEN) alone, no SA"

# (ResponderOnly: the gateway does not dial the device itself)
RO='s/connectionMode: Default/connectionMode: ResponderOnly/'
run childno ike-001 'faults: {gatewayImpair: [{what: notify, exchange: IKE_AUTH, notify: NO_PROPOSAL_CHOSEN}]}' "$RO"
ok $(has childno "$D"',"type":"ike.message".*"dir":"received","exchange":"IKE_AUTH","response":true.*NO_PROPOSAL_CHOSEN' \
  && has childno "$G"',"type":"ike.child.failed".*NO_PROPOSAL_CHOSEN' && has childno "$G"',"type":"impair.applied".*"what":"notify"' \
  && ! has childno '"type":"child.sa.established"'; echo $?) \
  "notify on IKE_AUTH: the IKE SA comes up, its child SA is refused with NO_PROPOSAL_CHOSEN"

run rekeyno ike-027 'faults: {gatewayImpair: [{what: notify, exchange: CREATE_CHILD_SA, notify: NO_PROPOSAL_CHOSEN}]}' \
  's/^      ikeLifetime: 300s$/      childLifetime: 120s\n      childRekeyMargin: 30s/'
ok $(has rekeyno "$D"',"type":"ike.message".*"exchange":"CREATE_CHILD_SA","response":true.*NO_PROPOSAL_CHOSEN' \
  && ! has rekeyno '"type":"child.sa.established".*"rekey":true'; echo $?) \
  "notify on CREATE_CHILD_SA: the device's child SA rekeys are refused with NO_PROPOSAL_CHOSEN"

# (an IKEv1 connection: the gateway dials too, and its own main mode comes up)
run mm ikev1-006 'faults: {gatewayImpair: [{what: notify, exchange: MAIN_MODE, notify: NO_PROPOSAL_CHOSEN}]}'
ok $(has mm "$G"',"type":"impair.applied".*"what":"notify","exchange":"MAIN_MODE"' \
  && has mm "$D"',"type":"ike.message".*"dir":"received".*"notifies":"NO_PROPOSAL_CHOSEN"' \
  && ! has mm "$D"',"type":"ike.sa.established".*"initiator":true'; echo $?) \
  "notify on MAIN_MODE (IKEv1): the device's main mode is answered with NO-PROPOSAL-CHOSEN in clear"

run qm ikev1-006 'faults: {gatewayImpair: [{what: notify, exchange: QUICK_MODE, notify: NO_PROPOSAL_CHOSEN}]}'
ok $(has qm "$G"',"type":"impair.applied".*"what":"notify","exchange":"QUICK_MODE"' \
  && has qm "$D"',"type":"ike.message".*"dir":"received".*"notifies":"NO_PROPOSAL_CHOSEN"'; echo $?) \
  "notify on QUICK_MODE (IKEv1): the device's quick mode is refused with NO-PROPOSAL-CHOSEN"

run v1drop ikev1-006 'faults: {gatewayImpair: [{what: drop, exchange: MAIN_MODE, nth: 1}]}'
ok $([ "$(cat "$tmp/v1drop.rc")" = 0 ] && has v1drop "$G"',"type":"impair.applied".*"what":"drop","exchange":"MAIN_MODE"' \
  && has v1drop "$D"',"type":"ike.retransmit"'; echo $?) \
  "drop the gateway's first main mode message (IKEv1): the device retransmits and connects"

run corrupt ike-001 'faults: {gatewayImpair: [{what: corrupt, exchange: IKE_AUTH, nth: 1}]}'
ok $(has corrupt "$D"',"type":"ike.drop".*integrity check failed' && has corrupt "$D"',"type":"ike.retransmit".*"exchange":"IKE_AUTH"'; echo $?) \
  "corrupt the first IKE_AUTH response: the device's integrity check fails, it retransmits"

run wrongspi ike-001 'faults: {gatewayImpair: [{what: wrongSpi, exchange: IKE_AUTH}]}'
ok $([ "$(cat "$tmp/wrongspi.rc")" = 1 ] && has wrongspi '"what":"wrongSpi"' && ! has wrongspi "$D"',"type":"ike.sa.established"'; echo $?) \
  "wrong SPI on every IKE_AUTH response: the device never finds its SA"

run wrongmid ike-001 'faults: {gatewayImpair: [{what: wrongMessageId, exchange: IKE_AUTH}]}'
ok $([ "$(cat "$tmp/wrongmid.rc")" = 1 ] && has wrongmid '"what":"wrongMessageId"' && ! has wrongmid "$D"',"type":"ike.sa.established"'; echo $?) \
  "wrong message ID on every IKE_AUTH response: the device never takes it"

run dup ike-001 'faults: {gatewayImpair: [{what: duplicate, exchange: IKE_AUTH, nth: 1}]}'
ok $([ "$(cat "$tmp/dup.rc")" = 0 ] && [ "$(ev dup "$D"',"type":"ike.message".*"dir":"received","exchange":"IKE_AUTH"')" = 2 ]; echo $?) \
  "duplicate the IKE_AUTH response: the device receives it twice and connects"

run delay ike-001 'faults: {gatewayImpair: [{what: delay, exchange: IKE_AUTH, nth: 1, delay: 3s}]}'
ok $([ "$(cat "$tmp/delay.rc")" = 0 ] && has delay "$D"',"type":"ike.retransmit".*"exchange":"IKE_AUTH"' \
  && has delay '"time_ns":30[0-9]\{8\},'"$D"',"type":"ike.message".*"dir":"received","exchange":"IKE_AUTH","response":true'; echo $?) \
  "delay the IKE_AUTH response by 3 s: the device retransmits meanwhile, the late copy arrives at 3.06 s"

run omit ike-001 'faults: {gatewayImpair: [{what: omitPayload, exchange: IKE_SA_INIT, message: response, payload: KE}]}'
ok $(has omit '"what":"omitPayload"' && ! has omit "$DI"; echo $?) \
  "omit KE from the IKE_SA_INIT response: the device cannot make the SA"

run icv ike-001 'faults: {gatewayImpair: [{what: espBadIcv, nth: 2}]}'
ok $([ "$(ev icv '"what":"espBadIcv"')" = 1 ] && has icv "$D"',"type":"dev.dataplane.drop".*"esp_status":"ICV"'; echo $?) \
  "a wrong ICV on the gateway's second ESP packet: the device drops it" "$(grep -i drop "$tmp/icv/events.jsonl" | head -3)"

run mtu data-002 'faults: {gatewayImpair: [{what: tunnelMtu, mtu: 1300}]}'
ok $([ "$(cat "$tmp/mtu.rc")" = 1 ] && has mtu "$G"',"type":"impair.applied".*"what":"tunnelMtu","mtu":1300' \
  && grep -q "^FAIL 3. ping p1" "$tmp/mtu.txt"; echo $?) \
  "tunnelMtu 1300 on the gateway: its 1,400-byte inner packets no longer cross (DATA-002 fails)" "$(grep -A3 FAIL "$tmp/mtu.txt" | head)"

run nodpd dpd-006 'faults: {gatewayImpair: [{what: noDpdReply}]}'
ok $([ "$(cat "$tmp/nodpd.rc")" = 1 ] && has nodpd "$D"',"type":"ike.dpd.dead"' && has nodpd "$G"',"type":"impair.applied".*"what":"noDpdReply","exchange":"INFORMATIONAL"'; echo $?) \
  "noDpdReply: the gateway leaves the device's liveness checks unanswered, the device declares it dead"

# IKE-027: the device rekeys its IKE SA every 300 s; with noRekey it never starts one
run norekey ike-027 '' 's/^      ikeLifetime: 300s$/&\n      impair: [{what: noRekey}]/'
ok $([ "$(ev norekey '"type":"ike.sa.rekeyed"')" = 0 ] && [ "$(cat "$tmp/norekey.rc")" = 1 ]; echo $?) \
  "noRekey on the device: no IKE SA is rekeyed (IKE-027 fails)" "$(grep -c rekeyed "$tmp/norekey/events.jsonl")"

run coll ike-001 'faults: {gatewayImpair: [{what: rekeyAt, at: 30s}]}' 's/^      espProposals: \[aes256gcm16\]$/&\n      impair: [{what: rekeyAt, at: 30s}]/'
ok $([ "$(ev coll '"time_ns":30000000000,.*"type":"ike.message".*"dir":"sent","exchange":"CREATE_CHILD_SA","response":false')" = 2 ] \
  && [ "$(ev coll '"what":"rekeyAt"')" = 2 ] && [ "$(cat "$tmp/coll.rc")" = 0 ]; echo $?) \
  "rekeyAt 30s on both ends: two CREATE_CHILD_SA requests cross (a collision, RFC 7296 2.8.2), the tunnel stays up"

run childkey ike-001 '' 's/^      espProposals: \[aes256gcm16\]$/&\n      impair: [{what: rekeyAt, at: 20s, sa: child}]/'
ok $(has childkey "$D"',"type":"impair.applied".*"what":"rekeyAt"' && has childkey '"type":"child.sa.established".*"rekey":true'; echo $?) \
  "rekeyAt on a device, sa: child: the device rekeys its child SA at 20 s"

run after ike-029 'faults: {gatewayImpair: [{what: drop, exchange: IKE_SA_INIT, after: 20s}]}'
ok $([ "$(cat "$tmp/after.rc")" = 1 ] && has after '"time_ns":[0-9]\{11\},'"$G"',"type":"impair.applied".*"what":"drop"' \
  && ! has after '"time_ns":[0-9]\{1,10\},'"$G"',"type":"impair.applied"' \
  && grep -q "^PASS 1. tunnel vgw1-site1 is connected by 10s" "$tmp/after.txt"; echo $?) \
  "after: 20s: the first IKE SA comes up, none after the outage (IKE-029 fails)" "$(grep -A3 FAIL "$tmp/after.txt" | head)"

run big data-005 'faults: {gatewayImpair: [{what: bigIke, size: 700}]}'
ok $([ "$(cat "$tmp/big.rc")" = 1 ] && has big "$G"',"type":"impair.applied".*"what":"bigIke"' \
  && grep -q "^PASS 1. tunnel vgw1-site1 is connected by 10s" "$tmp/big.txt" \
  && grep -q "^FAIL 4. counter net.fragments of site1-vpn" "$tmp/big.txt"; echo $?) \
  "bigIke 700 on the gateway: its IKE_SA_INIT reaches the device in IPv4 fragments over the 576-byte path, the tunnel still comes up (DATA-005 fails)" "$(grep -A3 FAIL "$tmp/big.txt" | head)"
run bad6 ike-001 'faults: {gatewayImpair: [{what: bigIke, size: 0}]}'
ok $([ "$(cat "$tmp/bad6.rc")" = 2 ] && grep -q "bad6.yaml:[0-9]*:[0-9]*:.*size" "$tmp/bad6.txt"; echo $?) "bigIke size 0: exit 2 at its place" "$(cat "$tmp/bad6.txt")"

# the loader: unknown impairments, keys that do not apply, notify names
run bad1 ike-001 'faults: {gatewayImpair: [{what: dorp}]}'
ok $([ "$(cat "$tmp/bad1.rc")" = 2 ] && grep -q "i.yaml\|bad1.yaml:[0-9]*:[0-9]*:.*'dorp'.*drop" "$tmp/bad1.txt"; echo $?) "an unknown impairment: exit 2 at its place, the nearest named" "$(cat "$tmp/bad1.txt")"
run bad2 ike-001 'faults: {gatewayImpair: [{what: noRekey, nth: 2}]}'
ok $([ "$(cat "$tmp/bad2.rc")" = 2 ] && grep -q "bad2.yaml:[0-9]*:[0-9]*:.*'nth' does not apply to what: noRekey" "$tmp/bad2.txt"; echo $?) "a key that does not apply: exit 2" "$(cat "$tmp/bad2.txt")"
run bad3 ike-001 'faults: {gatewayImpair: [{what: notify, notify: NO_PROPOSAL_CHOSN}]}'
ok $([ "$(cat "$tmp/bad3.rc")" = 2 ] && grep -q "did you mean 'NO_PROPOSAL_CHOSEN'" "$tmp/bad3.txt"; echo $?) "a misspelt notify: exit 2 with the hint" "$(cat "$tmp/bad3.txt")"
run bad4 ike-001 'faults: {gatewayImpair: [{what: notify, notify: INVALID_KE_PAYLOAD, exchange: INFORMATIONAL}]}'
ok $([ "$(cat "$tmp/bad4.rc")" = 2 ] && grep -q "notify answers IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, MAIN_MODE or QUICK_MODE" "$tmp/bad4.txt"; echo $?) "notify on INFORMATIONAL: refused" "$(cat "$tmp/bad4.txt")"
run bad5 ike-001 'faults: {gatewayImpair: [{what: notify, notify: NO_PROPOSAL_CHOSEN, exchange: IKE_AUTH, nth: 2}]}'
ok $([ "$(cat "$tmp/bad5.rc")" = 2 ] && grep -q "nth applies to a notify on IKE_SA_INIT only" "$tmp/bad5.txt"; echo $?) "nth with a child notify: refused" "$(cat "$tmp/bad5.txt")"
# determinism: the same impaired run twice gives the same bytes
"$vs" run "$tmp/c/coll/coll.yaml" --out "$tmp/coll2" >/dev/null 2>&1
ok $(cmp -s "$tmp/coll/events.jsonl" "$tmp/coll2/events.jsonl" && cmp -s "$tmp/coll/azure.pcap" "$tmp/coll2/azure.pcap"; echo $?) "impaired runs are deterministic"
echo "1..$n"
