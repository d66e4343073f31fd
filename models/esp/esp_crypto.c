/* SPDX-License-Identifier: MIT */
/* ESP transform table and per-SA OpenSSL cipher/HMAC contexts (RFC 2405, 2410, 2451,
 * 3602, 4106, 2403, 2404, 4868). */
#include "models/esp/esp_crypto.h"

#include "models/common/wire.h"

#include <glib.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <string.h>

/* The rows. Labels are the exact strings of Wireshark's esp_sa UAT (checked against
 * tshark 4.0 by esp_tshark_test). */
static const EspEncrInfo encr_rows[] = {
    {.id = ENCR_NULL, .key_bits = 0, .name = "NULL", .block = 1, .ws_label = "NULL"},
    /* RFC 2405: 8-octet key (parity bits ignored), 8-octet IV, 8-octet block */
    {.id = ENCR_DES, .key_bits = 64, .name = "DES-CBC", .key_len = 8, .iv_len = 8, .block = 8,
     .ws_label = "DES-CBC [RFC2405]"},
    /* RFC 2451: 24-octet key, 8-octet IV */
    {.id = ENCR_3DES, .key_bits = 192, .name = "3DES-CBC", .key_len = 24, .iv_len = 8,
     .block = 8, .ws_label = "TripleDES-CBC [RFC2451]"},
    /* RFC 3602: 16-octet IV and block */
    {.id = ENCR_AES_CBC, .key_bits = 128, .name = "AES-CBC-128", .key_len = 16, .iv_len = 16,
     .block = 16, .ws_label = "AES-CBC [RFC3602]"},
    {.id = ENCR_AES_CBC, .key_bits = 192, .name = "AES-CBC-192", .key_len = 24, .iv_len = 16,
     .block = 16, .ws_label = "AES-CBC [RFC3602]"},
    {.id = ENCR_AES_CBC, .key_bits = 256, .name = "AES-CBC-256", .key_len = 32, .iv_len = 16,
     .block = 16, .ws_label = "AES-CBC [RFC3602]"},
    /* RFC 4106: 4-octet salt, 8-octet explicit IV, no padding block (CTR), ICV 8/12/16 */
#define GCM_ROW(icv, bits)                                                                  \
  {.id = ENCR_AES_GCM_##icv, .key_bits = bits, .name = "AES-GCM-" #icv "-" #bits,           \
   .key_len = bits / 8, .salt_len = 4, .iv_len = 8, .block = 1, .aead_icv_len = icv,        \
   .ws_label = "AES-GCM with " #icv " octet ICV [RFC4106]"}
    GCM_ROW(16, 128), GCM_ROW(16, 192), GCM_ROW(16, 256),
    GCM_ROW(12, 128), GCM_ROW(12, 192), GCM_ROW(12, 256),
    GCM_ROW(8, 128),  GCM_ROW(8, 192),  GCM_ROW(8, 256),
#undef GCM_ROW
};

static const EspIntegInfo integ_rows[] = {
    {.id = AUTH_NONE, .name = "NONE", .ws_label = "NULL"},
    {.id = AUTH_HMAC_MD5_96, .name = "HMAC-MD5-96", .key_len = 16, .icv_len = 12,
     .ws_label = "HMAC-MD5-96 [RFC2403]"},
    {.id = AUTH_HMAC_SHA1_96, .name = "HMAC-SHA1-96", .key_len = 20, .icv_len = 12,
     .ws_label = "HMAC-SHA-1-96 [RFC2404]"},
    {.id = AUTH_HMAC_SHA2_256_128, .name = "HMAC-SHA2-256-128", .key_len = 32, .icv_len = 16,
     .ws_label = "HMAC-SHA-256-128 [RFC4868]"},
};

const EspEncrInfo *esp_encr_info(IkeEncrId id, unsigned key_bits)
{
  for (size_t k = 0; k < G_N_ELEMENTS(encr_rows); k++) {
    const EspEncrInfo *e = &encr_rows[k];
    bool fixed = id == ENCR_NULL || id == ENCR_DES || id == ENCR_3DES;
    if (e->id == id && (fixed || e->key_bits == key_bits))
      return e;
  }
  return NULL;
}

const EspIntegInfo *esp_integ_info(IkeIntegId id)
{
  for (size_t k = 0; k < G_N_ELEMENTS(integ_rows); k++)
    if (integ_rows[k].id == id)
      return &integ_rows[k];
  return NULL;
}

const EspEncrInfo *esp_encr_all(size_t *n)
{
  *n = G_N_ELEMENTS(encr_rows);
  return encr_rows;
}

const EspIntegInfo *esp_integ_all(size_t *n)
{
  *n = G_N_ELEMENTS(integ_rows);
  return integ_rows;
}

/* ---- OpenSSL state ---- */

/* Ciphers fetched once per process (never per packet or per SA). Single DES lives only
 * in the legacy provider of OpenSSL 3; it is loaded into a private library context so
 * that the process-wide default context (used by IKE) is left as it is. */
typedef struct {
  OSSL_LIB_CTX *legacy_ctx;
  EVP_CIPHER *des_cbc, *des3_cbc, *aes_cbc[3], *aes_gcm[3], *aes_ecb128;
  EVP_MAC *hmac;
} Algos;

static Algos algos;

static gpointer algos_load(gpointer unused)
{
  static const char *cbc[] = {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"};
  static const char *gcm[] = {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"};
  algos.legacy_ctx = OSSL_LIB_CTX_new();
  if (algos.legacy_ctx && OSSL_PROVIDER_load(algos.legacy_ctx, "legacy"))
    algos.des_cbc = EVP_CIPHER_fetch(algos.legacy_ctx, "DES-CBC", NULL);
  algos.des3_cbc = EVP_CIPHER_fetch(NULL, "DES-EDE3-CBC", NULL);
  for (int k = 0; k < 3; k++) {
    algos.aes_cbc[k] = EVP_CIPHER_fetch(NULL, cbc[k], NULL);
    algos.aes_gcm[k] = EVP_CIPHER_fetch(NULL, gcm[k], NULL);
  }
  algos.aes_ecb128 = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
  algos.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  return NULL;
}

static const Algos *algos_get(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, algos_load, NULL);
  return &algos;
}

static EVP_CIPHER *cipher_for(const EspEncrInfo *e)
{
  const Algos *a = algos_get();
  int k = e->key_bits == 128 ? 0 : e->key_bits == 192 ? 1 : 2;
  switch ((int)e->id) {
  case ENCR_DES: return a->des_cbc;
  case ENCR_3DES: return a->des3_cbc;
  case ENCR_AES_CBC: return a->aes_cbc[k];
  case ENCR_AES_GCM_8:
  case ENCR_AES_GCM_12:
  case ENCR_AES_GCM_16: return a->aes_gcm[k];
  default: return NULL;
  }
}

static const char *digest_for(const EspIntegInfo *i)
{
  switch ((int)i->id) {
  case AUTH_HMAC_MD5_96: return "MD5";
  case AUTH_HMAC_SHA1_96: return "SHA1";
  case AUTH_HMAC_SHA2_256_128: return "SHA2-256";
  default: return NULL;
  }
}

struct EspCrypto {
  const EspEncrInfo *e;
  const EspIntegInfo *i;
  bool encrypt;
  EVP_CIPHER_CTX *cipher; /* keyed once; per packet only the IV changes */
  EVP_CIPHER_CTX *ivgen;  /* CBC: AES-128-ECB keyed by the IV seed */
  EVP_MAC_CTX *mac;       /* keyed once; re-initialised per packet without the key */
  uint8_t salt[4];        /* GCM */
};

void esp_crypto_free(EspCrypto *c)
{
  if (!c)
    return;
  EVP_CIPHER_CTX_free(c->cipher); /* OpenSSL cleanses the key schedules it frees */
  EVP_CIPHER_CTX_free(c->ivgen);
  EVP_MAC_CTX_free(c->mac);
  OPENSSL_cleanse(c->salt, sizeof c->salt);
  g_free(c);
}

EspCrypto *esp_crypto_new(const EspEncrInfo *e, const EspIntegInfo *i, const uint8_t *enc_key,
                          size_t enc_key_len, const uint8_t *integ_key, size_t integ_key_len,
                          bool encrypt, const uint8_t iv_seed[16], const char **why)
{
  const char *dummy;
  if (!why)
    why = &dummy;
  *why = NULL;
  g_return_val_if_fail(e && i, NULL);
  if (e->aead_icv_len && i->id != AUTH_NONE) {
    /* RFC 4106 / RFC 7296 3.3: combined modes carry no separate integrity transform */
    *why = "a combined-mode cipher takes no integrity algorithm";
    return NULL;
  }
  if (e->id == ENCR_NULL && i->id == AUTH_NONE) {
    /* RFC 4303 3.2: "...the integrity and encryption algorithms cannot both be NULL" */
    *why = "NULL encryption needs an integrity algorithm";
    return NULL;
  }
  if (enc_key_len != e->key_len + e->salt_len) {
    *why = "encryption key length does not fit the cipher";
    return NULL;
  }
  if (integ_key_len != i->key_len) {
    *why = "integrity key length does not fit the algorithm";
    return NULL;
  }
  EspCrypto *c = g_new0(EspCrypto, 1);
  c->e = e;
  c->i = i;
  c->encrypt = encrypt;
  if (e->id != ENCR_NULL) {
    EVP_CIPHER *ciph = cipher_for(e);
    c->cipher = EVP_CIPHER_CTX_new();
    if (!ciph || !c->cipher ||
        !EVP_CipherInit_ex2(c->cipher, ciph, enc_key, NULL, encrypt ? 1 : 0, NULL))
      goto crypto_fail;
    if (e->aead_icv_len) {
      memcpy(c->salt, enc_key + e->key_len, 4);
      /* RFC 4106 4: nonce = salt (4) || explicit IV (8) = 12 octets, GCM's default */
      if (!EVP_CIPHER_CTX_ctrl(c->cipher, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL))
        goto crypto_fail;
    } else {
      /* ESP does its own padding (RFC 4303 2.4) */
      EVP_CIPHER_CTX_set_padding(c->cipher, 0);
      if (encrypt) {
        c->ivgen = EVP_CIPHER_CTX_new();
        if (!c->ivgen || !EVP_EncryptInit_ex2(c->ivgen, algos_get()->aes_ecb128, iv_seed, NULL,
                                              NULL))
          goto crypto_fail;
        EVP_CIPHER_CTX_set_padding(c->ivgen, 0);
      }
    }
  }
  if (i->id != AUTH_NONE) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest_for(i), 0),
        OSSL_PARAM_construct_end()};
    c->mac = EVP_MAC_CTX_new(algos_get()->hmac);
    if (!c->mac || !EVP_MAC_init(c->mac, integ_key, integ_key_len, params))
      goto crypto_fail;
  }
  return c;
