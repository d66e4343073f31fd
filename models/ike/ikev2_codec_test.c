/* SPDX-License-Identifier: MIT */
/* Tests of the IKEv2 codec: a hand-assembled IKE_SA_INIT request commented per field, round
 * trips of every payload, truncation sweeps and a table of malformed inputs with the
 * expected status, field and protocol action. */
#include "models/ike/ikev2_codec.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

/* An IKE_SA_INIT request assembled by hand from the RFC 7296 section 3 diagrams.
 * Offsets (decimal) are used by the malformed table below. */
static const char *const kat_sa_init =
    /*   0 header (3.1) */
    "0102030405060708"          /* initiator SPI */
    "0000000000000000"          /* responder SPI */
    "21"                        /* 16 next payload: SA (33) */
    "20"                        /* 17 version 2.0 */
    "22"                        /* 18 exchange: IKE_SA_INIT (34) */
    "08"                        /* 19 flags: Initiator */
    "00000000"                  /* 20 message ID 0 */
    "0000008c"                  /* 24 length 140 */
    /*  28 SA payload (3.3) */
    "22 00 0030"                /* next KE, not critical, length 48 */
    /*  32 proposal (3.3.1) */
    "00 00 002c"                /* last, reserved, length 44 */
    "01 01 00 04"               /* 36 number 1, protocol IKE, SPI size 0, 4 transforms */
    /*  40 transform ENCR AES-CBC with Key Length 256 (3.3.2, 3.3.5) */
    "03 00 000c 01 00 000c"     /* more, length 12, type 1, ID 12 */
    "800e 0100"                 /* 48 AF=1 type 14 (Key Length), 256 */
    /*  52 PRF HMAC-SHA2-256 */
    "03 00 0008 02 00 0005"
    /*  60 INTEG HMAC-SHA2-256-128 */
    "03 00 0008 03 00 000c"
    /*  68 DH group 14 */
    "00 00 0008 04 00 000e"
    /*  76 KE payload (3.4) */
    "28 00 0010"                /* next Nonce, length 16 */
    "000e 0000"                 /* 80 DH group 14, reserved */
    "aabbccddeeff0011"          /* 84 key exchange data (the codec does not check it) */
    /*  92 Nonce payload (3.9) */
    "29 00 0014"                /* next Notify, length 20 */
    "000102030405060708090a0b0c0d0e0f" /* 96 16 octets */
    /* 112 Notify payload (3.10) */
    "00 00 001c"                /* next none, length 28 */
    "00 00 4004"                /* 116 protocol 0, SPI size 0, NAT_DETECTION_SOURCE_IP */
    "a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4"; /* 120 SHA-1 hash, 20 octets */

static uint8_t *encode_msg(const Ikev2Message *m, size_t *n)
{
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev2_message_encode(m, &w));
  return wire_writer_steal(&w, n);
}

static void test_kat_decode(void)
{
  g_autoptr(GBytes) b = tu_hex(kat_sa_init);
  size_t n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  g_assert_cmpuint(n, ==, 140);
  Ikev2Diag d;
  g_autoptr(Ikev2Message) m = NULL;
  g_assert_cmpint(ikev2_message_decode(p, n, &m, &d), ==, WIRE_OK);
  g_assert_cmpint(d.action, ==, IKEV2_ACT_ACCEPT);
  g_assert_cmphex(m->hdr.spi_i, ==, 0x0102030405060708ull);
  g_assert_cmphex(m->hdr.spi_r, ==, 0);
  g_assert_cmpuint(m->hdr.exchange, ==, IKEV2_IKE_SA_INIT);
  g_assert_cmpuint(m->hdr.flags, ==, IKEV2_FLAG_INITIATOR);
  g_assert_cmpuint(m->hdr.length, ==, 140);
  g_assert_cmpuint(m->n_payloads, ==, 4);
  const Ikev2Sa *sa = &m->payloads[0].u.sa;
  g_assert_cmpuint(m->payloads[0].type, ==, IKEV2_PL_SA);
  g_assert_cmpuint(sa->n_proposals, ==, 1);
  g_assert_cmpuint(sa->proposals[0].protocol, ==, IKEV2_PROTO_IKE);
  g_assert_cmpuint(sa->proposals[0].n_transforms, ==, 4);
  const Ikev2Transform *t = sa->proposals[0].transforms;
  g_assert_cmpuint(t[0].type, ==, IKE_TRANSFORM_ENCR);
  g_assert_cmpuint(t[0].id, ==, ENCR_AES_CBC);
  g_assert_cmpuint(t[0].key_length, ==, 256);
  g_assert_cmpuint(t[1].id, ==, PRF_HMAC_SHA2_256);
  g_assert_cmpuint(t[2].id, ==, AUTH_HMAC_SHA2_256_128);
  g_assert_cmpuint(t[3].type, ==, IKE_TRANSFORM_DH);
  g_assert_cmpuint(t[3].id, ==, DH_MODP_2048);
  g_assert_cmpuint(m->payloads[1].u.ke.group, ==, 14);
  tu_assert_hex(m->payloads[1].u.ke.data.p, m->payloads[1].u.ke.data.n, "aabbccddeeff0011");
  g_assert_cmpuint(m->payloads[2].u.nonce.n, ==, 16);
  const Ikev2Notify *nd = ikev2_message_find_notify(m, IKEV2_N_NAT_DETECTION_SOURCE_IP);
  g_assert_nonnull(nd);
  g_assert_cmpuint(nd->data.n, ==, 20);
  g_assert_null(ikev2_message_find_notify(m, IKEV2_N_COOKIE));

  /* and the encoder gives back the same bytes */
  size_t en;
  g_autofree uint8_t *e = encode_msg(m, &en);
  g_assert_cmpmem(e, en, p, n);
}

