/* SPDX-License-Identifier: MIT */
/* IKEv2 message codec: header, payload chain and every payload body (RFC 7296 section 3,
 * RFC 7383 2.5), with bounds-checked cursors and a diagnostic naming the failing field. */
#include "models/ike/ikev2_codec.h"

#include <string.h>

/* ---- name tables (IANA "IKEv2 Parameters") ---- */

NAME_TABLE(ikev2_payload_names, "IKEv2 payload type", {0, "NONE"}, {33, "SA"}, {34, "KE"},
           {35, "IDi"}, {36, "IDr"}, {37, "CERT"}, {38, "CERTREQ"}, {39, "AUTH"},
           {40, "Nonce"}, {41, "Notify"}, {42, "Delete"}, {43, "Vendor ID"}, {44, "TSi"},
           {45, "TSr"}, {46, "SK"}, {47, "CP"}, {48, "EAP"}, {53, "SKF"});

NAME_TABLE(ikev2_payload_short_names, "IKEv2 payload (short)", {33, "SA"}, {34, "KE"},
           {35, "IDi"}, {36, "IDr"}, {37, "CERT"}, {38, "CERTREQ"}, {39, "AUTH"},
           {40, "No"}, {41, "N"}, {42, "D"}, {43, "V"}, {44, "TSi"}, {45, "TSr"},
           {46, "SK"}, {47, "CP"}, {48, "EAP"}, {53, "SKF"});

NAME_TABLE(ikev2_exchange_names, "IKEv2 exchange type", {34, "IKE_SA_INIT"}, {35, "IKE_AUTH"},
           {36, "CREATE_CHILD_SA"}, {37, "INFORMATIONAL"});

NAME_TABLE(ikev2_protocol_names, "IKEv2 security protocol", {0, "NONE"}, {1, "IKE"},
           {2, "AH"}, {3, "ESP"});

NAME_TABLE(ikev2_id_type_names, "IKEv2 identification type", {1, "ID_IPV4_ADDR"},
           {2, "ID_FQDN"}, {3, "ID_RFC822_ADDR"}, {5, "ID_IPV6_ADDR"}, {9, "ID_DER_ASN1_DN"},
           {10, "ID_DER_ASN1_GN"}, {11, "ID_KEY_ID"});

NAME_TABLE(ikev2_auth_method_names, "IKEv2 authentication method",
           {1, "RSA Digital Signature"}, {2, "Shared Key Message Integrity Code"},
           {3, "DSS Digital Signature"}, {9, "ECDSA with SHA-256 on the P-256 curve"},
           {10, "ECDSA with SHA-384 on the P-384 curve"},
           {11, "ECDSA with SHA-512 on the P-521 curve"}, {14, "Digital Signature"});

NAME_TABLE(ikev2_notify_names, "IKEv2 notify message type",
           {1, "UNSUPPORTED_CRITICAL_PAYLOAD"}, {4, "INVALID_IKE_SPI"},
           {5, "INVALID_MAJOR_VERSION"}, {7, "INVALID_SYNTAX"}, {9, "INVALID_MESSAGE_ID"},
           {11, "INVALID_SPI"}, {14, "NO_PROPOSAL_CHOSEN"}, {17, "INVALID_KE_PAYLOAD"},
           {24, "AUTHENTICATION_FAILED"}, {34, "SINGLE_PAIR_REQUIRED"},
           {35, "NO_ADDITIONAL_SAS"}, {36, "INTERNAL_ADDRESS_FAILURE"},
           {37, "FAILED_CP_REQUIRED"}, {38, "TS_UNACCEPTABLE"}, {39, "INVALID_SELECTORS"},
           {43, "TEMPORARY_FAILURE"}, {44, "CHILD_SA_NOT_FOUND"}, {16384, "INITIAL_CONTACT"},
           {16385, "SET_WINDOW_SIZE"}, {16386, "ADDITIONAL_TS_POSSIBLE"},
           {16387, "IPCOMP_SUPPORTED"}, {16388, "NAT_DETECTION_SOURCE_IP"},
           {16389, "NAT_DETECTION_DESTINATION_IP"}, {16390, "COOKIE"},
           {16391, "USE_TRANSPORT_MODE"}, {16392, "HTTP_CERT_LOOKUP_SUPPORTED"},
           {16393, "REKEY_SA"}, {16394, "ESP_TFC_PADDING_NOT_SUPPORTED"},
           {16395, "NON_FIRST_FRAGMENTS_ALSO"}, {16396, "MOBIKE_SUPPORTED"},
           {16403, "AUTH_LIFETIME"}, {16404, "MULTIPLE_AUTH_SUPPORTED"},
           {16405, "ANOTHER_AUTH_FOLLOWS"}, {16406, "REDIRECT_SUPPORTED"}, {16430, "IKEV2_FRAGMENTATION_SUPPORTED"},
           {16431, "SIGNATURE_HASH_ALGORITHMS"});

/* Abbreviations for the one-line printer (in the style of strongSwan's logs). */
NAME_TABLE(ikev2_notify_short_names, "IKEv2 notify (short)", {1, "UNSUPP_CRIT"},
           {4, "INVAL_IKE_SPI"}, {5, "INVAL_MAJOR"}, {7, "INVAL_SYN"}, {9, "INVAL_MID"},
           {11, "INVAL_SPI"}, {14, "NO_PROP"}, {17, "INVAL_KE"}, {24, "AUTH_FAILED"},
           {34, "SINGLE_PAIR"}, {35, "NO_ADD_SAS"}, {36, "INT_ADDR_FAIL"},
           {37, "FAIL_CP_REQ"}, {38, "TS_UNACCEPT"}, {39, "INVAL_SEL"}, {43, "TEMP_FAIL"},
           {44, "CHILD_SA_NOT_FOUND"}, {16384, "INIT_CONTACT"}, {16385, "SET_WINSIZE"},
           {16386, "ADD_TS_POSS"}, {16387, "IPCOMP_SUP"}, {16388, "NATD_S_IP"},
           {16389, "NATD_D_IP"}, {16390, "COOKIE"}, {16391, "USE_TRANSP"},
           {16392, "HTTP_CERT_LOOK"}, {16393, "REKEY_SA"}, {16394, "ESP_TFC_PAD_N"},
           {16395, "NON_FIRST_FRAG"}, {16396, "MOBIKE_SUP"}, {16404, "MULT_AUTH"},
           {16430, "FRAG_SUP"}, {16431, "HASH_ALG"});

NAME_TABLE(ikev2_ts_type_names, "IKEv2 traffic selector type", {7, "TS_IPV4_ADDR_RANGE"},
           {8, "TS_IPV6_ADDR_RANGE"});

NAME_TABLE(ikev2_cfg_type_names, "IKEv2 configuration type", {1, "CFG_REQUEST"},
           {2, "CFG_REPLY"}, {3, "CFG_SET"}, {4, "CFG_ACK"});

