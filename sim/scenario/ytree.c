/* SPDX-License-Identifier: MIT */
/* YAML (libyaml events) to a located node tree; a file that is not YAML (or YAML we refuse)
 * is one typed record at the place libyaml or the tree builder stopped. */
#include "sim/scenario/ytree.h"

#include <stdarg.h>
#include <string.h>
#include <yaml.h>

G_DEFINE_QUARK(vpnsim-scenario-error-quark, scn_error)

static YtNode *node_new(YtKind kind, const yaml_mark_t *mark)
{
  YtNode *n = g_new0(YtNode, 1);
  n->kind = kind;
  n->line = (unsigned)mark->line + 1;
  n->col = (unsigned)mark->column + 1;
  return n;
}

static void node_free(gpointer p)
{
  YtNode *n = p;
  if (!n)
    return;
  g_free(n->str);
  if (n->keys)
    g_ptr_array_unref(n->keys);
  if (n->items)
    g_ptr_array_unref(n->items);
  g_free(n);
}

typedef struct {
  yaml_parser_t parser;
  const char *name;
  VsDiagSink sink;
  unsigned depth;
} Loader;

#define MAX_DEPTH 64 /* deeper nesting is refused rather than risking the stack */

static bool fail(Loader *l, const yaml_mark_t *m, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static bool fail(Loader *l, const yaml_mark_t *m, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  VsLoc loc = {l->name, (unsigned)m->line + 1, (unsigned)m->column + 1};
  vs_diag_emit(l->sink, SCN_DIAG_YAML, VS_SEV_ERROR, loc, "%s", msg);
  return false;
}

static bool next_event(Loader *l, yaml_event_t *ev)
{
  if (yaml_parser_parse(&l->parser, ev))
    return true;
  const yaml_mark_t *m = l->parser.problem_mark.line || l->parser.problem_mark.column
                             ? &l->parser.problem_mark
                             : &l->parser.context_mark;
  return fail(l, m, "%s%s%s", l->parser.problem ? l->parser.problem : "YAML error",
              l->parser.context ? " " : "", l->parser.context ? l->parser.context : "");
}

/* Build the node whose first event is ev (consumed). */
static YtNode *build(Loader *l, yaml_event_t *ev)
{
  YtNode *n = NULL;
  switch (ev->type) {
  case YAML_SCALAR_EVENT:
    n = node_new(YT_SCALAR, &ev->start_mark);
    n->str = g_strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
    n->quoted = ev->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ||
                ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
                ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
    if (strlen(n->str) != ev->data.scalar.length) {
      fail(l, &ev->start_mark, "a NUL character inside a scalar");
      node_free(n);
      n = NULL;
    }
    yaml_event_delete(ev);
    return n;
  case YAML_ALIAS_EVENT:
    fail(l, &ev->start_mark, "YAML aliases (*name) are not supported in scenarios: "
                             "write the value out");
    yaml_event_delete(ev);
    return NULL;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    bool is_map = ev->type == YAML_MAPPING_START_EVENT;
    yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
    n = node_new(is_map ? YT_MAP : YT_SEQ, &ev->start_mark);
    n->items = g_ptr_array_new_with_free_func(node_free);
    if (is_map)
      n->keys = g_ptr_array_new_with_free_func(node_free);
    yaml_mark_t start = ev->start_mark;
    yaml_event_delete(ev);
    if (++l->depth > MAX_DEPTH) {
      fail(l, &start, "nesting deeper than %d levels", MAX_DEPTH);
      goto err;
    }
    for (;;) {
      yaml_event_t e;
      if (!next_event(l, &e))
        goto err;
      if (e.type == end) {
        yaml_event_delete(&e);
        break;
      }
      if (is_map) {
        yaml_mark_t km = e.start_mark;
        YtNode *key = build(l, &e);
        if (!key)
          goto err;
        if (key->kind != YT_SCALAR) {
          node_free(key);
          fail(l, &km, "a mapping key must be a plain string");
          goto err;
        }
        if (yt_map_get(n, key->str)) {
          fail(l, &km, "duplicate key '%s'", key->str);
          node_free(key);
          goto err;
        }
        g_ptr_array_add(n->keys, key);
        yaml_event_t v;
        if (!next_event(l, &v))
          goto err;
        YtNode *val = build(l, &v);
        if (!val)
          goto err;
        g_ptr_array_add(n->items, val);
      } else {
        YtNode *item = build(l, &e);
        if (!item)
          goto err;
        g_ptr_array_add(n->items, item);
      }
    }
    l->depth--;
    return n;
  err:
    node_free(n);
    return NULL;
  }
  default:
    fail(l, &ev->start_mark, "unexpected YAML event");
    yaml_event_delete(ev);
    return NULL;
  }
}

