/* SPDX-License-Identifier: MIT */
/* JSON string escaping and number formatting (RFC 8259 sections 6 and 7). */
#include "models/common/json.h"

#include <math.h>

void vs_json_str(GString *out, const char *s)
{
  g_string_append_c(out, '"');
  const char *p = s ? s : "";
  while (*p) {
    gunichar c = g_utf8_get_char_validated(p, -1);
    if (c == (gunichar)-1 || c == (gunichar)-2) {
      g_string_append(out, "\\ufffd"); /* one invalid byte */
      p++;
      continue;
    }
    /* RFC 8259 7: quotation mark, reverse solidus and the control characters U+0000
     * through U+001F must be escaped */
    switch (c) {
    case '"': g_string_append(out, "\\\""); break;
    case '\\': g_string_append(out, "\\\\"); break;
    case '\n': g_string_append(out, "\\n"); break;
    case '\r': g_string_append(out, "\\r"); break;
    case '\t': g_string_append(out, "\\t"); break;
    case '\b': g_string_append(out, "\\b"); break;
    case '\f': g_string_append(out, "\\f"); break;
    default:
      if (c < 0x20)
        g_string_append_printf(out, "\\u%04x", (unsigned)c);
      else
        g_string_append_len(out, p, g_utf8_next_char(p) - p);
    }
    p = g_utf8_next_char(p);
  }
  g_string_append_c(out, '"');
}

void vs_json_double(GString *out, double v)
{
  if (!isfinite(v)) {
    g_string_append(out, "null");
    return;
  }
  if (v == floor(v) && fabs(v) < 9007199254740992.0) { /* 2^53: exact as an integer */
    g_string_append_printf(out, "%.0f", v == 0 ? 0.0 : v);
    return;
  }
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.9g", v));
}
