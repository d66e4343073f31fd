/* SPDX-License-Identifier: MIT */
/* The gateway's two instances: failover windows by cause, zones, roles (facts 8, 11). */
#include "models/gateway/gw_instances.h"

#include <string.h>

#define SEC 1000000000LL

NAME_TABLE(gw_down_cause_names, "instance down cause", {GW_DOWN_PLANNED, "planned-maintenance"},
           {GW_DOWN_UNPLANNED, "unplanned-failure"}, {GW_DOWN_ZONE, "zone-outage"},
           {GW_DOWN_RESET, "reset"});

GwFailoverWindow gw_failover_window(GwDownCause cause, const GwOptions *opt)
{
  switch (cause) {
  case GW_DOWN_PLANNED:
    return (GwFailoverWindow){10 * SEC, 15 * SEC, "facts 8 (highlyavailable 07/24/2024)"};
  case GW_DOWN_UNPLANNED:
    if (opt && opt->other[GW_OPT_UNPLANNED_FAILOVER_2016])
      return (GwFailoverWindow){60 * SEC, 90 * SEC, "facts 11 (highlyavailable 09/24/2016)"};
    return (GwFailoverWindow){60 * SEC, 180 * SEC, "facts 8 (highlyavailable 07/24/2024)"};
  case GW_DOWN_ZONE:
    return (GwFailoverWindow){0, 60 * SEC, "facts 8 (reliability 10/23/2025)"};
  case GW_DOWN_RESET:
  default:
    return (GwFailoverWindow){10 * SEC, 15 * SEC,
                              "facts 8 (reset-gateway 06/26/2025: brief; the planned window)"};
  }
}

int64_t gw_failover_delay(GwDownCause cause, const GwOptions *opt)
{
  GwFailoverWindow w = gw_failover_window(cause, opt);
  return w.min_ns + (w.max_ns - w.min_ns) / 2;
}

bool gw_instances_active_active(const GwVirtualNetworkGateway *g)
{
  return g && gw_bool_or(g->activeActive, false);
}

bool gw_instances_zone_redundant(const GwVirtualNetworkGateway *g)
{
  size_t n = g && g->sku.set && g->sku.v ? strlen(g->sku.v) : 0;
  return n > 2 && !strcmp(g->sku.v + n - 2, "AZ");
}

unsigned gw_instance_zone(const GwVirtualNetworkGateway *g, unsigned instance)
{
  return gw_instances_zone_redundant(g) ? 1 + instance % 2 : 0;
}

void gw_instance_drop_p2s(const GwVirtualNetworkGateway *g, unsigned instance)
{
  /* No point-to-site clients run yet (issue 16 brings them): when they do, the sessions
   * this instance terminates end here, and the clients reconnect to the new active. */
  (void)g;
  (void)instance;
}
