/* SPDX-License-Identifier: MIT */
/* The runner's course: build the world, bind the models, schedule the timeline, run to
 * the end, report the flows and metrics, evaluate the expectations and write every
 * output; the same plan and seed give the same bytes. */
#include "sim/run/runner.h"

#include "models/common/units.h"
#include "sim/cli/report.h"
#include "sim/cli/report_html.h"
#include "sim/run/runner_private.h"

#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK(scn-run-error-quark, scn_run_error)

static void timer_free(gpointer p)
{
  g_free(p);
}

/* Key-table rows hold key material: wiped when the run ends (the user's copy is the file). */
static void row_free(gpointer p)
{
  explicit_bzero(p, strlen(p));
  g_free(p);
}

static void run_free(Run *r)
{
  if (!r)
    return;
  if (r->tl.flows)
    g_ptr_array_free(r->tl.flows, TRUE);
  run_p2s_tls_stop(r); /* before the endpoints its models borrow from */
  run_p2s_ip_free(r);
  if (r->eps)
    g_ptr_array_free(r->eps, TRUE);
  if (r->world.nats)
    g_ptr_array_free(r->world.nats, TRUE);
  for (guint i = 0; r->world.links && i < r->world.links->len; i++) {
    RunLink *l = g_ptr_array_index(r->world.links, i);
    net_pcap_close(l->pcap, NULL);
    g_free(l->name);
    g_free(l);
  }
  if (r->world.links)
    g_ptr_array_free(r->world.links, TRUE);
  net_world_free(r->world.w);
  if (r->tl.timers)
    g_hash_table_destroy(r->tl.timers);
  if (r->world.nodes)
    g_hash_table_destroy(r->world.nodes);
  if (r->world.host_addr)
    g_hash_table_destroy(r->world.host_addr);
  run_live_free(r);
  run_stats_free(r);
  run_p2s_tls_free(r);
  run_p2s_free(r);
  scn_eventlog_free(r->out.log);
  if (r->out.row_sets)
    g_hash_table_destroy(r->out.row_sets);
  if (r->out.esp_rows)
    g_ptr_array_free(r->out.esp_rows, TRUE);
  if (r->out.ike_rows)
    g_ptr_array_free(r->out.ike_rows, TRUE);
  if (r->out.ikev1_rows)
    g_ptr_array_free(r->out.ikev1_rows, TRUE);
  if (r->out.counters)
    g_array_free(r->out.counters, TRUE);
  if (r->out.strings)
    g_ptr_array_free(r->out.strings, TRUE);
  g_free(r);
}

static void progress(const Run *r, bool last)
{
  char a[40], b[40];
  fprintf(stderr, "\rvpnsim: %s: %ss / %ss%s", r->plan->name,
          scn_time_format(net_world_now(r->world.w), a, sizeof a), scn_time_format(r->end_ns, b, sizeof b),
          last ? "\n" : "");
  fflush(stderr);
}

static bool simulate(Run *r, const ScnRunOptions *opt, char **err)
{
  r->world.w = r->live ? run_live_world_new(r) : net_world_new(r->seed);
  if (!r->world.w) {
    *err = g_strdup("cannot create the simulation world");
    return false;
  }
  for (unsigned i = 0; i < r->plan->n_hosts; i++)
    g_hash_table_insert(r->world.host_addr, (gpointer)r->plan->hosts[i].name, &r->plan->hosts[i]);
  if (!run_world_build(r, err) || !run_timeline_schedule(r, err))
    return false;
  run_stats_start(r);
  if (!opt->no_pcaps && !run_outputs_open(r, opt->out_dir, err))
    return false;
  if (r->live && (!run_live_attach(r, opt->out_dir, err) || !run_live_outputs(r, opt->out_dir, err)))
    return false;
  NetStatus st = NET_OK;
  if (r->live) {
    if ((st = run_live_run(r, err)) != NET_OK && *err)
      return false;
  } else if (opt->step_ns > 0 && opt->on_step) {
    for (int64_t t = 0; t < r->end_ns && st == NET_OK;) {
      t = r->end_ns - t > opt->step_ns ? t + opt->step_ns : r->end_ns;
      st = net_world_run_until(r->world.w, t);
      if (opt->progress)
        progress(r, t == r->end_ns);
      opt->on_step(opt->step_user, net_world_now(r->world.w), scn_eventlog_len(r->out.log),
                   scn_eventlog_bytes(r->out.log));
    }
  } else if (opt->progress) {
    /* a hundred slices: running until a time does not change what happens */
    for (int k = 1; k <= 100 && st == NET_OK; k++) {
      st = net_world_run_until(r->world.w, r->end_ns / 100 * k + (k == 100 ? r->end_ns % 100 : 0));
      progress(r, k == 100);
    }
  } else {
    st = net_world_run_until(r->world.w, r->end_ns);
  }
  if (st != NET_OK) {
    *err = g_strdup_printf("the simulation stopped: %s %s", net_status_name(st),
                           net_world_last_error(r->world.w));
    return false;
  }
  run_flows_finish(r);
  run_stats_finish(r);
  for (guint i = 0; i < r->eps->len; i++)
    if (((RunEp *)g_ptr_array_index(r->eps, i))->dp)
      ep_dp_emit_metrics(((RunEp *)g_ptr_array_index(r->eps, i))->dp);
  run_counters_collect(r);
  return run_outputs_write(r, opt->out_dir, err);
}

