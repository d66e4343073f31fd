/* SPDX-License-Identifier: MIT */
/* The tunnel-endpoint data plane: routes, tunnels, child SA pairs, ESP in and out, MTU,
 * caps, metrics and events. */
#include "models/endpoint/ep_dataplane.h"

#include "models/common/inet.h"
#include "models/common/wire.h"
#include "models/endpoint/ep_impair.h"
#include "models/endpoint/ep_shaper.h"
#include "models/esp/esp_codec.h"
#include "models/esp/esp_natt.h"
#include "models/esp/esp_sad.h"

#include <glib.h>
#include <string.h>

NAME_TABLE(ep_drop_reason_names, "data-plane drop reason",
           {EP_DROP_NO_ROUTE, "no_route"},
           {EP_DROP_TUNNEL_DOWN, "tunnel_down"},
           {EP_DROP_NO_SA, "no_sa"},
           {EP_DROP_TS_MISMATCH, "ts_mismatch"},
           {EP_DROP_TOO_BIG, "too_big"},
           {EP_DROP_TUNNEL_BPS, "tunnel_bps"},
           {EP_DROP_TUNNEL_PPS, "tunnel_pps"},
           {EP_DROP_AGGREGATE_BPS, "aggregate_bps"},
           {EP_DROP_OUTER_MALFORMED, "outer_malformed"},
           {EP_DROP_OUTER_CHECKSUM, "outer_checksum"},
           {EP_DROP_OUTER_FRAGMENT, "outer_fragment"},
           {EP_DROP_NOT_FOR_US, "not_for_us"},
           {EP_DROP_NOT_ESP, "not_esp"},
           {EP_DROP_ESP, "esp"},
           {EP_DROP_INNER_MALFORMED, "inner_malformed"});

NAME_TABLE(ep_algset_names, "per-tunnel algorithm set", {EP_ALGSET_GCMAES256, "GCMAES256"},
           {EP_ALGSET_AES256_SHA256, "AES256+SHA256"}, {EP_ALGSET_DES3_SHA256, "DES3+SHA256"});

NAME_TABLE(ep_route_kind_names, "route kind", {EP_ROUTE_NONE, "none"},
           {EP_ROUTE_LOCAL, "local"}, {EP_ROUTE_TUNNEL, "tunnel"});

NAME_TABLE(ep_sa_expiry_kind_names, "SA expiry kind", {EP_SA_SOFT_EXPIRED, "soft"},
           {EP_SA_HARD_EXPIRED, "hard"}, {EP_SA_SEQ_EXHAUSTED, "seq_exhausted"});

NAME_TABLE(ep_rx_result_names, "outer packet outcome", {EP_RX_DELIVERED, "delivered"},
           {EP_RX_DROPPED, "dropped"}, {EP_RX_IKE, "ike"}, {EP_RX_KEEPALIVE, "keepalive"});

#define NS_PER_S 1000000000ll
#define MAX_PKT 65535u
/* outer IPv4 header + UDP + the largest ESP overhead we build (header, IV, pad, ICV) */
#define OBUF_LEN (MAX_PKT + 512u)

enum { DIR_EGRESS = 0, DIR_INGRESS = 1 };

typedef struct Child Child;

/* One child SA pair: an outbound and an inbound SA, both owned by the SAD. */
typedef struct {
  EspSa *out, *in;
  uint32_t out_spi, in_spi;
  Child *child;
  int tunnel;
  bool udp_encap;
  uint16_t sport, dport;
  size_t max_inner; /* largest inner packet through 'out' (MTUs) */
} Pair;

/* A child SA as IKE sees it: the selectors it covers; rekeys replace its pairs. */
struct Child {
  EpSelector *sel;
  unsigned n_sel;
  Pair *current;   /* carries outbound traffic: its 'out' is the SA esp_sad_tx uses */
};

typedef struct {
  EpDpTunnelConfig cfg;
  char *name;
  int index; /* in dp->tunnels (tunnels are never removed) */
  Ipv4Addr peer; /* outer destination: cfg.remote_public until the peer moves */
  GPtrArray *children; /* Child*, owned */
  GPtrArray *pairs;    /* Pair*, owned */
  EpTunnelMetrics m;
  bool up;
  bool shaped_set;
  EpAlgSet algset;
  EpTokenBucket bps[2], pps[2];
  bool drop_seen[EP_DROP__COUNT];
  int64_t pps_second; /* the second counted in pps_count */
  uint64_t pps_count;
  EpSaExpiryFn expiry_fn; /* ep_dp_tunnel_set_expiry_hook */
  void *expiry_user;
  EpEdgeFn edge_fn; /* ep_dp_tunnel_set_edge_hook */
  void *edge_user;
  bool bad_icv;           /* ep_dp_tunnel_impair_icv: the Nth ESP packet out (0: every) */
  uint32_t bad_icv_nth, bad_icv_seen;
  uint32_t mtu_cap;       /* ep_dp_tunnel_impair_mtu: inner MTU at most this (0: none) */
  bool frag_inner;        /* ep_dp_tunnel_impair_fragment */
  bool frag_inner_told;   /* its impair.applied event was logged */
  bool no_transit;        /* ep_dp_tunnel_impair_no_transit */
  bool no_transit_told;   /* its impair.applied event was logged */
} Tunnel;

typedef struct {
  Ipv4Prefix p;
  EpRouteKind kind;
  int tunnel;
} Route;

struct EpDp {
  EpDpConfig cfg;
  char *node;
  EpEnv env;
  EspSad *sad;
  GPtrArray *tunnels; /* Tunnel*, owned */
  GArray *routes;     /* Route, longest prefix first */
  unsigned n_routes_len[33]; /* routes of each prefix length (where a new one goes) */
  GHashTable *tunnel_by_name; /* name -> index + 1 of the first tunnel of that name */
  GHashTable *by_in;  /* EspSa* (inbound) -> Pair* */
  EpNodeMetrics m;
  bool drop_seen[EP_DROP__COUNT];
  EpTokenBucket agg[2];
  uint16_t ip_id;
  EpTimerId timer;
  GArray *expiries;    /* EpSaExpiry: lifetimes crossed, for the tunnels' hooks */
  EpTimerId expiry_timer;
  uint8_t *obuf; /* outer packets built here */
  uint8_t *ibuf; /* inner packets decapsulated here */
  uint8_t *cbuf; /* inner packets from the inside copied here to be changed (MSS) */
  Ipv4Addr alt_local; /* a tunnel's own outer address (EpDpTunnelConfig.local_public) */
};

/* A tunnel's outer address, and whether ESP to dst is ours */
static Ipv4Addr tunnel_local(const EpDp *dp, const Tunnel *t)
{
  return t->cfg.local_public.v ? t->cfg.local_public : dp->cfg.public_ip;
}

static bool is_local(const EpDp *dp, Ipv4Addr dst)
{
  return dst.v == dp->cfg.public_ip.v || (dp->alt_local.v && dst.v == dp->alt_local.v);
}

static int64_t now(const EpDp *dp)
{
  return dp->env.now(dp->env.user);
}

static VsEvent ev_new(const EpDp *dp, const char *type)
{
  return vs_event(now(dp), dp->node, type);
}

static void ev_emit(const EpDp *dp, const VsEvent *ev)
{
  if (ev->type)
    vs_event_emit(&dp->env.events, ev);
}

/* ---- drops ---- */

