/* SPDX-License-Identifier: MIT */
/* Wall time of whole scenario runs through the runner (sim/run/runner.h), outputs written to
 * a temporary folder: the bundled site-to-site scenario with its ping stretched to 60
 * requests (setup plus 60 simulated seconds of ping, median of REPS runs); the bundled
 * VpnGw1 throughput scenario (simulated megabits delivered per wall second); and a
 * generated scenario with 30 site-to-site tunnels on one VpnGw1 gateway running one
 * simulated hour with DPD on and 10-minute child SA lifetimes (rekeyed a minute early). */
#include "bench/bench_util.h"
#include "sim/run/runner.h"
#include "sim/scenario/scenario.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 5

/* Load and run one scenario; returns the wall seconds, or -1. With flow, *flow_bytes
 * receives what that flow delivered. */
static double run_once(const char *path, const char *text, ScnResults **out, const char *flow,
                       double *flow_bytes)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(GwDiags) diags = gw_diags_new();
  double t0 = bench_now_s();
  g_autoptr(ScnPlan) plan = text ? scn_plan_load_string(path, text, strlen(text), NULL, diags, &err)
                                 : scn_plan_load_file(path, NULL, diags, &err);
  if (!plan) {
    fprintf(stderr, "run_bench: %s\n", err ? err->message : "invalid scenario");
    return -1;
  }
  g_autofree char *dir = g_dir_make_tmp("run-bench-XXXXXX", &err);
  ScnRunOptions ro = {.out_dir = dir};
  ScnResults *res = scn_run(plan, NULL, &ro, &err);
  double t = bench_now_s() - t0;
  if (flow)
    *flow_bytes = bench_flow_stat(dir, flow, "bytes");
  bench_rm_tree(dir);
  if (!res) {
    fprintf(stderr, "run_bench: %s\n", err->message);
    return -1;
  }
  *out = res;
  return t;
}

/* 30 local sites on one VpnGw1 (its documented tunnel limit), each device initiating with
 * DPD and a 600 s child lifetime, a ping from the VM to every site each minute. */
static char *thirty_tunnels(void)
{
  GString *y = g_string_new(
      "name: bench-30-tunnels\nseed: 7\nduration: 1h\n"
      "cloud:\n  virtualNetworks:\n    - name: vnet1\n      addressSpace: [10.1.0.0/16]\n"
      "      subnets:\n        - {name: GatewaySubnet, addressPrefix: 10.1.255.0/27}\n"
      "        - {name: workload, addressPrefix: 10.1.1.0/24}\n"
      "  virtualNetworkGateways:\n    - {name: vgw1, virtualNetwork: vnet1, gatewayType: Vpn, "
      "vpnType: RouteBased, sku: VpnGw1, vpnGatewayGeneration: Generation1, activeActive: false, "
      "enableBgp: false, publicIpAddress: 203.0.113.10}\n  localNetworkGateways:\n");
  for (int i = 1; i <= 30; i++)
    g_string_append_printf(y, "    - {name: site%d, gatewayIpAddress: 198.51.100.%d, "
                              "addressPrefixes: [192.168.%d.0/24]}\n", i, 100 + i, i);
  g_string_append(y, "  connections:\n");
  for (int i = 1; i <= 30; i++)
    g_string_append_printf(y, "    - {name: c%d, connectionType: IPsec, virtualNetworkGateway1: vgw1, "
                              "localNetworkGateway2: site%d, connectionProtocol: IKEv2, "
                              "sharedKey: \"Bench.key.%d\", dpdTimeoutSeconds: 45}\n", i, i, i);
  g_string_append(y, "onPremises:\n  devices:\n");
  for (int i = 1; i <= 30; i++)
    g_string_append_printf(y, "    - {name: dev%d, profile: strongswan-5.9, publicIpAddress: 198.51.100.%d, "
                              "lanPrefixes: [192.168.%d.0/24], peer: 203.0.113.10, "
                              "sharedKey: \"Bench.key.%d\", startAction: initiate, "
                              "ikeProposals: [aes256-sha256-modp1024], espProposals: [aes256gcm16-noesn], "
                              "childLifetime: 600s, childRekeyMargin: 60s, "
                              "dpd: {interval: 10s, timeout: 45s, action: restart}}\n",
                           i, 100 + i, i, i);
  g_string_append(y, "hosts:\n  - {name: vm1, subnet: vnet1/workload, address: 10.1.1.4}\n");
  for (int i = 1; i <= 30; i++)
    g_string_append_printf(y, "  - {name: pc%d, behind: dev%d, address: 192.168.%d.10}\n", i, i, i);
  g_string_append(y, "underlay:\n  links:\n    - {between: [vgw1, internet], delay: 5ms, rate: 1Gbps}\n");
  for (int i = 1; i <= 30; i++)
    g_string_append_printf(y, "    - {between: [dev%d, internet], delay: %dms, rate: 100Mbps}\n", i, 10 + i);
  g_string_append(y, "timeline:\n");
  for (int i = 1; i <= 30; i++)
    g_string_append_printf(y, "  - {at: 30s, ping: {from: vm1, to: pc%d, count: 59, interval: 60s, name: p%d}}\n",
                           i, i);
  g_string_append(y, "expect:\n");
  for (int i = 1; i <= 30; i++)
    g_string_append_printf(y, "  - {tunnel: c%d, state: connected, by: 30s}\n  - {ping: p%d, successRatio: \">= 0.9\"}\n",
                           i, i);
  return g_string_free(y, FALSE);
}

