/* SPDX-License-Identifier: MIT */
/* The ARM template walker and mapper: parameters, variables and resources (in any order,
 * nested children too) evaluated through arm_expr.c, then mapped to the cloud section's
 * property names (docs/cloud-section.md), devices and underlay; anything not mapped is
 * reported with its JSON path. */
#include "sim/scenario/arm_import.h"

#include "models/common/ipv4.h"
#include "models/common/names.h"
#include "sim/scenario/arm_expr.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

/* ---- problems ---- */

char *arm_problem_format(const ArmProblem *p)
{
  static const char *const sev[] = {"error", "warning", "note"};
  if (p->path && *p->path)
    return g_strdup_printf("%s: %s: %s: %s", p->file, p->path, sev[p->severity], p->message);
  return g_strdup_printf("%s: %s: %s", p->file, sev[p->severity], p->message);
}

void arm_problem_free(ArmProblem *p)
{
  if (!p)
    return;
  g_free(p->file);
  g_free(p->path);
  g_free(p->message);
  g_free(p);
}

/* ---- the resource types imported (one row each) ---- */

typedef enum {
  RT_VNET,
  RT_SUBNET,
  RT_PIP,
  RT_VGW,
  RT_NATRULE,
  RT_LNG,
  RT_CONN,
  RT_COUNT,
} ResType;

static const char *const res_types[RT_COUNT] = {
    [RT_VNET] = "Microsoft.Network/virtualNetworks",
    [RT_SUBNET] = "Microsoft.Network/virtualNetworks/subnets",
    [RT_PIP] = "Microsoft.Network/publicIPAddresses",
    [RT_VGW] = "Microsoft.Network/virtualNetworkGateways",
    [RT_NATRULE] = "Microsoft.Network/virtualNetworkGateways/natRules",
    [RT_LNG] = "Microsoft.Network/localNetworkGateways",
    [RT_CONN] = "Microsoft.Network/connections",
};

/* Members of a resource with no effect on the simulation: consumed without a word
 * (docs/import-arm.md lists them). */
static const char *const res_ignored[] = {"apiVersion", "location", "tags", "dependsOn",
                                          "comments", "zones", "metadata", NULL};

enum { ST_NEW, ST_BUSY, ST_DONE, ST_FAILED };

typedef struct {
  char *name;
  char *path;       /* parameters.NAME */
  JsonObject *decl; /* borrowed from the template */
  JsonNode *given;  /* a value from the parameters file or --set, or NULL */
  char *given_file, *given_path;
  gboolean given_text; /* from --set: a string to read by the declared type */
  int state;
  JsonNode *value;
} Param;

typedef struct {
  char *name;
  JsonNode *raw; /* borrowed */
  int state;
  JsonNode *value;
} Var;

typedef struct Res Res;
struct Res {
  char *path; /* resources[2], resources[0].resources[1] */
  int rt;     /* ResType, or -1 */
  char *type, *name, *id;
  JsonObject *raw; /* borrowed */
  gboolean off;    /* condition false */
  gboolean bad;    /* its name or type could not be evaluated */
  int state;
  JsonNode *props;   /* evaluated properties */
  JsonNode *runtime; /* what reference() returns */
  int pip_index;
};

typedef struct {
  const ArmImportOptions *o;
  const char *tpl_file;
  JsonObject *tpl;
  GPtrArray *problems;
  unsigned errors;
  gboolean cascade; /* the failure below was reported where it lies */
  GHashTable *params, *vars; /* lower-case name -> Param / Var */
  GPtrArray *param_list;
  GPtrArray *var_list; /* in declaration order (borrowed from vars) */
  GPtrArray *res;
  int n_pips;
  ArmEnv env;
  GPtrArray *unmapped; /* "path" strings, for the scenario's header comment */
} Ctx;

static void add_problem(Ctx *C, ArmSeverity sev, const char *file, const char *path,
                        const char *fmt, ...) G_GNUC_PRINTF(5, 6);
static void add_problem(Ctx *C, ArmSeverity sev, const char *file, const char *path,
                        const char *fmt, ...)
{
  ArmProblem *p = g_new0(ArmProblem, 1);
  p->severity = sev;
  p->file = g_strdup(file);
  p->path = g_strdup(path ? path : "");
  va_list ap;
  va_start(ap, fmt);
  p->message = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_ptr_array_add(C->problems, p);
  if (sev == ARM_SEV_ERROR)
    C->errors++;
}
#define ERR(C, path, ...) add_problem((C), ARM_SEV_ERROR, (C)->tpl_file, (path), __VA_ARGS__)
#define NOTE(C, path, ...) add_problem((C), ARM_SEV_NOTE, (C)->tpl_file, (path), __VA_ARGS__)

/* Something the template says that the scenario cannot hold. */
static void unmapped(Ctx *C, const char *path, const char *why)
{
  add_problem(C, C->o->allow_unmapped ? ARM_SEV_WARNING : ARM_SEV_ERROR, C->tpl_file, path,
              "not imported: %s", why);
  g_ptr_array_add(C->unmapped, g_strdup(path));
}

/* ---- JSON helpers ---- */

static gboolean is_str(JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING;
}
static gboolean is_int(JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64;
}
static gboolean is_bool(JsonNode *n)
{
  return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_BOOLEAN;
}
static gboolean is_obj(JsonNode *n)
{
  return n && JSON_NODE_HOLDS_OBJECT(n);
}
static gboolean is_arr(JsonNode *n)
{
  return n && JSON_NODE_HOLDS_ARRAY(n);
}
static gboolean is_null(JsonNode *n)
{
  return !n || JSON_NODE_HOLDS_NULL(n);
}

/* A boolean as ARM takes it: true/false, or the strings "true"/"false" in any case. */
static gboolean read_bool(JsonNode *n, gboolean *out)
{
  if (is_bool(n)) {
    *out = json_node_get_boolean(n);
    return TRUE;
  }
  if (is_str(n) && (!g_ascii_strcasecmp(json_node_get_string(n), "true") ||
                    !g_ascii_strcasecmp(json_node_get_string(n), "false"))) {
    *out = !g_ascii_strcasecmp(json_node_get_string(n), "true");
    return TRUE;
  }
  return FALSE;
}

/* An int, or a string of decimal digits. */
static gboolean read_int(JsonNode *n, gint64 *out)
{
  if (is_int(n)) {
    *out = json_node_get_int(n);
    return TRUE;
  }
  return is_str(n) &&
         g_ascii_string_to_signed(json_node_get_string(n), 10, G_MININT64, G_MAXINT64, out, NULL);
}

static char *lower(const char *s)
{
  return g_ascii_strdown(s, -1);
}

static JsonNode *load_json(Ctx *C, const char *file)
{
  g_autoptr(JsonParser) p = json_parser_new();
  g_autoptr(GError) err = NULL;
  if (!json_parser_load_from_file(p, file, &err)) {
    add_problem(C, ARM_SEV_ERROR, file, "", "%s", err->message);
    return NULL;
  }
  JsonNode *root = json_parser_get_root(p);
  if (!is_obj(root)) {
    add_problem(C, ARM_SEV_ERROR, file, "", "not a JSON object");
    return NULL;
  }
  return json_node_copy(root);
}

/* ---- evaluation with reporting ---- */

/* Evaluate a template value found at path; a failure is reported there (once: a failure
 * that was already reported where it lies, a parameter's own, is not repeated). */
static JsonNode *ev(Ctx *C, JsonNode *n, const char *path)
{
  gboolean outer = C->cascade;
  C->cascade = FALSE;
  g_autofree char *sub = NULL;
  unsigned col = 0;
  g_autoptr(GError) err = NULL;
  JsonNode *v = arm_eval_tree(n, &C->env, &sub, &col, &err);
  if (!v && !C->cascade) {
    g_autofree char *where = g_strconcat(path, sub ? sub : "", NULL);
    ERR(C, where, "column %u: %s", col, err->message);
  }
  /* a callback that saw this failure marks it reported (cb_parameter, res_runtime) */
  C->cascade = outer;
  return v;
}

/* ---- parameters ---- */

static const char *decl_type(Param *p)
{
  JsonNode *t = arm_object_get(p->decl, "type");
  return is_str(t) ? json_node_get_string(t) : "";
}

/* Read a value as the declared type; NULL and *why when it does not fit. */
static JsonNode *coerce(Param *p, JsonNode *v, gboolean text, char **why)
{
  const char *t = decl_type(p);
  gboolean b;
  gint64 i;
  if (!g_ascii_strcasecmp(t, "string") || !g_ascii_strcasecmp(t, "securestring")) {
    if (is_str(v))
      return arm_value_dup(v);
  } else if (!g_ascii_strcasecmp(t, "int")) {
    if (read_int(v, &i))
      return json_node_init_int(json_node_alloc(), i);
  } else if (!g_ascii_strcasecmp(t, "bool")) {
    if (read_bool(v, &b))
      return json_node_init_boolean(json_node_alloc(), b);
  } else if (!g_ascii_strcasecmp(t, "array") || !g_ascii_strcasecmp(t, "object") ||
             !g_ascii_strcasecmp(t, "secureobject")) {
    gboolean arr = !g_ascii_strcasecmp(t, "array");
    if (text && is_str(v)) {
      g_autoptr(JsonParser) jp = json_parser_new();
      if (json_parser_load_from_data(jp, json_node_get_string(v), -1, NULL)) {
        JsonNode *r = json_parser_get_root(jp);
        if (arr ? is_arr(r) : is_obj(r))
          return arm_value_dup(r);
      }
    } else if (arr ? is_arr(v) : is_obj(v)) {
      return arm_value_dup(v);
    }
  } else {
    *why = g_strdup_printf("unknown parameter type '%s' (string, securestring, int, bool, "
                           "array, object, secureObject)", t);
    return NULL;
  }
  g_autofree char *shown = is_str(v) ? g_strdup_printf("'%s'", json_node_get_string(v))
                                     : json_to_string(v, FALSE);
  *why = g_strdup_printf("%s is not a valid %s", shown, t);
  return NULL;
}

