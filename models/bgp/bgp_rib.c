/* SPDX-License-Identifier: MIT */
/* The BGP RIB: per prefix the routes of every peer (their Adj-RIB-In entries), the best
 * path set chosen by step-wise elimination (RFC 4271 9.1.2.2 as Azure documents it), and
 * the policy rules table applied on import and export. */
#include "models/bgp/bgp_rib.h"

#include <glib.h>
#include <string.h>

typedef struct {
  Ipv4Prefix prefix;
  GPtrArray *routes; /* BgpRoute *, at most one per peer, owned */
  GPtrArray *best;   /* borrowed from routes, best first */
} Entry;

typedef struct {
  BgpPeerInfo info;
  char *name;
} Peer;

struct BgpRib {
  BgpRibConfig cfg;
  BgpRibEnv env;
  GArray *peers;       /* Peer; id = index + 1 */
  GHashTable *entries; /* prefix key -> Entry * */
};

/* ---- the policy rules ---- */

static bool vnet_equal(const BgpRibConfig *c, Ipv4Prefix p)
{
  for (size_t i = 0; i < c->n_vnet; i++)
    if (ipv4_prefix_equal(c->vnet[i], p))
      return true;
  return false;
}

static bool vnet_overlap(const BgpRibConfig *c, Ipv4Prefix p)
{
  for (size_t i = 0; i < c->n_vnet; i++)
    if (ipv4_prefix_overlaps(c->vnet[i], p))
      return true;
  return false;
}

/* RFC 4271 9.1.2: a route whose AS_PATH holds our own AS is a loop */
static bool rule_as_path_loop(const BgpPolicyInput *in)
{
  return in->from && bgp_as_path_contains(&in->route->attrs.as_path, in->cfg->local_as);
}

/* Azure (facts 5): "prefixes identical to a VNet prefix are rejected" */
static bool rule_vnet_prefix(const BgpPolicyInput *in)
{
  return in->from && vnet_equal(in->cfg, in->route->prefix);
}

/* Azure (facts 5): "The gateway never advertises default routes to other BGP peers" */
static bool rule_no_default(const BgpPolicyInput *in) { return in->route->prefix.len == 0; }

/* Azure (facts 5): learned routes are advertised "except the default route and routes
 * overlapping any VNet prefix" */
static bool rule_vnet_overlap(const BgpPolicyInput *in)
{
  return in->route->peer != BGP_RIB_LOCAL && vnet_overlap(in->cfg, in->route->prefix);
}

/* Sender-side loop prevention: the peer would refuse it (RFC 4271 9.1.2) */
static bool rule_peer_as_in_path(const BgpPolicyInput *in)
{
  return in->to && bgp_as_path_contains(&in->route->attrs.as_path, in->to->asn);
}

static bool rule_split_horizon(const BgpPolicyInput *in)
{
  return in->route->peer != BGP_RIB_LOCAL && in->route->peer == in->to_id;
}

const BgpPolicyRule bgp_policy_rules[BGP_RULE_COUNT] = {
    [BGP_RULE_AS_PATH_LOOP] = {"as-path-loop", BGP_POLICY_IMPORT, rule_as_path_loop},
    [BGP_RULE_VNET_PREFIX] = {"vnet-prefix", BGP_POLICY_IMPORT, rule_vnet_prefix},
    [BGP_RULE_NO_DEFAULT] = {"no-default-route", BGP_POLICY_EXPORT, rule_no_default},
    [BGP_RULE_VNET_OVERLAP] = {"vnet-overlap", BGP_POLICY_EXPORT, rule_vnet_overlap},
    [BGP_RULE_SPLIT_HORIZON] = {"split-horizon", BGP_POLICY_EXPORT, rule_split_horizon},
    [BGP_RULE_PEER_AS_IN_PATH] = {"peer-as-in-path", BGP_POLICY_EXPORT, rule_peer_as_in_path},
};

/* The first rule of 'phase' in force that refuses, or NULL. */
static const char *policy_refuses(const BgpRibConfig *cfg, BgpPolicyPhase phase,
                                  const BgpPolicyInput *in)
{
  for (unsigned i = 0; i < BGP_RULE_COUNT; i++)
    if ((cfg->rules & (1u << i)) && bgp_policy_rules[i].phase == phase &&
        bgp_policy_rules[i].refuses(in))
      return bgp_policy_rules[i].name;
  return NULL;
}

