/* SPDX-License-Identifier: MIT */
/* Tests of the conformance catalogue: well-formed IDs, sources and statuses, every file
 * exists, every active check's scenario loads, validation checks name rules the loader
 * really reports, and the coverage the issue asks of version 1. */
#include "conformance/catalogue.h"
#include "sim/scenario/scenario.h"
#include "tests/lib/testutil.h"

#include <string.h>

static void test_ids(void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (size_t i = 0; i < conf_n_checks; i++) {
    const ConfCheck *c = &conf_checks[i];
    g_assert_nonnull(c->id);
    const ConfGroup *g = conf_check_group(c);
    if (!g)
      g_error("%s: no group for this prefix", c->id);
    /* PREFIX-NNN */
    const char *num = c->id + strlen(g->prefix) + 1;
    g_assert_cmpuint(strlen(num), ==, 3);
    for (const char *p = num; *p; p++)
      g_assert_true(g_ascii_isdigit(*p));
    if (g_hash_table_contains(seen, c->id))
      g_error("%s: ID used twice", c->id);
    g_hash_table_add(seen, (gpointer)c->id);
    g_assert_true(conf_check_find(c->id) == c);
    /* Rows of one group are together and numbered upwards. */
    if (i > 0 && conf_check_group(&conf_checks[i - 1]) == g)
      g_assert_cmpint(strcmp(conf_checks[i - 1].id, c->id), <, 0);
  }
  g_assert_null(conf_check_find("IKE-999"));
  g_assert_true(conf_check_find("ike-001") == &conf_checks[0]);
}

static void test_fields(void)
{
  for (size_t i = 0; i < conf_n_checks; i++) {
    const ConfCheck *c = &conf_checks[i];
    g_assert_true(c->statement && *c->statement && !strchr(c->statement, '\n'));
    /* Every source cites the facts (with the document) or an interop item. */
    bool facts = g_str_has_prefix(c->source, "facts ") && strstr(c->source, "MicrosoftDocs/");
    bool interop = g_str_has_prefix(c->source, "interop ");
    if (!facts && !interop)
      g_error("%s: source '%s' cites neither a facts section with its document nor an "
              "interop item", c->id, c->source);
    g_assert_nonnull(name_get(&conf_role_names, c->role));
    if (c->status == CONF_PENDING) {
      g_assert_true(c->waits_for && *c->waits_for);
      g_assert_false(c->matrix);
    } else {
      g_assert_cmpint(c->status, ==, CONF_ACTIVE);
      g_assert_null(c->waits_for);
      g_assert_cmpuint(conf_check_n_scenarios(c), >=, 1);
    }
  }
}

static void test_files_exist(void)
{
  for (size_t i = 0; i < conf_n_checks; i++)
    for (size_t s = 0; s < conf_check_n_scenarios(&conf_checks[i]); s++) {
      g_autofree char *p = tu_top_path(conf_checks[i].scenarios[s]);
      if (!g_file_test(p, G_FILE_TEST_IS_REGULAR))
        g_error("%s: scenario %s does not exist", conf_checks[i].id, p);
    }
}

/* Every active check's scenarios load without problems; a scenario that expects a
 * validation verdict has exactly errors of configuration rules, and among them every
 * rule it names (so the check cannot pass on a scenario the loader refuses for another
 * reason). Warnings are not allowed either: a check scenario is clean, but for the
 * warnings its validation expectation names (warnings:), each of which must be there. */
static bool names_warning(const ScnExpect *val, const GwDiag *dg)
{
  for (unsigned w = 0; val && dg->severity == GW_SEV_WARNING && w < val->n_warnings; w++)
    if (!strcmp(val->warnings[w], dg->rule_id))
      return true;
  return false;
}

