/* SPDX-License-Identifier: MIT */
/* The gateway's configuration rules: one row per documented rule with its check function,
 * run over the resource model the way the cloud API judges a deployment
 * (azure-vpn-facts.md; every rule names its section). */
#include "models/gateway/gw_rules.h"

#include "models/gateway/gw_nat.h"

#include "models/gateway/gw_policy.h"
#include "models/gateway/gw_sku.h"

#include <stdarg.h>
#include <string.h>

/* ---- check context ---- */

struct GwCheck {
  const GwRule *rule;
  GwDiags *out;
};

static void report(GwCheck *ck, GwLoc loc, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void report(GwCheck *ck, GwLoc loc, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vs_diags_vadd(ck->out, ck->rule->id, ck->rule->severity, loc, fmt, ap);
  va_end(ap);
}

static void report_sev(GwCheck *ck, GwSeverity sev, GwLoc loc, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static void report_sev(GwCheck *ck, GwSeverity sev, GwLoc loc, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vs_diags_vadd(ck->out, ck->rule->id, sev, loc, fmt, ap);
  va_end(ap);
}

/* ---- helpers over the model ---- */

#define FOR_GW(cfg, g)                                                                        \
  for (const GwVirtualNetworkGateway *g = (cfg)->virtualNetworkGateways;                       \
       g < (cfg)->virtualNetworkGateways + (cfg)->n_virtualNetworkGateways; g++)
#define FOR_CONN(cfg, c)                                                                      \
  for (const GwConnection *c = (cfg)->connections;                                            \
       c < (cfg)->connections + (cfg)->n_connections; c++)
#define FOR_LNG(cfg, l)                                                                       \
  for (const GwLocalNetworkGateway *l = (cfg)->localNetworkGateways;                          \
       l < (cfg)->localNetworkGateways + (cfg)->n_localNetworkGateways; l++)

static bool opt(const GwConfig *cfg, GwOptionId id)
{
  return cfg->options.other[id];
}

/* The best location for a property: its own, else its resource's. */
static GwLoc at(GwLoc own, GwLoc fallback)
{
  return own.file || own.line ? own : fallback;
}

static bool str_eq(GwStr s, const char *v)
{
  return s.v && v && strcmp(s.v, v) == 0;
}

static const char *nm(GwStr s)
{
  return s.v ? s.v : "(unnamed)";
}

static const GwSku *gw_sku(const GwVirtualNetworkGateway *g)
{
  return gw_sku_find(g->sku.v, (GwGeneration)gw_enum_or(g->vpnGatewayGeneration, GW_GEN_NONE));
}

static bool is_pb(const GwVirtualNetworkGateway *g)
{
  return gw_enum_or(g->vpnType, GW_VPN_ROUTE_BASED) == GW_VPN_POLICY_BASED;
}

static int conn_type(const GwConnection *c)
{
  return gw_enum_or(c->connectionType, GW_CONN_IPSEC);
}

static int conn_proto(const GwConnection *c)
{
  return gw_enum_or(c->connectionProtocol, GW_IKEV2);
}

static const GwVirtualNetworkGateway *conn_gw1(const GwConfig *cfg, const GwConnection *c)
{
  return gw_config_find_gateway(cfg, c->virtualNetworkGateway1.v);
}

static const GwVirtualNetworkGateway *conn_gw2(const GwConfig *cfg, const GwConnection *c)
{
  return conn_type(c) == GW_CONN_VNET2VNET ? gw_config_find_gateway(cfg, c->virtualNetworkGateway2.v)
                                           : NULL;
}

static const GwLocalNetworkGateway *conn_lng(const GwConfig *cfg, const GwConnection *c)
{
  return conn_type(c) == GW_CONN_IPSEC ? gw_config_find_local(cfg, c->localNetworkGateway2.v)
                                       : NULL;
}

static const GwVirtualNetwork *gw_vnet(const GwConfig *cfg, const GwVirtualNetworkGateway *g)
{
  return gw_config_find_vnet(cfg, g->virtualNetwork.v);
}

static bool conn_bgp(const GwConnection *c)
{
  return gw_bool_or(c->enableBgp, false);
}

static bool gw_bgp(const GwVirtualNetworkGateway *g)
{
  return gw_bool_or(g->enableBgp, false);
}

static bool conn_has_nat(const GwConnection *c)
{
  return c->n_ingressNatRules + c->n_egressNatRules > 0;
}

static bool conn_pbts(const GwConnection *c)
{
  return gw_bool_or(c->usePolicyBasedTrafficSelectors, false);
}

static const GwNatRule *find_nat(const GwVirtualNetworkGateway *g, const char *name)
{
  if (!g || !name)
    return NULL;
  for (unsigned i = 0; i < g->n_natRules; i++)
    if (str_eq(g->natRules[i].name, name))
      return &g->natRules[i];
  return NULL;
}

/* facts 5: the default Azure ASN 65515, assigned whether or not BGP is enabled. */
static int64_t gw_asn(const GwVirtualNetworkGateway *g)
{
  return gw_int_or(g->bgpSettings.asn, 65515);
}

static bool is_apipa(Ipv4Addr a)
{
  return (a.v >> 16) == 0xa9fe; /* 169.254.0.0/16 */
}

static char *ip_str(Ipv4Addr a, char buf[IPV4_ADDR_STRLEN])
{
  return ipv4_addr_format(a, buf);
}

static char *pfx_str(Ipv4Prefix p, char buf[IPV4_PREFIX_STRLEN])
{
  return ipv4_prefix_format(p, buf);
}

/* ---- GW-REF: references and names ---- */

static void ref_missing(GwCheck *ck, GwStr ref, GwLoc owner, const char *prop, const char *kind)
{
  if (!ref.set)
    report(ck, owner, "%s is missing", prop);
  else
    report(ck, at(ref.loc, owner), "%s '%s' names no %s", prop, ref.v, kind);
}

static void check_references(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    if (!gw_vnet(cfg, g))
      ref_missing(ck, g->virtualNetwork, g->loc, "virtualNetwork", "virtual network");
  }
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g1 = conn_gw1(cfg, c);
    if (!g1)
      ref_missing(ck, c->virtualNetworkGateway1, c->loc, "virtualNetworkGateway1",
                  "virtual network gateway");
    if (conn_type(c) == GW_CONN_IPSEC) {
      if (!conn_lng(cfg, c))
        ref_missing(ck, c->localNetworkGateway2, c->loc, "localNetworkGateway2",
                    "local network gateway");
      if (c->virtualNetworkGateway2.set)
        report(ck, c->virtualNetworkGateway2.loc,
               "virtualNetworkGateway2 is for Vnet2Vnet connections, this one is IPsec");
    } else {
      if (!conn_gw2(cfg, c))
        ref_missing(ck, c->virtualNetworkGateway2, c->loc, "virtualNetworkGateway2",
                    "virtual network gateway");
      if (c->localNetworkGateway2.set)
        report(ck, c->localNetworkGateway2.loc,
               "localNetworkGateway2 is for IPsec connections, this one is Vnet2Vnet");
    }
    const GwStr *lists[2] = {c->ingressNatRules, c->egressNatRules};
    unsigned ns[2] = {c->n_ingressNatRules, c->n_egressNatRules};
    for (int k = 0; k < 2; k++)
      for (unsigned i = 0; g1 && i < ns[k]; i++)
        if (!find_nat(g1, lists[k][i].v))
          report(ck, at(lists[k][i].loc, c->loc), "NAT rule '%s' is not a natRules entry of %s",
                 nm(lists[k][i]), nm(g1->name));
  }
}

#define UNIQUE(arr, n, what)                                                                  \
  for (unsigned i = 0; i < (n); i++)                                                          \
    for (unsigned j = 0; j < i; j++)                                                          \
      if (str_eq((arr)[i].name, (arr)[j].name.v)) {                                           \
        report(ck, at((arr)[i].name.loc, (arr)[i].loc), "%s name '%s' is used twice", what,   \
               (arr)[i].name.v);                                                              \
        break;                                                                                \
      }

static void check_unique_names(const GwConfig *cfg, GwCheck *ck)
{
  UNIQUE(cfg->virtualNetworks, cfg->n_virtualNetworks, "virtual network");
  UNIQUE(cfg->virtualNetworkGateways, cfg->n_virtualNetworkGateways, "virtual network gateway");
  UNIQUE(cfg->localNetworkGateways, cfg->n_localNetworkGateways, "local network gateway");
  UNIQUE(cfg->connections, cfg->n_connections, "connection");
  FOR_GW(cfg, g) {
    UNIQUE(g->natRules, g->n_natRules, "NAT rule");
  }
}

/* ---- GW-SKU: the catalogue and its feature gates (facts 1) ---- */

static void check_sku_known(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    if (!g->sku.set) {
      report(ck, g->loc, "gateway %s has no sku", nm(g->name));
      continue;
    }
    if (gw_sku(g))
      continue;
    if (gw_sku_name_known(g->sku.v)) {
      char buf[NAME_BUFSZ];
      report(ck, at(g->vpnGatewayGeneration.loc, g->sku.loc),
             "SKU %s does not exist in %s (facts 1.1: no Gen2 VpnGw1, no Gen1 VpnGw4/5)",
             g->sku.v, name_fmt(&gw_generation_names, g->vpnGatewayGeneration.v, buf));
    } else {
      const char *names[64];
      size_t n = 0;
      for (size_t i = 0; i < gw_n_skus && n < G_N_ELEMENTS(names); i++)
        names[n++] = gw_skus[i].name;
      const char *hint = str_nearest(g->sku.v, names, n);
      if (hint)
        report(ck, g->sku.loc, "unknown SKU '%s' (did you mean '%s'?)", g->sku.v, hint);
      else
        report(ck, g->sku.loc, "unknown SKU '%s' (see 'vpnsim list skus')", g->sku.v);
    }
  }
}

static bool sku_bgp(const GwConfig *cfg, const GwSku *s)
{
  if (opt(cfg, GW_OPT_STANDARD_NO_BGP) && strcmp(s->name, "Standard") == 0)
    return false;
  return gw_sku_has(s, GW_FEAT_BGP);
}

static void check_sku_bgp(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwSku *s = gw_sku(g);
    if (!s || is_pb(g) || sku_bgp(cfg, s))
      continue;
    if (gw_bgp(g))
      report(ck, at(g->enableBgp.loc, g->loc), "SKU %s does not support BGP", s->name);
    FOR_CONN(cfg, c) {
      if (conn_gw1(cfg, c) == g && conn_bgp(c))
        report(ck, at(c->enableBgp.loc, c->loc),
               "connection %s enables BGP on gateway %s, whose SKU %s does not support BGP",
               nm(c->name), nm(g->name), s->name);
    }
  }
}

static void check_sku_custom_policy(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwSku *s = g ? gw_sku(g) : NULL;
    if (s && c->n_ipsecPolicies && !gw_sku_has(s, GW_FEAT_CUSTOM_POLICY))
      report(ck, at(c->ipsecPolicies[0].loc, c->loc),
             "custom ipsecPolicies are not supported on SKU %s (all SKUs except Basic)",
             s->name);
  }
}

static void check_sku_ikev1(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwSku *s = g ? gw_sku(g) : NULL;
    if (s && !is_pb(g) && conn_proto(c) == GW_IKEV1 && !gw_sku_has(s, GW_FEAT_IKEV1))
      report(ck, at(c->connectionProtocol.loc, c->loc),
             "IKEv1 connections are not allowed on a route-based %s gateway "
             "(not on Basic, Standard or HighPerformance)",
             s->name);
  }
}

static void check_sku_nat(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwSku *s = gw_sku(g);
    if (s && g->n_natRules && !gw_sku_has(s, GW_FEAT_NAT))
      report(ck, at(g->natRules[0].loc, g->loc),
             "NAT rules need SKU VpnGw2-5 or VpnGw2AZ-5AZ, not %s", s->name);
  }
}

static void check_sku_active_active(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwSku *s = gw_sku(g);
    if (s && gw_bool_or(g->activeActive, false) && !gw_sku_has(s, GW_FEAT_ACTIVE_ACTIVE))
      report(ck, at(g->activeActive.loc, g->loc), "SKU %s does not support active-active",
             s->name);
  }
}

