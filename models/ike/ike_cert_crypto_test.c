/* SPDX-License-Identifier: MIT */
/* Tests of the certificate crypto: deterministic keys and certificates, chain validation
 * (ok, unknown CA, revoked, expired, wrong usage, ECDSA refused), CERTREQ hashes, and AUTH
 * signatures for methods 1 and 14 with tampering. */
#include "models/ike/ike_cert_crypto.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

typedef struct {
  IkeKey *ca_key, *client_key, *server_key, *ec_key, *other_ca_key;
  IkeCert *ca, *client, *server, *ec_client, *other_ca, *other_client;
} Pki;

static Pki *pki_new(uint64_t seed)
{
  Pki *p = g_new0(Pki, 1);
  Drbg *rng = drbg_new_stream(seed, "test/pki");
  p->ca_key = ike_key_new_rsa(rng, 2048);
  p->client_key = ike_key_new_rsa(rng, 2048);
  p->server_key = ike_key_new_rsa(rng, 2048);
  p->ec_key = ike_key_new_ecdsa(rng);
  p->other_ca_key = ike_key_new_rsa(rng, 2048);
  drbg_free(rng);
  g_assert_nonnull(p->ca_key);
  g_assert_nonnull(p->client_key);
  g_assert_nonnull(p->ec_key);
  p->ca = ike_cert_new(&(IkeCertSpec){.cn = "P2SRootCert", .use = IKE_CERT_USE_CA}, p->ca_key,
                       NULL, NULL);
  p->client = ike_cert_new(&(IkeCertSpec){.cn = "P2SChildCert", .use = IKE_CERT_USE_CLIENT,
                                          .serial = 2},
                           p->client_key, p->ca, p->ca_key);
  p->server = ike_cert_new(&(IkeCertSpec){.cn = "gw.vpnsim.test", .use = IKE_CERT_USE_SERVER,
                                          .serial = 3},
                           p->server_key, p->ca, p->ca_key);
  p->ec_client = ike_cert_new(&(IkeCertSpec){.cn = "P2SEcdsaCert", .use = IKE_CERT_USE_CLIENT,
                                             .serial = 4},
                              p->ec_key, p->ca, p->ca_key);
  p->other_ca = ike_cert_new(&(IkeCertSpec){.cn = "OtherRoot", .use = IKE_CERT_USE_CA},
                             p->other_ca_key, NULL, NULL);
  p->other_client = ike_cert_new(&(IkeCertSpec){.cn = "P2SChildCert", .use = IKE_CERT_USE_CLIENT,
                                                .serial = 2},
                                 p->client_key, p->other_ca, p->other_ca_key);
  g_assert_nonnull(p->ca);
  g_assert_nonnull(p->client);
  g_assert_nonnull(p->server);
  g_assert_nonnull(p->ec_client);
  g_assert_nonnull(p->other_client);
  return p;
}

static void pki_free(Pki *p)
{
  ike_cert_unref(p->ca);
  ike_cert_unref(p->client);
  ike_cert_unref(p->server);
  ike_cert_unref(p->ec_client);
  ike_cert_unref(p->other_ca);
  ike_cert_unref(p->other_client);
  ike_key_free(p->ca_key);
  ike_key_free(p->client_key);
  ike_key_free(p->server_key);
  ike_key_free(p->ec_key);
  ike_key_free(p->other_ca_key);
  g_free(p);
}

static Pki *shared;

static void test_deterministic(void)
{
  Pki *again = pki_new(7);
  size_t n1, n2;
  const uint8_t *a = ike_cert_der(shared->client, &n1);
  const uint8_t *b = ike_cert_der(again->client, &n2);
  g_assert_cmpmem(a, n1, b, n2);
  a = ike_cert_der(shared->ec_client, &n1);
  b = ike_cert_der(again->ec_client, &n2);
  g_assert_cmpmem(a, n1, b, n2);
  g_autofree char *k1 = ike_key_pem(shared->ca_key);
  g_autofree char *k2 = ike_key_pem(again->ca_key);
  g_assert_cmpstr(k1, ==, k2);
  g_assert_cmpstr(ike_cert_thumbprint(shared->ca), ==, ike_cert_thumbprint(again->ca));
  pki_free(again);
  /* another seed, another key */
  Pki *other = pki_new(8);
  a = ike_cert_der(shared->ca, &n1);
  b = ike_cert_der(other->ca, &n2);
  g_assert_false(n1 == n2 && memcmp(a, b, n1) == 0);
  pki_free(other);
}

