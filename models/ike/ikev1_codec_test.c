/* SPDX-License-Identifier: MIT */
/* Tests of the IKEv1 codec: a main mode message 1 laid out as strongSwan sends it and a
 * decrypted quick mode body, both commented per field; round trips of every payload;
 * truncation sweeps; a table of malformed inputs with the expected status, field and notify. */
#include "models/ike/ikev1_codec.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

/* Main mode message 1 (RFC 2409 5: HDR, SA, then vendor IDs) in the layout strongSwan 5.x
 * sends for "ike=aes256-sha256-modp1024,aes128-sha1-modp1024": one ISAKMP proposal whose
 * transforms are the alternatives (RFC 2409 5: one proposal, several transforms), attributes
 * in the order encryption, key length, hash, group, auth method, life type, life duration,
 * then the vendor IDs XAuth, DPD, FRAGMENTATION, RFC 3947 and draft-02\n. The second
 * transform carries a life of 86400 s, which needs the variable (TLV) form.
 * Offsets (decimal) are used by the malformed table below. */
static const char *const kat_mm1 =
    /*   0 ISAKMP header (RFC 2408 3.1) */
    "a1b2c3d4e5f60718"       /* initiator cookie */
    "0000000000000000"       /* responder cookie: 0 in the first message */
    "01"                     /* 16 next payload: SA */
    "10"                     /* 17 version 1.0 */
    "02"                     /* 18 exchange: Identity Protection (main mode) */
    "00"                     /* 19 flags: none */
    "00000000"               /* 20 message ID 0 (phase 1) */
    "000000dc"               /* 24 length 220 */
    /*  28 SA payload (RFC 2408 3.4) */
    "0d 00 0060"             /* next VID, reserved, length 96 */
    "00000001"               /* 32 DOI: IPsec */
    "00000001"               /* 36 situation: SIT_IDENTITY_ONLY */
    /*  40 proposal (3.5) */
    "00 00 0054"             /* last, reserved, length 84 */
    "01 01 00 02"            /* 44 proposal 1, PROTO_ISAKMP, SPI size 0, 2 transforms */
    /*  48 transform 1 (3.6) */
    "03 00 0024"             /* more follow, length 36 */
    "01 01 0000"             /* 52 transform 1, KEY_IKE, reserved */
    "8001 0007"              /* 56 TV Encryption Algorithm: AES-CBC */
    "800e 0100"              /* 60 TV Key Length: 256 */
    "8002 0004"              /* 64 TV Hash Algorithm: SHA2-256 */
    "8004 0002"              /* 68 TV Group Description: 1024-bit MODP */
    "8003 0001"              /* 72 TV Authentication Method: pre-shared key */
    "800b 0001"              /* 76 TV Life Type: seconds */
    "800c 2a30"              /* 80 TV Life Duration: 10800 */
    /*  84 transform 2 */
    "00 00 0028"             /* last, length 40 */
    "02 01 0000"             /* 88 transform 2, KEY_IKE */
    "8001 0007"              /* 92 AES-CBC */
    "800e 0080"              /* 96 Key Length 128 */
    "8002 0002"              /* 100 Hash: SHA */
    "8004 0002"              /* 104 group 2 */
    "8003 0001"              /* 108 pre-shared key */
    "800b 0001"              /* 112 seconds */
    "000c 0004 00015180"     /* 116 TLV Life Duration, 4 octets: 86400 */
    /* 124 VID (3.16): XAuth, the first 8 octets of MD5("draft-ietf-ipsra-isakmp-xauth-06.txt") */
    "0d 00 000c 09002689dfd6b712"
    /* 136 VID: DPD (RFC 3706 4), version 1.0 */
    "0d 00 0014 afcad71368a1f1c96b8696fc77570100"
    /* 156 VID: FRAGMENTATION, MD5("FRAGMENTATION") and flags 0x80000000 */
    "0d 00 0018 4048b7d56ebce88525e7de7f00d6c2d3 80000000"
    /* 180 VID: MD5("RFC 3947") */
    "0d 00 0014 4a131c81070358455c5728f20e95452f"
    /* 200 VID: MD5("draft-ietf-ipsec-nat-t-ike-02\n"), the last payload */
    "00 00 0014 90cb80913ebb696e086381b5ec427b1f";

/* The decrypted body of a quick mode message 1 (RFC 2409 5.5: HDR*, HASH(1), SA, Ni, IDci,
 * IDcr) with the NAT-OA of RFC 3947 5.2, as ikev1_payloads_decode sees it after AES-CBC:
 * the payloads, then padding to the 16-octet block. The header's Next Payload is HASH. */
static const char *const kat_qm1_body =
    /*   0 HASH (RFC 2408 3.11) */
    "01 00 0018"                                 /* next SA, length 24 */
    "000102030405060708090a0b0c0d0e0f10111213"   /* 4 HASH(1), 20 octets (SHA-1 PRF) */
    /*  24 SA (3.4) */
    "0a 00 0040"                                 /* next NONCE, length 64 */
    "00000001 00000001"                          /* 28 DOI IPsec, SIT_IDENTITY_ONLY */
    /*  36 proposal (3.5) */
    "00 00 0034"                                 /* last, length 52 */
    "01 03 04 01"                                /* 40 proposal 1, ESP, SPI size 4, 1 transform */
    "c1c2c3c4"                                   /* 44 SPI (inbound SPI of the initiator) */
    /*  48 transform (3.6) */
    "00 00 0028"                                 /* last, length 40 */
    "01 0c 0000"                                 /* 52 transform 1, ESP_AES (RFC 2407 4.4.4) */
    "8001 0001"                                  /* 56 SA Life Type: seconds (RFC 2407 4.5) */
    "8002 6978"                                  /* 60 SA Life Duration: 27000 */
    "8001 0002"                                  /* 64 SA Life Type: kilobytes */
    "0002 0004 061a8000"                         /* 68 TLV SA Life Duration: 102400000 KB */
    "8004 0003"                                  /* 76 Encapsulation: UDP-Encapsulated-Tunnel */
    "8005 0002"                                  /* 80 Authentication Algorithm: HMAC-SHA */
    "8006 0100"                                  /* 84 Key Length: 256 */
    /*  88 NONCE (3.13) */
    "05 00 0014 00112233445566778899aabbccddeeff" /* next ID, length 20, 16 octets */
    /* 108 IDci (RFC 2407 4.6.2) */
    "05 00 0010"                                 /* next ID, length 16 */
    "04 00 0000"                                 /* 112 ID_IPV4_ADDR_SUBNET, any proto/port */
    "0a010000 ffff0000"                          /* 116 10.1.0.0/255.255.0.0 */
    /* 124 IDcr */
    "15 00 0010"                                 /* next NAT-OA (21), length 16 */
    "04 00 0000 0a020000 ffffff00"               /* 128 10.2.0.0/255.255.255.0 */
    /* 140 NAT-OA (RFC 3947 5.2) */
    "00 00 000c"                                 /* last, length 12 */
    "01 000000 c0a80164"                         /* 144 ID_IPV4_ADDR, reserved, 192.168.1.100 */
    /* 152 padding to 160 (RFC 2409 appendix B zeros, 5.3 count in the last octet) */
    "00000000000000 07";

