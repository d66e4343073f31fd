/* SPDX-License-Identifier: MIT */
/* Tests of the gateway instance and the on-premises device data plane, in process with a
 * manual clock and a fake wire: inner packets both ways through hand-installed child SA
 * pairs (keys from a fixed DRBG), route selection, traffic-selector mismatches, rekey
 * without loss, the SKU caps measured over one simulated second, no fragmentation (ICMP
 * fragmentation needed), ESP in UDP (RFC 3948), malformed outer packets, events. */
#include "models/common/inet.h"
#include "models/device/dev_runtime.h"
#include "models/esp/esp_natt.h"
#include "models/gateway/gw_runtime.h"
#include "models/endpoint/ep_shaper.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

/* ---- the harness: a clock with timers, nodes with a fake wire ---- */

typedef struct {
  EpTimerId id;
  int64_t at;
  EpTimerFn fn;
  void *arg;
} Timer;

typedef struct {
  int64_t now;
  GArray *timers; /* Timer */
  EpTimerId next;
} Clock;

typedef struct {
  char type[48], reason[64], tunnel[32];
} Ev;

typedef struct Node {
  Clock *clk;
  EpEnv env;
  GPtrArray *wire;   /* GBytes: outer packets sent, not yet carried */
  GPtrArray *inside; /* GBytes: inner packets delivered inside */
  GArray *events;    /* Ev */
  GPtrArray *sent_ops; /* EpOuterPacket copies: proto, ports (GBytes of the struct) */
  unsigned acquires;
  int acquire_tunnel;
  unsigned moved;        /* peer_moved calls */
  uint16_t moved_port;
} Node;

static int64_t t_now(void *u)
{
  return ((Node *)u)->clk->now;
}

static EpTimerId t_add(void *u, int64_t delay, EpTimerFn fn, void *arg)
{
  Clock *c = ((Node *)u)->clk;
  Timer t = {++c->next, c->now + delay, fn, arg};
  g_array_append_val(c->timers, t);
  return t.id;
}

static bool t_cancel(void *u, EpTimerId id)
{
  Clock *c = ((Node *)u)->clk;
  for (guint i = 0; i < c->timers->len; i++)
    if (g_array_index(c->timers, Timer, i).id == id) {
      g_array_remove_index(c->timers, i);
      return true;
    }
  return false;
}

/* Run every timer due up to 'to', in time order, then set the clock to 'to'. */
static void clock_advance(Clock *c, int64_t to)
{
  for (;;) {
    int best = -1;
    for (guint i = 0; i < c->timers->len; i++) {
      Timer *t = &g_array_index(c->timers, Timer, i);
      if (t->at <= to && (best < 0 || t->at < g_array_index(c->timers, Timer, best).at))
        best = (int)i;
    }
    if (best < 0)
      break;
    Timer t = g_array_index(c->timers, Timer, best);
    g_array_remove_index(c->timers, (guint)best);
    c->now = t.at;
    t.fn(t.arg);
  }
  c->now = to;
}

static void n_send(void *u, const EpOuterPacket *p)
{
  Node *n = u;
  g_assert_true(p->esp > p->packet && p->esp + p->esp_len == p->packet + p->len);
  g_ptr_array_add(n->wire, g_bytes_new(p->packet, p->len));
  g_ptr_array_add(n->sent_ops, g_bytes_new(p, sizeof *p));
}

static void n_deliver(void *u, const uint8_t *pkt, size_t len)
{
  g_ptr_array_add(((Node *)u)->inside, g_bytes_new(pkt, len));
}

static void n_event(void *u, const VsEvent *ev)
{
  Ev e = {0};
  g_strlcpy(e.type, ev->type, sizeof e.type);
  const VsAttr *a = vs_event_attr(ev, "reason");
  if (a && a->kind == VS_ATTR_STR)
    g_strlcpy(e.reason, a->v.s, sizeof e.reason);
  a = vs_event_attr(ev, "tunnel");
  if (a && a->kind == VS_ATTR_STR)
    g_strlcpy(e.tunnel, a->v.s, sizeof e.tunnel);
  g_array_append_val(((Node *)u)->events, e);
}

static void n_acquire(void *u, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  Node *n = u;
  n->acquires++;
  n->acquire_tunnel = tunnel;
}

static void n_peer_moved(void *u, int tunnel, Ipv4Addr src, uint16_t sport)
{
  Node *n = u;
  n->moved++;
  n->moved_port = sport;
}

static void node_init(Node *n, Clock *c, Drbg *d)
{
  *n = (Node){.clk = c};
  n->wire = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  n->inside = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  n->sent_ops = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  n->events = g_array_new(FALSE, TRUE, sizeof(Ev));
  n->env = (EpEnv){.user = n, .now = t_now, .timer_add = t_add, .timer_cancel = t_cancel,
                   .send_outer = n_send, .deliver_inner = n_deliver,
                   .events = {.emit = n_event, .user = n}, .drbg = d,
                   .acquire = n_acquire, .peer_moved = n_peer_moved};
}

static void node_clear(Node *n)
{
  g_ptr_array_unref(n->wire);
  g_ptr_array_unref(n->inside);
  g_ptr_array_unref(n->sent_ops);
  g_array_unref(n->events);
}

/* Carry every queued outer packet of 'from' to 'to' (whole-packet form). Returns how many
 * were delivered inside. */
static unsigned carry(Node *from, EpDp *to)
{
  unsigned ok = 0;
  for (guint i = 0; i < from->wire->len; i++) {
    size_t n;
    const uint8_t *p = g_bytes_get_data(g_ptr_array_index(from->wire, i), &n);
    ok += ep_dp_rx_outer(to, p, n) == EP_RX_DELIVERED;
  }
  g_ptr_array_set_size(from->wire, 0);
  g_ptr_array_set_size(from->sent_ops, 0);
  return ok;
}

static unsigned count_events(const Node *n, const char *type, const char *reason)
{
  unsigned k = 0;
  for (guint i = 0; i < n->events->len; i++) {
    const Ev *e = &g_array_index(n->events, Ev, i);
    if (strcmp(e->type, type) == 0 && (!reason || strcmp(e->reason, reason) == 0))
      k++;
  }
  return k;
}

/* ---- packets ---- */

/* A whole inner IPv4 packet of exactly 'len' octets (ICMP echo, RFC 792). */
static GBytes *inner(const char *src, const char *dst, size_t len, uint16_t seq)
{
  g_assert_cmpuint(len, >=, 28);
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, ICMP_ECHO_REQUEST, tu_addr(src), tu_addr(dst), seq, 7, seq, NULL, len - 28);
  g_assert_true(wire_writer_ok(&w));
  size_t n;
  uint8_t *b = wire_writer_steal(&w, &n);
  return g_bytes_new_take(b, n);
}

static bool tx(EpDp *dp, GBytes *b)
{
  size_t n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  return ep_dp_tx_inner(dp, p, n);
}

/* ---- SA pairs with keys from a fixed DRBG ---- */

typedef struct {
  uint8_t ek[2][36], ak[2][32];
} Keys;

static void keys_draw(Drbg *d, Keys *k)
{
  drbg_bytes(d, k, sizeof *k);
}

static EspSaConfig sa_cfg(EpAlgSet set, uint32_t spi, const Keys *k, int dir)
{
  EspSaConfig c = {.spi = spi};
  if (set == EP_ALGSET_GCMAES256) { /* RFC 4106: AES-GCM-16, 256-bit key + 4-octet salt */
    c.encr = ENCR_AES_GCM_16;
    c.encr_key_bits = 256;
    c.integ = AUTH_NONE;
    c.encr_key = k->ek[dir];
    c.encr_key_len = 36;
  } else { /* RFC 3602 + RFC 4868: AES-CBC-256 with HMAC-SHA-256-128 */
    c.encr = ENCR_AES_CBC;
    c.encr_key_bits = 256;
    c.integ = AUTH_HMAC_SHA2_256_128;
    c.encr_key = k->ek[dir];
    c.encr_key_len = 32;
    c.integ_key = k->ak[dir];
    c.integ_key_len = 32;
  }
  return c;
}

/* Install one child SA pair on both ends: a's inbound SPI spi_a, b's inbound spi_b. */
static void install(EpDp *a, int ta, EpDp *b, int tb, EpAlgSet set, uint32_t spi_a,
                    uint32_t spi_b, uint32_t rep_a, uint32_t rep_b, bool udp, Drbg *d)
{
  Keys k;
  keys_draw(d, &k);
  EpChildSaPair pa = {.out = sa_cfg(set, spi_b, &k, 0), .in = sa_cfg(set, spi_a, &k, 1),
                      .replaces_in_spi = rep_a, .udp_encap = udp, .sport = 4500,
                      .dport = 4500};
  EpChildSaPair pb = {.out = sa_cfg(set, spi_a, &k, 1), .in = sa_cfg(set, spi_b, &k, 0),
                      .replaces_in_spi = rep_b, .udp_encap = udp, .sport = 4500,
                      .dport = 4500};
  const char *why = NULL;
  g_assert_true(ep_dp_sa_install(a, ta, &pa, &why));
  g_assert_true(ep_dp_sa_install(b, tb, &pb, &why));
}

/* ---- a gateway and a device ---- */

static GwStr S(const char *v)
{
  return (GwStr){.set = true, .v = v};
}

/* vnet1 10.1.0.0/16 (GatewaySubnet 10.1.255.0/27), gateway vgw1 (sku) at 203.0.113.10;
 * site1 198.51.100.20 with 192.168.0.0/16, site2 198.51.100.30 with 192.168.10.0/24. */
