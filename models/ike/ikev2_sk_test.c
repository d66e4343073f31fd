/* SPDX-License-Identifier: MIT */
/* Tests of SK protection for every cipher/integrity pair, tampering and truncation of
 * protected messages, SKF fragmentation and reassembly (in order, out of order, duplicate,
 * missing, mismatched), the per-exchange rules table and the printers. */
#include "models/ike/ikev2_print.h"
#include "models/ike/ikev2_rules.h"
#include "models/ike/ikev2_sk.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

static const IkeSuite suites[] = {
    {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1, DH_MODP_1024},
    {ENCR_AES_CBC, 192, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, DH_MODP_2048},
    {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384, DH_ECP_384},
    {ENCR_AES_CBC, 256, AUTH_HMAC_MD5_96, PRF_HMAC_MD5, DH_MODP_768},
    {ENCR_3DES, 0, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1, DH_MODP_1024},
    {ENCR_3DES, 0, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, DH_MODP_2048},
    {ENCR_DES, 0, AUTH_HMAC_MD5_96, PRF_HMAC_MD5, DH_MODP_768},
    {ENCR_DES, 0, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384, DH_MODP_2048_256},
    {ENCR_AES_GCM_16, 128, AUTH_NONE, PRF_HMAC_SHA2_256, DH_ECP_256},
    {ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_384, DH_MODP_2048_256},
};

static IkeKeys *keys_for(const IkeSuite *s)
{
  IkeKeys *k = ike_keys_new();
  uint8_t ni[32], nr[32], gir[64];
  memset(ni, 1, sizeof ni);
  memset(nr, 2, sizeof nr);
  memset(gir, 3, sizeof gir);
  g_assert_true(ike_keys_derive(k, s, ni, 32, nr, 32, gir, 64, 0xa1, 0xb2, NULL));
  return k;
}

static Ikev2Message *auth_request(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 0xa1, 0xb2, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_IDI);
  p->u.id.type = IKEV2_ID_IPV4_ADDR;
  ikev2_data_set(&p->u.id.data, "\xc0\x00\x02\x01", 4);
  p = ikev2_message_add(m, IKEV2_PL_AUTH);
  p->u.auth.method = IKEV2_AUTH_PSK;
  ikev2_data_set(&p->u.auth.data, "0123456789abcdef0123456789abcdef", 32);
  p = ikev2_message_add(m, IKEV2_PL_SA);
  Ikev2Proposal *pr = ikev2_sa_add_proposal(&p->u.sa, IKEV2_PROTO_ESP);
  pr->spi_size = 4;
  memcpy(pr->spi, "\xc0\x01\x02\x03", 4);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, ENCR_AES_GCM_16, 256);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ESN, ESN_NO, 0);
  p = ikev2_message_add(m, IKEV2_PL_TSI);
  Ikev2TrafficSelector *s = ikev2_ts_add(&p->u.ts);
  s->type = IKEV2_TS_IPV4_ADDR_RANGE;
  s->end_port = 65535;
  s->range = (Ipv4Range){ipv4_addr(10, 1, 0, 0), ipv4_addr(10, 1, 255, 255)};
  p = ikev2_message_add(m, IKEV2_PL_TSR);
  s = ikev2_ts_add(&p->u.ts);
  s->type = IKEV2_TS_IPV4_ADDR_RANGE;
  s->end_port = 65535;
  s->range = (Ipv4Range){ipv4_addr(10, 2, 0, 0), ipv4_addr(10, 2, 255, 255)};
  p = ikev2_message_add(m, IKEV2_PL_NOTIFY);
  p->u.notify.type = IKEV2_N_INITIAL_CONTACT;
  return m;
}

static void assert_same_payloads(const Ikev2Message *a, const Ikev2Message *b)
{
  g_assert_cmpuint(a->n_payloads, ==, b->n_payloads);
  WireWriter x, y;
  wire_writer_init(&x);
  wire_writer_init(&y);
  g_assert_true(ikev2_payloads_encode(a->payloads, a->n_payloads, &x));
  g_assert_true(ikev2_payloads_encode(b->payloads, b->n_payloads, &y));
  g_assert_cmpmem(x.buf, x.len, y.buf, y.len);
  wire_writer_clear(&x);
  wire_writer_clear(&y);
}

