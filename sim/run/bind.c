/* SPDX-License-Identifier: MIT */
/* Binding of the gateway and device data planes (EpEnv) and IKE control planes (EpIkeIo)
 * to the engine: simulated time, timers, raw ESP (IP protocol 50), UDP 500 and UDP 4500
 * sockets on the public address (4500: ESP to the data plane, the non-ESP marker to IKE),
 * the tunnel interface that carries inner packets, DRBG streams per node and purpose,
 * key-table rows, and typed events into the run's log (the gateway's tunnel state also as
 * tunnel.up/tunnel.down). */
#include "models/common/inet.h"
#include "sim/run/run_events.h"
#include "sim/run/runner_private.h"

#include <string.h>

typedef struct {
  Run *run;
  RunEp *owner; /* the endpoint that asked: its timers end when its instance goes down */
  NetEventId id;
  EpTimerFn fn;
  void *arg;
} RunTimer;

void run_emit(Run *r, const VsEvent *ev)
{
  scn_eventlog_add(r->out.log, ev);
  if (r->live)
    run_live_event(r, ev);
}

/* ---- EpEnv ---- */

static int64_t env_now(void *user)
{
  RunEp *ep = user;
  return net_world_now(ep->run->world.w);
}

static void timer_fire(NetWorld *w, void *user)
{
  RunTimer *t = user;
  EpTimerFn fn = t->fn;
  void *arg = t->arg;
  g_hash_table_remove(t->run->tl.timers, &t->id); /* frees t */
  fn(arg);
}

static EpTimerId env_timer_add(void *user, int64_t delay_ns, EpTimerFn fn, void *arg)
{
  RunEp *ep = user;
  if (ep->state == RUN_INST_DOWN)
    return 0; /* a failed instance runs nothing (run_instance_down cancelled the rest) */
  RunTimer *t = g_new0(RunTimer, 1);
  t->run = ep->run;
  t->owner = ep;
  t->fn = fn;
  t->arg = arg;
  t->id = net_schedule(ep->run->world.w, delay_ns < 0 ? 0 : delay_ns, timer_fire, t);
  g_hash_table_insert(ep->run->tl.timers, &t->id, t);
  return t->id;
}

static bool env_timer_cancel(void *user, EpTimerId id)
{
  RunEp *ep = user;
  NetEventId key = id;
  if (!g_hash_table_lookup(ep->run->tl.timers, &key))
    return false;
  bool was = net_cancel(ep->run->world.w, id);
  g_hash_table_remove(ep->run->tl.timers, &key);
  return was;
}

void run_ep_timers_cancel(RunEp *ep)
{
  GHashTableIter it;
  gpointer k, v;
  g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(NetEventId));
  g_hash_table_iter_init(&it, ep->run->tl.timers);
  while (g_hash_table_iter_next(&it, &k, &v))
    if (((RunTimer *)v)->owner == ep)
      g_array_append_val(ids, ((RunTimer *)v)->id);
  for (guint i = 0; i < ids->len; i++) {
    NetEventId id = g_array_index(ids, NetEventId, i);
    net_cancel(ep->run->world.w, id);
    g_hash_table_remove(ep->run->tl.timers, &id);
  }
}

static void env_send_outer(void *user, const EpOuterPacket *pkt)
{
  RunEp *ep = user;
  if (ep->state == RUN_INST_DOWN || !ep->esp)
    return; /* a failed instance sends nothing */
  /* The data plane built the whole packet; the sockets build the outer header again
   * from the same addresses (and the stack sets its own identification). */
  if (pkt->proto == INET_PROTO_ESP) {
    NetRawSocket *p2s = run_p2s_ip_raw(ep, pkt->src); /* from the third IP (P2S) */
    net_raw_send_to(p2s ? p2s : ep->esp, pkt->esp, pkt->esp_len, pkt->dst);
  } else if (pkt->proto == INET_PROTO_UDP) {
    NetUdpSocket *p2s = run_p2s_ip_udp(ep, pkt->src, 4500);
    net_udp_send_to(p2s ? p2s : ep->natt, pkt->esp, pkt->esp_len, pkt->dst, pkt->dport);
  }
}

static void env_deliver_inner(void *user, const uint8_t *pkt, size_t len)
{
  RunEp *ep = user;
  if (ep->state != RUN_INST_DOWN && ep->tun) {
    if (ep->instance >= 0)
      run_flow_crossed(ep, pkt, len);
    net_tunnel_inject(ep->tun, pkt, len);
  }
}

/* The gateway's view of a connection is its tunnel's state: the data plane says
 * gw.tunnel.connected/disconnected with "tunnel"; expectations read tunnel.up/down with
 * "connection" (sim/run/expect.h). Only for endpoints whose tunnels are connections. */
