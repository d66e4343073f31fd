/* SPDX-License-Identifier: MIT */
/* The scenario loader: sections, device profiles merged with overrides, hosts, NAT boxes,
 * underlay links, timeline and expectations into a plan, every reference resolved and
 * every problem reported at its file:line:col (docs/scenario-format.md). */
#include "sim/scenario/scenario.h"

#include "models/bgp/bgp_azure.h"
#include "models/bgp/bgp_fsm.h"
#include "models/gateway/gw_ike.h"

#include "models/common/units.h"
#include "models/gateway/gw_nat.h"
#include "models/gateway/gw_p2s.h"
#include "models/ike/ikev1_sa.h"
#include "models/ike/ikev2_codec.h"
#include "sim/scenario/scenario_cloud.h"
#include "sim/scenario/scn_impair.h"
#include "sim/scenario/scn_proposal.h"
#include "sim/scenario/yaccess.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- plan storage ---- */

typedef struct {
  YtDoc *doc;               /* the scenario */
  GPtrArray *profile_docs;  /* YtDoc of each profile loaded */
  GHashTable *profiles;     /* profile name -> YtDoc (borrowed from profile_docs) */
  GHashTable *applied;      /* profile YtDocs whose settings were read once */
  GStringChunk *strings;    /* generated names */
} Priv;

static void priv_free(Priv *p)
{
  if (!p)
    return;
  yt_doc_free(p->doc);
  g_ptr_array_unref(p->profile_docs);
  g_hash_table_unref(p->profiles);
  g_hash_table_unref(p->applied);
  g_string_chunk_free(p->strings);
  g_free(p);
}

void scn_plan_free(ScnPlan *plan)
{
  if (!plan)
    return;
  gw_config_free(plan->cloud);
  g_free(plan->references);
  g_free(plan->devices);
  g_free(plan->hosts);
  g_free(plan->p2s_clients);
  g_free(plan->nats);
  g_free(plan->links);
  g_free(plan->timeline);
  g_free(plan->expects);
  g_free(plan->merged);
  priv_free(plan->priv_);
  g_free(plan);
}

NAME_TABLE(scn_cmp_names, "comparison", {SCN_CMP_EQ, "=="}, {SCN_CMP_NE, "!="},
           {SCN_CMP_LT, "<"}, {SCN_CMP_LE, "<="}, {SCN_CMP_GT, ">"}, {SCN_CMP_GE, ">="});
NAME_TABLE(scn_nat_kind_names, "NAT type", {SCN_NAT_ADDRESS, "address"}, {SCN_NAT_PORT, "port"});

bool scn_bound_holds(const ScnBound *b, double v)
{
  switch (b->op) {
  case SCN_CMP_EQ: return v == b->v;
  case SCN_CMP_NE: return v != b->v;
  case SCN_CMP_LT: return v < b->v;
  case SCN_CMP_LE: return v <= b->v;
  case SCN_CMP_GT: return v > b->v;
  case SCN_CMP_GE: return v >= b->v;
  }
  return false;
}

/* ---- the loader and its located checks ---- */

/* Work a kind's load function leaves for when every entry of the section is read (a stop
 * names a flow that a later entry may start). */
typedef struct {
  void (*fn)(ScnLoader *L, const YtNode *n, void *item);
  const YtNode *n;
  void *item;
} Deferred;

typedef ScnLoader Loader;
struct ScnLoader {
  /* the document being read (the scenario or a profile), SCN-FMT-001 for shape problems,
   * and the diagnostics list (a scratch one while a profile is read again) */
  YaCtx a;
  ScnPlan *plan;
  Priv *priv;
  const ScnLoadOptions *opt;
  GHashTable *nodes; /* node name -> what it is ("device", "host", ...) */
  GHashTable *flows; /* flow name -> ScnAction index + 1 */
  GHashTable *links; /* link name -> ScnLink index + 1 */
  GArray *deferred;  /* Deferred, run in order at the end of the timeline */
};

#define ferr(L, n, ...) ya_err(&(L)->a, n, __VA_ARGS__)
#define rerr(L, n, ...) ya_report(&(L)->a, SCN_DIAG_REF, n, __VA_ARGS__)

/* A bound "OP VALUE" with VALUE a plain number, a duration (in seconds) or a rate (bits
 * per second); a bare value means "==". */
typedef enum { B_NUMBER, B_DURATION, B_RATE } BoundUnit;

static bool v_bound(Loader *L, const YtNode *n, const char *what, BoundUnit unit,
                    ScnBound *out)
{
  if (!ya_kind(&L->a, n, YT_SCALAR, what))
    return false;
  const char *s = n->str;
  static const struct {
    const char *op;
    ScnCmp cmp;
  } ops[] = {{"==", SCN_CMP_EQ}, {"!=", SCN_CMP_NE}, {"<=", SCN_CMP_LE}, {">=", SCN_CMP_GE},
             {"<", SCN_CMP_LT},  {">", SCN_CMP_GT},  {"=", SCN_CMP_EQ}};
  ScnCmp cmp = SCN_CMP_EQ;
  for (size_t i = 0; i < G_N_ELEMENTS(ops); i++)
    if (g_str_has_prefix(s, ops[i].op)) {
      cmp = ops[i].cmp;
      s += strlen(ops[i].op);
      break;
    }
  while (*s == ' ')
    s++;
  double v = 0;
  bool ok = false;
  if (unit == B_DURATION) {
    int64_t ns;
    ok = units_parse_duration(s, &ns);
    v = (double)ns / 1e9;
  } else if (unit == B_RATE) {
    uint64_t bps;
    ok = units_parse_rate(s, &bps);
    v = (double)bps;
  } else {
    char *end;
    errno = 0;
    v = g_ascii_strtod(s, &end);
    ok = end != s && !*end && !errno && isfinite(v);
  }
  if (!ok) {
    static const char *const ex[] = {"'>= 0.95' or '== 0'", "'< 50ms'", "'>= 400Mbps'"};
    ferr(L, n, "%s '%s' is not a bound such as %s", what, n->str, ex[unit]);
    return false;
  }
  *out = (ScnBound){true, cmp, v, n->str};
  return true;
}

/* An unknown name among candidates, with the nearest as a hint. */
static void unknown(Loader *L, const YtNode *n, const char *what, const char *name,
                    GPtrArray *candidates)
{
  const char *hint = candidates && candidates->len
                         ? str_nearest(name, (const char *const *)candidates->pdata,
                                       candidates->len)
                         : NULL;
  if (hint)
    rerr(L, n, "unknown %s '%s' (did you mean '%s'?)", what, name, hint);
  else
    rerr(L, n, "unknown %s '%s'", what, name);
}

/* ---- name look-ups ---- */

static GPtrArray *node_names(Loader *L, const char *kind)
{
  GPtrArray *a = g_ptr_array_new();
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, L->nodes);
  while (g_hash_table_iter_next(&it, &k, &v))
    if (!kind || strcmp(v, kind) == 0)
      g_ptr_array_add(a, k);
  g_ptr_array_sort(a, (GCompareFunc)g_strcmp0); /* deterministic hints */
  return a;
}

/* The node's name when it is a node of that kind (or any kind when NULL); else reports. */
static const char *ref_node(Loader *L, const YtNode *n, const char *what, const char *kind)
{
  const char *name;
  if (!ya_str(&L->a, n, what, &name))
    return NULL;
  const char *k = g_hash_table_lookup(L->nodes, name);
  if (k && (!kind || strcmp(k, kind) == 0))
    return name;
  if (k) {
    rerr(L, n, "%s '%s' is a %s, not a %s", what, name, k, kind);
    return NULL;
  }
  g_autoptr(GPtrArray) c = node_names(L, kind);
  unknown(L, n, kind ? kind : "node", name, c);
  return NULL;
}

/* A node filter of an expectation: any node, or a gateway's instance "vgw1/0", "vgw1/1"
 * (the names the gateway's events carry). */
static const char *ref_node_or_instance(Loader *L, const YtNode *n, const char *what)
{
  if (n->kind == YT_SCALAR) {
    const char *slash = strrchr(n->str, '/');
    if (slash && (!strcmp(slash, "/0") || !strcmp(slash, "/1"))) {
      g_autofree char *base = g_strndup(n->str, (gsize)(slash - n->str));
      const char *k = g_hash_table_lookup(L->nodes, base);
      if (k && !strcmp(k, "virtual network gateway"))
        return n->str;
      rerr(L, n, "%s '%s': '%s' is not a virtual network gateway (instances are GATEWAY/0 "
                 "and GATEWAY/1)", what, n->str, base);
      return NULL;
    }
  }
  return ref_node(L, n, what, NULL);
}

static bool add_node(Loader *L, const YtNode *n, const char *name, const char *kind)
{
  const char *k = g_hash_table_lookup(L->nodes, name);
  if (k) {
    rerr(L, n, "the name '%s' is already used by a %s", name, k);
    return false;
  }
  g_hash_table_insert(L->nodes, (gpointer)name, (gpointer)kind);
  return true;
}

static const char *ref_connection(Loader *L, const YtNode *n, const char *what)
{
  const char *name;
  if (!ya_str(&L->a, n, what, &name))
    return NULL;
  g_autoptr(GPtrArray) c = g_ptr_array_new();
  for (unsigned i = 0; i < L->plan->cloud->n_connections; i++) {
    const char *cn = L->plan->cloud->connections[i].name.v;
    if (cn && strcmp(cn, name) == 0)
      return name;
    if (cn)
      g_ptr_array_add(c, (gpointer)cn);
  }
  unknown(L, n, "connection", name, c);
  return NULL;
}

static const char *ref_table(Loader *L, const YtNode *n, const char *what, GHashTable *t,
                             unsigned *index)
{
  const char *name;
  if (!ya_str(&L->a, n, what, &name))
    return NULL;
  gpointer v = g_hash_table_lookup(t, name);
  if (v) {
    if (index)
      *index = GPOINTER_TO_UINT(v) - 1;
    return name;
  }
  g_autoptr(GPtrArray) c = g_ptr_array_new();
  GHashTableIter it;
  gpointer k;
  g_hash_table_iter_init(&it, t);
  while (g_hash_table_iter_next(&it, &k, NULL))
    g_ptr_array_add(c, k);
  g_ptr_array_sort(c, (GCompareFunc)g_strcmp0);
  unknown(L, n, what, name, c);
  return NULL;
}

static void check_time(Loader *L, const YtNode *n, const char *what, int64_t t)
{
  if (L->plan->duration_ns > 0 && t > L->plan->duration_ns) {
    char a[32], b[32];
    ya_report(&L->a, SCN_DIAG_TIME, n, "%s %s is after the end of the scenario (duration %s)", what,
         units_format_duration(t, a, sizeof a),
         units_format_duration(L->plan->duration_ns, b, sizeof b));
  }
}

/* ---- devices and profiles ---- */

/* The settings a profile may give, and a scenario may override. */
static const char *const setting_keys[] = {
    "ikeVersion", "ikeProposals", "espProposals", "ikeLifetime", "ikeRekeyMargin",
    "childLifetime", "childRekeyMargin", "childLifetimeKilobytes", "rekeyFuzz", "localId",
    "remoteId", "trafficSelectors", "dpd", "startAction", "natTraversal", "bgp", "mssClamp",
    NULL};
/* The keys of a device setting's mapping value (also in scn_key_tables). */
static const char *const ts_keys[] = {"local", "remote", NULL};
static const char *const dpd_keys[] = {"interval", "timeout", "action", NULL};
static const char *const natt_keys[] = {"enabled", "forceEncapsulation", "keepalive", NULL};
static const char *const dev_bgp_keys[] = {"asn", "bgpPeeringAddress", "peerAddress", "peerAsn",
                                           "advertise", "prepend", "holdTime", "keepalive",
                                           "passive", NULL};

/* The device's BGP speaker (facts 5): its AS and address as its LNG's bgpSettings give
 * them, what it advertises, its prepending and timers, and whether it only listens. */
static void v_device_bgp(Loader *L, const YtNode *n, DevBgpConfig *b)
{
  if (!ya_kind(&L->a, n, YT_MAP, "bgp"))
    return;
  ya_keys(&L->a, n, dev_bgp_keys);
  const YtNode *x;
  int64_t v;
  b->enabled = true;
  /* RFC 6793: 4-octet ASes; 0 and 23456 (AS_TRANS) are never a speaker's */
  if ((x = yt_map_get(n, "asn")) && ya_int(&L->a, x, "asn", 1, 4294967295LL, &v)) {
    if (v == 23456)
      ferr(L, x, "asn: 23456 is AS_TRANS (RFC 6793), not a speaker's AS");
    else
      b->asn = (uint32_t)v;
  }
  if ((x = yt_map_get(n, "bgpPeeringAddress")))
    ya_ip(&L->a, x, "bgpPeeringAddress", &b->address);
  if ((x = yt_map_get(n, "peerAddress")))
    ya_ip(&L->a, x, "peerAddress", &b->peer_address);
  if ((x = yt_map_get(n, "peerAsn")) && ya_int(&L->a, x, "peerAsn", 1, 4294967295LL, &v))
    b->peer_asn = (uint32_t)v;
  if ((x = yt_map_get(n, "advertise")))
    ya_prefixes(&L->a, x, "advertise", b->advertise, NULL, &b->n_advertise, DEV_BGP_MAX_ADVERTISE);
  if ((x = yt_map_get(n, "prepend")) && ya_int(&L->a, x, "prepend", 0, 16, &v))
    b->prepend = (unsigned)v;
  if ((x = yt_map_get(n, "holdTime")) && ya_seconds(&L->a, x, "holdTime", &b->hold_s) &&
      b->hold_s != 0 && (b->hold_s < 3 || b->hold_s > 65535))
    ferr(L, x, "holdTime: 0 or 3 s to 65535 s (RFC 4271 4.2)");
  if ((x = yt_map_get(n, "keepalive")))
    ya_seconds(&L->a, x, "keepalive", &b->keepalive_s);
  if ((x = yt_map_get(n, "passive")))
    ya_bool(&L->a, x, "passive", &b->passive);
  if (!b->asn && !yt_map_get(n, "asn"))
    ferr(L, n, "bgp: 'asn' is required");
  if (!b->address.v && !yt_map_get(n, "bgpPeeringAddress"))
    ferr(L, n, "bgp: 'bgpPeeringAddress' is required");
}

static void v_proposals(Loader *L, const YtNode *n, const char *what, bool ike,
                        DevProposal *arr, unsigned *count)
{
  if (n->kind == YT_SCALAR)
    ; /* one proposal */
  else if (!ya_kind(&L->a, n, YT_SEQ, what))
    return;
  unsigned total = n->kind == YT_SCALAR ? 1 : (unsigned)yt_len(n);
  *count = 0;
  for (unsigned i = 0; i < total; i++) {
    const YtNode *it = n->kind == YT_SCALAR ? n : g_ptr_array_index(n->items, i);
    if (*count == DEV_MAX_PROPOSALS) {
      ferr(L, it, "%s: more than %d proposals", what, DEV_MAX_PROPOSALS);
      return;
    }
    if (!ya_kind(&L->a, it, YT_SCALAR, what))
      continue;
    g_autoptr(GError) err = NULL;
    if (scn_proposal_parse(it->str, ike, &arr[*count], &err))
      (*count)++;
    else
      ferr(L, it, "%s '%s': %s", what, it->str, err->message);
  }
}

