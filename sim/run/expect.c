/* SPDX-License-Identifier: MIT */
/* Expectation evaluation against the event log, counters and validation verdict: one
 * check function per kind, found through scn_expect_checks. */
#include "models/gateway/gw_p2s.h"
#include "sim/run/expect.h"

#include "sim/run/run_events.h"

#include "models/common/units.h"
#include "models/ike/ikev2_codec.h"
#include "sim/scenario/scenario.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

/* ---- helpers ---- */

static const char *attr_str(const VsEvent *ev, const char *key, char buf[SCN_ATTR_BUFSZ])
{
  const VsAttr *a = vs_event_attr(ev, key);
  return a ? scn_attr_text(a, buf) : NULL;
}

static bool attr_is(const VsEvent *ev, const char *key, const char *value)
{
  char buf[SCN_ATTR_BUFSZ];
  const char *v = attr_str(ev, key, buf);
  return v && strcmp(v, value) == 0;
}

static bool attr_num(const VsEvent *ev, const char *key, double *out)
{
  const VsAttr *a = vs_event_attr(ev, key);
  if (!a)
    return false;
  switch (a->kind) {
  case VS_ATTR_INT: *out = (double)a->v.i; return true;
  case VS_ATTR_UINT:
  case VS_ATTR_HEX: *out = (double)a->v.u; return true;
  default: return false;
  }
}

/* A node filter: "vgw1" matches the gateway's instances "vgw1/0" and "vgw1/1" too. */
static bool node_matches(const char *want, const char *have)
{
  size_t n = strlen(want);
  return have && strncmp(want, have, n) == 0 && (have[n] == '\0' || have[n] == '/');
}

/* Deterministic number text (locale-independent, at most 6 significant digits). */
static char *num(double v, char *buf, size_t size)
{
  return g_ascii_formatd(buf, (int)size, "%.6g", v);
}

static char *secs(double s, char *buf, size_t size)
{
  char n[G_ASCII_DTOSTR_BUF_SIZE];
  if (s < 1.0)
    g_snprintf(buf, size, "%sms", num(s * 1e3, n, sizeof n));
  else
    g_snprintf(buf, size, "%ss", num(s, n, sizeof n));
  return buf;
}

static char *bps(double v, char *buf, size_t size)
{
  char n[G_ASCII_DTOSTR_BUF_SIZE];
  g_snprintf(buf, size, "%sMbps", num(v / 1e6, n, sizeof n));
  return buf;
}

static void decided(ScnResult *r, const VsEvent *ev, long seq)
{
  char t[32];
  r->event_seq = seq;
  r->decided_by = g_strdup_printf("event #%ld at %ss: %s on %s", seq,
                                  scn_time_format(ev->time_ns, t, sizeof t), ev->type,
                                  ev->node);
}

static int64_t until(const ScnExpect *x, const ScnExpectInput *in)
{
  return x->has_by ? x->by_ns : in->end_ns;
}

static char *when(const ScnExpect *x)
{
  char d[32];
  return x->has_by ? g_strdup_printf(" by %s", units_format_duration(x->by_ns, d, sizeof d))
                   : g_strdup(" at the end");
}

/* Walk the events up to the deadline. */
#define EACH_EVENT(in, t, ev, seq)                                                            \
  for (size_t seq = 0; seq < scn_eventlog_len((in)->events); seq++)                         \
    for (const VsEvent *ev = scn_eventlog_get((in)->events, seq); ev; ev = NULL)              \
      if (ev->time_ns <= (t))

/* ---- each kind ---- */

static void eval_tunnel(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  r->name = g_strdup_printf("tunnel %s%s%s is %s%s", x->connection, x->node ? " on " : "",
                            x->node ? x->node : "", x->state, w);
  r->expected = g_strdup(x->state);
  const char *state = "disconnected";
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    bool up = strcmp(ev->type, run_event_types.tunnel_up) == 0,
         down = strcmp(ev->type, run_event_types.tunnel_down) == 0;
    if ((up || down) && attr_is(ev, "connection", x->connection) &&
        (!x->node || node_matches(x->node, ev->node))) {
      state = up ? "connected" : "disconnected";
      g_free(r->decided_by);
      decided(r, ev, (long)seq);
    }
  }
  if (r->event_seq < 0)
    r->decided_by = g_strdup_printf("no %s or %s event for the connection",
                                    run_event_types.tunnel_up, run_event_types.tunnel_down);
  r->observed = g_strdup(state);
  r->pass = strcmp(state, x->state) == 0;
}

static void eval_sa(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  const char *est = x->sa_child ? run_event_types.child_sa_established
                                : run_event_types.ike_sa_established;
  const char *del = x->sa_child ? run_event_types.child_sa_deleted : run_event_types.ike_sa_deleted;
  r->name = g_strdup_printf("%s SA of %s is %s%s", x->sa_child ? "child" : "IKE",
                            x->connection, x->state, w);
  r->expected = g_strdup(x->state);
  /* SAs live from established to deleted; a rekey establishes the new one first */
  long live = 0;
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    int d = !strcmp(ev->type, est) ? 1 : !strcmp(ev->type, del) ? -1 : 0;
    if (d && attr_is(ev, "connection", x->connection)) {
      live = MAX(0, live + d);
      g_free(r->decided_by);
      decided(r, ev, (long)seq);
    }
  }
  if (r->event_seq < 0)
    r->decided_by = g_strdup_printf("no %s or %s event for the connection", est, del);
  const char *state = live > 0 ? "established" : "deleted";
  r->observed = g_strdup_printf("%s (%ld live)", state, live);
  r->pass = strcmp(state, x->state) == 0;
}

