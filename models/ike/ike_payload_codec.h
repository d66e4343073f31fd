/* SPDX-License-Identifier: MIT */
/* What the IKEv1 (ISAKMP, RFC 2408) and IKEv2 (RFC 7296) codecs share on the wire: the
 * 28-byte fixed header (RFC 2408 3.1, RFC 7296 3.1: two 8-byte SPIs or cookies, next
 * payload, version nibbles, exchange, flags, message ID, length), the 4-byte generic
 * header every payload and substructure starts with (RFC 2408 3.2, RFC 7296 3.2), owned
 * byte strings and the growable arrays the messages keep their payloads in. Each codec
 * keeps what differs (which checks answer with which notify, the critical bit, bodies). */
#ifndef VPNSIM_IKE_PAYLOAD_CODEC_H
#define VPNSIM_IKE_PAYLOAD_CODEC_H

#include "models/common/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKE_FIXED_HDR_LEN 28u  /* RFC 2408 3.1, RFC 7296 3.1 */
#define IKE_GENERIC_HDR_LEN 4u /* RFC 2408 3.2, RFC 7296 3.2 */

/* An owned byte string (g_malloc'd; NULL when empty). */
typedef struct {
  uint8_t *p;
  size_t n;
} IkeData;

void ike_data_set(IkeData *d, const void *p, size_t n);
void ike_data_clear(IkeData *d);
/* The rest of r into d, when r is still good. */
void ike_data_get_rest(WireReader *r, IkeData *d);
static inline void ike_data_put(WireWriter *w, const IkeData *d) { wire_put_bytes(w, d->p, d->n); }

/* The fixed header as both versions lay it out (IKEv1 calls the SPIs cookies). */
typedef struct {
  uint64_t spi_i;
  uint64_t spi_r;
  uint8_t next_payload;
  uint8_t major;
  uint8_t minor;
  uint8_t exchange;
  uint8_t flags;
  uint32_t msg_id;
  uint32_t length;
} IkeFixedHdr;

/* Reads the 28 bytes (a short read names the SPIs "cookie" for ISAKMP); the caller checks
 * the version first, then the length with ike_fixed_hdr_check_length. */
void ike_fixed_hdr_read(WireReader *r, IkeFixedHdr *h, bool cookies);
/* The Length field against the datagram: longer is TRUNCATED (the rest is missing), shorter
 * (or shorter than the header) MALFORMED. False when it fails. */
bool ike_fixed_hdr_check_length(WireReader *r, uint32_t length, size_t dgram_len);

/* Where a length written last goes: wire_reserve's mark and the item's start. */
typedef struct {
  size_t start;
  size_t mark;
  unsigned width;
} IkeLenMark;

/* Writes the fixed header with its Length reserved (major 0 writes default_major); end the
 * message with ike_len_end. */
IkeLenMark ike_fixed_hdr_put(WireWriter *w, const IkeFixedHdr *h, uint8_t default_major);
/* Writes a generic header (next payload, flags byte, length reserved); end the item with
 * ike_len_end once its body is written. */
IkeLenMark ike_generic_hdr_put(WireWriter *w, uint8_t next, uint8_t flags);
static inline void ike_len_end(WireWriter *w, IkeLenMark m)
{
  wire_patch_len(w, m.mark, m.width, m.start);
}

/* The generic header of a payload or substructure, read with its fields named (a short read
 * names the field it stopped at): Next Payload (IKEv2 substructures: Last Substruc), the
 * flags or reserved byte, the length. False when r has failed. */
typedef struct {
  const char *next;
  const char *flags;
  const char *length;
} IkeHdrNames;
bool ike_generic_hdr_read(WireReader *r, const IkeHdrNames *names, uint8_t *next, uint8_t *flags,
                          uint16_t *len);

/* A sub-reader over an item whose declared length n is checked against what the enclosing
 * item holds: a length that runs past it is a lie (MALFORMED), not a short datagram. */
WireReader ike_sub_declared(WireReader *r, size_t n, const char *field);

/* Appends a zeroed element of elem bytes to a growable array (*items, *n, *cap), doubling
 * from 8, and returns it. */
void *ike_array_push(void **items, size_t *n, size_t *cap, size_t elem);

#endif
