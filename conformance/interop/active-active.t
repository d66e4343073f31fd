#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A real strongSwan against an active-active gateway in live mode (issue 17, facts 8):
# vpnsim live runs scenarios/live/strongswan-active-active.yaml with site1-vpn replaced by
# a charon in a namespace on the TAP. Both instances answer on the TAP with their own
# public IPs (vgw1/0 as 203.0.113.10, vgw1/1 as 203.0.113.11); the charon has two
# connections, one to each, both any-to-any. A ping from the device's LAN into vm1 runs
# while instance 0 fails (the scenario's timeline, 15 s into the run): the gateway sends
# through instance 1's tunnel at once, the charon's DPD clears its tunnel to instance 0,
# and the ping resumes over the tunnel to instance 1.
#
# The gateway fault these points fail under: an active-active gateway whose instance 1
# does not answer on the TAP (vpnsim live before this test put only the first peer's
# address on the interface) never gets the second tunnel, and points 2, 3, 5, 6, 7 and 9
# fail (run with that binary: `VPNSIM=/path/to/it prove -v conformance/interop/active-active.t`;
# points 1, 4 and 8 check the wiring and the device, and pass).
. "$(dirname "$0")/lib.sh"
ix_init
ix_plan 9
SCN=$IX_TOP/scenarios/live/strongswan-active-active.yaml
GW0=203.0.113.10 GW1=203.0.113.11 DEV=198.51.100.20 PC=192.168.1.10 VM=10.1.1.4
PSK=Vpnsim.demo.key.1
FAIL_AT=15 # the scenario's instanceFailure, seconds into the run

ix_ns_add sim && ix_ns_add dev && ix_live_wire sim tap0 dev eth0 || { echo "Bail out! wiring"; exit 1; }
ip -n "$(ix_ns dev)" addr add $DEV/32 dev eth0
ip -n "$(ix_ns dev)" route add $GW0/32 dev eth0
ip -n "$(ix_ns dev)" route add $GW1/32 dev eth0
ip -n "$(ix_ns dev)" addr add $PC/32 dev lo

# Two connections, one per instance (facts 2.1/2.4 default policy, DH group 2); DPD every
# 2 s without traffic, so the device notices the failed instance within a few seconds.
conn() { # conn NAME GATEWAY
  cat <<EOC
  $1 {
    version = 2
    local_addrs = $DEV
    remote_addrs = $2
    proposals = aes256-sha1-modp1024
    dpd_delay = 2s
    local {
      auth = psk
      id = $DEV
    }
    remote {
      auth = psk
      id = $2
    }
    children {
      $1-net {
        local_ts = 0.0.0.0/0
        remote_ts = 0.0.0.0/0
        esp_proposals = aes256-sha1
        dpd_action = clear
      }
    }
  }
EOC
}
CONF="connections {
$(conn aa0 $GW0)
$(conn aa1 $GW1)
}
secrets {
  ike-gw0 {
    id = $GW0
    secret = \"$PSK\"
  }
  ike-gw1 {
    id = $GW1
    secret = \"$PSK\"
  }
}"

