/* SPDX-License-Identifier: MIT */
/* vpnsim conformance: run the conformance catalogue. */
#include "sim/cli.h"

int cmd_conformance(int argc, char **argv)
{
  g_autofree char *device = NULL, *format = NULL;
  int jobs = 1;
  GOptionEntry entries[] = {
      {"device", 'd', 0, G_OPTION_ARG_FILENAME, &device,
       "Replace every check's device by this profile", "PROFILE"},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Checks run in parallel", "N"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "tap|junit|json", "F"},
      G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("[PATH...] - run the conformance catalogue");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!cli_parse("conformance", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  static const char *const formats[] = {"tap", "junit", "json", NULL};
  if (format && !cli_check_format("conformance", format, formats))
    return VS_EXIT_INVALID;
  if (jobs < 1)
    return cli_usage_error("conformance", "--jobs must be at least 1, not %d", jobs);
  return cli_not_implemented("conformance", "the catalogue comes with issue #10");
}
