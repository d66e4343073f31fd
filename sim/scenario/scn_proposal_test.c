/* SPDX-License-Identifier: MIT */
/* Tests of proposal keywords: each kind to its IANA transform ID (IKEv2 registry, RFC 7296
 * 3.3.2), strongSwan's implied PRFs and default ESN, refusals with hints, and the round
 * trip through the formatter. */
#include "sim/scenario/scn_proposal.h"

#include <glib.h>
#include <string.h>

static void test_ike(void)
{
  DevProposal p;
  g_assert_true(scn_proposal_parse("aes256-sha256-modp2048", true, &p, NULL));
  g_assert_cmpuint(p.n_encr, ==, 1);
  g_assert_cmpuint(p.encr[0].id, ==, 12); /* ENCR_AES_CBC */
  g_assert_cmpuint(p.encr[0].key_bits, ==, 256);
  g_assert_cmpuint(p.n_integ, ==, 1);
  g_assert_cmpuint(p.integ[0], ==, 12); /* AUTH_HMAC_SHA2_256_128 */
  g_assert_cmpuint(p.n_prf, ==, 1);     /* implied by sha256 */
  g_assert_cmpuint(p.prf[0], ==, 5);    /* PRF_HMAC_SHA2_256 */
  g_assert_cmpuint(p.n_dh, ==, 1);
  g_assert_cmpuint(p.dh[0], ==, 14);    /* MODP 2048, RFC 3526 */
  g_assert_cmpuint(p.n_esn, ==, 0);

  /* explicit PRFs replace the implied ones; several of a kind keep their order */
  g_assert_true(scn_proposal_parse("aes256gcm16-aes128gcm16-prfsha384-prfsha256-ecp384-x25519",
                                   true, &p, NULL));
  g_assert_cmpuint(p.n_encr, ==, 2);
  g_assert_cmpuint(p.encr[0].id, ==, 20); /* ENCR_AES_GCM_16, RFC 4106 */
  g_assert_cmpuint(p.encr[1].key_bits, ==, 128);
  g_assert_cmpuint(p.n_integ, ==, 0);
  g_assert_cmpuint(p.n_prf, ==, 2);
  g_assert_cmpuint(p.prf[0], ==, 6); /* PRF_HMAC_SHA2_384 */
  g_assert_cmpuint(p.dh[0], ==, 20); /* ECP 384, RFC 5903 */
  g_assert_cmpuint(p.dh[1], ==, 31); /* Curve25519, RFC 8031 */

  /* a repeated keyword is offered once; sha1 gives HMAC_SHA1_96 and PRF_HMAC_SHA1 */
  g_assert_true(scn_proposal_parse("3des-sha1-sha1-modp1024", true, &p, NULL));
  g_assert_cmpuint(p.encr[0].id, ==, 3);
  g_assert_cmpuint(p.encr[0].key_bits, ==, 0);
  g_assert_cmpuint(p.n_integ, ==, 1);
  g_assert_cmpuint(p.integ[0], ==, 2);
  g_assert_cmpuint(p.prf[0], ==, 2);
  g_assert_cmpuint(p.dh[0], ==, 2);
}

static void test_esp(void)
{
  DevProposal p;
  g_assert_true(scn_proposal_parse("aes128-sha1", false, &p, NULL));
  g_assert_cmpuint(p.n_prf, ==, 0); /* ESP has no PRF: none implied */
  g_assert_cmpuint(p.n_esn, ==, 1);
  g_assert_cmpuint(p.esn[0], ==, 0); /* no ESN unless asked */
  g_assert_cmpuint(p.n_dh, ==, 0);   /* no PFS */
  g_assert_true(scn_proposal_parse("aes256gcm16-ecp256-esn-noesn", false, &p, NULL));
  g_assert_cmpuint(p.n_dh, ==, 1);
  g_assert_cmpuint(p.dh[0], ==, 19);
  g_assert_cmpuint(p.n_esn, ==, 2);
  g_assert_cmpuint(p.esn[0], ==, 1);
  g_assert_true(scn_proposal_parse("null-sha256", false, &p, NULL));
  g_assert_cmpuint(p.encr[0].id, ==, 11); /* ENCR_NULL, RFC 2410 */
}

static void test_refused(void)
{
  static const struct {
    const char *text;
    bool ike;
    const char *err;
  } bad[] = {
      {"aes256-sha265-modp2048", true, "unknown algorithm 'sha265' (did you mean 'sha256'?)"},
      {"aes256-sha256-modp2049", true, "unknown algorithm 'modp2049' (did you mean 'modp2048'?)"},
      {"aes256--sha256", true, "unknown algorithm ''"},
      {"", true, "empty proposal"},
      {"sha256-modp2048", true, "no encryption algorithm"},
      {"null-sha256-modp2048", true, "ESP only"},
      {"aes128-prfsha256", false, "ESP proposals have no PRF"},
      {"aes128-sha256-modp2048-esn", true, "IKE proposals have no ESN"},
      {"rot13-sha1", false, "unknown algorithm 'rot13'"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    DevProposal p;
    g_autoptr(GError) err = NULL;
    if (scn_proposal_parse(bad[i].text, bad[i].ike, &p, &err) ||
        !strstr(err->message, bad[i].err))
      g_error("'%s': expected '%s', got '%s'", bad[i].text, bad[i].err, err ? err->message : "success");
  }
  /* more algorithms of a kind than a proposal holds */
  GString *s = g_string_new("aes128");
  static const char *const groups[] = {"modp1024", "modp1536", "modp2048", "modp3072",
                                       "modp4096", "modp6144", "modp8192", "ecp256",
                                       "ecp384",   "ecp521",   "ecp192",   "ecp224",
                                       "ecp224bp", "ecp256bp", "ecp384bp", "ecp512bp",
                                       "x25519"};
  for (size_t i = 0; i < G_N_ELEMENTS(groups); i++)
    g_string_append_printf(s, "-%s", groups[i]);
  DevProposal p;
  g_autoptr(GError) err = NULL;
  g_assert_false(scn_proposal_parse(s->str, false, &p, &err));
  g_assert_nonnull(strstr(err->message, "too many"));
  g_string_free(s, TRUE);
}

static void test_round_trip(void)
{
  static const struct {
    const char *in;
    bool ike;
    const char *out;
  } cases[] = {
      {"aes256-sha256-modp2048", true, "aes256-sha256-prfsha256-modp2048"},
      {"aes128gcm16-prfsha256-ecp256", true, "aes128gcm16-prfsha256-ecp256"},
      {"aes256-sha1", false, "aes256-sha1-noesn"},
      {"aes256gcm-x25519-esn", false, "aes256gcm16-curve25519-esn"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    DevProposal p, q;
    g_assert_true(scn_proposal_parse(cases[i].in, cases[i].ike, &p, NULL));
    g_autofree char *s = scn_proposal_format(&p, cases[i].ike);
    g_assert_cmpstr(s, ==, cases[i].out);
    g_assert_true(scn_proposal_parse(s, cases[i].ike, &q, NULL));
    g_assert_cmpmem(&p, sizeof p, &q, sizeof q);
  }
  g_assert_cmpstr(scn_proposal_nearest("aes256gmc16"), ==, "aes256gcm16");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/proposal/ike", test_ike);
  g_test_add_func("/proposal/esp", test_esp);
  g_test_add_func("/proposal/refused", test_refused);
  g_test_add_func("/proposal/round-trip", test_round_trip);
  return g_test_run();
}
