/* SPDX-License-Identifier: MIT */
/* IKEv2 message codec (RFC 7296 section 3, RFC 7383 fragments): the header and every
 * payload as plain C structs, a decoder returning a status plus a diagnostic naming the
 * field, and an encoder that computes the next-payload chain and every length. Pure code:
 * libc, glib and models/common only; no crypto, no logging. */
#pragma once

#include "models/common/ipsec_ids.h"
#include "models/common/ipv4.h"
#include "models/common/names.h"
#include "models/common/wire.h"
#include "models/ike/ike_payload_codec.h"

#include <glib.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKEV2_HDR_LEN 28u     /* RFC 7296 3.1 */
#define IKEV2_GENERIC_HDR_LEN 4u
#define IKEV2_MAJOR_VERSION 2u
#define IKEV2_NONCE_MIN 16u   /* RFC 7296 3.9: 16 to 256 octets */
#define IKEV2_NONCE_MAX 256u
#define IKEV2_SPI_MAX 8u      /* IKE SPIs are 8 octets, AH/ESP 4 */

/* RFC 7296 3.2 and IANA "IKEv2 Payload Types". */
typedef enum {
  IKEV2_PL_NONE = 0,
  IKEV2_PL_SA = 33,
  IKEV2_PL_KE = 34,
  IKEV2_PL_IDI = 35,
  IKEV2_PL_IDR = 36,
  IKEV2_PL_CERT = 37,
  IKEV2_PL_CERTREQ = 38,
  IKEV2_PL_AUTH = 39,
  IKEV2_PL_NONCE = 40,
  IKEV2_PL_NOTIFY = 41,
  IKEV2_PL_DELETE = 42,
  IKEV2_PL_VENDOR = 43,
  IKEV2_PL_TSI = 44,
  IKEV2_PL_TSR = 45,
  IKEV2_PL_SK = 46,
  IKEV2_PL_CP = 47,
  IKEV2_PL_EAP = 48,
  IKEV2_PL_SKF = 53, /* RFC 7383 2.5 */
} Ikev2PayloadType;

/* RFC 7296 3.1: Exchange Type */
typedef enum {
  IKEV2_IKE_SA_INIT = 34,
  IKEV2_IKE_AUTH = 35,
  IKEV2_CREATE_CHILD_SA = 36,
  IKEV2_INFORMATIONAL = 37,
} Ikev2ExchangeType;

/* RFC 7296 3.1: Flags */
enum {
  IKEV2_FLAG_INITIATOR = 0x08,
  IKEV2_FLAG_VERSION = 0x10,
  IKEV2_FLAG_RESPONSE = 0x20,
};

/* RFC 7296 3.3.1: Protocol ID */
typedef enum {
  IKEV2_PROTO_NONE = 0,
  IKEV2_PROTO_IKE = 1,
  IKEV2_PROTO_AH = 2,
  IKEV2_PROTO_ESP = 3,
} Ikev2ProtocolId;

/* RFC 7296 3.5: ID Type */
typedef enum {
  IKEV2_ID_IPV4_ADDR = 1,
  IKEV2_ID_FQDN = 2,
  IKEV2_ID_RFC822_ADDR = 3,
  IKEV2_ID_IPV6_ADDR = 5,
  IKEV2_ID_DER_ASN1_DN = 9,
  IKEV2_ID_DER_ASN1_GN = 10,
  IKEV2_ID_KEY_ID = 11,
} Ikev2IdType;

/* RFC 7296 3.8 and RFC 7427: Auth Method */
typedef enum {
  IKEV2_AUTH_RSA_SIG = 1,
  IKEV2_AUTH_PSK = 2, /* Shared Key Message Integrity Code */
  IKEV2_AUTH_DSS_SIG = 3,
  IKEV2_AUTH_ECDSA_256 = 9,
  IKEV2_AUTH_ECDSA_384 = 10,
  IKEV2_AUTH_ECDSA_521 = 11,
  IKEV2_AUTH_DIGITAL_SIG = 14,
} Ikev2AuthMethod;

