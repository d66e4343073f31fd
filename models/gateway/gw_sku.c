/* SPDX-License-Identifier: MIT */
/* The VPN gateway SKU catalogue (azure-vpn-facts.md 1.1-1.4): adding a SKU is adding a row. */
#include "models/gateway/gw_sku.h"

#include <string.h>

#define MBPS(x) ((uint64_t)(x) * 1000000u)
#define GBPS(x) ((uint64_t)((x) * 1000.0 + 0.5) * 1000000u)

/* Feature sets (facts 1.2):
 * - Basic: route- or policy-based; no BGP, custom policy, IKEv1 on RB, NAT, AA, P2S IKEv2
 *   (facts 11: newest source), RADIUS, zones.
 * - VpnGw1/1AZ: BGP, custom policy, IKEv1 + IKEv2, AA, P2S IKEv2, RADIUS; NAT "no".
 * - VpnGw2-5 / 2AZ-5AZ: as VpnGw1 plus NAT rules (nat-overview.md).
 * - Zone redundancy: the AZ variants only.
 * - Legacy Standard: BGP, custom policy, RADIUS; IKEv2 only, no NAT, no AA; P2S IKEv2 "not
 *   stated" (treated as unsupported). HighPerformance: the same plus AA. */
#define F_GW1 (GW_FEAT_BGP | GW_FEAT_CUSTOM_POLICY | GW_FEAT_IKEV1 | GW_FEAT_ACTIVE_ACTIVE | \
               GW_FEAT_P2S_IKEV2 | GW_FEAT_RADIUS)
#define F_GW2 (F_GW1 | GW_FEAT_NAT)
#define F_AZ GW_FEAT_ZONE_REDUNDANT

#define PERF(a, b, c, pa, pb, pc) .tunnel_bps = {a, b, c}, .tunnel_pps = {pa, pb, pc}