static void count_drop(EpTunnelMetrics *m, EpDropReason r, EspStatus es)
{
  m->drops[r]++;
  m->drop_count++;
  if (r == EP_DROP_TS_MISMATCH)
    m->ts_mismatch_drops++;
  if (r == EP_DROP_ESP && es < ESP_ERR__COUNT)
    m->esp_drops[es]++;
}

/* Count a drop on the node and its tunnel (if known); the first drop of each reason in a
 * scope is an event (the counters carry the rest: a bulk flow against a cap would
 * otherwise flood the timeline). */
static void drop(EpDp *dp, Tunnel *t, EpDropReason r, EspStatus es, const char *detail)
{
  count_drop(&dp->m.total, r, es);
  bool *seen = t ? &t->drop_seen[r] : &dp->drop_seen[r];
  if (t)
    count_drop(&t->m, r, es);
  if (*seen)
    return;
  *seen = true;
  VsEvent ev = ev_new(dp, dp->cfg.events->drop);
  if (t)
    vs_event_str(&ev, "tunnel", t->name);
  vs_event_str(&ev, "reason", name_get(&ep_drop_reason_names, r));
  if (r == EP_DROP_ESP)
    vs_event_str(&ev, "esp_status", esp_status_name(es));
  if (detail)
    vs_event_str(&ev, "detail", detail);
  ev_emit(dp, &ev);
}

/* ---- construction ---- */

static void on_sad_event(void *user, const EspEvent *e);

EpDp *ep_dp_new(const EpDpConfig *cfg, const EpEnv *env)
{
  g_return_val_if_fail(cfg && env && cfg->events, NULL);
  g_return_val_if_fail(env->now && env->send_outer && env->deliver_inner, NULL);
  g_return_val_if_fail(cfg->n_local_prefixes <= EP_DP_MAX_PREFIXES, NULL);
  EpDp *dp = g_new0(EpDp, 1);
  dp->cfg = *cfg;
  dp->node = g_strdup(cfg->node ? cfg->node : "");
  dp->cfg.node = dp->node;
  if (!dp->cfg.tunnel_mtu)
    dp->cfg.tunnel_mtu = EP_DP_DEFAULT_TUNNEL_MTU;
  if (!dp->cfg.path_mtu)
    dp->cfg.path_mtu = EP_DP_DEFAULT_PATH_MTU;
  /* an IPv4 total length is 16 bits */
  dp->cfg.tunnel_mtu = MIN(dp->cfg.tunnel_mtu, MAX_PKT);
  dp->cfg.path_mtu = MIN(dp->cfg.path_mtu, MAX_PKT);
  dp->env = *env;
  dp->sad = esp_sad_new(on_sad_event, dp);
  dp->tunnels = g_ptr_array_new();
  dp->routes = g_array_new(FALSE, FALSE, sizeof(Route));
  dp->tunnel_by_name = g_hash_table_new(g_str_hash, g_str_equal);
  dp->by_in = g_hash_table_new(g_direct_hash, g_direct_equal);
  dp->expiries = g_array_new(FALSE, FALSE, sizeof(EpSaExpiry));
  dp->obuf = g_malloc(OBUF_LEN);
  dp->ibuf = g_malloc(OBUF_LEN);
  dp->cbuf = g_malloc(OBUF_LEN);
  for (int d = 0; d < 2; d++)
    ep_bucket_init(&dp->agg[d], cfg->aggregate_bps, 0, 8u * MAX_PKT, now(dp));
  for (unsigned i = 0; i < cfg->n_local_prefixes; i++)
    ep_dp_route_add(dp, cfg->local_prefixes[i], EP_ROUTE_LOCAL, -1);
  return dp;
}

static void tunnel_free(Tunnel *t)
{
  for (guint i = 0; i < t->children->len; i++) {
    Child *c = g_ptr_array_index(t->children, i);
    g_free(c->sel);
    g_free(c);
  }
  g_ptr_array_unref(t->children);
  g_ptr_array_unref(t->pairs); /* frees the Pair structs */
  g_free(t->name);
  g_free(t);
}

void ep_dp_free(EpDp *dp)
{
  if (!dp)
    return;
  if (dp->timer && dp->env.timer_cancel)
    dp->env.timer_cancel(dp->env.user, dp->timer);
  if (dp->expiry_timer && dp->env.timer_cancel)
    dp->env.timer_cancel(dp->env.user, dp->expiry_timer);
  g_array_unref(dp->expiries);
  for (guint i = 0; i < dp->tunnels->len; i++)
    tunnel_free(g_ptr_array_index(dp->tunnels, i));
  g_hash_table_destroy(dp->tunnel_by_name); /* borrowed the names */
  g_ptr_array_unref(dp->tunnels);
  g_array_unref(dp->routes);
  g_hash_table_unref(dp->by_in);
  esp_sad_free(dp->sad); /* frees every SA (keys wiped by esp_sa_free) */
  g_free(dp->obuf);
  g_free(dp->ibuf);
  g_free(dp->cbuf);
  g_free(dp->node);
  g_free(dp);
}

static void on_tick(void *arg)
{
  EpDp *dp = arg;
  dp->timer = 0;
  esp_sad_tick(dp->sad, now(dp));
  if (dp->env.timer_add)
    dp->timer = dp->env.timer_add(dp->env.user, NS_PER_S, on_tick, dp);
}

void ep_dp_start(EpDp *dp)
{
  if (!dp->timer && dp->env.timer_add)
    dp->timer = dp->env.timer_add(dp->env.user, NS_PER_S, on_tick, dp);
}

static Tunnel *tun(const EpDp *dp, int i)
{
  if (i < 0 || (guint)i >= dp->tunnels->len)
    return NULL;
  return g_ptr_array_index(dp->tunnels, i);
}

int ep_dp_tunnel_add(EpDp *dp, const EpDpTunnelConfig *cfg)
{
  g_return_val_if_fail(cfg->n_remote_prefixes <= EP_DP_MAX_PREFIXES, -1);
  g_return_val_if_fail(cfg->n_selectors <= EP_DP_MAX_SELECTORS, -1);
  Tunnel *t = g_new0(Tunnel, 1);
  t->cfg = *cfg;
  t->name = g_strdup(cfg->name ? cfg->name : "");
  t->cfg.name = t->name;
  t->peer = cfg->remote_public;
  if (cfg->local_public.v && cfg->local_public.v != dp->cfg.public_ip.v)
    dp->alt_local = cfg->local_public;
  t->children = g_ptr_array_new();
  t->pairs = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(dp->tunnels, t);
  int idx = (int)dp->tunnels->len - 1;
  t->index = idx;
  if (!g_hash_table_contains(dp->tunnel_by_name, t->name))
    g_hash_table_insert(dp->tunnel_by_name, t->name, GINT_TO_POINTER(idx + 1));
  for (unsigned i = 0; i < cfg->n_remote_prefixes; i++)
    ep_dp_route_add(dp, cfg->remote_prefixes[i], EP_ROUTE_TUNNEL, idx);
  return idx;
}

unsigned ep_dp_n_tunnels(const EpDp *dp)
{
  return dp->tunnels->len;
}

int ep_dp_tunnel_find(const EpDp *dp, const char *name)
{
  if (!name)
    return -1; /* every tunnel has a name ("" at least) */
  return GPOINTER_TO_INT(g_hash_table_lookup(dp->tunnel_by_name, name)) - 1;
}

const char *ep_dp_tunnel_name(const EpDp *dp, int tunnel)
{
  Tunnel *t = tun(dp, tunnel);
  return t ? t->name : NULL;
}

