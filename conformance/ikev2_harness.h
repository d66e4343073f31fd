/* SPDX-License-Identifier: MIT */
/* Exchange-test harness: two IKEv2 engines back to back in one process with a manual
 * clock, a FIFO "network" stepped one datagram at a time (with loss, a NAT box that
 * rewrites the initiator's address and ports, and inspection of every message, decrypted
 * with the sending SA's keys), a recording event sink, and real ESP SAs built from what
 * each engine installs, so that a child pair is proven by carrying a packet. */
#pragma once

#include "models/common/inet.h"
#include "models/esp/esp_sa.h"
#include "models/ike/ikev2_print.h"
#include "models/ike/ikev2_sa.h"
#include "models/ike/ikev2_sa_private.h"
#include "models/ike/ikev2_sk.h"

#include <glib.h>
#include <string.h>

#define H_ADDR_I 0xc0000201u   /* 192.0.2.1: initiator (A) */
#define H_ADDR_R 0xc6336401u   /* 198.51.100.1: responder (B) */
#define H_ADDR_NAT 0xcb007101u /* 203.0.113.1: the NAT's public address */

typedef struct {
  uint32_t spi_in, spi_out;
  EspSa *in, *out;
  bool udp_encap;
  uint32_t rekey_of;
  bool switch_out; /* a rekey we initiated: its outbound carries traffic at once */
  uint64_t soft_kb, hard_kb;
} HChild;

typedef struct Harness Harness;

typedef struct {
  Harness *h;
  const char *name;
  IkeConfig cfg;
  Ikev2Conn *conn;
  Drbg *rng;
  int64_t timer_at; /* INT64_MAX: none */
  GPtrArray *events;   /* char*: "type key=value ..." */
  GPtrArray *children; /* HChild* installed and not removed */
  unsigned installs, removes;
  unsigned switches; /* installs with switch_out */
  char remove_reason[64]; /* child_remove's reason, the last one */
  unsigned established[2]; /* sa_established calls: [0] as responder, [1] as initiator */
  GPtrArray *rows;     /* key table rows */
  /* IkeEnv.cp_assign for this peer (user: the HPeer); NULL: none */
  bool (*cp_assign)(void *user, const char *peer_id, IkeCpLease *out);
  unsigned cp_assigned;
  unsigned drops[IKE_DROP__COUNT]; /* IkeEnv.dropped, by reason */
  /* another engine of this peer's owner towards the same peer (IkeEnv.has_contact asks
   * whether it holds an established IKE SA); NULL: none */
  const Ikev2Conn *sibling;
} HPeer;

typedef struct {
  int to; /* 0: A, 1: B */
  Ipv4Addr src, dst;
  uint16_t sport, dport;
  GBytes *data;
} HPkt;

struct Harness {
  int64_t now;
  HPeer p[2];
  GQueue net;
  bool nat; /* A sits behind a NAT (H_ADDR_NAT, ports +1000) */
  unsigned sent[2];
};

static inline void h_pkt_free(HPkt *k)
{
  g_bytes_unref(k->data);
  g_free(k);
}

static inline char *h_event_str(const VsEvent *ev)
{
  GString *s = g_string_new(ev->type);
  for (unsigned i = 0; i < ev->n_attrs; i++) {
    const VsAttr *a = &ev->attrs[i];
    switch (a->kind) {
    case VS_ATTR_STR: g_string_append_printf(s, " %s=%s", a->key, a->v.s); break;
    case VS_ATTR_INT: g_string_append_printf(s, " %s=%" G_GINT64_FORMAT, a->key, a->v.i); break;
    case VS_ATTR_UINT: g_string_append_printf(s, " %s=%" G_GUINT64_FORMAT, a->key, a->v.u); break;
    case VS_ATTR_HEX: g_string_append_printf(s, " %s=0x%016" G_GINT64_MODIFIER "x", a->key, a->v.u); break;
    case VS_ATTR_BOOL: g_string_append_printf(s, " %s=%s", a->key, a->v.b ? "true" : "false"); break;
    }
  }
  return g_string_free(s, FALSE);
}

