/* SPDX-License-Identifier: MIT */
/* The conformance driver behind `vpnsim conformance`: selects checks of the catalogue
 * (conformance/catalogue.h), runs each active check's scenarios as `vpnsim run` child
 * processes (several at once), classifies their exit statuses, reports the checks as
 * TAP, JUnit or JSON in catalogue order, and, with a device profile, rewrites each matrix
 * check's device to that profile and builds the device compatibility matrix. */
#pragma once

#include "conformance/catalogue.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- selection ---- */

/* Select checks by ID ("IKE-001", case-insensitive), ID prefix ("IKE-00"), group ("ike",
 * "IKE-") or path (a scenario file or a folder holding scenarios; relative paths from the
 * current directory, scenario paths from top). No selector selects every check. The
 * result holds const ConfCheck * in catalogue order, each once. A selector that selects
 * nothing is an error (with the nearest ID as a hint). */
GPtrArray *conf_select(const char *const *sel, size_t n_sel, const char *top, GError **error);

/* ---- one scenario run ---- */

typedef struct {
  char *file;      /* the scenario as the catalogue names it */
  char *ran;       /* the file actually run (device mode: the rewritten copy) */
  char *out;       /* its output folder */
  int exit_status; /* the runner's exit status; -1 when it did not exit normally */
  int signal;      /* the signal that ended it, or 0 */
  bool pass;
  char *reason;    /* when it failed: one line */
  char *diag;      /* when it failed: the runner's failing TAP points, or its stderr */
  char *events;    /* events.jsonl of the run, or NULL */
} ConfScenarioResult;

/* Classify a finished run (pure): exit 0 passes; 1 is an expectation failure (diag: the
 * "not ok" points of the runner's TAP with their diagnostics); 2 an invalid scenario; 3
 * the runner could not simulate ("not implemented" is a failure, never a pass); a signal
 * or another status a crash. Fills pass, reason and diag. */
void conf_classify_run(ConfScenarioResult *r, const char *out_text, const char *err_text);

/* ---- checks ---- */

typedef enum { CONF_PASS, CONF_FAIL, CONF_SKIP } ConfVerdict;
extern const NameTable conf_verdict_names; /* "pass", "fail", "skip" */

typedef struct {
  const ConfCheck *check;
  ConfVerdict verdict;
  char *reason; /* fail: the first failing scenario's reason; skip: why */
  ConfScenarioResult sc[CONF_MAX_SCENARIOS];
  size_t n_sc;
} ConfCheckResult;

typedef struct {
  ConfCheckResult *items;
  size_t n;
  char *shard;  /* "K/N" when the results are one shard of a split selection, else NULL */
  char *device; /* device mode: the profile's name, else NULL */
} ConfResults;

ConfResults *conf_results_new(size_t n);
void conf_results_free(ConfResults *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ConfResults, conf_results_free)
/* Set a check's verdict from its scenario results (or pending status). */
void conf_check_result_settle(ConfCheckResult *cr);

typedef struct {
  const char *runner;  /* the vpnsim binary that runs scenarios */
  const char *top;     /* the source tree: catalogue paths are relative to it */
  const char *out_dir; /* each check writes into OUT/<ID>/ (OUT/<ID>/<stem>/ for several) */
  unsigned jobs;       /* scenario runs at once, at least 1 */
  /* Device mode: the profile file; each scenario's devices are rewritten to it into
   * OUT/<ID>/scenario.yaml (the profile is copied to OUT/profiles/). */
  const char *device_profile;
  /* Called once per check, in catalogue order, as soon as it and every check before it
   * are settled (for streaming TAP). May be NULL. */
  void (*on_settled)(const ConfCheckResult *cr, size_t index, void *user);
  /* Called after every finished scenario run, in completion order (a progress line). May
   * be NULL. */
  void (*on_progress)(size_t runs_done, size_t runs_total, size_t checks_failed, void *user);
  void *user;
} ConfRunOptions;

/* Run the checks (pending ones are settled as SKIP without running). Fails only when
 * something outside the checks goes wrong (an output folder cannot be made). */
ConfResults *conf_run(const ConfCheck *const *checks, size_t n, const ConfRunOptions *opt,
                      GError **error);

/* ---- sharding (conformance_shard.c) ---- */

/* Parse "K/N" (1 <= K <= N <= 1000). */
bool conf_shard_parse(const char *text, unsigned *k, unsigned *n, GError **error);
/* Keep shard K of N of a selection (const ConfCheck *, catalogue order): the checks at
 * positions K-1, K-1+N, K-1+2N, ... of the selection, so that the same selection on the
 * same catalogue splits the same way on every machine and the shards differ in size by
 * at most one check. */
void conf_shard_filter(GPtrArray *sel, unsigned k, unsigned n);
/* Join the conformance.json of shard folders into one result set in catalogue order.
 * Every shard K/N of one N must be there exactly once, from the same device mode, and
 * no check may appear twice; the scenario events are read back from each check's
 * folder (for the matrix). *profile_file: device mode, the profile copy of the first
 * shard (g_free), else NULL. */
ConfResults *conf_results_merge(const char *const *dirs, size_t n_dirs, char **profile_file,
                                GError **error);

/* Reports, deterministic (no clock, no host name). TAP: one point per check, SKIP for
 * pending checks with the reason, diagnostics with the scenario, reason, the runner's
 * expected/observed lines and the folder holding pcaps and key tables. */
