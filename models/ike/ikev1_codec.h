/* SPDX-License-Identifier: MIT */
/* IKEv1 message codec (RFC 2408 ISAKMP, RFC 2407 IPsec DOI, RFC 2409 appendix A, RFC 3947
 * NAT-T, RFC 3706 DPD): the header and every payload as plain C structs, a decoder returning a
 * status plus a diagnostic naming the field and the RFC 2408 notify that describes the error,
 * and an encoder that computes the next-payload chain and every length. Encrypted messages
 * keep their body as ciphertext; the decrypted body is decoded by a separate call. Pure code:
 * libc, glib and models/common only; no crypto, no logging. */
#pragma once

#include "models/common/ipv4.h"
#include "models/common/names.h"
#include "models/common/wire.h"
#include "models/ike/ike_payload_codec.h"

#include <glib.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKEV1_HDR_LEN 28u         /* RFC 2408 3.1 */
#define IKEV1_GENERIC_HDR_LEN 4u  /* RFC 2408 3.2 */
#define IKEV1_MAJOR_VERSION 1u
#define IKEV1_MINOR_VERSION 0u
#define IKEV1_NONCE_MIN 8u        /* RFC 2409 5: 8 to 256 octets */
#define IKEV1_NONCE_MAX 256u
#define IKEV1_SPI_MAX 16u         /* the largest SPI: an ISAKMP SA's cookie pair */
#define IKEV1_DOI_ISAKMP 0u       /* RFC 2408 3.4 */
#define IKEV1_DOI_IPSEC 1u        /* RFC 2407 4.2 */
#define IKEV1_SIT_IDENTITY_ONLY 1u /* RFC 2407 4.2 */

/* RFC 2408 3.1 and IANA "ISAKMP Next Payload Types". P and T are substructures of SA and
 * never appear in the payload chain. */
typedef enum {
  IKEV1_PL_NONE = 0,
  IKEV1_PL_SA = 1,
  IKEV1_PL_P = 2,
  IKEV1_PL_T = 3,
  IKEV1_PL_KE = 4,
  IKEV1_PL_ID = 5,
  IKEV1_PL_CERT = 6,
  IKEV1_PL_CR = 7,
  IKEV1_PL_HASH = 8,
  IKEV1_PL_SIG = 9,
  IKEV1_PL_NONCE = 10,
  IKEV1_PL_N = 11,
  IKEV1_PL_D = 12,
  IKEV1_PL_VID = 13,
  IKEV1_PL_NAT_D = 20,        /* RFC 3947 3.2 */
  IKEV1_PL_NAT_OA = 21,       /* RFC 3947 5.2 */
  IKEV1_PL_NAT_D_DRAFT = 130, /* draft-ietf-ipsec-nat-t-ike-02/03: same body as NAT-D */
  IKEV1_PL_NAT_OA_DRAFT = 131,
} Ikev1PayloadType;

/* RFC 2408 3.1: Exchange Type; RFC 2409 (Quick Mode, New Group Mode). */
typedef enum {
  IKEV1_EXCH_NONE = 0,
  IKEV1_EXCH_BASE = 1,
  IKEV1_EXCH_MAIN = 2, /* Identity Protection */
  IKEV1_EXCH_AUTH_ONLY = 3,
  IKEV1_EXCH_AGGRESSIVE = 4,
  IKEV1_EXCH_INFORMATIONAL = 5,
  IKEV1_EXCH_TRANSACTION = 6, /* draft-ietf-ipsec-isakmp-mode-cfg */
  IKEV1_EXCH_QUICK = 32,
  IKEV1_EXCH_NEW_GROUP = 33,
} Ikev1ExchangeType;

/* RFC 2408 3.1: Flags */
enum {
  IKEV1_FLAG_ENCRYPTION = 0x01,
  IKEV1_FLAG_COMMIT = 0x02,
  IKEV1_FLAG_AUTH_ONLY = 0x04,
  IKEV1_FLAGS_KNOWN = 0x07,
};

