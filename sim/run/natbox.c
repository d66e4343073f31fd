/* SPDX-License-Identifier: MIT */
/* A NAT box between a device and the internet (sim/scenario/plan.h ScnNatBox): UDP address and port
 * translation (NAPT, RFC 4787 "endpoint-independent mapping"), or address translation
 * keeping ports (one-to-one), with mappings that expire after udpTimeout without
 * outbound traffic (RFC 4787 REQ-5/6: refreshed by outbound packets) and that the
 * timeline may rebind to new public ports (natRebind). Other protocols (raw ESP, ICMP)
 * are dropped and counted, as the NAT boxes NAT-T exists for do.
 *
 * The translation state (mappings, ports, timeouts, rebinding, events, counters) is the
 * NAT engine's (models/nat/nat_engine.h, kinds Dynamic and Address, UDP only); this file
 * binds it to the network. Built from two nodes and the engine's C API: the inside node
 * routes everything not on its inside link into a tunnel interface whose transmit hook
 * translates; the outside node ("<name>/out") holds the public address and one UDP socket
 * per mapping, whose datagrams are translated back into whole IPv4/UDP packets injected at
 * the inside tunnel, which the inside node routes to the device. */
#include "models/common/inet.h"
#include "models/nat/nat_engine.h"
#include "sim/run/runner_private.h"

#include <string.h>

/* NAPT: public ports are taken in order from here (an observable change of port, so that
 * both ends detect the NAT, RFC 7296 2.23). */
#define NAT_PORT_FIRST 40000

typedef struct RunNat RunNat;

/* A mapping's public socket: public address : the mapping's external port. */
typedef struct {
  RunNat *nat;
  NatMapping *map;
  NetUdpSocket *sock; /* on the outside node */
} NatSock;

struct RunNat {
  Run *run;
  const ScnNatBox *box;
  NetNode *inside, *outside;
  NetTunnel *tun;
  NatEngine *eng;
  GPtrArray *socks; /* NatSock*, freed with the box (sockets go with the world) */
};

static int64_t env_now(void *user)
{
  RunNat *n = user;
  return net_world_now(n->run->world.w);
}

static void env_emit(void *user, const VsEvent *ev)
{
  RunNat *n = user;
  run_emit(n->run, ev);
}

/* Inbound: a datagram to a mapping's public port becomes the packet the device expects. */
static void out_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src,
                   uint16_t sport, void *user)
{
  (void)s;
  NatSock *ns = user;
  RunNat *n = ns->nat;
  const NatMapping *m = ns->map;
  if (!nat_engine_flow_in(n->eng, ns->map))
    return;
  WireWriter w;
  wire_writer_init(&w);
  InetIpv4Header h = {.ihl_bytes = INET_IPV4_HDR_LEN, .total_len = (uint16_t)(INET_IPV4_HDR_LEN + 8 + len),
                      .ttl = 63, .proto = INET_PROTO_UDP, .src = src, .dst = m->in_addr};
  if (len <= 0xffff - INET_IPV4_HDR_LEN - 8) {
    inet_ipv4_encode(&w, &h);
    inet_udp_encode(&w, src, m->in_addr, sport, m->in_port, data, len);
    if (wire_writer_ok(&w))
      net_tunnel_inject(n->tun, w.buf, w.len);
  }
  wire_writer_clear(&w);
}

/* The engine made a mapping: it needs its public port on the outside node. */
static bool env_open(void *user, NatMapping *m)
{
  RunNat *n = user;
  NatSock *ns = g_new0(NatSock, 1);
  ns->nat = n;
  ns->map = m;
  ns->sock = net_udp_new(n->outside, m->ext_addr, m->ext_port, out_rx, ns);
  if (!ns->sock) {
    g_free(ns);
    return false;
  }
  m->user = ns;
  g_ptr_array_add(n->socks, ns);
  return true;
}

