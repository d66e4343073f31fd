/* SPDX-License-Identifier: MIT */
/* The BGP routing information base: an Adj-RIB-In per peer, best path selection per
 * prefix (shorter AS path, lower MED from the same neighbour AS, lower router ID; ECMP as
 * an option) and import/export policy as a table of named rules (Azure's: no default
 * route out, no VNet prefix in, nothing overlapping a VNet re-advertised). */
#pragma once

#include "models/bgp/bgp_codec.h"
#include "models/common/event.h"
#include "models/common/ipv4.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BGP_RIB_MAX_VNET 16
#define BGP_RIB_LOCAL 0u /* the peer id of local routes (VNet and connected prefixes) */

typedef enum {
  BGP_POLICY_IMPORT, /* a learned route enters the Adj-RIB-In as usable, or not */
  BGP_POLICY_EXPORT, /* a best route is advertised to a peer, or not */
} BgpPolicyPhase;

/* The rules, by bit in BgpRibConfig.rules. */
typedef enum {
  BGP_RULE_AS_PATH_LOOP = 0,   /* import: our AS in the path (RFC 4271 9.1.2) */
  BGP_RULE_VNET_PREFIX,        /* import: a prefix equal to a VNet prefix (Azure) */
  BGP_RULE_NO_DEFAULT,         /* export: never 0.0.0.0/0 (Azure) */
  BGP_RULE_VNET_OVERLAP,       /* export: a learned route overlapping a VNet prefix (Azure) */
  BGP_RULE_SPLIT_HORIZON,      /* export: not back to the peer it came from */
  BGP_RULE_PEER_AS_IN_PATH,    /* export: not to a peer whose AS is in the path (loop) */
  BGP_RULE_COUNT
} BgpRuleId;

#define BGP_RULES_ALL ((1u << BGP_RULE_COUNT) - 1u)

typedef struct {
  uint32_t local_as;
  Ipv4Addr router_id;
  Ipv4Prefix vnet[BGP_RIB_MAX_VNET]; /* the gateway's VNet prefixes (and peered ones) */
  size_t n_vnet;
  bool ecmp;      /* best = every path equal through the MED step, not just one */
  uint32_t rules; /* bit (1u << BgpRuleId) per rule in force */
} BgpRibConfig;

typedef struct {
  const char *name;   /* copied */
  uint32_t asn;       /* the neighbour's AS */
  Ipv4Addr router_id; /* its BGP Identifier: the tie-break */
  Ipv4Addr address;   /* its peering address: the last tie-break */
} BgpPeerInfo;

/* A route as the RIB holds it. */
typedef struct {
  uint32_t peer; /* BGP_RIB_LOCAL or a peer id */
  Ipv4Prefix prefix;
  BgpAttrs attrs;
  unsigned path_len;     /* RFC 4271 9.1.2.2 a, of the RFC 6793 merged path */
  uint32_t neighbour_as; /* first AS of the path (0: local) */
  const char *refused_by; /* the import rule that refused it, or NULL */
} BgpRoute;

typedef struct {
  const BgpRibConfig *cfg;
  const BgpPeerInfo *from; /* NULL for a local route */
  const BgpPeerInfo *to;   /* export only */
  uint32_t from_id, to_id;
  const BgpRoute *route;
} BgpPolicyInput;

/* One row per rule: adding a rule is adding a row. */
typedef struct {
  const char *name;
  BgpPolicyPhase phase;
  bool (*refuses)(const BgpPolicyInput *in);
} BgpPolicyRule;

extern const BgpPolicyRule bgp_policy_rules[BGP_RULE_COUNT];

typedef struct {
  const char *node;
  VsEventSink events;
  void *user;
  int64_t (*now)(void *user);
  /* The best path set of p changed or is gone (bgp_rib_best tells what it is now): a
   * forwarding table follows the RIB through it. May be NULL. */
  void (*best_changed)(void *user, Ipv4Prefix p);
} BgpRibEnv;

/* Event types, all with "prefix":
 *   bgp.route.learned    peer, as_path_len, next_hop
 *   bgp.route.withdrawn  peer, reason (update, treat-as-withdraw, peer_down)
 *   bgp.route.refused    peer, rule
 *   bgp.route.best       peer, paths (the ECMP set's size), as_path_len
 *   bgp.route.lost       (no usable path left) */
#define BGP_EV_ROUTE_LEARNED "bgp.route.learned"
#define BGP_EV_ROUTE_WITHDRAWN "bgp.route.withdrawn"
#define BGP_EV_ROUTE_REFUSED "bgp.route.refused"
#define BGP_EV_ROUTE_BEST "bgp.route.best"
#define BGP_EV_ROUTE_LOST "bgp.route.lost"

typedef struct BgpRib BgpRib;

/* Azure's gateway: every rule, ECMP on (facts 5: several devices advertising the same
 * prefixes need ECMP). */
void bgp_rib_config_azure(BgpRibConfig *cfg, uint32_t local_as, Ipv4Addr router_id);

BgpRib *bgp_rib_new(const BgpRibConfig *cfg, const BgpRibEnv *env);
void bgp_rib_free(BgpRib *r);

/* A peer, returned as its id (from 1). */
uint32_t bgp_rib_peer_add(BgpRib *r, const BgpPeerInfo *p);
/* The session went down: every route it carried is withdrawn (RFC 4271 9.1.3 step: the
 * routes of a closed session are unfeasible). */
void bgp_rib_peer_down(BgpRib *r, uint32_t peer);

/* A local route (VNet, connected or static prefix): origin IGP, empty AS path. */
void bgp_rib_add_local(BgpRib *r, Ipv4Prefix p);

/* Stop originating a local route (a device no longer advertising a prefix). */
void bgp_rib_remove_local(BgpRib *r, Ipv4Prefix p);

/* The AS path of a route as text, "65010 65020 {65030 65040}" ("" when empty); buf of
 * len octets, truncated with "..." when short. */
const char *bgp_route_path_format(const BgpRoute *rt, char *buf, size_t len);

/* An UPDATE from a peer as the FSM passes it on: withdrawals, then announcements (or, with
 * treat_as_withdraw, the NLRI withdrawn too). */
void bgp_rib_update(BgpRib *r, uint32_t peer, const BgpUpdate *u, bool treat_as_withdraw);

/* The routes of the best path set for p (one, or every ECMP path), best first; NULL / 0
 * when none. Borrowed until the next change. */
size_t bgp_rib_best(const BgpRib *r, Ipv4Prefix p, const BgpRoute **out, size_t max);
/* The peer's route for p in its Adj-RIB-In (refused ones included), or NULL. */
const BgpRoute *bgp_rib_adj_in(const BgpRib *r, uint32_t peer, Ipv4Prefix p);
size_t bgp_rib_adj_in_count(const BgpRib *r, uint32_t peer);

/* What to advertise to a peer: the best route of every prefix that the export rules let
 * through, in prefix order. *out is g_malloc'd (g_free it), its routes borrowed. */
size_t bgp_rib_export(const BgpRib *r, uint32_t to_peer, const BgpRoute ***out);
/* The export rule that refuses route to the peer, or NULL when it may go. */
const char *bgp_rib_export_refused(const BgpRib *r, uint32_t to_peer, const BgpRoute *route);
