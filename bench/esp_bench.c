/* SPDX-License-Identifier: MIT */
/* ESP encapsulate + decapsulate of 1400-octet inner packets per second through our SA
 * code, next to bare OpenSSL EVP doing the same cryptography on the same buffers in the
 * same run: AES-256-GCM-16 and AES-256-CBC + HMAC-SHA2-256-128. */
#include "models/esp/esp_sa.h"

#include <glib.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#define INNER 1400

static uint8_t inner[INNER], pkt[2048], back[2048];
static const uint8_t KEY[64] = "bench-key-bench-key-bench-key-bench-key-bench-key-bench-key-1234";

static void die(const char *what)
{
  fprintf(stderr, "esp_bench: %s\n", what);
  exit(3);
}

static double ours(IkeEncrId encr, IkeIntegId integ, size_t ekl, size_t akl, int n)
{
  EspSaConfig cfg = {.spi = 0x1234, .encr = encr, .encr_key_bits = 256, .integ = integ,
                     .encr_key = KEY, .encr_key_len = ekl, .integ_key = KEY + 8,
                     .integ_key_len = akl};
  cfg.dir = ESP_DIR_OUT;
  EspSa *o = esp_sa_new(&cfg, NULL);
  cfg.dir = ESP_DIR_IN;
  EspSa *i = esp_sa_new(&cfg, NULL);
  if (!o || !i)
    die("SA");
  int64_t t0 = g_get_monotonic_time();
  for (int k = 0; k < n; k++) {
    size_t len, blen;
    if (esp_sa_encapsulate(o, inner, INNER, pkt, sizeof pkt, &len) != ESP_OK ||
        esp_sa_decapsulate(i, NULL, pkt, len, back, sizeof back, &blen, NULL, NULL) != ESP_OK ||
        blen != INNER)
      die("our round trip failed");
  }
  int64_t t1 = g_get_monotonic_time();
  if (memcmp(back, inner, INNER) != 0)
    die("our round trip corrupted data");
  esp_sa_free(o);
  esp_sa_free(i);
  return n / ((t1 - t0) / 1e6);
}

/* Bare EVP, AES-256-GCM: the same 8-octet header, 8-octet IV, 1404 octets of plaintext
 * (inner + 2 padding... as ESP lays it out) and 16-octet tag, in place, pre-keyed
 * contexts, then decrypt and verify into a second buffer. */
static double evp_gcm(int n)
{
  EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
  EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new(), *d = EVP_CIPHER_CTX_new();
  if (!EVP_EncryptInit_ex2(e, c, KEY, NULL, NULL) || !EVP_DecryptInit_ex2(d, c, KEY, NULL, NULL))
    die("evp init");
  const size_t pt = INNER + 4; /* payload + 2 padding + pad length + next header */
  uint8_t nonce[12] = {1, 2, 3, 4};
  int64_t t0 = g_get_monotonic_time();
  for (int k = 0; k < n; k++) {
    int ol;
    memcpy(pkt + 16, inner, INNER);
    memcpy(nonce + 4, &k, sizeof k);
    memcpy(pkt + 8, nonce + 4, 8);
    if (!EVP_EncryptInit_ex2(e, NULL, NULL, nonce, NULL) ||
        !EVP_EncryptUpdate(e, NULL, &ol, pkt, 8) ||
        !EVP_EncryptUpdate(e, pkt + 16, &ol, pkt + 16, (int)pt) ||
        !EVP_EncryptFinal_ex(e, pkt + 16 + pt, &ol) ||
        !EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_AEAD_GET_TAG, 16, pkt + 16 + pt))
      die("evp enc");
    if (!EVP_DecryptInit_ex2(d, NULL, NULL, nonce, NULL) ||
        !EVP_DecryptUpdate(d, NULL, &ol, pkt, 8) ||
        !EVP_DecryptUpdate(d, back, &ol, pkt + 16, (int)pt) ||
        !EVP_CIPHER_CTX_ctrl(d, EVP_CTRL_AEAD_SET_TAG, 16, pkt + 16 + pt) ||
        EVP_DecryptFinal_ex(d, back + ol, &ol) <= 0)
      die("evp dec");
  }
  int64_t t1 = g_get_monotonic_time();
  if (memcmp(back, inner, INNER) != 0)
    die("evp gcm corrupted data");
  EVP_CIPHER_CTX_free(e);
  EVP_CIPHER_CTX_free(d);
  EVP_CIPHER_free(c);
  return n / ((t1 - t0) / 1e6);
}

