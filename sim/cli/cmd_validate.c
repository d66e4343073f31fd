/* SPDX-License-Identifier: MIT */
/* vpnsim validate: judge a scenario's configuration as the cloud API would, and the form of
 * every other section as a run would, printing every error and warning as
 * "file:line:col: error RULE-ID: message". */
#include "sim/cli/cli.h"
#include "sim/scenario/scenario.h"

#include <stdio.h>

int cmd_validate(int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("SCENARIO - check the configuration as the cloud API would");
  g_option_context_set_description(
      ctx, "Prints every error and warning of the scenario's cloud: section (rules: "
           "docs/rules.md,\n'vpnsim list rules') and of the form of its other sections "
           "(docs/scenario-format.md)\non stderr. A file may hold only a cloud: section. "
           "Exit status 2 when any error, else 0.\n");
  if (!cli_parse("validate", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  if (argc != 2)
    return cli_usage_error("validate", argc < 2 ? "missing SCENARIO" : "one SCENARIO at a time");

  /* The whole loader, not only the cloud's: a file "valid" here must not be refused by
   * vpnsim run for a broken timeline or host (issue 21). Only what a run alone needs
   * (name, duration) may be missing. */
  g_autoptr(VsDiags) diags = vs_diags_new();
  const ScnLoadOptions opt = {.judge_only = true};
  g_autoptr(ScnPlan) plan = scn_plan_load_file(argv[1], &opt, diags, NULL);
  if (!plan) {
    cli_print_diags(diags, TRUE); /* the one record of a file that is not YAML */
    return VS_EXIT_INVALID;
  }
  cli_print_diags(diags, FALSE);
  size_t errors = vs_diags_count(diags, VS_SEV_ERROR);
  size_t warnings = vs_diags_count(diags, VS_SEV_WARNING);
  printf("%s: %s (%zu error%s, %zu warning%s)\n", plan->file, errors ? "invalid" : "valid",
         errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  return errors ? VS_EXIT_INVALID : VS_EXIT_PASS;
}
