/* SPDX-License-Identifier: MIT */
/* The configuration rules of the gateway as one table (ID, severity, statement, source,
 * check), the diagnostics they produce, and the scenario options that select the other
 * claim where the documents disagree (azure-vpn-facts.md 11). */
#pragma once

#include "models/common/diag.h"
#include "models/gateway/gw_config.h"

#include <glib.h>
#include <stddef.h>

/* The rules report the common diagnostic records (models/common/diag.h): a finding is
 * the rule's ID, its severity (an option may raise it), where, and what. These names are
 * the gateway's view of the common type, kept for the code that reads findings by them. */
typedef VsSeverity GwSeverity;
#define GW_SEV_WARNING VS_SEV_WARNING
#define GW_SEV_ERROR VS_SEV_ERROR
typedef VsDiag GwDiag;
typedef VsDiags GwDiags;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GwDiags, vs_diags_free)
static inline GwDiags *gw_diags_new(void)
{
  return vs_diags_new();
}
static inline void gw_diags_free(GwDiags *d)
{
  vs_diags_free(d);
}
#define gw_diags_add vs_diags_add
static inline size_t gw_diags_len(const GwDiags *d)
{
  return vs_diags_len(d);
}
static inline const GwDiag *gw_diags_get(const GwDiags *d, size_t i)
{
  return vs_diags_get(d, i);
}
static inline size_t gw_diags_count(const GwDiags *d, GwSeverity sev)
{
  return vs_diags_count(d, sev);
}
static inline void gw_diags_sort(GwDiags *d)
{
  vs_diags_sort(d);
}
static inline char *gw_diag_format(const GwDiag *diag)
{
  return vs_diag_format(diag);
}
static inline const char *gw_severity_name(GwSeverity s)
{
  return vs_severity_name(s);
}

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
  /* NULL when both claims are modelled; else why the other claim is not yet (the loader
   * refuses it with this reason), e.g. "waits for issue 19 (point-to-site)". */
  const char *waits_for;
} GwOptionDef;
extern const GwOptionDef gw_options[GW_OPT_N];

/* Markdown for docs/rules.md: the rules table and the options. */
char *gw_rules_markdown(void);
