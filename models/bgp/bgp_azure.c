/* SPDX-License-Identifier: MIT */
/* Azure VPN Gateway's BGP rules as rows (each citing azure-vpn-facts.md), the gateway's
 * BGP peer addresses, and which side opens the session's TCP connection. */
#include "models/bgp/bgp_azure.h"

#include <glib.h>
#include <string.h>

NAME_TABLE(bgp_azure_rule_kind_names, "Azure BGP rule kind", {BGP_AZURE_ORIGINATE, "originate"},
           {BGP_AZURE_IMPORT, "import"}, {BGP_AZURE_EXPORT, "export"},
           {BGP_AZURE_SELECT, "select"}, {BGP_AZURE_SESSION, "session"});

/* ---- the rows' effects ---- */

static void add_local(BgpSpeakerConfig *cfg, const Ipv4Prefix *v, size_t n)
{
  for (size_t i = 0; i < n && cfg->n_local < BGP_SPEAKER_MAX_LOCAL; i++) {
    Ipv4Prefix p = ipv4_prefix_make(v[i].addr, v[i].len);
    bool dup = false;
    for (size_t k = 0; k < cfg->n_local && !dup; k++)
      dup = ipv4_prefix_equal(cfg->local[k], p);
    if (!dup)
      cfg->local[cfg->n_local++] = p;
  }
}

static void rule_on(BgpSpeakerConfig *cfg, BgpRuleId r) { cfg->rib.rules |= 1u << r; }

static void sp_vnet(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg)
{
  add_local(cfg, gw->vnet, gw->n_vnet);
}

static void sp_lng(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg)
{
  add_local(cfg, gw->lng, gw->n_lng);
}

/* transit: learned routes go to the other peers, never back to where they came from nor
 * to a peer whose AS is in the path (it would refuse them, RFC 4271 9.1.2) */
static void sp_transit(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg)
{
  rule_on(cfg, BGP_RULE_SPLIT_HORIZON);
  rule_on(cfg, BGP_RULE_PEER_AS_IN_PATH);
}

static void sp_no_default(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg)
{
  rule_on(cfg, BGP_RULE_NO_DEFAULT);
}

static void sp_vnet_rules(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg)
{
  for (size_t i = 0; i < gw->n_vnet && cfg->rib.n_vnet < BGP_RIB_MAX_VNET; i++)
    cfg->rib.vnet[cfg->rib.n_vnet++] = ipv4_prefix_make(gw->vnet[i].addr, gw->vnet[i].len);
}

static void sp_vnet_overlap(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg)
{
  rule_on(cfg, BGP_RULE_VNET_OVERLAP);
}

static void sp_vnet_prefix(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg)
{
  rule_on(cfg, BGP_RULE_VNET_PREFIX);
}

static void sp_loop(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg)
{
  rule_on(cfg, BGP_RULE_AS_PATH_LOOP);
}

static void sp_ecmp(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg) { cfg->rib.ecmp = true; }

static void pc_max_prefixes(BgpSpeakerPeerConfig *pc)
{
  pc->fsm.max_prefixes = BGP_AZURE_MAX_PREFIXES;
}

static void pc_timers(BgpSpeakerPeerConfig *pc)
{
  pc->fsm.keepalive_s = BGP_AZURE_KEEPALIVE_S;
  pc->fsm.hold_time_s = BGP_AZURE_HOLD_S;
}

const BgpAzureRule bgp_azure_rules[] = {
    {"advertise-vnet-prefixes", BGP_AZURE_ORIGINATE,
     "facts 5: advertised to on-premises: the VNet prefixes", sp_vnet, NULL, false},
    {"advertise-lng-prefixes", BGP_AZURE_ORIGINATE,
     "facts 5: advertised to on-premises: the prefixes of every LNG connected to the gateway",
     sp_lng, NULL, false},
    {"advertise-transit", BGP_AZURE_EXPORT,
     "facts 5: routes learned from other BGP sessions are advertised (BGP transit routing)",
     sp_transit, NULL, false},
    {"no-default-route", BGP_AZURE_EXPORT,
     "facts 5: the gateway never advertises default routes to other BGP peers", sp_no_default,
     NULL, false},
    {"no-vnet-overlap-transit", BGP_AZURE_EXPORT,
     "facts 5: learned routes overlapping any VNet prefix are not re-advertised",
     sp_vnet_overlap, NULL, false},
    {"refuse-vnet-prefix", BGP_AZURE_IMPORT,
     "facts 5: prefixes identical to a VNet prefix are rejected; supersets are allowed",
     sp_vnet_prefix, NULL, false},
    {"as-path-loop", BGP_AZURE_IMPORT,
     "RFC 4271 9.1.2: a route with our own AS in its path is not used", sp_loop, NULL, false},
    {"shorter-as-path-ecmp", BGP_AZURE_SELECT,
     "facts 5: AS-path prepending is honoured, the shorter path preferred; several devices "
     "advertising the same prefixes need ECMP",
     sp_ecmp, NULL, false},
    {"max-4000-prefixes", BGP_AZURE_SESSION,
     "facts 5: at most 4,000 prefixes from a peer; above that the session is dropped "
     "(Cease / Maximum Number of Prefixes Reached, RFC 4486)",
     NULL, pc_max_prefixes, false},
    {"fixed-timers", BGP_AZURE_SESSION,
     "facts 5: keepalive 60 s, hold 180 s, not configurable", NULL, pc_timers, false},
    /* applied where the instances' speakers are made (models/gateway/gw_endpoint.c) */
    {"per-instance-sessions", BGP_AZURE_SESSION,
     "facts 5, 8: active-active: a BGP address per instance (two from the GatewaySubnet, or "
     "two custom APIPA ones), each instance peering with each device over its own tunnel",
     NULL, NULL, true},
};

