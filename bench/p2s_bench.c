/* SPDX-License-Identifier: MIT */
/* Point-to-site at SKU scale: N IKEv2 clients with certificates (VpnGw5's documented limit
 * is 10,000, facts 1.1) connect to a VpnGw5 gateway in one run through the runner,
 * and the wall time is set against the DH bound measured in the same process: the bare
 * OpenSSL cost of the Diffie-Hellman work the run cannot avoid (per client, a key pair and
 * a derivation on each side in the group they agree on, group 24 = RFC 5114 2048-bit MODP
 * with a 256-bit subgroup). The ratio is bound / wall: 1 would be a run that does nothing
 * but the DH; the rest is RSA signatures, the simulator and the outputs.
 *
 *   p2s_bench [N]     (N clients; the run must connect every one of them) */
#include "bench/bench_dh.h"
#include "bench/bench_util.h"
#include "sim/run/runner.h"
#include "sim/scenario/scenario.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seconds of bare DH for one establishment (both sides), median of 5 rounds. */
static double dh_per_client(void)
{
  double t[5];
  for (int r = 0; r < 5; r++) {
    double s = bench_now_s();
    for (int i = 0; i < 20; i++)
      bench_dh_exchange("p2s_bench", "DH", "dh_2048_256", 0);
    t[r] = (bench_now_s() - s) / 20;
  }
  return bench_median(t, 5);
}

static const char scenario_fmt[] =
    "name: p2s-bench\n"
    "seed: 1\n"
    "duration: %us\n"
    "cloud:\n"
    "  virtualNetworks:\n"
    "    - name: vnet1\n"
    "      addressSpace: [10.1.0.0/16]\n"
    "      subnets:\n"
    "        - {name: GatewaySubnet, addressPrefix: 10.1.255.0/27}\n"
    "  virtualNetworkGateways:\n"
    "    - name: vgw1\n"
    "      virtualNetwork: vnet1\n"
    "      sku: VpnGw5\n"
    "      vpnGatewayGeneration: Generation2\n"
    "      publicIpAddress: 203.0.113.10\n"
    "      vpnClientConfiguration:\n"
    "        vpnClientAddressPool: [172.16.0.0/18]\n"
    "        vpnClientProtocols: [IkeV2]\n"
    "        vpnClientRootCertificates: [{name: P2SRootCert}]\n"
    "p2sClients:\n"
    "  - name: c\n"
    "    gateway: vgw1\n"
    "    publicIpAddress: 100.128.0.1\n"
    "    count: %u\n"
    "    connectAt: 1s\n"
    "    connectSpread: %ums\n"
    "    certificate: {issuer: P2SRootCert, keyBits: 1024}\n"
    "underlay:\n"
    "  links:\n"
    "    - {between: [vgw1, internet], delay: 5ms, rate: 10Gbps}\n"
    "expect:\n"
    "  - p2sConnections: vgw1\n"
    "    count: \"== %u\"\n";

int main(int argc, char **argv)
{
  /* `make bench` runs it without arguments: the documented 10,000. That took about 95 s of
   * CPU here (1,000 clients: 7 s), once the per-client scans were gone (issue 19: the
   * internet router's route and address scans in ns-3, the report's sequence diagrams, the
   * gateway's session, pool and tunnel lookups). */
  unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10000;
  if (n < 1 || n > 20000) {
    fprintf(stderr, "usage: p2s_bench [N: 1..20000]\n");
    return 2;
  }
  /* the clients connect over n milliseconds (a thousand a second), the run lasts 30 s
   * more */
  g_autofree char *text = g_strdup_printf(scenario_fmt, n / 1000 + 31, n, n, n);
  g_autoptr(GError) err = NULL;
  g_autoptr(GwDiags) diags = gw_diags_new();
  double t0 = bench_now_s();
  g_autoptr(ScnPlan) plan = scn_plan_load_string("p2s-bench.yaml", text, strlen(text), NULL,
                                                 diags, &err);
  if (!plan || gw_diags_count(diags, GW_SEV_ERROR)) {
    fprintf(stderr, "p2s_bench: %s\n", err ? err->message : "invalid scenario");
    return 1;
  }
  g_autofree char *dir = g_dir_make_tmp("p2s-bench-XXXXXX", &err);
  ScnRunOptions ro = {.out_dir = dir};
  ScnResults *res = scn_run(plan, NULL, &ro, &err);
  double wall = bench_now_s() - t0;
  if (!res) {
    fprintf(stderr, "p2s_bench: %s\n", err ? err->message : "run failed");
    return 1;
  }
  bool all = scn_results_failed(res) == 0;
  scn_results_free(res);
  g_autofree char *p2s = g_build_filename(dir, "p2s", NULL);
  bench_rm_tree(p2s);
  bench_rm_tree(dir);
  if (!all) {
    fprintf(stderr, "p2s_bench: not every client connected\n");
    return 1;
  }
  double dh = dh_per_client() * n;
  printf("BENCH p2s.clients%u.wall %.2f s\n", n, wall);
  printf("BENCH p2s.clients%u.connects_per_s %.1f /s\n", n, n / wall);
  printf("BENCH p2s.clients%u.dh_bound %.2f s\n", n, dh);
  /* bound / wall: the share of the run's wall time the DH alone needs */
  printf("BENCH p2s.clients%u.ratio %.3f x\n", n, dh / wall);
  return 0;
}