static gboolean param_check(Ctx *C, Param *p, JsonNode *v, const char *file, const char *path)
{
  JsonNode *allowed = arm_object_get(p->decl, "allowedValues");
  if (is_arr(allowed)) {
    JsonArray *a = json_node_get_array(allowed);
    gboolean ok = FALSE;
    g_autoptr(GString) list = g_string_new(NULL);
    for (guint i = 0; i < json_array_get_length(a); i++) {
      JsonNode *e = json_array_get_element(a, i);
      if (json_node_equal(e, v) ||
          (is_str(e) && is_str(v) &&
           !g_ascii_strcasecmp(json_node_get_string(e), json_node_get_string(v))))
        ok = TRUE;
      g_autofree char *s = arm_value_to_string(e);
      g_string_append_printf(list, "%s%s", i ? ", " : "", s);
    }
    if (!ok) {
      g_autofree char *s = arm_value_to_string(v);
      add_problem(C, ARM_SEV_ERROR, file, path,
                  "parameter '%s': '%s' is not one of its allowedValues (%s)", p->name, s,
                  list->str);
      return FALSE;
    }
  }
  gint64 lim;
  if (is_int(v)) {
    if (read_int(arm_object_get(p->decl, "minValue"), &lim) && json_node_get_int(v) < lim) {
      add_problem(C, ARM_SEV_ERROR, file, path, "parameter '%s': %" G_GINT64_FORMAT
                  " is below its minValue %" G_GINT64_FORMAT, p->name, json_node_get_int(v), lim);
      return FALSE;
    }
    if (read_int(arm_object_get(p->decl, "maxValue"), &lim) && json_node_get_int(v) > lim) {
      add_problem(C, ARM_SEV_ERROR, file, path, "parameter '%s': %" G_GINT64_FORMAT
                  " is above its maxValue %" G_GINT64_FORMAT, p->name, json_node_get_int(v), lim);
      return FALSE;
    }
  }
  gint64 len = is_str(v)   ? g_utf8_strlen(json_node_get_string(v), -1)
               : is_arr(v) ? (gint64)json_array_get_length(json_node_get_array(v))
                           : -1;
  if (len >= 0) {
    if (read_int(arm_object_get(p->decl, "minLength"), &lim) && len < lim) {
      add_problem(C, ARM_SEV_ERROR, file, path,
                  "parameter '%s': length %" G_GINT64_FORMAT " is below its minLength %" G_GINT64_FORMAT,
                  p->name, len, lim);
      return FALSE;
    }
    if (read_int(arm_object_get(p->decl, "maxLength"), &lim) && len > lim) {
      add_problem(C, ARM_SEV_ERROR, file, path,
                  "parameter '%s': length %" G_GINT64_FORMAT " is above its maxLength %" G_GINT64_FORMAT,
                  p->name, len, lim);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean param_eval(Ctx *C, Param *p)
{
  if (p->state == ST_DONE)
    return TRUE;
  if (p->state == ST_FAILED)
    return FALSE;
  if (p->state == ST_BUSY) {
    ERR(C, p->path, "parameter '%s' refers to itself through its defaultValue", p->name);
    p->state = ST_FAILED;
    return FALSE;
  }
  p->state = ST_BUSY;
  const char *file = C->tpl_file;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) raw = NULL;
  if (p->given) {
    file = p->given_file;
    path = g_strdup(p->given_path);
    raw = arm_value_dup(p->given);
  } else {
    JsonNode *d = arm_object_get(p->decl, "defaultValue");
    path = g_strconcat(p->path, ".defaultValue", NULL);
    if (!d) {
      ERR(C, p->path, "parameter '%s' has no defaultValue and no value was given "
          "(--parameters FILE or --set %s=VALUE)", p->name, p->name);
      p->state = ST_FAILED;
      return FALSE;
    }
    raw = ev(C, d, path);
    if (!raw) {
      p->state = ST_FAILED;
      return FALSE;
    }
  }
  g_autofree char *why = NULL;
  p->value = coerce(p, raw, p->given_text, &why);
  if (!p->value) {
    add_problem(C, ARM_SEV_ERROR, file, path, "parameter '%s': %s", p->name, why);
    p->state = ST_FAILED;
    return FALSE;
  }
  if (!param_check(C, p, p->value, file, path)) {
    p->state = ST_FAILED;
    return FALSE;
  }
  p->state = ST_DONE;
  return TRUE;
}

/* The declared name nearest to name (compared without case, ties to the first
 * declared), for "did you mean". list holds Param or Var, both starting with the name. */
static const char *nearest_key(GPtrArray *list, const char *name)
{
  g_autoptr(GPtrArray) low = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add(low, lower(*(const char *const *)g_ptr_array_index(list, i)));
  g_autofree char *l = lower(name);
  const char *k = str_nearest(l, (const char *const *)low->pdata, low->len);
  for (guint i = 0; k && i < low->len; i++)
    if (k == g_ptr_array_index(low, i))
      return *(const char *const *)g_ptr_array_index(list, i);
  return NULL;
}

static JsonNode *cb_parameter(void *ud, const char *name, char **msg)
{
  Ctx *C = ud;
  g_autofree char *l = lower(name);
  Param *p = g_hash_table_lookup(C->params, l);
  if (!p) {
    const char *hint = nearest_key(C->param_list, name);
    *msg = hint ? g_strdup_printf("the template declares no parameter '%s' (did you mean '%s'?)",
                                  name, hint)
                : g_strdup_printf("the template declares no parameter '%s'", name);
    return NULL;
  }
  if (!param_eval(C, p)) {
    C->cascade = TRUE;
    *msg = g_strdup_printf("parameter '%s' has no valid value", p->name);
    return NULL;
  }
  return arm_value_dup(p->value);
}

static JsonNode *cb_variable(void *ud, const char *name, char **msg)
{
  Ctx *C = ud;
  g_autofree char *l = lower(name);
  Var *v = g_hash_table_lookup(C->vars, l);
  if (!v) {
    const char *hint = nearest_key(C->var_list, name);
    *msg = hint ? g_strdup_printf("the template declares no variable '%s' (did you mean '%s'?)",
                                  name, hint)
                : g_strdup_printf("the template declares no variable '%s'", name);
    return NULL;
  }
  if (v->state == ST_BUSY) {
    *msg = g_strdup_printf("variable '%s' refers to itself", v->name);
    return NULL;
  }
  if (v->state == ST_NEW) {
    v->state = ST_BUSY;
    g_autofree char *path = g_strdup_printf("variables.%s", v->name);
    v->value = ev(C, v->raw, path);
    v->state = v->value ? ST_DONE : ST_FAILED;
  }
  if (v->state == ST_FAILED) {
    C->cascade = TRUE;
    *msg = g_strdup_printf("variable '%s' has no value", v->name);
    return NULL;
  }
  return arm_value_dup(v->value);
}

/* Declarations, then the parameters file, then --set. */
static void read_parameters(Ctx *C, JsonObject *pfile_root)
{
  JsonNode *decls = arm_object_get(C->tpl, "parameters");
  if (decls && !is_obj(decls)) {
    ERR(C, "parameters", "must be an object");
    return;
  }
  JsonObject *d = decls ? json_node_get_object(decls) : NULL;
  if (d) {
    JsonObjectIter it;
    const char *k;
    JsonNode *m;
    json_object_iter_init_ordered(&it, d);
    while (json_object_iter_next_ordered(&it, &k, &m)) {
      g_autofree char *path = g_strdup_printf("parameters.%s", k);
      if (!is_obj(m)) {
        ERR(C, path, "a parameter is declared by an object with its type");
        continue;
      }
      Param *p = g_new0(Param, 1);
      p->name = g_strdup(k);
      p->path = g_steal_pointer(&path);
      p->decl = json_node_get_object(m);
      g_hash_table_insert(C->params, lower(k), p);
      g_ptr_array_add(C->param_list, p);
    }
  }
  if (pfile_root) {
    const char *pf = C->o->parameters_path;
    JsonObject *vals = pfile_root;
    const char *prefix = "";
    JsonNode *inner = arm_object_get(pfile_root, "parameters");
    if (is_obj(inner)) { /* a deployment parameters file */
      vals = json_node_get_object(inner);
      prefix = "parameters.";
    }
    JsonObjectIter it;
    const char *k;
    JsonNode *m;
    json_object_iter_init_ordered(&it, vals);
    while (json_object_iter_next_ordered(&it, &k, &m)) {
      if (!*prefix && (!strcmp(k, "$schema") || !strcmp(k, "contentVersion")))
        continue;
      g_autofree char *path = g_strdup_printf("%s%s", prefix, k);
      g_autofree char *l = lower(k);
      Param *p = g_hash_table_lookup(C->params, l);
      if (!p) {
        const char *hint = nearest_key(C->param_list, k);
        add_problem(C, ARM_SEV_ERROR, pf, path, "the template declares no parameter '%s'%s%s%s",
                    k, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        continue;
      }
      JsonNode *v = is_obj(m) ? arm_object_get(json_node_get_object(m), "value") : NULL;
      if (is_obj(m) && arm_object_get(json_node_get_object(m), "reference")) {
        add_problem(C, ARM_SEV_ERROR, pf, path,
                    "a Key Vault reference cannot be resolved here: give the value (--set %s=VALUE)", k);
        continue;
      }
      if (!v) {
        add_problem(C, ARM_SEV_ERROR, pf, path, "expected {\"value\": ...}");
        continue;
      }
      p->given = v;
      p->given_file = g_strdup(pf);
      p->given_path = g_strconcat(path, ".value", NULL);
    }
  }
  for (const char *const *s = C->o->sets; s && *s; s++) {
    const char *eq = strchr(*s, '=');
    if (!eq || eq == *s) {
      add_problem(C, ARM_SEV_ERROR, "--set", *s, "expected NAME=VALUE");
      continue;
    }
    g_autofree char *name = g_strndup(*s, (gsize)(eq - *s));
    g_autofree char *l = lower(name);
    Param *p = g_hash_table_lookup(C->params, l);
    if (!p) {
      const char *hint = nearest_key(C->param_list, name);
      add_problem(C, ARM_SEV_ERROR, "--set", name, "the template declares no parameter '%s'%s%s%s",
                  name, hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
      continue;
    }
    if (p->given_text)
      json_node_unref(p->given); /* the last --set of a name wins */
    p->given = json_node_init_string(json_node_alloc(), eq + 1);
    g_free(p->given_file);
    g_free(p->given_path);
    p->given_file = g_strdup("--set");
    p->given_path = g_strdup(name);
    p->given_text = TRUE;
  }
}

/* ---- resources ---- */

static Res *res_by_id(Ctx *C, const char *id)
{
  for (guint i = 0; i < C->res->len; i++) {
    Res *r = g_ptr_array_index(C->res, i);
    if (r->id && !g_ascii_strcasecmp(r->id, id))
      return r;
  }
  return NULL;
}

static char *make_id(Ctx *C, const char *type, const char *name)
{
  g_auto(GStrv) t = g_strsplit(type, "/", -1);
  g_auto(GStrv) n = g_strsplit(name, "/", -1);
  if (g_strv_length(t) != g_strv_length(n) + 1)
    return NULL;
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "/subscriptions/%s/resourceGroups/%s/providers/%s",
                         C->env.subscription_id, C->env.resource_group, t[0]);
  for (guint k = 0; n[k]; k++)
    g_string_append_printf(s, "/%s/%s", t[k + 1], n[k]);
  return g_string_free(s, FALSE);
}

static char *ev_string(Ctx *C, JsonObject *o, const char *key, const char *path)
{
  JsonNode *n = arm_object_get(o, key);
  g_autofree char *p = g_strdup_printf("%s.%s", path, key);
  if (!n) {
    ERR(C, path, "no '%s'", key);
    return NULL;
  }
  g_autoptr(JsonNode) v = ev(C, n, p);
  if (!v)
    return NULL;
  if (!is_str(v)) {
    ERR(C, p, "must be a string");
    return NULL;
  }
  return g_strdup(json_node_get_string(v));
}

static void collect(Ctx *C, JsonArray *a, const char *base, Res *parent)
{
  for (guint i = 0; i < json_array_get_length(a); i++) {
    JsonNode *n = json_array_get_element(a, i);
    g_autofree char *path = g_strdup_printf("%s[%u]", base, i);
    if (!is_obj(n)) {
      ERR(C, path, "a resource is an object");
      continue;
    }
    Res *r = g_new0(Res, 1);
    r->path = g_strdup(path);
    r->raw = json_node_get_object(n);
    r->rt = -1;
    g_ptr_array_add(C->res, r);
    g_autofree char *type = ev_string(C, r->raw, "type", path);
    g_autofree char *name = ev_string(C, r->raw, "name", path);
    if (!type || !name) {
      r->bad = TRUE;
      continue;
    }
    /* a nested child may give its type and name relative to its parent's */
    if (parent && !strchr(type, '/')) {
      r->type = g_strdup_printf("%s/%s", parent->type, type);
      r->name = strchr(name, '/') ? g_strdup(name) : g_strdup_printf("%s/%s", parent->name, name);
    } else {
      r->type = g_steal_pointer(&type);
      r->name = g_steal_pointer(&name);
    }
    for (int t = 0; t < RT_COUNT; t++)
      if (!g_ascii_strcasecmp(r->type, res_types[t]))
        r->rt = t;
    r->id = make_id(C, r->type, r->name);
    Res *twin = r->id ? res_by_id(C, r->id) : NULL;
    if (twin && twin != r) {
      ERR(C, path, "the template deploys '%s' (%s) twice: also %s", r->name, r->type, twin->path);
      r->bad = TRUE;
      continue;
    }
    if (!r->id) {
      ERR(C, path, "the name '%s' does not fit the type '%s' (one name segment per type "
          "segment after the namespace)", r->name, r->type);
      r->bad = TRUE;
      continue;
    }
    if (r->rt == RT_PIP)
      r->pip_index = C->n_pips++;
    if (arm_object_get(r->raw, "copy")) {
      g_autofree char *p = g_strdup_printf("%s.copy", path);
      unmapped(C, p, "resource loops (copy) are not evaluated");
    }
    JsonNode *cond = arm_object_get(r->raw, "condition");
    if (cond) {
      g_autofree char *p = g_strdup_printf("%s.condition", path);
      g_autoptr(JsonNode) v = ev(C, cond, p);
      gboolean b;
      if (v && !read_bool(v, &b))
        ERR(C, p, "must be a bool");
      else if (v && !b)
        r->off = TRUE;
    }
    JsonNode *kids = arm_object_get(r->raw, "resources");
    if (kids && is_arr(kids)) {
      g_autofree char *kb = g_strdup_printf("%s.resources", path);
      collect(C, json_node_get_array(kids), kb, r);
    } else if (kids) {
      g_autofree char *p = g_strdup_printf("%s.resources", path);
      ERR(C, p, "must be an array");
    }
  }
}

static JsonNode *res_props(Ctx *C, Res *r)
{
  if (r->state == ST_DONE)
    return r->props;
  if (r->state != ST_NEW)
    return NULL;
  r->state = ST_BUSY;
  JsonNode *p = arm_object_get(r->raw, "properties");
  g_autofree char *path = g_strdup_printf("%s.properties", r->path);
  if (!p)
    r->props = json_node_init_object(json_node_alloc(), json_object_new());
  else if (!is_obj(p))
    ERR(C, path, "must be an object");
  else
    r->props = ev(C, p, path);
  r->state = r->props ? ST_DONE : ST_FAILED;
  return r->props;
}

/* The documentation addresses handed out for public IPs (RFC 5737 TEST-NET-3), in the
 * template's order of publicIPAddresses resources, from .10 as the bundled scenarios. */
static char *pip_address(const Res *r)
{
  return g_strdup_printf("203.0.113.%d", 10 + r->pip_index);
}

static gboolean subnet_prefix(Ctx *C, const char *subnet_id, Ipv4Prefix *out);
static Res *runtime_gateway_subnet(Ctx *C, Res *gw, Ipv4Prefix *pfx);

static JsonNode *res_runtime(Ctx *C, Res *r, char **msg)
{
  if (r->runtime)
    return r->runtime;
  if (r->state == ST_BUSY) {
    *msg = g_strdup_printf("reference() to '%s' from inside its own properties", r->name);
    return NULL;
  }
  JsonNode *p = res_props(C, r);
  if (!p) {
    C->cascade = TRUE;
    *msg = g_strdup_printf("resource '%s' has no valid properties", r->name);
    return NULL;
  }
  JsonNode *rt = arm_value_dup(p);
  JsonObject *o = json_node_get_object(rt);
  json_object_set_string_member(o, "provisioningState", "Succeeded");
  if (r->rt == RT_PIP) {
    g_autofree char *a = pip_address(r);
    json_object_set_string_member(o, "ipAddress", a);
  } else if (r->rt == RT_VGW) {
    /* facts 5: the BGP address is the GatewaySubnet's last usable address (active-standby)
     * or .4 and .5 (active-active), one per instance in the order of the public IPs */
    Ipv4Prefix gs;
    gboolean aa = FALSE;
    read_bool(arm_object_get(o, "activeActive"), &aa);
    JsonNode *bn = arm_object_get(o, "bgpSettings");
    JsonObject *b = is_obj(bn) ? json_node_get_object(bn) : NULL;
    if (!b) {
      b = json_object_new();
      json_object_set_object_member(o, "bgpSettings", b);
    }
    if (!arm_object_get(b, "asn"))
      json_object_set_int_member(b, "asn", 65515);
    if (runtime_gateway_subnet(C, r, &gs)) {
      char a1[IPV4_ADDR_STRLEN], a2[IPV4_ADDR_STRLEN];
      Ipv4Addr last = ipv4_prefix_last(gs), first = ipv4_prefix_first(gs);
      if (aa) {
        ipv4_addr_format((Ipv4Addr){first.v + 4}, a1);
        ipv4_addr_format((Ipv4Addr){first.v + 5}, a2);
      } else {
        ipv4_addr_format((Ipv4Addr){last.v - 1}, a1);
      }
      g_autofree char *both = aa ? g_strdup_printf("%s,%s", a1, a2) : g_strdup(a1);
      json_object_set_string_member(b, "bgpPeeringAddress", both);
      JsonArray *list = json_array_new();
      JsonNode *ics = arm_object_get(o, "ipConfigurations");
      guint n = is_arr(ics) ? json_array_get_length(json_node_get_array(ics)) : 0;
      for (guint i = 0; i < MAX(n, 1u) && i < 2; i++) {
        JsonObject *e = json_object_new();
        JsonNode *ic = n ? json_array_get_element(json_node_get_array(ics), i) : NULL;
        JsonNode *icn = is_obj(ic) ? arm_object_get(json_node_get_object(ic), "name") : NULL;
        g_autofree char *icid = g_strdup_printf("%s/ipConfigurations/%s", r->id,
                                                is_str(icn) ? json_node_get_string(icn) : "default");
        json_object_set_string_member(e, "ipconfigurationId", icid);
        JsonArray *d = json_array_new();
        json_array_add_string_element(d, i ? a2 : a1);
        json_object_set_array_member(e, "defaultBgpIpAddresses", d);
        json_object_set_array_member(e, "customBgpIpAddresses", json_array_new());
        json_array_add_object_element(list, e);
      }
      json_object_set_array_member(b, "bgpPeeringAddresses", list);
    }
  }
  r->runtime = rt;
  return rt;
}

static JsonNode *cb_reference(void *ud, const char *what, char **msg)
{
  Ctx *C = ud;
  Res *r = NULL;
  if (what[0] == '/') {
    r = res_by_id(C, what);
  } else {
    for (guint i = 0; i < C->res->len; i++) {
      Res *x = g_ptr_array_index(C->res, i);
      if (x->name && !g_ascii_strcasecmp(x->name, what)) {
        if (r) {
          *msg = g_strdup_printf("reference('%s'): several resources have that name; give "
                                 "resourceId(...)", what);
          return NULL;
        }
        r = x;
      }
    }
  }
  if (!r) {
    *msg = g_strdup_printf("reference() to '%s', which the template does not deploy", what);
    return NULL;
  }
  if (r->off) {
    *msg = g_strdup_printf("reference() to '%s', whose condition is false", r->name);
    return NULL;
  }
  JsonNode *rt = res_runtime(C, r, msg);
  return rt ? arm_value_dup(rt) : NULL;
}

/* ---- mapping helpers: members taken one by one, the rest reported ---- */

typedef struct {
  Ctx *C;
  JsonObject *o;
  char *path;
  GHashTable *taken;
} Obj;

static void obj_init(Obj *x, Ctx *C, JsonObject *o, const char *path)
{
  x->C = C;
  x->o = o;
  x->path = g_strdup(path);
  x->taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static JsonNode *take(Obj *x, const char *key)
{
  JsonObjectIter it;
  const char *k;
  JsonNode *m;
  json_object_iter_init_ordered(&it, x->o);
  while (json_object_iter_next_ordered(&it, &k, &m))
    if (!g_ascii_strcasecmp(k, key)) {
      g_hash_table_add(x->taken, lower(k));
      return is_null(m) ? NULL : m;
    }
  return NULL;
}

static char *sub_path(const Obj *x, const char *key)
{
  return g_strdup_printf("%s.%s", x->path, key);
}

/* Report every member not taken, except those ignored; frees x. */
static void obj_done(Obj *x, const char *const *ignored, const char *why)
{
  JsonObjectIter it;
  const char *k;
  JsonNode *m;
  json_object_iter_init_ordered(&it, x->o);
  while (json_object_iter_next_ordered(&it, &k, &m)) {
    g_autofree char *l = lower(k);
    if (g_hash_table_contains(x->taken, l))
      continue;
    gboolean ign = FALSE;
    for (const char *const *i = ignored; i && *i && !ign; i++)
      ign = !g_ascii_strcasecmp(*i, k);
    if (ign)
      continue;
    g_autofree char *p = sub_path(x, k);
    unmapped(x->C, p, why ? why : "the scenario format has no such property (docs/cloud-section.md)");
  }
  g_free(x->path);
  g_hash_table_unref(x->taken);
}

static gboolean child_obj(Obj *x, const char *key, Obj *out)
{
  JsonNode *n = take(x, key);
  if (!n)
    return FALSE;
  g_autofree char *p = sub_path(x, key);
  if (!is_obj(n)) {
    ERR(x->C, p, "must be an object");
    return FALSE;
  }
  obj_init(out, x->C, json_node_get_object(n), p);
  return TRUE;
}

static JsonArray *child_arr(Obj *x, const char *key)
{
  JsonNode *n = take(x, key);
  if (!n)
    return NULL;
  if (!is_arr(n)) {
    g_autofree char *p = sub_path(x, key);
    ERR(x->C, p, "must be an array");
    return NULL;
  }
  return json_node_get_array(n);
}

static const char *get_str(Obj *x, const char *key)
{
  JsonNode *n = take(x, key);
  if (!n)
    return NULL;
  if (!is_str(n)) {
    g_autofree char *p = sub_path(x, key);
    ERR(x->C, p, "must be a string");
    return NULL;
  }
  return json_node_get_string(n);
}

/* ---- YAML out ---- */

static gboolean plain_ok(const char *s)
{
  static const char *const reserved[] = {"true", "false", "yes", "no", "on", "off", "null",
                                         "y", "n", "~", NULL};
  if (!*s || !(g_ascii_isalnum(s[0])))
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!(g_ascii_isalnum(*c) || strchr("._/-@", *c)))
      return FALSE;
  for (const char *const *r = reserved; *r; r++)
    if (!g_ascii_strcasecmp(s, *r))
      return FALSE;
  char *end;
  g_ascii_strtod(s, &end);
  return *end != 0;
}

static void y_str(GString *y, const char *s)
{
  if (plain_ok(s)) {
    g_string_append(y, s);
    return;
  }
  g_string_append_c(y, '"');
  for (const char *c = s; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_printf(y, "\\%c", *c);
    else if ((unsigned char)*c < 0x20)
      g_string_append_printf(y, "\\x%02x", (unsigned char)*c);
    else
      g_string_append_c(y, *c);
  }
  g_string_append_c(y, '"');
}

/* A scalar member: strings, ints and booleans. Where the cloud section takes a boolean
 * ('?') or an integer ('#'), the strings "true"/"false" and digit strings are read as one. */
static gboolean y_scalar(GString *y, Obj *x, JsonNode *n, const char *key, char want)
{
  gboolean b;
  gint64 i;
  gboolean want_bool = want == '?';
  if (want == '#') {
    if (!read_int(n, &i)) {
      g_autofree char *p = sub_path(x, key);
      ERR(x->C, p, "must be an int");
      return FALSE;
    }
    g_string_append_printf(y, "%" G_GINT64_FORMAT, i);
    return TRUE;
  }
  if (want_bool) {
    if (!read_bool(n, &b)) {
      g_autofree char *p = sub_path(x, key);
      ERR(x->C, p, "must be a bool (true/false)");
      return FALSE;
    }
    g_string_append(y, b ? "true" : "false");
    return TRUE;
  }
  if (is_str(n))
    y_str(y, json_node_get_string(n));
  else if (is_int(n))
    g_string_append_printf(y, "%" G_GINT64_FORMAT, json_node_get_int(n));
  else if (is_bool(n))
    g_string_append(y, json_node_get_boolean(n) ? "true" : "false");
  else {
    g_autofree char *p = sub_path(x, key);
    ERR(x->C, p, "must be a string, an int or a bool");
    return FALSE;
  }
  return TRUE;
}

/* "key: value" lines at an indent for the keys given, in the order given. Keys ending in
 * '?' are booleans, in '#' integers. */
static void y_members(GString *y, Obj *x, const char *indent, const char *const *keys)
{
  for (const char *const *k = keys; *k; k++) {
    size_t len = strlen(*k);
    char want = strchr("?#", (*k)[len - 1]) ? (*k)[len - 1] : 0;
    g_autofree char *key = g_strndup(*k, want ? len - 1 : len);
    JsonNode *n = take(x, key);
    if (!n)
      continue;
    GString *line = g_string_new(NULL);
    g_string_append_printf(line, "%s%s: ", indent, key);
    if (y_scalar(line, x, n, key, want))
      g_string_append_printf(y, "%s\n", line->str);
    g_string_free(line, TRUE);
  }
}

/* A list of strings as a flow sequence "[a, b]"; FALSE (reported) when not strings. */
static gboolean y_str_list(GString *y, Ctx *C, JsonArray *a, const char *path)
{
  g_string_append_c(y, '[');
  for (guint i = 0; a && i < json_array_get_length(a); i++) {
    JsonNode *e = json_array_get_element(a, i);
    if (!is_str(e)) {
      g_autofree char *p = g_strdup_printf("%s[%u]", path, i);
      ERR(C, p, "must be a string");
      return FALSE;
    }
    if (i)
      g_string_append(y, ", ");
    y_str(y, json_node_get_string(e));
  }
  g_string_append_c(y, ']');
  return TRUE;
}

/* ARM's AddressSpace {addressPrefixes: [...]} at x.key, as a flow list; NULL if absent. */
static char *address_space(Obj *x, const char *key)
{
  Obj as;
  if (!child_obj(x, key, &as))
    return NULL;
  JsonArray *a = child_arr(&as, "addressPrefixes");
  g_autofree char *p = sub_path(&as, "addressPrefixes");
  GString *y = g_string_new(NULL);
  gboolean ok = y_str_list(y, x->C, a, p);
  obj_done(&as, NULL, NULL);
  return g_string_free(y, !ok);
}

/* ---- what the mapper builds ---- */

typedef struct {
  Res *r;
  char *name;
  char *space; /* flow list */
  GPtrArray *subnets; /* char *: "{name: x, addressPrefix: y}" */
  GPtrArray *subnet_names;
  GPtrArray *subnet_prefixes; /* char * */
} VnetOut;

typedef struct {
  Res *r;
  char *name, *vnet;
  GString *y; /* members after name and virtualNetwork */
  GPtrArray *nat;       /* flow mappings */
  GPtrArray *nat_names; /* char * */
  GPtrArray *nat_lan;   /* char *: an IngressSnat rule's internal prefixes "a, b", else "" */
  GPtrArray *ipc_names; /* char *: the names of its ipConfigurations, in order */
} GwOut;

typedef struct {
  Res *r;
  char *name, *ip, *prefixes;
  char *bgp_asn, *bgp_addr; /* bgpSettings.asn and .bgpPeeringAddress, or NULL */
  GString *y;
} LngOut;

typedef struct {
  Res *r;
  char *name, *gw1, *lng2, *gw2, *type, *protocol, *mode, *key;
  GPtrArray *ingress; /* the names of its ingressNatRules */
  gboolean pbts;
  JsonObject *policy; /* ipsecPolicies[0], borrowed from the resource's properties */
  char *policy_path;
  GString *y;
} ConnOut;

typedef struct {
  GPtrArray *vnets, *gws, *lngs, *conns;
} Out;

static VnetOut *find_vnet(Out *out, const char *name)
{
  for (guint i = 0; i < out->vnets->len; i++) {
    VnetOut *v = g_ptr_array_index(out->vnets, i);
    if (!g_ascii_strcasecmp(v->name, name))
      return v;
  }
  return NULL;
}

static void add_subnet(Ctx *C, VnetOut *v, const char *name, Obj *props, const char *path)
{
  const char *pfx = get_str(props, "addressPrefix");
  JsonArray *many = child_arr(props, "addressPrefixes");
  if (!pfx && many && json_array_get_length(many) == 1 &&
      is_str(json_array_get_element(many, 0)))
    pfx = json_array_get_string_element(many, 0);
  else if (many) {
    g_autofree char *p = sub_path(props, "addressPrefixes");
    unmapped(C, p, "a subnet has one addressPrefix in the scenario format");
  }
  if (!pfx) {
    ERR(C, path, "subnet '%s' has no addressPrefix", name);
    return;
  }
  GString *y = g_string_new("{name: ");
  y_str(y, name);
  g_string_append(y, ", addressPrefix: ");
  y_str(y, pfx);
  g_string_append(y, "}");
  g_ptr_array_add(v->subnets, g_string_free(y, FALSE));
  g_ptr_array_add(v->subnet_names, g_strdup(name));
  g_ptr_array_add(v->subnet_prefixes, g_strdup(pfx));
}

static const char *const subnet_ignored[] = {"privateEndpointNetworkPolicies",
                                             "privateLinkServiceNetworkPolicies",
                                             "provisioningState", NULL};

static void map_vnet(Ctx *C, Out *out, Res *r, JsonNode *props)
{
  VnetOut *v = g_new0(VnetOut, 1);
  v->r = r;
  v->name = g_strdup(r->name);
  v->subnets = g_ptr_array_new_with_free_func(g_free);
  v->subnet_names = g_ptr_array_new_with_free_func(g_free);
  v->subnet_prefixes = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(out->vnets, v);
  Obj x;
  g_autofree char *path = g_strdup_printf("%s.properties", r->path);
  obj_init(&x, C, json_node_get_object(props), path);
  v->space = address_space(&x, "addressSpace");
  if (!v->space)
    ERR(C, path, "virtual network '%s' has no addressSpace.addressPrefixes", r->name);
  JsonArray *subs = child_arr(&x, "subnets");
  for (guint i = 0; subs && i < json_array_get_length(subs); i++) {
    JsonNode *s = json_array_get_element(subs, i);
    g_autofree char *sp = g_strdup_printf("%s.subnets[%u]", path, i);
    if (!is_obj(s)) {
      ERR(C, sp, "a subnet is an object");
      continue;
    }
    Obj so, pp;
    obj_init(&so, C, json_node_get_object(s), sp);
    const char *name = get_str(&so, "name");
    if (!name)
      ERR(C, sp, "a subnet needs a name");
    if (child_obj(&so, "properties", &pp)) {
      if (name)
        add_subnet(C, v, name, &pp, sp);
      obj_done(&pp, subnet_ignored, "vpnsim models a subnet's address prefix only");
    } else if (name) {
      ERR(C, sp, "subnet '%s' has no properties.addressPrefix", name);
    }
    static const char *const ign[] = {"id", "type", NULL};
    obj_done(&so, ign, NULL);
  }
  obj_done(&x, (const char *const[]){"provisioningState", "resourceGuid", NULL},
           "vpnsim models a virtual network's address space and subnets only");
}

static void map_subnet_child(Ctx *C, Out *out, Res *r, JsonNode *props)
{
  g_auto(GStrv) n = g_strsplit(r->name, "/", 2);
  VnetOut *v = find_vnet(out, n[0]);
  if (!v) {
    ERR(C, r->path, "subnet '%s': its virtual network '%s' is not in the template", r->name, n[0]);
    return;
  }
  Obj x;
  g_autofree char *path = g_strdup_printf("%s.properties", r->path);
  obj_init(&x, C, json_node_get_object(props), path);
  add_subnet(C, v, n[1], &x, r->path);
  obj_done(&x, subnet_ignored, "vpnsim models a subnet's address prefix only");
}

/* A reference {id: "..."} at x.key to a resource of a type: the resource, or NULL
 * (reported: a dangling id). */
static Res *get_ref(Obj *x, const char *key, ResType want, gboolean required)
{
  Ctx *C = x->C;
  JsonNode *n = take(x, key);
  g_autofree char *p = sub_path(x, key);
  if (!n) {
    if (required)
      ERR(C, x->path, "no %s", key);
    return NULL;
  }
  if (!is_obj(n)) {
    ERR(C, p, "must be an object {\"id\": ...}");
    return NULL;
  }
  Obj ro;
  obj_init(&ro, C, json_node_get_object(n), p);
  const char *id = get_str(&ro, "id");
  g_autofree char *idp = sub_path(&ro, "id");
  /* a template may pass the whole resource (reference(...)); only the id is read */
  obj_done(&ro, (const char *const[]){"properties", "name", "type", "location", NULL}, NULL);
  if (!id) {
    ERR(C, p, "no id");
    return NULL;
  }
  Res *r = res_by_id(C, id);
  if (!r || r->bad) {
    ERR(C, idp, "'%s' names a resource the template does not deploy (a dangling resourceId)", id);
    return NULL;
  }
  if (r->off) {
    ERR(C, idp, "'%s' names a resource whose condition is false", r->name);
    return NULL;
  }
  if ((int)want != r->rt) {
    ERR(C, idp, "'%s' is a %s, not a %s", r->name, r->type, res_types[want]);
    return NULL;
  }
  return r;
}

/* A subnet id "/.../virtualNetworks/V/subnets/S": V's name and S's, checked to exist. */
static gboolean split_subnet_id(const char *id, char **vnet, char **subnet)
{
  const char *v = NULL, *s = NULL;
  g_auto(GStrv) seg = g_strsplit(id, "/", -1);
  for (guint i = 0; seg[i]; i++) {
    if (!g_ascii_strcasecmp(seg[i], "virtualNetworks") && seg[i + 1])
      v = seg[i + 1];
    if (!g_ascii_strcasecmp(seg[i], "subnets") && seg[i + 1])
      s = seg[i + 1];
  }
  if (!v || !s)
    return FALSE;
  *vnet = g_strdup(v);
  *subnet = g_strdup(s);
  return TRUE;
}

/* The prefix of a subnet id, from its VNet resource's subnets or a subnet resource. */
static gboolean subnet_prefix(Ctx *C, const char *subnet_id, Ipv4Prefix *out)
{
  g_autofree char *vn = NULL, *sn = NULL;
  if (!split_subnet_id(subnet_id, &vn, &sn))
    return FALSE;
  for (guint i = 0; i < C->res->len; i++) {
    Res *r = g_ptr_array_index(C->res, i);
    if (r->bad || r->off)
      continue;
    JsonNode *pfx = NULL;
    if (r->rt == RT_SUBNET && !g_ascii_strcasecmp(r->id, subnet_id)) {
      JsonNode *p = res_props(C, r);
      if (p)
        pfx = arm_object_get(json_node_get_object(p), "addressPrefix");
    } else if (r->rt == RT_VNET && !g_ascii_strcasecmp(r->name, vn)) {
      JsonNode *p = res_props(C, r);
      JsonNode *subs = p ? arm_object_get(json_node_get_object(p), "subnets") : NULL;
      for (guint k = 0; is_arr(subs) && k < json_array_get_length(json_node_get_array(subs)); k++) {
        JsonNode *s = json_array_get_element(json_node_get_array(subs), k);
        JsonNode *nm = is_obj(s) ? arm_object_get(json_node_get_object(s), "name") : NULL;
        JsonNode *sp = is_obj(s) ? arm_object_get(json_node_get_object(s), "properties") : NULL;
        if (is_str(nm) && !g_ascii_strcasecmp(json_node_get_string(nm), sn) && is_obj(sp))
          pfx = arm_object_get(json_node_get_object(sp), "addressPrefix");
      }
    }
    if (is_str(pfx) && ipv4_prefix_parse(json_node_get_string(pfx), out) == IPV4_PARSE_OK)
      return TRUE;
  }
  return FALSE;
}

static Res *runtime_gateway_subnet(Ctx *C, Res *gw, Ipv4Prefix *pfx)
{
  JsonNode *p = gw->props;
  JsonNode *ics = p ? arm_object_get(json_node_get_object(p), "ipConfigurations") : NULL;
  if (!is_arr(ics) || !json_array_get_length(json_node_get_array(ics)))
    return NULL;
  JsonNode *ic = json_array_get_element(json_node_get_array(ics), 0);
  JsonNode *pp = is_obj(ic) ? arm_object_get(json_node_get_object(ic), "properties") : NULL;
  JsonNode *sn = is_obj(pp) ? arm_object_get(json_node_get_object(pp), "subnet") : NULL;
  JsonNode *id = is_obj(sn) ? arm_object_get(json_node_get_object(sn), "id") : NULL;
  if (!is_str(id) || !subnet_prefix(C, json_node_get_string(id), pfx))
    return NULL;
  return gw;
}

static void map_nat_rule(Ctx *C, GwOut *g, JsonObject *ruleobj, const char *name, const char *path,
                         gboolean props_only)
{
  Obj x, pp;
  obj_init(&x, C, ruleobj, path);
  const char *nm = name;
  gboolean have_props;
  if (props_only) {
    pp = x;
    have_props = TRUE;
  } else {
    nm = get_str(&x, "name");
    have_props = child_obj(&x, "properties", &pp);
  }
  if (!nm) {
    ERR(C, path, "a NAT rule needs a name");
  } else if (!have_props) {
    ERR(C, path, "NAT rule '%s' has no properties", nm);
  } else {
    GString *y = g_string_new("{name: ");
    y_str(y, nm);
    static const char *const keys[] = {"type", "mode", NULL};
    gboolean ingress = is_str(arm_object_get(pp.o, "mode")) &&
                       !g_ascii_strcasecmp(json_node_get_string(arm_object_get(pp.o, "mode")),
                                           "IngressSnat");
    GString *lan = g_string_new(NULL);
    for (const char *const *k = keys; *k; k++) {
      JsonNode *n = take(&pp, *k);
      if (n) {
        g_string_append_printf(y, ", %s: ", *k);
        y_scalar(y, &pp, n, *k, 0);
      }
    }
    static const char *const maps[] = {"internalMappings", "externalMappings", NULL};
    for (const char *const *k = maps; *k; k++) {
      JsonArray *a = child_arr(&pp, *k);
      g_string_append_printf(y, ", %s: [", *k);
      for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonNode *m = json_array_get_element(a, i);
        g_autofree char *mp = g_strdup_printf("%s.%s[%u]", pp.path, *k, i);
        if (!is_obj(m)) {
          ERR(C, mp, "a mapping is an object {\"addressSpace\": ...}");
          continue;
        }
        Obj mo;
        obj_init(&mo, C, json_node_get_object(m), mp);
        const char *as = get_str(&mo, "addressSpace");
        const char *pr = get_str(&mo, "portRange");
        if (as) {
          g_string_append(y, i ? ", " : "");
          /* a single-port mapping (facts 6): ARM's object as it is; the scenario's rules
           * (GW-NAT-014, -015) judge the port */
          if (pr && *pr)
            g_string_append(y, "{addressSpace: ");
          y_str(y, as);
          if (pr && *pr) {
            g_string_append(y, ", portRange: ");
            y_str(y, pr);
            g_string_append(y, "}");
          }
          if (ingress && k == maps) {
            g_string_append(lan, lan->len ? ", " : "");
            y_str(lan, as);
          }
        } else {
          ERR(C, mp, "no addressSpace");
        }
        obj_done(&mo, NULL, NULL);
      }
      g_string_append(y, "]");
    }
    /* ".../ipConfigurations/NAME": the instance the rule applies on. The scenario names
     * Azure's two configurations default (instance 0) and activeActive (instance 1); any
     * other name is taken by its place among the gateway's ipConfigurations. */
    const char *ipc = get_str(&pp, "ipConfigurationId");
    if (ipc && *ipc) {
      const char *slash = strrchr(ipc, '/');
      const char *icn = slash ? slash + 1 : ipc;
      const char *as = NULL;
      if (!g_ascii_strcasecmp(icn, "default"))
        as = "default";
      else if (!g_ascii_strcasecmp(icn, "activeActive"))
        as = "activeActive";
      for (guint k = 0; !as && k < g->ipc_names->len && k < 2; k++)
        if (!g_ascii_strcasecmp(icn, g_ptr_array_index(g->ipc_names, k)))
          as = k ? "activeActive" : "default";
      if (as) {
        g_string_append_printf(y, ", ipConfigurationId: %s", as);
      } else {
        g_autofree char *ip = sub_path(&pp, "ipConfigurationId");
        unmapped(C, ip, "names no IP configuration of the gateway's first two");
      }
    }
    g_string_append(y, "}");
    g_ptr_array_add(g->nat, g_string_free(y, FALSE));
    g_ptr_array_add(g->nat_names, g_strdup(nm));
    g_ptr_array_add(g->nat_lan, g_string_free(lan, FALSE));
    if (!props_only)
      obj_done(&pp, (const char *const[]){"provisioningState", NULL}, NULL);
  }
  obj_done(&x, (const char *const[]){"id", "type", "etag", "provisioningState", NULL}, NULL);
}

static void map_gateway(Ctx *C, Out *out, Res *r, JsonNode *props)
{
  GwOut *g = g_new0(GwOut, 1);
  g->r = r;
  g->name = g_strdup(r->name);
  g->y = g_string_new(NULL);
  g->nat = g_ptr_array_new_with_free_func(g_free);
  g->nat_names = g_ptr_array_new_with_free_func(g_free);
  g->nat_lan = g_ptr_array_new_with_free_func(g_free);
  g->ipc_names = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(out->gws, g);
  Obj x;
  g_autofree char *path = g_strdup_printf("%s.properties", r->path);
  obj_init(&x, C, json_node_get_object(props), path);

  /* ipConfigurations: the GatewaySubnet (so the VNet) and one public IP per instance */
  JsonArray *ics = child_arr(&x, "ipConfigurations");
  g_autoptr(GPtrArray) pips = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) icnames = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; ics && i < json_array_get_length(ics); i++) {
    JsonNode *ic = json_array_get_element(ics, i);
    g_autofree char *ip = g_strdup_printf("%s.ipConfigurations[%u]", path, i);
    if (!is_obj(ic)) {
      ERR(C, ip, "an IP configuration is an object");
      continue;
    }
    Obj io, pp;
    obj_init(&io, C, json_node_get_object(ic), ip);
    const char *icn = get_str(&io, "name");
    g_ptr_array_add(icnames, g_strdup(icn ? icn : ""));
    g_ptr_array_add(g->ipc_names, g_strdup(icn ? icn : ""));
    if (child_obj(&io, "properties", &pp)) {
      Obj so;
      if (child_obj(&pp, "subnet", &so)) {
        const char *sid = get_str(&so, "id");
        g_autofree char *sidp = sub_path(&so, "id");
        g_autofree char *vn = NULL, *sn = NULL;
        Ipv4Prefix dummy;
        if (!sid) {
          ERR(C, so.path, "no id");
        } else if (!split_subnet_id(sid, &vn, &sn) || !subnet_prefix(C, sid, &dummy)) {
          ERR(C, sidp, "'%s' names a subnet the template does not deploy (a dangling resourceId)", sid);
        } else if (g->vnet && g_ascii_strcasecmp(g->vnet, vn)) {
          ERR(C, sidp, "the gateway's IP configurations lie in two virtual networks (%s, %s)",
              g->vnet, vn);
        } else {
          if (g_ascii_strcasecmp(sn, "GatewaySubnet"))
            ERR(C, sidp, "a gateway's IP configuration is in the subnet named GatewaySubnet, "
                "not '%s'", sn);
          if (!g->vnet) {
            Res *vr = NULL;
            for (guint k = 0; k < C->res->len && !vr; k++) {
              Res *c = g_ptr_array_index(C->res, k);
              if (c->rt == RT_VNET && !c->off && !g_ascii_strcasecmp(c->name, vn))
                vr = c;
            }
            g->vnet = g_strdup(vr ? vr->name : vn);
          }
        }
        obj_done(&so, NULL, NULL);
      } else {
        ERR(C, pp.path, "no subnet");
      }
      Res *pip = get_ref(&pp, "publicIPAddress", RT_PIP, TRUE);
      if (pip)
        g_ptr_array_add(pips, pip_address(pip));
      obj_done(&pp, (const char *const[]){"privateIPAllocationMethod", "privateIPAddress",
                                         "provisioningState", NULL},
               NULL);
    } else {
      ERR(C, ip, "no properties");
    }
    obj_done(&io, (const char *const[]){"id", "etag", NULL}, NULL);
  }
  if (!ics || !json_array_get_length(ics))
    ERR(C, path, "gateway '%s' has no ipConfigurations", r->name);

  static const char *const keys[] = {"gatewayType", "vpnType", NULL};
  y_members(g->y, &x, "      ", keys);
  Obj sku;
  if (child_obj(&x, "sku", &sku)) {
    const char *sn = get_str(&sku, "name");
    const char *tier = get_str(&sku, "tier");
    if (sn) {
      g_string_append(g->y, "      sku: ");
      y_str(g->y, sn);
      g_string_append_c(g->y, '\n');
    }
    if (tier && sn && g_ascii_strcasecmp(tier, sn)) {
      g_autofree char *tp = sub_path(&sku, "tier");
      ERR(C, tp, "the tier '%s' differs from the SKU name '%s'", tier, sn);
    }
    obj_done(&sku, (const char *const[]){"capacity", NULL}, NULL);
  }
  static const char *const keys2[] = {"vpnGatewayGeneration", "activeActive?", "enableBgp?",
                                      "enableBgpRouteTranslationForNat?", NULL};
  y_members(g->y, &x, "      ", keys2);

  Obj bgp;
  if (child_obj(&x, "bgpSettings", &bgp)) {
    GString *b = g_string_new(NULL);
    static const char *const bk[] = {"asn#", "peerWeight#", NULL};
    y_members(b, &bgp, "        ", bk);
    JsonNode *pa = take(&bgp, "bgpPeeringAddress");
    if (pa) {
      g_autofree char *pap = sub_path(&bgp, "bgpPeeringAddress");
      NOTE(C, pap, "Azure assigns the gateway's BGP address from the GatewaySubnet; the "
           "simulator does the same, this value is not used");
    }
    JsonArray *bpa = child_arr(&bgp, "bgpPeeringAddresses");
    g_autoptr(GString) custom = g_string_new(NULL);
    for (guint i = 0; bpa && i < json_array_get_length(bpa); i++) {
      JsonNode *e = json_array_get_element(bpa, i);
      g_autofree char *ep = g_strdup_printf("%s.bgpPeeringAddresses[%u]", bgp.path, i);
      if (!is_obj(e)) {
        ERR(C, ep, "must be an object");
        continue;
      }
      Obj eo;
      obj_init(&eo, C, json_node_get_object(e), ep);
      const char *icid = get_str(&eo, "ipconfigurationId");
      if (icid) {
        gboolean found = FALSE;
        for (guint k = 0; k < icnames->len; k++) {
          g_autofree char *suffix =
              g_strdup_printf("%s/ipConfigurations/%s", r->id, (char *)g_ptr_array_index(icnames, k));
          found |= !g_ascii_strcasecmp(icid, suffix);
        }
        if (!found) {
          g_autofree char *ip = sub_path(&eo, "ipconfigurationId");
          ERR(C, ip, "'%s' names no IP configuration of gateway '%s' (a dangling id)", icid, r->name);
        }
      }
      JsonArray *ca = child_arr(&eo, "customBgpIpAddresses");
      if (ca && json_array_get_length(ca) > 1) {
        g_autofree char *cp = sub_path(&eo, "customBgpIpAddresses");
        unmapped(C, cp, "the scenario format has one custom APIPA address per instance");
      }
      if (ca && json_array_get_length(ca) >= 1) {
        JsonNode *a = json_array_get_element(ca, 0);
        if (is_str(a)) {
          g_string_append(custom, custom->len ? ", " : "");
          y_str(custom, json_node_get_string(a));
        }
      }
      obj_done(&eo, (const char *const[]){"defaultBgpIpAddresses", "tunnelIpAddresses", NULL}, NULL);
    }
    if (custom->len)
      g_string_append_printf(b, "        customBgpIpAddresses: [%s]\n", custom->str);
    if (b->len)
      g_string_append_printf(g->y, "      bgpSettings:\n%s", b->str);
    g_string_free(b, TRUE);
    obj_done(&bgp, NULL, NULL);
  }
  if (pips->len == 1)
    g_string_append_printf(g->y, "      publicIpAddress: %s\n", (char *)pips->pdata[0]);
  else if (pips->len > 1) {
    g_string_append(g->y, "      publicIpAddresses: [");
    for (guint i = 0; i < pips->len; i++)
      g_string_append_printf(g->y, "%s%s", i ? ", " : "", (char *)pips->pdata[i]);
    g_string_append(g->y, "]\n");
  }

  JsonArray *nat = child_arr(&x, "natRules");
  for (guint i = 0; nat && i < json_array_get_length(nat); i++) {
    JsonNode *n = json_array_get_element(nat, i);
    g_autofree char *np = g_strdup_printf("%s.natRules[%u]", path, i);
    if (!is_obj(n)) {
      ERR(C, np, "a NAT rule is an object");
      continue;
    }
    map_nat_rule(C, g, json_node_get_object(n), NULL, np, FALSE);
  }

  Obj p2s;
  if (child_obj(&x, "vpnClientConfiguration", &p2s)) {
    GString *b = g_string_new(NULL);
    g_autofree char *pool = address_space(&p2s, "vpnClientAddressPool");
    if (pool)
      g_string_append_printf(b, "        vpnClientAddressPool: %s\n", pool);
    JsonArray *protos = child_arr(&p2s, "vpnClientProtocols");
    if (protos) {
      g_autofree char *pp = sub_path(&p2s, "vpnClientProtocols");
      g_string_append(b, "        vpnClientProtocols: ");
      y_str_list(b, C, protos, pp);
      g_string_append_c(b, '\n');
    }
    static const char *const pk[] = {"radiusServerAddress", NULL};
    y_members(b, &p2s, "        ", pk);
    g_string_append_printf(g->y, "      vpnClientConfiguration:\n%s", b->str);
    g_string_free(b, TRUE);
    obj_done(&p2s, NULL, "the scenario format holds the P2S address pool, protocols and "
             "RADIUS server address only");
  }
  obj_done(&x, (const char *const[]){"provisioningState", "resourceGuid", NULL}, NULL);
}

