/* SPDX-License-Identifier: MIT */
/* The gateway configuration that gw_p2s_tls_test.c and gw_p2s_tls_fuzz.c build their TLS
 * side from: VNet vnet1 10.1.0.0/16, gateway vgw1 with the P2S pool 172.16.201.0/24 and
 * the tunnel types 'protocols' (GW_P2S_PROTO_* bits). */
#pragma once

#include "models/gateway/gw_config.h"

static inline GwConfig *gw_p2s_tls_fixture_config(unsigned protocols)
{
  GwConfig *c = gw_config_new();
  GwVirtualNetwork *v = &c->virtualNetworks[c->n_virtualNetworks++];
  v->name = (GwStr){.set = true, .v = "vnet1"};
  ipv4_prefix_parse("10.1.0.0/16", &v->addressSpace[v->n_addressSpace++].v);
  GwVirtualNetworkGateway *g = &c->virtualNetworkGateways[c->n_virtualNetworkGateways++];
  g->name = (GwStr){.set = true, .v = "vgw1"};
  g->virtualNetwork = (GwStr){.set = true, .v = "vnet1"};
  g->vpnClientConfiguration.set = true;
  g->vpnClientConfiguration.vpnClientProtocols = protocols;
  ipv4_prefix_parse("172.16.201.0/24", &g->vpnClientConfiguration.vpnClientAddressPool[0].v);
  g->vpnClientConfiguration.n_vpnClientAddressPool = 1;
  return c;
}