static void v_identity(Loader *L, const YtNode *n, const char *what, DevIdentity *id)
{
  if (n->kind == YT_MAP) {
    static const char *const k[] = {"type", "value", NULL};
    ya_keys(&L->a, n, k);
    int t = DEV_ID_FQDN;
    const YtNode *tn = ya_need(&L->a, n, "type", what), *vn = ya_need(&L->a, n, "value", what);
    if (tn && !ya_enum(&L->a, tn, "type", &dev_id_type_names, &t))
      return;
    const char *v;
    if (vn && ya_str(&L->a, vn, "value", &v)) {
      Ipv4Addr a;
      if (t == DEV_ID_IPV4_ADDR && ipv4_addr_parse(v, &a) != IPV4_PARSE_OK)
        ferr(L, vn, "%s: '%s' is not an IPv4 address for an ipv4 identity", what, v);
      else
        *id = (DevIdentity){(DevIdType)t, v};
    }
    return;
  }
  const char *v;
  if (!ya_str(&L->a, n, what, &v))
    return;
  Ipv4Addr a;
  /* the type a scalar implies: an address, an email (user@fqdn), else a host name */
  DevIdType t = ipv4_addr_parse(v, &a) == IPV4_PARSE_OK ? DEV_ID_IPV4_ADDR
                : strchr(v, '@')                        ? DEV_ID_RFC822_ADDR
                                                        : DEV_ID_FQDN;
  *id = (DevIdentity){t, v};
}

static void apply_settings(Loader *L, const YtNode *m, DevConfig *c)
{
  const YtNode *n;
  int64_t i64;
  int e;
  if ((n = yt_map_get(m, "ikeVersion")) && ya_int(&L->a, n, "ikeVersion", 1, 2, &i64))
    c->ike_version = (unsigned)i64;
  if ((n = yt_map_get(m, "ikeProposals")))
    v_proposals(L, n, "ikeProposals", true, c->ike_proposals, &c->n_ike_proposals);
  if ((n = yt_map_get(m, "espProposals")))
    v_proposals(L, n, "espProposals", false, c->esp_proposals, &c->n_esp_proposals);
  if ((n = yt_map_get(m, "ikeLifetime")))
    ya_seconds(&L->a, n, "ikeLifetime", &c->ike_lifetime_s);
  if ((n = yt_map_get(m, "ikeRekeyMargin")))
    ya_seconds(&L->a, n, "ikeRekeyMargin", &c->ike_rekey_margin_s);
  if ((n = yt_map_get(m, "childLifetime")))
    ya_seconds(&L->a, n, "childLifetime", &c->child_lifetime_s);
  if ((n = yt_map_get(m, "childRekeyMargin")))
    ya_seconds(&L->a, n, "childRekeyMargin", &c->child_rekey_margin_s);
  if ((n = yt_map_get(m, "childLifetimeKilobytes")) &&
      ya_int(&L->a, n, "childLifetimeKilobytes", 0, INT64_MAX, &i64))
    c->child_lifetime_kb = (uint64_t)i64;
  if ((n = yt_map_get(m, "rekeyFuzz")) && ya_kind(&L->a, n, YT_SCALAR, "rekeyFuzz")) {
    char *end;
    guint64 v = g_ascii_strtoull(n->str, &end, 10);
    if (end == n->str || strcmp(end, "%") != 0 || v > 1000)
      ferr(L, n, "rekeyFuzz '%s' is not a percentage such as 100%%", n->str);
    else
      c->rekey_fuzz_percent = (uint32_t)v;
  }
  if ((n = yt_map_get(m, "mssClamp")) && ya_int(&L->a, n, "mssClamp", 0, 65535, &i64)) {
    if (i64 && i64 < 536)
      ferr(L, n, "mssClamp %lld is below 536, the smallest MSS a host may assume (RFC 9293 "
                 "3.7.1); 0 turns clamping off", (long long)i64);
    else
      c->mss_clamp = (uint16_t)i64;
  }
  if ((n = yt_map_get(m, "localId")))
    v_identity(L, n, "localId", &c->local_id);
  if ((n = yt_map_get(m, "remoteId")))
    v_identity(L, n, "remoteId", &c->remote_id);
  if ((n = yt_map_get(m, "trafficSelectors"))) {
    if (n->kind == YT_SCALAR) {
      if (ya_enum(&L->a, n, "trafficSelectors", &dev_ts_mode_names, &e)) {
        if (e == DEV_TS_ANY)
          c->ts_mode = DEV_TS_ANY;
        else
          ferr(L, n, "trafficSelectors: give prefixes as {local: [...], remote: [...]}");
      }
    } else if (ya_kind(&L->a, n, YT_MAP, "trafficSelectors")) {
      ya_keys(&L->a, n, ts_keys);
      const YtNode *lo = ya_need(&L->a, n, "local", "trafficSelectors");
      const YtNode *re = ya_need(&L->a, n, "remote", "trafficSelectors");
      c->ts_mode = DEV_TS_PREFIXES;
      if (lo)
        ya_prefixes(&L->a, lo, "local", c->ts_local, NULL, &c->n_ts_local, DEV_MAX_PREFIXES);
      if (re)
        ya_prefixes(&L->a, re, "remote", c->ts_remote, NULL, &c->n_ts_remote, DEV_MAX_PREFIXES);
    }
  }
  if ((n = yt_map_get(m, "dpd")) && ya_kind(&L->a, n, YT_MAP, "dpd")) {
    ya_keys(&L->a, n, dpd_keys);
    const YtNode *x;
    if ((x = yt_map_get(n, "interval")))
      ya_seconds(&L->a, x, "interval", &c->dpd_interval_s);
    if ((x = yt_map_get(n, "timeout")))
      ya_seconds(&L->a, x, "timeout", &c->dpd_timeout_s);
    if ((x = yt_map_get(n, "action")) && ya_enum(&L->a, x, "action", &dev_dpd_action_names, &e))
      c->dpd_action = (DevDpdAction)e;
  }
  if ((n = yt_map_get(m, "startAction")) &&
      ya_enum(&L->a, n, "startAction", &dev_start_action_names, &e))
    c->start_action = (DevStartAction)e;
  if ((n = yt_map_get(m, "bgp")))
    v_device_bgp(L, n, &c->bgp);
  if ((n = yt_map_get(m, "natTraversal")) && ya_kind(&L->a, n, YT_MAP, "natTraversal")) {
    ya_keys(&L->a, n, natt_keys);
    const YtNode *x;
    if ((x = yt_map_get(n, "enabled")))
      ya_bool(&L->a, x, "enabled", &c->nat_traversal);
    if ((x = yt_map_get(n, "forceEncapsulation")))
      ya_bool(&L->a, x, "forceEncapsulation", &c->force_encapsulation);
    if ((x = yt_map_get(n, "keepalive")))
      ya_seconds(&L->a, x, "keepalive", &c->nat_keepalive_s);
  }
}

static bool profile_name_ok(const char *s)
{
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
      return false;
  return *s && *s != '.';
}

/* The profile folders: the caller's, then "profiles/" in the scenario's folder and each
 * folder above it. */
static GPtrArray *profile_dirs(Loader *L)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
  for (const char *const *d = L->opt ? L->opt->profile_dirs : NULL; d && *d; d++)
    g_ptr_array_add(dirs, g_strdup(*d));
  g_autofree char *dir = g_path_get_dirname(L->priv->doc->name);
  g_autofree char *abs = g_canonicalize_filename(dir, NULL);
  for (;;) {
    char *p = g_build_filename(abs, "profiles", NULL);
    if (g_file_test(p, G_FILE_TEST_IS_DIR))
      g_ptr_array_add(dirs, p);
    else
      g_free(p);
    char *up = g_path_get_dirname(abs);
    bool top = strcmp(up, abs) == 0;
    g_free(abs);
    abs = up;
    if (top)
      break;
  }
  return dirs;
}

/* The profile's device: mapping (in its own document), loaded once; NULL after reporting. */
static const YtNode *load_profile(Loader *L, const YtNode *n, const char *name,
                                  const YtDoc **pdoc)
{
  YtDoc *doc = g_hash_table_lookup(L->priv->profiles, name);
  if (!doc) {
    if (!profile_name_ok(name)) {
      ferr(L, n, "profile '%s' is not a profile name (letters, digits, '-', '_', '.')", name);
      return NULL;
    }
    g_autoptr(GPtrArray) dirs = profile_dirs(L);
    g_autofree char *file = g_strconcat(name, ".yaml", NULL);
    g_autofree char *path = NULL;
    for (guint i = 0; i < dirs->len && !path; i++) {
      char *p = g_build_filename(g_ptr_array_index(dirs, i), file, NULL);
      if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
        path = p;
      else
        g_free(p);
    }
    if (!path) {
      g_autoptr(GPtrArray) known = g_ptr_array_new_with_free_func(g_free);
      for (guint i = 0; i < dirs->len; i++) {
        g_autoptr(GDir) d = g_dir_open(g_ptr_array_index(dirs, i), 0, NULL);
        for (const char *e; d && (e = g_dir_read_name(d));)
          if (g_str_has_suffix(e, ".yaml"))
            g_ptr_array_add(known, g_strndup(e, strlen(e) - 5));
      }
      g_ptr_array_sort(known, (GCompareFunc)g_strcmp0);
      unknown(L, n, "profile", name, known);
      return NULL;
    }
    g_autoptr(VsDiags) failed = vs_diags_new();
    doc = yt_load_file(path, vs_diags_sink(failed));
    if (!doc) {
      /* the profile's own place goes into the message: "file:line:col: ..." */
      g_autofree char *why = vs_diag_format_brief(vs_diags_get(failed, 0));
      rerr(L, n, "profile '%s': %s", name, why);
      return NULL;
    }
    g_ptr_array_add(L->priv->profile_docs, doc);
    g_hash_table_insert(L->priv->profiles, g_strdup(name), doc);
    /* check the profile's own shape once */
    const YtDoc *saved = L->a.doc;
    L->a.doc = doc;
    static const char *const top[] = {"name", "description", "references", "device", NULL};
    if (ya_kind(&L->a, doc->root, YT_MAP, "a device profile")) {
      ya_keys(&L->a, doc->root, top);
      const YtNode *pn = ya_need(&L->a, doc->root, "name", "profile");
      const char *pname;
      if (pn && ya_str(&L->a, pn, "name", &pname) && strcmp(pname, name) != 0)
        ferr(L, pn, "the profile in %s.yaml is named '%s'", name, pname);
      const YtNode *dev = ya_need(&L->a, doc->root, "device", "profile");
      if (dev && ya_kind(&L->a, dev, YT_MAP, "device"))
        ya_keys(&L->a, dev, setting_keys);
    }
    L->a.doc = saved;
  }
  *pdoc = doc;
  const YtNode *dev = doc->root->kind == YT_MAP ? yt_map_get(doc->root, "device") : NULL;
  return dev && dev->kind == YT_MAP ? dev : NULL;
}

/* A peer: a virtual network gateway's name, or one of their public addresses; *aa is the
 * gateway's second public IP when the name is that of an active-active gateway. */
static bool resolve_peer_one(Loader *L, const YtNode *n, Ipv4Addr *out, Ipv4Addr *aa)
{
  const char *s;
  if (!ya_str(&L->a, n, "peer", &s))
    return false;
  const GwConfig *cloud = L->plan->cloud;
  Ipv4Addr a;
  bool is_ip = ipv4_addr_parse(s, &a) == IPV4_PARSE_OK;
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  for (unsigned i = 0; i < cloud->n_virtualNetworkGateways; i++) {
    const GwVirtualNetworkGateway *g = &cloud->virtualNetworkGateways[i];
    if (g->name.v)
      g_ptr_array_add(names, (gpointer)g->name.v);
    for (unsigned j = 0; j < g->n_publicIpAddresses; j++) {
      bool hit = is_ip ? g->publicIpAddresses[j].v.v == a.v
                       : (j == 0 && g->name.v && strcmp(g->name.v, s) == 0);
      if (hit) {
        *out = g->publicIpAddresses[j].v;
        /* facts 8: each instance of an active-active gateway builds its own tunnel */
        if (aa && !is_ip && gw_bool_or(g->activeActive, false) && g->n_publicIpAddresses == 2)
          *aa = g->publicIpAddresses[1].v;
        return true;
      }
    }
    if (!is_ip && g->name.v && strcmp(g->name.v, s) == 0) {
      rerr(L, n, "peer '%s' has no publicIpAddress", s);
      return false;
    }
  }
  if (is_ip)
    rerr(L, n, "peer %s is not the public address of any virtual network gateway", s);
  else
    unknown(L, n, "virtual network gateway", s, names);
  return false;
}

/* The peer, or two: 'peer: vgw1' of an active-active gateway (a tunnel to each instance),
 * or 'peer: [a, b]' (two gateways, or the two addresses of one). */
static void resolve_peer(Loader *L, const YtNode *n, DevConfig *c)
{
  if (n->kind == YT_SEQ) {
    if (yt_len(n) < 1 || yt_len(n) > 2) {
      ferr(L, n, "peer: one or two gateways (a name or a public address each)");
      return;
    }
    c->has_peer = resolve_peer_one(L, g_ptr_array_index(n->items, 0), &c->peer, NULL);
    if (yt_len(n) == 2)
      c->has_peer2 = resolve_peer_one(L, g_ptr_array_index(n->items, 1), &c->peer2, NULL);
    if (c->has_peer && c->has_peer2 && c->peer.v == c->peer2.v) {
      ferr(L, g_ptr_array_index(n->items, 1), "peer: the same address twice");
      c->has_peer2 = false;
    }
    return;
  }
  Ipv4Addr aa = {0};
  c->has_peer = resolve_peer_one(L, n, &c->peer, &aa);
  if (c->has_peer && aa.v) {
    c->has_peer2 = true;
    c->peer2 = aa;
  }
}

static const char *const dkeys[] = {
    "name", "profile", "publicIpAddress", "lanPrefixes", "peer", "sharedKey", "ikeVersion",
    "ikeProposals", "espProposals", "ikeLifetime", "ikeRekeyMargin", "childLifetime",
    "childRekeyMargin", "childLifetimeKilobytes", "rekeyFuzz", "localId", "remoteId",
    "trafficSelectors", "dpd", "startAction", "natTraversal", "bgp", "tunnelRoutes", "mssClamp", "impair",
    NULL};

