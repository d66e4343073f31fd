#!/bin/bash
# SPDX-License-Identifier: MIT
# IKE SA lifecycle regressions through the real binary (issue 21): scenarios in
# tests/fixtures/scenario/ whose expectations state what must hold; each runs with exit 0
# (every expectation holds) and the failed ones are shown.
set -u
. "$(dirname "$0")/lib.sh"

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
