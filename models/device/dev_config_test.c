/* SPDX-License-Identifier: MIT */
/* Tests of the device configuration: the generic defaults and each consistency check
 * (RFC 7296 3.3 proposal rules, lifetimes, DPD, selectors, identities). */
#include "models/device/dev_config.h"

#include <glib.h>
#include <string.h>

/* A valid configuration: one IKE and one ESP proposal. */
static void valid(DevConfig *c)
{
  dev_config_init(c);
  c->ike_proposals[0] = (DevProposal){.encr = {{ENCR_AES_CBC, 256}}, .n_encr = 1,
                                      .integ = {AUTH_HMAC_SHA2_256_128}, .n_integ = 1,
                                      .prf = {PRF_HMAC_SHA2_256}, .n_prf = 1,
                                      .dh = {DH_MODP_2048}, .n_dh = 1};
  c->n_ike_proposals = 1;
  c->esp_proposals[0] = (DevProposal){.encr = {{ENCR_AES_GCM_16, 256}}, .n_encr = 1,
                                      .esn = {ESN_NO}, .n_esn = 1};
  c->n_esp_proposals = 1;
}

static void test_defaults(void)
{
  DevConfig c;
  dev_config_init(&c);
  g_assert_cmpuint(c.ike_version, ==, 2);
  g_assert_cmpuint(c.ike_lifetime_s, ==, 28800);
  g_assert_cmpuint(c.child_lifetime_s, ==, 3600);
  g_assert_cmpuint(c.dpd_interval_s, ==, 0);
  g_assert_cmpint(c.start_action, ==, DEV_START_RESPOND);
  g_assert_true(c.nat_traversal);
  g_assert_cmpint(c.ts_mode, ==, DEV_TS_ANY);
  /* the generic device has no proposals: a profile or the scenario gives them */
  DevProblem p[8];
  g_assert_cmpuint(dev_config_check(&c, p, 8), ==, 2);
  g_assert_cmpstr(p[0].field, ==, "ikeProposals");
  g_assert_cmpstr(p[1].field, ==, "espProposals");
  valid(&c);
  g_assert_cmpuint(dev_config_check(&c, p, 8), ==, 0);
}

static void test_aead(void)
{
  g_assert_true(dev_encr_is_aead(ENCR_AES_GCM_16));
  g_assert_true(dev_encr_is_aead(ENCR_CHACHA20_POLY1305));
  g_assert_false(dev_encr_is_aead(ENCR_AES_CBC));
  g_assert_false(dev_encr_is_aead(ENCR_3DES));
}

/* Each broken configuration gives exactly one problem on the named field. */
typedef void (*Breaker)(DevConfig *c);
static void b_version(DevConfig *c) { c->ike_version = 3; }
static void b_no_prf(DevConfig *c) { c->ike_proposals[0].n_prf = 0; }
static void b_no_dh(DevConfig *c) { c->ike_proposals[0].n_dh = 0; }
static void b_no_integ(DevConfig *c) { c->ike_proposals[0].n_integ = 0; }
static void b_aead_integ(DevConfig *c)
{
  c->esp_proposals[0].integ[0] = AUTH_HMAC_SHA1_96;
  c->esp_proposals[0].n_integ = 1;
}
static void b_mixed(DevConfig *c)
{
  c->ike_proposals[0].encr[1] = (DevEncr){ENCR_AES_GCM_16, 128};
  c->ike_proposals[0].n_encr = 2;
  c->ike_proposals[0].n_integ = 0; /* so only the mix is wrong... and integ missing is not */
}
static void b_esp_prf(DevConfig *c)
{
  c->esp_proposals[0].prf[0] = PRF_HMAC_SHA1;
  c->esp_proposals[0].n_prf = 1;
}
static void b_ike_esn(DevConfig *c)
{
  c->ike_proposals[0].esn[0] = ESN_NO;
  c->ike_proposals[0].n_esn = 1;
}
static void b_no_encr(DevConfig *c) { c->esp_proposals[0].n_encr = 0; }
static void b_ike_margin(DevConfig *c) { c->ike_rekey_margin_s = c->ike_lifetime_s; }
static void b_child_margin(DevConfig *c) { c->child_rekey_margin_s = 4000; }
static void b_ike_life(DevConfig *c) { c->ike_lifetime_s = 0; }
static void b_fuzz(DevConfig *c) { c->rekey_fuzz_percent = 101; }
static void b_dpd(DevConfig *c)
{
  c->dpd_interval_s = 30;
  c->dpd_timeout_s = 30;
}
static void b_ts(DevConfig *c)
{
  c->ts_mode = DEV_TS_PREFIXES;
  c->n_ts_local = 1;
}
static void b_id(DevConfig *c) { c->local_id = (DevIdentity){DEV_ID_FQDN, ""}; }

