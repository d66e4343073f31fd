#!/bin/bash
# SPDX-License-Identifier: MIT
# docs/coverage.md is exactly what scripts/gen-coverage writes from the catalogue, the rules
# and conformance/facts-coverage.yaml with the binary under test; the generator refuses a
# row naming an ID that is neither a check nor a rule, and a check citing a facts section
# the data does not list.
set -u
. "$(dirname "$0")/lib.sh"

python3 scripts/gen-coverage "$vs" >"$tmp/coverage.md" 2>"$tmp/gen.err"; rc=$?
ok $rc "scripts/gen-coverage runs" "$(cat "$tmp/gen.err")"
ok $(cmp -s "$tmp/coverage.md" docs/coverage.md; echo $?) \
  "docs/coverage.md is up to date (regenerate: scripts/gen-coverage > docs/coverage.md)" \
  "$(diff "$tmp/coverage.md" docs/coverage.md | head -20)"
python3 scripts/gen-coverage --check "$vs" 2>/dev/null
ok $? "gen-coverage --check agrees"

# every section of the data is in the page, with its counts line or whole-section line
nsec=$(grep -c '^  - id: ' conformance/facts-coverage.yaml)
nhead=$(grep -cE '^##+ [0-9]' "$tmp/coverage.md")
ok $([ "$nsec" = "$nhead" ] && [ "$nsec" -ge 30 ]; echo $?) "one heading per facts section ($nsec sections, $nhead headings)"
# the counts add up: covered + pending + unchecked + not modelled = rows, per section
bad=$(grep -E '^[0-9]+ rows: ' "$tmp/coverage.md" |
  awk '{r=$1; c=$3; p=$5; u=$7; m=$9; if (c+p+u+m != r) print}')
nrows=$(grep -cE '^[0-9]+ rows: ' "$tmp/coverage.md")
ok $([ -z "$bad" ] && [ "$nrows" -ge 30 ]; echo $?) "per-section counts add up ($nrows sections with rows)" "$bad"

# a stale or wrong data file is refused: a row naming an unknown ID, and a section the
# catalogue cites removed from the data
mkdir -p "$tmp/t/scripts" "$tmp/t/conformance" "$tmp/t/docs"
cp scripts/gen-coverage "$tmp/t/scripts/"
sed 's/by: \[GW-NET-001\]/by: [GW-NET-999]/' conformance/facts-coverage.yaml >"$tmp/t/conformance/facts-coverage.yaml"
python3 "$tmp/t/scripts/gen-coverage" "$vs" >/dev/null 2>"$tmp/unknown.err"; rc=$?
ok $([ $rc = 2 ] && grep -q 'GW-NET-999 is neither a check nor a rule' "$tmp/unknown.err"; echo $?) \
  "an unknown ID on a row is refused" "exit $rc" "$(cat "$tmp/unknown.err")"
awk '/^  - id: "9.1"$/{skip=1; next} skip && /^  - id: /{skip=0} !skip' conformance/facts-coverage.yaml \
  >"$tmp/t/conformance/facts-coverage.yaml"
python3 "$tmp/t/scripts/gen-coverage" "$vs" >/dev/null 2>"$tmp/nosec.err"; rc=$?
ok $([ $rc = 2 ] && grep -q 'cites "facts 9.1", a section' "$tmp/nosec.err"; echo $?) \
  "a cited section missing from the data is refused" "exit $rc" "$(cat "$tmp/nosec.err")"
echo "1..$n"
