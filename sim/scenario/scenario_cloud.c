/* SPDX-License-Identifier: MIT */
/* Scenario loader for the cloud: section (ARM property names, "properties" level
 * flattened) and the options: section (facts 11 disagreements), into the gateway model. */
#include "sim/scenario/scenario_cloud.h"

#include "models/gateway/gw_policy.h"
#include "sim/scenario/scn_impair.h"
#include "sim/scenario/yaccess.h"

#include <string.h>

#define SCN_RULE "GW-SCN-001"

/* The cloud loader's state is the accessor context: the document, GW-SCN-001 for every
 * shape problem, and the diagnostics list. */
typedef YaCtx Loader;

#define err(L, n, ...) ya_err(L, n, __VA_ARGS__)

static bool is_map(Loader *L, const YtNode *n, const char *what)
{
  return ya_kind(L, n, YT_MAP, what);
}

static bool is_seq(Loader *L, const YtNode *n, const char *what)
{
  return ya_kind(L, n, YT_SEQ, what);
}

static bool scalar(Loader *L, const YtNode *n, const char *what)
{
  return ya_kind(L, n, YT_SCALAR, what);
}

/* Each getter reads map[key] when present into the model's value with its place; absent
 * keys leave the value unset. */

static void get_str(Loader *L, const YtNode *map, const char *key, GwStr *out)
{
  const YtNode *n = yt_map_get(map, key);
  const char *s;
  if (n && ya_scalar(L, n, key, &s))
    *out = (GwStr){true, ya_loc(L, n), s};
}

static void get_int(Loader *L, const YtNode *map, const char *key, int64_t min, int64_t max,
                    GwInt *out)
{
  const YtNode *n = yt_map_get(map, key);
  int64_t v;
  if (n && ya_int(L, n, key, min, max, &v))
    *out = (GwInt){true, ya_loc(L, n), v};
}

static void get_bool(Loader *L, const YtNode *map, const char *key, GwBool *out)
{
  const YtNode *n = yt_map_get(map, key);
  bool v;
  if (n && ya_bool(L, n, key, &v))
    *out = (GwBool){true, ya_loc(L, n), v};
}

static void get_enum(Loader *L, const YtNode *map, const char *key, const NameTable *t,
                     GwEnum *out)
{
  const YtNode *n = yt_map_get(map, key);
  int v;
  if (n && ya_enum(L, n, key, t, &v))
    *out = (GwEnum){true, ya_loc(L, n), v};
}

static void get_policy_enum(Loader *L, const YtNode *map, GwPolicyFieldId f, GwEnum *out)
{
  const char *key = gw_policy_fields[f].field;
  const YtNode *n = yt_map_get(map, key);
  if (!n || !scalar(L, n, key))
    return;
  int v;
  if (gw_policy_parse(f, n->str, &v)) {
    *out = (GwEnum){true, ya_loc(L, n), v};
    return;
  }
  /* given but unreadable: set, so that GW-POL-002 does not also call it missing */
  *out = (GwEnum){true, ya_loc(L, n), -1};
  const char *hint = gw_policy_nearest(f, n->str);
  if (hint)
    err(L, n, "%s '%s' is not a value of %s (did you mean '%s'? see 'vpnsim list policies')",
        key, n->str, gw_policy_fields[f].ps_name, hint);
  else
    err(L, n, "%s '%s' is not a value of %s (see 'vpnsim list policies')", key, n->str,
        gw_policy_fields[f].ps_name);
}

static bool parse_ip(Loader *L, const YtNode *n, const char *what, GwIp *out)
{
  Ipv4Addr a;
  if (!ya_ip(L, n, what, &a))
    return false;
  *out = (GwIp){true, ya_loc(L, n), a};
  return true;
}

static void get_ip(Loader *L, const YtNode *map, const char *key, GwIp *out)
{
  const YtNode *n = yt_map_get(map, key);
  if (n)
    parse_ip(L, n, key, out);
}

static bool parse_prefix(Loader *L, const YtNode *n, const char *what, GwPfx *out)
{
  Ipv4Prefix p;
  if (!ya_prefix(L, n, what, &p))
    return false;
  *out = (GwPfx){ya_loc(L, n), p};
  return true;
}