static void load_devices(Loader *L, const YtNode *seq)
{
  ScnPlan *P = L->plan;
  P->devices = g_new0(ScnDevice, yt_len(seq));
  for (guint i = 0; i < yt_len(seq); i++) {
    const YtNode *it = g_ptr_array_index(seq->items, i);
    if (!ya_kind(&L->a, it, YT_MAP, "device"))
      continue;
    ya_keys(&L->a, it, dkeys);
    ScnDevice *d = &P->devices[P->n_devices++];
    d->loc = ya_loc(&L->a, it);
    DevConfig *c = &d->cfg;
    dev_config_init(c);
    const YtNode *n;
    if ((n = ya_need(&L->a, it, "name", "device")) && ya_str(&L->a, n, "name", &c->name))
      add_node(L, n, c->name, "device");
    const YtNode *pdev = NULL;
    const YtDoc *pdoc = NULL;
    bool profile_failed = false;
    if ((n = yt_map_get(it, "profile")) &&
        !(ya_str(&L->a, n, "profile", &c->profile) &&
          (pdev = load_profile(L, n, c->profile, &pdoc))))
      profile_failed = true; /* reported; the device's checks would only repeat it */
    if (pdev) {
      /* A profile's own problems are reported once, not once per device using it; a
       * profile with problems fails every device that uses it. */
      const YtDoc *saved = L->a.doc;
      VsDiags *saved_diags = L->a.diags;
      g_autoptr(VsDiags) scratch = NULL;
      gpointer seen = g_hash_table_lookup(L->priv->applied, pdoc);
      if (seen)
        L->a.diags = scratch = vs_diags_new();
      size_t before = vs_diags_count(L->a.diags, VS_SEV_ERROR);
      L->a.doc = pdoc;
      apply_settings(L, pdev, c);
      L->a.doc = saved;
      bool bad_profile = vs_diags_count(L->a.diags, VS_SEV_ERROR) != before;
      L->a.diags = saved_diags;
      if (!seen)
        g_hash_table_insert(L->priv->applied, (gpointer)pdoc, GINT_TO_POINTER(1 + bad_profile));
      profile_failed |= GPOINTER_TO_INT(g_hash_table_lookup(L->priv->applied, pdoc)) == 2;
    }
    size_t errors_before = vs_diags_count(L->a.diags, VS_SEV_ERROR);
    apply_settings(L, it, c);
    if ((n = ya_need(&L->a, it, "publicIpAddress", "device")) &&
        ya_ip(&L->a, n, "publicIpAddress", &c->public_ip))
      c->has_public_ip = true;
    if ((n = yt_map_get(it, "lanPrefixes")))
      ya_prefixes(&L->a, n, "lanPrefixes", c->lan, NULL, &c->n_lan, DEV_MAX_PREFIXES);
    if ((n = yt_map_get(it, "tunnelRoutes")))
      ya_prefixes(&L->a, n, "tunnelRoutes", c->tunnel_routes, NULL, &c->n_tunnel_routes,
                  DEV_MAX_PREFIXES);
    if ((n = ya_need(&L->a, it, "peer", "device")))
      resolve_peer(L, n, c);
    if ((n = yt_map_get(it, "sharedKey")))
      ya_str(&L->a, n, "sharedKey", &c->psk);
    if ((n = yt_map_get(it, "impair")))
      scn_impair_load(&L->a, n, &c->impair);
    /* The merged whole, checked only when its parts could be read (else the checks
     * repeat what was said). Each problem is reported in the scenario: at the field when
     * the scenario sets it, at the profile: line when the value came from the profile. */
    DevProblem probs[16];
    bool readable = !profile_failed && vs_diags_count(L->a.diags, VS_SEV_ERROR) == errors_before;
    size_t np = readable ? dev_config_check(c, probs, G_N_ELEMENTS(probs)) : 0;
    const YtNode *pnode = yt_map_get(it, "profile");
    for (size_t k = 0; k < np && k < G_N_ELEMENTS(probs); k++) {
      const YtNode *at = yt_map_get(it, probs[k].field);
      if (!at && pdev && yt_map_get(pdev, probs[k].field))
        ya_report(&L->a, SCN_DIAG_DEVICE, pnode, "device '%s': %s (%s from profile %s)",
             c->name ? c->name : "?", probs[k].message, probs[k].field, c->profile);
      else
        ya_report(&L->a, SCN_DIAG_DEVICE, at ? at : it, "device '%s': %s", c->name ? c->name : "?",
             probs[k].message);
    }
  }
}

static const char *const nat_keys[] = {"name", "inside", "publicIpAddress", "type",
                                       "udpTimeout", NULL};

static void load_nats(Loader *L, const YtNode *seq)
{
  const char *const *k = nat_keys;
  ScnPlan *P = L->plan;
  P->nats = g_new0(ScnNatBox, yt_len(seq));
  for (guint i = 0; i < yt_len(seq); i++) {
    const YtNode *it = g_ptr_array_index(seq->items, i);
    if (!ya_kind(&L->a, it, YT_MAP, "NAT box"))
      continue;
    ya_keys(&L->a, it, k);
    ScnNatBox *b = &P->nats[P->n_nats++];
    b->loc = ya_loc(&L->a, it);
    b->kind = SCN_NAT_PORT;
    b->udp_timeout_ns = 30 * (int64_t)1000000000; /* RFC 4787 4.3: at least 2 min; short
                                                     on purpose: NAT-T keepalives matter */
    const YtNode *n;
    if ((n = ya_need(&L->a, it, "name", "NAT box")) && ya_str(&L->a, n, "name", &b->name))
      add_node(L, n, b->name, "NAT box");
    if ((n = ya_need(&L->a, it, "publicIpAddress", "NAT box")))
      ya_ip(&L->a, n, "publicIpAddress", &b->public_ip);
    int e;
    if ((n = yt_map_get(it, "type")) && ya_enum(&L->a, n, "type", &scn_nat_kind_names, &e))
      b->kind = (ScnNatKind)e;
    if ((n = yt_map_get(it, "udpTimeout")))
      ya_duration(&L->a, n, "udpTimeout", &b->udp_timeout_ns);
  }
  /* inside: after all NAT boxes exist (for the "is a device" message) */
  unsigned j = 0;
  for (guint i = 0; i < yt_len(seq); i++) {
    const YtNode *it = g_ptr_array_index(seq->items, i);
    if (it->kind != YT_MAP)
      continue;
    const YtNode *n = ya_need(&L->a, it, "inside", "NAT box");
    if (n)
      P->nats[j].inside = ref_node(L, n, "inside", "device");
    /* facts 13.1: the original documents (002-004) ask for a device address not behind NAT */
    if (n && P->nats[j].inside && P->cloud &&
        P->cloud->options.other[GW_OPT_DEVICE_BEHIND_NAT_REFUSED])
      ferr(L, n, "device %s is behind NAT box %s; the original documents ask for a public "
           "IPv4 address not behind a NAT (options.deviceBehindNat: refused)",
           P->nats[j].inside, P->nats[j].name ? P->nats[j].name : "?");
    j++;
  }
}

/* The address the gateway sees for each device (its NAT box's, if it has one) should be
 * some local network gateway's gatewayIpAddress, or the gateway will not accept it. */
static void check_device_addresses(Loader *L)
{
  const ScnPlan *P = L->plan;
  for (unsigned i = 0; i < P->n_devices; i++) {
    const DevConfig *c = &P->devices[i].cfg;
    if (!c->has_public_ip || !c->name)
      continue;
    Ipv4Addr seen = c->public_ip;
    const char *via = NULL;
    for (unsigned j = 0; j < P->n_nats; j++)
      if (P->nats[j].inside && !strcmp(P->nats[j].inside, c->name)) {
        seen = P->nats[j].public_ip;
        via = P->nats[j].name;
      }
    bool found = false;
    for (unsigned j = 0; j < P->cloud->n_localNetworkGateways && !found; j++) {
      const GwIp *g = &P->cloud->localNetworkGateways[j].gatewayIpAddress;
      found = g->set && g->v.v == seen.v;
    }
    if (!found) {
      char a[IPV4_ADDR_STRLEN];
      vs_diags_add(L->a.diags, SCN_DIAG_REF, VS_SEV_WARNING, P->devices[i].loc,
                   "device '%s': no local network gateway has gatewayIpAddress %s (%s); the "
                   "gateway will not accept its IKE requests",
                   c->name, ipv4_addr_format(seen, a),
                   via ? "its NAT box's public address" : "its publicIpAddress");
    }
  }
}

static const char *const host_keys[] = {"name", "subnet", "behind", "address", NULL};

static void load_hosts(Loader *L, const YtNode *seq)
{
  const char *const *k = host_keys;
  ScnPlan *P = L->plan;
  P->hosts = g_new0(ScnHost, yt_len(seq));
  for (guint i = 0; i < yt_len(seq); i++) {
    const YtNode *it = g_ptr_array_index(seq->items, i);
    if (!ya_kind(&L->a, it, YT_MAP, "host"))
      continue;
    ya_keys(&L->a, it, k);
    ScnHost *h = &P->hosts[P->n_hosts++];
    h->loc = ya_loc(&L->a, it);
    const YtNode *n, *sub = yt_map_get(it, "subnet"), *beh = yt_map_get(it, "behind");
    if ((n = ya_need(&L->a, it, "name", "host")) && ya_str(&L->a, n, "name", &h->name))
      add_node(L, n, h->name, "host");
    const YtNode *an = ya_need(&L->a, it, "address", "host");
    bool has_addr = an && ya_ip(&L->a, an, "address", &h->address);
    if (!!sub == !!beh) {
      ferr(L, it, "host: give exactly one of 'subnet' (a VM: vnet/subnet) and 'behind' (a "
                  "device)");
      continue;
    }
    const char *s;
    if (sub && ya_str(&L->a, sub, "subnet", &s)) {
      h->kind = SCN_HOST_VM;
      const char *slash = strchr(s, '/');
      if (!slash) {
        ferr(L, sub, "subnet '%s' must be written VNET/SUBNET, such as vnet1/workload", s);
        continue;
      }
      g_autofree char *vname = g_strndup(s, (gsize)(slash - s));
      const GwVirtualNetwork *v = gw_config_find_vnet(P->cloud, vname);
      if (!v) {
        g_autoptr(GPtrArray) c = g_ptr_array_new();
        for (unsigned j = 0; j < P->cloud->n_virtualNetworks; j++)
          if (P->cloud->virtualNetworks[j].name.v)
            g_ptr_array_add(c, (gpointer)P->cloud->virtualNetworks[j].name.v);
        unknown(L, sub, "virtual network", vname, c);
        continue;
      }
      const GwSubnet *found = NULL;
      g_autoptr(GPtrArray) c = g_ptr_array_new();
      for (unsigned j = 0; j < v->n_subnets; j++) {
        if (v->subnets[j].name.v && strcmp(v->subnets[j].name.v, slash + 1) == 0)
          found = &v->subnets[j];
        else if (v->subnets[j].name.v)
          g_ptr_array_add(c, (gpointer)v->subnets[j].name.v);
      }
      if (!found) {
        unknown(L, sub, "subnet", slash + 1, c);
        continue;
      }
      h->vnet = v->name.v;
      h->subnet = found->name.v;
      if (strcmp(h->subnet, "GatewaySubnet") == 0)
        rerr(L, sub, "hosts cannot be placed in the GatewaySubnet");
      else if (has_addr && found->has_addressPrefix &&
               !ipv4_prefix_contains_addr(found->addressPrefix.v, h->address)) {
        char p[IPV4_PREFIX_STRLEN];
        rerr(L, an, "address %s is not in subnet %s (%s)", an->str, s,
             ipv4_prefix_format(found->addressPrefix.v, p));
      }
    } else if (beh) {
      h->kind = SCN_HOST_BEHIND_DEVICE;
      h->device = ref_node(L, beh, "behind", "device");
      const ScnDevice *d = NULL;
      for (unsigned j = 0; h->device && j < P->n_devices; j++)
        if (P->devices[j].cfg.name && strcmp(P->devices[j].cfg.name, h->device) == 0)
          d = &P->devices[j];
      bool inside = false;
      for (unsigned j = 0; d && j < d->cfg.n_lan; j++)
        inside |= ipv4_prefix_contains_addr(d->cfg.lan[j], h->address);
      if (d && has_addr && !inside)
        rerr(L, an, "address %s is not in a lanPrefixes prefix of device '%s'", an->str,
             h->device);
    }
  }
}

static const char *const link_keys[] = {"name",  "between", "delay", "rate",
                                        "loss",  "mtu",     "queue", NULL};

static void load_links(Loader *L, const YtNode *seq)
{
  const char *const *k = link_keys;
  ScnPlan *P = L->plan;
  P->links = g_new0(ScnLink, yt_len(seq));
  for (guint i = 0; i < yt_len(seq); i++) {
    const YtNode *it = g_ptr_array_index(seq->items, i);
    if (!ya_kind(&L->a, it, YT_MAP, "link"))
      continue;
    ya_keys(&L->a, it, k);
    ScnLink *l = &P->links[P->n_links++];
    *l = (ScnLink){.loc = ya_loc(&L->a, it), .delay_ns = 1000000, .rate_bps = 1000000000,
                   .mtu = 1500, .queue_packets = 100};
    const YtNode *n = ya_need(&L->a, it, "between", "link");
    if (n && ya_kind(&L->a, n, YT_SEQ, "between")) {
      if (yt_len(n) != 2) {
        ferr(L, n, "between: a link has two ends, not %zu", yt_len(n));
      } else {
        const char *ends[2];
        for (int e = 0; e < 2; e++) {
          const YtNode *x = g_ptr_array_index(n->items, e);
          ends[e] = NULL;
          if (x->kind == YT_SCALAR && strcmp(x->str, "internet") == 0)
            ends[e] = "internet";
          else if ((ends[e] = ref_node(L, x, "link end", NULL)) &&
                   strcmp(g_hash_table_lookup(L->nodes, ends[e]), "host") == 0) {
            rerr(L, x, "link end '%s' is a host: hosts sit in a subnet or behind a device",
                 ends[e]);
            ends[e] = NULL;
          }
        }
        l->a = ends[0];
        l->b = ends[1];
        if (l->a && l->b && strcmp(l->a, l->b) == 0)
          rerr(L, n, "a link joins two different nodes, not '%s' to itself", l->a);
      }
    }
    if ((n = yt_map_get(it, "name")))
      ya_str(&L->a, n, "name", &l->name);
    else if (l->a && l->b) {
      g_autofree char *s = g_strconcat(l->a, "--", l->b, NULL);
      l->name = g_string_chunk_insert(L->priv->strings, s);
    }
    if (l->name) {
      if (g_hash_table_contains(L->links, l->name))
        rerr(L, n ? n : it, "two links are named '%s' (give one a name:)", l->name);
      else
        g_hash_table_insert(L->links, (gpointer)l->name, GUINT_TO_POINTER(P->n_links));
    }
    if ((n = yt_map_get(it, "delay")))
      ya_duration(&L->a, n, "delay", &l->delay_ns);
    if ((n = yt_map_get(it, "rate")))
      ya_rate(&L->a, n, "rate", &l->rate_bps);
    if ((n = yt_map_get(it, "loss")))
      ya_ratio(&L->a, n, "loss", &l->loss);
    int64_t v;
    if ((n = yt_map_get(it, "mtu")) && ya_int(&L->a, n, "mtu", 576, 65535, &v))
      l->mtu = (unsigned)v; /* RFC 791: every host accepts 576 */
    if ((n = yt_map_get(it, "queue")) && ya_int(&L->a, n, "queue", 1, 1000000, &v))
      l->queue_packets = (unsigned)v;
  }
}

/* ---- timeline ---- */

static const char *flow_name(Loader *L, const YtNode *m, ScnAction *a, const char *kind)
{
  const YtNode *n = yt_map_get(m, "name");
  const char *name = NULL;
  if (n && !ya_str(&L->a, n, "name", &name))
    return NULL;
  if (!name) {
    for (unsigned k = 1;; k++) {
      g_autofree char *s = g_strdup_printf("%s%u", kind, k);
      if (!g_hash_table_contains(L->flows, s)) {
        name = g_string_chunk_insert(L->priv->strings, s);
        break;
      }
    }
  } else if (g_hash_table_contains(L->flows, name)) {
    rerr(L, n, "two flows are named '%s'", name);
    return NULL;
  }
  g_hash_table_insert(L->flows, (gpointer)name,
                      GUINT_TO_POINTER((unsigned)(a - L->plan->timeline) + 1));
  return name;
}