scn=$(ix_variant aa '' "  - {event: tunnel.up, node: vgw1/0, attrs: {connection: vgw1-site1}, seen: true}
  - {event: tunnel.up, node: vgw1/1, attrs: {connection: vgw1-site1}, seen: true}
  - {event: tunnel.down, node: vgw1/0, attrs: {reason: unplanned-failure}, seen: true}
  - {event: gw.failover, seen: false}")
OUT=$IX_TMP/aa
ix_vpnsim_start sim "$OUT" "$scn" --attach site1-vpn=tap0 --duration 32s
ok=$?
t0=$(date +%s.%N) # the run's time 0, within the 50 ms the start line takes to appear
ix_charon_start dev dev-aa &&
  printf '%s\n' "$CONF" >"$IX_TMP/dev-aa/swanctl.conf" &&
  ix_swanctl_load dev-aa >/dev/null 2>&1
ix_ok $((ok || $?)) "vpnsim live starts on the TAP, the charon loads two connections" \
  "$(cat "$OUT/vpnsim.out")"

# The device's routing: kernel-libipsec routes what a child SA protects into its TUN
# device (table 220), here all of 0.0.0.0/0, and excludes only that SA's own peer. With
# the tunnel to one instance up, the IKE messages to and from the other's address would
# go into that tunnel (the gateway drops them: ts_mismatch) and the second tunnel would
# never come up; so both of the gateway's public addresses are looked up in the main
# table before table 220 (a rule, not a route in 220, which charon manages), as an
# administrator of a device with any-to-any tunnels to both instances does.
ip -n "$(ix_ns dev)" rule add to $GW0/32 lookup main pref 200
ip -n "$(ix_ns dev)" rule add to $GW1/32 lookup main pref 200
# the tunnel to instance 1 first, then the one to instance 0: kernel-libipsec sends by the
# newest of two child SAs with the same selectors, so the ping starts on instance 0's
# tunnel, the one that fails (point 8 checks it in the capture)
ix_swanctl dev-aa --initiate --child aa1-net --timeout 4 >/dev/null 2>&1
ix_swanctl dev-aa --initiate --child aa0-net --timeout 4 >/dev/null 2>&1
sas=$(ix_sas aa)
both_up() {
  local s
  s=$(ix_sas aa)
  [[ $(grep -cE '^aa[01]: .*ESTABLISHED' <<<"$s") == 2 && $(grep -c 'INSTALLED, TUNNEL' <<<"$s") == 2 ]]
}
both_up
ix_ok $? "both instances answer on the TAP with their own address: two IKE SAs ESTABLISHED, two child SAs INSTALLED" \
  "$sas"$'\n'"$(ix_charon_log aa | tail -20)"$'\n'"$(tail -5 "$OUT/vpnsim.out")"
grep -q "answers on tap0 as $GW0 and vgw1/1 as $GW1" "$OUT/vpnsim.out"
ix_ok $? "vpnsim live says both instances answer on the interface" "$(head -3 "$OUT/vpnsim.out")"

# Pings from pc1 to vm1, 0.25 s apart, each waiting up to 0.5 s, until 28 s into the run;
# one line per answered ping with its time in the run.
pings=$(ix_in dev perl -MNet::Ping -MTime::HiRes=time,sleep -e '
  my ($src, $dst, $t0, $until) = @ARGV;
  my $p = Net::Ping->new("icmp", 0.5);
  $p->bind($src);
  my ($n, $ok) = (0, 0);
  while ((my $t = time - $t0) < $until) {
    $n++;
    if ($p->ping($dst)) { $ok++; printf "answered %.2f\n", $t; }
    my $left = 0.25 - (time - $t0 - $t);
    sleep($left) if $left > 0;
  }
  print "sent $n received $ok\n";' $PC $VM "$t0" 28 2>&1)
sas_end=$(ix_sas aa)
# answered pings before the failure and in the last 5 s; the longest gap between two
# answers (the outage the device sees)
read -r before after gap <<<"$(awk -v f=$FAIL_AT '/^answered/ {
    t = $2; if (t < f) b++; if (t >= 23) a++;
    if (p != "" && t - p > g) g = t - p; p = t }
  END { printf "%d %d %.2f\n", b, a, g }' <<<"$pings")"
echo "# ping: $(tail -1 <<<"$pings"); answered before the failure: $before, in the last 5 s: $after; longest gap between answers: ${gap} s"
(( before >= 20 ))
ix_ok $? "the ping from the device's LAN gets through before the failure" "$pings"

# After the failure: the tunnel to instance 0 is gone (DPD), the one to instance 1 is up
# and carried the ping; it resumed within the device's DPD time and some margin.
! grep -qE '^aa0: ' <<<"$sas_end" && grep -qE '^aa1: .*ESTABLISHED' <<<"$sas_end" &&
  grep -q 'INSTALLED, TUNNEL' <<<"$sas_end" && ix_charon_log aa | grep -q 'IKE_SA aa0\[[0-9]*\] state change: ESTABLISHED => DESTROYING'
ix_ok $? "after instance 0 fails, strongSwan's DPD clears its tunnel to it; the one to instance 1 stays" \
  "$sas_end"$'\n'"$(ix_charon_log aa | grep -i 'aa0\|dpd\|retransmit' | tail -15)"
(( after >= 15 )) && awk -v g="$gap" 'BEGIN { exit !(g > 0 && g < 10) }'
ix_ok $? "the ping resumes over the tunnel to instance 1 (outage ${gap} s, under 10 s)" "$pings"

kill -INT "$IX_VPNSIM_PID" 2>/dev/null
wait "$IX_VPNSIM_PID"; VS_RC=$?
ix_stop_pid "$(ix_charon_pid dev-aa)"
# the gateway's side: a tunnel per instance, instance 0's dropped by its failure, no
# failover (the other instance was active all along), the ICMP flow on vgw1/1 after it
ix_ok $VS_RC "the gateway's events: tunnel up on vgw1/0 and vgw1/1, vgw1/0's down by unplanned-failure, no failover" \
  "$(cat "$OUT/report.txt" 2>/dev/null)"
# the capture of the TAP: before the failure the device's ESP went to instance 0; after
# it, ESP only between the device and instance 1, in both directions, and no packet from
# instance 0's address
tsh() { tshark -n -r "$OUT/live-tap0.pcap" "$@" 2>/dev/null; }
early="frame.time_epoch >= 5 && frame.time_epoch < $FAIL_AT"
n_early0=$(tsh -Y "esp && ip.dst == $GW0 && $early" -T fields -e frame.number | wc -l)
n_early1=$(tsh -Y "esp && ip.dst == $GW1 && $early" -T fields -e frame.number | wc -l)
(( n_early0 >= 20 && n_early1 == 0 ))
ix_ok $? "live-tap0.pcap before the failure: the device's ESP goes to $GW0 (instance 0), the one that fails" \
  "to $GW0: $n_early0 (want >= 20), to $GW1: $n_early1 (want 0)"
late="frame.time_epoch >= $((FAIL_AT + 6))"
n_from1=$(tsh -Y "esp && ip.src == $GW1 && $late" -T fields -e frame.number | wc -l)
n_to1=$(tsh -Y "esp && ip.dst == $GW1 && $late" -T fields -e frame.number | wc -l)
n_from0=$(tsh -Y "ip.src == $GW0 && $late" -T fields -e frame.number | wc -l)
n_bad=$(tsh -Y '_ws.malformed || _ws.expert.severity >= 8388608' -T fields -e frame.number | wc -l)
(( n_from1 >= 20 && n_to1 >= 20 && n_from0 == 0 && n_bad == 0 ))
ix_ok $? "live-tap0.pcap after the failure: ESP both ways with $GW1 only, nothing from $GW0, nothing malformed" \
  "from $GW1: $n_from1, to $GW1: $n_to1 (want >= 20 each); from $GW0: $n_from0 (want 0); malformed: $n_bad"