static void check_aa_public_ips(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    /* no address at all: the runner assigns them; one given is one too few */
    if (gw_bool_or(g->activeActive, false) && g->n_publicIpAddresses == 1)
      report(ck, at(g->publicIpAddresses[0].loc, g->loc),
             "active-active gateway %s needs two public IP addresses, one per instance",
             nm(g->name));
  }
}

static void check_sku_p2s_ikev2(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwSku *s = gw_sku(g);
    const GwVpnClientConfiguration *p = &g->vpnClientConfiguration;
    if (!s || is_pb(g) || !p->set || !(p->vpnClientProtocols & GW_P2S_PROTO_IKEV2))
      continue;
    bool ok = gw_sku_has(s, GW_FEAT_P2S_IKEV2) ||
              (opt(cfg, GW_OPT_BASIC_P2S_IKEV2) && strcmp(s->name, "Basic") == 0);
    if (!ok)
      report(ck, at(p->vpnClientProtocols_loc, p->loc),
             "point-to-site IKEv2 is not supported on SKU %s", s->name);
  }
}

static void check_sku_radius(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwSku *s = gw_sku(g);
    const GwVpnClientConfiguration *p = &g->vpnClientConfiguration;
    if (s && !is_pb(g) && p->set && p->radiusServerAddress.set && !gw_sku_has(s, GW_FEAT_RADIUS))
      report(ck, p->radiusServerAddress.loc, "RADIUS authentication is not supported on SKU %s",
             s->name);
  }
}

static unsigned sku_tunnels(const GwConfig *cfg, const GwSku *s)
{
  /* facts 11: the 2019 include gave VpnGw4/5 30 tunnels */
  if (opt(cfg, GW_OPT_TUNNEL_LIMITS_2019) && s->s2s_tunnels == 100)
    return 30;
  return s->s2s_tunnels;
}

/* Tunnels: one per S2S or VNet-to-VNet connection resource whose virtualNetworkGateway1 is
 * the gateway (a VNet-to-VNet pair is one tunnel per side's resource; facts 1.1 counts
 * redundant tunnels to the same network separately). */
static void check_sku_tunnels(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwSku *s = gw_sku(g);
    if (!s || is_pb(g))
      continue;
    unsigned n = 0, limit = sku_tunnels(cfg, s);
    FOR_CONN(cfg, c) {
      if (conn_gw1(cfg, c) == g && ++n == limit + 1)
        report(ck, c->loc, "gateway %s has more than %u S2S/VNet-to-VNet tunnels, the limit of SKU %s",
               nm(g->name), limit, s->name);
    }
  }
}

static void check_sku_retired(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwSku *s = gw_sku(g);
    if (!s)
      continue;
    if (s->sku_class == GW_SKU_CLASS_LEGACY)
      report(ck, g->sku.loc,
             "legacy SKU %s: no new gateways since Dec 1, 2023; existing ones migrate %s",
             s->name,
             opt(cfg, GW_OPT_LEGACY_MIGRATION_NON_AZ)
                 ? "(Standard to VpnGw1, HighPerformance to VpnGw2; never to an AZ SKU, "
                   "original FAQ)"
                 : "(Standard to VpnGw1AZ, HighPerformance to VpnGw2AZ)");
    else if (s->sku_class == GW_SKU_CLASS_CURRENT && strcmp(s->name, "Basic") != 0)
      report(ck, g->sku.loc,
             "non-AZ SKU %s: no new gateways after Jan 1, 2025; use %sAZ", s->name, s->name);
  }
}

/* ---- GW-PB: policy-based gateways (facts 4) ---- */

static void check_pb_sku(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwSku *s = gw_sku(g);
    if (s && is_pb(g) && !gw_sku_has(s, GW_FEAT_POLICY_BASED))
      report(ck, at(g->vpnType.loc, g->loc), "PolicyBased gateways exist only on Basic, not %s",
             s->name);
  }
}

static void check_pb_ikev1(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    if (g && is_pb(g) && c->connectionProtocol.set && c->connectionProtocol.v != GW_IKEV1)
      report(ck, c->connectionProtocol.loc, "policy-based gateway %s speaks IKEv1 only",
             nm(g->name));
  }
}

static void check_pb_one_tunnel(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    if (!is_pb(g))
      continue;
    unsigned n = 0;
    FOR_CONN(cfg, c) {
      if (conn_gw1(cfg, c) == g && ++n == 2)
        report(ck, c->loc, "policy-based gateway %s supports one S2S tunnel", nm(g->name));
    }
  }
}

static void check_pb_bgp(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    if (!is_pb(g))
      continue;
    if (gw_bgp(g))
      report(ck, at(g->enableBgp.loc, g->loc), "policy-based gateway %s cannot use BGP",
             nm(g->name));
    FOR_CONN(cfg, c) {
      if (conn_gw1(cfg, c) == g && conn_bgp(c))
        report(ck, at(c->enableBgp.loc, c->loc), "policy-based gateway %s cannot use BGP",
               nm(g->name));
    }
  }
}

static void check_pb_p2s(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    if (is_pb(g) && g->vpnClientConfiguration.set)
      report(ck, g->vpnClientConfiguration.loc,
             "policy-based gateway %s does not support point-to-site", nm(g->name));
  }
}

/* ---- GW-NET: gateway subnet and address spaces (facts 9) ---- */

static const GwSubnet *gateway_subnet(const GwVirtualNetwork *v)
{
  for (unsigned i = 0; i < v->n_subnets; i++)
    if (str_eq(v->subnets[i].name, "GatewaySubnet"))
      return &v->subnets[i];
  return NULL;
}

static void check_gateway_subnet_name(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwVirtualNetwork *v = gw_vnet(cfg, g);
    if (!v || gateway_subnet(v))
      continue;
    const GwSubnet *near = NULL;
    for (unsigned i = 0; i < v->n_subnets && !near; i++)
      if (v->subnets[i].name.v && g_ascii_strcasecmp(v->subnets[i].name.v, "GatewaySubnet") == 0)
        near = &v->subnets[i];
    if (near)
      report(ck, near->name.loc, "the gateway subnet must be named exactly 'GatewaySubnet', not '%s'",
             near->name.v);
    else
      report(ck, at(g->virtualNetwork.loc, g->loc),
             "virtual network %s of gateway %s has no subnet named 'GatewaySubnet'", nm(v->name),
             nm(g->name));
  }
}

static void check_gateway_subnet_min(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwVirtualNetwork *v = gw_vnet(cfg, g);
    const GwSubnet *s = v ? gateway_subnet(v) : NULL;
    if (s && s->has_addressPrefix && s->addressPrefix.v.len > 29)
      report(ck, s->addressPrefix.loc, "GatewaySubnet /%u is smaller than the minimum /29",
             s->addressPrefix.v.len);
  }
}

static void check_gateway_subnet_27(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwVirtualNetwork *v = gw_vnet(cfg, g);
    const GwSubnet *s = v ? gateway_subnet(v) : NULL;
    const GwSku *sku = gw_sku(g);
    if (!s || !s->has_addressPrefix || s->addressPrefix.v.len <= 27 || s->addressPrefix.v.len > 29)
      continue;
    bool basic = sku && strcmp(sku->name, "Basic") == 0;
    if (opt(cfg, GW_OPT_GATEWAY_SUBNET_REQUIRE_27) && !basic)
      report_sev(ck, GW_SEV_ERROR, s->addressPrefix.loc,
                 "GatewaySubnet /%u: SKU %s requires /27 or larger (settings 02/29/2024; "
                 "the FAQ 06/04/2026 allows /29)",
                 s->addressPrefix.v.len, sku ? sku->name : "?");
    else
      report(ck, s->addressPrefix.loc,
             "GatewaySubnet /%u: /27 or larger is recommended (FAQ 06/04/2026; settings "
             "02/29/2024 requires /27 for every SKU but Basic)",
             s->addressPrefix.v.len);
  }
}

/* The prefix as seen across the connection after NAT (facts 6): a prefix inside a linked
 * rule's internal mapping appears as that rule's external mapping. */
static Ipv4Prefix translate(const GwConfig *cfg, const GwConnection *c, Ipv4Prefix p,
                            GwNatMode mode)
{
  const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
  const GwStr *list = mode == GW_NAT_INGRESS_SNAT ? c->ingressNatRules : c->egressNatRules;
  unsigned n = mode == GW_NAT_INGRESS_SNAT ? c->n_ingressNatRules : c->n_egressNatRules;
  for (unsigned i = 0; i < n; i++) {
    const GwNatRule *r = find_nat(g, list[i].v);
    if (!r || !r->n_internalMappings || !r->n_externalMappings)
      continue;
    if (ipv4_prefix_contains(r->internalMappings[0].v, p))
      return r->externalMappings[0].v;
  }
  return p;
}

static void check_overlap_local(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    const GwVirtualNetwork *v = g ? gw_vnet(cfg, g) : NULL;
    if (!l || !v)
      continue;
    for (unsigned i = 0; i < l->n_addressPrefixes; i++)
      for (unsigned j = 0; j < v->n_addressSpace; j++) {
        Ipv4Prefix lp = translate(cfg, c, l->addressPrefixes[i].v, GW_NAT_INGRESS_SNAT);
        Ipv4Prefix vp = translate(cfg, c, v->addressSpace[j].v, GW_NAT_EGRESS_SNAT);
        if (!ipv4_prefix_overlaps(lp, vp))
          continue;
        char a[IPV4_PREFIX_STRLEN], b[IPV4_PREFIX_STRLEN];
        report(ck, l->addressPrefixes[i].loc,
               "%s of local network gateway %s overlaps %s of virtual network %s (connection "
               "%s has no NAT rule covering it)",
               pfx_str(l->addressPrefixes[i].v, a), nm(l->name), pfx_str(v->addressSpace[j].v, b),
               nm(v->name), nm(c->name));
      }
  }
}

static void check_overlap_vnet2vnet(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g1 = conn_gw1(cfg, c), *g2 = conn_gw2(cfg, c);
    const GwVirtualNetwork *v1 = g1 ? gw_vnet(cfg, g1) : NULL, *v2 = g2 ? gw_vnet(cfg, g2) : NULL;
    if (!v1 || !v2)
      continue;
    for (unsigned i = 0; i < v2->n_addressSpace; i++)
      for (unsigned j = 0; j < v1->n_addressSpace; j++)
        if (ipv4_prefix_overlaps(v2->addressSpace[i].v, v1->addressSpace[j].v)) {
          char a[IPV4_PREFIX_STRLEN], b[IPV4_PREFIX_STRLEN];
          report(ck, at(c->virtualNetworkGateway2.loc, c->loc),
                 "VNet-to-VNet connection %s joins overlapping address spaces %s (%s) and %s (%s)",
                 nm(c->name), pfx_str(v1->addressSpace[j].v, a), nm(v1->name),
                 pfx_str(v2->addressSpace[i].v, b), nm(v2->name));
        }
  }
}

static void check_local_prefixes_or_bgp(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    if (l && l->n_addressPrefixes == 0 && !conn_bgp(c))
      report(ck, c->loc,
             "local network gateway %s has no addressPrefixes, so connection %s must use BGP",
             nm(l->name), nm(c->name));
  }
}

/* One VPN gateway per virtual network (an ExpressRoute gateway may sit beside it). */
static void check_one_vpn_gateway(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    if (!g->virtualNetwork.v || gw_enum_or(g->gatewayType, GW_GATEWAY_TYPE_VPN) != GW_GATEWAY_TYPE_VPN)
      continue;
    for (const GwVirtualNetworkGateway *o = cfg->virtualNetworkGateways; o < g; o++)
      if (o->virtualNetwork.v && !strcmp(o->virtualNetwork.v, g->virtualNetwork.v) &&
          gw_enum_or(o->gatewayType, GW_GATEWAY_TYPE_VPN) == GW_GATEWAY_TYPE_VPN) {
        report(ck, at(g->virtualNetwork.loc, g->loc),
               "virtual network %s already holds VPN gateway %s: gateway %s cannot be a second "
               "one",
               g->virtualNetwork.v, nm(o->name), nm(g->name));
        break;
      }
  }
}

static void check_public_ip(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g)
    if ((!g->n_publicIpAddresses || !g->publicIpAddresses[0].set) &&
        !g->publicIpAddresses[0].loc.line) /* a value that is no address: the loader's */
      report(ck, g->loc, "gateway %s has no publicIpAddress (a VPN gateway needs a Standard "
                         "static public IP)",
             nm(g->name));
}

