/* SPDX-License-Identifier: MIT */
/* The IKE crypto suite over OpenSSL 3: DH/ECDH with peer-value checks, HMAC PRFs and prf+,
 * IKE SA and child SA key derivation, SK ciphers and integrity, PSK AUTH, NAT hashes. */
#include "models/ike/ike_crypto.h"

#include "models/common/hmac_crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/provider.h>
#include <string.h>

NAME_TABLE(ike_crypto_status_names, "IKE crypto status", {IKE_CRYPTO_OK, "ok"},
           {IKE_CRYPTO_UNSUPPORTED, "unsupported"}, {IKE_CRYPTO_BAD_LENGTH, "bad length"},
           {IKE_CRYPTO_BAD_VALUE, "bad value"}, {IKE_CRYPTO_AUTH_FAILED, "authentication failed"},
           {IKE_CRYPTO_INTERNAL, "internal error"});

/* ---- one-time setup: providers, ciphers, group parameters ---- */

typedef struct {
  uint16_t id;
  bool ec;
  size_t len;           /* octets of p (MODP) or of a coordinate (ECP) */
  int nid;              /* ECP curve */
  BIGNUM *p, *g, *q;    /* MODP; q only for the RFC 5114 group (subgroup check) */
  EC_GROUP *curve;
} DhGroup;

static DhGroup groups[] = {
    {.id = DH_MODP_768, .len = 96},     /* RFC 2409 6.1, Oakley group 1 */
    {.id = DH_MODP_1024, .len = 128},   /* RFC 2409 6.2, Oakley group 2 */
    {.id = DH_MODP_2048, .len = 256},   /* RFC 3526 3 */
    {.id = DH_MODP_2048_256, .len = 256}, /* RFC 5114 2.3 */
    {.id = DH_ECP_256, .ec = true, .len = 32, .nid = NID_X9_62_prime256v1}, /* RFC 5903 3.1 */
    {.id = DH_ECP_384, .ec = true, .len = 48, .nid = NID_secp384r1},        /* RFC 5903 3.2 */
};

typedef enum { C_AES128_CBC, C_AES192_CBC, C_AES256_CBC, C_3DES, C_DES, C_AES128_GCM,
               C_AES192_GCM, C_AES256_GCM, C_COUNT } CipherIdx;
static const char *const cipher_names[C_COUNT] = {
    "AES-128-CBC", "AES-192-CBC", "AES-256-CBC", "DES-EDE3-CBC", "DES-CBC",
    "AES-128-GCM", "AES-192-GCM", "AES-256-GCM"};
static EVP_CIPHER *ciphers[C_COUNT];

/* The RFC 5114 2.3 group's p, g, q, as OpenSSL names it ("dh_2048_256"). */
static bool load_rfc5114_group(DhGroup *g)
{
  EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
  EVP_PKEY *pk = NULL;
  char name[] = "dh_2048_256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, name, 0),
                         OSSL_PARAM_construct_end()};
  bool ok = c && EVP_PKEY_paramgen_init(c) > 0 && EVP_PKEY_CTX_set_params(c, params) > 0 &&
            EVP_PKEY_paramgen(c, &pk) > 0 &&
            EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_P, &g->p) > 0 &&
            EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_G, &g->g) > 0 &&
            EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_FFC_Q, &g->q) > 0;
  EVP_PKEY_free(pk);
  EVP_PKEY_CTX_free(c);
  return ok;
}

void ike_crypto_init(void)
{
  static gsize done;
  if (!g_once_init_enter(&done))
    return;
  /* Loading a provider by hand stops the default one from loading implicitly: load both.
   * DES and 3DES-with-legacy-names live in the legacy provider (OpenSSL 3). */
  OSSL_PROVIDER_load(NULL, "default");
  OSSL_PROVIDER_load(NULL, "legacy");
  for (int i = 0; i < C_COUNT; i++)
    ciphers[i] = EVP_CIPHER_fetch(NULL, cipher_names[i], NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(groups); i++) {
    DhGroup *g = &groups[i];
    if (g->ec) {
      g->curve = EC_GROUP_new_by_curve_name(g->nid);
      continue;
    }
    switch (g->id) {
    case DH_MODP_768: g->p = BN_get_rfc2409_prime_768(NULL); break;
    case DH_MODP_1024: g->p = BN_get_rfc2409_prime_1024(NULL); break;
    case DH_MODP_2048: g->p = BN_get_rfc3526_prime_2048(NULL); break;
    case DH_MODP_2048_256: load_rfc5114_group(g); break;
    }
    if (!g->g) {
      g->g = BN_new();
      BN_set_word(g->g, 2);
    }
  }
  g_once_init_leave(&done, 1);
}

