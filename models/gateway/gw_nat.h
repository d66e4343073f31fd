/* SPDX-License-Identifier: MIT */
/* The gateway's NAT rules at run time (facts 6): one translation engine (models/nat) per
 * rule that applies on this instance, hooked to the tunnels of the connections the rules
 * are linked to (ep_dp_tunnel_set_edge_hook). At the tunnel edge, on the inner packets:
 * - IngressSnat (internal = the on-premises space): the source of packets in from the
 *   tunnel becomes external, the destination of packets out into it internal again;
 * - EgressSnat (internal = the VNet space): the source of packets out into the tunnel
 *   becomes external, the destination of packets in from it internal again.
 * Static rules are stateless both ways; Dynamic rules (NAPT from the external pool) only
 * let flows start on the internal side (a flow from the external side finds no mapping and
 * is dropped, nat.drop "no mapping"). Connections without rules get no hook. Which rules
 * apply on an instance: every rule on an active-standby gateway; on an active-active one,
 * ipConfigurationId "default" on instance 0, "activeActive" on instance 1, unset on both.
 * Sans-I/O like the data plane: time and events come from its EpEnv. */
#pragma once

#include "models/endpoint/ep_dataplane.h"
#include "models/gateway/gw_config.h"
#include "models/nat/nat_engine.h"

#include <stdbool.h>
#include <stdint.h>

/* A faulty gateway (conformance checks, scenario `faults: {natRules: [...]}`); bits. */
typedef enum {
  GW_NAT_FAULT_OFF = 1u << 0,           /* "off": rules are linked but nothing translates */
  GW_NAT_FAULT_SWAPPED = 1u << 1,       /* "swapped": IngressSnat and EgressSnat exchanged */
  GW_NAT_FAULT_BIDIRECTIONAL = 1u << 2, /* "bidirectional": Dynamic rules act as Static
                                           (flows from the external side get through) */
  GW_NAT_FAULT_ANY_INSTANCE = 1u << 3,  /* "anyInstance": ipConfigurationId ignored */
  GW_NAT_FAULT_NO_BGP_TRANSLATION = 1u << 4, /* "noBgpTranslation": routes not translated */
  GW_NAT_FAULT_ALL_CONNECTIONS = 1u << 5, /* "allConnections": every rule on every tunnel */
  GW_NAT_FAULT_PRIMARY_ONLY = 1u << 6,  /* "primaryOnly": rules apply on instance 0 only */
  GW_NAT_FAULT_PREFIX_SELECTORS = 1u << 7, /* "prefixSelectors": a connection with NAT rules
                                              takes a device's prefix selectors (gw_ike) */
  GW_NAT_FAULT_NO_PORT_MAPS = 1u << 8, /* "noPortMaps": a Static rule's portRange ignored
                                          (addresses translated, ports kept) */
} GwNatFault;
extern const NameTable gw_nat_fault_names;

typedef struct GwNat GwNat;

/* The rules of gateway g that apply on 'instance' (node: its events' node, borrowed for
 * the object's life). NULL when the gateway has no NAT rules. */
GwNat *gw_nat_new(const GwVirtualNetworkGateway *g, unsigned instance, const EpEnv *env,
                  const char *node, uint32_t faults);
void gw_nat_free(GwNat *n);
/* The instance's own inside address (its BGP address, facts 5): packets it sends or that
 * are sent to it (the BGP sessions over the tunnels) are the gateway's own, never
 * translated. */
void gw_nat_set_self(GwNat *n, Ipv4Addr self);
/* Hook the rules linked to connection c (by name) to the data plane's tunnel; nothing when
 * none of them applies on this instance. */
void gw_nat_attach(GwNat *n, EpDp *dp, int tunnel, const GwConnection *c);

unsigned gw_nat_n_rules(const GwNat *n);
const char *gw_nat_rule_name(const GwNat *n, unsigned i);
const NatCounters *gw_nat_rule_counters(const GwNat *n, unsigned i);
/* Emit counters: per rule "nat.rule.RULE.NAME" and summed "nat.NAME" (translated_out,
 * translated_in, mappings, drops.REASON). */
void gw_nat_counters(const GwNat *n, void (*add)(void *user, const char *name, double v),
                     void *user);

/* The rule of c's `mode` list (ingressNatRules for IngressSnat, egressNatRules for
 * EgressSnat) whose internal mapping holds prefix p: *out is p moved into its external
 * mapping (host bits kept; a p wider than the mapping becomes the mapping). False when no
 * linked rule of that mode covers p (p is not translated). */
bool gw_nat_map_prefix(const GwConfig *cfg, const GwConnection *c, GwNatMode mode,
                       Ipv4Prefix p, Ipv4Prefix *out);
/* The gateway whose rules a connection's names refer to. */
const GwNatRule *gw_nat_find_rule(const GwVirtualNetworkGateway *g, const char *name);
