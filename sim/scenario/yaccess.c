/* SPDX-License-Identifier: MIT */
/* The located accessors over the YAML tree shared by the scenario and cloud loaders. */
#include "sim/scenario/yaccess.h"

#include "models/common/units.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

VsLoc ya_loc(const YaCtx *a, const YtNode *n)
{
  return yt_loc(a->doc, n);
}

void ya_report(YaCtx *a, const char *id, const YtNode *n, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vs_diags_vadd(a->diags, id, VS_SEV_ERROR, ya_loc(a, n), fmt, ap);
  va_end(ap);
}

bool ya_kind(YaCtx *a, const YtNode *n, YtKind kind, const char *what)
{
  if (n && n->kind == kind)
    return true;
  ya_err(a, n, "%s must be a %s, not a %s", what, yt_kind_name(kind),
         n ? yt_kind_name(n->kind) : "missing value");
  return false;
}

bool ya_keys(YaCtx *a, const YtNode *map, const char *const *allowed)
{
  if (!map || map->kind != YT_MAP)
    return true;
  size_t n = 0;
  while (allowed[n])
    n++;
  bool ok = true;
  for (guint i = 0; i < map->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(map->keys, i);
    bool known = false;
    for (size_t j = 0; j < n && !known; j++)
      known = strcmp(k->str, allowed[j]) == 0;
    if (known)
      continue;
    const char *hint = str_nearest(k->str, allowed, n);
    if (hint)
      ya_err(a, k, "unknown key '%s' (did you mean '%s'?)", k->str, hint);
    else
      ya_err(a, k, "unknown key '%s'", k->str);
    ok = false;
  }
  return ok;
}

const YtNode *ya_need(YaCtx *a, const YtNode *map, const char *key, const char *what)
{
  const YtNode *n = yt_map_get(map, key);
  if (!n)
    ya_err(a, map, "%s: missing key '%s'", what, key);
  return n;
}

bool ya_scalar(YaCtx *a, const YtNode *n, const char *what, const char **out)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  *out = n->str;
  return true;
}

bool ya_str(YaCtx *a, const YtNode *n, const char *what, const char **out)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  if (!*n->str) {
    ya_err(a, n, "%s is empty", what);
    return false;
  }
  *out = n->str;
  return true;
}

bool ya_int(YaCtx *a, const YtNode *n, const char *what, int64_t min, int64_t max,
            int64_t *out)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  char *end = NULL;
  errno = 0;
  long long v = g_ascii_strtoll(n->str, &end, 10);
  if (n->quoted || !*n->str || *end || errno) {
    ya_err(a, n, "%s must be an integer, not '%s'", what, n->str);
    return false;
  }
  if (v < min || v > max) {
    ya_err(a, n, "%s must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT ", not %lld",
           what, min, max, v);
    return false;
  }
  *out = v;
  return true;
}

bool ya_bool(YaCtx *a, const YtNode *n, const char *what, bool *out)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  static const char *const t[] = {"true", "True", "TRUE"}, *const f[] = {"false", "False", "FALSE"};
  for (size_t i = 0; i < 3; i++) {
    if (!n->quoted && !strcmp(n->str, t[i])) {
      *out = true;
      return true;
    }
    if (!n->quoted && !strcmp(n->str, f[i])) {
      *out = false;
      return true;
    }
  }
  ya_err(a, n, "%s must be true or false, not '%s'", what, n->str);
  return false;
}

bool ya_enum(YaCtx *a, const YtNode *n, const char *what, const NameTable *t, int *out)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  int64_t v;
  if (name_parse(t, n->str, &v)) {
    *out = (int)v;
    return true;
  }
  g_autoptr(GString) all = g_string_new(NULL);
  for (size_t i = 0; i < t->n; i++)
    g_string_append_printf(all, "%s%s", i ? ", " : "", t->entries[i].name);
  const char *hint = name_nearest(t, n->str);
  if (hint)
    ya_err(a, n, "%s '%s' is not one of %s (did you mean '%s'?)", what, n->str, all->str, hint);
  else
    ya_err(a, n, "%s '%s' is not one of %s", what, n->str, all->str);
  return false;
}

