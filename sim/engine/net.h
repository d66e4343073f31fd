/* SPDX-License-Identifier: MIT */
/* The C API of the simulation engine: a thin wrapper over ns-3 (worlds, nodes, links, IPv4
 * routes, UDP/TCP/raw sockets, tunnel interfaces, packet taps, timers, live mode); no ns-3
 * type appears here and packets cross the boundary as byte buffers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "models/common/ipv4.h" /* C headers without their own extern "C" */
#include "models/common/names.h"

/* ns-3 keeps one simulator per process: at most one NetWorld exists at a time. Objects
 * created from a world (nodes, links, devices, sockets, tunnels) belong to it and are freed
 * with it; sockets may also be freed earlier with their _free. No function may be called
 * from another thread, except in live mode where the wrapper itself serialises its
 * reader thread onto the simulator. */
typedef struct NetWorld NetWorld;
typedef struct NetNode NetNode;
typedef struct NetLink NetLink;           /* a point-to-point link or a CSMA segment */
typedef struct NetDev NetDev;             /* one interface of a node */
typedef struct NetUdpSocket NetUdpSocket;
typedef struct NetTcpSocket NetTcpSocket;
typedef struct NetRawSocket NetRawSocket; /* raw IPv4 protocol socket (ESP is 50) */
typedef struct NetTunnel NetTunnel;       /* a tunnel interface whose transmit calls C */

typedef enum {
  NET_OK = 0,
  NET_ERR_INVALID,   /* bad argument (API misuse) */
  NET_ERR_EXISTS,    /* a name or binding already taken */
  NET_ERR_NOT_FOUND, /* no such route, node, ... */
  NET_ERR_STATE,     /* not possible in the object's current state */
  NET_ERR_NOBUFS,    /* the stack refused the packet (queue full, no route, too big) */
  NET_ERR_SYSTEM,    /* an operating-system call failed (live mode) */
  NET_ERR_INTERNAL,  /* ns-3 threw: caught at the boundary */
} NetStatus;

const char *net_status_name(NetStatus s);
/* The message of the last failure on this world (exception text, errno text), or "". */
const char *net_world_last_error(const NetWorld *w);

/* ---- world ---- */

/* Linux's neighbour table holds up to 101 packets per unresolved neighbour
 * (Documentation/networking/ip-sysctl.rst, neigh/default/unres_qlen: 101); ns-3's ARP
 * cache holds 3 by default, which loses most of the first burst towards a VM. */
#define NET_ARP_PENDING_DEFAULT 101

typedef struct {
  uint64_t seed;      /* RngSeed and RngRun are derived from it */
  bool realtime;      /* live mode: ns-3 RealtimeSimulatorImpl, wall-clock paced */
  bool no_checksums;  /* leave ns-3 ChecksumEnabled off (faster, zero checksums on the wire) */
  uint32_t arp_pending; /* packets queued per unresolved neighbour; 0: NET_ARP_PENDING_DEFAULT */
} NetWorldOptions;

/* NULL when a world already exists. Checksums are on unless no_checksums. */
NetWorld *net_world_new(uint64_t seed);
NetWorld *net_world_new_ex(const NetWorldOptions *opt);
void net_world_free(NetWorld *w); /* NULL is a no-op */
/* The CSMA FCS (CRC-32 of IEEE 802.3) and the RFC 1071 sum ns-3 computes per packet run the
 * faster, bit-identical bodies of net.cc's fast paths: true when the dynamic linker bound
 * ns-3's names to them (net_world_new_ex refers to this, which links them in). */
bool net_fast_paths_active(void);
uint32_t net_crc32(const uint8_t *data, size_t n); /* that CRC-32, for tests */
/* Tests: the fast paths' bodies against ns-3's own on `rounds` pseudo-random inputs; the number
 * of mismatches, or -1 when ns-3's originals cannot be found. */
int net_fast_paths_selftest(uint64_t seed, int rounds);

