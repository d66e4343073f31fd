/* SPDX-License-Identifier: MIT */
/* The IKE link of a tunnel endpoint: an IKEv2 engine bound to a data-plane tunnel (child
 * SAs into ep_dp_sa_*, make-before-break on rekey, MM SA count, key-table rows,
 * ike.message events), the same for the gateway and the device. */
#include "models/endpoint/ep_ike.h"

#include "models/endpoint/ep_impair.h"

#include "models/common/wire.h"
#include "models/esp/esp_keytable.h"
#include "models/ike/ike_crypto.h"
#include "models/ike/ikev1_sa.h"

#include <glib.h>
#include <string.h>

#define IKE_PORT_NATT 4500

/* ---- datagram summary ---- */

bool ep_ike_datagram_summary(const uint8_t *data, size_t len, bool natt, uint8_t *exchange,
                             bool *response, uint32_t *msg_id, bool *initiator_flag,
                             char *notifies, size_t notifies_size)
{
  if (notifies_size)
    notifies[0] = '\0';
  if (natt) {
    /* RFC 3948 2.2: a one-octet 0xFF is a NAT keepalive; IKE starts with four zero
     * octets (the non-ESP marker) */
    if (len < 4 || memcmp(data, "\0\0\0\0", 4) != 0)
      return false;
    data += 4, len -= 4;
  }
  Ikev2Header h;
  Ikev2Diag d;
  if (ikev2_header_decode(data, len, &h, &d) != WIRE_OK)
    return false;
  *exchange = h.exchange;
  *response = (h.flags & IKEV2_FLAG_RESPONSE) != 0;
  *initiator_flag = (h.flags & IKEV2_FLAG_INITIATOR) != 0;
  *msg_id = h.msg_id;
  if (h.next_payload == IKEV2_PL_SK || h.next_payload == IKEV2_PL_SKF)
    return true; /* the notifies are inside: the engine names those it receives */
  g_autoptr(Ikev2Message) m = NULL;
  if (ikev2_message_decode(data, len, &m, &d) != WIRE_OK)
    return true;
  GString *s = g_string_new(NULL);
  for (size_t i = 0; i < m->n_payloads; i++) {
    if (m->payloads[i].type != IKEV2_PL_NOTIFY)
      continue;
    char b[NAME_BUFSZ];
    g_string_append_printf(s, "%s%s", s->len ? " " : "",
                           name_fmt(&ikev2_notify_names, m->payloads[i].u.notify.type, b));
  }
  g_strlcpy(notifies, s->str, notifies_size);
  g_string_free(s, TRUE);
  return true;
}

/* ---- one engine on one tunnel ---- */

typedef struct {
  Ipv4Addr src, dst;
  uint16_t sport, dport;
  GBytes *data;
} Pending;

/* Sent-message summaries kept per link: more than the messages outstanding at once
 * (window 1 per IKE SA, a rekeyed SA and its successor, their responses). */
#define EP_IKE_SENT_RING 16

struct EpIkeLink {
  char *connection;
  char *node;
  EpDp *dp;
  int tunnel;
  EpEnv env;
  EpIkeIo io;
  uint8_t *psk;
  size_t psk_len;
  Ikev2Conn *conn;
  Ikev1Conn *v1;           /* an IKEv1 link (ep_ike_link_new_v1): conn is NULL */
  EpTimerId timer;
  bool in_rx;              /* sends are held until the received message is logged */
  bool rx_dropped;         /* the engine dropped the datagram being received */
  unsigned dropped_logged; /* ike.message events of dropped datagrams so far (a flood of
                              them is counted, not logged: IKE_DROP_EVENTS_MAX) */
  GPtrArray *held;         /* Pending* */
  GString *rx_notifies;    /* notify names of the message being received (engine's view) */
  /* the engine's summaries of the messages it sent last (IkeEnv.message), so each
   * datagram's ike.message event names the notifies inside SK, retransmissions too */
  IkeMessageSummary sent[EP_IKE_SENT_RING];
  unsigned n_sent;
  void (*changed)(void *arg);
  void *changed_arg;
  void (*initial_contact)(void *arg); /* ep_ike_link_on_initial_contact */
  void *initial_contact_arg;
  bool (*has_contact)(void *arg); /* ep_ike_link_on_has_contact */
  void *has_contact_arg;
  size_t n_ts;             /* the configured selector pairs (policy-based) */
  IkeTsPair ts[IKEV2_MAX_TS];
  size_t n_lines;          /* the lines the pairs form (IkeConfig.ts_lines): a child each */
  size_t line_of[IKEV2_MAX_TS];
  int64_t asked_at[IKEV2_MAX_TS]; /* on demand: when a child for the line was asked for */
  bool want_children;      /* an SA we began is up: a child for every further pair */
  bool device;             /* ep_ike_link_set_device */
  /* impairments (ep_impair.h): how many matching messages each has seen (sent; received
   * for EP_IMPAIR_NOTIFY), the messages held back (Delayed*), the rekey timers, and the
   * liveness checks left unanswered (their message IDs, newest last) */
  EpImpairSet imp;
  uint32_t imp_seen[EP_IMPAIR_MAX];
  GPtrArray *delayed;
  EpTimerId imp_timer[EP_IMPAIR_MAX];
  struct ImpTimer {
    EpIkeLink *l;
    unsigned i;
  } imp_arg[EP_IMPAIR_MAX];
  uint32_t dpd_unanswered[4];
  unsigned n_dpd_unanswered;
  bool (*cp_assign)(void *user, const char *peer_id, IkeCpLease *out);
  void *cp_user;
};

