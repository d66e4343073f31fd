/* SPDX-License-Identifier: MIT */
/* Tests of the scenario loader: the bundled scenario into a plan, profile merging and
 * where each problem is reported (scenario or profile), and a table of malformed
 * scenarios, each giving its diagnostic at line:col with a hint. */
#include "sim/scenario/scenario.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

static const char *const *profile_dirs(void)
{
  static char *dirs[2];
  if (!dirs[0])
    dirs[0] = tu_top_path("profiles");
  return (const char *const *)dirs;
}

static ScnPlan *load(const char *text, GwDiags *d)
{
  ScnLoadOptions opt = {.profile_dirs = profile_dirs()};
  g_autoptr(GError) err = NULL;
  ScnPlan *p = scn_plan_load_string("t.yaml", text, strlen(text), &opt, d, &err);
  g_assert_no_error(err);
  return p;
}

static void dump(const GwDiags *d)
{
  for (size_t i = 0; i < gw_diags_len(d); i++) {
    g_autofree char *s = gw_diag_format(gw_diags_get(d, i));
    g_printerr("  %s\n", s);
  }
}

static void test_bundled(void)
{
  g_autofree char *path = tu_top_path("scenarios/site-to-site/ikev2-default.yaml");
  g_autoptr(GwDiags) d = gw_diags_new();
  g_autoptr(GError) err = NULL;
  /* no profile folders given: found by walking up from the scenario */
  g_autoptr(ScnPlan) p = scn_plan_load_file(path, NULL, d, &err);
  g_assert_no_error(err);
  if (gw_diags_count(d, GW_SEV_ERROR))
    dump(d);
  g_assert_cmpuint(gw_diags_count(d, GW_SEV_ERROR), ==, 0);
  g_assert_cmpstr(p->name, ==, "s2s-ikev2-default");
  g_assert_cmpuint(p->seed, ==, 1);
  g_assert_cmpint(p->duration_ns, ==, 120 * (int64_t)1000000000);
  g_assert_cmpuint(p->n_references, ==, 2);
  g_assert_cmpuint(p->cloud->n_connections, ==, 1);
  g_assert_cmpuint(p->n_devices, ==, 1);
  const DevConfig *c = &p->devices[0].cfg;
  g_assert_cmpstr(c->name, ==, "site1-vpn");
  g_assert_cmpstr(c->profile, ==, "strongswan-5.9");
  /* the proposals from the scenario, which replace the profile's lists (the recommended
   * device settings, facts 2.5: DH group 2 is the default phase 1's only group) */
  g_assert_cmpuint(c->n_ike_proposals, ==, 1);
  g_assert_cmpuint(c->ike_proposals[0].encr[0].id, ==, ENCR_AES_CBC);
  g_assert_cmpuint(c->ike_proposals[0].dh[0], ==, DH_MODP_1024);
  g_assert_cmpuint(c->n_esp_proposals, ==, 1);
  g_assert_cmpuint(c->esp_proposals[0].encr[0].id, ==, ENCR_AES_GCM_16);
  g_assert_cmpuint(c->esp_proposals[0].n_dh, ==, 0);
  /* the rest from the profile */
  g_assert_cmpuint(c->ike_lifetime_s, ==, 15840);
  g_assert_cmpuint(c->child_lifetime_s, ==, 3960);
  g_assert_cmpint(c->dpd_action, ==, DEV_DPD_CLEAR);
  /* from the scenario, over the profile's respond */
  g_assert_cmpint(c->start_action, ==, DEV_START_INITIATE);
  g_assert_true(c->has_peer);
  g_assert_cmphex(c->peer.v, ==, 0xcb00710a); /* 203.0.113.10, vgw1's address */
  g_assert_cmpstr(c->psk, ==, "Vpnsim.demo.key.1");
  g_assert_cmpuint(c->n_lan, ==, 1);
  g_assert_cmpuint(p->n_hosts, ==, 2);
  g_assert_cmpint(p->hosts[0].kind, ==, SCN_HOST_VM);
  g_assert_cmpstr(p->hosts[0].subnet, ==, "workload");
  g_assert_cmpint(p->hosts[1].kind, ==, SCN_HOST_BEHIND_DEVICE);
  g_assert_cmpstr(p->hosts[1].device, ==, "site1-vpn");
  g_assert_cmpuint(p->n_links, ==, 2);
  g_assert_cmpstr(p->links[1].name, ==, "site1-vpn--internet");
  g_assert_cmpint(p->links[1].delay_ns, ==, 15000000);
  g_assert_cmpuint(p->links[1].rate_bps, ==, 100000000);
  g_assert_cmpuint(p->n_timeline, ==, 1);
  g_assert_cmpint(p->timeline[0].kind, ==, SCN_ACT_PING);
  g_assert_cmpstr(p->timeline[0].flow, ==, "ping1");
  g_assert_cmpuint(p->timeline[0].count, ==, 20);
  g_assert_cmpuint(p->n_expects, ==, 4);
  g_assert_cmpint(p->expects[0].kind, ==, SCN_EXP_TUNNEL);
  g_assert_cmpint(p->expects[0].by_ns, ==, 10 * (int64_t)1000000000);
  g_assert_cmpint(p->expects[2].kind, ==, SCN_EXP_IKE);
  g_assert_false(p->expects[2].seen);
  g_assert_cmpuint(p->expects[2].n_notifies, ==, 2);
  g_assert_cmpstr(p->expects[3].flow, ==, "ping1");
  g_assert_true(p->expects[3].rtt_max.set);
  g_assert_cmpfloat(p->expects[3].rtt_max.v, ==, 0.1);
  /* the plan as text never shows the key */
  g_autofree char *text = scn_plan_describe(p);
  g_assert_null(strstr(text, "Vpnsim.demo.key.1"));
  g_assert_nonnull(strstr(text, "shared key       (set)"));
}

/* The head every case below shares: a valid cloud and one device (11 + 22 lines). */
#define HEAD                                                                                \
  "name: t\n"                                                                               \
  "duration: 60s\n"                                                                         \
  "cloud:\n"                                                                                \
  "  virtualNetworks:\n"                                                                    \
  "    - {name: vnet1, addressSpace: [10.1.0.0/16], subnets: [{name: GatewaySubnet, "         \
  "addressPrefix: 10.1.255.0/27}, {name: work, addressPrefix: 10.1.1.0/24}]}\n"              \
  "  virtualNetworkGateways:\n"                                                             \
  "    - {name: vgw1, virtualNetwork: vnet1, sku: VpnGw2, publicIpAddress: 203.0.113.10}\n"  \
  "  localNetworkGateways:\n"                                                               \
  "    - {name: site1, gatewayIpAddress: 198.51.100.20, addressPrefixes: [192.168.1.0/24]}\n" \
  "  connections:\n"                                                                        \
  "    - {name: c1, virtualNetworkGateway1: vgw1, localNetworkGateway2: site1, sharedKey: k1}\n"
