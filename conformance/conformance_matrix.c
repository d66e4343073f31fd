/* SPDX-License-Identifier: MIT */
/* Device mode of the conformance driver: the rewrite of a scenario's devices to one
 * profile, and the compatibility matrix (per gateway configuration: connects, passes
 * traffic, survives rekeys and DPD, and why not) as text, JSON and HTML. */
#include "models/gateway/gw_policy.h"
#include "conformance/conformance_run.h"
#include "models/common/json.h"
#include "models/common/units.h"
#include "sim/run/run_events.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/ytree.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- the device rewrite */

/* Keys a device keeps: its place in the scenario, not its product's behaviour. */
static const char *const kept_keys[] = {"name",      "publicIpAddress", "lanPrefixes",
                                        "peer",      "sharedKey",       "startAction",
                                        "trafficSelectors", "tunnelRoutes", NULL};

static bool kept(const char *k)
{
  for (size_t i = 0; kept_keys[i]; i++)
    if (!strcmp(kept_keys[i], k))
      return true;
  return false;
}

static unsigned indent_of(const char *line)
{
  unsigned n = 0;
  while (line[n] == ' ')
    n++;
  return n;
}

static bool blank_or_comment(const char *line)
{
  const char *p = line + indent_of(line);
  return !*p || *p == '#';
}

/* The key node of a top-level key, or NULL. */
static YtNode *root_key(const YtDoc *doc, const char *key, size_t *index)
{
  for (size_t k = 0; doc->root && doc->root->kind == YT_MAP && k < doc->root->keys->len; k++) {
    YtNode *kn = g_ptr_array_index(doc->root->keys, k);
    if (!strcmp(kn->str, key)) {
      if (index)
        *index = k;
      return kn;
    }
  }
  return NULL;
}

static const char *scalar_of(const YtNode *map, const char *key)
{
  YtNode *v = yt_map_get(map, key);
  return v && v->kind == YT_SCALAR ? v->str : NULL;
}

static void add_insert(char **insert_after, size_t line, char *text)
{
  if (insert_after[line]) {
    char *both = g_strdup_printf("%s\n%s", insert_after[line], text);
    g_free(insert_after[line]), g_free(text);
    insert_after[line] = both;
  } else {
    insert_after[line] = text;
  }
}

/* The matrix run (conformance_run.h): the duration at least CONF_MATRIX_DURATION_S and a
 * last ping after the rekeys. Edits the lines in place (the document is the original). */
static void matrix_lengthen(const YtDoc *doc, char **lines, size_t n_lines, bool *drop,
                            char **insert_after)
{
  YtNode *dk = root_key(doc, "duration", NULL);
  const char *dv = scalar_of(doc->root, "duration");
  int64_t dns = 0;
  if (!dk || !dv || !units_parse_duration(dv, &dns) || dk->line - 1 >= n_lines)
    return; /* the loader reports it */
  const int64_t want = (int64_t)CONF_MATRIX_DURATION_S * 1000000000;
  if (dns < want) {
    g_free(lines[dk->line - 1]);
    lines[dk->line - 1] = g_strdup_printf("duration: %ds", CONF_MATRIX_DURATION_S);
    dns = want;
  }
  /* The ping's endpoints: the first ping of the timeline, else the first cloud host and
   * the first host behind a device. */
  size_t tk_i = 0;
  YtNode *tk = root_key(doc, "timeline", &tk_i);
  YtNode *tl = yt_map_get(doc->root, "timeline");
  const char *from = NULL, *to = NULL;
  for (size_t i = 0; tl && tl->kind == YT_SEQ && i < tl->items->len && !from; i++) {
    YtNode *ping = yt_map_get(g_ptr_array_index(tl->items, i), "ping");
    if (scalar_of(ping, "from") && scalar_of(ping, "to"))
      from = scalar_of(ping, "from"), to = scalar_of(ping, "to");
  }
  YtNode *hosts = yt_map_get(doc->root, "hosts");
  for (size_t i = 0; !from && hosts && hosts->kind == YT_SEQ && i < hosts->items->len; i++) {
    YtNode *h = g_ptr_array_index(hosts->items, i);
    if (!to && scalar_of(h, "subnet"))
      to = scalar_of(h, "name");
  }
  for (size_t i = 0; !from && hosts && hosts->kind == YT_SEQ && i < hosts->items->len; i++) {
    YtNode *h = g_ptr_array_index(hosts->items, i);
    if (scalar_of(h, "behind"))
      from = scalar_of(h, "name");
  }
  if (!from || !to)
    return;
  int64_t at_s = dns / 1000000000 - 120;
  g_autofree char *ping = g_strdup_printf(
      "{at: %llds, ping: {from: %s, to: %s, count: 60, interval: 1s, name: %s}}",
      (long long)at_s, from, to, CONF_MATRIX_LATE_PING);
  if (tk && tl && tl->kind == YT_SEQ && tl->items->len) {
    /* After the timeline's last item: before the next top-level key, or at the end. */
    YtNode *first = g_ptr_array_index(tl->items, 0);
    unsigned ind = first->col >= 3 ? first->col - 3 : 0;
    size_t end = n_lines; /* index of the line after the timeline's block */
    if (tk_i + 1 < doc->root->keys->len)
      end = ((YtNode *)g_ptr_array_index(doc->root->keys, tk_i + 1))->line - 1;
    size_t last = end;
    while (last > tk->line - 1 && (drop[last - 1] || blank_or_comment(lines[last - 1])))
      last--;
    if (last == 0)
      return;
    add_insert(insert_after, last - 1, g_strdup_printf("%*s- %s", (int)ind, "", ping));
  } else if (!tk) {
    size_t last = n_lines;
    while (last > 0 && (drop[last - 1] || blank_or_comment(lines[last - 1])))
      last--;
    if (last == 0)
      return;
    add_insert(insert_after, last - 1, g_strdup_printf("timeline:\n  - %s", ping));
  }
}