/* RFC 7296 3.10.1 and IANA "IKEv2 Notify Message Types". */
typedef enum {
  IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
  IKEV2_N_INVALID_IKE_SPI = 4,
  IKEV2_N_INVALID_MAJOR_VERSION = 5,
  IKEV2_N_INVALID_SYNTAX = 7,
  IKEV2_N_INVALID_MESSAGE_ID = 9,
  IKEV2_N_INVALID_SPI = 11,
  IKEV2_N_NO_PROPOSAL_CHOSEN = 14,
  IKEV2_N_INVALID_KE_PAYLOAD = 17,
  IKEV2_N_AUTHENTICATION_FAILED = 24,
  IKEV2_N_SINGLE_PAIR_REQUIRED = 34,
  IKEV2_N_NO_ADDITIONAL_SAS = 35,
  IKEV2_N_INTERNAL_ADDRESS_FAILURE = 36,
  IKEV2_N_FAILED_CP_REQUIRED = 37,
  IKEV2_N_TS_UNACCEPTABLE = 38,
  IKEV2_N_INVALID_SELECTORS = 39,
  IKEV2_N_TEMPORARY_FAILURE = 43, /* RFC 7296 */
  IKEV2_N_CHILD_SA_NOT_FOUND = 44,
  IKEV2_N_INITIAL_CONTACT = 16384,
  IKEV2_N_SET_WINDOW_SIZE = 16385,
  IKEV2_N_ADDITIONAL_TS_POSSIBLE = 16386,
  IKEV2_N_IPCOMP_SUPPORTED = 16387,
  IKEV2_N_NAT_DETECTION_SOURCE_IP = 16388,
  IKEV2_N_NAT_DETECTION_DESTINATION_IP = 16389,
  IKEV2_N_COOKIE = 16390,
  IKEV2_N_USE_TRANSPORT_MODE = 16391,
  IKEV2_N_HTTP_CERT_LOOKUP_SUPPORTED = 16392,
  IKEV2_N_REKEY_SA = 16393,
  IKEV2_N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
  IKEV2_N_NON_FIRST_FRAGMENTS_ALSO = 16395,
  IKEV2_N_MOBIKE_SUPPORTED = 16396, /* RFC 4555 */
  IKEV2_N_MULTIPLE_AUTH_SUPPORTED = 16404, /* RFC 4739 */
  IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED = 16430, /* RFC 7383 */
  IKEV2_N_SIGNATURE_HASH_ALGORITHMS = 16431,     /* RFC 7427 */
} Ikev2NotifyType;

/* Notify types below 16384 are errors (RFC 7296 3.10.1). */
static inline bool ikev2_notify_is_error(uint16_t t) { return t < 16384; }

/* RFC 7296 3.13.1: TS Type */
typedef enum {
  IKEV2_TS_IPV4_ADDR_RANGE = 7,
  IKEV2_TS_IPV6_ADDR_RANGE = 8,
} Ikev2TsType;

/* RFC 7296 3.15: CFG Type */
typedef enum {
  IKEV2_CFG_REQUEST = 1,
  IKEV2_CFG_REPLY = 2,
  IKEV2_CFG_SET = 3,
  IKEV2_CFG_ACK = 4,
} Ikev2CfgType;

/* RFC 7296 3.15.1: Configuration Attribute types (the ones point-to-site uses). */
typedef enum {
  IKEV2_CFG_INTERNAL_IP4_ADDRESS = 1,
  IKEV2_CFG_INTERNAL_IP4_NETMASK = 2,
  IKEV2_CFG_INTERNAL_IP4_DNS = 3,
  IKEV2_CFG_INTERNAL_IP4_NBNS = 4,
  IKEV2_CFG_INTERNAL_IP4_DHCP = 6,
  IKEV2_CFG_APPLICATION_VERSION = 7,
  IKEV2_CFG_INTERNAL_IP6_ADDRESS = 8,
  IKEV2_CFG_INTERNAL_IP6_DNS = 10,
  IKEV2_CFG_INTERNAL_IP6_DHCP = 12,
  IKEV2_CFG_INTERNAL_IP4_SUBNET = 13,
  IKEV2_CFG_SUPPORTED_ATTRIBUTES = 14,
  IKEV2_CFG_INTERNAL_IP6_SUBNET = 15,
} Ikev2CfgAttrType;

