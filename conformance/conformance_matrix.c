/* SPDX-License-Identifier: MIT */
/* Device mode of the conformance driver: the rewrite of a scenario's devices to one
 * profile, and the compatibility matrix (per gateway configuration: connects, passes
 * traffic, survives rekeys and DPD, and why not) as text, JSON and HTML. */
#include "models/gateway/gw_policy.h"
#include "conformance/conformance_run.h"
#include "models/common/json.h"
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

static void why_notify(GString *why, const ConfMatrixRow *row, const char *what,
                       const char *notify, const char *exchange, const char *node)
{
  bool ike = exchange && !strcmp(exchange, "IKE_SA_INIT");
  const char *offer = ike ? row->device_ike : row->device_esp;
  bool proposal = !strcmp(notify, "NO_PROPOSAL_CHOSEN");
  if (proposal && offer)
    add_why(why, "%s: %s in %s from %s; the device offered %s %s", what, notify, exchange,
            node ? node : "?", ike ? "IKE" : "ESP", offer);
  else
    add_why(why, "%s: %s in %s from %s", what, notify, exchange ? exchange : "?",
            node ? node : "?");
}

void conf_matrix_analyse(ConfMatrixRow *row, const char *events_jsonl, int64_t fault_ns)
{
  g_autoptr(GString) why = g_string_new(NULL);
  bool up = false, any_ike = false, saw_child = false, saw_info = false;
  bool rekey_fail = false, dpd_fail = false, down_early = false;
  unsigned pings = 0, replies = 0;
  bool flows = false, flow_bytes = false;
  g_autofree char *conn_notify = NULL, *conn_ex = NULL, *conn_node = NULL;
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
            add_why(why, "DPD: the tunnel was declared dead at %.3f s with the peer alive",
                    (double)t / 1e9);
          dpd_fail = true;
        } else if (!down_early) {
          add_why(why, "the tunnel went down at %.3f s (%s) before any injected fault",
                  (double)t / 1e9, reason ? reason : "no reason given");
          down_early = true;
        }
      }
    } else if (!strcmp(type, run_event_types.ike_message)) {
      any_ike = true;
      g_autofree char *ex = json_get_str(*l, "exchange");
      g_autofree char *notifies = json_get_str(*l, "notifies");
      const char *fatal = fatal_in(notifies);
      if (ex && !strcmp(ex, "CREATE_CHILD_SA")) {
        saw_child = true;
        if (fatal && up && !rekey_fail) {
          rekey_fail = true;
          why_notify(why, row, "rekey", fatal, ex, node);
        }
      }
      if (ex && !strcmp(ex, "INFORMATIONAL"))
        saw_info = true;
      if (fatal && !up && !conn_notify) {
        conn_notify = g_strdup(fatal);
        conn_ex = g_strdup(ex ? ex : "?");
        conn_node = g_strdup(node ? node : "?");
      }
    } else if (!strcmp(type, run_event_types.ping_sent)) {
      pings++;
    } else if (!strcmp(type, run_event_types.ping_reply)) {
      replies++;
    } else if (!strcmp(type, run_event_types.flow_stats)) {
      int64_t b = 0;
      flows = true;
      if (json_get_int(*l, "bytes", &b) && b > 0)
        flow_bytes = true;
    }
  }
  g_autoptr(GString) first = g_string_new(NULL);
  if (up) {
    row->connects = CONF_ASP_YES;
  } else {
    row->connects = CONF_ASP_NO;
    if (conn_notify)
      why_notify(first, row, "connect", conn_notify, conn_ex, conn_node);
    else if (any_ike)
      add_why(first, "connect: no tunnel.up and no error notify (IKE exchanges unanswered or "
                     "incomplete)");
    else
      add_why(first, "connect: no IKE message at all");
  }
  if (!pings && !flows)
    row->traffic = CONF_ASP_NA;
  else if (pings ? replies * 10 >= pings * 9 : flow_bytes)
    row->traffic = CONF_ASP_YES;
  else {
    row->traffic = CONF_ASP_NO;
    if (pings)
      add_why(first, "traffic: %u of %u echo requests answered", replies, pings);
    else
      add_why(first, "traffic: no byte of the flows arrived");
  }
  row->rekeys = !saw_child || !up ? CONF_ASP_NA
                : rekey_fail || down_early ? CONF_ASP_NO
                                           : CONF_ASP_YES;
  row->dpd = !saw_info || !up ? CONF_ASP_NA : dpd_fail ? CONF_ASP_NO : CONF_ASP_YES;
  if (why->len)
    add_why(first, "%s", why->str);
  g_free(row->why);
  row->why = first->len ? g_strdup(first->str) : NULL;
}