char *conf_device_rewrite(const char *name, const char *text, size_t len, const char *profile_name,
                          GError **error)
{
  g_autoptr(YtDoc) doc = yt_load_string(name, text, len, yt_error_sink(error));
  if (!doc)
    return NULL;
  YtNode *devs = yt_map_get(yt_map_get(doc->root, "onPremises"), "devices");
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  size_t n_lines = g_strv_length(lines);
  g_autofree bool *drop = g_new0(bool, n_lines + 1);
  g_autofree char **insert_after = g_new0(char *, n_lines + 1); /* owned strings */
  bool ok = true;
  for (size_t d = 0; devs && devs->kind == YT_SEQ && d < devs->items->len; d++) {
    YtNode *dev = g_ptr_array_index(devs->items, d);
    if (dev->kind != YT_MAP || !dev->keys->len)
      continue;
    YtNode *first = g_ptr_array_index(dev->keys, 0);
    bool has_profile = false;
    for (size_t k = 0; k < dev->keys->len; k++) {
      YtNode *key = g_ptr_array_index(dev->keys, k);
      /* Block style: each key on its own line. */
      if (k > 0 && ((YtNode *)g_ptr_array_index(dev->keys, k - 1))->line == key->line) {
        g_autofree char *w = yt_where(doc, key);
        g_set_error(error, SCN_ERROR, SCN_ERROR_INVALID,
                    "%s: a device in flow style cannot be rewritten (one key per line)", w);
        ok = false;
        break;
      }
      size_t li = key->line - 1;
      if (li >= n_lines)
        continue;
      if (!strcmp(key->str, "profile")) {
        has_profile = true;
        char *nl = g_strdup_printf("%*sprofile: %s", (int)(key->col - 1), "", profile_name);
        g_free(lines[li]);
        lines[li] = nl;
        continue;
      }
      if (kept(key->str))
        continue;
      /* Drop the key's line and its block value: the following lines that are blank,
       * comments, more indented than the key, or a sequence at the key's own indent. */
      unsigned ind = key->col - 1;
      drop[li] = true;
      size_t j = li + 1;
      for (; j < n_lines; j++) {
        const char *l = lines[j];
        unsigned i = indent_of(l);
        if (blank_or_comment(l) || i > ind || (i == ind && g_str_has_prefix(l + i, "- ")))
          drop[j] = true;
        else
          break;
      }
      /* Trailing blank or comment lines belong to what follows. */
      for (size_t b = j; b-- > li + 1 && blank_or_comment(lines[b]);)
        drop[b] = false;
    }
    if (!ok)
      break;
    if (!has_profile && first->line - 1 < n_lines)
      insert_after[first->line - 1] =
          g_strdup_printf("%*sprofile: %s", (int)(first->col - 1), "", profile_name);
  }
  if (ok)
    matrix_lengthen(doc, lines, n_lines, drop, insert_after);
  GString *o = g_string_new(NULL);
  for (size_t i = 0; i < n_lines; i++) {
    if (!drop[i])
      g_string_append_printf(o, "%s%s", lines[i], i + 1 < n_lines ? "\n" : "");
    if (insert_after[i]) {
      g_string_append_printf(o, "%s\n", insert_after[i]);
      g_free(insert_after[i]);
    }
  }
  if (!ok)
    return g_string_free(o, TRUE), NULL;
  return g_string_free(o, FALSE);
}

/* ---------------------------------------------------------------- event analysis */

/* The JSON string value of "key" in one events.jsonl line (our own writer's output:
 * docs/scenario-format.md "Outputs"), unescaped; NULL when absent or not a string. */
static char *json_get_str(const char *line, const char *key)
{
  g_autofree char *pat = g_strdup_printf("\"%s\":\"", key);
  const char *p = strstr(line, pat);
  if (!p)
    return NULL;
  p += strlen(pat);
  GString *v = g_string_new(NULL);
  for (; *p && *p != '"'; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      switch (*p) {
      case 'n': g_string_append_c(v, '\n'); break;
      case 't': g_string_append_c(v, '\t'); break;
      case 'u': g_string_append_c(v, '?'), p += strlen(p) >= 5 ? 4 : strlen(p) - 1; break;
      default: g_string_append_c(v, *p);
      }
    } else {
      g_string_append_c(v, *p);
    }
  }
  return g_string_free(v, FALSE);
}

static bool json_get_int(const char *line, const char *key, int64_t *out)
{
  g_autofree char *pat = g_strdup_printf("\"%s\":", key);
  const char *p = strstr(line, pat);
  if (!p)
    return false;
  p += strlen(pat);
  if (*p == '"')
    p++;
  char *end;
  long long v = g_ascii_strtoll(p, &end, 10);
  if (end == p)
    return false;
  *out = v;
  return true;
}

/* RFC 7296 3.10.1 error notifies that end an exchange (INVALID_KE_PAYLOAD is a retry,
 * TEMPORARY_FAILURE and CHILD_SA_NOT_FOUND belong to collisions: not failures). */
static const char *const fatal_notifies[] = {
    "NO_PROPOSAL_CHOSEN",   "AUTHENTICATION_FAILED",        "TS_UNACCEPTABLE",
    "INVALID_SYNTAX",       "UNSUPPORTED_CRITICAL_PAYLOAD", "SINGLE_PAIR_REQUIRED",
    "NO_ADDITIONAL_SAS",    "FAILED_CP_REQUIRED",           "INTERNAL_ADDRESS_FAILURE",
    "INVALID_MAJOR_VERSION", NULL};

