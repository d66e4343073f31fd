/* SPDX-License-Identifier: MIT */
/* Tests of the located YAML tree: structure, line:col of nodes, refused YAML (aliases,
 * duplicate keys, several documents) as one typed record, and the GError sink. The
 * located checks over the tree are yaccess_test.c. */
#include "sim/scenario/ytree.h"

#include <glib.h>
#include <string.h>

static YtDoc *load(const char *text, VsDiags *d)
{
  return yt_load_string("t.yaml", text, strlen(text), vs_diags_sink(d));
}

static void test_structure(void)
{
  g_autoptr(VsDiags) d = vs_diags_new();
  g_autoptr(YtDoc) doc = load("name: x\n"
                              "list:\n"
                              "  - a\n"
                              "  - {k: 'v'}\n"
                              "n: 42\n"
                              "empty:\n",
                              d);
  g_assert_cmpuint(vs_diags_len(d), ==, 0);
  g_assert_cmpint(doc->root->kind, ==, YT_MAP);
  g_assert_cmpuint(yt_len(doc->root), ==, 4);
  YtNode *list = yt_map_get(doc->root, "list");
  g_assert_nonnull(list);
  g_assert_cmpint(list->kind, ==, YT_SEQ);
  g_assert_cmpuint(yt_len(list), ==, 2);
  YtNode *m = g_ptr_array_index(list->items, 1);
  g_assert_cmpint(m->kind, ==, YT_MAP);
  g_assert_cmpuint(m->line, ==, 4);
  g_assert_cmpuint(m->col, ==, 5);
  YtNode *v = yt_map_get(m, "k");
  g_assert_true(v->quoted);
  g_assert_cmpstr(v->str, ==, "v");
  g_assert_true(yt_is_null(yt_map_get(doc->root, "empty")));
  g_assert_false(yt_is_null(v));
  g_assert_null(yt_map_get(doc->root, "absent"));
  g_assert_null(yt_map_get(list, "k")); /* not a mapping */
  g_autofree char *where = yt_where(doc, yt_map_get(doc->root, "n"));
  g_assert_cmpstr(where, ==, "t.yaml:5:4");
  VsLoc loc = yt_loc(doc, yt_map_get(doc->root, "n"));
  g_assert_cmpstr(loc.file, ==, "t.yaml");
  g_assert_cmpuint(loc.line, ==, 5);
  g_assert_cmpuint(loc.col, ==, 4);
  loc = yt_loc(doc, NULL);
  g_assert_cmpuint(loc.line, ==, 1);
  g_assert_cmpuint(loc.col, ==, 1);
}

static void test_syntax_errors(void)
{
  static const struct {
    const char *text;
    unsigned line, col;
    const char *message; /* prefix of the record's message */
  } cases[] = {
      {"a: 1\na: 2\n", 2, 1, "duplicate key 'a'"},
      {"a: &x 1\nb: *x\n", 2, 4, "YAML aliases"},
      {"a: [1, 2\n", 2, 1, "did not find expected ','"},
      {"a: 1\n---\nb: 2\n", 2, 1, "a scenario file holds one YAML document"},
      {"", 1, 1, "the file is empty"},
      {"? [a, b]\n: 1\n", 1, 3, "a mapping key must be a plain string"},
      {"a:\n\tb: 1\n", 2, 1, "found character that cannot start any token"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(VsDiags) d = vs_diags_new();
    g_test_message("case %zu", i);
    YtDoc *doc = load(cases[i].text, d);
    g_assert_null(doc);
    g_assert_cmpuint(vs_diags_len(d), ==, 1); /* exactly one record */
    const VsDiag *r = vs_diags_get(d, 0);
    g_assert_cmpstr(r->id, ==, SCN_DIAG_YAML);
    g_assert_cmpint(r->severity, ==, VS_SEV_ERROR);
    g_assert_cmpstr(r->loc.file, ==, "t.yaml");
    g_assert_cmpuint(r->loc.line, ==, cases[i].line);
    g_assert_cmpuint(r->loc.col, ==, cases[i].col);
    if (!g_str_has_prefix(r->message, cases[i].message))
      g_error("case %zu: got '%s', want prefix '%s'", i, r->message, cases[i].message);
    /* printed as it always was: "file:line:col: message" */
    g_autofree char *brief = vs_diag_format_brief(r);
    g_autofree char *want = g_strdup_printf("t.yaml:%u:%u: %s", cases[i].line, cases[i].col,
                                            r->message);
    g_assert_cmpstr(brief, ==, want);
    /* the GError sink, for callers whose boundary is a GError */
    g_autoptr(GError) err = NULL;
    g_assert_null(yt_load_string("t.yaml", cases[i].text, strlen(cases[i].text),
                                 yt_error_sink(&err)));
    g_assert_error(err, SCN_ERROR, SCN_ERROR_SYNTAX);
    g_assert_cmpstr(err->message, ==, want);
  }
}

static void test_deep_nesting(void)
{
  GString *s = g_string_new("a: ");
  for (int i = 0; i < 200; i++)
    g_string_append_c(s, '[');
  for (int i = 0; i < 200; i++)
    g_string_append_c(s, ']');
  g_autoptr(VsDiags) d = vs_diags_new();
  YtDoc *doc = load(s->str, d);
  g_assert_null(doc);
  g_assert_cmpuint(vs_diags_len(d), ==, 1);
  g_assert_nonnull(strstr(vs_diags_get(d, 0)->message, "nesting deeper than"));
  g_string_free(s, TRUE);
}

static void test_file_errors(void)
{
  g_autoptr(VsDiags) d = vs_diags_new();
  g_assert_null(yt_load_file("/nonexistent/scenario.yaml", vs_diags_sink(d)));
  g_assert_cmpuint(vs_diags_len(d), ==, 1);
  const VsDiag *r = vs_diags_get(d, 0);
  g_assert_cmpstr(r->id, ==, SCN_DIAG_IO);
  g_assert_cmpstr(r->loc.file, ==, "/nonexistent/scenario.yaml");
  g_assert_cmpuint(r->loc.line, ==, 0); /* the file as a whole */
  g_autofree char *brief = vs_diag_format_brief(r);
  g_assert_true(g_str_has_prefix(brief, "/nonexistent/scenario.yaml: "));
  g_assert_cmpstr(brief + strlen("/nonexistent/scenario.yaml: "), ==, r->message);
  g_autoptr(GError) err = NULL;
  g_assert_null(yt_load_file("/nonexistent/scenario.yaml", yt_error_sink(&err)));
  g_assert_error(err, SCN_ERROR, SCN_ERROR_IO);
  g_assert_cmpstr(err->message, ==, brief);
  /* no sink: nothing reported, still NULL */
  g_assert_null(yt_load_file("/nonexistent/scenario.yaml", (VsDiagSink){0}));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ytree/structure", test_structure);
  g_test_add_func("/ytree/syntax-errors", test_syntax_errors);
  g_test_add_func("/ytree/deep-nesting", test_deep_nesting);
  g_test_add_func("/ytree/file-errors", test_file_errors);
  return g_test_run();
}
