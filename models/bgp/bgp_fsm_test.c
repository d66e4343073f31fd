/* SPDX-License-Identifier: MIT */
/* Two BGP session FSMs back to back in one process over a simulated TCP (in-order,
 * lossless unless told to drop, no delay), stepping messages and simulated time: session
 * establishment, hold time negotiation, ConnectRetry, hold timer expiry, connection
 * collision, the maximum-prefix limit, OPEN and FSM errors, RFC 7606 actions, stop. */
#include "models/bgp/bgp_fsm.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

#define NS 1000000000ll

typedef struct Net Net;

typedef struct {
  Net *net;
  int idx;
  BgpFsm *fsm;
  int64_t timer_at;
  GPtrArray *events; /* "type key=value ..." lines */
  size_t updates, learned, withdrawn, taw;
  int ups, downs;
  BgpDownReason down_reason;
  size_t refreshes;
} Side;

typedef struct {
  uint32_t id[2]; /* the connection's id at side 0 and side 1 */
  bool open[2];
  int initiator;
} Link;

typedef enum { ITEM_CONNECT, ITEM_DATA, ITEM_CLOSE } ItemKind;

typedef struct {
  ItemKind kind;
  size_t link;
  int from;
  GBytes *data;
} Item;

struct Net {
  int64_t now;
  Side side[2];
  Link links[32];
  size_t n_links;
  GQueue items;
  uint32_t next_id;
  bool drop[2];     /* lose what side i sends */
  bool byte_by_byte; /* deliver data one octet at a time */
};

/* ---- the env ---- */

static int64_t env_now(void *u) { return ((Side *)u)->net->now; }
static void env_timer(void *u, int64_t at) { ((Side *)u)->timer_at = at; }
static void env_cancel(void *u) { ((Side *)u)->timer_at = 0; }

static void push(Net *n, ItemKind k, size_t link, int from, GBytes *data)
{
  Item *it = g_new0(Item, 1);
  *it = (Item){k, link, from, data};
  g_queue_push_tail(&n->items, it);
}

static uint32_t env_open(void *u)
{
  Side *s = u;
  Net *n = s->net;
  g_assert_cmpuint(n->n_links, <, G_N_ELEMENTS(n->links));
  Link *l = &n->links[n->n_links];
  l->initiator = s->idx;
  l->id[s->idx] = ++n->next_id;
  l->id[1 - s->idx] = ++n->next_id;
  l->open[0] = l->open[1] = true;
  push(n, ITEM_CONNECT, n->n_links++, s->idx, NULL);
  return l->id[s->idx];
}

static Link *link_of(Net *n, int side, uint32_t id, size_t *li)
{
  for (size_t i = 0; i < n->n_links; i++)
    if (n->links[i].id[side] == id) {
      if (li)
        *li = i;
      return &n->links[i];
    }
  g_assert_not_reached();
}

static void env_send(void *u, uint32_t id, const uint8_t *data, size_t len)
{
  Side *s = u;
  size_t li;
  link_of(s->net, s->idx, id, &li);
  if (!s->net->drop[s->idx])
    push(s->net, ITEM_DATA, li, s->idx, g_bytes_new(data, len));
}

static void env_close(void *u, uint32_t id)
{
  Side *s = u;
  size_t li;
  Link *l = link_of(s->net, s->idx, id, &li);
  if (l->open[s->idx]) {
    l->open[s->idx] = false;
    push(s->net, ITEM_CLOSE, li, s->idx, NULL);
  }
}

static void env_update(void *u, const BgpUpdate *up, bool taw)
{
  Side *s = u;
  s->updates++;
  s->withdrawn += up->n_withdrawn + (taw ? up->n_nlri : 0);
  if (taw)
    s->taw++;
  else
    s->learned += up->n_nlri;
}

static void env_up(void *u) { ((Side *)u)->ups++; }
static void env_down(void *u, BgpDownReason why)
{
  ((Side *)u)->downs++;
  ((Side *)u)->down_reason = why;
}
static void env_refresh(void *u, uint16_t afi, uint8_t safi) { ((Side *)u)->refreshes++; }

