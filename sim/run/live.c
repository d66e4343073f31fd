/* SPDX-License-Identifier: MIT */
/* Live mode inside the runner: the realtime world seeded from the operating system, DRBG
 * streams from real entropy, each replaced device's gateway answering on a TAP interface
 * with its public address (ARP and all, through ns-3's FdNetDevice), a pcap per TAP, and
 * the run sliced so that a signal or the duration ends it cleanly. */
#include "sim/run/live.h"

#include "models/common/units.h"
#include "sim/run/runner_private.h"
#include "sim/scenario/scenario.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>

/* How often the run looks at the stop flag: a signal ends it within this much. */
#define LIVE_SLICE_NS 50000000LL /* 50 ms */

typedef struct {
  char *name;  /* "live-<ifname>" */
  NetDev *dev;
  NetPcap *pcap;
} LiveTap;

struct RunLive {
  GPtrArray *taps; /* LiveTap* */
  ScnLiveConsole *console; /* the terminal lines (docs/live-mode.md, "Watching a run") */
};

bool scn_live_parse_attach(char *arg, ScnLiveAttach *a)
{
  char *eq = arg ? strchr(arg, '=') : NULL;
  if (!eq || eq == arg || !eq[1] || strlen(eq + 1) >= IFNAMSIZ || strchr(eq + 1, '/') ||
      strchr(eq + 1, '='))
    return false;
  /* the caller's string is split in place into NODE and IFNAME */
  *eq = '\0';
  a->device = arg;
  a->ifname = eq + 1;
  return true;
}

static const ScnDevice *plan_device(const ScnPlan *plan, const char *name)
{
  for (unsigned i = 0; i < plan->n_devices; i++)
    if (!strcmp(plan->devices[i].cfg.name, name))
      return &plan->devices[i];
  return NULL;
}

/* A single point-to-site client (p2sClients entry with count 1) a real client replaces. */
static const ScnP2sClient *plan_p2s_client(const ScnPlan *plan, const char *name)
{
  for (unsigned i = 0; i < plan->n_p2s_clients; i++)
    if (plan->p2s_clients[i].count == 1 && plan->p2s_clients[i].name &&
        !strcmp(plan->p2s_clients[i].name, name))
      return &plan->p2s_clients[i];
  return NULL;
}

static const ScnLiveAttach *attached(const ScnLive *live, const char *device)
{
  for (size_t i = 0; device && i < live->n_attach; i++)
    if (!strcmp(live->attach[i].device, device))
      return &live->attach[i];
  return NULL;
}

/* Traffic that would start from a host behind a replaced device: that host is real, the
 * simulation has no way to send from it, and the flow would log ping.sent (or a UDP or
 * TCP flow's bytes) for packets that never exist. Refused, with its location. */
static bool check_timeline(const ScnLive *live, const ScnPlan *plan, char **err)
{
  for (unsigned i = 0; i < plan->n_timeline; i++) {
    const ScnAction *a = &plan->timeline[i];
    if (a->kind != SCN_ACT_PING && a->kind != SCN_ACT_UDP && a->kind != SCN_ACT_TCP)
      continue;
    for (unsigned k = 0; k < plan->n_hosts; k++) {
      const ScnHost *h = &plan->hosts[k];
      const ScnLiveAttach *at;
      if (h->kind != SCN_HOST_BEHIND_DEVICE || !a->from || strcmp(h->name, a->from) ||
          !(at = attached(live, h->device)))
        continue;
      *err = g_strdup_printf("%s:%u:%u: %s from '%s': the host is behind '%s', which live mode "
                             "replaces by the real device on %s, so nothing would be sent; start "
                             "this traffic on the real side (traffic to '%s' from a simulated "
                             "host works)",
                             a->loc.file, a->loc.line, a->loc.col,
                             scn_action_name(a->kind), h->name, h->device, at->ifname,
                             h->name);
      return false;
    }
  }
  return true;
}

/* The gateway whose public IPs hold a, or NULL. */
static const GwVirtualNetworkGateway *gateway_of_ip(const GwConfig *cloud, Ipv4Addr a)
{
  for (unsigned g = 0; cloud && g < cloud->n_virtualNetworkGateways; g++) {
    const GwVirtualNetworkGateway *gw = &cloud->virtualNetworkGateways[g];
    for (unsigned k = 0; k < gw->n_publicIpAddresses; k++)
      if (gw->publicIpAddresses[k].v.v == a.v)
        return gw;
  }
  return NULL;
}

