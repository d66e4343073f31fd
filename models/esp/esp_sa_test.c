/* SPDX-License-Identifier: MIT */
/* Tests of the ESP data path: RFC 3602 section 4 known packets (AES-CBC), the
 * draft-mcgrew-gcm-test-01 section 4 known packets (AES-GCM ESP), round trips for every
 * transform pair, tampering, bad padding, truncation at every length, unknown SPI,
 * sequence overflow, lifetimes and invalid configurations. */
#include "models/esp/esp_sa.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

static EspSa *sa_make(uint32_t spi, EspDirection dir, IkeEncrId encr, unsigned bits,
                      IkeIntegId integ, const uint8_t *ek, size_t ekl, const uint8_t *ak,
                      size_t akl)
{
  EspSaConfig cfg = {.spi = spi, .dir = dir, .encr = encr, .encr_key_bits = bits,
                     .integ = integ, .encr_key = ek, .encr_key_len = ekl, .integ_key = ak,
                     .integ_key_len = akl, .tunnel_src = ipv4_addr(192, 0, 2, 1),
                     .tunnel_dst = ipv4_addr(198, 51, 100, 1)};
  memset(cfg.iv_seed, 0x5a, sizeof cfg.iv_seed);
  const char *why = NULL;
  EspSa *sa = esp_sa_new(&cfg, &why);
  if (!sa)
    g_error("esp_sa_new: %s", why);
  return sa;
}

static const uint8_t *B(GBytes *b, size_t *n) { return g_bytes_get_data(b, n); }

/* Decapsulate as a lone SA's user does: the SA reads the header, the inner header is not
 * wanted. */
static EspStatus decap(EspSa *sa, const uint8_t *pkt, size_t len, uint8_t *out, size_t cap,
                       size_t *inner_len, WireDiag *diag)
{
  return esp_sa_decapsulate(sa, NULL, pkt, len, out, cap, inner_len, NULL, diag);
}

/* ---- RFC 3602 section 4 ---- */

/* RFC 3602 4, "Case #5: Sample transport-mode ESP packet (ping 192.168.123.100)":
 * AES-CBC-128, no integrity, SPI 0x4321, sequence 1, ICMP payload (Next Header 1). */
static void test_rfc3602_case5(void)
{
  g_autoptr(GBytes) key = tu_hex("90d382b4 10eeba7a d938c46c ec1a82bf");
  g_autoptr(GBytes) iv = tu_hex("e96e8c08 ab465763 fd098d45 dd3ff893");
  /* Data (64 bytes): the ICMP echo request after the transport-mode IP header */
  g_autoptr(GBytes) data = tu_hex(
      "08000ebd a70a0000 8e9c083d b95b0700 08090a0b 0c0d0e0f 10111213 14151617"
      "18191a1b 1c1d1e1f 20212223 24252627 28292a2b 2c2d2e2f 30313233 34353637");
  /* Post-encryption packet after the IP header: SPI/Seq, IV, Encrypted Data (80 bytes) */
  static const char *esp_hex =
      "00004321 00000001"
      "e96e8c08 ab465763 fd098d45 dd3ff893"
      "f663c25d 325c18c6 a9453e19 4e120849 a4870b66 cc6b9965 330013b4 898dc856"
      "a4699e52 3a55db08 0b59ec3a 8e4b7e52 775b07d1 db34ed9c 538ab50c 551b874a"
      "a269add0 47ad2d59 13ac19b7 cfbad4a6";
  size_t kn, dn, ivn;
  const uint8_t *k = B(key, &kn), *d = B(data, &dn), *ivp = B(iv, &ivn);
  EspSa *out = sa_make(0x4321, ESP_DIR_OUT, ENCR_AES_CBC, 128, AUTH_NONE, k, kn, NULL, 0);
  uint8_t pkt[256];
  size_t len;
  g_assert_cmpint(esp_sa_seal_payload(out, d, dn, 1, ivp, pkt, sizeof pkt, &len), ==, ESP_OK);
  tu_assert_hex(pkt, len, esp_hex);

  EspSa *in = sa_make(0x4321, ESP_DIR_IN, ENCR_AES_CBC, 128, AUTH_NONE, k, kn, NULL, 0);
  uint8_t pt[256];
  size_t plen;
  uint8_t nh;
  g_assert_cmpint(esp_sa_open_payload(in, pkt, len, pt, sizeof pt, &plen, &nh, NULL), ==,
                  ESP_OK);
  g_assert_cmpuint(nh, ==, 1);
  g_assert_cmpmem(pt, plen, d, dn);
  /* the pre-encryption data of the RFC, padding 01..0e, pad length 0e, next header 01 */
  tu_assert_hex(pt + 64, 16, "01020304 05060708 090a0b0c 0d0e0e01");
  /* a tunnel-mode SA refuses it: Next Header is ICMP, not IPv4 */
  EspSa *in2 = sa_make(0x4321, ESP_DIR_IN, ENCR_AES_CBC, 128, AUTH_NONE, k, kn, NULL, 0);
  size_t ilen;
  WireDiag diag;
  g_assert_cmpint(decap(in2, pkt, len, pt, sizeof pt, &ilen, &diag), ==,
                  ESP_ERR_NEXT_HEADER);
  g_assert_cmpstr(diag.field, ==, "next header");
  esp_sa_free(in2);
  esp_sa_free(in);
  esp_sa_free(out);
}