crypto_fail:
  *why = "the crypto library refused the cipher or key";
  esp_crypto_free(c);
  return NULL;
}

size_t esp_crypto_icv_len(const EspCrypto *c) { return c->e->aead_icv_len + c->i->icv_len; }

size_t esp_crypto_tail_len(const EspCrypto *c, size_t n)
{
  return esp_pad_len(n, c->e->block) + ESP_TRAILER_LEN + esp_crypto_icv_len(c);
}

/* RFC 4303 2.8: the ICV covers SPI, Sequence Number, IV, Payload, Padding, Pad Length
 * and Next Header, i.e. everything before it; the truncated HMAC is its leftmost octets
 * (RFC 2404 2, RFC 4868 2.3). */
static bool hmac_icv(EspCrypto *c, const uint8_t *p, size_t n, uint8_t *icv)
{
  uint8_t full[EVP_MAX_MD_SIZE];
  size_t outl = 0;
  if (!EVP_MAC_init(c->mac, NULL, 0, NULL) || !EVP_MAC_update(c->mac, p, n) ||
      !EVP_MAC_final(c->mac, full, &outl, sizeof full) || outl < c->i->icv_len)
    return false;
  memcpy(icv, full, c->i->icv_len);
  OPENSSL_cleanse(full, sizeof full);
  return true;
}

