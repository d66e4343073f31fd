/* SPDX-License-Identifier: MIT */
/* Tests of the traffic helpers: ping round-trip times and losses, a constant-rate UDP
 * flow's counters and delays, a TCP bulk transfer across a lossy router path. */
#include "sim/engine/net_traffic.h"

#include "models/common/wire.h"
#include "tests/lib/testutil.h"

#include <glib.h>

/* h1 --10.0.1.0/30-- r --10.0.2.0/30-- h2, both links 10 Mb/s, 10 ms */
typedef struct {
  NetWorld *w;
  NetNode *h1, *r, *h2;
  NetLink *l1, *l2;
} Path;


/* Datagram 7 of a flow sending every 4 ms, as the flow's sender writes it (magic,
 * sequence number, send time, pattern). */
static void datagram7(uint8_t *m, size_t n)
{
  wire_store_be32(m, 0x5653494du);
  wire_store_be32(m + 4, 7);
  wire_store_be64(m + 8, 4000000 * 7);
  for (size_t i = 16; i < n; i++)
    m[i] = (uint8_t)(7 * 31 + i * 3);
}
static void path_init(Path *p, uint64_t seed, const NetLinkConfig *c1, const NetLinkConfig *c2)
{
  p->w = net_world_new(seed);
  p->h1 = net_node_new(p->w, "h1");
  p->r = net_node_new(p->w, "r");
  p->h2 = net_node_new(p->w, "h2");
  p->l1 = net_link_p2p_new(p->w, p->h1, p->r, c1);
  p->l2 = net_link_p2p_new(p->w, p->r, p->h2, c2);
  net_dev_add_address(net_link_dev(p->l1, 0), tu_addr("10.0.1.1"), 30);
  net_dev_add_address(net_link_dev(p->l1, 1), tu_addr("10.0.1.2"), 30);
  net_dev_add_address(net_link_dev(p->l2, 0), tu_addr("10.0.2.1"), 30);
  net_dev_add_address(net_link_dev(p->l2, 1), tu_addr("10.0.2.2"), 30);
  g_assert_cmpint(net_route_default(p->h1, tu_addr("10.0.1.2"), net_link_dev(p->l1, 0), 0), ==, NET_OK);
  g_assert_cmpint(net_route_default(p->h2, tu_addr("10.0.2.1"), net_link_dev(p->l2, 1), 0), ==, NET_OK);
}

/* What the ping observer saw: "s0 r0 s1 ..." with each reply's round trip checked. */
typedef struct {
  GString *seen;
  int64_t rtt_sum;
} PingSeen;

static void ping_observe(void *user, bool reply, uint32_t seq, int64_t rtt_ns)
{
  PingSeen *ps = user;
  g_string_append_printf(ps->seen, "%s%c%u", ps->seen->len ? " " : "", reply ? 'r' : 's', seq);
  if (reply)
    ps->rtt_sum += rtt_ns;
  else
    g_assert_cmpint(rtt_ns, ==, -1);
}

static void test_ping(void)
{
  static const uint64_t drop[] = {4}; /* the link's 5th frame: request #2 (0-based) */
  NetLinkConfig c1 = {.rate_bps = 10000000, .delay_ns = 10000000, .loss_index = drop, .n_loss_index = 1};
  NetLinkConfig c2 = {.rate_bps = 10000000, .delay_ns = 10000000};
  Path p;
  path_init(&p, 1, &c1, &c2);
  PingSeen ps = {.seen = g_string_new(NULL)};
  NetPingConfig pc = {.dst = tu_addr("10.0.2.2"), .count = 5, .interval_ns = 100000000, .ident = 77,
                      .observe = ping_observe, .observe_user = &ps};
  NetPing *ping = net_ping_new(p.h1, &pc);
  g_assert_nonnull(ping);
  net_world_run_until(p.w, 2000000000);
  const NetFlowStats *st = net_ping_stats(ping);
  g_assert_cmpuint(st->tx_packets, ==, 5);
  /* link 1 frames in arrival order: req0, rep0, req1, rep1, req2 <- lost */
  g_assert_cmpuint(st->rx_packets, ==, 4);
  g_assert_cmpuint(st->rx_corrupt, ==, 0);
  g_assert_cmpuint(st->rx_duplicates, ==, 0);
  /* 56 B data + 8 ICMP + 20 IPv4 + 2 PPP = 86 B = 68.8 us at 10 Mb/s; four link
   * crossings of 10 ms + 68.8 us each */
  g_assert_cmpint(st->delay_min, ==, 4 * (10000000 + 68800));
  g_assert_cmpint(st->delay_max, ==, st->delay_min);
  g_assert_cmpint(st->delay_sum, ==, 4 * st->delay_min);
  /* the observer saw every request and every reply but the lost request's, in order */
  g_assert_cmpstr(ps.seen->str, ==, "s0 r0 s1 r1 s2 s3 r3 s4 r4");
  g_assert_cmpint(ps.rtt_sum, ==, st->delay_sum);
  g_string_free(ps.seen, TRUE);
  net_ping_free(ping);

  /* an unreachable destination: requests go, nothing comes back */
  NetPingConfig pc2 = {.dst = tu_addr("10.0.2.99"), .count = 3, .interval_ns = 10000000, .ident = 78};
  ping = net_ping_new(p.h1, &pc2);
  net_world_run_until(p.w, 3000000000);
  g_assert_cmpuint(net_ping_stats(ping)->tx_packets, ==, 3);
  g_assert_cmpuint(net_ping_stats(ping)->rx_packets, ==, 0);
  g_assert_cmpint(net_ping_stats(ping)->delay_min, ==, -1);
  net_ping_free(ping);
  net_world_free(p.w);
}

