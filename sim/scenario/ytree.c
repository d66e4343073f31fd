/* SPDX-License-Identifier: MIT */
/* YAML (libyaml events) to a located node tree; a file that is not YAML (or YAML we refuse)
 * is one typed record at the place libyaml or the tree builder stopped. */
#include "sim/scenario/ytree.h"

#include <stdarg.h>
#include <stdlib.h>
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
  if (doc->bases)
    g_ptr_array_unref(doc->bases);
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
  return (VsLoc){node && node->file ? node->file : doc->name, node ? node->line : 1,
                 node ? node->col : 1};
}

char *yt_where(const YtDoc *doc, const YtNode *node)
{
  VsLoc l = yt_loc(doc, node);
  return g_strdup_printf("%s:%u:%u", l.file, l.line, l.col);
}

/* ---- extends: a document built on a base (docs/scenario-format.md) ---- */

enum { MAX_EXTENDS = 16 }; /* bases of bases: deeper is refused (and so is a cycle) */

static bool plain_is(const YtNode *n, const char *s)
{
  return n && n->kind == YT_SCALAR && !n->quoted && !strcmp(n->str, s);
}

static bool flag_set(const YtNode *map, const char *key)
{
  const YtNode *v = yt_map_get(map, key);
  return plain_is(v, "true") || plain_is(v, "True") || plain_is(v, "TRUE");
}

static int map_index(const YtNode *map, const char *key)
{
  for (guint i = 0; i < map->keys->len; i++)
    if (!strcmp(((YtNode *)g_ptr_array_index(map->keys, i))->str, key))
      return (int)i;
  return -1;
}

static void map_remove(YtNode *map, guint i)
{
  g_ptr_array_remove_index(map->keys, i);
  g_ptr_array_remove_index(map->items, i);
}

/* The item's name: a mapping with a scalar 'name', else NULL. */
static const char *item_name(const YtNode *n)
{
  const YtNode *v = n->kind == YT_MAP ? yt_map_get(n, "name") : NULL;
  return v && v->kind == YT_SCALAR ? v->str : NULL;
}

/* A sequence of named items (at least one): merged item by item. */
static bool named_seq(const YtNode *n)
{
  if (n->kind != YT_SEQ || !n->items->len)
    return false;
  for (guint i = 0; i < n->items->len; i++)
    if (!item_name(g_ptr_array_index(n->items, i)))
      return false;
  return true;
}

static YtNode *take(GPtrArray *a, guint i)
{
  YtNode *n = g_ptr_array_index(a, i);
  a->pdata[i] = NULL;
  return n;
}

/* New content (nothing of the base under it): the merge markers go. */
static YtNode *clean(YtNode *n)
{
  if (n->kind == YT_MAP) {
    for (guint i = n->keys->len; i-- > 0;) {
      const char *k = ((YtNode *)g_ptr_array_index(n->keys, i))->str;
      if (!strcmp(k, "$replace") || plain_is(g_ptr_array_index(n->items, i), "$delete"))
        map_remove(n, i);
      else
        n->items->pdata[i] = clean(take(n->items, i));
    }
  } else if (n->kind == YT_SEQ) {
    for (guint i = n->items->len; i-- > 0;) {
      YtNode *it = g_ptr_array_index(n->items, i);
      if (item_name(it) && flag_set(it, "$delete"))
        g_ptr_array_remove_index(n->items, i);
      else
        n->items->pdata[i] = clean(take(n->items, i));
    }
  }
  return n;
}

/* The derived node o on top of the base node b (both consumed). */
static YtNode *merge(YtNode *b, YtNode *o)
{
  if (b->kind == YT_MAP && o->kind == YT_MAP && !flag_set(o, "$replace")) {
    for (guint i = 0; i < o->keys->len; i++) {
      YtNode *k = g_ptr_array_index(o->keys, i);
      int j = map_index(b, k->str);
      if (plain_is(g_ptr_array_index(o->items, i), "$delete")) {
        if (j >= 0)
          map_remove(b, (guint)j);
        continue;
      }
      YtNode *v = take(o->items, i);
      if (j >= 0) {
        b->items->pdata[j] = merge(take(b->items, (guint)j), v);
      } else {
        g_ptr_array_add(b->keys, take(o->keys, i));
        g_ptr_array_add(b->items, clean(v));
      }
    }
    node_free(o);
    return b;
  }
  if (named_seq(b) && named_seq(o)) {
    for (guint i = 0; i < o->items->len; i++) {
      YtNode *it = g_ptr_array_index(o->items, i);
      const char *name = item_name(it);
      int j = -1;
      for (guint m = 0; m < b->items->len && j < 0; m++)
        if (!g_strcmp0(item_name(g_ptr_array_index(b->items, m)), name))
          j = (int)m;
      if (flag_set(it, "$delete")) {
        if (j >= 0)
          g_ptr_array_remove_index(b->items, (guint)j);
        continue;
      }
      take(o->items, i);
      if (j >= 0)
        b->items->pdata[j] = merge(take(b->items, (guint)j), it);
      else
        g_ptr_array_add(b->items, clean(it));
    }
    node_free(o);
    return b;
  }
  node_free(b);
  return clean(o);
}