static GwConfig *mk_config(const char *sku)
{
  GwConfig *c = gw_config_new();
  GwVirtualNetwork *v = &c->virtualNetworks[c->n_virtualNetworks++];
  v->name = S("vnet1");
  v->addressSpace[v->n_addressSpace++].v = tu_prefix("10.1.0.0/16");
  v->subnets[0] = (GwSubnet){.name = S("GatewaySubnet"), .has_addressPrefix = true,
                             .addressPrefix = {.v = tu_prefix("10.1.255.0/27")}};
  v->n_subnets = 1;
  GwVirtualNetworkGateway *g = &c->virtualNetworkGateways[c->n_virtualNetworkGateways++];
  g->name = S("vgw1");
  g->virtualNetwork = S("vnet1");
  g->sku = S(sku);
  g->publicIpAddresses[g->n_publicIpAddresses++] = (GwIp){.set = true, .v = tu_addr("203.0.113.10")};
  const char *sites[][3] = {{"site1", "198.51.100.20", "192.168.0.0/16"},
                            {"site2", "198.51.100.30", "192.168.10.0/24"}};
  for (int i = 0; i < 2; i++) {
    GwLocalNetworkGateway *l = &c->localNetworkGateways[c->n_localNetworkGateways++];
    l->name = S(sites[i][0]);
    l->gatewayIpAddress = (GwIp){.set = true, .v = tu_addr(sites[i][1])};
    l->addressPrefixes[l->n_addressPrefixes++].v = tu_prefix(sites[i][2]);
    GwConnection *k = &c->connections[c->n_connections++];
    k->name = S(i == 0 ? "conn1" : "conn2");
    k->virtualNetworkGateway1 = S("vgw1");
    k->localNetworkGateway2 = S(sites[i][0]);
  }
  return c;
}

typedef struct {
  Clock clk;
  Drbg *drbg;
  Node gn, dn;
  GwGateway *gw;
  DevRuntime *dev;
  EpDp *g, *d;
  int gt, dt; /* the tunnel between them on each side */
} Pair2;

static void dev_cfg_site1(DevRuntimeConfig *dc, bool policy_based)
{
  *dc = (DevRuntimeConfig){.name = "site1-vpn", .public_ip = tu_addr("198.51.100.20"),
                           .inside_ip = tu_addr("192.168.0.1"), .n_lan = 1, .n_tunnels = 1};
  dc->lan[0] = tu_prefix("192.168.0.0/16");
  EpDpTunnelConfig *t = &dc->tunnels[0];
  t->name = "azure";
  t->remote_public = tu_addr("203.0.113.10");
  t->remote_prefixes[t->n_remote_prefixes++] = tu_prefix("10.1.0.0/16");
  t->policy_based = policy_based;
}

static void setup_with(Pair2 *s, GwConfig *c, const GwGatewayOptions *opt,
                       const DevRuntimeConfig *dc)
{
  memset(s, 0, sizeof *s);
  s->clk.timers = g_array_new(FALSE, FALSE, sizeof(Timer));
  s->drbg = drbg_new_stream(42, "gw_runtime_test/keys");
  node_init(&s->gn, &s->clk, s->drbg);
  node_init(&s->dn, &s->clk, s->drbg);
  char *err = NULL;
  s->gw = gw_gateway_new(c, "vgw1", &s->gn.env, opt, &err);
  g_assert_null(err);
  g_assert_nonnull(s->gw);
  s->dev = dev_runtime_new(dc, &s->dn.env, &err);
  g_assert_null(err);
  s->g = gw_gateway_dp(s->gw);
  s->d = dev_runtime_dp(s->dev);
  s->gt = gw_gateway_tunnel(s->gw, "conn1");
  s->dt = dev_runtime_tunnel(s->dev, "azure");
  g_assert_cmpint(s->gt, >=, 0);
  g_assert_cmpint(s->dt, >=, 0);
}

static void setup(Pair2 *s, const char *sku, const GwGatewayOptions *opt)
{
  GwConfig *cfg = mk_config(sku);
  DevRuntimeConfig dc;
  dev_cfg_site1(&dc, false);
  setup_with(s, cfg, opt, &dc);
  gw_config_free(cfg);
}

static void teardown(Pair2 *s)
{
  gw_gateway_free(s->gw);
  dev_runtime_free(s->dev);
  node_clear(&s->gn);
  node_clear(&s->dn);
  drbg_free(s->drbg);
  g_array_unref(s->clk.timers);
}

static void assert_inside(Node *n, guint i, GBytes *want)
{
  g_assert_cmpuint(n->inside->len, >, i);
  g_assert_true(g_bytes_equal(g_ptr_array_index(n->inside, i), want));
}

/* ---- tests ---- */

static void test_both_ways(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  g_assert_false(ep_dp_tunnel_up(s.g, s.gt));
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa0000001, 0xd0000001, 0, 0, false, s.drbg);
  g_assert_true(ep_dp_tunnel_up(s.g, s.gt));
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.connected", NULL), ==, 1);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_installed", NULL), ==, 1);
  g_assert_cmpuint(count_events(&s.dn, "dev.tunnel.connected", NULL), ==, 1);
  /* VNet host -> on-premises host */
  g_autoptr(GBytes) a = inner("10.1.0.5", "192.168.1.7", 200, 1);
  g_assert_true(tx(s.g, a));
  g_assert_cmpuint(s.gn.wire->len, ==, 1);
  /* the outer packet: IPv4 from the public IP to the peer, protocol 50, DF set */
  size_t n;
  const uint8_t *o = g_bytes_get_data(g_ptr_array_index(s.gn.wire, 0), &n);
  WireReader r = wire_reader(o, n);
  InetIpv4Header h;
  g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, WIRE_OK);
  g_assert_true(inet_ipv4_checksum_ok(o, 20));
  g_assert_cmpuint(h.proto, ==, INET_PROTO_ESP);
  g_assert_true(h.df);
  g_assert_cmphex(h.src.v, ==, tu_addr("203.0.113.10").v);
  g_assert_cmphex(h.dst.v, ==, tu_addr("198.51.100.20").v);
  g_assert_cmphex(wire_load_be32(o + 20), ==, 0xd0000001); /* the device's inbound SPI */
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 1);
  assert_inside(&s.dn, 0, a);
  /* and back */
  g_autoptr(GBytes) b = inner("192.168.1.7", "10.1.0.5", 1000, 2);
  g_assert_true(tx(s.d, b));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 1);
  assert_inside(&s.gn, 0, b);
  const EpTunnelMetrics *gm = ep_dp_tunnel_metrics(s.g, s.gt);
  g_assert_cmpuint(gm->egress_packets, ==, 1);
  g_assert_cmpuint(gm->ingress_packets, ==, 1);
  g_assert_cmpuint(gm->egress_inner_bytes, ==, 200);
  g_assert_cmpuint(gm->ingress_inner_bytes, ==, 1000);
  g_assert_cmpuint(gm->egress_bytes, >, 200 + 20 + 8);
  g_assert_cmpuint(gm->drop_count, ==, 0);
  g_assert_cmpuint(gm->qm_sa_count, ==, 1);
  g_assert_cmpuint(gm->peak_pps, ==, 2); /* both in the same simulated second */
  ep_dp_set_mm_sa_count(s.g, s.gt, 1);
  ep_dp_emit_metrics(s.g);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.metrics", NULL), ==, 2); /* conn1, conn2 */
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, s.gt)->mm_sa_count, ==, 1);
  /* AES256+SHA256 as well (RFC 3602 / RFC 4868 transforms) on a second child */
  ep_dp_tunnel_down(s.g, s.gt, "test");
  ep_dp_tunnel_down(s.d, s.dt, "test");
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.disconnected", "test"), ==, 1);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_deleted", "test"), ==, 1);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_AES256_SHA256, 0xa0000002, 0xd0000002, 0, 0, false,
          s.drbg);
  g_assert_true(tx(s.g, a));
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 1);
  assert_inside(&s.dn, 1, a);
  teardown(&s);
}

