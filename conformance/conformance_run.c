/* SPDX-License-Identifier: MIT */
/* The conformance driver: check selection, scenario runs as child processes, verdicts,
 * TAP/JUnit/JSON reports, the device rewrite and the compatibility matrix. */
#include "conformance/conformance_run.h"

#include "models/gateway/gw_policy.h"
#include "models/common/json.h"
#include "sim/cli/report.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/ytree.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

NAME_TABLE(conf_verdict_names, "check verdict", {CONF_PASS, "pass"}, {CONF_FAIL, "fail"},
           {CONF_SKIP, "skip"});
NAME_TABLE(conf_aspect_names, "matrix aspect", {CONF_ASP_NA, "n/a"}, {CONF_ASP_YES, "yes"},
           {CONF_ASP_NO, "no"}, {CONF_ASP_UNKNOWN, "?"});

/* ---------------------------------------------------------------- selection */

static char *canonical(const char *path, const char *base)
{
  return g_canonicalize_filename(path, base);
}

static bool check_under_path(const ConfCheck *c, const char *top, const char *want, bool dir)
{
  for (size_t s = 0; s < conf_check_n_scenarios(c); s++) {
    g_autofree char *p = canonical(c->scenarios[s], top);
    if (dir ? (g_str_has_prefix(p, want) && p[strlen(want)] == '/') : !strcmp(p, want))
      return true;
  }
  return false;
}

GPtrArray *conf_select(const char *const *sel, size_t n_sel, const char *top, GError **error)
{
  g_autofree bool *on = g_new0(bool, conf_n_checks);
  g_autofree char *cwd = g_get_current_dir();
  g_autofree char *abs_top = canonical(top, cwd);
  for (size_t k = 0; k < n_sel; k++) {
    const char *s = sel[k];
    size_t hits = 0;
    if (g_file_test(s, G_FILE_TEST_EXISTS)) {
      g_autofree char *want = canonical(s, cwd);
      bool dir = g_file_test(s, G_FILE_TEST_IS_DIR);
      for (size_t i = 0; i < conf_n_checks; i++)
        if (check_under_path(&conf_checks[i], abs_top, want, dir))
          on[i] = true, hits++;
    } else {
      g_autofree char *group = g_strdup(s);
      size_t gl = strlen(group);
      if (gl && group[gl - 1] == '-')
        group[gl - 1] = 0;
      for (size_t i = 0; i < conf_n_checks; i++) {
        const ConfGroup *g = conf_check_group(&conf_checks[i]);
        bool in_group = g && !g_ascii_strcasecmp(g->prefix, group);
        bool by_prefix = !g_ascii_strncasecmp(conf_checks[i].id, s, strlen(s)) && strchr(s, '-');
        if (in_group || by_prefix)
          on[i] = true, hits++;
      }
    }
    if (!hits) {
      const char **ids = g_new(const char *, conf_n_checks);
      for (size_t i = 0; i < conf_n_checks; i++)
        ids[i] = conf_checks[i].id;
      const char *hint = str_nearest(s, ids, conf_n_checks);
      if (hint)
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "no check matches '%s' (did you mean '%s'?)", s, hint);
      else
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "no check matches '%s' (an ID, an ID prefix, a group such as IKE, or a "
                    "scenario file or folder)",
                    s);
      g_free(ids);
      return NULL;
    }
  }
  GPtrArray *out = g_ptr_array_new();
  for (size_t i = 0; i < conf_n_checks; i++)
    if (!n_sel || on[i])
      g_ptr_array_add(out, (gpointer)&conf_checks[i]);
  return out;
}

/* ---------------------------------------------------------------- classification */

/* The "not ok" points of a TAP text with the diagnostic lines that follow each. */
static char *tap_failures(const char *tap)
{
  GString *o = g_string_new(NULL);
  g_auto(GStrv) lines = g_strsplit(tap ? tap : "", "\n", -1);
  bool in = false;
  for (char **l = lines; *l; l++) {
    if (g_str_has_prefix(*l, "not ok"))
      in = true;
    else if (!g_str_has_prefix(*l, "#"))
      in = false;
    if (in && **l == '#')
      g_string_append_printf(o, "  %s\n", *l + strspn(*l, "# ")); /* a diagnostic */
    else if (in)
      g_string_append_printf(o, "%s\n", *l);
  }
  return g_string_free(o, FALSE);
}