static void test_scenarios_load(void)
{
  size_t loaded = 0;
  for (size_t i = 0; i < conf_n_checks; i++) {
    const ConfCheck *c = &conf_checks[i];
    for (size_t s = 0; s < conf_check_n_scenarios(c); s++) {
      g_autofree char *p = tu_top_path(c->scenarios[s]);
      g_autoptr(GError) err = NULL;
      g_autoptr(GwDiags) diags = gw_diags_new();
      g_autoptr(ScnPlan) plan = scn_plan_load_file(p, NULL, diags, &err);
      if (!plan)
        g_error("%s: %s", c->id, err->message);
      const ScnExpect *val = NULL;
      for (unsigned x = 0; x < plan->n_expects; x++)
        if (plan->expects[x].kind == SCN_EXP_VALIDATION)
          val = &plan->expects[x];
      g_assert_cmpuint(plan->n_expects, >=, 1);
      for (size_t d = 0; d < gw_diags_len(diags); d++) {
        const GwDiag *dg = gw_diags_get(diags, d);
        g_autofree char *line = gw_diag_format(dg);
        if (names_warning(val, dg))
          continue;
        if (!val || val->valid || !scn_diags_only_rules(diags) || dg->severity != GW_SEV_ERROR)
          g_error("%s: unexpected problem: %s", c->id, line);
      }
      for (unsigned w = 0; val && w < val->n_warnings; w++) {
        bool found = false;
        for (size_t d = 0; d < gw_diags_len(diags); d++)
          found |= names_warning(val, gw_diags_get(diags, d)) &&
                   !strcmp(gw_diags_get(diags, d)->rule_id, val->warnings[w]);
        if (!found)
          g_error("%s: expects a warning of rule %s, which the loader does not report", c->id,
                  val->warnings[w]);
      }
      if (val && !val->valid) {
        g_assert_false(val->valid);
        g_assert_cmpuint(val->n_rules, >=, 1);
        for (unsigned r = 0; r < val->n_rules; r++) {
          bool found = false;
          for (size_t d = 0; d < gw_diags_len(diags); d++)
            found |= !strcmp(gw_diags_get(diags, d)->rule_id, val->rules[r]);
          if (!found)
            g_error("%s: expects rule %s, which the loader does not report", c->id,
                    val->rules[r]);
        }
      }
      loaded++;
    }
  }
  g_assert_cmpuint(loaded, >=, 60);
}

/* Version 1's coverage (issue 10): at least 60 checks, the interop items IKEv2 can show,
 * the DPD edges, pending areas. */
static void test_coverage(void)
{
  size_t active = 0;
  for (size_t i = 0; i < conf_n_checks; i++)
    active += conf_checks[i].status == CONF_ACTIVE;
  g_assert_cmpuint(active, >=, 60);
  static const char *const items[] = {"1", "3", "4", "5", "7", "8", "9", "14", "15"};
  for (size_t k = 0; k < G_N_ELEMENTS(items); k++) {
    bool found = false;
    g_autofree char *pat = g_strdup_printf("interop %s", items[k]);
    for (size_t i = 0; i < conf_n_checks && !found; i++) {
      const char *s = strstr(conf_checks[i].source, pat);
      /* "interop 1" must not match "interop 14" */
      found = conf_checks[i].status == CONF_ACTIVE && s && !g_ascii_isdigit(s[strlen(pat)]);
    }
    if (!found)
      g_error("no active check cites interop item %s", items[k]);
  }
  /* IKEv1 and policy-based gateways run (issue 16): every IKEV1 check active, 20 at least */
  size_t n_v1 = 0;
  for (size_t i = 0; i < conf_n_checks; i++)
    if (!strcmp(conf_check_group(&conf_checks[i])->prefix, "IKEV1")) {
      g_assert_cmpint(conf_checks[i].status, ==, CONF_ACTIVE);
      n_v1++;
    }
  g_assert_cmpuint(n_v1, >=, 20);
  /* gateway NAT rules (issue 18): at least 15 NAT checks active, each citing facts 6 */
  size_t n_nat = 0;
  for (size_t i = 0; i < conf_n_checks; i++)
    if (!strcmp(conf_check_group(&conf_checks[i])->prefix, "NAT")) {
      g_assert_true(strstr(conf_checks[i].source, "facts ") && strstr(conf_checks[i].source, "6"));
      n_nat += conf_checks[i].status == CONF_ACTIVE;
    }
  g_assert_cmpuint(n_nat, >=, 15);
  /* P2S (issue 19): every check active, 20 at least, each citing facts 7 (or 1, 8) */
  size_t n_p2s = 0;
  for (size_t i = 0; i < conf_n_checks; i++)
    if (!strcmp(conf_check_group(&conf_checks[i])->prefix, "P2S")) {
      g_assert_cmpint(conf_checks[i].status, ==, CONF_ACTIVE);
      g_assert_true(g_str_has_prefix(conf_checks[i].source, "facts "));
      n_p2s++;
    }
  g_assert_cmpuint(n_p2s, >=, 20);
  /* (no group is wholly pending any more: NAT and P2S run) */
  /* BGP (issue 15): every check active, at least 25, each citing facts 5 */
  size_t n_bgp = 0;
  for (size_t i = 0; i < conf_n_checks; i++)
    if (!strcmp(conf_check_group(&conf_checks[i])->prefix, "BGP")) {
      g_assert_cmpint(conf_checks[i].status, ==, CONF_ACTIVE);
      g_assert_true(g_str_has_prefix(conf_checks[i].source, "facts 5 "));
      n_bgp++;
    }
  g_assert_cmpuint(n_bgp, >=, 25);
  /* issue 17: the AA- group runs, at least 15 checks of facts section 8 */
  size_t aa = 0;
  for (size_t i = 0; i < conf_n_checks; i++)
    if (!strcmp(conf_check_group(&conf_checks[i])->prefix, "AA")) {
      g_assert_cmpint(conf_checks[i].status, ==, CONF_ACTIVE);
      g_assert_nonnull(strstr(conf_checks[i].source, "facts 8"));
      aa++;
    }
  g_assert_cmpuint(aa, >=, 15);
  g_assert_nonnull(strstr(conf_check_find("DPD-001")->statement, "dpdTimeoutSeconds 9 "));
  g_assert_nonnull(strstr(conf_check_find("DPD-002")->statement, "dpdTimeoutSeconds 3600 "));
}