static bool cipher_run(EVP_CIPHER_CTX *ctx, const uint8_t *in, size_t n, uint8_t *out)
{
  int outl = 0, fl = 0;
  if (n > INT_MAX)
    return false;
  if (!EVP_CipherUpdate(ctx, out, &outl, in, (int)n))
    return false;
  return EVP_CipherFinal_ex(ctx, out + outl, &fl) && (size_t)(outl + fl) == n;
}

EspStatus esp_crypto_seal(EspCrypto *c, uint8_t *pkt, size_t pt_len, uint64_t counter,
                          const uint8_t *iv)
{
  g_return_val_if_fail(c->encrypt, ESP_ERR_CRYPTO);
  const EspEncrInfo *e = c->e;
  uint8_t *ivp = pkt + ESP_HEADER_LEN;
  uint8_t *pt = ivp + e->iv_len;
  if (pt_len % (e->block > 4 ? e->block : 4) != 0 || pt_len > INT_MAX)
    return ESP_ERR_MALFORMED;
  if (e->aead_icv_len) {
    /* RFC 4106 3.1: the explicit IV must not repeat under a key: the counter does not */
    if (iv)
      memcpy(ivp, iv, 8);
    else
      wire_store_be64(ivp, counter);
    uint8_t nonce[12];
    memcpy(nonce, c->salt, 4);
    memcpy(nonce + 4, ivp, 8);
    int outl = 0, fl = 0;
    /* RFC 4106 5: AAD = SPI || 32-bit Sequence Number (no ESN) */
    bool ok = EVP_EncryptInit_ex2(c->cipher, NULL, NULL, nonce, NULL) &&
              EVP_EncryptUpdate(c->cipher, NULL, &outl, pkt, ESP_HEADER_LEN) &&
              EVP_EncryptUpdate(c->cipher, pt, &outl, pt, (int)pt_len) &&
              EVP_EncryptFinal_ex(c->cipher, pt + outl, &fl) &&
              EVP_CIPHER_CTX_ctrl(c->cipher, EVP_CTRL_AEAD_GET_TAG, (int)e->aead_icv_len,
                                  pt + pt_len);
    return ok ? ESP_OK : ESP_ERR_CRYPTO;
  }
  if (e->iv_len) {
    if (iv) {
      memcpy(ivp, iv, e->iv_len);
    } else {
      /* RFC 3602 3: the CBC IV "MUST be chosen at random" and be unpredictable: it is
       * AES-128 under a per-SA secret key of the packet counter, which an observer
       * cannot predict, at the cost of one block instead of a DRBG call per packet. */
      uint8_t ctr[16] = {0}, blk[16];
      wire_store_be64(ctr + 8, counter);
      if (!cipher_run(c->ivgen, ctr, 16, blk))
        return ESP_ERR_CRYPTO;
      memcpy(ivp, blk, e->iv_len);
    }
    if (!EVP_CipherInit_ex2(c->cipher, NULL, NULL, ivp, 1, NULL) ||
        !cipher_run(c->cipher, pt, pt_len, pt))
      return ESP_ERR_CRYPTO;
  }
  if (c->mac && !hmac_icv(c, pkt, ESP_HEADER_LEN + e->iv_len + pt_len, pt + pt_len))
    return ESP_ERR_CRYPTO;
  return ESP_OK;
}

