/* SPDX-License-Identifier: MIT */
/* The TLS session of a P2S OpenVPN or SSTP tunnel: see p2s_tls.h (the file is a crypto file
 * by the layering rules: OpenSSL is included only in those). */
#include "models/p2s/p2s_tls.h"

#include "models/common/wire.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <string.h>

struct P2sTls {
  P2sTlsConfig cfg;
  OSSL_LIB_CTX *lib; /* the side's shared context (below), one reference */
  SSL_CTX *ctx;
  SSL *ssl;
  BIO *rbio, *wbio; /* owned by ssl */
  P2sTlsState state;
  char *error;
  bool verified; /* the peer's leaf was judged (the callback runs more than once) */
  IkeCertVerdict verdict;
  char thumb[41];
  char *cn; /* the peer's commonName */
  GByteArray *frames; /* decrypted bytes not yet a whole frame */
};

/* ---- the library context sessions share ---- */

/* One OpenSSL library context per side (servers, clients), shared by every session of that
 * side and freed with its last session. One per session was the old way, and OpenSSL 3.0
 * cannot hold more than about 510 live contexts (each takes two thread-local keys for its
 * public and private generators, and a process has 1,024), so a run held no more than about
 * 255 sessions. Sharing keeps every session's bytes its own: the context's generators are
 * TEST-RAND, whose output is exactly the entropy last given to it, and each session refills
 * them from its own DRBG stream (refill) before each of its calls into OpenSSL, which setting
 * the entropy does from the start of the new buffer; no call of one session runs between
 * another's refill and its call (sessions are driven from one thread, like the rest of a
 * run). So a session's bytes depend on its own stream only, not on how many other sessions
 * there are or in what order they run. */
typedef struct {
  OSSL_LIB_CTX *lib;
  OSSL_PROVIDER *prov;
  unsigned refs;
} SharedLib;

static SharedLib shared_lib[2]; /* [0] clients, [1] servers */
G_LOCK_DEFINE_STATIC(shared_lib);

static void shared_drop(SharedLib *s)
{
  OSSL_PROVIDER_unload(s->prov);
  OSSL_LIB_CTX_free(s->lib);
  *s = (SharedLib){0};
}

static OSSL_LIB_CTX *shared_get(bool server)
{
  G_LOCK(shared_lib);
  SharedLib *s = &shared_lib[server];
  if (!s->lib) {
    s->lib = OSSL_LIB_CTX_new();
    s->prov = s->lib ? OSSL_PROVIDER_load(s->lib, "default") : NULL;
    if (!s->prov || !RAND_set_DRBG_type(s->lib, "TEST-RAND", NULL, NULL, NULL)) {
      ERR_clear_error();
      shared_drop(s);
    }
  }
  OSSL_LIB_CTX *lib = s->lib;
  if (lib)
    s->refs++;
  G_UNLOCK(shared_lib);
  return lib;
}

static void shared_put(OSSL_LIB_CTX *lib)
{
  if (!lib)
    return;
  G_LOCK(shared_lib);
  for (size_t k = 0; k < G_N_ELEMENTS(shared_lib); k++)
    if (shared_lib[k].lib == lib && --shared_lib[k].refs == 0)
      shared_drop(&shared_lib[k]);
  G_UNLOCK(shared_lib);
}

/* ---- the session's random bytes ---- */

/* Bytes each of the context's generators may hand out before the next call into TLS: a
 * handshake flight needs randoms, an ECDHE key and a signature salt; a TLS 1.2 CBC record
 * its explicit IV. */
#define RAND_HANDSHAKE 2048
#define RAND_RECORD 64

static void refill(P2sTls *t, size_t n)
{
  uint8_t buf[RAND_HANDSHAKE];
  unsigned strength = 256;
  EVP_RAND_CTX *r[3] = {RAND_get0_primary(t->lib), RAND_get0_public(t->lib),
                        RAND_get0_private(t->lib)};
  for (int k = 0; k < 3; k++) {
    if (!r[k])
      continue;
    drbg_bytes(t->cfg.rng, buf, n);
    OSSL_PARAM p[3] = {OSSL_PARAM_construct_octet_string(OSSL_RAND_PARAM_TEST_ENTROPY, buf, n),
                       OSSL_PARAM_construct_uint(OSSL_RAND_PARAM_STRENGTH, &strength),
                       OSSL_PARAM_END};
    EVP_RAND_CTX_set_params(r[k], p);
  }
  OPENSSL_cleanse(buf, sizeof buf);
}

/* ---- failures ---- */

