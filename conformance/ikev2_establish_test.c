/* SPDX-License-Identifier: MIT */
/* Exchange tests of IKE_SA_INIT + IKE_AUTH between two engines (RFC 7296 1.2): the
 * messages step by step, every DH group of the crypto suite, proposal pairs, the
 * INVALID_KE_PAYLOAD retry, NO_PROPOSAL_CHOSEN, PSK and identity failures, identities of
 * each type, traffic selector narrowing and TS_UNACCEPTABLE. */
#include "conformance/ikev2_harness.h"
#include "models/ike/ikev2_proposal.h"

static void test_steps(void)
{
  Harness h;
  h_init(&h, 1);
  h_start(&h);
  /* RFC 7296 1.2, message by message */
  h_expect_line(&h, "IKE_SA_INIT request #0 [SA KE No N(NATD_S_IP) N(NATD_D_IP)]");
  g_assert_cmpint(h_deliver(&h), ==, 1);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_INIT_DONE);
  h_expect_line(&h, "IKE_SA_INIT response #0 [SA KE No N(NATD_S_IP) N(NATD_D_IP)]");
  h_deliver(&h);
  h_expect_line(&h, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr N(INIT_CONTACT)]");
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_AUTH_SENT);
  {
    g_autoptr(Ikev2Message) m = h_open(&h);
    const Ikev2Payload *id = ikev2_message_find(m, IKEV2_PL_IDI, 0);
    g_assert_cmpuint(id->u.id.type, ==, IKEV2_ID_IPV4_ADDR);
    g_assert_cmpmem(id->u.id.data.p, id->u.id.data.n, "\xc0\x00\x02\x01", 4);
    /* no DH transform in IKE_AUTH (RFC 7296 1.2) */
    const Ikev2Proposal *pr = &ikev2_message_find(m, IKEV2_PL_SA, 0)->u.sa.proposals[0];
    for (size_t i = 0; i < pr->n_transforms; i++)
      g_assert_cmpuint(pr->transforms[i].type, !=, IKE_TRANSFORM_DH);
    const Ikev2Payload *ts = ikev2_message_find(m, IKEV2_PL_TSI, 0);
    g_assert_cmphex(ts->u.ts.ts[0].range.first.v, ==, 0);
    g_assert_cmphex(ts->u.ts.ts[0].range.last.v, ==, 0xffffffffu);
  }
  h_deliver(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  h_expect_line(&h, "IKE_AUTH response #1 [IDr AUTH SA TSi TSr]");
  h_deliver(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpuint(h_pending(&h), ==, 0);
  /* both hold the same SPIs, one child each, and the child carries traffic both ways */
  uint64_t ai, ar, bi, br;
  g_assert_true(ikev2_conn_ike_spis(h.p[0].conn, &ai, &ar));
  g_assert_true(ikev2_conn_ike_spis(h.p[1].conn, &bi, &br));
  g_assert_cmphex(ai, ==, bi);
  g_assert_cmphex(ar, ==, br);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[0].conn), ==, 1);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[1].conn), ==, 1);
  h_esp_check_all(&h);
  /* events: every state change, the establishment with the suite, the child */
  for (int i = 0; i < 2; i++) {
    g_assert_cmpuint(h_count(&h.p[i], "ike.sa.established encr=ENCR_AES_CBC key_bits=256 "
                                     "dh=ECP_256"),
                     ==, 1);
    g_assert_cmpuint(h_count(&h.p[i], "ike.sa.state new_state=ESTABLISHED"), ==, 1);
    g_assert_cmpuint(h_count(&h.p[i], "ike.child.installed exchange=IKE_AUTH"), ==, 1);
    g_assert_cmpuint(h_count(&h.p[i], "ike.child.state old_state=CREATING new_state=INSTALLED"), ==, 1);
    /* one key table row per IKE SA, for the SA's SPIs */
    g_assert_cmpuint(h.p[i].rows->len, ==, 1);
    g_autofree char *spis = g_strdup_printf("%016" G_GINT64_MODIFIER "x,%016" G_GINT64_MODIFIER "x,",
                                            ai, ar);
    g_assert_true(g_str_has_prefix(g_ptr_array_index(h.p[i].rows, 0), spis));
  }
  g_assert_cmpuint(h_count(&h.p[0], "ike.sa.state old_state=CREATED new_state=INIT_SENT"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[0], "ike.sa.state old_state=INIT_SENT new_state=AUTH_SENT"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[1], "ike.sa.state old_state=CREATED new_state=INIT_DONE"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[0], "ike.nat.detected"), ==, 0);
  h_clear(&h);
}

