/* SPDX-License-Identifier: MIT */
/* Tests of the engine's drops: a Linux-sized ARP pending queue (a burst to a neighbour not
 * yet resolved arrives whole), and every drop the stacks make counted by reason and handed
 * to the drop observer (ARP queue full, no reply, unreachable neighbour; device queue). */
#include "sim/engine/net.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

typedef struct {
  NetWorld *w;
  NetNode *a, *b;
  NetLink *seg;
  NetUdpSocket *sa, *sb;
  unsigned rx;
  GArray *drops; /* NetDrop as observed */
} Lan;

static void lan_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src, uint16_t sport,
                   void *user)
{
  ((Lan *)user)->rx++;
}

static void lan_drop(const NetDrop *d, void *user)
{
  g_array_append_val(((Lan *)user)->drops, *d);
}

/* Two nodes on one Ethernet segment, 10.0.0.1/24 and 10.0.0.2/24; arp_pending 0 keeps
 * the wrapper's default. */
static void lan_init(Lan *l, uint32_t arp_pending)
{
  memset(l, 0, sizeof *l);
  NetWorldOptions o = {.seed = 5, .arp_pending = arp_pending};
  l->w = net_world_new_ex(&o);
  g_assert_nonnull(l->w);
  NetNode *nodes[2] = {l->a = net_node_new(l->w, "a"), l->b = net_node_new(l->w, "b")};
  NetLinkConfig cfg = {.rate_bps = 1000000000, .delay_ns = 1000};
  l->seg = net_link_csma_new(l->w, nodes, 2, &cfg);
  g_assert_nonnull(l->seg);
  g_assert_cmpint(net_dev_add_address(net_link_dev(l->seg, 0), tu_addr("10.0.0.1"), 24), ==, NET_OK);
  g_assert_cmpint(net_dev_add_address(net_link_dev(l->seg, 1), tu_addr("10.0.0.2"), 24), ==, NET_OK);
  l->sa = net_udp_new(l->a, (Ipv4Addr){0}, 1000, lan_rx, l);
  l->sb = net_udp_new(l->b, (Ipv4Addr){0}, 2000, lan_rx, l);
  l->drops = g_array_new(FALSE, FALSE, sizeof(NetDrop));
  net_world_set_drop_fn(l->w, lan_drop, l);
}

static void lan_free(Lan *l)
{
  g_array_free(l->drops, TRUE);
  net_world_free(l->w);
}

/* n datagrams from a to dst at once, before any ARP exchange. */
static void burst(Lan *l, const char *dst, unsigned n)
{
  uint8_t buf[200];
  memset(buf, 0x5a, sizeof buf);
  for (unsigned i = 0; i < n; i++)
    g_assert_cmpint(net_udp_send_to(l->sa, buf, sizeof buf, tu_addr(dst), 2000), ==, NET_OK);
}

static uint64_t total(const NetNode *n)
{
  uint64_t t = 0;
  for (int r = 0; r < NET_DROP__COUNT; r++)
    t += net_node_drops(n, (NetDropReason)r);
  return t;
}

/* The first burst towards a neighbour not yet resolved: ns-3's default queue of 3 lost
 * 47 of these 50 without a word; Linux queues up to 101 (unres_qlen). */
static void test_arp_burst_delivered(void)
{
  Lan l;
  lan_init(&l, 0);
  burst(&l, "10.0.0.2", 50);
  g_assert_cmpint(net_world_run_until(l.w, 100000000), ==, NET_OK);
  g_assert_cmpuint(l.rx, ==, 50);
  g_assert_cmpuint(total(l.a), ==, 0);
  g_assert_cmpuint(l.drops->len, ==, 0);
  lan_free(&l);
}

/* Beyond the queue, every packet is counted as arp_queue_full with its addresses. */
static void test_arp_queue_full_counted(void)
{
  Lan l;
  lan_init(&l, 0);
  burst(&l, "10.0.0.2", NET_ARP_PENDING_DEFAULT + 20);
  net_world_run_until(l.w, 100000000);
  g_assert_cmpuint(l.rx, ==, NET_ARP_PENDING_DEFAULT);
  g_assert_cmpuint(net_node_drops(l.a, NET_DROP_ARP_QUEUE_FULL), ==, 20);
  g_assert_cmpuint(total(l.a), ==, 20);
  g_assert_cmpuint(total(l.b), ==, 0);
  g_assert_cmpuint(l.drops->len, ==, 20);
  for (guint i = 0; i < l.drops->len; i++) {
    const NetDrop *d = &g_array_index(l.drops, NetDrop, i);
    g_assert_true(d->node == l.a);
    g_assert_cmpint(d->reason, ==, NET_DROP_ARP_QUEUE_FULL);
    g_assert_cmpuint(d->src.v, ==, tu_addr("10.0.0.1").v);
    g_assert_cmpuint(d->dst.v, ==, tu_addr("10.0.0.2").v);
  }
  g_assert_cmpstr(name_get(&net_drop_reason_names, NET_DROP_ARP_QUEUE_FULL), ==, "arp_queue_full");
  lan_free(&l);

  /* the queue is an option: ns-3's own 3 keeps 3 of 50 */
  lan_init(&l, 3);
  burst(&l, "10.0.0.2", 50);
  net_world_run_until(l.w, 100000000);
  g_assert_cmpuint(l.rx, ==, 3);
  g_assert_cmpuint(net_node_drops(l.a, NET_DROP_ARP_QUEUE_FULL), ==, 47);
  lan_free(&l);
}

