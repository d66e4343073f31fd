/* SPDX-License-Identifier: MIT */
/* The timeline of a run: each action of the plan fires at its simulated time (file order
 * among equal times, since the engine keeps insertion order) through its row of
 * run_action_descs: traffic flows through sim/engine/net_traffic.h with ping.sent/ping.reply
 * and flow.stats events, link down/up, and the gateway's configuration changes
 * (setPolicy, setSharedKey, resetConnection, resetGateway) through its IKE control plane,
 * and NAT boxes rebinding their mappings (natRebind). */
#include "sim/run/run_events.h"
#include "models/gateway/gw_instances.h"
#include "sim/run/runner_private.h"
#include "sim/scenario/scenario.h"

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
  return name ? g_hash_table_lookup(r->world.host_addr, name) : NULL;
}

static const char *flow_to(const RunFlow *f)
{
  return f->act->to ? f->act->to : "";
}

/* ---- ping ---- */

static void ping_observe(void *user, bool reply, uint32_t seq, int64_t rtt_ns)
{
  RunFlow *f = user;
  VsEvent ev = vs_event(net_world_now(f->run->world.w), f->act->from,
                        reply ? run_event_types.ping_reply : run_event_types.ping_sent);
  vs_event_str(&ev, "flow", f->act->flow);
  vs_event_uint(&ev, "seq", seq);
  if (reply)
    vs_event_int(&ev, "rtt_ns", rtt_ns);
  run_emit(f->run, &ev);
}

/* ---- gaps in a UDP flow's receipts (the outage expectation) ---- */

static void gap_note(RunFlowGap *g, int64_t now)
{
  if (now - g->prev > g->best) {
    g->best = now - g->prev;
    g->best_from = g->prev;
    g->best_to = now;
  }
  g->prev = now;
  g->packets++;
}

static void udp_observe(void *user, uint32_t seq, int64_t sent_ns)
{
  (void)sent_ns;
  RunFlow *f = user;
  int64_t now = net_world_now(f->run->world.w);
  gap_note(&g_array_index(f->gaps, RunFlowGap, 0), now);
  gpointer key = GUINT_TO_POINTER(seq + 1), v;
  if (!g_hash_table_lookup_extended(f->crossed, key, NULL, &v))
    return;
  uint32_t mask = GPOINTER_TO_UINT(v) - 1;
  for (guint i = 1; i < f->gaps->len; i++)
    if (mask & (1u << (i - 1)))
      gap_note(&g_array_index(f->gaps, RunFlowGap, i), now);
  g_hash_table_remove(f->crossed, key);
}

/* Does an outage expectation name this flow? Only those flows are measured, so the event
 * log of every other run stays as it was. */
static bool flow_gaps_wanted(const Run *r, const ScnAction *a)
{
  for (unsigned i = 0; i < r->plan->n_expects; i++) {
    const ScnExpect *x = &r->plan->expects[i];
    if (x->kind == SCN_EXP_OUTAGE && x->flow && !strcmp(x->flow, a->flow))
      return true;
  }
  return false;
}

void run_flow_crossed(RunEp *ep, const uint8_t *pkt, size_t len)
{
  Run *r = ep->run;
  /* RFC 791: a first (or only) fragment of a UDP datagram with its header and ours */
  if (len < 20 || pkt[0] >> 4 != 4 || pkt[9] != INET_PROTO_UDP)
    return;
  size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
  if (ihl < 20 || len < ihl + 8 + 8 || ((pkt[6] & 0x1f) | pkt[7]) != 0)
    return;
  unsigned dport = (unsigned)pkt[ihl + 2] << 8 | pkt[ihl + 3];
  /* the flow sent to dport: the n-th flow's own port, or a port given (its receiver's, or
   * the one it is sent to through a NAT rule's port mapping) */
  RunFlow *f = NULL;
  if (dport >= RUN_UDP_PORT_BASE && dport - RUN_UDP_PORT_BASE < r->tl.flows->len) {
    f = g_ptr_array_index(r->tl.flows, dport - RUN_UDP_PORT_BASE);
    if (f->act->port) /* it listens elsewhere */
      f = NULL;
  }
  for (guint k = 0; !f && k < r->tl.flows->len; k++) {
    RunFlow *g = g_ptr_array_index(r->tl.flows, k);
    if (g->kind == RUN_FLOW_UDP && (g->act->port == dport || g->act->to_port == dport))
      f = g;
  }
  if (!f || f->kind != RUN_FLOW_UDP || !f->gaps || !f->udp)
    return;
  /* net_traffic.c: the payload starts with a magic and the sequence number */
  const uint8_t *pl = pkt + ihl + 8;
  uint32_t seq = (uint32_t)pl[4] << 24 | (uint32_t)pl[5] << 16 | (uint32_t)pl[6] << 8 | pl[7];
  guint i = 1;
  while (i < f->gaps->len && g_array_index(f->gaps, RunFlowGap, i).via != ep)
    i++;
  if (i > 32)
    return; /* more instances than the mask holds: not measured per instance */
  if (i == f->gaps->len) {
    RunFlowGap g = {.via = ep, .prev = f->started_ns};
    g_array_append_val(f->gaps, g);
  }
  gpointer key = GUINT_TO_POINTER(seq + 1), v = NULL;
  uint32_t mask = g_hash_table_lookup_extended(f->crossed, key, NULL, &v)
                      ? GPOINTER_TO_UINT(v) - 1 : 0;
  mask |= 1u << (i - 1);
  g_hash_table_insert(f->crossed, key, GUINT_TO_POINTER(mask + 1));
}

