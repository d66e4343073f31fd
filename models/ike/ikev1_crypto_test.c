/* SPDX-License-Identifier: MIT */
/* Known-answer tests of the IKEv1 crypto (RFC 2409 5, 5.5, appendix B) and of the
 * ikev1_decryption_table row. The expected values were computed independently of this code,
 * by a Python 3 script written from the RFC formulas with hashlib/hmac and the
 * 'cryptography' package (AES, TripleDES): the inputs below are that script's inputs. */
#include "models/ike/ikev1_crypto.h"
#include "models/ike/ikev1_keytable.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

/* ---- the script's inputs ---- */

static const char psk[] = "vpnsim-ikev1-psk"; /* 16 octets, no NUL */
static uint8_t ni[16], nr[32];                /* Ni_b = 00..0f, Nr_b = 10..2f */
static uint8_t gxi[128], gxr[128], gxy[128], gqm[128]; /* (i*7+1), (i*11+3), (i*13+5), (i*17+9) */
static const uint64_t cky_i = 0xa1b2c3d4e5f60718ull, cky_r = 0x0102030405060708ull;
/* SAi_b: the first 40 octets of a phase 1 SA body (DOI, situation, proposal, transform) */
static const char *const sai_b_hex =
    "00000001 00000001 0000002c 01010001 00000024 01010000 80010007 80020002 80040002 80030001";
static const char *const idii_b_hex = "01000000 c0000201"; /* ID_IPV4_ADDR 192.0.2.1 */
static const char *const idir_b_hex = "01000000 c6336401"; /* ID_IPV4_ADDR 198.51.100.1 */
static const uint32_t mid = 0x7f3a5c01;
static uint8_t rest1[52], rest2[56]; /* 0a000034 | 48 zeros; 0a000038 | 00..33 */
static const uint32_t spi = 0xc1c2c3c4;

static void init_inputs(void)
{
  for (unsigned i = 0; i < 16; i++)
    ni[i] = (uint8_t)i;
  for (unsigned i = 0; i < 32; i++)
    nr[i] = (uint8_t)(0x10 + i);
  for (unsigned i = 0; i < 128; i++) {
    gxi[i] = (uint8_t)(i * 7 + 1);
    gxr[i] = (uint8_t)(i * 11 + 3);
    gxy[i] = (uint8_t)(i * 13 + 5);
    gqm[i] = (uint8_t)(i * 17 + 9);
  }
  memset(rest1, 0, sizeof rest1);
  memcpy(rest1, "\x0a\x00\x00\x34", 4);
  memcpy(rest2, "\x0a\x00\x00\x38", 4);
  for (unsigned i = 0; i < 52; i++)
    rest2[4 + i] = (uint8_t)i;
}

static Ikev1Keys *derive(uint16_t encr, uint16_t bits, uint16_t hash)
{
  Ikev1Suite s = {.encr = encr, .key_bits = bits, .hash = hash, .group = 2};
  Ikev1Keys *k = ikev1_keys_new();
  g_assert_true(ikev1_keys_derive_psk(k, &s, (const uint8_t *)psk, strlen(psk), ni, sizeof ni,
                                      nr, sizeof nr, gxy, sizeof gxy, cky_i, cky_r));
  return k;
}

static void assert_hash_i_r(const Ikev1Keys *k, const char *hash_i, const char *hash_r)
{
  g_autoptr(GBytes) sa = tu_hex(sai_b_hex), idi = tu_hex(idii_b_hex), idr = tu_hex(idir_b_hex);
  size_t san, idn;
  const uint8_t *sap = g_bytes_get_data(sa, &san);
  uint8_t out[IKE_PRF_MAX];
  const uint8_t *idp = g_bytes_get_data(idi, &idn);
  g_assert_true(ikev1_hash_phase1(k, true, gxi, sizeof gxi, gxr, sizeof gxr, cky_i, cky_r, sap,
                                  san, idp, idn, out));
  tu_assert_hex(out, k->prf_len, hash_i);
  idp = g_bytes_get_data(idr, &idn);
  g_assert_true(ikev1_hash_phase1(k, false, gxi, sizeof gxi, gxr, sizeof gxr, cky_i, cky_r, sap,
                                  san, idp, idn, out));
  tu_assert_hex(out, k->prf_len, hash_r);
}

