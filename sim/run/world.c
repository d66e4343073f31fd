/* SPDX-License-Identifier: MIT */
/* The ns-3 world of a plan: one node per gateway instance (the active one), device, host
 * and an "internet" router; point-to-point underlay links with their delay, rate, loss,
 * MTU and queue; a LAN segment (CSMA) per virtual network with a gateway and per device
 * with hosts; addresses and static routes; and the gateway and device models on their
 * nodes.
 *
 * Addressing (docs/architecture.md, "The runner"): a gateway or device has its public
 * address as a /32 on its underlay interface, with a default route out of it; the
 * internet router has 100.64.0.0/10 (RFC 6598 shared space) addresses on its side and a
 * host route to each public address. In a VNet, the gateway holds its GatewaySubnet
 * address (facts 5) and the first address of each subnet with VMs (the default gateway
 * of the VMs, as Azure's reserved .1); behind a device, the device holds the first
 * address of each LAN prefix with machines. Routes to the remote prefixes of a
 * connection lead into the node's tunnel interface, whose transmit hook is the data
 * plane. */
#include "models/common/units.h"
#include "models/gateway/gw_nat.h"
#include "sim/run/runner_private.h"

#include <string.h>

static bool str_is(GwStr s, const char *v)
{
  return s.set && s.v && v && !strcmp(s.v, v);
}

/* A device, or the gateway instance that carries the gateway now (the active one; with
 * none active, instance 0). */
RunEp *run_ep_find(Run *r, const char *cfgname)
{
  RunEp *first = NULL;
  for (guint i = 0; i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    if (strcmp(ep->cfgname, cfgname))
      continue;
    if (ep->state == RUN_INST_ACTIVE && ep->model)
      return ep;
    if (!first)
      first = ep;
  }
  return first;
}

static RunLink *link_add(Run *r, const char *name, NetLink *l)
{
  RunLink *rl = g_new0(RunLink, 1);
  rl->name = g_strdup(name);
  rl->link = l;
  g_ptr_array_add(r->world.links, rl);
  return rl;
}

static NetNode *node_add(Run *r, const char *key, const char *node_name, char **err)
{
  NetNode *n = net_node_new(r->world.w, node_name);
  if (!n) {
    *err = g_strdup_printf("cannot create node '%s' (a name used twice?)", node_name);
    return NULL;
  }
  g_hash_table_insert(r->world.nodes, (gpointer)key, n);
  return n;
}

/* Where an endpoint's inside comes from in the plan: a gateway's virtual network (VMs in
 * its subnets, its GatewaySubnet address) or a device's LAN (the machines behind it), and
 * the routes into its tunnel interface (the remote prefixes of its connections). One row
 * per kind of endpoint, the runner's counterpart of the model's EpOps. */
struct RunEpInside {
  /* Is host h on ep's inside? Then *p is the prefix it is in. */
  bool (*lan_host)(Run *r, RunEp *ep, const ScnHost *h, Ipv4Prefix *p);
  char *(*lan_name)(Run *r, RunEp *ep); /* g_free */
  /* Addresses of the endpoint on its LAN besides the hosts' default gateways; may be NULL. */
  void (*lan_router)(Run *r, RunEp *ep, NetDev *rd);
  void (*tunnel_routes)(Run *r, RunEp *ep, NetDev *td);
};

/* the rows, below */
static const RunEpInside gateway_inside, device_inside;

/* ---- gateways ---- */

static bool gateways_build(Run *r, char **err)
{
  const GwConfig *c = r->plan->cloud;
  for (unsigned i = 0; i < c->n_virtualNetworkGateways; i++) {
    const GwVirtualNetworkGateway *g = &c->virtualNetworkGateways[i];
    /* Instance 0 here; instance 1 after the devices (sim/run/instances.c), on this node. */
    g_autofree char *nn = g_strdup_printf("%s/0", g->name.v);
    NetNode *n = node_add(r, g->name.v, nn, err);
    if (!n)
      return false;
    RunEp *ep = run_ep_new(r, &gateway_inside, g->name.v, nn, n);
    ep->instance = 0;
    GwGatewayOptions opt = {.instance = 0, .bgp_rules_off = r->plan->bgp_rules_off,
                            .nat_faults = r->plan->nat_faults,
                            .ike_faults = r->plan->ike_faults,
                            .offers_off = r->plan->offers_off,
                            .p2s = run_p2s_creds(r, g->name.v)};
    char *why = NULL;
    ep->model = gw_endpoint_new(c, g->name.v, &ep->env, &opt, &why);
    if (!ep->model) {
      *err = g_strdup_printf("gateway '%s' cannot run: %s", g->name.v, why);
      g_free(why);
      run_ep_free(ep);
      return false;
    }
    ep->dp = ep->model->dp;
    ep->public_ip = ep->model->public_ip;
    g_ptr_array_add(r->eps, ep);
  }
  return true;
}