static uint8_t *encode_msg(const Ikev1Message *m, size_t *n)
{
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev1_message_encode(m, &w));
  return wire_writer_steal(&w, n);
}

static uint64_t attr(const Ikev1Transform *t, uint16_t type)
{
  uint64_t v = 0;
  g_assert_true(ikev1_transform_attr(t, type, &v));
  return v;
}

static void test_kat_mm1_decode(void)
{
  g_autoptr(GBytes) b = tu_hex(kat_mm1);
  size_t n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  g_assert_cmpuint(n, ==, 220);
  Ikev1Diag d;
  g_autoptr(Ikev1Message) m = NULL;
  g_assert_cmpint(ikev1_message_decode(p, n, &m, &d), ==, WIRE_OK);
  g_assert_cmpuint(d.notify, ==, IKEV1_N_NONE);
  g_assert_cmphex(m->hdr.icookie, ==, 0xa1b2c3d4e5f60718ull);
  g_assert_cmphex(m->hdr.rcookie, ==, 0);
  g_assert_cmpuint(m->hdr.major, ==, 1);
  g_assert_cmpuint(m->hdr.exchange, ==, IKEV1_EXCH_MAIN);
  g_assert_cmpuint(m->hdr.length, ==, 220);
  g_assert_cmpuint(m->n_payloads, ==, 6);

  const Ikev1Payload *sp = &m->payloads[0];
  g_assert_cmpuint(sp->type, ==, IKEV1_PL_SA);
  g_assert_cmpuint(sp->off, ==, 28);
  g_assert_cmpuint(sp->len, ==, 96);
  const Ikev1Sa *sa = &sp->u.sa;
  g_assert_cmpuint(sa->doi, ==, IKEV1_DOI_IPSEC);
  g_assert_cmpuint(sa->situation, ==, IKEV1_SIT_IDENTITY_ONLY);
  g_assert_cmpuint(sa->n_proposals, ==, 1);
  const Ikev1Proposal *pr = &sa->proposals[0];
  g_assert_cmpuint(pr->protocol, ==, IKEV1_PROTO_ISAKMP);
  g_assert_cmpuint(pr->spi_size, ==, 0);
  g_assert_cmpuint(pr->n_transforms, ==, 2);
  const Ikev1Transform *t = &pr->transforms[0];
  g_assert_cmpuint(t->num, ==, 1);
  g_assert_cmpuint(t->id, ==, IKEV1_KEY_IKE);
  g_assert_cmpuint(t->n_attrs, ==, 7);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_ENCRYPTION), ==, IKEV1_ENCR_AES_CBC);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_KEY_LENGTH), ==, 256);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_HASH), ==, IKEV1_HASH_SHA2_256);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_GROUP_DESC), ==, 2);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_AUTH_METHOD), ==, IKEV1_AUTH_PSK);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_LIFE_TYPE), ==, IKEV1_LIFE_SECONDS);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_LIFE_DURATION), ==, 10800);
  g_assert_true(t->attrs[6].tv);
  t = &pr->transforms[1];
  g_assert_cmpuint(t->num, ==, 2);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_KEY_LENGTH), ==, 128);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_HASH), ==, IKEV1_HASH_SHA);
  g_assert_cmpuint(attr(t, IKEV1_ATTR_LIFE_DURATION), ==, 86400);
  g_assert_false(t->attrs[6].tv);
  g_assert_cmpuint(t->attrs[6].data.n, ==, 4);
  uint64_t v;
  g_assert_false(ikev1_transform_attr(t, IKEV1_ATTR_PRF, &v));

  static const Ikev1VendorId want[] = {IKEV1_VID_XAUTH, IKEV1_VID_DPD,
                                       IKEV1_VID_FRAGMENTATION, IKEV1_VID_RFC3947,
                                       IKEV1_VID_NATT_DRAFT_02N};
  for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
    const Ikev1Payload *vp = ikev1_message_find(m, IKEV1_PL_VID, i);
    g_assert_nonnull(vp);
    g_assert_cmpint(ikev1_vendor_id_match(vp->u.vendor.p, vp->u.vendor.n), ==, want[i]);
  }
  g_assert_null(ikev1_message_find(m, IKEV1_PL_VID, 5));

  /* and the encoder gives back the same bytes */
  size_t en;
  g_autofree uint8_t *e = encode_msg(m, &en);
  g_assert_cmpmem(e, en, p, n);
}

/* The same message through the API. */
static Ikev1Message *build_mm1(void)
{
  Ikev1Message *m = ikev1_message_new(IKEV1_EXCH_MAIN, 0, 0xa1b2c3d4e5f60718ull, 0, 0);
  Ikev1Payload *p = ikev1_message_add(m, IKEV1_PL_SA);
  p->u.sa.doi = IKEV1_DOI_IPSEC;
  p->u.sa.situation = IKEV1_SIT_IDENTITY_ONLY;
  Ikev1Proposal *pr = ikev1_sa_add_proposal(&p->u.sa, 1, IKEV1_PROTO_ISAKMP);
  static const struct {
    uint16_t bits, hash;
    uint32_t life;
  } rows[] = {{256, IKEV1_HASH_SHA2_256, 10800}, {128, IKEV1_HASH_SHA, 86400}};
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    Ikev1Transform *t = ikev1_proposal_add_transform(pr, IKEV1_KEY_IKE);
    ikev1_transform_add_tv(t, IKEV1_ATTR_ENCRYPTION, IKEV1_ENCR_AES_CBC);
    ikev1_transform_add_tv(t, IKEV1_ATTR_KEY_LENGTH, rows[i].bits);
    ikev1_transform_add_tv(t, IKEV1_ATTR_HASH, rows[i].hash);
    ikev1_transform_add_tv(t, IKEV1_ATTR_GROUP_DESC, 2);
    ikev1_transform_add_tv(t, IKEV1_ATTR_AUTH_METHOD, IKEV1_AUTH_PSK);
    ikev1_transform_add_tv(t, IKEV1_ATTR_LIFE_TYPE, IKEV1_LIFE_SECONDS);
    ikev1_transform_add_duration(t, IKEV1_ATTR_LIFE_DURATION, rows[i].life);
  }
  static const Ikev1VendorId vids[] = {IKEV1_VID_XAUTH, IKEV1_VID_DPD,
                                       IKEV1_VID_FRAGMENTATION, IKEV1_VID_RFC3947,
                                       IKEV1_VID_NATT_DRAFT_02N};
  for (size_t i = 0; i < G_N_ELEMENTS(vids); i++) {
    size_t n;
    const uint8_t *b = ikev1_vendor_id_bytes(vids[i], &n);
    p = ikev1_message_add(m, IKEV1_PL_VID);
    ikev1_data_set(&p->u.vendor, b, n);
  }
  return m;
}

