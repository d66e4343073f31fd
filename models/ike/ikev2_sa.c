/* SPDX-License-Identifier: MIT */
/* The IKEv2 engine's core: connections, IKE SA lifecycle and states, message IDs with
 * window size 1 (RFC 7296 2.3), retransmission with back-off and duplicate-request
 * answers (2.1), SK protection and RFC 7383 fragments on the way out and in, the timer,
 * dead peer detection (2.4), NAT traversal ports (2.23) and the task queue. */
#include "models/ike/ikev2_sa_private.h"

#include "models/ike/ike_keytable.h"
#include "models/ike/ikev2_rules.h"

#include <string.h>

NAME_TABLE(ike_sa_state_names, "IKE SA state", {IKE_SA_CREATED, "CREATED"},
           {IKE_SA_INIT_SENT, "INIT_SENT"}, {IKE_SA_INIT_DONE, "INIT_DONE"},
           {IKE_SA_AUTH_SENT, "AUTH_SENT"}, {IKE_SA_ESTABLISHED, "ESTABLISHED"},
           {IKE_SA_REKEYING, "REKEYING"}, {IKE_SA_REKEYED, "REKEYED"},
           {IKE_SA_DELETING, "DELETING"}, {IKE_SA_DELETED, "DELETED"},
           {IKE_SA_FAILED, "FAILED"});
NAME_TABLE(ike_child_state_names, "child SA state", {IKE_CHILD_CREATING, "CREATING"},
           {IKE_CHILD_INSTALLED, "INSTALLED"}, {IKE_CHILD_REKEYING, "REKEYING"},
           {IKE_CHILD_REKEYED, "REKEYED"}, {IKE_CHILD_DELETING, "DELETING"},
           {IKE_CHILD_DELETED, "DELETED"});
NAME_TABLE(ike_start_policy_names, "IKE start policy", {IKE_START_INITIATE, "initiate"},
           {IKE_START_RESPOND, "respond"}, {IKE_START_ON_TRAFFIC, "on-traffic"});
NAME_TABLE(ike_dpd_action_names, "DPD action", {IKE_DPD_CLEAR, "clear"},
           {IKE_DPD_RESTART, "restart"});

NAME_TABLE(ike_drop_reason_names, "IKE drop reason", {IKE_DROP_HEADER, "header"},
           {IKE_DROP_UNKNOWN_SPI, "unknown_spi"},
           {IKE_DROP_UNEXPECTED_RESPONSE, "unexpected_response"}, {IKE_DROP_MSG_ID, "msg_id"},
           {IKE_DROP_MALFORMED_INIT, "malformed_init"}, {IKE_DROP_INTEGRITY, "integrity"},
           {IKE_DROP_MALFORMED, "malformed"}, {IKE_DROP_PAYLOAD_RULES, "payload_rules"},
           {IKE_DROP_HALF_OPEN_LIMIT, "half_open_limit"}, {IKE_DROP_COOKIE, "cookie"},
           {IKE_DROP_NO_CONNECTION, "no_connection"}, {IKE_DROP_MODE, "mode"});

#define IKE_PORT 500u
#define NATT_PORT 4500u

void ike_config_defaults(IkeConfig *c)
{
  memset(c, 0, sizeof *c);
  c->local_port = c->remote_port = IKE_PORT;
  c->ike_lifetime_s = 28800;
  c->child_lifetime_s = 27000;
  c->child_lifetime_kb = 102400000;
  c->rekey_margin_s = 540;
  c->rekey_jitter_s = 60;
  c->dpd_interval_s = 0;
  c->dpd_timeout_s = 45;
  c->retrans_base_ms = 500;
  c->retrans_tries = 4;
  c->half_open_s = 30;
  c->keepalive_s = 20;
  c->natt = true;
  c->initial_contact = true;
}

/* ---- small helpers ---- */

int64_t ike_now(const IkeSa *sa)
{
  return sa->conn->env.now(sa->conn->env.user);
}

static int64_t conn_now(const Ikev2Conn *c)
{
  return c->env.now(c->env.user);
}

uint16_t ike_default_dh(const Ikev2Conn *c)
{
  return c->cfg.n_ike ? c->cfg.ike[0].dh : 0;
}

static VsEvent sa_event(const IkeSa *sa, const char *type)
{
  VsEvent ev = vs_event(ike_now(sa), sa->conn->cfg.name, type);
  vs_event_hex(&ev, "spi_i", sa->spi_i);
  vs_event_hex(&ev, "spi_r", sa->spi_r);
  return ev;
}

static void emit(const IkeSa *sa, VsEvent *ev)
{
  char peer[IPV4_ADDR_STRLEN];
  vs_event_str(ev, "peer", ipv4_addr_format(sa->conn->cfg.remote_addr, peer));
  vs_event_emit(&sa->conn->env.events, ev);
}

void ike_sa_emit(const IkeSa *sa, const char *type, const char *key, const char *val)
{
  VsEvent ev = sa_event(sa, type);
  if (key)
    vs_event_str(&ev, key, val);
  emit(sa, &ev);
}

void ike_child_emit(const IkeSa *sa, const IkeChild *ch, const char *type, const char *exchange)
{
  char e[NAME_BUFSZ], i[NAME_BUFSZ];
  VsEvent ev = sa_event(sa, type);
  vs_event_str(&ev, "exchange", exchange);
  vs_event_hex(&ev, "spi_in", ch->spi_in);
  vs_event_hex(&ev, "spi_out", ch->spi_out);
  vs_event_str(&ev, "encr", name_fmt(&ike_encr_names, ch->alg.encr, e));
  vs_event_uint(&ev, "key_bits", ch->alg.key_bits);
  vs_event_str(&ev, "integ", name_fmt(&ike_integ_names, ch->alg.integ, i));
  vs_event_uint(&ev, "pfs", ch->alg.dh);
  emit(sa, &ev);
}

void ike_sa_emit_notify(const IkeSa *sa, uint16_t type, const char *exchange)
{
  char b[NAME_BUFSZ];
  VsEvent ev = sa_event(sa, IKE_EV_NOTIFY_RX);
  vs_event_str(&ev, "exchange", exchange);
  vs_event_str(&ev, "notify", name_fmt(&ikev2_notify_names, type, b));
  emit(sa, &ev);
}

void ike_sa_set_state(IkeSa *sa, IkeSaState s, const char *reason)
{
  if (sa->state == s)
    return;
  char a[NAME_BUFSZ], b[NAME_BUFSZ];
  VsEvent ev = sa_event(sa, IKE_EV_SA_STATE);
  vs_event_str(&ev, "old_state", name_fmt(&ike_sa_state_names, sa->state, a));
  vs_event_str(&ev, "new_state", name_fmt(&ike_sa_state_names, s, b));
  vs_event_str(&ev, "reason", reason);
  vs_event_bool(&ev, "initiator", sa->initiator);
  char x[NAME_BUFSZ];
  if (sa->exchange)
    vs_event_str(&ev, "exchange", name_fmt(&ikev2_exchange_names, sa->exchange, x));
  sa->state = s;
  g_strlcpy(sa->reason, reason ? reason : "", sizeof sa->reason);
  emit(sa, &ev);
}

