/* SPDX-License-Identifier: MIT */
/* A tunnel endpoint's BGP speaker over its tunnels (ep_bgp.h). */
#include "models/endpoint/ep_bgp.h"

#include <glib.h>
#include <string.h>

typedef struct {
  uint32_t peer; /* the speaker's peer id */
} Conn;

struct EpBgp {
  EpBgpConfig cfg;
  EpDp *dp;
  const EpEnv *env;
  EpBgpIo io;
  BgpSpeaker *sp;
  uint32_t peer_id[EP_BGP_MAX_PEERS]; /* cfg.peers[i] -> speaker id */
  EpTimerId timer;
  uint32_t next_conn;
  GHashTable *conns;     /* conn id -> Conn* */
  GHashTable *installed; /* prefix key -> GArray of int (tunnels), in best order */
};

static uint64_t pkey(Ipv4Prefix p)
{
  return ((uint64_t)p.addr.v << 8) | p.len;
}

static const EpBgpPeer *peer_cfg(const EpBgp *b, uint32_t id)
{
  for (unsigned i = 0; i < b->cfg.n_peers; i++)
    if (b->peer_id[i] == id)
      return &b->cfg.peers[i];
  return NULL;
}

/* ---- the speaker's environment ---- */

static int64_t sp_now(void *u)
{
  EpBgp *b = u;
  return b->env->now(b->env->user);
}

static void sp_timeout(void *arg)
{
  EpBgp *b = arg;
  b->timer = 0;
  bgp_speaker_timeout(b->sp);
}

static void sp_timer_cancel(void *u)
{
  EpBgp *b = u;
  if (b->timer && b->env->timer_cancel)
    b->env->timer_cancel(b->env->user, b->timer);
  b->timer = 0;
}

static void sp_timer_schedule(void *u, int64_t at)
{
  EpBgp *b = u;
  sp_timer_cancel(b);
  int64_t d = at - sp_now(b);
  b->timer = b->env->timer_add(b->env->user, d < 0 ? 0 : d, sp_timeout, b);
}

static uint32_t sp_tcp_open(void *u, uint32_t peer)
{
  EpBgp *b = u;
  const EpBgpPeer *pc = peer_cfg(b, peer);
  if (!pc)
    return 0;
  uint32_t id = ++b->next_conn;
  Conn *c = g_new0(Conn, 1);
  c->peer = peer;
  g_hash_table_insert(b->conns, GUINT_TO_POINTER(id), c);
  b->io.tcp_open(b->io.user, id, pc->pc.local_address, pc->pc.address);
  return id;
}

static void sp_tcp_send(void *u, uint32_t peer, uint32_t conn, const uint8_t *data, size_t len)
{
  EpBgp *b = u;
  if (g_hash_table_contains(b->conns, GUINT_TO_POINTER(conn)))
    b->io.tcp_send(b->io.user, conn, data, len);
}

static void sp_tcp_close(void *u, uint32_t peer, uint32_t conn)
{
  EpBgp *b = u;
  if (g_hash_table_remove(b->conns, GUINT_TO_POINTER(conn)))
    b->io.tcp_close(b->io.user, conn);
}

static void emit_route(EpBgp *b, const char *type, Ipv4Prefix p, int tunnel, const BgpRoute *rt,
                       size_t paths)
{
  char pb[IPV4_PREFIX_STRLEN], path[256];
  VsEvent e = vs_event(sp_now(b), b->cfg.speaker.node, type);
  vs_event_str(&e, "prefix", ipv4_prefix_format(p, pb));
  vs_event_str(&e, "tunnel", ep_dp_tunnel_name(b->dp, tunnel));
  if (rt) {
    const EpBgpPeer *pc = peer_cfg(b, rt->peer);
    vs_event_str(&e, "peer", pc ? pc->pc.fsm.peer : "");
    vs_event_str(&e, "as_path", bgp_route_path_format(rt, path, sizeof path));
    vs_event_uint(&e, "paths", paths);
  }
  vs_event_emit(&b->env->events, &e);
}

/* The data plane follows the RIB: every path of p's best set is a route into the tunnel
 * of the peer it came from (ECMP: one route per tunnel, the first usable wins). */