/* ---- every DH group of the crypto suite ---- */

static void run_group(gconstpointer data)
{
  uint16_t g = (uint16_t)GPOINTER_TO_UINT(data);
  Harness h;
  h_init(&h, 2);
  for (int i = 0; i < 2; i++)
    h.p[i].cfg.ike[0].dh = g;
  h_establish(&h);
  uint16_t e, kb, in, prf, dh;
  g_assert_true(ikev2_conn_ike_suite(h.p[0].conn, &e, &kb, &in, &prf, &dh));
  g_assert_cmpuint(dh, ==, g);
  h_esp_check_all(&h);
  h_clear(&h);
}

/* ---- proposal pairs: the responder takes the first initiator proposal it supports ---- */

typedef struct {
  const char *name;
  IkeProposalCfg i[3], r[3];
  ChildProposalCfg ei[3], er[3];
  size_t ni, nr, nei, ner;
  IkeProposalCfg want;
  ChildProposalCfg ewant;
} PairCase;

#define CBC256_SHA256 {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, DH_MODP_1024}
#define CBC256_SHA1 {ENCR_AES_CBC, 256, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1, DH_MODP_1024}
#define CBC128_SHA1 {ENCR_AES_CBC, 128, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1, DH_MODP_1024}
#define DES3_SHA1 {ENCR_3DES, 0, AUTH_HMAC_SHA1_96, PRF_HMAC_SHA1, DH_MODP_1024}
#define GCM256_384 {ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_384, DH_ECP_384}
#define CBC128_384 {ENCR_AES_CBC, 128, AUTH_HMAC_SHA2_384_192, PRF_HMAC_SHA2_384, DH_MODP_2048}
#define E_GCM256 {ENCR_AES_GCM_16, 256, AUTH_NONE, false}
#define E_GCM128 {ENCR_AES_GCM_16, 128, AUTH_NONE, false}
#define E_CBC256_SHA1 {ENCR_AES_CBC, 256, AUTH_HMAC_SHA1_96, false}
#define E_CBC256_SHA256 {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, false}
#define E_3DES_SHA1 {ENCR_3DES, 0, AUTH_HMAC_SHA1_96, false}

static const PairCase pair_cases[] = {
    /* Azure route-based defaults (azure-vpn-facts 2.1, 2.3) against a device that
     * proposes AES256/SHA256 first: the device's first proposal wins */
    {"azure_defaults_vs_device", .i = {CBC256_SHA256, CBC128_SHA1}, .ni = 2,
     .r = {CBC256_SHA1, CBC256_SHA256, CBC128_SHA1}, .nr = 3,
     .ei = {E_CBC256_SHA256, E_GCM256}, .nei = 2,
     .er = {E_GCM256, E_CBC256_SHA1, E_CBC256_SHA256}, .ner = 3,
     .want = CBC256_SHA256, .ewant = E_CBC256_SHA256},
    /* the initiator's first is unknown to the responder: its second is taken */
    {"first_unsupported", .i = {GCM256_384, DES3_SHA1}, .ni = 2, .r = {DES3_SHA1}, .nr = 1,
     .ei = {E_GCM128, E_3DES_SHA1}, .nei = 2, .er = {E_3DES_SHA1}, .ner = 1,
     .want = DES3_SHA1, .ewant = E_3DES_SHA1},
    /* AEAD IKE SA (no integrity transform) with ECP-384 */
    {"gcm_ike", .i = {GCM256_384}, .ni = 1, .r = {CBC128_SHA1, GCM256_384}, .nr = 2,
     .ei = {E_GCM256}, .nei = 1, .er = {E_GCM256}, .ner = 1, .want = GCM256_384,
     .ewant = E_GCM256},
    {"sha384_modp2048", .i = {CBC128_384}, .ni = 1, .r = {CBC128_384}, .nr = 1,
     .ei = {E_CBC256_SHA1}, .nei = 1, .er = {E_GCM128, E_CBC256_SHA1}, .ner = 2,
     .want = CBC128_384, .ewant = E_CBC256_SHA1},
};