YtDoc *yt_load_string(const char *name, const char *text, size_t len, VsDiagSink sink)
{
  Loader l = {.name = name, .sink = sink};
  if (!yaml_parser_initialize(&l.parser)) {
    vs_diag_emit(sink, SCN_DIAG_IO, VS_SEV_ERROR, (VsLoc){name, 0, 0},
                 "cannot start the YAML parser");
    return NULL;
  }
  yaml_parser_set_input_string(&l.parser, (const unsigned char *)text, len);
  YtNode *root = NULL;
  yaml_event_t ev;
  bool ok = false;
  if (!next_event(&l, &ev)) /* STREAM-START */
    goto out;
  yaml_event_delete(&ev);
  if (!next_event(&l, &ev))
    goto out;
  if (ev.type == YAML_STREAM_END_EVENT) {
    fail(&l, &ev.start_mark, "the file is empty");
    yaml_event_delete(&ev);
    goto out;
  }
  yaml_event_delete(&ev); /* DOCUMENT-START */
  if (!next_event(&l, &ev) || !(root = build(&l, &ev))) /* build consumes the event */
    goto out;
  if (!next_event(&l, &ev)) /* DOCUMENT-END */
    goto out;
  yaml_event_delete(&ev);
  if (!next_event(&l, &ev))
    goto out;
  if (ev.type != YAML_STREAM_END_EVENT) {
    fail(&l, &ev.start_mark, "a scenario file holds one YAML document, not several");
    yaml_event_delete(&ev);
    goto out;
  }
  yaml_event_delete(&ev);
  ok = true;
out:
  yaml_parser_delete(&l.parser);
  if (!ok) {
    node_free(root);
    return NULL;
  }
  YtDoc *doc = g_new0(YtDoc, 1);
  doc->name = g_strdup(name);
  doc->root = root;
  return doc;
}

YtDoc *yt_load_file(const char *path, VsDiagSink sink)
{
  g_autofree char *text = NULL;
  size_t len = 0;
  g_autoptr(GError) io = NULL;
  if (!g_file_get_contents(path, &text, &len, &io)) {
    vs_diag_emit(sink, SCN_DIAG_IO, VS_SEV_ERROR, (VsLoc){path, 0, 0}, "%s", io->message);
    return NULL;
  }
  return yt_load_string(path, text, len, sink);
}

static void error_sink(void *user, const VsDiag *d)
{
  GError **error = user;
  if (!error || *error)
    return;
  g_autofree char *msg = vs_diag_format_brief(d);
  int code = g_strcmp0(d->id, SCN_DIAG_IO) == 0 ? SCN_ERROR_IO : SCN_ERROR_SYNTAX;
  g_set_error_literal(error, SCN_ERROR, code, msg);
}

VsDiagSink yt_error_sink(GError **error)
{
  return (VsDiagSink){error_sink, error};
}

void yt_doc_free(YtDoc *doc)
{
  if (!doc)
    return;
  node_free(doc->root);
  g_free(doc->name);
  g_free(doc);
}

const char *yt_kind_name(YtKind k)
{
  switch (k) {
  case YT_SCALAR: return "scalar";
  case YT_MAP: return "mapping";
  case YT_SEQ: return "sequence";
  }
  return "<invalid>";
}

YtNode *yt_map_get(const YtNode *map, const char *key)
{
  if (!map || map->kind != YT_MAP)
    return NULL;
  for (guint i = 0; i < map->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(map->keys, i);
    if (strcmp(k->str, key) == 0)
      return g_ptr_array_index(map->items, i);
  }
  return NULL;
}

size_t yt_len(const YtNode *node)
{
  return node && node->items ? node->items->len : 0;
}

bool yt_is_null(const YtNode *node)
{
  return node && node->kind == YT_SCALAR && !node->quoted &&
         (!*node->str || !strcmp(node->str, "~") || !strcmp(node->str, "null") ||
          !strcmp(node->str, "Null") || !strcmp(node->str, "NULL"));
}

VsLoc yt_loc(const YtDoc *doc, const YtNode *node)
{
  return (VsLoc){doc->name, node ? node->line : 1, node ? node->col : 1};
}

char *yt_where(const YtDoc *doc, const YtNode *node)
{
  return g_strdup_printf("%s:%u:%u", doc->name, node ? node->line : 1, node ? node->col : 1);
}
