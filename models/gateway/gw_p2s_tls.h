/* SPDX-License-Identifier: MIT */
/* The gateway's point-to-site side over TLS (facts 7.1): OpenVPN and SSTP sessions at the
 * session level. A client opens TCP to the gateway's public IP port 443; the TLS handshake
 * runs through models/p2s/p2s_tls.h (TLS 1.2 or 1.3, the suites of facts 7.4), the client
 * certificate checked as for IKEv2 (the roots of vpnClientRootCertificates, revocation by
 * thumbprint, RSA only). Past the handshake the bytes are vpnsim's own framing, neither
 * OpenVPN's nor SSTP's protocol: each TLS record carries frames of a 16-bit big-endian
 * length and a body (p2s_tls.h); a body starting 0x4_ is an IPv4 packet, one starting 0x00
 * is a control message:
 *   client -> gateway  00 01 P          hello: the tunnel type P (1 OpenVPN, 2 SSTP)
 *   gateway -> client  00 02 A(4) N {prefix(4) len(1)}*N   the address A and N routes
 *   gateway -> client  00 03 TEXT       refused, with the reason (then TCP closes)
 * The client's address comes from that protocol's share of the pool (facts 7.2: SSTP at
 * most 128 addresses; OpenVPN shares the IKEv2 share, which the IKEv2 side is told of),
 * and counts against the SKU's limits (facts 1.1: SSTP 128, OpenVPN with IKEv2). Sans I/O:
 * the TCP connections are the runner's (GwP2sTlsIo). */
#pragma once

#include "models/endpoint/ep_dataplane.h"
#include "models/gateway/gw_config.h"
#include "models/gateway/gw_p2s.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GW_P2S_TLS_PORT 443

/* vpnsim's control frames (above) */
enum {
  GW_P2S_TLS_MSG_HELLO = 1,
  GW_P2S_TLS_MSG_ASSIGN = 2,
  GW_P2S_TLS_MSG_REFUSED = 3,
  GW_P2S_TLS_HELLO_OPENVPN = 1,
  GW_P2S_TLS_HELLO_SSTP = 2,
};

typedef struct {
  void *user;
  /* bytes onto connection conn (TCP) */
  void (*send)(void *user, uint32_t conn, const uint8_t *data, size_t len);
  /* close conn once what was sent has left */
  void (*close)(void *user, uint32_t conn);
  /* a line of the TLS key log (SSLKEYLOGFILE format); may be NULL */
  void (*key_row)(void *user, const char *line);
} GwP2sTlsIo;

typedef struct GwP2sTls GwP2sTls;

/* The TLS side of gateway 'name' on instance 'node'; NULL when the gateway enables neither
 * OpenVPN nor SSTP, or creds is NULL. dp is the instance's data plane: each client's
 * address is a local route of it (packets from IKEv2 tunnels to the client go inside, to
 * the node, whose route to the pool leads to gw_p2s_tls_tx_inner). ikev2 (may be NULL) is the IKEv2 side whose share
 * and limit OpenVPN sessions share. cfg is read during the call only; the rest borrowed.
 * cert_epoch: the Unix time certificates are validated at. */
GwP2sTls *gw_p2s_tls_new(const GwConfig *cfg, const char *name, const char *node, EpDp *dp,
                         GwP2s *ikev2,
                         unsigned limit_ikev2_openvpn, unsigned limit_sstp, const char *sku_name,
                         const EpEnv *env, const GwP2sTlsIo *io, Drbg *rng,
                         const GwP2sCreds *creds, int64_t cert_epoch);
void gw_p2s_tls_free(GwP2sTls *g);
/* A TCP connection to port 443 from src:sport was accepted: its id for the calls below
 * (never 0). */
uint32_t gw_p2s_tls_accept(GwP2sTls *g, Ipv4Addr src, uint16_t sport);
/* Bytes of connection conn (any split of the stream). */
void gw_p2s_tls_rx(GwP2sTls *g, uint32_t conn, const uint8_t *data, size_t len);
/* The client closed or the connection failed: the session ends. */
void gw_p2s_tls_closed(GwP2sTls *g, uint32_t conn, const char *reason);
/* An inner packet routed to the pool: true when its destination is a TLS client's address
 * (it went into that session, or was dropped when the session cannot take it). */
bool gw_p2s_tls_tx_inner(GwP2sTls *g, const uint8_t *pkt, size_t len);
/* Every session ends (an instance stops): p2s.disconnected with the reason. */
void gw_p2s_tls_drop_all(GwP2sTls *g, const char *reason);
unsigned gw_p2s_tls_n_connected(const GwP2sTls *g);