static bool count_ok(const ScnExpect *x, size_t n)
{
  if (x->count.set)
    return scn_bound_holds(&x->count, (double)n);
  return x->seen ? n > 0 : n == 0;
}

static char *count_expected(const ScnExpect *x)
{
  if (x->count.set)
    return g_strdup_printf("count %s", x->count.text);
  return g_strdup(x->seen ? "seen (count >= 1)" : "absent (count == 0)");
}

static bool has_notify(const VsEvent *ev, const ScnExpect *x)
{
  char buf[SCN_ATTR_BUFSZ];
  const char *list = attr_str(ev, "notifies", buf);
  if (!list)
    return false;
  g_auto(GStrv) names = g_strsplit(list, " ", -1);
  for (char **p = names; *p; p++)
    for (unsigned i = 0; i < x->n_notifies; i++)
      if (strcmp(*p, x->notifies[i]) == 0)
        return true;
  return false;
}

static void eval_ike(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  GString *what = g_string_new(x->exchange ? x->exchange : "any exchange");
  if (x->connection)
    g_string_append_printf(what, " of %s", x->connection);
  if (x->n_notifies) {
    g_string_append(what, " with notify ");
    for (unsigned i = 0; i < x->n_notifies; i++)
      g_string_append_printf(what, "%s%s", i ? "|" : "", x->notifies[i]);
  }
  r->name = g_strdup_printf("IKE %s %s%s", what->str,
                            x->count.set ? "counted" : x->seen ? "seen" : "never seen", w);
  g_string_free(what, TRUE);
  r->expected = count_expected(x);
  size_t n = 0;
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    if (strcmp(ev->type, run_event_types.ike_message) != 0)
      continue;
    if (x->exchange && !attr_is(ev, "exchange", x->exchange))
      continue;
    if (x->connection && !attr_is(ev, "connection", x->connection))
      continue;
    if (x->n_notifies && !has_notify(ev, x))
      continue;
    if (n++ == 0)
      decided(r, ev, (long)seq); /* the first match decides presence and absence */
  }
  if (!n)
    r->decided_by = g_strdup("no matching ike.message event");
  r->observed = g_strdup_printf("count %zu", n);
  r->pass = count_ok(x, n);
}

static void eval_ping(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  GString *exp = g_string_new(NULL);
  if (x->success_ratio.set)
    g_string_append_printf(exp, "successRatio %s", x->success_ratio.text);
  if (x->rtt_avg.set)
    g_string_append_printf(exp, "%srttAvg %s", exp->len ? ", " : "", x->rtt_avg.text);
  if (x->rtt_max.set)
    g_string_append_printf(exp, "%srttMax %s", exp->len ? ", " : "", x->rtt_max.text);
  r->name = g_strdup_printf("ping %s: %s%s", x->flow, exp->str, w);
  r->expected = g_string_free(exp, FALSE);
  size_t sent = 0, replies = 0;
  double sum = 0, max = 0;
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    bool s = !strcmp(ev->type, run_event_types.ping_sent),
         rp = !strcmp(ev->type, run_event_types.ping_reply);
    if (!(s || rp) || !attr_is(ev, "flow", x->flow))
      continue;
    double rtt;
    if (s) {
      sent++;
    } else {
      replies++;
      if (attr_num(ev, "rtt_ns", &rtt)) {
        sum += rtt / 1e9;
        max = MAX(max, rtt / 1e9);
      }
    }
    g_free(r->decided_by);
    decided(r, ev, (long)seq); /* the last ping event of the flow */
  }
  if (r->event_seq < 0)
    r->decided_by = g_strdup("no ping.sent or ping.reply event for the flow");
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[32], c[32];
  if (sent == 0) {
    r->observed = g_strdup("no echo request sent");
    r->pass = false;
    return;
  }
  double ratio = (double)replies / (double)sent, avg = replies ? sum / (double)replies : NAN;
  r->observed = g_strdup_printf("successRatio %s (%zu/%zu), rttAvg %s, rttMax %s",
                                num(ratio, a, sizeof a), replies, sent,
                                replies ? secs(avg, b, sizeof b) : "-",
                                replies ? secs(max, c, sizeof c) : "-");
  r->pass = true;
  if (x->success_ratio.set)
    r->pass &= scn_bound_holds(&x->success_ratio, ratio);
  if (x->rtt_avg.set)
    r->pass &= replies && scn_bound_holds(&x->rtt_avg, avg);
  if (x->rtt_max.set)
    r->pass &= replies && scn_bound_holds(&x->rtt_max, max);
}

