/* SPDX-License-Identifier: MIT */
/* The VPN gateway SKU catalogue: one const row per SKU and generation (current, AZ and
 * legacy), with limits, throughput figures and feature flags from azure-vpn-facts.md 1. */
#pragma once

#include "models/endpoint/ep_dataplane.h"
#include "models/gateway/gw_config.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
  GW_SKU_CLASS_CURRENT, /* VpnGw1-5 (non-AZ), Basic: facts 1.1 */
  GW_SKU_CLASS_AZ,      /* VpnGw1AZ-5AZ: facts 1.1 */
  GW_SKU_CLASS_LEGACY,  /* Standard, HighPerformance: facts 1.4 */
} GwSkuClass;

/* Feature flags (facts 1.2). */
typedef enum {
  GW_FEAT_POLICY_BASED = 1 << 0, /* vpnType PolicyBased allowed */
  GW_FEAT_BGP = 1 << 1,
  GW_FEAT_CUSTOM_POLICY = 1 << 2,
  GW_FEAT_IKEV1 = 1 << 3,        /* IKEv1 connections on a route-based gateway */
  GW_FEAT_NAT = 1 << 4,
  GW_FEAT_ACTIVE_ACTIVE = 1 << 5,
  GW_FEAT_P2S_IKEV2 = 1 << 6,
  GW_FEAT_RADIUS = 1 << 7,
  GW_FEAT_ZONE_REDUNDANT = 1 << 8,
} GwSkuFeature;

typedef struct {
  const char *name;          /* ARM sku name: "VpnGw2AZ" */
  GwGeneration generation;   /* GW_GEN_NONE for the legacy SKUs (no generation) */
  GwSkuClass sku_class;
  unsigned s2s_tunnels;      /* S2S + VNet-to-VNet tunnels, route-based */
  unsigned pb_tunnels;       /* tunnels as a policy-based gateway; 0: PB not available */
  unsigned p2s_sstp;         /* concurrent SSTP connections */
  unsigned p2s_ikev2_openvpn; /* concurrent IKEv2/OpenVPN connections; 0: not supported */
  uint64_t aggregate_bps;    /* aggregate throughput benchmark */
  unsigned supported_vms;    /* 0: not documented */
  /* Observed per-tunnel figures (facts 1.3); 0: not documented for this SKU. */
  uint64_t tunnel_bps[EP_ALGSET_N];
  uint32_t tunnel_pps[EP_ALGSET_N];
  unsigned features;         /* GwSkuFeature bits */
  const char *source;        /* facts section(s) */
} GwSku;

extern const GwSku gw_skus[];
extern const size_t gw_n_skus;
extern const NameTable gw_sku_class_names;
extern const NameTable gw_sku_feature_names;

/* The row for name in generation gen; with GW_GEN_NONE (generation not given) the first
 * row of that name (Generation1 where both exist, as ARM defaults). NULL when none. */
const GwSku *gw_sku_find(const char *name, GwGeneration gen);
/* True when some row has this name (in any generation). */
bool gw_sku_name_known(const char *name);
static inline bool gw_sku_has(const GwSku *s, GwSkuFeature f)
{
  return (s->features & (unsigned)f) != 0;
}
