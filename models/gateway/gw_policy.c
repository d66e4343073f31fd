/* SPDX-License-Identifier: MIT */
/* The policy vocabulary tables: Azure value names -> IANA transforms, and the default
 * proposal lists and lifetimes (azure-vpn-facts.md 2, 3.1, 3.2). */
#include "models/gateway/gw_policy.h"

#include <glib.h>
#include <string.h>
#include <stdlib.h>

#define CUR GW_VOCAB_CURRENT
#define OLD GW_VOCAB_OLDER
#define DEF GW_VOCAB_DEFAULT
#define T(type_, id_, bits_) {.type = IKE_TRANSFORM_##type_, .id = (id_), .key_bits = (bits_)}

/* IkeEncryption: current GCMAES256, GCMAES128, AES256, AES192, AES128 (facts 3.1); older
 * revisions AES256, AES192, AES128, DES3, DES (facts 11). GCM in IKE is RFC 5282 with the
 * 16-octet ICV (ENCR_AES_GCM_16); AES is CBC (RFC 3602); 3DES RFC 2451. */
static const GwPolicyValue ike_encryption[] = {
    [GW_IKE_ENC_GCMAES256] = {"GCMAES256", T(ENCR, ENCR_AES_GCM_16, 256), CUR, NULL},
    [GW_IKE_ENC_GCMAES128] = {"GCMAES128", T(ENCR, ENCR_AES_GCM_16, 128), CUR, NULL},
    [GW_IKE_ENC_AES256] = {"AES256", T(ENCR, ENCR_AES_CBC, 256), CUR | OLD | DEF, NULL},
    [GW_IKE_ENC_AES192] = {"AES192", T(ENCR, ENCR_AES_CBC, 192), CUR | OLD, NULL},
    [GW_IKE_ENC_AES128] = {"AES128", T(ENCR, ENCR_AES_CBC, 128), CUR | OLD | DEF, NULL},
    [GW_IKE_ENC_DES3] = {"DES3", T(ENCR, ENCR_3DES, 0), OLD | DEF, NULL},
    [GW_IKE_ENC_DES] = {"DES", T(ENCR, ENCR_DES, 0), OLD, NULL},
};

/* IkeIntegrity: SHA384, SHA256, SHA1, MD5 (facts 3.1) as IKEv2 integrity transforms
 * (RFC 4868, RFC 2404, RFC 2403). The S2S PRF is not documented (facts 12). */
static const GwPolicyValue ike_integrity[] = {
    [GW_IKE_INTEG_SHA384] = {"SHA384", T(INTEG, AUTH_HMAC_SHA2_384_192, 0), CUR, NULL},
    [GW_IKE_INTEG_SHA256] = {"SHA256", T(INTEG, AUTH_HMAC_SHA2_256_128, 0), CUR | DEF, NULL},
    [GW_IKE_INTEG_SHA1] = {"SHA1", T(INTEG, AUTH_HMAC_SHA1_96, 0), CUR | DEF, NULL},
    [GW_IKE_INTEG_MD5] = {"MD5", T(INTEG, AUTH_HMAC_MD5_96, 0), CUR, NULL},
};

/* DhGroup -> IANA group (facts 3.2): DHGroup14 and DHGroup2048 are aliases of group 14;
 * DHGroup24 is the RFC 5114 2048-bit MODP group with 256-bit subgroup. */
static const GwPolicyValue dh_group[] = {
    [GW_DH_DHGROUP24] = {"DHGroup24", T(DH, DH_MODP_2048_256, 0), CUR, NULL},
    [GW_DH_ECP384] = {"ECP384", T(DH, DH_ECP_384, 0), CUR, NULL},
    [GW_DH_ECP256] = {"ECP256", T(DH, DH_ECP_256, 0), CUR, NULL},
    [GW_DH_DHGROUP14] = {"DHGroup14", T(DH, DH_MODP_2048, 0), CUR, "alias of DHGroup2048"},
    [GW_DH_DHGROUP2048] = {"DHGroup2048", T(DH, DH_MODP_2048, 0), CUR, "alias of DHGroup14"},
    [GW_DH_DHGROUP2] = {"DHGroup2", T(DH, DH_MODP_1024, 0), CUR | DEF, NULL},
    [GW_DH_DHGROUP1] = {"DHGroup1", T(DH, DH_MODP_768, 0), CUR, NULL},
    [GW_DH_NONE] = {"None", T(DH, DH_NONE, 0), CUR, NULL},
};

