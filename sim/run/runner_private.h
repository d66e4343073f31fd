/* SPDX-License-Identifier: MIT */
/* The runner's shared state, private to sim/runner*.c, sim/run/world.c, sim/run/bind.c,
 * sim/run/timeline.c and sim/run/outputs.c: the ns-3 world built from a plan, the gateway and
 * device models bound to their nodes, the flows of the timeline and the outputs. */
#pragma once

#include "models/device/dev_endpoint.h"
#include "models/endpoint/ep_endpoint.h"
#include "models/gateway/gw_endpoint.h"
#include "sim/run/eventlog.h"
#include "sim/run/expect.h"
#include "sim/engine/net.h"
#include "sim/engine/net_traffic.h"
#include "sim/engine/pcap_writer.h"
#include "sim/scenario/plan.h"

#include <glib.h>

typedef struct Run Run;

/* A gateway instance or a device: a tunnel endpoint (EpEndpoint) whose data plane sees
 * the node through an EpEnv bound here to the node's sockets, tunnel interface and timers,
 * and whose IKE control plane sends through an EpIkeIo. */
typedef struct RunEpInside RunEpInside; /* sim/run/world.c: one per kind of endpoint */
typedef struct RunEp {
  Run *run;
  const RunEpInside *inside; /* where its LAN and tunnel routes come from in the plan */
  char *name;          /* node name: "vgw1/0", "site1-vpn" */
  const char *cfgname; /* gateway or device name in the plan */
  NetNode *node;
  Ipv4Addr public_ip;
  NetDev *underlay;    /* its first underlay device, or NULL */
  NetRawSocket *esp;   /* raw IP protocol 50 */
  NetUdpSocket *natt;  /* UDP 4500 (RFC 3948): ESP to the data plane, IKE to the engine */
  NetUdpSocket *ike;   /* UDP 500 (RFC 7296 2) */
  NetTunnel *tun;      /* the inner side: routes to remote prefixes lead into it */
  Drbg *drbg;          /* "<node>/esp-iv" */
  Drbg *ike_drbg;      /* "<node>/ike" */
  EpEnv env;
  EpIkeIo io;          /* the IKE control plane's sockets and key-table rows */
  EpEndpoint *model;   /* the gateway or the device, called through its operations */
  EpDp *dp;            /* model->dp, borrowed */
  const ScnDevice *sdev; /* a device's plan entry, else NULL */
  struct RunBgp *bgp;    /* sim/run/bgp.c: its BGP speaker over its tunnels, or NULL */
  /* A gateway instance (sim/run/instances.c; facts 8): each of the two is a RunEp with its
   * own model, data plane, sockets, DRBG streams and timers; both sit on the gateway's
   * node and share its tunnel interface (instance 0 owns it). -1 for a device. */
  int instance;
  int state;             /* RunInstState */
  struct RunEp *sibling; /* the gateway's other instance */
  GPtrArray *retired;    /* models of the instance's earlier lives, freed with it */
  int down_cause;        /* GwDownCause while down */
  int64_t back_at_ns;    /* down for a while (maintenance, reset): when it comes back */
  GHashTable *flows_seen; /* active-active: the 5-tuples it has sent (gw.flow.pinned) */
  bool active_active;     /* an instance of an active-active gateway */
  /* A gateway instance's BGP addresses (its speaker's local ones, kept while it is down):
   * what the node sends from them leaves by this instance (run_instance_carrier). */
  Ipv4Addr bgp_addrs[4];
  unsigned n_bgp_addrs;
} RunEp;

typedef enum {
  RUN_INST_ACTIVE,  /* carries tunnels (a device is always active) */
  RUN_INST_STANDBY, /* holds nothing until it takes over */
  RUN_INST_DOWN     /* failed or in maintenance: no packets, timers or sends */
} RunInstState;

typedef struct {
  char *name; /* the plan's link name, or "A--B" for a LAN segment */
  NetLink *link;
  NetPcap *pcap;
} RunLink;

typedef enum { RUN_FLOW_PING, RUN_FLOW_UDP, RUN_FLOW_TCP } RunFlowKind;
/* The longest gap in a UDP flow's receipts (sim/run/timeline.c: flow.gap), overall (via
 * NULL) or among the datagrams that crossed one gateway instance. */
typedef struct {
  RunEp *via;
  int64_t prev;                       /* the last receipt, or the flow's start */
  int64_t best, best_from, best_to;   /* the longest gap so far */
  uint64_t packets;
} RunFlowGap;
typedef struct {
  Run *run;
  const ScnAction *act;
  RunFlowKind kind;
  NetPing *ping;
  NetUdpFlow *udp;
  NetTcpBulk *tcp;
  int64_t started_ns;
  NetEventId end_timer;
  bool done; /* stopped and reported */
  /* UDP flows an outage expectation names: the gaps in their receipts, overall (index 0)
   * and per gateway instance crossed (at most 32), and which instances each datagram in
   * flight crossed (seq + 1 -> mask of gap indices - 1). NULL otherwise. */
  GArray *gaps;        /* RunFlowGap */
  GHashTable *crossed;
} RunFlow;

