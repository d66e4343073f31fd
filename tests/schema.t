#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# docs/scenario.schema.json: exactly what `vpnsim schema` generates from the loader's
# tables (regenerate: build/vpnsim schema > docs/scenario.schema.json), a valid JSON Schema
# (draft 2020-12), every bundled scenario valid against it with a real validator
# (python3-jsonschema, YAML read by python3-yaml), and files the loader refuses for their
# keys refused by it too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
schema=$top/docs/scenario.schema.json
# Debian's python3 with python3-jsonschema and python3-yaml (scripts/debian-packages), not
# whatever python3 comes first in PATH; PYTHON overrides
py=${PYTHON:-/usr/bin/python3}
[[ -x $py ]] || py=python3
echo "1..6"
"$vs" schema >"$tmp/schema.json"; rc=$?
ok $([[ $rc == 0 ]] && cmp -s "$tmp/schema.json" "$schema"; echo $?) \
  "docs/scenario.schema.json is up to date (regenerate: vpnsim schema > docs/scenario.schema.json)" \
  "exit $rc; $(diff "$schema" "$tmp/schema.json" | head -20)"

# validate SCHEMA FILE...: one line per file that does not validate; exit 1 when any
cat >"$tmp/validate.py" <<'PY'
import json, sys, yaml
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
v = Draft202012Validator(schema)
bad = 0
for f in sys.argv[2:]:
    # BaseLoader: every scalar a string, so a key such as 'on' stays a key (YAML 1.1
    # would read it as a boolean); the schema checks keys and structure, not values
    doc = yaml.load(open(f), Loader=yaml.BaseLoader)
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errs[:3]:
        print("%s: %s: %s" % (f, "/".join(str(p) for p in e.path), e.message[:200]))
    bad += bool(errs)
sys.exit(1 if bad else 0)
PY
out=$("$py" -c 'import json, sys; from jsonschema import Draft202012Validator as V
V.check_schema(json.load(open(sys.argv[1]))); print("ok")' "$schema" 2>&1)
ok $([[ $out == ok ]]; echo $?) "the schema is a valid draft 2020-12 JSON Schema" "$out"
ok $(grep -q '"description": "Send ICMP echo requests' "$schema" &&
     grep -q '"title": "trafficBothWays"' "$schema" && grep -q '"gatewaySubnetSize"\|"enum"' "$schema"; echo $?) \
  "actions and expectation kinds come from the descriptor rows, with descriptions"
files=("$top"/scenarios/site-to-site/*.yaml "$top"/conformance/checks/*.yaml)
out=$("$py" "$tmp/validate.py" "$schema" "${files[@]}" 2>&1)
ok $? "every bundled scenario (${#files[@]} files) validates against the schema" "$out"

# the schema refuses what the loader refuses for its keys
base=$top/scenarios/site-to-site/ikev2-default.yaml
sed 's/^      vpnType: RouteBased/      vpnTyp: RouteBased/' "$base" >"$tmp/typo.yaml"
sed 's/^    ping: {from: vm1, to: pc1, count: 20, interval: 1s}/    ping: {from: vm1, to: pc1, count: 20, intervall: 1s}/' "$base" >"$tmp/typo2.yaml"
{ cat "$base"; printf '  - tunnel: vgw1-site1\n    ping: {from: vm1, to: pc1}\n'; } >"$tmp/two-checks.yaml"
bad=
for f in typo typo2 two-checks; do
  cmp -s "$base" "$tmp/$f.yaml" && bad="$bad $f:unchanged"
  # refused with a finding on the file, not a crash of the validator
  o=$("$py" "$tmp/validate.py" "$schema" "$tmp/$f.yaml" 2>&1) && bad="$bad $f:schema-accepts"
  grep -q "^$tmp/$f.yaml: " <<<"$o" || bad="$bad $f:no-finding($o)"
  "$vs" validate "$tmp/$f.yaml" >/dev/null 2>&1 && bad="$bad $f:loader-accepts"
done
ok $([[ -z $bad ]]; echo $?) "a misspelled key (cloud, timeline) and two checks in one expectation: refused by both" "$bad"
out=$("$py" "$tmp/validate.py" "$schema" "$tmp/typo.yaml" 2>&1)
ok $(grep -q "vpnTyp" <<<"$out"; echo $?) "the validator names the key" "$out"