/* RFC 3602 4, "Case #7: Sample tunnel-mode ESP packet (ping 192.168.123.200)":
 * AES-CBC-128, no integrity, SPI 0x8765, sequence 2, inner IPv4 packet (Next Header 4). */
static void test_rfc3602_case7(void)
{
  g_autoptr(GBytes) key = tu_hex("01234567 89abcdef 01234567 89abcdef");
  g_autoptr(GBytes) iv = tu_hex("f4e76524 4f6407ad f13dc138 0f673f37");
  /* Original packet: the whole inner IPv4 ICMP echo (84 bytes) */
  g_autoptr(GBytes) inner = tu_hex(
      "45000054 09040000 4001f988 c0a87b03 c0a87bc8 08009f76 a90a0100 b49c083d"
      "02a20400 08090a0b 0c0d0e0f 10111213 14151617 18191a1b 1c1d1e1f 20212223"
      "24252627 28292a2b 2c2d2e2f 30313233 34353637");
  static const char *esp_hex =
      "00008765 00000002"
      "f4e76524 4f6407ad f13dc138 0f673f37"
      "773b5241 a4c44922 5e4f3ce5 ed611b0c 237ca96c f74a9301 3c1b0ea1 a0cf70f8"
      "e4ecaec7 8ac53aad 7a0f022b 859243c6 47752e94 a859352b 8a4d4d2d ecd136e5"
      "c177f132 ad3fbfb2 201ac990 4c74ee0a 109e0ca1 e4dfe9d5 a100b842 f1c22f0d";
  size_t kn, in_n, ivn;
  const uint8_t *k = B(key, &kn), *ip = B(inner, &in_n), *ivp = B(iv, &ivn);
  EspSa *out = sa_make(0x8765, ESP_DIR_OUT, ENCR_AES_CBC, 128, AUTH_NONE, k, kn, NULL, 0);
  esp_sa_set_seq(out, 1);
  uint8_t pkt[256];
  size_t len;
  g_assert_cmpint(esp_sa_seal_payload(out, ip, in_n, ESP_NEXT_HEADER_IPV4, ivp, pkt, sizeof pkt,
                                      &len),
                  ==, ESP_OK);
  tu_assert_hex(pkt, len, esp_hex);
  g_assert_cmpuint(esp_sa_encap_len(out, in_n), ==, len);

  EspSa *in = sa_make(0x8765, ESP_DIR_IN, ENCR_AES_CBC, 128, AUTH_NONE, k, kn, NULL, 0);
  uint8_t pt[256];
  size_t ilen;
  g_assert_cmpint(decap(in, pkt, len, pt, sizeof pt, &ilen, NULL), ==, ESP_OK);
  g_assert_cmpmem(pt, ilen, ip, in_n);
  /* RFC 4303 2.2: without integrity there is no anti-replay service: the same packet
   * again is accepted (an SA with an ICV refuses it, see replay_path_1024 and tamper) */
  g_assert_cmpint(decap(in, pkt, len, pt, sizeof pt, &ilen, NULL), ==, ESP_OK);
  g_assert_cmpuint(esp_sa_seq(in), ==, 0);
  esp_sa_free(in);
  esp_sa_free(out);
}

/* ---- draft-mcgrew-gcm-test-01 section 4 (AES-GCM in ESP, RFC 4106) ---- */

typedef struct {
  const char *what;
  unsigned bits;
  const char *keymat; /* key || salt */
  uint32_t spi, seq;
  const char *iv;
  const char *plaintext; /* inner packet, padding, pad length, next header */
  size_t payload_len;
  uint8_t next_header;
  const char *packet; /* SPI .. ICV */
} GcmVector;

