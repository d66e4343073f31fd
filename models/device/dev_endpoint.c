/* SPDX-License-Identifier: MIT */
/* The on-premises device behind the tunnel-endpoint operations. */
#include "models/device/dev_endpoint.h"

#include "models/device/dev_bgp.h"

#include <glib.h>

typedef struct {
  EpEndpoint ep; /* first: an EpEndpoint* is a DevEndpoint* when ops is dev_endpoint_ops */
  const DevConfig *cfg;
  DevRuntime *rt;
  /* facts 8: a second tunnel (the other instance of an active-active gateway, or a second
   * gateway) has its own control plane, the device's configuration towards peer2; the
   * first tunnel's is the endpoint's own (EpEndpoint.ike) */
  DevConfig cfg2;
  DevIke *ike2;
} DevEndpoint;

static const EpOps dev_endpoint_ops;

static DevEndpoint *dev_ep(EpEndpoint *ep)
{
  return ep && ep->ops == &dev_endpoint_ops ? (DevEndpoint *)ep : NULL;
}

/* Tunnel 0 to its peer (dev_runtime_new's first), tunnel 1 to peer2 when it has one. */
static bool op_ike_new(EpEndpoint *ep, const EpIkeIo *io, Drbg *rng, char **err)
{
  DevEndpoint *d = dev_ep(ep);
  ep->ike = dev_ike_new(d->cfg, d->rt, 0, &ep->env, io, rng, err);
  if (ep->ike && d->cfg->has_peer2) {
    d->cfg2 = *d->cfg;
    d->cfg2.peer = d->cfg->peer2;
    d->cfg2.has_peer2 = false;
    d->ike2 = dev_ike_new(&d->cfg2, d->rt, 1, &ep->env, io, rng, err);
    return d->ike2 != NULL;
  }
  return ep->ike != NULL;
}

/* ep_endpoint_* calls these only with the control plane built */
static void op_start(EpEndpoint *ep)
{
  DevEndpoint *d = dev_ep(ep);
  dev_ike_start(ep->ike);
  if (d->ike2)
    dev_ike_start(d->ike2);
}

static void op_ike_rx(EpEndpoint *ep, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                      uint16_t dport, const uint8_t *data, size_t len)
{
  DevEndpoint *d = dev_ep(ep);
  /* each control plane takes only its own peer's datagrams */
  dev_ike_rx(ep->ike, src, sport, dst, dport, data, len);
  if (d->ike2)
    dev_ike_rx(d->ike2, src, sport, dst, dport, data, len);
}

/* the control plane of the tunnel the data plane asks for */
static void op_acquire(EpEndpoint *ep, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  (void)src, (void)dst;
  DevEndpoint *d = dev_ep(ep);
  dev_ike_acquire(tunnel == 1 && d->ike2 ? d->ike2 : ep->ike);
}

static void op_esp_authenticated(EpEndpoint *ep, int tunnel, Ipv4Addr src, uint16_t sport)
{
  DevEndpoint *d = dev_ep(ep);
  dev_ike_esp_authenticated(tunnel == 1 && d->ike2 ? d->ike2 : ep->ike, src, sport);
}

static void op_free(EpEndpoint *ep)
{
  DevEndpoint *d = dev_ep(ep);
  /* the control plane first: it removes its child SAs from the data plane */
  dev_ike_free(d->ike2);
  dev_ike_free(ep->ike);
  dev_runtime_free(d->rt);
  g_free(d);
}

/* No reset: the timeline resets the gateway's connections, not a device's. */
static bool op_bgp_config(EpEndpoint *ep, const char *node, EpBgpConfig *out)
{
  DevEndpoint *d = dev_ep(ep);
  return d && dev_bgp_config(d->cfg, node, out);
}

static const EpOps dev_endpoint_ops = {
    .kind = "device",
    .ike_new = op_ike_new,
    .start = op_start,
    .ike_rx = op_ike_rx,
    .acquire = op_acquire,
    .esp_authenticated = op_esp_authenticated,
    .free = op_free,
    .bgp_config = op_bgp_config,
};

EpEndpoint *dev_endpoint_new(const DevConfig *d, const DevRuntimeConfig *rc, const EpEnv *env,
                             char **err)
{
  DevRuntime *rt = dev_runtime_new(rc, env, err);
  if (!rt)
    return NULL;
  DevEndpoint *e = g_new0(DevEndpoint, 1);
  ep_endpoint_init(&e->ep, &dev_endpoint_ops, env, dev_runtime_dp(rt), rc->public_ip,
                   rc->inside_ip);
  e->cfg = d;
  e->rt = rt;
  return &e->ep;
}
