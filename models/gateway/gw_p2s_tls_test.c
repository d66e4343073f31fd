/* SPDX-License-Identifier: MIT */
/* The gateway's P2S TLS side (gw_p2s_tls.h) against real TLS clients over memory: the
 * handshake, the hello and the address with the routes, packets both ways (only from the
 * client's own address), the SSTP limit, a tunnel type the gateway does not enable,
 * garbage and unknown frames refused without a crash, an address given again once its
 * session ends, the key log. */
#include "models/gateway/gw_p2s_tls.h"
#include "models/gateway/gw_p2s_tls_fixture.h"

#include "models/common/wire.h"
#include "models/p2s/p2s_tls.h"

#include <glib.h>
#include <string.h>

/* ---- the world the model sees ---- */

typedef struct {
  int64_t now;
  GPtrArray *events;    /* "type reason|address|protocol" strings */
  GPtrArray *delivered; /* GBytes: packets delivered inside */
  GHashTable *out;      /* conn -> GByteArray: what the gateway sent */
  GHashTable *closed;   /* conn set */
  GPtrArray *keylog;
} World;

static World W;

static int64_t w_now(void *u)
{
  (void)u;
  return W.now;
}

static EpTimerId w_timer(void *u, int64_t d, EpTimerFn fn, void *arg)
{
  (void)u, (void)d, (void)fn, (void)arg;
  g_assert_not_reached();
  return 0;
}

static void w_outer(void *u, const EpOuterPacket *p)
{
  (void)u, (void)p;
}

static void w_inner(void *u, const uint8_t *pkt, size_t len)
{
  (void)u;
  g_ptr_array_add(W.delivered, g_bytes_new(pkt, len));
}

static void w_emit(void *u, const VsEvent *ev)
{
  (void)u;
  const VsAttr *a = vs_event_attr(ev, "reason");
  if (!a)
    a = vs_event_attr(ev, "address");
  const VsAttr *p = vs_event_attr(ev, "protocol");
  g_ptr_array_add(W.events,
                  g_strdup_printf("%s %s|%s", ev->type, a && a->kind == VS_ATTR_STR ? a->v.s : "",
                                  p && p->kind == VS_ATTR_STR ? p->v.s : ""));
}

static void io_send(void *u, uint32_t conn, const uint8_t *d, size_t n)
{
  (void)u;
  GByteArray *b = g_hash_table_lookup(W.out, GUINT_TO_POINTER(conn));
  if (!b) {
    b = g_byte_array_new();
    g_hash_table_insert(W.out, GUINT_TO_POINTER(conn), b);
  }
  g_byte_array_append(b, d, (guint)n);
}

static void io_close(void *u, uint32_t conn)
{
  (void)u;
  g_hash_table_add(W.closed, GUINT_TO_POINTER(conn));
}

static void io_key(void *u, const char *line)
{
  (void)u;
  g_ptr_array_add(W.keylog, g_strdup(line));
}

/* ---- PKI and configuration ---- */

typedef struct {
  IkeKey *root_key, *ca_key, *server_key, *client_key;
  IkeCert *root, *ca, *server, *client[4];
  IkeTrust *gw_trust, *client_trust;
} Pki;

static Pki K;

static void pki_init(void)
{
  Drbg *r = drbg_new_stream(11, "gw-p2s-tls-test");
  K.root_key = ike_key_new_rsa(r, 2048);
  K.ca_key = ike_key_new_rsa(r, 2048);
  K.server_key = ike_key_new_rsa(r, 2048);
  K.client_key = ike_key_new_rsa(r, 2048);
  drbg_free(r);
  K.root = ike_cert_new(&(IkeCertSpec){.cn = "P2SRootCert", .use = IKE_CERT_USE_CA}, K.root_key,
                        NULL, NULL);
  K.ca = ike_cert_new(&(IkeCertSpec){.cn = "server CA", .use = IKE_CERT_USE_CA}, K.ca_key, NULL,
                      NULL);
  K.server = ike_cert_new(&(IkeCertSpec){.cn = "vgw1.vpn", .use = IKE_CERT_USE_SERVER, .serial = 2},
                          K.server_key, K.ca, K.ca_key);
  for (int i = 0; i < 4; i++) {
    g_autofree char *cn = g_strdup_printf("laptop%d", i + 1);
    K.client[i] = ike_cert_new(&(IkeCertSpec){.cn = cn, .use = IKE_CERT_USE_CLIENT,
                                              .serial = 100 + (uint64_t)i},
                               K.client_key, K.root, K.root_key);
  }
  K.gw_trust = ike_trust_new();
  ike_trust_add_root(K.gw_trust, K.root);
  ike_trust_set_rsa_only(K.gw_trust, true);
  ike_trust_revoke(K.gw_trust, ike_cert_thumbprint(K.client[3])); /* laptop4 */
  K.client_trust = ike_trust_new();
  ike_trust_add_root(K.client_trust, K.ca);
}