/* The same message, built through the API. */
static Ikev2Message *build_sa_init(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_INITIATOR,
                                      0x0102030405060708ull, 0, 0);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_SA);
  Ikev2Proposal *pr = ikev2_sa_add_proposal(&p->u.sa, IKEV2_PROTO_IKE);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, ENCR_AES_CBC, 256);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_PRF, PRF_HMAC_SHA2_256, 0);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_INTEG, AUTH_HMAC_SHA2_256_128, 0);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_DH, DH_MODP_2048, 0);
  p = ikev2_message_add(m, IKEV2_PL_KE);
  p->u.ke.group = 14;
  ikev2_data_set(&p->u.ke.data, "\xaa\xbb\xcc\xdd\xee\xff\x00\x11", 8);
  p = ikev2_message_add(m, IKEV2_PL_NONCE);
  uint8_t nonce[16];
  for (unsigned i = 0; i < 16; i++)
    nonce[i] = (uint8_t)i;
  ikev2_data_set(&p->u.nonce, nonce, 16);
  p = ikev2_message_add(m, IKEV2_PL_NOTIFY);
  p->u.notify.type = IKEV2_N_NAT_DETECTION_SOURCE_IP;
  uint8_t h[20];
  for (unsigned i = 0; i < 20; i++)
    h[i] = (uint8_t)(0xa1 + i);
  ikev2_data_set(&p->u.notify.data, h, 20);
  return m;
}

static void test_kat_encode(void)
{
  g_autoptr(Ikev2Message) m = build_sa_init();
  size_t n;
  g_autofree uint8_t *e = encode_msg(m, &n);
  tu_assert_hex(e, n, kat_sa_init);
}

/* A message with every payload type, plus an unknown non-critical one. */
static Ikev2Message *build_kitchen_sink(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_RESPONSE, 0x1111222233334444ull,
                                      0x5555666677778888ull, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_IDR);
  p->u.id.type = IKEV2_ID_IPV4_ADDR;
  ikev2_data_set(&p->u.id.data, "\xc0\x00\x02\x01", 4);
  p = ikev2_message_add(m, IKEV2_PL_IDI);
  p->u.id.type = IKEV2_ID_FQDN;
  ikev2_data_set(&p->u.id.data, "gw.example.net", 14);
  p = ikev2_message_add(m, IKEV2_PL_CERT);
  p->u.cert.encoding = IKEV2_CERT_X509_SIGNATURE;
  ikev2_data_set(&p->u.cert.data, "\x30\x03\x02\x01\x01", 5);
  p = ikev2_message_add(m, IKEV2_PL_CERTREQ);
  p->u.cert.encoding = IKEV2_CERT_X509_SIGNATURE;
  ikev2_data_set(&p->u.cert.data, "01234567890123456789", 20);
  p = ikev2_message_add(m, IKEV2_PL_AUTH);
  p->u.auth.method = IKEV2_AUTH_PSK;
  ikev2_data_set(&p->u.auth.data, "0123456789abcdef0123456789abcdef", 32);
  p = ikev2_message_add(m, IKEV2_PL_SA);
  Ikev2Proposal *pr = ikev2_sa_add_proposal(&p->u.sa, IKEV2_PROTO_ESP);
  pr->spi_size = 4;
  memcpy(pr->spi, "\xc1\x00\x00\x01", 4);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, ENCR_AES_GCM_16, 256);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ESN, ESN_NO, 0);
  pr = ikev2_sa_add_proposal(&p->u.sa, IKEV2_PROTO_ESP);
  pr->spi_size = 4;
  memcpy(pr->spi, "\xc1\x00\x00\x01", 4);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, ENCR_3DES, 0);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_INTEG, AUTH_HMAC_SHA1_96, 0);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ESN, ESN_NO, 0);
  p = ikev2_message_add(m, IKEV2_PL_TSI);
  Ikev2TrafficSelector *s = ikev2_ts_add(&p->u.ts);
  s->type = IKEV2_TS_IPV4_ADDR_RANGE;
  s->end_port = 65535;
  s->range = (Ipv4Range){ipv4_addr(10, 1, 0, 0), ipv4_addr(10, 1, 255, 255)};
  s = ikev2_ts_add(&p->u.ts);
  s->type = IKEV2_TS_IPV4_ADDR_RANGE;
  s->ip_proto = 6;
  s->start_port = 179;
  s->end_port = 179;
  s->range = (Ipv4Range){ipv4_addr(10, 1, 0, 4), ipv4_addr(10, 1, 0, 4)};
  p = ikev2_message_add(m, IKEV2_PL_TSR);
  s = ikev2_ts_add(&p->u.ts);
  s->type = IKEV2_TS_IPV6_ADDR_RANGE;
  s->end_port = 65535;
  memset(s->v6_end, 0xff, 16);
  p = ikev2_message_add(m, IKEV2_PL_NOTIFY);
  p->u.notify.type = IKEV2_N_INITIAL_CONTACT;
  p = ikev2_message_add(m, IKEV2_PL_NOTIFY);
  p->u.notify.protocol = IKEV2_PROTO_ESP;
  p->u.notify.spi_size = 4;
  memcpy(p->u.notify.spi, "\x01\x02\x03\x04", 4);
  p->u.notify.type = IKEV2_N_REKEY_SA;
  p = ikev2_message_add(m, IKEV2_PL_DELETE);
  p->u.del.protocol = IKEV2_PROTO_ESP;
  p->u.del.spi_size = 4;
  p->u.del.n_spis = 2;
  ikev2_data_set(&p->u.del.spis, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  p = ikev2_message_add(m, IKEV2_PL_DELETE);
  p->u.del.protocol = IKEV2_PROTO_IKE;
  p = ikev2_message_add(m, IKEV2_PL_VENDOR);
  ikev2_data_set(&p->u.vendor, "vpnsim", 6);
  p = ikev2_message_add(m, IKEV2_PL_CP);
  p->u.cp.cfg_type = IKEV2_CFG_REPLY;
  ikev2_cp_add(&p->u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, "\xac\x10\x00\x02", 4);
  ikev2_cp_add(&p->u.cp, IKEV2_CFG_INTERNAL_IP4_DNS, NULL, 0);
  ikev2_cp_add_ip4_subnet(&p->u.cp, ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16));
  p = ikev2_message_add(m, IKEV2_PL_AUTH);
  g_assert_true(ikev2_auth_sig_set(&p->u.auth, IKEV2_AUTH_DIGITAL_SIG, IKEV2_SIG_RSA_SHA256,
                                   (const uint8_t *)"signature", 9));
  p = ikev2_message_add(m, IKEV2_PL_EAP);
  ikev2_data_set(&p->u.eap, "\x01\x01\x00\x05\x01", 5);
  p = ikev2_message_add(m, 200); /* unknown, not critical: skipped but kept */
  ikev2_data_set(&p->u.unknown, "xyz", 3);
  p = ikev2_message_add(m, IKEV2_PL_NONCE);
  ikev2_data_set(&p->u.nonce, "0123456789abcdef0123456789abcdef", 32);
  p = ikev2_message_add(m, IKEV2_PL_KE);
  p->u.ke.group = DH_ECP_256;
  ikev2_data_set(&p->u.ke.data, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                 64);
  p = ikev2_message_add(m, IKEV2_PL_SK);
  p->u.sk.inner_next = IKEV2_PL_IDI;
  ikev2_data_set(&p->u.sk.data, "IVIVIVIVIVIVIVIVcipherICVICVICV", 31);
  return m;
}

