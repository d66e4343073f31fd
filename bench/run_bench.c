/* SPDX-License-Identifier: MIT */
/* Wall time of a whole scenario run through the runner (sim/runner.h): the bundled
 * site-to-site scenario, its ping stretched to 60 requests (setup plus 60 simulated
 * seconds of ping), outputs written to a temporary folder. Median of REPS runs. */
#include "sim/runner.h"
#include "sim/scenario.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define REPS 5

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void rm_tree(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *n;
  while (d && (n = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(dir, n, NULL);
    g_unlink(p);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(dir);
}

int main(void)
{
  const char *top = getenv("VPNSIM_TOP") ? getenv("VPNSIM_TOP") : ".";
  g_autofree char *path = g_build_filename(top, "scenarios/site-to-site/ikev2-default.yaml", NULL);
  double t[REPS];
  int64_t until = 0;
  for (int i = 0; i < REPS; i++) {
    g_autoptr(GError) err = NULL;
    g_autoptr(GwDiags) diags = gw_diags_new();
    double t0 = now_s();
    g_autoptr(ScnPlan) plan = scn_plan_load_file(path, NULL, diags, &err);
    if (!plan) {
      fprintf(stderr, "run_bench: %s\n", err->message);
      return 1;
    }
    for (unsigned k = 0; k < plan->n_timeline; k++)
      if (plan->timeline[k].kind == SCN_ACT_PING) {
        plan->timeline[k].count = 60;
        plan->timeline[k].interval_ns = 1000000000;
        until = plan->timeline[k].at_ns + 61 * (int64_t)1000000000;
      }
    g_autofree char *dir = g_dir_make_tmp("run-bench-XXXXXX", &err);
    ScnRunOptions ro = {.out_dir = dir, .has_until = true, .until_ns = until};
    ScnResults *res = scn_run(plan, NULL, &ro, &err);
    t[i] = now_s() - t0;
    if (!res) {
      fprintf(stderr, "run_bench: %s\n", err->message);
      return 1;
    }
    scn_results_free(res);
    rm_tree(dir);
  }
  qsort(t, REPS, sizeof t[0], cmp_double);
  printf("BENCH run.s2s_ping60.wall %.1f ms\n", t[REPS / 2] * 1e3);
  printf("BENCH run.s2s_ping60.speed %.0f simulated_s/wall_s\n", (double)until / 1e9 / t[REPS / 2]);
  return 0;
}
