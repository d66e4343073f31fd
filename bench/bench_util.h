/* SPDX-License-Identifier: MIT */
/* What the benchmarks share (header only: each bench C file is its own program): the wall
 * clock, sorting for medians, removing a run's output folder, reading a flow's counters
 * back from the run's event log, and giving up with a reason. */
#ifndef VPNSIM_BENCH_UTIL_H
#define VPNSIM_BENCH_UTIL_H

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A benchmark that cannot measure what it set out to: the reason on stderr, exit 3 (an
 * internal error, as vpnsim's). */
static inline G_NORETURN void bench_die(const char *bench, const char *what)
{
  fprintf(stderr, "%s: %s\n", bench, what);
  exit(3);
}

/* Monotonic wall time in seconds. */
static inline double bench_now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* qsort's comparison for doubles, ascending. */
static inline int bench_cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median of v[0..n) (sorts v). */
static inline double bench_median(double *v, size_t n)
{
  qsort(v, n, sizeof *v, bench_cmp_double);
  return v[n / 2];
}

/* Removes a run's output folder (its files are flat). */
static inline void bench_rm_tree(const char *dir)
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

/* A counter ("bytes", "packets") of the last flow.stats event of flow in the run folder's
 * events.jsonl; 0 when there is none. */
static inline double bench_flow_stat(const char *dir, const char *flow, const char *key)
{
  g_autofree char *p = g_build_filename(dir, "events.jsonl", NULL), *text = NULL;
  if (!g_file_get_contents(p, &text, NULL, NULL))
    return 0;
  g_autofree char *want = g_strdup_printf("\"flow\":\"%s\"", flow);
  g_autofree char *k = g_strdup_printf("\"%s\":", key);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  double v = 0;
  for (char **l = lines; *l; l++) {
    const char *b = strstr(*l, k);
    if (strstr(*l, "\"type\":\"flow.stats\"") && strstr(*l, want) && b)
      v = g_ascii_strtod(b + strlen(k), NULL);
  }
  return v;
}

#endif
