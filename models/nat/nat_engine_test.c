/* SPDX-License-Identifier: MIT */
/* Tests of the NAT engine: each kind both ways with every checksum verified by
 * models/common/inet, ICMP errors with their quoted packet, pool exhaustion, mapping
 * timeouts and timers, refusal of flows started outside, rebinding, events and counters,
 * and a truncation sweep that must never crash or translate. */
#include "models/nat/nat_engine.h"

#include "models/common/inet.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

/* ---- environment: a settable clock, a recorded event list and timer ---- */

typedef struct {
  int64_t now;
  GPtrArray *events; /* "type reason" strings */
  int64_t timer_at;
  unsigned opened, closed;
} Env;

static int64_t env_now(void *u) { return ((Env *)u)->now; }
static void env_timer(void *u, int64_t at) { ((Env *)u)->timer_at = at; }
static bool env_open(void *u, NatMapping *m) { (void)m; ((Env *)u)->opened++; return true; }
static void env_close(void *u, NatMapping *m) { (void)m; ((Env *)u)->closed++; }

static void env_emit(void *u, const VsEvent *ev)
{
  Env *x = u;
  const char *reason = "";
  for (unsigned i = 0; i < ev->n_attrs; i++)
    if (!strcmp(ev->attrs[i].key, "reason"))
      reason = ev->attrs[i].v.s;
  g_ptr_array_add(x->events, g_strdup_printf("%s %s", ev->type, reason));
}

static unsigned n_events(const Env *x, const char *prefix)
{
  unsigned n = 0;
  for (guint i = 0; i < x->events->len; i++)
    n += g_str_has_prefix(g_ptr_array_index(x->events, i), prefix);
  return n;
}

static NatEngine *engine(Env *x, NatConfig *c)
{
  memset(x, 0, sizeof *x);
  x->events = g_ptr_array_new_with_free_func(g_free);
  x->timer_at = -1;
  c->node = "nat1";
  if (!c->port_first && !c->port_last) {
    c->port_first = 1024;
    c->port_last = 65535;
  }
  NatEnv env = {.user = x, .events = {env_emit, x}, .now = env_now, .timer_schedule = env_timer,
                .mapping_open = env_open, .mapping_close = env_close};
  const char *err = NULL;
  NatEngine *e = nat_engine_new(c, &env, &err);
  g_assert_nonnull(e);
  return e;
}

static void env_done(Env *x) { g_ptr_array_free(x->events, TRUE); }

/* ---- packets ---- */

static GByteArray *udp_pkt(const char *src, uint16_t sp, const char *dst, uint16_t dp, size_t n)
{
  WireWriter w;
  wire_writer_init(&w);
  uint8_t data[64] = {0};
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (uint8_t)(i * 7);
  InetIpv4Header h = {.ihl_bytes = 20, .total_len = (uint16_t)(28 + n), .ttl = 64,
                      .id = 0x1234, .proto = INET_PROTO_UDP, .src = tu_addr(src), .dst = tu_addr(dst)};
  inet_ipv4_encode(&w, &h);
  inet_udp_encode(&w, h.src, h.dst, sp, dp, data, n);
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, w.buf, (guint)w.len);
  wire_writer_clear(&w);
  return b;
}

/* RFC 793 3.1: a 20-octet TCP header (SYN), checksum over the pseudo-header. */
static GByteArray *tcp_pkt(const char *src, uint16_t sp, const char *dst, uint16_t dp)
{
  WireWriter w;
  wire_writer_init(&w);
  InetIpv4Header h = {.ihl_bytes = 20, .total_len = 40, .ttl = 64, .proto = INET_PROTO_TCP,
                      .src = tu_addr(src), .dst = tu_addr(dst)};
  inet_ipv4_encode(&w, &h);
  uint8_t t[20] = {sp >> 8, sp & 0xff, dp >> 8, dp & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02,
                   0xff, 0xff, 0, 0, 0, 0};
  uint8_t ph[12] = {h.src.v >> 24, h.src.v >> 16, h.src.v >> 8, h.src.v, h.dst.v >> 24,
                    h.dst.v >> 16, h.dst.v >> 8, h.dst.v, 0, INET_PROTO_TCP, 0, 20};
  uint16_t c = inet_checksum_fold(inet_checksum_add(inet_checksum_add(0, ph, 12), t, 20));
  t[16] = (uint8_t)(c >> 8);
  t[17] = (uint8_t)c;
  wire_put_bytes(&w, t, 20);
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, w.buf, (guint)w.len);
  wire_writer_clear(&w);
  return b;
}

