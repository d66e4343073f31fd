/* SPDX-License-Identifier: MIT */
/* The plan of a scenario: every section of a scenario file as plain structs, names
 * resolved and values checked, each item remembering where it was written. The loader
 * (sim/scenario/scenario.h) builds it; the runner and the expectation evaluator read it. */
#pragma once

#include "models/device/dev_config.h"
#include "models/gateway/gw_config.h"
#include "models/gateway/gw_policy.h"

#include <stdbool.h>
#include <stdint.h>

/* A location in a scenario or profile file (the gateway model's type). */
typedef GwLoc ScnLoc;

/* A device: its merged configuration (generic defaults, then its profile, then the
 * scenario's overrides). */
typedef struct {
  ScnLoc loc;
  DevConfig cfg;
} ScnDevice;

/* A host: a VM in a VNet subnet, or a machine on the LAN behind a device. */
typedef enum {
  SCN_HOST_VM,
  SCN_HOST_BEHIND_DEVICE,
  SCN_HOST_P2S_CLIENT, /* a single p2sClients entry: its address is assigned in the run */
} ScnHostKind;
typedef struct {
  ScnLoc loc;
  const char *name;
  ScnHostKind kind;
  const char *vnet, *subnet; /* SCN_HOST_VM */
  const char *device;        /* SCN_HOST_BEHIND_DEVICE */
  Ipv4Addr address;
} ScnHost;

/* Point-to-site clients (p2sClients): one, or a generated population of 'count' with
 * consecutive public addresses from public_ip and names NAME-001, NAME-002, ...; each
 * connects at connect_at_ns plus its share of connect_spread_ns (spread evenly). The run
 * generates each client's certificate from its DRBG, issued by the named root of the
 * gateway's vpnClientRootCertificates (a population shares one key). */
typedef enum { SCN_P2S_KEY_RSA, SCN_P2S_KEY_ECDSA } ScnP2sKeyType;
typedef struct {
  ScnLoc loc;
  const char *name;
  const char *gateway;
  unsigned protocol; /* GwP2sProtocol bit: IkeV2, or OpenVPN / SSTP over TLS (TCP 443) */
  Ipv4Addr public_ip;
  unsigned count;    /* 1: a single client named 'name' */
  int64_t connect_at_ns, connect_spread_ns;
  const char *issuer; /* a root's name */
  ScnP2sKeyType key_type;
  unsigned key_bits;
  bool reconnect;
  int64_t reconnect_delay_ns; /* OpenVPN, SSTP: the wait before connecting again (0: 5 s) */
  bool ike_fragmentation;
  int64_t link_delay_ns;
  int tls_max_version; /* OpenVPN, SSTP: 0 offers TLS 1.3 and 1.2; 0x0303 TLS 1.2 only */
} ScnP2sClient;

/* A NAT box between a device and the internet: address-translating (one inside address
 * to one outside address) or address-and-port translating (NAPT, RFC 4787 terms). */
typedef enum { SCN_NAT_ADDRESS, SCN_NAT_PORT } ScnNatKind;
typedef struct {
  ScnLoc loc;
  const char *name;
  const char *inside; /* the device behind it */
  Ipv4Addr public_ip;
  ScnNatKind kind;
  int64_t udp_timeout_ns; /* mapping lifetime without traffic */
} ScnNatBox;

/* An underlay link between two nodes (gateways, devices, NAT boxes, "internet"). */
typedef struct {
  ScnLoc loc;
  const char *name; /* given, or "a--b" */
  const char *a, *b;
  int64_t delay_ns;
  uint64_t rate_bps;
  double loss; /* 0..1 */
  unsigned mtu;
  unsigned queue_packets;
} ScnLink;

enum { SCN_MAX_BGP_PREFIXES = 64 };

/* Timeline actions. Each has a row in sim/scenario's scn_action_descs and in sim/run's
 * run_action_descs (docs/architecture.md, "Adding a timeline action or an expectation kind"). */