static void sp_best_changed(void *u, Ipv4Prefix p)
{
  EpBgp *b = u;
  if (!b->sp)
    return; /* the speaker's own prefixes, entering its RIB as it is made */
  const BgpRoute *best[EP_BGP_MAX_PEERS];
  size_t n = bgp_rib_best(bgp_speaker_rib(b->sp), p, best, G_N_ELEMENTS(best));
  n = MIN(n, G_N_ELEMENTS(best));
  GArray *want = g_array_new(FALSE, FALSE, sizeof(int));
  const BgpRoute *want_rt[EP_BGP_MAX_PEERS];
  for (size_t i = 0; i < n; i++) {
    const EpBgpPeer *pc = best[i]->peer != BGP_RIB_LOCAL ? peer_cfg(b, best[i]->peer) : NULL;
    if (!pc)
      continue;
    bool dup = false;
    for (guint k = 0; k < want->len; k++)
      dup |= g_array_index(want, int, k) == pc->tunnel;
    if (!dup) {
      want_rt[want->len] = best[i];
      g_array_append_val(want, pc->tunnel);
    }
  }
  uint64_t k = pkey(p);
  GArray *had = g_hash_table_lookup(b->installed, &k);
  bool same = had && had->len == want->len;
  for (guint i = 0; same && i < want->len; i++)
    same = g_array_index(had, int, i) == g_array_index(want, int, i);
  if (same || (!had && !want->len)) {
    g_array_unref(want);
    return;
  }
  bool was = had && had->len;
  for (guint i = 0; had && i < had->len; i++) {
    int t = g_array_index(had, int, i);
    ep_dp_route_remove(b->dp, p, EP_ROUTE_TUNNEL, t);
    emit_route(b, EP_BGP_EV_ROUTE_REMOVED, p, t, NULL, 0);
  }
  for (guint i = 0; i < want->len; i++) {
    int t = g_array_index(want, int, i);
    ep_dp_route_add(b->dp, p, EP_ROUTE_TUNNEL, t);
    emit_route(b, EP_BGP_EV_ROUTE_INSTALLED, p, t, want_rt[i], want->len);
  }
  if (!was && want->len && b->io.fib_add)
    b->io.fib_add(b->io.user, p);
  else if (was && !want->len && b->io.fib_remove)
    b->io.fib_remove(b->io.user, p);
  if (want->len)
    g_hash_table_replace(b->installed, g_memdup2(&k, sizeof k), want);
  else {
    g_hash_table_remove(b->installed, &k);
    g_array_unref(want);
  }
}

/* ---- API ---- */

EpBgp *ep_bgp_new(const EpBgpConfig *cfg, EpDp *dp, const EpEnv *env, const EpBgpIo *io)
{
  g_return_val_if_fail(cfg && dp && env && io && cfg->n_peers <= EP_BGP_MAX_PEERS, NULL);
  EpBgp *b = g_new0(EpBgp, 1);
  b->cfg = *cfg;
  b->dp = dp;
  b->env = env;
  b->io = *io;
  b->conns = g_hash_table_new_full(NULL, NULL, NULL, g_free);
  b->installed = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                       (GDestroyNotify)g_array_unref);
  BgpSpeakerEnv se = {.user = b, .events = env->events, .now = sp_now,
                      .timer_schedule = sp_timer_schedule, .timer_cancel = sp_timer_cancel,
                      .tcp_open = sp_tcp_open, .tcp_send = sp_tcp_send,
                      .tcp_close = sp_tcp_close, .best_changed = sp_best_changed};
  b->sp = bgp_speaker_new(&b->cfg.speaker, &se);
  for (unsigned i = 0; i < cfg->n_peers; i++) {
    b->peer_id[i] = bgp_speaker_peer_add(b->sp, &b->cfg.peers[i].pc);
    /* facts 5: a host route to the peer's BGP address over the tunnel (the gateway's
     * internal one; on the device, the route the facts tell it to add) */
    Ipv4Prefix host = ipv4_prefix_make(cfg->peers[i].pc.address, 32);
    ep_dp_route_add(dp, host, EP_ROUTE_TUNNEL, cfg->peers[i].tunnel);
    if (io->fib_add)
      io->fib_add(io->user, host);
    /* our own BGP address is inside: what comes out of the tunnel for it is delivered */
    Ipv4Prefix self = ipv4_prefix_make(cfg->peers[i].pc.local_address, 32);
    int t;
    if (ep_dp_route_lookup(dp, self.addr, &t) != EP_ROUTE_LOCAL)
      ep_dp_route_add(dp, self, EP_ROUTE_LOCAL, -1);
  }
  return b;
}