static GByteArray *echo_pkt(uint8_t type, const char *src, const char *dst, uint16_t ident)
{
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, type, tu_addr(src), tu_addr(dst), 7, ident, 1, NULL, 24);
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, w.buf, (guint)w.len);
  wire_writer_clear(&w);
  return b;
}

/* ICMP 3/4 from 'from' quoting the first bytes of orig. */
static GByteArray *icmp_err(const char *from, const GByteArray *orig)
{
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_frag_needed_packet(&w, tu_addr(from), 9, orig->data, orig->len, 1400);
  GByteArray *b = g_byte_array_new();
  g_byte_array_append(b, w.buf, (guint)w.len);
  wire_writer_clear(&w);
  return b;
}

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Transport checksum over pseudo-header and the bytes present (a whole segment). */
static bool l4_ok(const uint8_t *ip, size_t len)
{
  size_t ihl = (size_t)(ip[0] & 0xf) * 4;
  uint8_t proto = ip[9];
  const uint8_t *l4 = ip + ihl;
  size_t n = len - ihl;
  if (proto == INET_PROTO_ICMP)
    return inet_checksum(l4, n) == 0;
  if (proto == INET_PROTO_UDP && rd16(l4 + 6) == 0)
    return true;
  uint8_t ph[12];
  memcpy(ph, ip + 12, 8);
  ph[8] = 0;
  ph[9] = proto;
  ph[10] = (uint8_t)(n >> 8);
  ph[11] = (uint8_t)n;
  return inet_checksum_fold(inet_checksum_add(inet_checksum_add(0, ph, 12), l4, n)) == 0;
}

static void assert_valid(const GByteArray *b)
{
  g_assert_true(inet_ipv4_checksum_ok(b->data, 20));
  g_assert_true(l4_ok(b->data, b->len));
}

#define SRC(b) rd32((b)->data + 12)
#define DST(b) rd32((b)->data + 16)
#define SPORT(b) rd16((b)->data + 20)
#define DPORT(b) rd16((b)->data + 22)

/* ---- static ---- */