NAME_TABLE(ikev2_cfg_attr_names, "IKEv2 configuration attribute",
           {1, "INTERNAL_IP4_ADDRESS"}, {2, "INTERNAL_IP4_NETMASK"}, {3, "INTERNAL_IP4_DNS"},
           {4, "INTERNAL_IP4_NBNS"}, {6, "INTERNAL_IP4_DHCP"}, {7, "APPLICATION_VERSION"},
           {8, "INTERNAL_IP6_ADDRESS"}, {10, "INTERNAL_IP6_DNS"}, {12, "INTERNAL_IP6_DHCP"},
           {13, "INTERNAL_IP4_SUBNET"}, {14, "SUPPORTED_ATTRIBUTES"},
           {15, "INTERNAL_IP6_SUBNET"});

NAME_TABLE(ikev2_cert_encoding_names, "IKEv2 certificate encoding",
           {1, "PKCS #7 wrapped X.509 certificate"}, {4, "X.509 Certificate - Signature"},
           {7, "Certificate Revocation List (CRL)"}, {12, "Hash and URL of X.509 certificate"},
           {13, "Hash and URL of X.509 bundle"});
NAME_TABLE(ikev2_hash_alg_names, "IKEv2 hash algorithm", {1, "SHA1"}, {2, "SHA2_256"},
           {3, "SHA2_384"}, {4, "SHA2_512"});
NAME_TABLE(ikev2_sig_scheme_names, "IKEv2 signature scheme", {IKEV2_SIG_UNKNOWN, "unknown"},
           {IKEV2_SIG_RSA_SHA1, "sha1WithRSAEncryption"},
           {IKEV2_SIG_RSA_SHA256, "sha256WithRSAEncryption"},
           {IKEV2_SIG_RSA_SHA384, "sha384WithRSAEncryption"},
           {IKEV2_SIG_RSA_SHA512, "sha512WithRSAEncryption"},
           {IKEV2_SIG_ECDSA_SHA256, "ecdsa-with-SHA256"},
           {IKEV2_SIG_ECDSA_SHA384, "ecdsa-with-SHA384"},
           {IKEV2_SIG_ECDSA_SHA512, "ecdsa-with-SHA512"});