/* Every cipher the issue names with every integrity algorithm, and AES-GCM alone. */
static GArray *all_pairs(void)
{
  static const struct {
    uint16_t encr, bits;
  } encr[] = {{ENCR_AES_CBC, 128}, {ENCR_AES_CBC, 192}, {ENCR_AES_CBC, 256}, {ENCR_3DES, 0},
              {ENCR_DES, 0}};
  static const uint16_t integ[] = {AUTH_HMAC_MD5_96, AUTH_HMAC_SHA1_96, AUTH_HMAC_SHA2_256_128,
                                   AUTH_HMAC_SHA2_384_192};
  static const uint16_t prf[] = {PRF_HMAC_MD5, PRF_HMAC_SHA1, PRF_HMAC_SHA2_256,
                                 PRF_HMAC_SHA2_384};
  GArray *a = g_array_new(FALSE, FALSE, sizeof(IkeSuite));
  for (size_t e = 0; e < G_N_ELEMENTS(encr); e++)
    for (size_t i = 0; i < G_N_ELEMENTS(integ); i++) {
      IkeSuite s = {encr[e].encr, encr[e].bits, integ[i], prf[i], DH_MODP_1024};
      g_array_append_val(a, s);
    }
  static const uint16_t gcm_bits[] = {128, 192, 256};
  for (size_t g = 0; g < G_N_ELEMENTS(gcm_bits); g++) {
    IkeSuite s = {ENCR_AES_GCM_16, gcm_bits[g], AUTH_NONE, PRF_HMAC_SHA2_256, DH_ECP_256};
    g_array_append_val(a, s);
  }
  return a;
}

static void test_protect_every_suite(void)
{
  Drbg *rng = drbg_new_stream(3, "sk-test");
  g_autoptr(GArray) pairs = all_pairs();
  g_assert_cmpuint(pairs->len, ==, 23);
  for (size_t i = 0; i < pairs->len; i++) {
    const IkeSuite *su = &g_array_index(pairs, IkeSuite, i);
    g_assert_true(ike_suite_valid(su));
    char b1[NAME_BUFSZ], b2[NAME_BUFSZ];
    g_test_message("%s/%u + %s", name_fmt(&ike_encr_names, su->encr, b1), su->key_bits,
                   name_fmt(&ike_integ_names, su->integ, b2));
    g_autoptr(IkeKeys) k = keys_for(su);
    IkeSkDir tx = ike_keys_dir(k, true), rx_wrong = ike_keys_dir(k, false);
    g_autoptr(Ikev2Message) m = auth_request();
    uint8_t *b;
    size_t n;
    g_assert_true(ikev2_sk_protect(m, &tx, rng, &b, &n));
    /* the inner bytes are not in the clear */
    g_assert_null(memmem(b, n, "0123456789abcdef", 16));
    Ikev2Diag d;
    g_autoptr(Ikev2Message) back = NULL;
    g_assert_cmpint(ikev2_sk_unprotect(b, n, &tx, &back, &d), ==, WIRE_OK);
    assert_same_payloads(m, back);
    g_assert_true(back->payloads[0].encrypted);
    g_assert_cmpint(ikev2_rules_check(back, &d), ==, IKEV2_ACT_ACCEPT);
    /* the other direction's keys do not open it */
    Ikev2Message *none = NULL;
    g_assert_cmpint(ikev2_sk_unprotect(b, n, &rx_wrong, &none, &d), ==, WIRE_MALFORMED);
    g_assert_cmpstr(d.diag.field, ==, "integrity checksum");
    g_assert_cmpint(d.action, ==, IKEV2_ACT_DROP);
    /* a bit flipped anywhere (header, SK header, IV, ciphertext, ICV) is caught by the ICV
     * or the codec, never opened */
    for (size_t off = 0; off < n; off++) {
      b[off] ^= 0x04;
      WireStatus s = ikev2_sk_unprotect(b, n, &tx, &none, &d);
      g_assert_cmpint(s, !=, WIRE_OK);
      g_assert_null(none);
      b[off] ^= 0x04;
    }
    /* every truncation fails; with the length patched to match, too */
    for (size_t cut = 0; cut < n; cut++) {
      g_autofree uint8_t *t = g_memdup2(b, n);
      g_assert_cmpint(ikev2_sk_unprotect(t, cut, &tx, &none, &d), !=, WIRE_OK);
      if (cut >= IKEV2_HDR_LEN) {
        wire_store_be32(t + 24, (uint32_t)cut);
        g_assert_cmpint(ikev2_sk_unprotect(t, cut, &tx, &none, &d), !=, WIRE_OK);
        g_assert_true(d.action == IKEV2_ACT_DROP || d.action == IKEV2_ACT_INVALID_SYNTAX);
      }
    }
    g_free(b);
  }
  drbg_free(rng);
}