static void test_static_both_ways(void)
{
  Env x;
  NatConfig c = {.kind = NAT_STATIC, .rule = "r1", .internal = tu_prefix("10.0.2.0/25"),
                 .external = tu_prefix("192.168.2.0/25"), .n_ports = 1,
                 .ports = {{INET_PROTO_TCP, 80, 8080}}};
  NatEngine *e = engine(&x, &c);
  g_autoptr(GByteArray) u = udp_pkt("10.0.2.77", 1000, "172.16.0.1", 53, 20);
  g_assert_cmpint(nat_engine_out(e, u->data, u->len), ==, NAT_TRANSLATED);
  g_assert_cmphex(SRC(u), ==, tu_addr("192.168.2.77").v);
  g_assert_cmpuint(SPORT(u), ==, 1000); /* no UDP port mapping */
  assert_valid(u);
  /* the reply: destination back to internal */
  g_autoptr(GByteArray) r = udp_pkt("172.16.0.1", 53, "192.168.2.77", 1000, 20);
  g_assert_cmpint(nat_engine_in(e, r->data, r->len), ==, NAT_TRANSLATED);
  g_assert_cmphex(DST(r), ==, tu_addr("10.0.2.77").v);
  assert_valid(r);
  /* stateless: a flow started from outside is translated too */
  g_autoptr(GByteArray) t = tcp_pkt("172.16.0.9", 5555, "192.168.2.5", 8080);
  g_assert_cmpint(nat_engine_in(e, t->data, t->len), ==, NAT_TRANSLATED);
  g_assert_cmphex(DST(t), ==, tu_addr("10.0.2.5").v);
  g_assert_cmpuint(DPORT(t), ==, 80); /* the single-port mapping */
  assert_valid(t);
  g_autoptr(GByteArray) t2 = tcp_pkt("10.0.2.5", 80, "172.16.0.9", 5555);
  g_assert_cmpint(nat_engine_out(e, t2->data, t2->len), ==, NAT_TRANSLATED);
  g_assert_cmpuint(SPORT(t2), ==, 8080);
  assert_valid(t2);
  /* outside the internal prefix (the /25's neighbour): not this rule's */
  g_autoptr(GByteArray) p = udp_pkt("10.0.2.128", 1000, "172.16.0.1", 53, 4);
  g_assert_cmpint(nat_engine_out(e, p->data, p->len), ==, NAT_PASS);
  g_assert_cmphex(SRC(p), ==, tu_addr("10.0.2.128").v);
  /* echo: address only */
  g_autoptr(GByteArray) ping = echo_pkt(ICMP_ECHO_REQUEST, "10.0.2.3", "172.16.0.1", 99);
  g_assert_cmpint(nat_engine_out(e, ping->data, ping->len), ==, NAT_TRANSLATED);
  assert_valid(ping);
  const NatCounters *k = nat_engine_counters(e);
  g_assert_cmpuint(k->translated_out, ==, 3);
  g_assert_cmpuint(k->translated_in, ==, 2);
  g_assert_cmpuint(n_events(&x, "nat.translate"), ==, 1); /* first per rule */
  nat_engine_free(e);
  env_done(&x);
}

static void test_static_config(void)
{
  Env x = {0};
  NatEnv env = {.user = &x};
  const char *err = NULL;
  NatConfig c = {.kind = NAT_STATIC, .internal = tu_prefix("10.0.2.0/25"),
                 .external = tu_prefix("192.168.2.0/24")};
  g_assert_null(nat_engine_new(&c, &env, &err));
  g_assert_nonnull(strstr(err, "same length"));
  c.external = tu_prefix("192.168.2.0/25"); /* the nearest valid neighbour */
  NatEngine *e = nat_engine_new(&c, &env, &err);
  g_assert_nonnull(e);
  nat_engine_free(e);
}

/* RFC 5508 4.1: an ICMP error from the internal side quotes the packet it was sent, whose
 * destination is the internal host: both are translated. */
static void test_static_icmp_error_out(void)
{
  Env x;
  NatConfig c = {.kind = NAT_STATIC, .internal = tu_prefix("10.0.2.0/24"),
                 .external = tu_prefix("192.168.2.0/24")};
  NatEngine *e = engine(&x, &c);
  /* what arrived (already translated in): 172.16.0.1 -> 10.0.2.5, empty UDP */
  g_autoptr(GByteArray) orig = udp_pkt("172.16.0.1", 4000, "10.0.2.5", 53, 0);
  g_autoptr(GByteArray) err = icmp_err("10.0.2.5", orig);
  g_assert_cmpint(nat_engine_out(e, err->data, err->len), ==, NAT_TRANSLATED);
  g_assert_cmphex(SRC(err), ==, tu_addr("192.168.2.5").v);
  const uint8_t *inner = err->data + 28;
  g_assert_cmphex(rd32(inner + 16), ==, tu_addr("192.168.2.5").v);
  assert_valid(err);                              /* outer IP and ICMP */
  g_assert_true(inet_ipv4_checksum_ok(inner, 20)); /* quoted IP header */
  g_assert_true(l4_ok(inner, 28));                 /* quoted UDP (whole) */
  nat_engine_free(e);
  env_done(&x);
}

/* ---- dynamic ---- */

static NatConfig dyn(void)
{
  return (NatConfig){.kind = NAT_DYNAMIC, .rule = "dyn", .internal = tu_prefix("10.0.0.0/16"),
                     .external = tu_prefix("100.64.0.0/30"), .udp_timeout_ns = 30 * G_TIME_SPAN_SECOND * 1000,
                     .tcp_timeout_ns = NAT_NO_TIMEOUT, .icmp_timeout_ns = 60 * G_TIME_SPAN_SECOND * 1000,
                     .port_first = 1024, .port_last = 65535};
}