typedef enum {
  SCN_ACT_PING,
  SCN_ACT_UDP,
  SCN_ACT_TCP,
  SCN_ACT_STOP,
  SCN_ACT_LINK_DOWN,
  SCN_ACT_LINK_UP,
  SCN_ACT_SET_LOSS,
  SCN_ACT_SET_POLICY,
  SCN_ACT_SET_SHARED_KEY,
  SCN_ACT_RESET_CONNECTION,
  SCN_ACT_RESET_GATEWAY,
  SCN_ACT_NAT_REBIND,
  SCN_ACT_BGP_ADVERTISE,           /* a device originates prefixes */
  SCN_ACT_BGP_WITHDRAW,            /* a device stops originating prefixes */
  SCN_ACT_BGP_ADVERTISE_GENERATED, /* a device originates N generated prefixes */
  SCN_ACT_BGP_SET_PREPEND,         /* a device changes its AS-path prepending */
  SCN_ACT_PLANNED_MAINTENANCE, /* one gateway instance at a time (facts 8) */
  SCN_ACT_INSTANCE_FAILURE,    /* an unplanned instance failure */
  SCN_ACT_ZONE_OUTAGE,         /* an availability zone fails (zone-redundant SKUs) */
  SCN_ACT_COUNT /* the number of actions: keep last */
} ScnActionKind;

typedef struct {
  ScnLoc loc;
  int64_t at_ns;
  ScnActionKind kind;
  /* traffic (ping, udp, tcp): a flow named 'flow' (given, or "ping1", "udp2", ...) */
  const char *flow;
  const char *from, *to; /* host names */
  /* toAddress: the address 'from' sends to (the 'to' host seen through a NAT, e.g. a
   * gateway NAT rule's external mapping); unset: the host's own address */
  bool has_to_addr;
  Ipv4Addr to_addr;
  unsigned count;        /* ping: echo requests (0: until stopped) */
  int64_t interval_ns;   /* ping */
  unsigned size;         /* ping payload / UDP datagram payload bytes */
  uint64_t rate_bps;     /* udp */
  int64_t duration_ns;   /* udp, tcp: 0 until stopped or the end */
  uint64_t bytes;        /* tcp: 0 unlimited */
  /* udp, tcp: port, the receiver's port (0: one of the flow's own); to_port, the port
   * 'from' sends to (the receiver's seen through a NAT rule's port mapping; 0: port) */
  unsigned port, to_port;
  bool reply; /* udp: the receiver answers each datagram (to the source it saw) */
  /* stop: 'flow'; link down/up/set loss: 'link' (a link's name) */
  const char *link;
  double loss;
  /* configuration changes and resets */
  const char *connection;
  const char *gateway;
  const char *shared_key;    /* borrowed; never printed */
  bool policy_default;       /* setPolicy: back to the default policy */
  GwIpsecPolicy policy;      /* setPolicy: the custom policy */
  /* natRebind: the NAT box (a port-translating one) whose mappings get new ports */
  const char *nat_box;
  /* BGP actions: the device, its prefixes (bgpAdvertise, bgpWithdraw); count prefixes of
   * gen_from's length from gen_from on (bgpAdvertiseGenerated); prepend (bgpSetPrepend) */
  const char *device;
  Ipv4Prefix prefixes[SCN_MAX_BGP_PREFIXES];
  unsigned n_prefixes;
  Ipv4Prefix gen_from;
  unsigned prepend;
  /* plannedMaintenance, instanceFailure, resetGateway ({gateway, gatewayVip}): the gateway
   * instance (has_instance; else the active one, or instance 0 for a reset of an
   * active-active gateway), or the instance whose public IP is gateway_vip (has_vip);
   * zoneOutage: the zone (1-3); duration_ns: how long the instance stays down (0: until
   * the end; plannedMaintenance and resetGateway default to 60 s) */
  bool has_instance, has_vip;
  unsigned instance;
  Ipv4Addr gateway_vip;
  unsigned zone;
} ScnAction;