static void eval_throughput(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  g_autofree char *what = g_strdup_printf("%s%s%s%s%s", x->rate.set ? "rate " : "",
                                          x->rate.set ? x->rate.text : "",
                                          x->rate.set && x->pps.set ? ", " : "",
                                          x->pps.set ? "pps " : "", x->pps.set ? x->pps.text : "");
  r->name = g_strdup_printf("throughput of %s%s %s%s", x->flow,
                            x->n_and_flows ? " and more flows" : "", what, w);
  r->expected = g_strdup(what);
  const VsEvent *last = NULL;
  double more_bytes = 0, more_packets = 0; /* andFlows: their latest flow.stats, summed */
  for (unsigned k = 0; k < x->n_and_flows; k++) {
    const VsEvent *l = NULL;
    EACH_EVENT(in, until(x, in), ev, seq)
    {
      if (!strcmp(ev->type, "flow.stats") && attr_is(ev, "flow", x->and_flows[k]))
        l = ev;
    }
    double b = 0, p = 0;
    if (l && attr_num(l, "bytes", &b))
      more_bytes += b;
    if (l && attr_num(l, "packets", &p))
      more_packets += p;
  }
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    if (!strcmp(ev->type, run_event_types.flow_stats) && attr_is(ev, "flow", x->flow)) {
      last = ev;
      g_free(r->decided_by);
      decided(r, ev, (long)seq);
    }
  }
  double bytes, dur, packets = 0;
  if (!last) {
    r->decided_by = g_strdup("no flow.stats event for the flow");
    r->observed = g_strdup("no traffic measured");
    return;
  }
  bool have_packets = attr_num(last, "packets", &packets);
  if (!attr_num(last, "bytes", &bytes) || !attr_num(last, "duration_ns", &dur) || dur <= 0 ||
      (x->pps.set && !have_packets)) {
    r->observed = g_strdup("flow.stats without bytes, packets and a positive duration_ns");
    return;
  }
  bytes += more_bytes;
  packets += more_packets;
  double rate = bytes * 8.0 / (dur / 1e9);
  double pps = packets / (dur / 1e9);
  char a[32], b[32];
  if (x->pps.set)
    r->observed = g_strdup_printf("rate %s, %.0f pps (%.0f bytes, %.0f packets in %s)",
                                  bps(rate, a, sizeof a), pps, bytes, packets,
                                  secs(dur / 1e9, b, sizeof b));
  else
    r->observed = g_strdup_printf("rate %s (%.0f bytes in %s)", bps(rate, a, sizeof a), bytes,
                                  secs(dur / 1e9, b, sizeof b));
  r->pass = (!x->rate.set || scn_bound_holds(&x->rate, rate)) &&
            (!x->pps.set || scn_bound_holds(&x->pps, pps));
}

static void eval_counter(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  r->name = g_strdup_printf("counter %s%s%s %s", x->counter, x->node ? " of " : "",
                            x->node ? x->node : "", x->value.text);
  r->expected = g_strdup(x->value.text);
  double sum = 0;
  size_t found = 0;
  GString *by = g_string_new("counters:");
  for (size_t i = 0; i < in->n_counters; i++) {
    const ScnCounter *c = &in->counters[i];
    if (strcmp(c->name, x->counter) != 0 || (x->node && !node_matches(x->node, c->node)))
      continue;
    sum += c->value;
    char v[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(by, "%s %s of %s = %s", found++ ? "," : "", c->name, c->node,
                           num(c->value, v, sizeof v));
  }
  char v[G_ASCII_DTOSTR_BUF_SIZE];
  if (!found) {
    g_string_assign(by, "no such counter (taken as 0)");
  }
  r->decided_by = g_string_free(by, FALSE);
  r->observed = g_strdup(num(sum, v, sizeof v));
  r->pass = scn_bound_holds(&x->value, sum);
}

static void eval_event(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  GString *what = g_string_new(x->event_type);
  if (x->node)
    g_string_append_printf(what, " on %s", x->node);
  for (unsigned i = 0; i < x->n_match; i++)
    g_string_append_printf(what, "%s%s=%s", i ? " " : " with ", x->match[i].key,
                           x->match[i].value);
  r->name = g_strdup_printf("event %s %s%s", what->str,
                            x->count.set ? "counted" : x->seen ? "present" : "absent", w);
  g_string_free(what, TRUE);
  r->expected = count_expected(x);
  size_t n = 0;
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    if (strcmp(ev->type, x->event_type) != 0 || (x->node && !node_matches(x->node, ev->node)))
      continue;
    bool ok = true;
    for (unsigned i = 0; i < x->n_match && ok; i++)
      ok = attr_is(ev, x->match[i].key, x->match[i].value);
    if (ok && n++ == 0)
      decided(r, ev, (long)seq);
  }
  if (!n)
    r->decided_by = g_strdup("no matching event");
  r->observed = g_strdup_printf("count %zu", n);
  r->pass = count_ok(x, n);
}

static bool has_finding(const GwDiags *v, GwSeverity sev, const char *rule)
{
  for (size_t j = 0; j < gw_diags_len(v); j++) {
    const GwDiag *d = gw_diags_get(v, j);
    if (d->severity == sev && !strcmp(d->rule_id, rule))
      return true;
  }
  return false;
}

