/* SPDX-License-Identifier: MIT */
/* The on-premises device as a tunnel endpoint (models/endpoint/ep_endpoint.h): its data
 * plane (dev_runtime.h) and its IKE control plane (dev_ike.h), built in two steps as the
 * endpoint's operations say. */
#pragma once

#include "models/device/dev_config.h"
#include "models/device/dev_ike.h"
#include "models/device/dev_runtime.h"
#include "models/endpoint/ep_endpoint.h"

/* Device d (borrowed for the endpoint's life: its IKE control plane is configured from
 * it) with the data plane rc (only read during the call). NULL with *err (g_free, the
 * runtime's reason) when it cannot run (dev_runtime_new). env is copied. */
EpEndpoint *dev_endpoint_new(const DevConfig *d, const DevRuntimeConfig *rc, const EpEnv *env,
                             char **err);