/* The engine gave the mapping's port to a newer one (after port_last wrapped). */
static void env_close(void *user, NatMapping *m)
{
  RunNat *n = user;
  NatSock *ns = m->user;
  if (!ns)
    return;
  net_udp_free(ns->sock);
  g_ptr_array_remove_fast(n->socks, ns);
  g_free(ns);
  m->user = NULL;
}

/* Outbound: a packet from the inside, routed into the tunnel. */
static void in_tx(NetTunnel *t, const uint8_t *pkt, size_t len, void *user)
{
  (void)t;
  RunNat *n = user;
  WireReader r = wire_reader(pkt, len);
  InetIpv4Header h;
  if (inet_ipv4_decode(&r, &h) != WIRE_OK || h.proto != INET_PROTO_UDP || h.mf || h.frag_offset) {
    nat_engine_drop(n->eng, NAT_DROP_UDP_ONLY, NULL);
    return;
  }
  uint16_t sport = wire_get_u16(&r, "udp.sport");
  uint16_t dport = wire_get_u16(&r, "udp.dport");
  uint16_t ulen = wire_get_u16(&r, "udp.length");
  wire_skip(&r, 2, "udp.checksum");
  size_t n_pl = 0;
  const uint8_t *pl = wire_get_rest(&r, &n_pl);
  if (!wire_ok(&r) || ulen < 8 || (size_t)ulen - 8 > n_pl)
    return;
  NatMapping *m = nat_engine_flow_out(n->eng, INET_PROTO_UDP, h.src, sport);
  if (!m)
    return;
  NatSock *ns = m->user;
  net_udp_send_to(ns->sock, pl, (size_t)ulen - 8, h.dst, dport);
}

static void nat_free(gpointer p)
{
  RunNat *n = p;
  nat_engine_free(n->eng);
  g_ptr_array_free(n->socks, TRUE);
  g_free(n);
}

GPtrArray *run_nats_new(void)
{
  return g_ptr_array_new_with_free_func(nat_free);
}

bool run_nat_nodes(Run *r, char **err)
{
  for (unsigned i = 0; i < r->plan->n_nats; i++) {
    const ScnNatBox *b = &r->plan->nats[i];
    RunNat *n = g_new0(RunNat, 1);
    n->run = r;
    n->box = b;
    n->socks = g_ptr_array_new_with_free_func(g_free);
    NatConfig cfg = {.node = b->name, .kind = b->kind == SCN_NAT_PORT ? NAT_DYNAMIC : NAT_ADDRESS,
                     .internal = ipv4_prefix_make((Ipv4Addr){0}, 0),
                     .external = ipv4_prefix_make(b->public_ip, 32), .udp_only = true,
                     .udp_timeout_ns = b->udp_timeout_ns, .tcp_timeout_ns = NAT_NO_TIMEOUT,
                     .icmp_timeout_ns = NAT_NO_TIMEOUT, .port_first = NAT_PORT_FIRST,
                     .port_last = 65535};
    NatEnv env = {.user = n, .events = {env_emit, n}, .now = env_now, .mapping_open = env_open,
                  .mapping_close = env_close};
    const char *why = NULL;
    n->eng = nat_engine_new(&cfg, &env, &why);
    g_ptr_array_add(r->world.nats, n);
    if (!n->eng) {
      *err = g_strdup_printf("%s:%u:%u: NAT box '%s': %s", b->loc.file, b->loc.line, b->loc.col,
                             b->name, why);
      return false;
    }
    g_autofree char *out = g_strdup_printf("%s/out", b->name);
    n->inside = net_node_new(r->world.w, b->name);
    n->outside = net_node_new(r->world.w, out);
    if (!n->inside || !n->outside) {
      *err = g_strdup_printf("%s:%u:%u: NAT box '%s': a node of that name exists", b->loc.file,
                             b->loc.line, b->loc.col, b->name);
      return false;
    }
    g_hash_table_insert(r->world.nodes, (gpointer)b->name, n->inside);
  }
  return true;
}