static inline void h_emit(void *user, const VsEvent *ev)
{
  HPeer *p = user;
  g_assert_cmpint(ev->time_ns, ==, p->h->now);
  g_assert_cmpuint(ev->n_attrs, <, VS_EVENT_MAX_ATTRS); /* never at the cap */
  g_ptr_array_add(p->events, h_event_str(ev));
  if (g_getenv("H_TRACE"))
    g_printerr("[%s %.3f] %s\n", p->name, p->h->now / 1e9, (char *)g_ptr_array_index(p->events, p->events->len - 1));
}

static inline int64_t h_now(void *user) { return ((HPeer *)user)->h->now; }
static inline void h_sched(void *user, int64_t at) { ((HPeer *)user)->timer_at = at; }
static inline void h_cancel(void *user) { ((HPeer *)user)->timer_at = INT64_MAX; }

static inline void h_send(void *user, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                          const uint8_t *data, size_t len)
{
  HPeer *p = user;
  Harness *h = p->h;
  int from = p == &h->p[0] ? 0 : 1;
  HPkt *k = g_new0(HPkt, 1);
  k->to = !from;
  k->src = src, k->sport = sport, k->dst = dst, k->dport = dport;
  if (h->nat && from == 0) {
    /* the NAT rewrites A's source to its public address and moves the port */
    k->src.v = H_ADDR_NAT;
    k->sport = (uint16_t)(sport + 1000);
  } else if (h->nat && from == 1) {
    g_assert_cmphex(dst.v, ==, H_ADDR_NAT);
    k->dst.v = H_ADDR_I;
    k->dport = (uint16_t)(dport - 1000);
  }
  k->data = g_bytes_new(data, len);
  h->sent[from]++;
  g_queue_push_tail(&h->net, k);
}

static inline void h_install(void *user, const IkeChildInstall *c)
{
  HPeer *p = user;
  HChild *ch = g_new0(HChild, 1);
  ch->spi_in = c->spi_in;
  ch->spi_out = c->spi_out;
  ch->udp_encap = c->udp_encap;
  ch->rekey_of = c->rekey_of_spi_in;
  ch->switch_out = c->switch_out;
  ch->soft_kb = c->soft_kbytes;
  ch->hard_kb = c->hard_kbytes;
  p->switches += c->switch_out;
  EspSaConfig in = {.spi = c->spi_in, .dir = ESP_DIR_IN, .encr = c->encr,
                    .encr_key_bits = c->key_bits, .integ = c->integ, .encr_key = c->ek_in,
                    .encr_key_len = c->ek_len, .integ_key = c->ak_in, .integ_key_len = c->ak_len,
                    .tunnel_src = c->remote_addr, .tunnel_dst = c->local_addr};
  EspSaConfig out = in;
  out.spi = c->spi_out;
  out.dir = ESP_DIR_OUT;
  out.encr_key = c->ek_out;
  out.integ_key = c->ak_out;
  out.tunnel_src = c->local_addr;
  out.tunnel_dst = c->remote_addr;
  const char *why = NULL;
  ch->in = esp_sa_new(&in, &why);
  g_assert_nonnull(ch->in);
  ch->out = esp_sa_new(&out, &why);
  g_assert_nonnull(ch->out);
  g_ptr_array_add(p->children, ch);
  p->installs++;
}

static inline void h_child_free(HChild *c)
{
  esp_sa_free(c->in);
  esp_sa_free(c->out);
  g_free(c);
}

static inline void h_remove(void *user, uint32_t spi_in, uint32_t spi_out, const char *reason)
{
  HPeer *p = user;
  for (guint i = 0; i < p->children->len; i++) {
    HChild *c = g_ptr_array_index(p->children, i);
    if (c->spi_in == spi_in && c->spi_out == spi_out) {
      h_child_free(g_ptr_array_steal_index(p->children, i));
      p->removes++;
      g_strlcpy(p->remove_reason, reason, sizeof p->remove_reason);
      return;
    }
  }
  g_assert_not_reached();
}

