/* SPDX-License-Identifier: MIT */
/* The BGP speaker: the peers' FSMs feed one RIB, and every prefix whose best path may have
 * changed is compared, per established peer, with what that peer was last sent (its
 * Adj-RIB-Out); the differences leave at once as UPDATEs, one per attribute set. */
#include "models/bgp/bgp_speaker.h"

#include <glib.h>
#include <string.h>

/* What a peer was last sent for a prefix: the path attributes as encoded for its session
 * (the grouping key and the comparison), and the AS path length. */
typedef struct {
  GBytes *attrs;
  unsigned path_len;
} OutRoute;

typedef struct {
  BgpSpeaker *s;
  uint32_t id;
  BgpSpeakerPeerConfig cfg;
  BgpFsm *fsm;
  int64_t timer_at;  /* 0: none */
  bool up;           /* Established: exports flow */
  GHashTable *out;   /* Adj-RIB-Out: prefix key -> OutRoute * */
} Peer;

struct BgpSpeaker {
  BgpSpeakerConfig cfg;
  BgpSpeakerEnv env;
  BgpRib *rib;
  GPtrArray *peers; /* Peer *, id = index + 1 (the RIB's peer id) */
  int64_t armed;    /* the env timer's deadline, 0: cancelled */
  BgpSpeakerStats stats;
};

static uint64_t prefix_key(Ipv4Prefix p) { return ((uint64_t)p.addr.v << 8) | p.len; }

static Ipv4Prefix key_prefix(uint64_t k)
{
  return (Ipv4Prefix){.addr = {(uint32_t)(k >> 8)}, .len = (uint8_t)(k & 0xff)};
}

static void out_route_free(gpointer p)
{
  OutRoute *o = p;
  g_bytes_unref(o->attrs);
  g_free(o);
}

static Peer *peer_get(const BgpSpeaker *s, uint32_t id)
{
  return id && id <= s->peers->len ? g_ptr_array_index(s->peers, id - 1) : NULL;
}

static int64_t now(const BgpSpeaker *s) { return s->env.now ? s->env.now(s->env.user) : 0; }

/* ---- one timer for every session ---- */

static void rearm(BgpSpeaker *s)
{
  int64_t at = 0;
  for (guint i = 0; i < s->peers->len; i++) {
    const Peer *p = g_ptr_array_index(s->peers, i);
    if (p->timer_at && (!at || p->timer_at < at))
      at = p->timer_at;
  }
  if (at == s->armed)
    return;
  s->armed = at;
  if (at && s->env.timer_schedule)
    s->env.timer_schedule(s->env.user, at);
  else if (!at && s->env.timer_cancel)
    s->env.timer_cancel(s->env.user);
}

/* ---- building what a peer is sent ---- */

/* RFC 4271 5.1.2: to an external peer our AS goes first, as the leftmost element of an
 * AS_SEQUENCE (a new segment when the first is an AS_SET or full); 'times' copies of it
 * (1 + the peer's prepend count). */
static void path_prepend(BgpAsPath *out, const BgpAsPath *in, uint32_t asn, unsigned times)
{
  uint32_t seq[BGP_MAX_SEGMENT_ASNS];
  size_t n = 0, first = 0;
  for (unsigned i = 0; i < times && n < BGP_MAX_SEGMENT_ASNS; i++)
    seq[n++] = asn;
  if (in->n_seg && in->seg[0].type == BGP_AS_SEQUENCE && n + in->seg[0].n <= BGP_MAX_SEGMENT_ASNS) {
    memcpy(seq + n, in->seg[0].asn, in->seg[0].n * sizeof *seq);
    n += in->seg[0].n;
    first = 1;
  }
  bgp_as_path_add_segment(out, BGP_AS_SEQUENCE, seq, n);
  for (size_t i = first; i < in->n_seg; i++)
    bgp_as_path_add_segment(out, in->seg[i].type, in->seg[i].asn, in->seg[i].n);
}

/* The attributes of 'rt' as sent to an external peer. ORIGIN, COMMUNITIES,
 * ATOMIC_AGGREGATE, AGGREGATOR and unknown optional transitive attributes travel (the
 * latter with the Partial flag, RFC 4271 5); AS_PATH gets our AS; NEXT_HOP is our address
 * on the session (5.1.3); MED is not passed to another AS (5.1.4) and LOCAL_PREF never
 * goes to an external peer (5.1.5). AS4_PATH is the codec's to add on a 2-octet session. */
