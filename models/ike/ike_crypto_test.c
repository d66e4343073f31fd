/* SPDX-License-Identifier: MIT */
/* Known-answer tests of the IKE crypto suite: RFC 5903 section 8 ECDH, RFC 5114 A.3 DH,
 * RFC 2202/4231 HMAC, RFC 5869 (prf+ is HKDF-Expand), RFC 3602 and SP 800-38A AES-CBC,
 * FIPS 81 DES-CBC, McGrew-Viega GCM, plus peer-value checks and key derivation shapes. */
#include "models/ike/ike_crypto.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

#define BYTES(hex) g_autoptr(GBytes) hex##_b = tu_hex(hex)

static const uint8_t *B(GBytes *b, size_t *n) { return g_bytes_get_data(b, n); }

/* ---- Diffie-Hellman ---- */

typedef struct {
  uint16_t group;
  const char *i, *gi, *r, *gr, *gir;
  const char *cite;
} DhVector;

static const DhVector dh_vectors[] = {
    {DH_ECP_256,
     "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
     "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
     "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
     "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
     "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
     "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
     "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE",
     "RFC 5903 8.1, 256-bit random ECP group"},
    {DH_ECP_384,
     "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655E35B538041E649EE3FAEF896783AB194",
     "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6DE3AC808ACB4BDB4C88732AEE95F41AA"
     "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A81C",
     "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942E0308312916B8ED2960E4BD55A7448FC",
     "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D0D1AC43A0336DEF96FDA41D0774A3571"
     "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C",
     "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4D603135569B9E9D09CF5D4A270F59746",
     "RFC 5903 8.2, 384-bit random ECP group"},
    {DH_MODP_2048_256,
     "0881382CDB87660C6DC13E614938D5B9C8B2F248581CC5E31B35454397FCE50E",
     "2E9380C8323AF97545BC4941DEB0EC3742C62FE0ECE824A6ABDBE66C59BEE0242911BFB967235CEBA35AE13E4EC752BE"
     "630B92DC4BDE2847A9C62CB8152745421FB7EB60A63C0FE9159FCCE726CE7CD8523D7450667EF840E4919121EB5F01C8"
     "C9B0D3D648A93BFB75689E8244AC134AF544711CE79A02DCC34226684780DDDCB498594106C37F5BC79856487AF5AB02"
     "2A2E5E42F09897C1A85A11EA0212AF04D9B4CEBC937C3C1A3E15A8A0342E337615C84E7FE3B8B9B87FB1E73A15AF12A3"
     "0D746E06DFC34F290D797CE51AA13AA785BF6658AFF5E4B093003CBEAF665B3C2E113A3A4E905269341DC0711426685F"
     "4EF37E868A8126FF3F2279B57CA67E29",
     "7D62A7E3EF36DE617B13D1AFB82C780D83A23BD4EE6705645121F371F546A53D",
     "575F0351BD2B1B817448BDF87A6C362C1E289D3903A30B9832C5741FA250363E7ACBC7F77F3DACBC1F131ADD8E03367E"
     "FF8FBBB3E1C5784424809B25AFE4D2262A1A6FD2FAB64105CA30A674E07F7809852088632FC049233791AD4EDD083A97"
     "8B883EE618BC5E0DD047415F2D95E683CF14826B5FBE10D3CE41C6C120C78AB20008C698BF7F0BCAB9D7F407BED0F43A"
     "FB2970F57F8D12043963E66DDD320D599AD9936C8F44137C08B180EC5E985CEBE186F3D549677E80607331EE17AF3380"
     "A725B0782317D7DD43F59D7AF9568A9BB63A84D365F92244ED120988219302F42924C7CA90B89D24F71B0AB697823D7D"
     "EB1AFF5B0E8E4A45D49F7F53757E1913",
     "86C70BF8D0BB81BB01078A17219CB7D27203DB2A19C877F1D1F19FD7D77EF22546A68F005AD52DC84553B78FC60330BE"
     "51EA7C0672CAC1515E4B35C047B9A551B88F39DC26DA14A09EF74774D47C762DD177F9ED5BC2F11E52C879BD95098504"
     "CD9EECD8A8F9B3EFBD1F008AC5853097D9D1837F2B18F77CD7BE01AF80A7C7B5EA3CA54CC02D0C116FEE3F95BB873993"
     "85875D7E86747E676E728938ACBFF7098E05BE4DCFB24052B83AEFFB14783F029ADBDE7F53FAE92084224090E007CEE9"
     "4D4BF2BACE9FFD4B57D2AF7C724D0CAA19BF0501F6F17B4AA10F425E3EA76080B4B9D6B3CEFEA115B2CEB8789BB8A3B0"
     "EA87FEBE63B6C8F846EC6DB0C26C5D7C",
     "RFC 5114 A.3, 2048-bit MODP group with 256-bit prime order subgroup (xA, yA, xB, yB, Z)"},
};