static void test_checks(void)
{
  static const struct {
    Breaker b;
    const char *field, *text;
  } cases[] = {
      {b_version, "ikeVersion", "not 1 or 2"},
      {b_no_prf, "ikeProposals", "no PRF"},
      {b_no_dh, "ikeProposals", "no Diffie-Hellman"},
      {b_no_integ, "ikeProposals", "no integrity"},
      {b_aead_integ, "espProposals", "AEAD cipher and an integrity"},
      {b_mixed, "ikeProposals", "mixes AEAD"},
      {b_esp_prf, "espProposals", "ESP does not negotiate"},
      {b_ike_esn, "ikeProposals", "ESN transform"},
      {b_no_encr, "espProposals", "no encryption"},
      {b_ike_margin, "ikeRekeyMargin", "not below the lifetime"},
      {b_child_margin, "childRekeyMargin", "not below the lifetime"},
      {b_ike_life, "ikeLifetime", "lifetime is zero"},
      {b_fuzz, "rekeyFuzz", "above 100%"},
      {b_dpd, "dpd", "not above the interval"},
      {b_ts, "trafficSelectors", "local and remote"},
      {b_id, "localId", "no value"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    DevConfig c;
    valid(&c);
    cases[i].b(&c);
    DevProblem p[8];
    size_t n = dev_config_check(&c, p, 8);
    if (n != 1 || strcmp(p[0].field, cases[i].field) != 0 || !strstr(p[0].message, cases[i].text))
      g_error("case %zu: %zu problems, first %s: %s", i, n, n ? p[0].field : "-",
              n ? p[0].message : "-");
  }
  /* more problems than room: all counted, max written */
  DevConfig c;
  dev_config_init(&c);
  c.ike_version = 9;
  DevProblem one[1];
  g_assert_cmpuint(dev_config_check(&c, one, 1), ==, 3);
  g_assert_cmpstr(one[0].field, ==, "ikeVersion");
}

static void test_names(void)
{
  int64_t v;
  g_assert_true(name_parse(&dev_start_action_names, "on-traffic", &v));
  g_assert_cmpint(v, ==, DEV_START_ON_TRAFFIC);
  g_assert_cmpstr(name_get(&dev_dpd_action_names, DEV_DPD_RESTART), ==, "restart");
  g_assert_cmpstr(name_get(&dev_id_type_names, DEV_ID_RFC822_ADDR), ==, "email");
  /* RFC 7296 3.5 ID types */
  g_assert_cmpint(DEV_ID_IPV4_ADDR, ==, 1);
  g_assert_cmpint(DEV_ID_FQDN, ==, 2);
  g_assert_cmpint(DEV_ID_RFC822_ADDR, ==, 3);
  g_assert_cmpint(DEV_ID_KEY_ID, ==, 11);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/dev_config/defaults", test_defaults);
  g_test_add_func("/dev_config/aead", test_aead);
  g_test_add_func("/dev_config/checks", test_checks);
  g_test_add_func("/dev_config/names", test_names);
  return g_test_run();
}