/* ---- devices ---- */

/* The connection whose local network gateway is where the device is seen from (its own
 * address, or its NAT box's public address). */
static const GwConnection *device_connection(const Run *r, Ipv4Addr peer, Ipv4Addr seen)
{
  const GwConfig *c = r->plan->cloud;
  for (unsigned i = 0; i < c->n_connections; i++) {
    const GwConnection *k = &c->connections[i];
    const GwLocalNetworkGateway *l = gw_config_find_local(c, k->localNetworkGateway2.v);
    const GwVirtualNetworkGateway *g = gw_config_find_gateway(c, k->virtualNetworkGateway1.v);
    if (!l || !g || !l->gatewayIpAddress.set || l->gatewayIpAddress.v.v != seen.v)
      continue;
    for (unsigned j = 0; j < g->n_publicIpAddresses; j++)
      if (g->publicIpAddresses[j].v.v == peer.v)
        return k;
  }
  return NULL;
}

static const GwVirtualNetworkGateway *gateway_by_ip(const GwConfig *c, Ipv4Addr a)
{
  for (unsigned i = 0; i < c->n_virtualNetworkGateways; i++)
    for (unsigned j = 0; j < c->virtualNetworkGateways[i].n_publicIpAddresses; j++)
      if (c->virtualNetworkGateways[i].publicIpAddresses[j].v.v == a.v)
        return &c->virtualNetworkGateways[i];
  return NULL;
}

/* A VNet prefix as the on-premises side of connection k sees it: behind an EgressSnat rule
 * of k, its external mapping (facts 6). */
static Ipv4Prefix vnet_seen_by(const GwConfig *c, const GwConnection *k, Ipv4Prefix p)
{
  if (k)
    gw_nat_map_prefix(c, k, GW_NAT_EGRESS_SNAT, p, &p);
  return p;
}

static bool devices_build(Run *r, char **err)
{
  const GwConfig *c = r->plan->cloud;
  for (unsigned i = 0; i < r->plan->n_devices; i++) {
    const ScnDevice *d = &r->plan->devices[i];
    if (run_live_replaces(r, d->cfg.name))
      continue; /* live mode: the real device is on a TAP of its gateway (sim/run/live.c) */
    NetNode *n = node_add(r, d->cfg.name, d->cfg.name, err);
    if (!n)
      return false;
    RunEp *ep = run_ep_new(r, &device_inside, d->cfg.name, d->cfg.name, n);
    ep->sdev = d;
    ep->public_ip = d->cfg.public_ip;
    g_ptr_array_add(r->eps, ep);
    DevRuntimeConfig dc = {.name = d->cfg.name, .public_ip = d->cfg.public_ip,
                           .mss_clamp = d->cfg.mss_clamp};
    for (unsigned k = 0; k < d->cfg.n_lan && dc.n_lan < EP_DP_MAX_PREFIXES; k++)
      dc.lan[dc.n_lan++] = d->cfg.lan[k];
    if (dc.n_lan)
      dc.inside_ip.v = dc.lan[0].addr.v + 1;
    /* behind a NAT box the gateway sees the box's public address */
    const ScnNatBox *nb = run_nat_of_device(r, d->cfg.name);
    /* one tunnel per peer: a second one to the other instance of an active-active
     * gateway, or to a second gateway (facts 8) */
    Ipv4Addr peers[2] = {d->cfg.peer, d->cfg.peer2};
    for (unsigned p = 0; p < (d->cfg.has_peer2 ? 2u : 1u); p++) {
      const GwConnection *k = device_connection(r, peers[p], nb ? nb->public_ip : d->cfg.public_ip);
      const GwVirtualNetworkGateway *g = gateway_by_ip(c, peers[p]);
      const GwVirtualNetwork *v = g ? gw_config_find_vnet(c, g->virtualNetwork.v) : NULL;
      EpDpTunnelConfig *t = &dc.tunnels[dc.n_tunnels++];
      t->name = k ? k->name.v : "peer";
      t->remote_public = peers[p];
      if (d->cfg.ts_mode == DEV_TS_PREFIXES) {
        /* narrowed selectors: a policy-based peer, its remote prefixes are the selectors' */
        t->policy_based = true;
        for (unsigned a = 0; a < d->cfg.n_ts_remote && t->n_remote_prefixes < EP_DP_MAX_PREFIXES; a++)
          t->remote_prefixes[t->n_remote_prefixes++] = d->cfg.ts_remote[a];
        for (unsigned a = 0; a < d->cfg.n_ts_local; a++)
          for (unsigned b = 0; b < d->cfg.n_ts_remote && t->n_selectors < EP_DP_MAX_SELECTORS; b++)
            t->selectors[t->n_selectors++] = (EpSelector){
                .local = ipv4_range_from_prefix(d->cfg.ts_local[a]),
                .remote = ipv4_range_from_prefix(d->cfg.ts_remote[b])};
      } else if (v) {
        for (unsigned a = 0; a < v->n_addressSpace && t->n_remote_prefixes < EP_DP_MAX_PREFIXES; a++)
          t->remote_prefixes[t->n_remote_prefixes++] = vnet_seen_by(c, k, v->addressSpace[a].v);
        /* its static routes to other sites through the gateway (transit) */
        for (unsigned a = 0; a < d->cfg.n_tunnel_routes && t->n_remote_prefixes < EP_DP_MAX_PREFIXES; a++)
          t->remote_prefixes[t->n_remote_prefixes++] = d->cfg.tunnel_routes[a];
      }
    }
    char *why = NULL;
    ep->model = dev_endpoint_new(&d->cfg, &dc, &ep->env, &why);
    if (!ep->model) {
      *err = g_strdup_printf("device '%s' cannot run: %s", d->cfg.name, why);
      g_free(why);
      return false;
    }
    ep->dp = ep->model->dp;
  }
  return true;
}