static void test_dh_vectors(void)
{
  for (size_t v = 0; v < G_N_ELEMENTS(dh_vectors); v++) {
    const DhVector *t = &dh_vectors[v];
    g_test_message("%s", t->cite);
    g_autoptr(GBytes) i = tu_hex(t->i), r = tu_hex(t->r), gi = tu_hex(t->gi), gr = tu_hex(t->gr);
    size_t n;
    const uint8_t *p = B(i, &n);
    g_autoptr(IkeDh) a = ike_dh_new_private(t->group, p, n);
    p = B(r, &n);
    g_autoptr(IkeDh) b = ike_dh_new_private(t->group, p, n);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    size_t an, bn;
    const uint8_t *apub = ike_dh_public(a, &an);
    const uint8_t *bpub = ike_dh_public(b, &bn);
    tu_assert_hex(apub, an, t->gi);
    tu_assert_hex(bpub, bn, t->gr);
    g_assert_cmpuint(an, ==, ike_dh_public_len(t->group));
    uint8_t s1[IKE_DH_MAX], s2[IKE_DH_MAX];
    size_t n1, n2;
    g_assert_cmpint(ike_dh_derive(a, bpub, bn, s1, &n1), ==, IKE_CRYPTO_OK);
    g_assert_cmpint(ike_dh_derive(b, apub, an, s2, &n2), ==, IKE_CRYPTO_OK);
    tu_assert_hex(s1, n1, t->gir);
    tu_assert_hex(s2, n2, t->gir);
    g_assert_cmpuint(n1, ==, ike_dh_secret_len(t->group));
  }
}

/* Groups without published IKE vectors: both sides from the DRBG agree, and the shared
 * secret keeps its leading zeros (fixed length). */
static void test_dh_agree_all_groups(void)
{
  static const uint16_t all[] = {DH_MODP_768, DH_MODP_1024, DH_MODP_2048, DH_MODP_2048_256,
                                 DH_ECP_256, DH_ECP_384};
  Drbg *rng = drbg_new_stream(7, "ike-crypto-test/dh");
  for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
    g_assert_true(ike_dh_supported(all[i]));
    g_autoptr(IkeDh) a = ike_dh_new(all[i], rng);
    g_autoptr(IkeDh) b = ike_dh_new(all[i], rng);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_cmpuint(ike_dh_group(a), ==, all[i]);
    size_t an, bn, n1, n2;
    const uint8_t *ap = ike_dh_public(a, &an), *bp = ike_dh_public(b, &bn);
    g_assert_cmpmem(ap, an, ap, ike_dh_public_len(all[i]));
    g_assert_true(an != bn || memcmp(ap, bp, an) != 0);
    uint8_t s1[IKE_DH_MAX], s2[IKE_DH_MAX];
    g_assert_cmpint(ike_dh_derive(a, bp, bn, s1, &n1), ==, IKE_CRYPTO_OK);
    g_assert_cmpint(ike_dh_derive(b, ap, an, s2, &n2), ==, IKE_CRYPTO_OK);
    g_assert_cmpmem(s1, n1, s2, n2);
    g_assert_cmpuint(n1, ==, ike_dh_secret_len(all[i]));
  }
  /* same seed, same private values: determinism */
  Drbg *r1 = drbg_new_stream(9, "x"), *r2 = drbg_new_stream(9, "x");
  g_autoptr(IkeDh) a = ike_dh_new(DH_MODP_2048, r1);
  g_autoptr(IkeDh) b = ike_dh_new(DH_MODP_2048, r2);
  size_t an, bn;
  const uint8_t *ap = ike_dh_public(a, &an), *bp = ike_dh_public(b, &bn);
  g_assert_cmpmem(ap, an, bp, bn);
  g_assert_false(ike_dh_supported(DH_CURVE25519));
  g_assert_null(ike_dh_new(DH_MODP_1536, rng));
  drbg_free(r1);
  drbg_free(r2);
  drbg_free(rng);
}