static void test_routes(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  int t1 = s.gt, t2 = gw_gateway_tunnel(s.gw, "conn2");
  int ti;
  /* most specific wins, whether or not its tunnel is up */
  g_assert_cmpint(ep_dp_route_lookup(s.g, tu_addr("192.168.10.5"), &ti), ==, EP_ROUTE_TUNNEL);
  g_assert_cmpint(ti, ==, t2);
  g_assert_cmpint(ep_dp_route_lookup(s.g, tu_addr("192.168.20.5"), &ti), ==, EP_ROUTE_TUNNEL);
  g_assert_cmpint(ti, ==, t1);
  g_assert_cmpint(ep_dp_route_lookup(s.g, tu_addr("10.1.2.3"), &ti), ==, EP_ROUTE_LOCAL);
  g_assert_cmpint(ep_dp_route_lookup(s.g, tu_addr("8.8.8.8"), &ti), ==, EP_ROUTE_NONE);
  g_assert_cmpint(ti, ==, -1);
  install(s.g, t1, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  /* 192.168.10.0/24 goes to conn2, which is down: dropped and counted there */
  g_autoptr(GBytes) p2 = inner("10.1.0.5", "192.168.10.5", 100, 1);
  g_assert_false(tx(s.g, p2));
  g_assert_false(tx(s.g, p2));
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, t2)->drops[EP_DROP_TUNNEL_DOWN], ==, 2);
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, t2)->drop_count, ==, 2);
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, t1)->drop_count, ==, 0);
  g_assert_cmpuint(s.gn.wire->len, ==, 0);
  /* one event for the first drop of a reason, the counters carry the rest */
  g_assert_cmpuint(count_events(&s.gn, "gw.dataplane.drop", "tunnel_down"), ==, 1);
  /* each such packet is offered to the IKE side */
  g_assert_cmpuint(s.gn.acquires, ==, 2);
  g_assert_cmpint(s.gn.acquire_tunnel, ==, t2);
  /* the less specific prefix goes through conn1 */
  g_autoptr(GBytes) p1 = inner("10.1.0.5", "192.168.20.5", 100, 2);
  g_assert_true(tx(s.g, p1));
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 1);
  /* no route at all */
  g_autoptr(GBytes) p3 = inner("10.1.0.5", "8.8.8.8", 100, 3);
  g_assert_false(tx(s.g, p3));
  g_assert_cmpuint(ep_dp_metrics(s.g)->total.drops[EP_DROP_NO_ROUTE], ==, 1);
  g_assert_cmpuint(count_events(&s.gn, "gw.dataplane.drop", "no_route"), ==, 1);
  /* a destination inside the VNet is not sent back into a tunnel */
  g_autoptr(GBytes) p4 = inner("10.1.0.5", "10.1.0.6", 100, 4);
  g_assert_false(tx(s.g, p4));
  g_assert_cmpuint(ep_dp_metrics(s.g)->total.drops[EP_DROP_NO_ROUTE], ==, 2);
  /* equally specific routes (redundant tunnels, BGP): the one whose tunnel is up */
  ep_dp_route_add(s.g, tu_prefix("172.16.0.0/12"), EP_ROUTE_TUNNEL, t2);
  ep_dp_route_add(s.g, tu_prefix("172.16.0.0/12"), EP_ROUTE_TUNNEL, t1);
  g_assert_cmpint(ep_dp_route_lookup(s.g, tu_addr("172.16.1.1"), &ti), ==, EP_ROUTE_TUNNEL);
  g_assert_cmpint(ti, ==, t1);
  /* a /32 beats a /16 */
  ep_dp_route_add(s.g, tu_prefix("192.168.20.5/32"), EP_ROUTE_TUNNEL, t2);
  g_assert_cmpint(ep_dp_route_lookup(s.g, tu_addr("192.168.20.5"), &ti), ==, EP_ROUTE_TUNNEL);
  g_assert_cmpint(ti, ==, t2);
  g_assert_cmpint(ep_dp_route_lookup(s.g, tu_addr("192.168.20.6"), &ti), ==, EP_ROUTE_TUNNEL);
  g_assert_cmpint(ti, ==, t1);
  teardown(&s);
}

static void test_ts_mismatch_route_based(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  /* the device sends from a source outside the local network gateway's prefixes */
  g_autoptr(GBytes) bad = inner("172.16.0.1", "10.1.0.5", 120, 1);
  g_assert_true(tx(s.d, bad));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 0);
  g_assert_cmpuint(s.gn.inside->len, ==, 0);
  const EpTunnelMetrics *m = ep_dp_tunnel_metrics(s.g, s.gt);
  g_assert_cmpuint(m->ts_mismatch_drops, ==, 1);
  g_assert_cmpuint(m->drops[EP_DROP_TS_MISMATCH], ==, 1);
  g_assert_cmpuint(m->drop_count, ==, 1);
  g_assert_cmpuint(m->ingress_packets, ==, 0);
  g_assert_cmpuint(count_events(&s.gn, "gw.dataplane.drop", "ts_mismatch"), ==, 1);
  g_autoptr(GBytes) good = inner("192.168.0.9", "10.1.0.5", 120, 2);
  g_assert_true(tx(s.d, good));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 1);
  /* a route learned later over the tunnel (BGP) widens what it accepts */
  ep_dp_route_add(s.g, tu_prefix("172.16.0.0/12"), EP_ROUTE_TUNNEL, s.gt);
  g_assert_true(tx(s.d, bad));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 1);
  g_assert_cmpuint(m->ts_mismatch_drops, ==, 1);
  /* but a route into another tunnel does not */
  ep_dp_route_add(s.g, tu_prefix("100.64.0.0/10"), EP_ROUTE_TUNNEL, gw_gateway_tunnel(s.gw, "conn2"));
  g_autoptr(GBytes) other = inner("100.64.0.1", "10.1.0.5", 120, 3);
  g_assert_true(tx(s.d, other));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 0);
  g_assert_cmpuint(m->ts_mismatch_drops, ==, 2);
  teardown(&s);
}

static void test_ts_policy_based(void)
{
  /* usePolicyBasedTrafficSelectors with one trafficSelectorPolicies entry on conn1 */
  GwConfig *c = mk_config("VpnGw1");
  GwConnection *k = &c->connections[0];
  k->usePolicyBasedTrafficSelectors = (GwBool){.set = true, .v = true};
  GwTrafficSelectorPolicy *tp = &k->trafficSelectorPolicies[k->n_trafficSelectorPolicies++];
  tp->localAddressRanges[tp->n_localAddressRanges++].v = tu_prefix("10.1.1.0/24");
  tp->remoteAddressRanges[tp->n_remoteAddressRanges++].v = tu_prefix("192.168.1.0/24");
  /* the device is wider than the gateway: 192.168.0.0/16 <-> 10.1.0.0/16 */
  DevRuntimeConfig dc;
  dev_cfg_site1(&dc, true);
  Pair2 s;
  setup_with(&s, c, NULL, &dc);
  gw_config_free(c);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  g_autoptr(GBytes) ok = inner("192.168.1.5", "10.1.1.5", 100, 1);
  g_assert_true(tx(s.d, ok));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 1);
  /* inside the device's selectors, outside the gateway's: TS mismatch at the gateway */
  g_autoptr(GBytes) bad = inner("192.168.2.5", "10.1.1.5", 100, 2);
  g_assert_true(tx(s.d, bad));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 0);
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, s.gt)->ts_mismatch_drops, ==, 1);
  /* outbound on the gateway: a packet its selectors do not cover has no SA */
  g_autoptr(GBytes) out_bad = inner("10.1.2.5", "192.168.1.5", 100, 3);
  g_assert_false(tx(s.g, out_bad));
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, s.gt)->drops[EP_DROP_NO_SA], ==, 1);
  g_autoptr(GBytes) out_ok = inner("10.1.1.9", "192.168.1.5", 100, 4);
  g_assert_true(tx(s.g, out_ok));
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 1);
  teardown(&s);
}

/* Route-based transit between on-premises sites through the gateway (facts 3.4 allows it
 * for route-based connections only): site1 -> 192.168.10.0/24 leaves through conn2. */
static void test_transit(void)
{
  GwConfig *c = mk_config("VpnGw1");
  DevRuntimeConfig dc;
  dev_cfg_site1(&dc, false);
  EpDpTunnelConfig *t = &dc.tunnels[0];
  t->remote_prefixes[t->n_remote_prefixes++] = tu_prefix("192.168.10.0/24");
  Pair2 s;
  setup_with(&s, c, NULL, &dc);
  gw_config_free(c);
  int t2 = gw_gateway_tunnel(s.gw, "conn2");
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  g_autoptr(GBytes) x = inner("192.168.1.7", "192.168.10.5", 200, 1);
  g_assert_true(tx(s.d, x));
  /* conn2 is down: the forwarded packet is dropped there */
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 0);
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, t2)->drops[EP_DROP_TUNNEL_DOWN], ==, 1);
  Keys k;
  keys_draw(s.drbg, &k);
  EpChildSaPair p2 = {.out = sa_cfg(EP_ALGSET_GCMAES256, 0xe1, &k, 0),
                      .in = sa_cfg(EP_ALGSET_GCMAES256, 0xa9, &k, 1)};
  g_assert_true(ep_dp_sa_install(s.g, t2, &p2, NULL));
  g_assert_true(tx(s.d, x));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 1);
  g_assert_cmpuint(s.gn.inside->len, ==, 0);
  g_assert_cmpuint(s.gn.wire->len, ==, 1);
  size_t n;
  const uint8_t *o = g_bytes_get_data(g_ptr_array_index(s.gn.wire, 0), &n);
  g_assert_cmphex(wire_load_be32(o + 16), ==, tu_addr("198.51.100.30").v);
  g_assert_cmphex(wire_load_be32(o + 20), ==, 0xe1);
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, t2)->egress_packets, ==, 1);
  /* both came in through conn1; the first was dropped on the way out */
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, s.gt)->ingress_packets, ==, 2);
  teardown(&s);
}