/* A valid ICV over inner payloads that do not parse: the sender's syntax error, answered
 * with INVALID_SYNTAX rather than dropped. */
static void test_inner_syntax(void)
{
  const IkeSuite *su = &suites[1];
  g_autoptr(IkeKeys) k = keys_for(su);
  IkeSkDir tx = ike_keys_dir(k, true);
  Drbg *rng = drbg_new_stream(4, "sk-test");
  g_autoptr(Ikev2Message) m = ikev2_message_new(IKEV2_INFORMATIONAL, 0, 0xa1, 0xb2, 7);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_NONCE);
  ikev2_data_set(&p->u.nonce, "short", 5); /* RFC 7296 3.9: at least 16 */
  uint8_t *b;
  size_t n;
  g_assert_true(ikev2_sk_protect(m, &tx, rng, &b, &n));
  Ikev2Message *out = NULL;
  Ikev2Diag d;
  g_assert_cmpint(ikev2_sk_unprotect(b, n, &tx, &out, &d), ==, WIRE_MALFORMED);
  g_assert_cmpstr(d.diag.field, ==, "nonce length");
  g_assert_cmpint(d.action, ==, IKEV2_ACT_INVALID_SYNTAX);
  g_free(b);
  /* an unknown critical payload inside SK */
  g_autoptr(Ikev2Message) c = ikev2_message_new(IKEV2_INFORMATIONAL, 0, 0xa1, 0xb2, 8);
  p = ikev2_message_add(c, 99);
  p->critical = true;
  ikev2_data_set(&p->u.unknown, "x", 1);
  g_assert_true(ikev2_sk_protect(c, &tx, rng, &b, &n));
  g_assert_cmpint(ikev2_sk_unprotect(b, n, &tx, &out, &d), ==, WIRE_UNSUPPORTED);
  g_assert_cmpint(d.action, ==, IKEV2_ACT_UNSUPPORTED_CRITICAL_PAYLOAD);
  g_assert_cmpuint(d.critical_type, ==, 99);
  g_free(b);
  /* an empty INFORMATIONAL (a liveness check) opens to no payloads */
  g_autoptr(Ikev2Message) e = ikev2_message_new(IKEV2_INFORMATIONAL, 0, 0xa1, 0xb2, 9);
  g_assert_true(ikev2_sk_protect(e, &tx, rng, &b, &n));
  g_autoptr(Ikev2Message) eb = NULL;
  g_assert_cmpint(ikev2_sk_unprotect(b, n, &tx, &eb, &d), ==, WIRE_OK);
  g_assert_cmpuint(eb->n_payloads, ==, 0);
  g_free(b);
  drbg_free(rng);
}

/* A big message (a certificate) split into fragments of at most 300 octets. */
static Ikev2Message *big_message(void)
{
  Ikev2Message *m = auth_request();
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_CERT);
  p->u.cert.encoding = IKEV2_CERT_X509_SIGNATURE;
  uint8_t cert[1000];
  for (unsigned i = 0; i < sizeof cert; i++)
    cert[i] = (uint8_t)(i * 31);
  ikev2_data_set(&p->u.cert.data, cert, sizeof cert);
  return m;
}

