/* SPDX-License-Identifier: MIT */
/* The BGP session FSM (RFC 4271 section 8): two connection slots (the one we open, the one
 * the peer opens) so that a collision (6.8) can be seen and resolved, one env timer for
 * every deadline, and the prefix count behind the maximum-prefix limit (RFC 4486). */
#include "models/bgp/bgp_fsm.h"

#include <glib.h>
#include <string.h>

NAME_TABLE(bgp_state_names, "BGP state", {BGP_IDLE, "Idle"}, {BGP_CONNECT, "Connect"},
           {BGP_ACTIVE, "Active"}, {BGP_OPENSENT, "OpenSent"},
           {BGP_OPENCONFIRM, "OpenConfirm"}, {BGP_ESTABLISHED, "Established"});

NAME_TABLE(bgp_down_reason_names, "BGP down reason", {BGP_DOWN_NONE, "none"},
           {BGP_DOWN_STOP, "stop"}, {BGP_DOWN_TCP_FAILED, "tcp_failed"},
           {BGP_DOWN_HOLD_EXPIRED, "hold_timer_expired"},
           {BGP_DOWN_NOTIFICATION_RX, "notification_received"},
           {BGP_DOWN_NOTIFICATION_TX, "notification_sent"},
           {BGP_DOWN_COLLISION, "collision"}, {BGP_DOWN_MAX_PREFIXES, "max_prefixes"});

#define NS 1000000000ll
enum { SLOT_OUT = 0, SLOT_IN = 1 };

typedef struct {
  uint32_t id; /* 0: the slot is free */
  BgpState state; /* Connect (our attempt is pending), OpenSent, OpenConfirm, Established */
  GByteArray *rx;
  int64_t hold_at, keepalive_at; /* 0: not running */
  uint16_t hold, keepalive;
  bool as4;
  Ipv4Addr remote_id;
  uint32_t remote_as;
} Conn;

struct BgpFsm {
  BgpFsmConfig cfg;
  BgpEnv env;
  Conn conn[2];      /* [SLOT_OUT] we opened it, [SLOT_IN] the peer did */
  bool running;      /* started, not stopped */
  BgpState base;     /* Idle or Active when no slot is in use */
  BgpState state;    /* last reported */
  int64_t retry_at;  /* ConnectRetry, or the automatic restart after an error */
  GHashTable *prefixes; /* what the peer announces: prefix key -> 1 */
  BgpDownReason last_down;
};

static int64_t now(const BgpFsm *f) { return f->env.now(f->env.user); }

static uint32_t retry_s(const BgpFsm *f)
{
  return f->cfg.connect_retry_s ? f->cfg.connect_retry_s : BGP_DEFAULT_CONNECT_RETRY_S;
}

/* ---- events ---- */

static VsEvent ev(const BgpFsm *f, const char *type)
{
  VsEvent e = vs_event(now(f), f->cfg.node, type);
  vs_event_str(&e, "peer", f->cfg.peer);
  return e;
}

static void emit_notification(const BgpFsm *f, const char *type, uint8_t code, uint8_t sub)
{
  char b1[NAME_BUFSZ], b2[NAME_BUFSZ];
  VsEvent e = ev(f, type);
  vs_event_uint(&e, "code", code);
  vs_event_uint(&e, "subcode", sub);
  vs_event_str(&e, "code_name", name_fmt(&bgp_err_code_names, code, b1));
  vs_event_str(&e, "subcode_name", bgp_err_subcode_fmt(code, sub, b2));
  vs_event_emit(&f->env.events, &e);
}

/* ---- state and timers ---- */

static BgpState compute_state(const BgpFsm *f)
{
  if (!f->conn[0].id && !f->conn[1].id)
    return f->base;
  BgpState s = BGP_IDLE;
  for (int i = 0; i < 2; i++)
    if (f->conn[i].id && f->conn[i].state > s)
      s = f->conn[i].state;
  return s;
}

static void rearm(BgpFsm *f)
{
  int64_t at = f->retry_at;
  for (int i = 0; i < 2; i++) {
    const Conn *c = &f->conn[i];
    if (!c->id)
      continue;
    if (c->hold_at && (!at || c->hold_at < at))
      at = c->hold_at;
    if (c->keepalive_at && (!at || c->keepalive_at < at))
      at = c->keepalive_at;
  }
  if (at)
    f->env.timer_schedule(f->env.user, at);
  else
    f->env.timer_cancel(f->env.user);
}

