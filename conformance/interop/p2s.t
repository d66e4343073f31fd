#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Point-to-site interop (issue 19): strongSwan as an IKEv2 P2S client with a certificate
# (swanctl: auth = pubkey, vips = 0.0.0.0, the certificate and key vpnsim live generated
# for laptop1) against the simulated gateway in live mode: it authenticates the gateway's
# certificate against the server CA, gets a pool address from the configuration payload
# and pings a VM in the VNet from it; the gateway's events say so.
. "$(dirname "$0")/lib.sh"
ix_init
ix_plan 7
SCN=$IX_TOP/scenarios/live/strongswan-p2s.yaml
GW=203.0.113.10 DEV=198.51.100.50 VM=10.1.1.4

ix_ns_add sim && ix_ns_add dev && ix_live_wire sim tap0 dev eth0
ok=$?
ip -n "$(ix_ns dev)" addr add $DEV/32 dev eth0 && ip -n "$(ix_ns dev)" route add $GW/32 dev eth0
ix_ok $((ok || $?)) "namespaces, persistent TAP, bridge and veth wired"

OUT=$IX_TMP/out
ix_vpnsim_start sim "$OUT" "$SCN" --attach laptop1=tap0 --duration 40s
ix_ok $? "vpnsim live starts with laptop1 on the TAP" "$(cat "$OUT/vpnsim.out")"
P=$OUT/p2s
ix_wait 5 test -s "$P/client-laptop1.key.pem"
ix_ok $? "the client's certificate and key are written as the run starts" "$(ls "$P" 2>&1)"

# the charon of lib.sh with the virtual IP installed (its default leaves it out), so the
# ping leaves from it
ix_charon_conf client
cat >>"$IX_TMP/client/strongswan.conf" <<EOC
charon {
  install_virtual_ip = yes
}
swanctl {
  load = pem pkcs1 pkcs8 x509 pubkey random nonce openssl gmp
}
EOC
STRONGSWAN_CONF=$IX_TMP/client/strongswan.conf ip netns exec "$(ix_ns dev)" \
  unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run && exec "$0"' "$IX_CHARON" \
  >"$IX_TMP/client/charon.out" 2>&1 &
IX_PIDS+=($!)
echo $! >"$IX_TMP/client/pid"
ix_wait 5 test -S "$IX_TMP/client/charon.vici"
# swanctl reads credentials from the folders beside its swanctl.conf
C=$IX_TMP/client
mkdir -p "$C/x509" "$C/x509ca" "$C/pkcs8"
cp "$P/client-laptop1.cert.pem" "$C/x509/" && cp "$P/server-ca.cert.pem" "$C/x509ca/" &&
  cp "$P/client-laptop1.key.pem" "$C/pkcs8/"
cat >"$IX_TMP/client/swanctl.conf" <<EOC
connections {
  p2s {
    version = 2
    local_addrs = $DEV
    remote_addrs = $GW
    vips = 0.0.0.0
    proposals = aes256-sha256-modp2048
    local {
      auth = pubkey
      certs = client-laptop1.cert.pem
    }
    remote {
      auth = pubkey
      id = %any
    }
    children {
      p2s {
        remote_ts = 10.1.0.0/16
        esp_proposals = aes256-sha256
      }
    }
  }
}
EOC
load=$(ix_swanctl_load client 2>&1)
ix_ok $? "swanctl loads the client's connection, certificate and key" "$load"
init=$(ix_swanctl client --initiate --ike p2s --child p2s --timeout 20 2>&1)
rc=$?
vip=$(ix_swanctl client --list-sas 2>/dev/null | grep -oE '172\.16\.201\.[0-9]+' | head -1)
ix_ok $rc "strongSwan establishes the P2S IKE SA and child with certificates" \
  "$init"$'\n'"$(ix_check_diag client 2>&1 | tail -20)"
[[ -n $vip ]]
ix_ok $? "it got a virtual IP from the pool: ${vip:-none}" "$(ix_swanctl client --list-sas 2>&1)"
res=$(ix_ping dev "${vip:--}" $VM 5 0.2 2>&1); rc=$?
ix_ok $rc "it pings the VM $VM from its pool address" "$res"$'\n'"$(ip -n "$(ix_ns dev)" addr 2>&1)"
kill -INT "$IX_VPNSIM_PID" 2>/dev/null
wait "$IX_VPNSIM_PID"
echo "# gateway: $(grep -o '"type":"p2s.connected"[^}]*' "$OUT/events.jsonl" | head -1)"
