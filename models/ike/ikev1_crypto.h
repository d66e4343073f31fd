/* SPDX-License-Identifier: MIT */
/* IKEv1 crypto for pre-shared keys (RFC 2409): SKEYID and its three derived keys, the
 * encryption key with appendix B expansion, phase 1 and phase 2 IVs and their chaining, CBC
 * encryption of message bodies (AES-128/192/256, 3DES, DES), HASH_I / HASH_R, the quick mode
 * and informational hashes and KEYMAT. Built on ike_crypto.h (its HMAC PRFs and ciphers);
 * plain digests, which only ever see public values (KE data, IVs), come from GLib. */
#pragma once

#include "models/ike/ike_crypto.h"
#include "models/ike/ikev1_codec.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKEV1_ENCR_KEY_MAX 32 /* AES-256 */
#define IKEV1_BLOCK_MAX 16    /* AES */

/* The negotiated phase 1 algorithms, in the RFC 2409 appendix A numbers of the SA's
 * attributes. No PRF attribute is defined, so the PRF is the HMAC of 'hash' (RFC 2409 4). */
typedef struct {
  uint16_t encr;     /* Ikev1EncrAlg: DES-CBC, 3DES-CBC, AES-CBC */
  uint16_t key_bits; /* Key Length attribute: AES 128/192/256; 0 for DES and 3DES */
  uint16_t hash;     /* Ikev1HashAlg: MD5, SHA, SHA2-256, SHA2-384 */
  uint16_t group;    /* Group Description (the IKEv2 DH IDs for 1, 2, 5, 14, ...) */
} Ikev1Suite;

/* The IKEv2 transform IDs the RFC 2409 values map to, for ike_crypto.h (0: none). */
uint16_t ikev1_encr_to_ikev2(uint16_t encr);
uint16_t ikev1_hash_to_prf(uint16_t hash);
/* The other way, for owners configured in IKEv2 terms (0: no RFC 2409 / 2407 value):
 * phase 1 cipher, phase 1 hash from an integrity transform, ESP authentication algorithm
 * (RFC 2407 4.5) from an integrity transform. ESP transform IDs are IKEv2's ENCR IDs. */
uint16_t ikev1_encr_from_ikev2(uint16_t encr);
uint16_t ikev1_hash_from_integ(uint16_t integ);
uint16_t ikev1_auth_from_integ(uint16_t integ);
/* Output of the hash (and of its HMAC PRF), the cipher's key and block; 0 when
 * unsupported. */
size_t ikev1_hash_len(uint16_t hash);
size_t ikev1_encr_key_len(uint16_t encr, uint16_t key_bits);
size_t ikev1_encr_block_len(uint16_t encr);
/* Every algorithm is one we implement (the DH group is checked by ike_dh_supported). */
bool ikev1_suite_valid(const Ikev1Suite *s);

/* The keys of an ISAKMP SA (RFC 2409 5). Wiped by ikev1_keys_free / ikev1_keys_clear. */
typedef struct {
  Ikev1Suite suite;
  size_t prf_len, key_len, block_len;
  uint8_t skeyid[IKE_PRF_MAX];
  uint8_t skeyid_d[IKE_PRF_MAX];
  uint8_t skeyid_a[IKE_PRF_MAX];
  uint8_t skeyid_e[IKE_PRF_MAX];
  uint8_t enc_key[IKEV1_ENCR_KEY_MAX]; /* key_len octets: SKEYID_e, expanded or cut */
} Ikev1Keys;

Ikev1Keys *ikev1_keys_new(void);
void ikev1_keys_free(Ikev1Keys *k);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Ikev1Keys, ikev1_keys_free)
void ikev1_keys_clear(Ikev1Keys *k);

/* RFC 2409 5, pre-shared keys:
 *   SKEYID   = prf(pre-shared-key, Ni_b | Nr_b)
 *   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 * and the encryption key from SKEYID_e (appendix B). Ni_b / Nr_b are the nonce payload
 * bodies, g^xy the shared secret as ike_dh_derive gives it. False for an invalid suite. */
