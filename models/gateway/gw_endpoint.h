/* SPDX-License-Identifier: MIT */
/* The Azure gateway instance as a tunnel endpoint (models/endpoint/ep_endpoint.h): its
 * run-time model (gw_runtime.h: data plane, SKU caps, one tunnel per connection) and its
 * IKE control plane (gw_ike.h), built in two steps as the endpoint's operations say. */
#pragma once

#include "models/endpoint/ep_endpoint.h"
#include "models/gateway/gw_config.h"
#include "models/gateway/gw_ike.h"
#include "models/gateway/gw_runtime.h"

/* The gateway 'name' of cfg (validated); cfg is borrowed for the endpoint's life (its
 * resets and reconfigurations read it). NULL with *err (g_free, the runtime's reason)
 * when it cannot run (gw_gateway_new). env is copied. */
EpEndpoint *gw_endpoint_new(const GwConfig *cfg, const char *name, const EpEnv *env,
                            const GwGatewayOptions *opt, char **err);
/* The gateway's own parts (borrowed), NULL when ep is not a gateway (or its control plane
 * is not built yet): what only a gateway has (custom policies, shared keys) goes
 * through them. */
GwGateway *gw_endpoint_gateway(EpEndpoint *ep);
GwIke *gw_endpoint_ike(EpEndpoint *ep);
/* The instance stops: its point-to-site sessions end (facts 8), with reason. */
void gw_endpoint_drop_p2s(EpEndpoint *ep, const char *reason);
/* The IKEv2 point-to-site side (NULL: none), for the TLS side that shares its pool. */
struct GwP2s;
struct GwP2s *gw_endpoint_p2s(EpEndpoint *ep);
