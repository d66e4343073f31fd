/* SPDX-License-Identifier: MIT */
/* Azure's BGP rules table, the gateway's BGP peer addresses and who opens the session,
 * each case citing azure-vpn-facts.md. */
#include "models/bgp/bgp_azure.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

static Ipv4Addr peer1(const char *subnet, bool aa, unsigned i)
{
  Ipv4Addr v[2] = {{0}, {0}};
  g_assert_cmpuint(bgp_azure_peer_addresses(tu_prefix(subnet), aa, v), ==, aa ? 2 : 1);
  return v[i];
}

static void test_peer_addresses(void)
{
  /* facts 5: active-standby, "generally the last usable IP of GatewaySubnet (example:
   * 10.12.255.30 in 10.12.255.0/27)" */
  g_assert_cmphex(peer1("10.12.255.0/27", false, 0).v, ==, tu_addr("10.12.255.30").v);
  g_assert_cmphex(peer1("10.1.255.0/27", false, 0).v, ==, tu_addr("10.1.255.30").v);
  g_assert_cmphex(peer1("10.1.255.0/24", false, 0).v, ==, tu_addr("10.1.255.254").v);
  /* facts 5: active-active, "10.12.255.4 and 10.12.255.5 in 10.12.255.0/27, in the same
   * order as the instances' public IPs" */
  g_assert_cmphex(peer1("10.12.255.0/27", true, 0).v, ==, tu_addr("10.12.255.4").v);
  g_assert_cmphex(peer1("10.12.255.0/27", true, 1).v, ==, tu_addr("10.12.255.5").v);
  /* facts 9.1: /29 is the smallest GatewaySubnet: 3 usable addresses once Azure's five are
   * kept; a /30 has none */
  g_assert_cmphex(peer1("10.1.255.0/29", false, 0).v, ==, tu_addr("10.1.255.6").v);
  g_assert_cmphex(peer1("10.1.255.0/29", true, 1).v, ==, tu_addr("10.1.255.5").v);
  Ipv4Addr v[2];
  g_assert_cmpuint(bgp_azure_peer_addresses(tu_prefix("10.1.255.0/30"), false, v), ==, 0);
  g_assert_cmpuint(bgp_azure_peer_addresses(tu_prefix("10.1.255.0/30"), true, v), ==, 0);
  /* host bits in the subnet as given are ignored */
  Ipv4Prefix odd = {tu_addr("10.12.255.7"), 27};
  g_assert_cmpuint(bgp_azure_peer_addresses(odd, false, v), ==, 1);
  g_assert_cmphex(v[0].v, ==, tu_addr("10.12.255.30").v);
}

static void test_session_address(void)
{
  Ipv4Prefix gs = tu_prefix("10.12.255.0/27");
  Ipv4Addr apipa[2] = {tu_addr("169.254.21.1"), tu_addr("169.254.22.1")};
  Ipv4Addr a;
  /* facts 5: "if the LNG's BGP peer IP is APIPA the gateway uses its custom APIPA address;
   * otherwise its GatewaySubnet address" */
  g_assert_true(bgp_azure_session_address(gs, false, 0, apipa, tu_addr("192.168.1.254"), &a));
  g_assert_cmphex(a.v, ==, tu_addr("10.12.255.30").v);
  g_assert_true(bgp_azure_session_address(gs, false, 0, apipa, tu_addr("169.254.21.2"), &a));
  g_assert_cmphex(a.v, ==, tu_addr("169.254.21.1").v);
  /* active-active: per instance (facts 5: "AA gateways take APIPA addresses per
   * instance") */
  g_assert_true(bgp_azure_session_address(gs, true, 1, apipa, tu_addr("169.254.21.2"), &a));
  g_assert_cmphex(a.v, ==, tu_addr("169.254.22.1").v);
  g_assert_true(bgp_azure_session_address(gs, true, 1, apipa, tu_addr("192.168.1.254"), &a));
  g_assert_cmphex(a.v, ==, tu_addr("10.12.255.5").v);
  /* an APIPA peer without a custom APIPA address, or with one outside 169.254.21.0 -
   * 169.254.22.255 (facts 5), has no address to peer from; nor a second instance of an
   * active-standby gateway */
  Ipv4Addr none[2] = {{0}, {0}};
  g_assert_false(bgp_azure_session_address(gs, false, 0, none, tu_addr("169.254.21.2"), &a));
  g_assert_false(bgp_azure_session_address(gs, false, 0, NULL, tu_addr("169.254.21.2"), &a));
  Ipv4Addr bad[2] = {tu_addr("169.254.20.1"), tu_addr("169.254.23.1")};
  g_assert_false(bgp_azure_session_address(gs, true, 0, bad, tu_addr("169.254.21.2"), &a));
  g_assert_false(bgp_azure_session_address(gs, false, 1, apipa, tu_addr("192.168.1.254"), &a));
  g_assert_true(bgp_azure_custom_apipa_valid(tu_addr("169.254.21.0")));
  g_assert_true(bgp_azure_custom_apipa_valid(tu_addr("169.254.22.255")));
  g_assert_false(bgp_azure_custom_apipa_valid(tu_addr("169.254.20.255")));
  g_assert_false(bgp_azure_custom_apipa_valid(tu_addr("169.254.23.0")));
  g_assert_true(bgp_azure_is_apipa(tu_addr("169.254.0.1")));
  g_assert_false(bgp_azure_is_apipa(tu_addr("169.253.255.255")));
}

