/* SPDX-License-Identifier: MIT */
/* A BGP speaker: several peers (one session FSM each) over one RIB, exporting every change
 * of the best paths to the other peers as UPDATEs it builds itself (prefixes sharing
 * attributes grouped, our AS prepended, NEXT_HOP self), sans-I/O behind one environment. */
#pragma once

#include "models/bgp/bgp_fsm.h"
#include "models/bgp/bgp_rib.h"
#include "models/common/event.h"
#include "models/common/ipv4.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BGP_SPEAKER_MAX_LOCAL 64
#define BGP_SPEAKER_MAX_PREPEND 16

typedef struct {
  const char *node; /* borrowed, for events */
  /* local_as, router_id, VNet prefixes, ECMP and the rules in force */
  BgpRibConfig rib;
  /* Originated at creation as routes with an empty AS path (RFC 4271 9.1.1 locally
   * originated): the VNet prefixes and, on a gateway, the LNG prefixes of its
   * connections (facts 5). */
  Ipv4Prefix local[BGP_SPEAKER_MAX_LOCAL];
  size_t n_local;
} BgpSpeakerConfig;

typedef struct {
  /* The session: peer name, peer_as, hold time, passive, max_prefixes (node, local_as and
   * local_id are the speaker's and overwritten). */
  BgpFsmConfig fsm;
  Ipv4Addr address;       /* the peer's BGP address: the last tie-break */
  Ipv4Addr router_id;     /* its BGP Identifier as configured (a tie-break); 0: address */
  Ipv4Addr local_address; /* ours on this session: NEXT_HOP self */
  /* Our AS is prepended this many times more on what goes to this peer (a device making
   * a path look longer to steer traffic; the gateway's best path honours it, facts 5). */
  unsigned prepend;
  /* Optional prefix translation on this session (the gateway's NAT rules with BGP route
   * translation, facts 6): import, a prefix the peer announces or withdraws, as the RIB
   * keeps it; export, a prefix of the RIB as the peer is told it. False: unchanged.
   * map_user is borrowed for the session's life. */
  bool (*map)(const void *map_user, const char *peer, bool import, Ipv4Prefix in, Ipv4Prefix *out);
  const void *map_user;
} BgpSpeakerPeerConfig;

/* The speaker's one environment: every peer's timers are folded into one timer, and TCP
 * calls name the peer (an id from bgp_speaker_peer_add). */
typedef struct {
  void *user;
  VsEventSink events; /* the FSMs' and the RIB's events, and the speaker's */
  int64_t (*now)(void *user);
  void (*timer_schedule)(void *user, int64_t at_ns);
  void (*timer_cancel)(void *user);
  uint32_t (*tcp_open)(void *user, uint32_t peer);
  void (*tcp_send)(void *user, uint32_t peer, uint32_t conn, const uint8_t *data, size_t len);
  void (*tcp_close)(void *user, uint32_t peer, uint32_t conn);
  /* The RIB's best path set of p changed or is gone (BgpRibEnv.best_changed). May be NULL. */
  void (*best_changed)(void *user, Ipv4Prefix p);
} BgpSpeakerEnv;

/* Events: the sessions' (bgp.session.state, bgp.update.rx/tx, bgp.notification.*), the
 * RIB's (bgp.route.learned/withdrawn/refused/best/lost), and
 *   bgp.speaker.refresh   peer (a ROUTE-REFRESH answered with the whole Adj-RIB-Out) */
#define BGP_EV_SPEAKER_REFRESH "bgp.speaker.refresh"

typedef struct BgpSpeaker BgpSpeaker;

/* cfg and env are copied (strings stay borrowed); the local prefixes enter the RIB. */
BgpSpeaker *bgp_speaker_new(const BgpSpeakerConfig *cfg, const BgpSpeakerEnv *env);
void bgp_speaker_free(BgpSpeaker *s);

/* A peer, returned as its id (from 1: the RIB's peer id). Not started. */
uint32_t bgp_speaker_peer_add(BgpSpeaker *s, const BgpSpeakerPeerConfig *pc);
void bgp_speaker_start(BgpSpeaker *s, uint32_t peer);
void bgp_speaker_stop(BgpSpeaker *s, uint32_t peer);

/* Originate one more prefix (a connection added later) and advertise it. */
void bgp_speaker_add_local(BgpSpeaker *s, Ipv4Prefix p);

/* Stop originating p and withdraw it from every peer that had it. */
void bgp_speaker_remove_local(BgpSpeaker *s, Ipv4Prefix p);
/* The same for n prefixes at once: they leave in as few UPDATEs as fit (grouped by
 * attributes, split at 4096 octets). */
void bgp_speaker_add_locals(BgpSpeaker *s, const Ipv4Prefix *v, size_t n);
void bgp_speaker_remove_locals(BgpSpeaker *s, const Ipv4Prefix *v, size_t n);
/* Prepend our AS this many more times on what goes to the peer from now on (at most
 * BGP_SPEAKER_MAX_PREPEND); everything it was sent is compared again and re-sent. */
bool bgp_speaker_set_prepend(BgpSpeaker *s, uint32_t peer, unsigned prepend);

/* TCP and timer inputs, as for bgp_fsm_*, with the peer's id. */
void bgp_speaker_tcp_up(BgpSpeaker *s, uint32_t peer, uint32_t conn);
bool bgp_speaker_tcp_accept(BgpSpeaker *s, uint32_t peer, uint32_t conn);
void bgp_speaker_tcp_failed(BgpSpeaker *s, uint32_t peer, uint32_t conn);
void bgp_speaker_rx(BgpSpeaker *s, uint32_t peer, uint32_t conn, const uint8_t *data,
                    size_t len);
void bgp_speaker_timeout(BgpSpeaker *s);

const BgpRib *bgp_speaker_rib(const BgpSpeaker *s);
BgpFsm *bgp_speaker_fsm(BgpSpeaker *s, uint32_t peer);
/* Prefixes currently advertised to the peer (its Adj-RIB-Out). */
size_t bgp_speaker_adj_out_count(const BgpSpeaker *s, uint32_t peer);
/* The AS_PATH length of what was advertised to the peer for p; false when nothing was. */
bool bgp_speaker_adj_out(const BgpSpeaker *s, uint32_t peer, Ipv4Prefix p, unsigned *path_len);
/* UPDATE messages sent, and the prefixes they announced and withdrew, over all peers. */
typedef struct {
  uint64_t updates, announced, withdrawn;
} BgpSpeakerStats;
BgpSpeakerStats bgp_speaker_stats(const BgpSpeaker *s);
