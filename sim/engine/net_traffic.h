/* SPDX-License-Identifier: MIT */
/* Traffic helpers for scenarios, built on the engine's C API: ICMP echo (ping) with replies
 * counted and round-trip times, a constant-rate UDP flow, a TCP bulk transfer; each keeps
 * its own counters. */
#pragma once

#include "sim/engine/net.h"

#include <stdbool.h>
#include <stdint.h>

/* Counters of one flow. Times are simulated nanoseconds. */
typedef struct {
  uint64_t tx_packets, tx_bytes; /* payload bytes handed to the stack */
  uint64_t rx_packets, rx_bytes; /* payload bytes received intact */
  uint64_t rx_duplicates;        /* ping replies or datagrams seen twice */
  uint64_t rx_corrupt;           /* payloads that did not match what was sent */
  int64_t delay_min, delay_max;  /* ping: round trip; UDP: one way; -1 before any */
  int64_t delay_sum;             /* for the mean: delay_sum / rx_packets */
  int64_t t_first_tx, t_last_rx; /* -1 before any */
} NetFlowStats;

/* ---- ping (RFC 792 Echo / Echo Reply) ---- */

typedef struct NetPing NetPing;
typedef struct {
  Ipv4Addr dst;
  uint32_t count;       /* echo requests to send */
  int64_t interval_ns;  /* between requests; 0 means 1 s */
  uint16_t size;        /* ICMP data bytes after the 8-byte header, >= 8; 0 means 56 */
  uint16_t ident;       /* the Identifier field; tell concurrent pingers apart */
  /* Optional observer, for event logs: each echo request as it is sent (reply false,
   * rtt_ns -1; whether or not the stack took it) and each intact first reply (reply true,
   * its round trip). */
  void (*observe)(void *user, bool reply, uint32_t seq, int64_t rtt_ns);
  void *observe_user;
} NetPingConfig;

/* Starts now (the first request at the current simulated time). */
NetPing *net_ping_new(NetNode *src, const NetPingConfig *cfg);
void net_ping_free(NetPing *p);
const NetFlowStats *net_ping_stats(const NetPing *p);

/* ---- constant-rate UDP flow ---- */

typedef struct NetUdpFlow NetUdpFlow;
typedef struct {
  Ipv4Addr dst;          /* an address of the receiving node */
  uint16_t port;         /* the receiver's port */
  uint16_t to_port;      /* the port the sender sends to (through a NAT's port mapping); 0: port */
  /* The receiver sends each datagram it takes back to where it came from (the address and
   * port it saw: behind a NAPT, the translated ones), and the sender counts the replies
   * that reach its socket from dst:to_port (net_udp_flow_replies). */
  bool reply;
  uint64_t rate_bps;     /* payload bits per second */
  uint16_t size;         /* payload bytes per datagram, >= 16 */
  int64_t duration_ns;   /* sending time, starting now */
  /* Optional observer, for outage measurement: each intact first receipt of a datagram,
   * with its sequence number (0, 1, ... in sending order) and when it was sent. */
  void (*observe)(void *user, uint32_t seq, int64_t sent_ns);
  void *observe_user;
} NetUdpFlowConfig;

NetUdpFlow *net_udp_flow_new(NetNode *src, NetNode *dst, const NetUdpFlowConfig *cfg);
void net_udp_flow_free(NetUdpFlow *f);
const NetFlowStats *net_udp_flow_stats(const NetUdpFlow *f);
/* Replies received intact by the sender (cfg.reply), and datagrams its socket took that
 * were not one (from elsewhere, or not a datagram of the flow). */
uint64_t net_udp_flow_replies(const NetUdpFlow *f);
uint64_t net_udp_flow_stray(const NetUdpFlow *f);
/* Tests: hand the receiver a datagram as if it came from the flow's sender. */
void net_udp_flow_rx_for_test(NetUdpFlow *f, const uint8_t *m, size_t n);

/* ---- TCP bulk transfer ---- */

typedef struct NetTcpBulk NetTcpBulk;
/* Connect from src to dst:port (a listener is opened on dst) and send bytes of a known
 * pattern; the receiver checks every byte. */
NetTcpBulk *net_tcp_bulk_new(NetNode *src, NetNode *dst, Ipv4Addr dst_addr, uint16_t port,
                             uint64_t bytes);
/* The same, the listener on dst at 'port' and the connection to dst_addr:to_port (dst's
 * port seen through a NAT's port mapping). */
NetTcpBulk *net_tcp_bulk_new_to(NetNode *src, NetNode *dst, Ipv4Addr dst_addr, uint16_t port,
                                uint16_t to_port, uint64_t bytes);
void net_tcp_bulk_free(NetTcpBulk *b);
const NetFlowStats *net_tcp_bulk_stats(const NetTcpBulk *b);
/* True once every byte arrived, in order and intact, and both sides closed. */
bool net_tcp_bulk_done(const NetTcpBulk *b);