/* RFC 6989 and RFC 7296 3.4 checks on peer values. */
static void test_dh_peer_checks(void)
{
  Drbg *rng = drbg_new_stream(1, "ike-crypto-test/checks");
  uint8_t out[IKE_DH_MAX], v[2 * IKE_DH_MAX];
  size_t n;
  /* MODP-2048: 0, 1, p-1, p, and a wrong length */
  g_autoptr(IkeDh) m = ike_dh_new(DH_MODP_2048, rng);
  memset(v, 0, 256);
  g_assert_cmpint(ike_dh_derive(m, v, 256, out, &n), ==, IKE_CRYPTO_BAD_VALUE);
  v[255] = 1;
  g_assert_cmpint(ike_dh_derive(m, v, 256, out, &n), ==, IKE_CRYPTO_BAD_VALUE);
  memset(v, 0xff, 256); /* 2^2048 - 1 > p */
  g_assert_cmpint(ike_dh_derive(m, v, 256, out, &n), ==, IKE_CRYPTO_BAD_VALUE);
  g_assert_cmpint(ike_dh_derive(m, v, 255, out, &n), ==, IKE_CRYPTO_BAD_LENGTH);
  /* group 2 (RFC 2409 6.2 prime): p-1 is refused, p-2 accepted */
  g_autoptr(GBytes) p2 = tu_hex(
      "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
      "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
      "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF");
  size_t p2n;
  memcpy(v, B(p2, &p2n), 128);
  g_assert_cmpuint(p2n, ==, 128);
  g_autoptr(IkeDh) m2 = ike_dh_new(DH_MODP_1024, rng);
  g_assert_cmpint(ike_dh_derive(m2, v, 128, out, &n), ==, IKE_CRYPTO_BAD_VALUE); /* p */
  v[127] = 0xfe;
  g_assert_cmpint(ike_dh_derive(m2, v, 128, out, &n), ==, IKE_CRYPTO_BAD_VALUE); /* p-1 */
  v[127] = 0xfd;
  g_assert_cmpint(ike_dh_derive(m2, v, 128, out, &n), ==, IKE_CRYPTO_OK); /* p-2 */
  g_assert_cmpuint(n, ==, 128);

  /* group 24: a value of order 2 times a good value is outside the q-subgroup */
  g_autoptr(GBytes) ya = tu_hex(dh_vectors[2].gi);
  size_t yn;
  const uint8_t *yp = B(ya, &yn);
  g_autoptr(IkeDh) g24 = ike_dh_new(DH_MODP_2048_256, rng);
  g_assert_cmpint(ike_dh_derive(g24, yp, yn, out, &n), ==, IKE_CRYPTO_OK);
  /* yA + 1 is in range but (almost surely) not in the subgroup */
  memcpy(v, yp, yn);
  v[yn - 1] ^= 0x01;
  g_assert_cmpint(ike_dh_derive(g24, v, yn, out, &n), ==, IKE_CRYPTO_BAD_VALUE);

  /* ECP-256: off the curve, coordinate above p, wrong length */
  g_autoptr(GBytes) gr = tu_hex(dh_vectors[0].gr);
  const uint8_t *gp = B(gr, &yn);
  g_autoptr(IkeDh) e = ike_dh_new(DH_ECP_256, rng);
  g_assert_cmpint(ike_dh_derive(e, gp, yn, out, &n), ==, IKE_CRYPTO_OK);
  memcpy(v, gp, yn);
  v[63] ^= 1;
  g_assert_cmpint(ike_dh_derive(e, v, yn, out, &n), ==, IKE_CRYPTO_BAD_VALUE);
  memset(v, 0xff, 64);
  g_assert_cmpint(ike_dh_derive(e, v, 64, out, &n), ==, IKE_CRYPTO_BAD_VALUE);
  memset(v, 0, 64);
  g_assert_cmpint(ike_dh_derive(e, v, 64, out, &n), ==, IKE_CRYPTO_BAD_VALUE);
  g_assert_cmpint(ike_dh_derive(e, gp, 65, out, &n), ==, IKE_CRYPTO_BAD_LENGTH);
  drbg_free(rng);
}

/* ---- HMAC PRFs and integrity ---- */

typedef struct {
  uint16_t prf;
  uint16_t integ;
  const char *key, *data, *mac;
  const char *cite;
} HmacVector;

