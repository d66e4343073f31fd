/* SPDX-License-Identifier: MIT */
/* Two IKE engines back to back in memory (ike_loopback.h). */
#include "models/ike/ike_loopback.h"

static int64_t loop_now(void *u) { return ((IkeLoopPeer *)u)->loop->now; }
static void loop_sched(void *u, int64_t at) { ((IkeLoopPeer *)u)->timer = at; }
static void loop_cancel(void *u) { ((IkeLoopPeer *)u)->timer = INT64_MAX; }
static void loop_install(void *u, const IkeChildInstall *c)
{
  (void)c;
  ((IkeLoopPeer *)u)->installs++;
}
static void loop_remove(void *u, uint32_t a, uint32_t b, const char *why)
{
  (void)u, (void)a, (void)b, (void)why;
}

static void loop_send(void *u, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                      const uint8_t *d, size_t n)
{
  IkeLoopPeer *p = u;
  IkeLoop *l = p->loop;
  if (l->max_queued && g_queue_get_length(&l->net) > l->max_queued)
    return;
  IkeLoopPkt *k = g_new(IkeLoopPkt, 1);
  *k = (IkeLoopPkt){.to = !p->self, .data = g_bytes_new(d, n), .src = src, .dst = dst,
                    .sport = sport, .dport = dport};
  g_queue_push_tail(&l->net, k);
}

void ike_loop_init(IkeLoop *l, int64_t now, size_t max_queued)
{
  *l = (IkeLoop){.now = now, .max_queued = max_queued};
  g_queue_init(&l->net);
  for (int i = 0; i < 2; i++)
    l->peer[i] = (IkeLoopPeer){.loop = l, .self = i, .timer = INT64_MAX};
}

IkeEnv ike_loop_env(IkeLoop *l, int self, Drbg *rng)
{
  return (IkeEnv){.user = &l->peer[self], .rng = rng, .now = loop_now,
                  .timer_schedule = loop_sched, .timer_cancel = loop_cancel, .send = loop_send,
                  .child_install = loop_install, .child_remove = loop_remove};
}

static void loop_pkt_free(IkeLoopPkt *k)
{
  g_bytes_unref(k->data);
  g_free(k);
}

void ike_loop_pump(IkeLoop *l, IkeLoopRx rx, void *conn0, void *conn1, unsigned max)
{
  IkeLoopPkt *k;
  for (unsigned i = 0; (max == 0 || i < max) && (k = g_queue_pop_head(&l->net)); i++) {
    gsize n;
    const uint8_t *d = g_bytes_get_data(k->data, &n);
    rx(k->to ? conn1 : conn0, k->src, k->sport, k->dst, k->dport, d, n);
    loop_pkt_free(k);
  }
}

void ike_loop_clear(IkeLoop *l)
{
  IkeLoopPkt *k;
  while ((k = g_queue_pop_head(&l->net)))
    loop_pkt_free(k);
}
