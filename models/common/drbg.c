/* SPDX-License-Identifier: MIT */
/* HMAC_DRBG over HMAC-SHA-256 (NIST SP 800-90A rev.1, 10.1.2). */
#include "models/common/drbg.h"

#include "models/common/hmac_crypto.h"
#include "models/common/wire.h"

#include <glib.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

#define OUTLEN 32 /* SHA-256 */

struct Drbg {
  uint8_t key[OUTLEN]; /* K */
  uint8_t v[OUTLEN];   /* V */
  uint64_t reseed_counter;
  HmacSha256Key pads;
  bool keyed; /* pads hold K's HMAC pad states */
};

typedef HmacPart Part;

/* out = HMAC(K, parts[0] || parts[1] || ...) */
static void hmac_parts(Drbg *d, const Part *parts, size_t np, uint8_t out[OUTLEN])
{
  /* The key schedule (the two pad blocks) is set once per K: K stays the same across a
   * generate's V updates, and the next K = HMAC(K, ...). The output is unchanged. */
  if (!d->keyed)
    hmac_sha256_key(&d->pads, d->key, OUTLEN);
  d->keyed = true;
  hmac_sha256_parts(&d->pads, parts, np, out);
}

/* HMAC_DRBG_Update (10.1.2.2); provided_data is the concatenation of data[0..nd). */
static void update(Drbg *d, const Part *data, size_t nd)
{
  size_t total = 0;
  for (size_t i = 0; i < nd; i++)
    total += data[i].n;
  for (uint8_t round = 0; round < 2; round++) {
    /* K = HMAC(K, V || round || provided_data) */
    uint8_t vr[OUTLEN + 1], t[OUTLEN];
    memcpy(vr, d->v, OUTLEN);
    vr[OUTLEN] = round;
    Part parts[4] = {{vr, sizeof vr}};
    for (size_t i = 0; i < nd && i < 3; i++)
      parts[1 + i] = data[i];
    hmac_parts(d, parts, 1 + MIN(nd, (size_t)3), t);
    memcpy(d->key, t, OUTLEN);
    d->keyed = false;
    OPENSSL_cleanse(t, sizeof t);
    OPENSSL_cleanse(vr, sizeof vr);
    /* V = HMAC(K, V) */
    hmac_parts(d, &(Part){d->v, OUTLEN}, 1, d->v);
    /* If provided_data = Null, return after the first round. */
    if (total == 0)
      break;
  }
}

Drbg *drbg_new(const void *entropy, size_t entropy_len, const void *nonce, size_t nonce_len,
               const void *pers, size_t pers_len)
{
  Drbg *d = g_new0(Drbg, 1);
  /* Key = 0x00 00...00; V = 0x01 01...01; (Key, V) = Update(seed_material). */
  memset(d->key, 0x00, OUTLEN);
  memset(d->v, 0x01, OUTLEN);
  update(d, (Part[]){{entropy, entropy_len}, {nonce, nonce_len}, {pers, pers_len}}, 3);
  d->reseed_counter = 1;
  return d;
}

Drbg *drbg_new_stream(uint64_t seed, const char *label)
{
  static const char tag[] = "vpnsim-drbg/1";
  uint8_t entropy[sizeof tag - 1 + 8];
  memcpy(entropy, tag, sizeof tag - 1);
  wire_store_be64(entropy + sizeof tag - 1, seed);
  return drbg_new(entropy, sizeof entropy, label, label ? strlen(label) : 0, NULL, 0);
}

Drbg *drbg_new_entropy(const char *label)
{
  uint8_t seed[48];
  if (RAND_bytes(seed, sizeof seed) != 1)
    g_error("drbg: the operating system gave no entropy");
  Drbg *d = drbg_new(seed, 32, seed + 32, 16, label, label ? strlen(label) : 0);
  OPENSSL_cleanse(seed, sizeof seed);
  return d;
}

void drbg_free(Drbg *d)
{
  if (!d)
    return;
  OPENSSL_cleanse(d, sizeof *d); /* K, V and the pad states */
  g_free(d);
}

void drbg_reseed(Drbg *d, const void *entropy, size_t entropy_len, const void *add,
                 size_t add_len)
{
  /* seed_material = entropy_input || additional_input; (Key, V) = Update(seed_material) */
  update(d, (Part[]){{entropy, entropy_len}, {add, add_len}}, 2);
  d->reseed_counter = 1;
}

bool drbg_generate(Drbg *d, void *out, size_t n, const void *add, size_t add_len)
{
  if (n > DRBG_MAX_REQUEST || d->reseed_counter > DRBG_RESEED_INTERVAL)
    return false;
  /* If additional_input != Null, (Key, V) = Update(additional_input, Key, V). */
  if (add_len)
    update(d, &(Part){add, add_len}, 1);
  /* while len(temp) < requested: V = HMAC(Key, V); temp = temp || V */
  uint8_t *o = out;
  while (n > 0) {
    hmac_parts(d, &(Part){d->v, OUTLEN}, 1, d->v);
    size_t take = MIN(n, (size_t)OUTLEN);
    memcpy(o, d->v, take);
    o += take;
    n -= take;
  }
  /* (Key, V) = Update(additional_input, Key, V) */
  update(d, &(Part){add, add_len}, 1);
  d->reseed_counter++;
  return true;
}

void drbg_bytes(Drbg *d, void *out, size_t n)
{
  uint8_t *o = out;
  while (n > 0) {
    size_t take = MIN(n, (size_t)DRBG_MAX_REQUEST);
    if (!drbg_generate(d, o, take, NULL, 0))
      g_error("drbg: reseed interval exhausted"); /* 2^48 requests: unreachable in a run */
    o += take;
    n -= take;
  }
}

uint32_t drbg_u32(Drbg *d)
{
  uint8_t b[4];
  drbg_bytes(d, b, sizeof b);
  return wire_load_be32(b);
}

uint64_t drbg_u64(Drbg *d)
{
  uint8_t b[8];
  drbg_bytes(d, b, sizeof b);
  return wire_load_be64(b);
}

uint64_t drbg_uniform(Drbg *d, uint64_t bound)
{
  if (bound == 0)
    return 0;
  /* Reject draws from the incomplete top interval so every value is equally likely. */
  uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  for (;;) {
    uint64_t x = drbg_u64(d);
    if (x < limit)
      return x % bound;
  }
}
