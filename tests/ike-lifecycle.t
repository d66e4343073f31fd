#!/bin/bash
# SPDX-License-Identifier: MIT
# IKE SA lifecycle regressions through the real binary (issue 21): scenarios in
# tests/fixtures/scenario/ whose expectations state what must hold; each runs with exit 0
# (every expectation holds) and the failed ones are shown.
set -u
top=${VPNSIM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
vs=${VPNSIM:-$top/build/vpnsim}
cd "$top" || exit 1
n=0
ok() { # ok STATUS DESCRIPTION [DIAGNOSTIC...]
  n=$((n + 1))
  if [ "$1" = 0 ]; then echo "ok $n - $2"; else
    echo "not ok $n - $2"
    shift 2
    for d in "$@"; do printf '%s\n' "$d" | sed 's/^/# /'; done
  fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A rekeyed IKE SA the gateway's initiator side holds, begun by the device, is deleted
# when the device deletes it (before the fix: "unknown SPI", one IKE SA left per rekey).
f=tests/fixtures/scenario/gw-rekeyed-ike-delete.yaml
"$vs" run "$f" --out "$tmp/rekeyed" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $([ $rc = 0 ]; echo $?) "$f: every expectation holds (exit $rc)" "$(grep -A3 '^FAIL' "$tmp/out")" \
  "$(cat "$tmp/err")"
ok $(grep -q '"type":"gw.tunnel.metrics".*"mm_sa_count":1,' "$tmp/rekeyed/events.jsonl"; echo $?) \
  "$f: the gateway holds one IKE SA at the end" \
  "$(grep gw.tunnel.metrics "$tmp/rekeyed/events.jsonl")"

echo "1..$n"