static const GcmVector gcm_vectors[] = {
    /* draft-mcgrew-gcm-test-01 4, the first test case: AES-128 key
     * feffe9928665731c6d6a8f9467308308, salt cafebabe, SPI 0x0000a5f8, sequence 0xa,
     * IV facedbaddecaf888; a 62-octet IPv4/UDP DNS query, no padding. */
    {"draft-mcgrew-gcm-test-01 4 (AES-128)", 128,
     "feffe992 8665731c 6d6a8f94 67308308 cafebabe", 0x0000a5f8, 0x0000000a,
     "facedbad decaf888",
     "4500003e 698f0000 80114dcc c0a80102 c0a80101 0a980035 002a2343 b2d00100"
     "00010000 00000000 03736970 09637962 65726369 74790264 6b000001 00010001",
     62, 1,
     "0000a5f8 0000000a facedbad decaf888"
     "deb22cd9 b07c72c1 6e3a65be eb8df304 a5a5897d 33ae530f 1ba76d5d 114d2a5c"
     "3de81827 c10e9a4f 51330d0e ec416642 cfbb85a5 b47e48a4 ec3b9ba9 5d918bd1"
     "83b70d3a a8bc6ee4 c309e9d8 5a41ad4a"},
    /* draft-mcgrew-gcm-test-01 4: AES-256 key abbccddef00112233445566778899aab (twice),
     * salt 11223344, SPI 0x4a2cbfe3, sequence 2, IV 0102030405060708; a 48-octet IPv4/TCP
     * SYN, 2 padding octets. */
    {"draft-mcgrew-gcm-test-01 4 (AES-256)", 256,
     "abbccdde f0011223 34455667 78899aab abbccdde f0011223 34455667 78899aab 11223344",
     0x4a2cbfe3, 2, "01020304 05060708",
     "45000030 69a64000 80062690 c0a80102 9389155e 0a9e008b 2dc57ee0 00000000"
     "70024000 20bf0000 020405b4 01010402 01020201",
     48, 1,
     "4a2cbfe3 00000002 01020304 05060708"
     "ff425c9b 724599df 7a3bcd51 0194e00d 6a78107f 1b0b1cbf 06efae9d 65a5d763"
     "748a6379 85771d34 7f054565 9f14e99d ef842d8e b335f4ee cfdbf831 824b4c49"
     "15956c96"},
};

static void test_gcm_vectors(void)
{
  for (size_t v = 0; v < G_N_ELEMENTS(gcm_vectors); v++) {
    const GcmVector *t = &gcm_vectors[v];
    g_test_message("%s", t->what);
    g_autoptr(GBytes) km = tu_hex(t->keymat);
    g_autoptr(GBytes) iv = tu_hex(t->iv);
    g_autoptr(GBytes) plain = tu_hex(t->plaintext);
    size_t kn, ivn, pn;
    const uint8_t *k = B(km, &kn), *ivp = B(iv, &ivn), *p = B(plain, &pn);
    EspSa *out = sa_make(t->spi, ESP_DIR_OUT, ENCR_AES_GCM_16, t->bits, AUTH_NONE, k, kn, NULL, 0);
    esp_sa_set_seq(out, t->seq - 1);
    uint8_t pkt[256];
    size_t len;
    g_assert_cmpint(esp_sa_seal_payload(out, p, t->payload_len, t->next_header, ivp, pkt,
                                        sizeof pkt, &len),
                    ==, ESP_OK);
    tu_assert_hex(pkt, len, t->packet);

    EspSa *in = sa_make(t->spi, ESP_DIR_IN, ENCR_AES_GCM_16, t->bits, AUTH_NONE, k, kn, NULL, 0);
    uint8_t pt[256];
    size_t plen;
    uint8_t nh;
    g_assert_cmpint(esp_sa_open_payload(in, pkt, len, pt, sizeof pt, &plen, &nh, NULL), ==,
                    ESP_OK);
    g_assert_cmpuint(nh, ==, t->next_header);
    g_assert_cmpuint(plen, ==, t->payload_len);
    g_assert_cmpmem(pt, pn, p, pn); /* the whole plaintext, trailer included */
    /* the AAD is SPI || sequence: changing the sequence number breaks the tag */
    EspSa *in2 = sa_make(t->spi, ESP_DIR_IN, ENCR_AES_GCM_16, t->bits, AUTH_NONE, k, kn, NULL, 0);
    pkt[7] ^= 0x40;
    g_assert_cmpint(esp_sa_open_payload(in2, pkt, len, pt, sizeof pt, &plen, &nh, NULL), ==,
                    ESP_ERR_ICV);
    esp_sa_free(in2);
    esp_sa_free(in);
    esp_sa_free(out);
  }
}

/* ---- every transform pair ---- */

typedef struct {
  IkeEncrId encr;
  unsigned bits;
  IkeIntegId integ;
} Pair;

/* Every encryption row with every integrity algorithm it may take. */
static GArray *all_pairs(void)
{
  GArray *a = g_array_new(FALSE, FALSE, sizeof(Pair));
  size_t ne, ni;
  const EspEncrInfo *e = esp_encr_all(&ne);
  const EspIntegInfo *i = esp_integ_all(&ni);
  for (size_t x = 0; x < ne; x++)
    for (size_t y = 0; y < ni; y++) {
      if (e[x].aead_icv_len && i[y].id != AUTH_NONE)
        continue;
      if (e[x].id == ENCR_NULL && i[y].id == AUTH_NONE)
        continue;
      Pair p = {e[x].id, e[x].key_bits, i[y].id};
      g_array_append_val(a, p);
    }
  return a;
}

static void keys_for(const Pair *p, uint8_t *ek, size_t *ekl, uint8_t *ak, size_t *akl,
                     uint8_t salt)
{
  const EspEncrInfo *e = esp_encr_info(p->encr, p->bits);
  const EspIntegInfo *i = esp_integ_info(p->integ);
  *ekl = e->key_len + e->salt_len;
  *akl = i->key_len;
  for (size_t k = 0; k < *ekl; k++)
    ek[k] = (uint8_t)(0x11 * k + salt);
  for (size_t k = 0; k < *akl; k++)
    ak[k] = (uint8_t)(0x37 + 3 * k + salt);
}

