/* SPDX-License-Identifier: MIT */
/* The outputs of a run beside its reports: one pcap per link (named after the link,
 * simulated time stamps), the Wireshark esp_sa key table, a README telling how to open
 * the captures decrypted, the event log, and the final counters expectations read. */
#include "sim/run/runner_private.h"

#include "models/gateway/gw_endpoint.h"
#include "models/gateway/gw_nat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static char *pcap_name(const char *link)
{
  /* a link name is a plan name or "A--B": keep it readable, never a path */
  char *s = g_strdup_printf("%s.pcap", link);
  for (char *p = s; *p; p++)
    if (*p == '/' || *p == '\\')
      *p = '_';
  return s;
}

bool run_outputs_open(Run *r, const char *dir, char **err)
{
  for (guint i = 0; i < r->world.links->len; i++) {
    RunLink *l = g_ptr_array_index(r->world.links, i);
    g_autofree char *base = pcap_name(l->name);
    g_autofree char *path = g_build_filename(dir, base, NULL);
    g_autoptr(GError) e = NULL;
    l->pcap = net_pcap_open(path, net_dev_linktype(net_link_dev(l->link, 0)), 0, &e);
    if (!l->pcap) {
      *err = g_strdup(e->message);
      return false;
    }
    net_pcap_attach_link(l->pcap, l->link);
  }
  return true;
}

static bool write_text(const char *dir, const char *name, const char *text, char **err)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autoptr(GError) e = NULL;
  if (!g_file_set_contents(path, text, -1, &e)) {
    *err = g_strdup(e->message);
    return false;
  }
  return true;
}

/* Written to the folder as "README": how to open the captures decrypted. */
static const char readme[] =
    "Captures of this run (one pcap per link, simulated time stamps) and the key tables\n"
    "that decrypt them. Open a capture decrypted in tshark with this folder as the\n"
    "Wireshark configuration (it reads the esp_sa and ikev2_decryption_table files here):\n"
    "  mkdir -p cfg/wireshark && cp esp_sa ikev2_decryption_table cfg/wireshark/ &&\n"
    "  XDG_CONFIG_HOME=cfg tshark -o esp.enable_encryption_decode:TRUE -r LINK.pcap\n"
    "or copy the two files into your Wireshark personal configuration folder\n"
    "(~/.config/wireshark/) and enable Protocols > ESP > \"Attempt to detect/decode\n"
    "encrypted ESP payloads\". The tables hold the run's keys: keep them with the run.\n";

/* The same when the run had IKEv1 SAs: the third table. */
static const char readme_v1[] =
    "Captures of this run (one pcap per link, simulated time stamps) and the key tables\n"
    "that decrypt them. Open a capture decrypted in tshark with this folder as the\n"
    "Wireshark configuration (it reads the esp_sa, ikev2_decryption_table and\n"
    "ikev1_decryption_table files here):\n"
    "  mkdir -p cfg/wireshark &&\n"
    "  cp esp_sa ikev2_decryption_table ikev1_decryption_table cfg/wireshark/ &&\n"
    "  XDG_CONFIG_HOME=cfg tshark -o esp.enable_encryption_decode:TRUE -r LINK.pcap\n"
    "or copy the three files into your Wireshark personal configuration folder\n"
    "(~/.config/wireshark/) and enable Protocols > ESP > \"Attempt to detect/decode\n"
    "encrypted ESP payloads\". The tables hold the run's keys: keep them with the run.\n";

bool run_outputs_write(Run *r, const char *dir, char **err)
{
  bool ok = true;
  for (guint i = 0; i < r->world.links->len; i++) {
    RunLink *l = g_ptr_array_index(r->world.links, i);
    g_autoptr(GError) e = NULL;
    if (l->pcap && !net_pcap_close(l->pcap, &e) && ok) {
      *err = g_strdup(e->message);
      ok = false;
    }
    l->pcap = NULL;
  }
  if (!ok)
    return false;
  GString *esp = g_string_new(NULL);
  for (guint i = 0; i < r->out.esp_rows->len; i++)
    g_string_append_printf(esp, "%s\n", (char *)g_ptr_array_index(r->out.esp_rows, i));
  ok = write_text(dir, "esp_sa", esp->str, err);
  /* the key material of the rows: wiped, as the user's copy is the file */
  explicit_bzero(esp->str, esp->len);
  g_string_free(esp, TRUE);
  if (!ok)
    return false;
  GString *ike = g_string_new(NULL);
  for (guint i = 0; i < r->out.ike_rows->len; i++)
    g_string_append_printf(ike, "%s\n", (char *)g_ptr_array_index(r->out.ike_rows, i));
  ok = write_text(dir, "ikev2_decryption_table", ike->str, err);
  explicit_bzero(ike->str, ike->len);
  g_string_free(ike, TRUE);
  if (!ok)
    return false;
  if (r->out.ikev1_rows->len) {
    /* Wireshark's ISAKMP table (initiator cookie, encryption key): only in runs that
     * had IKEv1 SAs, so an IKEv2 run's folder stays as it was */
    GString *v1 = g_string_new(NULL);
    for (guint i = 0; i < r->out.ikev1_rows->len; i++)
      g_string_append_printf(v1, "%s\n", (char *)g_ptr_array_index(r->out.ikev1_rows, i));
    ok = write_text(dir, "ikev1_decryption_table", v1->str, err);
    explicit_bzero(v1->str, v1->len);
    g_string_free(v1, TRUE);
    if (!ok)
      return false;
  }
  if (!write_text(dir, "README", r->out.ikev1_rows->len ? readme_v1 : readme, err))
    return false;
  if (!run_p2s_write(r, dir, err)) /* point-to-site certificates and keys (PEM) */
    return false;
  if (!run_p2s_tls_write(r, dir, err)) /* the P2S TLS sessions' key log (tls-keys.log) */
    return false;
  g_autoptr(GError) e = NULL;
  /* live mode streamed the log to the folder as it went: only closed here */
  if (scn_eventlog_streaming(r->out.log) ? !scn_eventlog_stream_close(r->out.log, &e)
                                     : !scn_eventlog_write(r->out.log, dir, &e)) {
    *err = g_strdup(e->message);
    return false;
  }
  return true;
}