typedef struct {
  GwConfig *cfg;
  GwP2sTls *g;
  Drbg *rng;
  GwP2sCreds creds;
  EpEnv env;
} Gw;

static void gw_new(Gw *x, unsigned protocols, unsigned limit_sstp, uint32_t faults)
{
  memset(&W, 0, sizeof W);
  W.events = g_ptr_array_new_with_free_func(g_free);
  W.delivered = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  W.out = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_byte_array_unref);
  W.closed = g_hash_table_new(NULL, NULL);
  W.keylog = g_ptr_array_new_with_free_func(g_free);
  x->cfg = gw_p2s_tls_fixture_config(protocols);
  x->rng = drbg_new_stream(3, "gateway");
  x->creds = (GwP2sCreds){.trust = K.gw_trust, .server_cert = K.server,
                          .server_key = K.server_key, .faults = faults};
  x->env = (EpEnv){.now = w_now, .timer_add = w_timer, .send_outer = w_outer,
                   .deliver_inner = w_inner, .events = {.emit = w_emit}};
  GwP2sTlsIo io = {.send = io_send, .close = io_close, .key_row = io_key};
  x->g = gw_p2s_tls_new(x->cfg, "vgw1", "vgw1/0", NULL, NULL, 250, limit_sstp, "VpnGw1AZ",
                        &x->env, &io, x->rng, &x->creds, 0);
  g_assert_nonnull(x->g);
}

static void gw_free(Gw *x)
{
  gw_p2s_tls_free(x->g);
  drbg_free(x->rng);
  gw_config_free(x->cfg);
  g_ptr_array_unref(W.events);
  g_ptr_array_unref(W.delivered);
  g_hash_table_destroy(W.out);
  g_hash_table_destroy(W.closed);
  g_ptr_array_unref(W.keylog);
}

static bool has_event(const char *prefix)
{
  for (guint i = 0; i < W.events->len; i++)
    if (g_str_has_prefix(g_ptr_array_index(W.events, i), prefix))
      return true;
  return false;
}

/* ---- a client ---- */

typedef struct {
  uint32_t conn;
  P2sTls *tls;
  Drbg *rng;
  GPtrArray *got; /* GBytes frames from the gateway */
} Client;

/* What the gateway sent goes to the client, its answer back, until both are quiet. */
static void pump(Gw *x, Client *c, GByteArray *tx)
{
  for (int round = 0; round < 20; round++) {
    if (tx->len) {
      gw_p2s_tls_rx(x->g, c->conn, tx->data, tx->len);
      g_byte_array_set_size(tx, 0);
    }
    GByteArray *b = g_hash_table_lookup(W.out, GUINT_TO_POINTER(c->conn));
    if (!b || !b->len)
      return;
    g_autoptr(GByteArray) in = g_byte_array_new();
    g_byte_array_append(in, b->data, b->len);
    g_byte_array_set_size(b, 0);
    p2s_tls_input(c->tls, in->data, in->len, tx, c->got);
  }
}

static void client_new(Gw *x, Client *c, int which, uint8_t proto)
{
  memset(c, 0, sizeof *c);
  c->rng = drbg_new_stream(4, ike_cert_thumbprint(K.client[which]));
  char *err = NULL;
  c->tls = p2s_tls_new(&(P2sTlsConfig){.cert = K.client[which], .key = K.client_key,
                                       .trust = K.client_trust,
                                       .validate_at = IKE_CERT_SIM_EPOCH, .rng = c->rng},
                       &err);
  g_assert_null(err);
  c->got = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  c->conn = gw_p2s_tls_accept(x->g, (Ipv4Addr){0xc6336432u + (uint32_t)which}, 49153);
  g_assert_cmpuint(c->conn, !=, 0);
  g_autoptr(GByteArray) tx = g_byte_array_new();
  p2s_tls_start(c->tls, tx);
  pump(x, c, tx);
  if (p2s_tls_state(c->tls) != P2S_TLS_ESTABLISHED || !proto)
    return;
  uint8_t hello[3] = {0, GW_P2S_TLS_MSG_HELLO, proto};
  g_assert_true(p2s_tls_send(c->tls, hello, sizeof hello, tx));
  pump(x, c, tx);
}