static void env_event(void *u, const VsEvent *e)
{
  Side *s = u;
  GString *g = g_string_new(e->type);
  for (unsigned i = 0; i < e->n_attrs; i++) {
    const VsAttr *a = &e->attrs[i];
    if (!strcmp(a->key, "peer"))
      continue;
    if (a->kind == VS_ATTR_STR)
      g_string_append_printf(g, " %s=%s", a->key, a->v.s);
    else if (a->kind == VS_ATTR_UINT && strcmp(a->key, "conn") && strcmp(a->key, "kept") &&
             strcmp(a->key, "closed"))
      g_string_append_printf(g, " %s=%" G_GUINT64_FORMAT, a->key, a->v.u);
  }
  g_ptr_array_add(s->events, g_string_free(g, FALSE));
}

/* ---- the network ---- */

static BgpFsmConfig cfg_azure(void)
{
  /* the gateway: Azure's fixed timers, 4000 prefixes */
  return (BgpFsmConfig){.node = "vgw1/0", .peer = "site1", .local_as = 65515, .peer_as = 65010,
                        .local_id = tu_addr("10.12.255.30"), .hold_time_s = BGP_AZURE_HOLD_S,
                        .keepalive_s = BGP_AZURE_KEEPALIVE_S, .idle_hold_s = 5,
                        .max_prefixes = BGP_AZURE_MAX_PREFIXES};
}

static BgpFsmConfig cfg_device(void)
{
  /* the on-premises device: BIRD's defaults (hold 240), passive */
  return (BgpFsmConfig){.node = "site1-vpn", .peer = "azure", .local_as = 65010,
                        .peer_as = 65515, .local_id = tu_addr("192.168.1.1"),
                        .hold_time_s = 240, .idle_hold_s = 5, .passive = true};
}

static Net *net_new(const BgpFsmConfig *a, const BgpFsmConfig *b)
{
  Net *n = g_new0(Net, 1);
  n->now = 1000 * NS;
  g_queue_init(&n->items);
  const BgpFsmConfig *cfg[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    Side *s = &n->side[i];
    s->net = n;
    s->idx = i;
    s->events = g_ptr_array_new_with_free_func(g_free);
    BgpEnv env = {.user = s, .events = {env_event, s}, .now = env_now,
                  .timer_schedule = env_timer, .timer_cancel = env_cancel,
                  .tcp_open = env_open, .tcp_send = env_send, .tcp_close = env_close,
                  .update = env_update, .session_up = env_up, .session_down = env_down,
                  .route_refresh = env_refresh};
    s->fsm = bgp_fsm_new(cfg[i], &env);
  }
  return n;
}

static void net_free(Net *n)
{
  for (int i = 0; i < 2; i++) {
    bgp_fsm_free(n->side[i].fsm);
    g_ptr_array_unref(n->side[i].events);
  }
  Item *it;
  while ((it = g_queue_pop_head(&n->items))) {
    if (it->data)
      g_bytes_unref(it->data);
    g_free(it);
  }
  g_free(n);
}

/* Deliver one item; false when there was none. */
static bool step(Net *n)
{
  Item *it = g_queue_pop_head(&n->items);
  if (!it)
    return false;
  Link *l = &n->links[it->link];
  int to = 1 - it->from;
  BgpFsm *dst = n->side[to].fsm;
  switch (it->kind) {
  case ITEM_CONNECT:
    if (bgp_fsm_tcp_accept(dst, l->id[to])) {
      bgp_fsm_tcp_up(n->side[it->from].fsm, l->id[it->from]);
    } else {
      l->open[0] = l->open[1] = false;
      bgp_fsm_tcp_failed(n->side[it->from].fsm, l->id[it->from]);
    }
    break;
  case ITEM_DATA:
    if (l->open[to]) {
      size_t len;
      const uint8_t *p = g_bytes_get_data(it->data, &len);
      if (n->byte_by_byte)
        for (size_t i = 0; i < len && l->open[to]; i++)
          bgp_fsm_rx(dst, l->id[to], p + i, 1);
      else
        bgp_fsm_rx(dst, l->id[to], p, len);
    }
    g_bytes_unref(it->data);
    break;
  case ITEM_CLOSE:
    if (l->open[to]) {
      l->open[to] = false;
      bgp_fsm_tcp_failed(dst, l->id[to]);
    }
    break;
  }
  g_free(it);
  return true;
}

static void pump(Net *n)
{
  for (int i = 0; step(n); i++)
    g_assert_cmpint(i, <, 10000);
}

