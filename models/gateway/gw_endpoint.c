/* SPDX-License-Identifier: MIT */
/* The Azure gateway instance behind the tunnel-endpoint operations. */
#include "models/gateway/gw_endpoint.h"

#include "models/bgp/bgp_azure.h"
#include "models/gateway/gw_bgp.h"
#include "models/gateway/gw_instances.h"
#include "models/gateway/gw_p2s.h"
#include "models/common/wire.h"

#include <glib.h>

typedef struct {
  EpEndpoint ep; /* first: an EpEndpoint* is a GwEndpoint* when ops is gw_endpoint_ops */
  const GwConfig *cfg;
  char *name;
  GwGateway *gw;
  uint32_t bgp_rules_off; /* GwGatewayOptions.bgp_rules_off */
  uint32_t ike_faults;    /* GwGatewayOptions.ike_faults */
  uint32_t nat_faults;    /* GwGatewayOptions.nat_faults */
  const GwP2sCreds *p2s_creds; /* GwGatewayOptions.p2s */
  GwP2s *p2s;                  /* the point-to-site side, or NULL */
  Ipv4Addr p2s_local;          /* the address P2S runs on (p2s_on_third_ip) */
} GwEndpoint;

static const EpOps gw_endpoint_ops;

static GwEndpoint *gw_ep(EpEndpoint *ep)
{
  return ep && ep->ops == &gw_endpoint_ops ? (GwEndpoint *)ep : NULL;
}

/* facts 7.2: an active-active gateway runs P2S on a third public IP (p2sPublicIpAddress),
 * held by one instance at a time (facts 13.2: P2S resiliency is active-passive; the run
 * steers the address to that instance, sim/run/p2s_ip.c); IKEv2 clients connect there,
 * not to the instances' own addresses. The ikev2InstanceIp fault keeps each instance's. */
static bool p2s_on_third_ip(const GwEndpoint *g)
{
  const GwVirtualNetworkGateway *vg = gw_config_find_gateway(g->cfg, g->name);
  return vg && gw_instances_active_active(vg) && vg->p2sPublicIpAddress.set &&
         !(g->p2s_creds->faults & GW_P2S_FAULT_IKEV2_INSTANCE_IP);
}

static bool op_ike_new(EpEndpoint *ep, const EpIkeIo *io, Drbg *rng, char **err)
{
  (void)err;
  GwEndpoint *g = gw_ep(ep);
  ep->ike = gw_ike_new_faulty(g->cfg, g->name, g->gw, &ep->env, io, rng, g->ike_faults,
                              g->nat_faults);
  if (g->p2s_creds) {
    const GwSku *sku = gw_gateway_sku(g->gw);
    g_autofree char *node = g_strdup_printf("%s/%u", g->name, gw_gateway_instance(g->gw));
    g->p2s_local = ep->public_ip;
    if (p2s_on_third_ip(g))
      g->p2s_local = gw_config_find_gateway(g->cfg, g->name)->p2sPublicIpAddress.v;
    g->p2s = gw_p2s_new(g->cfg, g->name, node, ep->dp, g->p2s_local,
                        sku ? sku->p2s_ikev2_openvpn : 0, sku ? sku->name : NULL, &ep->env, io,
                        rng, g->p2s_creds);
  }
  return true;
}

/* ep_endpoint_* calls these only with the control plane built */
static void op_start(EpEndpoint *ep) { gw_ike_start(ep->ike); }

/* The s2sPeerP2s fault: IKE_SA_INIT requests and the SAs P2S holds go to P2S. */
static bool p2s_wants(GwP2s *p, Ipv4Addr src, const uint8_t *data, size_t len, uint16_t dport)
{
  if (dport == 4500) {
    if (len < 4)
      return false;
    data += 4, len -= 4;
  }
  Ikev2Header h;
  Ikev2Diag d;
  if (ikev2_header_decode(data, len, &h, &d) != WIRE_OK)
    return false;
  return (h.exchange == IKEV2_IKE_SA_INIT && h.spi_r == 0) || gw_p2s_holds(p, src, h.spi_i);
}

static void op_ike_rx(EpEndpoint *ep, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                      uint16_t dport, const uint8_t *data, size_t len)
{
  GwEndpoint *g = gw_ep(ep);
  /* facts 7.1: an IKEv2 client from an S2S peer's public IP meets that connection, not
   * the P2S side (unless the gateway is faulty: then its new IKE SAs go to P2S) */
  /* P2S on the third IP: the instance's own address is S2S's alone (a client dialling it
   * meets no P2S side) */
  if (g->p2s && g->p2s_local.v != ep->public_ip.v && dst.v != g->p2s_local.v) {
    gw_ike_rx(ep->ike, src, sport, dst, dport, data, len);
    return;
  }
  if (g->p2s && (!gw_ike_is_peer(ep->ike, src) ||
                 (gw_p2s_fault(g->p2s, GW_P2S_FAULT_S2S_PEER) && p2s_wants(g->p2s, src, data, len, dport)))) {
    gw_p2s_rx(g->p2s, src, sport, dst, dport, data, len);
    return;
  }
  gw_ike_rx(ep->ike, src, sport, dst, dport, data, len);
}