/* RFC 2407 4.4.1: Protocol ID (IPsec DOI) */
typedef enum {
  IKEV1_PROTO_RESERVED = 0,
  IKEV1_PROTO_ISAKMP = 1,
  IKEV1_PROTO_IPSEC_AH = 2,
  IKEV1_PROTO_IPSEC_ESP = 3,
  IKEV1_PROTO_IPCOMP = 4,
} Ikev1ProtocolId;

/* RFC 2407 4.4.2: ISAKMP Transform ID */
enum { IKEV1_KEY_IKE = 1 };

/* RFC 2407 4.4.3: AH Transform IDs */
typedef enum {
  IKEV1_AH_MD5 = 2,
  IKEV1_AH_SHA = 3,
  IKEV1_AH_DES = 4,
  IKEV1_AH_SHA2_256 = 5, /* RFC 4868 */
  IKEV1_AH_SHA2_384 = 6,
  IKEV1_AH_SHA2_512 = 7,
} Ikev1AhTransformId;

/* RFC 2407 4.4.4: ESP Transform IDs (the same numbers as IKEv2's ENCR IDs: ipsec_ids.h). */
typedef enum {
  IKEV1_ESP_DES_IV64 = 1,
  IKEV1_ESP_DES = 2,
  IKEV1_ESP_3DES = 3,
  IKEV1_ESP_NULL = 11,
  IKEV1_ESP_AES = 12,        /* RFC 3602 */
  IKEV1_ESP_AES_CTR = 13,
  IKEV1_ESP_AES_GCM_8 = 18,  /* RFC 4106 */
  IKEV1_ESP_AES_GCM_12 = 19,
  IKEV1_ESP_AES_GCM_16 = 20,
  IKEV1_ESP_NULL_AES_GMAC = 23, /* RFC 4543 (IKEv1 number) */
} Ikev1EspTransformId;

/* RFC 2409 appendix A: phase 1 (ISAKMP SA) attribute classes. B: basic, V: variable. */
typedef enum {
  IKEV1_ATTR_ENCRYPTION = 1,   /* B */
  IKEV1_ATTR_HASH = 2,         /* B */
  IKEV1_ATTR_AUTH_METHOD = 3,  /* B */
  IKEV1_ATTR_GROUP_DESC = 4,   /* B */
  IKEV1_ATTR_GROUP_TYPE = 5,   /* B */
  IKEV1_ATTR_GROUP_PRIME = 6,  /* V */
  IKEV1_ATTR_GROUP_GEN_ONE = 7, /* V */
  IKEV1_ATTR_GROUP_GEN_TWO = 8, /* V */
  IKEV1_ATTR_GROUP_CURVE_A = 9, /* V */
  IKEV1_ATTR_GROUP_CURVE_B = 10, /* V */
  IKEV1_ATTR_LIFE_TYPE = 11,   /* B */
  IKEV1_ATTR_LIFE_DURATION = 12, /* V */
  IKEV1_ATTR_PRF = 13,         /* B */
  IKEV1_ATTR_KEY_LENGTH = 14,  /* B */
  IKEV1_ATTR_FIELD_SIZE = 15,  /* B */
  IKEV1_ATTR_GROUP_ORDER = 16, /* V */
} Ikev1Phase1Attr;

/* RFC 2409 appendix A: Encryption Algorithm values. */
typedef enum {
  IKEV1_ENCR_DES_CBC = 1,
  IKEV1_ENCR_IDEA_CBC = 2,
  IKEV1_ENCR_BLOWFISH_CBC = 3,
  IKEV1_ENCR_RC5_CBC = 4,
  IKEV1_ENCR_3DES_CBC = 5,
  IKEV1_ENCR_CAST_CBC = 6,
  IKEV1_ENCR_AES_CBC = 7, /* RFC 3602 */
} Ikev1EncrAlg;