static Ikev2Message *build_skf(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 2, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_SKF);
  p->u.sk.inner_next = IKEV2_PL_IDI;
  p->u.sk.frag_num = 1;
  p->u.sk.frag_total = 3;
  ikev2_data_set(&p->u.sk.data, "0123456789abcdef0123456789abcdef", 32);
  return m;
}

static void assert_round_trip(Ikev2Message *(*build)(void))
{
  g_autoptr(Ikev2Message) m = build();
  size_t n;
  g_autofree uint8_t *e = encode_msg(m, &n);
  Ikev2Diag d;
  g_autoptr(Ikev2Message) back = NULL;
  g_assert_cmpint(ikev2_message_decode(e, n, &back, &d), ==, WIRE_OK);
  g_assert_cmpuint(back->n_payloads, ==, m->n_payloads);
  for (size_t i = 0; i < m->n_payloads; i++) {
    g_assert_cmpuint(back->payloads[i].type, ==, m->payloads[i].type);
    WireWriter a, b;
    wire_writer_init(&a);
    wire_writer_init(&b);
    ikev2_payload_body_encode(&m->payloads[i], &a);
    ikev2_payload_body_encode(&back->payloads[i], &b);
    g_assert_cmpmem(a.buf, a.len, b.buf, b.len);
    wire_writer_clear(&a);
    wire_writer_clear(&b);
  }
  size_t n2;
  g_autofree uint8_t *e2 = encode_msg(back, &n2);
  g_assert_cmpmem(e, n, e2, n2);
}

