/* SPDX-License-Identifier: MIT */
/* Cost of the C wrapper over plain ns-3: chained events per second and simulated UDP
 * packets per wall second over one link (with and without taps), each against the same
 * loop in plain ns-3 C++ (bench/ns3_plain_bench.cc, run as a child process in between,
 * since ns-3 holds one simulator per process). Median of interleaved runs; a ratio is
 * wrapper throughput / plain throughput (the project's convention), so 0.91 means the
 * wrapper does the same work at 91 % of plain ns-3's rate. "net_bench events|udp|udp-taps"
 * runs one wrapper measurement alone (for perf stat / perf record). */
#include "bench/bench_util.h"
#include "sim/engine/net.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 5
#define N_EVENTS 2000000
#define N_UDP 100000

/* ---- events ---- */

static uint64_t g_left;

static void step(NetWorld *w, void *user)
{
  if (--g_left)
    net_schedule(w, 1, step, user);
}

static double bench_events(void)
{
  NetWorld *w = net_world_new(1);
  g_left = N_EVENTS;
  net_schedule(w, 1, step, NULL);
  double t0 = bench_now_s();
  net_world_run(w);
  double t = bench_now_s() - t0;
  net_world_free(w);
  return t * 1e9 / N_EVENTS;
}

/* ---- UDP over one link: 10 Gb/s, 1 ms, 1400 B at line rate (1144 ns apart) ---- */

typedef struct {
  NetUdpSocket *tx;
  uint64_t left, rx, tapped;
  uint8_t payload[1400];
  uint8_t rxbuf[65536];
} Udp;

static void udp_send(NetWorld *w, void *user)
{
  Udp *u = user;
  net_udp_send_to(u->tx, u->payload, sizeof u->payload, (Ipv4Addr){0x0a000002}, 9);
  if (--u->left)
    net_schedule(w, 1144, udp_send, u);
}

static void udp_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src, uint16_t sport,
                   void *user)
{
  Udp *u = user;
  memcpy(u->rxbuf, data, len); /* the plain loop copies too */
  u->rx++;
}

static void tap(NetDev *d, NetTapDir dir, int64_t t, const uint8_t *f, size_t len, void *user)
{
  Udp *u = user;
  u->tapped += f[0] + 1u;
}

static double bench_udp(bool taps)
{
  NetWorldOptions o = {.seed = 1, .no_checksums = true};
  NetWorld *w = net_world_new_ex(&o);
  NetNode *a = net_node_new(w, "a"), *b = net_node_new(w, "b");
  NetLinkConfig cfg = {.rate_bps = 10000000000ULL, .delay_ns = 1000000};
  NetLink *l = net_link_p2p_new(w, a, b, &cfg);
  net_dev_add_address(net_link_dev(l, 0), (Ipv4Addr){0x0a000001}, 30);
  net_dev_add_address(net_link_dev(l, 1), (Ipv4Addr){0x0a000002}, 30);
  static Udp u;
  memset(&u, 0, sizeof u);
  memset(u.payload, 0x5a, sizeof u.payload);
  u.left = N_UDP;
  if (taps)
    for (int i = 0; i < 2; i++)
      net_dev_tap_add(net_link_dev(l, (size_t)i), NET_TAP_TX | NET_TAP_RX, tap, &u);
  net_udp_new(b, (Ipv4Addr){0}, 9, udp_rx, &u);
  u.tx = net_udp_new(a, (Ipv4Addr){0}, 0, udp_rx, &u);
  net_schedule(w, 0, udp_send, &u);
  double t0 = bench_now_s();
  net_world_run(w);
  double t = bench_now_s() - t0;
  if (u.rx != N_UDP) {
    fprintf(stderr, "net_bench: %" G_GUINT64_FORMAT " of %d datagrams arrived\n", u.rx, N_UDP);
    exit(1);
  }
  net_world_free(w);
  return N_UDP / t;
}

/* ---- the plain ns-3 reference, in a child ---- */

static char *g_plain;

static double plain(const char *what, const char *n, const char *extra)
{
  const char *argv[] = {g_plain, what, n, extra, NULL};
  char *out = NULL;
  int status;
  GError *err = NULL;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                    &err) ||
      !g_spawn_check_wait_status(status, &err)) {
    fprintf(stderr, "net_bench: %s: %s\n", g_plain, err ? err->message : "failed");
    exit(1);
  }
  /* "BENCH <name> <value> <unit>" */
  char name[64];
  double v = 0;
  if (sscanf(out, "BENCH %63s %lf", name, &v) != 2) {
    fprintf(stderr, "net_bench: unexpected output from %s: %s\n", g_plain, out);
    exit(1);
  }
  g_free(out);
  return v;
}

int main(int argc, char **argv)
{
  /* one wrapper measurement alone, for profilers (perf stat, perf record) */
  if (argc == 2 && strcmp(argv[1], "events") == 0) {
    printf("BENCH net.events.chain %.1f ns/event\n", bench_events());
    return 0;
  }
  if (argc == 2 && (strcmp(argv[1], "udp") == 0 || strcmp(argv[1], "udp-taps") == 0)) {
    bool taps = strcmp(argv[1], "udp-taps") == 0;
    printf("BENCH net.udp%s %.0f pkt/s\n", taps ? ".taps" : "", bench_udp(taps));
    return 0;
  }
  g_autofree char *dir = g_path_get_dirname(argv[0]);
  g_plain = g_build_filename(dir, "ns3_plain_bench", NULL);
  char n_ev[32], n_udp[32];
  snprintf(n_ev, sizeof n_ev, "%d", N_EVENTS);
  snprintf(n_udp, sizeof n_udp, "%d", N_UDP);

  double we[REPS], pe[REPS], wu[REPS], pu[REPS], wt[REPS], pt[REPS];
  for (int i = 0; i < REPS; i++) {
    we[i] = bench_events();
    pe[i] = plain("events", n_ev, NULL);
    wu[i] = bench_udp(false);
    pu[i] = plain("udp", n_udp, NULL);
    wt[i] = bench_udp(true);
    pt[i] = plain("udp", n_udp, "copy");
  }
  double e_w = bench_median(we, REPS), e_p = bench_median(pe, REPS);
  double u_w = bench_median(wu, REPS), u_p = bench_median(pu, REPS), t_w = bench_median(wt, REPS), t_p = bench_median(pt, REPS);
  printf("# ratio = wrapper throughput / plain ns-3 throughput for the same work (1.0 equal, higher better); median of %d\n", REPS);
  printf("BENCH net.events.chain %.1f ns/event\n", e_w);
  printf("BENCH ns3.events.chain %.1f ns/event\n", e_p);
  printf("BENCH net.events.chain.ratio %.3f x\n", e_p / e_w);
  printf("BENCH net.udp %.0f pkt/s\n", u_w);
  printf("BENCH ns3.udp %.0f pkt/s\n", u_p);
  printf("BENCH net.udp.ratio %.3f x\n", u_w / u_p);
  printf("BENCH net.udp.taps %.0f pkt/s\n", t_w);
  printf("BENCH ns3.udp.tracecopy %.0f pkt/s\n", t_p);
  printf("BENCH net.udp.taps.ratio %.3f x\n", t_w / t_p);
  printf("BENCH net.udp.taps_vs_none.ratio %.3f x\n", t_w / u_w);
  g_free(g_plain);
  return 0;
}