/* Suite A: AES-256-CBC with SHA-1. 32 key octets from a 20-octet SKEYID_e: the appendix B
 * expansion Ka = K1 | K2, K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1). */
static void test_suite_a(void)
{
  g_autoptr(Ikev1Keys) k = derive(IKEV1_ENCR_AES_CBC, 256, IKEV1_HASH_SHA);
  g_assert_cmpuint(k->prf_len, ==, 20);
  g_assert_cmpuint(k->key_len, ==, 32);
  g_assert_cmpuint(k->block_len, ==, 16);
  /* SKEYID = prf(psk, Ni_b | Nr_b) */
  tu_assert_hex(k->skeyid, 20, "47a02ebcc1e2c5ec5e8a7aad18c0ed55b742a238");
  /* SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0) */
  tu_assert_hex(k->skeyid_d, 20, "8654541ec9ac98a22c6e73afe46e14e1ef1eb9eb");
  /* SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1) */
  tu_assert_hex(k->skeyid_a, 20, "a62ccacb92ee6ce0726cc434717e64a466fa8691");
  /* SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) */
  tu_assert_hex(k->skeyid_e, 20, "2a07952212b286b082250d4ff62f06d702a0d74c");
  tu_assert_hex(k->enc_key, 32,
                "aa65fcd30765aecde633aad348275108a9a1c6ce7de47210fe08902ea804e31b");

  /* HASH_I, HASH_R (RFC 2409 5) */
  assert_hash_i_r(k, "189c08fed831d64ce54aad993daee716a4b93c11",
                  "e08adc5f4b9ba1bc48e8c3f9668ddb7943707a4e");

  /* IV = SHA-1(g^xi | g^xr), first 16 octets; then two messages chained on it */
  Ikev1Iv iv;
  g_assert_true(ikev1_iv_phase1(k, gxi, sizeof gxi, gxr, sizeof gxr, &iv));
  tu_assert_hex(iv.b, iv.n, "3174c14f668af4e68527e3a72f95f596");
  Ikev1Iv iv_rx = iv;
  uint8_t pt1[48], ct1[48], back[48];
  for (unsigned i = 0; i < 48; i++)
    pt1[i] = (uint8_t)i;
  g_assert_cmpint(ikev1_encrypt(k, &iv, pt1, 48, ct1), ==, IKE_CRYPTO_OK);
  tu_assert_hex(ct1, 48,
                "249e486465a92e5077ef384e89de4852d1ae94a565c8e09431c01d5d6e40e7ff"
                "46cbe9c03e118c0ae7954508539699d3");
  tu_assert_hex(iv.b, iv.n, "46cbe9c03e118c0ae7954508539699d3"); /* the last cipher block */
  uint8_t pt2[32], ct2[32];
  for (unsigned i = 0; i < 32; i++)
    pt2[i] = (uint8_t)(100 + i);
  g_assert_cmpint(ikev1_encrypt(k, &iv, pt2, 32, ct2), ==, IKE_CRYPTO_OK);
  tu_assert_hex(ct2, 32, "9d43cb9de19db4bb84217890d0be42157f063f7e12929c7aa5ee49a8811c6d59");
  /* the receiver chains the same way, in place */
  memcpy(back, ct1, 48);
  g_assert_cmpint(ikev1_decrypt(k, &iv_rx, back, 48, back), ==, IKE_CRYPTO_OK);
  g_assert_cmpmem(back, 48, pt1, 48);
  memcpy(back, ct2, 32);
  g_assert_cmpint(ikev1_decrypt(k, &iv_rx, back, 32, back), ==, IKE_CRYPTO_OK);
  g_assert_cmpmem(back, 32, pt2, 32);
  g_assert_cmpmem(iv_rx.b, 16, iv.b, 16);

  /* quick mode IV = SHA-1(last phase 1 block | M-ID), first 16 octets */
  Ikev1Iv qiv;
  g_assert_true(ikev1_iv_phase2(k, &iv, mid, &qiv));
  tu_assert_hex(qiv.b, qiv.n, "b53d9c5c85324c60ed7330fb3ac5fa61");

  uint8_t h[IKE_PRF_MAX];
  /* HASH(1) = prf(SKEYID_a, M-ID | rest) */
  g_assert_true(ikev1_hash_qm1(k, mid, rest1, sizeof rest1, h));
  tu_assert_hex(h, 20, "baec5880afb64463ca4fa59a0121748f51db45f7");
  /* HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest) */
  g_assert_true(ikev1_hash_qm2(k, mid, ni, sizeof ni, rest2, sizeof rest2, h));
  tu_assert_hex(h, 20, "d1a0ea988678f645e5e9adf5018172c4f48e9972");
  /* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) */
  g_assert_true(ikev1_hash_qm3(k, mid, ni, sizeof ni, nr, sizeof nr, h));
  tu_assert_hex(h, 20, "383d8ab07d92ade5f3a874bba4e52651795ada49");

  /* KEYMAT for ESP (protocol 3) AES-256 + HMAC-SHA1: 32 + 20 = 52 octets, three PRF blocks */
  uint8_t km[52];
  g_assert_true(ikev1_keymat(k, NULL, 0, IKEV1_PROTO_IPSEC_ESP, spi, ni, sizeof ni, nr,
                             sizeof nr, km, sizeof km));
  tu_assert_hex(km, 52,
                "af7762a5039aa298f989bd8d4062acb1e19be988a16c8541e818115c9e36386a"
                "8ea53aa4c3efff03a3e72c869a1c6750a944a822");
  /* with PFS: g(qm)^xy first */
  g_assert_true(ikev1_keymat(k, gqm, sizeof gqm, IKEV1_PROTO_IPSEC_ESP, spi, ni, sizeof ni, nr,
                             sizeof nr, km, sizeof km));
  tu_assert_hex(km, 52,
                "2240723920491bed88a4056f843ca33e7c5df1422c7bb1320dacb944c1dc673a"
                "f23cc9a518740103289b5944e1aa0a9942dc515e");
  /* a shorter request is a prefix of a longer one */
  uint8_t km20[20];
  g_assert_true(ikev1_keymat(k, gqm, sizeof gqm, IKEV1_PROTO_IPSEC_ESP, spi, ni, sizeof ni, nr,
                             sizeof nr, km20, sizeof km20));
  g_assert_cmpmem(km20, 20, km, 20);
}

