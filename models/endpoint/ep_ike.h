/* SPDX-License-Identifier: MIT */
/* The IKE link of a tunnel endpoint: an IKEv2 engine (models/ike/ikev2_sa.h) bound to one
 * tunnel of a data plane (ep_dataplane.h). The gateway runs one or two per connection
 * (models/endpoint/ep_ike.h), the device one (models/device/dev_ike.h). */
#pragma once

#include "models/endpoint/ep_dataplane.h"
#include "models/endpoint/ep_impair.h"
#include "models/ike/ikev1_sa.h"
#include "models/ike/ikev2_sa.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the link needs beyond EpEnv (time, timers, events come from there). */
typedef struct {
  void *user;
  /* One UDP payload out of the node's IKE sockets (sport 500 or 4500). */
  void (*send)(void *user, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *data, size_t len);
  /* Key-table rows (sim writes them out): ikev2_decryption_table, esp_sa. May be NULL. */
  void (*ike_row)(void *user, const char *row);
  void (*esp_row)(void *user, const char *row);
  /* ikev1_decryption_table rows (an IKEv1 link's phase 1 keys). May be NULL. */
  void (*ikev1_row)(void *user, const char *row);
} EpIkeIo;

/* Events added to the engine's (which get a "connection" attribute here). */
#define EP_IKE_EV_MESSAGE "ike.message"                 /* connection, dir, exchange,
                                                           response, msg_id, notifies,
                                                           peer, port (ours), peer_port */
#define EP_IKE_EV_CHILD_ESTABLISHED "child.sa.established" /* connection, spi_in, spi_out */
#define EP_IKE_EV_CHILD_DELETED "child.sa.deleted"         /* connection, spi_in, spi_out */
#define EP_IKE_EV_REFUSED "ike.refused"                 /* connection, reason */

/* ---- one engine bound to one tunnel ---- */

typedef struct EpIkeLink EpIkeLink;

/* cfg is copied (its PSK too: the link keeps its own copy, wiped on free). The link's
 * engine installs child SAs into tunnel 'tunnel' of dp. rng is borrowed. */
EpIkeLink *ep_ike_link_new(const IkeConfig *cfg, const char *connection, EpDp *dp, int tunnel,
                           const EpEnv *env, const EpIkeIo *io, Drbg *rng);
/* The same for a remote-access responder (RFC 7296 2.19): the engine's IkeEnv.cp_assign
 * asks cp_assign(cp_user, ...) for each client's address (point-to-site). */
EpIkeLink *ep_ike_link_new_cp(const IkeConfig *cfg, const char *connection, EpDp *dp,
                              int tunnel, const EpEnv *env, const EpIkeIo *io, Drbg *rng,
                              bool (*cp_assign)(void *user, const char *peer_id,
                                                IkeCpLease *out),
                              void *cp_user);
/* The same with an IKEv1 engine (models/ike/ikev1_sa.h): every operation below works on
 * either; ep_ike_link_conn is NULL for it (ep_ike_link_v1 gives its engine). Its events
 * are the engine's (ike.message included) with the connection added. */
EpIkeLink *ep_ike_link_new_v1(const Ikev1Config *cfg, const char *connection, EpDp *dp,
                              int tunnel, const EpEnv *env, const EpIkeIo *io, Drbg *rng);
void ep_ike_link_free(EpIkeLink *l);
/* The link's impairments (ep_impair.h), copied: message-level ones apply to what it sends
 * from now on (NOTIFY to the requests it receives), REKEY_AT arms its timer. Call before
 * ep_ike_link_start. */
void ep_ike_link_set_impair(EpIkeLink *l, const EpImpairSet *s);
/* EP_IMPAIR_NO_REKEY: the configuration's own lifetimes off (either config may be NULL). */
void ep_ike_impair_config(const EpImpairSet *s, IkeConfig *c2, Ikev1Config *c1);
void ep_ike_link_start(EpIkeLink *l);
void ep_ike_link_acquire(EpIkeLink *l);
/* Traffic from src to dst found no SA: with no IKE SA, as ep_ike_link_acquire; with one
 * and several selector pairs, a child SA for the pair covering the packet (facts 3.4:
 * on-demand child SAs), asked for at most once every five seconds. */