/* ---- underlay ---- */

static bool underlay_build(Run *r, char **err)
{
  for (unsigned i = 0; i < r->plan->n_links; i++) {
    const ScnLink *sl = &r->plan->links[i];
    const char *ends[2] = {sl->a, sl->b};
    if (run_live_replaces(r, sl->a) || run_live_replaces(r, sl->b))
      continue; /* live mode: the real device's own link is the TAP */
    NetNode *nodes[2];
    for (int e = 0; e < 2; e++) {
      bool nat_out = false;
      NetNode *nat = strcmp(ends[e], "internet") ? run_nat_link_node(r, ends[e], ends[!e], &nat_out)
                                                 : NULL;
      nodes[e] = !strcmp(ends[e], "internet") ? r->world.internet
                 : nat                        ? nat
                                              : g_hash_table_lookup(r->world.nodes, ends[e]);
      if (!nodes[e]) {
        *err = g_strdup_printf("%s:%u:%u: link '%s': no node '%s' in this run", sl->loc.file,
                               sl->loc.line, sl->loc.col, sl->name, ends[e]);
        return false;
      }
    }
    NetLinkConfig lc = {.rate_bps = sl->rate_bps, .delay_ns = sl->delay_ns, .mtu = sl->mtu,
                        .queue_packets = sl->queue_packets, .loss_rate = sl->loss};
    NetLink *l = net_link_p2p_new(r->world.w, nodes[0], nodes[1], &lc);
    if (!l) {
      *err = g_strdup_printf("link '%s': %s", sl->name, net_world_last_error(r->world.w));
      return false;
    }
    link_add(r, sl->name, l);
    for (int e = 0; e < 2; e++) {
      NetDev *dv = net_link_dev(l, (size_t)e), *other = net_link_dev(l, (size_t)!e);
      RunEp *ep = strcmp(ends[e], "internet") ? run_ep_find(r, ends[e]) : NULL;
      bool is_nat = false;
      if (strcmp(ends[e], "internet") && run_nat_link_node(r, ends[e], ends[!e], &is_nat)) {
        run_nat_link_end(r, ends[e], dv, other, is_nat);
        if (!is_nat) /* the inside end: an address of its own on the device's link */
          net_dev_add_address(dv, ipv4_addr(100, 64, (uint8_t)(i >> 8), (uint8_t)(i + 1)), 32);
        continue;
      }
      /* an active-active gateway's second instance has its own public IP on this node */
      Ipv4Addr ips[3] = {ep ? ep->public_ip : (Ipv4Addr){0}};
      unsigned n_ips = ep ? 1 : 0;
      if (ep && ep->sibling && ep->sibling->model && ep->sibling->public_ip.v != ep->public_ip.v)
        ips[n_ips++] = ep->sibling->public_ip;
      /* and its third, for point-to-site (facts 7.2), held by one instance at a time */
      const GwVirtualNetworkGateway *vg =
          ep && ep->instance == 0 ? gw_config_find_gateway(r->plan->cloud, ep->cfgname) : NULL;
      if (vg && ep->active_active && vg->vpnClientConfiguration.set && vg->p2sPublicIpAddress.set)
        ips[n_ips++] = vg->p2sPublicIpAddress.v;
      for (unsigned a = 0; a < n_ips; a++) {
        net_dev_add_address(dv, ips[a], 32);
        if (!ep->underlay) {
          ep->underlay = dv;
          net_route_default(ep->node, (Ipv4Addr){0}, dv, 0);
        }
        /* the other end reaches this public address over this link */
        bool other_nat = false;
        if (strcmp(ends[!e], "internet") && run_nat_link_node(r, ends[!e], ends[e], &other_nat))
          net_route_add(net_dev_node(other), ipv4_prefix_make(ips[a], 32), (Ipv4Addr){0},
                        other, 0);
        else if (!strcmp(ends[!e], "internet"))
          net_route_add(r->world.internet, ipv4_prefix_make(ips[a], 32), (Ipv4Addr){0}, other, 0);
        else if (run_ep_find(r, ends[!e]))
          net_route_add(run_ep_find(r, ends[!e])->node, ipv4_prefix_make(ips[a], 32),
                        (Ipv4Addr){0}, other, 0);
      }
      if (!ep) {
        /* the internet router's side: RFC 6598 shared address space, one per link */
        net_dev_add_address(dv, ipv4_addr(100, 64, (uint8_t)(i >> 8), (uint8_t)(i + 1)), 32);
      }
    }
  }
  return true;
}

