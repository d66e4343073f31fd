/* SPDX-License-Identifier: MIT */
/* Tests of the engine's C API, part 1: timers, point-to-point delivery with the configured
 * delay, loss by index and by rate, link down/up, static routes, pcap through tshark and
 * determinism. */
#include "sim/engine/net.h"
#include "sim/engine/pcap_writer.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#define tu_addr(s) ipv4_addr_from_str(s)

static Ipv4Addr ipv4_addr_from_str(const char *s)
{
  Ipv4Addr a;
  g_assert_cmpint(ipv4_addr_parse(s, &a), ==, IPV4_PARSE_OK);
  return a;
}

/* ---- timers ---- */

typedef struct {
  GArray *fired; /* int64 times */
  int tag;
} TimerLog;

static void on_timer(NetWorld *w, void *user)
{
  GArray *log = user;
  int64_t t = net_world_now(w);
  g_array_append_val(log, t);
}

static void on_stop(NetWorld *w, void *user)
{
  net_world_stop(w);
}

static void test_timers(void)
{
  NetWorld *w = net_world_new(1);
  g_assert_nonnull(w);
  g_assert_null(net_world_new(2)); /* one world at a time */
  GArray *log = g_array_new(FALSE, FALSE, sizeof(int64_t));
  g_assert_cmpint(net_world_now(w), ==, 0);
  NetEventId e10 = net_schedule(w, 10, on_timer, log);
  NetEventId e20 = net_schedule(w, 20, on_timer, log);
  g_assert_cmpuint(net_schedule(w, 30, on_timer, log), !=, 0);
  g_assert_cmpuint(e10, !=, 0);
  g_assert_cmpuint(e20, !=, e10);
  g_assert_cmpuint(net_schedule(w, -1, on_timer, log), ==, 0);
  g_assert_true(net_cancel(w, e20));
  g_assert_false(net_cancel(w, e20)); /* twice */
  g_assert_false(net_cancel(w, 0));
  g_assert_false(net_cancel(w, 0xdead00000001ULL));
  g_assert_cmpint(net_world_run_until(w, 25), ==, NET_OK);
  g_assert_cmpint(net_world_now(w), ==, 25);
  g_assert_cmpuint(log->len, ==, 1);
  g_assert_cmpint(g_array_index(log, int64_t, 0), ==, 10);
  g_assert_false(net_cancel(w, e10)); /* already ran */
  /* A slot reused by a new timer must not be cancellable through the old id. */
  NetEventId e40 = net_schedule(w, 15, on_timer, log);
  g_assert_false(net_cancel(w, e10));
  g_assert_cmpint(net_world_run_until(w, 10), ==, NET_ERR_INVALID); /* the past */
  g_assert_cmpint(net_world_run(w), ==, NET_OK);                  /* until idle */
  g_assert_cmpuint(log->len, ==, 3);
  g_assert_cmpint(g_array_index(log, int64_t, 1), ==, 30);
  g_assert_cmpint(g_array_index(log, int64_t, 2), ==, 40);
  g_assert_false(net_cancel(w, e40));
  /* stop from a callback */
  net_schedule(w, 100, on_stop, NULL);
  net_schedule(w, 200, on_timer, log);
  g_assert_cmpint(net_world_run_until(w, 1000), ==, NET_OK);
  g_assert_cmpint(net_world_now(w), ==, 140);
  g_assert_cmpuint(log->len, ==, 3);
  /* the stale stop event of the last run must not cut this one short */
  g_assert_cmpint(net_world_run_until(w, 2000), ==, NET_OK);
  g_assert_cmpint(net_world_now(w), ==, 2000);
  g_assert_cmpuint(log->len, ==, 4);
  g_array_free(log, TRUE);
  net_world_free(w);
  /* a new world starts again from zero */
  w = net_world_new(1);
  g_assert_nonnull(w);
  g_assert_cmpint(net_world_now(w), ==, 0);
  net_world_free(w);
}

/* ---- a two-node fixture ---- */

typedef struct {
  NetWorld *w;
  NetNode *a, *b;
  NetLink *l;
  NetUdpSocket *sa, *sb;
  GArray *rx_seq;  /* uint32 sequence numbers received at b */
  GArray *rx_time; /* int64 */
  Ipv4Addr last_src;
  uint16_t last_sport;
  size_t last_len;
} Pair;