static void client_free(Client *c)
{
  p2s_tls_free(c->tls);
  drbg_free(c->rng);
  g_ptr_array_unref(c->got);
}

static const uint8_t *frame(Client *c, guint i, gsize *n)
{
  g_assert_cmpuint(c->got->len, >, i);
  return g_bytes_get_data(g_ptr_array_index(c->got, i), n);
}

/* an ICMP echo from src to dst (header checksum not checked by the model) */
static void echo(uint8_t p[84], uint32_t src, uint32_t dst)
{
  memset(p, 0, 84);
  p[0] = 0x45;
  wire_store_be16(p + 2, 84);
  p[8] = 64;
  p[9] = 1;
  wire_store_be32(p + 12, src);
  wire_store_be32(p + 16, dst);
  p[20] = 8;
}

/* ---- tests ---- */

static void test_session(void)
{
  Gw x;
  gw_new(&x, GW_P2S_PROTO_IKEV2 | GW_P2S_PROTO_SSTP, 128, 0);
  Client c;
  client_new(&x, &c, 0, GW_P2S_TLS_HELLO_SSTP);
  g_assert_cmpint(p2s_tls_state(c.tls), ==, P2S_TLS_ESTABLISHED);
  /* 00 02 172.16.201.1 2 {10.1.0.0/16, 172.16.201.0/24} */
  gsize n = 0;
  const uint8_t *m = frame(&c, 0, &n);
  static const uint8_t want[] = {0, 2, 172, 16, 201, 1, 2, 10, 1, 0, 0, 16, 172, 16, 201, 0, 24};
  g_assert_cmpmem(m, n, want, sizeof want);
  g_assert_true(has_event("p2s.connected 172.16.201.1|SSTP"));
  g_assert_cmpuint(gw_p2s_tls_n_connected(x.g), ==, 1);
  /* TLS 1.3's secrets in the key log */
  g_assert_cmpuint(W.keylog->len, >=, 4);
  /* the client's packet goes inside; one from another source does not */
  uint8_t p[84];
  g_autoptr(GByteArray) tx = g_byte_array_new();
  echo(p, 0xac10c901u, 0x0a010104u);
  g_assert_true(p2s_tls_send(c.tls, p, sizeof p, tx));
  echo(p, 0xac10c909u, 0x0a010104u);
  g_assert_true(p2s_tls_send(c.tls, p, sizeof p, tx));
  pump(&x, &c, tx);
  g_assert_cmpuint(W.delivered->len, ==, 1);
  g_assert_cmpuint(wire_load_be32((const uint8_t *)g_bytes_get_data(g_ptr_array_index(W.delivered, 0), NULL) + 12),
                   ==, 0xac10c901u);
  /* a packet to its address goes into its session; another address is not the TLS side's */
  echo(p, 0x0a010104u, 0xac10c901u);
  g_assert_true(gw_p2s_tls_tx_inner(x.g, p, sizeof p));
  echo(p, 0x0a010104u, 0xac10c902u);
  g_assert_false(gw_p2s_tls_tx_inner(x.g, p, sizeof p));
  tx = (g_byte_array_set_size(tx, 0), tx);
  pump(&x, &c, tx);
  m = frame(&c, 1, &n);
  g_assert_cmpuint(n, ==, 84);
  g_assert_cmpuint(wire_load_be32(m + 16), ==, 0xac10c901u);
  /* the client goes: its address is free again, for the next one */
  gw_p2s_tls_closed(x.g, c.conn, "closed by the client");
  g_assert_true(has_event("p2s.disconnected closed by the client|SSTP"));
  g_assert_cmpuint(gw_p2s_tls_n_connected(x.g), ==, 0);
  Client d;
  client_new(&x, &d, 1, GW_P2S_TLS_HELLO_SSTP);
  m = frame(&d, 0, &n);
  g_assert_cmpuint(wire_load_be32(m + 2), ==, 0xac10c901u);
  client_free(&d);
  client_free(&c);
  gw_free(&x);
}