#define HEAD_LINES 11
#define DEVICE                                                                              \
  "onPremises:\n"                                                                           \
  "  devices:\n"                                                                            \
  "    - name: dev1\n"                                                                      \
  "      profile: strongswan-5.9\n"                                                         \
  "      publicIpAddress: 198.51.100.20\n"                                                  \
  "      lanPrefixes: [192.168.1.0/24]\n"                                                   \
  "      peer: vgw1\n"                                                                      \
  "      sharedKey: k1\n"                                                                   \
  "hosts:\n"                                                                                \
  "  - {name: vm1, subnet: vnet1/work, address: 10.1.1.4}\n"                                \
  "  - {name: pc1, behind: dev1, address: 192.168.1.10}\n"                                  \
  "underlay:\n"                                                                             \
  "  links:\n"                                                                              \
  "    - {between: [vgw1, internet], delay: 5ms}\n"                                         \
  "    - {name: up1, between: [dev1, internet]}\n"                                          \
  "timeline:\n"                                                                             \
  "  - {at: 5s, ping: {from: vm1, to: pc1, count: 5}}\n"                                    \
  "  - {at: 5s, udp: {name: u1, from: pc1, to: vm1, rate: 10Mbps, duration: 10s}}\n"        \
  "  - {at: 20s, linkDown: up1}\n"                                                          \
  "  - {at: 30s, linkUp: [internet, dev1]}\n"                                               \
  "expect:\n"                                                                               \
  "  - {tunnel: c1, state: connected, by: 5s}\n"
#define DEVICE_LINES 22

static void test_valid_head(void)
{
  g_autoptr(GwDiags) d = gw_diags_new();
  g_autoptr(ScnPlan) p = load(HEAD DEVICE, d);
  if (gw_diags_count(d, GW_SEV_ERROR))
    dump(d);
  g_assert_cmpuint(gw_diags_count(d, GW_SEV_ERROR), ==, 0);
  g_assert_cmpstr(p->links[0].name, ==, "vgw1--internet");
  g_assert_cmpstr(p->timeline[3].link, ==, "up1");
  g_assert_cmpstr(p->timeline[1].flow, ==, "u1");
  g_assert_cmpuint(p->timeline[1].rate_bps, ==, 10000000);
}

/* trafficBothWays and statsInterval as the plan holds them. */
static void test_both_ways(void)
{
  g_autoptr(GwDiags) d = gw_diags_new();
  g_autoptr(ScnPlan) p =
      load(HEAD DEVICE "  - {trafficBothWays: c1, node: vgw1/0, from: 5s, to: 15s, packets: \">= 10\"}\n"
                       "  - {trafficBothWays: c1}\n"
                       "statsInterval: 5s\n",
           d);
  if (gw_diags_count(d, GW_SEV_ERROR))
    dump(d);
  g_assert_cmpuint(gw_diags_count(d, GW_SEV_ERROR), ==, 0);
  g_assert_cmpint(p->stats_interval_ns, ==, 5000000000);
  const ScnExpect *x = &p->expects[1];
  g_assert_cmpint(x->kind, ==, SCN_EXP_TRAFFIC);
  g_assert_cmpstr(x->connection, ==, "c1");
  g_assert_cmpstr(x->node, ==, "vgw1/0");
  g_assert_true(x->has_from && x->has_by);
  g_assert_cmpint(x->from_ns, ==, 5000000000);
  g_assert_cmpint(x->by_ns, ==, 15000000000);
  g_assert_true(x->packets.set);
  g_assert_cmpfloat(x->packets.v, ==, 10);
  x = &p->expects[2];
  g_assert_false(x->has_from || x->has_by || x->packets.set || x->node);
  g_autofree char *text = scn_plan_describe(p);
  g_assert_nonnull(strstr(text, "tunnel stats: every 5s\n"));
  g_assert_nonnull(strstr(text, "  2. trafficBothWays ("));
  /* without the key: every 10 s */
  g_autoptr(GwDiags) d2 = gw_diags_new();
  g_autoptr(ScnPlan) p2 = load(HEAD DEVICE, d2);
  g_assert_cmpint(p2->stats_interval_ns, ==, SCN_STATS_INTERVAL_DEFAULT_NS);
}

static void test_overrides(void)
{
  g_autoptr(GwDiags) d = gw_diags_new();
  g_autoptr(ScnPlan) p = load(HEAD DEVICE "    # overrides\n", d);
  g_assert_cmpuint(p->devices[0].cfg.ike_lifetime_s, ==, 15840);
  /* the same device with overrides: a list replaces the profile's list */
  g_autofree char *t = g_strdup_printf(
      "%s%s", HEAD,
      "onPremises:\n"
      "  devices:\n"
      "    - name: dev1\n"
      "      profile: libreswan-4\n"
      "      publicIpAddress: 198.51.100.20\n"
      "      peer: 203.0.113.10\n"
      "      ikeProposals: aes256gcm16-prfsha384-ecp384\n"
      "      espProposals: [aes256gcm16, aes128-sha256-modp2048]\n"
      "      ikeLifetime: 1h\n"
      "      dpd: {interval: 10s, timeout: 45s, action: restart}\n"
      "      localId: vpn.example.net\n"
      "      remoteId: 203.0.113.10\n"
      "      trafficSelectors: {local: [192.168.1.0/24], remote: [10.1.0.0/16]}\n"
      "      natTraversal: {forceEncapsulation: true}\n"
      "      rekeyFuzz: 50%\n"
      "      mssClamp: 1350\n");
  g_autoptr(GwDiags) d2 = gw_diags_new();
  g_autoptr(ScnPlan) q = load(t, d2);
  if (gw_diags_count(d2, GW_SEV_ERROR))
    dump(d2);
  g_assert_cmpuint(gw_diags_count(d2, GW_SEV_ERROR), ==, 0);
  const DevConfig *c = &q->devices[0].cfg;
  g_assert_cmpuint(c->n_ike_proposals, ==, 1);
  g_assert_cmpuint(c->ike_proposals[0].dh[0], ==, DH_ECP_384);
  g_assert_cmpuint(c->n_esp_proposals, ==, 2);
  g_assert_cmpuint(c->esp_proposals[1].dh[0], ==, DH_MODP_2048);
  g_assert_cmpuint(c->ike_lifetime_s, ==, 3600);
  g_assert_cmpuint(c->ike_rekey_margin_s, ==, 540); /* libreswan's 9m, kept */
  g_assert_cmpuint(c->child_lifetime_s, ==, 28800);
  g_assert_cmpuint(c->dpd_interval_s, ==, 10);
  g_assert_cmpint(c->dpd_action, ==, DEV_DPD_RESTART);
  g_assert_cmpint(c->local_id.type, ==, DEV_ID_FQDN);
  g_assert_cmpint(c->remote_id.type, ==, DEV_ID_IPV4_ADDR);
  g_assert_cmpint(c->ts_mode, ==, DEV_TS_PREFIXES);
  g_assert_cmpuint(c->n_ts_remote, ==, 1);
  g_assert_true(c->force_encapsulation);
  g_assert_true(c->nat_traversal); /* from the profile */
  g_assert_cmpuint(c->rekey_fuzz_percent, ==, 50);
  g_assert_cmpuint(c->mss_clamp, ==, 1350);
  g_assert_cmpint(c->start_action, ==, DEV_START_RESPOND);
}

/* A problem in a profile is reported in the profile; a merged-config problem at the
 * key's place in whichever file set it. */