static const char *fatal_in(const char *notifies)
{
  if (!notifies)
    return NULL;
  g_auto(GStrv) names = g_strsplit(notifies, " ", -1);
  for (char **n = names; *n; n++)
    for (size_t i = 0; fatal_notifies[i]; i++)
      if (!strcmp(*n, fatal_notifies[i]))
        return fatal_notifies[i];
  return NULL;
}

NAME_TABLE(conf_compat_names, "matrix verdict", {CONF_COMPAT_COMPATIBLE, "compatible"},
           {CONF_COMPAT_DEGRADED, "degraded"}, {CONF_COMPAT_INCOMPATIBLE, "incompatible"},
           {CONF_COMPAT_NOT_SIMULATED, "not simulated"});

static void add_why(GString *why, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void add_why(GString *why, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if (why->len)
    g_string_append(why, "; ");
  g_string_append_vprintf(why, fmt, ap);
  va_end(ap);
}

/* An ESP proposal list (profile syntax) names a DH group (PFS) in some proposal. */
static bool names_dh(const char *props)
{
  static const char *const dh[] = {"modp", "ecp", "x25519", "x448", "curve", NULL};
  for (size_t i = 0; props && dh[i]; i++)
    if (strstr(props, dh[i]))
      return true;
  return false;
}

/* One failure: what ("connect", "child SA rekey", ...), the notify, its exchange and the
 * node that sent it, said as what happened: the gateway refused every proposal the
 * device offered, or the device, as responder, refused the gateway's offer. */
static void why_notify(GString *why, const ConfMatrixRow *row, const char *what, double at_s,
                       const char *notify, const char *exchange, const char *node)
{
  bool ike = exchange && (!strcmp(exchange, "IKE_SA_INIT") || !strcmp(exchange, "Main Mode") ||
                          !strcmp(exchange, "Aggressive Mode") || strstr(what, "IKE SA"));
  const char *offer = ike ? row->device_ike : row->device_esp;
  bool by_device = node && row->device_node && !strcmp(node, row->device_node);
  g_string_append_printf(why, "%s%s at %.3f s: %s in %s from %s", why->len ? "; " : "", what,
                         at_s, notify, exchange ? exchange : "?", node ? node : "?");
  if (!strcmp(notify, "NO_PROPOSAL_CHOSEN")) {
    if (by_device)
      g_string_append_printf(why, " (the device was the responder and refused the gateway's "
                                  "offer, policy %s; the device accepts %s %s)",
                             row->policy ? row->policy : "?", ike ? "IKE" : "ESP",
                             offer ? offer : "?");
    else if (offer) {
      g_string_append_printf(why, " (the gateway refused every %s proposal the device offered: %s",
                             ike ? "IKE" : "ESP", offer);
      if (!ike && !names_dh(offer) && row->gw_pfs && strstr(what, "rekey"))
        g_string_append_printf(why, "; none names a DH group, the gateway's policy requires %s "
                                    "on the rekey", row->gw_pfs);
      g_string_append_c(why, ')');
    }
  } else if (!strcmp(notify, "AUTHENTICATION_FAILED") && row->nat_identity) {
    g_string_append_printf(why, " (%s)", row->nat_identity);
  } else if (by_device) {
    g_string_append(why, " (sent by the device)");
  }
}

typedef struct {
  int64_t t;
  char *text;
} Failure;

static void failure_add(GArray *fails, int64_t t, char *text)
{
  Failure f = {t, text};
  g_array_append_val(fails, f);
}

static int failure_cmp(const void *a, const void *b)
{
  const Failure *x = a, *y = b;
  return x->t < y->t ? -1 : x->t > y->t;
}

void conf_matrix_analyse(ConfMatrixRow *row, const char *events_jsonl, int64_t fault_ns)
{
  g_autoptr(GArray) fails = g_array_new(FALSE, FALSE, sizeof(Failure));
  bool up = false, any_ike = false, saw_info = false;
  bool ike_rekeyed = false, child_rekeyed = false, ike_fail = false, child_fail = false;
  bool dpd_fail = false, down_early = false;
  unsigned pings = 0, replies = 0, late = 0, late_replies = 0;
  int64_t late_at = 0;
  bool flows = false, flow_bytes = false;
  int64_t conn_t = 0;
  g_autofree char *conn_notify = NULL, *conn_ex = NULL, *conn_node = NULL;
  /* before the tunnel is up: per node, the IKE messages it sent and received and the
   * exchange of its first one (to say who went unanswered) */
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GArray) n_sent = g_array_new(FALSE, TRUE, sizeof(unsigned));
  g_autoptr(GArray) n_recv = g_array_new(FALSE, TRUE, sizeof(unsigned));
  g_autoptr(GPtrArray) first_ex = g_ptr_array_new_with_free_func(g_free);
  /* per node: the kind of the rekey it started last ("IKE SA" or "child SA") */
  g_autoptr(GHashTable) pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = g_strsplit(events_jsonl ? events_jsonl : "", "\n", -1);
  for (char **l = lines; *l; l++) {
    if (!**l)
      continue;
    g_autofree char *type = json_get_str(*l, "type");
    g_autofree char *node = json_get_str(*l, "node");
    int64_t t = 0;
    json_get_int(*l, "time_ns", &t);
    if (!type)
      continue;
    if (!strcmp(type, run_event_types.tunnel_up)) {
      up = true;
    } else if (!strcmp(type, run_event_types.tunnel_down)) {
      g_autofree char *reason = json_get_str(*l, "reason");
      if (up && t < fault_ns) {
        if (reason && !strcmp(reason, "dpd")) {
          if (!dpd_fail)
            failure_add(fails, t,
                        g_strdup_printf("DPD at %.3f s: the tunnel was declared dead with the peer "
                                        "alive", (double)t / 1e9));
          dpd_fail = true;
        } else if (!down_early) {
          failure_add(fails, t,
                      g_strdup_printf("tunnel down at %.3f s (%s) before any injected fault",
                                      (double)t / 1e9, reason ? reason : "no reason given"));
          down_early = true;
        }
      }
    } else if (!strcmp(type, "ike.sa.state") || !strcmp(type, "ike.child.state")) {
      g_autofree char *ns = json_get_str(*l, "new_state");
      if (ns && !strcmp(ns, "REKEYING") && node)
        g_hash_table_replace(pending, g_strdup(node),
                             (gpointer)(!strcmp(type, "ike.sa.state") ? "IKE SA" : "child SA"));
    } else if (!strcmp(type, "ike.sa.rekeyed")) {
      if (up && t < fault_ns)
        ike_rekeyed = true;
    } else if (!strcmp(type, run_event_types.child_sa_established)) {
      if (strstr(*l, "\"rekey\":true") && t < fault_ns)
        child_rekeyed = true;
    } else if (!strcmp(type, run_event_types.ike_message)) {
      any_ike = true;
      g_autofree char *ex = json_get_str(*l, "exchange");
      g_autofree char *notifies = json_get_str(*l, "notifies");
      g_autofree char *dir = json_get_str(*l, "dir");
      const char *fatal = fatal_in(notifies);
      if (ex && (!strcmp(ex, "INFORMATIONAL") || !strcmp(ex, "Informational")))
        saw_info = true;
      if (!up && node && dir) {
        guint k = 0;
        while (k < nodes->len && strcmp(g_ptr_array_index(nodes, k), node))
          k++;
        if (k == nodes->len) {
          g_ptr_array_add(nodes, g_strdup(node));
          g_ptr_array_add(first_ex, g_strdup(ex ? ex : "?"));
          g_array_set_size(n_sent, k + 1), g_array_set_size(n_recv, k + 1);
        }
        (*(!strcmp(dir, "sent") ? &g_array_index(n_sent, unsigned, k)
                                : &g_array_index(n_recv, unsigned, k)))++;
      }
      if (!fatal)
        continue;
      if (!up) {
        if (!conn_notify) {
          conn_notify = g_strdup(fatal);
          conn_ex = g_strdup(ex ? ex : "?");
          conn_node = g_strdup(node ? node : "?");
          conn_t = t;
        }
        continue;
      }
      /* Up: a refused rekey (the sender's "sent" event names the refusing node; the
       * initiator's pending kind says which SA). */
      if (!dir || strcmp(dir, "sent") || t >= fault_ns)
        continue;
      if (!ex || (strcmp(ex, "CREATE_CHILD_SA") && !strstr(ex, "Quick Mode"))) {
        if (!down_early) {
          GString *w = g_string_new(NULL);
          why_notify(w, row, "after connecting", (double)t / 1e9, fatal, ex, node);
          failure_add(fails, t, g_string_free(w, FALSE));
          down_early = true;
        }
        continue;
      }
      const char *kind = NULL;
      GHashTableIter it;
      gpointer k, v;
      g_hash_table_iter_init(&it, pending);
      while (g_hash_table_iter_next(&it, &k, &v))
        if (!node || strcmp(k, node))
          kind = v;
      if (!kind)
        kind = "child SA";
      bool is_ike = !strcmp(kind, "IKE SA");
      if (is_ike ? ike_fail : child_fail)
        continue;
      *(is_ike ? &ike_fail : &child_fail) = true;
      GString *w = g_string_new(NULL);
      g_autofree char *what = g_strdup_printf("%s rekey", kind);
      why_notify(w, row, what, (double)t / 1e9, fatal, ex, node);
      failure_add(fails, t, g_string_free(w, FALSE));
    } else if (!strcmp(type, run_event_types.ping_sent)) {
      g_autofree char *flow = json_get_str(*l, "flow");
      if (flow && !strcmp(flow, CONF_MATRIX_LATE_PING)) {
        if (!late++)
          late_at = t;
      } else {
        pings++;
      }
    } else if (!strcmp(type, run_event_types.ping_reply)) {
      g_autofree char *flow = json_get_str(*l, "flow");
      if (flow && !strcmp(flow, CONF_MATRIX_LATE_PING))
        late_replies++;
      else
        replies++;
    } else if (!strcmp(type, run_event_types.flow_stats)) {
      int64_t b = 0;
      flows = true;
      if (json_get_int(*l, "bytes", &b) && b > 0)
        flow_bytes = true;
    }
  }
  /* The traffic of the check, then the last ping after the rekeys. */
  if (!pings && !flows && !late)
    row->traffic = CONF_ASP_NA;
  else
    row->traffic = CONF_ASP_YES;
  if ((pings || flows) && !(pings ? replies * 10 >= pings * 9 : flow_bytes)) {
    row->traffic = CONF_ASP_NO;
    if (up)
      failure_add(fails, INT64_MAX - 1,
                  pings ? g_strdup_printf("traffic: %u of %u echo requests answered", replies, pings)
                        : g_strdup("traffic: no byte of the flows arrived"));
  }
  if (late && late_replies * 10 < late * 9 && late_at < fault_ns) {
    row->traffic = CONF_ASP_NO;
    if (up)
      failure_add(fails, late_at,
                  g_strdup_printf("traffic after the rekeys at %.0f s: %u of %u echo requests "
                                  "answered", (double)late_at / 1e9, late_replies, late));
  }
  g_array_sort(fails, failure_cmp);
  GString *why = g_string_new(NULL);
  g_free(row->first);
  row->first = NULL;
  if (up) {
    row->connects = CONF_ASP_YES;
  } else {
    row->connects = CONF_ASP_NO;
    if (conn_notify)
      why_notify(why, row, "connect", (double)conn_t / 1e9, conn_notify, conn_ex, conn_node);
    else if (any_ike) {
      add_why(why, "connect: no error notify, the exchanges never completed:");
      for (guint k = 0; k < nodes->len; k++)
        g_string_append_printf(why, "%s %s%s sent %u message%s starting with %s and received %u",
                               k ? ";" : "",
                               row->device_node &&
                                       !strcmp(g_ptr_array_index(nodes, k), row->device_node)
                                   ? "the device "
                                   : "",
                               (char *)g_ptr_array_index(nodes, k),
                               g_array_index(n_sent, unsigned, k),
                               g_array_index(n_sent, unsigned, k) == 1 ? "" : "s",
                               (char *)g_ptr_array_index(first_ex, k),
                               g_array_index(n_recv, unsigned, k));
      bool v1 = false, v2 = false;
      for (guint k = 0; k < first_ex->len; k++) {
        const char *e = g_ptr_array_index(first_ex, k);
        v1 |= strstr(e, "Main Mode") || strstr(e, "Aggressive Mode");
        v2 |= !strcmp(e, "IKE_SA_INIT");
      }
      if (v1 && v2)
        g_string_append(why, " (one side speaks IKEv1, the other IKEv2: no IKE version in common)");
    }
    else
      add_why(why, "connect: no IKE message at all");
    row->first = g_strdup(why->str);
  }
  for (guint i = 0; i < fails->len; i++) {
    Failure *f = &g_array_index(fails, Failure, i);
    if (up) {
      add_why(why, "%s", f->text);
      if (!row->first)
        row->first = g_strdup(f->text);
    }
    g_free(f->text);
  }
  row->ike_rekey = !up ? CONF_ASP_NA : ike_fail ? CONF_ASP_NO : ike_rekeyed ? CONF_ASP_YES : CONF_ASP_NA;
  row->child_rekey = !up          ? CONF_ASP_NA
                     : child_fail  ? CONF_ASP_NO
                     : child_rekeyed ? CONF_ASP_YES
                                     : CONF_ASP_NA;
  row->dpd = !saw_info || !up ? CONF_ASP_NA : dpd_fail ? CONF_ASP_NO : CONF_ASP_YES;
  if (up && row->ike_rekey == CONF_ASP_NA)
    add_why(why, "no IKE SA rekey happened in the run");
  if (up && row->child_rekey == CONF_ASP_NA)
    add_why(why, "no child SA rekey happened in the run");
  if (!up)
    row->verdict = CONF_COMPAT_INCOMPATIBLE;
  else if (row->traffic == CONF_ASP_NO || row->ike_rekey == CONF_ASP_NO ||
           row->child_rekey == CONF_ASP_NO || row->dpd == CONF_ASP_NO || down_early)
    row->verdict = CONF_COMPAT_DEGRADED;
  else
    row->verdict = CONF_COMPAT_COMPATIBLE;
  g_free(row->why);
  row->why = why->len ? g_string_free(why, FALSE) : (g_string_free(why, TRUE), NULL);
}

