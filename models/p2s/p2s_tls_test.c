/* SPDX-License-Identifier: MIT */
/* The P2S TLS session: a client and the gateway over memory, the documented suites of facts
 * 7.4 in TLS 1.3 and 1.2, packets both ways through any split of the stream, the same
 * bytes for the same seed, and the client certificates the gateway refuses (another root,
 * revoked, ECDSA: facts 7.1) with the reason. */
#include "models/p2s/p2s_tls.h"

#include <openssl/ssl.h>
#include <string.h>

typedef struct {
  IkeKey *ca_key, *client_key, *server_key, *ec_key, *rogue_key;
  IkeCert *ca, *client, *server, *ec_client, *rogue_ca, *rogue_client;
} Pki;

static Pki pki;

static IkeCert *cert(const char *cn, IkeCertUse use, const IkeKey *k, const IkeCert *ca,
                     const IkeKey *ca_key)
{
  IkeCert *c = ike_cert_new(&(IkeCertSpec){.cn = cn, .use = use}, k, ca, ca_key);
  g_assert_nonnull(c);
  return c;
}

static void pki_init(void)
{
  Drbg *rng = drbg_new_stream(7, "p2s-tls-test pki");
  pki.ca_key = ike_key_new_rsa(rng, 2048);
  pki.client_key = ike_key_new_rsa(rng, 2048);
  pki.server_key = ike_key_new_rsa(rng, 2048);
  pki.ec_key = ike_key_new_ecdsa(rng);
  pki.rogue_key = ike_key_new_rsa(rng, 2048);
  pki.ca = cert("P2SRootCert", IKE_CERT_USE_CA, pki.ca_key, NULL, NULL);
  pki.client = cert("P2SChildCert", IKE_CERT_USE_CLIENT, pki.client_key, pki.ca, pki.ca_key);
  pki.server = cert("vgw1.vpnsim.test", IKE_CERT_USE_SERVER, pki.server_key, pki.ca, pki.ca_key);
  pki.ec_client = cert("P2SEcdsaCert", IKE_CERT_USE_CLIENT, pki.ec_key, pki.ca, pki.ca_key);
  pki.rogue_ca = cert("P2SRootCert", IKE_CERT_USE_CA, pki.rogue_key, NULL, NULL);
  pki.rogue_client = cert("P2SChildCert", IKE_CERT_USE_CLIENT, pki.client_key, pki.rogue_ca,
                          pki.rogue_key);
  drbg_free(rng);
}

typedef struct {
  P2sTls *c, *s;
  IkeTrust *ct, *st;
  Drbg *cr, *sr;
  GByteArray *wire; /* everything both sent, in order, for the determinism check */
  GPtrArray *at_c, *at_s;
} Pair;

typedef struct {
  const IkeCert *client_cert;
  const IkeKey *client_key;
  int max_version;
  const char *client_tls12; /* what the client offers in TLS 1.2 (NULL: the same) */
  bool revoke_client;
  uint64_t seed;
} Setup;

static void pair_new(Pair *p, const Setup *u)
{
  memset(p, 0, sizeof *p);
  p->ct = ike_trust_new();
  p->st = ike_trust_new();
  g_assert_true(ike_trust_add_root(p->ct, pki.ca));
  g_assert_true(ike_trust_add_root(p->st, pki.ca));
  ike_trust_set_rsa_only(p->st, true); /* facts 7.1 */
  if (u->revoke_client)
    g_assert_true(ike_trust_revoke(p->st, ike_cert_thumbprint(pki.client)));
  p->cr = drbg_new_stream(u->seed, "client");
  p->sr = drbg_new_stream(u->seed, "gateway");
  char *err = NULL;
  p->c = p2s_tls_new(&(P2sTlsConfig){.cert = u->client_cert, .key = u->client_key,
                                     .trust = p->ct, .validate_at = IKE_CERT_SIM_EPOCH,
                                     .max_version = u->max_version,
                                     .tls12_ciphers = u->client_tls12, .rng = p->cr},
                     &err);
  g_assert_null(err);
  p->s = p2s_tls_new(&(P2sTlsConfig){.server = true, .cert = pki.server, .key = pki.server_key,
                                     .trust = p->st, .validate_at = IKE_CERT_SIM_EPOCH,
                                     .max_version = u->max_version, .rng = p->sr},
                     &err);
  g_assert_null(err);
  p->wire = g_byte_array_new();
  p->at_c = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  p->at_s = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
}

