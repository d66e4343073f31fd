/* SPDX-License-Identifier: MIT */
/* Tests of the gateway's NAT rules on a data plane (gw_nat.h): two data planes joined by a
 * fake wire, one child SA pair (AES-256-GCM-16), echo requests and replies through
 * Static and Dynamic, IngressSnat and EgressSnat rules; which instance a rule applies on;
 * the faults; the prefix mapping the routes use. */
#include "models/common/inet.h"
#include "models/gateway/gw_nat.h"

#include <glib.h>
#include <string.h>

static const uint8_t KEY[36] = "test-key-test-key-test-key-test-key";
static uint8_t outer[2048], inner[2048];
static size_t outer_len, inner_len;
static unsigned delivered;
static int64_t clk;

static int64_t t_now(void *u)
{
  (void)u;
  return clk;
}

static void t_send(void *u, const EpOuterPacket *p)
{
  (void)u;
  memcpy(outer, p->packet, p->len);
  outer_len = p->len;
}

static void t_deliver(void *u, const uint8_t *pkt, size_t len)
{
  (void)u;
  memcpy(inner, pkt, len);
  inner_len = len;
  delivered++;
}

static const EpDpEventTypes types = {0};
static const EpEnv env = {.now = t_now, .send_outer = t_send, .deliver_inner = t_deliver};

static Ipv4Prefix P(const char *s)
{
  Ipv4Prefix p;
  g_assert_cmpint(ipv4_prefix_parse(s, &p), ==, 0);
  return p;
}

static Ipv4Addr A(const char *s)
{
  Ipv4Addr a;
  g_assert_cmpint(ipv4_addr_parse(s, &a), ==, 0);
  return a;
}

static EpDp *side(const char *me, const char *peer, const char *lan, const char *remote)
{
  EpDpConfig c = {.node = "t", .public_ip = A(me), .inside_ip = A(me), .n_local_prefixes = 1,
                  .events = &types};
  c.local_prefixes[0] = P(lan);
  EpDp *dp = ep_dp_new(&c, &env);
  EpDpTunnelConfig t = {.name = "c1", .remote_public = A(peer), .n_remote_prefixes = 1};
  t.remote_prefixes[0] = P(remote);
  ep_dp_tunnel_add(dp, &t);
  return dp;
}

typedef struct {
  EpDp *gw, *dev;
  GwVirtualNetworkGateway g;
  GwConnection conn;
  GwNat *nat;
} Pair;

static GwNatRule *rule(Pair *x, const char *name, GwNatType type, GwNatMode mode, const char *in,
                       const char *ex)
{
  GwNatRule *r = &x->g.natRules[x->g.n_natRules++];
  r->name = (GwStr){.set = true, .v = name};
  r->type = (GwEnum){.set = true, .v = type};
  r->mode = (GwEnum){.set = true, .v = mode};
  r->internalMappings[r->n_internalMappings++].v = P(in);
  r->externalMappings[r->n_externalMappings++].v = P(ex);
  if (mode == GW_NAT_INGRESS_SNAT)
    x->conn.ingressNatRules[x->conn.n_ingressNatRules++] = r->name;
  else
    x->conn.egressNatRules[x->conn.n_egressNatRules++] = r->name;
  return r;
}

/* The gateway (VNet 10.1.0.0/16, routes dev_seen into the tunnel) and the device (LAN
 * 192.168.1.0/24, routes vnet_seen into the tunnel); rules attached by start(). */
static void pair_init(Pair *x, const char *dev_seen, const char *vnet_seen)
{
  memset(x, 0, sizeof *x);
  x->gw = side("203.0.113.10", "198.51.100.20", "10.1.0.0/16", dev_seen);
  x->dev = side("198.51.100.20", "203.0.113.10", "192.168.1.0/24", vnet_seen);
  x->g.name = (GwStr){.set = true, .v = "vgw1"};
  x->conn.name = (GwStr){.set = true, .v = "c1"};
}