/* ---- LANs: VMs in VNets, machines behind devices ---- */

static NetLink *lan_new(Run *r, const char *name, NetNode *router, GPtrArray *hosts)
{
  g_autofree NetNode **nodes = g_new0(NetNode *, hosts->len + 1);
  nodes[0] = router;
  for (guint i = 0; i < hosts->len; i++)
    nodes[i + 1] = g_hash_table_lookup(r->world.nodes, ((ScnHost *)g_ptr_array_index(hosts, i))->name);
  /* 10 Gb/s, 1 us: ns-3 CSMA holds the channel for the propagation delay after each
   * frame, so a LAN delay bounds the packet rate (50 us capped it near 12 kpps) */
  NetLinkConfig lc = {.rate_bps = 10000000000ull, .delay_ns = 1000};
  NetLink *l = net_link_csma_new(r->world.w, nodes, hosts->len + 1, &lc);
  if (l)
    link_add(r, name, l);
  return l;
}

/* The router's first address in p (p's network address + 1) and the host's route. */
static void lan_host(NetLink *l, guint idx, const ScnHost *h, Ipv4Prefix p, GHashTable *done)
{
  Ipv4Addr gw = {.v = p.addr.v + 1};
  NetDev *rd = net_link_dev(l, 0), *hd = net_link_dev(l, idx + 1);
  if (!g_hash_table_contains(done, GUINT_TO_POINTER(gw.v))) {
    g_hash_table_add(done, GUINT_TO_POINTER(gw.v));
    net_dev_add_address(rd, gw, p.len);
  }
  net_dev_add_address(hd, h->address, p.len);
  net_route_default(net_dev_node(hd), gw, hd, 0);
}

/* ---- the inside of an endpoint, from the plan: the RunEpInside rows ---- */

static const GwVirtualNetwork *gateway_vnet(Run *r, RunEp *ep)
{
  const GwConfig *c = r->plan->cloud;
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(c, ep->cfgname);
  return g ? gw_config_find_vnet(c, g->virtualNetwork.v) : NULL;
}

static bool gateway_lan_host(Run *r, RunEp *ep, const ScnHost *h, Ipv4Prefix *p)
{
  const GwVirtualNetwork *v = gateway_vnet(r, ep);
  bool mine = false;
  if (h->kind != SCN_HOST_VM || !v || strcmp(h->vnet, v->name.v))
    return false;
  for (unsigned k = 0; k < v->n_subnets; k++)
    if (str_is(v->subnets[k].name, h->subnet) && v->subnets[k].has_addressPrefix) {
      *p = v->subnets[k].addressPrefix.v;
      mine = true;
    }
  return mine;
}