static void pair_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src, uint16_t sport,
                    void *user)
{
  Pair *p = user;
  g_assert_cmpuint(len, >=, 4);
  uint32_t seq = ((uint32_t)data[0] << 24) | ((uint32_t)data[1] << 16) | ((uint32_t)data[2] << 8) | data[3];
  /* the rest of the payload is a pattern derived from seq: check every byte */
  for (size_t i = 4; i < len; i++)
    g_assert_cmpuint(data[i], ==, (uint8_t)(seq * 7 + i));
  int64_t t = net_world_now(net_node_world(net_dev_node(net_link_dev(p->l, 0))));
  g_array_append_val(p->rx_seq, seq);
  g_array_append_val(p->rx_time, t);
  p->last_src = src;
  p->last_sport = sport;
  p->last_len = len;
}

static void pair_init(Pair *p, uint64_t seed, const NetLinkConfig *cfg)
{
  memset(p, 0, sizeof *p);
  p->w = net_world_new(seed);
  g_assert_nonnull(p->w);
  p->a = net_node_new(p->w, "a");
  p->b = net_node_new(p->w, "b");
  g_assert_nonnull(p->a);
  g_assert_nonnull(p->b);
  g_assert_null(net_node_new(p->w, "a")); /* names are unique */
  g_assert_true(net_node_find(p->w, "b") == p->b);
  g_assert_null(net_node_find(p->w, "c"));
  g_assert_cmpstr(net_node_name(p->a), ==, "a");
  p->l = net_link_p2p_new(p->w, p->a, p->b, cfg);
  g_assert_nonnull(p->l);
  g_assert_cmpuint(net_link_n_devs(p->l), ==, 2);
  g_assert_cmpint(net_dev_add_address(net_link_dev(p->l, 0), tu_addr("10.0.0.1"), 30), ==, NET_OK);
  g_assert_cmpint(net_dev_add_address(net_link_dev(p->l, 1), tu_addr("10.0.0.2"), 30), ==, NET_OK);
  g_assert_cmpuint(net_dev_address(net_link_dev(p->l, 1)).v, ==, tu_addr("10.0.0.2").v);
  p->sa = net_udp_new(p->a, tu_addr("10.0.0.1"), 5000, pair_rx, p);
  p->sb = net_udp_new(p->b, (Ipv4Addr){0}, 6000, pair_rx, p);
  g_assert_nonnull(p->sa);
  g_assert_nonnull(p->sb);
  g_assert_null(net_udp_new(p->b, (Ipv4Addr){0}, 6000, pair_rx, p)); /* port taken */
  p->rx_seq = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  p->rx_time = g_array_new(FALSE, FALSE, sizeof(int64_t));
}

static void pair_free(Pair *p)
{
  g_array_free(p->rx_seq, TRUE);
  g_array_free(p->rx_time, TRUE);
  net_world_free(p->w);
}

typedef struct {
  Pair *p;
  uint32_t seq, count;
  size_t len;
  int64_t gap_ns;
  Ipv4Addr dst;
} Sender;

static void send_one(NetWorld *w, void *user)
{
  Sender *s = user;
  uint8_t buf[1500];
  g_assert_cmpuint(s->len, <=, sizeof buf);
  buf[0] = (uint8_t)(s->seq >> 24);
  buf[1] = (uint8_t)(s->seq >> 16);
  buf[2] = (uint8_t)(s->seq >> 8);
  buf[3] = (uint8_t)s->seq;
  for (size_t i = 4; i < s->len; i++)
    buf[i] = (uint8_t)(s->seq * 7 + i);
  g_assert_cmpint(net_udp_send_to(s->p->sa, buf, s->len, s->dst, 6000), ==, NET_OK);
  if (++s->seq < s->count)
    net_schedule(w, s->gap_ns, send_one, s);
}

static void test_udp_delay(void)
{
  NetLinkConfig cfg = {.rate_bps = 10000000, .delay_ns = 5000000};
  Pair p;
  pair_init(&p, 1, &cfg);
  Sender s = {.p = &p, .count = 3, .len = 100, .gap_ns = 1000000, .dst = tu_addr("10.0.0.2")};
  net_schedule(p.w, 0, send_one, &s);
  g_assert_cmpint(net_world_run_until(p.w, 100000000), ==, NET_OK);
  g_assert_cmpuint(p.rx_seq->len, ==, 3);
  /* 100 B payload + 8 UDP + 20 IPv4 + 2 PPP = 130 B at 10 Mb/s = 104 us on the wire,
   * then 5 ms of propagation. */
  for (guint i = 0; i < 3; i++) {
    g_assert_cmpuint(g_array_index(p.rx_seq, uint32_t, i), ==, i);
    g_assert_cmpint(g_array_index(p.rx_time, int64_t, i), ==, i * 1000000 + 104000 + 5000000);
  }
  g_assert_cmpuint(p.last_src.v, ==, tu_addr("10.0.0.1").v);
  g_assert_cmpuint(p.last_sport, ==, 5000);
  g_assert_cmpuint(p.last_len, ==, 100);
  g_assert_cmpuint(net_link_lost(p.l), ==, 0);
  pair_free(&p);
}