/* The two ends of a flow: two different hosts. */
static void flow_hosts(Loader *L, const YtNode *m, ScnAction *a, const char *kind)
{
  const YtNode *n;
  if ((n = ya_need(&L->a, m, "from", kind)))
    a->from = ref_node(L, n, "from", "host");
  if ((n = ya_need(&L->a, m, "to", kind)))
    a->to = ref_node(L, n, "to", "host");
  if (a->from && a->to && strcmp(a->from, a->to) == 0)
    rerr(L, m, "%s from '%s' to itself", kind, a->from);
  if ((n = yt_map_get(m, "toAddress")) && ya_ip(&L->a, n, "toAddress", &a->to_addr))
    a->has_to_addr = true;
}

/* port: the receiver's port; toPort: the port 'from' sends to (the receiver's port seen
 * through a NAT rule's port mapping, as toAddress is its address) */
static void flow_ports(Loader *L, const YtNode *m, ScnAction *a)
{
  const YtNode *n;
  int64_t v;
  if ((n = yt_map_get(m, "port")) && ya_int(&L->a, n, "port", 1, 65535, &v))
    a->port = (unsigned)v;
  if ((n = yt_map_get(m, "toPort")) && ya_int(&L->a, n, "toPort", 1, 65535, &v))
    a->to_port = (unsigned)v;
}

static void flow_size(Loader *L, const YtNode *m, ScnAction *a, unsigned dflt, int64_t min)
{
  const YtNode *n;
  int64_t v;
  a->size = dflt;
  if ((n = yt_map_get(m, "size")) && ya_int(&L->a, n, "size", min, 65000, &v))
    a->size = (unsigned)v;
}

static void flow_duration(Loader *L, const YtNode *m, ScnAction *a)
{
  const YtNode *n;
  if ((n = yt_map_get(m, "duration")) && ya_duration(&L->a, n, "duration", &a->duration_ns))
    check_time(L, n, "the flow's end", a->at_ns + a->duration_ns);
}

static void action_ping_load(Loader *L, const YtNode *m, ScnAction *a)
{
  const YtNode *n;
  int64_t v;
  flow_hosts(L, m, a, "ping");
  flow_size(L, m, a, 56, 0);
  a->interval_ns = 1000000000;
  if ((n = yt_map_get(m, "count")) && ya_int(&L->a, n, "count", 0, 100000000, &v))
    a->count = (unsigned)v;
  if ((n = yt_map_get(m, "interval")) && ya_duration(&L->a, n, "interval", &a->interval_ns) &&
      a->interval_ns == 0)
    ferr(L, n, "interval must be above zero");
  a->flow = flow_name(L, m, a, "ping");
}

static void action_udp_load(Loader *L, const YtNode *m, ScnAction *a)
{
  const YtNode *n;
  flow_hosts(L, m, a, "udp");
  flow_ports(L, m, a);
  if ((n = yt_map_get(m, "reply")))
    ya_bool(&L->a, n, "reply", &a->reply);
  /* a UDP flow datagram carries a 16-byte header (magic, sequence number, send time) */
  flow_size(L, m, a, 1200, 16);
  if ((n = ya_need(&L->a, m, "rate", "udp")))
    ya_rate(&L->a, n, "rate", &a->rate_bps);
  flow_duration(L, m, a);
  a->flow = flow_name(L, m, a, "udp");
}

static void action_tcp_load(Loader *L, const YtNode *m, ScnAction *a)
{
  const YtNode *n;
  int64_t v;
  flow_hosts(L, m, a, "tcp");
  flow_ports(L, m, a);
  /* size is not a tcp key (reported as unknown), yet a given one is read as for udp, so a
   * bad value is reported too, as the loader always did */
  flow_size(L, m, a, 1200, 0);
  if ((n = yt_map_get(m, "bytes")) && ya_int(&L->a, n, "bytes", 1, INT64_MAX, &v))
    a->bytes = (uint64_t)v;
  flow_duration(L, m, a);
  a->flow = flow_name(L, m, a, "tcp");
}

static const char *dur(int64_t ns, char *buf, size_t size)
{
  return units_format_duration(ns, buf, (unsigned)size);
}

static void action_ping_describe(GString *s, const ScnAction *a)
{
  char x[32];
  g_string_append_printf(s, "%s: %s -> %s, %u x %u bytes every %s", a->flow, a->from, a->to,
                         a->count, a->size, dur(a->interval_ns, x, sizeof x));
}

static void describe_ports(GString *s, const ScnAction *a)
{
  if (a->port)
    g_string_append_printf(s, ", port %u", a->port);
  if (a->to_port)
    g_string_append_printf(s, ", sent to port %u", a->to_port);
  if (a->reply)
    g_string_append(s, ", answered");
}

static void action_udp_describe(GString *s, const ScnAction *a)
{
  char x[32];
  g_string_append_printf(s, "%s: %s -> %s, %" PRIu64 " bps, %u-byte datagrams, for %s",
                         a->flow, a->from, a->to, a->rate_bps, a->size,
                         a->duration_ns ? dur(a->duration_ns, x, sizeof x) : "ever");
  describe_ports(s, a);
}

static void action_tcp_describe(GString *s, const ScnAction *a)
{
  char x[32];
  g_string_append_printf(s, "%s: %s -> %s, %" PRIu64 " bytes, for %s", a->flow, a->from,
                         a->to, a->bytes,
                         a->duration_ns ? dur(a->duration_ns, x, sizeof x) : "ever");
  describe_ports(s, a);
}

/* stop: the flow is resolved once every entry is read (it may start later in the file) */
static void action_stop_resolve(Loader *L, const YtNode *n, void *item)
{
  ScnAction *a = item;
  unsigned idx;
  if ((a->flow = ref_table(L, n, "flow", L->flows, &idx)) &&
      L->plan->timeline[idx].at_ns > a->at_ns)
    ya_report(&L->a, SCN_DIAG_TIME, n, "stop of flow '%s' comes before the flow starts", a->flow);
}

static void action_stop_load(Loader *L, const YtNode *v, ScnAction *a)
{
  Deferred d = {action_stop_resolve, v, a};
  g_array_append_val(L->deferred, d);
}

static void action_stop_describe(GString *s, const ScnAction *a)
{
  g_string_append(s, a->flow ? a->flow : "?");
}

/* A link: its name, or its two ends [a, b] (either order). */
static const char *ref_link(Loader *L, const YtNode *n, const char *what)
{
  if (n->kind != YT_SEQ)
    return ref_table(L, n, "link", L->links, NULL);
  if (yt_len(n) != 2) {
    ferr(L, n, "%s: a link is named by its two ends, not %zu", what, yt_len(n));
    return NULL;
  }
  const YtNode *x = g_ptr_array_index(n->items, 0), *y = g_ptr_array_index(n->items, 1);
  if (!ya_kind(&L->a, x, YT_SCALAR, what) || !ya_kind(&L->a, y, YT_SCALAR, what))
    return NULL;
  for (unsigned i = 0; i < L->plan->n_links; i++) {
    const ScnLink *l = &L->plan->links[i];
    if (l->a && l->b &&
        ((!strcmp(l->a, x->str) && !strcmp(l->b, y->str)) ||
         (!strcmp(l->a, y->str) && !strcmp(l->b, x->str))))
      return l->name;
  }
  rerr(L, n, "%s: no link between '%s' and '%s'", what, x->str, y->str);
  return NULL;
}

/* linkDown, linkUp */
static void action_link_load(Loader *L, const YtNode *v, ScnAction *a)
{
  a->link = ref_link(L, v, scn_action_name(a->kind));
}

static void action_link_describe(GString *s, const ScnAction *a)
{
  g_string_append(s, a->link ? a->link : "?");
}

static void action_set_loss_load(Loader *L, const YtNode *m, ScnAction *a)
{
  const YtNode *n;
  if ((n = ya_need(&L->a, m, "link", "setLoss")))
    a->link = ref_link(L, n, "link");
  if ((n = ya_need(&L->a, m, "loss", "setLoss")))
    ya_ratio(&L->a, n, "loss", &a->loss);
}

static void action_set_loss_describe(GString *s, const ScnAction *a)
{
  char l[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_printf(s, "%s loss %s", a->link ? a->link : "?",
                         g_ascii_formatd(l, sizeof l, "%g", a->loss));
}

static void action_set_policy_load(Loader *L, const YtNode *m, ScnAction *a)
{
  const YtNode *n;
  if ((n = ya_need(&L->a, m, "connection", "setPolicy")))
    a->connection = ref_connection(L, n, "connection");
  if ((n = ya_need(&L->a, m, "policy", "setPolicy"))) {
    if (n->kind == YT_SCALAR && strcmp(n->str, "default") == 0)
      a->policy_default = true;
    else if (n->kind == YT_SCALAR)
      ferr(L, n, "policy: 'default' or an ipsecPolicies entry (a mapping), not '%s'", n->str);
    else
      scn_cloud_load_policy(L->a.doc, n, &a->policy, L->a.diags);
  }
}

static void action_set_policy_describe(GString *s, const ScnAction *a)
{
  g_string_append_printf(s, "%s -> %s", a->connection ? a->connection : "?",
                         a->policy_default ? "default policy" : "custom policy");
}

static void action_set_shared_key_load(Loader *L, const YtNode *m, ScnAction *a)
{
  const YtNode *n;
  if ((n = ya_need(&L->a, m, "connection", "setSharedKey")))
    a->connection = ref_connection(L, n, "connection");
  if ((n = ya_need(&L->a, m, "sharedKey", "setSharedKey")))
    ya_str(&L->a, n, "sharedKey", &a->shared_key);
}

static void action_set_shared_key_describe(GString *s, const ScnAction *a)
{
  g_string_append_printf(s, "%s (new key not shown)", a->connection ? a->connection : "?");
}

static void action_reset_connection_load(Loader *L, const YtNode *v, ScnAction *a)
{
  a->connection = ref_connection(L, v, "resetConnection");
}

static void action_reset_connection_describe(GString *s, const ScnAction *a)
{
  g_string_append(s, a->connection ? a->connection : "?");
}

/* The gateway instance of plannedMaintenance, instanceFailure and resetGateway: 'gateway'
 * and 'instance' (0 or 1) or 'gatewayVip' (the instance's public IP, as the reset API takes
 * it, facts 8), and how long it stays down ('duration'). */
static void action_instance_load(Loader *L, const YtNode *m, ScnAction *a, const char *what,
                                 int64_t default_down_ns)
{
  const YtNode *n;
  int64_t v;
  if ((n = ya_need(&L->a, m, "gateway", what)))
    a->gateway = ref_node(L, n, "gateway", "virtual network gateway");
  if ((n = yt_map_get(m, "instance")) && ya_int(&L->a, n, "instance", 0, 1, &v)) {
    a->instance = (unsigned)v;
    a->has_instance = true;
  }
  if ((n = yt_map_get(m, "gatewayVip"))) {
    if (a->has_instance)
      ferr(L, n, "give instance or gatewayVip, not both");
    else if (ya_ip(&L->a, n, "gatewayVip", &a->gateway_vip))
      a->has_vip = true;
  }
  a->duration_ns = default_down_ns;
  if ((n = yt_map_get(m, "duration")))
    ya_duration(&L->a, n, "duration", &a->duration_ns);
}

static void action_instance_describe(GString *s, const ScnAction *a)
{
  char d[32], ip[IPV4_ADDR_STRLEN];
  g_string_append(s, a->gateway ? a->gateway : "?");
  if (a->has_instance)
    g_string_append_printf(s, " instance %u", a->instance);
  else if (a->has_vip)
    g_string_append_printf(s, " instance of %s", ipv4_addr_format(a->gateway_vip, ip));
  else
    g_string_append(s, " (the active instance)");
  if (a->duration_ns)
    g_string_append_printf(s, ", down for %s", units_format_duration(a->duration_ns, d, sizeof d));
  else
    g_string_append(s, ", down until the end");
}

#define SCN_INSTANCE_REBOOT_NS 60000000000LL /* not documented: a modelling choice */

static void action_reset_gateway_load(Loader *L, const YtNode *v, ScnAction *a)
{
  /* resetGateway: vgw1, or {gateway: vgw1, gatewayVip: IP} (a per-instance reset) */
  if (v->kind == YT_MAP) {
    static const char *const keys[] = {"gateway", "gatewayVip", "instance", "duration", NULL};
    if (ya_keys(&L->a, v, keys))
      action_instance_load(L, v, a, "resetGateway", SCN_INSTANCE_REBOOT_NS);
    return;
  }
  a->gateway = ref_node(L, v, "resetGateway", "virtual network gateway");
  a->duration_ns = SCN_INSTANCE_REBOOT_NS;
}

static void action_reset_gateway_describe(GString *s, const ScnAction *a)
{
  action_instance_describe(s, a);
}

static void action_planned_maintenance_load(Loader *L, const YtNode *m, ScnAction *a)
{
  action_instance_load(L, m, a, "plannedMaintenance", SCN_INSTANCE_REBOOT_NS);
}

static void action_instance_failure_load(Loader *L, const YtNode *m, ScnAction *a)
{
  action_instance_load(L, m, a, "instanceFailure", 0);
}

static void action_zone_outage_load(Loader *L, const YtNode *m, ScnAction *a)
{
  const YtNode *n;
  int64_t v;
  if ((n = ya_need(&L->a, m, "zone", "zoneOutage")) && ya_int(&L->a, n, "zone", 1, 3, &v))
    a->zone = (unsigned)v;
  if ((n = yt_map_get(m, "duration")))
    ya_duration(&L->a, n, "duration", &a->duration_ns);
}

static void action_zone_outage_describe(GString *s, const ScnAction *a)
{
  char d[32];
  g_string_append_printf(s, "zone %u", a->zone);
  if (a->duration_ns)
    g_string_append_printf(s, " for %s", units_format_duration(a->duration_ns, d, sizeof d));
}

static void action_nat_rebind_load(Loader *L, const YtNode *v, ScnAction *a)
{
  ScnPlan *P = L->plan;
  const YtNode *n;
  if (!(n = ya_need(&L->a, v, "natBox", "natRebind")) ||
      !(a->nat_box = ref_node(L, n, "natBox", "NAT box")))
    return;
  for (unsigned j = 0; j < P->n_nats; j++)
    if (P->nats[j].name && !strcmp(P->nats[j].name, a->nat_box) &&
        P->nats[j].kind != SCN_NAT_PORT)
      rerr(L, n, "natBox '%s' translates addresses only (type %s): its mappings keep "
                 "their ports, so there is nothing to rebind (type: port)",
           a->nat_box, name_get(&scn_nat_kind_names, P->nats[j].kind));
}

static void action_nat_rebind_describe(GString *s, const ScnAction *a)
{
  g_string_append_printf(s, "%s: every live mapping gets a new public port",
                         a->nat_box ? a->nat_box : "?");
}

/* ---- BGP actions (a device's speaker, models/endpoint/ep_bgp.h) ---- */

static void action_bgp_device(Loader *L, const YtNode *v, const char *what, ScnAction *a)
{
  const YtNode *n;
  if ((n = ya_need(&L->a, v, "device", what)))
    a->device = ref_node(L, n, "device", "device");
}

static void action_bgp_prefixes_load(Loader *L, const YtNode *v, ScnAction *a, const char *what)
{
  const YtNode *n;
  action_bgp_device(L, v, what, a);
  if ((n = ya_need(&L->a, v, "prefixes", what)))
    ya_prefixes(&L->a, n, "prefixes", a->prefixes, NULL, &a->n_prefixes, SCN_MAX_BGP_PREFIXES);
}

static void action_bgp_advertise_load(Loader *L, const YtNode *v, ScnAction *a)
{
  action_bgp_prefixes_load(L, v, a, "bgpAdvertise");
}

static void action_bgp_withdraw_load(Loader *L, const YtNode *v, ScnAction *a)
{
  action_bgp_prefixes_load(L, v, a, "bgpWithdraw");
}

static void action_bgp_prefixes_describe(GString *s, const ScnAction *a)
{
  g_string_append_printf(s, "%s:", a->device ? a->device : "?");
  for (unsigned i = 0; i < a->n_prefixes; i++) {
    char b[IPV4_PREFIX_STRLEN];
    g_string_append_printf(s, " %s", ipv4_prefix_format(a->prefixes[i], b));
  }
}

static void action_bgp_generated_load(Loader *L, const YtNode *v, ScnAction *a)
{
  const YtNode *n;
  int64_t c;
  action_bgp_device(L, v, "bgpAdvertiseGenerated", a);
  if ((n = ya_need(&L->a, v, "count", "bgpAdvertiseGenerated")) &&
      ya_int(&L->a, n, "count", 1, 100000, &c))
    a->count = (unsigned)c;
  if ((n = ya_need(&L->a, v, "from", "bgpAdvertiseGenerated")) &&
      ya_prefix(&L->a, n, "from", &a->gen_from) && a->count) {
    /* count prefixes of from's length, one after the other, must fit in IPv4 */
    uint64_t step = a->gen_from.len ? 1ull << (32 - a->gen_from.len) : 0;
    if (!step || (uint64_t)a->gen_from.addr.v + step * a->count > 0x100000000ull)
      ferr(L, n, "from: %u prefixes of length /%u from here do not fit in the IPv4 space",
           a->count, a->gen_from.len);
  }
}

static void action_bgp_generated_describe(GString *s, const ScnAction *a)
{
  char b[IPV4_PREFIX_STRLEN];
  g_string_append_printf(s, "%s: %u prefixes from %s", a->device ? a->device : "?", a->count,
                         ipv4_prefix_format(a->gen_from, b));
}

static void action_bgp_prepend_load(Loader *L, const YtNode *v, ScnAction *a)
{
  const YtNode *n;
  int64_t c;
  action_bgp_device(L, v, "bgpSetPrepend", a);
  if ((n = ya_need(&L->a, v, "prepend", "bgpSetPrepend")) && ya_int(&L->a, n, "prepend", 0, 16, &c))
    a->prepend = (unsigned)c;
}

static void action_bgp_prepend_describe(GString *s, const ScnAction *a)
{
  g_string_append_printf(s, "%s: its AS %u more times", a->device ? a->device : "?", a->prepend);
}

#define KEYS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Every timeline action, in the order the format lists them (the order of the "no action"
 * hint). sim/run/timeline.c has the runner's row of each. */
