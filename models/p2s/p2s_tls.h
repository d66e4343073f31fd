/* SPDX-License-Identifier: MIT */
/* The TLS session of a point-to-site OpenVPN or SSTP tunnel (issue 19), sans I/O: TLS 1.2 or
 * 1.3 with real OpenSSL over memory buffers, the suites Azure documents (facts 7.4), the
 * client certificate validated as for IKEv2 (ike_trust_verify: roots, usage, RSA only,
 * revocation by thumbprint), and IP packets carried in the TLS session with vpnsim's own
 * framing past the handshake (a 16-bit big-endian length, then the packet; neither
 * OpenVPN's nor SSTP's own protocol bytes).
 *
 * Deterministic: the sessions of a side share one OpenSSL library context whose random
 * generators are OpenSSL's TEST-RAND, refilled from the session's own DRBG before each of its
 * calls into TLS, so the client and server randoms, the ECDHE keys and the RSA-PSS salts,
 * hence every byte on the wire, follow the seed, whatever other sessions run beside it.
 * Session tickets are off (they would carry the wall clock). Sessions are driven from one
 * thread. */
#ifndef VPNSIM_P2S_TLS_H
#define VPNSIM_P2S_TLS_H

#include "models/common/drbg.h"
#include "models/ike/ike_cert_crypto.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
  P2S_TLS_HANDSHAKE = 0, /* under way */
  P2S_TLS_ESTABLISHED,   /* packets may flow */
  P2S_TLS_FAILED,        /* handshake or record failure: p2s_tls_error says why */
} P2sTlsState;

/* The TLS 1.2 suites of facts 7.4 in OpenSSL's names, in the documented order, and the
 * TLS 1.3 ones. */
#define P2S_TLS12_CIPHERS                                                                     \
  "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:"          \
  "ECDHE-RSA-AES128-SHA256"
#define P2S_TLS13_SUITES "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256"

#define P2S_TLS_MAX_PACKET 65535

typedef struct {
  bool server;
  const IkeCert *cert; /* our certificate: the gateway's server or the client's certificate */
  const IkeKey *key;   /* its key */
  const IkeTrust *trust; /* what the peer's certificate must chain to (server: the P2S roots
                          * and revoked thumbprints; client: the gateway's root) */
  int64_t validate_at; /* Unix seconds the peer's certificate is validated at */
  int max_version;     /* 0: TLS 1.3; TLS1_2_VERSION (0x0303) for TLS 1.2 only */
  const char *tls12_ciphers; /* NULL: P2S_TLS12_CIPHERS (a client may offer others) */
  const char *tls13_suites;  /* NULL: P2S_TLS13_SUITES */
  bool server_order;         /* a server picks by its own order of the suites, not the
                                client's */
  Drbg *rng;                 /* the run's DRBG; borrowed for the session's life */
  /* Optional: each secret of the session as one line of the SSLKEYLOGFILE format
   * (NSS key log: "CLIENT_RANDOM ..." for TLS 1.2, the "*_TRAFFIC_SECRET_0" lines for
   * 1.3), so that Wireshark can decrypt a capture. The line is borrowed for the call. */
  void (*keylog)(void *user, const char *line);
  void *keylog_user;
} P2sTlsConfig;

typedef struct P2sTls P2sTls;

/* NULL with *err (g_free) when the configuration cannot make a TLS context. */
P2sTls *p2s_tls_new(const P2sTlsConfig *cfg, char **err);
void p2s_tls_free(P2sTls *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(P2sTls, p2s_tls_free)

/* A client writes its ClientHello to tx (a server writes nothing). */
P2sTlsState p2s_tls_start(P2sTls *t, GByteArray *tx);
/* Bytes the peer sent (any split of its stream); what we answer is appended to tx, every
 * whole packet that arrived to packets (GBytes). A peer's bytes never abort: a bad
 * record, certificate or frame makes the session FAILED with the reason. */
P2sTlsState p2s_tls_input(P2sTls *t, const uint8_t *data, size_t n, GByteArray *tx,
                          GPtrArray *packets);
/* One packet into the session (ESTABLISHED only; 1..P2S_TLS_MAX_PACKET bytes). */
bool p2s_tls_send(P2sTls *t, const uint8_t *pkt, size_t n, GByteArray *tx);

P2sTlsState p2s_tls_state(const P2sTls *t);
const char *p2s_tls_error(const P2sTls *t);   /* NULL unless FAILED */
const char *p2s_tls_version(const P2sTls *t); /* "TLSv1.3", once established */
const char *p2s_tls_cipher(const P2sTls *t);  /* the IANA-style OpenSSL name */
/* The verdict on the peer's certificate (a server always asks for one), and its
 * thumbprint (NULL: none was sent). */
IkeCertVerdict p2s_tls_peer_verdict(const P2sTls *t);
const char *p2s_tls_peer_thumbprint(const P2sTls *t);
/* The commonName of the peer's certificate (NULL: none was sent, or it has none). */
const char *p2s_tls_peer_cn(const P2sTls *t);

#endif