static void test_loss_index(void)
{
  static const uint64_t drop[] = {5, 2};
  NetLinkConfig cfg = {.rate_bps = 100000000, .delay_ns = 1000000, .loss_index = drop,
                       .n_loss_index = 2};
  Pair p;
  pair_init(&p, 1, &cfg);
  Sender s = {.p = &p, .count = 10, .len = 64, .gap_ns = 100000, .dst = tu_addr("10.0.0.2")};
  net_schedule(p.w, 0, send_one, &s);
  net_world_run_until(p.w, 50000000);
  g_assert_cmpuint(p.rx_seq->len, ==, 8);
  static const uint32_t want[] = {0, 1, 3, 4, 6, 7, 8, 9};
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint(g_array_index(p.rx_seq, uint32_t, i), ==, want[i]);
  g_assert_cmpuint(net_link_lost(p.l), ==, 2);
  pair_free(&p);
}

/* The set of sequence numbers lost out of n sent with a loss rate, for a seed. */
static GArray *lost_with_seed(uint64_t seed, double rate, uint32_t n, const char *pcap_path)
{
  NetLinkConfig cfg = {.rate_bps = 100000000, .delay_ns = 1000000, .loss_rate = rate};
  Pair p;
  pair_init(&p, seed, &cfg);
  NetPcap *pc = NULL;
  if (pcap_path) {
    g_autoptr(GError) err = NULL;
    pc = net_pcap_open(pcap_path, NET_LINKTYPE_RAW_IPV4, 0, &err);
    g_assert_no_error(err);
    /* the receiver side: only what survived the link */
    g_assert_cmpint(net_dev_tap_add(net_link_dev(p.l, 1), NET_TAP_RX, net_pcap_tap, pc), ==, NET_OK);
  }
  Sender s = {.p = &p, .count = n, .len = 200, .gap_ns = 50000, .dst = tu_addr("10.0.0.2")};
  net_schedule(p.w, 0, send_one, &s);
  net_world_run_until(p.w, 1000000000);
  GArray *lost = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  guint j = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (j < p.rx_seq->len && g_array_index(p.rx_seq, uint32_t, j) == i)
      j++;
    else
      g_array_append_val(lost, i);
  }
  g_assert_cmpuint(j, ==, p.rx_seq->len); /* in order, no duplicates */
  g_assert_cmpuint(net_link_lost(p.l), ==, lost->len);
  if (pc) {
    g_assert_cmpuint(net_pcap_count(pc), ==, p.rx_seq->len);
    g_autoptr(GError) err = NULL;
    g_assert_true(net_pcap_close(pc, &err));
    g_assert_no_error(err);
  }
  pair_free(&p);
  return lost;
}

static gboolean same_array(GArray *a, GArray *b)
{
  return a->len == b->len && memcmp(a->data, b->data, a->len * sizeof(uint32_t)) == 0;
}

static void test_loss_rate_determinism(void)
{
  g_autofree char *dir = g_dir_make_tmp("net_test_XXXXXX", NULL);
  g_assert_nonnull(dir);
  g_autofree char *f1 = g_build_filename(dir, "a.pcap", NULL);
  g_autofree char *f2 = g_build_filename(dir, "b.pcap", NULL);
  g_autofree char *f3 = g_build_filename(dir, "c.pcap", NULL);
  GArray *l1 = lost_with_seed(7, 0.25, 400, f1);
  GArray *l2 = lost_with_seed(7, 0.25, 400, f2);
  GArray *l3 = lost_with_seed(8, 0.25, 400, f3);
  /* 400 frames at 25 %: 100 expected, sd 8.7; 60..140 is beyond 4.5 sd either way */
  g_assert_cmpuint(l1->len, >=, 60);
  g_assert_cmpuint(l1->len, <=, 140);
  g_assert_cmpuint(l3->len, >=, 60);
  g_assert_cmpuint(l3->len, <=, 140);
  g_assert_true(same_array(l1, l2));
  g_assert_false(same_array(l1, l3));
  g_autofree char *c1 = NULL, *c2 = NULL, *c3 = NULL;
  gsize n1, n2, n3;
  g_assert_true(g_file_get_contents(f1, &c1, &n1, NULL));
  g_assert_true(g_file_get_contents(f2, &c2, &n2, NULL));
  g_assert_true(g_file_get_contents(f3, &c3, &n3, NULL));
  g_assert_cmpuint(n1, >, 24);
  g_assert_true(n1 == n2 && memcmp(c1, c2, n1) == 0); /* byte-identical */
  g_assert_false(n1 == n3 && memcmp(c1, c3, n1) == 0);
  g_array_free(l1, TRUE);
  g_array_free(l2, TRUE);
  g_array_free(l3, TRUE);
  g_unlink(f1);
  g_unlink(f2);
  g_unlink(f3);
  g_rmdir(dir);
}