static void pair_free(Pair *p)
{
  p2s_tls_free(p->c);
  p2s_tls_free(p->s);
  ike_trust_free(p->ct);
  ike_trust_free(p->st);
  drbg_free(p->cr);
  drbg_free(p->sr);
  g_byte_array_unref(p->wire);
  g_ptr_array_unref(p->at_c);
  g_ptr_array_unref(p->at_s);
}

/* Deliver tx to 'to' in pieces of 'chunk' bytes (0: at once); what it answers goes back. */
static void deliver(Pair *p, GByteArray *tx, bool to_server, size_t chunk)
{
  while (tx->len) {
    g_byte_array_append(p->wire, tx->data, tx->len);
    g_autoptr(GByteArray) back = g_byte_array_new();
    size_t step = chunk ? chunk : tx->len;
    for (size_t off = 0; off < tx->len; off += step)
      p2s_tls_input(to_server ? p->s : p->c, tx->data + off, MIN(step, tx->len - off), back,
                    to_server ? p->at_s : p->at_c);
    g_byte_array_set_size(tx, 0);
    g_byte_array_append(tx, back->data, back->len);
    to_server = !to_server;
  }
}

static void handshake(Pair *p, size_t chunk)
{
  g_autoptr(GByteArray) tx = g_byte_array_new();
  g_assert_cmpint(p2s_tls_start(p->s, tx), ==, P2S_TLS_HANDSHAKE);
  g_assert_cmpuint(tx->len, ==, 0); /* the server waits for the ClientHello */
  p2s_tls_start(p->c, tx);
  g_assert_cmpuint(tx->len, >, 0);
  deliver(p, tx, true, chunk);
}

/* a packet each way, and several in one burst split at odd places */
static void packets(Pair *p, size_t chunk)
{
  uint8_t pkt[1400];
  for (size_t i = 0; i < sizeof pkt; i++)
    pkt[i] = (uint8_t)(i * 7);
  g_autoptr(GByteArray) tx = g_byte_array_new();
  g_assert_true(p2s_tls_send(p->c, pkt, 84, tx));
  deliver(p, tx, true, chunk);
  g_assert_cmpuint(p->at_s->len, ==, 1);
  g_assert_cmpuint(g_bytes_get_size(g_ptr_array_index(p->at_s, 0)), ==, 84);
  g_assert_cmpmem(g_bytes_get_data(g_ptr_array_index(p->at_s, 0), NULL), 84, pkt, 84);
  for (int k = 0; k < 3; k++)
    g_assert_true(p2s_tls_send(p->s, pkt, sizeof pkt - (size_t)k, tx));
  deliver(p, tx, false, chunk);
  g_assert_cmpuint(p->at_c->len, ==, 3);
  g_assert_cmpuint(g_bytes_get_size(g_ptr_array_index(p->at_c, 2)), ==, sizeof pkt - 2);
  g_assert_cmpmem(g_bytes_get_data(g_ptr_array_index(p->at_c, 2), NULL), sizeof pkt - 2, pkt,
                  sizeof pkt - 2);
  /* nothing empty or oversized goes in */
  g_assert_false(p2s_tls_send(p->c, pkt, 0, tx));
  g_assert_false(p2s_tls_send(p->c, pkt, P2S_TLS_MAX_PACKET + 1, tx));
}

