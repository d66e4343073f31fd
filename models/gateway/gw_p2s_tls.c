/* SPDX-License-Identifier: MIT */
/* The gateway's P2S sessions over TLS (OpenVPN, SSTP): see gw_p2s_tls.h. */
#include "models/gateway/gw_p2s_tls.h"

#include "models/common/wire.h"
#include "models/p2s/p2s_tls.h"

#include <glib.h>
#include <string.h>

typedef struct GwP2sTlsSession GwP2sTlsSession;

struct GwP2sTls {
  char *node;
  EpEnv env;
  GwP2sTlsIo io;
  Drbg *rng;
  const GwP2sCreds *creds;
  GwP2s *ikev2;
  EpDp *dp;
  unsigned protocols; /* the gateway's vpnClientProtocols */
  GwP2sPool openvpn_pool, sstp_pool; /* .ikev2 of the first: OpenVPN's share */
  /* where each share's first free address may be (every address before range .range,
   * address .addr, is taken or a prefix's edge), as the IKEv2 side keeps its own: a
   * connect costs O(1) amortised, not a scan of the share */
  struct PoolHint {
    unsigned range;
    uint64_t addr;
  } hint_openvpn, hint_sstp;
  Ipv4Prefix pool_pfx[GW_MAX_PREFIXES];
  unsigned n_pool;
  Ipv4Prefix routes[32];
  unsigned n_routes;
  unsigned limit_openvpn, limit_sstp;
  char *sku;
  int64_t cert_epoch;
  uint32_t next_conn;
  GPtrArray *sessions; /* GwP2sTlsSession*, in accept order */
  GHashTable *by_conn; /* conn -> session */
  GHashTable *by_addr; /* address + 1 -> session */
  unsigned n_openvpn, n_sstp; /* addresses held */
  unsigned connected;
  const char *drop_reason;
};

struct GwP2sTlsSession {
  GwP2sTls *g;
  uint32_t conn;
  char peer[32];
  char peer_ip[IPV4_ADDR_STRLEN];
  P2sTls *tls;
  unsigned proto; /* GW_P2S_PROTO_OPENVPN or _SSTP once the hello came */
  bool has_addr, connected, refused;
  Ipv4Addr addr;
};

static int64_t now(const GwP2sTls *g)
{
  return g->env.now(g->env.user);
}

static const char *proto_name(unsigned proto)
{
  return proto == GW_P2S_PROTO_SSTP ? "SSTP" : proto == GW_P2S_PROTO_OPENVPN ? "OpenVPN" : "";
}

static void sess_attrs(GwP2sTlsSession *s, VsEvent *ev)
{
  const char *cn = s->tls ? p2s_tls_peer_cn(s->tls) : NULL;
  vs_event_str(ev, "client", cn ? cn : "");
  vs_event_str(ev, "peer", s->peer);
  vs_event_str(ev, "peer_ip", s->peer_ip);
}

static unsigned all_connected(const GwP2sTls *g)
{
  return g->connected + gw_p2s_n_connected(g->ikev2);
}

/* ---- the pool ---- */

static bool pool_edge(const GwP2sTls *g, Ipv4Addr a)
{
  return gw_p2s_pool_edge(g->pool_pfx, g->n_pool, a);
}

static void share_of(GwP2sTls *g, unsigned proto, const Ipv4Range **r, unsigned *n,
                     struct PoolHint **h)
{
  bool sstp = proto == GW_P2S_PROTO_SSTP;
  *r = sstp ? g->sstp_pool.sstp : g->openvpn_pool.ikev2;
  *n = sstp ? g->sstp_pool.n_sstp : g->openvpn_pool.n_ikev2;
  *h = sstp ? &g->hint_sstp : &g->hint_openvpn;
}

/* The first free address of the protocol's share in order, searched from its hint. */
static bool addr_next(GwP2sTls *g, unsigned proto, Ipv4Addr *out)
{
  const Ipv4Range *r;
  unsigned n;
  struct PoolHint *h;
  share_of(g, proto, &r, &n, &h);
  for (unsigned i = h->range; i < n; i++) {
    uint64_t from = i == h->range ? MAX(h->addr, (uint64_t)r[i].first.v) : r[i].first.v;
    for (uint64_t a = from; a <= r[i].last.v; a++) {
      Ipv4Addr x = {(uint32_t)a};
      if (pool_edge(g, x) || g_hash_table_contains(g->by_addr, GUINT_TO_POINTER(x.v + 1)) ||
          (proto == GW_P2S_PROTO_OPENVPN && gw_p2s_addr_used(g->ikev2, x)))
        continue;
      h->range = i;
      h->addr = a;
      *out = x;
      return true;
    }
  }
  h->range = n;
  h->addr = 0;
  return false;
}

