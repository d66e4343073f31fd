/* SPDX-License-Identifier: MIT */
/* Sharding the catalogue across CI machines: `vpnsim conformance --shard K/N` keeps every
 * N-th check of the selection, and `vpnsim conformance --merge DIR...` joins the shards'
 * conformance.json files into one result set (and, in device mode, one matrix). A merge
 * refuses what would silently lose a result: a missing or repeated shard, shards of
 * different splits or device modes, a check in two shards, a check unknown to this
 * catalogue. */
#include "conformance/conformance_run.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#define CONF_SHARD_MAX 1000u

bool conf_shard_parse(const char *text, unsigned *k, unsigned *n, GError **error)
{
  char *end = NULL;
  unsigned long a = 0, b = 0;
  bool ok = text && g_ascii_isdigit(text[0]);
  if (ok) {
    a = strtoul(text, &end, 10);
    ok = *end == '/' && g_ascii_isdigit(end[1]);
  }
  if (ok) {
    b = strtoul(end + 1, &end, 10);
    ok = !*end;
  }
  if (!ok) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--shard takes K/N (this job's shard K of N, e.g. 2/4), not '%s'",
                text ? text : "");
    return false;
  }
  if (b < 1 || b > CONF_SHARD_MAX || a < 1 || a > b) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--shard %s: K must be from 1 to N and N from 1 to %u", text, CONF_SHARD_MAX);
    return false;
  }
  *k = (unsigned)a, *n = (unsigned)b;
  return true;
}

void conf_shard_filter(GPtrArray *sel, unsigned k, unsigned n)
{
  guint w = 0;
  for (guint i = 0; i < sel->len; i++)
    if (i % n == k - 1)
      sel->pdata[w++] = sel->pdata[i];
  g_ptr_array_set_size(sel, w);
}

/* ---------------------------------------------------------------- merge */

static const char *member_str(JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member(o, key);
  return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING
             ? json_node_get_string(n)
             : NULL;
}

static bool member_int(JsonObject *o, const char *key, gint64 *v)
{
  JsonNode *n = json_object_get_member(o, key);
  if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
    return false;
  *v = json_node_get_int(n);
  return true;
}

/* A check's folder as the shard wrote it, else the same tail below the shard folder
 * (the shard's results were moved, e.g. downloaded as a CI artifact). */
static char *locate_out(const char *out, const char *dir, const char *check_id)
{
  if (g_file_test(out, G_FILE_TEST_IS_DIR))
    return g_strdup(out);
  g_autofree char *pat = g_strdup_printf("/%s", check_id);
  const char *tail = g_strrstr(out, pat);
  while (tail && tail[strlen(pat)] && tail[strlen(pat)] != '/')
    tail = NULL; /* only a whole path component */
  if (tail) {
    char *p = g_build_filename(dir, tail + 1, NULL);
    if (g_file_test(p, G_FILE_TEST_IS_DIR))
      return p;
    g_free(p);
  }
  return g_strdup(out);
}

typedef struct {
  char *dir;
  unsigned k, n;
  char *device;
  JsonParser *parser;
  JsonArray *checks;
} Shard;

static void shard_clear(Shard *s)
{
  g_free(s->dir), g_free(s->device);
  g_clear_object(&s->parser);
}

static bool shard_load(Shard *s, const char *dir, GError **error)
{
  s->dir = g_strdup(dir);
  g_autofree char *file = g_build_filename(dir, "conformance.json", NULL);
  s->parser = json_parser_new();
  g_autoptr(GError) e = NULL;
  if (!json_parser_load_from_file(s->parser, file, &e)) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: %s", file, e->message);
    return false;
  }
  JsonNode *root = json_parser_get_root(s->parser);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
  JsonNode *cn = o ? json_object_get_member(o, "checks") : NULL;
  if (!cn || !JSON_NODE_HOLDS_ARRAY(cn)) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: not a vpnsim conformance report (no \"checks\" array)", file);
    return false;
  }
  s->checks = json_node_get_array(cn);
  const char *shard = member_str(o, "shard");
  g_autoptr(GError) se = NULL;
  if (!shard) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: not written by a sharded run (vpnsim conformance --shard K/N)", file);
    return false;
  }
  if (!conf_shard_parse(shard, &s->k, &s->n, &se)) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: \"shard\": %s", file, se->message);
    return false;
  }
  const char *dev = member_str(o, "device");
  s->device = dev ? g_strdup(dev) : NULL;
  return true;
}

