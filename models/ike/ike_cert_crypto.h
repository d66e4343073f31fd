/* SPDX-License-Identifier: MIT */
/* X.509 certificates and signatures for IKEv2 certificate authentication: deterministic RSA
 * and ECDSA keys drawn from the DRBG, certificates signed by a CA, DER/PEM export, chain
 * validation against trusted roots, revocation by thumbprint, and the AUTH signatures of
 * RFC 7296 2.15 (method 1) and RFC 7427 (method 14). */
#pragma once

#include "models/common/drbg.h"
#include "models/ike/ike_crypto.h"
#include "models/ike/ikev2_codec.h"

#include <glib.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- keys ---- */

typedef enum {
  IKE_KEY_NONE = 0,
  IKE_KEY_RSA = 1,
  IKE_KEY_ECDSA = 2, /* P-256 */
} IkeKeyType;

extern const NameTable ike_key_type_names;

typedef struct IkeKey IkeKey;

/* An RSA key of 'bits' (1024..4096, a multiple of 16), public exponent 65537, drawn from
 * rng: each prime starts from DRBG bytes with the two top bits and the low bit set and
 * is the first probable prime at or above it in steps of 2 (p - 1 prime to e); n, d and
 * the CRT values follow by arithmetic (d = e^-1 mod lcm(p-1, q-1)). OpenSSL's own key
 * generation draws from its private DRBG, which we cannot seed; the primality test's
 * witnesses are random but the answer is not (the error bound is below 2^-128), so the
 * same DRBG stream always gives the same key. */
IkeKey *ike_key_new_rsa(Drbg *rng, unsigned bits);
/* A P-256 key: the private scalar from rng (64 bits more than the order, reduced). */
IkeKey *ike_key_new_ecdsa(Drbg *rng);
void ike_key_free(IkeKey *k); /* wipes the private values; NULL is a no-op */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IkeKey, ike_key_free)
IkeKeyType ike_key_type(const IkeKey *k);
/* PKCS #8 private key, PEM, unencrypted (g_free). */
char *ike_key_pem(const IkeKey *k);

/* ---- certificates ---- */

typedef struct IkeCert IkeCert;

typedef enum {
  IKE_CERT_USE_CA,     /* basicConstraints CA:TRUE, keyCertSign, cRLSign */
  IKE_CERT_USE_CLIENT, /* extendedKeyUsage clientAuth (Azure P2S client certificates) */
  IKE_CERT_USE_SERVER, /* extendedKeyUsage serverAuth */
} IkeCertUse;

typedef struct {
  const char *cn;      /* subject CN (and O=vpnsim) */
  IkeCertUse use;
  uint64_t serial;     /* 0: 1 */
  int64_t not_before;  /* Unix seconds; 0: IKE_CERT_DEFAULT_NOT_BEFORE */
  int64_t not_after;   /* 0: IKE_CERT_DEFAULT_NOT_AFTER */
} IkeCertSpec;

/* Fixed validity (never the wall clock): 2026-01-01 to 2036-01-01, and the time at which
 * simulated time 0 validates certificates (2026-06-01). */
#define IKE_CERT_DEFAULT_NOT_BEFORE INT64_C(1767225600)
#define IKE_CERT_DEFAULT_NOT_AFTER INT64_C(2082758400)
#define IKE_CERT_SIM_EPOCH INT64_C(1780272000)

/* A version 3 certificate for 'key' signed with sha256WithRSAEncryption by issuer_key (an
 * RSA key; PKCS #1 v1.5 signatures are deterministic). issuer NULL: self-signed by key. */
IkeCert *ike_cert_new(const IkeCertSpec *spec, const IkeKey *key, const IkeCert *issuer,
                      const IkeKey *issuer_key);
/* Parse a DER certificate (a CERT payload's data); NULL when it is not exactly one. */
IkeCert *ike_cert_from_der(const uint8_t *der, size_t n);
IkeCert *ike_cert_ref(IkeCert *c);
void ike_cert_unref(IkeCert *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IkeCert, ike_cert_unref)

