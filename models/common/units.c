/* SPDX-License-Identifier: MIT */
/* Durations and data rates as users write them (see units.h). */
#include "models/common/units.h"

#include <glib.h>
#include <string.h>

typedef struct {
  const char *suffix;
  uint64_t scale;
} Unit;

static const Unit duration_units[] = {
    {"ns", 1},
    {"us", 1000},
    {"ms", 1000000},
    {"s", 1000000000},
    {"m", 60ull * 1000000000},
    {"h", 3600ull * 1000000000},
    {"d", 86400ull * 1000000000},
    {"", 1000000000},
};

static const Unit rate_units[] = {
    {"bps", 1},          {"b/s", 1},           {"kbps", 1000},      {"Kbps", 1000},
    {"kb/s", 1000},      {"Mbps", 1000000},    {"Mb/s", 1000000},   {"Gbps", 1000000000},
    {"Gb/s", 1000000000}, {"", 1},
};

/* "<digits>[.<digits>]<suffix>" with suffix from the table: value * scale, exactly
 * for up to 9 decimals, refusing overflow. */
static bool parse_scaled(const char *s, const Unit *units, size_t n, uint64_t *out)
{
  if (!s || !g_ascii_isdigit(*s))
    return false;
  uint64_t whole = 0, frac = 0, frac_div = 1;
  const char *p = s;
  for (; g_ascii_isdigit(*p); p++) {
    if (whole > (UINT64_MAX - 9) / 10)
      return false;
    whole = whole * 10 + (uint64_t)(*p - '0');
  }
  if (*p == '.') {
    p++;
    if (!g_ascii_isdigit(*p))
      return false;
    for (; g_ascii_isdigit(*p); p++) {
      if (frac_div >= 1000000000ull)
        return false; /* more than 9 decimals */
      frac = frac * 10 + (uint64_t)(*p - '0');
      frac_div *= 10;
    }
  }
  for (size_t i = 0; i < n; i++) {
    if (strcmp(p, units[i].suffix) != 0)
      continue;
    uint64_t scale = units[i].scale;
    if (whole && scale > UINT64_MAX / whole)
      return false;
    uint64_t v = whole * scale;
    /* frac/frac_div * scale, exact when scale is a multiple of frac_div */
    uint64_t f = frac * (scale / frac_div) + (frac * (scale % frac_div)) / frac_div;
    if (v > UINT64_MAX - f)
      return false;
    *out = v + f;
    return true;
  }
  return false;
}

bool units_parse_duration(const char *s, int64_t *ns)
{
  uint64_t v;
  if (!parse_scaled(s, duration_units, G_N_ELEMENTS(duration_units), &v) || v > INT64_MAX)
    return false;
  *ns = (int64_t)v;
  return true;
}

bool units_parse_rate(const char *s, uint64_t *bps)
{
  return parse_scaled(s, rate_units, G_N_ELEMENTS(rate_units), bps);
}

char *units_format_duration(int64_t ns, char *buf, unsigned size)
{
  static const struct {
    const char *suffix;
    int64_t scale;
  } f[] = {{"h", 3600000000000}, {"m", 60000000000}, {"s", 1000000000},
           {"ms", 1000000},      {"us", 1000},        {"ns", 1}};
  if (ns == 0) {
    g_snprintf(buf, size, "0s");
    return buf;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(f); i++)
    if (ns % f[i].scale == 0) {
      g_snprintf(buf, size, "%" G_GINT64_FORMAT "%s", ns / f[i].scale, f[i].suffix);
      return buf;
    }
  return buf; /* unreachable: scale 1 divides everything */
}