static void env_emit(void *user, const VsEvent *ev)
{
  RunEp *ep = user;
  run_emit(ep->run, ev);
  if (!ep->model || !ep->model->ops->tunnels_are_connections)
    return;
  const EpDpEventTypes *types = ep_dp_event_types(ep->model->dp);
  bool up = !strcmp(ev->type, types->tunnel_connected);
  bool down = !strcmp(ev->type, types->tunnel_disconnected);
  if (!up && !down)
    return;
  const VsAttr *t = vs_event_attr(ev, "tunnel"), *why = vs_event_attr(ev, "reason");
  VsEvent e = vs_event(ev->time_ns, ev->node,
                       up ? run_event_types.tunnel_up : run_event_types.tunnel_down);
  vs_event_str(&e, "connection", t && t->kind == VS_ATTR_STR ? t->v.s : "");
  if (down)
    vs_event_str(&e, "reason", why && why->kind == VS_ATTR_STR ? why->v.s : "");
  run_emit(ep->run, &e);
}

/* ---- sockets ---- */

static void esp_rx(NetRawSocket *s, const uint8_t *data, size_t len, Ipv4Addr src, Ipv4Addr dst,
                   void *user)
{
  RunEp *ep = user;
  ep_dp_rx_esp(ep->dp, src, dst, data, len);
}

static void ike_rx(RunEp *ep, Ipv4Addr src, uint16_t sport, uint16_t dport, const uint8_t *data,
                   size_t len)
{
  if (ep->model)
    ep_endpoint_ike_rx(ep->model, src, sport, ep->public_ip, dport, data, len);
}

static void natt_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src,
                    uint16_t sport, void *user)
{
  RunEp *ep = user;
  /* RFC 3948 2.2: the non-ESP marker says IKE; the data plane hands it back */
  if (ep_dp_rx_udp4500(ep->dp, src, sport, data, len) == EP_RX_IKE)
    ike_rx(ep, src, sport, 4500, data, len);
}

static void ike500_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src,
                      uint16_t sport, void *user)
{
  ike_rx(user, src, sport, 500, data, len);
}

/* ---- EpIkeIo ---- */

static void io_send(void *user, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                    const uint8_t *data, size_t len)
{
  RunEp *ep = user;
  if (ep->state == RUN_INST_DOWN || !ep->ike)
    return;
  NetUdpSocket *p2s = run_p2s_ip_udp(ep, src, sport); /* from the third IP (P2S) */
  net_udp_send_to(p2s ? p2s : sport == 4500 ? ep->natt : ep->ike, data, len, dst, dport);
}

/* Both ends of a tunnel hand over the same rows: each is kept once, in first-seen order
 * (a set per array beside it, so that 10,000 P2S clients' rows cost no scan each). */
static void row_add(Run *r, GPtrArray *rows, const char *row)
{
  if (!r->out.row_sets)
    r->out.row_sets =
        g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_hash_table_unref);
  GHashTable *seen = g_hash_table_lookup(r->out.row_sets, rows);
  if (!seen) {
    seen = g_hash_table_new(g_str_hash, g_str_equal); /* borrows the array's strings */
    g_hash_table_insert(r->out.row_sets, rows, seen);
  }
  if (g_hash_table_contains(seen, row))
    return;
  char *copy = g_strdup(row);
  g_ptr_array_add(rows, copy);
  g_hash_table_add(seen, copy);
}

static void io_ike_row(void *user, const char *row)
{
  Run *r = ((RunEp *)user)->run;
  row_add(r, r->out.ike_rows, row);
}

static void io_ikev1_row(void *user, const char *row)
{
  Run *r = ((RunEp *)user)->run;
  row_add(r, r->out.ikev1_rows, row);
}

static void io_esp_row(void *user, const char *row)
{
  Run *r = ((RunEp *)user)->run;
  row_add(r, r->out.esp_rows, row);
}

static void env_acquire(void *user, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  RunEp *ep = user;
  if (ep->model)
    ep_endpoint_acquire(ep->model, tunnel, src, dst);
}

static void env_peer_moved(void *user, int tunnel, Ipv4Addr src, uint16_t sport)
{
  RunEp *ep = user;
  if (ep->model)
    ep_endpoint_esp_authenticated(ep->model, tunnel, src, sport);
}

bool run_ike_start(Run *r, char **err)
{
  /* every control plane is built before any starts (each may log why a connection
   * cannot run) */
  for (guint i = 0; i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    if (ep->model && !ep_endpoint_ike_new(ep->model, &ep->io, ep->ike_drbg, err))
      return false;
  }
  for (guint i = 0; i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    if (ep->model) /* a standby instance starts when it takes over */
      ep_endpoint_start(ep->model);
  }
  return true;
}

static void tun_tx(NetTunnel *t, const uint8_t *packet, size_t len, void *user)
{
  if (run_p2s_tls_tx_inner(user, packet, len)) /* to an OpenVPN or SSTP client */
    return;
  RunEp *c = run_instance_carrier(user, packet, len);
  if (c && c->instance >= 0)
    run_flow_crossed(c, packet, len);
  if (c)
    ep_dp_tx_inner(c->dp, packet, len);
}