Ikev2Task *ike_task_new(Ikev2TaskKind kind)
{
  static const Ikev2TaskOps *const ops[] = {
      [TASK_IKE_INIT] = &ike_task_init_ops,       [TASK_IKE_AUTH] = &ike_task_auth_ops,
      [TASK_CHILD_CREATE] = &ike_task_child_ops,  [TASK_CHILD_REKEY] = &ike_task_child_rekey_ops,
      [TASK_IKE_REKEY] = &ike_task_ike_rekey_ops, [TASK_CHILD_DELETE] = &ike_task_delete_ops,
      [TASK_IKE_DELETE] = &ike_task_delete_ops,   [TASK_DPD] = &ike_task_dpd_ops,
  };
  Ikev2Task *t = g_new0(Ikev2Task, 1);
  t->kind = kind;
  t->ops = ops[kind];
  t->deadline = NEVER;
  return t;
}

void ike_task_free(Ikev2Task *t)
{
  if (!t)
    return;
  ike_dh_free(t->dh);
  ike_wipe(&t->nonce, sizeof t->nonce);
  g_free(t);
}

static void packets_clear(GPtrArray **a)
{
  if (*a)
    g_ptr_array_unref(*a);
  *a = NULL;
}

IkeSa *ike_sa_new(Ikev2Conn *c, bool initiator)
{
  IkeSa *sa = g_new0(IkeSa, 1);
  sa->conn = c;
  sa->initiator = initiator;
  sa->state = IKE_SA_CREATED;
  g_queue_init(&sa->tasks);
  sa->children = g_ptr_array_new_with_free_func(g_free);
  sa->raddr = c->cfg.remote_addr;
  sa->lport = c->cfg.local_port;
  sa->rport = c->cfg.remote_port;
  sa->half_open_at = sa->rekey_at = sa->dpd_at = sa->keepalive_at = sa->retrans_at = NEVER;
  sa->last_rx = conn_now(c);
  /* RFC 7296 2.6: SPIs are random, never zero */
  do {
    uint64_t spi = drbg_u64(c->env.rng);
    if (initiator)
      sa->spi_i = spi;
    else
      sa->spi_r = spi;
  } while ((initiator ? sa->spi_i : sa->spi_r) == 0);
  g_ptr_array_add(c->sas, sa);
  return sa;
}

static void sa_free(IkeSa *sa)
{
  Ikev2Task *t;
  while ((t = g_queue_pop_head(&sa->tasks)))
    ike_task_free(t);
  ike_task_free(sa->active);
  ike_keys_free(sa->keys);
  ike_wipe(&sa->ni, sizeof sa->ni);
  ike_wipe(&sa->nr, sizeof sa->nr);
  if (sa->init_req)
    g_bytes_unref(sa->init_req);
  if (sa->init_resp)
    g_bytes_unref(sa->init_resp);
  packets_clear(&sa->req_pkts);
  packets_clear(&sa->resp_pkts);
  ikev2_frag_set_free(sa->frags);
  g_ptr_array_unref(sa->children);
  g_free(sa);
}

void ike_sa_destroy(IkeSa *sa, const char *why)
{
  Ikev2Conn *c = sa->conn;
  char reason[64];
  g_strlcpy(reason, why ? why : "", sizeof reason); /* why may be sa->reason */
  while (sa->children->len)
    ike_child_remove(sa, g_ptr_array_index(sa->children, sa->children->len - 1), reason);
  /* an SA that was up ends DELETED, one that never came up FAILED */
  IkeSaState final = sa->state >= IKE_SA_ESTABLISHED && sa->state <= IKE_SA_DELETED
                         ? IKE_SA_DELETED
                         : IKE_SA_FAILED;
  ike_sa_set_state(sa, final, reason);
  ike_sa_emit(sa, final == IKE_SA_DELETED ? IKE_EV_SA_DELETED : IKE_EV_SA_FAILED, "reason",
              reason);
  /* a collision partner that points at this SA forgets it */
  for (guint i = 0; i < c->sas->len; i++) {
    IkeSa *o = g_ptr_array_index(c->sas, i);
    if (o->active && o->active->coll_sa == sa)
      o->active->coll_sa = NULL;
  }
  if (c->current == sa)
    c->current = NULL;
  g_ptr_array_remove(c->sas, sa);
  sa_free(sa);
}

/* ---- the timer ---- */

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

void ike_conn_reschedule(Ikev2Conn *c)
{
  int64_t at = NEVER;
  for (guint i = 0; i < c->sas->len; i++) {
    IkeSa *sa = g_ptr_array_index(c->sas, i);
    at = min64(at, sa->retrans_at);
    at = min64(at, sa->half_open_at);
    at = min64(at, sa->rekey_at);
    at = min64(at, sa->dpd_at);
    at = min64(at, sa->keepalive_at);
    if (sa->active)
      at = min64(at, sa->active->deadline);
    for (guint j = 0; j < sa->children->len; j++) {
      IkeChild *ch = g_ptr_array_index(sa->children, j);
      at = min64(at, ch->rekey_at);
      at = min64(at, ch->expire_at);
    }
  }
  if (at == c->armed)
    return;
  c->armed = at;
  if (at == NEVER) {
    if (c->env.timer_cancel)
      c->env.timer_cancel(c->env.user);
  } else if (c->env.timer_schedule) {
    c->env.timer_schedule(c->env.user, at);
  }
}

/* ---- sending ---- */

static void send_raw(IkeSa *sa, const uint8_t *b, size_t n)
{
  Ikev2Conn *c = sa->conn;
  if (sa->lport == NATT_PORT) {
    /* RFC 3948 2.2 / RFC 7296 2.23: IKE on 4500 starts with the non-ESP marker */
    g_autofree uint8_t *m = g_malloc(n + 4);
    memset(m, 0, 4);
    memcpy(m + 4, b, n);
    c->env.send(c->env.user, c->cfg.local_addr, sa->lport, sa->raddr, sa->rport, m, n + 4);
  } else {
    c->env.send(c->env.user, c->cfg.local_addr, sa->lport, sa->raddr, sa->rport, b, n);
  }
}

static void send_packets(IkeSa *sa, GPtrArray *pk)
{
  for (guint i = 0; i < pk->len; i++) {
    gsize n;
    const uint8_t *b = g_bytes_get_data(g_ptr_array_index(pk, i), &n);
    send_raw(sa, b, n);
  }
}

/* Tell the owner what a message holds (IkeEnv.message). */
static void report_message(IkeSa *sa, const Ikev2Message *m, bool sent)
{
  Ikev2Conn *c = sa->conn;
  if (!c->env.message)
    return;
  IkeMessageSummary s = {.sent = sent,
                         .exchange = m->hdr.exchange,
                         .response = (m->hdr.flags & IKEV2_FLAG_RESPONSE) != 0,
                         .msg_id = m->hdr.msg_id,
                         .spi_i = m->hdr.spi_i,
                         .spi_r = m->hdr.spi_r,
                         .n_payloads = m->n_payloads};
  for (size_t i = 0; i < m->n_payloads && s.n_notifies < IKE_MSG_MAX_NOTIFIES; i++)
    if (m->payloads[i].type == IKEV2_PL_NOTIFY)
      s.notifies[s.n_notifies++] = m->payloads[i].u.notify.type;
  c->env.message(c->env.user, &s);
}

