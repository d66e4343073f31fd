/* SPDX-License-Identifier: MIT */
/* The HTML pages of `vpnsim conformance`: index.html, one row per check with its verdict,
 * reason and links to each scenario's report.html, pcaps and key tables; the matrix page
 * (conformance_matrix.c) links its rows the same way. Self-contained, no script,
 * deterministic (no clock, no host name). */
#include "conformance/conformance_run.h"

#include <string.h>

void conf_html_text(GString *o, const char *s)
{
  g_autofree char *e = g_markup_escape_text(s ? s : "?", -1);
  g_string_append(o, e);
}

char *conf_html_rel(const char *from_dir, const char *to)
{
  g_autofree char *a = g_canonicalize_filename(from_dir, NULL);
  g_autofree char *b = g_canonicalize_filename(to, NULL);
  g_auto(GStrv) pa = g_strsplit(a, "/", -1);
  g_auto(GStrv) pb = g_strsplit(b, "/", -1);
  guint i = 0;
  while (pa[i] && pb[i] && !strcmp(pa[i], pb[i]))
    i++;
  GString *o = g_string_new(NULL);
  for (guint k = i; pa[k]; k++)
    if (*pa[k])
      g_string_append(o, "../");
  for (guint k = i; pb[k]; k++)
    if (*pb[k])
      g_string_append_printf(o, "%s%s", k > i && o->len && o->str[o->len - 1] != '/' ? "/" : "",
                             pb[k]);
  return g_string_free(o, FALSE);
}

static const char *const verdict_class[] = {[CONF_PASS] = "pass", [CONF_FAIL] = "fail",
                                            [CONF_SKIP] = "skip"};

char *conf_report_html(const ConfResults *r, const char *out_dir)
{
  size_t pass = 0, fail = 0, skip = 0;
  for (size_t i = 0; i < r->n; i++)
    pass += r->items[i].verdict == CONF_PASS, fail += r->items[i].verdict == CONF_FAIL,
        skip += r->items[i].verdict == CONF_SKIP;
  GString *o = g_string_new("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                            "<title>vpnsim conformance</title>\n<style>\n"
                            "body{font-family:sans-serif;margin:2em}"
                            "table{border-collapse:collapse}td,th{border:1px solid #999;"
                            "padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}"
                            ".pass{background:#c8f0c8}.fail{background:#f5c0c0}.skip{color:#777}"
                            ".reason{font-size:90%}\n</style>\n</head>\n<body>\n"
                            "<h1>vpnsim conformance</h1>\n");
  g_string_append_printf(o, "<p>%zu checks: %zu passed, %zu failed, %zu skipped (pending)", r->n,
                         pass, fail, skip);
  if (r->shard)
    g_string_append_printf(o, "; shard %s", r->shard);
  if (r->device) {
    g_string_append(o, "; device ");
    conf_html_text(o, r->device);
    g_string_append(o, " (<a href=\"matrix.html\">compatibility matrix</a>)");
  }
  g_string_append(o, ". The whole run: <a href=\"conformance.tap\">TAP</a>, "
                     "<a href=\"conformance.xml\">JUnit</a>, <a href=\"conformance.json\">JSON</a>."
                     "</p>\n<table>\n<tr><th>Check</th><th>Result</th><th>Statement</th>"
                     "<th>Source</th><th>Why</th><th>Reports</th></tr>\n");
  for (size_t i = 0; i < r->n; i++) {
    const ConfCheckResult *cr = &r->items[i];
    g_string_append_printf(o, "<tr id=\"%s\"><td>", cr->check->id);
    conf_html_text(o, cr->check->id);
    g_string_append_printf(o, "</td><td class=\"%s\">%s</td><td>", verdict_class[cr->verdict],
                           name_get(&conf_verdict_names, cr->verdict));
    conf_html_text(o, cr->check->statement);
    g_string_append(o, "</td><td class=\"reason\">");
    conf_html_text(o, cr->check->source);
    g_string_append(o, "</td><td class=\"reason\">");
    if (cr->reason)
      conf_html_text(o, cr->reason);
    g_string_append(o, "</td><td>");
    for (size_t s = 0; s < cr->n_sc; s++) {
      const ConfScenarioResult *sc = &cr->sc[s];
      g_autofree char *stem = g_path_get_basename(sc->file);
      g_autofree char *rep = g_build_filename(sc->out, "report.html", NULL);
      g_autofree char *href = conf_html_rel(out_dir, rep);
      g_autofree char *dir = conf_html_rel(out_dir, sc->out);
      if (s)
        g_string_append(o, "<br>");
      g_string_append(o, "<a href=\"");
      conf_html_text(o, href);
      g_string_append(o, "\">");
      conf_html_text(o, stem);
      g_string_append(o, "</a> (<a href=\"");
      conf_html_text(o, dir);
      g_string_append(o, "/\">pcaps, key tables</a>)");
    }
    g_string_append(o, "</td></tr>\n");
  }
  g_string_append(o, "</table>\n</body>\n</html>\n");
  return g_string_free(o, FALSE);
}