typedef struct {
  EpIkeLink *l;
  EpTimerId id;
  Pending p;
} Delayed;

typedef struct ImpTimer ImpTimer;

/* A further child for pair i is asked for again only after this (its CREATE_CHILD_SA
 * exchange has long finished or failed by then). */
#define EP_IKE_CHILD_RETRY_NS 5000000000LL

/* After each step of the engine, for a device: RFC 7296 1.3.1, one CREATE_CHILD_SA per
 * further selector pair of a policy-based configuration, at once (strongSwan installs
 * every pair of a connection when it comes up; the first came with IKE_AUTH). The gateway
 * creates them on demand instead (ep_ike_link_acquire_pair). Never from inside the
 * engine's own calls. */
static void step_done(EpIkeLink *l)
{
  if (!l->want_children || !l->device)
    return;
  l->want_children = false;
  if (ikev2_conn_n_children(l->conn) != 1)
    return; /* not a fresh SA (a rekeyed one carries its children over) */
  for (size_t i = 1; i < l->n_lines; i++)
    ikev2_conn_add_child(l->conn, i);
}

static int64_t l_now(const EpIkeLink *l)
{
  return l->env.now(l->env.user);
}

static void emit(EpIkeLink *l, const VsEvent *ev)
{
  vs_event_emit(&l->env.events, ev);
}

/* The owner updates what depends on the IKE SAs (the MM SA count). */
static void changed(EpIkeLink *l)
{
  if (l->changed)
    l->changed(l->changed_arg);
}

static void on_event(void *user, const VsEvent *ev)
{
  EpIkeLink *l = user;
  /* the engine's events, with the connection they belong to */
  VsEvent e = *ev;
  if (!l->device && !vs_event_attr(&e, "connection"))
    vs_event_str(&e, "connection", l->connection);
  char names[NAME_BUFSZ] = "";
  if (l->v1 && !strcmp(e.type, IKEV1_EV_MESSAGE)) {
    /* readers match notifies by the IKEv2 spelling (expect.c, run_events.h): the IKEv1
     * engine's one notify (RFC 2408 names, with hyphens) under "notifies" too */
    const VsAttr *n = vs_event_attr(&e, "notify");
    if (n && n->kind == VS_ATTR_STR && n->v.s) {
      g_strlcpy(names, n->v.s, sizeof names);
      g_strdelimit(names, "-", '_');
    }
    vs_event_str(&e, "notifies", names);
  }
  emit(l, &e);
}

static int64_t e_now(void *user)
{
  return l_now(user);
}

static void timer_fired(void *arg)
{
  EpIkeLink *l = arg;
  l->timer = 0;
  if (l->v1)
    ikev1_conn_timeout(l->v1);
  else
    ikev2_conn_timeout(l->conn);
  changed(l);
  step_done(l);
}

static void e_timer_cancel(void *user)
{
  EpIkeLink *l = user;
  if (l->timer && l->env.timer_cancel)
    l->env.timer_cancel(l->env.user, l->timer);
  l->timer = 0;
}

static void e_timer_schedule(void *user, int64_t at_ns)
{
  EpIkeLink *l = user;
  e_timer_cancel(l);
  int64_t d = at_ns - l_now(l);
  l->timer = l->env.timer_add(l->env.user, d < 0 ? 0 : d, timer_fired, l);
}

static void append_names(GString *s, const IkeMessageSummary *m)
{
  for (size_t i = 0; i < m->n_notifies; i++) {
    char b[NAME_BUFSZ];
    g_string_append_printf(s, "%s%s", s->len ? " " : "", name_fmt(&ikev2_notify_names, m->notifies[i], b));
  }
}

static void e_message(void *user, const IkeMessageSummary *m)
{
  EpIkeLink *l = user;
  if (!m->sent) {
    if (l->in_rx) {
      g_string_truncate(l->rx_notifies, 0);
      append_names(l->rx_notifies, m);
      /* RFC 7296 1.4: an INFORMATIONAL request with no payloads is a liveness check */
      if (ep_impair_set_has(&l->imp, EP_IMPAIR_NO_DPD_REPLY) && !m->response &&
          m->exchange == IKEV2_INFORMATIONAL && m->n_payloads == 0) {
        l->dpd_unanswered[l->n_dpd_unanswered++ % G_N_ELEMENTS(l->dpd_unanswered)] = m->msg_id;
      }
    }
    return;
  }
  l->sent[l->n_sent++ % EP_IKE_SENT_RING] = *m;
}

/* The engine's summary of a message we sent, by its header (newest first). */
static const IkeMessageSummary *sent_summary(const EpIkeLink *l, const uint8_t *data, size_t len,
                                             bool natt)
{
  if (natt) {
    if (len < 4)
      return NULL;
    data += 4, len -= 4;
  }
  Ikev2Header h;
  Ikev2Diag d;
  if (ikev2_header_decode(data, len, &h, &d) != WIRE_OK)
    return NULL;
  unsigned n = l->n_sent < EP_IKE_SENT_RING ? l->n_sent : EP_IKE_SENT_RING;
  for (unsigned k = 1; k <= n; k++) {
    const IkeMessageSummary *m = &l->sent[(l->n_sent - k) % EP_IKE_SENT_RING];
    if (m->exchange == h.exchange && m->msg_id == h.msg_id && m->spi_i == h.spi_i &&
        m->spi_r == h.spi_r && m->response == ((h.flags & IKEV2_FLAG_RESPONSE) != 0))
      return m;
  }
  return NULL;
}

