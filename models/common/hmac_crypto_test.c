/* SPDX-License-Identifier: MIT */
/* Tests of the HMAC-SHA-256 with kept pad states: RFC 4231 known answers (short key, short
 * key and data, a key longer than the block) and agreement with OpenSSL's one-shot HMAC over
 * key and message lengths around the block size, split into parts. */
#include "models/common/hmac_crypto.h"

#include <glib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

static void check_hex(const uint8_t *key, size_t klen, const uint8_t *data, size_t dlen,
                      const char *want)
{
  HmacSha256Key k;
  uint8_t out[HMAC_SHA256_LEN];
  hmac_sha256_key(&k, key, klen);
  hmac_sha256_parts(&k, &(HmacPart){data, dlen}, 1, out);
  hmac_sha256_key_clear(&k);
  char got[2 * HMAC_SHA256_LEN + 1];
  for (size_t i = 0; i < sizeof out; i++)
    g_snprintf(got + 2 * i, 3, "%02x", out[i]);
  g_assert_cmpstr(got, ==, want);
}

static void test_rfc4231(void)
{
  /* 4.2 Test Case 1: key 0x0b x 20, "Hi There" */
  uint8_t k1[20];
  memset(k1, 0x0b, sizeof k1);
  check_hex(k1, sizeof k1, (const uint8_t *)"Hi There", 8,
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  /* 4.3 Test Case 2: key "Jefe", "what do ya want for nothing?" */
  check_hex((const uint8_t *)"Jefe", 4, (const uint8_t *)"what do ya want for nothing?", 28,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  /* 4.7 Test Case 6: key 0xaa x 131 (hashed first), a 54-byte message */
  uint8_t k6[131];
  memset(k6, 0xaa, sizeof k6);
  const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  check_hex(k6, sizeof k6, (const uint8_t *)m6, strlen(m6),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_against_openssl(void)
{
  uint8_t key[200], msg[300];
  for (size_t i = 0; i < sizeof key; i++)
    key[i] = (uint8_t)(i * 7 + 1);
  for (size_t i = 0; i < sizeof msg; i++)
    msg[i] = (uint8_t)(i * 13 + 5);
  for (size_t kl = 0; kl <= 130; kl += 13) {
    HmacSha256Key k;
    hmac_sha256_key(&k, key, kl);
    for (size_t ml = 0; ml <= sizeof msg; ml += 17) {
      uint8_t want[32], got[32];
      unsigned wl = 0;
      g_assert_nonnull(HMAC(EVP_sha256(), key, (int)kl, msg, ml, want, &wl));
      /* the same key state serves many messages; the message comes in three parts */
      size_t a = ml / 3, b = ml / 2;
      hmac_sha256_parts(&k, (HmacPart[]){{msg, a}, {msg + a, b - a}, {msg + b, ml - b}}, 3, got);
      g_assert_cmpmem(got, sizeof got, want, wl);
    }
    hmac_sha256_key_clear(&k);
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/hmac_crypto/rfc4231", test_rfc4231);
  g_test_add_func("/hmac_crypto/against-openssl", test_against_openssl);
  return g_test_run();
}
