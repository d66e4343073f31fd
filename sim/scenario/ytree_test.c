/* SPDX-License-Identifier: MIT */
/* Tests of the located YAML tree: structure, line:col of nodes and of errors, refused
 * YAML (aliases, duplicate keys, several documents), and the located checks. */
#include "sim/scenario/ytree.h"

#include <glib.h>
#include <string.h>

static YtDoc *load(const char *text, GError **err)
{
  return yt_load_string("t.yaml", text, strlen(text), err);
}

static void test_structure(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(YtDoc) doc = load("name: x\n"
                              "list:\n"
                              "  - a\n"
                              "  - {k: 'v'}\n"
                              "n: 42\n"
                              "empty:\n",
                              &err);
  g_assert_no_error(err);
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
}

static void test_syntax_errors(void)
{
  static const struct {
    const char *text;
    const char *message; /* prefix of the error message */
  } cases[] = {
      {"a: 1\na: 2\n", "t.yaml:2:1: duplicate key 'a'"},
      {"a: &x 1\nb: *x\n", "t.yaml:2:4: YAML aliases"},
      {"a: [1, 2\n", "t.yaml:2:1: did not find expected ','"},
      {"a: 1\n---\nb: 2\n", "t.yaml:2:1: a scenario file holds one YAML document"},
      {"", "t.yaml:1:1: the file is empty"},
      {"? [a, b]\n: 1\n", "t.yaml:1:3: a mapping key must be a plain string"},
      {"a:\n\tb: 1\n", "t.yaml:2:1: found character that cannot start any token"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) err = NULL;
    g_test_message("case %zu", i);
    YtDoc *doc = load(cases[i].text, &err);
    g_assert_null(doc);
    g_assert_error(err, SCN_ERROR, SCN_ERROR_SYNTAX);
    if (!g_str_has_prefix(err->message, cases[i].message))
      g_error("case %zu: got '%s', want prefix '%s'", i, err->message, cases[i].message);
  }
}

static void test_deep_nesting(void)
{
  GString *s = g_string_new("a: ");
  for (int i = 0; i < 200; i++)
    g_string_append_c(s, '[');
  for (int i = 0; i < 200; i++)
    g_string_append_c(s, ']');
  g_autoptr(GError) err = NULL;
  YtDoc *doc = load(s->str, &err);
  g_assert_null(doc);
  g_assert_nonnull(strstr(err->message, "nesting deeper than"));
  g_string_free(s, TRUE);
}

static void test_file_errors(void)
{
  g_autoptr(GError) err = NULL;
  g_assert_null(yt_load_file("/nonexistent/scenario.yaml", &err));
  g_assert_error(err, SCN_ERROR, SCN_ERROR_IO);
  g_assert_true(g_str_has_prefix(err->message, "/nonexistent/scenario.yaml: "));
}

static void test_checks(void)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(YtDoc) doc = load("gw:\n"
                              "  vpntype: RouteBased\n"
                              "  sku: VpnGw1\n"
                              "  asn: 65515x\n"
                              "  big: 70000\n"
                              "  bgp: yes\n"
                              "  ok: true\n"
                              "  quoted: '12'\n"
                              "  zzz: 1\n",
                              &err);
  g_assert_no_error(err);
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
  YtNode *gw = yt_map_get(doc->root, "gw");
  static const char *const allowed[] = {"vpnType", "sku", "asn", "big", "bgp", "ok", "quoted", NULL};
  g_assert_false(yt_check_keys(errors, doc, gw, allowed));
  g_assert_cmpuint(errors->len, ==, 2);
  g_assert_cmpstr(errors->pdata[0], ==,
                  "t.yaml:2:3: unknown key 'vpntype' (did you mean 'vpnType'?)");
  g_assert_cmpstr(errors->pdata[1], ==, "t.yaml:9:3: unknown key 'zzz'");
  g_ptr_array_set_size(errors, 0);

  int64_t v;
  g_assert_false(yt_get_int(errors, doc, yt_map_get(gw, "asn"), "asn", 1, 4294967295, &v));
  g_assert_false(yt_get_int(errors, doc, yt_map_get(gw, "big"), "port", 0, 65535, &v));
  g_assert_false(yt_get_int(errors, doc, yt_map_get(gw, "quoted"), "n", 0, 99, &v));
  g_assert_true(yt_get_int(errors, doc, yt_map_get(gw, "big"), "n", 0, 99999, &v));
  g_assert_cmpint(v, ==, 70000);
  bool b;
  g_assert_false(yt_get_bool(errors, doc, yt_map_get(gw, "bgp"), "enableBgp", &b));
  g_assert_true(yt_get_bool(errors, doc, yt_map_get(gw, "ok"), "ok", &b));
  g_assert_true(b);
  const char *s;
  g_assert_false(yt_get_string(errors, doc, gw, "gateway name", &s));
  g_assert_cmpuint(errors->len, ==, 5);
  g_assert_cmpstr(errors->pdata[0], ==, "t.yaml:4:8: asn must be an integer, not '65515x'");
  g_assert_cmpstr(errors->pdata[1], ==, "t.yaml:5:8: port must be between 0 and 65535, not 70000");
  g_assert_cmpstr(errors->pdata[2], ==, "t.yaml:8:11: n must be an integer, not '12'");
  g_assert_cmpstr(errors->pdata[3], ==, "t.yaml:6:8: enableBgp must be true or false, not 'yes'");
  g_assert_cmpstr(errors->pdata[4], ==, "t.yaml:2:3: gateway name must be a scalar, not a mapping");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ytree/structure", test_structure);
  g_test_add_func("/ytree/syntax-errors", test_syntax_errors);
  g_test_add_func("/ytree/deep-nesting", test_deep_nesting);
  g_test_add_func("/ytree/file-errors", test_file_errors);
  g_test_add_func("/ytree/checks", test_checks);
  return g_test_run();
}
