/* SPDX-License-Identifier: MIT */
/* vpnsim conformance: run the conformance catalogue (or a selection) as `vpnsim run`
 * child processes and report each check as TAP, JUnit or JSON; with --device, the device
 * compatibility matrix of a profile as text, JSON and HTML. */
#include "sim/cli/cli.h"
#include "conformance/conformance_run.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The source tree holding conformance/checks: $VPNSIM_TOP, else the first folder above
 * the binary (or its share/vpnsim) that has it, else the current directory. */
static char *find_top(const char *exe)
{
  const char *env = g_getenv("VPNSIM_TOP");
  if (env && *env)
    return g_strdup(env);
  g_autofree char *dir = exe ? g_path_get_dirname(exe) : g_get_current_dir();
  for (int up = 0; up < 4; up++) {
    g_autofree char *a = g_build_filename(dir, "conformance", "checks", NULL);
    if (g_file_test(a, G_FILE_TEST_IS_DIR))
      return g_steal_pointer(&dir);
    g_autofree char *share = g_build_filename(dir, "share", "vpnsim", NULL);
    g_autofree char *b = g_build_filename(share, "conformance", "checks", NULL);
    if (g_file_test(b, G_FILE_TEST_IS_DIR))
      return g_steal_pointer(&share);
    char *parent = g_path_get_dirname(dir);
    g_free(dir);
    dir = parent;
  }
  return g_get_current_dir();
}

/* --device NAME or --device FILE: the profile file. */
static char *find_profile(const char *arg, const char *top)
{
  if (g_file_test(arg, G_FILE_TEST_IS_REGULAR))
    return g_strdup(arg);
  g_autofree char *name = g_str_has_suffix(arg, ".yaml") ? g_strdup(arg)
                                                          : g_strdup_printf("%s.yaml", arg);
  char *p = g_build_filename(top, "profiles", name, NULL);
  if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
    return p;
  g_free(p);
  return NULL;
}

static void print_tap_point(const ConfCheckResult *cr, size_t index, void *user)
{
  g_autofree char *p = conf_report_tap_point(cr, index);
  fputs(p, stdout);
  fflush(stdout);
}

/* The progress line on a terminal: runs done, checks failing so far, time left (from the
 * pace so far). Never written to files or pipes. */
typedef struct {
  gint64 t0;
} Progress;

static void print_progress(size_t done, size_t total, size_t failed, void *user)
{
  Progress *p = user;
  double el = (double)(g_get_monotonic_time() - p->t0) / 1e6;
  fprintf(stderr, "\r\033[Kconformance: %zu/%zu scenario runs, %zu check%s failing", done, total,
          failed, failed == 1 ? "" : "s");
  if (done && done < total)
    fprintf(stderr, ", about %.0f s left", el / (double)done * (double)(total - done));
  if (done == total)
    fputs("\r\033[K", stderr);
  fflush(stderr);
}

static bool write_file(const char *dir, const char *name, const char *text)
{
  g_autofree char *p = g_build_filename(dir, name, NULL);
  g_autoptr(GError) e = NULL;
  if (!g_file_set_contents(p, text, -1, &e)) {
    fprintf(stderr, "vpnsim conformance: %s\n", e->message);
    return false;
  }
  return true;
}

static int report(const ConfResults *res, const char *profile, const char *out_dir,
                  const char *format, bool print_tap);

