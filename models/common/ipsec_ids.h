/* SPDX-License-Identifier: MIT */
/* IANA "Internet Key Exchange Version 2 (IKEv2) Parameters" registry values shared by
 * the IKE and ESP modules: transform types and the IDs of encryption, PRF, integrity,
 * Diffie-Hellman (key exchange) and ESN transforms (RFC 7296 3.3.2 and later RFCs). */
#pragma once

#include "models/common/names.h"

/* RFC 7296 3.3.2: Transform Type */
typedef enum {
  IKE_TRANSFORM_ENCR = 1,
  IKE_TRANSFORM_PRF = 2,
  IKE_TRANSFORM_INTEG = 3,
  IKE_TRANSFORM_DH = 4, /* "Key Exchange Method" since RFC 9370 */
  IKE_TRANSFORM_ESN = 5,
} IkeTransformType;

/* Transform Type 1: Encryption Algorithm Transform IDs */
typedef enum {
  ENCR_DES_IV64 = 1,
  ENCR_DES = 2,          /* RFC 2405 */
  ENCR_3DES = 3,         /* RFC 2451 */
  ENCR_RC5 = 4,
  ENCR_IDEA = 5,
  ENCR_CAST = 6,
  ENCR_BLOWFISH = 7,
  ENCR_3IDEA = 8,
  ENCR_DES_IV32 = 9,
  ENCR_NULL = 11,        /* RFC 2410 (ESP only) */
  ENCR_AES_CBC = 12,     /* RFC 3602 */
  ENCR_AES_CTR = 13,     /* RFC 3686 */
  ENCR_AES_CCM_8 = 14,   /* RFC 4309 */
  ENCR_AES_CCM_12 = 15,
  ENCR_AES_CCM_16 = 16,
  ENCR_AES_GCM_8 = 18,   /* RFC 4106 */
  ENCR_AES_GCM_12 = 19,
  ENCR_AES_GCM_16 = 20,
  ENCR_NULL_AUTH_AES_GMAC = 21, /* RFC 4543 */
  ENCR_CAMELLIA_CBC = 23,
  ENCR_CHACHA20_POLY1305 = 28, /* RFC 7634 */
} IkeEncrId;

/* Transform Type 2: Pseudorandom Function Transform IDs */
typedef enum {
  PRF_HMAC_MD5 = 1,      /* RFC 2104 */
  PRF_HMAC_SHA1 = 2,
  PRF_HMAC_TIGER = 3,
  PRF_AES128_XCBC = 4,   /* RFC 4434 */
  PRF_HMAC_SHA2_256 = 5, /* RFC 4868 */
  PRF_HMAC_SHA2_384 = 6,
  PRF_HMAC_SHA2_512 = 7,
  PRF_AES128_CMAC = 8,   /* RFC 4615 */
} IkePrfId;

/* Transform Type 3: Integrity Algorithm Transform IDs */
typedef enum {
  AUTH_NONE = 0,
  AUTH_HMAC_MD5_96 = 1,   /* RFC 2403 */
  AUTH_HMAC_SHA1_96 = 2,  /* RFC 2404 */
  AUTH_DES_MAC = 3,
  AUTH_KPDK_MD5 = 4,
  AUTH_AES_XCBC_96 = 5,   /* RFC 3566 */
  AUTH_HMAC_MD5_128 = 6,
  AUTH_HMAC_SHA1_160 = 7,
  AUTH_AES_CMAC_96 = 8,
  AUTH_AES_128_GMAC = 9,
  AUTH_AES_192_GMAC = 10,
  AUTH_AES_256_GMAC = 11,
  AUTH_HMAC_SHA2_256_128 = 12, /* RFC 4868 */
  AUTH_HMAC_SHA2_384_192 = 13,
  AUTH_HMAC_SHA2_512_256 = 14,
} IkeIntegId;

/* Transform Type 4: Diffie-Hellman Group Transform IDs */
typedef enum {
  DH_NONE = 0,
  DH_MODP_768 = 1,        /* RFC 2409 group 1 */
  DH_MODP_1024 = 2,       /* RFC 2409 group 2 */
  DH_MODP_1536 = 5,       /* RFC 3526 */
  DH_MODP_2048 = 14,      /* RFC 3526 */
  DH_MODP_3072 = 15,
  DH_MODP_4096 = 16,
  DH_MODP_6144 = 17,
  DH_MODP_8192 = 18,
  DH_ECP_256 = 19,        /* RFC 5903 */
  DH_ECP_384 = 20,
  DH_ECP_521 = 21,
  DH_MODP_1024_160 = 22,  /* RFC 5114 */
  DH_MODP_2048_224 = 23,
  DH_MODP_2048_256 = 24,  /* RFC 5114 2.3 */
  DH_ECP_192 = 25,
  DH_ECP_224 = 26,
  DH_BRAINPOOL_224 = 27,  /* RFC 6954 */
  DH_BRAINPOOL_256 = 28,
  DH_BRAINPOOL_384 = 29,
  DH_BRAINPOOL_512 = 30,
  DH_CURVE25519 = 31,     /* RFC 8031 */
  DH_CURVE448 = 32,
} IkeDhId;

/* Transform Type 5: Extended Sequence Numbers Transform IDs */
typedef enum {
  ESN_NO = 0,
  ESN_YES = 1,
} IkeEsnId;

/* Transform Attribute Types (RFC 7296 3.3.5) */
enum { IKE_ATTR_KEY_LENGTH = 14 };

extern const NameTable ike_transform_type_names;
extern const NameTable ike_encr_names;
extern const NameTable ike_prf_names;
extern const NameTable ike_integ_names;
extern const NameTable ike_dh_names;
extern const NameTable ike_esn_names;

/* The name table for the IDs of one transform type, or NULL. */
const NameTable *ike_transform_id_names(int transform_type);