RunEp *run_ep_new(Run *r, const RunEpInside *inside, const char *cfgname,
                  const char *node_name, NetNode *node)
{
  RunEp *ep = g_new0(RunEp, 1);
  ep->run = r;
  ep->inside = inside;
  ep->cfgname = cfgname;
  ep->name = g_strdup(node_name);
  ep->node = node;
  ep->instance = -1;
  ep->state = RUN_INST_ACTIVE;
  g_autofree char *label = g_strdup_printf("%s/esp-iv", node_name);
  ep->drbg = run_drbg_new(r, label);
  g_autofree char *ike_label = g_strdup_printf("%s/ike", node_name);
  ep->ike_drbg = run_drbg_new(r, ike_label);
  ep->io = (EpIkeIo){.user = ep, .send = io_send, .ike_row = io_ike_row, .esp_row = io_esp_row,
                     .ikev1_row = io_ikev1_row};
  ep->env = (EpEnv){
      .user = ep,
      .now = env_now,
      .timer_add = env_timer_add,
      .timer_cancel = env_timer_cancel,
      .send_outer = env_send_outer,
      .deliver_inner = env_deliver_inner,
      .events = {.emit = env_emit, .user = ep},
      .drbg = ep->drbg,
      .acquire = env_acquire,
      .peer_moved = env_peer_moved,
      .tunnel_state = run_bgp_tunnel_state,
  };
  return ep;
}

bool run_ep_sockets(RunEp *ep, char **err)
{
  ep->esp = net_raw_new(ep->node, INET_PROTO_ESP, ep->public_ip, esp_rx, ep);
  ep->natt = net_udp_new(ep->node, ep->public_ip, 4500, natt_rx, ep);
  ep->ike = net_udp_new(ep->node, ep->public_ip, 500, ike500_rx, ep);
  if (!ep->esp || !ep->natt || !ep->ike) {
    *err = g_strdup_printf("%s: cannot open its ESP, UDP 500 or UDP 4500 socket: %s", ep->name,
                           net_world_last_error(ep->run->world.w));
    return false;
  }
  return true;
}

void run_ep_unbind(RunEp *ep)
{
  net_raw_free(ep->esp);
  net_udp_free(ep->natt);
  net_udp_free(ep->ike);
  ep->esp = NULL;
  ep->natt = ep->ike = NULL;
}

bool run_ep_bind(RunEp *ep, char **err)
{
  ep->esp = net_raw_new(ep->node, INET_PROTO_ESP, ep->public_ip, esp_rx, ep);
  ep->natt = net_udp_new(ep->node, ep->public_ip, 4500, natt_rx, ep);
  ep->ike = net_udp_new(ep->node, ep->public_ip, 500, ike500_rx, ep);
  /* The tunnel interface's own address is link-local (RFC 3927): the node's routes to
   * the remote prefixes lead into it; the data plane checks sizes (its tunnel MTU and
   * ICMP "fragmentation needed"), so the interface itself takes a whole path MTU. */
  guint k = 0;
  g_ptr_array_find(ep->run->eps, ep, &k);
  ep->tun = net_tunnel_new(ep->node, ipv4_addr(169, 254, (uint8_t)(k >> 8), (uint8_t)(k + 1)),
                           32, EP_DP_DEFAULT_PATH_MTU, tun_tx, ep);
  /* its own TCP (BGP) sees the tunnel MTU, as a host's stack sees a VTI's */
  net_tunnel_set_local_mtu(ep->tun, EP_DP_DEFAULT_TUNNEL_MTU);
  if (!ep->esp || !ep->natt || !ep->ike || !ep->tun) {
    *err = g_strdup_printf("%s: cannot open its ESP, UDP 500, UDP 4500 or tunnel interface: %s", ep->name,
                           net_world_last_error(ep->run->world.w));
    return false;
  }
  return true;
}

void run_ep_free(RunEp *ep)
{
  if (!ep)
    return;
  run_bgp_free(ep); /* its sessions before the data plane they route into */
  ep_endpoint_free(ep->model); /* its control plane first, then its data plane */
  ep->model = NULL;            /* the earlier lives below may still emit (env_emit) */
  ep->dp = NULL;
  for (guint i = 0; ep->retired && i < ep->retired->len; i++)
    ep_endpoint_free(g_ptr_array_index(ep->retired, i));
  if (ep->retired)
    g_ptr_array_free(ep->retired, TRUE);
  if (ep->flows_seen)
    g_hash_table_destroy(ep->flows_seen);
  drbg_free(ep->drbg);
  drbg_free(ep->ike_drbg);
  g_free(ep->name);
  g_free(ep);
}