/* RFC 7296 3.6: Certificate Encoding (those we name). */
typedef enum {
  IKEV2_CERT_X509_SIGNATURE = 4,
  IKEV2_CERT_HASH_URL_X509 = 12,
} Ikev2CertEncoding;

/* RFC 7427 4 and IANA "IKEv2 Hash Algorithms": SIGNATURE_HASH_ALGORITHMS notify data. */
typedef enum {
  IKEV2_HASH_SHA1 = 1,
  IKEV2_HASH_SHA2_256 = 2,
  IKEV2_HASH_SHA2_384 = 3,
  IKEV2_HASH_SHA2_512 = 4,
} Ikev2HashAlg;

/* A signature scheme as AUTH carries it: method 1 is RSA PKCS#1 v1.5 over SHA-1 (RFC 7296
 * 3.8), methods 9-11 are ECDSA with a fixed hash (RFC 4754), method 14 names its scheme
 * with an ASN.1 AlgorithmIdentifier (RFC 7427 3, the rows of Appendix A we know). */
typedef enum {
  IKEV2_SIG_UNKNOWN = 0,
  IKEV2_SIG_RSA_SHA1,
  IKEV2_SIG_RSA_SHA256,
  IKEV2_SIG_RSA_SHA384,
  IKEV2_SIG_RSA_SHA512,
  IKEV2_SIG_ECDSA_SHA256,
  IKEV2_SIG_ECDSA_SHA384,
  IKEV2_SIG_ECDSA_SHA512,
} Ikev2SigScheme;

#define IKEV2_CERTREQ_HASH_LEN 20u /* RFC 7296 3.7: SHA-1 of a CA's SubjectPublicKeyInfo */

extern const NameTable ikev2_payload_names;       /* "SA", "KE", ... (RFC names) */
extern const NameTable ikev2_payload_short_names; /* printer: "SA", "KE", "No", "N", ... */
extern const NameTable ikev2_exchange_names;
extern const NameTable ikev2_protocol_names;
extern const NameTable ikev2_id_type_names;
extern const NameTable ikev2_auth_method_names;
extern const NameTable ikev2_notify_names;
extern const NameTable ikev2_notify_short_names; /* printer: "INIT_CONTACT", "NATD_S_IP" */
extern const NameTable ikev2_ts_type_names;
extern const NameTable ikev2_cfg_type_names;
extern const NameTable ikev2_cfg_attr_names;
extern const NameTable ikev2_cert_encoding_names;
extern const NameTable ikev2_hash_alg_names;
extern const NameTable ikev2_sig_scheme_names;

/* ---- structs ---- */

/* Bytes owned by the enclosing payload (g_malloc); {NULL, 0} when empty. */
typedef IkeData Ikev2Data;

/* RFC 7296 3.1: the fixed header both versions share (ike_payload_codec.h); major 2, minor
 * 0, exchange an Ikev2ExchangeType, flags IKEV2_FLAG_*; the encoder fills next_payload
 * from the first payload and the length. */
typedef IkeFixedHdr Ikev2Header;

/* RFC 7296 3.3.2: one transform; key_length 0 when the attribute is absent. */
typedef struct {
  uint8_t type;        /* IkeTransformType */
  uint16_t id;         /* per-type IDs in models/common/ipsec_ids.h */
  uint16_t key_length; /* Key Length attribute (14), in bits; 0: absent */
  bool unknown_attr;   /* an attribute we do not understand: RFC 7296 3.3.6 rejects it */
} Ikev2Transform;

/* RFC 7296 3.3.1 */
typedef struct {
  uint8_t num;      /* 1, 2, ... in order */
  uint8_t protocol; /* Ikev2ProtocolId */
  uint8_t spi_size;
  uint8_t spi[IKEV2_SPI_MAX];
  Ikev2Transform *transforms;
  size_t n_transforms;
} Ikev2Proposal;

