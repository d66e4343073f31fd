/* SPDX-License-Identifier: MIT */
/* libFuzzer target over the IKEv1 engine: after a deterministic main mode and quick mode
 * between two engines, the input goes to the responder either as a raw datagram (on 500 or
 * 4500) or as the payload chain of a quick mode or informational message sealed with the
 * ISAKMP SA's real keys and IV behind a valid HASH(1), so that every handler past the
 * decryption and the hash is reached; the two engines then talk until quiet and the clock
 * runs through their timers. Nothing a peer sends may crash the engine. */
#include "models/ike/ike_loopback.h"
#include "models/ike/ikev1_sa.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ike_loop_pump's adapter to the engine's input */
static void rx(void *conn, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *d, size_t n)
{
  ikev1_conn_rx(conn, src, sport, dst, dport, d, n);
}

static void cfg_for(Ikev1Config *c, bool i)
{
  ikev1_config_defaults(c);
  c->name = i ? "A" : "B";
  c->local_addr = i ? ipv4_addr(192, 0, 2, 1) : ipv4_addr(198, 51, 100, 1);
  c->remote_addr = i ? ipv4_addr(198, 51, 100, 1) : ipv4_addr(192, 0, 2, 1);
  c->psk = (const uint8_t *)"fuzz-psk";
  c->psk_len = 8;
  c->p1[0] = (Ikev1P1ProposalCfg){IKEV1_ENCR_AES_CBC, 128, IKEV1_HASH_SHA, 2};
  c->n_p1 = 1;
  c->p2[0] = (Ikev1P2ProposalCfg){IKEV1_ESP_AES, 128, IKEV1_AUTH_ALG_HMAC_SHA, 0};
  c->n_p2 = 1;
  c->dpd_interval_s = 10;
  c->retrans_tries = 2;
  c->start = i ? IKE_START_INITIATE : IKE_START_RESPOND;
}

/* HDR* | HASH(1) | plain, sealed with A's view of the ISAKMP SA (RFC 2409 5.5, 5.7). */
static uint8_t *seal(Ikev1Conn *a, uint8_t exch, uint32_t mid, uint8_t next,
                     const uint8_t *plain, size_t plen, size_t *out_len)
{
  const Ikev1Keys *k = ikev1_conn_keys(a);
  Ikev1Iv p1, iv;
  uint64_t icky, rcky;
  if (!k || !ikev1_conn_phase1_iv(a, &p1) || !ikev1_iv_phase2(k, &p1, mid, &iv) ||
      !ikev1_conn_cookies(a, &icky, &rcky))
    return NULL;
  size_t hl = 4 + k->prf_len, body = ikev1_padded_len(k, hl + plen), n = 28 + body;
  if (n > 65535)
    return NULL;
  uint8_t *b = g_malloc0(n);
  wire_store_be64(b, icky);
  wire_store_be64(b + 8, rcky);
  b[16] = IKEV1_PL_HASH;
  b[17] = 0x10;
  b[18] = exch;
  b[19] = IKEV1_FLAG_ENCRYPTION;
  wire_store_be32(b + 20, mid);
  wire_store_be32(b + 24, (uint32_t)n);
  uint8_t *pt = b + 28;
  pt[0] = next;
  wire_store_be16(pt + 2, (uint16_t)hl);
  if (plen)
    memcpy(pt + hl, plain, plen);
  ikev1_hash_qm1(k, mid, plain, plen, pt + 4);
  ikev1_encrypt(k, &iv, pt, body, pt);
  *out_len = n;
  return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 6)
    return 0;
  IkeLoop net;
  ike_loop_init(&net, 1000000000000LL, 256);
  IkeLoopPeer *pa = &net.peer[0], *pb = &net.peer[1];
  Drbg *ra = drbg_new_stream(1, "fuzz/A"), *rb = drbg_new_stream(1, "fuzz/B");
  Ikev1Config ca, cb;
  cfg_for(&ca, true);
  cfg_for(&cb, false);
  IkeEnv ea = ike_loop_env(&net, 0, ra), eb = ike_loop_env(&net, 1, rb);
  Ikev1Conn *a = ikev1_conn_new(&ca, &ea), *b = ikev1_conn_new(&cb, &eb);
  ikev1_conn_start(a);
  ikev1_conn_start(b);
  ike_loop_pump(&net, rx, a, b, 64);
  Ipv4Addr ia = ipv4_addr(192, 0, 2, 1), ib = ipv4_addr(198, 51, 100, 1);
  uint8_t mode = data[0] % 4;
  const uint8_t *in = data + 6;
  size_t n = size - 6;
  if (mode == 0 || mode == 1) {
    uint16_t port = mode ? 4500 : 500;
    ikev1_conn_rx(b, ia, port, ib, port, in, n);
  } else {
    /* a sealed quick mode (new or the M-ID given) or informational message */
    uint8_t exch = mode == 2 ? IKEV1_EXCH_QUICK : IKEV1_EXCH_INFORMATIONAL;
    uint32_t mid = wire_load_be32(data + 2);
    size_t len = 0;
    uint8_t *m = seal(a, exch, mid ? mid : 1, data[1], in, n, &len);
    if (m)
      ikev1_conn_rx(b, ia, 500, ib, 500, m, len);
    g_free(m);
  }
  ike_loop_pump(&net, rx, a, b, 64);
  /* run the timers: retransmissions, DPD, rekeys, give-ups */
  for (int i = 0; i < 16; i++) {
    int64_t at = MIN(pa->timer, pb->timer);
    if (at == INT64_MAX)
      break;
    net.now = MAX(net.now, at);
    if (pa->timer <= net.now) {
      pa->timer = INT64_MAX;
      ikev1_conn_timeout(a);
    }
    if (pb->timer <= net.now) {
      pb->timer = INT64_MAX;
      ikev1_conn_timeout(b);
    }
    ike_loop_pump(&net, rx, a, b, 64);
  }
  ikev1_conn_free(a);
  ikev1_conn_free(b);
  ike_loop_clear(&net);
  drbg_free(ra);
  drbg_free(rb);
  return 0;
}
