/* SPDX-License-Identifier: MIT */
/* The gateway's point-to-site side over IKEv2 (facts 7): it answers IKEv2 clients with
 * certificates on its public IP, checks them against vpnClientRootCertificates and
 * vpnClientRevokedCertificates, picks from the documented P2S proposal tables (facts 7.4)
 * or the custom vpnClientIpsecPolicies, hands each client an address from the IKEv2 share
 * of the pool through the configuration payload, routes between the clients and the VNet
 * (and between clients), and refuses clients over the SKU's connection limit (facts 1.1).
 * One responder IKE link and one data-plane tunnel per client. */
#pragma once

#include "models/endpoint/ep_dataplane.h"
#include "models/endpoint/ep_ike.h"
#include "models/gateway/gw_config.h"
#include "models/ike/ike_cert_crypto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Events (node: the gateway instance). */
#define GW_P2S_EV_CONNECTED "p2s.connected"       /* client, peer, peer_ip, address,
                                                     protocol, connections */
#define GW_P2S_EV_REFUSED "p2s.refused"           /* client, peer, peer_ip, reason */
#define GW_P2S_EV_DISCONNECTED "p2s.disconnected" /* client, peer, peer_ip, address,
                                                     reason, connections */

/* Faults: a gateway that breaks the documented P2S behaviour, for the conformance checks
 * to prove they fail (scenario "faults: {p2s: [NAME...]}"). */
typedef enum {
  GW_P2S_FAULT_NO_LIMIT = 1u << 0,        /* noConnectionLimit: no per-SKU limit */
  GW_P2S_FAULT_IGNORE_REVOKED = 1u << 1,  /* ignoreRevoked: revoked thumbprints accepted */
  GW_P2S_FAULT_ACCEPT_ECDSA = 1u << 2,    /* acceptEcdsa: ECDSA client certificates */
  GW_P2S_FAULT_S2S_PEER = 1u << 3,        /* s2sPeerP2s: P2S from an S2S peer's address */
  GW_P2S_FAULT_REVERSED_PROPOSALS = 1u << 5,  /* reversedProposals: facts 7.4 tables in
                                                 reverse order */
  GW_P2S_FAULT_WHOLE_POOL = 1u << 6,      /* wholePool: IKEv2 takes the whole pool even
                                             with SSTP enabled */
  GW_P2S_FAULT_ANY_ROOT = 1u << 8,        /* anyRoot: chains to no root are accepted */
  GW_P2S_FAULT_ANY_TUNNEL_TYPE = 1u << 9, /* anyTunnelType: an OpenVPN or SSTP client is
                                             served whatever vpnClientProtocols enables */
  GW_P2S_FAULT_NO_TLS_TAKEOVER = 1u << 10, /* noTlsTakeover: OpenVPN and SSTP only ever on
                                              instance 0 (no other instance takes the TCP 443
                                              listener on failover) */
  GW_P2S_FAULT_IKEV2_INSTANCE_IP = 1u << 11, /* ikev2InstanceIp: IKEv2 P2S of an
                                                active-active gateway on each instance's own
                                                public IP (clients dial instance 0's), not
                                                on the third one (facts 7.2) */
} GwP2sFault;

extern const NameTable gw_p2s_fault_names;

/* What the run gives the gateway: its trust (vpnClientRootCertificates as certificates,
 * the revoked thumbprints, RSA only) and its server certificate and key. Borrowed for
 * the gateway's life. */
typedef struct GwP2sCreds {
  const IkeTrust *trust;
  IkeCert *server_cert;
  const IkeKey *server_key;
  uint32_t faults; /* GwP2sFault bits */
} GwP2sCreds;

/* The documented pool split (facts 7.2): with SSTP and IKEv2 both enabled the pool is
 * split statically, SSTP at most 128 addresses and the rest to IKEv2, a pool of up to 256
 * addresses halved; one protocol takes the whole pool. Addresses are counted over the
 * prefixes in order; SSTP takes the first part. Each share is up to GW_P2S_MAX_RANGES
 * ranges. The usable addresses of a share leave out each prefix's first and last address
 * (its network and broadcast addresses; the documents do not say which Azure hands out). */
