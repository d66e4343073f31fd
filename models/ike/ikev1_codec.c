/* SPDX-License-Identifier: MIT */
/* IKEv1 message codec: ISAKMP header, payload chain and every payload body (RFC 2408 3, RFC
 * 2407 4, RFC 3947, RFC 3706), with bounds-checked cursors, a diagnostic naming the failing
 * field and the RFC 2408 notify that names the error. */
#include "models/ike/ikev1_codec.h"

#include <string.h>

/* ---- name tables (IANA "Internet Security Association and Key Management Protocol
 * (ISAKMP) Identifiers" and "Internet Key Exchange (IKE) Attributes") ---- */

NAME_TABLE(ikev1_payload_names, "ISAKMP payload type", {0, "NONE"}, {1, "SA"}, {2, "P"},
           {3, "T"}, {4, "KE"}, {5, "ID"}, {6, "CERT"}, {7, "CR"}, {8, "HASH"}, {9, "SIG"},
           {10, "NONCE"}, {11, "N"}, {12, "D"}, {13, "VID"}, {20, "NAT-D"}, {21, "NAT-OA"},
           {130, "NAT-D (draft)"}, {131, "NAT-OA (draft)"});

NAME_TABLE(ikev1_exchange_names, "ISAKMP exchange type", {0, "NONE"}, {1, "BASE"},
           {2, "ID_PROT"}, {3, "AUTH_ONLY"}, {4, "AGGRESSIVE"}, {5, "INFORMATIONAL"},
           {6, "TRANSACTION"}, {32, "QUICK_MODE"}, {33, "NEW_GROUP_MODE"});

NAME_TABLE(ikev1_flag_names, "ISAKMP flag", {IKEV1_FLAG_ENCRYPTION, "E"},
           {IKEV1_FLAG_COMMIT, "C"}, {IKEV1_FLAG_AUTH_ONLY, "A"});

NAME_TABLE(ikev1_protocol_names, "IPsec DOI protocol", {0, "RESERVED"}, {1, "PROTO_ISAKMP"},
           {2, "PROTO_IPSEC_AH"}, {3, "PROTO_IPSEC_ESP"}, {4, "PROTO_IPCOMP"});

NAME_TABLE(ikev1_isakmp_transform_names, "ISAKMP transform", {IKEV1_KEY_IKE, "KEY_IKE"});

NAME_TABLE(ikev1_ah_transform_names, "IPsec AH transform", {2, "AH_MD5"}, {3, "AH_SHA"},
           {4, "AH_DES"}, {5, "AH_SHA2-256"}, {6, "AH_SHA2-384"}, {7, "AH_SHA2-512"});

NAME_TABLE(ikev1_esp_transform_names, "IPsec ESP transform", {1, "ESP_DES_IV64"},
           {2, "ESP_DES"}, {3, "ESP_3DES"}, {4, "ESP_RC5"}, {5, "ESP_IDEA"}, {6, "ESP_CAST"},
           {7, "ESP_BLOWFISH"}, {8, "ESP_3IDEA"}, {9, "ESP_DES_IV32"}, {10, "ESP_RC4"},
           {11, "ESP_NULL"}, {12, "ESP_AES"}, {13, "ESP_AES-CTR"}, {14, "ESP_AES-CCM_8"},
           {15, "ESP_AES-CCM_12"}, {16, "ESP_AES-CCM_16"}, {18, "ESP_AES-GCM_8"},
           {19, "ESP_AES-GCM_12"}, {20, "ESP_AES-GCM_16"}, {23, "ESP_NULL_AUTH_AES-GMAC"});

NAME_TABLE(ikev1_ipcomp_transform_names, "IPCOMP transform", {1, "IPCOMP_OUI"},
           {2, "IPCOMP_DEFLATE"}, {3, "IPCOMP_LZS"});

NAME_TABLE(ikev1_p1_attr_names, "IKE attribute", {1, "Encryption Algorithm"},
           {2, "Hash Algorithm"}, {3, "Authentication Method"}, {4, "Group Description"},
           {5, "Group Type"}, {6, "Group Prime/Irreducible Polynomial"},
           {7, "Group Generator One"}, {8, "Group Generator Two"}, {9, "Group Curve A"},
           {10, "Group Curve B"}, {11, "Life Type"}, {12, "Life Duration"}, {13, "PRF"},
           {14, "Key Length"}, {15, "Field Size"}, {16, "Group Order"});

NAME_TABLE(ikev1_encr_names, "IKE encryption algorithm", {1, "DES-CBC"}, {2, "IDEA-CBC"},
           {3, "Blowfish-CBC"}, {4, "RC5-R16-B64-CBC"}, {5, "3DES-CBC"}, {6, "CAST-CBC"},
           {7, "AES-CBC"}, {8, "CAMELLIA-CBC"});

NAME_TABLE(ikev1_hash_names, "IKE hash algorithm", {1, "MD5"}, {2, "SHA"}, {3, "Tiger"},
           {4, "SHA2-256"}, {5, "SHA2-384"}, {6, "SHA2-512"});

NAME_TABLE(ikev1_auth_method_names, "IKE authentication method", {1, "pre-shared key"},
           {2, "DSS signatures"}, {3, "RSA signatures"}, {4, "Encryption with RSA"},
           {5, "Revised encryption with RSA"}, {9, "ECDSA with SHA-256 on the P-256 curve"},
           {10, "ECDSA with SHA-384 on the P-384 curve"},
           {11, "ECDSA with SHA-512 on the P-521 curve"}, {65001, "XAUTHInitPreShared"},
           {65002, "XAUTHRespPreShared"});

/* RFC 2409 6 (groups 1-4), RFC 3526 (5, 14-18), RFC 5903 (19-21), RFC 5114 (22-26). */
NAME_TABLE(ikev1_group_names, "IKE group description", {1, "default 768-bit MODP group"},
           {2, "alternate 1024-bit MODP group"}, {3, "EC2N group on GP[2^155]"},
           {4, "EC2N group on GP[2^185]"}, {5, "1536-bit MODP group"},
           {14, "2048-bit MODP group"}, {15, "3072-bit MODP group"},
           {16, "4096-bit MODP group"}, {17, "6144-bit MODP group"},
           {18, "8192-bit MODP group"}, {19, "256-bit random ECP group"},
           {20, "384-bit random ECP group"}, {21, "521-bit random ECP group"},
           {22, "1024-bit MODP Group with 160-bit Prime Order Subgroup"},
           {23, "2048-bit MODP Group with 224-bit Prime Order Subgroup"},
           {24, "2048-bit MODP Group with 256-bit Prime Order Subgroup"});

NAME_TABLE(ikev1_group_type_names, "IKE group type", {1, "MODP"}, {2, "ECP"}, {3, "EC2N"});

NAME_TABLE(ikev1_life_type_names, "IKE life type", {1, "seconds"}, {2, "kilobytes"});

NAME_TABLE(ikev1_ipsec_attr_names, "IPsec SA attribute", {1, "SA Life Type"},
           {2, "SA Life Duration"}, {3, "Group Description"}, {4, "Encapsulation Mode"},
           {5, "Authentication Algorithm"}, {6, "Key Length"}, {7, "Key Rounds"},
           {8, "Compress Dictionary Size"}, {9, "Compress Private Algorithm"},
           {11, "Extended (64-bit) Sequence Number"});

NAME_TABLE(ikev1_encap_names, "IPsec encapsulation mode", {1, "Tunnel"}, {2, "Transport"},
           {3, "UDP-Encapsulated-Tunnel"}, {4, "UDP-Encapsulated-Transport"},
           {61443, "UDP-Encapsulated-Tunnel (draft)"},
           {61444, "UDP-Encapsulated-Transport (draft)"});

