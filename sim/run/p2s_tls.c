/* SPDX-License-Identifier: MIT */
/* Point-to-site over TLS in runs (OpenVPN, SSTP; issue 19): each gateway that enables one
 * of them listens on TCP port 443 (the ns-3 TCP the BGP speakers use) of its P2S address,
 * and one instance at a time runs the sessions (models/gateway/gw_p2s_tls.h): the active
 * one of an active-standby gateway, on its public IP, which the standby takes over with
 * the listener (facts 8); on an active-active gateway the instance that holds the third
 * public IP (p2sPublicIpAddress, facts 7.2), instance 0 first, the other after the
 * failover delay of the cause when it goes down (facts 13.2: P2S resiliency is
 * active-passive). Each client of those protocols connects at its time, runs the TLS
 * handshake (models/p2s/p2s_tls.h) with its certificate, says its tunnel type, takes the
 * address and routes the gateway sends, and carries its node's packets inside the TLS
 * session through a tunnel interface; with reconnect it connects again after its delay
 * when the session or an attempt ends (OpenVPN's connect-retry). The TLS secrets go to
 * the key log (tls-keys.log, SSLKEYLOGFILE format) beside the pcaps. */
#include "models/gateway/gw_instances.h"
#include "models/gateway/gw_p2s_tls.h"
#include "models/common/wire.h"
#include "models/p2s/p2s_tls.h"
#include "sim/run/runner_private.h"

#include <string.h>

/* the wait before a client connects again (OpenVPN's connect-retry default, openvpn(8)) */
#define P2S_TLS_RETRY_NS (5 * 1000000000LL)

typedef struct {
  struct RunP2sTls *rt;
  const char *name; /* the gateway's */
  RunEp *i0;        /* its instance 0 */
  RunEp *ep;        /* the instance that runs the sessions now; NULL while none does */
  Ipv4Addr ip;      /* the address it listens on */
  bool aa;          /* active-active: ip is the third public IP */
  GwP2sTls *model;  /* ep's TLS side */
  NetTcpSocket *listener;
  GHashTable *socks; /* conn -> NetTcpSocket* (the model's connections) */
  Drbg *rng[2];      /* per instance: "<instance>/p2s-tls", kept across its lives */
} TlsGateway;

typedef struct {
  struct RunP2sTls *rt;
  TlsGateway *gw;   /* for the accepted side's connection id */
  GwP2sTls *model;  /* the model it was accepted by (one instance's life) */
  uint32_t conn;    /* gateway side: the model's id */
  struct TlsClient *client; /* client side */
} TlsSock;

typedef struct TlsClient {
  struct RunP2sTls *rt;
  char *name;
  NetNode *node;
  Ipv4Addr gateway_ip;
  unsigned proto;
  const IkeCert *cert;
  const IkeKey *key;
  const IkeTrust *trust;
  int max_version; /* 0: TLS 1.3 */
  bool reconnect;
  int64_t retry_ns;  /* the wait before connecting again */
  unsigned failures; /* attempts in a row that ended before an address */
  Drbg *rng;
  NetTcpSocket *s;
  NetTunnel *tun;
  P2sTls *tls;
  bool addressed, refused, ended, routed, retrying;
  Ipv4Addr addr;
} TlsClient;

struct RunP2sTls {
  Run *run;
  GPtrArray *gateways; /* TlsGateway* */
  GPtrArray *clients;  /* TlsClient* */
  GPtrArray *socks;    /* TlsSock*, every one made (freed at the end) */
  GPtrArray *keylog;   /* lines, each once, in first-seen order */
  GHashTable *keyset;  /* the same lines (borrowed): each once, without a scan */
  bool freeing;
};

static struct RunP2sTls *rt_get(Run *r)
{
  if (!r->p2s_tls) {
    struct RunP2sTls *rt = r->p2s_tls = g_new0(struct RunP2sTls, 1);
    rt->run = r;
    rt->gateways = g_ptr_array_new();
    rt->clients = g_ptr_array_new();
    rt->socks = g_ptr_array_new_with_free_func(g_free);
    rt->keylog = g_ptr_array_new_with_free_func(g_free);
    rt->keyset = g_hash_table_new(g_str_hash, g_str_equal);
  }
  return r->p2s_tls;
}