/* IpsecEncryption (facts 3.1): ESP GCM is RFC 4106 with the 16-octet ICV. */
static const GwPolicyValue ipsec_encryption[] = {
    [GW_ESP_ENC_GCMAES256] = {"GCMAES256", T(ENCR, ENCR_AES_GCM_16, 256), CUR | DEF, NULL},
    [GW_ESP_ENC_GCMAES192] = {"GCMAES192", T(ENCR, ENCR_AES_GCM_16, 192), CUR, NULL},
    [GW_ESP_ENC_GCMAES128] = {"GCMAES128", T(ENCR, ENCR_AES_GCM_16, 128), CUR, NULL},
    [GW_ESP_ENC_AES256] = {"AES256", T(ENCR, ENCR_AES_CBC, 256), CUR | DEF, NULL},
    [GW_ESP_ENC_AES192] = {"AES192", T(ENCR, ENCR_AES_CBC, 192), CUR, NULL},
    [GW_ESP_ENC_AES128] = {"AES128", T(ENCR, ENCR_AES_CBC, 128), CUR | DEF, NULL},
    [GW_ESP_ENC_DES3] = {"DES3", T(ENCR, ENCR_3DES, 0), CUR | DEF, NULL},
    [GW_ESP_ENC_DES] = {"DES", T(ENCR, ENCR_DES, 0), CUR | DEF, NULL},
    [GW_ESP_ENC_NONE] = {"None", T(ENCR, ENCR_NULL, 0), CUR, "ESP NULL encryption (RFC 2410)"},
};

/* IpsecIntegrity (facts 3.1): with GCM the integrity is the AEAD's own ICV, so ESP carries
 * no integrity transform (RFC 4106 8.1: NONE or omitted). */
static const GwPolicyValue ipsec_integrity[] = {
    [GW_ESP_INTEG_GCMAES256] = {"GCMAES256", T(INTEG, AUTH_NONE, 0), CUR | DEF,
                                "AEAD: pairs with GCMAES256 encryption"},
    [GW_ESP_INTEG_GCMAES192] = {"GCMAES192", T(INTEG, AUTH_NONE, 0), CUR,
                                "AEAD: pairs with GCMAES192 encryption"},
    [GW_ESP_INTEG_GCMAES128] = {"GCMAES128", T(INTEG, AUTH_NONE, 0), CUR,
                                "AEAD: pairs with GCMAES128 encryption"},
    [GW_ESP_INTEG_SHA256] = {"SHA256", T(INTEG, AUTH_HMAC_SHA2_256_128, 0), CUR | DEF, NULL},
    [GW_ESP_INTEG_SHA1] = {"SHA1", T(INTEG, AUTH_HMAC_SHA1_96, 0), CUR | DEF, NULL},
    [GW_ESP_INTEG_MD5] = {"MD5", T(INTEG, AUTH_HMAC_MD5_96, 0), CUR, NULL},
};

/* PfsGroup -> IANA group (facts 3.2); PFS14 only in an older FAQ revision. */
static const GwPolicyValue pfs_group[] = {
    [GW_PFS_PFS24] = {"PFS24", T(DH, DH_MODP_2048_256, 0), CUR | DEF, NULL},
    [GW_PFS_ECP384] = {"ECP384", T(DH, DH_ECP_384, 0), CUR, NULL},
    [GW_PFS_ECP256] = {"ECP256", T(DH, DH_ECP_256, 0), CUR, NULL},
    [GW_PFS_PFS2048] = {"PFS2048", T(DH, DH_MODP_2048, 0), CUR | DEF, "group 14"},
    [GW_PFS_PFS2] = {"PFS2", T(DH, DH_MODP_1024, 0), CUR | DEF, NULL},
    [GW_PFS_PFS1] = {"PFS1", T(DH, DH_MODP_768, 0), CUR | DEF, NULL},
    [GW_PFS_NONE] = {"None", T(DH, DH_NONE, 0), CUR | DEF, NULL},
    [GW_PFS_PFS14] = {"PFS14", T(DH, DH_MODP_2048, 0), OLD, "group 14"},
};