/* Two connections of one gateway cannot reach the same device address: the gateway knows
 * a connection by its peer's address. */
static void check_distinct_peer_ips(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    if (!g || !l || !l->gatewayIpAddress.set)
      continue;
    for (const GwConnection *o = cfg->connections; o < c; o++) {
      const GwLocalNetworkGateway *ol = conn_lng(cfg, o);
      if (conn_gw1(cfg, o) == g && ol && ol != l && ol->gatewayIpAddress.set &&
          ol->gatewayIpAddress.v.v == l->gatewayIpAddress.v.v) {
        char a[IPV4_ADDR_STRLEN];
        report(ck, at(l->gatewayIpAddress.loc, l->loc),
               "local network gateways %s and %s of gateway %s both have gatewayIpAddress %s",
               nm(ol->name), nm(l->name), nm(g->name), ip_str(l->gatewayIpAddress.v, a));
        break;
      }
    }
  }
}

/* ---- GW-BGP (facts 5) ---- */

static bool asn_azure_reserved(int64_t a)
{
  return a == 8074 || a == 8075 || a == 12076 || a == 65515 || (a >= 65517 && a <= 65520);
}

static bool asn_iana_reserved(int64_t a)
{
  /* "429496729" as printed in the FAQ: presumably 4294967295 (facts 5) */
  return a == 23456 || (a >= 64496 && a <= 64511) || (a >= 65535 && a <= 65551) ||
         a == 4294967295;
}

static bool lng_has_asn(const GwLocalNetworkGateway *l)
{
  return l->bgpSettings.set && l->bgpSettings.asn.set;
}

/* The original FAQ (facts 13.1, document 002) lists the public ones as 8075, 8076, 12076. */
static bool asn_azure_reserved_original(int64_t a)
{
  return a == 8075 || a == 8076 || a == 12076 || a == 65515 || (a >= 65517 && a <= 65520);
}

static void check_asn_azure_reserved(const GwConfig *cfg, GwCheck *ck)
{
  bool orig = opt(cfg, GW_OPT_RESERVED_ASNS_ORIGINAL);
  FOR_LNG(cfg, l) {
    if (!lng_has_asn(l))
      continue;
    int64_t a = l->bgpSettings.asn.v;
    if (orig ? asn_azure_reserved_original(a) : asn_azure_reserved(a))
      report(ck, l->bgpSettings.asn.loc,
             "ASN %" G_GINT64_FORMAT " is reserved by Azure (%s, 65515, 65517-65520) and "
             "cannot be used on premises",
             a, orig ? "8075, 8076, 12076 in the original FAQ" : "8074, 8075, 12076");
  }
}

static void check_asn_iana_reserved(const GwConfig *cfg, GwCheck *ck)
{
  FOR_LNG(cfg, l) {
    if (lng_has_asn(l) && asn_iana_reserved(l->bgpSettings.asn.v))
      report(ck, l->bgpSettings.asn.loc, "ASN %" G_GINT64_FORMAT " is reserved by IANA",
             l->bgpSettings.asn.v);
  }
  FOR_GW(cfg, g) {
    if (g->bgpSettings.asn.set && asn_iana_reserved(g->bgpSettings.asn.v))
      report(ck, g->bgpSettings.asn.loc, "ASN %" G_GINT64_FORMAT " is reserved by IANA",
             g->bgpSettings.asn.v);
  }
}

static void check_asn_differ(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    if (g && l && conn_bgp(c) && lng_has_asn(l) && l->bgpSettings.asn.v == gw_asn(g))
      report(ck, l->bgpSettings.asn.loc,
             "on-premises ASN %" G_GINT64_FORMAT " equals the ASN of gateway %s; they must differ",
             l->bgpSettings.asn.v, nm(g->name));
  }
}

static void check_asn_usable(const GwConfig *cfg, GwCheck *ck)
{
  FOR_LNG(cfg, l) {
    if (lng_has_asn(l) && l->bgpSettings.asn.v == 65516)
      report(ck, l->bgpSettings.asn.loc,
             "ASN 65516 is neither reserved nor in the documented usable private ranges "
             "64512-65514 and 65521-65534");
  }
  FOR_GW(cfg, g) {
    if (g->bgpSettings.asn.set && g->bgpSettings.asn.v == 65516)
      report(ck, g->bgpSettings.asn.loc,
             "ASN 65516 is neither reserved nor in the documented usable private ranges "
             "64512-65514 and 65521-65534");
  }
}

static void asn_range(const GwConfig *cfg, GwCheck *ck, GwInt asn)
{
  if (!asn.set)
    return;
  int64_t max = opt(cfg, GW_OPT_ASN_16BIT) ? 65535 : 4294967295;
  if (asn.v < 1 || asn.v > max)
    report(ck, asn.loc, "ASN %" G_GINT64_FORMAT " is outside 1-%" G_GINT64_FORMAT "%s", asn.v,
           max, opt(cfg, GW_OPT_ASN_16BIT) ? " (16-bit ASNs only: options.asnSize)" : "");
}

static void check_asn_range(const GwConfig *cfg, GwCheck *ck)
{
  FOR_LNG(cfg, l) {
    asn_range(cfg, ck, l->bgpSettings.asn);
  }
  FOR_GW(cfg, g) {
    asn_range(cfg, ck, g->bgpSettings.asn);
  }
}

static void check_apipa_range(const GwConfig *cfg, GwCheck *ck)
{
  const Ipv4Range ok = {ipv4_addr(169, 254, 21, 0), ipv4_addr(169, 254, 22, 255)};
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->bgpSettings.n_customBgpIpAddresses; i++) {
      const GwIp *a = &g->bgpSettings.customBgpIpAddresses[i];
      char b[IPV4_ADDR_STRLEN];
      if (!ipv4_range_contains_addr(ok, a->v))
        report(ck, a->loc,
               "custom APIPA BGP address %s is outside 169.254.21.0-169.254.22.255",
               ip_str(a->v, b));
    }
  }
}

static void check_apipa_unique(const GwConfig *cfg, GwCheck *ck)
{
  /* every APIPA address in the configuration: gateways' custom ones and on-prem peers */
  const GwIp *seen[GW_MAX_GATEWAYS * 2 + GW_MAX_LOCAL_GATEWAYS];
  size_t n = 0;
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->bgpSettings.n_customBgpIpAddresses; i++)
      seen[n++] = &g->bgpSettings.customBgpIpAddresses[i];
  }
  FOR_LNG(cfg, l) {
    if (l->bgpSettings.bgpPeeringAddress.set && is_apipa(l->bgpSettings.bgpPeeringAddress.v))
      seen[n++] = &l->bgpSettings.bgpPeeringAddress;
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (seen[i]->v.v == seen[j]->v.v) {
        char b[IPV4_ADDR_STRLEN];
        report(ck, seen[i]->loc, "APIPA BGP address %s is used twice; it must be unique",
               ip_str(seen[i]->v, b));
        break;
      }
  FOR_GW(cfg, g) {
    if (gw_bool_or(g->activeActive, false) && g->bgpSettings.n_customBgpIpAddresses == 1)
      report(ck, g->bgpSettings.customBgpIpAddresses[0].loc,
             "active-active gateway %s needs one custom APIPA address per instance (two)",
             nm(g->name));
  }
}

static void check_peer_not_public(const GwConfig *cfg, GwCheck *ck)
{
  FOR_LNG(cfg, l) {
    const GwIp *p = &l->bgpSettings.bgpPeeringAddress;
    if (p->set && l->gatewayIpAddress.set && p->v.v == l->gatewayIpAddress.v.v)
      report(ck, p->loc,
             "the BGP peer address of %s is its public IP; use a loopback or APIPA address",
             nm(l->name));
  }
}

static void check_peer_not_in_vnet(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    const GwVirtualNetwork *v = g ? gw_vnet(cfg, g) : NULL;
    if (!l || !v || !l->bgpSettings.bgpPeeringAddress.set)
      continue;
    for (unsigned j = 0; j < v->n_addressSpace; j++)
      if (ipv4_prefix_contains_addr(v->addressSpace[j].v, l->bgpSettings.bgpPeeringAddress.v)) {
        char a[IPV4_ADDR_STRLEN], b[IPV4_PREFIX_STRLEN];
        report(ck, l->bgpSettings.bgpPeeringAddress.loc,
               "the BGP peer address %s of %s is inside %s of virtual network %s",
               ip_str(l->bgpSettings.bgpPeeringAddress.v, a), nm(l->name),
               pfx_str(v->addressSpace[j].v, b), nm(v->name));
      }
  }
}

/* An APIPA on-premises BGP peer is reached by the host route the gateway adds over the
 * tunnel; it cannot be in the local network gateway's address space (facts 5). (The
 * current FAQ also advises against a non-APIPA peer's /32 there, which older articles
 * asked for: GW-BGP-014 under options.bgpPeerHostRoute: include.) */
static void check_peer_not_in_lng_prefixes(const GwConfig *cfg, GwCheck *ck)
{
  FOR_LNG(cfg, l) {
    if (!l->bgpSettings.bgpPeeringAddress.set)
      continue;
    Ipv4Addr p = l->bgpSettings.bgpPeeringAddress.v;
    if ((p.v & 0xffff0000u) != 0xa9fe0000u)
      continue;
    for (unsigned i = 0; i < l->n_addressPrefixes; i++)
      if (ipv4_prefix_contains_addr(l->addressPrefixes[i].v, p)) {
        char a[IPV4_ADDR_STRLEN], b[IPV4_PREFIX_STRLEN];
        report(ck, l->addressPrefixes[i].loc,
               "addressPrefixes %s of %s holds its APIPA BGP peer address %s (the gateway "
               "reaches it by a host route over the tunnel; APIPA cannot be in the address space)",
               pfx_str(l->addressPrefixes[i].v, b), nm(l->name), ip_str(p, a));
      }
  }
}

/* Under the older articles (options bgpPeerHostRoute: include) a non-APIPA on-premises BGP
 * peer's host prefix must be in the local network gateway's address space, so that the
 * session goes through the tunnel (BGP FAQ include 02/12/2019; facts 11). The current FAQ
 * advises against it but does not refuse it: no finding by default. */
static void check_peer_host_route(const GwConfig *cfg, GwCheck *ck)
{
  if (!opt(cfg, GW_OPT_BGP_PEER_HOST_ROUTE))
    return;
  FOR_CONN(cfg, c) {
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    if (!l || !conn_bgp(c) || !l->bgpSettings.bgpPeeringAddress.set ||
        is_apipa(l->bgpSettings.bgpPeeringAddress.v))
      continue;
    Ipv4Addr p = l->bgpSettings.bgpPeeringAddress.v;
    bool in = false;
    for (unsigned i = 0; i < l->n_addressPrefixes && !in; i++)
      in = ipv4_prefix_contains_addr(l->addressPrefixes[i].v, p);
    if (!in) {
      char a[IPV4_ADDR_STRLEN];
      report(ck, l->bgpSettings.bgpPeeringAddress.loc,
             "BGP peer %s of %s is in none of its addressPrefixes; the older articles ask for "
             "its /32 there (options.bgpPeerHostRoute: include)",
             ip_str(p, a), nm(l->name));
    }
  }
}

static void check_bgp_settings_present(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    if (!conn_bgp(c))
      continue;
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    if (g && !is_pb(g) && !gw_bgp(g))
      report(ck, at(c->enableBgp.loc, c->loc),
             "connection %s enables BGP but gateway %s has enableBgp false", nm(c->name),
             nm(g->name));
    if (l && !(l->bgpSettings.asn.set && l->bgpSettings.bgpPeeringAddress.set))
      report(ck, at(l->bgpSettings.loc, l->loc),
             "BGP connection %s needs bgpSettings.asn and bgpSettings.bgpPeeringAddress on "
             "local network gateway %s",
             nm(c->name), nm(l->name));
  }
}

static void check_onprem_apipa(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    if (!g || !l || !conn_bgp(c) || !l->bgpSettings.bgpPeeringAddress.set ||
        !is_apipa(l->bgpSettings.bgpPeeringAddress.v))
      continue;
    if (opt(cfg, GW_OPT_ONPREM_APIPA_REFUSED))
      report(ck, l->bgpSettings.bgpPeeringAddress.loc,
             "an APIPA on-premises BGP peer is not allowed (BGP FAQ include 02/12/2019; "
             "options.onPremisesApipaPeer)");
    else if (g->bgpSettings.n_customBgpIpAddresses == 0)
      report(ck, l->bgpSettings.bgpPeeringAddress.loc,
             "on-premises BGP peer %s is APIPA: gateway %s needs customBgpIpAddresses in "
             "169.254.21.0-169.254.22.255",
             nm(l->name), nm(g->name));
  }
}