static void test_profile_locations(void)
{
  g_autofree char *dir = g_dir_make_tmp("profiles-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename(dir, "bad-1.yaml", NULL);
  g_assert_true(g_file_set_contents(bad,
                                    "name: bad-1\n"
                                    "device:\n"
                                    "  ikeProposals: [aes256-sha265-modp2048]\n"
                                    "  espProposals: [aes256-sha256]\n"
                                    "  ikeRekeyMargin: 2h\n"
                                    "  colour: blue\n",
                                    -1, NULL));
  g_autofree char *margin = g_build_filename(dir, "margin-1.yaml", NULL);
  g_assert_true(g_file_set_contents(margin,
                                    "name: margin-1\n"
                                    "device:\n"
                                    "  ikeProposals: [aes256-sha256-modp2048]\n"
                                    "  espProposals: [aes256-sha256]\n"
                                    "  ikeRekeyMargin: 2h\n",
                                    -1, NULL));
  const char *dirs[] = {dir, NULL};
  ScnLoadOptions opt = {.profile_dirs = dirs};
  g_autofree char *t = g_strdup_printf("%s%s", HEAD,
                                       "onPremises:\n"
                                       "  devices:\n"
                                       "    - name: dev1\n"
                                       "      profile: bad-1\n"
                                       "      publicIpAddress: 198.51.100.20\n"
                                       "      peer: vgw1\n"
                                       "      ikeLifetime: 1h\n"
                                       "      ikeProposals: aes128-sha256-modp2048\n"
                                       "    - name: dev2\n"
                                       "      profile: bad-1\n"
                                       "      publicIpAddress: 198.51.100.21\n"
                                       "      peer: vgw1\n"
                                       "    - name: dev3\n"
                                       "      profile: margin-1\n"
                                       "      publicIpAddress: 198.51.100.22\n"
                                       "      peer: vgw1\n"
                                       "      ikeLifetime: 1h\n");
  g_autoptr(GwDiags) d = gw_diags_new();
  g_autoptr(ScnPlan) p = scn_plan_load_string("t.yaml", t, strlen(t), &opt, d, NULL);
  g_assert_nonnull(p);
  /* the bad profile's problems once (two devices use it), and dev3's merged problem at
   * its profile: line, as the margin came from the profile */
  struct {
    const char *file;
    unsigned line, col;
    const char *id, *text;
  } want[] = {
      {bad, 3, 18, SCN_DIAG_FORMAT, "unknown algorithm 'sha265' (did you mean 'sha256'?)"},
      {"t.yaml", HEAD_LINES + 14, 16, SCN_DIAG_DEVICE,
       "IKE rekey margin (7200s) is not below the lifetime (3600s) (ikeRekeyMargin from "
       "profile margin-1)"},
      {bad, 6, 3, SCN_DIAG_FORMAT, "unknown key 'colour'"},
  };
  size_t errors = gw_diags_count(d, GW_SEV_ERROR);
  if (errors != G_N_ELEMENTS(want))
    dump(d);
  g_assert_cmpuint(errors, ==, G_N_ELEMENTS(want));
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
    bool found = false;
    for (size_t j = 0; j < gw_diags_len(d) && !found; j++) {
      const GwDiag *g = gw_diags_get(d, j);
      found = !g_strcmp0(g->loc.file, want[i].file) && g->loc.line == want[i].line &&
              g->loc.col == want[i].col && !strcmp(g->rule_id, want[i].id) &&
              strstr(g->message, want[i].text);
    }
    if (!found) {
      dump(d);
      g_error("missing %s:%u:%u %s %s", want[i].file, want[i].line, want[i].col, want[i].id,
              want[i].text);
    }
  }
  g_unlink(bad);
  g_unlink(margin);
  g_rmdir(dir);
}

