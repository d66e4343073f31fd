/* SPDX-License-Identifier: MIT */
/* Internet checksum, IPv4 header, UDP and ICMP builders (see inet.h). */
#include "models/common/inet.h"

#include <glib.h>
#include <string.h>

uint32_t inet_checksum_add(uint32_t sum, const void *p, size_t n)
{
  WireReader r = wire_reader(p, n);
  while (wire_left(&r) >= 2)
    sum += wire_get_u16(&r, "word");
  if (wire_left(&r)) /* an odd byte is padded with a zero octet */
    sum += (uint32_t)wire_get_u8(&r, "odd byte") << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

uint16_t inet_checksum_fold(uint32_t sum)
{
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

uint16_t inet_checksum(const void *p, size_t n)
{
  return inet_checksum_fold(inet_checksum_add(0, p, n));
}

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |Version|  IHL  |Type of Service|          Total Length         |
 * |         Identification        |Flags|      Fragment Offset    |
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * |                       Source Address                          |
 * |                    Destination Address                        |
 * |                    Options                    |    Padding    |   (RFC 791 3.1) */
WireStatus inet_ipv4_decode(WireReader *r, InetIpv4Header *h)
{
  size_t avail = wire_left(r);
  uint8_t vihl = wire_get_u8(r, "version/IHL");
  h->tos = wire_get_u8(r, "type of service");
  h->total_len = wire_get_u16(r, "total length");
  h->id = wire_get_u16(r, "identification");
  uint16_t frag = wire_get_u16(r, "flags/fragment offset");
  h->ttl = wire_get_u8(r, "time to live");
  h->proto = wire_get_u8(r, "protocol");
  h->checksum = wire_get_u16(r, "header checksum");
  h->src.v = wire_get_u32(r, "source address");
  h->dst.v = wire_get_u32(r, "destination address");
  if (!wire_ok(r))
    return r->status;
  h->ihl_bytes = (uint8_t)((vihl & 0x0f) * 4);
  h->df = frag & 0x4000;
  h->mf = frag & 0x2000;
  h->frag_offset = frag & 0x1fff;
  if (vihl >> 4 != 4)
    wire_fail(r, WIRE_MALFORMED, "version", vihl >> 4, 4);
  else if (h->ihl_bytes < INET_IPV4_HDR_LEN)
    wire_fail(r, WIRE_MALFORMED, "IHL", h->ihl_bytes, INET_IPV4_HDR_LEN);
  else if (h->total_len < h->ihl_bytes)
    wire_fail(r, WIRE_MALFORMED, "total length", h->total_len, h->ihl_bytes);
  else if (h->total_len > avail)
    wire_fail(r, WIRE_TRUNCATED, "total length", avail, h->total_len);
  else
    wire_skip(r, h->ihl_bytes - INET_IPV4_HDR_LEN, "options");
  return r->status;
}

bool inet_ipv4_checksum_ok(const uint8_t *hdr, size_t ihl_bytes)
{
  return inet_checksum(hdr, ihl_bytes) == 0;
}

void inet_ipv4_encode(WireWriter *w, const InetIpv4Header *h)
{
  size_t start = wire_writer_len(w);
  wire_put_u8(w, 0x45);
  wire_put_u8(w, h->tos);
  wire_put_u16(w, h->total_len);
  wire_put_u16(w, h->id);
  wire_put_u16(w, (uint16_t)((h->df ? 0x4000 : 0) | (h->mf ? 0x2000 : 0) | (h->frag_offset & 0x1fff)));
  wire_put_u8(w, h->ttl);
  wire_put_u8(w, h->proto);
  size_t csum = wire_reserve(w, 2);
  wire_put_u32(w, h->src.v);
  wire_put_u32(w, h->dst.v);
  if (wire_writer_ok(w))
    wire_patch(w, csum, 2, inet_checksum(wire_writer_data(w) + start, INET_IPV4_HDR_LEN));
}

/*  |          Source Port          |       Destination Port        |
 *  |            Length             |           Checksum            |   (RFC 768) */
void inet_udp_encode(WireWriter *w, Ipv4Addr src, Ipv4Addr dst, uint16_t sport,
                     uint16_t dport, const void *payload, size_t len)
{
  if (len > 0xffff - 8) {
    wire_writer_fail(w); /* does not fit a UDP length */
    return;
  }
  uint16_t ulen = (uint16_t)(8 + len);
  /* pseudo-header: source, destination, zero, protocol, UDP length */
  uint8_t pseudo[12];
  wire_store_be32(pseudo, src.v);
  wire_store_be32(pseudo + 4, dst.v);
  pseudo[8] = 0;
  pseudo[9] = INET_PROTO_UDP;
  wire_store_be16(pseudo + 10, ulen);
  uint8_t hdr[8];
  wire_store_be16(hdr, sport);
  wire_store_be16(hdr + 2, dport);
  wire_store_be16(hdr + 4, ulen);
  wire_store_be16(hdr + 6, 0);
  uint32_t sum = inet_checksum_add(0, pseudo, sizeof pseudo);
  sum = inet_checksum_add(sum, hdr, sizeof hdr);
  sum = inet_checksum_add(sum, payload, len);
  uint16_t c = inet_checksum_fold(sum);
  wire_store_be16(hdr + 6, c ? c : 0xffff); /* RFC 768: a computed zero is sent as ones */
  wire_put_bytes(w, hdr, sizeof hdr);
  wire_put_bytes(w, payload, len);
}

/* An ICMP message (already built in msg, checksum field zero) in an IPv4 packet. */
static void icmp_packet(WireWriter *w, Ipv4Addr src, Ipv4Addr dst, uint16_t ip_id, uint8_t *msg,
                        size_t n)
{
  wire_store_be16(msg + 2, inet_checksum(msg, n));
  InetIpv4Header h = {.total_len = (uint16_t)(INET_IPV4_HDR_LEN + n), .id = ip_id, .ttl = 64,
                      .proto = INET_PROTO_ICMP, .src = src, .dst = dst};
  inet_ipv4_encode(w, &h);
  wire_put_bytes(w, msg, n);
}

/* |     Type      |     Code      |          Checksum             |
 * |           Identifier          |        Sequence Number        |
 * |     Data ...                                                    (RFC 792 echo) */
void inet_icmp_echo_encode(WireWriter *w, uint8_t type, uint16_t ident, uint16_t seq,
                           const void *data, size_t len)
{
  size_t start = wire_writer_len(w);
  wire_put_u8(w, type);
  wire_put_u8(w, 0);
  size_t csum = wire_reserve(w, 2);
  wire_put_u16(w, ident);
  wire_put_u16(w, seq);
  if (data)
    wire_put_bytes(w, data, len);
  else
    for (size_t i = 0; i < len; i++)
      wire_put_u8(w, (uint8_t)i);
  if (wire_writer_ok(w))
    wire_patch(w, csum, 2, inet_checksum(wire_writer_data(w) + start, 8 + len));
}

void inet_icmp_echo_packet(WireWriter *w, uint8_t type, Ipv4Addr src, Ipv4Addr dst,
                           uint16_t ip_id, uint16_t ident, uint16_t seq, const void *data,
                           size_t len)
{
  if (len > 0xffff - INET_IPV4_HDR_LEN - 8) {
    wire_writer_fail(w); /* does not fit an IPv4 total length */
    return;
  }
  InetIpv4Header h = {.total_len = (uint16_t)(INET_IPV4_HDR_LEN + 8 + len), .id = ip_id,
                      .ttl = 64, .proto = INET_PROTO_ICMP, .src = src, .dst = dst};
  inet_ipv4_encode(w, &h);
  inet_icmp_echo_encode(w, type, ident, seq, data, len);
}

/* |   Type = 3    |   Code = 4    |           Checksum            |
 * |           unused = 0          |         Next-Hop MTU          |
 * |      Internet Header + 64 bits of Original Datagram Data      |   (RFC 1191 4) */
void inet_icmp_frag_needed_packet(WireWriter *w, Ipv4Addr src, uint16_t ip_id,
                                  const uint8_t *orig, size_t orig_len, uint16_t mtu)
{
  WireReader r = wire_reader(orig, orig_len);
  InetIpv4Header oh;
  if (inet_ipv4_decode(&r, &oh) != WIRE_OK) {
    wire_writer_fail(w); /* no ICMP about a packet we cannot read */
    return;
  }
  size_t quote = MIN(orig_len, (size_t)oh.ihl_bytes + 8);
  uint8_t msg[8 + 60 + 8];
  msg[0] = ICMP_DEST_UNREACH;
  msg[1] = ICMP_CODE_FRAG_NEEDED;
  wire_store_be16(msg + 2, 0);
  wire_store_be16(msg + 4, 0);
  wire_store_be16(msg + 6, mtu);
  memcpy(msg + 8, orig, quote);
  icmp_packet(w, src, oh.src, ip_id, msg, 8 + quote);
}