static void start(Pair *x, unsigned instance, uint32_t faults)
{
  x->nat = gw_nat_new(&x->g, instance, &env, "vgw1/0", faults);
  gw_nat_attach(x->nat, x->gw, 0, &x->conn);
  EspSaConfig c = {.spi = 0x1234, .encr = ENCR_AES_GCM_16, .encr_key_bits = 256,
                   .encr_key = KEY, .encr_key_len = 36};
  EpChildSaPair p = {.out = c, .in = c};
  p.in.spi = 0x5678;
  EpChildSaPair q = {.out = p.in, .in = p.out};
  g_assert_true(ep_dp_sa_install(x->gw, 0, &p, NULL));
  g_assert_true(ep_dp_sa_install(x->dev, 0, &q, NULL));
}

static void pair_free(Pair *x)
{
  gw_nat_free(x->nat);
  ep_dp_free(x->gw);
  ep_dp_free(x->dev);
}

/* An echo request from src to dst into 'from'; true when the other side delivered it
 * (then inner holds it, with valid checksums). */
static bool send(EpDp *from, EpDp *to, const char *src, const char *dst, uint8_t type,
                 uint16_t ident)
{
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, type, A(src), A(dst), 1, ident, 1, "abcd", 4);
  unsigned before = delivered;
  bool ok = ep_dp_tx_inner(from, w.buf, w.len) && ep_dp_rx_outer(to, outer, outer_len) == EP_RX_DELIVERED;
  wire_writer_clear(&w);
  ok = ok && delivered == before + 1;
  if (ok) { /* the checksums: IPv4 header and ICMP message sum to 0xffff */
    g_assert_cmpuint(inet_checksum(inner, 20), ==, 0);
    g_assert_cmpuint(inet_checksum(inner + 20, inner_len - 20), ==, 0);
  }
  return ok;
}

static void assert_addrs(const char *src, const char *dst)
{
  char a[IPV4_ADDR_STRLEN], b[IPV4_ADDR_STRLEN];
  Ipv4Addr s = {wire_load_be32(inner + 12)}, d = {wire_load_be32(inner + 16)};
  g_assert_cmpstr(ipv4_addr_format(s, a), ==, src);
  g_assert_cmpstr(ipv4_addr_format(d, b), ==, dst);
}