static GwOut *find_gw(Out *out, const char *name)
{
  for (guint i = 0; i < out->gws->len; i++) {
    GwOut *g = g_ptr_array_index(out->gws, i);
    if (!g_ascii_strcasecmp(g->name, name))
      return g;
  }
  return NULL;
}

static void map_nat_child(Ctx *C, Out *out, Res *r, JsonNode *props)
{
  g_auto(GStrv) n = g_strsplit(r->name, "/", 2);
  GwOut *g = find_gw(out, n[0]);
  if (!g) {
    ERR(C, r->path, "NAT rule '%s': its gateway '%s' is not in the template", r->name, n[0]);
    return;
  }
  g_autofree char *path = g_strdup_printf("%s.properties", r->path);
  map_nat_rule(C, g, json_node_get_object(props), n[1], path, TRUE);
}

static void map_lng(Ctx *C, Out *out, Res *r, JsonNode *props)
{
  LngOut *l = g_new0(LngOut, 1);
  l->r = r;
  l->name = g_strdup(r->name);
  l->y = g_string_new(NULL);
  g_ptr_array_add(out->lngs, l);
  Obj x;
  g_autofree char *path = g_strdup_printf("%s.properties", r->path);
  obj_init(&x, C, json_node_get_object(props), path);
  const char *ip = get_str(&x, "gatewayIpAddress");
  const char *fqdn = get_str(&x, "fqdn");
  if (ip) {
    l->ip = g_strdup(ip);
    g_string_append(l->y, "      gatewayIpAddress: ");
    y_str(l->y, ip);
    g_string_append_c(l->y, '\n');
  }
  if (fqdn) {
    g_string_append(l->y, "      fqdn: ");
    y_str(l->y, fqdn);
    g_string_append_c(l->y, '\n');
  }
  l->prefixes = address_space(&x, "localNetworkAddressSpace");
  if (l->prefixes)
    g_string_append_printf(l->y, "      addressPrefixes: %s\n", l->prefixes);
  Obj bgp;
  if (child_obj(&x, "bgpSettings", &bgp)) {
    /* kept for the device that stands for this site (its BGP speaker) */
    JsonNode *an = arm_object_get(bgp.o, "asn"), *pa = arm_object_get(bgp.o, "bgpPeeringAddress");
    if (an && JSON_NODE_HOLDS_VALUE(an))
      l->bgp_asn = json_node_get_value_type(an) == G_TYPE_STRING
                       ? g_strdup(json_node_get_string(an))
                       : g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(an));
    if (pa && is_str(pa))
      l->bgp_addr = g_strdup(json_node_get_string(pa));
    GString *b = g_string_new(NULL);
    static const char *const bk[] = {"asn#", "bgpPeeringAddress", "peerWeight#", NULL};
    y_members(b, &bgp, "        ", bk);
    g_string_append_printf(l->y, "      bgpSettings:\n%s", b->str);
    g_string_free(b, TRUE);
    obj_done(&bgp, NULL, NULL);
  }
  obj_done(&x, (const char *const[]){"provisioningState", "resourceGuid", NULL}, NULL);
}