/* The run's state, one struct per concern (issue 14): what the simulated world is made
 * of, the timeline's own storage, and what the run writes. The endpoints (gateway
 * instances and devices) are RunEp above; Run holds them in plan order. */
typedef struct {
  NetWorld *w;
  NetNode *internet;
  GHashTable *nodes;      /* plan name (gateway name too) -> NetNode*, borrowed */
  GHashTable *host_addr;  /* host name -> ScnHost*, borrowed */
  GPtrArray *links;       /* RunLink* */
  GPtrArray *nats;        /* NAT boxes (sim/run/natbox.c) */
  GHashTable *drops_seen; /* NetNode* -> mask of the drop reasons already an event */
} RunWorld;

typedef struct {
  GPtrArray *flows;    /* RunFlow*, in timeline order */
  GHashTable *timers;  /* NetEventId -> RunTimer* */
  uint16_t next_ident; /* the next ping's ICMP identifier */
} RunTimeline;

typedef struct {
  ScnEventLog *log;
  GPtrArray *esp_rows;  /* esp_sa rows (strings), in installation order */
  GPtrArray *ike_rows;  /* ikev2_decryption_table rows, one per IKE SA */
  GPtrArray *ikev1_rows; /* ikev1_decryption_table rows, one per ISAKMP SA */
  GHashTable *row_sets; /* sim/run/bind.c: each rows array -> the set of its strings */
  GPtrArray *strings;   /* strings the counters borrow */
  GArray *counters;     /* ScnCounter, filled at the end */
  GArray *stats_last;   /* sim/run/stats.c: each tunnel's last tunnel.stats */
  GArray *stats_times;  /* int64 ns: when tunnel.stats snapshots are taken, sorted */
  guint stats_next;
} RunOutputs;

typedef struct RunP2s RunP2s; /* sim/run/p2s.c */

struct Run {
  const ScnPlan *plan;
  uint64_t seed;
  int64_t end_ns;
  RunWorld world;
  GPtrArray *eps; /* RunEp*, gateways first then devices, in plan order */
  RunTimeline tl;
  RunOutputs out;
  const struct ScnLive *live; /* live mode (sim/run/live.h), or NULL */
  struct RunLive *live_state; /* sim/run/live.c */
  RunP2s *p2s;                 /* sim/run/p2s.c: point-to-site certificates and clients */
  struct RunP2sTls *p2s_tls;   /* sim/run/p2s_tls.c: OpenVPN and SSTP sessions, or NULL */
  struct RunP2sIp *p2s_ip;     /* sim/run/p2s_ip.c: IKEv2 P2S on third public IPs, or NULL */
};

/* sim/run/world.c: nodes, links, addresses, routes, LAN segments; false with *err. */
bool run_world_build(Run *r, char **err);
RunEp *run_ep_find(Run *r, const char *cfgname);
/* sim/run/bind.c: the data planes of gateways and devices on their nodes. */
RunEp *run_ep_new(Run *r, const RunEpInside *inside, const char *cfgname,
                  const char *node_name, NetNode *node);
bool run_ep_bind(RunEp *ep, char **err); /* sockets and tunnel, after addresses exist */
void run_ep_free(RunEp *ep);
/* The IKE control plane of every endpoint (after run_ep_bind), started. */
bool run_ike_start(Run *r, char **err);
void run_emit(Run *r, const VsEvent *ev);
/* sim/run/natbox.c: NAT boxes, an inside and an outside node each. */
GPtrArray *run_nats_new(void);
bool run_nat_nodes(Run *r, char **err);
const ScnNatBox *run_nat_of_device(const Run *r, const char *device);
/* The node of NAT box 'name' that a link to 'other' attaches to (NULL: not a NAT box). */
NetNode *run_nat_link_node(Run *r, const char *name, const char *other, bool *outside);
void run_nat_link_end(Run *r, const char *name, NetDev *dev, NetDev *other, bool outside);
bool run_nat_bind(Run *r, char **err); /* the translating tunnels, after the links */
void run_nat_counters(Run *r, void (*add)(Run *, const char *, const char *, double));
bool run_nat_has(Run *r, const char *name);
/* natRebind: new public ports for every live mapping of NAT box 'name'; how many moved. */
unsigned run_nat_rebind(Run *r, const char *name);
/* sim/run/bgp.c: the BGP speakers of gateways and devices over ns-3 TCP port 179 inside
 * their tunnels (after run_ep_bind, before the tunnels come up). */