static void eval_validation(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  GString *exp = g_string_new(x->valid ? "valid" : "invalid");
  for (unsigned i = 0; i < x->n_rules; i++)
    g_string_append_printf(exp, "%s%s", i ? ", " : " with ", x->rules[i]);
  for (unsigned i = 0; i < x->n_warnings; i++)
    g_string_append_printf(exp, "%s%s", i ? ", " : ", warnings of ", x->warnings[i]);
  r->name = g_strdup_printf("the configuration is %s", exp->str);
  r->expected = g_string_free(exp, FALSE);
  if (!in->validation) {
    r->observed = g_strdup("not validated");
    r->decided_by = g_strdup("the configuration rules did not run");
    return;
  }
  size_t errors = 0;
  GString *ids = g_string_new(NULL);
  const GwDiag *first = NULL;
  for (size_t i = 0; i < gw_diags_len(in->validation); i++) {
    const GwDiag *d = gw_diags_get(in->validation, i);
    if (d->severity != GW_SEV_ERROR)
      continue;
    errors++;
    first = first ? first : d;
    if (!strstr(ids->str, d->rule_id))
      g_string_append_printf(ids, "%s%s", ids->len ? ", " : "", d->rule_id);
  }
  r->observed = errors ? g_strdup_printf("invalid with %s (%zu error%s)", ids->str, errors,
                                         errors == 1 ? "" : "s")
                       : g_strdup("valid");
  if (first)
    r->decided_by = first->loc.file
                        ? g_strdup_printf("%s at %s:%u:%u", first->rule_id, first->loc.file,
                                          first->loc.line, first->loc.col)
                        : g_strdup(first->rule_id);
  else
    r->decided_by = g_strdup("no configuration rule found an error");
  r->pass = x->valid ? errors == 0 : errors > 0;
  for (unsigned i = 0; i < x->n_rules && r->pass; i++)
    r->pass = has_finding(in->validation, GW_SEV_ERROR, x->rules[i]);
  /* the warnings it names: each among the findings, the observed text lists them all */
  GString *warned = g_string_new(NULL);
  for (size_t i = 0; i < gw_diags_len(in->validation); i++) {
    const GwDiag *d = gw_diags_get(in->validation, i);
    if (d->severity == GW_SEV_WARNING && !strstr(warned->str, d->rule_id))
      g_string_append_printf(warned, "%s%s", warned->len ? ", " : "", d->rule_id);
  }
  if (x->n_warnings) {
    char *o = r->observed;
    r->observed = g_strdup_printf("%s, warnings of %s", o, warned->len ? warned->str : "none");
    g_free(o);
  }
  for (unsigned i = 0; i < x->n_warnings && r->pass; i++)
    r->pass = has_finding(in->validation, GW_SEV_WARNING, x->warnings[i]);
  g_string_free(warned, TRUE);
  g_string_free(ids, TRUE);
}

/* tunnel.stats carries a tunnel endpoint's counts since the start of the run. The traffic
 * of an interval is the latest snapshot at or before its end minus the latest at or
 * before its start (none: zero); the runner takes snapshots at both bounds, so the
 * difference is exact. Every endpoint of the connection (or the one 'node' names) must
 * see the bound both ways: egress (into the tunnel) and ingress (out of it). */
typedef struct {
  const char *node;
  double base[2], end[2]; /* egress, ingress packets */
  const VsEvent *ev;      /* the end snapshot */
  long seq;
} TrafficSide;

static void eval_traffic(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  int64_t from = x->has_from ? x->from_ns : 0, to = until(x, in);
  char a[32], b[32];
  static const ScnBound one = {.set = true, .op = SCN_CMP_GE, .v = 1, .text = ">= 1"};
  const ScnBound *bound = x->packets.set ? &x->packets : &one;
  r->name = g_strdup_printf("traffic both ways through %s%s%s from %s to %s", x->connection,
                            x->node ? " on " : "", x->node ? x->node : "",
                            units_format_duration(from, a, sizeof a),
                            units_format_duration(to, b, sizeof b));
  r->expected = g_strdup_printf("packets each way %s", bound->text);
  g_autoptr(GArray) sides = g_array_new(FALSE, TRUE, sizeof(TrafficSide));
  EACH_EVENT(in, to, ev, seq)
  {
    if (strcmp(ev->type, run_event_types.tunnel_stats) != 0 || !attr_is(ev, "connection", x->connection) ||
        (x->node && !node_matches(x->node, ev->node)))
      continue;
    TrafficSide *sd = NULL;
    for (guint i = 0; i < sides->len && !sd; i++)
      if (!strcmp(g_array_index(sides, TrafficSide, i).node, ev->node))
        sd = &g_array_index(sides, TrafficSide, i);
    if (!sd) {
      g_array_set_size(sides, sides->len + 1);
      sd = &g_array_index(sides, TrafficSide, sides->len - 1);
      sd->node = ev->node;
    }
    double c[2] = {0, 0};
    attr_num(ev, "egress_packets", &c[0]);
    attr_num(ev, "ingress_packets", &c[1]);
    if (ev->time_ns <= from)
      memcpy(sd->base, c, sizeof c);
    memcpy(sd->end, c, sizeof c);
    sd->ev = ev;
    sd->seq = (long)seq;
  }
  if (!sides->len) {
    r->observed = g_strdup("no tunnel.stats for the connection");
    r->decided_by = g_strdup("no tunnel.stats event for the connection");
    return;
  }
  GString *obs = g_string_new(NULL);
  const TrafficSide *decider = NULL;
  r->pass = true;
  for (guint i = 0; i < sides->len; i++) {
    const TrafficSide *sd = &g_array_index(sides, TrafficSide, i);
    double e = sd->end[0] - sd->base[0], g = sd->end[1] - sd->base[1];
    bool ok = scn_bound_holds(bound, e) && scn_bound_holds(bound, g);
    char ne[G_ASCII_DTOSTR_BUF_SIZE], ng[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(obs, "%s%s: %s packets egress, %s ingress", i ? "; " : "", sd->node,
                           num(e, ne, sizeof ne), num(g, ng, sizeof ng));
    if (!ok && r->pass) {
      r->pass = false;
      decider = sd; /* the first endpoint that falls short */
    }
  }
  if (!decider)
    decider = &g_array_index(sides, TrafficSide, sides->len - 1);
  decided(r, decider->ev, decider->seq);
  r->observed = g_string_free(obs, FALSE);
}

/* outage of a ping flow: the longest time between consecutive echo replies, from the
 * first request sent and up to the last one sent (a flow that ends without replies ends
 * in a gap) */
static void outage_flow(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  int64_t first = -1, last_sent = -1, prev = -1, best = -1, best_from = 0, best_to = 0;
  size_t replies = 0;
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    bool sent = !strcmp(ev->type, run_event_types.ping_sent),
         reply = !strcmp(ev->type, run_event_types.ping_reply);
    if ((!sent && !reply) || !attr_is(ev, "flow", x->flow))
      continue;
    if (sent) {
      if (first < 0)
        first = prev = ev->time_ns;
      last_sent = ev->time_ns;
      continue;
    }
    replies++;
    if (prev >= 0 && ev->time_ns - prev > best) {
      best = ev->time_ns - prev;
      best_from = prev;
      best_to = ev->time_ns;
      g_free(r->decided_by);
      decided(r, ev, (long)seq);
    }
    prev = ev->time_ns;
  }
  if (first < 0) {
    r->decided_by = g_strdup("no ping.sent event for the flow");
    r->observed = g_strdup("no echo request sent");
    return;
  }
  bool open_end = last_sent > prev; /* requests after the last reply got none */
  if (open_end && last_sent - prev > best) {
    best = last_sent - prev;
    best_from = prev;
    best_to = last_sent;
    g_free(r->decided_by);
    r->event_seq = -1;
    r->decided_by = g_strdup("the last echo request of the flow had no reply after it");
  }
  if (!r->decided_by)
    r->decided_by = g_strdup("one echo request and no reply");
  char a[32], b[32], c[32];
  r->observed = g_strdup_printf("longest gap %s (from %ss to %ss%s), %zu replies",
                                secs((double)best / 1e9, a, sizeof a),
                                scn_time_format(best_from, b, sizeof b),
                                scn_time_format(best_to, c, sizeof c),
                                open_end && best_to == last_sent ? ", no reply after" : "",
                                replies);
  r->pass = replies > 0 && scn_bound_holds(&x->longest, (double)best / 1e9);
}

