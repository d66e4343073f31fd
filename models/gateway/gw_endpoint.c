/* SPDX-License-Identifier: MIT */
/* The Azure gateway instance behind the tunnel-endpoint operations. */
#include "models/gateway/gw_endpoint.h"

#include "models/gateway/gw_bgp.h"

#include <glib.h>

typedef struct {
  EpEndpoint ep; /* first: an EpEndpoint* is a GwEndpoint* when ops is gw_endpoint_ops */
  const GwConfig *cfg;
  char *name;
  GwGateway *gw;
  uint32_t bgp_rules_off; /* GwGatewayOptions.bgp_rules_off */
  uint32_t ike_faults;    /* GwGatewayOptions.ike_faults */
  uint32_t nat_faults;    /* GwGatewayOptions.nat_faults */
} GwEndpoint;

static const EpOps gw_endpoint_ops;

static GwEndpoint *gw_ep(EpEndpoint *ep)
{
  return ep && ep->ops == &gw_endpoint_ops ? (GwEndpoint *)ep : NULL;
}

static bool op_ike_new(EpEndpoint *ep, const EpIkeIo *io, Drbg *rng, char **err)
{
  (void)err;
  GwEndpoint *g = gw_ep(ep);
  ep->ike = gw_ike_new(g->cfg, g->name, g->gw, &ep->env, io, rng);
  gw_ike_set_faults(ep->ike, g->ike_faults);
  return true;
}

/* ep_endpoint_* calls these only with the control plane built */
static void op_start(EpEndpoint *ep) { gw_ike_start(ep->ike); }

static void op_ike_rx(EpEndpoint *ep, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                      uint16_t dport, const uint8_t *data, size_t len)
{
  gw_ike_rx(ep->ike, src, sport, dst, dport, data, len);
}

static void op_acquire(EpEndpoint *ep, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  gw_ike_acquire(ep->ike, tunnel, src, dst);
}

static void op_esp_authenticated(EpEndpoint *ep, int tunnel, Ipv4Addr src, uint16_t sport)
{
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
  gw_ike_free(ep->ike);
  gw_gateway_free(g->gw);
  g_free(g->name);
  g_free(g);
}

static bool op_bgp_config(EpEndpoint *ep, const char *node, EpBgpConfig *out)
{
  GwEndpoint *g = gw_ep(ep);
  /* the active instance (instance 0) carries every session in active-standby */
  return g && gw_bgp_config_nat(g->cfg, g->name, 0, ep->dp, node, g->bgp_rules_off, g->nat_faults,
                                out);
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