static GPtrArray *fragments(const IkeSkDir *tx, Drbg *rng)
{
  g_autoptr(Ikev2Message) m = big_message();
  GPtrArray *f = ikev2_sk_protect_fragments(m, tx, rng, 300);
  g_assert_nonnull(f);
  for (guint i = 0; i < f->len; i++)
    g_assert_cmpuint(g_bytes_get_size(f->pdata[i]), <=, 300);
  return f;
}

static WireStatus add(Ikev2FragSet *s, GPtrArray *f, guint i, const IkeSkDir *d, Ikev2Diag *dg)
{
  size_t n;
  const uint8_t *p = g_bytes_get_data(f->pdata[i], &n);
  return ikev2_frag_set_add(s, p, n, d, dg);
}

static void test_fragments(void)
{
  Drbg *rng = drbg_new_stream(5, "sk-test/frag");
  for (size_t si = 0; si < G_N_ELEMENTS(suites); si++) {
    g_autoptr(IkeKeys) k = keys_for(&suites[si]);
    IkeSkDir tx = ike_keys_dir(k, true);
    g_autoptr(GPtrArray) f = fragments(&tx, rng);
    g_assert_cmpuint(f->len, >=, 4);
    g_autoptr(Ikev2Message) ref = big_message();
    Ikev2Diag d;

    /* in reverse order, with a duplicate: reassembles to the original payloads */
    g_autoptr(Ikev2FragSet) s = ikev2_frag_set_new();
    for (guint i = f->len; i-- > 0;) {
      g_assert_false(ikev2_frag_set_complete(s));
      g_assert_cmpint(add(s, f, i, &tx, &d), ==, WIRE_OK);
      if (i == f->len - 1)
        g_assert_cmpint(add(s, f, i, &tx, &d), ==, WIRE_OK); /* duplicate, ignored */
    }
    g_assert_true(ikev2_frag_set_complete(s));
    g_autoptr(Ikev2Message) m = NULL;
    g_assert_cmpint(ikev2_frag_set_finish(s, &m, &d), ==, WIRE_OK);
    assert_same_payloads(ref, m);
    g_assert_cmpuint(m->hdr.msg_id, ==, 1);
    g_assert_cmpint(ikev2_rules_check(m, &d), ==, IKEV2_ACT_ACCEPT);

    /* one missing: not complete, finish says which count is short */
    g_autoptr(Ikev2FragSet) s2 = ikev2_frag_set_new();
    for (guint i = 0; i < f->len; i++)
      if (i != 2)
        g_assert_cmpint(add(s2, f, i, &tx, &d), ==, WIRE_OK);
    Ikev2Message *none = NULL;
    g_assert_cmpint(ikev2_frag_set_finish(s2, &none, &d), ==, WIRE_TRUNCATED);
    g_assert_cmpstr(d.diag.field, ==, "fragment");
    g_assert_cmpuint(d.diag.seen, ==, f->len - 1);
    g_assert_cmpuint(d.diag.bound, ==, f->len);
    g_assert_cmpint(d.action, ==, IKEV2_ACT_DROP);
    g_assert_null(none);

    /* a fragment with a bad ICV is dropped; the set still completes with the good one */
    size_t n;
    const uint8_t *good = g_bytes_get_data(f->pdata[2], &n);
    g_autofree uint8_t *bad = g_memdup2(good, n);
    bad[n - 1] ^= 1;
    g_assert_cmpint(ikev2_frag_set_add(s2, bad, n, &tx, &d), ==, WIRE_MALFORMED);
    g_assert_cmpstr(d.diag.field, ==, "integrity checksum");
    g_assert_cmpint(d.action, ==, IKEV2_ACT_DROP);
    g_assert_false(ikev2_frag_set_complete(s2));
    g_assert_cmpint(add(s2, f, 2, &tx, &d), ==, WIRE_OK);
    g_assert_true(ikev2_frag_set_complete(s2));
  }
  drbg_free(rng);
}