static void run_pair(gconstpointer data)
{
  const PairCase *pc = data;
  Harness h;
  h_init(&h, 3);
  memcpy(h.p[0].cfg.ike, pc->i, sizeof pc->i);
  h.p[0].cfg.n_ike = pc->ni;
  memcpy(h.p[1].cfg.ike, pc->r, sizeof pc->r);
  h.p[1].cfg.n_ike = pc->nr;
  memcpy(h.p[0].cfg.esp, pc->ei, sizeof pc->ei);
  h.p[0].cfg.n_esp = pc->nei;
  memcpy(h.p[1].cfg.esp, pc->er, sizeof pc->er);
  h.p[1].cfg.n_esp = pc->ner;
  h_establish(&h);
  for (int i = 0; i < 2; i++) {
    uint16_t e, kb, in, prf, dh;
    g_assert_true(ikev2_conn_ike_suite(h.p[i].conn, &e, &kb, &in, &prf, &dh));
    g_assert_cmpuint(e, ==, pc->want.encr);
    g_assert_cmpuint(kb, ==, pc->want.key_bits);
    g_assert_cmpuint(in, ==, pc->want.integ);
    g_assert_cmpuint(prf, ==, pc->want.prf);
    g_assert_cmpuint(dh, ==, pc->want.dh);
    IkeChildInfo ci;
    g_assert_true(ikev2_conn_child_info(h.p[i].conn, 0, &ci));
    g_assert_cmpuint(ci.encr, ==, pc->ewant.encr);
    g_assert_cmpuint(ci.key_bits, ==, pc->ewant.key_bits);
    g_assert_cmpuint(ci.integ, ==, pc->ewant.integ);
  }
  h_esp_check_all(&h);
  h_clear(&h);
}

/* ---- INVALID_KE_PAYLOAD and the retry ---- */

static void test_invalid_ke(void)
{
  Harness h;
  h_init(&h, 4);
  /* A guesses ECP-256 (its first proposal); B only takes MODP-2048 */
  h.p[0].cfg.ike[1] = h.p[0].cfg.ike[0];
  h.p[0].cfg.ike[1].dh = DH_MODP_2048;
  h.p[0].cfg.n_ike = 2;
  h.p[1].cfg.ike[0].dh = DH_MODP_2048;
  h_start(&h);
  h_deliver(&h);
  {
    g_autoptr(Ikev2Message) m = h_open(&h);
    g_autofree char *line = ikev2_print_line(m);
    g_assert_cmpstr(line, ==, "IKE_SA_INIT response #0 [N(INVAL_KE)]");
    const Ikev2Notify *n = ikev2_message_find_notify(m, IKEV2_N_INVALID_KE_PAYLOAD);
    /* RFC 7296 3.10.1: the data is the accepted group */
    g_assert_cmpmem(n->data.p, n->data.n, "\x00\x0e", 2);
  }
  h_deliver(&h);
  /* B kept no state for the refused request */
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 0);
  {
    g_autoptr(Ikev2Message) m = h_open(&h);
    g_assert_cmpuint(m->hdr.msg_id, ==, 0);
    g_assert_cmpuint(ikev2_message_find(m, IKEV2_PL_KE, 0)->u.ke.group, ==, DH_MODP_2048);
  }
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpuint(h_count(&h.p[0], "ike.notify.rx exchange=IKE_SA_INIT notify=INVALID_KE_PAYLOAD"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[0], "ike.sa.established dh=MODP_2048"), ==, 1);
  h_esp_check_all(&h);
  h_clear(&h);
}

static void test_no_proposal(void)
{
  Harness h;
  h_init(&h, 5);
  h.p[1].cfg.ike[0].encr = ENCR_3DES;
  h.p[1].cfg.ike[0].key_bits = 0;
  h_start(&h);
  h_deliver(&h);
  h_expect_line(&h, "IKE_SA_INIT response #0 [N(NO_PROP)]");
  h_deliver(&h);
  g_assert_cmpuint(h_pending(&h), ==, 0);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[0].conn), ==, 0);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 0);
  g_assert_cmpuint(h_count(&h.p[0], "ike.sa.failed reason=NO_PROPOSAL_CHOSEN"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[0], "ike.sa.state new_state=FAILED reason=NO_PROPOSAL_CHOSEN"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[1], "ike.sa.state new_state=FAILED reason=NO_PROPOSAL_CHOSEN"), ==, 1);
  g_assert_cmpuint(h.p[0].installs + h.p[1].installs, ==, 0);
  h_clear(&h);
}

/* ---- authentication failures ---- */

