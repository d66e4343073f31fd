/* SPDX-License-Identifier: MIT */
/* The vpnsim command line: exit statuses, the subcommand entry points (one file each,
 * sim/cli/cmd_*.c; the catalogue's in conformance/) and the helpers they share for option parsing and messages. */
#pragma once

#include "sim/scenario/scenario.h"

#include <glib.h>

/* Exit statuses: the contract that scripts and CI rely on (docs/architecture.md). */
enum {
  VS_EXIT_PASS = 0,     /* every expectation held */
  VS_EXIT_FAIL = 1,     /* an expectation failed */
  VS_EXIT_INVALID = 2,  /* the scenario or the command line is invalid */
  VS_EXIT_INTERNAL = 3, /* internal error (or not implemented yet) */
};

/* A subcommand: argv[0] is the subcommand's name. */
typedef int (*CliCommandFn)(int argc, char **argv);

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_conformance(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_schema(int argc, char **argv);

/* The catalogue's side of the command line, defined in conformance/ (the layer above:
 * sim/ includes nothing from conformance/, the program links both). cmd_conformance
 * above is one; this is the text of `vpnsim list checks` in a format ("text", "json",
 * "markdown"), newly allocated. */
char *cli_checks_text(const char *format);

/* Parse options for a subcommand. On a bad command line prints
 * "vpnsim CMD: message" and a hint to stderr and returns false (exit 2). --help is
 * handled by GLib (prints and exits 0). */
gboolean cli_parse(const char *cmd, GOptionContext *ctx, int *argc, char ***argv);
/* Prints "vpnsim CMD: message" and "Try 'vpnsim CMD --help'." and returns VS_EXIT_INVALID. */
int cli_usage_error(const char *cmd, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Checks a --format value against a NULL-terminated list. */
gboolean cli_check_format(const char *cmd, const char *format, const char *const *allowed);
/* The command line of a subcommand that runs one scenario (run, live): exactly one
 * SCENARIO left in argv and a report --format (text, tap, junit, json) when given. False
 * when not, after saying why (exit VS_EXIT_INVALID). */
gboolean cli_check_scenario_args(const char *cmd, int argc, const char *format);

/* Load a scenario for a subcommand that runs it: every diagnostic goes to stderr as
 * "file:line:col: ...". NULL (exit VS_EXIT_INVALID) when it cannot run. With
 * allow_expected_rule_errors, a scenario whose expectations are about validation may hold
 * configuration-rule errors (the cloud's refusal is what it checks). */
ScnPlan *cli_load_plan(const char *path, gboolean allow_expected_rule_errors, VsDiags *diags);
/* Print every record to stderr, "file:line:col: error ID: message" (brief: without
 * severity and ID, the form of a file that cannot be read or is not YAML). */
void cli_print_diags(const VsDiags *diags, gboolean brief);
