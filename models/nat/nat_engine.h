/* SPDX-License-Identifier: MIT */
/* A sans-I/O IPv4 network address translator shared by the gateway's NAT rules (facts 6)
 * and the underlay NAT boxes: static 1:1 prefix mapping (stateless, RFC 2663 "basic
 * NAT" both ways, with optional single-port TCP/UDP mappings), dynamic NAPT (RFC 4787
 * endpoint-independent mapping from an external pool, flows only from the internal side,
 * mappings expiring per protocol) and address-only translation keeping ports (the NAT
 * boxes' one-to-one kind). Packets are rewritten in place with their IPv4, TCP, UDP and
 * ICMP checksums fixed (RFC 1624 incremental update, RFC 5508 for the packet quoted in an
 * ICMP error). Time comes from the environment; the engine never reads a clock. */
#pragma once

#include "models/common/event.h"
#include "models/common/ipv4.h"
#include "models/common/names.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  NAT_STATIC,  /* prefix to prefix of the same length, host bits kept, no state */
  NAT_DYNAMIC, /* NAPT: address and port (ICMP: echo identifier) from the external pool */
  NAT_ADDRESS, /* one external address, ports kept, mappings with state and timeouts */
} NatKind;

extern const NameTable nat_kind_names;

/* Why a packet was not translated (counted per reason; the first of each is an event). */
typedef enum {
  NAT_DROP_MALFORMED,    /* not a whole IPv4 packet, or its transport header is cut */
  NAT_DROP_UDP_ONLY,     /* a UDP-only box (the NAT boxes) got another protocol */
  NAT_DROP_PROTOCOL,     /* a protocol the kind cannot translate (NAPT: not TCP/UDP/ICMP) */
  NAT_DROP_FRAGMENT,     /* a non-first fragment (no ports to translate) */
  NAT_DROP_NO_MAPPING,   /* from the external side with no mapping: flows start inside */
  NAT_DROP_EXPIRED,      /* to a mapping whose timeout has passed */
  NAT_DROP_REBOUND,      /* to a mapping rebound to a new port (nat_engine_rebind) */
  NAT_DROP_EXHAUSTED,    /* no free external address/port left in the pool */
  NAT_DROP_COUNT,
} NatDrop;

extern const NameTable nat_drop_names;

/* A single-port mapping of a static rule (facts 6: TCP and UDP, single ports). */
typedef struct {
  uint8_t proto; /* INET_PROTO_TCP or INET_PROTO_UDP */
  uint16_t internal_port, external_port;
} NatPortMap;

#define NAT_MAX_PORT_MAPS 16
#define NAT_NO_TIMEOUT ((int64_t)-1)

typedef struct {
  const char *node; /* emitting node of the events (the box, the gateway instance) */
  const char *rule; /* rule name for the events; NULL for a NAT box (see nat.* below) */
  NatKind kind;
  /* STATIC: both of the same length. DYNAMIC: internal = who may start flows, external =
   * the pool (at most a /26 for a gateway rule, a /32 for a box). ADDRESS: external is the
   * /32; internal may be /0. */
  Ipv4Prefix internal, external;
  NatPortMap ports[NAT_MAX_PORT_MAPS];
  unsigned n_ports;
  bool udp_only;
  /* Mapping lifetimes without outbound traffic (RFC 4787 REQ-5, REQ-6: refreshed by
   * outbound packets): a mapping expires once more than this has passed since its last
   * outbound packet; NAT_NO_TIMEOUT (negative) for none. */
  int64_t udp_timeout_ns, tcp_timeout_ns, icmp_timeout_ns;
  /* NAPT ports are taken in order from port_first (an observable change, RFC 7296 2.23)
   * up to port_last, then the first free one from port_first again. */
  uint16_t port_first, port_last;
} NatConfig;

typedef struct NatMapping {
  uint32_t id; /* 1, 2, ... in creation order */
  uint8_t proto;
  Ipv4Addr in_addr, ext_addr;
  uint16_t in_port, ext_port; /* ICMP: echo identifier */
  int64_t last_out;           /* last outbound packet */
  bool expired;
  bool rebound; /* nat_engine_rebind moved the flow: this one leads nowhere */
  bool announced; /* nat.translate emitted */
  bool closed;    /* its external port went to a newer mapping (mapping_close called) */
  void *user;   /* the owner's (a socket) */
} NatMapping;

