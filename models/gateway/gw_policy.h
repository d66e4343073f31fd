/* SPDX-License-Identifier: MIT */
/* The IPsec/IKE policy vocabulary of the gateway: custom policy field values with their
 * IANA transform (azure-vpn-facts.md 3.1, 3.2) and the default proposal lists (facts 2). */
#pragma once

#include "models/common/ipsec_ids.h"
#include "models/gateway/gw_config.h"

#include <stddef.h>
#include <stdint.h>

/* The custom policy fields, in the order of facts 3.1. */
typedef enum {
  GW_FIELD_IKE_ENCRYPTION,
  GW_FIELD_IKE_INTEGRITY,
  GW_FIELD_DH_GROUP,
  GW_FIELD_IPSEC_ENCRYPTION,
  GW_FIELD_IPSEC_INTEGRITY,
  GW_FIELD_PFS_GROUP,
  GW_FIELD_N
} GwPolicyFieldId;

/* Each enum's value is the index of its row in the field's value table. */
typedef enum {
  GW_IKE_ENC_GCMAES256, GW_IKE_ENC_GCMAES128, GW_IKE_ENC_AES256, GW_IKE_ENC_AES192,
  GW_IKE_ENC_AES128, GW_IKE_ENC_DES3, GW_IKE_ENC_DES,
} GwIkeEncryption;
typedef enum {
  GW_IKE_INTEG_SHA384, GW_IKE_INTEG_SHA256, GW_IKE_INTEG_SHA1, GW_IKE_INTEG_MD5,
} GwIkeIntegrity;
typedef enum {
  GW_DH_DHGROUP24, GW_DH_ECP384, GW_DH_ECP256, GW_DH_DHGROUP14, GW_DH_DHGROUP2048,
  GW_DH_DHGROUP2, GW_DH_DHGROUP1, GW_DH_NONE,
} GwDhGroup;
typedef enum {
  GW_ESP_ENC_GCMAES256, GW_ESP_ENC_GCMAES192, GW_ESP_ENC_GCMAES128, GW_ESP_ENC_AES256,
  GW_ESP_ENC_AES192, GW_ESP_ENC_AES128, GW_ESP_ENC_DES3, GW_ESP_ENC_DES, GW_ESP_ENC_NONE,
} GwIpsecEncryption;
typedef enum {
  GW_ESP_INTEG_GCMAES256, GW_ESP_INTEG_GCMAES192, GW_ESP_INTEG_GCMAES128, GW_ESP_INTEG_SHA256,
  GW_ESP_INTEG_SHA1, GW_ESP_INTEG_MD5,
} GwIpsecIntegrity;
typedef enum {
  GW_PFS_PFS24, GW_PFS_ECP384, GW_PFS_ECP256, GW_PFS_PFS2048, GW_PFS_PFS2, GW_PFS_PFS1,
  GW_PFS_NONE, GW_PFS_PFS14,
} GwPfsGroup;

/* Where a value is documented. */
typedef enum {
  GW_VOCAB_CURRENT = 1 << 0, /* in the current allowed list (facts 3.1) */
  GW_VOCAB_OLDER = 1 << 1,   /* in an older revision's list (facts 3.2, 11) */
  GW_VOCAB_DEFAULT = 1 << 2, /* used by the default proposals only (facts 2) */
} GwVocabFlag;

/* An IANA transform (RFC 7296 3.3.2): type, ID and, for AES, the key length attribute. */
typedef struct {
  IkeTransformType type;
  uint16_t id;
  uint16_t key_bits; /* 0: no Key Length attribute */
} GwTransform;

typedef struct {
  const char *name; /* the Azure spelling: "DHGroup2048" */
  GwTransform iana;
  unsigned flags;   /* GwVocabFlag */
  const char *note;
} GwPolicyValue;

typedef struct {
  const char *field;    /* scenario key (ARM ipsecPolicies property): "dhGroup" */
  const char *ps_name;  /* PowerShell parameter: "DhGroup" */
  const GwPolicyValue *values;
  size_t n;
  const char *source;
} GwPolicyField;

extern const GwPolicyField gw_policy_fields[GW_FIELD_N];

/* The row of value v of field f, or NULL when out of range. */
const GwPolicyValue *gw_policy_value(GwPolicyFieldId f, int v);
const char *gw_policy_value_name(GwPolicyFieldId f, int v); /* "<v>" never: "?" */
/* Parse an Azure spelling (exact, then ignoring case as PowerShell does). */
bool gw_policy_parse(GwPolicyFieldId f, const char *name, int *v);
/* The nearest spelling, for "did you mean" (NULL when none is close). */
const char *gw_policy_nearest(GwPolicyFieldId f, const char *name);
/* True for the GCMAES* values of IpsecEncryption / IpsecIntegrity, with the key bits. */
unsigned gw_ipsec_encryption_gcm_bits(GwIpsecEncryption e);
unsigned gw_ipsec_integrity_gcm_bits(GwIpsecIntegrity i);

/* Default proposals (facts 2). */
typedef struct {
  GwIkeEncryption enc;
  GwIkeIntegrity integ; /* "hash" in IKEv1 terms */
  GwDhGroup dh;
} GwIkeProposal;

typedef struct {
  GwIpsecEncryption enc;
  GwIpsecIntegrity integ;
  GwPfsGroup pfs;
} GwEspProposal;

typedef struct {
  const char *id;     /* "rb-qm-responder" */
  const char *title;
  const char *source; /* facts section */
  const GwIkeProposal *ike; /* one of ike/esp is set */
  const GwEspProposal *esp;
  size_t n;
} GwProposalList;

extern const GwProposalList gw_default_proposals[];
extern const size_t gw_n_default_proposals;
const GwProposalList *gw_default_proposal_list(const char *id);

/* A faulty gateway (conformance checks, scenario faults: {defaultOffersOff: [...]}): rows
 * of its default proposal lists it leaves out, bit (row - 1) of off[list index in
 * gw_default_proposals]. */
#define GW_OFFER_LISTS_MAX 8
typedef struct {
  uint32_t off[GW_OFFER_LISTS_MAX];
} GwOfferFaults;
/* Add "LIST/ROW" (e.g. "rb-mm/3", rows from 1): false when there is no such list or row. */
bool gw_offer_fault_add(GwOfferFaults *f, const char *spec);
/* Is row k (from 0) of list l left out? f may be NULL (none). */
bool gw_offer_fault_has(const GwOfferFaults *f, const GwProposalList *l, size_t k);

/* Default lifetimes and counts (facts 2.1, 2.2, 3.1). */
typedef struct {
  const char *id;
  const char *title;
  int64_t value;
  const char *unit;
  const char *source;
} GwPolicyDefault;
extern const GwPolicyDefault gw_policy_defaults[];
extern const size_t gw_n_policy_defaults;
/* The value of a default by id ("mm-lifetime-s"); aborts on an unknown id (API misuse). */
int64_t gw_policy_default(const char *id);