typedef struct {
  Ikev2Proposal *proposals;
  size_t n_proposals;
} Ikev2Sa;

typedef struct {
  uint16_t group; /* IkeDhId */
  Ikev2Data data;
} Ikev2Ke;

typedef struct {
  uint8_t type; /* Ikev2IdType */
  Ikev2Data data;
} Ikev2Id;

typedef struct {
  uint8_t encoding;
  Ikev2Data data;
} Ikev2Cert; /* CERT and CERTREQ */

typedef struct {
  uint8_t method; /* Ikev2AuthMethod */
  Ikev2Data data;
} Ikev2Auth;

typedef struct {
  uint8_t protocol; /* Ikev2ProtocolId, 0 when no SPI */
  uint8_t spi_size;
  uint8_t spi[IKEV2_SPI_MAX];
  uint16_t type; /* Ikev2NotifyType */
  Ikev2Data data;
} Ikev2Notify;

typedef struct {
  uint8_t protocol;
  uint8_t spi_size;  /* 0 for IKE, 4 for AH/ESP */
  uint16_t n_spis;
  Ikev2Data spis;    /* n_spis * spi_size octets */
} Ikev2Delete;

/* RFC 7296 3.13.1: one selector. Addresses: IPv4 in 'range', IPv6 in v6_start/v6_end. */
typedef struct {
  uint8_t type;     /* Ikev2TsType */
  uint8_t ip_proto; /* 0: any */
  uint16_t start_port;
  uint16_t end_port;
  Ipv4Range range;
  uint8_t v6_start[16];
  uint8_t v6_end[16];
} Ikev2TrafficSelector;

typedef struct {
  Ikev2TrafficSelector *ts;
  size_t n_ts;
} Ikev2Ts;

typedef struct {
  uint16_t type; /* Ikev2CfgAttrType (15 bits) */
  Ikev2Data value;
} Ikev2CfgAttr;

typedef struct {
  uint8_t cfg_type; /* Ikev2CfgType */
  Ikev2CfgAttr *attrs;
  size_t n_attrs;
} Ikev2Cp;

/* RFC 7296 3.14: SK as it travels, before decryption: IV | ciphertext | ICV, and the type
 * of the first inner payload (the SK generic header's Next Payload). RFC 7383 2.5: SKF adds
 * a fragment number and total, and only fragment 1 carries a real next payload. */
typedef struct {
  uint8_t inner_next;
  uint16_t frag_num;   /* SKF only */
  uint16_t frag_total; /* SKF only */
  Ikev2Data data;
} Ikev2Sk;

typedef struct {
  uint8_t type; /* Ikev2PayloadType, or an unknown value */
  bool critical;
  bool encrypted; /* came out of an SK/SKF payload (set by ikev2_sk.h, ignored by encode) */
  union {
    Ikev2Sa sa;
    Ikev2Ke ke;
    Ikev2Id id;          /* IDi, IDr */
    Ikev2Cert cert;      /* CERT, CERTREQ */
    Ikev2Auth auth;
    Ikev2Data nonce;
    Ikev2Notify notify;
    Ikev2Delete del;
    Ikev2Data vendor;
    Ikev2Ts ts;          /* TSi, TSr */
    Ikev2Cp cp;
    Ikev2Data eap;       /* carried opaque */
    Ikev2Sk sk;          /* SK, SKF */
    Ikev2Data unknown;   /* a non-critical payload we skipped */
  } u;
} Ikev2Payload;

/* A message: header plus payloads in wire order. After SK decryption the inner payloads
 * are appended in place of the SK payload by the caller (see ikev2_sk.h). */
typedef struct {
  Ikev2Header hdr;
  Ikev2Payload *payloads;
  size_t n_payloads;
  size_t cap_payloads;
} Ikev2Message;

/* ---- decode results and the protocol action (one place) ---- */

