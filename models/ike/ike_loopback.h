/* SPDX-License-Identifier: MIT */
/* Two IKE engines back to back in memory, for the engines' fuzz targets and benchmarks: one
 * queue of datagrams between side 0 and side 1, a settable clock, one timer deadline per
 * side and the IkeEnv (ikev2_sa.h; the IKEv1 engine takes the same) that feeds them. The
 * caller delivers with ike_loop_pump through a small adapter to its engine's rx call. */
#ifndef VPNSIM_IKE_LOOPBACK_H
#define VPNSIM_IKE_LOOPBACK_H

#include "models/common/drbg.h"
#include "models/common/ipv4.h"
#include "models/ike/ikev2_sa.h"

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

typedef struct IkeLoop IkeLoop;

typedef struct {
  IkeLoop *loop;
  int self;          /* 0 or 1 */
  int64_t timer;     /* the engine's deadline; INT64_MAX: none */
  unsigned installs; /* child SAs installed */
} IkeLoopPeer;

struct IkeLoop {
  GQueue net;        /* IkeLoopPkt, oldest first */
  int64_t now;       /* what the engines read as the time */
  size_t max_queued; /* datagrams beyond this many queued are dropped; 0: no limit */
  IkeLoopPeer peer[2];
};

typedef struct {
  int to; /* the side it goes to */
  GBytes *data;
  Ipv4Addr src, dst;
  uint16_t sport, dport;
} IkeLoopPkt;

/* An engine's datagram input, as ikev1_conn_rx / ikev2_conn_rx take it. */
typedef void (*IkeLoopRx)(void *conn, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                          uint16_t dport, const uint8_t *d, size_t n);

void ike_loop_init(IkeLoop *l, int64_t now, size_t max_queued);
/* The environment of side 'self' (0 or 1) with its DRBG. */
IkeEnv ike_loop_env(IkeLoop *l, int self, Drbg *rng);
/* Delivers queued datagrams oldest first (those sent meanwhile included) to conn[to],
 * at most max of them (0: until the queue is empty). */
void ike_loop_pump(IkeLoop *l, IkeLoopRx rx, void *conn0, void *conn1, unsigned max);
/* Drops every queued datagram. */
void ike_loop_clear(IkeLoop *l);

#endif
