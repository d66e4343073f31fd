/* SPDX-License-Identifier: MIT */
/* ESP header, layout split, padding and trailer (RFC 4303 2): pure code, no crypto. */
#include "models/esp/esp_codec.h"

#include <glib.h>

NAME_TABLE(esp_status_names, "ESP status",
           {ESP_OK, "OK"},
           {ESP_ERR_TRUNCATED, "TRUNCATED"},
           {ESP_ERR_MALFORMED, "MALFORMED"},
           {ESP_ERR_UNKNOWN_SPI, "UNKNOWN_SPI"},
           {ESP_ERR_REPLAY, "REPLAY"},
           {ESP_ERR_ICV, "ICV"},
           {ESP_ERR_PADDING, "BAD_PADDING"},
           {ESP_ERR_NEXT_HEADER, "NEXT_HEADER"},
           {ESP_ERR_INNER, "BAD_INNER_PACKET"},
           {ESP_ERR_SEQ_OVERFLOW, "SEQ_OVERFLOW"},
           {ESP_ERR_EXPIRED, "EXPIRED"},
           {ESP_ERR_NO_SPACE, "NO_SPACE"},
           {ESP_ERR_NO_POLICY, "NO_POLICY"},
           {ESP_ERR_CRYPTO, "CRYPTO"});

const char *esp_status_name(EspStatus s)
{
  const char *n = name_get(&esp_status_names, s);
  return n ? n : "?";
}

void esp_header_encode(WireWriter *w, const EspHeader *h)
{
  wire_put_u32(w, h->spi);
  wire_put_u32(w, h->seq);
}

WireStatus esp_header_decode(WireReader *r, EspHeader *h)
{
  h->spi = wire_get_u32(r, "SPI");
  h->seq = wire_get_u32(r, "sequence number");
  /* RFC 4303 2.1: "The SPI value of zero (0) is reserved for local, implementation-
   * specific use and MUST NOT be sent on the wire." */
  if (wire_ok(r) && h->spi == 0)
    wire_fail(r, WIRE_MALFORMED, "SPI", 0, 256);
  return r->status;
}

static EspStatus from_wire(WireStatus s)
{
  switch (s) {
  case WIRE_OK: return ESP_OK;
  case WIRE_TRUNCATED: return ESP_ERR_TRUNCATED;
  default: return ESP_ERR_MALFORMED;
  }
}

static void set_diag(WireDiag *d, const char *field, size_t off, uint64_t seen, uint64_t bound)
{
  if (d)
    *d = (WireDiag){.field = field, .offset = off, .seen = seen, .bound = bound};
}

EspStatus esp_header_parse(const uint8_t *pkt, size_t len, EspHeader *h, WireDiag *diag)
{
  WireReader r = wire_reader(pkt, len);
  if (esp_header_decode(&r, h) == WIRE_OK)
    return ESP_OK;
  if (diag)
    *diag = r.diag;
  return from_wire(r.status);
}

EspStatus esp_layout_split(const EspHeader *hdr, const uint8_t *pkt, size_t len, size_t iv_len,
                           size_t icv_len, size_t block, EspLayout *out, WireDiag *diag)
{
  *out = (EspLayout){0};
  g_return_val_if_fail(hdr && len >= ESP_HEADER_LEN, ESP_ERR_TRUNCATED);
  WireReader r = wire_reader(pkt, len);
  wire_skip(&r, ESP_HEADER_LEN, "header"); /* decoded by the caller */
  out->hdr = *hdr;
  out->iv_len = iv_len;
  out->iv = wire_get_bytes(&r, iv_len, "IV");
  if (!wire_ok(&r))
    goto fail;
  /* Everything left is ciphertext then ICV; the ICV sits at the very end (RFC 4303 2.8). */
  size_t rest = wire_left(&r);
  if (rest < icv_len + ESP_TRAILER_LEN) {
    set_diag(diag, "ciphertext", wire_offset(&r), rest, icv_len + ESP_TRAILER_LEN);
    return ESP_ERR_TRUNCATED;
  }
  out->ct_len = rest - icv_len;
  out->ct = wire_get_bytes(&r, out->ct_len, "ciphertext");
  out->icv_len = icv_len;
  out->icv = wire_get_bytes(&r, icv_len, "ICV");
  if (!wire_ok(&r))
    goto fail;
  /* RFC 4303 2.4: the ciphertext is a whole number of cipher blocks and 4-octet aligned. */
  size_t align = block > 4 ? block : 4;
  if (out->ct_len % align != 0) {
    set_diag(diag, "ciphertext", ESP_HEADER_LEN + iv_len, out->ct_len, align);
    return ESP_ERR_MALFORMED;
  }
  return ESP_OK;
fail:
  if (diag)
    *diag = r.diag;
  return from_wire(r.status);
}

size_t esp_pad_len(size_t payload_len, size_t block)
{
  size_t align = block > 4 ? block : 4; /* block sizes here are 1, 8 or 16 */
  size_t used = (payload_len + ESP_TRAILER_LEN) % align;
  return used ? align - used : 0;
}

void esp_trailer_encode(WireWriter *w, size_t pad_len, uint8_t next_header)
{
  g_return_if_fail(pad_len <= ESP_MAX_PAD);
  /* RFC 4303 2.4: "The first padding byte appended to the plaintext is numbered 1, with
   * subsequent padding bytes making up a monotonically increasing sequence" */
  for (size_t i = 0; i < pad_len; i++)
    wire_put_u8(w, (uint8_t)(i + 1));
  wire_put_u8(w, (uint8_t)pad_len);
  wire_put_u8(w, next_header);
}

EspStatus esp_trailer_parse(const uint8_t *pt, size_t len, size_t *payload_len,
                            uint8_t *next_header, WireDiag *diag)
{
  if (len < ESP_TRAILER_LEN) {
    set_diag(diag, "trailer", 0, len, ESP_TRAILER_LEN);
    return ESP_ERR_TRUNCATED;
  }
  WireReader r = wire_reader(pt, len);
  wire_skip(&r, len - ESP_TRAILER_LEN, "payload");
  uint8_t pad = wire_get_u8(&r, "pad length");
  uint8_t nh = wire_get_u8(&r, "next header");
  g_assert(wire_ok(&r)); /* len >= 2 was checked */
  /* RFC 4303 2.4: the padding lies inside the plaintext before the two trailer octets. */
  if (pad > len - ESP_TRAILER_LEN) {
    set_diag(diag, "pad length", len - ESP_TRAILER_LEN, pad, len - ESP_TRAILER_LEN);
    return ESP_ERR_PADDING;
  }
  size_t start = len - ESP_TRAILER_LEN - pad;
  WireReader pr = wire_reader(pt, len);
  wire_skip(&pr, start, "payload");
  for (size_t i = 0; i < pad; i++) {
    uint8_t b = wire_get_u8(&pr, "padding");
    /* RFC 4303 2.4: with the default scheme "the receiver SHOULD inspect the Padding
     * field"; anything but 1, 2, 3, ... is a bad padding drop. */
    if (b != (uint8_t)(i + 1)) {
      set_diag(diag, "padding", start + i, b, i + 1);
      return ESP_ERR_PADDING;
    }
  }
  *payload_len = start;
  *next_header = nh;
  return ESP_OK;
}