/* An address of the protocol's share went back: the search starts at it if it comes
 * first. */
static void addr_freed(GwP2sTls *g, unsigned proto, Ipv4Addr x)
{
  const Ipv4Range *r;
  unsigned n;
  struct PoolHint *h;
  share_of(g, proto, &r, &n, &h);
  for (unsigned i = 0; i < n && i <= h->range; i++) {
    if (x.v < r[i].first.v || x.v > r[i].last.v)
      continue;
    if (i < h->range || x.v < h->addr) {
      h->range = i;
      h->addr = x.v;
    }
    return;
  }
}

/* GwP2sShare: what the IKEv2 side must know of OpenVPN's clients */
static bool share_in_use(void *user, Ipv4Addr a)
{
  GwP2sTlsSession *s = g_hash_table_lookup(((GwP2sTls *)user)->by_addr, GUINT_TO_POINTER(a.v + 1));
  return s != NULL;
}

static unsigned share_count(void *user)
{
  return ((GwP2sTls *)user)->n_openvpn;
}

static unsigned share_connected(void *user)
{
  return ((GwP2sTls *)user)->connected;
}

/* an IKEv2 client gave an address of the share OpenVPN uses back */
static void share_released(void *user, Ipv4Addr a)
{
  addr_freed(user, GW_P2S_PROTO_OPENVPN, a);
}

/* ---- sessions ---- */

static void send_tx(GwP2sTlsSession *s, GByteArray *tx)
{
  if (tx->len && s->g->io.send)
    s->g->io.send(s->g->io.user, s->conn, tx->data, tx->len);
  g_byte_array_set_size(tx, 0);
}

static void release(GwP2sTlsSession *s, const char *reason)
{
  GwP2sTls *g = s->g;
  bool was = s->connected;
  if (s->connected) {
    s->connected = false;
    g->connected--;
  }
  if (s->has_addr) {
    g_hash_table_remove(g->by_addr, GUINT_TO_POINTER(s->addr.v + 1));
    if (g->dp)
      ep_dp_route_remove(g->dp, ipv4_prefix_make(s->addr, 32), EP_ROUTE_LOCAL, -1);
    if (s->proto == GW_P2S_PROTO_SSTP) {
      g->n_sstp--;
    } else {
      g->n_openvpn--;
      gw_p2s_addr_released(g->ikev2, s->addr); /* from the IKEv2 share */
    }
    addr_freed(g, s->proto, s->addr);
    s->has_addr = false;
  }
  if (!was)
    return;
  char ab[IPV4_ADDR_STRLEN];
  VsEvent ev = vs_event(now(g), g->node, GW_P2S_EV_DISCONNECTED);
  sess_attrs(s, &ev);
  vs_event_str(&ev, "address", ipv4_addr_format(s->addr, ab));
  vs_event_str(&ev, "protocol", proto_name(s->proto));
  vs_event_str(&ev, "reason", reason);
  vs_event_uint(&ev, "connections", all_connected(g));
  vs_event_emit(&g->env.events, &ev);
}

static void refuse(GwP2sTlsSession *s, const char *reason, bool tell)
{
  GwP2sTls *g = s->g;
  if (s->refused)
    return;
  s->refused = true;
  VsEvent ev = vs_event(now(g), g->node, GW_P2S_EV_REFUSED);
  sess_attrs(s, &ev);
  if (s->proto)
    vs_event_str(&ev, "protocol", proto_name(s->proto));
  vs_event_str(&ev, "reason", reason);
  vs_event_emit(&g->env.events, &ev);
  release(s, reason); /* a connected client that breaks the protocol: its session ends */
  if (tell && p2s_tls_state(s->tls) == P2S_TLS_ESTABLISHED) {
    /* 00 03 reason */
    size_t n = MIN(strlen(reason), 512);
    g_autofree uint8_t *m = g_malloc(n + 2);
    m[0] = 0;
    m[1] = GW_P2S_TLS_MSG_REFUSED;
    memcpy(m + 2, reason, n);
    g_autoptr(GByteArray) tx = g_byte_array_new();
    p2s_tls_send(s->tls, m, n + 2, tx);
    send_tx(s, tx);
  }
  if (g->io.close)
    g->io.close(g->io.user, s->conn);
}