/* A replaced device with a second tunnel: both tunnels end on one gateway (its two
 * instances, which sit on one node and both answer on the interface); a tunnel to a
 * second gateway would need a second interface on another node. */
static bool check_peers(const ScnLiveAttach *a, const ScnDevice *d, const GwConfig *cloud,
                        char **err)
{
  if (!d || !d->cfg.has_peer2)
    return true;
  const GwVirtualNetworkGateway *g1 = gateway_of_ip(cloud, d->cfg.peer);
  const GwVirtualNetworkGateway *g2 = gateway_of_ip(cloud, d->cfg.peer2);
  if (g1 && g1 == g2)
    return true;
  char p1[IPV4_ADDR_STRLEN], p2[IPV4_ADDR_STRLEN];
  ipv4_addr_format(d->cfg.peer, p1);
  ipv4_addr_format(d->cfg.peer2, p2);
  *err = g_strdup_printf("%s:%u:%u: --attach %s=%s: the device's tunnels end at %s and %s, %s; "
                         "live mode attaches a device to one gateway (both instances of an "
                         "active-active gateway answer on the interface)",
                         d->loc.file, d->loc.line, d->loc.col, a->device, a->ifname, p1, p2,
                         g1 && g2 ? "two gateways" : "not both a simulated gateway's public IPs");
  return false;
}

bool scn_live_check(const ScnLive *live, const ScnPlan *plan, char **err)
{
  for (size_t i = 0; i < live->n_attach; i++) {
    const ScnLiveAttach *a = &live->attach[i];
    if (!check_peers(a, plan_device(plan, a->device), plan->cloud, err))
      return false;
    if (!plan_device(plan, a->device) && !plan_p2s_client(plan, a->device)) {
      GString *names = g_string_new(NULL);
      for (unsigned k = 0; k < plan->n_devices; k++)
        g_string_append_printf(names, "%s%s", k ? ", " : "", plan->devices[k].cfg.name);
      *err = g_strdup_printf("--attach %s=%s: the scenario has no device '%s' (its devices: %s)",
                             a->device, a->ifname, a->device, names->len ? names->str : "none");
      g_string_free(names, TRUE);
      return false;
    }
    for (size_t k = 0; k < i; k++) {
      if (!strcmp(live->attach[k].device, a->device) || !strcmp(live->attach[k].ifname, a->ifname)) {
        *err = g_strdup_printf("--attach %s=%s: device or interface attached twice", a->device,
                               a->ifname);
        return false;
      }
    }
  }
  return check_timeline(live, plan, err);
}

/* ---- runner hooks (runner_private.h) ---- */

bool run_live_replaces(const Run *r, const char *device)
{
  if (!r->live || !device)
    return false;
  for (size_t i = 0; i < r->live->n_attach; i++)
    if (!strcmp(r->live->attach[i].device, device))
      return true;
  return false;
}

Drbg *run_drbg_new(Run *r, const char *label)
{
  /* design.md, "Determinism": live mode uses real entropy */
  return r->live ? drbg_new_entropy(label) : drbg_new_stream(r->seed, label);
}

NetWorld *run_live_world_new(Run *r)
{
  /* ns-3's own generator (link losses) gets an unpredictable seed too; the report
   * records it */
  Drbg *d = drbg_new_entropy("vpnsim-live/ns3-seed");
  uint64_t seed = drbg_u64(d);
  drbg_free(d);
  r->seed = seed;
  r->live_state = g_new0(RunLive, 1);
  r->live_state->taps = g_ptr_array_new();
  r->live_state->console = scn_live_console_new();
  NetWorldOptions o = {.seed = seed, .realtime = true};
  return net_world_new_ex(&o);
}

static RunEp *gateway_ep_by_ip(Run *r, Ipv4Addr a)
{
  for (guint i = 0; i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    if (gw_endpoint_gateway(ep->model) && ep->public_ip.v == a.v)
      return ep;
  }
  return NULL;
}