/* Report the session state when it changed; entering and leaving Established are the
 * session's up and down. */
static void settle(BgpFsm *f, const char *reason, uint32_t conn)
{
  BgpState old = f->state, s = compute_state(f);
  if (s != old) {
    f->state = s;
    VsEvent e = ev(f, BGP_EV_SESSION_STATE);
    vs_event_str(&e, "old_state", name_get(&bgp_state_names, old));
    vs_event_str(&e, "new_state", name_get(&bgp_state_names, s));
    vs_event_str(&e, "reason", reason);
    vs_event_uint(&e, "conn", conn);
    if (s == BGP_ESTABLISHED) { /* what was negotiated (RFC 4271 4.2: the smaller hold time) */
      vs_event_uint(&e, "hold_time", bgp_fsm_hold_time(f));
      vs_event_uint(&e, "keepalive", bgp_fsm_keepalive(f));
    }
    vs_event_emit(&f->env.events, &e);
    if (old == BGP_ESTABLISHED) {
      g_hash_table_remove_all(f->prefixes);
      if (f->env.session_down)
        f->env.session_down(f->env.user, f->last_down);
    } else if (s == BGP_ESTABLISHED && f->env.session_up) {
      f->env.session_up(f->env.user);
    }
  }
  rearm(f);
}

/* ---- sending ---- */

static void send_msg(BgpFsm *f, Conn *c, const BgpMessage *m)
{
  WireWriter w;
  wire_writer_init(&w);
  BgpCodecCtx ctx = {.as4 = c->as4};
  if (bgp_message_encode(m, &ctx, &w))
    f->env.tcp_send(f->env.user, c->id, w.buf, w.len);
  wire_writer_clear(&w);
  /* RFC 4271 8.2.2: each KEEPALIVE or UPDATE sent restarts the KeepaliveTimer */
  if ((m->type == BGP_MSG_KEEPALIVE || m->type == BGP_MSG_UPDATE) && c->keepalive)
    c->keepalive_at = now(f) + c->keepalive * NS;
}

static void send_keepalive(BgpFsm *f, Conn *c)
{
  g_autoptr(BgpMessage) m = bgp_message_new(BGP_MSG_KEEPALIVE);
  send_msg(f, c, m);
}

static void send_open(BgpFsm *f, Conn *c)
{
  g_autoptr(BgpMessage) m = bgp_open_new(f->cfg.local_as, f->cfg.hold_time_s, f->cfg.local_id);
  bgp_open_add_mp(&m->u.open, BGP_AFI_IPV4, BGP_SAFI_UNICAST);
  bgp_open_add_cap(&m->u.open, BGP_CAP_ROUTE_REFRESH, NULL, 0);
  if (!f->cfg.no_as4)
    bgp_open_add_as4(&m->u.open, f->cfg.local_as);
  send_msg(f, c, m);
  /* RFC 4271 8.2.2: HoldTimer set to a large value until the peer's OPEN */
  c->hold_at = now(f) + BGP_OPEN_HOLD_S * NS;
  c->state = BGP_OPENSENT;
}

/* ---- closing ---- */

static void slot_clear(Conn *c)
{
  if (c->rx)
    g_byte_array_unref(c->rx);
  memset(c, 0, sizeof *c);
}

/* After the last connection went: wait out the idle hold and start again (RFC 4271 8.1.1
 * automatic restart), or, when our connection attempt failed, retry when ConnectRetry
 * expires (8.2.2 Active). */
static void after_last(BgpFsm *f, bool attempt_failed)
{
  if (f->conn[0].id || f->conn[1].id)
    return;
  if (!f->running) {
    f->base = BGP_IDLE;
    f->retry_at = 0;
  } else if (attempt_failed) {
    f->base = BGP_ACTIVE;
    f->retry_at = f->cfg.passive ? 0 : now(f) + retry_s(f) * NS;
  } else {
    f->base = BGP_IDLE;
    f->retry_at = now(f) + (int64_t)f->cfg.idle_hold_s * NS;
    if (!f->retry_at)
      f->retry_at = 1;
  }
}

