/* SPDX-License-Identifier: MIT */
/* Tests of the located accessors both loaders share: each finding is a typed record with
 * the context's ID at the node's line:col, and its message as printed. */
#include "sim/scenario/yaccess.h"

#include <glib.h>
#include <string.h>

NAME_TABLE(kinds, "VPN type", {0, "RouteBased"}, {1, "PolicyBased"});

static YtDoc *load(const char *text)
{
  g_autoptr(GError) err = NULL;
  YtDoc *doc = yt_load_string("t.yaml", text, strlen(text), yt_error_sink(&err));
  g_assert_no_error(err);
  return doc;
}

/* record i is ID at line:col with that message */
static void assert_diag(const VsDiags *d, size_t i, const char *id, unsigned line, unsigned col,
                        const char *message)
{
  g_assert_cmpuint(i, <, vs_diags_len(d));
  const VsDiag *r = vs_diags_get(d, i);
  g_assert_cmpstr(r->id, ==, id);
  g_assert_cmpint(r->severity, ==, VS_SEV_ERROR);
  g_assert_cmpstr(r->loc.file, ==, "t.yaml");
  g_assert_cmpuint(r->loc.line, ==, line);
  g_assert_cmpuint(r->loc.col, ==, col);
  g_assert_cmpstr(r->message, ==, message);
}

static void test_checks(void)
{
  g_autoptr(YtDoc) doc = load("gw:\n"
                              "  vpntype: RouteBased\n"
                              "  sku: VpnGw1\n"
                              "  asn: 65515x\n"
                              "  big: 70000\n"
                              "  bgp: yes\n"
                              "  ok: true\n"
                              "  quoted: '12'\n"
                              "  zzz: 1\n"
                              "  empty: ''\n");
  g_autoptr(VsDiags) d = vs_diags_new();
  YaCtx a = {doc, "T-FMT-001", d};
  YtNode *gw = yt_map_get(doc->root, "gw");
  static const char *const allowed[] = {"vpnType", "sku",    "asn",   "big", "bgp",
                                        "ok",      "quoted", "empty", NULL};
  g_assert_false(ya_keys(&a, gw, allowed));
  g_assert_cmpuint(vs_diags_len(d), ==, 2);
  assert_diag(d, 0, "T-FMT-001", 2, 3, "unknown key 'vpntype' (did you mean 'vpnType'?)");
  assert_diag(d, 1, "T-FMT-001", 9, 3, "unknown key 'zzz'");
  g_autofree char *line = vs_diag_format(vs_diags_get(d, 0));
  g_assert_cmpstr(line, ==,
                  "t.yaml:2:3: error T-FMT-001: unknown key 'vpntype' (did you mean 'vpnType'?)");

  g_autoptr(VsDiags) d2 = vs_diags_new();
  a.diags = d2;
  int64_t v;
  g_assert_false(ya_int(&a, yt_map_get(gw, "asn"), "asn", 1, 4294967295, &v));
  g_assert_false(ya_int(&a, yt_map_get(gw, "big"), "port", 0, 65535, &v));
  g_assert_false(ya_int(&a, yt_map_get(gw, "quoted"), "n", 0, 99, &v));
  g_assert_true(ya_int(&a, yt_map_get(gw, "big"), "n", 0, 99999, &v));
  g_assert_cmpint(v, ==, 70000);
  bool b;
  g_assert_false(ya_bool(&a, yt_map_get(gw, "bgp"), "enableBgp", &b));
  g_assert_true(ya_bool(&a, yt_map_get(gw, "ok"), "ok", &b));
  g_assert_true(b);
  const char *s;
  g_assert_false(ya_scalar(&a, gw, "gateway name", &s));
  g_assert_true(ya_scalar(&a, yt_map_get(gw, "empty"), "empty", &s)); /* empty is a scalar */
  g_assert_false(ya_str(&a, yt_map_get(gw, "empty"), "name", &s));    /* but not a name */
  g_assert_null(ya_need(&a, gw, "name", "gateway"));
  g_assert_false(ya_kind(&a, NULL, YT_SEQ, "list"));
  g_assert_cmpuint(vs_diags_len(d2), ==, 8);
  assert_diag(d2, 0, "T-FMT-001", 4, 8, "asn must be an integer, not '65515x'");
  assert_diag(d2, 1, "T-FMT-001", 5, 8, "port must be between 0 and 65535, not 70000");
  assert_diag(d2, 2, "T-FMT-001", 8, 11, "n must be an integer, not '12'");
  assert_diag(d2, 3, "T-FMT-001", 6, 8, "enableBgp must be true or false, not 'yes'");
  assert_diag(d2, 4, "T-FMT-001", 2, 3, "gateway name must be a scalar, not a mapping");
  assert_diag(d2, 5, "T-FMT-001", 10, 10, "name is empty");
  assert_diag(d2, 6, "T-FMT-001", 2, 3, "gateway: missing key 'name'");
  assert_diag(d2, 7, "T-FMT-001", 1, 1, "list must be a sequence, not a missing value");
}

