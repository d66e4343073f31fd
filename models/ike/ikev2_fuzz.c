/* SPDX-License-Identifier: MIT */
/* libFuzzer target over the IKEv2 message decoder (with rules, printers and an encode/decode
 * idempotence check) and over SK/SKF decryption: the first input byte picks the mode; the
 * SK modes seal the fuzzer's bytes with fixed keys so that the padding check and the inner
 * payload decoder are reached behind a valid ICV. */
#include "models/ike/ike_crypto.h"
#include "models/ike/ikev2_print.h"
#include "models/ike/ikev2_rules.h"
#include "models/ike/ikev2_sk.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const IkeSuite fuzz_suites[] = {
    {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1, DH_MODP_1024},
    {ENCR_3DES, 0, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, DH_MODP_2048},
    {ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_384, DH_ECP_384},
};
static IkeKeys *fuzz_keys[G_N_ELEMENTS(fuzz_suites)];

static void init_keys(void)
{
  if (fuzz_keys[0])
    return;
  static const uint8_t n[16] = {1}, g[32] = {2};
  for (size_t i = 0; i < G_N_ELEMENTS(fuzz_suites); i++) {
    fuzz_keys[i] = ike_keys_new();
    if (!ike_keys_derive(fuzz_keys[i], &fuzz_suites[i], n, 16, n, 16, g, 32, 1, 2, NULL))
      abort();
  }
}

static void check_decoded(const Ikev2Message *m)
{
  Ikev2Diag d;
  ikev2_rules_check(m, &d);
  g_free(ikev2_print_line(m));
  g_free(ikev2_print_verbose(m));
  /* decode(encode(m)) succeeds and encodes to the same bytes */
  WireWriter a, b;
  wire_writer_init(&a);
  wire_writer_init(&b);
  if (!ikev2_message_encode(m, &a))
    abort();
  Ikev2Message *back = NULL;
  if (ikev2_message_decode(a.buf, a.len, &back, &d) != WIRE_OK) {
    /* payloads decrypted from SK may hold what only SK may end with: re-encode them as a
     * chain and decode that instead */
    WireWriter c;
    wire_writer_init(&c);
    if (!ikev2_payloads_encode(m->payloads, m->n_payloads, &c))
      abort();
    Ikev2Message *x = ikev2_message_new(0, 0, 0, 0, 0);
    if (m->n_payloads &&
        ikev2_payloads_decode(x, m->payloads[0].type, c.buf, c.len, &d) != WIRE_OK)
      abort();
    ikev2_message_free(x);
    wire_writer_clear(&c);
  } else {
    if (!ikev2_message_encode(back, &b) || a.len != b.len || memcmp(a.buf, b.buf, a.len))
      abort();
    ikev2_message_free(back);
  }
  wire_writer_clear(&a);
  wire_writer_clear(&b);
}

/* Seal 'plain' as the body of an SK (frag_total 0) or SKF payload with direction d. */
static uint8_t *seal(const IkeSkDir *d, uint8_t next, uint16_t num, uint16_t total,
                     const uint8_t *plain, size_t plen, uint8_t pad_byte, size_t *out_len)
{
  size_t blk = ike_encr_block_len(d->suite.encr), ivl = ike_encr_iv_len(d->suite.encr);
  size_t icvl = ike_suite_icv_len(&d->suite);
  size_t pad = (blk - (plen + 1) % blk) % blk;
  size_t elen = plen + pad + 1;
  size_t hdr = 28 + (total ? 8 : 4);
  size_t n = hdr + ivl + elen + icvl;
  if (n > 65535)
    return NULL;
  uint8_t *b = g_malloc0(n);
  wire_store_be64(b, 1);
  wire_store_be64(b + 8, 2);
  b[16] = total ? IKEV2_PL_SKF : IKEV2_PL_SK;
  b[17] = 0x20;
  b[18] = IKEV2_INFORMATIONAL;
  wire_store_be32(b + 20, 5);
  wire_store_be32(b + 24, (uint32_t)n);
  b[28] = next;
  wire_store_be16(b + 30, (uint16_t)(n - 28));
  if (total) {
    wire_store_be16(b + 32, num);
    wire_store_be16(b + 34, total);
  }
  uint8_t *pt = g_malloc0(elen);
  if (plen)
    memcpy(pt, plain, plen);
  /* let the fuzzer lie in the pad length too */
  pt[elen - 1] = pad_byte == 0xff ? (uint8_t)pad : pad_byte;
  ike_sk_encrypt(d, b + hdr, b, hdr, pt, elen, b + hdr + ivl, b + hdr + ivl + elen);
  if (!ike_encr_is_aead(d->suite.encr))
    ike_sk_icv(d, b, n - icvl, b + n - icvl);
  g_free(pt);
  *out_len = n;
  return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  uint8_t mode = data[0] % 4;
  data++;
  size--;
  Ikev2Diag d;
  Ikev2Message *m = NULL;
  init_keys();
  if (mode == 0) {
    /* a datagram as received */
    if (ikev2_message_decode(data, size, &m, &d) == WIRE_OK) {
      check_decoded(m);
      ikev2_message_free(m);
    }
    return 0;
  }
  if (size < 3)
    return 0;
  const IkeSkDir dir = ike_keys_dir(fuzz_keys[data[0] % G_N_ELEMENTS(fuzz_suites)], true);
  uint8_t next = data[1], pad_byte = data[2];
  data += 3;
  size -= 3;
  if (mode == 1) {
    /* a datagram as received, opened with fixed keys (reaches only the ICV check) */
    if (ikev2_sk_unprotect(data, size, &dir, &m, &d) == WIRE_OK) {
      check_decoded(m);
      ikev2_message_free(m);
    }
  } else if (mode == 2) {
    /* fuzzer bytes as an SK plaintext behind a valid ICV */
    size_t n;
    uint8_t *b = seal(&dir, next, 0, 0, data, size, pad_byte, &n);
    if (b && ikev2_sk_unprotect(b, n, &dir, &m, &d) == WIRE_OK) {
      check_decoded(m);
      ikev2_message_free(m);
    }
    g_free(b);
  } else {
    /* fuzzer bytes spread over up to 4 SKF fragments with fuzzed numbers and totals:
     * [num total len] ... */
    Ikev2FragSet *s = ikev2_frag_set_new();
    for (int i = 0; i < 4 && size >= 3; i++) {
      uint16_t num = data[0] % 6, total = data[1] % 6;
      size_t len = data[2] < size - 3 ? data[2] : size - 3;
      size_t n;
      uint8_t *b = seal(&dir, i == 0 ? next : 0, num, total ? total : 1, data + 3, len,
                        pad_byte, &n);
      if (b)
        ikev2_frag_set_add(s, b, n, &dir, &d);
      g_free(b);
      data += 3 + len;
      size -= 3 + len;
    }
    if (ikev2_frag_set_finish(s, &m, &d) == WIRE_OK) {
      check_decoded(m);
      ikev2_message_free(m);
    }
    ikev2_frag_set_free(s);
  }
  return 0;
}