static void test_round_trip(void)
{
  assert_round_trip(build_sa_init);
  assert_round_trip(build_kitchen_sink);
  assert_round_trip(build_skf);

  /* spot checks on decoded values */
  g_autoptr(Ikev2Message) m = build_kitchen_sink();
  size_t n;
  g_autofree uint8_t *e = encode_msg(m, &n);
  g_autoptr(Ikev2Message) back = NULL;
  g_assert_cmpint(ikev2_message_decode(e, n, &back, NULL), ==, WIRE_OK);
  const Ikev2Payload *tsi = ikev2_message_find(back, IKEV2_PL_TSI, 0);
  g_assert_cmpuint(tsi->u.ts.n_ts, ==, 2);
  g_assert_cmphex(tsi->u.ts.ts[0].range.last.v, ==, 0x0a01ffff);
  g_assert_cmpuint(tsi->u.ts.ts[1].ip_proto, ==, 6);
  g_assert_cmpuint(tsi->u.ts.ts[1].start_port, ==, 179);
  const Ikev2Payload *sa = ikev2_message_find(back, IKEV2_PL_SA, 0);
  g_assert_cmpuint(sa->u.sa.n_proposals, ==, 2);
  g_assert_cmpuint(sa->u.sa.proposals[1].num, ==, 2);
  g_assert_cmpmem(sa->u.sa.proposals[1].spi, 4, "\xc1\x00\x00\x01", 4);
  const Ikev2Payload *unk = ikev2_message_find(back, 200, 0);
  g_assert_nonnull(unk);
  g_assert_false(unk->critical);
  const Ikev2Payload *sk = ikev2_message_find(back, IKEV2_PL_SK, 0);
  g_assert_cmpuint(sk->u.sk.inner_next, ==, IKEV2_PL_IDI);
  g_assert_cmpuint(sk->u.sk.data.n, ==, 31);
  const Ikev2Notify *rk = ikev2_message_find_notify(back, IKEV2_N_REKEY_SA);
  g_assert_cmpuint(rk->spi_size, ==, 4);
  const Ikev2Payload *cp = ikev2_message_find(back, IKEV2_PL_CP, 0);
  g_assert_cmpuint(cp->u.cp.n_attrs, ==, 3);
  g_assert_cmpuint(cp->u.cp.attrs[1].value.n, ==, 0);
  g_autoptr(Ikev2Message) skf = build_skf();
  g_autofree uint8_t *fe = encode_msg(skf, &n);
  g_autoptr(Ikev2Message) fb = NULL;
  g_assert_cmpint(ikev2_message_decode(fe, n, &fb, NULL), ==, WIRE_OK);
  g_assert_cmpuint(fb->payloads[0].u.sk.frag_num, ==, 1);
  g_assert_cmpuint(fb->payloads[0].u.sk.frag_total, ==, 3);
}

/* Every cut of every message fails, with the length in the header kept (the datagram is
 * short: drop) or patched to the cut (an item runs past the end: INVALID_SYNTAX). */
static void sweep(const uint8_t *msg, size_t n)
{
  for (size_t cut = 0; cut < n; cut++) {
    g_autofree uint8_t *b = g_memdup2(msg, cut ? cut : 1);
    Ikev2Diag d;
    Ikev2Message *m = NULL;
    WireStatus s = ikev2_message_decode(b, cut, &m, &d);
    g_assert_cmpint(s, ==, WIRE_TRUNCATED);
    g_assert_null(m);
    g_assert_cmpint(d.action, ==, IKEV2_ACT_DROP);
    if (cut >= IKEV2_HDR_LEN) {
      wire_store_be32(b + 24, (uint32_t)cut);
      s = ikev2_message_decode(b, cut, &m, &d);
      g_assert_cmpint(s, !=, WIRE_OK);
      g_assert_null(m);
      g_assert_cmpint(d.action, ==, IKEV2_ACT_INVALID_SYNTAX);
      g_assert_nonnull(d.diag.field);
      g_assert_cmpuint(d.diag.offset, <=, cut);
    }
  }
}

static void test_truncation_sweep(void)
{
  Ikev2Message *(*builders[])(void) = {build_sa_init, build_kitchen_sink, build_skf};
  for (size_t i = 0; i < G_N_ELEMENTS(builders); i++) {
    g_autoptr(Ikev2Message) m = builders[i]();
    size_t n;
    g_autofree uint8_t *e = encode_msg(m, &n);
    sweep(e, n);
  }
}

/* ---- malformed inputs ---- */

typedef struct {
  const char *name;
  Ikev2Message *(*build)(void); /* NULL: the KAT bytes */
  TuPatch patch[3];
  int len_delta;                /* datagram length change (header length too) */
  WireStatus status;
  const char *field;
  Ikev2Action action;
  uint64_t seen;
} BadCase;

static Ikev2Message *build_zero_proposals(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, 1, 0, 0);
  ikev2_message_add(m, IKEV2_PL_SA);
  return m;
}

static Ikev2Message *build_short_nonce(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, 1, 0, 0);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_NONCE);
  ikev2_data_set(&p->u.nonce, "01234567", 8);
  return m;
}

static Ikev2Message *build_bad_id(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 2, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_IDI);
  p->u.id.type = IKEV2_ID_IPV4_ADDR;
  ikev2_data_set(&p->u.id.data, "\x0a\x00\x00\x01\x00", 5);
  return m;
}

static Ikev2Message *build_skf_zero(void)
{
  Ikev2Message *m = build_skf();
  m->payloads[0].u.sk.frag_num = 0;
  return m;
}

static Ikev2Message *build_skf_past_total(void)
{
  Ikev2Message *m = build_skf();
  m->payloads[0].u.sk.frag_num = 4;
  return m;
}

static Ikev2Message *build_ts(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 2, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_TSI);
  Ikev2TrafficSelector *s = ikev2_ts_add(&p->u.ts);
  s->type = IKEV2_TS_IPV4_ADDR_RANGE;
  s->end_port = 65535;
  return m;
  /* 28 generic header, 32 number of TSs, 36 TS type, 37 proto, 38 selector length */
}

static Ikev2Message *build_delete(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_INFORMATIONAL, IKEV2_FLAG_INITIATOR, 1, 2, 2);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_DELETE);
  p->u.del.protocol = IKEV2_PROTO_ESP;
  p->u.del.spi_size = 4;
  p->u.del.n_spis = 1;
  ikev2_data_set(&p->u.del.spis, "\x01\x02\x03\x04", 4);
  return m; /* 32 protocol, 33 SPI size, 34 number of SPIs */
}