/* Fill one check's result from its JSON object. */
static bool check_load(ConfCheckResult *cr, JsonObject *co, const Shard *s, guint index,
                       GError **error)
{
  g_autofree char *where = g_strdup_printf("%s/conformance.json: checks[%u]", s->dir, index);
  const char *verdict = member_str(co, "result");
  int64_t v = -1;
  JsonNode *sn = json_object_get_member(co, "scenarios");
  if (!verdict || !name_parse(&conf_verdict_names, verdict, &v) || !sn || !JSON_NODE_HOLDS_ARRAY(sn)) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: needs \"result\" (pass|fail|skip) and \"scenarios\"", where);
    return false;
  }
  cr->verdict = (ConfVerdict)v;
  const char *reason = member_str(co, "reason");
  cr->reason = reason ? g_strdup(reason) : NULL;
  JsonArray *sa = json_node_get_array(sn);
  guint ns = json_array_get_length(sa);
  if (ns > CONF_MAX_SCENARIOS) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: %u scenarios, at most %d", where,
                ns, CONF_MAX_SCENARIOS);
    return false;
  }
  for (guint i = 0; i < ns; i++) {
    JsonNode *en = json_array_get_element(sa, i);
    JsonObject *so = JSON_NODE_HOLDS_OBJECT(en) ? json_node_get_object(en) : NULL;
    const char *file = so ? member_str(so, "file") : NULL;
    const char *out = so ? member_str(so, "out") : NULL;
    gint64 ex = 0;
    if (!file || !out || !member_int(so, "exit", &ex)) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                  "%s.scenarios[%u]: needs \"file\", \"out\" and \"exit\"", where, i);
      return false;
    }
    ConfScenarioResult *sc = &cr->sc[cr->n_sc++];
    sc->file = g_strdup(file);
    sc->out = locate_out(out, s->dir, cr->check->id);
    sc->exit_status = (int)ex;
    JsonNode *pn = json_object_get_member(so, "pass");
    sc->pass = pn && JSON_NODE_HOLDS_VALUE(pn) && json_node_get_boolean(pn);
    const char *r = member_str(so, "reason");
    sc->reason = r ? g_strdup(r) : NULL;
    const char *d = member_str(so, "diagnostics");
    sc->diag = d && *d ? g_strdup(d) : NULL;
    g_autofree char *ev = g_build_filename(sc->out, "events.jsonl", NULL);
    g_file_get_contents(ev, &sc->events, NULL, NULL);
    if (s->device)
      sc->ran = g_build_filename(sc->out, "scenario.yaml", NULL);
  }
  return true;
}

static int by_catalogue(gconstpointer a, gconstpointer b)
{
  const ConfCheckResult *x = a, *y = b;
  return x->check < y->check ? -1 : x->check > y->check;
}

ConfResults *conf_results_merge(const char *const *dirs, size_t n_dirs, char **profile_file,
                                GError **error)
{
  *profile_file = NULL;
  if (!n_dirs) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--merge needs the folders of the shards");
    return NULL;
  }
  Shard *sh = g_new0(Shard, n_dirs);
  ConfResults *res = NULL;
  GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal); /* check -> shard */
  size_t total = 0;
  bool ok = true;
  for (size_t i = 0; ok && i < n_dirs; i++) {
    ok = shard_load(&sh[i], dirs[i], error);
    if (!ok)
      break;
    total += json_array_get_length(sh[i].checks);
    if (sh[i].n != sh[0].n || g_strcmp0(sh[i].device, sh[0].device)) {
      g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                  "%s is shard %u/%u%s%s, %s is shard %u/%u%s%s: not one split", sh[0].dir,
                  sh[0].k, sh[0].n, sh[0].device ? " of device " : "",
                  sh[0].device ? sh[0].device : "", sh[i].dir, sh[i].k, sh[i].n,
                  sh[i].device ? " of device " : "", sh[i].device ? sh[i].device : "");
      ok = false;
    }
    for (size_t j = 0; ok && j < i; j++)
      if (sh[j].k == sh[i].k) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "%s and %s are both shard %u/%u", sh[j].dir, sh[i].dir, sh[i].k, sh[i].n);
        ok = false;
      }
  }
  if (ok && n_dirs != sh[0].n) {
    GString *missing = g_string_new(NULL);
    for (unsigned k = 1; k <= sh[0].n; k++) {
      bool have = false;
      for (size_t i = 0; i < n_dirs; i++)
        have |= sh[i].k == k;
      if (!have)
        g_string_append_printf(missing, "%s%u/%u", missing->len ? ", " : "", k, sh[0].n);
    }
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "shard%s %s missing: a merge needs all %u", strchr(missing->str, ',') ? "s" : "",
                missing->str, sh[0].n);
    g_string_free(missing, TRUE);
    ok = false;
  }
  if (ok) {
    res = conf_results_new(total);
    res->n = 0;
    for (size_t i = 0; ok && i < n_dirs; i++)
      for (guint c = 0; ok && c < json_array_get_length(sh[i].checks); c++) {
        JsonNode *cn = json_array_get_element(sh[i].checks, c);
        JsonObject *co = JSON_NODE_HOLDS_OBJECT(cn) ? json_node_get_object(cn) : NULL;
        const char *id = co ? member_str(co, "id") : NULL;
        const ConfCheck *chk = id ? conf_check_find(id) : NULL;
        if (!chk) {
          g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                      "%s/conformance.json: checks[%u]: %s%s%s", sh[i].dir, c,
                      id ? "no check " : "no \"id\"", id ? id : "",
                      id ? " in this catalogue (a shard of another vpnsim?)" : "");
          ok = false;
          break;
        }
        gpointer prev = g_hash_table_lookup(seen, chk);
        if (prev) {
          g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s is in both %s and %s",
                      chk->id, ((Shard *)prev)->dir, sh[i].dir);
          ok = false;
          break;
        }
        g_hash_table_insert(seen, (gpointer)chk, &sh[i]);
        ConfCheckResult *cr = &res->items[res->n++];
        cr->check = chk;
        ok = check_load(cr, co, &sh[i], c, error);
      }
  }
  if (ok) {
    qsort(res->items, res->n, sizeof *res->items, by_catalogue);
    if (sh[0].device) {
      res->device = g_strdup(sh[0].device);
      g_autofree char *name = g_strdup_printf("%s.yaml", sh[0].device);
      *profile_file = g_build_filename(sh[0].dir, "profiles", name, NULL);
    }
  }
  for (size_t i = 0; i < n_dirs; i++)
    shard_clear(&sh[i]);
  g_free(sh);
  g_hash_table_unref(seen);
  if (!ok && res) {
    conf_results_free(res);
    res = NULL;
  }
  return res;
}