static const DhGroup *find_group(uint16_t id)
{
  ike_crypto_init();
  for (size_t i = 0; i < G_N_ELEMENTS(groups); i++)
    if (groups[i].id == id && (groups[i].ec ? groups[i].curve != NULL : groups[i].p != NULL))
      return &groups[i];
  return NULL;
}

/* ---- Diffie-Hellman ---- */

struct IkeDh {
  const DhGroup *grp;
  BIGNUM *priv;
  size_t pub_len;
  uint8_t pub[2 * IKE_DH_MAX];
};

bool ike_dh_supported(uint16_t group) { return find_group(group) != NULL; }

size_t ike_dh_public_len(uint16_t group)
{
  const DhGroup *g = find_group(group);
  return !g ? 0 : g->ec ? 2 * g->len : g->len;
}

size_t ike_dh_secret_len(uint16_t group)
{
  const DhGroup *g = find_group(group);
  return g ? g->len : 0;
}

uint16_t ike_dh_group(const IkeDh *dh) { return dh->grp->id; }

const uint8_t *ike_dh_public(const IkeDh *dh, size_t *n)
{
  *n = dh->pub_len;
  return dh->pub;
}

void ike_dh_free(IkeDh *dh)
{
  if (!dh)
    return;
  BN_clear_free(dh->priv);
  OPENSSL_cleanse(dh, sizeof *dh);
  g_free(dh);
}

static IkeDh *dh_from_priv(const DhGroup *g, BIGNUM *priv)
{
  IkeDh *dh = g_new0(IkeDh, 1);
  dh->grp = g;
  dh->priv = priv;
  BN_CTX *bc = BN_CTX_new();
  bool ok = false;
  if (g->ec) {
    EC_POINT *pt = EC_POINT_new(g->curve);
    uint8_t oct[1 + 2 * IKE_DH_MAX];
    size_t n = 0;
    if (pt && EC_POINT_mul(g->curve, pt, priv, NULL, NULL, bc))
      n = EC_POINT_point2oct(g->curve, pt, POINT_CONVERSION_UNCOMPRESSED, oct, sizeof oct, bc);
    if (n == 1 + 2 * g->len) {
      /* RFC 5903 7: the KE data is x || y, without the point format octet */
      memcpy(dh->pub, oct + 1, n - 1);
      dh->pub_len = n - 1;
      ok = true;
    }
    EC_POINT_free(pt);
  } else {
    BIGNUM *y = BN_new();
    if (y && BN_mod_exp_mont_consttime(y, g->g, priv, g->p, bc, NULL) &&
        BN_bn2binpad(y, dh->pub, (int)g->len) == (int)g->len) {
      /* RFC 7296 3.4: the public value is padded with zeros to the prime's length */
      dh->pub_len = g->len;
      ok = true;
    }
    BN_free(y);
  }
  BN_CTX_free(bc);
  if (!ok) {
    ike_dh_free(dh);
    return NULL;
  }
  return dh;
}

IkeDh *ike_dh_new_private(uint16_t group, const uint8_t *priv, size_t n)
{
  const DhGroup *g = find_group(group);
  if (!g)
    return NULL;
  BIGNUM *x = BN_secure_new();
  if (!x || !BN_bin2bn(priv, (int)n, x)) {
    BN_clear_free(x);
    return NULL;
  }
  return dh_from_priv(g, x);
}

IkeDh *ike_dh_new(uint16_t group, Drbg *rng)
{
  const DhGroup *g = find_group(group);
  if (!g)
    return NULL;
  uint8_t buf[IKE_DH_MAX + 8];
  BIGNUM *x = BN_secure_new(), *range = BN_new();
  BN_CTX *bc = BN_CTX_new();
  bool ok = x && range && bc;
  if (ok && (g->ec || g->q)) {
    /* 1 <= x <= order - 1 (RFC 5114 2.3: x in the q-order subgroup's exponent range; ECP:
     * SEC 1 3.2.1). Draw 64 bits more than the order and reduce: the bias is below 2^-64. */
    const BIGNUM *order = g->ec ? EC_GROUP_get0_order(g->curve) : g->q;
    size_t nbytes = (size_t)BN_num_bytes(order) + 8;
    drbg_bytes(rng, buf, nbytes);
    ok = BN_bin2bn(buf, (int)nbytes, x) && BN_copy(range, order) && BN_sub_word(range, 1) &&
         BN_mod(x, x, range, bc) && BN_add_word(x, 1);
  } else if (ok) {
    /* Safe-prime MODP groups: an exponent of twice the group's strength (RFC 3526 8: 320
     * bits for 2048-bit MODP; 160 bits for the 768/1024-bit groups of RFC 2409), at least 2.
     * A full-length exponent would cost 6-8 times as much for no security gain. */
    size_t nbytes = g->len >= 256 ? 40 : 20;
    drbg_bytes(rng, buf, nbytes);
    ok = BN_bin2bn(buf, (int)nbytes, x) != NULL;
    if (ok && BN_cmp(x, BN_value_one()) <= 0)
      ok = BN_add_word(x, 2);
  }
  OPENSSL_cleanse(buf, sizeof buf);
  BN_free(range);
  BN_CTX_free(bc);
  if (!ok) {
    BN_clear_free(x);
    return NULL;
  }
  return dh_from_priv(g, x);
}

