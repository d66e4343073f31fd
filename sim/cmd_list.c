/* SPDX-License-Identifier: MIT */
/* vpnsim list: print a catalogue (SKUs, policies, conformance checks). */
#include "sim/cli.h"

#include <string.h>

int cmd_list(int argc, char **argv)
{
  g_autofree char *format = NULL;
  GOptionEntry entries[] = {
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "text|json", "F"},
      G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("skus|policies|checks - print a catalogue");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!cli_parse("list", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  static const char *const formats[] = {"text", "json", NULL};
  if (format && !cli_check_format("list", format, formats))
    return VS_EXIT_INVALID;
  if (argc != 2)
    return cli_usage_error("list", "say which catalogue: skus, policies or checks");
  if (!strcmp(argv[1], "skus") || !strcmp(argv[1], "policies"))
    return cli_not_implemented("list", "the SKU and policy catalogues come with issue #7");
  if (!strcmp(argv[1], "checks"))
    return cli_not_implemented("list", "the conformance catalogue comes with issue #10");
  return cli_usage_error("list", "unknown catalogue '%s' (skus, policies or checks)", argv[1]);
}
