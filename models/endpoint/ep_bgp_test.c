/* SPDX-License-Identifier: MIT */
/* EpBgp on two data planes back to back over an in-memory TCP: the sessions start when
 * their tunnel comes up, the learned prefixes become data-plane routes into the tunnel
 * (and the forwarding table's), withdrawals and a tunnel going down take them away, the
 * host route to the peer's BGP address and our own address as local are there from the
 * start, and prepending changes what the other side installs. */
#include "models/endpoint/ep_bgp.h"

#include <glib.h>
#include <string.h>

static const EpDpEventTypes ev_types = {
    .tunnel_connected = "t.connected", .tunnel_disconnected = "t.disconnected",
    .sa_installed = "t.sa_installed", .sa_switched = "t.sa_switched",
    .sa_deleted = "t.sa_deleted", .sa_expired = "t.sa_expired", .drop = "t.drop",
    .metrics = "t.metrics"};

typedef struct Side Side;
typedef struct {
  Side *to;
  uint32_t conn;
  GByteArray *data;
  bool up, fail;
} Msg;

struct Side {
  const char *name;
  EpEnv env;
  EpDp *dp;
  EpBgp *bgp;
  Ipv4Addr addr;
  Side *peer;
  GHashTable *fib; /* prefix text -> 1 */
  unsigned installed_events;
  uint32_t pair[4096]; /* our conn -> the peer's conn */
};

static int64_t now_ns;
static GQueue q = G_QUEUE_INIT; /* Msg*: TCP deliveries, in order */
static struct {
  int64_t at;
  EpTimerFn fn;
  void *arg;
  bool live;
} timers[16];

static int64_t t_now(void *u) { return now_ns; }
static EpTimerId t_add(void *u, int64_t d, EpTimerFn fn, void *arg)
{
  for (unsigned i = 0; i < G_N_ELEMENTS(timers); i++)
    if (!timers[i].live) {
      timers[i] = (typeof(timers[0])){now_ns + d, fn, arg, true};
      return i + 1;
    }
  g_assert_not_reached();
}
static bool t_cancel(void *u, EpTimerId id)
{
  bool was = timers[id - 1].live;
  timers[id - 1].live = false;
  return was;
}
static void send_outer(void *u, const EpOuterPacket *p) {}
static void deliver(void *u, const uint8_t *p, size_t n) {}
static void emit(void *u, const VsEvent *ev)
{
  Side *s = u;
  if (g_getenv("EPBGP_DEBUG") && !strncmp(ev->type, "bgp.", 4)) {
    const VsAttr *a = vs_event_attr(ev, "new_state"), *r = vs_event_attr(ev, "reason");
    g_printerr("%lld %s %s %s %s\n", (long long)ev->time_ns, s->name, ev->type,
               a ? a->v.s : "", r && r->kind == VS_ATTR_STR ? r->v.s : "");
  }
  if (!strcmp(ev->type, EP_BGP_EV_ROUTE_INSTALLED))
    s->installed_events++;
}

static void push(Side *to, uint32_t conn, const uint8_t *d, size_t n, bool up, bool fail)
{
  Msg *m = g_new0(Msg, 1);
  m->to = to, m->conn = conn, m->up = up, m->fail = fail;
  if (d)
    m->data = g_byte_array_append(g_byte_array_new(), d, (guint)n);
  g_queue_push_tail(&q, m);
}