static void set_down(NetWorld *w, void *user)
{
  net_link_set_up(user, false);
}
static void set_up(NetWorld *w, void *user)
{
  net_link_set_up(user, true);
}

static void test_link_down_up(void)
{
  NetLinkConfig cfg = {.rate_bps = 100000000, .delay_ns = 1000000};
  Pair p;
  pair_init(&p, 1, &cfg);
  /* one packet every 1 ms from 0 to 9 ms; down over [2.5 ms, 6.5 ms): the frames that
   * arrive in that window (sent at 2, 3, 4, 5 ms, arriving 1 ms + 23 us later) are lost */
  Sender s = {.p = &p, .count = 10, .len = 250, .gap_ns = 1000000, .dst = tu_addr("10.0.0.2")};
  net_schedule(p.w, 0, send_one, &s);
  net_schedule(p.w, 2500000, set_down, p.l);
  net_schedule(p.w, 6500000, set_up, p.l);
  g_assert_true(net_link_is_up(p.l));
  net_world_run_until(p.w, 4000000);
  g_assert_false(net_link_is_up(p.l));
  net_world_run_until(p.w, 50000000);
  g_assert_true(net_link_is_up(p.l));
  static const uint32_t want[] = {0, 1, 6, 7, 8, 9};
  g_assert_cmpuint(p.rx_seq->len, ==, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    g_assert_cmpuint(g_array_index(p.rx_seq, uint32_t, i), ==, want[i]);
  g_assert_cmpuint(net_link_lost(p.l), ==, 4);
  pair_free(&p);
}

/* ---- a socket freed from its own receive callback ---- */

typedef struct {
  NetUdpSocket *s;
  int calls;
} SelfFree;

static void free_self_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src,
                         uint16_t sport, void *user)
{
  SelfFree *f = user;
  f->calls++;
  g_assert_true(s == f->s);
  net_udp_free(s); /* deferred by the wrapper until the callback returns */
  f->s = NULL;
}

static void test_free_in_callback(void)
{
  NetLinkConfig cfg = {.rate_bps = 100000000, .delay_ns = 1000};
  Pair p;
  pair_init(&p, 1, &cfg);
  SelfFree f = {0};
  f.s = net_udp_new(p.b, (Ipv4Addr){0}, 6001, free_self_rx, &f);
  /* two datagrams queued at once: the second must not reach the freed socket */
  g_assert_cmpint(net_udp_send_to(p.sa, (const uint8_t *)"1", 1, tu_addr("10.0.0.2"), 6001), ==, NET_OK);
  g_assert_cmpint(net_udp_send_to(p.sa, (const uint8_t *)"2", 1, tu_addr("10.0.0.2"), 6001), ==, NET_OK);
  net_world_run_until(p.w, 10000000);
  g_assert_cmpint(f.calls, ==, 1);
  g_assert_null(f.s);
  /* the port is free again */
  NetUdpSocket *again = net_udp_new(p.b, (Ipv4Addr){0}, 6001, pair_rx, &p);
  g_assert_nonnull(again);
  pair_free(&p);
}

/* ---- MTU and queue size ---- */

typedef struct {
  guint frames;
  size_t max_len;
} FrameLog;

static void frame_tap(NetDev *d, NetTapDir dir, int64_t t, const uint8_t *f, size_t len, void *user)
{
  FrameLog *g = user;
  g->frames++;
  g->max_len = MAX(g->max_len, len);
}