IkeCryptoStatus ike_dh_derive(IkeDh *dh, const uint8_t *peer, size_t n, uint8_t *out,
                              size_t *out_len)
{
  const DhGroup *g = dh->grp;
  *out_len = 0;
  /* RFC 7296 3.4: the KE data length is fixed by the group */
  if (n != (g->ec ? 2 * g->len : g->len))
    return IKE_CRYPTO_BAD_LENGTH;
  IkeCryptoStatus st = IKE_CRYPTO_INTERNAL;
  BN_CTX *bc = BN_CTX_new();
  if (!bc)
    return IKE_CRYPTO_INTERNAL;
  /* The checks below are the whole validation of the peer's value (RFC 6989); OpenSSL's
   * full public-key validation is not run (perf-limits 3), and neither is an EVP key
   * import, which costs about as much as the ECDH itself. */
  if (g->ec) {
    uint8_t oct[1 + 2 * IKE_DH_MAX];
    oct[0] = POINT_CONVERSION_UNCOMPRESSED;
    memcpy(oct + 1, peer, n);
    EC_POINT *pt = EC_POINT_new(g->curve), *z = EC_POINT_new(g->curve);
    BIGNUM *x = BN_new();
    /* RFC 6989 2.3: coordinates in [0, p-1], the point on the curve, not infinity
     * (oct2point refuses coordinates >= p and points off the curve). The curves have
     * cofactor 1, so a point on the curve is in the prime-order group. */
    if (!pt || !z || !x)
      st = IKE_CRYPTO_INTERNAL;
    else if (!EC_POINT_oct2point(g->curve, pt, oct, n + 1, bc) ||
             EC_POINT_is_at_infinity(g->curve, pt))
      /* no second EC_POINT_is_on_curve: oct2point sets the point through
       * EC_POINT_set_affine_coordinates, which already refuses one off the curve */
      st = IKE_CRYPTO_BAD_VALUE;
    /* RFC 5903 7: g^ir is the x coordinate of d * Q, as a field-length octet string */
    else if (EC_POINT_mul(g->curve, z, NULL, pt, dh->priv, bc) &&
             !EC_POINT_is_at_infinity(g->curve, z) &&
             EC_POINT_get_affine_coordinates(g->curve, z, x, NULL, bc) &&
             BN_bn2binpad(x, out, (int)g->len) == (int)g->len) {
      *out_len = g->len;
      st = IKE_CRYPTO_OK;
    }
    BN_clear_free(x);
    EC_POINT_clear_free(z);
    EC_POINT_free(pt);
  } else {
    BIGNUM *y = BN_bin2bn(peer, (int)n, NULL), *pm1 = BN_dup(g->p), *z = BN_new();
    if (y && pm1 && z && BN_sub_word(pm1, 1)) {
      if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0) {
        /* RFC 6989 2.1: 1 < y < p-1 */
        st = IKE_CRYPTO_BAD_VALUE;
      } else if (g->q && (!BN_mod_exp_mont(z, y, g->q, g->p, bc, NULL) || !BN_is_one(z))) {
        /* RFC 6989 2.2: for the RFC 5114 groups, y^q = 1 (mod p) */
        st = IKE_CRYPTO_BAD_VALUE;
      } else if (BN_mod_exp_mont_consttime(z, y, dh->priv, g->p, bc, NULL) &&
                 BN_bn2binpad(z, out, (int)g->len) == (int)g->len) {
        /* RFC 7296 2.14: g^ir = y^x mod p, left-padded with zeros to the prime's length */
        *out_len = g->len;
        st = IKE_CRYPTO_OK;
      }
    }
    BN_clear_free(z);
    BN_free(pm1);
    BN_free(y);
  }
  BN_CTX_free(bc);
  return st;
}

/* ---- PRF ---- */