typedef struct {
  void *user;
  VsEventSink events;
  int64_t (*now)(void *user);
  /* Optional: a mapping is about to be used (false: its external port cannot be had, the
   * mapping is dropped without an event) / is gone for good (its port is reused). */
  bool (*mapping_open)(void *user, NatMapping *m);
  void (*mapping_close)(void *user, NatMapping *m);
  /* Optional: call nat_engine_expire at at_ns (the next mapping timeout). Without it
   * mappings expire when next looked up, which is what an observer can tell apart. */
  void (*timer_schedule)(void *user, int64_t at_ns);
} NatEnv;

typedef struct {
  uint64_t translated_out, translated_in;
  uint64_t drops[NAT_DROP_COUNT];
  uint64_t mappings; /* created, ever */
  uint64_t expired, rebinds;
} NatCounters;

/* Event types (VsEvent.type); attributes inside_addr, inside_port, outside_port (mapping
 * events), reason (drops, renewals), and with a rule name also rule, proto,
 * outside_addr (a NAT box has one address and one protocol, so its events leave those
 * out):
 *   nat.translate         the first packet translated by a mapping (static: per rule)
 *   nat.drop              the first drop of each reason
 *   nat.mapping.created   (reason "renewed" when an address mapping comes back)
 *   nat.mapping.expired
 *   nat.mapping.rebound   old_outside_port */
#define NAT_EV_TRANSLATE "nat.translate"
#define NAT_EV_DROP "nat.drop"
#define NAT_EV_MAPPING_CREATED "nat.mapping.created"
#define NAT_EV_MAPPING_EXPIRED "nat.mapping.expired"
#define NAT_EV_MAPPING_REBOUND "nat.mapping.rebound"

typedef struct NatEngine NatEngine;

/* NULL (and *err set, static) when the configuration cannot work: static prefixes of
 * different lengths, an empty pool, port_first > port_last. cfg and env are copied; the
 * strings stay borrowed. */
NatEngine *nat_engine_new(const NatConfig *cfg, const NatEnv *env, const char **err);
void nat_engine_free(NatEngine *e);

/* ---- packets: a whole IPv4 packet rewritten in place ---- */

typedef enum {
  NAT_PASS,       /* not for this rule (static/dynamic: source/destination not covered) */
  NAT_TRANSLATED, /* rewritten, checksums valid */
  NAT_DROPPED,    /* counted under a NatDrop reason */
} NatVerdict;

/* From the internal side: the source (and for an ICMP error from inside, the quoted
 * packet's destination) becomes external. */
NatVerdict nat_engine_out(NatEngine *e, uint8_t *pkt, size_t len);
/* From the external side: the destination (and for an ICMP error, the quoted packet's
 * source) becomes internal. DYNAMIC/ADDRESS: only to a live mapping. */
NatVerdict nat_engine_in(NatEngine *e, uint8_t *pkt, size_t len);

/* ---- flows: for owners that carry payloads themselves (the NAT boxes' sockets) ---- */

/* The live mapping for an outbound flow, created when there is none (ADDRESS: an expired
 * one comes back, "renewed"); its last_out is refreshed. NULL when none can be had
 * (counted as EXHAUSTED). */
NatMapping *nat_engine_flow_out(NatEngine *e, uint8_t proto, Ipv4Addr in_addr, uint16_t in_port);
/* An inbound packet to mapping m: true when it may pass; otherwise counted (REBOUND,
 * EXPIRED). */
bool nat_engine_flow_in(NatEngine *e, NatMapping *m);
/* Count a drop the owner decided (its own parsing); m may be NULL. */
void nat_engine_drop(NatEngine *e, NatDrop why, const NatMapping *m);

/* Every live mapping gets a new external port (a NAPT losing its state); the old one
 * leads nowhere (REBOUND). Returns how many moved; 0 unless DYNAMIC. */
unsigned nat_engine_rebind(NatEngine *e);
/* Expire the mappings whose timeout has passed (also done lazily on lookup). */
void nat_engine_expire(NatEngine *e);

const NatCounters *nat_engine_counters(const NatEngine *e);
/* Mappings in creation order, expired and rebound ones included. */
unsigned nat_engine_n_mappings(const NatEngine *e);
NatMapping *nat_engine_mapping(const NatEngine *e, unsigned i);
