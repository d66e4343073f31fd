/* SPDX-License-Identifier: MIT */
/* BGP convergence: ten device speakers each originating 4,000 distinct prefixes to one
 * Azure gateway speaker over an in-process, in-order simulated TCP, timed until every
 * route is in every RIB; then the UPDATE decode rate over the bytes that were received. */
#include "models/bgp/bgp_azure.h"
#include "models/bgp/bgp_speaker.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_DEV 10
#define N_PREFIX 4000
#define N_NODES (N_DEV + 1)

typedef struct {
  int node[2];
  uint32_t peer[2];
  uint32_t id[2];
  bool open[2];
} Link;

typedef enum { ITEM_CONNECT, ITEM_DATA, ITEM_CLOSE } ItemKind;

typedef struct {
  ItemKind kind;
  size_t link;
  int from;
  GBytes *data;
} Item;

typedef struct Net Net;

typedef struct {
  Net *net;
  int idx;
  BgpSpeaker *sp;
  int64_t timer_at;
  uint32_t to[N_NODES];
} Node;

struct Net {
  int64_t now;
  Node node[N_NODES];
  Link links[4 * N_NODES];
  size_t n_links;
  GQueue items;
  uint32_t next_id;
  GByteArray *rx[4 * N_NODES][2]; /* every byte each end received, for the decode rate */
};

static void die(const char *what)
{
  fprintf(stderr, "bgp_bench: %s\n", what);
  exit(3);
}

static int64_t env_now(void *u) { return ((Node *)u)->net->now; }
static void env_timer(void *u, int64_t at) { ((Node *)u)->timer_at = at; }
static void env_cancel(void *u) { ((Node *)u)->timer_at = 0; }

static void push(Net *n, ItemKind k, size_t link, int from, GBytes *data)
{
  Item *it = g_new0(Item, 1);
  *it = (Item){k, link, from, data};
  g_queue_push_tail(&n->items, it);
}

static uint32_t env_open(void *u, uint32_t peer)
{
  Node *nd = u;
  Net *n = nd->net;
  int other = -1;
  for (int i = 0; i < N_NODES; i++)
    if (nd->to[i] == peer)
      other = i;
  if (other < 0 || n->n_links >= G_N_ELEMENTS(n->links))
    die("tcp_open");
  Link *l = &n->links[n->n_links];
  *l = (Link){.node = {nd->idx, other}, .peer = {peer, n->node[other].to[nd->idx]},
              .id = {++n->next_id, ++n->next_id}, .open = {true, true}};
  push(n, ITEM_CONNECT, n->n_links++, 0, NULL);
  return l->id[0];
}

static Link *link_of(Net *n, int node, uint32_t id, size_t *li, int *end)
{
  for (size_t i = 0; i < n->n_links; i++)
    for (int e = 0; e < 2; e++)
      if (n->links[i].node[e] == node && n->links[i].id[e] == id) {
        *li = i;
        *end = e;
        return &n->links[i];
      }
  die("unknown connection");
  return NULL;
}

static void env_send(void *u, uint32_t peer, uint32_t id, const uint8_t *d, size_t len)
{
  Node *nd = u;
  size_t li;
  int e;
  link_of(nd->net, nd->idx, id, &li, &e);
  push(nd->net, ITEM_DATA, li, e, g_bytes_new(d, len));
}

static void env_close(void *u, uint32_t peer, uint32_t id)
{
  Node *nd = u;
  size_t li;
  int e;
  Link *l = link_of(nd->net, nd->idx, id, &li, &e);
  if (l->open[e]) {
    l->open[e] = false;
    push(nd->net, ITEM_CLOSE, li, e, NULL);
  }
}

static void pump(Net *n)
{
  Item *it;
  while ((it = g_queue_pop_head(&n->items))) {
    Link *l = &n->links[it->link];
    int to = 1 - it->from;
    BgpSpeaker *dst = n->node[l->node[to]].sp, *src = n->node[l->node[it->from]].sp;
    if (it->kind == ITEM_CONNECT) {
      if (bgp_speaker_tcp_accept(dst, l->peer[to], l->id[to])) {
        bgp_speaker_tcp_up(src, l->peer[it->from], l->id[it->from]);
      } else {
        l->open[0] = l->open[1] = false;
        bgp_speaker_tcp_failed(src, l->peer[it->from], l->id[it->from]);
      }
    } else if (it->kind == ITEM_DATA) {
      size_t len;
      const uint8_t *p = g_bytes_get_data(it->data, &len);
      if (l->open[to]) {
        g_byte_array_append(n->rx[it->link][to], p, (guint)len);
        bgp_speaker_rx(dst, l->peer[to], l->id[to], p, len);
      }
      g_bytes_unref(it->data);
    } else if (l->open[to]) {
      l->open[to] = false;
      bgp_speaker_tcp_failed(dst, l->peer[to], l->id[to]);
    }
    g_free(it);
  }
}

static Ipv4Prefix dev_prefix(int d, unsigned k)
{
  return ipv4_prefix_make(ipv4_addr((uint8_t)(100 + d), (uint8_t)(k >> 8), (uint8_t)k, 0), 24);
}