/* An inner IPv4 packet of n octets (n >= 20) with a recognisable body. */
static void make_inner(uint8_t *p, size_t n, uint8_t fill)
{
  memset(p, 0, n);
  p[0] = 0x45;
  p[2] = (uint8_t)(n >> 8);
  p[3] = (uint8_t)n;
  p[8] = 64;
  p[9] = 1;
  for (size_t k = 20; k < n; k++)
    p[k] = (uint8_t)(k * 7 + fill);
}

static void test_roundtrip_all_pairs(void)
{
  g_autoptr(GArray) pairs = all_pairs();
  /* NULL x 3 integrity, DES and 3DES x 4, AES-CBC 3 sizes x 4, GCM 3 ICVs x 3 sizes */
  g_assert_cmpuint(pairs->len, ==, 3 + 4 + 4 + 12 + 9);
  for (guint k = 0; k < pairs->len; k++) {
    const Pair *p = &g_array_index(pairs, Pair, k);
    const EspEncrInfo *e = esp_encr_info(p->encr, p->bits);
    const EspIntegInfo *i = esp_integ_info(p->integ);
    g_test_message("%s + %s", e->name, i->name);
    uint8_t ek[64], ak[64];
    size_t ekl, akl;
    keys_for(p, ek, &ekl, ak, &akl, (uint8_t)k);
    EspSa *out = sa_make(0x1000 + k, ESP_DIR_OUT, p->encr, p->bits, p->integ, ek, ekl, ak, akl);
    EspSa *in = sa_make(0x1000 + k, ESP_DIR_IN, p->encr, p->bits, p->integ, ek, ekl, ak, akl);
    const size_t sizes[] = {20, 21, 22, 23, 24, 40, 63, 64, 65, 84, 1400, 1500};
    uint8_t pkt_last[1600], back_last[1600];
    size_t len_last = 0, blen_last;
    for (size_t s = 0; s < G_N_ELEMENTS(sizes); s++) {
      size_t n = sizes[s];
      uint8_t inner[1500], pkt[1600], back[1600];
      make_inner(inner, n, (uint8_t)s);
      size_t len, blen;
      g_assert_cmpint(esp_sa_encapsulate(out, inner, n, pkt, sizeof pkt, &len), ==, ESP_OK);
      g_assert_cmpuint(len, ==, esp_sa_encap_len(out, n));
      size_t icv = e->aead_icv_len + i->icv_len;
      /* RFC 4303 2.4: the ciphertext is block- and 4-octet aligned */
      g_assert_cmpuint((len - 8 - e->iv_len - icv) % (e->block > 4 ? e->block : 4), ==, 0);
      /* encrypted: the body does not appear in clear (except with NULL encryption) */
      if (p->encr != ENCR_NULL && n >= 40)
        g_assert_null(memmem(pkt, len, inner + 20, 16));
      else if (n >= 40)
        g_assert_nonnull(memmem(pkt, len, inner + 20, 16));
      WireDiag d;
      g_assert_cmpint(decap(in, pkt, len, back, sizeof back, &blen, &d), ==,
                      ESP_OK);
      g_assert_cmpmem(back, blen, inner, n);
      memcpy(pkt_last, pkt, len);
      len_last = len;
    }
    if (i->icv_len || e->aead_icv_len) {
      g_assert_cmpuint(esp_sa_seq(in), ==, 12);
      g_assert_cmpint(decap(in, pkt_last, len_last, back_last, sizeof back_last, &blen_last, NULL),
                      ==, ESP_ERR_REPLAY);
    }
    esp_sa_free(in);
    esp_sa_free(out);
  }
}

/* A fresh pair of SAs for one transform pair. */
static void pair_sas(const Pair *p, uint32_t spi, EspSa **out, EspSa **in)
{
  uint8_t ek[64], ak[64];
  size_t ekl, akl;
  keys_for(p, ek, &ekl, ak, &akl, 9);
  *out = sa_make(spi, ESP_DIR_OUT, p->encr, p->bits, p->integ, ek, ekl, ak, akl);
  *in = sa_make(spi, ESP_DIR_IN, p->encr, p->bits, p->integ, ek, ekl, ak, akl);
}

/* Flipping any single bit of an authenticated packet is caught before decryption
 * (ICV), or as an unknown SPI / replay when the header bit is hit. */
