/* SPDX-License-Identifier: MIT */
/* Checks the SKU catalogue against the numbers of azure-vpn-facts.md 1.1-1.4, transcribed
 * here independently of gw_sku.c, for every SKU row. */
#include "models/gateway/gw_sku.h"

#include <glib.h>
#include <string.h>

typedef struct {
  const char *name;
  int gen; /* 1, 2, 0 legacy */
  unsigned tunnels, pb_tunnels, sstp, ikev2;
  double aggregate_mbps;
  unsigned vms;
  double mbps[3]; /* per tunnel, facts 1.3: A GCMAES256, B AES256+SHA256, C DES3+SHA256 */
  unsigned pps[3];
  /* facts 1.2 feature flags */
  bool pb, bgp, custom, ikev1, nat, aa, p2s_ikev2, radius, zones;
} Expect;

/* facts 1.1 (table: tunnels, SSTP, IKEv2/OpenVPN, aggregate, VMs), facts 1.3 (per tunnel),
 * facts 1.4 (legacy), facts 1.2 (features). */
static const Expect expected[] = {
    {"Basic", 1, 10, 1, 128, 0, 100, 200, {0, 0, 0}, {0, 0, 0},
     true, false, false, false, false, false, false, false, false},
    {"VpnGw1AZ", 1, 30, 0, 128, 250, 650, 1000, {650, 500, 130}, {62000, 47000, 12000},
     false, true, true, true, false, true, true, true, true},
    {"VpnGw2AZ", 1, 30, 0, 128, 500, 1000, 2000, {1200, 650, 140}, {110000, 61000, 13000},
     false, true, true, true, true, true, true, true, true},
    {"VpnGw3AZ", 1, 30, 0, 128, 1000, 1250, 5000, {1250, 700, 140}, {120000, 66000, 13000},
     false, true, true, true, true, true, true, true, true},
    {"VpnGw2AZ", 2, 30, 0, 128, 500, 1250, 2000, {1250, 550, 130}, {120000, 52000, 12000},
     false, true, true, true, true, true, true, true, true},
    {"VpnGw3AZ", 2, 30, 0, 128, 1000, 2500, 3300, {1500, 700, 140}, {140000, 66000, 13000},
     false, true, true, true, true, true, true, true, true},
    {"VpnGw4AZ", 2, 100, 0, 128, 5000, 5000, 4400, {2300, 700, 140}, {220000, 66000, 13000},
     false, true, true, true, true, true, true, true, true},
    {"VpnGw5AZ", 2, 100, 0, 128, 10000, 10000, 9000, {2300, 700, 140}, {220000, 66000, 13000},
     false, true, true, true, true, true, true, true, true},
    {"VpnGw1", 1, 30, 0, 128, 250, 650, 450, {650, 500, 130}, {62000, 47000, 12000},
     false, true, true, true, false, true, true, true, false},
    {"VpnGw2", 1, 30, 0, 128, 500, 1000, 1300, {1200, 650, 140}, {100000, 61000, 13000},
     false, true, true, true, true, true, true, true, false},
    {"VpnGw3", 1, 30, 0, 128, 1000, 1250, 4000, {1250, 700, 140}, {120000, 66000, 13000},
     false, true, true, true, true, true, true, true, false},
    {"VpnGw2", 2, 30, 0, 128, 500, 1250, 685, {1250, 550, 130}, {120000, 52000, 12000},
     false, true, true, true, true, true, true, true, false},
    {"VpnGw3", 2, 30, 0, 128, 1000, 2500, 2240, {1500, 700, 140}, {140000, 66000, 13000},
     false, true, true, true, true, true, true, true, false},
    {"VpnGw4", 2, 100, 0, 128, 5000, 5000, 5300, {2300, 700, 140}, {220000, 66000, 13000},
     false, true, true, true, true, true, true, true, false},
    {"VpnGw5", 2, 100, 0, 128, 10000, 10000, 6700, {2300, 700, 140}, {220000, 66000, 13000},
     false, true, true, true, true, true, true, true, false},
    /* facts 1.4 and 1.2: legacy; per-tunnel figures and VM counts not documented */
    {"Standard", 0, 10, 0, 128, 0, 100, 0, {0, 0, 0}, {0, 0, 0},
     false, true, true, false, false, false, false, true, false},
    {"HighPerformance", 0, 30, 0, 128, 0, 200, 0, {0, 0, 0}, {0, 0, 0},
     false, true, true, false, false, true, false, true, false},
};

static uint64_t mbps(double m)
{
  return (uint64_t)(m * 1e6 + 0.5);
}

