/* SPDX-License-Identifier: MIT */
/* The two instances of every gateway (facts 8) at run time: the second instance's RunEp,
 * which instance carries an inner packet, an instance going down (maintenance, failure,
 * zone outage, reset) and coming back, and the standby taking over the active's public
 * IP and connections.
 *
 * Both instances sit on the gateway's node: the node is the gateway's attachment to the
 * underlay (its public IPs) and to its VNet (the GatewaySubnet address and the VMs'
 * default gateway), as Azure's fabric steers a public IP to whichever instance holds it.
 * Each instance is its own endpoint: its own model (data plane, IKE control plane), its
 * own sockets on its public IP, DRBG streams ("vgw1/1/ike") and timers. An instance that
 * goes down loses everything it held: its timers are cancelled, its sockets closed, its
 * tunnels reported down; when it comes back it is a new model that starts from scratch
 * (facts 8: the new active re-establishes IKE and child SAs). Active-standby: the standby
 * takes the active's public IP after the documented delay of the cause
 * (models/gateway/gw_instances.h). Active-active: each instance has its own public IP and
 * tunnels, and inner packets are spread over the instances whose tunnel is up by a hash of
 * the 5-tuple, so a flow stays on one. */
#include "models/common/inet.h"
#include "models/gateway/gw_instances.h"
#include "sim/run/runner_private.h"

#include <string.h>

static const GwVirtualNetworkGateway *gateway_of(Run *r, RunEp *ep)
{
  return gw_config_find_gateway(r->plan->cloud, ep->cfgname);
}

static RunEp *instance0(RunEp *ep)
{
  return ep->instance == 0 ? ep : ep->sibling;
}

RunEp *run_gateway_instance(Run *r, const char *gateway, unsigned instance)
{
  for (guint i = 0; gateway && i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    if (ep->instance == (int)instance && !strcmp(ep->cfgname, gateway))
      return ep;
  }
  return NULL;
}

static bool model_new(RunEp *ep, char **err)
{
  GwGatewayOptions opt = {.instance = (unsigned)ep->instance,
                          .bgp_rules_off = ep->run->plan->bgp_rules_off,
                          .nat_faults = ep->run->plan->nat_faults,
                          .ike_faults = ep->run->plan->ike_faults,
                          .offers_off = ep->run->plan->offers_off,
                          .p2s = run_p2s_creds(ep->run, ep->cfgname)};
  char *why = NULL;
  EpEndpoint *m = gw_endpoint_new(ep->run->plan->cloud, ep->cfgname, &ep->env, &opt, &why);
  if (!m) {
    *err = g_strdup_printf("gateway '%s' instance %d cannot run: %s", ep->cfgname, ep->instance,
                           why);
    g_free(why);
    return false;
  }
  if (ep->model) {
    if (!ep->retired)
      ep->retired = g_ptr_array_new();
    g_ptr_array_add(ep->retired, ep->model); /* frozen; freed with the run */
  }
  ep->model = m;
  ep->dp = m->dp;
  return true;
}

bool run_instances_build(Run *r, char **err)
{
  guint n = r->eps->len;
  for (guint i = 0; i < n; i++) {
    RunEp *a = g_ptr_array_index(r->eps, i);
    if (a->instance != 0)
      continue;
    const GwVirtualNetworkGateway *g = gateway_of(r, a);
    g_autofree char *nn = g_strdup_printf("%s/1", a->cfgname);
    RunEp *b = run_ep_new(r, a->inside, a->cfgname, nn, a->node);
    b->instance = 1;
    b->sibling = a;
    a->sibling = b;
    b->public_ip = a->public_ip;
    g_ptr_array_add(r->eps, b);
    a->active_active = b->active_active = gw_instances_active_active(g);
    if (gw_instances_active_active(g)) {
      if (!model_new(b, err))
        return false;
      b->public_ip = b->model->public_ip;
    } else {
      b->state = RUN_INST_STANDBY; /* its model is built when it takes over */
    }
  }
  return true;
}

bool run_instance_bind(RunEp *ep, char **err)
{
  RunEp *a = ep->sibling;
  ep->underlay = a->underlay;
  ep->tun = a->tun; /* the gateway's one tunnel interface: run_instance_carrier picks */
  if (!ep->model || ep->state != RUN_INST_ACTIVE)
    return true;
  if (!run_ep_sockets(ep, err))
    return false;
  ep_dp_start(ep->dp);
  return true;
}