static TlsSock *sock_new(struct RunP2sTls *rt)
{
  TlsSock *k = g_new0(TlsSock, 1);
  k->rt = rt;
  g_ptr_array_add(rt->socks, k);
  return k;
}

static void key_row(void *user, const char *line)
{
  struct RunP2sTls *rt = user;
  if (g_hash_table_contains(rt->keyset, line))
    return;
  char *l = g_strdup(line);
  g_ptr_array_add(rt->keylog, l);
  g_hash_table_add(rt->keyset, l);
}

/* ---- the gateway side ---- */

static void gw_send(void *user, uint32_t conn, const uint8_t *data, size_t len)
{
  TlsGateway *g = user;
  NetTcpSocket *s = g_hash_table_lookup(g->socks, GUINT_TO_POINTER(conn));
  if (s && !g->rt->freeing)
    net_tcp_send(s, data, len);
}

static void gw_close(void *user, uint32_t conn)
{
  TlsGateway *g = user;
  NetTcpSocket *s = g_hash_table_lookup(g->socks, GUINT_TO_POINTER(conn));
  if (s && !g->rt->freeing)
    net_tcp_close(s);
  g_hash_table_remove(g->socks, GUINT_TO_POINTER(conn));
}

static void gw_key_row(void *user, const char *line)
{
  key_row(((TlsGateway *)user)->rt, line);
}

static void gs_data(NetTcpSocket *s, const uint8_t *data, size_t len, void *user)
{
  TlsSock *k = user;
  if (!k->rt->freeing && k->conn && k->model == k->gw->model &&
      g_hash_table_contains(k->gw->socks, GUINT_TO_POINTER(k->conn)))
    gw_p2s_tls_rx(k->gw->model, k->conn, data, len);
}

static void gs_gone(TlsSock *k, const char *why)
{
  uint32_t conn = k->conn;
  if (k->rt->freeing || !conn || k->model != k->gw->model)
    return; /* a connection of an instance's earlier life: closed when it went */
  k->conn = 0;
  NetTcpSocket *s = g_hash_table_lookup(k->gw->socks, GUINT_TO_POINTER(conn));
  g_hash_table_remove(k->gw->socks, GUINT_TO_POINTER(conn));
  if (s)
    net_tcp_close(s);
  gw_p2s_tls_closed(k->gw->model, conn, why);
}

static void gs_closed(NetTcpSocket *s, void *user)
{
  gs_gone(user, "closed by the client");
}

static void gs_error(NetTcpSocket *s, NetStatus why, void *user)
{
  gs_gone(user, "TCP connection failed");
}

static const NetTcpCallbacks gw_cbs;

static void gs_accepted(NetTcpSocket *l, NetTcpSocket *c, void *user)
{
  TlsGateway *g = user;
  if (g->rt->freeing)
    return;
  if (!g->ep || g->ep->state != RUN_INST_ACTIVE || !g->model) {
    /* no instance holds the address: closed at once; its callbacks (the client's bytes
     * until it learns) see a connection of no model */
    TlsSock *k = sock_new(g->rt);
    k->gw = g;
    net_tcp_set_user(c, k);
    net_tcp_close(c);
    return;
  }
  Ipv4Addr src = {0};
  uint16_t sport = 0;
  net_tcp_peer(c, &src, &sport);
  TlsSock *k = sock_new(g->rt);
  k->gw = g;
  k->model = g->model;
  net_tcp_set_user(c, k);
  /* registered before the model sees it: it may close the connection at once */
  uint32_t conn = gw_p2s_tls_accept(g->model, src, sport);
  k->conn = conn;
  g_hash_table_insert(g->socks, GUINT_TO_POINTER(conn), c);
}

static const NetTcpCallbacks gw_cbs = {
    .accepted = gs_accepted, .data = gs_data, .closed = gs_closed, .error = gs_error};

/* Instance ep starts running the gateway's TLS sessions: a TLS side on its model (its
 * data plane, its IKEv2 side's share and limit) behind the listener on the P2S address.
 * The listener is the gateway node's for the whole run (both instances sit on the node,
 * as the address moves between them; ns-3 would not bind 443 again while the ended
 * sessions' connections linger): while no instance holds the address it takes a
 * connection and closes it at once (Azure's address answers nothing then; either way the
 * client's attempt fails and it waits before the next). */