const ScnActionDesc scn_action_descs[] = {
    [SCN_ACT_PING] = {.name = "ping",
     .summary = "Send ICMP echo requests from a host to a host (a flow named name, or pingN).",
                      .keys = KEYS("name", "from", "to", "count", "interval", "size", "toAddress"),
                      .load = action_ping_load,
                      .describe = action_ping_describe,
                      .simulated = true},
    [SCN_ACT_UDP] = {.name = "udp",
     .summary = "Send a UDP flow at a rate from a host to a host.",
                     .keys = KEYS("name", "from", "to", "rate", "size", "duration", "toAddress",
                                  "port", "toPort", "reply"),
                     .load = action_udp_load,
                     .describe = action_udp_describe,
                     .simulated = true},
    [SCN_ACT_TCP] = {.name = "tcp",
     .summary = "Send a TCP bulk transfer from a host to a host.",
                     .keys = KEYS("name", "from", "to", "bytes", "duration", "toAddress", "port",
                                  "toPort"),
                     .load = action_tcp_load,
                     .describe = action_tcp_describe,
                     .simulated = true},
    [SCN_ACT_STOP] = {.name = "stop",
     .summary = "Stop a traffic flow, by its name.",
                      .load = action_stop_load,
                      .describe = action_stop_describe,
                      .simulated = true},
    [SCN_ACT_LINK_DOWN] = {.name = "linkDown",
     .summary = "Take an underlay link down: its name, or its two ends.",
                           .load = action_link_load,
                           .describe = action_link_describe,
                           .simulated = true,
                           .fault = true},
    [SCN_ACT_LINK_UP] = {.name = "linkUp",
     .summary = "Bring an underlay link back up: its name, or its two ends.",
                         .load = action_link_load,
                         .describe = action_link_describe,
                         .simulated = true},
    /* not simulated: the engine sets a link's loss only when it builds the link */
    [SCN_ACT_SET_LOSS] = {.name = "setLoss",
     .summary = "Change a link's loss (loaded, not simulated yet: a run refuses it).",
                          .keys = KEYS("link", "loss"),
                          .load = action_set_loss_load,
                          .describe = action_set_loss_describe,
                          .simulated = false,
                          .fault = true},
    [SCN_ACT_SET_POLICY] = {.name = "setPolicy",
     .summary = "Change a connection's IPsec/IKE policy ('default' or a custom policy).",
                            .keys = KEYS("connection", "policy"),
                            .load = action_set_policy_load,
                            .describe = action_set_policy_describe,
                            .simulated = true,
                            .fault = true},
    [SCN_ACT_SET_SHARED_KEY] = {.name = "setSharedKey",
     .summary = "Change a connection's shared key on the Azure side.",
                                .keys = KEYS("connection", "sharedKey"),
                                .load = action_set_shared_key_load,
                                .describe = action_set_shared_key_describe,
                                .simulated = true,
                                .fault = true},
    [SCN_ACT_RESET_CONNECTION] = {.name = "resetConnection",
     .summary = "Reset a connection (its SAs are deleted and it reconnects).",
                                  .load = action_reset_connection_load,
                                  .describe = action_reset_connection_describe,
                                  .simulated = true,
                                  .fault = true},
    [SCN_ACT_RESET_GATEWAY] = {.name = "resetGateway",
     .summary = "Reset a virtual network gateway: its name, or {gateway, gatewayVip|instance, duration}; the active (active-standby) or primary (active-active) instance reboots.",
                               .load = action_reset_gateway_load,
                               .describe = action_reset_gateway_describe,
                               .simulated = true,
                               .fault = true},
    [SCN_ACT_NAT_REBIND] = {.name = "natRebind",
     .summary = "Give the mappings of a port-translating NAT box new ports.",
                            .keys = KEYS("natBox"),
                            .load = action_nat_rebind_load,
                            .describe = action_nat_rebind_describe,
                            .simulated = true},
    [SCN_ACT_BGP_ADVERTISE] = {.name = "bgpAdvertise",
     .summary = "A device's BGP speaker starts advertising prefixes.",
                               .keys = KEYS("device", "prefixes"),
                               .load = action_bgp_advertise_load,
                               .describe = action_bgp_prefixes_describe,
                               .simulated = true},
    [SCN_ACT_BGP_WITHDRAW] = {.name = "bgpWithdraw",
     .summary = "A device's BGP speaker withdraws prefixes it advertised.",
                              .keys = KEYS("device", "prefixes"),
                              .load = action_bgp_withdraw_load,
                              .describe = action_bgp_prefixes_describe,
                              .simulated = true},
    [SCN_ACT_BGP_ADVERTISE_GENERATED] = {.name = "bgpAdvertiseGenerated",
     .summary = "A device advertises COUNT generated prefixes, of FROM's length, from FROM on.",
                                         .keys = KEYS("device", "count", "from"),
                                         .load = action_bgp_generated_load,
                                         .describe = action_bgp_generated_describe,
                                         .simulated = true,
                                         .fault = true},
    [SCN_ACT_BGP_SET_PREPEND] = {.name = "bgpSetPrepend",
     .summary = "A device changes how many more times it prepends its AS to what it advertises.",
                                 .keys = KEYS("device", "prepend"),
                                 .load = action_bgp_prepend_load,
                                 .describe = action_bgp_prepend_describe,
                                 .simulated = true},
    [SCN_ACT_PLANNED_MAINTENANCE] = {.name = "plannedMaintenance",
     .summary = "Planned maintenance of a gateway instance (one at a time, never both): active-standby fails over in 10-15 s.",
                                     .keys = KEYS("gateway", "instance", "gatewayVip", "duration"),
                                     .load = action_planned_maintenance_load,
                                     .describe = action_instance_describe,
                                     .simulated = true,
                                     .fault = true},
    [SCN_ACT_INSTANCE_FAILURE] = {.name = "instanceFailure",
     .summary = "An unplanned failure of a gateway instance: active-standby fails over in 1-3 min.",
                                  .keys = KEYS("gateway", "instance", "gatewayVip", "duration"),
                                  .load = action_instance_failure_load,
                                  .describe = action_instance_describe,
                                  .simulated = true,
                                  .fault = true},
    [SCN_ACT_ZONE_OUTAGE] = {.name = "zoneOutage",
     .summary = "An availability zone fails: the instances of zone-redundant (AZ) gateways in it go down.",
                             .keys = KEYS("zone", "duration"),
                             .load = action_zone_outage_load,
                             .describe = action_zone_outage_describe,
                             .simulated = true,
                             .fault = true},
};
G_STATIC_ASSERT(G_N_ELEMENTS(scn_action_descs) == SCN_ACT_COUNT);

const char *scn_action_name(ScnActionKind kind)
{
  return (unsigned)kind < SCN_ACT_COUNT ? scn_action_descs[kind].name : NULL;
}

static bool action_kind(const char *name, ScnActionKind *out)
{
  for (unsigned k = 0; k < SCN_ACT_COUNT; k++)
    if (strcmp(scn_action_descs[k].name, name) == 0) {
      *out = (ScnActionKind)k;
      return true;
    }
  return false;
}

static void load_timeline(Loader *L, const YtNode *seq)
{
  const char *k[SCN_ACT_COUNT + 2] = {"at"}; /* "at" and every action's name */
  g_autoptr(GString) names = g_string_new(NULL);
  for (unsigned i = 0; i < SCN_ACT_COUNT; i++) {
    k[i + 1] = scn_action_descs[i].name;
    g_string_append_printf(names, "%s%s", i ? ", " : "", scn_action_descs[i].name);
  }
  ScnPlan *P = L->plan;
  P->timeline = g_new0(ScnAction, yt_len(seq));
  g_autoptr(GArray) deferred = g_array_new(FALSE, FALSE, sizeof(Deferred));
  L->deferred = deferred;
  for (guint i = 0; i < yt_len(seq); i++) {
    const YtNode *it = g_ptr_array_index(seq->items, i);
    if (!ya_kind(&L->a, it, YT_MAP, "timeline entry"))
      continue;
    ya_keys(&L->a, it, k);
    ScnAction *a = &P->timeline[P->n_timeline];
    a->loc = ya_loc(&L->a, it);
    const YtNode *n = ya_need(&L->a, it, "at", "timeline entry");
    if (n && ya_duration(&L->a, n, "at", &a->at_ns))
      check_time(L, n, "at", a->at_ns);
    const YtNode *act = NULL, *actk = NULL;
    for (guint j = 0; j < yt_len(it); j++) {
      const YtNode *key = g_ptr_array_index(it->keys, j);
      ScnActionKind kind;
      if (!action_kind(key->str, &kind))
        continue;
      if (!act) {
        a->kind = kind;
        act = g_ptr_array_index(it->items, j);
        actk = key;
      } else {
        ferr(L, key, "one action per timeline entry: '%s' and '%s' (make two entries)",
             actk->str, key->str);
      }
    }
    if (!act) {
      ferr(L, it, "timeline entry: no action (%s)", names->str);
      continue;
    }
    P->n_timeline++;
    const ScnActionDesc *d = &scn_action_descs[a->kind];
    if (d->keys) {
      if (!ya_kind(&L->a, act, YT_MAP, d->name))
        continue;
      ya_keys(&L->a, act, d->keys);
    }
    d->load(L, act, a);
  }
  for (guint i = 0; i < deferred->len; i++) {
    const Deferred *d = &g_array_index(deferred, Deferred, i);
    d->fn(L, d->n, d->item);
  }
  L->deferred = NULL;
}

/* ---- expectations ---- */

static void v_names(Loader *L, const YtNode *n, const char *what, const char **arr,
                    unsigned *count, const NameTable *valid)
{
  *count = 0;
  guint total = n->kind == YT_SEQ ? n->items->len : 1;
  if (n->kind == YT_MAP) {
    ya_kind(&L->a, n, YT_SCALAR, what);
    return;
  }
  for (guint i = 0; i < total; i++) {
    const YtNode *it = n->kind == YT_SEQ ? g_ptr_array_index(n->items, i) : n;
    const char *s;
    if (*count == SCN_MAX_NAMES) {
      ferr(L, it, "%s: more than %d names", what, SCN_MAX_NAMES);
      return;
    }
    if (!ya_str(&L->a, it, what, &s))
      continue;
    int64_t v;
    if (valid && !name_parse(valid, s, &v)) {
      const char *hint = name_nearest(valid, s);
      if (hint)
        ferr(L, it, "%s '%s' is not a known %s (did you mean '%s'?)", what, s, valid->what,
             hint);
      else
        ferr(L, it, "%s '%s' is not a known %s", what, s, valid->what);
      continue;
    }
    arr[(*count)++] = s;
  }
}

static bool event_type_ok(const char *s)
{
  /* dotted lower_snake_case with at least two parts: "tunnel.up", "ike.sa.established" */
  bool dot = false, start = true;
  for (const char *p = s; *p; p++) {
    if (*p == '.') {
      if (start)
        return false;
      dot = start = true;
    } else if (g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_') {
      start = false;
    } else {
      return false;
    }
  }
  return dot && !start;
}

static void expect_tunnel_load(Loader *L, const YtNode *m, const YtNode *v, ScnExpect *x)
{
  static const NameEntry st[] = {{0, "connected"}, {1, "disconnected"}};
  static const NameTable states = {"tunnel state", st, 2};
  const YtNode *n;
  int s;
  x->connection = ref_connection(L, v, "tunnel");
  if ((n = ya_need(&L->a, m, "state", "tunnel")) && ya_enum(&L->a, n, "state", &states, &s))
    x->state = st[s].name;
  /* one gateway instance's tunnel (facts 8: each instance has its own), or a device's */
  if ((n = yt_map_get(m, "node")))
    x->node = ref_node_or_instance(L, n, "node");
}

static void expect_sa_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  static const NameEntry sk[] = {{0, "ike"}, {1, "child"}};
  static const NameTable kinds = {"SA kind", sk, 2};
  static const NameEntry st[] = {{0, "established"}, {1, "deleted"}};
  static const NameTable states = {"SA state", st, 2};
  const YtNode *n;
  int v;
  if (ya_enum(&L->a, kv, "sa", &kinds, &v))
    x->sa_child = v == 1;
  if ((n = ya_need(&L->a, m, "connection", "sa")))
    x->connection = ref_connection(L, n, "connection");
  if ((n = ya_need(&L->a, m, "state", "sa")) && ya_enum(&L->a, n, "state", &states, &v))
    x->state = st[v].name;
}