/* Run until simulated time t_ns (absolute) or until net_world_stop; time stops at t_ns. */
NetStatus net_world_run_until(NetWorld *w, int64_t t_ns);
/* Run until no event is left (or net_world_stop). */
NetStatus net_world_run(NetWorld *w);
/* From a callback: return from the running net_world_run* after the current event. */
void net_world_stop(NetWorld *w);
int64_t net_world_now(const NetWorld *w); /* simulated nanoseconds since start */

/* ---- timers ---- */

typedef uint64_t NetEventId; /* 0 is never a valid id */
typedef void (*NetEventFn)(NetWorld *w, void *user);

/* Call fn(w, user) after delay_ns (>= 0) of simulated time. */
NetEventId net_schedule(NetWorld *w, int64_t delay_ns, NetEventFn fn, void *user);
/* True when the event was pending and is now cancelled; false when it already ran, was
 * cancelled, or the id is unknown. */
bool net_cancel(NetWorld *w, NetEventId id);

/* ---- nodes ---- */

/* A node with an IPv4 stack and static routing. NULL when the name is taken or empty. */
NetNode *net_node_new(NetWorld *w, const char *name);
NetNode *net_node_find(NetWorld *w, const char *name);
const char *net_node_name(const NetNode *n);
NetWorld *net_node_world(const NetNode *n);
/* The world's nodes in creation order. */
size_t net_world_n_nodes(const NetWorld *w);
NetNode *net_world_node(NetWorld *w, size_t i);

/* ---- drops inside the stack ---- */

/* Packets the simulated stacks drop on their own (ns-3 traces), beside link losses
 * (net_link_lost) and what the models count themselves. */
typedef enum {
  NET_DROP_ARP_QUEUE_FULL = 0, /* an unresolved neighbour's pending queue was full */
  NET_DROP_ARP_NO_REPLY,       /* queued for a neighbour that never answered (after the retries) */
  NET_DROP_ARP_UNREACHABLE,    /* for a neighbour that lately failed to answer (ns-3 "dead") */
  NET_DROP_TTL_EXPIRED,        /* IPv4: TTL reached 0 while forwarding */
  NET_DROP_NO_ROUTE,           /* IPv4: no route */
  NET_DROP_BAD_CHECKSUM,       /* IPv4: header checksum wrong */
  NET_DROP_INTERFACE_DOWN,     /* IPv4: the interface is down */
  NET_DROP_ROUTE_ERROR,        /* IPv4: the routing protocol refused the packet */
  NET_DROP_FRAGMENT_TIMEOUT,   /* IPv4: reassembly gave up */
  NET_DROP_DUPLICATE,          /* IPv4: duplicate detection */
  NET_DROP_QUEUE_FULL,         /* a device's transmit queue was full */
  NET_DROP__COUNT
} NetDropReason;

extern const NameTable net_drop_reason_names; /* "arp_queue_full", ... */

/* One drop as it happens: the addresses of the IPv4 packet when the wrapper can read
 * them, else 0.0.0.0 (an ARP frame in a queue). */
typedef struct {
  NetNode *node;
  NetDropReason reason;
  Ipv4Addr src, dst;
} NetDrop;
typedef void (*NetDropFn)(const NetDrop *d, void *user);
/* Called for every drop (NULL: none); the counts are kept either way. */
void net_world_set_drop_fn(NetWorld *w, NetDropFn fn, void *user);
uint64_t net_node_drops(const NetNode *n, NetDropReason r);
/* IPv4 fragments (MF set or a non-zero fragment offset) the node's stack sent (its own
 * and forwarded ones, each fragment as it leaves) or received (each as it arrives,
 * before reassembly). */
uint64_t net_node_fragments(const NetNode *n, bool sent);

/* ---- links and devices ---- */

typedef struct {
  uint64_t rate_bps;          /* data rate; 0 means 1 Gb/s */
  int64_t delay_ns;           /* one-way propagation delay */
  uint32_t mtu;               /* IP MTU; 0 means 1500 */
  uint32_t queue_packets;     /* device transmit queue; 0 means 100 */
  double loss_rate;           /* probability that a frame is lost, 0..1 (seeded) */
  const uint64_t *loss_index; /* frames to lose: the link's n-th delivered frame, from 0, */
  size_t n_loss_index;        /*   counted over both directions in arrival order */
} NetLinkConfig;