static const HmacVector hmac_vectors[] = {
    {PRF_HMAC_MD5, AUTH_HMAC_MD5_96, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
     "9294727a3638bb1c13f48ef8158bfc9d", "RFC 2202 2, test case 1"},
    {PRF_HMAC_MD5, AUTH_HMAC_MD5_96, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "750c783e6ab0b503eaa86e310a5db738", "RFC 2202 2, test case 2"},
    {PRF_HMAC_SHA1, AUTH_HMAC_SHA1_96, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
     "4869205468657265", "b617318655057264e28bc0b6fb378c8ef146be00", "RFC 2202 3, test case 1"},
    {PRF_HMAC_SHA1, AUTH_HMAC_SHA1_96, "4a656665",
     "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", "RFC 2202 3, test case 2"},
    {PRF_HMAC_SHA2_256, AUTH_HMAC_SHA2_256_128, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
     "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
     "RFC 4231 4.2, test case 1"},
    {PRF_HMAC_SHA2_256, AUTH_HMAC_SHA2_256_128, "4a656665",
     "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
     "RFC 4231 4.3, test case 2"},
    {PRF_HMAC_SHA2_384, AUTH_HMAC_SHA2_384_192, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
     "4869205468657265",
     "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
     "RFC 4231 4.2, test case 1"},
    {PRF_HMAC_SHA2_384, AUTH_HMAC_SHA2_384_192, "4a656665",
     "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
     "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
     "RFC 4231 4.3, test case 2"},
};

static void test_hmac_vectors(void)
{
  for (size_t v = 0; v < G_N_ELEMENTS(hmac_vectors); v++) {
    const HmacVector *t = &hmac_vectors[v];
    g_test_message("%s", t->cite);
    g_autoptr(GBytes) k = tu_hex(t->key), d = tu_hex(t->data), want = tu_hex(t->mac);
    size_t kn, dn, wn;
    const uint8_t *kp = B(k, &kn), *dp = B(d, &dn), *wp = B(want, &wn);
    uint8_t out[IKE_PRF_MAX];
    g_assert_cmpuint(ike_prf_len(t->prf), ==, wn);
    g_assert_true(ike_prf(t->prf, kp, kn, dp, dn, out));
    g_assert_cmpmem(out, wn, wp, wn);
    /* the integrity algorithm: HMAC truncated to its leftmost bits (RFC 2403, 2404, 4868
     * 2.3); IKE integrity keys have the hash's length, so pad the test key with zeros,
     * which HMAC treats alike (RFC 2104 2: keys shorter than B are zero-padded) */
    uint8_t key[IKE_INTEG_KEY_MAX] = {0};
    g_assert_cmpuint(kn, <=, ike_integ_key_len(t->integ));
    memcpy(key, kp, kn);
    IkeSkDir dir = {.suite = {.integ = t->integ}, .ak = key, .ak_len = ike_integ_key_len(t->integ)};
    uint8_t icv[IKE_ICV_MAX];
    g_assert_true(ike_sk_icv(&dir, dp, dn, icv));
    g_assert_cmpmem(icv, ike_integ_icv_len(t->integ), wp, ike_integ_icv_len(t->integ));
  }
  g_assert_cmpuint(ike_integ_icv_len(AUTH_HMAC_MD5_96), ==, 12);
  g_assert_cmpuint(ike_integ_icv_len(AUTH_HMAC_SHA2_384_192), ==, 24);
  g_assert_cmpuint(ike_prf_len(PRF_AES128_XCBC), ==, 0);
}

/* prf+ is HKDF-Expand (RFC 5869 2.3) with PRK as K and info as S: RFC 5869 A.1 and A.4. */
static void test_prf_plus(void)
{
  g_autoptr(GBytes) prk = tu_hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  g_autoptr(GBytes) info = tu_hex("f0f1f2f3f4f5f6f7f8f9");
  size_t pn, in;
  const uint8_t *pp = B(prk, &pn), *ip = B(info, &in);
  uint8_t okm[42];
  g_assert_true(ike_prf_plus(PRF_HMAC_SHA2_256, pp, pn, ip, in, okm, 42));
  tu_assert_hex(okm, 42, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                         "34007208d5b887185865");
  g_autoptr(GBytes) prk1 = tu_hex("9b6c18c432a7bf8f0e71c8eb88f4b30baa2ba243");
  pp = B(prk1, &pn);
  g_assert_true(ike_prf_plus(PRF_HMAC_SHA1, pp, pn, ip, in, okm, 42));
  tu_assert_hex(okm, 42, "085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2"
                         "c22e422478d305f3f896");
  /* at most 255 blocks */
  uint8_t *big = g_malloc(255 * 20 + 1);
  g_assert_true(ike_prf_plus(PRF_HMAC_SHA1, pp, pn, ip, in, big, 255 * 20));
  g_assert_false(ike_prf_plus(PRF_HMAC_SHA1, pp, pn, ip, in, big, 255 * 20 + 1));
  g_free(big);
}

