/* SPDX-License-Identifier: MIT */
/* The gateway's NAT rules on its data plane (gw_nat.h). */
#include "models/gateway/gw_nat.h"

#include "models/common/inet.h"
#include "models/common/wire.h"
#include "models/gateway/gw_instances.h"

#include <glib.h>
#include <string.h>

NAME_TABLE(gw_nat_fault_names, "NAT fault", {GW_NAT_FAULT_OFF, "off"},
           {GW_NAT_FAULT_SWAPPED, "swapped"}, {GW_NAT_FAULT_BIDIRECTIONAL, "bidirectional"},
           {GW_NAT_FAULT_ANY_INSTANCE, "anyInstance"},
           {GW_NAT_FAULT_ALL_CONNECTIONS, "allConnections"},
           {GW_NAT_FAULT_NO_BGP_TRANSLATION, "noBgpTranslation"},
           {GW_NAT_FAULT_PRIMARY_ONLY, "primaryOnly"},
           {GW_NAT_FAULT_PREFIX_SELECTORS, "prefixSelectors"},
           {GW_NAT_FAULT_NO_PORT_MAPS, "noPortMaps"});

/* Mapping lifetimes of the Dynamic rules: the documents give none; the RFCs' floors
 * (RFC 4787 REQ-5: UDP 2 min; RFC 5382 REQ-5: established TCP 2 h 4 min; RFC 5508
 * REQ-1: ICMP query 60 s). */
#define NAT_GW_UDP_TIMEOUT_NS (120LL * 1000000000LL)
#define NAT_GW_TCP_TIMEOUT_NS (7440LL * 1000000000LL)
#define NAT_GW_ICMP_TIMEOUT_NS (60LL * 1000000000LL)
#define NAT_GW_PORT_FIRST 1024

typedef struct {
  char *name;
  GwNatMode mode;
  NatEngine *eng;
} Rule;

/* One tunnel's rules, in the order the connection lists them. */
typedef struct {
  GwNat *nat;
  Rule **ingress, **egress;
  unsigned n_ingress, n_egress;
} Edge;

struct GwNat {
  EpEnv env;
  char *node;
  uint32_t faults;
  Ipv4Addr self;    /* gw_nat_set_self; 0: none */
  GPtrArray *rules; /* Rule*, the gateway's order */
  GPtrArray *edges; /* Edge*, freed with the object */
};

static int64_t env_now(void *user)
{
  GwNat *n = user;
  return n->env.now(n->env.user);
}

static void env_emit(void *user, const VsEvent *ev)
{
  GwNat *n = user;
  vs_event_emit(&n->env.events, ev);
}

static bool applies(const GwVirtualNetworkGateway *g, const GwNatRule *r, unsigned instance,
                    uint32_t faults)
{
  if (faults & GW_NAT_FAULT_PRIMARY_ONLY)
    return instance == 0;
  if (!gw_instances_active_active(g) || !r->ipConfigurationId.set ||
      (faults & GW_NAT_FAULT_ANY_INSTANCE))
    return true;
  return (unsigned)r->ipConfigurationId.v ==
         (instance ? GW_NAT_IPCONFIG_ACTIVE_ACTIVE : GW_NAT_IPCONFIG_DEFAULT);
}