static void test_kat_mm1_encode(void)
{
  g_autoptr(Ikev1Message) m = build_mm1();
  size_t n;
  g_autofree uint8_t *e = encode_msg(m, &n);
  tu_assert_hex(e, n, kat_mm1);
}

static void test_kat_qm1_body(void)
{
  g_autoptr(GBytes) b = tu_hex(kat_qm1_body);
  size_t n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  g_assert_cmpuint(n, ==, 160);
  g_autoptr(Ikev1Message) m =
      ikev1_message_new(IKEV1_EXCH_QUICK, IKEV1_FLAG_ENCRYPTION, 1, 2, 0x01020304);
  Ikev1Diag d;
  size_t pad = 99;
  g_assert_cmpint(ikev1_payloads_decode(m, IKEV1_PL_HASH, p, n, &pad, &d), ==, WIRE_OK);
  g_assert_cmpuint(pad, ==, 8);
  g_assert_cmpuint(m->n_payloads, ==, 6);
  static const uint8_t types[] = {IKEV1_PL_HASH, IKEV1_PL_SA, IKEV1_PL_NONCE,
                                  IKEV1_PL_ID,   IKEV1_PL_ID, IKEV1_PL_NAT_OA};
  static const size_t offs[] = {0, 24, 88, 108, 124, 140};
  for (size_t i = 0; i < G_N_ELEMENTS(types); i++) {
    g_assert_cmpuint(m->payloads[i].type, ==, types[i]);
    g_assert_cmpuint(m->payloads[i].off, ==, offs[i]);
  }
  g_assert_cmpuint(m->payloads[0].u.hash.n, ==, 20);
  const Ikev1Proposal *pr = &m->payloads[1].u.sa.proposals[0];
  g_assert_cmpuint(pr->protocol, ==, IKEV1_PROTO_IPSEC_ESP);
  g_assert_cmpuint(pr->spi_size, ==, 4);
  g_assert_cmpmem(pr->spi, 4, "\xc1\xc2\xc3\xc4", 4);
  const Ikev1Transform *t = &pr->transforms[0];
  g_assert_cmpuint(t->id, ==, IKEV1_ESP_AES);
  g_assert_cmpuint(t->n_attrs, ==, 7);
  /* two life types, each followed by its duration (RFC 2407 4.5) */
  g_assert_cmpuint(t->attrs[1].value, ==, 27000);
  g_assert_cmpuint(t->attrs[2].value, ==, IKEV1_LIFE_KILOBYTES);
  g_assert_cmpuint(t->attrs[3].value, ==, 102400000);
  g_assert_cmpuint(attr(t, IKEV1_IPSEC_ATTR_ENCAP_MODE), ==, IKEV1_ENCAP_UDP_TUNNEL);
  g_assert_cmpuint(attr(t, IKEV1_IPSEC_ATTR_AUTH_ALG), ==, IKEV1_AUTH_ALG_HMAC_SHA);
  g_assert_cmpuint(attr(t, IKEV1_IPSEC_ATTR_KEY_LENGTH), ==, 256);
  Ipv4Range r;
  g_assert_true(ikev1_id_ipv4_range(&m->payloads[3].u.id, &r));
  g_assert_cmphex(r.first.v, ==, 0x0a010000);
  g_assert_cmphex(r.last.v, ==, 0x0a01ffff);
  g_assert_true(ikev1_id_ipv4_range(&m->payloads[4].u.id, &r));
  g_assert_cmphex(r.last.v, ==, 0x0a0200ff);
  g_assert_cmpuint(m->payloads[5].u.nat_oa.id_type, ==, IKEV1_ID_IPV4_ADDR);
  g_assert_cmphex(m->payloads[5].u.nat_oa.v4.v, ==, 0xc0a80164);

  /* re-encoded, the chain is the body without its padding */
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev1_payloads_encode(m->payloads, m->n_payloads, &w));
  g_assert_cmpmem(w.buf, w.len, p, 152);
  wire_writer_clear(&w);

  /* without room for padding the same bytes are refused, and m keeps what it had */
  g_assert_cmpint(ikev1_payloads_decode(m, IKEV1_PL_HASH, p, n, NULL, &d), ==, WIRE_MALFORMED);
  g_assert_cmpstr(d.diag.field, ==, "trailing bytes");
  g_assert_cmpuint(d.notify, ==, IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS);
  g_assert_cmpuint(m->n_payloads, ==, 6);
}