static void mark_file(YtNode *n, const char *file)
{
  if (!n)
    return;
  if (!n->file)
    n->file = file;
  for (guint i = 0; n->keys && i < n->keys->len; i++)
    mark_file(g_ptr_array_index(n->keys, i), file);
  for (guint i = 0; n->items && i < n->items->len; i++)
    mark_file(g_ptr_array_index(n->items, i), file);
}

static void emit_at(VsDiagSink sink, const char *id, const YtDoc *doc, const YtNode *n,
                    const char *fmt, ...) G_GNUC_PRINTF(5, 6);
static void emit_at(VsDiagSink sink, const char *id, const YtDoc *doc, const YtNode *n,
                    const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  vs_diag_emit(sink, id, VS_SEV_ERROR, yt_loc(doc, n), "%s", msg);
}

static char *real_path(const char *path)
{
  char *r = realpath(path, NULL);
  char *out = g_strdup(r ? r : path);
  free(r);
  return out;
}

/* chain: the real paths of the documents being resolved, outermost first. */
static bool resolve(YtDoc *doc, VsDiagSink sink, GPtrArray *chain)
{
  YtNode *root = doc->root;
  int ei = root && root->kind == YT_MAP ? map_index(root, "extends") : -1;
  if (ei < 0)
    return true;
  /* findings borrow the file's name, also after a load that fails frees the document */
  mark_file(root, g_intern_string(doc->name));
  const YtNode *ev = g_ptr_array_index(root->items, (guint)ei);
  if (ev->kind != YT_SCALAR || !*ev->str || yt_is_null(ev)) {
    emit_at(sink, SCN_DIAG_YAML, doc, ev,
            "extends must name the base scenario file (a path relative to this file)");
    return false;
  }
  g_autofree char *dir = g_path_get_dirname(doc->name);
  g_autofree char *path = g_path_is_absolute(ev->str) ? g_strdup(ev->str)
                          : !strcmp(dir, ".")         ? g_strdup(ev->str)
                                                      : g_build_filename(dir, ev->str, NULL);
  g_autofree char *text = NULL;
  size_t len = 0;
  g_autoptr(GError) io = NULL;
  if (g_file_test(path, G_FILE_TEST_EXISTS) && !g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    emit_at(sink, SCN_DIAG_IO, doc, ev, "the base scenario '%s' is not a regular file", ev->str);
    return false;
  }
  if (!g_file_get_contents(path, &text, &len, &io)) {
    emit_at(sink, SCN_DIAG_IO, doc, ev, "cannot read the base scenario '%s': %s", ev->str,
            io->message);
    return false;
  }
  g_autofree char *real = real_path(path);
  for (guint i = 0; i < chain->len; i++)
    if (!strcmp(g_ptr_array_index(chain, i), real)) {
      GString *c = g_string_new(NULL);
      for (guint k = i; k < chain->len; k++)
        g_string_append_printf(c, "%s -> ", (const char *)g_ptr_array_index(chain, k));
      g_string_append(c, real);
      emit_at(sink, SCN_DIAG_YAML, doc, ev, "extends makes a cycle: %s", c->str);
      g_string_free(c, TRUE);
      return false;
    }
  if (chain->len >= MAX_EXTENDS) {
    emit_at(sink, SCN_DIAG_YAML, doc, ev, "more than %d bases, one on another", MAX_EXTENDS);
    return false;
  }
  /* The base's name outlives it: findings (and the merged nodes) borrow it, also after a
   * load that fails frees the documents. */
  const char *bname = g_intern_string(path);
  YtDoc *base = yt_load_string(bname, text, len, sink);
  if (!base)
    return false;
  mark_file(base->root, bname);
  g_ptr_array_add(chain, g_steal_pointer(&real));
  bool ok = resolve(base, sink, chain);
  g_ptr_array_set_size(chain, chain->len - 1);
  if (ok && base->root->kind != YT_MAP) {
    emit_at(sink, SCN_DIAG_YAML, base, base->root,
            "a base scenario must be a mapping, not a %s", yt_kind_name(base->root->kind));
    ok = false;
  }
  if (!ok) {
    yt_doc_free(base);
    return false;
  }
  if (!doc->bases)
    doc->bases = g_ptr_array_new(); /* interned names */
  g_ptr_array_add(doc->bases, (gpointer)bname);
  for (guint i = 0; base->bases && i < base->bases->len; i++)
    g_ptr_array_add(doc->bases, g_ptr_array_index(base->bases, i));
  YtNode *broot = g_steal_pointer(&base->root);
  yt_doc_free(base);
  map_remove(root, (guint)ei);
  doc->root = merge(broot, root);
  return true;
}