static void test_rekey_without_loss(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  unsigned sent = 0, got = 0;
  uint16_t seq = 0;
  /* a burst each way, left in flight on the wire */
#define BURST()                                                                            \
  do {                                                                                     \
    for (int i = 0; i < 5; i++) {                                                          \
      g_autoptr(GBytes) x = inner("10.1.0.5", "192.168.1.7", 300, ++seq);                  \
      g_autoptr(GBytes) y = inner("192.168.1.7", "10.1.0.5", 300, ++seq);                  \
      g_assert_true(tx(s.g, x));                                                           \
      g_assert_true(tx(s.d, y));                                                           \
      sent += 2;                                                                           \
    }                                                                                      \
  } while (0)
  BURST(); /* old SAs, in flight during the rekey */
  /* CREATE_CHILD_SA: both sides install the new pair; the old outbound stays in use */
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa2, 0xd2, 0xa1, 0xd1, false, s.drbg);
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, s.gt)->qm_sa_count, ==, 2);
  BURST();
  g_assert_cmphex(wire_load_be32((const uint8_t *)g_bytes_get_data(
                      g_ptr_array_index(s.gn.wire, s.gn.wire->len - 1), NULL) + 20), ==, 0xd1);
  /* the gateway switches first; the device still sends on the old SA */
  g_assert_true(ep_dp_sa_switch(s.g, s.gt, 0xa2));
  BURST();
  g_assert_cmphex(wire_load_be32((const uint8_t *)g_bytes_get_data(
                      g_ptr_array_index(s.gn.wire, s.gn.wire->len - 1), NULL) + 20), ==, 0xd2);
  g_assert_true(ep_dp_sa_switch(s.d, s.dt, 0xd2));
  BURST();
  got += carry(&s.gn, s.d) + carry(&s.dn, s.g);
  /* the old pair is deleted once nothing is in flight on it */
  g_assert_true(ep_dp_sa_delete(s.g, s.gt, 0xa1, "rekeyed"));
  g_assert_true(ep_dp_sa_delete(s.d, s.dt, 0xd1, "rekeyed"));
  g_assert_false(ep_dp_sa_delete(s.g, s.gt, 0xa1, "twice"));
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, s.gt)->qm_sa_count, ==, 1);
  g_assert_true(ep_dp_tunnel_up(s.g, s.gt));
  BURST();
  got += carry(&s.gn, s.d) + carry(&s.dn, s.g);
  g_assert_cmpuint(got, ==, sent);
  g_assert_cmpuint(ep_dp_metrics(s.g)->total.drop_count, ==, 0);
  g_assert_cmpuint(ep_dp_metrics(s.d)->total.drop_count, ==, 0);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_switched", NULL), ==, 1);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_deleted", "rekeyed"), ==, 1);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.disconnected", NULL), ==, 0);
  /* a packet on the deleted SA is now an unknown SPI */
  g_autoptr(GBytes) x = inner("10.1.0.5", "192.168.1.7", 300, ++seq);
  g_assert_true(tx(s.g, x));
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 1);
#undef BURST
  /* a rekey of an SA that is not installed is refused */
  Keys k;
  keys_draw(s.drbg, &k);
  EpChildSaPair bad = {.out = sa_cfg(EP_ALGSET_GCMAES256, 0x99, &k, 0),
                       .in = sa_cfg(EP_ALGSET_GCMAES256, 0x98, &k, 1), .replaces_in_spi = 0x77};
  const char *why = NULL;
  g_assert_false(ep_dp_sa_install(s.g, s.gt, &bad, &why));
  g_assert_nonnull(why);
  /* an inbound SPI already taken is refused */
  bad.replaces_in_spi = 0;
  bad.in.spi = 0xa2;
  g_assert_false(ep_dp_sa_install(s.g, s.gt, &bad, &why));
  teardown(&s);
}

/* Offer a bulk flow of 'size'-octet inner packets at 'offer_bps' for one simulated second
 * from the VNet through the gateway; returns the inner bits per second that reached the
 * device, and the packets per second in *pps. */
static double bulk(Pair2 *s, size_t size, uint64_t offer_bps, int tunnels, double *pps)
{
  g_autoptr(GBytes) a = inner("10.1.0.5", "192.168.1.7", size, 1);
  g_autoptr(GBytes) b = inner("10.1.0.5", "192.168.10.7", size, 1);
  int64_t gap = (int64_t)(8.0 * size * 1e9 / (double)offer_bps);
  int64_t start = s->clk.now + 10000000; /* 10 ms idle: the buckets refill */
  unsigned delivered = 0;
  for (int64_t t = start; t < start + 1000000000; t += gap) {
    s->clk.now = t;
    tx(s->g, a);
    if (tunnels > 1)
      tx(s->g, b);
    for (guint i = 0; i < s->gn.wire->len; i++) {
      size_t n;
      const uint8_t *p = g_bytes_get_data(g_ptr_array_index(s->gn.wire, i), &n);
      /* the device of conn2 is not built: its packets count as carried */
      if (wire_load_be32(p + 16) == tu_addr("198.51.100.20").v)
        delivered += ep_dp_rx_outer(s->d, p, n) == EP_RX_DELIVERED;
      else
        delivered++;
    }
    g_ptr_array_set_size(s->gn.wire, 0);
    g_ptr_array_set_size(s->gn.sent_ops, 0);
  }
  g_ptr_array_set_size(s->dn.inside, 0);
  *pps = delivered;
  return 8.0 * (double)size * delivered;
}

static void assert_within(double got, double want, double tol)
{
  if (got < want * (1 - tol) || got > want * (1 + tol))
    g_error("%.0f is not within %.0f%% of %.0f", got, tol * 100, want);
}

static void test_caps(void)
{
  double pps;
  /* facts 1.3: VpnGw1 per tunnel, GCMAES256 650 Mbps / 62,000 pps */
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  double bps = bulk(&s, 1400, 1000000000, 1, &pps);
  g_test_message("VpnGw1 GCMAES256: %.1f Mbps, %.0f pps", bps / 1e6, pps);
  assert_within(bps, 650e6, 0.05);
  const EpTunnelMetrics *m = ep_dp_tunnel_metrics(s.g, s.gt);
  g_assert_cmpuint(m->drops[EP_DROP_TUNNEL_BPS], >, 0);
  g_assert_cmpuint(m->drops[EP_DROP_TUNNEL_PPS], ==, 0);
  /* small packets: the packet rate binds (62,000 pps) */
  bulk(&s, 100, 200000000, 1, &pps);
  g_test_message("VpnGw1 GCMAES256 100 B: %.0f pps", pps);
  assert_within(pps, 62000, 0.05);
  g_assert_cmpuint(m->drops[EP_DROP_TUNNEL_PPS], >, 0);
  /* facts 1.3: AES256+SHA256 500 Mbps */
  ep_dp_tunnel_down(s.g, s.gt, "test");
  ep_dp_tunnel_down(s.d, s.dt, "test");
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_AES256_SHA256, 0xa2, 0xd2, 0, 0, false, s.drbg);
  bps = bulk(&s, 1400, 1000000000, 1, &pps);
  g_test_message("VpnGw1 AES256+SHA256: %.1f Mbps", bps / 1e6);
  assert_within(bps, 500e6, 0.05);
  /* below the cap nothing is dropped */
  uint64_t before = m->drop_count;
  bps = bulk(&s, 1400, 300000000, 1, &pps);
  assert_within(bps, 300e6, 0.01);
  g_assert_cmpuint(m->drop_count, ==, before);
  teardown(&s);

  /* a rekey's responder moves to the new pair when the old one is deleted (no switch):
   * the caps follow the new pair's algorithm set (GCMAES256 650 -> AES256+SHA256 500) */
  setup(&s, "VpnGw1", NULL);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_AES256_SHA256, 0xa2, 0xd2, 0xa1, 0xd1, false, s.drbg);
  g_assert_true(ep_dp_sa_delete(s.g, s.gt, 0xa1, "rekeyed"));
  g_assert_true(ep_dp_sa_delete(s.d, s.dt, 0xd1, "rekeyed"));
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_switched", NULL), ==, 0);
  bps = bulk(&s, 1400, 1000000000, 1, &pps);
  g_test_message("VpnGw1 after a responder's rekey to AES256+SHA256: %.1f Mbps", bps / 1e6);
  assert_within(bps, 500e6, 0.05);
  teardown(&s);

  /* facts 1.1 / 1.3: the instance aggregate (VpnGw1: 650 Mbps) is shared by all tunnels:
   * two GCMAES256 tunnels together stay near 650 Mbps */
  setup(&s, "VpnGw1", NULL);
  int t2 = gw_gateway_tunnel(s.gw, "conn2");
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  Keys k;
  keys_draw(s.drbg, &k);
  EpChildSaPair p2 = {.out = sa_cfg(EP_ALGSET_GCMAES256, 0xe1, &k, 0),
                      .in = sa_cfg(EP_ALGSET_GCMAES256, 0xa9, &k, 1)};
  g_assert_true(ep_dp_sa_install(s.g, t2, &p2, NULL));
  bps = bulk(&s, 1400, 600000000, 2, &pps);
  g_test_message("VpnGw1 two tunnels: %.1f Mbps", bps / 1e6);
  assert_within(bps, 650e6, 0.05);
  g_assert_cmpuint(ep_dp_metrics(s.g)->total.drops[EP_DROP_AGGREGATE_BPS], >, 0);
  teardown(&s);

  /* without caps the same flow passes whole */
  GwGatewayOptions nc = {.no_caps = true};
  setup(&s, "VpnGw1", &nc);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  bps = bulk(&s, 1400, 1000000000, 1, &pps);
  assert_within(bps, 1000e6, 0.01);
  teardown(&s);
}

/* Check an ICMP fragmentation-needed message (RFC 1191 4) toward 'to'. */
static void assert_frag_needed(GBytes *icmp, const char *from, const char *to, unsigned mtu,
                               GBytes *orig)
{
  size_t n;
  const uint8_t *p = g_bytes_get_data(icmp, &n);
  WireReader r = wire_reader(p, n);
  InetIpv4Header h;
  g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, WIRE_OK);
  g_assert_cmpuint(h.proto, ==, INET_PROTO_ICMP);
  g_assert_cmphex(h.src.v, ==, tu_addr(from).v);
  g_assert_cmphex(h.dst.v, ==, tu_addr(to).v);
  g_assert_cmpuint(p[20], ==, ICMP_DEST_UNREACH);
  g_assert_cmpuint(p[21], ==, ICMP_CODE_FRAG_NEEDED);
  g_assert_cmpuint(wire_load_be16(p + 26), ==, mtu);
  g_assert_cmphex(inet_checksum(p + 20, n - 20), ==, 0);
  /* the original IP header and 8 octets are quoted */
  g_assert_cmpmem(p + 28, 28, g_bytes_get_data(orig, NULL), 28);
}