/* Every payload type, with both attribute forms and an IPv6 NAT-OA. */
static Ikev1Message *build_kitchen_sink(void)
{
  Ikev1Message *m = ikev1_message_new(IKEV1_EXCH_AGGRESSIVE, IKEV1_FLAG_COMMIT,
                                      0x1111222233334444ull, 0x5555666677778888ull, 0);
  Ikev1Payload *p = ikev1_message_add(m, IKEV1_PL_SA);
  p->u.sa.doi = IKEV1_DOI_IPSEC;
  p->u.sa.situation = IKEV1_SIT_IDENTITY_ONLY;
  /* AH and ESP together (same proposal number), then ESP alone */
  Ikev1Proposal *pr = ikev1_sa_add_proposal(&p->u.sa, 1, IKEV1_PROTO_IPSEC_AH);
  pr->spi_size = 4;
  memcpy(pr->spi, "\xa0\x00\x00\x01", 4);
  Ikev1Transform *t = ikev1_proposal_add_transform(pr, IKEV1_AH_SHA);
  ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_AUTH_ALG, IKEV1_AUTH_ALG_HMAC_SHA);
  pr = ikev1_sa_add_proposal(&p->u.sa, 1, IKEV1_PROTO_IPSEC_ESP);
  pr->spi_size = 4;
  memcpy(pr->spi, "\xe0\x00\x00\x01", 4);
  t = ikev1_proposal_add_transform(pr, IKEV1_ESP_3DES);
  ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_ENCAP_MODE, IKEV1_ENCAP_TUNNEL);
  ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_GROUP_DESC, 14);
  t = ikev1_proposal_add_transform(pr, IKEV1_ESP_AES_GCM_16);
  ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_KEY_LENGTH, 256);
  ikev1_transform_add_duration(t, IKEV1_IPSEC_ATTR_LIFE_DURATION, 0x123456789ull);
  ikev1_transform_add_tlv(t, IKEV1_IPSEC_ATTR_COMP_PRIV_ALG, "0123456789", 10);
  ikev1_transform_add_tv(t, 0x7f00, 5); /* unknown attribute type: kept */
  pr = ikev1_sa_add_proposal(&p->u.sa, 2, IKEV1_PROTO_IPCOMP);
  pr->spi_size = 2;
  memcpy(pr->spi, "\x12\x34", 2);
  ikev1_proposal_add_transform(pr, 2);
  p = ikev1_message_add(m, IKEV1_PL_KE);
  ikev1_data_set(&p->u.ke, "0123456789abcdef0123456789abcdef", 32);
  p = ikev1_message_add(m, IKEV1_PL_NONCE);
  ikev1_data_set(&p->u.nonce, "01234567", 8);
  p = ikev1_message_add(m, IKEV1_PL_ID);
  p->u.id.type = IKEV1_ID_FQDN;
  p->u.id.protocol = 17;
  p->u.id.port = 500;
  ikev1_data_set(&p->u.id.data, "gw.example.net", 14);
  p = ikev1_message_add(m, IKEV1_PL_ID);
  ikev1_id_set_ipv4_range(&p->u.id, (Ipv4Range){ipv4_addr(10, 0, 0, 5), ipv4_addr(10, 0, 0, 9)},
                          6, 179);
  p = ikev1_message_add(m, IKEV1_PL_ID);
  p->u.id.type = IKEV1_ID_IPV6_ADDR_SUBNET;
  ikev1_data_set(&p->u.id.data, "0123456789abcdef0123456789abcdef", 32);
  p = ikev1_message_add(m, IKEV1_PL_CERT);
  p->u.cert.encoding = IKEV1_CERT_X509_SIG;
  ikev1_data_set(&p->u.cert.data, "\x30\x03\x02\x01\x01", 5);
  p = ikev1_message_add(m, IKEV1_PL_CR);
  p->u.cert.encoding = IKEV1_CERT_X509_SIG;
  p = ikev1_message_add(m, IKEV1_PL_SIG);
  ikev1_data_set(&p->u.sig, "signature", 9);
  p = ikev1_message_add(m, IKEV1_PL_HASH);
  ikev1_data_set(&p->u.hash, "0123456789abcdef0123", 20);
  p = ikev1_message_add(m, IKEV1_PL_N);
  p->u.notify.doi = IKEV1_DOI_IPSEC;
  p->u.notify.protocol = IKEV1_PROTO_IPSEC_ESP;
  p->u.notify.spi_size = 4;
  memcpy(p->u.notify.spi, "\xe0\x00\x00\x01", 4);
  p->u.notify.type = IKEV1_N_RESPONDER_LIFETIME;
  ikev1_data_set(&p->u.notify.data, "\x80\x01\x00\x01\x80\x02\x0e\x10", 8);
  p = ikev1_message_add(m, IKEV1_PL_N);
  ikev1_notify_set_dpd(&p->u.notify, false, 0x1111222233334444ull, 0x5555666677778888ull,
                       0x7fffffff);
  p = ikev1_message_add(m, IKEV1_PL_N);
  ikev1_notify_set_dpd(&p->u.notify, true, 0x1111222233334444ull, 0x5555666677778888ull, 1);
  p = ikev1_message_add(m, IKEV1_PL_D);
  p->u.del.doi = IKEV1_DOI_IPSEC;
  p->u.del.protocol = IKEV1_PROTO_IPSEC_ESP;
  p->u.del.spi_size = 4;
  p->u.del.n_spis = 2;
  ikev1_data_set(&p->u.del.spis, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  p = ikev1_message_add(m, IKEV1_PL_D);
  p->u.del.doi = IKEV1_DOI_IPSEC;
  p->u.del.protocol = IKEV1_PROTO_ISAKMP;
  p->u.del.spi_size = 16;
  p->u.del.n_spis = 1;
  ikev1_data_set(&p->u.del.spis, "0123456789abcdef", 16);
  p = ikev1_message_add(m, IKEV1_PL_VID);
  ikev1_data_set(&p->u.vendor, "vpnsim", 6);
  p = ikev1_message_add(m, IKEV1_PL_NAT_D);
  ikev1_data_set(&p->u.nat_d, "0123456789abcdef0123", 20);
  p = ikev1_message_add(m, IKEV1_PL_NAT_D_DRAFT);
  ikev1_data_set(&p->u.nat_d, "0123456789abcdef", 16);
  p = ikev1_message_add(m, IKEV1_PL_NAT_OA);
  p->u.nat_oa.id_type = IKEV1_ID_IPV6_ADDR;
  memset(p->u.nat_oa.v6, 0x20, 16);
  p = ikev1_message_add(m, IKEV1_PL_NAT_OA_DRAFT);
  p->u.nat_oa.id_type = IKEV1_ID_IPV4_ADDR;
  p->u.nat_oa.v4 = ipv4_addr(100, 64, 0, 1);
  return m;
}

/* An informational message as it travels: E set, the body opaque. */
static Ikev1Message *build_encrypted(void)
{
  Ikev1Message *m = ikev1_message_new(IKEV1_EXCH_INFORMATIONAL, IKEV1_FLAG_ENCRYPTION, 1, 2,
                                      0xdeadbeef);
  m->hdr.next_payload = IKEV1_PL_HASH;
  ikev1_data_set(&m->body, "0123456789abcdef0123456789abcdef", 32);
  return m;
}

static void assert_round_trip(Ikev1Message *(*build)(void))
{
  g_autoptr(Ikev1Message) m = build();
  size_t n;
  g_autofree uint8_t *e = encode_msg(m, &n);
  Ikev1Diag d;
  g_autoptr(Ikev1Message) back = NULL;
  WireStatus s = ikev1_message_decode(e, n, &back, &d);
  if (s != WIRE_OK) {
    char buf[160];
    g_error("round trip: %s", wire_diag_format(s, &d.diag, buf, sizeof buf));
  }
  g_assert_cmpuint(back->n_payloads, ==, m->n_payloads);
  size_t off = IKEV1_HDR_LEN;
  for (size_t i = 0; i < m->n_payloads; i++) {
    g_assert_cmpuint(back->payloads[i].type, ==, m->payloads[i].type);
    g_assert_cmpuint(back->payloads[i].off, ==, off);
    off += back->payloads[i].len;
    WireWriter a, b;
    wire_writer_init(&a);
    wire_writer_init(&b);
    g_assert_true(ikev1_payload_body_encode(&m->payloads[i], &a));
    g_assert_true(ikev1_payload_body_encode(&back->payloads[i], &b));
    g_assert_cmpmem(a.buf, a.len, b.buf, b.len);
    /* off/len slice out the payload as received */
    g_assert_cmpmem(e + back->payloads[i].off + 4, back->payloads[i].len - 4, b.buf, b.len);
    wire_writer_clear(&a);
    wire_writer_clear(&b);
  }
  g_assert_cmpmem(back->body.p, back->body.n, m->body.p, m->body.n);
  size_t n2;
  g_autofree uint8_t *e2 = encode_msg(back, &n2);
  g_assert_cmpmem(e, n, e2, n2);
}

