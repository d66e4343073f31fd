/* SPDX-License-Identifier: MIT */
/* Tests of the scenario's JSON Schema generator: the output is JSON, every key table
 * (scenario and cloud) is reached from the top with its keys (a table whose path the
 * generator never walks would leave its section unchecked), every action and expectation
 * kind is there with its summary, and the same bytes come out twice. */
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_cloud.h"
#include "sim/scenario/scenario_schema.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* The schema node of a key table's path: properties, and items for "[]". */
static JsonObject *walk(JsonObject *root, const char *path)
{
  JsonObject *o = root;
  if (!*path)
    return o;
  g_auto(GStrv) parts = g_strsplit(path, ".", -1);
  for (char **p = parts; *p && o; p++) {
    bool seq = g_str_has_suffix(*p, "[]");
    if (seq)
      (*p)[strlen(*p) - 2] = '\0';
    JsonObject *props = json_object_get_object_member(o, "properties");
    o = props && json_object_has_member(props, *p) ? json_object_get_object_member(props, *p)
                                                    : NULL;
    if (o && json_object_has_member(o, "anyOf")) /* a list, or $delete (extends:) */
      o = json_array_get_object_element(json_object_get_array_member(o, "anyOf"), 0);
    if (o && seq)
      o = json_object_has_member(o, "items") ? json_object_get_object_member(o, "items") : NULL;
    /* items that may also be a plain string (NAT mappings): the mapping is anyOf's object */
    if (o && seq && json_object_has_member(o, "anyOf")) {
      JsonArray *any = json_object_get_array_member(o, "anyOf");
      JsonObject *m = NULL;
      for (guint i = 0; any && i < json_array_get_length(any); i++) {
        JsonObject *x = json_array_get_object_element(any, i);
        if (json_object_has_member(x, "properties"))
          m = x;
      }
      o = m;
    }
  }
  return o;
}

static void check_tables(JsonObject *root, const YaKeyTable *t)
{
  for (; t->path; t++) {
    g_test_message("table '%s'", t->path);
    JsonObject *o = walk(root, t->path);
    g_assert_nonnull(o);
    g_assert_cmpstr(json_object_get_string_member(o, "description"), !=, NULL);
    g_assert_false(json_object_get_boolean_member(o, "additionalProperties"));
    JsonObject *props = json_object_get_object_member(o, "properties");
    g_assert_nonnull(props);
    guint n = 0;
    for (const char *const *k = t->keys; *k; k++, n++)
      g_assert_true(json_object_has_member(props, *k));
    g_assert_cmpuint(json_object_get_size(props), ==, n); /* no key the loader refuses */
  }
}

static void test_schema(void)
{
  g_autofree char *s = scn_schema_json();
  g_autofree char *again = scn_schema_json();
  g_assert_cmpstr(s, ==, again);
  g_autoptr(JsonParser) p = json_parser_new();
  g_autoptr(GError) e = NULL;
  g_assert_true(json_parser_load_from_data(p, s, -1, &e));
  g_assert_no_error(e);
  JsonObject *root = json_node_get_object(json_parser_get_root(p));
  g_assert_cmpstr(json_object_get_string_member(root, "$schema"), ==,
                  "https://json-schema.org/draft/2020-12/schema");
  check_tables(root, scn_key_tables);
  check_tables(root, scn_cloud_key_tables);
  /* timeline: every action under the item's properties, one of them required */
  JsonObject *it = walk(root, "timeline[]");
  g_assert_nonnull(it);
  JsonObject *props = json_object_get_object_member(it, "properties");
  for (unsigned k = 0; k < SCN_ACT_COUNT; k++) {
    JsonObject *a = json_object_get_object_member(props, scn_action_descs[k].name);
    g_assert_nonnull(a);
    g_assert_cmpstr(json_object_get_string_member(a, "description"), ==,
                    scn_action_descs[k].summary);
  }
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(it, "oneOf")), ==,
                   SCN_ACT_COUNT);
  /* expect: one branch per kind, with its keys and 'by' */
  JsonArray *one = json_object_get_array_member(walk(root, "expect[]"), "oneOf");
  g_assert_cmpuint(json_array_get_length(one), ==, SCN_EXP_COUNT);
  for (unsigned k = 0; k < SCN_EXP_COUNT; k++) {
    JsonObject *b = json_array_get_object_element(one, k);
    g_assert_cmpstr(json_object_get_string_member(b, "title"), ==, scn_expect_descs[k].name);
    JsonObject *bp = json_object_get_object_member(b, "properties");
    g_assert_true(json_object_has_member(bp, "by"));
    for (const char *const *q = scn_expect_descs[k].keys; q && *q; q++)
      g_assert_true(json_object_has_member(bp, *q));
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/scenario-schema/tables", test_schema);
  return g_test_run();
}
