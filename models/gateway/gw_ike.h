/* SPDX-License-Identifier: MIT */
/* The IKE control plane of a tunnel endpoint: IKEv2 engines (models/ike/ikev2_sa.h) bound
 * to the tunnels of a data plane (models/endpoint/ep_dataplane.h), and the Azure gateway's side of it:
 * the engine configuration of each connection from the resource model (default proposal
 * lists as initiator and as responder, or the custom policy both ways; MM lifetime fixed
 * at 28,800 s; connection modes; DPD; PSK; identities; route- or policy-based selectors). */
#pragma once

#include "models/gateway/gw_config.h"
#include "models/endpoint/ep_dataplane.h"
#include "models/gateway/gw_runtime.h"
#include "models/ike/ikev2_sa.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the control plane needs beyond EpEnv (time, timers, events come from there). */
typedef struct {
  void *user;
  /* One UDP payload out of the node's IKE sockets (sport 500 or 4500). */
  void (*send)(void *user, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *data, size_t len);
  /* Key-table rows (sim writes them out): ikev2_decryption_table, esp_sa. May be NULL. */
  void (*ike_row)(void *user, const char *row);
  void (*esp_row)(void *user, const char *row);
} GwIkeIo;

/* Events added to the engine's (which get a "connection" attribute here). */
#define GW_IKE_EV_MESSAGE "ike.message"                 /* connection, dir, exchange,
                                                           response, msg_id, notifies,
                                                           peer, port (ours), peer_port */
#define GW_IKE_EV_CHILD_ESTABLISHED "child.sa.established" /* connection, spi_in, spi_out */
#define GW_IKE_EV_CHILD_DELETED "child.sa.deleted"         /* connection, spi_in, spi_out */
#define GW_IKE_EV_REFUSED "ike.refused"                 /* connection, reason */
#define GW_IKE_EV_RESET "gw.connection.reset"           /* connection, reason */

/* ---- one engine bound to one tunnel ---- */

typedef struct GwIkeLink GwIkeLink;

/* cfg is copied (its PSK too: the link keeps its own copy, wiped on free). The link's
 * engine installs child SAs into tunnel 'tunnel' of dp. rng is borrowed. */
GwIkeLink *gw_ike_link_new(const IkeConfig *cfg, const char *connection, EpDp *dp, int tunnel,
                           const EpEnv *env, const GwIkeIo *io, Drbg *rng);
void gw_ike_link_free(GwIkeLink *l);
void gw_ike_link_start(GwIkeLink *l);
void gw_ike_link_acquire(GwIkeLink *l);
/* Traffic from src to dst found no SA: with no IKE SA, as gw_ike_link_acquire; with one
 * and several selector pairs, a child SA for the pair covering the packet (facts 3.4:
 * on-demand child SAs), asked for at most once every five seconds. */
void gw_ike_link_acquire_pair(GwIkeLink *l, Ipv4Addr src, Ipv4Addr dst);
/* The link is an on-premises device's: it creates every selector pair's child SA as soon
 * as an IKE SA it began is up, and leaves the connection's SA events (child.sa.*, the
 * "connection" attribute) to the gateway, whose connection they name. */
void gw_ike_link_set_device(GwIkeLink *l);
/* A UDP payload for this link (on 4500 with the non-ESP marker). */
void gw_ike_link_rx(GwIkeLink *l, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                    const uint8_t *data, size_t len);
/* An authenticated ESP-in-UDP packet of the link's tunnel came from src:sport (the data
 * plane's peer_moved hook): the engine decides whether its IKE SA, and with it the
 * tunnel, follows (RFC 7296 2.23). True when it moved. */
bool gw_ike_link_esp_authenticated(GwIkeLink *l, Ipv4Addr src, uint16_t sport);

/* An ESP lifetime of one of the tunnel's child SA pairs (the data plane's expiry hook,
 * ep_dp_tunnel_set_expiry_hook): a soft volume limit or exhausted sequence numbers start
 * a rekey in place (RFC 7296 2.8), a hard limit ends the child. Pairs of another engine
 * (the gateway's other side of the connection) are ignored. */
void gw_ike_link_sa_expired(GwIkeLink *l, const EpSaExpiry *e);
Ikev2Conn *gw_ike_link_conn(GwIkeLink *l);
/* Called after each step of the engine (a datagram, a timer, a start or an acquire):
 * the owner updates what depends on the IKE SAs (the MM SA count). */
void gw_ike_link_on_change(GwIkeLink *l, void (*fn)(void *arg), void *arg);
/* IKE SAs this link holds (for the tunnel's MM SA count). */
size_t gw_ike_link_n_ike_sas(const GwIkeLink *l);

/* The one-line summary of an IKE datagram for the ike.message event: exchange, response,
 * message ID and the notify types it carries in clear (space-separated names into
 * notifies). False when it is no IKE message (a keepalive, a short or bad header). */
bool gw_ike_datagram_summary(const uint8_t *data, size_t len, bool natt, uint8_t *exchange,
                             bool *response, uint32_t *msg_id, bool *initiator_flag,
                             char *notifies, size_t notifies_size);

/* ---- the Azure gateway ---- */

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

typedef struct GwIke GwIke;

/* The control plane of gateway instance 'gw' (named 'name' in cfg): one or two engines per
 * connection that has a tunnel. cfg is only read during the call. */
GwIke *gw_ike_new(const GwConfig *cfg, const char *name, GwGateway *gw, const EpEnv *env,
                  const GwIkeIo *io, Drbg *rng);
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
GwIkeLink *gw_ike_peek_link(GwIke *g, const char *connection, bool initiator);
/* A datagram to the gateway's port 500 or 4500 (non-ESP marker): dispatched to the
 * connection of the remote address, and within it by the Initiator flag (RFC 7296 3.1)
 * to the engine that began the IKE SA from our side or from the peer's. */
void gw_ike_rx(GwIke *g, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *data, size_t len);

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
