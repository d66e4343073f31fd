/* SPDX-License-Identifier: MIT */
/* vpnsim run: load a scenario and run it (sim/run/runner.h), the report in the asked format
 * on stdout and every output in the folder; --dry-run loads it and prints the plan. */
#include "models/common/units.h"
#include "sim/cli/cli.h"
#include "sim/cli/report.h"
#include "sim/run/runner.h"
#include "sim/scenario/scenario.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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
  if (!cli_check_scenario_args("run", argc, format))
    return VS_EXIT_INVALID;
  ScnRunOptions ro = {0};
  if (seed_s) {
    char *end;
    errno = 0;
    ro.seed = g_ascii_strtoull(seed_s, &end, 10);
    ro.has_seed = true;
    if (!*seed_s || *end || errno || seed_s[0] == '-')
      return cli_usage_error("run", "--seed must be an integer from 0 to 2^64-1, not '%s'",
                             seed_s);
  }
  int64_t until_ns = 0;
  if (until_s && (!units_parse_duration(until_s, &until_ns) || until_ns <= 0))
    return cli_usage_error("run", "--until must be a duration such as 90s, 5m or 1h, not '%s'",
                           until_s);

  g_autoptr(GError) err = NULL;
  g_autoptr(VsDiags) diags = vs_diags_new();
  /* A scenario whose expectations are about validation may hold a configuration the
   * cloud refuses; any other error makes it invalid. */
  g_autoptr(ScnPlan) plan = cli_load_plan(argv[1], TRUE, diags);
  if (!plan)
    return VS_EXIT_INVALID;
  if (dry_run) {
    g_autofree char *text = scn_plan_describe(plan);
    fputs(text, stdout);
    if (plan->merged) {
      printf("merged scenario (%s", plan->file);
      for (unsigned i = 0; i < plan->n_bases; i++)
        printf(" on %s", plan->bases[i]);
      printf("; secrets redacted):\n%s", plan->merged);
    }
    printf("dry run: the scenario was loaded and not simulated\n");
    return VS_EXIT_PASS;
  }
  ro.has_until = until_s != NULL;
  ro.until_ns = until_ns;
  g_autofree char *dflt = g_build_filename("out", plan->name, NULL);
  ro.out_dir = out ? out : dflt;
  ro.progress = isatty(STDERR_FILENO);
  g_autoptr(ScnResults) res = scn_run(plan, diags, &ro, &err);
  return scn_report_run_result("run", plan->file, res, err, format);
}