/* Encode m: IKE_SA_INIT in clear, everything else in SK, or over SKF fragments when the
 * peer supports them and the message is larger than the threshold (RFC 7383 2.5). */
static GPtrArray *encode_msg(IkeSa *sa, const Ikev2Message *m)
{
  if (m->hdr.exchange != IKEV2_IKE_SA_INIT && !sa->keys)
    return NULL; /* nothing can be protected before IKE_SA_INIT completed */
  GPtrArray *pk = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  if (m->hdr.exchange == IKEV2_IKE_SA_INIT) {
    WireWriter w;
    wire_writer_init(&w);
    if (!ikev2_message_encode(m, &w)) {
      wire_writer_clear(&w);
      g_ptr_array_unref(pk);
      return NULL;
    }
    size_t n;
    uint8_t *b = wire_writer_steal(&w, &n);
    g_ptr_array_add(pk, g_bytes_new_take(b, n));
    return pk;
  }
  IkeSkDir d = ike_keys_dir(sa->keys, sa->initiator);
  uint8_t *b = NULL;
  size_t n = 0;
  if (!ikev2_sk_protect(m, &d, sa->conn->env.rng, &b, &n)) {
    g_ptr_array_unref(pk);
    return NULL;
  }
  size_t thr = sa->conn->cfg.frag_threshold;
  /* RFC 7383 2.5.1: only after IKE_SA_INIT, only when both announced support */
  if (thr && sa->peer_frag && n > thr) {
    GPtrArray *f = ikev2_sk_protect_fragments(m, &d, sa->conn->env.rng, thr);
    if (f) {
      g_free(b);
      g_ptr_array_unref(pk);
      return f;
    }
  }
  g_ptr_array_add(pk, g_bytes_new_take(b, n));
  return pk;
}

static int64_t backoff(const IkeSa *sa, unsigned n)
{
  return (int64_t)sa->conn->cfg.retrans_base_ms * NS_PER_MS * ((int64_t)1 << (n > 20 ? 20 : n));
}

/* Start the next queued task if no request is outstanding (window size 1). */
static void sa_run(IkeSa *sa)
{
  while (!sa->active && !g_queue_is_empty(&sa->tasks)) {
    Ikev2Task *t = g_queue_pop_head(&sa->tasks);
    sa->exchange = t->ops->exchange;
    uint8_t flags = sa->initiator ? IKEV2_FLAG_INITIATOR : 0;
    g_autoptr(Ikev2Message) m =
        ikev2_message_new(t->ops->exchange, flags, sa->spi_i, sa->spi_r, sa->msg_out);
    if (!t->ops->build_i(sa, t, m)) {
      ike_task_free(t);
      continue;
    }
    /* the builder may have changed the SPIs (IKE_SA_INIT) */
    m->hdr.spi_i = sa->spi_i;
    m->hdr.spi_r = sa->spi_r;
    m->hdr.msg_id = sa->msg_out;
    GPtrArray *pk = encode_msg(sa, m);
    if (!pk) {
      ike_task_free(t);
      continue;
    }
    report_message(sa, m, true);
    if (t->ops->exchange == IKEV2_IKE_SA_INIT) {
      if (sa->init_req)
        g_bytes_unref(sa->init_req);
      sa->init_req = g_bytes_ref(g_ptr_array_index(pk, 0));
    }
    sa->active = t;
    packets_clear(&sa->req_pkts);
    sa->req_pkts = pk;
    sa->retrans_n = 0;
    sa->retrans_at = min64(ike_now(sa) + backoff(sa, 0), t->deadline);
    send_packets(sa, pk);
  }
  ike_conn_reschedule(sa->conn);
}

void ike_sa_queue(IkeSa *sa, Ikev2Task *t)
{
  g_queue_push_tail(&sa->tasks, t);
  sa_run(sa);
}

static void send_response(IkeSa *sa, const Ikev2Message *m)
{
  GPtrArray *pk = encode_msg(sa, m);
  if (!pk)
    return;
  report_message(sa, m, true);
  packets_clear(&sa->resp_pkts);
  sa->resp_pkts = pk;
  if (m->hdr.exchange == IKEV2_IKE_SA_INIT) {
    if (sa->init_resp)
      g_bytes_unref(sa->init_resp);
    sa->init_resp = g_bytes_ref(g_ptr_array_index(pk, 0));
  }
  send_packets(sa, pk);
}

void ike_conn_set_current(Ikev2Conn *c, IkeSa *sa)
{
  c->current = sa;
}

void ike_sa_established(IkeSa *sa)
{
  Ikev2Conn *c = sa->conn;
  int64_t now = ike_now(sa);
  ike_sa_set_state(sa, IKE_SA_ESTABLISHED, "authenticated");
  sa->half_open_at = NEVER;
  if (c->cfg.ike_lifetime_s) {
    /* rekey ahead of expiry: lifetime - margin - jitter, jitter drawn from the DRBG */
    int64_t life = (int64_t)c->cfg.ike_lifetime_s * NS_PER_S;
    int64_t margin = (int64_t)c->cfg.rekey_margin_s * NS_PER_S;
    int64_t jit = (int64_t)drbg_uniform(c->env.rng, (uint64_t)c->cfg.rekey_jitter_s * NS_PER_S + 1);
    int64_t at = life - margin - jit;
    sa->rekey_at = now + (at > 0 ? at : life / 2);
  }
  if (c->cfg.dpd_interval_s)
    sa->dpd_at = now + (int64_t)c->cfg.dpd_interval_s * NS_PER_S;
  if (sa->nat_local)
    sa->keepalive_at = now + (int64_t)(c->cfg.keepalive_s ? c->cfg.keepalive_s : 20) * NS_PER_S;
  char e[NAME_BUFSZ], i[NAME_BUFSZ], p[NAME_BUFSZ], d[NAME_BUFSZ];
  if (c->env.sa_established)
    c->env.sa_established(c->env.user, sa->initiator);
  VsEvent ev = sa_event(sa, IKE_EV_SA_ESTABLISHED);
  vs_event_bool(&ev, "initiator", sa->initiator);
  vs_event_str(&ev, "encr", name_fmt(&ike_encr_names, sa->suite.encr, e));
  vs_event_uint(&ev, "key_bits", sa->suite.key_bits);
  vs_event_str(&ev, "integ", name_fmt(&ike_integ_names, sa->suite.integ, i));
  vs_event_str(&ev, "prf", name_fmt(&ike_prf_names, sa->suite.prf, p));
  vs_event_str(&ev, "dh", name_fmt(&ike_dh_names, sa->suite.dh, d));
  vs_event_bool(&ev, "nat", sa->nat_local || sa->nat_remote);
  emit(sa, &ev);
  ike_sa_keytable(sa); /* a rekeyed SA's keys come with its CREATE_CHILD_SA */
}

void ike_sa_keytable(IkeSa *sa)
{
  Ikev2Conn *c = sa->conn;
  if (sa->keyrow_written || !sa->keys || !c->env.keytable_row)
    return;
  g_autofree char *row = ike_keytable_row(sa->spi_i, sa->spi_r, sa->keys);
  if (row) {
    c->env.keytable_row(c->env.user, row);
    ike_wipe(row, strlen(row));
    sa->keyrow_written = true;
  }
}