static const char *const policy_keys[] = {"saLifeTimeSeconds#", "saDataSizeKilobytes#",
                                          "ipsecEncryption",   "ipsecIntegrity",
                                          "ikeEncryption",     "ikeIntegrity",
                                          "dhGroup",           "pfsGroup",
                                          NULL};

static void map_conn(Ctx *C, Out *out, Res *r, JsonNode *props)
{
  ConnOut *c = g_new0(ConnOut, 1);
  c->r = r;
  c->name = g_strdup(r->name);
  c->y = g_string_new(NULL);
  c->ingress = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(out->conns, c);
  Obj x;
  g_autofree char *path = g_strdup_printf("%s.properties", r->path);
  obj_init(&x, C, json_node_get_object(props), path);
  const char *t = get_str(&x, "connectionType");
  c->type = g_strdup(t ? t : "");
  if (t) {
    g_string_append(c->y, "      connectionType: ");
    y_str(c->y, t);
    g_string_append_c(c->y, '\n');
  } else {
    ERR(C, path, "connection '%s' has no connectionType", r->name);
  }
  Res *g1 = get_ref(&x, "virtualNetworkGateway1", RT_VGW, TRUE);
  Res *l2 = get_ref(&x, "localNetworkGateway2", RT_LNG, FALSE);
  Res *g2 = get_ref(&x, "virtualNetworkGateway2", RT_VGW, FALSE);
  if (g1) {
    c->gw1 = g_strdup(g1->name);
    g_string_append(c->y, "      virtualNetworkGateway1: ");
    y_str(c->y, g1->name);
    g_string_append_c(c->y, '\n');
  }
  if (l2) {
    c->lng2 = g_strdup(l2->name);
    g_string_append(c->y, "      localNetworkGateway2: ");
    y_str(c->y, l2->name);
    g_string_append_c(c->y, '\n');
  }
  if (g2) {
    c->gw2 = g_strdup(g2->name);
    g_string_append(c->y, "      virtualNetworkGateway2: ");
    y_str(c->y, g2->name);
    g_string_append_c(c->y, '\n');
  }
  JsonNode *n;
  if ((n = take(&x, "connectionProtocol")) && is_str(n))
    c->protocol = g_strdup(json_node_get_string(n));
  if ((n = take(&x, "connectionMode")) && is_str(n))
    c->mode = g_strdup(json_node_get_string(n));
  if ((n = take(&x, "sharedKey")) && is_str(n))
    c->key = g_strdup(json_node_get_string(n));
  if (c->protocol)
    g_string_append_printf(c->y, "      connectionProtocol: %s\n", c->protocol);
  if (c->key) {
    g_string_append(c->y, "      sharedKey: \"");
    for (const char *k = c->key; *k; k++)
      g_string_append_printf(c->y, (*k == '"' || *k == '\\') ? "\\%c" : "%c", *k);
    g_string_append(c->y, "\"\n");
  }
  if (c->mode)
    g_string_append_printf(c->y, "      connectionMode: %s\n", c->mode);
  static const char *const keys[] = {"enableBgp?", "usePolicyBasedTrafficSelectors?",
                                     "dpdTimeoutSeconds#", NULL};
  JsonNode *pb = arm_object_get(x.o, "usePolicyBasedTrafficSelectors");
  read_bool(pb, &c->pbts);
  y_members(c->y, &x, "      ", keys);

  JsonArray *pol = child_arr(&x, "ipsecPolicies");
  if (pol && json_array_get_length(pol)) {
    g_string_append(c->y, "      ipsecPolicies:\n");
    for (guint i = 0; i < json_array_get_length(pol); i++) {
      JsonNode *e = json_array_get_element(pol, i);
      g_autofree char *pp = g_strdup_printf("%s.ipsecPolicies[%u]", path, i);
      if (!is_obj(e)) {
        ERR(C, pp, "a policy is an object");
        continue;
      }
      if (!i) {
        c->policy = json_node_get_object(e);
        c->policy_path = g_strdup(pp);
      }
      Obj po;
      obj_init(&po, C, json_node_get_object(e), pp);
      GString *b = g_string_new(NULL);
      y_members(b, &po, "          ", policy_keys);
      /* "- " replaces the first member's indent */
      if (b->len > 10)
        g_string_overwrite(b, 8, "- ");
      g_string_append(c->y, b->str);
      g_string_free(b, TRUE);
      obj_done(&po, NULL, NULL);
    }
  }
  JsonArray *ts = child_arr(&x, "trafficSelectorPolicies");
  if (ts && json_array_get_length(ts)) {
    g_string_append(c->y, "      trafficSelectorPolicies:\n");
    for (guint i = 0; i < json_array_get_length(ts); i++) {
      JsonNode *e = json_array_get_element(ts, i);
      g_autofree char *tp = g_strdup_printf("%s.trafficSelectorPolicies[%u]", path, i);
      if (!is_obj(e)) {
        ERR(C, tp, "a traffic selector policy is an object");
        continue;
      }
      Obj to;
      obj_init(&to, C, json_node_get_object(e), tp);
      static const char *const tk[] = {"localAddressRanges", "remoteAddressRanges", NULL};
      for (const char *const *k = tk; *k; k++) {
        JsonArray *a = child_arr(&to, *k);
        g_autofree char *kp = sub_path(&to, *k);
        g_string_append_printf(c->y, "        %s%s: ", k == tk ? "- " : "  ", *k);
        y_str_list(c->y, C, a, kp);
        g_string_append_c(c->y, '\n');
      }
      obj_done(&to, NULL, NULL);
    }
  }
  static const char *const natk[] = {"ingressNatRules", "egressNatRules", NULL};
  for (const char *const *k = natk; *k; k++) {
    JsonArray *a = child_arr(&x, *k);
    if (!a)
      continue;
    g_string_append_printf(c->y, "      %s: [", *k);
    for (guint i = 0; i < json_array_get_length(a); i++) {
      JsonNode *e = json_array_get_element(a, i);
      g_autofree char *ep = g_strdup_printf("%s.%s[%u]", path, *k, i);
      JsonNode *id = is_obj(e) ? arm_object_get(json_node_get_object(e), "id") : NULL;
      g_autofree char *eid = g_strdup_printf("%s.id", ep);
      if (!is_str(id)) {
        ERR(C, ep, "must be an object {\"id\": ...}");
        continue;
      }
      /* ".../virtualNetworkGateways/GW/natRules/RULE": the rule of this connection's gateway */
      g_auto(GStrv) seg = g_strsplit(json_node_get_string(id), "/", -1);
      guint ns = g_strv_length(seg);
      GwOut *g = NULL;
      gboolean ok = ns >= 4 && !g_ascii_strcasecmp(seg[ns - 2], "natRules") &&
                    !g_ascii_strcasecmp(seg[ns - 4], "virtualNetworkGateways") &&
                    (g = find_gw(out, seg[ns - 3]));
      gboolean known = FALSE;
      for (guint q = 0; ok && q < g->nat_names->len; q++)
        known |= !g_ascii_strcasecmp(g_ptr_array_index(g->nat_names, q), seg[ns - 1]);
      if (!ok || !known) {
        ERR(C, eid, "'%s' names a NAT rule the template does not deploy (a dangling resourceId)",
            json_node_get_string(id));
        continue;
      }
      if (c->gw1 && g_ascii_strcasecmp(g->name, c->gw1))
        ERR(C, eid, "NAT rule of gateway '%s', not of the connection's gateway '%s'", g->name,
            c->gw1);
      g_string_append(c->y, i ? ", " : "");
      y_str(c->y, seg[ns - 1]);
      if (k == natk)
        g_ptr_array_add(c->ingress, g_strdup(seg[ns - 1]));
    }
    g_string_append(c->y, "]\n");
  }
  obj_done(&x, (const char *const[]){"provisioningState", "resourceGuid", "connectionStatus",
                                     "ingressBytesTransferred", "egressBytesTransferred", NULL},
           NULL);
}