/* outage of a udp flow: the flow.gap the runner logs at the flow's end (the longest time
 * without a datagram received, from the flow's start and up to the end of sending), overall
 * or, with node, among the datagrams that crossed that gateway instance */
static void outage_udp(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  const VsEvent *last = NULL;
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    if (strcmp(ev->type, run_event_types.flow_gap) != 0 || !attr_is(ev, "flow", x->flow))
      continue;
    const VsAttr *via = vs_event_attr(ev, "via");
    if (x->node ? !attr_is(ev, "via", x->node) : via != NULL)
      continue;
    last = ev;
    g_free(r->decided_by);
    decided(r, ev, (long)seq);
  }
  double best, from, to, packets;
  if (!last) {
    r->decided_by = g_strdup_printf("no %s event for the flow%s%s (logged at its end)",
                                    run_event_types.flow_gap, x->node ? " via " : "",
                                    x->node ? x->node : "");
    r->observed = g_strdup(x->node ? "no datagram of the flow crossed the instance"
                                   : "the flow did not end by then");
    return;
  }
  if (!attr_num(last, "longest_ns", &best) || !attr_num(last, "from_ns", &from) ||
      !attr_num(last, "to_ns", &to) || !attr_num(last, "packets", &packets)) {
    r->observed = g_strdup("flow.gap without longest_ns, from_ns, to_ns and packets");
    return;
  }
  char a[32], b[32], c[32], p[G_ASCII_DTOSTR_BUF_SIZE];
  r->observed = g_strdup_printf("longest gap %s (from %ss to %ss%s), %s datagrams received",
                                secs(best / 1e9, a, sizeof a),
                                scn_time_format((int64_t)from, b, sizeof b),
                                scn_time_format((int64_t)to, c, sizeof c),
                                attr_is(last, "open", "true") ? ", none after" : "",
                                num(packets, p, sizeof p));
  r->pass = packets > 0 && scn_bound_holds(&x->longest, best / 1e9);
}

/* outage of a connection: the longest time its tunnel was down after it first came up
 * (with node, that gateway instance's or device's tunnel; without, down means no
 * instance had it up), up to the deadline */
static void outage_connection(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autoptr(GHashTable) up = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  int64_t down_since = -1, best = 0, best_from = 0, best_to = 0;
  bool ever = false, best_open = false;
  int64_t end = until(x, in);
  EACH_EVENT(in, end, ev, seq)
  {
    bool u = !strcmp(ev->type, run_event_types.tunnel_up),
         d = !strcmp(ev->type, run_event_types.tunnel_down);
    if ((!u && !d) || !attr_is(ev, "connection", x->connection) ||
        (x->node && !node_matches(x->node, ev->node)))
      continue;
    if (u)
      g_hash_table_replace(up, g_strdup(ev->node), GINT_TO_POINTER(1));
    else
      g_hash_table_remove(up, ev->node);
    bool now_up = g_hash_table_size(up) > 0;
    if (now_up && down_since >= 0) {
      if (ev->time_ns - down_since > best) {
        best = ev->time_ns - down_since;
        best_from = down_since;
        best_to = ev->time_ns;
        g_free(r->decided_by);
        decided(r, ev, (long)seq);
      }
      down_since = -1;
    } else if (!now_up && ever && down_since < 0) {
      down_since = ev->time_ns;
    }
    ever |= now_up;
  }
  if (!ever) {
    r->decided_by = g_strdup_printf("no %s event for the connection", run_event_types.tunnel_up);
    r->observed = g_strdup("never up");
    return;
  }
  if (down_since >= 0 && end - down_since > best) {
    best = end - down_since;
    best_from = down_since;
    best_to = end;
    best_open = true;
    g_free(r->decided_by);
    r->event_seq = -1;
    r->decided_by = g_strdup("the tunnel was still down at the deadline");
  }
  if (!r->decided_by)
    r->decided_by = g_strdup("the tunnel was not down after it first came up");
  char a[32], b[32], c[32];
  if (best == 0)
    r->observed = g_strdup("never down after it first came up");
  else
    r->observed = g_strdup_printf("longest down %s (from %ss to %ss%s)",
                                secs((double)best / 1e9, a, sizeof a),
                                scn_time_format(best_from, b, sizeof b),
                                scn_time_format(best_to, c, sizeof c),
                                best_open ? ", still down" : "");
  r->pass = scn_bound_holds(&x->longest, (double)best / 1e9);
}

