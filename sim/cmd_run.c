/* SPDX-License-Identifier: MIT */
/* vpnsim run: load a scenario and run it (for now: --dry-run loads it through the scenario
 * loader and prints the plan, or every located problem). */
#include "models/common/units.h"
#include "sim/cli.h"
#include "sim/scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int cmd_run(int argc, char **argv)
{
  g_autofree char *out = NULL, *seed_s = NULL, *until_s = NULL, *format = NULL;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output folder (default out/<name>/)", "DIR"},
      {"seed", 's', 0, G_OPTION_ARG_STRING, &seed_s, "Seed, overriding the scenario's", "N"},
      {"until", 'u', 0, G_OPTION_ARG_STRING, &until_s, "Stop at this simulated time (60s, 5m)",
       "TIME"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "Report on stdout: text|tap|junit|json",
       "F"},
      {"dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
       "Load the scenario and print what it holds; do not simulate", NULL},
      G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO - run a scenario");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!cli_parse("run", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  if (argc != 2)
    return cli_usage_error("run", argc < 2 ? "missing SCENARIO" : "one SCENARIO at a time");
  static const char *const formats[] = {"text", "tap", "junit", "json", NULL};
  if (format && !cli_check_format("run", format, formats))
    return VS_EXIT_INVALID;
  if (seed_s) {
    char *end;
    errno = 0;
    (void)g_ascii_strtoull(seed_s, &end, 10);
    if (!*seed_s || *end || errno || seed_s[0] == '-')
      return cli_usage_error("run", "--seed must be an integer from 0 to 2^64-1, not '%s'",
                             seed_s);
  }
  int64_t until_ns;
  if (until_s && !units_parse_duration(until_s, &until_ns))
    return cli_usage_error("run", "--until must be a duration such as 90s, 5m or 1h, not '%s'",
                           until_s);

  g_autoptr(GError) err = NULL;
  g_autoptr(GwDiags) diags = gw_diags_new();
  g_autoptr(ScnPlan) plan = scn_plan_load_file(argv[1], NULL, diags, &err);
  if (!plan) {
    fprintf(stderr, "%s\n", err->message);
    return VS_EXIT_INVALID;
  }
  for (size_t i = 0; i < gw_diags_len(diags); i++) {
    g_autofree char *line = gw_diag_format(gw_diags_get(diags, i));
    fprintf(stderr, "%s\n", line);
  }
  size_t errors = gw_diags_count(diags, GW_SEV_ERROR);
  /* A scenario whose expectations are about validation may hold a configuration the
   * cloud refuses; any other error makes it invalid. */
  bool expects_validation = false;
  for (unsigned i = 0; i < plan->n_expects; i++)
    expects_validation |= plan->expects[i].kind == SCN_EXP_VALIDATION;
  if (errors && !(expects_validation && scn_diags_only_rules(diags))) {
    fprintf(stderr, "%s: invalid scenario (%zu error%s)\n", plan->file, errors,
            errors == 1 ? "" : "s");
    return VS_EXIT_INVALID;
  }
  if (dry_run) {
    g_autofree char *text = scn_plan_describe(plan);
    fputs(text, stdout);
    printf("dry run: the scenario was loaded and not simulated\n");
    return VS_EXIT_PASS;
  }
  return cli_not_implemented("run", "simulation comes with issue #9; --dry-run loads and "
                                    "prints the scenario");
}