static void out_attrs(const BgpSpeaker *s, const Peer *p, const BgpRoute *rt, BgpAttrs *a)
{
  const BgpAttrs *in = &rt->attrs;
  memset(a, 0, sizeof *a);
  bgp_attrs_set_origin(a, bgp_attrs_has(in, BGP_ATTR_ORIGIN) ? in->origin : BGP_ORIGIN_IGP);
  path_prepend(&a->as_path, &in->as_path, s->cfg.rib.local_as, 1 + p->cfg.prepend);
  bgp_attrs_set(a, BGP_ATTR_AS_PATH);
  a->next_hop = p->cfg.local_address;
  bgp_attrs_set(a, BGP_ATTR_NEXT_HOP);
  if (bgp_attrs_has(in, BGP_ATTR_ATOMIC_AGGREGATE))
    bgp_attrs_set(a, BGP_ATTR_ATOMIC_AGGREGATE);
  if (bgp_attrs_has(in, BGP_ATTR_AGGREGATOR)) {
    a->aggregator_as = in->aggregator_as;
    a->aggregator_addr = in->aggregator_addr;
    bgp_attrs_set(a, BGP_ATTR_AGGREGATOR);
  }
  for (size_t i = 0; bgp_attrs_has(in, BGP_ATTR_COMMUNITIES) && i < in->n_communities; i++)
    bgp_attrs_add_community(a, in->communities[i]);
  for (size_t i = 0; i < in->n_other; i++) {
    const BgpRawAttr *o = &in->other[i];
    const uint8_t ot = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE;
    if ((o->flags & ot) != ot || o->type == BGP_ATTR_MP_REACH_NLRI ||
        o->type == BGP_ATTR_MP_UNREACH_NLRI)
      continue;
    a->other = g_renew(BgpRawAttr, a->other, a->n_other + 1);
    a->other[a->n_other++] = (BgpRawAttr){.flags = o->flags | BGP_AF_PARTIAL, .type = o->type,
                                          .len = o->len,
                                          .value = g_memdup2(o->value, o->len)};
  }
}

/* The path attribute octets of an UPDATE carrying a, as the session encodes them. */
static GBytes *attrs_encode(const BgpAttrs *a, const BgpCodecCtx *ctx)
{
  BgpMessage m = {.type = BGP_MSG_UPDATE};
  m.u.update.attrs = *a;
  WireWriter w;
  wire_writer_init(&w);
  bool ok = bgp_message_encode(&m, ctx, &w);
  GBytes *b = NULL;
  /* RFC 4271 4.3: header (19) | withdrawn length (2), none | attribute length (2) | ... */
  if (ok && wire_writer_len(&w) >= BGP_UPDATE_MIN_LEN)
    b = g_bytes_new(wire_writer_data(&w) + BGP_UPDATE_MIN_LEN,
                    wire_writer_len(&w) - BGP_UPDATE_MIN_LEN);
  wire_writer_clear(&w);
  return b;
}

static gint prefix_cmp(gconstpointer a, gconstpointer b)
{
  return ipv4_prefix_compare(*(const Ipv4Prefix *)a, *(const Ipv4Prefix *)b);
}

static size_t prefix_octets(Ipv4Prefix p) { return 1u + (p.len + 7u) / 8u; }

/* One attribute set and the prefixes that go with it. */
typedef struct {
  GBytes *key;
  BgpAttrs attrs;
  GArray *nlri; /* Ipv4Prefix */
} Group;

static void group_free(gpointer p)
{
  Group *g = p;
  g_bytes_unref(g->key);
  bgp_attrs_clear(&g->attrs);
  g_array_unref(g->nlri);
  g_free(g);
}

static void send_update(BgpSpeaker *s, Peer *p, BgpMessage *m)
{
  const BgpUpdate *u = &m->u.update;
  if (bgp_fsm_send_update(p->fsm, m)) {
    s->stats.updates++;
    s->stats.announced += u->n_nlri;
    s->stats.withdrawn += u->n_withdrawn;
  }
  bgp_message_free(m);
}

/* Send the withdrawals, then one UPDATE per group, each split where the next prefix would
 * take the message above 4096 octets (RFC 4271 4.1: header 19, withdrawn length 2,
 * attribute length 2, attributes, NLRI). */