void conf_matrix_row_clear(ConfMatrixRow *row)
{
  g_free(row->sku), g_free(row->vpn_type), g_free(row->policy), g_free(row->mode);
  g_free(row->nat), g_free(row->device_ike), g_free(row->device_esp), g_free(row->why);
  g_free(row->report);
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

/* The first item of a profile's device.KEY list (a string or a list of strings). */
static char *profile_first(const YtDoc *doc, const char *key)
{
  YtNode *v = yt_map_get(yt_map_get(doc->root, "device"), key);
  if (v && v->kind == YT_SEQ && v->items->len)
    v = g_ptr_array_index(v->items, 0);
  return v && v->kind == YT_SCALAR ? g_strdup(v->str) : NULL;
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
    row->check_passed = cr->verdict == CONF_PASS;
    if (prof) {
      row->device_ike = profile_first(prof, "ikeProposals");
      row->device_esp = profile_first(prof, "espProposals");
    }
    /* The configuration comes from the check's own scenario (the gateway side is the
     * same in the rewritten copy). */
    const ConfScenarioResult *sc = &cr->sc[0];
    int64_t fault = INT64_MAX;
    g_autoptr(GwDiags) diags = gw_diags_new();
    g_autofree char *src = sc->ran ? g_strdup(sc->ran) : NULL;
    g_autoptr(ScnPlan) plan = src ? scn_plan_load_file(src, NULL, diags, NULL) : NULL;
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
      row->connects = row->traffic = row->rekeys = row->dpd = CONF_ASP_UNKNOWN;
      row->why = g_strdup_printf("not simulated: %s", cr->reason ? cr->reason : "?");
    } else {
      conf_matrix_analyse(row, sc->events, fault);
    }
  }
  *n_rows = n;
  return rows;
}

/* ---------------------------------------------------------------- outputs */

static const char *asp(ConfAspect a)
{
  return name_get(&conf_aspect_names, a);
}

