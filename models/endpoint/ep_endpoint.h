/* SPDX-License-Identifier: MIT */
/* One tunnel endpoint behind an operations table: a data plane (ep_dataplane.h) and the
 * IKE control plane that drives it. The Azure gateway instance
 * (models/gateway/gw_endpoint.h) and the on-premises device (models/device/dev_endpoint.h)
 * are its two constructors; a runner binds an endpoint to its node (EpEnv, EpIkeIo) and
 * calls it only through these operations, as BIRD calls a protocol through its struct
 * protocol. */
#pragma once

#include "models/common/drbg.h"
#include "models/common/ipv4.h"
#include "models/endpoint/ep_bgp.h"
#include "models/endpoint/ep_dataplane.h"
#include "models/endpoint/ep_ike.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct EpEndpoint EpEndpoint;

typedef struct {
  const char *kind; /* "gateway", "device" */
  /* Build the IKE control plane into ep->ike (after the node's sockets exist; it may emit
   * events, a connection refused). io is copied, rng borrowed for the endpoint's life.
   * False with *err (g_free) when it cannot run. The operations below are called only
   * while ep->ike is set (ep_endpoint_*): they forward to it. */
  bool (*ike_new)(EpEndpoint *ep, const EpIkeIo *io, Drbg *rng, char **err);
  /* Start every connection (the start action of its configuration). */
  void (*start)(EpEndpoint *ep);
  /* A datagram to the endpoint's UDP 500 or 4500 (with the non-ESP marker). */
  void (*ike_rx)(EpEndpoint *ep, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                 const uint8_t *data, size_t len);
  /* Traffic for tunnel from src to dst has no SA (EpEnv.acquire). */
  void (*acquire)(EpEndpoint *ep, int tunnel, Ipv4Addr src, Ipv4Addr dst);
  /* An authenticated ESP-in-UDP packet of tunnel came from src:sport, not where the
   * tunnel sends (EpEnv.peer_moved): the IKE side decides whether to follow. */
  void (*esp_authenticated)(EpEndpoint *ep, int tunnel, Ipv4Addr src, uint16_t sport);
  /* Delete and restart the IKE SA of a connection (NULL: of every connection). False when
   * there is no such connection or the endpoint has no resets. May be NULL. */
  bool (*reset)(EpEndpoint *ep, const char *connection);
  /* The control plane first (it removes its child SAs), then the data plane. */
  void (*free)(EpEndpoint *ep);
  /* The endpoint's tunnels are connections of the cloud model: a runner logs their state
   * also as tunnel.up / tunnel.down with "connection" (the names expectations read). */
  bool tunnels_are_connections;
  /* The endpoint's BGP speaker configuration (node: its name in events, borrowed); false
   * when it runs no BGP. A device leaves what only its gateway knows at 0 (the peer's BGP
   * address and AS): the runner fills them in. May be NULL. */
  bool (*bgp_config)(EpEndpoint *ep, const char *node, EpBgpConfig *out);
} EpOps;

/* The part every endpoint shares; a constructor embeds it first in its own struct. */
struct EpEndpoint {
  const EpOps *ops;
  EpDp *dp;           /* the data plane, owned by the endpoint */
  Ipv4Addr public_ip; /* its outer address */
  Ipv4Addr inside_ip; /* its address on the inside (GatewaySubnet, LAN): ICMP errors */
  EpEnv env;          /* the node's environment, copied */
  void *ike;          /* the IKE control plane (GwIke, DevIke); NULL until ike_new */
};

/* What a constructor fills in first: the shared part of its endpoint. */
void ep_endpoint_init(EpEndpoint *ep, const EpOps *ops, const EpEnv *env, EpDp *dp,
                      Ipv4Addr public_ip, Ipv4Addr inside_ip);

bool ep_endpoint_ike_new(EpEndpoint *ep, const EpIkeIo *io, Drbg *rng, char **err);
void ep_endpoint_start(EpEndpoint *ep);
void ep_endpoint_ike_rx(EpEndpoint *ep, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                        uint16_t dport, const uint8_t *data, size_t len);
void ep_endpoint_acquire(EpEndpoint *ep, int tunnel, Ipv4Addr src, Ipv4Addr dst);
void ep_endpoint_esp_authenticated(EpEndpoint *ep, int tunnel, Ipv4Addr src, uint16_t sport);
bool ep_endpoint_reset(EpEndpoint *ep, const char *connection);
void ep_endpoint_free(EpEndpoint *ep);
bool ep_endpoint_bgp_config(EpEndpoint *ep, const char *node, EpBgpConfig *out);