GwNat *gw_nat_new(const GwVirtualNetworkGateway *g, unsigned instance, const EpEnv *env,
                  const char *node, uint32_t faults)
{
  if (!g->n_natRules)
    return NULL;
  GwNat *n = g_new0(GwNat, 1);
  n->env = *env;
  n->node = g_strdup(node);
  n->faults = faults;
  n->rules = g_ptr_array_new();
  n->edges = g_ptr_array_new_with_free_func(g_free);
  NatEnv ne = {.user = n, .now = env_now, .events = {.user = n, .emit = env_emit}};
  for (unsigned i = 0; i < g->n_natRules; i++) {
    const GwNatRule *r = &g->natRules[i];
    /* the configuration rules (GW-NAT-001, -003) refuse a rule that cannot translate;
     * such a rule is left out here as well */
    if (!r->name.v || r->n_internalMappings != 1 || r->n_externalMappings != 1 ||
        !applies(g, r, instance, faults))
      continue;
    bool dynamic = gw_enum_or(r->type, GW_NAT_STATIC) == GW_NAT_DYNAMIC &&
                   !(faults & GW_NAT_FAULT_BIDIRECTIONAL);
    NatConfig c = {.node = n->node, .rule = r->name.v, .kind = dynamic ? NAT_DYNAMIC : NAT_STATIC,
                   .internal = r->internalMappings[0].v, .external = r->externalMappings[0].v,
                   .udp_timeout_ns = NAT_GW_UDP_TIMEOUT_NS, .tcp_timeout_ns = NAT_GW_TCP_TIMEOUT_NS,
                   .icmp_timeout_ns = NAT_GW_ICMP_TIMEOUT_NS, .port_first = NAT_GW_PORT_FIRST,
                   .port_last = 65535};
    /* facts 6: a Static rule's single-port mapping, for TCP and UDP alike (ARM's portRange
     * names no protocol); GW-NAT-014/-015 refuse the others */
    const GwPortRange *pi = &r->internalPorts[0], *pe = &r->externalPorts[0];
    if (!dynamic && pi->set && pe->set && pi->lo == pi->hi && pe->lo == pe->hi && pi->lo &&
        pe->lo && !(faults & GW_NAT_FAULT_NO_PORT_MAPS)) {
      c.ports[c.n_ports++] = (NatPortMap){INET_PROTO_TCP, pi->lo, pe->lo};
      c.ports[c.n_ports++] = (NatPortMap){INET_PROTO_UDP, pi->lo, pe->lo};
    }
    const char *why = NULL;
    NatEngine *e = nat_engine_new(&c, &ne, &why);
    if (!e)
      continue;
    Rule *x = g_new0(Rule, 1);
    x->name = g_strdup(r->name.v);
    x->mode = (GwNatMode)gw_enum_or(r->mode, GW_NAT_INGRESS_SNAT);
    if (faults & GW_NAT_FAULT_SWAPPED)
      x->mode = x->mode == GW_NAT_INGRESS_SNAT ? GW_NAT_EGRESS_SNAT : GW_NAT_INGRESS_SNAT;
    x->eng = e;
    g_ptr_array_add(n->rules, x);
  }
  return n;
}

void gw_nat_free(GwNat *n)
{
  if (!n)
    return;
  for (guint i = 0; i < n->rules->len; i++) {
    Rule *x = g_ptr_array_index(n->rules, i);
    nat_engine_free(x->eng);
    g_free(x->name);
    g_free(x);
  }
  for (guint i = 0; i < n->edges->len; i++) {
    Edge *e = g_ptr_array_index(n->edges, i);
    g_free(e->ingress);
    g_free(e->egress);
  }
  g_ptr_array_free(n->rules, TRUE);
  g_ptr_array_free(n->edges, TRUE);
  g_free(n->node);
  g_free(n);
}

void gw_nat_set_self(GwNat *n, Ipv4Addr self)
{
  if (n)
    n->self = self;
}

static Rule *rule_by_name(const GwNat *n, const char *name)
{
  for (guint i = 0; name && i < n->rules->len; i++) {
    Rule *x = g_ptr_array_index(n->rules, i);
    if (!strcmp(x->name, name))
      return x;
  }
  return NULL;
}

/* One field, one mode: the first rule that translates (or drops) decides. */
static NatVerdict run_rules(Rule **rs, unsigned n, bool out, uint8_t *pkt, size_t len)
{
  for (unsigned i = 0; i < n; i++) {
    NatVerdict v = out ? nat_engine_out(rs[i]->eng, pkt, len) : nat_engine_in(rs[i]->eng, pkt, len);
    if (v != NAT_PASS)
      return v;
  }
  return NAT_PASS;
}

