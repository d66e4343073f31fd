/* SPDX-License-Identifier: MIT */
/* Tests of the policy vocabulary: Azure names -> IANA transforms (azure-vpn-facts.md 3.1,
 * 3.2) and the default proposal lists and lifetimes (facts 2). */
#include "models/gateway/gw_policy.h"

#include <glib.h>

static int parse(GwPolicyFieldId f, const char *name)
{
  int v = -1;
  g_assert_true(gw_policy_parse(f, name, &v));
  return v;
}

static void test_dh_mapping(void)
{
  /* facts 3.2: the DH / PFS name -> IANA group table, row by row */
  static const struct {
    GwPolicyFieldId f;
    const char *name;
    unsigned group;
  } rows[] = {
      {GW_FIELD_DH_GROUP, "DHGroup1", 1},     {GW_FIELD_PFS_GROUP, "PFS1", 1},
      {GW_FIELD_DH_GROUP, "DHGroup2", 2},     {GW_FIELD_PFS_GROUP, "PFS2", 2},
      {GW_FIELD_DH_GROUP, "DHGroup14", 14},   {GW_FIELD_DH_GROUP, "DHGroup2048", 14},
      {GW_FIELD_PFS_GROUP, "PFS2048", 14},    {GW_FIELD_PFS_GROUP, "PFS14", 14},
      {GW_FIELD_DH_GROUP, "ECP256", 19},      {GW_FIELD_PFS_GROUP, "ECP256", 19},
      {GW_FIELD_DH_GROUP, "ECP384", 20},      {GW_FIELD_PFS_GROUP, "ECP384", 20},
      {GW_FIELD_DH_GROUP, "DHGroup24", 24},   {GW_FIELD_PFS_GROUP, "PFS24", 24},
      {GW_FIELD_DH_GROUP, "None", 0},         {GW_FIELD_PFS_GROUP, "None", 0},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const GwPolicyValue *pv = gw_policy_value(rows[i].f, parse(rows[i].f, rows[i].name));
    g_assert_cmpint(pv->iana.type, ==, IKE_TRANSFORM_DH);
    g_assert_cmpuint(pv->iana.id, ==, rows[i].group);
  }
  /* PFS2048 is group 14, the PowerShell naming trap of interop-failures.md 4 */
  g_assert_cmpstr(name_get(&ike_dh_names, gw_policy_value(GW_FIELD_PFS_GROUP,
                                                          GW_PFS_PFS2048)->iana.id),
                  ==, "MODP_2048");
  /* PFS14 is only in an older revision (facts 3.2) */
  g_assert_cmpuint(gw_policy_value(GW_FIELD_PFS_GROUP, GW_PFS_PFS14)->flags, ==,
                   GW_VOCAB_OLDER);
  /* "PFS14" is not a DhGroup name, "DHGroup2048" not a PfsGroup name */
  int v;
  g_assert_false(gw_policy_parse(GW_FIELD_DH_GROUP, "PFS14", &v));
  g_assert_false(gw_policy_parse(GW_FIELD_PFS_GROUP, "DHGroup2048", &v));
}

