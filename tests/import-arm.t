#!/bin/bash
# SPDX-License-Identifier: MIT
# vpnsim import arm end to end (docs/import-arm.md): each template in tests/fixtures/arm/
# imports with exit 0 into a scenario that `vpnsim validate` and `vpnsim run --dry-run`
# accept, with the values the template computes; the shapes the simulator runs today
# (plain S2S, custom policy, VNet-to-VNet, NAT rules, active-active with BGP) are run and
# their tunnels come up; point-to-site runs without clients
# (the template has none). Then the error cases: an unknown
# function, bad parameters, a dangling resourceId and unmapped properties, each reported
# with its JSON path and exit 2.
set -u
. "$(dirname "$0")/lib.sh"
# the scenarios name profiles/NAME.yaml, found from the scenario's folder upwards
ln -s "$top/profiles" "$tmp/profiles"
fx=tests/fixtures/arm

# import NAME [ARGS...]: import fixtures/arm/NAME.json into $tmp/NAME.yaml
import() {
  local name=$1
  shift
  "$vs" import arm "$fx/$name.json" "$@" -o "$tmp/$name.yaml" >"$tmp/$name.out" 2>"$tmp/$name.err"
}

# has NAME TEXT: the imported scenario holds the line fragment
has() {
  ok $(grep -qF -- "$2" "$tmp/$1.yaml"; echo $?) "$1: has '$2'" "$(cat "$tmp/$1.yaml")"
}

# ---- every shape imports, validates and loads ----
declare -A args=([s2s-custom-policy]="--parameters $fx/s2s-custom-policy.parameters.json")
for name in s2s-plain s2s-custom-policy active-active-bgp vnet-to-vnet p2s nat-rules; do
  # shellcheck disable=SC2086
  import "$name" ${args[$name]:-}
  rc=$?
  ok $([ $rc = 0 ] && ! grep -q ': error: ' "$tmp/$name.err"; echo $?) "$name: imports (exit $rc)" \
    "$(cat "$tmp/$name.err")"
  "$vs" validate "$tmp/$name.yaml" >"$tmp/v.out" 2>"$tmp/v.err"
  rc=$?
  ok $([ $rc = 0 ]; echo $?) "$name: vpnsim validate accepts it (exit $rc)" "$(cat "$tmp/v.err")"
  "$vs" run --dry-run "$tmp/$name.yaml" >"$tmp/d.out" 2>"$tmp/d.err"
  rc=$?
  ok $([ $rc = 0 ]; echo $?) "$name: vpnsim run --dry-run loads it (exit $rc)" "$(cat "$tmp/d.err")"
done

# ---- the values the templates compute ----
# s2s-plain: names through concat/format/toLower, the subnet prefixes through split/first,
# the generation through if/startsWith, resources in any order, outputs through reference()
has s2s-plain "    - name: contoso-vnet"
has s2s-plain "{name: GatewaySubnet, addressPrefix: 10.1.255.0/27}"
has s2s-plain "virtualNetwork: contoso-vnet"
has s2s-plain "sku: VpnGw1"
has s2s-plain "vpnGatewayGeneration: Generation1"
has s2s-plain "publicIpAddress: 203.0.113.10"
has s2s-plain "localNetworkGateway2: site1"
has s2s-plain "dpdTimeoutSeconds: 45"
has s2s-plain "#   gatewayPublicIp = \"203.0.113.10\""
has s2s-plain "#   gatewayBgpAddress = \"10.1.255.30\""
has s2s-plain "peer: contoso-gw"
has s2s-plain "ikeProposals: [aes256-sha256-modp1024]"
has s2s-plain "between: [site1-vpn, internet]"
# the same template twice gives the same bytes
"$vs" import arm "$fx/s2s-plain.json" >"$tmp/again.yaml" 2>/dev/null
ok $(cmp -s "$tmp/again.yaml" "$tmp/s2s-plain.yaml"; echo $?) "s2s-plain: the import is deterministic"
# --set overrides a default, and what depends on it follows
"$vs" import arm "$fx/s2s-plain.json" --set gatewaySku=VpnGw2 --set prefix=Fabrikam \
  -o "$tmp/set.yaml" 2>"$tmp/set.err"
