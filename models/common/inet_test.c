/* SPDX-License-Identifier: MIT */
/* Tests of the Internet checksum (RFC 1071 worked example), the IPv4 header codec with
 * its truncation sweep and malformed table, and the UDP and ICMP builders. */
#include "models/common/inet.h"
#include "tests/lib/testutil.h"

#include <glib.h>

static void test_checksum(void)
{
  /* RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (one's complement
   * sum), so the checksum is ~ddf2 = 220d. */
  static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  g_assert_cmphex(inet_checksum_add(0, b, sizeof b), ==, 0xddf2);
  g_assert_cmphex(inet_checksum(b, sizeof b), ==, 0x220d);
  /* chaining gives the same result as one pass; an odd tail is padded with zero */
  uint32_t s = inet_checksum_add(inet_checksum_add(0, b, 4), b + 4, 4);
  g_assert_cmphex(inet_checksum_fold(s), ==, 0x220d);
  static const uint8_t odd[] = {0x01};
  g_assert_cmphex(inet_checksum(odd, 1), ==, 0xfeff);
  g_assert_cmphex(inet_checksum(NULL, 0), ==, 0xffff);
}

/* A captured IPv4 header (Wikipedia's worked example, commonly used): 4500 0073 0000 4000
 * 4011 b861 c0a8 0001 c0a8 00c7, checksum b861. */
#define SAMPLE_HDR "45000073000040004011b861c0a80001c0a800c7"

static void test_ipv4_decode_known(void)
{
  g_autoptr(GString) hex = g_string_new(SAMPLE_HDR);
  for (int i = 0; i < 0x73 - 20; i++)
    g_string_append(hex, "00");
  g_autoptr(GBytes) pkt = tu_hex(hex->str);
  size_t n;
  const uint8_t *p = g_bytes_get_data(pkt, &n);
  WireReader r = wire_reader(p, n);
  InetIpv4Header h;
  g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, WIRE_OK);
  g_assert_cmpuint(h.ihl_bytes, ==, 20);
  g_assert_cmpuint(h.total_len, ==, 0x73);
  g_assert_true(h.df);
  g_assert_false(h.mf);
  g_assert_cmpuint(h.ttl, ==, 64);
  g_assert_cmpuint(h.proto, ==, INET_PROTO_UDP);
  g_assert_cmphex(h.checksum, ==, 0xb861);
  g_assert_cmphex(h.src.v, ==, 0xc0a80001);
  g_assert_cmphex(h.dst.v, ==, 0xc0a800c7);
  g_assert_true(inet_ipv4_checksum_ok(p, 20));
  g_assert_cmpuint(wire_offset(&r), ==, 20);
  /* re-encoding gives the same 20 bytes, checksum included */
  WireWriter w;
  wire_writer_init(&w);
  inet_ipv4_encode(&w, &h);
  tu_assert_hex(wire_writer_data(&w), wire_writer_len(&w), SAMPLE_HDR);
  wire_writer_clear(&w);
  /* a flipped bit breaks the checksum */
  g_autofree uint8_t *bad = g_memdup2(p, 20);
  bad[8] ^= 1;
  g_assert_false(inet_ipv4_checksum_ok(bad, 20));
}

static void test_ipv4_truncation_sweep(void)
{
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, ICMP_ECHO_REQUEST, ipv4_addr(10, 0, 0, 1), ipv4_addr(10, 0, 0, 2),
                        7, 1, 1, NULL, 32);
  size_t n = wire_writer_len(&w);
  for (size_t cut = 0; cut < n; cut++) {
    uint8_t *copy = g_memdup2(wire_writer_data(&w), cut);
    WireReader r = wire_reader(copy, cut);
    InetIpv4Header h;
    g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, WIRE_TRUNCATED);
    g_free(copy);
  }
  wire_writer_clear(&w);
}

static void test_ipv4_malformed(void)
{
  static const struct {
    const char *hex;
    WireStatus status;
    const char *field;
  } cases[] = {
      {"65000014000040004011000000000000000000000000", WIRE_MALFORMED, "version"},
      {"44000014000040004011000000000000000000000000", WIRE_MALFORMED, "IHL"},
      {"45000010000040004011000000000000000000000000", WIRE_MALFORMED, "total length"},
      {"45000040000040004011000000000000000000000000", WIRE_TRUNCATED, "total length"},
      {"4f000014000040004011000000000000000000000000", WIRE_MALFORMED, "total length"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GBytes) b = tu_hex(cases[i].hex);
    size_t n;
    const uint8_t *p = g_bytes_get_data(b, &n);
    WireReader r = wire_reader(p, n);
    InetIpv4Header h;
    g_test_message("case %zu", i);
    g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, cases[i].status);
    g_assert_cmpstr(r.diag.field, ==, cases[i].field);
  }
}