bool run_live_attach(Run *r, const char *out_dir, char **err)
{
  for (size_t i = 0; i < r->live->n_attach; i++) {
    const ScnLiveAttach *a = &r->live->attach[i];
    const ScnDevice *d = plan_device(r->plan, a->device);
    const ScnP2sClient *pc = d ? NULL : plan_p2s_client(r->plan, a->device);
    Ipv4Addr peer = d ? d->cfg.peer : (Ipv4Addr){0}, self = d ? d->cfg.public_ip : pc->public_ip;
    if (pc) {
      /* a point-to-site client: its gateway's public IP; its certificate, key and the
       * server CA are written now, so the real client can load them before it connects */
      const GwVirtualNetworkGateway *g = gw_config_find_gateway(r->plan->cloud, pc->gateway);
      peer = g && g->n_publicIpAddresses ? g->publicIpAddresses[0].v : (Ipv4Addr){0};
      if (!run_p2s_write(r, out_dir, err))
        return false;
    }
    char ab[IPV4_ADDR_STRLEN], pb[IPV4_ADDR_STRLEN];
    ipv4_addr_format(peer, pb);
    ipv4_addr_format(self, ab);
    RunEp *gw = gateway_ep_by_ip(r, peer);
    if (!gw) {
      *err = g_strdup_printf("device '%s': its peer %s is no simulated gateway's public address",
                             a->device, pb);
      return false;
    }
    /* A device with a second tunnel (facts 8): the other instance of the gateway, on the
     * same node (scn_live_check refused anything else), answers on the interface too. */
    RunEp *gw2 = d && d->cfg.has_peer2 ? gateway_ep_by_ip(r, d->cfg.peer2) : NULL;
    if (gw2 && gw2->node != gw->node)
      gw2 = NULL;
    NetStatus st = NET_OK;
    NetDev *dev = net_live_tap_new(gw->node, a->ifname, &st);
    if (!dev) {
      *err = g_strdup_printf("cannot open the TAP interface '%s': %s%s", a->ifname,
                             net_world_last_error(r->world.w),
                             st == NET_ERR_SYSTEM ? " (live mode needs root or CAP_NET_ADMIN, and "
                                                    "an interface name that is free or a TAP)"
                                                  : "");
      return false;
    }
    /* The gateway keeps its public address on the attached interface (it answers ARP
     * for it) and reaches the device's public address on-link there; the longer prefix
     * wins over its default route into the simulated internet. */
    if (net_dev_add_address(dev, gw->public_ip, 32) != NET_OK ||
        (gw2 && net_dev_add_address(dev, gw2->public_ip, 32) != NET_OK) ||
        net_route_add(gw->node, ipv4_prefix_make(self, 32), (Ipv4Addr){0}, dev, 0) !=
            NET_OK) {
      *err = g_strdup_printf("%s: cannot address the interface: %s", a->ifname,
                             net_world_last_error(r->world.w));
      return false;
    }
    LiveTap *t = g_new0(LiveTap, 1);
    t->name = g_strdup_printf("live-%s", a->ifname);
    t->dev = dev;
    g_ptr_array_add(r->live_state->taps, t);
    g_autofree char *base = g_strdup_printf("%s.pcap", t->name);
    g_autofree char *path = g_build_filename(out_dir, base, NULL);
    g_autoptr(GError) e = NULL;
    t->pcap = net_pcap_open(path, NET_LINKTYPE_ETHERNET, 0, &e);
    if (!t->pcap) {
      *err = g_strdup(e->message);
      return false;
    }
    net_dev_tap_add(dev, NET_TAP_TX | NET_TAP_RX, net_pcap_tap, t->pcap);
    net_pcap_set_flush(t->pcap, TRUE); /* readable with tshark -r while running */
    VsEvent ev = vs_event(0, gw->name, "live.attached");
    vs_event_str(&ev, "device", a->device);
    vs_event_str(&ev, "interface", a->ifname);
    vs_event_str(&ev, "address", ab);
    char gb[IPV4_ADDR_STRLEN], gb2[IPV4_ADDR_STRLEN];
    ipv4_addr_format(gw->public_ip, gb);
    if (gw2) {
      ipv4_addr_format(gw2->public_ip, gb2);
      vs_event_str(&ev, "address2", gb2);
    }
    run_emit(r, &ev);
    if (r->live->verbose && !gw2)
      fprintf(stderr, "vpnsim live: %s answers on %s as %s; the real '%s' is expected there as %s\n",
              gw->name, a->ifname, gb, a->device, ab);
    else if (r->live->verbose)
      fprintf(stderr, "vpnsim live: %s answers on %s as %s and %s as %s; the real '%s' is "
                      "expected there as %s\n",
              gw->name, a->ifname, gb, gw2->name, gb2, a->device, ab);
  }
  return true;
}

