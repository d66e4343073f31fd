/* SPDX-License-Identifier: MIT */
/* A NAT box between a device and the internet (sim/scenario/plan.h ScnNatBox): UDP address and port
 * translation (NAPT, RFC 4787 "endpoint-independent mapping"), or address translation
 * keeping ports (one-to-one), with mappings that expire after udpTimeout without
 * outbound traffic (RFC 4787 REQ-5/6: refreshed by outbound packets) and that the
 * timeline may rebind to new public ports (natRebind). Other protocols (raw ESP, ICMP)
 * are dropped and counted, as the NAT boxes NAT-T exists for do.
 *
 * Built from two nodes and the engine's C API: the inside node routes everything not on
 * its inside link into a tunnel interface whose transmit hook translates; the outside
 * node ("<name>/out") holds the public address and one UDP socket per mapping, whose
 * datagrams are translated back into whole IPv4/UDP packets injected at the inside
 * tunnel, which the inside node routes to the device. */
#include "models/common/inet.h"
#include "sim/run/runner_private.h"

#include <string.h>

/* NAPT: public ports are taken in order from here (an observable change of port, so that
 * both ends detect the NAT, RFC 7296 2.23). */
#define NAT_PORT_FIRST 40000

typedef struct RunNat RunNat;

typedef struct {
  RunNat *nat;
  Ipv4Addr in_addr;
  uint16_t in_port, out_port;
  NetUdpSocket *sock; /* on the outside node, public address : out_port */
  int64_t last_out;   /* last outbound packet */
  bool expired;
  bool rebound;       /* natRebind gave the flow a new mapping: this one leads nowhere */
} NatMap;

struct RunNat {
  Run *run;
  const ScnNatBox *box;
  NetNode *inside, *outside;
  NetTunnel *tun;
  GPtrArray *maps; /* NatMap* */
  uint16_t next_port;
  uint64_t dropped_other, dropped_expired, translated_out, translated_in;
  uint64_t rebinds, dropped_rebound;
};

static void nat_event(RunNat *n, const char *type, const NatMap *m, const char *reason)
{
  char a[IPV4_ADDR_STRLEN];
  VsEvent ev = vs_event(net_world_now(n->run->world.w), n->box->name, type);
  if (m) {
    vs_event_str(&ev, "inside_addr", ipv4_addr_format(m->in_addr, a));
    vs_event_uint(&ev, "inside_port", m->in_port);
    vs_event_uint(&ev, "outside_port", m->out_port);
  }
  if (reason)
    vs_event_str(&ev, "reason", reason);
  run_emit(n->run, &ev);
}

static bool map_live(const RunNat *n, NatMap *m, int64_t now)
{
  if (!m->expired && now - m->last_out > n->box->udp_timeout_ns) {
    m->expired = true;
    nat_event((RunNat *)n, "nat.mapping.expired", m, NULL);
  }
  return !m->expired;
}

/* Inbound: a datagram to a mapping's public port becomes the packet the device expects. */
static void out_rx(NetUdpSocket *s, const uint8_t *data, size_t len, Ipv4Addr src,
                   uint16_t sport, void *user)
{
  NatMap *m = user;
  RunNat *n = m->nat;
  if (m->rebound) {
    if (!n->dropped_rebound++)
      nat_event(n, "nat.drop", m, "mapping rebound");
    return;
  }
  if (!map_live(n, m, net_world_now(n->run->world.w))) {
    if (!n->dropped_expired++)
      nat_event(n, "nat.drop", m, "mapping expired");
    return;
  }
  WireWriter w;
  wire_writer_init(&w);
  InetIpv4Header h = {.ihl_bytes = INET_IPV4_HDR_LEN, .total_len = (uint16_t)(INET_IPV4_HDR_LEN + 8 + len),
                      .ttl = 63, .proto = INET_PROTO_UDP, .src = src, .dst = m->in_addr};
  if (len <= 0xffff - INET_IPV4_HDR_LEN - 8) {
    inet_ipv4_encode(&w, &h);
    inet_udp_encode(&w, src, m->in_addr, sport, m->in_port, data, len);
    if (wire_writer_ok(&w)) {
      n->translated_in++;
      net_tunnel_inject(n->tun, w.buf, w.len);
    }
  }
  wire_writer_clear(&w);
}