/* Suite B: 3DES with SHA2-256: the 24 key octets are the first of a 32-octet SKEYID_e. */
static void test_suite_b(void)
{
  g_autoptr(Ikev1Keys) k = derive(IKEV1_ENCR_3DES_CBC, 0, IKEV1_HASH_SHA2_256);
  g_assert_cmpuint(k->key_len, ==, 24);
  g_assert_cmpuint(k->block_len, ==, 8);
  tu_assert_hex(k->skeyid, 32, "e1b38d05c85bab4dd69ce5c1949038dddc74601f592ea97914935862299c5f31");
  tu_assert_hex(k->skeyid_d, 32,
                "7eb67a3e228e6a69329f7938d2372bd68088ab4add2433bcc52db1f6ab238bbf");
  tu_assert_hex(k->skeyid_a, 32,
                "6fb02df39b453680cc0e7b6c8dfa4f08f5ba022abeeed938df2e26d2480a29f7");
  tu_assert_hex(k->skeyid_e, 32,
                "ca030fae4422ec29a2d527e4dd088343ffa943c98494517e666021a917d89a77");
  tu_assert_hex(k->enc_key, 24, "ca030fae4422ec29a2d527e4dd088343ffa943c98494517e");
  assert_hash_i_r(k, "a4ee86e5eb8bff594c44bffd87466fa4dae7b89c3d9e8610de7dad79cfcf9c29",
                  "30074a3a1a85d1ae8b2957c4bfc61b5b52a641b209e17e577c50ab1928df607d");
  Ikev1Iv iv;
  g_assert_true(ikev1_iv_phase1(k, gxi, sizeof gxi, gxr, sizeof gxr, &iv));
  tu_assert_hex(iv.b, iv.n, "58a28be480ba18a1"); /* SHA-256(g^xi | g^xr), 8 octets */
  uint8_t pt[24], ct[24];
  for (unsigned i = 0; i < 24; i++)
    pt[i] = (uint8_t)i;
  g_assert_cmpint(ikev1_encrypt(k, &iv, pt, 24, ct), ==, IKE_CRYPTO_OK);
  tu_assert_hex(ct, 24, "78286fef87d9e85471bfec24d9cbc521f9be3eb54bf2241b");
  Ikev1Iv qiv;
  g_assert_true(ikev1_iv_phase2(k, &iv, mid, &qiv));
  tu_assert_hex(qiv.b, qiv.n, "f262150b2c12919d");
  /* 44 octets: the second PRF block cut short */
  uint8_t km[44];
  g_assert_true(ikev1_keymat(k, NULL, 0, IKEV1_PROTO_IPSEC_ESP, spi, ni, sizeof ni, nr,
                             sizeof nr, km, sizeof km));
  tu_assert_hex(km, 44,
                "10789d0f3c8b4e1291791f58e274b7826c33e053e4907083580adddb52cb66b7"
                "a4a899a8346116ced108b727");
}

