/* SPDX-License-Identifier: MIT */
/* The IKE control plane: an IKEv2 engine bound to a data-plane tunnel (child SAs into
 * ep_dp_sa_*, make-before-break on rekey, MM SA count, key-table rows, ike.message events)
 * and the Azure gateway's engine configurations built from its resource model. */
#include "models/gateway/gw_ike.h"

#include "models/common/wire.h"
#include "models/esp/esp_keytable.h"
#include "models/gateway/gw_policy.h"
#include "models/ike/ike_crypto.h"

#include <glib.h>
#include <string.h>

#define IKE_PORT_NATT 4500

/* ---- datagram summary ---- */

bool gw_ike_datagram_summary(const uint8_t *data, size_t len, bool natt, uint8_t *exchange,
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

typedef struct {
  uint32_t spi_in, spi_out;
} Removal;

/* Sent-message summaries kept per link: more than the messages outstanding at once
 * (window 1 per IKE SA, a rekeyed SA and its successor, their responses). */
#define GW_IKE_SENT_RING 16

struct GwIkeLink {
  char *connection;
  char *node;
  EpDp *dp;
  int tunnel;
  EpEnv env;
  GwIkeIo io;
  uint8_t *psk;
  size_t psk_len;
  Ikev2Conn *conn;
  EpTimerId timer;
  bool in_rx;              /* sends are held until the received message is logged */
  GPtrArray *held;         /* Pending* */
  GString *rx_notifies;    /* notify names of the message being received (engine's view) */
  /* the engine's summaries of the messages it sent last (IkeEnv.message), so each
   * datagram's ike.message event names the notifies inside SK, retransmissions too */
  IkeMessageSummary sent[GW_IKE_SENT_RING];
  unsigned n_sent;
  GArray *removals;        /* Removal: pairs the engine removed, deleted with its reason */
  void (*changed)(void *arg);
  void *changed_arg;
  size_t n_ts;             /* the configured selector pairs (policy-based) */
  IkeTsPair ts[IKEV2_MAX_TS];
  int64_t asked_at[IKEV2_MAX_TS]; /* on demand: when a child for the pair was asked for */
  bool want_children;      /* an SA we began is up: a child for every further pair */
  bool device;             /* gw_ike_link_set_device */
};

/* A further child for pair i is asked for again only after this (its CREATE_CHILD_SA
 * exchange has long finished or failed by then). */
#define GW_IKE_CHILD_RETRY_NS 5000000000LL

/* After each step of the engine, for a device: RFC 7296 1.3.1, one CREATE_CHILD_SA per
 * further selector pair of a policy-based configuration, at once (strongSwan installs
 * every pair of a connection when it comes up; the first came with IKE_AUTH). The gateway
 * creates them on demand instead (gw_ike_link_acquire_pair). Never from inside the
 * engine's own calls. */
static void step_done(GwIkeLink *l)
{
  if (!l->want_children || !l->device)
    return;
  l->want_children = false;
  if (ikev2_conn_n_children(l->conn) != 1)
    return; /* not a fresh SA (a rekeyed one carries its children over) */
  for (size_t i = 1; i < l->n_ts; i++)
    ikev2_conn_add_child(l->conn, i);
}

static int64_t l_now(const GwIkeLink *l)
{
  return l->env.now(l->env.user);
}

static void emit(GwIkeLink *l, const VsEvent *ev)
{
  vs_event_emit(&l->env.events, ev);
}

/* Pairs the engine removed are deleted from the data plane when the engine says why
 * (its ike.child.state event follows the removal). */
static void flush_removals(GwIkeLink *l, const char *reason)
{
  if (l->changed)
    l->changed(l->changed_arg);
  for (guint i = 0; i < l->removals->len; i++) {
    Removal *r = &g_array_index(l->removals, Removal, i);
    ep_dp_sa_delete(l->dp, l->tunnel, r->spi_in, reason);
    if (l->device)
      continue; /* the connection's SA events are the gateway's */
    VsEvent ev = vs_event(l_now(l), l->node, GW_IKE_EV_CHILD_DELETED);
    vs_event_str(&ev, "connection", l->connection);
    vs_event_hex(&ev, "spi_in", r->spi_in);
    vs_event_hex(&ev, "spi_out", r->spi_out);
    vs_event_str(&ev, "reason", reason);
    emit(l, &ev);
  }
  g_array_set_size(l->removals, 0);
}

static void on_event(void *user, const VsEvent *ev)
{
  GwIkeLink *l = user;
  const VsAttr *reason = vs_event_attr(ev, "reason");
  if (!strcmp(ev->type, IKE_EV_CHILD_STATE) && l->removals->len) {
    const VsAttr *ns = vs_event_attr(ev, "new_state");
    if (ns && ns->kind == VS_ATTR_STR && !strcmp(ns->v.s, "DELETED"))
      flush_removals(l, reason && reason->kind == VS_ATTR_STR ? reason->v.s : "deleted");
  }
  if (!strcmp(ev->type, IKE_EV_SA_ESTABLISHED) && l->n_ts > 1) {
    const VsAttr *i = vs_event_attr(ev, "initiator");
    if (i && i->kind == VS_ATTR_BOOL && i->v.b)
      l->want_children = true;
  }
  /* the engine's events, with the connection they belong to */
  VsEvent e = *ev;
  if (!l->device && !vs_event_attr(&e, "connection"))
    vs_event_str(&e, "connection", l->connection);
  emit(l, &e);
}

static int64_t e_now(void *user)
{
  return l_now(user);
}

static void timer_fired(void *arg)
{
  GwIkeLink *l = arg;
  l->timer = 0;
  ikev2_conn_timeout(l->conn);
  flush_removals(l, "timer");
  step_done(l);
}

static void e_timer_cancel(void *user)
{
  GwIkeLink *l = user;
  if (l->timer && l->env.timer_cancel)
    l->env.timer_cancel(l->env.user, l->timer);
  l->timer = 0;
}

static void e_timer_schedule(void *user, int64_t at_ns)
{
  GwIkeLink *l = user;
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
  GwIkeLink *l = user;
  if (!m->sent) {
    if (l->in_rx) {
      g_string_truncate(l->rx_notifies, 0);
      append_names(l->rx_notifies, m);
    }
    return;
  }
  l->sent[l->n_sent++ % GW_IKE_SENT_RING] = *m;
}

/* The engine's summary of a message we sent, by its header (newest first). */
static const IkeMessageSummary *sent_summary(const GwIkeLink *l, const uint8_t *data, size_t len,
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
  unsigned n = l->n_sent < GW_IKE_SENT_RING ? l->n_sent : GW_IKE_SENT_RING;
  for (unsigned k = 1; k <= n; k++) {
    const IkeMessageSummary *m = &l->sent[(l->n_sent - k) % GW_IKE_SENT_RING];
    if (m->exchange == h.exchange && m->msg_id == h.msg_id && m->spi_i == h.spi_i &&
        m->spi_r == h.spi_r && m->response == ((h.flags & IKEV2_FLAG_RESPONSE) != 0))
      return m;
  }
  return NULL;
}

/* peer and peer_port: the far end (the destination of what we sent, the source of what we
 * received, a NAT's mapping when the peer is behind one); lport: our port. */
static void message_event(GwIkeLink *l, bool sent, Ipv4Addr peer, uint16_t peer_port,
                          uint16_t lport, const uint8_t *data, size_t len,
                          const char *extra_notifies)
{
  uint8_t x;
  bool resp, iflag;
  uint32_t mid;
  char notifies[256];
  if (!gw_ike_datagram_summary(data, len, lport == IKE_PORT_NATT, &x, &resp, &mid, &iflag,
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
  VsEvent ev = vs_event(l_now(l), l->node, GW_IKE_EV_MESSAGE);
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

static void send_now(GwIkeLink *l, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                     const uint8_t *data, size_t len)
{
  message_event(l, true, dst, dport, sport, data, len, NULL);
  l->io.send(l->io.user, src, sport, dst, dport, data, len);
}

static void e_send(void *user, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                   const uint8_t *data, size_t len)
{
  GwIkeLink *l = user;
  if (!l->in_rx) {
    send_now(l, src, sport, dst, dport, data, len);
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

static void esp_row(GwIkeLink *l, const EspSaConfig *c)
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
  GwIkeLink *l = user;
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
    VsEvent ev = vs_event(l_now(l), l->node, GW_IKE_EV_REFUSED);
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
  VsEvent ev = vs_event(l_now(l), l->node, GW_IKE_EV_CHILD_ESTABLISHED);
  vs_event_str(&ev, "connection", l->connection);
  vs_event_hex(&ev, "spi_in", c->spi_in);
  vs_event_hex(&ev, "spi_out", c->spi_out);
  vs_event_bool(&ev, "rekey", c->rekey_of_spi_in != 0);
  vs_event_bool(&ev, "udp_encap", c->udp_encap);
  emit(l, &ev);
}

static void e_child_remove(void *user, uint32_t spi_in, uint32_t spi_out)
{
  GwIkeLink *l = user;
  Removal r = {spi_in, spi_out};
  g_array_append_val(l->removals, r);
}

/* RFC 7296 2.23: the engine moved its IKE SA to the peer's new address and port; the
 * tunnel's UDP-encapsulated ESP follows. */
static void e_peer_moved(void *user, Ipv4Addr addr, uint16_t port)
{
  GwIkeLink *l = user;
  ep_dp_tunnel_set_peer(l->dp, l->tunnel, addr, port);
}

static void e_row(void *user, const char *row)
{
  GwIkeLink *l = user;
  if (l->io.ike_row)
    l->io.ike_row(l->io.user, row);
}

GwIkeLink *gw_ike_link_new(const IkeConfig *cfg, const char *connection, EpDp *dp, int tunnel,
                           const EpEnv *env, const GwIkeIo *io, Drbg *rng)
{
  g_return_val_if_fail(cfg && dp && env && io && io->send && rng, NULL);
  GwIkeLink *l = g_new0(GwIkeLink, 1);
  l->connection = g_strdup(connection);
  l->node = g_strdup(cfg->name);
  l->dp = dp;
  l->tunnel = tunnel;
  l->env = *env;
  l->io = *io;
  l->held = g_ptr_array_new_with_free_func(pending_free);
  l->rx_notifies = g_string_new(NULL);
  l->removals = g_array_new(FALSE, FALSE, sizeof(Removal));
  l->n_ts = cfg->n_ts;
  memcpy(l->ts, cfg->ts, sizeof l->ts);
  for (size_t i = 0; i < IKEV2_MAX_TS; i++)
    l->asked_at[i] = INT64_MIN;
  IkeConfig c = *cfg;
  l->psk = g_memdup2(cfg->psk, cfg->psk_len ? cfg->psk_len : 1);
  l->psk_len = cfg->psk_len;
  c.psk = l->psk;
  c.name = l->node;
  IkeEnv ie = {.user = l, .rng = rng, .events = {on_event, l}, .now = e_now,
               .timer_schedule = e_timer_schedule, .timer_cancel = e_timer_cancel,
               .send = e_send, .child_install = e_child_install,
               .child_remove = e_child_remove, .keytable_row = e_row,
               .message = e_message, .peer_moved = e_peer_moved};
  l->conn = ikev2_conn_new(&c, &ie);
  if (!l->conn) {
    gw_ike_link_free(l);
    return NULL;
  }
  return l;
}

static void link_free_why(GwIkeLink *l, const char *why);

void gw_ike_link_free(GwIkeLink *l)
{
  link_free_why(l, "connection freed");
}

static void link_free_why(GwIkeLink *l, const char *why)
{
  if (!l)
    return;
  l->changed = NULL;
  if (l->conn) {
    l->in_rx = false;
    ikev2_conn_free(l->conn);
    l->conn = NULL;
  }
  /* the engine is gone: its pairs leave the data plane without more events */
  for (guint i = 0; i < l->removals->len; i++)
    ep_dp_sa_delete(l->dp, l->tunnel, g_array_index(l->removals, Removal, i).spi_in, why);
  if (l->timer && l->env.timer_cancel)
    l->env.timer_cancel(l->env.user, l->timer);
  g_array_free(l->removals, TRUE);
  g_ptr_array_free(l->held, TRUE);
  g_string_free(l->rx_notifies, TRUE);
  if (l->psk) {
    ike_wipe(l->psk, l->psk_len);
    g_free(l->psk);
  }
  g_free(l->connection);
  g_free(l->node);
  g_free(l);
}

void gw_ike_link_start(GwIkeLink *l)
{
  ikev2_conn_start(l->conn);
  flush_removals(l, "start");
  step_done(l);
}

void gw_ike_link_acquire(GwIkeLink *l)
{
  ikev2_conn_acquire(l->conn);
  flush_removals(l, "acquire");
  step_done(l);
}

void gw_ike_link_rx(GwIkeLink *l, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                    const uint8_t *data, size_t len)
{
  l->in_rx = true;
  g_string_truncate(l->rx_notifies, 0);
  ikev2_conn_rx(l->conn, src, sport, dst, dport, data, len);
  l->in_rx = false;
  message_event(l, false, src, sport, dport, data, len, l->rx_notifies->str);
  flush_removals(l, "peer");
  /* the answers, in the order the engine sent them */
  g_autoptr(GPtrArray) held = l->held;
  l->held = g_ptr_array_new_with_free_func(pending_free);
  for (guint i = 0; i < held->len; i++) {
    Pending *p = g_ptr_array_index(held, i);
    gsize n;
    const uint8_t *b = g_bytes_get_data(p->data, &n);
    send_now(l, p->src, p->sport, p->dst, p->dport, b, n);
  }
  step_done(l);
}

bool gw_ike_link_esp_authenticated(GwIkeLink *l, Ipv4Addr src, uint16_t sport)
{
  return ikev2_conn_esp_authenticated(l->conn, src, sport);
}

void gw_ike_link_set_device(GwIkeLink *l)
{
  l->device = true;
}

void gw_ike_link_acquire_pair(GwIkeLink *l, Ipv4Addr src, Ipv4Addr dst)
{
  if (ikev2_conn_state(l->conn) != IKE_SA_ESTABLISHED || l->n_ts < 2) {
    gw_ike_link_acquire(l);
    return;
  }
  /* facts 3.4: a further pair's child SA is negotiated when its traffic arrives */
  int64_t now = l_now(l);
  for (size_t i = 0; i < l->n_ts; i++) {
    if (!ipv4_range_contains_addr(l->ts[i].local, src) || !ipv4_range_contains_addr(l->ts[i].remote, dst))
      continue;
    if (l->asked_at[i] != INT64_MIN && now - l->asked_at[i] < GW_IKE_CHILD_RETRY_NS)
      return;
    l->asked_at[i] = now;
    ikev2_conn_add_child(l->conn, i);
    flush_removals(l, "acquire");
    return;
  }
}

void gw_ike_link_sa_expired(GwIkeLink *l, const EpSaExpiry *e)
{
  if (!l || e->tunnel != l->tunnel)
    return;
  /* RFC 7296 2.8: lifetimes in kilobytes rekey like lifetimes in seconds, make-before-
   * break; only a hard limit (a rekey that failed or came too late) ends the child. The
   * engine finds the child by our inbound SPI and ignores one it does not hold. */
  ikev2_conn_child_expired(l->conn, e->in_spi, e->kind == EP_SA_HARD_EXPIRED);
  flush_removals(l, name_get(&ep_sa_expiry_kind_names, e->kind));
  step_done(l);
}

void gw_ike_link_on_change(GwIkeLink *l, void (*fn)(void *arg), void *arg)
{
  l->changed = fn;
  l->changed_arg = arg;
}

Ikev2Conn *gw_ike_link_conn(GwIkeLink *l)
{
  return l->conn;
}

size_t gw_ike_link_n_ike_sas(const GwIkeLink *l)
{
  return ikev2_conn_n_ike_sas(l->conn);
}

/* ---- the gateway's configuration of a connection ---- */

static bool str_is(GwStr s, const char *v)
{
  return s.set && s.v && v && !strcmp(s.v, v);
}

/* The PRF that goes with an IKE integrity algorithm (RFC 7296 3.3.2: Azure documents
 * no PRF column for S2S, facts 2.1; the HMAC of the same hash is what devices pair). */
static uint16_t prf_for(uint16_t integ)
{
  switch (integ) {
  case AUTH_HMAC_SHA1_96: return PRF_HMAC_SHA1;
  case AUTH_HMAC_SHA2_256_128: return PRF_HMAC_SHA2_256;
  case AUTH_HMAC_SHA2_384_192: return PRF_HMAC_SHA2_384;
  case AUTH_HMAC_SHA2_512_256: return PRF_HMAC_SHA2_512;
  case AUTH_HMAC_MD5_96: return PRF_HMAC_MD5;
  default: return PRF_HMAC_SHA2_256;
  }
}

static bool ike_prop(GwIkeEncryption e, GwIkeIntegrity i, GwDhGroup g, IkeProposalCfg *out)
{
  const GwPolicyValue *ev = gw_policy_value(GW_FIELD_IKE_ENCRYPTION, e);
  const GwPolicyValue *iv = gw_policy_value(GW_FIELD_IKE_INTEGRITY, i);
  const GwPolicyValue *gv = gw_policy_value(GW_FIELD_DH_GROUP, g);
  if (!ev || !iv || !gv || gv->iana.id == DH_NONE)
    return false;
  *out = (IkeProposalCfg){0}; /* no alternatives: one transform of each type */
  out->encr = ev->iana.id;
  out->key_bits = ev->iana.key_bits;
  out->prf = prf_for(iv->iana.id);
  /* RFC 5282 / RFC 7296 3.3: an AEAD cipher takes no integrity transform; the policy's
   * integrity then names the PRF (facts 3.1 pairs GCMAES with SHA256/SHA384) */
  out->integ = ike_encr_is_aead(out->encr) ? AUTH_NONE : iv->iana.id;
  out->dh = gv->iana.id;
  return true;
}

static bool esp_prop(GwIpsecEncryption e, GwIpsecIntegrity i, ChildProposalCfg *out)
{
  const GwPolicyValue *ev = gw_policy_value(GW_FIELD_IPSEC_ENCRYPTION, e);
  const GwPolicyValue *iv = gw_policy_value(GW_FIELD_IPSEC_INTEGRITY, i);
  if (!ev || !iv)
    return false;
  *out = (ChildProposalCfg){0}; /* no PFS group and no alternatives unless set after */
  out->encr = ev->iana.type == IKE_TRANSFORM_ENCR && e != GW_ESP_ENC_NONE ? ev->iana.id : ENCR_NULL;
  out->key_bits = ev->iana.key_bits;
  out->integ = ike_encr_is_aead(out->encr) ? AUTH_NONE : iv->iana.id;
  out->esn = false;
  return true;
}

/* The IANA D-H group of a PFS setting (facts 3.2: PFS2048 is group 14, PFS24 group 24,
 * ECP256/384 groups 19/20); 0 for None. */
static uint16_t pfs_id(GwPfsGroup g)
{
  const GwPolicyValue *pfs = gw_policy_value(GW_FIELD_PFS_GROUP, g);
  if (g == GW_PFS_NONE || !pfs || pfs->iana.type != IKE_TRANSFORM_DH)
    return 0;
  return pfs->iana.id;
}

static void add_esp_unique(IkeConfig *c, ChildProposalCfg p)
{
  for (size_t k = 0; k < c->n_esp; k++)
    if (!memcmp(&c->esp[k], &p, sizeof p))
      return;
  if (c->n_esp < IKEV2_MAX_CHILD_PROPOSALS)
    c->esp[c->n_esp++] = p;
}

bool gw_ike_connection_config(const GwConfig *cfg, const GwConnection *c, Ipv4Addr local,
                              IkeConfig *as_initiator, bool *has_i, IkeConfig *as_responder,
                              bool *has_r, const char **why)
{
  if (gw_enum_or(c->connectionProtocol, GW_IKEV2) != GW_IKEV2) {
    *why = "IKEv1 connections are not implemented yet";
    return false;
  }
  const GwVirtualNetworkGateway *g = gw_config_find_gateway(cfg, c->virtualNetworkGateway1.v);
  const GwVirtualNetwork *v = g ? gw_config_find_vnet(cfg, g->virtualNetwork.v) : NULL;
  Ipv4Addr remote = {0};
  const GwLocalNetworkGateway *lng = NULL;
  if (gw_enum_or(c->connectionType, GW_CONN_IPSEC) == GW_CONN_VNET2VNET) {
    const GwVirtualNetworkGateway *o = gw_config_find_gateway(cfg, c->virtualNetworkGateway2.v);
    if (!o || o->n_publicIpAddresses < 1) {
      *why = "the other gateway has no public IP address";
      return false;
    }
    remote = o->publicIpAddresses[0].v;
  } else {
    lng = gw_config_find_local(cfg, c->localNetworkGateway2.v);
    if (!lng || !lng->gatewayIpAddress.set) {
      *why = "the local network gateway has no IP address";
      return false;
    }
    remote = lng->gatewayIpAddress.v;
  }
  if (!g || !v) {
    *why = "the connection's gateway or its virtual network is missing";
    return false;
  }
  if (!c->sharedKey.set || !c->sharedKey.v) {
    *why = "the connection has no shared key";
    return false;
  }
  IkeConfig base;
  ike_config_defaults(&base);
  base.local_addr = local;
  base.remote_addr = remote;
  /* identities: the gateway's public IP (ID_IPV4_ADDR); the peer must name itself by the
   * address the connection knows it by (the local network gateway's gatewayIpAddress,
   * or the other gateway's), so a device behind a NAT that sends its private address
   * fails authentication (catalogue NATT-002) */
  base.local_id.type = IKEV2_ID_IPV4_ADDR;
  ipv4_addr_format(local, base.local_id.value);
  base.remote_id.type = IKEV2_ID_IPV4_ADDR;
  ipv4_addr_format(remote, base.remote_id.value);
  base.psk = (const uint8_t *)c->sharedKey.v;
  base.psk_len = strlen(c->sharedKey.v);
  /* facts 2.1: the MM (IKE SA) lifetime is fixed at 28,800 s, custom policy or not */
  base.ike_lifetime_s = (uint32_t)gw_policy_default("mm-lifetime-s");
  bool pb_gw = gw_enum_or(g->vpnType, GW_VPN_ROUTE_BASED) == GW_VPN_POLICY_BASED;
  base.child_lifetime_s =
      (uint32_t)gw_policy_default(pb_gw ? "pb-qm-lifetime-s" : "rb-qm-lifetime-s");
  base.child_lifetime_kb = (uint64_t)gw_policy_default("qm-lifetime-kb");
  /* facts 2.5: DPD timeout per connection (default 45 s): the peer is dead that long
   * after the first unanswered check. The check interval is not documented: a third of
   * the timeout (three checks fit in the shortest, 9 s), at most 10 s, so that a silent
   * peer is found dead within the timeout plus ten seconds. */
  base.dpd_timeout_s = (uint32_t)gw_int_or(c->dpdTimeoutSeconds, gw_policy_default("dpd-timeout-s"));
  base.dpd_interval_s = base.dpd_timeout_s >= 3 ? base.dpd_timeout_s / 3 : 1;
  if (base.dpd_interval_s > 10)
    base.dpd_interval_s = 10;
  base.dpd_action = IKE_DPD_CLEAR;
  /* policy-based selectors (facts 3.4): proposed when initiating */
  IkeConfig resp_ts_any = base;
  bool pb = pb_gw || gw_bool_or(c->usePolicyBasedTrafficSelectors, false);
  if (pb) {
    if (c->n_trafficSelectorPolicies) {
      for (unsigned i = 0; i < c->n_trafficSelectorPolicies; i++) {
        const GwTrafficSelectorPolicy *p = &c->trafficSelectorPolicies[i];
        for (unsigned a = 0; a < p->n_localAddressRanges; a++)
          for (unsigned b = 0; b < p->n_remoteAddressRanges && base.n_ts < IKEV2_MAX_TS; b++)
            base.ts[base.n_ts++] = (IkeTsPair){ipv4_range_from_prefix(p->localAddressRanges[a].v),
                                               ipv4_range_from_prefix(p->remoteAddressRanges[b].v)};
      }
    } else if (lng) {
      for (unsigned a = 0; a < v->n_addressSpace; a++)
        for (unsigned b = 0; b < lng->n_addressPrefixes && base.n_ts < IKEV2_MAX_TS; b++)
          base.ts[base.n_ts++] = (IkeTsPair){ipv4_range_from_prefix(v->addressSpace[a].v),
                                             ipv4_range_from_prefix(lng->addressPrefixes[b].v)};
    }
  }
  IkeConfig ci = base, cr = base;
  /* responding, the gateway accepts whatever selectors the remote proposes (facts 3.4)
   * when it uses policy-based selectors; route-based without them it insists on
   * any-to-any: it refuses specific prefixes with TS_UNACCEPTABLE and, initiating,
   * deletes a child whose responder narrowed 0/0 down (interop 1: both directions) */
  cr.n_ts = resp_ts_any.n_ts;
  cr.ts_no_narrowing = ci.ts_no_narrowing = !pb;
  ci.name = cr.name = NULL;
  ci.n_ike = cr.n_ike = ci.n_esp = cr.n_esp = 0;
  if (c->n_ipsecPolicies) {
    /* facts 3.1: the custom policy alone, both ways */
    const GwIpsecPolicy *p = &c->ipsecPolicies[0];
    IkeProposalCfg ip;
    ChildProposalCfg ep;
    if (!ike_prop(p->ikeEncryption.v, p->ikeIntegrity.v, p->dhGroup.v, &ip) ||
        !esp_prop(p->ipsecEncryption.v, p->ipsecIntegrity.v, &ep)) {
      *why = "the custom policy has a value the engine cannot use";
      return false;
    }
    uint16_t pfs_group = pfs_id(p->pfsGroup.v);
    ci.ike[0] = cr.ike[0] = ip;
    ci.n_ike = cr.n_ike = 1;
    ep.dh = pfs_group;
    ci.esp[0] = cr.esp[0] = ep;
    ci.n_esp = cr.n_esp = 1;
    if (p->saLifeTimeSeconds.set)
      ci.child_lifetime_s = cr.child_lifetime_s = (uint32_t)p->saLifeTimeSeconds.v;
    if (p->saDataSizeKilobytes.set)
      ci.child_lifetime_kb = cr.child_lifetime_kb = (uint64_t)p->saDataSizeKilobytes.v;
  } else {
    /* facts 2.1: the phase 1 list (route-based or policy-based), DH group 2 */
    const GwProposalList *mm = gw_default_proposal_list(pb_gw ? "pb-mm" : "rb-mm");
    for (size_t k = 0; k < mm->n && ci.n_ike < IKEV2_MAX_PROPOSALS; k++) {
      IkeProposalCfg ip;
      if (ike_prop(mm->ike[k].enc, mm->ike[k].integ, mm->ike[k].dh, &ip))
        ci.ike[ci.n_ike++] = ip;
    }
    cr.n_ike = ci.n_ike;
    memcpy(cr.ike, ci.ike, sizeof ci.ike);
    /* facts 2.3 (initiator offers, no PFS) and 2.4 (accepted as responder: each row with
     * its own PFS group, so a child rekey with PFS 14 matches its rows; IKE_AUTH ignores
     * the groups) */
    const GwProposalList *qi = gw_default_proposal_list(pb_gw ? "pb-qm" : "rb-qm-initiator");
    const GwProposalList *qr = gw_default_proposal_list(pb_gw ? "pb-qm" : "rb-qm-responder");
    for (size_t k = 0; k < qi->n; k++) {
      ChildProposalCfg ep;
      if (esp_prop(qi->esp[k].enc, qi->esp[k].integ, &ep))
        add_esp_unique(&ci, ep);
    }
    for (size_t k = 0; k < qr->n; k++) {
      ChildProposalCfg ep;
      if (esp_prop(qr->esp[k].enc, qr->esp[k].integ, &ep)) {
        ep.dh = pfs_id(qr->esp[k].pfs);
        add_esp_unique(&cr, ep);
      }
    }
    /* The role table belongs to each exchange, not to whoever began the IKE SA (facts
     * 3.5: the connection mode concerns only the initial IKE SA; rekeys may come from
     * either side). Whenever the gateway initiates a child (IKE_AUTH, a rekey of a child
     * the peer created included) it offers the initiator list, without PFS (facts 2.3,
     * interop 4); whenever it answers a CREATE_CHILD_SA, also on an IKE SA it began, it
     * accepts the responder rows (facts 2.4: PFS 1, 2, 14, 24). */
    memcpy(cr.esp_offer, ci.esp, sizeof ci.esp);
    cr.n_esp_offer = ci.n_esp;
    memcpy(ci.esp_offer, ci.esp, sizeof ci.esp);
    ci.n_esp_offer = ci.n_esp;
    memcpy(ci.esp, cr.esp, sizeof cr.esp);
    ci.n_esp = cr.n_esp;
  }
  GwConnectionMode mode = gw_enum_or(c->connectionMode, GW_MODE_DEFAULT);
  /* facts 3.5: Default initiates and responds (gw_ike_start dials GW_IKE_DEFAULT_DIAL_NS
   * after start unless the peer has begun, and traffic needing the tunnel dials too);
   * InitiatorOnly initiates at once and refuses the peer's IKE_SA_INIT; ResponderOnly
   * never initiates */
  *has_i = mode != GW_MODE_RESPONDER_ONLY;
  *has_r = mode != GW_MODE_INITIATOR_ONLY;
  ci.start = mode == GW_MODE_INITIATOR_ONLY ? IKE_START_INITIATE : IKE_START_ON_TRAFFIC;
  ci.dpd_action = mode == GW_MODE_INITIATOR_ONLY ? IKE_DPD_RESTART : IKE_DPD_CLEAR;
  cr.start = IKE_START_RESPOND;
  *as_initiator = ci;
  *as_responder = cr;
  return true;
}

/* ---- the gateway ---- */

/* When a Default-mode connection dials if the peer has not begun: the documents do not
 * say; one second leaves a device that initiates at start the first word, so the two do
 * not meet with two IKE SAs. While the connection has no IKE SA at all (never up, DPD
 * cleared it, a retransmission gave up) it dials again every GW_IKE_REDIAL_NS, as a
 * gateway that keeps its connections up does (also not documented: ten seconds). */
#define GW_IKE_DEFAULT_DIAL_NS 1000000000LL
#define GW_IKE_REDIAL_NS 10000000000LL

typedef struct {
  EpDp *dp;
  EpEnv env;
  EpTimerId dial;
  bool dial_default;
  GwConnection cur; /* the configuration in force (timeline changes replace it) */
  char *name;
  int tunnel;
  bool hooked; /* the tunnel's expiry hook is ours */
  Ipv4Addr remote;
  GwIkeLink *init, *resp;
} GwIkeConn;

struct GwIke {
  char *node;
  EpDp *dp;
  EpEnv env;
  GwIkeIo io;
  Drbg *rng;
  Ipv4Addr local;
  GPtrArray *conns; /* GwIkeConn* */
};

static void conn_free(gpointer p)
{
  GwIkeConn *c = p;
  /* each link's last events must not reach a sibling already freed */
  GwIkeLink *i = c->init, *r = c->resp;
  c->init = c->resp = NULL;
  if (c->dial && c->env.timer_cancel)
    c->env.timer_cancel(c->env.user, c->dial);
  if (c->hooked)
    ep_dp_tunnel_set_expiry_hook(c->dp, c->tunnel, NULL, NULL);
  gw_ike_link_free(i);
  gw_ike_link_free(r);
  g_free(c->name);
  g_free(c);
}

static void refused(GwIke *g, const char *conn, const char *why)
{
  VsEvent ev = vs_event(g->env.now(g->env.user), g->node, GW_IKE_EV_REFUSED);
  vs_event_str(&ev, "connection", conn);
  vs_event_str(&ev, "reason", why);
  vs_event_emit(&g->env.events, &ev);
}

/* The data plane's lifetimes of the connection's pairs, to whichever engine holds them
 * (the side that began the IKE SA, or the other: both may have children). */
static void conn_sa_expired(void *user, const EpSaExpiry *e)
{
  GwIkeConn *k = user;
  gw_ike_link_sa_expired(k->init, e);
  gw_ike_link_sa_expired(k->resp, e);
}

static void mm_count(void *arg)
{
  GwIkeConn *k = arg;
  size_t n = (k->init ? gw_ike_link_n_ike_sas(k->init) : 0) +
             (k->resp ? gw_ike_link_n_ike_sas(k->resp) : 0);
  ep_dp_set_mm_sa_count(k->dp, k->tunnel, (unsigned)n);
}

/* The engines of connection c on tunnel t: the initiator side, the responder side or both
 * (connection mode); false with a refusal event when c cannot run. */
static bool conn_links(GwIke *g, GwIkeConn *k, const GwConfig *cfg)
{
  IkeConfig ci, cr;
  bool hi = false, hr = false;
  const char *why = NULL;
  if (!gw_ike_connection_config(cfg, &k->cur, g->local, &ci, &hi, &cr, &hr, &why)) {
    refused(g, k->name, why);
    return false;
  }
  k->remote = ci.remote_addr;
  ci.name = cr.name = g->node;
  if (hi)
    k->init = gw_ike_link_new(&ci, k->name, g->dp, k->tunnel, &g->env, &g->io, g->rng);
  if (hr)
    k->resp = gw_ike_link_new(&cr, k->name, g->dp, k->tunnel, &g->env, &g->io, g->rng);
  k->dial_default = hi;
  if (k->init)
    gw_ike_link_on_change(k->init, mm_count, k);
  if (k->resp)
    gw_ike_link_on_change(k->resp, mm_count, k);
  return true;
}

GwIke *gw_ike_new(const GwConfig *cfg, const char *name, GwGateway *gw, const EpEnv *env,
                  const GwIkeIo *io, Drbg *rng)
{
  GwIke *g = g_new0(GwIke, 1);
  g->dp = gw_gateway_dp(gw);
  g->env = *env;
  g->io = *io;
  g->rng = rng;
  g->node = g_strdup_printf("%s/0", name);
  g->conns = g_ptr_array_new_with_free_func(conn_free);
  g->local = gw_gateway_public_ip(gw);
  for (unsigned i = 0; i < cfg->n_connections; i++) {
    const GwConnection *c = &cfg->connections[i];
    if (!str_is(c->virtualNetworkGateway1, name))
      continue;
    int t = gw_gateway_tunnel(gw, c->name.v);
    if (t < 0)
      continue; /* refused by the runtime already (IKEv1, missing peer) */
    GwIkeConn *k = g_new0(GwIkeConn, 1);
    k->name = g_strdup(c->name.v);
    k->tunnel = t;
    k->dp = g->dp;
    k->env = *env;
    k->cur = *c;
    if (!conn_links(g, k, cfg)) {
      conn_free(k);
      continue;
    }
    ep_dp_tunnel_set_expiry_hook(g->dp, t, conn_sa_expired, k);
    k->hooked = true;
    g_ptr_array_add(g->conns, k);
  }
  return g;
}

static GwIkeConn *conn_find(GwIke *g, const char *name)
{
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    if (!strcmp(k->name, name))
      return k;
  }
  return NULL;
}

static void conn_start(GwIkeConn *k);

/* facts 2.5: changing or removing a custom policy restarts the IKE handshake; a reset
 * (and a new shared key) does the same: the IKE SA is deleted (a Delete goes to the
 * peer), its child SAs leave the data plane, and the connection starts again. */
static bool conn_restart(GwIke *g, GwIkeConn *k, const GwConfig *cfg, const char *reason)
{
  VsEvent ev = vs_event(g->env.now(g->env.user), g->node, GW_IKE_EV_RESET);
  vs_event_str(&ev, "connection", k->name);
  vs_event_str(&ev, "reason", reason);
  vs_event_emit(&g->env.events, &ev);
  GwIkeLink *links[2] = {k->init, k->resp};
  k->init = k->resp = NULL;
  if (k->dial && k->env.timer_cancel)
    k->env.timer_cancel(k->env.user, k->dial);
  k->dial = 0;
  for (int i = 0; i < 2; i++)
    if (links[i]) {
      gw_ike_link_on_change(links[i], NULL, NULL);
      ikev2_conn_close(gw_ike_link_conn(links[i]));
      link_free_why(links[i], reason);
    }
  ep_dp_tunnel_down(g->dp, k->tunnel, reason);
  ep_dp_set_mm_sa_count(g->dp, k->tunnel, 0);
  if (!conn_links(g, k, cfg))
    return false;
  conn_start(k);
  return true;
}

bool gw_ike_set_policy(GwIke *g, const GwConfig *cfg, const char *connection,
                       const GwIpsecPolicy *policy)
{
  GwIkeConn *k = conn_find(g, connection);
  if (!k)
    return false;
  k->cur.n_ipsecPolicies = 0;
  if (policy)
    k->cur.ipsecPolicies[k->cur.n_ipsecPolicies++] = *policy;
  return conn_restart(g, k, cfg, policy ? "custom policy set" : "custom policy removed");
}

bool gw_ike_set_shared_key(GwIke *g, const GwConfig *cfg, const char *connection,
                           const char *key)
{
  GwIkeConn *k = conn_find(g, connection);
  if (!k)
    return false;
  k->cur.sharedKey = (GwStr){.set = true, .v = key};
  return conn_restart(g, k, cfg, "shared key changed");
}

bool gw_ike_reset(GwIke *g, const GwConfig *cfg, const char *connection)
{
  bool any = false;
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    if (!connection || !strcmp(k->name, connection))
      any = conn_restart(g, k, cfg, connection ? "connection reset" : "gateway reset") || any;
  }
  return any;
}

void gw_ike_free(GwIke *g)
{
  if (!g)
    return;
  g_ptr_array_free(g->conns, TRUE);
  g_free(g->node);
  g_free(g);
}

static void default_dial(void *arg)
{
  GwIkeConn *k = arg;
  k->dial = 0;
  if (k->init && (!k->resp || !gw_ike_link_n_ike_sas(k->resp)) &&
      !gw_ike_link_n_ike_sas(k->init))
    gw_ike_link_acquire(k->init);
  k->dial = k->env.timer_add(k->env.user, GW_IKE_REDIAL_NS, default_dial, k);
}

static void conn_start(GwIkeConn *k)
{
  if (k->resp)
    gw_ike_link_start(k->resp);
  if (k->init)
    gw_ike_link_start(k->init);
  if (k->dial_default)
    k->dial = k->env.timer_add(k->env.user, GW_IKE_DEFAULT_DIAL_NS, default_dial, k);
}

void gw_ike_start(GwIke *g)
{
  for (guint i = 0; i < g->conns->len; i++)
    conn_start(g_ptr_array_index(g->conns, i));
}

void gw_ike_acquire(GwIke *g, int tunnel, Ipv4Addr src, Ipv4Addr dst)
{
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    if (k->tunnel == tunnel && k->init)
      gw_ike_link_acquire_pair(k->init, src, dst);
  }
}

void gw_ike_esp_authenticated(GwIke *g, int tunnel, Ipv4Addr src, uint16_t sport)
{
  for (guint i = 0; i < g->conns->len; i++) {
    GwIkeConn *k = g_ptr_array_index(g->conns, i);
    /* the gateway knows a connection by its local network gateway's address and answers
     * IKE from no other: only a new port of that address is followed */
    if (k->tunnel != tunnel || k->remote.v != src.v)
      continue;
    if (k->init)
      gw_ike_link_esp_authenticated(k->init, src, sport);
    if (k->resp)
      gw_ike_link_esp_authenticated(k->resp, src, sport);
  }
}

GwIkeLink *gw_ike_peek_link(GwIke *g, const char *connection, bool initiator)
{
  GwIkeConn *k = conn_find(g, connection);
  return k ? (initiator ? k->init : k->resp) : NULL;
}

static bool link_has(GwIkeLink *l, uint64_t spi_i, uint64_t spi_r)
{
  uint64_t a, b;
  return l && ikev2_conn_ike_spis(gw_ike_link_conn(l), &a, &b) && a == spi_i &&
         (b == spi_r || spi_r == 0);
}

void gw_ike_rx(GwIke *g, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
               const uint8_t *data, size_t len)
{
  GwIkeConn *k = NULL;
  for (guint i = 0; i < g->conns->len && !k; i++) {
    GwIkeConn *c = g_ptr_array_index(g->conns, i);
    if (c->remote.v == src.v)
      k = c;
  }
  if (!k)
    return; /* no connection to that peer: dropped, as the cloud does */
  const uint8_t *b = data;
  size_t n = len;
  if (dport == IKE_PORT_NATT) {
    if (n < 4 || memcmp(b, "\0\0\0\0", 4) != 0)
      return;
    b += 4, n -= 4;
  }
  Ikev2Header h;
  Ikev2Diag d;
  if (ikev2_header_decode(b, n, &h, &d) != WIRE_OK)
    return;
  bool from_initiator = (h.flags & IKEV2_FLAG_INITIATOR) != 0;
  GwIkeLink *to = NULL;
  /* the engine that holds the SA by its SPIs, then RFC 7296 3.1's Initiator flag: set
   * when the sender began the IKE SA (our responder side), clear when we did */
  if (link_has(k->init, h.spi_i, h.spi_r))
    to = k->init;
  else if (link_has(k->resp, h.spi_i, h.spi_r))
    to = k->resp;
  else
    to = from_initiator ? k->resp : k->init;
  if (!to) {
    refused(g, k->name,
            from_initiator ? "InitiatorOnly: the peer's IKE_SA_INIT is not answered"
                           : "ResponderOnly: a response to no request of ours");
    return;
  }
  gw_ike_link_rx(to, src, sport, dst, dport, data, len);
}