bool run_bgp_start(Run *r, char **err);
void run_bgp_tunnel_state(void *user, int tunnel, bool up); /* EpEnv.tunnel_state */
void run_bgp_free(RunEp *ep);
/* A gateway instance's speaker stops with it (its sessions gone, its sockets aborted, the
 * node's routes only it held removed) and a new one starts when it is active again. */
void run_bgp_instance_stop(RunEp *ep);
bool run_bgp_instance_start(RunEp *ep, char **err);
/* The timeline's BGP actions on a device's speaker (sim/run/timeline.c rows). */
bool run_bgp_check_device(Run *r, const ScnAction *a, char **err);
void run_bgp_fire(Run *r, const ScnAction *a);
/* sim/run/instances.c: the gateways' second instances (after devices_build: they come
 * last in r->eps), their binding, and who carries what. */
bool run_instances_build(Run *r, char **err);
bool run_instance_bind(RunEp *ep, char **err); /* instance > 0: sockets, shared tunnel */
/* The instance that sends an inner packet out of the gateway's shared tunnel interface:
 * the active one (active-standby) or, active-active, one of the two by a hash of the
 * packet's 5-tuple; ep itself for a device; NULL when no instance carries traffic. */
RunEp *run_instance_carrier(RunEp *ep, const uint8_t *pkt, size_t len);
/* Timeline: an instance goes down for 'cause' (GwDownCause) for 'down_ns' (0: until the
 * end); with active-standby the other takes over after the documented delay. */
void run_instance_down(RunEp *ep, int cause, int64_t down_ns, int64_t takeover_ns);
RunEp *run_gateway_instance(Run *r, const char *gateway, unsigned instance);
/* The instance a timeline action names (instance, gatewayVip, or by default the active
 * one; instance 0 of an active-active gateway), or NULL. */
RunEp *run_action_instance(Run *r, const ScnAction *a);
/* The action's instance goes down for its cause (GwDownCause); planned maintenance waits
 * while the other instance is in maintenance (never both at once, facts 8). */
void run_action_instance_down(Run *r, const ScnAction *a, int cause);
/* zoneOutage: the instances of zone-redundant gateways in the zone go down. */
void run_zone_outage(Run *r, unsigned zone, int64_t down_ns);
void run_ep_timers_cancel(RunEp *ep); /* sim/run/bind.c */
void run_ep_unbind(RunEp *ep);        /* its sockets closed (sim/run/bind.c) */
bool run_ep_sockets(RunEp *ep, char **err);
/* sim/run/timeline.c: schedule every action; flows report at their end. */
bool run_timeline_schedule(Run *r, char **err);
/* The runner's row of a timeline action (the loader's is sim/scenario's scn_action_descs):
 * one per ScnActionKind; an action the loader's row marks not simulated has an empty one. */
typedef struct {
  /* Before the run: is what the action names in this run's world? False with *err set to
   * "FILE:LINE:COL: message" (the run stops, exit 3). NULL: nothing to check. */
  bool (*check)(Run *r, const ScnAction *a, char **err);
  /* At the action's time: do it. */
  void (*fire)(Run *r, const ScnAction *a);
} RunActionDesc;
extern const RunActionDesc run_action_descs[]; /* SCN_ACT_COUNT rows (a static assertion) */
void run_flows_finish(Run *r); /* report every flow still going, at the end of the run */
/* An inner packet crossed gateway instance ep (into or out of its tunnels): when it is a
 * datagram of a UDP flow whose gaps are measured, note the instance for its receipt. */
void run_flow_crossed(RunEp *ep, const uint8_t *pkt, size_t len);
void run_flow_free(RunFlow *f);
/* sim/run/stats.c: tunnel.stats snapshots and net.drop events (after the world is built) */
void run_stats_start(Run *r);
void run_stats_finish(Run *r); /* the last snapshot and the net.drops totals */
void run_stats_free(Run *r);
/* sim/run/p2s.c: point-to-site. The certificates first (before the gateways: their
 * credentials), the clients after the underlay (nodes, links, models, connect times). */
struct GwP2sCreds;
bool run_p2s_pki(Run *r, char **err);
const struct GwP2sCreds *run_p2s_creds(Run *r, const char *gateway);
bool run_p2s_clients_build(Run *r, char **err);
void run_p2s_tunnel_routes(Run *r, RunEp *ep, NetDev *td);
void run_p2s_gateway_routes(Run *r, RunEp *ep, NetDev *td);
bool run_p2s_write(Run *r, const char *dir, char **err); /* PEM files under DIR/p2s */
void run_p2s_free(Run *r);
/* The address a single client's gateway gave it (0.0.0.0 before it connected). */
bool run_p2s_client_address(Run *r, const char *client, Ipv4Addr *out);
extern const RunEpInside run_p2s_inside; /* sim/run/world.c */
/* sim/run/p2s_tls.c: P2S over TLS (OpenVPN, SSTP). The gateways' listeners on TCP 443
 * (after run_ike_start: the IKEv2 side they share the pool with), a client of those
 * protocols on its node, an inner packet for a TLS client (true: taken), an instance that
 * stops, the key log (tls-keys.log), the models stopped before the endpoints go, freed. */