int cmd_conformance(int argc, char **argv)
{
  g_autofree char *device = NULL, *format = NULL, *out = NULL, *shard = NULL;
  gboolean merge = FALSE;
  int jobs = 1;
  GOptionEntry entries[] = {
      {"device", 'd', 0, G_OPTION_ARG_FILENAME, &device,
       "Replace every matrix check's device by this profile (a name in profiles/ or a file) "
       "and print the compatibility matrix",
       "PROFILE"},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Scenarios run in parallel (default 1)", "N"},
      {"format", 'f', 0, G_OPTION_ARG_STRING, &format,
       "tap|junit|json (default tap; with --device: text|json|html for the matrix, default text)",
       "F"},
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
       "Output folder: one folder per check with its pcaps, key tables, events and reports "
       "(default out/conformance/)",
       "DIR"},
      {"shard", 0, 0, G_OPTION_ARG_STRING, &shard,
       "Run only shard K of N of the selection (every N-th check, from the K-th), for "
       "parallel CI jobs; join them with --merge",
       "K/N"},
      {"merge", 0, 0, G_OPTION_ARG_NONE, &merge,
       "Join the output folders of every shard (the arguments) into one report and matrix "
       "in --out",
       NULL},
      G_OPTION_ENTRY_NULL,
  };
  g_autoptr(GOptionContext) ctx =
      g_option_context_new("[ID|PREFIX|GROUP|PATH...] - run the conformance catalogue");
  g_option_context_set_description(
      ctx, "Without a selection every check runs. Pending checks are reported as SKIP.\n"
           "Exit status: 0 every check that is not pending passed; 1 a check failed; 2 a bad\n"
           "command line or selection; 3 internal error. The catalogue: vpnsim list checks.\n"
           "Sharding: run `--shard K/N -o DIR_K` in N jobs, then `--merge DIR_1 ... DIR_N`.\n"
           "On a terminal a progress line on stderr shows the runs done and the time left.\n");
  g_option_context_add_main_entries(ctx, entries, NULL);
  if (!cli_parse("conformance", ctx, &argc, &argv))
    return VS_EXIT_INVALID;
  static const char *const formats[] = {"tap", "junit", "json", NULL};
  static const char *const mformats[] = {"text", "json", "html", NULL};
  if (format && !cli_check_format("conformance", format, device ? mformats : formats))
    return VS_EXIT_INVALID;
  if (jobs < 1)
    return cli_usage_error("conformance", "--jobs must be at least 1, not %d", jobs);
  if (jobs > 64)
    return cli_usage_error("conformance", "--jobs must be at most 64, not %d", jobs);

  unsigned shard_k = 0, shard_n = 0;
  g_autoptr(GError) err = NULL;
  if (shard && !conf_shard_parse(shard, &shard_k, &shard_n, &err))
    return cli_usage_error("conformance", "%s", err->message);
  if (merge && (shard || device))
    return cli_usage_error("conformance", "--merge takes shard folders only (the shards "
                                          "carry their --shard and --device)");
  const char *out_dir = out ? out : "out/conformance";
  if (merge) {
    g_autofree char *mprofile = NULL;
    g_autoptr(ConfResults) res =
        conf_results_merge((const char *const *)argv + 1, (size_t)(argc - 1), &mprofile, &err);
    if (!res)
      return cli_usage_error("conformance", "%s", err->message);
    if (g_mkdir_with_parents(out_dir, 0755) != 0) {
      fprintf(stderr, "vpnsim conformance: cannot make %s\n", out_dir);
      return VS_EXIT_INTERNAL;
    }
    return report(res, mprofile, out_dir, format, true);
  }

  g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
  const char *runner = g_getenv("VPNSIM_CONFORMANCE_RUNNER");
  if (!runner || !*runner)
    runner = exe;
  if (!runner) {
    fprintf(stderr, "vpnsim conformance: cannot find the vpnsim binary to run scenarios\n");
    return VS_EXIT_INTERNAL;
  }
  g_autofree char *top = find_top(exe);
  g_autofree char *profile = NULL;
  if (device && !(profile = find_profile(device, top)))
    return cli_usage_error("conformance", "no device profile '%s' (a file, or a name in %s/profiles/)",
                           device, top);

  g_autoptr(GPtrArray) sel =
      conf_select((const char *const *)argv + 1, (size_t)(argc - 1), top, &err);
  if (!sel)
    return cli_usage_error("conformance", "%s", err->message);
  if (profile) {
    /* The matrix runs the checks whose device is not the subject of the check. */
    for (guint i = 0; i < sel->len;)
      if (!((const ConfCheck *)g_ptr_array_index(sel, i))->matrix)
        g_ptr_array_remove_index(sel, i);
      else
        i++;
    if (!sel->len)
      return cli_usage_error("conformance", "the selection holds no matrix check "
                                            "(vpnsim list checks: 'matrix')");
  }
  if (shard)
    conf_shard_filter(sel, shard_k, shard_n);
  bool tap = !profile && (!format || !strcmp(format, "tap"));
  if (tap) {
    printf("1..%u\n", sel->len);
    fflush(stdout);
  }
  ConfRunOptions opt = {
      .runner = runner,
      .top = top,
      .out_dir = out_dir,
      .jobs = (unsigned)jobs,
      .device_profile = profile,
      .on_settled = tap ? print_tap_point : NULL,
      .on_progress = isatty(STDERR_FILENO) ? print_progress : NULL,
      .user = &(Progress){.t0 = g_get_monotonic_time()},
  };
  g_autoptr(ConfResults) res =
      conf_run((const ConfCheck *const *)sel->pdata, sel->len, &opt, &err);
  if (!res) {
    fprintf(stderr, "vpnsim conformance: %s\n", err->message);
    return VS_EXIT_INTERNAL;
  }
  if (shard)
    res->shard = g_strdup_printf("%u/%u", shard_k, shard_n);
  return report(res, profile, out_dir, format, !tap);
}

