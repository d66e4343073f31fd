/* SPDX-License-Identifier: MIT */
/* vpnsim validate: judge a scenario's configuration as the cloud API would, printing every
 * error and warning as "file:line:col: error RULE-ID: message". */
#include "sim/cli/cli.h"
#include "sim/scenario/scenario_cloud.h"

#include <stdio.h>

int cmd_validate(int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("SCENARIO - check the configuration as the cloud API would");
  g_option_context_set_description(
      ctx, "Prints every error and warning of the scenario's cloud: section (rules: "
           "docs/rules.md,\n'vpnsim list rules') on stderr. Exit status 2 when any error, "
           "else 0.\n");
  if (!cli_parse("validate", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  if (argc != 2)
    return cli_usage_error("validate", argc < 2 ? "missing SCENARIO" : "one SCENARIO at a time");

  g_autoptr(VsDiags) diags = vs_diags_new();
  g_autoptr(YtDoc) doc = yt_load_file(argv[1], vs_diags_sink(diags));
  if (!doc) {
    cli_print_diags(diags, TRUE); /* the one record of a file that is not YAML */
    return VS_EXIT_INVALID;
  }
  size_t errors = scn_cloud_validate(doc, diags);
  cli_print_diags(diags, FALSE);
  size_t warnings = vs_diags_count(diags, VS_SEV_WARNING);
  printf("%s: %s (%zu error%s, %zu warning%s)\n", doc->name, errors ? "invalid" : "valid",
         errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
  return errors ? VS_EXIT_INVALID : VS_EXIT_PASS;
}