static void test_tamper(void)
{
  static const Pair pairs[] = {
      {ENCR_AES_GCM_16, 256, AUTH_NONE},
      {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128},
      {ENCR_3DES, 0, AUTH_HMAC_SHA1_96},
      {ENCR_NULL, 0, AUTH_HMAC_MD5_96},
  };
  for (size_t k = 0; k < G_N_ELEMENTS(pairs); k++) {
    EspSa *out, *in;
    pair_sas(&pairs[k], 0x2222, &out, &in);
    uint8_t inner[100], pkt[300], back[300];
    make_inner(inner, sizeof inner, 1);
    size_t len, blen;
    g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                    ESP_OK);
    for (size_t bit = 0; bit < len * 8; bit++) {
      pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
      WireDiag d;
      EspStatus s = decap(in, pkt, len, back, sizeof back, &blen, &d);
      pkt[bit / 8] ^= (uint8_t)(1u << (bit % 8));
      if (bit < 32)
        g_assert_cmpint(s, ==, ESP_ERR_UNKNOWN_SPI);
      else
        g_assert_true(s == ESP_ERR_ICV || s == ESP_ERR_REPLAY);
      if (bit >= 64) {
        g_assert_cmpint(s, ==, ESP_ERR_ICV);
        g_assert_cmpstr(d.field, ==, "ICV");
      }
    }
    /* nothing was accepted (a replay otherwise), so the original still goes through */
    g_assert_cmpint(decap(in, pkt, len, back, sizeof back, &blen, NULL), ==, ESP_OK);
    esp_sa_free(in);
    esp_sa_free(out);
  }
}

/* An authentic packet (valid ICV) whose padding is wrong: made by sealing a hand-built
 * plaintext with the crypto layer directly. */
static void test_bad_padding(void)
{
  static const struct {
    const char *trailer; /* the 12 octets after a 20-octet inner header (total 32) */
    EspStatus want;
    const char *field;
  } cases[] = {
      {"aaaaaaaaaa 0102030405 05 04", ESP_OK, NULL},
      {"aaaaaaaaaa 0102030905 05 04", ESP_ERR_PADDING, "padding"},
      {"aaaaaaaaaa 0000000000 05 04", ESP_ERR_PADDING, "padding"},
      {"aaaaaaaaaa 0102030405 ff 04", ESP_ERR_PADDING, "pad length"},
      {"aaaaaaaaaa 0102030405 1f 04", ESP_ERR_PADDING, "pad length"},
      {"aaaaaaaaaa 0102030405 05 11", ESP_ERR_NEXT_HEADER, "next header"},
      {"aaaaaaaaaa 0102030405 05 3b", ESP_ERR_NEXT_HEADER, "next header"},
  };
  const Pair p = {ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_256_128};
  uint8_t ek[64], ak[64];
  size_t ekl, akl;
  keys_for(&p, ek, &ekl, ak, &akl, 3);
  const EspEncrInfo *e = esp_encr_info(p.encr, p.bits);
  const EspIntegInfo *i = esp_integ_info(p.integ);
  uint8_t seed[16] = {0};
  EspCrypto *c = esp_crypto_new(e, i, ek, ekl, ak, akl, true, seed, NULL);
  EspSa *in = sa_make(0x3333, ESP_DIR_IN, p.encr, p.bits, p.integ, ek, ekl, ak, akl);
  for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
    uint8_t pkt[8 + 16 + 32 + 16];
    WireWriter w;
    wire_writer_init_fixed(&w, pkt, sizeof pkt);
    esp_header_encode(&w, &(EspHeader){.spi = 0x3333, .seq = (uint32_t)k + 1});
    uint8_t *pt = pkt + 8 + 16;
    make_inner(pt, 25, 0); /* inner IPv4: 20-octet header + 5 octets 0xaa */
    g_autoptr(GBytes) tr = tu_hex(cases[k].trailer);
    size_t trn;
    memcpy(pt + 20, B(tr, &trn), 12);
    g_assert_cmpuint(trn, ==, 12);
    g_assert_cmpint(esp_crypto_seal(c, pkt, 32, k + 1, NULL), ==, ESP_OK);
    uint8_t back[64];
    size_t blen;
    WireDiag d = {0};
    EspStatus s = decap(in, pkt, sizeof pkt, back, sizeof back, &blen, &d);
    g_test_message("case %zu: %s %s", k, esp_status_name(s), d.field ? d.field : "");
    g_assert_cmpint(s, ==, cases[k].want);
    if (cases[k].field)
      g_assert_cmpstr(d.field, ==, cases[k].field);
  }
  esp_crypto_free(c);
  esp_sa_free(in);
}

/* Truncation at every length, each in an exact-size heap copy (ASan sees overreads). */
static void test_truncation(void)
{
  static const Pair pairs[] = {
      {ENCR_AES_GCM_16, 128, AUTH_NONE},
      {ENCR_AES_CBC, 192, AUTH_HMAC_SHA1_96},
      {ENCR_AES_CBC, 128, AUTH_NONE},
      {ENCR_DES, 0, AUTH_HMAC_MD5_96},
      {ENCR_NULL, 0, AUTH_HMAC_SHA2_256_128},
  };
  for (size_t k = 0; k < G_N_ELEMENTS(pairs); k++) {
    EspSa *out, *in;
    pair_sas(&pairs[k], 0x4444, &out, &in);
    uint8_t inner[60], pkt[200], back[200];
    make_inner(inner, sizeof inner, 2);
    size_t len, blen;
    g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                    ESP_OK);
    for (size_t n = 0; n < len; n++) {
      g_autofree uint8_t *copy = g_memdup2(pkt, n);
      WireDiag d = {0};
      EspStatus s = decap(in, copy ? copy : pkt, n, back, sizeof back, &blen, &d);
      g_assert_cmpint(s, !=, ESP_OK);
      g_assert_nonnull(d.field);
    }
    g_assert_cmpint(decap(in, pkt, len, back, sizeof back, &blen, NULL), ==, ESP_OK);
    esp_sa_free(in);
    esp_sa_free(out);
  }
}