/* The first n non-empty lines of a text. */
static char *head_lines(const char *text, unsigned n)
{
  GString *o = g_string_new(NULL);
  g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
  for (char **l = lines; *l && n; l++)
    if (**l)
      g_string_append_printf(o, "%s\n", *l), n--;
  return g_string_free(o, FALSE);
}

static char *first_line(const char *text)
{
  g_autofree char *h = head_lines(text, 1);
  g_strchomp(h);
  return g_strdup(*h ? h : "(no message)");
}

static char *last_line(const char *text)
{
  g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
  for (size_t i = g_strv_length(lines); i-- > 0;)
    if (*g_strstrip(lines[i]))
      return g_strdup(lines[i]);
  return g_strdup("(no message)");
}

void conf_classify_run(ConfScenarioResult *r, const char *out_text, const char *err_text)
{
  g_clear_pointer(&r->reason, g_free);
  g_clear_pointer(&r->diag, g_free);
  r->pass = false;
  if (r->signal) {
    r->reason = g_strdup_printf("the runner crashed (signal %d)", r->signal);
    r->diag = head_lines(err_text, 20);
    return;
  }
  switch (r->exit_status) {
  case 0:
    r->pass = true;
    return;
  case 1:
    r->reason = g_strdup("an expectation failed");
    r->diag = tap_failures(out_text);
    if (!*r->diag) {
      g_free(r->diag);
      r->diag = head_lines(err_text, 20);
    }
    return;
  case 2: {
    g_autofree char *l = first_line(err_text);
    r->reason = g_strdup_printf("the scenario is invalid (exit 2): %s", l);
    r->diag = head_lines(err_text, 20);
    return;
  }
  case 3: {
    /* The runner's last word says why (earlier lines may be warnings). */
    g_autofree char *l = last_line(err_text);
    r->reason = g_strdup_printf("the runner could not simulate it (exit 3): %s", l);
    r->diag = head_lines(err_text, 20);
    g_strchomp(r->diag);
    if (!strcmp(r->diag, l))
      r->diag[0] = 0;
    return;
  }
  default:
    r->reason = g_strdup_printf("the runner failed (exit %d)", r->exit_status);
    r->diag = head_lines(err_text, 20);
  }
}

/* ---------------------------------------------------------------- results */

ConfResults *conf_results_new(size_t n)
{
  ConfResults *r = g_new0(ConfResults, 1);
  r->items = g_new0(ConfCheckResult, n ? n : 1);
  r->n = n;
  return r;
}

static void scenario_result_clear(ConfScenarioResult *s)
{
  g_free(s->file), g_free(s->ran), g_free(s->out), g_free(s->reason), g_free(s->diag);
  g_free(s->events);
  memset(s, 0, sizeof *s);
}

void conf_results_free(ConfResults *r)
{
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++) {
    for (size_t s = 0; s < r->items[i].n_sc; s++)
      scenario_result_clear(&r->items[i].sc[s]);
    g_free(r->items[i].reason);
  }
  g_free(r->items);
  g_free(r->shard);
  g_free(r->device);
  g_free(r);
}

void conf_check_result_settle(ConfCheckResult *cr)
{
  g_clear_pointer(&cr->reason, g_free);
  if (cr->check->status == CONF_PENDING) {
    cr->verdict = CONF_SKIP;
    cr->reason = g_strdup_printf("pending: waits for %s", cr->check->waits_for);
    return;
  }
  cr->verdict = CONF_PASS;
  for (size_t s = 0; s < cr->n_sc; s++)
    if (!cr->sc[s].pass) {
      cr->verdict = CONF_FAIL;
      cr->reason = g_strdup(cr->sc[s].reason ? cr->sc[s].reason : "failed");
      return;
    }
  if (!cr->n_sc) {
    cr->verdict = CONF_FAIL;
    cr->reason = g_strdup("no scenario ran");
  }
}

int conf_results_exit_status(const ConfResults *r)
{
  for (size_t i = 0; i < r->n; i++)
    if (r->items[i].verdict == CONF_FAIL)
      return 1;
  return 0;
}

/* ---------------------------------------------------------------- running */