/* OpenVPN: the IKEv2 share (here without IKEv2: the whole pool) */
static void test_openvpn(void)
{
  Gw x;
  gw_new(&x, GW_P2S_PROTO_IKEV2 | GW_P2S_PROTO_OPENVPN, 128, 0);
  Client c;
  client_new(&x, &c, 0, GW_P2S_TLS_HELLO_OPENVPN);
  g_assert_true(has_event("p2s.connected 172.16.201.1|OpenVPN"));
  client_free(&c);
  gw_free(&x);
  gw_new(&x, GW_P2S_PROTO_IKEV2 | GW_P2S_PROTO_SSTP, 128, 0);
  client_new(&x, &c, 0, GW_P2S_TLS_HELLO_SSTP);
  g_assert_true(has_event("p2s.connected 172.16.201.1|SSTP"));
  Client d;
  client_new(&x, &d, 1, GW_P2S_TLS_HELLO_OPENVPN); /* not enabled */
  g_assert_true(has_event("p2s.refused tunnel type OpenVPN is not enabled"));
  gsize n = 0;
  const uint8_t *m = frame(&d, 0, &n);
  g_assert_cmpuint(m[1], ==, GW_P2S_TLS_MSG_REFUSED);
  g_assert_true(g_hash_table_contains(W.closed, GUINT_TO_POINTER(d.conn)));
  client_free(&d);
  client_free(&c);
  gw_free(&x);
  /* anyTunnelType: served anyway, from the IKEv2 share (the rest after SSTP's 128) */
  gw_new(&x, GW_P2S_PROTO_IKEV2 | GW_P2S_PROTO_SSTP, 128, GW_P2S_FAULT_ANY_TUNNEL_TYPE);
  client_new(&x, &d, 1, GW_P2S_TLS_HELLO_OPENVPN);
  g_assert_true(has_event("p2s.connected 172.16.201.128|OpenVPN"));
  client_free(&d);
  gw_free(&x);
}

/* the SSTP limit, and noConnectionLimit */
static void test_limit(void)
{
  for (int fault = 0; fault < 2; fault++) {
    Gw x;
    gw_new(&x, GW_P2S_PROTO_SSTP, 1, fault ? GW_P2S_FAULT_NO_LIMIT : 0);
    Client c, d;
    client_new(&x, &c, 0, GW_P2S_TLS_HELLO_SSTP);
    client_new(&x, &d, 1, GW_P2S_TLS_HELLO_SSTP);
    g_assert_cmpint(has_event("p2s.refused connection limit: VpnGw1AZ allows 1 SSTP connections"),
                    ==, !fault);
    g_assert_cmpuint(gw_p2s_tls_n_connected(x.g), ==, fault ? 2 : 1);
    client_free(&c);
    client_free(&d);
    gw_free(&x);
  }
}

static uint32_t assigned(Client *c)
{
  gsize n = 0;
  const uint8_t *m = frame(c, 0, &n);
  g_assert_cmpuint(n, >=, 6);
  g_assert_cmpuint(m[1], ==, GW_P2S_TLS_MSG_ASSIGN);
  return wire_load_be32(m + 2);
}

/* The share's search hint (a connect costs O(1) amortised, not a scan): addresses in
 * order, and an address given back is the next one handed out, the lowest first. */
static void test_pool_hint(void)
{
  Gw x;
  gw_new(&x, GW_P2S_PROTO_SSTP, 128, 0);
  Client c[6];
  for (int i = 0; i < 3; i++) {
    client_new(&x, &c[i], i, GW_P2S_TLS_HELLO_SSTP);
    g_assert_cmphex(assigned(&c[i]), ==, 0xac10c901u + (uint32_t)i);
  }
  gw_p2s_tls_closed(x.g, c[1].conn, "closed by the client"); /* .2 back */
  client_new(&x, &c[3], 0, GW_P2S_TLS_HELLO_SSTP);
  g_assert_cmphex(assigned(&c[3]), ==, 0xac10c902u);
  client_new(&x, &c[4], 1, GW_P2S_TLS_HELLO_SSTP);
  g_assert_cmphex(assigned(&c[4]), ==, 0xac10c904u);
  gw_p2s_tls_closed(x.g, c[2].conn, "closed by the client"); /* .3, then .1 back */
  gw_p2s_tls_closed(x.g, c[0].conn, "closed by the client");
  client_new(&x, &c[5], 2, GW_P2S_TLS_HELLO_SSTP);
  g_assert_cmphex(assigned(&c[5]), ==, 0xac10c901u);
  client_free(&c[5]);
  client_new(&x, &c[5], 2, GW_P2S_TLS_HELLO_SSTP);
  g_assert_cmphex(assigned(&c[5]), ==, 0xac10c903u);
  for (int i = 0; i < 6; i++)
    client_free(&c[i]);
  gw_free(&x);
}

