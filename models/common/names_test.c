/* SPDX-License-Identifier: MIT */
/* Tests of enum name tables, unknown values, and the nearest-name hint. */
#include "models/common/ipsec_ids.h"
#include "models/common/names.h"

#include <glib.h>

NAME_TABLE(test_exchange_names, "IKEv2 exchange type", {34, "IKE_SA_INIT"}, {35, "IKE_AUTH"},
           {36, "CREATE_CHILD_SA"}, {37, "INFORMATIONAL"});
extern const NameTable test_exchange_names;

static void test_lookup(void)
{
  char buf[NAME_BUFSZ];
  g_assert_cmpstr(name_get(&test_exchange_names, 35), ==, "IKE_AUTH");
  g_assert_null(name_get(&test_exchange_names, 42));
  g_assert_cmpstr(name_fmt(&test_exchange_names, 42, buf), ==, "<42>");
  g_assert_cmpstr(name_fmt(&test_exchange_names, -1, buf), ==, "<-1>");
  g_assert_cmpstr(name_fmt(&test_exchange_names, INT64_MIN, buf), ==, "<-9223372036854775808>");
  g_assert_cmpstr(name_fmt(&test_exchange_names, 37, buf), ==, "INFORMATIONAL");
  g_assert_cmpstr(test_exchange_names.what, ==, "IKEv2 exchange type");
}

static void test_parse(void)
{
  int64_t v = 0;
  g_assert_true(name_parse(&test_exchange_names, "CREATE_CHILD_SA", &v));
  g_assert_cmpint(v, ==, 36);
  g_assert_false(name_parse(&test_exchange_names, "create_child_sa", &v));
  g_assert_true(name_parse_nocase(&test_exchange_names, "create_child_sa", &v));
  g_assert_false(name_parse(&test_exchange_names, NULL, &v));
  g_assert_false(name_parse_nocase(&test_exchange_names, "nope", &v));
}

static void test_nearest(void)
{
  g_assert_cmpstr(name_nearest(&test_exchange_names, "IKE_AUHT"), ==, "IKE_AUTH");
  g_assert_cmpstr(name_nearest(&test_exchange_names, "ike_sa_int"), ==, "IKE_SA_INIT");
  g_assert_null(name_nearest(&test_exchange_names, "BGP"));
  g_assert_cmpuint(str_edit_distance("", ""), ==, 0);
  g_assert_cmpuint(str_edit_distance("abc", ""), ==, 3);
  g_assert_cmpuint(str_edit_distance("kitten", "sitting"), ==, 3);
  static const char *const keys[] = {"sku", "vpnType", "activeActive", "enableBgp"};
  g_assert_cmpstr(str_nearest("vpntype", keys, 4), ==, "vpnType");
  g_assert_cmpstr(str_nearest("enableBGP", keys, 4), ==, "enableBgp");
  g_assert_cmpstr(str_nearest("sk", keys, 4), ==, "sku");
  g_assert_null(str_nearest("completelyDifferent", keys, 4));
  g_assert_null(str_nearest(NULL, keys, 4));
}

/* The IANA registries: spot checks of values that the IKE and ESP modules rely on. */
static void test_ipsec_ids(void)
{
  g_assert_cmpstr(name_get(&ike_encr_names, 12), ==, "ENCR_AES_CBC");
  g_assert_cmpstr(name_get(&ike_encr_names, 20), ==, "ENCR_AES_GCM_16");
  g_assert_cmpstr(name_get(&ike_prf_names, 5), ==, "PRF_HMAC_SHA2_256");
  g_assert_cmpstr(name_get(&ike_integ_names, 12), ==, "AUTH_HMAC_SHA2_256_128");
  g_assert_cmpstr(name_get(&ike_dh_names, 14), ==, "MODP_2048");
  g_assert_cmpstr(name_get(&ike_dh_names, 24), ==, "MODP_2048_256");
  g_assert_cmpstr(name_get(&ike_dh_names, 20), ==, "ECP_384");
  g_assert_true(ike_transform_id_names(IKE_TRANSFORM_DH) == &ike_dh_names);
  g_assert_null(ike_transform_id_names(9));
  /* every table is free of duplicate values and names */
  const NameTable *tables[] = {&ike_transform_type_names, &ike_encr_names, &ike_prf_names,
                               &ike_integ_names, &ike_dh_names, &ike_esn_names};
  for (size_t t = 0; t < G_N_ELEMENTS(tables); t++)
    for (size_t i = 0; i < tables[t]->n; i++)
      for (size_t j = i + 1; j < tables[t]->n; j++) {
        g_assert_cmpint(tables[t]->entries[i].value, !=, tables[t]->entries[j].value);
        g_assert_cmpstr(tables[t]->entries[i].name, !=, tables[t]->entries[j].name);
      }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/names/lookup", test_lookup);
  g_test_add_func("/names/parse", test_parse);
  g_test_add_func("/names/nearest", test_nearest);
  g_test_add_func("/names/ipsec-ids", test_ipsec_ids);
  return g_test_run();
}
