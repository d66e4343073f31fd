/* SPDX-License-Identifier: MIT */
/* BGP speakers back to back over an in-order simulated TCP (bgp_loopback.h). */
#include "models/bgp/bgp_loopback.h"

typedef enum { ITEM_CONNECT, ITEM_DATA, ITEM_CLOSE } ItemKind;

typedef struct {
  ItemKind kind;
  size_t link;
  int from; /* 0 or 1: the end of the link that sent it */
  GBytes *data;
} Item;

static int64_t env_now(void *u) { return ((BgpLoopNode *)u)->loop->now; }
static void env_timer(void *u, int64_t at) { ((BgpLoopNode *)u)->timer_at = at; }
static void env_cancel(void *u) { ((BgpLoopNode *)u)->timer_at = 0; }

static void push(BgpLoop *l, ItemKind k, size_t link, int from, GBytes *data)
{
  Item *it = g_new0(Item, 1);
  *it = (Item){k, link, from, data};
  g_queue_push_tail(&l->items, it);
}

static uint32_t env_open(void *u, uint32_t peer)
{
  BgpLoopNode *nd = u;
  BgpLoop *l = nd->loop;
  int other = -1;
  for (size_t i = 0; i < l->n_nodes; i++)
    if (nd->to[i] == peer)
      other = (int)i;
  if (other < 0 || l->n_links >= G_N_ELEMENTS(l->links)) {
    l->errors++;
    return 0;
  }
  BgpLoopLink *k = &l->links[l->n_links];
  *k = (BgpLoopLink){.node = {nd->idx, other}, .peer = {peer, l->node[other].to[nd->idx]},
                     .id = {++l->next_id, ++l->next_id}, .open = {true, true}};
  push(l, ITEM_CONNECT, l->n_links++, 0, NULL);
  return k->id[0];
}

/* The link of node's connection id, and which end the node is; NULL (counted) if none. */
static BgpLoopLink *link_of(BgpLoop *l, int node, uint32_t id, size_t *li, int *end)
{
  for (size_t i = 0; i < l->n_links; i++)
    for (int e = 0; e < 2; e++)
      if (l->links[i].node[e] == node && l->links[i].id[e] == id) {
        *li = i;
        *end = e;
        return &l->links[i];
      }
  l->errors++;
  return NULL;
}

static void env_send(void *u, uint32_t peer, uint32_t id, const uint8_t *d, size_t len)
{
  BgpLoopNode *nd = u;
  size_t li;
  int e;
  (void)peer;
  if (link_of(nd->loop, nd->idx, id, &li, &e))
    push(nd->loop, ITEM_DATA, li, e, g_bytes_new(d, len));
}

static void env_close(void *u, uint32_t peer, uint32_t id)
{
  BgpLoopNode *nd = u;
  size_t li;
  int e;
  (void)peer;
  BgpLoopLink *k = link_of(nd->loop, nd->idx, id, &li, &e);
  if (k && k->open[e]) {
    k->open[e] = false;
    push(nd->loop, ITEM_CLOSE, li, e, NULL);
  }
}

void bgp_loop_init(BgpLoop *l, size_t n_nodes, int64_t now)
{
  *l = (BgpLoop){.now = now, .n_nodes = MIN(n_nodes, (size_t)BGP_LOOP_MAX_NODES)};
  g_queue_init(&l->items);
  for (size_t i = 0; i < l->n_nodes; i++)
    l->node[i] = (BgpLoopNode){.loop = l, .idx = (int)i};
}

BgpSpeakerEnv bgp_loop_env(BgpLoop *l, int i)
{
  return (BgpSpeakerEnv){.user = &l->node[i], .now = env_now, .timer_schedule = env_timer,
                         .timer_cancel = env_cancel, .tcp_open = env_open,
                         .tcp_send = env_send, .tcp_close = env_close};
}

/* Delivers the oldest connect, segment or close; false when nothing is pending. */
static bool loop_step(BgpLoop *l)
{
  Item *it = g_queue_pop_head(&l->items);
  if (!it)
    return false;
  BgpLoopLink *k = &l->links[it->link];
  int to = 1 - it->from;
  BgpSpeaker *dst = l->node[k->node[to]].sp, *src = l->node[k->node[it->from]].sp;
  switch (it->kind) {
  case ITEM_CONNECT:
    if (bgp_speaker_tcp_accept(dst, k->peer[to], k->id[to])) {
      bgp_speaker_tcp_up(src, k->peer[it->from], k->id[it->from]);
    } else {
      k->open[0] = k->open[1] = false;
      bgp_speaker_tcp_failed(src, k->peer[it->from], k->id[it->from]);
    }
    break;
  case ITEM_DATA:
    if (k->open[to]) {
      size_t len;
      const uint8_t *p = g_bytes_get_data(it->data, &len);
      if (l->on_rx)
        l->on_rx(l->on_rx_user, it->link, to, p, len);
      bgp_speaker_rx(dst, k->peer[to], k->id[to], p, len);
    }
    g_bytes_unref(it->data);
    break;
  case ITEM_CLOSE:
    if (k->open[to]) {
      k->open[to] = false;
      bgp_speaker_tcp_failed(dst, k->peer[to], k->id[to]);
    }
    break;
  }
  g_free(it);
  return true;
}

size_t bgp_loop_pump(BgpLoop *l, size_t max)
{
  size_t n = 0;
  while ((max == 0 || n < max) && loop_step(l))
    n++;
  return n;
}

void bgp_loop_advance(BgpLoop *l, int64_t until, size_t max_steps)
{
  bgp_loop_pump(l, max_steps);
  for (;;) {
    int64_t t = 0;
    for (size_t i = 0; i < l->n_nodes; i++)
      if (l->node[i].timer_at && (!t || l->node[i].timer_at < t))
        t = l->node[i].timer_at;
    if (!t || t > until)
      break;
    l->now = t;
    for (size_t i = 0; i < l->n_nodes; i++)
      if (l->node[i].timer_at == t) {
        l->node[i].timer_at = 0;
        bgp_speaker_timeout(l->node[i].sp);
        bgp_loop_pump(l, max_steps);
      }
  }
  l->now = until;
}

void bgp_loop_clear(BgpLoop *l)
{
  for (size_t i = 0; i < l->n_nodes; i++) {
    bgp_speaker_free(l->node[i].sp);
    l->node[i].sp = NULL;
  }
  Item *it;
  while ((it = g_queue_pop_head(&l->items))) {
    if (it->data)
      g_bytes_unref(it->data);
    g_free(it);
  }
}
