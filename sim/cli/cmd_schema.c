/* SPDX-License-Identifier: MIT */
/* vpnsim schema: print the JSON Schema of the scenario format, generated from the loader's
 * own tables (docs/scenario.schema.json is this output). */
#include "sim/cli/cli.h"
#include "sim/scenario/scenario_schema.h"

#include <stdio.h>

int cmd_schema(int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("- print the JSON Schema (draft 2020-12) of the scenario format");
  g_option_context_set_description(
      ctx, "Generated from the loader's key tables and the rows of the timeline actions and\n"
           "expectation kinds: it checks the keys of every section (vpnsim validate checks\n"
           "the values). docs/scenario.schema.json is this output; point an editor's YAML\n"
           "language server at it (docs/scenario-format.md).\n");
  if (!cli_parse("schema", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  if (argc != 1)
    return cli_usage_error("schema", "no arguments");
  g_autofree char *s = scn_schema_json();
  fputs(s, stdout);
  return fflush(stdout) == 0 ? VS_EXIT_PASS : VS_EXIT_INTERNAL;
}
