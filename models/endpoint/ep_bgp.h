/* SPDX-License-Identifier: MIT */
/* A tunnel endpoint's BGP: one speaker (models/bgp) whose sessions run over the endpoint's
 * tunnels, started when a tunnel comes up and stopped when it goes down (facts 5: "BGP
 * session starts once the IPsec connection is established"; "a withdrawn tunnel's routes
 * are removed via BGP"), with the host route to each peer's BGP address into its tunnel
 * and the data plane's route table following the RIB: every best path of a prefix is a
 * route into the tunnel of the peer it came from. The gateway (models/gateway/gw_bgp.h)
 * and the device (models/device/dev_bgp.h) build its configuration; a runner binds its
 * TCP and its node's forwarding table (EpBgpIo). Sans-I/O like the speaker. */
#pragma once

#include "models/bgp/bgp_speaker.h"
#include "models/endpoint/ep_dataplane.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EP_BGP_MAX_PEERS 16
#define EP_BGP_PORT 179 /* RFC 4271 8.2.1.1 */

typedef struct {
  /* The session: fsm (peer name, peer_as, timers, passive, max_prefixes), the peer's BGP
   * address (address), ours on this session (local_address), prepend. */
  BgpSpeakerPeerConfig pc;
  int tunnel; /* the data plane's tunnel the session runs over */
} EpBgpPeer;

typedef struct {
  BgpSpeakerConfig speaker; /* node, AS, router ID, rules, originated prefixes */
  EpBgpPeer peers[EP_BGP_MAX_PEERS];
  unsigned n_peers;
} EpBgpConfig;

/* The runner's side: TCP on port 179 from and to the node's BGP addresses, and the node's
 * forwarding table (a prefix leads into the tunnel interface, whose transmit is the data
 * plane; the data plane picks the tunnel). Connection ids are EpBgp's. */
typedef struct {
  void *user;
  /* Open conn from src to dst port 179; answer with ep_bgp_tcp_up / ep_bgp_tcp_failed. */
  void (*tcp_open)(void *user, uint32_t conn, Ipv4Addr src, Ipv4Addr dst);
  void (*tcp_send)(void *user, uint32_t conn, const uint8_t *data, size_t len);
  void (*tcp_close)(void *user, uint32_t conn);
  void (*fib_add)(void *user, Ipv4Prefix p);
  void (*fib_remove)(void *user, Ipv4Prefix p);
} EpBgpIo;

/* Events, besides the speaker's (bgp.session.*, bgp.update.*, bgp.route.learned/...):
 *   bgp.route.installed  prefix, tunnel, peer, as_path, paths: a best path is now a route
 *                        of the data plane into the tunnel
 *   bgp.route.removed    prefix, tunnel: it no longer is */
#define EP_BGP_EV_ROUTE_INSTALLED "bgp.route.installed"
#define EP_BGP_EV_ROUTE_REMOVED "bgp.route.removed"

typedef struct EpBgp EpBgp;

/* cfg and io copied; env (time, timers, events) and dp borrowed for the instance's life.
 * Adds the host route to every peer's BGP address into its tunnel (data plane and
 * forwarding table). The sessions start when their tunnels come up. */
EpBgp *ep_bgp_new(const EpBgpConfig *cfg, EpDp *dp, const EpEnv *env, const EpBgpIo *io);
void ep_bgp_free(EpBgp *b);

/* EpEnv.tunnel_state: start or stop the sessions over the tunnel. */
void ep_bgp_tunnel_state(EpBgp *b, int tunnel, bool up);

/* TCP inputs. A connection to our local:179 from src: its id, 0 when no session takes it
 * (the runner closes it). */
uint32_t ep_bgp_tcp_accept(EpBgp *b, Ipv4Addr local, Ipv4Addr src);
/* The id the next accepted connection gets (a runner registers its socket under it
 * first: the session may send its OPEN from inside ep_bgp_tcp_accept). */
uint32_t ep_bgp_next_conn(const EpBgp *b);
void ep_bgp_tcp_up(EpBgp *b, uint32_t conn);
void ep_bgp_tcp_failed(EpBgp *b, uint32_t conn); /* also: reset or closed by the peer */
void ep_bgp_rx(EpBgp *b, uint32_t conn, const uint8_t *data, size_t len);

/* The addresses the node must hold and listen on (one per distinct local address). */
size_t ep_bgp_local_addresses(const EpBgp *b, Ipv4Addr *out, size_t max);

/* Timeline: originate or stop originating a prefix; change the prepending towards every
 * peer (false: above BGP_SPEAKER_MAX_PREPEND). */
void ep_bgp_advertise(EpBgp *b, const Ipv4Prefix *v, size_t n);
void ep_bgp_withdraw(EpBgp *b, const Ipv4Prefix *v, size_t n);
bool ep_bgp_set_prepend(EpBgp *b, unsigned prepend);

BgpSpeaker *ep_bgp_speaker(EpBgp *b);
/* Prefixes the data plane routes from BGP now. */
size_t ep_bgp_n_installed(const EpBgp *b);