#define GW_P2S_MAX_RANGES 32
typedef struct {
  Ipv4Range ikev2[GW_P2S_MAX_RANGES], sstp[GW_P2S_MAX_RANGES];
  unsigned n_ikev2, n_sstp;
  uint64_t ikev2_size, sstp_size; /* addresses in each share (before the exclusions) */
} GwP2sPool;
void gw_p2s_pool_split(const GwVpnClientConfiguration *p, bool whole_pool, GwP2sPool *out);

/* The responder configuration of the P2S IKEv2 side: facts 7.4's proposal tables in their
 * order (or the custom policy), certificate authentication. False with *why when the
 * custom policy holds a value the engine cannot use. */
bool gw_p2s_ike_config(const GwVirtualNetworkGateway *g, Ipv4Addr local, const GwP2sCreds *creds,
                       IkeConfig *out, const char **why);

typedef struct GwP2s GwP2s;

/* The P2S side of gateway 'name' of cfg on instance 'node' ("vgw1/0"); NULL when the
 * gateway has no IKEv2 point-to-site configuration or creds is NULL. cfg is read during
 * the call only; dp, env, io, rng and creds are borrowed. */
GwP2s *gw_p2s_new(const GwConfig *cfg, const char *name, const char *node, EpDp *dp,
                  Ipv4Addr local, unsigned sku_limit, const char *sku_name, const EpEnv *env,
                  const EpIkeIo *io, Drbg *rng, const GwP2sCreds *creds);
/* Every session ends (no messages: the instance is gone); p2s.disconnected events. */
void gw_p2s_free(GwP2s *p);
/* facts 8: the instance stops (failover, maintenance, failure): every session ends at once,
 * without messages (p2s.disconnected with the reason); the clients find out by DPD. */
void gw_p2s_drop_all(GwP2s *p, const char *reason);
/* A datagram of a client (not an S2S peer). */
void gw_p2s_rx(GwP2s *p, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *data, size_t len);
/* Does a session hold this IKE SA (by its initiator SPI)? */
bool gw_p2s_holds(GwP2s *p, Ipv4Addr src, uint64_t spi_i);
/* With the s2sPeerP2s fault the gateway takes IKE_SA_INITs from S2S peers' addresses. */
bool gw_p2s_fault(const GwP2s *p, GwP2sFault f);
/* Connected clients now. */
unsigned gw_p2s_n_connected(const GwP2s *p);
/* An authenticated ESP-in-UDP packet of a P2S tunnel from a new address or port (RFC 7296
 * 2.23: the client's NAT rebound); false when tunnel is not a P2S one. */
bool gw_p2s_esp_authenticated(GwP2s *p, int tunnel, Ipv4Addr src, uint16_t sport);

/* The TLS side (gw_p2s_tls.h) gives OpenVPN clients addresses from the same share and
 * counts them against the same IKEv2/OpenVPN limit (facts 1.1, 7.2): the IKEv2 side asks
 * it which addresses and how many connections it holds. */
typedef struct {
  void *user;
  bool (*in_use)(void *user, Ipv4Addr a);
  unsigned (*count)(void *user);     /* addresses it holds (the limit counts them) */
  unsigned (*connected)(void *user); /* its connected sessions (events' "connections":
                                        every P2S connection of the instance) */
  /* the IKEv2 side gave address a back (the sharing side's search may start at it); may
   * be NULL */
  void (*released)(void *user, Ipv4Addr a);
} GwP2sShare;
void gw_p2s_set_share(GwP2s *p, const GwP2sShare *share);
/* Is the address one the IKEv2 side gave? How many has it given? */
bool gw_p2s_addr_used(const GwP2s *p, Ipv4Addr a);
unsigned gw_p2s_n_assigned(const GwP2s *p);
/* The sharing side gave an address of the IKEv2 share back (the search for a free address
 * starts at the lowest one given back). */
void gw_p2s_addr_released(GwP2s *p, Ipv4Addr a);
/* Is a the network or broadcast address of one of the n pool prefixes (never handed out;
 * /31 and /32 have none)? */
bool gw_p2s_pool_edge(const Ipv4Prefix *pool, unsigned n, Ipv4Addr a);
