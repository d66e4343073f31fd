/* SPDX-License-Identifier: MIT */
/* vpnsim live: run a scenario in real time with a node attached to a real interface. */
#include "sim/cli.h"

#include <string.h>

int cmd_live(int argc, char **argv)
{
  g_auto(GStrv) attach = NULL;
  GOptionEntry entries[] = {
      {"attach", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &attach,
       "Attach a simulated node to a real interface", "NODE=IFNAME"},
      G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO - run in real time");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!cli_parse("live", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  if (argc != 2)
    return cli_usage_error("live", argc < 2 ? "missing SCENARIO" : "one SCENARIO at a time");
  if (!attach)
    return cli_usage_error("live", "missing --attach NODE=IFNAME");
  for (char **a = attach; *a; a++) {
    const char *eq = strchr(*a, '=');
    if (!eq || eq == *a || !eq[1])
      return cli_usage_error("live", "--attach takes NODE=IFNAME, not '%s'", *a);
  }
  return cli_not_implemented("live", "live mode comes with issue #11");
}
