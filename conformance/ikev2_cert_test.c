/* SPDX-License-Identifier: MIT */
/* Exchange tests of certificate authentication and the configuration payload (RFC 7296
 * 1.2, 2.15, 2.19, 3.6-3.8, 3.15; RFC 7427), the point-to-site shapes of issue 19: A is a
 * client with an RSA certificate from the P2S root, B a gateway with a server certificate
 * that trusts the root, refuses revoked and ECDSA client certificates (facts 7.1) and
 * hands out an address from its pool. */
#include "conformance/ikev2_cert_harness.h"
#include "models/ike/ikev2_ts.h"

static void test_cert_auth_ok_and_cp(void)
{
  Harness h;
  Trusts t;
  cert_setup(&h, &t, pki.client, pki.client_key);
  h_start(&h);
  h_expect_line(&h, "IKE_SA_INIT request #0 [SA KE No N(NATD_S_IP) N(NATD_D_IP)]");
  h_deliver(&h);
  /* RFC 7296 1.2: the gateway names the CA it trusts */
  {
    g_autoptr(Ikev2Message) m = h_open(&h);
    const Ikev2Payload *cr = ikev2_message_find(m, IKEV2_PL_CERTREQ, 0);
    g_assert_nonnull(cr);
    g_assert_cmpuint(cr->u.cert.encoding, ==, IKEV2_CERT_X509_SIGNATURE);
    uint8_t hash[20];
    ike_cert_spki_sha1(pki.ca, hash);
    g_assert_cmpmem(cr->u.cert.data.p, cr->u.cert.data.n, hash, 20);
  }
  h_deliver(&h);
  h_expect_line(&h, "IKE_AUTH request #1 [IDi CERT CERTREQ AUTH CPRQ SA TSi TSr N(INIT_CONTACT)]");
  {
    g_autoptr(Ikev2Message) m = h_open(&h);
    const Ikev2Payload *cert = ikev2_message_find(m, IKEV2_PL_CERT, 0);
    size_t n;
    const uint8_t *der = ike_cert_der(pki.client, &n);
    g_assert_cmpmem(cert->u.cert.data.p, cert->u.cert.data.n, der, n);
    const Ikev2Payload *id = ikev2_message_find(m, IKEV2_PL_IDI, 0);
    g_assert_cmpuint(id->u.id.type, ==, IKEV2_ID_DER_ASN1_DN);
    const Ikev2Payload *au = ikev2_message_find(m, IKEV2_PL_AUTH, 0);
    Ikev2AuthSig sig;
    WireDiag d;
    g_assert_cmpint(ikev2_auth_sig_split(&au->u.auth, &sig, &d), ==, WIRE_OK);
    g_assert_cmpint(sig.scheme, ==, IKEV2_SIG_RSA_SHA256);
    g_assert_cmpuint(sig.sig_len, ==, 256);
    const Ikev2Payload *cp = ikev2_message_find(m, IKEV2_PL_CP, 0);
    g_assert_cmpuint(cp->u.cp.cfg_type, ==, IKEV2_CFG_REQUEST);
    g_assert_nonnull(ikev2_cp_find(&cp->u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, 0));
  }
  h_deliver(&h);
  h_expect_line(&h, "IKE_AUTH response #1 [IDr CERT AUTH CPRP SA TSi TSr]");
  {
    g_autoptr(Ikev2Message) m = h_open(&h);
    const Ikev2Payload *cp = ikev2_message_find(m, IKEV2_PL_CP, 0);
    g_assert_cmpuint(cp->u.cp.cfg_type, ==, IKEV2_CFG_REPLY);
    Ipv4Addr a;
    Ipv4Prefix r;
    g_assert_true(ikev2_cp_attr_ip4(ikev2_cp_find(&cp->u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, 0),
                                    &a));
    g_assert_cmpuint(a.v, ==, ipv4_addr(172, 16, 201, 2).v);
    g_assert_true(ikev2_cp_attr_ip4(ikev2_cp_find(&cp->u.cp, IKEV2_CFG_INTERNAL_IP4_NETMASK, 0),
                                    &a));
    g_assert_cmpuint(a.v, ==, 0xffffff00u);
    g_assert_true(ikev2_cp_attr_ip4(ikev2_cp_find(&cp->u.cp, IKEV2_CFG_INTERNAL_IP4_DNS, 0), &a));
    g_assert_cmpuint(a.v, ==, ipv4_addr(10, 1, 0, 4).v);
    g_assert_true(ikev2_cp_attr_ip4_subnet(
        ikev2_cp_find(&cp->u.cp, IKEV2_CFG_INTERNAL_IP4_SUBNET, 0), &r));
    g_assert_true(ipv4_prefix_equal(r, ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16)));
    /* RFC 7296 2.19: the child covers the client's address and the routes */
    Ipv4Range ts[IKEV2_MAX_TS];
    g_assert_cmpuint(ikev2_ts_get(&ikev2_message_find(m, IKEV2_PL_TSI, 0)->u.ts, ts, 8), ==, 1);
    g_assert_cmpuint(ts[0].first.v, ==, ipv4_addr(172, 16, 201, 2).v);
    g_assert_cmpuint(ts[0].last.v, ==, ipv4_addr(172, 16, 201, 2).v);
    g_assert_cmpuint(ikev2_ts_get(&ikev2_message_find(m, IKEV2_PL_TSR, 0)->u.ts, ts, 8), ==, 1);
    g_assert_cmpuint(ts[0].first.v, ==, ipv4_addr(10, 1, 0, 0).v);
    g_assert_cmpuint(ts[0].last.v, ==, ipv4_addr(10, 1, 255, 255).v);
  }
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  Ipv4Addr ia;
  g_assert_true(ikev2_conn_internal_addr(h.p[0].conn, &ia));
  g_assert_cmpuint(ia.v, ==, ipv4_addr(172, 16, 201, 2).v);
  g_assert_true(ikev2_conn_internal_addr(h.p[1].conn, &ia));
  g_assert_cmpuint(ia.v, ==, ipv4_addr(172, 16, 201, 2).v);
  g_assert_cmpuint(h_count(&h.p[0], "ike.cp.assigned address=172.16.201.2"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[1], "ike.cp.assigned address=172.16.201.2"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[0], "ike.auth.failed"), ==, 0);
  g_assert_cmpuint(h_count(&h.p[1], "ike.auth.failed"), ==, 0);
  h_esp_check_all(&h);
  cert_clear(&h, &t);
}

