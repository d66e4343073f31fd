/* SPDX-License-Identifier: MIT */
/* The JSON Schema (draft 2020-12) of the scenario format, generated from the loader's own
 * tables: the key tables of each section (scn_key_tables, scn_cloud_key_tables), the
 * options (gw_options) and the descriptor rows of timeline actions and expectation kinds. */
#include "sim/scenario/scenario_schema.h"

#include "models/common/json.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_cloud.h"

#include <string.h>

/* A small ordered JSON tree: objects keep their members in insertion order, so the
 * schema is the same bytes every time. */
typedef enum { J_OBJ, J_ARR, J_STR, J_TRUE, J_FALSE } JKind;
typedef struct J J;
struct J {
  JKind kind;
  char *str;          /* J_STR */
  GPtrArray *keys;    /* J_OBJ: char * */
  GPtrArray *items;   /* J_OBJ values, J_ARR items: J * */
};

static void j_free(J *j)
{
  if (!j)
    return;
  g_free(j->str);
  if (j->keys)
    g_ptr_array_free(j->keys, TRUE);
  if (j->items)
    g_ptr_array_free(j->items, TRUE);
  g_free(j);
}

static J *j_new(JKind k)
{
  J *j = g_new0(J, 1);
  j->kind = k;
  if (k == J_OBJ)
    j->keys = g_ptr_array_new_with_free_func(g_free);
  if (k == J_OBJ || k == J_ARR)
    j->items = g_ptr_array_new_with_free_func((GDestroyNotify)j_free);
  return j;
}

static J *j_str(const char *s)
{
  J *j = j_new(J_STR);
  j->str = g_strdup(s);
  return j;
}

/* Set a member (takes v); returns v. */
static J *j_set(J *o, const char *key, J *v)
{
  g_ptr_array_add(o->keys, g_strdup(key));
  g_ptr_array_add(o->items, v);
  return v;
}

static J *j_push(J *a, J *v)
{
  g_ptr_array_add(a->items, v);
  return v;
}

static void j_write(GString *s, const J *j, int depth)
{
  switch (j->kind) {
  case J_STR: vs_json_str(s, j->str); return;
  case J_TRUE: g_string_append(s, "true"); return;
  case J_FALSE: g_string_append(s, "false"); return;
  case J_ARR:
  case J_OBJ: break;
  }
  bool obj = j->kind == J_OBJ;
  if (!j->items->len) {
    g_string_append(s, obj ? "{}" : "[]");
    return;
  }
  /* arrays of strings on one line: "required", "enum" */
  bool flat = !obj;
  for (guint i = 0; flat && i < j->items->len; i++)
    flat = ((J *)g_ptr_array_index(j->items, i))->kind == J_STR;
  g_string_append_c(s, obj ? '{' : '[');
  for (guint i = 0; i < j->items->len; i++) {
    if (flat)
      g_string_append(s, i ? ", " : "");
    else
      g_string_append_printf(s, "%s\n%*s", i ? "," : "", 2 * (depth + 1), "");
    if (obj) {
      vs_json_str(s, g_ptr_array_index(j->keys, i));
      g_string_append(s, ": ");
    }
    j_write(s, g_ptr_array_index(j->items, i), depth + 1);
  }
  if (!flat)
    g_string_append_printf(s, "\n%*s", 2 * depth, "");
  g_string_append_c(s, obj ? '}' : ']');
}

/* ---- the sections ---- */

static const YaKeyTable *table_find(const char *path)
{
  const YaKeyTable *const all[] = {scn_key_tables, scn_cloud_key_tables};
  for (size_t t = 0; t < G_N_ELEMENTS(all); t++)
    for (const YaKeyTable *k = all[t]; k->path; k++)
      if (!strcmp(k->path, path))
        return k;
  return NULL;
}

static const char docs[] = "docs/scenario-format.md";

static J *leaf(const char *path)
{
  J *j = j_new(J_OBJ);
  g_autofree char *d = g_strdup_printf("%s (its form: %s)", path, docs);
  j_set(j, "description", j_str(d));
  return j;
}

