/* SPDX-License-Identifier: MIT */
/* vpnsim run: load a scenario and run it (for now: --dry-run loads and prints it). */
#include "models/common/units.h"
#include "sim/cli.h"
#include "sim/ytree.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* What --dry-run shows: the scenario's identity and the size of each top-level section. */
static void print_plan(const YtDoc *doc)
{
  const YtNode *root = doc->root;
  const YtNode *name = yt_map_get(root, "name"), *desc = yt_map_get(root, "description");
  printf("scenario: %s\n", name && name->kind == YT_SCALAR ? name->str : "(no name)");
  if (desc && desc->kind == YT_SCALAR) {
    g_autofree char *d = g_strstrip(g_strdup(desc->str));
    printf("description: %s\n", d);
  }
  printf("sections:\n");
  for (guint i = 0; root->keys && i < root->keys->len; i++) {
    const YtNode *k = g_ptr_array_index(root->keys, i);
    const YtNode *v = g_ptr_array_index(root->items, i);
    if (v == name || v == desc)
      continue;
    if (v->kind == YT_SCALAR)
      printf("  %-24s %s\n", k->str, v->str);
    else
      printf("  %-24s %zu %s\n", k->str, yt_len(v),
             v->kind == YT_SEQ ? (yt_len(v) == 1 ? "item" : "items")
                               : (yt_len(v) == 1 ? "entry" : "entries"));
  }
}

int cmd_run(int argc, char **argv)
{
  g_autofree char *out = NULL, *seed_s = NULL, *until_s = NULL, *format = NULL;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output folder (default out/<name>/)", "DIR"},
      {"seed", 's', 0, G_OPTION_ARG_STRING, &seed_s, "Seed, overriding the scenario's", "N"},
      {"until", 'u', 0, G_OPTION_ARG_STRING, &until_s, "Stop at this simulated time (60s, 5m)",
       "TIME"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format, "Report on stdout: text|tap|junit|json",
       "F"},
      {"dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
       "Load the scenario and print what it holds; do not simulate", NULL},
      G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("SCENARIO - run a scenario");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!cli_parse("run", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  if (argc != 2)
    return cli_usage_error("run", argc < 2 ? "missing SCENARIO" : "one SCENARIO at a time");
  static const char *const formats[] = {"text", "tap", "junit", "json", NULL};
  if (format && !cli_check_format("run", format, formats))
    return VS_EXIT_INVALID;
  if (seed_s) {
    char *end;
    errno = 0;
    (void)g_ascii_strtoull(seed_s, &end, 10);
    if (!*seed_s || *end || errno || seed_s[0] == '-')
      return cli_usage_error("run", "--seed must be an integer from 0 to 2^64-1, not '%s'",
                             seed_s);
  }
  int64_t until_ns;
  if (until_s && !units_parse_duration(until_s, &until_ns))
    return cli_usage_error("run", "--until must be a duration such as 90s, 5m or 1h, not '%s'",
                           until_s);

  g_autoptr(GError) err = NULL;
  g_autoptr(YtDoc) doc = yt_load_file(argv[1], &err);
  if (!doc) {
    fprintf(stderr, "%s\n", err->message);
    return VS_EXIT_INVALID;
  }
  if (doc->root->kind != YT_MAP) {
    fprintf(stderr, "%s:%u:%u: a scenario is a mapping of sections (name, description, ...)\n",
            doc->name, doc->root->line, doc->root->col);
    return VS_EXIT_INVALID;
  }
  if (dry_run) {
    print_plan(doc);
    printf("dry run: the scenario was loaded and not simulated\n");
    return VS_EXIT_PASS;
  }
  return cli_not_implemented("run", "simulation comes with issue #9; --dry-run loads and "
                                    "prints the scenario");
}
