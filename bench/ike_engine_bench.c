/* SPDX-License-Identifier: MIT */
/* Complete IKE_SA_INIT + IKE_AUTH establishments per second between two in-process IKEv2
 * engines (PSK, first child SA installed on both sides) for DH groups 14, 19 and 20, next
 * to bare OpenSSL doing the same Diffie-Hellman work (a key pair and a derivation on each
 * side) in the same run, and the ratio: what the engine adds to the DH cost. */
#include "bench/bench_dh.h"
#include "bench/bench_util.h"
#include "models/ike/ike_loopback.h"
#include "models/ike/ikev2_sa.h"

#include <glib.h>
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

/* ---- bare OpenSSL: a key pair per side and a derivation per side (bench_dh.h) ---- */

static void bare_dh(uint16_t group)
{
  /* MODP with a 320-bit private value, as the engine draws it (RFC 3526 8) */
  bench_dh_exchange("ike_engine_bench", group == 14 ? "DH" : "EC",
                    group == 14 ? "modp_2048" : group == 19 ? "P-256" : "P-384",
                    group == 14 ? 320 : 0);
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