static void check_redundant_tunnels_bgp(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    if (!l || conn_bgp(c))
      continue;
    FOR_CONN(cfg, d) {
      const GwLocalNetworkGateway *m = conn_lng(cfg, d);
      if (d == c || !m || conn_gw1(cfg, d) != conn_gw1(cfg, c))
        continue;
      /* the same space, also as the gateway routes them: behind IngressSnat rules, their
       * external mappings (two sites with one space told apart by NAT are two networks,
       * facts 6; a NAT'd space landing on another site's is GW-NAT-006's) */
      bool same = false;
      for (unsigned i = 0; i < l->n_addressPrefixes && !same; i++)
        for (unsigned j = 0; j < m->n_addressPrefixes && !same; j++) {
          Ipv4Prefix a = l->addressPrefixes[i].v, b = m->addressPrefixes[j].v;
          gw_nat_map_prefix(cfg, c, GW_NAT_INGRESS_SNAT, a, &a);
          gw_nat_map_prefix(cfg, d, GW_NAT_INGRESS_SNAT, b, &b);
          same = ipv4_prefix_overlaps(l->addressPrefixes[i].v, m->addressPrefixes[j].v) &&
                 ipv4_prefix_overlaps(a, b);
        }
      if (same) {
        report(ck, at(c->enableBgp.loc, c->loc),
               "connections %s and %s reach the same on-premises network; several tunnels to "
               "one site need BGP on all of them",
               nm(c->name), nm(d->name));
        break;
      }
    }
  }
}

/* ---- GW-PSK (facts 9.2) ---- */

static void check_shared_key(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    if (!c->sharedKey.set)
      continue; /* Azure generates one (facts 2.5) */
    const char *k = c->sharedKey.v;
    size_t n = strlen(k);
    if (opt(cfg, GW_OPT_SHARED_KEY_ALPHANUMERIC)) {
      bool alnum = n >= 1 && n <= 128;
      for (size_t i = 0; i < n && alnum; i++)
        alnum = g_ascii_isalnum(k[i]);
      if (!alnum)
        report(ck, c->sharedKey.loc,
               "sharedKey must be 1-128 alphanumeric characters (FAQ 08/20/2015; "
               "options.sharedKeyCharacters)");
      continue;
    }
    if (n == 0) {
      report(ck, c->sharedKey.loc, "sharedKey is empty");
      continue;
    }
    for (size_t i = 0; i < n; i++) {
      unsigned char ch = (unsigned char)k[i];
      if (ch < 0x21 || ch > 0x7e || ch == '-' || ch == '~') {
        /* never print the key or any of its characters: only the position */
        report(ck, c->sharedKey.loc,
               "sharedKey character %zu is not allowed: printable ASCII except space, '-' "
               "and '~'",
               i + 1);
        break;
      }
    }
  }
}

/* ---- GW-POL: custom policy (facts 3) ---- */

static void check_policy_one(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    if (c->n_ipsecPolicies > 1)
      report(ck, c->ipsecPolicies[1].loc,
             "connection %s has %u ipsecPolicies; exactly one policy combination is allowed",
             nm(c->name), c->n_ipsecPolicies);
  }
}

static const GwEnum *policy_field(const GwIpsecPolicy *p, GwPolicyFieldId f)
{
  switch (f) {
  case GW_FIELD_IKE_ENCRYPTION: return &p->ikeEncryption;
  case GW_FIELD_IKE_INTEGRITY: return &p->ikeIntegrity;
  case GW_FIELD_DH_GROUP: return &p->dhGroup;
  case GW_FIELD_IPSEC_ENCRYPTION: return &p->ipsecEncryption;
  case GW_FIELD_IPSEC_INTEGRITY: return &p->ipsecIntegrity;
  case GW_FIELD_PFS_GROUP: return &p->pfsGroup;
  default: g_assert_not_reached();
  }
}

static bool policy_complete(const GwIpsecPolicy *p)
{
  for (int f = 0; f < GW_FIELD_N; f++)
    if (!policy_field(p, f)->set)
      return false;
  return true;
}

static void check_policy_complete(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    for (unsigned i = 0; i < c->n_ipsecPolicies; i++) {
      const GwIpsecPolicy *p = &c->ipsecPolicies[i];
      g_autoptr(GString) miss = g_string_new(NULL);
      for (int f = 0; f < GW_FIELD_N; f++)
        if (!policy_field(p, f)->set)
          g_string_append_printf(miss, "%s%s", miss->len ? ", " : "", gw_policy_fields[f].field);
      if (miss->len)
        report(ck, p->loc, "incomplete custom policy: %s missing (no partial policies)",
               miss->str);
    }
  }
}

static void check_policy_gcm(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    for (unsigned i = 0; i < c->n_ipsecPolicies; i++) {
      const GwIpsecPolicy *p = &c->ipsecPolicies[i];
      if (!p->ipsecEncryption.set || !p->ipsecIntegrity.set)
        continue;
      unsigned e = gw_ipsec_encryption_gcm_bits(p->ipsecEncryption.v);
      unsigned g = gw_ipsec_integrity_gcm_bits(p->ipsecIntegrity.v);
      if (e != g)
        report(ck, e ? p->ipsecIntegrity.loc : p->ipsecEncryption.loc,
               "ipsecEncryption %s and ipsecIntegrity %s: GCMAES encryption needs the same "
               "GCMAES integrity",
               gw_policy_value_name(GW_FIELD_IPSEC_ENCRYPTION, p->ipsecEncryption.v),
               gw_policy_value_name(GW_FIELD_IPSEC_INTEGRITY, p->ipsecIntegrity.v));
    }
  }
}

static void check_policy_lifetime_s(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    for (unsigned i = 0; i < c->n_ipsecPolicies; i++) {
      GwInt v = c->ipsecPolicies[i].saLifeTimeSeconds;
      if (v.set && v.v < 300)
        report(ck, v.loc, "saLifeTimeSeconds %" G_GINT64_FORMAT " is below the minimum 300",
               v.v);
    }
  }
}

static void check_policy_lifetime_kb(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    for (unsigned i = 0; i < c->n_ipsecPolicies; i++) {
      GwInt v = c->ipsecPolicies[i].saDataSizeKilobytes;
      if (v.set && v.v < 1024)
        report(ck, v.loc, "saDataSizeKilobytes %" G_GINT64_FORMAT " is below the minimum 1024",
               v.v);
    }
  }
}

/* dhGroup None is in the documented values (facts 3.1) but leaves the IKE SA without a
 * Diffie-Hellman group, which both versions need: IKEv2's IKE proposals carry a D-H
 * transform (RFC 7296 3.3.3, mandatory type for IKE) and IKE_SA_INIT its KE payload; IKEv1
 * main mode exchanges KE (RFC 2409 5). The scenario runs (the gateway accepts the policy,
 * as the documents do), and the connection never comes up: a warning, not an error. */
static void check_policy_dh_none(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    for (unsigned i = 0; i < c->n_ipsecPolicies; i++) {
      GwEnum g = c->ipsecPolicies[i].dhGroup;
      if (g.set && g.v == GW_DH_NONE)
        report(ck, g.loc,
               "dhGroup None: an IKE SA needs a Diffie-Hellman group (RFC 7296 3.3.3, RFC 2409 5), "
               "so connection '%s' never comes up (pfsGroup None is the setting without PFS)",
               c->name.v);
    }
  }
}

static void check_policy_older_values(const GwConfig *cfg, GwCheck *ck)
{
  if (opt(cfg, GW_OPT_OLDER_POLICY_VALUES))
    return;
  FOR_CONN(cfg, c) {
    for (unsigned i = 0; i < c->n_ipsecPolicies; i++)
      for (int f = 0; f < GW_FIELD_N; f++) {
        const GwEnum *e = policy_field(&c->ipsecPolicies[i], f);
        const GwPolicyValue *pv = e->set ? gw_policy_value(f, e->v) : NULL;
        if (pv && !(pv->flags & GW_VOCAB_CURRENT))
          report(ck, e->loc,
                 "%s %s is only in older documents (options.policyValues: older accepts it)",
                 gw_policy_fields[f].field, pv->name);
      }
  }
}

/* ---- GW-CON: connection settings (facts 2.5, 3.4, 3.5) ---- */

static void check_dpd(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    GwInt d = c->dpdTimeoutSeconds;
    if (d.set && (d.v < 9 || d.v > 3600))
      report(ck, d.loc, "dpdTimeoutSeconds %" G_GINT64_FORMAT " is outside 9-3600", d.v);
  }
}

static void check_pbts_needs_policy(const GwConfig *cfg, GwCheck *ck)
{
  if (opt(cfg, GW_OPT_TS_WITH_DEFAULT_POLICY))
    return;
  FOR_CONN(cfg, c) {
    if (conn_pbts(c) && !(c->n_ipsecPolicies && policy_complete(&c->ipsecPolicies[0])))
      report(ck, c->usePolicyBasedTrafficSelectors.loc,
             "usePolicyBasedTrafficSelectors needs a complete custom ipsecPolicies entry "
             "(options.policyBasedTrafficSelectors: defaultPolicy accepts the Default policy)");
  }
}

static void check_pbts_ikev2(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    if (conn_pbts(c) && conn_proto(c) == GW_IKEV1)
      report(ck, at(c->connectionProtocol.loc, c->loc),
             "usePolicyBasedTrafficSelectors needs an IKEv2 connection (the on-premises device "
             "must support IKEv2 for this mode)");
  }
}

static void check_ts_without_pbts(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    if (c->n_trafficSelectorPolicies && !conn_pbts(c))
      report(ck, c->trafficSelectorPolicies[0].loc,
             "trafficSelectorPolicies take effect only with usePolicyBasedTrafficSelectors true");
  }
}

static void check_pbts_nat(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    if (conn_pbts(c) && conn_has_nat(c))
      report(ck, c->usePolicyBasedTrafficSelectors.loc,
             "connection %s: NAT rules are not supported with usePolicyBasedTrafficSelectors",
             nm(c->name));
  }
}

static void check_connection_mode(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    if (!g || gw_enum_or(c->connectionMode, GW_MODE_DEFAULT) == GW_MODE_DEFAULT)
      continue;
    if (is_pb(g) || conn_proto(c) != GW_IKEV2) {
      char buf[NAME_BUFSZ];
      report(ck, c->connectionMode.loc,
             "connectionMode %s applies only to IKEv2 connections of route-based gateways",
             name_fmt(&gw_connection_mode_names, c->connectionMode.v, buf));
    }
  }
}

static void check_nat_connection_type(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    if (conn_type(c) == GW_CONN_VNET2VNET && conn_has_nat(c))
      report(ck, c->n_ingressNatRules ? c->ingressNatRules[0].loc : c->egressNatRules[0].loc,
             "NAT rules apply only to IPsec (site-to-site) connections, not Vnet2Vnet");
  }
}

/* ---- GW-V2V: VNet-to-VNet (facts 3.3, 3.6, 4, 9.2) ---- */

static const GwConnection *reverse(const GwConfig *cfg, const GwConnection *c)
{
  FOR_CONN(cfg, d) {
    if (d != c && conn_type(d) == GW_CONN_VNET2VNET &&
        str_eq(d->virtualNetworkGateway1, c->virtualNetworkGateway2.v) &&
        str_eq(d->virtualNetworkGateway2, c->virtualNetworkGateway1.v))
      return d;
  }
  return NULL;
}

static void check_v2v_route_based(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    if (conn_type(c) != GW_CONN_VNET2VNET)
      continue;
    const GwVirtualNetworkGateway *ends[2] = {conn_gw1(cfg, c), conn_gw2(cfg, c)};
    for (int i = 0; i < 2; i++)
      if (ends[i] && is_pb(ends[i]))
        report(ck, c->loc, "VNet-to-VNet needs route-based gateways at both ends; %s is "
               "PolicyBased",
               nm(ends[i]->name));
  }
}

