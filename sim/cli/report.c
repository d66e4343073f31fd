/* SPDX-License-Identifier: MIT */
/* Report writers: text, TAP, JUnit XML and JSON for expectation results. */
#include "sim/cli/report.h"

#include "models/common/json.h"
#include "sim/cli/cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

NAME_TABLE(scn_report_format_names, "report format", {SCN_REPORT_TEXT, "text"},
           {SCN_REPORT_TAP, "tap"}, {SCN_REPORT_JUNIT, "junit"}, {SCN_REPORT_JSON, "json"});

static char *where(const ScnResult *it)
{
  return it->loc.file ? g_strdup_printf("%s:%u:%u", it->loc.file, it->loc.line, it->loc.col)
                      : g_strdup("-");
}

static const char *or_dash(const char *s)
{
  return s && *s ? s : "-";
}

char *scn_report_text(const ScnResults *r)
{
  GString *s = g_string_new(NULL);
  size_t failed = scn_results_failed(r);
  g_string_append_printf(s, "scenario %s (seed %" PRIu64 ")\n", or_dash(r->scenario), r->seed);
  for (size_t i = 0; i < r->n; i++) {
    const ScnResult *it = &r->items[i];
    g_autofree char *w = where(it);
    g_string_append_printf(s, "%s %u. %s\n", it->pass ? "PASS" : "FAIL", it->index, it->name);
    g_string_append_printf(s, "       expected: %s\n", or_dash(it->expected));
    g_string_append_printf(s, "       observed: %s\n", or_dash(it->observed));
    g_string_append_printf(s, "     decided by: %s\n", or_dash(it->decided_by));
    g_string_append_printf(s, "        defined: %s\n", w);
  }
  g_string_append_printf(s, "%zu expectation%s: %zu passed, %zu failed\n", r->n,
                         r->n == 1 ? "" : "s", r->n - failed, failed);
  return g_string_free(s, FALSE);
}

/* A TAP description or diagnostic must stay on one line, and '#' in a description starts
 * a directive (TAP 13): replace both. */
static void tap_line(GString *s, const char *text, bool description)
{
  for (const char *p = text ? text : ""; *p; p++)
    g_string_append_c(s, *p == '\n' || *p == '\r' ? ' ' : (description && *p == '#') ? '_' : *p);
}

char *scn_report_tap(const ScnResults *r)
{
  GString *s = g_string_new("TAP version 13\n");
  g_string_append_printf(s, "1..%zu\n", r->n);
  for (size_t i = 0; i < r->n; i++) {
    const ScnResult *it = &r->items[i];
    g_autofree char *w = where(it);
    g_string_append_printf(s, "%s %u - ", it->pass ? "ok" : "not ok", it->index);
    tap_line(s, it->name, true);
    g_string_append(s, "\n#   expected: ");
    tap_line(s, or_dash(it->expected), false);
    g_string_append(s, "\n#   observed: ");
    tap_line(s, or_dash(it->observed), false);
    g_string_append(s, "\n#   decided by: ");
    tap_line(s, or_dash(it->decided_by), false);
    g_string_append(s, "\n#   defined at: ");
    tap_line(s, w, false);
    g_string_append_c(s, '\n');
  }
  return g_string_free(s, FALSE);
}

void scn_xml_attr(GString *s, const char *name, const char *value)
{
  g_autofree char *e = g_markup_escape_text(value ? value : "", -1);
  g_string_append_printf(s, " %s=\"", name);
  for (const char *p = e; *p; p++) {
    if (*p == '\n')
      g_string_append(s, "&#10;");
    else if (*p == '\r')
      g_string_append(s, "&#13;");
    else if (*p == '\t')
      g_string_append(s, "&#9;");
    else
      g_string_append_c(s, *p);
  }
  g_string_append_c(s, '"');
}

void scn_junit_outcome(GString *s, const char *failure, const char *type, const char *body)
{
  if (failure) {
    g_string_append(s, "      <failure");
    scn_xml_attr(s, "message", failure);
    scn_xml_attr(s, "type", type);
    g_string_append_printf(s, ">%s</failure>\n", body);
  } else {
    g_string_append_printf(s, "      <system-out>%s</system-out>\n", body);
  }
}