static void test_round_trip(void)
{
  assert_round_trip(build_mm1);
  assert_round_trip(build_kitchen_sink);
  assert_round_trip(build_encrypted);

  g_autoptr(Ikev1Message) m = build_kitchen_sink();
  size_t n;
  g_autofree uint8_t *e = encode_msg(m, &n);
  g_autoptr(Ikev1Message) back = NULL;
  g_assert_cmpint(ikev1_message_decode(e, n, &back, NULL), ==, WIRE_OK);
  const Ikev1Sa *sa = &back->payloads[0].u.sa;
  g_assert_cmpuint(sa->n_proposals, ==, 3);
  g_assert_cmpuint(sa->proposals[1].num, ==, 1);
  g_assert_cmpuint(sa->proposals[1].n_transforms, ==, 2);
  const Ikev1Transform *t = &sa->proposals[1].transforms[1];
  g_assert_cmpuint(t->num, ==, 2);
  g_assert_cmpuint(attr(t, IKEV1_IPSEC_ATTR_LIFE_DURATION), ==, 0x123456789ull);
  g_assert_cmpuint(t->attrs[1].data.n, ==, 8);
  uint64_t v;
  g_assert_false(ikev1_transform_attr(t, IKEV1_IPSEC_ATTR_COMP_PRIV_ALG, &v)); /* 10 octets */
  g_assert_cmpuint(attr(t, 0x7f00), ==, 5);
  g_assert_cmpuint(sa->proposals[2].spi_size, ==, 2);
  const Ikev1Payload *id = ikev1_message_find(back, IKEV1_PL_ID, 1);
  g_assert_cmpuint(id->u.id.type, ==, IKEV1_ID_IPV4_ADDR_RANGE);
  g_assert_cmpuint(id->u.id.port, ==, 179);
  const Ikev1Notify *dpd = ikev1_message_find_notify(back, IKEV1_N_R_U_THERE);
  g_assert_nonnull(dpd);
  g_assert_cmpuint(dpd->dpd_seq, ==, 0x7fffffff);
  g_assert_cmpuint(dpd->spi_size, ==, 16);
  g_assert_cmpmem(dpd->spi, 16, "\x11\x11\x22\x22\x33\x33\x44\x44\x55\x55\x66\x66\x77\x77\x88\x88",
                  16);
  g_assert_cmpuint(ikev1_message_find_notify(back, IKEV1_N_R_U_THERE_ACK)->dpd_seq, ==, 1);
  g_assert_null(ikev1_message_find_notify(back, IKEV1_N_INITIAL_CONTACT));
  const Ikev1Payload *oa = ikev1_message_find(back, IKEV1_PL_NAT_OA_DRAFT, 0);
  g_assert_cmphex(oa->u.nat_oa.v4.v, ==, 0x64400001);

  /* an encrypted message keeps its body and no payloads */
  g_autoptr(Ikev1Message) em = build_encrypted();
  g_autofree uint8_t *ee = encode_msg(em, &n);
  g_autoptr(Ikev1Message) eb = NULL;
  g_assert_cmpint(ikev1_message_decode(ee, n, &eb, NULL), ==, WIRE_OK);
  g_assert_cmpuint(eb->n_payloads, ==, 0);
  g_assert_cmpuint(eb->hdr.next_payload, ==, IKEV1_PL_HASH);
  g_assert_cmpuint(eb->hdr.msg_id, ==, 0xdeadbeef);
  g_assert_cmpuint(eb->body.n, ==, 32);
}

/* Every cut of every message fails: with the header's length kept the datagram is short
 * (dropped, no notify); with the length patched to the cut an item runs past the end (a
 * notify names it). */
static void sweep(const uint8_t *msg, size_t n, bool encrypted)
{
  for (size_t cut = 0; cut < n; cut++) {
    g_autofree uint8_t *b = g_memdup2(msg, cut ? cut : 1);
    Ikev1Diag d;
    Ikev1Message *m = NULL;
    WireStatus s = ikev1_message_decode(b, cut, &m, &d);
    g_assert_cmpint(s, ==, WIRE_TRUNCATED);
    g_assert_null(m);
    g_assert_cmpuint(d.notify, ==, IKEV1_N_NONE);
    g_assert_cmpint(d.stage, ==, IKEV1_STAGE_HEADER);
    if (cut >= IKEV1_HDR_LEN && !encrypted) {
      wire_store_be32(b + 24, (uint32_t)cut);
      s = ikev1_message_decode(b, cut, &m, &d);
      g_assert_cmpint(s, !=, WIRE_OK);
      g_assert_null(m);
      g_assert_cmpint(d.stage, ==, IKEV1_STAGE_PAYLOAD);
      g_assert_cmpuint(d.notify, !=, IKEV1_N_NONE);
      g_assert_nonnull(d.diag.field);
      g_assert_cmpuint(d.diag.offset, <=, cut);
    }
  }
}

static void test_truncation_sweep(void)
{
  Ikev1Message *(*builders[])(void) = {build_mm1, build_kitchen_sink, build_encrypted};
  for (size_t i = 0; i < G_N_ELEMENTS(builders); i++) {
    g_autoptr(Ikev1Message) m = builders[i]();
    size_t n;
    g_autofree uint8_t *e = encode_msg(m, &n);
    sweep(e, n, i == 2);
  }
  /* the decrypted quick mode body: every cut of the chain fails, padding or not */
  g_autoptr(GBytes) b = tu_hex(kat_qm1_body);
  size_t n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  for (size_t cut = 0; cut < 152; cut++) {
    g_autoptr(Ikev1Message) m = ikev1_message_new(IKEV1_EXCH_QUICK, 1, 1, 2, 3);
    Ikev1Diag d;
    size_t pad;
    g_assert_cmpint(ikev1_payloads_decode(m, IKEV1_PL_HASH, p, cut, &pad, &d), !=, WIRE_OK);
    g_assert_cmpuint(m->n_payloads, ==, 0);
    g_assert_cmpuint(d.notify, !=, IKEV1_N_NONE);
  }
}

/* ---- malformed inputs ---- */

typedef struct {
  const char *name;
  Ikev1Message *(*build)(void); /* NULL: the main mode 1 KAT bytes */
  TuPatch patch[3];
  int len_delta;                /* datagram length change */
  WireStatus status;
  const char *field;
  uint16_t notify;
  uint64_t seen;
} BadCase;

static Ikev1Message *msg_with(uint8_t type, Ikev1Payload **out)
{
  Ikev1Message *m = ikev1_message_new(IKEV1_EXCH_INFORMATIONAL, 0, 1, 2, 3);
  *out = ikev1_message_add(m, type);
  return m;
}

static Ikev1Message *build_sa_base(Ikev1Sa **sa)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_SA, &p);
  p->u.sa.doi = IKEV1_DOI_IPSEC;
  p->u.sa.situation = IKEV1_SIT_IDENTITY_ONLY;
  *sa = &p->u.sa;
  return m;
}

static Ikev1Message *build_zero_proposals(void)
{
  Ikev1Sa *sa;
  return build_sa_base(&sa);
}

static Ikev1Message *build_proposals_backwards(void)
{
  Ikev1Sa *sa;
  Ikev1Message *m = build_sa_base(&sa);
  ikev1_proposal_add_transform(ikev1_sa_add_proposal(sa, 2, IKEV1_PROTO_IPSEC_ESP), 12);
  ikev1_proposal_add_transform(ikev1_sa_add_proposal(sa, 1, IKEV1_PROTO_IPSEC_ESP), 12);
  return m;
}

static Ikev1Message *build_zero_transforms(void)
{
  Ikev1Sa *sa;
  Ikev1Message *m = build_sa_base(&sa);
  ikev1_sa_add_proposal(sa, 1, IKEV1_PROTO_IPSEC_ESP);
  return m;
}