bool ya_ip(YaCtx *a, const YtNode *n, const char *what, Ipv4Addr *out)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  Ipv4ParseError e = ipv4_addr_parse(n->str, out);
  if (e != IPV4_PARSE_OK) {
    ya_err(a, n, "%s '%s' is not an IPv4 address (%s)", what, n->str, ipv4_parse_error_name(e));
    return false;
  }
  return true;
}

bool ya_prefix(YaCtx *a, const YtNode *n, const char *what, Ipv4Prefix *out)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  Ipv4ParseError e = ipv4_prefix_parse(n->str, out);
  if (e == IPV4_PARSE_HOST_BITS) {
    char buf[IPV4_PREFIX_STRLEN];
    ya_err(a, n, "%s '%s' has host bits set (did you mean '%s'?)", what, n->str,
           ipv4_prefix_format(*out, buf));
    return false;
  }
  if (e != IPV4_PARSE_OK) {
    ya_err(a, n, "%s '%s' is not an IPv4 prefix a.b.c.d/len (%s)", what, n->str,
           ipv4_parse_error_name(e));
    return false;
  }
  return true;
}

static bool prefix_at(YaCtx *a, const YtNode *n, const char *what, Ipv4Prefix *arr,
                      VsLoc *locs, unsigned i)
{
  if (!ya_prefix(a, n, what, &arr[i]))
    return false;
  if (locs)
    locs[i] = ya_loc(a, n);
  return true;
}

void ya_prefixes(YaCtx *a, const YtNode *n, const char *what, Ipv4Prefix *arr, VsLoc *locs,
                 unsigned *count, unsigned cap)
{
  *count = 0;
  if (n->kind == YT_SCALAR) {
    if (prefix_at(a, n, what, arr, locs, 0))
      *count = 1;
    return;
  }
  if (!ya_kind(a, n, YT_SEQ, what))
    return;
  for (guint i = 0; i < yt_len(n); i++) {
    const YtNode *it = g_ptr_array_index(n->items, i);
    if (*count == cap) {
      ya_err(a, it, "%s: more than %u entries", what, cap);
      return;
    }
    if (prefix_at(a, it, what, arr, locs, *count))
      (*count)++;
  }
}

bool ya_duration(YaCtx *a, const YtNode *n, const char *what, int64_t *out_ns)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  if (!units_parse_duration(n->str, out_ns)) {
    ya_err(a, n, "%s '%s' is not a duration such as 500ms, 30s, 5m or 1h", what, n->str);
    return false;
  }
  return true;
}

bool ya_seconds(YaCtx *a, const YtNode *n, const char *what, uint32_t *out)
{
  int64_t ns;
  if (!ya_duration(a, n, what, &ns))
    return false;
  if (ns % 1000000000 != 0 || ns / 1000000000 > UINT32_MAX) {
    ya_err(a, n, "%s '%s' must be a whole number of seconds", what, n->str);
    return false;
  }
  *out = (uint32_t)(ns / 1000000000);
  return true;
}

bool ya_rate(YaCtx *a, const YtNode *n, const char *what, uint64_t *out_bps)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  if (!units_parse_rate(n->str, out_bps) || *out_bps == 0) {
    ya_err(a, n, "%s '%s' is not a rate such as 64kbps, 100Mbps or 1Gbps", what, n->str);
    return false;
  }
  return true;
}

bool ya_ratio(YaCtx *a, const YtNode *n, const char *what, double *out)
{
  if (!ya_kind(a, n, YT_SCALAR, what))
    return false;
  const char *s = n->str;
  char *end;
  errno = 0;
  double v = g_ascii_strtod(s, &end);
  bool pct = *end == '%';
  if (pct)
    end++;
  if (end == s || *end || errno || !isfinite(v) || (pct && (v /= 100.0, false)) || v < 0 ||
      v > 1) {
    ya_err(a, n, "%s '%s' is not a fraction from 0 to 1 (or a percentage such as 5%%)", what, s);
    return false;
  }
  *out = v;
  return true;
}