static void test_unknown_spi_and_space(void)
{
  const Pair p = {ENCR_AES_GCM_16, 256, AUTH_NONE};
  EspSa *out, *in;
  pair_sas(&p, 0x5555, &out, &in);
  uint8_t inner[64], pkt[200], back[200];
  make_inner(inner, sizeof inner, 3);
  size_t len, blen;
  /* output buffer too small */
  g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, 50, &len), ==,
                  ESP_ERR_NO_SPACE);
  g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                  ESP_OK);
  g_assert_cmpint(decap(in, pkt, len, back, 10, &blen, NULL), ==, ESP_ERR_NO_SPACE);
  EspSa *other = sa_make(0x5556, ESP_DIR_IN, p.encr, p.bits, p.integ,
                         (const uint8_t *)"0123456789abcdef0123456789abcdefsalt", 36, NULL, 0);
  WireDiag d;
  g_assert_cmpint(decap(other, pkt, len, back, sizeof back, &blen, &d), ==,
                  ESP_ERR_UNKNOWN_SPI);
  g_assert_cmpstr(d.field, ==, "SPI");
  g_assert_cmpuint(d.seen, ==, 0x5555);
  /* not an IPv4 packet inside */
  uint8_t v6[40] = {0x60};
  g_assert_cmpint(esp_sa_encapsulate(out, v6, sizeof v6, pkt, sizeof pkt, &len), ==,
                  ESP_ERR_INNER);
  inner[3] = 63; /* total length disagrees with the buffer */
  g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                  ESP_ERR_INNER);
  esp_sa_free(other);
  esp_sa_free(in);
  esp_sa_free(out);
}

/* The receive path as the SAD drives it: the header decoded once and handed down, the
 * inner IPv4 header decoded for the caller; a bad inner packet names its field. */
static void test_inner_header(void)
{
  const Pair p = {ENCR_AES_GCM_16, 128, AUTH_NONE};
  EspSa *out, *in;
  pair_sas(&p, 0x7777, &out, &in);
  uint8_t inner[60], pkt[200], back[200];
  make_inner(inner, sizeof inner, 9);
  size_t len, blen;
  g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                  ESP_OK);
  EspHeader h;
  g_assert_cmpint(esp_header_parse(pkt, len, &h, NULL), ==, ESP_OK);
  InetIpv4Header ip;
  WireDiag d;
  g_assert_cmpint(esp_sa_decapsulate(in, &h, pkt, len, back, sizeof back, &blen, &ip, &d), ==,
                  ESP_OK);
  g_assert_cmpmem(back, blen, inner, sizeof inner);
  g_assert_cmpuint(ip.total_len, ==, sizeof inner);
  g_assert_cmpuint(ip.ihl_bytes, ==, 20);
  /* malformed inner packets, sealed as Next Header 4 so that only the inner check fails */
  static const struct {
    uint8_t byte0;
    uint16_t total;
    const char *field;
  } bad[] = {
      {0x65, 60, "inner version"},       /* IPv6 version nibble */
      {0x44, 60, "inner total length"},  /* IHL 4 words: shorter than a header */
      {0x45, 61, "inner total length"},  /* longer than the plaintext */
      {0x45, 19, "inner total length"},  /* shorter than the header */
  };
  for (size_t k = 0; k < G_N_ELEMENTS(bad); k++) {
    make_inner(inner, sizeof inner, 9);
    inner[0] = bad[k].byte0;
    wire_store_be16(inner + 2, bad[k].total);
    g_assert_cmpint(esp_sa_seal_payload(out, inner, sizeof inner, ESP_NEXT_HEADER_IPV4, NULL, pkt,
                                        sizeof pkt, &len),
                    ==, ESP_OK);
    g_assert_cmpint(esp_header_parse(pkt, len, &h, NULL), ==, ESP_OK);
    g_assert_cmpint(esp_sa_decapsulate(in, &h, pkt, len, back, sizeof back, &blen, &ip, &d), ==,
                    ESP_ERR_INNER);
    g_assert_cmpstr(d.field, ==, bad[k].field);
  }
  /* a plaintext shorter than an IPv4 header */
  g_assert_cmpint(esp_sa_seal_payload(out, inner, 3, ESP_NEXT_HEADER_IPV4, NULL, pkt, sizeof pkt,
                                      &len),
                  ==, ESP_OK);
  g_assert_cmpint(decap(in, pkt, len, back, sizeof back, &blen, &d), ==, ESP_ERR_INNER);
  g_assert_cmpstr(d.field, ==, "inner total length");
  esp_sa_free(in);
  esp_sa_free(out);
}

