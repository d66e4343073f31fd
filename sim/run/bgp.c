/* SPDX-License-Identifier: MIT */
/* BGP in a simulated run: each gateway or device whose model runs BGP
 * (ep_endpoint_bgp_config) gets an EpBgp (models/endpoint/ep_bgp.h) bound here to the
 * node: its BGP addresses on the node (the tunnel interface holds those no other
 * interface does: a custom APIPA address, a device's loopback-style address), a TCP
 * listener on port 179 on each, connections from them (net_tcp_connect_from), and the
 * node's forwarding table (a BGP prefix leads into the tunnel interface, where the data
 * plane picks the tunnel the RIB chose). The sessions' bytes are real BGP inside the
 * ESP of the tunnels, so the pcaps show them once decrypted with esp_sa. */
#include "sim/run/runner_private.h"

#include <string.h>

typedef struct RunBgp RunBgp;

typedef struct {
  RunBgp *rb;
  uint32_t conn; /* 0: closed or refused; callbacks are ignored */
  NetTcpSocket *s;
  Ipv4Addr local;
  bool listener;
} RunBgpSock;

struct RunBgp {
  RunEp *ep;
  EpBgpConfig cfg;
  EpBgp *bgp;        /* NULL while its gateway instance is down (run_bgp_instance_stop) */
  GPtrArray *socks;  /* RunBgpSock*, every one made (freed at the end) */
  GHashTable *conns; /* conn id -> RunBgpSock* (open ones) */
  GHashTable *fib;   /* prefix key -> prefix: the node's routes this speaker asked for */
  unsigned gen;      /* its speaker's life: answers meant for an earlier one are dropped */
  bool freeing;      /* the run is over: the sessions' last calls touch nothing */
};

static uint64_t pfx_key(Ipv4Prefix p)
{
  return (uint64_t)p.addr.v << 8 | p.len;
}

/* The other instance of a gateway holds the node's route too (both sit on one node and
 * share its tunnel interface; run_instance_carrier picks the instance whose data plane
 * routes the packet). */
static bool sibling_holds(RunBgp *rb, Ipv4Prefix p)
{
  RunEp *o = rb->ep->sibling;
  uint64_t k = pfx_key(p);
  return o && o->bgp && o->bgp->bgp && g_hash_table_contains(o->bgp->fib, &k);
}

static RunBgpSock *sock_new(RunBgp *rb, NetTcpSocket *s, Ipv4Addr local)
{
  RunBgpSock *k = g_new0(RunBgpSock, 1);
  k->rb = rb;
  k->s = s;
  k->local = local;
  g_ptr_array_add(rb->socks, k);
  return k;
}

static void sock_forget(RunBgpSock *k)
{
  if (k->conn)
    g_hash_table_remove(k->rb->conns, GUINT_TO_POINTER(k->conn));
  k->conn = 0;
}

/* ---- the sockets' callbacks ---- */

static void cb_connected(NetTcpSocket *s, void *user)
{
  RunBgpSock *k = user;
  if (k->conn)
    ep_bgp_tcp_up(k->rb->bgp, k->conn);
}

static void cb_data(NetTcpSocket *s, const uint8_t *data, size_t len, void *user)
{
  RunBgpSock *k = user;
  if (k->conn)
    ep_bgp_rx(k->rb->bgp, k->conn, data, len);
}

static void cb_gone(RunBgpSock *k)
{
  uint32_t conn = k->conn;
  if (!conn)
    return;
  sock_forget(k);
  net_tcp_close(k->s);
  ep_bgp_tcp_failed(k->rb->bgp, conn);
}

static void cb_closed(NetTcpSocket *s, void *user)
{
  cb_gone(user);
}

static void cb_error(NetTcpSocket *s, NetStatus why, void *user)
{
  cb_gone(user);
}

static const NetTcpCallbacks conn_cbs;