static void sess_free(gpointer data)
{
  GwP2sTlsSession *s = data;
  release(s, s->g->drop_reason ? s->g->drop_reason : "session ended");
  p2s_tls_free(s->tls);
  g_free(s);
}

static void keylog(void *user, const char *line)
{
  GwP2sTls *g = user;
  if (g->io.key_row)
    g->io.key_row(g->io.user, line);
}

uint32_t gw_p2s_tls_accept(GwP2sTls *g, Ipv4Addr src, uint16_t sport)
{
  GwP2sTlsSession *s = g_new0(GwP2sTlsSession, 1);
  s->g = g;
  s->conn = ++g->next_conn;
  char ab[IPV4_ADDR_STRLEN];
  g_snprintf(s->peer, sizeof s->peer, "%s:%u", ipv4_addr_format(src, ab), sport);
  ipv4_addr_format(src, s->peer_ip);
  /* facts 7.4's suites in their order, the gateway's order deciding (the reversedProposals
   * fault: the tables in reverse order) */
  bool rev = g->creds->faults & GW_P2S_FAULT_REVERSED_PROPOSALS;
  P2sTlsConfig c = {.server = true, .cert = g->creds->server_cert, .key = g->creds->server_key,
                    .trust = g->creds->trust, .validate_at = g->cert_epoch + now(g) / 1000000000,
                    .server_order = true,
                    .tls12_ciphers = rev ? "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:"
                                           "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"
                                         : NULL,
                    .tls13_suites = rev ? "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384" : NULL,
                    .rng = g->rng, .keylog = keylog, .keylog_user = g};
  char *err = NULL;
  s->tls = p2s_tls_new(&c, &err);
  g_ptr_array_add(g->sessions, s);
  g_hash_table_insert(g->by_conn, GUINT_TO_POINTER(s->conn), s);
  if (!s->tls) {
    g_autofree char *why = g_strdup_printf("TLS: %s", err ? err : "no session");
    g_free(err);
    refuse(s, why, false);
  }
  return s->conn;
}

/* The client's hello: its tunnel type; an address from that protocol's share, within the
 * SKU's limit, and the routes. */
static void hello(GwP2sTlsSession *s, const uint8_t *b, size_t n)
{
  GwP2sTls *g = s->g;
  if (s->proto) {
    refuse(s, "protocol: a second hello", true);
    return;
  }
  unsigned proto = n >= 3 && b[2] == GW_P2S_TLS_HELLO_SSTP      ? GW_P2S_PROTO_SSTP
                   : n >= 3 && b[2] == GW_P2S_TLS_HELLO_OPENVPN ? GW_P2S_PROTO_OPENVPN
                                                                : 0;
  if (!proto) {
    refuse(s, "protocol: a hello without a known tunnel type", true);
    return;
  }
  s->proto = proto;
  if (!(g->protocols & proto) && !(g->creds->faults & GW_P2S_FAULT_ANY_TUNNEL_TYPE)) {
    g_autofree char *why = g_strdup_printf("tunnel type %s is not enabled on the gateway "
                                           "(vpnClientProtocols)", proto_name(proto));
    refuse(s, why, true);
    return;
  }
  bool nolimit = g->creds->faults & GW_P2S_FAULT_NO_LIMIT;
  if (proto == GW_P2S_PROTO_SSTP && !nolimit && g->n_sstp >= g->limit_sstp) {
    g_autofree char *why =
        g_strdup_printf("connection limit: %s allows %u SSTP connections", g->sku, g->limit_sstp);
    refuse(s, why, true);
    return;
  }
  if (proto == GW_P2S_PROTO_OPENVPN && !nolimit &&
      g->n_openvpn + gw_p2s_n_assigned(g->ikev2) >= g->limit_openvpn) {
    g_autofree char *why = g_strdup_printf(
        "connection limit: %s allows %u IKEv2/OpenVPN connections", g->sku, g->limit_openvpn);
    refuse(s, why, true);
    return;
  }
  if (!addr_next(g, proto, &s->addr)) {
    g_autofree char *why = g_strdup_printf("address pool exhausted (the %s share)",
                                           proto == GW_P2S_PROTO_SSTP ? "SSTP" : "IKEv2/OpenVPN");
    refuse(s, why, true);
    return;
  }
  s->has_addr = true;
  g_hash_table_insert(g->by_addr, GUINT_TO_POINTER(s->addr.v + 1), s);
  if (g->dp)
    ep_dp_route_add(g->dp, ipv4_prefix_make(s->addr, 32), EP_ROUTE_LOCAL, -1);
  if (proto == GW_P2S_PROTO_SSTP)
    g->n_sstp++;
  else
    g->n_openvpn++;
  /* 00 02 address N {prefix len}*N */
  uint8_t m[7 + 5 * G_N_ELEMENTS(g->routes)];
  m[0] = 0;
  m[1] = GW_P2S_TLS_MSG_ASSIGN;
  wire_store_be32(m + 2, s->addr.v);
  m[6] = (uint8_t)g->n_routes;
  for (unsigned i = 0; i < g->n_routes; i++) {
    wire_store_be32(m + 7 + 5 * i, g->routes[i].addr.v);
    m[7 + 5 * i + 4] = g->routes[i].len;
  }
  g_autoptr(GByteArray) tx = g_byte_array_new();
  p2s_tls_send(s->tls, m, 7 + 5 * (size_t)g->n_routes, tx);
  send_tx(s, tx);
  s->connected = true;
  g->connected++;
  char ab[IPV4_ADDR_STRLEN];
  VsEvent ev = vs_event(now(g), g->node, GW_P2S_EV_CONNECTED);
  sess_attrs(s, &ev);
  vs_event_str(&ev, "address", ipv4_addr_format(s->addr, ab));
  vs_event_str(&ev, "protocol", proto_name(proto));
  vs_event_str(&ev, "tls_version", p2s_tls_version(s->tls));
  vs_event_str(&ev, "cipher", p2s_tls_cipher(s->tls));
  vs_event_uint(&ev, "connections", all_connected(g));
  vs_event_emit(&g->env.events, &ev);
}