char *conf_report_tap_point(const ConfCheckResult *cr, size_t index);
char *conf_report_tap(const ConfResults *r);
char *conf_report_junit(const ConfResults *r);
char *conf_report_json(const ConfResults *r);
/* index.html for out_dir: every check with its verdict, reason and links to its
 * scenarios' report.html and folders (conformance_html.c). */
char *conf_report_html(const ConfResults *r, const char *out_dir);
/* HTML text escaping, and the relative link from folder from_dir to path to. */
void conf_html_text(GString *o, const char *s);
char *conf_html_rel(const char *from_dir, const char *to);
/* 0 when every check that is not pending passed, else 1. */
int conf_results_exit_status(const ConfResults *r);

/* ---- device mode ---- */

/* The text of a check scenario as the device matrix rewrites it: the file's own, or for
 * a file built on a base (extends:) the merged scenario as YAML. NULL with an error when
 * it cannot be read or merged. g_free. */
char *conf_scenario_text(const char *path, size_t *len, GError **error);
/* Rewrite a scenario so that every on-premises device uses the profile 'profile_name':
 * the device keeps its place in the scenario (name, publicIpAddress, lanPrefixes, peer,
 * sharedKey, startAction, trafficSelectors) and loses every setting a profile governs
 * (proposals, lifetimes, DPD, NAT-T, identities, ...). Devices must be written in block
 * style, one key per line. The run is made long enough for the matrix: its duration
 * becomes at least CONF_MATRIX_DURATION_S (beyond the gateway's fixed 28,800 s IKE SA
 * lifetime and its child SA lifetimes, so that at least one IKE SA and one child SA rekey
 * happen at the device's real lifetimes or the gateway's, whichever is shorter), and a
 * last ping named CONF_MATRIX_LATE_PING (between the endpoints of the scenario's first
 * ping, else its first cloud host and first host behind a device) ends the run to see
 * that traffic still passes after the rekeys. Returns the new text (g_free) or NULL with
 * an error. */
char *conf_device_rewrite(const char *name, const char *text, size_t len, const char *profile_name,
                          GError **error);
#define CONF_MATRIX_DURATION_S 32400 /* 9 h */
#define CONF_MATRIX_LATE_PING "matrix-late"

/* Outcome of one aspect of a matrix row. */
typedef enum { CONF_ASP_NA, CONF_ASP_YES, CONF_ASP_NO, CONF_ASP_UNKNOWN } ConfAspect;
extern const NameTable conf_aspect_names; /* "n/a", "yes", "no", "?" */

/* The device's verdict for one gateway configuration. */
typedef enum {
  CONF_COMPAT_COMPATIBLE,    /* connects, passes traffic, survives the rekeys and DPD */
  CONF_COMPAT_DEGRADED,      /* connects, but an aspect after that fails */
  CONF_COMPAT_INCOMPATIBLE,  /* never connects */
  CONF_COMPAT_NOT_SIMULATED, /* the run could not simulate the device */
} ConfCompat;
extern const NameTable conf_compat_names; /* "compatible", "degraded", ... */

typedef struct {
  const char *check_id;
  char *checks; /* merged rows: every check ID of the configuration ("POL-003, POL-007") */
  /* the gateway configuration */
  char *sku, *vpn_type, *policy, *mode, *nat;
  /* every IKE and ESP proposal of the device's profile (for the why), may be NULL */
  char *device_ike, *device_esp;
  /* the device's node name (a fatal notify it sends: it refused as responder), may be NULL */
  char *device_node;
  /* the gateway's PFS group for the child SA rekeys ("PFS2048"), NULL for none/default */
  char *gw_pfs;
  /* behind a NAT, when the device's identity differs from the address the gateway knows
   * it by: that sentence (for an AUTHENTICATION_FAILED), else NULL */
  char *nat_identity;
  ConfAspect connects, traffic, ike_rekey, child_rekey, dpd;
  ConfCompat verdict;
  char *first; /* the first failing exchange or event, or NULL */
  char *why;   /* every failure and unexercised aspect, in time order, or NULL */
  char *report; /* link to the check's report.html from the matrix page, or NULL */
} ConfMatrixRow;

void conf_matrix_row_clear(ConfMatrixRow *row);
/* Fill the aspects, the verdict and the why of a row from a run's events.jsonl (pure).
 * fault_ns: the time of the scenario's first injected fault (link down, reset, policy or
 * key change), INT64_MAX for none: a tear-down before it counts against the device. */
void conf_matrix_analyse(ConfMatrixRow *row, const char *events_jsonl, int64_t fault_ns);
/* Merge rows of the same gateway configuration (SKU, VPN type, mode, NAT, policy), in
 * place: the merged row lists every check and takes the worst verdict with its reasons.
 * Returns the new number of rows. */
size_t conf_matrix_merge(ConfMatrixRow *rows, size_t n);
char *conf_matrix_text(const ConfMatrixRow *rows, size_t n, const char *profile);
char *conf_matrix_json(const ConfMatrixRow *rows, size_t n, const char *profile);
char *conf_matrix_html(const ConfMatrixRow *rows, size_t n, const char *profile);
/* The matrix rows of device-mode results (loads each scenario for its configuration). */
ConfMatrixRow *conf_matrix_rows(const ConfResults *r, const char *profile_file, size_t *n_rows);