static void expect_ike_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const YtNode *n;
  const char *ex;
  int64_t v;
  if (ya_str(&L->a, kv, "ike", &ex)) {
    if (strcmp(ex, "any") == 0)
      x->exchange = NULL;
    else if (name_parse(&ikev2_exchange_names, ex, &v))
      x->exchange = ex;
    else if (name_parse(&ikev1_exchange_event_names, ex, &v))
      x->exchange = ex; /* an IKEv1 connection's: "Quick Mode", ... (models/ike/ikev1_sa.h) */
    else {
      const char *hint = name_nearest(&ikev2_exchange_names, ex);
      ferr(L, kv, "ike '%s' is not an IKEv2 exchange type (IKE_SA_INIT, IKE_AUTH, "
                  "CREATE_CHILD_SA, INFORMATIONAL) or 'any'%s%s%s",
           ex, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    }
  }
  if ((n = yt_map_get(m, "connection")))
    x->connection = ref_connection(L, n, "connection");
  if ((n = yt_map_get(m, "notify")))
    v_names(L, n, "notify", x->notifies, &x->n_notifies, &ikev2_notify_names);
  if ((n = yt_map_get(m, "seen")))
    ya_bool(&L->a, n, "seen", &x->seen);
  if ((n = yt_map_get(m, "count")))
    v_bound(L, n, "count", B_NUMBER, &x->count);
}

/* ping: a flow's name, or {from, to}: the one ping flow between them */
static void expect_ping_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const ScnPlan *P = L->plan;
  const YtNode *n;
  if (kv->kind == YT_MAP) {
    static const char *const fk[] = {"from", "to", NULL};
    ya_keys(&L->a, kv, fk);
    const YtNode *fn = ya_need(&L->a, kv, "from", "ping"), *tn = ya_need(&L->a, kv, "to", "ping");
    if (!fn || !tn || !ya_kind(&L->a, fn, YT_SCALAR, "from") || !ya_kind(&L->a, tn, YT_SCALAR, "to"))
      return;
    unsigned found = 0;
    for (unsigned j = 0; j < P->n_timeline; j++) {
      const ScnAction *a = &P->timeline[j];
      if (a->kind == SCN_ACT_PING && a->from && a->to && !strcmp(a->from, fn->str) &&
          !strcmp(a->to, tn->str) && found++ == 0)
        x->flow = a->flow;
    }
    if (found != 1) {
      rerr(L, kv, "%s ping from '%s' to '%s' in the timeline%s", found ? "more than one" : "no",
           fn->str, tn->str, found ? " (name the flows and give the name)" : "");
      x->flow = NULL;
    }
  } else {
    x->flow = ref_table(L, kv, "ping flow", L->flows, NULL);
  }
  if ((n = yt_map_get(m, "successRatio")))
    v_bound(L, n, "successRatio", B_NUMBER, &x->success_ratio);
  if ((n = yt_map_get(m, "rttAvg")))
    v_bound(L, n, "rttAvg", B_DURATION, &x->rtt_avg);
  if ((n = yt_map_get(m, "rttMax")))
    v_bound(L, n, "rttMax", B_DURATION, &x->rtt_max);
  if (!x->success_ratio.set && !x->rtt_avg.set && !x->rtt_max.set)
    ferr(L, m, "ping: give successRatio, rttAvg or rttMax");
}

static void expect_throughput_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const YtNode *n;
  unsigned idx;
  if ((x->flow = ref_table(L, kv, "flow", L->flows, &idx)) &&
      L->plan->timeline[idx].kind == SCN_ACT_PING)
    rerr(L, kv, "throughput of '%s', a ping flow (give a udp or tcp flow)", x->flow);
  if ((n = yt_map_get(m, "andFlows"))) {
    /* the rate of several flows together (tunnels sharing a gateway's aggregate) */
    if (n->kind != YT_SEQ || yt_len(n) > SCN_MAX_NAMES)
      ferr(L, n, "andFlows: give a list of at most %d udp or tcp flows", SCN_MAX_NAMES);
    else
      for (guint i = 0; i < n->items->len; i++) {
        const char *f = ref_table(L, g_ptr_array_index(n->items, i), "andFlows", L->flows, NULL);
        if (f)
          x->and_flows[x->n_and_flows++] = f;
      }
  }
  if ((n = yt_map_get(m, "rate")))
    v_bound(L, n, "rate", B_RATE, &x->rate);
  if ((n = yt_map_get(m, "pps")))
    v_bound(L, n, "pps", B_NUMBER, &x->pps);
  if (!yt_map_get(m, "rate") && !yt_map_get(m, "pps"))
    ferr(L, m, "throughput: give rate or pps");
}

static void expect_counter_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const YtNode *n;
  ya_str(&L->a, kv, "counter", &x->counter);
  if ((n = yt_map_get(m, "node")))
    x->node = ref_node_or_instance(L, n, "node");
  if ((n = ya_need(&L->a, m, "value", "counter")))
    v_bound(L, n, "value", B_NUMBER, &x->value);
}

static void expect_event_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const YtNode *n;
  if (ya_str(&L->a, kv, "event", &x->event_type) && !event_type_ok(x->event_type)) {
    ferr(L, kv, "event '%s' is not an event type such as tunnel.up or ike.sa.established",
         x->event_type);
    x->event_type = NULL;
  }
  if ((n = yt_map_get(m, "node")))
    x->node = ref_node_or_instance(L, n, "node");
  if ((n = yt_map_get(m, "attrs")) && ya_kind(&L->a, n, YT_MAP, "attrs")) {
    for (guint j = 0; j < yt_len(n); j++) {
      const YtNode *ak = g_ptr_array_index(n->keys, j), *av = g_ptr_array_index(n->items, j);
      if (x->n_match == SCN_MAX_MATCH) {
        ferr(L, ak, "attrs: more than %d", SCN_MAX_MATCH);
        break;
      }
      if (ya_kind(&L->a, av, YT_SCALAR, ak->str))
        x->match[x->n_match++] = (ScnAttrMatch){ak->str, av->str};
    }
  }
  if ((n = yt_map_get(m, "seen")))
    ya_bool(&L->a, n, "seen", &x->seen);
  if ((n = yt_map_get(m, "count")))
    v_bound(L, n, "count", B_NUMBER, &x->count);
}

static void expect_validation_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  static const NameEntry vk[] = {{1, "valid"}, {0, "invalid"}};
  static const NameTable verdicts = {"validation verdict", vk, 2};
  const YtNode *n;
  int v;
  if (ya_enum(&L->a, kv, "validation", &verdicts, &v))
    x->valid = v == 1;
  if ((n = yt_map_get(m, "rules"))) {
    v_names(L, n, "rules", x->rules, &x->n_rules, NULL);
    for (unsigned j = 0; j < x->n_rules; j++)
      if (!gw_rule_find(x->rules[j]))
        rerr(L, n, "rules: '%s' is not a rule ID (see 'vpnsim list rules')", x->rules[j]);
    if (x->valid && x->n_rules)
      ferr(L, n, "rules: a valid configuration has no errors to name");
  }
  if ((n = yt_map_get(m, "warnings"))) {
    v_names(L, n, "warnings", x->warnings, &x->n_warnings, NULL);
    for (unsigned j = 0; j < x->n_warnings; j++)
      if (!gw_rule_find(x->warnings[j]))
        rerr(L, n, "warnings: '%s' is not a rule ID (see 'vpnsim list rules')", x->warnings[j]);
  }
}

static void expect_traffic_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const YtNode *n;
    x->connection = ref_connection(L, kv, "trafficBothWays");
    if ((n = yt_map_get(m, "node")) && (x->node = ref_node_or_instance(L, n, "node"))) {
      /* only tunnel endpoints report tunnel.stats */
      g_autofree char *base = g_strdup(x->node);
      char *slash = strrchr(base, '/');
      if (slash && g_hash_table_lookup(L->nodes, base) == NULL)
        *slash = '\0';
      const char *k = g_hash_table_lookup(L->nodes, base);
      if (k && strcmp(k, "virtual network gateway") && strcmp(k, "device"))
        rerr(L, n, "node '%s' is a %s: only gateways and devices carry tunnels", x->node, k);
    }
    const YtNode *fn = yt_map_get(m, "from"), *tn = yt_map_get(m, "to");
    if (fn && ya_duration(&L->a, fn, "from", &x->from_ns)) {
      x->has_from = true;
      check_time(L, fn, "from", x->from_ns);
    }
    if (tn && x->has_by) {
      ferr(L, tn, "trafficBothWays: give 'to' or 'by', not both");
    } else if (tn && ya_duration(&L->a, tn, "to", &x->by_ns)) {
      x->has_by = true;
      check_time(L, tn, "to", x->by_ns);
    }
    if (x->has_from && x->has_by && x->from_ns >= x->by_ns)
      ferr(L, fn, "trafficBothWays: 'from' must come before the end of the interval");
    if ((n = yt_map_get(m, "packets")))
      v_bound(L, n, "packets", B_NUMBER, &x->packets);
}

/* outage: a ping flow (the longest time without an echo reply), a udp flow (the longest
 * time without a datagram received; with 'node', among those that crossed one gateway
 * instance) or a connection (the longest time its tunnel was down; with 'node', one
 * gateway instance's tunnel) */
static void expect_outage_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const YtNode *n;
  unsigned idx = 0;
  if (kv->kind == YT_SCALAR && g_hash_table_lookup(L->flows, kv->str)) {
    x->flow = ref_table(L, kv, "flow", L->flows, &idx);
    ScnActionKind k = L->plan->timeline[idx].kind;
    x->flow_udp = k == SCN_ACT_UDP;
    if (k != SCN_ACT_PING && k != SCN_ACT_UDP)
      rerr(L, kv, "outage of '%s', a %s flow (give a ping or udp flow, or a connection)",
           x->flow, scn_action_name(k));
  } else {
    x->connection = ref_connection(L, kv, "outage (a ping or udp flow, or a connection)");
  }
  if ((n = yt_map_get(m, "node"))) {
    if (x->flow && !x->flow_udp)
      ferr(L, n, "outage: 'node' goes with a udp flow or a connection, not a ping flow");
    else if (x->flow && !strchr(n->kind == YT_SCALAR ? n->str : "", '/'))
      ferr(L, n, "outage: with a udp flow, 'node' is a gateway instance (GATEWAY/0 or "
                 "GATEWAY/1) whose tunnels the datagrams crossed");
    else
      x->node = ref_node_or_instance(L, n, "node");
  }
  if ((n = ya_need(&L->a, m, "longest", "outage")))
    v_bound(L, n, "longest", B_DURATION, &x->longest);
}

/* Every expectation kind, in the order the format lists them (the order of the "no check"
 * hint). sim/run/expect.c has the evaluator's row of each. */
/* ---- BGP expectations ---- */

static void expect_bgp_session_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const YtNode *n;
  int v;
  x->node = ref_node_or_instance(L, kv, "bgpSession");
  if ((n = yt_map_get(m, "peer")))
    ya_str(&L->a, n, "peer", &x->bgp_peer);
  if ((n = ya_need(&L->a, m, "state", "bgpSession")) &&
      ya_enum(&L->a, n, "state", &bgp_state_names, &v))
    x->bgp_state = name_get(&bgp_state_names, v);
}

static void expect_bgp_route_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const YtNode *n;
  x->node = ref_node_or_instance(L, kv, "bgpRoute");
  x->present = true;
  if ((n = ya_need(&L->a, m, "prefix", "bgpRoute")) && ya_prefix(&L->a, n, "prefix", &x->prefix))
    x->has_prefix = true;
  if ((n = yt_map_get(m, "asPath")) && ya_scalar(&L->a, n, "asPath", &x->as_path)) {
    for (const char *c = x->as_path; *c; c++)
      if (!g_ascii_isdigit(*c) && *c != ' ' && *c != '{' && *c != '}') {
        ferr(L, n, "asPath: ASNs separated by spaces, an AS_SET in braces (\"65010 65020\"), "
                   "not '%s'", x->as_path);
        x->as_path = NULL;
        break;
      }
  }
  if ((n = yt_map_get(m, "via")))
    x->bgp_tunnel = ref_connection(L, n, "via");
  if ((n = yt_map_get(m, "present")))
    ya_bool(&L->a, n, "present", &x->present);
}

static void expect_bgp_routes_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  const YtNode *n;
  x->node = ref_node_or_instance(L, kv, "bgpRoutes");
  if ((n = ya_need(&L->a, m, "count", "bgpRoutes")))
    v_bound(L, n, "count", B_NUMBER, &x->routes);
}

/* p2sClient: a client of the p2sClients entries (NAME, or NAME-NNN of a population) */
static void expect_p2s_client_load(Loader *L, const YtNode *m, const YtNode *kv, ScnExpect *x)
{
  static const NameEntry se[] = {{0, "connected"}, {1, "refused"}, {2, "notConnected"}};
  static const NameTable states = {"P2S client state", se, 3};
  const YtNode *n;
  const char *name;
  if (!ya_str(&L->a, kv, "p2sClient", &name))
    return;
  const ScnPlan *P = L->plan;
  for (unsigned i = 0; i < P->n_p2s_clients && !x->p2s_client; i++) {
    const ScnP2sClient *c = &P->p2s_clients[i];
    if (!c->name)
      continue;
    size_t k = strlen(c->name);
    unsigned idx = 0;
    if (c->count == 1 && !strcmp(name, c->name)) {
      idx = 1;
    } else if (c->count > 1 && !strncmp(name, c->name, k) && name[k] == '-') {
      char *end;
      unsigned long v = strtoul(name + k + 1, &end, 10);
      if (!*end && v >= 1 && v <= c->count)
        idx = (unsigned)v;
    }
    if (idx) {
      x->p2s_client = name;
      ipv4_addr_format((Ipv4Addr){c->public_ip.v + idx - 1}, x->p2s_peer_ip);
    }
  }
  if (!x->p2s_client)
    rerr(L, kv, "p2sClient '%s' is not a client of p2sClients (NAME, or NAME-001 ... of a "
                "population)", name);
  int st = 0;
  x->p2s_state = "connected";
  if ((n = yt_map_get(m, "state")) && ya_enum(&L->a, n, "state", &states, &st))
    x->p2s_state = name_get(&states, st);
  if ((n = yt_map_get(m, "address"))) {
    if (n->kind == YT_SCALAR && strchr(n->str, '/')) {
      if (ya_prefix(&L->a, n, "address", &x->prefix))
        x->has_prefix = true;
    } else if (ya_ip(&L->a, n, "address", &x->p2s_address)) {
      x->has_p2s_address = true;
    }
  }
  if ((n = yt_map_get(m, "reason")))
    ya_str(&L->a, n, "reason", &x->p2s_reason);
}

static void expect_p2s_connections_load(Loader *L, const YtNode *m, const YtNode *kv,
                                        ScnExpect *x)
{
  const YtNode *n;
  x->node = ref_node(L, kv, "p2sConnections", "virtual network gateway");
  if ((n = ya_need(&L->a, m, "count", "p2sConnections")))
    v_bound(L, n, "count", B_NUMBER, &x->count);
}