rc=$?
ok $([ $rc = 0 ] && grep -qF "sku: VpnGw2" "$tmp/set.yaml" &&
  grep -qF "vpnGatewayGeneration: Generation2" "$tmp/set.yaml" &&
  grep -qF "name: fabrikam-gw" "$tmp/set.yaml"; echo $?) \
  "--set gatewaySku=VpnGw2 --set prefix=Fabrikam: sku, generation and names follow" \
  "exit $rc: $(cat "$tmp/set.err")"

# s2s-custom-policy: subnets as child resources (nested and top level), mixed-case types,
# booleans as strings, the policy through if/createArray, values from a parameters file
has s2s-custom-policy "{name: GatewaySubnet, addressPrefix: 10.1.255.0/27}"
has s2s-custom-policy "{name: workload, addressPrefix: 10.1.1.0/24}"
has s2s-custom-policy "activeActive: false"
has s2s-custom-policy "usePolicyBasedTrafficSelectors: false"
has s2s-custom-policy "        - saLifeTimeSeconds: 3600"
has s2s-custom-policy "          pfsGroup: ECP384"
has s2s-custom-policy "ikeProposals: [aes256gcm16-prfsha384-ecp384]"
has s2s-custom-policy "espProposals: [aes256gcm16-ecp384-noesn]"
has s2s-custom-policy "gatewayIpAddress: 198.51.100.20"

# active-active with BGP: two public IPs, APIPA per instance, BGP addresses Azure fills in
has active-active-bgp "activeActive: true"
has active-active-bgp "publicIpAddresses: [203.0.113.10, 203.0.113.11]"
has active-active-bgp "customBgpIpAddresses: [169.254.21.1, 169.254.22.1]"
has active-active-bgp "asn: 65010"
has active-active-bgp "bgpPeeringAddress: 169.254.21.2"
has active-active-bgp "asn: 65050" # an int given as a string (string(parameters(...)))
has active-active-bgp "#   bgpAddresses = \"10.1.255.4,10.1.255.5\""
has active-active-bgp "#   publicIps = [\"203.0.113.10\",\"203.0.113.11\"]"

# VNet-to-VNet: one connection resource per side, no device
has vnet-to-vnet "virtualNetworkGateway2: west-gw"
has vnet-to-vnet "virtualNetworkGateway2: east-gw"
has vnet-to-vnet "connectionType: Vnet2Vnet"
ok $(! grep -q "onPremises:" "$tmp/vnet-to-vnet.yaml"; echo $?) "vnet-to-vnet: no device"

# P2S: pool, protocols, RADIUS; the gateway's subnet found through reference()
has p2s "vpnClientAddressPool: [172.16.0.0/24]"
has p2s "vpnClientProtocols: [IkeV2, OpenVPN]"
has p2s "radiusServerAddress: 10.1.1.5"
has p2s "virtualNetwork: p2s-vnet"

# NAT rules: inline and child, named by id from the connection; the device's LAN is the
# ingress rule's internal side
has nat-rules "{name: vnet-out, type: Static, mode: EgressSnat, internalMappings: [10.1.0.0/16], externalMappings: [100.65.0.0/16], ipConfigurationId: default}"
has nat-rules "{name: site1-in, type: Static, mode: IngressSnat, internalMappings: [192.168.1.0/24], externalMappings: [100.64.1.0/24]}"
has nat-rules "ingressNatRules: [site1-in]"
# (vnet-out is pinned to an IP configuration by its resource id) and BGP route translation
has nat-rules "enableBgpRouteTranslationForNat: true"
has nat-rules "egressNatRules: [vnet-out]"
has nat-rules "lanPrefixes: [192.168.1.0/24]"

