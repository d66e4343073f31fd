/* SPDX-License-Identifier: MIT */
/* The BGP session: the RFC 4271 section 8 finite state machine of one peer, with its
 * ConnectRetry, Hold and Keepalive timers, hold time negotiation, connection collision
 * detection (6.8) and the maximum-prefix limit (RFC 4486), seeing time, timers and TCP only
 * through its BgpEnv. */
#pragma once

#include "models/bgp/bgp_codec.h"
#include "models/common/event.h"
#include "models/common/ipv4.h"
#include "models/common/names.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Azure VPN Gateway (facts 5): keepalive 60 s and hold 180 s, fixed; at most 4000
 * prefixes from a peer, above that the session is dropped. */
#define BGP_AZURE_KEEPALIVE_S 60u
#define BGP_AZURE_HOLD_S 180u
#define BGP_AZURE_MAX_PREFIXES 4000u
#define BGP_DEFAULT_CONNECT_RETRY_S 120u /* RFC 4271 10 */
#define BGP_OPEN_HOLD_S 240u             /* RFC 4271 8.2.2: "a large value", 4 minutes */

/* RFC 4271 8.2.2 */
typedef enum {
  BGP_IDLE = 0,
  BGP_CONNECT,
  BGP_ACTIVE,
  BGP_OPENSENT,
  BGP_OPENCONFIRM,
  BGP_ESTABLISHED,
} BgpState;

extern const NameTable bgp_state_names; /* "Idle", "Connect", ... */

typedef struct {
  const char *node;   /* emitting node, for events */
  const char *peer;   /* the peer's name, for events */
  uint32_t local_as;
  uint32_t peer_as;   /* the AS the peer must announce (RFC 4271 6.2 Bad Peer AS) */
  Ipv4Addr local_id;  /* our BGP Identifier */
  uint16_t hold_time_s;  /* offered; 0 or at least 3 */
  uint16_t keepalive_s;  /* 0: a third of the negotiated hold time */
  uint32_t connect_retry_s; /* 0: BGP_DEFAULT_CONNECT_RETRY_S */
  uint32_t idle_hold_s;  /* after a session error, wait this long before starting again */
  bool passive;          /* never open the TCP connection, only accept (RFC 4271 8.1.1) */
  uint32_t max_prefixes; /* 0: no limit */
  bool no_as4;           /* do not offer the 4-octet AS capability */
  /* Keep our own hold time and keepalive whatever the peer's OPEN offers, instead of the
   * smaller hold time (RFC 4271 4.2): Azure's "fixed, not configurable" timers (facts 5).
   * A peer offering less then expires its own hold timer between our keepalives. */
  bool fixed_timers;
} BgpFsmConfig;

/* How a session or connection ended, for events and tests. */
typedef enum {
  BGP_DOWN_NONE = 0,
  BGP_DOWN_STOP,            /* bgp_fsm_stop */
  BGP_DOWN_TCP_FAILED,
  BGP_DOWN_HOLD_EXPIRED,
  BGP_DOWN_NOTIFICATION_RX,
  BGP_DOWN_NOTIFICATION_TX, /* we found an error and said so */
  BGP_DOWN_COLLISION,
  BGP_DOWN_MAX_PREFIXES,
} BgpDownReason;

extern const NameTable bgp_down_reason_names;