const uint8_t *ike_cert_der(const IkeCert *c, size_t *n);
char *ike_cert_pem(const IkeCert *c); /* g_free */
/* SHA-1 of the DER certificate in upper-case hex, as Azure lists revoked thumbprints. */
const char *ike_cert_thumbprint(const IkeCert *c);
/* RFC 7296 3.7: SHA-1 of the certificate's SubjectPublicKeyInfo (a CERTREQ entry). */
void ike_cert_spki_sha1(const IkeCert *c, uint8_t out[20]);
IkeKeyType ike_cert_key_type(const IkeCert *c);
/* The subject as DER (an ID_DER_ASN1_DN identity, RFC 7296 3.5) and as one line. */
GBytes *ike_cert_subject_der(const IkeCert *c);
char *ike_cert_subject(const IkeCert *c); /* "CN=client1,O=vpnsim" (g_free) */

/* ---- trust: roots, revocation, chain validation ---- */

#define IKE_TRUST_MAX_ROOTS 20 /* facts 7.1: up to 20 trusted root certificates */

typedef enum {
  IKE_CERT_OK = 0,
  IKE_CERT_UNTRUSTED,    /* no chain to a trusted root (unknown CA, bad signature) */
  IKE_CERT_EXPIRED,      /* outside a validity period at the validation time */
  IKE_CERT_REVOKED,      /* the thumbprint is on the revoked list */
  IKE_CERT_WRONG_USAGE,  /* no clientAuth / serverAuth extended key usage */
  IKE_CERT_KEY_TYPE,     /* RSA only (facts 7.1: ECC/ECDSA not supported) */
  IKE_CERT_MALFORMED,    /* no certificate */
} IkeCertVerdict;

extern const NameTable ike_cert_verdict_names;

typedef struct IkeTrust IkeTrust;

IkeTrust *ike_trust_new(void);
void ike_trust_free(IkeTrust *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IkeTrust, ike_trust_free)
/* False when there are IKE_TRUST_MAX_ROOTS already. */
bool ike_trust_add_root(IkeTrust *t, IkeCert *root);
size_t ike_trust_n_roots(const IkeTrust *t);
/* A thumbprint in hex (any case, spaces and colons ignored). False when it is not 40 hex
 * digits. */
bool ike_trust_revoke(IkeTrust *t, const char *thumbprint);
/* Refuse leaf certificates whose key is not RSA. */
void ike_trust_set_rsa_only(IkeTrust *t, bool rsa_only);
/* RFC 7296 3.7: the concatenated SPKI SHA-1 of every root (a CERTREQ's data), g_free. */
uint8_t *ike_trust_certreq(const IkeTrust *t, size_t *n);
/* Validate leaf up to a root, with 'intermediates' as untrusted helpers, at Unix time
 * 'at'; use names the extended key usage the leaf must allow (CLIENT or SERVER; CA: none).
 * Checks: chain and signatures, validity, usage, then key type and revocation. */
IkeCertVerdict ike_trust_verify(const IkeTrust *t, const IkeCert *leaf,
                                IkeCert *const *intermediates, size_t n_intermediates,
                                IkeCertUse use, int64_t at);

/* ---- AUTH signatures (RFC 7296 2.15, RFC 7427) ---- */

/* RFC 7296 2.15: InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI with
 * MACedIDForI = prf(SK_pi, RestOfInitIDPayload); the responder's likewise. g_free. */
uint8_t *ike_signed_octets(uint16_t prf, const uint8_t *real_msg, size_t real_len,
                           const uint8_t *peer_nonce, size_t nonce_len, const uint8_t *sk_p,
                           size_t sk_p_len, const uint8_t *id_body, size_t id_len, size_t *n);
/* The scheme a key signs with for an AUTH method: method 1 is RSA with SHA-1; method 14
 * uses SHA-256 (RSA PKCS #1 v1.5 or ECDSA). IKEV2_SIG_UNKNOWN when they do not fit. */
Ikev2SigScheme ike_sig_scheme_for(const IkeKey *k, uint8_t method);
/* Sign 'data' (RSA PKCS #1 v1.5, or ECDSA as DER Ecdsa-Sig-Value with its nonce from rng so
 * the same stream gives the same signature). g_free'd *sig. */
bool ike_sig_sign(const IkeKey *k, Ikev2SigScheme scheme, Drbg *rng, const uint8_t *data,
                  size_t n, uint8_t **sig, size_t *sig_len);
/* Verify with the certificate's public key: OK, AUTH_FAILED, or UNSUPPORTED (a scheme that
 * does not fit the key). */
IkeCryptoStatus ike_sig_verify(const IkeCert *c, Ikev2SigScheme scheme, const uint8_t *data,
                               size_t n, const uint8_t *sig, size_t sig_len);
