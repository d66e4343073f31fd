/* SPDX-License-Identifier: MIT */
/* The on-premises VPN device at run time: its data plane (LAN prefixes behind it, one or
 * more tunnels, route-based or policy-based selectors) on the shared tunnel-endpoint data
 * plane (models/endpoint/ep_dataplane.h), without SKU caps. The configuration here is the data-plane
 * part only; the device profile (models/device/dev_config.h) fills it later. The IKE
 * engine installs child SAs through ep_dp_sa_* on dev_runtime_dp(). */
#pragma once

#include "models/endpoint/ep_dataplane.h"

/* The device's event types (dotted, "dev.*"). */
extern const EpDpEventTypes dev_runtime_events;

enum { DEV_MAX_TUNNELS = 16 };

typedef struct {
  const char *name;           /* node name for events, e.g. "site1-vpn" */
  Ipv4Addr public_ip;         /* underlay (outside) address */
  Ipv4Addr inside_ip;         /* LAN-side address: the source of its ICMP errors */
  Ipv4Prefix lan[EP_DP_MAX_PREFIXES];
  unsigned n_lan;
  /* One per peer/connection. A policy-based tunnel without selectors gets one pair per
   * (LAN prefix x remote prefix), as Azure requires of policy-based peers (facts 3.4). */
  EpDpTunnelConfig tunnels[DEV_MAX_TUNNELS];
  unsigned n_tunnels;
  uint32_t tunnel_mtu, path_mtu; /* 0: defaults (1400, 1500) */
  uint16_t mss_clamp;            /* TCP MSS clamping (facts 2.5 advises 1350); 0: off */
} DevRuntimeConfig;

typedef struct DevRuntime DevRuntime;

/* NULL with *err (g_free) on a configuration it cannot run (too many prefixes, tunnels
 * or selectors, no LAN). cfg is only read during the call. */
DevRuntime *dev_runtime_new(const DevRuntimeConfig *cfg, const EpEnv *env, char **err);
void dev_runtime_free(DevRuntime *d);
EpDp *dev_runtime_dp(DevRuntime *d);
int dev_runtime_tunnel(const DevRuntime *d, const char *name);
