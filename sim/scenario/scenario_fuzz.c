/* SPDX-License-Identifier: MIT */
/* libFuzzer target: arbitrary bytes as a whole scenario through the loader (devices with
 * the bundled profiles, hosts, NAT boxes, links, timeline, expectations), the plan's text
 * form, and the expectations evaluated on an empty run; nothing may crash, leak or
 * overflow. */
#include "sim/run/expect.h"
#include "sim/scenario/scenario.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const dirs[] = {"profiles", NULL}; /* run from the source tree */
  ScnLoadOptions opt = {.profile_dirs = dirs};
  GError *error = NULL;
  GwDiags *d = gw_diags_new();
  ScnPlan *plan = scn_plan_load_string("fuzz.yaml", (const char *)data, size, &opt, d, &error);
  if (plan) {
    g_free(scn_plan_describe(plan));
    ScnExpectInput in = {.validation = d, .end_ns = plan->duration_ns};
    ScnResults *r = scn_expect_evaluate(plan, &in);
    scn_results_free(r);
    scn_plan_free(plan);
  }
  g_clear_error(&error);
  for (size_t i = 0; i < gw_diags_len(d); i++)
    g_free(gw_diag_format(gw_diags_get(d, i)));
  gw_diags_free(d);
  return 0;
}
