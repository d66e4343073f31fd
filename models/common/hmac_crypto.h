/* SPDX-License-Identifier: MIT */
/* HMAC-SHA-256 (RFC 2104, FIPS 198-1) with the key's inner and outer pad states computed
 * once and copied per message: the DRBG and the IKE PRF run many HMACs of a few dozen bytes,
 * where OpenSSL 3's EVP_MAC spends more on its set-up than on the two compressions. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define HMAC_SHA256_LEN 32

/* Opaque-sized state: the inner and outer SHA-256 states after the key's pads. */
typedef struct {
  uint64_t opaque[2 * 14]; /* two SHA256_CTX (112 bytes each) */
} HmacSha256Key;

/* A byte string, one piece of an HMAC input. */
typedef struct {
  const void *p;
  size_t n;
} HmacPart;

void hmac_sha256_key(HmacSha256Key *k, const uint8_t *key, size_t klen);
/* out = HMAC(k, parts[0] || parts[1] || ...); out may overlap the parts. */
void hmac_sha256_parts(const HmacSha256Key *k, const HmacPart *parts, size_t np,
                       uint8_t out[HMAC_SHA256_LEN]);
void hmac_sha256_key_clear(HmacSha256Key *k); /* wipes the pad states */