static void cb_accepted(NetTcpSocket *l, NetTcpSocket *c, void *user)
{
  RunBgpSock *lk = user;
  RunBgp *rb = lk->rb;
  if (!rb->bgp) { /* its instance is down: nothing answers on its address */
    net_tcp_close(c);
    return;
  }
  Ipv4Addr src = {0};
  net_tcp_peer(c, &src, NULL);
  RunBgpSock *k = sock_new(rb, c, lk->local);
  net_tcp_set_user(c, k);
  /* the id the session will give it: registered first, since the session may send its
   * OPEN from inside the call */
  k->conn = ep_bgp_next_conn(rb->bgp);
  g_hash_table_insert(rb->conns, GUINT_TO_POINTER(k->conn), k);
  if (ep_bgp_tcp_accept(rb->bgp, lk->local, src) != k->conn) {
    sock_forget(k);
    net_tcp_close(c);
  }
}

static const NetTcpCallbacks conn_cbs = {
    .accepted = cb_accepted,
    .connected = cb_connected,
    .data = cb_data,
    .closed = cb_closed,
    .error = cb_error,
};

/* ---- EpBgpIo ---- */

typedef struct {
  RunBgp *rb;
  uint32_t conn;
  unsigned gen;
} Failed;

static void fail_later(NetWorld *w, void *user)
{
  Failed *f = user;
  if (f->rb->bgp && f->rb->gen == f->gen)
    ep_bgp_tcp_failed(f->rb->bgp, f->conn);
  g_free(f);
}

static void io_tcp_open(void *user, uint32_t conn, Ipv4Addr src, Ipv4Addr dst)
{
  RunBgp *rb = user;
  if (rb->freeing)
    return;
  RunBgpSock *k = sock_new(rb, NULL, src);
  k->conn = conn;
  g_hash_table_insert(rb->conns, GUINT_TO_POINTER(conn), k);
  k->s = net_tcp_connect_from(rb->ep->node, src, dst, EP_BGP_PORT, &conn_cbs, k);
  if (!k->s) {
    /* answered after the session's call returns, as a refused connection would be */
    sock_forget(k);
    Failed *f = g_new0(Failed, 1);
    f->rb = rb;
    f->conn = conn;
    f->gen = rb->gen;
    net_schedule(rb->ep->run->world.w, 0, fail_later, f);
  }
}

static void io_tcp_send(void *user, uint32_t conn, const uint8_t *data, size_t len)
{
  RunBgp *rb = user;
  RunBgpSock *k = g_hash_table_lookup(rb->conns, GUINT_TO_POINTER(conn));
  if (k && k->s && !rb->freeing)
    net_tcp_send(k->s, data, len);
}

static void io_tcp_close(void *user, uint32_t conn)
{
  RunBgp *rb = user;
  RunBgpSock *k = g_hash_table_lookup(rb->conns, GUINT_TO_POINTER(conn));
  if (!k)
    return;
  sock_forget(k);
  if (k->s && !rb->freeing)
    net_tcp_close(k->s); /* what was queued (a NOTIFICATION) leaves first */
}

static void io_fib_add(void *user, Ipv4Prefix p)
{
  RunBgp *rb = user;
  if (rb->freeing)
    return;
  uint64_t k = pfx_key(p);
  if (g_hash_table_contains(rb->fib, &k))
    return;
  g_hash_table_add(rb->fib, g_memdup2(&k, sizeof k));
  if (sibling_holds(rb, p))
    return;
  /* metric 1: a learned default route never takes the node's own default (the underlay the
   * tunnel itself runs over) */
  net_route_add(rb->ep->node, p, (Ipv4Addr){0}, net_tunnel_dev(rb->ep->tun), 1);
}

static void io_fib_remove(void *user, Ipv4Prefix p)
{
  RunBgp *rb = user;
  if (rb->freeing)
    return;
  uint64_t k = pfx_key(p);
  if (!g_hash_table_remove(rb->fib, &k) || sibling_holds(rb, p))
    return;
  net_route_remove(rb->ep->node, p, (Ipv4Addr){0}, net_tunnel_dev(rb->ep->tun));
}

/* ---- set-up ---- */

static RunBgp *bgp_of_public(Run *r, Ipv4Addr pub)
{
  for (guint i = 0; i < r->eps->len; i++) {
    RunEp *ep = g_ptr_array_index(r->eps, i);
    if (ep->bgp && ep->bgp->bgp && ep->public_ip.v == pub.v)
      return ep->bgp;
  }
  return NULL;
}