/* An inner packet from the client: IPv4 from its own address only, then inside. */
static void inner(GwP2sTlsSession *s, const uint8_t *b, size_t n)
{
  if (!s->connected || n < 20 || (b[0] >> 4) != 4 || wire_load_be32(b + 12) != s->addr.v)
    return;
  s->g->env.deliver_inner(s->g->env.user, b, n);
}

void gw_p2s_tls_rx(GwP2sTls *g, uint32_t conn, const uint8_t *data, size_t len)
{
  GwP2sTlsSession *s = g ? g_hash_table_lookup(g->by_conn, GUINT_TO_POINTER(conn)) : NULL;
  if (!s || s->refused || !s->tls)
    return;
  g_autoptr(GByteArray) tx = g_byte_array_new();
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  P2sTlsState st = p2s_tls_input(s->tls, data, len, tx, packets);
  send_tx(s, tx);
  for (guint i = 0; i < packets->len && !s->refused; i++) {
    gsize n = 0;
    const uint8_t *b = g_bytes_get_data(g_ptr_array_index(packets, i), &n);
    if (n >= 2 && b[0] == 0 && b[1] == GW_P2S_TLS_MSG_HELLO)
      hello(s, b, n);
    else if (n >= 1 && (b[0] >> 4) == 4)
      inner(s, b, n);
    else
      refuse(s, "protocol: an unknown frame", true);
  }
  if (st == P2S_TLS_FAILED && !s->refused) {
    const char *e = p2s_tls_error(s->tls);
    if (s->connected) {
      release(s, e ? e : "TLS failed");
      if (g->io.close)
        g->io.close(g->io.user, s->conn);
      s->refused = true; /* nothing more from it */
    } else {
      g_autofree char *why = g_strdup_printf("TLS: %s", e ? e : "handshake failed");
      refuse(s, why, false);
    }
  }
}

void gw_p2s_tls_closed(GwP2sTls *g, uint32_t conn, const char *reason)
{
  GwP2sTlsSession *s = g ? g_hash_table_lookup(g->by_conn, GUINT_TO_POINTER(conn)) : NULL;
  if (!s)
    return;
  g_hash_table_remove(g->by_conn, GUINT_TO_POINTER(conn));
  g->drop_reason = reason;
  g_ptr_array_remove(g->sessions, s); /* frees s */
  g->drop_reason = NULL;
}

bool gw_p2s_tls_tx_inner(GwP2sTls *g, const uint8_t *pkt, size_t len)
{
  if (!g || len < 20 || (pkt[0] >> 4) != 4)
    return false;
  Ipv4Addr dst = {wire_load_be32(pkt + 16)};
  GwP2sTlsSession *s = g_hash_table_lookup(g->by_addr, GUINT_TO_POINTER(dst.v + 1));
  if (!s)
    return false;
  if (s->connected) {
    g_autoptr(GByteArray) tx = g_byte_array_new();
    if (p2s_tls_send(s->tls, pkt, len, tx))
      send_tx(s, tx);
  }
  return true;
}