NAME_TABLE(ikev1_auth_alg_names, "IPsec authentication algorithm", {1, "HMAC-MD5"},
           {2, "HMAC-SHA"}, {3, "DES-MAC"}, {4, "KPDK"}, {5, "HMAC-SHA2-256"},
           {6, "HMAC-SHA2-384"}, {7, "HMAC-SHA2-512"}, {8, "HMAC-RIPEMD"},
           {9, "AES-XCBC-MAC"}, {10, "SIG-RSA"}, {11, "AES-128-GMAC"}, {12, "AES-192-GMAC"},
           {13, "AES-256-GMAC"});

NAME_TABLE(ikev1_esn_names, "IPsec extended sequence number", {1, "64-bit Sequence Number"});

NAME_TABLE(ikev1_id_type_names, "IPsec DOI identification type", {1, "ID_IPV4_ADDR"},
           {2, "ID_FQDN"}, {3, "ID_USER_FQDN"}, {4, "ID_IPV4_ADDR_SUBNET"},
           {5, "ID_IPV6_ADDR"}, {6, "ID_IPV6_ADDR_SUBNET"}, {7, "ID_IPV4_ADDR_RANGE"},
           {8, "ID_IPV6_ADDR_RANGE"}, {9, "ID_DER_ASN1_DN"}, {10, "ID_DER_ASN1_GN"},
           {11, "ID_KEY_ID"});

NAME_TABLE(ikev1_cert_encoding_names, "ISAKMP certificate encoding", {0, "NONE"},
           {1, "PKCS #7 wrapped X.509 certificate"}, {2, "PGP Certificate"},
           {3, "DNS Signed Key"}, {4, "X.509 Certificate - Signature"},
           {5, "X.509 Certificate - Key Exchange"}, {6, "Kerberos Tokens"},
           {7, "Certificate Revocation List (CRL)"}, {8, "Authority Revocation List (ARL)"},
           {9, "SPKI Certificate"}, {10, "X.509 Certificate - Attribute"});

NAME_TABLE(ikev1_notify_names, "ISAKMP notify message type", {0, "NONE"},
           {1, "INVALID-PAYLOAD-TYPE"}, {2, "DOI-NOT-SUPPORTED"},
           {3, "SITUATION-NOT-SUPPORTED"}, {4, "INVALID-COOKIE"},
           {5, "INVALID-MAJOR-VERSION"}, {6, "INVALID-MINOR-VERSION"},
           {7, "INVALID-EXCHANGE-TYPE"}, {8, "INVALID-FLAGS"}, {9, "INVALID-MESSAGE-ID"},
           {10, "INVALID-PROTOCOL-ID"}, {11, "INVALID-SPI"}, {12, "INVALID-TRANSFORM-ID"},
           {13, "ATTRIBUTES-NOT-SUPPORTED"}, {14, "NO-PROPOSAL-CHOSEN"},
           {15, "BAD-PROPOSAL-SYNTAX"}, {16, "PAYLOAD-MALFORMED"},
           {17, "INVALID-KEY-INFORMATION"}, {18, "INVALID-ID-INFORMATION"},
           {19, "INVALID-CERT-ENCODING"}, {20, "INVALID-CERTIFICATE"},
           {21, "CERT-TYPE-UNSUPPORTED"}, {22, "INVALID-CERT-AUTHORITY"},
           {23, "INVALID-HASH-INFORMATION"}, {24, "AUTHENTICATION-FAILED"},
           {25, "INVALID-SIGNATURE"}, {26, "ADDRESS-NOTIFICATION"},
           {27, "NOTIFY-SA-LIFETIME"}, {28, "CERTIFICATE-UNAVAILABLE"},
           {29, "UNSUPPORTED-EXCHANGE-TYPE"}, {30, "UNEQUAL-PAYLOAD-LENGTHS"},
           {16384, "CONNECTED"}, {24576, "RESPONDER-LIFETIME"}, {24577, "REPLAY-STATUS"},
           {24578, "INITIAL-CONTACT"}, {36136, "R-U-THERE"}, {36137, "R-U-THERE-ACK"});

NAME_TABLE(ikev1_doi_names, "ISAKMP domain of interpretation", {0, "ISAKMP"},
           {1, "IPSEC"});

NAME_TABLE(ikev1_situation_names, "IPsec DOI situation", {1, "SIT_IDENTITY_ONLY"},
           {2, "SIT_SECRECY"}, {4, "SIT_INTEGRITY"});

NAME_TABLE(ikev1_vendor_names, "IKEv1 vendor ID", {IKEV1_VID_UNKNOWN, "unknown"},
           {IKEV1_VID_RFC3947, "RFC 3947"},
           {IKEV1_VID_NATT_DRAFT_03, "draft-ietf-ipsec-nat-t-ike-03"},
           {IKEV1_VID_NATT_DRAFT_02, "draft-ietf-ipsec-nat-t-ike-02"},
           {IKEV1_VID_NATT_DRAFT_02N, "draft-ietf-ipsec-nat-t-ike-02\\n"},
           {IKEV1_VID_NATT_DRAFT_00, "draft-ietf-ipsec-nat-t-ike-00"},
           {IKEV1_VID_DPD, "RFC 3706 DPD"}, {IKEV1_VID_XAUTH, "XAUTH"},
           {IKEV1_VID_FRAGMENTATION, "FRAGMENTATION"},
           {IKEV1_VID_MS_NT5, "MS NT5 ISAKMPOAKLEY"}, {IKEV1_VID_STRONGSWAN, "strongSwan"});

const NameTable *ikev1_transform_names(uint8_t protocol)
{
  switch (protocol) {
  case IKEV1_PROTO_ISAKMP: return &ikev1_isakmp_transform_names;
  case IKEV1_PROTO_IPSEC_AH: return &ikev1_ah_transform_names;
  case IKEV1_PROTO_IPSEC_ESP: return &ikev1_esp_transform_names;
  case IKEV1_PROTO_IPCOMP: return &ikev1_ipcomp_transform_names;
  default: return NULL;
  }
}

const NameTable *ikev1_attr_names(uint8_t protocol)
{
  switch (protocol) {
  case IKEV1_PROTO_ISAKMP: return &ikev1_p1_attr_names;
  case IKEV1_PROTO_IPSEC_AH:
  case IKEV1_PROTO_IPSEC_ESP:
  case IKEV1_PROTO_IPCOMP: return &ikev1_ipsec_attr_names;
  default: return NULL;
  }
}

const NameTable *ikev1_attr_value_names(uint8_t protocol, uint16_t type)
{
  if (protocol == IKEV1_PROTO_ISAKMP) {
    switch (type) {
    case IKEV1_ATTR_ENCRYPTION: return &ikev1_encr_names;
    case IKEV1_ATTR_HASH: return &ikev1_hash_names;
    case IKEV1_ATTR_AUTH_METHOD: return &ikev1_auth_method_names;
    case IKEV1_ATTR_GROUP_DESC: return &ikev1_group_names;
    case IKEV1_ATTR_GROUP_TYPE: return &ikev1_group_type_names;
    case IKEV1_ATTR_LIFE_TYPE: return &ikev1_life_type_names;
    default: return NULL;
    }
  }
  if (!ikev1_attr_names(protocol))
    return NULL;
  switch (type) {
  case IKEV1_IPSEC_ATTR_LIFE_TYPE: return &ikev1_life_type_names;
  case IKEV1_IPSEC_ATTR_GROUP_DESC: return &ikev1_group_names;
  case IKEV1_IPSEC_ATTR_ENCAP_MODE: return &ikev1_encap_names;
  case IKEV1_IPSEC_ATTR_AUTH_ALG: return &ikev1_auth_alg_names;
  case IKEV1_IPSEC_ATTR_ESN: return &ikev1_esn_names;
  default: return NULL;
  }
}

/* RFC 2409 appendix A, RFC 2407 4.5: attributes of the variable class. Every other known
 * attribute is basic, and "Attributes described as basic MUST NOT be encoded as variable". */