typedef struct {
  ConfResults *res;
  const ConfRunOptions *opt;
  GPtrArray *jobs; /* Job *, in order */
  size_t next_job, running, done_jobs;
  bool *settled;
  size_t next_emit;
  size_t failed;  /* checks settled as failing */
  unsigned *left; /* scenario runs left per check */
} Runner;

typedef struct {
  Runner *rn;
  size_t check;
  ConfScenarioResult *sc;
} Job;

static void emit_ready(Runner *rn)
{
  while (rn->next_emit < rn->res->n && rn->settled[rn->next_emit]) {
    if (rn->opt->on_settled)
      rn->opt->on_settled(&rn->res->items[rn->next_emit], rn->next_emit, rn->opt->user);
    rn->next_emit++;
  }
}

static void start_next(Runner *rn);

/* One scenario run is over (or could not start): settle its check when it was the last. */
static void job_finished(Runner *rn, const Job *j)
{
  rn->done_jobs++;
  if (--rn->left[j->check] == 0) {
    conf_check_result_settle(&rn->res->items[j->check]);
    rn->settled[j->check] = true;
    rn->failed += rn->res->items[j->check].verdict == CONF_FAIL;
  }
  if (rn->opt->on_progress)
    rn->opt->on_progress(rn->done_jobs, rn->jobs->len, rn->failed, rn->opt->user);
  emit_ready(rn);
}

static void job_done(GObject *src, GAsyncResult *res, gpointer data)
{
  Job *j = data;
  Runner *rn = j->rn;
  GSubprocess *p = G_SUBPROCESS(src);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) e = NULL;
  if (!g_subprocess_communicate_utf8_finish(p, res, &out, &err, &e)) {
    j->sc->exit_status = -1;
    j->sc->reason = g_strdup_printf("could not read the runner's output: %s", e->message);
    j->sc->pass = false;
  } else {
    if (g_subprocess_get_if_signaled(p)) {
      j->sc->exit_status = -1;
      j->sc->signal = g_subprocess_get_term_sig(p);
    } else {
      j->sc->exit_status = g_subprocess_get_exit_status(p);
    }
    conf_classify_run(j->sc, out, err);
    g_autofree char *ev = g_build_filename(j->sc->out, "events.jsonl", NULL);
    g_file_get_contents(ev, &j->sc->events, NULL, NULL);
  }
  g_object_unref(p);
  rn->running--;
  job_finished(rn, j);
  start_next(rn);
}

static void start_next(Runner *rn)
{
  while (rn->running < rn->opt->jobs && rn->next_job < rn->jobs->len) {
    Job *j = g_ptr_array_index(rn->jobs, rn->next_job++);
    g_autoptr(GError) e = NULL;
    const char *argv[] = {rn->opt->runner, "run", j->sc->ran, "--out", j->sc->out,
                          "--format", "tap", NULL};
    GSubprocess *p = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                 G_SUBPROCESS_FLAGS_STDERR_PIPE, &e);
    if (!p) {
      j->sc->exit_status = -1;
      j->sc->reason = g_strdup_printf("could not start the runner %s: %s", rn->opt->runner,
                                      e->message);
      job_finished(rn, j);
      continue;
    }
    rn->running++;
    g_subprocess_communicate_utf8_async(p, NULL, NULL, job_done, j);
  }
}

/* Remove what an earlier run left in a folder, so that a run that writes nothing is
 * not read with old events. */
static void clear_outputs(const char *dir)
{
  static const char *const files[] = {"events.jsonl", "timeline.txt", "report.txt",
                                      "report.tap", "report.xml", "report.json",
                                      "report.html"};
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *p = g_build_filename(dir, files[i], NULL);
    (void)g_unlink(p);
  }
}

static char *profile_name_of(const char *file)
{
  g_autofree char *base = g_path_get_basename(file);
  if (g_str_has_suffix(base, ".yaml"))
    base[strlen(base) - 5] = 0;
  return g_steal_pointer(&base);
}