static void eval_outage(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  r->name = g_strdup_printf("outage of %s%s%s longest %s%s", x->flow ? x->flow : x->connection,
                            x->node ? " on " : "", x->node ? x->node : "", x->longest.text, w);
  r->expected = g_strdup_printf("longest %s", x->longest.text);
  if (x->flow && x->flow_udp)
    outage_udp(x, in, r);
  else if (x->flow)
    outage_flow(x, in, r);
  else
    outage_connection(x, in, r);
}

static bool complete_outage(const ScnExpect *x)
{
  return (x->flow || x->connection) && x->longest.set;
}

/* tunnel, sa */
static bool complete_state(const ScnExpect *x)
{
  return x->connection && x->state;
}

static bool complete_ping(const ScnExpect *x)
{
  return x->flow != NULL;
}

static bool complete_throughput(const ScnExpect *x)
{
  return x->flow && (x->rate.set || x->pps.set);
}

static bool complete_counter(const ScnExpect *x)
{
  return x->counter && x->value.set;
}

static bool complete_event(const ScnExpect *x)
{
  return x->event_type != NULL;
}

/* The evaluator's row of every kind (the loader's: scn_expect_descs). */
/* trafficBothWays */
static bool complete_traffic(const ScnExpect *x)
{
  return x->connection != NULL;
}

/* ---- BGP (models/bgp, models/endpoint/ep_bgp.h) ---- */

static bool complete_bgp_session(const ScnExpect *x)
{
  return x->node && x->bgp_state;
}

/* The state of each session of the node at 'by' (Idle before its first change); with a
 * peer, that session's, else any session in the state passes. */
static void eval_bgp_session(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  r->name = g_strdup_printf("BGP session of %s%s%s is %s%s", x->node, x->bgp_peer ? " with " : "",
                            x->bgp_peer ? x->bgp_peer : "", x->bgp_state, w);
  r->expected = g_strdup(x->bgp_state);
  g_autoptr(GHashTable) st = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func(g_free);
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    if (strcmp(ev->type, run_event_types.bgp_session_state) || !node_matches(x->node, ev->node))
      continue;
    char pb[SCN_ATTR_BUFSZ], sb[SCN_ATTR_BUFSZ];
    const char *peer = attr_str(ev, "peer", pb), *ns = attr_str(ev, "new_state", sb);
    if (!peer || !ns || (x->bgp_peer && strcmp(peer, x->bgp_peer)))
      continue;
    if (!g_hash_table_contains(st, peer))
      g_ptr_array_add(order, g_strdup(peer));
    g_hash_table_replace(st, g_strdup(peer), g_strdup(ns));
    g_free(r->decided_by);
    decided(r, ev, (long)seq);
  }
  GString *obs = g_string_new(NULL);
  bool pass = false;
  for (guint i = 0; i < order->len; i++) {
    const char *peer = g_ptr_array_index(order, i), *v = g_hash_table_lookup(st, peer);
    g_string_append_printf(obs, "%s%s %s", i ? ", " : "", peer, v);
    pass |= !strcmp(v, x->bgp_state);
  }
  if (!order->len) {
    g_string_append(obs, "Idle (no session changed state)");
    pass = !strcmp(x->bgp_state, "Idle");
    r->decided_by = g_strdup_printf("no %s event of the node%s", run_event_types.bgp_session_state,
                                    x->bgp_peer ? " and peer" : "");
  }
  r->observed = g_string_free(obs, FALSE);
  r->pass = pass;
}

static bool complete_bgp_route(const ScnExpect *x)
{
  return x->node && x->has_prefix;
}

/* What the node's data plane routes for the prefix from BGP at 'by': the tunnels and AS
 * paths of bgp.route.installed not yet bgp.route.removed. */
