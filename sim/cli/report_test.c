/* SPDX-License-Identifier: MIT */
/* Tests of the report writers on fixed results: text, TAP, JUnit and JSON pinned byte for
 * byte; the JUnit XML parsed back with GMarkup, the JSON with a strict checker, and the
 * TAP consumed by prove (when prove is installed: it is part of the build dependencies). */
#include "sim/cli/report.h"
#include "tests/lib/tu_json.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

static ScnResults *results(void)
{
  ScnResults *r = g_new0(ScnResults, 1);
  r->scenario = "demo";
  r->file = "demo.yaml";
  r->seed = 42;
  r->items = g_new0(ScnResult, 2);
  r->n = 2;
  r->items[0] = (ScnResult){.index = 1, .loc = {"demo.yaml", 80, 5}, .kind = "tunnel",
                            .pass = true, .name = g_strdup("tunnel c1 is connected by 10s"),
                            .expected = g_strdup("connected"),
                            .observed = g_strdup("connected"),
                            .decided_by = g_strdup("event #4 at 2.080000000s: tunnel.up on vgw1/0"),
                            .event_seq = 4};
  r->items[1] = (ScnResult){.index = 2, .loc = {"demo.yaml", 88, 5}, .kind = "ping",
                            .pass = false,
                            .name = g_strdup("ping p1: successRatio >= 0.95 # <&> \"q\""),
                            .expected = g_strdup("successRatio >= 0.95"),
                            .observed = g_strdup("successRatio 0.75 (3/4)\nsecond line"),
                            .decided_by = g_strdup("event #11 at 13.000000000s: ping.sent on vm1"),
                            .event_seq = 11};
  return r;
}

static const char text_expected[] =
    "scenario demo (seed 42)\n"
    "PASS 1. tunnel c1 is connected by 10s\n"
    "       expected: connected\n"
    "       observed: connected\n"
    "     decided by: event #4 at 2.080000000s: tunnel.up on vgw1/0\n"
    "        defined: demo.yaml:80:5\n"
    "FAIL 2. ping p1: successRatio >= 0.95 # <&> \"q\"\n"
    "       expected: successRatio >= 0.95\n"
    "       observed: successRatio 0.75 (3/4)\nsecond line\n"
    "     decided by: event #11 at 13.000000000s: ping.sent on vm1\n"
    "        defined: demo.yaml:88:5\n"
    "2 expectations: 1 passed, 1 failed\n";

static const char tap_expected[] =
    "TAP version 13\n"
    "1..2\n"
    "ok 1 - tunnel c1 is connected by 10s\n"
    "#   expected: connected\n"
    "#   observed: connected\n"
    "#   decided by: event #4 at 2.080000000s: tunnel.up on vgw1/0\n"
    "#   defined at: demo.yaml:80:5\n"
    "not ok 2 - ping p1: successRatio >= 0.95 _ <&> \"q\"\n"
    "#   expected: successRatio >= 0.95\n"
    "#   observed: successRatio 0.75 (3/4) second line\n"
    "#   decided by: event #11 at 13.000000000s: ping.sent on vm1\n"
    "#   defined at: demo.yaml:88:5\n";

