/* SPDX-License-Identifier: MIT */
/* The timeline of a run: each action of the plan fires at its simulated time (file order
 * among equal times, since the engine keeps insertion order): traffic flows through
 * sim/engine/net_traffic.h with ping.sent/ping.reply and flow.stats events, link down/up, and the
 * gateway's configuration changes (setPolicy, setSharedKey, resetConnection,
 * resetGateway) through its IKE control plane, and NAT boxes rebinding their mappings
 * (natRebind). */
#include "sim/run/runner_private.h"

#include <string.h>

enum {
  RUN_UDP_PORT_BASE = 5001,  /* the n-th flow's receiver listens on base + n */
  RUN_TCP_PORT_BASE = 6001,
  RUN_UDP_DEFAULT_SIZE = 1000,
};
/* A TCP flow without a byte count sends for its duration; the helper queues its whole
 * transfer at once, so the unlimited case is bounded (64 MiB, half a second at 1 Gb/s). */
#define RUN_TCP_UNLIMITED_BYTES (64ull << 20)
#define RUN_UDP_DRAIN_NS 500000000 /* datagrams still in flight when sending stops */

static const ScnHost *host_find(const Run *r, const char *name)
{
  return name ? g_hash_table_lookup(r->host_addr, name) : NULL;
}

static const char *flow_to(const RunFlow *f)
{
  return f->act->to ? f->act->to : "";
}

/* ---- ping ---- */

static void ping_observe(void *user, bool reply, uint32_t seq, int64_t rtt_ns)
{
  RunFlow *f = user;
  VsEvent ev = vs_event(net_world_now(f->run->w), f->act->from, reply ? "ping.reply" : "ping.sent");
  vs_event_str(&ev, "flow", f->act->flow);
  vs_event_uint(&ev, "seq", seq);
  if (reply)
    vs_event_int(&ev, "rtt_ns", rtt_ns);
  run_emit(f->run, &ev);
}

/* ---- flow end ---- */

static void flow_report(RunFlow *f)
{
  if (f->done)
    return;
  f->done = true;
  Run *r = f->run;
  int64_t now = net_world_now(r->w);
  if (f->end_timer) {
    net_cancel(r->w, f->end_timer);
    f->end_timer = 0;
  }
  const NetFlowStats *st = NULL;
  int64_t dur = now - f->started_ns;
  switch (f->kind) {
  case RUN_FLOW_PING:
    net_ping_free(f->ping);
    f->ping = NULL;
    return; /* ping is judged from its ping.* events */
  case RUN_FLOW_UDP:
    st = net_udp_flow_stats(f->udp);
    if (f->act->duration_ns && f->act->duration_ns < dur)
      dur = f->act->duration_ns; /* the sending time; the drain only collects arrivals */
    break;
  case RUN_FLOW_TCP:
    st = net_tcp_bulk_stats(f->tcp);
    if (net_tcp_bulk_done(f->tcp) && st->t_last_rx >= 0)
      dur = st->t_last_rx - f->started_ns;
    break;
  }
  VsEvent ev = vs_event(now, flow_to(f), "flow.stats");
  vs_event_str(&ev, "flow", f->act->flow);
  vs_event_str(&ev, "kind", name_get(&scn_action_names, f->act->kind));
  vs_event_uint(&ev, "bytes", st->rx_bytes);
  vs_event_uint(&ev, "packets", st->rx_packets);
  vs_event_uint(&ev, "tx_bytes", st->tx_bytes);
  vs_event_int(&ev, "duration_ns", dur);
  if (f->kind == RUN_FLOW_TCP)
    vs_event_bool(&ev, "complete", net_tcp_bulk_done(f->tcp));
  run_emit(r, &ev);
  net_udp_flow_free(f->udp);
  net_tcp_bulk_free(f->tcp);
  f->udp = NULL;
  f->tcp = NULL;
}

static void flow_end(NetWorld *w, void *user)
{
  RunFlow *f = user;
  f->end_timer = 0;
  flow_report(f);
}

