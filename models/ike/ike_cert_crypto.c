/* SPDX-License-Identifier: MIT */
/* X.509 certificates and AUTH signatures over OpenSSL 3: deterministic keys from the DRBG,
 * CA-signed certificates, chain validation, revocation by thumbprint, RFC 7427 signatures. */
#include "models/ike/ike_cert_crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <limits.h>
#include <string.h>

NAME_TABLE(ike_key_type_names, "key type", {IKE_KEY_NONE, "none"}, {IKE_KEY_RSA, "RSA"},
           {IKE_KEY_ECDSA, "ECDSA"});
NAME_TABLE(ike_cert_verdict_names, "certificate verdict", {IKE_CERT_OK, "ok"},
           {IKE_CERT_UNTRUSTED, "untrusted"}, {IKE_CERT_EXPIRED, "expired"},
           {IKE_CERT_REVOKED, "revoked"}, {IKE_CERT_WRONG_USAGE, "wrong usage"},
           {IKE_CERT_KEY_TYPE, "key type not supported"}, {IKE_CERT_MALFORMED, "malformed"});

struct IkeKey {
  IkeKeyType type;
  EVP_PKEY *pkey;
  BIGNUM *ec_priv; /* ECDSA: the scalar, for the DRBG-nonce signature */
};

struct IkeCert {
  gint refs;
  X509 *x;
  uint8_t *der;
  size_t der_len;
  char thumb[41];
};

struct IkeTrust {
  IkeCert *roots[IKE_TRUST_MAX_ROOTS];
  size_t n_roots;
  GPtrArray *revoked; /* upper-case hex thumbprints */
  bool rsa_only;
};

/* ---- keys ---- */

/* One prime of 'bits': DRBG bytes, top two bits set (so p*q has exactly 2*bits bits), odd;
 * then the first probable prime upwards in steps of 2 with gcd(p - 1, e) = 1. */
static BIGNUM *det_prime(Drbg *rng, unsigned bits, const BIGNUM *e, BN_CTX *bc)
{
  size_t nb = bits / 8;
  uint8_t buf[512];
  drbg_bytes(rng, buf, nb);
  buf[0] |= 0xc0;
  buf[nb - 1] |= 1;
  BIGNUM *p = BN_secure_new(), *pm1 = BN_new(), *g = BN_new();
  bool ok = p && pm1 && g && BN_bin2bn(buf, (int)nb, p);
  OPENSSL_cleanse(buf, sizeof buf);
  for (int i = 0; ok && i < 1000000; i++) {
    if (BN_num_bits(p) != (int)bits) {
      ok = false; /* ran off the top: astronomically unlikely */
      break;
    }
    ok = BN_sub(pm1, p, BN_value_one()) && BN_gcd(g, pm1, e, bc);
    if (ok && BN_is_one(g)) {
      int r = BN_check_prime(p, bc, NULL); /* trial division, then Miller-Rabin */
      if (r == 1)
        break;
      ok = r == 0;
    }
    ok = ok && BN_add_word(p, 2);
  }
  BN_free(pm1);
  BN_free(g);
  if (!ok) {
    BN_clear_free(p);
    return NULL;
  }
  return p;
}