static void io_open(void *u, uint32_t conn, Ipv4Addr src, Ipv4Addr dst)
{
  Side *s = u, *o = s->peer;
  g_assert_cmphex(src.v, ==, s->addr.v);
  g_assert_cmphex(dst.v, ==, o->addr.v);
  /* paired first: the accepting side may send its OPEN from inside the call */
  uint32_t c = ep_bgp_next_conn(o->bgp);
  g_assert_cmpuint(c, <, G_N_ELEMENTS(o->pair));
  s->pair[conn] = c;
  o->pair[c] = conn;
  /* the handshake completes before the accepting side's first bytes arrive */
  push(s, conn, NULL, 0, true, false);
  if (ep_bgp_tcp_accept(o->bgp, dst, src) != c) {
    s->pair[conn] = o->pair[c] = 0;
    push(s, conn, NULL, 0, false, true); /* then reset */
  }
}
static void io_send(void *u, uint32_t conn, const uint8_t *d, size_t n)
{
  Side *s = u;
  if (s->pair[conn])
    push(s->peer, s->pair[conn], d, n, false, false);
}
static void io_close(void *u, uint32_t conn)
{
  Side *s = u;
  uint32_t c = s->pair[conn];
  s->pair[conn] = 0;
  if (c) {
    s->peer->pair[c] = 0;
    push(s->peer, c, NULL, 0, false, true);
  }
}
static void fib_add(void *u, Ipv4Prefix p)
{
  char b[IPV4_PREFIX_STRLEN];
  g_hash_table_add(((Side *)u)->fib, g_strdup(ipv4_prefix_format(p, b)));
}
static void fib_remove(void *u, Ipv4Prefix p)
{
  char b[IPV4_PREFIX_STRLEN];
  g_assert_true(g_hash_table_remove(((Side *)u)->fib, ipv4_prefix_format(p, b)));
}

/* Deliver everything queued, then run timers up to t. */
static void run_until(int64_t t)
{
  for (;;) {
    Msg *m;
    while ((m = g_queue_pop_head(&q))) {
      if (m->up)
        ep_bgp_tcp_up(m->to->bgp, m->conn);
      else if (m->fail)
        ep_bgp_tcp_failed(m->to->bgp, m->conn);
      else
        ep_bgp_rx(m->to->bgp, m->conn, m->data->data, m->data->len);
      if (m->data)
        g_byte_array_unref(m->data);
      g_free(m);
    }
    int k = -1;
    for (unsigned i = 0; i < G_N_ELEMENTS(timers); i++)
      if (timers[i].live && timers[i].at <= t && (k < 0 || timers[i].at < timers[k].at))
        k = (int)i;
    if (k < 0)
      break;
    timers[k].live = false;
    now_ns = MAX(now_ns, timers[k].at);
    timers[k].fn(timers[k].arg);
  }
  now_ns = MAX(now_ns, t);
}

/* Between tests: what the last one left queued (its sessions closing as they were freed)
 * goes, and every timer. */
static void reset(void)
{
  Msg *m;
  while ((m = g_queue_pop_head(&q))) {
    if (m->data)
      g_byte_array_unref(m->data);
    g_free(m);
  }
  memset(timers, 0, sizeof timers);
  now_ns = 0;
}

static Ipv4Prefix P(const char *s)
{
  Ipv4Prefix p;
  g_assert_cmpint(ipv4_prefix_parse(s, &p), ==, IPV4_PARSE_OK);
  return p;
}
static Ipv4Addr A(const char *s)
{
  Ipv4Addr a;
  g_assert_cmpint(ipv4_addr_parse(s, &a), ==, IPV4_PARSE_OK);
  return a;
}

static void side_init(Side *s, const char *name, const char *addr, const char *lan)
{
  memset(s, 0, sizeof *s);
  s->name = name;
  s->addr = A(addr);
  s->fib = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  s->env = (EpEnv){.user = s, .now = t_now, .timer_add = t_add, .timer_cancel = t_cancel,
                   .send_outer = send_outer, .deliver_inner = deliver,
                   .events = {.emit = emit, .user = s}};
  EpDpConfig dc = {.node = name, .events = &ev_types, .n_local_prefixes = 1};
  dc.local_prefixes[0] = P(lan);
  s->dp = ep_dp_new(&dc, &s->env);
  EpDpTunnelConfig tc = {.name = "t0"};
  g_assert_cmpint(ep_dp_tunnel_add(s->dp, &tc), ==, 0);
}

