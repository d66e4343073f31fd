/* SPDX-License-Identifier: MIT */
/* The NAT engine: the mapping table (creation, expiry, rebinding, the external pool) and
 * the in-place packet rewriter with incremental checksum updates. */
#include "models/nat/nat_engine.h"

#include "models/common/inet.h"
#include "models/common/wire.h"

#include <glib.h>
#include <string.h>

NAME_TABLE(nat_kind_names, "NAT kind", {NAT_STATIC, "Static"}, {NAT_DYNAMIC, "Dynamic"},
           {NAT_ADDRESS, "Address"});

NAME_TABLE(nat_drop_names, "NAT drop reason", {NAT_DROP_MALFORMED, "malformed packet"},
           {NAT_DROP_UDP_ONLY, "not UDP (only UDP is translated)"},
           {NAT_DROP_PROTOCOL, "protocol not translated"},
           {NAT_DROP_FRAGMENT, "non-first fragment"},
           {NAT_DROP_NO_MAPPING, "no mapping (flows start on the internal side)"},
           {NAT_DROP_EXPIRED, "mapping expired"}, {NAT_DROP_REBOUND, "mapping rebound"},
           {NAT_DROP_EXHAUSTED, "external pool exhausted"});

struct NatEngine {
  NatConfig cfg;
  NatEnv env;
  GPtrArray *maps;    /* NatMapping*, creation order */
  GHashTable *by_ext; /* ext key -> NatMapping* holding that external port */
  GPtrArray *closed;  /* removed mappings, freed at the next entry point (a caller's loop
                       * may still hold them) */
  NatCounters c;
  uint32_t next_port;
  uint32_t next_addr; /* pool index for the next new internal address */
  bool announced;     /* static: nat.translate emitted */
};

static int64_t now(const NatEngine *e)
{
  return e->env.now ? e->env.now(e->env.user) : 0;
}

static guint64 *ext_key(uint8_t proto, Ipv4Addr a, uint16_t port)
{
  guint64 *k = g_new(guint64, 1);
  *k = ((guint64)proto << 48) | ((guint64)a.v << 16) | port;
  return k;
}

static NatMapping *by_ext(const NatEngine *e, uint8_t proto, Ipv4Addr a, uint16_t port)
{
  guint64 k = ((guint64)proto << 48) | ((guint64)a.v << 16) | port;
  return g_hash_table_lookup(e->by_ext, &k);
}

static int64_t timeout_of(const NatEngine *e, uint8_t proto)
{
  switch (proto) {
  case INET_PROTO_TCP: return e->cfg.tcp_timeout_ns;
  case INET_PROTO_ICMP: return e->cfg.icmp_timeout_ns;
  default: return e->cfg.udp_timeout_ns;
  }
}

static void reap(NatEngine *e)
{
  g_ptr_array_set_size(e->closed, 0);
}

/* ---- events and counters ---- */

static void event(NatEngine *e, const char *type, const NatMapping *m, const char *reason,
                  int old_port)
{
  char a[IPV4_ADDR_STRLEN], x[IPV4_ADDR_STRLEN];
  VsEvent ev = vs_event(now(e), e->cfg.node, type);
  if (m) {
    vs_event_str(&ev, "inside_addr", ipv4_addr_format(m->in_addr, a));
    vs_event_uint(&ev, "inside_port", m->in_port);
    vs_event_uint(&ev, "outside_port", m->ext_port);
  }
  if (old_port >= 0)
    vs_event_uint(&ev, "old_outside_port", (uint64_t)old_port);
  if (reason)
    vs_event_str(&ev, "reason", reason);
  if (e->cfg.rule) {
    vs_event_str(&ev, "rule", e->cfg.rule);
    if (m) {
      vs_event_uint(&ev, "proto", m->proto);
      vs_event_str(&ev, "outside_addr", ipv4_addr_format(m->ext_addr, x));
    }
  }
  vs_event_emit(&e->env.events, &ev);
}

void nat_engine_drop(NatEngine *e, NatDrop why, const NatMapping *m)
{
  g_return_if_fail(e && why < NAT_DROP_COUNT);
  if (!e->c.drops[why]++)
    event(e, NAT_EV_DROP, m, name_get(&nat_drop_names, why), -1);
}