/* A point-to-point link between a and b (devices "a" side index 0, "b" side index 1). */
NetLink *net_link_p2p_new(NetWorld *w, NetNode *a, NetNode *b, const NetLinkConfig *cfg);
/* A CSMA (Ethernet) segment joining n nodes; cfg->rate/delay/mtu apply; losses apply to
 * every receiver. */
NetLink *net_link_csma_new(NetWorld *w, NetNode *const *nodes, size_t n, const NetLinkConfig *cfg);
size_t net_link_n_devs(const NetLink *l);
NetDev *net_link_dev(NetLink *l, size_t i);
/* Link down: every frame carried is lost (a black hole); routes stay. Up restores. */
void net_link_set_up(NetLink *l, bool up);
bool net_link_is_up(const NetLink *l);
/* Frames lost on this link so far (rate, index list and down state together). */
uint64_t net_link_lost(const NetLink *l);

typedef enum {
  NET_LINKTYPE_RAW_IPV4 = 0, /* frames are IPv4 packets (point-to-point, tunnel) */
  NET_LINKTYPE_ETHERNET = 1, /* frames are Ethernet II (CSMA, live TAP) */
} NetLinkType;

NetLinkType net_dev_linktype(const NetDev *d);
NetNode *net_dev_node(const NetDev *d);
/* Assign an address with its prefix length (adds the connected route). */
NetStatus net_dev_add_address(NetDev *d, Ipv4Addr addr, unsigned plen);
Ipv4Addr net_dev_address(const NetDev *d); /* the first one; 0.0.0.0 when none */

/* ---- packet taps ---- */

typedef enum { NET_TAP_TX = 1, NET_TAP_RX = 2 } NetTapDir;
/* frame: an IPv4 packet (RAW_IPV4 devices) or an Ethernet frame (ETHERNET devices). TX is
 * when the frame starts on the wire; RX when it was received intact. */
typedef void (*NetTapFn)(NetDev *d, NetTapDir dir, int64_t t_ns, const uint8_t *frame,
                         size_t len, void *user);
/* Several taps may be added to one device; dirs is a mask of NetTapDir. */
NetStatus net_dev_tap_add(NetDev *d, unsigned dirs, NetTapFn fn, void *user);

/* ---- IPv4 routes (static routing; longest prefix first, then lowest metric) ---- */

/* gw 0.0.0.0 means on-link. */
NetStatus net_route_add(NetNode *n, Ipv4Prefix dst, Ipv4Addr gw, NetDev *dev, uint32_t metric);
/* Remove the route with exactly this prefix, gateway and device. */
NetStatus net_route_remove(NetNode *n, Ipv4Prefix dst, Ipv4Addr gw, NetDev *dev);
NetStatus net_route_default(NetNode *n, Ipv4Addr gw, NetDev *dev, uint32_t metric);

/* ---- UDP ---- */

typedef void (*NetUdpRxFn)(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src,
                           uint16_t sport, void *user);
/* Bind to addr:port (0.0.0.0 for any, port 0 for an ephemeral one). NULL when taken. */
NetUdpSocket *net_udp_new(NetNode *n, Ipv4Addr addr, uint16_t port, NetUdpRxFn fn, void *user);
void net_udp_free(NetUdpSocket *s);
uint16_t net_udp_port(const NetUdpSocket *s);
NetStatus net_udp_send_to(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr dst,
                          uint16_t dport);

/* ---- raw IPv4 protocol sockets ---- */

/* data is the IP payload (the IPv4 header stripped); dst is where it was addressed. */
typedef void (*NetRawRxFn)(NetRawSocket *s, const uint8_t *data, size_t len, Ipv4Addr src,
                           Ipv4Addr dst, void *user);
/* Receive every packet of protocol proto reaching node n; send with this protocol, from
 * addr (0.0.0.0: the outgoing interface's address). */
NetRawSocket *net_raw_new(NetNode *n, uint8_t proto, Ipv4Addr addr, NetRawRxFn fn, void *user);
void net_raw_free(NetRawSocket *s);
NetStatus net_raw_send_to(NetRawSocket *s, const uint8_t *data, size_t len, Ipv4Addr dst);