IkeKey *ike_key_new_rsa(Drbg *rng, unsigned bits)
{
  g_return_val_if_fail(rng && bits >= 1024 && bits <= 4096 && bits % 16 == 0, NULL);
  IkeKey *k = NULL;
  BN_CTX *bc = BN_CTX_secure_new();
  BIGNUM *e = BN_new(), *p = NULL, *q = NULL;
  BIGNUM *n = BN_new(), *d = BN_secure_new(), *dp = BN_secure_new(), *dq = BN_secure_new(),
         *qinv = BN_secure_new(), *pm1 = BN_new(), *qm1 = BN_new(), *lambda = BN_new(),
         *gcd = BN_new();
  OSSL_PARAM_BLD *bld = NULL;
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *pc = NULL;
  EVP_PKEY *pkey = NULL;
  if (!bc || !e || !n || !d || !dp || !dq || !qinv || !pm1 || !qm1 || !lambda || !gcd ||
      !BN_set_word(e, RSA_F4))
    goto out;
  p = det_prime(rng, bits / 2, e, bc);
  q = det_prime(rng, bits / 2, e, bc);
  if (!p || !q || BN_cmp(p, q) == 0)
    goto out;
  if (BN_cmp(p, q) < 0) { /* p > q, as PKCS #1 conventionally lists them */
    BIGNUM *t = p;
    p = q;
    q = t;
  }
  /* n = p q; lambda = lcm(p-1, q-1); d = e^-1 mod lambda; dP = d mod (p-1);
   * dQ = d mod (q-1); qInv = q^-1 mod p (RFC 8017 3.2) */
  if (!BN_mul(n, p, q, bc) || !BN_sub(pm1, p, BN_value_one()) ||
      !BN_sub(qm1, q, BN_value_one()) || !BN_gcd(gcd, pm1, qm1, bc) ||
      !BN_mul(lambda, pm1, qm1, bc) || !BN_div(lambda, NULL, lambda, gcd, bc) ||
      !BN_mod_inverse(d, e, lambda, bc) || !BN_mod(dp, d, pm1, bc) || !BN_mod(dq, d, qm1, bc) ||
      !BN_mod_inverse(qinv, q, p, bc))
    goto out;
  bld = OSSL_PARAM_BLD_new();
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv) ||
      !(params = OSSL_PARAM_BLD_to_param(bld)))
    goto out;
  pc = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
  if (!pc || EVP_PKEY_fromdata_init(pc) <= 0 ||
      EVP_PKEY_fromdata(pc, &pkey, EVP_PKEY_KEYPAIR, params) <= 0)
    goto out;
  k = g_new0(IkeKey, 1);
  k->type = IKE_KEY_RSA;
  k->pkey = g_steal_pointer(&pkey);
out:
  EVP_PKEY_free(pkey);
  EVP_PKEY_CTX_free(pc);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(e);
  BN_clear_free(p);
  BN_clear_free(q);
  BN_free(n);
  BN_clear_free(d);
  BN_clear_free(dp);
  BN_clear_free(dq);
  BN_clear_free(qinv);
  BN_clear_free(pm1);
  BN_clear_free(qm1);
  BN_clear_free(lambda);
  BN_free(gcd);
  BN_CTX_free(bc);
  return k;
}

IkeKey *ike_key_new_ecdsa(Drbg *rng)
{
  g_return_val_if_fail(rng, NULL);
  IkeKey *k = NULL;
  EC_GROUP *grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  BN_CTX *bc = BN_CTX_new();
  BIGNUM *x = BN_secure_new(), *range = BN_new();
  EC_POINT *pub = grp ? EC_POINT_new(grp) : NULL;
  OSSL_PARAM_BLD *bld = NULL;
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *pc = NULL;
  EVP_PKEY *pkey = NULL;
  uint8_t buf[40], pt[65];
  if (!grp || !bc || !x || !range || !pub)
    goto out;
  /* 1 <= x <= n - 1 (SEC 1 3.2.1): 64 bits more than the order, reduced */
  drbg_bytes(rng, buf, sizeof buf);
  if (!BN_bin2bn(buf, sizeof buf, x) || !BN_copy(range, EC_GROUP_get0_order(grp)) ||
      !BN_sub_word(range, 1) || !BN_mod(x, x, range, bc) || !BN_add_word(x, 1) ||
      !EC_POINT_mul(grp, pub, x, NULL, NULL, bc) ||
      EC_POINT_point2oct(grp, pub, POINT_CONVERSION_UNCOMPRESSED, pt, sizeof pt, bc) != 65)
    goto out;
  bld = OSSL_PARAM_BLD_new();
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) ||
      !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt) ||
      !(params = OSSL_PARAM_BLD_to_param(bld)))
    goto out;
  pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
  if (!pc || EVP_PKEY_fromdata_init(pc) <= 0 ||
      EVP_PKEY_fromdata(pc, &pkey, EVP_PKEY_KEYPAIR, params) <= 0)
    goto out;
  k = g_new0(IkeKey, 1);
  k->type = IKE_KEY_ECDSA;
  k->pkey = g_steal_pointer(&pkey);
  k->ec_priv = g_steal_pointer(&x);
out:
  OPENSSL_cleanse(buf, sizeof buf);
  EVP_PKEY_free(pkey);
  EVP_PKEY_CTX_free(pc);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  EC_POINT_free(pub);
  BN_clear_free(x);
  BN_free(range);
  BN_CTX_free(bc);
  EC_GROUP_free(grp);
  return k;
}

void ike_key_free(IkeKey *k)
{
  if (!k)
    return;
  EVP_PKEY_free(k->pkey);
  BN_clear_free(k->ec_priv);
  g_free(k);
}