/* Static EgressSnat: the VNet's source out, the destination back in; counters. */
static void test_static_egress(void)
{
  Pair x;
  pair_init(&x, "192.168.1.0/24", "100.64.0.0/16");
  rule(&x, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/16", "100.64.0.0/16");
  start(&x, 0, 0);
  g_assert_true(send(x.gw, x.dev, "10.1.2.3", "192.168.1.7", ICMP_ECHO_REQUEST, 9));
  assert_addrs("100.64.2.3", "192.168.1.7");
  g_assert_true(send(x.dev, x.gw, "192.168.1.7", "100.64.2.3", ICMP_ECHO_REPLY, 9));
  assert_addrs("192.168.1.7", "10.1.2.3");
  /* a flow the site starts is translated too: Static is stateless both ways */
  g_assert_true(send(x.dev, x.gw, "192.168.1.7", "100.64.9.9", ICMP_ECHO_REQUEST, 3));
  assert_addrs("192.168.1.7", "10.1.9.9");
  const NatCounters *c = gw_nat_rule_counters(x.nat, 0);
  g_assert_cmpuint(c->translated_out, ==, 1);
  g_assert_cmpuint(c->translated_in, ==, 2);
  pair_free(&x);
}

/* Static IngressSnat (and an EgressSnat for the overlap): the site's source in, the
 * destination out. */
static void test_static_ingress_overlap(void)
{
  Pair x;
  pair_init(&x, "100.65.0.0/16", "100.64.0.0/16");
  ep_dp_free(x.dev); /* the site uses the VNet's space */
  x.dev = side("198.51.100.20", "203.0.113.10", "10.1.0.0/16", "100.64.0.0/16");
  rule(&x, "in1", GW_NAT_STATIC, GW_NAT_INGRESS_SNAT, "10.1.0.0/16", "100.65.0.0/16");
  rule(&x, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/16", "100.64.0.0/16");
  start(&x, 0, 0);
  g_assert_true(send(x.dev, x.gw, "10.1.1.10", "100.64.1.4", ICMP_ECHO_REQUEST, 5));
  assert_addrs("100.65.1.10", "10.1.1.4");
  g_assert_true(send(x.gw, x.dev, "10.1.1.4", "100.65.1.10", ICMP_ECHO_REPLY, 5));
  assert_addrs("100.64.1.4", "10.1.1.10");
  pair_free(&x);
}

/* Dynamic EgressSnat: NAPT from the pool; the external side cannot start a flow. */
static void test_dynamic(void)
{
  Pair x;
  pair_init(&x, "192.168.1.0/24", "100.64.0.0/28");
  rule(&x, "d1", GW_NAT_DYNAMIC, GW_NAT_EGRESS_SNAT, "10.1.1.0/28", "100.64.0.0/28");
  start(&x, 0, 0);
  g_assert_true(send(x.dev, x.gw, "192.168.1.7", "100.64.0.4", ICMP_ECHO_REQUEST, 3) == false);
  g_assert_cmpuint(gw_nat_rule_counters(x.nat, 0)->drops[NAT_DROP_NO_MAPPING], ==, 1);
  g_assert_true(send(x.gw, x.dev, "10.1.1.4", "192.168.1.7", ICMP_ECHO_REQUEST, 77));
  assert_addrs("100.64.0.0", "192.168.1.7");
  uint16_t port = (uint16_t)(inner[24] << 8 | inner[25]);
  g_assert_cmpuint(port, ==, 1024);
  g_assert_true(send(x.dev, x.gw, "192.168.1.7", "100.64.0.0", ICMP_ECHO_REPLY, port));
  assert_addrs("192.168.1.7", "10.1.1.4");
  g_assert_cmpuint(inner[24] << 8 | inner[25], ==, 77);
  pair_free(&x);

  /* the bidirectional fault: the site's flow gets through */
  pair_init(&x, "192.168.1.0/24", "100.64.0.0/28");
  rule(&x, "d1", GW_NAT_DYNAMIC, GW_NAT_EGRESS_SNAT, "10.1.1.0/28", "100.64.0.0/28");
  start(&x, 0, GW_NAT_FAULT_BIDIRECTIONAL);
  g_assert_true(send(x.dev, x.gw, "192.168.1.7", "100.64.0.4", ICMP_ECHO_REQUEST, 3));
  assert_addrs("192.168.1.7", "10.1.1.4");
  pair_free(&x);
}

/* ipConfigurationId on an active-active gateway; faults off and swapped. */
static void test_instances_faults(void)
{
  Pair x;
  /* the device routes the VNet untranslated: the "off" fault's packets are accepted */
  pair_init(&x, "192.168.1.0/24", "10.1.0.0/16");
  x.g.activeActive = (GwBool){.set = true, .v = true};
  x.g.publicIpAddresses[0] = (GwIp){.set = true, .v = A("203.0.113.10")};
  x.g.publicIpAddresses[1] = (GwIp){.set = true, .v = A("203.0.113.11")};
  x.g.n_publicIpAddresses = 2;
  GwNatRule *r = rule(&x, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/16", "100.64.0.0/16");
  r->ipConfigurationId = (GwEnum){.set = true, .v = GW_NAT_IPCONFIG_DEFAULT};
  GwNat *n1 = gw_nat_new(&x.g, 1, &env, "vgw1/1", 0);
  g_assert_cmpuint(gw_nat_n_rules(n1), ==, 0);
  gw_nat_free(n1);
  n1 = gw_nat_new(&x.g, 1, &env, "vgw1/1", GW_NAT_FAULT_ANY_INSTANCE);
  g_assert_cmpuint(gw_nat_n_rules(n1), ==, 1);
  gw_nat_free(n1);
  r->ipConfigurationId.v = GW_NAT_IPCONFIG_ACTIVE_ACTIVE; /* instance 1's, but for the fault */
  n1 = gw_nat_new(&x.g, 1, &env, "vgw1/1", 0);
  g_assert_cmpuint(gw_nat_n_rules(n1), ==, 1);
  gw_nat_free(n1);
  n1 = gw_nat_new(&x.g, 1, &env, "vgw1/1", GW_NAT_FAULT_PRIMARY_ONLY);
  g_assert_cmpuint(gw_nat_n_rules(n1), ==, 0);
  gw_nat_free(n1);
  r->ipConfigurationId.v = GW_NAT_IPCONFIG_DEFAULT;
  start(&x, 0, GW_NAT_FAULT_OFF);
  g_assert_true(send(x.gw, x.dev, "10.1.2.3", "192.168.1.7", ICMP_ECHO_REQUEST, 9));
  assert_addrs("10.1.2.3", "192.168.1.7");
  pair_free(&x);

  pair_init(&x, "192.168.1.0/24", "10.1.0.0/16");
  rule(&x, "eg1", GW_NAT_STATIC, GW_NAT_EGRESS_SNAT, "10.1.0.0/16", "100.64.0.0/16");
  start(&x, 0, GW_NAT_FAULT_SWAPPED); /* an IngressSnat now: the source is left alone */
  g_assert_true(send(x.gw, x.dev, "10.1.2.3", "192.168.1.7", ICMP_ECHO_REQUEST, 9));
  assert_addrs("10.1.2.3", "192.168.1.7");
  pair_free(&x);
}

static void test_map_prefix(void)
{
  GwConfig *cfg = g_new0(GwConfig, 1);
  cfg->n_virtualNetworkGateways = 1;
  GwVirtualNetworkGateway *g = &cfg->virtualNetworkGateways[0];
  g->name = (GwStr){.set = true, .v = "vgw1"};
  GwNatRule *r = &g->natRules[g->n_natRules++];
  r->name = (GwStr){.set = true, .v = "in1"};
  r->mode = (GwEnum){.set = true, .v = GW_NAT_INGRESS_SNAT};
  r->internalMappings[r->n_internalMappings++].v = P("192.168.0.0/16");
  r->externalMappings[r->n_externalMappings++].v = P("100.64.0.0/16");
  GwConnection c = {.virtualNetworkGateway1 = {.set = true, .v = "vgw1"}};
  c.ingressNatRules[c.n_ingressNatRules++] = r->name;
  Ipv4Prefix out;
  char buf[IPV4_PREFIX_STRLEN];
  g_assert_true(gw_nat_map_prefix(cfg, &c, GW_NAT_INGRESS_SNAT, P("192.168.3.0/24"), &out));
  g_assert_cmpstr(ipv4_prefix_format(out, buf), ==, "100.64.3.0/24");
  g_assert_true(gw_nat_map_prefix(cfg, &c, GW_NAT_INGRESS_SNAT, P("192.0.0.0/8"), &out));
  g_assert_cmpstr(ipv4_prefix_format(out, buf), ==, "100.64.0.0/16");
  g_assert_false(gw_nat_map_prefix(cfg, &c, GW_NAT_INGRESS_SNAT, P("172.16.0.0/16"), &out));
  g_assert_false(gw_nat_map_prefix(cfg, &c, GW_NAT_EGRESS_SNAT, P("192.168.3.0/24"), &out));
  g_free(cfg);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/gateway/nat/static_egress", test_static_egress);
  g_test_add_func("/gateway/nat/static_ingress_overlap", test_static_ingress_overlap);
  g_test_add_func("/gateway/nat/dynamic", test_dynamic);
  g_test_add_func("/gateway/nat/instances_faults", test_instances_faults);
  g_test_add_func("/gateway/nat/map_prefix", test_map_prefix);
  return g_test_run();
}
