/* SPDX-License-Identifier: MIT */
/* RFC 2409 key derivation, IVs, body encryption and hashes over ike_crypto.h's PRFs and
 * ciphers; plain digests (of public values only) from GLib's GChecksum. */
#include "models/ike/ikev1_crypto.h"

#include "models/common/wire.h"

#include <string.h>

/* ---- algorithms ---- */

uint16_t ikev1_encr_to_ikev2(uint16_t encr)
{
  switch (encr) {
  case IKEV1_ENCR_DES_CBC: return ENCR_DES;
  case IKEV1_ENCR_3DES_CBC: return ENCR_3DES;
  case IKEV1_ENCR_AES_CBC: return ENCR_AES_CBC;
  default: return 0;
  }
}

uint16_t ikev1_hash_to_prf(uint16_t hash)
{
  switch (hash) {
  case IKEV1_HASH_MD5: return PRF_HMAC_MD5;
  case IKEV1_HASH_SHA: return PRF_HMAC_SHA1;
  case IKEV1_HASH_SHA2_256: return PRF_HMAC_SHA2_256;
  case IKEV1_HASH_SHA2_384: return PRF_HMAC_SHA2_384;
  default: return 0;
  }
}

uint16_t ikev1_encr_from_ikev2(uint16_t encr)
{
  switch (encr) {
  case ENCR_DES: return IKEV1_ENCR_DES_CBC;
  case ENCR_3DES: return IKEV1_ENCR_3DES_CBC;
  case ENCR_AES_CBC: return IKEV1_ENCR_AES_CBC;
  default: return 0;
  }
}

uint16_t ikev1_hash_from_integ(uint16_t integ)
{
  switch (integ) {
  case AUTH_HMAC_MD5_96: return IKEV1_HASH_MD5;
  case AUTH_HMAC_SHA1_96: return IKEV1_HASH_SHA;
  case AUTH_HMAC_SHA2_256_128: return IKEV1_HASH_SHA2_256;
  case AUTH_HMAC_SHA2_384_192: return IKEV1_HASH_SHA2_384;
  default: return 0;
  }
}

uint16_t ikev1_auth_from_integ(uint16_t integ)
{
  switch (integ) {
  case AUTH_HMAC_MD5_96: return IKEV1_AUTH_ALG_HMAC_MD5;
  case AUTH_HMAC_SHA1_96: return IKEV1_AUTH_ALG_HMAC_SHA;
  case AUTH_HMAC_SHA2_256_128: return IKEV1_AUTH_ALG_HMAC_SHA2_256;
  case AUTH_HMAC_SHA2_384_192: return IKEV1_AUTH_ALG_HMAC_SHA2_384;
  case AUTH_HMAC_SHA2_512_256: return IKEV1_AUTH_ALG_HMAC_SHA2_512;
  default: return 0;
  }
}

static GChecksumType checksum_type(uint16_t hash)
{
  switch (hash) {
  case IKEV1_HASH_MD5: return G_CHECKSUM_MD5;
  case IKEV1_HASH_SHA: return G_CHECKSUM_SHA1;
  case IKEV1_HASH_SHA2_256: return G_CHECKSUM_SHA256;
  default: return G_CHECKSUM_SHA384;
  }
}

size_t ikev1_hash_len(uint16_t hash)
{
  uint16_t prf = ikev1_hash_to_prf(hash);
  return prf ? ike_prf_len(prf) : 0;
}

size_t ikev1_encr_key_len(uint16_t encr, uint16_t key_bits)
{
  uint16_t e = ikev1_encr_to_ikev2(encr);
  return e ? ike_encr_key_len(e, key_bits) : 0;
}

size_t ikev1_encr_block_len(uint16_t encr)
{
  uint16_t e = ikev1_encr_to_ikev2(encr);
  return e ? ike_encr_block_len(e) : 0;
}

bool ikev1_suite_valid(const Ikev1Suite *s)
{
  return ikev1_hash_len(s->hash) && ikev1_encr_key_len(s->encr, s->key_bits);
}