ConfResults *conf_run(const ConfCheck *const *checks, size_t n, const ConfRunOptions *opt,
                      GError **error)
{
  g_autoptr(ConfResults) res = conf_results_new(n);
  g_autofree char *pname = NULL;
  if (opt->device_profile) {
    pname = profile_name_of(opt->device_profile);
    res->device = g_strdup(pname);
    g_autofree char *pdir = g_build_filename(opt->out_dir, "profiles", NULL);
    g_autofree char *pdst = g_strdup_printf("%s/%s.yaml", pdir, pname);
    g_autofree char *ptext = NULL;
    gsize plen;
    if (g_mkdir_with_parents(pdir, 0755) != 0) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot make %s", pdir);
      return NULL;
    }
    if (!g_file_get_contents(opt->device_profile, &ptext, &plen, error) ||
        !g_file_set_contents(pdst, ptext, (gssize)plen, error))
      return NULL;
  }
  Runner rn = {.res = res, .opt = opt, .jobs = g_ptr_array_new_with_free_func(g_free)};
  rn.settled = g_new0(bool, n ? n : 1);
  rn.left = g_new0(unsigned, n ? n : 1);
  for (size_t i = 0; i < n; i++) {
    ConfCheckResult *cr = &res->items[i];
    cr->check = checks[i];
    if (checks[i]->status == CONF_PENDING)
      continue;
    size_t ns = conf_check_n_scenarios(checks[i]);
    for (size_t s = 0; s < ns; s++) {
      ConfScenarioResult *sc = &cr->sc[cr->n_sc++];
      sc->file = g_strdup(checks[i]->scenarios[s]);
      g_autofree char *stem = profile_name_of(sc->file);
      sc->out = ns == 1 ? g_build_filename(opt->out_dir, checks[i]->id, NULL)
                        : g_build_filename(opt->out_dir, checks[i]->id, stem, NULL);
      if (g_mkdir_with_parents(sc->out, 0755) != 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot make %s", sc->out);
        goto fail;
      }
      clear_outputs(sc->out);
      g_autofree char *src = g_build_filename(opt->top, sc->file, NULL);
      if (opt->device_profile) {
        g_autofree char *text = NULL;
        size_t len;
        g_autoptr(GError) e = NULL;
        g_autofree char *re = NULL;
        if ((text = conf_scenario_text(src, &len, &e)))
          re = conf_device_rewrite(src, text, len, pname, &e);
        sc->ran = g_build_filename(sc->out, "scenario.yaml", NULL);
        if (!re || !g_file_set_contents(sc->ran, re, -1, &e)) {
          sc->exit_status = -1;
          sc->reason = g_strdup_printf("cannot rewrite the device: %s", e->message);
          continue;
        }
      } else {
        sc->ran = g_steal_pointer(&src);
      }
      Job *j = g_new0(Job, 1);
      *j = (Job){.rn = &rn, .check = i, .sc = sc};
      g_ptr_array_add(rn.jobs, j);
      rn.left[i]++;
    }
  }
  for (size_t i = 0; i < n; i++)
    if (!rn.left[i]) {
      conf_check_result_settle(&res->items[i]);
      rn.settled[i] = true;
    }
  emit_ready(&rn);
  start_next(&rn);
  while (rn.done_jobs < rn.jobs->len)
    g_main_context_iteration(NULL, TRUE);
  emit_ready(&rn);
  g_ptr_array_unref(rn.jobs);
  g_free(rn.settled);
  g_free(rn.left);
  return g_steal_pointer(&res);
fail:
  g_ptr_array_unref(rn.jobs);
  g_free(rn.settled);
  g_free(rn.left);
  return NULL;
}

/* ---------------------------------------------------------------- reports */

static void tap_diag(GString *o, const char *key, const char *text)
{
  if (!text || !*text)
    return;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  bool first = true;
  for (char **l = lines; *l; l++) {
    if (!**l)
      continue;
    if (first && key)
      g_string_append_printf(o, "#   %s: %s\n", key, *l);
    else
      g_string_append_printf(o, "#     %s\n", *l);
    first = false;
  }
}