NAME_TABLE(ikev2_action_names, "IKEv2 decode action", {IKEV2_ACT_ACCEPT, "accept"},
           {IKEV2_ACT_DROP, "drop"}, {IKEV2_ACT_INVALID_SYNTAX, "INVALID_SYNTAX"},
           {IKEV2_ACT_UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD"},
           {IKEV2_ACT_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION"});

/* ---- the one mapping from a decode outcome to what the protocol does ---- */

Ikev2Action ikev2_action_for(Ikev2Stage stage, WireStatus s, bool critical_payload)
{
  if (s == WIRE_OK)
    return IKEV2_ACT_ACCEPT;
  switch (stage) {
  case IKEV2_STAGE_HEADER:
    /* RFC 7296 2.5: a higher major version is dropped and MAY be answered with
     * INVALID_MAJOR_VERSION; any other header problem leaves nothing to answer to. */
    return s == WIRE_UNSUPPORTED ? IKEV2_ACT_INVALID_MAJOR_VERSION : IKEV2_ACT_DROP;
  case IKEV2_STAGE_INTEGRITY:
    /* RFC 7296 2.21.2/3.14: a message whose ICV does not verify is discarded */
  case IKEV2_STAGE_FRAGMENT:
    /* RFC 7383 2.6: invalid fragments are discarded, not answered */
    return IKEV2_ACT_DROP;
  case IKEV2_STAGE_PAYLOAD:
  default:
    if (s == WIRE_UNSUPPORTED && critical_payload)
      /* RFC 7296 3.2: an unrecognised payload with the critical bit set */
      return IKEV2_ACT_UNSUPPORTED_CRITICAL_PAYLOAD;
    /* RFC 7296 3.10.1: a type, length or value out of range */
    return IKEV2_ACT_INVALID_SYNTAX;
  }
}

void ikev2_diag_set(Ikev2Diag *d, const WireReader *r, Ikev2Stage stage, bool critical,
                    uint8_t critical_type)
{
  if (!d)
    return;
  d->status = r->status;
  d->diag = r->diag;
  d->critical_type = critical_type;
  if (r->status == WIRE_OK)
    memset(&d->diag, 0, sizeof d->diag);
  d->action = ikev2_action_for(stage, r->status, critical);
}

/* ---- ownership helpers ---- */

void ikev2_data_set(Ikev2Data *d, const void *p, size_t n) { ike_data_set(d, p, n); }


void ikev2_payload_clear(Ikev2Payload *p)
{
  if (!p)
    return;
  switch (p->type) {
  case IKEV2_PL_SA:
    for (size_t i = 0; i < p->u.sa.n_proposals; i++)
      g_free(p->u.sa.proposals[i].transforms);
    g_free(p->u.sa.proposals);
    break;
  case IKEV2_PL_KE: ike_data_clear(&p->u.ke.data); break;
  case IKEV2_PL_IDI:
  case IKEV2_PL_IDR: ike_data_clear(&p->u.id.data); break;
  case IKEV2_PL_CERT:
  case IKEV2_PL_CERTREQ: ike_data_clear(&p->u.cert.data); break;
  case IKEV2_PL_AUTH: ike_data_clear(&p->u.auth.data); break;
  case IKEV2_PL_NONCE: ike_data_clear(&p->u.nonce); break;
  case IKEV2_PL_NOTIFY: ike_data_clear(&p->u.notify.data); break;
  case IKEV2_PL_DELETE: ike_data_clear(&p->u.del.spis); break;
  case IKEV2_PL_VENDOR: ike_data_clear(&p->u.vendor); break;
  case IKEV2_PL_TSI:
  case IKEV2_PL_TSR: g_free(p->u.ts.ts); break;
  case IKEV2_PL_CP:
    for (size_t i = 0; i < p->u.cp.n_attrs; i++)
      ike_data_clear(&p->u.cp.attrs[i].value);
    g_free(p->u.cp.attrs);
    break;
  case IKEV2_PL_EAP: ike_data_clear(&p->u.eap); break;
  case IKEV2_PL_SK:
  case IKEV2_PL_SKF: ike_data_clear(&p->u.sk.data); break;
  default: ike_data_clear(&p->u.unknown); break;
  }
  memset(p, 0, sizeof *p);
}

Ikev2Message *ikev2_message_new(uint8_t exchange, uint8_t flags, uint64_t spi_i, uint64_t spi_r,
                                uint32_t msg_id)
{
  Ikev2Message *m = g_new0(Ikev2Message, 1);
  m->hdr.spi_i = spi_i;
  m->hdr.spi_r = spi_r;
  m->hdr.major = IKEV2_MAJOR_VERSION;
  m->hdr.exchange = exchange;
  m->hdr.flags = flags;
  m->hdr.msg_id = msg_id;
  return m;
}

void ikev2_message_free(Ikev2Message *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->n_payloads; i++)
    ikev2_payload_clear(&m->payloads[i]);
  g_free(m->payloads);
  g_free(m);
}

Ikev2Payload *ikev2_message_add(Ikev2Message *m, uint8_t type)
{
  Ikev2Payload *p = ike_array_push((void **)&m->payloads, &m->n_payloads, &m->cap_payloads,
                                   sizeof *p);
  p->type = type;
  return p;
}

bool ikev2_notify_names_have_error(const char *names)
{
  g_auto(GStrv) v = g_strsplit(names ? names : "", " ", -1);
  for (char **p = v; *p; p++) {
    int64_t t;
    if (**p && name_parse(&ikev2_notify_names, *p, &t) && t > 0 && t < 16384)
      return true;
  }
  return false;
}

const Ikev2Payload *ikev2_message_find(const Ikev2Message *m, uint8_t type, size_t nth)
{
  for (size_t i = 0; i < m->n_payloads; i++)
    if (m->payloads[i].type == type && nth-- == 0)
      return &m->payloads[i];
  return NULL;
}

const Ikev2Notify *ikev2_message_find_notify(const Ikev2Message *m, uint16_t notify_type)
{
  for (size_t i = 0; i < m->n_payloads; i++)
    if (m->payloads[i].type == IKEV2_PL_NOTIFY && m->payloads[i].u.notify.type == notify_type)
      return &m->payloads[i].u.notify;
  return NULL;
}

Ikev2Proposal *ikev2_sa_add_proposal(Ikev2Sa *sa, uint8_t protocol)
{
  sa->proposals = g_renew(Ikev2Proposal, sa->proposals, sa->n_proposals + 1);
  Ikev2Proposal *p = &sa->proposals[sa->n_proposals++];
  memset(p, 0, sizeof *p);
  p->num = (uint8_t)sa->n_proposals;
  p->protocol = protocol;
  return p;
}

Ikev2Transform *ikev2_proposal_add_transform(Ikev2Proposal *p, uint8_t type, uint16_t id,
                                             uint16_t key_length)
{
  p->transforms = g_renew(Ikev2Transform, p->transforms, p->n_transforms + 1);
  Ikev2Transform *t = &p->transforms[p->n_transforms++];
  *t = (Ikev2Transform){.type = type, .id = id, .key_length = key_length};
  return t;
}

Ikev2TrafficSelector *ikev2_ts_add(Ikev2Ts *ts)
{
  ts->ts = g_renew(Ikev2TrafficSelector, ts->ts, ts->n_ts + 1);
  Ikev2TrafficSelector *s = &ts->ts[ts->n_ts++];
  memset(s, 0, sizeof *s);
  return s;
}

Ikev2CfgAttr *ikev2_cp_add(Ikev2Cp *cp, uint16_t type, const void *value, size_t n)
{
  cp->attrs = g_renew(Ikev2CfgAttr, cp->attrs, cp->n_attrs + 1);
  Ikev2CfgAttr *a = &cp->attrs[cp->n_attrs++];
  memset(a, 0, sizeof *a);
  a->type = type;
  ikev2_data_set(&a->value, value, n);
  return a;
}

/* RFC 7296 3.15.1: INTERNAL_IP4_ADDRESS, _NETMASK, _DNS: 0 or 4 octets */
Ikev2CfgAttr *ikev2_cp_add_ip4(Ikev2Cp *cp, uint16_t type, Ipv4Addr a)
{
  uint8_t b[4];
  wire_store_be32(b, a.v);
  return ikev2_cp_add(cp, type, b, sizeof b);
}

/* RFC 7296 3.15.1: INTERNAL_IP4_SUBNET: 0 or 8 octets, address then netmask */
Ikev2CfgAttr *ikev2_cp_add_ip4_subnet(Ikev2Cp *cp, Ipv4Prefix p)
{
  uint8_t b[8];
  wire_store_be32(b, p.addr.v);
  wire_store_be32(b + 4, ipv4_mask(p.len));
  return ikev2_cp_add(cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, b, sizeof b);
}

bool ikev2_cp_attr_ip4(const Ikev2CfgAttr *a, Ipv4Addr *out)
{
  if (a->value.n != 4)
    return false;
  out->v = wire_load_be32(a->value.p);
  return true;
}

bool ikev2_cp_attr_ip4_subnet(const Ikev2CfgAttr *a, Ipv4Prefix *out)
{
  if (a->value.n != 8)
    return false;
  uint32_t mask = wire_load_be32(a->value.p + 4);
  unsigned len = 0;
  while (len < 32 && (mask & (0x80000000u >> len)))
    len++;
  if (mask != ipv4_mask(len))
    return false; /* not a contiguous netmask */
  *out = ipv4_prefix_make((Ipv4Addr){wire_load_be32(a->value.p)}, len);
  return true;
}

const Ikev2CfgAttr *ikev2_cp_find(const Ikev2Cp *cp, uint16_t type, size_t nth)
{
  for (size_t i = 0; i < cp->n_attrs; i++)
    if (cp->attrs[i].type == type && nth-- == 0)
      return &cp->attrs[i];
  return NULL;
}

/* RFC 7427 Appendix A: the DER AlgorithmIdentifiers, parameters included (NULL for the RSA
 * PKCS#1 v1.5 rows, absent for ECDSA as RFC 5758 3.2 says). */
static const struct {
  Ikev2SigScheme scheme;
  uint16_t hash;
  const uint8_t *der;
  size_t n;
} sig_algids[] = {
#define ALGID(sc, h, bytes) {sc, h, (const uint8_t *)bytes, sizeof bytes - 1}
    /* A.1: sha1WithRSAEncryption 1.2.840.113549.1.1.5 */
    ALGID(IKEV2_SIG_RSA_SHA1, IKEV2_HASH_SHA1,
          "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05\x05\x00"),
    /* A.1: sha256WithRSAEncryption 1.2.840.113549.1.1.11 */
    ALGID(IKEV2_SIG_RSA_SHA256, IKEV2_HASH_SHA2_256,
          "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b\x05\x00"),
    /* A.1: sha384WithRSAEncryption 1.2.840.113549.1.1.12 */
    ALGID(IKEV2_SIG_RSA_SHA384, IKEV2_HASH_SHA2_384,
          "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0c\x05\x00"),
    /* A.1: sha512WithRSAEncryption 1.2.840.113549.1.1.13 */
    ALGID(IKEV2_SIG_RSA_SHA512, IKEV2_HASH_SHA2_512,
          "\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0d\x05\x00"),
    /* A.3: ecdsa-with-SHA256 1.2.840.10045.4.3.2 */
    ALGID(IKEV2_SIG_ECDSA_SHA256, IKEV2_HASH_SHA2_256,
          "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x02"),
    /* A.3: ecdsa-with-SHA384 1.2.840.10045.4.3.3 */
    ALGID(IKEV2_SIG_ECDSA_SHA384, IKEV2_HASH_SHA2_384,
          "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x03"),
    /* A.3: ecdsa-with-SHA512 1.2.840.10045.4.3.4 */
    ALGID(IKEV2_SIG_ECDSA_SHA512, IKEV2_HASH_SHA2_512,
          "\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x04"),
#undef ALGID
};

uint16_t ikev2_sig_scheme_hash(Ikev2SigScheme s)
{
  for (size_t i = 0; i < G_N_ELEMENTS(sig_algids); i++)
    if (sig_algids[i].scheme == s)
      return sig_algids[i].hash;
  return 0;
}

WireStatus ikev2_auth_sig_split(const Ikev2Auth *a, Ikev2AuthSig *out, WireDiag *d)
{
  static const uint8_t empty[1];
  WireReader r = wire_reader(a->data.n ? a->data.p : empty, a->data.n);
  *out = (Ikev2AuthSig){.method = a->method};
  switch (a->method) {
  case IKEV2_AUTH_RSA_SIG: out->scheme = IKEV2_SIG_RSA_SHA1; break; /* RFC 7296 3.8 */
  case IKEV2_AUTH_ECDSA_256: out->scheme = IKEV2_SIG_ECDSA_SHA256; break; /* RFC 4754 */
  case IKEV2_AUTH_ECDSA_384: out->scheme = IKEV2_SIG_ECDSA_SHA384; break;
  case IKEV2_AUTH_ECDSA_521: out->scheme = IKEV2_SIG_ECDSA_SHA512; break;
  case IKEV2_AUTH_DIGITAL_SIG: {
    /* RFC 7427 3: one octet of length, the AlgorithmIdentifier, then the signature */
    uint8_t len = wire_get_u8(&r, "signature algorithm identifier length");
    if (wire_ok(&r) && (len == 0 || len >= wire_left(&r)))
      wire_fail(&r, WIRE_MALFORMED, "signature algorithm identifier length", len,
                wire_left(&r) ? wire_left(&r) - 1 : 0);
    const uint8_t *der = wire_get_bytes(&r, len, "signature algorithm identifier");
    if (!wire_ok(&r))
      break;
    out->scheme = IKEV2_SIG_UNKNOWN;
    for (size_t i = 0; i < G_N_ELEMENTS(sig_algids); i++)
      if (sig_algids[i].n == len && memcmp(sig_algids[i].der, der, len) == 0)
        out->scheme = sig_algids[i].scheme;
    break;
  }
  default: wire_fail(&r, WIRE_UNSUPPORTED, "auth method", a->method, IKEV2_AUTH_DIGITAL_SIG);
  }
  if (wire_ok(&r) && wire_left(&r) == 0)
    wire_fail(&r, WIRE_MALFORMED, "signature value", 0, 1);
  if (wire_ok(&r))
    out->sig = wire_get_rest(&r, &out->sig_len);
  *d = r.diag;
  return r.status;
}

bool ikev2_auth_sig_set(Ikev2Auth *a, uint8_t method, Ikev2SigScheme scheme, const uint8_t *sig,
                        size_t n)
{
  g_return_val_if_fail(sig && n, false);
  if (method == IKEV2_AUTH_RSA_SIG) {
    if (scheme != IKEV2_SIG_RSA_SHA1)
      return false; /* RFC 7296 3.8: method 1 is PKCS#1 v1.5 with SHA-1 only */
    a->method = method;
    ikev2_data_set(&a->data, sig, n);
    return true;
  }
  if (method != IKEV2_AUTH_DIGITAL_SIG)
    return false;
  for (size_t i = 0; i < G_N_ELEMENTS(sig_algids); i++) {
    if (sig_algids[i].scheme != scheme)
      continue;
    WireWriter w;
    wire_writer_init(&w);
    wire_put_u8(&w, (uint8_t)sig_algids[i].n);
    wire_put_bytes(&w, sig_algids[i].der, sig_algids[i].n);
    wire_put_bytes(&w, sig, n);
    a->method = method;
    ikev2_data_set(&a->data, wire_writer_data(&w), wire_writer_len(&w));
    wire_writer_clear(&w);
    return true;
  }
  return false;
}

/* ---- decoding ---- */

/* Stands in for a NULL buffer of length 0: the cursors do pointer arithmetic on the base. */
static const uint8_t no_bytes[1];


static void get_data(WireReader *r, Ikev2Data *d, const char *field)
{
  ike_data_get_rest(r, d);
  (void)field;
}

/* RFC 7296 3.3.5: Transform Attributes
 *  |A|       Attribute Type        |    AF=0  Attribute Length     |
 *  |F|                             |    AF=1  Attribute Value      |
 *  |                   AF=0  Attribute Value                       |  */
static void decode_attrs(WireReader *r, Ikev2Transform *t)
{
  while (wire_ok(r) && wire_left(r)) {
    uint16_t at = wire_get_u16(r, "attribute type");
    uint16_t type = at & 0x7fff;
    bool tv = at & 0x8000;
    if (tv) {
      uint16_t v = wire_get_u16(r, "attribute value");
      if (type == IKE_ATTR_KEY_LENGTH)
        t->key_length = v;
      else
        t->unknown_attr = true;
    } else {
      uint16_t len = wire_get_u16(r, "attribute length");
      if (!wire_ok(r))
        return;
      if (type == IKE_ATTR_KEY_LENGTH) {
        /* RFC 7296 3.3.5: Key Length uses the TV format */
        wire_fail(r, WIRE_MALFORMED, "attribute format", 0, 1);
        return;
      }
      if (len > wire_left(r)) {
        wire_fail(r, WIRE_MALFORMED, "attribute length", len, wire_left(r));
        return;
      }
      wire_skip(r, len, "attribute value");
      t->unknown_attr = true;
    }
  }
}

/* RFC 7296 3.3.2: Transform Substructure
 *  | Last Substruc |   RESERVED    |        Transform Length       |
 *  |Transform Type |   RESERVED    |          Transform ID         |
 *  ~                      Transform Attributes                     ~  */
static void decode_transform(WireReader *r, Ikev2Transform *t, bool last_expected)
{
  static const IkeHdrNames names = {"transform last substruc", "transform reserved",
                                    "transform length"};
  uint8_t last, reserved;
  uint16_t len;
  if (!ike_generic_hdr_read(r, &names, &last, &reserved, &len))
    return;
  /* RFC 7296 3.3.2: 0 (last) or 3 (more) */
  if (last != (last_expected ? 0 : 3)) {
    wire_fail(r, WIRE_MALFORMED, "transform last substruc", last, last_expected ? 0 : 3);
    return;
  }
  if (len < 8) {
    wire_fail(r, WIRE_MALFORMED, "transform length", len, 8);
    return;
  }
  WireReader s = ike_sub_declared(r, len - 4u, "transform length");
  t->type = wire_get_u8(&s, "transform type");
  wire_skip(&s, 1, "transform reserved");
  t->id = wire_get_u16(&s, "transform id");
  decode_attrs(&s, t);
  wire_sub_end(r, &s, "transform attributes");
}

/* RFC 7296 3.3.1: Proposal Substructure
 *  | Last Substruc |   RESERVED    |         Proposal Length       |
 *  | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 *  ~                        SPI (variable)                         ~
 *  ~                        <Transforms>                           ~  */
static void decode_sa(WireReader *r, Ikev2Sa *sa, bool response)
{
  if (wire_left(r) == 0) {
    /* RFC 7296 3.3: an SA payload holds one or more proposals */
    wire_fail(r, WIRE_MALFORMED, "proposals", 0, 1);
    return;
  }
  while (wire_ok(r) && wire_left(r)) {
    static const IkeHdrNames names = {"proposal last substruc", "proposal reserved",
                                      "proposal length"};
    uint8_t last, reserved;
    uint16_t len;
    if (!ike_generic_hdr_read(r, &names, &last, &reserved, &len))
      return;
    if (len < 8) {
      wire_fail(r, WIRE_MALFORMED, "proposal length", len, 8);
      return;
    }
    WireReader s = ike_sub_declared(r, len - 4u, "proposal length");
    /* RFC 7296 3.3.1: 0 for the last proposal, 2 when more follow */
    bool is_last = wire_left(r) == 0;
    if (wire_ok(r) && last != (is_last ? 0 : 2)) {
      wire_fail(r, WIRE_MALFORMED, "proposal last substruc", last, is_last ? 0 : 2);
      return;
    }
    Ikev2Proposal *p = ikev2_sa_add_proposal(sa, 0);
    p->num = wire_get_u8(&s, "proposal number");
    p->protocol = wire_get_u8(&s, "protocol id");
    p->spi_size = wire_get_u8(&s, "SPI size");
    uint8_t n_tr = wire_get_u8(&s, "number of transforms");
    if (wire_ok(&s)) {
      /* RFC 7296 3.3.1: the first proposal is number 1, each next one more; but the
       * accepted proposal (a response's only one) keeps the number it was offered with */
      bool lone = response && sa->n_proposals == 1 && is_last && p->num != 0;
      if (p->num != sa->n_proposals && !lone)
        wire_fail(&s, WIRE_MALFORMED, "proposal number", p->num, sa->n_proposals);
      else if (p->protocol < IKEV2_PROTO_IKE || p->protocol > IKEV2_PROTO_ESP)
        wire_fail(&s, WIRE_MALFORMED, "protocol id", p->protocol, IKEV2_PROTO_ESP);
      else if (p->spi_size > IKEV2_SPI_MAX)
        wire_fail(&s, WIRE_MALFORMED, "SPI size", p->spi_size, IKEV2_SPI_MAX);
      else if (n_tr == 0)
        wire_fail(&s, WIRE_MALFORMED, "number of transforms", 0, 1);
    }
    wire_copy(&s, p->spi, p->spi_size, "SPI");
    for (unsigned i = 0; i < n_tr && wire_ok(&s); i++) {
      Ikev2Transform *t = ikev2_proposal_add_transform(p, 0, 0, 0);
      decode_transform(&s, t, i + 1u == n_tr);
    }
    wire_sub_end(r, &s, "proposal length");
  }
}

/* RFC 7296 3.4: | Diffie-Hellman Group Num | RESERVED | Key Exchange Data ~ */
static void decode_ke(WireReader *r, Ikev2Ke *ke)
{
  ke->group = wire_get_u16(r, "DH group");
  wire_skip(r, 2, "KE reserved");
  if (wire_ok(r) && wire_left(r) == 0)
    wire_fail(r, WIRE_MALFORMED, "key exchange data", 0, 1);
  get_data(r, &ke->data, "key exchange data");
}

/* RFC 7296 3.5: |   ID Type     |                 RESERVED                      |
 *               ~                   Identification Data                         ~ */
static void decode_id(WireReader *r, Ikev2Id *id)
{
  id->type = wire_get_u8(r, "ID type");
  wire_skip(r, 3, "ID reserved");
  if (!wire_ok(r))
    return;
  size_t n = wire_left(r);
  if (id->type == IKEV2_ID_IPV4_ADDR && n != 4)
    wire_fail(r, WIRE_MALFORMED, "IPv4 address", n, 4);
  else if (id->type == IKEV2_ID_IPV6_ADDR && n != 16)
    wire_fail(r, WIRE_MALFORMED, "IPv6 address", n, 16);
  else if (n == 0)
    wire_fail(r, WIRE_MALFORMED, "identification data", 0, 1);
  get_data(r, &id->data, "identification data");
}

/* RFC 7296 3.6/3.7: | Cert Encoding | Certificate Data / Certification Authority ~ */
static void decode_cert(WireReader *r, Ikev2Cert *c, bool req)
{
  c->encoding = wire_get_u8(r, "certificate encoding");
  if (!wire_ok(r))
    return;
  size_t n = wire_left(r);
  /* RFC 7296 3.6: a certificate is never empty */
  if (!req && n == 0)
    wire_fail(r, WIRE_MALFORMED, "certificate data", 0, 1);
  /* RFC 7296 3.7: for X.509 the Certification Authority field is a concatenated list of
   * 20-octet SHA-1 hashes of the trusted CAs' SubjectPublicKeyInfo */
  if (req && c->encoding == IKEV2_CERT_X509_SIGNATURE && n % IKEV2_CERTREQ_HASH_LEN)
    wire_fail(r, WIRE_MALFORMED, "certification authority", n, IKEV2_CERTREQ_HASH_LEN);
  get_data(r, &c->data, req ? "certification authority" : "certificate data");
}

/* RFC 7296 3.8: | Auth Method   |                RESERVED                       |
 *               ~                      Authentication Data                      ~ */
static void decode_auth(WireReader *r, Ikev2Auth *a)
{
  a->method = wire_get_u8(r, "auth method");
  wire_skip(r, 3, "AUTH reserved");
  if (wire_ok(r) && wire_left(r) == 0)
    wire_fail(r, WIRE_MALFORMED, "authentication data", 0, 1);
  get_data(r, &a->data, "authentication data");
  /* RFC 7427 3: the AlgorithmIdentifier's length octet must leave a signature */
  if (wire_ok(r) && a->method == IKEV2_AUTH_DIGITAL_SIG) {
    Ikev2AuthSig sig;
    WireDiag d;
    WireStatus st = ikev2_auth_sig_split(a, &sig, &d);
    if (st != WIRE_OK)
      wire_fail(r, st, d.field, d.seen, d.bound);
  }
}

/* RFC 7296 3.9: Nonce Data, 16 to 256 octets */
static void decode_nonce(WireReader *r, Ikev2Data *d)
{
  size_t n = wire_left(r);
  if (n < IKEV2_NONCE_MIN)
    wire_fail(r, WIRE_MALFORMED, "nonce length", n, IKEV2_NONCE_MIN);
  else if (n > IKEV2_NONCE_MAX)
    wire_fail(r, WIRE_MALFORMED, "nonce length", n, IKEV2_NONCE_MAX);
  get_data(r, d, "nonce data");
}

/* RFC 7296 3.10:
 *  |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 *  ~                Security Parameter Index (SPI)                 ~
 *  ~                       Notification Data                       ~  */
static void decode_notify(WireReader *r, Ikev2Notify *n)
{
  n->protocol = wire_get_u8(r, "notify protocol id");
  n->spi_size = wire_get_u8(r, "notify SPI size");
  n->type = wire_get_u16(r, "notify message type");
  if (wire_ok(r) && n->spi_size > IKEV2_SPI_MAX)
    wire_fail(r, WIRE_MALFORMED, "notify SPI size", n->spi_size, IKEV2_SPI_MAX);
  wire_copy(r, n->spi, n->spi_size, "notify SPI");
  get_data(r, &n->data, "notification data");
}

/* RFC 7296 3.11:
 *  | Protocol ID   |   SPI Size    |          Num of SPIs          |
 *  ~               Security Parameter Index(es) (SPI)              ~  */
static void decode_delete(WireReader *r, Ikev2Delete *d)
{
  d->protocol = wire_get_u8(r, "delete protocol id");
  d->spi_size = wire_get_u8(r, "delete SPI size");
  d->n_spis = wire_get_u16(r, "number of SPIs");
  if (!wire_ok(r))
    return;
  if (d->protocol == IKEV2_PROTO_IKE ? d->spi_size != 0 : d->spi_size != 4) {
    /* RFC 7296 3.11: zero for IKE (the SPI is in the header), four for AH and ESP */
    wire_fail(r, WIRE_MALFORMED, "delete SPI size", d->spi_size,
              d->protocol == IKEV2_PROTO_IKE ? 0 : 4);
    return;
  }
  size_t want = (size_t)d->n_spis * d->spi_size;
  if (want != wire_left(r)) {
    wire_fail(r, WIRE_MALFORMED, "number of SPIs", d->n_spis,
              d->spi_size ? wire_left(r) / d->spi_size : 0);
    return;
  }
  get_data(r, &d->spis, "SPIs");
}

/* RFC 7296 3.13: | Number of TSs |  RESERVED  | <Traffic Selectors> ~
 * RFC 7296 3.13.1:
 *  |   TS Type     |IP Protocol ID*|       Selector Length         |
 *  |           Start Port*         |           End Port*           |
 *  ~                         Starting Address*                     ~
 *  ~                         Ending Address*                       ~  */
static void decode_ts(WireReader *r, Ikev2Ts *ts)
{
  uint8_t n = wire_get_u8(r, "number of TSs");
  wire_skip(r, 3, "TS reserved");
  if (wire_ok(r) && n == 0)
    wire_fail(r, WIRE_MALFORMED, "number of TSs", 0, 1);
  for (unsigned i = 0; i < n && wire_ok(r); i++) {
    Ikev2TrafficSelector *s = ikev2_ts_add(ts);
    s->type = wire_get_u8(r, "TS type");
    s->ip_proto = wire_get_u8(r, "IP protocol id");
    uint16_t len = wire_get_u16(r, "selector length");
    if (!wire_ok(r))
      return;
    size_t alen = s->type == IKEV2_TS_IPV4_ADDR_RANGE   ? 4
                  : s->type == IKEV2_TS_IPV6_ADDR_RANGE ? 16
                                                        : 0;
    if (!alen) {
      wire_fail(r, WIRE_UNSUPPORTED, "TS type", s->type, IKEV2_TS_IPV6_ADDR_RANGE);
      return;
    }
    if (len != 8 + 2 * alen) {
      wire_fail(r, WIRE_MALFORMED, "selector length", len, 8 + 2 * alen);
      return;
    }
    WireReader b = ike_sub_declared(r, len - 4u, "selector length");
    s->start_port = wire_get_u16(&b, "start port");
    s->end_port = wire_get_u16(&b, "end port");
    if (alen == 4) {
      s->range.first.v = wire_get_u32(&b, "starting address");
      s->range.last.v = wire_get_u32(&b, "ending address");
    } else {
      wire_copy(&b, s->v6_start, 16, "starting address");
      wire_copy(&b, s->v6_end, 16, "ending address");
    }
    wire_sub_end(r, &b, "selector length");
  }
  /* RFC 7296 3.13: Number of TSs counts every selector of the payload */
  if (wire_ok(r) && wire_left(r))
    wire_fail(r, WIRE_MALFORMED, "number of TSs", n, n);
}

/* RFC 7296 3.15: | CFG Type | RESERVED | Configuration Attributes ~
 * RFC 7296 3.15.1: |R|   Attribute Type    |            Length             |
 *                  ~                      Value                            ~ */
/* RFC 7296 3.15.1: the lengths an attribute may have (besides 0, a request); 0 in the
 * table: any. */
static size_t cp_attr_len(uint16_t type)
{
  switch (type) {
  case IKEV2_CFG_INTERNAL_IP4_ADDRESS:
  case IKEV2_CFG_INTERNAL_IP4_NETMASK:
  case IKEV2_CFG_INTERNAL_IP4_DNS:
  case IKEV2_CFG_INTERNAL_IP4_NBNS:
  case IKEV2_CFG_INTERNAL_IP4_DHCP: return 4;
  case IKEV2_CFG_INTERNAL_IP4_SUBNET: return 8;
  case IKEV2_CFG_INTERNAL_IP6_ADDRESS:
  case IKEV2_CFG_INTERNAL_IP6_SUBNET: return 17;
  case IKEV2_CFG_INTERNAL_IP6_DNS:
  case IKEV2_CFG_INTERNAL_IP6_DHCP: return 16;
  default: return 0;
  }
}

static void decode_cp(WireReader *r, Ikev2Cp *cp)
{
  cp->cfg_type = wire_get_u8(r, "CFG type");
  /* RFC 7296 3.15: CFG_REQUEST (1) to CFG_ACK (4); the rest is reserved */
  if (wire_ok(r) && (cp->cfg_type < IKEV2_CFG_REQUEST || cp->cfg_type > IKEV2_CFG_ACK))
    wire_fail(r, WIRE_MALFORMED, "CFG type", cp->cfg_type, IKEV2_CFG_ACK);
  wire_skip(r, 3, "CP reserved");
  while (wire_ok(r) && wire_left(r)) {
    uint16_t type = wire_get_u16(r, "configuration attribute type") & 0x7fff;
    uint16_t len = wire_get_u16(r, "configuration attribute length");
    if (!wire_ok(r))
      return;
    if (len > wire_left(r)) {
      wire_fail(r, WIRE_MALFORMED, "configuration attribute length", len, wire_left(r));
      return;
    }
    size_t want = cp_attr_len(type);
    if (want && len && len != want) {
      wire_fail(r, WIRE_MALFORMED, "configuration attribute length", len, want);
      return;
    }
    const uint8_t *v = wire_get_bytes(r, len, "configuration attribute value");
    ikev2_cp_add(cp, type, v, len);
  }
}

/* RFC 7383 2.5:
 *  |        Fragment Number        |        Total Fragments        |
 *  |                     Initialization Vector                     |
 *  ~                      Encrypted content                        ~  */
static void decode_skf(WireReader *r, Ikev2Sk *sk)
{
  sk->frag_num = wire_get_u16(r, "fragment number");
  sk->frag_total = wire_get_u16(r, "total fragments");
  if (!wire_ok(r))
    return;
  /* RFC 7383 2.5: Fragment Number starts at 1; a number above Total is discarded */
  if (sk->frag_num == 0)
    wire_fail(r, WIRE_MALFORMED, "fragment number", 0, 1);
  else if (sk->frag_total == 0 || sk->frag_num > sk->frag_total)
    wire_fail(r, WIRE_MALFORMED, "fragment number", sk->frag_num, sk->frag_total);
  get_data(r, &sk->data, "encrypted data");
}

static bool type_known(uint8_t t)
{
  return (t >= IKEV2_PL_SA && t <= IKEV2_PL_EAP) || t == IKEV2_PL_SKF;
}

static void decode_body(WireReader *r, Ikev2Payload *p, uint8_t next, bool response)
{
  switch (p->type) {
  case IKEV2_PL_SA: decode_sa(r, &p->u.sa, response); break;
  case IKEV2_PL_KE: decode_ke(r, &p->u.ke); break;
  case IKEV2_PL_IDI:
  case IKEV2_PL_IDR: decode_id(r, &p->u.id); break;
  case IKEV2_PL_CERT: decode_cert(r, &p->u.cert, false); break;
  case IKEV2_PL_CERTREQ: decode_cert(r, &p->u.cert, true); break;
  case IKEV2_PL_AUTH: decode_auth(r, &p->u.auth); break;
  case IKEV2_PL_NONCE: decode_nonce(r, &p->u.nonce); break;
  case IKEV2_PL_NOTIFY: decode_notify(r, &p->u.notify); break;
  case IKEV2_PL_DELETE: decode_delete(r, &p->u.del); break;
  case IKEV2_PL_VENDOR: get_data(r, &p->u.vendor, "vendor id"); break;
  case IKEV2_PL_TSI:
  case IKEV2_PL_TSR: decode_ts(r, &p->u.ts); break;
  case IKEV2_PL_CP: decode_cp(r, &p->u.cp); break;
  case IKEV2_PL_EAP: get_data(r, &p->u.eap, "EAP message"); break;
  case IKEV2_PL_SK:
    p->u.sk.inner_next = next;
    get_data(r, &p->u.sk.data, "encrypted data");
    break;
  case IKEV2_PL_SKF:
    p->u.sk.inner_next = next;
    decode_skf(r, &p->u.sk);
    break;
  default: get_data(r, &p->u.unknown, "payload data"); break;
  }
}

/* RFC 7296 3.2: Generic Payload Header
 *  | Next Payload  |C|  RESERVED   |         Payload Length        |  */
static WireStatus decode_chain(WireReader *r, Ikev2Message *m, uint8_t first, Ikev2Diag *d)
{
  uint8_t type = first;
  bool critical = false;
  uint8_t critical_type = 0;
  while (wire_ok(r) && type != IKEV2_PL_NONE) {
    if (wire_left(r) == 0) {
      /* a Next Payload that announces a payload the message does not hold */
      wire_fail(r, WIRE_TRUNCATED, "next payload", type, 0);
      break;
    }
    static const IkeHdrNames names = {"next payload", "critical flag", "payload length"};
    uint8_t next, flags;
    uint16_t len;
    if (!ike_generic_hdr_read(r, &names, &next, &flags, &len))
      break;
    if (len < IKEV2_GENERIC_HDR_LEN) {
      wire_fail(r, WIRE_MALFORMED, "payload length", len, IKEV2_GENERIC_HDR_LEN);
      break;
    }
    /* RFC 7296 3.2: a payload that runs past the end of the message */
    WireReader s = ike_sub_declared(r, len - IKEV2_GENERIC_HDR_LEN, "payload length");
    if (!wire_ok(r))
      break;
    bool crit = flags & 0x80;
    if (!type_known(type)) {
      if (crit) {
        /* RFC 7296 3.2: reject, answering UNSUPPORTED_CRITICAL_PAYLOAD with its type */
        critical = true;
        critical_type = type;
        wire_fail(r, WIRE_UNSUPPORTED, "critical payload", type, 0);
        break;
      }
      /* not critical: skipped, kept as unknown so that printers can show it */
    }
    Ikev2Payload *p = ikev2_message_add(m, type);
    p->critical = crit;
    decode_body(&s, p, next, (m->hdr.flags & IKEV2_FLAG_RESPONSE) != 0);
    if (type == IKEV2_PL_SK || type == IKEV2_PL_SKF) {
      wire_sub_end(r, &s, "payload length");
      /* RFC 7296 3.14 / RFC 7383 2.5: SK and SKF are the last payload */
      if (wire_ok(r) && wire_left(r))
        wire_fail(r, WIRE_MALFORMED, "payload after SK", wire_left(r), 0);
      break;
    }
    wire_sub_end(r, &s, "payload length");
    type = next;
  }
  /* bytes after the payload whose Next Payload is none */
  if (wire_ok(r) && wire_left(r))
    wire_fail(r, WIRE_MALFORMED, "trailing bytes", wire_left(r), 0);
  ikev2_diag_set(d, r, IKEV2_STAGE_PAYLOAD, critical, critical_type);
  return r->status;
}

/* RFC 7296 3.1:
 *  |                       IKE SA Initiator's SPI                  |
 *  |                       IKE SA Responder's SPI                  |
 *  |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 *  |                          Message ID                           |
 *  |                            Length                             |  */
static void read_header(WireReader *r, Ikev2Header *h, size_t dgram_len)
{
  ike_fixed_hdr_read(r, h, false);
  if (!wire_ok(r))
    return;
  /* RFC 7296 3.1: a major version above ours is not ours to parse */
  if (h->major != IKEV2_MAJOR_VERSION) {
    wire_fail(r, WIRE_UNSUPPORTED, "major version", h->major, IKEV2_MAJOR_VERSION);
    return;
  }
  /* RFC 7296 3.1: Length of the total message (header + payloads) in octets */
  ike_fixed_hdr_check_length(r, h->length, dgram_len);
}

WireStatus ikev2_header_decode(const uint8_t *buf, size_t len, Ikev2Header *h, Ikev2Diag *d)
{
  if (!buf)
    buf = no_bytes, len = 0;
  WireReader r = wire_reader(buf, len);
  memset(h, 0, sizeof *h);
  read_header(&r, h, len);
  ikev2_diag_set(d, &r, IKEV2_STAGE_HEADER, false, 0);
  return r.status;
}

WireStatus ikev2_message_decode(const uint8_t *buf, size_t len, Ikev2Message **out,
                                Ikev2Diag *d)
{
  if (!buf)
    buf = no_bytes, len = 0;
  *out = NULL;
  WireReader r = wire_reader(buf, len);
  Ikev2Message *m = g_new0(Ikev2Message, 1);
  read_header(&r, &m->hdr, len);
  if (!wire_ok(&r)) {
    /* the version test is the only header check answered (RFC 7296 2.5) */
    ikev2_diag_set(d, &r, IKEV2_STAGE_HEADER, false, 0);
    ikev2_message_free(m);
    return r.status;
  }
  if (decode_chain(&r, m, m->hdr.next_payload, d) != WIRE_OK) {
    ikev2_message_free(m);
    return r.status;
  }
  *out = m;
  return WIRE_OK;
}

WireStatus ikev2_payloads_decode(Ikev2Message *m, uint8_t first, const uint8_t *buf, size_t len,
                                 Ikev2Diag *d)
{
  if (!buf)
    buf = no_bytes, len = 0;
  WireReader r = wire_reader(buf, len);
  size_t before = m->n_payloads;
  WireStatus s = decode_chain(&r, m, first, d);
  if (s != WIRE_OK) {
    while (m->n_payloads > before)
      ikev2_payload_clear(&m->payloads[--m->n_payloads]);
  }
  return s;
}

/* ---- encoding ---- */


static void encode_sa(WireWriter *w, const Ikev2Sa *sa)
{
  for (size_t i = 0; i < sa->n_proposals; i++) {
    const Ikev2Proposal *p = &sa->proposals[i];
    IkeLenMark plen = ike_generic_hdr_put(w, i + 1 == sa->n_proposals ? 0 : 2, 0);
    wire_put_u8(w, p->num);
    wire_put_u8(w, p->protocol);
    wire_put_u8(w, p->spi_size);
    wire_put_u8(w, (uint8_t)p->n_transforms);
    wire_put_bytes(w, p->spi, p->spi_size);
    for (size_t j = 0; j < p->n_transforms; j++) {
      const Ikev2Transform *t = &p->transforms[j];
      IkeLenMark tlen = ike_generic_hdr_put(w, j + 1 == p->n_transforms ? 0 : 3, 0);
      wire_put_u8(w, t->type);
      wire_put_u8(w, 0);
      wire_put_u16(w, t->id);
      if (t->key_length) {
        wire_put_u16(w, 0x8000 | IKE_ATTR_KEY_LENGTH); /* AF=1, TV */
        wire_put_u16(w, t->key_length);
      }
      ike_len_end(w, tlen);
    }
    ike_len_end(w, plen);
  }
}

static void encode_ts(WireWriter *w, const Ikev2Ts *ts)
{
  wire_put_u8(w, (uint8_t)ts->n_ts);
  wire_put_zeros(w, 3);
  for (size_t i = 0; i < ts->n_ts; i++) {
    const Ikev2TrafficSelector *s = &ts->ts[i];
    bool v4 = s->type == IKEV2_TS_IPV4_ADDR_RANGE;
    wire_put_u8(w, s->type);
    wire_put_u8(w, s->ip_proto);
    wire_put_u16(w, v4 ? 16 : 40);
    wire_put_u16(w, s->start_port);
    wire_put_u16(w, s->end_port);
    if (v4) {
      wire_put_u32(w, s->range.first.v);
      wire_put_u32(w, s->range.last.v);
    } else {
      wire_put_bytes(w, s->v6_start, 16);
      wire_put_bytes(w, s->v6_end, 16);
    }
  }
}

bool ikev2_payload_body_encode(const Ikev2Payload *p, WireWriter *w)
{
  switch (p->type) {
  case IKEV2_PL_SA: encode_sa(w, &p->u.sa); break;
  case IKEV2_PL_KE:
    wire_put_u16(w, p->u.ke.group);
    wire_put_u16(w, 0);
    ike_data_put(w, &p->u.ke.data);
    break;
  case IKEV2_PL_IDI:
  case IKEV2_PL_IDR:
    wire_put_u8(w, p->u.id.type);
    wire_put_zeros(w, 3);
    ike_data_put(w, &p->u.id.data);
    break;
  case IKEV2_PL_CERT:
  case IKEV2_PL_CERTREQ:
    wire_put_u8(w, p->u.cert.encoding);
    ike_data_put(w, &p->u.cert.data);
    break;
  case IKEV2_PL_AUTH:
    wire_put_u8(w, p->u.auth.method);
    wire_put_zeros(w, 3);
    ike_data_put(w, &p->u.auth.data);
    break;
  case IKEV2_PL_NONCE: ike_data_put(w, &p->u.nonce); break;
  case IKEV2_PL_NOTIFY:
    wire_put_u8(w, p->u.notify.protocol);
    wire_put_u8(w, p->u.notify.spi_size);
    wire_put_u16(w, p->u.notify.type);
    wire_put_bytes(w, p->u.notify.spi, p->u.notify.spi_size);
    ike_data_put(w, &p->u.notify.data);
    break;
  case IKEV2_PL_DELETE:
    wire_put_u8(w, p->u.del.protocol);
    wire_put_u8(w, p->u.del.spi_size);
    wire_put_u16(w, p->u.del.n_spis);
    ike_data_put(w, &p->u.del.spis);
    break;
  case IKEV2_PL_VENDOR: ike_data_put(w, &p->u.vendor); break;
  case IKEV2_PL_TSI:
  case IKEV2_PL_TSR: encode_ts(w, &p->u.ts); break;
  case IKEV2_PL_CP:
    wire_put_u8(w, p->u.cp.cfg_type);
    wire_put_zeros(w, 3);
    for (size_t i = 0; i < p->u.cp.n_attrs; i++) {
      wire_put_u16(w, p->u.cp.attrs[i].type & 0x7fff);
      wire_put_u16(w, (uint16_t)p->u.cp.attrs[i].value.n);
      ike_data_put(w, &p->u.cp.attrs[i].value);
    }
    break;
  case IKEV2_PL_EAP: ike_data_put(w, &p->u.eap); break;
  case IKEV2_PL_SK: ike_data_put(w, &p->u.sk.data); break;
  case IKEV2_PL_SKF:
    wire_put_u16(w, p->u.sk.frag_num);
    wire_put_u16(w, p->u.sk.frag_total);
    ike_data_put(w, &p->u.sk.data);
    break;
  default: ike_data_put(w, &p->u.unknown); break;
  }
  return wire_writer_ok(w);
}

bool ikev2_payloads_encode(const Ikev2Payload *p, size_t n, WireWriter *w)
{
  for (size_t i = 0; i < n; i++) {
    uint8_t next = i + 1 < n ? p[i + 1].type : IKEV2_PL_NONE;
    if (p[i].type == IKEV2_PL_SK || p[i].type == IKEV2_PL_SKF)
      next = p[i].u.sk.inner_next; /* RFC 7296 3.14: the first inner payload's type */
    IkeLenMark mark = ike_generic_hdr_put(w, next, p[i].critical ? 0x80 : 0);
    ikev2_payload_body_encode(&p[i], w);
    ike_len_end(w, mark);
  }
  return wire_writer_ok(w);
}

bool ikev2_message_encode(const Ikev2Message *m, WireWriter *w)
{
  Ikev2Header h = m->hdr;
  h.next_payload = m->n_payloads ? m->payloads[0].type : IKEV2_PL_NONE;
  IkeLenMark mark = ike_fixed_hdr_put(w, &h, IKEV2_MAJOR_VERSION);
  ikev2_payloads_encode(m->payloads, m->n_payloads, w);
  ike_len_end(w, mark);
  return wire_writer_ok(w);
}