static Ikev1Message *build_short_nonce(void)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_NONCE, &p);
  ikev1_data_set(&p->u.nonce, "0123", 4);
  return m;
}

static Ikev1Message *build_long_nonce(void)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_NONCE, &p);
  uint8_t b[257] = {0};
  ikev1_data_set(&p->u.nonce, b, sizeof b);
  return m;
}

static Ikev1Message *build_short_subnet(void)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_ID, &p);
  p->u.id.type = IKEV1_ID_IPV4_ADDR_SUBNET;
  ikev1_data_set(&p->u.id.data, "\x0a\x00\x00\x00", 4);
  return m;
}

static Ikev1Message *build_unknown_id(void)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_ID, &p);
  p->u.id.type = 12;
  ikev1_data_set(&p->u.id.data, "x", 1);
  return m;
}

static Ikev1Message *build_empty_fqdn(void)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_ID, &p);
  p->u.id.type = IKEV1_ID_FQDN;
  return m;
}

static Ikev1Message *build_dpd_short(void)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_N, &p);
  ikev1_notify_set_dpd(&p->u.notify, false, 1, 2, 5);
  ikev1_data_set(&p->u.notify.data, "\x00\x00\x05", 3);
  return m;
}

static Ikev1Message *build_notify_doi(void)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_N, &p);
  p->u.notify.doi = 7;
  p->u.notify.type = IKEV1_N_INITIAL_CONTACT;
  return m;
}

static Ikev1Message *build_delete_lies(void)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_D, &p);
  p->u.del.doi = IKEV1_DOI_IPSEC;
  p->u.del.protocol = IKEV1_PROTO_IPSEC_ESP;
  p->u.del.spi_size = 4;
  p->u.del.n_spis = 2;
  ikev1_data_set(&p->u.del.spis, "\x01\x02\x03\x04", 4);
  return m;
}

static Ikev1Message *build_nat_oa_fqdn(void)
{
  Ikev1Payload *p;
  Ikev1Message *m = msg_with(IKEV1_PL_NAT_OA, &p);
  p->u.nat_oa.id_type = IKEV1_ID_FQDN;
  return m;
}

static Ikev1Message *build_empty_hash(void)
{
  Ikev1Payload *p;
  return msg_with(IKEV1_PL_HASH, &p);
}

static Ikev1Message *build_empty_ke(void)
{
  Ikev1Payload *p;
  return msg_with(IKEV1_PL_KE, &p);
}

static const BadCase bad_cases[] = {
    {"datagram shorter than the header", .len_delta = -200, .status = WIRE_TRUNCATED,
     .field = "message id", .notify = IKEV1_N_NONE, .seen = 0},
    {"length field below the header", .patch = {{24, "00000014"}}, .status = WIRE_MALFORMED,
     .field = "message length", .notify = IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS, .seen = 20},
    {"length field above the datagram", .patch = {{24, "000000e0"}},
     .status = WIRE_TRUNCATED, .field = "message length", .notify = IKEV1_N_NONE, .seen = 220},
    {"IKEv2 header", .patch = {{17, "20"}}, .status = WIRE_UNSUPPORTED,
     .field = "major version", .notify = IKEV1_N_INVALID_MAJOR_VERSION, .seen = 2},
    {"minor version 1", .patch = {{17, "11"}}, .status = WIRE_UNSUPPORTED,
     .field = "minor version", .notify = IKEV1_N_INVALID_MINOR_VERSION, .seen = 1},
    {"unknown flag", .patch = {{19, "08"}}, .status = WIRE_MALFORMED, .field = "flags",
     .notify = IKEV1_N_INVALID_FLAGS, .seen = 8},
    {"SA with another DOI", .patch = {{32, "00000002"}}, .status = WIRE_UNSUPPORTED,
     .field = "DOI", .notify = IKEV1_N_DOI_NOT_SUPPORTED, .seen = 2},
    {"SA with SIT_SECRECY", .patch = {{36, "00000002"}}, .status = WIRE_UNSUPPORTED,
     .field = "situation", .notify = IKEV1_N_SITUATION_NOT_SUPPORTED, .seen = 2},
    {"proposal says more follow", .patch = {{40, "02"}}, .status = WIRE_MALFORMED,
     .field = "proposal next payload", .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = 2},
    {"proposal length lies", .patch = {{42, "0070"}}, .status = WIRE_MALFORMED,
     .field = "proposal length", .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = 108},
    {"proposal protocol 0", .patch = {{45, "00"}}, .status = WIRE_MALFORMED,
     .field = "protocol id", .notify = IKEV1_N_INVALID_PROTOCOL_ID, .seen = 0},
    {"SPI size 17", .patch = {{46, "11"}}, .status = WIRE_MALFORMED, .field = "SPI size",
     .notify = IKEV1_N_INVALID_SPI, .seen = 17},
    {"more transforms announced than present", .patch = {{47, "03"}},
     .status = WIRE_MALFORMED, .field = "transform next payload",
     .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = 0},
    {"fewer transforms announced than present", .patch = {{47, "01"}},
     .status = WIRE_MALFORMED, .field = "transform next payload",
     .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = 3},
    {"transform length lies", .patch = {{50, "0060"}}, .status = WIRE_MALFORMED,
     .field = "transform length", .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = 92},
    {"TLV attribute length lies", .patch = {{116, "000c 0010"}}, .status = WIRE_MALFORMED,
     .field = "attribute length", .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = 16},
    {"basic attribute in variable form", .patch = {{56, "0001 0002"}},
     .status = WIRE_MALFORMED, .field = "attribute format",
     .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = IKEV1_ATTR_ENCRYPTION},
    {"payload past message end", .patch = {{30, "00f0"}}, .status = WIRE_MALFORMED,
     .field = "payload length", .notify = IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS, .seen = 236},
    {"payload length below 4", .patch = {{30, "0002"}}, .status = WIRE_MALFORMED,
     .field = "payload length", .notify = IKEV1_N_PAYLOAD_MALFORMED, .seen = 2},
    {"unknown payload type", .patch = {{16, "30"}}, .status = WIRE_UNSUPPORTED,
     .field = "next payload", .notify = IKEV1_N_INVALID_PAYLOAD_TYPE, .seen = 48},
    {"proposal substructure in the chain", .patch = {{16, "02"}}, .status = WIRE_UNSUPPORTED,
     .field = "next payload", .notify = IKEV1_N_INVALID_PAYLOAD_TYPE, .seen = 2},
    {"next payload announces a missing payload", .patch = {{200, "0d"}},
     .status = WIRE_TRUNCATED, .field = "next payload",
     .notify = IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS, .seen = 13},
    {"trailing bytes after the chain", .patch = {{16, "00"}}, .status = WIRE_MALFORMED,
     .field = "trailing bytes", .notify = IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS, .seen = 192},
    {"zero proposals", .build = build_zero_proposals, .status = WIRE_MALFORMED,
     .field = "proposals", .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = 0},
    {"proposal numbers decrease", .build = build_proposals_backwards,
     .status = WIRE_MALFORMED, .field = "proposal number",
     .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = 1},
    {"zero transforms", .build = build_zero_transforms, .status = WIRE_MALFORMED,
     .field = "number of transforms", .notify = IKEV1_N_BAD_PROPOSAL_SYNTAX, .seen = 0},
    {"nonce shorter than 8", .build = build_short_nonce, .status = WIRE_MALFORMED,
     .field = "nonce length", .notify = IKEV1_N_PAYLOAD_MALFORMED, .seen = 4},
    {"nonce longer than 256", .build = build_long_nonce, .status = WIRE_MALFORMED,
     .field = "nonce length", .notify = IKEV1_N_PAYLOAD_MALFORMED, .seen = 257},
    {"IPv4 subnet ID of 4 octets", .build = build_short_subnet, .status = WIRE_MALFORMED,
     .field = "identification data", .notify = IKEV1_N_INVALID_ID_INFORMATION, .seen = 4},
    {"unknown ID type", .build = build_unknown_id, .status = WIRE_UNSUPPORTED,
     .field = "ID type", .notify = IKEV1_N_INVALID_ID_INFORMATION, .seen = 12},
    {"empty FQDN", .build = build_empty_fqdn, .status = WIRE_MALFORMED,
     .field = "identification data", .notify = IKEV1_N_INVALID_ID_INFORMATION, .seen = 0},
    {"DPD sequence of 3 octets", .build = build_dpd_short, .status = WIRE_MALFORMED,
     .field = "DPD sequence number", .notify = IKEV1_N_PAYLOAD_MALFORMED, .seen = 3},
    {"notify with DOI 7", .build = build_notify_doi, .status = WIRE_UNSUPPORTED,
     .field = "DOI", .notify = IKEV1_N_DOI_NOT_SUPPORTED, .seen = 7},
    {"delete count lies", .build = build_delete_lies, .status = WIRE_MALFORMED,
     .field = "number of SPIs", .notify = IKEV1_N_PAYLOAD_MALFORMED, .seen = 2},
    {"NAT-OA with an FQDN", .build = build_nat_oa_fqdn, .status = WIRE_MALFORMED,
     .field = "NAT-OA ID type", .notify = IKEV1_N_PAYLOAD_MALFORMED, .seen = 2},
    {"empty HASH", .build = build_empty_hash, .status = WIRE_MALFORMED, .field = "hash data",
     .notify = IKEV1_N_INVALID_HASH_INFORMATION, .seen = 0},
    {"empty KE", .build = build_empty_ke, .status = WIRE_MALFORMED,
     .field = "key exchange data", .notify = IKEV1_N_INVALID_KEY_INFORMATION, .seen = 0},
};