void gw_p2s_tls_drop_all(GwP2sTls *g, const char *reason)
{
  if (!g)
    return;
  for (guint i = 0; i < g->sessions->len; i++) {
    GwP2sTlsSession *s = g_ptr_array_index(g->sessions, i);
    if (g->io.close && !s->refused)
      g->io.close(g->io.user, s->conn);
  }
  g_hash_table_remove_all(g->by_conn);
  g->drop_reason = reason;
  g_ptr_array_set_size(g->sessions, 0);
  g->drop_reason = NULL;
}

unsigned gw_p2s_tls_n_connected(const GwP2sTls *g)
{
  return g ? g->connected : 0;
}

GwP2sTls *gw_p2s_tls_new(const GwConfig *cfg, const char *name, const char *node, EpDp *dp,
                         GwP2s *ikev2,
                         unsigned limit_ikev2_openvpn, unsigned limit_sstp, const char *sku_name,
                         const EpEnv *env, const GwP2sTlsIo *io, Drbg *rng,
                         const GwP2sCreds *creds, int64_t cert_epoch)
{
  const GwVirtualNetworkGateway *vg = gw_config_find_gateway(cfg, name);
  if (!vg || !creds || !creds->trust || !creds->server_cert || !vg->vpnClientConfiguration.set)
    return NULL;
  const GwVpnClientConfiguration *vc = &vg->vpnClientConfiguration;
  unsigned tls = vc->vpnClientProtocols & (GW_P2S_PROTO_OPENVPN | GW_P2S_PROTO_SSTP);
  if (!tls)
    return NULL;
  GwP2sTls *g = g_new0(GwP2sTls, 1);
  g->node = g_strdup(node);
  g->env = *env;
  g->io = *io;
  g->rng = rng;
  g->creds = creds;
  g->ikev2 = ikev2;
  g->dp = dp;
  g->protocols = vc->vpnClientProtocols;
  g->limit_openvpn = limit_ikev2_openvpn;
  g->limit_sstp = limit_sstp;
  g->sku = g_strdup(sku_name ? sku_name : "?");
  g->cert_epoch = cert_epoch ? cert_epoch : IKE_CERT_SIM_EPOCH;
  g->sessions = g_ptr_array_new_with_free_func(sess_free);
  g->by_conn = g_hash_table_new(NULL, NULL);
  g->by_addr = g_hash_table_new(NULL, NULL);
  bool whole = creds->faults & GW_P2S_FAULT_WHOLE_POOL;
  /* SSTP's share as the documented split gives it; OpenVPN's is the IKEv2 share (the two
   * share the pool and the limit, facts 1.1) or, without IKEv2, the whole pool */
  gw_p2s_pool_split(vc, whole, &g->sstp_pool);
  GwVpnClientConfiguration ov = *vc;
  ov.vpnClientProtocols = (vc->vpnClientProtocols & GW_P2S_PROTO_SSTP) | GW_P2S_PROTO_IKEV2;
  gw_p2s_pool_split(&ov, whole, &g->openvpn_pool);
  for (unsigned i = 0; i < vc->n_vpnClientAddressPool && i < GW_MAX_PREFIXES; i++)
    g->pool_pfx[g->n_pool++] = vc->vpnClientAddressPool[i].v;
  const GwVirtualNetwork *v = gw_config_find_vnet(cfg, vg->virtualNetwork.v);
  for (unsigned i = 0; v && i < v->n_addressSpace && g->n_routes < G_N_ELEMENTS(g->routes); i++)
    g->routes[g->n_routes++] = v->addressSpace[i].v;
  for (unsigned i = 0; i < g->n_pool && g->n_routes < G_N_ELEMENTS(g->routes); i++)
    g->routes[g->n_routes++] = g->pool_pfx[i];
  gw_p2s_set_share(ikev2, &(GwP2sShare){.user = g, .in_use = share_in_use, .count = share_count,
                                        .connected = share_connected,
                                        .released = share_released});
  return g;
}

void gw_p2s_tls_free(GwP2sTls *g)
{
  if (!g)
    return;
  gw_p2s_set_share(g->ikev2, NULL);
  g->drop_reason = "run ended";
  g_ptr_array_free(g->sessions, TRUE);
  g_hash_table_destroy(g->by_conn);
  g_hash_table_destroy(g->by_addr);
  g_free(g->node);
  g_free(g->sku);
  g_free(g);
}