void bgp_rib_config_azure(BgpRibConfig *cfg, uint32_t local_as, Ipv4Addr router_id)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->local_as = local_as;
  cfg->router_id = router_id;
  cfg->ecmp = true;
  cfg->rules = BGP_RULES_ALL;
}

/* ---- peers, entries, events ---- */

static const BgpPeerInfo *peer_info(const BgpRib *r, uint32_t id)
{
  return id && id <= r->peers->len ? &g_array_index(r->peers, Peer, id - 1).info : NULL;
}

static const char *peer_name(const BgpRib *r, uint32_t id)
{
  const BgpPeerInfo *p = peer_info(r, id);
  return p ? p->name : "local";
}

static uint64_t prefix_key(Ipv4Prefix p) { return ((uint64_t)p.addr.v << 8) | p.len; }

static void route_free(gpointer p)
{
  BgpRoute *rt = p;
  bgp_attrs_clear(&rt->attrs);
  g_free(rt);
}

static void entry_free(gpointer p)
{
  Entry *e = p;
  g_ptr_array_unref(e->best);
  g_ptr_array_unref(e->routes);
  g_free(e);
}

static VsEvent ev(const BgpRib *r, const char *type, Ipv4Prefix p, char buf[IPV4_PREFIX_STRLEN])
{
  VsEvent e = vs_event(r->env.now ? r->env.now(r->env.user) : 0, r->env.node, type);
  vs_event_str(&e, "prefix", ipv4_prefix_format(p, buf));
  return e;
}

static Entry *entry_get(BgpRib *r, Ipv4Prefix p, bool create)
{
  uint64_t k = prefix_key(p);
  Entry *e = g_hash_table_lookup(r->entries, &k);
  if (!e && create) {
    e = g_new0(Entry, 1);
    e->prefix = p;
    e->routes = g_ptr_array_new_with_free_func(route_free);
    e->best = g_ptr_array_new();
    g_hash_table_insert(r->entries, g_memdup2(&k, sizeof k), e);
  }
  return e;
}

static BgpRoute *entry_route(const Entry *e, uint32_t peer, guint *index)
{
  for (guint i = 0; e && i < e->routes->len; i++) {
    BgpRoute *rt = g_ptr_array_index(e->routes, i);
    if (rt->peer == peer) {
      if (index)
        *index = i;
      return rt;
    }
  }
  return NULL;
}

/* ---- best path selection ---- */

static uint32_t route_med(const BgpRoute *rt)
{
  /* RFC 4271 9.1.2.2 c: a missing MED is the lowest value */
  return bgp_attrs_has(&rt->attrs, BGP_ATTR_MED) ? rt->attrs.med : 0;
}

/* The tie-break: the lower router ID, then the lower peer address (RFC 4271 9.1.2.2 f, g) */
static gint tie_break(gconstpointer a, gconstpointer b, gpointer rib)
{
  const BgpRib *sort_rib = rib;
  const BgpRoute *x = *(const BgpRoute *const *)a, *y = *(const BgpRoute *const *)b;
  const BgpPeerInfo *px = peer_info(sort_rib, x->peer), *py = peer_info(sort_rib, y->peer);
  uint32_t ix = px ? px->router_id.v : sort_rib->cfg.router_id.v;
  uint32_t iy = py ? py->router_id.v : sort_rib->cfg.router_id.v;
  if (ix != iy)
    return ix < iy ? -1 : 1;
  uint32_t ax = px ? px->address.v : 0, ay = py ? py->address.v : 0;
  return ax < ay ? -1 : ax > ay ? 1 : (x->peer < y->peer ? -1 : x->peer > y->peer);
}

/* Step-wise elimination over the usable routes: (a) the shortest AS path; (c) among routes
 * from the same neighbour AS, the lowest MED; then the tie-break orders what is left. With
 * ECMP every survivor is a best path; otherwise the first. */
