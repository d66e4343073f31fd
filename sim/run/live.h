/* SPDX-License-Identifier: MIT */
/* Live mode (vpnsim live): a plan run on the realtime scheduler with real entropy, where
 * devices of the scenario are replaced by real ones reached through TAP interfaces; the
 * runner (sim/run/runner.h) takes it as an option. */
#pragma once

#include "models/common/event.h"
#include "sim/scenario/plan.h"

#include <glib.h>
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
/* Every attachment names a device of the plan, each device and interface once, and no
 * timeline traffic (ping, udp, tcp) starts from a host behind a replaced device (it is
 * real: nothing would be sent); false with *err (g_free, "FILE:LINE:COL: ..." for the
 * timeline) otherwise. */
bool scn_live_check(const ScnLive *live, const ScnPlan *plan, char **err);

/* The terminal lines of a live run (sim/run/live_console.c): what a vendor watches. */
typedef struct ScnLiveConsole ScnLiveConsole;
ScnLiveConsole *scn_live_console_new(void);
void scn_live_console_free(ScnLiveConsole *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScnLiveConsole, scn_live_console_free)
/* The human line ev gives, without newline (g_free), or NULL: one per IKE exchange (at its
 * response, or when the engine gives up on it), per tunnel.up/tunnel.down, per first drop
 * of each reason on a node (*.drop events). Never key material. */
char *scn_live_console_line(ScnLiveConsole *c, const VsEvent *ev);