/* Malformed scenarios: HEAD plus a tail; the one error expected at (tail line, col). */
static const struct {
  const char *tail;
  unsigned line, col; /* within the tail */
  const char *id, *text;
} bad[] = {
    {"colour: red\n", 1, 1, SCN_DIAG_FORMAT, "unknown key 'colour'"},
    {"timelime: []\n", 1, 1, SCN_DIAG_FORMAT, "unknown key 'timelime' (did you mean 'timeline'?)"},
    {"seed: -1\n", 1, 7, SCN_DIAG_FORMAT, "seed '-1' is not an integer"},
    {"hosts: {a: 1}\n", 1, 8, SCN_DIAG_FORMAT, "hosts must be a sequence, not a mapping"},
    {"hosts:\n  - {name: h, subnet: vnet1/wrk, address: 10.1.1.5}\n", 2, 23, SCN_DIAG_REF,
     "unknown subnet 'wrk' (did you mean 'work'?)"},
    {"hosts:\n  - {name: h, subnet: vnet2/work, address: 10.1.1.5}\n", 2, 23, SCN_DIAG_REF,
     "unknown virtual network 'vnet2' (did you mean 'vnet1'?)"},
    {"hosts:\n  - {name: h, subnet: vnet1/work, address: 10.1.2.5}\n", 2, 44, SCN_DIAG_REF,
     "address 10.1.2.5 is not in subnet vnet1/work (10.1.1.0/24)"},
    {"hosts:\n  - {name: h, subnet: vnet1/GatewaySubnet, address: 10.1.255.5}\n", 2, 23,
     SCN_DIAG_REF, "cannot be placed in the GatewaySubnet"},
    {"hosts:\n  - {name: h, address: 10.1.1.5}\n", 2, 5, SCN_DIAG_FORMAT,
     "give exactly one of 'subnet'"},
    {"hosts:\n  - {name: h, behind: nobody, address: 10.1.1.5}\n", 2, 23, SCN_DIAG_REF,
     "unknown device 'nobody'"},
    {"hosts:\n  - {name: vgw1, subnet: vnet1/work, address: 10.1.1.010}\n", 2, 47,
     SCN_DIAG_FORMAT, "address '10.1.1.010' is not an IPv4 address"},
    {"onPremises:\n  devices:\n    - {name: d, publicIpAddress: 1.2.3.4, peer: vgw2, profile: "
     "strongswan-5.9}\n", 3, 49, SCN_DIAG_REF,
     "unknown virtual network gateway 'vgw2' (did you mean 'vgw1'?)"},
    {"onPremises:\n  devices:\n    - {name: d, publicIpAddress: 1.2.3.4, peer: 1.2.3.5, profile: "
     "strongswan-5.9}\n", 3, 49, SCN_DIAG_REF, "peer 1.2.3.5 is not the public address"},
    {"onPremises:\n  devices:\n    - {name: d, publicIpAddress: 1.2.3.4, peer: vgw1, profile: "
     "strongswan-59}\n", 3, 64, SCN_DIAG_REF,
     "unknown profile 'strongswan-59' (did you mean 'strongswan-5.9'?)"},
    {"onPremises:\n  devices:\n    - {name: d, publicIpAddress: 1.2.3.4, peer: vgw1, profile: "
     "../etc/passwd}\n", 3, 64, SCN_DIAG_FORMAT, "is not a profile name"},
    {"onPremises:\n  devices:\n    - {name: d, publicIpAddress: 1.2.3.4, peer: vgw1, profile: "
     "libreswan-4, dpd: {interval: 30s, timeout: 10s}}\n", 3, 82, SCN_DIAG_DEVICE,
     "DPD timeout (10s) is not above the interval (30s)"},
    {"onPremises:\n  devices:\n    - {name: d, publicIpAddress: 1.2.3.4, peer: vgw1, profile: "
     "libreswan-4, startAction: start}\n", 3, 90, SCN_DIAG_FORMAT,
     "startAction 'start' is not one of initiate, respond, on-traffic"},
    {"onPremises:\n  devices:\n    - {name: d, publicIpAddress: 1.2.3.4, peer: vgw1, profile: "
     "libreswan-4, ikeLifetime: 1.5s}\n", 3, 90, SCN_DIAG_FORMAT, "whole number of seconds"},
    {"onPremises:\n  devices:\n    - {name: d, publicIpAddress: 1.2.3.4, peer: vgw1}\n", 3, 7,
     SCN_DIAG_DEVICE, "no IKE proposals"},
    {"onPremises:\n  natBoxes:\n    - {name: n1, inside: vgw1, publicIpAddress: 1.2.3.4}\n", 3,
     26, SCN_DIAG_REF, "inside 'vgw1' is a virtual network gateway, not a device"},
    {"onPremises:\n  natBoxes:\n    - {name: n1, inside: d, publicIpAddress: 1.2.3.4, type: "
     "napt}\n", 3, 61, SCN_DIAG_FORMAT, "type 'napt' is not one of address, port"},
    {"underlay:\n  links:\n    - {between: [vgw1, internt]}\n", 3, 24, SCN_DIAG_REF,
     "unknown node 'internt'"},
    {"underlay:\n  links:\n    - {between: [vgw1, vgw1]}\n", 3, 17, SCN_DIAG_REF,
     "not 'vgw1' to itself"},
    {"underlay:\n  links:\n    - {between: [vgw1, internet], loss: 1.5}\n", 3, 41,
     SCN_DIAG_FORMAT, "loss '1.5' is not a fraction"},
    {"underlay:\n  links:\n    - {between: [vgw1, internet], rate: fast}\n", 3, 41,
     SCN_DIAG_FORMAT, "rate 'fast' is not a rate"},
    {"underlay:\n  links:\n    - {between: [vgw1, internet], mtu: 100}\n", 3, 40,
     SCN_DIAG_FORMAT, "mtu"},
    {"timeline:\n  - {at: 90s, resetGateway: vgw1}\n", 2, 10, SCN_DIAG_TIME,
     "at 90s is after the end of the scenario (duration 1m)"},
    {"timeline:\n  - {at: 5s, resetGateway: vgw2}\n", 2, 28, SCN_DIAG_REF,
     "unknown virtual network gateway 'vgw2' (did you mean 'vgw1'?)"},
    {"timeline:\n  - {at: 5s, resetConnection: c2}\n", 2, 31, SCN_DIAG_REF,
     "unknown connection 'c2' (did you mean 'c1'?)"},
    {"timeline:\n  - {at: 5s, resetConnection: c1, resetGateway: vgw1}\n", 2, 35,
     SCN_DIAG_FORMAT, "one action per timeline entry"},
    {"timeline:\n  - {at: 5s, reboot: vgw1}\n", 2, 14, SCN_DIAG_FORMAT, "unknown key 'reboot'"},
    {"timeline:\n  - {at: soon, resetGateway: vgw1}\n", 2, 10, SCN_DIAG_FORMAT,
     "at 'soon' is not a duration"},
    {"timeline:\n  - {at: 5s, stop: p9}\n", 2, 20, SCN_DIAG_REF, "unknown flow 'p9'"},
    {"timeline:\n  - {at: 5s, plannedMaintenance: {gateway: vgw1, instance: 2}}\n", 2, 60,
     SCN_DIAG_FORMAT, "instance"},
    {"timeline:\n  - {at: 5s, instanceFailure: {instance: 0}}\n", 2, 31, SCN_DIAG_FORMAT,
     "instanceFailure: missing key 'gateway'"},
    {"timeline:\n  - {at: 5s, instanceFailure: {gateway: vgw1, instance: 0, gatewayVip: "
     "1.2.3.4}}\n", 2, 72, SCN_DIAG_FORMAT, "give instance or gatewayVip, not both"},
    {"timeline:\n  - {at: 5s, zoneOutage: {zone: 4}}\n", 2, 33, SCN_DIAG_FORMAT, "zone"},
    {"timeline:\n  - {at: 5s, resetGateway: {gateway: vgw1, vip: 1.2.3.4}}\n", 2, 44,
     SCN_DIAG_FORMAT, "unknown key 'vip'"},
    {"timeline:\n  - {at: 5s, plannedMaintenance: {gateway: vgw1, duration: soon}}\n", 2, 60,
     SCN_DIAG_FORMAT, "duration 'soon' is not a duration"},
    {"timeline:\n  - {at: 5s, linkDown: uplink}\n", 2, 24, SCN_DIAG_REF, "unknown link 'uplink'"},
    {"timeline:\n  - {at: 5s, setLoss: {link: [vgw1, internet], loss: 5%}}\n", 2, 30,
     SCN_DIAG_REF, "no link between 'vgw1' and 'internet'"},
    {"timeline:\n  - {at: 5s, setSharedKey: {connection: c1}}\n", 2, 28, SCN_DIAG_FORMAT,
     "setSharedKey: missing key 'sharedKey'"},
    {"timeline:\n  - {at: 5s, setPolicy: {connection: c1, policy: {dhGroup: DHGroup15}}}\n", 2,
     60, "GW-SCN-001", "dhGroup 'DHGroup15' is not a value"},
    /* the timeline's changes meet the cloud section's rules (issue 20) */
    {"timeline:\n  - {at: 5s, setSharedKey: {connection: c1, sharedKey: bad-key}}\n", 2, 5,
     "GW-PSK-001", "'-'"},
    {"timeline:\n  - {at: 5s, setPolicy: {connection: c1, policy: {ikeEncryption: AES256, "
     "ikeIntegrity: SHA256, dhGroup: DHGroup14, ipsecEncryption: AES256, ipsecIntegrity: SHA256, "
     "pfsGroup: None, saLifeTimeSeconds: 100}}}\n", 2, 200, "GW-POL-004", "300"},
    {"timeline:\n  - {at: 5s, setPolicy: {connection: c1, policy: custom}}\n", 2, 50,
     SCN_DIAG_FORMAT, "policy: 'default' or an ipsecPolicies entry"},
    {"timeline:\n  - {at: 5s, natRebind: {natBox: nat9}}\n", 2, 34, SCN_DIAG_REF,
     "unknown NAT box 'nat9'"},
    {"timeline:\n  - {at: 5s, natRebind: {natBox: vgw1}}\n", 2, 34, SCN_DIAG_REF,
     "natBox 'vgw1' is a virtual network gateway, not a NAT box"},
    {"timeline:\n  - {at: 5s, natRebind: nat1}\n", 2, 25, SCN_DIAG_FORMAT, "natRebind"},
    {"timeline:\n  - {at: 5s, natRebind: {}}\n", 2, 25, SCN_DIAG_FORMAT,
     "natRebind: missing key 'natBox'"},
    {"timeline:\n  - {at: 5s, natRebind: {natBox: n1, port: 5}}\n", 2, 38, SCN_DIAG_FORMAT,
     "unknown key 'port'"},
    {"onPremises:\n  natBoxes:\n    - {name: n1, inside: d, publicIpAddress: 1.2.3.4, type: "
     "address}\ntimeline:\n  - {at: 5s, natRebind: {natBox: n1}}\n", 5, 34, SCN_DIAG_REF,
     "natBox 'n1' translates addresses only (type address)"},
    {"timeline:\n  - {at: 5s, ping: {from: vm9, to: vm9}}\n", 2, 27, SCN_DIAG_REF,
     "unknown host 'vm9'"},
    {"timeline:\n  - {at: 5s, udp: {from: vgw1}}\n", 2, 19, SCN_DIAG_FORMAT,
     "udp: missing key 'to'"},
    {"timeline:\n  - {at: 5s, udp: {from: vm1, to: pc1, rate: 1Mbps, port: 0}}\n", 2, 59,
     SCN_DIAG_FORMAT, "port"},
    {"timeline:\n  - {at: 5s, tcp: {from: vm1, to: pc1, toPort: 70000}}\n", 2, 48,
     SCN_DIAG_FORMAT, "toPort"},
    {"timeline:\n  - {at: 5s, udp: {from: vm1, to: pc1, rate: 1Mbps, reply: maybe}}\n", 2, 60,
     SCN_DIAG_FORMAT, "true or false"},
    {"timeline:\n  - {at: 5s, ping: {from: vm1, to: pc1, port: 80}}\n", 2, 41, SCN_DIAG_FORMAT,
     "unknown key 'port'"},
    {"expect:\n  - {tunnel: c1, state: up}\n", 2, 25, SCN_DIAG_FORMAT,
     "state 'up' is not one of connected, disconnected"},
    {"expect:\n  - {tunel: c1, state: connected}\n", 2, 6, SCN_DIAG_FORMAT,
     "unknown key 'tunel' (did you mean 'tunnel'?)"},
    {"expect:\n  - {ike: IKE_AUHT}\n", 2, 11, SCN_DIAG_FORMAT,
     "ike 'IKE_AUHT' is not an IKEv2 exchange type"},
    {"expect:\n  - {ike: any, notify: [NO_PROPOSAL_CHOOSEN]}\n", 2, 25, SCN_DIAG_FORMAT,
     "did you mean 'NO_PROPOSAL_CHOSEN'?"},
    {"expect:\n  - {ping: p1, successRatio: \">= 0.9\"}\n", 2, 12, SCN_DIAG_REF,
     "unknown ping flow 'p1'"},
    {"expect:\n  - {counter: drops, value: lots}\n", 2, 29, SCN_DIAG_FORMAT,
     "value 'lots' is not a bound"},
    {"expect:\n  - {event: Tunnel-Up}\n", 2, 13, SCN_DIAG_FORMAT,
     "event 'Tunnel-Up' is not an event type"},
    {"expect:\n  - {validation: invalid, rules: [GW-XYZ-001]}\n", 2, 34, SCN_DIAG_REF,
     "'GW-XYZ-001' is not a rule ID"},
    {"expect:\n  - {validation: valid, warnings: [GW-XYZ-002]}\n", 2, 35, SCN_DIAG_REF,
     "warnings: 'GW-XYZ-002' is not a rule ID"},
    {"expect:\n  - {tunnel: c1, state: connected, by: 2m}\n", 2, 40, SCN_DIAG_TIME,
     "by 2m is after the end"},
    {"expect:\n  - {by: 5s}\n", 2, 5, SCN_DIAG_FORMAT, "expectation: no check"},
    {"expect:\n  - {counter: drops, node: vgw2/0, value: 0}\n", 2, 28, SCN_DIAG_REF,
     "'vgw2' is not a virtual network gateway"},
    {"expect:\n  - {event: tunnel.up, node: vgw1/3}\n", 2, 30, SCN_DIAG_REF,
     "unknown node 'vgw1/3'"},
    {"statsInterval: 10ms\n", 1, 16, SCN_DIAG_FORMAT,
     "statsInterval must be 0s (only at the end) or at least 100ms"},
    {"expect:\n  - {trafficBothWays: c2}\n", 2, 23, SCN_DIAG_REF, "unknown connection 'c2'"},
    {"expect:\n  - {trafficBothWays: c1, from: 20s, to: 10s}\n", 2, 33, SCN_DIAG_FORMAT,
     "'from' must come before the end of the interval"},
    {"expect:\n  - {trafficBothWays: c1, to: 10s, by: 10s}\n", 2, 31, SCN_DIAG_FORMAT,
     "give 'to' or 'by', not both"},
    {"expect:\n  - {trafficBothWays: c1, to: 2m}\n", 2, 31, SCN_DIAG_TIME, "to 2m is after the end"},
    {"expect:\n  - {trafficBothWays: c1, packets: many}\n", 2, 36, SCN_DIAG_FORMAT,
     "packets 'many' is not a bound"},
    {"hosts:\n  - {name: h, subnet: vnet1/work, address: 10.1.1.5}\nexpect:\n"
     "  - {trafficBothWays: c1, node: h}\n", 4, 33, SCN_DIAG_REF,
     "node 'h' is a host: only gateways and devices carry tunnels"},
    /* outage of a flow (issue 17): ping or udp; 'node' only with udp, an instance */
    {"hosts:\n  - {name: h, subnet: vnet1/work, address: 10.1.1.5}\n"
     "  - {name: g, subnet: vnet1/work, address: 10.1.1.6}\ntimeline:\n"
     "  - {at: 1s, tcp: {name: t1, from: h, to: g}}\nexpect:\n  - {outage: t1, longest: \"< 1s\"}\n",
     7, 14, SCN_DIAG_REF, "outage of 't1', a tcp flow (give a ping or udp flow, or a connection)"},
    {"hosts:\n  - {name: h, subnet: vnet1/work, address: 10.1.1.5}\n"
     "  - {name: g, subnet: vnet1/work, address: 10.1.1.6}\ntimeline:\n"
     "  - {at: 1s, ping: {name: p1, from: h, to: g}}\nexpect:\n"
     "  - {outage: p1, node: vgw1/0, longest: \"< 1s\"}\n",
     7, 24, SCN_DIAG_FORMAT, "'node' goes with a udp flow or a connection, not a ping flow"},
    {"hosts:\n  - {name: h, subnet: vnet1/work, address: 10.1.1.5}\n"
     "  - {name: g, subnet: vnet1/work, address: 10.1.1.6}\ntimeline:\n"
     "  - {at: 1s, udp: {name: u1, from: h, to: g, rate: 1Mbps}}\nexpect:\n"
     "  - {outage: u1, node: vgw1, longest: \"< 1s\"}\n",
     7, 24, SCN_DIAG_FORMAT, "with a udp flow, 'node' is a gateway instance"},
    /* BGP (issue 15) */
    {"faults: {bgpRulesOff: [no-default]}\n", 1, 24, SCN_DIAG_FORMAT,
     "no Azure BGP rule 'no-default' (advertise-vnet-prefixes"},
    {"faults: {ikeRulesOff: [duplicate]}\n", 1, 24, SCN_DIAG_FORMAT,
     "ikeRulesOff 'duplicate' is not one of duplicate-sa, initial-contact, delete-before-answer, contact-per-engine, duplicate-childless"},
    {"faults: {bgpRulesOf: [no-default-route]}\n", 1, 10, SCN_DIAG_FORMAT,
     "unknown key 'bgpRulesOf' (did you mean 'bgpRulesOff'?)"},
    {"expect:\n  - {bgpRoute: vgw1, prefix: 10.0.0.0/8, asPath: \"65010,65020\"}\n", 2, 50, SCN_DIAG_FORMAT,
     "asPath: ASNs separated by spaces"},
    {"expect:\n  - {bgpRoute: vgw1, prefix: 10.0.0.1/8}\n", 2, 30, SCN_DIAG_FORMAT,
     "prefix"},
    {"expect:\n  - {bgpRoute: vgw1, via: c9, prefix: 10.0.0.0/8}\n", 2, 27, SCN_DIAG_REF,
     "unknown connection 'c9'"},
    {"expect:\n  - {bgpSession: vgw1, state: Up}\n", 2, 31, SCN_DIAG_FORMAT,
     "state 'Up' is not one of"},
    {"expect:\n  - {bgpSession: vgw1}\n", 2, 5, SCN_DIAG_FORMAT,
     "bgpSession: missing key 'state'"},
    {"expect:\n  - {bgpRoutes: vgw1, count: lots}\n", 2, 30, SCN_DIAG_FORMAT,
     "count 'lots' is not a bound"},
    {"timeline:\n  - {at: 5s, bgpAdvertise: {device: vgw1, prefixes: [10.9.0.0/16]}}\n", 2, 37, SCN_DIAG_REF,
     "device 'vgw1' is a virtual network gateway, not a device"},
    {"timeline:\n  - {at: 5s, bgpWithdraw: {device: vgw1}}\n", 2, 27, SCN_DIAG_FORMAT,
     "bgpWithdraw: missing key 'prefixes'"},
    {"timeline:\n  - {at: 5s, bgpSetPrepend: {device: vgw1, prepend: 17}}\n", 2, 53, SCN_DIAG_FORMAT,
     "prepend"},
    {"timeline:\n  - {at: 5s, bgpAdvertiseGenerated: {device: vgw1, count: 10, from: 255.255.255.0/24}}\n", 2, 69, SCN_DIAG_FORMAT,
     "10 prefixes of length /24 from here do not fit"},
    {"onPremises:\n  devices:\n    - {name: d1, profile: strongswan-5.9, publicIpAddress: 198.51.100.20, lanPrefixes: [192.168.1.0/24], peer: vgw1, sharedKey: k1, bgp: {bgpPeeringAddress: 10.2.0.1}}\n", 3, 138, SCN_DIAG_FORMAT,
     "bgp: 'asn' is required"},
    {"onPremises:\n  devices:\n    - {name: d1, profile: strongswan-5.9, publicIpAddress: 198.51.100.20, lanPrefixes: [192.168.1.0/24], peer: vgw1, sharedKey: k1, bgp: {asn: 23456, bgpPeeringAddress: 10.2.0.1}}\n", 3, 144, SCN_DIAG_FORMAT,
     "asn: 23456 is AS_TRANS"},
    {"onPremises:\n  devices:\n    - {name: d1, profile: strongswan-5.9, publicIpAddress: 198.51.100.20, lanPrefixes: [192.168.1.0/24], peer: vgw1, sharedKey: k1, bgp: {asn: 65010, bgpPeeringAddress: 10.2.0.1, holdTime: 2s}}\n", 3, 190, SCN_DIAG_FORMAT,
     "holdTime: 0 or 3 s to 65535 s"},
    {"onPremises:\n  devices:\n    - {name: d1, profile: strongswan-5.9, publicIpAddress: 198.51.100.20, lanPrefixes: [192.168.1.0/24], peer: vgw1, sharedKey: k1, bgp: {asn: 65010, bgpPeeringAddres: 10.2.0.1}}\n", 3, 151, SCN_DIAG_FORMAT,
     "unknown key 'bgpPeeringAddres' (did you mean 'bgpPeeringAddress'?)"},
    {"p2sClients:\n  - {name: l1, gateway: vgw9, publicIpAddress: 198.51.100.50, certificate: {issuer: R}}\n", 2, 25, SCN_DIAG_REF,
     "vgw9"},
    {"p2sClients:\n  - {name: l1, gateway: vgw1, publicIpAddress: 198.51.100.50, protocol: IKEv3, certificate: {issuer: R}}\n", 2, 73, SCN_DIAG_FORMAT,
     "protocol 'IKEv3' is not one of IkeV2, SSTP, OpenVPN"},
    {"p2sClients:\n  - {name: l1, gateway: vgw1, publicIpAddress: 198.51.100.50, certificate: {issuer: R, keyType: DSA}}\n", 2, 97, SCN_DIAG_FORMAT,
     "keyType 'DSA' is not one of RSA, ECDSA"},
    {"p2sClients:\n  - {name: l1, gateway: vgw1, publicIpAddress: 198.51.100.50, count: 0, certificate: {issuer: R}}\n", 2, 70, SCN_DIAG_FORMAT,
     "count"},
    {"expect:\n  - p2sClient: nobody\n", 2, 16, SCN_DIAG_REF,
     "p2sClient 'nobody' is not a client of p2sClients"},
    {"faults: {p2s: [noLimit]}\n", 1, 16, SCN_DIAG_FORMAT,
     "p2s: no P2S fault 'noLimit'"},
    {"faults: {defaultOffersOff: [rb-mm/7]}\n", 1, 29, SCN_DIAG_FORMAT,
     "defaultOffersOff: no default proposal row 'rb-mm/7' (LIST/ROW: pb-mm/1-4, rb-mm/1-6"},
};