static void test_no_fragmentation(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_AES256_SHA256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  g_assert_cmpuint(ep_dp_tunnel_max_inner(s.g, s.gt), ==, 1400);
  g_autoptr(GBytes) fits = inner("10.1.0.5", "192.168.1.7", 1400, 1);
  g_assert_true(tx(s.g, fits));
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 1);
  /* facts 2.5 / 10: tunnel MTU 1400; no fragmentation inside the tunnel */
  g_autoptr(GBytes) big = inner("10.1.0.5", "192.168.1.7", 1401, 2);
  g_assert_false(tx(s.g, big));
  g_assert_cmpuint(s.gn.wire->len, ==, 0);
  g_assert_cmpuint(s.gn.inside->len, ==, 1);
  assert_frag_needed(g_ptr_array_index(s.gn.inside, 0), "10.1.255.30", "10.1.0.5", 1400, big);
  const EpTunnelMetrics *m = ep_dp_tunnel_metrics(s.g, s.gt);
  g_assert_cmpuint(m->drops[EP_DROP_TOO_BIG], ==, 1);
  g_assert_cmpuint(m->icmp_frag_needed, ==, 1);
  /* the device does the same toward its LAN */
  g_autoptr(GBytes) dbig = inner("192.168.1.7", "10.1.0.5", 1500, 3);
  g_assert_false(tx(s.d, dbig));
  g_assert_cmpuint(s.dn.inside->len, ==, 2); /* 'fits', then the ICMP message */
  assert_frag_needed(g_ptr_array_index(s.dn.inside, 1), "192.168.0.1", "192.168.1.7", 1400,
                     dbig);
  /* no ICMP error about an ICMP error (RFC 1122 3.2.2) */
  WireWriter w;
  wire_writer_init(&w);
  InetIpv4Header eh = {.total_len = 1450, .ttl = 64, .proto = INET_PROTO_ICMP,
                       .src = tu_addr("10.1.0.5"), .dst = tu_addr("192.168.1.7")};
  inet_ipv4_encode(&w, &eh);
  wire_put_u8(&w, ICMP_DEST_UNREACH);
  wire_put_zeros(&w, 1450 - 21);
  g_assert_false(ep_dp_tx_inner(s.g, w.buf, w.len));
  wire_writer_clear(&w);
  g_assert_cmpuint(m->drops[EP_DROP_TOO_BIG], ==, 2);
  g_assert_cmpuint(m->icmp_frag_needed, ==, 1);
  g_assert_cmpuint(s.gn.inside->len, ==, 1);
  teardown(&s);

  /* a path MTU below the tunnel MTU: the largest inner packet is what fits with the
   * SA's overhead (and UDP encapsulation's 8 octets more) */
  GwGatewayOptions o = {.tunnel_mtu = 9000, .path_mtu = 1400};
  setup(&s, "VpnGw1", &o);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_AES256_SHA256, 0xa1, 0xd1, 0, 0, true, s.drbg);
  size_t max = ep_dp_tunnel_max_inner(s.g, s.gt);
  /* RFC 3602 / RFC 4868 / RFC 3948: 1400 - 20 (IPv4) - 8 (UDP) - 8 (SPI, sequence) -
   * 16 (IV) - 16 (ICV) = 1332 octets for the ciphertext, a multiple of 16: 1328, less the
   * 2-octet trailer (pad length, next header): 1326 */
  g_assert_cmpuint(max, ==, 1326);
  g_autoptr(GBytes) m1 = inner("10.1.0.5", "192.168.1.7", max, 4);
  g_assert_true(tx(s.g, m1));
  size_t olen;
  g_bytes_get_data(g_ptr_array_index(s.gn.wire, 0), &olen);
  g_assert_cmpuint(olen, <=, 1400);
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 1);
  g_autoptr(GBytes) m2 = inner("10.1.0.5", "192.168.1.7", max + 1, 5);
  g_assert_false(tx(s.g, m2));
  assert_frag_needed(g_ptr_array_index(s.gn.inside, 0), "10.1.255.30", "10.1.0.5", 1326, m2);
  teardown(&s);
}

/* The impairment fragmentInner (ep_impair.h): the 1,500-octet packet the tunnel refuses
 * above leaves in two RFC 791 fragments that fit, DF cleared, and nothing is dropped. */
static void test_fragment_impaired(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_AES256_SHA256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  ep_dp_tunnel_impair_fragment(s.g, s.gt);
  g_autoptr(GBytes) big = inner("10.1.0.5", "192.168.1.7", 1500, 2);
  g_assert_true(tx(s.g, big));
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 2);
  g_assert_cmpuint(s.dn.inside->len, ==, 2);
  size_t bn, off = 0;
  const uint8_t *b = g_bytes_get_data(big, &bn);
  for (guint i = 0; i < 2; i++) {
    size_t n;
    const uint8_t *f = g_bytes_get_data(g_ptr_array_index(s.dn.inside, i), &n);
    WireReader r = wire_reader(f, n);
    InetIpv4Header h;
    g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, WIRE_OK);
    g_assert_true(inet_ipv4_checksum_ok(f, h.ihl_bytes));
    g_assert_cmpuint(h.total_len, <=, 1400);
    g_assert_false(h.df);
    g_assert_cmpint(h.mf, ==, i == 0);
    g_assert_cmpuint(h.frag_offset * 8u, ==, off);
    g_assert_cmpmem(f + 20, n - 20, b + 20 + off, n - 20);
    off += n - 20;
  }
  g_assert_cmpuint(off, ==, bn - 20);
  const EpTunnelMetrics *m = ep_dp_tunnel_metrics(s.g, s.gt);
  g_assert_cmpuint(m->drops[EP_DROP_TOO_BIG], ==, 0);
  g_assert_cmpuint(m->icmp_frag_needed, ==, 0);
  teardown(&s);
}

/* A TCP SYN with an MSS option (RFC 9293 3.1, 3.2) and a correct checksum (pseudo-header,
 * RFC 9293 3.1). */
static GBytes *tcp_syn(const char *src, const char *dst, uint8_t flags, uint16_t mss)
{
  uint8_t p[44] = {0};
  WireWriter w;
  wire_writer_init_fixed(&w, p, sizeof p);
  InetIpv4Header h = {.total_len = 44, .ttl = 64, .proto = INET_PROTO_TCP, .src = tu_addr(src),
                      .dst = tu_addr(dst), .df = true};
  inet_ipv4_encode(&w, &h);
  wire_put_u16(&w, 40000);
  wire_put_u16(&w, 443);
  wire_put_u32(&w, 1000);
  wire_put_u32(&w, 0);
  wire_put_u8(&w, 6 << 4); /* data offset 6 words: one 4-octet option */
  wire_put_u8(&w, flags);
  wire_put_u16(&w, 65535);
  wire_put_u16(&w, 0); /* checksum, below */
  wire_put_u16(&w, 0);
  wire_put_u8(&w, 2); /* MSS */
  wire_put_u8(&w, 4);
  wire_put_u16(&w, mss);
  g_assert_true(wire_writer_ok(&w) && w.len == 44);
  uint8_t ph[12];
  wire_store_be32(ph, h.src.v);
  wire_store_be32(ph + 4, h.dst.v);
  ph[8] = 0;
  ph[9] = INET_PROTO_TCP;
  wire_store_be16(ph + 10, 24);
  wire_store_be16(p + 36, inet_checksum_fold(inet_checksum_add(inet_checksum_add(0, ph, 12), p + 20, 24)));
  return g_bytes_new(p, sizeof p);
}

/* The MSS option and whether the TCP checksum verifies. */
static uint16_t tcp_mss(GBytes *b, bool *ck_ok)
{
  size_t n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  g_assert_cmpuint(n, ==, 44);
  uint8_t ph[12];
  memcpy(ph, p + 12, 8);
  ph[8] = 0;
  ph[9] = INET_PROTO_TCP;
  wire_store_be16(ph + 10, 24);
  *ck_ok = inet_checksum_fold(inet_checksum_add(inet_checksum_add(0, ph, 12), p + 20, 24)) == 0;
  return wire_load_be16(p + 42);
}

static void test_mss_clamp(void)
{
  GwConfig *c = mk_config("VpnGw1");
  DevRuntimeConfig dc;
  dev_cfg_site1(&dc, false);
  dc.mss_clamp = 1350; /* facts 2.5 */
  Pair2 s;
  setup_with(&s, c, NULL, &dc);
  gw_config_free(c);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  bool ok;
  /* outbound from the LAN: a SYN with MSS 1460 leaves the device with 1350 */
  g_autoptr(GBytes) syn = tcp_syn("192.168.1.7", "10.1.0.5", 0x02, 1460);
  g_assert_cmpuint(tcp_mss(syn, &ok), ==, 1460);
  g_assert_true(ok);
  g_assert_true(tx(s.d, syn));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 1);
  g_assert_cmpuint(tcp_mss(g_ptr_array_index(s.gn.inside, 0), &ok), ==, 1350);
  g_assert_true(ok);
  g_assert_cmpuint(tcp_mss(syn, &ok), ==, 1460); /* the caller's packet is not touched */
  /* a smaller MSS and a segment that is not a SYN pass unchanged */
  g_autoptr(GBytes) small = tcp_syn("192.168.1.7", "10.1.0.5", 0x02, 1200);
  g_autoptr(GBytes) ack = tcp_syn("192.168.1.7", "10.1.0.5", 0x10, 1460);
  g_assert_true(tx(s.d, small));
  g_assert_true(tx(s.d, ack));
  g_assert_cmpuint(carry(&s.dn, s.g), ==, 2);
  g_assert_true(g_bytes_equal(g_ptr_array_index(s.gn.inside, 1), small));
  g_assert_true(g_bytes_equal(g_ptr_array_index(s.gn.inside, 2), ack));
  /* inbound: the gateway (no clamping) sends a SYN-ACK with 1460; the device lowers it */
  g_autoptr(GBytes) synack = tcp_syn("10.1.0.5", "192.168.1.7", 0x12, 1460);
  g_assert_true(tx(s.g, synack));
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 1);
  g_assert_cmpuint(tcp_mss(g_ptr_array_index(s.dn.inside, 0), &ok), ==, 1350);
  g_assert_true(ok);
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.d, s.dt)->mss_clamped, ==, 2);
  g_assert_cmpuint(ep_dp_metrics(s.g)->total.mss_clamped, ==, 0);
  teardown(&s);
}