const EpDpEventTypes *ep_dp_event_types(const EpDp *dp)
{
  return dp->cfg.events;
}

bool ep_dp_tunnel_up(const EpDp *dp, int tunnel)
{
  Tunnel *t = tun(dp, tunnel);
  return t && t->up;
}

/* ---- routes ---- */

void ep_dp_route_add(EpDp *dp, Ipv4Prefix p, EpRouteKind kind, int tunnel)
{
  Route r = {.p = ipv4_prefix_make(p.addr, p.len), .kind = kind,
             .tunnel = kind == EP_ROUTE_TUNNEL ? tunnel : -1};
  /* keep longest first; equal lengths in insertion order: after every route as long or
   * longer */
  guint at = 0;
  for (unsigned len = r.p.len; len <= 32; len++)
    at += dp->n_routes_len[len];
  g_array_insert_val(dp->routes, at, r);
  dp->n_routes_len[r.p.len]++;
}

bool ep_dp_route_remove(EpDp *dp, Ipv4Prefix p, EpRouteKind kind, int tunnel)
{
  p = ipv4_prefix_make(p.addr, p.len);
  for (guint i = 0; i < dp->routes->len; i++) {
    const Route *r = &g_array_index(dp->routes, Route, i);
    if (r->p.addr.v == p.addr.v && r->p.len == p.len && r->kind == kind &&
        (kind != EP_ROUTE_TUNNEL || r->tunnel == tunnel)) {
      dp->n_routes_len[p.len]--;
      g_array_remove_index(dp->routes, i);
      return true;
    }
  }
  return false;
}

EpRouteKind ep_dp_route_lookup(const EpDp *dp, Ipv4Addr dst, int *tunnel)
{
  *tunnel = -1;
  int best = -1, first = -1;
  for (guint i = 0; i < dp->routes->len; i++) {
    const Route *r = &g_array_index(dp->routes, Route, i);
    if (best >= 0 && r->p.len < best)
      break; /* only equally specific alternatives of the best match are looked at */
    if (!ipv4_prefix_contains_addr(r->p, dst))
      continue;
    best = r->p.len;
    if (r->kind == EP_ROUTE_LOCAL)
      return EP_ROUTE_LOCAL;
    if (tun(dp, r->tunnel)->up) {
      *tunnel = r->tunnel;
      return EP_ROUTE_TUNNEL;
    }
    if (first < 0)
      first = r->tunnel;
  }
  if (first < 0)
    return EP_ROUTE_NONE;
  *tunnel = first; /* routed to a tunnel that is down: the caller counts the drop */
  return EP_ROUTE_TUNNEL;
}

/* ---- child SAs ---- */

static size_t compute_max_inner(const EpDp *dp, const Pair *p)
{
  size_t hdr = INET_IPV4_HDR_LEN + (p->udp_encap ? ESP_NATT_UDP_LEN : 0);
  size_t pmtu = dp->cfg.path_mtu;
  if (pmtu <= hdr + ESP_HEADER_LEN)
    return 0;
  size_t n = MIN(pmtu - hdr - ESP_HEADER_LEN, (size_t)MAX_PKT);
  /* esp_sa_encap_len grows with n: step down to the largest n that fits */
  while (n > 0 && hdr + esp_sa_encap_len(p->out, n) > pmtu)
    n--;
  return MIN(n, (size_t)dp->cfg.tunnel_mtu);
}

EpAlgSet ep_dp_algset(IkeEncrId encr)
{
  switch (encr) {
  case ENCR_AES_GCM_8:
  case ENCR_AES_GCM_12:
  case ENCR_AES_GCM_16:
  case ENCR_NULL_AUTH_AES_GMAC:
    return EP_ALGSET_GCMAES256;
  case ENCR_3DES:
  case ENCR_DES:
  case ENCR_DES_IV64:
  case ENCR_DES_IV32:
    return EP_ALGSET_DES3_SHA256;
  default:
    return EP_ALGSET_AES256_SHA256;
  }
}

/* Per-tunnel buckets follow the algorithm set of the SA carrying its traffic. */
static void tunnel_caps(EpDp *dp, Tunnel *t, const EspSaConfig *out)
{
  EpAlgSet a = ep_dp_algset(out->encr);
  if (t->shaped_set && a == t->algset)
    return;
  t->shaped_set = true;
  t->algset = a;
  for (int d = 0; d < 2; d++) {
    ep_bucket_init(&t->bps[d], dp->cfg.tunnel_bps[a], 0, 8u * MAX_PKT, now(dp));
    ep_bucket_init(&t->pps[d], dp->cfg.tunnel_pps[a], 0, 1, now(dp));
  }
}

static Pair *pair_by_in_spi(Tunnel *t, uint32_t spi)
{
  for (guint i = 0; i < t->pairs->len; i++) {
    Pair *p = g_ptr_array_index(t->pairs, i);
    if (p->in_spi == spi)
      return p;
  }
  return NULL;
}

static void set_up(EpDp *dp, Tunnel *t, bool up, const char *reason)
{
  if (t->up == up)
    return;
  t->up = up;
  VsEvent ev = ev_new(dp, up ? dp->cfg.events->tunnel_connected : dp->cfg.events->tunnel_disconnected);
  vs_event_str(&ev, "tunnel", t->name);
  if (!up)
    vs_event_str(&ev, "reason", reason);
  ev_emit(dp, &ev);
  if (dp->env.tunnel_state)
    dp->env.tunnel_state(dp->env.user, t->index, up);
}

static void sa_event(EpDp *dp, const char *type, Tunnel *t, const Pair *p, const char *k,
                     const char *v)
{
  VsEvent ev = ev_new(dp, type);
  vs_event_str(&ev, "tunnel", t->name);
  vs_event_hex(&ev, "spi_in", p->in_spi);
  vs_event_hex(&ev, "spi_out", p->out_spi);
  if (k)
    vs_event_str(&ev, k, v);
  vs_event_uint(&ev, "qm_sa_count", t->m.qm_sa_count);
  ev_emit(dp, &ev);
}

static bool any_current(const Tunnel *t)
{
  for (guint i = 0; i < t->children->len; i++)
    if (((Child *)g_ptr_array_index(t->children, i))->current)
      return true;
  return false;
}

