/* SPDX-License-Identifier: MIT */
/* Tests that every timeline action and every expectation kind has a filled row in each
 * layer's descriptor table (sim/scenario: scn_action_descs, scn_expect_descs; sim/run:
 * run_action_descs, scn_expect_checks), and that the rows agree: the sizes are checked
 * when compiling, a row left out in the middle of a table only here. */
#include "models/ike/ikev1_sa.h"
#include "sim/run/expect.h"
#include "sim/run/run_events.h"
#include "sim/run/runner_private.h"
#include "sim/scenario/scenario.h"

#include <glib.h>
#include <string.h>

static void test_actions(void)
{
  for (unsigned k = 0; k < SCN_ACT_COUNT; k++) {
    const ScnActionDesc *d = &scn_action_descs[k];
    const RunActionDesc *r = &run_action_descs[k];
    g_test_message("action %u: %s", k, d->name ? d->name : "(no row)");
    g_assert_nonnull(d->name);
    g_assert_nonnull(d->summary); /* vpnsim schema describes the kind with it */
    g_assert_nonnull(d->load);
    g_assert_nonnull(d->describe);
    g_assert_cmpstr(scn_action_name((ScnActionKind)k), ==, d->name);
    g_assert_cmpstr(d->name, !=, "at"); /* the entry's other key */
    for (unsigned j = 0; j < k; j++)
      g_assert_cmpstr(scn_action_descs[j].name, !=, d->name);
    if (d->simulated) {
      g_assert_nonnull(r->fire); /* check is optional */
    } else {
      /* the loader's row says not simulated: the runner's row is empty */
      g_assert_null(r->fire);
      g_assert_null(r->check);
    }
  }
  g_assert_null(scn_action_name(SCN_ACT_COUNT));
}

static void test_expects(void)
{
  for (unsigned k = 0; k < SCN_EXP_COUNT; k++) {
    const ScnExpectDesc *d = &scn_expect_descs[k];
    g_test_message("expectation %u: %s", k, d->name ? d->name : "(no row)");
    g_assert_nonnull(d->name);
    g_assert_nonnull(d->summary); /* vpnsim schema describes the kind with it */
    g_assert_nonnull(d->load);
    g_assert_nonnull(scn_expect_checks[k].check); /* complete and describe are optional */
    g_assert_cmpstr(scn_expect_name((ScnExpectKind)k), ==, d->name);
    g_assert_cmpstr(d->name, !=, "by");
    for (unsigned j = 0; j < SCN_EXP_COUNT; j++) {
      if (j < k)
        g_assert_cmpstr(scn_expect_descs[j].name, !=, d->name);
      /* a key named like a kind would read as a second check in the same expectation */
      for (const char *const *p = d->keys; p && *p; p++)
        g_assert_cmpstr(*p, !=, scn_expect_descs[j].name);
    }
  }
  g_assert_null(scn_expect_name(SCN_EXP_COUNT));
}

/* The readers' event names (run_events.h) are the IKEv1 engine's too: an IKEv1
 * connection's messages and SAs are read by the same expectations and console lines. */
static void test_ikev1_events(void)
{
  g_assert_cmpstr(run_event_types.ike_message, ==, IKEV1_EV_MESSAGE);
  g_assert_cmpstr(run_event_types.ike_sa_established, ==, IKE_EV_SA_ESTABLISHED);
  g_assert_cmpstr(run_event_types.ike_sa_deleted, ==, IKE_EV_SA_DELETED);
  g_assert_cmpstr(run_event_types.ike_give_up, ==, IKE_EV_GIVE_UP);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/kind-tables/ikev1-events", test_ikev1_events);
  g_test_add_func("/kind-tables/actions", test_actions);
  g_test_add_func("/kind-tables/expectations", test_expects);
  return g_test_run();
}
