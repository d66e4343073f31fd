/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the gateway's P2S side over TLS (gw_p2s_tls.h): what a client sends
 * on TCP 443. The first byte of the input picks the mode and the gateway:
 *   bit 0     0: a real client completes the TLS handshake first (TLS 1.3, or 1.2 with
 *             bit 3), then the rest of the input is its application data, so the hello,
 *             the address and the inner-packet checks of gw_p2s_tls.c are reached;
 *             1: the rest goes straight to gw_p2s_tls_rx from the connection's first byte
 *   bits 1-2  the gateway's tunnel types: SSTP, OpenVPN, both with IKEv2, SSTP with the
 *             anyTunnelType and noConnectionLimit faults
 *   bits 4-7  the step the gateway's TCP stream is split by (0: whole writes)
 * In the first mode the rest is a list of steps, each a type byte t then:
 *   t % 4 == 0  u16 length L, L bytes: one frame of the client (p2s_tls_send: a TLS record
 *               holding the frame's 16-bit length and the L bytes; L 0 sends nothing)
 *   t % 4 == 1  u8 length L, L bytes: raw bytes on the TCP stream (a forged record)
 *   t % 4 == 2  an inside packet to the client's address (gw_p2s_tls_tx_inner)
 *   t % 4 == 3  the client closes the connection; the input ends
 * a step cut short by the end of the input takes what is left. Whatever arrives must end
 * in a state: never a crash, a leak or an assert, no inner packet delivered unless the
 * session holds an address and the packet comes from it, and no session counted once the
 * connection closed. The handshake runs per input (two OpenSSL library contexts: a few
 * executions a second) because its state cannot be restored between inputs. */
#include "models/gateway/gw_p2s_tls.h"
#include "models/gateway/gw_p2s_tls_fixture.h"

#include "models/common/wire.h"
#include "models/p2s/p2s_tls.h"

#include <glib.h>
#include <openssl/ssl.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static IkeKey *key;
static IkeCert *server, *client;
static IkeTrust *gw_trust, *client_trust;

static void setup(void)
{
  if (server)
    return;
  Drbg *rng = drbg_new_stream(1, "gw-p2s-tls-fuzz pki");
  key = ike_key_new_rsa(rng, 2048);
  drbg_free(rng);
  IkeCert *root = ike_cert_new(&(IkeCertSpec){.cn = "P2SRootCert", .use = IKE_CERT_USE_CA},
                               key, NULL, NULL);
  server = ike_cert_new(&(IkeCertSpec){.cn = "vgw1.vpn", .use = IKE_CERT_USE_SERVER, .serial = 2},
                        key, root, key);
  client = ike_cert_new(&(IkeCertSpec){.cn = "laptop1", .use = IKE_CERT_USE_CLIENT,
                                       .serial = 100},
                        key, root, key);
  gw_trust = ike_trust_new();
  ike_trust_add_root(gw_trust, root);
  ike_trust_set_rsa_only(gw_trust, true);
  client_trust = ike_trust_new();
  ike_trust_add_root(client_trust, root);
  ike_cert_unref(root);
}

/* ---- the world of one input ---- */

typedef struct {
  uint32_t conn;
  bool closed;
  GByteArray *to_client; /* what the gateway sent, not yet read by the client */
  P2sTls *tls;           /* the client's session (NULL in the raw mode) */
  GPtrArray *got;        /* GBytes frames the client received */
  bool has_addr;         /* an 00 02 frame came: the address */
  uint32_t addr;
  size_t step;           /* split of the stream into the gateway */
  GwP2sTls *g;
} World;

static World W;

static int64_t f_now(void *u)
{
  (void)u;
  return 1000000000;
}

static EpTimerId f_timer(void *u, int64_t d, EpTimerFn fn, void *arg)
{
  (void)u, (void)d, (void)fn, (void)arg;
  __builtin_trap(); /* the TLS side keeps no timers */
}

static void f_outer(void *u, const EpOuterPacket *p)
{
  (void)u, (void)p;
}

/* an inner packet from the client: only from the address it holds */
static void f_inner(void *u, const uint8_t *pkt, size_t len)
{
  (void)u;
  if (len < 20 || (pkt[0] >> 4) != 4 || !W.has_addr || wire_load_be32(pkt + 12) != W.addr ||
      gw_p2s_tls_n_connected(W.g) != 1)
    __builtin_trap();
}

static void f_emit(void *u, const VsEvent *ev)
{
  (void)u, (void)ev;
}

static void io_send(void *u, uint32_t conn, const uint8_t *d, size_t n)
{
  (void)u;
  if (conn != W.conn || !n)
    __builtin_trap();
  g_byte_array_append(W.to_client, d, (guint)n);
}

static void io_close(void *u, uint32_t conn)
{
  (void)u;
  if (conn != W.conn)
    __builtin_trap();
}

/* bytes from the client into the gateway, split by the input's step */
static void to_gw(const uint8_t *d, size_t n)
{
  size_t step = W.step ? W.step : n;
  for (size_t off = 0; off < n; off += step)
    gw_p2s_tls_rx(W.g, W.conn, d + off, MIN(step, n - off));
}

/* What the gateway sent goes to the client, its answer back, until both are quiet. */
static void pump(GByteArray *tx)
{
  for (int round = 0; round < 20; round++) {
    if (tx->len) {
      to_gw(tx->data, tx->len);
      g_byte_array_set_size(tx, 0);
    }
    if (!W.to_client->len)
      return;
    g_autoptr(GByteArray) in = g_byte_array_new();
    g_byte_array_append(in, W.to_client->data, W.to_client->len);
    g_byte_array_set_size(W.to_client, 0);
    guint had = W.got->len;
    p2s_tls_input(W.tls, in->data, in->len, tx, W.got);
    for (guint i = had; i < W.got->len; i++) {
      gsize n = 0;
      const uint8_t *b = g_bytes_get_data(g_ptr_array_index(W.got, i), &n);
      if (n >= 6 && b[0] == 0 && b[1] == GW_P2S_TLS_MSG_ASSIGN) {
        W.has_addr = true;
        W.addr = wire_load_be32(b + 2);
      }
    }
  }
}

static void steps(const uint8_t *p, size_t n)
{
  g_autoptr(GByteArray) tx = g_byte_array_new();
  size_t off = 0;
  while (off < n) {
    uint8_t t = p[off++];
    switch (t % 4) {
    case 0: { /* a frame of the client */
      size_t len = off + 2 <= n ? wire_load_be16(p + off) : 0;
      off = MIN(off + 2, n);
      len = MIN(len, n - off);
      if (len && p2s_tls_send(W.tls, p + off, len, tx))
        pump(tx);
      off += len;
      break;
    }
    case 1: { /* raw bytes on the stream */
      size_t len = off < n ? p[off++] : 0;
      len = MIN(len, n - off);
      to_gw(p + off, len);
      off += len;
      pump(tx);
      break;
    }
    case 2: { /* an inside packet to the client */
      uint8_t pkt[28] = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17};
      wire_store_be32(pkt + 12, 0x0a010104u);
      wire_store_be32(pkt + 16, W.has_addr ? W.addr : 0xac10c901u);
      bool mine = gw_p2s_tls_tx_inner(W.g, pkt, sizeof pkt);
      if (mine && !W.has_addr)
        __builtin_trap();
      pump(tx);
      break;
    }
    default: /* the client goes */
      return;
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  setup();
  uint8_t sel = data[0];
  static const unsigned protocols[4] = {
      GW_P2S_PROTO_SSTP, GW_P2S_PROTO_OPENVPN,
      GW_P2S_PROTO_IKEV2 | GW_P2S_PROTO_OPENVPN | GW_P2S_PROTO_SSTP, GW_P2S_PROTO_SSTP};
  unsigned which = (sel >> 1) & 3;
  GwConfig *cfg = gw_p2s_tls_fixture_config(protocols[which]);
  GwP2sCreds creds = {.trust = gw_trust, .server_cert = server, .server_key = key,
                      .faults = which == 3 ? GW_P2S_FAULT_ANY_TUNNEL_TYPE | GW_P2S_FAULT_NO_LIMIT
                                           : 0};
  EpEnv env = {.now = f_now, .timer_add = f_timer, .send_outer = f_outer,
               .deliver_inner = f_inner, .events = {.emit = f_emit}};
  GwP2sTlsIo io = {.send = io_send, .close = io_close};
  Drbg *gw_rng = drbg_new_stream(3, "gw-p2s-tls-fuzz gateway");
  memset(&W, 0, sizeof W);
  W.to_client = g_byte_array_new();
  W.got = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  W.step = sel >> 4;
  W.g = gw_p2s_tls_new(cfg, "vgw1", "vgw1/0", NULL, NULL, 250, 128, "VpnGw1AZ", &env, &io,
                       gw_rng, &creds, 0);
  gw_config_free(cfg);
  if (!W.g)
    __builtin_trap();
  W.conn = gw_p2s_tls_accept(W.g, (Ipv4Addr){0xc6336432u}, 49153);
  if (!W.conn)
    __builtin_trap();
  Drbg *c_rng = NULL;
  if (sel & 1) {
    to_gw(data + 1, size - 1);
  } else {
    c_rng = drbg_new_stream(4, "gw-p2s-tls-fuzz client");
    char *err = NULL;
    W.tls = p2s_tls_new(&(P2sTlsConfig){.cert = client, .key = key, .trust = client_trust,
                                        .validate_at = IKE_CERT_SIM_EPOCH,
                                        .max_version = sel & 8 ? TLS1_2_VERSION : 0,
                                        .rng = c_rng},
                        &err);
    if (!W.tls)
      __builtin_trap();
    g_autoptr(GByteArray) tx = g_byte_array_new();
    p2s_tls_start(W.tls, tx);
    pump(tx);
    if (p2s_tls_state(W.tls) != P2S_TLS_ESTABLISHED)
      __builtin_trap(); /* the handshake is not the input's: it must succeed */
    steps(data + 1, size - 1);
  }
  if (gw_p2s_tls_n_connected(W.g) > 1)
    __builtin_trap();
  gw_p2s_tls_closed(W.g, W.conn, "closed by the client");
  if (gw_p2s_tls_n_connected(W.g) != 0)
    __builtin_trap();
  gw_p2s_tls_free(W.g);
  p2s_tls_free(W.tls);
  drbg_free(c_rng);
  drbg_free(gw_rng);
  g_ptr_array_unref(W.got);
  g_byte_array_unref(W.to_client);
  memset(&W, 0, sizeof W);
  return 0;
}
