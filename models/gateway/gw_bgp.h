/* SPDX-License-Identifier: MIT */
/* The gateway instance's BGP configuration from the cloud model (facts 5): its AS
 * (65515 by default), its peer address per session (the GatewaySubnet address, or the
 * custom APIPA one when the local network gateway's BGP peer is APIPA), one session per
 * connection with enableBgp whose local network gateway has bgpSettings, Azure's rules
 * (models/bgp/bgp_azure.h), and who opens the TCP connection. */
#pragma once

#include "models/endpoint/ep_bgp.h"
#include "models/gateway/gw_config.h"

/* False when the gateway does not run BGP (enableBgp off, or no connection with BGP);
 * then *out is untouched. node is borrowed for events. Sessions the facts do not allow
 * (an APIPA peer and no custom APIPA address) are left out. */
bool gw_bgp_config(const GwConfig *cfg, const char *gateway, unsigned instance, const EpDp *dp,
                   const char *node, EpBgpConfig *out);
/* The same with Azure's rule rows in 'rules_off' left out (bgp_azure_speaker_config_except):
 * a faulty gateway for the conformance checks. */
bool gw_bgp_config_faulty(const GwConfig *cfg, const char *gateway, unsigned instance,
                          const EpDp *dp, const char *node, uint32_t rules_off, EpBgpConfig *out);
/* The same, with the gateway's NAT faults (GwNatFault, gw_nat.h): BGP route translation
 * (enableBgpRouteTranslationForNat, facts 6) is left out under noBgpTranslation. */
bool gw_bgp_config_nat(const GwConfig *cfg, const char *gateway, unsigned instance,
                       const EpDp *dp, const char *node, uint32_t rules_off, uint32_t nat_faults,
                       EpBgpConfig *out);