char **run_outputs_files(const Run *r, bool simulated)
{
  GPtrArray *a = g_ptr_array_new();
  for (guint i = 0; simulated && i < r->world.links->len; i++)
    g_ptr_array_add(a, pcap_name(((RunLink *)g_ptr_array_index(r->world.links, i))->name));
  static const char *const tail[] = {"esp_sa", "ikev2_decryption_table", "README"};
  for (size_t i = 0; simulated && i < G_N_ELEMENTS(tail); i++)
    g_ptr_array_add(a, g_strdup(tail[i]));
  if (simulated && r->out.ikev1_rows && r->out.ikev1_rows->len)
    g_ptr_array_add(a, g_strdup("ikev1_decryption_table"));
  if (simulated && run_p2s_tls_has_keys(r))
    g_ptr_array_add(a, g_strdup("tls-keys.log"));
  static const char *const always[] = {"events.jsonl", "timeline.txt", "report.txt",
                                       "report.tap",   "report.xml",   "report.json"};
  for (size_t i = 0; i < G_N_ELEMENTS(always); i++)
    g_ptr_array_add(a, g_strdup(always[i]));
  g_ptr_array_add(a, NULL);
  return (char **)g_ptr_array_free(a, FALSE);
}

static void counter(Run *r, const char *node, const char *name, double v)
{
  char *n = g_strdup(node), *k = g_strdup(name);
  g_ptr_array_add(r->out.strings, n);
  g_ptr_array_add(r->out.strings, k);
  ScnCounter c = {.node = n, .name = k, .value = v};
  g_array_append_val(r->out.counters, c);
}

typedef struct {
  Run *r;
  const char *node;
} NatCounterCtx;

static void nat_counter(void *user, const char *name, double v)
{
  NatCounterCtx *c = user;
  counter(c->r, c->node, name, v);
}

/* The final counters (docs/scenario-format.md, "counter"): per gateway instance and
 * device, the data plane's node-wide metrics; per node, the drops its stack made; per
 * link, the frames it lost. */
void run_counters_collect(Run *r)
{
  for (guint i = 0; i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    if (!ep->dp)
      continue; /* a standby instance that never took over */
    const EpNodeMetrics *m = ep_dp_metrics(ep->dp);
    const EpTunnelMetrics *t = &m->total;
    for (int d = 0; d < EP_DROP__COUNT; d++) {
      g_autofree char *k = g_strdup_printf("drops.%s", name_get(&ep_drop_reason_names, d));
      counter(r, ep->name, k, (double)t->drops[d]);
    }
    counter(r, ep->name, "drops.total", (double)t->drop_count);
    counter(r, ep->name, "ts_mismatch_drops", (double)t->ts_mismatch_drops);
    counter(r, ep->name, "ingress.packets", (double)t->ingress_packets);
    counter(r, ep->name, "ingress.bytes", (double)t->ingress_bytes);
    counter(r, ep->name, "egress.packets", (double)t->egress_packets);
    counter(r, ep->name, "egress.bytes", (double)t->egress_bytes);
    counter(r, ep->name, "icmp_frag_needed", (double)t->icmp_frag_needed);
    counter(r, ep->name, "natt_keepalives", (double)m->natt_keepalives);
    uint64_t ike_total = 0;
    for (int d = 0; d < IKE_DROP__COUNT; d++) {
      g_autofree char *k = g_strdup_printf("ike.drops.%s", name_get(&ike_drop_reason_names, d));
      counter(r, ep->name, k, (double)m->ike_drops[d]);
      ike_total += m->ike_drops[d];
    }
    counter(r, ep->name, "ike.drops.total", (double)ike_total);
    /* a gateway instance's NAT rules (none: no nat.* counters) */
    GwGateway *gw = gw_endpoint_gateway(ep->model);
    if (gw && gw_gateway_nat(gw)) {
      NatCounterCtx cc = {r, ep->name};
      gw_nat_counters(gw_gateway_nat(gw), nat_counter, &cc);
    }
  }
  for (size_t i = 0; i < net_world_n_nodes(r->world.w); i++) {
    NetNode *n = net_world_node(r->world.w, i);
    uint64_t total = 0;
    for (int k = 0; k < NET_DROP__COUNT; k++) {
      g_autofree char *name = g_strdup_printf("net.drops.%s", name_get(&net_drop_reason_names, k));
      total += net_node_drops(n, (NetDropReason)k);
      counter(r, net_node_name(n), name, (double)net_node_drops(n, (NetDropReason)k));
    }
    counter(r, net_node_name(n), "net.drops.total", (double)total);
    uint64_t ftx = net_node_fragments(n, true), frx = net_node_fragments(n, false);
    counter(r, net_node_name(n), "net.fragments.sent", (double)ftx);
    counter(r, net_node_name(n), "net.fragments.received", (double)frx);
    counter(r, net_node_name(n), "net.fragments", (double)(ftx + frx));
  }
  for (guint i = 0; i < r->world.links->len; i++) {
    RunLink *l = g_ptr_array_index(r->world.links, i);
    counter(r, l->name, "link.lost", (double)net_link_lost(l->link));
  }
  run_nat_counters(r, counter);
}