/* RFC 2409 appendix A and RFC 4868 2.5 (phase 1 hash): Hash Algorithm values. */
typedef enum {
  IKEV1_HASH_MD5 = 1,
  IKEV1_HASH_SHA = 2,
  IKEV1_HASH_TIGER = 3,
  IKEV1_HASH_SHA2_256 = 4,
  IKEV1_HASH_SHA2_384 = 5,
  IKEV1_HASH_SHA2_512 = 6,
} Ikev1HashAlg;

/* RFC 2409 appendix A: Authentication Method values (65001.. XAUTH, private use). */
typedef enum {
  IKEV1_AUTH_PSK = 1,
  IKEV1_AUTH_DSS_SIG = 2,
  IKEV1_AUTH_RSA_SIG = 3,
  IKEV1_AUTH_RSA_ENC = 4,
  IKEV1_AUTH_RSA_ENC_REV = 5,
  IKEV1_AUTH_XAUTH_INIT_PSK = 65001,
  IKEV1_AUTH_XAUTH_RESP_PSK = 65002,
} Ikev1AuthMethod;

/* RFC 2409 appendix A: Life Type values; RFC 2407 4.5 uses the same two for SA Life Type. */
typedef enum {
  IKEV1_LIFE_SECONDS = 1,
  IKEV1_LIFE_KILOBYTES = 2,
} Ikev1LifeType;

/* RFC 2407 4.5: IPsec SA attribute classes. */
typedef enum {
  IKEV1_IPSEC_ATTR_LIFE_TYPE = 1,      /* B */
  IKEV1_IPSEC_ATTR_LIFE_DURATION = 2,  /* V */
  IKEV1_IPSEC_ATTR_GROUP_DESC = 3,     /* B */
  IKEV1_IPSEC_ATTR_ENCAP_MODE = 4,     /* B */
  IKEV1_IPSEC_ATTR_AUTH_ALG = 5,       /* B */
  IKEV1_IPSEC_ATTR_KEY_LENGTH = 6,     /* B */
  IKEV1_IPSEC_ATTR_KEY_ROUNDS = 7,     /* B */
  IKEV1_IPSEC_ATTR_COMP_DICT_SIZE = 8, /* B */
  IKEV1_IPSEC_ATTR_COMP_PRIV_ALG = 9,  /* V */
  IKEV1_IPSEC_ATTR_ESN = 11,           /* B, RFC 4304 */
} Ikev1IpsecAttr;

/* RFC 2407 4.5 Encapsulation Mode, RFC 3947 5.1 UDP-Encapsulated modes; the draft values
 * (draft-ietf-ipsec-nat-t-ike-02/03) that older peers still send. */
typedef enum {
  IKEV1_ENCAP_TUNNEL = 1,
  IKEV1_ENCAP_TRANSPORT = 2,
  IKEV1_ENCAP_UDP_TUNNEL = 3,
  IKEV1_ENCAP_UDP_TRANSPORT = 4,
  IKEV1_ENCAP_UDP_TUNNEL_DRAFT = 61443,
  IKEV1_ENCAP_UDP_TRANSPORT_DRAFT = 61444,
} Ikev1EncapMode;

/* RFC 2407 4.5 Authentication Algorithm, RFC 4868 2.5 (SHA-2), RFC 4543 (GMAC). */
typedef enum {
  IKEV1_AUTH_ALG_HMAC_MD5 = 1,
  IKEV1_AUTH_ALG_HMAC_SHA = 2,
  IKEV1_AUTH_ALG_DES_MAC = 3,
  IKEV1_AUTH_ALG_KPDK = 4,
  IKEV1_AUTH_ALG_HMAC_SHA2_256 = 5,
  IKEV1_AUTH_ALG_HMAC_SHA2_384 = 6,
  IKEV1_AUTH_ALG_HMAC_SHA2_512 = 7,
  IKEV1_AUTH_ALG_HMAC_RIPEMD = 8,
  IKEV1_AUTH_ALG_AES_XCBC_MAC = 9,
  IKEV1_AUTH_ALG_SIG_RSA = 10,
  IKEV1_AUTH_ALG_AES_128_GMAC = 11,
  IKEV1_AUTH_ALG_AES_192_GMAC = 12,
  IKEV1_AUTH_ALG_AES_256_GMAC = 13,
} Ikev1AuthAlg;