static void fail(P2sTls *t, const char *why)
{
  if (t->state == P2S_TLS_FAILED)
    return;
  t->state = P2S_TLS_FAILED;
  g_free(t->error);
  t->error = g_strdup(why);
}

/* The reason OpenSSL gives (without file and line, so the same run gives the same text). */
static void fail_ssl(P2sTls *t, const char *what)
{
  unsigned long e = ERR_peek_last_error();
  const char *r = e ? ERR_reason_error_string(e) : NULL;
  g_autofree char *why = g_strdup_printf("%s: %s", what, r ? r : "failed");
  ERR_clear_error();
  fail(t, why);
}

/* ---- the peer's certificate, judged like IKEv2's (ike_trust_verify) ---- */

static IkeCert *cert_of(X509 *x)
{
  unsigned char *der = NULL;
  int n = i2d_X509(x, &der);
  if (n <= 0)
    return NULL;
  IkeCert *c = ike_cert_from_der(der, (size_t)n);
  OPENSSL_free(der);
  return c;
}

static int verdict_error(IkeCertVerdict v)
{
  switch (v) {
  case IKE_CERT_OK: return X509_V_OK;
  case IKE_CERT_REVOKED: return X509_V_ERR_CERT_REVOKED;
  case IKE_CERT_EXPIRED: return X509_V_ERR_CERT_HAS_EXPIRED;
  case IKE_CERT_WRONG_USAGE: return X509_V_ERR_INVALID_PURPOSE;
  case IKE_CERT_KEY_TYPE: return X509_V_ERR_EE_KEY_TOO_SMALL;
  case IKE_CERT_MALFORMED: return X509_V_ERR_UNSPECIFIED;
  default: return X509_V_ERR_CERT_UNTRUSTED;
  }
}

/* OpenSSL has no trust store here: its own judgement (an unknown issuer, the wall clock)
 * is replaced by the verdict of ike_trust_verify on the leaf at validate_at. */
static int verify_cb(int preverify_ok, X509_STORE_CTX *xs)
{
  (void)preverify_ok;
  SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
  P2sTls *t = ssl ? SSL_get_app_data(ssl) : NULL;
  if (!t)
    return 0;
  if (X509_STORE_CTX_get_error_depth(xs) != 0) {
    X509_STORE_CTX_set_error(xs, X509_V_OK);
    return 1;
  }
  if (!t->verified) {
    t->verified = true;
    X509 *leaf = X509_STORE_CTX_get0_cert(xs);
    g_autoptr(IkeCert) c = leaf ? cert_of(leaf) : NULL;
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_untrusted(xs);
    IkeCert *inter[8];
    size_t ni = 0;
    for (int i = 0; chain && i < sk_X509_num(chain) && ni < G_N_ELEMENTS(inter); i++) {
      X509 *x = sk_X509_value(chain, i);
      if (x != leaf && (inter[ni] = cert_of(x)))
        ni++;
    }
    t->verdict = c ? ike_trust_verify(t->cfg.trust, c, inter, ni,
                                      t->cfg.server ? IKE_CERT_USE_CLIENT : IKE_CERT_USE_SERVER,
                                      t->cfg.validate_at)
                   : IKE_CERT_MALFORMED;
    if (c) {
      g_strlcpy(t->thumb, ike_cert_thumbprint(c), sizeof t->thumb);
      g_autofree char *subj = ike_cert_subject(c);
      const char *cn = subj ? strstr(subj, "CN=") : NULL;
      if (cn && (cn == subj || cn[-1] == ',')) {
        cn += 3;
        t->cn = g_utf8_make_valid(cn, (gssize)strcspn(cn, ","));
      }
    }
    for (size_t i = 0; i < ni; i++)
      ike_cert_unref(inter[i]);
  }
  X509_STORE_CTX_set_error(xs, verdict_error(t->verdict));
  return t->verdict == IKE_CERT_OK;
}

/* ---- the session ---- */

static void keylog_cb(const SSL *ssl, const char *line)
{
  P2sTls *t = SSL_get_app_data(ssl);
  if (t && t->cfg.keylog && line)
    t->cfg.keylog(t->cfg.keylog_user, line);
}