IkeKeyType ike_key_type(const IkeKey *k) { return k ? k->type : IKE_KEY_NONE; }

static char *bio_string(BIO *b)
{
  char *data;
  long n = BIO_get_mem_data(b, &data);
  char *s = n > 0 ? g_strndup(data, (gsize)n) : NULL;
  BIO_free(b);
  return s;
}

char *ike_key_pem(const IkeKey *k)
{
  BIO *b = BIO_new(BIO_s_mem());
  if (!b || !PEM_write_bio_PrivateKey(b, k->pkey, NULL, NULL, 0, NULL, NULL)) {
    BIO_free(b);
    return NULL;
  }
  return bio_string(b);
}

/* ---- certificates ---- */

static IkeCert *cert_wrap(X509 *x)
{
  int n = i2d_X509(x, NULL);
  if (n <= 0) {
    X509_free(x);
    return NULL;
  }
  IkeCert *c = g_new0(IkeCert, 1);
  c->refs = 1;
  c->x = x;
  c->der = g_malloc((size_t)n);
  uint8_t *p = c->der;
  c->der_len = (size_t)i2d_X509(x, &p);
  uint8_t md[20];
  unsigned mdlen = 0;
  EVP_Digest(c->der, c->der_len, md, &mdlen, EVP_sha1(), NULL);
  for (unsigned i = 0; i < 20; i++)
    g_snprintf(c->thumb + 2 * i, 3, "%02X", md[i]);
  return c;
}

static bool add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
  bool ok = ext && X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  return ok;
}

IkeCert *ike_cert_new(const IkeCertSpec *spec, const IkeKey *key, const IkeCert *issuer,
                      const IkeKey *issuer_key)
{
  g_return_val_if_fail(spec && spec->cn && key, NULL);
  const IkeKey *signer = issuer ? issuer_key : key;
  g_return_val_if_fail(signer && signer->type == IKE_KEY_RSA, NULL);
  X509 *x = X509_new();
  X509_NAME *name = X509_NAME_new();
  bool ok = x && name && X509_set_version(x, 2) &&
            ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), spec->serial ? spec->serial : 1) &&
            X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"vpnsim",
                                       -1, -1, 0) &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                       (const unsigned char *)spec->cn, -1, -1, 0) &&
            X509_set_subject_name(x, name) &&
            X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->x) : name) &&
            ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(spec->not_before
                                                               ? spec->not_before
                                                               : IKE_CERT_DEFAULT_NOT_BEFORE)) &&
            ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(spec->not_after
                                                              ? spec->not_after
                                                              : IKE_CERT_DEFAULT_NOT_AFTER)) &&
            X509_set_pubkey(x, key->pkey);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer->x : x, x, NULL, NULL, 0);
  if (ok) {
    switch (spec->use) {
    case IKE_CERT_USE_CA:
      ok = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") &&
           add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
      break;
    case IKE_CERT_USE_CLIENT:
    case IKE_CERT_USE_SERVER:
      ok = add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") &&
           add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment") &&
           add_ext(x, &ctx, NID_ext_key_usage,
                   spec->use == IKE_CERT_USE_CLIENT ? "clientAuth" : "serverAuth");
      break;
    }
  }
  ok = ok && add_ext(x, &ctx, NID_subject_key_identifier, "hash") &&
       add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
  /* sha256WithRSAEncryption: PKCS #1 v1.5, no randomness, so the bytes repeat */
  ok = ok && X509_sign(x, signer->pkey, EVP_sha256()) > 0;
  X509_NAME_free(name);
  if (!ok) {
    X509_free(x);
    return NULL;
  }
  return cert_wrap(x);
}

IkeCert *ike_cert_from_der(const uint8_t *der, size_t n)
{
  if (!der || !n || n > LONG_MAX)
    return NULL;
  const uint8_t *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)n);
  if (!x)
    return NULL;
  if ((size_t)(p - der) != n) { /* trailing bytes: not exactly one certificate */
    X509_free(x);
    return NULL;
  }
  return cert_wrap(x);
}

IkeCert *ike_cert_ref(IkeCert *c)
{
  if (c)
    g_atomic_int_inc(&c->refs);
  return c;
}

void ike_cert_unref(IkeCert *c)
{
  if (!c || !g_atomic_int_dec_and_test(&c->refs))
    return;
  X509_free(c->x);
  g_free(c->der);
  g_free(c);
}

const uint8_t *ike_cert_der(const IkeCert *c, size_t *n)
{
  *n = c->der_len;
  return c->der;
}