# ---- the shapes the simulator runs: the tunnels come up ----
for name in s2s-plain s2s-custom-policy vnet-to-vnet nat-rules active-active-bgp; do
  "$vs" run "$tmp/$name.yaml" --out "$tmp/out-$name" >"$tmp/r.out" 2>"$tmp/r.err"
  rc=$?
  ok $([ $rc = 0 ] && grep -q '"type":"tunnel.up"' "$tmp/out-$name/events.jsonl"; echo $?) \
    "$name: vpnsim run: the tunnel comes up (exit $rc)" "$(tail -5 "$tmp/r.out")" "$(cat "$tmp/r.err")"
done
# the BGP site: its device gets a LAN of its own (the template's site lists none) to
# advertise, over a session with each active-active instance, each from its own custom
# APIPA address (169.254.21.1 and 169.254.22.1; facts 5: the device opens them)
has active-active-bgp "bgp: {asn: 65050, bgpPeeringAddress: 169.254.21.2, advertise: [192.168.100.0/24]}"
for inst in 0 1; do
  ok $(grep -q "\"node\":\"vgw-aa/$inst\",\"type\":\"bgp.session.state\",\"attrs\":{\"peer\":\"vgw-aa-site1\",\"old_state\":\"OpenConfirm\",\"new_state\":\"Established\"" \
    "$tmp/out-active-active-bgp/events.jsonl"; echo $?) \
    "active-active-bgp: instance $inst's BGP session with the site is established"
  ok $(grep -q "\"node\":\"site1-vpn\",\"type\":\"bgp.session.state\",\"attrs\":{\"peer\":\"vgw-aa/$inst\",\"old_state\":\"OpenConfirm\",\"new_state\":\"Established\"" \
    "$tmp/out-active-active-bgp/events.jsonl"; echo $?) \
    "active-active-bgp: the device's session with vgw-aa/$inst is established"
done
"$vs" run "$tmp/p2s.yaml" --out "$tmp/out-p2s" >"$tmp/r.out" 2>"$tmp/r.err"
rc=$?
ok $([ $rc = 0 ]; echo $?) "p2s: vpnsim run runs it (exit $rc; no clients in the template)" "$(cat "$tmp/r.err")"
ok $(grep -q '"type":"ike.sa.established".*"encr":"ENCR_AES_GCM_16","key_bits":256.*"prf":"PRF_HMAC_SHA2_384","dh":"ECP_384"' \
  "$tmp/out-s2s-custom-policy/events.jsonl"; echo $?) \
  "s2s-custom-policy: the IKE SA uses the template's policy"
ok $([ "$(grep -c '"type":"tunnel.up"' "$tmp/out-vnet-to-vnet/events.jsonl")" -ge 2 ]; echo $?) \
  "vnet-to-vnet: both sides come up"

# ---- errors, each at its JSON path, exit 2, nothing written ----
# expect_err NAME WANT_TEXT [ARGS...]: the import of NAME fails with the text on stderr
expect_err() {
  local name=$1 want=$2
  shift 2
  rm -f "$tmp/e.yaml"
  "$vs" import arm "$fx/$name.json" "$@" -o "$tmp/e.yaml" >"$tmp/e.out" 2>"$tmp/e.err"
  local rc=$?
  ok $([ $rc = 2 ] && grep -qF -- "$want" "$tmp/e.err" && [ ! -e "$tmp/e.yaml" ]; echo $?) \
    "$name $*: exit 2 with '$want'" "exit $rc" "$(cat "$tmp/e.err")"
}
expect_err err-unknown-function \
  "$fx/err-unknown-function.json: resources[1].properties.sku.name: error: column 18: unknown function 'frobnicate'"
expect_err err-dangling \
  "$fx/err-dangling.json: resources[0].properties.localNetworkGateway2.id: error: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/vpnsim-rg/providers/Microsoft.Network/localNetworkGateways/site9' names a resource the template does not deploy (a dangling resourceId)"
expect_err s2s-plain \
  "--set: gatewaySku: error: parameter 'gatewaySku': 'VpnGw9' is not one of its allowedValues (VpnGw1, VpnGw2, VpnGw1AZ, VpnGw2AZ)" \
  --set gatewaySku=VpnGw9
expect_err s2s-plain "--set: dpdTimeoutSeconds: error: parameter 'dpdTimeoutSeconds': 5 is below its minValue 9" \
  --set dpdTimeoutSeconds=5