static void test_mtu_and_queue(void)
{
  /* MTU 576: a 1000 B datagram (1008 B of UDP) leaves in fragments of at most 576 B */
  NetLinkConfig cfg = {.rate_bps = 1000000, .delay_ns = 1000000, .mtu = 576, .queue_packets = 2};
  Pair p;
  pair_init(&p, 1, &cfg);
  FrameLog g = {0};
  net_dev_tap_add(net_link_dev(p.l, 0), NET_TAP_TX, frame_tap, &g);
  uint8_t buf[1000];
  memset(buf, 0, sizeof buf); /* seq 0 */
  for (size_t i = 4; i < sizeof buf; i++)
    buf[i] = (uint8_t)i;
  g_assert_cmpint(net_udp_send_to(p.sa, buf, sizeof buf, tu_addr("10.0.0.2"), 6000), ==, NET_OK);
  net_world_run_until(p.w, 1000000000);
  g_assert_cmpuint(p.rx_seq->len, ==, 1);
  g_assert_cmpuint(p.last_len, ==, 1000);
  /* 1028 B of IPv4 payload+header: fragments carry 552 B (a multiple of 8) + 20 */
  g_assert_cmpuint(g.frames, ==, 2);
  g_assert_cmpuint(g.max_len, ==, 572);
  /* queue of 2 at 1 Mb/s: of 10 datagrams sent at once, one goes on the wire, two wait,
   * seven are dropped */
  g.frames = 0;
  Sender s = {.p = &p, .seq = 1, .count = 11, .len = 100, .gap_ns = 0, .dst = tu_addr("10.0.0.2")};
  net_schedule(p.w, 0, send_one, &s);
  net_world_run_until(p.w, 2000000000);
  g_assert_cmpuint(g.frames, ==, 3);
  g_assert_cmpuint(p.rx_seq->len, ==, 1 + 3);
  g_assert_cmpuint(net_link_lost(p.l), ==, 0); /* queue drops are not link losses */
  pair_free(&p);
}

/* ---- routes ----
 *
 *        10.1.0.0/30  r1  10.1.1.0/30
 *     a <                            > b   (b also holds 10.9.0.1/24)
 *        10.2.0.0/30  r2  10.2.1.0/30
 */
typedef struct {
  uint64_t frames[2]; /* frames transmitted by a toward r1 and toward r2 */
  guint rx;
} RouteLog;

static void count_tx(NetDev *d, NetTapDir dir, int64_t t, const uint8_t *f, size_t len, void *user)
{
  g_assert_cmpint(dir, ==, NET_TAP_TX);
  (*(uint64_t *)user)++;
}

static void route_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src, uint16_t sport,
                     void *user)
{
  ((RouteLog *)user)->rx++;
}

static void test_remove_address(void)
{
  NetWorld *w = net_world_new(1);
  NetNode *a = net_node_new(w, "a"), *b = net_node_new(w, "b");
  NetLinkConfig cfg = {.rate_bps = 100000000, .delay_ns = 100000};
  NetLink *l = net_link_p2p_new(w, a, b, &cfg);
  NetDev *d = net_link_dev(l, 0);
  g_assert_cmpint(net_dev_add_address(d, tu_addr("10.1.0.1"), 30), ==, NET_OK);
  g_assert_cmpint(net_dev_add_primary_address(d, tu_addr("172.16.0.5"), 32), ==, NET_OK);
  g_assert_cmpuint(net_dev_address(d).v, ==, tu_addr("172.16.0.5").v);
  /* the old one goes, the other stays */
  g_assert_cmpint(net_dev_remove_address(d, tu_addr("172.16.0.5")), ==, NET_OK);
  g_assert_cmpuint(net_dev_address(d).v, ==, tu_addr("10.1.0.1").v);
  g_assert_cmpint(net_dev_remove_address(d, tu_addr("172.16.0.5")), ==, NET_ERR_NOT_FOUND);
  g_assert_cmpint(net_dev_remove_address(NULL, tu_addr("10.1.0.1")), ==, NET_ERR_INVALID);
  net_world_free(w);
}