static void test_values(void)
{
  g_autoptr(YtDoc) doc = load("ip: 10.0.0.300\n"
                              "pfx: 10.1.2.3/16\n"
                              "list: [10.0.0.0/8, bad, 192.168.0.0/24, 172.16.0.0/12]\n"
                              "one: 10.2.0.0/16\n"
                              "kind: Routebased\n"
                              "t: 90s\n"
                              "t2: 1500ms\n"
                              "rate: fast\n"
                              "loss: 5%\n"
                              "loss2: 2\n");
  g_autoptr(VsDiags) d = vs_diags_new();
  YaCtx a = {doc, "T-FMT-001", d};
  const YtNode *r = doc->root;
  Ipv4Addr ip;
  Ipv4Prefix p, arr[2];
  VsLoc locs[2];
  unsigned n = 7;
  g_assert_false(ya_ip(&a, yt_map_get(r, "ip"), "ip", &ip));
  g_assert_false(ya_prefix(&a, yt_map_get(r, "pfx"), "pfx", &p));
  ya_prefixes(&a, yt_map_get(r, "list"), "list", arr, locs, &n, 2);
  g_assert_cmpuint(n, ==, 2); /* replaced, the bad one skipped, the fourth over the cap */
  g_assert_cmpuint(locs[1].line, ==, 3);
  g_assert_cmpuint(locs[1].col, ==, 25);
  ya_prefixes(&a, yt_map_get(r, "one"), "one", arr, NULL, &n, 2);
  g_assert_cmpuint(n, ==, 1);
  int k;
  g_assert_false(ya_enum(&a, yt_map_get(r, "kind"), "vpnType", &kinds, &k));
  int64_t ns;
  uint32_t sec;
  uint64_t bps;
  double ratio;
  g_assert_true(ya_duration(&a, yt_map_get(r, "t"), "t", &ns));
  g_assert_cmpint(ns, ==, 90 * (int64_t)1000000000);
  g_assert_true(ya_seconds(&a, yt_map_get(r, "t"), "t", &sec));
  g_assert_cmpuint(sec, ==, 90);
  g_assert_false(ya_seconds(&a, yt_map_get(r, "t2"), "t2", &sec));
  g_assert_false(ya_rate(&a, yt_map_get(r, "rate"), "rate", &bps));
  g_assert_true(ya_ratio(&a, yt_map_get(r, "loss"), "loss", &ratio));
  g_assert_cmpfloat(ratio, ==, 0.05);
  g_assert_false(ya_ratio(&a, yt_map_get(r, "loss2"), "loss", &ratio));
  ya_report(&a, "T-REF-001", yt_map_get(r, "one"), "other ID %d", 2);
  size_t i = 0;
  assert_diag(d, i++, "T-FMT-001", 1, 5,
              "ip '10.0.0.300' is not an IPv4 address (octet out of range or with a leading zero)");
  assert_diag(d, i++, "T-FMT-001", 2, 6,
              "pfx '10.1.2.3/16' has host bits set (did you mean '10.1.0.0/16'?)");
  assert_diag(d, i++, "T-FMT-001", 3, 20, "list 'bad' is not an IPv4 prefix a.b.c.d/len "
                                          "(not an IPv4 address)");
  assert_diag(d, i++, "T-FMT-001", 3, 41, "list: more than 2 entries");
  assert_diag(d, i++, "T-FMT-001", 5, 7,
              "vpnType 'Routebased' is not one of RouteBased, PolicyBased (did you mean "
              "'RouteBased'?)");
  assert_diag(d, i++, "T-FMT-001", 7, 5, "t2 '1500ms' must be a whole number of seconds");
  assert_diag(d, i++, "T-FMT-001", 8, 7,
              "rate 'fast' is not a rate such as 64kbps, 100Mbps or 1Gbps");
  assert_diag(d, i++, "T-FMT-001", 10, 8,
              "loss '2' is not a fraction from 0 to 1 (or a percentage such as 5%)");
  assert_diag(d, i++, "T-REF-001", 4, 6, "other ID 2");
  g_assert_cmpuint(vs_diags_len(d), ==, i);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/yaccess/checks", test_checks);
  g_test_add_func("/yaccess/values", test_values);
  return g_test_run();
}