static void side_bgp(Side *s, uint32_t as, uint32_t peer_as, const char *adv, bool passive,
                     unsigned prepend)
{
  EpBgpConfig c = {0};
  c.speaker.node = s->name;
  c.speaker.rib.local_as = as;
  c.speaker.rib.router_id = s->addr;
  c.speaker.rib.rules = 1u << BGP_RULE_AS_PATH_LOOP | 1u << BGP_RULE_SPLIT_HORIZON;
  c.speaker.local[c.speaker.n_local++] = P(adv);
  EpBgpPeer *p = &c.peers[c.n_peers++];
  p->tunnel = 0;
  p->pc.fsm.peer = "peer";
  p->pc.fsm.peer_as = peer_as;
  p->pc.fsm.hold_time_s = 180;
  p->pc.fsm.passive = passive;
  p->pc.fsm.idle_hold_s = 60; /* as the gateway and dev_bgp.c have it */
  p->pc.address = s->peer->addr;
  p->pc.local_address = s->addr;
  p->pc.prepend = prepend;
  EpBgpIo io = {.user = s, .tcp_open = io_open, .tcp_send = io_send, .tcp_close = io_close,
                .fib_add = fib_add, .fib_remove = fib_remove};
  s->bgp = ep_bgp_new(&c, s->dp, &s->env, &io);
}

static void side_free(Side *s)
{
  ep_bgp_free(s->bgp);
  ep_dp_free(s->dp);
  g_hash_table_destroy(s->fib);
}

static EpRouteKind route(Side *s, const char *dst, int *t)
{
  return ep_dp_route_lookup(s->dp, A(dst), t);
}

