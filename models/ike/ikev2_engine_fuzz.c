/* SPDX-License-Identifier: MIT */
/* libFuzzer target over the IKEv2 engine: after a deterministic establishment between two
 * engines, the input is delivered to the responder either as a raw datagram (on 500 or
 * 4500) or as the plaintext payload chain of a message sealed with the IKE SA's real keys,
 * as a request or as the response to a request the responder has outstanding, so that
 * every exchange handler is reached behind a valid ICV; the two engines then talk until
 * quiet. Nothing a peer sends may crash the engine. */
#include "models/ike/ike_loopback.h"
#include "models/ike/ikev2_sa_private.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ike_loop_pump's adapter to the engine's input */
static void rx(void *conn, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *d, size_t n)
{
  ikev2_conn_rx(conn, src, sport, dst, dport, d, n);
}

static void cfg_for(IkeConfig *c, bool i)
{
  ike_config_defaults(c);
  c->name = i ? "A" : "B";
  c->local_addr = i ? ipv4_addr(192, 0, 2, 1) : ipv4_addr(198, 51, 100, 1);
  c->remote_addr = i ? ipv4_addr(198, 51, 100, 1) : ipv4_addr(192, 0, 2, 1);
  c->psk = (const uint8_t *)"fuzz-psk";
  c->psk_len = 8;
  c->ike[0] = (IkeProposalCfg){.encr = ENCR_AES_CBC, .key_bits = 128, .integ = AUTH_HMAC_SHA2_256_128, .prf = PRF_HMAC_SHA2_256, .dh = DH_ECP_256};
  c->n_ike = 1;
  c->esp[0] = (ChildProposalCfg){.encr = ENCR_AES_GCM_16, .key_bits = 128, .integ = AUTH_NONE, .esn = false, .dh = 0};
  c->n_esp = 1;
  c->frag_threshold = 400;
  c->start = i ? IKE_START_INITIATE : IKE_START_RESPOND;
}

/* HDR | SK { plain } with the keys of 'sa' in the direction of the peer (A). */
static uint8_t *seal(IkeSa *sa, uint8_t exchange, uint8_t flags, uint32_t msg_id, uint8_t next,
                     const uint8_t *plain, size_t plen, size_t *out_len)
{
  IkeSkDir d = ike_keys_dir(sa->keys, true);
  size_t blk = ike_encr_block_len(d.suite.encr), ivl = ike_encr_iv_len(d.suite.encr);
  size_t icvl = ike_suite_icv_len(&d.suite);
  size_t pad = (blk - (plen + 1) % blk) % blk, elen = plen + pad + 1, hdr = 32;
  size_t n = hdr + ivl + elen + icvl;
  if (n > 65535)
    return NULL;
  uint8_t *b = g_malloc0(n);
  wire_store_be64(b, sa->spi_i);
  wire_store_be64(b + 8, sa->spi_r);
  b[16] = IKEV2_PL_SK;
  b[17] = 0x20;
  b[18] = exchange;
  b[19] = flags;
  wire_store_be32(b + 20, msg_id);
  wire_store_be32(b + 24, (uint32_t)n);
  b[28] = next;
  wire_store_be16(b + 30, (uint16_t)(n - 28));
  uint8_t *pt = g_malloc0(elen);
  if (plen)
    memcpy(pt, plain, plen);
  pt[elen - 1] = (uint8_t)pad;
  ike_sk_encrypt(&d, b + hdr, b, hdr, pt, elen, b + hdr + ivl, b + hdr + ivl + elen);
  ike_sk_icv(&d, b, n - icvl, b + n - icvl);
  g_free(pt);
  *out_len = n;
  return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 4)
    return 0;
  IkeLoop net;
  ike_loop_init(&net, 1000000000000LL, 0);
  Drbg *ra = drbg_new_stream(1, "fuzz/A"), *rb = drbg_new_stream(1, "fuzz/B");
  IkeConfig ca, cb;
  cfg_for(&ca, true);
  cfg_for(&cb, false);
  IkeEnv ea = ike_loop_env(&net, 0, ra), eb = ike_loop_env(&net, 1, rb);
  Ikev2Conn *a = ikev2_conn_new(&ca, &ea), *b = ikev2_conn_new(&cb, &eb);
  ikev2_conn_start(a);
  ike_loop_pump(&net, rx, a, b, 64);
  IkeSa *sa = b->current;
  if (!sa)
    abort(); /* the fixed establishment must work */
  uint8_t mode = data[0], exch = IKEV2_IKE_SA_INIT + data[1] % 4, next = data[2];
  data += 3, size -= 3;
  if (mode & 1) {
    uint16_t port = mode & 2 ? 4500 : 500;
    ikev2_conn_rx(b, ca.local_addr, port, cb.local_addr, port, data, size);
  } else {
    bool response = mode & 2;
    if (response)
      ikev2_conn_rekey_child(b, 0); /* B now waits for a CREATE_CHILD_SA response */
    if (response)
      ike_loop_clear(&net);
    if (response)
      exch = IKEV2_CREATE_CHILD_SA;
    uint8_t flags = IKEV2_FLAG_INITIATOR | (response ? IKEV2_FLAG_RESPONSE : 0);
    uint32_t id = response ? sa->msg_out : sa->msg_in;
    size_t n;
    uint8_t *m = seal(sa, exch, flags, id, next, data, size, &n);
    if (m)
      ikev2_conn_rx(b, ca.local_addr, 500, cb.local_addr, 500, m, n);
    g_free(m);
  }
  ike_loop_pump(&net, rx, a, b, 64);
  ikev2_conn_free(a);
  ikev2_conn_free(b);
  ike_loop_clear(&net);
  drbg_free(ra);
  drbg_free(rb);
  return 0;
}