bool ep_dp_sa_install(EpDp *dp, int tunnel, const EpChildSaPair *pair, const char **why)
{
  const char *dummy;
  if (!why)
    why = &dummy;
  Tunnel *t = tun(dp, tunnel);
  if (!t) {
    *why = "no such tunnel";
    return false;
  }
  Child *child = NULL;
  if (pair->replaces_in_spi) {
    Pair *old = pair_by_in_spi(t, pair->replaces_in_spi);
    if (!old) {
      *why = "the SA pair to rekey is not installed";
      return false;
    }
    child = old->child;
  }
  if (pair->n_selectors > EP_DP_MAX_SELECTORS) {
    *why = "too many selectors";
    return false;
  }
  if (esp_sad_get_in(dp->sad, pair->in.spi)) {
    *why = "inbound SPI already in use";
    return false;
  }
  EspSaConfig oc = pair->out, ic = pair->in;
  oc.dir = ESP_DIR_OUT;
  ic.dir = ESP_DIR_IN;
  oc.tunnel_src = tunnel_local(dp, t);
  oc.tunnel_dst = t->peer;
  ic.tunnel_src = t->peer;
  ic.tunnel_dst = tunnel_local(dp, t);
  if (dp->env.drbg)
    drbg_bytes(dp->env.drbg, oc.iv_seed, sizeof oc.iv_seed);
  EspSa *out = esp_sa_new(&oc, why);
  if (!out)
    return false;
  EspSa *in = esp_sa_new(&ic, why);
  if (!in) {
    esp_sa_free(out);
    return false;
  }
  int64_t t_ns = now(dp);
  if (!esp_sad_add_take(dp->sad, in, t_ns)) {
    esp_sa_free(out);
    *why = "inbound SPI already in use";
    return false;
  }
  esp_sad_add_take(dp->sad, out, t_ns); /* outbound SAs are never refused */
  bool fresh = child == NULL;
  if (fresh) {
    child = g_new0(Child, 1);
    if (pair->selectors && pair->n_selectors) {
      child->sel = g_memdup2(pair->selectors, pair->n_selectors * sizeof(EpSelector));
      child->n_sel = pair->n_selectors;
    } else {
      child->sel = g_memdup2(t->cfg.selectors, t->cfg.n_selectors * sizeof(EpSelector));
      child->n_sel = t->cfg.n_selectors;
    }
    g_ptr_array_add(t->children, child);
  }
  Pair *p = g_new0(Pair, 1);
  *p = (Pair){.out = out, .in = in, .out_spi = oc.spi, .in_spi = ic.spi, .child = child,
              .udp_encap = pair->udp_encap, .sport = pair->sport, .dport = pair->dport,
              .tunnel = tunnel};
  p->max_inner = compute_max_inner(dp, p);
  if (t->mtu_cap && t->mtu_cap < p->max_inner) {
    p->max_inner = t->mtu_cap;
    VsEvent ev = ev_new(dp, EP_IMPAIR_EV_APPLIED);
    vs_event_str(&ev, "tunnel", t->name);
    vs_event_str(&ev, "what", "tunnelMtu");
    vs_event_uint(&ev, "mtu", t->mtu_cap);
    vs_event_hex(&ev, "spi", ic.spi);
    ev_emit(dp, &ev);
  }
  g_ptr_array_add(t->pairs, p);
  g_hash_table_insert(dp->by_in, in, p);
  t->m.qm_sa_count = t->pairs->len;
  sa_event(dp, dp->cfg.events->sa_installed, t, p, "rekey", fresh ? "no" : "yes");
  if (fresh) {
    /* a new child carries traffic at once */
    child->current = p;
    tunnel_caps(dp, t, &oc);
    set_up(dp, t, true, NULL);
  }
  return true;
}

bool ep_dp_sa_switch(EpDp *dp, int tunnel, uint32_t in_spi)
{
  Tunnel *t = tun(dp, tunnel);
  Pair *p = t ? pair_by_in_spi(t, in_spi) : NULL;
  if (!p)
    return false;
  p->child->current = p;
  EspSaConfig c = {.encr = esp_sa_encr(p->out)->id};
  tunnel_caps(dp, t, &c);
  sa_event(dp, dp->cfg.events->sa_switched, t, p, NULL, NULL);
  return true;
}

/* Unlink and free a pair (its SAs stay in the SAD for the caller to remove). */
static void pair_remove(EpDp *dp, Tunnel *t, Pair *p)
{
  Child *c = p->child;
  bool was_current = c->current == p;
  g_hash_table_remove(dp->by_in, p->in);
  g_ptr_array_remove(t->pairs, p); /* frees p */
  t->m.qm_sa_count = t->pairs->len;
  Pair *other = NULL; /* the newest pair left in the child */
  for (guint i = t->pairs->len; i-- > 0 && !other;) {
    Pair *q = g_ptr_array_index(t->pairs, i);
    if (q->child == c)
      other = q;
  }
  if (!other) {
    g_ptr_array_remove(t->children, c);
    g_free(c->sel);
    g_free(c);
  } else if (was_current) {
    /* the child's outbound SA went away before a switch (the rekey's responder, when
     * the initiator deletes the old pair): its newest pair takes over, and the caps
     * follow its algorithm set as after ep_dp_sa_switch */
    c->current = other;
    tunnel_caps(dp, t, &(EspSaConfig){.encr = esp_sa_encr(other->out)->id});
  }
}

bool ep_dp_sa_delete(EpDp *dp, int tunnel, uint32_t in_spi, const char *reason)
{
  Tunnel *t = tun(dp, tunnel);
  Pair *p = t ? pair_by_in_spi(t, in_spi) : NULL;
  if (!p)
    return false;
  Pair copy = *p;
  EspSa *out = p->out, *in = p->in;
  pair_remove(dp, t, p); /* frees p */
  esp_sad_remove(dp->sad, out);
  esp_sad_remove(dp->sad, in);
  sa_event(dp, dp->cfg.events->sa_deleted, t, &copy, "reason", reason);
  if (!any_current(t))
    set_up(dp, t, false, reason);
  return true;
}

void ep_dp_tunnel_down(EpDp *dp, int tunnel, const char *reason)
{
  Tunnel *t = tun(dp, tunnel);
  if (!t)
    return;
  while (t->pairs->len > 0) {
    Pair *p = g_ptr_array_index(t->pairs, t->pairs->len - 1);
    ep_dp_sa_delete(dp, tunnel, p->in_spi, reason);
  }
  set_up(dp, t, false, reason);
}

void ep_dp_set_mm_sa_count(EpDp *dp, int tunnel, unsigned n)
{
  Tunnel *t = tun(dp, tunnel);
  if (t)
    t->m.mm_sa_count = n;
}

bool ep_dp_tunnel_set_peer(EpDp *dp, int tunnel, Ipv4Addr addr, uint16_t port)
{
  Tunnel *t = tun(dp, tunnel);
  if (!t)
    return false;
  t->peer = addr;
  for (guint i = 0; i < t->pairs->len; i++) {
    Pair *p = g_ptr_array_index(t->pairs, i);
    if (p->udp_encap)
      p->dport = port;
  }
  return true;
}

bool ep_dp_tunnel_peer(const EpDp *dp, int tunnel, Ipv4Addr *addr, uint16_t *port)
{
  Tunnel *t = tun(dp, tunnel);
  if (!t)
    return false;
  *addr = t->peer;
  *port = 0;
  for (guint i = 0; i < t->children->len && !*port; i++) {
    const Child *c = g_ptr_array_index(t->children, i);
    if (c->current && c->current->udp_encap)
      *port = c->current->dport;
  }
  return true;
}

void ep_dp_tunnel_impair_no_transit(EpDp *dp, int tunnel)
{
  Tunnel *t = tun(dp, tunnel);
  if (t)
    t->no_transit = true;
}

void ep_dp_tunnel_impair_fragment(EpDp *dp, int tunnel)
{
  Tunnel *t = tun(dp, tunnel);
  if (t)
    t->frag_inner = true;
}

void ep_dp_tunnel_impair_mtu(EpDp *dp, int tunnel, uint32_t mtu)
{
  Tunnel *t = tun(dp, tunnel);
  if (t)
    t->mtu_cap = mtu;
}

void ep_dp_tunnel_impair_icv(EpDp *dp, int tunnel, uint32_t nth)
{
  Tunnel *t = tun(dp, tunnel);
  if (!t)
    return;
  t->bad_icv = true;
  t->bad_icv_nth = nth;
  t->bad_icv_seen = 0;
}

void ep_dp_tunnel_set_expiry_hook(EpDp *dp, int tunnel, EpSaExpiryFn fn, void *user)
{
  Tunnel *t = tun(dp, tunnel);
  g_return_if_fail(t && (!fn || dp->env.timer_add));
  t->expiry_fn = fn;
  t->expiry_user = fn ? user : NULL;
}