char *conf_matrix_text(const ConfMatrixRow *rows, size_t n, const char *profile)
{
  GString *o = g_string_new(NULL);
  g_string_append_printf(o, "Device compatibility matrix: %s\n\n", profile);
  static const char *const hdr[] = {"Check", "SKU", "VPN type", "Mode", "NAT-T", "Policy",
                                    "Connects", "Traffic", "Rekeys", "DPD", "Check result"};
  size_t w[G_N_ELEMENTS(hdr)];
  for (size_t k = 0; k < G_N_ELEMENTS(hdr); k++)
    w[k] = strlen(hdr[k]);
  for (size_t i = 0; i < n; i++) {
    const char *c[] = {rows[i].check_id, rows[i].sku, rows[i].vpn_type, rows[i].mode, rows[i].nat,
                       rows[i].policy};
    for (size_t k = 0; k < G_N_ELEMENTS(c); k++)
      w[k] = MAX(w[k], strlen(c[k] ? c[k] : "?"));
  }
  for (size_t k = 0; k < G_N_ELEMENTS(hdr); k++)
    g_string_append_printf(o, "%-*s%s", (int)w[k], hdr[k], k + 1 < G_N_ELEMENTS(hdr) ? "  " : "\n");
  for (size_t i = 0; i < n; i++) {
    const ConfMatrixRow *r = &rows[i];
    const char *c[] = {r->check_id, r->sku, r->vpn_type, r->mode, r->nat, r->policy,
                       asp(r->connects), asp(r->traffic), asp(r->rekeys), asp(r->dpd),
                       r->check_passed ? "pass" : "fail"};
    for (size_t k = 0; k < G_N_ELEMENTS(c); k++)
      g_string_append_printf(o, "%-*s%s", (int)w[k], c[k] ? c[k] : "?",
                             k + 1 < G_N_ELEMENTS(c) ? "  " : "\n");
    if (r->why)
      g_string_append_printf(o, "%*s  why: %s\n", (int)w[0], "", r->why);
  }
  size_t ok = 0;
  for (size_t i = 0; i < n; i++)
    ok += rows[i].connects == CONF_ASP_YES;
  g_string_append_printf(o, "\n%zu of %zu gateway configurations connect.\n", ok, n);
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
    static const char *const keys[] = {"check", "sku", "vpnType", "connectionMode", "natT",
                                       "policy"};
    const char *vals[] = {r->check_id, r->sku, r->vpn_type, r->mode, r->nat, r->policy};
    for (size_t k = 0; k < G_N_ELEMENTS(keys); k++) {
      g_string_append_printf(o, "%s\"%s\":", k ? "," : "", keys[k]);
      vs_json_str(o, vals[k] ? vals[k] : "?");
    }
    g_string_append(o, ",\"connects\":"), vs_json_str(o, asp(r->connects));
    g_string_append(o, ",\"traffic\":"), vs_json_str(o, asp(r->traffic));
    g_string_append(o, ",\"rekeys\":"), vs_json_str(o, asp(r->rekeys));
    g_string_append(o, ",\"dpd\":"), vs_json_str(o, asp(r->dpd));
    g_string_append_printf(o, ",\"checkPassed\":%s,\"why\":", r->check_passed ? "true" : "false");
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
                  ".why{font-size:90%}\n</style>\n</head>\n<body>\n<h1>Device compatibility: ");
  conf_html_text(o, profile);
  g_string_append(o, "</h1>\n<p>Simulated against Azure VPN Gateway as documented (vpnsim "
                     "conformance catalogue, docs/conformance.md). Each row is a gateway "
                     "configuration a conformance check exercises.</p>\n<table>\n<tr><th>Check</th>"
                     "<th>SKU</th><th>VPN type</th><th>Connection mode</th><th>NAT-T</th>"
                     "<th>Policy</th><th>Connects</th><th>Passes traffic</th><th>Survives rekeys</th>"
                     "<th>Survives DPD</th><th>Why not</th></tr>\n");
  static const char *const cls[] = {[CONF_ASP_NA] = "na", [CONF_ASP_YES] = "yes",
                                    [CONF_ASP_NO] = "no", [CONF_ASP_UNKNOWN] = "unknown"};
  for (size_t i = 0; i < n; i++) {
    const ConfMatrixRow *r = &rows[i];
    g_string_append(o, "<tr>");
    const char *c[] = {r->check_id, r->sku, r->vpn_type, r->mode, r->nat, r->policy};
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
    ConfAspect a[] = {r->connects, r->traffic, r->rekeys, r->dpd};
    for (size_t k = 0; k < G_N_ELEMENTS(a); k++)
      g_string_append_printf(o, "<td class=\"%s\">%s</td>", cls[a[k]], asp(a[k]));
    g_string_append(o, "<td class=\"why\">");
    if (r->why)
      conf_html_text(o, r->why);
    g_string_append(o, "</td></tr>\n");
  }
  g_string_append(o, "</table>\n</body>\n</html>\n");
  return g_string_free(o, FALSE);
}