/* Run the timers up to 'until', delivering every message as soon as it is sent. */
static void advance(Net *n, int64_t until)
{
  pump(n);
  for (;;) {
    int64_t t = 0;
    for (int i = 0; i < 2; i++)
      if (n->side[i].timer_at && (!t || n->side[i].timer_at < t))
        t = n->side[i].timer_at;
    if (!t || t > until)
      break;
    g_assert_cmpint(t, >=, n->now);
    n->now = t;
    for (int i = 0; i < 2; i++)
      if (n->side[i].timer_at == t) {
        n->side[i].timer_at = 0;
        bgp_fsm_timeout(n->side[i].fsm);
        pump(n);
      }
  }
  n->now = until;
}

static size_t count_events(const Side *s, const char *prefix)
{
  size_t k = 0;
  for (guint i = 0; i < s->events->len; i++)
    if (g_str_has_prefix(g_ptr_array_index(s->events, i), prefix))
      k++;
  return k;
}

static void assert_event(const Side *s, const char *prefix)
{
  if (!count_events(s, prefix)) {
    for (guint i = 0; i < s->events->len; i++)
      g_test_message("  %s", (char *)g_ptr_array_index(s->events, i));
    g_error("side %d: no event '%s'", s->idx, prefix);
  }
}

static BgpMessage *update_of(const char *const *prefixes, size_t n, const char *const *wd,
                             size_t nw, uint32_t first_as)
{
  BgpMessage *m = bgp_message_new(BGP_MSG_UPDATE);
  BgpAttrs *a = &m->u.update.attrs;
  if (n) {
    bgp_attrs_set_origin(a, BGP_ORIGIN_IGP);
    uint32_t path[] = {first_as, 64999};
    bgp_attrs_set_path(a, path, 2);
    a->next_hop = tu_addr("169.254.21.1");
    bgp_attrs_set(a, BGP_ATTR_NEXT_HOP);
  }
  for (size_t i = 0; i < n; i++)
    bgp_update_add_nlri(&m->u.update, tu_prefix(prefixes[i]));
  for (size_t i = 0; i < nw; i++)
    bgp_update_add_withdrawn(&m->u.update, tu_prefix(wd[i]));
  return m;
}

/* ---- tests ---- */

static Net *established(void)
{
  BgpFsmConfig a = cfg_azure(), b = cfg_device();
  Net *n = net_new(&a, &b);
  bgp_fsm_start(n->side[1].fsm);
  bgp_fsm_start(n->side[0].fsm);
  pump(n);
  g_assert_cmpint(bgp_fsm_state(n->side[0].fsm), ==, BGP_ESTABLISHED);
  g_assert_cmpint(bgp_fsm_state(n->side[1].fsm), ==, BGP_ESTABLISHED);
  return n;
}

static void test_establish(void)
{
  for (int split = 0; split < 2; split++) {
    BgpFsmConfig a = cfg_azure(), b = cfg_device();
    Net *n = net_new(&a, &b);
    n->byte_by_byte = split;
    Side *gw = &n->side[0], *dev = &n->side[1];
    bgp_fsm_start(dev->fsm);
    g_assert_cmpint(bgp_fsm_state(dev->fsm), ==, BGP_ACTIVE);
    bgp_fsm_start(gw->fsm);
    g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_CONNECT);
    step(n); /* the TCP connection: both send OPEN */
    g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_OPENSENT);
    g_assert_cmpint(bgp_fsm_state(dev->fsm), ==, BGP_OPENSENT);
    step(n); /* the device's OPEN reaches the gateway: KEEPALIVE back */
    g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_OPENCONFIRM);
    pump(n);
    g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
    g_assert_cmpint(bgp_fsm_state(dev->fsm), ==, BGP_ESTABLISHED);
    /* RFC 4271 4.2: the smaller hold time (Azure's 180 s against 240 s); keepalive 60 s
     * configured on the gateway, a third of the hold time on the device */
    g_assert_cmpuint(bgp_fsm_hold_time(gw->fsm), ==, 180);
    g_assert_cmpuint(bgp_fsm_hold_time(dev->fsm), ==, 180);
    g_assert_cmpuint(bgp_fsm_keepalive(gw->fsm), ==, 60);
    g_assert_cmpuint(bgp_fsm_keepalive(dev->fsm), ==, 60);
    g_assert_true(bgp_fsm_as4(gw->fsm));
    g_assert_cmphex(bgp_fsm_remote_id(gw->fsm).v, ==, tu_addr("192.168.1.1").v);
    g_assert_cmpint(gw->ups, ==, 1);
    g_assert_cmpint(dev->ups, ==, 1);
    assert_event(gw, "bgp.session.state old_state=Idle new_state=Connect reason=start");
    assert_event(gw, "bgp.session.state old_state=Connect new_state=OpenSent");
    assert_event(gw, "bgp.session.state old_state=OpenSent new_state=OpenConfirm");
    assert_event(gw, "bgp.session.state old_state=OpenConfirm new_state=Established");
    assert_event(dev, "bgp.session.state old_state=Idle new_state=Active");
    /* keepalives hold the session for an hour */
    advance(n, n->now + 3600 * NS);
    g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
    g_assert_cmpint(bgp_fsm_state(dev->fsm), ==, BGP_ESTABLISHED);
    g_assert_cmpint(gw->downs, ==, 0);
    net_free(n);
  }
}