/* RFC 2407 4.6.2.1: Identification Type values (IPsec DOI). */
typedef enum {
  IKEV1_ID_IPV4_ADDR = 1,
  IKEV1_ID_FQDN = 2,
  IKEV1_ID_USER_FQDN = 3,
  IKEV1_ID_IPV4_ADDR_SUBNET = 4,
  IKEV1_ID_IPV6_ADDR = 5,
  IKEV1_ID_IPV6_ADDR_SUBNET = 6,
  IKEV1_ID_IPV4_ADDR_RANGE = 7,
  IKEV1_ID_IPV6_ADDR_RANGE = 8,
  IKEV1_ID_DER_ASN1_DN = 9,
  IKEV1_ID_DER_ASN1_GN = 10,
  IKEV1_ID_KEY_ID = 11,
} Ikev1IdType;

/* RFC 2408 3.9: Certificate Encoding (those we name). */
typedef enum {
  IKEV1_CERT_PKCS7 = 1,
  IKEV1_CERT_X509_SIG = 4,
  IKEV1_CERT_CRL = 7,
} Ikev1CertEncoding;

/* RFC 2408 3.14.1 (errors 1-30, status 16384), RFC 2407 4.6.3 (IPsec DOI status), RFC 3706
 * (DPD). */
typedef enum {
  IKEV1_N_NONE = 0, /* not a notify: drop without answering */
  IKEV1_N_INVALID_PAYLOAD_TYPE = 1,
  IKEV1_N_DOI_NOT_SUPPORTED = 2,
  IKEV1_N_SITUATION_NOT_SUPPORTED = 3,
  IKEV1_N_INVALID_COOKIE = 4,
  IKEV1_N_INVALID_MAJOR_VERSION = 5,
  IKEV1_N_INVALID_MINOR_VERSION = 6,
  IKEV1_N_INVALID_EXCHANGE_TYPE = 7,
  IKEV1_N_INVALID_FLAGS = 8,
  IKEV1_N_INVALID_MESSAGE_ID = 9,
  IKEV1_N_INVALID_PROTOCOL_ID = 10,
  IKEV1_N_INVALID_SPI = 11,
  IKEV1_N_INVALID_TRANSFORM_ID = 12,
  IKEV1_N_ATTRIBUTES_NOT_SUPPORTED = 13,
  IKEV1_N_NO_PROPOSAL_CHOSEN = 14,
  IKEV1_N_BAD_PROPOSAL_SYNTAX = 15,
  IKEV1_N_PAYLOAD_MALFORMED = 16,
  IKEV1_N_INVALID_KEY_INFORMATION = 17,
  IKEV1_N_INVALID_ID_INFORMATION = 18,
  IKEV1_N_INVALID_CERT_ENCODING = 19,
  IKEV1_N_INVALID_CERTIFICATE = 20,
  IKEV1_N_CERT_TYPE_UNSUPPORTED = 21,
  IKEV1_N_INVALID_CERT_AUTHORITY = 22,
  IKEV1_N_INVALID_HASH_INFORMATION = 23,
  IKEV1_N_AUTHENTICATION_FAILED = 24,
  IKEV1_N_INVALID_SIGNATURE = 25,
  IKEV1_N_ADDRESS_NOTIFICATION = 26,
  IKEV1_N_NOTIFY_SA_LIFETIME = 27,
  IKEV1_N_CERTIFICATE_UNAVAILABLE = 28,
  IKEV1_N_UNSUPPORTED_EXCHANGE_TYPE = 29,
  IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS = 30,
  IKEV1_N_CONNECTED = 16384,
  IKEV1_N_RESPONDER_LIFETIME = 24576,
  IKEV1_N_REPLAY_STATUS = 24577,
  IKEV1_N_INITIAL_CONTACT = 24578,
  IKEV1_N_R_U_THERE = 36136,     /* RFC 3706 5 */
  IKEV1_N_R_U_THERE_ACK = 36137,
} Ikev1NotifyType;

