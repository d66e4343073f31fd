/* SPDX-License-Identifier: MIT */
/* report.html: one self-contained page per run (inline SVG and CSS, no script, nothing
 * fetched) built from the plan and the event log, as the other reports are: the topology
 * with the tunnels' final states, the IKE exchanges per connection as a sequence diagram,
 * ping RTT and loss and throughput over time, the expectations with their verdicts, and
 * links to the captures and key tables. The same run gives the same bytes (no wall clock,
 * no locale: every number is formatted from integers). */
#pragma once

#include "sim/run/eventlog.h"
#include "sim/run/expect.h"
#include "sim/scenario/plan.h"

#include <glib.h>
#include <stdbool.h>

typedef struct {
  const ScnPlan *plan;
  const ScnEventLog *log;     /* may be empty (a refused configuration) */
  const ScnResults *results;
  int64_t end_ns;             /* the run's end (0: nothing was simulated) */
  const char *const *files;   /* output files to link, NULL-terminated (or NULL) */
} ScnHtmlInput;

/* The page (g_free). */
char *scn_report_html(const ScnHtmlInput *in);
/* Write DIR/report.html. */
bool scn_report_html_write(const ScnHtmlInput *in, const char *dir, GError **error);