static void test_psk_mismatch(void)
{
  Harness h;
  h_init(&h, 6);
  h.p[0].cfg.psk = (const uint8_t *)"not-the-same-psk";
  h.p[0].cfg.psk_len = 16;
  h_start(&h);
  h_deliver(&h);
  /* the keys exist once IKE_SA_INIT is answered: the responder's key-table row goes out
   * then, the initiator's when it reads the answer, one each, the same row, so the
   * failed IKE_AUTH can be decrypted */
  g_assert_cmpuint(h.p[1].rows->len, ==, 1);
  g_assert_cmpuint(h.p[0].rows->len, ==, 0);
  h_deliver(&h);
  g_assert_cmpuint(h.p[0].rows->len, ==, 1);
  g_assert_cmpstr(g_ptr_array_index(h.p[0].rows, 0), ==, g_ptr_array_index(h.p[1].rows, 0));
  h_deliver(&h);
  h_expect_line(&h, "IKE_AUTH response #1 [N(AUTH_FAILED)]");
  h_deliver(&h);
  g_assert_cmpuint(h_count(&h.p[1], "ike.auth.failed"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[0], "ike.auth.failed"), ==, 1);
  bool found = false;
  for (guint i = 0; i < h.p[1].events->len; i++)
    found |= strstr(g_ptr_array_index(h.p[1].events, i), "ike.auth.failed") &&
             strstr(g_ptr_array_index(h.p[1].events, i), "cause=PSK mismatch");
  g_assert_true(found);
  found = false;
  for (guint i = 0; i < h.p[0].events->len; i++)
    found |= strstr(g_ptr_array_index(h.p[0].events, i), "cause=peer refused our authentication") != NULL;
  g_assert_true(found);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[0].conn), ==, 0);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 0);
  g_assert_cmpuint(h.p[0].installs + h.p[1].installs, ==, 0);
  g_assert_cmpuint(h.p[0].rows->len, ==, 1);
  g_assert_cmpuint(h.p[1].rows->len, ==, 1);
  h_clear(&h);
}

static bool has_event(const HPeer *p, const char *a, const char *b)
{
  for (guint i = 0; i < p->events->len; i++)
    if (strstr(g_ptr_array_index(p->events, i), a) && strstr(g_ptr_array_index(p->events, i), b))
      return true;
  return false;
}

static void test_wrong_identity(void)
{
  Harness h;
  h_init(&h, 7);
  /* B expects the FQDN site1.example.com; A says its address */
  h.p[1].cfg.remote_id.type = IKEV2_ID_FQDN;
  g_strlcpy(h.p[1].cfg.remote_id.value, "site1.example.com", sizeof h.p[1].cfg.remote_id.value);
  h_start(&h);
  h_run(&h);
  g_assert_true(has_event(&h.p[1], "ike.auth.failed", "cause=peer identity mismatch"));
  g_assert_true(has_event(&h.p[0], "ike.auth.failed", "cause=peer refused our authentication"));
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[0].conn), ==, 0);
  h_clear(&h);
}

static void test_identities(void)
{
  static const struct {
    uint8_t type;
    const char *i, *r;
  } ids[] = {{IKEV2_ID_FQDN, "site1.example.com", "vpn.example.net"},
             {IKEV2_ID_KEY_ID, "device-key-17", "azure-gw-0"},
             {IKEV2_ID_IPV4_ADDR, "192.0.2.1", "198.51.100.1"}};
  for (size_t k = 0; k < G_N_ELEMENTS(ids); k++) {
    Harness h;
    h_init(&h, 8);
    for (int i = 0; i < 2; i++) {
      h.p[i].cfg.local_id.type = h.p[i].cfg.remote_id.type = ids[k].type;
      g_strlcpy(h.p[i].cfg.local_id.value, i ? ids[k].r : ids[k].i, IKEV2_ID_MAX);
      g_strlcpy(h.p[i].cfg.remote_id.value, i ? ids[k].i : ids[k].r, IKEV2_ID_MAX);
    }
    h_start(&h);
    h_deliver(&h);
    h_deliver(&h);
    {
      g_autoptr(Ikev2Message) m = h_open(&h);
      const Ikev2Id *id = &ikev2_message_find(m, IKEV2_PL_IDI, 0)->u.id;
      g_assert_cmpuint(id->type, ==, ids[k].type);
      if (ids[k].type != IKEV2_ID_IPV4_ADDR)
        g_assert_cmpmem(id->data.p, id->data.n, ids[k].i, strlen(ids[k].i));
    }
    h_run(&h);
    g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
    g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
    h_clear(&h);
  }
}

