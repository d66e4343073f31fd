#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The layering rules hold on the source tree, and the checker catches each rule on a
# fixture tree that breaks them (so this test can fail).
set -uo pipefail
top=${VPNSIM_TOP:-$(cd "$(dirname "$0")/.." && pwd)}
echo "1..3"

out=$("$top/scripts/check-layers" "$top"); rc=$?
if ((rc == 0)); then echo "ok 1 - the source tree keeps the layering rules"
else echo "not ok 1 - the source tree breaks the layering rules"; sed 's/^/# /' <<<"$out"; fi

out=$("$top/scripts/check-layers" "$top/tests/fixtures/layering"); rc=$?
expected="conformance/catalogue.c:2: L10
models/esp/esp_codec.c:2: L3
models/esp/esp_codec.c:2: L4
models/esp/esp_codec.c:3: L4
models/esp/esp_codec.c:4: L4
models/device/dev_model.c:2: L12
models/endpoint/ep_model.c:2: L12
models/endpoint/ep_model.c:3: L12
models/esp/esp_sad.c:2: L8
models/gateway/gw_model.c:2: L5
models/gateway/gw_model.c:3: L5
models/ike/ikev2_engine.c:2: L1
models/ike/ikev2_engine.c:3: L2
models/ike/ikev2_engine.c:4: L6
models/ike/ikev2_sa.c:2: L8
models/ike/ikev2_sa.c:3: L8
models/ike/ikev2_sa.c:4: L8
sim/engine/net_traffic.c:2: L7
sim/engine/net_traffic.c:3: L7
sim/engine/net_traffic.c:4: L7
sim/run/runner.c:2: L9
sim/scenario/scenario.c:2: L11
sim/scenario/scenario.c:3: L11"
got=$(cut -d: -f1-3 <<<"$out" | sort -u)
if ((rc == 1)) && [[ $got == "$(sort <<<"$expected")" ]]; then
  echo "ok 2 - every rule is caught on the fixture tree, and nothing else"
else
  echo "not ok 2 - the checker's findings on the fixture tree differ (rc=$rc)"
  diff <(sort <<<"$expected") <(echo "$got") | sed 's/^/# /'
fi

if grep -q '^sim/engine/net.cc' <<<"$out"; then echo "not ok 3 - the wrapper was flagged for ns-3"
else echo "ok 3 - the wrapper may include ns-3"; fi