static Ikev2Message *build_sk_then_more(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 2, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_SK);
  p->u.sk.inner_next = IKEV2_PL_IDI;
  ikev2_data_set(&p->u.sk.data, "0123456789abcdef", 16);
  p = ikev2_message_add(m, IKEV2_PL_VENDOR); /* a payload after SK */
  ikev2_data_set(&p->u.vendor, "v", 1);
  return m;
}

/* 28 generic header, 32 encoding, 33 certification authority */
static Ikev2Message *build_certreq(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_RESPONSE, 1, 2, 0);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_CERTREQ);
  p->u.cert.encoding = IKEV2_CERT_X509_SIGNATURE;
  ikev2_data_set(&p->u.cert.data, "0123456789012345678901", 21);
  return m;
}

static Ikev2Message *build_empty_cert(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 2, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_CERT);
  p->u.cert.encoding = IKEV2_CERT_X509_SIGNATURE;
  return m;
}

/* 32 CFG type, 33 reserved, 36 attribute type, 38 attribute length, 40 value */
static Ikev2Message *build_cp(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 2, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_CP);
  p->u.cp.cfg_type = IKEV2_CFG_REPLY;
  ikev2_cp_add(&p->u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, "\xac\x10\x00\x02\x00", 5);
  return m;
}

/* 32 auth method, 33 reserved, 36 AlgorithmIdentifier length, 37 AlgorithmIdentifier */
static Ikev2Message *build_auth14(void)
{
  Ikev2Message *m = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, 1, 2, 1);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_AUTH);
  ikev2_auth_sig_set(&p->u.auth, IKEV2_AUTH_DIGITAL_SIG, IKEV2_SIG_ECDSA_SHA256,
                     (const uint8_t *)"sig", 3);
  return m; /* 12 octets of AlgorithmIdentifier, 3 of signature */
}