static inline void h_sa_established(void *user, bool initiator)
{
  ((HPeer *)user)->established[initiator]++;
}

static inline void h_row(void *user, const char *row)
{
  g_ptr_array_add(((HPeer *)user)->rows, g_strdup(row));
}

static inline bool h_has_contact(void *user)
{
  const HPeer *p = user;
  return p->sibling && ikev2_conn_has_established(p->sibling);
}

static inline void h_dropped(void *user, IkeDropReason r)
{
  ((HPeer *)user)->drops[r]++;
}

/* Configurations both peers agree on: AES-CBC-256/SHA-256/ECP-256 IKE, AES-GCM-256 ESP,
 * PSK, IPv4 identities, no DPD, no lifetimes. Tests change what they test. */
static inline void h_default_cfg(IkeConfig *c, bool initiator)
{
  ike_config_defaults(c);
  c->name = initiator ? "A" : "B";
  c->local_addr.v = initiator ? H_ADDR_I : H_ADDR_R;
  c->remote_addr.v = initiator ? H_ADDR_R : H_ADDR_I;
  c->local_id.type = IKEV2_ID_IPV4_ADDR;
  c->remote_id.type = IKEV2_ID_IPV4_ADDR;
  c->psk = (const uint8_t *)"vpnsim-conformance-psk";
  c->psk_len = strlen((const char *)c->psk);
  c->ike[0] = (IkeProposalCfg){.encr = ENCR_AES_CBC, .key_bits = 256, .integ = AUTH_HMAC_SHA2_256_128, .prf = PRF_HMAC_SHA2_256, .dh = DH_ECP_256};
  c->n_ike = 1;
  c->esp[0] = (ChildProposalCfg){.encr = ENCR_AES_GCM_16, .key_bits = 256, .integ = AUTH_NONE, .esn = false, .dh = 0};
  c->n_esp = 1;
  c->ike_lifetime_s = 0;
  c->child_lifetime_s = 0;
  c->start = initiator ? IKE_START_INITIATE : IKE_START_RESPOND;
}

static inline void h_init(Harness *h, uint64_t seed)
{
  memset(h, 0, sizeof *h);
  h->now = 1000 * NS_PER_S;
  g_queue_init(&h->net);
  for (int i = 0; i < 2; i++) {
    HPeer *p = &h->p[i];
    p->h = h;
    p->name = i ? "B" : "A";
    p->timer_at = INT64_MAX;
    p->events = g_ptr_array_new_with_free_func(g_free);
    p->children = g_ptr_array_new();
    p->rows = g_ptr_array_new_with_free_func(g_free);
    p->rng = drbg_new_stream(seed, i ? "conformance/B/ike" : "conformance/A/ike");
    h_default_cfg(&p->cfg, i == 0);
  }
}

/* Create both engines from p[].cfg (after the test edited them) and start them. */
static inline void h_start(Harness *h)
{
  for (int i = 0; i < 2; i++) {
    HPeer *p = &h->p[i];
    IkeEnv env = {.user = p, .rng = p->rng, .events = {h_emit, p}, .now = h_now,
                  .timer_schedule = h_sched, .timer_cancel = h_cancel, .send = h_send,
                  .child_install = h_install, .child_remove = h_remove,
                  .sa_established = h_sa_established, .keytable_row = h_row,
                  .cp_assign = p->cp_assign, .has_contact = h_has_contact};
    p->conn = ikev2_conn_new(&p->cfg, &env);
    g_assert_nonnull(p->conn);
  }
  for (int i = 0; i < 2; i++)
    ikev2_conn_start(h->p[i].conn);
}

static inline void h_clear(Harness *h)
{
  for (int i = 0; i < 2; i++) {
    HPeer *p = &h->p[i];
    ikev2_conn_free(p->conn);
    g_assert_cmpuint(p->children->len, ==, 0); /* free removes every child */
    g_ptr_array_unref(p->children);
    g_ptr_array_unref(p->events);
    g_ptr_array_unref(p->rows);
    drbg_free(p->rng);
  }
  HPkt *k;
  while ((k = g_queue_pop_head(&h->net)))
    h_pkt_free(k);
}