static void test_hold_negotiation(void)
{
  /* a device with hold 9 s: both use 9 s, and keepalive 3 s (Azure's 60 s is more than a
   * third); hold 0 on one side: no keepalives at all */
  BgpFsmConfig a = cfg_azure(), b = cfg_device();
  b.hold_time_s = 9;
  Net *n = net_new(&a, &b);
  bgp_fsm_start(n->side[1].fsm);
  bgp_fsm_start(n->side[0].fsm);
  pump(n);
  g_assert_cmpuint(bgp_fsm_hold_time(n->side[0].fsm), ==, 9);
  g_assert_cmpuint(bgp_fsm_keepalive(n->side[0].fsm), ==, 3);
  advance(n, n->now + 100 * NS);
  g_assert_cmpint(bgp_fsm_state(n->side[0].fsm), ==, BGP_ESTABLISHED);
  net_free(n);

  b.hold_time_s = 0;
  n = net_new(&a, &b);
  bgp_fsm_start(n->side[1].fsm);
  bgp_fsm_start(n->side[0].fsm);
  pump(n);
  g_assert_cmpuint(bgp_fsm_hold_time(n->side[0].fsm), ==, 0);
  g_assert_cmpuint(bgp_fsm_keepalive(n->side[0].fsm), ==, 0);
  g_assert_cmpint(n->side[0].timer_at, ==, 0);
  g_assert_cmpint(n->side[1].timer_at, ==, 0);
  net_free(n);
}

/* Azure's timers taken as fixed (facts 5, options bgpHoldTime: fixed): the gateway keeps
 * 180 s and its 60 s keepalive whatever the device offers; a device offering 9 s expires
 * its own hold timer before the gateway's first keepalive. Negotiated (the original FAQ,
 * facts 13.1) is test_hold_negotiation. */
static void test_fixed_timers(void)
{
  BgpFsmConfig a = cfg_azure(), b = cfg_device();
  a.fixed_timers = true;
  b.hold_time_s = 9;
  Net *n = net_new(&a, &b);
  Side *gw = &n->side[0], *dev = &n->side[1];
  bgp_fsm_start(dev->fsm);
  bgp_fsm_start(gw->fsm);
  pump(n);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
  g_assert_cmpuint(bgp_fsm_hold_time(gw->fsm), ==, 180);
  g_assert_cmpuint(bgp_fsm_keepalive(gw->fsm), ==, 60);
  g_assert_cmpuint(bgp_fsm_hold_time(dev->fsm), ==, 9);
  int64_t t0 = n->now;
  advance(n, t0 + 8 * NS);
  g_assert_cmpint(bgp_fsm_state(dev->fsm), ==, BGP_ESTABLISHED);
  advance(n, t0 + 10 * NS);
  g_assert_cmpint(bgp_fsm_state(dev->fsm), !=, BGP_ESTABLISHED);
  g_assert_cmpint(bgp_fsm_last_down(dev->fsm), ==, BGP_DOWN_HOLD_EXPIRED);
  g_assert_cmpint(bgp_fsm_last_down(gw->fsm), ==, BGP_DOWN_NOTIFICATION_RX);
  net_free(n);

  /* a device offering more (BIRD's 240 s): 180 s both ways, as negotiation gives */
  b.hold_time_s = 240;
  n = net_new(&a, &b);
  bgp_fsm_start(n->side[1].fsm);
  bgp_fsm_start(n->side[0].fsm);
  pump(n);
  g_assert_cmpuint(bgp_fsm_hold_time(n->side[0].fsm), ==, 180);
  g_assert_cmpuint(bgp_fsm_hold_time(n->side[1].fsm), ==, 180);
  advance(n, n->now + 3600 * NS);
  g_assert_cmpint(bgp_fsm_state(n->side[1].fsm), ==, BGP_ESTABLISHED);
  net_free(n);
}