/* A prefix list: a sequence of prefixes (a single scalar is accepted as a list of one). */
static void get_prefixes(Loader *L, const YtNode *map, const char *key, GwPfx *arr,
                         unsigned *n, unsigned cap)
{
  const YtNode *node = yt_map_get(map, key);
  if (!node)
    return;
  g_return_if_fail(cap <= GW_MAX_PREFIXES);
  Ipv4Prefix p[GW_MAX_PREFIXES];
  VsLoc loc[GW_MAX_PREFIXES];
  ya_prefixes(L, node, key, p, loc, n, cap);
  for (unsigned i = 0; i < *n; i++)
    arr[i] = (GwPfx){loc[i], p[i]};
}

static void get_names(Loader *L, const YtNode *map, const char *key, GwStr *arr, unsigned *n,
                      unsigned cap)
{
  const YtNode *node = yt_map_get(map, key);
  if (!node || !is_seq(L, node, key))
    return;
  for (size_t i = 0; i < yt_len(node); i++) {
    const YtNode *it = g_ptr_array_index(node->items, i);
    if (*n == cap) {
      err(L, it, "%s: more than %u entries", key, cap);
      return;
    }
    if (scalar(L, it, key))
      arr[(*n)++] = (GwStr){true, ya_loc(L, it), it->str};
  }
}

/* Iterate the mappings of a sequence section; calls fn(L, item, index) for each. */
#define EACH_ITEM(L, seq, what, cap, count, item)                                            \
  for (size_t i_ = 0; (seq) && i_ < yt_len(seq); i_++)                                        \
    for (const YtNode *item = g_ptr_array_index((seq)->items, i_); item; item = NULL)          \
      if (*(count) >= (cap)) {                                                                \
        err(L, item, "%s: more than %u entries", what, (unsigned)(cap));                      \
        break;                                                                                \
      } else if (is_map(L, item, what))

/* ---- bgpSettings ---- */

static const char *const bgp_gw_keys[] = {
    "asn", "bgpPeeringAddress", "customBgpIpAddresses", "peerWeight", NULL};
static const char *const bgp_lng_keys[] = {"asn", "bgpPeeringAddress", "peerWeight", NULL};

static void load_bgp(Loader *L, const YtNode *n, GwBgpSettings *b, bool gateway)
{
  const char *const *gw_keys = bgp_gw_keys;
  const char *const *lng_keys = bgp_lng_keys;
  if (!n || !is_map(L, n, "bgpSettings"))
    return;
  ya_keys(L, n, gateway ? gw_keys : lng_keys);
  b->set = true;
  b->loc = ya_loc(L, n);
  /* the range check is GW-BGP-005; here only "an integer that fits" */
  get_int(L, n, "asn", INT64_MIN, INT64_MAX, &b->asn);
  get_ip(L, n, "bgpPeeringAddress", &b->bgpPeeringAddress);
  get_int(L, n, "peerWeight", 0, 100, &b->peerWeight);
  const YtNode *c = yt_map_get(n, "customBgpIpAddresses");
  if (c && is_seq(L, c, "customBgpIpAddresses"))
    for (size_t i = 0; i < yt_len(c); i++) {
      const YtNode *it = g_ptr_array_index(c->items, i);
      if (b->n_customBgpIpAddresses == 2) {
        err(L, it, "customBgpIpAddresses: at most two (one per gateway instance)");
        break;
      }
      if (parse_ip(L, it, "customBgpIpAddresses", &b->customBgpIpAddresses[b->n_customBgpIpAddresses]))
        b->n_customBgpIpAddresses++;
    }
}

static const char *const cloud_keys[] = {"virtualNetworks", "virtualNetworkGateways",
                                         "localNetworkGateways", "connections", NULL};

/* ---- virtualNetworks ---- */

static const char *const vnet_keys[] = {"name", "addressSpace", "subnets", NULL};
static const char *const subnet_keys[] = {"name", "addressPrefix", NULL};