/* Close connection slot i, first sending a NOTIFICATION when code is non-zero. */
static void conn_close(BgpFsm *f, int i, uint8_t code, uint8_t sub, const void *data, size_t n,
                       BgpDownReason why, const char *reason)
{
  Conn *c = &f->conn[i];
  uint32_t id = c->id;
  if (!id)
    return;
  if (code) {
    g_autoptr(BgpMessage) m = bgp_notification_new(code, sub, data, n);
    send_msg(f, c, m);
    emit_notification(f, BGP_EV_NOTIFICATION_TX, code, sub);
  }
  bool was_attempt = c->state == BGP_CONNECT;
  if (c->state == BGP_ESTABLISHED || !f->conn[1 - i].id)
    f->last_down = why;
  f->env.tcp_close(f->env.user, id);
  slot_clear(c);
  after_last(f, was_attempt && why == BGP_DOWN_TCP_FAILED);
  settle(f, reason, id);
}

/* ---- starting ---- */

static void open_attempt(BgpFsm *f)
{
  Conn *c = &f->conn[SLOT_OUT];
  c->id = f->env.tcp_open(f->env.user);
  c->state = BGP_CONNECT;
  f->retry_at = now(f) + retry_s(f) * NS;
}

void bgp_fsm_start(BgpFsm *f)
{
  f->running = true;
  f->retry_at = 0;
  if (f->cfg.passive) {
    /* RFC 4271 8.2.1.5 PassiveTcpEstablishment: wait in Active */
    f->base = BGP_ACTIVE;
  } else if (!f->conn[SLOT_OUT].id) {
    open_attempt(f);
  }
  settle(f, "start", f->conn[SLOT_OUT].id);
}

void bgp_fsm_stop(BgpFsm *f)
{
  f->running = false;
  for (int i = 0; i < 2; i++) {
    Conn *c = &f->conn[i];
    if (!c->id)
      continue;
    if (c->state >= BGP_OPENSENT)
      conn_close(f, i, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN, NULL, 0, BGP_DOWN_STOP, "stop");
    else
      conn_close(f, i, 0, 0, NULL, 0, BGP_DOWN_STOP, "stop");
  }
  f->base = BGP_IDLE;
  f->retry_at = 0;
  settle(f, "stop", 0);
}

BgpFsm *bgp_fsm_new(const BgpFsmConfig *cfg, const BgpEnv *env)
{
  BgpFsm *f = g_new0(BgpFsm, 1);
  f->cfg = *cfg;
  f->env = *env;
  f->prefixes = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  return f;
}

void bgp_fsm_free(BgpFsm *f)
{
  if (!f)
    return;
  for (int i = 0; i < 2; i++)
    if (f->conn[i].id) {
      f->env.tcp_close(f->env.user, f->conn[i].id);
      slot_clear(&f->conn[i]);
    }
  g_hash_table_destroy(f->prefixes);
  g_free(f);
}

/* ---- TCP ---- */

static int slot_of(const BgpFsm *f, uint32_t id)
{
  if (!id)
    return -1;
  for (int i = 0; i < 2; i++)
    if (f->conn[i].id == id)
      return i;
  return -1;
}

void bgp_fsm_tcp_up(BgpFsm *f, uint32_t id)
{
  int i = slot_of(f, id);
  if (i != SLOT_OUT || f->conn[i].state != BGP_CONNECT)
    return;
  /* RFC 4271 8.2.2 Connect, Tcp_CR_Acked: stop ConnectRetry, send OPEN, OpenSent */
  f->retry_at = 0;
  f->conn[i].rx = g_byte_array_new();
  send_open(f, &f->conn[i]);
  settle(f, "tcp connected", id);
}

bool bgp_fsm_tcp_accept(BgpFsm *f, uint32_t id)
{
  /* RFC 4271 8.2.2 Idle (stopped, or waiting out the idle hold) refuses incoming
   * connections; and one incoming connection at a time */
  if (!f->running || compute_state(f) == BGP_IDLE || !id || f->conn[SLOT_IN].id ||
      slot_of(f, id) >= 0)
    return false;
  Conn *c = &f->conn[SLOT_IN];
  c->id = id;
  c->rx = g_byte_array_new();
  if (!f->conn[SLOT_OUT].id)
    f->retry_at = 0;
  send_open(f, c);
  settle(f, "tcp accepted", id);
  return true;
}