/* peer and peer_port: the far end (the destination of what we sent, the source of what we
 * received, a NAT's mapping when the peer is behind one); lport: our port. */
static void message_event(EpIkeLink *l, bool sent, Ipv4Addr peer, uint16_t peer_port,
                          uint16_t lport, const uint8_t *data, size_t len,
                          const char *extra_notifies)
{
  uint8_t x;
  bool resp, iflag;
  uint32_t mid;
  char notifies[256];
  if (l->v1)
    return; /* the IKEv1 engine names its messages itself (IKEV1_EV_MESSAGE) */
  if (!ep_ike_datagram_summary(data, len, lport == IKE_PORT_NATT, &x, &resp, &mid, &iflag,
                               notifies, sizeof notifies))
    return;
  g_autoptr(GString) own = g_string_new(NULL);
  const IkeMessageSummary *sm = sent ? sent_summary(l, data, len, lport == IKE_PORT_NATT) : NULL;
  if (sm) {
    append_names(own, sm);
    extra_notifies = own->str;
  }
  if (extra_notifies && *extra_notifies) {
    /* the engine's names of what it found inside (SK), each once */
    g_auto(GStrv) names = g_strsplit(extra_notifies, " ", -1);
    for (char **p = names; *p; p++) {
      g_autofree char *hay = g_strdup_printf(" %s ", notifies);
      g_autofree char *pat = g_strdup_printf(" %s ", *p);
      size_t n = strlen(notifies);
      if (!strstr(hay, pat))
        g_snprintf(notifies + n, sizeof notifies - n, "%s%s", n ? " " : "", *p);
    }
  }
  char xb[NAME_BUFSZ], pb[IPV4_ADDR_STRLEN];
  VsEvent ev = vs_event(l_now(l), l->node, EP_IKE_EV_MESSAGE);
  vs_event_str(&ev, "connection", l->connection);
  vs_event_str(&ev, "dir", sent ? "sent" : "received");
  vs_event_str(&ev, "exchange", name_fmt(&ikev2_exchange_names, x, xb));
  vs_event_bool(&ev, "response", resp);
  vs_event_uint(&ev, "msg_id", mid);
  vs_event_str(&ev, "notifies", notifies);
  vs_event_str(&ev, "peer", ipv4_addr_format(peer, pb));
  vs_event_uint(&ev, "port", lport);
  vs_event_uint(&ev, "peer_port", peer_port);
  emit(l, &ev);
}

static void send_raw(EpIkeLink *l, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                     const uint8_t *data, size_t len, bool log)
{
  if (log)
    message_event(l, true, dst, dport, sport, data, len, NULL);
  l->io.send(l->io.user, src, sport, dst, dport, data, len);
}

/* ---- impairments (ep_impair.h) ---- */

static void impair_event(EpIkeLink *l, const EpImpair *x, const EpImpairHdr *h, uint32_t nth)
{
  char b[NAME_BUFSZ];
  VsEvent ev = vs_event(l_now(l), l->node, EP_IMPAIR_EV_APPLIED);
  vs_event_str(&ev, "connection", l->connection);
  vs_event_str(&ev, "what", name_fmt(&ep_impair_kind_names, x->kind, b));
  if (h) {
    char xb[NAME_BUFSZ];
    vs_event_str(&ev, "exchange", name_fmt(&ep_impair_exchange_names, h->exchange, xb));
    vs_event_bool(&ev, "response", h->response);
    vs_event_uint(&ev, "msg_id", h->msg_id);
  }
  if (nth)
    vs_event_uint(&ev, "nth", nth);
  emit(l, &ev);
}

/* The impairment x matches the message: is this the one it applies to? (counts it) */
static bool impair_hit(EpIkeLink *l, unsigned i, const EpImpairHdr *h, uint32_t *nth)
{
  const EpImpair *x = &l->imp.v[i];
  if (!ep_impair_matches(x, h) || l_now(l) < x->after_ns)
    return false;
  *nth = ++l->imp_seen[i];
  return x->nth == 0 || x->nth == *nth;
}

static void delayed_fire(void *arg)
{
  Delayed *d = arg;
  EpIkeLink *l = d->l;
  gsize n;
  const uint8_t *b = g_bytes_get_data(d->p.data, &n);
  send_raw(l, d->p.src, d->p.sport, d->p.dst, d->p.dport, b, n, true);
  d->id = 0;
  g_ptr_array_remove(l->delayed, d);
}

static void delayed_free(gpointer p)
{
  Delayed *d = p;
  if (d->id && d->l->env.timer_cancel)
    d->l->env.timer_cancel(d->l->env.user, d->id);
  g_bytes_unref(d->p.data);
  g_free(d);
}

