/* SPDX-License-Identifier: MIT */
/* The catalogue generator (build time): reads the `check:` block of every check file under
 * conformance/checks/ (docs/architecture.md, "A conformance check") and writes C: the checks
 * table conf_checks[] in catalogue order (the groups' order of conf_groups[], then the
 * number) and the self-test's fault table conf_faults[] (catalogue.h). Every problem of a
 * block is reported at its file:line:col and fails the build.
 *   gen-catalogue OUT.c FILE.yaml...   (the files as the catalogue names them, relative to
 *                                       the source tree) */
#include "conformance/catalogue.h"
#include "sim/scenario/ytree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *file;
  const YtDoc *doc;
  const YtNode *block;
  const char *id, *statement, *source, *role, *status, *waits_for;
  bool matrix;
  const char *what, *edit, *fails;
  bool has_fault;
  size_t group;
  unsigned number;
} Row;

static unsigned errors;

static void err(const YtDoc *doc, const YtNode *n, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void err(const YtDoc *doc, const YtNode *n, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_autofree char *w = yt_where(doc, n);
  fprintf(stderr, "%s: error: %s\n", w, msg);
  errors++;
}

static void print_diag(void *user, const VsDiag *d)
{
  fprintf(stderr, "%s:%u:%u: error: %s\n", d->loc.file, d->loc.line, d->loc.col, d->message);
  errors++;
}

/* A string value of the block (a non-empty scalar), or NULL (reported when required). */
static const char *str(const Row *r, const YtNode *map, const char *key, bool required)
{
  const YtNode *v = yt_map_get(map, key);
  if (!v) {
    if (required)
      err(r->doc, map, "check: '%s' is missing", key);
    return NULL;
  }
  if (v->kind != YT_SCALAR || !*v->str || (!v->quoted && yt_is_null(v))) {
    err(r->doc, v, "check: '%s' must be a non-empty string", key);
    return NULL;
  }
  if (strchr(v->str, '\n'))
    err(r->doc, v, "check: '%s' must be one line", key);
  return v->str;
}

static bool keys_ok(const Row *r, const YtNode *map, const char *const *allowed)
{
  bool ok = true;
  for (guint i = 0; i < map->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(map->keys, i);
    if (!g_strv_contains(allowed, k->str)) {
      g_autofree char *all = g_strjoinv(", ", (char **)allowed);
      err(r->doc, k, "check: unknown key '%s' (one of %s)", k->str, all);
      ok = false;
    }
  }
  return ok;
}

static const char *const check_keys[] = {"id",     "statement", "source", "role",  "status",
                                         "waitsFor", "matrix",  "fault",  NULL};
static const char *const fault_keys[] = {"what", "edit", "fails", NULL};

static bool read_row(Row *r)
{
  const YtNode *root = r->doc->root;
  const YtNode *b = root->kind == YT_MAP ? yt_map_get(root, "check") : NULL;
  if (!b) {
    err(r->doc, root, "a check file needs a top-level 'check:' block");
    return false;
  }
  if (b->kind != YT_MAP) {
    err(r->doc, b, "check: must be a mapping");
    return false;
  }
  r->block = b;
  keys_ok(r, b, check_keys);
  r->id = str(r, b, "id", true);
  r->statement = str(r, b, "statement", true);
  r->source = str(r, b, "source", true);
  r->role = str(r, b, "role", true);
  r->status = str(r, b, "status", true);
  r->waits_for = str(r, b, "waitsFor", false);
  const YtNode *m = yt_map_get(b, "matrix");
  if (m) {
    if (m->kind == YT_SCALAR && !m->quoted && (!strcmp(m->str, "true") || !strcmp(m->str, "false")))
      r->matrix = !strcmp(m->str, "true");
    else
      err(r->doc, m, "check: 'matrix' must be true or false");
  }
  if (r->role && strcmp(r->role, "initiator") && strcmp(r->role, "responder") &&
      strcmp(r->role, "either"))
    err(r->doc, yt_map_get(b, "role"), "check: role '%s' is not initiator, responder or either",
        r->role);
  if (r->status) {
    if (!strcmp(r->status, "pending")) {
      if (!r->waits_for)
        err(r->doc, b, "check: a pending check says what it waits for (waitsFor)");
      if (r->matrix)
        err(r->doc, m, "check: a pending check is not in the matrix");
    } else if (!strcmp(r->status, "active")) {
      if (r->waits_for)
        err(r->doc, yt_map_get(b, "waitsFor"), "check: an active check waits for nothing");
      if (!yt_map_get(root, "name"))
        err(r->doc, root, "an active check's file is its scenario: it needs the scenario "
                          "(name, duration, cloud, ...) besides the check: block");
    } else {
      err(r->doc, yt_map_get(b, "status"), "check: status '%s' is not active or pending",
          r->status);
    }
  }
  const YtNode *f = yt_map_get(b, "fault");
  if (f) {
    if (f->kind != YT_MAP) {
      err(r->doc, f, "check: 'fault' must be a mapping (what, edit, fails)");
    } else {
      keys_ok(r, f, fault_keys);
      r->has_fault = true;
      r->what = str(r, f, "what", true);
      r->edit = str(r, f, "edit", false);
      r->fails = str(r, f, "fails", false);
    }
  }
  if (r->id) {
    r->group = conf_n_groups;
    size_t best = 0;
    for (size_t g = 0; g < conf_n_groups; g++) {
      size_t l = strlen(conf_groups[g].prefix);
      if (l > best && !strncmp(r->id, conf_groups[g].prefix, l) && r->id[l] == '-' &&
          strlen(r->id + l + 1) == 3 && strspn(r->id + l + 1, "0123456789") == 3) {
        best = l;
        r->group = g;
        r->number = (unsigned)atoi(r->id + l + 1);
      }
    }
    if (r->group == conf_n_groups)
      err(r->doc, yt_map_get(b, "id"), "check: id '%s' is not GROUP-NNN of a known group", r->id);
  }
  return true;
}

static int cmp_rows(const void *a, const void *b)
{
  const Row *x = a, *y = b;
  if (x->group != y->group)
    return x->group < y->group ? -1 : 1;
  return x->number < y->number ? -1 : x->number > y->number;
}

static void cstr(FILE *o, const char *s)
{
  if (!s) {
    fputs("NULL", o);
    return;
  }
  fputc('"', o);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(o, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", o);
    else if (*p < 0x20 || *p == 0x7f)
      fprintf(o, "\\%03o", *p);
    else if (*p == '?' && p[1] == '?')
      fputs("?\"\"", o); /* no trigraphs */
    else
      fputc(*p, o);
  }
  fputc('"', o);
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: gen-catalogue OUT.c FILE.yaml...\n");
    return 2;
  }
  size_t n = (size_t)argc - 2;
  Row *rows = g_new0(Row, n ? n : 1);
  GPtrArray *docs = g_ptr_array_new_with_free_func((GDestroyNotify)yt_doc_free);
  size_t nr = 0;
  for (size_t i = 0; i < n; i++) {
    YtDoc *doc = yt_load_file(argv[i + 2], (VsDiagSink){print_diag, NULL});
    if (!doc)
      continue;
    g_ptr_array_add(docs, doc);
    Row *r = &rows[nr];
    r->file = argv[i + 2];
    r->doc = doc;
    if (read_row(r))
      nr++;
  }
  qsort(rows, nr, sizeof *rows, cmp_rows);
  for (size_t i = 1; i < nr; i++)
    if (rows[i].id && rows[i - 1].id && !g_ascii_strcasecmp(rows[i].id, rows[i - 1].id))
      err(rows[i].doc, yt_map_get(rows[i].block, "id"), "check: id %s is also %s's", rows[i].id,
          rows[i - 1].file);
  if (errors) {
    fprintf(stderr, "gen-catalogue: %u error%s\n", errors, errors == 1 ? "" : "s");
    return 1;
  }
  g_autofree char *tmp = g_strdup_printf("%s.tmp", argv[1]);
  FILE *o = fopen(tmp, "w");
  if (!o) {
    perror(tmp);
    return 1;
  }
  fputs("/* SPDX-License-Identifier: MIT */\n"
        "/* Generated by gen-catalogue (conformance/gen/gen_catalogue.c) from the check: blocks "
        "of\n * conformance/checks/: do not edit. */\n"
        "#include \"conformance/catalogue.h\"\n\n"
        "const ConfCheck conf_checks[] = {\n",
        o);
  for (size_t i = 0; i < nr; i++) {
    const Row *r = &rows[i];
    bool active = !strcmp(r->status, "active");
    fputs("    {\n        .id = ", o);
    cstr(o, r->id);
    fputs(",\n        .statement = ", o);
    cstr(o, r->statement);
    fputs(",\n        .source = ", o);
    cstr(o, r->source);
    fprintf(o, ",\n        .role = %s,\n        .status = %s,\n",
            !strcmp(r->role, "initiator")   ? "CONF_ROLE_INITIATOR"
            : !strcmp(r->role, "responder") ? "CONF_ROLE_RESPONDER"
                                            : "CONF_ROLE_EITHER",
            active ? "CONF_ACTIVE" : "CONF_PENDING");
    if (r->waits_for) {
      fputs("        .waits_for = ", o);
      cstr(o, r->waits_for);
      fputs(",\n", o);
    }
    if (active) {
      fputs("        .scenarios = {", o);
      cstr(o, r->file);
      fputs("},\n", o);
    }
    if (r->matrix)
      fputs("        .matrix = true,\n", o);
    fputs("    },\n", o);
  }
  fputs("};\nconst size_t conf_n_checks = sizeof conf_checks / sizeof conf_checks[0];\n\n"
        "const ConfFault conf_faults[] = {\n",
        o);
  size_t nf = 0;
  for (size_t i = 0; i < nr; i++) {
    const Row *r = &rows[i];
    if (!r->has_fault)
      continue;
    nf++;
    fputs("    {", o);
    cstr(o, r->id);
    fputs(", ", o);
    cstr(o, r->what);
    fputs(", ", o);
    cstr(o, r->edit);
    fputs(", ", o);
    cstr(o, r->fails);
    fputs("},\n", o);
  }
  if (!nf)
    fputs("    {NULL, NULL, NULL, NULL},\n", o);
  fprintf(o, "};\nconst size_t conf_n_faults = %zu;\n", nf);
  if (fclose(o) != 0 || rename(tmp, argv[1]) != 0) {
    perror(argv[1]);
    return 1;
  }
  g_ptr_array_unref(docs);
  g_free(rows);
  return 0;
}