void bgp_fsm_tcp_failed(BgpFsm *f, uint32_t id)
{
  int i = slot_of(f, id);
  if (i < 0)
    return;
  Conn *c = &f->conn[i];
  bool was_attempt = c->state == BGP_CONNECT;
  if (c->state == BGP_ESTABLISHED || !f->conn[1 - i].id)
    f->last_down = BGP_DOWN_TCP_FAILED;
  slot_clear(c);
  after_last(f, was_attempt);
  settle(f, "tcp failed", id);
}

/* ---- messages ---- */

/* RFC 4271 6.8: the connection initiated by the speaker with the higher BGP Identifier
 * survives (compared as host-order unsigned integers; RFC 6286 3: equal identifiers, the
 * higher AS). */
static int collision_loser(const BgpFsm *f, Ipv4Addr remote_id, uint32_t remote_as)
{
  bool local_wins = f->cfg.local_id.v > remote_id.v ||
                    (f->cfg.local_id.v == remote_id.v && f->cfg.local_as > remote_as);
  return local_wins ? SLOT_IN : SLOT_OUT;
}

static void process_open(BgpFsm *f, int i, const BgpOpen *o)
{
  Conn *c = &f->conn[i];
  uint32_t remote_as = bgp_open_asn(o);
  if (f->cfg.peer_as && remote_as != f->cfg.peer_as) {
    /* RFC 4271 6.2: Bad Peer AS */
    conn_close(f, i, BGP_ERR_OPEN, BGP_OPEN_BAD_PEER_AS, NULL, 0, BGP_DOWN_NOTIFICATION_TX,
               "bad peer AS");
    return;
  }
  if (o->bgp_id.v == f->cfg.local_id.v && remote_as == f->cfg.local_as) {
    /* RFC 6286 2.2: unique within the AS */
    conn_close(f, i, BGP_ERR_OPEN, BGP_OPEN_BAD_BGP_ID, NULL, 0, BGP_DOWN_NOTIFICATION_TX,
               "bad BGP identifier");
    return;
  }
  /* RFC 4271 6.8: connection collision detection */
  Conn *other = &f->conn[1 - i];
  if (other->id && other->state == BGP_ESTABLISHED) {
    /* "a connection collision with an existing BGP connection that is in the Established
     * state causes closing of the newly created connection" */
    VsEvent e = ev(f, BGP_EV_COLLISION);
    vs_event_uint(&e, "kept", other->id);
    vs_event_uint(&e, "closed", c->id);
    vs_event_emit(&f->env.events, &e);
    conn_close(f, i, BGP_ERR_CEASE, BGP_CEASE_COLLISION_RESOLUTION, NULL, 0,
               BGP_DOWN_COLLISION, "collision with the established connection");
    return;
  }
  if (other->id && other->state == BGP_OPENCONFIRM) {
    int loser = collision_loser(f, o->bgp_id, remote_as);
    char lb[IPV4_ADDR_STRLEN], rb[IPV4_ADDR_STRLEN];
    VsEvent e = ev(f, BGP_EV_COLLISION);
    vs_event_uint(&e, "kept", f->conn[1 - loser].id);
    vs_event_uint(&e, "closed", f->conn[loser].id);
    vs_event_str(&e, "local_id", ipv4_addr_format(f->cfg.local_id, lb));
    vs_event_str(&e, "remote_id", ipv4_addr_format(o->bgp_id, rb));
    vs_event_emit(&f->env.events, &e);
    conn_close(f, loser, BGP_ERR_CEASE, BGP_CEASE_COLLISION_RESOLUTION, NULL, 0,
               BGP_DOWN_COLLISION, "collision resolution");
    if (loser == i)
      return;
  } else if (other->id && other->state == BGP_CONNECT) {
    /* our own attempt is no longer needed (BIRD does the same) */
    f->env.tcp_close(f->env.user, other->id);
    slot_clear(other);
    f->retry_at = 0;
  }
  BgpCapsSummary caps;
  bgp_open_caps(o, &caps);
  c->remote_id = o->bgp_id;
  c->remote_as = remote_as;
  c->as4 = !f->cfg.no_as4 && caps.as4;
  /* RFC 4271 4.2: the smaller of the two hold times; KeepaliveTime a third of it unless
   * configured (Azure: 60 s with 180 s) but never above a third */
  c->hold = f->cfg.fixed_timers ? f->cfg.hold_time_s : MIN(f->cfg.hold_time_s, o->hold_time);
  c->keepalive = c->hold ? c->hold / 3 : 0;
  if (c->hold && f->cfg.keepalive_s && f->cfg.keepalive_s < c->keepalive)
    c->keepalive = f->cfg.keepalive_s;
  c->hold_at = c->hold ? now(f) + c->hold * NS : 0;
  c->state = BGP_OPENCONFIRM;
  send_keepalive(f, c);
  if (!c->keepalive)
    c->keepalive_at = 0;
  settle(f, "open received", c->id);
}