static void test_fragment_mismatch(void)
{
  Drbg *rng = drbg_new_stream(6, "sk-test/frag");
  g_autoptr(IkeKeys) k = keys_for(&suites[2]);
  IkeSkDir tx = ike_keys_dir(k, true);
  g_autoptr(GPtrArray) f = fragments(&tx, rng);
  /* the same message cut in a different number of fragments */
  g_autoptr(Ikev2Message) m = big_message();
  g_autoptr(GPtrArray) g = ikev2_sk_protect_fragments(m, &tx, rng, 600);
  g_assert_cmpuint(g->len, !=, f->len);
  /* another message ID */
  m->hdr.msg_id = 2;
  g_autoptr(GPtrArray) h = ikev2_sk_protect_fragments(m, &tx, rng, 300);
  Ikev2Diag d;
  g_autoptr(Ikev2FragSet) s = ikev2_frag_set_new();
  g_assert_cmpint(add(s, f, 0, &tx, &d), ==, WIRE_OK);
  g_assert_cmpint(add(s, g, 1, &tx, &d), ==, WIRE_MALFORMED);
  g_assert_cmpstr(d.diag.field, ==, "total fragments");
  g_assert_cmpint(d.action, ==, IKEV2_ACT_DROP);
  g_assert_cmpint(add(s, h, 1, &tx, &d), ==, WIRE_MALFORMED);
  g_assert_cmpstr(d.diag.field, ==, "message id");
  /* a plain SK message is not a fragment */
  uint8_t *b;
  size_t n;
  g_assert_true(ikev2_sk_protect(m, &tx, rng, &b, &n));
  g_assert_cmpint(ikev2_frag_set_add(s, b, n, &tx, &d), ==, WIRE_MALFORMED);
  g_assert_cmpstr(d.diag.field, ==, "encrypted fragment payload");
  g_free(b);
  /* no room for data */
  g_assert_null(ikev2_sk_protect_fragments(m, &tx, rng, 60));
  /* truncation sweep over a fragment */
  const uint8_t *fp = g_bytes_get_data(f->pdata[1], &n);
  for (size_t cut = 0; cut < n; cut++) {
    g_autofree uint8_t *t = g_memdup2(fp, n);
    if (cut >= IKEV2_HDR_LEN)
      wire_store_be32(t + 24, (uint32_t)cut);
    g_autoptr(Ikev2FragSet) x = ikev2_frag_set_new();
    g_assert_cmpint(ikev2_frag_set_add(x, t, cut, &tx, &d), !=, WIRE_OK);
    g_assert_false(ikev2_frag_set_complete(x));
  }
  drbg_free(rng);
}

/* ---- rules ---- */

static Ikev2Message *sa_init(bool response)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_SA_INIT,
                                      response ? IKEV2_FLAG_RESPONSE : IKEV2_FLAG_INITIATOR, 1,
                                      response ? 2 : 0, 0);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_SA);
  Ikev2Proposal *pr = ikev2_sa_add_proposal(&p->u.sa, IKEV2_PROTO_IKE);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, ENCR_AES_CBC, 256);
  p = ikev2_message_add(m, IKEV2_PL_KE);
  p->u.ke.group = DH_ECP_256;
  ikev2_data_set(&p->u.ke.data, "k", 1);
  p = ikev2_message_add(m, IKEV2_PL_NONCE);
  ikev2_data_set(&p->u.nonce, "0123456789abcdef", 16);
  p = ikev2_message_add(m, IKEV2_PL_NOTIFY);
  p->u.notify.type = IKEV2_N_NAT_DETECTION_SOURCE_IP;
  return m;
}