/* A device's session: what only its gateway knows (the gateway's BGP address on this
 * session and its AS), from the gateway's own configuration. A device with two tunnels
 * (facts 8: one to each instance of an active-active gateway, or to two gateways) has a
 * session over each, named after the gateway instance at the other end ("vgw1/1"). */
static void device_fill(Run *r, RunEp *ep, EpBgpConfig *cfg)
{
  for (unsigned i = 0; i < cfg->n_peers; i++) {
    EpBgpPeer *p = &cfg->peers[i];
    RunBgp *g = bgp_of_public(r, p->tunnel == 1 ? ep->sdev->cfg.peer2 : ep->sdev->cfg.peer);
    if (g && cfg->n_peers > 1)
      p->pc.fsm.peer = g->ep->name;
    for (unsigned k = 0; g && k < g->cfg.n_peers; k++) {
      const EpBgpPeer *gp = &g->cfg.peers[k];
      if (gp->pc.address.v != p->pc.local_address.v)
        continue;
      if (!p->pc.address.v)
        p->pc.address = gp->pc.local_address;
      if (!p->pc.fsm.peer_as)
        p->pc.fsm.peer_as = g->cfg.speaker.rib.local_as;
    }
    if (!p->pc.fsm.peer_as)
      p->pc.fsm.peer_as = 65515; /* facts 5: Azure's default */
  }
}

/* The longest prefix length local shares with every peer it talks to. */
static unsigned shared_len(const EpBgpConfig *cfg, Ipv4Addr local)
{
  unsigned len = 32;
  for (unsigned i = 0; i < cfg->n_peers; i++) {
    if (cfg->peers[i].pc.local_address.v != local.v)
      continue;
    uint32_t x = local.v ^ cfg->peers[i].pc.address.v;
    unsigned l = 0;
    while (l < 32 && !(x & (0x80000000u >> l)))
      l++;
    len = MIN(len, l);
  }
  return len;
}

/* Listening on a BGP address already? (a gateway instance's speaker started again) */
static bool listens_on(RunBgp *rb, Ipv4Addr a)
{
  for (guint i = 0; i < rb->socks->len; i++) {
    RunBgpSock *k = g_ptr_array_index(rb->socks, i);
    if (k->listener && k->local.v == a.v)
      return true;
  }
  return false;
}

/* A gateway instance's BGP address it or its sibling put on the shared tunnel interface. */
static bool held_before(const RunEp *ep, Ipv4Addr a)
{
  for (const RunEp *x = ep; x; x = x == ep ? ep->sibling : NULL)
    for (unsigned i = 0; i < x->n_bgp_addrs; i++)
      if (x->bgp_addrs[i].v == a.v)
        return true;
  return false;
}

/* Active-standby: the standby that took over listens on the active's address, where the
 * active's stopped speaker left its listener: it takes that socket over. */
static bool adopt_listener(RunBgp *rb, Ipv4Addr a)
{
  RunEp *o = rb->ep->sibling;
  RunBgp *ob = o ? o->bgp : NULL;
  for (guint i = 0; ob && !ob->bgp && i < ob->socks->len; i++) {
    RunBgpSock *k = g_ptr_array_index(ob->socks, i);
    if (!k->listener || k->local.v != a.v)
      continue;
    g_ptr_array_add(rb->socks, g_ptr_array_steal_index(ob->socks, i));
    k->rb = rb;
    return true;
  }
  return false;
}

