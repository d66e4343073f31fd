/* SPDX-License-Identifier: MIT */
/* Certificate fixtures for the exchange tests: a deterministic P2S PKI (a root, a client
 * and a server certificate, an ECDSA client, a rogue root issuing the same subject), a
 * two-address pool for IkeEnv.cp_assign, and the client/gateway configuration of a
 * point-to-site connection with certificate authentication. One PKI per test binary
 * (pki_init in main): RSA key generation is the slow part. */
#pragma once

#include "conformance/ikev2_harness.h"
#include "models/ike/ike_cert_crypto.h"

typedef struct {
  IkeKey *ca_key, *client_key, *server_key, *ec_key, *rogue_key;
  IkeCert *ca, *client, *server, *ec_client, *rogue_ca, *rogue_client;
} Pki;

static Pki pki;

static inline void pki_init(void)
{
  Drbg *rng = drbg_new_stream(19, "conformance/pki");
  pki.ca_key = ike_key_new_rsa(rng, 2048);
  pki.client_key = ike_key_new_rsa(rng, 2048);
  pki.server_key = ike_key_new_rsa(rng, 2048);
  pki.ec_key = ike_key_new_ecdsa(rng);
  pki.rogue_key = ike_key_new_rsa(rng, 2048);
  drbg_free(rng);
  pki.ca = ike_cert_new(&(IkeCertSpec){.cn = "P2SRootCert", .use = IKE_CERT_USE_CA}, pki.ca_key,
                        NULL, NULL);
  pki.client = ike_cert_new(&(IkeCertSpec){.cn = "P2SChildCert", .use = IKE_CERT_USE_CLIENT,
                                           .serial = 2},
                            pki.client_key, pki.ca, pki.ca_key);
  pki.server = ike_cert_new(&(IkeCertSpec){.cn = "vgw1.vpnsim.test", .use = IKE_CERT_USE_SERVER,
                                           .serial = 3},
                            pki.server_key, pki.ca, pki.ca_key);
  pki.ec_client = ike_cert_new(&(IkeCertSpec){.cn = "P2SEcdsaCert", .use = IKE_CERT_USE_CLIENT,
                                              .serial = 4},
                               pki.ec_key, pki.ca, pki.ca_key);
  pki.rogue_ca = ike_cert_new(&(IkeCertSpec){.cn = "P2SRootCert", .use = IKE_CERT_USE_CA},
                              pki.rogue_key, NULL, NULL);
  pki.rogue_client = ike_cert_new(&(IkeCertSpec){.cn = "P2SChildCert",
                                                 .use = IKE_CERT_USE_CLIENT, .serial = 2},
                                  pki.client_key, pki.rogue_ca, pki.rogue_key);
  g_assert_nonnull(pki.rogue_client);
  g_assert_nonnull(pki.ec_client);
  g_assert_nonnull(pki.server);
}

static inline void pki_clear(void)
{
  IkeCert *certs[] = {pki.ca, pki.client, pki.server, pki.ec_client, pki.rogue_ca,
                      pki.rogue_client};
  for (size_t i = 0; i < G_N_ELEMENTS(certs); i++)
    ike_cert_unref(certs[i]);
  IkeKey *keys[] = {pki.ca_key, pki.client_key, pki.server_key, pki.ec_key, pki.rogue_key};
  for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
    ike_key_free(keys[i]);
}

/* The pool: 172.16.201.2, .3, ... from a /24, the VNet 10.1.0.0/16 as the route. */
static inline bool pool_assign(void *user, const char *peer_id, IkeCpLease *out)
{
  HPeer *p = user;
  g_assert_nonnull(peer_id);
  if (p->cp_assigned >= 2)
    return false; /* the pool of this test is two addresses */
  out->addr = ipv4_addr(172, 16, 201, (uint8_t)(2 + p->cp_assigned++));
  out->prefix_len = 24;
  out->dns[0] = ipv4_addr(10, 1, 0, 4);
  out->n_dns = 1;
  out->routes[0] = ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16);
  out->n_routes = 1;
  return true;
}

typedef struct {
  IkeTrust *gw_trust, *client_trust;
} Trusts;

/* A: the client (certificate, method 14, DN identity, CFG_REQUEST); B: the gateway. */
static inline void cert_setup(Harness *h, Trusts *t, IkeCert *client_cert, const IkeKey *client_key)
{
  h_init(h, 1900);
  t->gw_trust = ike_trust_new();
  ike_trust_add_root(t->gw_trust, pki.ca);
  ike_trust_set_rsa_only(t->gw_trust, true); /* facts 7.1: RSA only for IKEv2 P2S */
  t->client_trust = ike_trust_new();
  ike_trust_add_root(t->client_trust, pki.ca);
  IkeConfig *a = &h->p[0].cfg, *b = &h->p[1].cfg;
  a->auth_method = IKEV2_AUTH_DIGITAL_SIG;
  a->local_cert = client_cert;
  a->local_key = client_key;
  a->local_id.type = IKEV2_ID_DER_ASN1_DN;
  a->remote_id.type = 0;
  a->trust = t->client_trust;
  a->peer_cert_use = IKE_CERT_USE_SERVER;
  a->cp_request = true;
  a->psk = NULL;
  a->psk_len = 0;
  b->auth_method = IKEV2_AUTH_DIGITAL_SIG;
  b->local_cert = pki.server;
  b->local_key = pki.server_key;
  b->local_id.type = IKEV2_ID_DER_ASN1_DN;
  b->remote_id.type = 0;
  b->trust = t->gw_trust;
  b->peer_cert_use = IKE_CERT_USE_CLIENT;
  b->psk = NULL;
  b->psk_len = 0;
  h->p[1].cp_assign = pool_assign;
}

static inline void cert_clear(Harness *h, Trusts *t)
{
  h_clear(h);
  ike_trust_free(t->gw_trust);
  ike_trust_free(t->client_trust);
}