bool yt_resolve_extends(YtDoc *doc, VsDiagSink sink)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(chain, real_path(doc->name));
  return resolve(doc, sink, chain);
}

YtDoc *yt_load_file_extends(const char *path, VsDiagSink sink)
{
  YtDoc *doc = yt_load_file(path, sink);
  if (doc && !yt_resolve_extends(doc, sink)) {
    yt_doc_free(doc);
    return NULL;
  }
  return doc;
}

/* ---- the tree as YAML ---- */

/* A scalar read plain reads back the same when written plain in block style (flow style
 * is the stricter of the two), unless it spans lines. */
static bool plain_ok(const char *s)
{
  return !strchr(s, '\n');
}

static void emit_scalar(GString *o, const YtNode *n)
{
  if (!n->quoted && plain_ok(n->str)) {
    g_string_append(o, n->str);
    return;
  }
  g_string_append_c(o, '"');
  for (const unsigned char *p = (const unsigned char *)n->str; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf(o, "\\%c", *p);
    else if (*p == '\n')
      g_string_append(o, "\\n");
    else if (*p < 0x20 || *p == 0x7f)
      g_string_append_printf(o, "\\x%02x", *p);
    else
      g_string_append_c(o, (char)*p);
  }
  g_string_append_c(o, '"');
}

static bool secret_key(const char *k)
{
  return !strcmp(k, "sharedKey") || strstr(k, "password") || strstr(k, "Password") ||
         strstr(k, "secret") || strstr(k, "Secret") || strstr(k, "privateKey");
}

/* A sequence of scalars that fits on a line as [a, b] (each plain, with no character that
 * means something in flow style). */
static bool flow_ok(const YtNode *n)
{
  size_t w = 0;
  for (guint i = 0; i < n->items->len; i++) {
    const YtNode *v = g_ptr_array_index(n->items, i);
    if (v->kind != YT_SCALAR || v->quoted || !*v->str || strpbrk(v->str, ",[]{}#:\n\"'&*!|>%@`"))
      return false;
    w += strlen(v->str) + 2;
  }
  return w < 72;
}

/* n at indent; inline: the first line's indentation (and "- " or "key:") is written. */
static void emit_node(GString *o, const YtNode *n, unsigned indent, bool inline_first,
                      bool redact)
{
  bool first = true;
  if (n->kind == YT_MAP) {
    for (guint i = 0; i < n->keys->len; i++, first = false) {
      const YtNode *k = g_ptr_array_index(n->keys, i), *v = g_ptr_array_index(n->items, i);
      if (!(first && inline_first))
        g_string_append_printf(o, "%*s", (int)indent, "");
      emit_scalar(o, k);
      g_string_append_c(o, ':');
      if (redact && secret_key(k->str) && v->kind == YT_SCALAR) {
        g_string_append(o, " <redacted>\n");
      } else if (v->kind == YT_SCALAR || !v->items->len || (v->kind == YT_SEQ && flow_ok(v))) {
        g_string_append_c(o, ' ');
        if (v->kind == YT_SCALAR)
          emit_scalar(o, v);
        else if (v->items->len) {
          g_string_append_c(o, '[');
          for (guint m = 0; m < v->items->len; m++)
            g_string_append_printf(o, "%s%s", m ? ", " : "",
                                   ((YtNode *)g_ptr_array_index(v->items, m))->str);
          g_string_append_c(o, ']');
        }
        else
          g_string_append(o, v->kind == YT_MAP ? "{}" : "[]");
        g_string_append_c(o, '\n');
      } else {
        g_string_append_c(o, '\n');
        emit_node(o, v, indent + 2, false, redact);
      }
    }
  } else if (n->kind == YT_SEQ) {
    for (guint i = 0; i < n->items->len; i++, first = false) {
      const YtNode *v = g_ptr_array_index(n->items, i);
      if (!(first && inline_first))
        g_string_append_printf(o, "%*s", (int)indent, "");
      g_string_append(o, "- ");
      if (v->kind == YT_SCALAR || !v->items->len) {
        if (v->kind == YT_SCALAR)
          emit_scalar(o, v);
        else
          g_string_append(o, v->kind == YT_MAP ? "{}" : "[]");
        g_string_append_c(o, '\n');
      } else {
        emit_node(o, v, indent + 2, true, redact);
      }
    }
  } else {
    emit_scalar(o, n);
    g_string_append_c(o, '\n');
  }
}

char *yt_emit(const YtNode *node, bool redact)
{
  GString *o = g_string_new(NULL);
  if (node && node->kind != YT_SCALAR && !node->items->len)
    g_string_append(o, node->kind == YT_MAP ? "{}\n" : "[]\n");
  else if (node)
    emit_node(o, node, 0, false, redact);
  return g_string_free(o, FALSE);
}