static bool bgp_bind(Run *r, RunEp *ep, const EpBgpConfig *cfg, char **err)
{
  RunBgp *rb = ep->bgp;
  if (!rb) {
    rb = g_new0(RunBgp, 1);
    rb->ep = ep;
    rb->socks = g_ptr_array_new_with_free_func(g_free);
    rb->conns = g_hash_table_new(NULL, NULL);
    rb->fib = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    ep->bgp = rb;
  }
  rb->cfg = *cfg;
  rb->gen++;
  EpBgpIo io = {.user = rb, .tcp_open = io_tcp_open, .tcp_send = io_tcp_send,
                .tcp_close = io_tcp_close, .fib_add = io_fib_add, .fib_remove = io_fib_remove};
  rb->bgp = ep_bgp_new(&rb->cfg, ep->dp, &ep->env, &io);
  if (!rb->bgp) {
    *err = g_strdup_printf("%s: cannot build its BGP speaker", ep->name);
    return false;
  }
  Ipv4Addr local[EP_BGP_MAX_PEERS];
  size_t n = ep_bgp_local_addresses(rb->bgp, local, G_N_ELEMENTS(local));
  for (size_t i = 0; i < n; i++) {
    char ab[IPV4_ADDR_STRLEN];
    bool held = held_before(ep, local[i]);
    /* what the node sends from it leaves by this instance (run_instance_carrier) */
    bool own = false;
    for (unsigned a = 0; a < ep->n_bgp_addrs; a++)
      own |= ep->bgp_addrs[a].v == local[i].v;
    if (ep->instance >= 0 && !own && ep->n_bgp_addrs < G_N_ELEMENTS(ep->bgp_addrs))
      ep->bgp_addrs[ep->n_bgp_addrs++] = local[i];
    if (listens_on(rb, local[i]) || adopt_listener(rb, local[i]))
      continue;
    /* The sessions leave by the tunnel interface, whose first address is a TCP
     * connection's source in ns-3 (net_dev_add_primary_address): the first BGP address
     * becomes it; another one (an APIPA session beside a GatewaySubnet one) is held with
     * the prefix it shares with its peers, which ns-3 prefers as source towards them.
     * A gateway's instances share the tunnel interface: an address one of them held
     * before (an earlier life, or the active's address the standby took over) is there
     * already, and the second instance's first address is added as it is, its
     * connections taking it as their source anyway (net_tcp_connect_from). */
    NetStatus st = NET_OK;
    if (held)
      st = NET_OK;
    else if (i == 0 && ep->instance > 0)
      st = net_dev_add_address(net_tunnel_dev(ep->tun), local[i], 32);
    else if (i == 0)
      st = net_dev_add_primary_address(net_tunnel_dev(ep->tun), local[i], 32);
    else
      st = net_dev_add_address(net_tunnel_dev(ep->tun), local[i], shared_len(&rb->cfg, local[i]));
    if (st != NET_OK) {
      *err = g_strdup_printf("%s: cannot hold its BGP address %s: %s", ep->name,
                             ipv4_addr_format(local[i], ab), net_world_last_error(r->world.w));
      return false;
    }
    RunBgpSock *lk = sock_new(rb, NULL, local[i]);
    lk->listener = true;
    lk->s = net_tcp_listen(ep->node, local[i], EP_BGP_PORT, &conn_cbs, lk);
    if (!lk->s) {
      *err = g_strdup_printf("%s: cannot listen on %s port %u: %s", ep->name,
                             ipv4_addr_format(local[i], ab), EP_BGP_PORT,
                             net_world_last_error(r->world.w));
      return false;
    }
  }
  return true;
}

/* A two-tunnel device's session whose gateway instance runs no BGP with its address is
 * left out (an event says so); false when none is left. */
static bool device_sessions(Run *r, RunEp *ep, EpBgpConfig *cfg)
{
  unsigned n = 0;
  for (unsigned i = 0; i < cfg->n_peers; i++) {
    if (cfg->peers[i].pc.address.v) {
      cfg->peers[n++] = cfg->peers[i];
      continue;
    }
    VsEvent e = vs_event(net_world_now(r->world.w), ep->name, "bgp.session.unconfigured");
    if (cfg->n_peers > 1)
      vs_event_str(&e, "peer", cfg->peers[i].pc.fsm.peer);
    vs_event_str(&e, "reason", "no BGP address for its peer: the gateway runs no BGP "
                               "session with this device's address and none is given");
    run_emit(r, &e);
  }
  cfg->n_peers = n;
  return n > 0;
}

bool run_bgp_start(Run *r, char **err)
{
  /* gateway instances first (instance 1 of each gateway comes after the devices in
   * r->eps): a device's sessions read their gateway's */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < r->eps->len; i++) {
      RunEp *ep = g_ptr_array_index(r->eps, i);
      EpBgpConfig cfg;
      if ((ep->instance >= 0) != (pass == 0) || !ep_endpoint_bgp_config(ep->model, ep->name, &cfg))
        continue;
      if (ep->sdev)
        device_fill(r, ep, &cfg);
      if (!device_sessions(r, ep, &cfg))
        continue;
      if (!bgp_bind(r, ep, &cfg, err))
        return false;
    }
  return true;
}