static void test_dynamic_both_ways(void)
{
  Env x;
  NatConfig c = dyn();
  NatEngine *e = engine(&x, &c);
  g_autoptr(GByteArray) u = udp_pkt("10.0.1.5", 5000, "8.8.8.8", 53, 33);
  g_assert_cmpint(nat_engine_out(e, u->data, u->len), ==, NAT_TRANSLATED);
  g_assert_true(ipv4_prefix_contains_addr(c.external, (Ipv4Addr){SRC(u)}));
  g_assert_cmpuint(SPORT(u), ==, 1024);
  assert_valid(u);
  uint32_t ext = SRC(u);
  /* the same host's second flow: same external address (paired), next port */
  g_autoptr(GByteArray) t = tcp_pkt("10.0.1.5", 6000, "8.8.8.8", 443);
  g_assert_cmpint(nat_engine_out(e, t->data, t->len), ==, NAT_TRANSLATED);
  g_assert_cmphex(SRC(t), ==, ext);
  g_assert_cmpuint(SPORT(t), ==, 1025);
  assert_valid(t);
  /* replies come back */
  char a[IPV4_ADDR_STRLEN];
  g_autoptr(GByteArray) r = udp_pkt("8.8.8.8", 53, ipv4_addr_format((Ipv4Addr){ext}, a), 1024, 10);
  g_assert_cmpint(nat_engine_in(e, r->data, r->len), ==, NAT_TRANSLATED);
  g_assert_cmphex(DST(r), ==, tu_addr("10.0.1.5").v);
  g_assert_cmpuint(DPORT(r), ==, 5000);
  assert_valid(r);
  g_autoptr(GByteArray) tr = tcp_pkt("8.8.8.8", 443, a, 1025);
  g_assert_cmpint(nat_engine_in(e, tr->data, tr->len), ==, NAT_TRANSLATED);
  g_assert_cmpuint(DPORT(tr), ==, 6000);
  assert_valid(tr);
  /* a flow started from the external side is not established (facts 6) */
  g_autoptr(GByteArray) s = tcp_pkt("8.8.8.8", 443, a, 2000);
  g_assert_cmpint(nat_engine_in(e, s->data, s->len), ==, NAT_DROPPED);
  g_autoptr(GByteArray) s2 = tcp_pkt("8.8.8.8", 443, a, 1025); /* its nearest valid neighbour */
  g_assert_cmpint(nat_engine_in(e, s2->data, s2->len), ==, NAT_TRANSLATED);
  const NatCounters *k = nat_engine_counters(e);
  g_assert_cmpuint(k->drops[NAT_DROP_NO_MAPPING], ==, 1);
  g_assert_cmpuint(k->mappings, ==, 2);
  g_assert_cmpuint(n_events(&x, "nat.mapping.created"), ==, 2);
  g_assert_cmpuint(n_events(&x, "nat.translate"), ==, 2); /* first per mapping */
  g_assert_cmpuint(n_events(&x, "nat.drop no mapping"), ==, 1);
  /* not from the internal prefix: not this rule's */
  g_autoptr(GByteArray) o = udp_pkt("10.1.0.1", 1, "8.8.8.8", 53, 0);
  g_assert_cmpint(nat_engine_out(e, o->data, o->len), ==, NAT_PASS);
  nat_engine_free(e);
  env_done(&x);
}