static bool attr_is_variable(uint8_t protocol, uint16_t type)
{
  if (protocol == IKEV1_PROTO_ISAKMP)
    return (type >= IKEV1_ATTR_GROUP_PRIME && type <= IKEV1_ATTR_GROUP_CURVE_B) ||
           type == IKEV1_ATTR_LIFE_DURATION || type == IKEV1_ATTR_GROUP_ORDER;
  return type == IKEV1_IPSEC_ATTR_LIFE_DURATION || type == IKEV1_IPSEC_ATTR_COMP_PRIV_ALG;
}

/* A known attribute type for which the class is defined (unknown types carry no class). */
static bool attr_is_known(uint8_t protocol, uint16_t type)
{
  const NameTable *t = ikev1_attr_names(protocol);
  return t && name_get(t, type) != NULL;
}

/* ---- vendor IDs ---- */

typedef struct {
  Ikev1VendorId id;
  uint8_t len;   /* octets we send */
  uint8_t match; /* octets compared; a longer ID with this prefix matches too */
  const char *bytes;
} VendorRow;

static const VendorRow vendor_rows[] = {
    {IKEV1_VID_RFC3947, 16, 16, "\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f"},
    {IKEV1_VID_NATT_DRAFT_03, 16, 16,
     "\x7d\x94\x19\xa6\x53\x10\xca\x6f\x2c\x17\x9d\x92\x15\x52\x9d\x56"},
    {IKEV1_VID_NATT_DRAFT_02, 16, 16,
     "\xcd\x60\x46\x43\x35\xdf\x21\xf8\x7c\xfd\xb2\xfc\x68\xb6\xa4\x48"},
    {IKEV1_VID_NATT_DRAFT_02N, 16, 16,
     "\x90\xcb\x80\x91\x3e\xbb\x69\x6e\x08\x63\x81\xb5\xec\x42\x7b\x1f"},
    {IKEV1_VID_NATT_DRAFT_00, 16, 16,
     "\x44\x85\x15\x2d\x18\xb6\xbb\xcd\x0b\xe8\xa8\x46\x95\x79\xdd\xcc"},
    /* RFC 3706 4: the last two octets are the major and minor version (1.0) */
    {IKEV1_VID_DPD, 16, 14, "\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00"},
    {IKEV1_VID_XAUTH, 8, 8, "\x09\x00\x26\x89\xdf\xd6\xb7\x12"},
    /* MD5("FRAGMENTATION") and 0x80000000: main and aggressive mode may be fragmented */
    {IKEV1_VID_FRAGMENTATION, 20, 16,
     "\x40\x48\xb7\xd5\x6e\xbc\xe8\x85\x25\xe7\xde\x7f\x00\xd6\xc2\xd3\x80\x00\x00\x00"},
    /* MD5("MS NT5 ISAKMPOAKLEY") followed by a 4-octet Windows version */
    {IKEV1_VID_MS_NT5, 20, 16,
     "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61\x00\x00\x00\x09"},
    {IKEV1_VID_STRONGSWAN, 16, 16,
     "\x88\x2f\xe5\x6d\x6f\xd2\x0d\xbc\x22\x51\x61\x3b\x2e\xbe\x5b\xeb"},
};

const uint8_t *ikev1_vendor_id_bytes(Ikev1VendorId v, size_t *n)
{
  for (size_t i = 0; i < G_N_ELEMENTS(vendor_rows); i++)
    if (vendor_rows[i].id == v) {
      *n = vendor_rows[i].len;
      return (const uint8_t *)vendor_rows[i].bytes;
    }
  *n = 0;
  return NULL;
}

Ikev1VendorId ikev1_vendor_id_match(const uint8_t *data, size_t n)
{
  for (size_t i = 0; i < G_N_ELEMENTS(vendor_rows); i++) {
    const VendorRow *r = &vendor_rows[i];
    bool prefix = r->match < r->len || r->id == IKEV1_VID_FRAGMENTATION;
    if (n < r->match || memcmp(data, r->bytes, r->match) != 0)
      continue;
    if (n == r->match || (prefix && n <= r->len))
      return r->id;
  }
  return IKEV1_VID_UNKNOWN;
}

/* ---- ownership helpers ---- */

void ikev1_data_set(Ikev1Data *d, const void *p, size_t n) { ike_data_set(d, p, n); }


static void sa_clear(Ikev1Sa *sa)
{
  for (size_t i = 0; i < sa->n_proposals; i++) {
    Ikev1Proposal *p = &sa->proposals[i];
    for (size_t j = 0; j < p->n_transforms; j++) {
      for (size_t k = 0; k < p->transforms[j].n_attrs; k++)
        ike_data_clear(&p->transforms[j].attrs[k].data);
      g_free(p->transforms[j].attrs);
    }
    g_free(p->transforms);
  }
  g_free(sa->proposals);
}

void ikev1_payload_clear(Ikev1Payload *p)
{
  if (!p)
    return;
  switch (p->type) {
  case IKEV1_PL_SA: sa_clear(&p->u.sa); break;
  case IKEV1_PL_KE: ike_data_clear(&p->u.ke); break;
  case IKEV1_PL_ID: ike_data_clear(&p->u.id.data); break;
  case IKEV1_PL_CERT:
  case IKEV1_PL_CR: ike_data_clear(&p->u.cert.data); break;
  case IKEV1_PL_HASH: ike_data_clear(&p->u.hash); break;
  case IKEV1_PL_SIG: ike_data_clear(&p->u.sig); break;
  case IKEV1_PL_NONCE: ike_data_clear(&p->u.nonce); break;
  case IKEV1_PL_N: ike_data_clear(&p->u.notify.data); break;
  case IKEV1_PL_D: ike_data_clear(&p->u.del.spis); break;
  case IKEV1_PL_VID: ike_data_clear(&p->u.vendor); break;
  case IKEV1_PL_NAT_D:
  case IKEV1_PL_NAT_D_DRAFT: ike_data_clear(&p->u.nat_d); break;
  default: break; /* NAT-OA holds no pointer */
  }
  memset(p, 0, sizeof *p);
}

Ikev1Message *ikev1_message_new(uint8_t exchange, uint8_t flags, uint64_t icookie,
                                uint64_t rcookie, uint32_t msg_id)
{
  Ikev1Message *m = g_new0(Ikev1Message, 1);
  m->hdr.icookie = icookie;
  m->hdr.rcookie = rcookie;
  m->hdr.major = IKEV1_MAJOR_VERSION;
  m->hdr.minor = IKEV1_MINOR_VERSION;
  m->hdr.exchange = exchange;
  m->hdr.flags = flags;
  m->hdr.msg_id = msg_id;
  return m;
}

void ikev1_message_free(Ikev1Message *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->n_payloads; i++)
    ikev1_payload_clear(&m->payloads[i]);
  g_free(m->payloads);
  ike_data_clear(&m->body);
  g_free(m);
}

Ikev1Payload *ikev1_message_add(Ikev1Message *m, uint8_t type)
{
  Ikev1Payload *p = ike_array_push((void **)&m->payloads, &m->n_payloads, &m->cap_payloads,
                                   sizeof *p);
  p->type = type;
  return p;
}

const Ikev1Payload *ikev1_message_find(const Ikev1Message *m, uint8_t type, size_t nth)
{
  for (size_t i = 0; i < m->n_payloads; i++)
    if (m->payloads[i].type == type && nth-- == 0)
      return &m->payloads[i];
  return NULL;
}

const Ikev1Notify *ikev1_message_find_notify(const Ikev1Message *m, uint16_t notify_type)
{
  for (size_t i = 0; i < m->n_payloads; i++)
    if (m->payloads[i].type == IKEV1_PL_N && m->payloads[i].u.notify.type == notify_type)
      return &m->payloads[i].u.notify;
  return NULL;
}

Ikev1Proposal *ikev1_sa_add_proposal(Ikev1Sa *sa, uint8_t num, uint8_t protocol)
{
  sa->proposals = g_renew(Ikev1Proposal, sa->proposals, sa->n_proposals + 1);
  Ikev1Proposal *p = &sa->proposals[sa->n_proposals++];
  memset(p, 0, sizeof *p);
  p->num = num;
  p->protocol = protocol;
  return p;
}