static void flow_start(Run *r, const ScnAction *a)
{
  const ScnHost *from = host_find(r, a->from), *to = host_find(r, a->to);
  NetNode *src = g_hash_table_lookup(r->nodes, a->from), *dst = g_hash_table_lookup(r->nodes, a->to);
  g_assert(from && to && src && dst); /* the loader resolved the names; the world made nodes */
  RunFlow *f = g_new0(RunFlow, 1);
  f->run = r;
  f->act = a;
  f->started_ns = net_world_now(r->w);
  unsigned n = r->flows->len;
  g_ptr_array_add(r->flows, f);
  int64_t left = r->end_ns - f->started_ns;
  switch (a->kind) {
  case SCN_ACT_PING: {
    f->kind = RUN_FLOW_PING;
    int64_t iv = a->interval_ns ? a->interval_ns : 1000000000;
    uint64_t count = a->count ? a->count : (uint64_t)(left / iv) + 1; /* 0: until stopped */
    NetPingConfig pc = {.dst = to->address, .count = (uint32_t)MIN(count, 65536),
                        .interval_ns = iv, .size = (uint16_t)a->size,
                        .ident = ++r->next_ident, .observe = ping_observe, .observe_user = f};
    f->ping = net_ping_new(src, &pc);
    break;
  }
  case SCN_ACT_UDP: {
    f->kind = RUN_FLOW_UDP;
    int64_t d = a->duration_ns ? a->duration_ns : left;
    NetUdpFlowConfig uc = {.dst = to->address, .port = (uint16_t)(RUN_UDP_PORT_BASE + n),
                           .rate_bps = a->rate_bps,
                           .size = (uint16_t)(a->size ? a->size : RUN_UDP_DEFAULT_SIZE),
                           .duration_ns = d};
    f->udp = net_udp_flow_new(src, dst, &uc);
    if (a->duration_ns)
      f->end_timer = net_schedule(r->w, d + RUN_UDP_DRAIN_NS, flow_end, f);
    break;
  }
  case SCN_ACT_TCP:
    f->kind = RUN_FLOW_TCP;
    f->tcp = net_tcp_bulk_new(src, dst, to->address, (uint16_t)(RUN_TCP_PORT_BASE + n),
                              a->bytes ? a->bytes : RUN_TCP_UNLIMITED_BYTES);
    if (a->duration_ns)
      f->end_timer = net_schedule(r->w, a->duration_ns, flow_end, f);
    break;
  default:
    g_assert_not_reached();
  }
  if (!f->ping && !f->udp && !f->tcp) {
    /* the helper refused (a port taken): say so in the log, the flow sends nothing */
    VsEvent ev = vs_event(f->started_ns, a->from, "flow.failed");
    vs_event_str(&ev, "flow", a->flow);
    run_emit(r, &ev);
    f->done = true;
  }
}

static void flow_stop(Run *r, const char *name)
{
  for (guint i = r->flows->len; i-- > 0;) {
    RunFlow *f = g_ptr_array_index(r->flows, i);
    if (!strcmp(f->act->flow, name)) {
      flow_report(f);
      return;
    }
  }
}

void run_flows_finish(Run *r)
{
  for (guint i = 0; i < r->flows->len; i++)
    flow_report(g_ptr_array_index(r->flows, i));
}

void run_flow_free(RunFlow *f)
{
  if (!f)
    return;
  net_ping_free(f->ping);
  net_udp_flow_free(f->udp);
  net_tcp_bulk_free(f->tcp);
  g_free(f);
}

/* ---- actions ---- */

typedef struct {
  Run *run;
  const ScnAction *act;
} Fire;

static RunLink *link_find(Run *r, const char *name)
{
  for (guint i = 0; i < r->links->len; i++) {
    RunLink *l = g_ptr_array_index(r->links, i);
    if (!strcmp(l->name, name))
      return l;
  }
  return NULL;
}

/* The gateway endpoint that holds a connection, or NULL. */
static RunEp *conn_ep(Run *r, const char *connection)
{
  const GwConfig *c = r->plan->cloud;
  for (unsigned i = 0; connection && i < c->n_connections; i++) {
    const GwConnection *k = &c->connections[i];
    if (k->name.v && !strcmp(k->name.v, connection) && k->virtualNetworkGateway1.v) {
      RunEp *ep = run_ep_find(r, k->virtualNetworkGateway1.v);
      return ep && ep->gwike ? ep : NULL;
    }
  }
  return NULL;
}