static void test_initiator(void)
{
  Ipv4Addr plain = tu_addr("192.168.1.254"), apipa = tu_addr("169.254.21.2");
  /* facts 5: the gateway initiates to the LNG's BGP peer IP from its private address;
   * with APIPA it does not, and the device must */
  g_assert_true(bgp_azure_gateway_initiates(plain, BGP_AZURE_CLAIM_NEWEST));
  g_assert_false(bgp_azure_device_must_initiate(plain, BGP_AZURE_CLAIM_NEWEST));
  g_assert_false(bgp_azure_gateway_initiates(apipa, BGP_AZURE_CLAIM_NEWEST));
  g_assert_true(bgp_azure_device_must_initiate(apipa, BGP_AZURE_CLAIM_NEWEST));
  /* facts 13.1 (original FAQ 001): the gateway initiates "irrespective of whether the
   * on-premises BGP IP addresses are in the APIPA range"; the device must initiate too */
  g_assert_true(bgp_azure_gateway_initiates(apipa, BGP_AZURE_CLAIM_ORIGINAL_FAQ));
  g_assert_true(bgp_azure_device_must_initiate(apipa, BGP_AZURE_CLAIM_ORIGINAL_FAQ));
  g_assert_true(bgp_azure_device_must_initiate(plain, BGP_AZURE_CLAIM_ORIGINAL_FAQ));
}

static void test_rules_table(void)
{
  /* every row is named once, cites its source and does something */
  for (size_t i = 0; i < bgp_azure_n_rules; i++) {
    const BgpAzureRule *r = &bgp_azure_rules[i];
    g_assert_nonnull(r->name);
    g_assert_true(g_str_has_prefix(r->fact, "facts 5") || g_str_has_prefix(r->fact, "RFC"));
    g_assert_true(r->speaker || r->peer || r->elsewhere);
    for (size_t k = 0; k < i; k++)
      g_assert_cmpstr(bgp_azure_rules[k].name, !=, r->name);
  }
  /* the configuration they make */
  Ipv4Prefix vnet[] = {tu_prefix("10.1.0.0/16"), tu_prefix("10.2.0.0/16")};
  Ipv4Prefix lng[] = {tu_prefix("192.168.1.0/24"), tu_prefix("10.1.0.0/16")};
  BgpAzureGateway gw = {.node = "vgw1/0", .router_id = tu_addr("10.1.255.30"), .vnet = vnet,
                        .n_vnet = 2, .lng = lng, .n_lng = 2};
  BgpSpeakerConfig c;
  bgp_azure_speaker_config(&gw, &c);
  g_assert_cmpuint(c.rib.local_as, ==, 65515); /* facts 5: the default ASN */
  g_assert_cmpuint(c.rib.rules, ==, BGP_RULES_ALL);
  g_assert_true(c.rib.ecmp);
  g_assert_cmpuint(c.rib.n_vnet, ==, 2);
  /* originated: the VNet prefixes and the LNG prefixes, each once */
  g_assert_cmpuint(c.n_local, ==, 3);
  g_assert_cmphex(c.local[2].addr.v, ==, tu_addr("192.168.1.0").v);
  gw.asn = 4200000000u;
  bgp_azure_speaker_config(&gw, &c);
  g_assert_cmpuint(c.rib.local_as, ==, 4200000000u); /* facts 5: 32-bit ASNs */

  BgpSpeakerPeerConfig pc = {0};
  bgp_azure_peer_config(&pc);
  g_assert_cmpuint(pc.fsm.max_prefixes, ==, 4000);
  g_assert_cmpuint(pc.fsm.keepalive_s, ==, 60);
  g_assert_cmpuint(pc.fsm.hold_time_s, ==, 180);
  char buf[NAME_BUFSZ];
  g_assert_cmpstr(name_fmt(&bgp_azure_rule_kind_names, BGP_AZURE_EXPORT, buf), ==, "export");
  g_assert_cmpstr(name_fmt(&bgp_azure_rule_kind_names, 42, buf), ==, "<42>");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bgp_azure/peer_addresses", test_peer_addresses);
  g_test_add_func("/bgp_azure/session_address", test_session_address);
  g_test_add_func("/bgp_azure/initiator", test_initiator);
  g_test_add_func("/bgp_azure/rules_table", test_rules_table);
  return g_test_run();
}