void run_bgp_tunnel_state(void *user, int tunnel, bool up)
{
  RunEp *ep = user;
  if (ep->bgp && ep->bgp->bgp)
    ep_bgp_tunnel_state(ep->bgp->bgp, tunnel, up);
}

void run_bgp_instance_stop(RunEp *ep)
{
  RunBgp *rb = ep->bgp;
  if (!rb || !rb->bgp)
    return;
  /* what it routed on the node and its sibling does not */
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init(&it, rb->fib);
  while (g_hash_table_iter_next(&it, &key, NULL)) {
    uint64_t k = *(uint64_t *)key;
    Ipv4Prefix p = {.addr = {.v = (uint32_t)(k >> 8)}, .len = (uint8_t)(k & 0xff)};
    g_hash_table_iter_remove(&it);
    if (!sibling_holds(rb, p))
      net_route_remove(ep->node, p, (Ipv4Addr){0}, net_tunnel_dev(ep->tun));
  }
  /* its sessions end without a word: the instance is gone (their sockets stay silent,
   * their callbacks ignored; what they still send leaves by no instance) */
  rb->freeing = true;
  ep_bgp_free(rb->bgp);
  rb->bgp = NULL;
  rb->freeing = false;
  for (guint i = 0; i < rb->socks->len; i++) {
    RunBgpSock *k = g_ptr_array_index(rb->socks, i);
    if (!k->listener)
      k->conn = 0;
  }
  g_hash_table_remove_all(rb->conns);
}

bool run_bgp_instance_start(RunEp *ep, char **err)
{
  EpBgpConfig cfg;
  if (!ep_endpoint_bgp_config(ep->model, ep->name, &cfg))
    return true;
  return bgp_bind(ep->run, ep, &cfg, err);
}

void run_bgp_free(RunEp *ep)
{
  RunBgp *rb = ep ? ep->bgp : NULL;
  if (!rb)
    return;
  rb->freeing = true;
  ep_bgp_free(rb->bgp);
  ep->bgp = NULL;
  g_hash_table_destroy(rb->conns);
  g_hash_table_destroy(rb->fib);
  g_ptr_array_free(rb->socks, TRUE);
  g_free(rb);
}

/* ---- the timeline's BGP actions ---- */

static RunBgp *device_bgp(Run *r, const char *device)
{
  RunEp *ep = device ? run_ep_find(r, device) : NULL;
  return ep && ep->sdev && ep->bgp && ep->bgp->bgp ? ep->bgp : NULL;
}

bool run_bgp_check_device(Run *r, const ScnAction *a, char **err)
{
  if (device_bgp(r, a->device))
    return true;
  *err = g_strdup_printf("%s:%u:%u: device '%s' runs no BGP session in this run (give it "
                         "bgp: and its gateway a BGP connection to its address)",
                         a->loc.file, a->loc.line, a->loc.col, a->device ? a->device : "");
  return false;
}

void run_bgp_fire(Run *r, const ScnAction *a)
{
  RunBgp *rb = device_bgp(r, a->device);
  if (!rb)
    return;
  switch (a->kind) {
  case SCN_ACT_BGP_ADVERTISE: ep_bgp_advertise(rb->bgp, a->prefixes, a->n_prefixes); break;
  case SCN_ACT_BGP_WITHDRAW: ep_bgp_withdraw(rb->bgp, a->prefixes, a->n_prefixes); break;
  case SCN_ACT_BGP_ADVERTISE_GENERATED: {
    Ipv4Prefix *v = g_new(Ipv4Prefix, a->count);
    uint32_t step = a->gen_from.len ? 1u << (32 - a->gen_from.len) : 0;
    for (unsigned i = 0; i < a->count; i++)
      v[i] = ipv4_prefix_make((Ipv4Addr){.v = a->gen_from.addr.v + step * i}, a->gen_from.len);
    ep_bgp_advertise(rb->bgp, v, a->count);
    g_free(v);
    break;
  }
  case SCN_ACT_BGP_SET_PREPEND: ep_bgp_set_prepend(rb->bgp, a->prepend); break;
  default: break;
  }
}