void conf_matrix_row_clear(ConfMatrixRow *row)
{
  g_free(row->sku), g_free(row->vpn_type), g_free(row->policy), g_free(row->mode);
  g_free(row->nat), g_free(row->device_ike), g_free(row->device_esp), g_free(row->why);
  g_free(row->device_node), g_free(row->gw_pfs), g_free(row->nat_identity), g_free(row->first);
  g_free(row->checks), g_free(row->report);
  memset(row, 0, sizeof *row);
}

/* ---------------------------------------------------------------- rows from results */

static char *policy_summary(const GwConnection *c)
{
  if (!c->n_ipsecPolicies)
    return g_strdup("default");
  const GwIpsecPolicy *p = &c->ipsecPolicies[0];
  return g_strdup_printf("custom %s/%s/%s, %s/%s/%s",
                         gw_policy_value_name(GW_FIELD_IKE_ENCRYPTION, p->ikeEncryption.v),
                         gw_policy_value_name(GW_FIELD_IKE_INTEGRITY, p->ikeIntegrity.v),
                         gw_policy_value_name(GW_FIELD_DH_GROUP, p->dhGroup.v),
                         gw_policy_value_name(GW_FIELD_IPSEC_ENCRYPTION, p->ipsecEncryption.v),
                         gw_policy_value_name(GW_FIELD_IPSEC_INTEGRITY, p->ipsecIntegrity.v),
                         gw_policy_value_name(GW_FIELD_PFS_GROUP, p->pfsGroup.v));
}

