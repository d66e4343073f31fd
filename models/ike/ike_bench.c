/* SPDX-License-Identifier: MIT */
/* Benchmarks of the IKE crypto suite: one side of a Diffie-Hellman exchange (key pair from
 * the DRBG plus derive against a fixed peer value, with our RFC 6989 checks) per group,
 * and SK protect + unprotect of an IKE_AUTH-sized message per suite. */
#include "models/ike/ike_crypto.h"
#include "models/ike/ikev2_sk.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median over 5 batches of the per-iteration time in microseconds. */
#define MEDIAN_OF_5(iters, body)                                                            \
  ({                                                                                        \
    double t_[5];                                                                           \
    for (int r_ = 0; r_ < 5; r_++) {                                                        \
      gint64 s_ = g_get_monotonic_time();                                                   \
      for (int i_ = 0; i_ < (iters); i_++) {                                                \
        body;                                                                               \
      }                                                                                     \
      t_[r_] = (double)(g_get_monotonic_time() - s_) / (iters);                             \
    }                                                                                       \
    qsort(t_, 5, sizeof t_[0], cmp_double);                                                 \
    t_[2];                                                                                  \
  })

static void bench_dh(uint16_t group, const char *name, int iters)
{
  Drbg *rng = drbg_new_stream(1, "ike-bench/dh");
  IkeDh *peer = ike_dh_new(group, rng);
  size_t pn;
  const uint8_t *pp = ike_dh_public(peer, &pn);
  uint8_t out[IKE_DH_MAX];
  size_t on;
  double us = MEDIAN_OF_5(iters, {
    IkeDh *me = ike_dh_new(group, rng);
    if (ike_dh_derive(me, pp, pn, out, &on) != IKE_CRYPTO_OK)
      abort();
    ike_dh_free(me);
  });
  printf("BENCH ike.dh.%s.per_side %.1f us\n", name, us);
  ike_dh_free(peer);
  drbg_free(rng);
}

static void bench_sk(const IkeSuite *s, const char *name)
{
  Drbg *rng = drbg_new_stream(2, "ike-bench/sk");
  IkeKeys *k = ike_keys_new();
  uint8_t n[32] = {1}, g[64] = {2};
  if (!ike_keys_derive(k, s, n, 32, n, 32, g, 64, 1, 2, NULL))
    abort();
  IkeSkDir d = ike_keys_dir(k, true);
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 2, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_IDI);
  p->u.id.type = IKEV2_ID_IPV4_ADDR;
  ikev2_data_set(&p->u.id.data, "\xc0\x00\x02\x01", 4);
  p = ikev2_message_add(m, IKEV2_PL_AUTH);
  p->u.auth.method = IKEV2_AUTH_PSK;
  ikev2_data_set(&p->u.auth.data, g, 32);
  p = ikev2_message_add(m, IKEV2_PL_VENDOR);
  ikev2_data_set(&p->u.vendor, g, 64);
  double us = MEDIAN_OF_5(2000, {
    uint8_t *b;
    size_t bn;
    Ikev2Message *back = NULL;
    Ikev2Diag dg;
    if (!ikev2_sk_protect(m, &d, rng, &b, &bn) ||
        ikev2_sk_unprotect(b, bn, &d, &back, &dg) != WIRE_OK)
      abort();
    ikev2_message_free(back);
    g_free(b);
  });
  printf("BENCH ike.sk.%s.protect_unprotect %.2f us\n", name, us);
  ikev2_message_free(m);
  ike_keys_free(k);
  drbg_free(rng);
}

int main(void)
{
  bench_dh(DH_MODP_1024, "modp1024", 100);
  bench_dh(DH_MODP_2048, "modp2048", 30);
  bench_dh(DH_MODP_2048_256, "modp2048_256", 30);
  bench_dh(DH_ECP_256, "ecp256", 300);
  bench_dh(DH_ECP_384, "ecp384", 30);
  const IkeSuite cbc = {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, 0};
  const IkeSuite gcm = {ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_256, 0};
  const IkeSuite des = {ENCR_3DES, 0, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1, 0};
  bench_sk(&cbc, "aes256cbc_sha256");
  bench_sk(&gcm, "aes256gcm16");
  bench_sk(&des, "3des_sha1");
  return 0;
}
