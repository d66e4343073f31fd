/* SPDX-License-Identifier: MIT */
/* For every configuration rule: a configuration violating it, and only it, is reported with
 * that rule ID; its nearest valid neighbour is accepted. Built in memory (no YAML). */
#include "models/gateway/gw_config.h"
#include "models/gateway/gw_policy.h"
#include "models/gateway/gw_rules.h"

#include <glib.h>
#include <string.h>

/* ---- builders ---- */

static GwStr S(const char *v)
{
  return (GwStr){.set = true, .v = v};
}
static GwInt I(int64_t v)
{
  return (GwInt){.set = true, .v = v};
}
static GwBool B(bool v)
{
  return (GwBool){.set = true, .v = v};
}
static GwEnum EN(int v)
{
  return (GwEnum){.set = true, .v = v};
}
static GwPfx P(const char *s)
{
  Ipv4Prefix p;
  g_assert_cmpint(ipv4_prefix_parse(s, &p), ==, IPV4_PARSE_OK);
  return (GwPfx){.v = p};
}
static GwIp IP(const char *s)
{
  Ipv4Addr a;
  g_assert_cmpint(ipv4_addr_parse(s, &a), ==, IPV4_PARSE_OK);
  return (GwIp){.set = true, .v = a};
}

static GwVirtualNetwork *add_vnet(GwConfig *c, const char *name, const char *space,
                                  const char *gwsubnet)
{
  GwVirtualNetwork *v = &c->virtualNetworks[c->n_virtualNetworks++];
  v->name = S(name);
  v->addressSpace[v->n_addressSpace++] = P(space);
  if (gwsubnet) {
    GwSubnet *s = &v->subnets[v->n_subnets++];
    s->name = S("GatewaySubnet");
    s->addressPrefix = P(gwsubnet);
    s->has_addressPrefix = true;
  }
  return v;
}

static GwVirtualNetworkGateway *add_gw(GwConfig *c, const char *name, const char *vnet,
                                       const char *sku, const char *pip)
{
  GwVirtualNetworkGateway *g = &c->virtualNetworkGateways[c->n_virtualNetworkGateways++];
  g->name = S(name);
  g->virtualNetwork = S(vnet);
  g->sku = S(sku);
  g->vpnType = EN(GW_VPN_ROUTE_BASED);
  g->publicIpAddresses[g->n_publicIpAddresses++] = IP(pip);
  return g;
}

static GwLocalNetworkGateway *add_lng(GwConfig *c, const char *name, const char *ip,
                                      const char *prefix)
{
  GwLocalNetworkGateway *l = &c->localNetworkGateways[c->n_localNetworkGateways++];
  l->name = S(name);
  l->gatewayIpAddress = IP(ip);
  if (prefix)
    l->addressPrefixes[l->n_addressPrefixes++] = P(prefix);
  return l;
}

static GwConnection *add_conn(GwConfig *c, const char *name, const char *gw, const char *lng)
{
  GwConnection *k = &c->connections[c->n_connections++];
  k->name = S(name);
  k->connectionType = EN(GW_CONN_IPSEC);
  k->virtualNetworkGateway1 = S(gw);
  k->localNetworkGateway2 = S(lng);
  k->sharedKey = S("Key1");
  return k;
}

static GwConnection *add_v2v_one(GwConfig *c, const char *name, const char *gw1, const char *gw2)
{
  GwConnection *k = &c->connections[c->n_connections++];
  k->name = S(name);
  k->connectionType = EN(GW_CONN_VNET2VNET);
  k->virtualNetworkGateway1 = S(gw1);
  k->virtualNetworkGateway2 = S(gw2);
  k->sharedKey = S("V2vKey");
  return k;
}

static void policy(GwIpsecPolicy *p)
{
  p->ikeEncryption = EN(GW_IKE_ENC_AES256);
  p->ikeIntegrity = EN(GW_IKE_INTEG_SHA256);
  p->dhGroup = EN(GW_DH_DHGROUP14);
  p->ipsecEncryption = EN(GW_ESP_ENC_AES256);
  p->ipsecIntegrity = EN(GW_ESP_INTEG_SHA256);
  p->pfsGroup = EN(GW_PFS_PFS2048);
  p->saLifeTimeSeconds = I(27000);
  p->saDataSizeKilobytes = I(102400000);
}

static void set_policy(GwConnection *k)
{
  k->n_ipsecPolicies = 1;
  policy(&k->ipsecPolicies[0]);
}

/* The base: one VNet with a /27 GatewaySubnet, a route-based VpnGw2AZ gateway, one local
 * network gateway and one IPsec connection: valid, no warnings. */
static GwConfig *base(void)
{
  GwConfig *c = gw_config_new();
  add_vnet(c, "vnet1", "10.1.0.0/16", "10.1.255.0/27");
  add_gw(c, "vgw1", "vnet1", "VpnGw2AZ", "203.0.113.10");
  add_lng(c, "site1", "198.51.100.20", "192.168.1.0/24");
  add_conn(c, "c1", "vgw1", "site1");
  return c;
}

#define GW0 (&c->virtualNetworkGateways[0])
#define LNG0 (&c->localNetworkGateways[0])
#define CONN0 (&c->connections[0])
#define VNET0 (&c->virtualNetworks[0])

static void bgp_on(GwConfig *c)
{
  GW0->enableBgp = B(true);
  LNG0->bgpSettings.set = true;
  LNG0->bgpSettings.asn = I(65010);
  /* a loopback outside the site's prefixes (GW-BGP-013: the gateway adds the host route) */
  LNG0->bgpSettings.bgpPeeringAddress = IP("192.168.254.1");
  CONN0->enableBgp = B(true);
}

static void aa_on(GwConfig *c)
{
  GW0->activeActive = B(true);
  GW0->publicIpAddresses[GW0->n_publicIpAddresses++] = IP("203.0.113.11");
}

static void second_gw(GwConfig *c, const char *space, const char *sku)
{
  /* its GatewaySubnet inside its space (the loader refuses a subnet outside it) */
  Ipv4Prefix sp;
  g_assert_cmpint(ipv4_prefix_parse(space, &sp), ==, IPV4_PARSE_OK);
  char sub[IPV4_PREFIX_STRLEN];
  ipv4_prefix_format((Ipv4Prefix){.addr = {sp.addr.v | 0xfe00u}, .len = 27}, sub);
  add_vnet(c, "vnet2", space, sub);
  add_gw(c, "vgw2", "vnet2", sku, "203.0.113.20");
}

static void v2v_pair(GwConfig *c)
{
  second_gw(c, "10.2.0.0/16", "VpnGw2AZ");
  add_v2v_one(c, "v12", "vgw1", "vgw2");
  add_v2v_one(c, "v21", "vgw2", "vgw1");
}

static void basic_pb(GwConfig *c)
{
  GW0->sku = S("Basic");
  GW0->vpnType = EN(GW_VPN_POLICY_BASED);
}

static void p2s(GwVirtualNetworkGateway *g, unsigned protos, const char *pool)
{
  g->vpnClientConfiguration.set = true;
  g->vpnClientConfiguration.vpnClientProtocols = protos;
  g->vpnClientConfiguration.vpnClientAddressPool[0] = P(pool);
  g->vpnClientConfiguration.n_vpnClientAddressPool = 1;
}

static GwNatRule *nat(GwVirtualNetworkGateway *g, const char *name, GwNatType type,
                      GwNatMode mode, const char *in, const char *ex)
{
  GwNatRule *r = &g->natRules[g->n_natRules++];
  r->name = S(name);
  r->type = EN(type);
  r->mode = EN(mode);
  r->internalMappings[r->n_internalMappings++] = P(in);
  r->externalMappings[r->n_externalMappings++] = P(ex);
  return r;
}

static void many_conns(GwConfig *c, unsigned n)
{
  static char names[200][4][32];
  for (unsigned i = 1; i < n; i++) { /* connection 0 is the base's */
    g_snprintf(names[i][0], 32, "site%u", i + 1);
    g_snprintf(names[i][1], 32, "192.168.%u.0/24", i + 1);
    g_snprintf(names[i][2], 32, "c%u", i + 1);
    /* each site its own device address (GW-NET-009) */
    g_snprintf(names[i][3], 32, "198.18.%u.%u", i / 250, i % 250 + 1);
    add_lng(c, names[i][0], names[i][3], names[i][1]);
    add_conn(c, names[i][2], "vgw1", names[i][0]);
  }
}