const ScnExpectDesc scn_expect_descs[] = {
    [SCN_EXP_TUNNEL] = {.name = "tunnel",
     .summary = "A connection's tunnel state (connected, disconnected) at 'by'; with node, one gateway instance's or device's tunnel.", .keys = KEYS("state", "node"), .load = expect_tunnel_load},
    [SCN_EXP_SA] = {.name = "sa",
     .summary = "An IKE or child SA state (established, deleted) of a connection at a time.", .keys = KEYS("connection", "state"), .load = expect_sa_load},
    [SCN_EXP_IKE] = {.name = "ike",
     .summary = "IKE exchanges (IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL, any) and notifies seen or not.",
                     .keys = KEYS("connection", "notify", "seen", "count"),
                     .load = expect_ike_load},
    [SCN_EXP_PING] = {.name = "ping",
     .summary = "The success ratio and RTT of a ping flow.",
                      .keys = KEYS("successRatio", "rttAvg", "rttMax"),
                      .load = expect_ping_load},
    [SCN_EXP_THROUGHPUT] = {.name = "throughput",
     .summary = "The throughput of a UDP or TCP flow (and its packet rate), or of several flows together.",
                            .keys = KEYS("rate", "pps", "andFlows"),
                            .load = expect_throughput_load},
    [SCN_EXP_COUNTER] = {.name = "counter",
     .summary = "A final counter (drops.total, ingress.packets, link.lost, ...) of a node.",
                         .keys = KEYS("node", "value"),
                         .load = expect_counter_load},
    [SCN_EXP_EVENT] = {.name = "event",
     .summary = "Events of a type, with attributes, present or absent.",
                       .keys = KEYS("node", "attrs", "seen", "count"),
                       .load = expect_event_load},
    [SCN_EXP_VALIDATION] = {.name = "validation",
     .summary = "The verdict of the configuration rules (valid or not, rule IDs found, "
                "rule IDs that warned).",
                            .keys = KEYS("rules", "warnings"),
                            .load = expect_validation_load},
    [SCN_EXP_TRAFFIC] = {.name = "trafficBothWays",
     .summary = "Packets both ways through a tunnel over an interval (tunnel.stats).",
                         .keys = KEYS("node", "from", "to", "packets"),
                         .load = expect_traffic_load},
    [SCN_EXP_BGP_SESSION] = {.name = "bgpSession",
     .summary = "The state of a node's BGP session (with a peer, or any) at 'by'.",
                             .keys = KEYS("peer", "state"),
                             .load = expect_bgp_session_load},
    [SCN_EXP_BGP_ROUTE] = {.name = "bgpRoute",
     .summary = "A prefix a node routes from BGP at 'by' (with an AS path, via a connection's tunnel), or not.",
                           .keys = KEYS("prefix", "asPath", "via", "present"),
                           .load = expect_bgp_route_load},
    [SCN_EXP_BGP_ROUTES] = {.name = "bgpRoutes",
     .summary = "How many prefixes a node routes from BGP at 'by'.",
                            .keys = KEYS("count"),
                            .load = expect_bgp_routes_load},
    [SCN_EXP_OUTAGE] = {.name = "outage",
     .summary = "The longest gap in a ping flow's replies or a udp flow's receipts (per gateway instance crossed with node), or the longest time a connection's tunnel was down (per instance with node), e.g. longest: \"< 15s\".",
                        .keys = KEYS("node", "longest"),
                        .load = expect_outage_load},
    [SCN_EXP_P2S_CLIENT] = {.name = "p2sClient",
     .summary = "A point-to-site client's state at 'by': connected (with address: an exact address or a prefix it is in), refused (with reason: text the refusal contains), or notConnected.",
                            .keys = KEYS("state", "address", "reason"),
                            .load = expect_p2s_client_load},
    [SCN_EXP_P2S_CONNECTIONS] = {.name = "p2sConnections",
     .summary = "How many point-to-site clients a gateway has connected at 'by'.",
                                 .keys = KEYS("count"),
                                 .load = expect_p2s_connections_load},
};
G_STATIC_ASSERT(G_N_ELEMENTS(scn_expect_descs) == SCN_EXP_COUNT);

const char *scn_expect_name(ScnExpectKind kind)
{
  return (unsigned)kind < SCN_EXP_COUNT ? scn_expect_descs[kind].name : NULL;
}

static bool expect_kind(const char *name, ScnExpectKind *out)
{
  for (unsigned k = 0; k < SCN_EXP_COUNT; k++)
    if (strcmp(scn_expect_descs[k].name, name) == 0) {
      *out = (ScnExpectKind)k;
      return true;
    }
  return false;
}

/* 'by', the kind's name and its keys; every kind's when kind is SCN_EXP_COUNT (for the
 * hint on a misspelt key of an expectation without a check). */
static GPtrArray *expect_keys(ScnExpectKind kind)
{
  GPtrArray *a = g_ptr_array_new();
  g_ptr_array_add(a, (gpointer) "by");
  for (unsigned k = 0; k < SCN_EXP_COUNT; k++) {
    if (kind != SCN_EXP_COUNT && k != kind)
      continue;
    g_ptr_array_add(a, (gpointer)scn_expect_descs[k].name);
    for (const char *const *p = scn_expect_descs[k].keys; p && *p; p++)
      g_ptr_array_add(a, (gpointer)*p);
  }
  g_ptr_array_add(a, NULL);
  return a;
}

static void load_expects(Loader *L, const YtNode *seq)
{
  ScnPlan *P = L->plan;
  P->expects = g_new0(ScnExpect, yt_len(seq));
  g_autoptr(GString) names = g_string_new(NULL);
  for (unsigned k = 0; k < SCN_EXP_COUNT; k++)
    g_string_append_printf(names, "%s%s", k ? ", " : "", scn_expect_descs[k].name);
  for (guint i = 0; i < yt_len(seq); i++) {
    const YtNode *it = g_ptr_array_index(seq->items, i);
    if (!ya_kind(&L->a, it, YT_MAP, "expectation"))
      continue;
    ScnExpect *x = &P->expects[P->n_expects];
    x->loc = ya_loc(&L->a, it);
    x->seen = true;
    const YtNode *kn = NULL, *kv = NULL;
    for (guint j = 0; j < yt_len(it); j++) {
      const YtNode *key = g_ptr_array_index(it->keys, j);
      ScnExpectKind kind;
      if (!expect_kind(key->str, &kind))
        continue;
      if (!kn) {
        x->kind = kind;
        kn = key;
        kv = g_ptr_array_index(it->items, j);
      } else {
        ferr(L, key, "one check per expectation: '%s' and '%s' (make two entries)", kn->str,
             key->str);
      }
    }
    if (!kn) {
      g_autoptr(GPtrArray) all = expect_keys(SCN_EXP_COUNT);
      ya_keys(&L->a, it, (const char *const *)all->pdata);
      ferr(L, it, "expectation: no check (%s)", names->str);
      continue;
    }
    P->n_expects++;
    {
      g_autoptr(GPtrArray) allowed = expect_keys(x->kind);
      ya_keys(&L->a, it, (const char *const *)allowed->pdata);
    }
    const YtNode *n;
    if ((n = yt_map_get(it, "by")) && ya_duration(&L->a, n, "by", &x->by_ns)) {
      x->has_by = true;
      check_time(L, n, "by", x->by_ns);
    }
    scn_expect_descs[x->kind].load(L, it, kv, x);
  }
}


/* ---- point-to-site clients ---- */

static const char *const p2s_client_keys[] = {
    "name", "gateway", "protocol", "publicIpAddress", "count", "connectAt", "connectSpread",
    "certificate", "reconnect", "ikeFragmentation", "linkDelay", "tlsVersion",
    "reconnectDelay", NULL};
static const char *const p2s_cert_keys[] = {"issuer", "keyType", "keyBits", NULL};

static void load_p2s_clients(Loader *L, const YtNode *seq)
{
  ScnPlan *P = L->plan;
  P->p2s_clients = g_new0(ScnP2sClient, yt_len(seq));
  for (guint i = 0; i < yt_len(seq); i++) {
    const YtNode *it = g_ptr_array_index(seq->items, i);
    if (!ya_kind(&L->a, it, YT_MAP, "p2sClients entry"))
      continue;
    ya_keys(&L->a, it, p2s_client_keys);
    ScnP2sClient *c = &P->p2s_clients[P->n_p2s_clients++];
    c->loc = ya_loc(&L->a, it);
    c->count = 1;
    c->protocol = GW_P2S_PROTO_IKEV2;
    c->key_bits = 2048;
    const YtNode *n;
    int64_t v;
    if ((n = yt_map_get(it, "count")) && ya_int(&L->a, n, "count", 1, 20000, &v))
      c->count = (unsigned)v;
    if ((n = ya_need(&L->a, it, "name", "p2sClients entry")) && ya_str(&L->a, n, "name", &c->name))
      add_node(L, n, c->name, c->count == 1 ? "host" : "P2S client population");
    if ((n = ya_need(&L->a, it, "gateway", "p2sClients entry")))
      c->gateway = ref_node(L, n, "gateway", "virtual network gateway");
    if ((n = yt_map_get(it, "protocol")) && ya_kind(&L->a, n, YT_SCALAR, "protocol")) {
      int64_t pv;
      if (!name_parse(&gw_p2s_protocol_names, n->str, &pv))
        ferr(L, n, "protocol '%s' is not one of IkeV2, SSTP, OpenVPN", n->str);
      else
        c->protocol = (unsigned)pv;
    }
    if ((n = ya_need(&L->a, it, "publicIpAddress", "p2sClients entry")))
      ya_ip(&L->a, n, "publicIpAddress", &c->public_ip);
    if ((n = yt_map_get(it, "connectAt")) && ya_duration(&L->a, n, "connectAt", &c->connect_at_ns))
      check_time(L, n, "connectAt", c->connect_at_ns);
    if ((n = yt_map_get(it, "connectSpread")))
      ya_duration(&L->a, n, "connectSpread", &c->connect_spread_ns);
    if ((n = yt_map_get(it, "reconnect")))
      ya_bool(&L->a, n, "reconnect", &c->reconnect);
    /* OpenVPN, SSTP: the wait before connecting again (openvpn(8) --connect-retry) */
    if ((n = yt_map_get(it, "reconnectDelay")) &&
        ya_duration(&L->a, n, "reconnectDelay", &c->reconnect_delay_ns) &&
        c->reconnect_delay_ns <= 0)
      ferr(L, n, "reconnectDelay must be more than 0");
    if ((n = yt_map_get(it, "ikeFragmentation")))
      ya_bool(&L->a, n, "ikeFragmentation", &c->ike_fragmentation);
    /* OpenVPN and SSTP: the newest TLS version the client offers (facts 7.1: 1.2 and 1.3) */
    if ((n = yt_map_get(it, "tlsVersion")) && ya_kind(&L->a, n, YT_SCALAR, "tlsVersion")) {
      if (!strcmp(n->str, "1.2"))
        c->tls_max_version = 0x0303;
      else if (strcmp(n->str, "1.3"))
        ferr(L, n, "tlsVersion '%s' is not one of 1.2, 1.3", n->str);
    }
    c->link_delay_ns = 5000000;
    if ((n = yt_map_get(it, "linkDelay")))
      ya_duration(&L->a, n, "linkDelay", &c->link_delay_ns);
    const YtNode *cert = ya_need(&L->a, it, "certificate", "p2sClients entry");
    if (cert && ya_kind(&L->a, cert, YT_MAP, "certificate")) {
      ya_keys(&L->a, cert, p2s_cert_keys);
      if ((n = ya_need(&L->a, cert, "issuer", "certificate")))
        ya_str(&L->a, n, "issuer", &c->issuer);
      if ((n = yt_map_get(cert, "keyType")) && ya_kind(&L->a, n, YT_SCALAR, "keyType")) {
        if (!strcmp(n->str, "ECDSA"))
          c->key_type = SCN_P2S_KEY_ECDSA;
        else if (strcmp(n->str, "RSA"))
          ferr(L, n, "keyType '%s' is not one of RSA, ECDSA", n->str);
      }
      if ((n = yt_map_get(cert, "keyBits")) && ya_int(&L->a, n, "keyBits", 1024, 4096, &v)) {
        if (v % 16)
          ferr(L, n, "keyBits must be a multiple of 16");
        c->key_bits = (unsigned)v;
      }
    }
    /* an issuer the gateway does not list is a root of its own (a rogue CA the run
     * generates too): the gateway refuses its clients */
    if (c->count == 1 && c->name) {
      P->hosts = g_renew(ScnHost, P->hosts, P->n_hosts + 1);
      ScnHost *h = &P->hosts[P->n_hosts++];
      *h = (ScnHost){.loc = c->loc, .name = c->name, .kind = SCN_HOST_P2S_CLIENT};
    }
  }
}

/* ---- the whole file ---- */

static const char *const top_keys[] = {"name",       "description", "seed",     "duration",
                                       "references", "options",     "cloud",    "onPremises",
                                       "hosts",      "underlay",    "timeline", "expect",
                                       "statsInterval", "faults", "p2sClients", "check", "extends", NULL};
/* check: a conformance check's catalogue entry (conformance/checks/, docs/conformance.md):
 * read by the catalogue generator, not by a run */
static const char *const check_keys[] = {"id", "statement", "source", "role", "status",
                                         "waitsFor", "matrix", "fault", NULL};
static const char *const check_fault_keys[] = {"what", "edit", "fails", NULL};
static const char *const fault_keys[] = {"bgpRulesOff", "natRules",         "ikeRulesOff",
                                         "gatewayImpair", "p2s", "defaultOffersOff", NULL};

/* faults: {natRules: [names of gw_nat_fault_names]}: the gateway's NAT done wrong */
static void load_nat_faults(Loader *L, const YtNode *r)
{
  if (!r || !ya_kind(&L->a, r, YT_SEQ, "natRules"))
    return;
  for (guint i = 0; i < yt_len(r); i++) {
    const YtNode *it = g_ptr_array_index(r->items, i);
    int v;
    if (ya_enum(&L->a, it, "natRules", &gw_nat_fault_names, &v))
      L->plan->nat_faults |= (uint32_t)v;
  }
}

/* faults: {bgpRulesOff: [row names of models/bgp/bgp_azure.h], gatewayImpair: [impair
 * items, added to every connection of every gateway]} */
