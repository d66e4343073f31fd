#!/bin/bash
# SPDX-License-Identifier: MIT
# The scenario format through the real binary: every broken file in
# scenarios/invalid-format/ gives exit 2 and exactly its "# expect: LINE:COL ID" errors
# (and each "# expect-text:"), every bundled scenario dry-runs with exit 0 and no error,
# and a scenario that expects the cloud to refuse it is runnable.
set -u
. "$(dirname "$0")/lib.sh"

for f in scenarios/invalid-format/*.yaml; do
  sed -nE 's/^# expect: ([0-9]+:[0-9]+) ([A-Z0-9-]+)$/\1 \2/p' "$f" | sort >"$tmp/want"
  "$vs" run --dry-run "$f" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  sed -nE "s|^$f:([0-9]+:[0-9]+): error ([A-Z0-9-]+): .*|\1 \2|p" "$tmp/err" | sort >"$tmp/got"
  ok $([ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; echo $?) \
    "$f: every error at its line:col, and no other" "want: $(cat "$tmp/want")" "got: $(cat "$tmp/err")"
  ok $([ $rc = 2 ]; echo $?) "$f: exit 2" "exit $rc"
  ok $([ ! -s "$tmp/out" ]; echo $?) "$f: no plan printed" "$(cat "$tmp/out")"
  ok $(grep -q "^$f: invalid scenario ($(wc -l <"$tmp/want") error" "$tmp/err"; echo $?) \
    "$f: the summary counts the errors" "$(tail -1 "$tmp/err")"
  while IFS= read -r text; do
    ok $(grep -qF -- "$text" "$tmp/err"; echo $?) "$f: says \"$text\"" "$(cat "$tmp/err")"
  done < <(sed -n 's/^# expect-text: //p' "$f")
done

for f in scenarios/site-to-site/*.yaml; do
  "$vs" run --dry-run "$f" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  ok $([ $rc = 0 ] && ! grep -q ': error ' "$tmp/err"; echo $?) "$f: dry run, exit 0" \
    "exit $rc" "$(cat "$tmp/err")"
  ok $(grep -q '^dry run: the scenario was loaded and not simulated$' "$tmp/out"; echo $?) \
    "$f: the plan is printed" "$(cat "$tmp/out")"
done

f=tests/fixtures/scenario/tour.yaml
"$vs" run --dry-run "$f" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $([ $rc = 0 ] && [ ! -s "$tmp/err" ]; echo $?) "$f: every documented form loads" \
  "exit $rc" "$(cat "$tmp/err")"
ok $(grep -q '^timeline: 13$' "$tmp/out" && grep -q '^expectations: 12$' "$tmp/out" &&
     ! grep -q 'Vpnsim.demo.key.1\|New.key.2' "$tmp/out"; echo $?) \
  "$f: the plan lists every action and expectation, and no key" "$(cat "$tmp/out")"

f=tests/fixtures/scenario/expects-invalid.yaml
"$vs" run --dry-run "$f" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $([ $rc = 0 ] && grep -q 'error GW-POL-004' "$tmp/err"; echo $?) \
  "$f: a rule error the scenario expects is shown and does not make it invalid" "exit $rc" \
  "$(cat "$tmp/err")"
sed 's/validation: invalid, rules: \[GW-POL-004\]/tunnel: c1, state: connected/' "$f" >"$tmp/no-expect.yaml"
"$vs" run --dry-run "$tmp/no-expect.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $([ $rc = 2 ]; echo $?) "the same configuration without the expectation: exit 2" "exit $rc"

# the profiles are found from an installed-style layout too: a copy elsewhere
mkdir -p "$tmp/share/scenarios/s2s"
cp -r profiles "$tmp/share/"
cp scenarios/site-to-site/ikev2-default.yaml "$tmp/share/scenarios/s2s/"
(cd / && "$vs" run --dry-run "$tmp/share/scenarios/s2s/ikev2-default.yaml" >"$tmp/out" 2>"$tmp/err")
rc=$?
ok $([ $rc = 0 ]; echo $?) "profiles found walking up from the scenario's folder" "$(cat "$tmp/err")"
rm -rf "$tmp/share/profiles"
# (a profiles/ folder in a parent of $tmp, left by someone's manual run in /tmp, would be
# found by the same walk: then this point cannot be made here)
stray=; d=$(dirname "$tmp"); while [[ $d != / ]]; do [[ -d $d/profiles ]] && stray=$d/profiles; d=$(dirname "$d"); done
[[ -d /profiles ]] && stray=/profiles
if [[ -n $stray ]]; then
  n=$((n + 1)); echo "ok $n # SKIP $stray exists, so the walk from $tmp finds profiles"
else
  (cd / && "$vs" run --dry-run "$tmp/share/scenarios/s2s/ikev2-default.yaml" >"$tmp/out" 2>"$tmp/err")
  rc=$?
  ok $([ $rc = 2 ] && grep -q "unknown profile 'strongswan-5.9'" "$tmp/err"; echo $?) \
    "without a profiles folder: the profile is unknown, exit 2" "$(cat "$tmp/err")"
fi

echo "1..$n"