/* ---- the cases: F(name) { mutation of the base } ---- */
#define F(name) static void name(GwConfig *c)

F(ref1_bad) { CONN0->localNetworkGateway2 = S("site9"); }
F(ref1_ok) { add_lng(c, "site9", "198.51.100.21", "192.168.9.0/24"); CONN0->localNetworkGateway2 = S("site9"); }
F(ref2_bad) { add_lng(c, "site1", "198.51.100.21", "192.168.2.0/24"); }
F(ref2_ok) { add_lng(c, "site2", "198.51.100.21", "192.168.2.0/24"); }

F(sku1_bad) { GW0->sku = S("VpnGw1AZ"); GW0->vpnGatewayGeneration = EN(GW_GEN_2); }
F(sku1_ok) { GW0->sku = S("VpnGw1AZ"); GW0->vpnGatewayGeneration = EN(GW_GEN_1); }
F(sku1_bad_name) { GW0->sku = S("VpnGw2Az"); }
F(sku2_bad) { GW0->sku = S("Basic"); GW0->enableBgp = B(true); }
F(sku2_ok) { GW0->sku = S("VpnGw1AZ"); GW0->enableBgp = B(true); }
F(sku2_opt_bad) { GW0->sku = S("Standard"); GW0->enableBgp = B(true); c->options.other[GW_OPT_STANDARD_NO_BGP] = true; }
F(sku3_bad) { GW0->sku = S("Basic"); set_policy(CONN0); }
F(sku3_ok) { GW0->sku = S("VpnGw1AZ"); set_policy(CONN0); }
F(sku4_bad) { GW0->sku = S("Basic"); CONN0->connectionProtocol = EN(GW_IKEV1); }
F(sku4_ok) { GW0->sku = S("VpnGw1AZ"); CONN0->connectionProtocol = EN(GW_IKEV1); }
F(sku5_bad) { GW0->sku = S("VpnGw1AZ"); nat(GW0, "n1", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/24"); }
F(sku5_ok) { nat(GW0, "n1", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/24"); }
F(sku6_bad) { GW0->sku = S("Basic"); aa_on(c); }
F(sku6_ok) { GW0->sku = S("VpnGw1AZ"); aa_on(c); }
F(sku11_bad) { GW0->activeActive = B(true); }
F(sku11_ok) { aa_on(c); }
F(sku7_bad) { GW0->sku = S("Basic"); p2s(GW0, GW_P2S_PROTO_IKEV2, "172.16.0.0/24"); }
F(sku7_ok) { GW0->sku = S("Basic"); p2s(GW0, GW_P2S_PROTO_SSTP, "172.16.0.0/24"); }
F(sku7_opt_ok) { sku7_bad(c); c->options.other[GW_OPT_BASIC_P2S_IKEV2] = true; }
F(sku8_bad) { GW0->sku = S("Basic"); p2s(GW0, GW_P2S_PROTO_SSTP, "172.16.0.0/24"); GW0->vpnClientConfiguration.radiusServerAddress = IP("10.1.1.5"); }
F(sku8_ok) { GW0->sku = S("VpnGw1AZ"); p2s(GW0, GW_P2S_PROTO_SSTP, "172.16.0.0/24"); GW0->vpnClientConfiguration.radiusServerAddress = IP("10.1.1.5"); }
F(sku9_bad) { GW0->sku = S("VpnGw1AZ"); many_conns(c, 31); }
F(sku9_ok) { GW0->sku = S("VpnGw1AZ"); many_conns(c, 30); }
F(sku9_gw4_ok) { GW0->sku = S("VpnGw4AZ"); many_conns(c, 100); }
F(sku9_gw4_bad) { GW0->sku = S("VpnGw4AZ"); many_conns(c, 101); }
F(sku9_opt_bad) { GW0->sku = S("VpnGw4AZ"); many_conns(c, 31); c->options.other[GW_OPT_TUNNEL_LIMITS_2019] = true; }
F(sku9_basic_bad) { GW0->sku = S("Basic"); many_conns(c, 11); }
F(sku10_bad) { GW0->sku = S("VpnGw2"); }
F(sku10_ok) { GW0->sku = S("VpnGw2AZ"); }
F(sku10_legacy_bad) { GW0->sku = S("HighPerformance"); }

F(pb1_bad) { GW0->vpnType = EN(GW_VPN_POLICY_BASED); }
F(pb1_ok) { basic_pb(c); }
F(pb2_bad) { basic_pb(c); CONN0->connectionProtocol = EN(GW_IKEV2); }
F(pb2_ok) { basic_pb(c); CONN0->connectionProtocol = EN(GW_IKEV1); }
F(pb3_bad) { basic_pb(c); many_conns(c, 2); }
F(pb3_ok) { GW0->sku = S("Basic"); many_conns(c, 2); }
F(pb4_bad) { basic_pb(c); GW0->enableBgp = B(true); }
F(pb4_ok) { basic_pb(c); GW0->enableBgp = B(false); }
F(pb5_bad) { basic_pb(c); p2s(GW0, GW_P2S_PROTO_SSTP, "172.16.0.0/24"); }
F(pb5_ok) { GW0->sku = S("Basic"); p2s(GW0, GW_P2S_PROTO_SSTP, "172.16.0.0/24"); }

F(net1_bad) { VNET0->subnets[0].name = S("gatewaysubnet"); }
F(net1_ok) { VNET0->subnets[0].name = S("GatewaySubnet"); }
F(net1_none_bad) { VNET0->subnets[0].name = S("workload"); }
F(net2_bad) { VNET0->subnets[0].addressPrefix = P("10.1.255.0/30"); }
F(net2_ok) { VNET0->subnets[0].addressPrefix = P("10.1.255.0/29"); }
F(net3_bad) { VNET0->subnets[0].addressPrefix = P("10.1.255.0/28"); }
F(net3_ok) { VNET0->subnets[0].addressPrefix = P("10.1.255.0/26"); }
F(net3_opt_bad) { net3_bad(c); c->options.other[GW_OPT_GATEWAY_SUBNET_REQUIRE_27] = true; }
F(net3_opt_basic_warn) { net3_opt_bad(c); GW0->sku = S("Basic"); }
F(net4_bad) { LNG0->addressPrefixes[0] = P("10.1.5.0/24"); }
F(net4_ok) { LNG0->addressPrefixes[0] = P("10.2.5.0/24"); }
F(net4_nat_ok) {
  net4_bad(c);
  nat(GW0, "in1", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "10.1.5.0/24", "100.64.5.0/24");
  CONN0->ingressNatRules[CONN0->n_ingressNatRules++] = S("in1");
}
F(net5_bad) { second_gw(c, "10.1.0.0/16", "VpnGw2AZ"); add_v2v_one(c, "v12", "vgw1", "vgw2"); add_v2v_one(c, "v21", "vgw2", "vgw1"); }
F(net5_ok) { v2v_pair(c); }
F(net6_bad) { LNG0->n_addressPrefixes = 0; }
F(net6_ok) { bgp_on(c); LNG0->n_addressPrefixes = 0; }

F(bgp1_bad) { bgp_on(c); LNG0->bgpSettings.asn = I(65517); }
F(bgp1_ok) { bgp_on(c); LNG0->bgpSettings.asn = I(65514); }
F(bgp1_public_bad) { bgp_on(c); LNG0->bgpSettings.asn = I(8075); }
F(bgp2_bad) { bgp_on(c); LNG0->bgpSettings.asn = I(23456); }
F(bgp2_ok) { bgp_on(c); LNG0->bgpSettings.asn = I(23457); }
F(bgp2_range_bad) { bgp_on(c); LNG0->bgpSettings.asn = I(65551); }
F(bgp2_range_ok) { bgp_on(c); LNG0->bgpSettings.asn = I(65552); }
F(bgp3_bad) { bgp_on(c); GW0->bgpSettings.asn = I(65010); }
F(bgp3_ok) { bgp_on(c); GW0->bgpSettings.asn = I(65011); }
F(bgp4_bad) { bgp_on(c); LNG0->bgpSettings.asn = I(65516); }
F(bgp4_ok) { bgp_on(c); LNG0->bgpSettings.asn = I(65521); }
F(bgp5_bad) { bgp_on(c); LNG0->bgpSettings.asn = I(0); }
F(bgp5_ok) { bgp_on(c); LNG0->bgpSettings.asn = I(4200000000); }
F(bgp5_big_bad) { bgp_on(c); LNG0->bgpSettings.asn = I(4294967296); }
F(bgp5_opt_bad) { bgp5_ok(c); c->options.other[GW_OPT_ASN_16BIT] = true; }
F(bgp6_bad) { bgp_on(c); GW0->bgpSettings.customBgpIpAddresses[0] = IP("169.254.20.1"); GW0->bgpSettings.n_customBgpIpAddresses = 1; }
F(bgp6_ok) { bgp_on(c); GW0->bgpSettings.customBgpIpAddresses[0] = IP("169.254.21.1"); GW0->bgpSettings.n_customBgpIpAddresses = 1; }
F(bgp7_bad) {
  bgp_on(c);
  aa_on(c);
  GW0->bgpSettings.customBgpIpAddresses[0] = IP("169.254.21.1");
  GW0->bgpSettings.customBgpIpAddresses[1] = IP("169.254.21.1");
  GW0->bgpSettings.n_customBgpIpAddresses = 2;
}
F(bgp7_ok) { bgp7_bad(c); GW0->bgpSettings.customBgpIpAddresses[1] = IP("169.254.21.2"); }
F(bgp7_one_bad) { bgp7_bad(c); GW0->bgpSettings.n_customBgpIpAddresses = 1; }
F(bgp8_bad) { bgp_on(c); LNG0->bgpSettings.bgpPeeringAddress = IP("198.51.100.20"); }
F(bgp8_ok) { bgp_on(c); LNG0->bgpSettings.bgpPeeringAddress = IP("198.51.100.21"); }
F(bgp9_bad) { bgp_on(c); LNG0->bgpSettings.bgpPeeringAddress = IP("10.1.9.9"); }
F(bgp9_ok) { bgp_on(c); LNG0->bgpSettings.bgpPeeringAddress = IP("10.2.9.9"); }
F(bgp10_bad) { bgp_on(c); GW0->enableBgp = B(false); }
F(bgp10_ok) { bgp_on(c); }
F(bgp10_lng_bad) { bgp_on(c); LNG0->bgpSettings.bgpPeeringAddress.set = false; }
F(bgp11_bad) { bgp_on(c); LNG0->bgpSettings.bgpPeeringAddress = IP("169.254.21.10"); }
F(bgp11_ok) { bgp6_ok(c); LNG0->bgpSettings.bgpPeeringAddress = IP("169.254.21.10"); }
F(bgp11_opt_bad) { bgp11_ok(c); c->options.other[GW_OPT_ONPREM_APIPA_REFUSED] = true; }
/* facts 13.1: the original FAQ (002) reserves 8075, 8076, 12076 (8074 is free there) */
F(bgp1_orig_bad) { bgp_on(c); LNG0->bgpSettings.asn = I(8076); c->options.other[GW_OPT_RESERVED_ASNS_ORIGINAL] = true; }
F(bgp1_orig_ok) { bgp_on(c); LNG0->bgpSettings.asn = I(8074); c->options.other[GW_OPT_RESERVED_ASNS_ORIGINAL] = true; }
F(bgp1_8074_bad) { bgp_on(c); LNG0->bgpSettings.asn = I(8074); }
F(bgp1_8076_ok) { bgp_on(c); LNG0->bgpSettings.asn = I(8076); }
/* facts 11: the older articles ask for the peer's /32 in the address space */
F(bgp14_bad) { bgp_on(c); c->options.other[GW_OPT_BGP_PEER_HOST_ROUTE] = true; }
F(bgp14_ok) {
  bgp14_bad(c);
  LNG0->addressPrefixes[LNG0->n_addressPrefixes++] = P("192.168.254.1/32");
}
F(bgp14_apipa_ok) { bgp11_ok(c); c->options.other[GW_OPT_BGP_PEER_HOST_ROUTE] = true; }
F(net7_bad) { add_gw(c, "vgw2", "vnet1", "VpnGw2AZ", "203.0.113.20"); }
F(net7_ok) { second_gw(c, "10.2.0.0/16", "VpnGw2AZ"); }
F(net8_bad) { GW0->n_publicIpAddresses = 0; }
F(net8_ok) { (void)c; }
F(net9_bad) {
  add_lng(c, "site2", "198.51.100.20", "192.168.2.0/24");
  add_conn(c, "c2", "vgw1", "site2");
}
F(net9_ok) {
  add_lng(c, "site2", "198.51.100.22", "192.168.2.0/24");
  add_conn(c, "c2", "vgw1", "site2");
}
F(bgp13_lan_ok) { bgp_on(c); LNG0->bgpSettings.bgpPeeringAddress = IP("192.168.1.254"); }
F(bgp13_apipa_bad) { bgp11_ok(c); LNG0->addressPrefixes[LNG0->n_addressPrefixes++] = P("169.254.21.8/29"); }
F(bgp13_ok) { bgp11_ok(c); }
F(bgp12_bad) {
  add_lng(c, "site1b", "198.51.100.21", "192.168.1.0/24");
  add_conn(c, "c2", "vgw1", "site1b");
}
F(bgp12_ok) {
  bgp_on(c);
  GwLocalNetworkGateway *l = add_lng(c, "site1b", "198.51.100.21", "192.168.1.0/24");
  l->bgpSettings.set = true;
  l->bgpSettings.asn = I(65010);
  l->bgpSettings.bgpPeeringAddress = IP("192.168.254.2");
  add_conn(c, "c2", "vgw1", "site1b")->enableBgp = B(true);
}

F(psk1_bad) { CONN0->sharedKey = S("Key-1"); }
F(psk1_ok) { CONN0->sharedKey = S("Key.1"); }
F(psk1_space_bad) { CONN0->sharedKey = S("Key 1"); }
F(psk1_tilde_bad) { CONN0->sharedKey = S("Key~1"); }
F(psk1_empty_bad) { CONN0->sharedKey = S(""); }
F(psk1_opt_bad) { psk1_ok(c); c->options.other[GW_OPT_SHARED_KEY_ALPHANUMERIC] = true; }
F(psk1_opt_ok) { CONN0->sharedKey = S("Key1"); c->options.other[GW_OPT_SHARED_KEY_ALPHANUMERIC] = true; }
F(psk1_opt_long_bad) {
  static char k[130];
  memset(k, 'k', 129);
  CONN0->sharedKey = S(k);
  c->options.other[GW_OPT_SHARED_KEY_ALPHANUMERIC] = true;
}

F(pol1_bad) { set_policy(CONN0); CONN0->n_ipsecPolicies = 2; policy(&CONN0->ipsecPolicies[1]); }
F(pol1_ok) { set_policy(CONN0); }
F(pol2_bad) { set_policy(CONN0); CONN0->ipsecPolicies[0].pfsGroup.set = false; }
F(pol2_ok) { set_policy(CONN0); CONN0->ipsecPolicies[0].pfsGroup = EN(GW_PFS_NONE); }
F(pol3_bad) { set_policy(CONN0); CONN0->ipsecPolicies[0].ipsecEncryption = EN(GW_ESP_ENC_GCMAES256); }
F(pol3_ok) { pol3_bad(c); CONN0->ipsecPolicies[0].ipsecIntegrity = EN(GW_ESP_INTEG_GCMAES256); }
F(pol3_len_bad) { pol3_ok(c); CONN0->ipsecPolicies[0].ipsecIntegrity = EN(GW_ESP_INTEG_GCMAES128); }
F(pol3_rev_bad) { set_policy(CONN0); CONN0->ipsecPolicies[0].ipsecIntegrity = EN(GW_ESP_INTEG_GCMAES128); }
F(pol4_bad) { set_policy(CONN0); CONN0->ipsecPolicies[0].saLifeTimeSeconds = I(299); }
F(pol4_ok) { set_policy(CONN0); CONN0->ipsecPolicies[0].saLifeTimeSeconds = I(300); }
F(pol5_bad) { set_policy(CONN0); CONN0->ipsecPolicies[0].saDataSizeKilobytes = I(1023); }
F(pol5_ok) { set_policy(CONN0); CONN0->ipsecPolicies[0].saDataSizeKilobytes = I(1024); }
F(pol6_bad) { set_policy(CONN0); CONN0->ipsecPolicies[0].ikeEncryption = EN(GW_IKE_ENC_DES3); }
F(pol6_ok) { set_policy(CONN0); CONN0->ipsecPolicies[0].ikeEncryption = EN(GW_IKE_ENC_AES128); }
F(pol6_pfs_bad) { set_policy(CONN0); CONN0->ipsecPolicies[0].pfsGroup = EN(GW_PFS_PFS14); }
F(pol7_bad) { set_policy(CONN0); CONN0->ipsecPolicies[0].dhGroup = EN(GW_DH_NONE); }
F(pol7_ok) { set_policy(CONN0); CONN0->ipsecPolicies[0].pfsGroup = EN(GW_PFS_NONE); }
F(pol6_opt_ok) { pol6_bad(c); c->options.other[GW_OPT_OLDER_POLICY_VALUES] = true; }

F(con1_bad) { CONN0->dpdTimeoutSeconds = I(8); }
F(con1_ok) { CONN0->dpdTimeoutSeconds = I(9); }
F(con1_high_bad) { CONN0->dpdTimeoutSeconds = I(3601); }
F(con1_high_ok) { CONN0->dpdTimeoutSeconds = I(3600); }
F(con2_bad) { CONN0->usePolicyBasedTrafficSelectors = B(true); }
F(con2_ok) { con2_bad(c); set_policy(CONN0); }
F(con2_opt_ok) { con2_bad(c); c->options.other[GW_OPT_TS_WITH_DEFAULT_POLICY] = true; }
F(con3_bad) {
  CONN0->n_trafficSelectorPolicies = 1;
  GwTrafficSelectorPolicy *t = &CONN0->trafficSelectorPolicies[0];
  t->localAddressRanges[t->n_localAddressRanges++] = P("10.1.0.0/16");
  t->remoteAddressRanges[t->n_remoteAddressRanges++] = P("192.168.1.0/24");
}
F(con3_ok) { con3_bad(c); con2_ok(c); }
F(con4_bad) {
  con2_ok(c);
  nat(GW0, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/16", "100.65.0.0/16");
  CONN0->egressNatRules[CONN0->n_egressNatRules++] = S("eg1");
}
F(con4_ok) { con4_bad(c); CONN0->usePolicyBasedTrafficSelectors = B(false); }
F(con5_bad) { GW0->sku = S("VpnGw2AZ"); CONN0->connectionProtocol = EN(GW_IKEV1); CONN0->connectionMode = EN(GW_MODE_INITIATOR_ONLY); }
F(con5_ok) { CONN0->connectionProtocol = EN(GW_IKEV2); CONN0->connectionMode = EN(GW_MODE_INITIATOR_ONLY); }
F(con7_bad) { con2_ok(c); CONN0->connectionProtocol = EN(GW_IKEV1); }
F(con7_ok) { con2_ok(c); CONN0->connectionProtocol = EN(GW_IKEV2); }
F(con6_bad) {
  v2v_pair(c);
  nat(GW0, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/16", "100.65.0.0/16");
  c->connections[1].egressNatRules[c->connections[1].n_egressNatRules++] = S("eg1");
}
F(con6_ok) {
  v2v_pair(c);
  nat(GW0, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/16", "100.65.0.0/16");
  CONN0->egressNatRules[CONN0->n_egressNatRules++] = S("eg1");
}

F(v2v1_bad) {
  second_gw(c, "10.2.0.0/16", "Basic");
  c->virtualNetworkGateways[1].vpnType = EN(GW_VPN_POLICY_BASED);
  add_v2v_one(c, "v12", "vgw1", "vgw2");
  add_v2v_one(c, "v21", "vgw2", "vgw1");
}
F(v2v1_ok) { v2v1_bad(c); c->virtualNetworkGateways[1].vpnType = EN(GW_VPN_ROUTE_BASED); }
F(v2v2_bad) { v2v_pair(c); set_policy(&c->connections[1]); }
F(v2v2_ok) { v2v2_bad(c); set_policy(&c->connections[2]); }
F(v2v2_diff_bad) { v2v2_ok(c); c->connections[2].ipsecPolicies[0].dhGroup = EN(GW_DH_ECP256); }
F(v2v3_bad) { v2v_pair(c); c->connections[2].sharedKey = S("OtherKey"); }
F(v2v3_ok) { v2v_pair(c); c->connections[2].sharedKey = S("V2vKey"); }
F(v2v4_bad) { second_gw(c, "10.2.0.0/16", "VpnGw2AZ"); add_v2v_one(c, "v12", "vgw1", "vgw2"); }
F(v2v4_ok) { v2v_pair(c); }
F(v2v5_bad) { v2v_pair(c); c->connections[1].connectionProtocol = EN(GW_IKEV1); c->connections[2].connectionProtocol = EN(GW_IKEV1); }
F(v2v5_ok) { v2v_pair(c); c->connections[1].connectionProtocol = EN(GW_IKEV2); c->connections[2].connectionProtocol = EN(GW_IKEV2); }
F(v2v5_opt_ok) { v2v5_bad(c); c->options.other[GW_OPT_VNET2VNET_IKEV1] = true; }
F(v2v6_bad) { v2v_pair(c); add_v2v_one(c, "v12b", "vgw1", "vgw2"); add_v2v_one(c, "v21b", "vgw2", "vgw1"); }
F(v2v6_ok) { v2v6_bad(c); aa_on(c); }

F(nat1_bad) { nat(GW0, "n1", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/25"); }
F(nat1_ok) { nat(GW0, "n1", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/24"); }
F(nat1_two_bad) { nat1_ok(c); GwNatRule *r = &GW0->natRules[0]; r->internalMappings[r->n_internalMappings++] = P("192.168.2.0/24"); r->externalMappings[r->n_externalMappings++] = P("100.64.2.0/24"); }
F(nat2_bad) { nat(GW0, "in/1", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/24"); }
F(nat2_ok) { nat(GW0, "in-1", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/24"); }
F(nat3_bad) { nat(GW0, "d1", GW_NAT_DYNAMIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/25", "100.64.1.0/25"); }
F(nat3_ok) { nat(GW0, "d1", GW_NAT_DYNAMIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/26", "100.64.1.0/26"); }
F(nat4_bad) {
  nat3_ok(c);
  CONN0->egressNatRules[CONN0->n_egressNatRules++] = S("d1");
  add_lng(c, "site2", "198.51.100.21", "192.168.2.0/24");
  GwConnection *k = add_conn(c, "c2", "vgw1", "site2");
  k->egressNatRules[k->n_egressNatRules++] = S("d1");
}
F(nat4_ok) {
  nat3_ok(c);
  CONN0->egressNatRules[CONN0->n_egressNatRules++] = S("d1");
  add_lng(c, "site2", "198.51.100.21", "192.168.2.0/24");
  add_conn(c, "c2", "vgw1", "site2");
}

/* one IngressSnat rule linked to the base connection */
F(nat_linked) {
  nat(GW0, "in1", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/24");
  CONN0->ingressNatRules[CONN0->n_ingressNatRules++] = S("in1");
}
F(nat5_bad) { nat_linked(c); nat(GW0, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/25", "100.64.1.128/25"); }
F(nat5_ok) { nat_linked(c); nat(GW0, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/24", "100.64.2.0/24"); }
F(nat5_same_ok) { nat_linked(c); nat(GW0, "in1-aa", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/24"); }
/* facts 6: a single-port mapping, port 5001 inside reached as 8080 outside */
static GwPortRange PORT(unsigned lo, unsigned hi)
{
  return (GwPortRange){true, {0}, (uint16_t)lo, (uint16_t)hi};
}
F(nat14_bad) {
  nat3_ok(c);
  GW0->natRules[0].internalPorts[0] = PORT(5001, 5001);
  GW0->natRules[0].externalPorts[0] = PORT(8080, 8080);
}
F(nat14_ok) {
  nat_linked(c);
  GW0->natRules[0].internalPorts[0] = PORT(5001, 5001);
  GW0->natRules[0].externalPorts[0] = PORT(8080, 8080);
}
F(nat15_range_bad) {
  nat14_ok(c);
  GW0->natRules[0].externalPorts[0] = PORT(8080, 8081);
}
F(nat15_zero_bad) {
  nat14_ok(c);
  GW0->natRules[0].internalPorts[0] = PORT(0, 0);
}
F(nat15_one_side_bad) {
  nat14_ok(c);
  GW0->natRules[0].externalPorts[0] = (GwPortRange){0};
}
/* the twins of an active-active gateway (GW-NAT-005) differ in their port: not twins */
F(nat5_port_bad) {
  nat14_ok(c);
  GwNatRule *r = nat(GW0, "in1-aa", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/24");
  r->internalPorts[0] = PORT(5001, 5001);
  r->externalPorts[0] = PORT(8081, 8081);
}
F(nat6_v2v_bad) { nat_linked(c); second_gw(c, "100.64.0.0/16", "VpnGw2AZ"); add_v2v_one(c, "v12", "vgw1", "vgw2"); add_v2v_one(c, "v21", "vgw2", "vgw1"); }
F(nat6_v2v_ok) { nat_linked(c); v2v_pair(c); }
F(nat6_lng_bad) {
  nat_linked(c);
  add_lng(c, "site2", "198.51.100.21", "100.64.1.0/24");
  add_conn(c, "c2", "vgw1", "site2"); /* no NAT: its network is reached as it is */
}
F(nat6_lng_ok) {
  nat_linked(c);
  add_lng(c, "site2", "198.51.100.21", "100.64.2.0/24");
  add_conn(c, "c2", "vgw1", "site2");
}
F(nat7_bad) { nat_linked(c); GW0->n_natRules_declared = 501; }
F(nat7_ok) { nat_linked(c); GW0->n_natRules_declared = 500; }
/* facts 13.1: the original FAQ's "up to 100" (options natRuleMaximum: 100) */
F(nat7_opt_bad) { nat_linked(c); GW0->n_natRules_declared = 101; c->options.other[GW_OPT_NAT_RULES_100] = true; }
F(nat7_opt_ok) { nat_linked(c); GW0->n_natRules_declared = 100; c->options.other[GW_OPT_NAT_RULES_100] = true; }
F(nat8_bad) {
  nat_linked(c);
  bgp_on(c);
  LNG0->bgpSettings.bgpPeeringAddress = IP("169.254.21.5");
  GW0->bgpSettings.customBgpIpAddresses[0] = IP("169.254.21.1");
  GW0->bgpSettings.n_customBgpIpAddresses = 1;
}
F(nat8_ok) {
  nat_linked(c);
  bgp_on(c); /* a non-APIPA peer outside the NAT range */
  LNG0->bgpSettings.bgpPeeringAddress = IP("172.16.254.1");
}
F(nat9_bad) {
  nat_linked(c);
  nat(GW0, "d1", GW_NAT_DYNAMIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/26", "100.65.1.0/26");
  CONN0->egressNatRules[CONN0->n_egressNatRules++] = S("d1");
}
F(nat9_ok) {
  nat_linked(c);
  nat(GW0, "e1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/26", "100.65.1.0/26");
  CONN0->egressNatRules[CONN0->n_egressNatRules++] = S("e1");
}

/* an EgressSnat rule linked from ingressNatRules */
F(nat10_bad) {
  nat(GW0, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/24", "100.65.0.0/24");
  CONN0->ingressNatRules[CONN0->n_ingressNatRules++] = S("eg1");
}
F(nat10_ok) {
  nat(GW0, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/24", "100.65.0.0/24");
  CONN0->egressNatRules[CONN0->n_egressNatRules++] = S("eg1");
}
/* one IngressSnat rule on two connections: a second site with another network, or the
 * same network again (a second link to the site) */
static void nat11_second(GwConfig *c, const char *prefix)
{
  nat_linked(c);
  add_lng(c, "site2", "198.51.100.21", prefix);
  GwConnection *k = add_conn(c, "c2", "vgw1", "site2");
  k->ingressNatRules[k->n_ingressNatRules++] = S("in1");
  /* overlapping sites over two connections: BGP on both (GW-BGP-012) */
  bgp_on(c);
  k->enableBgp = B(true);
  c->localNetworkGateways[1].bgpSettings = LNG0->bgpSettings;
  c->localNetworkGateways[1].bgpSettings.bgpPeeringAddress = IP("192.168.254.2");
}
F(nat11_bad) { nat11_second(c, "192.168.1.0/25"); }
F(nat11_ok) { nat11_second(c, "192.168.1.0/24"); }
F(nat12_bad) {
  nat_linked(c);
  GW0->natRules[0].ipConfigurationId = EN(GW_NAT_IPCONFIG_ACTIVE_ACTIVE);
}
F(nat12_ok) { nat_linked(c); GW0->natRules[0].ipConfigurationId = EN(GW_NAT_IPCONFIG_DEFAULT); }
F(nat13_bad) {
  aa_on(c);
  nat_linked(c);
  GW0->natRules[0].ipConfigurationId = EN(GW_NAT_IPCONFIG_DEFAULT);
}
F(nat13_ok) {
  nat13_bad(c);
  nat(GW0, "in1-aa", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "192.168.1.0/24", "100.64.1.0/24")
      ->ipConfigurationId = EN(GW_NAT_IPCONFIG_ACTIVE_ACTIVE);
}

F(p2s1_bad) { p2s(GW0, GW_P2S_PROTO_SSTP | GW_P2S_PROTO_OPENVPN, "172.16.0.0/24"); }
F(p2s1_ok) { p2s(GW0, GW_P2S_PROTO_IKEV2 | GW_P2S_PROTO_OPENVPN, "172.16.0.0/24"); }
F(p2s2_bad) { p2s(GW0, GW_P2S_PROTO_OPENVPN, "10.1.200.0/24"); }
F(p2s2_ok) { p2s(GW0, GW_P2S_PROTO_OPENVPN, "172.16.200.0/24"); }
F(p2s2_small_bad) { p2s(GW0, GW_P2S_PROTO_OPENVPN, "172.16.200.0/30"); }
F(p2s2_small_ok) { p2s(GW0, GW_P2S_PROTO_OPENVPN, "172.16.200.0/29"); }
static void third_ip(GwConfig *c)
{
  GW0->p2sPublicIpAddress = (GwIp){.set = true, .v = ipv4_addr(203, 0, 113, 99)};
}
F(p2s2_aa_bad) { p2s2_small_ok(c); aa_on(c); third_ip(c); }
F(p2s2_aa_ok) { p2s(GW0, GW_P2S_PROTO_OPENVPN, "172.16.200.0/28"); aa_on(c); third_ip(c); }
F(p2s2_nopool_bad) { p2s2_ok(c); GW0->vpnClientConfiguration.n_vpnClientAddressPool = 0; }
static void roots(GwConfig *c, unsigned n)
{
  p2s(GW0, GW_P2S_PROTO_IKEV2, "172.16.200.0/24");
  for (unsigned i = 0; i < n; i++)
    GW0->vpnClientConfiguration.vpnClientRootCertificates[i].name = (GwStr){.set = true, .v = "r"};
  GW0->vpnClientConfiguration.n_vpnClientRootCertificates = n;
}
F(p2s3_bad) { roots(c, 21); }
F(p2s3_ok) { roots(c, 20); }
F(p2s4_bad) { roots(c, 1); GW0->vpnClientConfiguration.vpnAuthenticationTypes = GW_P2S_AUTH_AAD; }
F(p2s4_ok) { roots(c, 1); GW0->vpnClientConfiguration.vpnAuthenticationTypes = GW_P2S_AUTH_CERTIFICATE; }
F(p2s4_aad_ok)
{
  p2s(GW0, GW_P2S_PROTO_OPENVPN, "172.16.200.0/24");
  GW0->vpnClientConfiguration.vpnAuthenticationTypes = GW_P2S_AUTH_AAD;
}
F(p2s5_bad) { roots(c, 1); GW0->vpnClientConfiguration.n_vpnClientIpsecPolicies = 2; }
F(p2s5_ok) { roots(c, 1); GW0->vpnClientConfiguration.n_vpnClientIpsecPolicies = 0; }
F(p2s6_bad) { p2s2_aa_ok(c); GW0->p2sPublicIpAddress = (GwIp){0}; }
F(p2s6_ok) { p2s2_aa_ok(c); }
F(p2s6_same_bad)
{
  p2s6_ok(c);
  GW0->p2sPublicIpAddress.v = GW0->publicIpAddresses[0].v;
}

typedef void (*Mut)(GwConfig *c);
typedef struct {
  const char *rule;
  const char *what;
  Mut bad;           /* violates the rule and only it */
  GwSeverity sev;    /* the severity it is reported with */
  Mut ok;            /* the nearest valid neighbour: no error, nothing from this rule */
  const char *also;  /* a warning inherent to the violating configuration, or NULL */
} Case;

#define ER GW_SEV_ERROR
#define WA GW_SEV_WARNING
static const Case cases[] = {
    {"GW-REF-001", "dangling localNetworkGateway2", ref1_bad, ER, ref1_ok, NULL},
    {"GW-REF-002", "two local network gateways named site1", ref2_bad, ER, ref2_ok, NULL},
    {"GW-SKU-001", "Gen2 VpnGw1AZ", sku1_bad, ER, sku1_ok, NULL},
    {"GW-SKU-001", "misspelt SKU", sku1_bad_name, ER, sku10_ok, NULL},
    {"GW-SKU-002", "Basic with BGP", sku2_bad, ER, sku2_ok, NULL},
    {"GW-SKU-002", "Standard with BGP, option unsupported", sku2_opt_bad, ER, sku2_ok,
     "GW-SKU-010"},
    {"GW-SKU-003", "Basic with custom policy", sku3_bad, ER, sku3_ok, NULL},
    {"GW-SKU-004", "IKEv1 on route-based Basic", sku4_bad, ER, sku4_ok, NULL},
    {"GW-SKU-005", "NAT on VpnGw1AZ", sku5_bad, ER, sku5_ok, NULL},
    {"GW-SKU-006", "active-active Basic", sku6_bad, ER, sku6_ok, NULL},
    {"GW-SKU-007", "P2S IKEv2 on Basic", sku7_bad, ER, sku7_ok, NULL},
    {"GW-SKU-007", "P2S IKEv2 on Basic, option supported", sku7_bad, ER, sku7_opt_ok, NULL},
    {"GW-SKU-008", "RADIUS on Basic", sku8_bad, ER, sku8_ok, NULL},
    {"GW-SKU-009", "31 tunnels on VpnGw1AZ", sku9_bad, ER, sku9_ok, NULL},
    {"GW-SKU-009", "101 tunnels on VpnGw4AZ", sku9_gw4_bad, ER, sku9_gw4_ok, NULL},
    {"GW-SKU-009", "31 tunnels on VpnGw4AZ, option 2019", sku9_opt_bad, ER, sku9_gw4_ok, NULL},
    {"GW-SKU-009", "11 tunnels on route-based Basic", sku9_basic_bad, ER, pb3_ok, NULL},
    {"GW-SKU-010", "non-AZ VpnGw2", sku10_bad, WA, sku10_ok, NULL},
    {"GW-SKU-010", "legacy HighPerformance", sku10_legacy_bad, WA, sku10_ok, NULL},
    {"GW-SKU-011", "active-active with one public IP", sku11_bad, ER, sku11_ok, NULL},
    {"GW-PB-001", "PolicyBased VpnGw2AZ", pb1_bad, ER, pb1_ok, NULL},
    {"GW-PB-002", "IKEv2 on policy-based", pb2_bad, ER, pb2_ok, NULL},
    {"GW-PB-003", "two tunnels on policy-based", pb3_bad, ER, pb3_ok, NULL},
    {"GW-PB-004", "BGP on policy-based", pb4_bad, ER, pb4_ok, NULL},
    {"GW-PB-005", "P2S on policy-based", pb5_bad, ER, pb5_ok, NULL},
    {"GW-NET-001", "gatewaysubnet in lower case", net1_bad, ER, net1_ok, NULL},
    {"GW-NET-001", "no gateway subnet", net1_none_bad, ER, net1_ok, NULL},
    {"GW-NET-002", "GatewaySubnet /30", net2_bad, ER, net2_ok, NULL},
    {"GW-NET-003", "GatewaySubnet /28", net3_bad, WA, net3_ok, NULL},
    {"GW-NET-003", "GatewaySubnet /28, option require27", net3_opt_bad, ER, net3_ok, NULL},
    {"GW-NET-003", "Basic GatewaySubnet /28, option require27", net3_opt_basic_warn, WA, net3_ok, NULL},
    {"GW-NET-004", "local prefix inside the VNet", net4_bad, ER, net4_ok, NULL},
    {"GW-NET-004", "local prefix inside the VNet, NAT covers it", net4_bad, ER, net4_nat_ok, NULL},
    {"GW-NET-005", "VNet-to-VNet with equal spaces", net5_bad, ER, net5_ok, NULL},
    {"GW-NET-006", "no local prefixes, no BGP", net6_bad, ER, net6_ok, NULL},
    {"GW-NET-007", "two VPN gateways in one VNet", net7_bad, ER, net7_ok, NULL},
    {"GW-NET-008", "gateway without a public IP", net8_bad, ER, net8_ok, NULL},
    {"GW-NET-009", "two sites of one gateway at one address", net9_bad, ER, net9_ok, NULL},
    {"GW-BGP-001", "on-prem ASN 65517", bgp1_bad, ER, bgp1_ok, NULL},
    {"GW-BGP-001", "on-prem ASN 8075", bgp1_public_bad, ER, bgp1_ok, NULL},
    {"GW-BGP-001", "on-prem ASN 8074", bgp1_8074_bad, ER, bgp1_8076_ok, NULL},
    {"GW-BGP-001", "on-prem ASN 8076, option original", bgp1_orig_bad, ER, bgp1_orig_ok, NULL},
    {"GW-BGP-002", "ASN 23456", bgp2_bad, ER, bgp2_ok, NULL},
    {"GW-BGP-002", "ASN 65551", bgp2_range_bad, ER, bgp2_range_ok, NULL},
    {"GW-BGP-003", "equal ASNs", bgp3_bad, ER, bgp3_ok, NULL},
    {"GW-BGP-004", "ASN 65516", bgp4_bad, WA, bgp4_ok, NULL},
    {"GW-BGP-005", "ASN 0", bgp5_bad, ER, bgp5_ok, NULL},
    {"GW-BGP-005", "ASN 2^32", bgp5_big_bad, ER, bgp5_ok, NULL},
    {"GW-BGP-005", "32-bit ASN, option 16bit", bgp5_opt_bad, ER, bgp5_ok, NULL},
    {"GW-BGP-006", "APIPA 169.254.20.1", bgp6_bad, ER, bgp6_ok, NULL},
    {"GW-BGP-007", "duplicate APIPA", bgp7_bad, ER, bgp7_ok, NULL},
    {"GW-BGP-007", "one APIPA on active-active", bgp7_one_bad, ER, bgp7_ok, NULL},
    {"GW-BGP-008", "peer is the public IP", bgp8_bad, ER, bgp8_ok, NULL},
    {"GW-BGP-009", "peer inside the VNet", bgp9_bad, ER, bgp9_ok, NULL},
    {"GW-BGP-010", "gateway BGP off", bgp10_bad, ER, bgp10_ok, NULL},
    {"GW-BGP-010", "no peer address", bgp10_lng_bad, ER, bgp10_ok, NULL},
    {"GW-BGP-011", "APIPA peer without custom APIPA", bgp11_bad, ER, bgp11_ok, NULL},
    {"GW-BGP-011", "APIPA peer, option refused", bgp11_opt_bad, ER, bgp11_ok, NULL},
    {"GW-BGP-012", "two tunnels to one site without BGP", bgp12_bad, ER, bgp12_ok, NULL},
    {"GW-BGP-013", "APIPA peer inside the site's prefixes", bgp13_apipa_bad, ER, bgp13_ok, NULL},
    {"GW-BGP-013", "APIPA peer inside the site's prefixes", bgp13_apipa_bad, ER, bgp13_lan_ok, NULL},
    {"GW-BGP-014", "peer /32 missing, option include", bgp14_bad, ER, bgp14_ok, NULL},
    {"GW-BGP-014", "peer /32 missing, option include; APIPA exempt", bgp14_bad, ER, bgp14_apipa_ok, NULL},
    {"GW-PSK-001", "hyphen", psk1_bad, ER, psk1_ok, NULL},
    {"GW-PSK-001", "space", psk1_space_bad, ER, psk1_ok, NULL},
    {"GW-PSK-001", "tilde", psk1_tilde_bad, ER, psk1_ok, NULL},
    {"GW-PSK-001", "empty", psk1_empty_bad, ER, psk1_ok, NULL},
    {"GW-PSK-001", "dot, option alphanumeric", psk1_opt_bad, ER, psk1_opt_ok, NULL},
    {"GW-PSK-001", "129 characters, option alphanumeric", psk1_opt_long_bad, ER, psk1_opt_ok, NULL},
    {"GW-POL-001", "two policies", pol1_bad, ER, pol1_ok, NULL},
    {"GW-POL-002", "no pfsGroup", pol2_bad, ER, pol2_ok, NULL},
    {"GW-POL-003", "GCMAES256 with SHA256", pol3_bad, ER, pol3_ok, NULL},
    {"GW-POL-003", "GCMAES256 with GCMAES128", pol3_len_bad, ER, pol3_ok, NULL},
    {"GW-POL-003", "AES256 with GCMAES128", pol3_rev_bad, ER, pol3_ok, NULL},
    {"GW-POL-004", "299 s", pol4_bad, ER, pol4_ok, NULL},
    {"GW-POL-005", "1023 KB", pol5_bad, ER, pol5_ok, NULL},
    {"GW-POL-006", "IKE DES3", pol6_bad, ER, pol6_ok, NULL},
    {"GW-POL-006", "PFS14", pol6_pfs_bad, ER, pol6_ok, NULL},
    {"GW-POL-006", "IKE DES3, option older", pol6_bad, ER, pol6_opt_ok, NULL},
    {"GW-POL-007", "dhGroup None", pol7_bad, WA, pol7_ok, NULL},
    {"GW-CON-001", "DPD 8", con1_bad, ER, con1_ok, NULL},
    {"GW-CON-001", "DPD 3601", con1_high_bad, ER, con1_high_ok, NULL},
    {"GW-CON-002", "policy-based TS, default policy", con2_bad, ER, con2_ok, NULL},
    {"GW-CON-002", "policy-based TS, option defaultPolicy", con2_bad, ER, con2_opt_ok, NULL},
    {"GW-CON-003", "TS policies unused", con3_bad, WA, con3_ok, NULL},
    {"GW-CON-004", "policy-based TS with NAT", con4_bad, ER, con4_ok, NULL},
    {"GW-CON-005", "InitiatorOnly on IKEv1", con5_bad, ER, con5_ok, NULL},
    {"GW-CON-006", "NAT on VNet-to-VNet", con6_bad, ER, con6_ok, NULL},
    {"GW-CON-007", "policy-based TS over IKEv1", con7_bad, ER, con7_ok, NULL},
    {"GW-V2V-001", "policy-based VNet-to-VNet end", v2v1_bad, ER, v2v1_ok, NULL},
    {"GW-V2V-002", "policy on one side", v2v2_bad, ER, v2v2_ok, NULL},
    {"GW-V2V-002", "different DH groups", v2v2_diff_bad, ER, v2v2_ok, NULL},
    {"GW-V2V-003", "different keys", v2v3_bad, ER, v2v3_ok, NULL},
    {"GW-V2V-004", "one direction only", v2v4_bad, WA, v2v4_ok, NULL},
    {"GW-V2V-005", "VNet-to-VNet over IKEv1", v2v5_bad, ER, v2v5_ok, NULL},
    {"GW-V2V-005", "VNet-to-VNet over IKEv1, option any", v2v5_bad, ER, v2v5_opt_ok, NULL},
    {"GW-V2V-006", "two tunnels between two VNets, no active-active end", v2v6_bad, ER, v2v6_ok, NULL},
    {"GW-NAT-001", "/24 to /25", nat1_bad, ER, nat1_ok, NULL},
    {"GW-NAT-001", "two prefixes", nat1_two_bad, ER, nat1_ok, NULL},
    {"GW-NAT-002", "slash in name", nat2_bad, ER, nat2_ok, NULL},
    {"GW-NAT-003", "dynamic /25", nat3_bad, ER, nat3_ok, NULL},
    {"GW-NAT-004", "dynamic on two connections", nat4_bad, ER, nat4_ok, NULL},
    {"GW-NAT-005", "external mappings overlap", nat5_bad, ER, nat5_ok, NULL},
    {"GW-NAT-005", "the same translation twice (one per instance)", nat5_bad, ER, nat5_same_ok, NULL},
    {"GW-NAT-006", "external overlaps a VNet-to-VNet peer", nat6_v2v_bad, ER, nat6_v2v_ok, NULL},
    {"GW-NAT-006", "external overlaps a local network without NAT", nat6_lng_bad, ER, nat6_lng_ok, NULL},
    {"GW-NAT-007", "501 NAT rules", nat7_bad, ER, nat7_ok, NULL},
    {"GW-NAT-007", "101 NAT rules, option 100", nat7_opt_bad, ER, nat7_opt_ok, NULL},
    {"GW-NAT-008", "NAT with an APIPA BGP peer", nat8_bad, ER, nat8_ok, NULL},
    {"GW-NAT-009", "static and dynamic on one connection", nat9_bad, ER, nat9_ok, NULL},
    {"GW-NAT-010", "EgressSnat rule in ingressNatRules", nat10_bad, ER, nat10_ok, NULL},
    {"GW-NAT-011", "IngressSnat rule on two sites", nat11_bad, ER, nat11_ok, NULL},
    {"GW-NAT-012", "activeActive rule on an active-standby gateway", nat12_bad, ER, nat12_ok, NULL},
    {"GW-NAT-013", "active-active rule for one instance only", nat13_bad, WA, nat13_ok, NULL},
    {"GW-NAT-005", "twins that map different ports", nat5_port_bad, ER, nat14_ok, NULL},
    {"GW-NAT-014", "a port mapping on a Dynamic rule", nat14_bad, ER, nat14_ok, NULL},
    {"GW-NAT-015", "a port range", nat15_range_bad, ER, nat14_ok, NULL},
    {"GW-NAT-015", "port 0", nat15_zero_bad, ER, nat14_ok, NULL},
    {"GW-NAT-015", "a port on one side only", nat15_one_side_bad, ER, nat14_ok, NULL},
    {"GW-P2S-001", "SSTP and OpenVPN", p2s1_bad, ER, p2s1_ok, NULL},
    {"GW-P2S-002", "pool overlaps the VNet", p2s2_bad, ER, p2s2_ok, NULL},
    {"GW-P2S-002", "pool /30", p2s2_small_bad, ER, p2s2_small_ok, NULL},
    {"GW-P2S-002", "active-active pool /29", p2s2_aa_bad, ER, p2s2_aa_ok, NULL},
    {"GW-P2S-002", "no pool", p2s2_nopool_bad, ER, p2s2_ok, NULL},
    {"GW-P2S-003", "21 roots", p2s3_bad, ER, p2s3_ok, NULL},
    {"GW-P2S-004", "IKEv2 with AAD only", p2s4_bad, ER, p2s4_ok, NULL},
    {"GW-P2S-004", "AAD with OpenVPN", p2s4_bad, ER, p2s4_aad_ok, NULL},
    {"GW-P2S-005", "two P2S policies", p2s5_bad, ER, p2s5_ok, NULL},
    {"GW-P2S-006", "active-active P2S without a third IP", p2s6_bad, ER, p2s6_ok, NULL},
    {"GW-P2S-006", "third IP an instance's", p2s6_same_bad, ER, p2s6_ok, NULL},
};

static GwDiags *run(Mut m)
{
  GwConfig *c = base();
  if (m)
    m(c);
  GwDiags *d = gw_diags_new();
  gw_validate(c, d);
  gw_config_free(c);
  return d;
}

static void dump(const GwDiags *d)
{
  for (size_t i = 0; i < gw_diags_len(d); i++) {
    g_autofree char *s = gw_diag_format(gw_diags_get(d, i));
    g_test_message("  %s", s);
  }
}

static void test_base_clean(void)
{
  g_autoptr(GwDiags) d = run(NULL);
  dump(d);
  g_assert_cmpuint(gw_diags_len(d), ==, 0);
}

static void test_case(gconstpointer data)
{
  const Case *k = data;
  g_assert_nonnull(gw_rule_find(k->rule));
  {
    g_autoptr(GwDiags) d = run(k->bad);
    dump(d);
    size_t mine = 0;
    for (size_t i = 0; i < gw_diags_len(d); i++) {
      const GwDiag *x = gw_diags_get(d, i);
      if (k->also && strcmp(x->rule_id, k->also) == 0) {
        g_assert_cmpint(x->severity, ==, GW_SEV_WARNING);
        continue;
      }
      g_assert_cmpstr(x->rule_id, ==, k->rule); /* only this rule */
      g_assert_cmpint(x->severity, ==, k->sev);
      mine++;
    }
    g_assert_cmpuint(mine, >, 0);
  }
  {
    g_autoptr(GwDiags) d = run(k->ok);
    dump(d);
    g_assert_cmpuint(gw_diags_count(d, GW_SEV_ERROR), ==, 0);
    for (size_t i = 0; i < gw_diags_len(d); i++)
      g_assert_cmpstr(gw_diags_get(d, i)->rule_id, !=, k->rule);
  }
}

/* Every rule with a check function has at least one case; GW-SCN-* are the loader's. */
static void test_every_rule_covered(void)
{
  for (size_t i = 0; i < gw_n_rules; i++) {
    bool found = false;
    for (size_t j = 0; j < G_N_ELEMENTS(cases) && !found; j++)
      found = strcmp(cases[j].rule, gw_rules[i].id) == 0;
    if (gw_rules[i].check) {
      if (!found)
        g_test_message("no case for %s", gw_rules[i].id);
      g_assert_true(found);
    }
    else
      g_assert_true(g_str_has_prefix(gw_rules[i].id, "GW-SCN-"));
    for (size_t j = 0; j < i; j++)
      g_assert_cmpstr(gw_rules[i].id, !=, gw_rules[j].id);
    g_assert_true(g_regex_match_simple("^GW-[A-Z0-9]{2,3}-[0-9]{3}$", gw_rules[i].id, 0, 0));
  }
}

static void test_diag_format_and_sort(void)
{
  g_autoptr(GwDiags) d = gw_diags_new();
  gw_diags_add(d, "GW-X-002", GW_SEV_WARNING, (GwLoc){"a.yaml", 9, 3}, "second");
  gw_diags_add(d, "GW-X-001", GW_SEV_ERROR, (GwLoc){"a.yaml", 2, 7}, "first %d", 1);
  gw_diags_add(d, "GW-X-003", GW_SEV_ERROR, (GwLoc){"a.yaml", 9, 3}, "third");
  gw_diags_sort(d);
  g_autofree char *s0 = gw_diag_format(gw_diags_get(d, 0));
  g_autofree char *s1 = gw_diag_format(gw_diags_get(d, 1));
  g_autofree char *s2 = gw_diag_format(gw_diags_get(d, 2));
  g_assert_cmpstr(s0, ==, "a.yaml:2:7: error GW-X-001: first 1");
  g_assert_cmpstr(s1, ==, "a.yaml:9:3: warning GW-X-002: second"); /* stable */
  g_assert_cmpstr(s2, ==, "a.yaml:9:3: error GW-X-003: third");
  g_assert_cmpuint(gw_diags_count(d, GW_SEV_ERROR), ==, 2);
  gw_diags_add(d, "GW-X-004", GW_SEV_ERROR, (GwLoc){0}, "nowhere");
  g_autofree char *s3 = gw_diag_format(gw_diags_get(d, 3));
  g_assert_cmpstr(s3, ==, "error GW-X-004: nowhere");
  gw_diags_free(NULL);
}

/* The shared key never appears in a diagnostic. */
static void test_key_not_printed(void)
{
  GwConfig *c = base();
  CONN0->sharedKey = S("Secret-Value~x");
  g_autoptr(GwDiags) d = gw_diags_new();
  gw_validate(c, d);
  gw_config_free(c);
  g_assert_cmpuint(gw_diags_len(d), ==, 1);
  g_assert_null(strstr(gw_diags_get(d, 0)->message, "Secret"));
  g_assert_nonnull(strstr(gw_diags_get(d, 0)->message, "character 7"));
}

/* facts 13.1: options legacyMigration names the original FAQ's non-AZ targets. */
static void test_legacy_migration_option(void)
{
  for (int o = 0; o < 2; o++) {
    GwConfig *c = base();
    GW0->sku = S("Standard");
    c->options.other[GW_OPT_LEGACY_MIGRATION_NON_AZ] = o;
    g_autoptr(GwDiags) d = gw_diags_new();
    gw_validate(c, d);
    gw_config_free(c);
    const char *m = NULL;
    for (size_t i = 0; i < gw_diags_len(d); i++)
      if (!strcmp(gw_diags_get(d, i)->rule_id, "GW-SKU-010"))
        m = gw_diags_get(d, i)->message;
    g_assert_nonnull(m);
    g_assert_true((strstr(m, "to VpnGw1AZ") != NULL) == !o);
    g_assert_true((strstr(m, "never to an AZ SKU") != NULL) == o);
  }
}

/* Every option says both claims; the ones not modelled yet say why. */
static void test_options_table(void)
{
  for (int i = 0; i < GW_OPT_N; i++) {
    const GwOptionDef *o = &gw_options[i];
    g_assert_nonnull(o->key);
    g_assert_cmpstr(o->newest, !=, o->other);
    g_assert_true(*o->newest_source && *o->other_source && *o->topic);
    if (o->waits_for)
      g_assert_true(g_str_has_prefix(o->waits_for, "waits for issue ") ||
                    g_str_has_prefix(o->waits_for, "not modelled: "));
  }
}

static void test_markdown(void)
{
  g_autofree char *md = gw_rules_markdown();
  for (size_t i = 0; i < gw_n_rules; i++)
    g_assert_nonnull(strstr(md, gw_rules[i].id));
  for (int i = 0; i < GW_OPT_N; i++)
    g_assert_nonnull(strstr(md, gw_options[i].key));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  if (g_getenv("GW_NONFATAL"))
    g_test_set_nonfatal_assertions();
  g_test_add_func("/gw_rules/base-is-clean", test_base_clean);
  g_test_add_func("/gw_rules/every-rule-covered", test_every_rule_covered);
  g_test_add_func("/gw_rules/diag-format-sort", test_diag_format_and_sort);
  g_test_add_func("/gw_rules/key-not-printed", test_key_not_printed);
  g_test_add_func("/gw_rules/markdown", test_markdown);
  g_test_add_func("/gw_rules/legacy-migration-option", test_legacy_migration_option);
  g_test_add_func("/gw_rules/options-table", test_options_table);
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *path = g_strdup_printf("/gw_rules/%s/%zu", cases[i].rule, i);
    g_test_add_data_func(path, &cases[i], test_case);
  }
  return g_test_run();
}
