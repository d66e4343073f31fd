/* SPDX-License-Identifier: MIT */
/* The conformance catalogue: numbered checks, each pinned to a documented gateway
 * behaviour (azure-vpn-facts.md) or a field failure (interop-failures.md), each exercised
 * by its file under conformance/checks/: a scenario with a check: block. The const tables
 * below are generated from the blocks at build time (conformance/gen/gen_catalogue.c);
 * adding a check is adding a file. docs/conformance.md is generated from the table. */
#pragma once

#include "models/common/names.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* The device's role in the check: it initiates the IKE SA, it responds to the gateway,
 * or either. */
typedef enum { CONF_ROLE_INITIATOR, CONF_ROLE_RESPONDER, CONF_ROLE_EITHER } ConfRole;
/* active: runnable now; pending: waits for an area of the simulator (waits_for). */
typedef enum { CONF_ACTIVE, CONF_PENDING } ConfStatus;

enum { CONF_MAX_SCENARIOS = 4 };

typedef struct {
  const char *id;        /* "IKE-001": group prefix, '-', three digits */
  const char *statement; /* one line: the expected gateway behaviour */
  const char *source;    /* "facts 2.1 (MicrosoftDocs/azure-docs: ...)" or "interop 3 (...)" */
  ConfRole role;
  ConfStatus status;
  const char *waits_for; /* pending: the simulator area it waits for */
  /* Scenario files relative to the source tree, NULL-terminated (active checks). */
  const char *scenarios[CONF_MAX_SCENARIOS];
  /* A gateway configuration the device compatibility matrix runs (--device): the
   * device is expected to connect, and its settings are not the subject of the check. */
  bool matrix;
} ConfCheck;

typedef struct {
  const char *prefix; /* "IKE" */
  const char *title;
} ConfGroup;

extern const ConfCheck conf_checks[];
extern const size_t conf_n_checks;
extern const ConfGroup conf_groups[];
extern const size_t conf_n_groups;
extern const NameTable conf_role_names;   /* "initiator", "responder", "either" */
extern const NameTable conf_status_names; /* "active", "pending" */

/* The self-test (tests/catalogue-selftest.t): the gateway fault under which an active
 * check must fail, and the edit of its scenarios that applies it (the check: block's
 * fault:, one row per active check). edit is one of
 *   "gatewayImpair: ITEM, ..."  appended as faults: {gatewayImpair: [ITEM, ...]} (an
 *                              impairment of every gateway connection, docs/scenario-format.md)
 *   "bgpRulesOff: ROW, ..."     appended as faults: {bgpRulesOff: [ROW, ...]} (docs/bgp.md)
 *   "append: LINE"              LINE appended to the scenario
 *   "sed: EXPR", "sed -E: EXPR" the scenario through sed (basic or extended expressions)
 * fails (optional): text of the failed expectation's "not ok" line, or "exit2:TEXT" when
 * the cloud refuses the faulty configuration with TEXT on stderr. */
typedef struct {
  const char *id;
  const char *fault; /* what the gateway (or the scenario) does wrong, one line */
  const char *edit;
  const char *fails;
} ConfFault;

extern const ConfFault conf_faults[];
extern const size_t conf_n_faults;
/* The check's self-test fault, or NULL. */
const ConfFault *conf_check_fault(const ConfCheck *c);

/* The check with this ID (exact, case-insensitive), or NULL. */
const ConfCheck *conf_check_find(const char *id);
/* The check's group (from its ID prefix), or NULL when the ID has no known group. */
const ConfGroup *conf_check_group(const ConfCheck *c);
size_t conf_check_n_scenarios(const ConfCheck *c);

/* The catalogue as text, JSON and Markdown (docs/conformance.md). g_free. */
char *conf_catalogue_text(void);
char *conf_catalogue_json(void);
char *conf_catalogue_markdown(void);