static void test_sessions_and_routes(void)
{
  reset();
  Side gw, dev;
  side_init(&gw, "gw", "10.1.255.30", "10.1.0.0/16");
  side_init(&dev, "dev", "10.2.0.1", "192.168.1.0/24");
  gw.peer = &dev, dev.peer = &gw;
  side_bgp(&gw, 65515, 65010, "10.1.0.0/16", false, 0);
  side_bgp(&dev, 65010, 65515, "192.168.1.0/24", false, 0);
  int t;
  /* from the start: the host route to the peer's BGP address, our own address local */
  g_assert_cmpint(route(&gw, "10.2.0.1", &t), ==, EP_ROUTE_TUNNEL);
  g_assert_cmpint(t, ==, 0);
  g_assert_cmpint(route(&dev, "10.2.0.1", &t), ==, EP_ROUTE_LOCAL);
  g_assert_true(g_hash_table_contains(gw.fib, "10.2.0.1/32"));
  g_assert_cmpint(route(&gw, "192.168.1.5", &t), ==, EP_ROUTE_NONE);
  /* nothing before the tunnel is up */
  run_until(30 * (int64_t)1000000000);
  g_assert_cmpuint(bgp_fsm_state(bgp_speaker_fsm(ep_bgp_speaker(gw.bgp), 1)), ==, BGP_IDLE);
  ep_bgp_tunnel_state(gw.bgp, 0, true);
  ep_bgp_tunnel_state(dev.bgp, 0, true);
  run_until(now_ns + 1000000000);
  g_assert_cmpuint(bgp_fsm_state(bgp_speaker_fsm(ep_bgp_speaker(gw.bgp), 1)), ==, BGP_ESTABLISHED);
  g_assert_cmpuint(bgp_fsm_state(bgp_speaker_fsm(ep_bgp_speaker(dev.bgp), 1)), ==, BGP_ESTABLISHED);
  /* the learned prefixes are routes into the tunnel, in the data plane and the FIB */
  g_assert_cmpint(route(&gw, "192.168.1.5", &t), ==, EP_ROUTE_TUNNEL);
  g_assert_true(g_hash_table_contains(gw.fib, "192.168.1.0/24"));
  g_assert_true(g_hash_table_contains(dev.fib, "10.1.0.0/16"));
  g_assert_cmpuint(ep_bgp_n_installed(gw.bgp), ==, 1);
  g_assert_cmpuint(gw.installed_events, ==, 1);
  /* advertise, then withdraw, a prefix */
  Ipv4Prefix extra = P("192.168.7.0/24");
  ep_bgp_advertise(dev.bgp, &extra, 1);
  run_until(now_ns + 1000000000);
  g_assert_cmpint(route(&gw, "192.168.7.1", &t), ==, EP_ROUTE_TUNNEL);
  ep_bgp_withdraw(dev.bgp, &extra, 1);
  run_until(now_ns + 1000000000);
  g_assert_cmpint(route(&gw, "192.168.7.1", &t), ==, EP_ROUTE_NONE);
  g_assert_false(g_hash_table_contains(gw.fib, "192.168.7.0/24"));
  /* prepending: the same prefix again with a longer path (re-installed, same tunnel) */
  unsigned before = gw.installed_events;
  g_assert_true(ep_bgp_set_prepend(dev.bgp, 2));
  run_until(now_ns + 1000000000);
  const BgpRoute *b[2];
  g_assert_cmpuint(bgp_rib_best(bgp_speaker_rib(ep_bgp_speaker(gw.bgp)), P("192.168.1.0/24"), b, 2), ==, 1);
  g_assert_cmpuint(b[0]->path_len, ==, 3);
  g_assert_cmpuint(gw.installed_events, ==, before); /* same tunnel: the route stays */
  g_assert_false(ep_bgp_set_prepend(dev.bgp, BGP_SPEAKER_MAX_PREPEND + 1));
  /* the tunnel goes down (both ends): the session stops and its routes go */
  ep_bgp_tunnel_state(gw.bgp, 0, false);
  ep_bgp_tunnel_state(dev.bgp, 0, false);
  run_until(now_ns + 1000000000);
  g_assert_cmpint(route(&gw, "192.168.1.5", &t), ==, EP_ROUTE_NONE);
  g_assert_false(g_hash_table_contains(gw.fib, "192.168.1.0/24"));
  g_assert_cmpuint(ep_bgp_n_installed(gw.bgp), ==, 0);
  g_assert_true(g_hash_table_contains(gw.fib, "10.2.0.1/32")); /* the host route stays */
  /* and it comes back with the tunnel */
  ep_bgp_tunnel_state(gw.bgp, 0, true);
  ep_bgp_tunnel_state(dev.bgp, 0, true);
  run_until(now_ns + 1000000000);
  g_assert_cmpint(route(&gw, "192.168.1.5", &t), ==, EP_ROUTE_TUNNEL);
  side_free(&gw);
  side_free(&dev);
}

/* A passive device and a passive gateway: nobody opens the connection. */
static void test_nobody_opens(void)
{
  reset();
  Side gw, dev;
  side_init(&gw, "gw", "169.254.21.1", "10.1.0.0/16");
  side_init(&dev, "dev", "169.254.21.2", "192.168.1.0/24");
  gw.peer = &dev, dev.peer = &gw;
  side_bgp(&gw, 65515, 65010, "10.1.0.0/16", true, 0);
  side_bgp(&dev, 65010, 65515, "192.168.1.0/24", true, 0);
  ep_bgp_tunnel_state(gw.bgp, 0, true);
  ep_bgp_tunnel_state(dev.bgp, 0, true);
  run_until(now_ns + 600 * (int64_t)1000000000);
  g_assert_cmpuint(bgp_fsm_state(bgp_speaker_fsm(ep_bgp_speaker(gw.bgp), 1)), !=, BGP_ESTABLISHED);
  g_assert_cmpuint(ep_bgp_n_installed(gw.bgp), ==, 0);
  side_free(&gw);
  side_free(&dev);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ep_bgp/sessions-and-routes", test_sessions_and_routes);
  g_test_add_func("/ep_bgp/nobody-opens", test_nobody_opens);
  int rc = g_test_run();
  reset();
  return rc;
}
