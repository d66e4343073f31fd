/* SPDX-License-Identifier: MIT */
/* A soak run (issue 21): 100 site-to-site tunnels on one VpnGw4AZ (a SKU with 100 S2S
 * tunnels, models/gateway/gw_sku.c) with IKE and child SA rekeys (short lifetimes: about
 * hourly and every quarter hour), DPD, link flaps (some shorter than the DPD timeouts,
 * some longer) and a ping to every site every ten minutes. The runner is stepped one
 * simulated hour at a time (ScnRunOptions.on_step) and the resident memory is read from
 * /proc/self/statm between steps. Prints BENCH lines: the wall time, the memory at each
 * hour, the SA counts at the end; exits 1 when the memory grew between the first and the
 * last hour by more than GROWTH_BOUND_MIB beyond what the event log holds (it keeps every
 * event until the end, by design: about 55 MiB per simulated hour here, mostly the
 * gateway's DPD every 10 s), or when a tunnel end that is down at the end still has a
 * child SA, or one that is up holds more SAs than a rekey's overlap.
 *
 * 8 simulated hours by default, to keep make bench near a minute and a half; a whole day
 * is SOAK_HOURS=24 (measured: 398 s wall, 1.34 GiB resident at hour 24, about 2.9 GiB
 * while the outputs are written). SOAK_TUNNELS and SOAK_HOURS scale it; SOAK_YAML=FILE
 * writes the scenario there instead of running it. */
#include "bench/bench_util.h"
#include "sim/run/runner.h"
#include "sim/scenario/scenario.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Memory the run may gain between the first and the last hour besides what its event log
 * holds (the log keeps every event until the end, by design: reports and expectations
 * read it). */
#define GROWTH_BOUND_MIB 16.0