/* ---- ciphers ---- */

typedef struct {
  uint16_t encr, key_bits;
  const char *key, *iv, *pt, *ct;
  const char *cite;
} CbcVector;

static const CbcVector cbc_vectors[] = {
    {ENCR_AES_CBC, 128, "06a9214036b8a15b512e03d534120006", "3dafba429d9eb430b422da802c9fac41",
     "53696e676c6520626c6f636b206d7367", "e353779c1079aeb82708942dbe77181a",
     "RFC 3602 4, case #1"},
    {ENCR_AES_CBC, 128, "c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58",
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
     "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1",
     "RFC 3602 4, case #2"},
    {ENCR_AES_CBC, 192, "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
     "000102030405060708090a0b0c0d0e0f", "6bc1bee22e409f96e93d7e117393172a",
     "4f021db243bc633d7178183a9fa071e8", "NIST SP 800-38A F.2.3, CBC-AES192, block 1"},
    {ENCR_AES_CBC, 256, "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
     "000102030405060708090a0b0c0d0e0f", "6bc1bee22e409f96e93d7e117393172a",
     "f58c4c04d6e5f1ba779eabfb5f7bfbd6", "NIST SP 800-38A F.2.5, CBC-AES256, block 1"},
    {ENCR_DES, 0, "0123456789abcdef", "1234567890abcdef",
     "4e6f77206973207468652074696d6520666f7220616c6c20",
     "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6", "FIPS 81 appendix C, CBC example"},
    /* TDEA with K1 = K2 = K3 is single DES (SP 800-67 3.2 keying option 3): the same
     * FIPS 81 example through the 3DES path */
    {ENCR_3DES, 0, "0123456789abcdef0123456789abcdef0123456789abcdef", "1234567890abcdef",
     "4e6f77206973207468652074696d6520666f7220616c6c20",
     "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6", "FIPS 81 via 3DES with K1=K2=K3"},
};

static void test_cbc_vectors(void)
{
  for (size_t v = 0; v < G_N_ELEMENTS(cbc_vectors); v++) {
    const CbcVector *t = &cbc_vectors[v];
    g_test_message("%s", t->cite);
    g_autoptr(GBytes) k = tu_hex(t->key), iv = tu_hex(t->iv), pt = tu_hex(t->pt);
    size_t kn, ivn, pn;
    const uint8_t *kp = B(k, &kn), *ivp = B(iv, &ivn), *pp = B(pt, &pn);
    g_assert_cmpuint(kn, ==, ike_encr_key_len(t->encr, t->key_bits));
    g_assert_cmpuint(ivn, ==, ike_encr_iv_len(t->encr));
    IkeSkDir d = {.suite = {.encr = t->encr, .key_bits = t->key_bits}, .ek = kp, .ek_len = kn};
    uint8_t out[64], back[64];
    g_assert_cmpint(ike_sk_encrypt(&d, ivp, NULL, 0, pp, pn, out, NULL), ==, IKE_CRYPTO_OK);
    tu_assert_hex(out, pn, t->ct);
    g_assert_cmpint(ike_sk_decrypt(&d, ivp, NULL, 0, out, pn, NULL, back), ==, IKE_CRYPTO_OK);
    g_assert_cmpmem(back, pn, pp, pn);
    /* a length that is not a whole number of blocks is refused */
    g_assert_cmpint(ike_sk_encrypt(&d, ivp, NULL, 0, pp, pn - 1, out, NULL), ==,
                    IKE_CRYPTO_BAD_LENGTH);
  }
}

/* McGrew and Viega, "The Galois/Counter Mode of Operation (GCM)", test cases 3, 4 (AES-128)
 * and 16 (AES-256). The IKE nonce is salt | IV (RFC 5282 4): the 12-octet test IV splits into
 * a salt (cafebabe) appended to the key and an 8-octet IV. */