struct IkeCert;
struct IkeKey;
struct IkeTrust;
bool run_p2s_tls_start(Run *r, char **err);
bool run_p2s_tls_client_new(Run *r, const char *name, NetNode *n, unsigned proto,
                            Ipv4Addr gateway_ip, const struct IkeCert *cert,
                            const struct IkeKey *key, const struct IkeTrust *trust,
                            int tls_max_version, int64_t connect_at_ns, bool reconnect,
                            int64_t reconnect_delay_ns, char **err);
bool run_p2s_tls_client_address(Run *r, const char *client, Ipv4Addr *out);
bool run_p2s_tls_tx_inner(RunEp *ep, const uint8_t *pkt, size_t len);
/* An instance stops (its TLS sessions end; active-active: the other instance takes the P2S
 * address after takeover_ns) or becomes active (it takes the P2S address when no
 * instance holds it: the new active of an active-standby gateway). */
void run_p2s_tls_instance_down(RunEp *ep, const char *reason, int64_t takeover_ns);
void run_p2s_tls_instance_up(RunEp *ep);
/* The address a gateway's OpenVPN and SSTP clients connect to: its public IP, or the third
 * public IP (p2sPublicIpAddress) of an active-active gateway (facts 7.2). */
Ipv4Addr run_p2s_tls_gateway_ip(const GwVirtualNetworkGateway *vg);
bool run_p2s_tls_write(Run *r, const char *dir, char **err);
bool run_p2s_tls_has_keys(const Run *r);
void run_p2s_tls_stop(Run *r);
void run_p2s_tls_free(Run *r);
/* sim/run/p2s_ip.c: IKEv2 P2S of an active-active gateway on its third public IP
 * (p2sPublicIpAddress, facts 7.2), held by one instance at a time (facts 13.2). The
 * address an IKEv2 client dials (the third IP, else the gateway's first public IP); the
 * holder's sockets on it (after the instances' own, before the run); an instance stops
 * (the other takes the address after takeover_ns) or becomes active (it takes the address
 * when no instance holds it); the holder's socket for what its P2S side sends from src
 * (NULL: src is not the address it holds). */
Ipv4Addr run_p2s_ikev2_gateway_ip(Run *r, const GwVirtualNetworkGateway *vg);
bool run_p2s_ip_start(Run *r, char **err);
void run_p2s_ip_instance_down(RunEp *ep, int64_t takeover_ns);
void run_p2s_ip_instance_up(RunEp *ep);
NetUdpSocket *run_p2s_ip_udp(RunEp *ep, Ipv4Addr src, uint16_t sport);
NetRawSocket *run_p2s_ip_raw(RunEp *ep, Ipv4Addr src);
void run_p2s_ip_free(Run *r);
/* sim/run/outputs.c */
bool run_outputs_open(Run *r, const char *dir, char **err);   /* pcaps, before running */
bool run_outputs_write(Run *r, const char *dir, char **err);  /* key tables, events, README */
/* The names of the files a run writes beside its reports, in a fixed order (pcaps by link,
 * key tables, README, event log; only the event log when nothing was simulated), for the
 * HTML report's links. NULL-terminated; g_strfreev. */
char **run_outputs_files(const Run *r, bool simulated);
void run_counters_collect(Run *r);
/* sim/run/live.c: the live-mode hooks (all no-ops or the simulated default when !r->live) */
typedef struct RunLive RunLive;
bool run_live_replaces(const Run *r, const char *device); /* a device the real one replaces */
Drbg *run_drbg_new(Run *r, const char *label); /* seeded stream, or real entropy when live */
NetWorld *run_live_world_new(Run *r);          /* realtime; r->seed from the OS */
bool run_live_attach(Run *r, const char *out_dir, char **err); /* TAPs, after the world */
/* Outputs readable while the run goes on: events.jsonl and timeline.txt streamed, every
 * pcap flushed per packet (after run_outputs_open and run_live_attach). */
bool run_live_outputs(Run *r, const char *out_dir, char **err);
NetStatus run_live_run(Run *r, char **err);    /* until the end or the stop flag */
void run_live_event(Run *r, const VsEvent *ev); /* the terminal line of an event, if any */
void run_live_free(Run *r);