static void test_udp_flow(void)
{
  static const uint64_t drop[] = {10, 11, 100};
  NetLinkConfig c1 = {.rate_bps = 10000000, .delay_ns = 10000000};
  NetLinkConfig c2 = {.rate_bps = 10000000, .delay_ns = 10000000, .loss_index = drop, .n_loss_index = 3};
  Path p;
  path_init(&p, 1, &c1, &c2);
  /* 1 Mb/s of 500 B payloads for 1 s: one every 4 ms, 250 datagrams */
  NetUdpFlowConfig fc = {.dst = tu_addr("10.0.2.2"), .port = 5001, .rate_bps = 1000000, .size = 500,
                         .duration_ns = 1000000000};
  NetUdpFlow *f = net_udp_flow_new(p.h1, p.h2, &fc);
  g_assert_nonnull(f);
  net_world_run_until(p.w, 2000000000);
  const NetFlowStats *st = net_udp_flow_stats(f);
  g_assert_cmpuint(st->tx_packets, ==, 250);
  g_assert_cmpuint(st->tx_bytes, ==, 250 * 500);
  g_assert_cmpuint(st->rx_packets, ==, 247);
  g_assert_cmpuint(st->rx_bytes, ==, 247 * 500);
  g_assert_cmpuint(st->rx_corrupt, ==, 0);
  g_assert_cmpuint(net_link_lost(p.l2), ==, 3);
  /* 500 + 8 + 20 + 2 = 530 B = 424 us per hop, 2 hops of 10 ms; no queueing at 1 Mb/s */
  g_assert_cmpint(st->delay_min, ==, 2 * (10000000 + 424000));
  g_assert_cmpint(st->delay_max, ==, st->delay_min);
  g_assert_cmpint(st->t_first_tx, ==, 0);

  /* The receiver's checks: datagram 7 again is a duplicate; one byte changed anywhere in
   * the pattern (within the 16-byte blocks and in the 4-byte tail: 484 = 30 * 16 + 4), a
   * sequence number never sent, or a send time in the future is corrupt. */
  uint8_t m[500];
  datagram7(m, sizeof m);
  net_udp_flow_rx_for_test(f, m, sizeof m);
  g_assert_cmpuint(st->rx_duplicates, ==, 1);
  g_assert_cmpuint(st->rx_corrupt, ==, 0);
  static const size_t flip[] = {16, 100, 495, 496, 499};
  for (size_t k = 0; k < G_N_ELEMENTS(flip); k++) {
    m[flip[k]] ^= 0x40;
    net_udp_flow_rx_for_test(f, m, sizeof m);
    m[flip[k]] ^= 0x40;
    g_assert_cmpuint(st->rx_corrupt, ==, k + 1);
  }
  wire_store_be32(m + 4, 250); /* never sent */
  for (size_t i = 16; i < sizeof m; i++)
    m[i] = (uint8_t)(250 * 31 + i * 3);
  net_udp_flow_rx_for_test(f, m, sizeof m);
  g_assert_cmpuint(st->rx_corrupt, ==, G_N_ELEMENTS(flip) + 1);
  /* datagram 10 was lost on the link: arriving now it counts, once */
  wire_store_be32(m + 4, 10);
  wire_store_be64(m + 8, 4000000 * 10);
  for (size_t i = 16; i < sizeof m; i++)
    m[i] = (uint8_t)(10 * 31 + i * 3);
  net_udp_flow_rx_for_test(f, m, sizeof m);
  net_udp_flow_rx_for_test(f, m, sizeof m);
  g_assert_cmpuint(st->rx_packets, ==, 248);
  g_assert_cmpuint(st->rx_duplicates, ==, 2);
  g_assert_cmpuint(st->rx_corrupt, ==, G_N_ELEMENTS(flip) + 1);
  net_udp_flow_free(f);
  net_world_free(p.w);
}