static J *options_schema(void)
{
  J *o = j_new(J_OBJ);
  j_set(o, "description", j_str("Where Microsoft's documents disagree: each option picks the "
                                "newest source (the default) or the other claim "
                                "(facts 11 and 13)."));
  j_set(o, "type", j_str("object"));
  J *props = j_set(o, "properties", j_new(J_OBJ));
  for (size_t i = 0; i < GW_OPT_N; i++) {
    J *p = j_set(props, gw_options[i].key, j_new(J_OBJ));
    g_autofree char *d = g_strdup_printf(
        "%s. %s: %s; %s: %s.%s%s%s", gw_options[i].topic, gw_options[i].newest,
        gw_options[i].newest_source, gw_options[i].other, gw_options[i].other_source,
        gw_options[i].waits_for ? " The loader refuses the second value (" : "",
        gw_options[i].waits_for ? gw_options[i].waits_for : "",
        gw_options[i].waits_for ? ")." : "");
    j_set(p, "description", j_str(d));
    J *e = j_set(p, "enum", j_new(J_ARR));
    j_push(e, j_str(gw_options[i].newest));
    j_push(e, j_str(gw_options[i].other));
  }
  j_set(o, "additionalProperties", j_new(J_FALSE));
  return o;
}

/* A mapping whose keys come from a descriptor row. */
static J *keyed(const char *summary, const char *const *keys, const char *where)
{
  J *o = j_new(J_OBJ);
  j_set(o, "description", j_str(summary));
  if (!keys)
    return o; /* a name or a list: the loader checks its form */
  J *props = j_set(o, "properties", j_new(J_OBJ));
  for (const char *const *k = keys; *k; k++) {
    g_autofree char *p = g_strdup_printf("%s.%s", where, *k);
    j_set(props, *k, leaf(p));
  }
  j_set(o, "additionalProperties", j_new(J_FALSE));
  return o;
}

static J *timeline_schema(void)
{
  J *o = j_new(J_OBJ);
  j_set(o, "description", j_str("Actions at simulated times (file order among equal times)."));
  j_set(o, "type", j_str("array"));
  J *it = j_set(o, "items", j_new(J_OBJ));
  j_set(it, "description", j_str("A timeline entry: 'at' and exactly one action."));
  j_set(it, "type", j_str("object"));
  J *props = j_set(it, "properties", j_new(J_OBJ));
  J *at = j_set(props, "at", j_new(J_OBJ));
  j_set(at, "description", j_str("When: a duration from the start (10s, 1m30s, 500ms)."));
  J *one = j_new(J_ARR);
  for (unsigned k = 0; k < SCN_ACT_COUNT; k++) {
    const ScnActionDesc *d = &scn_action_descs[k];
    g_autofree char *where = g_strdup_printf("timeline[].%s", d->name);
    j_set(props, d->name, keyed(d->summary, d->keys, where));
    J *r = j_push(one, j_new(J_OBJ));
    J *req = j_set(r, "required", j_new(J_ARR));
    j_push(req, j_str(d->name));
  }
  J *req = j_set(it, "required", j_new(J_ARR));
  j_push(req, j_str("at"));
  j_set(it, "oneOf", one);
  j_set(it, "additionalProperties", j_new(J_FALSE));
  return o;
}

static J *expect_schema(void)
{
  J *o = j_new(J_OBJ);
  j_set(o, "description", j_str("Expectations: each is one check, evaluated from the events "
                                "and counters of the run."));
  j_set(o, "type", j_str("array"));
  J *it = j_set(o, "items", j_new(J_OBJ));
  j_set(it, "description", j_str("An expectation: one check (its name as a key), the keys of "
                                 "that check and an optional 'by'."));
  j_set(it, "type", j_str("object"));
  J *one = j_set(it, "oneOf", j_new(J_ARR));
  for (unsigned k = 0; k < SCN_EXP_COUNT; k++) {
    const ScnExpectDesc *d = &scn_expect_descs[k];
    J *r = j_push(one, j_new(J_OBJ));
    j_set(r, "title", j_str(d->name));
    j_set(r, "description", j_str(d->summary));
    J *props = j_set(r, "properties", j_new(J_OBJ));
    J *by = j_set(props, "by", j_new(J_OBJ));
    j_set(by, "description", j_str("The time the check looks at (state checks) or up to which "
                                   "it reads events; default: the end of the run."));
    g_autofree char *w = g_strdup_printf("expect[].%s", d->name);
    j_set(props, d->name, leaf(w));
    for (const char *const *p = d->keys; p && *p; p++) {
      g_autofree char *pw = g_strdup_printf("expect[].%s with %s", *p, d->name);
      j_set(props, *p, leaf(pw));
    }
    J *req = j_set(r, "required", j_new(J_ARR));
    j_push(req, j_str(d->name));
    j_set(r, "additionalProperties", j_new(J_FALSE));
  }
  return o;
}

