/* SPDX-License-Identifier: MIT */
/* vpnsim validate: judge a scenario's configuration as the cloud API would. */
#include "sim/cli.h"

int cmd_validate(int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("SCENARIO - check the configuration as the cloud API would");
  if (!cli_parse("validate", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  if (argc != 2)
    return cli_usage_error("validate", argc < 2 ? "missing SCENARIO" : "one SCENARIO at a time");
  return cli_not_implemented("validate", "the configuration rules come with issue #7");
}