static const EVP_MD *prf_md(uint16_t prf)
{
  switch (prf) {
  case PRF_HMAC_MD5: return EVP_md5();
  case PRF_HMAC_SHA1: return EVP_sha1();
  case PRF_HMAC_SHA2_256: return EVP_sha256();
  case PRF_HMAC_SHA2_384: return EVP_sha384();
  default: return NULL;
  }
}

size_t ike_prf_len(uint16_t prf)
{
  const EVP_MD *md = prf_md(prf);
  return md ? (size_t)EVP_MD_get_size(md) : 0;
}

/* HMAC contexts with their digest already set, one per digest, made once: the one-shot
 * HMAC() of OpenSSL 3 fetches the MAC and the digest by name on every call, which cost
 * the engine more than a third of an ECP-256 handshake. Each call duplicates one. */
static const char *const hmac_digests[] = {"MD5", "SHA1", "SHA256", "SHA384"};
static const int hmac_nids[] = {NID_md5, NID_sha1, NID_sha256, NID_sha384};
static EVP_MAC_CTX *hmac_tmpl[G_N_ELEMENTS(hmac_digests)];

static EVP_MAC_CTX *hmac_template(const EVP_MD *md)
{
  static gsize done;
  if (g_once_init_enter(&done)) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    for (size_t i = 0; mac && i < G_N_ELEMENTS(hmac_digests); i++) {
      OSSL_PARAM p[2] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                          (char *)hmac_digests[i], 0),
                         OSSL_PARAM_END};
      EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
      if (c && EVP_MAC_CTX_set_params(c, p) > 0)
        hmac_tmpl[i] = c;
      else
        EVP_MAC_CTX_free(c);
    }
    EVP_MAC_free(mac); /* the contexts keep their reference */
    g_once_init_leave(&done, 1);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(hmac_digests); i++)
    if (EVP_MD_get_type(md) == hmac_nids[i])
      return hmac_tmpl[i];
  return NULL;
}

/* Each thread keeps one working copy per digest, re-keyed by every call and re-keyed with
 * an empty key afterwards so that no keyed state stays behind. */
static __thread EVP_MAC_CTX *hmac_work[G_N_ELEMENTS(hmac_digests)];

/* This thread's HMAC context for md (a copy of its template), or NULL. */
static EVP_MAC_CTX *hmac_ctx(const EVP_MD *md)
{
  EVP_MAC_CTX *t = hmac_template(md);
  EVP_MAC_CTX **w = NULL;
  for (size_t i = 0; t && i < G_N_ELEMENTS(hmac_digests); i++)
    if (hmac_tmpl[i] == t)
      w = &hmac_work[i];
  if (w && !*w)
    *w = EVP_MAC_CTX_dup(t);
  return w ? *w : NULL;
}

static const uint8_t hmac_empty[1];

/* One HMAC on w; key NULL re-uses the pads of w's last key (prf+ iterations). */
static bool hmac_on(EVP_MAC_CTX *w, const EVP_MD *md, const uint8_t *key, size_t klen,
                    const uint8_t *data, size_t dlen, uint8_t *out)
{
  size_t olen = 0;
  return (key ? EVP_MAC_init(w, klen ? key : hmac_empty, klen, NULL)
              : EVP_MAC_init(w, NULL, 0, NULL)) > 0 &&
         EVP_MAC_update(w, dlen ? data : hmac_empty, dlen) > 0 &&
         EVP_MAC_final(w, out, &olen, (size_t)EVP_MD_get_size(md)) > 0;
}

static bool is_sha256(const EVP_MD *md)
{
  return EVP_MD_get_type(md) == NID_sha256;
}

static bool hmac(const EVP_MD *md, const uint8_t *key, size_t klen, const uint8_t *data,
                 size_t dlen, uint8_t *out)
{
  if (is_sha256(md)) { /* the pads on the stack, wiped after: no EVP set-up (hmac_crypto.h) */
    HmacSha256Key k;
    hmac_sha256_key(&k, key, klen);
    hmac_sha256_parts(&k, &(HmacPart){data, dlen}, 1, out);
    hmac_sha256_key_clear(&k);
    return true;
  }
  EVP_MAC_CTX *w = hmac_ctx(md);
  if (!w) {
    unsigned int olen = 0;
    return HMAC(md, klen ? key : hmac_empty, (int)klen, dlen ? data : hmac_empty, dlen, out,
                &olen) != NULL;
  }
  bool ok = hmac_on(w, md, key ? key : hmac_empty, klen, data, dlen, out);
  EVP_MAC_init(w, hmac_empty, 0, NULL); /* scrub the keyed pads */
  return ok;
}