static void test_child_no_proposal(void)
{
  Harness h;
  h_init(&h, 9);
  h.p[1].cfg.esp[0] = (ChildProposalCfg){.encr = ENCR_AES_CBC, .key_bits = 128, .integ = AUTH_HMAC_SHA1_96, .esn = false, .dh = 0};
  h_start(&h);
  h_deliver(&h);
  h_deliver(&h);
  h_deliver(&h);
  h_expect_line(&h, "IKE_AUTH response #1 [IDr AUTH N(NO_PROP)]");
  h_deliver(&h);
  /* RFC 7296 2.21.1: the IKE SA stands without a child */
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[0].conn), ==, 0);
  g_assert_true(has_event(&h.p[0], "ike.child.failed", "reason=NO_PROPOSAL_CHOSEN"));
  g_assert_true(has_event(&h.p[1], "ike.child.failed", "reason=NO_PROPOSAL_CHOSEN"));
  g_assert_cmpuint(h.p[0].installs + h.p[1].installs, ==, 0);
  h_clear(&h);
}

/* ---- traffic selectors (RFC 7296 2.9) ---- */

static Ipv4Range pfx(const char *s)
{
  Ipv4Prefix p;
  g_assert_cmpint(ipv4_prefix_parse(s, &p), ==, IPV4_PARSE_OK);
  return ipv4_range_from_prefix(p);
}

static void test_ts_narrowing(void)
{
  Harness h;
  h_init(&h, 10);
  /* A proposes 10.1.0.0/16 <-> 10.2.0.0/16; B allows only 10.1.7.0/24 of A's side */
  h.p[0].cfg.ts[0] = (IkeTsPair){pfx("10.1.0.0/16"), pfx("10.2.0.0/16")};
  h.p[0].cfg.n_ts = 1;
  h.p[1].cfg.ts[0] = (IkeTsPair){pfx("10.2.0.0/16"), pfx("10.1.7.0/24")};
  h.p[1].cfg.n_ts = 1;
  h_start(&h);
  h_deliver(&h);
  h_deliver(&h);
  h_deliver(&h);
  {
    g_autoptr(Ikev2Message) m = h_open(&h);
    const Ikev2TrafficSelector *tsi = &ikev2_message_find(m, IKEV2_PL_TSI, 0)->u.ts.ts[0];
    const Ikev2TrafficSelector *tsr = &ikev2_message_find(m, IKEV2_PL_TSR, 0)->u.ts.ts[0];
    g_assert_cmphex(tsi->range.first.v, ==, pfx("10.1.7.0/24").first.v);
    g_assert_cmphex(tsi->range.last.v, ==, pfx("10.1.7.0/24").last.v);
    g_assert_cmphex(tsr->range.first.v, ==, pfx("10.2.0.0/16").first.v);
  }
  h_deliver(&h);
  IkeChildInfo ci;
  g_assert_true(ikev2_conn_child_info(h.p[0].conn, 0, &ci));
  g_assert_cmphex(ci.ts_local.first.v, ==, pfx("10.1.7.0/24").first.v);
  g_assert_cmphex(ci.ts_local.last.v, ==, pfx("10.1.7.0/24").last.v);
  g_assert_cmphex(ci.ts_remote.last.v, ==, pfx("10.2.0.0/16").last.v);
  h_esp_check_all(&h);
  h_clear(&h);

  /* any-to-any from A against a policy-based B narrows to B's pair */
  h_init(&h, 11);
  h.p[1].cfg.ts[0] = (IkeTsPair){pfx("10.2.0.0/16"), pfx("10.1.0.0/16")};
  h.p[1].cfg.n_ts = 1;
  h_establish(&h);
  g_assert_true(ikev2_conn_child_info(h.p[0].conn, 0, &ci));
  g_assert_cmphex(ci.ts_local.first.v, ==, pfx("10.1.0.0/16").first.v);
  g_assert_cmphex(ci.ts_remote.first.v, ==, pfx("10.2.0.0/16").first.v);
  h_clear(&h);
}

