/* SPDX-License-Identifier: MIT */
/* Traffic helpers over the engine's C API: ping, constant-rate UDP, TCP bulk transfer. */
#include "sim/engine/net_traffic.h"

#include "models/common/inet.h"
#include "models/common/wire.h"

#include <glib.h>
#include <string.h>

static void stats_init(NetFlowStats *s)
{
  memset(s, 0, sizeof *s);
  s->delay_min = s->delay_max = -1;
  s->t_first_tx = s->t_last_rx = -1;
}

static void stats_delay(NetFlowStats *s, int64_t d)
{
  if (s->delay_min < 0 || d < s->delay_min)
    s->delay_min = d;
  if (d > s->delay_max)
    s->delay_max = d;
  s->delay_sum += d;
}

/* ---- ping ----
 * RFC 792, Echo or Echo Reply Message:
 *    0                   1                   2                   3
 *   |     Type      |     Code      |          Checksum             |
 *   |           Identifier          |        Sequence Number        |
 *   |     Data ...
 * Type 8 echo, 0 echo reply; the checksum covers the whole ICMP message. */

struct NetPing {
  NetWorld *w;
  NetRawSocket *sock;
  NetPingConfig cfg;
  uint32_t next_seq;
  NetEventId timer;
  int64_t *sent_at;
  uint8_t *seen;
  NetFlowStats st;
};

static uint8_t ping_byte(uint32_t seq, size_t i)
{
  return (uint8_t)(seq * 13 + i);
}

static void ping_send(NetWorld *w, void *user)
{
  NetPing *p = user;
  p->timer = 0;
  size_t n = 8 + (size_t)p->cfg.size;
  uint32_t seq = p->next_seq++;
  g_autofree uint8_t *data = g_malloc(p->cfg.size ? (size_t)p->cfg.size : 1);
  for (size_t i = 0; i < (size_t)p->cfg.size; i++)
    data[i] = ping_byte(seq, 8 + i);
  WireWriter mw;
  wire_writer_init(&mw);
  inet_icmp_echo_encode(&mw, ICMP_ECHO_REQUEST, p->cfg.ident, (uint16_t)seq, data,
                        (size_t)p->cfg.size);
  g_assert(wire_writer_ok(&mw) && wire_writer_len(&mw) == n);
  const uint8_t *m = wire_writer_data(&mw);
  p->sent_at[seq] = net_world_now(w);
  if (p->st.t_first_tx < 0)
    p->st.t_first_tx = p->sent_at[seq];
  if (net_raw_send_to(p->sock, m, n, p->cfg.dst) == NET_OK) {
    p->st.tx_packets++;
    p->st.tx_bytes += n;
  }
  wire_writer_clear(&mw);
  if (p->cfg.observe)
    p->cfg.observe(p->cfg.observe_user, false, seq, -1);
  if (p->next_seq < p->cfg.count)
    p->timer = net_schedule(w, p->cfg.interval_ns, ping_send, p);
}

static void ping_rx(NetRawSocket *s, const uint8_t *m, size_t n, Ipv4Addr src, Ipv4Addr dst,
                    void *user)
{
  NetPing *p = user;
  /* A peer's bytes: check everything before trusting a field. */
  WireReader r = wire_reader(m, n);
  uint8_t type = wire_get_u8(&r, "type"), code = wire_get_u8(&r, "code");
  wire_skip(&r, 2, "checksum");
  uint16_t ident = wire_get_u16(&r, "identifier");
  uint32_t seq = wire_get_u16(&r, "sequence number");
  if (!wire_ok(&r) || type != ICMP_ECHO_REPLY || code != 0 || src.v != p->cfg.dst.v ||
      ident != p->cfg.ident)
    return;
  if (seq >= p->next_seq || n != 8 + (size_t)p->cfg.size)
    return;
  bool ok = inet_checksum(m, n) == 0;
  size_t left;
  const uint8_t *data = wire_get_rest(&r, &left);
  for (size_t i = 0; ok && i < left; i++)
    ok = data[i] == ping_byte(seq, 8 + i);
  if (!ok) {
    p->st.rx_corrupt++;
    return;
  }
  if (p->seen[seq]) {
    p->st.rx_duplicates++;
    return;
  }
  p->seen[seq] = 1;
  int64_t now = net_world_now(p->w);
  p->st.rx_packets++;
  p->st.rx_bytes += n;
  p->st.t_last_rx = now;
  stats_delay(&p->st, now - p->sent_at[seq]);
  if (p->cfg.observe)
    p->cfg.observe(p->cfg.observe_user, true, seq, now - p->sent_at[seq]);
}