char *ike_cert_pem(const IkeCert *c)
{
  BIO *b = BIO_new(BIO_s_mem());
  if (!b || !PEM_write_bio_X509(b, c->x)) {
    BIO_free(b);
    return NULL;
  }
  return bio_string(b);
}

const char *ike_cert_thumbprint(const IkeCert *c) { return c->thumb; }

void ike_cert_spki_sha1(const IkeCert *c, uint8_t out[20])
{
  /* RFC 7296 3.7: the SHA-1 hash of the Subject Public Key Info element */
  X509_PUBKEY *pk = X509_get_X509_PUBKEY(c->x);
  uint8_t *der = NULL;
  int n = i2d_X509_PUBKEY(pk, &der);
  unsigned len = 0;
  if (n <= 0 || !EVP_Digest(der, (size_t)n, out, &len, EVP_sha1(), NULL))
    memset(out, 0, 20);
  OPENSSL_free(der);
}

IkeKeyType ike_cert_key_type(const IkeCert *c)
{
  EVP_PKEY *pk = X509_get0_pubkey(c->x);
  if (!pk)
    return IKE_KEY_NONE;
  if (EVP_PKEY_is_a(pk, "RSA"))
    return IKE_KEY_RSA;
  if (EVP_PKEY_is_a(pk, "EC"))
    return IKE_KEY_ECDSA;
  return IKE_KEY_NONE;
}

GBytes *ike_cert_subject_der(const IkeCert *c)
{
  uint8_t *der = NULL;
  int n = i2d_X509_NAME(X509_get_subject_name(c->x), &der);
  if (n <= 0)
    return NULL;
  GBytes *b = g_bytes_new(der, (gsize)n);
  OPENSSL_free(der);
  return b;
}

char *ike_cert_subject(const IkeCert *c)
{
  BIO *b = BIO_new(BIO_s_mem());
  if (!b || X509_NAME_print_ex(b, X509_get_subject_name(c->x), 0,
                               XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    BIO_free(b);
    return NULL;
  }
  return bio_string(b);
}

/* ---- trust ---- */

IkeTrust *ike_trust_new(void)
{
  IkeTrust *t = g_new0(IkeTrust, 1);
  t->revoked = g_ptr_array_new_with_free_func(g_free);
  return t;
}

void ike_trust_free(IkeTrust *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < t->n_roots; i++)
    ike_cert_unref(t->roots[i]);
  g_ptr_array_unref(t->revoked);
  g_free(t);
}

bool ike_trust_add_root(IkeTrust *t, IkeCert *root)
{
  g_return_val_if_fail(t && root, false);
  if (t->n_roots >= IKE_TRUST_MAX_ROOTS)
    return false;
  t->roots[t->n_roots++] = ike_cert_ref(root);
  return true;
}

size_t ike_trust_n_roots(const IkeTrust *t) { return t->n_roots; }

bool ike_trust_revoke(IkeTrust *t, const char *thumbprint)
{
  char hex[41];
  size_t n = 0;
  for (const char *s = thumbprint; *s; s++) {
    if (*s == ' ' || *s == ':')
      continue;
    if (!g_ascii_isxdigit(*s) || n == 40)
      return false;
    hex[n++] = g_ascii_toupper(*s);
  }
  if (n != 40)
    return false;
  hex[40] = 0;
  g_ptr_array_add(t->revoked, g_strdup(hex));
  return true;
}

void ike_trust_set_rsa_only(IkeTrust *t, bool rsa_only) { t->rsa_only = rsa_only; }

uint8_t *ike_trust_certreq(const IkeTrust *t, size_t *n)
{
  *n = t->n_roots * 20;
  uint8_t *out = g_malloc(*n ? *n : 1);
  for (size_t i = 0; i < t->n_roots; i++)
    ike_cert_spki_sha1(t->roots[i], out + 20 * i);
  return out;
}