/* RFC 2408 3.14.1: 1-8191 are errors, 16384 and up status. */
static inline bool ikev1_notify_is_error(uint16_t t) { return t >= 1 && t < 8192; }

extern const NameTable ikev1_payload_names;
extern const NameTable ikev1_exchange_names;
extern const NameTable ikev1_flag_names; /* one bit each */
extern const NameTable ikev1_protocol_names;
extern const NameTable ikev1_ah_transform_names;
extern const NameTable ikev1_esp_transform_names;
extern const NameTable ikev1_ipcomp_transform_names;
extern const NameTable ikev1_p1_attr_names;
extern const NameTable ikev1_encr_names;
extern const NameTable ikev1_hash_names;
extern const NameTable ikev1_auth_method_names;
extern const NameTable ikev1_group_names;
extern const NameTable ikev1_group_type_names;
extern const NameTable ikev1_life_type_names;
extern const NameTable ikev1_ipsec_attr_names;
extern const NameTable ikev1_encap_names;
extern const NameTable ikev1_auth_alg_names;
extern const NameTable ikev1_id_type_names;
extern const NameTable ikev1_cert_encoding_names;
extern const NameTable ikev1_notify_names;
extern const NameTable ikev1_doi_names;
extern const NameTable ikev1_situation_names;

/* The transform ID names of a protocol (KEY_IKE for ISAKMP), or NULL. */
const NameTable *ikev1_transform_names(uint8_t protocol);
/* The attribute type names of a protocol's transforms: RFC 2409 A for ISAKMP, RFC 2407 4.5
 * for AH, ESP and IPCOMP; NULL otherwise. */
const NameTable *ikev1_attr_names(uint8_t protocol);
/* The names of an attribute's values (encryption, hash, group, life type, encapsulation,
 * ...), or NULL when the value is a number (life duration, key length). */
const NameTable *ikev1_attr_value_names(uint8_t protocol, uint16_t attr_type);

/* ---- well-known vendor IDs ---- */

/* A vendor ID we recognise, and how: exact, or as a prefix followed by version or flag
 * bytes. */
typedef enum {
  IKEV1_VID_UNKNOWN = 0,
  IKEV1_VID_RFC3947,       /* MD5("RFC 3947") */
  IKEV1_VID_NATT_DRAFT_03, /* MD5("draft-ietf-ipsec-nat-t-ike-03") */
  IKEV1_VID_NATT_DRAFT_02, /* MD5("draft-ietf-ipsec-nat-t-ike-02") */
  IKEV1_VID_NATT_DRAFT_02N, /* MD5("draft-ietf-ipsec-nat-t-ike-02\n") */
  IKEV1_VID_NATT_DRAFT_00, /* MD5("draft-ietf-ipsec-nat-t-ike-00") */
  IKEV1_VID_DPD,           /* RFC 3706 4: afcad713 68a1f1c9 6b8696fc 7757 + major 01 minor 00 */
  IKEV1_VID_XAUTH,         /* MD5("draft-ietf-ipsra-isakmp-xauth-06.txt"), first 8 octets */
  IKEV1_VID_FRAGMENTATION, /* Cisco/racoon IKE fragmentation (16 octets + optional flags) */
  IKEV1_VID_MS_NT5,        /* "MS NT5 ISAKMPOAKLEY" + 4-octet version */
  IKEV1_VID_STRONGSWAN,    /* MD5("strongSwan") */
  IKEV1_VID_COUNT,
} Ikev1VendorId;

