/* SPDX-License-Identifier: MIT */
/* Tests of live mode's command-line side: --attach NODE=IFNAME parsing (a table of
 * malformed values) and the checks against the plan (unknown device, twice attached). */
#include "sim/run/live.h"
#include "sim/scenario/scenario.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

static void test_parse(void)
{
  static const struct {
    const char *arg;
    bool ok;
    const char *device, *ifname;
  } cases[] = {
      {"site1-vpn=tap0", true, "site1-vpn", "tap0"},
      {"a=b", true, "a", "b"},
      {"a=123456789012345", true, "a", "123456789012345"}, /* 15 bytes: IFNAMSIZ - 1 */
      {"a=1234567890123456", false, NULL, NULL},            /* 16 bytes: too long */
      {"site1-vpn", false, NULL, NULL},                     /* no '=' */
      {"=tap0", false, NULL, NULL},                         /* no node */
      {"site1-vpn=", false, NULL, NULL},                    /* no interface */
      {"a=x/y", false, NULL, NULL},                         /* not an interface name */
      {"a=b=c", false, NULL, NULL},
      {"", false, NULL, NULL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *s = g_strdup(cases[i].arg);
    ScnLiveAttach a = {0};
    bool ok = scn_live_parse_attach(s, &a);
    g_test_message("'%s' -> %d", cases[i].arg, ok);
    g_assert_cmpint(ok, ==, cases[i].ok);
    if (ok) {
      g_assert_cmpstr(a.device, ==, cases[i].device);
      g_assert_cmpstr(a.ifname, ==, cases[i].ifname);
    }
  }
  g_assert_false(scn_live_parse_attach(NULL, &(ScnLiveAttach){0}));
}

static void test_check(void)
{
  g_autofree char *path = tu_top_path("scenarios/live/strongswan-s2s.yaml");
  g_autoptr(GError) err = NULL;
  g_autoptr(GwDiags) diags = gw_diags_new();
  g_autoptr(ScnPlan) plan = scn_plan_load_file(path, NULL, diags, &err);
  g_assert_no_error(err);
  g_assert_cmpuint(gw_diags_count(diags, GW_SEV_ERROR), ==, 0);

  ScnLive live = {.attach = {{"site1-vpn", "tap0"}}, .n_attach = 1};
  char *why = NULL;
  g_assert_true(scn_live_check(&live, plan, &why));
  g_assert_null(why);

  live.attach[0].device = "site2-vpn";
  g_assert_false(scn_live_check(&live, plan, &why));
  g_assert_nonnull(strstr(why, "no device 'site2-vpn' (its devices: site1-vpn)"));
  g_free(why);

  live.attach[0].device = "site1-vpn";
  live.attach[1] = (ScnLiveAttach){"site1-vpn", "tap1"};
  live.n_attach = 2;
  g_assert_false(scn_live_check(&live, plan, &why));
  g_assert_nonnull(strstr(why, "attached twice"));
  g_free(why);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/live/parse-attach", test_parse);
  g_test_add_func("/live/check", test_check);
  return g_test_run();
}
