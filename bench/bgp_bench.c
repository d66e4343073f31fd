/* SPDX-License-Identifier: MIT */
/* BGP convergence: ten device speakers each originating 4,000 distinct prefixes to one
 * Azure gateway speaker over an in-process, in-order simulated TCP, timed until every
 * route is in every RIB; then the UPDATE decode rate over the bytes that were received. */
#include "models/bgp/bgp_azure.h"
#include "models/bgp/bgp_loopback.h"
#include "models/bgp/bgp_speaker.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_DEV 10
#define N_PREFIX 4000
#define N_NODES (N_DEV + 1)

typedef struct {
  BgpLoop loop;
  GByteArray *rx[BGP_LOOP_MAX_LINKS][2]; /* every byte each end received, for the decode rate */
} Net;

static void die(const char *what)
{
  fprintf(stderr, "bgp_bench: %s\n", what);
  exit(3);
}

static void on_rx(void *u, size_t link, int end, const uint8_t *p, size_t len)
{
  g_byte_array_append(((Net *)u)->rx[link][end], p, (guint)len);
}

static void pump(Net *n)
{
  bgp_loop_pump(&n->loop, 0);
  if (n->loop.errors)
    die("the simulated TCP was misused");
}

static Ipv4Prefix dev_prefix(int d, unsigned k)
{
  return ipv4_prefix_make(ipv4_addr((uint8_t)(100 + d), (uint8_t)(k >> 8), (uint8_t)k, 0), 24);
}

static Net *net_new(void)
{
  Net *n = g_new0(Net, 1);
  bgp_loop_init(&n->loop, N_NODES, 1000000000000ll);
  n->loop.on_rx = on_rx;
  n->loop.on_rx_user = n;
  for (size_t i = 0; i < G_N_ELEMENTS(n->rx); i++)
    for (int e = 0; e < 2; e++)
      n->rx[i][e] = g_byte_array_new();
  Ipv4Addr gw_addr = ipv4_addr(10, 1, 255, 30);
  Ipv4Prefix vnet[] = {ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16)};
  BgpAzureGateway agw = {.node = "vgw1/0", .router_id = gw_addr, .vnet = vnet, .n_vnet = 1};
  BgpSpeakerConfig gcfg;
  bgp_azure_speaker_config(&agw, &gcfg);
  BgpLoopNode *g = &n->loop.node[0];
  BgpSpeakerEnv env = bgp_loop_env(&n->loop, 0);
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

    BgpLoopNode *nd = &n->loop.node[d];
    BgpSpeakerConfig c = {.node = pc.fsm.peer};
    c.rib.local_as = pc.fsm.peer_as;
    c.rib.router_id = addr;
    c.rib.rules = 1u << BGP_RULE_AS_PATH_LOOP | 1u << BGP_RULE_SPLIT_HORIZON |
                  1u << BGP_RULE_PEER_AS_IN_PATH;
    env = bgp_loop_env(&n->loop, d);
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
  bgp_loop_clear(&n->loop);
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
        if (!bgp_rib_best(bgp_speaker_rib(n->loop.node[i].sp), dev_prefix(d, k), &b, 1))
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
  for (size_t i = 0; i < n->loop.n_links; i++)
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
    bgp_speaker_start(n->loop.node[d].sp, n->loop.node[d].to[0]);
  for (int d = 1; d <= N_DEV; d++)
    bgp_speaker_start(n->loop.node[0].sp, n->loop.node[0].to[d]);
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