Ikev1Transform *ikev1_proposal_add_transform(Ikev1Proposal *p, uint8_t id)
{
  p->transforms = g_renew(Ikev1Transform, p->transforms, p->n_transforms + 1);
  Ikev1Transform *t = &p->transforms[p->n_transforms++];
  memset(t, 0, sizeof *t);
  t->num = (uint8_t)p->n_transforms; /* RFC 2408 3.6: transform numbers count from 1 */
  t->id = id;
  return t;
}

static Ikev1Attr *attr_add(Ikev1Transform *t)
{
  t->attrs = g_renew(Ikev1Attr, t->attrs, t->n_attrs + 1);
  Ikev1Attr *a = &t->attrs[t->n_attrs++];
  memset(a, 0, sizeof *a);
  return a;
}

void ikev1_transform_add_tv(Ikev1Transform *t, uint16_t type, uint16_t value)
{
  Ikev1Attr *a = attr_add(t);
  a->type = type & 0x7fff;
  a->tv = true;
  a->value = value;
}

void ikev1_transform_add_tlv_u(Ikev1Transform *t, uint16_t type, uint64_t value,
                               unsigned octets)
{
  g_return_if_fail(octets >= 1 && octets <= 8);
  uint8_t b[8];
  wire_store_be64(b, value);
  Ikev1Attr *a = attr_add(t);
  a->type = type & 0x7fff;
  a->value = octets == 8 ? value : value & ((UINT64_C(1) << (8 * octets)) - 1);
  ikev1_data_set(&a->data, b + 8 - octets, octets);
}

void ikev1_transform_add_tlv(Ikev1Transform *t, uint16_t type, const void *p, size_t n)
{
  Ikev1Attr *a = attr_add(t);
  a->type = type & 0x7fff;
  ikev1_data_set(&a->data, p, n);
  if (n >= 1 && n <= 8)
    for (size_t i = 0; i < n; i++)
      a->value = a->value << 8 | ((const uint8_t *)p)[i];
}

void ikev1_transform_add_duration(Ikev1Transform *t, uint16_t type, uint64_t value)
{
  /* RFC 2409 A: "Variable length attributes MAY be encoded as basic attributes if their
   * value can fit into two octets" */
  if (value <= 0xffff)
    ikev1_transform_add_tv(t, type, (uint16_t)value);
  else
    ikev1_transform_add_tlv_u(t, type, value, value <= 0xffffffffu ? 4 : 8);
}

bool ikev1_transform_attr(const Ikev1Transform *t, uint16_t type, uint64_t *value)
{
  for (size_t i = 0; i < t->n_attrs; i++) {
    const Ikev1Attr *a = &t->attrs[i];
    if (a->type != type)
      continue;
    if (!a->tv && (a->data.n == 0 || a->data.n > 8))
      return false;
    *value = a->value;
    return true;
  }
  return false;
}

/* ---- ID and notify helpers ---- */

bool ikev1_id_ipv4_range(const Ikev1Id *id, Ipv4Range *out)
{
  const uint8_t *d = id->data.p;
  switch (id->type) {
  case IKEV1_ID_IPV4_ADDR:
    if (id->data.n != 4)
      return false;
    out->first.v = out->last.v = wire_load_be32(d);
    return true;
  case IKEV1_ID_IPV4_ADDR_SUBNET: {
    if (id->data.n != 8)
      return false;
    uint32_t a = wire_load_be32(d), mask = wire_load_be32(d + 4);
    /* a mask of leading ones only: ~mask + 1 is a power of two (or 0 for /0) */
    uint32_t inv = ~mask;
    if (inv & (inv + 1u))
      return false;
    out->first.v = a & mask;
    out->last.v = (a & mask) | inv;
    return true;
  }
  case IKEV1_ID_IPV4_ADDR_RANGE:
    if (id->data.n != 8)
      return false;
    out->first.v = wire_load_be32(d);
    out->last.v = wire_load_be32(d + 4);
    return out->first.v <= out->last.v;
  default: return false;
  }
}

void ikev1_id_set_ipv4_range(Ikev1Id *id, Ipv4Range r, uint8_t protocol, uint16_t port)
{
  uint8_t b[8];
  Ipv4Prefix p;
  id->protocol = protocol;
  id->port = port;
  wire_store_be32(b, r.first.v);
  if (r.first.v == r.last.v) {
    id->type = IKEV1_ID_IPV4_ADDR;
    ikev1_data_set(&id->data, b, 4);
  } else if (ipv4_range_to_prefix(r, &p)) {
    id->type = IKEV1_ID_IPV4_ADDR_SUBNET;
    wire_store_be32(b + 4, p.len ? ~0u << (32 - p.len) : 0);
    ikev1_data_set(&id->data, b, 8);
  } else {
    id->type = IKEV1_ID_IPV4_ADDR_RANGE;
    wire_store_be32(b + 4, r.last.v);
    ikev1_data_set(&id->data, b, 8);
  }
}

void ikev1_notify_set_dpd(Ikev1Notify *n, bool ack, uint64_t icookie, uint64_t rcookie,
                          uint32_t seq)
{
  /* RFC 3706 5.1/5.2: DOI IPsec, protocol ISAKMP, SPI size 16, SPI = CKY-I | CKY-R, notify
   * data = the 32-bit sequence number */
  uint8_t b[4];
  n->doi = IKEV1_DOI_IPSEC;
  n->protocol = IKEV1_PROTO_ISAKMP;
  n->spi_size = 16;
  wire_store_be64(n->spi, icookie);
  wire_store_be64(n->spi + 8, rcookie);
  n->type = ack ? IKEV1_N_R_U_THERE_ACK : IKEV1_N_R_U_THERE;
  n->dpd_seq = seq;
  wire_store_be32(b, seq);
  ikev1_data_set(&n->data, b, 4);
}

/* ---- decoding ---- */

/* Stands in for a NULL buffer of length 0: the cursors do pointer arithmetic on the base. */
static const uint8_t no_bytes[1];

/* The state of one decode: which notify names a failure in the part being decoded, and the
 * notify recorded at the first failure. */
typedef struct {
  uint16_t ctx_notify; /* the notify for failures in the current part */
  uint16_t notify;     /* set at the first failure */
  uint8_t payload;     /* payload being decoded */
  uint8_t fail_payload;
  bool failed;
} Dec;

/* Record the notify of the current part if r has just failed. */
static void note(Dec *c, const WireReader *r)
{
  if (!c->failed && !wire_ok(r)) {
    c->failed = true;
    c->notify = c->ctx_notify;
    c->fail_payload = c->payload;
  }
}

/* A check failing with its own notify (DOI-NOT-SUPPORTED, INVALID-ID-INFORMATION, ...). */
static void fail_n(Dec *c, WireReader *r, uint16_t notify, WireStatus s, const char *field,
                   uint64_t seen, uint64_t bound)
{
  if (!wire_ok(r))
    return;
  wire_fail(r, s, field, seen, bound);
  uint16_t saved = c->ctx_notify;
  c->ctx_notify = notify;
  note(c, r);
  c->ctx_notify = saved;
}


/* RFC 2408 3.3: Data Attributes
 *  |A|       Attribute Type        |    AF=0  Attribute Length     |
 *  |F|                             |    AF=1  Attribute Value      |
 *  .                   AF=0  Attribute Value                       .  */