static void test_tls13(void)
{
  Pair p;
  pair_new(&p, &(Setup){pki.client, pki.client_key, 0, NULL, false, 1});
  handshake(&p, 0);
  g_assert_cmpint(p2s_tls_state(p.c), ==, P2S_TLS_ESTABLISHED);
  g_assert_cmpint(p2s_tls_state(p.s), ==, P2S_TLS_ESTABLISHED);
  g_assert_cmpstr(p2s_tls_version(p.s), ==, "TLSv1.3");
  /* facts 7.4: the first TLS 1.3 suite */
  g_assert_cmpstr(p2s_tls_cipher(p.s), ==, "TLS_AES_256_GCM_SHA384");
  g_assert_cmpint(p2s_tls_peer_verdict(p.s), ==, IKE_CERT_OK);
  g_assert_cmpstr(p2s_tls_peer_thumbprint(p.s), ==, ike_cert_thumbprint(pki.client));
  g_assert_cmpint(p2s_tls_peer_verdict(p.c), ==, IKE_CERT_OK);
  g_assert_cmpstr(p2s_tls_peer_thumbprint(p.c), ==, ike_cert_thumbprint(pki.server));
  packets(&p, 0);
  pair_free(&p);
}

/* TLS 1.2: each documented suite when the client offers only it, in any split */
static void test_tls12_suites(void)
{
  static const struct {
    const char *offer, *want;
  } rows[] = {
      {"ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
      {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
      {"ECDHE-RSA-AES256-SHA384", "ECDHE-RSA-AES256-SHA384"},
      {"ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    Pair p;
    pair_new(&p, &(Setup){pki.client, pki.client_key, TLS1_2_VERSION, rows[i].offer, false, 2});
    handshake(&p, i == 3 ? 7 : 0);
    g_test_message("%s: %s", rows[i].offer, p2s_tls_error(p.s) ? p2s_tls_error(p.s) : "ok");
    g_assert_cmpint(p2s_tls_state(p.s), ==, P2S_TLS_ESTABLISHED);
    g_assert_cmpstr(p2s_tls_version(p.c), ==, "TLSv1.2");
    g_assert_cmpstr(p2s_tls_cipher(p.c), ==, rows[i].want);
    packets(&p, i == 2 ? 5 : 0);
    pair_free(&p);
  }
  /* a suite the gateway does not list (facts 7.4): no shared cipher */
  Pair p;
  pair_new(&p, &(Setup){pki.client, pki.client_key, TLS1_2_VERSION, "AES256-SHA256", false, 2});
  handshake(&p, 0);
  g_assert_cmpint(p2s_tls_state(p.s), ==, P2S_TLS_FAILED);
  g_assert_nonnull(strstr(p2s_tls_error(p.s), "no shared cipher"));
  g_assert_cmpint(p2s_tls_state(p.c), ==, P2S_TLS_FAILED);
  pair_free(&p);
}

static void test_deterministic(void)
{
  GByteArray *w[3];
  for (int k = 0; k < 3; k++) {
    Pair p;
    pair_new(&p, &(Setup){pki.client, pki.client_key, 0, NULL, false, k == 2 ? 6 : 5});
    handshake(&p, 0);
    packets(&p, 0);
    w[k] = g_byte_array_ref(p.wire);
    pair_free(&p);
  }
  g_assert_cmpmem(w[0]->data, w[0]->len, w[1]->data, w[1]->len);
  g_assert_false(w[0]->len == w[2]->len && !memcmp(w[0]->data, w[2]->data, w[0]->len));
  for (int k = 0; k < 3; k++)
    g_byte_array_unref(w[k]);
}

/* Many sessions live at once, and each session's bytes its own: the sessions of a side share
 * one OpenSSL library context (one each was the old way, and OpenSSL 3.0 fails to make the
 * 511th, so that no more than 255 pairs could be live). 600 pairs are made and kept; one
 * handshake runs with another's interleaved (the other's whole handshake and packets between
 * the first's ClientHello and the rest), and its bytes are those it has alone. */
#define LIVE_PAIRS 600
static void test_shared(void)
{
  Pair alone;
  pair_new(&alone, &(Setup){pki.client, pki.client_key, 0, NULL, false, 5});
  handshake(&alone, 0);
  packets(&alone, 0);
  Pair *live = g_new0(Pair, LIVE_PAIRS);
  for (unsigned i = 0; i < LIVE_PAIRS; i++)
    pair_new(&live[i], &(Setup){pki.client, pki.client_key, 0, NULL, false, 100 + i});
  Pair a, *b = &live[LIVE_PAIRS - 1];
  pair_new(&a, &(Setup){pki.client, pki.client_key, 0, NULL, false, 5});
  g_autoptr(GByteArray) tx = g_byte_array_new();
  g_assert_cmpint(p2s_tls_start(a.s, tx), ==, P2S_TLS_HANDSHAKE);
  p2s_tls_start(a.c, tx);
  handshake(b, 0);
  g_assert_cmpint(p2s_tls_state(b->s), ==, P2S_TLS_ESTABLISHED);
  packets(b, 0);
  deliver(&a, tx, true, 0);
  g_assert_cmpint(p2s_tls_state(a.s), ==, P2S_TLS_ESTABLISHED);
  packets(&a, 0);
  g_assert_cmpmem(a.wire->data, a.wire->len, alone.wire->data, alone.wire->len);
  /* the first pair made still works after all the others */
  handshake(&live[0], 0);
  g_assert_cmpint(p2s_tls_state(live[0].c), ==, P2S_TLS_ESTABLISHED);
  packets(&live[0], 0);
  for (unsigned i = 0; i < LIVE_PAIRS; i++)
    pair_free(&live[i]);
  g_free(live);
  pair_free(&a);
  pair_free(&alone);
}

/* facts 7.1: certificates from another root, revoked ones and ECDSA ones are refused, with
 * the reason on the gateway's side; and no certificate at all */
static void test_refused(void)
{
  static const struct {
    const char *name;
    bool revoke, none;
    IkeCertVerdict want;
  } rows[] = {
      {"rogue", false, false, IKE_CERT_UNTRUSTED},
      {"revoked", true, false, IKE_CERT_REVOKED},
      {"ecdsa", false, false, IKE_CERT_KEY_TYPE},
      {"none", false, true, IKE_CERT_MALFORMED},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
    const IkeCert *c = !strcmp(rows[i].name, "rogue")   ? pki.rogue_client
                       : !strcmp(rows[i].name, "ecdsa") ? pki.ec_client
                                                        : pki.client;
    const IkeKey *k = !strcmp(rows[i].name, "ecdsa") ? pki.ec_key : pki.client_key;
    for (int v = 0; v < 2; v++) {
      Pair p;
      pair_new(&p, &(Setup){rows[i].none ? NULL : c, rows[i].none ? NULL : k,
                            v ? TLS1_2_VERSION : 0, NULL, rows[i].revoke, 3});
      handshake(&p, 0);
      g_test_message("%s TLS1.%d: %s", rows[i].name, v ? 2 : 3,
                     p2s_tls_error(p.s) ? p2s_tls_error(p.s) : "-");
      g_assert_cmpint(p2s_tls_state(p.s), ==, P2S_TLS_FAILED);
      g_assert_cmpint(p2s_tls_peer_verdict(p.s), ==, rows[i].want);
      if (!rows[i].none) {
        g_autofree char *want =
            g_strdup_printf("peer certificate %s", name_get(&ike_cert_verdict_names, rows[i].want));
        g_assert_cmpstr(p2s_tls_error(p.s), ==, want);
      }
      /* the client learns of it by the gateway's alert */
      g_assert_cmpint(p2s_tls_state(p.c), ==, P2S_TLS_FAILED);
      g_assert_false(p2s_tls_send(p.c, (const uint8_t *)"x", 1, p.wire));
      pair_free(&p);
    }
  }
}

/* what a peer sends never aborts: garbage before and after the handshake */
static void test_garbage(void)
{
  Pair p;
  pair_new(&p, &(Setup){pki.client, pki.client_key, 0, NULL, false, 4});
  g_autoptr(GByteArray) tx = g_byte_array_new();
  uint8_t junk[300];
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (uint8_t)(i * 31 + 5);
  g_assert_cmpint(p2s_tls_input(p.s, junk, sizeof junk, tx, p.at_s), ==, P2S_TLS_FAILED);
  g_assert_nonnull(p2s_tls_error(p.s));
  g_assert_cmpint(p2s_tls_input(p.s, junk, sizeof junk, tx, p.at_s), ==, P2S_TLS_FAILED);
  pair_free(&p);
  pair_new(&p, &(Setup){pki.client, pki.client_key, 0, NULL, false, 4});
  handshake(&p, 0);
  g_assert_cmpint(p2s_tls_state(p.s), ==, P2S_TLS_ESTABLISHED);
  g_byte_array_set_size(tx, 0);
  /* a well-formed record header with a forged body */
  uint8_t rec[64] = {0x17, 0x03, 0x03, 0x00, 59};
  memcpy(rec + 5, junk, 59);
  g_assert_cmpint(p2s_tls_input(p.s, rec, sizeof rec, tx, p.at_s), ==, P2S_TLS_FAILED);
  g_assert_nonnull(strstr(p2s_tls_error(p.s), "TLS record"));
  g_assert_cmpuint(p.at_s->len, ==, 0);
  pair_free(&p);
}

static void keylog_add(void *user, const char *line)
{
  g_ptr_array_add(user, g_strdup(line));
}

/* the key log (SSLKEYLOGFILE): TLS 1.3's traffic secrets, TLS 1.2's CLIENT_RANDOM, each
 * line naming the session's client random; and the peer's commonName */
static void test_keylog(void)
{
  for (int v = 0; v < 2; v++) {
    Pair p;
    pair_new(&p, &(Setup){pki.client, pki.client_key, v ? TLS1_2_VERSION : 0, NULL, false, 8});
    p2s_tls_free(p.s);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    char *err = NULL;
    p.s = p2s_tls_new(&(P2sTlsConfig){.server = true, .cert = pki.server, .key = pki.server_key,
                                      .trust = p.st, .validate_at = IKE_CERT_SIM_EPOCH,
                                      .max_version = v ? TLS1_2_VERSION : 0, .rng = p.sr,
                                      .keylog = keylog_add, .keylog_user = lines},
                      &err);
    g_assert_null(err);
    g_assert_null(p2s_tls_peer_cn(p.s));
    handshake(&p, 0);
    g_assert_cmpint(p2s_tls_state(p.s), ==, P2S_TLS_ESTABLISHED);
    g_assert_cmpstr(p2s_tls_peer_cn(p.s), ==, "P2SChildCert");
    g_assert_cmpstr(p2s_tls_peer_cn(p.c), ==, "vgw1.vpnsim.test");
    /* the ClientHello's random: record header 5, handshake header 4, version 2 */
    g_assert_cmpuint(p.wire->len, >, 43);
    char random[65];
    for (int i = 0; i < 32; i++)
      g_snprintf(random + 2 * i, 3, "%02x", p.wire->data[11 + i]);
    const char *want13[] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                            "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"};
    for (size_t k = 0; k < (v ? 1 : G_N_ELEMENTS(want13)); k++) {
      const char *label = v ? "CLIENT_RANDOM" : want13[k];
      g_autofree char *prefix = g_strdup_printf("%s %s ", label, random);
      bool found = false;
      for (guint i = 0; i < lines->len; i++)
        found |= g_str_has_prefix(g_ptr_array_index(lines, i), prefix);
      g_test_message("TLS1.%d %s: %s", v ? 2 : 3, label, found ? "found" : "missing");
      g_assert_true(found);
    }
    pair_free(&p);
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  pki_init();
  g_test_add_func("/p2s_tls/tls13", test_tls13);
  g_test_add_func("/p2s_tls/tls12-suites", test_tls12_suites);
  g_test_add_func("/p2s_tls/deterministic", test_deterministic);
  g_test_add_func("/p2s_tls/shared", test_shared);
  g_test_add_func("/p2s_tls/refused", test_refused);
  g_test_add_func("/p2s_tls/garbage", test_garbage);
  g_test_add_func("/p2s_tls/keylog", test_keylog);
  int r = g_test_run();
  IkeCert *certs[] = {pki.ca, pki.client, pki.server, pki.ec_client, pki.rogue_ca, pki.rogue_client};
  for (size_t i = 0; i < G_N_ELEMENTS(certs); i++)
    ike_cert_unref(certs[i]);
  IkeKey *keys[] = {pki.ca_key, pki.client_key, pki.server_key, pki.ec_key, pki.rogue_key};
  for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
    ike_key_free(keys[i]);
  return r;
}