static bool serve(TlsGateway *g, RunEp *ep, char **err)
{
  Run *r = g->rt->run;
  const GwP2sCreds *creds = run_p2s_creds(r, g->name);
  unsigned k = ep->instance > 0 ? 1 : 0;
  if (!g->rng[k]) {
    g_autofree char *label = g_strdup_printf("%s/p2s-tls", ep->name);
    g->rng[k] = run_drbg_new(r, label);
  }
  const GwSku *sku = gw_gateway_sku(gw_endpoint_gateway(ep->model));
  GwP2sTlsIo io = {.user = g, .send = gw_send, .close = gw_close, .key_row = gw_key_row};
  g->model = gw_p2s_tls_new(r->plan->cloud, g->name, ep->name, ep->dp,
                            gw_endpoint_p2s(ep->model), sku ? sku->p2s_ikev2_openvpn : 0,
                            sku ? sku->p2s_sstp : 0, sku ? sku->name : NULL, &ep->env, &io,
                            g->rng[k], creds, 0);
  if (!g->model)
    return true;
  g->ep = ep;
  char ab[IPV4_ADDR_STRLEN];
  if (!g->listener)
    g->listener = net_tcp_listen(ep->node, g->ip, GW_P2S_TLS_PORT, &gw_cbs, g);
  if (!g->listener) {
    *err = g_strdup_printf("%s: cannot listen on %s port %u: %s", ep->name,
                           ipv4_addr_format(g->ip, ab), GW_P2S_TLS_PORT,
                           net_world_last_error(r->world.w));
    return false;
  }
  return true;
}

/* The serving instance stops: every session ends (the model closes their connections). */
static void unserve(TlsGateway *g, const char *reason)
{
  gw_p2s_tls_drop_all(g->model, reason);
  gw_p2s_tls_free(g->model);
  g->model = NULL;
  g->ep = NULL;
  g_hash_table_remove_all(g->socks);
  /* their connections' last callbacks (the client's FIN) belong to no model: the next
   * model numbers its connections from 1 again */
  for (guint i = 0; i < g->rt->socks->len; i++) {
    TlsSock *k = g_ptr_array_index(g->rt->socks, i);
    if (k->gw == g) {
      k->conn = 0;
      k->model = NULL;
    }
  }
}

static void serve_error(RunEp *ep, char *err)
{
  VsEvent ev = vs_event(net_world_now(ep->run->world.w), ep->name, "gw.instance.error");
  vs_event_str(&ev, "reason", err ? err : "");
  run_emit(ep->run, &ev);
  g_free(err);
}

bool run_p2s_tls_start(Run *r, char **err)
{
  const GwConfig *c = r->plan->cloud;
  for (unsigned i = 0; i < c->n_virtualNetworkGateways; i++) {
    const GwVirtualNetworkGateway *vg = &c->virtualNetworkGateways[i];
    const GwP2sCreds *creds = vg->name.v ? run_p2s_creds(r, vg->name.v) : NULL;
    if (!creds || !(vg->vpnClientConfiguration.vpnClientProtocols &
                    (GW_P2S_PROTO_OPENVPN | GW_P2S_PROTO_SSTP)))
      continue;
    RunEp *ep = run_gateway_instance(r, vg->name.v, 0);
    if (!ep || !ep->model)
      continue;
    struct RunP2sTls *rt = rt_get(r);
    TlsGateway *g = g_new0(TlsGateway, 1);
    g->rt = rt;
    g->name = vg->name.v;
    g->i0 = ep;
    g->aa = gw_instances_active_active(vg);
    g->ip = run_p2s_tls_gateway_ip(vg);
    g->socks = g_hash_table_new(NULL, NULL);
    g_ptr_array_add(rt->gateways, g);
    if (ep->state == RUN_INST_ACTIVE && !serve(g, ep, err))
      return false;
  }
  return true;
}

Ipv4Addr run_p2s_tls_gateway_ip(const GwVirtualNetworkGateway *vg)
{
  /* facts 7.2: an active-active gateway serves P2S on a third public IP */
  if (gw_instances_active_active(vg) && vg->p2sPublicIpAddress.set)
    return vg->p2sPublicIpAddress.v;
  return vg->n_publicIpAddresses ? vg->publicIpAddresses[0].v : (Ipv4Addr){0};
}