EspStatus esp_crypto_verify(EspCrypto *c, const uint8_t *pkt, const EspLayout *l)
{
  if (!c->mac)
    return ESP_OK;
  uint8_t icv[EVP_MAX_MD_SIZE];
  if (!hmac_icv(c, pkt, (size_t)(l->icv - pkt), icv))
    return ESP_ERR_CRYPTO;
  /* constant time: the comparison must not leak how many octets matched */
  return CRYPTO_memcmp(icv, l->icv, c->i->icv_len) == 0 ? ESP_OK : ESP_ERR_ICV;
}

EspStatus esp_crypto_decrypt(EspCrypto *c, const uint8_t *pkt, const EspLayout *l, uint8_t *pt)
{
  g_return_val_if_fail(!c->encrypt, ESP_ERR_CRYPTO);
  const EspEncrInfo *e = c->e;
  if (l->ct_len > INT_MAX)
    return ESP_ERR_MALFORMED;
  if (e->aead_icv_len) {
    uint8_t nonce[12];
    memcpy(nonce, c->salt, 4);
    memcpy(nonce + 4, l->iv, 8);
    int outl = 0, fl = 0;
    if (!EVP_DecryptInit_ex2(c->cipher, NULL, NULL, nonce, NULL) ||
        !EVP_DecryptUpdate(c->cipher, NULL, &outl, pkt, ESP_HEADER_LEN) ||
        !EVP_DecryptUpdate(c->cipher, pt, &outl, l->ct, (int)l->ct_len) ||
        !EVP_CIPHER_CTX_ctrl(c->cipher, EVP_CTRL_AEAD_SET_TAG, (int)l->icv_len,
                             (void *)l->icv))
      return ESP_ERR_CRYPTO;
    if (EVP_DecryptFinal_ex(c->cipher, pt + outl, &fl) <= 0) {
      OPENSSL_cleanse(pt, l->ct_len); /* never hand out unauthenticated plaintext */
      return ESP_ERR_ICV;
    }
    return ESP_OK;
  }
  if (e->id == ENCR_NULL) {
    memmove(pt, l->ct, l->ct_len);
    return ESP_OK;
  }
  if (!EVP_CipherInit_ex2(c->cipher, NULL, NULL, l->iv, 0, NULL) ||
      !cipher_run(c->cipher, l->ct, l->ct_len, pt))
    return ESP_ERR_CRYPTO;
  return ESP_OK;
}

void esp_wipe(void *p, size_t n)
{
  OPENSSL_cleanse(p, n);
}