static void test_seq_overflow(void)
{
  const Pair p = {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96};
  EspSa *out, *in;
  pair_sas(&p, 0x6666, &out, &in);
  uint8_t inner[40], pkt[200], back[200];
  make_inner(inner, sizeof inner, 4);
  size_t len, blen;
  esp_sa_set_seq(out, UINT32_MAX - 1);
  g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                  ESP_OK);
  g_assert_cmpint(decap(in, pkt, len, back, sizeof back, &blen, NULL), ==, ESP_OK);
  g_assert_cmpuint(esp_sa_seq(in), ==, UINT32_MAX);
  /* RFC 4303 3.3.3: no cycling to 0 */
  g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                  ESP_ERR_SEQ_OVERFLOW);
  g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                  ESP_ERR_SEQ_OVERFLOW);
  esp_sa_free(in);
  esp_sa_free(out);
}

/* CBC IVs differ per packet and are not a visible counter. */
static void test_cbc_iv_unique(void)
{
  const Pair p = {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128};
  EspSa *out, *in;
  pair_sas(&p, 0x7777, &out, &in);
  GHashTable *ivs = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                          (GDestroyNotify)g_bytes_unref, NULL);
  for (int k = 0; k < 1000; k++) {
    uint8_t inner[40], pkt[200];
    make_inner(inner, sizeof inner, 5);
    size_t len;
    g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                    ESP_OK);
    g_assert_true(g_hash_table_add(ivs, g_bytes_new(pkt + 8, 16)));
    static const uint8_t zeros[8] = {0};
    g_assert_true(memcmp(pkt + 8, zeros, 8) != 0);
  }
  g_hash_table_unref(ivs);
  esp_sa_free(in);
  esp_sa_free(out);
}

static void test_bad_config(void)
{
  uint8_t k[64] = {1};
  static const struct {
    IkeEncrId encr;
    unsigned bits;
    IkeIntegId integ;
    size_t ekl, akl;
    uint32_t window;
    uint32_t spi;
  } bad[] = {
      {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, 15, 20, 0, 1000},  /* short key */
      {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, 16, 16, 0, 1000},  /* short HMAC key */
      {ENCR_AES_CBC, 100, AUTH_HMAC_SHA1_96, 16, 20, 0, 1000},  /* no such size */
      {ENCR_AES_GCM_16, 128, AUTH_NONE, 16, 0, 0, 1000},        /* salt missing */
      {ENCR_AES_GCM_16, 128, AUTH_HMAC_SHA1_96, 20, 20, 0, 1000}, /* GCM + integrity */
      {ENCR_NULL, 0, AUTH_NONE, 0, 0, 0, 1000},                  /* NULL + NULL */
      {ENCR_AES_CTR, 128, AUTH_HMAC_SHA1_96, 20, 20, 0, 1000},  /* not implemented */
      {ENCR_AES_CBC, 128, AUTH_AES_XCBC_96, 16, 16, 0, 1000},   /* not implemented */
      {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, 16, 20, 16, 1000}, /* window too small */
      {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, 16, 20, 8192, 1000}, /* window too big */
      {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, 16, 20, 0, 0},     /* SPI 0 */
  };
  for (size_t n = 0; n < G_N_ELEMENTS(bad); n++) {
    EspSaConfig cfg = {.spi = bad[n].spi, .dir = ESP_DIR_IN, .encr = bad[n].encr,
                       .encr_key_bits = bad[n].bits, .integ = bad[n].integ, .encr_key = k,
                       .encr_key_len = bad[n].ekl, .integ_key = k,
                       .integ_key_len = bad[n].akl, .replay_window = bad[n].window};
    const char *why = NULL;
    g_assert_null(esp_sa_new(&cfg, &why));
    g_test_message("case %zu: %s", n, why);
    g_assert_nonnull(why);
  }
  /* window 1024 is fine */
  EspSaConfig ok = {.spi = 9, .dir = ESP_DIR_IN, .encr = ENCR_AES_CBC, .encr_key_bits = 128,
                    .integ = AUTH_HMAC_SHA1_96, .encr_key = k, .encr_key_len = 16,
                    .integ_key = k, .integ_key_len = 20, .replay_window = 1024};
  EspSa *sa = esp_sa_new(&ok, NULL);
  g_assert_nonnull(sa);
  esp_sa_free(sa);
  esp_sa_free(NULL);
}