/* the noTlsTakeover fault: only instance 0 ever runs the TLS sessions (the gateway before
 * the listener moved with a takeover) */
static bool may_serve(const TlsGateway *g, const RunEp *ep)
{
  return ep->instance <= 0 || !(g->rt->run->plan->p2s_faults & GW_P2S_FAULT_NO_TLS_TAKEOVER);
}

static TlsGateway *gateway_of_ep(RunEp *ep)
{
  struct RunP2sTls *rt = ep->run->p2s_tls;
  RunEp *i0 = ep->instance <= 0 ? ep : ep->sibling;
  for (guint i = 0; rt && i < rt->gateways->len; i++) {
    TlsGateway *g = g_ptr_array_index(rt->gateways, i);
    if (g->i0 == i0)
      return g;
  }
  return NULL;
}

bool run_p2s_tls_tx_inner(RunEp *ep, const uint8_t *pkt, size_t len)
{
  /* the gateway's tunnel interface (instance 0's): whichever instance runs the sessions */
  TlsGateway *g = ep->instance >= 0 ? gateway_of_ep(ep) : NULL;
  if (g && g->model && g->ep && g->ep->state == RUN_INST_ACTIVE)
    return gw_p2s_tls_tx_inner(g->model, pkt, len);
  return false;
}

static void takeover_fire(NetWorld *w, void *user)
{
  (void)w;
  TlsGateway *g = user;
  if (g->rt->freeing || g->ep)
    return;
  for (RunEp *x = g->i0; x; x = x == g->i0 ? g->i0->sibling : NULL)
    if (x->state == RUN_INST_ACTIVE && x->model && may_serve(g, x)) {
      char *err = NULL;
      if (!serve(g, x, &err))
        serve_error(x, err);
      return;
    }
}

void run_p2s_tls_instance_down(RunEp *ep, const char *reason, int64_t takeover_ns)
{
  TlsGateway *g = gateway_of_ep(ep);
  if (!g || g->ep != ep)
    return;
  unserve(g, reason);
  /* active-standby: the standby takes the public IP, and the listener with it, when it
   * becomes active (run_p2s_tls_instance_up); active-active: the other instance takes
   * the third public IP after the failover delay of the cause (facts 13.2: P2S is
   * active-passive on an active-active gateway; facts 8 gives the delays) */
  if (g->aa && ep->sibling && ep->sibling->state == RUN_INST_ACTIVE)
    net_schedule(ep->run->world.w, takeover_ns, takeover_fire, g);
}

void run_p2s_tls_instance_up(RunEp *ep)
{
  TlsGateway *g = gateway_of_ep(ep);
  if (!g || g->ep || ep->state != RUN_INST_ACTIVE || !ep->model || !may_serve(g, ep))
    return;
  /* no instance holds the P2S address: this one takes it (active-standby: the new
   * active; active-active: the first instance back when neither held it) */
  char *err = NULL;
  if (!serve(g, ep, &err))
    serve_error(ep, err);
}

/* ---- clients ---- */

static void client_event(TlsClient *c, const char *type, const char *key, const char *val)
{
  VsEvent ev = vs_event(net_world_now(c->rt->run->world.w), c->name, type);
  if (key)
    vs_event_str(&ev, key, val);
  run_emit(c->rt->run, &ev);
}

static void client_connect(NetWorld *w, void *user);

/* OpenVPN's connect-retry (openvpn(8), --connect-retry n [max]): wait n seconds (default 5)
 * before connecting again; after 5 attempts in a row that fail, the wait doubles with each
 * one, up to max (default 300 s) */
#define P2S_TLS_RETRY_MAX_NS (300 * 1000000000LL)
static int64_t retry_wait(const TlsClient *c)
{
  int64_t cap = MAX(P2S_TLS_RETRY_MAX_NS, c->retry_ns);
  int64_t d = c->retry_ns;
  for (unsigned i = 5; i < c->failures && d < cap; i++)
    d *= 2;
  return MIN(d, cap);
}

/* The session or the attempt ended: with reconnect, a new attempt after the wait (not
 * after the gateway refused the client with a reason: that answer stands) */
