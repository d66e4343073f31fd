/* SPDX-License-Identifier: MIT */
/* The Azure VPN gateway instance built from the resource model. */
#include "models/gateway/gw_runtime.h"

#include "models/gateway/gw_nat.h"

#include <glib.h>
#include <string.h>

const EpDpEventTypes gw_gateway_events = {
    .tunnel_connected = "gw.tunnel.connected",
    .tunnel_disconnected = "gw.tunnel.disconnected",
    .sa_installed = "gw.tunnel.sa_installed",
    .sa_switched = "gw.tunnel.sa_switched",
    .sa_deleted = "gw.tunnel.sa_deleted",
    .sa_expired = "gw.tunnel.sa_expired",
    .drop = "gw.dataplane.drop",
    .metrics = "gw.tunnel.metrics",
};

struct GwGateway {
  EpDp *dp;
  const GwSku *sku;
  Ipv4Addr public_ip, inside_ip;
  unsigned instance; /* 0 or 1 (facts 8: two instances) */
  GwNat *nat;        /* the NAT rules on this instance; NULL without */
  GwOfferFaults offers; /* GwGatewayOptions.offers_off */
};

static bool str_is(GwStr s, const char *v)
{
  return s.v && v && strcmp(s.v, v) == 0;
}

static void refuse(const EpEnv *env, const char *node, const char *conn, const char *why)
{
  VsEvent ev = vs_event(env->now(env->user), node, GW_EV_CONNECTION_REFUSED);
  vs_event_str(&ev, "connection", conn);
  vs_event_str(&ev, "reason", why);
  vs_event_emit(&env->events, &ev);
}

/* facts 3.4: one selector pair per (VNet prefix x on-premises prefix), or the
 * trafficSelectorPolicies' ranges when given (custom-traffic-selectors.md). */
static void selectors(const GwConnection *c, const GwVirtualNetwork *v, EpDpTunnelConfig *t)
{
  t->n_selectors = 0;
  if (c->n_trafficSelectorPolicies) {
    for (unsigned i = 0; i < c->n_trafficSelectorPolicies; i++) {
      const GwTrafficSelectorPolicy *p = &c->trafficSelectorPolicies[i];
      for (unsigned l = 0; l < p->n_localAddressRanges; l++)
        for (unsigned r = 0; r < p->n_remoteAddressRanges; r++)
          if (t->n_selectors < EP_DP_MAX_SELECTORS)
            t->selectors[t->n_selectors++] =
                (EpSelector){ipv4_range_from_prefix(p->localAddressRanges[l].v),
                             ipv4_range_from_prefix(p->remoteAddressRanges[r].v)};
    }
    return;
  }
  for (unsigned l = 0; l < v->n_addressSpace; l++)
    for (unsigned r = 0; r < t->n_remote_prefixes; r++)
      if (t->n_selectors < EP_DP_MAX_SELECTORS)
        t->selectors[t->n_selectors++] =
            (EpSelector){ipv4_range_from_prefix(v->addressSpace[l].v),
                         ipv4_range_from_prefix(t->remote_prefixes[r])};
}

static void add_prefix(EpDpTunnelConfig *t, Ipv4Prefix p)
{
  if (t->n_remote_prefixes < EP_DP_MAX_PREFIXES)
    t->remote_prefixes[t->n_remote_prefixes++] = p;
}

