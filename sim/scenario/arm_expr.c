/* SPDX-License-Identifier: MIT */
/* The ARM template expression language: a parser into a small syntax tree and an
 * evaluator over JSON values with a const table of template functions. */
#include "sim/scenario/arm_expr.h"

#include "models/common/names.h"

#include <string.h>

G_DEFINE_QUARK(arm-expr-error-quark, arm_expr_error)

/* ---- values ---- */

static JsonNode *v_str(const char *s)
{
  return json_node_init_string(json_node_alloc(), s);
}
static JsonNode *v_str_take(char *s)
{
  JsonNode *n = v_str(s);
  g_free(s);
  return n;
}
static JsonNode *v_int(gint64 i)
{
  return json_node_init_int(json_node_alloc(), i);
}
static JsonNode *v_bool(gboolean b)
{
  return json_node_init_boolean(json_node_alloc(), b);
}
static JsonNode *v_null(void)
{
  return json_node_init_null(json_node_alloc());
}
static JsonNode *v_array_take(JsonArray *a)
{
  JsonNode *n = json_node_init_array(json_node_alloc(), a);
  json_array_unref(a);
  return n;
}
static JsonNode *v_object_take(JsonObject *o)
{
  JsonNode *n = json_node_init_object(json_node_alloc(), o);
  json_object_unref(o);
  return n;
}

static gboolean is_type(JsonNode *n, GType t)
{
  return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == t;
}
#define IS_STR(n) is_type((n), G_TYPE_STRING)
#define IS_INT(n) is_type((n), G_TYPE_INT64)
#define IS_BOOL(n) is_type((n), G_TYPE_BOOLEAN)
#define IS_ARR(n) ((n) && JSON_NODE_HOLDS_ARRAY(n))
#define IS_OBJ(n) ((n) && JSON_NODE_HOLDS_OBJECT(n))
#define IS_NULL(n) (!(n) || JSON_NODE_HOLDS_NULL(n))

static const char *kind_name(JsonNode *n)
{
  if (IS_NULL(n))
    return "null";
  if (IS_ARR(n))
    return "array";
  if (IS_OBJ(n))
    return "object";
  if (IS_STR(n))
    return "string";
  if (IS_BOOL(n))
    return "bool";
  if (IS_INT(n))
    return "int";
  return "number";
}

/* A deep copy: json_node_copy shares arrays and objects. */
static JsonNode *deep_copy(JsonNode *n)
{
  if (IS_ARR(n)) {
    JsonArray *src = json_node_get_array(n), *a = json_array_new();
    for (guint i = 0; i < json_array_get_length(src); i++)
      json_array_add_element(a, deep_copy(json_array_get_element(src, i)));
    return v_array_take(a);
  }
  if (IS_OBJ(n)) {
    JsonObject *src = json_node_get_object(n), *o = json_object_new();
    JsonObjectIter it;
    const char *k;
    JsonNode *m;
    json_object_iter_init_ordered(&it, src);
    while (json_object_iter_next_ordered(&it, &k, &m))
      json_object_set_member(o, k, deep_copy(m));
    return v_object_take(o);
  }
  return json_node_copy(n);
}

JsonNode *arm_value_dup(JsonNode *v)
{
  return deep_copy(v);
}

JsonNode *arm_object_get(JsonObject *o, const char *name)
{
  if (!o)
    return NULL;
  JsonNode *m = json_object_get_member(o, name);
  if (m)
    return m;
  JsonObjectIter it;
  const char *k;
  json_object_iter_init_ordered(&it, o);
  while (json_object_iter_next_ordered(&it, &k, &m))
    if (!g_ascii_strcasecmp(k, name))
      return m;
  return NULL;
}

char *arm_value_to_string(JsonNode *v)
{
  if (IS_STR(v))
    return g_strdup(json_node_get_string(v));
  if (IS_NULL(v))
    return g_strdup("");
  return json_to_string(v, FALSE);
}

/* uniqueString: Azure hashes its arguments with a 64-bit MurmurHash and prints 13 base-32
 * characters. The shape is kept (13 of [a-z0-9]); the hash here is SHA-256, so the value
 * is deterministic but not Azure's own (docs/import-arm.md). */
char *arm_unique_string(const char *const *parts, size_t n)
{
  g_autoptr(GChecksum) c = g_checksum_new(G_CHECKSUM_SHA256);
  for (size_t i = 0; i < n; i++) {
    if (i)
      g_checksum_update(c, (const guchar *)"-", 1);
    g_checksum_update(c, (const guchar *)parts[i], (gssize)strlen(parts[i]));
  }
  guint8 d[32];
  gsize len = sizeof d;
  g_checksum_get_digest(c, d, &len);
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  guint64 h = 0;
  for (int i = 0; i < 8; i++)
    h = (h << 8) | d[i];
  char out[14];
  for (int i = 0; i < 13; i++) {
    out[i] = alphabet[h >> 59];
    h <<= 5;
  }
  out[13] = 0;
  return g_strdup(out);
}

/* ---- syntax tree ---- */

typedef enum { AX_LIT, AX_CALL, AX_MEMBER, AX_INDEX } AxKind;

typedef struct Ax Ax;
struct Ax {
  AxKind kind;
  unsigned pos; /* 0-based offset of the item in the whole string */
  JsonNode *lit;
  char *name;      /* AX_CALL: the function; AX_MEMBER: the member */
  GPtrArray *args; /* AX_CALL: Ax * */
  Ax *base;        /* AX_MEMBER, AX_INDEX */
  Ax *index;       /* AX_INDEX */
};

