/* SPDX-License-Identifier: MIT */
/* IPv4 address, prefix and range arithmetic (see ipv4.h). */
#include "models/common/ipv4.h"

#include <glib.h>

const char *ipv4_parse_error_name(Ipv4ParseError e)
{
  switch (e) {
  case IPV4_PARSE_OK: return "ok";
  case IPV4_PARSE_SYNTAX: return "not an IPv4 address";
  case IPV4_PARSE_OCTET: return "octet out of range or with a leading zero";
  case IPV4_PARSE_LENGTH: return "prefix length missing or above 32";
  case IPV4_PARSE_HOST_BITS: return "host bits set past the prefix length";
  }
  return "<invalid>";
}

/* Parse a decimal number of 1..3 digits at *s, no leading zero unless it is "0". */
static Ipv4ParseError parse_dec(const char **s, unsigned max, unsigned *out)
{
  const char *p = *s;
  unsigned v = 0, n = 0;
  while (g_ascii_isdigit(*p)) {
    if (++n > 3)
      return IPV4_PARSE_OCTET;
    v = v * 10 + (unsigned)(*p - '0');
    p++;
  }
  if (n == 0)
    return IPV4_PARSE_SYNTAX;
  if ((n > 1 && **s == '0') || v > max)
    return IPV4_PARSE_OCTET;
  *s = p;
  *out = v;
  return IPV4_PARSE_OK;
}

static Ipv4ParseError parse_quad(const char **s, Ipv4Addr *out)
{
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    unsigned octet;
    if (i > 0) {
      if (**s != '.')
        return IPV4_PARSE_SYNTAX;
      (*s)++;
    }
    Ipv4ParseError e = parse_dec(s, 255, &octet);
    if (e)
      return e;
    v = (v << 8) | octet;
  }
  out->v = v;
  return IPV4_PARSE_OK;
}

Ipv4ParseError ipv4_addr_parse(const char *s, Ipv4Addr *out)
{
  if (!s)
    return IPV4_PARSE_SYNTAX;
  Ipv4Addr a;
  Ipv4ParseError e = parse_quad(&s, &a);
  if (e)
    return e;
  if (*s)
    return IPV4_PARSE_SYNTAX;
  *out = a;
  return IPV4_PARSE_OK;
}

char *ipv4_addr_format(Ipv4Addr a, char buf[IPV4_ADDR_STRLEN])
{
  g_snprintf(buf, IPV4_ADDR_STRLEN, "%u.%u.%u.%u", a.v >> 24, (a.v >> 16) & 0xff,
             (a.v >> 8) & 0xff, a.v & 0xff);
  return buf;
}

Ipv4ParseError ipv4_prefix_parse(const char *s, Ipv4Prefix *out)
{
  if (!s)
    return IPV4_PARSE_SYNTAX;
  Ipv4Addr a;
  Ipv4ParseError e = parse_quad(&s, &a);
  if (e)
    return e;
  if (*s != '/')
    return IPV4_PARSE_LENGTH;
  s++;
  unsigned len;
  if (parse_dec(&s, 32, &len) != IPV4_PARSE_OK) /* missing, above 32, or "/08" */
    return IPV4_PARSE_LENGTH;
  if (*s)
    return IPV4_PARSE_SYNTAX;
  *out = ipv4_prefix_make(a, len);
  return out->addr.v == a.v ? IPV4_PARSE_OK : IPV4_PARSE_HOST_BITS;
}

char *ipv4_prefix_format(Ipv4Prefix p, char buf[IPV4_PREFIX_STRLEN])
{
  char a[IPV4_ADDR_STRLEN];
  g_snprintf(buf, IPV4_PREFIX_STRLEN, "%s/%u", ipv4_addr_format(p.addr, a), p.len);
  return buf;
}

uint32_t ipv4_mask(unsigned len)
{
  /* A shift by 32 is undefined in C: /0 is the one special case. */
  return len == 0 ? 0 : len >= 32 ? 0xffffffffu : ~((1u << (32 - len)) - 1);
}