expect_err s2s-plain "--set: Nope: error: the template declares no parameter 'Nope'" --set Nope=1
expect_err s2s-plain \
  "$fx/bad-type.parameters.json: parameters.dpdTimeoutSeconds.value: error: parameter 'dpdTimeoutSeconds': 'forty-five' is not a valid int" \
  --parameters "$fx/bad-type.parameters.json"
expect_err s2s-plain \
  "$fx/bad-type.parameters.json: parameters.onPremisesPrefix: error: the template declares no parameter 'onPremisesPrefix' (did you mean 'onPremisesPrefixes'?)" \
  --parameters "$fx/bad-type.parameters.json"
expect_err s2s-custom-policy \
  "$fx/s2s-custom-policy.json: parameters.sharedKey: error: parameter 'sharedKey' has no defaultValue and no value was given"
for path in "resources[0].properties.routingWeight" "resources[1].properties.enableDnsForwarding" "resources[5]"; do
  expect_err unmapped "$fx/unmapped.json: $path: error: not imported: "
done
expect_err err-twice \
  "$fx/err-twice.json: resources[5]: error: the template deploys 'SITE1' (Microsoft.Network/localNetworkGateways) twice: also resources[3]"
for path in vpnAuthenticationTypes vpnClientRootCertificates; do
  expect_err p2s-certificates \
    "$fx/p2s-certificates.json: resources[2].properties.vpnClientConfiguration.$path: error: not imported: "
done
"$vs" import arm "$fx/p2s-certificates.json" --allow-unmapped -o "$tmp/p2sc.yaml" 2>/dev/null &&
  "$vs" validate "$tmp/p2sc.yaml" >/dev/null 2>&1
ok $? "p2s-certificates --allow-unmapped: the pool and protocols import and validate"
# --allow-unmapped: the rest is imported, the rest listed as warnings and in the scenario
"$vs" import arm "$fx/unmapped.json" --allow-unmapped -o "$tmp/u.yaml" 2>"$tmp/u.err"
rc=$?
ok $([ $rc = 0 ] && [ "$(grep -c ': warning: not imported: ' "$tmp/u.err")" = 3 ] &&
  grep -qF "#   resources[0].properties.routingWeight" "$tmp/u.yaml"; echo $?) \
  "unmapped --allow-unmapped: exit 0, three warnings, listed in the scenario" "exit $rc" "$(cat "$tmp/u.err")"
"$vs" validate "$tmp/u.yaml" >/dev/null 2>&1
ok $([ $? = 0 ]; echo $?) "unmapped --allow-unmapped: the scenario validates"

# ---- the command line ----
"$vs" import >/dev/null 2>"$tmp/c.err"
ok $([ $? = 2 ]; echo $?) "import without arguments exits 2"
"$vs" import armm "$fx/s2s-plain.json" >/dev/null 2>"$tmp/c.err"
rc=$?
ok $([ $rc = 2 ] && grep -qF "did you mean 'arm'" "$tmp/c.err"; echo $?) "import armm: did you mean 'arm'" \
  "$(cat "$tmp/c.err")"
"$vs" import arm "$tmp/missing.json" >/dev/null 2>"$tmp/c.err"
rc=$?
ok $([ $rc = 2 ] && grep -qF "missing.json" "$tmp/c.err"; echo $?) "a missing template: exit 2 with its name" \
  "$(cat "$tmp/c.err")"
"$vs" import arm "$fx/s2s-plain.json" --profile ../etc/x >/dev/null 2>"$tmp/c.err"
ok $([ $? = 2 ]; echo $?) "--profile takes a name, not a path"
"$vs" import arm "$fx/s2s-plain.json" --profile libreswan-4 -o "$tmp/lib.yaml" 2>/dev/null
ok $(grep -qF "profile: libreswan-4" "$tmp/lib.yaml"; echo $?) "--profile libreswan-4 names that profile"
"$vs" --help | grep -q '^  import '
ok $? "vpnsim --help lists import"

echo "1..$n"
