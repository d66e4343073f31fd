#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# For cleanup.t: builds the whole interop setup (two namespaces, the TAP/bridge/veth
# wiring, a charon, vpnsim live), records what it created in $1, then ends as asked in $2:
# "fail" (a failing command, exit 1), "term" (waits to be killed by SIGTERM) or "int"
# (SIGINT); the harness's trap must remove everything in each case.
. "$(dirname "$0")/lib.sh"
rec=$1 how=$2
ix_init >/dev/null
ix_ns_add sim && ix_ns_add dev && ix_live_wire sim tap0 dev eth0 || exit 1
ix_charon_start dev || exit 1
ix_vpnsim_start sim "$IX_TMP/out" "$IX_TOP/scenarios/live/strongswan-s2s.yaml" \
  --attach site1-vpn=tap0 --duration 60s || exit 1
{
  echo "id $IX_ID"
  echo "tmp $IX_TMP"
  for p in "${IX_PIDS[@]}"; do echo "pid $p"; done
  for ns in "${IX_NS[@]}"; do echo "ns $ns"; done
} >"$rec"
echo ready >>"$rec"
case $how in
  fail) false || exit 1 ;;
  *) sleep 30 & IX_PIDS+=($!); wait $! ;; # the parent signals us
esac
