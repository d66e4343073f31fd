#!/bin/bash
# SPDX-License-Identifier: MIT
# vpnsim validate and vpnsim list end to end: exit statuses, "file:line:col: error ID:"
# diagnostics of every fixture in scenarios/invalid/, the catalogues, and docs/rules.md
# being the output of its generator (fails when the committed file is stale).
set -u
. "$(dirname "$0")/lib.sh"

# The bundled scenarios are valid (warnings allowed): exit 0.
for f in scenarios/site-to-site/*.yaml; do
  "$vs" validate "$f" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  ok $([ $rc = 0 ] && ! grep -q ': error ' "$tmp/err"; echo $?) "$f is valid (exit $rc)" \
    "$(cat "$tmp/err")"
done

# Each fixture: exactly the "# expect: SEVERITY ID LINE:COL" diagnostics, exit 2 when any
# error is expected (else 0), and every "# expect-text:" substring in the messages.
for f in scenarios/invalid/*.yaml; do
  sed -nE 's/^# expect: (error|warning) ([A-Z0-9-]+) ([0-9]+:[0-9]+)$/\3 \1 \2/p' "$f" \
    | sort >"$tmp/want"
  "$vs" validate "$f" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  sed -nE "s|^$f:([0-9]+:[0-9]+): (error\|warning) ([A-Z0-9-]+): .*|\1 \2 \3|p" "$tmp/err" \
    | sort >"$tmp/got"
  want_rc=0
  grep -q ' error ' "$tmp/want" && want_rc=2
  ok $([ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; echo $?) \
    "$f: diagnostics as expected" "want: $(cat "$tmp/want")" "got: $(cat "$tmp/err")"
  ok $([ $rc = $want_rc ]; echo $?) "$f: exit $want_rc" "exit $rc"
  # every line of stderr is a located diagnostic
  ok $(! grep -vqE "^$f:[0-9]+:[0-9]+: (error|warning) GW-[A-Z0-9]+-[0-9]{3}: " "$tmp/err"; echo $?) \
    "$f: only located diagnostics on stderr" "$(cat "$tmp/err")"
  while IFS= read -r text; do
    ok $(grep -qF -- "$text" "$tmp/err"; echo $?) "$f: says \"$text\"" "$(cat "$tmp/err")"
  done < <(sed -n 's/^# expect-text: //p' "$f")
done

# Command line errors exit 2; a missing file exits 2 with its name.
"$vs" validate >/dev/null 2>&1; ok $([ $? = 2 ]; echo $?) "validate without SCENARIO exits 2"
"$vs" validate "$tmp/nope.yaml" >/dev/null 2>"$tmp/err"; rc=$?
ok $([ $rc = 2 ] && grep -q nope.yaml "$tmp/err"; echo $?) "validate of a missing file exits 2"
printf 'cloud: [\n' >"$tmp/bad.yaml"
"$vs" validate "$tmp/bad.yaml" >/dev/null 2>"$tmp/err"; rc=$?
ok $([ $rc = 2 ] && grep -qE "bad.yaml:[0-9]+:[0-9]+: " "$tmp/err"; echo $?) \
  "YAML syntax error: exit 2 with file:line:col" "$(cat "$tmp/err")"

# Catalogues: tables and JSON (parsed by python3 when present).
"$vs" list skus >"$tmp/skus"; rc=$?
ok $([ $rc = 0 ] && [ "$(grep -cE '^(Basic|VpnGw|Standard|HighPerformance)' "$tmp/skus")" = 17 ]; echo $?) \
  "list skus prints 17 SKU rows"
ok $(grep -qE '^VpnGw5AZ +Generation2 +AZ +100 ' "$tmp/skus"; echo $?) "VpnGw5AZ: Gen2, 100 tunnels"
"$vs" list policies >"$tmp/pol"; rc=$?
ok $([ $rc = 0 ] && grep -qE 'DHGroup2048 +MODP_2048 14' "$tmp/pol" && grep -qE 'PFS2048 +MODP_2048 14' "$tmp/pol" \
  && grep -qE 'ECP256 +ECP_256 19' "$tmp/pol"; echo $?) "list policies maps DHGroup2048/PFS2048 to 14, ECP256 to 19"
ok $(grep -q 'rb-qm-responder' "$tmp/pol"; echo $?) "list policies shows the default proposal lists"
for what in skus policies rules; do
  "$vs" list "$what" --format json >"$tmp/j"; rc=$?
  if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/j" 2>"$tmp/err"
    ok $([ $rc = 0 ] && [ $? = 0 ]; echo $?) "list $what --format json is JSON" "$(cat "$tmp/err")"
  else
    ok $([ $rc = 0 ] && head -c1 "$tmp/j" | grep -q '[[{]'; echo $?) "list $what --format json"
  fi
done
"$vs" list skus --format yaml >/dev/null 2>&1; ok $([ $? = 2 ]; echo $?) "unknown format exits 2"
"$vs" list sku >/dev/null 2>"$tmp/err"; rc=$?
ok $([ $rc = 2 ] && grep -q "did you mean 'skus'" "$tmp/err"; echo $?) "unknown catalogue: exit 2 with a hint"
"$vs" list checks >/dev/null 2>&1; ok $([ $? = 0 ]; echo $?) "list checks prints the conformance catalogue (issue 10)"

# The example in docs/cloud-section.md loads without errors (its one warning is GW-CON-003).
sed -n '/^```yaml/,/^```$/p' docs/cloud-section.md | sed '1d;$d' >"$tmp/doc.yaml"
"$vs" validate "$tmp/doc.yaml" >/dev/null 2>"$tmp/err"; rc=$?
ok $([ $rc = 0 ] && [ -s "$tmp/doc.yaml" ] && ! grep -q ': error ' "$tmp/err"; echo $?) \
  "docs/cloud-section.md example is valid" "$(cat "$tmp/err")"

# docs/rules.md is exactly the generator's output.
"$vs" list rules --format markdown >"$tmp/rules.md"
ok $(cmp -s "$tmp/rules.md" docs/rules.md; echo $?) \
  "docs/rules.md is up to date (regenerate: vpnsim list rules --format markdown > docs/rules.md)" \
  "$(diff "$tmp/rules.md" docs/rules.md | head -20)"

echo "1..$n"