static void decode_attrs(Dec *c, WireReader *r, Ikev1Transform *t, uint8_t protocol)
{
  while (wire_ok(r) && wire_left(r)) {
    uint16_t at = wire_get_u16(r, "attribute type");
    if (!wire_ok(r))
      return;
    Ikev1Attr *a = attr_add(t);
    a->type = at & 0x7fff;
    a->tv = at & 0x8000;
    if (a->tv) {
      a->value = wire_get_u16(r, "attribute value");
      continue;
    }
    uint16_t len = wire_get_u16(r, "attribute length");
    if (!wire_ok(r))
      return;
    if (attr_is_known(protocol, a->type) && !attr_is_variable(protocol, a->type)) {
      /* RFC 2409 A / RFC 2407 4.5: "Attributes described as basic MUST NOT be encoded as
       * variable" */
      fail_n(c, r, IKEV1_N_BAD_PROPOSAL_SYNTAX, WIRE_MALFORMED, "attribute format", a->type, 0);
      return;
    }
    if (len > wire_left(r)) {
      wire_fail(r, WIRE_MALFORMED, "attribute length", len, wire_left(r));
      return;
    }
    const uint8_t *v = wire_get_bytes(r, len, "attribute value");
    ikev1_data_set(&a->data, v, len);
    for (size_t i = 0; len <= 8 && i < len; i++)
      a->value = a->value << 8 | v[i];
  }
}

/* RFC 2408 3.6: Transform Payload
 *  ! Next Payload  !   RESERVED    !         Payload Length        !
 *  !  Transform #  !  Transform-Id !           RESERVED2           !
 *  ~                        SA Attributes                          ~  */
static void decode_transform(Dec *c, WireReader *r, Ikev1Transform *t, uint8_t protocol,
                             bool last_expected)
{
  static const IkeHdrNames names = {"transform next payload", "transform reserved",
                                    "transform length"};
  uint8_t next, reserved;
  uint16_t len;
  if (!ike_generic_hdr_read(r, &names, &next, &reserved, &len))
    return;
  /* RFC 2408 3.6: Next Payload is 3 (T) when another transform follows, else 0 */
  if (next != (last_expected ? IKEV1_PL_NONE : IKEV1_PL_T)) {
    wire_fail(r, WIRE_MALFORMED, "transform next payload", next,
              last_expected ? IKEV1_PL_NONE : IKEV1_PL_T);
    return;
  }
  if (len < 8) {
    wire_fail(r, WIRE_MALFORMED, "transform length", len, 8);
    return;
  }
  WireReader s = ike_sub_declared(r, len - 4u, "transform length");
  t->num = wire_get_u8(&s, "transform number");
  t->id = wire_get_u8(&s, "transform id");
  wire_skip(&s, 2, "transform reserved2");
  decode_attrs(c, &s, t, protocol);
  wire_sub_end(r, &s, "transform attributes");
}

/* RFC 2408 3.5: Proposal Payload
 *  ! Next Payload  !   RESERVED    !         Payload Length        !
 *  !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
 *  ~                        SPI (variable)                         ~
 *  followed by its transforms */
static void decode_proposals(Dec *c, WireReader *r, Ikev1Sa *sa)
{
  if (wire_left(r) == 0) {
    /* RFC 2408 3.4: the SA payload is followed by at least one proposal */
    wire_fail(r, WIRE_MALFORMED, "proposals", 0, 1);
    return;
  }
  while (wire_ok(r) && wire_left(r)) {
    static const IkeHdrNames names = {"proposal next payload", "proposal reserved",
                                      "proposal length"};
    uint8_t next, reserved;
    uint16_t len;
    if (!ike_generic_hdr_read(r, &names, &next, &reserved, &len))
      return;
    if (len < 8) {
      wire_fail(r, WIRE_MALFORMED, "proposal length", len, 8);
      return;
    }
    WireReader s = ike_sub_declared(r, len - 4u, "proposal length");
    if (!wire_ok(r))
      return;
    /* RFC 2408 3.5: Next Payload is 2 (P) when another proposal follows, else 0 */
    bool last = wire_left(r) == 0;
    if (next != (last ? IKEV1_PL_NONE : IKEV1_PL_P)) {
      wire_fail(r, WIRE_MALFORMED, "proposal next payload", next,
                last ? IKEV1_PL_NONE : IKEV1_PL_P);
      return;
    }
    uint8_t num = wire_get_u8(&s, "proposal number");
    uint8_t proto = wire_get_u8(&s, "protocol id");
    Ikev1Proposal *p = ikev1_sa_add_proposal(sa, num, proto);
    p->spi_size = wire_get_u8(&s, "SPI size");
    uint8_t n_transforms = wire_get_u8(&s, "number of transforms");
    if (!wire_ok(&s)) {
      wire_sub_end(r, &s, "proposal length");
      return;
    }
    /* RFC 2408 4.2: proposal numbers increase; equal numbers are one offer */
    if (sa->n_proposals > 1 && num < sa->proposals[sa->n_proposals - 2].num)
      wire_fail(&s, WIRE_MALFORMED, "proposal number", num,
                sa->proposals[sa->n_proposals - 2].num);
    else if (proto == IKEV1_PROTO_RESERVED)
      fail_n(c, &s, IKEV1_N_INVALID_PROTOCOL_ID, WIRE_MALFORMED, "protocol id", proto, 1);
    else if (p->spi_size > IKEV1_SPI_MAX)
      fail_n(c, &s, IKEV1_N_INVALID_SPI, WIRE_MALFORMED, "SPI size", p->spi_size,
             IKEV1_SPI_MAX);
    else if (n_transforms == 0)
      /* RFC 2408 3.5: a proposal carries one or more transforms */
      wire_fail(&s, WIRE_MALFORMED, "number of transforms", 0, 1);
    wire_copy(&s, p->spi, p->spi_size, "SPI");
    if (wire_ok(&s)) {
      p->transforms = g_new0(Ikev1Transform, n_transforms);
      for (unsigned i = 0; i < n_transforms && wire_ok(&s); i++) {
        if (wire_left(&s) == 0) {
          /* more transforms announced than the proposal holds */
          wire_fail(&s, WIRE_MALFORMED, "number of transforms", n_transforms, i);
          break;
        }
        p->n_transforms++;
        decode_transform(c, &s, &p->transforms[i], proto, i + 1u == n_transforms);
      }
      /* fewer announced than present */
      if (wire_ok(&s) && wire_left(&s))
        wire_fail(&s, WIRE_MALFORMED, "number of transforms", n_transforms,
                  n_transforms + 1u);
    }
    note(c, &s);
    wire_sub_end(r, &s, "proposal length");
  }
}

/* RFC 2408 3.4: Security Association Payload
 *  !              Domain of Interpretation  (DOI)                  !
 *  ~                           Situation                           ~
 * RFC 2407 4.6.1: the IPsec DOI situation is a 32-bit bitmap; SIT_IDENTITY_ONLY carries no
 * labels, SIT_SECRECY and SIT_INTEGRITY would add labelled-domain fields we do not do. */
static void decode_sa(Dec *c, WireReader *r, Ikev1Sa *sa)
{
  sa->doi = wire_get_u32(r, "DOI");
  if (wire_ok(r) && sa->doi != IKEV1_DOI_IPSEC) {
    fail_n(c, r, IKEV1_N_DOI_NOT_SUPPORTED, WIRE_UNSUPPORTED, "DOI", sa->doi, IKEV1_DOI_IPSEC);
    return;
  }
  sa->situation = wire_get_u32(r, "situation");
  if (wire_ok(r) && sa->situation != IKEV1_SIT_IDENTITY_ONLY) {
    fail_n(c, r, IKEV1_N_SITUATION_NOT_SUPPORTED, WIRE_UNSUPPORTED, "situation",
           sa->situation, IKEV1_SIT_IDENTITY_ONLY);
    return;
  }
  c->ctx_notify = IKEV1_N_BAD_PROPOSAL_SYNTAX;
  decode_proposals(c, r, sa);
  note(c, r);
}

/* RFC 2408 3.8 with RFC 2407 4.6.2:
 *  !   ID Type     !  Protocol ID  !             Port              !
 *  ~                     Identification Data                       ~  */