/* The lifetimes crossed since the last call, to each tunnel's hook. A hook may delete
 * and install pairs, and cross no limit itself (it sends no ESP), so the list is taken
 * whole first. */
static void expiries_fire(void *arg)
{
  EpDp *dp = arg;
  dp->expiry_timer = 0;
  GArray *list = dp->expiries;
  dp->expiries = g_array_new(FALSE, FALSE, sizeof(EpSaExpiry));
  for (guint i = 0; i < list->len; i++) {
    const EpSaExpiry *x = &g_array_index(list, EpSaExpiry, i);
    Tunnel *t = tun(dp, x->tunnel);
    if (t && t->expiry_fn)
      t->expiry_fn(t->expiry_user, x);
  }
  g_array_unref(list);
}

static void on_sad_event(void *user, const EspEvent *e)
{
  EpDp *dp = user;
  /* find the tunnel and pair of the SA */
  for (guint i = 0; i < dp->tunnels->len; i++) {
    Tunnel *t = g_ptr_array_index(dp->tunnels, i);
    for (guint k = 0; k < t->pairs->len; k++) {
      Pair *p = g_ptr_array_index(t->pairs, k);
      if ((e->dir == ESP_DIR_IN ? p->in_spi : p->out_spi) != e->spi)
        continue;
      VsEvent ev = ev_new(dp, dp->cfg.events->sa_expired);
      vs_event_str(&ev, "tunnel", t->name);
      vs_event_hex(&ev, "spi", e->spi);
      vs_event_str(&ev, "dir", e->dir == ESP_DIR_IN ? "in" : "out");
      vs_event_str(&ev, "kind", name_get(&esp_event_names, e->type));
      ev_emit(dp, &ev);
      if (!t->expiry_fn)
        return;
      /* RFC 7296 2.8: a soft limit starts a rekey, a hard one ends the SA; the SAD is in
       * the middle of a packet here, so the IKE side hears of it right after */
      EpSaExpiry x = {.tunnel = (int)i, .spi = e->spi, .dir = e->dir, .in_spi = p->in_spi,
                      .out_spi = p->out_spi, .life = e->life};
      x.kind = e->type == ESP_EV_HARD_EXPIRE   ? EP_SA_HARD_EXPIRED
               : e->type == ESP_EV_SOFT_EXPIRE ? EP_SA_SOFT_EXPIRED
                                               : EP_SA_SEQ_EXHAUSTED;
      g_array_append_val(dp->expiries, x);
      if (!dp->expiry_timer)
        dp->expiry_timer = dp->env.timer_add(dp->env.user, 0, expiries_fire, dp);
      return;
    }
  }
}

/* ---- caps ---- */

/* EP_DROP__COUNT when the packet passes every bucket (then tokens are taken). */
static EpDropReason shape(EpDp *dp, Tunnel *t, int dir, size_t inner_len)
{
  int64_t t_ns = now(dp);
  uint64_t bits = 8u * (uint64_t)inner_len;
  if (t->shaped_set) {
    if (!ep_bucket_can(&t->pps[dir], t_ns, 1))
      return EP_DROP_TUNNEL_PPS;
    if (!ep_bucket_can(&t->bps[dir], t_ns, bits))
      return EP_DROP_TUNNEL_BPS;
  }
  if (!ep_bucket_can(&dp->agg[dir], t_ns, bits))
    return EP_DROP_AGGREGATE_BPS;
  if (t->shaped_set) {
    ep_bucket_take(&t->pps[dir], 1);
    ep_bucket_take(&t->bps[dir], bits);
  }
  ep_bucket_take(&dp->agg[dir], bits);
  return EP_DROP__COUNT;
}

/* ---- outbound ---- */

static bool sel_covers(const EpSelector *s, unsigned n, Ipv4Addr local, Ipv4Addr remote)
{
  for (unsigned i = 0; i < n; i++)
    if (ipv4_range_contains_addr(s[i].local, local) && ipv4_range_contains_addr(s[i].remote, remote))
      return true;
  return false;
}

/* RFC 1122 3.2.2: no ICMP error about an ICMP error message. */
static bool is_icmp_error(const uint8_t *pkt, size_t len, const InetIpv4Header *h)
{
  if (h->proto != INET_PROTO_ICMP || len <= h->ihl_bytes)
    return false;
  WireReader r = wire_reader(pkt + h->ihl_bytes, len - h->ihl_bytes);
  uint8_t type = wire_get_u8(&r, "ICMP type");
  /* RFC 792 errors: destination unreachable, source quench, redirect, time exceeded,
   * parameter problem */
  return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED || type == 4 || type == 5 ||
         type == 12;
}

static bool route_out(EpDp *dp, const uint8_t *pkt, size_t len, int from_tunnel);

/* Tunnel Peak PPS: packets both ways per whole second of simulated time. */
static void count_pps(EpDp *dp, Tunnel *t)
{
  int64_t sec = now(dp) / NS_PER_S;
  if (sec != t->pps_second || t->pps_count == 0) {
    t->pps_second = sec;
    t->pps_count = 0;
  }
  t->pps_count++;
  t->m.peak_pps = MAX(t->m.peak_pps, t->pps_count);
}

/* TCP MSS clamping on a SYN (RFC 9293 3.2 option layout: kind 2, length 4, MSS; RFC 6691
 * on clamping). With apply false it only tells whether the MSS option is above clamp;
 * with apply true it lowers it and updates the TCP checksum incrementally (RFC 1624 3:
 * HC' = ~(~HC + ~m + m')). Unreadable TCP headers are left alone. */
static bool mss_clamp(uint8_t *pkt, const InetIpv4Header *h, uint16_t clamp, bool apply)
{
  if (h->proto != INET_PROTO_TCP || h->mf || h->frag_offset)
    return false;
  WireReader r = wire_reader(pkt, h->total_len);
  wire_skip(&r, h->ihl_bytes, "IPv4 header");
  wire_skip(&r, 12, "TCP ports, sequence and acknowledgment numbers");
  unsigned doff = wire_get_u8(&r, "data offset") >> 4;
  uint8_t flags = wire_get_u8(&r, "flags");
  size_t ck_at = wire_offset(&r) + 2;
  wire_skip(&r, 6, "window, checksum, urgent pointer");
  if (!wire_ok(&r) || !(flags & 0x02) || doff < 5) /* SYN only */
    return false;
  WireReader o = wire_sub(&r, (size_t)doff * 4 - 20, "TCP options");
  while (wire_ok(&o) && wire_left(&o) > 0) {
    uint8_t kind = wire_get_u8(&o, "option kind");
    if (kind == 0) /* end of option list */
      break;
    if (kind == 1) /* no-operation */
      continue;
    uint8_t olen = wire_get_u8(&o, "option length");
    if (!wire_ok(&o) || olen < 2)
      return false;
    if (kind == 2 && olen == 4) {
      size_t at = wire_offset(&o);
      uint16_t mss = wire_get_u16(&o, "MSS");
      if (!wire_ok(&o) || mss <= clamp)
        return false;
      if (apply) {
        uint32_t sum = (uint32_t)(uint16_t)~wire_load_be16(pkt + ck_at) + (uint16_t)~mss + clamp;
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        wire_store_be16(pkt + ck_at, (uint16_t)~sum);
        wire_store_be16(pkt + at, clamp);
      }
      return true;
    }
    wire_skip(&o, olen - 2u, "option data");
  }
  return false;
}

