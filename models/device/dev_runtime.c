/* SPDX-License-Identifier: MIT */
/* The on-premises device's data plane built from its data-plane configuration. */
#include "models/device/dev_runtime.h"

#include <glib.h>

const EpDpEventTypes dev_runtime_events = {
    .tunnel_connected = "dev.tunnel.connected",
    .tunnel_disconnected = "dev.tunnel.disconnected",
    .sa_installed = "dev.tunnel.sa_installed",
    .sa_switched = "dev.tunnel.sa_switched",
    .sa_deleted = "dev.tunnel.sa_deleted",
    .sa_expired = "dev.tunnel.sa_expired",
    .drop = "dev.dataplane.drop",
    .metrics = "dev.tunnel.metrics",
};

struct DevRuntime {
  EpDp *dp;
};

DevRuntime *dev_runtime_new(const DevRuntimeConfig *cfg, const EpEnv *env, char **err)
{
  if (cfg->n_lan == 0 || cfg->n_lan > EP_DP_MAX_PREFIXES) {
    *err = g_strdup_printf("device '%s': %u LAN prefixes (1..%u)", cfg->name ? cfg->name : "",
                           cfg->n_lan, (unsigned)EP_DP_MAX_PREFIXES);
    return NULL;
  }
  if (cfg->n_tunnels > DEV_MAX_TUNNELS) {
    *err = g_strdup_printf("device '%s': more than %u tunnels", cfg->name ? cfg->name : "",
                           (unsigned)DEV_MAX_TUNNELS);
    return NULL;
  }
  for (unsigned i = 0; i < cfg->n_tunnels; i++) {
    const EpDpTunnelConfig *t = &cfg->tunnels[i];
    if (t->n_remote_prefixes > EP_DP_MAX_PREFIXES || t->n_selectors > EP_DP_MAX_SELECTORS ||
        (t->policy_based && !t->n_selectors &&
         (size_t)cfg->n_lan * t->n_remote_prefixes > EP_DP_MAX_SELECTORS)) {
      *err = g_strdup_printf("device '%s', tunnel '%s': too many prefixes or selectors",
                             cfg->name ? cfg->name : "", t->name ? t->name : "");
      return NULL;
    }
  }
  EpDpConfig dc = {.node = cfg->name, .public_ip = cfg->public_ip, .inside_ip = cfg->inside_ip,
                   .n_local_prefixes = cfg->n_lan, .tunnel_mtu = cfg->tunnel_mtu,
                   .path_mtu = cfg->path_mtu, .mss_clamp = cfg->mss_clamp,
                   .events = &dev_runtime_events};
  for (unsigned i = 0; i < cfg->n_lan; i++)
    dc.local_prefixes[i] = cfg->lan[i];
  DevRuntime *d = g_new0(DevRuntime, 1);
  d->dp = ep_dp_new(&dc, env);
  EpDpTunnelConfig *t = g_new0(EpDpTunnelConfig, 1);
  for (unsigned i = 0; i < cfg->n_tunnels; i++) {
    *t = cfg->tunnels[i];
    if (t->policy_based && t->n_selectors == 0)
      for (unsigned l = 0; l < cfg->n_lan; l++)
        for (unsigned r = 0; r < t->n_remote_prefixes; r++)
          t->selectors[t->n_selectors++] =
              (EpSelector){ipv4_range_from_prefix(cfg->lan[l]),
                           ipv4_range_from_prefix(t->remote_prefixes[r])};
    ep_dp_tunnel_add(d->dp, t);
  }
  g_free(t);
  return d;
}

void dev_runtime_free(DevRuntime *d)
{
  if (!d)
    return;
  ep_dp_free(d->dp);
  g_free(d);
}

EpDp *dev_runtime_dp(DevRuntime *d)
{
  return d->dp;
}

int dev_runtime_tunnel(const DevRuntime *d, const char *name)
{
  return ep_dp_tunnel_find(d->dp, name);
}