static void decode_id(Dec *c, WireReader *r, Ikev1Id *id)
{
  id->type = wire_get_u8(r, "ID type");
  id->protocol = wire_get_u8(r, "ID protocol");
  id->port = wire_get_u16(r, "ID port");
  if (!wire_ok(r))
    return;
  size_t want = 0;
  switch (id->type) {
  case IKEV1_ID_IPV4_ADDR: want = 4; break;
  case IKEV1_ID_IPV4_ADDR_SUBNET:
  case IKEV1_ID_IPV4_ADDR_RANGE: want = 8; break;
  case IKEV1_ID_IPV6_ADDR: want = 16; break;
  case IKEV1_ID_IPV6_ADDR_SUBNET:
  case IKEV1_ID_IPV6_ADDR_RANGE: want = 32; break;
  case IKEV1_ID_FQDN:
  case IKEV1_ID_USER_FQDN:
  case IKEV1_ID_DER_ASN1_DN:
  case IKEV1_ID_DER_ASN1_GN:
  case IKEV1_ID_KEY_ID:
    /* RFC 2407 4.6.2.1: a name or key ID of at least one octet */
    if (wire_left(r) == 0)
      fail_n(c, r, IKEV1_N_INVALID_ID_INFORMATION, WIRE_MALFORMED, "identification data", 0, 1);
    break;
  default:
    fail_n(c, r, IKEV1_N_INVALID_ID_INFORMATION, WIRE_UNSUPPORTED, "ID type", id->type,
           IKEV1_ID_KEY_ID);
    return;
  }
  /* RFC 2407 4.6.2.2-: address types have a fixed length */
  if (want && wire_left(r) != want)
    fail_n(c, r, IKEV1_N_INVALID_ID_INFORMATION, WIRE_MALFORMED, "identification data",
           wire_left(r), want);
  ike_data_get_rest(r, &id->data);
}

/* RFC 2408 3.14: Notification Payload
 *  !              Domain of Interpretation  (DOI)                  !
 *  !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
 *  ~                Security Parameter Index (SPI)                 ~
 *  ~                       Notification Data                       ~  */
static void decode_notify(Dec *c, WireReader *r, Ikev1Notify *n)
{
  n->doi = wire_get_u32(r, "DOI");
  n->protocol = wire_get_u8(r, "protocol id");
  n->spi_size = wire_get_u8(r, "SPI size");
  n->type = wire_get_u16(r, "notify message type");
  if (!wire_ok(r))
    return;
  /* RFC 2408 3.14: DOI 0 (ISAKMP) or the IPsec DOI */
  if (n->doi > IKEV1_DOI_IPSEC) {
    fail_n(c, r, IKEV1_N_DOI_NOT_SUPPORTED, WIRE_UNSUPPORTED, "DOI", n->doi, IKEV1_DOI_IPSEC);
    return;
  }
  if (n->spi_size > IKEV1_SPI_MAX) {
    fail_n(c, r, IKEV1_N_INVALID_SPI, WIRE_MALFORMED, "SPI size", n->spi_size, IKEV1_SPI_MAX);
    return;
  }
  wire_copy(r, n->spi, n->spi_size, "SPI");
  ike_data_get_rest(r, &n->data);
  if (!wire_ok(r))
    return;
  if (n->type == IKEV1_N_R_U_THERE || n->type == IKEV1_N_R_U_THERE_ACK) {
    /* RFC 3706 5.1: the notification data is the 32-bit sequence number */
    if (n->data.n != 4)
      wire_fail(r, WIRE_MALFORMED, "DPD sequence number", n->data.n, 4);
    else
      n->dpd_seq = wire_load_be32(n->data.p);
  }
}

/* RFC 2408 3.15: Delete Payload
 *  !              Domain of Interpretation  (DOI)                  !
 *  !  Protocol-Id  !   SPI Size    !           # of SPIs           !
 *  ~               Security Parameter Index(es) (SPI)              ~  */
static void decode_delete(Dec *c, WireReader *r, Ikev1Delete *d)
{
  d->doi = wire_get_u32(r, "DOI");
  d->protocol = wire_get_u8(r, "protocol id");
  d->spi_size = wire_get_u8(r, "SPI size");
  d->n_spis = wire_get_u16(r, "number of SPIs");
  if (!wire_ok(r))
    return;
  if (d->doi > IKEV1_DOI_IPSEC) {
    fail_n(c, r, IKEV1_N_DOI_NOT_SUPPORTED, WIRE_UNSUPPORTED, "DOI", d->doi, IKEV1_DOI_IPSEC);
    return;
  }
  if (d->protocol == IKEV1_PROTO_RESERVED) {
    fail_n(c, r, IKEV1_N_INVALID_PROTOCOL_ID, WIRE_MALFORMED, "protocol id", 0, 1);
    return;
  }
  /* RFC 2408 3.15: # of SPIs times SPI Size octets follow, nothing more */
  if ((size_t)d->n_spis * d->spi_size != wire_left(r)) {
    wire_fail(r, WIRE_MALFORMED, "number of SPIs", d->n_spis,
              d->spi_size ? wire_left(r) / d->spi_size : 0);
    return;
  }
  ike_data_get_rest(r, &d->spis);
}

/* RFC 3947 5.2: NAT-OA
 *  !   ID Type     !   RESERVED    !            RESERVED           !
 *  ~           IPv4 (4 octets) or IPv6 address (16 octets)         ~  */
static void decode_nat_oa(WireReader *r, Ikev1NatOa *o)
{
  o->id_type = wire_get_u8(r, "NAT-OA ID type");
  wire_skip(r, 3, "NAT-OA reserved");
  if (!wire_ok(r))
    return;
  if (o->id_type == IKEV1_ID_IPV4_ADDR) {
    if (wire_left(r) != 4)
      wire_fail(r, WIRE_MALFORMED, "NAT-OA address", wire_left(r), 4);
    o->v4.v = wire_get_u32(r, "NAT-OA address");
  } else if (o->id_type == IKEV1_ID_IPV6_ADDR) {
    if (wire_left(r) != 16)
      wire_fail(r, WIRE_MALFORMED, "NAT-OA address", wire_left(r), 16);
    wire_copy(r, o->v6, 16, "NAT-OA address");
  } else {
    /* RFC 3947 5.2: ID_IPV4_ADDR or ID_IPV6_ADDR only */
    wire_fail(r, WIRE_MALFORMED, "NAT-OA ID type", o->id_type, IKEV1_ID_IPV6_ADDR);
  }
}

static bool type_known(uint8_t t)
{
  return (t >= IKEV1_PL_SA && t <= IKEV1_PL_VID && t != IKEV1_PL_P && t != IKEV1_PL_T) ||
         t == IKEV1_PL_NAT_D || t == IKEV1_PL_NAT_OA || t == IKEV1_PL_NAT_D_DRAFT ||
         t == IKEV1_PL_NAT_OA_DRAFT;
}

