/* SPDX-License-Identifier: MIT */
/* Tests of the conformance driver on synthetic input: run classification, verdicts,
 * the TAP/JUnit/JSON reports, selection, the device rewrite and the compatibility matrix
 * (none of them needs the simulator). */
#include "conformance/conformance_run.h"
#include "sim/scenario/scenario.h"
#include "tests/lib/testutil.h"
#include "tests/lib/tu_json.h"

#include <signal.h>
#include <string.h>

static void assert_json(const char *s)
{
  size_t at = 0;
  if (!tu_json_valid(s, strlen(s), &at))
    g_error("invalid JSON at %zu: %s", at, s);
}

/* ---- classification ---- */

static const char child_tap[] = "1..3\n"
                                "ok 1 - tunnel vgw1-site1 is connected by 10s\n"
                                "not ok 2 - ike IKE_AUTH seen\n"
                                "#   expected: seen\n"
                                "#   observed: not seen\n"
                                "ok 3 - ping p1\n";

static void test_classify(void)
{
  ConfScenarioResult r = {0};
  r.exit_status = 0;
  conf_classify_run(&r, child_tap, "");
  g_assert_true(r.pass);
  g_assert_null(r.reason);

  r.exit_status = 1;
  conf_classify_run(&r, child_tap, "");
  g_assert_false(r.pass);
  g_assert_cmpstr(r.reason, ==, "an expectation failed");
  g_assert_cmpstr(r.diag, ==,
                  "not ok 2 - ike IKE_AUTH seen\n  expected: seen\n  observed: not seen\n");

  /* Not implemented yet is a failure with the runner's reason, never a pass. */
  r.exit_status = 3;
  conf_classify_run(&r, "", "x.yaml:1:1: warning GW-SKU-010: ...\nvpnsim run: not implemented yet (simulation comes with issue #9)\n");
  g_assert_false(r.pass);
  g_assert_cmpstr(r.reason, ==, "the runner could not simulate it (exit 3): vpnsim run: not "
                                "implemented yet (simulation comes with issue #9)");
  g_assert_nonnull(strstr(r.diag, "GW-SKU-010"));

  r.exit_status = 2;
  conf_classify_run(&r, "", "a.yaml:3:4: error SCN-FMT-001: unknown key\na.yaml: invalid scenario (1 error)\n");
  g_assert_false(r.pass);
  g_assert_cmpstr(r.reason, ==, "the scenario is invalid (exit 2): a.yaml:3:4: error SCN-FMT-001: unknown key");

  r.exit_status = -1;
  r.signal = SIGSEGV;
  conf_classify_run(&r, "ok 1\n", "");
  g_assert_false(r.pass);
  g_assert_nonnull(strstr(r.reason, "crashed"));

  r.signal = 0;
  r.exit_status = 7;
  conf_classify_run(&r, "", "");
  g_assert_false(r.pass);
  g_assert_cmpstr(r.reason, ==, "the runner failed (exit 7)");
  g_free(r.reason), g_free(r.diag);
}

/* ---- verdicts and reports ---- */

/* A pending check (NAT-002 was one until it went active): the reports SKIP it. */
static const ConfCheck pending_check = {
    .id = "NAT-002",
    .statement = "NAT rules need any-to-any selectors",
    .source = "facts 6",
    .role = CONF_ROLE_EITHER,
    .status = CONF_PENDING,
    .waits_for = "gateway NAT rules (issue area: NAT)",
};

/* Three checks: one passing, one failing (exit 3), one pending. */
static ConfResults *synthetic(void)
{
  ConfResults *r = conf_results_new(3);
  r->items[0].check = conf_check_find("IKE-001");
  r->items[1].check = conf_check_find("IKE-002");
  r->items[2].check = &pending_check;
  for (int i = 0; i < 2; i++) {
    ConfScenarioResult *s = &r->items[i].sc[r->items[i].n_sc++];
    s->file = g_strdup(r->items[i].check->scenarios[0]);
    s->out = g_strdup_printf("out/%s", r->items[i].check->id);
    s->exit_status = i ? 3 : 0;
    conf_classify_run(s, "", i ? "vpnsim run: not implemented yet <&\"'>" : "");
  }
  for (int i = 0; i < 3; i++)
    conf_check_result_settle(&r->items[i]);
  return r;
}