#define FIELD(key, ps, arr, src) {key, ps, arr, G_N_ELEMENTS(arr), src}
const GwPolicyField gw_policy_fields[GW_FIELD_N] = {
    [GW_FIELD_IKE_ENCRYPTION] = FIELD("ikeEncryption", "IkeEncryption", ike_encryption,
                                      "facts 3.1, 11"),
    [GW_FIELD_IKE_INTEGRITY] = FIELD("ikeIntegrity", "IkeIntegrity", ike_integrity, "facts 3.1"),
    [GW_FIELD_DH_GROUP] = FIELD("dhGroup", "DhGroup", dh_group, "facts 3.1, 3.2"),
    [GW_FIELD_IPSEC_ENCRYPTION] = FIELD("ipsecEncryption", "IpsecEncryption", ipsec_encryption,
                                        "facts 3.1"),
    [GW_FIELD_IPSEC_INTEGRITY] = FIELD("ipsecIntegrity", "IpsecIntegrity", ipsec_integrity,
                                       "facts 3.1"),
    [GW_FIELD_PFS_GROUP] = FIELD("pfsGroup", "PfsGroup", pfs_group, "facts 3.1, 3.2"),
};

const GwPolicyValue *gw_policy_value(GwPolicyFieldId f, int v)
{
  if ((unsigned)f >= GW_FIELD_N || v < 0 || (size_t)v >= gw_policy_fields[f].n)
    return NULL;
  return &gw_policy_fields[f].values[v];
}

const char *gw_policy_value_name(GwPolicyFieldId f, int v)
{
  const GwPolicyValue *pv = gw_policy_value(f, v);
  return pv ? pv->name : "?";
}

bool gw_policy_parse(GwPolicyFieldId f, const char *name, int *v)
{
  if ((unsigned)f >= GW_FIELD_N || !name)
    return false;
  const GwPolicyField *fd = &gw_policy_fields[f];
  for (size_t i = 0; i < fd->n; i++)
    if (strcmp(fd->values[i].name, name) == 0) {
      *v = (int)i;
      return true;
    }
  for (size_t i = 0; i < fd->n; i++)
    if (g_ascii_strcasecmp(fd->values[i].name, name) == 0) {
      *v = (int)i;
      return true;
    }
  return false;
}

const char *gw_policy_nearest(GwPolicyFieldId f, const char *name)
{
  if ((unsigned)f >= GW_FIELD_N || !name)
    return NULL;
  const GwPolicyField *fd = &gw_policy_fields[f];
  const char *names[16];
  g_assert(fd->n <= G_N_ELEMENTS(names));
  for (size_t i = 0; i < fd->n; i++)
    names[i] = fd->values[i].name;
  return str_nearest(name, names, fd->n);
}

unsigned gw_ipsec_encryption_gcm_bits(GwIpsecEncryption e)
{
  const GwPolicyValue *pv = gw_policy_value(GW_FIELD_IPSEC_ENCRYPTION, (int)e);
  return pv && pv->iana.id == ENCR_AES_GCM_16 ? pv->iana.key_bits : 0;
}

unsigned gw_ipsec_integrity_gcm_bits(GwIpsecIntegrity i)
{
  switch (i) {
  case GW_ESP_INTEG_GCMAES256: return 256;
  case GW_ESP_INTEG_GCMAES192: return 192;
  case GW_ESP_INTEG_GCMAES128: return 128;
  default: return 0;
  }
}