/* ---- receiving ---- */

static IkeSa *find_sa(Ikev2Conn *c, uint64_t spi_i, uint64_t spi_r)
{
  for (guint i = 0; i < c->sas->len; i++) {
    IkeSa *sa = g_ptr_array_index(c->sas, i);
    if (sa->spi_i == spi_i && (sa->spi_r == spi_r || (sa->initiator && sa->spi_r == 0)))
      return sa;
  }
  return NULL;
}

/* Count a dropped datagram; the first IKE_DROP_EVENTS_MAX of each reason are events too
 * (the last of them says that the counter carries the rest). */
static void drop(Ikev2Conn *c, IkeSa *sa, IkeDropReason r, const char *why)
{
  c->ctr.drops[r]++;
  if (c->env.dropped)
    c->env.dropped(c->env.user, r);
  if (c->drop_events[r] >= IKE_DROP_EVENTS_MAX)
    return;
  c->drop_events[r]++;
  VsEvent ev = vs_event(conn_now(c), c->cfg.name, IKE_EV_DROP);
  if (sa) {
    vs_event_hex(&ev, "spi_i", sa->spi_i);
    vs_event_hex(&ev, "spi_r", sa->spi_r);
  }
  vs_event_str(&ev, "reason", why);
  if (c->drop_events[r] == IKE_DROP_EVENTS_MAX)
    vs_event_str(&ev, "further", "counted only (counter ike.drops)");
  vs_event_emit(&c->env.events, &ev);
}

const IkeConnCounters *ikev2_conn_counters(const Ikev2Conn *c)
{
  return &c->ctr;
}

/* ---- cookies (RFC 7296 2.6) ---- */

static size_t half_open_count(const Ikev2Conn *c)
{
  size_t n = 0;
  for (guint i = 0; i < c->sas->len; i++) {
    const IkeSa *sa = g_ptr_array_index(c->sas, i);
    n += !sa->initiator && sa->state < IKE_SA_ESTABLISHED;
  }
  return n;
}

/* Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>): here version 0 and
 * HMAC-SHA-256 keyed with the secret. */
static size_t cookie_make(Ikev2Conn *c, const Ikev2Data *ni, Ipv4Addr src, uint64_t spi_i,
                          uint8_t out[IKE_COOKIE_MAX])
{
  if (!c->have_cookie_secret) {
    drbg_bytes(c->env.rng, c->cookie_secret, sizeof c->cookie_secret);
    c->have_cookie_secret = true;
  }
  uint8_t in[IKEV2_NONCE_MAX + 12];
  size_t n = ni->n > IKEV2_NONCE_MAX ? IKEV2_NONCE_MAX : ni->n;
  memcpy(in, ni->p, n);
  wire_store_be32(in + n, src.v);
  wire_store_be64(in + n + 4, spi_i);
  out[0] = 0;
  if (!ike_prf(PRF_HMAC_SHA2_256, c->cookie_secret, sizeof c->cookie_secret, in, n + 12,
               out + 1))
    return 0;
  return 33;
}

/* Whether an IKE_SA_INIT request may create state: below the threshold, or with our
 * cookie as its first payload. Otherwise it is answered with N(COOKIE) from no state. */
static bool cookie_admits(Ikev2Conn *c, const uint8_t *data, size_t len, const Ikev2Header *h,
                          Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport)
{
  uint32_t thr = c->cfg.cookie_threshold ? c->cfg.cookie_threshold : IKE_COOKIE_THRESHOLD_DEFAULT;
  if (thr != IKE_COOKIE_ALWAYS && half_open_count(c) < thr)
    return true;
  g_autoptr(Ikev2Message) m = NULL;
  Ikev2Diag d;
  if (ikev2_message_decode(data, len, &m, &d) != WIRE_OK) {
    drop(c, NULL, IKE_DROP_MALFORMED_INIT, "malformed IKE_SA_INIT");
    return false;
  }
  const Ikev2Payload *np = ikev2_message_find(m, IKEV2_PL_NONCE, 0);
  if (!np) {
    drop(c, NULL, IKE_DROP_PAYLOAD_RULES, "IKE_SA_INIT without a nonce");
    return false;
  }
  uint8_t want[IKE_COOKIE_MAX];
  size_t wn = cookie_make(c, &np->u.nonce, src, h->spi_i, want);
  const Ikev2Payload *first = m->n_payloads ? &m->payloads[0] : NULL;
  if (wn && first && first->type == IKEV2_PL_NOTIFY && first->u.notify.type == IKEV2_N_COOKIE &&
      first->u.notify.data.n == wn && memcmp(first->u.notify.data.p, want, wn) == 0)
    return true;
  /* HDR(SPIi, 0), N(COOKIE): no SA, nothing kept */
  g_autoptr(Ikev2Message) r =
      ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_RESPONSE, h->spi_i, 0, 0);
  ike_add_notify(r, IKEV2_N_COOKIE, 0, NULL, 0, want, wn);
  WireWriter w;
  wire_writer_init(&w);
  if (wn && ikev2_message_encode(r, &w)) {
    size_t n;
    g_autofree uint8_t *b = wire_writer_steal(&w, &n);
    bool report = c->drop_events[IKE_DROP_COOKIE] < IKE_DROP_EVENTS_MAX;
    drop(c, NULL, IKE_DROP_COOKIE, "IKE_SA_INIT without our cookie: answered N(COOKIE)");
    if (c->env.message && report) {
      IkeMessageSummary s = {.sent = true, .exchange = IKEV2_IKE_SA_INIT, .response = true,
                             .spi_i = h->spi_i, .notifies = {IKEV2_N_COOKIE}, .n_notifies = 1};
      c->env.message(c->env.user, &s);
    }
    if (dport == NATT_PORT) {
      g_autofree uint8_t *mk = g_malloc(n + 4);
      memset(mk, 0, 4);
      memcpy(mk + 4, b, n);
      c->env.send(c->env.user, dst, dport, src, sport, mk, n + 4);
    } else {
      c->env.send(c->env.user, dst, dport, src, sport, b, n);
    }
  } else {
    wire_writer_clear(&w);
  }
  return false;
}

/* Decrypt (or reassemble) a protected message. NULL when not (yet) complete or bad. */
static Ikev2Message *open_msg(IkeSa *sa, const Ikev2Header *h, const uint8_t *b, size_t n,
                              Ikev2Diag *d, bool *pending)
{
  *pending = false;
  if (!sa->keys) {
    d->action = IKEV2_ACT_DROP; /* nothing protected is expected before IKE_SA_INIT */
    return NULL;
  }
  IkeSkDir rx = ike_keys_dir(sa->keys, !sa->initiator);
  Ikev2Message *m = NULL;
  if (h->next_payload == IKEV2_PL_SKF) {
    bool resp = (h->flags & IKEV2_FLAG_RESPONSE) != 0;
    if (!sa->frags || sa->frags_msg != h->msg_id || sa->frags_resp != resp) {
      ikev2_frag_set_free(sa->frags);
      sa->frags = ikev2_frag_set_new();
      sa->frags_msg = h->msg_id;
      sa->frags_resp = resp;
    }
    if (ikev2_frag_set_add(sa->frags, b, n, &rx, d) != WIRE_OK) {
      d->action = IKEV2_ACT_DROP;
      return NULL;
    }
    if (!ikev2_frag_set_complete(sa->frags)) {
      *pending = true;
      return NULL;
    }
    WireStatus s = ikev2_frag_set_finish(sa->frags, &m, d);
    ikev2_frag_set_free(sa->frags);
    sa->frags = NULL;
    if (s != WIRE_OK)
      d->action = IKEV2_ACT_DROP;
    return s == WIRE_OK ? m : NULL;
  }
  /* the outer structure first: a failure there comes before the integrity check, so the
   * message is not authenticated and is dropped silently (RFC 7296 2.21.2) whatever it
   * says; only a failure past the ICV may be answered */
  Ikev2Message *outer = NULL;
  if (ikev2_message_decode(b, n, &outer, d) != WIRE_OK) {
    d->action = IKEV2_ACT_DROP;
    return NULL;
  }
  ikev2_message_free(outer);
  if (ikev2_sk_unprotect(b, n, &rx, &m, d) != WIRE_OK)
    return NULL;
  return m;
}

