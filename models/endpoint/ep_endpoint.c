/* SPDX-License-Identifier: MIT */
/* The calls into a tunnel endpoint, through its operations table. */
#include "models/endpoint/ep_endpoint.h"

bool ep_endpoint_ike_new(EpEndpoint *ep, const EpIkeIo *io, Drbg *rng, char **err)
{
  return ep->ops->ike_new(ep, io, rng, err);
}

void ep_endpoint_start(EpEndpoint *ep)
{
  ep->ops->start(ep);
}

void ep_endpoint_ike_rx(EpEndpoint *ep, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                        uint16_t dport, const uint8_t *data, size_t len)
{
  ep->ops->ike_rx(ep, src, sport, dst, dport, data, len);
}

void ep_endpoint_acquire(EpEndpoint *ep, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  ep->ops->acquire(ep, tunnel, src, dst);
}

void ep_endpoint_esp_authenticated(EpEndpoint *ep, int tunnel, Ipv4Addr src, uint16_t sport)
{
  ep->ops->esp_authenticated(ep, tunnel, src, sport);
}

bool ep_endpoint_reset(EpEndpoint *ep, const char *connection)
{
  return ep->ops->reset ? ep->ops->reset(ep, connection) : false;
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
