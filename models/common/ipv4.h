/* SPDX-License-Identifier: MIT */
/* IPv4 addresses, prefixes and ranges: strict parsing, formatting, containment,
 * overlap and ordering. Values are in host byte order. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  uint32_t v; /* host byte order: 10.0.0.1 is 0x0a000001 */
} Ipv4Addr;

typedef struct {
  Ipv4Addr addr; /* network address (host bits clear once normalised) */
  uint8_t len;   /* 0..32 */
} Ipv4Prefix;

/* An inclusive range first..last, as IKE traffic selectors carry them. */
typedef struct {
  Ipv4Addr first;
  Ipv4Addr last;
} Ipv4Range;

#define IPV4_ADDR_STRLEN 16   /* "255.255.255.255" + NUL */
#define IPV4_PREFIX_STRLEN 19 /* "255.255.255.255/32" + NUL */

typedef enum {
  IPV4_PARSE_OK = 0,
  IPV4_PARSE_SYNTAX,    /* not a dotted quad (or quad/len) */
  IPV4_PARSE_OCTET,     /* an octet above 255 or with a leading zero */
  IPV4_PARSE_LENGTH,    /* prefix length missing or above 32 */
  IPV4_PARSE_HOST_BITS, /* a prefix with bits set past its length: parsed, then normalised */
} Ipv4ParseError;

const char *ipv4_parse_error_name(Ipv4ParseError e);

static inline Ipv4Addr ipv4_addr(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
  return (Ipv4Addr){((uint32_t)a << 24) | ((uint32_t)b << 16) | ((uint32_t)c << 8) | d};
}

/* Strict dotted quad: four decimal octets 0..255, no leading zeros ("010" is refused, as
 * it would mean octal to inet_aton), no spaces, nothing after. */
Ipv4ParseError ipv4_addr_parse(const char *s, Ipv4Addr *out);
char *ipv4_addr_format(Ipv4Addr a, char buf[IPV4_ADDR_STRLEN]);

/* "a.b.c.d/len". With host bits set, *out holds the normalised prefix and the result is
 * IPV4_PARSE_HOST_BITS so that the caller decides whether that is an error. */
Ipv4ParseError ipv4_prefix_parse(const char *s, Ipv4Prefix *out);
char *ipv4_prefix_format(Ipv4Prefix p, char buf[IPV4_PREFIX_STRLEN]);

/* The netmask for a length (0 gives 0, 32 gives all ones). */
uint32_t ipv4_mask(unsigned len);
Ipv4Prefix ipv4_prefix_make(Ipv4Addr a, unsigned len); /* normalised; len clamped to 32 */
bool ipv4_prefix_is_normal(Ipv4Prefix p);
Ipv4Addr ipv4_prefix_first(Ipv4Prefix p);
Ipv4Addr ipv4_prefix_last(Ipv4Prefix p);
uint64_t ipv4_prefix_size(Ipv4Prefix p); /* 2^(32-len): /0 is 4294967296 */

bool ipv4_prefix_contains_addr(Ipv4Prefix p, Ipv4Addr a);
/* outer contains inner entirely (a prefix contains itself). */
bool ipv4_prefix_contains(Ipv4Prefix outer, Ipv4Prefix inner);
bool ipv4_prefix_overlaps(Ipv4Prefix a, Ipv4Prefix b);
/* Total order: by network address, then shorter first. For sorting and tables. */
int ipv4_prefix_compare(Ipv4Prefix a, Ipv4Prefix b);
bool ipv4_prefix_equal(Ipv4Prefix a, Ipv4Prefix b);

Ipv4Range ipv4_range_from_prefix(Ipv4Prefix p);
bool ipv4_range_contains_addr(Ipv4Range r, Ipv4Addr a);
bool ipv4_range_contains(Ipv4Range outer, Ipv4Range inner);
bool ipv4_range_overlaps(Ipv4Range a, Ipv4Range b);
/* The overlap of a and b; false when they do not overlap. */
bool ipv4_range_intersect(Ipv4Range a, Ipv4Range b, Ipv4Range *out);
/* The prefix exactly equal to r, if r is one. */
bool ipv4_range_to_prefix(Ipv4Range r, Ipv4Prefix *out);
