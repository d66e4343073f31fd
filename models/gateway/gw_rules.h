/* SPDX-License-Identifier: MIT */
/* The configuration rules of the gateway as one table (ID, severity, statement, source,
 * check), the diagnostics they produce, and the scenario options that select the other
 * claim where the documents disagree (azure-vpn-facts.md 11). */
#pragma once

#include "models/gateway/gw_config.h"

#include <glib.h>
#include <stddef.h>

typedef enum { GW_SEV_WARNING, GW_SEV_ERROR } GwSeverity;

/* One finding: the rule, its severity (an option may raise it), where, and what. */
typedef struct {
  const char *rule_id;
  GwSeverity severity;
  GwLoc loc;
  char *message;
} GwDiag;

typedef struct GwDiags GwDiags;
GwDiags *gw_diags_new(void);
void gw_diags_free(GwDiags *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GwDiags, gw_diags_free)
void gw_diags_add(GwDiags *d, const char *rule_id, GwSeverity sev, GwLoc loc, const char *fmt,
                  ...) G_GNUC_PRINTF(5, 6);
size_t gw_diags_len(const GwDiags *d);
const GwDiag *gw_diags_get(const GwDiags *d, size_t i);
size_t gw_diags_count(const GwDiags *d, GwSeverity sev);
/* Sort by file, line, column (stable: rule order within a location). */
void gw_diags_sort(GwDiags *d);
/* "file:line:col: error GW-XXX-NNN: message" (no location part when the loc is empty). */
char *gw_diag_format(const GwDiag *diag);
const char *gw_severity_name(GwSeverity s);

typedef struct GwCheck GwCheck;
typedef void (*GwCheckFn)(const GwConfig *cfg, GwCheck *ck);

typedef struct {
  const char *id;        /* "GW-BGP-003" */
  GwSeverity severity;
  const char *statement; /* one line */
  const char *source;    /* azure-vpn-facts.md section(s) */
  GwCheckFn check;       /* NULL: enforced by the scenario loader (GW-SCN-*) */
  int option;            /* GwOptionId that changes the rule, or -1 */
} GwRule;

extern const GwRule gw_rules[];
extern const size_t gw_n_rules;
const GwRule *gw_rule_find(const char *id);

/* Run every rule (or one) over the configuration, appending diagnostics. */
void gw_validate(const GwConfig *cfg, GwDiags *out);
void gw_rule_run(const GwRule *rule, const GwConfig *cfg, GwDiags *out);

/* The scenario options (options: mapping of a scenario), facts 11. */
typedef struct {
  const char *key;      /* "gatewaySubnetSize" */
  const char *newest;   /* value meaning the newest source (the default) */
  const char *other;    /* value selecting the other claim */
  const char *topic;
  const char *newest_source;
  const char *other_source;
} GwOptionDef;
extern const GwOptionDef gw_options[GW_OPT_N];

/* Markdown for docs/rules.md: the rules table and the options. */
char *gw_rules_markdown(void);
