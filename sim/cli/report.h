/* SPDX-License-Identifier: MIT */
/* Reports of a scenario's expectation results: plain text for people, TAP for prove
 * (diagnostics with expected and observed values and the deciding event), JUnit XML for
 * CI servers and JSON for tools. Deterministic: the same results give the same bytes
 * (no wall clock, no host name). */
#pragma once

#include "sim/run/expect.h"

#include <glib.h>
#include <stdbool.h>

typedef enum { SCN_REPORT_TEXT, SCN_REPORT_TAP, SCN_REPORT_JUNIT, SCN_REPORT_JSON } ScnReportFormat;
extern const NameTable scn_report_format_names; /* "text", "tap", "junit", "json" */

/* The report as a string (g_free). */
char *scn_report_text(const ScnResults *r);
char *scn_report_tap(const ScnResults *r);
char *scn_report_junit(const ScnResults *r);
char *scn_report_json(const ScnResults *r);
char *scn_report_format(const ScnResults *r, ScnReportFormat f);

/* Append ` name="value"` to an XML start tag: markup escaped, and line breaks and tabs as
 * character references, which XML attribute-value normalisation would otherwise turn into
 * spaces (XML 1.0 3.3.3). Shared by every JUnit writer (scenario and conformance). */
void scn_xml_attr(GString *s, const char *name, const char *value);

/* What run and live end with: the report in format (NULL: text) on stdout, and the exit
 * status (VS_EXIT_FAIL when an expectation failed). A run that did not happen (r NULL)
 * prints "vpnsim CMD: FILE: message" of error and exits VS_EXIT_INTERNAL. */
int scn_report_run_result(const char *cmd, const char *file, const ScnResults *r,
                          const GError *error, const char *format);

/* A JUnit test case's outcome: `<failure message=".." type="..">body</failure>` when
 * failure is not NULL (its message), else `<system-out>body</system-out>` (body already
 * escaped). Shared by every JUnit writer. */
void scn_junit_outcome(GString *s, const char *failure, const char *type, const char *body);

/* Write all four into DIR: report.txt, report.tap, report.xml, report.json. */
bool scn_report_write_all(const ScnResults *r, const char *dir, GError **error);
