#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The generated SKU-PERF checks (scenarios with their check: blocks) are the generator's current
# output, and the generator's --check notices a stale file.
set -uo pipefail
top=${VPNSIM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
echo "1..2"
if out=$(python3 "$top/scripts/gen-sku-perf" --check 2>&1); then
  echo "ok 1 - conformance/checks/sku-perf-*.yaml (with their check: blocks) are current"
else
  echo "not ok 1 - generated SKU-PERF files are stale"; echo "$out" | sed 's/^/# /'
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scripts" "$tmp/conformance/checks"
cp "$top/scripts/gen-sku-perf" "$tmp/scripts/"
python3 "$tmp/scripts/gen-sku-perf"
echo '# edited' >>"$tmp/conformance/checks/sku-perf-001.yaml"
if python3 "$tmp/scripts/gen-sku-perf" --check >/dev/null 2>&1; then
  echo "not ok 2 - --check accepted an edited generated file"
else
  echo "ok 2 - --check refuses an edited generated file"
fi