static void handle_request(IkeSa *sa, const Ikev2Message *req)
{
  uint8_t flags = IKEV2_FLAG_RESPONSE | (sa->initiator ? IKEV2_FLAG_INITIATOR : 0);
  g_autoptr(Ikev2Message) resp =
      ikev2_message_new(req->hdr.exchange, flags, sa->spi_i, sa->spi_r, req->hdr.msg_id);
  switch (req->hdr.exchange) {
  case IKEV2_IKE_SA_INIT: ike_init_respond(sa, req, resp); break;
  case IKEV2_IKE_AUTH: ike_auth_respond(sa, req, resp); break;
  case IKEV2_CREATE_CHILD_SA: ike_child_respond(sa, req, resp); break;
  case IKEV2_INFORMATIONAL: ike_info_respond(sa, req, resp); break;
  default: return;
  }
  resp->hdr.spi_i = sa->spi_i;
  resp->hdr.spi_r = sa->spi_r;
  sa->msg_in = req->hdr.msg_id + 1;
  send_response(sa, resp);
}

/* RFC 7296 2.21.2: an authenticated request that is malformed or breaks the payload rules
 * is answered with INVALID_SYNTAX (UNSUPPORTED_CRITICAL_PAYLOAD names the payload type);
 * one that fails its integrity check is dropped silently. */
