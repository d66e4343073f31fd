/* SPDX-License-Identifier: MIT */
/* The plan as text, for vpnsim run --dry-run: what the runner would build and schedule,
 * with every device's merged settings. Shared keys are never shown. */
#include "models/common/units.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scn_proposal.h"

#include <inttypes.h>

static const char *ip(Ipv4Addr a, char buf[IPV4_ADDR_STRLEN])
{
  return ipv4_addr_format(a, buf);
}

static void prefixes(GString *s, const Ipv4Prefix *p, unsigned n)
{
  if (!n)
    g_string_append(s, "-");
  for (unsigned i = 0; i < n; i++) {
    char b[IPV4_PREFIX_STRLEN];
    g_string_append_printf(s, "%s%s", i ? ", " : "", ipv4_prefix_format(p[i], b));
  }
}

static const char *dur(int64_t ns, char *buf, size_t size)
{
  return units_format_duration(ns, buf, (unsigned)size);
}

static void identity(GString *s, const char *what, const DevIdentity *id)
{
  if (id->type == DEV_ID_DEFAULT)
    g_string_append_printf(s, "    %-16s (own address)\n", what);
  else
    g_string_append_printf(s, "    %-16s %s %s\n", what, name_get(&dev_id_type_names, id->type),
                           id->value);
}

static void device(GString *s, const ScnDevice *d)
{
  const DevConfig *c = &d->cfg;
  char a[IPV4_ADDR_STRLEN], b[IPV4_ADDR_STRLEN];
  g_string_append_printf(s, "  %s (profile %s)\n", c->name ? c->name : "?",
                         c->profile ? c->profile : "none");
  g_string_append_printf(s, "    %-16s %s, peer %s, IKEv%u\n", "address",
                         c->has_public_ip ? ip(c->public_ip, a) : "-",
                         c->has_peer ? ip(c->peer, b) : "-", c->ike_version);
  g_string_append_printf(s, "    %-16s ", "LAN");
  prefixes(s, c->lan, c->n_lan);
  g_string_append_c(s, '\n');
  if (c->n_tunnel_routes) { /* only when given: dry runs of other scenarios stay as they were */
    g_string_append_printf(s, "    %-16s ", "tunnel routes");
    prefixes(s, c->tunnel_routes, c->n_tunnel_routes);
    g_string_append_c(s, '\n');
  }
  for (unsigned i = 0; i < c->n_ike_proposals; i++) {
    g_autofree char *p = scn_proposal_format(&c->ike_proposals[i], true);
    g_string_append_printf(s, "    %-16s %s\n", i ? "" : "IKE proposals", p);
  }
  for (unsigned i = 0; i < c->n_esp_proposals; i++) {
    g_autofree char *p = scn_proposal_format(&c->esp_proposals[i], false);
    g_string_append_printf(s, "    %-16s %s\n", i ? "" : "ESP proposals", p);
  }
  g_string_append_printf(s, "    %-16s IKE %us (margin %us), child %us (margin %us, %" PRIu64
                            " KB), fuzz %u%%\n",
                         "lifetimes", c->ike_lifetime_s, c->ike_rekey_margin_s,
                         c->child_lifetime_s, c->child_rekey_margin_s, c->child_lifetime_kb,
                         c->rekey_fuzz_percent);
  identity(s, "local id", &c->local_id);
  if (c->remote_id.type == DEV_ID_DEFAULT)
    g_string_append_printf(s, "    %-16s (the peer's address)\n", "remote id");
  else
    identity(s, "remote id", &c->remote_id);
  g_string_append_printf(s, "    %-16s %s\n", "shared key", c->psk ? "(set)" : "(none)");
  g_string_append_printf(s, "    %-16s ", "selectors");
  if (c->ts_mode == DEV_TS_ANY) {
    g_string_append(s, "any-to-any");
  } else {
    prefixes(s, c->ts_local, c->n_ts_local);
    g_string_append(s, " <-> ");
    prefixes(s, c->ts_remote, c->n_ts_remote);
  }
  g_string_append_c(s, '\n');
  if (c->dpd_interval_s)
    g_string_append_printf(s, "    %-16s every %us, timeout %us, then %s\n", "DPD",
                           c->dpd_interval_s, c->dpd_timeout_s,
                           name_get(&dev_dpd_action_names, c->dpd_action));
  else
    g_string_append_printf(s, "    %-16s off\n", "DPD");
  g_string_append_printf(s, "    %-16s %s; NAT-T %s%s, keepalive %us\n", "start",
                         name_get(&dev_start_action_names, c->start_action),
                         c->nat_traversal ? "on" : "off",
                         c->force_encapsulation ? " (forced)" : "", c->nat_keepalive_s);
  if (c->bgp.enabled) {
    char a[IPV4_ADDR_STRLEN];
    g_string_append_printf(s, "    %-16s AS %u, address %s, advertises ", "BGP", c->bgp.asn,
                           ipv4_addr_format(c->bgp.address, a));
    prefixes(s, c->bgp.advertise, c->bgp.n_advertise);
    g_string_append_printf(s, "; prepend %u, hold %us%s\n", c->bgp.prepend,
                           c->bgp.hold_s ? c->bgp.hold_s : 180, c->bgp.passive ? ", passive" : "");
  }
}