static bool policy_equal(const GwConnection *a, const GwConnection *b)
{
  if (a->n_ipsecPolicies != b->n_ipsecPolicies)
    return false;
  for (unsigned i = 0; i < a->n_ipsecPolicies; i++) {
    const GwIpsecPolicy *p = &a->ipsecPolicies[i], *q = &b->ipsecPolicies[i];
    for (int f = 0; f < GW_FIELD_N; f++) {
      const GwEnum *x = policy_field(p, f), *y = policy_field(q, f);
      if (x->set != y->set || (x->set && x->v != y->v))
        return false;
    }
  }
  return true;
}

static void check_v2v_same_policy(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwConnection *r = conn_type(c) == GW_CONN_VNET2VNET ? reverse(cfg, c) : NULL;
    if (r && r < c && !policy_equal(c, r))
      report(ck, c->n_ipsecPolicies ? c->ipsecPolicies[0].loc : c->loc,
             "VNet-to-VNet connections %s and %s carry different ipsecPolicies; both must "
             "carry the same policy",
             nm(r->name), nm(c->name));
  }
}

static void check_v2v_same_key(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwConnection *r = conn_type(c) == GW_CONN_VNET2VNET ? reverse(cfg, c) : NULL;
    if (r && r < c && g_strcmp0(c->sharedKey.v, r->sharedKey.v) != 0)
      report(ck, at(c->sharedKey.loc, c->loc),
             "VNet-to-VNet connections %s and %s have different sharedKey values", nm(r->name),
             nm(c->name));
  }
}

static void check_v2v_pair(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    if (conn_type(c) == GW_CONN_VNET2VNET && conn_gw2(cfg, c) && !reverse(cfg, c))
      report(ck, c->loc,
             "VNet-to-VNet connection %s has no connection resource in the other direction "
             "(from %s to %s)",
             nm(c->name), nm(c->virtualNetworkGateway2), nm(c->virtualNetworkGateway1));
  }
}

static void check_v2v_ikev2(const GwConfig *cfg, GwCheck *ck)
{
  if (opt(cfg, GW_OPT_VNET2VNET_IKEV1))
    return;
  FOR_CONN(cfg, c) {
    if (conn_type(c) == GW_CONN_VNET2VNET && conn_proto(c) == GW_IKEV1)
      report(ck, c->connectionProtocol.loc,
             "VNet-to-VNet is IPsec over IKEv2 (options.vnetToVnetIke: any accepts IKEv1)");
  }
}

/* facts 5: multiple tunnels between two VNets require at least one active-active gateway
 * (a second VNet-to-VNet connection from one gateway to the same other gateway; with an
 * active-active end, one connection already gives a tunnel per instance, facts 8) */
static void check_v2v_several_tunnels(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *a = conn_gw1(cfg, c), *b = conn_gw2(cfg, c);
    if (conn_type(c) != GW_CONN_VNET2VNET || !a || !b ||
        gw_bool_or(a->activeActive, false) || gw_bool_or(b->activeActive, false))
      continue;
    FOR_CONN(cfg, d) {
      if (d < c && conn_type(d) == GW_CONN_VNET2VNET && conn_gw1(cfg, d) == a &&
          conn_gw2(cfg, d) == b) {
        report(ck, c->loc,
               "VNet-to-VNet connections %s and %s are two tunnels from %s to %s; several "
               "tunnels between two VNets need at least one active-active gateway",
               nm(d->name), nm(c->name), nm(a->name), nm(b->name));
        break;
      }
    }
  }
}

/* ---- GW-NAT (facts 6) ---- */

static void check_nat_mappings(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->n_natRules; i++) {
      const GwNatRule *r = &g->natRules[i];
      if (r->n_internalMappings != 1 || r->n_externalMappings != 1) {
        report(ck, r->loc, "NAT rule %s needs exactly one internal and one external prefix",
               nm(r->name));
        continue;
      }
      if (r->internalMappings[0].v.len != r->externalMappings[0].v.len)
        report(ck, r->externalMappings[0].loc,
               "NAT rule %s maps a /%u to a /%u; the prefix lengths must match", nm(r->name),
               r->internalMappings[0].v.len, r->externalMappings[0].v.len);
    }
  }
}

static void check_nat_name(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->n_natRules; i++)
      if (g->natRules[i].name.v && strchr(g->natRules[i].name.v, '/'))
        report(ck, g->natRules[i].name.loc, "NAT rule name '%s' contains '/'",
               g->natRules[i].name.v);
  }
}

static void check_nat_dynamic_size(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->n_natRules; i++) {
      const GwNatRule *r = &g->natRules[i];
      if (gw_enum_or(r->type, GW_NAT_STATIC) != GW_NAT_DYNAMIC)
        continue;
      for (unsigned j = 0; j < r->n_externalMappings; j++)
        if (r->externalMappings[j].v.len < 26)
          report(ck, r->externalMappings[j].loc,
                 "Dynamic NAT rule %s: the external mapping is a /%u, at most a /26 is allowed",
                 nm(r->name), r->externalMappings[j].v.len);
    }
  }
}

static bool port_range_equal(const GwPortRange *a, const GwPortRange *b)
{
  return a->set == b->set && (!a->set || (a->lo == b->lo && a->hi == b->hi));
}

/* facts 6: port mappings are for Static rules only */
static void check_nat_ports_static(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->n_natRules; i++) {
      const GwNatRule *r = &g->natRules[i];
      if (gw_enum_or(r->type, GW_NAT_STATIC) != GW_NAT_DYNAMIC)
        continue;
      for (unsigned j = 0; j < r->n_internalMappings; j++)
        if (r->internalPorts[j].set)
          report(ck, r->internalPorts[j].loc,
                 "Dynamic NAT rule %s has a portRange; port mappings are for Static rules only",
                 nm(r->name));
      for (unsigned j = 0; j < r->n_externalMappings; j++)
        if (r->externalPorts[j].set)
          report(ck, r->externalPorts[j].loc,
                 "Dynamic NAT rule %s has a portRange; port mappings are for Static rules only",
                 nm(r->name));
    }
  }
}

/* facts 6: TCP and UDP single ports, no ranges; a port mapping maps a port to a port, so
 * both sides of the rule give one */
static void check_nat_port_single(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->n_natRules; i++) {
      const GwNatRule *r = &g->natRules[i];
      const GwPortRange *sides[2] = {r->internalPorts, r->externalPorts};
      const unsigned ns[2] = {r->n_internalMappings, r->n_externalMappings};
      for (unsigned s = 0; s < 2; s++)
        for (unsigned j = 0; j < ns[s]; j++) {
          const GwPortRange *p = &sides[s][j];
          if (p->set && p->lo != p->hi)
            report(ck, p->loc, "NAT rule %s: portRange %u-%u is a range; only single ports "
                   "can be mapped", nm(r->name), p->lo, p->hi);
          else if (p->set && !p->lo)
            report(ck, p->loc, "NAT rule %s: portRange 0 is not a port (1-65535)",
                   nm(r->name));
        }
      if (r->n_internalMappings == 1 && r->n_externalMappings == 1 &&
          r->internalPorts[0].set != r->externalPorts[0].set) {
        const GwPfx *lone = r->internalPorts[0].set ? &r->externalMappings[0]
                                                    : &r->internalMappings[0];
        report(ck, lone->loc, "NAT rule %s maps a port on its %s mapping only; give the %s "
               "mapping's portRange too", nm(r->name),
               r->internalPorts[0].set ? "internal" : "external",
               r->internalPorts[0].set ? "external" : "internal");
      }
    }
  }
}

/* Two rules with the very same type, mode and mappings are one translation given twice, as
 * an active-active gateway needs (one rule per instance, facts 6; the model does not carry
 * the ipConfigurationId that tells them apart), so they are not an overlap. */
static bool nat_same_translation(const GwNatRule *a, const GwNatRule *b)
{
  if (gw_enum_or(a->type, GW_NAT_STATIC) != gw_enum_or(b->type, GW_NAT_STATIC) ||
      gw_enum_or(a->mode, GW_NAT_INGRESS_SNAT) != gw_enum_or(b->mode, GW_NAT_INGRESS_SNAT) ||
      a->n_internalMappings != b->n_internalMappings ||
      a->n_externalMappings != b->n_externalMappings)
    return false;
  for (unsigned i = 0; i < a->n_internalMappings; i++)
    if (!ipv4_prefix_equal(a->internalMappings[i].v, b->internalMappings[i].v))
      return false;
  for (unsigned i = 0; i < a->n_externalMappings; i++)
    if (!ipv4_prefix_equal(a->externalMappings[i].v, b->externalMappings[i].v))
      return false;
  for (unsigned i = 0; i < a->n_internalMappings; i++)
    if (!port_range_equal(&a->internalPorts[i], &b->internalPorts[i]))
      return false;
  for (unsigned i = 0; i < a->n_externalMappings; i++)
    if (!port_range_equal(&a->externalPorts[i], &b->externalPorts[i]))
      return false;
  return true;
}

static void check_nat_external_overlap(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->n_natRules; i++)
      for (unsigned j = i + 1; j < g->n_natRules; j++) {
        const GwNatRule *a = &g->natRules[i], *b = &g->natRules[j];
        if (nat_same_translation(a, b))
          continue;
        for (unsigned x = 0; x < a->n_externalMappings; x++)
          for (unsigned y = 0; y < b->n_externalMappings; y++) {
            char pa[IPV4_PREFIX_STRLEN], pb[IPV4_PREFIX_STRLEN];
            if (ipv4_prefix_overlaps(a->externalMappings[x].v, b->externalMappings[y].v))
              report(ck, at(b->externalMappings[y].loc, b->loc),
                     "NAT rule %s: external mapping %s overlaps %s of NAT rule %s", nm(b->name),
                     pfx_str(b->externalMappings[y].v, pb), pfx_str(a->externalMappings[x].v, pa),
                     nm(a->name));
          }
      }
  }
}

static void nat_vs_prefixes(GwCheck *ck, const GwNatRule *r, const GwPfx *pfx, unsigned n,
                            const char *what, GwStr whose)
{
  for (unsigned x = 0; x < r->n_externalMappings; x++)
    for (unsigned k = 0; k < n; k++) {
      char pa[IPV4_PREFIX_STRLEN], pb[IPV4_PREFIX_STRLEN];
      if (ipv4_prefix_overlaps(r->externalMappings[x].v, pfx[k].v))
        report(ck, at(r->externalMappings[x].loc, r->loc),
               "NAT rule %s: external mapping %s overlaps %s of %s %s, connected without NAT",
               nm(r->name), pfx_str(r->externalMappings[x].v, pa), pfx_str(pfx[k].v, pb), what,
               nm(whose));
    }
}

/* The virtual network's own space with IngressSnat rules is GW-NET-004's (it sees the
 * translated local prefixes of the connection). */
static void check_nat_external_vs_plain(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->n_natRules; i++) {
      const GwNatRule *r = &g->natRules[i];
      FOR_CONN(cfg, c) {
        const GwLocalNetworkGateway *l = conn_lng(cfg, c);
        const GwVirtualNetworkGateway *g2 = conn_gw2(cfg, c);
        const GwVirtualNetwork *v2 = g2 ? gw_vnet(cfg, g2) : NULL;
        if (conn_gw1(cfg, c) != g || conn_has_nat(c))
          continue;
        if (l)
          nat_vs_prefixes(ck, r, l->addressPrefixes, l->n_addressPrefixes,
                          "local network gateway", l->name);
        if (v2)
          nat_vs_prefixes(ck, r, v2->addressSpace, v2->n_addressSpace, "virtual network",
                          v2->name);
      }
    }
  }
}

/* facts 6: 500 rules (ingress and egress) per gateway; the loader counts what the scenario
 * declares, which may be more than the model holds (GW_MAX_NAT_RULES). */
static void check_nat_count(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    unsigned n = MAX(g->n_natRules, g->n_natRules_declared);
    /* facts 13.1: the original FAQ (001) says "up to 100" */
    unsigned limit = opt(cfg, GW_OPT_NAT_RULES_100) ? GW_NAT_RULES_LIMIT_ORIGINAL
                                                    : GW_NAT_RULES_LIMIT;
    if (n > limit)
      report(ck, g->loc, "gateway %s has %u NAT rules; at most %u are allowed", nm(g->name), n,
             limit);
  }
}