static void test_ts_unacceptable(void)
{
  Harness h;
  h_init(&h, 12);
  h.p[0].cfg.ts[0] = (IkeTsPair){pfx("10.1.0.0/16"), pfx("10.2.0.0/16")};
  h.p[0].cfg.n_ts = 1;
  h.p[1].cfg.ts[0] = (IkeTsPair){pfx("10.9.0.0/16"), pfx("10.1.0.0/16")};
  h.p[1].cfg.n_ts = 1;
  h_start(&h);
  h_deliver(&h);
  h_deliver(&h);
  h_deliver(&h);
  h_expect_line(&h, "IKE_AUTH response #1 [IDr AUTH N(TS_UNACCEPT)]");
  h_deliver(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[0].conn), ==, 0);
  g_assert_true(has_event(&h.p[0], "ike.child.failed", "reason=TS_UNACCEPTABLE"));
  g_assert_true(has_event(&h.p[1], "ike.child.failed", "reason=TS_UNACCEPTABLE"));
  h_clear(&h);
}

/* A responder that insists on its selectors whole (IkeConfig.ts_no_narrowing: a
 * route-based Azure gateway without policy-based selectors, interop 1) refuses specific
 * prefixes with TS_UNACCEPTABLE and takes any-to-any; as initiator it deletes a child
 * whose responder narrowed its 0/0 down (RFC 7296 2.9), installing nothing. */
static void test_ts_no_narrowing(void)
{
  Harness h;
  h_init(&h, 13);
  h.p[0].cfg.ts[0] = (IkeTsPair){pfx("192.168.1.0/24"), pfx("10.1.0.0/16")};
  h.p[0].cfg.n_ts = 1;
  h.p[1].cfg.ts_no_narrowing = true;
  h_start(&h);
  h_deliver(&h);
  h_deliver(&h);
  h_deliver(&h);
  h_expect_line(&h, "IKE_AUTH response #1 [IDr AUTH N(TS_UNACCEPT)]");
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[0].conn), ==, 0);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[1].conn), ==, 0);
  g_assert_true(has_event(&h.p[1], "ike.child.failed", "reason=TS_UNACCEPTABLE"));
  h_clear(&h);

  /* the same responder takes any-to-any */
  h_init(&h, 14);
  h.p[1].cfg.ts_no_narrowing = true;
  h_establish(&h);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[1].conn), ==, 1);
  h_esp_check_all(&h);
  h_clear(&h);

  /* initiating 0/0 against a responder that narrows to its prefixes: the child is
   * refused and deleted; without the option the same exchange installs it */
  for (int insist = 0; insist < 2; insist++) {
    h_init(&h, 15);
    h.p[0].cfg.ts_no_narrowing = insist;
    h.p[1].cfg.ts[0] = (IkeTsPair){pfx("10.1.0.0/16"), pfx("192.168.1.0/24")};
    h.p[1].cfg.n_ts = 1;
    h_start(&h);
    h_deliver(&h);
    h_deliver(&h);
    h_deliver(&h);
    h_deliver(&h);
    if (insist) {
      h_expect_line(&h, "INFORMATIONAL request #2 [D(ESP)]");
      g_assert_cmpuint(h.p[0].installs, ==, 0);
      g_assert_true(has_event(&h.p[0], "ike.child.failed",
                              "reason=responder narrowed the traffic selectors"));
    }
    h_run(&h);
    g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
    g_assert_cmpuint(ikev2_conn_n_children(h.p[0].conn), ==, insist ? 0 : 1);
    g_assert_cmpuint(ikev2_conn_n_children(h.p[1].conn), ==, insist ? 0 : 1);
    g_assert_cmpuint(h.p[1].children->len, ==, insist ? 0 : 1);
    h_clear(&h);
  }
}

static void test_determinism(void)
{
  /* the same seed gives the same bytes on the wire */
  GChecksum *sum[2];
  for (int r = 0; r < 2; r++) {
    Harness h;
    h_init(&h, 77);
    h_start(&h);
    sum[r] = g_checksum_new(G_CHECKSUM_SHA256);
    while (h_pending(&h)) {
      gsize n;
      const uint8_t *b = g_bytes_get_data(h_peek(&h)->data, &n);
      g_checksum_update(sum[r], b, n);
      h_deliver(&h);
    }
    h_clear(&h);
  }
  g_assert_cmpstr(g_checksum_get_string(sum[0]), ==, g_checksum_get_string(sum[1]));
  g_checksum_free(sum[0]);
  g_checksum_free(sum[1]);
}

/* RFC 7296 3.3: a multi-transform initiator (strongSwan style) against a single-transform
 * responder that only supports the last transform of each type: one of each is picked. */