/* ---- devices: proposals from the connection's policy ---- */

typedef struct {
  const char *arm, *kw;
} Kw;

static const Kw ike_enc_kw[] = {{"AES128", "aes128"}, {"AES192", "aes192"}, {"AES256", "aes256"},
                                {"DES", "des"}, {"DES3", "3des"}, {"GCMAES128", "aes128gcm16"},
                                {"GCMAES256", "aes256gcm16"}, {NULL, NULL}};
static const Kw ike_int_kw[] = {{"MD5", "md5"}, {"SHA1", "sha1"}, {"SHA256", "sha256"},
                                {"SHA384", "sha384"}, {NULL, NULL}};
/* facts 3.2: DHGroup14 and DHGroup2048 are group 14; DHGroup24 the RFC 5114 group */
static const Kw dh_kw[] = {{"DHGroup1", "modp768"},   {"DHGroup2", "modp1024"},
                           {"DHGroup14", "modp2048"}, {"DHGroup2048", "modp2048"},
                           {"ECP256", "ecp256"},      {"ECP384", "ecp384"},
                           {"DHGroup24", "modp2048s256"}, {NULL, NULL}};
static const Kw esp_enc_kw[] = {{"None", "null"},  {"DES", "des"},   {"DES3", "3des"},
                                {"AES128", "aes128"}, {"AES192", "aes192"}, {"AES256", "aes256"},
                                {"GCMAES128", "aes128gcm16"}, {"GCMAES192", "aes192gcm16"},
                                {"GCMAES256", "aes256gcm16"}, {NULL, NULL}};