/* flow.gap at the flow's end: the longest time without a receipt, from the flow's start
 * to its last receipt or, when sending went on after it, to the end of sending (open) */
static void flow_gaps_report(RunFlow *f, int64_t now, int64_t sent_until)
{
  for (guint i = 0; i < f->gaps->len; i++) {
    RunFlowGap *g = &g_array_index(f->gaps, RunFlowGap, i);
    bool open = false;
    if (sent_until - g->prev > g->best) {
      g->best = sent_until - g->prev;
      g->best_from = g->prev;
      g->best_to = sent_until;
      open = true;
    }
    VsEvent ev = vs_event(now, flow_to(f), run_event_types.flow_gap);
    vs_event_str(&ev, "flow", f->act->flow);
    if (g->via)
      vs_event_str(&ev, "via", g->via->name);
    vs_event_int(&ev, "longest_ns", g->best);
    vs_event_int(&ev, "from_ns", g->best_from);
    vs_event_int(&ev, "to_ns", g->best_to);
    vs_event_bool(&ev, "open", open);
    vs_event_uint(&ev, "packets", g->packets);
    run_emit(f->run, &ev);
  }
}

/* ---- flow end ---- */

static void flow_report(RunFlow *f)
{
  if (f->done)
    return;
  f->done = true;
  Run *r = f->run;
  int64_t now = net_world_now(r->world.w);
  if (f->end_timer) {
    net_cancel(r->world.w, f->end_timer);
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
  VsEvent ev = vs_event(now, flow_to(f), run_event_types.flow_stats);
  vs_event_str(&ev, "flow", f->act->flow);
  vs_event_str(&ev, "kind", scn_action_name(f->act->kind));
  vs_event_uint(&ev, "bytes", st->rx_bytes);
  vs_event_uint(&ev, "packets", st->rx_packets);
  vs_event_uint(&ev, "tx_bytes", st->tx_bytes);
  vs_event_int(&ev, "duration_ns", dur);
  if (f->kind == RUN_FLOW_TCP)
    vs_event_bool(&ev, "complete", net_tcp_bulk_done(f->tcp));
  if (f->kind == RUN_FLOW_UDP && f->act->reply) {
    /* the receiver's answers that reached the sender from where it sent to; stray: what
     * else its socket took */
    vs_event_uint(&ev, "replies", net_udp_flow_replies(f->udp));
    vs_event_uint(&ev, "stray", net_udp_flow_stray(f->udp));
  }
  run_emit(r, &ev);
  if (f->gaps)
    flow_gaps_report(f, now, f->started_ns + dur);
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

/* A flow of the action, started now, its ends looked up (the loader resolved the names
 * and the world made their nodes). Each traffic action's fire function starts its helper
 * and ends with flow_started. */
static RunFlow *flow_new(Run *r, const ScnAction *a, RunFlowKind kind, NetNode **src,
                         NetNode **dst, Ipv4Addr *to_addr)
{
  const ScnHost *from = host_find(r, a->from), *to = host_find(r, a->to);
  *src = g_hash_table_lookup(r->world.nodes, a->from);
  *dst = g_hash_table_lookup(r->world.nodes, a->to);
  g_assert(from && to && *src && *dst);
  *to_addr = a->has_to_addr ? a->to_addr : to->address;
  if (!a->has_to_addr && to->kind == SCN_HOST_P2S_CLIENT) /* the address its gateway gave it, by now */
    run_p2s_client_address(r, a->to, to_addr);
  RunFlow *f = g_new0(RunFlow, 1);
  f->run = r;
  f->act = a;
  f->kind = kind;
  f->started_ns = net_world_now(r->world.w);
  g_ptr_array_add(r->tl.flows, f);
  return f;
}

static void flow_started(RunFlow *f)
{
  if (!f->ping && !f->udp && !f->tcp) {
    /* the helper refused (a port taken): say so in the log, the flow sends nothing */
    VsEvent ev = vs_event(f->started_ns, f->act->from, "flow.failed");
    vs_event_str(&ev, "flow", f->act->flow);
    run_emit(f->run, &ev);
    f->done = true;
  }
}

static void fire_ping(Run *r, const ScnAction *a)
{
  NetNode *src, *dst;
  Ipv4Addr to;
  RunFlow *f = flow_new(r, a, RUN_FLOW_PING, &src, &dst, &to);
  int64_t left = r->end_ns - f->started_ns;
  int64_t iv = a->interval_ns ? a->interval_ns : 1000000000;
  uint64_t count = a->count ? a->count : (uint64_t)(left / iv) + 1; /* 0: until stopped */
  NetPingConfig pc = {.dst = to, .count = (uint32_t)MIN(count, 65536), .interval_ns = iv,
                      .size = (uint16_t)a->size, .ident = ++r->tl.next_ident,
                      .observe = ping_observe, .observe_user = f};
  f->ping = net_ping_new(src, &pc);
  flow_started(f);
}

static void fire_udp(Run *r, const ScnAction *a)
{
  NetNode *src, *dst;
  Ipv4Addr to;
  RunFlow *f = flow_new(r, a, RUN_FLOW_UDP, &src, &dst, &to);
  unsigned n = r->tl.flows->len - 1; /* the flow's index: its port */
  int64_t d = a->duration_ns ? a->duration_ns : r->end_ns - f->started_ns;
  NetUdpFlowConfig uc = {.dst = to,
                         .port = (uint16_t)(a->port ? a->port : RUN_UDP_PORT_BASE + n),
                         .to_port = (uint16_t)a->to_port,
                         .reply = a->reply,
                         .rate_bps = a->rate_bps,
                         .size = (uint16_t)(a->size ? a->size : RUN_UDP_DEFAULT_SIZE),
                         .duration_ns = d};
  if (flow_gaps_wanted(r, a)) {
    f->gaps = g_array_new(FALSE, TRUE, sizeof(RunFlowGap));
    RunFlowGap all = {.prev = f->started_ns};
    g_array_append_val(f->gaps, all);
    f->crossed = g_hash_table_new(NULL, NULL);
    uc.observe = udp_observe;
    uc.observe_user = f;
  }
  f->udp = net_udp_flow_new(src, dst, &uc);
  if (a->duration_ns)
    f->end_timer = net_schedule(r->world.w, d + RUN_UDP_DRAIN_NS, flow_end, f);
  flow_started(f);
}

static void fire_tcp(Run *r, const ScnAction *a)
{
  NetNode *src, *dst;
  Ipv4Addr to;
  RunFlow *f = flow_new(r, a, RUN_FLOW_TCP, &src, &dst, &to);
  unsigned n = r->tl.flows->len - 1; /* the flow's index: its port */
  uint16_t port = (uint16_t)(a->port ? a->port : RUN_TCP_PORT_BASE + n);
  f->tcp = net_tcp_bulk_new_to(src, dst, to, port, (uint16_t)(a->to_port ? a->to_port : port),
                               a->bytes ? a->bytes : RUN_TCP_UNLIMITED_BYTES);
  if (a->duration_ns)
    f->end_timer = net_schedule(r->world.w, a->duration_ns, flow_end, f);
  flow_started(f);
}

static void flow_stop(Run *r, const char *name)
{
  for (guint i = r->tl.flows->len; i-- > 0;) {
    RunFlow *f = g_ptr_array_index(r->tl.flows, i);
    if (!strcmp(f->act->flow, name)) {
      flow_report(f);
      return;
    }
  }
}

void run_flows_finish(Run *r)
{
  for (guint i = 0; i < r->tl.flows->len; i++)
    flow_report(g_ptr_array_index(r->tl.flows, i));
}

void run_flow_free(RunFlow *f)
{
  if (!f)
    return;
  net_ping_free(f->ping);
  net_udp_flow_free(f->udp);
  net_tcp_bulk_free(f->tcp);
  if (f->gaps)
    g_array_free(f->gaps, TRUE);
  if (f->crossed)
    g_hash_table_destroy(f->crossed);
  g_free(f);
}

/* ---- actions ---- */

static RunLink *link_find(Run *r, const char *name)
{
  for (guint i = 0; i < r->world.links->len; i++) {
    RunLink *l = g_ptr_array_index(r->world.links, i);
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
      return ep && gw_endpoint_ike(ep->model) ? ep : NULL;
    }
  }
  return NULL;
}

/* ping, udp, tcp: both hosts are nodes of this run */
static bool check_flow(Run *r, const ScnAction *a, char **err)
{
  if (host_find(r, a->from) && host_find(r, a->to) && g_hash_table_lookup(r->world.nodes, a->from) &&
      g_hash_table_lookup(r->world.nodes, a->to))
    return true;
  *err = g_strdup_printf("%s:%u:%u: %s from '%s' to '%s': a host is not in this run",
                         a->loc.file, a->loc.line, a->loc.col, scn_action_name(a->kind),
                         a->from, a->to);
  return false;
}

static void fire_stop(Run *r, const ScnAction *a)
{
  flow_stop(r, a->flow);
}

/* linkDown, linkUp */
static bool check_link(Run *r, const ScnAction *a, char **err)
{
  if (link_find(r, a->link))
    return true;
  *err = g_strdup_printf("%s:%u:%u: no link '%s' in this run", a->loc.file, a->loc.line,
                         a->loc.col, a->link);
  return false;
}

static void link_set(Run *r, const ScnAction *a, bool up)
{
  RunLink *l = link_find(r, a->link);
  net_link_set_up(l->link, up);
  VsEvent ev = vs_event(net_world_now(r->world.w), l->name, up ? "link.up" : "link.down");
  vs_event_str(&ev, "link", l->name);
  run_emit(r, &ev);
}

static void fire_link_down(Run *r, const ScnAction *a)
{
  link_set(r, a, false);
}

static void fire_link_up(Run *r, const ScnAction *a)
{
  link_set(r, a, true);
}

/* setPolicy, setSharedKey, resetConnection: a connection of a gateway of this run */
static bool check_connection(Run *r, const ScnAction *a, char **err)
{
  if (conn_ep(r, a->connection))
    return true;
  *err = g_strdup_printf("%s:%u:%u: no connection '%s' of a gateway in this run", a->loc.file,
                         a->loc.line, a->loc.col, a->connection ? a->connection : "");
  return false;
}

static void fire_set_policy(Run *r, const ScnAction *a)
{
  gw_ike_set_policy(gw_endpoint_ike(conn_ep(r, a->connection)->model), r->plan->cloud,
                    a->connection,
                    a->policy_default ? NULL : &a->policy);
}

static void fire_set_shared_key(Run *r, const ScnAction *a)
{
  gw_ike_set_shared_key(gw_endpoint_ike(conn_ep(r, a->connection)->model), r->plan->cloud,
                        a->connection,
                        a->shared_key);
}

static void fire_reset_connection(Run *r, const ScnAction *a)
{
  ep_endpoint_reset(conn_ep(r, a->connection)->model, a->connection);
}

static bool check_gateway(Run *r, const ScnAction *a, char **err)
{
  RunEp *ep = a->gateway ? run_ep_find(r, a->gateway) : NULL;
  if (ep && gw_endpoint_ike(ep->model))
    return true;
  *err = g_strdup_printf("%s:%u:%u: no gateway '%s' in this run", a->loc.file, a->loc.line,
                         a->loc.col, a->gateway ? a->gateway : "");
  return false;
}

/* resetGateway, plannedMaintenance, instanceFailure: the instance the action names
 * (sim/run/instances.c) */
static bool check_instance(Run *r, const ScnAction *a, char **err)
{
  if (!check_gateway(r, a, err))
    return false;
  if (!a->has_vip || run_action_instance(r, a))
    return true;
  char ip[IPV4_ADDR_STRLEN];
  *err = g_strdup_printf("%s:%u:%u: gateway '%s' has no instance with the public IP %s",
                         a->loc.file, a->loc.line, a->loc.col, a->gateway,
                         ipv4_addr_format(a->gateway_vip, ip));
  return false;
}

/* facts 8, reset: active-standby, the active instance reboots and the standby takes over;
 * active-active, the primary instance (0) reboots, again on a repeat; gatewayVip picks */
static void fire_reset_gateway(Run *r, const ScnAction *a)
{
  run_action_instance_down(r, a, GW_DOWN_RESET);
}

static void fire_planned_maintenance(Run *r, const ScnAction *a)
{
  run_action_instance_down(r, a, GW_DOWN_PLANNED);
}

static void fire_instance_failure(Run *r, const ScnAction *a)
{
  run_action_instance_down(r, a, GW_DOWN_UNPLANNED);
}

/* zoneOutage: some gateway of the run is zone-redundant */
static bool check_zone(Run *r, const ScnAction *a, char **err)
{
  const GwConfig *c = r->plan->cloud;
  for (unsigned i = 0; i < c->n_virtualNetworkGateways; i++)
    if (gw_instances_zone_redundant(&c->virtualNetworkGateways[i]))
      return true;
  *err = g_strdup_printf("%s:%u:%u: zoneOutage: no gateway of this run is zone-redundant (an AZ "
                         "SKU, facts 8): which zone its instances are in is not defined",
                         a->loc.file, a->loc.line, a->loc.col);
  return false;
}

static void fire_zone_outage(Run *r, const ScnAction *a)
{
  run_zone_outage(r, a->zone, a->duration_ns);
}

/* natRebind: a NAT box of this run */
static bool check_nat_box(Run *r, const ScnAction *a, char **err)
{
  if (run_nat_has(r, a->nat_box))
    return true;
  *err = g_strdup_printf("%s:%u:%u: no NAT box '%s' in this run", a->loc.file, a->loc.line,
                         a->loc.col, a->nat_box ? a->nat_box : "");
  return false;
}

static void fire_nat_rebind(Run *r, const ScnAction *a)
{
  run_nat_rebind(r, a->nat_box);
}

/* The runner's row of every action (the loader's: scn_action_descs). */
const RunActionDesc run_action_descs[] = {
    [SCN_ACT_PING] = {.check = check_flow, .fire = fire_ping},
    [SCN_ACT_UDP] = {.check = check_flow, .fire = fire_udp},
    [SCN_ACT_TCP] = {.check = check_flow, .fire = fire_tcp},
    [SCN_ACT_STOP] = {.fire = fire_stop},
    [SCN_ACT_LINK_DOWN] = {.check = check_link, .fire = fire_link_down},
    [SCN_ACT_LINK_UP] = {.check = check_link, .fire = fire_link_up},
    [SCN_ACT_SET_LOSS] = {0}, /* not simulated (scn_action_descs) */
    [SCN_ACT_SET_POLICY] = {.check = check_connection, .fire = fire_set_policy},
    [SCN_ACT_SET_SHARED_KEY] = {.check = check_connection, .fire = fire_set_shared_key},
    [SCN_ACT_RESET_CONNECTION] = {.check = check_connection, .fire = fire_reset_connection},
    [SCN_ACT_RESET_GATEWAY] = {.check = check_instance, .fire = fire_reset_gateway},
    [SCN_ACT_NAT_REBIND] = {.check = check_nat_box, .fire = fire_nat_rebind},
    [SCN_ACT_BGP_ADVERTISE] = {.check = run_bgp_check_device, .fire = run_bgp_fire},
    [SCN_ACT_BGP_WITHDRAW] = {.check = run_bgp_check_device, .fire = run_bgp_fire},
    [SCN_ACT_BGP_ADVERTISE_GENERATED] = {.check = run_bgp_check_device, .fire = run_bgp_fire},
    [SCN_ACT_BGP_SET_PREPEND] = {.check = run_bgp_check_device, .fire = run_bgp_fire},
    [SCN_ACT_PLANNED_MAINTENANCE] = {.check = check_instance, .fire = fire_planned_maintenance},
    [SCN_ACT_INSTANCE_FAILURE] = {.check = check_instance, .fire = fire_instance_failure},
    [SCN_ACT_ZONE_OUTAGE] = {.check = check_zone, .fire = fire_zone_outage},
};
G_STATIC_ASSERT(G_N_ELEMENTS(run_action_descs) == SCN_ACT_COUNT);

typedef struct {
  Run *run;
  const ScnAction *act;
} Fire;

static void fire(NetWorld *w, void *user)
{
  Fire *fi = user;
  run_action_descs[fi->act->kind].fire(fi->run, fi->act);
}

bool run_timeline_schedule(Run *r, char **err)
{
  for (unsigned i = 0; i < r->plan->n_timeline; i++) {
    const ScnAction *a = &r->plan->timeline[i];
    const RunActionDesc *d = &run_action_descs[a->kind];
    if (!scn_action_descs[a->kind].simulated || !d->fire) {
      *err = g_strdup_printf("%s:%u:%u: the action '%s' is not simulated yet", a->loc.file,
                             a->loc.line, a->loc.col, scn_action_name(a->kind));
      return false;
    }
    if (d->check && !d->check(r, a, err))
      return false;
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
    g_ptr_array_add(r->out.strings, fi); /* freed with the run */
    net_schedule(r->world.w, a->at_ns, fire, fi);
  }
  return true;
}