bool ike_prf(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *data, size_t dlen,
             uint8_t *out)
{
  const EVP_MD *md = prf_md(prf);
  return md && hmac(md, key, klen, data, dlen, out);
}

bool ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *seed,
                  size_t slen, uint8_t *out, size_t olen)
{
  const EVP_MD *md = prf_md(prf);
  size_t plen = ike_prf_len(prf);
  if (!md || olen > 255 * plen)
    return false;
  /* prf+ (K,S) = T1 | T2 | T3 | ...
   * T1 = prf (K, S | 0x01), T2 = prf (K, T1 | S | 0x02), ... (RFC 7296 2.13) */
  uint8_t t[IKE_PRF_MAX];
  size_t tlen = 0;
  uint8_t *buf = g_malloc(IKE_PRF_MAX + slen + 1);
  HmacSha256Key k256;
  bool sha256 = is_sha256(md);
  EVP_MAC_CTX *w = sha256 ? NULL : hmac_ctx(md);
  if (sha256)
    hmac_sha256_key(&k256, key, klen);
  bool ok = true;
  for (unsigned i = 1; olen && ok; i++) {
    memcpy(buf, t, tlen);
    memcpy(buf + tlen, seed, slen);
    buf[tlen + slen] = (uint8_t)i;
    /* the key's pads are set once, not per block (the key is the same for every T) */
    if (sha256)
      hmac_sha256_parts(&k256, &(HmacPart){buf, tlen + slen + 1}, 1, t);
    else
      ok = w ? hmac_on(w, md, i == 1 ? (key ? key : hmac_empty) : NULL, klen, buf,
                       tlen + slen + 1, t)
             : hmac(md, key, klen, buf, tlen + slen + 1, t);
    tlen = plen;
    size_t take = olen < plen ? olen : plen;
    memcpy(out, t, take);
    out += take;
    olen -= take;
  }
  if (w)
    EVP_MAC_init(w, hmac_empty, 0, NULL); /* scrub the keyed pads */
  if (sha256)
    hmac_sha256_key_clear(&k256);
  OPENSSL_cleanse(t, sizeof t);
  OPENSSL_cleanse(buf, IKE_PRF_MAX + slen + 1);
  g_free(buf);
  return ok;
}

/* ---- algorithm descriptors ---- */

static int cipher_idx(uint16_t encr, uint16_t key_bits)
{
  switch (encr) {
  case ENCR_AES_CBC:
    return key_bits == 128 ? C_AES128_CBC : key_bits == 192 ? C_AES192_CBC
           : key_bits == 256 ? C_AES256_CBC : -1;
  case ENCR_3DES: return key_bits == 0 ? C_3DES : -1;
  case ENCR_DES: return key_bits == 0 ? C_DES : -1;
  case ENCR_AES_GCM_16:
    return key_bits == 128 ? C_AES128_GCM : key_bits == 192 ? C_AES192_GCM
           : key_bits == 256 ? C_AES256_GCM : -1;
  default: return -1;
  }
}

static const EVP_CIPHER *cipher_get(uint16_t encr, uint16_t key_bits)
{
  ike_crypto_init();
  int i = cipher_idx(encr, key_bits);
  return i < 0 ? NULL : ciphers[i];
}

bool ike_encr_is_aead(uint16_t encr) { return encr == ENCR_AES_GCM_16; }

size_t ike_encr_key_len(uint16_t encr, uint16_t key_bits)
{
  const EVP_CIPHER *c = cipher_get(encr, key_bits);
  if (!c)
    return 0;
  /* RFC 5282 7.1: GCM keying material is the key followed by a 4-octet salt */
  return (size_t)EVP_CIPHER_get_key_length(c) + (ike_encr_is_aead(encr) ? 4 : 0);
}

size_t ike_encr_iv_len(uint16_t encr)
{
  switch (encr) {
  case ENCR_AES_CBC: return 16; /* RFC 3602 3 */
  case ENCR_3DES:
  case ENCR_DES: return 8;
  case ENCR_AES_GCM_16: return 8; /* RFC 5282 3.1 */
  default: return 0;
  }
}

size_t ike_encr_block_len(uint16_t encr)
{
  return encr == ENCR_AES_GCM_16 ? 1 : ike_encr_iv_len(encr);
}

static const EVP_MD *integ_md(uint16_t integ)
{
  switch (integ) {
  case AUTH_HMAC_MD5_96: return EVP_md5();         /* RFC 2403 */
  case AUTH_HMAC_SHA1_96: return EVP_sha1();       /* RFC 2404 */
  case AUTH_HMAC_SHA2_256_128: return EVP_sha256(); /* RFC 4868 */
  case AUTH_HMAC_SHA2_384_192: return EVP_sha384();
  default: return NULL;
  }
}

