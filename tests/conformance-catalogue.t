#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole conformance catalogue through the real binary, as CI runs it
# (`vpnsim conformance --jobs 2`): exit 0, every active check passes, every pending one
# is a SKIP with its reason, one test point per catalogue entry. Its wall time is printed
# as a comment, not asserted: speed is for benchmarks, and sanitizer builds are slower.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
start=$(date +%s.%N)
"$vs" conformance --jobs 2 --out "$tmp/c" >"$tmp/tap" 2>"$tmp/err"; rc=$?
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "# whole catalogue: ${secs} s wall time"
failed=$(grep '^not ok' "$tmp/tap")
ok $([[ $rc == 0 ]]; echo $?) "vpnsim conformance --jobs 2 exits 0 (every active check passes)" \
  "exit $rc
$failed
$(grep -A12 '^not ok' "$tmp/tap" | head -80)
$(head -20 "$tmp/err")"
# one point per catalogue entry, in catalogue order
want=$("$vs" list checks 2>/dev/null | grep -oE '^[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)?-[0-9]{3}' | tr '\n' ' ')
got=$(grep -oE '^(not )?ok [0-9]+ - [A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)?-[0-9]{3}' "$tmp/tap" | grep -oE '[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)?-[0-9]{3}$' | tr '\n' ' ')
ok $([[ -n $want && $want == "$got" ]]; echo $?) "one test point per catalogue check, in order" \
  "catalogue: $want
report:    $got"
plan=$(grep -oE '^1\.\.[0-9]+' "$tmp/tap")
ok $([[ $plan == "1..$(wc -w <<<"$got")" ]]; echo $?) "the TAP plan counts every check" "$plan"
# pending checks are SKIPs with the issue area they wait for; nothing else is skipped
nskip=$(grep -c '^ok [0-9]* - .* # SKIP pending: waits for ' "$tmp/tap")
nskip_any=$(grep -c '# SKIP' "$tmp/tap")
npending=$("$vs" list checks 2>/dev/null | grep -cE '^[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)?-[0-9]{3} +pending ')
ok $([[ $nskip -gt 0 && $nskip == "$nskip_any" && $nskip == "$npending" ]]; echo $?) \
  "pending checks SKIP with their reason, active ones run" \
  "$nskip SKIP pending, $nskip_any SKIP in all, $npending pending in the catalogue"
echo "1..$n"