static void test_routes(void)
{
  NetWorld *w = net_world_new(3);
  NetNode *a = net_node_new(w, "a"), *r1 = net_node_new(w, "r1"), *r2 = net_node_new(w, "r2"),
          *b = net_node_new(w, "b");
  NetLinkConfig cfg = {.rate_bps = 100000000, .delay_ns = 100000};
  NetLink *a_r1 = net_link_p2p_new(w, a, r1, &cfg), *r1_b = net_link_p2p_new(w, r1, b, &cfg);
  NetLink *a_r2 = net_link_p2p_new(w, a, r2, &cfg), *r2_b = net_link_p2p_new(w, r2, b, &cfg);
  net_dev_add_address(net_link_dev(a_r1, 0), tu_addr("10.1.0.1"), 30);
  net_dev_add_address(net_link_dev(a_r1, 1), tu_addr("10.1.0.2"), 30);
  net_dev_add_address(net_link_dev(r1_b, 0), tu_addr("10.1.1.1"), 30);
  net_dev_add_address(net_link_dev(r1_b, 1), tu_addr("10.1.1.2"), 30);
  net_dev_add_address(net_link_dev(a_r2, 0), tu_addr("10.2.0.1"), 30);
  net_dev_add_address(net_link_dev(a_r2, 1), tu_addr("10.2.0.2"), 30);
  net_dev_add_address(net_link_dev(r2_b, 0), tu_addr("10.2.1.1"), 30);
  net_dev_add_address(net_link_dev(r2_b, 1), tu_addr("10.2.1.2"), 30);
  /* b's LAN address, on its r1-facing interface (a second address) */
  g_assert_cmpint(net_dev_add_address(net_link_dev(r1_b, 1), tu_addr("10.9.0.1"), 24), ==, NET_OK);
  /* routers know b's LAN; b returns everything through r1 */
  g_assert_cmpint(net_route_add(r1, tu_prefix("10.9.0.0/24"), tu_addr("10.1.1.2"), net_link_dev(r1_b, 0), 0), ==, NET_OK);
  g_assert_cmpint(net_route_add(r2, tu_prefix("10.9.0.0/24"), tu_addr("10.2.1.2"), net_link_dev(r2_b, 0), 0), ==, NET_OK);
  g_assert_cmpint(net_route_default(b, tu_addr("10.1.1.1"), net_link_dev(r1_b, 1), 0), ==, NET_OK);
  /* a device of another node is refused */
  g_assert_cmpint(net_route_add(a, tu_prefix("10.9.0.0/24"), tu_addr("10.1.0.2"), net_link_dev(r1_b, 0), 0), ==, NET_ERR_INVALID);

  RouteLog log = {0};
  net_dev_tap_add(net_link_dev(a_r1, 0), NET_TAP_TX, count_tx, &log.frames[0]);
  net_dev_tap_add(net_link_dev(a_r2, 0), NET_TAP_TX, count_tx, &log.frames[1]);
  NetUdpSocket *sa = net_udp_new(a, (Ipv4Addr){0}, 0, route_rx, &log);
  NetUdpSocket *sb = net_udp_new(b, (Ipv4Addr){0}, 7000, route_rx, &log);
  g_assert_nonnull(sb);
  g_assert_cmpuint(net_udp_port(sa), !=, 0); /* ephemeral */
  uint8_t msg[32] = {1};

  /* no route yet: the stack refuses */
  g_assert_cmpint(net_udp_send_to(sa, msg, sizeof msg, tu_addr("10.9.0.1"), 7000), ==, NET_ERR_NOBUFS);

  /* two routes for the same prefix: the lower metric (r2) wins */
  net_route_add(a, tu_prefix("10.9.0.0/24"), tu_addr("10.1.0.2"), net_link_dev(a_r1, 0), 10);
  net_route_add(a, tu_prefix("10.9.0.0/24"), tu_addr("10.2.0.2"), net_link_dev(a_r2, 0), 5);
  net_udp_send_to(sa, msg, sizeof msg, tu_addr("10.9.0.1"), 7000);
  net_world_run_until(w, 10000000);
  g_assert_cmpuint(log.frames[0], ==, 0);
  g_assert_cmpuint(log.frames[1], ==, 1);
  g_assert_cmpuint(log.rx, ==, 1);

  /* a longer prefix beats a lower metric */
  net_route_add(a, tu_prefix("10.9.0.1/32"), tu_addr("10.1.0.2"), net_link_dev(a_r1, 0), 100);
  net_udp_send_to(sa, msg, sizeof msg, tu_addr("10.9.0.1"), 7000);
  net_world_run_until(w, 20000000);
  g_assert_cmpuint(log.frames[0], ==, 1);
  g_assert_cmpuint(log.frames[1], ==, 1);
  g_assert_cmpuint(log.rx, ==, 2);

  /* remove the /32 and the r2 route: back through r1 (metric 10) */
  g_assert_cmpint(net_route_remove(a, tu_prefix("10.9.0.1/32"), tu_addr("10.1.0.2"), net_link_dev(a_r1, 0)), ==, NET_OK);
  g_assert_cmpint(net_route_remove(a, tu_prefix("10.9.0.0/24"), tu_addr("10.2.0.2"), net_link_dev(a_r2, 0)), ==, NET_OK);
  g_assert_cmpint(net_route_remove(a, tu_prefix("10.9.0.0/24"), tu_addr("10.2.0.2"), net_link_dev(a_r2, 0)), ==, NET_ERR_NOT_FOUND);
  net_udp_send_to(sa, msg, sizeof msg, tu_addr("10.9.0.1"), 7000);
  net_world_run_until(w, 30000000);
  g_assert_cmpuint(log.frames[0], ==, 2);
  g_assert_cmpuint(log.frames[1], ==, 1);
  g_assert_cmpuint(log.rx, ==, 3);

  /* a default route through r2 alone */
  net_route_remove(a, tu_prefix("10.9.0.0/24"), tu_addr("10.1.0.2"), net_link_dev(a_r1, 0));
  g_assert_cmpint(net_route_default(a, tu_addr("10.2.0.2"), net_link_dev(a_r2, 0), 0), ==, NET_OK);
  net_udp_send_to(sa, msg, sizeof msg, tu_addr("10.9.0.1"), 7000);
  net_world_run_until(w, 40000000);
  g_assert_cmpuint(log.frames[0], ==, 2);
  g_assert_cmpuint(log.frames[1], ==, 2);
  g_assert_cmpuint(log.rx, ==, 4);
  net_udp_free(sa);
  net_world_free(w);
}

