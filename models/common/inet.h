/* SPDX-License-Identifier: MIT */
/* The Internet headers every model touches: the RFC 1071 checksum, the IPv4 header
 * (RFC 791), UDP (RFC 768) and the ICMP messages the models send (echo, RFC 792;
 * destination unreachable / fragmentation needed with the next-hop MTU, RFC 1191). */
#pragma once

#include "models/common/ipv4.h"
#include "models/common/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
  INET_PROTO_ICMP = 1,
  INET_PROTO_TCP = 6,
  INET_PROTO_UDP = 17,
  INET_PROTO_ESP = 50,
};

enum {
  ICMP_ECHO_REPLY = 0,
  ICMP_DEST_UNREACH = 3, /* code 4: fragmentation needed and DF set (RFC 1191) */
  ICMP_ECHO_REQUEST = 8,
  ICMP_TIME_EXCEEDED = 11,
};
enum { ICMP_CODE_FRAG_NEEDED = 4 };

#define INET_IPV4_HDR_LEN 20 /* without options */

/* RFC 1071: the ones' complement of the ones' complement sum of 16-bit words. Sums can
 * be chained: inet_checksum_fold(inet_checksum_add(inet_checksum_add(0, a), b)). */
uint32_t inet_checksum_add(uint32_t sum, const void *p, size_t n);
uint16_t inet_checksum_fold(uint32_t sum);
uint16_t inet_checksum(const void *p, size_t n);

typedef struct {
  uint8_t ihl_bytes;  /* header length, 20..60 */
  uint8_t tos;
  uint16_t total_len; /* header and payload */
  uint16_t id;
  bool df, mf;
  uint16_t frag_offset; /* in 8-octet units */
  uint8_t ttl;
  uint8_t proto;
  uint16_t checksum; /* as received; computed by the encoder */
  Ipv4Addr src, dst;
} InetIpv4Header;

/* Decode the IPv4 header at the reader (RFC 791 3.1): version 4, IHL >= 5, total length
 * at least the header and at most what the reader holds (the reader may hold link padding
 * after it). Options are skipped. The reader is left at the payload. The checksum is not
 * verified here: inet_ipv4_checksum_ok() does that, so a caller can count it apart. */
WireStatus inet_ipv4_decode(WireReader *r, InetIpv4Header *h);
/* True when the header's checksum over its ihl bytes is right. */
bool inet_ipv4_checksum_ok(const uint8_t *hdr, size_t ihl_bytes);
/* Encode a 20-octet header (no options) with its checksum; total_len from h. */
void inet_ipv4_encode(WireWriter *w, const InetIpv4Header *h);

/* UDP (RFC 768) with the pseudo-header checksum (a computed 0 is sent as 0xffff). */
void inet_udp_encode(WireWriter *w, Ipv4Addr src, Ipv4Addr dst, uint16_t sport,
                     uint16_t dport, const void *payload, size_t len);

/* An ICMP echo request or reply message (RFC 792), without the IP header, checksum
 * computed; data as for the packet form below. */
void inet_icmp_echo_encode(WireWriter *w, uint8_t type, uint16_t ident, uint16_t seq,
                           const void *data, size_t len);
/* A whole IPv4 packet carrying an ICMP echo request or reply (RFC 792) with 'len' bytes of
 * data (the pattern 0x00, 0x01, ... when data is NULL). */
void inet_icmp_echo_packet(WireWriter *w, uint8_t type, Ipv4Addr src, Ipv4Addr dst,
                           uint16_t ip_id, uint16_t ident, uint16_t seq, const void *data,
                           size_t len);
/* A whole IPv4 packet carrying ICMP type 3 code 4 "fragmentation needed and DF set" with
 * the next-hop MTU (RFC 1191 4) toward the sender of 'orig', quoting its IP header and
 * first 8 payload octets (RFC 792). */
void inet_icmp_frag_needed_packet(WireWriter *w, Ipv4Addr src, uint16_t ip_id,
                                  const uint8_t *orig, size_t orig_len, uint16_t mtu);