static void select_best(const BgpRib *r, Entry *e)
{
  g_ptr_array_set_size(e->best, 0);
  unsigned min_len = UINT32_MAX;
  for (guint i = 0; i < e->routes->len; i++) {
    const BgpRoute *rt = g_ptr_array_index(e->routes, i);
    if (!rt->refused_by && rt->path_len < min_len)
      min_len = rt->path_len;
  }
  for (guint i = 0; i < e->routes->len; i++) {
    BgpRoute *rt = g_ptr_array_index(e->routes, i);
    if (rt->refused_by || rt->path_len != min_len)
      continue;
    bool beaten = false;
    for (guint j = 0; j < e->routes->len && !beaten; j++) {
      const BgpRoute *o = g_ptr_array_index(e->routes, j);
      beaten = !o->refused_by && o->path_len == min_len && o->neighbour_as == rt->neighbour_as &&
               route_med(o) < route_med(rt);
    }
    if (!beaten)
      g_ptr_array_add(e->best, rt);
  }
  g_ptr_array_sort_with_data(e->best, tie_break, (gpointer)r);
  if (!r->cfg.ecmp && e->best->len > 1)
    g_ptr_array_set_size(e->best, 1);
}

/* The best set's peers before a change, to tell whether it changed. */
typedef struct {
  guint n;
  uint32_t peer[64];
} BestSnap;

static BestSnap best_snap(const Entry *e)
{
  BestSnap b = {.n = e ? e->best->len : 0};
  for (guint i = 0; i < b.n && i < G_N_ELEMENTS(b.peer); i++)
    b.peer[i] = ((const BgpRoute *)g_ptr_array_index(e->best, i))->peer;
  return b;
}

/* Recompute p's best set and report a change; drop the entry when it holds nothing. */
static void reselect(BgpRib *r, Entry *e, const BestSnap *old)
{
  guint old_n = old->n;
  const uint32_t *old_peers = old->peer;
  guint n_old = MIN(old_n, G_N_ELEMENTS(old->peer));
  select_best(r, e);
  bool changed = e->best->len != old_n;
  for (guint i = 0; !changed && i < n_old; i++)
    changed = ((const BgpRoute *)g_ptr_array_index(e->best, i))->peer != old_peers[i];
  char pb[IPV4_PREFIX_STRLEN];
  if (e->best->len && changed) {
    const BgpRoute *b = g_ptr_array_index(e->best, 0);
    VsEvent v = ev(r, BGP_EV_ROUTE_BEST, e->prefix, pb);
    vs_event_str(&v, "peer", peer_name(r, b->peer));
    vs_event_uint(&v, "paths", e->best->len);
    vs_event_uint(&v, "as_path_len", b->path_len);
    vs_event_emit(&r->env.events, &v);
  } else if (!e->best->len && old_n) {
    VsEvent v = ev(r, BGP_EV_ROUTE_LOST, e->prefix, pb);
    vs_event_emit(&r->env.events, &v);
  }
  if ((changed || (!e->best->len && old_n)) && r->env.best_changed)
    r->env.best_changed(r->env.user, e->prefix);
  if (!e->routes->len) {
    uint64_t k = prefix_key(e->prefix);
    g_hash_table_remove(r->entries, &k);
  }
}

/* ---- changes ---- */

static void withdraw(BgpRib *r, uint32_t peer, Ipv4Prefix p, const char *reason)
{
  p = ipv4_prefix_make(p.addr, p.len);
  Entry *e = entry_get(r, p, false);
  guint i;
  if (!entry_route(e, peer, &i))
    return;
  BestSnap old = best_snap(e);
  /* the best set borrows the route: clear it before the route goes */
  g_ptr_array_remove(e->best, g_ptr_array_index(e->routes, i));
  g_ptr_array_remove_index(e->routes, i);
  char pb[IPV4_PREFIX_STRLEN];
  VsEvent v = ev(r, BGP_EV_ROUTE_WITHDRAWN, p, pb);
  vs_event_str(&v, "peer", peer_name(r, peer));
  vs_event_str(&v, "reason", reason);
  vs_event_emit(&r->env.events, &v);
  reselect(r, e, &old);
}