/* One datagram out, through the message-level impairments in table order. */
static void send_now(EpIkeLink *l, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                     const uint8_t *data, size_t len, bool log)
{
  size_t skip = sport == IKE_PORT_NATT ? 4 : 0;
  EpImpairHdr h;
  if (!l->imp.n || len < skip || (skip && memcmp(data, "\0\0\0\0", 4) != 0) ||
      !ep_impair_header(data + skip, len - skip, &h)) {
    send_raw(l, src, sport, dst, dport, data, len, log);
    return;
  }
  /* a liveness check we leave unanswered: its answer (and the answer's retransmissions) */
  if (h.response && h.exchange == IKEV2_INFORMATIONAL)
    for (unsigned k = 0; k < G_N_ELEMENTS(l->dpd_unanswered) && k < l->n_dpd_unanswered; k++)
      if (l->dpd_unanswered[k] == h.msg_id) {
        EpImpair x = {.kind = EP_IMPAIR_NO_DPD_REPLY};
        impair_event(l, &x, &h, 0);
        return;
      }
  g_autofree uint8_t *buf = g_memdup2(data, len);
  size_t n = len;
  unsigned copies = 1;
  int64_t delay = 0;
  for (unsigned i = 0; i < l->imp.n; i++) {
    const EpImpair *x = &l->imp.v[i];
    uint32_t nth = 0;
    switch (x->kind) {
    case EP_IMPAIR_DROP:
    case EP_IMPAIR_DUPLICATE:
    case EP_IMPAIR_DELAY:
    case EP_IMPAIR_CORRUPT:
    case EP_IMPAIR_WRONG_SPI:
    case EP_IMPAIR_WRONG_MSG_ID:
    case EP_IMPAIR_OMIT_PAYLOAD:
      break;
    default:
      continue;
    }
    if (!impair_hit(l, i, &h, &nth))
      continue;
    bool done = true;
    switch (x->kind) {
    case EP_IMPAIR_DROP: copies = 0; break;
    case EP_IMPAIR_DUPLICATE: copies = 2; break;
    case EP_IMPAIR_DELAY: delay = x->delay_ns; break;
    case EP_IMPAIR_CORRUPT: done = ep_impair_corrupt(buf + skip, n - skip); break;
    case EP_IMPAIR_WRONG_SPI: done = ep_impair_wrong_spi(buf + skip, n - skip); break;
    case EP_IMPAIR_WRONG_MSG_ID: done = ep_impair_wrong_msg_id(buf + skip, n - skip); break;
    case EP_IMPAIR_OMIT_PAYLOAD: {
      g_autofree uint8_t *o = g_malloc(n);
      size_t on = 0;
      done = ep_impair_omit(buf + skip, n - skip, x->payload, x->notify, o, &on);
      if (done) {
        memcpy(buf + skip, o, on);
        n = skip + on;
      }
      break;
    }
    default: break;
    }
    if (done)
      impair_event(l, x, &h, nth);
    if (!copies)
      return;
  }
  if (delay > 0) {
    Delayed *d = g_new0(Delayed, 1);
    d->l = l;
    d->p = (Pending){src, dst, sport, dport, g_bytes_new(buf, n)};
    g_ptr_array_add(l->delayed, d);
    d->id = l->env.timer_add(l->env.user, delay, delayed_fire, d);
    return;
  }
  for (unsigned c = 0; c < copies; c++)
    send_raw(l, src, sport, dst, dport, buf, n, log);
}

/* EP_IMPAIR_NOTIFY: a request of the exchange answered with only the notify, before the
 * engine sees it (IKEv2 IKE_SA_INIT, the only exchange in clear). True when answered. */
static bool impair_answer(EpIkeLink *l, Ipv4Addr src, uint16_t sport, Ipv4Addr dst,
                          uint16_t dport, const uint8_t *data, size_t len)
{
  size_t skip = dport == IKE_PORT_NATT ? 4 : 0;
  EpImpairHdr h;
  if (!ep_impair_set_has(&l->imp, EP_IMPAIR_NOTIFY) || len < skip ||
      !ep_impair_header(data + skip, len - skip, &h) || h.v1 || h.response ||
      h.exchange != IKEV2_IKE_SA_INIT)
    return false;
  for (unsigned i = 0; i < l->imp.n; i++) {
    const EpImpair *x = &l->imp.v[i];
    uint32_t nth;
    if (x->kind != EP_IMPAIR_NOTIFY || !impair_hit(l, i, &h, &nth))
      continue;
    message_event(l, false, src, sport, dport, data, len, NULL);
    impair_event(l, x, &h, nth);
    uint8_t out[4 + 36] = {0};
    size_t n = ep_impair_notify_response(&h, x->notify, out + skip);
    send_raw(l, dst, dport, src, sport, out, skip + n, true);
    return true;
  }
  return false;
}

static void impair_timer(void *arg)
{
  ImpTimer *t = arg;
  EpIkeLink *l = t->l;
  unsigned i = t->i;
  l->imp_timer[i] = 0;
  const EpImpair *x = &l->imp.v[i];
  bool ok = false;
  IkeChildInfo ci;
  if (l->v1)
    ok = ikev1_conn_child_info(l->v1, 0, &ci) && ikev1_conn_rekey_child(l->v1, ci.spi_in);
  else if (x->child)
    ok = ikev2_conn_child_info(l->conn, 0, &ci) && ikev2_conn_rekey_child(l->conn, ci.spi_in);
  else
    ok = ikev2_conn_rekey_ike(l->conn);
  if (ok)
    impair_event(l, x, NULL, 0);
  changed(l);
  step_done(l);
}

void ep_ike_link_set_impair(EpIkeLink *l, const EpImpairSet *s)
{
  l->imp = s ? *s : (EpImpairSet){0};
  if (l->imp.n > EP_IMPAIR_MAX)
    l->imp.n = EP_IMPAIR_MAX;
  memset(l->imp_seen, 0, sizeof l->imp_seen);
  for (unsigned i = 0; i < l->imp.n; i++) {
    const EpImpair *x = &l->imp.v[i];
    if (x->kind != EP_IMPAIR_REKEY_AT)
      continue;
    int64_t d = x->at_ns - l_now(l);
    if (d < 0)
      continue; /* a link built again after its time (a connection reset) */
    ImpTimer *t = &l->imp_arg[i];
    *t = (ImpTimer){l, i};
    l->imp_timer[i] = l->env.timer_add(l->env.user, d, impair_timer, t);
  }
}

