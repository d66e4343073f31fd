/* SPDX-License-Identifier: MIT */
/* The Azure gateway's IKE control plane: IKE links (models/endpoint/ep_ike.h) on the
 * tunnels of its data plane, and the engine configuration of each connection from the
 * resource model (default proposal lists as initiator and as responder, or the custom
 * policy both ways; MM lifetime fixed at 28,800 s; connection modes; DPD; PSK;
 * identities; route- or policy-based selectors). */
#pragma once

#include "models/endpoint/ep_dataplane.h"
#include "models/common/names.h"
#include "models/endpoint/ep_ike.h"
#include "models/gateway/gw_config.h"
#include "models/gateway/gw_runtime.h"
#include "models/ike/ikev2_sa.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the Azure gateway ---- */

#define GW_IKE_EV_RESET "gw.connection.reset" /* connection, reason */
#define GW_IKE_EV_IDLE "gw.connection.idle"   /* connection, idle_s: torn down (facts 4) */
/* connection, reason ("duplicate" or "INITIAL_CONTACT"), spi_i: the IKE SA the gateway
 * deleted (a duplicate of simultaneous initiation, RFC 7296 2.8.1's rule; or the peer's
 * childless one when ours carries the connection's child SAs, gw_ike.c) or forgot (the
 * peer's INITIAL_CONTACT reached the connection's other engine, RFC 7296 2.4) */
#define GW_IKE_EV_SA_REDUNDANT "gw.ike.sa_redundant"

/* A faulty gateway (conformance checks prove they fail with it): rules of RFC 7296 it does
 * not follow, by name in a scenario's faults: {ikeRulesOff: [...]}. */
typedef enum {
  GW_IKE_FAULT_DUPLICATE_SA = 1u << 0,    /* "duplicate-sa": keeps both SAs of a collision */
  GW_IKE_FAULT_INITIAL_CONTACT = 1u << 1, /* "initial-contact": only the engine it reached forgets */
  /* "delete-before-answer": the Delete of its redundant IKE SA leaves before its answer to
   * the exchange that completed the other, so the peer's tunnel is gone for an instant */
  GW_IKE_FAULT_DELETE_BEFORE_ANSWER = 1u << 2,
  /* "contact-per-engine": the engine that dials adds INITIAL_CONTACT when it holds no IKE
   * SA itself, though the connection's other engine holds the peer's (RFC 7296 2.4) */
  GW_IKE_FAULT_CONTACT_PER_ENGINE = 1u << 3,
  /* "duplicate-childless": of a duplicate pair it deletes its own SA by the nonce rule even
   * when that one carries the connection's child SAs and the peer's carries none (the
   * tunnel goes down, and the next packet dials again) */
  GW_IKE_FAULT_DUPLICATE_CHILDLESS = 1u << 4,
} GwIkeFault;
extern const NameTable gw_ike_fault_names; /* bit index -> name */

/* The engine configurations of a connection of the gateway: 'as_initiator' for the engine
 * that begins IKE SAs, 'as_responder' for the one that answers the peer's. In both, the
 * role of each exchange decides: what it offers when it initiates an exchange (esp_offer:
 * facts 2.3) and what it accepts when it responds to one (esp: facts 2.4), whoever began
 * the IKE SA (facts 3.5); with a custom policy both are that policy alone (facts 3.1). *has_i / *has_r say which the connection
 * mode uses (InitiatorOnly: the initiator alone; ResponderOnly: the responder alone).
 * False with *why (static text) when the connection cannot run. PSK borrowed from c. */
bool gw_ike_connection_config(const GwConfig *cfg, const GwConnection *c, Ipv4Addr local,
                              IkeConfig *as_initiator, bool *has_i, IkeConfig *as_responder,
                              bool *has_r, const char **why);
/* The same for a faulty gateway that leaves out rows of its default lists (off: NULL for
 * none; the conformance checks' defaultOffersOff). */
bool gw_ike_connection_config_faulty(const GwConfig *cfg, const GwConnection *c, Ipv4Addr local,
                                     const GwOfferFaults *off, IkeConfig *as_initiator,
                                     bool *has_i, IkeConfig *as_responder, bool *has_r,
                                     const char **why);

/* The connection runs IKEv1: connectionProtocol IKEv1, or any connection of a
 * policy-based gateway (facts 4). */
