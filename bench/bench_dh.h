/* SPDX-License-Identifier: MIT */
/* The bare OpenSSL Diffie-Hellman work that IKE benchmarks set their figures against (header
 * only: each bench C file is its own program): per side a key pair in the group and a
 * derivation against the other side's public value, without the full peer validation of
 * EVP_PKEY_derive_set_peer (the engine runs the RFC 6989 checks only). */
#ifndef VPNSIM_BENCH_DH_H
#define VPNSIM_BENCH_DH_H

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A key pair of algorithm alg ("DH", "EC") in the named group; priv_bits > 0 sets a MODP
 * group's private value length. who names the program in the message if it fails. */
static inline EVP_PKEY *bench_dh_keygen(const char *who, const char *alg, const char *group,
                                        int priv_bits)
{
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
  EVP_PKEY *k = NULL;
  OSSL_PARAM p[3] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0),
                     OSSL_PARAM_END, OSSL_PARAM_END};
  if (priv_bits > 0)
    p[1] = OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &priv_bits);
  if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_CTX_set_params(ctx, p) <= 0 ||
      EVP_PKEY_generate(ctx, &k) <= 0) {
    fprintf(stderr, "%s: DH keygen failed\n", who);
    exit(1);
  }
  EVP_PKEY_CTX_free(ctx);
  return k;
}

/* The shared secret of mine and peer's public value. */
static inline void bench_dh_derive(const char *who, EVP_PKEY *mine, EVP_PKEY *peer)
{
  uint8_t out[512];
  size_t n = sizeof out;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(mine, NULL);
  if (!ctx || EVP_PKEY_derive_init(ctx) <= 0 || EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) <= 0 ||
      EVP_PKEY_derive(ctx, out, &n) <= 0) {
    fprintf(stderr, "%s: DH derive failed\n", who);
    exit(1);
  }
  EVP_PKEY_CTX_free(ctx);
}

/* One exchange, both sides: two key pairs, two derivations. */
static inline void bench_dh_exchange(const char *who, const char *alg, const char *group,
                                     int priv_bits)
{
  EVP_PKEY *a = bench_dh_keygen(who, alg, group, priv_bits);
  EVP_PKEY *b = bench_dh_keygen(who, alg, group, priv_bits);
  bench_dh_derive(who, a, b);
  bench_dh_derive(who, b, a);
  EVP_PKEY_free(a);
  EVP_PKEY_free(b);
}

#endif
