#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The harness proven without the gateway: two private charons (kernel-libipsec) in two
# namespaces across a veth negotiate IKEv2 with a PSK and pass a ping through ESP, as
# swanctl --list-sas and the ping itself show; then the harness removes everything.
. "$(dirname "$0")/lib.sh"
ix_init
ix_plan 7

ix_ns_add a && ix_ns_add b && ix_veth a eth0 b eth0
ip -n "$(ix_ns a)" addr add 192.0.2.1/24 dev eth0
ip -n "$(ix_ns b)" addr add 192.0.2.2/24 dev eth0
for p in a:1 b:2; do
  n=${p%:*} k=${p#*:}
  ip -n "$(ix_ns "$n")" addr add "10.10.$k.1/32" dev lo # its "LAN" (no dummy module here)
done

# swanctl.conf for peer N (1|2) facing peer M; one setting per line (strongswan-in-netns.md).
# Peer 1 has short lifetimes (IKE SA rekeyed every 3 s, child SA every 2 s, no jitter);
# peer 2 the defaults, so that peer 1 does every rekey and they never collide.
swconf() {
  local me=$1 them=$2 ike_life= child_life=
  if [[ $me == 1 ]]; then
    ike_life=$'    rekey_time = 3s\n    rand_time = 0s\n    over_time = 10s'
    child_life=$'        rekey_time = 2s\n        life_time = 20s\n        rand_time = 0s'
  fi
  cat <<EOC
connections {
  s2s {
    version = 2
    local_addrs = 192.0.2.$me
    remote_addrs = 192.0.2.$them
    proposals = aes256-sha256-modp2048
$ike_life
    local {
      auth = psk
      id = 192.0.2.$me
    }
    remote {
      auth = psk
      id = 192.0.2.$them
    }
    children {
      net {
        local_ts = 10.10.$me.0/24
        remote_ts = 10.10.$them.0/24
        esp_proposals = aes256-sha256
        start_action = none
$child_life
      }
    }
  }
}
secrets {
  ike-1 {
    secret = "Vpnsim.demo.key.1"
  }
}
EOC
}

started=0
ix_charon_start a && ix_charon_start b && started=1
ix_ok $((!started)) "two private charons start, each on its own vici socket"
swconf 1 2 >"$IX_TMP/a/swanctl.conf"
swconf 2 1 >"$IX_TMP/b/swanctl.conf"
out=$( { ix_swanctl_load a && ix_swanctl_load b; } 2>&1); rc=$?
ix_ok $rc "swanctl --load-all on both" "$out"

out=$(ix_swanctl a --initiate --child net --timeout 10 2>&1); rc=$?
ix_ok $rc "a initiates: IKE_SA_INIT, IKE_AUTH, child SA" "$out"$'\n'"$(tail -20 "$IX_TMP/a/charon.log" 2>/dev/null)"

sas=$(ix_swanctl b --list-sas 2>&1)
grep -q 'ESTABLISHED' <<<"$sas" && grep -q 'INSTALLED, TUNNEL' <<<"$sas"
ix_ok $? "b lists the IKE SA ESTABLISHED and the child SA INSTALLED" "$sas"

out=$(ix_ping a 10.10.1.1 10.10.2.1 3 2>&1); rc=$?
ix_ok $rc "ping from a's LAN to b's LAN through the tunnel" "$out"

# ESP really carried it: the child SA's byte counters on b moved
sas=$(ix_swanctl b --list-sas 2>&1)
grep -qE 'in +[0-9a-f]+, +[1-9][0-9]* bytes, +[1-9][0-9]* packets' <<<"$sas"
ix_ok $? "the ping went through ESP (child SA counters)" "$sas"

# rekeys under traffic: 40 pings 0.1 s apart span a child SA rekey (make-before-break) and
# an IKE SA rekey; at most the one packet in flight may be lost
res=$(ix_ping a 10.10.1.1 10.10.2.1 40 0.1 2>&1)
log=$(cat "$IX_TMP/a/charon.log")
n_child=$(grep -cE 'outbound CHILD_SA net\{[0-9]+\} established' <<<"$log")
n_ike=$(grep -cE 'IKE_SA s2s\[[0-9]+\] rekeyed' <<<"$log")
recv=$(sed -n 's/.*received \([0-9]*\)$/\1/p' <<<"$res")
(( ${recv:-0} >= 39 && n_child >= 2 && n_ike >= 1 ))
ix_ok $? "child and IKE SA rekeys (short lifetimes) during 40 pings: at most one lost" \
  "ping: $res; child rekeys: $n_child; IKE rekeys: $n_ike"