static void test_udp(void)
{
  /* 10.0.0.1:500 -> 10.0.0.2:500, payload "abc": checksum over pseudo-header + header +
   * data computed by hand: 0a00+0001+0a00+0002+0011+000b (pseudo) + 01f4+01f4+000b+0000
   * + 6162+6300 = 0xdc74 -> ~ = 0x238b */
  WireWriter w;
  wire_writer_init(&w);
  inet_udp_encode(&w, ipv4_addr(10, 0, 0, 1), ipv4_addr(10, 0, 0, 2), 500, 500, "abc", 3);
  tu_assert_hex(wire_writer_data(&w), wire_writer_len(&w), "01f4 01f4 000b 238b 616263");
  wire_writer_clear(&w);
  wire_writer_init(&w);
  static uint8_t big[70000];
  inet_udp_encode(&w, ipv4_addr(1, 1, 1, 1), ipv4_addr(2, 2, 2, 2), 1, 2, big, sizeof big);
  g_assert_false(wire_writer_ok(&w));
  wire_writer_clear(&w);
}

static void test_icmp(void)
{
  WireWriter w;
  wire_writer_init(&w);
  Ipv4Addr a = ipv4_addr(192, 168, 1, 10), b = ipv4_addr(10, 1, 1, 4);
  inet_icmp_echo_packet(&w, ICMP_ECHO_REQUEST, a, b, 0x1234, 0x42, 3, "ping", 4);
  const uint8_t *p = wire_writer_data(&w);
  g_assert_cmpuint(wire_writer_len(&w), ==, 32);
  g_assert_true(inet_ipv4_checksum_ok(p, 20));
  g_assert_cmphex(inet_checksum(p + 20, 12), ==, 0); /* ICMP checksum verifies */
  /* 0800+0042+0003+7069+6e67 = e715, checksum ~e715 = 18ea */
  tu_assert_hex(p + 20, 12, "0800 18ea 0042 0003 70696e67");

  /* frag-needed quotes the original header and 8 octets, to the original's source */
  WireWriter f;
  wire_writer_init(&f);
  inet_icmp_frag_needed_packet(&f, ipv4_addr(10, 1, 255, 4), 9, p, 32, 1400);
  const uint8_t *q = wire_writer_data(&f);
  WireReader r = wire_reader(q, wire_writer_len(&f));
  InetIpv4Header h;
  g_assert_cmpint(inet_ipv4_decode(&r, &h), ==, WIRE_OK);
  g_assert_cmphex(h.dst.v, ==, a.v);
  g_assert_cmpuint(h.proto, ==, INET_PROTO_ICMP);
  g_assert_cmpuint(h.total_len, ==, 20 + 8 + 28);
  g_assert_cmpuint(q[20], ==, 3);
  g_assert_cmpuint(q[21], ==, 4);
  g_assert_cmpuint(wire_load_be16(q + 26), ==, 1400);
  g_assert_cmpmem(q + 28, 28, p, 28);
  g_assert_cmphex(inet_checksum(q + 20, 36), ==, 0);
  wire_writer_clear(&f);
  /* nothing is sent about a packet that is not IPv4 */
  wire_writer_init(&f);
  inet_icmp_frag_needed_packet(&f, a, 1, (const uint8_t *)"\x60\x00", 2, 1400);
  g_assert_false(wire_writer_ok(&f));
  wire_writer_clear(&f);
  wire_writer_clear(&w);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/inet/checksum", test_checksum);
  g_test_add_func("/inet/ipv4-decode-known", test_ipv4_decode_known);
  g_test_add_func("/inet/ipv4-truncation-sweep", test_ipv4_truncation_sweep);
  g_test_add_func("/inet/ipv4-malformed", test_ipv4_malformed);
  g_test_add_func("/inet/udp", test_udp);
  g_test_add_func("/inet/icmp", test_icmp);
  return g_test_run();
}