static const Kw esp_int_kw[] = {{"MD5", "md5"}, {"SHA1", "sha1"}, {"SHA256", "sha256"},
                                {"GCMAES128", ""}, {"GCMAES192", ""}, {"GCMAES256", ""},
                                {NULL, NULL}};
static const Kw pfs_kw[] = {{"None", ""},          {"PFS1", "modp768"},  {"PFS2", "modp1024"},
                            {"PFS2048", "modp2048"}, {"PFS14", "modp2048"}, {"ECP256", "ecp256"},
                            {"ECP384", "ecp384"},  {"PFS24", "modp2048s256"}, {NULL, NULL}};

static const char *kw(Ctx *C, const Kw *t, JsonObject *pol, const char *key, const char *path)
{
  JsonNode *n = arm_object_get(pol, key);
  const char *v = is_str(n) ? json_node_get_string(n) : NULL;
  for (const Kw *k = t; v && k->arm; k++)
    if (!g_ascii_strcasecmp(k->arm, v))
      return k->kw;
  g_autofree char *p = g_strdup_printf("%s.%s", path, key);
  ERR(C, p, "no device proposal for %s '%s' (the on-premises device cannot be configured)", key,
      v ? v : "(missing)");
  return NULL;
}

/* ---- the whole scenario ---- */

