/* SPDX-License-Identifier: MIT */
/* The IPsec tunnel-endpoint data plane shared by the Azure gateway instance and the
 * on-premises device: a route table (local prefixes, prefixes behind tunnels, most
 * specific wins), tunnels with their child SA pairs (install, switch outbound, delete:
 * make-before-break rekey), inbound ESP raw or UDP-encapsulated (RFC 3948) to inner packets
 * with the traffic-selector check, outbound inner packets to ESP in an outer IPv4 packet,
 * no fragmentation inside the tunnel (ICMP "fragmentation needed", RFC 1191), optional
 * token-bucket caps, per-tunnel metrics and typed events. Sans-I/O: it sees the world only
 * through EpEnv. */
#pragma once

#include "models/ike/ike_drop.h"
#include "models/common/drbg.h"
#include "models/common/event.h"
#include "models/common/ipv4.h"
#include "models/common/ipsec_ids.h"
#include "models/common/names.h"
#include "models/esp/esp_sa.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The three IPsec algorithm sets of the per-tunnel benchmark (facts 1.3): the
 * caps of a tunnel follow the set its outbound SA falls under (ep_dp_algset). */
typedef enum {
  EP_ALGSET_GCMAES256,     /* A: GCMAES256 encryption and integrity */
  EP_ALGSET_AES256_SHA256, /* B */
  EP_ALGSET_DES3_SHA256,   /* C */
  EP_ALGSET_N
} EpAlgSet;

extern const NameTable ep_algset_names;

/* ---- environment ---- */

typedef uint64_t EpTimerId; /* 0 is never a valid id */
typedef void (*EpTimerFn)(void *arg);

/* One outer packet to put on the underlay. 'packet' is the whole IPv4 packet (header
 * built here: DF set, since nothing is fragmented); for a runner that sends through
 * sockets (sim/engine/net.h) the pieces are given too: proto 50 -> net_raw_send_to(esp), proto
 * 17 -> net_udp_send_to(esp, dst, dport) from a socket bound to sport (4500). */
typedef struct {
  const uint8_t *packet;
  size_t len;
  Ipv4Addr src, dst;
  uint8_t proto;          /* INET_PROTO_ESP or INET_PROTO_UDP (NAT traversal) */
  uint16_t sport, dport;  /* UDP encapsulation only */
  const uint8_t *esp;     /* the ESP packet (SPI .. ICV), inside 'packet' */
  size_t esp_len;
} EpOuterPacket;

/* What a gateway instance or a device sees of the world. Every function pointer is
 * required except timer_cancel; events.emit may be NULL (events dropped). */
typedef struct {
  void *user;
  int64_t (*now)(void *user); /* simulated nanoseconds */
  EpTimerId (*timer_add)(void *user, int64_t delay_ns, EpTimerFn fn, void *arg);
  bool (*timer_cancel)(void *user, EpTimerId id);
  /* out of the public (underlay) interface */
  void (*send_outer)(void *user, const EpOuterPacket *pkt);
  /* a whole inner IPv4 packet into the inside (VNet, LAN): a tunnel interface inject */
  void (*deliver_inner)(void *user, const uint8_t *pkt, size_t len);
  VsEventSink events;
  Drbg *drbg; /* borrowed: IV generator seeds of outbound SAs */
  /* Optional: traffic for a tunnel that has no SA covering it (tunnel down, or no
   * policy-based child for these addresses): the IKE side may negotiate one (start
   * action "on traffic", facts 3.4 on-demand QM SAs). Called for every such packet. */
  void (*acquire)(void *user, int tunnel, Ipv4Addr src, Ipv4Addr dst);
  /* Optional: an ESP-in-UDP packet of one of tunnel's SAs passed its ICV, was the newest
   * the SA has seen (its sequence number is the replay window's new top) and came from
   * another address or port than the tunnel sends to: the peer's NAT may have rebound its
   * mapping (RFC 7296 2.23). The IKE side decides whether the tunnel follows
   * (ep_dp_tunnel_set_peer); the data plane never moves by itself. Called for every such
   * packet until it does. */
  void (*peer_moved)(void *user, int tunnel, Ipv4Addr src, uint16_t sport);
  /* Optional: the tunnel came up (its first outbound SA) or went down, right after its
   * connected / disconnected event (a BGP session over it starts or stops). */
  void (*tunnel_state)(void *user, int tunnel, bool up);
} EpEnv;