bool ikev1_keys_derive_psk(Ikev1Keys *k, const Ikev1Suite *s, const uint8_t *psk,
                           size_t psk_len, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                           size_t nr_len, const uint8_t *gxy, size_t gxy_len, uint64_t icookie,
                           uint64_t rcookie);

/* A CBC IV: the block to chain from. */
typedef struct {
  uint8_t b[IKEV1_BLOCK_MAX];
  size_t n;
} Ikev1Iv;

/* RFC 2409 appendix B: the IV of the first encrypted phase 1 message is
 * hash(g^xi | g^xr), cut to the block size (g^xi, g^xr the KE payload bodies). */
bool ikev1_iv_phase1(const Ikev1Keys *k, const uint8_t *gxi, size_t gxi_len,
                     const uint8_t *gxr, size_t gxr_len, Ikev1Iv *iv);
/* RFC 2409 appendix B: each quick mode and informational exchange starts from
 * hash(last phase-1 CBC output block | M-ID), cut to the block size. 'last_p1' is the IV as
 * it stood after the last phase 1 message (its last cipher block; with aggressive mode, which
 * encrypts nothing, the phase 1 IV itself). */
bool ikev1_iv_phase2(const Ikev1Keys *k, const Ikev1Iv *last_p1, uint32_t msg_id, Ikev1Iv *iv);

/* The body length after padding to the block (RFC 2409 appendix B: 0x00 octets up to the
 * next block boundary; none when already aligned). */
size_t ikev1_padded_len(const Ikev1Keys *k, size_t len);
/* CBC over a body of whole blocks with enc_key, from *iv; *iv becomes the last cipher block,
 * the IV of the next message of the exchange (RFC 2409 appendix B). out may equal in. */
IkeCryptoStatus ikev1_encrypt(const Ikev1Keys *k, Ikev1Iv *iv, const uint8_t *in, size_t len,
                              uint8_t *out);
IkeCryptoStatus ikev1_decrypt(const Ikev1Keys *k, Ikev1Iv *iv, const uint8_t *in, size_t len,
                              uint8_t *out);

/* RFC 2409 5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 *             HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
 * SAi_b is the initiator's whole SA payload body, ID_b the sender's ID payload body (both
 * without generic header). out receives prf_len octets. */
bool ikev1_hash_phase1(const Ikev1Keys *k, bool initiator, const uint8_t *gxi, size_t gxi_len,
                       const uint8_t *gxr, size_t gxr_len, uint64_t icookie, uint64_t rcookie,
                       const uint8_t *sai_b, size_t sai_len, const uint8_t *id_b, size_t id_len,
                       uint8_t *out);

/* RFC 2409 5.5 and 5.7: HASH(1) = prf(SKEYID_a, M-ID | rest), 'rest' being every payload after
 * the HASH payload with their headers, without padding (quick mode 1 and informational). */
bool ikev1_hash_qm1(const Ikev1Keys *k, uint32_t msg_id, const uint8_t *rest, size_t rest_len,
                    uint8_t *out);
/* RFC 2409 5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | rest). */
bool ikev1_hash_qm2(const Ikev1Keys *k, uint32_t msg_id, const uint8_t *ni, size_t ni_len,
                    const uint8_t *rest, size_t rest_len, uint8_t *out);
/* RFC 2409 5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
bool ikev1_hash_qm3(const Ikev1Keys *k, uint32_t msg_id, const uint8_t *ni, size_t ni_len,
                    const uint8_t *nr, size_t nr_len, uint8_t *out);

/* RFC 2409 5.5: KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), expanded
 * as K1 | K2 | ... with Kn+1 = prf(SKEYID_d, Kn | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
 * One call per SA (direction): SPI is the one that SA is known by (the receiver's choice),
 * network order on the wire. gqm NULL without PFS. The encryption key comes first, then the
 * authentication key. At most 255 PRF blocks. */
bool ikev1_keymat(const Ikev1Keys *k, const uint8_t *gqm, size_t gqm_len, uint8_t protocol,
                  uint32_t spi, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
                  size_t nr_len, uint8_t *out, size_t out_len);
