/* SPDX-License-Identifier: MIT */
/* Tests of IPv4 addresses, prefixes and ranges: strict parsing, the /0 and /32 edges,
 * containment, overlap and ordering. */
#include "models/common/ipv4.h"
#include "tests/lib/testutil.h"

#include <glib.h>

static void test_addr_parse(void)
{
  static const struct {
    const char *s;
    Ipv4ParseError e;
    uint32_t v;
  } cases[] = {
      {"0.0.0.0", IPV4_PARSE_OK, 0},
      {"255.255.255.255", IPV4_PARSE_OK, 0xffffffff},
      {"10.1.2.3", IPV4_PARSE_OK, 0x0a010203},
      {"192.168.0.1", IPV4_PARSE_OK, 0xc0a80001},
      {"256.0.0.1", IPV4_PARSE_OCTET, 0},
      {"1.2.3.999", IPV4_PARSE_OCTET, 0},
      {"1.2.3.1000", IPV4_PARSE_OCTET, 0},
      {"010.0.0.1", IPV4_PARSE_OCTET, 0}, /* octal to inet_aton: refused */
      {"1.2.3.00", IPV4_PARSE_OCTET, 0},
      {"1.2.3", IPV4_PARSE_SYNTAX, 0},
      {"1.2.3.4.5", IPV4_PARSE_SYNTAX, 0},
      {"1..3.4", IPV4_PARSE_SYNTAX, 0},
      {" 1.2.3.4", IPV4_PARSE_SYNTAX, 0},
      {"1.2.3.4 ", IPV4_PARSE_SYNTAX, 0},
      {"1.2.3.-4", IPV4_PARSE_SYNTAX, 0},
      {"a.b.c.d", IPV4_PARSE_SYNTAX, 0},
      {"", IPV4_PARSE_SYNTAX, 0},
      {"1.2.3.4/32", IPV4_PARSE_SYNTAX, 0},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    Ipv4Addr a = {0xdeadbeef};
    g_test_message("'%s'", cases[i].s);
    g_assert_cmpint(ipv4_addr_parse(cases[i].s, &a), ==, cases[i].e);
    if (cases[i].e == IPV4_PARSE_OK)
      g_assert_cmphex(a.v, ==, cases[i].v);
    else
      g_assert_cmphex(a.v, ==, 0xdeadbeef); /* untouched on error */
  }
  Ipv4Addr a;
  g_assert_cmpint(ipv4_addr_parse(NULL, &a), ==, IPV4_PARSE_SYNTAX);
}

static void test_addr_format(void)
{
  char buf[IPV4_ADDR_STRLEN];
  g_assert_cmpstr(ipv4_addr_format(ipv4_addr(255, 255, 255, 255), buf), ==, "255.255.255.255");
  g_assert_cmpstr(ipv4_addr_format(ipv4_addr(0, 0, 0, 0), buf), ==, "0.0.0.0");
  g_assert_cmpstr(ipv4_addr_format(ipv4_addr(10, 20, 30, 40), buf), ==, "10.20.30.40");
}