/* revoked certificates, garbage, unknown frames: refused, never a crash */
static void test_refused(void)
{
  Gw x;
  gw_new(&x, GW_P2S_PROTO_SSTP, 128, 0);
  Client c;
  client_new(&x, &c, 3, GW_P2S_TLS_HELLO_SSTP); /* laptop4 is revoked */
  g_assert_true(has_event("p2s.refused TLS: peer certificate revoked"));
  g_assert_cmpint(p2s_tls_state(c.tls), ==, P2S_TLS_FAILED);
  client_free(&c);
  uint32_t conn = gw_p2s_tls_accept(x.g, (Ipv4Addr){0x01020304}, 1000);
  uint8_t junk[200];
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (uint8_t)(i * 37 + 1);
  gw_p2s_tls_rx(x.g, conn, junk, sizeof junk);
  gw_p2s_tls_rx(x.g, conn, junk, sizeof junk); /* after the refusal: ignored */
  g_assert_true(g_hash_table_contains(W.closed, GUINT_TO_POINTER(conn)));
  gw_p2s_tls_rx(x.g, 9999, junk, sizeof junk); /* no such connection */
  gw_p2s_tls_closed(x.g, 9999, "x");
  /* a frame that is neither a hello nor IPv4, and a second hello */
  static const uint8_t bad[][3] = {{0, 9, 1}, {0x60, 0, 0}};
  for (size_t k = 0; k < G_N_ELEMENTS(bad); k++) {
    client_new(&x, &c, 1, 0);
    g_autoptr(GByteArray) tx = g_byte_array_new();
    g_assert_true(p2s_tls_send(c.tls, bad[k], 3, tx));
    pump(&x, &c, tx);
    g_assert_true(g_hash_table_contains(W.closed, GUINT_TO_POINTER(c.conn)));
    client_free(&c);
  }
  g_assert_true(has_event("p2s.refused protocol: an unknown frame"));
  client_new(&x, &c, 1, GW_P2S_TLS_HELLO_SSTP);
  g_autoptr(GByteArray) tx = g_byte_array_new();
  uint8_t hello[3] = {0, GW_P2S_TLS_MSG_HELLO, GW_P2S_TLS_HELLO_SSTP};
  p2s_tls_send(c.tls, hello, 3, tx);
  pump(&x, &c, tx);
  g_assert_true(has_event("p2s.refused protocol: a second hello"));
  client_free(&c);
  gw_p2s_tls_drop_all(x.g, "instance down");
  g_assert_true(has_event("p2s.disconnected protocol: a second hello|SSTP"));
  g_assert_cmpuint(gw_p2s_tls_n_connected(x.g), ==, 0);
  gw_free(&x);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  pki_init();
  g_test_add_func("/gw_p2s_tls/session", test_session);
  g_test_add_func("/gw_p2s_tls/openvpn", test_openvpn);
  g_test_add_func("/gw_p2s_tls/limit", test_limit);
  g_test_add_func("/gw_p2s_tls/pool-hint", test_pool_hint);
  g_test_add_func("/gw_p2s_tls/refused", test_refused);
  int r = g_test_run();
  ike_trust_free(K.gw_trust);
  ike_trust_free(K.client_trust);
  IkeCert *certs[] = {K.root, K.ca, K.server, K.client[0], K.client[1], K.client[2], K.client[3]};
  for (size_t i = 0; i < G_N_ELEMENTS(certs); i++)
    ike_cert_unref(certs[i]);
  IkeKey *keys[] = {K.root_key, K.ca_key, K.server_key, K.client_key};
  for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
    ike_key_free(keys[i]);
  return r;
}