static uint64_t prefix_key(Ipv4Prefix p)
{
  return ((uint64_t)p.addr.v << 8) | p.len;
}

/* Apply an UPDATE to the set of announced prefixes; false when the limit is exceeded. */
static bool count_prefixes(BgpFsm *f, const BgpUpdate *u, bool taw)
{
  for (int pass = 0; pass < 2; pass++) {
    const Ipv4Prefix *v = pass ? u->nlri : u->withdrawn;
    size_t n = pass ? u->n_nlri : u->n_withdrawn;
    bool remove = pass == 0 || taw;
    for (size_t k = 0; k < n; k++) {
      uint64_t key = prefix_key(v[k]);
      if (remove)
        g_hash_table_remove(f->prefixes, &key);
      else if (!g_hash_table_contains(f->prefixes, &key)) {
        g_hash_table_add(f->prefixes, g_memdup2(&key, sizeof key));
      }
    }
  }
  return !f->cfg.max_prefixes || g_hash_table_size(f->prefixes) <= f->cfg.max_prefixes;
}

static void process_update(BgpFsm *f, int i, BgpMessage *m, const BgpDiag *d)
{
  Conn *c = &f->conn[i];
  BgpUpdate *u = &m->u.update;
  bool taw = d->action == BGP_ACT_TREAT_AS_WITHDRAW;
  const char *field = d->action != BGP_ACT_ACCEPT ? d->diag.field : NULL;
  bool ebgp = c->remote_as != f->cfg.local_as;
  if (ebgp) {
    /* RFC 7606 7.5: LOCAL_PREF from an external peer is discarded */
    u->attrs.present &= ~(1u << BGP_ATTR_LOCAL_PREF);
    if (!taw && u->n_nlri && bgp_attrs_has(&u->attrs, BGP_ATTR_AS_PATH)) {
      /* RFC 4271 6.3 / RFC 7606 7.2: the leftmost AS of an external peer's path is its */
      BgpAsPath p = {0};
      bgp_as_path_merge_as4(&u->attrs, &p);
      if (bgp_as_path_first(&p) != c->remote_as) {
        taw = true;
        field = "AS_PATH first AS";
      }
      bgp_as_path_clear(&p);
    }
  }
  VsEvent e = ev(f, BGP_EV_UPDATE_RX);
  vs_event_uint(&e, "announced", taw ? 0 : u->n_nlri);
  vs_event_uint(&e, "withdrawn", u->n_withdrawn + (taw ? u->n_nlri : 0));
  vs_event_str(&e, "action", taw ? "treat-as-withdraw" : name_get(&bgp_action_names, d->action));
  if (field)
    vs_event_str(&e, "field", field);
  vs_event_emit(&f->env.events, &e);
  if (!count_prefixes(f, u, taw)) {
    /* RFC 4486 4: Cease / Maximum Number of Prefixes Reached, with AFI, SAFI and the
     * upper bound */
    uint8_t data[7] = {0, BGP_AFI_IPV4, BGP_SAFI_UNICAST};
    wire_store_be32(data + 3, f->cfg.max_prefixes);
    conn_close(f, i, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIXES, data, sizeof data,
               BGP_DOWN_MAX_PREFIXES, "maximum number of prefixes reached");
    return;
  }
  f->env.update(f->env.user, u, taw);
}