static inline size_t h_pending(const Harness *h) { return g_queue_get_length((GQueue *)&h->net); }

/* The datagram at the head of the network, or NULL. */
static inline const HPkt *h_peek(Harness *h) { return g_queue_peek_head(&h->net); }

/* Deliver the head datagram; returns the receiver's index. */
static inline int h_deliver(Harness *h)
{
  HPkt *k = g_queue_pop_head(&h->net);
  g_assert_nonnull(k);
  gsize n;
  const uint8_t *b = g_bytes_get_data(k->data, &n);
  int to = k->to;
  ikev2_conn_rx(h->p[to].conn, k->src, k->sport, k->dst, k->dport, b, n);
  h_pkt_free(k);
  return to;
}

/* Lose the head datagram. */
static inline void h_drop(Harness *h)
{
  h_pkt_free(g_queue_pop_head(&h->net));
}

/* Deliver everything (a bounded number of steps). */
static inline void h_run(Harness *h)
{
  for (int i = 0; i < 200 && h_pending(h); i++)
    h_deliver(h);
  g_assert_cmpuint(h_pending(h), ==, 0);
}

/* Move the clock to the next armed timer (no later than 'limit') and fire it through
 * timeout(ud, side) (an engine's *_conn_timeout). False when none is due by then (the clock
 * then stands at limit). */
static inline bool h_tick_with(Harness *h, int64_t limit, void (*timeout)(void *ud, int side),
                               void *ud)
{
  int64_t at = h->p[0].timer_at < h->p[1].timer_at ? h->p[0].timer_at : h->p[1].timer_at;
  if (at > limit) {
    h->now = limit;
    return false;
  }
  if (at > h->now)
    h->now = at;
  for (int i = 0; i < 2; i++)
    if (h->p[i].timer_at <= h->now) {
      h->p[i].timer_at = INT64_MAX;
      timeout(ud, i);
    }
  return true;
}

static inline void h_ikev2_timeout(void *ud, int side)
{
  ikev2_conn_timeout(((Harness *)ud)->p[side].conn);
}

/* h_tick_with for the IKEv2 engines. */
static inline bool h_tick(Harness *h, int64_t limit)
{
  return h_tick_with(h, limit, h_ikev2_timeout, h);
}

/* The IKE SA of conn (any held) whose SPIs match the message header. */
static inline IkeSa *h_sa_for(Ikev2Conn *c, uint64_t spi_i, uint64_t spi_r)
{
  for (guint i = 0; i < c->sas->len; i++) {
    IkeSa *sa = g_ptr_array_index(c->sas, i);
    if (sa->spi_i == spi_i && sa->spi_r == spi_r)
      return sa;
  }
  return NULL;
}

/* Decode (and decrypt with the sender's keys) the head datagram, without delivering it.
 * NULL for a fragment or a keepalive. */
static inline Ikev2Message *h_open(Harness *h)
{
  const HPkt *k = h_peek(h);
  g_assert_nonnull(k);
  gsize n;
  const uint8_t *b = g_bytes_get_data(k->data, &n);
  if (k->dport == 4500 || k->sport == 4500 || k->sport == 5500) {
    if (n == 1)
      return NULL;
    g_assert_cmpmem(b, 4, "\0\0\0\0", 4); /* the non-ESP marker */
    b += 4, n -= 4;
  }
  Ikev2Header hd;
  Ikev2Diag d;
  g_assert_cmpint(ikev2_header_decode(b, n, &hd, &d), ==, WIRE_OK);
  Ikev2Message *m = NULL;
  if (hd.exchange == IKEV2_IKE_SA_INIT) {
    g_assert_cmpint(ikev2_message_decode(b, n, &m, &d), ==, WIRE_OK);
    return m;
  }
  if (hd.next_payload == IKEV2_PL_SKF)
    return NULL;
  /* the sender's keys, or the receiver's when the sender already dropped the SA */
  IkeSa *sa = h_sa_for(h->p[!k->to].conn, hd.spi_i, hd.spi_r);
  bool sender = sa != NULL;
  if (!sa)
    sa = h_sa_for(h->p[k->to].conn, hd.spi_i, hd.spi_r);
  g_assert_nonnull(sa);
  IkeSkDir dir = ike_keys_dir(sa->keys, sender ? sa->initiator : !sa->initiator);
  g_assert_cmpint(ikev2_sk_unprotect(b, n, &dir, &m, &d), ==, WIRE_OK);
  return m;
}