/* Write the reports (and the matrix in device mode) into out_dir and print the chosen
 * one; print_tap: the TAP was not streamed while the checks ran. */
static int report(const ConfResults *res, const char *profile, const char *out_dir,
                  const char *format, bool print_tap)
{
  bool tap = !profile && (!format || !strcmp(format, "tap"));
  g_autofree char *tap_all = conf_report_tap(res);
  g_autofree char *junit = conf_report_junit(res);
  g_autofree char *json = conf_report_json(res);
  g_autofree char *html = conf_report_html(res, out_dir);
  if (!write_file(out_dir, "conformance.tap", tap_all) ||
      !write_file(out_dir, "conformance.xml", junit) ||
      !write_file(out_dir, "conformance.json", json) || !write_file(out_dir, "index.html", html))
    return VS_EXIT_INTERNAL;
  if (profile) {
    size_t n_rows;
    ConfMatrixRow *rows = conf_matrix_rows(res, profile, &n_rows);
    for (size_t i = 0; i < n_rows; i++) /* each row links to its check's first report */
      for (size_t c = 0; c < res->n; c++)
        if (res->items[c].check->id == rows[i].check_id && res->items[c].n_sc) {
          g_autofree char *rep = g_build_filename(res->items[c].sc[0].out, "report.html", NULL);
          rows[i].report = conf_html_rel(out_dir, rep);
        }
    g_autofree char *pname = g_path_get_basename(profile);
    g_autofree char *mt = conf_matrix_text(rows, n_rows, pname);
    g_autofree char *mj = conf_matrix_json(rows, n_rows, pname);
    g_autofree char *mh = conf_matrix_html(rows, n_rows, pname);
    for (size_t i = 0; i < n_rows; i++)
      conf_matrix_row_clear(&rows[i]);
    g_free(rows);
    bool ok = write_file(out_dir, "matrix.txt", mt) && write_file(out_dir, "matrix.json", mj) &&
              write_file(out_dir, "matrix.html", mh);
    if (!ok)
      return VS_EXIT_INTERNAL;
    const char *f = format ? format : "text";
    fputs(!strcmp(f, "json") ? mj : !strcmp(f, "html") ? mh : mt, stdout);
    if (!strcmp(f, "text"))
      printf("Matrix also in %s/matrix.{txt,json,html}; checks in %s/conformance.{tap,xml,json} "
             "and %s/index.html\n",
             out_dir, out_dir, out_dir);
  } else if (!tap) {
    fputs(!strcmp(format, "junit") ? junit : json, stdout);
  } else if (print_tap) {
    fputs(tap_all, stdout);
  }
  return conf_results_exit_status(res) ? VS_EXIT_FAIL : VS_EXIT_PASS;
}

char *cli_checks_text(const char *format)
{
  if (!strcmp(format, "json"))
    return conf_catalogue_json();
  if (!strcmp(format, "markdown"))
    return conf_catalogue_markdown();
  return conf_catalogue_text();
}