static double rss_mib(void)
{
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (f) {
    if (fscanf(f, "%lu %lu", &size, &resident) != 2)
      resident = 0;
    fclose(f);
  }
  return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static char *soak_scenario(int tunnels, int hours)
{
  GString *y = g_string_new(NULL);
  g_string_append_printf(
      y,
      "name: bench-soak\nseed: 21\nduration: %dh\nstatsInterval: 0s\n"
      "cloud:\n  virtualNetworks:\n    - name: vnet1\n      addressSpace: [10.1.0.0/16]\n"
      "      subnets:\n        - {name: GatewaySubnet, addressPrefix: 10.1.255.0/27}\n"
      "        - {name: workload, addressPrefix: 10.1.1.0/24}\n"
      "  virtualNetworkGateways:\n    - {name: vgw1, virtualNetwork: vnet1, gatewayType: Vpn, "
      "vpnType: RouteBased, sku: VpnGw4AZ, vpnGatewayGeneration: Generation2, activeActive: false, "
      "enableBgp: false, publicIpAddress: 203.0.113.10}\n  localNetworkGateways:\n",
      hours);
  /* site i: device 198.51.(100 + i / 200).(i % 200 + 1), LAN 172.(16 + i / 256).(i % 256).0/24 */
#define SITE_IP(i) 100 + (i) / 200, (i) % 200 + 1
#define SITE_LAN(i) 16 + (i) / 256, (i) % 256
  for (int i = 0; i < tunnels; i++)
    g_string_append_printf(y, "    - {name: site%d, gatewayIpAddress: 198.51.%d.%d, "
                              "addressPrefixes: [172.%d.%d.0/24]}\n", i, SITE_IP(i), SITE_LAN(i));
  g_string_append(y, "  connections:\n");
  for (int i = 0; i < tunnels; i++)
    g_string_append_printf(y, "    - {name: c%d, connectionType: IPsec, virtualNetworkGateway1: vgw1, "
                              "localNetworkGateway2: site%d, connectionProtocol: IKEv2, "
                              "sharedKey: \"Soak.key.%d\", dpdTimeoutSeconds: 45}\n", i, i, i);
  /* IKE SAs rekeyed about every hour, child SAs every quarter hour; DPD every 2 minutes */
  g_string_append(y, "onPremises:\n  devices:\n");
  for (int i = 0; i < tunnels; i++)
    g_string_append_printf(y, "    - {name: dev%d, profile: strongswan-5.9, publicIpAddress: 198.51.%d.%d, "
                              "lanPrefixes: [172.%d.%d.0/24], peer: 203.0.113.10, "
                              "sharedKey: \"Soak.key.%d\", startAction: initiate, "
                              "ikeProposals: [aes256-sha256-modp1024], espProposals: [aes256gcm16-noesn], "
                              "ikeLifetime: 1h, ikeRekeyMargin: 3m, childLifetime: 15m, childRekeyMargin: 3m, "
                              "dpd: {interval: 2m, timeout: 5m, action: restart}}\n",
                           i, SITE_IP(i), SITE_LAN(i), i);
  g_string_append(y, "hosts:\n  - {name: vm1, subnet: vnet1/workload, address: 10.1.1.4}\n");
  for (int i = 0; i < tunnels; i++)
    g_string_append_printf(y, "  - {name: pc%d, behind: dev%d, address: 172.%d.%d.10}\n", i, i,
                           SITE_LAN(i));
  g_string_append(y, "underlay:\n  links:\n    - {between: [vgw1, internet], delay: 5ms, rate: 10Gbps}\n");
  for (int i = 0; i < tunnels; i++)
    g_string_append_printf(y, "    - {name: up%d, between: [dev%d, internet], delay: %dms, rate: 100Mbps}\n",
                           i, i, 5 + i % 40);
  g_string_append(y, "timeline:\n");
  for (int i = 0; i < tunnels; i++)
    g_string_append_printf(y, "  - {at: %ds, ping: {from: vm1, to: pc%d, count: %d, interval: 10m, name: p%d}}\n",
                           60 + i % 60, i, hours * 6 - 1, i);
  /* every tenth site's uplink flaps every other hour until two hours before the end: for
   * 20 s (below the DPD timeouts: the tunnel stays) or for 10 minutes (DPD takes it down and
   * restart brings it back) */
  for (int i = 0; i < tunnels; i += 10)
    for (int h = 1 + (i / 10) % 2; h < hours - 2; h += 2) {
      int at = h * 3600 + 37 * i, down = (h / 2 + i / 10) % 2 ? 20 : 600;
      g_string_append_printf(y, "  - {at: %ds, linkDown: up%d}\n  - {at: %ds, linkUp: up%d}\n",
                             at, i, at + down, i);
    }
  g_string_append(y, "expect:\n");
  for (int i = 0; i < tunnels; i++)
    g_string_append_printf(y, "  - {tunnel: c%d, state: connected}\n", i);
  return g_string_free(y, FALSE);
}

typedef struct {
  int hours;
  double rss[64];   /* MiB at the end of each simulated hour */
  size_t events[64];
  size_t log_bytes[64];
  int n;
  double wall_prev;
} Watch;

static void on_step(void *user, int64_t now_ns, size_t events, size_t log_bytes)
{
  Watch *w = user;
  if (w->n < (int)G_N_ELEMENTS(w->rss)) {
    w->rss[w->n] = rss_mib();
    w->events[w->n] = events;
    w->log_bytes[w->n] = log_bytes;
    double t = bench_now_s();
    printf("BENCH soak.rss.h%02d %.1f MiB (%zu events, %.1f s wall)\n",
           (int)(now_ns / 3600000000000LL), w->rss[w->n], events, t - w->wall_prev);
    fflush(stdout);
    w->wall_prev = t;
    w->n++;
  }
}

/* The attribute value after "KEY": in a JSON line, as text (the line is changed). */
static const char *attr(char *line, const char *key, char *out, size_t size)
{
  g_autofree char *k = g_strdup_printf("\"%s\":", key);
  const char *p = strstr(line, k);
  if (!p)
    return NULL;
  p += strlen(k);
  if (*p == '"')
    p++;
  size_t n = strcspn(p, "\",}");
  if (n >= size)
    n = size - 1;
  memcpy(out, p, n);
  out[n] = '\0';
  return out;
}

typedef struct {
  bool up;
  long ike, child;
  bool has_metrics;
} TunnelEnd;

/* Reads the end state from events.jsonl: each tunnel end's last connected/disconnected
 * event and its final metrics (mm_sa_count: IKE SAs, qm_sa_count: child SA pairs). */
static int check_sas(const char *dir, int tunnels)
{
  g_autofree char *path = g_build_filename(dir, "events.jsonl", NULL);
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "soak_bench: %s: cannot read\n", path);
    return 1;
  }
  g_autoptr(GHashTable) ends = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  char *line = NULL;
  size_t cap = 0;
  char node[64], tunnel[64], type[64], v[32];
  while (getline(&line, &cap, f) > 0) {
    if (!attr(line, "type", type, sizeof type) || !attr(line, "node", node, sizeof node))
      continue;
    bool conn = g_str_has_suffix(type, ".tunnel.connected"),
         disc = g_str_has_suffix(type, ".tunnel.disconnected"),
         met = g_str_has_suffix(type, ".tunnel.metrics");
    if (!(conn || disc || met) || !attr(line, "tunnel", tunnel, sizeof tunnel))
      continue;
    g_autofree char *key = g_strdup_printf("%s %s", node, tunnel);
    TunnelEnd *e = g_hash_table_lookup(ends, key);
    if (!e) {
      e = g_new0(TunnelEnd, 1);
      g_hash_table_insert(ends, g_strdup(key), e);
    }
    if (conn || disc)
      e->up = conn;
    if (met) {
      e->has_metrics = true;
      e->ike = attr(line, "mm_sa_count", v, sizeof v) ? atol(v) : -1;
      e->child = attr(line, "qm_sa_count", v, sizeof v) ? atol(v) : -1;
    }
  }
  free(line);
  fclose(f);
  long ike = 0, child = 0, up = 0, bad = 0;
  GHashTableIter it;
  gpointer k, val;
  g_hash_table_iter_init(&it, ends);
  while (g_hash_table_iter_next(&it, &k, &val)) {
    TunnelEnd *e = val;
    ike += e->ike > 0 ? e->ike : 0;
    child += e->child > 0 ? e->child : 0;
    up += e->up;
    /* down: no child SA may be left; up: at most the old and the new SA of a rekey */
    if (!e->has_metrics || (!e->up && e->child != 0) || (e->up && (e->child > 2 || e->ike > 2))) {
      fprintf(stderr, "soak_bench: %s: %s with %ld IKE SAs and %ld child SA pairs at the end\n",
              (char *)k, e->up ? "up" : "down", e->ike, e->child);
      bad++;
    }
  }
  printf("BENCH soak.tunnel_ends %u count (expected %d)\n", g_hash_table_size(ends), 2 * tunnels);
  printf("BENCH soak.tunnel_ends_up %ld count\n", up);
  printf("BENCH soak.ike_sas_end %ld count\n", ike);
  printf("BENCH soak.child_sa_pairs_end %ld count\n", child);
  printf("BENCH soak.sa_leaks %ld count\n", bad);
  return bad || g_hash_table_size(ends) != (guint)(2 * tunnels);
}