static void emit(Ctx *C, Out *out, const GString *outputs, GString *y)
{
  const char *profile = C->o->profile ? C->o->profile : "strongswan-5.9";
  g_autofree char *base = g_path_get_basename(C->tpl_file);
  char *dot = strrchr(base, '.');
  if (dot)
    *dot = 0;
  const char *name = C->o->name ? C->o->name : base;
  g_string_append_printf(y, "# Imported from the ARM template %s by 'vpnsim import arm'\n", base);
  g_string_append(y, "# (docs/import-arm.md). Public IP addresses are documentation addresses\n"
                     "# (RFC 5737) handed out in template order; the devices and the underlay are\n"
                     "# not in the template and were added so that the scenario runs.\n");
  if (outputs->len)
    g_string_append_printf(y, "# The template's outputs, as evaluated here:\n%s", outputs->str);
  if (C->unmapped->len) {
    g_string_append(y, "# Not imported (--allow-unmapped):\n");
    for (guint i = 0; i < C->unmapped->len; i++)
      g_string_append_printf(y, "#   %s\n", (char *)g_ptr_array_index(C->unmapped, i));
  }
  g_string_append(y, "name: ");
  y_str(y, name);
  g_string_append(y, "\ndescription: ");
  g_autofree char *desc = g_strdup_printf("Imported from the ARM template %s", base);
  y_str(y, desc);
  g_string_append(y, "\nseed: 1\nduration: 60s\n\n");
  g_string_append(y, "cloud:\n");
  if (out->vnets->len) {
    g_string_append(y, "  virtualNetworks:\n");
    for (guint i = 0; i < out->vnets->len; i++) {
      VnetOut *v = g_ptr_array_index(out->vnets, i);
      g_string_append(y, "    - name: ");
      y_str(y, v->name);
      g_string_append_printf(y, "\n      addressSpace: %s\n", v->space ? v->space : "[]");
      if (v->subnets->len) {
        g_string_append(y, "      subnets:\n");
        for (guint k = 0; k < v->subnets->len; k++)
          g_string_append_printf(y, "        - %s\n", (char *)g_ptr_array_index(v->subnets, k));
      }
    }
  }
  if (out->gws->len) {
    g_string_append(y, "  virtualNetworkGateways:\n");
    for (guint i = 0; i < out->gws->len; i++) {
      GwOut *g = g_ptr_array_index(out->gws, i);
      g_string_append(y, "    - name: ");
      y_str(y, g->name);
      g_string_append_c(y, '\n');
      if (g->vnet) {
        g_string_append(y, "      virtualNetwork: ");
        y_str(y, g->vnet);
        g_string_append_c(y, '\n');
      }
      g_string_append(y, g->y->str);
      if (g->nat->len) {
        g_string_append(y, "      natRules:\n");
        for (guint k = 0; k < g->nat->len; k++)
          g_string_append_printf(y, "        - %s\n", (char *)g_ptr_array_index(g->nat, k));
      }
    }
  }
  if (out->lngs->len) {
    g_string_append(y, "  localNetworkGateways:\n");
    for (guint i = 0; i < out->lngs->len; i++) {
      LngOut *l = g_ptr_array_index(out->lngs, i);
      g_string_append(y, "    - name: ");
      y_str(y, l->name);
      g_string_append_c(y, '\n');
      g_string_append(y, l->y->str);
    }
  }
  if (out->conns->len) {
    g_string_append(y, "  connections:\n");
    for (guint i = 0; i < out->conns->len; i++) {
      ConnOut *c = g_ptr_array_index(out->conns, i);
      g_string_append(y, "    - name: ");
      y_str(y, c->name);
      g_string_append_c(y, '\n');
      g_string_append(y, c->y->str);
    }
  }

  /* one device per local network gateway, configured from its first connection */
  g_autoptr(GString) dev = g_string_new(NULL);
  g_autoptr(GString) links = g_string_new(NULL);
  g_autoptr(GString) expect = g_string_new(NULL);
  for (guint i = 0; i < out->gws->len; i++) {
    GwOut *g = g_ptr_array_index(out->gws, i);
    g_string_append(links, "    - between: [");
    y_str(links, g->name);
    g_string_append(links, ", internet]\n      delay: 5ms\n");
  }
  for (guint i = 0; i < out->lngs->len; i++) {
    LngOut *l = g_ptr_array_index(out->lngs, i);
    ConnOut *c = NULL;
    for (guint k = 0; k < out->conns->len && !c; k++) {
      ConnOut *x = g_ptr_array_index(out->conns, k);
      if (x->lng2 && !g_ascii_strcasecmp(x->lng2, l->name))
        c = x;
    }
    g_autofree char *lp = g_strdup_printf("%s", l->r->path);
    if (!c) {
      if (!C->errors)
        NOTE(C, lp, "local network gateway '%s' has no connection: no device is added for it",
             l->name);
      continue;
    }
    if (!l->ip) {
      ERR(C, lp, "local network gateway '%s' has no gatewayIpAddress: the device it stands "
          "for needs an address", l->name);
      continue;
    }
    g_autofree char *dname = g_strdup_printf("%s-vpn", l->name);
    g_string_append(dev, "    - name: ");
    y_str(dev, dname);
    g_string_append(dev, "\n      profile: ");
    y_str(dev, profile);
    g_string_append(dev, "\n      publicIpAddress: ");
    y_str(dev, l->ip);
    g_string_append_c(dev, '\n');
    /* with ingress NAT rules, the local network gateway holds the translated prefixes
     * and the device's LAN is the rules' internal side (facts 6) */
    g_autoptr(GString) natlan = g_string_new(NULL);
    GwOut *cg = c->gw1 ? find_gw(out, c->gw1) : NULL;
    for (guint q = 0; cg && q < c->ingress->len; q++)
      for (guint w = 0; w < cg->nat_names->len; w++) {
        const char *lan = g_ptr_array_index(cg->nat_lan, w);
        if (!g_ascii_strcasecmp(g_ptr_array_index(cg->nat_names, w), g_ptr_array_index(c->ingress, q)) && *lan)
          g_string_append_printf(natlan, "%s%s", natlan->len ? ", " : "", lan);
      }
    /* a BGP site's local network gateway may list only its BGP peer, or nothing: the
     * device then gets a LAN of its own, not in the template, which it advertises */
    g_autofree char *lan = NULL;
    if (natlan->len) {
      g_string_append_printf(dev, "      lanPrefixes: [%s]  # the ingress NAT rules' internal side\n",
                             natlan->str);
      lan = g_strdup(natlan->str);
    } else if (l->prefixes && strcmp(l->prefixes, "[]")) {
      g_string_append_printf(dev, "      lanPrefixes: %s\n", l->prefixes);
      lan = g_strndup(l->prefixes + 1, strlen(l->prefixes) - 2);
    }
    gboolean bgp = l->bgp_asn && l->bgp_addr && strstr(c->y->str, "enableBgp: true");
    if (!lan && bgp) {
      lan = g_strdup_printf("192.168.%u.0/24", 100 + i);
      g_string_append_printf(dev, "      lanPrefixes: [%s]  # not in the template: the LAN this "
                                  "BGP site advertises\n", lan);
    }
    if (bgp)
      g_string_append_printf(dev, "      bgp: {asn: %s, bgpPeeringAddress: %s, advertise: [%s]}\n",
                             l->bgp_asn, l->bgp_addr, lan);
    if (c->gw1) {
      g_string_append(dev, "      peer: ");
      y_str(dev, c->gw1);
      g_string_append_c(dev, '\n');
    }
    if (c->key) {
      g_string_append(dev, "      sharedKey: \"");
      for (const char *k = c->key; *k; k++)
        g_string_append_printf(dev, (*k == '"' || *k == '\\') ? "\\%c" : "%c", *k);
      g_string_append(dev, "\"\n");
    }
    /* the gateway initiates only with InitiatorOnly; otherwise the device does */
    gboolean gw_inits = c->mode && !g_ascii_strcasecmp(c->mode, "InitiatorOnly");
    g_string_append_printf(dev, "      startAction: %s\n", gw_inits ? "respond" : "initiate");
    if (c->protocol && !g_ascii_strcasecmp(c->protocol, "IKEv1"))
      g_string_append(dev, "      ikeVersion: 1\n");
    if (c->policy) {
      const char *ie = kw(C, ike_enc_kw, c->policy, "ikeEncryption", c->policy_path);
      const char *ii = kw(C, ike_int_kw, c->policy, "ikeIntegrity", c->policy_path);
      const char *dh = kw(C, dh_kw, c->policy, "dhGroup", c->policy_path);
      const char *ee = kw(C, esp_enc_kw, c->policy, "ipsecEncryption", c->policy_path);
      const char *ei = kw(C, esp_int_kw, c->policy, "ipsecIntegrity", c->policy_path);
      const char *pfs = kw(C, pfs_kw, c->policy, "pfsGroup", c->policy_path);
      if (ie && ii && dh && ee && ei && pfs) {
        /* an AEAD IKE cipher takes the integrity value as its PRF (RFC 5282) */
        gboolean aead = strstr(ie, "gcm") != NULL;
        g_string_append_printf(dev, "      # from %s (the connection's policy)\n", c->policy_path);
        g_string_append_printf(dev, "      ikeProposals: [%s-%s%s-%s]\n", ie, aead ? "prf" : "", ii, dh);
        g_string_append_printf(dev, "      espProposals: [%s%s%s%s%s-noesn]\n", ee, *ei ? "-" : "",
                               ei, *pfs ? "-" : "", pfs);
      }
    } else {
      /* facts 2.5: the recommended device settings for the default policy (as
       * scenarios/site-to-site/ikev2-default.yaml) */
      g_string_append(dev, "      # the gateway's default policy (facts 2.1, 2.5)\n"
                           "      ikeProposals: [aes256-sha256-modp1024]\n"
                           "      espProposals: [aes256gcm16-noesn]\n");
    }
    if (c->pbts && l->prefixes) {
      GwOut *g = c->gw1 ? find_gw(out, c->gw1) : NULL;
      VnetOut *v = g && g->vnet ? find_vnet(out, g->vnet) : NULL;
      if (v && v->space)
        g_string_append_printf(dev, "      trafficSelectors: {local: %s, remote: %s}\n",
                               l->prefixes, v->space);
    }
    g_string_append(links, "    - between: [");
    y_str(links, dname);
    g_string_append(links, ", internet]\n      delay: 15ms\n");
  }
  for (guint k = 0; k < out->conns->len; k++) {
    ConnOut *c = g_ptr_array_index(out->conns, k);
    if (g_ascii_strcasecmp(c->type, "IPsec") && g_ascii_strcasecmp(c->type, "Vnet2Vnet"))
      continue;
    g_string_append(expect, "  - tunnel: ");
    y_str(expect, c->name);
    g_string_append(expect, "\n    state: connected\n    by: 30s\n");
  }
  if (dev->len)
    g_string_append_printf(y, "\nonPremises:\n  devices:\n%s", dev->str);
  if (links->len)
    g_string_append_printf(y, "\nunderlay:\n  links:\n%s", links->str);
  if (expect->len)
    g_string_append_printf(y, "\nexpect:\n%s", expect->str);
}