static void ignore_rx(NetUdpSocket *s, const uint8_t *m, size_t n, Ipv4Addr src, uint16_t sport,
                      void *user)
{
}

/* The receiver is an unconnected socket: a datagram of the flow from another port (as
 * behind a NAPT) is taken for its contents. With reply, it answers each datagram where it
 * came from, and the sender counts the answers from the address and port it sent to. */
static void test_udp_reply(void)
{
  NetLinkConfig c = {.rate_bps = 10000000, .delay_ns = 10000000};
  Path p;
  path_init(&p, 3, &c, &c);
  NetUdpFlowConfig fc = {.dst = tu_addr("10.0.2.2"), .port = 5001, .rate_bps = 1000000,
                         .size = 500, .duration_ns = 1000000000, .reply = true};
  NetUdpFlow *f = net_udp_flow_new(p.h1, p.h2, &fc);
  g_assert_nonnull(f);
  net_world_run_until(p.w, 2000000000);
  const NetFlowStats *st = net_udp_flow_stats(f);
  g_assert_cmpuint(st->rx_packets, ==, 250);
  g_assert_cmpuint(net_udp_flow_replies(f), ==, 250);
  g_assert_cmpuint(net_udp_flow_stray(f), ==, 0);
  /* datagram 7 once more, from another socket of h1 (another source port): a duplicate,
   * not a corrupt one; its answer goes to that socket, not the sender's */
  uint8_t m[500];
  datagram7(m, sizeof m);
  NetUdpSocket *other = net_udp_new(p.h1, (Ipv4Addr){0}, 0, ignore_rx, NULL);
  g_assert_nonnull(other);
  g_assert_cmpint(net_udp_send_to(other, m, sizeof m, tu_addr("10.0.2.2"), 5001), ==, NET_OK);
  net_world_run_until(p.w, 3000000000LL);
  g_assert_cmpuint(st->rx_duplicates, ==, 1);
  g_assert_cmpuint(st->rx_corrupt, ==, 0);
  g_assert_cmpuint(net_udp_flow_replies(f), ==, 250);
  /* a flow sent to a port nobody listens on (its to_port): nothing received, no answer */
  NetUdpFlowConfig fc2 = fc;
  fc2.port = 5002;
  fc2.to_port = 8080;
  NetUdpFlow *g = net_udp_flow_new(p.h1, p.h2, &fc2);
  net_world_run_until(p.w, 5000000000LL);
  g_assert_cmpuint(net_udp_flow_stats(g)->tx_packets, ==, 250);
  g_assert_cmpuint(net_udp_flow_stats(g)->rx_packets, ==, 0);
  g_assert_cmpuint(net_udp_flow_replies(g), ==, 0);
  net_udp_free(other);
  net_udp_flow_free(f);
  net_udp_flow_free(g);
  net_world_free(p.w);
}

static void test_tcp_bulk(void)
{
  NetLinkConfig c1 = {.rate_bps = 50000000, .delay_ns = 5000000, .loss_rate = 0.01};
  NetLinkConfig c2 = {.rate_bps = 50000000, .delay_ns = 5000000};
  Path p;
  path_init(&p, 21, &c1, &c2);
  NetTcpBulk *b = net_tcp_bulk_new(p.h1, p.h2, tu_addr("10.0.2.2"), 8080, 1000000);
  g_assert_nonnull(b);
  net_world_run_until(p.w, 60 * 1000000000LL);
  const NetFlowStats *st = net_tcp_bulk_stats(b);
  g_assert_cmpuint(st->rx_bytes, ==, 1000000);
  g_assert_cmpuint(st->rx_corrupt, ==, 0);
  g_assert_true(net_tcp_bulk_done(b));
  g_assert_cmpuint(net_link_lost(p.l1), >, 0);
  /* 1 MB cannot arrive faster than the 50 Mb/s bottleneck allows: 160 ms */
  g_assert_cmpint(st->t_last_rx - st->t_first_tx, >, 160000000);
  g_test_message("1 MB in %.3f s simulated, %" G_GUINT64_FORMAT " frames lost",
                 (st->t_last_rx - st->t_first_tx) / 1e9, net_link_lost(p.l1));
  net_tcp_bulk_free(b);
  net_world_free(p.w);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/net/traffic/ping", test_ping);
  g_test_add_func("/net/traffic/udp-flow", test_udp_flow);
  g_test_add_func("/net/traffic/udp-reply", test_udp_reply);
  g_test_add_func("/net/traffic/tcp-bulk", test_tcp_bulk);
  return g_test_run();
}