static void test_verdicts(void)
{
  g_autoptr(ConfResults) r = synthetic();
  g_assert_cmpint(r->items[0].verdict, ==, CONF_PASS);
  g_assert_cmpint(r->items[1].verdict, ==, CONF_FAIL);
  g_assert_nonnull(strstr(r->items[1].reason, "exit 3"));
  g_assert_cmpint(r->items[2].verdict, ==, CONF_SKIP);
  g_assert_true(g_str_has_prefix(r->items[2].reason, "pending: waits for gateway NAT"));
  g_assert_cmpint(conf_results_exit_status(r), ==, 1);
  /* Pending checks do not fail a run. */
  r->items[1].verdict = CONF_PASS;
  g_assert_cmpint(conf_results_exit_status(r), ==, 0);
  /* An active check that ran nothing cannot pass. */
  ConfCheckResult none = {.check = conf_check_find("IKE-003")};
  conf_check_result_settle(&none);
  g_assert_cmpint(none.verdict, ==, CONF_FAIL);
  g_free(none.reason);
}

static void test_reports(void)
{
  g_autoptr(ConfResults) r = synthetic();
  g_autofree char *tap = conf_report_tap(r);
  g_assert_true(g_str_has_prefix(tap, "1..3\nok 1 - IKE-001 "));
  g_assert_nonnull(strstr(tap, "\nnot ok 2 - IKE-002 "));
  g_assert_nonnull(strstr(tap, "#   scenario: conformance/checks/ike-002.yaml\n"));
  g_assert_nonnull(strstr(tap, "#   reason: the runner could not simulate it (exit 3)"));
  g_assert_nonnull(strstr(tap, "#   pcaps and key tables: out/IKE-002/\n"));
  g_assert_nonnull(strstr(tap, "\nok 3 - NAT-002 "));
  g_assert_nonnull(strstr(tap, " # SKIP pending: waits for gateway NAT rules"));
  g_autofree char *junit = conf_report_junit(r);
  g_assert_nonnull(strstr(junit, "<testsuites name=\"vpnsim-conformance\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\">"));
  g_assert_nonnull(strstr(junit, "<skipped message=\"pending: waits for gateway NAT rules"));
  g_assert_nonnull(strstr(junit, "<failure message=\"the runner could not simulate it (exit 3): vpnsim run: not implemented yet &lt;&amp;&quot;&apos;&gt;\""));
  g_autofree char *json = conf_report_json(r);
  assert_json(json);
  g_assert_nonnull(strstr(json, "\"total\":3,\"passed\":1,\"failed\":1,\"skipped\":1}"));
  g_assert_nonnull(strstr(json, "\"result\":\"skip\""));
  /* Deterministic: the same results, the same bytes. */
  g_autoptr(ConfResults) r2 = synthetic();
  g_autofree char *tap2 = conf_report_tap(r2);
  g_assert_cmpstr(tap, ==, tap2);
}

/* ---- selection ---- */