/* ---- the mapping table ---- */

static bool map_live(NatEngine *e, NatMapping *m, int64_t t)
{
  int64_t to = timeout_of(e, m->proto);
  if (!m->expired && to >= 0 && t - m->last_out > to) {
    m->expired = true;
    e->c.expired++;
    event(e, NAT_EV_MAPPING_EXPIRED, m, NULL, -1);
  }
  return !m->expired;
}

static void schedule(NatEngine *e)
{
  if (!e->env.timer_schedule)
    return;
  int64_t at = INT64_MAX;
  for (guint i = 0; i < e->maps->len; i++) {
    NatMapping *m = g_ptr_array_index(e->maps, i);
    int64_t to = timeout_of(e, m->proto);
    if (!m->expired && !m->rebound && to >= 0 && m->last_out + to + 1 < at)
      at = m->last_out + to + 1;
  }
  if (at != INT64_MAX)
    e->env.timer_schedule(e->env.user, at);
}

void nat_engine_expire(NatEngine *e)
{
  g_return_if_fail(e);
  reap(e);
  int64_t t = now(e);
  for (guint i = 0; i < e->maps->len; i++) {
    NatMapping *m = g_ptr_array_index(e->maps, i);
    if (!m->rebound)
      map_live(e, m, t);
  }
  schedule(e);
}

/* Remove a mapping whose external port is taken again (it expired or was rebound). */
static void map_remove(NatEngine *e, NatMapping *m)
{
  guint64 k = ((guint64)m->proto << 48) | ((guint64)m->ext_addr.v << 16) | m->ext_port;
  g_hash_table_remove(e->by_ext, &k);
  if (e->env.mapping_close)
    e->env.mapping_close(e->env.user, m);
  g_ptr_array_remove(e->maps, m);
  m->closed = true;
  g_ptr_array_add(e->closed, m);
}


/* A port of the pool at address a free for proto (a dead holder is removed), or -1. */
static int port_take(NatEngine *e, uint8_t proto, Ipv4Addr a, uint32_t p, int64_t t)
{
  NatMapping *h = by_ext(e, proto, a, (uint16_t)p);
  if (!h)
    return (int)p;
  if (h->rebound || !map_live(e, h, t)) {
    map_remove(e, h);
    return (int)p;
  }
  return -1;
}

/* An external address and port for a new flow (NAPT): the address already paired with
 * in_addr (RFC 4787 REQ-2) or the next of the pool, the port next in order, else the first
 * free one. False when the pool is exhausted. */
static bool pool_alloc(NatEngine *e, uint8_t proto, Ipv4Addr in_addr, Ipv4Addr *out_a,
                       uint16_t *out_p, int64_t t)
{
  uint64_t size = ipv4_prefix_size(e->cfg.external);
  uint32_t start = UINT32_MAX;
  for (guint i = 0; i < e->maps->len && start == UINT32_MAX; i++) {
    NatMapping *m = g_ptr_array_index(e->maps, i);
    if (m->in_addr.v == in_addr.v)
      start = m->ext_addr.v - e->cfg.external.addr.v;
  }
  if (start == UINT32_MAX)
    start = (uint32_t)(e->next_addr++ % size);
  for (uint64_t j = 0; j < size; j++) {
    Ipv4Addr a = {e->cfg.external.addr.v + (uint32_t)((start + j) % size)};
    int p = -1;
    while (p < 0 && e->next_port <= e->cfg.port_last)
      p = port_take(e, proto, a, e->next_port++, t);
    for (uint32_t q = e->cfg.port_first; q <= e->cfg.port_last && p < 0; q++)
      p = port_take(e, proto, a, q, t);
    if (p >= 0) {
      *out_a = a;
      *out_p = (uint16_t)p;
      return true;
    }
  }
  return false;
}

