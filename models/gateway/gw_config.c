/* SPDX-License-Identifier: MIT */
/* The gateway resource model: allocation, look-ups by name, defaults and ARM name tables. */
#include "models/gateway/gw_config.h"

#include <glib.h>
#include <string.h>

NAME_TABLE(gw_gateway_type_names, "gatewayType", {GW_GATEWAY_TYPE_VPN, "Vpn"},
           {GW_GATEWAY_TYPE_EXPRESSROUTE, "ExpressRoute"});
NAME_TABLE(gw_vpn_type_names, "vpnType", {GW_VPN_ROUTE_BASED, "RouteBased"},
           {GW_VPN_POLICY_BASED, "PolicyBased"});
NAME_TABLE(gw_generation_names, "vpnGatewayGeneration", {GW_GEN_NONE, "None"},
           {GW_GEN_1, "Generation1"}, {GW_GEN_2, "Generation2"});
NAME_TABLE(gw_nat_type_names, "NAT rule type", {GW_NAT_STATIC, "Static"},
           {GW_NAT_DYNAMIC, "Dynamic"});
NAME_TABLE(gw_nat_mode_names, "NAT rule mode", {GW_NAT_INGRESS_SNAT, "IngressSnat"},
           {GW_NAT_EGRESS_SNAT, "EgressSnat"});
NAME_TABLE(gw_nat_ipconfig_names, "NAT rule ipConfigurationId",
           {GW_NAT_IPCONFIG_DEFAULT, "default"}, {GW_NAT_IPCONFIG_ACTIVE_ACTIVE, "activeActive"});
NAME_TABLE(gw_p2s_protocol_names, "vpnClientProtocols", {GW_P2S_PROTO_IKEV2, "IkeV2"},
           {GW_P2S_PROTO_SSTP, "SSTP"}, {GW_P2S_PROTO_OPENVPN, "OpenVPN"});
NAME_TABLE(gw_p2s_auth_type_names, "vpnAuthenticationTypes",
           {GW_P2S_AUTH_CERTIFICATE, "Certificate"}, {GW_P2S_AUTH_RADIUS, "Radius"},
           {GW_P2S_AUTH_AAD, "AAD"});
NAME_TABLE(gw_connection_type_names, "connectionType", {GW_CONN_IPSEC, "IPsec"},
           {GW_CONN_VNET2VNET, "Vnet2Vnet"});
NAME_TABLE(gw_connection_protocol_names, "connectionProtocol", {GW_IKEV1, "IKEv1"},
           {GW_IKEV2, "IKEv2"});
NAME_TABLE(gw_connection_mode_names, "connectionMode", {GW_MODE_DEFAULT, "Default"},
           {GW_MODE_INITIATOR_ONLY, "InitiatorOnly"}, {GW_MODE_RESPONDER_ONLY, "ResponderOnly"});

GwConfig *gw_config_new(void)
{
  return g_new0(GwConfig, 1);
}

void gw_config_free(GwConfig *cfg)
{
  g_free(cfg);
}

static bool name_is(GwStr s, const char *name)
{
  return s.v && name && strcmp(s.v, name) == 0;
}

const GwVirtualNetwork *gw_config_find_vnet(const GwConfig *cfg, const char *name)
{
  for (unsigned i = 0; i < cfg->n_virtualNetworks; i++)
    if (name_is(cfg->virtualNetworks[i].name, name))
      return &cfg->virtualNetworks[i];
  return NULL;
}

const GwVirtualNetworkGateway *gw_config_find_gateway(const GwConfig *cfg, const char *name)
{
  for (unsigned i = 0; i < cfg->n_virtualNetworkGateways; i++)
    if (name_is(cfg->virtualNetworkGateways[i].name, name))
      return &cfg->virtualNetworkGateways[i];
  return NULL;
}

const GwLocalNetworkGateway *gw_config_find_local(const GwConfig *cfg, const char *name)
{
  for (unsigned i = 0; i < cfg->n_localNetworkGateways; i++)
    if (name_is(cfg->localNetworkGateways[i].name, name))
      return &cfg->localNetworkGateways[i];
  return NULL;
}

int gw_enum_or(GwEnum e, int dflt)
{
  return e.set ? e.v : dflt;
}

bool gw_bool_or(GwBool b, bool dflt)
{
  return b.set ? b.v : dflt;
}

int64_t gw_int_or(GwInt i, int64_t dflt)
{
  return i.set ? i.v : dflt;
}
