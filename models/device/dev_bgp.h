/* SPDX-License-Identifier: MIT */
/* The on-premises device's BGP configuration (DevConfig.bgp): one session to its gateway
 * over its one tunnel, like a BIRD or a router peering with Azure (facts 5: a host route
 * to the Azure BGP address into the tunnel, eBGP). */
#pragma once

#include "models/device/dev_config.h"
#include "models/endpoint/ep_bgp.h"

/* False when the device runs no BGP. The peer's address and AS are the configuration's
 * (0 when not given: the runner fills them in from the gateway). node is borrowed. */
bool dev_bgp_config(const DevConfig *d, const char *node, EpBgpConfig *out);