static const BadCase bad_cases[] = {
    {"datagram shorter than the header", .len_delta = -120, .status = WIRE_TRUNCATED,
     .field = "message id", .action = IKEV2_ACT_DROP, .seen = 0},
    {"length field below the header", .patch = {{24, "00000014"}}, .status = WIRE_MALFORMED,
     .field = "message length", .action = IKEV2_ACT_DROP, .seen = 20},
    {"length field above the datagram", .patch = {{24, "00000090"}}, .status = WIRE_TRUNCATED,
     .field = "message length", .action = IKEV2_ACT_DROP, .seen = 140},
    {"major version 3", .patch = {{17, "30"}}, .status = WIRE_UNSUPPORTED,
     .field = "major version", .action = IKEV2_ACT_INVALID_MAJOR_VERSION, .seen = 3},
    {"IKEv1 header", .patch = {{17, "10"}}, .status = WIRE_UNSUPPORTED,
     .field = "major version", .action = IKEV2_ACT_INVALID_MAJOR_VERSION, .seen = 1},
    {"payload past message end", .patch = {{30, "00a0"}}, .status = WIRE_MALFORMED,
     .field = "payload length", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 156},
    {"payload length below 4", .patch = {{30, "0002"}}, .status = WIRE_MALFORMED,
     .field = "payload length", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 2},
    {"next payload announces a missing payload", .patch = {{112, "2b"}},
     .status = WIRE_TRUNCATED, .field = "next payload", .action = IKEV2_ACT_INVALID_SYNTAX,
     .seen = 43},
    {"trailing bytes after the chain", .patch = {{16, "00"}}, .status = WIRE_MALFORMED,
     .field = "trailing bytes", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 112},
    {"zero proposals", .build = build_zero_proposals, .status = WIRE_MALFORMED,
     .field = "proposals", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 0},
    {"proposal number out of order", .patch = {{36, "02"}}, .status = WIRE_MALFORMED,
     .field = "proposal number", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 2},
    {"proposal says more follow", .patch = {{32, "02"}}, .status = WIRE_MALFORMED,
     .field = "proposal last substruc", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 2},
    {"proposal length lies", .patch = {{34, "0040"}}, .status = WIRE_MALFORMED,
     .field = "proposal length", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 60},
    {"proposal protocol unknown", .patch = {{37, "07"}}, .status = WIRE_MALFORMED,
     .field = "protocol id", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 7},
    {"more transforms announced than present", .patch = {{39, "05"}},
     .status = WIRE_MALFORMED, .field = "transform last substruc",
     .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 0},
    {"fewer transforms announced than present", .patch = {{39, "03"}},
     .status = WIRE_MALFORMED, .field = "transform last substruc",
     .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 3},
    {"transform length lies", .patch = {{42, "0040"}}, .status = WIRE_MALFORMED,
     .field = "transform length", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 60},
    {"transform attribute length lies", .patch = {{48, "0011 0010"}},
     .status = WIRE_MALFORMED, .field = "attribute length", .action = IKEV2_ACT_INVALID_SYNTAX,
     .seen = 16},
    {"key length attribute in TLV form", .patch = {{48, "000e 0000"}},
     .status = WIRE_MALFORMED, .field = "attribute format", .action = IKEV2_ACT_INVALID_SYNTAX,
     .seen = 0},
    {"notify SPI size above 8", .patch = {{117, "09"}}, .status = WIRE_MALFORMED,
     .field = "notify SPI size", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 9},
    {"unknown critical payload", .patch = {{16, "3c"}, {29, "80"}}, .status = WIRE_UNSUPPORTED,
     .field = "critical payload", .action = IKEV2_ACT_UNSUPPORTED_CRITICAL_PAYLOAD, .seen = 60},
    {"nonce shorter than 16", .build = build_short_nonce, .status = WIRE_MALFORMED,
     .field = "nonce length", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 8},
    {"IPv4 ID of 5 octets", .build = build_bad_id, .status = WIRE_MALFORMED,
     .field = "IPv4 address", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 5},
    {"fragment number 0", .build = build_skf_zero, .status = WIRE_MALFORMED,
     .field = "fragment number", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 0},
    {"fragment number above total", .build = build_skf_past_total, .status = WIRE_MALFORMED,
     .field = "fragment number", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 4},
    {"zero traffic selectors", .build = build_ts, .patch = {{32, "00"}},
     .status = WIRE_MALFORMED, .field = "number of TSs", .action = IKEV2_ACT_INVALID_SYNTAX,
     .seen = 0},
    {"more traffic selectors announced", .build = build_ts, .patch = {{32, "02"}},
     .status = WIRE_TRUNCATED, .field = "TS type", .action = IKEV2_ACT_INVALID_SYNTAX,
     .seen = 0},
    {"unknown TS type", .build = build_ts, .patch = {{36, "09"}}, .status = WIRE_UNSUPPORTED,
     .field = "TS type", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 9},
    {"selector length lies", .build = build_ts, .patch = {{38, "0018"}},
     .status = WIRE_MALFORMED, .field = "selector length", .action = IKEV2_ACT_INVALID_SYNTAX,
     .seen = 24},
    {"delete count lies", .build = build_delete, .patch = {{34, "0002"}},
     .status = WIRE_MALFORMED, .field = "number of SPIs", .action = IKEV2_ACT_INVALID_SYNTAX,
     .seen = 2},
    {"delete ESP with SPI size 8", .build = build_delete, .patch = {{33, "08"}},
     .status = WIRE_MALFORMED, .field = "delete SPI size", .action = IKEV2_ACT_INVALID_SYNTAX,
     .seen = 8},
    {"CERTREQ not a multiple of 20", .build = build_certreq, .status = WIRE_MALFORMED,
     .field = "certification authority", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 21},
    {"CERT without data", .build = build_empty_cert, .status = WIRE_MALFORMED,
     .field = "certificate data", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 0},
    {"INTERNAL_IP4_ADDRESS of 5 octets", .build = build_cp, .status = WIRE_MALFORMED,
     .field = "configuration attribute length", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 5},
    {"CFG type 0", .build = build_cp, .patch = {{32, "00"}}, .status = WIRE_MALFORMED,
     .field = "CFG type", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 0},
    {"CFG type 5", .build = build_cp, .patch = {{32, "05"}}, .status = WIRE_MALFORMED,
     .field = "CFG type", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 5},
    {"CP attribute length past the payload", .build = build_cp, .patch = {{38, "0006"}},
     .status = WIRE_MALFORMED, .field = "configuration attribute length",
     .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 6},
    {"AlgorithmIdentifier length leaves no signature", .build = build_auth14,
     .patch = {{36, "0f"}}, .status = WIRE_MALFORMED,
     .field = "signature algorithm identifier length", .action = IKEV2_ACT_INVALID_SYNTAX,
     .seen = 15},
    {"AlgorithmIdentifier length 0", .build = build_auth14, .patch = {{36, "00"}},
     .status = WIRE_MALFORMED, .field = "signature algorithm identifier length",
     .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 0},
    {"payload after SK", .build = build_sk_then_more, .status = WIRE_MALFORMED,
     .field = "payload after SK", .action = IKEV2_ACT_INVALID_SYNTAX, .seen = 5},
};

static void test_malformed(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
    const BadCase *c = &bad_cases[i];
    g_test_message("case: %s", c->name);
    size_t n;
    uint8_t *b;
    if (c->build) {
      g_autoptr(Ikev2Message) m = c->build();
      b = encode_msg(m, &n);
    } else {
      b = tu_hex_dup(kat_sa_init, &n);
    }
    tu_apply_patches(b, n, c->patch, G_N_ELEMENTS(c->patch));
    n = (size_t)((ptrdiff_t)n + c->len_delta);
    Ikev2Diag d;
    Ikev2Message *m = NULL;
    WireStatus s = ikev2_message_decode(b, n, &m, &d);
    if (s != c->status || g_strcmp0(d.diag.field, c->field) != 0 || d.action != c->action ||
        d.diag.seen != c->seen) {
      char buf[160];
      g_error("case '%s': got %s, action %s; want %s in '%s' seen %" G_GUINT64_FORMAT, c->name,
              wire_diag_format(s, &d.diag, buf, sizeof buf),
              name_get(&ikev2_action_names, d.action), wire_status_name(c->status), c->field,
              c->seen);
    }
    g_assert_null(m);
    if (c->action == IKEV2_ACT_UNSUPPORTED_CRITICAL_PAYLOAD)
      g_assert_cmpuint(d.critical_type, ==, 60);
    g_free(b);
  }
}