/* A neighbour that never answers: what waited is dropped after the retries (no reply);
 * later packets while ns-3 holds it dead are dropped at once (unreachable). */
static void send_one_to_ghost(NetWorld *w, void *user)
{
  burst(user, "10.0.0.9", 1);
}

static void test_arp_no_reply_and_unreachable(void)
{
  Lan l;
  lan_init(&l, 0);
  burst(&l, "10.0.0.9", 4);
  net_schedule(l.w, 10000000000, send_one_to_ghost, &l);
  net_world_run_until(l.w, 5000000000);
  g_assert_cmpuint(net_node_drops(l.a, NET_DROP_ARP_NO_REPLY), ==, 4);
  g_assert_cmpuint(net_node_drops(l.a, NET_DROP_ARP_UNREACHABLE), ==, 0);
  net_world_run_until(l.w, 11000000000);
  g_assert_cmpuint(net_node_drops(l.a, NET_DROP_ARP_UNREACHABLE), ==, 1);
  g_assert_cmpuint(net_node_drops(l.a, NET_DROP_ARP_QUEUE_FULL), ==, 0);
  g_assert_cmpuint(total(l.a), ==, 5);
  g_assert_cmpuint(l.drops->len, ==, 5);
  for (guint i = 0; i < l.drops->len; i++)
    g_assert_cmpuint(g_array_index(l.drops, NetDrop, i).dst.v, ==, tu_addr("10.0.0.9").v);
  g_assert_cmpint(g_array_index(l.drops, NetDrop, 4).reason, ==, NET_DROP_ARP_UNREACHABLE);
  g_assert_cmpuint(l.rx, ==, 0);
  lan_free(&l);
}

/* A device transmit queue that overflows: counted as queue_full, addresses read past the
 * link header (PPP on point-to-point). */
static void test_queue_full_counted(void)
{
  NetWorld *w = net_world_new(1);
  NetNode *a = net_node_new(w, "a"), *b = net_node_new(w, "b");
  NetLinkConfig cfg = {.rate_bps = 1000000, .delay_ns = 1000000, .queue_packets = 2};
  NetLink *l = net_link_p2p_new(w, a, b, &cfg);
  net_dev_add_address(net_link_dev(l, 0), tu_addr("10.0.0.1"), 30);
  net_dev_add_address(net_link_dev(l, 1), tu_addr("10.0.0.2"), 30);
  Lan g = {.drops = g_array_new(FALSE, FALSE, sizeof(NetDrop))};
  net_world_set_drop_fn(w, lan_drop, &g);
  NetUdpSocket *s = net_udp_new(a, (Ipv4Addr){0}, 1000, lan_rx, &g);
  net_udp_new(b, (Ipv4Addr){0}, 2000, lan_rx, &g);
  uint8_t buf[100] = {0};
  /* one on the wire, two waiting, seven dropped */
  for (int i = 0; i < 10; i++)
    net_udp_send_to(s, buf, sizeof buf, tu_addr("10.0.0.2"), 2000);
  net_world_run_until(w, 1000000000);
  g_assert_cmpuint(g.rx, ==, 3);
  g_assert_cmpuint(net_node_drops(a, NET_DROP_QUEUE_FULL), ==, 7);
  g_assert_cmpuint(g.drops->len, ==, 7);
  const NetDrop *d = &g_array_index(g.drops, NetDrop, 0);
  g_assert_cmpint(d->reason, ==, NET_DROP_QUEUE_FULL);
  g_assert_cmpuint(d->src.v, ==, tu_addr("10.0.0.1").v);
  g_assert_cmpuint(d->dst.v, ==, tu_addr("10.0.0.2").v);
  g_assert_cmpuint(net_world_n_nodes(w), ==, 2);
  g_assert_true(net_world_node(w, 1) == b);
  g_assert_null(net_world_node(w, 2));
  g_array_free(g.drops, TRUE);
  net_world_free(w);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/net/arp/burst-delivered", test_arp_burst_delivered);
  g_test_add_func("/net/arp/queue-full-counted", test_arp_queue_full_counted);
  g_test_add_func("/net/arp/no-reply-and-unreachable", test_arp_no_reply_and_unreachable);
  g_test_add_func("/net/queue-full-counted", test_queue_full_counted);
  return g_test_run();
}
