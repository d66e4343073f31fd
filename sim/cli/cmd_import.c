/* SPDX-License-Identifier: MIT */
/* vpnsim import: turn another description of a VPN into a scenario; today "arm", an ARM
 * deployment template (sim/scenario/arm_import.c, docs/import-arm.md). */
#include "sim/cli/cli.h"
#include "sim/scenario/arm_import.h"

#include <stdio.h>
#include <string.h>

static const char *const formats[] = {"arm", NULL};

static gboolean profile_name_ok(const char *s)
{
  if (!*s)
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!(g_ascii_isalnum(*c) || strchr("._-", *c)))
      return FALSE;
  return s[0] != '.';
}

int cmd_import(int argc, char **argv)
{
  g_autofree char *params = NULL, *out = NULL, *profile = NULL, *name = NULL;
  g_auto(GStrv) sets = NULL;
  gboolean allow_unmapped = FALSE;
  GOptionEntry entries[] = {
      {"parameters", 'p', 0, G_OPTION_ARG_FILENAME, &params,
       "A deployment parameters file ({\"parameters\": {\"NAME\": {\"value\": ...}}})", "FILE"},
      {"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
       "Give a parameter's value (after --parameters; the last one wins); repeatable",
       "NAME=VALUE"},
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the scenario here (default stdout)",
       "SCENARIO.yaml"},
      {"profile", 0, 0, G_OPTION_ARG_STRING, &profile,
       "The on-premises devices' profile (default strongswan-5.9; profiles/)", "NAME"},
      {"name", 0, 0, G_OPTION_ARG_STRING, &name,
       "The scenario's name (default: the template's file name)", "NAME"},
      {"allow-unmapped", 0, 0, G_OPTION_ARG_NONE, &allow_unmapped,
       "Import what can be mapped; what cannot is a warning (and a comment in the scenario)",
       NULL},
      G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("arm TEMPLATE.json - write a scenario from an ARM template");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_option_context_set_description(
      ctx, "Evaluates the template (parameters, variables, template functions, reference())\n"
           "and maps its virtual networks, gateways, NAT rules, point-to-site settings, local\n"
           "network gateways and connections to the cloud: section, with an on-premises\n"
           "device per local network gateway and a minimal underlay (docs/import-arm.md).\n"
           "Whatever cannot be evaluated or mapped is printed with its JSON path,\n"
           "\"TEMPLATE: resources[3].properties.foo: error: ...\", and the exit status is 2.\n");
  if (!cli_parse("import", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  if (argc < 2)
    return cli_usage_error("import", "missing the format (arm) and TEMPLATE");
  if (!cli_check_format("import", argv[1], formats))
    return VS_EXIT_INVALID;
  if (argc < 3)
    return cli_usage_error("import", "missing TEMPLATE");
  if (argc > 3)
    return cli_usage_error("import", "one TEMPLATE at a time");
  if (profile && !profile_name_ok(profile))
    return cli_usage_error("import", "--profile takes a profile's name (profiles/NAME.yaml), "
                                     "not '%s'", profile);

  ArmImportOptions o = {
      .template_path = argv[2],
      .parameters_path = params,
      .sets = (const char *const *)sets,
      .profile = profile,
      .name = name,
      .allow_unmapped = allow_unmapped,
  };
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)arm_problem_free);
  g_autofree char *yaml = arm_import(&o, problems);
  for (guint i = 0; i < problems->len; i++) {
    g_autofree char *line = arm_problem_format(g_ptr_array_index(problems, i));
    fprintf(stderr, "%s\n", line);
  }
  if (!yaml)
    return VS_EXIT_INVALID;
  if (!out || !strcmp(out, "-")) {
    fputs(yaml, stdout);
    return VS_EXIT_PASS;
  }
  g_autoptr(GError) error = NULL;
  if (!g_file_set_contents(out, yaml, -1, &error)) {
    fprintf(stderr, "vpnsim import: %s\n", error->message);
    return VS_EXIT_INVALID;
  }
  return VS_EXIT_PASS;
}