static void eval_bgp_route(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  char pfx[IPV4_PREFIX_STRLEN];
  ipv4_prefix_format(x->prefix, pfx);
  GString *want = g_string_new(x->present ? "routed" : "not routed");
  if (x->as_path)
    g_string_append_printf(want, ", AS path \"%s\"", x->as_path);
  if (x->bgp_tunnel)
    g_string_append_printf(want, ", into %s", x->bgp_tunnel);
  r->name = g_strdup_printf("%s routes %s from BGP%s%s", x->node, pfx, x->present ? "" : ": no", w);
  r->expected = g_string_free(want, FALSE);
  g_autoptr(GHashTable) routes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    bool add = !strcmp(ev->type, run_event_types.bgp_route_installed);
    bool del = !strcmp(ev->type, run_event_types.bgp_route_removed);
    if ((!add && !del) || !node_matches(x->node, ev->node) || !attr_is(ev, "prefix", pfx))
      continue;
    char tb[SCN_ATTR_BUFSZ], ab[SCN_ATTR_BUFSZ];
    const char *t = attr_str(ev, "tunnel", tb);
    if (!t)
      continue;
    if (add) {
      const char *ap = attr_str(ev, "as_path", ab);
      g_hash_table_replace(routes, g_strdup(t), g_strdup(ap ? ap : ""));
    } else {
      g_hash_table_remove(routes, t);
    }
    g_free(r->decided_by);
    decided(r, ev, (long)seq);
  }
  if (r->event_seq < 0)
    r->decided_by = g_strdup_printf("no %s or %s event for the prefix", run_event_types.bgp_route_installed,
                                    run_event_types.bgp_route_removed);
  g_autoptr(GList) keys = g_list_sort(g_hash_table_get_keys(routes), (GCompareFunc)strcmp);
  GString *obs = g_string_new(NULL);
  bool match = false;
  for (GList *l = keys; l; l = l->next) {
    const char *ap = g_hash_table_lookup(routes, l->data);
    g_string_append_printf(obs, "%sinto %s, AS path \"%s\"", obs->len ? "; " : "",
                           (const char *)l->data, ap);
    match |= (!x->bgp_tunnel || !strcmp(l->data, x->bgp_tunnel)) &&
             (!x->as_path || !strcmp(ap, x->as_path));
  }
  if (!obs->len)
    g_string_append(obs, "not routed from BGP");
  r->observed = g_string_free(obs, FALSE);
  /* present: a route matching asPath and via; not present: none matching them */
  r->pass = x->present == match;
}

static bool complete_bgp_routes(const ScnExpect *x)
{
  return x->node && x->routes.set;
}

static void eval_bgp_routes(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  r->name = g_strdup_printf("%s routes %s prefixes from BGP%s", x->node, x->routes.text, w);
  r->expected = g_strdup(x->routes.text);
  g_autoptr(GHashTable) n = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    bool add = !strcmp(ev->type, run_event_types.bgp_route_installed);
    bool del = !strcmp(ev->type, run_event_types.bgp_route_removed);
    if ((!add && !del) || !node_matches(x->node, ev->node))
      continue;
    char pb[SCN_ATTR_BUFSZ];
    const char *p = attr_str(ev, "prefix", pb);
    if (!p)
      continue;
    gint k = GPOINTER_TO_INT(g_hash_table_lookup(n, p)) + (add ? 1 : -1);
    if (k > 0)
      g_hash_table_replace(n, g_strdup(p), GINT_TO_POINTER(k));
    else
      g_hash_table_remove(n, p);
    g_free(r->decided_by);
    decided(r, ev, (long)seq);
  }
  if (r->event_seq < 0)
    r->decided_by = g_strdup_printf("no %s event of the node", run_event_types.bgp_route_installed);
  r->observed = g_strdup_printf("%u", g_hash_table_size(n));
  r->pass = scn_bound_holds(&x->routes, g_hash_table_size(n));
}

/* ---- point-to-site ---- */

static bool complete_p2s_client(const ScnExpect *x)
{
  return x->p2s_client && x->p2s_state;
}

static void eval_p2s_client(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  char pb[IPV4_PREFIX_STRLEN], ab[IPV4_ADDR_STRLEN];
  GString *exp = g_string_new(x->p2s_state);
  if (x->has_p2s_address)
    g_string_append_printf(exp, " with address %s", ipv4_addr_format(x->p2s_address, ab));
  if (x->has_prefix)
    g_string_append_printf(exp, " with an address in %s", ipv4_prefix_format(x->prefix, pb));
  if (x->p2s_reason)
    g_string_append_printf(exp, " (reason contains \"%s\")", x->p2s_reason);
  r->name = g_strdup_printf("P2S client %s %s%s", x->p2s_client, exp->str, w);
  r->expected = g_string_free(exp, FALSE);
  /* the gateway's view: its last p2s.connected / p2s.disconnected of the client, and its
   * refusals from the client's public address */
  const VsEvent *last = NULL, *refused = NULL;
  long last_seq = -1, refused_seq = -1;
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    bool c = !strcmp(ev->type, GW_P2S_EV_CONNECTED), d = !strcmp(ev->type, GW_P2S_EV_DISCONNECTED);
    if ((c || d) && attr_is(ev, "client", x->p2s_client)) {
      last = ev;
      last_seq = (long)seq;
    } else if (!strcmp(ev->type, GW_P2S_EV_REFUSED) && attr_is(ev, "peer_ip", x->p2s_peer_ip)) {
      char buf[SCN_ATTR_BUFSZ];
      const char *why = attr_str(ev, "reason", buf);
      if (!x->p2s_reason || (why && strstr(why, x->p2s_reason))) {
        refused = ev;
        refused_seq = (long)seq;
      }
    }
  }
  bool connected = last && !strcmp(last->type, GW_P2S_EV_CONNECTED);
  char buf[SCN_ATTR_BUFSZ];
  const char *addr = connected ? attr_str(last, "address", buf) : NULL;
  if (connected)
    r->observed = g_strdup_printf("connected with address %s", addr ? addr : "?");
  else if (refused) {
    char rb[SCN_ATTR_BUFSZ];
    const char *why = attr_str(refused, "reason", rb);
    r->observed = g_strdup_printf("refused: %s", why ? why : "?");
  } else
    r->observed = g_strdup(last ? "disconnected" : "never connected");
  if (connected)
    decided(r, last, last_seq);
  else if (refused)
    decided(r, refused, refused_seq);
  else if (last)
    decided(r, last, last_seq);
  else
    r->decided_by = g_strdup("no p2s.connected or p2s.refused event for the client");
  if (!strcmp(x->p2s_state, "connected")) {
    Ipv4Addr a = {0};
    bool parsed = addr && ipv4_addr_parse(addr, &a) == IPV4_PARSE_OK;
    r->pass = connected && (!x->has_p2s_address || (parsed && a.v == x->p2s_address.v)) &&
              (!x->has_prefix || (parsed && ipv4_prefix_contains_addr(x->prefix, a)));
  } else if (!strcmp(x->p2s_state, "refused")) {
    r->pass = !connected && refused;
  } else {
    r->pass = !connected;
  }
}