static void learn(BgpRib *r, uint32_t peer, Ipv4Prefix p, const BgpAttrs *attrs)
{
  p = ipv4_prefix_make(p.addr, p.len);
  BgpRoute *rt = g_new0(BgpRoute, 1);
  rt->peer = peer;
  rt->prefix = p;
  bgp_attrs_copy(&rt->attrs, attrs);
  /* hold the path a NEW speaker uses (RFC 6793 4.2.3), with 4-octet ASes */
  BgpAsPath merged = {0};
  bgp_as_path_merge_as4(attrs, &merged);
  bgp_as_path_clear(&rt->attrs.as_path);
  bgp_as_path_clear(&rt->attrs.as4_path);
  rt->attrs.as_path = merged;
  rt->attrs.present &= ~(1u << BGP_ATTR_AS4_PATH);
  rt->path_len = bgp_as_path_length(&merged);
  rt->neighbour_as = bgp_as_path_first(&merged);
  BgpPolicyInput in = {.cfg = &r->cfg, .from = peer_info(r, peer), .from_id = peer,
                       .route = rt};
  rt->refused_by = policy_refuses(&r->cfg, BGP_POLICY_IMPORT, &in);

  Entry *e = entry_get(r, p, true);
  BestSnap old = best_snap(e);
  guint i;
  if (entry_route(e, peer, &i)) {
    /* RFC 4271 3.1: a new route for the same prefix replaces the old one */
    g_ptr_array_remove(e->best, g_ptr_array_index(e->routes, i));
    g_ptr_array_remove_index(e->routes, i);
  }
  g_ptr_array_add(e->routes, rt);
  char pb[IPV4_PREFIX_STRLEN], nb[IPV4_ADDR_STRLEN];
  if (rt->refused_by) {
    VsEvent v = ev(r, BGP_EV_ROUTE_REFUSED, p, pb);
    vs_event_str(&v, "peer", peer_name(r, peer));
    vs_event_str(&v, "rule", rt->refused_by);
    vs_event_emit(&r->env.events, &v);
  } else {
    VsEvent v = ev(r, BGP_EV_ROUTE_LEARNED, p, pb);
    vs_event_str(&v, "peer", peer_name(r, peer));
    vs_event_uint(&v, "as_path_len", rt->path_len);
    vs_event_str(&v, "next_hop", ipv4_addr_format(rt->attrs.next_hop, nb));
    vs_event_emit(&r->env.events, &v);
  }
  reselect(r, e, &old);
}

/* ---- API ---- */

BgpRib *bgp_rib_new(const BgpRibConfig *cfg, const BgpRibEnv *env)
{
  BgpRib *r = g_new0(BgpRib, 1);
  r->cfg = *cfg;
  if (env)
    r->env = *env;
  r->peers = g_array_new(FALSE, TRUE, sizeof(Peer));
  r->entries = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, entry_free);
  return r;
}

void bgp_rib_free(BgpRib *r)
{
  if (!r)
    return;
  for (guint i = 0; i < r->peers->len; i++)
    g_free(g_array_index(r->peers, Peer, i).name);
  g_array_unref(r->peers);
  g_hash_table_destroy(r->entries);
  g_free(r);
}

uint32_t bgp_rib_peer_add(BgpRib *r, const BgpPeerInfo *p)
{
  Peer peer = {.info = *p, .name = g_strdup(p->name ? p->name : "peer")};
  peer.info.name = peer.name;
  g_array_append_val(r->peers, peer);
  return r->peers->len;
}

/* Every entry, in prefix order (for deterministic walks and exports). */
static int entry_cmp(const void *a, const void *b)
{
  const Entry *x = *(const Entry *const *)a, *y = *(const Entry *const *)b;
  return ipv4_prefix_compare(x->prefix, y->prefix);
}

static Entry **sorted_entries(const BgpRib *r, guint *n)
{
  GPtrArray *a = g_ptr_array_new();
  GHashTableIter it;
  gpointer val;
  g_hash_table_iter_init(&it, r->entries);
  while (g_hash_table_iter_next(&it, NULL, &val))
    g_ptr_array_add(a, val);
  g_ptr_array_sort(a, entry_cmp); /* qsort on an empty array would take NULL */
  *n = a->len;
  return (Entry **)g_ptr_array_free(a, FALSE);
}

void bgp_rib_peer_down(BgpRib *r, uint32_t peer)
{
  guint n;
  g_autofree Entry **v = sorted_entries(r, &n);
  GArray *gone = g_array_new(FALSE, FALSE, sizeof(Ipv4Prefix));
  for (guint i = 0; i < n; i++)
    if (entry_route(v[i], peer, NULL))
      g_array_append_val(gone, v[i]->prefix);
  for (guint i = 0; i < gone->len; i++)
    withdraw(r, peer, g_array_index(gone, Ipv4Prefix, i), "peer_down");
  g_array_unref(gone);
}