static void op_acquire(EpEndpoint *ep, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  gw_ike_acquire(ep->ike, tunnel, src, dst);
}

static void op_esp_authenticated(EpEndpoint *ep, int tunnel, Ipv4Addr src, uint16_t sport)
{
  if (gw_p2s_esp_authenticated(gw_ep(ep)->p2s, tunnel, src, sport))
    return;
  gw_ike_esp_authenticated(ep->ike, tunnel, src, sport);
}

static bool op_reset(EpEndpoint *ep, const char *connection)
{
  return gw_ike_reset(ep->ike, gw_ep(ep)->cfg, connection);
}

static void op_free(EpEndpoint *ep)
{
  GwEndpoint *g = gw_ep(ep);
  /* the control plane first: it removes its child SAs from the data plane */
  gw_p2s_free(g->p2s);
  gw_ike_free(ep->ike);
  gw_gateway_free(g->gw);
  g_free(g->name);
  g_free(g);
}

static bool op_bgp_config(EpEndpoint *ep, const char *node, EpBgpConfig *out)
{
  GwEndpoint *g = gw_ep(ep);
  if (!g)
    return false;
  /* facts 5: active-active, each instance has its own BGP address (bgpPeeringAddresses,
   * one per ipConfiguration) and its own session over its own tunnel to each device;
   * active-standby, the active instance carries every session on the one address */
  const GwVirtualNetworkGateway *vg = gw_config_find_gateway(g->cfg, g->name);
  unsigned instance = vg && vg->activeActive.set && vg->activeActive.v ? gw_gateway_instance(g->gw) : 0;
  /* the fault bgpRulesOff: [per-instance-sessions]: only instance 0 speaks BGP */
  int pi = bgp_azure_rule_index("per-instance-sessions");
  if (instance != 0 && pi >= 0 && (g->bgp_rules_off & (1u << pi)))
    return false;
  return gw_bgp_config_nat(g->cfg, g->name, instance, ep->dp, node, g->bgp_rules_off,
                           g->nat_faults, out);
}

static const EpOps gw_endpoint_ops = {
    .kind = "gateway",
    .ike_new = op_ike_new,
    .start = op_start,
    .ike_rx = op_ike_rx,
    .acquire = op_acquire,
    .esp_authenticated = op_esp_authenticated,
    .reset = op_reset,
    .free = op_free,
    .tunnels_are_connections = true,
    .bgp_config = op_bgp_config,
};

EpEndpoint *gw_endpoint_new(const GwConfig *cfg, const char *name, const EpEnv *env,
                            const GwGatewayOptions *opt, char **err)
{
  GwGateway *gw = gw_gateway_new(cfg, name, env, opt, err);
  if (!gw)
    return NULL;
  GwEndpoint *g = g_new0(GwEndpoint, 1);
  ep_endpoint_init(&g->ep, &gw_endpoint_ops, env, gw_gateway_dp(gw), gw_gateway_public_ip(gw),
                   gw_gateway_inside_ip(gw));
  g->cfg = cfg;
  g->name = g_strdup(name);
  g->gw = gw;
  g->bgp_rules_off = opt ? opt->bgp_rules_off : 0;
  g->ike_faults = opt ? opt->ike_faults : 0;
  g->nat_faults = opt ? opt->nat_faults : 0;
  g->p2s_creds = opt ? opt->p2s : NULL;
  return &g->ep;
}

GwGateway *gw_endpoint_gateway(EpEndpoint *ep)
{
  GwEndpoint *g = gw_ep(ep);
  return g ? g->gw : NULL;
}

GwIke *gw_endpoint_ike(EpEndpoint *ep)
{
  return gw_ep(ep) ? ep->ike : NULL;
}

void gw_endpoint_drop_p2s(EpEndpoint *ep, const char *reason)
{
  GwEndpoint *g = gw_ep(ep);
  if (g)
    gw_p2s_drop_all(g->p2s, reason);
}

GwP2s *gw_endpoint_p2s(EpEndpoint *ep)
{
  GwEndpoint *g = gw_ep(ep);
  return g ? g->p2s : NULL;
}
