/* SPDX-License-Identifier: MIT */
/* Evaluation of a scenario's expectations (sim/scenario/plan.h) against the event log of a run,
 * its final counters and the verdict of the configuration rules. Each result carries the
 * expected and the observed value and the event that decided it.
 *
 * The events read (docs/scenario-format.md, "Events"):
 *   tunnel.up, tunnel.down                       connection
 *   ike.sa.established, ike.sa.deleted           connection
 *   child.sa.established, child.sa.deleted       connection
 *   ike.message                                  connection, exchange, notifies (names
 *                                                separated by spaces)
 *   ping.sent / ping.reply                       flow, seq / flow, seq, rtt_ns
 *   flow.stats                                   flow, bytes, duration_ns (the latest wins)
 *   tunnel.stats                                 connection, egress_packets, ingress_packets
 *                                                (counts since the start) */
#pragma once

#include "models/gateway/gw_rules.h"
#include "sim/run/eventlog.h"
#include "sim/scenario/plan.h"

#include <stdbool.h>
#include <stddef.h>

/* A final counter of a node ("drops.no_tunnel" of "vgw1/0"). */
typedef struct {
  const char *node;
  const char *name;
  double value;
} ScnCounter;

typedef struct {
  const ScnEventLog *events;  /* may be NULL: no events */
  const ScnCounter *counters; /* may be NULL */
  size_t n_counters;
  const GwDiags *validation;  /* the configuration rules' findings; NULL: none ran */
  int64_t end_ns;             /* when the run ended: the time of checks without 'by' */
} ScnExpectInput;

typedef struct {
  unsigned index; /* 1-based, in the plan's order */
  ScnLoc loc;
  const char *kind; /* "tunnel", "ping", ... */
  bool pass;
  char *name;       /* one line: "tunnel vgw1-site1 is connected by 10s" */
  char *expected;
  char *observed;
  char *decided_by; /* "event #12 at 9.500000000 s: tunnel.up on vgw1/0", or why none */
  long event_seq;   /* the deciding event's sequence number, or -1 */
} ScnResult;

typedef struct {
  const char *scenario; /* the plan's name */
  const char *file;
  uint64_t seed;
  ScnResult *items;
  size_t n;
} ScnResults;

/* The evaluator's row of an expectation kind (the loader's is sim/scenario's
 * scn_expect_descs), one per ScnExpectKind. */
typedef struct {
  /* Optional: did the loader fill in everything check reads? False for a partial plan
   * (the loader reported why): the result says "with errors", never a guess. NULL: the
   * kind has nothing required. */
  bool (*complete)(const ScnExpect *x);
  /* Fill r's name, expected, observed, decided_by (and event_seq) and pass. */
  void (*check)(const ScnExpect *x, const ScnExpectInput *in, ScnResult *r);
} ScnExpectCheck;
extern const ScnExpectCheck scn_expect_checks[]; /* SCN_EXP_COUNT rows (a static assertion) */

/* Evaluate one expectation. The strings of out are g_malloc'ed (scn_result_clear). */
void scn_expect_eval(const ScnExpect *x, unsigned index, const ScnExpectInput *in,
                     ScnResult *out);
void scn_result_clear(ScnResult *r);

/* Evaluate every expectation of the plan, in order. */
ScnResults *scn_expect_evaluate(const ScnPlan *plan, const ScnExpectInput *in);
void scn_results_free(ScnResults *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScnResults, scn_results_free)
size_t scn_results_failed(const ScnResults *r);

/* Expectations name IKE exchanges and notify types with the IKEv2 codec's IANA tables,
 * ikev2_exchange_names and ikev2_notify_names (models/ike/ikev2_codec.h). */
