/* SPDX-License-Identifier: MIT */
/* The two instances of an Azure VPN gateway (facts 8): their roles (active-standby or
 * active-active), the zone each is placed in, and the documented failover windows by
 * cause, from which a runner takes how long the standby needs to take over. Pure data
 * and functions: no clock, no I/O; the runner (sim/run/instances.c) does the failing
 * and the taking over. */
#pragma once

#include "models/common/names.h"
#include "models/gateway/gw_config.h"

#include <stdbool.h>
#include <stdint.h>

#define GW_INSTANCES 2 /* facts 8: every gateway has two instances */

/* Why an instance stops carrying traffic (the "cause" of the failover events). */
typedef enum {
  GW_DOWN_PLANNED,   /* planned maintenance, one instance at a time (facts 8) */
  GW_DOWN_UNPLANNED, /* an unplanned instance failure */
  GW_DOWN_ZONE,      /* an outage of the availability zone the instance is in */
  GW_DOWN_RESET,     /* resetGateway: the instance reboots */
  GW_DOWN__COUNT
} GwDownCause;
extern const NameTable gw_down_cause_names; /* "planned-maintenance", ... */

/* A documented window for connectivity to come back after a cause, and where it is from. */
typedef struct {
  int64_t min_ns, max_ns;
  const char *source;
} GwFailoverWindow;

/* The window of a cause with the scenario's options (GW_OPT_UNPLANNED_FAILOVER_2016 picks
 * the older figure for unplanned events, facts 11):
 * - planned maintenance: 10-15 s (facts 8, highlyavailable 07/24/2024);
 * - unplanned: 1-3 min worst case (1-1.5 min in the 09/24/2016 revision);
 * - zone outage: "typically up to about 1 min" (reliability 10/23/2025): 0-60 s;
 * - reset: "a brief outage during failover to standby", no figure: the planned window
 *   (a reboot Azure starts itself, like maintenance; a modelling choice, docs say so). */
GwFailoverWindow gw_failover_window(GwDownCause cause, const GwOptions *opt);
/* How long after the active instance goes down the standby holds its public IP and
 * starts its connections: the middle of the window, so that the re-established tunnels
 * (IKE from scratch, a few round trips) restore connectivity inside the window. */
int64_t gw_failover_delay(GwDownCause cause, const GwOptions *opt);

/* Active-active (facts 8: activeActive, one public IP per instance). */
bool gw_instances_active_active(const GwVirtualNetworkGateway *g);
/* The SKU is zone-redundant (an AZ SKU, facts 8: the instances are in two of the three
 * zones). */
bool gw_instances_zone_redundant(const GwVirtualNetworkGateway *g);
/* The zone (1..3) of instance i of a zone-redundant gateway: 1 and 2 (Azure picks two of
 * the three; the model fixes them so runs are reproducible); 0 when not zone-redundant. */
unsigned gw_instance_zone(const GwVirtualNetworkGateway *g, unsigned instance);

/* The point-to-site sessions of an instance that stops (facts 8: P2S connections drop on
 * A/S failover). No P2S clients are modelled yet: this is the place they will be dropped,
 * and it does nothing now. */
void gw_instance_drop_p2s(const GwVirtualNetworkGateway *g, unsigned instance);