/* ---- pcap read back by tshark ---- */

static char *run_tshark(const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, "/usr/bin/tshark");
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add(argv, (gpointer)*a);
  g_ptr_array_add(argv, NULL);
  char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                             &err, &status, &error);
  g_assert_no_error(error);
  g_assert_true(ok);
  if (!g_spawn_check_wait_status(status, NULL))
    g_error("tshark failed: %s", err);
  g_free(err);
  g_ptr_array_free(argv, TRUE);
  return out;
}

static guint count_lines(const char *s)
{
  guint n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

static void test_pcap_tshark(void)
{
  if (!g_file_test("/usr/bin/tshark", G_FILE_TEST_IS_EXECUTABLE)) {
    g_test_skip("no /usr/bin/tshark");
    return;
  }
  g_autofree char *dir = g_dir_make_tmp("net_test_XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "link.pcap", NULL);
  NetLinkConfig cfg = {.rate_bps = 10000000, .delay_ns = 2000000, .loss_rate = 0.1};
  Pair p;
  pair_init(&p, 11, &cfg);
  g_autoptr(GError) err = NULL;
  NetPcap *pc = net_pcap_open(path, NET_LINKTYPE_RAW_IPV4, 0, &err);
  g_assert_no_error(err);
  g_assert_cmpint(net_pcap_attach_link(pc, p.l), ==, NET_OK);
  /* 50 datagrams of 1400 B one way (1428 B packets), then one of 3000 B the other way,
   * which fragments at the 1500 B MTU. */
  Sender s = {.p = &p, .count = 50, .len = 1400, .gap_ns = 200000, .dst = tu_addr("10.0.0.2")};
  net_schedule(p.w, 0, send_one, &s);
  net_world_run_until(p.w, 100000000);
  uint8_t big[3000];
  memset(big, 0xab, sizeof big);
  g_assert_cmpint(net_udp_send_to(p.sb, big, sizeof big, tu_addr("10.0.0.1"), 5000), ==, NET_OK);
  net_world_run_until(p.w, 200000000);
  uint64_t frames = net_pcap_count(pc);
  g_assert_cmpuint(frames, ==, 50 + 3); /* 3000 B + 8 UDP over a 1500 MTU: 3 fragments */
  g_assert_true(net_pcap_close(pc, &err));
  pair_free(&p);

  const char *all[] = {"-n", "-r", path, "-T", "fields", "-e", "frame.number", NULL};
  g_autofree char *o1 = run_tshark(all);
  g_assert_cmpuint(count_lines(o1), ==, frames);
  const char *bad[] = {"-n", "-r", path, "-o", "ip.check_checksum:TRUE", "-o",
                       "udp.check_checksum:TRUE", "-Y",
                       "_ws.malformed || _ws.expert.severity >= warning || ip.checksum.status != 1 "
                       "|| udp.checksum.status == 0",
                       NULL};
  g_autofree char *o2 = run_tshark(bad);
  g_assert_cmpstr(o2, ==, "");
  /* and the dissection is what was sent: 50 datagrams to 6000 and one reassembled */
  const char *udp[] = {"-n", "-r", path, "-Y", "udp.dstport == 6000 && udp.length == 1408 && "
                       "ip.src == 10.0.0.1", "-T", "fields", "-e", "frame.number", NULL};
  g_autofree char *o3 = run_tshark(udp);
  g_assert_cmpuint(count_lines(o3), ==, 50);
  g_unlink(path);
  g_rmdir(dir);
}

static goffset file_size(const char *path)
{
  GStatBuf st;
  return g_stat(path, &st) == 0 ? (goffset)st.st_size : -1;
}

/* Live mode's pcaps are flushed per packet: the header is on disk at once and each
 * packet the moment it is written (24-byte file header, 16-byte record header); without
 * the flag libpcap's buffer holds them until the close. */
static void test_pcap_flush(void)
{
  g_autofree char *dir = g_dir_make_tmp("pcapflush-XXXXXX", NULL);
  g_autofree char *a = g_build_filename(dir, "live.pcap", NULL);
  g_autofree char *b = g_build_filename(dir, "run.pcap", NULL);
  g_autoptr(GError) err = NULL;
  NetPcap *live = net_pcap_open(a, NET_LINKTYPE_ETHERNET, 0, &err);
  NetPcap *run = net_pcap_open(b, NET_LINKTYPE_ETHERNET, 0, &err);
  g_assert_no_error(err);
  net_pcap_set_flush(live, TRUE);
  g_assert_cmpint(file_size(a), ==, 24);
  static const uint8_t frame[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  net_pcap_write(live, 1000, frame, sizeof frame);
  net_pcap_write(run, 1000, frame, sizeof frame);
  g_assert_cmpint(file_size(a), ==, 24 + 16 + 60);
  net_pcap_write(live, 2000, frame, 42);
  g_assert_cmpint(file_size(a), ==, 24 + 2 * 16 + 60 + 42);
  g_assert_cmpint(file_size(b), ==, 0); /* buffered: a simulated run is unchanged */
  g_assert_true(net_pcap_close(live, &err));
  g_assert_true(net_pcap_close(run, &err));
  g_assert_cmpint(file_size(a), ==, 24 + 2 * 16 + 60 + 42);
  g_assert_cmpint(file_size(b), ==, 24 + 16 + 60);
  g_unlink(a);
  g_unlink(b);
  g_rmdir(dir);
}

/* ---- the faster FCS and checksum bodies (net.cc) ---- */

static void test_fast_paths(void)
{
  /* Bound in place of ns-3's: a run would otherwise silently take the slow ones. */
  g_assert_true(net_fast_paths_active());
  /* The CRC-32 check value (IEEE 802.3, reflected 0xEDB88320): "123456789". */
  g_assert_cmphex(net_crc32((const uint8_t *)"123456789", 9), ==, 0xCBF43926u);
  g_assert_cmphex(net_crc32(NULL, 0), ==, 0);
  /* The same results as ns-3's own bodies, looked up in its library, on 3000 random
   * buffers: lengths 0..9000 for the CRC (the 64-byte carry-less path and the table tail),
   * zero areas and odd offsets for the checksum. */
  NetWorld *w = net_world_new(1); /* loads ns-3 */
  g_assert_nonnull(w);
  g_assert_cmpint(net_fast_paths_selftest(42, 3000), ==, 0);
  net_world_free(w);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/net/timers", test_timers);
  g_test_add_func("/net/udp-delay", test_udp_delay);
  g_test_add_func("/net/loss-index", test_loss_index);
  g_test_add_func("/net/loss-rate-determinism", test_loss_rate_determinism);
  g_test_add_func("/net/link-down-up", test_link_down_up);
  g_test_add_func("/net/mtu-and-queue", test_mtu_and_queue);
  g_test_add_func("/net/free-in-callback", test_free_in_callback);
  g_test_add_func("/net/routes", test_routes);
  g_test_add_func("/net/remove-address", test_remove_address);
  g_test_add_func("/net/pcap-tshark", test_pcap_tshark);
  g_test_add_func("/net/pcap-flush", test_pcap_flush);
  g_test_add_func("/net/fast-paths", test_fast_paths);
  return g_test_run();
}