NetPing *net_ping_new(NetNode *src, const NetPingConfig *cfg)
{
  g_return_val_if_fail(src != NULL && cfg != NULL && cfg->count > 0, NULL);
  g_return_val_if_fail(cfg->size == 0 || cfg->size >= 8, NULL);
  g_return_val_if_fail(cfg->count <= 65536, NULL);
  NetPing *p = g_new0(NetPing, 1);
  p->w = net_node_world(src);
  p->cfg = *cfg;
  if (!p->cfg.interval_ns)
    p->cfg.interval_ns = 1000000000;
  if (!p->cfg.size)
    p->cfg.size = 56;
  stats_init(&p->st);
  p->sent_at = g_new0(int64_t, cfg->count);
  p->seen = g_new0(uint8_t, cfg->count);
  p->sock = net_raw_new(src, 1, (Ipv4Addr){0}, ping_rx, p);
  if (!p->sock) {
    net_ping_free(p);
    return NULL;
  }
  p->timer = net_schedule(p->w, 0, ping_send, p);
  return p;
}

void net_ping_free(NetPing *p)
{
  if (!p)
    return;
  if (p->timer)
    net_cancel(p->w, p->timer);
  net_raw_free(p->sock);
  g_free(p->sent_at);
  g_free(p->seen);
  g_free(p);
}

const NetFlowStats *net_ping_stats(const NetPing *p)
{
  return p ? &p->st : NULL;
}

/* ---- constant-rate UDP ----
 * Payload: the magic "VSIM" (4 bytes), sequence number (4 bytes), send time in ns (8
 * bytes), then a pattern of the sequence number, so that the receiver checks every byte
 * and measures one-way delay. The magic keeps Wireshark's heuristic dissectors off the
 * flow: a payload that began with the sequence number read, from packet 65,536 on
 * (00 01 ...), as a malformed classic STUN Binding Request; 'V' (0x56) has the top bits
 * 01, which no STUN (00), RTP/RTCP (10) or QUIC long header (11) starts with. */
#define FLOW_MAGIC 0x5653494du /* "VSIM" */
#define FLOW_HDR 16u

struct NetUdpFlow {
  NetWorld *w;
  NetUdpSocket *tx, *rx;
  NetUdpFlowConfig cfg;
  int64_t gap_ns, end_ns;
  uint32_t next_seq;
  NetEventId timer;
  GByteArray *seen; /* one bit per sequence number received */
  uint8_t *buf;     /* the datagram being sent */
  uint8_t *pat0;    /* the payload pattern of sequence number 0 */
  NetFlowStats st;
  uint64_t replies, stray; /* at the sender: flow_reply_rx */
};

static uint8_t flow_byte(uint32_t seq, size_t i)
{
  return (uint8_t)(seq * 31 + i * 3);
}

/* flow_byte(seq, i) == flow_byte(0, i) + seq * 31 (mod 256): the pattern of seq is that of 0
 * with one byte added to each, 16 bytes at a time (GCC/Clang vector extensions). */
typedef uint8_t FlowVec __attribute__((vector_size(16)));

static void flow_fill(const NetUdpFlow *f, uint8_t *m, uint32_t seq)
{
  uint8_t add = (uint8_t)(seq * 31);
  size_t i = FLOW_HDR, n = f->cfg.size;
  for (; i + sizeof(FlowVec) <= n; i += sizeof(FlowVec)) {
    FlowVec v;
    memcpy(&v, f->pat0 + i, sizeof v);
    v += add;
    memcpy(m + i, &v, sizeof v);
  }
  for (; i < n; i++)
    m[i] = flow_byte(seq, i);
}

/* Whether the payload after the header is the pattern of seq. */
static bool flow_check(const NetUdpFlow *f, const uint8_t *m, uint32_t seq)
{
  uint8_t add = (uint8_t)(seq * 31);
  size_t i = FLOW_HDR, n = f->cfg.size;
  FlowVec diff = {0};
  for (; i + sizeof(FlowVec) <= n; i += sizeof(FlowVec)) {
    FlowVec a, b;
    memcpy(&a, m + i, sizeof a);
    memcpy(&b, f->pat0 + i, sizeof b);
    diff |= a ^ (b + add);
  }
  uint8_t d = 0;
  for (size_t k = 0; k < sizeof diff; k++)
    d |= diff[k];
  for (; i < n; i++)
    d |= m[i] ^ flow_byte(seq, i);
  return d == 0;
}