static void test_malformed(void)
{
  unsigned failures = 0;
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *t = g_strdup_printf("%s%s", HEAD, bad[i].tail);
    g_autoptr(GwDiags) d = gw_diags_new();
    g_autoptr(ScnPlan) p = load(t, d);
    unsigned line = HEAD_LINES + bad[i].line;
    bool found = false;
    for (size_t j = 0; j < gw_diags_len(d) && !found; j++) {
      const GwDiag *g = gw_diags_get(d, j);
      found = g->severity == GW_SEV_ERROR && g->loc.line == line && g->loc.col == bad[i].col &&
              !strcmp(g->rule_id, bad[i].id) && strstr(g->message, bad[i].text);
    }
    if (!found) {
      dump(d);
      g_test_message("case %zu: no %s at %u:%u saying \"%s\"", i, bad[i].id, line,
                     bad[i].col, bad[i].text);
      failures++;
    }
  }
  g_assert_cmpuint(failures, ==, 0);
}

/* Many problems in one file: all are listed, in file order. */
/* The address the gateway sees must be a local network gateway's: a warning otherwise. */
static void test_device_address_warning(void)
{
  g_autoptr(GwDiags) d = gw_diags_new();
  g_autoptr(ScnPlan) p = load(HEAD "onPremises:\n"
                                   "  devices:\n"
                                   "    - {name: a, profile: libreswan-4, publicIpAddress: "
                                   "198.51.100.99, peer: vgw1}\n"
                                   "    - {name: b, profile: libreswan-4, publicIpAddress: "
                                   "10.0.0.2, peer: vgw1}\n"
                                   "  natBoxes:\n"
                                   "    - {name: n, inside: b, publicIpAddress: 198.51.100.20}\n",
                              d);
  g_assert_cmpuint(gw_diags_count(d, GW_SEV_ERROR), ==, 0);
  size_t found = 0;
  for (size_t i = 0; i < gw_diags_len(d); i++) {
    const GwDiag *g = gw_diags_get(d, i);
    if (!strcmp(g->rule_id, SCN_DIAG_REF)) {
      found++;
      g_assert_cmpint(g->severity, ==, GW_SEV_WARNING);
      g_assert_cmpuint(g->loc.line, ==, HEAD_LINES + 3); /* device a; b is behind its NAT */
      g_assert_nonnull(strstr(g->message, "gatewayIpAddress 198.51.100.99"));
    }
  }
  g_assert_cmpuint(found, ==, 1);
}