static void check_nat_apipa_peer(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    char a[IPV4_ADDR_STRLEN];
    if (l && conn_has_nat(c) && conn_bgp(c) && l->bgpSettings.bgpPeeringAddress.set &&
        is_apipa(l->bgpSettings.bgpPeeringAddress.v))
      report(ck, c->loc,
             "connection %s has NAT rules and its BGP peer %s is an APIPA address; NAT is not "
             "supported with APIPA BGP peers",
             nm(c->name), ip_str(l->bgpSettings.bgpPeeringAddress.v, a));
  }
}

/* A rule is linked from the list of its mode: IngressSnat rules from ingressNatRules,
 * EgressSnat rules from egressNatRules (the mode decides which side it maps, facts 6). */
static void check_nat_list_mode(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwStr *lists[2] = {c->ingressNatRules, c->egressNatRules};
    unsigned ns[2] = {c->n_ingressNatRules, c->n_egressNatRules};
    static const char *const lname[2] = {"ingressNatRules", "egressNatRules"};
    static const char *const mname[2] = {"IngressSnat", "EgressSnat"};
    for (int k = 0; k < 2; k++)
      for (unsigned i = 0; i < ns[k]; i++) {
        const GwNatRule *r = find_nat(g, lists[k][i].v);
        int want = k == 0 ? GW_NAT_INGRESS_SNAT : GW_NAT_EGRESS_SNAT;
        if (r && gw_enum_or(r->mode, GW_NAT_INGRESS_SNAT) != want)
          report(ck, at(lists[k][i].loc, c->loc),
                 "connection %s lists NAT rule %s in %s, but its mode is %s, not %s", nm(c->name),
                 nm(r->name), lname[k], mname[1 - k], mname[k]);
      }
  }
}

/* facts 6: the same IngressSnat rule on several connections only if they reach the same
 * on-premises network (their local network gateways' prefixes inside the rule's internal
 * mapping are the same). */
static void check_nat_ingress_shared(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwLocalNetworkGateway *l = conn_lng(cfg, c);
    for (unsigned i = 0; l && i < c->n_ingressNatRules; i++) {
      const GwNatRule *r = find_nat(g, c->ingressNatRules[i].v);
      if (!r || r->n_internalMappings != 1)
        continue;
      for (const GwConnection *d = cfg->connections; d < c; d++) {
        const GwLocalNetworkGateway *m = conn_lng(cfg, d);
        bool linked = false;
        for (unsigned j = 0; j < d->n_ingressNatRules && !linked; j++)
          linked = conn_gw1(cfg, d) == g && str_eq(d->ingressNatRules[j], r->name.v);
        if (!linked || !m || m == l)
          continue;
        /* the parts of each LNG's space the rule maps must be the same */
        bool same = true;
        const GwLocalNetworkGateway *pair[2] = {l, m};
        for (int a = 0; a < 2 && same; a++)
          for (unsigned x = 0; x < pair[a]->n_addressPrefixes && same; x++) {
            Ipv4Prefix p = pair[a]->addressPrefixes[x].v;
            if (!ipv4_prefix_overlaps(p, r->internalMappings[0].v))
              continue;
            bool found = false;
            for (unsigned y = 0; y < pair[1 - a]->n_addressPrefixes && !found; y++)
              found = ipv4_prefix_equal(p, pair[1 - a]->addressPrefixes[y].v);
            same = found;
          }
        if (!same)
          report(ck, at(c->ingressNatRules[i].loc, c->loc),
                 "IngressSnat rule %s is linked to connections %s and %s, which do not reach the "
                 "same on-premises network (local network gateways %s and %s differ)",
                 nm(r->name), nm(d->name), nm(c->name), nm(m->name), nm(l->name));
      }
    }
  }
}

/* facts 6: a rule applies on one instance by ipConfigurationId; "activeActive" (the second
 * IP configuration) exists only on an active-active gateway. */
static void check_nat_ipconfig(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    bool aa = gw_bool_or(g->activeActive, false);
    for (unsigned i = 0; i < g->n_natRules; i++) {
      const GwNatRule *r = &g->natRules[i];
      if (!aa && r->ipConfigurationId.set && r->ipConfigurationId.v == GW_NAT_IPCONFIG_ACTIVE_ACTIVE)
        report(ck, at(r->ipConfigurationId.loc, r->loc),
               "NAT rule %s: ipConfigurationId activeActive, but gateway %s is not active-active",
               nm(r->name), nm(g->name));
    }
  }
}

/* facts 6: on an active-active gateway each rule applies on one instance, so every
 * translation pinned to one instance needs its twin on the other. */
static void check_nat_aa_pairs(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    if (!gw_bool_or(g->activeActive, false))
      continue;
    for (unsigned i = 0; i < g->n_natRules; i++) {
      const GwNatRule *r = &g->natRules[i];
      if (!r->ipConfigurationId.set)
        continue;
      bool twin = false;
      for (unsigned j = 0; j < g->n_natRules && !twin; j++) {
        const GwNatRule *o = &g->natRules[j];
        twin = j != i && o->ipConfigurationId.set && o->ipConfigurationId.v != r->ipConfigurationId.v &&
               nat_same_translation(r, o);
      }
      if (!twin)
        report(ck, at(r->ipConfigurationId.loc, r->loc),
               "NAT rule %s applies on instance %s only; the other instance of active-active "
               "gateway %s has no rule with the same translation",
               nm(r->name), r->ipConfigurationId.v == GW_NAT_IPCONFIG_DEFAULT ? "default" : "activeActive",
               nm(g->name));
    }
  }
}

static void check_nat_static_dynamic_mix(const GwConfig *cfg, GwCheck *ck)
{
  FOR_CONN(cfg, c) {
    const GwVirtualNetworkGateway *g = conn_gw1(cfg, c);
    const GwStr *lists[2] = {c->ingressNatRules, c->egressNatRules};
    unsigned ns[2] = {c->n_ingressNatRules, c->n_egressNatRules};
    bool st = false, dy = false;
    for (int k = 0; k < 2; k++)
      for (unsigned i = 0; i < ns[k]; i++) {
        const GwNatRule *r = find_nat(g, lists[k][i].v);
        if (!r)
          continue;
        if (gw_enum_or(r->type, GW_NAT_STATIC) == GW_NAT_DYNAMIC)
          dy = true;
        else
          st = true;
      }
    if (st && dy)
      report(ck, c->loc, "connection %s links both Static and Dynamic NAT rules", nm(c->name));
  }
}

static void check_nat_dynamic_once(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    for (unsigned i = 0; i < g->n_natRules; i++) {
      const GwNatRule *r = &g->natRules[i];
      if (gw_enum_or(r->type, GW_NAT_STATIC) != GW_NAT_DYNAMIC)
        continue;
      unsigned n = 0;
      FOR_CONN(cfg, c) {
        if (conn_gw1(cfg, c) != g)
          continue;
        const GwStr *lists[2] = {c->ingressNatRules, c->egressNatRules};
        unsigned ns[2] = {c->n_ingressNatRules, c->n_egressNatRules};
        for (int k = 0; k < 2; k++)
          for (unsigned j = 0; j < ns[k]; j++)
            if (str_eq(lists[k][j], r->name.v) && ++n == 2)
              report(ck, lists[k][j].loc,
                     "Dynamic NAT rule %s is linked to a second connection (%s); each Dynamic "
                     "rule serves one connection",
                     nm(r->name), nm(c->name));
      }
    }
  }
}

/* ---- GW-P2S (facts 7) ---- */

static void check_p2s_sstp_openvpn(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwVpnClientConfiguration *p = &g->vpnClientConfiguration;
    unsigned both = GW_P2S_PROTO_SSTP | GW_P2S_PROTO_OPENVPN;
    if (p->set && (p->vpnClientProtocols & both) == both)
      report(ck, at(p->vpnClientProtocols_loc, p->loc),
             "SSTP and OpenVPN cannot be enabled together on one gateway");
  }
}

static void check_p2s_pool(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwVpnClientConfiguration *p = &g->vpnClientConfiguration;
    const GwVirtualNetwork *v = gw_vnet(cfg, g);
    if (!p->set)
      continue;
    if (p->n_vpnClientAddressPool == 0) {
      report(ck, p->loc, "vpnClientAddressPool is missing");
      continue;
    }
    unsigned min = gw_bool_or(g->activeActive, false) ? 28 : 29;
    for (unsigned i = 0; i < p->n_vpnClientAddressPool; i++) {
      Ipv4Prefix pool = p->vpnClientAddressPool[i].v;
      char a[IPV4_PREFIX_STRLEN];
      if (pool.len > min)
        report(ck, p->vpnClientAddressPool[i].loc,
               "client address pool %s is smaller than /%u (the minimum for %s)",
               pfx_str(pool, a), min, min == 28 ? "active-active" : "active-standby");
      for (unsigned j = 0; v && j < v->n_addressSpace; j++)
        if (ipv4_prefix_overlaps(pool, v->addressSpace[j].v))
          report(ck, p->vpnClientAddressPool[i].loc,
                 "client address pool %s overlaps virtual network %s", pfx_str(pool, a),
                 nm(v->name));
    }
  }
}

static void check_p2s_roots(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwVpnClientConfiguration *p = &g->vpnClientConfiguration;
    if (p->set && p->n_vpnClientRootCertificates > 20)
      report(ck, p->vpnClientRootCertificates[20].loc,
             "%u trusted root certificates: at most 20", p->n_vpnClientRootCertificates);
  }
}

static void check_p2s_auth(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwVpnClientConfiguration *p = &g->vpnClientConfiguration;
    if (!p->set || !p->vpnAuthenticationTypes)
      continue;
    unsigned ik = p->vpnClientProtocols & (GW_P2S_PROTO_IKEV2 | GW_P2S_PROTO_SSTP);
    if (ik && !(p->vpnAuthenticationTypes & (GW_P2S_AUTH_CERTIFICATE | GW_P2S_AUTH_RADIUS)))
      report(ck, at(p->vpnAuthenticationTypes_loc, p->loc),
             "IKEv2 and SSTP authenticate with certificates or RADIUS: Microsoft Entra ID (AAD) "
             "alone is for OpenVPN");
    if ((p->vpnAuthenticationTypes & GW_P2S_AUTH_AAD) && !(p->vpnClientProtocols & GW_P2S_PROTO_OPENVPN))
      report(ck, at(p->vpnAuthenticationTypes_loc, p->loc),
             "Microsoft Entra ID (AAD) authentication needs OpenVPN");
  }
}

static void check_p2s_policies(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwVpnClientConfiguration *p = &g->vpnClientConfiguration;
    if (p->set && p->n_vpnClientIpsecPolicies > 1)
      report(ck, p->vpnClientIpsecPolicies[1].loc,
             "vpnClientIpsecPolicies holds one policy, not %u", p->n_vpnClientIpsecPolicies);
  }
}

static void check_p2s_aa_ip(const GwConfig *cfg, GwCheck *ck)
{
  FOR_GW(cfg, g) {
    const GwVpnClientConfiguration *p = &g->vpnClientConfiguration;
    if (!p->set || !gw_bool_or(g->activeActive, false))
      continue;
    if (!g->p2sPublicIpAddress.set) {
      report(ck, p->loc, "an active-active gateway with point-to-site needs a third public IP "
                         "(p2sPublicIpAddress)");
      continue;
    }
    for (unsigned i = 0; i < g->n_publicIpAddresses; i++)
      if (g->publicIpAddresses[i].v.v == g->p2sPublicIpAddress.v.v)
        report(ck, g->p2sPublicIpAddress.loc,
               "p2sPublicIpAddress must differ from the instances' public IPs");
  }
}

/* ---- the table ---- */

