/* SPDX-License-Identifier: MIT */
/* Live mode (vpnsim live): a plan run on the realtime scheduler with real entropy, where
 * devices of the scenario are replaced by real ones reached through TAP interfaces; the
 * runner (sim/run/runner.h) takes it as an option. */
#pragma once

#include "sim/scenario/plan.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SCN_LIVE_MAX_ATTACH = 8 };

/* --attach NODE=IFNAME: the plan's device NODE is the real one behind the Linux TAP
 * interface IFNAME (opened when it exists, a persistent TAP for example, else created). */
typedef struct {
  const char *device;
  const char *ifname;
} ScnLiveAttach;

typedef struct ScnLive {
  ScnLiveAttach attach[SCN_LIVE_MAX_ATTACH];
  size_t n_attach;
  /* Set (by a signal handler) to end the run early: it ends within one slice, writes
   * every output and evaluates the expectations up to that time. May be NULL. */
  volatile sig_atomic_t *stop;
  /* Progress on stderr: the start line, what is attached, the end. */
  bool verbose;
} ScnLive;

/* Parse "NODE=IFNAME" into a, splitting arg in place (a borrows it); false when malformed
 * or the interface name does not fit IFNAMSIZ. */
bool scn_live_parse_attach(char *arg, ScnLiveAttach *a);
/* Every attachment names a device of the plan, each device and interface once; false
 * with *err (g_free) otherwise. */
bool scn_live_check(const ScnLive *live, const ScnPlan *plan, char **err);