static void test_export(void)
{
  g_autofree char *pem = ike_cert_pem(shared->client);
  g_assert_true(g_str_has_prefix(pem, "-----BEGIN CERTIFICATE-----\n"));
  g_autofree char *kpem = ike_key_pem(shared->client_key);
  g_assert_true(g_str_has_prefix(kpem, "-----BEGIN PRIVATE KEY-----\n"));
  size_t n;
  const uint8_t *der = ike_cert_der(shared->client, &n);
  g_assert_cmpuint(der[0], ==, 0x30); /* SEQUENCE */
  g_autoptr(IkeCert) back = ike_cert_from_der(der, n);
  g_assert_nonnull(back);
  g_assert_cmpstr(ike_cert_thumbprint(back), ==, ike_cert_thumbprint(shared->client));
  g_assert_cmpuint(strlen(ike_cert_thumbprint(back)), ==, 40);
  /* trailing bytes, truncation and garbage are no certificate */
  g_autofree uint8_t *more = g_malloc(n + 1);
  memcpy(more, der, n);
  more[n] = 0;
  g_assert_null(ike_cert_from_der(more, n + 1));
  g_assert_null(ike_cert_from_der(der, n - 1));
  g_assert_null(ike_cert_from_der((const uint8_t *)"\x30\x03\x02\x01\x01", 5));
  g_assert_null(ike_cert_from_der(der, 0));
  g_autofree char *subj = ike_cert_subject(shared->client);
  g_assert_cmpstr(subj, ==, "CN=P2SChildCert,O=vpnsim");
  g_autoptr(GBytes) sd = ike_cert_subject_der(shared->client);
  g_assert_cmpuint(((const uint8_t *)g_bytes_get_data(sd, NULL))[0], ==, 0x30);
  g_assert_cmpint(ike_cert_key_type(shared->client), ==, IKE_KEY_RSA);
  g_assert_cmpint(ike_cert_key_type(shared->ec_client), ==, IKE_KEY_ECDSA);
  g_assert_cmpint(ike_key_type(shared->ec_key), ==, IKE_KEY_ECDSA);
}