/* Every item of a profile's device.KEY list (a string or a list of strings), joined by
 * " | ", or NULL. */
static char *profile_all(const YtDoc *doc, const char *key)
{
  YtNode *v = yt_map_get(yt_map_get(doc->root, "device"), key);
  if (v && v->kind == YT_SCALAR)
    return g_strdup(v->str);
  if (!v || v->kind != YT_SEQ || !v->items->len)
    return NULL;
  GString *o = g_string_new(NULL);
  for (size_t i = 0; i < v->items->len; i++) {
    YtNode *it = g_ptr_array_index(v->items, i);
    if (it->kind == YT_SCALAR)
      g_string_append_printf(o, "%s%s", o->len ? " | " : "", it->str);
  }
  return g_string_free(o, FALSE);
}

/* Behind a NAT: the sentence saying that the device's identity (its localId, else its
 * own address, which is what the profiles' defaults send) differs from the address the
 * gateway knows it by (the local network gateway's gatewayIpAddress), else NULL. */
static char *nat_identity(const YtDoc *sc, const YtDoc *prof)
{
  YtNode *nats = yt_map_get(yt_map_get(sc->root, "onPremises"), "natBoxes");
  YtNode *devs = yt_map_get(yt_map_get(sc->root, "onPremises"), "devices");
  YtNode *lngs = yt_map_get(yt_map_get(sc->root, "cloud"), "localNetworkGateways");
  if (yt_len(nats) == 0 || yt_len(devs) == 0 || yt_len(lngs) == 0 || devs->kind != YT_SEQ ||
      lngs->kind != YT_SEQ)
    return NULL;
  YtNode *dev = g_ptr_array_index(devs->items, 0);
  const char *id = scalar_of(dev, "localId");
  if (!id && prof)
    id = scalar_of(yt_map_get(prof->root, "device"), "localId");
  const char *own = scalar_of(dev, "publicIpAddress");
  const char *known = scalar_of(g_ptr_array_index(lngs->items, 0), "gatewayIpAddress");
  if (!id)
    id = own;
  if (!id || !known || !strcmp(id, known))
    return NULL;
  return g_strdup_printf("behind the NAT the device identifies as %s%s, which differs from "
                         "the address the gateway knows it by, %s (the local network "
                         "gateway's gatewayIpAddress)",
                         id, own && !strcmp(id, own) ? " (its own address)" : "", known);
}