static void test_gcm_vectors(void)
{
  static const char *p_full =
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
  static const struct {
    uint16_t bits;
    const char *key, *aad;
    size_t len;
    const char *ct, *tag, *cite;
  } g[] = {
      {128, "feffe9928665731c6d6a8f9467308308", "", 64,
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
       "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
       "4d5c2af327cd64a62cf35abd2ba6fab4", "GCM test case 3"},
      {128, "feffe9928665731c6d6a8f9467308308", "feedfacedeadbeeffeedfacedeadbeefabaddad2", 60,
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
       "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
       "5bc94fbc3221a5db94fae95ae7121a47", "GCM test case 4"},
      {256, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
       "feedfacedeadbeeffeedfacedeadbeefabaddad2", 60,
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
       "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
       "76fc6ece0f4e1768cddf8853bb2d551b", "GCM test case 16"},
  };
  for (size_t v = 0; v < G_N_ELEMENTS(g); v++) {
    g_test_message("%s", g[v].cite);
    g_autofree char *keysalt = g_strconcat(g[v].key, "cafebabe", NULL);
    g_autoptr(GBytes) k = tu_hex(keysalt), iv = tu_hex("facedbaddecaf888"), pt = tu_hex(p_full);
    g_autoptr(GBytes) aad = tu_hex(g[v].aad);
    size_t kn, ivn, pn, an;
    const uint8_t *kp = B(k, &kn), *ivp = B(iv, &ivn), *pp = B(pt, &pn), *ap = B(aad, &an);
    g_assert_cmpuint(kn, ==, ike_encr_key_len(ENCR_AES_GCM_16, g[v].bits));
    IkeSkDir d = {.suite = {.encr = ENCR_AES_GCM_16, .key_bits = g[v].bits}, .ek = kp, .ek_len = kn};
    uint8_t out[64], back[64], tag[16];
    g_assert_cmpint(ike_sk_encrypt(&d, ivp, ap, an, pp, g[v].len, out, tag), ==, IKE_CRYPTO_OK);
    tu_assert_hex(out, g[v].len, g[v].ct);
    tu_assert_hex(tag, 16, g[v].tag);
    g_assert_cmpint(ike_sk_decrypt(&d, ivp, ap, an, out, g[v].len, tag, back), ==, IKE_CRYPTO_OK);
    g_assert_cmpmem(back, g[v].len, pp, g[v].len);
    /* a flipped bit in the tag, the ciphertext or the AAD fails authentication */
    tag[0] ^= 1;
    g_assert_cmpint(ike_sk_decrypt(&d, ivp, ap, an, out, g[v].len, tag, back), ==,
                    IKE_CRYPTO_AUTH_FAILED);
    tag[0] ^= 1;
    out[3] ^= 0x80;
    g_assert_cmpint(ike_sk_decrypt(&d, ivp, ap, an, out, g[v].len, tag, back), ==,
                    IKE_CRYPTO_AUTH_FAILED);
    out[3] ^= 0x80;
    if (an) {
      uint8_t aad2[64];
      memcpy(aad2, ap, an);
      aad2[0] ^= 1;
      g_assert_cmpint(ike_sk_decrypt(&d, ivp, aad2, an, out, g[v].len, tag, back), ==,
                      IKE_CRYPTO_AUTH_FAILED);
    }
  }
}

/* ---- key derivation ---- */

static void test_key_lengths(void)
{
  const IkeSuite cbc = {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, DH_ECP_256};
  const IkeSuite gcm = {ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_384, DH_ECP_384};
  const IkeSuite des = {ENCR_3DES, 0, AUTH_HMAC_MD5_96, PRF_HMAC_MD5, DH_MODP_1024};
  g_assert_true(ike_suite_valid(&cbc));
  g_assert_true(ike_suite_valid(&gcm));
  g_assert_true(ike_suite_valid(&des));
  IkeSuite bad = gcm;
  bad.integ = AUTH_HMAC_SHA1_96; /* RFC 5282 8: GCM goes with integrity none */
  g_assert_false(ike_suite_valid(&bad));
  bad = cbc;
  bad.key_bits = 0; /* AES needs its Key Length attribute */
  g_assert_false(ike_suite_valid(&bad));
  g_assert_cmpuint(ike_encr_key_len(ENCR_AES_GCM_16, 256), ==, 36);
  g_assert_cmpuint(ike_encr_key_len(ENCR_3DES, 0), ==, 24);
  g_assert_cmpuint(ike_encr_key_len(ENCR_DES, 0), ==, 8);
  g_assert_cmpuint(ike_suite_icv_len(&gcm), ==, 16);
  g_assert_cmpuint(ike_suite_icv_len(&des), ==, 12);
}

