/* SPDX-License-Identifier: MIT */
/* Helpers shared by the GLib test binaries: hex fixtures, byte comparisons, paths. */
#pragma once

#include "models/common/ipv4.h"

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* Decode a hex fixture (spaces and newlines allowed); aborts the test on bad hex. */
GBytes *tu_hex(const char *hex);
/* Assert that n bytes at p equal the hex fixture, printing both in hex on failure. */
#define tu_assert_hex(p, n, hex) tu_assert_hex_impl(__FILE__, __LINE__, #p, (p), (n), (hex))
void tu_assert_hex_impl(const char *file, int line, const char *expr, const void *p, size_t n,
                        const char *hex);
/* An address or prefix fixture ("10.0.0.1", "10.0.0.0/8"); aborts the test when it does
 * not parse exactly (a prefix with host bits set is refused too). */
Ipv4Addr tu_addr(const char *s);
Ipv4Prefix tu_prefix(const char *s);
/* A path under the source tree ($VPNSIM_TOP, or the current directory). g_free it. */
char *tu_top_path(const char *rel);

/* A classic pcap in memory (LINKTYPE_RAW: IPv4 packets, host byte order as its magic), for
 * tests that hand tshark what two engines said to each other. */
GByteArray *tu_pcap_new(void);
/* A UDP datagram as an IPv4 packet (TTL 64, header checksum set, UDP checksum 0: none,
 * as IPv4 allows), *len bytes; g_free it. */
uint8_t *tu_ipv4_udp(Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                     const uint8_t *p, size_t n, size_t *len);
/* One UDP datagram as an IPv4 packet (tu_ipv4_udp) appended to the pcap. */
void tu_pcap_put_udp(GByteArray *pc, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                     uint16_t dport, const uint8_t *p, size_t n);
/* tshark -n -r PCAP, then each of opts (NULL-terminated; "-o" rows, "-V", ...); its
 * standard output, g_free it. Aborts the test when tshark cannot run or fails. */
char *tu_tshark(const char *pcap, const char *const *opts);
/* How many times needle occurs in hay (overlapping ones too). */
unsigned tu_count(const char *hay, const char *needle);

/* A hex fixture as an owned buffer (g_free); aborts the test on bad hex. */
uint8_t *tu_hex_dup(const char *hex, size_t *n);
/* One edit of a malformed-input case: the bytes of hex written at off. */
typedef struct {
  size_t off;
  const char *hex;
} TuPatch;
/* Applies up to n_patches edits to b[0..n), stopping at the first without hex; each must
 * fit inside the buffer. */
void tu_apply_patches(uint8_t *b, size_t n, const TuPatch *patches, size_t n_patches);