static void load_vnets(Loader *L, const YtNode *seq, GwConfig *cfg)
{
  const char *const *keys = vnet_keys;
  const char *const *sub_keys = subnet_keys;
  EACH_ITEM(L, seq, "virtualNetworks", GW_MAX_VNETS, &cfg->n_virtualNetworks, it) {
    GwVirtualNetwork *v = &cfg->virtualNetworks[cfg->n_virtualNetworks++];
    v->loc = ya_loc(L, it);
    ya_keys(L, it, keys);
    get_str(L, it, "name", &v->name);
    get_prefixes(L, it, "addressSpace", v->addressSpace, &v->n_addressSpace, GW_MAX_PREFIXES);
    const YtNode *subs = yt_map_get(it, "subnets");
    if (subs && !is_seq(L, subs, "subnets"))
      subs = NULL;
    EACH_ITEM(L, subs, "subnets", GW_MAX_SUBNETS, &v->n_subnets, s) {
      GwSubnet *sn = &v->subnets[v->n_subnets++];
      ya_keys(L, s, sub_keys);
      get_str(L, s, "name", &sn->name);
      const YtNode *p = yt_map_get(s, "addressPrefix");
      if (p)
        sn->has_addressPrefix = parse_prefix(L, p, "addressPrefix", &sn->addressPrefix);
      /* ARM refuses a subnet outside its virtual network's address space (the subnet is
       * carved from it); the model would otherwise place hosts on addresses the network
       * does not own (issue 21: this was accepted). */
      bool inside = !sn->has_addressPrefix || v->n_addressSpace == 0;
      for (unsigned k = 0; k < v->n_addressSpace && !inside; k++)
        inside = ipv4_prefix_contains(v->addressSpace[k].v, sn->addressPrefix.v);
      if (!inside) {
        char buf[IPV4_PREFIX_STRLEN];
        err(L, p, "addressPrefix %s is outside the addressSpace of virtual network %s",
            ipv4_prefix_format(sn->addressPrefix.v, buf), v->name.v ? v->name.v : "?");
      }
    }
  }
}

/* ---- virtualNetworkGateways ---- */

static const char *const nat_rule_keys[] = {
    "name", "type", "mode", "internalMappings", "externalMappings", "ipConfigurationId", NULL};

/* A portRange: "PORT" or "PORT-PORT", each 0-65535 (a YAML integer reads the same). */
static void parse_port_range(Loader *L, const YtNode *n, GwPortRange *out)
{
  if (!scalar(L, n, "portRange"))
    return;
  const char *s = n->str;
  unsigned v[2] = {0, 0}, k = 0;
  bool ok = true;
  for (;;) {
    const char *d = s;
    while (*s >= '0' && *s <= '9' && s - d < 6)
      v[k] = v[k] * 10 + (unsigned)(*s++ - '0');
    ok = ok && s > d && s - d <= 5 && v[k] <= 65535;
    if (*s == '-' && k == 0) {
      s++, k++;
      continue;
    }
    break;
  }
  if (!ok || *s) {
    err(L, n, "portRange '%s' is not a port or a range PORT-PORT (0-65535)", n->str);
    return;
  }
  *out = (GwPortRange){true, ya_loc(L, n), (uint16_t)v[0], (uint16_t)(k ? v[1] : v[0])};
}

static const char *const nat_mapping_keys[] = {"addressSpace", "portRange", NULL};

/* internalMappings / externalMappings: a sequence (or a single item) of prefixes, or of
 * {addressSpace: PREFIX, portRange: PORT} as ARM's VpnNatRuleMapping has them (facts 6:
 * single-port TCP/UDP mappings of Static rules); both forms mix. */
static void get_nat_mappings(Loader *L, const YtNode *map, const char *key, GwPfx *arr,
                             GwPortRange *ports, unsigned *n)
{
  const YtNode *node = yt_map_get(map, key);
  if (!node)
    return;
  if (node->kind == YT_SCALAR) {
    if (parse_prefix(L, node, key, &arr[0]))
      *n = 1;
    return;
  }
  if (!is_seq(L, node, key))
    return;
  for (size_t i = 0; i < yt_len(node); i++) {
    const YtNode *it = g_ptr_array_index(node->items, i), *as = it;
    if (*n == GW_MAX_PREFIXES) {
      err(L, it, "%s: more than %u entries", key, (unsigned)GW_MAX_PREFIXES);
      return;
    }
    ports[*n] = (GwPortRange){0};
    if (it->kind == YT_MAP) {
      ya_keys(L, it, nat_mapping_keys);
      as = ya_need(L, it, "addressSpace", key);
      const YtNode *pr = yt_map_get(it, "portRange");
      if (pr)
        parse_port_range(L, pr, &ports[*n]);
      if (!as)
        continue;
    }
    if (parse_prefix(L, as, key, &arr[*n]))
      (*n)++;
  }
}