static void flush(BgpSpeaker *s, Peer *p, GArray *wd, GPtrArray *groups)
{
  BgpMessage *m = NULL;
  size_t len = 0;
  for (guint i = 0; i < wd->len; i++) {
    Ipv4Prefix q = g_array_index(wd, Ipv4Prefix, i);
    if (m && len + prefix_octets(q) > BGP_MAX_LEN) {
      send_update(s, p, m);
      m = NULL;
    }
    if (!m) {
      m = bgp_message_new(BGP_MSG_UPDATE);
      len = BGP_UPDATE_MIN_LEN;
    }
    bgp_update_add_withdrawn(&m->u.update, q);
    len += prefix_octets(q);
  }
  if (m)
    send_update(s, p, m);
  for (guint i = 0; i < groups->len; i++) {
    const Group *g = g_ptr_array_index(groups, i);
    size_t base = BGP_UPDATE_MIN_LEN + g_bytes_get_size(g->key);
    m = NULL;
    for (guint k = 0; k < g->nlri->len; k++) {
      Ipv4Prefix q = g_array_index(g->nlri, Ipv4Prefix, k);
      if (m && len + prefix_octets(q) > BGP_MAX_LEN) {
        send_update(s, p, m);
        m = NULL;
      }
      if (!m) {
        m = bgp_message_new(BGP_MSG_UPDATE);
        bgp_attrs_copy(&m->u.update.attrs, &g->attrs);
        len = base;
      }
      bgp_update_add_nlri(&m->u.update, q);
      len += prefix_octets(q);
    }
    if (m)
      send_update(s, p, m);
  }
}

/* Bring the peer's Adj-RIB-Out up to date for these prefixes: what the export rules let
 * through of each best path (the first of an ECMP set, as bgp_rib_export) and is not what
 * the peer already has is announced; what the peer has and may no longer get is
 * withdrawn. Sent at once: there is no MinRouteAdvertisementIntervalTimer (RFC 4271 9.2.1.1
 * leaves it to the implementation; Azure documents none). */
/* A prefix through the session's translation (BgpSpeakerPeerConfig.map). */
static Ipv4Prefix peer_map(const Peer *p, bool import, Ipv4Prefix q)
{
  Ipv4Prefix out;
  if (p->cfg.map && p->cfg.map(p->cfg.map_user, p->cfg.fsm.peer, import, q, &out))
    return out;
  return q;
}

static void export(BgpSpeaker *s, Peer *p, const Ipv4Prefix *v, size_t n)
{
  if (!p->up || !n)
    return;
  BgpCodecCtx ctx = {.as4 = bgp_fsm_as4(p->fsm)};
  GArray *wd = g_array_new(FALSE, FALSE, sizeof(Ipv4Prefix));
  GPtrArray *groups = g_ptr_array_new_with_free_func(group_free);
  GHashTable *by_key = g_hash_table_new(g_bytes_hash, g_bytes_equal);
  for (size_t i = 0; i < n; i++) {
    Ipv4Prefix q = v[i];
    uint64_t k = prefix_key(q);
    OutRoute *had = g_hash_table_lookup(p->out, &k);
    const BgpRoute *best = NULL;
    if (bgp_rib_best(s->rib, q, &best, 1) && bgp_rib_export_refused(s->rib, p->id, best))
      best = NULL;
    if (!best) {
      if (had) {
        g_hash_table_remove(p->out, &k);
        Ipv4Prefix w = peer_map(p, false, q);
        g_array_append_val(wd, w);
      }
      continue;
    }
    BgpAttrs a;
    out_attrs(s, p, best, &a);
    GBytes *key = attrs_encode(&a, &ctx);
    if (!key || (had && g_bytes_equal(had->attrs, key))) {
      if (key)
        g_bytes_unref(key);
      bgp_attrs_clear(&a);
      continue;
    }
    Group *g = g_hash_table_lookup(by_key, key);
    if (!g) {
      g = g_new0(Group, 1);
      g->key = key;
      g->attrs = a;
      g->nlri = g_array_new(FALSE, FALSE, sizeof(Ipv4Prefix));
      g_ptr_array_add(groups, g);
      g_hash_table_insert(by_key, key, g);
    } else {
      bgp_attrs_clear(&a);
    }
    Ipv4Prefix nq = peer_map(p, false, q);
    g_array_append_val(g->nlri, nq);
    OutRoute *o = g_new0(OutRoute, 1);
    o->attrs = g_bytes_ref(g->key);
    o->path_len = bgp_as_path_length(&g->attrs.as_path);
    g_hash_table_replace(p->out, g_memdup2(&k, sizeof k), o);
    if (key != g->key)
      g_bytes_unref(key);
  }
  flush(s, p, wd, groups);
  g_hash_table_destroy(by_key); /* borrows the groups' keys */
  g_ptr_array_unref(groups);
  g_array_unref(wd);
}

