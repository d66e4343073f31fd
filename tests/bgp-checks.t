#!/bin/bash
# SPDX-License-Identifier: MIT
# The BGP- conformance checks (conformance/checks/bgp-*.yaml) each pass as written, and each
# fails, with the expectation that carries its statement failing, under its fault: a
# gateway that does not follow the Azure rule the check is about (faults: bgpRulesOff, a
# row of models/bgp/bgp_azure.c left out) or the scenario change that breaks what the
# check shows (no tunnel, another GatewaySubnet, a peer that is not APIPA, ...).
# Table: ID, fault kind (append: a line added to the scenario; sed: an expression), the
# fault, the text of the failing expectation's "not ok" line (exit 1), or "exit2:" and the
# configuration rule's error when the cloud refuses the faulty configuration.
set -u
. "$(dirname "$0")/lib.sh"
mkdir -p "$tmp/conformance/checks" && cp -r profiles "$tmp/profiles"

faults=$(cat <<'TABLE'
BGP-001	sed	/^onPremises:/,$s/Conformance[.]key[.]1/Wrong.key.9/	BGP session of vgw1
BGP-002	append	faults: {bgpRulesOff: [no-default-route, no-vnet-overlap-transit]}	site2-vpn routes 0.0.0.0/0
BGP-003	sed	s/customBgpIpAddresses: \[169.254.21.1\]/customBgpIpAddresses: []/	exit2:error GW-BGP-011
BGP-004	sed	s/asn: 65517/asn: 65010/g	the configuration is invalid
BGP-005	sed	s/{at: 15s, linkDown/{at: 85s, linkDown/	vgw1 routes 192.168.1.0/24 from BGP by 80s
BGP-006	sed	s/bgpSettings: {}/bgpSettings: {asn: 65100}/	site1-vpn routes 10.1.0.0/16
BGP-007	sed	s/asn: 65011, bgpPeeringAddress/asn: 65010, bgpPeeringAddress/	event bgp.notification.tx
BGP-008	sed	s/asn: 4200000001, bgpPeeringAddress: 10.2.0.1}$/asn: 4200000002, bgpPeeringAddress: 10.2.0.1}/	vgw1 routes 192.168.1.0/24
BGP-009	sed	s#addressPrefix: 10.1.255.0/27#addressPrefix: 10.1.255.32/27#	event bgp.route.learned
BGP-010	sed	s/169.254.21.2/10.2.0.1/g	event bgp.route.learned
BGP-011	sed	s/10[.]2[.]0[.]1/169.254.21.2/g; s/bgpSettings: {asn: 65515}/bgpSettings: {asn: 65515, customBgpIpAddresses: [169.254.21.1]}/; s/^      addressPrefixes: \[169.254.21.2\/32\]$//	BGP session of vgw1
BGP-012	sed	s/169.254.21.2/10.2.0.1/g	event bgp.session.state on vgw1
BGP-013	sed	s/enableBgp: true$/enableBgp: false/	BGP session of vgw1
BGP-014	sed	s#addressPrefixes: \[10.2.0.1/32, 192.168.50.0/24\]#addressPrefixes: [10.2.0.1/32]#	ping
BGP-015	append	faults: {bgpRulesOff: [advertise-vnet-prefixes]}	site1-vpn routes 10.1.0.0/16
BGP-016	append	faults: {bgpRulesOff: [advertise-lng-prefixes]}	site2-vpn routes 10.2.0.1/32
BGP-017	sed	/name: vgw1-site2/,/enableBgp/s/enableBgp: true/enableBgp: false/	site2-vpn routes 192.168.1.0/24
BGP-018	append	faults: {bgpRulesOff: [no-vnet-overlap-transit]}	site2-vpn routes 10.1.5.0/24
BGP-019	append	faults: {bgpRulesOff: [max-4000-prefixes]}	event bgp.notification.tx
BGP-020	sed	s/count: 3999,/count: 4000,/	vgw1 routes == 4000
BGP-021	sed	s#advertise: \[192.168.1.0/24, 0.0.0.0/0\]#advertise: [192.168.1.0/24]#	vgw1 routes 0.0.0.0/0
BGP-022	append	faults: {bgpRulesOff: [refuse-vnet-prefix]}	event bgp.route.refused
BGP-023	sed	s/, prepend: 2}$/}/	vgw1 routes 192.168.1.0/24 from BGP: no
BGP-024	append	faults: {bgpRulesOff: [shorter-as-path-ecmp]}	vgw1 routes 192.168.1.0/24
BGP-025	append	faults: {bgpRulesOff: [fixed-timers]}	event bgp.session.state
BGP-026	sed	s#addressPrefixes: \[192.168.2.0/24\]#addressPrefixes: [192.168.3.0/24]#	ping
TABLE
)
nrows=0
while IFS=$'\t' read -r id kind fault pat; do
  [ -n "$id" ] || continue
  nrows=$((nrows + 1))
  f=conformance/checks/$(tr A-Z a-z <<<"$id").yaml
  ok $(grep -q "\"$id\"" conformance/catalogue.c; echo $?) "$id: in the catalogue"
  "$vs" run "$f" --out "$tmp/$id.ok" --format tap >"$tmp/$id.ok.tap" 2>"$tmp/$id.ok.err"; rc=$?
  ok $([ $rc = 0 ]; echo $?) "$id: passes as written" "exit $rc" "$(cat "$tmp/$id.ok.tap" "$tmp/$id.ok.err")"
  g=$tmp/conformance/checks/$(basename "$f")
  case $kind in
    append) { cat "$f"; printf '%s\n' "$fault"; } >"$g" ;;
    sed) sed "$fault" "$f" >"$g" ;;
  esac
  ok $(! cmp -s "$f" "$g"; echo $?) "$id: the fault changes the scenario ($kind $fault)"
  "$vs" run "$g" --out "$tmp/$id.bad" --format tap >"$tmp/$id.bad.tap" 2>"$tmp/$id.bad.err"; rc=$?
  case $pat in
    exit2:*) # the cloud refuses the configuration: exit 2 with the rule's error
      res=$([ $rc = 2 ] && grep -qF -- "${pat#exit2:}" "$tmp/$id.bad.err"; echo $?) ;;
    *) res=$([ $rc = 1 ] && grep "^not ok" "$tmp/$id.bad.tap" | grep -qF -- "$pat"; echo $?) ;;
  esac
  ok $res \
    "$id: fails under its fault ($kind $fault): '$pat' does not hold" "exit $rc" "$(cat "$tmp/$id.bad.tap" "$tmp/$id.bad.err" | head -30)"
done <<<"$faults"
nfiles=$(ls conformance/checks/bgp-*.yaml | wc -l)
ok $([ "$nrows" = "$nfiles" ] && [ "$nrows" -ge 25 ]; echo $?) "every BGP- check has its fault here, at least 25 ($nrows rows, $nfiles files)"
echo "1..$n"
