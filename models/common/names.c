/* SPDX-License-Identifier: MIT */
/* Enum name tables and nearest-name hints (see names.h). */
#include "models/common/names.h"

#include <glib.h>
#include <string.h>

const char *name_get(const NameTable *t, int64_t v)
{
  for (size_t i = 0; i < t->n; i++)
    if (t->entries[i].value == v)
      return t->entries[i].name;
  return NULL;
}

const char *name_fmt(const NameTable *t, int64_t v, char buf[NAME_BUFSZ])
{
  const char *n = name_get(t, v);
  if (n)
    return n;
  g_snprintf(buf, NAME_BUFSZ, "<%" G_GINT64_FORMAT ">", v);
  return buf;
}

bool name_parse(const NameTable *t, const char *name, int64_t *v)
{
  for (size_t i = 0; name && i < t->n; i++)
    if (strcmp(t->entries[i].name, name) == 0) {
      *v = t->entries[i].value;
      return true;
    }
  return false;
}

bool name_parse_nocase(const NameTable *t, const char *name, int64_t *v)
{
  for (size_t i = 0; name && i < t->n; i++)
    if (g_ascii_strcasecmp(t->entries[i].name, name) == 0) {
      *v = t->entries[i].value;
      return true;
    }
  return false;
}

size_t str_edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  g_autofree size_t *row = g_new(size_t, lb + 1);
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
      row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
      diag = up;
    }
  }
  return row[lb];
}

const char *str_nearest(const char *s, const char *const *candidates, size_t n)
{
  if (!s)
    return NULL;
  size_t limit = MAX((size_t)2, strlen(s) / 3);
  const char *best = NULL;
  size_t best_d = SIZE_MAX;
  for (size_t i = 0; i < n; i++) {
    size_t d = str_edit_distance(s, candidates[i]);
    if (d <= limit && d < best_d) {
      best = candidates[i];
      best_d = d;
    }
  }
  return best;
}

const char *name_nearest(const NameTable *t, const char *name)
{
  g_autofree const char **c = g_new(const char *, t->n + 1);
  for (size_t i = 0; i < t->n; i++)
    c[i] = t->entries[i].name;
  return str_nearest(name, c, t->n);
}