static bool load_own(P2sTls *t, char **err)
{
  g_autofree char *pem = ike_key_pem(t->cfg.key);
  BIO *kb = pem ? BIO_new_mem_buf(pem, -1) : NULL;
  EVP_PKEY *pk = kb ? PEM_read_bio_PrivateKey_ex(kb, NULL, NULL, NULL, t->lib, NULL) : NULL;
  BIO_free(kb);
  if (pem)
    OPENSSL_cleanse(pem, strlen(pem));
  size_t n = 0;
  const uint8_t *der = ike_cert_der(t->cfg.cert, &n);
  X509 *x = X509_new_ex(t->lib, NULL);
  const unsigned char *p = der;
  bool ok = pk && x && der && d2i_X509(&x, &p, (long)n) && SSL_CTX_use_certificate(t->ctx, x) == 1 &&
            SSL_CTX_use_PrivateKey(t->ctx, pk) == 1 && SSL_CTX_check_private_key(t->ctx) == 1;
  X509_free(x);
  EVP_PKEY_free(pk);
  if (!ok) {
    *err = g_strdup("the certificate or key cannot be used for TLS");
    ERR_clear_error();
  }
  return ok;
}

P2sTls *p2s_tls_new(const P2sTlsConfig *cfg, char **err)
{
  g_return_val_if_fail(cfg && cfg->rng && cfg->trust && err, NULL);
  *err = NULL;
  if (cfg->server && (!cfg->cert || !cfg->key)) {
    *err = g_strdup("a TLS server needs its certificate and key");
    return NULL;
  }
  P2sTls *t = g_new0(P2sTls, 1);
  t->cfg = *cfg;
  t->frames = g_byte_array_new();
  t->lib = shared_get(cfg->server);
  if (!t->lib) {
    *err = g_strdup("OpenSSL: no library context with a test generator");
    p2s_tls_free(t);
    return NULL;
  }
  refill(t, RAND_HANDSHAKE);
  t->ctx = SSL_CTX_new_ex(t->lib, NULL, cfg->server ? TLS_server_method() : TLS_client_method());
  const char *c12 = cfg->tls12_ciphers ? cfg->tls12_ciphers : P2S_TLS12_CIPHERS;
  const char *c13 = cfg->tls13_suites ? cfg->tls13_suites : P2S_TLS13_SUITES;
  if (!t->ctx || !SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION) ||
      !SSL_CTX_set_max_proto_version(t->ctx, cfg->max_version ? cfg->max_version : TLS1_3_VERSION) ||
      !SSL_CTX_set_cipher_list(t->ctx, c12) || !SSL_CTX_set_ciphersuites(t->ctx, c13)) {
    *err = g_strdup("OpenSSL refused the TLS versions or suites");
    ERR_clear_error();
    p2s_tls_free(t);
    return NULL;
  }
  /* no tickets (their age is wall-clock time), and the certificate time is the run's */
  SSL_CTX_set_options(t->ctx, SSL_OP_NO_TICKET);
  if (cfg->server && cfg->server_order)
    SSL_CTX_set_options(t->ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_num_tickets(t->ctx, 0);
  X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(t->ctx), (time_t)cfg->validate_at);
  if (cfg->keylog)
    SSL_CTX_set_keylog_callback(t->ctx, keylog_cb);
  SSL_CTX_set_verify(t->ctx,
                     SSL_VERIFY_PEER | (cfg->server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
                     verify_cb);
  if (cfg->cert && cfg->key && !load_own(t, err)) {
    p2s_tls_free(t);
    return NULL;
  }
  t->ssl = SSL_new(t->ctx);
  t->rbio = BIO_new(BIO_s_mem());
  t->wbio = BIO_new(BIO_s_mem());
  if (!t->ssl || !t->rbio || !t->wbio) {
    BIO_free(t->rbio);
    BIO_free(t->wbio);
    t->rbio = t->wbio = NULL;
    *err = g_strdup("OpenSSL: out of memory");
    p2s_tls_free(t);
    return NULL;
  }
  SSL_set_bio(t->ssl, t->rbio, t->wbio);
  SSL_set_app_data(t->ssl, t);
  if (cfg->server)
    SSL_set_accept_state(t->ssl);
  else
    SSL_set_connect_state(t->ssl);
  return t;
}

void p2s_tls_free(P2sTls *t)
{
  if (!t)
    return;
  SSL_free(t->ssl);
  SSL_CTX_free(t->ctx);
  shared_put(t->lib);
  g_free(t->error);
  g_free(t->cn);
  g_byte_array_unref(t->frames);
  g_free(t);
}

static void flush(P2sTls *t, GByteArray *tx)
{
  uint8_t buf[4096];
  int n;
  while ((n = BIO_read(t->wbio, buf, sizeof buf)) > 0)
    if (tx)
      g_byte_array_append(tx, buf, (guint)n);
}

