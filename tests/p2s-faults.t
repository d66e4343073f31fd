#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The P2S- conformance checks fail for their stated reason (issue 19): each check's
# scenario (conformance/checks/p2s-*.yaml) names the gateway fault or scenario change that
# must make it fail ("# fault:") and the edit that applies it ("# fault-edit:", a sed -E
# script). The check passes as written (exit 0) and fails with the edit applied (exit 1,
# a failed expectation, not an invalid scenario or an internal error).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$tmp/checks" && cp -r profiles "$tmp/profiles"
files=(conformance/checks/p2s-*.yaml)
ok $([[ ${#files[@]} -ge 20 ]]; echo $?) "at least 20 P2S- checks (${#files[@]})"
for f in "${files[@]}"; do
  b=$(basename "$f" .yaml)
  fault=$(sed -n 's/^# fault: //p' "$f")
  edit=$(sed -n 's/^# fault-edit: //p' "$f")
  ok $([[ -n $fault && -n $edit ]]; echo $?) "$b: names its fault and the edit that applies it"
  "$vs" run "$f" --out "$tmp/$b.ok" >"$tmp/$b.ok.txt" 2>&1; rc=$?
  ok $([[ $rc == 0 ]]; echo $?) "$b: passes as written" "exit $rc
$(grep -A3 '^FAIL' "$tmp/$b.ok.txt")"
  sed -E "$edit" "$f" >"$tmp/checks/$b.yaml"
  ok $(! cmp -s "$f" "$tmp/checks/$b.yaml"; echo $?) "$b: the fault edit changes the scenario"
  "$vs" run "$tmp/checks/$b.yaml" --out "$tmp/$b.fault" >"$tmp/$b.fault.txt" 2>&1; rc=$?
  ok $([[ $rc == 1 ]] && grep -q '^FAIL' "$tmp/$b.fault.txt"; echo $?) \
    "$b: fails with the fault: $fault" "exit $rc
$(tail -5 "$tmp/$b.fault.txt")"
done
echo "1..$n"