static void test_natt(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, true, s.drbg);
  g_autoptr(GBytes) a = inner("10.1.0.5", "192.168.1.7", 500, 1);
  g_assert_true(tx(s.g, a));
  size_t n;
  const uint8_t *o = g_bytes_get_data(g_ptr_array_index(s.gn.wire, 0), &n);
  const EpOuterPacket *op = g_bytes_get_data(g_ptr_array_index(s.gn.sent_ops, 0), NULL);
  g_assert_cmpuint(op->proto, ==, INET_PROTO_UDP);
  g_assert_cmpuint(op->sport, ==, 4500);
  g_assert_cmpuint(op->dport, ==, 4500);
  /* RFC 3948 2.1: UDP header (ports 4500, length, checksum 0), then the SPI */
  g_assert_cmpuint(o[9], ==, INET_PROTO_UDP);
  g_assert_cmpuint(wire_load_be16(o + 20), ==, 4500);
  g_assert_cmpuint(wire_load_be16(o + 22), ==, 4500);
  g_assert_cmpuint(wire_load_be16(o + 24), ==, n - 20);
  g_assert_cmpuint(wire_load_be16(o + 26), ==, 0);
  g_assert_cmphex(wire_load_be32(o + 28), ==, 0xd1);
  g_assert_cmpuint(carry(&s.gn, s.d), ==, 1);
  assert_inside(&s.dn, 0, a);
  /* the socket form: the UDP payload as a port-4500 socket gives it */
  g_autoptr(GBytes) b = inner("192.168.1.7", "10.1.0.5", 500, 2);
  g_assert_true(tx(s.d, b));
  o = g_bytes_get_data(g_ptr_array_index(s.dn.wire, 0), &n);
  g_assert_cmpint(ep_dp_rx_udp4500(s.g, tu_addr("198.51.100.20"), 4500, o + 28, n - 28), ==,
                  EP_RX_DELIVERED);
  assert_inside(&s.gn, 0, b);
  g_ptr_array_set_size(s.dn.wire, 0);
  /* RFC 3948 2.3 keepalive and 2.2 non-ESP marker (IKE) on port 4500 */
  static const uint8_t ka[] = {0xff};
  g_assert_cmpint(ep_dp_rx_udp4500(s.g, tu_addr("198.51.100.20"), 4500, ka, 1), ==, EP_RX_KEEPALIVE);
  static const uint8_t ike[32] = {0};
  g_assert_cmpint(ep_dp_rx_udp4500(s.g, tu_addr("198.51.100.20"), 4500, ike, sizeof ike), ==,
                  EP_RX_IKE);
  g_assert_cmpuint(ep_dp_metrics(s.g)->natt_keepalives, ==, 1);
  g_assert_cmpuint(ep_dp_metrics(s.g)->ike_datagrams, ==, 1);
  /* the raw protocol-50 socket form */
  ep_dp_tunnel_down(s.g, s.gt, "test");
  ep_dp_tunnel_down(s.d, s.dt, "test");
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa2, 0xd2, 0, 0, false, s.drbg);
  g_assert_true(tx(s.d, b));
  o = g_bytes_get_data(g_ptr_array_index(s.dn.wire, 0), &n);
  g_assert_cmpint(ep_dp_rx_esp(s.g, tu_addr("198.51.100.20"), tu_addr("203.0.113.10"), o + 20, n - 20), ==,
                  EP_RX_DELIVERED);
  g_assert_cmpint(ep_dp_rx_esp(s.g, tu_addr("198.51.100.20"), tu_addr("203.0.113.99"), o + 20, n - 20), ==,
                  EP_RX_DROPPED);
  g_assert_cmpuint(ep_dp_metrics(s.g)->total.drops[EP_DROP_NOT_FOR_US], ==, 1);
  teardown(&s);
}

/* RFC 7296 2.23 in the data plane: an ESP-in-UDP packet that passes its ICV, is the
 * newest of its SA and comes from another port than the tunnel sends to is reported to
 * the IKE side (peer_moved), which moves the tunnel (ep_dp_tunnel_set_peer); a packet
 * that fails its ICV, a held-back older one, one from the port already in use and raw
 * ESP are not reported. */
static void test_natt_peer_moved(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa1, 0xd1, 0, 0, true, s.drbg);
  Ipv4Addr site = tu_addr("198.51.100.20");
  GBytes *pk[3];
  for (int i = 0; i < 3; i++) {
    g_autoptr(GBytes) b = inner("192.168.1.7", "10.1.0.5", 100, (uint16_t)(i + 1));
    g_assert_true(tx(s.d, b));
    pk[i] = g_bytes_ref(g_ptr_array_index(s.dn.wire, i));
  }
  g_ptr_array_set_size(s.dn.wire, 0);
  size_t n;
  const uint8_t *o;
  /* the port in use: nothing to report */
  o = g_bytes_get_data(pk[1], &n);
  g_assert_cmpint(ep_dp_rx_udp4500(s.g, site, 4500, o + 28, n - 28), ==, EP_RX_DELIVERED);
  g_assert_cmpuint(s.gn.moved, ==, 0);
  /* authentic but older than the newest seen (held back): not reported */
  o = g_bytes_get_data(pk[0], &n);
  g_assert_cmpint(ep_dp_rx_udp4500(s.g, site, 40002, o + 28, n - 28), ==, EP_RX_DELIVERED);
  g_assert_cmpuint(s.gn.moved, ==, 0);
  /* the newest, from a new port, but its ICV broken: dropped, not reported */
  o = g_bytes_get_data(pk[2], &n);
  g_autofree uint8_t *bad = g_memdup2(o, n);
  bad[n - 1] ^= 0x80;
  g_assert_cmpint(ep_dp_rx_udp4500(s.g, site, 40002, bad + 28, n - 28), ==, EP_RX_DROPPED);
  g_assert_cmpuint(s.gn.moved, ==, 0);
  /* the genuine one: reported */
  g_assert_cmpint(ep_dp_rx_udp4500(s.g, site, 40002, o + 28, n - 28), ==, EP_RX_DELIVERED);
  g_assert_cmpuint(s.gn.moved, ==, 1);
  g_assert_cmpuint(s.gn.moved_port, ==, 40002);
  /* the data plane does not move by itself; once told, it sends there */
  Ipv4Addr a;
  uint16_t port;
  g_assert_true(ep_dp_tunnel_peer(s.g, s.gt, &a, &port));
  g_assert_cmpuint(port, ==, 4500);
  g_assert_true(ep_dp_tunnel_set_peer(s.g, s.gt, site, 40002));
  g_assert_true(ep_dp_tunnel_peer(s.g, s.gt, &a, &port));
  g_assert_cmpuint(port, ==, 40002);
  g_assert_cmphex(a.v, ==, site.v);
  g_autoptr(GBytes) back = inner("10.1.0.5", "192.168.1.7", 100, 9);
  g_assert_true(tx(s.g, back));
  const EpOuterPacket *op = g_bytes_get_data(g_ptr_array_index(s.gn.sent_ops, 0), NULL);
  g_assert_cmpuint(op->dport, ==, 40002);
  g_assert_cmpuint(op->sport, ==, 4500);
  g_assert_cmphex(op->dst.v, ==, site.v);
  o = g_bytes_get_data(g_ptr_array_index(s.gn.wire, 0), &n);
  g_assert_cmpuint(wire_load_be16(o + 22), ==, 40002); /* RFC 768: destination port */
  g_assert_false(ep_dp_tunnel_set_peer(s.g, 99, site, 1));
  for (int i = 0; i < 3; i++)
    g_bytes_unref(pk[i]);
  /* raw ESP (no NAT between them) never reports */
  ep_dp_tunnel_down(s.g, s.gt, "test");
  ep_dp_tunnel_down(s.d, s.dt, "test");
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_GCMAES256, 0xa2, 0xd2, 0, 0, false, s.drbg);
  g_autoptr(GBytes) r = inner("192.168.1.7", "10.1.0.5", 100, 10);
  g_assert_true(tx(s.d, r));
  o = g_bytes_get_data(g_ptr_array_index(s.dn.wire, 0), &n);
  g_assert_cmpint(ep_dp_rx_esp(s.g, tu_addr("198.51.100.99"), tu_addr("203.0.113.10"), o + 20,
                               n - 20), ==, EP_RX_DELIVERED);
  g_assert_cmpuint(s.gn.moved, ==, 1);
  teardown(&s);
}

/* An outer packet: IPv4 header from the device to the gateway with 'payload'. */
static GBytes *outer(uint8_t proto, const uint8_t *payload, size_t n, bool mf, const char *dst)
{
  WireWriter w;
  wire_writer_init(&w);
  InetIpv4Header h = {.total_len = (uint16_t)(20 + n), .ttl = 64, .proto = proto, .mf = mf,
                      .src = tu_addr("198.51.100.20"), .dst = tu_addr(dst)};
  inet_ipv4_encode(&w, &h);
  wire_put_bytes(&w, payload, n);
  size_t len;
  uint8_t *b = wire_writer_steal(&w, &len);
  return g_bytes_new_take(b, len);
}

