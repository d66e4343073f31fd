/* SPDX-License-Identifier: MIT */
/* The scenario loader: a whole scenario file (docs/scenario-format.md) and the device
 * profiles it names, into a plan (sim/scenario/plan.h), with every problem located. */
#pragma once

#include "models/gateway/gw_rules.h"
#include "sim/scenario/plan.h"
#include "sim/scenario/yaccess.h"
#include "sim/scenario/ytree.h"

#include <glib.h>

/* Diagnostic IDs of the loader (the cloud section keeps GW-SCN-001 and the GW-* rules; the
 * YAML tree's are in ytree.h). */
#define SCN_DIAG_FORMAT "SCN-FMT-001" /* unknown key, wrong kind, bad value */
#define SCN_DIAG_REF "SCN-REF-001"    /* a name that names nothing (or twice) */
#define SCN_DIAG_DEVICE "SCN-DEV-001" /* a device configuration that does not hold together */
#define SCN_DIAG_TIME "SCN-TIM-001"   /* a time outside the scenario's duration */

typedef struct {
  /* Folders searched for PROFILE.yaml before the "profiles/" folders found walking up
   * from the scenario's folder. NULL-terminated, or NULL. */
  const char *const *profile_dirs;
  /* The keys only a run needs (name, duration) may be left out: vpnsim validate judges
   * a file that holds just a cloud: section as well as a whole scenario. */
  bool judge_only;
} ScnLoadOptions;

/* Load a scenario. When the file cannot be read or is not YAML, returns NULL with the YAML
 * tree's record (SCN_DIAG_IO or SCN_DIAG_YAML) appended to diags and the same as error
 * (SCN_ERROR). Otherwise returns a plan, partial when there were problems, and appends
 * every problem (loader, devices, references, times, and the cloud's configuration
 * rules) to diags sorted by location: the scenario is runnable when diags has no error. */
ScnPlan *scn_plan_load_file(const char *path, const ScnLoadOptions *opt, VsDiags *diags,
                            GError **error);
ScnPlan *scn_plan_load_string(const char *name, const char *text, size_t len,
                              const ScnLoadOptions *opt, VsDiags *diags, GError **error);
void scn_plan_free(ScnPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScnPlan, scn_plan_free)

/* True when every error in diags comes from a configuration rule (GW-* other than
 * GW-SCN-001): the file is well-formed, and only the cloud would refuse it. */
bool scn_diags_only_rules(const VsDiags *diags);

/* The plan as text for --dry-run (no shared key is ever shown). g_free the result. */
char *scn_plan_describe(const ScnPlan *plan);

/* The key tables of the scenario's own sections (the cloud section's are
 * scn_cloud_key_tables in scenario_cloud.h). */
extern const YaKeyTable scn_key_tables[];

/* ---- timeline actions and expectation kinds ----
 * One descriptor row per kind (BIRD's struct protocol, strongSwan's task tables): the
 * loader reads an entry through its kind's row and --dry-run describes it through the
 * row. sim/run has its own rows for the same kinds (run_action_descs: when and how an
 * action fires; scn_expect_checks: how a kind is evaluated). Adding a kind is a row in
 * each table and its functions (docs/architecture.md, "Adding a timeline action or an
 * expectation kind"); these rows are also the kinds' name tables. */

typedef struct ScnLoader ScnLoader; /* the loader's state while it reads a file */

typedef struct {
  const char *name; /* its key in a timeline entry: "ping", "linkDown" */
  const char *summary; /* one sentence for people and tools (vpnsim schema) */
  /* The keys of the action's value when that is a mapping: the loader checks the value is
   * a mapping (else reports it and skips load) with only these keys. NULL: any value
   * (a name, a link's two ends); load checks it. */
  const char *const *keys;
  /* Read the action's value v into a (a->loc and a->at_ns are set); report problems. */
  void (*load)(ScnLoader *L, const YtNode *v, ScnAction *a);
  /* Append what the action does to its --dry-run line (after the time and the name). */
  void (*describe)(GString *s, const ScnAction *a);
  /* The runner simulates it. False: documented and loaded, but a run refuses it (exit 3,
   * "the action 'setLoss' is not simulated yet") and sim/run has an empty row. */
  bool simulated;
  /* It injects a fault (the device matrix judges a tunnel going down before the first
   * fault as a failure, and what follows one as recovery). */
  bool fault;
} ScnActionDesc;

typedef struct {
  const char *name; /* the key that names the check in an expectation: "tunnel", "ping" */
  const char *summary; /* one sentence for people and tools (vpnsim schema) */
  /* The other keys the expectation may have, besides its name and 'by' (read by the
   * loader for every kind). */
  const char *const *keys;
  /* Read the check: v is the value of the name key, m the whole expectation (a mapping
   * with only the allowed keys reported otherwise); x->loc, x->by_ns are set. */
  void (*load)(ScnLoader *L, const YtNode *m, const YtNode *v, ScnExpect *x);
  /* Optional: append details to the expectation's --dry-run line (NULL: its name and
   * location are the line). */
  void (*describe)(GString *s, const ScnExpect *x);
} ScnExpectDesc;

/* Indexed by the kind, SCN_ACT_COUNT / SCN_EXP_COUNT rows. Declared without a size so that
 * each definition's static assertion counts the rows it really has (a kind added last
 * without a row does not compile); sim/run/kind_tables_test.c finds a row left out in
 * the middle. */
extern const ScnActionDesc scn_action_descs[];
extern const ScnExpectDesc scn_expect_descs[];

/* The kind's name, or NULL for a value outside the enum. */
const char *scn_action_name(ScnActionKind kind);
const char *scn_expect_name(ScnExpectKind kind);
