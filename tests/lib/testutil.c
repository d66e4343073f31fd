/* SPDX-License-Identifier: MIT */
/* Test helpers (see testutil.h). */
#include "tests/lib/testutil.h"

#include "models/common/hex.h"

#include <string.h>

GBytes *tu_hex(const char *hex)
{
  size_t n;
  uint8_t *b = hex_decode(hex, &n);
  if (!b)
    g_error("bad hex fixture: %s", hex);
  return g_bytes_new_take(b, n);
}

void tu_assert_hex_impl(const char *file, int line, const char *expr, const void *p, size_t n,
                        const char *hex)
{
  g_autoptr(GBytes) want = tu_hex(hex);
  size_t wn;
  const uint8_t *w = g_bytes_get_data(want, &wn);
  if (wn == n && (n == 0 || memcmp(w, p, n) == 0))
    return;
  g_autofree char *got_s = hex_dup(p, n);
  g_autofree char *want_s = hex_dup(w, wn);
  g_autofree char *msg =
      g_strdup_printf("%s (%zu bytes) = %s, expected (%zu bytes) %s", expr, n, got_s, wn, want_s);
  g_assertion_message(G_LOG_DOMAIN, file, line, "tu_assert_hex", msg);
}

char *tu_top_path(const char *rel)
{
  const char *top = g_getenv("VPNSIM_TOP");
  return g_build_filename(top ? top : ".", rel, NULL);
}

Ipv4Addr tu_addr(const char *s)
{
  Ipv4Addr a;
  Ipv4ParseError e = ipv4_addr_parse(s, &a);
  if (e != IPV4_PARSE_OK)
    g_error("bad address fixture '%s': %s", s, ipv4_parse_error_name(e));
  return a;
}

Ipv4Prefix tu_prefix(const char *s)
{
  Ipv4Prefix p;
  Ipv4ParseError e = ipv4_prefix_parse(s, &p);
  if (e != IPV4_PARSE_OK)
    g_error("bad prefix fixture '%s': %s", s, ipv4_parse_error_name(e));
  return p;
}
