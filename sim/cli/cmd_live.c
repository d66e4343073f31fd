/* SPDX-License-Identifier: MIT */
/* vpnsim live: run a scenario in real time with devices replaced by real ones on TAP
 * interfaces (sim/run/live.h); Ctrl-C or --duration ends it with every output written. */
#include "models/common/units.h"
#include "sim/cli/cli.h"
#include "sim/run/live.h"
#include "sim/cli/report.h"
#include "sim/run/runner.h"
#include "sim/scenario/scenario.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t live_stop;

static void on_signal(int sig)
{
  live_stop = sig;
}

int cmd_live(int argc, char **argv)
{
  g_auto(GStrv) attach = NULL;
  g_autofree char *out = NULL, *duration_s = NULL, *format = NULL;
  GOptionEntry entries[] = {
      {"attach", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &attach,
       "Replace the scenario's device NODE by the real one behind the TAP interface IFNAME "
       "(opened if it exists, else created); repeatable",
       "NODE=IFNAME"},
      {"duration", 'd', 0, G_OPTION_ARG_STRING, &duration_s,
       "Run this long in real time (default: the scenario's duration)", "TIME"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output folder (default out/<name>/)", "DIR"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "Report on stdout: text|tap|junit|json",
       "F"},
      G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO - run in real time");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_description(
      ctx, "Needs root (TAP interfaces through /dev/net/tun). Ctrl-C ends the run: the "
           "outputs are written and the expectations evaluated up to that time. See "
           "docs/live-mode.md.");
  if (!cli_parse("live", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  if (!cli_check_scenario_args("live", argc, format))
    return VS_EXIT_INVALID;
  if (!attach)
    return cli_usage_error("live", "missing --attach NODE=IFNAME");
  ScnLive live = {.stop = &live_stop, .verbose = true};
  for (char **a = attach; *a; a++) {
    if (live.n_attach == SCN_LIVE_MAX_ATTACH)
      return cli_usage_error("live", "at most %d --attach", SCN_LIVE_MAX_ATTACH);
    g_autofree char *shown = g_strdup(*a);
    if (!scn_live_parse_attach(*a, &live.attach[live.n_attach++]))
      return cli_usage_error("live", "--attach takes NODE=IFNAME (IFNAME at most 15 bytes), not '%s'",
                             shown);
  }
  int64_t duration_ns = 0;
  if (duration_s && (!units_parse_duration(duration_s, &duration_ns) || duration_ns <= 0))
    return cli_usage_error("live", "--duration must be a duration such as 30s or 5m, not '%s'",
                           duration_s);

  g_autoptr(GError) err = NULL;
  g_autoptr(VsDiags) diags = vs_diags_new();
  /* a configuration the cloud refuses has nothing to run against a real device */
  g_autoptr(ScnPlan) plan = cli_load_plan(argv[1], FALSE, diags);
  if (!plan)
    return VS_EXIT_INVALID;
  g_autofree char *why = NULL;
  if (!scn_live_check(&live, plan, &why)) {
    fprintf(stderr, "vpnsim live: %s\n", why);
    return VS_EXIT_INVALID;
  }
  if (geteuid() != 0) {
    fprintf(stderr, "vpnsim live: live mode needs root: it opens TAP interfaces through "
                    "/dev/net/tun (run it with sudo, or as root in a network namespace)\n");
    return VS_EXIT_INTERNAL;
  }

  struct sigaction sa = {.sa_handler = on_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  g_autofree char *dflt = g_build_filename("out", plan->name, NULL);
  ScnRunOptions ro = {.out_dir = out ? out : dflt,
                      .has_until = duration_s != NULL,
                      .until_ns = duration_ns,
                      .live = &live};
  g_autoptr(ScnResults) res = scn_run(plan, diags, &ro, &err);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  int rc = scn_report_run_result("live", plan->file, res, err, format);
  if (res)
    fprintf(stderr, "vpnsim live: outputs in %s\n", ro.out_dir);
  return rc;
}
