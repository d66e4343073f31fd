/* SPDX-License-Identifier: MIT */
/* The calls into a tunnel endpoint, through its operations table. */
#include "models/endpoint/ep_endpoint.h"

void ep_endpoint_init(EpEndpoint *ep, const EpOps *ops, const EpEnv *env, EpDp *dp,
                      Ipv4Addr public_ip, Ipv4Addr inside_ip)
{
  *ep = (EpEndpoint){.ops = ops, .dp = dp, .public_ip = public_ip, .inside_ip = inside_ip,
                     .env = *env};
}

bool ep_endpoint_ike_new(EpEndpoint *ep, const EpIkeIo *io, Drbg *rng, char **err)
{
  return ep->ops->ike_new(ep, io, rng, err);
}

/* Before ike_new, or when it built nothing, an endpoint has no control plane to call. */
void ep_endpoint_start(EpEndpoint *ep)
{
  if (ep->ike)
    ep->ops->start(ep);
}

void ep_endpoint_ike_rx(EpEndpoint *ep, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                        uint16_t dport, const uint8_t *data, size_t len)
{
  if (ep->ike)
    ep->ops->ike_rx(ep, src, sport, dst, dport, data, len);
}

void ep_endpoint_acquire(EpEndpoint *ep, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  if (ep->ike)
    ep->ops->acquire(ep, tunnel, src, dst);
}

void ep_endpoint_esp_authenticated(EpEndpoint *ep, int tunnel, Ipv4Addr src, uint16_t sport)
{
  if (ep->ike)
    ep->ops->esp_authenticated(ep, tunnel, src, sport);
}

bool ep_endpoint_reset(EpEndpoint *ep, const char *connection)
{
  return ep->ike && ep->ops->reset ? ep->ops->reset(ep, connection) : false;
}

void ep_endpoint_free(EpEndpoint *ep)
{
  if (ep)
    ep->ops->free(ep);
}

bool ep_endpoint_bgp_config(EpEndpoint *ep, const char *node, EpBgpConfig *out)
{
  return ep && ep->ops->bgp_config && ep->ops->bgp_config(ep, node, out);
}