static void export_all_peers(BgpSpeaker *s, const Ipv4Prefix *v, size_t n)
{
  for (guint i = 0; i < s->peers->len; i++)
    export(s, g_ptr_array_index(s->peers, i), v, n);
}

/* Every prefix the peer was sent or may be sent: a full comparison (session up, another
 * session down, route refresh). */
static void export_full(BgpSpeaker *s, Peer *p)
{
  if (!p->up)
    return;
  GArray *v = g_array_new(FALSE, FALSE, sizeof(Ipv4Prefix));
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, p->out);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    Ipv4Prefix q = key_prefix(*(uint64_t *)key);
    g_array_append_val(v, q);
  }
  const BgpRoute **ex = NULL;
  size_t n = bgp_rib_export(s->rib, p->id, &ex);
  for (size_t i = 0; i < n; i++)
    g_array_append_val(v, ex[i]->prefix);
  g_free(ex);
  /* one order whatever the hash table's: withdrawals and groups come out sorted */
  g_array_sort(v, prefix_cmp);
  export(s, p, (const Ipv4Prefix *)(void *)v->data, v->len);
  g_array_unref(v);
}

/* ---- the sessions' env ---- */

static int64_t fsm_now(void *u) { return now(((Peer *)u)->s); }

static void fsm_timer(void *u, int64_t at)
{
  Peer *p = u;
  p->timer_at = at;
  rearm(p->s);
}

static void fsm_cancel(void *u)
{
  Peer *p = u;
  p->timer_at = 0;
  rearm(p->s);
}

static uint32_t fsm_open(void *u)
{
  Peer *p = u;
  return p->s->env.tcp_open ? p->s->env.tcp_open(p->s->env.user, p->id) : 0;
}

static void fsm_send(void *u, uint32_t conn, const uint8_t *d, size_t n)
{
  Peer *p = u;
  if (p->s->env.tcp_send)
    p->s->env.tcp_send(p->s->env.user, p->id, conn, d, n);
}

static void fsm_close(void *u, uint32_t conn)
{
  Peer *p = u;
  if (p->s->env.tcp_close)
    p->s->env.tcp_close(p->s->env.user, p->id, conn);
}

/* An accepted UPDATE: into the peer's Adj-RIB-In (best paths re-run there), then out to
 * every established peer for the prefixes it names. */
static void fsm_update(void *u, const BgpUpdate *up, bool taw)
{
  Peer *p = u;
  BgpSpeaker *s = p->s;
  size_t n = up->n_withdrawn + up->n_nlri;
  g_autofree Ipv4Prefix *v = g_new(Ipv4Prefix, n ? n : 1);
  for (size_t i = 0; i < up->n_withdrawn; i++)
    v[i] = peer_map(p, true, ipv4_prefix_make(up->withdrawn[i].addr, up->withdrawn[i].len));
  for (size_t i = 0; i < up->n_nlri; i++)
    v[up->n_withdrawn + i] = peer_map(p, true, ipv4_prefix_make(up->nlri[i].addr, up->nlri[i].len));
  if (p->cfg.map) { /* the RIB keeps the translated prefixes */
    BgpUpdate t = *up;
    t.withdrawn = v;
    t.nlri = v + up->n_withdrawn;
    bgp_rib_update(s->rib, p->id, &t, taw);
  } else {
    bgp_rib_update(s->rib, p->id, up, taw);
  }
  export_all_peers(s, v, n);
}

static void fsm_up(void *u)
{
  Peer *p = u;
  p->up = true;
  g_hash_table_remove_all(p->out);
  export_full(p->s, p);
}

/* RFC 4271 9.1.3 / facts 5 ("A withdrawn tunnel's routes are removed via BGP"): every route
 * the peer carried goes, and the other peers hear what changed. */