IkeCertVerdict ike_trust_verify(const IkeTrust *t, const IkeCert *leaf,
                                IkeCert *const *intermediates, size_t n_intermediates,
                                IkeCertUse use, int64_t at)
{
  if (!leaf)
    return IKE_CERT_MALFORMED;
  X509_STORE *store = X509_STORE_new();
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  STACK_OF(X509) *chain = sk_X509_new_null();
  IkeCertVerdict v = IKE_CERT_UNTRUSTED;
  if (!store || !ctx || !chain)
    goto out;
  for (size_t i = 0; i < t->n_roots; i++)
    X509_STORE_add_cert(store, t->roots[i]->x);
  for (size_t i = 0; i < n_intermediates; i++)
    sk_X509_push(chain, intermediates[i]->x);
  if (!X509_STORE_CTX_init(ctx, store, leaf->x, chain))
    goto out;
  /* simulated time, never the wall clock */
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)at);
  if (use == IKE_CERT_USE_CLIENT)
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
  else if (use == IKE_CERT_USE_SERVER)
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  if (X509_verify_cert(ctx) != 1) {
    switch (X509_STORE_CTX_get_error(ctx)) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID: v = IKE_CERT_EXPIRED; break;
    case X509_V_ERR_INVALID_PURPOSE: v = IKE_CERT_WRONG_USAGE; break;
    default: v = IKE_CERT_UNTRUSTED; break;
    }
    goto out;
  }
  v = IKE_CERT_OK;
  if (t->rsa_only && ike_cert_key_type(leaf) != IKE_KEY_RSA)
    v = IKE_CERT_KEY_TYPE;
  for (guint i = 0; v == IKE_CERT_OK && i < t->revoked->len; i++)
    if (strcmp(g_ptr_array_index(t->revoked, i), leaf->thumb) == 0)
      v = IKE_CERT_REVOKED;
out:
  sk_X509_free(chain);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return v;
}

/* ---- AUTH signatures ---- */

uint8_t *ike_signed_octets(uint16_t prf, const uint8_t *real_msg, size_t real_len,
                           const uint8_t *peer_nonce, size_t nonce_len, const uint8_t *sk_p,
                           size_t sk_p_len, const uint8_t *id_body, size_t id_len, size_t *n)
{
  size_t mlen = ike_prf_len(prf);
  if (!mlen)
    return NULL;
  /* SignedOctets = RealMessage | NonceData of the peer | prf(SK_p, RestOfIDPayload) */
  uint8_t *out = g_malloc(real_len + nonce_len + mlen);
  memcpy(out, real_msg, real_len);
  memcpy(out + real_len, peer_nonce, nonce_len);
  if (!ike_prf(prf, sk_p, sk_p_len, id_body, id_len, out + real_len + nonce_len)) {
    g_free(out);
    return NULL;
  }
  *n = real_len + nonce_len + mlen;
  return out;
}

Ikev2SigScheme ike_sig_scheme_for(const IkeKey *k, uint8_t method)
{
  if (!k)
    return IKEV2_SIG_UNKNOWN;
  if (method == IKEV2_AUTH_RSA_SIG)
    return k->type == IKE_KEY_RSA ? IKEV2_SIG_RSA_SHA1 : IKEV2_SIG_UNKNOWN;
  if (method == IKEV2_AUTH_DIGITAL_SIG)
    return k->type == IKE_KEY_RSA ? IKEV2_SIG_RSA_SHA256 : IKEV2_SIG_ECDSA_SHA256;
  return IKEV2_SIG_UNKNOWN;
}

static const EVP_MD *scheme_md(Ikev2SigScheme s, bool *ecdsa)
{
  *ecdsa = s >= IKEV2_SIG_ECDSA_SHA256;
  switch (ikev2_sig_scheme_hash(s)) {
  case IKEV2_HASH_SHA1: return EVP_sha1();
  case IKEV2_HASH_SHA2_256: return EVP_sha256();
  case IKEV2_HASH_SHA2_384: return EVP_sha384();
  case IKEV2_HASH_SHA2_512: return EVP_sha512();
  default: return NULL;
  }
}

/* ECDSA (SEC 1 4.1.3) with the nonce k from the DRBG: OpenSSL 3.0 draws k itself and has
 * no deterministic mode, which would make runs differ. r = (k G).x mod n,
 * s = k^-1 (e + r d) mod n, e the leftmost bits of the hash. */