/* Suite C: AES-128 with MD5: SKEYID_e is exactly the key. */
static void test_suite_c(void)
{
  g_autoptr(Ikev1Keys) k = derive(IKEV1_ENCR_AES_CBC, 128, IKEV1_HASH_MD5);
  tu_assert_hex(k->skeyid, 16, "6b2551bcc0c8c2f11138818c23f8e738");
  tu_assert_hex(k->skeyid_d, 16, "046a946dc1cd09075b8e13fff476ddf1");
  tu_assert_hex(k->skeyid_a, 16, "d28963efa217e20df1c81abb5e36f279");
  tu_assert_hex(k->skeyid_e, 16, "1108d16a755afd56ef5c67db52234ea6");
  tu_assert_hex(k->enc_key, 16, "1108d16a755afd56ef5c67db52234ea6");
  assert_hash_i_r(k, "d6724c34d00aebed8c451d61f13c2287", "4036b3ab9b9e0d4af9a87784daea998b");
  Ikev1Iv iv;
  g_assert_true(ikev1_iv_phase1(k, gxi, sizeof gxi, gxr, sizeof gxr, &iv));
  tu_assert_hex(iv.b, iv.n, "8b5291d5faa9d2ccbb8c32862d7e2d95");
  uint8_t pt[32], ct[32];
  for (unsigned i = 0; i < 32; i++)
    pt[i] = (uint8_t)i;
  g_assert_cmpint(ikev1_encrypt(k, &iv, pt, 32, ct), ==, IKE_CRYPTO_OK);
  tu_assert_hex(ct, 32, "53d803d6824ba161f2c3ae105363dabcc1be338828adc15251af1fd67b69bf09");
}