void ep_ike_impair_config(const EpImpairSet *s, IkeConfig *c2, Ikev1Config *c1)
{
  for (unsigned i = 0; c1 && s && i < s->n; i++) {
    const EpImpair *x = &s->v[i];
    if (x->kind == EP_IMPAIR_NOTIFY && x->exchange == EP_IMPAIR_V1_MAIN)
      c1->impair_mm_notify = x->notify;
    if (x->kind == EP_IMPAIR_NOTIFY && x->exchange == EP_IMPAIR_V1_QUICK)
      c1->impair_qm_notify = x->notify;
  }
  for (unsigned i = 0; c2 && s && i < s->n; i++) {
    const EpImpair *x = &s->v[i];
    if (x->kind == EP_IMPAIR_NOTIFY && x->exchange == IKEV2_IKE_AUTH)
      c2->impair_child_notify_auth = x->notify;
    if (x->kind == EP_IMPAIR_NOTIFY && x->exchange == IKEV2_CREATE_CHILD_SA)
      c2->impair_child_notify_create = x->notify;
    if (x->kind == EP_IMPAIR_NO_NAT_FOLLOW)
      c2->impair_no_nat_follow = true;
    if (x->kind == EP_IMPAIR_BIG_IKE)
      c2->impair_vendor_id_len = (uint16_t)MIN(x->size, 8192u);
  }
  if (!ep_impair_set_has(s, EP_IMPAIR_NO_REKEY))
    return;
  if (c2) {
    c2->ike_lifetime_s = 0;
    c2->child_lifetime_s = 0;
    c2->child_lifetime_kb = 0;
  }
  if (c1) {
    c1->p1_lifetime_s = 0;
    c1->p2_lifetime_s = 0;
    c1->p2_lifetime_kb = 0;
  }
}

static void e_send(void *user, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                   const uint8_t *data, size_t len)
{
  EpIkeLink *l = user;
  if (!l->in_rx) {
    send_now(l, src, sport, dst, dport, data, len, true);
    return;
  }
  /* same simulated instant: sent right after the received message is logged */
  Pending *p = g_new0(Pending, 1);
  *p = (Pending){src, dst, sport, dport, g_bytes_new(data, len)};
  g_ptr_array_add(l->held, p);
}

static void pending_free(gpointer p)
{
  Pending *k = p;
  g_bytes_unref(k->data);
  g_free(k);
}

static void esp_row(EpIkeLink *l, const EspSaConfig *c)
{
  if (!l->io.esp_row)
    return;
  const char *why = NULL;
  EspSa *sa = esp_sa_new(c, &why);
  if (!sa)
    return;
  g_autofree char *row = esp_keytable_row(sa);
  esp_sa_free(sa);
  if (row) {
    l->io.esp_row(l->io.user, row);
    ike_wipe(row, strlen(row));
  }
}

static void e_child_install(void *user, const IkeChildInstall *c)
{
  EpIkeLink *l = user;
  EpChildSaPair p = {0};
  p.in = (EspSaConfig){.spi = c->spi_in, .dir = ESP_DIR_IN, .encr = c->encr,
                       .encr_key_bits = c->key_bits, .integ = c->integ, .encr_key = c->ek_in,
                       .encr_key_len = c->ek_len, .integ_key = c->ak_in,
                       .integ_key_len = c->ak_len, .tunnel_src = c->remote_addr,
                       .tunnel_dst = c->local_addr};
  p.out = p.in;
  p.out.spi = c->spi_out;
  p.out.dir = ESP_DIR_OUT;
  p.out.encr_key = c->ek_out;
  p.out.integ_key = c->ak_out;
  p.out.tunnel_src = c->local_addr;
  p.out.tunnel_dst = c->remote_addr;
  /* the engine's timers rekey and expire by time; the ESP SAs count volume */
  EspLifetime life = {.soft_kbytes = c->soft_kbytes, .hard_kbytes = c->hard_kbytes};
  p.in.lifetime = p.out.lifetime = life;
  EpSelector sel[EP_DP_MAX_SELECTORS];
  unsigned n = 0;
  for (size_t a = 0; a < c->n_ts_local; a++)
    for (size_t b = 0; b < c->n_ts_remote && n < EP_DP_MAX_SELECTORS; b++)
      sel[n++] = (EpSelector){c->ts_local[a], c->ts_remote[b]};
  p.selectors = n ? sel : NULL;
  p.n_selectors = n;
  /* make-before-break: a rekey's new pair takes inbound at once; the old pair's outbound
   * carries on until the rekey's initiator switches (below) or, on the responder, until
   * the engine removes the old pair (the data plane then moves to the new one) */
  p.replaces_in_spi = c->rekey_of_spi_in;
  p.udp_encap = c->udp_encap;
  p.sport = c->encap_sport;
  p.dport = c->encap_dport;
  const char *why = NULL;
  if (!ep_dp_sa_install(l->dp, l->tunnel, &p, &why)) {
    VsEvent ev = vs_event(l_now(l), l->node, EP_IKE_EV_REFUSED);
    vs_event_str(&ev, "connection", l->connection);
    vs_event_str(&ev, "reason", why ? why : "the data plane refused the child SA");
    emit(l, &ev);
    return;
  }
  /* RFC 7296 2.8: a rekey we initiated carries our traffic at once (the peer's inbound
   * is in place); the old pair carries the rest until its Delete */
  if (c->switch_out)
    ep_dp_sa_switch(l->dp, l->tunnel, c->spi_in);
  esp_row(l, &p.in);
  esp_row(l, &p.out);
  if (l->device)
    return; /* the connection's SA events are the gateway's */
  VsEvent ev = vs_event(l_now(l), l->node, EP_IKE_EV_CHILD_ESTABLISHED);
  vs_event_str(&ev, "connection", l->connection);
  vs_event_hex(&ev, "spi_in", c->spi_in);
  vs_event_hex(&ev, "spi_out", c->spi_out);
  vs_event_bool(&ev, "rekey", c->rekey_of_spi_in != 0);
  vs_event_bool(&ev, "udp_encap", c->udp_encap);
  emit(l, &ev);
}