/* ---- who carries a packet ---- */

/* FNV-1a over the 5-tuple, finalised, (addresses, protocol, and the ports of TCP and UDP): the same
 * flow always hashes the same (facts 8: a single TCP/UDP flow stays on one tunnel). */
static uint32_t flow_hash(const uint8_t *pkt, size_t len)
{
  uint32_t h = 2166136261u;
  uint8_t key[13] = {0};
  if (len < 20)
    return h;
  size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
  memcpy(key, pkt + 12, 8); /* source and destination addresses */
  key[8] = pkt[9];          /* protocol */
  if ((pkt[9] == INET_PROTO_UDP || pkt[9] == 6) && ihl >= 20 && len >= ihl + 4)
    memcpy(key + 9, pkt + ihl, 4); /* source and destination ports */
  for (size_t i = 0; i < sizeof key; i++) {
    h ^= key[i];
    h *= 16777619u;
  }
  /* FNV's low bit is the parity of the key's low bits (the prime is odd): mix the high
   * bits down (MurmurHash3's finaliser) before taking it modulo the instances */
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static bool carries_to(RunEp *ep, const uint8_t *pkt, size_t len)
{
  if (len < 20)
    return false;
  Ipv4Addr dst = {.v = (uint32_t)pkt[16] << 24 | (uint32_t)pkt[17] << 16 |
                       (uint32_t)pkt[18] << 8 | pkt[19]};
  int t = -1;
  return ep_dp_route_lookup(ep->dp, dst, &t) == EP_ROUTE_TUNNEL && t >= 0 &&
         ep_dp_tunnel_up(ep->dp, t);
}

/* Which instance carries a flow: the first packet of each 5-tuple an instance of an
 * active-active gateway sends logs gw.flow.pinned (node: the instance; src, dst, proto,
 * sport, dport), again when the flow moves to the other instance. The event expectation
 * reads it ({event: gw.flow.pinned, node: vgw1/1, attrs: {src: ..., dst: ...}}). */
static void flow_pinned(RunEp *ep, const uint8_t *pkt, size_t len)
{
  if (len < 20)
    return;
  size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
  bool ports = (pkt[9] == INET_PROTO_UDP || pkt[9] == 6) && ihl >= 20 && len >= ihl + 4;
  uint16_t sp = ports ? (uint16_t)(pkt[ihl] << 8 | pkt[ihl + 1]) : 0;
  uint16_t dp = ports ? (uint16_t)(pkt[ihl + 2] << 8 | pkt[ihl + 3]) : 0;
  g_autofree char *key = g_strdup_printf("%u.%u.%u.%u>%u.%u.%u.%u/%u/%u/%u", pkt[12], pkt[13],
                                         pkt[14], pkt[15], pkt[16], pkt[17], pkt[18], pkt[19],
                                         pkt[9], sp, dp);
  if (!ep->flows_seen)
    ep->flows_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (g_hash_table_contains(ep->flows_seen, key))
    return;
  RunEp *o = ep->sibling;
  if (o && o->flows_seen)
    g_hash_table_remove(o->flows_seen, key); /* it moved here: a move back is news again */
  VsEvent ev = vs_event(net_world_now(ep->run->world.w), ep->name, "gw.flow.pinned");
  char a[IPV4_ADDR_STRLEN], b[IPV4_ADDR_STRLEN];
  Ipv4Addr src = {.v = (uint32_t)pkt[12] << 24 | (uint32_t)pkt[13] << 16 | (uint32_t)pkt[14] << 8 | pkt[15]};
  Ipv4Addr dst = {.v = (uint32_t)pkt[16] << 24 | (uint32_t)pkt[17] << 16 | (uint32_t)pkt[18] << 8 | pkt[19]};
  vs_event_str(&ev, "src", ipv4_addr_format(src, a));
  vs_event_str(&ev, "dst", ipv4_addr_format(dst, b));
  vs_event_str(&ev, "proto", pkt[9] == 1 ? "icmp" : pkt[9] == 6 ? "tcp" : pkt[9] == 17 ? "udp" : "other");
  vs_event_uint(&ev, "sport", sp);
  vs_event_uint(&ev, "dport", dp);
  run_emit(ep->run, &ev);
  g_hash_table_add(ep->flows_seen, g_steal_pointer(&key));
}

/* A packet from an instance's own BGP address (facts 5: each instance of an active-active
 * gateway peers from its own) leaves by that instance, or by none while it is down; *claimed
 * is false when no instance has the address. */
static RunEp *bgp_owner(RunEp *a, const uint8_t *pkt, size_t len, bool *claimed)
{
  *claimed = false;
  if (len < 20)
    return NULL;
  uint32_t src = (uint32_t)pkt[12] << 24 | (uint32_t)pkt[13] << 16 | (uint32_t)pkt[14] << 8 | pkt[15];
  RunEp *by = NULL;
  for (RunEp *x = a; x; x = x == a ? a->sibling : NULL)
    for (unsigned i = 0; i < x->n_bgp_addrs; i++)
      if (x->bgp_addrs[i].v == src) {
        *claimed = true;
        if (x->state == RUN_INST_ACTIVE && x->dp)
          by = x;
      }
  return by;
}

RunEp *run_instance_carrier(RunEp *ep, const uint8_t *pkt, size_t len)
{
  if (ep->instance < 0)
    return ep;
  RunEp *a = instance0(ep), *cand[2];
  bool claimed;
  RunEp *owner = bgp_owner(a, pkt, len, &claimed);
  if (claimed)
    return owner;
  unsigned n = 0;
  for (RunEp *x = a; x; x = x == a ? a->sibling : NULL)
    if (x->state == RUN_INST_ACTIVE && x->dp)
      cand[n++] = x;
  if (n < 2) {
    if (n && a->active_active)
      flow_pinned(cand[0], pkt, len);
    return n ? cand[0] : NULL;
  }
  /* active-active: the instances whose tunnel for the destination is up */
  RunEp *up[2];
  unsigned m = 0;
  for (unsigned i = 0; i < n; i++)
    if (carries_to(cand[i], pkt, len))
      up[m++] = cand[i];
  if (m == 0)
    return cand[0]; /* neither: instance 0's data plane drops it (tunnel_down) */
  RunEp *c = m == 1 ? up[0] : up[flow_hash(pkt, len) % m];
  flow_pinned(c, pkt, len);
  return c;
}

/* ---- going down, taking over, coming back ---- */

typedef struct {
  RunEp *ep;
  int cause;
} InstTimer;

static void emit_instance(RunEp *ep, const char *type, const char *cause)
{
  VsEvent ev = vs_event(net_world_now(ep->run->world.w), ep->name, type);
  vs_event_str(&ev, "gateway", ep->cfgname);
  vs_event_uint(&ev, "instance", (uint64_t)ep->instance);
  if (cause)
    vs_event_str(&ev, "cause", cause);
  const char *role = ep->state == RUN_INST_ACTIVE    ? "active"
                     : ep->state == RUN_INST_STANDBY ? "standby"
                                                     : "down";
  vs_event_str(&ev, "state", role);
  run_emit(ep->run, &ev);
}

/* The BGP sessions of an instance that stops or starts (facts 5 and 8): the speaker of
 * the instance goes down with it, and the new active's speaker (active-active: the
 * instance's own again, on its own BGP address; active-standby: the gateway's, on the
 * active's address) opens its sessions from scratch when its tunnels are up. */
static void bgp_instance_hook(RunEp *ep, bool up)
{
  if (!up) {
    run_bgp_instance_stop(ep);
    return;
  }
  char *err = NULL;
  if (!run_bgp_instance_start(ep, &err)) {
    VsEvent ev = vs_event(net_world_now(ep->run->world.w), ep->name, "gw.instance.error");
    vs_event_str(&ev, "reason", err ? err : "");
    run_emit(ep->run, &ev);
    g_free(err);
  }
}

/* The instance becomes active: a new model on the public IP it now holds, whose
 * connections start from scratch (its IKE_SA_INIT follows in the pcap). */
static bool activate(RunEp *ep, const char *cause, RunEp *from)
{
  Run *r = ep->run;
  const GwVirtualNetworkGateway *g = gateway_of(r, ep);
  char *err = NULL;
  ep->state = RUN_INST_ACTIVE;
  bool ok = model_new(ep, &err);
  /* active-active: the instance's own public IP; active-standby: the gateway's (the
   * active's) moves to this instance */
  if (ok)
    ep->public_ip = gw_instances_active_active(g) ? ep->model->public_ip
                                                   : instance0(ep)->public_ip;
  if (!ok || !run_ep_sockets(ep, &err) ||
      !ep_endpoint_ike_new(ep->model, &ep->io, ep->ike_drbg, &err)) {
    VsEvent ev = vs_event(net_world_now(r->world.w), ep->name, "gw.instance.error");
    vs_event_str(&ev, "reason", err ? err : "");
    run_emit(r, &ev);
    g_free(err);
    ep->state = RUN_INST_DOWN;
    run_ep_unbind(ep);
    return false;
  }
  if (from) {
    VsEvent ev = vs_event(net_world_now(r->world.w), ep->name, "gw.failover");
    vs_event_str(&ev, "gateway", ep->cfgname);
    vs_event_str(&ev, "from", from->name);
    vs_event_str(&ev, "to", ep->name);
    vs_event_str(&ev, "cause", cause);
    char ip[IPV4_ADDR_STRLEN];
    vs_event_str(&ev, "publicIp", ipv4_addr_format(ep->public_ip, ip));
    run_emit(r, &ev);
  } else {
    emit_instance(ep, "gw.instance.active", cause);
  }
  ep_dp_start(ep->dp);
  ep_endpoint_start(ep->model);
  bgp_instance_hook(ep, true);
  run_p2s_tls_instance_up(ep); /* the OpenVPN/SSTP listener, when no instance holds it */
  run_p2s_ip_instance_up(ep);  /* active-active: IKEv2 P2S's third IP, likewise */
  return true;
}

static void takeover_fire(NetWorld *w, void *user)
{
  InstTimer *t = user;
  RunEp *b = t->ep, *a = b->sibling;
  /* the standby takes over unless it went down itself or the other came back active */
  if (b->state == RUN_INST_STANDBY && !(a->state == RUN_INST_ACTIVE && a->model))
    activate(b, name_get(&gw_down_cause_names, t->cause), a);
}

static void back_fire(NetWorld *w, void *user)
{
  InstTimer *t = user;
  RunEp *ep = t->ep, *o = ep->sibling;
  if (ep->state != RUN_INST_DOWN)
    return;
  const char *cause = name_get(&gw_down_cause_names, ep->down_cause);
  ep->back_at_ns = 0;
  /* active-active: it builds its own tunnels again; active-standby: it is the standby now,
   * unless the other instance is down too (then it carries the gateway at once) */
  if (gw_instances_active_active(gateway_of(ep->run, ep)) || o->state == RUN_INST_DOWN) {
    activate(ep, cause, NULL);
    return;
  }
  ep->state = RUN_INST_STANDBY;
  emit_instance(ep, "gw.instance.up", cause);
}

static void schedule(RunEp *ep, int64_t delay_ns, int cause, NetEventFn fn)
{
  InstTimer *t = g_new0(InstTimer, 1);
  t->ep = ep;
  t->cause = cause;
  g_ptr_array_add(ep->run->out.strings, t); /* freed with the run */
  net_schedule(ep->run->world.w, delay_ns, fn, t);
}

void run_instance_down(RunEp *ep, int cause, int64_t down_ns, int64_t takeover_ns)
{
  if (ep->state == RUN_INST_DOWN)
    return;
  Run *r = ep->run;
  const GwVirtualNetworkGateway *g = gateway_of(r, ep);
  const char *why = name_get(&gw_down_cause_names, cause);
  bool was_active = ep->state == RUN_INST_ACTIVE && ep->model;
  ep->state = RUN_INST_DOWN;
  ep->down_cause = cause;
  run_ep_timers_cancel(ep);
  run_ep_unbind(ep);
  emit_instance(ep, "gw.instance.down", why);
  /* everything it held is gone: its tunnels are down (tunnel.down with the cause) */
  for (unsigned t = 0; ep->dp && t < ep_dp_n_tunnels(ep->dp); t++)
    if (ep_dp_tunnel_up(ep->dp, (int)t))
      ep_dp_tunnel_down(ep->dp, (int)t, why);
  gw_instance_drop_p2s(g, (unsigned)ep->instance);
  gw_endpoint_drop_p2s(ep->model, why); /* facts 8: its P2S sessions end */
  run_p2s_tls_instance_down(ep, why, takeover_ns); /* the TLS ones too */
  run_p2s_ip_instance_down(ep, takeover_ns);        /* and the third IP, if it held it */
  bgp_instance_hook(ep, false);
  if (down_ns > 0) {
    ep->back_at_ns = net_world_now(r->world.w) + down_ns;
    schedule(ep, down_ns, cause, back_fire);
  }
  RunEp *o = ep->sibling;
  if (was_active && !gw_instances_active_active(g) && o && o->state == RUN_INST_STANDBY)
    schedule(o, takeover_ns, cause, takeover_fire);
}

/* ---- the timeline's instance actions ---- */

RunEp *run_action_instance(Run *r, const ScnAction *a)
{
  RunEp *i0 = run_gateway_instance(r, a->gateway, 0);
  if (!i0 || !i0->sibling)
    return i0;
  bool aa = gw_instances_active_active(gateway_of(r, i0));
  RunEp *active = i0->state == RUN_INST_ACTIVE ? i0
                  : i0->sibling->state == RUN_INST_ACTIVE ? i0->sibling
                                                           : i0;
  if (a->has_instance)
    return run_gateway_instance(r, a->gateway, a->instance);
  if (a->has_vip) {
    if (!aa) /* one public IP: the instance that holds it */
      return a->gateway_vip.v == i0->public_ip.v ? active : NULL;
    for (RunEp *x = i0; x; x = x == i0 ? i0->sibling : NULL)
      if (x->public_ip.v == a->gateway_vip.v)
        return x;
    return NULL;
  }
  /* facts 8, reset: active-active, the primary instance; active-standby, the active one */
  return aa ? i0 : active;
}

typedef struct {
  Run *run;
  const ScnAction *act;
  int cause;
} Deferred;

static void deferred_fire(NetWorld *w, void *user)
{
  Deferred *d = user;
  run_action_instance_down(d->run, d->act, d->cause);
}

void run_action_instance_down(Run *r, const ScnAction *a, int cause)
{
  RunEp *ep = run_action_instance(r, a);
  if (!ep)
    return;
  int64_t now = net_world_now(r->world.w);
  RunEp *o = ep->sibling;
  if (cause == GW_DOWN_PLANNED && o && o->state == RUN_INST_DOWN &&
      o->down_cause == GW_DOWN_PLANNED && o->back_at_ns > now) {
    /* facts 8: maintenance is applied to the instances one at a time, never both */
    VsEvent ev = vs_event(now, ep->name, "gw.maintenance.deferred");
    vs_event_str(&ev, "gateway", ep->cfgname);
    vs_event_uint(&ev, "instance", (uint64_t)ep->instance);
    vs_event_int(&ev, "until_ns", o->back_at_ns);
    run_emit(r, &ev);
    Deferred *d = g_new0(Deferred, 1);
    d->run = r;
    d->act = a;
    d->cause = cause;
    g_ptr_array_add(r->out.strings, d); /* freed with the run */
    net_schedule(r->world.w, o->back_at_ns - now, deferred_fire, d);
    return;
  }
  run_instance_down(ep, cause, a->duration_ns,
                    gw_failover_delay((GwDownCause)cause, &r->plan->cloud->options));
}

void run_zone_outage(Run *r, unsigned zone, int64_t down_ns)
{
  VsEvent ev = vs_event(net_world_now(r->world.w), "cloud", "zone.outage");
  vs_event_uint(&ev, "zone", zone);
  run_emit(r, &ev);
  int64_t delay = gw_failover_delay(GW_DOWN_ZONE, &r->plan->cloud->options);
  for (guint i = 0; i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    const GwVirtualNetworkGateway *g = ep->instance >= 0 ? gateway_of(r, ep) : NULL;
    if (g && gw_instance_zone(g, (unsigned)ep->instance) == zone)
      run_instance_down(ep, GW_DOWN_ZONE, down_ns, delay);
  }
}