static void test_select(void)
{
  g_autofree char *top = tu_top_path(".");
  g_autoptr(GError) e = NULL;
  g_autoptr(GPtrArray) all = conf_select(NULL, 0, top, &e);
  g_assert_cmpuint(all->len, ==, conf_n_checks);

  const char *s1[] = {"ike-001", "IKE-001"};
  g_autoptr(GPtrArray) a = conf_select(s1, 2, top, &e);
  g_assert_cmpuint(a->len, ==, 1);

  const char *s2[] = {"DPD", "cfg-00"};
  g_autoptr(GPtrArray) b = conf_select(s2, 2, top, &e);
  /* catalogue order: CFG before DPD */
  g_assert_cmpstr(((ConfCheck *)b->pdata[0])->id, ==, "CFG-001");
  g_assert_cmpstr(((ConfCheck *)b->pdata[b->len - 1])->id, ==, "DPD-007");

  g_autofree char *file = tu_top_path("conformance/checks/pol-044.yaml");
  g_autofree char *dir = tu_top_path("conformance/checks");
  const char *s3[] = {file};
  g_autoptr(GPtrArray) c = conf_select(s3, 1, top, &e);
  g_assert_cmpuint(c->len, ==, 1);
  g_assert_cmpstr(((ConfCheck *)c->pdata[0])->id, ==, "POL-044");
  const char *s4[] = {dir};
  g_autoptr(GPtrArray) d = conf_select(s4, 1, top, &e);
  size_t active = 0;
  for (size_t i = 0; i < conf_n_checks; i++)
    active += conf_checks[i].status == CONF_ACTIVE;
  g_assert_cmpuint(d->len, ==, active);

  const char *s5[] = {"IKE-001", "IEK-001"};
  GPtrArray *none = conf_select(s5, 2, top, &e);
  g_assert_null(none);
  g_assert_nonnull(strstr(e->message, "no check matches 'IEK-001' (did you mean 'IKE-001'?)"));
  g_clear_error(&e);
  const char *s6[] = {"frobnicate"};
  g_assert_null(conf_select(s6, 1, top, &e));
  g_assert_nonnull(strstr(e->message, "no check matches 'frobnicate'"));
}

/* ---- device rewrite ---- */

static ScnPlan *load_text(const char *text, GwDiags *diags)
{
  g_autofree char *profiles = tu_top_path("profiles");
  const char *dirs[] = {profiles, NULL};
  ScnLoadOptions o = {.profile_dirs = dirs};
  g_autoptr(GError) e = NULL;
  ScnPlan *p = scn_plan_load_string("rewritten.yaml", text, strlen(text), &o, diags, &e);
  if (!p)
    g_error("%s", e->message);
  return p;
}