static bool ecdsa_sign(const IkeKey *k, const EVP_MD *md, Drbg *rng, const uint8_t *data,
                       size_t n, uint8_t **sig, size_t *sig_len)
{
  uint8_t h[EVP_MAX_MD_SIZE], buf[40];
  unsigned hlen = 0;
  EC_GROUP *grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  BN_CTX *bc = BN_CTX_new();
  BIGNUM *kk = BN_secure_new(), *r = BN_new(), *s = BN_new(), *e = BN_new(), *x = BN_new(),
         *range = BN_new();
  EC_POINT *R = grp ? EC_POINT_new(grp) : NULL;
  ECDSA_SIG *es = NULL;
  bool ok = grp && bc && kk && r && s && e && x && range && R &&
            EVP_Digest(data, n, h, &hlen, md, NULL);
  const BIGNUM *order = ok ? EC_GROUP_get0_order(grp) : NULL;
  size_t olen = order ? (size_t)BN_num_bytes(order) : 0;
  ok = ok && BN_bin2bn(h, (int)MIN(hlen, olen), e) && BN_copy(range, order) &&
       BN_sub_word(range, 1);
  for (int tries = 0; ok && tries < 16; tries++) {
    drbg_bytes(rng, buf, sizeof buf);
    ok = BN_bin2bn(buf, sizeof buf, kk) && BN_mod(kk, kk, range, bc) && BN_add_word(kk, 1) &&
         EC_POINT_mul(grp, R, kk, NULL, NULL, bc) &&
         EC_POINT_get_affine_coordinates(grp, R, x, NULL, bc) && BN_nnmod(r, x, order, bc) &&
         BN_mod_mul(s, r, k->ec_priv, order, bc) && BN_mod_add(s, s, e, order, bc) &&
         BN_mod_inverse(kk, kk, order, bc) && BN_mod_mul(s, s, kk, order, bc);
    if (ok && !BN_is_zero(r) && !BN_is_zero(s))
      break;
  }
  ok = ok && !BN_is_zero(r) && !BN_is_zero(s) && (es = ECDSA_SIG_new()) &&
       ECDSA_SIG_set0(es, r, s);
  if (ok)
    r = s = NULL; /* owned by es */
  int dl = ok ? i2d_ECDSA_SIG(es, NULL) : 0;
  if (dl > 0) {
    *sig = g_malloc((size_t)dl);
    uint8_t *p = *sig;
    *sig_len = (size_t)i2d_ECDSA_SIG(es, &p);
  }
  OPENSSL_cleanse(buf, sizeof buf);
  ECDSA_SIG_free(es);
  EC_POINT_free(R);
  BN_clear_free(kk);
  BN_free(r);
  BN_free(s);
  BN_free(e);
  BN_free(x);
  BN_free(range);
  BN_CTX_free(bc);
  EC_GROUP_free(grp);
  return dl > 0;
}

bool ike_sig_sign(const IkeKey *k, Ikev2SigScheme scheme, Drbg *rng, const uint8_t *data,
                  size_t n, uint8_t **sig, size_t *sig_len)
{
  bool ecdsa;
  const EVP_MD *md = scheme_md(scheme, &ecdsa);
  if (!k || !md || ecdsa != (k->type == IKE_KEY_ECDSA))
    return false;
  if (ecdsa)
    return rng && ecdsa_sign(k, md, rng, data, n, sig, sig_len);
  /* RSASSA-PKCS1-v1_5 (RFC 8017 8.2): deterministic */
  EVP_MD_CTX *mc = EVP_MD_CTX_new();
  size_t len = 0;
  bool ok = mc && EVP_DigestSignInit(mc, NULL, md, NULL, k->pkey) > 0 &&
            EVP_DigestSign(mc, NULL, &len, data, n) > 0;
  if (ok) {
    *sig = g_malloc(len);
    ok = EVP_DigestSign(mc, *sig, &len, data, n) > 0;
    if (ok)
      *sig_len = len;
    else
      g_clear_pointer(sig, g_free);
  }
  EVP_MD_CTX_free(mc);
  return ok;
}

IkeCryptoStatus ike_sig_verify(const IkeCert *c, Ikev2SigScheme scheme, const uint8_t *data,
                               size_t n, const uint8_t *sig, size_t sig_len)
{
  bool ecdsa;
  const EVP_MD *md = scheme_md(scheme, &ecdsa);
  IkeKeyType kt = ike_cert_key_type(c);
  if (!md || kt == IKE_KEY_NONE || ecdsa != (kt == IKE_KEY_ECDSA))
    return IKE_CRYPTO_UNSUPPORTED;
  EVP_MD_CTX *mc = EVP_MD_CTX_new();
  int r = mc ? EVP_DigestVerifyInit(mc, NULL, md, NULL, X509_get0_pubkey(c->x)) : 0;
  if (r > 0)
    r = EVP_DigestVerify(mc, sig, sig_len, data, n);
  EVP_MD_CTX_free(mc);
  return r == 1 ? IKE_CRYPTO_OK : IKE_CRYPTO_AUTH_FAILED;
}