/* The handshake as far as the bytes in hand take it. */
static void handshake(P2sTls *t)
{
  refill(t, RAND_HANDSHAKE);
  int r = SSL_do_handshake(t->ssl);
  if (r == 1) {
    t->state = P2S_TLS_ESTABLISHED;
    return;
  }
  int e = SSL_get_error(t->ssl, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
    return;
  if (t->verified && t->verdict != IKE_CERT_OK) {
    g_autofree char *why = g_strdup_printf("peer certificate %s",
                                           name_get(&ike_cert_verdict_names, t->verdict));
    ERR_clear_error();
    fail(t, why);
    return;
  }
  fail_ssl(t, "TLS handshake");
}

/* Whole frames out of the decrypted stream: a 16-bit length, then that many bytes. */
static void unframe(P2sTls *t, GPtrArray *packets)
{
  size_t off = 0;
  while (t->frames->len - off >= 2) {
    size_t n = wire_load_be16(t->frames->data + off);
    if (n == 0) {
      fail(t, "bad frame: zero length");
      break;
    }
    if (t->frames->len - off - 2 < n)
      break;
    if (packets)
      g_ptr_array_add(packets, g_bytes_new(t->frames->data + off + 2, n));
    off += 2 + n;
  }
  g_byte_array_remove_range(t->frames, 0, (guint)off);
}

P2sTlsState p2s_tls_start(P2sTls *t, GByteArray *tx)
{
  g_return_val_if_fail(t, P2S_TLS_FAILED);
  if (!t->cfg.server && t->state == P2S_TLS_HANDSHAKE)
    handshake(t);
  flush(t, tx);
  return t->state;
}

P2sTlsState p2s_tls_input(P2sTls *t, const uint8_t *data, size_t n, GByteArray *tx,
                          GPtrArray *packets)
{
  g_return_val_if_fail(t && (data || !n), P2S_TLS_FAILED);
  if (t->state == P2S_TLS_FAILED)
    return t->state;
  if (n && BIO_write(t->rbio, data, (int)n) != (int)n) {
    fail(t, "input buffer");
    return t->state;
  }
  if (t->state == P2S_TLS_HANDSHAKE)
    handshake(t);
  while (t->state == P2S_TLS_ESTABLISHED) {
    uint8_t buf[16384];
    size_t got = 0;
    refill(t, RAND_RECORD);
    if (SSL_read_ex(t->ssl, buf, sizeof buf, &got) == 1) {
      g_byte_array_append(t->frames, buf, (guint)got);
      unframe(t, packets);
      continue;
    }
    int e = SSL_get_error(t->ssl, 0);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
      break;
    if (e == SSL_ERROR_ZERO_RETURN)
      fail(t, "closed by the peer");
    else
      fail_ssl(t, "TLS record");
  }
  flush(t, tx);
  return t->state;
}

bool p2s_tls_send(P2sTls *t, const uint8_t *pkt, size_t n, GByteArray *tx)
{
  g_return_val_if_fail(t && pkt, false);
  if (t->state != P2S_TLS_ESTABLISHED || n == 0 || n > P2S_TLS_MAX_PACKET)
    return false;
  g_autofree uint8_t *f = g_malloc(n + 2);
  wire_store_be16(f, (uint16_t)n);
  memcpy(f + 2, pkt, n);
  size_t w = 0;
  refill(t, RAND_RECORD);
  if (SSL_write_ex(t->ssl, f, n + 2, &w) != 1 || w != n + 2) {
    fail_ssl(t, "TLS write");
    flush(t, tx);
    return false;
  }
  flush(t, tx);
  return true;
}

P2sTlsState p2s_tls_state(const P2sTls *t) { return t ? t->state : P2S_TLS_FAILED; }
const char *p2s_tls_error(const P2sTls *t) { return t ? t->error : NULL; }
const char *p2s_tls_version(const P2sTls *t)
{
  return t && t->state == P2S_TLS_ESTABLISHED ? SSL_get_version(t->ssl) : NULL;
}
const char *p2s_tls_cipher(const P2sTls *t)
{
  return t && t->state == P2S_TLS_ESTABLISHED ? SSL_get_cipher_name(t->ssl) : NULL;
}
IkeCertVerdict p2s_tls_peer_verdict(const P2sTls *t)
{
  return t && t->verified ? t->verdict : IKE_CERT_MALFORMED;
}
const char *p2s_tls_peer_thumbprint(const P2sTls *t)
{
  return t && t->thumb[0] ? t->thumb : NULL;
}
const char *p2s_tls_peer_cn(const P2sTls *t)
{
  return t ? t->cn : NULL;
}