static void test_prefix_parse(void)
{
  static const struct {
    const char *s;
    Ipv4ParseError e;
    const char *norm;
  } cases[] = {
      {"0.0.0.0/0", IPV4_PARSE_OK, "0.0.0.0/0"},
      {"10.0.0.0/8", IPV4_PARSE_OK, "10.0.0.0/8"},
      {"10.1.2.3/32", IPV4_PARSE_OK, "10.1.2.3/32"},
      {"255.255.255.255/32", IPV4_PARSE_OK, "255.255.255.255/32"},
      {"10.1.2.3/8", IPV4_PARSE_HOST_BITS, "10.0.0.0/8"},
      {"1.2.3.4/0", IPV4_PARSE_HOST_BITS, "0.0.0.0/0"},
      {"10.0.0.0/33", IPV4_PARSE_LENGTH, NULL},
      {"10.0.0.0/", IPV4_PARSE_LENGTH, NULL},
      {"10.0.0.0", IPV4_PARSE_LENGTH, NULL},
      {"10.0.0.0/08", IPV4_PARSE_LENGTH, NULL},
      {"10.0.0.0/8x", IPV4_PARSE_SYNTAX, NULL},
      {"10.0.0.0/8/8", IPV4_PARSE_SYNTAX, NULL},
      {"10.0.0/8", IPV4_PARSE_SYNTAX, NULL},
      {"300.0.0.0/8", IPV4_PARSE_OCTET, NULL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    Ipv4Prefix p;
    char buf[IPV4_PREFIX_STRLEN];
    g_test_message("'%s'", cases[i].s);
    g_assert_cmpint(ipv4_prefix_parse(cases[i].s, &p), ==, cases[i].e);
    if (cases[i].norm)
      g_assert_cmpstr(ipv4_prefix_format(p, buf), ==, cases[i].norm);
  }
}

static void test_mask_and_bounds(void)
{
  g_assert_cmphex(ipv4_mask(0), ==, 0);
  g_assert_cmphex(ipv4_mask(1), ==, 0x80000000);
  g_assert_cmphex(ipv4_mask(24), ==, 0xffffff00);
  g_assert_cmphex(ipv4_mask(31), ==, 0xfffffffe);
  g_assert_cmphex(ipv4_mask(32), ==, 0xffffffff);
  g_assert_cmphex(ipv4_mask(40), ==, 0xffffffff);
  g_assert_cmpuint(ipv4_prefix_size(tu_prefix("0.0.0.0/0")), ==, 4294967296ull);
  g_assert_cmpuint(ipv4_prefix_size(tu_prefix("1.2.3.4/32")), ==, 1);
  g_assert_cmpuint(ipv4_prefix_size(tu_prefix("10.0.0.0/29")), ==, 8);
  g_assert_cmphex(ipv4_prefix_first(tu_prefix("0.0.0.0/0")).v, ==, 0);
  g_assert_cmphex(ipv4_prefix_last(tu_prefix("0.0.0.0/0")).v, ==, 0xffffffff);
  g_assert_cmphex(ipv4_prefix_last(tu_prefix("10.1.0.0/16")).v, ==, 0x0a01ffff);
  g_assert_cmphex(ipv4_prefix_last(tu_prefix("10.1.2.3/32")).v, ==, 0x0a010203);
  Ipv4Prefix odd = {.addr = tu_addr("10.1.2.3"), .len = 16};
  g_assert_false(ipv4_prefix_is_normal(odd));
  g_assert_true(ipv4_prefix_is_normal(ipv4_prefix_make(odd.addr, 16)));
  g_assert_cmpuint(ipv4_prefix_make(odd.addr, 99).len, ==, 32);
}

static void test_contains_overlaps(void)
{
  Ipv4Prefix all = tu_prefix("0.0.0.0/0"), ten = tu_prefix("10.0.0.0/8"), sub = tu_prefix("10.1.0.0/16");
  Ipv4Prefix host = tu_prefix("10.1.2.3/32"), other = tu_prefix("192.168.0.0/16");
  g_assert_true(ipv4_prefix_contains_addr(all, tu_addr("255.255.255.255")));
  g_assert_true(ipv4_prefix_contains_addr(host, tu_addr("10.1.2.3")));
  g_assert_false(ipv4_prefix_contains_addr(host, tu_addr("10.1.2.4")));
  g_assert_true(ipv4_prefix_contains(all, ten));
  g_assert_true(ipv4_prefix_contains(ten, sub));
  g_assert_true(ipv4_prefix_contains(sub, host));
  g_assert_true(ipv4_prefix_contains(host, host));
  g_assert_false(ipv4_prefix_contains(sub, ten));
  g_assert_false(ipv4_prefix_contains(ten, other));
  g_assert_true(ipv4_prefix_overlaps(ten, sub));
  g_assert_true(ipv4_prefix_overlaps(sub, ten));
  g_assert_true(ipv4_prefix_overlaps(all, host));
  g_assert_false(ipv4_prefix_overlaps(ten, other));
  g_assert_false(ipv4_prefix_overlaps(tu_prefix("10.0.0.0/25"), tu_prefix("10.0.0.128/25")));
  g_assert_true(ipv4_prefix_overlaps(tu_prefix("10.0.0.0/24"), tu_prefix("10.0.0.128/25")));
}

static void test_compare(void)
{
  g_assert_cmpint(ipv4_prefix_compare(tu_prefix("10.0.0.0/8"), tu_prefix("10.0.0.0/16")), <, 0);
  g_assert_cmpint(ipv4_prefix_compare(tu_prefix("10.0.0.0/16"), tu_prefix("10.0.0.0/8")), >, 0);
  g_assert_cmpint(ipv4_prefix_compare(tu_prefix("9.0.0.0/8"), tu_prefix("10.0.0.0/8")), <, 0);
  g_assert_cmpint(ipv4_prefix_compare(tu_prefix("0.0.0.0/0"), tu_prefix("0.0.0.0/0")), ==, 0);
  g_assert_cmpint(ipv4_prefix_compare(tu_prefix("255.255.255.255/32"), tu_prefix("0.0.0.0/0")), >, 0);
  g_assert_true(ipv4_prefix_equal(tu_prefix("10.0.0.0/8"), tu_prefix("10.0.0.0/8")));
  /* compare looks at the network, so an un-normalised prefix equals its normal form */
  Ipv4Prefix odd = {.addr = tu_addr("10.1.2.3"), .len = 8};
  g_assert_true(ipv4_prefix_equal(odd, tu_prefix("10.0.0.0/8")));
}

static void test_ranges(void)
{
  Ipv4Range r = ipv4_range_from_prefix(tu_prefix("10.0.0.0/24"));
  g_assert_cmphex(r.first.v, ==, 0x0a000000);
  g_assert_cmphex(r.last.v, ==, 0x0a0000ff);
  g_assert_true(ipv4_range_contains_addr(r, tu_addr("10.0.0.255")));
  g_assert_false(ipv4_range_contains_addr(r, tu_addr("10.0.1.0")));
  Ipv4Range any = ipv4_range_from_prefix(tu_prefix("0.0.0.0/0"));
  g_assert_true(ipv4_range_contains(any, r));
  g_assert_false(ipv4_range_contains(r, any));
  Ipv4Range x = {tu_addr("10.0.0.100"), tu_addr("10.0.1.50")}, out;
  g_assert_true(ipv4_range_overlaps(r, x));
  g_assert_true(ipv4_range_intersect(r, x, &out));
  g_assert_cmphex(out.first.v, ==, 0x0a000064);
  g_assert_cmphex(out.last.v, ==, 0x0a0000ff);
  Ipv4Range far = {tu_addr("11.0.0.0"), tu_addr("11.0.0.1")};
  g_assert_false(ipv4_range_intersect(r, far, &out));
  Ipv4Range backwards = {tu_addr("10.0.0.5"), tu_addr("10.0.0.1")};
  g_assert_false(ipv4_range_overlaps(backwards, any));
  g_assert_false(ipv4_range_contains(any, backwards));

  Ipv4Prefix p;
  char buf[IPV4_PREFIX_STRLEN];
  g_assert_true(ipv4_range_to_prefix(any, &p));
  g_assert_cmpstr(ipv4_prefix_format(p, buf), ==, "0.0.0.0/0");
  g_assert_true(ipv4_range_to_prefix(r, &p));
  g_assert_cmpstr(ipv4_prefix_format(p, buf), ==, "10.0.0.0/24");
  g_assert_true(ipv4_range_to_prefix((Ipv4Range){tu_addr("1.2.3.4"), tu_addr("1.2.3.4")}, &p));
  g_assert_cmpstr(ipv4_prefix_format(p, buf), ==, "1.2.3.4/32");
  g_assert_false(ipv4_range_to_prefix(x, &p));                                   /* not a power of 2 */
  g_assert_false(ipv4_range_to_prefix((Ipv4Range){tu_addr("10.0.0.1"), tu_addr("10.0.0.2")}, &p)); /* unaligned */
  g_assert_false(ipv4_range_to_prefix(backwards, &p));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ipv4/addr-parse", test_addr_parse);
  g_test_add_func("/ipv4/addr-format", test_addr_format);
  g_test_add_func("/ipv4/prefix-parse", test_prefix_parse);
  g_test_add_func("/ipv4/mask-and-bounds", test_mask_and_bounds);
  g_test_add_func("/ipv4/contains-overlaps", test_contains_overlaps);
  g_test_add_func("/ipv4/compare", test_compare);
  g_test_add_func("/ipv4/ranges", test_ranges);
  return g_test_run();
}