static void test_chain(void)
{
  g_autoptr(IkeTrust) t = ike_trust_new();
  ike_trust_set_rsa_only(t, true);
  int64_t at = IKE_CERT_SIM_EPOCH;
  /* no roots: nothing is trusted */
  g_assert_cmpint(ike_trust_verify(t, shared->client, NULL, 0, IKE_CERT_USE_CLIENT, at), ==,
                  IKE_CERT_UNTRUSTED);
  g_assert_true(ike_trust_add_root(t, shared->ca));
  g_assert_cmpint(ike_trust_verify(t, shared->client, NULL, 0, IKE_CERT_USE_CLIENT, at), ==,
                  IKE_CERT_OK);
  g_assert_cmpint(ike_trust_verify(t, shared->server, NULL, 0, IKE_CERT_USE_SERVER, at), ==,
                  IKE_CERT_OK);
  /* a server certificate is no client certificate */
  g_assert_cmpint(ike_trust_verify(t, shared->server, NULL, 0, IKE_CERT_USE_CLIENT, at), ==,
                  IKE_CERT_WRONG_USAGE);
  /* the same key under an unknown CA */
  g_assert_cmpint(ike_trust_verify(t, shared->other_client, NULL, 0, IKE_CERT_USE_CLIENT, at),
                  ==, IKE_CERT_UNTRUSTED);
  /* ... and a trusted root does not vouch for a chain that does not lead to it, even
   * when the other CA comes along as an untrusted intermediate */
  IkeCert *inter[] = {shared->other_ca};
  g_assert_cmpint(ike_trust_verify(t, shared->other_client, inter, 1, IKE_CERT_USE_CLIENT, at),
                  ==, IKE_CERT_UNTRUSTED);
  /* outside the validity period */
  g_assert_cmpint(ike_trust_verify(t, shared->client, NULL, 0, IKE_CERT_USE_CLIENT,
                                   IKE_CERT_DEFAULT_NOT_AFTER + 1),
                  ==, IKE_CERT_EXPIRED);
  g_assert_cmpint(ike_trust_verify(t, shared->client, NULL, 0, IKE_CERT_USE_CLIENT,
                                   IKE_CERT_DEFAULT_NOT_BEFORE - 1),
                  ==, IKE_CERT_EXPIRED);
  /* facts 7.1: ECDSA client certificates are refused, though the chain is good */
  g_assert_cmpint(ike_trust_verify(t, shared->ec_client, NULL, 0, IKE_CERT_USE_CLIENT, at), ==,
                  IKE_CERT_KEY_TYPE);
  ike_trust_set_rsa_only(t, false);
  g_assert_cmpint(ike_trust_verify(t, shared->ec_client, NULL, 0, IKE_CERT_USE_CLIENT, at), ==,
                  IKE_CERT_OK);
  /* revocation by thumbprint, in any case and with separators */
  g_autofree char *lower = g_ascii_strdown(ike_cert_thumbprint(shared->client), -1);
  g_assert_false(ike_trust_revoke(t, "abcd"));
  g_assert_false(ike_trust_revoke(t, "zz"));
  g_assert_true(ike_trust_revoke(t, lower));
  g_assert_cmpint(ike_trust_verify(t, shared->client, NULL, 0, IKE_CERT_USE_CLIENT, at), ==,
                  IKE_CERT_REVOKED);
  g_assert_cmpint(ike_trust_verify(t, shared->ec_client, NULL, 0, IKE_CERT_USE_CLIENT, at), ==,
                  IKE_CERT_OK);
  g_assert_cmpint(ike_trust_verify(t, NULL, NULL, 0, IKE_CERT_USE_CLIENT, at), ==,
                  IKE_CERT_MALFORMED);
}

static void test_roots_limit_and_certreq(void)
{
  g_autoptr(IkeTrust) t = ike_trust_new();
  for (int i = 0; i < IKE_TRUST_MAX_ROOTS; i++)
    g_assert_true(ike_trust_add_root(t, i % 2 ? shared->ca : shared->other_ca));
  g_assert_false(ike_trust_add_root(t, shared->ca)); /* facts 7.1: up to 20 */
  g_assert_cmpuint(ike_trust_n_roots(t), ==, 20);
  size_t n;
  g_autofree uint8_t *cr = ike_trust_certreq(t, &n);
  g_assert_cmpuint(n, ==, 400);
  uint8_t h[20];
  ike_cert_spki_sha1(shared->ca, h);
  g_assert_cmpmem(cr + 20, 20, h, 20);
  /* the SPKI hash is of the key, not of the certificate */
  g_assert_cmpmem(cr, 20, cr + 40, 20);
  g_assert_cmpint(memcmp(cr, cr + 20, 20), !=, 0);
}