/* The engine deleted a pair (before its ike.child.state event, which gives the same
 * reason): out of the data plane at once, and the connection's child.sa.deleted. */
static void e_child_remove(void *user, uint32_t spi_in, uint32_t spi_out, const char *reason)
{
  EpIkeLink *l = user;
  changed(l);
  ep_dp_sa_delete(l->dp, l->tunnel, spi_in, reason);
  if (l->device)
    return; /* the connection's SA events are the gateway's */
  VsEvent ev = vs_event(l_now(l), l->node, EP_IKE_EV_CHILD_DELETED);
  vs_event_str(&ev, "connection", l->connection);
  vs_event_hex(&ev, "spi_in", spi_in);
  vs_event_hex(&ev, "spi_out", spi_out);
  vs_event_str(&ev, "reason", reason);
  emit(l, &ev);
}

/* An IKE SA we began is up: a device creates the child SAs of its further selector pairs
 * after this step (step_done). */
static void e_sa_established(void *user, bool initiator)
{
  EpIkeLink *l = user;
  if (initiator && l->n_lines > 1)
    l->want_children = true;
}

/* RFC 7296 2.4: the peer's INITIAL_CONTACT reached this link's engine: its owner makes
 * the other engines towards the peer forget their IKE SAs too (after this step). */
static void e_initial_contact(void *user)
{
  EpIkeLink *l = user;
  if (l->initial_contact)
    l->initial_contact(l->initial_contact_arg);
}

/* RFC 7296 2.4: before our first IKE_AUTH: the owner's other engines towards the peer
 * hold an established IKE SA (no INITIAL_CONTACT then). */
static bool e_has_contact(void *user)
{
  EpIkeLink *l = user;
  return l->has_contact && l->has_contact(l->has_contact_arg);
}

/* RFC 7296 2.23: the engine moved its IKE SA to the peer's new address and port; the
 * tunnel's UDP-encapsulated ESP follows. */
static void e_peer_moved(void *user, Ipv4Addr addr, uint16_t port)
{
  EpIkeLink *l = user;
  ep_dp_tunnel_set_peer(l->dp, l->tunnel, addr, port);
}

static void e_dropped(void *user, IkeDropReason reason)
{
  EpIkeLink *l = user;
  ep_dp_count_ike_drop(l->dp, reason);
  if (l->in_rx)
    l->rx_dropped = true;
}

static void e_row(void *user, const char *row)
{
  EpIkeLink *l = user;
  if (l->io.ike_row)
    l->io.ike_row(l->io.user, row);
}

static void e_row_v1(void *user, const char *row)
{
  EpIkeLink *l = user;
  if (l->io.ikev1_row)
    l->io.ikev1_row(l->io.user, row);
}

/* What both constructors share: the link without its engine. */
static EpIkeLink *link_alloc(const char *name, const char *connection, EpDp *dp, int tunnel,
                             const EpEnv *env, const EpIkeIo *io, const uint8_t *psk,
                             size_t psk_len)
{
  EpIkeLink *l = g_new0(EpIkeLink, 1);
  l->connection = g_strdup(connection);
  l->node = g_strdup(name);
  l->dp = dp;
  l->tunnel = tunnel;
  l->env = *env;
  l->io = *io;
  l->held = g_ptr_array_new_with_free_func(pending_free);
  l->delayed = g_ptr_array_new_with_free_func(delayed_free);
  l->rx_notifies = g_string_new(NULL);
  for (size_t i = 0; i < IKEV2_MAX_TS; i++)
    l->asked_at[i] = INT64_MIN;
  l->psk = g_memdup2(psk, psk_len ? psk_len : 1);
  l->psk_len = psk_len;
  return l;
}

EpIkeLink *ep_ike_link_new_v1(const Ikev1Config *cfg, const char *connection, EpDp *dp,
                              int tunnel, const EpEnv *env, const EpIkeIo *io, Drbg *rng)
{
  g_return_val_if_fail(cfg && dp && env && io && io->send && rng, NULL);
  EpIkeLink *l = link_alloc(cfg->name, connection, dp, tunnel, env, io, cfg->psk, cfg->psk_len);
  Ikev1Config c = *cfg;
  c.psk = l->psk;
  c.name = l->node;
  /* the same callbacks as IKEv2's; the key row goes to the IKEv1 table */
  IkeEnv ie = {.user = l, .rng = rng, .events = {on_event, l}, .now = e_now,
               .timer_schedule = e_timer_schedule, .timer_cancel = e_timer_cancel,
               .send = e_send, .child_install = e_child_install,
               .child_remove = e_child_remove, .keytable_row = e_row_v1,
               .dropped = e_dropped};
  l->v1 = ikev1_conn_new(&c, &ie);
  if (!l->v1) {
    ep_ike_link_free(l);
    return NULL;
  }
  return l;
}