static const char junit_expected[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<testsuites name=\"vpnsim\" tests=\"2\" failures=\"1\" errors=\"0\">\n"
    "  <testsuite name=\"demo\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">\n"
    "    <properties>\n"
    "      <property name=\"file\" value=\"demo.yaml\"/>\n"
    "      <property name=\"seed\" value=\"42\"/>\n"
    "    </properties>\n"
    "    <testcase classname=\"demo.tunnel\" name=\"1. tunnel c1 is connected by 10s\">\n"
    "      <system-out>expected: connected\nobserved: connected\n"
    "decided by: event #4 at 2.080000000s: tunnel.up on vgw1/0\n"
    "defined at: demo.yaml:80:5</system-out>\n"
    "    </testcase>\n"
    "    <testcase classname=\"demo.ping\" name=\"2. ping p1: successRatio &gt;= 0.95 # "
    "&lt;&amp;&gt; &quot;q&quot;\">\n"
    "      <failure message=\"expected successRatio &gt;= 0.95, observed successRatio 0.75 "
    "(3/4)&#10;second line\" type=\"expectation\">expected: successRatio &gt;= 0.95\n"
    "observed: successRatio 0.75 (3/4)\nsecond line\n"
    "decided by: event #11 at 13.000000000s: ping.sent on vm1\n"
    "defined at: demo.yaml:88:5</failure>\n"
    "    </testcase>\n"
    "  </testsuite>\n"
    "</testsuites>\n";

static const char json_expected[] =
    "{\n"
    "  \"scenario\": \"demo\",\n"
    "  \"file\": \"demo.yaml\",\n"
    "  \"seed\": 42,\n"
    "  \"total\": 2,\n"
    "  \"passed\": 1,\n"
    "  \"failed\": 1,\n"
    "  \"results\": [\n"
    "    {\n"
    "      \"index\": 1,\n"
    "      \"kind\": \"tunnel\",\n"
    "      \"name\": \"tunnel c1 is connected by 10s\",\n"
    "      \"pass\": true,\n"
    "      \"expected\": \"connected\",\n"
    "      \"observed\": \"connected\",\n"
    "      \"decidedBy\": \"event #4 at 2.080000000s: tunnel.up on vgw1/0\",\n"
    "      \"event\": 4,\n"
    "      \"definedAt\": \"demo.yaml:80:5\"\n"
    "    },\n"
    "    {\n"
    "      \"index\": 2,\n"
    "      \"kind\": \"ping\",\n"
    "      \"name\": \"ping p1: successRatio >= 0.95 # <&> \\\"q\\\"\",\n"
    "      \"pass\": false,\n"
    "      \"expected\": \"successRatio >= 0.95\",\n"
    "      \"observed\": \"successRatio 0.75 (3/4)\\nsecond line\",\n"
    "      \"decidedBy\": \"event #11 at 13.000000000s: ping.sent on vm1\",\n"
    "      \"event\": 11,\n"
    "      \"definedAt\": \"demo.yaml:88:5\"\n"
    "    }\n"
    "  ]\n"
    "}\n";

static void test_pinned(void)
{
  g_autoptr(ScnResults) r = results();
  g_autofree char *t = scn_report_text(r);
  g_autofree char *tap = scn_report_tap(r);
  g_autofree char *x = scn_report_junit(r);
  g_autofree char *j = scn_report_json(r);
  g_assert_cmpstr(t, ==, text_expected);
  g_assert_cmpstr(tap, ==, tap_expected);
  g_assert_cmpstr(x, ==, junit_expected);
  g_assert_cmpstr(j, ==, json_expected);
  /* the same results give the same bytes */
  g_autofree char *j2 = scn_report_format(r, SCN_REPORT_JSON);
  g_assert_cmpstr(j, ==, j2);
}

/* ---- JUnit parsed back ---- */

typedef struct {
  int suites, cases, failures;
  char *fail_attr;
  GString *failure_text;
  bool in_failure;
} Junit;

static void j_start(GMarkupParseContext *c, const char *el, const char **names,
                    const char **values, gpointer user, GError **err)
{
  Junit *j = user;
  if (!strcmp(el, "testsuite")) {
    j->suites++;
    for (int i = 0; names[i]; i++)
      if (!strcmp(names[i], "failures"))
        j->fail_attr = g_strdup(values[i]);
  } else if (!strcmp(el, "testcase")) {
    j->cases++;
  } else if (!strcmp(el, "failure")) {
    j->failures++;
    j->in_failure = true;
  }
}

static void j_end(GMarkupParseContext *c, const char *el, gpointer user, GError **err)
{
  if (!strcmp(el, "failure"))
    ((Junit *)user)->in_failure = false;
}

static void j_text(GMarkupParseContext *c, const char *text, gsize len, gpointer user,
                   GError **err)
{
  Junit *j = user;
  if (j->in_failure)
    g_string_append_len(j->failure_text, text, (gssize)len);
}

static void test_junit_parses(void)
{
  g_autoptr(ScnResults) r = results();
  g_autofree char *x = scn_report_junit(r);
  /* GMarkup does not take the XML declaration: skip it */
  const char *body = strstr(x, "?>\n") + 3;
  GMarkupParser p = {j_start, j_end, j_text, NULL, NULL};
  Junit j = {.failure_text = g_string_new(NULL)};
  GMarkupParseContext *ctx = g_markup_parse_context_new(&p, 0, &j, NULL);
  g_autoptr(GError) err = NULL;
  g_assert_true(g_markup_parse_context_parse(ctx, body, -1, &err) &&
                g_markup_parse_context_end_parse(ctx, &err));
  g_assert_no_error(err);
  g_markup_parse_context_free(ctx);
  g_assert_cmpint(j.suites, ==, 1);
  g_assert_cmpint(j.cases, ==, 2);
  g_assert_cmpint(j.failures, ==, 1);
  g_assert_cmpstr(j.fail_attr, ==, "1");
  /* the escaped text comes back as written */
  g_assert_nonnull(strstr(j.failure_text->str, "expected: successRatio >= 0.95\n"));
  g_free(j.fail_attr);
  g_string_free(j.failure_text, TRUE);
  /* and the parser rejects a broken document, so the check above can fail */
  GMarkupParseContext *bad = g_markup_parse_context_new(&p, 0, &j, NULL);
  j = (Junit){.failure_text = g_string_new(NULL)};
  g_assert_false(g_markup_parse_context_parse(bad, "<a><b></a>", -1, NULL));
  g_markup_parse_context_free(bad);
  g_string_free(j.failure_text, TRUE);
}

static void test_json_parses(void)
{
  g_autoptr(ScnResults) r = results();
  g_autofree char *j = scn_report_json(r);
  size_t at = 0;
  if (!tu_json_valid(j, strlen(j), &at))
    g_error("report.json is not JSON at %zu", at);
  /* no results: still JSON */
  ScnResults empty = {.scenario = "e"};
  g_autofree char *e = scn_report_json(&empty);
  g_assert_true(tu_json_valid(e, strlen(e), NULL));
  g_autofree char *et = scn_report_tap(&empty);
  g_assert_cmpstr(et, ==, "TAP version 13\n1..0\n");
}

/* prove reads the TAP: a passing report passes, a failing one fails. */
static int prove(const char *tap, char **out)
{
  g_autofree char *dir = g_dir_make_tmp("tap-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "report.tap", NULL);
  g_assert_true(g_file_set_contents(path, tap, -1, NULL));
  const char *argv[] = {"prove", "--exec", "cat", path, NULL};
  int status = -1;
  g_autoptr(GError) err = NULL;
  char *err_out = NULL;
  bool ran = g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out,
                          &err_out, &status, &err);
  g_free(err_out);
  g_unlink(path);
  g_rmdir(dir);
  if (!ran)
    return -1;
  return g_spawn_check_wait_status(status, NULL) ? 0 : 1;
}

static void test_prove(void)
{
  g_autofree char *where = g_find_program_in_path("prove");
  if (!where) {
    g_test_skip("prove is not installed");
    return;
  }
  g_autoptr(ScnResults) r = results();
  g_autofree char *tap = scn_report_tap(r);
  g_autofree char *out1 = NULL, *out2 = NULL;
  g_assert_cmpint(prove(tap, &out1), ==, 1);
  g_assert_nonnull(strstr(out1, "Failed 1/2 subtests"));
  r->items[1].pass = true;
  g_autofree char *tap2 = scn_report_tap(r);
  g_assert_cmpint(prove(tap2, &out2), ==, 0);
  g_assert_nonnull(strstr(out2, "All tests successful"));
}

static void test_write_all(void)
{
  g_autoptr(ScnResults) r = results();
  g_autofree char *dir = g_dir_make_tmp("report-XXXXXX", NULL);
  g_autoptr(GError) err = NULL;
  g_assert_true(scn_report_write_all(r, dir, &err));
  static const char *const files[] = {"report.txt", "report.tap", "report.xml", "report.json"};
  const char *const want[] = {text_expected, tap_expected, junit_expected, json_expected};
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *p = g_build_filename(dir, files[i], NULL);
    g_autofree char *got = NULL;
    g_assert_true(g_file_get_contents(p, &got, NULL, NULL));
    g_assert_cmpstr(got, ==, want[i]);
    g_unlink(p);
  }
  g_rmdir(dir);
  g_assert_false(scn_report_write_all(r, dir, &err)); /* the folder is gone */
  g_assert_nonnull(err);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/report/pinned", test_pinned);
  g_test_add_func("/report/junit-parses", test_junit_parses);
  g_test_add_func("/report/json-parses", test_json_parses);
  g_test_add_func("/report/prove", test_prove);
  g_test_add_func("/report/write-all", test_write_all);
  return g_test_run();
}