#define E GW_SEV_ERROR
#define W GW_SEV_WARNING
const GwRule gw_rules[] = {
    {"GW-SCN-001", E, "The cloud section follows the resource schema: known keys, value kinds "
     "and spellings, addresses and prefixes", "ARM resource schema; facts 1.5, 3.1", NULL, -1},
    {"GW-REF-001", E, "Every reference names an existing resource (virtualNetwork, "
     "virtualNetworkGateway1/2, localNetworkGateway2, NAT rule links) of the right kind for the "
     "connectionType", "facts 1.5 (connection types)", check_references, -1},
    {"GW-REF-002", E, "Resource names are unique within each collection", "ARM resource naming",
     check_unique_names, -1},

    {"GW-SKU-001", E, "The sku is a catalogue SKU that exists in the gateway's "
     "vpnGatewayGeneration", "facts 1.1, 1.4", check_sku_known, -1},
    {"GW-SKU-002", E, "BGP needs a SKU with BGP (not Basic)", "facts 1.2, 5, 11",
     check_sku_bgp, GW_OPT_STANDARD_NO_BGP},
    {"GW-SKU-003", E, "Custom ipsecPolicies need a SKU with custom policy (all but Basic)",
     "facts 1.2, 3.3", check_sku_custom_policy, -1},
    {"GW-SKU-004", E, "IKEv1 connections on a route-based gateway need VpnGw1-5/AZ (not Basic, "
     "Standard, HighPerformance)", "facts 1.2, 3.6", check_sku_ikev1, -1},
    {"GW-SKU-005", E, "NAT rules need VpnGw2-5 or VpnGw2AZ-5AZ", "facts 1.2, 6", check_sku_nat,
     -1},
    {"GW-SKU-006", E, "activeActive needs a SKU with active-active (not Basic, not Standard)",
     "facts 1.2, 8", check_sku_active_active, -1},
    {"GW-SKU-007", E, "Point-to-site IKEv2 needs a SKU with P2S IKEv2 (not Basic)",
     "facts 1.2, 11", check_sku_p2s_ikev2, GW_OPT_BASIC_P2S_IKEV2},
    {"GW-SKU-008", E, "RADIUS authentication needs a SKU with RADIUS (not Basic)",
     "facts 1.2, 7.1", check_sku_radius, -1},
    {"GW-SKU-009", E, "S2S and VNet-to-VNet connections of a route-based gateway stay within the "
     "SKU's tunnel limit", "facts 1.1, 1.4, 11", check_sku_tunnels, GW_OPT_TUNNEL_LIMITS_2019},
    {"GW-SKU-010", W, "Legacy (Standard, HighPerformance) and non-AZ VpnGw1-5 SKUs can no longer "
     "be created", "facts 1.4, 1.5, 13.1", check_sku_retired, GW_OPT_LEGACY_MIGRATION_NON_AZ},
    {"GW-SKU-011", E, "An active-active gateway has two public IP addresses, one per instance",
     "facts 8", check_aa_public_ips, -1},

    {"GW-PB-001", E, "PolicyBased gateways exist only on the Basic SKU", "facts 1.2, 4",
     check_pb_sku, -1},
    {"GW-PB-002", E, "Connections of a policy-based gateway use IKEv1", "facts 1.2, 4",
     check_pb_ikev1, -1},
    {"GW-PB-003", E, "A policy-based gateway has at most one S2S tunnel", "facts 1.4, 4",
     check_pb_one_tunnel, -1},
    {"GW-PB-004", E, "A policy-based gateway cannot use BGP", "facts 4", check_pb_bgp, -1},
    {"GW-PB-005", E, "A policy-based gateway has no point-to-site configuration", "facts 4",
     check_pb_p2s, -1},

    {"GW-NET-001", E, "The gateway's virtual network has a subnet named exactly GatewaySubnet",
     "facts 9.1", check_gateway_subnet_name, -1},
    {"GW-NET-002", E, "GatewaySubnet is /29 or larger", "facts 9.1", check_gateway_subnet_min,
     -1},
    {"GW-NET-003", W, "GatewaySubnet is /27 or larger (recommended; required for SKUs other than "
     "Basic under the older source)", "facts 9.1, 11", check_gateway_subnet_27,
     GW_OPT_GATEWAY_SUBNET_REQUIRE_27},
    {"GW-NET-004", E, "A local network gateway's prefixes do not overlap the gateway's virtual "
     "network unless the connection's NAT rules translate them", "facts 9.3, 6",
     check_overlap_local, -1},
    {"GW-NET-005", E, "The virtual networks joined by a VNet-to-VNet connection do not overlap",
     "facts 9.3", check_overlap_vnet2vnet, -1},
    {"GW-NET-006", E, "A local network gateway without addressPrefixes is reached with BGP",
     "facts 9.3", check_local_prefixes_or_bgp, -1},
    {"GW-NET-007", E, "A virtual network holds at most one VPN gateway", "facts 1.5",
     check_one_vpn_gateway, -1},
    {"GW-NET-008", E, "A VPN gateway has a public IP address", "facts 1.5",
     check_public_ip, -1},
    {"GW-NET-009", E, "The local network gateways connected to one gateway have distinct "
     "gatewayIpAddress values", "ARM validation (a connection is found by its peer's address)",
     check_distinct_peer_ips, -1},

    {"GW-BGP-001", E, "The on-premises ASN is not one reserved by Azure (8074, 8075, 12076, "
     "65515, 65517-65520; 8075, 8076, 12076 in the original FAQ)", "facts 5, 13.1",
     check_asn_azure_reserved, GW_OPT_RESERVED_ASNS_ORIGINAL},
    {"GW-BGP-002", E, "No ASN reserved by IANA (23456, 64496-64511, 65535-65551, 4294967295)",
     "facts 5", check_asn_iana_reserved, -1},
    {"GW-BGP-003", E, "The on-premises ASN differs from the gateway's ASN (default 65515)",
     "facts 5", check_asn_differ, -1},
    {"GW-BGP-004", W, "ASN 65516 is neither reserved nor in the usable private ranges "
     "64512-65514, 65521-65534", "facts 5", check_asn_usable, -1},
    {"GW-BGP-005", E, "ASNs are 1 to 4294967295 (32-bit; 16-bit only under the older source)",
     "facts 5, 11", check_asn_range, GW_OPT_ASN_16BIT},
    {"GW-BGP-006", E, "Custom Azure APIPA BGP addresses lie in 169.254.21.0-169.254.22.255",
     "facts 5", check_apipa_range, -1},
    {"GW-BGP-007", E, "APIPA BGP addresses are unique; an active-active gateway has one per "
     "instance", "facts 5", check_apipa_unique, -1},
    {"GW-BGP-008", E, "The on-premises BGP peer address is not the device's public IP",
     "facts 5", check_peer_not_public, -1},
    {"GW-BGP-009", E, "The on-premises BGP peer address is not inside the gateway's virtual "
     "network", "facts 5", check_peer_not_in_vnet, -1},
    {"GW-BGP-010", E, "A BGP connection has BGP enabled on its gateway and bgpSettings (asn, "
     "bgpPeeringAddress) on its local network gateway", "facts 5", check_bgp_settings_present,
     -1},
    {"GW-BGP-011", E, "An APIPA on-premises BGP peer needs custom APIPA addresses on the gateway",
     "facts 5, 11", check_onprem_apipa, GW_OPT_ONPREM_APIPA_REFUSED},
    {"GW-BGP-012", E, "Several tunnels from one gateway to the same on-premises network all use "
     "BGP", "facts 5", check_redundant_tunnels_bgp, -1},
    {"GW-BGP-013", E, "An APIPA on-premises BGP peer address is in none of its local network "
     "gateway's addressPrefixes", "facts 5", check_peer_not_in_lng_prefixes, -1},
    {"GW-BGP-014", E, "Under the older articles, a non-APIPA on-premises BGP peer address lies "
     "in its local network gateway's addressPrefixes (its /32)", "facts 5, 11",
     check_peer_host_route, GW_OPT_BGP_PEER_HOST_ROUTE},

    {"GW-PSK-001", E, "sharedKey is printable ASCII except space, '-' and '~' (alphanumeric "
     "1-128 under the older source)", "facts 9.2, 11", check_shared_key,
     GW_OPT_SHARED_KEY_ALPHANUMERIC},

    {"GW-POL-001", E, "A connection has at most one ipsecPolicies entry", "facts 3.3",
     check_policy_one, -1},
    {"GW-POL-002", E, "A custom policy gives every algorithm field (ikeEncryption, ikeIntegrity, "
     "dhGroup, ipsecEncryption, ipsecIntegrity, pfsGroup)", "facts 3.1, 3.3",
     check_policy_complete, -1},
    {"GW-POL-003", E, "GCMAES ipsecEncryption and ipsecIntegrity are the same GCMAES algorithm "
     "and key length", "facts 3.3", check_policy_gcm, -1},
    {"GW-POL-004", E, "saLifeTimeSeconds is at least 300", "facts 3.1", check_policy_lifetime_s,
     -1},
    {"GW-POL-005", E, "saDataSizeKilobytes is at least 1024", "facts 3.1",
     check_policy_lifetime_kb, -1},
    {"GW-POL-006", E, "Policy values only in older documents (ikeEncryption DES3/DES, PFS14) are "
     "refused", "facts 3.1, 3.2, 11", check_policy_older_values, GW_OPT_OLDER_POLICY_VALUES},
    {"GW-POL-007", W, "dhGroup None (a documented value) leaves the IKE SA without the "
     "Diffie-Hellman group IKEv2 and IKEv1 need: the connection never comes up", "facts 3.1",
     check_policy_dh_none, -1},

    {"GW-CON-001", E, "dpdTimeoutSeconds is 9 to 3600", "facts 2.5, 3.1", check_dpd, -1},
    {"GW-CON-002", E, "usePolicyBasedTrafficSelectors needs a complete custom policy",
     "facts 3.4, 11", check_pbts_needs_policy, GW_OPT_TS_WITH_DEFAULT_POLICY},
    {"GW-CON-003", W, "trafficSelectorPolicies take effect only with "
     "usePolicyBasedTrafficSelectors", "facts 3.4", check_ts_without_pbts, -1},
    {"GW-CON-004", E, "Policy-based traffic selectors and NAT rules are not used together",
     "facts 3.4, 6", check_pbts_nat, -1},
    {"GW-CON-005", E, "connectionMode InitiatorOnly/ResponderOnly only on IKEv2 connections of "
     "route-based gateways", "facts 3.5", check_connection_mode, -1},
    {"GW-CON-006", E, "NAT rules link only to IPsec (site-to-site) connections", "facts 6",
     check_nat_connection_type, -1},
    {"GW-CON-007", E, "usePolicyBasedTrafficSelectors needs an IKEv2 connection", "facts 3.4",
     check_pbts_ikev2, -1},

    {"GW-V2V-001", E, "VNet-to-VNet needs route-based gateways at both ends", "facts 4",
     check_v2v_route_based, -1},
    {"GW-V2V-002", E, "Both connection resources of a VNet-to-VNet pair carry the same "
     "ipsecPolicies", "facts 3.3", check_v2v_same_policy, -1},
    {"GW-V2V-003", E, "Both connection resources of a VNet-to-VNet pair have the same sharedKey",
     "facts 9.2", check_v2v_same_key, -1},
    {"GW-V2V-004", W, "A VNet-to-VNet connection has its connection resource in the other "
     "direction", "facts 3.3", check_v2v_pair, -1},
    {"GW-V2V-005", E, "VNet-to-VNet connections use IKEv2", "facts 3.6, 11", check_v2v_ikev2,
     GW_OPT_VNET2VNET_IKEV1},
    {"GW-V2V-006", E, "Several tunnels between two VNets (VNet-to-VNet connections from one "
     "gateway to the same other gateway) need at least one active-active gateway", "facts 5",
     check_v2v_several_tunnels, -1},

    {"GW-NAT-001", E, "A NAT rule has one internal and one external prefix of the same length",
     "facts 6", check_nat_mappings, -1},
    {"GW-NAT-002", E, "NAT rule names do not contain '/'", "facts 6", check_nat_name, -1},
    {"GW-NAT-003", E, "A Dynamic NAT rule's external mapping is at most a /26", "facts 6",
     check_nat_dynamic_size, -1},
    {"GW-NAT-004", E, "A Dynamic NAT rule is linked to one connection only", "facts 6",
     check_nat_dynamic_once, -1},

    {"GW-NAT-005", E, "The external mappings of a gateway's NAT rules do not overlap each other",
     "facts 6", check_nat_external_overlap, -1},
    {"GW-NAT-006", E, "External mappings do not overlap a network the gateway reaches without NAT "
     "(local networks of connections without NAT rules, VNet-to-VNet peers)", "facts 6",
     check_nat_external_vs_plain, -1},
    {"GW-NAT-007", E, "A gateway has at most 500 NAT rules, ingress and egress together (100 "
     "in the original FAQ)", "facts 6, 11, 13.1", check_nat_count, GW_OPT_NAT_RULES_100},
    {"GW-NAT-008", E, "NAT rules are not linked to a connection whose on-premises BGP peer is "
     "an APIPA address", "facts 6", check_nat_apipa_peer, -1},
    {"GW-NAT-009", E, "Static and Dynamic NAT rules are not linked to the same connection",
     "interop-failures 13", check_nat_static_dynamic_mix, -1},
    {"GW-NAT-010", E, "A connection links IngressSnat rules in ingressNatRules and EgressSnat rules "
     "in egressNatRules", "facts 6", check_nat_list_mode, -1},
    {"GW-NAT-011", E, "One IngressSnat rule is linked to several connections only when they reach "
     "the same on-premises network", "facts 6", check_nat_ingress_shared, -1},
    {"GW-NAT-012", E, "A NAT rule's ipConfigurationId is activeActive only on an active-active "
     "gateway", "facts 6", check_nat_ipconfig, -1},
    {"GW-NAT-013", W, "On an active-active gateway a rule pinned to one instance has a twin with "
     "the same translation for the other", "facts 6", check_nat_aa_pairs, -1},
    {"GW-NAT-014", E, "Port mappings (a mapping's portRange) belong to Static NAT rules only",
     "facts 6", check_nat_ports_static, -1},
    {"GW-NAT-015", E, "A NAT rule's portRange is a single port (1-65535, no range), given on both "
     "its internal and its external mapping", "facts 6", check_nat_port_single, -1},

    {"GW-P2S-001", E, "SSTP and OpenVPN are not enabled together", "facts 7.1",
     check_p2s_sstp_openvpn, -1},
    {"GW-P2S-002", E, "The client address pool is given, at least /29 (/28 active-active), and "
     "does not overlap the virtual network", "facts 7.2", check_p2s_pool, -1},
    {"GW-P2S-003", E, "At most 20 trusted root certificates", "facts 7.1", check_p2s_roots, -1},
    {"GW-P2S-004", E, "IKEv2 and SSTP authenticate with certificates or RADIUS; Microsoft "
     "Entra ID (AAD) only with OpenVPN", "facts 7.1", check_p2s_auth, -1},
    {"GW-P2S-005", E, "vpnClientIpsecPolicies holds one policy", "facts 7.4", check_p2s_policies,
     -1},
    {"GW-P2S-006", E, "An active-active gateway with point-to-site has a third public IP "
     "(p2sPublicIpAddress)", "facts 7.2", check_p2s_aa_ip, -1},
};
#undef E
#undef W
const size_t gw_n_rules = G_N_ELEMENTS(gw_rules);

