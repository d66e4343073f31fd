/* SPDX-License-Identifier: MIT */
/* libFuzzer target over the BGP session FSM feeding a RIB: the gateway's FSM, brought to
 * OpenSent or (first byte, bit 0) Established with a peer that offers 4-octet ASes (bit 1),
 * receives the rest of the input as its TCP stream in chunks (second byte: chunk size);
 * then time runs past the hold time. The FSM's prefix count must always equal the peer's
 * Adj-RIB-In, which must be empty once the session is down. */
#include "models/bgp/bgp_fsm.h"
#include "models/bgp/bgp_rib.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
  int64_t now, timer_at;
  BgpRib *rib;
  uint32_t peer;
  uint32_t next_conn;
} Ctx;

static int64_t f_now(void *u) { return ((Ctx *)u)->now; }
static void f_timer(void *u, int64_t at) { ((Ctx *)u)->timer_at = at; }
static void f_cancel(void *u) { ((Ctx *)u)->timer_at = 0; }
static uint32_t f_open(void *u) { return ++((Ctx *)u)->next_conn; }
static void f_send(void *u, uint32_t c, const uint8_t *d, size_t n) {}
static void f_close(void *u, uint32_t c) {}
static void f_update(void *u, const BgpUpdate *up, bool taw)
{
  Ctx *c = u;
  bgp_rib_update(c->rib, c->peer, up, taw);
}
static void f_down(void *u, BgpDownReason why)
{
  Ctx *c = u;
  bgp_rib_peer_down(c->rib, c->peer);
}

static void feed(BgpFsm *f, uint32_t conn, BgpMessage *m, bool as4)
{
  WireWriter w;
  wire_writer_init(&w);
  BgpCodecCtx ctx = {.as4 = as4};
  if (!bgp_message_encode(m, &ctx, &w))
    abort();
  bgp_fsm_rx(f, conn, w.buf, w.len);
  wire_writer_clear(&w);
  bgp_message_free(m);
}

static void check(const Ctx *c, const BgpFsm *f)
{
  if (bgp_fsm_prefix_count(f) != bgp_rib_adj_in_count(c->rib, c->peer))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  bool establish = data[0] & 1, as4 = data[0] & 2;
  size_t chunk = data[1] ? data[1] : 256;
  data += 2;
  size -= 2;

  Ctx c = {.now = 1000000000000ll};
  BgpRibConfig rc;
  bgp_rib_config_azure(&rc, 65515, ipv4_addr(10, 1, 255, 30));
  rc.vnet[0] = ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16);
  rc.n_vnet = 1;
  BgpRibEnv re = {.node = "vgw1/0"};
  c.rib = bgp_rib_new(&rc, &re);
  BgpPeerInfo pi = {"site1", 65010, ipv4_addr(192, 168, 1, 1), ipv4_addr(169, 254, 21, 1)};
  c.peer = bgp_rib_peer_add(c.rib, &pi);
  BgpFsmConfig fc = {.node = "vgw1/0", .peer = "site1", .local_as = 65515, .peer_as = 65010,
                     .local_id = ipv4_addr(10, 1, 255, 30), .hold_time_s = BGP_AZURE_HOLD_S,
                     .keepalive_s = BGP_AZURE_KEEPALIVE_S, .idle_hold_s = 5,
                     .max_prefixes = 50};
  BgpEnv env = {.user = &c, .now = f_now, .timer_schedule = f_timer, .timer_cancel = f_cancel,
                .tcp_open = f_open, .tcp_send = f_send, .tcp_close = f_close,
                .update = f_update, .session_down = f_down};
  BgpFsm *f = bgp_fsm_new(&fc, &env);
  bgp_fsm_start(f);
  uint32_t conn = c.next_conn;
  bgp_fsm_tcp_up(f, conn);
  if (establish) {
    BgpMessage *o = bgp_open_new(65010, 90, ipv4_addr(192, 168, 1, 1));
    if (as4)
      bgp_open_add_as4(&o->u.open, 65010);
    feed(f, conn, o, false);
    feed(f, conn, bgp_message_new(BGP_MSG_KEEPALIVE), as4);
    if (bgp_fsm_state(f) != BGP_ESTABLISHED)
      abort();
  }
  while (size) {
    size_t n = size < chunk ? size : chunk;
    bgp_fsm_rx(f, conn, data, n);
    check(&c, f);
    data += n;
    size -= n;
    c.now += 1000000000ll;
  }
  /* the peer falls silent: the hold timer ends the session */
  for (int i = 0; i < 8 && c.timer_at; i++) {
    c.now = c.timer_at;
    c.timer_at = 0;
    bgp_fsm_timeout(f);
    check(&c, f);
  }
  if (bgp_fsm_state(f) != BGP_ESTABLISHED && bgp_rib_adj_in_count(c.rib, c.peer))
    abort();
  bgp_fsm_free(f);
  bgp_rib_free(c.rib);
  return 0;
}