static void hmac(EVP_MAC_CTX *m, const uint8_t *p, size_t n, uint8_t *out)
{
  uint8_t full[32];
  size_t ol;
  if (!EVP_MAC_init(m, NULL, 0, NULL) || !EVP_MAC_update(m, p, n) ||
      !EVP_MAC_final(m, full, &ol, sizeof full))
    die("evp hmac");
  memcpy(out, full, 16);
}

/* Bare EVP, AES-256-CBC + HMAC-SHA-256-128: 1408 octets of ciphertext (1400 + 6 padding
 * + 2), ICV over header + IV + ciphertext, then verify and decrypt. The IV is a plain
 * counter (our code pays one more AES block to make it unpredictable). */
static double evp_cbc(int n)
{
  EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
  EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new(), *d = EVP_CIPHER_CTX_new();
  EVP_MAC_CTX *me = EVP_MAC_CTX_new(mac), *md = EVP_MAC_CTX_new(mac);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA2-256", 0),
                         OSSL_PARAM_construct_end()};
  if (!EVP_EncryptInit_ex2(e, c, KEY, NULL, NULL) || !EVP_DecryptInit_ex2(d, c, KEY, NULL, NULL) ||
      !EVP_MAC_init(me, KEY + 8, 32, params) || !EVP_MAC_init(md, KEY + 8, 32, params))
    die("evp init");
  EVP_CIPHER_CTX_set_padding(e, 0);
  EVP_CIPHER_CTX_set_padding(d, 0);
  const size_t pt = 1408;
  int64_t t0 = g_get_monotonic_time();
  for (int k = 0; k < n; k++) {
    int ol;
    memcpy(pkt + 24, inner, INNER);
    memset(pkt + 8, 0, 16);
    memcpy(pkt + 8, &k, sizeof k);
    if (!EVP_EncryptInit_ex2(e, NULL, NULL, pkt + 8, NULL) ||
        !EVP_EncryptUpdate(e, pkt + 24, &ol, pkt + 24, (int)pt) ||
        !EVP_EncryptFinal_ex(e, pkt + 24 + ol, &ol))
      die("evp enc");
    hmac(me, pkt, 24 + pt, pkt + 24 + pt);
    uint8_t icv[16];
    hmac(md, pkt, 24 + pt, icv);
    if (CRYPTO_memcmp(icv, pkt + 24 + pt, 16) != 0)
      die("evp icv");
    if (!EVP_DecryptInit_ex2(d, NULL, NULL, pkt + 8, NULL) ||
        !EVP_DecryptUpdate(d, back, &ol, pkt + 24, (int)pt) ||
        !EVP_DecryptFinal_ex(d, back + ol, &ol))
      die("evp dec");
  }
  int64_t t1 = g_get_monotonic_time();
  if (memcmp(back, inner, INNER) != 0)
    die("evp cbc corrupted data");
  EVP_CIPHER_CTX_free(e);
  EVP_CIPHER_CTX_free(d);
  EVP_MAC_CTX_free(me);
  EVP_MAC_CTX_free(md);
  EVP_MAC_free(mac);
  EVP_CIPHER_free(c);
  return n / ((t1 - t0) / 1e6);
}

static void report(const char *name, double a, double b)
{
  printf("BENCH %s.vpnsim %.0f pkt/s\n", name, a);
  printf("BENCH %s.evp %.0f pkt/s\n", name, b);
  printf("BENCH %s.ratio %.3f x\n", name, a / b);
}

int main(void)
{
  memset(inner, 0, 20);
  inner[0] = 0x45;
  inner[2] = INNER >> 8;
  inner[3] = INNER & 0xff;
  inner[8] = 64;
  inner[9] = 17;
  for (int k = 20; k < INNER; k++)
    inner[k] = (uint8_t)k;
  /* rounds alternate the two sides; the best round of each is reported (noisy VM) */
  double og = 0, eg = 0, oc = 0, ec = 0;
  for (int r = 0; r < 3; r++) {
    og = MAX(og, ours(ENCR_AES_GCM_16, AUTH_NONE, 36, 0, 150000));
    eg = MAX(eg, evp_gcm(150000));
    oc = MAX(oc, ours(ENCR_AES_CBC, AUTH_HMAC_SHA2_256_128, 32, 32, 50000));
    ec = MAX(ec, evp_cbc(50000));
  }
  report("esp.rt1400.aes256gcm16", og, eg);
  report("esp.rt1400.aes256cbc_hmacsha256", oc, ec);
  return 0;
}
