/* SPDX-License-Identifier: MIT */
/* The conformance catalogue as one const table (see catalogue.h), and its text, JSON and
 * Markdown forms. Sources: "facts N" is a section of shared azure-vpn-facts.md with the
 * document it cites; "interop N" an item of shared interop-failures.md. */
#include "conformance/catalogue.h"

#include "models/common/json.h"

#include <string.h>

/* conf_checks[] is generated from the check: blocks of conformance/checks/ (each
 * file one check) by conformance/gen/gen_catalogue.c, into build/gen/. A table
 * of rows in the old format here is moved into check files by
 * scripts/convert-checks. */

NAME_TABLE(conf_role_names, "device role", {CONF_ROLE_INITIATOR, "initiator"},
           {CONF_ROLE_RESPONDER, "responder"}, {CONF_ROLE_EITHER, "either"});
NAME_TABLE(conf_status_names, "check status", {CONF_ACTIVE, "active"}, {CONF_PENDING, "pending"});

const ConfCheck *conf_check_find(const char *id)
{
  for (size_t i = 0; i < conf_n_checks; i++)
    if (!g_ascii_strcasecmp(conf_checks[i].id, id))
      return &conf_checks[i];
  return NULL;
}

const ConfGroup *conf_check_group(const ConfCheck *c)
{
  const char *dash = strrchr(c->id, '-'); /* "SKU-PERF-001": the group is "SKU-PERF" */
  if (!dash)
    return NULL;
  size_t n = (size_t)(dash - c->id);
  for (size_t g = 0; g < conf_n_groups; g++)
    if (strlen(conf_groups[g].prefix) == n && !strncmp(conf_groups[g].prefix, c->id, n))
      return &conf_groups[g];
  return NULL;
}

size_t conf_check_n_scenarios(const ConfCheck *c)
{
  size_t n = 0;
  while (n < CONF_MAX_SCENARIOS && c->scenarios[n])
    n++;
  return n;
}

static void counts(size_t *active, size_t *pending)
{
  *active = *pending = 0;
  for (size_t i = 0; i < conf_n_checks; i++)
    (conf_checks[i].status == CONF_ACTIVE ? (*active)++ : (*pending)++);
}

char *conf_catalogue_text(void)
{
  GString *o = g_string_new(NULL);
  for (size_t i = 0; i < conf_n_checks; i++) {
    const ConfCheck *c = &conf_checks[i];
    g_string_append_printf(o, "%-10s %-7s %-9s %s\n", c->id, name_get(&conf_status_names, c->status),
                           name_get(&conf_role_names, c->role), c->statement);
    g_string_append_printf(o, "%-28s source: %s\n", "", c->source);
    if (c->status == CONF_PENDING)
      g_string_append_printf(o, "%-28s waits for: %s\n", "", c->waits_for);
    for (size_t s = 0; s < conf_check_n_scenarios(c); s++)
      g_string_append_printf(o, "%-28s scenario: %s\n", "", c->scenarios[s]);
    const ConfFault *f = conf_check_fault(c);
    if (f && f->edit)
      g_string_append_printf(o, "%-28s fails when: %s (%s)\n", "", f->fault, f->edit);
    else if (f)
      g_string_append_printf(o, "%-28s cannot fail yet: %s\n", "", f->fault);
  }
  size_t a, p;
  counts(&a, &p);
  g_string_append_printf(o, "\n%zu checks: %zu active, %zu pending\n", conf_n_checks, a, p);
  return g_string_free(o, FALSE);
}