/* Which messages each state takes (RFC 4271 8.2.2); anything else is an FSM Error with
 * the RFC 6608 subcode of the state. */
static bool allowed(BgpState s, uint8_t type)
{
  if (type == BGP_MSG_NOTIFICATION)
    return true;
  switch (s) {
  case BGP_OPENSENT: return type == BGP_MSG_OPEN;
  case BGP_OPENCONFIRM: return type == BGP_MSG_KEEPALIVE;
  case BGP_ESTABLISHED: return type != BGP_MSG_OPEN;
  default: return false;
  }
}

static uint8_t fsm_subcode(BgpState s)
{
  return s == BGP_OPENSENT      ? BGP_FSM_IN_OPENSENT
         : s == BGP_OPENCONFIRM ? BGP_FSM_IN_OPENCONFIRM
         : s == BGP_ESTABLISHED ? BGP_FSM_IN_ESTABLISHED
                                : BGP_FSM_UNSPECIFIED;
}

/* One framed message on slot i; false when the slot was closed. */
static bool handle(BgpFsm *f, int i, const uint8_t *buf, size_t len)
{
  Conn *c = &f->conn[i];
  uint32_t id = c->id;
  uint8_t type = buf[18];
  if (!allowed(c->state, type)) {
    conn_close(f, i, BGP_ERR_FSM, fsm_subcode(c->state), NULL, 0, BGP_DOWN_NOTIFICATION_TX,
               "unexpected message");
    return false;
  }
  BgpCodecCtx ctx = {.as4 = c->as4};
  BgpDiag d;
  g_autoptr(BgpMessage) m = NULL;
  bgp_message_decode(buf, len, &ctx, &m, &d);
  if (!m) {
    g_autoptr(BgpMessage) n = bgp_notification_from_diag(&d, buf, len);
    conn_close(f, i, n->u.notification.code, n->u.notification.subcode,
               n->u.notification.data, n->u.notification.data_len, BGP_DOWN_NOTIFICATION_TX,
               d.diag.field ? d.diag.field : "malformed message");
    return false;
  }
  /* RFC 4271 8.2.2: KEEPALIVE and UPDATE restart the HoldTimer */
  if (c->hold && (type == BGP_MSG_KEEPALIVE || type == BGP_MSG_UPDATE) &&
      c->state >= BGP_OPENCONFIRM)
    c->hold_at = now(f) + c->hold * NS;
  switch (type) {
  case BGP_MSG_NOTIFICATION:
    emit_notification(f, BGP_EV_NOTIFICATION_RX, m->u.notification.code,
                      m->u.notification.subcode);
    conn_close(f, i, 0, 0, NULL, 0, BGP_DOWN_NOTIFICATION_RX, "notification received");
    return false;
  case BGP_MSG_OPEN: process_open(f, i, &m->u.open); break;
  case BGP_MSG_KEEPALIVE:
    if (c->state == BGP_OPENCONFIRM) {
      c->state = BGP_ESTABLISHED;
      settle(f, "keepalive received", id);
    }
    break;
  case BGP_MSG_UPDATE: process_update(f, i, m, &d); break;
  case BGP_MSG_ROUTE_REFRESH:
    if (f->env.route_refresh)
      f->env.route_refresh(f->env.user, m->u.refresh.afi, m->u.refresh.safi);
    break;
  default: break;
  }
  rearm(f);
  return f->conn[i].id == id;
}