static void ax_free(Ax *a)
{
  if (!a)
    return;
  if (a->lit)
    json_node_unref(a->lit);
  g_free(a->name);
  if (a->args)
    g_ptr_array_unref(a->args);
  ax_free(a->base);
  ax_free(a->index);
  g_free(a);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Ax, ax_free)

static Ax *ax_new(AxKind k, unsigned pos)
{
  Ax *a = g_new0(Ax, 1);
  a->kind = k;
  a->pos = pos;
  return a;
}

typedef struct {
  const char *s;
  size_t i, end; /* end: the index of the closing ']' */
  unsigned depth; /* nesting of calls and indexes, bounded so input cannot exhaust the stack */
  GError *err;
  unsigned err_pos;
} Parser;

static void p_fail(Parser *p, size_t pos, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void p_fail(Parser *p, size_t pos, const char *fmt, ...)
{
  if (p->err)
    return;
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *m = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  p->err = g_error_new_literal(ARM_EXPR_ERROR, ARM_EXPR_ERROR_SYNTAX, m);
  p->err_pos = (unsigned)pos;
}

static void p_ws(Parser *p)
{
  while (p->i < p->end && g_ascii_isspace(p->s[p->i]))
    p->i++;
}

static gboolean p_eat(Parser *p, char c)
{
  p_ws(p);
  if (p->i < p->end && p->s[p->i] == c) {
    p->i++;
    return TRUE;
  }
  return FALSE;
}

static char p_peek(Parser *p)
{
  p_ws(p);
  return p->i < p->end ? p->s[p->i] : 0;
}

static char *p_ident(Parser *p)
{
  p_ws(p);
  size_t b = p->i;
  if (p->i < p->end && (g_ascii_isalpha(p->s[p->i]) || p->s[p->i] == '_' || p->s[p->i] == '$'))
    while (p->i < p->end && (g_ascii_isalnum(p->s[p->i]) || p->s[p->i] == '_' || p->s[p->i] == '$'))
      p->i++;
  return p->i > b ? g_strndup(p->s + b, p->i - b) : NULL;
}

static Ax *p_expr(Parser *p);

static Ax *p_primary(Parser *p)
{
  char c = p_peek(p);
  size_t at = p->i;
  if (c == '\'') {
    /* a string literal; '' is a quote inside it */
    GString *s = g_string_new(NULL);
    p->i++;
    for (;;) {
      if (p->i >= p->end) {
        g_string_free(s, TRUE);
        p_fail(p, at, "string literal not closed (a quote inside is written '')");
        return NULL;
      }
      if (p->s[p->i] == '\'') {
        if (p->i + 1 < p->end && p->s[p->i + 1] == '\'') {
          g_string_append_c(s, '\'');
          p->i += 2;
          continue;
        }
        p->i++;
        break;
      }
      g_string_append_c(s, p->s[p->i++]);
    }
    Ax *a = ax_new(AX_LIT, (unsigned)at);
    a->lit = v_str_take(g_string_free(s, FALSE));
    return a;
  }
  if (g_ascii_isdigit(c) || (c == '-' && p->i + 1 < p->end && g_ascii_isdigit(p->s[p->i + 1]))) {
    size_t b = p->i++;
    while (p->i < p->end && g_ascii_isdigit(p->s[p->i]))
      p->i++;
    if (p->i < p->end && p->s[p->i] == '.') {
      p_fail(p, b, "only whole numbers are supported");
      return NULL;
    }
    g_autofree char *num = g_strndup(p->s + b, p->i - b);
    gint64 v;
    if (!g_ascii_string_to_signed(num, 10, G_MININT64, G_MAXINT64, &v, NULL)) {
      p_fail(p, b, "number '%s' out of range", num);
      return NULL;
    }
    Ax *a = ax_new(AX_LIT, (unsigned)b);
    a->lit = v_int(v);
    return a;
  }
  g_autofree char *id = p_ident(p);
  if (!id) {
    if (p->i >= p->end)
      p_fail(p, p->i, "expression ends where a value was expected");
    else
      p_fail(p, p->i, "unexpected '%c' where a value was expected", p->s[p->i]);
    return NULL;
  }
  if (!p_eat(p, '(')) {
    /* bare true, false and null are taken as the functions of those names */
    if (!g_ascii_strcasecmp(id, "true") || !g_ascii_strcasecmp(id, "false") ||
        !g_ascii_strcasecmp(id, "null")) {
      Ax *a = ax_new(AX_LIT, (unsigned)at);
      a->lit = !g_ascii_strcasecmp(id, "null") ? v_null()
                                              : v_bool(!g_ascii_strcasecmp(id, "true"));
      return a;
    }
    p_fail(p, p->i, "expected '(' after the function name '%s'", id);
    return NULL;
  }
  Ax *a = ax_new(AX_CALL, (unsigned)at);
  a->name = g_steal_pointer(&id);
  a->args = g_ptr_array_new_with_free_func((GDestroyNotify)ax_free);
  if (p_eat(p, ')'))
    return a;
  for (;;) {
    Ax *arg = p_expr(p);
    if (!arg) {
      ax_free(a);
      return NULL;
    }
    g_ptr_array_add(a->args, arg);
    if (p_eat(p, ','))
      continue;
    if (p_eat(p, ')'))
      return a;
    p_fail(p, p->i, "expected ',' or ')' in the arguments of '%s'", a->name);
    ax_free(a);
    return NULL;
  }
}

#define ARM_MAX_DEPTH 64

static Ax *p_expr(Parser *p)
{
  if (++p->depth > ARM_MAX_DEPTH) {
    p_fail(p, p->i, "expression nested deeper than %d levels", ARM_MAX_DEPTH);
    p->depth--;
    return NULL;
  }
  Ax *a = p_primary(p);
  while (a) {
    char c = p_peek(p);
    size_t at = p->i;
    if (c == '.') {
      p->i++;
      char *id = p_ident(p);
      if (!id) {
        p_fail(p, p->i, "expected a property name after '.'");
        ax_free(a);
        return NULL;
      }
      Ax *m = ax_new(AX_MEMBER, (unsigned)at);
      m->name = id;
      m->base = a;
      a = m;
    } else if (c == '[') {
      p->i++;
      Ax *ix = p_expr(p);
      if (!ix) {
        ax_free(a);
        return NULL;
      }
      if (!p_eat(p, ']')) {
        p_fail(p, p->i, "expected ']' to close the index");
        ax_free(ix);
        ax_free(a);
        return NULL;
      }
      Ax *m = ax_new(AX_INDEX, (unsigned)at);
      m->base = a;
      m->index = ix;
      a = m;
    } else {
      break;
    }
  }
  p->depth--;
  return a;
}

/* ---- evaluation ---- */

typedef struct {
  const ArmEnv *env;
  GError *err;
  unsigned err_pos;
} Eval;

static JsonNode *e_fail(Eval *e, const Ax *at, int code, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static JsonNode *e_fail(Eval *e, const Ax *at, int code, const char *fmt, ...)
{
  if (!e->err) {
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *m = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    e->err = g_error_new_literal(ARM_EXPR_ERROR, code, m);
    e->err_pos = at->pos;
  }
  return NULL;
}

static JsonNode *eval(Eval *e, const Ax *a);

typedef JsonNode *(*ArmFn)(Eval *e, const Ax *call, JsonNode **argv, guint n);

typedef struct {
  const char *name;
  guint min, max; /* G_MAXUINT: any number */
  ArmFn fn;
} ArmFunction;

#define ARG(i) ((const Ax *)g_ptr_array_index(call->args, (i)))

/* Check an argument's kind; on a mismatch report it at the argument. */
static gboolean want(Eval *e, const Ax *call, JsonNode **argv, guint i, gboolean ok,
                     const char *what)
{
  if (!ok)
    e_fail(e, ARG(i), ARM_EXPR_ERROR_TYPE, "%s: argument %u must be %s, not %s", call->name,
           i + 1, what, kind_name(argv[i]));
  return ok;
}
#define WANT_STR(i) if (!want(e, call, argv, (i), IS_STR(argv[i]), "a string")) return NULL
#define WANT_INT(i) if (!want(e, call, argv, (i), IS_INT(argv[i]), "an int")) return NULL
#define WANT_BOOL(i) if (!want(e, call, argv, (i), IS_BOOL(argv[i]), "a bool")) return NULL
#define S(i) json_node_get_string(argv[i])
#define I(i) json_node_get_int(argv[i])

static const char *env_sub(const Eval *e)
{
  return e->env->subscription_id ? e->env->subscription_id
                                 : "00000000-0000-0000-0000-000000000001";
}
static const char *env_rg(const Eval *e)
{
  return e->env->resource_group ? e->env->resource_group : "vpnsim-rg";
}

/* parameters('name') and variables('name'): the template's value through the caller's
 * lookup (NULL: not available in this context), or a located LOOKUP error. */
static JsonNode *lookup(Eval *e, const Ax *call, JsonNode **argv, guint n,
                        JsonNode *(*fn)(void *ud, const char *name, char **msg),
                        const char *what, const char *missing)
{
  WANT_STR(0);
  if (!fn)
    return e_fail(e, call, ARM_EXPR_ERROR_LOOKUP, "%s() is not available here", what);
  char *msg = NULL;
  JsonNode *v = fn(e->env->ud, S(0), &msg);
  if (!v) {
    e_fail(e, ARG(0), ARM_EXPR_ERROR_LOOKUP, "%s", msg ? msg : missing);
    g_free(msg);
  }
  return v;
}

static JsonNode *f_parameters(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  return lookup(e, call, argv, n, e->env->parameter, "parameters", "no such parameter");
}

static JsonNode *f_variables(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  return lookup(e, call, argv, n, e->env->variable, "variables", "no such variable");
}

static JsonNode *f_reference(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  if (n == 3 && !(IS_STR(argv[2]) && !g_ascii_strcasecmp(S(2), "Full")))
    return e_fail(e, ARG(2), ARM_EXPR_ERROR_VALUE, "reference: argument 3 may only be 'Full'");
  if (n == 3)
    return e_fail(e, ARG(2), ARM_EXPR_ERROR_VALUE,
                  "reference(..., 'Full') is not supported: only the properties are known");
  if (!e->env->reference)
    return e_fail(e, call, ARM_EXPR_ERROR_LOOKUP, "reference() is not available here");
  char *msg = NULL;
  JsonNode *v = e->env->reference(e->env->ud, S(0), &msg);
  if (!v) {
    e_fail(e, ARG(0), ARM_EXPR_ERROR_LOOKUP, "%s", msg ? msg : "no such resource");
    g_free(msg);
  }
  return v;
}

static JsonNode *f_concat(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  if (n && IS_ARR(argv[0])) {
    JsonArray *out = json_array_new();
    for (guint i = 0; i < n; i++) {
      if (!IS_ARR(argv[i])) {
        json_array_unref(out);
        want(e, call, argv, i, FALSE, "an array (the first one is)");
        return NULL;
      }
      JsonArray *a = json_node_get_array(argv[i]);
      for (guint k = 0; k < json_array_get_length(a); k++)
        json_array_add_element(out, deep_copy(json_array_get_element(a, k)));
    }
    return v_array_take(out);
  }
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    if (!(IS_STR(argv[i]) || IS_INT(argv[i]) || IS_BOOL(argv[i]))) {
      g_string_free(s, TRUE);
      want(e, call, argv, i, FALSE, "a string, an int or a bool");
      return NULL;
    }
    g_autofree char *t = arm_value_to_string(argv[i]);
    g_string_append(s, t);
  }
  return v_str_take(g_string_free(s, FALSE));
}

/* format(): .NET composite format, "{0}" and "{1}" items; "{{" and "}}" are braces. Format
 * strings after ':' and alignment after ',' are not supported and say so. */
static JsonNode *f_format(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  const char *f = S(0);
  g_autoptr(GString) s = g_string_new(NULL);
  for (const char *c = f; *c; c++) {
    if ((c[0] == '{' && c[1] == '{') || (c[0] == '}' && c[1] == '}')) {
      g_string_append_c(s, *c++);
      continue;
    }
    if (*c == '}')
      return e_fail(e, ARG(0), ARM_EXPR_ERROR_VALUE, "format: a lone '}' at offset %d",
                    (int)(c - f));
    if (*c != '{') {
      g_string_append_c(s, *c);
      continue;
    }
    const char *b = c + 1;
    char *endp;
    guint64 k = g_ascii_strtoull(b, &endp, 10);
    if (endp == b || (*endp != '}' && *endp != ':' && *endp != ','))
      return e_fail(e, ARG(0), ARM_EXPR_ERROR_VALUE, "format: bad item at offset %d",
                    (int)(c - f));
    if (*endp != '}')
      return e_fail(e, ARG(0), ARM_EXPR_ERROR_VALUE,
                    "format: alignment and format strings ('%c' at offset %d) are not supported",
                    *endp, (int)(endp - f));
    if (k + 1 >= n)
      return e_fail(e, ARG(0), ARM_EXPR_ERROR_VALUE,
                    "format: item {%" G_GUINT64_FORMAT "} but only %u value%s", k, n - 1,
                    n == 2 ? "" : "s");
    g_autofree char *t = arm_value_to_string(argv[k + 1]);
    g_string_append(s, t);
    c = endp;
  }
  return v_str(s->str);
}

/* resourceId([subscriptionId], [resourceGroupName], resourceType, name1, [name2]...):
 * the first argument with a '/' is the type; one name per type segment after the
 * namespace. */
static JsonNode *f_resource_id(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  for (guint i = 0; i < n; i++)
    WANT_STR(i);
  guint t = 0;
  while (t < n && !strchr(S(t), '/'))
    t++;
  if (t == n || t > 2)
    return e_fail(e, call, ARM_EXPR_ERROR_VALUE,
                  "resourceId: no resource type ('Namespace/type') among the first three arguments");
  const char *sub = t == 2 ? S(0) : env_sub(e);
  const char *rg = t >= 1 ? S(t - 1) : env_rg(e);
  g_auto(GStrv) seg = g_strsplit(S(t), "/", -1);
  guint types = g_strv_length(seg) - 1;
  if (types < 1 || !*seg[0])
    return e_fail(e, ARG(t), ARM_EXPR_ERROR_VALUE, "resourceId: bad resource type '%s'", S(t));
  if (n - t - 1 != types)
    return e_fail(e, call, ARM_EXPR_ERROR_VALUE,
                  "resourceId: the type '%s' takes %u name%s, %u given", S(t), types,
                  types == 1 ? "" : "s", n - t - 1);
  g_autoptr(GString) s = g_string_new(NULL);
  g_string_append_printf(s, "/subscriptions/%s/resourceGroups/%s/providers/%s", sub, rg, seg[0]);
  for (guint k = 0; k < types; k++)
    g_string_append_printf(s, "/%s/%s", seg[k + 1], S(t + 1 + k));
  return v_str(s->str);
}

static JsonNode *f_resource_group(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  JsonObject *o = json_object_new();
  g_autofree char *id = g_strdup_printf("/subscriptions/%s/resourceGroups/%s", env_sub(e), env_rg(e));
  json_object_set_string_member(o, "id", id);
  json_object_set_string_member(o, "name", env_rg(e));
  json_object_set_string_member(o, "type", "Microsoft.Resources/resourceGroups");
  json_object_set_string_member(o, "location",
                                e->env->location ? e->env->location : "westeurope");
  JsonObject *p = json_object_new();
  json_object_set_string_member(p, "provisioningState", "Succeeded");
  json_object_set_object_member(o, "properties", p);
  return v_object_take(o);
}

static JsonNode *f_subscription(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  JsonObject *o = json_object_new();
  g_autofree char *id = g_strdup_printf("/subscriptions/%s", env_sub(e));
  json_object_set_string_member(o, "id", id);
  json_object_set_string_member(o, "subscriptionId", env_sub(e));
  json_object_set_string_member(o, "tenantId", "00000000-0000-0000-0000-000000000002");
  json_object_set_string_member(o, "displayName", "vpnsim");
  return v_object_take(o);
}

static JsonNode *f_deployment(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  JsonObject *o = json_object_new();
  json_object_set_string_member(o, "name", e->env->deployment ? e->env->deployment : "vpnsim-import");
  json_object_set_object_member(o, "properties", json_object_new());
  return v_object_take(o);
}

static JsonNode *f_unique_string(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  g_autofree const char **parts = g_new0(const char *, n);
  for (guint i = 0; i < n; i++) {
    WANT_STR(i);
    parts[i] = S(i);
  }
  return v_str_take(arm_unique_string(parts, n));
}

static JsonNode *f_to_lower(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  return v_str_take(g_utf8_strdown(S(0), -1));
}

static JsonNode *f_to_upper(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  return v_str_take(g_utf8_strup(S(0), -1));
}

static JsonNode *f_equals(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  return v_bool(json_node_equal(argv[0], argv[1]));
}

static JsonNode *f_not(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_BOOL(0);
  return v_bool(!json_node_get_boolean(argv[0]));
}

static JsonNode *f_and(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  gboolean r = TRUE;
  for (guint i = 0; i < n; i++) {
    WANT_BOOL(i);
    r = r && json_node_get_boolean(argv[i]);
  }
  return v_bool(r);
}

static JsonNode *f_or(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  gboolean r = FALSE;
  for (guint i = 0; i < n; i++) {
    WANT_BOOL(i);
    r = r || json_node_get_boolean(argv[i]);
  }
  return v_bool(r);
}

static JsonNode *f_true(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  return v_bool(TRUE);
}
static JsonNode *f_false(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  return v_bool(FALSE);
}
static JsonNode *f_null(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  return v_null();
}

/* bool(): "true"/"false" in any case, or an int (0 is false). */
static JsonNode *f_bool(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  if (IS_BOOL(argv[0]))
    return v_bool(json_node_get_boolean(argv[0]));
  if (IS_INT(argv[0]))
    return v_bool(I(0) != 0);
  if (IS_STR(argv[0]) && (!g_ascii_strcasecmp(S(0), "true") || !g_ascii_strcasecmp(S(0), "false")))
    return v_bool(!g_ascii_strcasecmp(S(0), "true"));
  return e_fail(e, ARG(0), ARM_EXPR_ERROR_VALUE, "bool: cannot read %s as a bool",
                kind_name(argv[0]));
}

static JsonNode *f_int(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  if (IS_INT(argv[0]))
    return v_int(I(0));
  gint64 v;
  if (IS_STR(argv[0]) && g_ascii_string_to_signed(S(0), 10, G_MININT64, G_MAXINT64, &v, NULL))
    return v_int(v);
  return e_fail(e, ARG(0), ARM_EXPR_ERROR_VALUE, "int: cannot read %s as an int",
                IS_STR(argv[0]) ? S(0) : kind_name(argv[0]));
}

static JsonNode *f_string(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  return v_str_take(arm_value_to_string(argv[0]));
}

static JsonNode *f_json(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  g_autoptr(JsonParser) p = json_parser_new();
  g_autoptr(GError) err = NULL;
  if (!json_parser_load_from_data(p, S(0), -1, &err))
    return e_fail(e, ARG(0), ARM_EXPR_ERROR_VALUE, "json: %s", err->message);
  JsonNode *root = json_parser_get_root(p);
  return root ? deep_copy(root) : v_null();
}

static JsonNode *first_last(Eval *e, const Ax *call, JsonNode **argv, gboolean last)
{
  if (IS_ARR(argv[0])) {
    JsonArray *a = json_node_get_array(argv[0]);
    guint len = json_array_get_length(a);
    if (!len)
      return v_null();
    return deep_copy(json_array_get_element(a, last ? len - 1 : 0));
  }
  if (IS_STR(argv[0])) {
    const char *s = S(0);
    if (!*s)
      return v_str("");
    const char *c = last ? g_utf8_prev_char(s + strlen(s)) : s;
    return v_str_take(g_strndup(c, (gsize)(g_utf8_next_char(c) - c)));
  }
  want(e, call, argv, 0, FALSE, "an array or a string");
  return NULL;
}
static JsonNode *f_first(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  return first_last(e, call, argv, FALSE);
}
static JsonNode *f_last(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  return first_last(e, call, argv, TRUE);
}

static JsonNode *f_split(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  g_autoptr(GPtrArray) delims = g_ptr_array_new();
  if (IS_STR(argv[1])) {
    g_ptr_array_add(delims, (gpointer)S(1));
  } else if (IS_ARR(argv[1])) {
    JsonArray *a = json_node_get_array(argv[1]);
    for (guint i = 0; i < json_array_get_length(a); i++) {
      JsonNode *d = json_array_get_element(a, i);
      if (!IS_STR(d))
        return e_fail(e, ARG(1), ARM_EXPR_ERROR_TYPE, "split: delimiters must be strings");
      g_ptr_array_add(delims, (gpointer)json_node_get_string(d));
    }
  } else {
    want(e, call, argv, 1, FALSE, "a string or an array of strings");
    return NULL;
  }
  JsonArray *out = json_array_new();
  const char *s = S(0), *start = s;
  for (const char *c = s; *c;) {
    size_t hit = 0;
    for (guint k = 0; k < delims->len && !hit; k++) {
      const char *d = g_ptr_array_index(delims, k);
      if (*d && !strncmp(c, d, strlen(d)))
        hit = strlen(d);
    }
    if (hit) {
      g_autofree char *piece = g_strndup(start, (gsize)(c - start));
      json_array_add_string_element(out, piece);
      c += hit;
      start = c;
    } else {
      c++;
    }
  }
  json_array_add_string_element(out, start);
  return v_array_take(out);
}

static JsonNode *f_length(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  if (IS_ARR(argv[0]))
    return v_int(json_array_get_length(json_node_get_array(argv[0])));
  if (IS_OBJ(argv[0]))
    return v_int(json_object_get_size(json_node_get_object(argv[0])));
  if (IS_STR(argv[0]))
    return v_int(g_utf8_strlen(S(0), -1));
  want(e, call, argv, 0, FALSE, "an array, an object or a string");
  return NULL;
}

static JsonNode *f_empty(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  if (IS_NULL(argv[0]))
    return v_bool(TRUE);
  if (IS_ARR(argv[0]) || IS_OBJ(argv[0]) || IS_STR(argv[0])) {
    g_autoptr(JsonNode) l = f_length(e, call, argv, n);
    return v_bool(json_node_get_int(l) == 0);
  }
  want(e, call, argv, 0, FALSE, "an array, an object or a string");
  return NULL;
}

static JsonNode *f_contains(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  if (IS_STR(argv[0])) {
    g_autofree char *t = arm_value_to_string(argv[1]);
    return v_bool(strstr(S(0), t) != NULL);
  }
  if (IS_OBJ(argv[0])) {
    WANT_STR(1);
    return v_bool(arm_object_get(json_node_get_object(argv[0]), S(1)) != NULL);
  }
  if (IS_ARR(argv[0])) {
    JsonArray *a = json_node_get_array(argv[0]);
    for (guint i = 0; i < json_array_get_length(a); i++)
      if (json_node_equal(json_array_get_element(a, i), argv[1]))
        return v_bool(TRUE);
    return v_bool(FALSE);
  }
  want(e, call, argv, 0, FALSE, "an array, an object or a string");
  return NULL;
}

static JsonNode *f_create_array(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  JsonArray *a = json_array_new();
  for (guint i = 0; i < n; i++)
    json_array_add_element(a, deep_copy(argv[i]));
  return v_array_take(a);
}

static JsonNode *f_create_object(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  if (n % 2)
    return e_fail(e, call, ARM_EXPR_ERROR_FUNCTION,
                  "createObject: takes key and value pairs, %u arguments given", n);
  JsonObject *o = json_object_new();
  for (guint i = 0; i < n; i += 2) {
    if (!IS_STR(argv[i])) {
      json_object_unref(o);
      want(e, call, argv, i, FALSE, "a string (a key)");
      return NULL;
    }
    json_object_set_member(o, S(i), deep_copy(argv[i + 1]));
  }
  return v_object_take(o);
}

static JsonNode *arith(Eval *e, const Ax *call, JsonNode **argv, char op)
{
  WANT_INT(0);
  WANT_INT(1);
  gint64 a = I(0), b = I(1);
  switch (op) {
  case '+': return v_int(a + b);
  case '-': return v_int(a - b);
  case '*': return v_int(a * b);
  default:
    if (!b)
      return e_fail(e, ARG(1), ARM_EXPR_ERROR_VALUE, "%s: division by zero", call->name);
    return v_int(op == '/' ? a / b : a % b);
  }
}
static JsonNode *f_add(Eval *e, const Ax *call, JsonNode **argv, guint n) { return arith(e, call, argv, '+'); }
static JsonNode *f_sub(Eval *e, const Ax *call, JsonNode **argv, guint n) { return arith(e, call, argv, '-'); }
static JsonNode *f_mul(Eval *e, const Ax *call, JsonNode **argv, guint n) { return arith(e, call, argv, '*'); }
static JsonNode *f_div(Eval *e, const Ax *call, JsonNode **argv, guint n) { return arith(e, call, argv, '/'); }
static JsonNode *f_mod(Eval *e, const Ax *call, JsonNode **argv, guint n) { return arith(e, call, argv, '%'); }

/* greater() and friends: two ints or two strings (ordinal). Returns -2 on a type error. */
static int compare(Eval *e, const Ax *call, JsonNode **argv)
{
  if (IS_INT(argv[0]) && IS_INT(argv[1]))
    return I(0) < I(1) ? -1 : I(0) > I(1);
  if (IS_STR(argv[0]) && IS_STR(argv[1])) {
    int c = strcmp(S(0), S(1));
    return c < 0 ? -1 : c > 0;
  }
  want(e, call, argv, IS_INT(argv[0]) || IS_STR(argv[0]) ? 1 : 0, FALSE,
       "two ints or two strings");
  return -2;
}
#define CMP_FN(fname, test)                                                                      \
  static JsonNode *fname(Eval *e, const Ax *call, JsonNode **argv, guint n)                    \
  {                                                                                            \
    int c = compare(e, call, argv);                                                            \
    return c == -2 ? NULL : v_bool(test);                                                      \
  }
CMP_FN(f_greater, c > 0)
CMP_FN(f_less, c < 0)
CMP_FN(f_greater_or_equals, c >= 0)
CMP_FN(f_less_or_equals, c <= 0)

static JsonNode *f_replace(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  WANT_STR(1);
  WANT_STR(2);
  if (!*S(1))
    return v_str(S(0));
  g_auto(GStrv) parts = g_strsplit(S(0), S(1), -1);
  return v_str_take(g_strjoinv(S(2), parts));
}

static JsonNode *f_substring(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  WANT_INT(1);
  glong len = g_utf8_strlen(S(0), -1);
  gint64 start = I(1), count = len - start;
  if (n == 3) {
    WANT_INT(2);
    count = I(2);
  }
  if (start < 0 || start > len || count < 0 || start + count > len)
    return e_fail(e, call, ARM_EXPR_ERROR_VALUE,
                  "substring: start %" G_GINT64_FORMAT " and length %" G_GINT64_FORMAT
                  " do not fit a string of %ld characters",
                  start, count, len);
  const char *b = g_utf8_offset_to_pointer(S(0), start);
  const char *end = g_utf8_offset_to_pointer(b, count);
  return v_str_take(g_strndup(b, (gsize)(end - b)));
}

static JsonNode *f_trim(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  return v_str_take(g_strstrip(g_strdup(S(0))));
}

/* startsWith and endsWith compare without case, as ARM's do. */
static JsonNode *f_starts_with(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  WANT_STR(1);
  return v_bool(!g_ascii_strncasecmp(S(0), S(1), strlen(S(1))));
}
static JsonNode *f_ends_with(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  WANT_STR(0);
  WANT_STR(1);
  size_t a = strlen(S(0)), b = strlen(S(1));
  return v_bool(b <= a && !g_ascii_strcasecmp(S(0) + a - b, S(1)));
}

static JsonNode *f_coalesce(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  for (guint i = 0; i < n; i++)
    if (!IS_NULL(argv[i]))
      return deep_copy(argv[i]);
  return v_null();
}

/* if() is evaluated lazily in eval_call (only the branch taken); this row gives its arity. */
static JsonNode *f_if(Eval *e, const Ax *call, JsonNode **argv, guint n)
{
  g_assert_not_reached();
}

#define ANY G_MAXUINT
static const ArmFunction arm_functions[] = {
    {"add", 2, 2, f_add},
    {"and", 2, ANY, f_and},
    {"bool", 1, 1, f_bool},
    {"coalesce", 1, ANY, f_coalesce},
    {"concat", 1, ANY, f_concat},
    {"contains", 2, 2, f_contains},
    {"createArray", 0, ANY, f_create_array},
    {"createObject", 0, ANY, f_create_object},
    {"deployment", 0, 0, f_deployment},
    {"div", 2, 2, f_div},
    {"empty", 1, 1, f_empty},
    {"endsWith", 2, 2, f_ends_with},
    {"equals", 2, 2, f_equals},
    {"false", 0, 0, f_false},
    {"first", 1, 1, f_first},
    {"format", 1, ANY, f_format},
    {"greater", 2, 2, f_greater},
    {"greaterOrEquals", 2, 2, f_greater_or_equals},
    {"if", 3, 3, f_if},
    {"int", 1, 1, f_int},
    {"json", 1, 1, f_json},
    {"last", 1, 1, f_last},
    {"length", 1, 1, f_length},
    {"less", 2, 2, f_less},
    {"lessOrEquals", 2, 2, f_less_or_equals},
    {"mod", 2, 2, f_mod},
    {"mul", 2, 2, f_mul},
    {"not", 1, 1, f_not},
    {"null", 0, 0, f_null},
    {"or", 2, ANY, f_or},
    {"parameters", 1, 1, f_parameters},
    {"reference", 1, 3, f_reference},
    {"replace", 3, 3, f_replace},
    {"resourceGroup", 0, 0, f_resource_group},
    {"resourceId", 2, ANY, f_resource_id},
    {"split", 2, 2, f_split},
    {"startsWith", 2, 2, f_starts_with},
    {"string", 1, 1, f_string},
    {"sub", 2, 2, f_sub},
    {"subscription", 0, 0, f_subscription},
    {"substring", 2, 3, f_substring},
    {"toLower", 1, 1, f_to_lower},
    {"toUpper", 1, 1, f_to_upper},
    {"trim", 1, 1, f_trim},
    {"true", 0, 0, f_true},
    {"uniqueString", 1, ANY, f_unique_string},
    {"variables", 1, 1, f_variables},
};

static const ArmFunction *find_function(const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS(arm_functions); i++)
    if (!g_ascii_strcasecmp(arm_functions[i].name, name))
      return &arm_functions[i];
  return NULL;
}