static bool e_cp_assign(void *user, const char *peer_id, IkeCpLease *out)
{
  EpIkeLink *l = user;
  return l->cp_assign(l->cp_user, peer_id, out);
}

static EpIkeLink *link_new_v2(const IkeConfig *cfg, const char *connection, EpDp *dp,
                              int tunnel, const EpEnv *env, const EpIkeIo *io, Drbg *rng,
                              bool (*cp_assign)(void *, const char *, IkeCpLease *),
                              void *cp_user);

EpIkeLink *ep_ike_link_new(const IkeConfig *cfg, const char *connection, EpDp *dp, int tunnel,
                           const EpEnv *env, const EpIkeIo *io, Drbg *rng)
{
  return link_new_v2(cfg, connection, dp, tunnel, env, io, rng, NULL, NULL);
}

EpIkeLink *ep_ike_link_new_cp(const IkeConfig *cfg, const char *connection, EpDp *dp,
                              int tunnel, const EpEnv *env, const EpIkeIo *io, Drbg *rng,
                              bool (*cp_assign)(void *user, const char *peer_id,
                                                IkeCpLease *out),
                              void *cp_user)
{
  g_return_val_if_fail(cp_assign, NULL);
  return link_new_v2(cfg, connection, dp, tunnel, env, io, rng, cp_assign, cp_user);
}

static EpIkeLink *link_new_v2(const IkeConfig *cfg, const char *connection, EpDp *dp,
                              int tunnel, const EpEnv *env, const EpIkeIo *io, Drbg *rng,
                              bool (*cp_assign)(void *, const char *, IkeCpLease *),
                              void *cp_user)
{
  g_return_val_if_fail(cfg && dp && env && io && io->send && rng, NULL);
  EpIkeLink *l = link_alloc(cfg->name, connection, dp, tunnel, env, io, cfg->psk, cfg->psk_len);
  l->n_ts = cfg->n_ts;
  memcpy(l->ts, cfg->ts, sizeof l->ts);
  l->n_lines = ikev2_cfg_n_lines(cfg);
  for (size_t i = 0; i < cfg->n_ts; i++)
    l->line_of[i] = ikev2_cfg_line_of(cfg, i);
  IkeConfig c = *cfg;
  c.psk = l->psk;
  c.name = l->node;
  IkeEnv ie = {.user = l, .rng = rng, .events = {on_event, l}, .now = e_now,
               .timer_schedule = e_timer_schedule, .timer_cancel = e_timer_cancel,
               .send = e_send, .child_install = e_child_install,
               .child_remove = e_child_remove, .sa_established = e_sa_established,
               .initial_contact = e_initial_contact, .has_contact = e_has_contact,
               .keytable_row = e_row,
               .message = e_message, .peer_moved = e_peer_moved, .dropped = e_dropped};
  l->cp_assign = cp_assign;
  l->cp_user = cp_user;
  if (cp_assign)
    ie.cp_assign = e_cp_assign;
  l->conn = ikev2_conn_new(&c, &ie);
  if (!l->conn) {
    ep_ike_link_free(l);
    return NULL;
  }
  return l;
}

/* The engine's pairs leave the data plane as it frees its children (reason "freed"). */
void ep_ike_link_free(EpIkeLink *l)
{
  if (!l)
    return;
  l->changed = NULL;
  if (l->conn) {
    l->in_rx = false;
    ikev2_conn_free(l->conn);
    l->conn = NULL;
  }
  if (l->v1) {
    l->in_rx = false;
    ikev1_conn_free(l->v1);
    l->v1 = NULL;
  }
  if (l->timer && l->env.timer_cancel)
    l->env.timer_cancel(l->env.user, l->timer);
  g_ptr_array_free(l->held, TRUE);
  g_ptr_array_free(l->delayed, TRUE);
  for (unsigned i = 0; i < EP_IMPAIR_MAX; i++)
    if (l->imp_timer[i] && l->env.timer_cancel)
      l->env.timer_cancel(l->env.user, l->imp_timer[i]);
  g_string_free(l->rx_notifies, TRUE);
  if (l->psk) {
    ike_wipe(l->psk, l->psk_len);
    g_free(l->psk);
  }
  g_free(l->connection);
  g_free(l->node);
  g_free(l);
}

void ep_ike_link_start(EpIkeLink *l)
{
  if (l->v1)
    ikev1_conn_start(l->v1);
  else
    ikev2_conn_start(l->conn);
  changed(l);
  step_done(l);
}

void ep_ike_link_acquire(EpIkeLink *l)
{
  if (l->v1)
    ikev1_conn_acquire(l->v1);
  else
    ikev2_conn_acquire(l->conn);
  changed(l);
  step_done(l);
}

void ep_ike_link_rx(EpIkeLink *l, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                    const uint8_t *data, size_t len)
{
  if (impair_answer(l, src, sport, dst, dport, data, len))
    return;
  l->in_rx = true;
  l->rx_dropped = false;
  g_string_truncate(l->rx_notifies, 0);
  if (l->v1)
    ikev1_conn_rx(l->v1, src, sport, dst, dport, data, len);
  else
    ikev2_conn_rx(l->conn, src, sport, dst, dport, data, len);
  l->in_rx = false;
  if (!l->rx_dropped || l->dropped_logged++ < IKE_DROP_EVENTS_MAX)
    message_event(l, false, src, sport, dport, data, len, l->rx_notifies->str);
  changed(l);
  /* the answers, in the order the engine sent them (to a datagram it dropped: a
   * cookie, logged as far as the datagram was) */
  bool log = !l->rx_dropped || l->dropped_logged <= IKE_DROP_EVENTS_MAX;
  g_autoptr(GPtrArray) held = l->held;
  l->held = g_ptr_array_new_with_free_func(pending_free);
  for (guint i = 0; i < held->len; i++) {
    Pending *p = g_ptr_array_index(held, i);
    gsize n;
    const uint8_t *b = g_bytes_get_data(p->data, &n);
    send_now(l, p->src, p->sport, p->dst, p->dport, b, n, log);
  }
  step_done(l);
}

