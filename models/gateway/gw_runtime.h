/* SPDX-License-Identifier: MIT */
/* The Azure VPN gateway at run time: one object per gateway instance (active-standby in
 * this issue), built from a GwVirtualNetworkGateway and its connections: the public IP,
 * the GatewaySubnet address, one tunnel per connection (route-based, or selector-driven
 * when the gateway is policy-based or the connection uses policy-based traffic
 * selectors), the route table and the SKU's throughput caps, on the shared data plane
 * (models/endpoint/ep_dataplane.h). The IKE engine installs child SAs through ep_dp_sa_* on
 * gw_gateway_dp(). */
#pragma once

#include "models/gateway/gw_config.h"
#include "models/endpoint/ep_dataplane.h"
#include "models/gateway/gw_sku.h"
#include "models/gateway/gw_policy.h"

/* The gateway's event types (dotted, "gw.*"). */
extern const EpDpEventTypes gw_gateway_events;
#define GW_EV_CONNECTION_REFUSED "gw.connection.refused"

typedef struct {
  unsigned instance;             /* 0: the active instance */
  uint32_t tunnel_mtu, path_mtu; /* 0: the data plane's defaults (1400, 1500) */
  bool no_caps;                  /* leave the SKU caps off (tests of other things) */
  uint16_t mss_clamp;            /* 0: off (the documents do not say the gateway clamps) */
  /* A faulty gateway (conformance checks): these rows of Azure's BGP rules
   * (models/bgp/bgp_azure.h, bit 1u << row index) are not followed. */
  uint32_t bgp_rules_off;
  /* A faulty gateway: GwNatFault bits (models/gateway/gw_nat.h). */
  uint32_t nat_faults;
  /* and these of the IKE rules the gateway follows (GwIkeFault bits, gw_ike.h) */
  uint32_t ike_faults;
  /* and these rows of its default proposal lists it leaves out (gw_policy.h) */
  GwOfferFaults offers_off;
  /* Point-to-site (models/gateway/gw_p2s.h): the run's certificates for the gateway, or
   * NULL (no P2S side). Borrowed for the gateway's life. */
  const struct GwP2sCreds *p2s;
} GwGatewayOptions;

typedef struct GwGateway GwGateway;

/* The gateway named 'name' of cfg (a validated configuration). NULL with *err (g_free)
 * when it cannot run: unknown gateway, virtual network or SKU, no public IP, no
 * GatewaySubnet. Active-active: instance i has public IP i (facts 8). Connections that cannot run yet (IKEv1)
 * get no tunnel and a GW_EV_CONNECTION_REFUSED event. cfg is only read during the call. */
GwGateway *gw_gateway_new(const GwConfig *cfg, const char *name, const EpEnv *env,
                          const GwGatewayOptions *opt, char **err);
void gw_gateway_free(GwGateway *gw);

EpDp *gw_gateway_dp(GwGateway *gw);
const GwSku *gw_gateway_sku(const GwGateway *gw);
Ipv4Addr gw_gateway_public_ip(const GwGateway *gw);
/* The instance's GatewaySubnet address (facts 5: the last usable address for A/S). */
Ipv4Addr gw_gateway_inside_ip(const GwGateway *gw);
/* The instance this object is (GwGatewayOptions.instance): its events' node "NAME/N". */
unsigned gw_gateway_instance(const GwGateway *gw);
/* The rows of the default proposal lists this faulty gateway leaves out (never NULL). */
const GwOfferFaults *gw_gateway_offer_faults(const GwGateway *gw);
/* The NAT rules that apply on this instance (gw_nat.h); NULL when the gateway has none. */
struct GwNat *gw_gateway_nat(const GwGateway *gw);
/* The tunnel of a connection, by the connection's name; -1 when it has none. */
int gw_gateway_tunnel(const GwGateway *gw, const char *connection);