static void test_dynamic_echo_and_icmp_error(void)
{
  Env x;
  NatConfig c = dyn();
  NatEngine *e = engine(&x, &c);
  g_autoptr(GByteArray) ping = echo_pkt(ICMP_ECHO_REQUEST, "10.0.0.7", "8.8.4.4", 0x4242);
  g_assert_cmpint(nat_engine_out(e, ping->data, ping->len), ==, NAT_TRANSLATED);
  assert_valid(ping);
  uint16_t id = rd16(ping->data + 24);
  g_assert_cmpuint(id, ==, 1024);
  char a[IPV4_ADDR_STRLEN];
  ipv4_addr_format((Ipv4Addr){SRC(ping)}, a);
  g_autoptr(GByteArray) pong = echo_pkt(ICMP_ECHO_REPLY, "8.8.4.4", a, id);
  g_assert_cmpint(nat_engine_in(e, pong->data, pong->len), ==, NAT_TRANSLATED);
  g_assert_cmpuint(rd16(pong->data + 24), ==, 0x4242);
  g_assert_cmphex(DST(pong), ==, tu_addr("10.0.0.7").v);
  assert_valid(pong);

  /* a UDP flow out, then an ICMP error about it from a router on the way */
  g_autoptr(GByteArray) u = udp_pkt("10.0.0.7", 7000, "8.8.4.4", 9, 0);
  g_assert_cmpint(nat_engine_out(e, u->data, u->len), ==, NAT_TRANSLATED);
  g_autoptr(GByteArray) err = icmp_err("203.0.113.1", u);
  g_assert_cmpint(nat_engine_in(e, err->data, err->len), ==, NAT_TRANSLATED);
  g_assert_cmphex(DST(err), ==, tu_addr("10.0.0.7").v);
  const uint8_t *inner = err->data + 28;
  g_assert_cmphex(rd32(inner + 12), ==, tu_addr("10.0.0.7").v);
  g_assert_cmpuint(rd16(inner + 20), ==, 7000);
  assert_valid(err);
  g_assert_true(inet_ipv4_checksum_ok(inner, 20));
  g_assert_true(l4_ok(inner, 28));
  /* an error quoting a flow that has no mapping */
  g_autoptr(GByteArray) u2 = udp_pkt(a, 999, "8.8.4.4", 9, 0);
  g_autoptr(GByteArray) err2 = icmp_err("203.0.113.1", u2);
  g_assert_cmpint(nat_engine_in(e, err2->data, err2->len), ==, NAT_DROPPED);
  nat_engine_free(e);
  env_done(&x);
}

static void test_pool_exhaustion(void)
{
  Env x;
  NatConfig c = dyn();
  c.external = tu_prefix("100.64.0.1/32");
  c.port_first = 5000;
  c.port_last = 5001;
  NatEngine *e = engine(&x, &c);
  for (int i = 0; i < 3; i++) {
    g_autoptr(GByteArray) u = udp_pkt("10.0.0.1", (uint16_t)(100 + i), "8.8.8.8", 53, 1);
    g_assert_cmpint(nat_engine_out(e, u->data, u->len), ==, i < 2 ? NAT_TRANSLATED : NAT_DROPPED);
  }
  g_assert_cmpuint(nat_engine_counters(e)->drops[NAT_DROP_EXHAUSTED], ==, 1);
  g_assert_cmpuint(n_events(&x, "nat.drop external pool exhausted"), ==, 1);
  /* once a mapping expires its port is free again */
  x.now += 31 * G_TIME_SPAN_SECOND * 1000;
  g_autoptr(GByteArray) u = udp_pkt("10.0.0.1", 200, "8.8.8.8", 53, 1);
  g_assert_cmpint(nat_engine_out(e, u->data, u->len), ==, NAT_TRANSLATED);
  g_assert_cmpuint(SPORT(u), ==, 5000);
  g_assert_cmpuint(x.closed, ==, 1);
  nat_engine_free(e);
  env_done(&x);
}

