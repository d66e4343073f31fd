/* SPDX-License-Identifier: MIT */
/* Hexadecimal encoding and decoding (see hex.h). */
#include "models/common/hex.h"

#include <glib.h>
#include <string.h>

char *hex_encode(const void *p, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[b[i] >> 4];
    out[2 * i + 1] = digits[b[i] & 15];
  }
  out[2 * n] = '\0';
  return out;
}

char *hex_dup(const void *p, size_t n)
{
  return hex_encode(p, n, g_malloc(2 * n + 1));
}

uint8_t *hex_decode(const char *s, size_t *n)
{
  size_t len = strlen(s);
  uint8_t *out = g_malloc(len / 2 + 1);
  size_t o = 0;
  int hi = -1;
  for (const char *p = s; *p; p++) {
    if (hi < 0 && (*p == ' ' || *p == '\n' || *p == '\t' || *p == ':'))
      continue;
    int v = g_ascii_xdigit_value(*p);
    if (v < 0) {
      g_free(out);
      return NULL;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out[o++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  if (hi >= 0) {
    g_free(out);
    return NULL;
  }
  *n = o;
  return out;
}