static void test_rewrite(void)
{
  g_autofree char *path = tu_top_path("conformance/checks/natt-001.yaml");
  size_t len;
  g_autoptr(GError) te = NULL;
  /* the merged scenario when the check is built on a base (extends:) */
  g_autofree char *text = conf_scenario_text(path, &len, &te);
  g_assert_no_error(te);
  g_assert_nonnull(strstr(text, "ikeProposals: [aes256-sha256-modp1024]"));
  g_autoptr(GError) e = NULL;
  g_autofree char *re = conf_device_rewrite("natt-001.yaml", text, len, "libreswan-4", &e);
  g_assert_no_error(e);
  g_assert_null(strstr(re, "ikeProposals"));
  g_assert_null(strstr(re, "espProposals"));
  g_assert_null(strstr(re, "localId"));
  g_assert_null(strstr(re, "strongswan-5.9"));
  g_assert_nonnull(strstr(re, "      profile: libreswan-4\n"));
  g_assert_nonnull(strstr(re, "      startAction: initiate\n"));
  g_assert_nonnull(strstr(re, "  natBoxes:\n"));
  /* The matrix run: 9 h, and a last ping after the rekeys, in the timeline before expect. */
  g_assert_nonnull(strstr(re, "\nduration: 32400s\n"));
  g_assert_nonnull(strstr(re, "  - {at: 32280s, ping: {from: vm1, to: pc1, count: 60, interval: 1s, "
                              "name: matrix-late}}\nexpect:\n"));
  /* The rewritten scenario loads cleanly, and its device is the profile's: the same
   * configuration as a device that names only the profile. */
  g_autoptr(GwDiags) d1 = gw_diags_new();
  g_autoptr(ScnPlan) p1 = load_text(re, d1);
  g_assert_cmpuint(gw_diags_count(d1, GW_SEV_ERROR), ==, 0);
  g_assert_cmpuint(p1->n_devices, ==, 1);
  g_autoptr(GwDiags) d2 = gw_diags_new();
  g_autoptr(ScnPlan) p2 = load_text(text, d2);
  g_assert_cmpuint(p2->devices[0].cfg.n_ike_proposals, ==, 1);
  g_assert_cmpuint(p1->devices[0].cfg.n_ike_proposals, >=, 1);
  g_assert_true(p1->devices[0].cfg.n_ike_proposals != p2->devices[0].cfg.n_ike_proposals ||
                memcmp(p1->devices[0].cfg.ike_proposals, p2->devices[0].cfg.ike_proposals,
                       sizeof p1->devices[0].cfg.ike_proposals) != 0);

  /* Block lists and comments, and a device without a profile line. */
  static const char block[] = "name: x\n"
                              "onPremises:\n"
                              "  devices:\n"
                              "    - name: d1\n"
                              "      ikeProposals:\n"
                              "        - aes128-sha256-modp2048\n"
                              "        # a comment inside\n"
                              "        - aes256-sha256-modp2048\n"
                              "      dpd:\n"
                              "        interval: 10s\n"
                              "      peer: vgw1\n"
                              "\n"
                              "      espProposals:\n"
                              "      - aes128-sha256\n"
                              "hosts:\n"
                              "  - {name: vm1, subnet: v/w, address: 10.1.1.4}\n"
                              "  - {name: pc1, behind: d1, address: 192.168.1.10}\n"
                              "duration: 10h\n";
  g_autofree char *rb = conf_device_rewrite("b.yaml", block, sizeof block - 1, "p", &e);
  g_assert_no_error(e);
  g_assert_cmpstr(rb, ==, "name: x\n"
                          "onPremises:\n"
                          "  devices:\n"
                          "    - name: d1\n"
                          "      profile: p\n"
                          "      peer: vgw1\n"
                          "\n"
                          "hosts:\n"
                          "  - {name: vm1, subnet: v/w, address: 10.1.1.4}\n"
                          "  - {name: pc1, behind: d1, address: 192.168.1.10}\n"
                          "duration: 10h\n"
                          "timeline:\n"
                          "  - {at: 35880s, ping: {from: pc1, to: vm1, count: 60, interval: 1s, "
                          "name: matrix-late}}\n");
  static const char flow[] = "onPremises:\n  devices:\n    - {name: d1, ikeProposals: [a]}\n";
  g_assert_null(conf_device_rewrite("f.yaml", flow, sizeof flow - 1, "p", &e));
  g_assert_error(e, SCN_ERROR, SCN_ERROR_INVALID);
  g_assert_nonnull(strstr(e->message, "f.yaml:3:"));
  g_clear_error(&e);
  static const char broken[] = "onPremises: [\n";
  g_assert_null(conf_device_rewrite("x.yaml", broken, sizeof broken - 1, "p", &e));
  g_assert_nonnull(e);
}

/* ---- matrix ---- */

#define EV(seq, t, node, type, attrs)                                                       \
  "{\"seq\":" #seq ",\"time_ns\":" #t ",\"node\":\"" node "\",\"type\":\"" type               \
  "\",\"attrs\":{" attrs "}}\n"