static void reject_request(IkeSa *sa, const Ikev2Header *h, Ikev2Action act, const Ikev2Diag *d)
{
  if (act == IKEV2_ACT_ACCEPT || act == IKEV2_ACT_DROP || !sa->keys)
    return;
  uint8_t flags = IKEV2_FLAG_RESPONSE | (sa->initiator ? IKEV2_FLAG_INITIATOR : 0);
  g_autoptr(Ikev2Message) r = ikev2_message_new(h->exchange, flags, sa->spi_i, sa->spi_r, h->msg_id);
  if (act == IKEV2_ACT_UNSUPPORTED_CRITICAL_PAYLOAD)
    ike_add_notify(r, IKEV2_N_UNSUPPORTED_CRITICAL_PAYLOAD, 0, NULL, 0, &d->critical_type, 1);
  else
    ike_add_notify(r, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
  sa->msg_in = h->msg_id + 1;
  send_response(sa, r);
}

static bool sa_alive(Ikev2Conn *c, IkeSa *sa)
{
  for (guint i = 0; i < c->sas->len; i++)
    if (g_ptr_array_index(c->sas, i) == sa)
      return true;
  return false;
}

/* After a task: remove an SA that a task marked for removal, then run every queue (a rekey
 * may have moved work to a new IKE SA). */
static void after(Ikev2Conn *c, IkeSa *sa)
{
  if (sa_alive(c, sa) && (sa->state == IKE_SA_DELETED || sa->state == IKE_SA_FAILED))
    ike_sa_destroy(sa, sa->reason);
  for (guint i = 0; i < c->sas->len; i++)
    sa_run(g_ptr_array_index(c->sas, i));
  ike_conn_reschedule(c);
}

/* RFC 7296 2.23: a host that is not behind a NAT sends to the address and port of the
 * latest authenticated packet of a peer that is (the peer's NAT may rebind its mapping
 * to a new port); a host behind a NAT does not ("it opens a possible DoS attack"). Only
 * once the SA is on port 4500: the move from 500 to 4500 is NAT traversal itself. */
static bool sa_follows_peer(const IkeSa *sa)
{
  return sa->nat_remote && !sa->nat_local && sa->lport == NATT_PORT &&
         sa->state >= IKE_SA_INIT_DONE && sa->state < IKE_SA_DELETED;
}

/* Move the SA to addr:port when it is elsewhere; true when it moved (with an event). */
static bool sa_peer_move(IkeSa *sa, Ipv4Addr addr, uint16_t port, const char *trigger)
{
  if (sa->raddr.v == addr.v && sa->rport == port)
    return false;
  if (sa->conn->cfg.impair_no_nat_follow) {
    if (!sa->impair_follow_told) {
      sa->impair_follow_told = true;
      ike_sa_emit(sa, "impair.applied", "what", "noNatFollow");
    }
    return false;
  }
  char a[IPV4_ADDR_STRLEN], old[IPV4_ADDR_STRLEN + 8], now[IPV4_ADDR_STRLEN + 8];
  g_snprintf(old, sizeof old, "%s:%u", ipv4_addr_format(sa->raddr, a), sa->rport);
  g_snprintf(now, sizeof now, "%s:%u", ipv4_addr_format(addr, a), port);
  sa->raddr = addr;
  sa->rport = port;
  VsEvent ev = sa_event(sa, IKE_EV_NAT_REMOTE_CHANGED);
  vs_event_str(&ev, "old_remote", old);
  vs_event_str(&ev, "new_remote", now);
  vs_event_str(&ev, "trigger", trigger);
  emit(sa, &ev);
  return true;
}

static void peer_moved(Ikev2Conn *c, Ipv4Addr addr, uint16_t port)
{
  if (c->env.peer_moved)
    c->env.peer_moved(c->env.user, addr, port);
}

bool ikev2_conn_esp_authenticated(Ikev2Conn *c, Ipv4Addr src, uint16_t sport)
{
  g_return_val_if_fail(c, false);
  bool moved = false;
  for (guint i = 0; i < c->sas->len; i++) {
    IkeSa *sa = g_ptr_array_index(c->sas, i);
    if (sa->state >= IKE_SA_ESTABLISHED && sa_follows_peer(sa))
      moved |= sa_peer_move(sa, src, sport, "esp");
  }
  if (moved)
    peer_moved(c, src, sport);
  return moved;
}

void ikev2_conn_rx(Ikev2Conn *c, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                   const uint8_t *data, size_t len)
{
  if (dport == NATT_PORT) {
    /* RFC 3948 2.3: a keepalive is one octet 0xFF; 2.2: IKE follows four zero octets */
    if (len == 1 && data[0] == 0xff)
      return;
    if (len < 4 || memcmp(data, "\0\0\0\0", 4) != 0)
      return; /* ESP: not ours */
    data += 4, len -= 4;
  }
  Ikev2Header h;
  Ikev2Diag d;
  if (ikev2_header_decode(data, len, &h, &d) != WIRE_OK) {
    drop(c, NULL, IKE_DROP_HEADER, "header");
    return;
  }
  c->rx_src = src, c->rx_sport = sport, c->rx_dst = dst, c->rx_dport = dport;
  c->rx_raw = data, c->rx_len = len;
  bool response = (h.flags & IKEV2_FLAG_RESPONSE) != 0;
  IkeSa *sa = NULL;
  if (h.exchange == IKEV2_IKE_SA_INIT && !response && h.spi_r == 0) {
    for (guint i = 0; i < c->sas->len; i++) {
      IkeSa *o = g_ptr_array_index(c->sas, i);
      gsize n = 0;
      const uint8_t *b = !o->initiator && o->spi_i == h.spi_i && o->init_req
                             ? g_bytes_get_data(o->init_req, &n)
                             : NULL;
      if (b && n == len && memcmp(b, data, n) == 0) {
        /* RFC 7296 2.1: a retransmitted IKE_SA_INIT request gets the same response */
        if (o->resp_pkts)
          send_packets(o, o->resp_pkts);
        return;
      }
    }
    /* RFC 7296 2.6: past the threshold only a request with our cookie makes state, and
     * never more than half_open_max half-open SAs */
    if (!cookie_admits(c, data, len, &h, src, sport, dst, dport))
      return;
    if (half_open_count(c) >= (c->cfg.half_open_max ? c->cfg.half_open_max : IKE_HALF_OPEN_MAX_DEFAULT)) {
      drop(c, NULL, IKE_DROP_HALF_OPEN_LIMIT, "half-open limit");
      return;
    }
    /* the same SPIi with other content is another (unauthenticated) request: it gets its
     * own half-open SA, so a forged one cannot take the genuine one's place */
    /* every start policy answers: it only decides who may initiate */
    sa = ike_sa_new(c, false);
    sa->spi_i = h.spi_i;
    sa->raddr = src;
    sa->rport = sport;
    sa->lport = dport;
    sa->init_req = g_bytes_new(data, len);
    sa->half_open_at =
        conn_now(c) + (int64_t)(c->cfg.half_open_s ? c->cfg.half_open_s : 30) * NS_PER_S;
  } else {
    sa = find_sa(c, h.spi_i, h.spi_r);
  }
  if (!sa) {
    drop(c, NULL, IKE_DROP_UNKNOWN_SPI, "unknown SPI");
    return;
  }
  sa->exchange = h.exchange;
  if (response) {
    /* RFC 7296 2.3: a response must answer our outstanding request */
    if (!sa->active || h.msg_id != sa->msg_out || h.exchange != sa->active->ops->exchange) {
      drop(c, sa, IKE_DROP_UNEXPECTED_RESPONSE, "unexpected response");
      return;
    }
  } else if (h.exchange != IKEV2_IKE_SA_INIT) {
    if (h.msg_id + 1 == sa->msg_in && sa->resp_pkts) {
      /* RFC 7296 2.1: a retransmitted request gets the stored response again (a fragment
       * of it: the whole response only once the first fragment is seen) */
      bool first = h.next_payload != IKEV2_PL_SKF || len < 36 || wire_load_be16(data + 32) == 1;
      if (first)
        send_packets(sa, sa->resp_pkts);
      return;
    }
    if (h.msg_id != sa->msg_in) {
      drop(c, sa, IKE_DROP_MSG_ID, "message id outside the window");
      return;
    }
  }
  g_autoptr(Ikev2Message) m = NULL;
  if (h.exchange == IKEV2_IKE_SA_INIT) {
    if (ikev2_message_decode(data, len, &m, &d) != WIRE_OK) {
      drop(c, sa, IKE_DROP_MALFORMED_INIT, "malformed IKE_SA_INIT");
      if (!response)
        ike_sa_destroy(sa, "malformed IKE_SA_INIT");
      return;
    }
  } else {
    bool pending;
    m = open_msg(sa, &h, data, len, &d, &pending);
    if (!m) {
      if (!pending)
        drop(c, sa, d.action == IKEV2_ACT_DROP ? IKE_DROP_INTEGRITY : IKE_DROP_MALFORMED,
             d.action == IKEV2_ACT_DROP ? "integrity check failed" : "malformed");
      if (!pending && !response)
        reject_request(sa, &h, d.action, &d);
      return;
    }
  }
  report_message(sa, m, false);
  Ikev2Action act = ikev2_rules_check(m, &d);
  if (act != IKEV2_ACT_ACCEPT) {
    drop(c, sa, IKE_DROP_PAYLOAD_RULES, d.diag.field ? d.diag.field : "payload rules");
    if (!response && h.exchange == IKEV2_IKE_SA_INIT) {
      ike_sa_destroy(sa, "payload rules");
    } else if (!response) {
      reject_request(sa, &h, act, &d);
    }
    return;
  }
  /* RFC 7296 2.4: any authenticated message is proof of liveness */
  sa->last_rx = conn_now(c);
  if (c->cfg.dpd_interval_s && sa->state == IKE_SA_ESTABLISHED)
    sa->dpd_at = sa->last_rx + (int64_t)c->cfg.dpd_interval_s * NS_PER_S;
  /* RFC 7296 2.23: an authenticated message (not IKE_SA_INIT) from a new address or port
   * moves the SA there, when the peer is the one behind a NAT */
  bool moved = h.exchange != IKEV2_IKE_SA_INIT && dport == sa->lport && sa_follows_peer(sa) &&
               sa_peer_move(sa, src, sport, "ike");
  if (moved)
    peer_moved(c, src, sport);
  if (response) {
    Ikev2Task *t = sa->active;
    sa->active = NULL;
    packets_clear(&sa->req_pkts);
    sa->retrans_at = NEVER;
    sa->msg_out++;
    t->ops->process_i(sa, t, m);
    ike_task_free(t);
  } else {
    /* RFC 7296 2.23: answer where the request came from (a NAT may have moved it) */
    sa->raddr = src;
    sa->rport = sport;
    sa->lport = dport;
    handle_request(sa, m);
  }
  after(c, sa);
}

/* ---- timers ---- */

static void give_up(IkeSa *sa, bool dpd)
{
  Ikev2Conn *c = sa->conn;
  VsEvent ev = sa_event(sa, dpd ? IKE_EV_DPD_DEAD : IKE_EV_GIVE_UP);
  char b[NAME_BUFSZ];
  vs_event_str(&ev, "exchange",
               name_fmt(&ikev2_exchange_names, sa->active ? sa->active->ops->exchange : 0, b));
  vs_event_uint(&ev, "retransmissions", sa->retrans_n);
  emit(sa, &ev);
  bool established = sa->state >= IKE_SA_ESTABLISHED;
  ike_sa_destroy(sa, dpd ? "peer dead (DPD)" : "retransmissions exhausted");
  if (established && c->cfg.dpd_action == IKE_DPD_RESTART && !c->current)
    ikev2_conn_acquire(c);
}

static void sa_timeout(IkeSa *sa, int64_t now)
{
  Ikev2Conn *c = sa->conn;
  if (sa->active && now >= sa->active->deadline) {
    give_up(sa, sa->active->kind == TASK_DPD);
    return;
  }
  if (now >= sa->retrans_at && sa->active && sa->retrans_n >= c->cfg.retrans_tries) {
    if (sa->active->deadline == NEVER) {
      give_up(sa, false);
      return;
    }
    /* a liveness check waits for its full timeout, not for the retry count */
    sa->retrans_at = sa->active->deadline;
  }
  if (now >= sa->retrans_at && sa->active) {
    sa->retrans_n++;
    sa->retrans_at = min64(now + backoff(sa, sa->retrans_n), sa->active->deadline);
    char b[NAME_BUFSZ];
    VsEvent ev = sa_event(sa, IKE_EV_RETRANSMIT);
    vs_event_str(&ev, "exchange", name_fmt(&ikev2_exchange_names, sa->active->ops->exchange, b));
    vs_event_uint(&ev, "msg_id", sa->msg_out);
    vs_event_uint(&ev, "count", sa->retrans_n);
    emit(sa, &ev);
    send_packets(sa, sa->req_pkts);
  }
  if (now >= sa->half_open_at) {
    ike_sa_destroy(sa, "half-open timeout");
    return;
  }
  if (now >= sa->keepalive_at) {
    /* RFC 3948 2.3: one octet 0xFF on 4500 keeps the NAT mapping */
    static const uint8_t ka = 0xff;
    c->env.send(c->env.user, c->cfg.local_addr, sa->lport, sa->raddr, sa->rport, &ka, 1);
    sa->keepalive_at = now + (int64_t)(c->cfg.keepalive_s ? c->cfg.keepalive_s : 20) * NS_PER_S;
  }
  if (now >= sa->dpd_at) {
    sa->dpd_at = NEVER;
    if (sa->state == IKE_SA_ESTABLISHED && !sa->active && g_queue_is_empty(&sa->tasks)) {
      Ikev2Task *t = ike_task_new(TASK_DPD);
      /* RFC 7296 2.4: the peer is dead once the timeout passes without an answer */
      t->deadline = now + (int64_t)c->cfg.dpd_timeout_s * NS_PER_S;
      ike_sa_queue(sa, t);
    } else if (c->cfg.dpd_interval_s) {
      sa->dpd_at = now + (int64_t)c->cfg.dpd_interval_s * NS_PER_S;
    }
  }
  if (now >= sa->rekey_at) {
    sa->rekey_at = NEVER;
    if (sa->state == IKE_SA_ESTABLISHED)
      ike_sa_queue(sa, ike_task_new(TASK_IKE_REKEY));
  }
  for (guint j = 0; j < sa->children->len; j++) {
    IkeChild *ch = g_ptr_array_index(sa->children, j);
    if (now >= ch->expire_at) {
      ch->expire_at = ch->rekey_at = NEVER;
      Ikev2Task *t = ike_task_new(TASK_CHILD_DELETE);
      t->target = ch->spi_in;
      ike_sa_queue(sa, t);
    } else if (now >= ch->rekey_at) {
      ch->rekey_at = NEVER;
      if (ch->state == IKE_CHILD_INSTALLED)
        ikev2_conn_rekey_child(c, ch->spi_in);
    }
  }
}

void ikev2_conn_timeout(Ikev2Conn *c)
{
  c->armed = NEVER;
  int64_t now = conn_now(c);
  /* copy: timeouts may destroy SAs */
  g_autoptr(GPtrArray) list = g_ptr_array_copy(c->sas, NULL, NULL);
  for (guint i = 0; i < list->len; i++) {
    IkeSa *sa = g_ptr_array_index(list, i);
    if (!sa_alive(c, sa))
      continue;
    sa_timeout(sa, now);
    if (sa_alive(c, sa))
      after(c, sa);
  }
  ike_conn_reschedule(c);
}

/* ---- the connection ---- */

Ikev2Conn *ikev2_conn_new(const IkeConfig *cfg, const IkeEnv *env)
{
  g_return_val_if_fail(cfg && env && env->rng && env->now && env->send, NULL);
  Ikev2Conn *c = g_new0(Ikev2Conn, 1);
  c->cfg = *cfg;
  if (!c->cfg.local_port)
    c->cfg.local_port = IKE_PORT;
  if (!c->cfg.remote_port)
    c->cfg.remote_port = IKE_PORT;
  c->env = *env;
  c->sas = g_ptr_array_new();
  c->armed = NEVER;
  return c;
}

void ikev2_conn_free(Ikev2Conn *c)
{
  if (!c)
    return;
  while (c->sas->len) {
    IkeSa *sa = g_ptr_array_index(c->sas, c->sas->len - 1);
    while (sa->children->len)
      ike_child_remove(sa, g_ptr_array_index(sa->children, sa->children->len - 1), "freed");
    g_ptr_array_remove_index(c->sas, c->sas->len - 1);
    sa_free(sa);
  }
  g_ptr_array_unref(c->sas);
  g_free(c);
}

static void initiate(Ikev2Conn *c)
{
  IkeSa *sa = ike_sa_new(c, true);
  ike_sa_queue(sa, ike_task_new(TASK_IKE_INIT));
  ike_sa_queue(sa, ike_task_new(TASK_IKE_AUTH));
}

void ikev2_conn_start(Ikev2Conn *c)
{
  if (c->cfg.start == IKE_START_INITIATE)
    initiate(c);
}

void ikev2_conn_acquire(Ikev2Conn *c)
{
  for (guint i = 0; i < c->sas->len; i++) {
    IkeSa *sa = g_ptr_array_index(c->sas, i);
    if (sa->state < IKE_SA_REKEYED)
      return; /* one is up or on its way */
  }
  if (c->cfg.start == IKE_START_RESPOND)
    return;
  initiate(c);
}

static IkeSa *find_child_sa(Ikev2Conn *c, uint32_t spi, IkeChild **out)
{
  for (guint i = 0; i < c->sas->len; i++) {
    IkeSa *sa = g_ptr_array_index(c->sas, i);
    IkeChild *ch = ike_child_find(sa, spi);
    if (!ch)
      ch = ike_child_find_out(sa, spi);
    if (ch) {
      *out = ch;
      return sa;
    }
  }
  return NULL;
}

void ikev2_conn_child_expired(Ikev2Conn *c, uint32_t spi, bool hard)
{
  IkeChild *ch;
  IkeSa *sa = find_child_sa(c, spi, &ch);
  if (!sa)
    return;
  if (hard) {
    /* RFC 7296 2.8: the SA carries nothing more and goes at once. When it was still the
     * one in use (its rekey failed or came too late; not an old SA already replaced)
     * the peer hears of it (1.4.1), so that it does not keep sending into it */
    bool in_use = ch->state == IKE_CHILD_INSTALLED || ch->state == IKE_CHILD_REKEYING;
    uint32_t spi_in = ch->spi_in;
    ike_child_remove(sa, ch, "hard lifetime");
    if (in_use && (sa->state == IKE_SA_ESTABLISHED || sa->state == IKE_SA_REKEYING)) {
      Ikev2Task *t = ike_task_new(TASK_CHILD_DELETE);
      t->target = spi_in;
      t->gone = true;
      ike_sa_queue(sa, t);
    }
  } else if (ch->state == IKE_CHILD_INSTALLED && !ikev2_conn_rekey_child(c, ch->spi_in) &&
             sa->state == IKE_SA_REKEYING) {
    /* the ESP SA raises its soft limit once: while the IKE SA rekeys itself the child's
     * rekey waits in its queue (and moves to the new IKE SA with the child, RFC 7296
     * 2.18) instead of being lost until the hard limit */
    Ikev2Task *t = ike_task_new(TASK_CHILD_REKEY);
    t->target = ch->spi_in;
    ike_sa_queue(sa, t);
  }
  ike_conn_reschedule(c);
}

bool ikev2_conn_rekey_child(Ikev2Conn *c, uint32_t spi_in)
{
  IkeSa *sa = c->current;
  if (!sa || sa->state != IKE_SA_ESTABLISHED)
    return false;
  IkeChild *ch = spi_in ? ike_child_find(sa, spi_in)
                        : (sa->children->len ? g_ptr_array_index(sa->children, 0) : NULL);
  if (!ch || ch->state != IKE_CHILD_INSTALLED)
    return false;
  Ikev2Task *t = ike_task_new(TASK_CHILD_REKEY);
  t->target = ch->spi_in;
  ike_sa_queue(sa, t);
  return true;
}

bool ikev2_conn_rekey_ike(Ikev2Conn *c)
{
  IkeSa *sa = c->current;
  if (!sa || sa->state != IKE_SA_ESTABLISHED)
    return false;
  sa->rekey_at = NEVER;
  ike_sa_queue(sa, ike_task_new(TASK_IKE_REKEY));
  return true;
}

bool ikev2_conn_add_child(Ikev2Conn *c, size_t ts_index)
{
  IkeSa *sa = c->current;
  if (!sa || sa->state != IKE_SA_ESTABLISHED ||
      (c->cfg.n_ts && ts_index >= ikev2_cfg_n_lines(&c->cfg)))
    return false;
  Ikev2Task *t = ike_task_new(TASK_CHILD_CREATE);
  t->ts_index = ts_index;
  ike_sa_queue(sa, t);
  return true;
}

bool ikev2_conn_delete_child(Ikev2Conn *c, uint32_t spi_in)
{
  IkeSa *sa = c->current;
  IkeChild *ch = sa ? ike_child_find(sa, spi_in) : NULL;
  if (!ch)
    return false;
  Ikev2Task *t = ike_task_new(TASK_CHILD_DELETE);
  t->target = spi_in;
  ike_sa_queue(sa, t);
  return true;
}

bool ikev2_conn_close(Ikev2Conn *c)
{
  IkeSa *sa = c->current;
  if (!sa)
    return false;
  ike_sa_queue(sa, ike_task_new(TASK_IKE_DELETE));
  return true;
}

size_t ikev2_conn_forget_established(Ikev2Conn *c, const char *reason)
{
  size_t n = 0;
  for (guint i = c->sas->len; i-- > 0;) {
    IkeSa *o = g_ptr_array_index(c->sas, i);
    if (o->state >= IKE_SA_ESTABLISHED && o->state < IKE_SA_DELETED) {
      ike_sa_destroy(o, reason);
      n++; /* (destroy took it out of the array; those below keep their places) */
    }
  }
  return n;
}

bool ikev2_conn_has_established(const Ikev2Conn *c)
{
  for (guint i = 0; i < c->sas->len; i++) {
    const IkeSa *o = g_ptr_array_index(c->sas, i);
    if (o->state >= IKE_SA_ESTABLISHED && o->state < IKE_SA_DELETED)
      return true;
  }
  return false;
}

/* ---- inspection ---- */

int ikev2_nonce_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
  int r = memcmp(a, b, an < bn ? an : bn);
  return r ? r : (an > bn) - (an < bn);
}