static void decode_body(Dec *c, WireReader *r, Ikev1Payload *p)
{
  switch (p->type) {
  case IKEV1_PL_SA: decode_sa(c, r, &p->u.sa); break;
  case IKEV1_PL_KE:
    /* RFC 2408 3.7: the key exchange data; its length is the group's (checked with it) */
    if (wire_left(r) == 0)
      fail_n(c, r, IKEV1_N_INVALID_KEY_INFORMATION, WIRE_MALFORMED, "key exchange data", 0, 1);
    ike_data_get_rest(r, &p->u.ke);
    break;
  case IKEV1_PL_ID: decode_id(c, r, &p->u.id); break;
  case IKEV1_PL_CERT:
  case IKEV1_PL_CR:
    /* RFC 2408 3.9/3.10: Cert Encoding / Cert Type, then the data */
    p->u.cert.encoding = wire_get_u8(r, "certificate encoding");
    ike_data_get_rest(r, &p->u.cert.data);
    break;
  case IKEV1_PL_HASH:
    /* RFC 2408 3.11: the hash is as long as the negotiated hash (checked with it) */
    if (wire_left(r) == 0)
      fail_n(c, r, IKEV1_N_INVALID_HASH_INFORMATION, WIRE_MALFORMED, "hash data", 0, 1);
    ike_data_get_rest(r, &p->u.hash);
    break;
  case IKEV1_PL_SIG: ike_data_get_rest(r, &p->u.sig); break;
  case IKEV1_PL_NONCE:
    /* RFC 2409 5: "The length of nonce payload MUST be between 8 and 256 bytes inclusive" */
    if (wire_left(r) < IKEV1_NONCE_MIN || wire_left(r) > IKEV1_NONCE_MAX)
      wire_fail(r, WIRE_MALFORMED, "nonce length", wire_left(r),
                wire_left(r) < IKEV1_NONCE_MIN ? IKEV1_NONCE_MIN : IKEV1_NONCE_MAX);
    ike_data_get_rest(r, &p->u.nonce);
    break;
  case IKEV1_PL_N: decode_notify(c, r, &p->u.notify); break;
  case IKEV1_PL_D: decode_delete(c, r, &p->u.del); break;
  case IKEV1_PL_VID: ike_data_get_rest(r, &p->u.vendor); break;
  case IKEV1_PL_NAT_D:
  case IKEV1_PL_NAT_D_DRAFT:
    /* RFC 3947 3.2: HASH of cookies, address and port, as long as the negotiated hash */
    if (wire_left(r) == 0)
      wire_fail(r, WIRE_MALFORMED, "NAT-D hash", 0, 1);
    ike_data_get_rest(r, &p->u.nat_d);
    break;
  case IKEV1_PL_NAT_OA:
  case IKEV1_PL_NAT_OA_DRAFT: decode_nat_oa(r, &p->u.nat_oa); break;
  default: break; /* refused by the chain before */
  }
}

/* RFC 2408 3.2: Generic Payload Header
 *  ! Next Payload  !   RESERVED    !         Payload Length        !  */
static WireStatus decode_chain(WireReader *r, Ikev1Message *m, uint8_t first, size_t *pad_len,
                               Ikev1Diag *d)
{
  Dec c = {0};
  uint8_t type = first;
  while (wire_ok(r) && type != IKEV1_PL_NONE) {
    c.payload = type;
    c.ctx_notify = IKEV1_N_PAYLOAD_MALFORMED;
    if (!type_known(type)) {
      /* RFC 2408 5.2: an invalid Next Payload: discard, INVALID-PAYLOAD-TYPE. IKEv1 has no
       * critical bit, so no payload may be skipped. */
      fail_n(&c, r, IKEV1_N_INVALID_PAYLOAD_TYPE, WIRE_UNSUPPORTED, "next payload", type, 0);
      break;
    }
    if (wire_left(r) == 0) {
      /* a Next Payload that announces a payload the message does not hold */
      c.ctx_notify = IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS;
      wire_fail(r, WIRE_TRUNCATED, "next payload", type, 0);
      note(&c, r);
      break;
    }
    size_t off = wire_offset(r);
    static const IkeHdrNames names = {"next payload", "reserved", "payload length"};
    uint8_t next, reserved;
    uint16_t len;
    if (!ike_generic_hdr_read(r, &names, &next, &reserved, &len)) {
      note(&c, r);
      break;
    }
    if (len < IKEV1_GENERIC_HDR_LEN) {
      wire_fail(r, WIRE_MALFORMED, "payload length", len, IKEV1_GENERIC_HDR_LEN);
      note(&c, r);
      break;
    }
    /* RFC 2408 5.2: payload lengths that do not add up to the message: UNEQUAL-PAYLOAD-LENGTHS */
    c.ctx_notify = IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS;
    WireReader s = ike_sub_declared(r, len - IKEV1_GENERIC_HDR_LEN, "payload length");
    note(&c, r);
    if (!wire_ok(r))
      break;
    c.ctx_notify = IKEV1_N_PAYLOAD_MALFORMED;
    Ikev1Payload *p = ikev1_message_add(m, type);
    p->off = off;
    p->len = len;
    decode_body(&c, &s, p);
    note(&c, &s);
    wire_sub_end(r, &s, "payload length");
    note(&c, r);
    type = next;
  }
  if (wire_ok(r) && wire_left(r)) {
    if (pad_len) {
      /* padding to the cipher block after the last payload (RFC 2409 appendix B) */
      *pad_len = wire_left(r);
      wire_skip(r, *pad_len, "padding");
    } else {
      c.ctx_notify = IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS;
      wire_fail(r, WIRE_MALFORMED, "trailing bytes", wire_left(r), 0);
      note(&c, r);
    }
  }
  if (d) {
    d->status = r->status;
    d->diag = r->status == WIRE_OK ? (WireDiag){0} : r->diag;
    d->stage = IKEV1_STAGE_PAYLOAD;
    d->notify = r->status == WIRE_OK ? IKEV1_N_NONE : c.notify;
    d->payload = r->status == WIRE_OK ? IKEV1_PL_NONE : c.fail_payload;
  }
  return r->status;
}

/* RFC 2408 3.1: ISAKMP Header
 *  !                          Initiator                            !
 *  !                            Cookie                             !
 *  !                          Responder                            !
 *  !                            Cookie                             !
 *  !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
 *  !                          Message ID                           !
 *  !                            Length                             !  */
static uint16_t read_header(WireReader *r, Ikev1Header *h, size_t dgram_len)
{
  IkeFixedHdr f;
  ike_fixed_hdr_read(r, &f, true);
  *h = (Ikev1Header){.icookie = f.spi_i,
                     .rcookie = f.spi_r,
                     .next_payload = f.next_payload,
                     .major = f.major,
                     .minor = f.minor,
                     .exchange = f.exchange,
                     .flags = f.flags,
                     .msg_id = f.msg_id,
                     .length = f.length};
  if (!wire_ok(r))
    return IKEV1_N_NONE;
  /* RFC 2408 5.1: major version: INVALID-MAJOR-VERSION */
  if (h->major != IKEV1_MAJOR_VERSION) {
    wire_fail(r, WIRE_UNSUPPORTED, "major version", h->major, IKEV1_MAJOR_VERSION);
    return IKEV1_N_INVALID_MAJOR_VERSION;
  }
  /* RFC 2408 3.1: "Implementations SHOULD never accept packets with a minor version number
   * larger than its own" */
  if (h->minor > IKEV1_MINOR_VERSION) {
    wire_fail(r, WIRE_UNSUPPORTED, "minor version", h->minor, IKEV1_MINOR_VERSION);
    return IKEV1_N_INVALID_MINOR_VERSION;
  }
  /* RFC 2408 5.1: flags other than E, C and A: INVALID-FLAGS */
  if (h->flags & ~IKEV1_FLAGS_KNOWN) {
    wire_fail(r, WIRE_MALFORMED, "flags", h->flags, IKEV1_FLAGS_KNOWN);
    return IKEV1_N_INVALID_FLAGS;
  }
  /* RFC 2408 3.1: Length of total message (header + payloads) in octets; a shorter one is
   * UNEQUAL-PAYLOAD-LENGTHS, a longer one a datagram cut short (no notify) */
  if (!ike_fixed_hdr_check_length(r, h->length, dgram_len) && r->status == WIRE_MALFORMED)
    return IKEV1_N_UNEQUAL_PAYLOAD_LENGTHS;
  return IKEV1_N_NONE;
}

static void header_diag(Ikev1Diag *d, const WireReader *r, uint16_t notify)
{
  if (!d)
    return;
  d->status = r->status;
  d->diag = r->status == WIRE_OK ? (WireDiag){0} : r->diag;
  d->stage = IKEV1_STAGE_HEADER;
  d->notify = r->status == WIRE_OK ? IKEV1_N_NONE : notify;
  d->payload = IKEV1_PL_NONE;
}

WireStatus ikev1_header_decode(const uint8_t *buf, size_t len, Ikev1Header *h, Ikev1Diag *d)
{
  if (!buf)
    buf = no_bytes, len = 0;
  WireReader r = wire_reader(buf, len);
  memset(h, 0, sizeof *h);
  uint16_t n = read_header(&r, h, len);
  header_diag(d, &r, n);
  return r.status;
}

