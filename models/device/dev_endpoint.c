/* SPDX-License-Identifier: MIT */
/* The on-premises device behind the tunnel-endpoint operations. */
#include "models/device/dev_endpoint.h"

#include <glib.h>

typedef struct {
  EpEndpoint ep; /* first: an EpEndpoint* is a DevEndpoint* when ops is dev_endpoint_ops */
  const DevConfig *cfg;
  EpEnv env;
  DevRuntime *rt;
  DevIke *ike; /* tunnel 0's: the device's peer */
  /* facts 8: a second tunnel (the other instance of an active-active gateway, or a second
   * gateway) has its own control plane, the device's configuration towards peer2 */
  DevConfig cfg2;
  DevIke *ike2;
} DevEndpoint;

static const EpOps dev_endpoint_ops;

static DevEndpoint *dev_ep(EpEndpoint *ep)
{
  return ep && ep->ops == &dev_endpoint_ops ? (DevEndpoint *)ep : NULL;
}

/* The device has one tunnel, to its peer (dev_runtime_new's first). */
static bool op_ike_new(EpEndpoint *ep, const EpIkeIo *io, Drbg *rng, char **err)
{
  DevEndpoint *d = dev_ep(ep);
  d->ike = dev_ike_new(d->cfg, d->rt, 0, &d->env, io, rng, err);
  if (d->ike && d->cfg->has_peer2) {
    d->cfg2 = *d->cfg;
    d->cfg2.peer = d->cfg->peer2;
    d->cfg2.has_peer2 = false;
    d->ike2 = dev_ike_new(&d->cfg2, d->rt, 1, &d->env, io, rng, err);
    return d->ike2 != NULL;
  }
  return d->ike != NULL;
}

static void op_start(EpEndpoint *ep)
{
  DevEndpoint *d = dev_ep(ep);
  if (d->ike)
    dev_ike_start(d->ike);
  if (d->ike2)
    dev_ike_start(d->ike2);
}

static void op_ike_rx(EpEndpoint *ep, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                      uint16_t dport, const uint8_t *data, size_t len)
{
  DevEndpoint *d = dev_ep(ep);
  /* each control plane takes only its own peer's datagrams */
  if (d->ike)
    dev_ike_rx(d->ike, src, sport, dst, dport, data, len);
  if (d->ike2)
    dev_ike_rx(d->ike2, src, sport, dst, dport, data, len);
}

static void op_acquire(EpEndpoint *ep, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  DevEndpoint *d = dev_ep(ep);
  DevIke *k = tunnel == 1 && d->ike2 ? d->ike2 : d->ike;
  if (k)
    dev_ike_acquire(k);
}

static void op_esp_authenticated(EpEndpoint *ep, int tunnel, Ipv4Addr src, uint16_t sport)
{
  DevEndpoint *d = dev_ep(ep);
  DevIke *k = tunnel == 1 && d->ike2 ? d->ike2 : d->ike;
  if (k)
    dev_ike_esp_authenticated(k, src, sport);
}

static void op_free(EpEndpoint *ep)
{
  DevEndpoint *d = dev_ep(ep);
  /* the control plane first: it removes its child SAs from the data plane */
  dev_ike_free(d->ike2);
  dev_ike_free(d->ike);
  dev_runtime_free(d->rt);
  g_free(d);
}

/* No reset: the timeline resets the gateway's connections, not a device's. */
static const EpOps dev_endpoint_ops = {
    .kind = "device",
    .ike_new = op_ike_new,
    .start = op_start,
    .ike_rx = op_ike_rx,
    .acquire = op_acquire,
    .esp_authenticated = op_esp_authenticated,
    .free = op_free,
};

EpEndpoint *dev_endpoint_new(const DevConfig *d, const DevRuntimeConfig *rc, const EpEnv *env,
                             char **err)
{
  DevRuntime *rt = dev_runtime_new(rc, env, err);
  if (!rt)
    return NULL;
  DevEndpoint *e = g_new0(DevEndpoint, 1);
  e->ep = (EpEndpoint){.ops = &dev_endpoint_ops, .dp = dev_runtime_dp(rt),
                       .public_ip = rc->public_ip, .inside_ip = rc->inside_ip};
  e->cfg = d;
  e->env = *env;
  e->rt = rt;
  return &e->ep;
}

DevIke *dev_endpoint_ike(EpEndpoint *ep)
{
  DevEndpoint *d = dev_ep(ep);
  return d ? d->ike : NULL;
}