static void test_connect_retry(void)
{
  /* the device is not listening yet: the gateway's attempt fails, it waits in Active and
   * tries again when ConnectRetry (120 s) expires */
  BgpFsmConfig a = cfg_azure(), b = cfg_device();
  Net *n = net_new(&a, &b);
  Side *gw = &n->side[0];
  bgp_fsm_start(gw->fsm);
  pump(n);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ACTIVE);
  int64_t t0 = n->now;
  g_assert_cmpint(gw->timer_at, ==, t0 + 120 * NS);
  bgp_fsm_start(n->side[1].fsm);
  advance(n, t0 + 119 * NS);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ACTIVE);
  advance(n, t0 + 120 * NS);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
  g_assert_cmpuint(n->n_links, ==, 2);
  net_free(n);
}

static void test_hold_expiry(void)
{
  Net *n = established();
  Side *gw = &n->side[0], *dev = &n->side[1];
  int64_t t0 = n->now;
  /* the device goes silent (its keepalives are lost); the gateway's hold timer expires
   * 180 s after the last message it received */
  n->drop[1] = true;
  advance(n, t0 + 179 * NS);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
  advance(n, t0 + 180 * NS);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_IDLE);
  g_assert_cmpint(bgp_fsm_last_down(gw->fsm), ==, BGP_DOWN_HOLD_EXPIRED);
  g_assert_cmpint(gw->downs, ==, 1);
  g_assert_cmpint(gw->down_reason, ==, BGP_DOWN_HOLD_EXPIRED);
  assert_event(gw, "bgp.notification.tx code=4 subcode=0 code_name=Hold Timer Expired");
  assert_event(gw, "bgp.session.state old_state=Established new_state=Idle "
                   "reason=hold timer expired");
  /* the device got the NOTIFICATION */
  g_assert_cmpint(bgp_fsm_last_down(dev->fsm), ==, BGP_DOWN_NOTIFICATION_RX);
  assert_event(dev, "bgp.notification.rx code=4 subcode=0");
  /* both start again after the idle hold time (5 s); the gateway is first and the device,
   * still Idle, refuses it (RFC 4271 8.2.2); ConnectRetry later the session comes back */
  n->drop[1] = false;
  advance(n, n->now + 5 * NS);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ACTIVE);
  g_assert_cmpint(bgp_fsm_state(dev->fsm), ==, BGP_ACTIVE);
  advance(n, n->now + 120 * NS);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
  g_assert_cmpint(gw->ups, ==, 2);
  net_free(n);
}