static void flow_send(NetWorld *w, void *user)
{
  NetUdpFlow *f = user;
  f->timer = 0;
  int64_t now = net_world_now(w);
  if (now >= f->end_ns)
    return;
  uint8_t *m = f->buf; /* the engine copies it into its packet */
  uint32_t seq = f->next_seq++;
  wire_store_be32(m, FLOW_MAGIC);
  wire_store_be32(m + 4, seq);
  wire_store_be64(m + 8, (uint64_t)now);
  flow_fill(f, m, seq);
  if (f->st.t_first_tx < 0)
    f->st.t_first_tx = now;
  if (net_udp_send_to(f->tx, m, f->cfg.size, f->cfg.dst,
                      f->cfg.to_port ? f->cfg.to_port : f->cfg.port) == NET_OK) {
    f->st.tx_packets++;
    f->st.tx_bytes += f->cfg.size;
  }
  f->timer = net_schedule(w, f->gap_ns, flow_send, f);
}

/* The receiver's socket is unconnected, as a server's is: it takes a datagram from any
 * address and port (behind a NAPT the source port is the translated one) and judges it by
 * its contents alone. */
static void flow_rx(NetUdpSocket *s, const uint8_t *m, size_t n, Ipv4Addr src, uint16_t sport,
                    void *user)
{
  NetUdpFlow *f = user;
  if (n != f->cfg.size) {
    f->st.rx_corrupt++;
    return;
  }
  uint32_t seq = wire_load_be32(m + 4);
  int64_t sent = (int64_t)wire_load_be64(m + 8);
  int64_t now = net_world_now(f->w);
  bool ok = wire_load_be32(m) == FLOW_MAGIC && seq < f->next_seq && sent >= 0 && sent <= now &&
            flow_check(f, m, seq);
  if (!ok) {
    f->st.rx_corrupt++;
    return;
  }
  if (seq / 8 >= f->seen->len) { /* seq < next_seq: the set grows with what was sent */
    guint had = f->seen->len;
    g_byte_array_set_size(f->seen, MAX(had * 2, seq / 8 + 1));
    memset(f->seen->data + had, 0, f->seen->len - had);
  }
  uint8_t bit = (uint8_t)(1u << (seq % 8));
  if (f->seen->data[seq / 8] & bit) {
    f->st.rx_duplicates++;
    return;
  }
  f->seen->data[seq / 8] |= bit;
  if (f->cfg.reply && s)
    net_udp_send_to(s, m, n, src, sport); /* back where it came from */
  f->st.rx_packets++;
  f->st.rx_bytes += n;
  f->st.t_last_rx = now;
  stats_delay(&f->st, now - sent);
  if (f->cfg.observe)
    f->cfg.observe(f->cfg.observe_user, seq, sent);
}

/* The sender's socket: the receiver's replies come from the address and port it sent to
 * (a NAT on the way translated them back); anything else is stray. */
static void flow_reply_rx(NetUdpSocket *s, const uint8_t *m, size_t n, Ipv4Addr src,
                          uint16_t sport, void *user)
{
  NetUdpFlow *f = user;
  uint16_t to = f->cfg.to_port ? f->cfg.to_port : f->cfg.port;
  if (f->cfg.reply && n == f->cfg.size && src.v == f->cfg.dst.v && sport == to &&
      wire_load_be32(m) == FLOW_MAGIC && wire_load_be32(m + 4) < f->next_seq &&
      flow_check(f, m, wire_load_be32(m + 4)))
    f->replies++;
  else
    f->stray++;
}

uint64_t net_udp_flow_replies(const NetUdpFlow *f)
{
  return f ? f->replies : 0;
}

uint64_t net_udp_flow_stray(const NetUdpFlow *f)
{
  return f ? f->stray : 0;
}

void net_udp_flow_rx_for_test(NetUdpFlow *f, const uint8_t *m, size_t n)
{
  flow_rx(f->rx, m, n, (Ipv4Addr){0}, net_udp_port(f->tx), f);
}

NetUdpFlow *net_udp_flow_new(NetNode *src, NetNode *dst, const NetUdpFlowConfig *cfg)
{
  g_return_val_if_fail(src && dst && cfg && cfg->size >= FLOW_HDR && cfg->rate_bps > 0, NULL);
  g_return_val_if_fail(cfg->duration_ns > 0 && cfg->port != 0, NULL);
  NetUdpFlow *f = g_new0(NetUdpFlow, 1);
  f->w = net_node_world(src);
  f->cfg = *cfg;
  f->gap_ns = (int64_t)((uint64_t)cfg->size * 8 * 1000000000ULL / cfg->rate_bps);
  if (f->gap_ns < 1)
    f->gap_ns = 1;
  f->end_ns = net_world_now(f->w) + cfg->duration_ns;
  f->seen = g_byte_array_new();
  f->buf = g_malloc0(cfg->size);
  f->pat0 = g_malloc(cfg->size);
  for (size_t i = 0; i < cfg->size; i++)
    f->pat0[i] = flow_byte(0, i);
  stats_init(&f->st);
  f->rx = net_udp_new(dst, (Ipv4Addr){0}, cfg->port, flow_rx, f);
  f->tx = net_udp_new(src, (Ipv4Addr){0}, 0, flow_reply_rx, f);
  if (!f->rx || !f->tx) {
    net_udp_flow_free(f);
    return NULL;
  }
  f->timer = net_schedule(f->w, 0, flow_send, f);
  return f;
}