static void test_matrix_analyse(void)
{
  ConfMatrixRow row = {.check_id = "X-001",
                       .device_ike = g_strdup("aes128-sha256-modp2048 | aes256gcm16-prfsha256-ecp256"),
                       .device_esp = g_strdup("aes128-sha256"), .device_node = g_strdup("site1-vpn"),
                       .gw_pfs = g_strdup("PFS2048"), .policy = g_strdup("custom X")};
  /* Connects, traffic, both rekeys, DPD and the last ping all fine. */
  const char ok[] =
      EV(0, 1000, "site1-vpn", "ike.message", "\"connection\":\"c\",\"exchange\":\"IKE_SA_INIT\",\"dir\":\"sent\",\"notifies\":\"\"")
      EV(1, 2000, "vgw1/0", "tunnel.up", "\"connection\":\"c\"")
      EV(2, 3000, "vgw1/0", "ping.sent", "\"flow\":\"p1\",\"seq\":1")
      EV(3, 4000, "vgw1/0", "ping.reply", "\"flow\":\"p1\",\"seq\":1,\"rtt_ns\":40000000")
      EV(4, 5000, "vgw1/0", "child.sa.established", "\"connection\":\"c\",\"rekey\":true")
      EV(5, 5500, "vgw1/0", "ike.sa.rekeyed", "\"connection\":\"c\"")
      EV(6, 6000, "vgw1/0", "ike.message", "\"connection\":\"c\",\"exchange\":\"INFORMATIONAL\",\"dir\":\"sent\",\"notifies\":\"\"")
      EV(7, 7000, "vm1", "ping.sent", "\"flow\":\"matrix-late\",\"seq\":0")
      EV(8, 7100, "vm1", "ping.reply", "\"flow\":\"matrix-late\",\"seq\":0")
      /* a DPD tear-down after the injected fault at 10000 is what the check wants */
      EV(9, 20000, "vgw1/0", "tunnel.down", "\"connection\":\"c\",\"reason\":\"dpd\"");
  conf_matrix_analyse(&row, ok, 10000);
  g_assert_cmpint(row.connects, ==, CONF_ASP_YES);
  g_assert_cmpint(row.traffic, ==, CONF_ASP_YES);
  g_assert_cmpint(row.ike_rekey, ==, CONF_ASP_YES);
  g_assert_cmpint(row.child_rekey, ==, CONF_ASP_YES);
  g_assert_cmpint(row.dpd, ==, CONF_ASP_YES);
  g_assert_cmpint(row.verdict, ==, CONF_COMPAT_COMPATIBLE);
  g_assert_null(row.why);
  g_assert_null(row.first);

  /* The same DPD tear-down with no fault: the device failed DPD, degraded. */
  conf_matrix_analyse(&row, ok, INT64_MAX);
  g_assert_cmpint(row.dpd, ==, CONF_ASP_NO);
  g_assert_cmpint(row.verdict, ==, CONF_COMPAT_DEGRADED);
  g_assert_cmpstr(row.first, ==, "DPD at 0.000 s: the tunnel was declared dead with the peer alive");

  /* Refused in IKE_SA_INIT: the notify, the exchange, the node and every proposal. */
  const char refused[] =
      EV(0, 1000, "site1-vpn", "ike.message", "\"connection\":\"c\",\"exchange\":\"IKE_SA_INIT\",\"dir\":\"sent\",\"notifies\":\"\"")
      EV(1, 2000, "vgw1/0", "ike.message", "\"connection\":\"c\",\"exchange\":\"IKE_SA_INIT\",\"dir\":\"sent\",\"notifies\":\"INVALID_KE_PAYLOAD NO_PROPOSAL_CHOSEN\"")
      EV(2, 3000, "vgw1/0", "ping.sent", "\"flow\":\"p1\",\"seq\":1")
      EV(3, 4000, "vgw1/0", "ping.sent", "\"flow\":\"p1\",\"seq\":2");
  conf_matrix_analyse(&row, refused, INT64_MAX);
  g_assert_cmpint(row.connects, ==, CONF_ASP_NO);
  g_assert_cmpint(row.traffic, ==, CONF_ASP_NO);
  g_assert_cmpint(row.ike_rekey, ==, CONF_ASP_NA);
  g_assert_cmpint(row.dpd, ==, CONF_ASP_NA);
  g_assert_cmpint(row.verdict, ==, CONF_COMPAT_INCOMPATIBLE);
  g_assert_cmpstr(row.why, ==, "connect at 0.000 s: NO_PROPOSAL_CHOSEN in IKE_SA_INIT from vgw1/0 (the "
                               "gateway refused every IKE proposal the device offered: "
                               "aes128-sha256-modp2048 | aes256gcm16-prfsha256-ecp256)");
  g_assert_cmpstr(row.first, ==, row.why);

  /* The device as responder refuses the gateway's offer. */
  const char resp[] =
      EV(0, 1000, "vgw1/0", "ike.message", "\"exchange\":\"IKE_SA_INIT\",\"dir\":\"sent\",\"notifies\":\"\"")
      EV(1, 2000, "site1-vpn", "ike.message", "\"exchange\":\"IKE_SA_INIT\",\"dir\":\"sent\",\"notifies\":\"NO_PROPOSAL_CHOSEN\"");
  conf_matrix_analyse(&row, resp, INT64_MAX);
  g_assert_nonnull(strstr(row.why, "from site1-vpn (the device was the responder and refused the "
                                   "gateway's offer, policy custom X; the device accepts IKE "
                                   "aes128-sha256-modp2048 | aes256gcm16-prfsha256-ecp256)"));

  /* Up, then the child SA rekey refused (the PFS trap of interop item 4), the tunnel down. */
  const char rekey[] =
      EV(0, 2000, "vgw1/0", "tunnel.up", "\"connection\":\"c\"")
      EV(1, 4000, "site1-vpn", "ike.child.state", "\"new_state\":\"REKEYING\"")
      EV(2, 5000, "vgw1/0", "ike.message", "\"connection\":\"c\",\"exchange\":\"CREATE_CHILD_SA\",\"dir\":\"sent\",\"notifies\":\"NO_PROPOSAL_CHOSEN\"")
      EV(3, 5000, "site1-vpn", "ike.message", "\"connection\":\"c\",\"exchange\":\"CREATE_CHILD_SA\",\"dir\":\"received\",\"notifies\":\"NO_PROPOSAL_CHOSEN\"")
      EV(4, 9000, "vgw1/0", "tunnel.down", "\"connection\":\"c\",\"reason\":\"deleted by peer\"")
      EV(5, 9500, "vgw1/0", "ike.sa.rekeyed", "\"connection\":\"c\"");
  conf_matrix_analyse(&row, rekey, INT64_MAX);
  g_assert_cmpint(row.connects, ==, CONF_ASP_YES);
  g_assert_cmpint(row.traffic, ==, CONF_ASP_NA);
  g_assert_cmpint(row.child_rekey, ==, CONF_ASP_NO);
  g_assert_cmpint(row.ike_rekey, ==, CONF_ASP_YES);
  g_assert_cmpint(row.verdict, ==, CONF_COMPAT_DEGRADED);
  g_assert_cmpstr(row.first, ==, "child SA rekey at 0.000 s: NO_PROPOSAL_CHOSEN in CREATE_CHILD_SA from "
                                 "vgw1/0 (the gateway refused every ESP proposal the device offered: "
                                 "aes128-sha256; none names a DH group, the gateway's policy requires "
                                 "PFS2048 on the rekey)");
  g_assert_nonnull(strstr(row.why, "; tunnel down at 0.000 s (deleted by peer) before any injected fault"));

  /* An IKE SA rekey refused by the device. */
  const char ikerekey[] =
      EV(0, 2000, "vgw1/0", "tunnel.up", "\"connection\":\"c\"")
      EV(1, 4000, "vgw1/0", "ike.sa.state", "\"new_state\":\"REKEYING\"")
      EV(2, 5000, "site1-vpn", "ike.message", "\"exchange\":\"CREATE_CHILD_SA\",\"dir\":\"sent\",\"notifies\":\"NO_PROPOSAL_CHOSEN\"");
  conf_matrix_analyse(&row, ikerekey, INT64_MAX);
  g_assert_cmpint(row.ike_rekey, ==, CONF_ASP_NO);
  g_assert_cmpint(row.child_rekey, ==, CONF_ASP_NA);
  g_assert_true(g_str_has_prefix(row.first, "IKE SA rekey at 0.000 s: NO_PROPOSAL_CHOSEN in CREATE_CHILD_SA "
                                            "from site1-vpn (the device was the responder"));

  /* No rekey in the run: compatible aspects, the why says what was not exercised; traffic
   * after the rekeys lost: degraded. */
  const char late[] =
      EV(0, 2000, "vgw1/0", "tunnel.up", "\"connection\":\"c\"")
      EV(1, 7000000000000, "vm1", "ping.sent", "\"flow\":\"matrix-late\",\"seq\":0")
      EV(2, 7001000000000, "vm1", "ping.sent", "\"flow\":\"matrix-late\",\"seq\":1");
  conf_matrix_analyse(&row, late, INT64_MAX);
  g_assert_cmpint(row.traffic, ==, CONF_ASP_NO);
  g_assert_cmpint(row.verdict, ==, CONF_COMPAT_DEGRADED);
  g_assert_cmpstr(row.why, ==, "traffic after the rekeys at 7000 s: 0 of 2 echo requests answered; "
                               "no IKE SA rekey happened in the run; no child SA rekey happened in the run");

  /* Behind a NAT, the authentication failure says the identity differs. */
  row.nat_identity = g_strdup("behind the NAT the device identifies as 10.0.0.2");
  const char auth[] =
      EV(0, 2000, "vgw1/0", "ike.message", "\"exchange\":\"IKE_AUTH\",\"dir\":\"sent\",\"notifies\":\"AUTHENTICATION_FAILED\"");
  conf_matrix_analyse(&row, auth, INT64_MAX);
  g_assert_cmpstr(row.why, ==, "connect at 0.000 s: AUTHENTICATION_FAILED in IKE_AUTH from vgw1/0 "
                               "(behind the NAT the device identifies as 10.0.0.2)");

  /* Unanswered: who sent what; IKEv1 against IKEv2 said so. */
  const char mute[] =
      EV(0, 1000, "site1-vpn", "ike.message", "\"exchange\":\"Identity Protection (Main Mode)\",\"dir\":\"sent\",\"notifies\":\"\"")
      EV(1, 2000, "vgw1/0", "ike.message", "\"exchange\":\"IKE_SA_INIT\",\"dir\":\"sent\",\"notifies\":\"\"");
  conf_matrix_analyse(&row, mute, INT64_MAX);
  g_assert_cmpstr(row.why, ==, "connect: no error notify, the exchanges never completed: the device "
                               "site1-vpn sent 1 message starting with Identity Protection (Main Mode) "
                               "and received 0; vgw1/0 sent 1 message starting with IKE_SA_INIT and "
                               "received 0 (one side speaks IKEv1, the other IKEv2: no IKE version in common)");

  /* Nothing at all, and junk lines: no crash, "no IKE message". */
  conf_matrix_analyse(&row, "not json\n{\"type\":\n\n", INT64_MAX);
  g_assert_cmpint(row.connects, ==, CONF_ASP_NO);
  g_assert_cmpstr(row.why, ==, "connect: no IKE message at all");
  conf_matrix_analyse(&row, NULL, INT64_MAX);
  g_assert_cmpint(row.connects, ==, CONF_ASP_NO);
  conf_matrix_row_clear(&row);
}