static void test_collision(void)
{
  /* both sides open a connection at once (neither passive); RFC 4271 6.8: the connection
   * opened by the higher BGP Identifier (the device's 192.168.1.1) survives */
  BgpFsmConfig a = cfg_azure(), b = cfg_device();
  b.passive = false;
  Net *n = net_new(&a, &b);
  Side *gw = &n->side[0], *dev = &n->side[1];
  bgp_fsm_start(gw->fsm);
  bgp_fsm_start(dev->fsm);
  pump(n);
  g_assert_cmpuint(n->n_links, ==, 2);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
  g_assert_cmpint(bgp_fsm_state(dev->fsm), ==, BGP_ESTABLISHED);
  const Link *kept = &n->links[1];
  g_assert_cmpint(kept->initiator, ==, 1);
  g_assert_cmpuint(bgp_fsm_conn(gw->fsm), ==, kept->id[0]);
  g_assert_cmpuint(bgp_fsm_conn(dev->fsm), ==, kept->id[1]);
  g_assert_false(n->links[0].open[0] || n->links[0].open[1]);
  assert_event(gw, "bgp.collision local_id=10.12.255.30 remote_id=192.168.1.1");
  assert_event(dev, "bgp.collision local_id=192.168.1.1 remote_id=10.12.255.30");
  g_assert_cmpuint(count_events(gw, "bgp.notification.tx code=6 subcode=7") +
                       count_events(dev, "bgp.notification.tx code=6 subcode=7"),
                   >=, 1);
  /* the session came up once and never went down */
  g_assert_cmpint(gw->ups, ==, 1);
  g_assert_cmpint(dev->ups, ==, 1);
  g_assert_cmpint(gw->downs + dev->downs, ==, 0);
  g_assert_cmpuint(count_events(gw, "bgp.session.state old_state=OpenConfirm new_state=Established"),
                   ==, 1);
  advance(n, n->now + 1000 * NS);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);

  /* swap the identifiers: now the gateway's connection survives */
  a.local_id = tu_addr("192.168.255.1");
  Net *m = net_new(&a, &b);
  bgp_fsm_start(m->side[0].fsm);
  bgp_fsm_start(m->side[1].fsm);
  pump(m);
  g_assert_cmpint(bgp_fsm_state(m->side[0].fsm), ==, BGP_ESTABLISHED);
  g_assert_cmpuint(bgp_fsm_conn(m->side[0].fsm), ==, m->links[0].id[0]);
  g_assert_cmpint(m->links[0].initiator, ==, 0);
  net_free(m);
  net_free(n);
}

static void test_collision_with_established(void)
{
  Net *n = established();
  Side *gw = &n->side[0], *dev = &n->side[1];
  uint32_t before = bgp_fsm_conn(gw->fsm);
  /* the device opens a second connection to the established gateway */
  Link *l = &n->links[n->n_links];
  l->initiator = 1;
  l->id[1] = ++n->next_id;
  l->id[0] = ++n->next_id;
  l->open[0] = l->open[1] = true;
  n->n_links++;
  g_assert_true(bgp_fsm_tcp_accept(gw->fsm, l->id[0]));
  /* its OPEN, as the device would send it */
  g_autoptr(BgpMessage) o = bgp_open_new(65010, 240, tu_addr("192.168.1.1"));
  bgp_open_add_as4(&o->u.open, 65010);
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(bgp_message_encode(o, NULL, &w));
  bgp_fsm_rx(gw->fsm, l->id[0], w.buf, w.len);
  wire_writer_clear(&w);
  g_assert_false(l->open[0]);
  g_assert_cmpuint(bgp_fsm_conn(gw->fsm), ==, before);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
  assert_event(gw, "bgp.notification.tx code=6 subcode=7");
  g_assert_cmpint(gw->downs, ==, 0);
  (void)dev;
  net_free(n);
}

static void test_max_prefix(void)
{
  BgpFsmConfig a = cfg_azure(), b = cfg_device();
  a.max_prefixes = 3;
  Net *n = net_new(&a, &b);
  Side *gw = &n->side[0], *dev = &n->side[1];
  bgp_fsm_start(dev->fsm);
  bgp_fsm_start(gw->fsm);
  pump(n);
  const char *p2[] = {"10.1.0.0/16", "10.2.0.0/16"};
  g_autoptr(BgpMessage) u1 = update_of(p2, 2, NULL, 0, 65010);
  g_assert_true(bgp_fsm_send_update(dev->fsm, u1));
  pump(n);
  g_assert_cmpuint(gw->learned, ==, 2);
  g_assert_cmpuint(bgp_fsm_prefix_count(gw->fsm), ==, 2);
  /* a withdrawal and two more (one again): still 3 */
  const char *p3[] = {"10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16"};
  const char *w1[] = {"10.1.0.0/16"};
  g_autoptr(BgpMessage) u2 = update_of(p3, 3, w1, 1, 65010);
  g_assert_true(bgp_fsm_send_update(dev->fsm, u2));
  pump(n);
  g_assert_cmpuint(bgp_fsm_prefix_count(gw->fsm), ==, 3);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
  size_t updates = gw->updates;
  /* the fourth prefix drops the session: Cease / Maximum Number of Prefixes Reached
   * (RFC 4486), and the UPDATE is not passed on */
  const char *p1[] = {"10.5.0.0/16"};
  g_autoptr(BgpMessage) u3 = update_of(p1, 1, NULL, 0, 65010);
  g_assert_true(bgp_fsm_send_update(dev->fsm, u3));
  pump(n);
  g_assert_cmpuint(gw->updates, ==, updates);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_IDLE);
  g_assert_cmpint(gw->down_reason, ==, BGP_DOWN_MAX_PREFIXES);
  g_assert_cmpuint(bgp_fsm_prefix_count(gw->fsm), ==, 0);
  assert_event(gw, "bgp.notification.tx code=6 subcode=1 code_name=Cease "
                   "subcode_name=Maximum Number of Prefixes Reached");
  assert_event(dev, "bgp.notification.rx code=6 subcode=1");
  assert_event(gw, "bgp.session.state old_state=Established new_state=Idle "
                   "reason=maximum number of prefixes reached");
  g_assert_cmpint(dev->down_reason, ==, BGP_DOWN_NOTIFICATION_RX);
  assert_event(dev, "bgp.update.tx announced=1 withdrawn=0");
  net_free(n);
}