static void test_outputs(void)
{
  g_autofree char *md = conf_catalogue_markdown();
  g_autofree char *txt = conf_catalogue_text();
  g_autofree char *js = conf_catalogue_json();
  for (size_t i = 0; i < conf_n_checks; i++) {
    g_autofree char *cell = g_strdup_printf("| %s | ", conf_checks[i].id);
    g_assert_nonnull(strstr(md, cell));
    g_autofree char *q = g_strdup_printf("{\"id\":\"%s\"", conf_checks[i].id);
    g_assert_nonnull(strstr(js, q));
    g_assert_nonnull(strstr(txt, conf_checks[i].id));
  }
  /* a pending check's row says what it waits for */
  for (size_t i = 0; i < conf_n_checks; i++) {
    if (conf_checks[i].status != CONF_PENDING)
      continue;
    g_autofree char *w = g_strdup_printf("pending: %s", conf_checks[i].waits_for);
    g_assert_nonnull(strstr(md, w));
  }
}

/* The self-test's table (issue 20): one row per active check, none for a pending or
 * unknown one, each naming its fault; an edit of a known kind; at most a tenth of the
 * active checks without one (they say why, and tests/catalogue-selftest.t reports them as
 * TODO). */
static void test_faults(void)
{
  size_t active = 0, todo = 0;
  for (size_t i = 0; i < conf_n_checks; i++) {
    const ConfCheck *c = &conf_checks[i];
    const ConfFault *f = conf_check_fault(c);
    if (c->status != CONF_ACTIVE) {
      g_assert_null(f);
      continue;
    }
    active++;
    if (!f)
      g_error("%s: no fault: in its check: block", c->id);
    g_assert_true(f->fault && *f->fault);
    if (!f->edit) {
      todo++;
      continue;
    }
    g_assert_true(g_str_has_prefix(f->edit, "gatewayImpair: ") ||
                  g_str_has_prefix(f->edit, "bgpRulesOff: ") ||
                  g_str_has_prefix(f->edit, "append: ") || g_str_has_prefix(f->edit, "sed: ") ||
                  g_str_has_prefix(f->edit, "sed -E: "));
  }
  for (size_t k = 0; k < conf_n_faults; k++) {
    const ConfCheck *c = conf_check_find(conf_faults[k].id);
    if (!c)
      g_error("fault row %s names no check", conf_faults[k].id);
    g_assert_true(conf_check_fault(c) == &conf_faults[k]); /* one row per check */
  }
  g_assert_cmpuint(todo * 10, <=, active);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/conformance/catalogue/ids", test_ids);
  g_test_add_func("/conformance/catalogue/fields", test_fields);
  g_test_add_func("/conformance/catalogue/files-exist", test_files_exist);
  g_test_add_func("/conformance/catalogue/scenarios-load", test_scenarios_load);
  g_test_add_func("/conformance/catalogue/coverage", test_coverage);
  g_test_add_func("/conformance/catalogue/outputs", test_outputs);
  g_test_add_func("/conformance/catalogue/faults", test_faults);
  return g_test_run();
}