static void fsm_down(void *u, BgpDownReason why)
{
  Peer *p = u;
  BgpSpeaker *s = p->s;
  p->up = false;
  g_hash_table_remove_all(p->out);
  bgp_rib_peer_down(s->rib, p->id);
  for (guint i = 0; i < s->peers->len; i++)
    export_full(s, g_ptr_array_index(s->peers, i));
}

/* RFC 2918 3: a ROUTE-REFRESH is answered with the whole Adj-RIB-Out again. */
static void fsm_refresh(void *u, uint16_t afi, uint8_t safi)
{
  Peer *p = u;
  if (afi != BGP_AFI_IPV4 || safi != BGP_SAFI_UNICAST || !p->up)
    return; /* RFC 2918 4: a family not advertised is ignored */
  VsEvent e = vs_event(now(p->s), p->s->cfg.node, BGP_EV_SPEAKER_REFRESH);
  vs_event_str(&e, "peer", p->cfg.fsm.peer);
  vs_event_emit(&p->s->env.events, &e);
  g_hash_table_remove_all(p->out);
  export_full(p->s, p);
}

/* ---- API ---- */

BgpSpeaker *bgp_speaker_new(const BgpSpeakerConfig *cfg, const BgpSpeakerEnv *env)
{
  g_return_val_if_fail(cfg && env && cfg->n_local <= BGP_SPEAKER_MAX_LOCAL, NULL);
  BgpSpeaker *s = g_new0(BgpSpeaker, 1);
  s->cfg = *cfg;
  s->env = *env;
  BgpRibEnv renv = {.node = cfg->node, .events = env->events, .user = env->user,
                    .now = env->now, .best_changed = env->best_changed};
  s->rib = bgp_rib_new(&cfg->rib, &renv);
  s->peers = g_ptr_array_new();
  for (size_t i = 0; i < cfg->n_local; i++)
    bgp_rib_add_local(s->rib, cfg->local[i]);
  return s;
}

void bgp_speaker_free(BgpSpeaker *s)
{
  if (!s)
    return;
  for (guint i = 0; i < s->peers->len; i++) {
    Peer *p = g_ptr_array_index(s->peers, i);
    bgp_fsm_free(p->fsm);
    g_hash_table_destroy(p->out);
    g_free(p);
  }
  g_ptr_array_unref(s->peers);
  bgp_rib_free(s->rib);
  g_free(s);
}

uint32_t bgp_speaker_peer_add(BgpSpeaker *s, const BgpSpeakerPeerConfig *pc)
{
  g_return_val_if_fail(pc && pc->prepend <= BGP_SPEAKER_MAX_PREPEND, 0);
  Peer *p = g_new0(Peer, 1);
  p->s = s;
  p->cfg = *pc;
  p->cfg.fsm.node = s->cfg.node;
  p->cfg.fsm.local_as = s->cfg.rib.local_as;
  p->cfg.fsm.local_id = s->cfg.rib.router_id;
  p->out = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, out_route_free);
  BgpPeerInfo info = {.name = pc->fsm.peer, .asn = pc->fsm.peer_as,
                      .router_id = pc->router_id.v ? pc->router_id : pc->address,
                      .address = pc->address};
  p->id = bgp_rib_peer_add(s->rib, &info);
  g_assert_cmpuint(p->id, ==, s->peers->len + 1);
  g_ptr_array_add(s->peers, p);
  BgpEnv env = {.user = p, .events = s->env.events, .now = fsm_now,
                .timer_schedule = fsm_timer, .timer_cancel = fsm_cancel,
                .tcp_open = fsm_open, .tcp_send = fsm_send, .tcp_close = fsm_close,
                .update = fsm_update, .session_up = fsm_up, .session_down = fsm_down,
                .route_refresh = fsm_refresh};
  p->fsm = bgp_fsm_new(&p->cfg.fsm, &env);
  return p->id;
}

void bgp_speaker_start(BgpSpeaker *s, uint32_t peer)
{
  Peer *p = peer_get(s, peer);
  g_return_if_fail(p);
  bgp_fsm_start(p->fsm);
}

void bgp_speaker_stop(BgpSpeaker *s, uint32_t peer)
{
  Peer *p = peer_get(s, peer);
  g_return_if_fail(p);
  bgp_fsm_stop(p->fsm);
}

