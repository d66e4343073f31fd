/* SPDX-License-Identifier: MIT */
/* vpnsim: the command line entry point, dispatching to the subcommands. */
#include "models/common/names.h"
#include "sim/cli/cli.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *name;
  const char *args;
  const char *summary;
  const char *status; /* NULL when implemented; otherwise what it waits for */
  CliCommandFn fn;
} Command;

static const Command commands[] = {
    {"run", "SCENARIO [--out DIR] [--seed N] [--until TIME] [--format F] [--dry-run]",
     "run a scenario in simulated time; write pcaps, key tables, events and a report",
     NULL, cmd_run},
    {"validate", "SCENARIO", "check a scenario's configuration as the cloud API would", NULL,
     cmd_validate},
    {"conformance", "[PATH...] [--device PROFILE] [--jobs N] [--format F] [--out DIR]",
     "run the conformance catalogue (TAP, JUnit or JSON); --device: a compatibility matrix",
     NULL, cmd_conformance},
    {"live", "SCENARIO --attach NODE=IFNAME [--duration TIME] [--out DIR]",
     "run in real time, a scenario's device replaced by a real one on a TAP (root)", NULL,
     cmd_live},
    {"list", "skus|policies|rules|checks [--format F]", "print a catalogue",
     NULL, cmd_list},
    {"import", "arm TEMPLATE.json [--parameters FILE] [--set NAME=VALUE]... [-o SCENARIO]",
     "write a scenario from an ARM deployment template (docs/import-arm.md)", NULL,
     cmd_import},
    {"schema", "(> docs/scenario.schema.json)",
     "print the JSON Schema (draft 2020-12) of the scenario format, from the loader's tables",
     NULL, cmd_schema},
};

static void usage(FILE *out)
{
  fprintf(out,
          "Usage: vpnsim COMMAND [ARGS...]\n"
          "       vpnsim --help | --version\n\n"
          "A discrete-event simulator and conformance suite for cloud VPN gateways\n"
          "(Azure VPN Gateway), speaking real IKEv2, ESP and BGP.\n\n"
          "Commands:\n");
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
    fprintf(out, "  %-12s %s\n  %-12s   %s\n", commands[i].name, commands[i].args, "",
            commands[i].summary);
    if (commands[i].status)
      fprintf(out, "  %-12s   (%s)\n", "", commands[i].status);
  }
  fprintf(out, "\n'vpnsim COMMAND --help' describes a command's options.\n"
               "Exit status: 0 all expectations held; 1 an expectation failed; 2 the scenario\n"
               "or the command line is invalid; 3 internal error or not implemented.\n");
}

int main(int argc, char **argv)
{
  setlocale(LC_ALL, "");
  if (argc < 2) {
    usage(stderr);
    return VS_EXIT_INVALID;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    usage(stdout);
    return VS_EXIT_PASS;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    printf("vpnsim %s\n", VPNSIM_VERSION);
    return VS_EXIT_PASS;
  }
  const char *names[G_N_ELEMENTS(commands)];
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
    if (!strcmp(cmd, commands[i].name))
      return commands[i].fn(argc - 1, argv + 1);
    names[i] = commands[i].name;
  }
  const char *hint = str_nearest(cmd, names, G_N_ELEMENTS(names));
  if (hint)
    fprintf(stderr, "vpnsim: unknown command '%s' (did you mean '%s'?)\n", cmd, hint);
  else
    fprintf(stderr, "vpnsim: unknown command '%s'\n", cmd);
  fprintf(stderr, "Try 'vpnsim --help'.\n");
  return VS_EXIT_INVALID;
}