static void test_multi_transform(void)
{
  Harness h;
  h_init(&h, 11);
  IkeProposalCfg *i = &h.p[0].cfg.ike[0];
  *i = (IkeProposalCfg){.encr = ENCR_AES_CBC, .key_bits = 128, .integ = AUTH_HMAC_SHA2_256_128,
                        .prf = PRF_HMAC_SHA2_256, .dh = DH_ECP_256};
  i->encr_alt = (IkeAltList){.n = 1, .id = {ENCR_AES_CBC}, .key_bits = {256}};
  i->integ_alt = (IkeAltList){.n = 1, .id = {AUTH_HMAC_SHA2_384_192}};
  i->prf_alt = (IkeAltList){.n = 1, .id = {PRF_HMAC_SHA2_384}};
  i->dh_alt = (IkeAltList){.n = 1, .id = {DH_MODP_2048}};
  h.p[0].cfg.n_ike = 1;
  h.p[1].cfg.ike[0] = (IkeProposalCfg){.encr = ENCR_AES_CBC, .key_bits = 256,
                                       .integ = AUTH_HMAC_SHA2_384_192,
                                       .prf = PRF_HMAC_SHA2_384, .dh = DH_MODP_2048};
  h.p[1].cfg.n_ike = 1;
  ChildProposalCfg *e = &h.p[0].cfg.esp[0];
  *e = (ChildProposalCfg){.encr = ENCR_AES_CBC, .key_bits = 128, .integ = AUTH_HMAC_SHA1_96};
  e->encr_alt = (IkeAltList){.n = 1, .id = {ENCR_AES_CBC}, .key_bits = {256}};
  e->integ_alt = (IkeAltList){.n = 1, .id = {AUTH_HMAC_SHA2_256_128}};
  h.p[0].cfg.n_esp = 1;
  h.p[1].cfg.esp[0] = (ChildProposalCfg){.encr = ENCR_AES_CBC, .key_bits = 256,
                                         .integ = AUTH_HMAC_SHA2_256_128};
  h.p[1].cfg.n_esp = 1;
  /* KEi goes in the first group (ECP-256); the responder wants MODP-2048, which we list */
  h_establish(&h);
  g_assert_cmpuint(h_count(&h.p[0], "ike.sa.established"), ==, 1);
  for (int k = 0; k < 2; k++) {
    uint16_t en, kb, in, prf, dh;
    g_assert_true(ikev2_conn_ike_suite(h.p[k].conn, &en, &kb, &in, &prf, &dh));
    g_assert_cmpuint(kb, ==, 256);
    g_assert_cmpuint(in, ==, AUTH_HMAC_SHA2_384_192);
    g_assert_cmpuint(prf, ==, PRF_HMAC_SHA2_384);
    g_assert_cmpuint(dh, ==, DH_MODP_2048);
  }
  h_esp_check_all(&h);
  h_clear(&h);
}

/* RFC 7296 3.3.6: the answer must hold exactly one transform of each type, each one we
 * offered. */