/* The same unknown payload without the critical bit is skipped, not refused. */
static void test_unknown_not_critical(void)
{
  g_autoptr(GBytes) k = tu_hex(kat_sa_init);
  size_t n;
  g_autofree uint8_t *b = g_bytes_unref_to_data(g_steal_pointer(&k), &n);
  b[16] = 60;
  g_autoptr(Ikev2Message) m = NULL;
  g_assert_cmpint(ikev2_message_decode(b, n, &m, NULL), ==, WIRE_OK);
  g_assert_cmpuint(m->payloads[0].type, ==, 60);
  g_assert_cmpuint(m->payloads[0].u.unknown.n, ==, 44);
  g_assert_null(ikev2_message_find(m, IKEV2_PL_SA, 0));
}

static void test_inner_chain(void)
{
  /* a decrypted SK body: IDi then AUTH; a failure leaves the message as it was */
  g_autoptr(Ikev2Message) src = build_kitchen_sink();
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev2_payloads_encode(src->payloads, 5, &w));
  g_autoptr(Ikev2Message) m = ikev2_message_new(IKEV2_IKE_AUTH, 0, 1, 2, 1);
  Ikev2Diag d;
  g_assert_cmpint(ikev2_payloads_decode(m, IKEV2_PL_IDR, w.buf, w.len, &d), ==, WIRE_OK);
  g_assert_cmpuint(m->n_payloads, ==, 5);
  g_assert_cmpuint(m->payloads[4].type, ==, IKEV2_PL_AUTH);
  g_assert_cmpint(ikev2_payloads_decode(m, IKEV2_PL_IDR, w.buf, w.len - 1, &d), !=, WIRE_OK);
  g_assert_cmpuint(m->n_payloads, ==, 5);
  wire_writer_clear(&w);
}

/* RFC 7427 Appendix A.1: sha256WithRSAEncryption as AUTH method 14 carries it:
 *   0f                                 ASN.1 length 15
 *   30 0d 06 09 2a 86 48 86 f7 0d 01 01 0b 05 00   AlgorithmIdentifier
 *   01 02 03                            the signature value */
static const char kat_auth14[] = "0f 300d06092a864886f70d01010b0500 010203";
/* RFC 7427 Appendix A.3: ecdsa-with-SHA384, no parameters */
static const char kat_auth14_ecdsa[] = "0c 300a06082a8648ce3d040303 aabb";

static void test_auth_sig(void)
{
  Ikev2Auth a = {0};
  g_assert_true(ikev2_auth_sig_set(&a, IKEV2_AUTH_DIGITAL_SIG, IKEV2_SIG_RSA_SHA256,
                                   (const uint8_t *)"\x01\x02\x03", 3));
  g_assert_cmpuint(a.method, ==, 14);
  tu_assert_hex(a.data.p, a.data.n, kat_auth14);
  Ikev2AuthSig s;
  WireDiag d;
  g_assert_cmpint(ikev2_auth_sig_split(&a, &s, &d), ==, WIRE_OK);
  g_assert_cmpint(s.scheme, ==, IKEV2_SIG_RSA_SHA256);
  g_assert_cmpmem(s.sig, s.sig_len, "\x01\x02\x03", 3);
  g_assert_cmpuint(ikev2_sig_scheme_hash(s.scheme), ==, IKEV2_HASH_SHA2_256);

  g_autoptr(GBytes) k = tu_hex(kat_auth14_ecdsa);
  size_t kn;
  const uint8_t *kp = g_bytes_get_data(k, &kn);
  ikev2_data_set(&a.data, kp, kn);
  g_assert_cmpint(ikev2_auth_sig_split(&a, &s, &d), ==, WIRE_OK);
  g_assert_cmpint(s.scheme, ==, IKEV2_SIG_ECDSA_SHA384);
  g_assert_cmpuint(s.sig_len, ==, 2);

  /* an AlgorithmIdentifier we do not know (the OID's last arc changed): not a syntax
   * error, the scheme is unknown and the caller refuses the authentication */
  a.data.p[12] = 0x09;
  g_assert_cmpint(ikev2_auth_sig_split(&a, &s, &d), ==, WIRE_OK);
  g_assert_cmpint(s.scheme, ==, IKEV2_SIG_UNKNOWN);
  g_assert_cmpuint(ikev2_sig_scheme_hash(s.scheme), ==, 0);

  /* method 1: the whole data is a PKCS#1 v1.5 SHA-1 signature (RFC 7296 3.8) */
  g_assert_true(ikev2_auth_sig_set(&a, IKEV2_AUTH_RSA_SIG, IKEV2_SIG_RSA_SHA1,
                                   (const uint8_t *)"xyz", 3));
  tu_assert_hex(a.data.p, a.data.n, "78797a");
  g_assert_cmpint(ikev2_auth_sig_split(&a, &s, &d), ==, WIRE_OK);
  g_assert_cmpint(s.scheme, ==, IKEV2_SIG_RSA_SHA1);
  g_assert_false(ikev2_auth_sig_set(&a, IKEV2_AUTH_RSA_SIG, IKEV2_SIG_RSA_SHA256,
                                    (const uint8_t *)"xyz", 3));
  g_assert_false(ikev2_auth_sig_set(&a, IKEV2_AUTH_PSK, IKEV2_SIG_RSA_SHA256,
                                    (const uint8_t *)"xyz", 3));
  /* PSK is no signature */
  a.method = IKEV2_AUTH_PSK;
  g_assert_cmpint(ikev2_auth_sig_split(&a, &s, &d), ==, WIRE_UNSUPPORTED);
  g_assert_cmpstr(d.field, ==, "auth method");
  ikev2_data_set(&a.data, NULL, 0);
}