static void sign_verify(const IkeKey *k, const IkeCert *c, uint8_t method, Ikev2SigScheme want)
{
  Ikev2SigScheme s = ike_sig_scheme_for(k, method);
  g_assert_cmpint(s, ==, want);
  /* RFC 7296 2.15 signed octets */
  uint8_t skp[32];
  memset(skp, 0x5a, sizeof skp);
  size_t n;
  g_autofree uint8_t *oct = ike_signed_octets(PRF_HMAC_SHA2_256, (const uint8_t *)"message", 7,
                                              (const uint8_t *)"nonce-of-the-peer", 17, skp,
                                              sizeof skp, (const uint8_t *)"\x09\0\0\0id", 6, &n);
  g_assert_cmpuint(n, ==, 7 + 17 + 32);
  Drbg *rng = drbg_new_stream(1, "test/sig");
  Drbg *rng2 = drbg_new_stream(1, "test/sig");
  g_autofree uint8_t *sig = NULL, *sig2 = NULL;
  size_t sl = 0, sl2 = 0;
  g_assert_true(ike_sig_sign(k, s, rng, oct, n, &sig, &sl));
  g_assert_true(ike_sig_sign(k, s, rng2, oct, n, &sig2, &sl2));
  g_assert_cmpmem(sig, sl, sig2, sl2); /* deterministic, ECDSA too */
  drbg_free(rng);
  drbg_free(rng2);
  g_assert_cmpint(ike_sig_verify(c, s, oct, n, sig, sl), ==, IKE_CRYPTO_OK);
  /* the AUTH payload carries it and the codec gives it back */
  Ikev2Auth a = {0};
  g_assert_true(ikev2_auth_sig_set(&a, method, s, sig, sl));
  Ikev2AuthSig as;
  WireDiag d;
  g_assert_cmpint(ikev2_auth_sig_split(&a, &as, &d), ==, WIRE_OK);
  g_assert_cmpint(as.scheme, ==, s);
  g_assert_cmpint(ike_sig_verify(c, as.scheme, oct, n, as.sig, as.sig_len), ==, IKE_CRYPTO_OK);
  ikev2_data_set(&a.data, NULL, 0);
  /* tamper: the signed octets, the signature */
  oct[3] ^= 1;
  g_assert_cmpint(ike_sig_verify(c, s, oct, n, sig, sl), ==, IKE_CRYPTO_AUTH_FAILED);
  oct[3] ^= 1;
  sig[sl / 2] ^= 0x40;
  g_assert_cmpint(ike_sig_verify(c, s, oct, n, sig, sl), ==, IKE_CRYPTO_AUTH_FAILED);
  sig[sl / 2] ^= 0x40;
  /* another key's certificate */
  if (ike_key_type(k) == IKE_KEY_RSA)
    g_assert_cmpint(ike_sig_verify(c == shared->client ? shared->server : shared->client, s, oct,
                                   n, sig, sl),
                    ==, IKE_CRYPTO_AUTH_FAILED);
}

static void test_signatures(void)
{
  sign_verify(shared->client_key, shared->client, IKEV2_AUTH_RSA_SIG, IKEV2_SIG_RSA_SHA1);
  sign_verify(shared->client_key, shared->client, IKEV2_AUTH_DIGITAL_SIG, IKEV2_SIG_RSA_SHA256);
  sign_verify(shared->ec_key, shared->ec_client, IKEV2_AUTH_DIGITAL_SIG, IKEV2_SIG_ECDSA_SHA256);
  /* an ECDSA key cannot do method 1, and a scheme must fit the certificate's key */
  g_assert_cmpint(ike_sig_scheme_for(shared->ec_key, IKEV2_AUTH_RSA_SIG), ==, IKEV2_SIG_UNKNOWN);
  g_assert_cmpint(ike_sig_scheme_for(shared->ec_key, IKEV2_AUTH_PSK), ==, IKEV2_SIG_UNKNOWN);
  g_assert_cmpint(ike_sig_verify(shared->ec_client, IKEV2_SIG_RSA_SHA256,
                                 (const uint8_t *)"x", 1, (const uint8_t *)"y", 1),
                  ==, IKE_CRYPTO_UNSUPPORTED);
  g_assert_cmpint(ike_sig_verify(shared->client, IKEV2_SIG_UNKNOWN, (const uint8_t *)"x", 1,
                                 (const uint8_t *)"y", 1),
                  ==, IKE_CRYPTO_UNSUPPORTED);
  uint8_t *sig = NULL;
  size_t sl;
  g_assert_false(ike_sig_sign(shared->client_key, IKEV2_SIG_ECDSA_SHA256, NULL,
                              (const uint8_t *)"x", 1, &sig, &sl));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  ike_crypto_init();
  shared = pki_new(7);
  g_test_add_func("/ike_cert_crypto/deterministic", test_deterministic);
  g_test_add_func("/ike_cert_crypto/export", test_export);
  g_test_add_func("/ike_cert_crypto/chain", test_chain);
  g_test_add_func("/ike_cert_crypto/roots_limit_and_certreq", test_roots_limit_and_certreq);
  g_test_add_func("/ike_cert_crypto/signatures", test_signatures);
  int r = g_test_run();
  pki_free(shared);
  return r;
}