/* The one-line form of the head datagram ("IKE_AUTH request #1 [IDi AUTH ...]"). */
static inline char *h_line(Harness *h)
{
  g_autoptr(Ikev2Message) m = h_open(h);
  return m ? ikev2_print_line(m) : g_strdup("(fragment)");
}

static inline void h_expect_line(Harness *h, const char *want)
{
  g_autofree char *line = h_line(h);
  g_assert_cmpstr(line, ==, want);
}

/* Number of recorded events of a peer that contain every space-separated word of 'what'. */
static inline unsigned h_count(const HPeer *p, const char *what)
{
  g_auto(GStrv) words = g_strsplit(what, " ", -1);
  unsigned n = 0;
  for (guint i = 0; i < p->events->len; i++) {
    const char *e = g_ptr_array_index(p->events, i);
    bool all = true;
    for (char **w = words; *w && all; w++) {
      if (!**w)
        continue;
      /* a word matches a whole token of the event */
      g_autofree char *pat = g_strconcat(" ", *w, " ", NULL);
      g_autofree char *hay = g_strconcat(" ", e, " ", NULL);
      all = strstr(hay, pat) != NULL;
    }
    n += all;
  }
  return n;
}

static inline void h_dump_events(const HPeer *p)
{
  for (guint i = 0; i < p->events->len; i++)
    g_test_message("%s: %s", p->name, (const char *)g_ptr_array_index(p->events, i));
}

/* Send one ICMP echo through A's out SA with the given SPI and open it with B's in SA of
 * the same SPI (and back): the child pair really carries traffic. */
static inline void h_esp_check_pair(Harness *h, const HChild *a)
{
  const HPeer *pb = &h->p[1];
  const HChild *b = NULL;
  for (guint i = 0; i < pb->children->len; i++) {
    const HChild *c = g_ptr_array_index(pb->children, i);
    if (c->spi_in == a->spi_out)
      b = c;
  }
  g_assert_nonnull(b);
  g_assert_cmphex(b->spi_out, ==, a->spi_in);
  for (int dir = 0; dir < 2; dir++) {
    EspSa *tx = dir ? b->out : a->out, *rx = dir ? a->in : b->in;
    WireWriter w;
    wire_writer_init(&w);
    inet_icmp_echo_packet(&w, 8, ipv4_addr(10, 1, 0, 1), ipv4_addr(10, 2, 0, 1), 1, 7,
                          (uint16_t)dir, NULL, 56);
    uint8_t esp[256], back[256];
    size_t en, bn;
    g_assert_cmpint(esp_sa_encapsulate(tx, w.buf, w.len, esp, sizeof esp, &en), ==, ESP_OK);
    WireDiag d;
    g_assert_cmpint(esp_sa_decapsulate(rx, NULL, esp, en, back, sizeof back, &bn, NULL, &d), ==,
                    ESP_OK);
    g_assert_cmpmem(back, bn, w.buf, w.len);
    wire_writer_clear(&w);
  }
}

/* Every child A holds has its twin at B and both carry traffic. */
static inline void h_esp_check_all(Harness *h)
{
  g_assert_cmpuint(h->p[0].children->len, ==, h->p[1].children->len);
  for (guint i = 0; i < h->p[0].children->len; i++)
    h_esp_check_pair(h, g_ptr_array_index(h->p[0].children, i));
}

/* Establish with all defaults, stepping every message: the common prologue. */
static inline void h_establish(Harness *h)
{
  h_start(h);
  h_run(h);
  g_assert_cmpint(ikev2_conn_state(h->p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpint(ikev2_conn_state(h->p[1].conn), ==, IKE_SA_ESTABLISHED);
}
