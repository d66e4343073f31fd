#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# BGP interoperability (issue 15): a real BIRD 2 as the on-premises BGP speaker, behind a
# real strongSwan in a namespace, peers with the simulated gateway (vpnsim live) over
# the tunnel. The session comes up (the gateway opens it from 10.1.255.30 to BIRD's
# 10.2.0.1, facts 5), BIRD learns the VNet prefix, the gateway learns BIRD's prefixes and
# traffic follows them (the local network gateway holds only BIRD's /32), a prefix BIRD
# withdraws leaves the gateway's routes, and 4,001 prefixes from BIRD drop the session
# with Cease / Maximum Number of Prefixes Reached.
. "$(dirname "$0")/lib.sh"
ix_init
command -v bird >/dev/null && command -v birdc >/dev/null ||
  { echo "1..0 # SKIP no BIRD 2 (bird2 package)"; exit 0; }
ix_plan 8
SCN=$IX_TOP/scenarios/live/strongswan-s2s.yaml
GW=203.0.113.10 DEV=198.51.100.20 PC=192.168.1.10 VM=10.1.1.4 BGPIP=10.2.0.1 AZBGP=10.1.255.30
PSK=Vpnsim.demo.key.1

ix_ns_add sim && ix_ns_add dev && ix_live_wire sim tap0 dev eth0 || { echo "Bail out! wiring"; exit 1; }
ip -n "$(ix_ns dev)" addr add $DEV/32 dev eth0
ip -n "$(ix_ns dev)" route add $GW/32 dev eth0
ip -n "$(ix_ns dev)" addr add $PC/32 dev lo
# BIRD's BGP address, a loopback one (facts 5: not the public IP, not in the VNet)
ip -n "$(ix_ns dev)" addr add $BGPIP/32 dev lo

# The scenario with BGP: the gateway in AS 65515, the site's local network gateway with
# only BIRD's address as prefix and its bgpSettings, the connection with enableBgp.
ln -s "$IX_TOP/profiles" "$IX_TMP/profiles"
f=$IX_TMP/bgp.yaml
sed -e 's/      enableBgp: false/      enableBgp: true\n      bgpSettings: {asn: 65515}/' \
    -e 's#      addressPrefixes: \[192.168.1.0/24\]#      addressPrefixes: ['$BGPIP'/32]\n      bgpSettings: {asn: 65010, bgpPeeringAddress: '$BGPIP'}#' \
    -e 's/      dpdTimeoutSeconds: 45/      dpdTimeoutSeconds: 45\n      enableBgp: true/' "$SCN" >"$f"
cat >>"$f" <<EOF
  - {event: bgp.session.state, node: vgw1, attrs: {peer: vgw1-site1, new_state: Established}, count: ">= 1"}
  - {event: bgp.route.installed, node: vgw1, attrs: {prefix: 192.168.1.0/24, tunnel: vgw1-site1, as_path: "65010"}, count: ">= 1"}
  - {event: bgp.route.removed, node: vgw1, attrs: {prefix: 192.168.7.0/24}, count: ">= 1"}
  - {event: bgp.notification.tx, node: vgw1, attrs: {code: 6, subcode: 1}, count: "== 1"}
EOF
# (the session ends with the Cease at the end of the test: states at a time would read it)

# BIRD: its LAN and a second prefix as static routes (not into the kernel), exported
birdconf() { # birdconf N_EXTRA: 192.168.1.0/24 and 192.168.7.0/24, then N_EXTRA /24s
  cat <<EOC
router id $BGPIP;
log "$IX_TMP/bird.log" all;
protocol device { }
protocol static lan {
  ipv4;
  route 192.168.1.0/24 unreachable;
EOC
  [[ ${2:-yes} == yes ]] && echo "  route 192.168.7.0/24 unreachable;"
  for ((i = 0; i < $1; i++)); do echo "  route 172.$((16 + i / 256)).$((i % 256)).0/24 unreachable;"; done
  cat <<EOC
}
protocol bgp azure {
  local $BGPIP as 65010;
  neighbor $AZBGP as 65515;
  multihop 2;
  hold time 180;
  keepalive time 60;
  ipv4 { import all; export where proto = "lan"; };
}
EOC
}
bc() { ix_in dev birdc -s "$IX_TMP/bird.ctl" "$@"; }