static JsonNode *eval_call(Eval *e, const Ax *call)
{
  const ArmFunction *f = find_function(call->name);
  guint n = call->args->len;
  if (!f) {
    /* the nearest name, as the CLI's "did you mean", compared without case */
    char *low[G_N_ELEMENTS(arm_functions)];
    for (size_t i = 0; i < G_N_ELEMENTS(arm_functions); i++)
      low[i] = g_ascii_strdown(arm_functions[i].name, -1);
    g_autofree char *mine = g_ascii_strdown(call->name, -1);
    const char *near = str_nearest(mine, (const char *const *)low, G_N_ELEMENTS(low));
    const char *best = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(arm_functions); i++) {
      if (near == low[i])
        best = arm_functions[i].name;
      g_free(low[i]);
    }
    if (best)
      return e_fail(e, call, ARM_EXPR_ERROR_FUNCTION,
                    "unknown function '%s' (did you mean '%s'?)", call->name, best);
    return e_fail(e, call, ARM_EXPR_ERROR_FUNCTION, "unknown function '%s'", call->name);
  }
  if (n < f->min || n > f->max) {
    if (f->min == f->max)
      return e_fail(e, call, ARM_EXPR_ERROR_FUNCTION, "%s takes %u argument%s, %u given",
                    f->name, f->min, f->min == 1 ? "" : "s", n);
    if (f->max == ANY)
      return e_fail(e, call, ARM_EXPR_ERROR_FUNCTION, "%s takes at least %u argument%s, %u given",
                    f->name, f->min, f->min == 1 ? "" : "s", n);
    return e_fail(e, call, ARM_EXPR_ERROR_FUNCTION, "%s takes %u to %u arguments, %u given",
                  f->name, f->min, f->max, n);
  }
  if (f->fn == f_if) {
    g_autoptr(JsonNode) c = eval(e, ARG(0));
    if (!c)
      return NULL;
    if (!IS_BOOL(c))
      return e_fail(e, ARG(0), ARM_EXPR_ERROR_TYPE, "if: the condition must be a bool, not %s",
                    kind_name(c));
    return eval(e, ARG(json_node_get_boolean(c) ? 1 : 2));
  }
  JsonNode **argv = g_new0(JsonNode *, n + 1);
  JsonNode *r = NULL;
  guint i;
  for (i = 0; i < n; i++)
    if (!(argv[i] = eval(e, ARG(i))))
      goto out;
  /* the function's rows use the canonical name in messages */
  Ax named = *call;
  named.name = (char *)f->name;
  r = f->fn(e, &named, argv, n);