ConfMatrixRow *conf_matrix_rows(const ConfResults *r, const char *profile_file, size_t *n_rows)
{
  g_autoptr(YtDoc) prof = profile_file ? yt_load_file(profile_file, (VsDiagSink){0}) : NULL;
  ConfMatrixRow *rows = g_new0(ConfMatrixRow, r->n ? r->n : 1);
  size_t n = 0;
  for (size_t i = 0; i < r->n; i++) {
    const ConfCheckResult *cr = &r->items[i];
    if (cr->check->status != CONF_ACTIVE || !cr->n_sc)
      continue;
    ConfMatrixRow *row = &rows[n++];
    row->check_id = cr->check->id;
    row->checks = g_strdup(cr->check->id);
    if (prof) {
      row->device_ike = profile_all(prof, "ikeProposals");
      row->device_esp = profile_all(prof, "espProposals");
    }
    /* The configuration comes from the check's own scenario (the gateway side is the
     * same in the rewritten copy). */
    const ConfScenarioResult *sc = &cr->sc[0];
    int64_t fault = INT64_MAX;
    g_autoptr(GwDiags) diags = gw_diags_new();
    g_autofree char *src = sc->ran ? g_strdup(sc->ran) : NULL;
    g_autoptr(ScnPlan) plan = src ? scn_plan_load_file(src, NULL, diags, NULL) : NULL;
    g_autoptr(YtDoc) scdoc = src ? yt_load_file_extends(src, (VsDiagSink){0}) : NULL;
    if (scdoc) {
      YtNode *devs = yt_map_get(yt_map_get(scdoc->root, "onPremises"), "devices");
      if (devs && devs->kind == YT_SEQ && devs->items->len)
        row->device_node = g_strdup(scalar_of(g_ptr_array_index(devs->items, 0), "name"));
      row->nat_identity = nat_identity(scdoc, prof);
    }
    if (plan && plan->cloud && plan->cloud->n_virtualNetworkGateways &&
        plan->cloud->n_connections) {
      const GwVirtualNetworkGateway *g = &plan->cloud->virtualNetworkGateways[0];
      const GwConnection *c = &plan->cloud->connections[0];
      row->sku = g_strdup(g->sku.v ? g->sku.v : "?");
      const char *vt = name_get(&gw_vpn_type_names, gw_enum_or(g->vpnType, GW_VPN_ROUTE_BASED));
      row->vpn_type = g_strdup_printf("%s%s", vt ? vt : "?",
                                      gw_bool_or(c->usePolicyBasedTrafficSelectors, false)
                                          ? " + policy-based TS"
                                          : "");
      row->policy = policy_summary(c);
      if (c->n_ipsecPolicies) {
        const char *pfs =
            gw_policy_value_name(GW_FIELD_PFS_GROUP, c->ipsecPolicies[0].pfsGroup.v);
        if (pfs && strcmp(pfs, "None"))
          row->gw_pfs = g_strdup(pfs);
      }
      const char *m = name_get(&gw_connection_mode_names, gw_enum_or(c->connectionMode, 0));
      row->mode = g_strdup(m ? m : "?");
      row->nat = plan->n_nats ? g_strdup_printf("behind NAT (%s)",
                                                name_get(&scn_nat_kind_names, plan->nats[0].kind))
                              : g_strdup("no NAT");
      for (unsigned a = 0; a < plan->n_timeline; a++) {
        const ScnAction *ac = &plan->timeline[a];
        if (scn_action_descs[ac->kind].fault && ac->at_ns < fault)
          fault = ac->at_ns;
      }
    } else {
      row->sku = g_strdup("?"), row->vpn_type = g_strdup("?"), row->policy = g_strdup("?");
      row->mode = g_strdup("?"), row->nat = g_strdup("?");
    }
    bool simulated = true;
    for (size_t s = 0; s < cr->n_sc; s++)
      simulated &= cr->sc[s].exit_status == 0 || cr->sc[s].exit_status == 1;
    if (!simulated) {
      row->connects = row->traffic = row->ike_rekey = row->child_rekey = row->dpd =
          CONF_ASP_UNKNOWN;
      row->verdict = CONF_COMPAT_NOT_SIMULATED;
      row->why = g_strdup_printf("not simulated: %s", cr->reason ? cr->reason : "?");
      row->first = g_strdup(row->why);
    } else {
      conf_matrix_analyse(row, sc->events, fault);
    }
  }
  *n_rows = conf_matrix_merge(rows, n);
  return rows;
}

static bool same_config(const ConfMatrixRow *a, const ConfMatrixRow *b)
{
  return !g_strcmp0(a->sku, b->sku) && !g_strcmp0(a->vpn_type, b->vpn_type) &&
         !g_strcmp0(a->mode, b->mode) && !g_strcmp0(a->nat, b->nat) &&
         !g_strcmp0(a->policy, b->policy);
}

/* Worse verdicts rank higher; "not simulated" ranks below "incompatible" (it says
 * nothing about the device) but above "degraded" and "compatible". */