const size_t bgp_azure_n_rules = G_N_ELEMENTS(bgp_azure_rules);

void bgp_azure_speaker_config(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg)
{
  bgp_azure_speaker_config_except(gw, cfg, 0);
}

void bgp_azure_peer_config(BgpSpeakerPeerConfig *pc)
{
  bgp_azure_peer_config_except(pc, 0);
}

int bgp_azure_rule_index(const char *name)
{
  for (size_t i = 0; name && i < bgp_azure_n_rules; i++)
    if (!strcmp(bgp_azure_rules[i].name, name))
      return (int)i;
  return -1;
}

void bgp_azure_speaker_config_except(const BgpAzureGateway *gw, BgpSpeakerConfig *cfg, uint32_t off)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->node = gw->node;
  cfg->rib.local_as = gw->asn ? gw->asn : BGP_AZURE_DEFAULT_ASN;
  cfg->rib.router_id = gw->router_id;
  /* the VNet address space the import and export rules compare with */
  sp_vnet_rules(gw, cfg);
  for (size_t i = 0; i < bgp_azure_n_rules; i++)
    if (bgp_azure_rules[i].speaker && !(off & (1u << i)))
      bgp_azure_rules[i].speaker(gw, cfg);
}

void bgp_azure_peer_config_except(BgpSpeakerPeerConfig *pc, uint32_t off)
{
  for (size_t i = 0; i < bgp_azure_n_rules; i++)
    if (bgp_azure_rules[i].peer && !(off & (1u << i)))
      bgp_azure_rules[i].peer(pc);
}

/* ---- addresses ---- */

bool bgp_azure_is_apipa(Ipv4Addr a)
{
  return ipv4_prefix_contains_addr(ipv4_prefix_make(ipv4_addr(169, 254, 0, 0), 16), a);
}

bool bgp_azure_custom_apipa_valid(Ipv4Addr a)
{
  /* facts 5: custom Azure APIPA BGP addresses lie in 169.254.21.0 - 169.254.22.255 */
  return a.v >= ipv4_addr(169, 254, 21, 0).v && a.v <= ipv4_addr(169, 254, 22, 255).v;
}

size_t bgp_azure_peer_addresses(Ipv4Prefix gateway_subnet, bool active_active, Ipv4Addr out[2])
{
  Ipv4Prefix s = ipv4_prefix_make(gateway_subnet.addr, gateway_subnet.len);
  uint64_t size = ipv4_prefix_size(s);
  /* Azure reserves the network address, .1 (default gateway), .2 and .3 (DNS) and the
   * broadcast address of every subnet */
  if (size < (active_active ? 6u : 5u))
    return 0;
  uint32_t first = ipv4_prefix_first(s).v, last = ipv4_prefix_last(s).v;
  if (!active_active) {
    /* facts 5: "generally the last usable IP" (10.12.255.30 in 10.12.255.0/27) */
    out[0].v = last - 1;
    return 1;
  }
  /* facts 5: 10.12.255.4 and 10.12.255.5 in 10.12.255.0/27, in the order of the
   * instances' public IPs */
  out[0].v = first + 4;
  out[1].v = first + 5;
  return 2;
}

bool bgp_azure_session_address(Ipv4Prefix gateway_subnet, bool active_active, unsigned instance,
                               const Ipv4Addr custom_apipa[2], Ipv4Addr onprem, Ipv4Addr *out)
{
  if (instance > (active_active ? 1u : 0u))
    return false;
  if (bgp_azure_is_apipa(onprem)) {
    /* facts 5: with an APIPA peer the gateway uses its custom APIPA address */
    Ipv4Addr a = custom_apipa ? custom_apipa[instance] : (Ipv4Addr){0};
    if (!bgp_azure_custom_apipa_valid(a))
      return false;
    *out = a;
    return true;
  }
  Ipv4Addr v[2];
  if (bgp_azure_peer_addresses(gateway_subnet, active_active, v) <= instance)
    return false;
  *out = v[instance];
  return true;
}

/* ---- who opens the connection ---- */

bool bgp_azure_gateway_initiates(Ipv4Addr onprem, BgpAzureClaim claim)
{
  if (claim == BGP_AZURE_CLAIM_ORIGINAL_FAQ)
    return true; /* facts 13.1 (001): "irrespective of whether ... in the APIPA range" */
  /* facts 5: the gateway initiates to the LNG's BGP peer IP; not with APIPA */
  return !bgp_azure_is_apipa(onprem);
}

bool bgp_azure_device_must_initiate(Ipv4Addr onprem, BgpAzureClaim claim)
{
  if (claim == BGP_AZURE_CLAIM_ORIGINAL_FAQ)
    return true; /* facts 13.1 (001): the device must also be configured to initiate */
  /* facts 5: with APIPA the on-premises device must initiate */
  return bgp_azure_is_apipa(onprem);
}