static void test_rules(void)
{
  Ikev2Diag d;
  g_autoptr(Ikev2Message) ok = sa_init(false);
  g_assert_cmpint(ikev2_rules_check(ok, &d), ==, IKEV2_ACT_ACCEPT);

  /* missing KE */
  g_autoptr(Ikev2Message) nok = sa_init(false);
  ikev2_payload_clear(&nok->payloads[1]);
  nok->payloads[1].type = IKEV2_PL_VENDOR;
  g_assert_cmpint(ikev2_rules_check(nok, &d), ==, IKEV2_ACT_INVALID_SYNTAX);
  g_assert_cmpstr(d.diag.field, ==, "KE");
  g_assert_cmpuint(d.diag.seen, ==, 0);
  g_assert_cmpuint(d.diag.bound, ==, 1);

  /* two nonces */
  g_autoptr(Ikev2Message) two = sa_init(false);
  Ikev2Payload *p = ikev2_message_add(two, IKEV2_PL_NONCE);
  ikev2_data_set(&p->u.nonce, "0123456789abcdef", 16);
  g_assert_cmpint(ikev2_rules_check(two, &d), ==, IKEV2_ACT_INVALID_SYNTAX);
  g_assert_cmpstr(d.diag.field, ==, "Nonce");
  g_assert_cmpuint(d.diag.seen, ==, 2);

  /* an AUTH in IKE_SA_INIT is not allowed there */
  g_autoptr(Ikev2Message) au = sa_init(false);
  p = ikev2_message_add(au, IKEV2_PL_AUTH);
  g_assert_cmpint(ikev2_rules_check(au, &d), ==, IKEV2_ACT_INVALID_SYNTAX);
  g_assert_cmpstr(d.diag.field, ==, "AUTH");

  /* an unknown non-critical payload is ignored */
  g_autoptr(Ikev2Message) un = sa_init(true);
  ikev2_message_add(un, 77);
  g_assert_cmpint(ikev2_rules_check(un, &d), ==, IKEV2_ACT_ACCEPT);

  /* an error response (INVALID_KE_PAYLOAD) carries only the notify */
  g_autoptr(Ikev2Message) er = ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_RESPONSE, 1, 0, 0);
  p = ikev2_message_add(er, IKEV2_PL_NOTIFY);
  p->u.notify.type = IKEV2_N_INVALID_KE_PAYLOAD;
  ikev2_data_set(&p->u.notify.data, "\x00\x13", 2);
  g_assert_cmpint(ikev2_rules_check(er, &d), ==, IKEV2_ACT_ACCEPT);
  /* and a COOKIE response too */
  er->payloads[0].u.notify.type = IKEV2_N_COOKIE;
  g_assert_cmpint(ikev2_rules_check(er, &d), ==, IKEV2_ACT_ACCEPT);
  /* but a status notify alone is not enough */
  er->payloads[0].u.notify.type = IKEV2_N_NAT_DETECTION_SOURCE_IP;
  g_assert_cmpint(ikev2_rules_check(er, &d), ==, IKEV2_ACT_INVALID_SYNTAX);

  /* an error notify in a request waives nothing: a CREATE_CHILD_SA request carrying only
   * N(NO_PROPOSAL_CHOSEN) lacks its SA and Nonce (the engine fuzz finding of issue 24) */
  g_autoptr(Ikev2Message) rq = ikev2_message_new(IKEV2_CREATE_CHILD_SA, IKEV2_FLAG_INITIATOR,
                                                 1, 2, 3);
  p = ikev2_message_add(rq, IKEV2_PL_NOTIFY);
  p->u.notify.type = IKEV2_N_NO_PROPOSAL_CHOSEN;
  p->encrypted = true;
  g_assert_cmpint(ikev2_rules_check(rq, &d), ==, IKEV2_ACT_INVALID_SYNTAX);
  g_assert_cmpstr(d.diag.field, ==, "SA");
  /* the same notify alone as the response is the refusal itself */
  rq->hdr.flags = IKEV2_FLAG_RESPONSE;
  g_assert_cmpint(ikev2_rules_check(rq, &d), ==, IKEV2_ACT_ACCEPT);
  /* and an IKE_AUTH request with an error notify still needs its IDi */
  g_autoptr(Ikev2Message) aq = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 2, 1);
  p = ikev2_message_add(aq, IKEV2_PL_NOTIFY);
  p->u.notify.type = IKEV2_N_AUTHENTICATION_FAILED;
  p->encrypted = true;
  g_assert_cmpint(ikev2_rules_check(aq, &d), ==, IKEV2_ACT_INVALID_SYNTAX);
  g_assert_cmpstr(d.diag.field, ==, "IDi");

  /* IKE_AUTH payloads outside SK: dropped */
  g_autoptr(Ikev2Message) clear = auth_request();
  g_assert_cmpint(ikev2_rules_check(clear, &d), ==, IKEV2_ACT_DROP);
  g_assert_cmpstr(d.diag.field, ==, "IDi");
  for (size_t i = 0; i < clear->n_payloads; i++)
    clear->payloads[i].encrypted = true;
  g_assert_cmpint(ikev2_rules_check(clear, &d), ==, IKEV2_ACT_ACCEPT);
  /* SA without TSr */
  ikev2_payload_clear(&clear->payloads[4]);
  clear->payloads[4].type = IKEV2_PL_VENDOR;
  clear->payloads[4].encrypted = true;
  g_assert_cmpint(ikev2_rules_check(clear, &d), ==, IKEV2_ACT_INVALID_SYNTAX);
  g_assert_cmpstr(d.diag.field, ==, "SA/TSi/TSr");

  /* an unknown exchange type */
  g_autoptr(Ikev2Message) x = ikev2_message_new(99, 0, 1, 2, 0);
  g_assert_cmpint(ikev2_rules_check(x, &d), ==, IKEV2_ACT_DROP);
  g_assert_cmpstr(d.diag.field, ==, "exchange type");

  /* every table exists and names only known payloads */
  for (uint8_t ex = IKEV2_IKE_SA_INIT; ex <= IKEV2_INFORMATIONAL; ex++)
    for (int r = 0; r < 2; r++) {
      size_t n;
      const Ikev2Rule *rows = ikev2_rules_for(ex, r, &n);
      g_assert_nonnull(rows);
      for (size_t i = 0; i < n; i++) {
        g_assert_nonnull(name_get(&ikev2_payload_names, rows[i].payload));
        g_assert_cmpuint(rows[i].min, <=, rows[i].max);
        g_assert_cmpuint(rows[i].encrypted, ==, ex != IKEV2_IKE_SA_INIT);
      }
    }
}