static NatMapping *map_add(NatEngine *e, uint8_t proto, Ipv4Addr in_addr, uint16_t in_port,
                           Ipv4Addr ext_addr, uint16_t ext_port, int64_t last_out)
{
  NatMapping *m = g_new0(NatMapping, 1);
  *m = (NatMapping){.proto = proto, .in_addr = in_addr, .in_port = in_port,
                    .ext_addr = ext_addr, .ext_port = ext_port, .last_out = last_out};
  if (e->env.mapping_open && !e->env.mapping_open(e->env.user, m)) {
    g_free(m);
    return NULL;
  }
  NatMapping *old = by_ext(e, proto, ext_addr, ext_port);
  if (old) /* ADDRESS: an inside host reusing a port another one held */
    map_remove(e, old);
  m->id = (uint32_t)++e->c.mappings;
  g_ptr_array_add(e->maps, m);
  g_hash_table_insert(e->by_ext, ext_key(proto, ext_addr, ext_port), m);
  return m;
}

/* The live mapping of an inside endpoint; create: make one when there is none. */
static NatMapping *flow_out(NatEngine *e, uint8_t proto, Ipv4Addr in_addr, uint16_t in_port,
                            bool create)
{
  int64_t t = now(e);
  NatMapping *dead = NULL;
  for (guint i = 0; i < e->maps->len; i++) {
    NatMapping *m = g_ptr_array_index(e->maps, i);
    if (m->rebound || m->proto != proto || m->in_addr.v != in_addr.v || m->in_port != in_port)
      continue;
    if (map_live(e, m, t))
      return m;
    dead = m;
  }
  if (!create)
    return NULL;
  if (dead && e->cfg.kind == NAT_ADDRESS) {
    /* one-to-one keeps the port: the same mapping comes back */
    dead->expired = false;
    event(e, NAT_EV_MAPPING_CREATED, dead, "renewed", -1);
    return dead;
  }
  Ipv4Addr ea = e->cfg.external.addr;
  uint16_t ep = in_port;
  if (e->cfg.kind == NAT_DYNAMIC && !pool_alloc(e, proto, in_addr, &ea, &ep, t)) {
    nat_engine_drop(e, NAT_DROP_EXHAUSTED, NULL);
    return NULL;
  }
  NatMapping *m = map_add(e, proto, in_addr, in_port, ea, ep, 0);
  if (m)
    event(e, NAT_EV_MAPPING_CREATED, m, NULL, -1);
  return m;
}

NatMapping *nat_engine_flow_out(NatEngine *e, uint8_t proto, Ipv4Addr in_addr, uint16_t in_port)
{
  g_return_val_if_fail(e && e->cfg.kind != NAT_STATIC, NULL);
  reap(e);
  NatMapping *m = flow_out(e, proto, in_addr, in_port, true);
  if (!m)
    return NULL;
  m->last_out = now(e);
  e->c.translated_out++;
  schedule(e);
  return m;
}

bool nat_engine_flow_in(NatEngine *e, NatMapping *m)
{
  g_return_val_if_fail(e && m, false);
  if (m->rebound) {
    nat_engine_drop(e, NAT_DROP_REBOUND, m);
    return false;
  }
  if (!map_live(e, m, now(e))) {
    nat_engine_drop(e, NAT_DROP_EXPIRED, m);
    return false;
  }
  e->c.translated_in++;
  return true;
}

unsigned nat_engine_rebind(NatEngine *e)
{
  g_return_val_if_fail(e, 0);
  if (e->cfg.kind != NAT_DYNAMIC)
    return 0;
  reap(e);
  int64_t t = now(e);
  unsigned moved = 0;
  guint len = e->maps->len; /* the new mappings are not rebound again */
  g_autoptr(GPtrArray) old = g_ptr_array_new();
  for (guint i = 0; i < len; i++)
    g_ptr_array_add(old, g_ptr_array_index(e->maps, i));
  for (guint i = 0; i < old->len; i++) {
    NatMapping *m = g_ptr_array_index(old, i);
    if (m->closed || m->rebound || !map_live(e, m, t))
      continue;
    Ipv4Addr ea;
    uint16_t ep;
    if (!pool_alloc(e, m->proto, m->in_addr, &ea, &ep, t)) {
      nat_engine_drop(e, NAT_DROP_EXHAUSTED, m);
      continue;
    }
    NatMapping *k = map_add(e, m->proto, m->in_addr, m->in_port, ea, ep, m->last_out);
    if (!k)
      continue;
    m->rebound = true;
    e->c.rebinds++;
    moved++;
    event(e, NAT_EV_MAPPING_REBOUND, k, NULL, m->ext_port);
  }
  return moved;
}