/* hash(a | b), the digest behind the PRF; out holds ikev1_hash_len octets. */
static bool digest2(uint16_t hash, const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
                    uint8_t *out)
{
  size_t want = ikev1_hash_len(hash);
  if (!want)
    return false;
  GChecksum *c = g_checksum_new(checksum_type(hash));
  if (an)
    g_checksum_update(c, a, (gssize)an);
  if (bn)
    g_checksum_update(c, b, (gssize)bn);
  gsize n = IKE_PRF_MAX;
  g_checksum_get_digest(c, out, &n);
  g_checksum_free(c);
  return n == want;
}

/* prf(key, concatenation of parts), through one buffer that is wiped afterwards. */
typedef struct {
  const uint8_t *p;
  size_t n;
} Part;

static bool prf_parts(const Ikev1Keys *k, const uint8_t *key, const Part *parts, size_t n_parts,
                      uint8_t *out)
{
  size_t len = 0;
  for (size_t i = 0; i < n_parts; i++)
    len += parts[i].n;
  uint8_t *buf = g_malloc(len ? len : 1);
  size_t off = 0;
  for (size_t i = 0; i < n_parts; i++) {
    if (parts[i].n)
      memcpy(buf + off, parts[i].p, parts[i].n);
    off += parts[i].n;
  }
  bool ok = ike_prf(ikev1_hash_to_prf(k->suite.hash), key, k->prf_len, buf, len, out);
  ike_wipe(buf, len);
  g_free(buf);
  return ok;
}

/* ---- keys ---- */

Ikev1Keys *ikev1_keys_new(void) { return g_new0(Ikev1Keys, 1); }

void ikev1_keys_clear(Ikev1Keys *k)
{
  if (k)
    ike_wipe(k, sizeof *k);
}

void ikev1_keys_free(Ikev1Keys *k)
{
  if (!k)
    return;
  ikev1_keys_clear(k);
  g_free(k);
}

bool ikev1_keys_derive_psk(Ikev1Keys *k, const Ikev1Suite *s, const uint8_t *psk,
                           size_t psk_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                           size_t nr_len, const uint8_t *gxy, size_t gxy_len, uint64_t icookie,
                           uint64_t rcookie)
{
  ikev1_keys_clear(k);
  if (!ikev1_suite_valid(s))
    return false;
  uint16_t prf = ikev1_hash_to_prf(s->hash);
  k->suite = *s;
  k->prf_len = ike_prf_len(prf);
  k->key_len = ikev1_encr_key_len(s->encr, s->key_bits);
  k->block_len = ikev1_encr_block_len(s->encr);
  uint8_t cky[16];
  wire_store_be64(cky, icookie);
  wire_store_be64(cky + 8, rcookie);
  static const uint8_t n0 = 0, n1 = 1, n2 = 2;

  /* SKEYID = prf(pre-shared-key, Ni_b | Nr_b) */
  uint8_t *nn = g_malloc(ni_len + nr_len + 1);
  memcpy(nn, ni, ni_len);
  memcpy(nn + ni_len, nr, nr_len);
  bool ok = ike_prf(prf, psk, psk_len, nn, ni_len + nr_len, k->skeyid);
  ike_wipe(nn, ni_len + nr_len);
  g_free(nn);
  /* SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0) */
  const Part d[] = {{gxy, gxy_len}, {cky, 16}, {&n0, 1}};
  ok = ok && prf_parts(k, k->skeyid, d, G_N_ELEMENTS(d), k->skeyid_d);
  /* SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1) */
  const Part a[] = {{k->skeyid_d, k->prf_len}, {gxy, gxy_len}, {cky, 16}, {&n1, 1}};
  ok = ok && prf_parts(k, k->skeyid, a, G_N_ELEMENTS(a), k->skeyid_a);
  /* SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) */
  const Part e[] = {{k->skeyid_a, k->prf_len}, {gxy, gxy_len}, {cky, 16}, {&n2, 1}};
  ok = ok && prf_parts(k, k->skeyid, e, G_N_ELEMENTS(e), k->skeyid_e);
  if (ok && k->key_len <= k->prf_len) {
    /* appendix B: "the first n bits" of SKEYID_e */
    memcpy(k->enc_key, k->skeyid_e, k->key_len);
  } else if (ok) {
    /* appendix B: Ka = K1 | K2 | K3 ..., K1 = prf(SKEYID_e, 0), Kn+1 = prf(SKEYID_e, Kn) */
    uint8_t kn[IKE_PRF_MAX];
    size_t have = 0;
    ok = ike_prf(prf, k->skeyid_e, k->prf_len, &n0, 1, kn);
    while (ok && have < k->key_len) {
      size_t take = MIN(k->prf_len, k->key_len - have);
      memcpy(k->enc_key + have, kn, take);
      have += take;
      if (have < k->key_len)
        ok = ike_prf(prf, k->skeyid_e, k->prf_len, kn, k->prf_len, kn);
    }
    ike_wipe(kn, sizeof kn);
  }
  if (!ok)
    ikev1_keys_clear(k);
  return ok;
}

