/* SPDX-License-Identifier: MIT */
/* What the data-plane benchmarks share (header only: each bench C file is its own
 * program): a tunnel-endpoint data plane with one tunnel, its LAN and the remote prefix. */
#ifndef VPNSIM_BENCH_DP_H
#define VPNSIM_BENCH_DP_H

#include "bench/bench_util.h"
#include "models/common/ipv4.h"
#include "models/endpoint/ep_dataplane.h"

/* A data plane at 'me' (public and inside address) for the LAN prefix 'lan', with one
 * tunnel "t" to 'peer' for the prefix 'remote'; 1,500-octet tunnel MTU, no events. */
static inline EpDp *bench_dp_side(Ipv4Addr me, Ipv4Addr peer, const char *lan,
                                  const char *remote, EpEnv *env)
{
  static const EpDpEventTypes types = {0};
  EpDpConfig c = {.node = "bench", .public_ip = me, .inside_ip = me, .n_local_prefixes = 1,
                  .tunnel_mtu = 1500, .events = &types};
  ipv4_prefix_parse(lan, &c.local_prefixes[0]);
  EpDp *dp = ep_dp_new(&c, env);
  EpDpTunnelConfig t = {.name = "t", .remote_public = peer, .n_remote_prefixes = 1};
  ipv4_prefix_parse(remote, &t.remote_prefixes[0]);
  ep_dp_tunnel_add(dp, &t);
  return dp;
}

#endif
