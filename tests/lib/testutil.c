/* SPDX-License-Identifier: MIT */
/* Test helpers (see testutil.h). */
#include "tests/lib/testutil.h"

#include "models/common/hex.h"
#include "models/common/inet.h"
#include "models/common/wire.h"

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

GByteArray *tu_pcap_new(void)
{
  GByteArray *pc = g_byte_array_new();
  const uint32_t gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 101};
  g_byte_array_append(pc, (const guint8 *)gh, sizeof gh);
  return pc;
}

uint8_t *tu_ipv4_udp(Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                     const uint8_t *p, size_t n, size_t *len)
{
  *len = 28 + n;
  uint8_t *b = g_malloc0(*len);
  b[0] = 0x45;
  wire_store_be16(b + 2, (uint16_t)*len);
  b[8] = 64;
  b[9] = 17; /* UDP, checksum 0: none */
  wire_store_be32(b + 12, src.v);
  wire_store_be32(b + 16, dst.v);
  wire_store_be16(b + 10, inet_checksum(b, 20));
  wire_store_be16(b + 20, sport);
  wire_store_be16(b + 22, dport);
  wire_store_be16(b + 24, (uint16_t)(8 + n));
  if (n)
    memcpy(b + 28, p, n);
  return b;
}

void tu_pcap_put_udp(GByteArray *pc, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                     uint16_t dport, const uint8_t *p, size_t n)
{
  size_t len;
  g_autofree uint8_t *ip = tu_ipv4_udp(src, sport, dst, dport, p, n, &len);
  uint32_t rec[4] = {1700000000u + pc->len, 0, (uint32_t)len, (uint32_t)len};
  g_byte_array_append(pc, (const guint8 *)rec, sizeof rec); /* host order, as the magic */
  g_byte_array_append(pc, ip, (guint)len);
}

char *tu_tshark(const char *pcap, const char *const *opts)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, "tshark");
  g_ptr_array_add(argv, "-n");
  g_ptr_array_add(argv, "-r");
  g_ptr_array_add(argv, (char *)pcap);
  for (const char *const *o = opts; *o; o++)
    g_ptr_array_add(argv, (char *)*o);
  g_ptr_array_add(argv, NULL);
  char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr(GError) e = NULL;
  bool ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                         &err, &status, &e);
  if (!ok)
    g_error("tshark: %s", e->message);
  if (!g_spawn_check_wait_status(status, NULL))
    g_error("tshark failed: %s", err ? err : "");
  g_free(err);
  return out;
}

unsigned tu_count(const char *hay, const char *needle)
{
  unsigned n = 0;
  for (const char *q = hay; (q = strstr(q, needle)); q++)
    n++;
  return n;
}

uint8_t *tu_hex_dup(const char *hex, size_t *n)
{
  return g_bytes_unref_to_data(tu_hex(hex), n);
}

void tu_apply_patches(uint8_t *b, size_t n, const TuPatch *patches, size_t n_patches)
{
  for (size_t j = 0; j < n_patches && patches[j].hex; j++) {
    g_autoptr(GBytes) pb = tu_hex(patches[j].hex);
    size_t pn;
    const uint8_t *pp = g_bytes_get_data(pb, &pn);
    g_assert_cmpuint(patches[j].off + pn, <=, n);
    memcpy(b + patches[j].off, pp, pn);
  }
}