/* ---- drop reasons and metrics ---- */

typedef enum {
  EP_DROP_NO_ROUTE = 0,   /* no route for the inner destination */
  EP_DROP_TUNNEL_DOWN,    /* routed to a tunnel that has no outbound SA */
  EP_DROP_NO_SA,          /* policy-based: no child SA's selectors cover the packet */
  EP_DROP_TS_MISMATCH,    /* inbound inner addresses outside the connection's selectors */
  EP_DROP_TOO_BIG,        /* no fragmentation inside the tunnel: ICMP frag needed sent */
  EP_DROP_TUNNEL_BPS,     /* per-tunnel throughput cap (SKU, by algorithm set) */
  EP_DROP_TUNNEL_PPS,     /* per-tunnel packet-rate cap */
  EP_DROP_AGGREGATE_BPS,  /* instance aggregate throughput cap */
  EP_DROP_OUTER_MALFORMED, /* outer IPv4 or UDP header unreadable */
  EP_DROP_OUTER_CHECKSUM, /* outer IPv4 header checksum wrong */
  EP_DROP_OUTER_FRAGMENT, /* an outer fragment: ESP is never reassembled (facts 10) */
  EP_DROP_NOT_FOR_US,     /* outer destination is not our public address */
  EP_DROP_NOT_ESP,        /* another protocol or UDP port to the public address */
  EP_DROP_ESP,            /* ESP processing failed; the EspStatus is counted too */
  EP_DROP_INNER_MALFORMED, /* an inner packet from the inside that is not IPv4 */
  EP_DROP__COUNT
} EpDropReason;

extern const NameTable ep_drop_reason_names;

/* Per tunnel (and, summed, per node): the tunnel metrics the documentation names
 * (facts 10: Tunnel Egress/Ingress Bytes and Packets, Packet Drop Count, TS Mismatch
 * Packet Drop, MMSA and QMSA Count). Ingress is from the tunnel into the inside, egress
 * the other way; bytes are outer (on the wire) bytes, inner bytes are kept apart. */
typedef struct {
  uint64_t ingress_packets, ingress_bytes, ingress_inner_bytes;
  uint64_t egress_packets, egress_bytes, egress_inner_bytes;
  uint64_t drop_count;        /* Packet Drop Count: every drop below */
  uint64_t ts_mismatch_drops; /* TS Mismatch Packet Drop */
  uint64_t drops[EP_DROP__COUNT];
  uint64_t esp_drops[ESP_ERR__COUNT]; /* EP_DROP_ESP by ESP status */
  uint64_t icmp_frag_needed;  /* ICMP "fragmentation needed" messages sent */
  uint64_t mss_clamped;       /* TCP SYNs whose MSS option was lowered */
  uint64_t peak_pps;          /* Tunnel Peak PPS: most packets (both ways) in one
                                 second of simulated time (whole seconds) */
  unsigned mm_sa_count;       /* IKE SAs: set by the IKE side */
  unsigned qm_sa_count;       /* child SA pairs installed */
} EpTunnelMetrics;

/* Node-wide: every drop (whether or not a tunnel is known) and non-ESP traffic seen on
 * UDP 4500. */
typedef struct {
  EpTunnelMetrics total;
  uint64_t natt_keepalives; /* RFC 3948 2.3, discarded */
  uint64_t ike_datagrams;   /* non-ESP marker: handed back for the IKE engine */
  uint64_t ike_drops[IKE_DROP__COUNT]; /* IKE datagrams the node's IKE side dropped */
} EpNodeMetrics;

/* ---- events ---- */

/* The dotted event types a user of the data plane emits (its module's const table). */
typedef struct {
  const char *tunnel_connected;    /* the first child SA pair is installed */
  const char *tunnel_disconnected; /* the last one is gone; attribute "reason" */
  const char *sa_installed;        /* attributes: tunnel, spi_in, spi_out, rekey */
  const char *sa_switched;         /* outbound moved to a new SA */
  const char *sa_deleted;          /* attributes: spi_in, spi_out, reason */
  const char *sa_expired;          /* an ESP lifetime fired: soft (rekey) or hard */
  const char *drop;                /* the first drop of each reason in a scope */
  const char *metrics;             /* a metrics snapshot of one tunnel */
} EpDpEventTypes;

/* ---- configuration ---- */