const GwRule *gw_rule_find(const char *id)
{
  for (size_t i = 0; i < gw_n_rules; i++)
    if (strcmp(gw_rules[i].id, id) == 0)
      return &gw_rules[i];
  return NULL;
}

void gw_rule_run(const GwRule *rule, const GwConfig *cfg, GwDiags *out)
{
  g_return_if_fail(rule && cfg && out);
  if (!rule->check)
    return;
  GwCheck ck = {rule, out};
  rule->check(cfg, &ck);
}

void gw_validate(const GwConfig *cfg, GwDiags *out)
{
  for (size_t i = 0; i < gw_n_rules; i++)
    gw_rule_run(&gw_rules[i], cfg, out);
}

/* ---- options (facts 11) ---- */

const GwOptionDef gw_options[GW_OPT_N] = {
    [GW_OPT_GATEWAY_SUBNET_REQUIRE_27] = {"gatewaySubnetSize", "recommend27", "require27",
        "Gateway subnet minimum", "FAQ 06/04/2026: /29 allowed, /27 recommended",
        "settings 02/29/2024: /29 only for Basic, others /27+", NULL},
    [GW_OPT_SHARED_KEY_ALPHANUMERIC] = {"sharedKeyCharacters", "printable", "alphanumeric",
        "PSK characters", "FAQ 06/04/2026: printable ASCII except space, - and ~",
        "FAQ 08/20/2015: alphanumeric, 1-128", NULL},
    [GW_OPT_TUNNEL_LIMITS_2019] = {"tunnelLimits", "current", "2019", "Tunnels on VpnGw4/5",
        "about-gateway-skus 06/11/2026: 100", "include 11/12/2019: 30", NULL},
    [GW_OPT_BASIC_P2S_IKEV2] = {"basicP2sIkev2", "unsupported", "supported",
        "Basic SKU and P2S IKEv2", "about-gateway-skus 06/11/2026: not supported",
        "ikev2-openvpn-from-sstp 09/29/2025: supported from Nov 2025", NULL},
    [GW_OPT_ASN_16BIT] = {"asnSize", "32bit", "16bit", "32-bit ASN",
        "FAQ 06/04/2026: supported", "BGP FAQ include 02/12/2019: 16-bit only", NULL},
    [GW_OPT_ONPREM_APIPA_REFUSED] = {"onPremisesApipaPeer", "allowed", "refused",
        "On-prem APIPA BGP peer", "FAQ 06/04/2026: allowed with custom Azure APIPA",
        "BGP FAQ include 02/12/2019: not allowed", NULL},
    [GW_OPT_TS_WITH_DEFAULT_POLICY] = {"policyBasedTrafficSelectors", "customPolicy",
        "defaultPolicy", "Policy-based TS needs a custom policy?",
        "connect-multiple-policybased 10/10/2023: complete custom policy required",
        "ipsec-ike-policy-howto 01/12/2023: Default policy is enough", NULL},
    [GW_OPT_OLDER_POLICY_VALUES] = {"policyValues", "current", "older",
        "Custom policy values", "algorithm include 01/26/2024: current lists",
        "older revisions: IKE DES3/DES, PFS14", NULL},
    [GW_OPT_VNET2VNET_IKEV1] = {"vnetToVnetIke", "IKEv2", "any", "VNet-to-VNet IKE",
        "FAQ 06/04/2026: IKEv2",
        "FAQ 08/20/2015, original FAQs ~2017-18 (002) and 2025-03-31 (001): IKEv1 and IKEv2", NULL},
    [GW_OPT_STANDARD_NO_BGP] = {"standardSkuBgp", "supported", "unsupported",
        "BGP on legacy Standard", "legacy requirements 08/06/2024: supported",
        "older requirements include: not supported", NULL},
    [GW_OPT_UNPLANNED_FAILOVER_2016] = {"unplannedFailover", "current", "2016",
        "A/S unplanned failover", "highlyavailable 07/24/2024: 1-3 min worst case",
        "highlyavailable 09/24/2016: 1-1.5 min worst case", NULL},
    /* facts 13.1: where the original 2015-2025 documents differ from the newest revision
     * (docs/facts-original-documents.md); the other claim is the original document's. */
    [GW_OPT_BGP_APIPA_GATEWAY_OPENS] = {"bgpApipaInitiation", "deviceOpens", "gatewayOpens",
        "Who opens BGP to an APIPA peer", "FAQ 06/04/2026: the gateway does not, the device must",
        "original FAQ 2025-03-31 (001): the gateway opens it whatever the peer's address, and "
        "the device must be set to open it too", NULL},
    [GW_OPT_BGP_HOLD_NEGOTIATED] = {"bgpHoldTime", "fixed", "negotiated",
        "BGP hold time", "FAQ 06/04/2026: keepalive 60 s and hold 180 s, not configurable, "
        "on-premises should match",
        "original FAQ 2025-03-31 (001): 60/180 s are defaults, on-premises may use lower "
        "timers (RFC 4271: the smaller hold time wins)", NULL},
    [GW_OPT_RESERVED_ASNS_ORIGINAL] = {"reservedPublicAsns", "current", "original",
        "Azure-reserved public ASNs", "FAQ 06/04/2026: 8074, 8075, 12076",
        "original FAQ ~2017-18 (002): 8075, 8076, 12076", NULL},
    [GW_OPT_NAT_RULES_100] = {"natRuleMaximum", "500", "100", "NAT rules per gateway",
        "nat-overview 10/16/2024, FAQ 06/04/2026: 500",
        "original FAQ 2025-03-31 (001), NAT FAQ include 01/23/2024: 100", NULL},
    [GW_OPT_BGP_PEER_HOST_ROUTE] = {"bgpPeerHostRoute", "omit", "include",
        "The BGP peer's /32 in the local network gateway",
        "FAQ 06/04/2026: don't add it, the gateway adds the host route itself",
        "BGP FAQ include 02/12/2019, highlyavailable 09/24/2016: the peer's /32 must be in "
        "the address space", NULL},
    [GW_OPT_LEGACY_MIGRATION_NON_AZ] = {"legacyMigration", "azSkus", "nonAz",
        "Legacy SKU migration targets",
        "about-skus-legacy 11/28/2023: Standard to VpnGw1AZ, HighPerformance to VpnGw2AZ",
        "original FAQ 2025-03-31 (001): Standard to VpnGw1, HighPerformance to VpnGw2, never "
        "to an AZ SKU", NULL},
    [GW_OPT_DEVICE_BEHIND_NAT_REFUSED] = {"deviceBehindNat", "supported", "refused",
        "S2S device behind NAT", "FAQ 06/04/2026: NAT-T supported, the device should initiate",
        "original FAQ ~2017-18 (002), overviews 06/05/2017 (003) and ~2019 (004): a public "
        "IPv4 address not behind a NAT (a scenario with the device behind a NAT box is refused)", NULL},
    [GW_OPT_P2S_CLIENT_TO_CLIENT_BLOCKED] = {"p2sClientToClient", "allowed", "blocked",
        "P2S client to client", "point-to-site docs (facts 7.1): clients reach each other",
        "original FAQ 2025-03-31 (001): clients on one gateway can't communicate",
        "waits for issue 19, point-to-site"},
    [GW_OPT_P2S_FROM_DEVICE_IP_ALL] = {"p2sFromDeviceIp", "ikev2Only", "allProtocols",
        "P2S from the S2S device's public IP",
        "FAQ 06/04/2026 (facts 7.1): IKEv2 clients only",
        "original FAQ 2025-03-31 (001): every P2S protocol",
        "waits for issue 19, point-to-site"},
    [GW_OPT_PUBLIC_IP_DYNAMIC] = {"publicIpAllocation", "static", "dynamic",
        "Public IP assignment", "FAQ 06/04/2026 (facts 1.5, 9.3): new gateways need a "
        "Standard static IP",
        "original FAQ ~2017-18 (002): only Dynamic assignment, the IP known after creation",
        "not modelled: the cloud section gives addresses, not an allocation method"},
};

char *gw_rules_markdown(void)
{
  GString *s = g_string_new(NULL);
  g_string_append(s,
                  "<!-- Generated by `vpnsim list rules --format markdown` from "
                  "models/gateway/gw_rules.c; do not edit. -->\n"
                  "# Gateway configuration rules\n\n"
                  "`vpnsim validate SCENARIO` applies these rules to the scenario's `cloud:` "
                  "section and prints\n`file:line:col: error|warning RULE-ID: message` for "
                  "each finding; it exits 2 when any\nerror is present. Sources are sections "
                  "of `shared/reference/azure-vpn-facts.md`.\n\n"
                  "| ID | Severity | Rule | Source | Option |\n|---|---|---|---|---|\n");
  for (size_t i = 0; i < gw_n_rules; i++) {
    const GwRule *r = &gw_rules[i];
    g_string_append_printf(s, "| %s | %s | %s | %s | %s |\n", r->id,
                           gw_severity_name(r->severity), r->statement, r->source,
                           r->option >= 0 ? gw_options[r->option].key : "");
  }
  g_string_append(s,
                  "\n## Scenario options: where the documents disagree\n\n"
                  "By default each rule follows the newest source (facts section 11). A "
                  "top-level `options:`\nmapping of the scenario selects the other claim, "
                  "e.g. `options: {gatewaySubnetSize: require27}`.\nThe options from "
                  "`bgpApipaInitiation` on are where the original 2015-2025 documents\n"
                  "differ (facts 13.1, [facts-original-documents.md](facts-original-documents.md));"
                  " a claim the model\ncannot follow yet is refused with the reason given.\n\n"
                  "| Option | Default (newest source) | Other value (other source) | Topic |\n"
                  "|---|---|---|---|\n");
  for (int i = 0; i < GW_OPT_N; i++) {
    const GwOptionDef *o = &gw_options[i];
    g_string_append_printf(s, "| `%s` | `%s`: %s | `%s`: %s%s%s%s | %s |\n", o->key, o->newest,
                           o->newest_source, o->other, o->other_source,
                           o->waits_for ? " (" : "", o->waits_for ? o->waits_for : "",
                           o->waits_for ? ")" : "", o->topic);
  }
  return g_string_free(s, FALSE);
}
