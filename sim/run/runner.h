/* SPDX-License-Identifier: MIT */
/* The runner: a loaded plan (sim/scenario/plan.h) run in the engine (sim/engine/net.h) with the gateway
 * and device models on their nodes, the timeline scheduled, then the expectations
 * evaluated and every output written into one folder: pcaps, key tables, README,
 * events.jsonl, timeline.txt and the reports in all four formats. */
#pragma once

#include "models/gateway/gw_rules.h"
#include "sim/run/expect.h"
#include "sim/scenario/plan.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define SCN_RUN_ERROR (scn_run_error_quark())
GQuark scn_run_error_quark(void);
typedef enum {
  SCN_RUN_ERROR_UNSUPPORTED, /* the plan uses something the runner does not simulate yet */
  SCN_RUN_ERROR_INTERNAL,    /* the engine or a model refused; an output could not be written */
} ScnRunError;

typedef struct {
  const char *out_dir;   /* created when missing; required */
  bool has_seed;
  uint64_t seed;         /* overrides the plan's seed */
  bool has_until;
  int64_t until_ns;      /* stop here instead of the plan's duration */
  bool progress;         /* simulated time / duration on stderr as the run goes */
  bool no_pcaps;         /* no captures (benchmarks: the run without taps) */
  /* Live mode (sim/run/live.h, issue 11): the realtime scheduler, real entropy, devices
   * replaced by real ones on TAP interfaces; NULL for a simulated run. */
  const struct ScnLive *live;
  /* Watch a simulated run from outside (a soak benchmark reads its memory): every step_ns
   * of simulated time, and at the end, on_step is called between engine steps with the
   * simulated time, the events logged so far and the bytes the event log holds for them
   * (every event is kept until the run ends: the log grows by design). Running in steps
   * changes nothing of what happens. 0 / NULL: none. */
  int64_t step_ns;
  void (*on_step)(void *user, int64_t now_ns, size_t events, size_t log_bytes);
  void *step_user;
} ScnRunOptions;

/* Run the plan. validation: the configuration rules' findings (from loading); when they
 * hold errors (the scenario expects the cloud to refuse it) nothing is simulated and
 * only the expectations are evaluated. Returns the results (also written as reports) or
 * NULL with error. */
ScnResults *scn_run(const ScnPlan *plan, const GwDiags *validation, const ScnRunOptions *opt,
                    GError **error);