enum {
  EP_DP_MAX_PREFIXES = 64,
  EP_DP_MAX_SELECTORS = 64,
  EP_DP_DEFAULT_TUNNEL_MTU = 1400, /* facts 2.5: tunnel-interface MTU 1400 */
  EP_DP_DEFAULT_PATH_MTU = 1500,   /* the underlay's IP MTU (Ethernet) */
};

/* A policy-based selector pair (local side, remote side). */
typedef struct {
  Ipv4Range local, remote;
} EpSelector;

typedef struct {
  const char *node;          /* for events, e.g. "vgw1/0" */
  Ipv4Addr public_ip;        /* outer address */
  Ipv4Addr inside_ip;        /* inside address: the source of ICMP errors */
  Ipv4Prefix local_prefixes[EP_DP_MAX_PREFIXES]; /* VNet / LAN: routed inside */
  unsigned n_local_prefixes;
  /* Inner packets above tunnel_mtu, or whose outer packet would exceed path_mtu, are
   * dropped with ICMP frag needed; 0 takes the defaults above. */
  uint32_t tunnel_mtu, path_mtu;
  /* TCP MSS clamping: the MSS option of a TCP SYN entering or leaving a tunnel is lowered
   * to this (facts 2.5: 1350); 0: off. */
  uint16_t mss_clamp;
  /* Caps, 0: none. aggregate_bps is shared by all tunnels; per tunnel by the algorithm
   * set of its SAs (facts 1.3). Each direction has its own buckets. */
  uint64_t aggregate_bps;
  uint64_t tunnel_bps[EP_ALGSET_N];
  uint32_t tunnel_pps[EP_ALGSET_N];
  const EpDpEventTypes *events; /* required */
} EpDpConfig;

typedef struct {
  const char *name;          /* the connection's name */
  Ipv4Addr remote_public;    /* the peer's outer address */
  /* Routed into this tunnel. A route-based tunnel accepts inner sources that a route into
   * it covers (these prefixes and any added with ep_dp_route_add). */
  Ipv4Prefix remote_prefixes[EP_DP_MAX_PREFIXES];
  unsigned n_remote_prefixes;
  /* Policy-based: selectors drive the path (child SAs cover some of these pairs);
   * route-based: any-to-any SAs, the route table picks the tunnel (facts 4). */
  bool policy_based;
  EpSelector selectors[EP_DP_MAX_SELECTORS];
  unsigned n_selectors;
  /* The tunnel's own outer address, when it is not the data plane's public_ip (an
   * active-active gateway's P2S tunnels: its third public IP, facts 7.2); {0}: public_ip.
   * ESP to it is taken as to public_ip. One such address per data plane. */
  Ipv4Addr local_public;
} EpDpTunnelConfig;

/* One child SA pair as IKE negotiated it. Keys are borrowed (the SAs copy them); the
 * tunnel addresses and the IV seed are filled in here. */
typedef struct {
  EspSaConfig out, in;
  /* Policy-based: the pairs this child covers; NULL/0: every selector of the tunnel. */
  const EpSelector *selectors;
  unsigned n_selectors;
  /* Rekey: the inbound SPI of the pair this one replaces (its outbound stays in use until
   * ep_dp_sa_switch); 0 for a new child, whose outbound is used at once. */
  uint32_t replaces_in_spi;
  /* RFC 3948: ESP in UDP (NAT detected); ports of our and the peer's side. */
  bool udp_encap;
  uint16_t sport, dport;
} EpChildSaPair;

typedef struct EpDp EpDp;

EpDp *ep_dp_new(const EpDpConfig *cfg, const EpEnv *env);
void ep_dp_free(EpDp *dp);
/* Start the periodic lifetime timer (one second of simulated time). */
void ep_dp_start(EpDp *dp);

/* Add a tunnel and the routes to its remote prefixes; returns its index. */
int ep_dp_tunnel_add(EpDp *dp, const EpDpTunnelConfig *cfg);
unsigned ep_dp_n_tunnels(const EpDp *dp);
int ep_dp_tunnel_find(const EpDp *dp, const char *name); /* -1 when none */
const char *ep_dp_tunnel_name(const EpDp *dp, int tunnel);
bool ep_dp_tunnel_up(const EpDp *dp, int tunnel);
/* The event types the data plane was configured with (EpDpConfig.events). */
const EpDpEventTypes *ep_dp_event_types(const EpDp *dp);