OUT=$IX_TMP/out
ix_vpnsim_start sim "$OUT" "$f" --attach site1-vpn=tap0 --duration 60s ||
  { echo "Bail out! vpnsim live did not start: $(cat "$OUT/vpnsim.out")"; exit 1; }
ix_charon_start dev dev-bgp || { echo "Bail out! charon"; exit 1; }
ix_swanctl_conf 2 aes256-sha1-modp1024 aes256-sha1 "$PSK" 0.0.0.0/0 0.0.0.0/0 >"$IX_TMP/dev-bgp/swanctl.conf"
ix_swanctl_load dev-bgp >/dev/null 2>&1
ix_swanctl dev-bgp --initiate --child net --timeout 4 >/dev/null 2>&1
birdconf 0 >"$IX_TMP/bird.conf"
ix_in dev bird -c "$IX_TMP/bird.conf" -s "$IX_TMP/bird.ctl" -P "$IX_TMP/bird.pid" >/dev/null 2>&1
sleep 0.3
IX_PIDS+=("$(cat "$IX_TMP/bird.pid" 2>/dev/null || echo 0)")

up() { bc show protocols azure | grep -q Established; }
ix_wait 15 up
ix_ok $? "BIRD's session with the gateway is Established over the tunnel" \
  "$(bc show protocols all azure 2>&1 | head -20)"$'\n'"$(tail -5 "$IX_TMP/bird.log" 2>/dev/null)"
r=$(bc show route 10.1.0.0/16 all 2>&1)
grep -q '10.1.0.0/16' <<<"$r" && grep -q 'BGP.as_path: 65515' <<<"$r"
ix_ok $? "BIRD learns the VNet prefix 10.1.0.0/16 with the AS path 65515" "$r"
r=$(bc show route protocol azure 2>&1)
! grep -q '0.0.0.0/0' <<<"$r"
ix_ok $? "the gateway sends BIRD no default route" "$r"
res=$(ix_ping dev $PC $VM 5 0.2 2>&1)
grep -q 'received [45]$' <<<"$res"
ix_ping_ok=$?
ix_ok $ix_ping_ok "traffic follows the learned route: the device's LAN reaches vm1 (the LNG holds only the /32)" "$res"

# withdraw 192.168.7.0/24: BIRD reconfigured without it
birdconf 0 no >"$IX_TMP/bird.conf"
bc configure >/dev/null 2>&1
sleep 1
# 4,001 prefixes from BIRD (with its LAN): above the limit, the gateway drops the session
birdconf 4000 no >"$IX_TMP/bird.conf"
bc configure >/dev/null 2>&1
gone() { ! up; }
ix_wait 10 gone
p=$(bc show protocols all azure 2>&1)
grep -qi 'maximum number of prefixes' <<<"$p$(cat "$IX_TMP/bird.log" 2>/dev/null)"
ix_ok $? "4,001 prefixes: the gateway ends the session with Cease / Maximum Number of Prefixes Reached" "$p"

kill -INT "$IX_VPNSIM_PID" 2>/dev/null
wait "$IX_VPNSIM_PID"; VS_RC=$?
ix_ok $VS_RC "the gateway's side: session up, BIRD's LAN routed with AS path 65010, the withdrawn prefix removed, one Cease sent" \
  "$(cat "$OUT/report.txt" 2>/dev/null)"
mkdir -p "$OUT/cfg/wireshark" && cp "$OUT/esp_sa" "$OUT/ikev2_decryption_table" "$OUT/cfg/wireshark/" 2>/dev/null
tsh() { XDG_CONFIG_HOME=$OUT/cfg tshark -n -o esp.enable_encryption_decode:TRUE -r "$OUT/live-tap0.pcap" "$@" 2>/dev/null; }
types=$(tsh -Y 'esp && bgp' -T fields -e bgp.type | tr ',' '\n' | sort -u | tr '\n' ' ')
[[ $types == *"1 "* && $types == *"2 "* && $types == *"3 "* && $types == *"4 "* ]]
ix_ok $? "the capture, decrypted with esp_sa, shows BIRD's and the gateway's OPEN, UPDATE, NOTIFICATION, KEEPALIVE" "types: $types"
n_bad=$(tsh -Y '_ws.malformed || _ws.expert.severity >= 8388608' -T fields -e frame.number | wc -l)
ix_ok $(( n_bad != 0 )) "nothing malformed in the decrypted capture" "$n_bad"