static void client_retry(TlsClient *c)
{
  if (!c->reconnect || c->refused || c->retrying || c->rt->freeing)
    return;
  c->failures = c->addressed ? 0 : c->failures + 1;
  c->retrying = true;
  int64_t wait = retry_wait(c);
  VsEvent ev = vs_event(net_world_now(c->rt->run->world.w), c->name, "p2s.client.retry");
  vs_event_int(&ev, "wait_ns", wait);
  vs_event_uint(&ev, "failures", c->failures);
  run_emit(c->rt->run, &ev);
  net_schedule(c->rt->run->world.w, wait, client_connect, c);
}

static void client_end(TlsClient *c, const char *why)
{
  if (c->ended)
    return;
  c->ended = true;
  if (c->s)
    net_tcp_close(c->s);
  if (c->addressed)
    client_event(c, "p2s.client.disconnected", "reason", why);
  client_retry(c);
}

static void client_send(TlsClient *c, GByteArray *tx)
{
  if (tx->len && c->s && !c->ended)
    net_tcp_send(c->s, tx->data, tx->len);
  g_byte_array_set_size(tx, 0);
}

/* 00 02 address N {prefix len}*N: the client's address on its tunnel interface, the
 * routes into it */
static void client_assign(TlsClient *c, const uint8_t *b, size_t n)
{
  if (c->addressed || n < 7 || n < 7 + 5 * (size_t)b[6])
    return;
  Ipv4Addr had = c->addr;
  c->addr.v = wire_load_be32(b + 2);
  NetDev *td = net_tunnel_dev(c->tun);
  /* a reconnect that gets the address it had keeps it; another one replaces it (the old
   * one may be another client's by now: kept, it would make that client local here) */
  if (net_dev_address(td).v != c->addr.v) {
    if (had.v)
      net_dev_remove_address(td, had);
    net_dev_add_primary_address(td, c->addr, 32);
  }
  for (unsigned i = 0; i < b[6] && !c->routed; i++) {
    unsigned len = b[7 + 5 * i + 4];
    if (len <= 32)
      net_route_add(c->node, ipv4_prefix_make((Ipv4Addr){wire_load_be32(b + 7 + 5 * i)}, len),
                    (Ipv4Addr){0}, td, 0);
  }
  c->routed = true;
  c->addressed = true;
  char ab[IPV4_ADDR_STRLEN];
  VsEvent ev = vs_event(net_world_now(c->rt->run->world.w), c->name, "p2s.client.connected");
  vs_event_str(&ev, "address", ipv4_addr_format(c->addr, ab));
  vs_event_str(&ev, "protocol", name_get(&gw_p2s_protocol_names, c->proto));
  vs_event_str(&ev, "tls_version", p2s_tls_version(c->tls));
  run_emit(c->rt->run, &ev);
}

static void cs_data(NetTcpSocket *s, const uint8_t *data, size_t len, void *user)
{
  TlsSock *k = user;
  TlsClient *c = k->client;
  if (k->rt->freeing || !c || c->ended || !c->tls || c->s != s)
    return;
  g_autoptr(GByteArray) tx = g_byte_array_new();
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  P2sTlsState was = p2s_tls_state(c->tls);
  P2sTlsState st = p2s_tls_input(c->tls, data, len, tx, packets);
  client_send(c, tx);
  if (was == P2S_TLS_HANDSHAKE && st == P2S_TLS_ESTABLISHED) {
    /* 00 01 P: the tunnel type */
    uint8_t hello[3] = {0, GW_P2S_TLS_MSG_HELLO,
                        c->proto == GW_P2S_PROTO_SSTP ? GW_P2S_TLS_HELLO_SSTP
                                                      : GW_P2S_TLS_HELLO_OPENVPN};
    p2s_tls_send(c->tls, hello, sizeof hello, tx);
    client_send(c, tx);
  }
  for (guint i = 0; i < packets->len && !c->ended; i++) {
    gsize n = 0;
    const uint8_t *b = g_bytes_get_data(g_ptr_array_index(packets, i), &n);
    if (n >= 2 && b[0] == 0 && b[1] == GW_P2S_TLS_MSG_ASSIGN)
      client_assign(c, b, n);
    else if (n >= 2 && b[0] == 0 && b[1] == GW_P2S_TLS_MSG_REFUSED) {
      g_autofree char *why = g_utf8_make_valid((const char *)b + 2, (gssize)(n - 2));
      c->refused = true;
      client_event(c, "p2s.client.refused", "reason", why);
      client_end(c, why);
    } else if (n >= 20 && (b[0] >> 4) == 4 && c->addressed)
      net_tunnel_inject(c->tun, b, n);
  }
  if (st == P2S_TLS_FAILED && !c->ended) {
    const char *e = p2s_tls_error(c->tls);
    if (!c->addressed)
      client_event(c, "p2s.client.failed", "reason", e ? e : "TLS failed");
    client_end(c, e ? e : "TLS failed");
  }
}