int main(void)
{
  int tunnels = getenv("SOAK_TUNNELS") ? atoi(getenv("SOAK_TUNNELS")) : 100;
  int hours = getenv("SOAK_HOURS") ? atoi(getenv("SOAK_HOURS")) : 8;
  if (tunnels < 1 || tunnels > 100 || hours < 2 || hours > 48) {
    fprintf(stderr, "soak_bench: SOAK_TUNNELS 1..100, SOAK_HOURS 2..48\n");
    return 2;
  }
  g_autofree char *y = soak_scenario(tunnels, hours);
  if (getenv("SOAK_YAML")) /* the scenario, to run it with vpnsim run */
    return g_file_set_contents(getenv("SOAK_YAML"), y, -1, NULL) ? 0 : 1;
  g_autoptr(GError) err = NULL;
  g_autoptr(GwDiags) diags = gw_diags_new();
  double t0 = bench_now_s();
  g_autoptr(ScnPlan) plan = scn_plan_load_string("bench-soak.yaml", y, strlen(y), NULL, diags, &err);
  if (!plan || gw_diags_count(diags, GW_SEV_ERROR)) {
    for (size_t i = 0; i < gw_diags_len(diags); i++) {
      g_autofree char *s = gw_diag_format(gw_diags_get(diags, i));
      fprintf(stderr, "%s\n", s);
    }
    fprintf(stderr, "soak_bench: %s\n", err ? err->message : "invalid scenario");
    return 1;
  }
  g_autofree char *dir = g_dir_make_tmp("soak-bench-XXXXXX", &err);
  Watch w = {.hours = hours, .wall_prev = bench_now_s()};
  ScnRunOptions ro = {.out_dir = dir, .step_ns = 3600 * (int64_t)1000000000,
                      .on_step = on_step, .step_user = &w};
  ScnResults *res = scn_run(plan, NULL, &ro, &err);
  double wall = bench_now_s() - t0;
  if (!res) {
    fprintf(stderr, "soak_bench: %s\n", err->message);
    bench_rm_tree(dir);
    return 1;
  }
  printf("BENCH soak.wall %.1f s\n", wall);
  printf("BENCH soak.tunnels %d count\n", tunnels);
  printf("BENCH soak.simulated %d h\n", hours);
  printf("BENCH soak.speed %.0f simulated_s/wall_s\n", hours * 3600.0 / wall);
  printf("BENCH soak.expectations_failed %zu count\n", scn_results_failed(res));
  scn_results_free(res);
  int fail = check_sas(dir, tunnels);
  bench_rm_tree(dir);

  /* memory: first hour to last, less what the event log gained in between */
  double growth = w.rss[w.n - 1] - w.rss[0];
  double log_mib = (double)(w.log_bytes[w.n - 1] - w.log_bytes[0]) / (1024.0 * 1024.0);
  printf("BENCH soak.rss_growth %.1f MiB (first to last hour)\n", growth);
  printf("BENCH soak.rss_growth_event_log %.1f MiB (%zu events)\n", log_mib,
         w.events[w.n - 1] - w.events[0]);
  printf("BENCH soak.rss_growth_beyond_log %.1f MiB (bound %.0f)\n", growth - log_mib,
         GROWTH_BOUND_MIB);
  if (growth - log_mib > GROWTH_BOUND_MIB) {
    fprintf(stderr, "soak_bench: memory grew %.1f MiB beyond the event log (bound %.0f MiB)\n",
            growth - log_mib, GROWTH_BOUND_MIB);
    fail = 1;
  }
  return fail;
}