static void test_all_listed(void)
{
  g_autoptr(GwDiags) d = gw_diags_new();
  g_autoptr(ScnPlan) p = load(HEAD "hosts:\n"
                                   "  - {name: h1, subnet: vnet1/nope, address: 10.1.1.5}\n"
                                   "  - {name: h1, behind: nobody, address: 1.2.3.4}\n"
                                   "timeline:\n"
                                   "  - {at: 1h, resetGateway: gw}\n",
                              d);
  g_assert_cmpuint(gw_diags_count(d, GW_SEV_ERROR), ==, 5);
  unsigned last = 0;
  for (size_t i = 0; i < gw_diags_len(d); i++) {
    const GwDiag *g = gw_diags_get(d, i);
    g_assert_cmpuint(g->loc.line * 1000 + g->loc.col, >=, last);
    last = g->loc.line * 1000 + g->loc.col;
  }
  g_assert_nonnull(strstr(gw_diags_get(d, 2)->message, "already used"));
}

static void test_truncations(void)
{
  /* every prefix of a valid scenario either fails to parse or loads without crashing */
  const char *full = HEAD DEVICE;
  size_t n = strlen(full);
  for (size_t len = 0; len <= n; len += 7) {
    g_autoptr(GwDiags) d = gw_diags_new();
    ScnLoadOptions opt = {.profile_dirs = profile_dirs()};
    g_autoptr(GError) err = NULL;
    g_autoptr(ScnPlan) p = scn_plan_load_string("t.yaml", full, len, &opt, d, &err);
    g_assert_true(p || err);
  }
}