Ipv4Prefix ipv4_prefix_make(Ipv4Addr a, unsigned len)
{
  if (len > 32)
    len = 32;
  return (Ipv4Prefix){.addr = {a.v & ipv4_mask(len)}, .len = (uint8_t)len};
}

bool ipv4_prefix_is_normal(Ipv4Prefix p)
{
  return p.len <= 32 && (p.addr.v & ~ipv4_mask(p.len)) == 0;
}

Ipv4Addr ipv4_prefix_first(Ipv4Prefix p)
{
  return (Ipv4Addr){p.addr.v & ipv4_mask(p.len)};
}

Ipv4Addr ipv4_prefix_last(Ipv4Prefix p)
{
  return (Ipv4Addr){(p.addr.v & ipv4_mask(p.len)) | ~ipv4_mask(p.len)};
}

uint64_t ipv4_prefix_size(Ipv4Prefix p)
{
  return (uint64_t)1 << (32 - (p.len > 32 ? 32 : p.len));
}

bool ipv4_prefix_contains_addr(Ipv4Prefix p, Ipv4Addr a)
{
  uint32_t m = ipv4_mask(p.len);
  return (a.v & m) == (p.addr.v & m);
}

bool ipv4_prefix_contains(Ipv4Prefix outer, Ipv4Prefix inner)
{
  return outer.len <= inner.len && ipv4_prefix_contains_addr(outer, inner.addr);
}

bool ipv4_prefix_overlaps(Ipv4Prefix a, Ipv4Prefix b)
{
  /* Two prefixes overlap exactly when the shorter contains the longer. */
  return ipv4_prefix_contains(a, b) || ipv4_prefix_contains(b, a);
}

int ipv4_prefix_compare(Ipv4Prefix a, Ipv4Prefix b)
{
  uint32_t x = a.addr.v & ipv4_mask(a.len), y = b.addr.v & ipv4_mask(b.len);
  if (x != y)
    return x < y ? -1 : 1;
  return (a.len > b.len) - (a.len < b.len);
}

bool ipv4_prefix_equal(Ipv4Prefix a, Ipv4Prefix b)
{
  return ipv4_prefix_compare(a, b) == 0;
}

Ipv4Range ipv4_range_from_prefix(Ipv4Prefix p)
{
  return (Ipv4Range){ipv4_prefix_first(p), ipv4_prefix_last(p)};
}

bool ipv4_range_contains_addr(Ipv4Range r, Ipv4Addr a)
{
  return r.first.v <= a.v && a.v <= r.last.v;
}

bool ipv4_range_contains(Ipv4Range outer, Ipv4Range inner)
{
  return inner.first.v <= inner.last.v && outer.first.v <= inner.first.v &&
         inner.last.v <= outer.last.v;
}

bool ipv4_range_overlaps(Ipv4Range a, Ipv4Range b)
{
  return a.first.v <= a.last.v && b.first.v <= b.last.v && a.first.v <= b.last.v &&
         b.first.v <= a.last.v;
}

bool ipv4_range_intersect(Ipv4Range a, Ipv4Range b, Ipv4Range *out)
{
  if (!ipv4_range_overlaps(a, b))
    return false;
  out->first.v = MAX(a.first.v, b.first.v);
  out->last.v = MIN(a.last.v, b.last.v);
  return true;
}

bool ipv4_range_to_prefix(Ipv4Range r, Ipv4Prefix *out)
{
  if (r.first.v > r.last.v)
    return false;
  uint32_t span = r.last.v - r.first.v; /* size - 1 */
  if (span == 0xffffffffu) {
    *out = (Ipv4Prefix){{0}, 0};
    return true;
  }
  if ((span & (span + 1)) != 0) /* size must be a power of two */
    return false;
  unsigned host_bits = 0;
  while (host_bits < 32 && (span >> host_bits))
    host_bits++;
  Ipv4Prefix p = ipv4_prefix_make(r.first, 32 - host_bits);
  if (p.addr.v != r.first.v)
    return false;
  *out = p;
  return true;
}