static ConfMatrixRow mrow(const char *id, const char *policy, ConfCompat v, const char *why)
{
  return (ConfMatrixRow){.check_id = id, .checks = g_strdup(id), .sku = g_strdup("VpnGw1AZ"),
                         .vpn_type = g_strdup("RouteBased"), .policy = g_strdup(policy),
                         .mode = g_strdup("Default"), .nat = g_strdup("no NAT"),
                         .connects = v == CONF_COMPAT_INCOMPATIBLE ? CONF_ASP_NO : CONF_ASP_YES,
                         .traffic = CONF_ASP_YES, .ike_rekey = CONF_ASP_YES,
                         .child_rekey = v == CONF_COMPAT_DEGRADED ? CONF_ASP_NO : CONF_ASP_YES,
                         .dpd = CONF_ASP_YES, .verdict = v, .why = why ? g_strdup(why) : NULL,
                         .first = why ? g_strdup(why) : NULL};
}

static void test_matrix_outputs(void)
{
  ConfMatrixRow rows[4] = {
      mrow("CFG-001", "default", CONF_COMPAT_COMPATIBLE, NULL),
      mrow("POL-001", "custom <GCMAES256>", CONF_COMPAT_INCOMPATIBLE,
           "connect: \"NO_PROPOSAL_CHOSEN\" & co"),
      mrow("CFG-002", "default", CONF_COMPAT_DEGRADED, "child SA rekey: refused"),
      mrow("CFG-003", "default", CONF_COMPAT_COMPATIBLE, NULL),
  };
  /* The three default-policy rows are one configuration, with the worst verdict. */
  size_t n = conf_matrix_merge(rows, 4);
  g_assert_cmpuint(n, ==, 2);
  g_assert_cmpstr(rows[0].checks, ==, "CFG-001, CFG-002, CFG-003");
  g_assert_cmpstr(rows[0].check_id, ==, "CFG-001");
  g_assert_cmpint(rows[0].verdict, ==, CONF_COMPAT_DEGRADED);
  g_assert_cmpstr(rows[0].why, ==, "child SA rekey: refused (CFG-002)");
  g_autofree char *t = conf_matrix_text(rows, n, "strongswan-5.9.yaml");
  g_assert_true(g_str_has_prefix(t, "Device compatibility matrix: strongswan-5.9.yaml\n"));
  g_assert_nonnull(strstr(t, "  first failure: connect: \"NO_PROPOSAL_CHOSEN\" & co\n"));
  g_assert_nonnull(strstr(t, "\n1 of 2 gateway configurations connect: 0 compatible, 1 degraded, "
                             "1 incompatible, 0 not simulated.\n"));
  g_autofree char *j = conf_matrix_json(rows, n, "strongswan-5.9.yaml");
  assert_json(j);
  g_assert_nonnull(strstr(j, "\"checks\":\"CFG-001, CFG-002, CFG-003\",\"sku\":\"VpnGw1AZ\","
                             "\"vpnType\":\"RouteBased\",\"connectionMode\":\"Default\",\"natT\":\"no NAT\","
                             "\"policy\":\"default\",\"verdict\":\"degraded\",\"connects\":\"yes\","
                             "\"traffic\":\"yes\",\"ikeRekey\":\"yes\",\"childRekey\":\"no\",\"dpd\":\"yes\","
                             "\"firstFailure\":\"child SA rekey: refused (CFG-002)\""));
  g_autofree char *h = conf_matrix_html(rows, n, "strongswan-5.9.yaml");
  g_assert_nonnull(strstr(h, "<td>custom &lt;GCMAES256&gt;</td>"));
  g_assert_nonnull(strstr(h, "<td class=\"incompatible\">incompatible</td>"));
  g_assert_nonnull(strstr(h, "&quot;NO_PROPOSAL_CHOSEN&quot; &amp; co"));
  g_assert_null(strstr(h, "<GCMAES256>"));
  for (size_t i = 0; i < 4; i++) {
    rows[i].check_id = NULL;
    conf_matrix_row_clear(&rows[i]);
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/conformance/run/classify", test_classify);
  g_test_add_func("/conformance/run/verdicts", test_verdicts);
  g_test_add_func("/conformance/run/reports", test_reports);
  g_test_add_func("/conformance/run/select", test_select);
  g_test_add_func("/conformance/run/rewrite", test_rewrite);
  g_test_add_func("/conformance/matrix/analyse", test_matrix_analyse);
  g_test_add_func("/conformance/matrix/outputs", test_matrix_outputs);
  return g_test_run();
}