/* ---- routes ---- */
typedef enum { EP_ROUTE_NONE = 0, EP_ROUTE_LOCAL, EP_ROUTE_TUNNEL } EpRouteKind;
extern const NameTable ep_route_kind_names;
/* Add a route (BGP or static); tunnel is ignored for EP_ROUTE_LOCAL. */
void ep_dp_route_add(EpDp *dp, Ipv4Prefix p, EpRouteKind kind, int tunnel);
/* Longest prefix first; among equally long routes to tunnels, the first whose tunnel is
 * up. *tunnel receives the tunnel (or -1). */
EpRouteKind ep_dp_route_lookup(const EpDp *dp, Ipv4Addr dst, int *tunnel);
/* Remove one route with exactly this prefix, kind and tunnel (a BGP route withdrawn);
 * false when there is none. */
bool ep_dp_route_remove(EpDp *dp, Ipv4Prefix p, EpRouteKind kind, int tunnel);

/* ---- child SAs (the functions the IKE engine calls) ---- */

/* Install a pair: the inbound SA accepts traffic at once; the outbound carries traffic at
 * once for a new child, or after ep_dp_sa_switch for a rekey. False with *why when an SA
 * cannot be built or an SPI is taken. */
bool ep_dp_sa_install(EpDp *dp, int tunnel, const EpChildSaPair *pair, const char **why);
/* Rekey: the pair whose inbound SPI is in_spi now carries its child's outbound traffic. */
bool ep_dp_sa_switch(EpDp *dp, int tunnel, uint32_t in_spi);
/* Delete a pair (both SAs). When the child it belonged to is left without pairs it is
 * gone; when the tunnel has none left it is down (event with the reason). */
bool ep_dp_sa_delete(EpDp *dp, int tunnel, uint32_t in_spi, const char *reason);
/* ---- SA lifetimes (the IKE side's hook) ---- */

/* What an ESP lifetime says of a child SA pair (RFC 7296 2.8, RFC 4303 3.3.3). Only the
 * ESP SAs count volume: the IKE engine keeps the time limits itself. */
typedef enum {
  EP_SA_SOFT_EXPIRED = 0, /* a soft limit (kilobytes) was reached: rekey now */
  EP_SA_HARD_EXPIRED,     /* a hard limit: the SA carries nothing more */
  EP_SA_SEQ_EXHAUSTED,    /* the outbound sequence numbers are used up: rekey */
  EP_SA_EXPIRY__COUNT
} EpSaExpiryKind;

extern const NameTable ep_sa_expiry_kind_names;

typedef struct {
  int tunnel;
  EpSaExpiryKind kind;
  uint32_t spi;             /* the SA that fired (inbound or outbound) */
  EspDirection dir;
  uint32_t in_spi, out_spi; /* its pair; in_spi names the pair to the IKE engine */
  unsigned life;            /* the EspLifeFlags that fired (expiry kinds) */
} EpSaExpiry;

typedef void (*EpSaExpiryFn)(void *user, const EpSaExpiry *e);

/* The owner of a tunnel's child SAs (its IKE side) hears of their lifetimes here, besides
 * the sa_expired event. A limit is crossed while a packet is being processed; the hook is
 * called after it, from a timer of no delay (env.timer_add), so that it may install and
 * delete SAs (a rekey, an expiry). One hook per tunnel; fn NULL removes it. */
void ep_dp_tunnel_set_expiry_hook(EpDp *dp, int tunnel, EpSaExpiryFn fn, void *user);
/* Impairment (ep_impair.h EP_IMPAIR_ESP_BAD_ICV): the tunnel's Nth outbound ESP packet (0:
 * every one) leaves with the last octet of its ICV flipped, an impair.applied event each. */
void ep_dp_tunnel_impair_icv(EpDp *dp, int tunnel, uint32_t nth);
/* Impairment (EP_IMPAIR_TUNNEL_MTU): the tunnel's SA pairs installed from now on carry inner
 * packets of at most mtu octets (larger ones: ICMP frag needed), an impair.applied event
 * per pair. */
void ep_dp_tunnel_impair_mtu(EpDp *dp, int tunnel, uint32_t mtu);
/* Impairment (EP_IMPAIR_NO_TRANSIT): inner packets are no longer routed from this tunnel
 * into another of the owner's, nor from another into this one (dropped as no_route, the
 * first with an impair.applied event). */