char *scn_report_junit(const ScnResults *r)
{
  size_t failed = scn_results_failed(r);
  GString *s = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
  g_autofree char *tests = g_strdup_printf("%zu", r->n);
  g_autofree char *fails = g_strdup_printf("%zu", failed);
  scn_xml_attr(s, "name", "vpnsim");
  scn_xml_attr(s, "tests", tests);
  scn_xml_attr(s, "failures", fails);
  scn_xml_attr(s, "errors", "0");
  g_string_append(s, ">\n  <testsuite");
  scn_xml_attr(s, "name", or_dash(r->scenario));
  scn_xml_attr(s, "tests", tests);
  scn_xml_attr(s, "failures", fails);
  scn_xml_attr(s, "errors", "0");
  scn_xml_attr(s, "skipped", "0");
  g_string_append(s, ">\n");
  if (r->file) {
    g_string_append(s, "    <properties>\n      <property");
    scn_xml_attr(s, "name", "file");
    scn_xml_attr(s, "value", r->file);
    g_string_append(s, "/>\n      <property");
    g_autofree char *seed = g_strdup_printf("%" PRIu64, r->seed);
    scn_xml_attr(s, "name", "seed");
    scn_xml_attr(s, "value", seed);
    g_string_append(s, "/>\n    </properties>\n");
  }
  for (size_t i = 0; i < r->n; i++) {
    const ScnResult *it = &r->items[i];
    g_autofree char *w = where(it);
    g_autofree char *name = g_strdup_printf("%u. %s", it->index, or_dash(it->name));
    g_autofree char *cls = g_strdup_printf("%s.%s", or_dash(r->scenario), or_dash(it->kind));
    g_autofree char *detail =
        g_strdup_printf("expected: %s\nobserved: %s\ndecided by: %s\ndefined at: %s",
                        or_dash(it->expected), or_dash(it->observed),
                        or_dash(it->decided_by), w);
    g_autofree char *body = g_markup_escape_text(detail, -1);
    g_string_append(s, "    <testcase");
    scn_xml_attr(s, "classname", cls);
    scn_xml_attr(s, "name", name);
    g_string_append(s, ">\n");
    g_autofree char *msg = it->pass ? NULL
                                    : g_strdup_printf("expected %s, observed %s",
                                                      or_dash(it->expected), or_dash(it->observed));
    scn_junit_outcome(s, msg, "expectation", body);
    g_string_append(s, "    </testcase>\n");
  }
  g_string_append(s, "  </testsuite>\n</testsuites>\n");
  return g_string_free(s, FALSE);
}

static void json_field(GString *s, const char *indent, const char *key, const char *value,
                       bool last)
{
  g_string_append_printf(s, "%s\"%s\": ", indent, key);
  if (value)
    vs_json_str(s, value);
  else
    g_string_append(s, "null");
  g_string_append(s, last ? "\n" : ",\n");
}

char *scn_report_json(const ScnResults *r)
{
  size_t failed = scn_results_failed(r);
  GString *s = g_string_new("{\n");
  json_field(s, "  ", "scenario", r->scenario, false);
  json_field(s, "  ", "file", r->file, false);
  g_string_append_printf(s, "  \"seed\": %" PRIu64 ",\n", r->seed);
  g_string_append_printf(s, "  \"total\": %zu,\n  \"passed\": %zu,\n  \"failed\": %zu,\n", r->n,
                         r->n - failed, failed);
  g_string_append(s, "  \"results\": [");
  for (size_t i = 0; i < r->n; i++) {
    const ScnResult *it = &r->items[i];
    g_autofree char *w = it->loc.file ? where(it) : NULL;
    g_string_append(s, i ? ",\n    {\n" : "\n    {\n");
    g_string_append_printf(s, "      \"index\": %u,\n", it->index);
    json_field(s, "      ", "kind", it->kind, false);
    json_field(s, "      ", "name", it->name, false);
    g_string_append_printf(s, "      \"pass\": %s,\n", it->pass ? "true" : "false");
    json_field(s, "      ", "expected", it->expected, false);
    json_field(s, "      ", "observed", it->observed, false);
    json_field(s, "      ", "decidedBy", it->decided_by, false);
    if (it->event_seq >= 0)
      g_string_append_printf(s, "      \"event\": %ld,\n", it->event_seq);
    else
      g_string_append(s, "      \"event\": null,\n");
    json_field(s, "      ", "definedAt", w, true);
    g_string_append(s, "    }");
  }
  g_string_append(s, r->n ? "\n  ]\n}\n" : "]\n}\n");
  return g_string_free(s, FALSE);
}

char *scn_report_format(const ScnResults *r, ScnReportFormat f)
{
  switch (f) {
  case SCN_REPORT_TEXT: return scn_report_text(r);
  case SCN_REPORT_TAP: return scn_report_tap(r);
  case SCN_REPORT_JUNIT: return scn_report_junit(r);
  case SCN_REPORT_JSON: return scn_report_json(r);
  }
  return g_strdup("");
}

bool scn_report_write_all(const ScnResults *r, const char *dir, GError **error)
{
  static const struct {
    ScnReportFormat f;
    const char *file;
  } outs[] = {{SCN_REPORT_TEXT, "report.txt"},
              {SCN_REPORT_TAP, "report.tap"},
              {SCN_REPORT_JUNIT, "report.xml"},
              {SCN_REPORT_JSON, "report.json"}};
  for (size_t i = 0; i < G_N_ELEMENTS(outs); i++) {
    g_autofree char *text = scn_report_format(r, outs[i].f);
    g_autofree char *path = g_build_filename(dir, outs[i].file, NULL);
    if (!g_file_set_contents(path, text, -1, error))
      return false;
  }
  return true;
}

int scn_report_run_result(const char *cmd, const char *file, const ScnResults *r,
                          const GError *error, const char *format)
{
  if (!r) {
    fprintf(stderr, "vpnsim %s: %s: %s\n", cmd, file, error->message);
    return VS_EXIT_INTERNAL;
  }
  int64_t f = SCN_REPORT_TEXT;
  if (format)
    (void)name_parse(&scn_report_format_names, format, &f); /* checked by the command line */
  g_autofree char *text = scn_report_format(r, (ScnReportFormat)f);
  fputs(text, stdout);
  return scn_results_failed(r) ? VS_EXIT_FAIL : VS_EXIT_PASS;
}