static void test_algorithms(void)
{
  const GwPolicyValue *pv;
  pv = gw_policy_value(GW_FIELD_IPSEC_ENCRYPTION, parse(GW_FIELD_IPSEC_ENCRYPTION, "GCMAES192"));
  g_assert_cmpuint(pv->iana.id, ==, ENCR_AES_GCM_16); /* RFC 4106, 16-octet ICV */
  g_assert_cmpuint(pv->iana.key_bits, ==, 192);
  pv = gw_policy_value(GW_FIELD_IKE_ENCRYPTION, parse(GW_FIELD_IKE_ENCRYPTION, "AES192"));
  g_assert_cmpuint(pv->iana.id, ==, ENCR_AES_CBC);
  g_assert_cmpuint(pv->iana.key_bits, ==, 192);
  pv = gw_policy_value(GW_FIELD_IPSEC_ENCRYPTION, parse(GW_FIELD_IPSEC_ENCRYPTION, "DES3"));
  g_assert_cmpuint(pv->iana.id, ==, ENCR_3DES);
  pv = gw_policy_value(GW_FIELD_IPSEC_ENCRYPTION, parse(GW_FIELD_IPSEC_ENCRYPTION, "None"));
  g_assert_cmpuint(pv->iana.id, ==, ENCR_NULL);
  pv = gw_policy_value(GW_FIELD_IKE_INTEGRITY, parse(GW_FIELD_IKE_INTEGRITY, "SHA384"));
  g_assert_cmpuint(pv->iana.type, ==, IKE_TRANSFORM_INTEG);
  g_assert_cmpuint(pv->iana.id, ==, AUTH_HMAC_SHA2_384_192);
  pv = gw_policy_value(GW_FIELD_IPSEC_INTEGRITY, parse(GW_FIELD_IPSEC_INTEGRITY, "SHA256"));
  g_assert_cmpuint(pv->iana.id, ==, AUTH_HMAC_SHA2_256_128);
  pv = gw_policy_value(GW_FIELD_IPSEC_INTEGRITY, parse(GW_FIELD_IPSEC_INTEGRITY, "GCMAES128"));
  g_assert_cmpuint(pv->iana.id, ==, AUTH_NONE);
  g_assert_cmpuint(gw_ipsec_encryption_gcm_bits(GW_ESP_ENC_GCMAES128), ==, 128);
  g_assert_cmpuint(gw_ipsec_encryption_gcm_bits(GW_ESP_ENC_AES128), ==, 0);
  g_assert_cmpuint(gw_ipsec_integrity_gcm_bits(GW_ESP_INTEG_GCMAES256), ==, 256);
  g_assert_cmpuint(gw_ipsec_integrity_gcm_bits(GW_ESP_INTEG_SHA1), ==, 0);
  /* case-insensitive as PowerShell; unknown names refused with a hint */
  g_assert_cmpint(parse(GW_FIELD_DH_GROUP, "dhgroup14"), ==, GW_DH_DHGROUP14);
  int v;
  g_assert_false(gw_policy_parse(GW_FIELD_IKE_ENCRYPTION, "AES512", &v));
  g_assert_false(gw_policy_parse(GW_FIELD_IKE_ENCRYPTION, NULL, &v));
  g_assert_cmpstr(gw_policy_nearest(GW_FIELD_IKE_INTEGRITY, "SHA265"), ==, "SHA256");
  g_assert_null(gw_policy_value(GW_FIELD_IKE_INTEGRITY, 99));
  g_assert_null(gw_policy_value(GW_FIELD_IKE_INTEGRITY, -1));
}

/* The current allowed lists of facts 3.1, exactly, in order. */
static void test_current_lists(void)
{
  static const char *const want[GW_FIELD_N] = {
      [GW_FIELD_IKE_ENCRYPTION] = "GCMAES256 GCMAES128 AES256 AES192 AES128",
      [GW_FIELD_IKE_INTEGRITY] = "SHA384 SHA256 SHA1 MD5",
      [GW_FIELD_DH_GROUP] = "DHGroup24 ECP384 ECP256 DHGroup14 DHGroup2048 DHGroup2 DHGroup1 None",
      [GW_FIELD_IPSEC_ENCRYPTION] =
          "GCMAES256 GCMAES192 GCMAES128 AES256 AES192 AES128 DES3 DES None",
      [GW_FIELD_IPSEC_INTEGRITY] = "GCMAES256 GCMAES192 GCMAES128 SHA256 SHA1 MD5",
      [GW_FIELD_PFS_GROUP] = "PFS24 ECP384 ECP256 PFS2048 PFS2 PFS1 None",
  };
  for (int f = 0; f < GW_FIELD_N; f++) {
    g_autoptr(GString) got = g_string_new(NULL);
    for (size_t i = 0; i < gw_policy_fields[f].n; i++)
      if (gw_policy_fields[f].values[i].flags & GW_VOCAB_CURRENT)
        g_string_append_printf(got, "%s%s", got->len ? " " : "",
                               gw_policy_fields[f].values[i].name);
    g_assert_cmpstr(got->str, ==, want[f]);
  }
  /* facts 11: the older IKE encryption list AES256, AES192, AES128, DES3, DES */
  g_autoptr(GString) older = g_string_new(NULL);
  for (size_t i = 0; i < gw_policy_fields[GW_FIELD_IKE_ENCRYPTION].n; i++)
    if (gw_policy_fields[GW_FIELD_IKE_ENCRYPTION].values[i].flags & GW_VOCAB_OLDER)
      g_string_append_printf(older, "%s%s", older->len ? " " : "",
                             gw_policy_fields[GW_FIELD_IKE_ENCRYPTION].values[i].name);
  g_assert_cmpstr(older->str, ==, "AES256 AES192 AES128 DES3 DES");
}