/* ---- packets ---- */

/* The packet under rewrite: a fixed writer over its bytes (every write is bounds-checked)
 * and where the ICMP message and its checksum are, so that a word changed inside it
 * updates the ICMP checksum too (RFC 1624 eqn. 3). */
typedef struct {
  WireWriter w;
  size_t icmp_start, icmp_end, icmp_csum; /* icmp_end 0: no ICMP message around */
} Rw;

#define NO_CSUM SIZE_MAX

static uint16_t get16(const Rw *x, size_t off)
{
  g_assert(off + 2 <= x->w.len);
  return (uint16_t)(x->w.buf[off] << 8 | x->w.buf[off + 1]);
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') */
static uint16_t csum_adjust(uint16_t hc, uint16_t m_old, uint16_t m_new)
{
  uint32_t s = (uint16_t)~hc + (uint32_t)(uint16_t)~m_old + m_new;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}

static void put_word(Rw *x, size_t off, uint16_t v)
{
  uint16_t old = get16(x, off);
  wire_patch(&x->w, off, 2, v);
  if (x->icmp_end && off >= x->icmp_start && off + 2 <= x->icmp_end && off != x->icmp_csum)
    wire_patch(&x->w, x->icmp_csum, 2, csum_adjust(get16(x, x->icmp_csum), old, v));
}

/* Change the word at off and the checksums covering it (udp: a zero checksum is "none"
 * and a computed zero is sent as 0xffff, RFC 768). */
static void set_word(Rw *x, size_t off, uint16_t v, size_t c1, size_t c2, bool c2_udp)
{
  uint16_t old = get16(x, off);
  if (old == v)
    return;
  put_word(x, off, v);
  if (c1 != NO_CSUM)
    put_word(x, c1, csum_adjust(get16(x, c1), old, v));
  if (c2 != NO_CSUM) {
    uint16_t hc = get16(x, c2);
    if (c2_udp && hc == 0)
      return;
    uint16_t n = csum_adjust(hc, old, v);
    put_word(x, c2, c2_udp && n == 0 ? 0xffff : n);
  }
}

static void set_addr(Rw *x, size_t off, Ipv4Addr a, size_t ip_csum, size_t l4_csum, bool udp)
{
  set_word(x, off, (uint16_t)(a.v >> 16), ip_csum, l4_csum, udp);
  set_word(x, off + 2, (uint16_t)a.v, ip_csum, l4_csum, udp);
}

/* One IPv4 header and what follows it in the buffer. For a quoted packet (RFC 792: the
 * header and at least 8 octets) total_len may exceed what is there. */
typedef struct {
  size_t off, ihl;
  uint8_t proto;
  Ipv4Addr src, dst;
  bool later_frag; /* fragment offset > 0 */
  size_t l4, l4_len;  /* transport start and the bytes of it present */
  bool ports;         /* TCP/UDP with its ports present */
  uint16_t sport, dport;
  size_t l4_csum;     /* the transport checksum's offset, NO_CSUM when not present */
  bool icmp;          /* ICMP with type, code, checksum present */
  uint8_t icmp_type;
  bool icmp_echo_id;  /* an echo request/reply with its identifier */
  uint16_t icmp_id;
} Hdr;

static bool hdr_parse(const uint8_t *buf, size_t len, size_t off, bool quoted, Hdr *h)
{
  memset(h, 0, sizeof *h);
  WireReader r = wire_reader(buf, len);
  wire_skip(&r, off, "offset");
  uint8_t vi = wire_get_u8(&r, "ip.version_ihl");
  wire_skip(&r, 1, "ip.tos");
  uint16_t total = wire_get_u16(&r, "ip.total_length");
  wire_skip(&r, 2, "ip.id");
  uint16_t frag = wire_get_u16(&r, "ip.flags_fragment");
  wire_skip(&r, 1, "ip.ttl");
  h->proto = wire_get_u8(&r, "ip.protocol");
  wire_skip(&r, 2, "ip.checksum");
  h->src.v = wire_get_u32(&r, "ip.src");
  h->dst.v = wire_get_u32(&r, "ip.dst");
  h->off = off;
  h->ihl = (size_t)(vi & 0xf) * 4;
  /* RFC 791 3.1: version 4, IHL at least 5, total length covers the header */
  if (!wire_ok(&r) || vi >> 4 != 4 || h->ihl < INET_IPV4_HDR_LEN || total < h->ihl)
    return false;
  wire_skip(&r, h->ihl - INET_IPV4_HDR_LEN, "ip.options");
  if (!wire_ok(&r))
    return false;
  size_t avail = wire_left(&r);
  if (!quoted && (size_t)total - h->ihl > avail)
    return false;
  h->l4 = off + h->ihl;
  h->l4_len = MIN(avail, (size_t)total - h->ihl);
  h->later_frag = (frag & 0x1fff) != 0;
  h->l4_csum = NO_CSUM;
  if (h->later_frag)
    return true;
  WireReader t = wire_reader(buf + h->l4, h->l4_len);
  if (h->proto == INET_PROTO_TCP || h->proto == INET_PROTO_UDP) {
    h->sport = wire_get_u16(&t, "l4.sport");
    h->dport = wire_get_u16(&t, "l4.dport");
    h->ports = wire_ok(&t);
    size_t co = h->proto == INET_PROTO_UDP ? 6 : 16; /* RFC 768; RFC 793 3.1 */
    if (h->l4_len >= co + 2)
      h->l4_csum = h->l4 + co;
  } else if (h->proto == INET_PROTO_ICMP) {
    h->icmp_type = wire_get_u8(&t, "icmp.type");
    wire_skip(&t, 3, "icmp.code_checksum");
    h->icmp = wire_ok(&t);
    if (h->icmp)
      h->l4_csum = h->l4 + 2;
    uint16_t id = wire_get_u16(&t, "icmp.identifier");
    if (wire_ok(&t) && (h->icmp_type == ICMP_ECHO_REQUEST || h->icmp_type == ICMP_ECHO_REPLY)) {
      h->icmp_echo_id = true;
      h->icmp_id = id;
    }
  }
  return true;
}

static bool icmp_is_error(uint8_t type)
{
  /* RFC 792 / RFC 5508 4: the errors that quote the packet that caused them */
  return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED || type == 4 /* quench */ ||
         type == 5 /* redirect */ || type == 12 /* parameter problem */;
}

/* The flow endpoint a header carries: its port (TCP/UDP) or echo identifier (ICMP). */
static bool endpoint_port(const Hdr *h, bool source, uint16_t *port)
{
  if (h->ports) {
    *port = source ? h->sport : h->dport;
    return true;
  }
  if (h->icmp_echo_id) {
    *port = h->icmp_id;
    return true;
  }
  return false;
}

static size_t port_off(const Hdr *h, bool source)
{
  if (h->ports)
    return h->l4 + (source ? 0 : 2);
  return h->l4 + 4; /* ICMP echo identifier */
}

/* Rewrite one endpoint (source or destination) of header h to a:p (p < 0: keep). */
static void rewrite(Rw *x, const Hdr *h, bool source, Ipv4Addr a, int p)
{
  bool udp = h->proto == INET_PROTO_UDP;
  size_t pseudo = h->ports ? h->l4_csum : NO_CSUM; /* ICMP has no pseudo-header */
  set_addr(x, h->off + (source ? 12 : 16), a, h->off + 10, pseudo, udp);
  if (p >= 0 && (h->ports || h->icmp_echo_id))
    set_word(x, port_off(h, source), (uint16_t)p, h->l4_csum, NO_CSUM, false);
}

static void announce(NatEngine *e, NatMapping *m)
{
  if (m && !m->announced) {
    m->announced = true;
    event(e, NAT_EV_TRANSLATE, m, NULL, -1);
  } else if (!m && !e->announced) {
    e->announced = true;
    event(e, NAT_EV_TRANSLATE, NULL, NULL, -1);
  }
}

/* Static rule: the address (and a single-port mapping) of one endpoint, either way. */
static bool static_map(const NatEngine *e, bool out, Ipv4Addr a, uint8_t proto, int port,
                       Ipv4Addr *na, int *np)
{
  Ipv4Prefix from = out ? e->cfg.internal : e->cfg.external;
  Ipv4Prefix to = out ? e->cfg.external : e->cfg.internal;
  if (!ipv4_prefix_contains_addr(from, a))
    return false;
  uint32_t mask = ipv4_mask(from.len);
  na->v = (to.addr.v & mask) | (a.v & ~mask);
  *np = -1;
  for (unsigned i = 0; i < e->cfg.n_ports && port >= 0; i++) {
    const NatPortMap *pm = &e->cfg.ports[i];
    if (pm->proto == proto && (out ? pm->internal_port : pm->external_port) == port)
      *np = out ? pm->external_port : pm->internal_port;
  }
  return true;
}

static NatVerdict drop(NatEngine *e, NatDrop why, const NatMapping *m)
{
  nat_engine_drop(e, why, m);
  return NAT_DROPPED;
}

static NatVerdict translate(NatEngine *e, uint8_t *pkt, size_t len, bool out)
{
  g_return_val_if_fail(e && (pkt || !len), NAT_DROPPED);
  reap(e);
  Hdr o, in;
  if (!hdr_parse(pkt, len, 0, false, &o))
    return drop(e, NAT_DROP_MALFORMED, NULL);
  if (e->cfg.udp_only && o.proto != INET_PROTO_UDP)
    return drop(e, NAT_DROP_UDP_ONLY, NULL);
  /* the endpoint this side translates: out = the source, in = the destination */
  Ipv4Addr addr = out ? o.src : o.dst;
  Ipv4Prefix mine = out ? e->cfg.internal : e->cfg.external;
  if (e->cfg.kind == NAT_ADDRESS && !out)
    mine = ipv4_prefix_make(e->cfg.external.addr, 32);
  if (!ipv4_prefix_contains_addr(mine, addr))
    return NAT_PASS;

  Rw x = {.icmp_end = 0};
  wire_writer_init_fixed(&x.w, pkt, len);
  x.w.len = len;
  bool err = o.icmp && icmp_is_error(o.icmp_type);
  bool have_inner = false;
  if (err) {
    /* RFC 5508 4.1: translate the quoted packet too; its endpoint is the reverse one */
    x.icmp_start = o.l4;
    x.icmp_end = o.l4 + o.l4_len;
    x.icmp_csum = o.l4 + 2;
    have_inner = o.l4_len >= 8 + INET_IPV4_HDR_LEN && hdr_parse(pkt, o.l4 + o.l4_len, o.l4 + 8, true, &in);
    if (!have_inner)
      return drop(e, NAT_DROP_MALFORMED, NULL);
  } else if (o.proto == INET_PROTO_TCP || o.proto == INET_PROTO_UDP) {
    if (!o.later_frag && !o.ports)
      return drop(e, NAT_DROP_MALFORMED, NULL);
  } else if (o.proto == INET_PROTO_ICMP && !o.later_frag && !o.icmp) {
    return drop(e, NAT_DROP_MALFORMED, NULL);
  }

  if (e->cfg.kind == NAT_STATIC) {
    Ipv4Addr na;
    int np = -1;
    if (o.later_frag && e->cfg.n_ports)
      return drop(e, NAT_DROP_FRAGMENT, NULL);
    uint16_t port = 0;
    bool hp = !err && o.ports && endpoint_port(&o, out, &port);
    static_map(e, out, addr, o.proto, hp ? port : -1, &na, &np);
    rewrite(&x, &o, out, na, o.ports ? np : -1);
    if (err) {
      uint16_t ip = 0;
      bool ihp = in.ports && endpoint_port(&in, !out, &ip);
      Ipv4Addr ia = out ? in.dst : in.src, nia;
      int inp = -1;
      if (static_map(e, out, ia, in.proto, ihp ? ip : -1, &nia, &inp))
        rewrite(&x, &in, !out, nia, in.ports ? inp : -1);
    }
    if (!wire_writer_ok(&x.w))
      return drop(e, NAT_DROP_MALFORMED, NULL);
    if (out)
      e->c.translated_out++;
    else
      e->c.translated_in++;
    announce(e, NULL);
    return NAT_TRANSLATED;
  }

  /* DYNAMIC / ADDRESS: a flow is keyed by protocol, address and port (echo identifier) */
  if (o.later_frag)
    return drop(e, NAT_DROP_FRAGMENT, NULL);
  const Hdr *key = err ? &in : &o;
  bool key_src = err ? !out : out; /* which endpoint of the key header is ours */
  uint16_t port;
  if (!endpoint_port(key, key_src, &port) || (err && in.later_frag))
    return drop(e, err ? NAT_DROP_MALFORMED : NAT_DROP_PROTOCOL, NULL);
  if (key->proto == INET_PROTO_ICMP && !key->icmp_echo_id)
    return drop(e, NAT_DROP_PROTOCOL, NULL);
  NatMapping *m;
  if (out) {
    Ipv4Addr ka = key_src ? key->src : key->dst;
    m = flow_out(e, key->proto, ka, port, !err);
    if (!m)
      return err ? drop(e, NAT_DROP_NO_MAPPING, NULL) : NAT_DROPPED;
    if (!err) {
      m->last_out = now(e);
      schedule(e);
    }
    e->c.translated_out++;
  } else {
    Ipv4Addr ka = key_src ? key->src : key->dst;
    m = by_ext(e, key->proto, ka, port);
    if (!m)
      return drop(e, NAT_DROP_NO_MAPPING, NULL);
    if (!nat_engine_flow_in(e, m))
      return NAT_DROPPED;
  }
  Ipv4Addr na = out ? m->ext_addr : m->in_addr;
  int np = out ? m->ext_port : m->in_port;
  if (err) {
    rewrite(&x, &o, out, na, -1);
    rewrite(&x, &in, !out, na, np);
  } else {
    rewrite(&x, &o, out, na, np);
  }
  if (!wire_writer_ok(&x.w))
    return drop(e, NAT_DROP_MALFORMED, m);
  announce(e, m);
  return NAT_TRANSLATED;
}

NatVerdict nat_engine_out(NatEngine *e, uint8_t *pkt, size_t len)
{
  return translate(e, pkt, len, true);
}

NatVerdict nat_engine_in(NatEngine *e, uint8_t *pkt, size_t len)
{
  return translate(e, pkt, len, false);
}

/* ---- lifecycle ---- */

NatEngine *nat_engine_new(const NatConfig *cfg, const NatEnv *env, const char **err)
{
  static const char *dummy;
  if (!err)
    err = &dummy;
  g_return_val_if_fail(cfg && env, NULL);
  if (cfg->kind == NAT_STATIC && cfg->internal.len != cfg->external.len) {
    *err = "static NAT needs internal and external prefixes of the same length";
    return NULL;
  }
  if (cfg->kind == NAT_DYNAMIC && cfg->port_first > cfg->port_last) {
    *err = "NAPT port range is empty";
    return NULL;
  }
  if (cfg->kind == NAT_ADDRESS && cfg->external.len != 32) {
    *err = "address translation needs one external address (a /32)";
    return NULL;
  }
  if (cfg->n_ports > NAT_MAX_PORT_MAPS || (cfg->n_ports && cfg->kind != NAT_STATIC)) {
    *err = "port mappings belong to static rules only";
    return NULL;
  }
  NatEngine *e = g_new0(NatEngine, 1);
  e->cfg = *cfg;
  e->cfg.internal = ipv4_prefix_make(cfg->internal.addr, cfg->internal.len);
  e->cfg.external = ipv4_prefix_make(cfg->external.addr, cfg->external.len);
  e->env = *env;
  e->maps = g_ptr_array_new();
  e->closed = g_ptr_array_new_with_free_func(g_free);
  e->by_ext = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  e->next_port = cfg->port_first;
  return e;
}

void nat_engine_free(NatEngine *e)
{
  if (!e)
    return;
  for (guint i = 0; i < e->maps->len; i++)
    g_free(g_ptr_array_index(e->maps, i));
  g_ptr_array_free(e->maps, TRUE);
  g_ptr_array_free(e->closed, TRUE);
  g_hash_table_destroy(e->by_ext);
  g_free(e);
}

const NatCounters *nat_engine_counters(const NatEngine *e)
{
  return &e->c;
}

unsigned nat_engine_n_mappings(const NatEngine *e)
{
  return e->maps->len;
}

NatMapping *nat_engine_mapping(const NatEngine *e, unsigned i)
{
  g_return_val_if_fail(i < e->maps->len, NULL);
  return g_ptr_array_index(e->maps, i);
}