bool ikev2_conn_ike_min_nonce(const Ikev2Conn *c, uint8_t *out, size_t *len)
{
  const IkeSa *sa = c->current;
  if (!sa)
    return false;
  const IkeNonce *m =
      ikev2_nonce_cmp(sa->ni.b, sa->ni.n, sa->nr.b, sa->nr.n) <= 0 ? &sa->ni : &sa->nr;
  memcpy(out, m->b, m->n);
  *len = m->n;
  return true;
}

bool ikev2_conn_internal_addr(const Ikev2Conn *c, Ipv4Addr *out)
{
  if (!c->current || !c->current->has_cp)
    return false;
  *out = c->current->cp_addr;
  return true;
}

IkeSaState ikev2_conn_state(const Ikev2Conn *c)
{
  if (c->current)
    return c->current->state;
  if (c->sas->len)
    return ((IkeSa *)g_ptr_array_index(c->sas, c->sas->len - 1))->state;
  return IKE_SA_DELETED;
}

bool ikev2_conn_ike_spis(const Ikev2Conn *c, uint64_t *spi_i, uint64_t *spi_r)
{
  if (!c->current)
    return false;
  *spi_i = c->current->spi_i;
  *spi_r = c->current->spi_r;
  return true;
}

bool ikev2_conn_holds_ike_sa(const Ikev2Conn *c, uint64_t spi_i, uint64_t spi_r)
{
  for (guint i = 0; i < c->sas->len; i++) {
    const IkeSa *sa = g_ptr_array_index(c->sas, i);
    if (sa->spi_i == spi_i && (sa->spi_r == spi_r || spi_r == 0))
      return true;
  }
  return false;
}