/* The seven keys are consecutive slices of prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), and
 * SKEYSEED = prf(Ni | Nr, g^ir): recompute both from the primitives. */
static void test_keys_derive(void)
{
  const IkeSuite s = {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1, DH_MODP_1024};
  uint8_t ni[32], nr[32], gir[128];
  for (unsigned i = 0; i < sizeof ni; i++)
    ni[i] = (uint8_t)i, nr[i] = (uint8_t)(0x80 + i);
  for (unsigned i = 0; i < sizeof gir; i++)
    gir[i] = (uint8_t)(i * 7);
  g_autoptr(IkeKeys) k = ike_keys_new();
  uint8_t skeyseed[IKE_PRF_MAX];
  g_assert_true(ike_keys_derive(k, &s, ni, 32, nr, 32, gir, 128, 0x1122334455667788ull,
                                0x99aabbccddeeff00ull, skeyseed));
  uint8_t nn[64], expect_seed[20];
  memcpy(nn, ni, 32);
  memcpy(nn + 32, nr, 32);
  g_assert_true(ike_prf(PRF_HMAC_SHA1, nn, 64, gir, 128, expect_seed));
  g_assert_cmpmem(skeyseed, 20, expect_seed, 20);
  uint8_t seed[80];
  memcpy(seed, nn, 64);
  static const uint8_t spis[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                   0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00};
  memcpy(seed + 64, spis, 16);
  uint8_t km[20 + 20 + 20 + 16 + 16 + 20 + 20];
  g_assert_true(ike_prf_plus(PRF_HMAC_SHA1, skeyseed, 20, seed, 80, km, sizeof km));
  g_assert_cmpuint(k->prf_len, ==, 20);
  g_assert_cmpuint(k->a_len, ==, 20);
  g_assert_cmpuint(k->e_len, ==, 16);
  g_assert_cmpmem(k->sk_d, 20, km, 20);
  g_assert_cmpmem(k->sk_ai, 20, km + 20, 20);
  g_assert_cmpmem(k->sk_ar, 20, km + 40, 20);
  g_assert_cmpmem(k->sk_ei, 16, km + 60, 16);
  g_assert_cmpmem(k->sk_er, 16, km + 76, 16);
  g_assert_cmpmem(k->sk_pi, 20, km + 92, 20);
  g_assert_cmpmem(k->sk_pr, 20, km + 112, 20);

  /* child KEYMAT: prf+(SK_d, Ni | Nr), with PFS prf+(SK_d, g^ir | Ni | Nr) */
  uint8_t keymat[72], ref[72], pfs[72];
  g_assert_true(ike_child_keymat(k, NULL, 0, ni, 32, nr, 32, keymat, sizeof keymat));
  g_assert_true(ike_prf_plus(PRF_HMAC_SHA1, k->sk_d, 20, nn, 64, ref, sizeof ref));
  g_assert_cmpmem(keymat, sizeof keymat, ref, sizeof ref);
  g_assert_true(ike_child_keymat(k, gir, 128, ni, 32, nr, 32, pfs, sizeof pfs));
  uint8_t gnn[192];
  memcpy(gnn, gir, 128);
  memcpy(gnn + 128, nn, 64);
  g_assert_true(ike_prf_plus(PRF_HMAC_SHA1, k->sk_d, 20, gnn, 192, ref, sizeof ref));
  g_assert_cmpmem(pfs, sizeof pfs, ref, sizeof ref);
  g_assert_true(memcmp(pfs, keymat, sizeof pfs) != 0);

  /* rekey (RFC 7296 2.18) to a suite with another PRF: SKEYSEED with the old PRF */
  const IkeSuite s2 = {ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_256, DH_ECP_256};
  g_autoptr(IkeKeys) k2 = ike_keys_new();
  g_assert_true(ike_keys_derive_rekey(k2, &s2, k, gir, 32, nr, 32, ni, 32, 5, 6));
  uint8_t rk_seed[20];
  memcpy(gnn, gir, 32);
  memcpy(gnn + 32, nr, 32);
  memcpy(gnn + 64, ni, 32);
  g_assert_true(ike_prf(PRF_HMAC_SHA1, k->sk_d, 20, gnn, 96, rk_seed));
  uint8_t seed2[80], km2[32 + 36 + 36 + 32 + 32];
  memcpy(seed2, nr, 32);
  memcpy(seed2 + 32, ni, 32);
  memset(seed2 + 64, 0, 16);
  seed2[71] = 5;
  seed2[79] = 6;
  g_assert_true(ike_prf_plus(PRF_HMAC_SHA2_256, rk_seed, 20, seed2, 80, km2, sizeof km2));
  g_assert_cmpuint(k2->a_len, ==, 0);
  g_assert_cmpuint(k2->e_len, ==, 36);
  g_assert_cmpmem(k2->sk_d, 32, km2, 32);
  g_assert_cmpmem(k2->sk_ei, 36, km2 + 32, 36);
  g_assert_cmpmem(k2->sk_pr, 32, km2 + 32 + 72 + 32, 32);

  /* wiping */
  ike_keys_clear(k2);
  static const uint8_t zero[sizeof(IkeKeys)];
  g_assert_cmpmem(k2, sizeof *k2, zero, sizeof zero);
}

