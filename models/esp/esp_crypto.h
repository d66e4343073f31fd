/* SPDX-License-Identifier: MIT */
/* ESP transforms: the table of encryption and integrity algorithms by IKEv2 transform
 * ID (sizes, Wireshark labels) and the per-SA cipher state that seals and opens ESP
 * packets. The .c is the only ESP file that includes OpenSSL. */
#pragma once

#include "models/common/ipsec_ids.h"
#include "models/esp/esp_codec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One row per (encryption transform, key size). */
typedef struct {
  IkeEncrId id;
  unsigned key_bits;     /* 0 for NULL; the cipher key without the salt */
  const char *name;      /* e.g. "AES-GCM-16-256" (our reports) */
  size_t key_len;        /* octets of cipher key */
  size_t salt_len;       /* RFC 4106 8.1: 4 for GCM, taken from the end of KEYMAT */
  size_t iv_len;         /* octets of explicit IV on the wire */
  size_t block;          /* padding block: cipher block size, 1 for NULL and GCM */
  size_t aead_icv_len;   /* ICV of a combined mode, 0 otherwise */
  const char *ws_label;  /* Wireshark esp_sa "Encryption" label */
} EspEncrInfo;

typedef struct {
  IkeIntegId id;
  const char *name;
  size_t key_len;  /* RFC 2403/2404/4868: the HMAC key is the digest size */
  size_t icv_len;  /* truncated ICV: 12, 12, 16 */
  const char *ws_label;
} EspIntegInfo;

/* The row for (id, key_bits); key_bits is ignored for fixed-size ciphers (DES, 3DES,
 * NULL). NULL when we do not implement it. */
const EspEncrInfo *esp_encr_info(IkeEncrId id, unsigned key_bits);
/* AUTH_NONE has a row (icv 0, label "NULL"). NULL when we do not implement it. */
const EspIntegInfo *esp_integ_info(IkeIntegId id);
/* Every implemented encryption row and integrity row, for tests and catalogues. */
const EspEncrInfo *esp_encr_all(size_t *n);
const EspIntegInfo *esp_integ_all(size_t *n);

/* The cipher state of one SA in one direction: keyed contexts made once, reused per
 * packet. Key material is copied in and wiped on free. */
typedef struct EspCrypto EspCrypto;

/* enc_key is key || salt for GCM (RFC 4106 8.1). iv_seed keys the IV generator of CBC
 * modes (the caller draws it from its DRBG). On a bad combination or key length returns
 * NULL and *why says what is wrong. */
EspCrypto *esp_crypto_new(const EspEncrInfo *e, const EspIntegInfo *i, const uint8_t *enc_key,
                          size_t enc_key_len, const uint8_t *integ_key, size_t integ_key_len,
                          bool encrypt, const uint8_t iv_seed[16], const char **why);
void esp_crypto_free(EspCrypto *c);

/* Octets after the payload for a payload of n octets: padding + 2 + ICV. */
size_t esp_crypto_tail_len(const EspCrypto *c, size_t n);
size_t esp_crypto_icv_len(const EspCrypto *c);

/* Seal in place. pkt holds: 8-octet header, iv_len octets (filled here), pt_len octets of
 * plaintext already ending with the trailer, and icv_len octets of room. The IV is
 * 'iv' when given (known-answer tests), otherwise derived from 'counter' (unique per
 * packet of the SA: the sequence number): CBC IV = E_ivkey(counter), unpredictable
 * without a per-packet random call; GCM IV = counter (RFC 4106 3.1). */
EspStatus esp_crypto_seal(EspCrypto *c, uint8_t *pkt, size_t pt_len, uint64_t counter,
                          const uint8_t *iv);

/* Verify the ICV of a non-combined transform (before anything else is done to the
 * packet, RFC 4303 3.4.4). ESP_OK when there is no integrity algorithm. */
EspStatus esp_crypto_verify(EspCrypto *c, const uint8_t *pkt, const EspLayout *l);
/* Decrypt l->ct into pt (l->ct_len octets); for GCM also checks the tag (ESP_ERR_ICV,
 * and pt is wiped). */
EspStatus esp_crypto_decrypt(EspCrypto *c, const uint8_t *pkt, const EspLayout *l, uint8_t *pt);

/* Wipe key material (OPENSSL_cleanse: not optimised away). */
void esp_wipe(void *p, size_t n);