size_t ike_integ_key_len(uint16_t integ)
{
  const EVP_MD *md = integ_md(integ);
  return md ? (size_t)EVP_MD_get_size(md) : 0;
}

size_t ike_integ_icv_len(uint16_t integ)
{
  switch (integ) {
  case AUTH_HMAC_MD5_96:
  case AUTH_HMAC_SHA1_96: return 12;
  case AUTH_HMAC_SHA2_256_128: return 16;
  case AUTH_HMAC_SHA2_384_192: return 24;
  default: return 0;
  }
}

size_t ike_suite_icv_len(const IkeSuite *s)
{
  return ike_encr_is_aead(s->encr) ? 16 : ike_integ_icv_len(s->integ);
}

bool ike_suite_valid(const IkeSuite *s)
{
  if (!cipher_get(s->encr, s->key_bits) || !prf_md(s->prf))
    return false;
  /* RFC 5282 8: with a combined-mode cipher the integrity transform is none */
  if (ike_encr_is_aead(s->encr))
    return s->integ == AUTH_NONE;
  return integ_md(s->integ) != NULL;
}

/* ---- keys ---- */

IkeKeys *ike_keys_new(void) { return g_new0(IkeKeys, 1); }

void ike_keys_clear(IkeKeys *k)
{
  if (k)
    OPENSSL_cleanse(k, sizeof *k);
}