static void cs_connected(NetTcpSocket *s, void *user)
{
  TlsSock *k = user;
  TlsClient *c = k->client;
  if (k->rt->freeing || !c || c->ended || c->s != s)
    return;
  P2sTlsConfig cfg = {.cert = c->cert, .key = c->key, .trust = c->trust,
                      .validate_at = IKE_CERT_SIM_EPOCH +
                                     net_world_now(c->rt->run->world.w) / 1000000000,
                      .max_version = c->max_version, .rng = c->rng};
  char *err = NULL;
  c->tls = p2s_tls_new(&cfg, &err);
  if (!c->tls) {
    client_event(c, "p2s.client.failed", "reason", err ? err : "no TLS session");
    g_free(err);
    client_end(c, "no TLS session");
    return;
  }
  g_autoptr(GByteArray) tx = g_byte_array_new();
  p2s_tls_start(c->tls, tx);
  client_send(c, tx);
}

static void cs_gone(NetTcpSocket *s, TlsSock *k, const char *why)
{
  TlsClient *c = k->client;
  if (k->rt->freeing || !c || c->ended || c->s != s)
    return;
  if (!c->addressed && !c->refused)
    client_event(c, "p2s.client.failed", "reason", why);
  client_end(c, why);
}

static void cs_closed(NetTcpSocket *s, void *user)
{
  cs_gone(s, user, "closed by the gateway");
}

static void cs_error(NetTcpSocket *s, NetStatus why, void *user)
{
  cs_gone(s, user, "TCP connection failed");
}

static const NetTcpCallbacks client_cbs = {
    .connected = cs_connected, .data = cs_data, .closed = cs_closed, .error = cs_error};

static void client_connect(NetWorld *w, void *user)
{
  TlsClient *c = user;
  if (c->rt->freeing || (c->s && !c->retrying))
    return;
  if (c->retrying) {
    /* a new attempt: a new TCP connection and TLS session (the tunnel interface, its
     * address and routes stay) */
    c->retrying = false;
    c->ended = c->addressed = false;
    p2s_tls_free(c->tls);
    c->tls = NULL;
    client_event(c, "p2s.client.reconnect", NULL, NULL);
  }
  TlsSock *k = sock_new(c->rt);
  k->client = c;
  c->s = net_tcp_connect(c->node, c->gateway_ip, GW_P2S_TLS_PORT, &client_cbs, k);
  if (!c->s) {
    client_event(c, "p2s.client.failed", "reason", "cannot open TCP");
    client_end(c, "cannot open TCP");
  }
}

/* the tunnel interface's transmit: a packet of the node into the session */
static void client_tun_tx(NetTunnel *t, const uint8_t *packet, size_t len, void *user)
{
  TlsClient *c = user;
  if (c->rt->freeing || c->ended || !c->addressed || !c->tls)
    return;
  g_autoptr(GByteArray) tx = g_byte_array_new();
  if (p2s_tls_send(c->tls, packet, len, tx))
    client_send(c, tx);
}

