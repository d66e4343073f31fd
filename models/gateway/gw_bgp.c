/* SPDX-License-Identifier: MIT */
/* The gateway instance's BGP configuration (gw_bgp.h). */
#include "models/gateway/gw_bgp.h"

#include "models/bgp/bgp_azure.h"
#include "models/gateway/gw_nat.h"

#include <string.h>

#define GW_BGP_IDLE_HOLD_S 60u

static bool str_is(GwStr s, const char *v)
{
  return s.set && s.v && v && !strcmp(s.v, v);
}

static bool gateway_subnet(const GwVirtualNetwork *v, Ipv4Prefix *out)
{
  for (unsigned i = 0; v && i < v->n_subnets; i++)
    if (str_is(v->subnets[i].name, "GatewaySubnet") && v->subnets[i].has_addressPrefix) {
      *out = v->subnets[i].addressPrefix.v;
      return true;
    }
  return false;
}

/* facts 6, BGP route translation: on a connection with NAT rules, what its peer announces
 * inside an IngressSnat internal mapping is kept as the external one; what it is told of
 * the VNet inside an EgressSnat internal mapping goes out as the external one. Routes of
 * other connections are in the RIB as translated already (post-NAT). */
static bool nat_map(const void *user, const char *peer, bool import, Ipv4Prefix in, Ipv4Prefix *out)
{
  const GwConfig *c = user;
  const GwConnection *k = NULL;
  for (unsigned i = 0; i < c->n_connections && !k; i++)
    if (str_is(c->connections[i].name, peer))
      k = &c->connections[i];
  return k && gw_nat_map_prefix(c, k, import ? GW_NAT_INGRESS_SNAT : GW_NAT_EGRESS_SNAT, in, out);
}

bool gw_bgp_config(const GwConfig *c, const char *gateway, unsigned instance, const EpDp *dp,
                   const char *node, EpBgpConfig *out)
{
  return gw_bgp_config_faulty(c, gateway, instance, dp, node, 0, out);
}

bool gw_bgp_config_faulty(const GwConfig *c, const char *gateway, unsigned instance,
                          const EpDp *dp, const char *node, uint32_t rules_off, EpBgpConfig *out)
{
  return gw_bgp_config_nat(c, gateway, instance, dp, node, rules_off, 0, out);
}

bool gw_bgp_config_nat(const GwConfig *c, const char *gateway, unsigned instance,
                       const EpDp *dp, const char *node, uint32_t rules_off, uint32_t nat_faults,
                       EpBgpConfig *out)
{
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(c, gateway);
  if (!g || !g->enableBgp.set || !g->enableBgp.v)
    return false;
  const GwVirtualNetwork *v = gw_config_find_vnet(c, g->virtualNetwork.v);
  Ipv4Prefix gs;
  if (!gateway_subnet(v, &gs))
    return false;
  bool aa = g->activeActive.set && g->activeActive.v;
  Ipv4Addr subnet_addr[2] = {{0}};
  if (bgp_azure_peer_addresses(gs, aa, subnet_addr) <= instance)
    return false;
  Ipv4Addr custom[2] = {{0}};
  for (unsigned i = 0; i < g->bgpSettings.n_customBgpIpAddresses && i < 2; i++)
    custom[i] = g->bgpSettings.customBgpIpAddresses[i].v;
  /* facts 13.1: the original FAQ (001) has the gateway open the session to an APIPA peer
   * too (options.bgpApipaInitiation) and lets a device's lower hold time win
   * (options.bgpHoldTime); the newest FAQ neither */
  BgpAzureClaim claim = c->options.other[GW_OPT_BGP_APIPA_GATEWAY_OPENS]
                            ? BGP_AZURE_CLAIM_ORIGINAL_FAQ
                            : BGP_AZURE_CLAIM_NEWEST;
  bool fixed_timers = !c->options.other[GW_OPT_BGP_HOLD_NEGOTIATED];

  EpBgpConfig cfg = {0};
  Ipv4Prefix vnet[BGP_RIB_MAX_VNET], lng[BGP_SPEAKER_MAX_LOCAL];
  size_t n_vnet = 0, n_lng = 0;
  for (unsigned i = 0; i < v->n_addressSpace && n_vnet < G_N_ELEMENTS(vnet); i++)
    vnet[n_vnet++] = v->addressSpace[i].v;
  for (unsigned i = 0; i < c->n_connections; i++) {
    const GwConnection *k = &c->connections[i];
    if (!str_is(k->virtualNetworkGateway1, gateway))
      continue;
    const GwLocalNetworkGateway *l = gw_config_find_local(c, k->localNetworkGateway2.v);
    if (!l)
      continue;
    /* facts 5: the prefixes of every LNG connected to the gateway are advertised (facts 6:
     * with BGP route translation, behind IngressSnat rules as their external mappings) */
    bool translate = g->enableBgpRouteTranslationForNat.set && g->enableBgpRouteTranslationForNat.v &&
                     k->n_ingressNatRules + k->n_egressNatRules > 0 &&
                     !(nat_faults & GW_NAT_FAULT_NO_BGP_TRANSLATION);
    for (unsigned a = 0; a < l->n_addressPrefixes && n_lng < G_N_ELEMENTS(lng); a++) {
      Ipv4Prefix q = l->addressPrefixes[a].v;
      if (translate)
        gw_nat_map_prefix(c, k, GW_NAT_INGRESS_SNAT, q, &q);
      lng[n_lng++] = q;
    }
    if (!k->enableBgp.set || !k->enableBgp.v || !l->bgpSettings.set ||
        !l->bgpSettings.bgpPeeringAddress.set || cfg.n_peers == EP_BGP_MAX_PEERS)
      continue;
    int tunnel = ep_dp_tunnel_find(dp, k->name.v);
    Ipv4Addr onprem = l->bgpSettings.bgpPeeringAddress.v, local;
    if (tunnel < 0 || !bgp_azure_session_address(gs, aa, instance, custom, onprem, &local))
      continue;
    EpBgpPeer *p = &cfg.peers[cfg.n_peers++];
    p->tunnel = tunnel;
    p->pc.fsm.peer = k->name.v;
    p->pc.fsm.peer_as = l->bgpSettings.asn.set ? (uint32_t)l->bgpSettings.asn.v : 0;
    p->pc.fsm.passive = !bgp_azure_gateway_initiates(onprem, claim);
    p->pc.address = onprem;
    p->pc.local_address = local;
    if (translate) {
      p->pc.map = nat_map;
      p->pc.map_user = c;
    }
    bgp_azure_peer_config_except(&p->pc, rules_off);
    p->pc.fsm.fixed_timers = fixed_timers && p->pc.fsm.hold_time_s;
    /* After a session error the gateway waits before it starts again (RFC 4271 8.1.1
     * IdleHoldTimer). Azure documents no value: 60 s, the shortest "error wait time" BIRD
     * uses, keeps a peer that keeps breaking a rule (4,001 prefixes) from a tight loop. */
    p->pc.fsm.idle_hold_s = GW_BGP_IDLE_HOLD_S;
  }
  if (!cfg.n_peers)
    return false;
  BgpAzureGateway az = {.node = node,
                        .asn = g->bgpSettings.asn.set ? (uint32_t)g->bgpSettings.asn.v : 0,
                        .router_id = subnet_addr[instance],
                        .vnet = vnet, .n_vnet = n_vnet, .lng = lng, .n_lng = n_lng};
  bgp_azure_speaker_config_except(&az, &cfg.speaker, rules_off);
  *out = cfg;
  return true;
}