static int rank(ConfCompat v)
{
  switch (v) {
  case CONF_COMPAT_COMPATIBLE: return 0;
  case CONF_COMPAT_DEGRADED: return 1;
  case CONF_COMPAT_NOT_SIMULATED: return 2;
  case CONF_COMPAT_INCOMPATIBLE: return 3;
  }
  return 0;
}

size_t conf_matrix_merge(ConfMatrixRow *rows, size_t n)
{
  size_t out = 0;
  for (size_t i = 0; i < n; i++) {
    size_t j = 0;
    while (j < out && !same_config(&rows[j], &rows[i]))
      j++;
    if (j == out) {
      if (out != i)
        rows[out] = rows[i], memset(&rows[i], 0, sizeof rows[i]);
      out++;
      continue;
    }
    ConfMatrixRow *m = &rows[j], *r = &rows[i];
    char *checks = g_strdup_printf("%s, %s", m->checks ? m->checks : m->check_id,
                                   r->checks ? r->checks : r->check_id);
    bool worse = rank(r->verdict) > rank(m->verdict);
    if (worse) {
      /* The worse run's aspects and reasons, named by its check. */
      const char *keep_id = m->check_id;
      char *keep_report = m->report;
      m->report = NULL;
      conf_matrix_row_clear(m);
      *m = *r;
      memset(r, 0, sizeof *r);
      m->check_id = keep_id;
      g_free(m->report);
      m->report = keep_report;
      const char *by = strrchr(checks, ' ') + 1;
      if (m->why) {
        char *w = g_strdup_printf("%s (%s)", m->why, by);
        g_free(m->why), m->why = w;
      }
      if (m->first) {
        char *w = g_strdup_printf("%s (%s)", m->first, by);
        g_free(m->first), m->first = w;
      }
    } else {
      conf_matrix_row_clear(r);
    }
    g_free(m->checks);
    m->checks = checks;
  }
  return out;
}

/* ---------------------------------------------------------------- outputs */

static const char *asp(ConfAspect a)
{
  return name_get(&conf_aspect_names, a);
}

static const char *verdict_name(ConfCompat v)
{
  return name_get(&conf_compat_names, v);
}

static void counts_line(GString *o, const ConfMatrixRow *rows, size_t n)
{
  size_t ok = 0, by[4] = {0};
  for (size_t i = 0; i < n; i++) {
    ok += rows[i].connects == CONF_ASP_YES;
    by[rows[i].verdict]++;
  }
  g_string_append_printf(o, "%zu of %zu gateway configurations connect: %zu compatible, %zu "
                            "degraded, %zu incompatible, %zu not simulated.\n",
                         ok, n, by[CONF_COMPAT_COMPATIBLE], by[CONF_COMPAT_DEGRADED],
                         by[CONF_COMPAT_INCOMPATIBLE], by[CONF_COMPAT_NOT_SIMULATED]);
}

char *conf_matrix_text(const ConfMatrixRow *rows, size_t n, const char *profile)
{
  GString *o = g_string_new(NULL);
  g_string_append_printf(o, "Device compatibility matrix: %s\n\n", profile);
  static const char *const hdr[] = {"SKU",     "VPN type", "Mode",      "NAT-T",       "Policy",
                                    "Verdict", "Connects", "Traffic", "IKE rekey", "Child rekey",
                                    "DPD",     "Checks"};
  size_t w[G_N_ELEMENTS(hdr)];
  for (size_t k = 0; k < G_N_ELEMENTS(hdr); k++)
    w[k] = strlen(hdr[k]);
  for (size_t i = 0; i < n; i++) {
    const char *c[] = {rows[i].sku, rows[i].vpn_type, rows[i].mode, rows[i].nat, rows[i].policy,
                       verdict_name(rows[i].verdict)};
    for (size_t k = 0; k < G_N_ELEMENTS(c); k++)
      w[k] = MAX(w[k], strlen(c[k] ? c[k] : "?"));
  }
  for (size_t k = 0; k < G_N_ELEMENTS(hdr); k++)
    g_string_append_printf(o, "%-*s%s", k + 1 < G_N_ELEMENTS(hdr) ? (int)w[k] : 0, hdr[k],
                           k + 1 < G_N_ELEMENTS(hdr) ? "  " : "\n");
  for (size_t i = 0; i < n; i++) {
    const ConfMatrixRow *r = &rows[i];
    const char *c[] = {r->sku,           r->vpn_type,        r->mode,     r->nat,
                       r->policy,        verdict_name(r->verdict), asp(r->connects),
                       asp(r->traffic),  asp(r->ike_rekey), asp(r->child_rekey),
                       asp(r->dpd),      r->checks ? r->checks : r->check_id};
    for (size_t k = 0; k < G_N_ELEMENTS(c); k++)
      g_string_append_printf(o, "%-*s%s", k + 1 < G_N_ELEMENTS(c) ? (int)w[k] : 0,
                             c[k] ? c[k] : "?", k + 1 < G_N_ELEMENTS(c) ? "  " : "\n");
    if (r->first && r->verdict != CONF_COMPAT_COMPATIBLE)
      g_string_append_printf(o, "  first failure: %s\n", r->first);
    if (r->why && r->first && r->verdict != CONF_COMPAT_COMPATIBLE &&
        g_str_has_prefix(r->why, r->first)) {
      const char *rest = r->why + strlen(r->first);
      if (g_str_has_prefix(rest, "; "))
        g_string_append_printf(o, "  then: %s\n", rest + 2);
    } else if (r->why) {
      g_string_append_printf(o, "  why: %s\n", r->why);
    }
  }
  g_string_append_c(o, '\n');
  counts_line(o, rows, n);
  return g_string_free(o, FALSE);
}