/* RFC 1191 4: "fragmentation needed and DF set" with the next-hop MTU, toward the sender,
 * from our inside address. */
static void send_frag_needed(EpDp *dp, Tunnel *t, const uint8_t *pkt, size_t len,
                             const InetIpv4Header *h, size_t mtu)
{
  if (is_icmp_error(pkt, len, h) || h->frag_offset != 0)
    return; /* RFC 1122 3.2.2: not about ICMP errors, nor about non-initial fragments */
  uint8_t buf[INET_IPV4_HDR_LEN + 8 + 60 + 8];
  WireWriter w;
  wire_writer_init_fixed(&w, buf, sizeof buf);
  inet_icmp_frag_needed_packet(&w, dp->cfg.inside_ip, dp->ip_id++, pkt, len, (uint16_t)mtu);
  if (!wire_writer_ok(&w))
    return;
  t->m.icmp_frag_needed++;
  dp->m.total.icmp_frag_needed++;
  route_out(dp, w.buf, w.len, -2);
}

static bool tunnel_tx(EpDp *dp, int ti, const uint8_t *pkt, size_t len,
                      const InetIpv4Header *h);

/* Impairment (EP_IMPAIR_FRAGMENT): an inner packet too big for the SA pair is cut into
 * RFC 791 fragments of at most max_inner octets, its DF bit ignored, and each is
 * encapsulated (what Azure does not do, facts 10). False when none was sent. */
static bool tunnel_tx_fragments(EpDp *dp, int ti, Tunnel *t, const uint8_t *pkt, size_t len,
                                const InetIpv4Header *h, size_t max_inner)
{
  size_t hl = h->ihl_bytes, total = h->total_len <= len ? h->total_len : len;
  if (total <= hl || max_inner < INET_IPV4_HDR_LEN + 8)
    return false;
  if (!t->frag_inner_told) {
    t->frag_inner_told = true;
    VsEvent ev = ev_new(dp, EP_IMPAIR_EV_APPLIED);
    vs_event_str(&ev, "tunnel", t->name);
    vs_event_str(&ev, "what", "fragmentInner");
    ev_emit(dp, &ev);
  }
  /* the packet may live in a buffer the encapsulation reuses */
  g_autofree uint8_t *orig = g_memdup2(pkt, total);
  g_autofree uint8_t *buf = g_malloc(max_inner);
  size_t chunk = (max_inner - INET_IPV4_HDR_LEN) & ~(size_t)7, off = 0;
  bool any = false;
  while (hl + off < total) {
    size_t n = total - hl - off;
    bool more = n > chunk;
    if (more)
      n = chunk;
    InetIpv4Header fh = *h;
    fh.ihl_bytes = INET_IPV4_HDR_LEN; /* options are not copied (RFC 791: only some are) */
    fh.df = false;
    fh.mf = more || h->mf;
    fh.frag_offset = (uint16_t)(h->frag_offset + off / 8);
    fh.total_len = (uint16_t)(INET_IPV4_HDR_LEN + n);
    WireWriter w;
    wire_writer_init_fixed(&w, buf, max_inner);
    inet_ipv4_encode(&w, &fh);
    wire_put_bytes(&w, orig + hl + off, n);
    if (wire_writer_ok(&w))
      any |= tunnel_tx(dp, ti, w.buf, w.len, &fh);
    off += n;
  }
  return any;
}

/* Encapsulate into tunnel t and send. */
static bool tunnel_tx(EpDp *dp, int ti, const uint8_t *pkt, size_t len,
                      const InetIpv4Header *h)
{
  Tunnel *t = tun(dp, ti);
  Child *c = NULL;
  for (guint i = 0; i < t->children->len && !c; i++) {
    Child *k = g_ptr_array_index(t->children, i);
    if (!k->current)
      continue;
    if (!t->cfg.policy_based || sel_covers(k->sel, k->n_sel, h->src, h->dst))
      c = k;
  }
  if (!c) {
    drop(dp, t, t->up ? EP_DROP_NO_SA : EP_DROP_TUNNEL_DOWN, ESP_OK, NULL);
    if (dp->env.acquire)
      dp->env.acquire(dp->env.user, ti, h->src, h->dst);
    return false;
  }
  Pair *p = c->current;
  if (len > p->max_inner && t->frag_inner)
    return tunnel_tx_fragments(dp, ti, t, pkt, len, h, p->max_inner);
  if (len > p->max_inner) {
    drop(dp, t, EP_DROP_TOO_BIG, ESP_OK, NULL);
    send_frag_needed(dp, t, pkt, len, h, p->max_inner);
    return false;
  }
  EpDropReason r = shape(dp, t, DIR_EGRESS, len);
  if (r != EP_DROP__COUNT) {
    drop(dp, t, r, ESP_OK, NULL);
    return false;
  }
  InetIpv4Header eh;
  if (t->edge_fn) { /* the owner's rewrite (NAT): on a copy unless it is ours already */
    if (pkt != dp->ibuf && pkt != dp->cbuf) {
      memcpy(dp->cbuf, pkt, len);
      pkt = dp->cbuf;
    }
    if (!t->edge_fn(t->edge_user, ti, true, (uint8_t *)pkt, len))
      return false;
    WireReader er = wire_reader(pkt, len);
    if (inet_ipv4_decode(&er, &eh) != WIRE_OK)
      return false;
    h = &eh;
  }
  if (dp->cfg.mss_clamp && mss_clamp((uint8_t *)pkt, h, dp->cfg.mss_clamp, false)) {
    if (pkt != dp->ibuf && pkt != dp->cbuf) { /* the caller's packet is read-only: change a copy */
      memcpy(dp->cbuf, pkt, len);
      pkt = dp->cbuf;
    }
    mss_clamp((uint8_t *)pkt, h, dp->cfg.mss_clamp, true);
    t->m.mss_clamped++;
    dp->m.total.mss_clamped++;
  }
  size_t hdr = INET_IPV4_HDR_LEN + (p->udp_encap ? ESP_NATT_UDP_LEN : 0);
  size_t esp_len = 0;
  EspStatus s = esp_sad_tx(dp->sad, now(dp), p->out, pkt, len, dp->obuf + hdr, OBUF_LEN - hdr,
                           &esp_len);
  if (s != ESP_OK) {
    drop(dp, t, EP_DROP_ESP, s, "encapsulate");
    return false;
  }
  if (t->bad_icv) {
    uint32_t nth = ++t->bad_icv_seen;
    if (!t->bad_icv_nth || nth == t->bad_icv_nth) {
      /* the ICV is the last octets of the ESP packet (RFC 4303 2); for GCM, the tag */
      dp->obuf[hdr + esp_len - 1] ^= 0x01;
      VsEvent ev = ev_new(dp, EP_IMPAIR_EV_APPLIED);
      vs_event_str(&ev, "tunnel", t->name);
      vs_event_str(&ev, "what", "espBadIcv");
      vs_event_uint(&ev, "nth", nth);
      vs_event_hex(&ev, "spi", esp_sa_spi(p->out));
      ev_emit(dp, &ev);
    }
  }
  WireWriter w;
  wire_writer_init_fixed(&w, dp->obuf, hdr);
  InetIpv4Header oh = {.ihl_bytes = INET_IPV4_HDR_LEN, .total_len = (uint16_t)(hdr + esp_len),
                       .id = dp->ip_id++, .df = true, .ttl = 64,
                       .proto = p->udp_encap ? INET_PROTO_UDP : INET_PROTO_ESP,
                       .src = tunnel_local(dp, t), .dst = t->peer};
  inet_ipv4_encode(&w, &oh);
  if (p->udp_encap)
    esp_natt_encode_esp(&w, p->sport, p->dport, esp_len); /* RFC 3948 2.1: checksum 0 */
  g_assert(wire_writer_ok(&w) && w.len == hdr);
  EpOuterPacket op = {.packet = dp->obuf, .len = hdr + esp_len, .src = oh.src, .dst = oh.dst,
                      .proto = oh.proto, .sport = p->udp_encap ? p->sport : 0,
                      .dport = p->udp_encap ? p->dport : 0, .esp = dp->obuf + hdr,
                      .esp_len = esp_len};
  count_pps(dp, t);
  t->m.egress_packets++;
  t->m.egress_bytes += op.len;
  t->m.egress_inner_bytes += len;
  dp->m.total.egress_packets++;
  dp->m.total.egress_bytes += op.len;
  dp->m.total.egress_inner_bytes += len;
  dp->env.send_outer(dp->env.user, &op);
  return true;
}