char *conf_report_tap_point(const ConfCheckResult *cr, size_t index)
{
  GString *o = g_string_new(NULL);
  const ConfCheck *c = cr->check;
  if (cr->verdict == CONF_SKIP) {
    g_string_append_printf(o, "ok %zu - %s %s # SKIP %s\n", index + 1, c->id, c->statement,
                           cr->reason);
    return g_string_free(o, FALSE);
  }
  g_string_append_printf(o, "%s %zu - %s %s\n", cr->verdict == CONF_PASS ? "ok" : "not ok",
                         index + 1, c->id, c->statement);
  if (cr->verdict == CONF_FAIL) {
    g_string_append_printf(o, "#   source: %s\n", c->source);
    for (size_t s = 0; s < cr->n_sc; s++) {
      const ConfScenarioResult *sc = &cr->sc[s];
      if (sc->pass)
        continue;
      g_string_append_printf(o, "#   scenario: %s\n", sc->file);
      tap_diag(o, "reason", sc->reason);
      tap_diag(o, "runner", sc->diag);
      g_string_append_printf(o, "#   pcaps and key tables: %s/\n", sc->out);
    }
  }
  return g_string_free(o, FALSE);
}

char *conf_report_tap(const ConfResults *r)
{
  GString *o = g_string_new(NULL);
  g_string_append_printf(o, "1..%zu\n", r->n);
  for (size_t i = 0; i < r->n; i++) {
    g_autofree char *p = conf_report_tap_point(&r->items[i], i);
    g_string_append(o, p);
  }
  return g_string_free(o, FALSE);
}

static void counts(const ConfResults *r, size_t *pass, size_t *fail, size_t *skip)
{
  *pass = *fail = *skip = 0;
  for (size_t i = 0; i < r->n; i++)
    switch (r->items[i].verdict) {
    case CONF_PASS: (*pass)++; break;
    case CONF_FAIL: (*fail)++; break;
    case CONF_SKIP: (*skip)++; break;
    }
}

static char *scenario_detail(const ConfCheckResult *cr)
{
  GString *d = g_string_new(NULL);
  g_string_append_printf(d, "source: %s\n", cr->check->source);
  for (size_t s = 0; s < cr->n_sc; s++) {
    const ConfScenarioResult *sc = &cr->sc[s];
    g_string_append_printf(d, "scenario: %s (%s)\n", sc->file,
                           sc->pass ? "pass" : (sc->reason ? sc->reason : "fail"));
    if (!sc->pass && sc->diag && *sc->diag)
      g_string_append(d, sc->diag);
    g_string_append_printf(d, "pcaps and key tables: %s/\n", sc->out);
  }
  return g_string_free(d, FALSE);
}

char *conf_report_junit(const ConfResults *r)
{
  size_t pass, fail, skip;
  counts(r, &pass, &fail, &skip);
  g_autofree char *tests = g_strdup_printf("%zu", r->n);
  g_autofree char *fails = g_strdup_printf("%zu", fail);
  g_autofree char *skips = g_strdup_printf("%zu", skip);
  GString *s = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
  scn_xml_attr(s, "name", "vpnsim-conformance");
  scn_xml_attr(s, "tests", tests), scn_xml_attr(s, "failures", fails), scn_xml_attr(s, "errors", "0");
  scn_xml_attr(s, "skipped", skips);
  g_string_append(s, ">\n");
  for (size_t g = 0; g < conf_n_groups; g++) {
    size_t n = 0, f = 0, k = 0;
    for (size_t i = 0; i < r->n; i++)
      if (conf_check_group(r->items[i].check) == &conf_groups[g]) {
        n++;
        f += r->items[i].verdict == CONF_FAIL;
        k += r->items[i].verdict == CONF_SKIP;
      }
    if (!n)
      continue;
    g_autofree char *gn = g_strdup_printf("%zu", n), *gf = g_strdup_printf("%zu", f),
                    *gk = g_strdup_printf("%zu", k);
    g_string_append(s, "  <testsuite");
    scn_xml_attr(s, "name", conf_groups[g].prefix);
    scn_xml_attr(s, "tests", gn), scn_xml_attr(s, "failures", gf), scn_xml_attr(s, "errors", "0");
    scn_xml_attr(s, "skipped", gk);
    g_string_append(s, ">\n");
    for (size_t i = 0; i < r->n; i++) {
      const ConfCheckResult *cr = &r->items[i];
      if (conf_check_group(cr->check) != &conf_groups[g])
        continue;
      g_autofree char *cls = g_strdup_printf("conformance.%s", conf_groups[g].prefix);
      g_autofree char *name = g_strdup_printf("%s %s", cr->check->id, cr->check->statement);
      g_string_append(s, "    <testcase");
      scn_xml_attr(s, "classname", cls);
      scn_xml_attr(s, "name", name);
      g_string_append(s, ">\n");
      g_autofree char *detail = scenario_detail(cr);
      g_autofree char *body = g_markup_escape_text(detail, -1);
      if (cr->verdict == CONF_SKIP) {
        g_string_append(s, "      <skipped");
        scn_xml_attr(s, "message", cr->reason);
        g_string_append(s, "/>\n");
      } else {
        /* a failure always carries a message, empty when the check gave no reason */
        scn_junit_outcome(s, cr->verdict == CONF_FAIL ? (cr->reason ? cr->reason : "") : NULL,
                          "check", body);
      }
      g_string_append(s, "    </testcase>\n");
    }
    g_string_append(s, "  </testsuite>\n");
  }
  g_string_append(s, "</testsuites>\n");
  return g_string_free(s, FALSE);
}