/* Sequences whose items are mappings or, in their short form, a plain scalar (a NAT
 * mapping: a prefix or {addressSpace, portRange}). */
static bool items_or_scalar(const char *seq)
{
  return g_str_has_suffix(seq, ".natRules[].internalMappings[]") ||
         g_str_has_suffix(seq, ".natRules[].externalMappings[]");
}

/* A list, or $delete: in a scenario built on a base, the base's list goes. */
static J *deletable(J *list)
{
  J *o = j_new(J_OBJ);
  J *any = j_set(o, "anyOf", j_new(J_ARR));
  j_push(any, list);
  J *del = j_push(any, j_new(J_OBJ));
  j_set(del, "description", j_str("$delete: the base's value goes (extends:)"));
  j_set(del, "const", j_str("$delete"));
  return o;
}

/* The schema of the mapping at path (a key table's), its keys' values recursively. */
static J *section(const char *path, const YaKeyTable *t, bool is_seq_item)
{
  J *o = j_new(J_OBJ);
  j_set(o, "description", j_str(t->description));
  if (is_seq_item || !*path)
    j_set(o, "type", j_str("object"));
  J *props = j_set(o, "properties", j_new(J_OBJ));
  for (const char *const *k = t->keys; *k; k++) {
    g_autofree char *sub = *path ? g_strdup_printf("%s.%s", path, *k) : g_strdup(*k);
    g_autofree char *seq = g_strdup_printf("%s[]", sub);
    const YaKeyTable *st;
    if (!*path && !strcmp(*k, "timeline")) {
      j_set(props, *k, deletable(timeline_schema()));
    } else if (!*path && !strcmp(*k, "expect")) {
      j_set(props, *k, deletable(expect_schema()));
    } else if (!*path && !strcmp(*k, "options")) {
      j_set(props, *k, options_schema());
    } else if ((st = table_find(sub))) {
      j_set(props, *k, section(sub, st, false));
    } else if ((st = table_find(seq))) {
      J *a = j_new(J_OBJ);
      g_autofree char *d = g_strdup_printf("A list: %s", st->description);
      j_set(a, "description", j_str(d));
      j_set(a, "type", j_str("array"));
      if (items_or_scalar(seq)) {
        J *any = j_set(j_set(a, "items", j_new(J_OBJ)), "anyOf", j_new(J_ARR));
        J *sc = j_push(any, j_new(J_OBJ));
        j_set(sc, "type", j_str("string"));
        j_push(any, section(seq, st, true));
      } else {
        j_set(a, "items", section(seq, st, true));
      }
      j_set(props, *k, deletable(a));
    } else {
      j_set(props, *k, leaf(sub));
    }
  }
  /* the merge markers of a file built on a base (extends:) */
  J *pat = j_set(o, "patternProperties", j_new(J_OBJ));
  J *m = j_set(pat, "^[$](delete|replace)$", j_new(J_OBJ));
  j_set(m, "description", j_str("A merge marker of a scenario built on a base (extends:): "
                                "'$delete: true' removes the named item from the base's list, "
                                "'$replace: true' replaces the base's mapping instead of "
                                "merging into it (docs/scenario-format.md)."));
  j_set(o, "additionalProperties", j_new(J_FALSE));
  return o;
}

char *scn_schema_json(void)
{
  const YaKeyTable *top = table_find("");
  g_return_val_if_fail(top, NULL);
  J *root = j_new(J_OBJ);
  j_set(root, "$schema", j_str("https://json-schema.org/draft/2020-12/schema"));
  j_set(root, "title", j_str("vpnsim scenario"));
  J *body = section("", top, false);
  /* the top section's members follow the header */
  for (guint i = 0; i < body->keys->len; i++) {
    const char *k = g_ptr_array_index(body->keys, i);
    J *v = g_ptr_array_index(body->items, i);
    if (!strcmp(k, "description")) {
      g_autofree char *d = g_strdup_printf(
          "%s Generated from the loader's key tables by 'vpnsim schema': it checks the keys "
          "of every section; 'vpnsim validate' checks the values.",
          v->str);
      j_set(root, k, j_str(d));
    } else {
      j_set(root, k, v);
      g_ptr_array_index(body->items, i) = NULL; /* moved */
    }
  }
  j_free(body);
  GString *s = g_string_new(NULL);
  j_write(s, root, 0);
  g_string_append_c(s, '\n');
  j_free(root);
  return g_string_free(s, FALSE);
}
