/* SPDX-License-Identifier: MIT */
/* Tests of duration and rate parsing, including overflow and malformed input, and of the
 * hex helpers. */
#include "models/common/hex.h"
#include "models/common/units.h"

#include <glib.h>

static void test_durations(void)
{
  static const struct {
    const char *s;
    gboolean ok;
    int64_t ns;
  } cases[] = {
      {"0", TRUE, 0},
      {"27000", TRUE, 27000000000000},
      {"1.5s", TRUE, 1500000000},
      {"250ms", TRUE, 250000000},
      {"10us", TRUE, 10000},
      {"7ns", TRUE, 7},
      {"2m", TRUE, 120000000000},
      {"8h", TRUE, 28800000000000},
      {"1d", TRUE, 86400000000000},
      {"0.000000001s", TRUE, 1},
      {"0.0000000001s", FALSE, 0}, /* more than 9 decimals */
      {"1.5ns", TRUE, 1},          /* truncated below a nanosecond */
      {"-1s", FALSE, 0},
      {"1.s", FALSE, 0},
      {".5s", FALSE, 0},
      {"5 s", FALSE, 0},
      {"5sec", FALSE, 0},
      {"", FALSE, 0},
      {"s", FALSE, 0},
      {"9223372036854775807ns", TRUE, INT64_MAX},
      {"9223372036854775808ns", FALSE, 0},
      {"99999999999999999999", FALSE, 0},
      {"10000000000000d", FALSE, 0},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    int64_t ns = -1;
    g_test_message("'%s'", cases[i].s);
    g_assert_cmpint(units_parse_duration(cases[i].s, &ns), ==, cases[i].ok);
    if (cases[i].ok)
      g_assert_cmpint(ns, ==, cases[i].ns);
  }
  g_assert_false(units_parse_duration(NULL, &(int64_t){0}));
}

static void test_rates(void)
{
  uint64_t bps;
  g_assert_true(units_parse_rate("650Mbps", &bps));
  g_assert_cmpuint(bps, ==, 650000000);
  g_assert_true(units_parse_rate("1.25Gbps", &bps));
  g_assert_cmpuint(bps, ==, 1250000000);
  g_assert_true(units_parse_rate("64kbps", &bps));
  g_assert_cmpuint(bps, ==, 64000);
  g_assert_true(units_parse_rate("100", &bps));
  g_assert_cmpuint(bps, ==, 100);
  g_assert_false(units_parse_rate("fast", &bps));
  g_assert_false(units_parse_rate("10MBps", &bps));
  g_assert_false(units_parse_rate("100000000000000Gbps", &bps));
}

static void test_format(void)
{
  char buf[32];
  g_assert_cmpstr(units_format_duration(0, buf, sizeof buf), ==, "0s");
  g_assert_cmpstr(units_format_duration(28800000000000, buf, sizeof buf), ==, "8h");
  g_assert_cmpstr(units_format_duration(1500000000, buf, sizeof buf), ==, "1500ms");
  g_assert_cmpstr(units_format_duration(90000000000, buf, sizeof buf), ==, "90s");
  g_assert_cmpstr(units_format_duration(7, buf, sizeof buf), ==, "7ns");
}

static void test_hex(void)
{
  char out[9];
  g_assert_cmpstr(hex_encode("\x00\xab\xcd\xff", 4, out), ==, "00abcdff");
  size_t n;
  g_autofree uint8_t *b = hex_decode("00 AB:cd\nff", &n);
  g_assert_nonnull(b);
  g_assert_cmpuint(n, ==, 4);
  g_assert_cmpmem(b, 4, "\x00\xab\xcd\xff", 4);
  g_assert_null(hex_decode("abc", &n));  /* odd */
  g_assert_null(hex_decode("a bc", &n)); /* split nibble */
  g_assert_null(hex_decode("zz", &n));
  g_autofree uint8_t *e = hex_decode("", &n);
  g_assert_nonnull(e);
  g_assert_cmpuint(n, ==, 0);
  g_autofree char *d = hex_dup("\x01\x02", 2);
  g_assert_cmpstr(d, ==, "0102");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/units/durations", test_durations);
  g_test_add_func("/units/rates", test_rates);
  g_test_add_func("/units/format", test_format);
  g_test_add_func("/units/hex", test_hex);
  return g_test_run();
}
