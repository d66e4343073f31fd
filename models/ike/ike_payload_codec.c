/* SPDX-License-Identifier: MIT */
/* The wire layout IKEv1 and IKEv2 share (ike_payload_codec.h). */
#include "models/ike/ike_payload_codec.h"

#include <glib.h>
#include <string.h>

void ike_data_set(IkeData *d, const void *p, size_t n)
{
  g_free(d->p);
  d->p = n ? g_memdup2(p, n) : NULL;
  d->n = n;
}

void ike_data_clear(IkeData *d)
{
  g_free(d->p);
  d->p = NULL;
  d->n = 0;
}

void ike_data_get_rest(WireReader *r, IkeData *d)
{
  size_t n;
  const uint8_t *p = wire_get_rest(r, &n);
  if (wire_ok(r))
    ike_data_set(d, p, n);
}

/* RFC 2408 3.1 / RFC 7296 3.1:
 *  |                  Initiator's SPI (cookie)                     |
 *  |                  Responder's SPI (cookie)                     |
 *  |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 *  |                          Message ID                           |
 *  |                            Length                             |  */
void ike_fixed_hdr_read(WireReader *r, IkeFixedHdr *h, bool cookies)
{
  h->spi_i = wire_get_u64(r, cookies ? "initiator cookie" : "initiator SPI");
  h->spi_r = wire_get_u64(r, cookies ? "responder cookie" : "responder SPI");
  h->next_payload = wire_get_u8(r, "next payload");
  uint8_t ver = wire_get_u8(r, "version");
  h->major = ver >> 4;
  h->minor = ver & 0x0f;
  h->exchange = wire_get_u8(r, "exchange type");
  h->flags = wire_get_u8(r, "flags");
  h->msg_id = wire_get_u32(r, "message id");
  h->length = wire_get_u32(r, "message length");
}

bool ike_fixed_hdr_check_length(WireReader *r, uint32_t length, size_t dgram_len)
{
  if (length > dgram_len) {
    wire_fail(r, WIRE_TRUNCATED, "message length", dgram_len, length);
    return false;
  }
  if (length < dgram_len || length < IKE_FIXED_HDR_LEN) {
    wire_fail(r, WIRE_MALFORMED, "message length", length, dgram_len);
    return false;
  }
  return true;
}

IkeLenMark ike_fixed_hdr_put(WireWriter *w, const IkeFixedHdr *h, uint8_t default_major)
{
  IkeLenMark m = {.start = wire_writer_len(w), .width = 4};
  wire_put_u64(w, h->spi_i);
  wire_put_u64(w, h->spi_r);
  wire_put_u8(w, h->next_payload);
  wire_put_u8(w, (uint8_t)((h->major ? h->major : default_major) << 4 | (h->minor & 0x0f)));
  wire_put_u8(w, h->exchange);
  wire_put_u8(w, h->flags);
  wire_put_u32(w, h->msg_id);
  m.mark = wire_reserve(w, 4);
  return m;
}

/* RFC 2408 3.2 / RFC 7296 3.2:
 *  | Next Payload  |C|  RESERVED   |         Payload Length        |  */
IkeLenMark ike_generic_hdr_put(WireWriter *w, uint8_t next, uint8_t flags)
{
  IkeLenMark m = {.start = wire_writer_len(w), .width = 2};
  wire_put_u8(w, next);
  wire_put_u8(w, flags);
  m.mark = wire_reserve(w, 2);
  return m;
}

bool ike_generic_hdr_read(WireReader *r, const IkeHdrNames *names, uint8_t *next, uint8_t *flags,
                          uint16_t *len)
{
  *next = wire_get_u8(r, names->next);
  *flags = wire_get_u8(r, names->flags);
  *len = wire_get_u16(r, names->length);
  return wire_ok(r);
}

WireReader ike_sub_declared(WireReader *r, size_t n, const char *field)
{
  if (wire_ok(r) && n > wire_left(r))
    wire_fail(r, WIRE_MALFORMED, field, n, wire_left(r));
  return wire_sub(r, n, field);
}

void *ike_array_push(void **items, size_t *n, size_t *cap, size_t elem)
{
  if (*n == *cap) {
    *cap = *cap ? 2 * *cap : 8;
    *items = g_realloc_n(*items, *cap, elem);
  }
  uint8_t *p = (uint8_t *)*items + (*n)++ * elem;
  memset(p, 0, elem);
  return p;
}