/* A numeric bound: "value OP number". */
typedef enum { SCN_CMP_EQ, SCN_CMP_NE, SCN_CMP_LT, SCN_CMP_LE, SCN_CMP_GT, SCN_CMP_GE } ScnCmp;
typedef struct {
  bool set;
  ScnCmp op;
  double v;
  const char *text; /* as written: ">= 0.95", "< 40ms" */
} ScnBound;

/* Expectation kinds. Each has a row in sim/scenario's scn_expect_descs and in sim/run's
 * scn_expect_checks. */
typedef enum {
  SCN_EXP_TUNNEL,     /* a connection's tunnel state at a time */
  SCN_EXP_SA,         /* an IKE or child SA state at a time */
  SCN_EXP_IKE,        /* IKE exchanges (and notifies) seen or not */
  SCN_EXP_PING,       /* success ratio and RTT of a ping flow */
  SCN_EXP_THROUGHPUT, /* throughput of a UDP/TCP flow */
  SCN_EXP_COUNTER,    /* a final counter */
  SCN_EXP_EVENT,      /* events of a type present or absent */
  SCN_EXP_VALIDATION, /* the verdict of the configuration rules */
  SCN_EXP_TRAFFIC,    /* packets both ways through a tunnel over an interval (tunnel.stats) */
  SCN_EXP_BGP_SESSION, /* a BGP session's state at a time */
  SCN_EXP_BGP_ROUTE,   /* a prefix in a node's routes from BGP (its AS path, its tunnel) */
  SCN_EXP_BGP_ROUTES,  /* how many prefixes a node routes from BGP at a time */
  SCN_EXP_OUTAGE,     /* the longest gap of a ping flow, or a connection's longest down time */
  SCN_EXP_P2S_CLIENT, /* a point-to-site client connected (its address), refused, or not */
  SCN_EXP_P2S_CONNECTIONS, /* a gateway's connected point-to-site clients at a time */
  SCN_EXP_COUNT       /* the number of kinds: keep last */
} ScnExpectKind;

enum { SCN_MAX_MATCH = 8, SCN_MAX_NAMES = 16 };

typedef struct {
  const char *key;
  const char *value; /* compared with the attribute's text form */
} ScnAttrMatch;

typedef struct {
  ScnLoc loc;
  ScnExpectKind kind;
  bool has_by;
  int64_t by_ns; /* state kinds: the state at this time; others: events up to it */
  /* tunnel, sa */
  const char *connection;
  const char *state;    /* tunnel: connected|disconnected; sa: established|deleted */
  bool sa_child;        /* sa: child (true) or ike */
  /* ike */
  const char *exchange; /* IKE_SA_INIT, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL, or NULL */
  const char *notifies[SCN_MAX_NAMES]; /* any of these */
  unsigned n_notifies;
  bool seen; /* ike, event: true present, false absent */
  ScnBound count; /* ike, event: number of matching events */
  /* trafficBothWays: 'connection', 'node', the interval [from_ns, by_ns] and the bound on
   * the packets each way (default ">= 1") */
  bool has_from;
  int64_t from_ns;
  ScnBound packets;
  /* ping, throughput */
  const char *flow;
  ScnBound success_ratio, rtt_avg, rtt_max; /* ping; rtt in seconds */
  ScnBound rate;                            /* throughput in bits per second */
  ScnBound pps;                             /* throughput: received packets per second */
  const char *and_flows[SCN_MAX_NAMES];     /* throughput: flows added to flow (a sum) */
  unsigned n_and_flows;
  /* counter */
  const char *counter;
  const char *node; /* counter, event, trafficBothWays: restrict to a node, or NULL */
  ScnBound value;
  /* event */
  const char *event_type;
  ScnAttrMatch match[SCN_MAX_MATCH];
  unsigned n_match;
  /* outage: 'flow' (a ping flow, or a udp flow with flow_udp and optionally 'node': the
   * gateway instance its datagrams crossed) or 'connection' (with 'node': one instance's
   * tunnel); the bound on the longest gap or down time, in seconds */
  ScnBound longest;
  bool flow_udp;
  /* validation */
  bool valid;
  const char *rules[SCN_MAX_NAMES]; /* rule IDs that must be among the findings */
  unsigned n_rules;
  const char *warnings[SCN_MAX_NAMES]; /* rule IDs that must be among the warnings */
  unsigned n_warnings;
  /* bgpSession: node (the speaker), bgp_peer (NULL: any), bgp_state; bgpRoute: node,
   * prefix, as_path and bgp_tunnel (NULL: any), present; bgpRoutes: node, routes */
  const char *bgp_peer, *bgp_state, *as_path, *bgp_tunnel;
  bool has_prefix;
  Ipv4Prefix prefix;
  bool present;
  ScnBound routes;
  /* p2sClient: the client (a name, or NAME-NNN of a population), its public address (the
   * gateway's p2s.refused events name it), the state (connected, refused, notConnected),
   * an address it must have got (exact, or within 'prefix' with has_prefix), a reason the
   * refusal must contain; p2sConnections: node (the gateway) and count */
  const char *p2s_client, *p2s_state, *p2s_reason;
  char p2s_peer_ip[16];
  bool has_p2s_address;
  Ipv4Addr p2s_address;
} ScnExpect;