extern const NameTable ikev1_vendor_names;

/* The bytes of a well-known vendor ID as we send it (DPD 1.0, fragmentation with the
 * 0x80000000 flags as strongSwan sends it); NULL for UNKNOWN. */
const uint8_t *ikev1_vendor_id_bytes(Ikev1VendorId v, size_t *n);
/* Which well-known vendor ID data is (prefix matches for DPD versions, Windows versions and
 * fragmentation flags), or IKEV1_VID_UNKNOWN. */
Ikev1VendorId ikev1_vendor_id_match(const uint8_t *data, size_t n);

/* ---- structs ---- */

/* Bytes owned by the enclosing payload (g_malloc); {NULL, 0} when empty. */
typedef IkeData Ikev1Data;

/* RFC 2408 3.1 */
typedef struct {
  uint64_t icookie;
  uint64_t rcookie;
  uint8_t next_payload; /* filled by the encoder from the first payload unless encrypted */
  uint8_t major;        /* 1 */
  uint8_t minor;        /* 0 */
  uint8_t exchange;     /* Ikev1ExchangeType */
  uint8_t flags;        /* IKEV1_FLAG_* */
  uint32_t msg_id;
  uint32_t length;      /* filled by the encoder */
} Ikev1Header;

/* RFC 2408 3.3: one data attribute. TV (AF=1) carries a 16-bit value; TLV (AF=0) carries
 * 'data', and 'value' is its big-endian number when it has 1 to 8 octets. */
typedef struct {
  uint16_t type; /* 15 bits */
  bool tv;
  uint64_t value;
  Ikev1Data data; /* TLV only */
} Ikev1Attr;

/* RFC 2408 3.6 */
typedef struct {
  uint8_t num; /* Transform # */
  uint8_t id;  /* Transform-Id: KEY_IKE, Ikev1EspTransformId, Ikev1AhTransformId, ... */
  Ikev1Attr *attrs;
  size_t n_attrs;
} Ikev1Transform;

/* RFC 2408 3.5 */
typedef struct {
  uint8_t num;      /* Proposal #: equal numbers are one offer (AH and ESP together) */
  uint8_t protocol; /* Ikev1ProtocolId */
  uint8_t spi_size;
  uint8_t spi[IKEV1_SPI_MAX];
  Ikev1Transform *transforms;
  size_t n_transforms;
} Ikev1Proposal;

/* RFC 2408 3.4 with the RFC 2407 4.6.1 situation (identity only: no labels follow). */
typedef struct {
  uint32_t doi;
  uint32_t situation;
  Ikev1Proposal *proposals;
  size_t n_proposals;
} Ikev1Sa;

/* RFC 2408 3.8 with the RFC 2407 4.6.2 IPsec DOI fields. */
typedef struct {
  uint8_t type;     /* Ikev1IdType */
  uint8_t protocol; /* IP protocol, 0: any (phase 1: 0 or UDP 17) */
  uint16_t port;    /* 0: any (phase 1: 0 or 500) */
  Ikev1Data data;
} Ikev1Id;

typedef struct {
  uint8_t encoding; /* Ikev1CertEncoding (CERT) or certificate type (CR) */
  Ikev1Data data;   /* the certificate (CERT) or the authority (CR) */
} Ikev1Cert;

/* RFC 2408 3.14 */
typedef struct {
  uint32_t doi;
  uint8_t protocol;
  uint8_t spi_size;
  uint8_t spi[IKEV1_SPI_MAX];
  uint16_t type; /* Ikev1NotifyType */
  Ikev1Data data;
  uint32_t dpd_seq; /* R-U-THERE / R-U-THERE-ACK: the sequence number (RFC 3706 5.1) */
} Ikev1Notify;