/* ---- IVs ---- */

bool ikev1_iv_phase1(const Ikev1Keys *k, const uint8_t *gxi, size_t gxi_len,
                     const uint8_t *gxr, size_t gxr_len, Ikev1Iv *iv)
{
  /* IV = hash(g^xi | g^xr), the first block-size octets */
  uint8_t h[IKE_PRF_MAX];
  if (!k->block_len || !digest2(k->suite.hash, gxi, gxi_len, gxr, gxr_len, h))
    return false;
  memcpy(iv->b, h, k->block_len);
  iv->n = k->block_len;
  return true;
}

bool ikev1_iv_phase2(const Ikev1Keys *k, const Ikev1Iv *last_p1, uint32_t msg_id, Ikev1Iv *iv)
{
  /* IV = hash(last phase-1 CBC output block | M-ID), M-ID in network order */
  uint8_t mid[4], h[IKE_PRF_MAX];
  wire_store_be32(mid, msg_id);
  if (!k->block_len || last_p1->n != k->block_len ||
      !digest2(k->suite.hash, last_p1->b, last_p1->n, mid, 4, h))
    return false;
  memcpy(iv->b, h, k->block_len);
  iv->n = k->block_len;
  return true;
}

/* ---- bodies ---- */

size_t ikev1_padded_len(const Ikev1Keys *k, size_t len)
{
  size_t b = k->block_len ? k->block_len : 1;
  return (len + b - 1) / b * b;
}

static IkeCryptoStatus cbc(const Ikev1Keys *k, bool enc, Ikev1Iv *iv, const uint8_t *in,
                           size_t len, uint8_t *out)
{
  if (!k->block_len || !k->key_len)
    return IKE_CRYPTO_UNSUPPORTED;
  if (iv->n != k->block_len || len % k->block_len)
    return IKE_CRYPTO_BAD_LENGTH;
  if (len == 0)
    return IKE_CRYPTO_OK;
  const IkeSkDir d = {.suite = {.encr = ikev1_encr_to_ikev2(k->suite.encr),
                                .key_bits = k->suite.key_bits},
                      .ek = k->enc_key,
                      .ek_len = k->key_len};
  /* the next IV is the last cipher block: of the input when decrypting (read it before an
   * in-place decryption overwrites it), of the output when encrypting */
  uint8_t next[IKEV1_BLOCK_MAX];
  if (!enc)
    memcpy(next, in + len - k->block_len, k->block_len);
  IkeCryptoStatus st = enc ? ike_sk_encrypt(&d, iv->b, NULL, 0, in, len, out, NULL)
                           : ike_sk_decrypt(&d, iv->b, NULL, 0, in, len, NULL, out);
  if (st != IKE_CRYPTO_OK)
    return st;
  memcpy(iv->b, enc ? out + len - k->block_len : next, k->block_len);
  return IKE_CRYPTO_OK;
}

IkeCryptoStatus ikev1_encrypt(const Ikev1Keys *k, Ikev1Iv *iv, const uint8_t *in, size_t len,
                              uint8_t *out)
{
  return cbc(k, true, iv, in, len, out);
}