/* Into the tunnel: EgressSnat from its internal side (the VNet source), IngressSnat from
 * its external side (the destination back to on-premises). Out of the tunnel: IngressSnat
 * from its internal side (the on-premises source), EgressSnat from its external side. */
static bool edge(void *user, int tunnel, bool to_tunnel, uint8_t *pkt, size_t len)
{
  (void)tunnel;
  Edge *e = user;
  if (e->nat->faults & GW_NAT_FAULT_OFF)
    return true;
  /* the gateway's own packets (BGP): its source going out, its destination coming in */
  if (e->nat->self.v && len >= INET_IPV4_HDR_LEN &&
      wire_load_be32(pkt + (to_tunnel ? 12 : 16)) == e->nat->self.v)
    return true;
  if (to_tunnel)
    return run_rules(e->egress, e->n_egress, true, pkt, len) != NAT_DROPPED &&
           run_rules(e->ingress, e->n_ingress, false, pkt, len) != NAT_DROPPED;
  return run_rules(e->ingress, e->n_ingress, true, pkt, len) != NAT_DROPPED &&
         run_rules(e->egress, e->n_egress, false, pkt, len) != NAT_DROPPED;
}

void gw_nat_attach(GwNat *n, EpDp *dp, int tunnel, const GwConnection *c)
{
  if (!n || tunnel < 0)
    return;
  Edge *e = g_new0(Edge, 1);
  e->nat = n;
  unsigned cap = c->n_ingressNatRules + c->n_egressNatRules + n->rules->len;
  e->ingress = g_new0(Rule *, cap ? cap : 1);
  e->egress = g_new0(Rule *, cap ? cap : 1);
  const GwStr *lists[2] = {c->ingressNatRules, c->egressNatRules};
  unsigned ns[2] = {c->n_ingressNatRules, c->n_egressNatRules};
  for (unsigned k = 0; k < 2; k++)
    for (unsigned i = 0; i < ns[k]; i++) {
      Rule *x = rule_by_name(n, lists[k][i].v);
      /* the mode decides what a rule does; the list it is linked from must agree
       * (GW-NAT rules report the mismatch) */
      if (!x)
        continue;
      if (x->mode == GW_NAT_INGRESS_SNAT)
        e->ingress[e->n_ingress++] = x;
      else
        e->egress[e->n_egress++] = x;
    }
  if (n->faults & GW_NAT_FAULT_ALL_CONNECTIONS) { /* linked or not, every rule */
    e->n_ingress = e->n_egress = 0;
    for (guint i = 0; i < n->rules->len; i++) {
      Rule *x = g_ptr_array_index(n->rules, i);
      if (x->mode == GW_NAT_INGRESS_SNAT)
        e->ingress[e->n_ingress++] = x;
      else
        e->egress[e->n_egress++] = x;
    }
  }
  if (!e->n_ingress && !e->n_egress) {
    g_free(e->ingress);
    g_free(e->egress);
    g_free(e);
    return;
  }
  g_ptr_array_add(n->edges, e);
  ep_dp_tunnel_set_edge_hook(dp, tunnel, edge, e);
}

unsigned gw_nat_n_rules(const GwNat *n)
{
  return n ? n->rules->len : 0;
}

const char *gw_nat_rule_name(const GwNat *n, unsigned i)
{
  return i < gw_nat_n_rules(n) ? ((Rule *)g_ptr_array_index(n->rules, i))->name : NULL;
}

const NatCounters *gw_nat_rule_counters(const GwNat *n, unsigned i)
{
  return i < gw_nat_n_rules(n) ? nat_engine_counters(((Rule *)g_ptr_array_index(n->rules, i))->eng)
                               : NULL;
}