/* Route an inner packet: from the inside (from_tunnel -1), from a tunnel after decryption
 * (its index), or originated here (-2: ICMP errors). */
static bool route_out(EpDp *dp, const uint8_t *pkt, size_t len, int from_tunnel)
{
  WireReader r = wire_reader(pkt, len);
  InetIpv4Header h;
  Tunnel *src_t = tun(dp, from_tunnel);
  if (inet_ipv4_decode(&r, &h) != WIRE_OK || h.total_len != len) {
    drop(dp, src_t, EP_DROP_INNER_MALFORMED, ESP_OK, r.diag.field);
    return false;
  }
  int ti;
  EpRouteKind k = ep_dp_route_lookup(dp, h.dst, &ti);
  if (k == EP_ROUTE_LOCAL && from_tunnel != -1) {
    dp->env.deliver_inner(dp->env.user, pkt, len);
    return true;
  }
  if (k == EP_ROUTE_TUNNEL && ti != from_tunnel && from_tunnel >= 0) {
    /* an impaired gateway that does not route between its tunnels */
    Tunnel *dst_t = tun(dp, ti);
    Tunnel *imp = src_t && src_t->no_transit ? src_t : dst_t && dst_t->no_transit ? dst_t : NULL;
    if (imp) {
      if (!imp->no_transit_told) {
        imp->no_transit_told = true;
        VsEvent ev = ev_new(dp, EP_IMPAIR_EV_APPLIED);
        vs_event_str(&ev, "tunnel", imp->name);
        vs_event_str(&ev, "what", "noTransit");
        ev_emit(dp, &ev);
      }
      drop(dp, src_t, EP_DROP_NO_ROUTE, ESP_OK, "no transit (impaired)");
      return false;
    }
  }
  if (k == EP_ROUTE_TUNNEL && ti != from_tunnel &&
      (from_tunnel < 0 || !src_t->cfg.policy_based)) /* facts 3.4: no transit for PB */
    return tunnel_tx(dp, ti, pkt, len, &h);
  drop(dp, src_t, EP_DROP_NO_ROUTE, ESP_OK, NULL);
  return false;
}

bool ep_dp_tx_inner(EpDp *dp, const uint8_t *pkt, size_t len)
{
  return route_out(dp, pkt, len, -1);
}

size_t ep_dp_tunnel_max_inner(const EpDp *dp, int tunnel)
{
  Tunnel *t = tun(dp, tunnel);
  if (!t)
    return 0;
  for (guint i = 0; i < t->children->len; i++) {
    Child *c = g_ptr_array_index(t->children, i);
    if (c->current)
      return c->current->max_inner;
  }
  return 0;
}

void ep_dp_tunnel_set_edge_hook(EpDp *dp, int tunnel, EpEdgeFn fn, void *user)
{
  Tunnel *t = tun(dp, tunnel);
  if (!t)
    return;
  t->edge_fn = fn;
  t->edge_user = user;
}

/* ---- inbound ---- */

/* Where an ESP packet came from: UDP-encapsulated packets carry the source port a NAT
 * gave them (RFC 3948); raw ESP has no port and never moves a tunnel. */
typedef struct {
  bool udp;
  Ipv4Addr src;
  uint16_t sport;
} RxFrom;

static EpRxResult rx_esp(EpDp *dp, const uint8_t *esp, size_t len, size_t outer_len,
                         const RxFrom *from)
{
  /* the header is decoded once, in the SAD; rx.hdr.seq tells the newest packet of an SA
   * (RFC 4303 2.2) and rx.ip is the inner header for the selector check */
  EspRx rx = esp_sad_rx(dp->sad, now(dp), esp, len, dp->ibuf, OBUF_LEN);
  Pair *p = rx.sa ? g_hash_table_lookup(dp->by_in, rx.sa) : NULL;
  Tunnel *t = p ? tun(dp, p->tunnel) : NULL;
  if (rx.status != ESP_OK) {
    drop(dp, t, EP_DROP_ESP, rx.status, rx.diag.field);
    return EP_RX_DROPPED;
  }
  size_t inner_len = rx.inner_len;
  if (!t) { /* an SA not installed through us: cannot happen, but never trust it */
    drop(dp, NULL, EP_DROP_ESP, ESP_ERR_UNKNOWN_SPI, "SA without tunnel");
    return EP_RX_DROPPED;
  }
  /* RFC 7296 2.23: an authenticated packet, the newest of its SA (a replayed or held-back
   * one is never the window's top), from another address or port than the tunnel sends
   * to: the peer's NAT mapping may have changed. A confidentiality-only SA (no ICV,
   * window top stays 0) never gets here with rx.hdr.seq == its top. */
  if (from->udp && p->udp_encap && (from->src.v != t->peer.v || from->sport != p->dport) &&
      rx.hdr.seq != 0 && esp_sa_seq(rx.sa) == rx.hdr.seq && dp->env.peer_moved)
    dp->env.peer_moved(dp->env.user, p->tunnel, from->src, from->sport);
  InetIpv4Header h = rx.ip;
  if (t->edge_fn) { /* the owner's rewrite (NAT) comes before the selector check */
    if (!t->edge_fn(t->edge_user, p->tunnel, false, dp->ibuf, inner_len))
      return EP_RX_DROPPED;
    WireReader er = wire_reader(dp->ibuf, inner_len);
    if (inet_ipv4_decode(&er, &h) != WIRE_OK)
      return EP_RX_DROPPED;
  }
  /* Route-based: the inner source must be behind the connection: some route into this
   * tunnel covers it (its remote prefixes, and later routes learned over it);
   * policy-based: RFC 4301 5.2 step 4, the addresses must match the child's selectors. */
  bool ok = false;
  if (t->cfg.policy_based) {
    ok = sel_covers(p->child->sel, p->child->n_sel, h.dst, h.src);
  } else {
    for (guint i = 0; i < dp->routes->len && !ok; i++) {
      const Route *rt = &g_array_index(dp->routes, Route, i);
      ok = rt->kind == EP_ROUTE_TUNNEL && rt->tunnel == p->tunnel &&
           ipv4_prefix_contains_addr(rt->p, h.src);
    }
  }
  if (!ok) {
    char a[IPV4_ADDR_STRLEN], b[IPV4_ADDR_STRLEN];
    char detail[2 * IPV4_ADDR_STRLEN + 4];
    g_snprintf(detail, sizeof detail, "%s->%s", ipv4_addr_format(h.src, a),
               ipv4_addr_format(h.dst, b));
    drop(dp, t, EP_DROP_TS_MISMATCH, ESP_OK, detail);
    return EP_RX_DROPPED;
  }
  EpDropReason sr = shape(dp, t, DIR_INGRESS, inner_len);
  if (sr != EP_DROP__COUNT) {
    drop(dp, t, sr, ESP_OK, NULL);
    return EP_RX_DROPPED;
  }
  if (dp->cfg.mss_clamp && mss_clamp(dp->ibuf, &h, dp->cfg.mss_clamp, true)) {
    t->m.mss_clamped++;
    dp->m.total.mss_clamped++;
  }
  count_pps(dp, t);
  t->m.ingress_packets++;
  t->m.ingress_bytes += outer_len;
  t->m.ingress_inner_bytes += inner_len;
  dp->m.total.ingress_packets++;
  dp->m.total.ingress_bytes += outer_len;
  dp->m.total.ingress_inner_bytes += inner_len;
  return route_out(dp, dp->ibuf, inner_len, p->tunnel) ? EP_RX_DELIVERED : EP_RX_DROPPED;
}

