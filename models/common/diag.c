/* SPDX-License-Identifier: MIT */
/* Typed diagnostics: records, sinks, the growable list, and the two printed forms. */
#include "models/common/diag.h"

#include <string.h>

struct VsDiags {
  GArray *items; /* VsDiag */
};

void vs_diag_emit(VsDiagSink sink, const char *id, VsSeverity sev, VsLoc loc, const char *fmt,
                  ...)
{
  if (!sink.fn)
    return;
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  VsDiag d = {.id = id, .severity = sev, .loc = loc, .message = msg};
  sink.fn(sink.user, &d);
}

static void diag_clear(gpointer p)
{
  g_free(((VsDiag *)p)->message);
}

VsDiags *vs_diags_new(void)
{
  VsDiags *d = g_new0(VsDiags, 1);
  d->items = g_array_new(FALSE, TRUE, sizeof(VsDiag));
  g_array_set_clear_func(d->items, diag_clear);
  return d;
}

void vs_diags_free(VsDiags *d)
{
  if (!d)
    return;
  g_array_unref(d->items);
  g_free(d);
}

void vs_diags_vadd(VsDiags *d, const char *id, VsSeverity sev, VsLoc loc, const char *fmt,
                   va_list ap)
{
  g_return_if_fail(d);
  VsDiag diag = {.id = id, .severity = sev, .loc = loc, .message = g_strdup_vprintf(fmt, ap)};
  g_array_append_val(d->items, diag);
}

void vs_diags_add(VsDiags *d, const char *id, VsSeverity sev, VsLoc loc, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vs_diags_vadd(d, id, sev, loc, fmt, ap);
  va_end(ap);
}

void vs_diags_append(VsDiags *d, const VsDiag *diag)
{
  g_return_if_fail(d && diag);
  VsDiag copy = *diag;
  copy.message = g_strdup(diag->message);
  g_array_append_val(d->items, copy);
}

static void sink_append(void *user, const VsDiag *diag)
{
  vs_diags_append(user, diag);
}

VsDiagSink vs_diags_sink(VsDiags *d)
{
  return (VsDiagSink){sink_append, d};
}

size_t vs_diags_len(const VsDiags *d)
{
  return d->items->len;
}

const VsDiag *vs_diags_get(const VsDiags *d, size_t i)
{
  g_return_val_if_fail(i < d->items->len, NULL);
  return &g_array_index(d->items, VsDiag, i);
}

size_t vs_diags_count(const VsDiags *d, VsSeverity sev)
{
  size_t n = 0;
  for (guint i = 0; i < d->items->len; i++)
    n += g_array_index(d->items, VsDiag, i).severity == sev;
  return n;
}

static int diag_cmp(const VsDiag *a, const VsDiag *b)
{
  int c = g_strcmp0(a->loc.file, b->loc.file);
  if (c)
    return c;
  if (a->loc.line != b->loc.line)
    return a->loc.line < b->loc.line ? -1 : 1;
  if (a->loc.col != b->loc.col)
    return a->loc.col < b->loc.col ? -1 : 1;
  return 0;
}

void vs_diags_sort(VsDiags *d)
{
  /* g_array_sort is not stable: sort an index-tagged copy. */
  guint n = d->items->len;
  if (n < 2)
    return;
  g_autofree VsDiag *copy = g_memdup2(d->items->data, n * sizeof(VsDiag));
  g_autofree guint *order = g_new(guint, n);
  for (guint i = 0; i < n; i++)
    order[i] = i;
  for (guint i = 1; i < n; i++) /* insertion sort: stable, lists are short */
    for (guint j = i; j > 0 && diag_cmp(&copy[order[j - 1]], &copy[order[j]]) > 0; j--) {
      guint t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  for (guint i = 0; i < n; i++)
    g_array_index(d->items, VsDiag, i) = copy[order[i]];
}

const char *vs_severity_name(VsSeverity s)
{
  return s == VS_SEV_ERROR ? "error" : "warning";
}

/* "file:line:col: ", "file: " or "" */
static void append_loc(GString *s, const VsLoc *loc)
{
  if (!loc->file)
    return;
  if (loc->line)
    g_string_append_printf(s, "%s:%u:%u: ", loc->file, loc->line, loc->col);
  else
    g_string_append_printf(s, "%s: ", loc->file);
}

char *vs_diag_format(const VsDiag *diag)
{
  GString *s = g_string_new(NULL);
  append_loc(s, &diag->loc);
  g_string_append_printf(s, "%s %s: %s", vs_severity_name(diag->severity), diag->id,
                         diag->message);
  return g_string_free(s, FALSE);
}

char *vs_diag_format_brief(const VsDiag *diag)
{
  GString *s = g_string_new(NULL);
  append_loc(s, &diag->loc);
  g_string_append(s, diag->message);
  return g_string_free(s, FALSE);
}