static bool complete_p2s_connections(const ScnExpect *x)
{
  return x->node && x->count.set;
}

static void eval_p2s_connections(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r)
{
  g_autofree char *w = when(x);
  r->name = g_strdup_printf("P2S connections of %s%s", x->node, w);
  r->expected = g_strdup_printf("count %s", x->count.text);
  double n = 0;
  EACH_EVENT(in, until(x, in), ev, seq)
  {
    if ((strcmp(ev->type, GW_P2S_EV_CONNECTED) && strcmp(ev->type, GW_P2S_EV_DISCONNECTED)) ||
        !node_matches(x->node, ev->node))
      continue;
    double v;
    if (attr_num(ev, "connections", &v)) {
      n = v;
      g_free(r->decided_by);
      r->decided_by = NULL;
      decided(r, ev, (long)seq);
    }
  }
  if (r->event_seq < 0)
    r->decided_by = g_strdup("no p2s.connected or p2s.disconnected event: none connected");
  r->observed = g_strdup_printf("%.0f connected", n);
  r->pass = scn_bound_holds(&x->count, n);
}

const ScnExpectCheck scn_expect_checks[] = {
    [SCN_EXP_TUNNEL] = {.complete = complete_state, .check = eval_tunnel},
    [SCN_EXP_SA] = {.complete = complete_state, .check = eval_sa},
    [SCN_EXP_IKE] = {.check = eval_ike},
    [SCN_EXP_PING] = {.complete = complete_ping, .check = eval_ping},
    [SCN_EXP_THROUGHPUT] = {.complete = complete_throughput, .check = eval_throughput},
    [SCN_EXP_COUNTER] = {.complete = complete_counter, .check = eval_counter},
    [SCN_EXP_EVENT] = {.complete = complete_event, .check = eval_event},
    [SCN_EXP_VALIDATION] = {.check = eval_validation},
    [SCN_EXP_TRAFFIC] = {.complete = complete_traffic, .check = eval_traffic},
    [SCN_EXP_BGP_SESSION] = {.complete = complete_bgp_session, .check = eval_bgp_session},
    [SCN_EXP_BGP_ROUTE] = {.complete = complete_bgp_route, .check = eval_bgp_route},
    [SCN_EXP_BGP_ROUTES] = {.complete = complete_bgp_routes, .check = eval_bgp_routes},
    [SCN_EXP_OUTAGE] = {.complete = complete_outage, .check = eval_outage},
    [SCN_EXP_P2S_CLIENT] = {.complete = complete_p2s_client, .check = eval_p2s_client},
    [SCN_EXP_P2S_CONNECTIONS] = {.complete = complete_p2s_connections,
                                 .check = eval_p2s_connections},
};
G_STATIC_ASSERT(G_N_ELEMENTS(scn_expect_checks) == SCN_EXP_COUNT);

void scn_expect_eval(const ScnExpect *x, unsigned index, const ScnExpectInput *in,
                     ScnResult *r)
{
  memset(r, 0, sizeof *r);
  r->index = index;
  r->loc = x->loc;
  r->kind = scn_expect_name(x->kind);
  r->event_seq = -1;
  const ScnExpectCheck *c =
      (unsigned)x->kind < SCN_EXP_COUNT ? &scn_expect_checks[x->kind] : NULL;
  if (!c || (c->complete && !c->complete(x))) {
    /* a partial plan (the loader reported why): say so, never guess */
    r->name = g_strdup_printf("%s expectation with errors", r->kind ? r->kind : "an");
    r->expected = g_strdup("a loadable expectation");
    r->observed = g_strdup("not evaluated");
    r->decided_by = g_strdup("the scenario loader reported this expectation");
    return;
  }
  c->check(x, in, r);
}

void scn_result_clear(ScnResult *r)
{
  g_free(r->name);
  g_free(r->expected);
  g_free(r->observed);
  g_free(r->decided_by);
  memset(r, 0, sizeof *r);
}

ScnResults *scn_expect_evaluate(const ScnPlan *plan, const ScnExpectInput *in)
{
  ScnResults *res = g_new0(ScnResults, 1);
  res->scenario = plan->name;
  res->file = plan->file;
  res->seed = plan->seed;
  res->items = g_new0(ScnResult, plan->n_expects ? plan->n_expects : 1);
  for (unsigned i = 0; i < plan->n_expects; i++)
    scn_expect_eval(&plan->expects[i], i + 1, in, &res->items[res->n++]);
  return res;
}

void scn_results_free(ScnResults *r)
{
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++)
    scn_result_clear(&r->items[i]);
  g_free(r->items);
  g_free(r);
}

size_t scn_results_failed(const ScnResults *r)
{
  size_t n = 0;
  for (size_t i = 0; i < r->n; i++)
    n += !r->items[i].pass;
  return n;
}
