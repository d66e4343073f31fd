/* SPDX-License-Identifier: MIT */
/* A point-to-site client as a tunnel endpoint (models/endpoint/ep_endpoint.h): an IKEv2
 * initiator with a certificate (RFC 7296 2.15, RFC 7427) that asks for an internal
 * address with a configuration payload (RFC 7296 2.19), and a data plane with one tunnel
 * to its gateway. Built on the endpoint like the gateway and the device, and on neither. */
#pragma once

#include "models/endpoint/ep_endpoint.h"
#include "models/ike/ike_cert_crypto.h"

#include <stdbool.h>

typedef struct {
  const char *name;          /* node name in events */
  Ipv4Addr public_ip, gateway_ip;
  /* prefixes routed into the tunnel (the VNet's address space, the pool) */
  Ipv4Prefix remote[EP_DP_MAX_PREFIXES];
  unsigned n_remote;
  IkeCert *cert;             /* borrowed for the endpoint's life */
  const IkeKey *key;
  const IkeTrust *trust;     /* the server certificate's root */
  bool reconnect;            /* DPD restarts the connection (else it is only cleared) */
  size_t frag_threshold;     /* RFC 7383: fragment IKE messages above this (0: never) */
} P2sClientConfig;

extern const EpDpEventTypes p2s_client_events;

/* cfg is read during the call (the certificate, key and trust stay borrowed). */
EpEndpoint *p2s_client_new(const P2sClientConfig *cfg, const EpEnv *env, char **err);
/* Connect now (an IKE_SA_INIT to the gateway); traffic before that starts nothing. */
void p2s_client_connect(EpEndpoint *ep);
/* The internal address the gateway gave (RFC 7296 2.19); false before. The data plane
 * takes packets to it inside (a local route) from this call on. */
bool p2s_client_address(EpEndpoint *ep, Ipv4Addr *out);