static void test_malformed_outer(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  install(s.g, s.gt, s.d, s.dt, EP_ALGSET_AES256_SHA256, 0xa1, 0xd1, 0, 0, false, s.drbg);
  g_autoptr(GBytes) b = inner("192.168.1.7", "10.1.0.5", 300, 1);
  g_assert_true(tx(s.d, b));
  g_autoptr(GBytes) good = g_bytes_ref(g_ptr_array_index(s.dn.wire, 0));
  g_ptr_array_set_size(s.dn.wire, 0);
  size_t gn;
  const uint8_t *gp = g_bytes_get_data(good, &gn);
  const EpNodeMetrics *m = ep_dp_metrics(s.g);
  /* every truncation of a valid packet is dropped, never a crash */
  for (size_t n = 0; n < gn; n++) {
    g_autofree uint8_t *cut = g_memdup2(gp, n); /* exact size, for ASan */
    g_assert_cmpint(ep_dp_rx_outer(s.g, cut, n), ==, EP_RX_DROPPED);
  }
  /* every single-octet corruption is dropped (header checksum or ICV) */
  g_autofree uint8_t *c = g_memdup2(gp, gn);
  for (size_t i = 0; i < gn; i++) {
    c[i] ^= 0x5a;
    g_assert_cmpint(ep_dp_rx_outer(s.g, c, gn), ==, EP_RX_DROPPED);
    c[i] ^= 0x5a;
  }
  g_assert_cmpuint(s.gn.inside->len, ==, 0);
  /* and the original still passes afterwards (the replay window was not moved) */
  g_assert_cmpint(ep_dp_rx_outer(s.g, gp, gn), ==, EP_RX_DELIVERED);
  g_assert_cmpint(ep_dp_rx_outer(s.g, gp, gn), ==, EP_RX_DROPPED); /* a replay */
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, s.gt)->esp_drops[ESP_ERR_REPLAY], ==, 1);
  g_assert_cmpuint(m->total.esp_drops[ESP_ERR_ICV], >, 0);
  g_assert_cmpuint(m->total.drops[EP_DROP_OUTER_CHECKSUM], >, 0);
  g_assert_cmpuint(m->total.drops[EP_DROP_OUTER_MALFORMED], >, 0);

  /* a table of bad packets and the reason each is counted under */
  static const uint8_t spi_unknown[16] = {0, 0, 0x12, 0x34, 0, 0, 0, 1};
  static const uint8_t spi_zero[16] = {0, 0, 0, 0, 0, 0, 0, 1};
  static const uint8_t short_esp[4] = {0, 0, 0, 0xa1};
  uint8_t udp500[16] = {0x11, 0x94, 0x01, 0xf4, 0, 16, 0, 0, 0, 0, 0, 0xa1};
  uint8_t udp_lie[16] = {0x11, 0x94, 0x11, 0x94, 0, 40, 0, 0, 0, 0, 0, 0xa1};
  uint8_t udp_short[4] = {0x11, 0x94, 0x11, 0x94};
  struct {
    const char *what;
    GBytes *pkt;
    EpDropReason reason;
    EspStatus es;
  } cases[] = {
      {"unknown SPI", outer(INET_PROTO_ESP, spi_unknown, 16, false, "203.0.113.10"),
       EP_DROP_ESP, ESP_ERR_UNKNOWN_SPI},
      {"SPI 0", outer(INET_PROTO_ESP, spi_zero, 16, false, "203.0.113.10"), EP_DROP_ESP,
       ESP_ERR_MALFORMED},
      {"ESP shorter than its header", outer(INET_PROTO_ESP, short_esp, 4, false, "203.0.113.10"),
       EP_DROP_ESP, ESP_ERR_TRUNCATED},
      {"outer fragment", outer(INET_PROTO_ESP, spi_unknown, 16, true, "203.0.113.10"),
       EP_DROP_OUTER_FRAGMENT, ESP_OK},
      {"not our address", outer(INET_PROTO_ESP, spi_unknown, 16, false, "203.0.113.11"),
       EP_DROP_NOT_FOR_US, ESP_OK},
      {"TCP", outer(INET_PROTO_TCP, spi_unknown, 16, false, "203.0.113.10"), EP_DROP_NOT_ESP,
       ESP_OK},
      {"UDP to port 500", outer(INET_PROTO_UDP, udp500, 16, false, "203.0.113.10"),
       EP_DROP_NOT_ESP, ESP_OK},
      {"UDP length lies", outer(INET_PROTO_UDP, udp_lie, 16, false, "203.0.113.10"),
       EP_DROP_OUTER_MALFORMED, ESP_OK},
      {"UDP header cut", outer(INET_PROTO_UDP, udp_short, 4, false, "203.0.113.10"),
       EP_DROP_OUTER_MALFORMED, ESP_OK},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    EpNodeMetrics before = *m;
    size_t n;
    const uint8_t *p = g_bytes_get_data(cases[i].pkt, &n);
    g_test_message("case: %s", cases[i].what);
    g_assert_cmpint(ep_dp_rx_outer(s.g, p, n), ==, EP_RX_DROPPED);
    g_assert_cmpuint(m->total.drops[cases[i].reason], ==, before.total.drops[cases[i].reason] + 1);
    g_assert_cmpuint(m->total.drop_count, ==, before.total.drop_count + 1);
    if (cases[i].reason == EP_DROP_ESP)
      g_assert_cmpuint(m->total.esp_drops[cases[i].es], ==, before.total.esp_drops[cases[i].es] + 1);
    g_bytes_unref(cases[i].pkt);
  }
  /* version 6, IHL 4, total length beyond the buffer */
  g_autofree uint8_t *h = g_memdup2(gp, gn);
  h[0] = 0x65;
  g_assert_cmpint(ep_dp_rx_outer(s.g, h, gn), ==, EP_RX_DROPPED);
  h[0] = 0x44;
  g_assert_cmpint(ep_dp_rx_outer(s.g, h, gn), ==, EP_RX_DROPPED);
  g_assert_cmpuint(s.gn.inside->len, ==, 1);
  /* an inner packet from the inside that is not IPv4 */
  static const uint8_t junk[40] = {0x60};
  g_assert_false(ep_dp_tx_inner(s.g, junk, sizeof junk));
  g_assert_cmpuint(m->total.drops[EP_DROP_INNER_MALFORMED], ==, 1);
  teardown(&s);
}

static void test_gateway_build(void)
{
  GwConfig *c = mk_config("VpnGw1");
  /* an IKEv1 connection gets its tunnel like any other (its engine is gw_ike's) */
  GwConnection *k = &c->connections[c->n_connections++];
  k->name = S("conn-v1");
  k->virtualNetworkGateway1 = S("vgw1");
  k->localNetworkGateway2 = S("site1");
  k->connectionProtocol = (GwEnum){.set = true, .v = GW_IKEV1};
  /* a policy-based connection without trafficSelectorPolicies: VNet x LNG prefixes */
  c->connections[1].usePolicyBasedTrafficSelectors = (GwBool){.set = true, .v = true};
  Clock clk = {.timers = g_array_new(FALSE, FALSE, sizeof(Timer))};
  Node n;
  node_init(&n, &clk, NULL);
  char *err = NULL;
  GwGateway *gw = gw_gateway_new(c, "vgw1", &n.env, NULL, &err);
  g_assert_nonnull(gw);
  EpDp *dp = gw_gateway_dp(gw);
  g_assert_cmpuint(ep_dp_n_tunnels(dp), ==, 3);
  g_assert_cmpint(gw_gateway_tunnel(gw, "conn-v1"), ==, 2);
  g_assert_cmpuint(count_events(&n, GW_EV_CONNECTION_REFUSED, NULL), ==, 0);
  g_assert_cmpstr(gw_gateway_sku(gw)->name, ==, "VpnGw1");
  g_assert_cmphex(gw_gateway_public_ip(gw).v, ==, tu_addr("203.0.113.10").v);
  g_assert_cmphex(gw_gateway_inside_ip(gw).v, ==, tu_addr("10.1.255.30").v);
  g_assert_cmpstr(ep_dp_tunnel_name(dp, 1), ==, "conn2");
  gw_gateway_free(gw);
  /* errors */
  g_assert_null(gw_gateway_new(c, "nope", &n.env, NULL, &err));
  g_assert_nonnull(err);
  g_clear_pointer(&err, g_free);
  /* active-active (facts 8): instance 1 has the second public IP */
  c->virtualNetworkGateways[0].activeActive = (GwBool){.set = true, .v = true};
  c->virtualNetworkGateways[0].publicIpAddresses[1] = (GwIp){.set = true, .v = tu_addr("203.0.113.11")};
  c->virtualNetworkGateways[0].n_publicIpAddresses = 2;
  GwGatewayOptions i1 = {.instance = 1};
  gw = gw_gateway_new(c, "vgw1", &n.env, &i1, &err);
  g_assert_nonnull(gw);
  g_assert_cmphex(gw_gateway_public_ip(gw).v, ==, tu_addr("203.0.113.11").v);
  g_assert_cmpuint(gw_gateway_instance(gw), ==, 1);
  gw_gateway_free(gw);
  c->virtualNetworkGateways[0].n_publicIpAddresses = 1;
  c->virtualNetworkGateways[0].activeActive = (GwBool){0};
  c->virtualNetworkGateways[0].sku = S("VpnGw9");
  g_assert_null(gw_gateway_new(c, "vgw1", &n.env, NULL, &err));
  g_clear_pointer(&err, g_free);
  c->virtualNetworkGateways[0].sku = S("VpnGw1");
  c->virtualNetworks[0].n_subnets = 0;
  g_assert_null(gw_gateway_new(c, "vgw1", &n.env, NULL, &err));
  g_clear_pointer(&err, g_free);
  gw_config_free(c);
  node_clear(&n);
  g_array_unref(clk.timers);
}