bool run_p2s_tls_client_new(Run *r, const char *name, NetNode *n, unsigned proto,
                            Ipv4Addr gateway_ip, const IkeCert *cert, const IkeKey *key,
                            const IkeTrust *trust, int tls_max_version, int64_t connect_at_ns,
                            bool reconnect, int64_t reconnect_delay_ns, char **err)
{
  struct RunP2sTls *rt = rt_get(r);
  TlsClient *c = g_new0(TlsClient, 1);
  c->rt = rt;
  c->name = g_strdup(name);
  c->node = n;
  c->proto = proto;
  c->gateway_ip = gateway_ip;
  c->cert = cert;
  c->key = key;
  c->trust = trust;
  c->max_version = tls_max_version;
  c->reconnect = reconnect;
  c->retry_ns = reconnect_delay_ns > 0 ? reconnect_delay_ns : P2S_TLS_RETRY_NS;
  g_autofree char *label = g_strdup_printf("p2s/tls/%s", name);
  c->rng = run_drbg_new(r, label);
  g_ptr_array_add(rt->clients, c);
  /* the tunnel interface: link-local until the gateway gives an address (RFC 3927); the
   * tunnel MTU of a gateway's (facts 2.5) */
  guint k = rt->clients->len;
  c->tun = net_tunnel_new(n, ipv4_addr(169, 254, (uint8_t)(200 + (k >> 16)), (uint8_t)(k >> 8)),
                          32, EP_DP_DEFAULT_TUNNEL_MTU, client_tun_tx, c);
  if (!c->tun) {
    *err = g_strdup_printf("P2S client '%s': no tunnel interface: %s", name,
                           net_world_last_error(r->world.w));
    return false;
  }
  net_schedule(r->world.w, connect_at_ns, client_connect, c);
  return true;
}

bool run_p2s_tls_client_address(Run *r, const char *client, Ipv4Addr *out)
{
  struct RunP2sTls *rt = r->p2s_tls;
  for (guint i = 0; rt && i < rt->clients->len; i++) {
    TlsClient *c = g_ptr_array_index(rt->clients, i);
    if (!strcmp(c->name, client)) {
      *out = c->addressed ? c->addr : (Ipv4Addr){0};
      return c->addressed;
    }
  }
  return false;
}

/* ---- the key log, and the end ---- */

bool run_p2s_tls_write(Run *r, const char *dir, char **err)
{
  struct RunP2sTls *rt = r->p2s_tls;
  if (!rt || !rt->keylog->len)
    return true;
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < rt->keylog->len; i++)
    g_string_append_printf(s, "%s\n", (const char *)g_ptr_array_index(rt->keylog, i));
  g_autofree char *path = g_build_filename(dir, "tls-keys.log", NULL);
  GError *e = NULL;
  bool ok = g_file_set_contents(path, s->str, (gssize)s->len, &e);
  explicit_bzero(s->str, s->len);
  g_string_free(s, TRUE);
  if (!ok) {
    *err = g_strdup(e->message);
    g_error_free(e);
  }
  return ok;
}

/* Before the endpoints go (the models borrow their environment); the sockets' last
 * callbacks (the world is freed after) touch nothing. */
void run_p2s_tls_stop(Run *r)
{
  struct RunP2sTls *rt = r->p2s_tls;
  if (!rt)
    return;
  rt->freeing = true;
  for (guint i = 0; i < rt->gateways->len; i++) {
    TlsGateway *g = g_ptr_array_index(rt->gateways, i);
    gw_p2s_tls_free(g->model);
    g->model = NULL;
  }
  for (guint i = 0; i < rt->clients->len; i++) {
    TlsClient *c = g_ptr_array_index(rt->clients, i);
    p2s_tls_free(c->tls);
    c->tls = NULL;
  }
}

void run_p2s_tls_free(Run *r)
{
  struct RunP2sTls *rt = r->p2s_tls;
  if (!rt)
    return;
  run_p2s_tls_stop(r);
  for (guint i = 0; i < rt->gateways->len; i++) {
    TlsGateway *g = g_ptr_array_index(rt->gateways, i);
    g_hash_table_destroy(g->socks);
    drbg_free(g->rng[0]);
    drbg_free(g->rng[1]);
    g_free(g);
  }
  for (guint i = 0; i < rt->clients->len; i++) {
    TlsClient *c = g_ptr_array_index(rt->clients, i);
    drbg_free(c->rng);
    g_free(c->name);
    g_free(c);
  }
  g_ptr_array_free(rt->gateways, TRUE);
  g_ptr_array_free(rt->clients, TRUE);
  g_ptr_array_free(rt->socks, TRUE);
  g_hash_table_destroy(rt->keyset);
  for (guint i = 0; i < rt->keylog->len; i++) {
    char *l = g_ptr_array_index(rt->keylog, i);
    explicit_bzero(l, strlen(l));
  }
  g_ptr_array_free(rt->keylog, TRUE);
  g_free(rt);
  r->p2s_tls = NULL;
}

bool run_p2s_tls_has_keys(const Run *r)
{
  return r->p2s_tls && r->p2s_tls->keylog->len > 0;
}