static void load_nat_rules(Loader *L, const YtNode *seq, GwVirtualNetworkGateway *g)
{
  const char *const *keys = nat_rule_keys;
  g->n_natRules_declared = (unsigned)yt_len(seq);
  EACH_ITEM(L, seq, "natRules", GW_MAX_NAT_RULES, &g->n_natRules, it) {
    GwNatRule *r = &g->natRules[g->n_natRules++];
    r->loc = ya_loc(L, it);
    ya_keys(L, it, keys);
    get_str(L, it, "name", &r->name);
    get_enum(L, it, "type", &gw_nat_type_names, &r->type);
    get_enum(L, it, "mode", &gw_nat_mode_names, &r->mode);
    get_nat_mappings(L, it, "internalMappings", r->internalMappings, r->internalPorts,
                     &r->n_internalMappings);
    get_nat_mappings(L, it, "externalMappings", r->externalMappings, r->externalPorts,
                     &r->n_externalMappings);
    get_enum(L, it, "ipConfigurationId", &gw_nat_ipconfig_names, &r->ipConfigurationId);
  }
}

static void load_p2s(Loader *L, const YtNode *n, GwVpnClientConfiguration *p);

static const char *const gateway_keys[] = {
    "name", "virtualNetwork", "gatewayType", "vpnType", "sku", "vpnGatewayGeneration",
    "activeActive", "enableBgp", "bgpSettings", "publicIpAddress", "publicIpAddresses",
    "natRules", "vpnClientConfiguration", "enableBgpRouteTranslationForNat", "p2sPublicIpAddress",
    NULL};

static void load_gateways(Loader *L, const YtNode *seq, GwConfig *cfg)
{
  const char *const *keys = gateway_keys;
  EACH_ITEM(L, seq, "virtualNetworkGateways", GW_MAX_GATEWAYS, &cfg->n_virtualNetworkGateways,
            it) {
    GwVirtualNetworkGateway *g = &cfg->virtualNetworkGateways[cfg->n_virtualNetworkGateways++];
    g->loc = ya_loc(L, it);
    ya_keys(L, it, keys);
    get_str(L, it, "name", &g->name);
    get_str(L, it, "virtualNetwork", &g->virtualNetwork);
    get_enum(L, it, "gatewayType", &gw_gateway_type_names, &g->gatewayType);
    if (g->gatewayType.set && g->gatewayType.v != GW_GATEWAY_TYPE_VPN)
      err(L, yt_map_get(it, "gatewayType"),
          "gatewayType ExpressRoute is not simulated: only Vpn gateways");
    get_enum(L, it, "vpnType", &gw_vpn_type_names, &g->vpnType);
    get_str(L, it, "sku", &g->sku);
    get_enum(L, it, "vpnGatewayGeneration", &gw_generation_names, &g->vpnGatewayGeneration);
    get_bool(L, it, "activeActive", &g->activeActive);
    get_bool(L, it, "enableBgp", &g->enableBgp);
    get_bool(L, it, "enableBgpRouteTranslationForNat", &g->enableBgpRouteTranslationForNat);
    load_bgp(L, yt_map_get(it, "bgpSettings"), &g->bgpSettings, true);
    get_ip(L, it, "p2sPublicIpAddress", &g->p2sPublicIpAddress);
    const YtNode *pip = yt_map_get(it, "publicIpAddress");
    const YtNode *pips = yt_map_get(it, "publicIpAddresses");
    if (pip && pips) {
      err(L, pips, "give publicIpAddress or publicIpAddresses, not both");
      g->publicIpAddresses[0].loc = ya_loc(L, pip); /* said: not again by GW-NET-008 */
    }
    else if (pip) {
      if (parse_ip(L, pip, "publicIpAddress", &g->publicIpAddresses[0]))
        g->n_publicIpAddresses = 1;
      else /* given but not an address: said here, not again by GW-NET-008 */
        g->publicIpAddresses[0].loc = ya_loc(L, pip);
    } else if (pips && is_seq(L, pips, "publicIpAddresses"))
      for (size_t i = 0; i < yt_len(pips); i++) {
        const YtNode *p = g_ptr_array_index(pips->items, i);
        if (g->n_publicIpAddresses == 2) {
          err(L, p, "publicIpAddresses: at most two (one per active instance)");
          break;
        }
        if (parse_ip(L, p, "publicIpAddresses", &g->publicIpAddresses[g->n_publicIpAddresses]))
          g->n_publicIpAddresses++;
      }
    const YtNode *nr = yt_map_get(it, "natRules");
    if (nr && is_seq(L, nr, "natRules"))
      load_nat_rules(L, nr, g);
    load_p2s(L, yt_map_get(it, "vpnClientConfiguration"), &g->vpnClientConfiguration);
  }
}

/* ---- localNetworkGateways ---- */