static void test_malformed(void)
{
  for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
    const BadCase *c = &bad_cases[i];
    g_test_message("case: %s", c->name);
    size_t n;
    uint8_t *b;
    if (c->build) {
      g_autoptr(Ikev1Message) m = c->build();
      b = encode_msg(m, &n);
    } else {
      b = tu_hex_dup(kat_mm1, &n);
    }
    tu_apply_patches(b, n, c->patch, G_N_ELEMENTS(c->patch));
    n = (size_t)((ptrdiff_t)n + c->len_delta);
    Ikev1Diag d;
    Ikev1Message *m = NULL;
    WireStatus s = ikev1_message_decode(b, n, &m, &d);
    if (s != c->status || g_strcmp0(d.diag.field, c->field) != 0 || d.notify != c->notify ||
        d.diag.seen != c->seen) {
      char buf[160], nb[NAME_BUFSZ];
      g_error("case '%s': got %s, notify %s; want %s in '%s' seen %" G_GUINT64_FORMAT,
              c->name, wire_diag_format(s, &d.diag, buf, sizeof buf),
              name_fmt(&ikev1_notify_names, d.notify, nb), wire_status_name(c->status),
              c->field, c->seen);
    }
    g_assert_null(m);
    g_free(b);
  }
}

static void test_vendor_ids(void)
{
  /* the table's MD5 values, recomputed here (GLib's MD5, not the table) */
  static const struct {
    Ikev1VendorId id;
    const char *text;
  } md5s[] = {{IKEV1_VID_RFC3947, "RFC 3947"},
              {IKEV1_VID_NATT_DRAFT_03, "draft-ietf-ipsec-nat-t-ike-03"},
              {IKEV1_VID_NATT_DRAFT_02, "draft-ietf-ipsec-nat-t-ike-02"},
              {IKEV1_VID_NATT_DRAFT_02N, "draft-ietf-ipsec-nat-t-ike-02\n"},
              {IKEV1_VID_NATT_DRAFT_00, "draft-ietf-ipsec-nat-t-ike-00"},
              {IKEV1_VID_XAUTH, "draft-ietf-ipsra-isakmp-xauth-06.txt"},
              {IKEV1_VID_FRAGMENTATION, "FRAGMENTATION"},
              {IKEV1_VID_MS_NT5, "MS NT5 ISAKMPOAKLEY"},
              {IKEV1_VID_STRONGSWAN, "strongSwan"}};
  for (size_t i = 0; i < G_N_ELEMENTS(md5s); i++) {
    g_autoptr(GChecksum) c = g_checksum_new(G_CHECKSUM_MD5);
    g_checksum_update(c, (const guchar *)md5s[i].text, (gssize)strlen(md5s[i].text));
    uint8_t d[16];
    gsize dn = sizeof d;
    g_checksum_get_digest(c, d, &dn);
    size_t n;
    const uint8_t *b = ikev1_vendor_id_bytes(md5s[i].id, &n);
    g_assert_nonnull(b);
    g_assert_cmpmem(b, MIN(n, 16), d, MIN(n, 16));
    g_assert_cmpint(ikev1_vendor_id_match(b, n), ==, md5s[i].id);
  }
  /* RFC 3706 4: any DPD version; fragmentation with or without flags; Windows versions */
  g_autoptr(GBytes) dpd11 = tu_hex("afcad71368a1f1c96b8696fc77570101");
  g_autoptr(GBytes) frag16 = tu_hex("4048b7d56ebce88525e7de7f00d6c2d3");
  g_autoptr(GBytes) frag_cisco = tu_hex("4048b7d56ebce88525e7de7f00d6c2d3c0000000");
  g_autoptr(GBytes) win7 = tu_hex("1e2b516905991c7d7c96fcbfb587e46100000008");
  g_autoptr(GBytes) rfc3947_long = tu_hex("4a131c81070358455c5728f20e95452f00");
  g_autoptr(GBytes) dpd_short = tu_hex("afcad71368a1f1c96b8696fc7757");
  GBytes *yes[] = {dpd11, frag16, frag_cisco, win7};
  Ikev1VendorId yes_id[] = {IKEV1_VID_DPD, IKEV1_VID_FRAGMENTATION, IKEV1_VID_FRAGMENTATION,
                            IKEV1_VID_MS_NT5};
  for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
    size_t n;
    const uint8_t *p = g_bytes_get_data(yes[i], &n);
    g_assert_cmpint(ikev1_vendor_id_match(p, n), ==, yes_id[i]);
  }
  size_t n;
  const uint8_t *p = g_bytes_get_data(rfc3947_long, &n);
  g_assert_cmpint(ikev1_vendor_id_match(p, n), ==, IKEV1_VID_UNKNOWN);
  p = g_bytes_get_data(dpd_short, &n);
  g_assert_cmpint(ikev1_vendor_id_match(p, n), ==, IKEV1_VID_DPD); /* the 14-octet stem */
  g_assert_cmpint(ikev1_vendor_id_match((const uint8_t *)"", 0), ==, IKEV1_VID_UNKNOWN);
  g_assert_null(ikev1_vendor_id_bytes(IKEV1_VID_UNKNOWN, &n));
  g_assert_cmpuint(n, ==, 0);
}