static Net *net_new(void)
{
  Net *n = g_new0(Net, 1);
  n->now = 1000000000000ll;
  g_queue_init(&n->items);
  for (size_t i = 0; i < G_N_ELEMENTS(n->rx); i++)
    for (int e = 0; e < 2; e++)
      n->rx[i][e] = g_byte_array_new();
  for (int i = 0; i < N_NODES; i++) {
    n->node[i].net = n;
    n->node[i].idx = i;
  }
  Ipv4Addr gw_addr = ipv4_addr(10, 1, 255, 30);
  Ipv4Prefix vnet[] = {ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16)};
  BgpAzureGateway agw = {.node = "vgw1/0", .router_id = gw_addr, .vnet = vnet, .n_vnet = 1};
  BgpSpeakerConfig gcfg;
  bgp_azure_speaker_config(&agw, &gcfg);
  BgpSpeakerEnv env = {.now = env_now, .timer_schedule = env_timer, .timer_cancel = env_cancel,
                       .tcp_open = env_open, .tcp_send = env_send, .tcp_close = env_close};
  Node *g = &n->node[0];
  env.user = g;
  g->sp = bgp_speaker_new(&gcfg, &env);
  for (int d = 1; d <= N_DEV; d++) {
    Ipv4Addr addr = ipv4_addr(192, 168, (uint8_t)d, 254);
    char *name = g_strdup_printf("site%d", d);
    BgpSpeakerPeerConfig pc = {0};
    bgp_azure_peer_config(&pc);
    pc.fsm.peer = g_intern_string(name);
    g_free(name);
    pc.fsm.peer_as = 65000u + (uint32_t)d;
    pc.address = addr;
    pc.local_address = gw_addr;
    g->to[d] = bgp_speaker_peer_add(g->sp, &pc);

    Node *nd = &n->node[d];
    BgpSpeakerConfig c = {.node = pc.fsm.peer};
    c.rib.local_as = pc.fsm.peer_as;
    c.rib.router_id = addr;
    c.rib.rules = 1u << BGP_RULE_AS_PATH_LOOP | 1u << BGP_RULE_SPLIT_HORIZON |
                  1u << BGP_RULE_PEER_AS_IN_PATH;
    env.user = nd;
    nd->sp = bgp_speaker_new(&c, &env);
    BgpSpeakerPeerConfig dpc = {.fsm = {.peer = "azure", .peer_as = 65515, .hold_time_s = 240,
                                        .passive = true},
                                .address = gw_addr, .local_address = addr};
    nd->to[0] = bgp_speaker_peer_add(nd->sp, &dpc);
    for (unsigned k = 0; k < N_PREFIX; k++)
      bgp_speaker_add_local(nd->sp, dev_prefix(d, k));
  }
  return n;
}

static void net_free(Net *n)
{
  for (int i = 0; i < N_NODES; i++)
    bgp_speaker_free(n->node[i].sp);
  for (size_t i = 0; i < G_N_ELEMENTS(n->rx); i++)
    for (int e = 0; e < 2; e++)
      g_byte_array_unref(n->rx[i][e]);
  g_free(n);
}

/* Every device's prefixes at every node, as a best path. */
static bool converged(const Net *n)
{
  for (int i = 0; i < N_NODES; i++)
    for (int d = 1; d <= N_DEV; d++)
      for (unsigned k = 0; k < N_PREFIX; k++) {
        const BgpRoute *b;
        if (!bgp_rib_best(bgp_speaker_rib(n->node[i].sp), dev_prefix(d, k), &b, 1))
          return false;
      }
  return true;
}

/* Decode every UPDATE in the received streams; the prefixes they carried. */
static uint64_t decode_all(const Net *n, uint64_t *bytes)
{
  BgpCodecCtx ctx = {.as4 = true};
  uint64_t prefixes = 0;
  *bytes = 0;
  for (size_t i = 0; i < n->n_links; i++)
    for (int e = 0; e < 2; e++) {
      const GByteArray *a = n->rx[i][e];
      size_t off = 0, len;
      BgpDiag d;
      while (off < a->len && bgp_frame(a->data + off, a->len - off, &len, &d) == WIRE_OK) {
        if (a->data[off + 18] == BGP_MSG_UPDATE) {
          BgpMessage *m = NULL;
          if (bgp_message_decode(a->data + off, len, &ctx, &m, &d) != WIRE_OK || !m)
            die("decode");
          prefixes += m->u.update.n_nlri + m->u.update.n_withdrawn;
          *bytes += len;
          bgp_message_free(m);
        }
        off += len;
      }
    }
  return prefixes;
}

int main(void)
{
  Net *n = net_new();
  int64_t t0 = g_get_monotonic_time();
  for (int d = 1; d <= N_DEV; d++)
    bgp_speaker_start(n->node[d].sp, n->node[d].to[0]);
  for (int d = 1; d <= N_DEV; d++)
    bgp_speaker_start(n->node[0].sp, n->node[0].to[d]);
  pump(n);
  int64_t t1 = g_get_monotonic_time();
  if (!converged(n))
    die("not converged");
  printf("BENCH bgp.converge10x4000.wall %.3f s\n", (t1 - t0) / 1e6);

  uint64_t bytes = 0, prefixes = 0;
  int rounds = 0;
  int64_t d0 = g_get_monotonic_time(), d1;
  do {
    prefixes += decode_all(n, &bytes);
    rounds++;
    d1 = g_get_monotonic_time();
  } while (d1 - d0 < 1000000 && rounds < 100);
  if (!prefixes)
    die("no UPDATE received");
  printf("BENCH bgp.update.decode_rate %.0f prefixes/s\n", prefixes / ((d1 - d0) / 1e6));
  fflush(stdout);
  fprintf(stderr, "# %d rounds over %" G_GUINT64_FORMAT " UPDATE octets, %" G_GUINT64_FORMAT
                  " prefixes each\n",
          rounds, bytes, prefixes / (uint64_t)rounds);
  net_free(n);
  return 0;
}