void bgp_fsm_rx(BgpFsm *f, uint32_t id, const uint8_t *data, size_t len)
{
  int i = slot_of(f, id);
  if (i < 0 || f->conn[i].state < BGP_OPENSENT)
    return;
  GByteArray *rx = g_byte_array_ref(f->conn[i].rx);
  g_byte_array_append(rx, data, (guint)len);
  while (f->conn[i].id == id && rx->len) {
    size_t n;
    BgpDiag d;
    WireStatus s = bgp_frame(rx->data, rx->len, &n, &d);
    if (s == WIRE_TRUNCATED)
      break; /* wait for the rest of the message */
    if (s != WIRE_OK) {
      /* RFC 4271 6.1: a Message Header Error */
      g_autoptr(BgpMessage) nm = bgp_notification_from_diag(&d, rx->data, rx->len);
      conn_close(f, i, nm->u.notification.code, nm->u.notification.subcode,
                 nm->u.notification.data, nm->u.notification.data_len,
                 BGP_DOWN_NOTIFICATION_TX, d.diag.field);
      break;
    }
    g_autofree uint8_t *msg = g_memdup2(rx->data, n);
    g_byte_array_remove_range(rx, 0, (guint)n);
    if (!handle(f, i, msg, n))
      break;
  }
  g_byte_array_unref(rx);
}

void bgp_fsm_timeout(BgpFsm *f)
{
  int64_t t = now(f);
  for (int i = 0; i < 2; i++) {
    Conn *c = &f->conn[i];
    if (!c->id)
      continue;
    if (c->hold_at && c->hold_at <= t) {
      /* RFC 4271 8.2.2: HoldTimer_Expires: NOTIFICATION Hold Timer Expired */
      conn_close(f, i, BGP_ERR_HOLD_TIMER, 0, NULL, 0, BGP_DOWN_HOLD_EXPIRED,
                 "hold timer expired");
      continue;
    }
    if (c->keepalive_at && c->keepalive_at <= t)
      send_keepalive(f, c);
  }
  if (f->retry_at && f->retry_at <= t) {
    f->retry_at = 0;
    Conn *out = &f->conn[SLOT_OUT];
    if (out->id && out->state == BGP_CONNECT) {
      /* RFC 4271 8.2.2 Connect, ConnectRetryTimer_Expires: drop the attempt, try again */
      f->env.tcp_close(f->env.user, out->id);
      slot_clear(out);
      open_attempt(f);
      settle(f, "connect retry", out->id);
    } else if (f->running && !out->id && !f->conn[SLOT_IN].id) {
      bgp_fsm_start(f); /* Active: ConnectRetry expired; Idle: the automatic restart */
    }
  }
  rearm(f);
}

bool bgp_fsm_send_update(BgpFsm *f, const BgpMessage *update)
{
  g_return_val_if_fail(update && update->type == BGP_MSG_UPDATE, false);
  for (int i = 0; i < 2; i++) {
    Conn *c = &f->conn[i];
    if (c->id && c->state == BGP_ESTABLISHED) {
      VsEvent e = ev(f, BGP_EV_UPDATE_TX);
      vs_event_uint(&e, "announced", update->u.update.n_nlri);
      vs_event_uint(&e, "withdrawn", update->u.update.n_withdrawn);
      vs_event_emit(&f->env.events, &e);
      send_msg(f, c, update);
      rearm(f);
      return true;
    }
  }
  return false;
}

static const Conn *session_conn(const BgpFsm *f)
{
  const Conn *best = NULL;
  for (int i = 0; i < 2; i++)
    if (f->conn[i].id && f->conn[i].state >= BGP_OPENCONFIRM &&
        (!best || f->conn[i].state > best->state))
      best = &f->conn[i];
  return best;
}

BgpState bgp_fsm_state(const BgpFsm *f) { return compute_state(f); }
uint32_t bgp_fsm_conn(const BgpFsm *f)
{
  const Conn *c = session_conn(f);
  return c ? c->id : 0;
}
uint16_t bgp_fsm_hold_time(const BgpFsm *f)
{
  const Conn *c = session_conn(f);
  return c ? c->hold : 0;
}
uint16_t bgp_fsm_keepalive(const BgpFsm *f)
{
  const Conn *c = session_conn(f);
  return c ? c->keepalive : 0;
}
bool bgp_fsm_as4(const BgpFsm *f)
{
  const Conn *c = session_conn(f);
  return c && c->as4;
}
Ipv4Addr bgp_fsm_remote_id(const BgpFsm *f)
{
  const Conn *c = session_conn(f);
  return c ? c->remote_id : (Ipv4Addr){0};
}
size_t bgp_fsm_prefix_count(const BgpFsm *f) { return g_hash_table_size(f->prefixes); }
BgpDownReason bgp_fsm_last_down(const BgpFsm *f) { return f->last_down; }