/* Suite D: AES-192 with SHA2-384. */
static void test_suite_d(void)
{
  g_autoptr(Ikev1Keys) k = derive(IKEV1_ENCR_AES_CBC, 192, IKEV1_HASH_SHA2_384);
  g_assert_cmpuint(k->prf_len, ==, 48);
  tu_assert_hex(k->skeyid_e, 48,
                "6db994c6a43e374dba24f13a911ba44972249d4a7beeddef125d093789c6187a"
                "cea2295a88cda08bb3e0fd9b893fe6cf");
  tu_assert_hex(k->enc_key, 24, "6db994c6a43e374dba24f13a911ba44972249d4a7beeddef");
  assert_hash_i_r(k,
                  "82d5d37f1c40056290c4f554cb81433e93090492afa86e121b8abd53e706c150"
                  "496bef42876ececf58307c353359a301",
                  "0c241c0cbad0c9be1823d17b2c39282ae7c73eaecf78d5bb902ba1e39b76c556"
                  "4bf41b52503d5bcd4b63ccd3921294c4");
  Ikev1Iv iv;
  g_assert_true(ikev1_iv_phase1(k, gxi, sizeof gxi, gxr, sizeof gxr, &iv));
  tu_assert_hex(iv.b, iv.n, "532b4b4389a5a145dad6bf9cd240cc25");
  uint8_t pt[16], ct[16];
  for (unsigned i = 0; i < 16; i++)
    pt[i] = (uint8_t)i;
  g_assert_cmpint(ikev1_encrypt(k, &iv, pt, 16, ct), ==, IKE_CRYPTO_OK);
  tu_assert_hex(ct, 16, "f059c2b4084e8b10ffb0730b201e8577");
}

static void test_refusals(void)
{
  Ikev1Suite bad[] = {
      /* AES needs a key length */
      {.encr = IKEV1_ENCR_AES_CBC, .key_bits = 0, .hash = IKEV1_HASH_SHA},
      {.encr = IKEV1_ENCR_AES_CBC, .key_bits = 512, .hash = IKEV1_HASH_SHA},
      {.encr = IKEV1_ENCR_3DES_CBC, .key_bits = 192, .hash = IKEV1_HASH_SHA},
      {.encr = IKEV1_ENCR_BLOWFISH_CBC, .key_bits = 128, .hash = IKEV1_HASH_SHA},
      {.encr = IKEV1_ENCR_AES_CBC, .key_bits = 128, .hash = IKEV1_HASH_TIGER},
      {.encr = IKEV1_ENCR_AES_CBC, .key_bits = 128, .hash = IKEV1_HASH_SHA2_512},
  };
  g_autoptr(Ikev1Keys) k = ikev1_keys_new();
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_assert_false(ikev1_suite_valid(&bad[i]));
    g_assert_false(ikev1_keys_derive_psk(k, &bad[i], (const uint8_t *)psk, 16, ni, 16, nr, 32,
                                         gxy, 128, 1, 2));
    g_assert_cmpuint(k->key_len, ==, 0);
  }
  /* DES (RFC 2409 A value 1) is available, from OpenSSL's legacy provider */
  Ikev1Suite des = {.encr = IKEV1_ENCR_DES_CBC, .hash = IKEV1_HASH_SHA};
  g_assert_true(ikev1_suite_valid(&des));
  g_assert_cmpuint(ikev1_encr_block_len(IKEV1_ENCR_DES_CBC), ==, 8);

  g_autoptr(Ikev1Keys) a = derive(IKEV1_ENCR_AES_CBC, 128, IKEV1_HASH_SHA);
  Ikev1Iv iv;
  g_assert_true(ikev1_iv_phase1(a, gxi, 128, gxr, 128, &iv));
  uint8_t buf[32] = {0};
  /* a body that is not whole blocks, an IV of the wrong size */
  g_assert_cmpint(ikev1_encrypt(a, &iv, buf, 20, buf), ==, IKE_CRYPTO_BAD_LENGTH);
  Ikev1Iv short_iv = {.n = 8};
  g_assert_cmpint(ikev1_decrypt(a, &short_iv, buf, 16, buf), ==, IKE_CRYPTO_BAD_LENGTH);
  g_assert_false(ikev1_iv_phase2(a, &short_iv, 1, &iv));
  /* an empty body leaves the IV alone */
  Ikev1Iv before = iv;
  g_assert_cmpint(ikev1_encrypt(a, &iv, buf, 0, buf), ==, IKE_CRYPTO_OK);
  g_assert_cmpmem(before.b, 16, iv.b, 16);
  /* padding to the block (RFC 2409 appendix B) */
  g_assert_cmpuint(ikev1_padded_len(a, 0), ==, 0);
  g_assert_cmpuint(ikev1_padded_len(a, 1), ==, 16);
  g_assert_cmpuint(ikev1_padded_len(a, 16), ==, 16);
  g_assert_cmpuint(ikev1_padded_len(a, 17), ==, 32);
  /* more KEYMAT than 255 PRF blocks */
  uint8_t big[1];
  g_assert_false(ikev1_keymat(a, NULL, 0, 3, spi, ni, 16, nr, 32, big, 255 * 20 + 1));
  /* keys that were never derived */
  g_autoptr(Ikev1Keys) none = ikev1_keys_new();
  uint8_t h[IKE_PRF_MAX];
  g_assert_false(ikev1_hash_qm3(none, 1, ni, 16, nr, 32, h));
  g_assert_cmpint(ikev1_encrypt(none, &iv, buf, 16, buf), ==, IKE_CRYPTO_UNSUPPORTED);
  g_assert_null(ikev1_keytable_row(1, none));
}