static void load_faults(Loader *L, const YtNode *n)
{
  if (!ya_kind(&L->a, n, YT_MAP, "faults"))
    return;
  ya_keys(&L->a, n, fault_keys);
  load_nat_faults(L, yt_map_get(n, "natRules"));
  const YtNode *ik = yt_map_get(n, "ikeRulesOff");
  if (ik && ya_kind(&L->a, ik, YT_SEQ, "ikeRulesOff"))
    for (guint i = 0; i < yt_len(ik); i++) {
      int v;
      if (ya_enum(&L->a, g_ptr_array_index(ik->items, i), "ikeRulesOff", &gw_ike_fault_names, &v))
        L->plan->ike_faults |= 1u << v;
    }
  const YtNode *gi = yt_map_get(n, "gatewayImpair");
  if (gi) {
    EpImpairSet s = {0};
    scn_impair_load(&L->a, gi, &s);
    for (unsigned k = 0; L->plan->cloud && k < L->plan->cloud->n_connections; k++) {
      EpImpairSet *c = &L->plan->cloud->connections[k].impair;
      for (unsigned j = 0; j < s.n && c->n < EP_IMPAIR_MAX; j++)
        c->v[c->n++] = s.v[j];
    }
  }
  const YtNode *of = yt_map_get(n, "defaultOffersOff");
  if (of && ya_kind(&L->a, of, YT_SEQ, "defaultOffersOff"))
    for (guint i = 0; i < yt_len(of); i++) {
      const YtNode *it = g_ptr_array_index(of->items, i);
      const char *name;
      if (!ya_str(&L->a, it, "defaultOffersOff", &name) ||
          gw_offer_fault_add(&L->plan->offers_off, name))
        continue;
      GString *all = g_string_new(NULL);
      for (size_t j = 0; j < gw_n_default_proposals; j++)
        g_string_append_printf(all, "%s%s/1-%zu", j ? ", " : "", gw_default_proposals[j].id,
                               gw_default_proposals[j].n);
      ferr(L, it, "defaultOffersOff: no default proposal row '%s' (LIST/ROW: %s)", name, all->str);
      g_string_free(all, TRUE);
    }
  const YtNode *pf = yt_map_get(n, "p2s");
  if (pf && ya_kind(&L->a, pf, YT_SEQ, "p2s")) {
    for (guint i = 0; i < yt_len(pf); i++) {
      const YtNode *it = g_ptr_array_index(pf->items, i);
      const char *name;
      int64_t v;
      if (!ya_str(&L->a, it, "p2s", &name))
        continue;
      if (name_parse(&gw_p2s_fault_names, name, &v))
        L->plan->p2s_faults |= (uint32_t)v;
      else
        ferr(L, it, "p2s: no P2S fault '%s' (noConnectionLimit, ignoreRevoked, acceptEcdsa, "
                    "s2sPeerP2s, reversedProposals, wholePool, anyRoot, anyTunnelType, "
                    "noTlsTakeover, ikev2InstanceIp)", name);
    }
  }
  const YtNode *r = yt_map_get(n, "bgpRulesOff");
  if (!r || !ya_kind(&L->a, r, YT_SEQ, "bgpRulesOff"))
    return;
  for (guint i = 0; i < yt_len(r); i++) {
    const YtNode *it = g_ptr_array_index(r->items, i);
    const char *name;
    if (!ya_str(&L->a, it, "bgpRulesOff", &name))
      continue;
    int k = bgp_azure_rule_index(name);
    if (k >= 0) {
      L->plan->bgp_rules_off |= 1u << k;
      continue;
    }
    GString *all = g_string_new(NULL);
    for (size_t j = 0; j < bgp_azure_n_rules; j++)
      g_string_append_printf(all, "%s%s", j ? ", " : "", bgp_azure_rules[j].name);
    ferr(L, it, "bgpRulesOff: no Azure BGP rule '%s' (%s)", name, all->str);
    g_string_free(all, TRUE);
  }
}
static const char *const onprem_keys[] = {"devices", "natBoxes", NULL};
static const char *const underlay_keys[] = {"links", NULL};

/* The tables above, where they apply, for tools (vpnsim schema). The cloud section's are
 * scn_cloud_key_tables; timeline and expect follow the descriptor rows. */
const YaKeyTable scn_key_tables[] = {
    {"", top_keys, "A vpnsim scenario (docs/scenario-format.md)."},
    {"check", check_keys,
     "A conformance check's catalogue entry (docs/conformance.md), beside its scenario: "
     "read by the catalogue generator at build time, ignored by a run."},
    {"check.fault", check_fault_keys,
     "The gateway fault under which the check must fail (the catalogue's self-test): what "
     "goes wrong, the edit of the scenario that applies it, the failure expected."},
    {"onPremises", onprem_keys, "The on-premises side: VPN devices and NAT boxes."},
    {"onPremises.devices[]", dkeys,
     "A VPN device: a profile's settings (profiles/NAME.yaml) with the scenario's overrides."},
    {"onPremises.devices[].trafficSelectors", ts_keys,
     "'any', or the device's own traffic selectors as prefixes."},
    {"onPremises.devices[].dpd", dpd_keys, "Dead peer detection (RFC 3706 / RFC 7296 liveness)."},
    {"onPremises.devices[].natTraversal", natt_keys, "NAT traversal (RFC 3947, RFC 3948)."},
    {"onPremises.devices[].bgp", dev_bgp_keys,
     "The device's BGP speaker over its tunnel: its AS and BGP address (its LNG's bgpSettings), "
     "the prefixes it advertises, prepending, timers."},
    {"onPremises.natBoxes[]", nat_keys,
     "A NAT box between a device and the internet (address or port translating)."},
    {"hosts[]", host_keys, "A host: a VM in a VNet subnet, or a machine behind a device."},
    {"underlay", underlay_keys, "The underlay network between gateways, devices and NAT boxes."},
    {"underlay.links[]", link_keys, "A point-to-point underlay link."},
    {"faults", fault_keys,
     "A gateway that breaks documented behaviour (conformance checks prove they fail): "
     "bgpRulesOff, Azure BGP rules (docs/bgp.md) it does not follow; natRules, NAT rules "
     "applied wrong (off, swapped, bidirectional, anyInstance, allConnections, primaryOnly, noBgpTranslation, prefixSelectors, noPortMaps); gatewayImpair, "
     "impairments on every connection of every gateway; p2s, point-to-site "
     "faults (docs/p2s.md)."},
    {"faults.gatewayImpair[]", scn_impair_keys, "An impairment (docs/scenario-format.md)."},
    {"onPremises.devices[].impair[]", scn_impair_keys,
     "The device misbehaving: an impairment (docs/scenario-format.md)."},
    {"p2sClients[]", p2s_client_keys,
     "Point-to-site clients: one, or a generated population (count), with certificates."},
    {"p2sClients[].certificate", p2s_cert_keys,
     "The client certificate the run generates: its issuing root, key type and size."},
    {NULL, NULL, NULL},
};

/* A timeline's setPolicy and setSharedKey are checked by the rules that check the cloud
 * section's ipsecPolicies and sharedKey (GW-POL-*, GW-SKU-003, GW-PSK-001): each on a copy
 * of the cloud with the change applied, reporting what the change adds (at the timeline's
 * locations). */
static void check_timeline_changes(const ScnPlan *P, VsDiags *diags)
{
  for (unsigned i = 0; i < P->n_timeline; i++) {
    const ScnAction *a = &P->timeline[i];
    bool pol = a->kind == SCN_ACT_SET_POLICY && !a->policy_default;
    bool psk = a->kind == SCN_ACT_SET_SHARED_KEY && a->shared_key;
    if ((!pol && !psk) || !a->connection)
      continue;
    g_autofree GwConfig *tmp = g_memdup2(P->cloud, sizeof *P->cloud);
    GwConnection *c = NULL;
    for (unsigned k = 0; k < tmp->n_connections && !c; k++)
      if (tmp->connections[k].name.v && !strcmp(tmp->connections[k].name.v, a->connection))
        c = &tmp->connections[k];
    if (!c)
      continue; /* the reference's own error */
    if (pol) {
      c->ipsecPolicies[0] = a->policy;
      c->n_ipsecPolicies = 1;
    } else {
      c->sharedKey = (GwStr){.set = true, .loc = a->loc, .v = a->shared_key};
    }
    g_autoptr(VsDiags) before = vs_diags_new(), after = vs_diags_new();
    for (size_t r = 0; r < gw_n_rules; r++) {
      const GwRule *rule = &gw_rules[r];
      bool mine = pol ? g_str_has_prefix(rule->id, "GW-POL-") || !strcmp(rule->id, "GW-SKU-003")
                      : !strcmp(rule->id, "GW-PSK-001");
      if (mine && rule->check) {
        gw_rule_run(rule, P->cloud, before);
        gw_rule_run(rule, tmp, after);
      }
    }
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (size_t d = 0; d < vs_diags_len(before); d++)
      g_hash_table_add(seen, vs_diag_format(vs_diags_get(before, d)));
    for (size_t d = 0; d < vs_diags_len(after); d++) {
      const VsDiag *x = vs_diags_get(after, d);
      g_autofree char *f = vs_diag_format(x);
      if (g_hash_table_contains(seen, f))
        continue;
      VsDiag y = *x;
      if (!y.loc.file) /* a rule that names the connection: the timeline entry's place */
        y.loc = a->loc;
      vs_diags_append(diags, &y);
    }
  }
}

static ScnPlan *load(YtDoc *doc, const ScnLoadOptions *opt, VsDiags *diags)
{
  ScnPlan *P = g_new0(ScnPlan, 1);
  Priv *priv = g_new0(Priv, 1);
  priv->doc = doc;
  priv->profile_docs = g_ptr_array_new_with_free_func((GDestroyNotify)yt_doc_free);
  priv->profiles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  priv->strings = g_string_chunk_new(256);
  priv->applied = g_hash_table_new(NULL, NULL);
  P->priv_ = priv;
  P->file = doc->name;
  if (doc->bases && doc->bases->len) {
    P->bases = (const char *const *)doc->bases->pdata;
    P->n_bases = doc->bases->len;
    P->merged = yt_emit(doc->root, true);
  }
  g_autoptr(GHashTable) nodes = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GHashTable) flows = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GHashTable) links = g_hash_table_new(g_str_hash, g_str_equal);
  Loader L = {{doc, SCN_DIAG_FORMAT, diags}, P, priv, opt, nodes, flows, links, NULL};

  /* the cloud (and options) first: its own loader and rules */
  P->cloud = scn_cloud_load(doc, diags);
  gw_validate(P->cloud, diags);
  const YtNode *root = doc->root;
  if (root->kind != YT_MAP)
    goto out; /* the cloud loader said it */
  ya_keys(&L.a, root, top_keys);
  const YtNode *n;
  const bool judge = opt && opt->judge_only;
  if ((n = judge ? yt_map_get(root, "name") : ya_need(&L.a, root, "name", "scenario")))
    ya_str(&L.a, n, "name", &P->name);
  if ((n = yt_map_get(root, "description")))
    ya_str(&L.a, n, "description", &P->description);
  if ((n = yt_map_get(root, "seed"))) {
    /* 0..2^64-1, as --seed */
    char *end;
    errno = 0;
    if (ya_kind(&L.a, n, YT_SCALAR, "seed")) {
      P->seed = g_ascii_strtoull(n->str, &end, 10);
      if (!*n->str || *end || errno || n->str[0] == '-' || n->str[0] == '+')
        ferr(&L, n, "seed '%s' is not an integer from 0 to 2^64-1", n->str);
    }
  }
  if ((n = judge ? yt_map_get(root, "duration") : ya_need(&L.a, root, "duration", "scenario")) &&
      ya_duration(&L.a, n, "duration", &P->duration_ns) && P->duration_ns == 0)
    ferr(&L, n, "duration must be above zero");
  P->stats_interval_ns = SCN_STATS_INTERVAL_DEFAULT_NS;
  if ((n = yt_map_get(root, "statsInterval")) &&
      ya_duration(&L.a, n, "statsInterval", &P->stats_interval_ns) && P->stats_interval_ns != 0 &&
      P->stats_interval_ns < 100000000)
    ferr(&L, n, "statsInterval must be 0s (only at the end) or at least 100ms");
  if ((n = yt_map_get(root, "faults")))
    load_faults(&L, n);
  if ((n = yt_map_get(root, "references"))) {
    if (n->kind == YT_SCALAR) {
      P->references = g_new0(const char *, 1);
      if (ya_str(&L.a, n, "references", &P->references[0]))
        P->n_references = 1;
    } else if (ya_kind(&L.a, n, YT_SEQ, "references")) {
      P->references = g_new0(const char *, yt_len(n));
      for (guint i = 0; i < yt_len(n); i++)
        if (ya_str(&L.a, g_ptr_array_index(n->items, i), "references",
                  &P->references[P->n_references]))
          P->n_references++;
    }
  }
  for (unsigned i = 0; i < P->cloud->n_virtualNetworkGateways; i++) {
    const GwVirtualNetworkGateway *g = &P->cloud->virtualNetworkGateways[i];
    if (g->name.v && !g_hash_table_contains(nodes, g->name.v)) /* duplicates: GW-REF-002 */
      g_hash_table_insert(nodes, (gpointer)g->name.v, (gpointer) "virtual network gateway");
  }
  if ((n = yt_map_get(root, "onPremises")) && ya_kind(&L.a, n, YT_MAP, "onPremises")) {
    ya_keys(&L.a, n, onprem_keys);
    const YtNode *s;
    if ((s = yt_map_get(n, "devices")) && ya_kind(&L.a, s, YT_SEQ, "devices"))
      load_devices(&L, s);
    if ((s = yt_map_get(n, "natBoxes")) && ya_kind(&L.a, s, YT_SEQ, "natBoxes"))
      load_nats(&L, s);
  }
  check_device_addresses(&L);
  if ((n = yt_map_get(root, "hosts")) && ya_kind(&L.a, n, YT_SEQ, "hosts"))
    load_hosts(&L, n);
  if ((n = yt_map_get(root, "p2sClients")) && ya_kind(&L.a, n, YT_SEQ, "p2sClients"))
    load_p2s_clients(&L, n);
  if ((n = yt_map_get(root, "underlay")) && ya_kind(&L.a, n, YT_MAP, "underlay")) {
    ya_keys(&L.a, n, underlay_keys);
    const YtNode *s;
    if ((s = yt_map_get(n, "links")) && ya_kind(&L.a, s, YT_SEQ, "links"))
      load_links(&L, s);
  }
  if ((n = yt_map_get(root, "timeline")) && ya_kind(&L.a, n, YT_SEQ, "timeline")) {
    load_timeline(&L, n);
    check_timeline_changes(P, diags);
  }
  if ((n = yt_map_get(root, "expect")) && ya_kind(&L.a, n, YT_SEQ, "expect"))
    load_expects(&L, n);
out:
  vs_diags_sort(diags);
  return P;
}

/* A file that cannot be read or is not YAML: the YAML tree's one record goes to the
 * diagnostics with the rest, and the GError says the same at the boundary. */
typedef struct {
  VsDiags *diags;
  GError **error;
} Failed;

static void failed_record(void *user, const VsDiag *d)
{
  Failed *f = user;
  vs_diags_append(f->diags, d);
  VsDiagSink e = yt_error_sink(f->error);
  e.fn(e.user, d);
}

ScnPlan *scn_plan_load_file(const char *path, const ScnLoadOptions *opt, VsDiags *diags,
                            GError **error)
{
  Failed f = {diags, error};
  YtDoc *doc = yt_load_file_extends(path, (VsDiagSink){failed_record, &f});
  return doc ? load(doc, opt, diags) : NULL;
}

ScnPlan *scn_plan_load_string(const char *name, const char *text, size_t len,
                              const ScnLoadOptions *opt, VsDiags *diags, GError **error)
{
  Failed f = {diags, error};
  YtDoc *doc = yt_load_string(name, text, len, (VsDiagSink){failed_record, &f});
  if (doc && !yt_resolve_extends(doc, (VsDiagSink){failed_record, &f}))
    g_clear_pointer(&doc, yt_doc_free);
  return doc ? load(doc, opt, diags) : NULL;
}

bool scn_diags_only_rules(const VsDiags *diags)
{
  for (size_t i = 0; i < vs_diags_len(diags); i++) {
    const VsDiag *d = vs_diags_get(diags, i);
    if (d->severity == VS_SEV_ERROR &&
        (!g_str_has_prefix(d->id, "GW-") || strcmp(d->id, "GW-SCN-001") == 0))
      return false;
  }
  return true;
}