/* What the protocol layer does with a message that failed to decode or to pass the rules
 * (RFC 7296 2.21, 3.1, 3.2). */
typedef enum {
  IKEV2_ACT_ACCEPT = 0,
  IKEV2_ACT_DROP,                           /* silently discard (header, ICV, not ours) */
  IKEV2_ACT_INVALID_SYNTAX,                 /* notify INVALID_SYNTAX */
  IKEV2_ACT_UNSUPPORTED_CRITICAL_PAYLOAD,   /* notify with the payload type as data */
  IKEV2_ACT_INVALID_MAJOR_VERSION,          /* notify INVALID_MAJOR_VERSION */
} Ikev2Action;

extern const NameTable ikev2_action_names;

/* Where a decode stopped: status, field diagnostic, the action, and for
 * UNSUPPORTED_CRITICAL_PAYLOAD the payload type that goes into the notify data. */
typedef struct {
  WireStatus status;
  WireDiag diag;
  Ikev2Action action;
  uint8_t critical_type;
} Ikev2Diag;

/* Where a message failed: the fixed header, a payload (outer or decrypted), the
 * integrity check of SK/SKF, or fragment reassembly. */
typedef enum {
  IKEV2_STAGE_HEADER,
  IKEV2_STAGE_PAYLOAD,
  IKEV2_STAGE_INTEGRITY,
  IKEV2_STAGE_FRAGMENT,
} Ikev2Stage;

/* The single mapping from a decode outcome to an action (RFC 7296 2.5, 2.21, 3.2; RFC 7383
 * 2.6). 'critical_payload' marks an unknown payload with the critical bit set. */
Ikev2Action ikev2_action_for(Ikev2Stage stage, WireStatus s, bool critical_payload);
/* Fill d from a failed (or clean) reader. */
void ikev2_diag_set(Ikev2Diag *d, const WireReader *r, Ikev2Stage stage, bool critical,
                    uint8_t critical_type);

/* ---- API ---- */

Ikev2Message *ikev2_message_new(uint8_t exchange, uint8_t flags, uint64_t spi_i, uint64_t spi_r,
                                uint32_t msg_id);
void ikev2_message_free(Ikev2Message *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Ikev2Message, ikev2_message_free)

/* Append a zeroed payload of 'type' and return it for the caller to fill (owned by m; the
 * pointer is valid until the next payload is added). */
Ikev2Payload *ikev2_message_add(Ikev2Message *m, uint8_t type);
/* Whether a space-separated list of notify names (as the ike.message event carries them)
 * holds an error type (RFC 7296 3.10.1: types below 16384). */
bool ikev2_notify_names_have_error(const char *names);
/* The n-th payload of 'type' (0-based), or NULL. */
const Ikev2Payload *ikev2_message_find(const Ikev2Message *m, uint8_t type, size_t nth);
/* The first Notify of 'notify_type', or NULL. */
const Ikev2Notify *ikev2_message_find_notify(const Ikev2Message *m, uint16_t notify_type);

void ikev2_payload_clear(Ikev2Payload *p);
/* Set d to a copy of n bytes (freeing what it held). */
void ikev2_data_set(Ikev2Data *d, const void *p, size_t n);
/* Add a proposal / transform / selector / attribute, returned zeroed for filling. */
Ikev2Proposal *ikev2_sa_add_proposal(Ikev2Sa *sa, uint8_t protocol);
Ikev2Transform *ikev2_proposal_add_transform(Ikev2Proposal *p, uint8_t type, uint16_t id,
                                             uint16_t key_length);
Ikev2TrafficSelector *ikev2_ts_add(Ikev2Ts *ts);
Ikev2CfgAttr *ikev2_cp_add(Ikev2Cp *cp, uint16_t type, const void *value, size_t n);

/* ---- CP attributes (RFC 7296 3.15.1) ---- */

/* Append an attribute holding an IPv4 address (INTERNAL_IP4_ADDRESS / NETMASK / DNS),
 * or an INTERNAL_IP4_SUBNET (address and netmask, 8 octets). */