ScnResults *scn_run(const ScnPlan *plan, const GwDiags *validation, const ScnRunOptions *opt,
                    GError **error)
{
  g_return_val_if_fail(plan && opt && opt->out_dir, NULL);
  if (g_mkdir_with_parents(opt->out_dir, 0755) != 0) {
    g_set_error(error, SCN_RUN_ERROR, SCN_RUN_ERROR_INTERNAL, "%s: cannot create the folder: %s",
                opt->out_dir, g_strerror(errno));
    return NULL;
  }
  Run *r = g_new0(Run, 1);
  r->plan = plan;
  r->live = opt->live;
  r->seed = opt->has_seed ? opt->seed : plan->seed;
  r->end_ns = opt->has_until ? opt->until_ns : plan->duration_ns;
  r->world.nodes = g_hash_table_new(g_str_hash, g_str_equal);
  r->world.host_addr = g_hash_table_new(g_str_hash, g_str_equal);
  r->eps = g_ptr_array_new_with_free_func((GDestroyNotify)run_ep_free);
  r->world.links = g_ptr_array_new();
  r->world.nats = run_nats_new();
  r->tl.flows = g_ptr_array_new_with_free_func((GDestroyNotify)run_flow_free);
  r->tl.timers = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, timer_free);
  r->out.log = scn_eventlog_new();
  r->out.esp_rows = g_ptr_array_new_with_free_func(row_free);
  r->out.ike_rows = g_ptr_array_new_with_free_func(row_free);
  r->out.ikev1_rows = g_ptr_array_new_with_free_func(row_free);
  r->out.strings = g_ptr_array_new_with_free_func(g_free);
  r->out.counters = g_array_new(FALSE, TRUE, sizeof(ScnCounter));

  char *err = NULL;
  /* The cloud would refuse the configuration: nothing runs, the validation verdict is
   * what the expectations read. */
  bool refused = validation && gw_diags_count(validation, GW_SEV_ERROR) > 0;
  if (!refused && !simulate(r, opt, &err)) {
    g_set_error(error, SCN_RUN_ERROR, SCN_RUN_ERROR_INTERNAL, "%s", err);
    g_free(err);
    run_free(r);
    return NULL;
  }
  if (refused) {
    g_autoptr(GError) e = NULL;
    if (!scn_eventlog_write(r->out.log, opt->out_dir, &e)) {
      g_propagate_error(error, g_steal_pointer(&e));
      run_free(r);
      return NULL;
    }
  }
  ScnExpectInput in = {.events = r->out.log,
                       .counters = (const ScnCounter *)(void *)r->out.counters->data,
                       .n_counters = r->out.counters->len,
                       .validation = validation,
                       .end_ns = refused ? 0 : r->end_ns};
  ScnResults *res = scn_expect_evaluate(plan, &in);
  res->seed = r->seed;
  g_autoptr(GError) e = NULL;
  g_auto(GStrv) files = run_outputs_files(r, !refused);
  ScnHtmlInput html = {.plan = plan, .log = r->out.log, .results = res, .end_ns = in.end_ns,
                       .files = (const char *const *)files};
  if (!scn_report_write_all(res, opt->out_dir, &e) ||
      !scn_report_html_write(&html, opt->out_dir, &e)) {
    g_propagate_error(error, g_steal_pointer(&e));
    scn_results_free(res);
    res = NULL;
  }
  run_free(r);
  return res;
}