bool ep_ike_link_esp_authenticated(EpIkeLink *l, Ipv4Addr src, uint16_t sport)
{
  if (l->v1)
    return false; /* IKEv1 has no RFC 7296 2.23 address update */
  return ikev2_conn_esp_authenticated(l->conn, src, sport);
}

void ep_ike_link_set_device(EpIkeLink *l)
{
  l->device = true;
}

void ep_ike_link_acquire_pair(EpIkeLink *l, Ipv4Addr src, Ipv4Addr dst)
{
  if (l->v1) {
    /* the engine asks for what is missing: a main mode, or the quick modes of the pairs
     * without an SA pair (none twice: one under way counts) */
    ep_ike_link_acquire(l);
    return;
  }
  if (ikev2_conn_state(l->conn) != IKE_SA_ESTABLISHED || l->n_lines < 2) {
    ep_ike_link_acquire(l);
    return;
  }
  /* facts 3.4: a further line's child SA is negotiated when its traffic arrives */
  int64_t now = l_now(l);
  for (size_t i = 0; i < l->n_ts; i++) {
    if (!ipv4_range_contains_addr(l->ts[i].local, src) || !ipv4_range_contains_addr(l->ts[i].remote, dst))
      continue;
    size_t line = l->line_of[i];
    if (l->asked_at[line] != INT64_MIN && now - l->asked_at[line] < EP_IKE_CHILD_RETRY_NS)
      return;
    l->asked_at[line] = now;
    ikev2_conn_add_child(l->conn, line);
    changed(l);
    return;
  }
}

void ep_ike_link_sa_expired(EpIkeLink *l, const EpSaExpiry *e)
{
  if (!l || e->tunnel != l->tunnel)
    return;
  /* RFC 7296 2.8: lifetimes in kilobytes rekey like lifetimes in seconds, make-before-
   * break; only a hard limit (a rekey that failed or came too late) ends the child. The
   * engine finds the child by our inbound SPI and ignores one it does not hold. */
  if (l->v1)
    ikev1_conn_child_expired(l->v1, e->in_spi, e->kind == EP_SA_HARD_EXPIRED);
  else
    ikev2_conn_child_expired(l->conn, e->in_spi, e->kind == EP_SA_HARD_EXPIRED);
  changed(l);
  step_done(l);
}

void ep_ike_link_on_change(EpIkeLink *l, void (*fn)(void *arg), void *arg)
{
  l->changed = fn;
  l->changed_arg = arg;
}

Ikev2Conn *ep_ike_link_conn(EpIkeLink *l)
{
  return l->conn;
}

size_t ep_ike_link_n_ike_sas(const EpIkeLink *l)
{
  if (l->v1)
    return ikev1_conn_state(l->v1) == IKEV1_P1_ESTABLISHED;
  return ikev2_conn_n_ike_sas(l->conn);
}

Ikev1Conn *ep_ike_link_v1(EpIkeLink *l)
{
  return l->v1;
}

bool ep_ike_link_close(EpIkeLink *l)
{
  bool r = l->v1 ? ikev1_conn_close(l->v1) : ikev2_conn_close(l->conn);
  changed(l);
  return r;
}

void ep_ike_link_on_initial_contact(EpIkeLink *l, void (*fn)(void *arg), void *arg)
{
  l->initial_contact = fn;
  l->initial_contact_arg = arg;
}

void ep_ike_link_on_has_contact(EpIkeLink *l, bool (*fn)(void *arg), void *arg)
{
  l->has_contact = fn;
  l->has_contact_arg = arg;
}

bool ep_ike_link_has_ike_sa(const EpIkeLink *l)
{
  if (l->v1)
    return ikev1_conn_state(l->v1) == IKEV1_P1_ESTABLISHED;
  return ikev2_conn_has_established(l->conn);
}

size_t ep_ike_link_forget(EpIkeLink *l, const char *reason)
{
  if (l->v1)
    return 0;
  size_t n = ikev2_conn_forget_established(l->conn, reason);
  if (n)
    changed(l);
  return n;
}

bool ep_ike_link_established(const EpIkeLink *l, uint64_t *spi_i, uint8_t *min_nonce,
                             size_t *nonce_len)
{
  if (l->v1 || ikev2_conn_state(l->conn) != IKE_SA_ESTABLISHED)
    return false;
  uint64_t spi_r;
  return ikev2_conn_ike_spis(l->conn, spi_i, &spi_r) &&
         ikev2_conn_ike_min_nonce(l->conn, min_nonce, nonce_len);
}

bool ep_ike_link_holds_sa(EpIkeLink *l, uint64_t spi_i, uint64_t spi_r)
{
  if (l->v1)
    return ikev1_conn_holds_sa(l->v1, spi_i, spi_r);
  return ikev2_conn_holds_ike_sa(l->conn, spi_i, spi_r);
}