char *conf_matrix_json(const ConfMatrixRow *rows, size_t n, const char *profile)
{
  GString *o = g_string_new("{\"device\":");
  vs_json_str(o, profile);
  g_string_append(o, ",\"rows\":[");
  for (size_t i = 0; i < n; i++) {
    const ConfMatrixRow *r = &rows[i];
    g_string_append(o, i ? ",\n{" : "\n{");
    static const char *const keys[] = {"checks", "sku", "vpnType", "connectionMode", "natT",
                                       "policy", "verdict", "connects", "traffic", "ikeRekey",
                                       "childRekey", "dpd"};
    const char *vals[] = {r->checks ? r->checks : r->check_id,
                          r->sku, r->vpn_type, r->mode, r->nat, r->policy,
                          verdict_name(r->verdict), asp(r->connects), asp(r->traffic),
                          asp(r->ike_rekey), asp(r->child_rekey), asp(r->dpd)};
    for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
      g_string_append_printf(o, "%s\"%s\":", k ? "," : "", keys[k]);
      vs_json_str(o, vals[k] ? vals[k] : "?");
    }
    g_string_append(o, ",\"firstFailure\":");
    if (r->first && r->verdict != CONF_COMPAT_COMPATIBLE)
      vs_json_str(o, r->first);
    else
      g_string_append(o, "null");
    g_string_append(o, ",\"why\":");
    if (r->why)
      vs_json_str(o, r->why);
    else
      g_string_append(o, "null");
    g_string_append_c(o, '}');
  }
  g_string_append(o, "\n]}\n");
  return g_string_free(o, FALSE);
}

char *conf_matrix_html(const ConfMatrixRow *rows, size_t n, const char *profile)
{
  GString *o = g_string_new("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
  g_string_append(o, "<title>vpnsim device compatibility: ");
  conf_html_text(o, profile);
  g_string_append(o,
                  "</title>\n<style>\nbody{font-family:sans-serif;margin:2em}"
                  "table{border-collapse:collapse}td,th{border:1px solid #999;padding:4px 8px;"
                  "text-align:left;vertical-align:top}th{background:#eee}.yes{background:#c8f0c8}"
                  ".no{background:#f5c0c0}.na{color:#777}.unknown{background:#f5e6a8}"
                  ".compatible{background:#c8f0c8}.degraded{background:#f5e6a8}"
                  ".incompatible{background:#f5c0c0}.notsim{background:#ddd}"
                  ".why{font-size:90%}\n</style>\n</head>\n<body>\n<h1>Device compatibility: ");
  conf_html_text(o, profile);
  g_string_append_printf(
      o,
      "</h1>\n<p>Simulated against Azure VPN Gateway as documented (vpnsim conformance "
      "catalogue, docs/conformance.md). Each row is a gateway configuration the conformance "
      "checks exercise, run for %d s of simulated time so that the IKE SA and the child SA "
      "rekey at least once; the verdict comes from what happened, not from the checks' own "
      "expectations (those are in the conformance report).</p>\n",
      CONF_MATRIX_DURATION_S);
  g_string_append(o, "<table>\n<tr><th>Checks</th><th>SKU</th><th>VPN type</th>"
                     "<th>Connection mode</th><th>NAT-T</th><th>Policy</th><th>Verdict</th>"
                     "<th>Connects</th><th>Passes traffic</th><th>Survives IKE SA rekey</th>"
                     "<th>Survives child SA rekey</th><th>Survives DPD</th>"
                     "<th>First failure</th><th>Why</th></tr>\n");
  static const char *const cls[] = {[CONF_ASP_NA] = "na", [CONF_ASP_YES] = "yes",
                                    [CONF_ASP_NO] = "no", [CONF_ASP_UNKNOWN] = "unknown"};
  static const char *const vcls[] = {[CONF_COMPAT_COMPATIBLE] = "compatible",
                                     [CONF_COMPAT_DEGRADED] = "degraded",
                                     [CONF_COMPAT_INCOMPATIBLE] = "incompatible",
                                     [CONF_COMPAT_NOT_SIMULATED] = "notsim"};
  for (size_t i = 0; i < n; i++) {
    const ConfMatrixRow *r = &rows[i];
    g_string_append(o, "<tr>");
    const char *c[] = {r->checks ? r->checks : r->check_id, r->sku, r->vpn_type, r->mode,
                       r->nat, r->policy};
    for (size_t k = 0; k < G_N_ELEMENTS(c); k++) {
      g_string_append(o, "<td>");
      if (!k && r->report) {
        g_string_append(o, "<a href=\"");
        conf_html_text(o, r->report);
        g_string_append(o, "\">");
      }
      conf_html_text(o, c[k]);
      g_string_append(o, !k && r->report ? "</a></td>" : "</td>");
    }
    g_string_append_printf(o, "<td class=\"%s\">%s</td>", vcls[r->verdict],
                           verdict_name(r->verdict));
    ConfAspect a[] = {r->connects, r->traffic, r->ike_rekey, r->child_rekey, r->dpd};
    for (size_t k = 0; k < G_N_ELEMENTS(a); k++)
      g_string_append_printf(o, "<td class=\"%s\">%s</td>", cls[a[k]], asp(a[k]));
    g_string_append(o, "<td class=\"why\">");
    if (r->first && r->verdict != CONF_COMPAT_COMPATIBLE)
      conf_html_text(o, r->first);
    g_string_append(o, "</td><td class=\"why\">");
    if (r->why)
      conf_html_text(o, r->why);
    g_string_append(o, "</td></tr>\n");
  }
  g_string_append(o, "</table>\n<p>");
  GString *cl = g_string_new(NULL);
  counts_line(cl, rows, n);
  conf_html_text(o, cl->str);
  g_string_free(cl, TRUE);
  g_string_append(o, "</p>\n</body>\n</html>\n");
  return g_string_free(o, FALSE);
}