static void test_id_helpers(void)
{
  Ikev1Id id = {0};
  Ipv4Range r;
  ikev1_id_set_ipv4_range(&id, (Ipv4Range){ipv4_addr(10, 0, 0, 0), ipv4_addr(10, 0, 255, 255)},
                          0, 0);
  g_assert_cmpuint(id.type, ==, IKEV1_ID_IPV4_ADDR_SUBNET);
  tu_assert_hex(id.data.p, id.data.n, "0a000000 ffff0000");
  ikev1_id_set_ipv4_range(&id, (Ipv4Range){ipv4_addr(0, 0, 0, 0), ipv4_addr(255, 255, 255, 255)},
                          0, 0);
  tu_assert_hex(id.data.p, id.data.n, "00000000 00000000"); /* /0 */
  g_assert_true(ikev1_id_ipv4_range(&id, &r));
  g_assert_cmphex(r.last.v, ==, 0xffffffff);
  ikev1_id_set_ipv4_range(&id, (Ipv4Range){ipv4_addr(192, 0, 2, 1), ipv4_addr(192, 0, 2, 1)},
                          17, 500);
  g_assert_cmpuint(id.type, ==, IKEV1_ID_IPV4_ADDR);
  tu_assert_hex(id.data.p, id.data.n, "c0000201");
  g_assert_true(ikev1_id_ipv4_range(&id, &r));
  g_assert_cmphex(r.first.v, ==, r.last.v);
  /* a mask with holes, a backwards range, a name: no range */
  id.type = IKEV1_ID_IPV4_ADDR_SUBNET;
  ikev1_data_set(&id.data, "\x0a\x00\x00\x00\xff\x00\xff\x00", 8);
  g_assert_false(ikev1_id_ipv4_range(&id, &r));
  id.type = IKEV1_ID_IPV4_ADDR_RANGE;
  ikev1_data_set(&id.data, "\x0a\x00\x00\x09\x0a\x00\x00\x05", 8);
  g_assert_false(ikev1_id_ipv4_range(&id, &r));
  id.type = IKEV1_ID_FQDN;
  g_assert_false(ikev1_id_ipv4_range(&id, &r));
  g_free(id.data.p);
}

static void test_names(void)
{
  char buf[NAME_BUFSZ];
  g_assert_cmpstr(name_fmt(&ikev1_notify_names, 36136, buf), ==, "R-U-THERE");
  g_assert_cmpstr(name_fmt(&ikev1_notify_names, 36137, buf), ==, "R-U-THERE-ACK");
  g_assert_cmpstr(name_fmt(&ikev1_notify_names, 12345, buf), ==, "<12345>");
  g_assert_cmpstr(name_fmt(&ikev1_exchange_names, 32, buf), ==, "QUICK_MODE");
  g_assert_cmpstr(name_fmt(&ikev1_payload_names, 20, buf), ==, "NAT-D");
  g_assert_cmpstr(name_fmt(&ikev1_payload_names, 99, buf), ==, "<99>");
  g_assert_cmpstr(name_fmt(ikev1_attr_value_names(IKEV1_PROTO_IPSEC_ESP,
                                                  IKEV1_IPSEC_ATTR_ENCAP_MODE), 3, buf),
                  ==, "UDP-Encapsulated-Tunnel");
  g_assert_cmpstr(name_fmt(ikev1_attr_value_names(IKEV1_PROTO_ISAKMP, IKEV1_ATTR_ENCRYPTION),
                           7, buf),
                  ==, "AES-CBC");
  g_assert_cmpstr(name_fmt(ikev1_attr_names(IKEV1_PROTO_ISAKMP), 12, buf), ==,
                  "Life Duration");
  g_assert_cmpstr(name_fmt(ikev1_attr_names(IKEV1_PROTO_IPSEC_ESP), 4, buf), ==,
                  "Encapsulation Mode");
  g_assert_cmpstr(name_fmt(ikev1_transform_names(IKEV1_PROTO_IPSEC_ESP), 12, buf), ==,
                  "ESP_AES");
  g_assert_null(ikev1_attr_value_names(IKEV1_PROTO_ISAKMP, IKEV1_ATTR_LIFE_DURATION));
  g_assert_null(ikev1_transform_names(9));
  g_assert_null(ikev1_attr_names(0));
  g_assert_true(ikev1_notify_is_error(IKEV1_N_PAYLOAD_MALFORMED));
  g_assert_false(ikev1_notify_is_error(IKEV1_N_R_U_THERE));
  g_assert_false(ikev1_notify_is_error(IKEV1_N_INITIAL_CONTACT));
  /* every table names what it holds and has rows */
  const NameTable *all[] = {
      &ikev1_payload_names,     &ikev1_exchange_names,      &ikev1_flag_names,
      &ikev1_protocol_names,    &ikev1_ah_transform_names,  &ikev1_esp_transform_names,
      &ikev1_ipcomp_transform_names, &ikev1_p1_attr_names,  &ikev1_encr_names,
      &ikev1_hash_names,        &ikev1_auth_method_names,   &ikev1_group_names,
      &ikev1_group_type_names,  &ikev1_life_type_names,     &ikev1_ipsec_attr_names,
      &ikev1_encap_names,       &ikev1_auth_alg_names,      &ikev1_id_type_names,
      &ikev1_cert_encoding_names, &ikev1_notify_names,      &ikev1_doi_names,
      &ikev1_situation_names,   &ikev1_vendor_names};
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
    g_assert_nonnull(all[i]->what);
    g_assert_cmpuint(all[i]->n, >, 0);
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev1_codec/kat_mm1_decode", test_kat_mm1_decode);
  g_test_add_func("/ikev1_codec/kat_mm1_encode", test_kat_mm1_encode);
  g_test_add_func("/ikev1_codec/kat_qm1_body", test_kat_qm1_body);
  g_test_add_func("/ikev1_codec/round_trip", test_round_trip);
  g_test_add_func("/ikev1_codec/truncation_sweep", test_truncation_sweep);
  g_test_add_func("/ikev1_codec/malformed", test_malformed);
  g_test_add_func("/ikev1_codec/vendor_ids", test_vendor_ids);
  g_test_add_func("/ikev1_codec/id_helpers", test_id_helpers);
  g_test_add_func("/ikev1_codec/names", test_names);
  return g_test_run();
}
