/* SPDX-License-Identifier: MIT */
/* The IKE crypto suite: Diffie-Hellman groups 1, 2, 14, 24, 19, 20 with RFC 6989/7296 checks
 * on peer values, the PRFs and prf+, SKEYSEED and the seven IKE SA keys, child SA KEYMAT,
 * rekeyed IKE SA keys, SK payload ciphers (AES-CBC, 3DES, DES, AES-GCM) and integrity
 * algorithms, PSK AUTH and NAT detection hashes. The only IKE file that uses OpenSSL. */
#pragma once

#include "models/common/drbg.h"
#include "models/common/ipsec_ids.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKE_PRF_MAX 48     /* HMAC-SHA2-384 */
#define IKE_ENCR_KEY_MAX 36 /* AES-256 key + 4-octet GCM salt */
#define IKE_INTEG_KEY_MAX 48
#define IKE_ICV_MAX 24
#define IKE_IV_MAX 16
#define IKE_DH_MAX 256      /* MODP-2048 public value / shared secret */

/* Outcome of a crypto operation on peer input or on our configuration. */
typedef enum {
  IKE_CRYPTO_OK = 0,
  IKE_CRYPTO_UNSUPPORTED, /* algorithm or group we do not implement */
  IKE_CRYPTO_BAD_LENGTH,  /* peer value of the wrong length for the group */
  IKE_CRYPTO_BAD_VALUE,   /* peer value outside the range, not on the curve, not in the subgroup */
  IKE_CRYPTO_AUTH_FAILED, /* ICV / tag does not verify */
  IKE_CRYPTO_INTERNAL,    /* the library failed */
} IkeCryptoStatus;

extern const NameTable ike_crypto_status_names;

/* Initialise the providers once (default + legacy, for DES/3DES). Thread safe, idempotent;
 * every entry point calls it. */
void ike_crypto_init(void);

/* ---- Diffie-Hellman (RFC 7296 3.4, RFC 2409, RFC 3526, RFC 5114, RFC 5903) ---- */

typedef struct IkeDh IkeDh;

bool ike_dh_supported(uint16_t group);
/* Length of the KE payload data and of the shared secret for a group (0: unsupported). */
size_t ike_dh_public_len(uint16_t group);
size_t ike_dh_secret_len(uint16_t group);
/* A fresh private value from the DRBG: a 160-bit (groups 1, 2) or 320-bit (group 14)
 * exponent, twice the group's strength (RFC 3526 8); 1 <= x < q for group 24; 1 <= d < n
 * for ECP. NULL when the group is unsupported. */
IkeDh *ike_dh_new(uint16_t group, Drbg *rng);
/* A known private value (big-endian), for known-answer tests. */
IkeDh *ike_dh_new_private(uint16_t group, const uint8_t *priv, size_t n);
void ike_dh_free(IkeDh *dh); /* wipes the private value */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IkeDh, ike_dh_free)
uint16_t ike_dh_group(const IkeDh *dh);
/* Our public value as it goes into KE: MODP y left-padded to the prime's length; ECP x || y
 * (RFC 5903 7). Borrowed. */
const uint8_t *ike_dh_public(const IkeDh *dh, size_t *n);
/* Check a peer's public value (RFC 7296 3.4 length; RFC 6989 2.1 1 < y < p-1, 2.2 y^q = 1 for
 * group 24, 2.3 on the curve and not the point at infinity; nothing more: no OpenSSL full
 * key validation) and derive g^ir into out
 * (ike_dh_secret_len bytes: MODP left-padded to the prime's length, ECP the x coordinate). */
IkeCryptoStatus ike_dh_derive(IkeDh *dh, const uint8_t *peer, size_t n, uint8_t *out,
                              size_t *out_len);

/* ---- PRF and prf+ (RFC 7296 2.13) ---- */

size_t ike_prf_len(uint16_t prf); /* 0: unsupported */
/* HMAC as the IKE PRF: out has ike_prf_len bytes. */
bool ike_prf(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *data, size_t dlen,
             uint8_t *out);
/* prf+ (K,S) = T1 | T2 | ..., T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n); at most
 * 255 blocks. */
bool ike_prf_plus(uint16_t prf, const uint8_t *key, size_t klen, const uint8_t *seed,
                  size_t slen, uint8_t *out, size_t olen);

/* ---- algorithms of an SA ---- */

/* The negotiated transforms of an IKE SA (or, for KEYMAT lengths, of a child SA). */
typedef struct {
  uint16_t encr;     /* IkeEncrId */
  uint16_t key_bits; /* Key Length attribute (AES) or 0 */
  uint16_t integ;    /* IkeIntegId; AUTH_NONE with AES-GCM */
  uint16_t prf;      /* IkePrfId */
  uint16_t dh;       /* IkeDhId */
} IkeSuite;

bool ike_encr_is_aead(uint16_t encr);
/* Key bytes of a cipher, including the 4-octet salt of AES-GCM (RFC 5282 7.1); 0 when
 * unsupported. */
size_t ike_encr_key_len(uint16_t encr, uint16_t key_bits);
size_t ike_encr_iv_len(uint16_t encr);    /* IV in the SK payload: block size, 8 for GCM */
size_t ike_encr_block_len(uint16_t encr); /* padding unit: block size, 1 for GCM */
size_t ike_integ_key_len(uint16_t integ);
size_t ike_integ_icv_len(uint16_t integ);
/* The ICV length of the SK payload for this suite (16 for GCM). */
size_t ike_suite_icv_len(const IkeSuite *s);
/* Every algorithm of the suite is one we implement, and GCM goes with integrity none. */
bool ike_suite_valid(const IkeSuite *s);