char *conf_catalogue_json(void)
{
  GString *o = g_string_new("{\"checks\":[");
  for (size_t i = 0; i < conf_n_checks; i++) {
    const ConfCheck *c = &conf_checks[i];
    const ConfGroup *g = conf_check_group(c);
    g_string_append(o, i ? ",\n{\"id\":" : "\n{\"id\":");
    vs_json_str(o, c->id);
    g_string_append(o, ",\"group\":"), vs_json_str(o, g ? g->prefix : "");
    g_string_append(o, ",\"statement\":"), vs_json_str(o, c->statement);
    g_string_append(o, ",\"source\":"), vs_json_str(o, c->source);
    g_string_append(o, ",\"role\":"), vs_json_str(o, name_get(&conf_role_names, c->role));
    g_string_append(o, ",\"status\":"), vs_json_str(o, name_get(&conf_status_names, c->status));
    if (c->status == CONF_PENDING)
      g_string_append(o, ",\"waitsFor\":"), vs_json_str(o, c->waits_for);
    g_string_append(o, ",\"matrix\":");
    g_string_append(o, c->matrix ? "true" : "false");
    g_string_append(o, ",\"scenarios\":[");
    for (size_t s = 0; s < conf_check_n_scenarios(c); s++) {
      g_string_append(o, s ? "," : "");
      vs_json_str(o, c->scenarios[s]);
    }
    g_string_append(o, "]");
    const ConfFault *f = conf_check_fault(c);
    if (f) {
      g_string_append(o, ",\"fault\":"), vs_json_str(o, f->fault);
      if (f->edit)
        g_string_append(o, ",\"faultEdit\":"), vs_json_str(o, f->edit);
      if (f->fails)
        g_string_append(o, ",\"faultFails\":"), vs_json_str(o, f->fails);
    }
    g_string_append(o, "}");
  }
  size_t a, p;
  counts(&a, &p);
  g_string_append_printf(o, "\n],\"total\":%zu,\"active\":%zu,\"pending\":%zu}\n", conf_n_checks, a,
                         p);
  return g_string_free(o, FALSE);
}

/* A Markdown table cell: '|' escaped, never a line break. */
static void md_cell(GString *o, const char *s)
{
  for (const char *p = s ? s : ""; *p; p++) {
    if (*p == '|')
      g_string_append(o, "\\|");
    else if (*p == '\n')
      g_string_append_c(o, ' ');
    else
      g_string_append_c(o, *p);
  }
}

