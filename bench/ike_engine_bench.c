/* SPDX-License-Identifier: MIT */
/* Complete IKE_SA_INIT + IKE_AUTH establishments per second between two in-process IKEv2
 * engines (PSK, first child SA installed on both sides) for DH groups 14, 19 and 20, next
 * to bare OpenSSL doing the same Diffie-Hellman work (a key pair and a derivation on each
 * side) in the same run, and the ratio: what the engine adds to the DH cost. */
#include "bench/bench_util.h"
#include "models/ike/ike_loopback.h"
#include "models/ike/ikev2_sa.h"

#include <glib.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ike_loop_pump's adapter to the engine's input */
static void rx(void *conn, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *d, size_t n)
{
  ikev2_conn_rx(conn, src, sport, dst, dport, d, n);
}

static void cfg_for(IkeConfig *c, bool initiator, uint16_t group)
{
  ike_config_defaults(c);
  c->name = initiator ? "A" : "B";
  c->local_addr = initiator ? ipv4_addr(192, 0, 2, 1) : ipv4_addr(198, 51, 100, 1);
  c->remote_addr = initiator ? ipv4_addr(198, 51, 100, 1) : ipv4_addr(192, 0, 2, 1);
  c->psk = (const uint8_t *)"bench-psk";
  c->psk_len = 9;
  c->ike[0] = (IkeProposalCfg){.encr = ENCR_AES_GCM_16, .key_bits = 256, .integ = AUTH_NONE, .prf = PRF_HMAC_SHA2_256, .dh = group};
  c->n_ike = 1;
  c->esp[0] = (ChildProposalCfg){.encr = ENCR_AES_GCM_16, .key_bits = 256, .integ = AUTH_NONE, .esn = false, .dh = 0};
  c->n_esp = 1;
  c->start = initiator ? IKE_START_INITIATE : IKE_START_RESPOND;
}

/* One establishment between fresh engines; aborts if it does not complete. */
static void establish(uint16_t group, Drbg *ra, Drbg *rb)
{
  IkeLoop net;
  ike_loop_init(&net, 0, 0);
  IkeConfig ca, cb;
  cfg_for(&ca, true, group);
  cfg_for(&cb, false, group);
  IkeEnv ea = ike_loop_env(&net, 0, ra), eb = ike_loop_env(&net, 1, rb);
  Ikev2Conn *a = ikev2_conn_new(&ca, &ea), *b = ikev2_conn_new(&cb, &eb);
  ikev2_conn_start(a);
  ike_loop_pump(&net, rx, a, b, 0);
  if (ikev2_conn_state(a) != IKE_SA_ESTABLISHED || ikev2_conn_state(b) != IKE_SA_ESTABLISHED ||
      net.peer[0].installs != 1 || net.peer[1].installs != 1) {
    fprintf(stderr, "ike_engine_bench: establishment failed\n");
    exit(1);
  }
  ikev2_conn_free(a);
  ikev2_conn_free(b);
}

/* ---- bare OpenSSL: a key pair per side and a derivation per side ---- */

static EVP_PKEY *keygen(uint16_t group)
{
  const char *alg = group == 14 ? "DH" : "EC";
  const char *name = group == 14 ? "modp_2048" : group == 19 ? "P-256" : "P-384";
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
  EVP_PKEY *k = NULL;
  /* MODP with a 320-bit private value, as the engine draws it (RFC 3526 8) */
  int priv = 320;
  OSSL_PARAM p[3] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)name, 0),
                     OSSL_PARAM_END, OSSL_PARAM_END};
  if (group == 14)
    p[1] = OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &priv);
  if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_CTX_set_params(ctx, p) <= 0 ||
      EVP_PKEY_generate(ctx, &k) <= 0) {
    fprintf(stderr, "ike_engine_bench: keygen failed\n");
    exit(1);
  }
  EVP_PKEY_CTX_free(ctx);
  return k;
}

static void derive(EVP_PKEY *mine, EVP_PKEY *peer)
{
  uint8_t out[512];
  size_t n = sizeof out;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(mine, NULL);
  /* no full peer validation: the engine runs the RFC 6989 checks only */
  if (!ctx || EVP_PKEY_derive_init(ctx) <= 0 || EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) <= 0 ||
      EVP_PKEY_derive(ctx, out, &n) <= 0) {
    fprintf(stderr, "ike_engine_bench: derive failed\n");
    exit(1);
  }
  EVP_PKEY_CTX_free(ctx);
}

static void bare_dh(uint16_t group)
{
  EVP_PKEY *a = keygen(group), *b = keygen(group);
  derive(a, b);
  derive(b, a);
  EVP_PKEY_free(a);
  EVP_PKEY_free(b);
}

/* Median over 5 interleaved rounds of microseconds per iteration, for both. */
static void bench(uint16_t group, int iters)
{
  double te[5], td[5];
  Drbg *ra = drbg_new_stream(1, "bench/A"), *rb = drbg_new_stream(1, "bench/B");
  establish(group, ra, rb); /* warm up */
  bare_dh(group);
  for (int r = 0; r < 5; r++) {
    gint64 s = g_get_monotonic_time();
    for (int i = 0; i < iters; i++)
      establish(group, ra, rb);
    te[r] = (double)(g_get_monotonic_time() - s) / iters;
    s = g_get_monotonic_time();
    for (int i = 0; i < iters; i++)
      bare_dh(group);
    td[r] = (double)(g_get_monotonic_time() - s) / iters;
  }
  qsort(te, 5, sizeof te[0], bench_cmp_double);
  qsort(td, 5, sizeof td[0], bench_cmp_double);
  printf("BENCH ike.engine.g%u.establishments %.1f /s\n", group, 1e6 / te[2]);
  printf("BENCH ike.engine.g%u.bare_openssl_dh %.1f /s\n", group, 1e6 / td[2]);
  /* throughput ratio, ours / reference: 0.8 means the engine adds 25% to the DH cost */
  printf("BENCH ike.engine.g%u.ratio %.3f x\n", group, td[2] / te[2]);
  drbg_free(ra);
  drbg_free(rb);
}

/* "ike_engine_bench 19" runs one group alone, for profilers. */
int main(int argc, char **argv)
{
  int only = argc > 1 ? atoi(argv[1]) : 0;
  if (!only || only == 14)
    bench(14, 40);
  if (!only || only == 19)
    bench(19, 400);
  if (!only || only == 20)
    bench(20, 60);
  return 0;
}