void ike_keys_free(IkeKeys *k)
{
  if (!k)
    return;
  ike_keys_clear(k);
  g_free(k);
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr) */
static bool seven_keys(IkeKeys *k, const IkeSuite *s, const uint8_t *skeyseed,
                       size_t skeyseed_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
                       uint64_t spi_i, uint64_t spi_r)
{
  k->suite = *s;
  k->prf_len = ike_prf_len(s->prf);
  k->e_len = ike_encr_key_len(s->encr, s->key_bits);
  k->a_len = ike_encr_is_aead(s->encr) ? 0 : ike_integ_key_len(s->integ);
  size_t slen = ni_len + nr_len + 16;
  size_t total = 3 * k->prf_len + 2 * k->a_len + 2 * k->e_len;
  uint8_t *seed = g_malloc(slen);
  uint8_t *km = g_malloc(total);
  memcpy(seed, ni, ni_len);
  memcpy(seed + ni_len, nr, nr_len);
  for (int i = 0; i < 8; i++) {
    seed[ni_len + nr_len + i] = (uint8_t)(spi_i >> (56 - 8 * i));
    seed[ni_len + nr_len + 8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
  }
  bool ok = ike_prf_plus(s->prf, skeyseed, skeyseed_len, seed, slen, km, total);
  const uint8_t *p = km;
  memcpy(k->sk_d, p, k->prf_len), p += k->prf_len;
  memcpy(k->sk_ai, p, k->a_len), p += k->a_len;
  memcpy(k->sk_ar, p, k->a_len), p += k->a_len;
  memcpy(k->sk_ei, p, k->e_len), p += k->e_len;
  memcpy(k->sk_er, p, k->e_len), p += k->e_len;
  memcpy(k->sk_pi, p, k->prf_len), p += k->prf_len;
  memcpy(k->sk_pr, p, k->prf_len);
  OPENSSL_cleanse(km, total);
  g_free(km);
  g_free(seed);
  return ok;
}

bool ike_keys_derive(IkeKeys *k, const IkeSuite *s, const uint8_t *ni, size_t ni_len,
                     const uint8_t *nr, size_t nr_len, const uint8_t *gir, size_t gir_len,
                     uint64_t spi_i, uint64_t spi_r, uint8_t *skeyseed_out)
{
  if (!ike_suite_valid(s))
    return false;
  /* SKEYSEED = prf(Ni | Nr, g^ir) */
  uint8_t *nn = g_malloc(ni_len + nr_len);
  memcpy(nn, ni, ni_len);
  memcpy(nn + ni_len, nr, nr_len);
  uint8_t skeyseed[IKE_PRF_MAX];
  bool ok = ike_prf(s->prf, nn, ni_len + nr_len, gir, gir_len, skeyseed) &&
            seven_keys(k, s, skeyseed, ike_prf_len(s->prf), ni, ni_len, nr, nr_len, spi_i, spi_r);
  if (skeyseed_out)
    memcpy(skeyseed_out, skeyseed, ike_prf_len(s->prf));
  OPENSSL_cleanse(skeyseed, sizeof skeyseed);
  g_free(nn);
  return ok;
}

bool ike_keys_derive_rekey(IkeKeys *k, const IkeSuite *s, const IkeKeys *old,
                           const uint8_t *gir, size_t gir_len, const uint8_t *ni, size_t ni_len,
                           const uint8_t *nr, size_t nr_len, uint64_t spi_i, uint64_t spi_r)
{
  if (!ike_suite_valid(s))
    return false;
  /* SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), with the old SA's PRF (RFC 7296 2.18) */
  size_t len = gir_len + ni_len + nr_len;
  uint8_t *data = g_malloc(len);
  memcpy(data, gir, gir_len);
  memcpy(data + gir_len, ni, ni_len);
  memcpy(data + gir_len + ni_len, nr, nr_len);
  uint8_t skeyseed[IKE_PRF_MAX];
  bool ok = ike_prf(old->suite.prf, old->sk_d, old->prf_len, data, len, skeyseed) &&
            /* "it is the old IKE SA's PRF that is used to generate SKEYSEED"; the seven keys
             * then come from the new SA's prf+ keyed with it */
            seven_keys(k, s, skeyseed, ike_prf_len(old->suite.prf), ni, ni_len, nr, nr_len,
                       spi_i, spi_r);
  OPENSSL_cleanse(data, len);
  OPENSSL_cleanse(skeyseed, sizeof skeyseed);
  g_free(data);
  return ok;
}

bool ike_child_keymat(const IkeKeys *k, const uint8_t *gir, size_t gir_len, const uint8_t *ni,
                      size_t ni_len, const uint8_t *nr, size_t nr_len, uint8_t *out,
                      size_t out_len)
{
  /* KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) with PFS */
  size_t gl = gir ? gir_len : 0;
  size_t len = gl + ni_len + nr_len;
  uint8_t *seed = g_malloc(len);
  if (gl)
    memcpy(seed, gir, gl);
  memcpy(seed + gl, ni, ni_len);
  memcpy(seed + gl + ni_len, nr, nr_len);
  bool ok = ike_prf_plus(k->suite.prf, k->sk_d, k->prf_len, seed, len, out, out_len);
  OPENSSL_cleanse(seed, len);
  g_free(seed);
  return ok;
}

IkeSkDir ike_keys_dir(const IkeKeys *k, bool from_initiator)
{
  return (IkeSkDir){.suite = k->suite,
                    .ek = from_initiator ? k->sk_ei : k->sk_er,
                    .ek_len = k->e_len,
                    .ak = from_initiator ? k->sk_ai : k->sk_ar,
                    .ak_len = k->a_len};
}

/* ---- SK primitives ---- */

static IkeCryptoStatus cipher_run(const IkeSkDir *d, bool enc, const uint8_t *iv,
                                  const uint8_t *aad, size_t aad_len, const uint8_t *in,
                                  size_t len, uint8_t *out, uint8_t *icv)
{
  const EVP_CIPHER *c = cipher_get(d->suite.encr, d->suite.key_bits);
  if (!c)
    return IKE_CRYPTO_UNSUPPORTED;
  bool aead = ike_encr_is_aead(d->suite.encr);
  size_t klen = (size_t)EVP_CIPHER_get_key_length(c);
  if (d->ek_len != klen + (aead ? 4 : 0))
    return IKE_CRYPTO_BAD_LENGTH;
  size_t blk = ike_encr_block_len(d->suite.encr);
  if (len % blk)
    return IKE_CRYPTO_BAD_LENGTH;
  uint8_t nonce[12];
  const uint8_t *ivp = iv;
  if (aead) {
    /* RFC 5282 4: nonce = salt (last 4 octets of the keying material) | IV (8 octets) */
    memcpy(nonce, d->ek + klen, 4);
    memcpy(nonce + 4, iv, 8);
    ivp = nonce;
  }
  EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
  IkeCryptoStatus st = IKE_CRYPTO_INTERNAL;
  int l = 0;
  if (!x || EVP_CipherInit_ex2(x, c, d->ek, ivp, enc ? 1 : 0, NULL) <= 0)
    goto out;
  if (!aead)
    EVP_CIPHER_CTX_set_padding(x, 0); /* IKE pads itself (RFC 7296 3.14) */
  if (aead && aad_len && EVP_CipherUpdate(x, NULL, &l, aad, (int)aad_len) <= 0)
    goto out;
  if (len && EVP_CipherUpdate(x, out, &l, in, (int)len) <= 0)
    goto out;
  if (aead && !enc &&
      EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, 16, (void *)(uintptr_t)icv) <= 0)
    goto out;
  int f = 0;
  if (EVP_CipherFinal_ex(x, out + l, &f) <= 0) {
    st = aead && !enc ? IKE_CRYPTO_AUTH_FAILED : IKE_CRYPTO_INTERNAL;
    goto out;
  }
  if (aead && enc && EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, 16, icv) <= 0)
    goto out;
  st = IKE_CRYPTO_OK;
