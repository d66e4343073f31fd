/* SPDX-License-Identifier: MIT */
/* Simulated packets per wall second through one vpnsim tunnel against plain ns-3 forwarding
 * over the same topology (host, on-premises device, internet router, gateway, VM; see
 * bench/ns3_chain_bench.cc, run as a child process since ns-3 holds one simulator per
 * process): the same UDP datagrams (1372 bytes, a 1400-byte inner packet, one every 20 us)
 * once through an IKEv2/ESP (AES-256-GCM) tunnel with real crypto, once as plain IPv4.
 * Taps on: vpnsim writes its pcaps (one per link), ns-3 copies every frame out on every
 * device. Median of REPS interleaved runs; the ratio is ours over plain ns-3. The vpnsim
 * figure is the whole run (loading, IKE set-up, outputs) over the datagrams received.
 * "tunnel_vs_plain_bench tunnel|tunnel-taps" runs one vpnsim measurement (for perf). */
#include "bench/bench_util.h"
#include "sim/run/runner.h"
#include "sim/scenario/scenario.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 3
#define N_PKT 50000
#define SIZE 1372
#define GAP_NS 20000

/* One tunnel on a VpnGw5AZ (2.3 Gb/s per tunnel: 549 Mb/s of datagrams is not shaped). */
static char *scenario(void)
{
  double secs = (double)N_PKT * GAP_NS / 1e9;
  double mbps = SIZE * 8.0 / GAP_NS * 1e3;
  return g_strdup_printf(
      "name: tunnel-vs-plain\nseed: 1\nduration: %.3fs\n"
      "cloud:\n  virtualNetworks:\n    - name: vnet1\n      addressSpace: [10.1.0.0/16]\n"
      "      subnets:\n        - {name: GatewaySubnet, addressPrefix: 10.1.255.0/27}\n"
      "        - {name: workload, addressPrefix: 10.1.1.0/24}\n"
      "  virtualNetworkGateways:\n    - {name: vgw1, virtualNetwork: vnet1, gatewayType: Vpn, "
      "vpnType: RouteBased, sku: VpnGw5AZ, vpnGatewayGeneration: Generation2, "
      "activeActive: false, enableBgp: false, publicIpAddress: 203.0.113.10}\n"
      "  localNetworkGateways:\n    - {name: site1, gatewayIpAddress: 198.51.100.20, "
      "addressPrefixes: [192.168.1.0/24]}\n"
      "  connections:\n    - {name: c1, connectionType: IPsec, virtualNetworkGateway1: vgw1, "
      "localNetworkGateway2: site1, connectionProtocol: IKEv2, sharedKey: \"Bench.key.1\"}\n"
      "onPremises:\n  devices:\n    - {name: dev1, profile: strongswan-5.9, "
      "publicIpAddress: 198.51.100.20, lanPrefixes: [192.168.1.0/24], peer: vgw1, "
      "sharedKey: \"Bench.key.1\", startAction: initiate, "
      "ikeProposals: [aes256-sha256-modp1024], espProposals: [aes256gcm16]}\n"
      "hosts:\n  - {name: vm1, subnet: vnet1/workload, address: 10.1.1.4}\n"
      "  - {name: pc1, behind: dev1, address: 192.168.1.10}\n"
      "underlay:\n  links:\n    - {between: [vgw1, internet], delay: 1ms, rate: 10Gbps}\n"
      "    - {between: [dev1, internet], delay: 1ms, rate: 10Gbps}\n"
      "timeline:\n  - {at: 100ms, udp: {from: pc1, to: vm1, rate: %.1fMbps, size: %d, "
      "duration: %.3fs, name: u1}}\n",
      secs + 0.3, mbps, SIZE, secs);
}

/* Datagrams received per wall second of the whole run, or -1. */
static double tunnel_once(bool taps)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(GwDiags) diags = gw_diags_new();
  g_autofree char *text = scenario();
  double t0 = bench_now_s();
  g_autoptr(ScnPlan) plan = scn_plan_load_string("tunnel-vs-plain.yaml", text, strlen(text),
                                                 NULL, diags, &err);
  if (!plan) {
    fprintf(stderr, "tunnel_vs_plain_bench: %s\n", err ? err->message : "invalid scenario");
    return -1;
  }
  g_autofree char *dir = g_dir_make_tmp("tvp-bench-XXXXXX", &err);
  ScnRunOptions ro = {.out_dir = dir, .no_pcaps = !taps};
  ScnResults *res = scn_run(plan, NULL, &ro, &err);
  double t = bench_now_s() - t0;
  double n = bench_flow_stat(dir, "u1", "packets");
  bench_rm_tree(dir);
  if (!res) {
    fprintf(stderr, "tunnel_vs_plain_bench: %s\n", err->message);
    return -1;
  }
  scn_results_free(res);
  if (n < N_PKT * 0.9) {
    fprintf(stderr, "tunnel_vs_plain_bench: %.0f of %d datagrams arrived\n", n, N_PKT);
    return -1;
  }
  return n / t;
}

static double plain_once(const char *exe, bool taps)
{
  char n[32], gap[32], size[32];
  g_snprintf(n, sizeof n, "%d", N_PKT);
  g_snprintf(size, sizeof size, "%d", SIZE);
  g_snprintf(gap, sizeof gap, "%d", GAP_NS);
  const char *argv[] = {exe, n, size, gap, taps ? "copy" : NULL, NULL};
  g_autofree char *out = NULL;
  g_autoptr(GError) err = NULL;
  int status = 0;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                    &err) ||
      !g_spawn_check_wait_status(status, &err)) {
    fprintf(stderr, "tunnel_vs_plain_bench: %s: %s\n", exe, err->message);
    return -1;
  }
  char name[64];
  double v;
  if (sscanf(out, "BENCH %63s %lf", name, &v) != 2)
    return -1;
  return v;
}

int main(int argc, char **argv)
{
  if (argc == 2 && (!strcmp(argv[1], "tunnel") || !strcmp(argv[1], "tunnel-taps"))) {
    bool taps = !strcmp(argv[1], "tunnel-taps");
    printf("BENCH run.tunnel%s %.0f pkt/s\n", taps ? ".taps" : "", tunnel_once(taps));
    return 0;
  }
  g_autofree char *dir = g_path_get_dirname(argv[0]);
  g_autofree char *plain = g_build_filename(dir, "ns3_chain_bench", NULL);
  for (int taps = 0; taps < 2; taps++) {
    double w[REPS], p[REPS];
    for (int i = 0; i < REPS; i++) {
      w[i] = tunnel_once(taps);
      p[i] = plain_once(plain, taps);
      if (w[i] < 0 || p[i] < 0)
        return 1;
    }
    double mw = bench_median(w, REPS), mp = bench_median(p, REPS);
    const char *sfx = taps ? ".taps" : "";
    printf("BENCH run.tunnel%s %.0f pkt/s\n", sfx, mw);
    printf("BENCH ns3.chain%s %.0f pkt/s\n", taps ? ".tracecopy" : "", mp);
    printf("BENCH run.tunnel_vs_plain%s.ratio %.3f x\n", sfx, mw / mp);
  }
  return 0;
}