bool run_live_outputs(Run *r, const char *out_dir, char **err)
{
  /* a vendor watches a negotiation as it happens: every capture on disk per packet, the
   * event log and timeline line by line */
  for (guint i = 0; i < r->world.links->len; i++)
    net_pcap_set_flush(((RunLink *)g_ptr_array_index(r->world.links, i))->pcap, TRUE);
  g_autoptr(GError) e = NULL;
  if (!scn_eventlog_stream_open(r->out.log, out_dir, &e)) {
    *err = g_strdup(e->message);
    return false;
  }
  return true;
}

void run_live_event(Run *r, const VsEvent *ev)
{
  if (!r->live_state || !r->live->verbose)
    return;
  g_autofree char *line = scn_live_console_line(r->live_state->console, ev);
  if (line)
    fprintf(stderr, "vpnsim live: %s\n", line);
}

static bool close_pcaps(Run *r, char **err)
{
  bool ok = true;
  for (guint i = 0; r->live_state && i < r->live_state->taps->len; i++) {
    LiveTap *t = g_ptr_array_index(r->live_state->taps, i);
    g_autoptr(GError) e = NULL;
    if (!net_pcap_close(t->pcap, &e) && ok && err) {
      *err = g_strdup(e->message);
      ok = false;
    }
    t->pcap = NULL;
  }
  return ok;
}

/* Every slice, an event looks at the stop flag (a signal handler sets it) and stops the
 * world. One net_world_run_until over the whole duration rather than a loop of short
 * ones: ns-3's realtime scheduler (3.37) paces each Run() against its absolute simulated
 * time from a new wall-clock origin, so a second run_until waits far too long. */
typedef struct {
  Run *r;
  bool stopped;
} LiveWatch;

static void watch(NetWorld *w, void *user)
{
  LiveWatch *lw = user;
  if (lw->r->live->stop && *lw->r->live->stop) {
    lw->stopped = true;
    net_world_stop(w);
    return;
  }
  net_schedule(w, LIVE_SLICE_NS, watch, lw);
}

NetStatus run_live_run(Run *r, char **err)
{
  char b[40];
  if (r->live->verbose)
    fprintf(stderr, "vpnsim live: %s: running in real time for %ss (Ctrl-C ends it)\n",
            r->plan->name, scn_time_format(r->end_ns, b, sizeof b));
  LiveWatch lw = {.r = r};
  net_schedule(r->world.w, 0, watch, &lw);
  NetStatus st = net_world_run_until(r->world.w, r->end_ns);
  /* expectations are evaluated against the real time the run lasted */
  if (lw.stopped)
    r->end_ns = net_world_now(r->world.w);
  VsEvent ev = vs_event(net_world_now(r->world.w), "vpnsim", "live.stopped");
  vs_event_str(&ev, "reason", lw.stopped ? "signal" : "duration");
  run_emit(r, &ev);
  if (r->live->verbose)
    fprintf(stderr, "vpnsim live: %s: stopped at %ss (%s)\n", r->plan->name,
            scn_time_format(net_world_now(r->world.w), b, sizeof b), lw.stopped ? "signal" : "duration");
  if (!close_pcaps(r, err) && st == NET_OK)
    st = NET_ERR_SYSTEM;
  return st;
}

static void live_tap_free(gpointer p)
{
  LiveTap *t = p;
  net_pcap_close(t->pcap, NULL);
  g_free(t->name);
  g_free(t);
}

void run_live_free(Run *r)
{
  if (!r->live_state)
    return;
  g_ptr_array_set_free_func(r->live_state->taps, live_tap_free);
  g_ptr_array_free(r->live_state->taps, TRUE);
  scn_live_console_free(r->live_state->console);
  g_free(r->live_state);
  r->live_state = NULL;
}