WireStatus ikev1_message_decode(const uint8_t *buf, size_t len, Ikev1Message **out,
                                Ikev1Diag *d)
{
  if (!buf)
    buf = no_bytes, len = 0;
  *out = NULL;
  WireReader r = wire_reader(buf, len);
  Ikev1Message *m = g_new0(Ikev1Message, 1);
  uint16_t n = read_header(&r, &m->hdr, len);
  if (!wire_ok(&r)) {
    header_diag(d, &r, n);
    ikev1_message_free(m);
    return r.status;
  }
  if (m->hdr.flags & IKEV1_FLAG_ENCRYPTION) {
    /* RFC 2408 3.1: with E set, everything after the header is encrypted; the caller
     * decrypts and decodes the body with ikev1_payloads_decode */
    size_t bn;
    const uint8_t *b = wire_get_rest(&r, &bn);
    ikev1_data_set(&m->body, b, bn);
    header_diag(d, &r, IKEV1_N_NONE);
    *out = m;
    return WIRE_OK;
  }
  if (decode_chain(&r, m, m->hdr.next_payload, NULL, d) != WIRE_OK) {
    ikev1_message_free(m);
    return r.status;
  }
  *out = m;
  return WIRE_OK;
}

WireStatus ikev1_payloads_decode(Ikev1Message *m, uint8_t first, const uint8_t *buf,
                                 size_t len, size_t *pad_len, Ikev1Diag *d)
{
  if (!buf)
    buf = no_bytes, len = 0;
  if (pad_len)
    *pad_len = 0;
  WireReader r = wire_reader(buf, len);
  size_t before = m->n_payloads;
  WireStatus s = decode_chain(&r, m, first, pad_len, d);
  if (s != WIRE_OK) {
    while (m->n_payloads > before)
      ikev1_payload_clear(&m->payloads[--m->n_payloads]);
    if (pad_len)
      *pad_len = 0;
  }
  return s;
}

/* ---- encoding ---- */


static void encode_sa(WireWriter *w, const Ikev1Sa *sa)
{
  wire_put_u32(w, sa->doi);
  wire_put_u32(w, sa->situation);
  for (size_t i = 0; i < sa->n_proposals; i++) {
    const Ikev1Proposal *p = &sa->proposals[i];
    IkeLenMark plen =
        ike_generic_hdr_put(w, i + 1 == sa->n_proposals ? IKEV1_PL_NONE : IKEV1_PL_P, 0);
    wire_put_u8(w, p->num);
    wire_put_u8(w, p->protocol);
    wire_put_u8(w, p->spi_size);
    wire_put_u8(w, (uint8_t)p->n_transforms);
    if (p->spi_size > IKEV1_SPI_MAX || p->n_transforms > 255)
      wire_writer_fail(w);
    else
      wire_put_bytes(w, p->spi, p->spi_size);
    for (size_t j = 0; j < p->n_transforms; j++) {
      const Ikev1Transform *t = &p->transforms[j];
      IkeLenMark tlen =
          ike_generic_hdr_put(w, j + 1 == p->n_transforms ? IKEV1_PL_NONE : IKEV1_PL_T, 0);
      wire_put_u8(w, t->num);
      wire_put_u8(w, t->id);
      wire_put_u16(w, 0);
      for (size_t k = 0; k < t->n_attrs; k++) {
        const Ikev1Attr *a = &t->attrs[k];
        if (a->tv) {
          wire_put_u16(w, 0x8000 | a->type); /* AF=1: TV */
          wire_put_u16(w, (uint16_t)a->value);
        } else {
          wire_put_u16(w, a->type & 0x7fff); /* AF=0: TLV */
          if (a->data.n > 0xffff)
            wire_writer_fail(w);
          wire_put_u16(w, (uint16_t)a->data.n);
          ike_data_put(w, &a->data);
        }
      }
      ike_len_end(w, tlen);
    }
    ike_len_end(w, plen);
  }
}

bool ikev1_payload_body_encode(const Ikev1Payload *p, WireWriter *w)
{
  switch (p->type) {
  case IKEV1_PL_SA: encode_sa(w, &p->u.sa); break;
  case IKEV1_PL_KE: ike_data_put(w, &p->u.ke); break;
  case IKEV1_PL_ID:
    wire_put_u8(w, p->u.id.type);
    wire_put_u8(w, p->u.id.protocol);
    wire_put_u16(w, p->u.id.port);
    ike_data_put(w, &p->u.id.data);
    break;
  case IKEV1_PL_CERT:
  case IKEV1_PL_CR:
    wire_put_u8(w, p->u.cert.encoding);
    ike_data_put(w, &p->u.cert.data);
    break;
  case IKEV1_PL_HASH: ike_data_put(w, &p->u.hash); break;
  case IKEV1_PL_SIG: ike_data_put(w, &p->u.sig); break;
  case IKEV1_PL_NONCE: ike_data_put(w, &p->u.nonce); break;
  case IKEV1_PL_N:
    if (p->u.notify.spi_size > IKEV1_SPI_MAX)
      wire_writer_fail(w);
    wire_put_u32(w, p->u.notify.doi);
    wire_put_u8(w, p->u.notify.protocol);
    wire_put_u8(w, p->u.notify.spi_size);
    wire_put_u16(w, p->u.notify.type);
    if (wire_writer_ok(w))
      wire_put_bytes(w, p->u.notify.spi, p->u.notify.spi_size);
    ike_data_put(w, &p->u.notify.data);
    break;
  case IKEV1_PL_D:
    wire_put_u32(w, p->u.del.doi);
    wire_put_u8(w, p->u.del.protocol);
    wire_put_u8(w, p->u.del.spi_size);
    wire_put_u16(w, p->u.del.n_spis);
    ike_data_put(w, &p->u.del.spis);
    break;
  case IKEV1_PL_VID: ike_data_put(w, &p->u.vendor); break;
  case IKEV1_PL_NAT_D:
  case IKEV1_PL_NAT_D_DRAFT: ike_data_put(w, &p->u.nat_d); break;
  case IKEV1_PL_NAT_OA:
  case IKEV1_PL_NAT_OA_DRAFT:
    wire_put_u8(w, p->u.nat_oa.id_type);
    wire_put_zeros(w, 3);
    if (p->u.nat_oa.id_type == IKEV1_ID_IPV6_ADDR)
      wire_put_bytes(w, p->u.nat_oa.v6, 16);
    else
      wire_put_u32(w, p->u.nat_oa.v4.v);
    break;
  default: wire_writer_fail(w); break; /* nothing to encode an unknown payload from */
  }
  return wire_writer_ok(w);
}

bool ikev1_payloads_encode(const Ikev1Payload *p, size_t n, WireWriter *w)
{
  for (size_t i = 0; i < n; i++) {
    IkeLenMark mark = ike_generic_hdr_put(w, i + 1 < n ? p[i + 1].type : IKEV1_PL_NONE, 0);
    ikev1_payload_body_encode(&p[i], w);
    ike_len_end(w, mark);
  }
  return wire_writer_ok(w);
}

bool ikev1_message_encode(const Ikev1Message *m, WireWriter *w)
{
  bool enc = m->hdr.flags & IKEV1_FLAG_ENCRYPTION;
  IkeFixedHdr h = {.spi_i = m->hdr.icookie,
                   .spi_r = m->hdr.rcookie,
                   .next_payload = enc ? m->hdr.next_payload
                                 : m->n_payloads ? m->payloads[0].type : IKEV1_PL_NONE,
                   .major = m->hdr.major,
                   .minor = m->hdr.minor,
                   .exchange = m->hdr.exchange,
                   .flags = m->hdr.flags,
                   .msg_id = m->hdr.msg_id};
  IkeLenMark mark = ike_fixed_hdr_put(w, &h, IKEV1_MAJOR_VERSION);
  if (enc)
    ike_data_put(w, &m->body);
  else
    ikev1_payloads_encode(m->payloads, m->n_payloads, w);
  ike_len_end(w, mark);
  return wire_writer_ok(w);
}