char *conf_catalogue_markdown(void)
{
  size_t a, p;
  counts(&a, &p);
  GString *o = g_string_new(NULL);
  g_string_append(
      o, "<!-- SPDX-License-Identifier: MIT -->\n"
         "<!-- Generated by `vpnsim list checks --format markdown` from "
         "conformance/catalogue.c: do not edit; tests/conformance.t fails when it is stale. -->\n"
         "# Conformance catalogue\n\n"
         "Each check states one documented behaviour of the gateway (a section of "
         "`azure-vpn-facts.md`, \"facts N\", with the document it cites) or a field failure "
         "(an item of `interop-failures.md`, \"interop N\"), the role of the on-premises device "
         "(it initiates, it responds, or either), and the scenario files under "
         "`conformance/checks/` that exercise it with `expect:` blocks. `vpnsim conformance` "
         "runs them (docs: `vpnsim conformance --help`); `pending` checks wait for the named "
         "area of the simulator and are reported as SKIP. Checks marked *matrix* are the gateway "
         "configurations of the device compatibility matrix. Each active check names the gateway "
         "fault (an impairment or a change of the configuration) under which it must fail; "
         "`make check` runs every check once more with its fault and requires the failure "
         "(`tests/catalogue-selftest.t`).\n\n"
         "## Running\n\n"
         "`vpnsim conformance [ID|PREFIX|GROUP|PATH...] [--jobs N] [--format tap|junit|json] "
         "[--out DIR]` runs each selected check's scenarios as `vpnsim run` child processes, "
         "writing each check's pcaps, key tables, events and reports into `DIR/<ID>/` and the "
         "whole run's reports into `DIR/conformance.{tap,xml,json}` and `DIR/index.html` (every "
         "check's verdict and reason, linked to its scenarios' `report.html` and captures). "
         "A check passes when "
         "every scenario of it exits 0; a runner that cannot simulate a scenario (exit 3) "
         "fails the check with its reason. Exit status 0 when every check that is not "
         "pending passed.\n\n"
         "`--device PROFILE` (a name in `profiles/` or a file) runs the *matrix* checks with "
         "every on-premises device rewritten to the profile: a device keeps `name`, "
         "`publicIpAddress`, `lanPrefixes`, `peer`, `sharedKey`, `startAction` and "
         "`trafficSelectors` (its place in the scenario) and takes everything else "
         "(proposals, lifetimes, DPD, NAT-T, identities) from the profile. The matrix "
         "(`DIR/matrix.{txt,json,html}`) gives per gateway configuration (SKU, VPN type, "
         "connection mode, NAT, policy) whether the device connects, passes traffic, survives "
         "rekeys and DPD, read from the run's events, and why not: the error notify, the "
         "exchange and the node that sent it, and the device's proposal.\n\n"
         "Parallel CI jobs share the catalogue with `--shard K/N`: job K runs every N-th "
         "selected check from the K-th (a split that is the same on every machine) and marks "
         "its `conformance.json` as shard K/N; `vpnsim conformance --merge DIR_1 ... DIR_N "
         "[--out DIR] [--format ...]` joins the shards' folders into one TAP, JUnit and JSON "
         "report (and, for `--device` shards, one matrix), and refuses a missing or repeated "
         "shard, shards of different splits or devices, and a check in two shards. For "
         "example, a GitHub Actions matrix `shard: [1, 2, 3]` runs `vpnsim conformance "
         "--shard ${{ matrix.shard }}/3 -o out/shard-${{ matrix.shard }}`, and a final job "
         "runs `vpnsim conformance --merge out/shard-*`. On a terminal, a progress line on "
         "stderr shows the scenario runs done, the checks failing so far and the time left; "
         "it is never written to a file or a pipe.\n\n");
  g_string_append_printf(o, "%zu checks: %zu active, %zu pending.\n\n", conf_n_checks, a, p);
  g_string_append(o, "| Group | Checks | Active | Pending |\n|---|---|---|---|\n");
  for (size_t g = 0; g < conf_n_groups; g++) {
    size_t n = 0, na = 0;
    for (size_t i = 0; i < conf_n_checks; i++)
      if (conf_check_group(&conf_checks[i]) == &conf_groups[g])
        n++, na += conf_checks[i].status == CONF_ACTIVE;
    g_string_append_printf(o, "| `%s-` %s | %zu | %zu | %zu |\n", conf_groups[g].prefix,
                           conf_groups[g].title, n, na, n - na);
  }
  for (size_t g = 0; g < conf_n_groups; g++) {
    g_string_append_printf(o, "\n## %s: %s\n\n", conf_groups[g].prefix, conf_groups[g].title);
    g_string_append(o, "| ID | Expected gateway behaviour | Source | Device | Status | Scenario | "
                       "Fails when |\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < conf_n_checks; i++) {
      const ConfCheck *c = &conf_checks[i];
      if (conf_check_group(c) != &conf_groups[g])
        continue;
      g_string_append_printf(o, "| %s | ", c->id);
      md_cell(o, c->statement);
      g_string_append(o, " | ");
      md_cell(o, c->source);
      g_string_append_printf(o, " | %s | ", name_get(&conf_role_names, c->role));
      if (c->status == CONF_PENDING) {
        g_string_append(o, "pending: ");
        md_cell(o, c->waits_for);
      } else {
        g_string_append(o, c->matrix ? "active, matrix" : "active");
      }
      g_string_append(o, " | ");
      for (size_t s = 0; s < conf_check_n_scenarios(c); s++)
        g_string_append_printf(o, "%s`%s`", s ? "<br>" : "", c->scenarios[s]);
      g_string_append(o, " | ");
      const ConfFault *f = conf_check_fault(c);
      if (f && f->edit) {
        md_cell(o, f->fault);
        g_string_append(o, " (`");
        md_cell(o, f->edit);
        g_string_append(o, "`)");
      } else if (f) {
        g_string_append(o, "cannot fail yet: ");
        md_cell(o, f->fault);
      }
      g_string_append(o, " |\n");
    }
  }
  return g_string_free(o, FALSE);
}