/* ---- keys ---- */

/* The seven secrets of an IKE SA (RFC 7296 2.14). Wiped by ike_keys_free / ike_keys_clear. */
typedef struct {
  IkeSuite suite;
  size_t prf_len, e_len, a_len;
  uint8_t sk_d[IKE_PRF_MAX];
  uint8_t sk_ai[IKE_INTEG_KEY_MAX], sk_ar[IKE_INTEG_KEY_MAX];
  uint8_t sk_ei[IKE_ENCR_KEY_MAX], sk_er[IKE_ENCR_KEY_MAX];
  uint8_t sk_pi[IKE_PRF_MAX], sk_pr[IKE_PRF_MAX];
} IkeKeys;

IkeKeys *ike_keys_new(void);
void ike_keys_free(IkeKeys *k);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IkeKeys, ike_keys_free)
void ike_keys_clear(IkeKeys *k);

/* RFC 7296 2.14: SKEYSEED = prf(Ni | Nr, g^ir);
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
 * 'skeyseed' (optional, prf_len bytes) receives SKEYSEED for tests. */
bool ike_keys_derive(IkeKeys *k, const IkeSuite *s, const uint8_t *ni, size_t ni_len,
                     const uint8_t *nr, size_t nr_len, const uint8_t *gir, size_t gir_len,
                     uint64_t spi_i, uint64_t spi_r, uint8_t *skeyseed);
/* RFC 7296 2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) with the old SA's PRF,
 * then the seven keys as in 2.14 with the new SA's suite and SPIs. */
bool ike_keys_derive_rekey(IkeKeys *k, const IkeSuite *s, const IkeKeys *old,
                           const uint8_t *gir, size_t gir_len, const uint8_t *ni, size_t ni_len,
                           const uint8_t *nr, size_t nr_len, uint64_t spi_i, uint64_t spi_r);
/* RFC 7296 2.17: KEYMAT = prf+(SK_d, Ni | Nr), or with PFS prf+(SK_d, g^ir (new) | Ni | Nr);
 * gir NULL for no PFS. The caller slices encr_i | integ_i | encr_r | integ_r. */
bool ike_child_keymat(const IkeKeys *k, const uint8_t *gir, size_t gir_len, const uint8_t *ni,
                      size_t ni_len, const uint8_t *nr, size_t nr_len, uint8_t *out,
                      size_t out_len);

/* One direction of SK protection: borrowed keys of an IkeKeys. */
typedef struct {
  IkeSuite suite;
  const uint8_t *ek;
  size_t ek_len;
  const uint8_t *ak;
  size_t ak_len;
} IkeSkDir;

/* Keys of messages sent by the initiator (SK_ei/SK_ai) or by the responder (SK_er/SK_ar). */
IkeSkDir ike_keys_dir(const IkeKeys *k, bool from_initiator);

/* ---- SK primitives (assembled by ikev2_sk.c) ---- */

/* CBC: out = E(in), len a multiple of the block. GCM (RFC 5282): nonce = salt | iv, AAD as
 * given, the 16-octet tag into icv. */
IkeCryptoStatus ike_sk_encrypt(const IkeSkDir *d, const uint8_t *iv, const uint8_t *aad,
                               size_t aad_len, const uint8_t *in, size_t len, uint8_t *out,
                               uint8_t *icv);
/* The inverse; GCM verifies the tag (IKE_CRYPTO_AUTH_FAILED). */
IkeCryptoStatus ike_sk_decrypt(const IkeSkDir *d, const uint8_t *iv, const uint8_t *aad,
                               size_t aad_len, const uint8_t *in, size_t len,
                               const uint8_t *icv, uint8_t *out);
/* Integrity checksum of a non-AEAD suite: the truncated HMAC over data (RFC 7296 3.14). */
bool ike_sk_icv(const IkeSkDir *d, const uint8_t *data, size_t len, uint8_t *icv);
/* Constant-time comparison. */
bool ike_ct_equal(const void *a, const void *b, size_t n);
/* Wipe key material or plaintext (OPENSSL_cleanse), for files that do not include OpenSSL. */
void ike_wipe(void *p, size_t n);

/* ---- AUTH and NAT detection ---- */

/* RFC 7296 2.15: AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>) with
 * SignedOctets = RealMessage | Nonce of the peer | prf(SK_p, RestOfIDPayload).
 * out receives ike_prf_len(prf) bytes. */
bool ike_psk_auth(uint16_t prf, const uint8_t *psk, size_t psk_len, const uint8_t *real_msg,
                  size_t real_len, const uint8_t *peer_nonce, size_t nonce_len,
                  const uint8_t *sk_p, size_t sk_p_len, const uint8_t *id_body, size_t id_len,
                  uint8_t *out);

/* RFC 7296 2.23: SHA-1(SPIi | SPIr | IP | Port), 20 octets; IPv4 address and port in host
 * order. */
void ike_nat_hash(uint64_t spi_i, uint64_t spi_r, uint32_t addr, uint16_t port,
                  uint8_t out[20]);