static void test_lifetime_events(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  ep_dp_start(s.g);
  Keys k;
  keys_draw(s.drbg, &k);
  EpChildSaPair p = {.out = sa_cfg(EP_ALGSET_GCMAES256, 0xd1, &k, 0),
                     .in = sa_cfg(EP_ALGSET_GCMAES256, 0xa1, &k, 1)};
  p.out.lifetime = (EspLifetime){.soft_seconds = 3, .hard_seconds = 5};
  g_assert_true(ep_dp_sa_install(s.g, s.gt, &p, NULL));
  clock_advance(&s.clk, 2500000000);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_expired", NULL), ==, 0);
  clock_advance(&s.clk, 3500000000);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_expired", NULL), ==, 1);
  clock_advance(&s.clk, 6000000000);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_expired", NULL), ==, 2);
  /* the hard-expired SA carries nothing more */
  g_autoptr(GBytes) a = inner("10.1.0.5", "192.168.1.7", 100, 1);
  g_assert_false(tx(s.g, a));
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, s.gt)->esp_drops[ESP_ERR_EXPIRED], ==, 1);
  teardown(&s);
}

typedef struct {
  GArray *seen; /* EpSaExpiry */
  EpDp *dp;
  bool delete_on_hard;
} Hook;

static void hook_fn(void *user, const EpSaExpiry *e)
{
  Hook *h = user;
  g_array_append_val(h->seen, *e);
  /* the IKE side ends the child on a hard limit: safe here, no packet is in flight */
  if (h->delete_on_hard && e->kind == EP_SA_HARD_EXPIRED)
    g_assert_true(ep_dp_sa_delete(h->dp, e->tunnel, e->in_spi, "hard lifetime"));
}

/* Volume lifetimes reach the tunnel's owner through a typed hook (RFC 7296 2.8: the soft
 * limit starts a rekey, the hard one ends the SA), right after the packet that crossed
 * the limit, never from inside the SAD. */
static void test_expiry_hook(void)
{
  Pair2 s;
  setup(&s, "VpnGw1", NULL);
  Hook h = {.seen = g_array_new(FALSE, FALSE, sizeof(EpSaExpiry)), .dp = s.g,
            .delete_on_hard = true};
  ep_dp_tunnel_set_expiry_hook(s.g, s.gt, hook_fn, &h);
  Keys k;
  keys_draw(s.drbg, &k);
  EpChildSaPair p = {.out = sa_cfg(EP_ALGSET_AES256_SHA256, 0xd1, &k, 0),
                     .in = sa_cfg(EP_ALGSET_AES256_SHA256, 0xa1, &k, 1)};
  /* kilobytes of inner data: soft at 2, hard at 4 */
  p.out.lifetime = p.in.lifetime = (EspLifetime){.soft_kbytes = 2, .hard_kbytes = 4};
  g_assert_true(ep_dp_sa_install(s.g, s.gt, &p, NULL));
  g_autoptr(GBytes) a = inner("10.1.0.5", "192.168.1.7", 1000, 1);
  g_assert_true(tx(s.g, a));
  g_assert_true(tx(s.g, a));
  g_assert_true(tx(s.g, a)); /* 3,000 octets: 2 KB */
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_expired", NULL), ==, 1);
  g_assert_cmpuint(h.seen->len, ==, 0); /* not from inside the packet's processing */
  clock_advance(&s.clk, s.clk.now);
  g_assert_cmpuint(h.seen->len, ==, 1);
  EpSaExpiry e = g_array_index(h.seen, EpSaExpiry, 0);
  g_assert_cmpint(e.kind, ==, EP_SA_SOFT_EXPIRED);
  g_assert_cmpint(e.tunnel, ==, s.gt);
  g_assert_cmphex(e.spi, ==, 0xd1);
  g_assert_cmpint(e.dir, ==, ESP_DIR_OUT);
  g_assert_cmphex(e.in_spi, ==, 0xa1);
  g_assert_cmphex(e.out_spi, ==, 0xd1);
  g_assert_cmpuint(e.life, ==, ESP_LIFE_SOFT_BYTES);
  /* no rekey came: the hard limit, and the owner ends the pair (the tunnel is down) */
  g_assert_true(tx(s.g, a));
  g_assert_true(tx(s.g, a)); /* 5,000 octets: 4 KB, this one still leaves */
  g_assert_false(tx(s.g, a)); /* expired */
  g_assert_cmpuint(ep_dp_tunnel_metrics(s.g, s.gt)->esp_drops[ESP_ERR_EXPIRED], ==, 1);
  clock_advance(&s.clk, s.clk.now);
  g_assert_cmpuint(h.seen->len, ==, 2);
  e = g_array_index(h.seen, EpSaExpiry, 1);
  g_assert_cmpint(e.kind, ==, EP_SA_HARD_EXPIRED);
  g_assert_cmpuint(e.life, ==, ESP_LIFE_HARD_BYTES);
  g_assert_false(ep_dp_tunnel_up(s.g, s.gt));
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.disconnected", "hard lifetime"), ==, 1);
  /* a removed hook hears nothing more, and a limit crossed just before is dropped */
  p.out.spi = 0xd2, p.in.spi = 0xa2;
  g_assert_true(ep_dp_sa_install(s.g, s.gt, &p, NULL));
  for (int i = 0; i < 3; i++)
    g_assert_true(tx(s.g, a));
  ep_dp_tunnel_set_expiry_hook(s.g, s.gt, NULL, NULL);
  clock_advance(&s.clk, s.clk.now + 1);
  g_assert_cmpuint(h.seen->len, ==, 2);
  g_assert_cmpuint(count_events(&s.gn, "gw.tunnel.sa_expired", NULL), ==, 3);
  g_array_unref(h.seen);
  teardown(&s);
}

static void test_bucket(void)
{
  EpTokenBucket b;
  ep_bucket_init(&b, 1000, 10, 1, 0); /* 1000 units/s, burst 10 */
  for (int i = 0; i < 10; i++) {
    g_assert_true(ep_bucket_can(&b, 0, 1));
    ep_bucket_take(&b, 1);
  }
  g_assert_false(ep_bucket_can(&b, 0, 1));
  g_assert_false(ep_bucket_can(&b, 999999, 1)); /* just under 1 ms: not yet one unit */
  g_assert_true(ep_bucket_can(&b, 1000000, 1));
  ep_bucket_take(&b, 1);
  g_assert_false(ep_bucket_can(&b, 1000000, 1));
  g_assert_false(ep_bucket_can(&b, 10000000000, 11)); /* above the depth: never */
  g_assert_true(ep_bucket_can(&b, 10000000000, 10)); /* refilled to the depth only */
  /* default depth: one millisecond of rate, at least min_depth */
  ep_bucket_init(&b, 650000000, 0, 524280, 0);
  g_assert_cmpuint(b.depth, ==, 650000);
  ep_bucket_init(&b, 100, 0, 1, 0);
  g_assert_cmpuint(b.depth, ==, 1);
  /* rate 0: no limit */
  ep_bucket_init(&b, 0, 0, 1, 0);
  g_assert_true(ep_bucket_can(&b, 0, UINT32_MAX));
  /* a very long gap with a large rate does not overflow */
  ep_bucket_init(&b, 10000000000ull, 0, 1, 0);
  ep_bucket_take(&b, b.depth);
  g_assert_true(ep_bucket_can(&b, INT64_MAX / 2, b.depth));
}

static void test_names(void)
{
  for (int r = 0; r < EP_DROP__COUNT; r++)
    g_assert_nonnull(name_get(&ep_drop_reason_names, r));
  g_assert_cmpstr(name_get(&ep_rx_result_names, EP_RX_IKE), ==, "ike");
  for (int k = 0; k < EP_SA_EXPIRY__COUNT; k++)
    g_assert_nonnull(name_get(&ep_sa_expiry_kind_names, k));
  g_assert_cmpint(ep_dp_algset(ENCR_AES_GCM_16), ==, EP_ALGSET_GCMAES256);
  g_assert_cmpint(ep_dp_algset(ENCR_AES_CBC), ==, EP_ALGSET_AES256_SHA256);
  g_assert_cmpint(ep_dp_algset(ENCR_3DES), ==, EP_ALGSET_DES3_SHA256);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/gateway/runtime/both_ways", test_both_ways);
  g_test_add_func("/gateway/runtime/routes", test_routes);
  g_test_add_func("/gateway/runtime/ts_mismatch_route_based", test_ts_mismatch_route_based);
  g_test_add_func("/gateway/runtime/ts_policy_based", test_ts_policy_based);
  g_test_add_func("/gateway/runtime/transit", test_transit);
  g_test_add_func("/gateway/runtime/rekey_without_loss", test_rekey_without_loss);
  g_test_add_func("/gateway/runtime/caps", test_caps);
  g_test_add_func("/gateway/runtime/no_fragmentation", test_no_fragmentation);
  g_test_add_func("/gateway/runtime/fragment_impaired", test_fragment_impaired);
  g_test_add_func("/gateway/runtime/mss_clamp", test_mss_clamp);
  g_test_add_func("/gateway/runtime/natt", test_natt);
  g_test_add_func("/gateway/runtime/natt_peer_moved", test_natt_peer_moved);
  g_test_add_func("/gateway/runtime/malformed_outer", test_malformed_outer);
  g_test_add_func("/gateway/runtime/build", test_gateway_build);
  g_test_add_func("/gateway/runtime/lifetime_events", test_lifetime_events);
  g_test_add_func("/gateway/runtime/expiry_hook", test_expiry_hook);
  g_test_add_func("/gateway/shaper/bucket", test_bucket);
  g_test_add_func("/gateway/runtime/names", test_names);
  return g_test_run();
}