int main(void)
{
  const char *top = getenv("VPNSIM_TOP") ? getenv("VPNSIM_TOP") : ".";
  g_autofree char *path = g_build_filename(top, "scenarios/site-to-site/ikev2-default.yaml", NULL);
  double t[REPS];
  int64_t until = 0;
  for (int i = 0; i < REPS; i++) {
    g_autoptr(GError) err = NULL;
    g_autoptr(GwDiags) diags = gw_diags_new();
    double t0 = bench_now_s();
    g_autoptr(ScnPlan) plan = scn_plan_load_file(path, NULL, diags, &err);
    if (!plan) {
      fprintf(stderr, "run_bench: %s\n", err->message);
      return 1;
    }
    for (unsigned k = 0; k < plan->n_timeline; k++)
      if (plan->timeline[k].kind == SCN_ACT_PING) {
        plan->timeline[k].count = 60;
        plan->timeline[k].interval_ns = 1000000000;
        until = plan->timeline[k].at_ns + 61 * (int64_t)1000000000;
      }
    g_autofree char *dir = g_dir_make_tmp("run-bench-XXXXXX", &err);
    ScnRunOptions ro = {.out_dir = dir, .has_until = true, .until_ns = until};
    ScnResults *res = scn_run(plan, NULL, &ro, &err);
    t[i] = bench_now_s() - t0;
    if (!res) {
      fprintf(stderr, "run_bench: %s\n", err->message);
      return 1;
    }
    scn_results_free(res);
    bench_rm_tree(dir);
  }
  qsort(t, REPS, sizeof t[0], bench_cmp_double);
  printf("BENCH run.s2s_ping60.wall %.1f ms\n", t[REPS / 2] * 1e3);
  printf("BENCH run.s2s_ping60.speed %.0f simulated_s/wall_s\n", (double)until / 1e9 / t[REPS / 2]);

  /* the throughput scenario: megabits the flow delivered in simulated time, per wall second */
  g_autofree char *tp = g_build_filename(top, "scenarios/site-to-site/throughput-vpngw1.yaml", NULL);
  ScnResults *res = NULL;
  double bytes = 0;
  double tw = run_once(tp, NULL, &res, "bulk", &bytes);
  if (tw < 0)
    return 1;
  double mbit = bytes * 8 / 1e6;
  printf("BENCH run.throughput_vpngw1.wall %.2f s\n", tw);
  printf("BENCH run.throughput_vpngw1.delivered %.0f simulated_Mbit\n", mbit);
  printf("BENCH run.throughput_vpngw1.speed %.1f simulated_Mbit/wall_s\n", mbit / tw);
  scn_results_free(res);

  /* 30 tunnels for one simulated hour */
  g_autofree char *y = thirty_tunnels();
  res = NULL;
  double t30 = run_once("bench-30-tunnels.yaml", y, &res, NULL, NULL);
  if (t30 < 0)
    return 1;
  printf("BENCH run.tunnels30_1h.wall %.2f s\n", t30);
  printf("BENCH run.tunnels30_1h.speed %.0f simulated_s/wall_s\n", 3600.0 / t30);
  printf("BENCH run.tunnels30_1h.expectations_failed %zu count\n", scn_results_failed(res));
  scn_results_free(res);
  return 0;
}