static const char *const local_keys[] = {
    "name", "gatewayIpAddress", "fqdn", "addressPrefixes", "bgpSettings", NULL};

static void load_locals(Loader *L, const YtNode *seq, GwConfig *cfg)
{
  const char *const *keys = local_keys;
  EACH_ITEM(L, seq, "localNetworkGateways", GW_MAX_LOCAL_GATEWAYS, &cfg->n_localNetworkGateways,
            it) {
    GwLocalNetworkGateway *l = &cfg->localNetworkGateways[cfg->n_localNetworkGateways++];
    l->loc = ya_loc(L, it);
    ya_keys(L, it, keys);
    get_str(L, it, "name", &l->name);
    get_ip(L, it, "gatewayIpAddress", &l->gatewayIpAddress);
    get_str(L, it, "fqdn", &l->fqdn);
    if (!l->gatewayIpAddress.set && !l->fqdn.set)
      err(L, it, "a local network gateway needs gatewayIpAddress or fqdn");
    get_prefixes(L, it, "addressPrefixes", l->addressPrefixes, &l->n_addressPrefixes,
                 GW_MAX_PREFIXES);
    load_bgp(L, yt_map_get(it, "bgpSettings"), &l->bgpSettings, false);
  }
}

/* ---- connections ---- */

static const char *const policy_keys[] = {"saLifeTimeSeconds", "saDataSizeKilobytes",
                                          "ipsecEncryption",   "ipsecIntegrity",
                                          "ikeEncryption",     "ikeIntegrity",
                                          "dhGroup",           "pfsGroup",
                                          NULL};

static void load_policy(Loader *L, const YtNode *it, GwIpsecPolicy *p)
{
  p->loc = ya_loc(L, it);
  ya_keys(L, it, policy_keys);
  /* minimums are GW-POL-004/005; here only "an integer that fits" */
  get_int(L, it, "saLifeTimeSeconds", INT64_MIN, INT64_MAX, &p->saLifeTimeSeconds);
  get_int(L, it, "saDataSizeKilobytes", INT64_MIN, INT64_MAX, &p->saDataSizeKilobytes);
  get_policy_enum(L, it, GW_FIELD_IKE_ENCRYPTION, &p->ikeEncryption);
  get_policy_enum(L, it, GW_FIELD_IKE_INTEGRITY, &p->ikeIntegrity);
  get_policy_enum(L, it, GW_FIELD_DH_GROUP, &p->dhGroup);
  get_policy_enum(L, it, GW_FIELD_IPSEC_ENCRYPTION, &p->ipsecEncryption);
  get_policy_enum(L, it, GW_FIELD_IPSEC_INTEGRITY, &p->ipsecIntegrity);
  get_policy_enum(L, it, GW_FIELD_PFS_GROUP, &p->pfsGroup);
}

static const char *const p2s_keys[] = {
    "vpnClientAddressPool", "vpnClientProtocols", "radiusServerAddress",
    "vpnAuthenticationTypes", "vpnClientRootCertificates", "vpnClientRevokedCertificates",
    "vpnClientIpsecPolicies", NULL};
static const char *const p2s_root_keys[] = {"name", "publicCertData", NULL};
static const char *const p2s_revoked_keys[] = {"name", "thumbprint", "client", NULL};