/* facts 2.1: phase 1, policy-based, preference order; DH group 2 only. */
static const GwIkeProposal mm_pb[] = {
    {GW_IKE_ENC_AES256, GW_IKE_INTEG_SHA256, GW_DH_DHGROUP2},
    {GW_IKE_ENC_AES256, GW_IKE_INTEG_SHA1, GW_DH_DHGROUP2},
    {GW_IKE_ENC_AES128, GW_IKE_INTEG_SHA1, GW_DH_DHGROUP2},
    {GW_IKE_ENC_DES3, GW_IKE_INTEG_SHA1, GW_DH_DHGROUP2},
};
/* facts 2.1: phase 1, route-based. */
static const GwIkeProposal mm_rb[] = {
    {GW_IKE_ENC_AES256, GW_IKE_INTEG_SHA1, GW_DH_DHGROUP2},
    {GW_IKE_ENC_AES256, GW_IKE_INTEG_SHA256, GW_DH_DHGROUP2},
    {GW_IKE_ENC_AES128, GW_IKE_INTEG_SHA1, GW_DH_DHGROUP2},
    {GW_IKE_ENC_AES128, GW_IKE_INTEG_SHA256, GW_DH_DHGROUP2},
    {GW_IKE_ENC_DES3, GW_IKE_INTEG_SHA1, GW_DH_DHGROUP2},
    {GW_IKE_ENC_DES3, GW_IKE_INTEG_SHA256, GW_DH_DHGROUP2},
};
/* facts 2.2: phase 2, policy-based, no PFS. */
static const GwEspProposal qm_pb[] = {
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA256, GW_PFS_NONE},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA1, GW_PFS_NONE},
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA1, GW_PFS_NONE},
    {GW_ESP_ENC_DES3, GW_ESP_INTEG_SHA1, GW_PFS_NONE},
};
/* facts 2.3: route-based QM offers, Azure as initiator. */
static const GwEspProposal qm_rb_init[] = {
    {GW_ESP_ENC_GCMAES256, GW_ESP_INTEG_GCMAES256, GW_PFS_NONE},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA1, GW_PFS_NONE},
    {GW_ESP_ENC_DES3, GW_ESP_INTEG_SHA1, GW_PFS_NONE},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA256, GW_PFS_NONE},
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA1, GW_PFS_NONE},
    {GW_ESP_ENC_DES3, GW_ESP_INTEG_SHA256, GW_PFS_NONE},
};
/* facts 2.4: route-based QM offers accepted as responder, preference order 1-26. */
static const GwEspProposal qm_rb_resp[] = {
    {GW_ESP_ENC_GCMAES256, GW_ESP_INTEG_GCMAES256, GW_PFS_NONE}, /* 1 */
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA1, GW_PFS_NONE},
    {GW_ESP_ENC_DES3, GW_ESP_INTEG_SHA1, GW_PFS_NONE},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA256, GW_PFS_NONE},
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA1, GW_PFS_NONE}, /* 5 */
    {GW_ESP_ENC_DES3, GW_ESP_INTEG_SHA256, GW_PFS_NONE},
    {GW_ESP_ENC_DES, GW_ESP_INTEG_SHA1, GW_PFS_NONE},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA1, GW_PFS_PFS1},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA1, GW_PFS_PFS2},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA1, GW_PFS_PFS2048}, /* 10: group 14 */
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA1, GW_PFS_PFS1},
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA1, GW_PFS_PFS2},
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA1, GW_PFS_PFS2048},
    {GW_ESP_ENC_DES3, GW_ESP_INTEG_SHA1, GW_PFS_PFS1},
    {GW_ESP_ENC_DES3, GW_ESP_INTEG_SHA1, GW_PFS_PFS2}, /* 15 */
    {GW_ESP_ENC_DES3, GW_ESP_INTEG_SHA256, GW_PFS_PFS2},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA256, GW_PFS_PFS1},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA256, GW_PFS_PFS2},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA256, GW_PFS_PFS2048},
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA1, GW_PFS_PFS24}, /* 20 */
    {GW_ESP_ENC_AES256, GW_ESP_INTEG_SHA256, GW_PFS_PFS24},
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA256, GW_PFS_NONE},
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA256, GW_PFS_PFS1},
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA256, GW_PFS_PFS2},
    {GW_ESP_ENC_AES128, GW_ESP_INTEG_SHA256, GW_PFS_PFS2048}, /* 25 */
    {GW_ESP_ENC_DES3, GW_ESP_INTEG_SHA1, GW_PFS_PFS2048},
};

