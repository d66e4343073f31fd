/* SPDX-License-Identifier: MIT */
/* Helpers shared by the vpnsim subcommands (see cli.h). */
#include "sim/cli/cli.h"

#include "models/common/names.h"

#include <stdio.h>
#include <string.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  fprintf(stderr, "vpnsim %s: %s\nTry 'vpnsim %s --help'.\n", cmd, msg, cmd);
  return VS_EXIT_INVALID;
}

gboolean cli_parse(const char *cmd, GOptionContext *ctx, int *argc, char ***argv)
{
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &err)) {
    cli_usage_error(cmd, "%s", err->message);
    return FALSE;
  }
  /* GOption leaves unknown dash arguments after "--" alone; anything else starting with
   * '-' that is left is an option we do not know. */
  for (int i = 1; i < *argc; i++)
    if ((*argv)[i][0] == '-' && (*argv)[i][1] != '\0') {
      cli_usage_error(cmd, "unknown option %s", (*argv)[i]);
      return FALSE;
    }
  return TRUE;
}

gboolean cli_check_format(const char *cmd, const char *format, const char *const *allowed)
{
  size_t n = 0;
  for (; allowed[n]; n++)
    if (strcmp(format, allowed[n]) == 0)
      return TRUE;
  g_autofree char *list = g_strjoinv("|", (char **)allowed);
  const char *hint = str_nearest(format, allowed, n);
  if (hint)
    cli_usage_error(cmd, "unknown format '%s' (one of %s; did you mean '%s'?)", format, list,
                    hint);
  else
    cli_usage_error(cmd, "unknown format '%s' (one of %s)", format, list);
  return FALSE;
}

void cli_print_diags(const VsDiags *diags, gboolean brief)
{
  for (size_t i = 0; i < vs_diags_len(diags); i++) {
    const VsDiag *d = vs_diags_get(diags, i);
    g_autofree char *line = brief ? vs_diag_format_brief(d) : vs_diag_format(d);
    fprintf(stderr, "%s\n", line);
  }
}

ScnPlan *cli_load_plan(const char *path, gboolean allow_expected_rule_errors, VsDiags *diags)
{
  g_autoptr(ScnPlan) plan = scn_plan_load_file(path, NULL, diags, NULL);
  if (!plan) {
    cli_print_diags(diags, TRUE); /* the one record of a file that is not YAML */
    return NULL;
  }
  cli_print_diags(diags, FALSE);
  size_t errors = vs_diags_count(diags, VS_SEV_ERROR);
  bool expects_validation = false;
  for (unsigned i = 0; i < plan->n_expects; i++)
    expects_validation |= plan->expects[i].kind == SCN_EXP_VALIDATION;
  if (errors && !(allow_expected_rule_errors && expects_validation && scn_diags_only_rules(diags))) {
    fprintf(stderr, "%s: invalid scenario (%zu error%s)\n", plan->file, errors,
            errors == 1 ? "" : "s");
    return NULL;
  }
  return g_steal_pointer(&plan);
}

gboolean cli_check_scenario_args(const char *cmd, int argc, const char *format)
{
  if (argc != 2) {
    cli_usage_error(cmd, argc < 2 ? "missing SCENARIO" : "one SCENARIO at a time");
    return FALSE;
  }
  static const char *const formats[] = {"text", "tap", "junit", "json", NULL};
  return !format || cli_check_format(cmd, format, formats);
}