/* Method 1 (RSA with SHA-1, RFC 7296 3.8) works too, without CP (no address asked). */
static void test_cert_auth_method1(void)
{
  Harness h;
  Trusts t;
  cert_setup(&h, &t, pki.client, pki.client_key);
  h.p[0].cfg.auth_method = IKEV2_AUTH_RSA_SIG;
  h.p[1].cfg.auth_method = IKEV2_AUTH_RSA_SIG;
  h.p[0].cfg.cp_request = false;
  h_start(&h);
  h_deliver(&h);
  h_deliver(&h);
  {
    g_autoptr(Ikev2Message) m = h_open(&h);
    const Ikev2Payload *au = ikev2_message_find(m, IKEV2_PL_AUTH, 0);
    g_assert_cmpuint(au->u.auth.method, ==, IKEV2_AUTH_RSA_SIG);
    g_assert_cmpuint(au->u.auth.data.n, ==, 256);
    g_assert_null(ikev2_message_find(m, IKEV2_PL_CP, 0));
  }
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  Ipv4Addr ia;
  g_assert_false(ikev2_conn_internal_addr(h.p[0].conn, &ia));
  h_esp_check_all(&h);
  cert_clear(&h, &t);
}

/* The gateway refuses: AUTHENTICATION_FAILED to the client and an event naming why. */
static void expect_refused(IkeCert *cert, const IkeKey *key, const char *revoke,
                           const char *cause)
{
  Harness h;
  Trusts t;
  cert_setup(&h, &t, cert, key);
  if (revoke)
    g_assert_true(ike_trust_revoke(t.gw_trust, revoke));
  h_start(&h);
  h_deliver(&h);
  h_deliver(&h);
  h_deliver(&h); /* IKE_AUTH request */
  h_expect_line(&h, "IKE_AUTH response #1 [N(AUTH_FAILED)]");
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), !=, IKE_SA_ESTABLISHED);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), !=, IKE_SA_ESTABLISHED);
  g_autofree char *want = g_strdup_printf("ike.auth.failed cause=%s", cause);
  if (h_count(&h.p[1], want) != 1) {
    h_dump_events(&h.p[1]);
    g_error("want '%s'", want);
  }
  g_assert_cmpuint(h_count(&h.p[0], "ike.auth.failed cause=peer refused our authentication"),
                   ==, 1);
  g_assert_cmpuint(h.p[1].cp_assigned, ==, 0); /* no address for a refused client */
  g_assert_cmpuint(h.p[0].children->len, ==, 0);
  g_assert_cmpuint(h.p[1].children->len, ==, 0);
  cert_clear(&h, &t);
}