/* vpnsim validate's mode: a file with only a cloud: section has no name or duration to
 * miss, while a run still needs both; every other problem is reported either way. */
static void test_judge_only(void)
{
  static const char cloud_only[] =
      "cloud:\n"
      "  virtualNetworks:\n"
      "    - {name: vnet1, addressSpace: [10.1.0.0/16], subnets: [{name: GatewaySubnet, "
      "addressPrefix: 10.1.255.0/27}]}\n"
      "  virtualNetworkGateways:\n"
      "    - {name: vgw1, virtualNetwork: vnet1, sku: VpnGw2AZ, publicIpAddress: 203.0.113.10}\n";
  for (int judge = 0; judge < 2; judge++) {
    ScnLoadOptions opt = {.profile_dirs = profile_dirs(), .judge_only = judge};
    g_autoptr(GwDiags) d = gw_diags_new();
    g_autoptr(GError) err = NULL;
    g_autoptr(ScnPlan) p =
        scn_plan_load_string("t.yaml", cloud_only, strlen(cloud_only), &opt, d, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(gw_diags_count(d, GW_SEV_ERROR), ==, judge ? 0 : 2); /* name, duration */
    g_autofree char *bad = g_strconcat(cloud_only, "timelime: []\n", NULL);
    g_autoptr(GwDiags) d2 = gw_diags_new();
    g_autoptr(ScnPlan) p2 = scn_plan_load_string("t.yaml", bad, strlen(bad), &opt, d2, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(gw_diags_count(d2, GW_SEV_ERROR), ==, judge ? 1 : 3);
  }
}

/* ---- extends: a scenario built on a base (docs/scenario-format.md) ---- */

static char *ext_dir;

static char *ext_write(const char *name, const char *text)
{
  char *path = g_build_filename(ext_dir, name, NULL);
  g_autofree char *dir = g_path_get_dirname(path);
  g_mkdir_with_parents(dir, 0755);
  g_assert_true(g_file_set_contents(path, text, -1, NULL));
  return path;
}

/* The merged tree of FILE as YAML (no redaction), or NULL with the first error in *err. */
static char *ext_merged(const char *file, char **err)
{
  g_autoptr(VsDiags) d = vs_diags_new();
  g_autoptr(YtDoc) doc = yt_load_file_extends(file, vs_diags_sink(d));
  if (!doc) {
    g_assert_cmpuint(vs_diags_len(d), ==, 1);
    *err = vs_diag_format_brief(vs_diags_get(d, 0));
    return NULL;
  }
  g_assert_cmpuint(vs_diags_len(d), ==, 0);
  return yt_emit(doc->root, false);
}

static const char ext_base[] = "name: base\n"
                               "seed: 1\n"
                               "cloud:\n"
                               "  connections:\n"
                               "    - name: c1\n"
                               "      connectionMode: Default\n"
                               "      dpdTimeoutSeconds: 45\n"
                               "    - name: c2\n"
                               "      connectionMode: Default\n"
                               "hosts:\n"
                               "  - {name: vm1, address: 10.1.1.4}\n"
                               "  - {name: pc1, address: 192.168.1.10}\n"
                               "links: [a, b]\n";

static void test_extends_merge(void)
{
  g_autofree char *b = ext_write("m/bases/base.yaml", ext_base);
  g_autofree char *f = ext_write("m/d.yaml", "extends: bases/base.yaml\n"
                                             "name: derived\n"
                                             "cloud:\n"
                                             "  connections:\n"
                                             "    - name: c1\n"
                                             "      connectionMode: InitiatorOnly\n"
                                             "      dpdTimeoutSeconds: $delete\n"
                                             "    - {name: c2, $delete: true}\n"
                                             "    - name: c3\n"
                                             "      connectionMode: ResponderOnly\n"
                                             "hosts:\n"
                                             "  - {name: vm1, address: 10.1.1.5}\n"
                                             "  - {name: pc2, address: 192.168.1.11}\n"
                                             "links: [c]\n"
                                             "seed: $delete\n"
                                             "expect: []\n");
  g_autofree char *err = NULL;
  g_autofree char *m = ext_merged(f, &err);
  /* mappings merged key by key in the base's order, new keys after; named items merged by
   * name (base order, new ones after), deleted with $delete; other lists replaced */
  g_assert_cmpstr(m, ==, "name: derived\n"
                         "cloud:\n"
                         "  connections:\n"
                         "    - name: c1\n"
                         "      connectionMode: InitiatorOnly\n"
                         "    - name: c3\n"
                         "      connectionMode: ResponderOnly\n"
                         "hosts:\n"
                         "  - name: vm1\n"
                         "    address: 10.1.1.5\n"
                         "  - name: pc1\n"
                         "    address: 192.168.1.10\n"
                         "  - name: pc2\n"
                         "    address: 192.168.1.11\n"
                         "links: [c]\n"
                         "expect: []\n");
  /* $replace: the base's mapping is replaced, not merged into */
  g_autofree char *f2 = ext_write("m/r.yaml", "extends: bases/base.yaml\n"
                                              "cloud: {$replace: true, virtualNetworks: []}\n");
  g_autofree char *m2 = ext_merged(f2, &err);
  g_assert_nonnull(strstr(m2, "cloud:\n  virtualNetworks: []\nhosts:"));
  /* a base of a base, and a base that names a file that is not there */
  g_autofree char *f3 = ext_write("m/dd.yaml", "extends: d.yaml\nname: dd\n");
  g_autofree char *m3 = ext_merged(f3, &err);
  g_assert_true(g_str_has_prefix(m3, "name: dd\ncloud:\n"));
  g_assert_nonnull(strstr(m3, "ResponderOnly"));
  (void)b;
}

static void test_extends_errors(void)
{
  g_autofree char *err = NULL;
  /* a cycle, refused at the extends: that closes it */
  g_autofree char *a = ext_write("e/a.yaml", "name: a\nextends: b.yaml\n");
  g_autofree char *b = ext_write("e/b.yaml", "extends: a.yaml\nseed: 1\n");
  g_assert_null(ext_merged(a, &err));
  g_test_message("%s", err);
  g_assert_nonnull(strstr(err, "b.yaml:1:10: extends makes a cycle: "));
  g_clear_pointer(&err, g_free);
  g_autofree char *self = ext_write("e/self.yaml", "extends: self.yaml\n");
  g_assert_null(ext_merged(self, &err));
  g_test_message("%s", err);
  g_assert_nonnull(strstr(err, "self.yaml:1:10: extends makes a cycle"));
  g_clear_pointer(&err, g_free);
  /* a base that is not there: located at the extends: value */
  g_autofree char *nb = ext_write("e/nobase.yaml", "name: x\nextends: none.yaml\n");
  g_assert_null(ext_merged(nb, &err));
  g_assert_nonnull(strstr(err, "nobase.yaml:2:10: cannot read the base scenario 'none.yaml'"));
  g_clear_pointer(&err, g_free);
  g_autofree char *ne = ext_write("e/notname.yaml", "extends: [a.yaml]\n");
  g_assert_null(ext_merged(ne, &err));
  g_assert_nonnull(strstr(err, "notname.yaml:1:10: extends must name the base"));
  g_clear_pointer(&err, g_free);
  /* a base that is not YAML: its own place */
  g_autofree char *bad = ext_write("e/bad.yaml", "name: [x\n");
  g_autofree char *db = ext_write("e/onbad.yaml", "extends: bad.yaml\n");
  g_assert_null(ext_merged(db, &err));
  g_assert_true(g_str_has_prefix(err, bad));
  g_clear_pointer(&err, g_free);
  (void)b;

  /* the loader's findings are located in the file each node came from */
  g_autofree char *base = tu_top_path("conformance/checks/bases/s2s-ikev2.yaml");
  g_autofree char *bt0 = NULL;
  g_assert_true(g_file_get_contents(base, &bt0, NULL, NULL));
  g_autofree char *bt = g_strconcat(bt0, "name: base\nexpect:\n"
                                         "  - {tunnel: vgw1-site1, state: connected, by: 10s}\n",
                                    NULL);
  g_autofree char *pb = ext_write("l/bases/s2s.yaml", bt);
  /* the base's typo, and the derived file's own */
  g_autofree char *bt2 = g_strdup(bt);
  char *p = strstr(bt2, "      vpnType: RouteBased");
  g_assert_nonnull(p);
  memcpy(p, "      vpnTyp:  RouteBased", strlen("      vpnTyp:  RouteBased"));
  g_autofree char *pb2 = ext_write("l/bases/typo.yaml", bt2);
  g_autofree char *d1 = ext_write("l/d1.yaml", "extends: bases/typo.yaml\n"
                                               "name: d1\n"
                                               "hosts:\n"
                                               "  - {name: pc1, adress: 192.168.1.11}\n");
  ScnLoadOptions opt = {.profile_dirs = profile_dirs()};
  g_autoptr(VsDiags) d = vs_diags_new();
  g_autoptr(GError) e = NULL;
  g_autoptr(ScnPlan) plan = scn_plan_load_file(d1, &opt, d, &e);
  g_assert_no_error(e);
  unsigned vline = 1;
  for (const char *c = bt2; c < p; c++)
    vline += *c == '\n';
  g_autofree char *where_base = g_strdup_printf("%s:%u:7: ", pb2, vline);
  g_autofree char *where_derived = g_strdup_printf("%s:4:17: ", d1);
  bool seen_base = false, seen_derived = false;
  for (size_t i = 0; i < vs_diags_len(d); i++) {
    g_autofree char *s = vs_diag_format_brief(vs_diags_get(d, i));
    seen_base |= g_str_has_prefix(s, where_base) && strstr(s, "vpnTyp") != NULL;
    seen_derived |= g_str_has_prefix(s, where_derived) && strstr(s, "adress") != NULL;
  }
  if (!seen_base || !seen_derived)
    dump(d);
  g_assert_true(seen_base);
  g_assert_true(seen_derived);
  /* the plan shows the merged scenario, the shared key redacted */
  g_autofree char *d2 = ext_write("l/d2.yaml", "extends: bases/s2s.yaml\nname: d2\n");
  g_autoptr(VsDiags) d2d = vs_diags_new();
  g_autoptr(ScnPlan) p2 = scn_plan_load_file(d2, &opt, d2d, &e);
  g_assert_no_error(e);
  g_assert_cmpuint(vs_diags_count(d2d, VS_SEV_ERROR), ==, 0);
  g_assert_cmpuint(p2->n_bases, ==, 1);
  g_assert_cmpstr(p2->bases[0], ==, pb);
  g_assert_true(g_str_has_prefix(p2->merged, "seed: 1\n"));
  g_assert_nonnull(strstr(p2->merged, "\nname: d2\n"));
  g_assert_nonnull(strstr(p2->merged, "sharedKey: <redacted>"));
  g_assert_null(strstr(p2->merged, "Conformance.key"));
  g_assert_cmpstr(p2->expects[0].loc.file, ==, pb);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  ext_dir = g_dir_make_tmp("vpnsim-extends-XXXXXX", NULL);
  g_test_add_func("/scenario/bundled", test_bundled);
  g_test_add_func("/scenario/valid-head", test_valid_head);
  g_test_add_func("/scenario/both-ways", test_both_ways);
  g_test_add_func("/scenario/overrides", test_overrides);
  g_test_add_func("/scenario/profile-locations", test_profile_locations);
  g_test_add_func("/scenario/malformed", test_malformed);
  g_test_add_func("/scenario/all-listed", test_all_listed);
  g_test_add_func("/scenario/device-address", test_device_address_warning);
  g_test_add_func("/scenario/truncations", test_truncations);
  g_test_add_func("/scenario/judge-only", test_judge_only);
  g_test_add_func("/scenario/extends/merge", test_extends_merge);
  g_test_add_func("/scenario/extends/errors", test_extends_errors);
  return g_test_run();
}