/* counter names of the drop reasons (nat.drops.REASON) */
static const char *const drop_keys[NAT_DROP_COUNT] = {
    [NAT_DROP_MALFORMED] = "malformed", [NAT_DROP_UDP_ONLY] = "not_udp",
    [NAT_DROP_PROTOCOL] = "protocol",   [NAT_DROP_FRAGMENT] = "fragment",
    [NAT_DROP_NO_MAPPING] = "no_mapping", [NAT_DROP_EXPIRED] = "expired",
    [NAT_DROP_REBOUND] = "rebound",     [NAT_DROP_EXHAUSTED] = "exhausted",
};

static void put(void (*add)(void *, const char *, double), void *user, const char *rule,
                const char *name, double v)
{
  g_autofree char *k = rule ? g_strdup_printf("nat.rule.%s.%s", rule, name)
                            : g_strdup_printf("nat.%s", name);
  add(user, k, v);
}

static void put_all(void (*add)(void *, const char *, double), void *user, const char *rule,
                    const NatCounters *c)
{
  put(add, user, rule, "translated_out", (double)c->translated_out);
  put(add, user, rule, "translated_in", (double)c->translated_in);
  put(add, user, rule, "mappings", (double)c->mappings);
  uint64_t total = 0;
  for (int d = 0; d < NAT_DROP_COUNT; d++) {
    g_autofree char *k = g_strdup_printf("drops.%s", drop_keys[d]);
    put(add, user, rule, k, (double)c->drops[d]);
    total += c->drops[d];
  }
  put(add, user, rule, "drops.total", (double)total);
}

void gw_nat_counters(const GwNat *n, void (*add)(void *user, const char *name, double v),
                     void *user)
{
  if (!n)
    return;
  NatCounters sum = {0};
  for (unsigned i = 0; i < gw_nat_n_rules(n); i++) {
    const NatCounters *c = gw_nat_rule_counters(n, i);
    sum.translated_out += c->translated_out;
    sum.translated_in += c->translated_in;
    sum.mappings += c->mappings;
    for (int d = 0; d < NAT_DROP_COUNT; d++)
      sum.drops[d] += c->drops[d];
  }
  put_all(add, user, NULL, &sum);
  for (unsigned i = 0; i < gw_nat_n_rules(n); i++)
    put_all(add, user, gw_nat_rule_name(n, i), gw_nat_rule_counters(n, i));
}

const GwNatRule *gw_nat_find_rule(const GwVirtualNetworkGateway *g, const char *name)
{
  for (unsigned i = 0; g && name && i < g->n_natRules; i++)
    if (g->natRules[i].name.v && !strcmp(g->natRules[i].name.v, name))
      return &g->natRules[i];
  return NULL;
}

bool gw_nat_map_prefix(const GwConfig *cfg, const GwConnection *c, GwNatMode mode,
                       Ipv4Prefix p, Ipv4Prefix *out)
{
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(cfg, c->virtualNetworkGateway1.v);
  const GwStr *names = mode == GW_NAT_INGRESS_SNAT ? c->ingressNatRules : c->egressNatRules;
  unsigned n = mode == GW_NAT_INGRESS_SNAT ? c->n_ingressNatRules : c->n_egressNatRules;
  for (unsigned i = 0; g && i < n; i++) {
    const GwNatRule *r = gw_nat_find_rule(g, names[i].v);
    if (!r || r->n_internalMappings != 1 || r->n_externalMappings != 1 ||
        gw_enum_or(r->mode, GW_NAT_INGRESS_SNAT) != (int)mode)
      continue;
    Ipv4Prefix in = r->internalMappings[0].v, ex = r->externalMappings[0].v;
    if (ipv4_prefix_contains(p, in)) { /* p is as wide as the mapping or wider */
      *out = ex;
      return true;
    }
    if (ipv4_prefix_contains(in, p)) {
      if (in.len != ex.len) /* a Dynamic pool: the whole pool stands for the space */
        *out = ex;
      else
        *out = ipv4_prefix_make((Ipv4Addr){(ex.addr.v & ipv4_mask(ex.len)) |
                                           (p.addr.v & ~ipv4_mask(in.len))}, p.len);
      return true;
    }
  }
  return false;
}