/* The row strongSwan's save-keys plugin writes and Wireshark's UAT reads: cookie and key, hex. */
static void test_keytable(void)
{
  g_autoptr(Ikev1Keys) k = derive(IKEV1_ENCR_AES_CBC, 256, IKEV1_HASH_SHA);
  g_autofree char *row = ikev1_keytable_row(cky_i, k);
  g_assert_cmpstr(row, ==,
                  "a1b2c3d4e5f60718,"
                  "aa65fcd30765aecde633aad348275108a9a1c6ce7de47210fe08902ea804e31b");
  g_autofree char *opt = ikev1_keytable_tshark_opt(0x00000000000000ffull, k);
  g_assert_true(g_str_has_prefix(opt, "uat:ikev1_decryption_table:00000000000000ff,aa65"));
  g_autoptr(Ikev1Keys) b = derive(IKEV1_ENCR_3DES_CBC, 0, IKEV1_HASH_SHA2_256);
  g_autofree char *row_b = ikev1_keytable_row(cky_i, b);
  g_assert_cmpstr(row_b, ==, "a1b2c3d4e5f60718,ca030fae4422ec29a2d527e4dd088343ffa943c98494517e");

  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("ikev1-keys-XXXXXX", &path, NULL);
  g_assert_cmpint(fd, >=, 0);
  FILE *f = fdopen(fd, "w");
  g_assert_true(ikev1_keytable_write(f, cky_i, k));
  g_assert_true(ikev1_keytable_write(f, cky_i, b));
  fclose(f);
  g_autofree char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  g_autofree char *want = g_strdup_printf("%s\n%s\n", row, row_b);
  g_assert_cmpstr(text, ==, want);
  g_unlink(path);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  init_inputs();
  g_test_add_func("/ikev1_crypto/suite_a_aes256_sha1", test_suite_a);
  g_test_add_func("/ikev1_crypto/suite_b_3des_sha256", test_suite_b);
  g_test_add_func("/ikev1_crypto/suite_c_aes128_md5", test_suite_c);
  g_test_add_func("/ikev1_crypto/suite_d_aes192_sha384", test_suite_d);
  g_test_add_func("/ikev1_crypto/refusals", test_refusals);
  g_test_add_func("/ikev1_crypto/keytable", test_keytable);
  return g_test_run();
}