void ep_bgp_free(EpBgp *b)
{
  if (!b)
    return;
  sp_timer_cancel(b);
  bgp_speaker_free(b->sp);
  g_hash_table_destroy(b->conns);
  g_hash_table_destroy(b->installed);
  g_free(b);
}

void ep_bgp_tunnel_state(EpBgp *b, int tunnel, bool up)
{
  for (unsigned i = 0; i < b->cfg.n_peers; i++) {
    if (b->cfg.peers[i].tunnel != tunnel)
      continue;
    if (up)
      bgp_speaker_start(b->sp, b->peer_id[i]);
    else
      bgp_speaker_stop(b->sp, b->peer_id[i]);
  }
}

uint32_t ep_bgp_tcp_accept(EpBgp *b, Ipv4Addr local, Ipv4Addr src)
{
  for (unsigned i = 0; i < b->cfg.n_peers; i++) {
    const EpBgpPeer *pc = &b->cfg.peers[i];
    if (pc->pc.address.v != src.v || pc->pc.local_address.v != local.v)
      continue;
    uint32_t id = ++b->next_conn;
    Conn *c = g_new0(Conn, 1);
    c->peer = b->peer_id[i];
    g_hash_table_insert(b->conns, GUINT_TO_POINTER(id), c);
    if (bgp_speaker_tcp_accept(b->sp, b->peer_id[i], id))
      return id;
    g_hash_table_remove(b->conns, GUINT_TO_POINTER(id));
    return 0;
  }
  return 0;
}

uint32_t ep_bgp_next_conn(const EpBgp *b)
{
  return b->next_conn + 1;
}

void ep_bgp_tcp_up(EpBgp *b, uint32_t conn)
{
  Conn *c = g_hash_table_lookup(b->conns, GUINT_TO_POINTER(conn));
  if (c)
    bgp_speaker_tcp_up(b->sp, c->peer, conn);
}

void ep_bgp_tcp_failed(EpBgp *b, uint32_t conn)
{
  Conn *c = g_hash_table_lookup(b->conns, GUINT_TO_POINTER(conn));
  if (!c)
    return;
  uint32_t peer = c->peer;
  g_hash_table_remove(b->conns, GUINT_TO_POINTER(conn));
  bgp_speaker_tcp_failed(b->sp, peer, conn);
}

void ep_bgp_rx(EpBgp *b, uint32_t conn, const uint8_t *data, size_t len)
{
  Conn *c = g_hash_table_lookup(b->conns, GUINT_TO_POINTER(conn));
  if (c)
    bgp_speaker_rx(b->sp, c->peer, conn, data, len);
}

size_t ep_bgp_local_addresses(const EpBgp *b, Ipv4Addr *out, size_t max)
{
  size_t n = 0;
  for (unsigned i = 0; i < b->cfg.n_peers; i++) {
    Ipv4Addr a = b->cfg.peers[i].pc.local_address;
    bool dup = false;
    for (size_t k = 0; k < n; k++)
      dup |= out[k].v == a.v;
    if (!dup && n < max)
      out[n++] = a;
  }
  return n;
}

void ep_bgp_advertise(EpBgp *b, const Ipv4Prefix *v, size_t n)
{
  bgp_speaker_add_locals(b->sp, v, n);
}

void ep_bgp_withdraw(EpBgp *b, const Ipv4Prefix *v, size_t n)
{
  bgp_speaker_remove_locals(b->sp, v, n);
}

size_t ep_bgp_n_installed(const EpBgp *b)
{
  return g_hash_table_size(b->installed);
}

bool ep_bgp_set_prepend(EpBgp *b, unsigned prepend)
{
  bool ok = true;
  for (unsigned i = 0; i < b->cfg.n_peers; i++)
    ok &= bgp_speaker_set_prepend(b->sp, b->peer_id[i], prepend);
  return ok;
}

BgpSpeaker *ep_bgp_speaker(EpBgp *b)
{
  return b->sp;
}