/* "  TIME  NAME  what the action does" (scn_action_descs) */
static void action(GString *s, const ScnAction *a)
{
  char t[32];
  g_string_append_printf(s, "  %8s  %-15s ", dur(a->at_ns, t, sizeof t),
                         scn_action_name(a->kind));
  scn_action_descs[a->kind].describe(s, a);
  g_string_append_c(s, '\n');
}

/* "  N. NAME[ details] (FILE:LINE:COL)" (scn_expect_descs) */
static void expectation(GString *s, unsigned index, const ScnExpect *x)
{
  g_string_append_printf(s, "  %u. %s", index, scn_expect_name(x->kind));
  if (scn_expect_descs[x->kind].describe) {
    g_string_append_c(s, ' ');
    scn_expect_descs[x->kind].describe(s, x);
  }
  g_string_append_printf(s, " (%s:%u:%u)\n", x->loc.file, x->loc.line, x->loc.col);
}

char *scn_plan_describe(const ScnPlan *P)
{
  GString *s = g_string_new(NULL);
  char t[32], a[IPV4_ADDR_STRLEN];
  g_string_append_printf(s, "scenario: %s\n", P->name ? P->name : "(no name)");
  if (P->description) {
    g_autofree char *d = g_strstrip(g_strdup(P->description));
    g_string_append_printf(s, "description: %s\n", d);
  }
  g_string_append_printf(s, "seed: %" PRIu64 "\nduration: %s\n", P->seed,
                         dur(P->duration_ns, t, sizeof t));
  if (P->stats_interval_ns)
    g_string_append_printf(s, "tunnel stats: every %s\n", dur(P->stats_interval_ns, t, sizeof t));
  else
    g_string_append(s, "tunnel stats: at the end\n");
  for (unsigned i = 0; i < P->n_references; i++)
    g_string_append_printf(s, "%s %s\n", i ? "           " : "references:", P->references[i]);
  const GwConfig *c = P->cloud;
  g_string_append_printf(s, "cloud: %u virtual network%s, %u gateway%s, %u local network "
                            "gateway%s, %u connection%s\n",
                         c->n_virtualNetworks, c->n_virtualNetworks == 1 ? "" : "s",
                         c->n_virtualNetworkGateways, c->n_virtualNetworkGateways == 1 ? "" : "s",
                         c->n_localNetworkGateways, c->n_localNetworkGateways == 1 ? "" : "s",
                         c->n_connections, c->n_connections == 1 ? "" : "s");
  for (unsigned i = 0; i < c->n_connections; i++) {
    const GwConnection *k = &c->connections[i];
    g_string_append_printf(s, "  connection %s: %s <-> %s, %s policy\n", k->name.v,
                           k->virtualNetworkGateway1.v ? k->virtualNetworkGateway1.v : "?",
                           k->localNetworkGateway2.v   ? k->localNetworkGateway2.v
                           : k->virtualNetworkGateway2.v ? k->virtualNetworkGateway2.v
                                                         : "?",
                           k->n_ipsecPolicies ? "custom" : "default");
  }
  g_string_append_printf(s, "devices: %u\n", P->n_devices);
  for (unsigned i = 0; i < P->n_devices; i++)
    device(s, &P->devices[i]);
  g_string_append_printf(s, "NAT boxes: %u\n", P->n_nats);
  for (unsigned i = 0; i < P->n_nats; i++)
    g_string_append_printf(s, "  %s: %s translating, in front of %s, public %s\n",
                           P->nats[i].name, name_get(&scn_nat_kind_names, P->nats[i].kind),
                           P->nats[i].inside ? P->nats[i].inside : "?",
                           ip(P->nats[i].public_ip, a));
  g_string_append_printf(s, "hosts: %u\n", P->n_hosts);
  for (unsigned i = 0; i < P->n_hosts; i++) {
    const ScnHost *h = &P->hosts[i];
    if (h->kind == SCN_HOST_VM)
      g_string_append_printf(s, "  %s: %s in %s/%s\n", h->name, ip(h->address, a),
                             h->vnet ? h->vnet : "?", h->subnet ? h->subnet : "?");
    else
      g_string_append_printf(s, "  %s: %s behind %s\n", h->name, ip(h->address, a),
                             h->device ? h->device : "?");
  }
  g_string_append_printf(s, "links: %u\n", P->n_links);
  for (unsigned i = 0; i < P->n_links; i++) {
    const ScnLink *l = &P->links[i];
    char d[32], lo[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf(s, "  %s: delay %s, %" PRIu64 " bps, loss %s, MTU %u, queue %u\n",
                           l->name ? l->name : "?", dur(l->delay_ns, d, sizeof d), l->rate_bps,
                           g_ascii_formatd(lo, sizeof lo, "%g", l->loss), l->mtu,
                           l->queue_packets);
  }
  g_string_append_printf(s, "timeline: %u\n", P->n_timeline);
  for (unsigned i = 0; i < P->n_timeline; i++)
    action(s, &P->timeline[i]);
  g_string_append_printf(s, "expectations: %u\n", P->n_expects);
  for (unsigned i = 0; i < P->n_expects; i++)
    expectation(s, i + 1, &P->expects[i]);
  return g_string_free(s, FALSE);
}