static void test_multi_answer_checks(void)
{
  IkeProposalCfg cfg = {.encr = ENCR_AES_CBC, .key_bits = 128, .integ = AUTH_HMAC_SHA2_256_128,
                        .prf = PRF_HMAC_SHA2_256, .dh = DH_ECP_256};
  cfg.dh_alt = (IkeAltList){.n = 1, .id = {DH_MODP_2048}};
  struct {
    const char *name;
    uint16_t dh1, dh2; /* dh2 != 0: a second D-H transform in the answer */
    uint16_t integ;
    bool ok;
  } rows[] = {
      {"alternative", DH_MODP_2048, 0, AUTH_HMAC_SHA2_256_128, true},
      {"first", DH_ECP_256, 0, AUTH_HMAC_SHA2_256_128, true},
      {"two_dh", DH_ECP_256, DH_MODP_2048, AUTH_HMAC_SHA2_256_128, false},
      {"dh_not_offered", DH_ECP_384, 0, AUTH_HMAC_SHA2_256_128, false},
      {"integ_not_offered", DH_ECP_256, 0, AUTH_HMAC_SHA1_96, false},
  };
  for (size_t r = 0; r < G_N_ELEMENTS(rows); r++) {
    Ikev2Payload pl = {.type = IKEV2_PL_SA};
    Ikev2Sa *a = &pl.u.sa;
    Ikev2Proposal *p = ikev2_sa_add_proposal(a, IKEV2_PROTO_IKE);
    ikev2_proposal_add_transform(p, IKE_TRANSFORM_ENCR, ENCR_AES_CBC, 128);
    ikev2_proposal_add_transform(p, IKE_TRANSFORM_INTEG, rows[r].integ, 0);
    ikev2_proposal_add_transform(p, IKE_TRANSFORM_PRF, PRF_HMAC_SHA2_256, 0);
    ikev2_proposal_add_transform(p, IKE_TRANSFORM_DH, rows[r].dh1, 0);
    if (rows[r].dh2)
      ikev2_proposal_add_transform(p, IKE_TRANSFORM_DH, rows[r].dh2, 0);
    Ikev2Chosen ch;
    g_test_message("row %s", rows[r].name);
    g_assert_cmpint(ikev2_accept_ike(a, &cfg, 1, &ch), ==, rows[r].ok);
    if (rows[r].ok)
      g_assert_cmpuint(ch.dh, ==, rows[r].dh1);
    ikev2_payload_clear(&pl);
  }
  /* the same for ESP: two encryption transforms in the answer */
  ChildProposalCfg ec = {.encr = ENCR_AES_CBC, .key_bits = 128, .integ = AUTH_HMAC_SHA1_96};
  ec.encr_alt = (IkeAltList){.n = 1, .id = {ENCR_AES_CBC}, .key_bits = {256}};
  for (int two = 0; two < 2; two++) {
    Ikev2Payload pl = {.type = IKEV2_PL_SA};
    Ikev2Sa *a = &pl.u.sa;
    Ikev2Proposal *p = ikev2_sa_add_proposal(a, IKEV2_PROTO_ESP);
    p->spi_size = 4;
    ikev2_proposal_add_transform(p, IKE_TRANSFORM_ENCR, ENCR_AES_CBC, 256);
    if (two)
      ikev2_proposal_add_transform(p, IKE_TRANSFORM_ENCR, ENCR_AES_CBC, 128);
    ikev2_proposal_add_transform(p, IKE_TRANSFORM_INTEG, AUTH_HMAC_SHA1_96, 0);
    ikev2_proposal_add_transform(p, IKE_TRANSFORM_ESN, ESN_NO, 0);
    Ikev2Chosen ch;
    g_assert_cmpint(ikev2_accept_esp(a, &ec, 1, false, &ch), ==, !two);
    if (!two)
      g_assert_cmpuint(ch.key_bits, ==, 256);
    ikev2_payload_clear(&pl);
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev2_establish/steps", test_steps);
  static const uint16_t groups[] = {DH_MODP_768, DH_MODP_1024, DH_MODP_2048, DH_ECP_256,
                                    DH_ECP_384, DH_MODP_2048_256};
  for (size_t i = 0; i < G_N_ELEMENTS(groups); i++) {
    g_autofree char *p = g_strdup_printf("/ikev2_establish/dh_group/%u", groups[i]);
    g_test_add_data_func(p, GUINT_TO_POINTER(groups[i]), run_group);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(pair_cases); i++) {
    g_autofree char *p = g_strdup_printf("/ikev2_establish/proposals/%s", pair_cases[i].name);
    g_test_add_data_func(p, &pair_cases[i], run_pair);
  }
  g_test_add_func("/ikev2_establish/invalid_ke_retry", test_invalid_ke);
  g_test_add_func("/ikev2_establish/multi_transform", test_multi_transform);
  g_test_add_func("/ikev2_establish/multi_answer_checks", test_multi_answer_checks);
  g_test_add_func("/ikev2_establish/no_proposal_chosen", test_no_proposal);
  g_test_add_func("/ikev2_establish/psk_mismatch", test_psk_mismatch);
  g_test_add_func("/ikev2_establish/wrong_identity", test_wrong_identity);
  g_test_add_func("/ikev2_establish/identities", test_identities);
  g_test_add_func("/ikev2_establish/child_no_proposal", test_child_no_proposal);
  g_test_add_func("/ikev2_establish/ts_narrowing", test_ts_narrowing);
  g_test_add_func("/ikev2_establish/ts_unacceptable", test_ts_unacceptable);
  g_test_add_func("/ikev2_establish/ts_no_narrowing", test_ts_no_narrowing);
  g_test_add_func("/ikev2_establish/determinism", test_determinism);
  return g_test_run();
}