/* RFC 7296 2.15 PSK AUTH, recomputed from its definition with the PRF. */
static void test_psk_auth(void)
{
  const uint8_t psk[] = "correct horse battery staple";
  const uint8_t msg[] = "the IKE_SA_INIT request, as sent";
  const uint8_t nonce[16] = {1, 2, 3};
  const uint8_t skp[32] = {9, 9, 9};
  const uint8_t id[] = {1 /* ID_IPV4_ADDR */, 0, 0, 0, 192, 0, 2, 1};
  uint8_t auth[IKE_PRF_MAX];
  g_assert_true(ike_psk_auth(PRF_HMAC_SHA2_256, psk, sizeof psk - 1, msg, sizeof msg - 1,
                             nonce, 16, skp, 32, id, sizeof id, auth));
  uint8_t key[32], maced[32], so[sizeof msg - 1 + 16 + 32], ref[32];
  g_assert_true(ike_prf(PRF_HMAC_SHA2_256, psk, sizeof psk - 1,
                        (const uint8_t *)"Key Pad for IKEv2", 17, key));
  g_assert_true(ike_prf(PRF_HMAC_SHA2_256, skp, 32, id, sizeof id, maced));
  memcpy(so, msg, sizeof msg - 1);
  memcpy(so + sizeof msg - 1, nonce, 16);
  memcpy(so + sizeof msg - 1 + 16, maced, 32);
  g_assert_true(ike_prf(PRF_HMAC_SHA2_256, key, 32, so, sizeof so, ref));
  g_assert_cmpmem(auth, 32, ref, 32);
}

/* NAT detection: SHA-1 of 22 octets; checked against SHA-1 computed by GLib. */
static void test_nat_hash(void)
{
  uint8_t h[20];
  ike_nat_hash(0x0102030405060708ull, 0, 0xc0000201, 500, h);
  const uint8_t in[22] = {1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1, 0x01, 0xf4};
  g_autoptr(GChecksum) c = g_checksum_new(G_CHECKSUM_SHA1);
  g_checksum_update(c, in, sizeof in);
  uint8_t ref[20];
  gsize n = 20;
  g_checksum_get_digest(c, ref, &n);
  g_assert_cmpmem(h, 20, ref, 20);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ike_crypto/dh_vectors", test_dh_vectors);
  g_test_add_func("/ike_crypto/dh_agree_all_groups", test_dh_agree_all_groups);
  g_test_add_func("/ike_crypto/dh_peer_checks", test_dh_peer_checks);
  g_test_add_func("/ike_crypto/hmac_vectors", test_hmac_vectors);
  g_test_add_func("/ike_crypto/prf_plus", test_prf_plus);
  g_test_add_func("/ike_crypto/cbc_vectors", test_cbc_vectors);
  g_test_add_func("/ike_crypto/gcm_vectors", test_gcm_vectors);
  g_test_add_func("/ike_crypto/key_lengths", test_key_lengths);
  g_test_add_func("/ike_crypto/keys_derive", test_keys_derive);
  g_test_add_func("/ike_crypto/psk_auth", test_psk_auth);
  g_test_add_func("/ike_crypto/nat_hash", test_nat_hash);
  return g_test_run();
}