char *conf_report_json(const ConfResults *r)
{
  size_t pass, fail, skip;
  counts(r, &pass, &fail, &skip);
  GString *o = g_string_new("{\"checks\":[");
  for (size_t i = 0; i < r->n; i++) {
    const ConfCheckResult *cr = &r->items[i];
    const ConfGroup *g = conf_check_group(cr->check);
    g_string_append(o, i ? ",\n{\"id\":" : "\n{\"id\":");
    vs_json_str(o, cr->check->id);
    g_string_append(o, ",\"group\":"), vs_json_str(o, g ? g->prefix : "");
    g_string_append(o, ",\"statement\":"), vs_json_str(o, cr->check->statement);
    g_string_append(o, ",\"source\":"), vs_json_str(o, cr->check->source);
    g_string_append(o, ",\"role\":"), vs_json_str(o, name_get(&conf_role_names, cr->check->role));
    g_string_append(o, ",\"status\":");
    vs_json_str(o, name_get(&conf_status_names, cr->check->status));
    g_string_append(o, ",\"result\":"), vs_json_str(o, name_get(&conf_verdict_names, cr->verdict));
    g_string_append(o, ",\"reason\":");
    if (cr->reason)
      vs_json_str(o, cr->reason);
    else
      g_string_append(o, "null");
    g_string_append(o, ",\"scenarios\":[");
    for (size_t s = 0; s < cr->n_sc; s++) {
      const ConfScenarioResult *sc = &cr->sc[s];
      g_string_append(o, s ? ",{\"file\":" : "{\"file\":");
      vs_json_str(o, sc->file);
      g_string_append(o, ",\"out\":"), vs_json_str(o, sc->out);
      g_string_append_printf(o, ",\"exit\":%d,\"pass\":%s,\"reason\":", sc->exit_status,
                             sc->pass ? "true" : "false");
      if (sc->reason)
        vs_json_str(o, sc->reason);
      else
        g_string_append(o, "null");
      g_string_append(o, ",\"diagnostics\":");
      vs_json_str(o, sc->diag ? sc->diag : "");
      g_string_append_c(o, '}');
    }
    g_string_append(o, "]}");
  }
  g_string_append_printf(o, "\n],\"total\":%zu,\"passed\":%zu,\"failed\":%zu,\"skipped\":%zu",
                         r->n, pass, fail, skip);
  if (r->shard)
    g_string_append(o, ",\"shard\":"), vs_json_str(o, r->shard);
  if (r->device)
    g_string_append(o, ",\"device\":"), vs_json_str(o, r->device);
  g_string_append(o, "}\n");
  return g_string_free(o, FALSE);
}

char *conf_scenario_text(const char *path, size_t *len, GError **error)
{
  g_autofree char *text = NULL;
  gsize n = 0;
  if (!g_file_get_contents(path, &text, &n, error))
    return NULL;
  /* a scenario built on a base: the merged scenario (the rewritten copy runs elsewhere) */
  g_autoptr(YtDoc) doc = yt_load_file_extends(path, yt_error_sink(error));
  if (!doc)
    return NULL;
  if (doc->bases) {
    g_free(text);
    text = yt_emit(doc->root, false);
    n = strlen(text);
  }
  *len = n;
  return g_steal_pointer(&text);
}