/* ---- TCP ---- */

typedef struct {
  void (*accepted)(NetTcpSocket *listener, NetTcpSocket *conn, void *user); /* listeners */
  void (*connected)(NetTcpSocket *s, void *user);
  void (*data)(NetTcpSocket *s, const uint8_t *data, size_t len, void *user);
  void (*closed)(NetTcpSocket *s, void *user); /* the peer closed: no more data */
  void (*error)(NetTcpSocket *s, NetStatus why, void *user);
} NetTcpCallbacks;

/* A listener; accepted connections share cbs and user (user can be reset per conn). */
NetTcpSocket *net_tcp_listen(NetNode *n, Ipv4Addr addr, uint16_t port,
                             const NetTcpCallbacks *cbs, void *user);
NetTcpSocket *net_tcp_connect(NetNode *n, Ipv4Addr dst, uint16_t dport,
                              const NetTcpCallbacks *cbs, void *user);
void net_tcp_set_user(NetTcpSocket *s, void *user);
/* Queue bytes to send (the wrapper buffers what the socket cannot take yet). */
NetStatus net_tcp_send(NetTcpSocket *s, const uint8_t *data, size_t len);
size_t net_tcp_pending(const NetTcpSocket *s); /* bytes not yet handed to TCP */
/* Graceful close once every queued byte is handed to TCP. */
NetStatus net_tcp_close(NetTcpSocket *s);
void net_tcp_free(NetTcpSocket *s); /* abort if open; NULL is a no-op */
bool net_tcp_peer(const NetTcpSocket *s, Ipv4Addr *addr, uint16_t *port);

/* ---- tunnel interfaces ---- */

/* packet: a complete IPv4 packet the node routed into the tunnel. */
typedef void (*NetTunnelTxFn)(NetTunnel *t, const uint8_t *packet, size_t len, void *user);
NetTunnel *net_tunnel_new(NetNode *n, Ipv4Addr addr, unsigned plen, uint32_t mtu,
                          NetTunnelTxFn fn, void *user);
NetDev *net_tunnel_dev(NetTunnel *t);
/* The MTU the node's own TCP sees through the tunnel (its MSS is this less 40) when the
 * interface takes larger packets for a data plane that checks sizes itself; 0: the
 * interface's MTU. */
void net_tunnel_set_local_mtu(NetTunnel *t, uint32_t mtu);
/* Hand the node a decapsulated IPv4 packet as if it came in on the tunnel interface. */
NetStatus net_tunnel_inject(NetTunnel *t, const uint8_t *packet, size_t len);

/* ---- live mode ---- */

/* Open (create) a TAP interface named ifname with the wrapper's own /dev/net/tun code and
 * attach it to node n as an Ethernet device (ns-3 FdNetDevice). The world must be
 * realtime. The Linux interface is left down; its owner configures it. */
NetDev *net_live_tap_new(NetNode *n, const char *ifname, NetStatus *status);

/* ---- TCP from a chosen local address (BGP over tunnels) ---- */

/* As net_tcp_connect, with the connection's source address src (an address of the node,
 * for instance on its tunnel interface): the route to dst still picks the interface. */
NetTcpSocket *net_tcp_connect_from(NetNode *n, Ipv4Addr src, Ipv4Addr dst, uint16_t dport,
                                   const NetTcpCallbacks *cbs, void *user);
/* Add an address as the interface's first one: ns-3 gives a TCP connection the first
 * address of the interface its route leaves by as source (TcpSocketBase::SetupEndpoint
 * overrides a bound address), so a BGP address meant as the source must come first. */
NetStatus net_dev_add_primary_address(NetDev *d, Ipv4Addr addr, unsigned plen);
/* Remove an address from the interface (a VPN client's address it no longer holds, say):
 * NET_ERR_NOT_FOUND when the interface does not have it. */
NetStatus net_dev_remove_address(NetDev *d, Ipv4Addr addr);
/* Does one of the node's interfaces hold address a? */
bool net_node_has_address(const NetNode *n, Ipv4Addr a);

#ifdef __cplusplus
}
#endif