Ikev2CfgAttr *ikev2_cp_add_ip4(Ikev2Cp *cp, uint16_t type, Ipv4Addr a);
Ikev2CfgAttr *ikev2_cp_add_ip4_subnet(Ikev2Cp *cp, Ipv4Prefix p);
/* The address an attribute of 4 octets holds; false when it is empty (a request). */
bool ikev2_cp_attr_ip4(const Ikev2CfgAttr *a, Ipv4Addr *out);
/* The prefix an INTERNAL_IP4_SUBNET holds; false when empty or the mask is not
 * contiguous. */
bool ikev2_cp_attr_ip4_subnet(const Ikev2CfgAttr *a, Ipv4Prefix *out);
/* The first attribute of 'type', or NULL. */
const Ikev2CfgAttr *ikev2_cp_find(const Ikev2Cp *cp, uint16_t type, size_t nth);

/* ---- signature AUTH (RFC 7296 3.8, RFC 7427 3) ---- */

/* AUTH data of a signature method, split: the scheme and the signature bytes (borrowed
 * from the payload). */
typedef struct {
  uint8_t method;
  Ikev2SigScheme scheme; /* IKEV2_SIG_UNKNOWN: an AlgorithmIdentifier we do not know */
  const uint8_t *sig;
  size_t sig_len;
} Ikev2AuthSig;

/* Split AUTH data of method 1, 9-11 or 14. RFC 7427 3:
 *  | ASN.1 Length  | AlgorithmIdentifier ASN.1 object ~ | Signature Value ~
 * MALFORMED when the length octet runs past the data or leaves no signature; UNSUPPORTED
 * for a method that is not a signature. An unknown AlgorithmIdentifier is not a syntax
 * error: scheme is UNKNOWN and the caller refuses the authentication. */
WireStatus ikev2_auth_sig_split(const Ikev2Auth *a, Ikev2AuthSig *out, WireDiag *d);
/* Fill a with method 14 (or 1 for RSA_SHA1 when 'method' is IKEV2_AUTH_RSA_SIG): the
 * AlgorithmIdentifier prefix for 'scheme' then the signature. False for a scheme the method
 * cannot carry. */
bool ikev2_auth_sig_set(Ikev2Auth *a, uint8_t method, Ikev2SigScheme scheme, const uint8_t *sig,
                        size_t n);
/* The hash a scheme signs with (IKEV2_HASH_*), 0 for UNKNOWN. */
uint16_t ikev2_sig_scheme_hash(Ikev2SigScheme s);

/* Decode only the fixed header (RFC 7296 3.1), checking version and that Length equals
 * the datagram length. */
WireStatus ikev2_header_decode(const uint8_t *buf, size_t len, Ikev2Header *h, Ikev2Diag *d);

/* Decode a whole message. SK/SKF payloads are kept encrypted (Ikev2Sk); the payload after
 * them is none (RFC 7296 3.14: SK is the last payload). On failure *out is NULL and d
 * says where, why and what to do. */
WireStatus ikev2_message_decode(const uint8_t *buf, size_t len, Ikev2Message **out,
                                Ikev2Diag *d);

/* Decode a chain of payloads that starts with 'first' (a decrypted SK body) and append
 * them to m. Offsets in d are relative to buf. */
WireStatus ikev2_payloads_decode(Ikev2Message *m, uint8_t first, const uint8_t *buf, size_t len,
                                 Ikev2Diag *d);

/* Encode header and payloads, computing Next Payload fields and lengths. SK/SKF payloads
 * are written from their Ikev2Sk (already protected). False on a writer failure. */
bool ikev2_message_encode(const Ikev2Message *m, WireWriter *w);
/* Encode payloads [from, from+n) as a chain (an SK plaintext), the last with Next Payload
 * none. */
bool ikev2_payloads_encode(const Ikev2Payload *p, size_t n, WireWriter *w);
/* Encode one payload's body (after its generic header). */
bool ikev2_payload_body_encode(const Ikev2Payload *p, WireWriter *w);
