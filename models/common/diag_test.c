/* SPDX-License-Identifier: MIT */
/* Tests of the typed diagnostics: the list (add, count, stable sort by place), the sink,
 * and the two printed forms for every kind of location. */
#include "models/common/diag.h"

#include <glib.h>

static void test_list_and_sort(void)
{
  g_autoptr(VsDiags) d = vs_diags_new();
  vs_diags_add(d, "X-002", VS_SEV_WARNING, (VsLoc){"b.yaml", 1, 1}, "other file");
  vs_diags_add(d, "X-003", VS_SEV_ERROR, (VsLoc){"a.yaml", 9, 3}, "third %d", 3);
  vs_diags_add(d, "X-001", VS_SEV_ERROR, (VsLoc){"a.yaml", 2, 7}, "first");
  vs_diags_add(d, "X-004", VS_SEV_ERROR, (VsLoc){"a.yaml", 9, 3}, "fourth"); /* same place */
  vs_diags_add(d, "X-005", VS_SEV_ERROR, (VsLoc){"a.yaml", 9, 1}, "before");
  g_assert_cmpuint(vs_diags_len(d), ==, 5);
  g_assert_cmpuint(vs_diags_count(d, VS_SEV_ERROR), ==, 4);
  g_assert_cmpuint(vs_diags_count(d, VS_SEV_WARNING), ==, 1);
  vs_diags_sort(d);
  static const char *const order[] = {"X-001", "X-005", "X-003", "X-004", "X-002"};
  for (size_t i = 0; i < G_N_ELEMENTS(order); i++)
    g_assert_cmpstr(vs_diags_get(d, i)->id, ==, order[i]);
  g_assert_cmpstr(vs_diags_get(d, 2)->message, ==, "third 3");
  /* rule_id is the same field, by its older name */
  g_assert_true(vs_diags_get(d, 0)->rule_id == vs_diags_get(d, 0)->id);
  vs_diags_free(NULL);
}

static void test_formats(void)
{
  g_autoptr(VsDiags) d = vs_diags_new();
  vs_diags_add(d, "SCN-FMT-001", VS_SEV_ERROR, (VsLoc){"s.yaml", 4, 11}, "bad value");
  vs_diags_add(d, "GW-SKU-010", VS_SEV_WARNING, (VsLoc){"s.yaml", 30, 12}, "old SKU");
  vs_diags_add(d, "GW-X-001", VS_SEV_ERROR, (VsLoc){0}, "built in code");
  vs_diags_add(d, "SCN-IO-001", VS_SEV_ERROR, (VsLoc){"/no/such.yaml", 0, 0}, "No such file");
  static const char *const full[] = {
      "s.yaml:4:11: error SCN-FMT-001: bad value",
      "s.yaml:30:12: warning GW-SKU-010: old SKU",
      "error GW-X-001: built in code",
      "/no/such.yaml: error SCN-IO-001: No such file",
  };
  static const char *const brief[] = {
      "s.yaml:4:11: bad value",
      "s.yaml:30:12: old SKU",
      "built in code",
      "/no/such.yaml: No such file",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(full); i++) {
    g_autofree char *f = vs_diag_format(vs_diags_get(d, i));
    g_autofree char *b = vs_diag_format_brief(vs_diags_get(d, i));
    g_assert_cmpstr(f, ==, full[i]);
    g_assert_cmpstr(b, ==, brief[i]);
  }
}

static void count_sink(void *user, const VsDiag *d)
{
  (*(int *)user)++;
  g_assert_cmpstr(d->message, ==, "at 3:4");
}

static void test_sink(void)
{
  int n = 0;
  vs_diag_emit((VsDiagSink){count_sink, &n}, "X-001", VS_SEV_ERROR, (VsLoc){"f", 3, 4},
               "at %u:%u", 3u, 4u);
  g_assert_cmpint(n, ==, 1);
  vs_diag_emit((VsDiagSink){0}, "X-001", VS_SEV_ERROR, (VsLoc){0}, "nowhere"); /* dropped */
  /* a list's sink keeps its own copy of the message */
  g_autoptr(VsDiags) d = vs_diags_new();
  VsDiagSink s = vs_diags_sink(d);
  char msg[] = "mutable";
  VsDiag rec = {.id = "X-002", .severity = VS_SEV_WARNING, .loc = {"f", 1, 2}, .message = msg};
  s.fn(s.user, &rec);
  msg[0] = 'M';
  g_assert_cmpuint(vs_diags_len(d), ==, 1);
  g_assert_cmpstr(vs_diags_get(d, 0)->message, ==, "mutable");
  g_assert_cmpuint(vs_diags_get(d, 0)->loc.col, ==, 2);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/diag/list-and-sort", test_list_and_sort);
  g_test_add_func("/diag/formats", test_formats);
  g_test_add_func("/diag/sink", test_sink);
  return g_test_run();
}