void ep_ike_link_acquire_pair(EpIkeLink *l, Ipv4Addr src, Ipv4Addr dst);
/* The link is an on-premises device's: it creates every selector pair's child SA as soon
 * as an IKE SA it began is up, and leaves the connection's SA events (child.sa.*, the
 * "connection" attribute) to the gateway, whose connection they name. */
void ep_ike_link_set_device(EpIkeLink *l);
/* A UDP payload for this link (on 4500 with the non-ESP marker). */
void ep_ike_link_rx(EpIkeLink *l, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                    const uint8_t *data, size_t len);
/* An authenticated ESP-in-UDP packet of the link's tunnel came from src:sport (the data
 * plane's peer_moved hook): the engine decides whether its IKE SA, and with it the
 * tunnel, follows (RFC 7296 2.23). True when it moved. */
bool ep_ike_link_esp_authenticated(EpIkeLink *l, Ipv4Addr src, uint16_t sport);

/* An ESP lifetime of one of the tunnel's child SA pairs (the data plane's expiry hook,
 * ep_dp_tunnel_set_expiry_hook): a soft volume limit or exhausted sequence numbers start
 * a rekey in place (RFC 7296 2.8), a hard limit ends the child. Pairs of another engine
 * (the gateway's other side of the connection) are ignored. */
void ep_ike_link_sa_expired(EpIkeLink *l, const EpSaExpiry *e);
Ikev2Conn *ep_ike_link_conn(EpIkeLink *l);
Ikev1Conn *ep_ike_link_v1(EpIkeLink *l);
/* Delete the IKE SA and its children with messages to the peer (IKEv2 INFORMATIONAL
 * DELETE, IKEv1 Delete payloads); false when there is none. */
bool ep_ike_link_close(EpIkeLink *l);
/* The link holds (or negotiates) the IKE SA of these SPIs (IKEv1: cookies). */
bool ep_ike_link_holds_sa(EpIkeLink *l, uint64_t spi_i, uint64_t spi_r);
/* Called after each step of the engine (a datagram, a timer, a start or an acquire):
 * the owner updates what depends on the IKE SAs (the MM SA count). */
void ep_ike_link_on_change(EpIkeLink *l, void (*fn)(void *arg), void *arg);
/* IKE SAs this link holds (for the tunnel's MM SA count). */
size_t ep_ike_link_n_ike_sas(const EpIkeLink *l);
/* RFC 7296 2.4: called after the step in which the link's engine accepted an IKE_AUTH
 * with INITIAL_CONTACT (it forgot its own other IKE SAs with the peer). */
void ep_ike_link_on_initial_contact(EpIkeLink *l, void (*fn)(void *arg), void *arg);
/* RFC 7296 2.4: asked before the link's engine sends its first IKE_AUTH: true when
 * another engine towards the same peer holds an established IKE SA, so the new one is not
 * the only one and carries no INITIAL_CONTACT (IkeEnv.has_contact). Unset: the engine's
 * own SAs decide. */
void ep_ike_link_on_has_contact(EpIkeLink *l, bool (*fn)(void *arg), void *arg);
/* The link holds an established IKE SA (IKEv2: any, rekeying or rekeyed too; IKEv1: its
 * ISAKMP SA). */
bool ep_ike_link_has_ike_sa(const EpIkeLink *l);
/* The link's established IKE SAs go without a message (the peer's INITIAL_CONTACT to
 * another link); how many. IKEv1: none. */
size_t ep_ike_link_forget(EpIkeLink *l, const char *reason);
/* The link's current IKE SA is established (IKEv2): its initiator SPI and the lower of its
 * two nonces (out: IKEV2_NONCE_MAX octets), for picking the redundant one of two SAs. */
bool ep_ike_link_established(const EpIkeLink *l, uint64_t *spi_i, uint8_t *min_nonce,
                             size_t *nonce_len);

/* The one-line summary of an IKE datagram for the ike.message event: exchange, response,
 * message ID and the notify types it carries in clear (space-separated names into
 * notifies). False when it is no IKE message (a keepalive, a short or bad header). */
bool ep_ike_datagram_summary(const uint8_t *data, size_t len, bool natt, uint8_t *exchange,
                             bool *response, uint32_t *msg_id, bool *initiator_flag,
                             char *notifies, size_t notifies_size);