static void test_open_errors(void)
{
  /* the gateway expects AS 65099: OPEN Message Error / Bad Peer AS */
  BgpFsmConfig a = cfg_azure(), b = cfg_device();
  a.peer_as = 65099;
  Net *n = net_new(&a, &b);
  bgp_fsm_start(n->side[1].fsm);
  bgp_fsm_start(n->side[0].fsm);
  pump(n);
  g_assert_cmpint(bgp_fsm_state(n->side[0].fsm), ==, BGP_IDLE);
  assert_event(&n->side[0], "bgp.notification.tx code=2 subcode=2");
  assert_event(&n->side[1], "bgp.notification.rx code=2 subcode=2 code_name=OPEN Message Error "
                            "subcode_name=Bad Peer AS");
  g_assert_cmpint(n->side[0].ups + n->side[1].ups, ==, 0);
  net_free(n);
}

static void rx_hex(BgpFsm *f, uint32_t id, const char *hex)
{
  g_autoptr(GBytes) b = tu_hex(hex);
  size_t len;
  const uint8_t *p = g_bytes_get_data(b, &len);
  bgp_fsm_rx(f, id, p, len);
}

#define MARKER "ffffffffffffffffffffffffffffffff"

static void test_fsm_errors(void)
{
  /* a KEEPALIVE before the OPEN: FSM Error, Receive Unexpected Message in OpenSent */
  BgpFsmConfig a = cfg_azure(), b = cfg_device();
  Net *n = net_new(&a, &b);
  bgp_fsm_start(n->side[1].fsm);
  bgp_fsm_start(n->side[0].fsm);
  step(n);
  g_assert_cmpint(bgp_fsm_state(n->side[0].fsm), ==, BGP_OPENSENT);
  rx_hex(n->side[0].fsm, n->links[0].id[0], MARKER "0013 04");
  assert_event(&n->side[0], "bgp.notification.tx code=5 subcode=1 code_name=Finite State "
                            "Machine Error subcode_name=Receive Unexpected Message in OpenSent State");
  g_assert_cmpint(bgp_fsm_state(n->side[0].fsm), ==, BGP_IDLE);
  net_free(n);

  /* a broken marker: Message Header Error / Connection Not Synchronized */
  n = established();
  rx_hex(n->side[0].fsm, bgp_fsm_conn(n->side[0].fsm), "00" MARKER);
  rx_hex(n->side[0].fsm, bgp_fsm_conn(n->side[0].fsm), "0013 04");
  assert_event(&n->side[0], "bgp.notification.tx code=1 subcode=1");
  g_assert_cmpint(bgp_fsm_state(n->side[0].fsm), ==, BGP_IDLE);
  net_free(n);

  /* an OPEN on the established session: FSM Error in Established */
  n = established();
  rx_hex(n->side[0].fsm, bgp_fsm_conn(n->side[0].fsm),
         MARKER "001d 01 04 fdf2 00f0 c0a80101 00");
  assert_event(&n->side[0], "bgp.notification.tx code=5 subcode=3");
  net_free(n);
}