IkeCryptoStatus ikev1_decrypt(const Ikev1Keys *k, Ikev1Iv *iv, const uint8_t *in, size_t len,
                              uint8_t *out)
{
  return cbc(k, false, iv, in, len, out);
}

/* ---- hashes ---- */

bool ikev1_hash_phase1(const Ikev1Keys *k, bool initiator, const uint8_t *gxi, size_t gxi_len,
                       const uint8_t *gxr, size_t gxr_len, uint64_t icookie, uint64_t rcookie,
                       const uint8_t *sai_b, size_t sai_len, const uint8_t *id_b, size_t id_len,
                       uint8_t *out)
{
  uint8_t ci[8], cr[8];
  wire_store_be64(ci, icookie);
  wire_store_be64(cr, rcookie);
  /* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
   * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) */
  const Part p[] = {{initiator ? gxi : gxr, initiator ? gxi_len : gxr_len},
                    {initiator ? gxr : gxi, initiator ? gxr_len : gxi_len},
                    {initiator ? ci : cr, 8},
                    {initiator ? cr : ci, 8},
                    {sai_b, sai_len},
                    {id_b, id_len}};
  return k->prf_len && prf_parts(k, k->skeyid, p, G_N_ELEMENTS(p), out);
}

bool ikev1_hash_qm1(const Ikev1Keys *k, uint32_t msg_id, const uint8_t *rest, size_t rest_len,
                    uint8_t *out)
{
  uint8_t mid[4];
  wire_store_be32(mid, msg_id);
  /* HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ]) */
  const Part p[] = {{mid, 4}, {rest, rest_len}};
  return k->prf_len && prf_parts(k, k->skeyid_a, p, G_N_ELEMENTS(p), out);
}

bool ikev1_hash_qm2(const Ikev1Keys *k, uint32_t msg_id, const uint8_t *ni, size_t ni_len,
                    const uint8_t *rest, size_t rest_len, uint8_t *out)
{
  uint8_t mid[4];
  wire_store_be32(mid, msg_id);
  /* HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ]) */
  const Part p[] = {{mid, 4}, {ni, ni_len}, {rest, rest_len}};
  return k->prf_len && prf_parts(k, k->skeyid_a, p, G_N_ELEMENTS(p), out);
}

bool ikev1_hash_qm3(const Ikev1Keys *k, uint32_t msg_id, const uint8_t *ni, size_t ni_len,
                    const uint8_t *nr, size_t nr_len, uint8_t *out)
{
  static const uint8_t zero = 0;
  uint8_t mid[4];
  wire_store_be32(mid, msg_id);
  /* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) */
  const Part p[] = {{&zero, 1}, {mid, 4}, {ni, ni_len}, {nr, nr_len}};
  return k->prf_len && prf_parts(k, k->skeyid_a, p, G_N_ELEMENTS(p), out);
}

bool ikev1_keymat(const Ikev1Keys *k, const uint8_t *gqm, size_t gqm_len, uint8_t protocol,
                  uint32_t spi, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                  size_t nr_len, uint8_t *out, size_t out_len)
{
  if (!k->prf_len || out_len > 255 * k->prf_len)
    return false;
  uint8_t spi_b[4];
  wire_store_be32(spi_b, spi);
  uint8_t kn[IKE_PRF_MAX];
  size_t have = 0;
  bool ok = true;
  for (unsigned i = 0; ok && have < out_len; i++) {
    /* K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
     * Kn+1 = prf(SKEYID_d, Kn | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) */
    const Part p[] = {{kn, i ? k->prf_len : 0}, {gqm, gqm ? gqm_len : 0}, {&protocol, 1},
                      {spi_b, 4}, {ni, ni_len}, {nr, nr_len}};
    ok = prf_parts(k, k->skeyid_d, p, G_N_ELEMENTS(p), kn);
    size_t take = MIN(k->prf_len, out_len - have);
    if (ok)
      memcpy(out + have, kn, take);
    have += take;
  }
  ike_wipe(kn, sizeof kn);
  return ok;
}