GwGateway *gw_gateway_new(const GwConfig *cfg, const char *name, const EpEnv *env,
                          const GwGatewayOptions *opt, char **err)
{
  static const GwGatewayOptions none = {0};
  if (!opt)
    opt = &none;
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(cfg, name);
  if (!g) {
    *err = g_strdup_printf("no virtual network gateway '%s'", name);
    return NULL;
  }
  const GwVirtualNetwork *v = gw_config_find_vnet(cfg, g->virtualNetwork.v);
  if (!v) {
    *err = g_strdup_printf("gateway '%s': no virtual network '%s'", name,
                           g->virtualNetwork.v ? g->virtualNetwork.v : "");
    return NULL;
  }
  const GwSku *sku = gw_sku_find(g->sku.v, (GwGeneration)gw_enum_or(g->vpnGatewayGeneration, 0));
  if (!sku) {
    *err = g_strdup_printf("gateway '%s': unknown SKU '%s'", name, g->sku.v ? g->sku.v : "");
    return NULL;
  }
  if (g->n_publicIpAddresses < 1 || !g->publicIpAddresses[0].set) {
    *err = g_strdup_printf("gateway '%s' has no public IP address", name);
    return NULL;
  }
  const GwSubnet *gs = NULL;
  for (unsigned i = 0; i < v->n_subnets; i++)
    if (str_is(v->subnets[i].name, "GatewaySubnet") && v->subnets[i].has_addressPrefix)
      gs = &v->subnets[i];
  if (!gs || gs->addressPrefix.v.len > 30) {
    *err = g_strdup_printf("virtual network '%s' has no usable GatewaySubnet", v->name.v);
    return NULL;
  }
  GwGateway *gw = g_new0(GwGateway, 1);
  gw->sku = sku;
  gw->instance = opt->instance;
  gw->offers = opt->offers_off;
  gw->public_ip = g->publicIpAddresses[opt->instance < g->n_publicIpAddresses ? opt->instance : 0].v;
  /* facts 5: the A/S instance's address is the last usable address of GatewaySubnet */
  gw->inside_ip.v = ipv4_prefix_last(gs->addressPrefix.v).v - 1;
  char *node = g_strdup_printf("%s/%u", name, opt->instance);
  EpDpConfig dc = {.node = node, .public_ip = gw->public_ip, .inside_ip = gw->inside_ip,
                   .tunnel_mtu = opt->tunnel_mtu, .path_mtu = opt->path_mtu,
                   .mss_clamp = opt->mss_clamp,
                   .events = &gw_gateway_events};
  for (unsigned i = 0; i < v->n_addressSpace && i < EP_DP_MAX_PREFIXES; i++)
    dc.local_prefixes[dc.n_local_prefixes++] = v->addressSpace[i].v;
  if (!opt->no_caps) {
    /* facts 1.1 aggregate, shared by every tunnel of the instance; 1.3 per tunnel */
    dc.aggregate_bps = sku->aggregate_bps;
    memcpy(dc.tunnel_bps, sku->tunnel_bps, sizeof dc.tunnel_bps);
    memcpy(dc.tunnel_pps, sku->tunnel_pps, sizeof dc.tunnel_pps);
  }
  gw->dp = ep_dp_new(&dc, env);
  gw->nat = gw_nat_new(g, opt->instance, env, node, opt->nat_faults);
  gw_nat_set_self(gw->nat, gw->inside_ip);
  bool pb_gateway = gw_enum_or(g->vpnType, GW_VPN_ROUTE_BASED) == GW_VPN_POLICY_BASED;
  for (unsigned i = 0; i < cfg->n_connections; i++) {
    const GwConnection *c = &cfg->connections[i];
    if (!str_is(c->virtualNetworkGateway1, name))
      continue;
    EpDpTunnelConfig *t = g_new0(EpDpTunnelConfig, 1);
    t->name = c->name.v;
    Ipv4Addr more[2]; /* GwVirtualNetworkGateway.publicIpAddresses */
    unsigned n_more = 0;
    if (gw_enum_or(c->connectionType, GW_CONN_IPSEC) == GW_CONN_VNET2VNET) {
      const GwVirtualNetworkGateway *o = gw_config_find_gateway(cfg, c->virtualNetworkGateway2.v);
      const GwVirtualNetwork *ov = o ? gw_config_find_vnet(cfg, o->virtualNetwork.v) : NULL;
      if (!ov || o->n_publicIpAddresses < 1) {
        refuse(env, node, c->name.v, "the other gateway or its network is missing");
        g_free(t);
        continue;
      }
      t->remote_public = o->publicIpAddresses[0].v;
      for (unsigned k = 0; k < ov->n_addressSpace; k++)
        add_prefix(t, ov->addressSpace[k].v);
      /* facts 8: an active-active other end has an instance per public IP, and each
       * builds its own tunnel: the connection has a tunnel to each (named as the
       * connection; the first that is up carries, the next when it goes down) */
      if (gw_bool_or(o->activeActive, false))
        for (unsigned k = 1; k < o->n_publicIpAddresses && n_more < G_N_ELEMENTS(more); k++)
          more[n_more++] = o->publicIpAddresses[k].v;
    } else {
      const GwLocalNetworkGateway *l = gw_config_find_local(cfg, c->localNetworkGateway2.v);
      if (!l || !l->gatewayIpAddress.set) {
        refuse(env, node, c->name.v, "the local network gateway has no IP address");
        g_free(t);
        continue;
      }
      t->remote_public = l->gatewayIpAddress.v;
      /* facts 6: behind an IngressSnat rule the on-premises space is its external
       * mapping as the gateway routes it */
      for (unsigned k = 0; k < l->n_addressPrefixes; k++) {
        Ipv4Prefix p = l->addressPrefixes[k].v;
        gw_nat_map_prefix(cfg, c, GW_NAT_INGRESS_SNAT, p, &p);
        add_prefix(t, p);
      }
      /* facts 5: with BGP the gateway adds a host route to the on-premises BGP peer
       * over the tunnel */
      if (gw_bool_or(c->enableBgp, false) && l->bgpSettings.bgpPeeringAddress.set)
        add_prefix(t, ipv4_prefix_make(l->bgpSettings.bgpPeeringAddress.v, 32));
    }
    t->policy_based = pb_gateway || gw_bool_or(c->usePolicyBasedTrafficSelectors, false);
    if (t->policy_based)
      selectors(c, v, t);
    int ti = ep_dp_tunnel_add(gw->dp, t);
    gw_nat_attach(gw->nat, gw->dp, ti, c);
    for (unsigned k = 0; k < n_more; k++) {
      t->remote_public = more[k];
      gw_nat_attach(gw->nat, gw->dp, ep_dp_tunnel_add(gw->dp, t), c);
    }
    g_free(t);
  }
  g_free(node);
  return gw;
}

void gw_gateway_free(GwGateway *gw)
{
  if (!gw)
    return;
  ep_dp_free(gw->dp);
  gw_nat_free(gw->nat);
  g_free(gw);
}

EpDp *gw_gateway_dp(GwGateway *gw)
{
  return gw->dp;
}

const GwSku *gw_gateway_sku(const GwGateway *gw)
{
  return gw->sku;
}

Ipv4Addr gw_gateway_public_ip(const GwGateway *gw)
{
  return gw->public_ip;
}

const GwOfferFaults *gw_gateway_offer_faults(const GwGateway *gw)
{
  return &gw->offers;
}

unsigned gw_gateway_instance(const GwGateway *gw)
{
  return gw->instance;
}

Ipv4Addr gw_gateway_inside_ip(const GwGateway *gw)
{
  return gw->inside_ip;
}

int gw_gateway_tunnel(const GwGateway *gw, const char *connection)
{
  return ep_dp_tunnel_find(gw->dp, connection);
}

struct GwNat *gw_gateway_nat(const GwGateway *gw)
{
  return gw->nat;
}