const GwProposalList gw_default_proposals[] = {
    {"pb-mm", "Policy-based phase 1 (Main Mode), DH group 2", "facts 2.1", mm_pb, NULL,
     G_N_ELEMENTS(mm_pb)},
    {"rb-mm", "Route-based phase 1 (IKE SA), DH group 2", "facts 2.1", mm_rb, NULL,
     G_N_ELEMENTS(mm_rb)},
    {"pb-qm", "Policy-based phase 2 (Quick Mode)", "facts 2.2", NULL, qm_pb,
     G_N_ELEMENTS(qm_pb)},
    {"rb-qm-initiator", "Route-based phase 2 offers, Azure as initiator", "facts 2.3", NULL,
     qm_rb_init, G_N_ELEMENTS(qm_rb_init)},
    {"rb-qm-responder", "Route-based phase 2 offers accepted, Azure as responder", "facts 2.4",
     NULL, qm_rb_resp, G_N_ELEMENTS(qm_rb_resp)},
};
const size_t gw_n_default_proposals = G_N_ELEMENTS(gw_default_proposals);

const GwProposalList *gw_default_proposal_list(const char *id)
{
  for (size_t i = 0; i < gw_n_default_proposals; i++)
    if (strcmp(gw_default_proposals[i].id, id) == 0)
      return &gw_default_proposals[i];
  return NULL;
}

bool gw_offer_fault_add(GwOfferFaults *f, const char *spec)
{
  const char *slash = spec ? strrchr(spec, '/') : NULL;
  if (!slash || !slash[1])
    return false;
  char *end = NULL;
  unsigned long row = strtoul(slash + 1, &end, 10);
  if (*end || row < 1)
    return false;
  for (size_t i = 0; i < gw_n_default_proposals && i < GW_OFFER_LISTS_MAX; i++) {
    const GwProposalList *l = &gw_default_proposals[i];
    if (strlen(l->id) == (size_t)(slash - spec) && !strncmp(l->id, spec, (size_t)(slash - spec))) {
      if (row > l->n || row > 32)
        return false;
      f->off[i] |= 1u << (row - 1);
      return true;
    }
  }
  return false;
}

bool gw_offer_fault_has(const GwOfferFaults *f, const GwProposalList *l, size_t k)
{
  if (!f || !l || k >= 32)
    return false;
  size_t i = (size_t)(l - gw_default_proposals);
  return i < GW_OFFER_LISTS_MAX && (f->off[i] >> k & 1u);
}

const GwPolicyDefault gw_policy_defaults[] = {
    {"mm-lifetime-s", "IKE (MM) SA lifetime, fixed, also with a custom policy", 28800, "s",
     "facts 2.1"},
    {"mm-qm-sas", "QM SAs per MM SA", 100, "SAs", "facts 2.1"},
    {"pb-qm-lifetime-s", "Policy-based QM SA lifetime", 3600, "s", "facts 2.2"},
    {"rb-qm-lifetime-s", "Route-based QM SA lifetime", 27000, "s", "facts 2.2, 3.1"},
    {"qm-lifetime-kb", "QM SA lifetime (volume), both types", 102400000, "KB", "facts 2.2, 3.1"},
    {"custom-qm-lifetime-min-s", "Custom policy saLifeTimeSeconds minimum", 300, "s",
     "facts 3.1"},
    {"custom-qm-lifetime-min-kb", "Custom policy saDataSizeKilobytes minimum", 1024, "KB",
     "facts 3.1"},
    {"dpd-timeout-s", "DPD timeout default", 45, "s", "facts 2.5, 3.1"},
    {"dpd-timeout-min-s", "DPD timeout minimum", 9, "s", "facts 2.5, 3.1"},
    {"dpd-timeout-max-s", "DPD timeout maximum", 3600, "s", "facts 2.5, 3.1"},
};
const size_t gw_n_policy_defaults = G_N_ELEMENTS(gw_policy_defaults);

int64_t gw_policy_default(const char *id)
{
  for (size_t i = 0; i < gw_n_policy_defaults; i++)
    if (strcmp(gw_policy_defaults[i].id, id) == 0)
      return gw_policy_defaults[i].value;
  g_error("gw_policy_default: unknown id '%s'", id);
}