static void out_free(Out *out)
{
  for (guint i = 0; i < out->vnets->len; i++) {
    VnetOut *v = g_ptr_array_index(out->vnets, i);
    g_free(v->name);
    g_free(v->space);
    g_ptr_array_unref(v->subnets);
    g_ptr_array_unref(v->subnet_names);
    g_ptr_array_unref(v->subnet_prefixes);
    g_free(v);
  }
  for (guint i = 0; i < out->gws->len; i++) {
    GwOut *g = g_ptr_array_index(out->gws, i);
    g_free(g->name);
    g_free(g->vnet);
    g_string_free(g->y, TRUE);
    g_ptr_array_unref(g->nat);
    g_ptr_array_unref(g->nat_names);
    g_ptr_array_unref(g->nat_lan);
    g_ptr_array_unref(g->ipc_names);
    g_free(g);
  }
  for (guint i = 0; i < out->lngs->len; i++) {
    LngOut *l = g_ptr_array_index(out->lngs, i);
    g_free(l->name);
    g_free(l->ip);
    g_free(l->prefixes);
    g_free(l->bgp_asn);
    g_free(l->bgp_addr);
    g_string_free(l->y, TRUE);
    g_free(l);
  }
  for (guint i = 0; i < out->conns->len; i++) {
    ConnOut *c = g_ptr_array_index(out->conns, i);
    g_free(c->name);
    g_free(c->gw1);
    g_free(c->lng2);
    g_free(c->gw2);
    g_free(c->type);
    g_free(c->protocol);
    g_free(c->mode);
    g_free(c->key);
    g_free(c->policy_path);
    g_ptr_array_unref(c->ingress);
    g_string_free(c->y, TRUE);
    g_free(c);
  }
  g_ptr_array_unref(out->vnets);
  g_ptr_array_unref(out->gws);
  g_ptr_array_unref(out->lngs);
  g_ptr_array_unref(out->conns);
}

static void param_free(Param *p)
{
  g_free(p->name);
  g_free(p->path);
  g_free(p->given_file);
  g_free(p->given_path);
  if (p->given_text && p->given)
    json_node_unref(p->given);
  if (p->value)
    json_node_unref(p->value);
  g_free(p);
}

static void var_free(Var *v)
{
  g_free(v->name);
  if (v->value)
    json_node_unref(v->value);
  g_free(v);
}

static void res_free(Res *r)
{
  g_free(r->path);
  g_free(r->type);
  g_free(r->name);
  g_free(r->id);
  if (r->props)
    json_node_unref(r->props);
  if (r->runtime)
    json_node_unref(r->runtime);
  g_free(r);
}

static const char *const top_keys[] = {"$schema", "contentVersion", "parameters", "variables",
                                       "resources", "outputs", "metadata", "apiProfile", NULL};

char *arm_import(const ArmImportOptions *o, GPtrArray *problems)
{
  g_return_val_if_fail(o && o->template_path && problems, NULL);
  Ctx C = {.o = o, .tpl_file = o->template_path, .problems = problems};
  C.params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  C.vars = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)var_free);
  C.param_list = g_ptr_array_new_with_free_func((GDestroyNotify)param_free);
  C.var_list = g_ptr_array_new();
  C.res = g_ptr_array_new_with_free_func((GDestroyNotify)res_free);
  C.unmapped = g_ptr_array_new_with_free_func(g_free);
  C.env = (ArmEnv){.parameter = cb_parameter,
                   .variable = cb_variable,
                   .reference = cb_reference,
                   .ud = &C,
                   .subscription_id = "00000000-0000-0000-0000-000000000001",
                   .resource_group = "vpnsim-rg"};
  Out out = {g_ptr_array_new(), g_ptr_array_new(), g_ptr_array_new(), g_ptr_array_new()};
  char *result = NULL;
  g_autoptr(GString) outputs = g_string_new(NULL);
  g_autoptr(JsonNode) tpl = load_json(&C, o->template_path);
  g_autoptr(JsonNode) pfile = o->parameters_path ? load_json(&C, o->parameters_path) : NULL;
  if (!tpl || (o->parameters_path && !pfile))
    goto out;
  C.tpl = json_node_get_object(tpl);

  {
    Obj top;
    obj_init(&top, &C, C.tpl, "");
    for (const char *const *k = top_keys; *k; k++)
      take(&top, *k);
    /* paths at the top have no leading dot */
    JsonObjectIter it;
    const char *k;
    JsonNode *m;
    json_object_iter_init_ordered(&it, C.tpl);
    while (json_object_iter_next_ordered(&it, &k, &m)) {
      g_autofree char *l = lower(k);
      if (!g_hash_table_contains(top.taken, l))
        unmapped(&C, k, !g_ascii_strcasecmp(k, "functions")
                            ? "user-defined functions are not evaluated"
                            : "not a member of a deployment template");
    }
    g_free(top.path);
    g_hash_table_unref(top.taken);
  }

  read_parameters(&C, pfile ? json_node_get_object(pfile) : NULL);
  JsonNode *vars = arm_object_get(C.tpl, "variables");
  if (is_obj(vars)) {
    JsonObjectIter it;
    const char *k;
    JsonNode *m;
    json_object_iter_init_ordered(&it, json_node_get_object(vars));
    while (json_object_iter_next_ordered(&it, &k, &m)) {
      if (!g_ascii_strcasecmp(k, "copy")) {
        unmapped(&C, "variables.copy", "variable loops (copy) are not evaluated");
        continue;
      }
      Var *v = g_new0(Var, 1);
      v->name = g_strdup(k);
      v->raw = m;
      g_hash_table_insert(C.vars, lower(k), v);
      g_ptr_array_add(C.var_list, v);
    }
  } else if (vars) {
    ERR(&C, "variables", "must be an object");
  }
  /* every parameter and variable is evaluated, used or not, so a bad one is reported */
  for (guint i = 0; i < C.param_list->len; i++)
    param_eval(&C, g_ptr_array_index(C.param_list, i));
  {
    for (guint i = 0; i < C.var_list->len; i++) {
      char *msg = NULL;
      JsonNode *v = cb_variable(&C, ((Var *)g_ptr_array_index(C.var_list, i))->name, &msg);
      if (v)
        json_node_unref(v);
      g_free(msg);
      C.cascade = FALSE;
    }
  }

  JsonNode *resources = arm_object_get(C.tpl, "resources");
  if (!is_arr(resources)) {
    ERR(&C, "resources", "a deployment template has a resources array");
    goto out;
  }
  collect(&C, json_node_get_array(resources), "resources", NULL);
  for (guint i = 0; i < C.res->len; i++) {
    Res *r = g_ptr_array_index(C.res, i);
    if (r->bad || r->off)
      continue;
    if (r->rt < 0) {
      g_autofree char *why = g_strdup_printf(
          "the type %s is not simulated (imported: virtual networks and subnets, public IP "
          "addresses, virtual network gateways and their NAT rules, local network gateways, "
          "connections)", r->type);
      unmapped(&C, r->path, why);
      continue;
    }
    res_props(&C, r);
    C.cascade = FALSE;
    /* the members of a resource besides properties */
    Obj ro;
    obj_init(&ro, &C, r->raw, r->path);
    static const char *const used[] = {"type", "name", "properties", "condition", "copy",
                                       "resources", NULL};
    for (const char *const *k = used; *k; k++)
      take(&ro, *k);
    if (r->rt == RT_PIP) {
      take(&ro, "sku"); /* Basic or Standard: no effect on the simulated gateway */
      JsonNode *p = r->props;
      if (p) {
        Obj po;
        g_autofree char *pp = g_strdup_printf("%s.properties", r->path);
        obj_init(&po, &C, json_node_get_object(p), pp);
        const char *ver = get_str(&po, "publicIPAddressVersion");
        if (ver && g_ascii_strcasecmp(ver, "IPv4")) {
          g_autofree char *vp = sub_path(&po, "publicIPAddressVersion");
          unmapped(&C, vp, "only IPv4 is simulated");
        }
        obj_done(&po, (const char *const[]){"publicIPAllocationMethod", "idleTimeoutInMinutes",
                                            "provisioningState", NULL},
                 "a public IP address is mapped to its address only");
      }
    }
    obj_done(&ro, res_ignored, "not a member vpnsim maps");
  }
  /* map by kind: networks before their subnets and gateways, gateways before their NAT
   * rules and the connections that name them */
  static const ResType order[] = {RT_VNET, RT_SUBNET, RT_VGW, RT_NATRULE, RT_LNG, RT_CONN};
  for (size_t k = 0; k < G_N_ELEMENTS(order); k++)
    for (guint i = 0; i < C.res->len; i++) {
      Res *r = g_ptr_array_index(C.res, i);
      if (r->bad || r->off || r->rt != (int)order[k] || !r->props)
        continue;
      switch (order[k]) {
      case RT_VNET: map_vnet(&C, &out, r, r->props); break;
      case RT_SUBNET: map_subnet_child(&C, &out, r, r->props); break;
      case RT_VGW: map_gateway(&C, &out, r, r->props); break;
      case RT_NATRULE: map_nat_child(&C, &out, r, r->props); break;
      case RT_LNG: map_lng(&C, &out, r, r->props); break;
      case RT_CONN: map_conn(&C, &out, r, r->props); break;
      default: break;
      }
    }
  /* outputs are evaluated (so what reference() gives is seen) and kept as comments */
  JsonNode *outs = arm_object_get(C.tpl, "outputs");
  if (is_obj(outs)) {
    JsonObjectIter it;
    const char *k;
    JsonNode *m;
    json_object_iter_init_ordered(&it, json_node_get_object(outs));
    while (json_object_iter_next_ordered(&it, &k, &m)) {
      g_autofree char *op = g_strdup_printf("outputs.%s", k);
      JsonNode *v = is_obj(m) ? arm_object_get(json_node_get_object(m), "value") : NULL;
      if (!v) {
        ERR(&C, op, "an output has a value");
        continue;
      }
      g_autofree char *vp = g_strdup_printf("%s.value", op);
      g_autoptr(JsonNode) r = ev(&C, v, vp);
      C.cascade = FALSE;
      if (r) {
        g_autofree char *t = json_to_string(r, FALSE);
        g_string_append_printf(outputs, "#   %s = %s\n", k, t);
      }
    }
  }
  if (C.n_pips > 245)
    ERR(&C, "resources", "more than 245 public IP addresses: the documentation range is full");
  {
    GString *y = g_string_new(NULL);
    emit(&C, &out, outputs, y);
    result = g_string_free(y, FALSE);
  }
out:
  out_free(&out);
  g_hash_table_unref(C.params);
  g_hash_table_unref(C.vars);
  g_ptr_array_unref(C.param_list);
  g_ptr_array_unref(C.var_list);
  g_ptr_array_unref(C.res);
  g_ptr_array_unref(C.unmapped);
  if (C.errors) {
    g_free(result);
    return NULL;
  }
  return result;
}