void bgp_speaker_add_local(BgpSpeaker *s, Ipv4Prefix p)
{
  p = ipv4_prefix_make(p.addr, p.len);
  bgp_rib_add_local(s->rib, p);
  export_all_peers(s, &p, 1);
}

void bgp_speaker_remove_local(BgpSpeaker *s, Ipv4Prefix p)
{
  p = ipv4_prefix_make(p.addr, p.len);
  bgp_rib_remove_local(s->rib, p);
  export_all_peers(s, &p, 1);
}

static void locals(BgpSpeaker *s, const Ipv4Prefix *v, size_t n, bool add)
{
  GArray *a = g_array_sized_new(FALSE, FALSE, sizeof(Ipv4Prefix), (guint)n);
  for (size_t i = 0; i < n; i++) {
    Ipv4Prefix p = ipv4_prefix_make(v[i].addr, v[i].len);
    if (add)
      bgp_rib_add_local(s->rib, p);
    else
      bgp_rib_remove_local(s->rib, p);
    g_array_append_val(a, p);
  }
  g_array_sort(a, prefix_cmp);
  export_all_peers(s, (const Ipv4Prefix *)(void *)a->data, a->len);
  g_array_unref(a);
}

void bgp_speaker_add_locals(BgpSpeaker *s, const Ipv4Prefix *v, size_t n)
{
  locals(s, v, n, true);
}

void bgp_speaker_remove_locals(BgpSpeaker *s, const Ipv4Prefix *v, size_t n)
{
  locals(s, v, n, false);
}

bool bgp_speaker_set_prepend(BgpSpeaker *s, uint32_t peer, unsigned prepend)
{
  Peer *p = peer_get(s, peer);
  if (!p || prepend > BGP_SPEAKER_MAX_PREPEND)
    return false;
  p->cfg.prepend = prepend;
  export_full(s, p);
  return true;
}

void bgp_speaker_tcp_up(BgpSpeaker *s, uint32_t peer, uint32_t conn)
{
  Peer *p = peer_get(s, peer);
  g_return_if_fail(p);
  bgp_fsm_tcp_up(p->fsm, conn);
}

bool bgp_speaker_tcp_accept(BgpSpeaker *s, uint32_t peer, uint32_t conn)
{
  Peer *p = peer_get(s, peer);
  g_return_val_if_fail(p, false);
  return bgp_fsm_tcp_accept(p->fsm, conn);
}

void bgp_speaker_tcp_failed(BgpSpeaker *s, uint32_t peer, uint32_t conn)
{
  Peer *p = peer_get(s, peer);
  g_return_if_fail(p);
  bgp_fsm_tcp_failed(p->fsm, conn);
}

void bgp_speaker_rx(BgpSpeaker *s, uint32_t peer, uint32_t conn, const uint8_t *data,
                    size_t len)
{
  Peer *p = peer_get(s, peer);
  g_return_if_fail(p);
  bgp_fsm_rx(p->fsm, conn, data, len);
}

void bgp_speaker_timeout(BgpSpeaker *s)
{
  int64_t t = now(s);
  s->armed = 0; /* it fired */
  for (guint i = 0; i < s->peers->len; i++) {
    Peer *p = g_ptr_array_index(s->peers, i);
    if (p->timer_at && p->timer_at <= t) {
      p->timer_at = 0;
      bgp_fsm_timeout(p->fsm);
    }
  }
  rearm(s);
}

const BgpRib *bgp_speaker_rib(const BgpSpeaker *s) { return s->rib; }

BgpFsm *bgp_speaker_fsm(BgpSpeaker *s, uint32_t peer)
{
  Peer *p = peer_get(s, peer);
  return p ? p->fsm : NULL;
}

size_t bgp_speaker_adj_out_count(const BgpSpeaker *s, uint32_t peer)
{
  const Peer *p = peer_get(s, peer);
  return p ? g_hash_table_size(p->out) : 0;
}

bool bgp_speaker_adj_out(const BgpSpeaker *s, uint32_t peer, Ipv4Prefix q, unsigned *path_len)
{
  const Peer *p = peer_get(s, peer);
  uint64_t k = prefix_key(ipv4_prefix_make(q.addr, q.len));
  const OutRoute *o = p ? g_hash_table_lookup(p->out, &k) : NULL;
  if (o && path_len)
    *path_len = o->path_len;
  return o != NULL;
}

BgpSpeakerStats bgp_speaker_stats(const BgpSpeaker *s) { return s->stats; }
