/* SPDX-License-Identifier: MIT */
/* ESP (RFC 4303) packet layout without cryptography: the SPI/sequence header, the
 * padding rule and the trailer (padding, pad length, next header), through the checked
 * wire cursors; also the status codes the ESP module returns and their names. */
#pragma once

#include "models/common/names.h"
#include "models/common/wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 4303 2: the fixed header is SPI (4 octets) and Sequence Number (4 octets). */
#define ESP_HEADER_LEN 8u
/* RFC 4303 2.4 and 2.5: Pad Length and Next Header, one octet each. */
#define ESP_TRAILER_LEN 2u
/* RFC 4303 2.4: padding is at most 255 octets. */
#define ESP_MAX_PAD 255u
/* IANA protocol numbers carried in Next Header: IPv4 in tunnel mode (RFC 2003 number). */
#define ESP_NEXT_HEADER_IPV4 4u
/* RFC 4303 2.6: Next Header 59 marks a dummy packet (TFC), to be discarded. */
#define ESP_NEXT_HEADER_NONE 59u

/* Outcome of an ESP operation (codec, crypto or data path). Every drop reason has one. */
typedef enum {
  ESP_OK = 0,
  ESP_ERR_TRUNCATED,    /* fewer octets than the layout needs */
  ESP_ERR_MALFORMED,    /* octets present but inconsistent (a length lies, bad block size) */
  ESP_ERR_UNKNOWN_SPI,  /* RFC 4303 3.4.2: no SA for this SPI */
  ESP_ERR_REPLAY,       /* RFC 4303 3.4.3: duplicate or left of the window */
  ESP_ERR_ICV,          /* RFC 4303 3.4.4: integrity check failed */
  ESP_ERR_PADDING,      /* RFC 4303 2.4: pad length too long or padding bytes not 1,2,3.. */
  ESP_ERR_NEXT_HEADER,  /* not IPv4 in a tunnel-mode SA, or a dummy packet */
  ESP_ERR_INNER,        /* the inner packet is not a well-formed IPv4 packet */
  ESP_ERR_SEQ_OVERFLOW, /* RFC 4303 3.3.3: counter would cycle; the SA needs a rekey */
  ESP_ERR_EXPIRED,      /* hard lifetime reached: the SA no longer carries traffic */
  ESP_ERR_NO_SPACE,     /* the caller's output buffer is too small */
  ESP_ERR_NO_POLICY,    /* outbound: no selector or tunnel matches */
  ESP_ERR_CRYPTO,       /* the crypto library refused an operation (not peer input) */
  ESP_ERR__COUNT
} EspStatus;

extern const NameTable esp_status_names;
const char *esp_status_name(EspStatus s);

/* RFC 4303 2.1/2.2:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Security Parameters Index (SPI)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Sequence Number                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Payload Data* (variable)                   |
 * ~                                                               ~
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |     Padding (0-255 bytes)                     |
 * +-+-+-+-+-+-+-+-+               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  Pad Length   | Next Header   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Integrity Check Value-ICV   (variable)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
typedef struct {
  uint32_t spi;
  uint32_t seq;
} EspHeader;

void esp_header_encode(WireWriter *w, const EspHeader *h);
/* Reads 8 octets. RFC 4303 2.1: SPI 0 is for local use and MUST NOT be sent, so it is
 * MALFORMED on the wire ('SPI'); the reserved 1..255 simply match no SA. */
WireStatus esp_header_decode(WireReader *r, EspHeader *h);
/* The same on a whole packet, as an ESP status: TRUNCATED or MALFORMED with the field in
 * diag. A receiver reads the header once with it and hands it on (esp_layout_split). */
EspStatus esp_header_parse(const uint8_t *pkt, size_t len, EspHeader *h, WireDiag *diag);

/* The layout of one ESP packet split without decryption: header, IV, ciphertext (which
 * includes the encrypted trailer) and ICV, as borrowed pointers into the packet. */
typedef struct {
  EspHeader hdr;
  const uint8_t *iv;
  size_t iv_len;
  const uint8_t *ct;
  size_t ct_len;
  const uint8_t *icv;
  size_t icv_len;
} EspLayout;

/* Split an ESP packet whose 8-octet header the caller already decoded into hdr
 * (esp_header_parse; it is copied into out->hdr, not read again): then iv_len octets of
 * IV, then ciphertext, then icv_len octets of ICV. The ciphertext must be a multiple of
 * 'block' octets (1 for a stream or AEAD-CTR mode) and at least 2 octets (the trailer).
 * 'diag' names the field. */
EspStatus esp_layout_split(const EspHeader *hdr, const uint8_t *pkt, size_t len, size_t iv_len,
                           size_t icv_len, size_t block, EspLayout *out, WireDiag *diag);

/* RFC 4303 2.4: the padding length that makes payload + padding + 2 a multiple of
 * 'block' (the cipher block size) and of 4 (the 32-bit alignment ESP always requires). */
size_t esp_pad_len(size_t payload_len, size_t block);

/* Write the trailer after a payload: pad_len padding octets 1, 2, 3, ... (RFC 4303 2.4
 * default scheme), Pad Length, Next Header (pad_len <= 255). */
void esp_trailer_encode(WireWriter *w, size_t pad_len, uint8_t next_header);

/* Parse the trailer at the end of decrypted plaintext 'pt' (len octets): on success,
 * *payload_len is the payload before the padding and *next_header is set. RFC 4303 2.4:
 * pad length must fit, and the padding must be the default 1, 2, 3, ... sequence (the
 * receiver inspects it): either failure is ESP_ERR_PADDING ('pad length' / 'padding'). */
EspStatus esp_trailer_parse(const uint8_t *pt, size_t len, size_t *payload_len,
                            uint8_t *next_header, WireDiag *diag);