out:
  for (guint k = 0; k < n; k++)
    if (argv[k])
      json_node_unref(argv[k]);
  g_free(argv);
  return r;
}

static JsonNode *eval(Eval *e, const Ax *a)
{
  switch (a->kind) {
  case AX_LIT:
    return deep_copy(a->lit);
  case AX_CALL:
    return eval_call(e, a);
  case AX_MEMBER: {
    g_autoptr(JsonNode) b = eval(e, a->base);
    if (!b)
      return NULL;
    if (!IS_OBJ(b))
      return e_fail(e, a, ARM_EXPR_ERROR_TYPE, "'.%s' on %s (not an object)", a->name,
                    kind_name(b));
    JsonNode *m = arm_object_get(json_node_get_object(b), a->name);
    if (!m) {
      g_autoptr(GString) names = g_string_new(NULL);
      GList *ks = json_object_get_members(json_node_get_object(b));
      for (GList *l = ks; l; l = l->next)
        g_string_append_printf(names, "%s%s", names->len ? ", " : "", (char *)l->data);
      g_list_free(ks);
      return e_fail(e, a, ARM_EXPR_ERROR_VALUE, "no property '%s' (it has: %s)", a->name,
                    names->len ? names->str : "nothing");
    }
    return deep_copy(m);
  }
  case AX_INDEX: {
    g_autoptr(JsonNode) b = eval(e, a->base);
    if (!b)
      return NULL;
    g_autoptr(JsonNode) ix = eval(e, a->index);
    if (!ix)
      return NULL;
    if (IS_ARR(b)) {
      if (!IS_INT(ix))
        return e_fail(e, a->index, ARM_EXPR_ERROR_TYPE, "an array index must be an int, not %s",
                      kind_name(ix));
      JsonArray *arr = json_node_get_array(b);
      gint64 k = json_node_get_int(ix);
      if (k < 0 || k >= json_array_get_length(arr))
        return e_fail(e, a->index, ARM_EXPR_ERROR_VALUE,
                      "index %" G_GINT64_FORMAT " out of range (the array has %u element%s)", k,
                      json_array_get_length(arr), json_array_get_length(arr) == 1 ? "" : "s");
      return deep_copy(json_array_get_element(arr, (guint)k));
    }
    if (IS_OBJ(b)) {
      if (!IS_STR(ix))
        return e_fail(e, a->index, ARM_EXPR_ERROR_TYPE, "an object index must be a string, not %s",
                      kind_name(ix));
      JsonNode *m = arm_object_get(json_node_get_object(b), json_node_get_string(ix));
      if (!m)
        return e_fail(e, a->index, ARM_EXPR_ERROR_VALUE, "no property '%s'",
                      json_node_get_string(ix));
      return deep_copy(m);
    }
    return e_fail(e, a, ARM_EXPR_ERROR_TYPE, "'[...]' on %s (not an array or object)",
                  kind_name(b));
  }
  }
  g_assert_not_reached();
}

