/* SPDX-License-Identifier: MIT */
/* The scenario loader: a whole scenario file (docs/scenario-format.md) and the device
 * profiles it names, into a plan (sim/scenario/plan.h), with every problem located. */
#pragma once

#include "models/gateway/gw_rules.h"
#include "sim/scenario/plan.h"
#include "sim/scenario/ytree.h"

#include <glib.h>

/* Diagnostic IDs of the loader (the cloud section keeps GW-SCN-001 and the GW-* rules). */
#define SCN_DIAG_FORMAT "SCN-FMT-001" /* unknown key, wrong kind, bad value */
#define SCN_DIAG_REF "SCN-REF-001"    /* a name that names nothing (or twice) */
#define SCN_DIAG_DEVICE "SCN-DEV-001" /* a device configuration that does not hold together */
#define SCN_DIAG_TIME "SCN-TIM-001"   /* a time outside the scenario's duration */

typedef struct {
  /* Folders searched for PROFILE.yaml before the "profiles/" folders found walking up
   * from the scenario's folder. NULL-terminated, or NULL. */
  const char *const *profile_dirs;
} ScnLoadOptions;

/* Load a scenario. Returns NULL with error (SCN_ERROR) when the file cannot be read or
 * is not YAML. Otherwise returns a plan, partial when there were problems, and appends
 * every problem (loader, devices, references, times, and the cloud's configuration
 * rules) to diags sorted by location: the scenario is runnable when diags has no error. */
ScnPlan *scn_plan_load_file(const char *path, const ScnLoadOptions *opt, GwDiags *diags,
                            GError **error);
ScnPlan *scn_plan_load_string(const char *name, const char *text, size_t len,
                              const ScnLoadOptions *opt, GwDiags *diags, GError **error);
void scn_plan_free(ScnPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScnPlan, scn_plan_free)

/* True when every error in diags comes from a configuration rule (GW-* other than
 * GW-SCN-001): the file is well-formed, and only the cloud would refuse it. */
bool scn_diags_only_rules(const GwDiags *diags);

/* The plan as text for --dry-run (no shared key is ever shown). g_free the result. */
char *scn_plan_describe(const ScnPlan *plan);