/* RFC 2408 3.15 */
typedef struct {
  uint32_t doi;
  uint8_t protocol;
  uint8_t spi_size; /* 16 for ISAKMP (the cookies), 4 for AH/ESP */
  uint16_t n_spis;
  Ikev1Data spis;   /* n_spis * spi_size octets */
} Ikev1Delete;

/* RFC 3947 5.2: NAT-OA. */
typedef struct {
  uint8_t id_type; /* IKEV1_ID_IPV4_ADDR or IKEV1_ID_IPV6_ADDR */
  Ipv4Addr v4;
  uint8_t v6[16];
} Ikev1NatOa;

typedef struct {
  uint8_t type; /* Ikev1PayloadType */
  /* where the payload (generic header included) lies in the buffer it was decoded from:
   * SAi_b, IDii_b and the quick mode hashes are computed over the bytes as received */
  size_t off;
  size_t len;
  union {
    Ikev1Sa sa;
    Ikev1Data ke;
    Ikev1Id id;
    Ikev1Cert cert; /* CERT, CR */
    Ikev1Data hash;
    Ikev1Data sig;
    Ikev1Data nonce;
    Ikev1Notify notify;
    Ikev1Delete del;
    Ikev1Data vendor;
    Ikev1Data nat_d; /* NAT-D and its draft number */
    Ikev1NatOa nat_oa;
  } u;
} Ikev1Payload;

/* A message: header plus payloads in wire order. When the E flag is set, the decoder leaves
 * the payloads empty and 'body' holds the ciphertext (everything after the header); after
 * decryption the caller decodes the plaintext with ikev1_payloads_decode. */
typedef struct {
  Ikev1Header hdr;
  Ikev1Payload *payloads;
  size_t n_payloads;
  size_t cap_payloads;
  Ikev1Data body;
} Ikev1Message;

/* ---- decode results ---- */

/* Where a message failed: the fixed header or a payload (plain or decrypted). */
typedef enum {
  IKEV1_STAGE_HEADER,
  IKEV1_STAGE_PAYLOAD,
} Ikev1Stage;

/* Where a decode stopped and what RFC 2408 5 says about it: the message is discarded and
 * 'notify' is the notification that names the error (IKEV1_N_NONE: nothing to answer, e.g. a
 * datagram shorter than its header says). Whether the notify is sent is the engine's call
 * (RFC 2408 5: it MAY be sent). */
typedef struct {
  WireStatus status;
  WireDiag diag;
  Ikev1Stage stage;
  uint16_t notify;     /* Ikev1NotifyType */
  uint8_t payload;     /* the payload being decoded, IKEV1_PL_NONE for the header */
} Ikev1Diag;

/* ---- API ---- */

Ikev1Message *ikev1_message_new(uint8_t exchange, uint8_t flags, uint64_t icookie,
                                uint64_t rcookie, uint32_t msg_id);
void ikev1_message_free(Ikev1Message *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Ikev1Message, ikev1_message_free)

/* Append a zeroed payload of 'type' and return it for filling (owned by m; valid until the
 * next payload is added). */
Ikev1Payload *ikev1_message_add(Ikev1Message *m, uint8_t type);
/* The n-th payload of 'type' (0-based), or NULL. */
const Ikev1Payload *ikev1_message_find(const Ikev1Message *m, uint8_t type, size_t nth);
/* The first Notification of 'notify_type', or NULL. */
const Ikev1Notify *ikev1_message_find_notify(const Ikev1Message *m, uint16_t notify_type);

void ikev1_payload_clear(Ikev1Payload *p);
/* Set d to a copy of n bytes (freeing what it held). */
void ikev1_data_set(Ikev1Data *d, const void *p, size_t n);
/* Add a proposal / transform / attribute, returned for filling. Proposal numbers are the
 * caller's (RFC 2408 4.2: equal numbers combine). */
