/* SPDX-License-Identifier: MIT */
/* Name tables for the IANA IKEv2 transform registries (see ipsec_ids.h). */
#include "models/common/ipsec_ids.h"

#include <stddef.h>

NAME_TABLE(ike_transform_type_names, "IKEv2 transform type", {IKE_TRANSFORM_ENCR, "ENCR"},
           {IKE_TRANSFORM_PRF, "PRF"}, {IKE_TRANSFORM_INTEG, "INTEG"},
           {IKE_TRANSFORM_DH, "DH"}, {IKE_TRANSFORM_ESN, "ESN"});

NAME_TABLE(ike_encr_names, "IKEv2 encryption algorithm", {ENCR_DES_IV64, "ENCR_DES_IV64"},
           {ENCR_DES, "ENCR_DES"}, {ENCR_3DES, "ENCR_3DES"}, {ENCR_RC5, "ENCR_RC5"},
           {ENCR_IDEA, "ENCR_IDEA"}, {ENCR_CAST, "ENCR_CAST"}, {ENCR_BLOWFISH, "ENCR_BLOWFISH"},
           {ENCR_3IDEA, "ENCR_3IDEA"}, {ENCR_DES_IV32, "ENCR_DES_IV32"}, {ENCR_NULL, "ENCR_NULL"},
           {ENCR_AES_CBC, "ENCR_AES_CBC"}, {ENCR_AES_CTR, "ENCR_AES_CTR"},
           {ENCR_AES_CCM_8, "ENCR_AES_CCM_8"}, {ENCR_AES_CCM_12, "ENCR_AES_CCM_12"},
           {ENCR_AES_CCM_16, "ENCR_AES_CCM_16"}, {ENCR_AES_GCM_8, "ENCR_AES_GCM_8"},
           {ENCR_AES_GCM_12, "ENCR_AES_GCM_12"}, {ENCR_AES_GCM_16, "ENCR_AES_GCM_16"},
           {ENCR_NULL_AUTH_AES_GMAC, "ENCR_NULL_AUTH_AES_GMAC"},
           {ENCR_CAMELLIA_CBC, "ENCR_CAMELLIA_CBC"},
           {ENCR_CHACHA20_POLY1305, "ENCR_CHACHA20_POLY1305"});

NAME_TABLE(ike_prf_names, "IKEv2 pseudorandom function", {PRF_HMAC_MD5, "PRF_HMAC_MD5"},
           {PRF_HMAC_SHA1, "PRF_HMAC_SHA1"}, {PRF_HMAC_TIGER, "PRF_HMAC_TIGER"},
           {PRF_AES128_XCBC, "PRF_AES128_XCBC"}, {PRF_HMAC_SHA2_256, "PRF_HMAC_SHA2_256"},
           {PRF_HMAC_SHA2_384, "PRF_HMAC_SHA2_384"}, {PRF_HMAC_SHA2_512, "PRF_HMAC_SHA2_512"},
           {PRF_AES128_CMAC, "PRF_AES128_CMAC"});

NAME_TABLE(ike_integ_names, "IKEv2 integrity algorithm", {AUTH_NONE, "NONE"},
           {AUTH_HMAC_MD5_96, "AUTH_HMAC_MD5_96"}, {AUTH_HMAC_SHA1_96, "AUTH_HMAC_SHA1_96"},
           {AUTH_DES_MAC, "AUTH_DES_MAC"}, {AUTH_KPDK_MD5, "AUTH_KPDK_MD5"},
           {AUTH_AES_XCBC_96, "AUTH_AES_XCBC_96"}, {AUTH_HMAC_MD5_128, "AUTH_HMAC_MD5_128"},
           {AUTH_HMAC_SHA1_160, "AUTH_HMAC_SHA1_160"}, {AUTH_AES_CMAC_96, "AUTH_AES_CMAC_96"},
           {AUTH_AES_128_GMAC, "AUTH_AES_128_GMAC"}, {AUTH_AES_192_GMAC, "AUTH_AES_192_GMAC"},
           {AUTH_AES_256_GMAC, "AUTH_AES_256_GMAC"},
           {AUTH_HMAC_SHA2_256_128, "AUTH_HMAC_SHA2_256_128"},
           {AUTH_HMAC_SHA2_384_192, "AUTH_HMAC_SHA2_384_192"},
           {AUTH_HMAC_SHA2_512_256, "AUTH_HMAC_SHA2_512_256"});

NAME_TABLE(ike_dh_names, "IKEv2 Diffie-Hellman group", {DH_NONE, "NONE"},
           {DH_MODP_768, "MODP_768"}, {DH_MODP_1024, "MODP_1024"}, {DH_MODP_1536, "MODP_1536"},
           {DH_MODP_2048, "MODP_2048"}, {DH_MODP_3072, "MODP_3072"}, {DH_MODP_4096, "MODP_4096"},
           {DH_MODP_6144, "MODP_6144"}, {DH_MODP_8192, "MODP_8192"}, {DH_ECP_256, "ECP_256"},
           {DH_ECP_384, "ECP_384"}, {DH_ECP_521, "ECP_521"},
           {DH_MODP_1024_160, "MODP_1024_160"}, {DH_MODP_2048_224, "MODP_2048_224"},
           {DH_MODP_2048_256, "MODP_2048_256"}, {DH_ECP_192, "ECP_192"},
           {DH_ECP_224, "ECP_224"}, {DH_BRAINPOOL_224, "ECP_224_BP"},
           {DH_BRAINPOOL_256, "ECP_256_BP"}, {DH_BRAINPOOL_384, "ECP_384_BP"},
           {DH_BRAINPOOL_512, "ECP_512_BP"}, {DH_CURVE25519, "CURVE_25519"},
           {DH_CURVE448, "CURVE_448"});

NAME_TABLE(ike_esn_names, "IKEv2 extended sequence numbers", {ESN_NO, "NO_ESN"},
           {ESN_YES, "ESN"});

const NameTable *ike_transform_id_names(int transform_type)
{
  switch (transform_type) {
  case IKE_TRANSFORM_ENCR: return &ike_encr_names;
  case IKE_TRANSFORM_PRF: return &ike_prf_names;
  case IKE_TRANSFORM_INTEG: return &ike_integ_names;
  case IKE_TRANSFORM_DH: return &ike_dh_names;
  case IKE_TRANSFORM_ESN: return &ike_esn_names;
  }
  return NULL;
}
