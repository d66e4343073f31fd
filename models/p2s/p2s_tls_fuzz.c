/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the P2S TLS session's gateway side: arbitrary bytes as a client's
 * TCP stream (the first byte picks how it is split and the TLS version), fed to a fresh
 * server session; whatever arrives must end in a state, never a crash or a leak. The seeds
 * are real ClientHellos of the test client (TLS 1.3 and 1.2). */
#include "models/p2s/p2s_tls.h"

#include <openssl/ssl.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static IkeKey *key;
static IkeCert *server;
static IkeTrust *trust;

static void setup(void)
{
  if (server)
    return;
  Drbg *rng = drbg_new_stream(1, "p2s-tls-fuzz pki");
  key = ike_key_new_rsa(rng, 2048);
  IkeCert *ca = ike_cert_new(&(IkeCertSpec){.cn = "P2SRootCert", .use = IKE_CERT_USE_CA}, key,
                             NULL, NULL);
  server = ike_cert_new(&(IkeCertSpec){.cn = "vgw1", .use = IKE_CERT_USE_SERVER}, key, ca, key);
  trust = ike_trust_new();
  ike_trust_add_root(trust, ca);
  ike_trust_set_rsa_only(trust, true);
  ike_cert_unref(ca);
  drbg_free(rng);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  setup();
  uint8_t sel = data[0];
  Drbg *rng = drbg_new_stream(2, "p2s-tls-fuzz");
  char *err = NULL;
  P2sTls *t = p2s_tls_new(&(P2sTlsConfig){.server = true, .cert = server, .key = key,
                                          .trust = trust, .validate_at = IKE_CERT_SIM_EPOCH,
                                          .max_version = sel & 1 ? TLS1_2_VERSION : 0,
                                          .rng = rng},
                          &err);
  if (!t)
    __builtin_trap();
  GByteArray *tx = g_byte_array_new();
  GPtrArray *pk = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  size_t step = (sel >> 1) ? (sel >> 1) : size;
  for (size_t off = 1; off < size; off += step)
    p2s_tls_input(t, data + off, MIN(step, size - off), tx, pk);
  P2sTlsState st = p2s_tls_state(t);
  if (st == P2S_TLS_FAILED && !p2s_tls_error(t))
    __builtin_trap();
  g_ptr_array_unref(pk);
  g_byte_array_unref(tx);
  p2s_tls_free(t);
  drbg_free(rng);
  return 0;
}