const ScnNatBox *run_nat_of_device(const Run *r, const char *device)
{
  for (unsigned i = 0; i < r->plan->n_nats; i++)
    if (r->plan->nats[i].inside && !strcmp(r->plan->nats[i].inside, device))
      return &r->plan->nats[i];
  return NULL;
}

static RunNat *nat_find(Run *r, const char *name)
{
  for (guint i = 0; i < r->world.nats->len; i++) {
    RunNat *n = g_ptr_array_index(r->world.nats, i);
    if (!strcmp(n->box->name, name))
      return n;
  }
  return NULL;
}

bool run_nat_has(Run *r, const char *name)
{
  return name && nat_find(r, name);
}

/* The timeline's natRebind: every live mapping gets a new public port, as when a NAT
 * loses its state (a reboot, a mapping timeout shorter than the keepalives) or moves a
 * flow for its own reasons. The old port leads nowhere from then on: datagrams to it are
 * dropped (nat.drop "mapping rebound", counted in nat.drops.rebound). */
unsigned run_nat_rebind(Run *r, const char *name)
{
  RunNat *n = nat_find(r, name);
  return n ? nat_engine_rebind(n->eng) : 0;
}

NetNode *run_nat_link_node(Run *r, const char *name, const char *other, bool *outside)
{
  RunNat *n = nat_find(r, name);
  if (!n)
    return NULL;
  *outside = !(n->box->inside && !strcmp(n->box->inside, other));
  return *outside ? n->outside : n->inside;
}

void run_nat_link_end(Run *r, const char *name, NetDev *dev, NetDev *other, bool outside)
{
  RunNat *n = nat_find(r, name);
  if (!outside)
    return; /* the inside end: the tunnel's default route covers the rest */
  net_dev_add_address(dev, n->box->public_ip, 32);
  net_route_default(n->outside, (Ipv4Addr){0}, dev, 0);
  if (!strcmp(net_node_name(net_dev_node(other)), "internet"))
    net_route_add(r->world.internet, ipv4_prefix_make(n->box->public_ip, 32), (Ipv4Addr){0}, other, 0);
}

bool run_nat_bind(Run *r, char **err)
{
  for (guint i = 0; i < r->world.nats->len; i++) {
    RunNat *n = g_ptr_array_index(r->world.nats, i);
    n->tun = net_tunnel_new(n->inside, ipv4_addr(169, 254, 254, (uint8_t)(i + 1)), 32,
                            EP_DP_DEFAULT_PATH_MTU, in_tx, n);
    if (!n->tun) {
      *err = g_strdup_printf("NAT box '%s': no tunnel interface: %s", n->box->name,
                             net_world_last_error(r->world.w));
      return false;
    }
    /* everything but the inside link goes through the translation */
    net_route_default(n->inside, (Ipv4Addr){0}, net_tunnel_dev(n->tun), 0);
  }
  return true;
}

void run_nat_counters(Run *r, void (*add)(Run *, const char *, const char *, double))
{
  for (guint i = 0; i < r->world.nats->len; i++) {
    RunNat *n = g_ptr_array_index(r->world.nats, i);
    const NatCounters *c = nat_engine_counters(n->eng);
    add(r, n->box->name, "nat.mappings", (double)nat_engine_n_mappings(n->eng));
    add(r, n->box->name, "nat.translated_out", (double)c->translated_out);
    add(r, n->box->name, "nat.translated_in", (double)c->translated_in);
    add(r, n->box->name, "nat.drops.not_udp", (double)c->drops[NAT_DROP_UDP_ONLY]);
    add(r, n->box->name, "nat.drops.expired", (double)c->drops[NAT_DROP_EXPIRED]);
    add(r, n->box->name, "nat.drops.rebound", (double)c->drops[NAT_DROP_REBOUND]);
    add(r, n->box->name, "nat.rebinds", (double)c->rebinds);
  }
}