Ikev1Proposal *ikev1_sa_add_proposal(Ikev1Sa *sa, uint8_t num, uint8_t protocol);
Ikev1Transform *ikev1_proposal_add_transform(Ikev1Proposal *p, uint8_t id);
/* A basic (TV) attribute; value must fit 16 bits. */
void ikev1_transform_add_tv(Ikev1Transform *t, uint16_t type, uint16_t value);
/* A variable (TLV) attribute holding 'value' in 'octets' big-endian octets (1..8). */
void ikev1_transform_add_tlv_u(Ikev1Transform *t, uint16_t type, uint64_t value,
                               unsigned octets);
/* A variable attribute with arbitrary bytes (group prime, ...). */
void ikev1_transform_add_tlv(Ikev1Transform *t, uint16_t type, const void *p, size_t n);
/* A life duration as RFC 2409 A allows: basic when it fits 16 bits, else 4 octets TLV. */
void ikev1_transform_add_duration(Ikev1Transform *t, uint16_t type, uint64_t value);
/* The first attribute of 'type' as a number: false when absent or longer than 8 octets. */
bool ikev1_transform_attr(const Ikev1Transform *t, uint16_t type, uint64_t *value);

/* An ID payload's address data as a range: IPV4_ADDR a-a, IPV4_ADDR_SUBNET (network and a
 * contiguous mask), IPV4_ADDR_RANGE (first <= last). False for other types or a bad mask. */
bool ikev1_id_ipv4_range(const Ikev1Id *id, Ipv4Range *out);
/* Fill an ID payload with the IPv4 form that says exactly r: IPV4_ADDR for one address,
 * IPV4_ADDR_SUBNET for a prefix, else IPV4_ADDR_RANGE. */
void ikev1_id_set_ipv4_range(Ikev1Id *id, Ipv4Range r, uint8_t protocol, uint16_t port);
/* A DPD notify (RFC 3706 5): protocol ISAKMP, SPI = CKY-I | CKY-R, data = sequence. */
void ikev1_notify_set_dpd(Ikev1Notify *n, bool ack, uint64_t icookie, uint64_t rcookie,
                          uint32_t seq);

/* Decode only the fixed header (RFC 2408 3.1), checking the version, the flags and that
 * Length equals the datagram length. */
WireStatus ikev1_header_decode(const uint8_t *buf, size_t len, Ikev1Header *h, Ikev1Diag *d);

/* Decode a whole message. With the E flag the payloads stay empty and m->body holds the
 * ciphertext. On failure *out is NULL and d says where and which notify names it. */
WireStatus ikev1_message_decode(const uint8_t *buf, size_t len, Ikev1Message **out,
                                Ikev1Diag *d);

/* Decode a decrypted body: a chain that starts with 'first' (the header's Next Payload),
 * appended to m. Padding to the cipher block follows the last payload (RFC 2409 appendix B:
 * 0x00 octets; 5.3 says the last one counts them, so a peer may send a whole block): its
 * length goes to *pad_len (NULL: no padding allowed). Offsets are relative to buf. On failure
 * m keeps the payloads it had. */
WireStatus ikev1_payloads_decode(Ikev1Message *m, uint8_t first, const uint8_t *buf,
                                 size_t len, size_t *pad_len, Ikev1Diag *d);

/* Encode header and payloads, computing Next Payload fields and lengths. With the E flag,
 * the header's next_payload is written as set (the first inner payload) and m->body (the
 * ciphertext) follows it. False on a writer failure. */
bool ikev1_message_encode(const Ikev1Message *m, WireWriter *w);
/* Encode payloads as a chain (the plaintext of an encrypted message), the last with Next
 * Payload none. */
bool ikev1_payloads_encode(const Ikev1Payload *p, size_t n, WireWriter *w);
/* Encode one payload's body (after its generic header): SAi_b, IDii_b. */
bool ikev1_payload_body_encode(const Ikev1Payload *p, WireWriter *w);