void ep_dp_tunnel_impair_no_transit(EpDp *dp, int tunnel);
/* Impairment (EP_IMPAIR_FRAGMENT): inner packets larger than an SA pair carries are cut
 * into IPv4 fragments that fit (their DF bit ignored) instead of being dropped with ICMP
 * frag needed; an impair.applied event the first time. */
void ep_dp_tunnel_impair_fragment(EpDp *dp, int tunnel);

/* An owner's rewrite of a tunnel's inner packets at the tunnel edge (the gateway's NAT
 * rules, facts 6): to_tunnel, a packet routed into the tunnel, before it is encapsulated;
 * otherwise a packet just decrypted from it, before the selector check and routing. The
 * packet is writable and keeps its length. False: the packet is dropped (the hook counts
 * why). One hook per tunnel; fn NULL removes it. A tunnel without one is untouched. */
typedef bool (*EpEdgeFn)(void *user, int tunnel, bool to_tunnel, uint8_t *pkt, size_t len);
void ep_dp_tunnel_set_edge_hook(EpDp *dp, int tunnel, EpEdgeFn fn, void *user);

/* Delete every pair of a tunnel (DPD failure, IKE SA deleted). */
void ep_dp_tunnel_down(EpDp *dp, int tunnel, const char *reason);
void ep_dp_set_mm_sa_count(EpDp *dp, int tunnel, unsigned n);
/* RFC 7296 2.23: the tunnel's outer packets go to addr from now on, and the
 * UDP-encapsulated ones (RFC 3948) to its port 'port' (the IKE SA followed the peer to a
 * new NAT mapping). False when there is no such tunnel. */
bool ep_dp_tunnel_set_peer(EpDp *dp, int tunnel, Ipv4Addr addr, uint16_t port);
/* Where the tunnel sends now: the outer destination, and the destination port of its
 * current UDP-encapsulated outbound SA (0 when it has none). False: no such tunnel. */
bool ep_dp_tunnel_peer(const EpDp *dp, int tunnel, Ipv4Addr *addr, uint16_t *port);

/* ---- packets ---- */

typedef enum {
  EP_RX_DELIVERED = 0, /* decapsulated and delivered inside (or forwarded) */
  EP_RX_DROPPED,       /* counted with a reason */
  EP_RX_IKE,           /* UDP 4500 with the non-ESP marker: for the IKE engine */
  EP_RX_KEEPALIVE,     /* NAT keepalive, discarded */
} EpRxResult;
extern const NameTable ep_rx_result_names;

/* A whole outer IPv4 packet from the underlay. */
EpRxResult ep_dp_rx_outer(EpDp *dp, const uint8_t *pkt, size_t len);
/* The socket forms (sim/engine/net.h): the payload of a raw protocol-50 socket, and the payload
 * of a UDP datagram received on port 4500. */
EpRxResult ep_dp_rx_esp(EpDp *dp, Ipv4Addr src, Ipv4Addr dst, const uint8_t *esp, size_t len);
EpRxResult ep_dp_rx_udp4500(EpDp *dp, Ipv4Addr src, uint16_t sport, const uint8_t *payload,
                            size_t len);
/* A whole inner IPv4 packet from the inside (the tunnel interface's transmit hook).
 * Returns true when it went out in a tunnel. */
bool ep_dp_tx_inner(EpDp *dp, const uint8_t *pkt, size_t len);

/* The largest inner packet a tunnel carries now (tunnel MTU and path MTU with the current
 * outbound SA's overhead); 0 when the tunnel has no outbound SA. */
size_t ep_dp_tunnel_max_inner(const EpDp *dp, int tunnel);

/* ---- metrics ---- */
const EpTunnelMetrics *ep_dp_tunnel_metrics(const EpDp *dp, int tunnel);
const EpNodeMetrics *ep_dp_metrics(const EpDp *dp);
/* The node's IKE side dropped a datagram (the IKE engines' and the gateway's reasons). */
void ep_dp_count_ike_drop(EpDp *dp, IkeDropReason reason);
/* Emit one metrics event per tunnel (the runner calls it at the metric granularity). */
void ep_dp_emit_metrics(EpDp *dp);

/* The algorithm set of the per-tunnel benchmark an SA's transform falls under: GCM is
 * GCMAES256, 3DES/DES is DES3+SHA256, every other transform AES256+SHA256 (facts 1.3
 * documents only these three; the nearest cipher family is taken for the others). */
EpAlgSet ep_dp_algset(IkeEncrId encr);