bool gw_connection_is_ikev1(const GwConfig *cfg, const GwConnection *c);
/* The IKEv1 engine configuration of such a connection (one engine answers and dials):
 * the phase 1 list of facts 2.1 (route- or policy-based column) or the custom policy,
 * quick mode offers of facts 2.3 then the rows 2.4 accepts (policy-based: 2.2), the
 * lifetimes, DPD (none on a policy-based gateway, facts 2.2) and one selector pair per
 * combination of prefixes on a policy-based one. *dials: the connection mode lets the
 * gateway begin main modes. False with *why when it cannot run. PSK borrowed from c. */
bool gw_ike_connection_config_v1(const GwConfig *cfg, const GwConnection *c, Ipv4Addr local,
                                 Ikev1Config *out, bool *dials, const char **why);
bool gw_ike_connection_config_v1_faulty(const GwConfig *cfg, const GwConnection *c,
                                        Ipv4Addr local, const GwOfferFaults *off,
                                        Ikev1Config *out, bool *dials, const char **why);

typedef struct GwIke GwIke;
void gw_ike_set_faults(GwIke *g, uint32_t faults); /* GwIkeFault bits */

/* The control plane of gateway instance 'gw' (named 'name' in cfg): one or two engines per
 * connection that has a tunnel. cfg is only read during the call. */
GwIke *gw_ike_new(const GwConfig *cfg, const char *name, GwGateway *gw, const EpEnv *env,
                  const EpIkeIo *io, Drbg *rng);
/* gw_ike_new with the gateway's faults known from the start (the connections' engines are
 * configured in it): ike_faults GwIkeFault bits, nat_faults GwNatFault bits (gw_nat.h;
 * prefixSelectors changes what a connection with NAT rules accepts). */
GwIke *gw_ike_new_faulty(const GwConfig *cfg, const char *name, GwGateway *gw,
                         const EpEnv *env, const EpIkeIo *io, Drbg *rng, uint32_t ike_faults,
                         uint32_t nat_faults);
void gw_ike_free(GwIke *g);
void gw_ike_start(GwIke *g);
/* Traffic for tunnel from src to dst has no SA (the data plane's acquire hook). */
void gw_ike_acquire(GwIke *g, int tunnel, Ipv4Addr src, Ipv4Addr dst);
/* An authenticated ESP-in-UDP packet of tunnel came from src:sport, which is not where
 * the tunnel sends (the data plane's peer_moved hook): RFC 7296 2.23, the connection's
 * IKE SA and child SAs follow a device behind a NAT to its new port (from the local
 * network gateway's address only: the gateway answers IKE from no other). */
void gw_ike_esp_authenticated(GwIke *g, int tunnel, Ipv4Addr src, uint16_t sport);

/* The engine of a connection (borrowed) that begins IKE SAs from our side (initiator)
 * or answers the peer's; NULL when the connection mode has none or there is no such
 * connection. Owner requests (ikev2_conn_rekey_child, ...) and tests go through it. */
EpIkeLink *gw_ike_peek_link(GwIke *g, const char *connection, bool initiator);
/* A datagram to the gateway's port 500 or 4500 (non-ESP marker): dispatched to the
 * connection of the remote address, and within it by the Initiator flag (RFC 7296 3.1)
 * to the engine that began the IKE SA from our side or from the peer's. */
void gw_ike_rx(GwIke *g, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *data, size_t len);

/* Is addr the peer of one of the gateway's S2S connections (the address its local network
 * gateway or other gateway names)? A P2S client there is refused (facts 7.1). */
bool gw_ike_is_peer(const GwIke *g, Ipv4Addr addr);

/* Configuration changes at run time (the timeline). Each deletes the connection's IKE SA
 * (a Delete to the peer), takes its child SAs out of the data plane and starts the
 * connection again with the new configuration (facts 2.5: changing or removing a custom
 * policy restarts the IKE handshake). cfg is read for the other resources; policy NULL
 * goes back to the default proposals; key is borrowed for the run. False when the
 * gateway has no such connection (or the new configuration cannot run: an event says
 * why). gw_ike_reset with connection NULL resets every connection (a gateway reset). */
bool gw_ike_set_policy(GwIke *g, const GwConfig *cfg, const char *connection,
                       const GwIpsecPolicy *policy);
bool gw_ike_set_shared_key(GwIke *g, const GwConfig *cfg, const char *connection,
                           const char *key);
bool gw_ike_reset(GwIke *g, const GwConfig *cfg, const char *connection);