static void test_unknown_ca_refused(void)
{
  /* the same key and subject, issued by a root the gateway does not hold */
  expect_refused(pki.rogue_client, pki.client_key, NULL, "certificate untrusted");
}

static void test_revoked_refused(void)
{
  expect_refused(pki.client, pki.client_key, ike_cert_thumbprint(pki.client),
                 "certificate revoked");
}

static void test_ecdsa_refused(void)
{
  /* facts 7.1: IKEv2 P2S certificate authentication is RSA only, the chain is good */
  expect_refused(pki.ec_client, pki.ec_key, NULL, "certificate key type not supported");
}

/* A signature by another key than the certificate's fails. */
static void test_wrong_key_refused(void)
{
  expect_refused(pki.client, pki.server_key, NULL, "signature mismatch");
}

/* A pool with no address left: the IKE SA stands, the child is refused. */
static void test_pool_exhausted(void)
{
  Harness h;
  Trusts t;
  cert_setup(&h, &t, pki.client, pki.client_key);
  h.p[1].cp_assigned = 2;
  h_start(&h);
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpuint(h_count(&h.p[1], "ike.child.failed reason=INTERNAL_ADDRESS_FAILURE"), ==, 1);
  g_assert_cmpuint(h.p[0].children->len, ==, 0);
  g_assert_cmpuint(h.p[1].children->len, ==, 0);
  cert_clear(&h, &t);
}

/* RFC 7296 2.9: a client whose TSr holds part of the routes gets that part (narrowed);
 * one whose TSr holds none of them gets TS_UNACCEPTABLE. */
static void narrow_case(Ipv4Range want, bool ok)
{
  Harness h;
  Trusts t;
  cert_setup(&h, &t, pki.client, pki.client_key);
  IkeConfig *a = &h.p[0].cfg;
  a->ts[0] = (IkeTsPair){{ipv4_addr(0, 0, 0, 0), ipv4_addr(255, 255, 255, 255)}, want};
  a->n_ts = 1;
  h_start(&h);
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  if (ok) {
    IkeChildInfo ci;
    g_assert_true(ikev2_conn_child_info(h.p[1].conn, 0, &ci));
    g_assert_cmpuint(ci.ts_local.first.v, ==, want.first.v);
    g_assert_cmpuint(ci.ts_local.last.v, ==, want.last.v);
    g_assert_cmpuint(ci.ts_remote.first.v, ==, ipv4_addr(172, 16, 201, 2).v);
  } else {
    g_assert_cmpuint(h_count(&h.p[1], "ike.child.failed reason=TS_UNACCEPTABLE"), ==, 1);
    g_assert_cmpuint(h.p[1].children->len, ==, 0);
  }
  cert_clear(&h, &t);
}

static void test_cp_routes_narrowed(void)
{
  narrow_case((Ipv4Range){ipv4_addr(10, 1, 1, 0), ipv4_addr(10, 1, 1, 255)}, true);
  narrow_case((Ipv4Range){ipv4_addr(192, 168, 0, 0), ipv4_addr(192, 168, 255, 255)}, false);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  ike_crypto_init();
  pki_init();
  g_test_add_func("/ikev2_cert/auth_ok_and_cp", test_cert_auth_ok_and_cp);
  g_test_add_func("/ikev2_cert/auth_method1", test_cert_auth_method1);
  g_test_add_func("/ikev2_cert/unknown_ca_refused", test_unknown_ca_refused);
  g_test_add_func("/ikev2_cert/revoked_refused", test_revoked_refused);
  g_test_add_func("/ikev2_cert/ecdsa_refused", test_ecdsa_refused);
  g_test_add_func("/ikev2_cert/wrong_key_refused", test_wrong_key_refused);
  g_test_add_func("/ikev2_cert/pool_exhausted", test_pool_exhausted);
  g_test_add_func("/ikev2_cert/cp_routes_narrowed", test_cp_routes_narrowed);
  int r = g_test_run();
  pki_clear();
  return r;
}