void bgp_rib_add_local(BgpRib *r, Ipv4Prefix p)
{
  BgpAttrs a = {0};
  bgp_attrs_set_origin(&a, BGP_ORIGIN_IGP);
  bgp_attrs_set(&a, BGP_ATTR_AS_PATH);
  learn(r, BGP_RIB_LOCAL, p, &a);
  bgp_attrs_clear(&a);
}

void bgp_rib_remove_local(BgpRib *r, Ipv4Prefix p)
{
  withdraw(r, BGP_RIB_LOCAL, p, "local");
}

const char *bgp_route_path_format(const BgpRoute *rt, char *buf, size_t len)
{
  GString *g = g_string_new(NULL);
  const BgpAsPath *ap = &rt->attrs.as_path;
  for (size_t i = 0; i < ap->n_seg; i++) {
    const BgpAsSegment *sg = &ap->seg[i];
    bool set = sg->type == BGP_AS_SET;
    if (g->len)
      g_string_append_c(g, ' ');
    if (set)
      g_string_append_c(g, '{');
    for (size_t k = 0; k < sg->n; k++)
      g_string_append_printf(g, k ? " %u" : "%u", sg->asn[k]);
    if (set)
      g_string_append_c(g, '}');
  }
  if (len) {
    if (g->len < len) {
      memcpy(buf, g->str, g->len + 1);
    } else if (len > 4) {
      memcpy(buf, g->str, len - 4);
      memcpy(buf + len - 4, "...", 4);
    } else {
      buf[0] = 0;
    }
  }
  g_string_free(g, TRUE);
  return buf;
}

void bgp_rib_update(BgpRib *r, uint32_t peer, const BgpUpdate *u, bool treat_as_withdraw)
{
  g_return_if_fail(peer_info(r, peer));
  for (size_t i = 0; i < u->n_withdrawn; i++)
    withdraw(r, peer, u->withdrawn[i], "update");
  for (size_t i = 0; i < u->n_nlri; i++) {
    if (treat_as_withdraw)
      withdraw(r, peer, u->nlri[i], "treat-as-withdraw");
    else
      learn(r, peer, u->nlri[i], &u->attrs);
  }
}

size_t bgp_rib_best(const BgpRib *r, Ipv4Prefix p, const BgpRoute **out, size_t max)
{
  uint64_t k = prefix_key(ipv4_prefix_make(p.addr, p.len));
  const Entry *e = g_hash_table_lookup(r->entries, &k);
  size_t n = e ? e->best->len : 0;
  for (size_t i = 0; i < n && i < max; i++)
    out[i] = g_ptr_array_index(e->best, i);
  return n;
}

const BgpRoute *bgp_rib_adj_in(const BgpRib *r, uint32_t peer, Ipv4Prefix p)
{
  uint64_t k = prefix_key(ipv4_prefix_make(p.addr, p.len));
  return entry_route(g_hash_table_lookup(r->entries, &k), peer, NULL);
}

size_t bgp_rib_adj_in_count(const BgpRib *r, uint32_t peer)
{
  size_t n = 0;
  GHashTableIter it;
  gpointer val;
  g_hash_table_iter_init(&it, r->entries);
  while (g_hash_table_iter_next(&it, NULL, &val))
    n += entry_route(val, peer, NULL) != NULL;
  return n;
}

const char *bgp_rib_export_refused(const BgpRib *r, uint32_t to_peer, const BgpRoute *route)
{
  BgpPolicyInput in = {.cfg = &r->cfg, .from = peer_info(r, route->peer),
                       .to = peer_info(r, to_peer), .from_id = route->peer, .to_id = to_peer,
                       .route = route};
  return policy_refuses(&r->cfg, BGP_POLICY_EXPORT, &in);
}

size_t bgp_rib_export(const BgpRib *r, uint32_t to_peer, const BgpRoute ***out)
{
  guint n;
  g_autofree Entry **v = sorted_entries(r, &n);
  GPtrArray *a = g_ptr_array_new();
  for (guint i = 0; i < n; i++) {
    if (!v[i]->best->len)
      continue;
    const BgpRoute *b = g_ptr_array_index(v[i]->best, 0);
    if (!bgp_rib_export_refused(r, to_peer, b))
      g_ptr_array_add(a, (gpointer)b);
  }
  size_t k = a->len;
  *out = (const BgpRoute **)g_ptr_array_free(a, FALSE);
  return k;
}
