/* SPDX-License-Identifier: MIT */
/* The runner's periodic views of traffic: tunnel.stats snapshots of every tunnel endpoint
 * (per direction, packets and bytes since the start) every statsInterval, at the bounds
 * of trafficBothWays expectations and at the end; and the drops the simulated stacks make
 * (sim/engine/net.h: ARP, IPv4, device queues) as net.drop events, the first of each reason per
 * node, with net.drops totals per node at the end. */
#include "sim/run/run_events.h"
#include "sim/run/runner_private.h"

#include <string.h>

/* ---- tunnel.stats ---- */

typedef struct {
  uint64_t v[4]; /* egress packets, egress bytes, ingress packets, ingress bytes */
  bool up, emitted;
} StatsLast;

static int cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

/* One snapshot of every tunnel of every endpoint. A tunnel whose counts and state did not
 * move since its last snapshot is left out (the latest one still holds), except at the
 * end, where every tunnel reports. */
static void stats_emit(Run *r, bool final)
{
  int64_t now = net_world_now(r->world.w);
  guint k = 0;
  for (guint i = 0; i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    if (!ep->dp)
      continue; /* a standby instance that has not been active (they come last) */
    /* each endpoint's tunnels have their own slots: an instance that takes over later
     * (its data plane appears mid-run) moves no other tunnel's */
    k = i * 256;
    for (unsigned t = 0; t < ep_dp_n_tunnels(ep->dp) && t < 256; t++, k++) {
      const EpTunnelMetrics *m = ep_dp_tunnel_metrics(ep->dp, (int)t);
      if (k >= r->out.stats_last->len)
        g_array_set_size(r->out.stats_last, k + 1);
      StatsLast *last = &g_array_index(r->out.stats_last, StatsLast, k);
      StatsLast cur = {.v = {m->egress_packets, m->egress_bytes, m->ingress_packets,
                             m->ingress_bytes},
                       .up = ep_dp_tunnel_up(ep->dp, (int)t),
                       .emitted = true};
      if (!final && last->emitted && !memcmp(last->v, cur.v, sizeof cur.v) && last->up == cur.up)
        continue;
      *last = cur;
      VsEvent ev = vs_event(now, ep->name, run_event_types.tunnel_stats);
      vs_event_str(&ev, "connection", ep_dp_tunnel_name(ep->dp, (int)t));
      vs_event_bool(&ev, "up", cur.up);
      vs_event_uint(&ev, "egress_packets", cur.v[0]);
      vs_event_uint(&ev, "egress_bytes", cur.v[1]);
      vs_event_uint(&ev, "ingress_packets", cur.v[2]);
      vs_event_uint(&ev, "ingress_bytes", cur.v[3]);
      run_emit(r, &ev);
    }
  }
}

static void stats_fire(NetWorld *w, void *user)
{
  Run *r = user;
  stats_emit(r, false);
  int64_t now = net_world_now(w);
  while (r->out.stats_next < r->out.stats_times->len &&
         g_array_index(r->out.stats_times, int64_t, r->out.stats_next) <= now)
    r->out.stats_next++;
  if (r->out.stats_next < r->out.stats_times->len)
    net_schedule(w, g_array_index(r->out.stats_times, int64_t, r->out.stats_next) - now, stats_fire, r);
}

/* ---- net.drop ---- */

static void drop_seen(const NetDrop *d, void *user)
{
  Run *r = user;
  guint mask = GPOINTER_TO_UINT(g_hash_table_lookup(r->world.drops_seen, d->node));
  if (mask & (1u << d->reason))
    return; /* the counters carry the rest: a burst would flood the timeline */
  g_hash_table_insert(r->world.drops_seen, d->node, GUINT_TO_POINTER(mask | (1u << d->reason)));
  char s[IPV4_ADDR_STRLEN], t[IPV4_ADDR_STRLEN];
  VsEvent ev = vs_event(net_world_now(r->world.w), net_node_name(d->node), "net.drop");
  vs_event_str(&ev, "reason", name_get(&net_drop_reason_names, d->reason));
  vs_event_str(&ev, "src", ipv4_addr_format(d->src, s));
  vs_event_str(&ev, "dst", ipv4_addr_format(d->dst, t));
  run_emit(r, &ev);
}

void run_stats_start(Run *r)
{
  G_STATIC_ASSERT(NET_DROP__COUNT <= 32);
  r->world.drops_seen = g_hash_table_new(NULL, NULL);
  net_world_set_drop_fn(r->world.w, drop_seen, r);
  r->out.stats_last = g_array_new(FALSE, TRUE, sizeof(StatsLast));
  r->out.stats_times = g_array_new(FALSE, FALSE, sizeof(int64_t));
  /* every interval, and the bounds of each trafficBothWays interval, before the end */
  int64_t iv = r->plan->stats_interval_ns;
  for (int64_t t = iv; iv > 0 && t < r->end_ns; t += iv)
    g_array_append_val(r->out.stats_times, t);
  for (unsigned i = 0; i < r->plan->n_expects; i++) {
    const ScnExpect *x = &r->plan->expects[i];
    if (x->kind != SCN_EXP_TRAFFIC)
      continue;
    if (x->has_from && x->from_ns > 0 && x->from_ns < r->end_ns)
      g_array_append_val(r->out.stats_times, x->from_ns);
    if (x->has_by && x->by_ns > 0 && x->by_ns < r->end_ns)
      g_array_append_val(r->out.stats_times, x->by_ns);
  }
  g_array_sort(r->out.stats_times, cmp_i64);
  if (r->out.stats_times->len)
    net_schedule(r->world.w, g_array_index(r->out.stats_times, int64_t, 0) - net_world_now(r->world.w), stats_fire,
                 r);
}

void run_stats_finish(Run *r)
{
  stats_emit(r, true);
  for (size_t i = 0; i < net_world_n_nodes(r->world.w); i++) {
    NetNode *n = net_world_node(r->world.w, i);
    uint64_t total = 0;
    for (int k = 0; k < NET_DROP__COUNT; k++)
      total += net_node_drops(n, (NetDropReason)k);
    if (!total)
      continue;
    VsEvent ev = vs_event(net_world_now(r->world.w), net_node_name(n), "net.drops");
    vs_event_uint(&ev, "total", total);
    for (int k = 0; k < NET_DROP__COUNT; k++)
      if (net_node_drops(n, (NetDropReason)k))
        vs_event_uint(&ev, name_get(&net_drop_reason_names, k), net_node_drops(n, (NetDropReason)k));
    run_emit(r, &ev);
  }
}

void run_stats_free(Run *r)
{
  if (r->world.drops_seen)
    g_hash_table_destroy(r->world.drops_seen);
  if (r->out.stats_last)
    g_array_free(r->out.stats_last, TRUE);
  if (r->out.stats_times)
    g_array_free(r->out.stats_times, TRUE);
}