static NatMap *map_find(RunNat *n, Ipv4Addr a, uint16_t port, int64_t now)
{
  NatMap *dead = NULL;
  for (guint i = 0; i < n->maps->len; i++) {
    NatMap *m = g_ptr_array_index(n->maps, i);
    if (m->rebound || m->in_addr.v != a.v || m->in_port != port)
      continue;
    if (map_live(n, m, now))
      return m;
    dead = m;
  }
  if (dead && n->box->kind == SCN_NAT_ADDRESS) {
    /* one-to-one keeps the port: the same mapping comes back */
    dead->expired = false;
    nat_event(n, "nat.mapping.created", dead, "renewed");
    return dead;
  }
  NatMap *m = g_new0(NatMap, 1);
  m->nat = n;
  m->in_addr = a;
  m->in_port = port;
  m->out_port = n->box->kind == SCN_NAT_ADDRESS ? port : n->next_port++;
  m->sock = net_udp_new(n->outside, n->box->public_ip, m->out_port, out_rx, m);
  if (!m->sock) {
    g_free(m);
    return NULL;
  }
  g_ptr_array_add(n->maps, m);
  nat_event(n, "nat.mapping.created", m, NULL);
  return m;
}

/* Outbound: a packet from the inside, routed into the tunnel. */
static void in_tx(NetTunnel *t, const uint8_t *pkt, size_t len, void *user)
{
  RunNat *n = user;
  WireReader r = wire_reader(pkt, len);
  InetIpv4Header h;
  if (inet_ipv4_decode(&r, &h) != WIRE_OK || h.proto != INET_PROTO_UDP || h.mf || h.frag_offset) {
    if (!n->dropped_other++)
      nat_event(n, "nat.drop", NULL, "not UDP (only UDP is translated)");
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
  int64_t now = net_world_now(n->run->world.w);
  NatMap *m = map_find(n, h.src, sport, now);
  if (!m)
    return;
  m->last_out = now;
  n->translated_out++;
  net_udp_send_to(m->sock, pl, (size_t)ulen - 8, h.dst, dport);
}

static void nat_free(gpointer p)
{
  RunNat *n = p;
  for (guint i = 0; i < n->maps->len; i++)
    g_free(g_ptr_array_index(n->maps, i)); /* sockets go with the world */
  g_ptr_array_free(n->maps, TRUE);
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
    n->maps = g_ptr_array_new();
    n->next_port = NAT_PORT_FIRST;
    g_ptr_array_add(r->world.nats, n);
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
  if (!n || n->box->kind != SCN_NAT_PORT)
    return 0;
  int64_t now = net_world_now(r->world.w);
  unsigned moved = 0;
  guint len = n->maps->len; /* the new mappings are not rebound again */
  for (guint i = 0; i < len; i++) {
    NatMap *m = g_ptr_array_index(n->maps, i);
    if (m->rebound || !map_live(n, m, now))
      continue;
    NatMap *k = g_new0(NatMap, 1);
    *k = (NatMap){.nat = n, .in_addr = m->in_addr, .in_port = m->in_port,
                  .out_port = n->next_port++, .last_out = m->last_out};
    k->sock = net_udp_new(n->outside, n->box->public_ip, k->out_port, out_rx, k);
    if (!k->sock) {
      g_free(k);
      continue;
    }
    m->rebound = true;
    g_ptr_array_add(n->maps, k);
    n->rebinds++;
    moved++;
    char a[IPV4_ADDR_STRLEN];
    VsEvent ev = vs_event(now, n->box->name, "nat.mapping.rebound");
    vs_event_str(&ev, "inside_addr", ipv4_addr_format(k->in_addr, a));
    vs_event_uint(&ev, "inside_port", k->in_port);
    vs_event_uint(&ev, "outside_port", k->out_port);
    vs_event_uint(&ev, "old_outside_port", m->out_port);
    run_emit(r, &ev);
  }
  return moved;
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
    add(r, n->box->name, "nat.mappings", (double)n->maps->len);
    add(r, n->box->name, "nat.translated_out", (double)n->translated_out);
    add(r, n->box->name, "nat.translated_in", (double)n->translated_in);
    add(r, n->box->name, "nat.drops.not_udp", (double)n->dropped_other);
    add(r, n->box->name, "nat.drops.expired", (double)n->dropped_expired);
    add(r, n->box->name, "nat.drops.rebound", (double)n->dropped_rebound);
    add(r, n->box->name, "nat.rebinds", (double)n->rebinds);
  }
}