static void load_p2s(Loader *L, const YtNode *n, GwVpnClientConfiguration *p)
{
  const char *const *keys = p2s_keys;
  if (!n || !is_map(L, n, "vpnClientConfiguration"))
    return;
  ya_keys(L, n, keys);
  p->set = true;
  p->loc = ya_loc(L, n);
  get_prefixes(L, n, "vpnClientAddressPool", p->vpnClientAddressPool, &p->n_vpnClientAddressPool,
               GW_MAX_PREFIXES);
  get_ip(L, n, "radiusServerAddress", &p->radiusServerAddress);
  const YtNode *pr = yt_map_get(n, "vpnClientProtocols");
  if (pr && is_seq(L, pr, "vpnClientProtocols")) {
    p->vpnClientProtocols_loc = ya_loc(L, pr);
    for (size_t i = 0; i < yt_len(pr); i++) {
      const YtNode *it = g_ptr_array_index(pr->items, i);
      int64_t v;
      if (!scalar(L, it, "vpnClientProtocols"))
        continue;
      if (name_parse(&gw_p2s_protocol_names, it->str, &v)) {
        p->vpnClientProtocols |= (unsigned)v;
      } else {
        const char *hint = name_nearest(&gw_p2s_protocol_names, it->str);
        err(L, it, "vpnClientProtocols '%s' is not one of IkeV2, SSTP, OpenVPN%s%s%s", it->str,
            hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
      }
    }
  }
  const YtNode *at = yt_map_get(n, "vpnAuthenticationTypes");
  if (at && is_seq(L, at, "vpnAuthenticationTypes")) {
    p->vpnAuthenticationTypes_loc = ya_loc(L, at);
    for (size_t i = 0; i < yt_len(at); i++) {
      const YtNode *it = g_ptr_array_index(at->items, i);
      int64_t v;
      if (!scalar(L, it, "vpnAuthenticationTypes"))
        continue;
      if (name_parse(&gw_p2s_auth_type_names, it->str, &v))
        p->vpnAuthenticationTypes |= (unsigned)v;
      else
        err(L, it, "vpnAuthenticationTypes '%s' is not one of Certificate, Radius, AAD",
            it->str);
    }
  }
  const YtNode *s;
  /* facts 7.1: up to 20 roots (GW-P2S-004 says so for more) */
  if ((s = yt_map_get(n, "vpnClientRootCertificates")) && is_seq(L, s, "vpnClientRootCertificates")) {
    EACH_ITEM(L, s, "vpnClientRootCertificates", GW_P2S_MAX_ROOTS,
              &p->n_vpnClientRootCertificates, it) {
      GwP2sRootCertificate *r = &p->vpnClientRootCertificates[p->n_vpnClientRootCertificates++];
      r->loc = ya_loc(L, it);
      ya_keys(L, it, p2s_root_keys);
      get_str(L, it, "name", &r->name);
      get_str(L, it, "publicCertData", &r->publicCertData);
      if (!r->name.set)
        err(L, it, "a root certificate needs a name");
    }
  }
  if ((s = yt_map_get(n, "vpnClientRevokedCertificates")) &&
      is_seq(L, s, "vpnClientRevokedCertificates")) {
    EACH_ITEM(L, s, "vpnClientRevokedCertificates", GW_MAX_NAMES,
              &p->n_vpnClientRevokedCertificates, it) {
      GwP2sRevokedCertificate *r =
          &p->vpnClientRevokedCertificates[p->n_vpnClientRevokedCertificates++];
      r->loc = ya_loc(L, it);
      ya_keys(L, it, p2s_revoked_keys);
      get_str(L, it, "name", &r->name);
      get_str(L, it, "thumbprint", &r->thumbprint);
      get_str(L, it, "client", &r->client);
      if (r->thumbprint.set == r->client.set)
        err(L, it, "a revoked certificate gives exactly one of 'thumbprint' and 'client'");
    }
  }
  if ((s = yt_map_get(n, "vpnClientIpsecPolicies")) && is_seq(L, s, "vpnClientIpsecPolicies")) {
    EACH_ITEM(L, s, "vpnClientIpsecPolicies", GW_MAX_POLICIES, &p->n_vpnClientIpsecPolicies,
              it) {
      load_policy(L, it, &p->vpnClientIpsecPolicies[p->n_vpnClientIpsecPolicies++]);
    }
  }
}


static void load_policies(Loader *L, const YtNode *seq, GwConnection *c)
{
  EACH_ITEM(L, seq, "ipsecPolicies", GW_MAX_POLICIES, &c->n_ipsecPolicies, it)
    load_policy(L, it, &c->ipsecPolicies[c->n_ipsecPolicies++]);
}

static const char *const ts_policy_keys[] = {"localAddressRanges", "remoteAddressRanges", NULL};

static void load_ts(Loader *L, const YtNode *seq, GwConnection *c)
{
  const char *const *keys = ts_policy_keys;
  EACH_ITEM(L, seq, "trafficSelectorPolicies", GW_MAX_TS_POLICIES, &c->n_trafficSelectorPolicies,
            it) {
    GwTrafficSelectorPolicy *t = &c->trafficSelectorPolicies[c->n_trafficSelectorPolicies++];
    t->loc = ya_loc(L, it);
    ya_keys(L, it, keys);
    get_prefixes(L, it, "localAddressRanges", t->localAddressRanges, &t->n_localAddressRanges,
                 GW_MAX_PREFIXES);
    get_prefixes(L, it, "remoteAddressRanges", t->remoteAddressRanges, &t->n_remoteAddressRanges,
                 GW_MAX_PREFIXES);
  }
}

static const char *const connection_keys[] = {
    "name", "connectionType", "virtualNetworkGateway1", "localNetworkGateway2",
    "virtualNetworkGateway2", "connectionProtocol", "sharedKey", "enableBgp",
    "usePolicyBasedTrafficSelectors", "dpdTimeoutSeconds", "connectionMode", "ipsecPolicies",
    "trafficSelectorPolicies", "ingressNatRules", "egressNatRules", "impair", NULL};

static void load_connections(Loader *L, const YtNode *seq, GwConfig *cfg)
{
  const char *const *keys = connection_keys;
  EACH_ITEM(L, seq, "connections", GW_MAX_CONNECTIONS, &cfg->n_connections, it) {
    GwConnection *c = &cfg->connections[cfg->n_connections++];
    c->loc = ya_loc(L, it);
    ya_keys(L, it, keys);
    get_str(L, it, "name", &c->name);
    get_enum(L, it, "connectionType", &gw_connection_type_names, &c->connectionType);
    get_str(L, it, "virtualNetworkGateway1", &c->virtualNetworkGateway1);
    get_str(L, it, "localNetworkGateway2", &c->localNetworkGateway2);
    get_str(L, it, "virtualNetworkGateway2", &c->virtualNetworkGateway2);
    get_enum(L, it, "connectionProtocol", &gw_connection_protocol_names, &c->connectionProtocol);
    get_str(L, it, "sharedKey", &c->sharedKey);
    get_bool(L, it, "enableBgp", &c->enableBgp);
    get_bool(L, it, "usePolicyBasedTrafficSelectors", &c->usePolicyBasedTrafficSelectors);
    /* the 9-3600 range is GW-CON-001 */
    get_int(L, it, "dpdTimeoutSeconds", INT64_MIN, INT64_MAX, &c->dpdTimeoutSeconds);
    get_enum(L, it, "connectionMode", &gw_connection_mode_names, &c->connectionMode);
    const YtNode *p = yt_map_get(it, "ipsecPolicies");
    if (p && is_seq(L, p, "ipsecPolicies"))
      load_policies(L, p, c);
    const YtNode *t = yt_map_get(it, "trafficSelectorPolicies");
    if (t && is_seq(L, t, "trafficSelectorPolicies"))
      load_ts(L, t, c);
    get_names(L, it, "ingressNatRules", c->ingressNatRules, &c->n_ingressNatRules, GW_MAX_NAMES);
    get_names(L, it, "egressNatRules", c->egressNatRules, &c->n_egressNatRules, GW_MAX_NAMES);
    const YtNode *im = yt_map_get(it, "impair");
    if (im)
      scn_impair_load(L, im, &c->impair);
  }
}

/* ---- options (facts 11) ---- */

static void load_options(Loader *L, const YtNode *n, GwOptions *o)
{
  if (!n || !is_map(L, n, "options"))
    return;
  const char *keys[GW_OPT_N + 1];
  for (int i = 0; i < GW_OPT_N; i++)
    keys[i] = gw_options[i].key;
  keys[GW_OPT_N] = NULL;
  ya_keys(L, n, keys);
  for (int i = 0; i < GW_OPT_N; i++) {
    const YtNode *v = yt_map_get(n, gw_options[i].key);
    if (!v || !scalar(L, v, gw_options[i].key))
      continue;
    if (strcmp(v->str, gw_options[i].newest) == 0 || strcmp(v->str, gw_options[i].other) == 0) {
      o->other[i] = strcmp(v->str, gw_options[i].other) == 0;
      o->loc[i] = ya_loc(L, v);
      if (o->other[i] && gw_options[i].waits_for)
        err(L, v, "options.%s: the model cannot follow '%s' yet (%s)", gw_options[i].key,
            v->str, gw_options[i].waits_for);
    } else {
      err(L, v, "options.%s is '%s' (newest source) or '%s', not '%s'", gw_options[i].key,
          gw_options[i].newest, gw_options[i].other, v->str);
    }
  }
}

GwConfig *scn_cloud_load(const YtDoc *doc, VsDiags *diags)
{
  Loader L = {doc, SCN_RULE, diags};
  GwConfig *cfg = gw_config_new();
  const YtNode *root = doc->root;
  if (!root || root->kind != YT_MAP) {
    err(&L, root, "a scenario is a mapping of sections (name, cloud, ...)");
    return cfg;
  }
  load_options(&L, yt_map_get(root, "options"), &cfg->options);
  const YtNode *cloud = yt_map_get(root, "cloud");
  if (!cloud) {
    err(&L, root, "the scenario has no cloud: section");
    return cfg;
  }
  if (!is_map(&L, cloud, "cloud"))
    return cfg;
  ya_keys(&L, cloud, cloud_keys);
  const YtNode *s;
  if ((s = yt_map_get(cloud, "virtualNetworks")) && is_seq(&L, s, "virtualNetworks"))
    load_vnets(&L, s, cfg);
  if ((s = yt_map_get(cloud, "virtualNetworkGateways")) && is_seq(&L, s, "virtualNetworkGateways"))
    load_gateways(&L, s, cfg);
  if ((s = yt_map_get(cloud, "localNetworkGateways")) && is_seq(&L, s, "localNetworkGateways"))
    load_locals(&L, s, cfg);
  if ((s = yt_map_get(cloud, "connections")) && is_seq(&L, s, "connections"))
    load_connections(&L, s, cfg);
  return cfg;
}

bool scn_cloud_load_policy(const YtDoc *doc, const YtNode *map, GwIpsecPolicy *out,
                           VsDiags *diags)
{
  Loader L = {doc, SCN_RULE, diags};
  size_t before = vs_diags_len(diags);
  memset(out, 0, sizeof *out);
  if (is_map(&L, map, "ipsecPolicies entry"))
    load_policy(&L, map, out);
  return vs_diags_len(diags) == before;
}

size_t scn_cloud_validate(const YtDoc *doc, VsDiags *diags)
{
  GwConfig *cfg = scn_cloud_load(doc, diags);
  gw_validate(cfg, diags);
  gw_config_free(cfg);
  vs_diags_sort(diags);
  return vs_diags_count(diags, VS_SEV_ERROR);
}

/* ---- the key tables, for tools (vpnsim schema) ---- */

const YaKeyTable scn_cloud_key_tables[] = {
    {"cloud", cloud_keys, "The Azure side, as the resource model's properties (facts 1-9)."},
    {"cloud.virtualNetworks[]", vnet_keys, "A virtual network (Microsoft.Network/virtualNetworks)."},
    {"cloud.virtualNetworks[].subnets[]", subnet_keys,
     "A subnet; the gateway's is named GatewaySubnet."},
    {"cloud.virtualNetworkGateways[]", gateway_keys,
     "A VPN gateway (Microsoft.Network/virtualNetworkGateways)."},
    {"cloud.virtualNetworkGateways[].bgpSettings", bgp_gw_keys, "The gateway's BGP settings."},
    {"cloud.virtualNetworkGateways[].natRules[]", nat_rule_keys, "A NAT rule of the gateway."},
    {"cloud.virtualNetworkGateways[].natRules[].internalMappings[]", nat_mapping_keys,
     "A mapping before translation: a prefix, or {addressSpace, portRange} (a single TCP/UDP "
     "port, Static rules only)."},
    {"cloud.virtualNetworkGateways[].natRules[].externalMappings[]", nat_mapping_keys,
     "A mapping after translation: a prefix, or {addressSpace, portRange} (a single TCP/UDP "
     "port, Static rules only)."},
    {"cloud.virtualNetworkGateways[].vpnClientConfiguration.vpnClientRootCertificates[]",
     p2s_root_keys, "A trusted root: a name (the run generates it) or publicCertData."},
    {"cloud.virtualNetworkGateways[].vpnClientConfiguration.vpnClientRevokedCertificates[]",
     p2s_revoked_keys, "A revoked client certificate: its thumbprint, or a p2sClients entry's."},
    {"cloud.virtualNetworkGateways[].vpnClientConfiguration", p2s_keys,
     "Point-to-site settings (checked by the rules, not simulated)."},
    {"cloud.localNetworkGateways[]", local_keys,
     "A local network gateway: the on-premises site as Azure sees it."},
    {"cloud.localNetworkGateways[].bgpSettings", bgp_lng_keys, "The site's BGP settings."},
    {"cloud.connections[]", connection_keys,
     "A connection (Microsoft.Network/connections) between a gateway and a site or gateway."},
    {"cloud.connections[].ipsecPolicies[]", policy_keys, "A custom IPsec/IKE policy (facts 3.1)."},
    {"cloud.connections[].trafficSelectorPolicies[]", ts_policy_keys,
     "Policy-based traffic selectors of the connection."},
    {"cloud.connections[].impair[]", scn_impair_keys,
     "Not an Azure property: the gateway misbehaving on this connection (an impairment, "
     "docs/scenario-format.md)."},
    {NULL, NULL, NULL},
};