size_t ikev2_conn_n_ike_sas(const Ikev2Conn *c) { return c->sas->len; }

size_t ikev2_conn_n_children(const Ikev2Conn *c)
{
  size_t n = 0;
  for (guint i = 0; c->current && i < c->current->children->len; i++)
    n += ((IkeChild *)g_ptr_array_index(c->current->children, i))->installed;
  return n;
}

bool ikev2_conn_child_info(const Ikev2Conn *c, size_t i, IkeChildInfo *out)
{
  if (!c->current || i >= c->current->children->len)
    return false;
  const IkeChild *ch = g_ptr_array_index(c->current->children, i);
  *out = (IkeChildInfo){.spi_in = ch->spi_in, .spi_out = ch->spi_out, .state = ch->state,
                        .encr = ch->alg.encr, .key_bits = ch->alg.key_bits,
                        .integ = ch->alg.integ, .dh = ch->alg.dh,
                        .udp_encap = c->current->nat_local || c->current->nat_remote,
                        .ts_local = ch->n_l ? ch->ts_l[0] : (Ipv4Range){{0}, {0}},
                        .ts_remote = ch->n_r ? ch->ts_r[0] : (Ipv4Range){{0}, {0}}};
  return true;
}

bool ikev2_conn_ike_suite(const Ikev2Conn *c, uint16_t *encr, uint16_t *key_bits,
                          uint16_t *integ, uint16_t *prf, uint16_t *dh)
{
  if (!c->current)
    return false;
  const Ikev2Chosen *s = &c->current->suite;
  *encr = s->encr, *key_bits = s->key_bits, *integ = s->integ, *prf = s->prf, *dh = s->dh;
  return true;
}

bool ikev2_conn_nat_detected(const Ikev2Conn *c, bool *local_behind, bool *remote_behind)
{
  if (!c->current)
    return false;
  *local_behind = c->current->nat_local;
  *remote_behind = c->current->nat_remote;
  return true;
}