/* The whole scenario. Strings are borrowed from the YAML documents the plan owns. */
typedef struct ScnPlan ScnPlan;
struct ScnPlan {
  const char *file;
  const char *name;
  const char *description;
  uint64_t seed;
  int64_t duration_ns;
  int64_t stats_interval_ns; /* tunnel.stats period; 0: only at the end (and at the bounds of
                                trafficBothWays expectations) */
  const char **references;
  unsigned n_references;
  GwConfig *cloud; /* the cloud: and options: sections (sim/scenario/scenario_cloud.h) */
  ScnDevice *devices;
  unsigned n_devices;
  ScnHost *hosts;
  unsigned n_hosts;
  ScnNatBox *nats;
  unsigned n_nats;
  ScnP2sClient *p2s_clients;
  unsigned n_p2s_clients;
  ScnLink *links;
  unsigned n_links;
  ScnAction *timeline;
  unsigned n_timeline;
  ScnExpect *expects;
  unsigned n_expects;
  void *priv_; /* the loader's documents and storage */
  /* faults: a gateway that breaks documented behaviour, for the conformance checks to
   * prove they fail: bgpRulesOff, rows of Azure's BGP rules not followed (bit 1u << row
   * index of bgp_azure_rules) */
  uint32_t bgp_rules_off;
  /* natRules: GwNatFault bits (models/gateway/gw_nat.h), the gateway's NAT done wrong */
  uint32_t nat_faults;
  /* ikeRulesOff: rules of RFC 7296 the gateway does not follow (GwIkeFault bits) */
  uint32_t ike_faults;
  /* faults: {p2s: [names of models/gateway/gw_p2s.h's GwP2sFault]} */
  uint32_t p2s_faults;
  /* faults: {defaultOffersOff: [LIST/ROW, ...]}: rows of the default proposal lists the
   * gateway leaves out (models/gateway/gw_policy.h) */
  GwOfferFaults offers_off;
  /* A file with extends: its bases (nearest first) and the merged scenario as YAML,
   * secrets redacted (--dry-run shows it); NULL otherwise. Owned by the plan. */
  const char *const *bases;
  unsigned n_bases;
  char *merged;
};

#define SCN_STATS_INTERVAL_DEFAULT_NS 10000000000LL /* tunnel.stats every 10 s */
extern const NameTable scn_cmp_names;     /* "==", "!=", "<", "<=", ">", ">=" */
extern const NameTable scn_nat_kind_names; /* "address", "port" */

/* Does value satisfy the bound? */
bool scn_bound_holds(const ScnBound *b, double value);