static void test_default_proposals(void)
{
  const GwProposalList *l = gw_default_proposal_list("rb-mm");
  /* facts 2.1: 6 route-based phase-1 proposals, AES256/SHA1 first, all DH group 2 */
  g_assert_cmpuint(l->n, ==, 6);
  g_assert_cmpint(l->ike[0].enc, ==, GW_IKE_ENC_AES256);
  g_assert_cmpint(l->ike[0].integ, ==, GW_IKE_INTEG_SHA1);
  for (size_t i = 0; i < l->n; i++)
    g_assert_cmpuint(gw_policy_value(GW_FIELD_DH_GROUP, l->ike[i].dh)->iana.id, ==, 2);
  l = gw_default_proposal_list("pb-mm");
  g_assert_cmpuint(l->n, ==, 4);
  g_assert_cmpint(l->ike[0].integ, ==, GW_IKE_INTEG_SHA256);
  g_assert_cmpint(l->ike[3].enc, ==, GW_IKE_ENC_DES3);
  /* facts 2.3: initiator never proposes PFS; GCM first */
  l = gw_default_proposal_list("rb-qm-initiator");
  g_assert_cmpuint(l->n, ==, 6);
  g_assert_cmpint(l->esp[0].enc, ==, GW_ESP_ENC_GCMAES256);
  for (size_t i = 0; i < l->n; i++)
    g_assert_cmpint(l->esp[i].pfs, ==, GW_PFS_NONE);
  /* facts 2.4: 26 responder offers; #7 DES/SHA1, #19 AES256/SHA256/PFS 14, #21 PFS 24 */
  l = gw_default_proposal_list("rb-qm-responder");
  g_assert_cmpuint(l->n, ==, 26);
  g_assert_cmpint(l->esp[6].enc, ==, GW_ESP_ENC_DES);
  g_assert_cmpuint(gw_policy_value(GW_FIELD_PFS_GROUP, l->esp[18].pfs)->iana.id, ==, 14);
  g_assert_cmpuint(gw_policy_value(GW_FIELD_PFS_GROUP, l->esp[20].pfs)->iana.id, ==, 24);
  g_assert_cmpint(l->esp[25].enc, ==, GW_ESP_ENC_DES3);
  /* "the responder accepts PFS groups 1, 2, 14, 24" and none (facts 2.4 observation) */
  unsigned seen = 0;
  for (size_t i = 0; i < l->n; i++)
    seen |= 1u << gw_policy_value(GW_FIELD_PFS_GROUP, l->esp[i].pfs)->iana.id;
  g_assert_cmpuint(seen, ==, (1u << 0) | (1u << 1) | (1u << 2) | (1u << 14) | (1u << 24));
  g_assert_cmpuint(gw_default_proposal_list("pb-qm")->n, ==, 4);
  g_assert_null(gw_default_proposal_list("nope"));
  /* facts 2.1, 2.2, 3.1 */
  g_assert_cmpint(gw_policy_default("mm-lifetime-s"), ==, 28800);
  g_assert_cmpint(gw_policy_default("pb-qm-lifetime-s"), ==, 3600);
  g_assert_cmpint(gw_policy_default("rb-qm-lifetime-s"), ==, 27000);
  g_assert_cmpint(gw_policy_default("qm-lifetime-kb"), ==, 102400000);
  g_assert_cmpint(gw_policy_default("custom-qm-lifetime-min-s"), ==, 300);
  g_assert_cmpint(gw_policy_default("custom-qm-lifetime-min-kb"), ==, 1024);
  g_assert_cmpint(gw_policy_default("dpd-timeout-s"), ==, 45);
  g_assert_cmpint(gw_policy_default("mm-qm-sas"), ==, 100);
}

/* A faulty gateway's rows left out (faults: {defaultOffersOff}): LIST/ROW, rows from 1. */
static void test_offer_faults(void)
{
  GwOfferFaults f = {0};
  const GwProposalList *mm = gw_default_proposal_list("rb-mm");
  const GwProposalList *qr = gw_default_proposal_list("rb-qm-responder");
  g_assert_true(gw_offer_fault_add(&f, "rb-mm/3"));
  g_assert_true(gw_offer_fault_add(&f, "rb-qm-responder/26"));
  g_assert_true(gw_offer_fault_has(&f, mm, 2));
  g_assert_false(gw_offer_fault_has(&f, mm, 3));
  g_assert_true(gw_offer_fault_has(&f, qr, 25));
  g_assert_false(gw_offer_fault_has(&f, gw_default_proposal_list("pb-mm"), 2));
  g_assert_false(gw_offer_fault_has(NULL, mm, 2));
  g_assert_false(gw_offer_fault_add(&f, "rb-mm/7"));
  g_assert_false(gw_offer_fault_add(&f, "rb-mm/0"));
  g_assert_false(gw_offer_fault_add(&f, "rb-mm/"));
  g_assert_false(gw_offer_fault_add(&f, "rb-mm/1x"));
  g_assert_false(gw_offer_fault_add(&f, "rb/1"));
  g_assert_false(gw_offer_fault_add(&f, "rb-mm"));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/gw_policy/dh-pfs-iana", test_dh_mapping);
  g_test_add_func("/gw_policy/algorithms", test_algorithms);
  g_test_add_func("/gw_policy/current-lists", test_current_lists);
  g_test_add_func("/gw_policy/default-proposals", test_default_proposals);
  g_test_add_func("/gw_policy/offer-faults", test_offer_faults);
  return g_test_run();
}