static char *gateway_lan_name(Run *r, RunEp *ep)
{
  return g_strdup_printf("%s--%s", gateway_vnet(r, ep)->name.v, ep->cfgname);
}

/* facts 5: the instance's address in the GatewaySubnet */
static void gateway_lan_router(Run *r, RunEp *ep, NetDev *rd)
{
  const GwVirtualNetwork *v = gateway_vnet(r, ep);
  for (unsigned k = 0; k < v->n_subnets; k++)
    if (str_is(v->subnets[k].name, "GatewaySubnet") && v->subnets[k].has_addressPrefix)
      net_dev_add_address(rd, ep->model->inside_ip, v->subnets[k].addressPrefix.v.len);
}

/* the local network gateway's prefixes of each connection, or the other VNet's */
static void gateway_tunnel_routes(Run *r, RunEp *ep, NetDev *td)
{
  const GwConfig *c = r->plan->cloud;
  for (unsigned i = 0; i < c->n_connections; i++) {
    const GwConnection *k = &c->connections[i];
    if (!str_is(k->virtualNetworkGateway1, ep->cfgname))
      continue;
    const GwLocalNetworkGateway *l = gw_config_find_local(c, k->localNetworkGateway2.v);
    const GwVirtualNetworkGateway *o = gw_config_find_gateway(c, k->virtualNetworkGateway2.v);
    const GwVirtualNetwork *ov = o ? gw_config_find_vnet(c, o->virtualNetwork.v) : NULL;
    if (gw_enum_or(k->connectionType, GW_CONN_IPSEC) == GW_CONN_VNET2VNET && ov) {
      for (unsigned a = 0; a < ov->n_addressSpace; a++)
        net_route_add(ep->node, ov->addressSpace[a].v, (Ipv4Addr){0}, td, 0);
    } else if (l) {
      for (unsigned a = 0; a < l->n_addressPrefixes; a++) {
        Ipv4Prefix p = l->addressPrefixes[a].v; /* behind IngressSnat: its external mapping */
        gw_nat_map_prefix(c, k, GW_NAT_INGRESS_SNAT, p, &p);
        net_route_add(ep->node, p, (Ipv4Addr){0}, td, 0);
      }
    }
  }
  run_p2s_gateway_routes(r, ep, td); /* the point-to-site pool */
}

static bool device_lan_host(Run *r, RunEp *ep, const ScnHost *h, Ipv4Prefix *p)
{
  bool mine = false;
  if (h->kind != SCN_HOST_BEHIND_DEVICE || strcmp(h->device, ep->cfgname))
    return false;
  for (unsigned k = 0; k < ep->sdev->cfg.n_lan && !mine; k++)
    if (ipv4_prefix_contains_addr(ep->sdev->cfg.lan[k], h->address)) {
      *p = ep->sdev->cfg.lan[k];
      mine = true;
    }
  return mine;
}

static char *device_lan_name(Run *r, RunEp *ep)
{
  return g_strdup_printf("%s--lan", ep->cfgname);
}

/* the narrowed selectors' remote prefixes, or the address space of its gateway's VNet */
static void device_tunnel_routes(Run *r, RunEp *ep, NetDev *td)
{
  const GwConfig *c = r->plan->cloud;
  const GwVirtualNetworkGateway *g = gateway_by_ip(c, ep->sdev->cfg.peer);
  const GwVirtualNetwork *v = g ? gw_config_find_vnet(c, g->virtualNetwork.v) : NULL;
  if (ep->sdev->cfg.ts_mode == DEV_TS_PREFIXES) {
    for (unsigned a = 0; a < ep->sdev->cfg.n_ts_remote; a++)
      net_route_add(ep->node, ep->sdev->cfg.ts_remote[a], (Ipv4Addr){0}, td, 0);
  } else if (v) {
    const ScnNatBox *nb = run_nat_of_device(r, ep->sdev->cfg.name);
    const GwConnection *k =
        device_connection(r, ep->sdev->cfg.peer, nb ? nb->public_ip : ep->sdev->cfg.public_ip);
    for (unsigned a = 0; a < v->n_addressSpace; a++)
      net_route_add(ep->node, vnet_seen_by(c, k, v->addressSpace[a].v), (Ipv4Addr){0}, td, 0);
    /* static routes to other sites through the gateway (transit, tunnelRoutes) */
    for (unsigned a = 0; a < ep->sdev->cfg.n_tunnel_routes; a++)
      net_route_add(ep->node, ep->sdev->cfg.tunnel_routes[a], (Ipv4Addr){0}, td, 0);
  }
  /* a second gateway's VNet (the same VNet again needs no second route) */
  const GwVirtualNetworkGateway *g2 =
      ep->sdev->cfg.has_peer2 ? gateway_by_ip(c, ep->sdev->cfg.peer2) : NULL;
  const GwVirtualNetwork *v2 = g2 ? gw_config_find_vnet(c, g2->virtualNetwork.v) : NULL;
  if (v2 && v2 != v && ep->sdev->cfg.ts_mode != DEV_TS_PREFIXES)
    for (unsigned a = 0; a < v2->n_addressSpace; a++)
      net_route_add(ep->node, v2->addressSpace[a].v, (Ipv4Addr){0}, td, 0);
}