void net_udp_flow_free(NetUdpFlow *f)
{
  if (!f)
    return;
  if (f->timer)
    net_cancel(f->w, f->timer);
  net_udp_free(f->tx);
  net_udp_free(f->rx);
  g_byte_array_free(f->seen, TRUE);
  g_free(f->buf);
  g_free(f->pat0);
  g_free(f);
}

const NetFlowStats *net_udp_flow_stats(const NetUdpFlow *f)
{
  return f ? &f->st : NULL;
}

/* ---- TCP bulk ---- */

struct NetTcpBulk {
  NetWorld *w;
  NetTcpSocket *listener, *client, *server;
  uint64_t bytes;
  bool server_closed, client_closed, failed;
  NetFlowStats st;
};

static uint8_t bulk_byte(uint64_t i)
{
  return (uint8_t)(i * 151 + (i >> 11));
}

static void bulk_accepted(NetTcpSocket *l, NetTcpSocket *c, void *user)
{
  NetTcpBulk *b = user;
  if (b->server) { /* one transfer per helper: refuse others */
    net_tcp_free(c);
    return;
  }
  b->server = c;
}

static void bulk_data(NetTcpSocket *s, const uint8_t *d, size_t n, void *user)
{
  NetTcpBulk *b = user;
  if (s != b->server)
    return;
  for (size_t i = 0; i < n; i++)
    if (b->st.rx_bytes + i >= b->bytes || d[i] != bulk_byte(b->st.rx_bytes + i)) {
      b->st.rx_corrupt++;
      break;
    }
  b->st.rx_bytes += n;
  b->st.rx_packets++;
  b->st.t_last_rx = net_world_now(b->w);
}

static void bulk_closed(NetTcpSocket *s, void *user)
{
  NetTcpBulk *b = user;
  if (s == b->server) {
    b->server_closed = true;
    net_tcp_close(s);
  } else if (s == b->client) {
    b->client_closed = true;
  }
}

static void bulk_error(NetTcpSocket *s, NetStatus why, void *user)
{
  ((NetTcpBulk *)user)->failed = true;
}

static const NetTcpCallbacks bulk_cbs = {.accepted = bulk_accepted, .data = bulk_data,
                                         .closed = bulk_closed, .error = bulk_error};

NetTcpBulk *net_tcp_bulk_new(NetNode *src, NetNode *dst, Ipv4Addr dst_addr, uint16_t port,
                             uint64_t bytes)
{
  return net_tcp_bulk_new_to(src, dst, dst_addr, port, port, bytes);
}

NetTcpBulk *net_tcp_bulk_new_to(NetNode *src, NetNode *dst, Ipv4Addr dst_addr, uint16_t port,
                                uint16_t to_port, uint64_t bytes)
{
  g_return_val_if_fail(src && dst && port && to_port && bytes > 0 && bytes <= G_MAXSIZE, NULL);
  NetTcpBulk *b = g_new0(NetTcpBulk, 1);
  b->w = net_node_world(src);
  b->bytes = bytes;
  stats_init(&b->st);
  b->listener = net_tcp_listen(dst, (Ipv4Addr){0}, port, &bulk_cbs, b);
  b->client = b->listener ? net_tcp_connect(src, dst_addr, to_port, &bulk_cbs, b) : NULL;
  if (!b->client) {
    net_tcp_bulk_free(b);
    return NULL;
  }
  /* the whole transfer is queued now; the wrapper feeds TCP as its buffer drains */
  g_autofree uint8_t *data = g_malloc((size_t)bytes);
  for (uint64_t i = 0; i < bytes; i++)
    data[i] = bulk_byte(i);
  net_tcp_send(b->client, data, (size_t)bytes);
  net_tcp_close(b->client);
  b->st.tx_bytes = bytes;
  b->st.t_first_tx = net_world_now(b->w);
  return b;
}

void net_tcp_bulk_free(NetTcpBulk *b)
{
  if (!b)
    return;
  net_tcp_free(b->client);
  net_tcp_free(b->server);
  net_tcp_free(b->listener);
  g_free(b);
}

const NetFlowStats *net_tcp_bulk_stats(const NetTcpBulk *b)
{
  return b ? &b->st : NULL;
}

bool net_tcp_bulk_done(const NetTcpBulk *b)
{
  return b && !b->failed && b->st.rx_bytes == b->bytes && b->st.rx_corrupt == 0 &&
         b->server_closed && b->client_closed;
}