static void test_update_actions(void)
{
  Net *n = established();
  Side *gw = &n->side[0];
  BgpFsm *f = gw->fsm;
  uint32_t c = bgp_fsm_conn(f);
  /* ORIGIN 3: RFC 7606 treat-as-withdraw, the session stays */
  rx_hex(f, c, MARKER "0032 02 0000 0018"
               "40 01 01 03"                      /* ORIGIN 3 */
               "40 02 0a 02 02 0000fdf2 0000fde7" /* AS_PATH 65010 64999 */
               "40 03 04 a9fe1501"                /* NEXT_HOP 169.254.21.1 */
               "10 0a01");                        /* 10.1.0.0/16 */
  g_assert_cmpuint(gw->taw, ==, 1);
  g_assert_cmpuint(gw->withdrawn, ==, 1);
  assert_event(gw, "bgp.update.rx announced=0 withdrawn=1 action=treat-as-withdraw field=ORIGIN");
  g_assert_cmpint(bgp_fsm_state(f), ==, BGP_ESTABLISHED);
  /* the same, valid, but with a first AS that is not the peer's: treat-as-withdraw too */
  rx_hex(f, c, MARKER "0032 02 0000 0018"
               "40 01 01 00"
               "40 02 0a 02 02 0000fde7 0000fdf2"
               "40 03 04 a9fe1501"
               "10 0a01");
  g_assert_cmpuint(gw->taw, ==, 2);
  assert_event(gw, "bgp.update.rx announced=0 withdrawn=1 action=treat-as-withdraw "
                   "field=AS_PATH first AS");
  /* valid: learned */
  rx_hex(f, c, MARKER "0032 02 0000 0018"
               "40 01 01 00"
               "40 02 0a 02 02 0000fdf2 0000fde7"
               "40 03 04 a9fe1501"
               "10 0a01");
  g_assert_cmpuint(gw->learned, ==, 1);
  g_assert_cmpuint(bgp_fsm_prefix_count(f), ==, 1);
  /* ROUTE-REFRESH is passed to the owner */
  rx_hex(f, c, MARKER "0017 05 0001 00 01");
  g_assert_cmpuint(gw->refreshes, ==, 1);
  /* a prefix length of 33: session reset, UPDATE Message Error / Invalid Network Field */
  rx_hex(f, c, MARKER "0018 02 0000 0000 21");
  assert_event(gw, "bgp.notification.tx code=3 subcode=10");
  g_assert_cmpint(bgp_fsm_state(f), ==, BGP_IDLE);
  g_assert_cmpint(gw->downs, ==, 1);
  net_free(n);
}

static void test_stop(void)
{
  Net *n = established();
  Side *gw = &n->side[0], *dev = &n->side[1];
  bgp_fsm_stop(gw->fsm);
  pump(n);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_IDLE);
  assert_event(gw, "bgp.notification.tx code=6 subcode=2");
  assert_event(dev, "bgp.notification.rx code=6 subcode=2 code_name=Cease "
                    "subcode_name=Administrative Shutdown");
  g_assert_cmpint(gw->down_reason, ==, BGP_DOWN_STOP);
  /* the gateway stays down; the device waits in Active again after its idle hold */
  advance(n, n->now + 600 * NS);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_IDLE);
  g_assert_cmpint(bgp_fsm_state(dev->fsm), ==, BGP_ACTIVE);
  g_assert_cmpint(gw->timer_at, ==, 0);
  /* started again, it comes back */
  bgp_fsm_start(gw->fsm);
  pump(n);
  g_assert_cmpint(bgp_fsm_state(gw->fsm), ==, BGP_ESTABLISHED);
  net_free(n);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/bgp_fsm/establish", test_establish);
  g_test_add_func("/bgp_fsm/hold_negotiation", test_hold_negotiation);
  g_test_add_func("/bgp_fsm/fixed_timers", test_fixed_timers);
  g_test_add_func("/bgp_fsm/connect_retry", test_connect_retry);
  g_test_add_func("/bgp_fsm/hold_expiry", test_hold_expiry);
  g_test_add_func("/bgp_fsm/collision", test_collision);
  g_test_add_func("/bgp_fsm/collision_with_established", test_collision_with_established);
  g_test_add_func("/bgp_fsm/max_prefix", test_max_prefix);
  g_test_add_func("/bgp_fsm/open_errors", test_open_errors);
  g_test_add_func("/bgp_fsm/fsm_errors", test_fsm_errors);
  g_test_add_func("/bgp_fsm/update_actions", test_update_actions);
  g_test_add_func("/bgp_fsm/stop", test_stop);
  return g_test_run();
}