/* Numbers: facts 1.1 (tunnels, P2S, aggregate, VMs), 1.3 (per tunnel), 1.4 (legacy). */
const GwSku gw_skus[] = {
    {.name = "Basic", .generation = GW_GEN_1, .sku_class = GW_SKU_CLASS_CURRENT,
     .s2s_tunnels = 10, .pb_tunnels = 1, .p2s_sstp = 128, .p2s_ikev2_openvpn = 0,
     .aggregate_bps = MBPS(100), .supported_vms = 200, .features = GW_FEAT_POLICY_BASED,
     .source = "facts 1.1, 1.2, 1.4"},
    {.name = "VpnGw1", .generation = GW_GEN_1, .sku_class = GW_SKU_CLASS_CURRENT,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 250,
     .aggregate_bps = MBPS(650), .supported_vms = 450,
     PERF(MBPS(650), MBPS(500), MBPS(130), 62000, 47000, 12000), .features = F_GW1,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw2", .generation = GW_GEN_1, .sku_class = GW_SKU_CLASS_CURRENT,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 500,
     .aggregate_bps = GBPS(1), .supported_vms = 1300,
     PERF(GBPS(1.2), MBPS(650), MBPS(140), 100000, 61000, 13000), .features = F_GW2,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw3", .generation = GW_GEN_1, .sku_class = GW_SKU_CLASS_CURRENT,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 1000,
     .aggregate_bps = GBPS(1.25), .supported_vms = 4000,
     PERF(GBPS(1.25), MBPS(700), MBPS(140), 120000, 66000, 13000), .features = F_GW2,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw2", .generation = GW_GEN_2, .sku_class = GW_SKU_CLASS_CURRENT,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 500,
     .aggregate_bps = GBPS(1.25), .supported_vms = 685,
     PERF(GBPS(1.25), MBPS(550), MBPS(130), 120000, 52000, 12000), .features = F_GW2,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw3", .generation = GW_GEN_2, .sku_class = GW_SKU_CLASS_CURRENT,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 1000,
     .aggregate_bps = GBPS(2.5), .supported_vms = 2240,
     PERF(GBPS(1.5), MBPS(700), MBPS(140), 140000, 66000, 13000), .features = F_GW2,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw4", .generation = GW_GEN_2, .sku_class = GW_SKU_CLASS_CURRENT,
     .s2s_tunnels = 100, .p2s_sstp = 128, .p2s_ikev2_openvpn = 5000,
     .aggregate_bps = GBPS(5), .supported_vms = 5300,
     PERF(GBPS(2.3), MBPS(700), MBPS(140), 220000, 66000, 13000), .features = F_GW2,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw5", .generation = GW_GEN_2, .sku_class = GW_SKU_CLASS_CURRENT,
     .s2s_tunnels = 100, .p2s_sstp = 128, .p2s_ikev2_openvpn = 10000,
     .aggregate_bps = GBPS(10), .supported_vms = 6700,
     PERF(GBPS(2.3), MBPS(700), MBPS(140), 220000, 66000, 13000), .features = F_GW2,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw1AZ", .generation = GW_GEN_1, .sku_class = GW_SKU_CLASS_AZ,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 250,
     .aggregate_bps = MBPS(650), .supported_vms = 1000,
     PERF(MBPS(650), MBPS(500), MBPS(130), 62000, 47000, 12000), .features = F_GW1 | F_AZ,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw2AZ", .generation = GW_GEN_1, .sku_class = GW_SKU_CLASS_AZ,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 500,
     .aggregate_bps = GBPS(1), .supported_vms = 2000,
     PERF(GBPS(1.2), MBPS(650), MBPS(140), 110000, 61000, 13000), .features = F_GW2 | F_AZ,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw3AZ", .generation = GW_GEN_1, .sku_class = GW_SKU_CLASS_AZ,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 1000,
     .aggregate_bps = GBPS(1.25), .supported_vms = 5000,
     PERF(GBPS(1.25), MBPS(700), MBPS(140), 120000, 66000, 13000), .features = F_GW2 | F_AZ,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw2AZ", .generation = GW_GEN_2, .sku_class = GW_SKU_CLASS_AZ,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 500,
     .aggregate_bps = GBPS(1.25), .supported_vms = 2000,
     PERF(GBPS(1.25), MBPS(550), MBPS(130), 120000, 52000, 12000), .features = F_GW2 | F_AZ,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw3AZ", .generation = GW_GEN_2, .sku_class = GW_SKU_CLASS_AZ,
     .s2s_tunnels = 30, .p2s_sstp = 128, .p2s_ikev2_openvpn = 1000,
     .aggregate_bps = GBPS(2.5), .supported_vms = 3300,
     PERF(GBPS(1.5), MBPS(700), MBPS(140), 140000, 66000, 13000), .features = F_GW2 | F_AZ,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw4AZ", .generation = GW_GEN_2, .sku_class = GW_SKU_CLASS_AZ,
     .s2s_tunnels = 100, .p2s_sstp = 128, .p2s_ikev2_openvpn = 5000,
     .aggregate_bps = GBPS(5), .supported_vms = 4400,
     PERF(GBPS(2.3), MBPS(700), MBPS(140), 220000, 66000, 13000), .features = F_GW2 | F_AZ,
     .source = "facts 1.1, 1.2, 1.3"},
    {.name = "VpnGw5AZ", .generation = GW_GEN_2, .sku_class = GW_SKU_CLASS_AZ,
     .s2s_tunnels = 100, .p2s_sstp = 128, .p2s_ikev2_openvpn = 10000,
     .aggregate_bps = GBPS(10), .supported_vms = 9000,
     PERF(GBPS(2.3), MBPS(700), MBPS(140), 220000, 66000, 13000), .features = F_GW2 | F_AZ,
     .source = "facts 1.1, 1.2, 1.3"},
    /* Legacy (facts 1.4): no generation, throughput a rough VNet-to-VNet maximum. */
    {.name = "Standard", .generation = GW_GEN_NONE, .sku_class = GW_SKU_CLASS_LEGACY,
     .s2s_tunnels = 10, .p2s_sstp = 128, .aggregate_bps = MBPS(100),
     .features = GW_FEAT_BGP | GW_FEAT_CUSTOM_POLICY | GW_FEAT_RADIUS,
     .source = "facts 1.2, 1.4"},
    {.name = "HighPerformance", .generation = GW_GEN_NONE, .sku_class = GW_SKU_CLASS_LEGACY,
     .s2s_tunnels = 30, .p2s_sstp = 128, .aggregate_bps = MBPS(200),
     .features = GW_FEAT_BGP | GW_FEAT_CUSTOM_POLICY | GW_FEAT_RADIUS | GW_FEAT_ACTIVE_ACTIVE,
     .source = "facts 1.2, 1.4"},
};
const size_t gw_n_skus = sizeof(gw_skus) / sizeof(gw_skus[0]);

NAME_TABLE(gw_sku_class_names, "SKU class", {GW_SKU_CLASS_CURRENT, "current"},
           {GW_SKU_CLASS_AZ, "AZ"}, {GW_SKU_CLASS_LEGACY, "legacy"});
NAME_TABLE(gw_sku_feature_names, "SKU feature", {GW_FEAT_POLICY_BASED, "PolicyBased"},
           {GW_FEAT_BGP, "BGP"}, {GW_FEAT_CUSTOM_POLICY, "CustomPolicy"},
           {GW_FEAT_IKEV1, "IKEv1"}, {GW_FEAT_NAT, "NAT"}, {GW_FEAT_ACTIVE_ACTIVE, "ActiveActive"},
           {GW_FEAT_P2S_IKEV2, "P2S-IKEv2"}, {GW_FEAT_RADIUS, "RADIUS"},
           {GW_FEAT_ZONE_REDUNDANT, "ZoneRedundant"});

const GwSku *gw_sku_find(const char *name, GwGeneration gen)
{
  if (!name)
    return NULL;
  for (size_t i = 0; i < gw_n_skus; i++) {
    if (strcmp(gw_skus[i].name, name) != 0)
      continue;
    /* legacy rows have no generation: any stated generation other than 2 matches */
    if (gen == GW_GEN_NONE || gw_skus[i].generation == gen ||
        (gw_skus[i].generation == GW_GEN_NONE && gen != GW_GEN_2))
      return &gw_skus[i];
  }
  return NULL;
}

bool gw_sku_name_known(const char *name)
{
  return gw_sku_find(name, GW_GEN_NONE) != NULL;
}