/* ---- printers ---- */

static void test_print(void)
{
  g_autoptr(Ikev2Message) m = auth_request();
  g_autofree char *line = ikev2_print_line(m);
  g_assert_cmpstr(line, ==, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr N(INIT_CONTACT)]");
  g_autoptr(Ikev2Message) r = sa_init(true);
  Ikev2Payload *p = ikev2_message_add(r, 77);
  (void)p;
  p = ikev2_message_add(r, IKEV2_PL_NOTIFY);
  p->u.notify.type = 40000;
  g_autofree char *l2 = ikev2_print_line(r);
  g_assert_cmpstr(l2, ==, "IKE_SA_INIT response #0 [SA KE No N(NATD_S_IP) <77> N(<40000>)]");
  g_autofree char *v = ikev2_print_verbose(m);
  g_assert_nonnull(strstr(v, "IKE_AUTH request #1\n"));
  g_assert_nonnull(strstr(v, "  IDi: ID_IPV4_ADDR 192.0.2.1\n"));
  g_assert_nonnull(strstr(v, "proposal 1 ESP spi c0010203: ENCR=ENCR_AES_GCM_16/256"));
  g_assert_nonnull(strstr(v, "10.1.0.0-10.1.255.255 proto 0 ports 0-65535"));
  g_assert_nonnull(strstr(v, "  AUTH: Shared Key Message Integrity Code, 32 octets\n"));
  g_assert_nonnull(strstr(v, "  Notify: INITIAL_CONTACT\n"));
  /* never the AUTH bytes themselves */
  g_assert_null(strstr(v, "0123456789abcdef"));
  g_assert_null(strstr(v, "3031323334"));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev2_sk/protect_every_suite", test_protect_every_suite);
  g_test_add_func("/ikev2_sk/inner_syntax", test_inner_syntax);
  g_test_add_func("/ikev2_sk/fragments", test_fragments);
  g_test_add_func("/ikev2_sk/fragment_mismatch", test_fragment_mismatch);
  g_test_add_func("/ikev2_sk/rules", test_rules);
  g_test_add_func("/ikev2_sk/print", test_print);
  return g_test_run();
}