static void test_mapping_timeout(void)
{
  Env x;
  NatConfig c = dyn();
  NatEngine *e = engine(&x, &c);
  g_autoptr(GByteArray) u = udp_pkt("10.0.0.1", 100, "8.8.8.8", 53, 1);
  g_assert_cmpint(nat_engine_out(e, u->data, u->len), ==, NAT_TRANSLATED);
  int64_t to = 30 * G_TIME_SPAN_SECOND * 1000;
  g_assert_cmpint(x.timer_at, ==, to + 1); /* the environment is asked for a timer */
  char a[IPV4_ADDR_STRLEN];
  ipv4_addr_format((Ipv4Addr){SRC(u)}, a);
  /* at exactly the timeout the mapping still holds (the nearest valid neighbour) */
  x.now = to;
  g_autoptr(GByteArray) r1 = udp_pkt("8.8.8.8", 53, a, 1024, 1);
  g_assert_cmpint(nat_engine_in(e, r1->data, r1->len), ==, NAT_TRANSLATED);
  x.now = to + 1;
  nat_engine_expire(e); /* the timer fired */
  g_assert_cmpuint(n_events(&x, "nat.mapping.expired"), ==, 1);
  g_autoptr(GByteArray) r2 = udp_pkt("8.8.8.8", 53, a, 1024, 1);
  g_assert_cmpint(nat_engine_in(e, r2->data, r2->len), ==, NAT_DROPPED);
  g_assert_cmpuint(nat_engine_counters(e)->drops[NAT_DROP_EXPIRED], ==, 1);
  /* TCP has no timeout here: never expires */
  g_autoptr(GByteArray) t = tcp_pkt("10.0.0.1", 100, "8.8.8.8", 80);
  g_assert_cmpint(nat_engine_out(e, t->data, t->len), ==, NAT_TRANSLATED);
  x.now += (int64_t)1e15;
  nat_engine_expire(e);
  g_assert_cmpuint(n_events(&x, "nat.mapping.expired"), ==, 1);
  nat_engine_free(e);
  env_done(&x);
}

static void test_rebind(void)
{
  Env x;
  NatConfig c = dyn();
  c.external = tu_prefix("100.64.0.1/32");
  c.port_first = 40000;
  NatEngine *e = engine(&x, &c);
  NatMapping *m = nat_engine_flow_out(e, INET_PROTO_UDP, tu_addr("10.0.0.1"), 4500);
  g_assert_nonnull(m);
  g_assert_cmpuint(m->ext_port, ==, 40000);
  g_assert_cmpuint(nat_engine_rebind(e), ==, 1);
  g_assert_true(m->rebound);
  g_assert_false(nat_engine_flow_in(e, m));
  g_assert_cmpuint(nat_engine_counters(e)->drops[NAT_DROP_REBOUND], ==, 1);
  NatMapping *k = nat_engine_flow_out(e, INET_PROTO_UDP, tu_addr("10.0.0.1"), 4500);
  g_assert_cmpuint(k->ext_port, ==, 40001);
  g_assert_true(nat_engine_flow_in(e, k));
  g_assert_cmpuint(n_events(&x, "nat.mapping.rebound"), ==, 1);
  g_assert_cmpuint(nat_engine_n_mappings(e), ==, 2);
  nat_engine_free(e);
  env_done(&x);
}

/* ---- address only ---- */

static void test_address_mode(void)
{
  Env x;
  NatConfig c = {.kind = NAT_ADDRESS, .internal = tu_prefix("0.0.0.0/0"),
                 .external = tu_prefix("198.51.100.7/32"), .udp_only = true,
                 .udp_timeout_ns = 10, .tcp_timeout_ns = 10, .icmp_timeout_ns = 10};
  NatEngine *e = engine(&x, &c);
  g_autoptr(GByteArray) u = udp_pkt("192.168.1.10", 4500, "203.0.113.5", 4500, 40);
  g_assert_cmpint(nat_engine_out(e, u->data, u->len), ==, NAT_TRANSLATED);
  g_assert_cmphex(SRC(u), ==, tu_addr("198.51.100.7").v);
  g_assert_cmpuint(SPORT(u), ==, 4500); /* ports kept */
  assert_valid(u);
  g_autoptr(GByteArray) r = udp_pkt("203.0.113.5", 4500, "198.51.100.7", 4500, 40);
  g_assert_cmpint(nat_engine_in(e, r->data, r->len), ==, NAT_TRANSLATED);
  g_assert_cmphex(DST(r), ==, tu_addr("192.168.1.10").v);
  assert_valid(r);
  /* a UDP-only box drops ESP */
  g_autoptr(GByteArray) t = tcp_pkt("192.168.1.10", 1, "203.0.113.5", 2);
  t->data[9] = INET_PROTO_ESP;
  g_assert_cmpint(nat_engine_out(e, t->data, t->len), ==, NAT_DROPPED);
  g_assert_cmpuint(n_events(&x, "nat.drop not UDP"), ==, 1);
  /* after the timeout the same mapping comes back, "renewed" */
  x.now = 100;
  g_autoptr(GByteArray) u2 = udp_pkt("192.168.1.10", 4500, "203.0.113.5", 4500, 40);
  g_assert_cmpint(nat_engine_out(e, u2->data, u2->len), ==, NAT_TRANSLATED);
  g_assert_cmpuint(n_events(&x, "nat.mapping.created renewed"), ==, 1);
  g_assert_cmpuint(nat_engine_n_mappings(e), ==, 1);
  nat_engine_free(e);
  env_done(&x);
}