gboolean arm_is_expression(const char *s)
{
  size_t n = s ? strlen(s) : 0;
  return n >= 2 && s[0] == '[' && s[1] != '[' && s[n - 1] == ']';
}

JsonNode *arm_eval_string(const char *s, const ArmEnv *env, unsigned *err_col, GError **error)
{
  g_return_val_if_fail(s && env, NULL);
  if (s[0] == '[' && s[1] == '[')
    return v_str(s + 1); /* the escape: "[[x]" is the literal "[x]" */
  if (!arm_is_expression(s))
    return v_str(s);
  Parser p = {.s = s, .i = 1, .end = strlen(s) - 1};
  g_autoptr(Ax) a = p_expr(&p);
  if (a && p_peek(&p))
    p_fail(&p, p.i, "unexpected '%c' after the expression", s[p.i]);
  if (p.err) {
    if (err_col)
      *err_col = p.err_pos + 1;
    g_propagate_error(error, p.err);
    return NULL;
  }
  Eval e = {.env = env};
  JsonNode *v = eval(&e, a);
  if (!v) {
    g_assert(e.err);
    if (err_col)
      *err_col = e.err_pos + 1;
    g_propagate_error(error, e.err);
  }
  return v;
}

static JsonNode *eval_tree(JsonNode *t, const ArmEnv *env, GString *path, unsigned *err_col,
                           GError **error)
{
  if (IS_STR(t))
    return arm_eval_string(json_node_get_string(t), env, err_col, error);
  if (IS_ARR(t)) {
    JsonArray *src = json_node_get_array(t), *a = json_array_new();
    for (guint i = 0; i < json_array_get_length(src); i++) {
      gsize mark = path->len;
      g_string_append_printf(path, "[%u]", i);
      JsonNode *v = eval_tree(json_array_get_element(src, i), env, path, err_col, error);
      if (!v) {
        json_array_unref(a);
        return NULL;
      }
      g_string_truncate(path, mark);
      json_array_add_element(a, v);
    }
    return v_array_take(a);
  }
  if (IS_OBJ(t)) {
    JsonObject *src = json_node_get_object(t), *o = json_object_new();
    JsonObjectIter it;
    const char *k;
    JsonNode *m;
    json_object_iter_init_ordered(&it, src);
    while (json_object_iter_next_ordered(&it, &k, &m)) {
      gsize mark = path->len;
      g_string_append_printf(path, ".%s", k);
      JsonNode *v = eval_tree(m, env, path, err_col, error);
      if (!v) {
        json_object_unref(o);
        return NULL;
      }
      g_string_truncate(path, mark);
      json_object_set_member(o, k, v);
    }
    return v_object_take(o);
  }
  return deep_copy(t);
}

JsonNode *arm_eval_tree(JsonNode *tree, const ArmEnv *env, char **err_path, unsigned *err_col,
                        GError **error)
{
  g_autoptr(GString) path = g_string_new(NULL);
  JsonNode *v = eval_tree(tree, env, path, err_col, error);
  if (!v && err_path)
    *err_path = g_strdup(path->str);
  return v;
}