static const RunEpInside gateway_inside = {
    .lan_host = gateway_lan_host,
    .lan_name = gateway_lan_name,
    .lan_router = gateway_lan_router,
    .tunnel_routes = gateway_tunnel_routes,
};

static const RunEpInside device_inside = {
    .lan_host = device_lan_host,
    .lan_name = device_lan_name,
    .tunnel_routes = device_tunnel_routes,
};

static bool p2s_lan_host(Run *r, RunEp *ep, const ScnHost *h, Ipv4Prefix *p)
{
  return false; /* a point-to-site client has no LAN */
}

const RunEpInside run_p2s_inside = {
    .lan_host = p2s_lan_host,
    .tunnel_routes = run_p2s_tunnel_routes,
};

static bool lans_build(Run *r, char **err)
{
  for (guint e = 0; e < r->eps->len; e++) {
    RunEp *ep = g_ptr_array_index(r->eps, e);
    if (ep->instance > 0)
      continue; /* the gateway's LAN presence is its node's, built with instance 0 */
    g_autoptr(GPtrArray) hosts = g_ptr_array_new();
    g_autoptr(GPtrArray) pfx = g_ptr_array_new_with_free_func(g_free);
    for (unsigned i = 0; i < r->plan->n_hosts; i++) {
      const ScnHost *h = &r->plan->hosts[i];
      Ipv4Prefix p;
      if (!ep->inside->lan_host(r, ep, h, &p))
        continue;
      g_ptr_array_add(hosts, (gpointer)h);
      g_ptr_array_add(pfx, g_memdup2(&p, sizeof p));
    }
    if (!hosts->len)
      continue;
    g_autofree char *name = ep->inside->lan_name(r, ep);
    NetLink *l = lan_new(r, name, ep->node, hosts);
    if (!l) {
      *err = g_strdup_printf("LAN '%s': %s", name, net_world_last_error(r->world.w));
      return false;
    }
    g_autoptr(GHashTable) done = g_hash_table_new(NULL, NULL);
    if (ep->inside->lan_router)
      ep->inside->lan_router(r, ep, net_link_dev(l, 0));
    for (guint i = 0; i < hosts->len; i++)
      lan_host(l, i, g_ptr_array_index(hosts, i), *(Ipv4Prefix *)g_ptr_array_index(pfx, i), done);
  }
  return true;
}

bool run_world_build(Run *r, char **err)
{
  r->world.internet = net_node_new(r->world.w, "internet");
  if (!run_p2s_pki(r, err) || !gateways_build(r, err) || !devices_build(r, err) || !run_instances_build(r, err) ||
      !run_nat_nodes(r, err))
    return false;
  for (unsigned i = 0; i < r->plan->n_hosts; i++)
    if (!node_add(r, r->plan->hosts[i].name, r->plan->hosts[i].name, err))
      return false;
  if (!underlay_build(r, err) || !lans_build(r, err) || !run_nat_bind(r, err) ||
      !run_p2s_clients_build(r, err))
    return false;
  for (guint i = 0; i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    if (ep->instance > 0) {
      if (!run_instance_bind(ep, err))
        return false;
      continue;
    }
    if (!run_ep_bind(ep, err))
      return false;
    ep->inside->tunnel_routes(r, ep, net_tunnel_dev(ep->tun));
    ep_dp_start(ep->dp);
  }
  return run_bgp_start(r, err) && run_ike_start(r, err) && run_p2s_tls_start(r, err) &&
         run_p2s_ip_start(r, err);
}