/* Replay through the full path with a 1024-packet window: out-of-order delivery. */
static void test_replay_path_1024(void)
{
  const Pair p = {ENCR_AES_GCM_16, 128, AUTH_NONE};
  uint8_t ek[64], ak[64];
  size_t ekl, akl;
  keys_for(&p, ek, &ekl, ak, &akl, 1);
  EspSa *out = sa_make(0x8888, ESP_DIR_OUT, p.encr, p.bits, p.integ, ek, ekl, NULL, 0);
  EspSaConfig cfg = {.spi = 0x8888, .dir = ESP_DIR_IN, .encr = p.encr, .encr_key_bits = 128,
                     .integ = AUTH_NONE, .encr_key = ek, .encr_key_len = ekl,
                     .replay_window = 1024};
  EspSa *in = esp_sa_new(&cfg, NULL);
  enum { N = 1100 };
  uint8_t(*pkts)[100] = g_malloc(N * 100);
  size_t lens[N];
  for (int k = 0; k < N; k++) {
    uint8_t inner[40];
    make_inner(inner, sizeof inner, (uint8_t)k);
    g_assert_cmpint(esp_sa_encapsulate(out, inner, sizeof inner, pkts[k], 100, &lens[k]), ==,
                    ESP_OK);
  }
  uint8_t back[100];
  size_t blen;
  /* seq 1100 first, then 77 (= 1100 - 1023, inside) and 76 (= 1100 - 1024, outside) */
  g_assert_cmpint(decap(in, pkts[N - 1], lens[N - 1], back, 100, &blen, NULL), ==,
                  ESP_OK);
  g_assert_cmpint(decap(in, pkts[76], lens[76], back, 100, &blen, NULL), ==, ESP_OK);
  g_assert_cmpint(decap(in, pkts[75], lens[75], back, 100, &blen, NULL), ==,
                  ESP_ERR_REPLAY);
  g_assert_cmpint(decap(in, pkts[76], lens[76], back, 100, &blen, NULL), ==,
                  ESP_ERR_REPLAY);
  g_free(pkts);
  esp_sa_free(in);
  esp_sa_free(out);
}

static void test_lifetime_poll(void)
{
  const Pair p = {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96};
  uint8_t ek[64], ak[64];
  size_t ekl, akl;
  keys_for(&p, ek, &ekl, ak, &akl, 1);
  /* Azure custom minimums: 300 s and 1,024 KB hard; soft a little earlier */
  EspSaConfig cfg = {.spi = 0x9999, .dir = ESP_DIR_OUT, .encr = p.encr, .encr_key_bits = 128,
                     .integ = p.integ, .encr_key = ek, .encr_key_len = ekl, .integ_key = ak,
                     .integ_key_len = akl,
                     .lifetime = {.soft_seconds = 270, .hard_seconds = 300,
                                  .soft_kbytes = 900, .hard_kbytes = 1024}};
  EspSa *sa = esp_sa_new(&cfg, NULL);
  const int64_t s = 1000000000;
  esp_sa_set_installed(sa, 5 * s);
  g_assert_cmpuint(esp_sa_lifetime_poll(sa, 274 * s), ==, 0);
  g_assert_cmpuint(esp_sa_lifetime_poll(sa, 275 * s), ==, ESP_LIFE_SOFT_TIME);
  g_assert_cmpuint(esp_sa_lifetime_poll(sa, 276 * s), ==, 0); /* fires once */
  uint8_t inner[1024], pkt[1200];
  make_inner(inner, sizeof inner, 0);
  size_t len;
  for (int k = 0; k < 899; k++)
    g_assert_cmpint(esp_sa_encapsulate(sa, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                    ESP_OK);
  g_assert_cmpuint(esp_sa_lifetime_poll(sa, 276 * s), ==, 0);
  g_assert_cmpint(esp_sa_encapsulate(sa, inner, sizeof inner, pkt, sizeof pkt, &len), ==, ESP_OK);
  g_assert_cmpuint(esp_sa_lifetime_poll(sa, 276 * s), ==, ESP_LIFE_SOFT_BYTES);
  g_assert_cmpuint(esp_sa_lifetime_poll(sa, 305 * s), ==, ESP_LIFE_HARD_TIME);
  g_assert_cmpint(esp_sa_encapsulate(sa, inner, sizeof inner, pkt, sizeof pkt, &len), ==,
                  ESP_ERR_EXPIRED);
  esp_sa_free(sa);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/esp/sa/rfc3602_case5", test_rfc3602_case5);
  g_test_add_func("/esp/sa/rfc3602_case7", test_rfc3602_case7);
  g_test_add_func("/esp/sa/gcm_vectors", test_gcm_vectors);
  g_test_add_func("/esp/sa/roundtrip_all_pairs", test_roundtrip_all_pairs);
  g_test_add_func("/esp/sa/tamper", test_tamper);
  g_test_add_func("/esp/sa/bad_padding", test_bad_padding);
  g_test_add_func("/esp/sa/truncation", test_truncation);
  g_test_add_func("/esp/sa/unknown_spi_and_space", test_unknown_spi_and_space);
  g_test_add_func("/esp/sa/inner_header", test_inner_header);
  g_test_add_func("/esp/sa/seq_overflow", test_seq_overflow);
  g_test_add_func("/esp/sa/cbc_iv_unique", test_cbc_iv_unique);
  g_test_add_func("/esp/sa/bad_config", test_bad_config);
  g_test_add_func("/esp/sa/replay_path_1024", test_replay_path_1024);
  g_test_add_func("/esp/sa/lifetime_poll", test_lifetime_poll);
  return g_test_run();
}