out:
  EVP_CIPHER_CTX_free(x);
  OPENSSL_cleanse(nonce, sizeof nonce);
  return st;
}

IkeCryptoStatus ike_sk_encrypt(const IkeSkDir *d, const uint8_t *iv, const uint8_t *aad,
                               size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                               uint8_t *icv)
{
  return cipher_run(d, true, iv, aad, aad_len, in, len, out, icv);
}

IkeCryptoStatus ike_sk_decrypt(const IkeSkDir *d, const uint8_t *iv, const uint8_t *aad,
                               size_t aad_len, const uint8_t *in, size_t len,
                               const uint8_t *icv, uint8_t *out)
{
  return cipher_run(d, false, iv, aad, aad_len, in, len, out, (uint8_t *)(uintptr_t)icv);
}

bool ike_sk_icv(const IkeSkDir *d, const uint8_t *data, size_t len, uint8_t *icv)
{
  const EVP_MD *md = integ_md(d->suite.integ);
  uint8_t full[EVP_MAX_MD_SIZE];
  if (!md || d->ak_len != ike_integ_key_len(d->suite.integ) ||
      !hmac(md, d->ak, d->ak_len, data, len, full))
    return false;
  /* RFC 2404/4868: the ICV is the leftmost bits of the HMAC output */
  memcpy(icv, full, ike_integ_icv_len(d->suite.integ));
  OPENSSL_cleanse(full, sizeof full);
  return true;
}

bool ike_ct_equal(const void *a, const void *b, size_t n) { return CRYPTO_memcmp(a, b, n) == 0; }

void ike_wipe(void *p, size_t n)
{
  if (p && n)
    OPENSSL_cleanse(p, n);
}

/* ---- AUTH, NAT detection ---- */

bool ike_psk_auth(uint16_t prf, const uint8_t *psk, size_t psk_len, const uint8_t *real_msg,
                  size_t real_len, const uint8_t *peer_nonce, size_t nonce_len,
                  const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id_body, size_t id_len,
                  uint8_t *out)
{
  static const char pad[] = "Key Pad for IKEv2"; /* 17 ASCII octets, no NUL (RFC 7296 2.15) */
  size_t plen = ike_prf_len(prf);
  if (!plen)
    return false;
  uint8_t key[IKE_PRF_MAX], maced_id[IKE_PRF_MAX];
  /* MACedIDFor[IR] = prf(SK_p[ir], RestOf[IR]IDPayload) */
  bool ok = ike_prf(prf, sk_p, sk_p_len, id_body, id_len, maced_id) &&
            /* prf(Shared Secret, "Key Pad for IKEv2") */
            ike_prf(prf, psk, psk_len, (const uint8_t *)pad, sizeof pad - 1, key);
  /* <SignedOctets> = RealMessage | Nonce[RI]Data | MACedIDFor[IR] */
  size_t len = real_len + nonce_len + plen;
  uint8_t *signed_octets = g_malloc(len);
  memcpy(signed_octets, real_msg, real_len);
  memcpy(signed_octets + real_len, peer_nonce, nonce_len);
  memcpy(signed_octets + real_len + nonce_len, maced_id, plen);
  ok = ok && ike_prf(prf, key, plen, signed_octets, len, out);
  OPENSSL_cleanse(key, sizeof key);
  OPENSSL_cleanse(maced_id, sizeof maced_id);
  g_free(signed_octets);
  return ok;
}

void ike_nat_hash(uint64_t spi_i, uint64_t spi_r, uint32_t addr, uint16_t port,
                  uint8_t out[20])
{
  /* NAT_DETECTION_*_IP data = SHA-1(SPIi | SPIr | IP | Port), network byte order */
  uint8_t in[22];
  for (int i = 0; i < 8; i++) {
    in[i] = (uint8_t)(spi_i >> (56 - 8 * i));
    in[8 + i] = (uint8_t)(spi_r >> (56 - 8 * i));
  }
  in[16] = (uint8_t)(addr >> 24);
  in[17] = (uint8_t)(addr >> 16);
  in[18] = (uint8_t)(addr >> 8);
  in[19] = (uint8_t)addr;
  in[20] = (uint8_t)(port >> 8);
  in[21] = (uint8_t)port;
  unsigned int n = 20;
  EVP_Digest(in, sizeof in, out, &n, EVP_sha1(), NULL);
}