static void test_every_sku(void)
{
  g_assert_cmpuint(gw_n_skus, ==, G_N_ELEMENTS(expected));
  for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
    const Expect *e = &expected[i];
    const GwSku *s = gw_sku_find(e->name, (GwGeneration)e->gen);
    g_test_message("%s gen %d", e->name, e->gen);
    g_assert_nonnull(s);
    g_assert_cmpstr(s->name, ==, e->name);
    g_assert_cmpint(s->generation, ==, e->gen);
    g_assert_cmpuint(s->s2s_tunnels, ==, e->tunnels);
    g_assert_cmpuint(s->pb_tunnels, ==, e->pb_tunnels);
    g_assert_cmpuint(s->p2s_sstp, ==, e->sstp);
    g_assert_cmpuint(s->p2s_ikev2_openvpn, ==, e->ikev2);
    g_assert_cmpuint(s->aggregate_bps, ==, mbps(e->aggregate_mbps));
    g_assert_cmpuint(s->supported_vms, ==, e->vms);
    for (int a = 0; a < EP_ALGSET_N; a++) {
      g_assert_cmpuint(s->tunnel_bps[a], ==, mbps(e->mbps[a]));
      g_assert_cmpuint(s->tunnel_pps[a], ==, e->pps[a]);
    }
    g_assert_cmpint(gw_sku_has(s, GW_FEAT_POLICY_BASED), ==, e->pb);
    g_assert_cmpint(gw_sku_has(s, GW_FEAT_BGP), ==, e->bgp);
    g_assert_cmpint(gw_sku_has(s, GW_FEAT_CUSTOM_POLICY), ==, e->custom);
    g_assert_cmpint(gw_sku_has(s, GW_FEAT_IKEV1), ==, e->ikev1);
    g_assert_cmpint(gw_sku_has(s, GW_FEAT_NAT), ==, e->nat);
    g_assert_cmpint(gw_sku_has(s, GW_FEAT_ACTIVE_ACTIVE), ==, e->aa);
    g_assert_cmpint(gw_sku_has(s, GW_FEAT_P2S_IKEV2), ==, e->p2s_ikev2);
    g_assert_cmpint(gw_sku_has(s, GW_FEAT_RADIUS), ==, e->radius);
    g_assert_cmpint(gw_sku_has(s, GW_FEAT_ZONE_REDUNDANT), ==, e->zones);
    /* AZ SKUs are exactly the zone-redundant ones (facts 1.2) */
    g_assert_cmpint(s->sku_class == GW_SKU_CLASS_AZ, ==, e->zones);
  }
}

static void test_lookup(void)
{
  /* facts 1.1 notes: there is no Gen2 VpnGw1, no Gen1 VpnGw4/5 */
  g_assert_null(gw_sku_find("VpnGw1", GW_GEN_2));
  g_assert_null(gw_sku_find("VpnGw4", GW_GEN_1));
  g_assert_null(gw_sku_find("VpnGw5AZ", GW_GEN_1));
  g_assert_null(gw_sku_find("Basic", GW_GEN_2));
  g_assert_null(gw_sku_find("VpnGw6", GW_GEN_NONE));
  g_assert_null(gw_sku_find(NULL, GW_GEN_1));
  /* without a generation: Generation1 where both exist */
  g_assert_cmpint(gw_sku_find("VpnGw2", GW_GEN_NONE)->generation, ==, GW_GEN_1);
  g_assert_cmpint(gw_sku_find("VpnGw4", GW_GEN_NONE)->generation, ==, GW_GEN_2);
  g_assert_cmpint(gw_sku_find("VpnGw2", GW_GEN_2)->supported_vms, ==, 685);
  /* legacy rows have no generation */
  g_assert_nonnull(gw_sku_find("Standard", GW_GEN_NONE));
  g_assert_nonnull(gw_sku_find("HighPerformance", GW_GEN_1));
  g_assert_true(gw_sku_name_known("VpnGw3AZ"));
  g_assert_false(gw_sku_name_known("vpngw3az")); /* ARM names are exact */
  /* each (name, generation) appears once */
  for (size_t i = 0; i < gw_n_skus; i++)
    for (size_t j = i + 1; j < gw_n_skus; j++)
      g_assert_false(strcmp(gw_skus[i].name, gw_skus[j].name) == 0 &&
                     gw_skus[i].generation == gw_skus[j].generation);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/gw_sku/every-sku-matches-facts", test_every_sku);
  g_test_add_func("/gw_sku/lookup", test_lookup);
  return g_test_run();
}