typedef struct {
  void *user;
  VsEventSink events;
  int64_t (*now)(void *user);
  /* One timer for the session: (re)arm it for at_ns; when it fires the owner calls
   * bgp_fsm_timeout. */
  void (*timer_schedule)(void *user, int64_t at_ns);
  void (*timer_cancel)(void *user);
  /* Open a TCP connection to the peer's port 179 and return its id (non-zero); the owner
   * answers later with bgp_fsm_tcp_up or bgp_fsm_tcp_failed for that id. */
  uint32_t (*tcp_open)(void *user);
  void (*tcp_send)(void *user, uint32_t conn, const uint8_t *data, size_t len);
  void (*tcp_close)(void *user, uint32_t conn);
  /* An accepted UPDATE (RFC 7606 handling done). With treat_as_withdraw, u->nlri are to be
   * withdrawn like u->withdrawn and nothing is learned. On a 2-octet session AS_PATH holds
   * AS_TRANS where AS4_PATH has the real AS (bgp_as_path_merge_as4; the RIB merges). */
  void (*update)(void *user, const BgpUpdate *u, bool treat_as_withdraw);
  /* The session reached Established / left it (every route of the peer goes). May be
   * NULL. */
  void (*session_up)(void *user);
  void (*session_down)(void *user, BgpDownReason why);
  /* ROUTE-REFRESH received (RFC 2918): send the Adj-RIB-Out again. May be NULL. */
  void (*route_refresh)(void *user, uint16_t afi, uint8_t safi);
} BgpEnv;

/* Event types (VsEvent.type), all with "peer":
 *   bgp.session.state    old_state, new_state, reason, conn
 *   bgp.update.rx        announced, withdrawn, action, (field)
 *   bgp.update.tx        announced, withdrawn
 *   bgp.notification.rx / .tx  code, subcode, code_name, subcode_name
 *   bgp.collision        kept (conn), closed (conn), local_id, remote_id */
#define BGP_EV_SESSION_STATE "bgp.session.state"
#define BGP_EV_UPDATE_RX "bgp.update.rx"
#define BGP_EV_UPDATE_TX "bgp.update.tx"
#define BGP_EV_NOTIFICATION_RX "bgp.notification.rx"
#define BGP_EV_NOTIFICATION_TX "bgp.notification.tx"
#define BGP_EV_COLLISION "bgp.collision"

typedef struct BgpFsm BgpFsm;

/* cfg and env are copied (the strings stay borrowed). */
BgpFsm *bgp_fsm_new(const BgpFsmConfig *cfg, const BgpEnv *env);
/* Closes every connection through the env (no NOTIFICATION). */
void bgp_fsm_free(BgpFsm *f);

/* RFC 4271 8.1.2 ManualStart (or AutomaticStart): Connect, or Active when passive. */
void bgp_fsm_start(BgpFsm *f);
/* ManualStop: Cease / Administrative Shutdown on every open connection, then Idle. */
void bgp_fsm_stop(BgpFsm *f);

/* The TCP connection 'conn' we opened is up (Tcp_CR_Acked, event 16). */
void bgp_fsm_tcp_up(BgpFsm *f, uint32_t conn);
/* The peer opened a connection to us (TcpConnectionConfirmed, event 17): false when it is
 * refused (Idle), and the owner closes it. */
bool bgp_fsm_tcp_accept(BgpFsm *f, uint32_t conn);
/* Connection 'conn' failed or was closed by the peer (TcpConnectionFails, event 18). */
void bgp_fsm_tcp_failed(BgpFsm *f, uint32_t conn);
/* Bytes received on 'conn' (any split: the FSM frames the stream). */
void bgp_fsm_rx(BgpFsm *f, uint32_t conn, const uint8_t *data, size_t len);
/* The env's timer fired. */
void bgp_fsm_timeout(BgpFsm *f);

/* Send an UPDATE on the established session; false when not Established. */
bool bgp_fsm_send_update(BgpFsm *f, const BgpMessage *update);

/* The session's state: the most advanced of its connections. */
BgpState bgp_fsm_state(const BgpFsm *f);
/* The connection carrying the session (0 when none is past OpenSent). */
uint32_t bgp_fsm_conn(const BgpFsm *f);
/* Negotiated on the established (or OpenConfirm) connection; 0 before. */
uint16_t bgp_fsm_hold_time(const BgpFsm *f);
uint16_t bgp_fsm_keepalive(const BgpFsm *f);
bool bgp_fsm_as4(const BgpFsm *f);
Ipv4Addr bgp_fsm_remote_id(const BgpFsm *f);
/* Prefixes the peer currently announces (what max_prefixes counts). */
size_t bgp_fsm_prefix_count(const BgpFsm *f);
BgpDownReason bgp_fsm_last_down(const BgpFsm *f);