/* RFC 7296 3.15 / 3.15.1: a CFG_REQUEST as a remote-access client sends it, byte by byte:
 *   01 000000          CFG_REQUEST, reserved
 *   0001 0000          INTERNAL_IP4_ADDRESS, empty
 *   0003 0000          INTERNAL_IP4_DNS, empty
 *   000d 0000          INTERNAL_IP4_SUBNET, empty
 * and a CFG_REPLY:
 *   02 000000          CFG_REPLY
 *   0001 0004 ac100002 INTERNAL_IP4_ADDRESS 172.16.0.2
 *   0002 0004 ffffff00 INTERNAL_IP4_NETMASK 255.255.255.0
 *   000d 0008 0a010000 ffff0000  INTERNAL_IP4_SUBNET 10.1.0.0/16 */
static void test_cp(void)
{
  Ikev2Payload p = {.type = IKEV2_PL_CP};
  p.u.cp.cfg_type = IKEV2_CFG_REQUEST;
  ikev2_cp_add(&p.u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, NULL, 0);
  ikev2_cp_add(&p.u.cp, IKEV2_CFG_INTERNAL_IP4_DNS, NULL, 0);
  ikev2_cp_add(&p.u.cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, NULL, 0);
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev2_payload_body_encode(&p, &w));
  tu_assert_hex(w.buf, w.len, "01000000 00010000 00030000 000d0000");
  wire_writer_clear(&w);
  ikev2_payload_clear(&p);

  p = (Ikev2Payload){.type = IKEV2_PL_CP};
  p.u.cp.cfg_type = IKEV2_CFG_REPLY;
  ikev2_cp_add_ip4(&p.u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, ipv4_addr(172, 16, 0, 2));
  ikev2_cp_add_ip4(&p.u.cp, IKEV2_CFG_INTERNAL_IP4_NETMASK, (Ipv4Addr){ipv4_mask(24)});
  ikev2_cp_add_ip4_subnet(&p.u.cp, ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16));
  wire_writer_init(&w);
  g_assert_true(ikev2_payload_body_encode(&p, &w));
  tu_assert_hex(w.buf, w.len,
                "02000000 00010004ac100002 00020004ffffff00 000d00080a010000ffff0000");
  wire_writer_clear(&w);

  Ipv4Addr a;
  Ipv4Prefix pf;
  const Ikev2CfgAttr *at = ikev2_cp_find(&p.u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, 0);
  g_assert_true(ikev2_cp_attr_ip4(at, &a));
  g_assert_cmpuint(a.v, ==, ipv4_addr(172, 16, 0, 2).v);
  at = ikev2_cp_find(&p.u.cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, 0);
  g_assert_true(ikev2_cp_attr_ip4_subnet(at, &pf));
  g_assert_true(ipv4_prefix_equal(pf, ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16)));
  g_assert_null(ikev2_cp_find(&p.u.cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, 1));
  g_assert_null(ikev2_cp_find(&p.u.cp, IKEV2_CFG_INTERNAL_IP4_DNS, 0));
  /* a netmask with a hole is no prefix */
  Ikev2CfgAttr bad = {0};
  bad.type = IKEV2_CFG_INTERNAL_IP4_SUBNET;
  ikev2_data_set(&bad.value, "\x0a\x00\x00\x00\xff\x00\xff\x00", 8);
  g_assert_false(ikev2_cp_attr_ip4_subnet(&bad, &pf));
  ikev2_data_set(&bad.value, NULL, 0);
  g_assert_false(ikev2_cp_attr_ip4(&bad, &a));
  ikev2_payload_clear(&p);
}

static void test_names(void)
{
  char buf[NAME_BUFSZ];
  g_assert_cmpstr(name_fmt(&ikev2_notify_names, 16430, buf), ==,
                  "IKEV2_FRAGMENTATION_SUPPORTED");
  g_assert_cmpstr(name_fmt(&ikev2_notify_names, 12345, buf), ==, "<12345>");
  g_assert_cmpstr(name_fmt(&ikev2_exchange_names, 35, buf), ==, "IKE_AUTH");
  g_assert_true(ikev2_notify_is_error(IKEV2_N_TS_UNACCEPTABLE));
  g_assert_false(ikev2_notify_is_error(IKEV2_N_COOKIE));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev2_codec/kat_decode", test_kat_decode);
  g_test_add_func("/ikev2_codec/kat_encode", test_kat_encode);
  g_test_add_func("/ikev2_codec/round_trip", test_round_trip);
  g_test_add_func("/ikev2_codec/truncation_sweep", test_truncation_sweep);
  g_test_add_func("/ikev2_codec/malformed", test_malformed);
  g_test_add_func("/ikev2_codec/unknown_not_critical", test_unknown_not_critical);
  g_test_add_func("/ikev2_codec/inner_chain", test_inner_chain);
  g_test_add_func("/ikev2_codec/names", test_names);
  g_test_add_func("/ikev2_codec/auth_sig", test_auth_sig);
  g_test_add_func("/ikev2_codec/cp", test_cp);
  return g_test_run();
}