static void fire(NetWorld *w, void *user)
{
  Fire *fi = user;
  Run *r = fi->run;
  const ScnAction *a = fi->act;
  switch (a->kind) {
  case SCN_ACT_PING:
  case SCN_ACT_UDP:
  case SCN_ACT_TCP:
    flow_start(r, a);
    break;
  case SCN_ACT_STOP:
    flow_stop(r, a->flow);
    break;
  case SCN_ACT_LINK_DOWN:
  case SCN_ACT_LINK_UP: {
    RunLink *l = link_find(r, a->link);
    bool up = a->kind == SCN_ACT_LINK_UP;
    net_link_set_up(l->link, up);
    VsEvent ev = vs_event(net_world_now(w), l->name, up ? "link.up" : "link.down");
    vs_event_str(&ev, "link", l->name);
    run_emit(r, &ev);
    break;
  }
  case SCN_ACT_SET_POLICY:
    gw_ike_set_policy(conn_ep(r, a->connection)->gwike, r->plan->cloud, a->connection,
                      a->policy_default ? NULL : &a->policy);
    break;
  case SCN_ACT_SET_SHARED_KEY:
    gw_ike_set_shared_key(conn_ep(r, a->connection)->gwike, r->plan->cloud, a->connection,
                          a->shared_key);
    break;
  case SCN_ACT_RESET_CONNECTION:
    gw_ike_reset(conn_ep(r, a->connection)->gwike, r->plan->cloud, a->connection);
    break;
  case SCN_ACT_RESET_GATEWAY:
    gw_ike_reset(run_ep_find(r, a->gateway)->gwike, r->plan->cloud, NULL);
    break;
  case SCN_ACT_NAT_REBIND:
    run_nat_rebind(r, a->nat_box);
    break;
  default:
    g_assert_not_reached(); /* refused in run_timeline_schedule */
  }
}

bool run_timeline_schedule(Run *r, char **err)
{
  for (unsigned i = 0; i < r->plan->n_timeline; i++) {
    const ScnAction *a = &r->plan->timeline[i];
    switch (a->kind) {
    case SCN_ACT_PING:
    case SCN_ACT_UDP:
    case SCN_ACT_TCP:
      if (!host_find(r, a->from) || !host_find(r, a->to) ||
          !g_hash_table_lookup(r->nodes, a->from) || !g_hash_table_lookup(r->nodes, a->to)) {
        *err = g_strdup_printf("%s:%u:%u: %s from '%s' to '%s': a host is not in this run",
                               a->loc.file, a->loc.line, a->loc.col,
                               name_get(&scn_action_names, a->kind), a->from, a->to);
        return false;
      }
      break;
    case SCN_ACT_STOP:
      break;
    case SCN_ACT_LINK_DOWN:
    case SCN_ACT_LINK_UP:
      if (!link_find(r, a->link)) {
        *err = g_strdup_printf("%s:%u:%u: no link '%s' in this run", a->loc.file, a->loc.line,
                               a->loc.col, a->link);
        return false;
      }
      break;
    case SCN_ACT_SET_POLICY:
    case SCN_ACT_SET_SHARED_KEY:
    case SCN_ACT_RESET_CONNECTION:
      if (!conn_ep(r, a->connection)) {
        *err = g_strdup_printf("%s:%u:%u: no connection '%s' of a gateway in this run",
                               a->loc.file, a->loc.line, a->loc.col,
                               a->connection ? a->connection : "");
        return false;
      }
      break;
    case SCN_ACT_RESET_GATEWAY: {
      RunEp *ep = a->gateway ? run_ep_find(r, a->gateway) : NULL;
      if (!ep || !ep->gwike) {
        *err = g_strdup_printf("%s:%u:%u: no gateway '%s' in this run", a->loc.file,
                               a->loc.line, a->loc.col, a->gateway ? a->gateway : "");
        return false;
      }
      break;
    }
    case SCN_ACT_NAT_REBIND:
      if (!run_nat_has(r, a->nat_box)) {
        *err = g_strdup_printf("%s:%u:%u: no NAT box '%s' in this run", a->loc.file,
                               a->loc.line, a->loc.col, a->nat_box ? a->nat_box : "");
        return false;
      }
      break;
    default:
      *err = g_strdup_printf("%s:%u:%u: the action '%s' is not simulated yet", a->loc.file,
                             a->loc.line, a->loc.col, name_get(&scn_action_names, a->kind));
      return false;
    }
  }
  /* Sorted by time, file order among equal times (the engine runs events of one time in
   * the order they were scheduled). */
  g_autofree unsigned *order = g_new(unsigned, r->plan->n_timeline + 1);
  for (unsigned i = 0; i < r->plan->n_timeline; i++)
    order[i] = i;
  for (unsigned i = 1; i < r->plan->n_timeline; i++)
    for (unsigned j = i; j > 0 && r->plan->timeline[order[j - 1]].at_ns >
                                      r->plan->timeline[order[j]].at_ns; j--) {
      unsigned t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  for (unsigned i = 0; i < r->plan->n_timeline; i++) {
    const ScnAction *a = &r->plan->timeline[order[i]];
    if (a->at_ns > r->end_ns)
      continue; /* past --until */
    Fire *fi = g_new0(Fire, 1);
    fi->run = r;
    fi->act = a;
    g_ptr_array_add(r->strings, fi); /* freed with the run */
    net_schedule(r->w, a->at_ns, fire, fi);
  }
  return true;
}