EpRxResult ep_dp_rx_esp(EpDp *dp, Ipv4Addr src, Ipv4Addr dst, const uint8_t *esp, size_t len)
{
  if (!is_local(dp, dst)) {
    drop(dp, NULL, EP_DROP_NOT_FOR_US, ESP_OK, NULL);
    return EP_RX_DROPPED;
  }
  RxFrom from = {.udp = false, .src = src};
  return rx_esp(dp, esp, len, INET_IPV4_HDR_LEN + len, &from);
}

/* The UDP payload on port 4500 (RFC 3948 2): ESP, IKE after the non-ESP marker, or a
 * keepalive. */
static EpRxResult rx_natt_payload(EpDp *dp, const uint8_t *payload, size_t len, size_t outer_len,
                                  const RxFrom *from)
{
  EspNattKind kind;
  WireDiag diag = {0};
  EspStatus s = esp_natt_classify(payload, len, &kind, &diag);
  if (s != ESP_OK) {
    drop(dp, NULL, EP_DROP_OUTER_MALFORMED, ESP_OK, diag.field);
    return EP_RX_DROPPED;
  }
  switch (kind) {
  case ESP_NATT_KEEPALIVE_PKT:
    dp->m.natt_keepalives++;
    return EP_RX_KEEPALIVE;
  case ESP_NATT_IKE:
    dp->m.ike_datagrams++;
    return EP_RX_IKE;
  case ESP_NATT_ESP:
    break;
  }
  return rx_esp(dp, payload, len, outer_len, from);
}

EpRxResult ep_dp_rx_udp4500(EpDp *dp, Ipv4Addr src, uint16_t sport, const uint8_t *payload,
                            size_t len)
{
  RxFrom from = {.udp = true, .src = src, .sport = sport};
  return rx_natt_payload(dp, payload, len, INET_IPV4_HDR_LEN + ESP_NATT_UDP_LEN + len, &from);
}

EpRxResult ep_dp_rx_outer(EpDp *dp, const uint8_t *pkt, size_t len)
{
  WireReader r = wire_reader(pkt, len);
  InetIpv4Header h;
  if (inet_ipv4_decode(&r, &h) != WIRE_OK) {
    drop(dp, NULL, EP_DROP_OUTER_MALFORMED, ESP_OK, r.diag.field);
    return EP_RX_DROPPED;
  }
  if (!inet_ipv4_checksum_ok(pkt, h.ihl_bytes)) {
    drop(dp, NULL, EP_DROP_OUTER_CHECKSUM, ESP_OK, NULL);
    return EP_RX_DROPPED;
  }
  if (!is_local(dp, h.dst)) {
    drop(dp, NULL, EP_DROP_NOT_FOR_US, ESP_OK, NULL);
    return EP_RX_DROPPED;
  }
  /* facts 10: fragmentation is not supported for ESP packets: never reassembled */
  if (h.mf || h.frag_offset) {
    drop(dp, NULL, EP_DROP_OUTER_FRAGMENT, ESP_OK, NULL);
    return EP_RX_DROPPED;
  }
  size_t plen = h.total_len - h.ihl_bytes;
  const uint8_t *payload = wire_get_bytes(&r, plen, "payload");
  if (!payload) { /* inet_ipv4_decode bounded total_len by the buffer */
    drop(dp, NULL, EP_DROP_OUTER_MALFORMED, ESP_OK, "payload");
    return EP_RX_DROPPED;
  }
  if (h.proto == INET_PROTO_ESP) {
    RxFrom from = {.udp = false, .src = h.src};
    return rx_esp(dp, payload, plen, h.total_len, &from);
  }
  if (h.proto == INET_PROTO_UDP) {
    EspNattDatagram d;
    WireDiag diag = {0};
    if (plen < ESP_NATT_UDP_LEN) {
      drop(dp, NULL, EP_DROP_OUTER_MALFORMED, ESP_OK, "UDP header");
      return EP_RX_DROPPED;
    }
    uint16_t dport = wire_load_be16(payload + 2);
    if (dport != ESP_NATT_PORT) {
      drop(dp, NULL, EP_DROP_NOT_ESP, ESP_OK, "UDP port");
      return EP_RX_DROPPED;
    }
    if (esp_natt_decode(payload, plen, &d, &diag) != ESP_OK) {
      drop(dp, NULL, EP_DROP_OUTER_MALFORMED, ESP_OK, diag.field);
      return EP_RX_DROPPED;
    }
    RxFrom from = {.udp = true, .src = h.src, .sport = d.sport};
    return rx_natt_payload(dp, d.payload, d.payload_len, h.total_len, &from);
  }
  drop(dp, NULL, EP_DROP_NOT_ESP, ESP_OK, "protocol");
  return EP_RX_DROPPED;
}

/* ---- metrics ---- */

const EpTunnelMetrics *ep_dp_tunnel_metrics(const EpDp *dp, int tunnel)
{
  Tunnel *t = tun(dp, tunnel);
  return t ? &t->m : NULL;
}

const EpNodeMetrics *ep_dp_metrics(const EpDp *dp)
{
  return &dp->m;
}

void ep_dp_count_ike_drop(EpDp *dp, IkeDropReason reason)
{
  if (dp && (unsigned)reason < IKE_DROP__COUNT)
    dp->m.ike_drops[reason]++;
}

void ep_dp_emit_metrics(EpDp *dp)
{
  for (guint i = 0; i < dp->tunnels->len; i++) {
    Tunnel *t = g_ptr_array_index(dp->tunnels, i);
    VsEvent ev = ev_new(dp, dp->cfg.events->metrics);
    vs_event_str(&ev, "tunnel", t->name);
    vs_event_uint(&ev, "ingress_bytes", t->m.ingress_bytes);
    vs_event_uint(&ev, "ingress_packets", t->m.ingress_packets);
    vs_event_uint(&ev, "egress_bytes", t->m.egress_bytes);
    vs_event_uint(&ev, "egress_packets", t->m.egress_packets);
    vs_event_uint(&ev, "packet_drop_count", t->m.drop_count);
    vs_event_uint(&ev, "ts_mismatch_drops", t->m.ts_mismatch_drops);
    vs_event_uint(&ev, "mm_sa_count", t->m.mm_sa_count);
    vs_event_uint(&ev, "qm_sa_count", t->m.qm_sa_count);
    vs_event_uint(&ev, "peak_pps", t->m.peak_pps);
    ev_emit(dp, &ev);
  }
}