/* ---- malformed ---- */

/* Every truncation of every packet shape, both ways, every kind: never translated (the
 * IPv4 total length no longer fits), never a crash. */
static void test_truncation_sweep(void)
{
  GByteArray *pk[5];
  pk[0] = udp_pkt("10.0.0.1", 1, "192.168.2.1", 2, 12);
  pk[1] = tcp_pkt("10.0.0.1", 1, "192.168.2.1", 2);
  pk[2] = echo_pkt(ICMP_ECHO_REQUEST, "10.0.0.1", "192.168.2.1", 5);
  pk[3] = icmp_err("10.0.0.1", pk[0]);
  pk[4] = icmp_err("192.168.2.1", pk[1]);
  NatKind kinds[] = {NAT_STATIC, NAT_DYNAMIC, NAT_ADDRESS};
  for (unsigned k = 0; k < G_N_ELEMENTS(kinds); k++) {
    Env x;
    NatConfig c = {.kind = kinds[k], .internal = tu_prefix("10.0.0.0/24"),
                   .external = kinds[k] == NAT_ADDRESS ? tu_prefix("192.168.2.1/32")
                                                       : tu_prefix("192.168.2.0/24"),
                   .udp_timeout_ns = NAT_NO_TIMEOUT, .tcp_timeout_ns = NAT_NO_TIMEOUT,
                   .icmp_timeout_ns = NAT_NO_TIMEOUT};
    NatEngine *e = engine(&x, &c);
    for (unsigned p = 0; p < G_N_ELEMENTS(pk); p++)
      for (size_t n = 0; n < pk[p]->len; n++)
        for (int dir = 0; dir < 2; dir++) {
          uint8_t *cp = g_memdup2(pk[p]->data, n);
          NatVerdict v = dir ? nat_engine_in(e, cp, n) : nat_engine_out(e, cp, n);
          g_assert_cmpint(v, !=, NAT_TRANSLATED);
          g_free(cp);
        }
    g_assert_cmpuint(nat_engine_counters(e)->drops[NAT_DROP_MALFORMED], >, 0);
    nat_engine_free(e);
    env_done(&x);
  }
  for (unsigned p = 0; p < G_N_ELEMENTS(pk); p++)
    g_byte_array_unref(pk[p]);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/nat/static/both-ways", test_static_both_ways);
  g_test_add_func("/nat/static/config", test_static_config);
  g_test_add_func("/nat/static/icmp-error-out", test_static_icmp_error_out);
  g_test_add_func("/nat/dynamic/both-ways", test_dynamic_both_ways);
  g_test_add_func("/nat/dynamic/echo-and-icmp-error", test_dynamic_echo_and_icmp_error);
  g_test_add_func("/nat/dynamic/pool-exhaustion", test_pool_exhaustion);
  g_test_add_func("/nat/dynamic/timeout", test_mapping_timeout);
  g_test_add_func("/nat/dynamic/rebind", test_rebind);
  g_test_add_func("/nat/address/both-ways", test_address_mode);
  g_test_add_func("/nat/truncation-sweep", test_truncation_sweep);
  return g_test_run();
}
