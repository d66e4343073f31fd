/* SPDX-License-Identifier: MIT */
/* Half-open IKE SAs stay bounded (RFC 7296 2.6, issue 21's hostile peer): past the cookie
 * threshold a responder answers IKE_SA_INIT with N(COOKIE) and keeps no state until the
 * initiator returns it; past half_open_max it drops; the initiator retries with the
 * cookie first and its nonce and KE unchanged; every drop is counted by reason while the
 * events stop after IKE_DROP_EVENTS_MAX of a reason. */
#include "conformance/ikev2_harness.h"

/* An IKE_SA_INIT request from "the peer's address" with its own SPIi and nonce: what a
 * flood (or a spoofer) sends; 'cookie' goes first when given. */
static GBytes *forged_init(uint64_t spi_i, uint8_t tag, const uint8_t *cookie, size_t cn)
{
  g_autoptr(Ikev2Message) m = ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, spi_i, 0, 0);
  if (cookie)
    ike_add_notify(m, IKEV2_N_COOKIE, 0, NULL, 0, cookie, cn);
  IkeProposalCfg p = {.encr = ENCR_AES_CBC, .key_bits = 256, .integ = AUTH_HMAC_SHA2_256_128,
                      .prf = PRF_HMAC_SHA2_256, .dh = DH_ECP_256};
  ikev2_proposals_add_ike(&ikev2_message_add(m, IKEV2_PL_SA)->u.sa, &p, 1, 0);
  Ikev2Payload *ke = ikev2_message_add(m, IKEV2_PL_KE);
  ke->u.ke.group = DH_ECP_256;
  /* a real public value, so that an admitted request costs the responder its DH */
  Drbg *r = drbg_new_stream(spi_i, "forged");
  g_autoptr(IkeDh) dh = ike_dh_new(DH_ECP_256, r);
  drbg_free(r);
  size_t kn;
  const uint8_t *kp = ike_dh_public(dh, &kn);
  ikev2_data_set(&ke->u.ke.data, kp, kn);
  uint8_t nonce[32];
  memset(nonce, tag, sizeof nonce);
  ikev2_data_set(&ikev2_message_add(m, IKEV2_PL_NONCE)->u.nonce, nonce, sizeof nonce);
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev2_message_encode(m, &w));
  size_t n;
  uint8_t *b = wire_writer_steal(&w, &n);
  return g_bytes_new_take(b, n);
}

static void deliver_to_b(Harness *h, GBytes *pkt)
{
  gsize n;
  const uint8_t *b = g_bytes_get_data(pkt, &n);
  ikev2_conn_rx(h->p[1].conn, (Ipv4Addr){H_ADDR_I}, 500, (Ipv4Addr){H_ADDR_R}, 500, b, n);
}

/* The responder's answers to the forged requests: count them, keep the last cookie. */
static unsigned take_answers(Harness *h, unsigned *cookies, uint8_t *cookie, size_t *cn)
{
  unsigned n = 0;
  while (h_pending(h)) {
    g_autoptr(Ikev2Message) m = h_open(h);
    const Ikev2Notify *ck = ikev2_message_find_notify(m, IKEV2_N_COOKIE);
    if (ck) {
      (*cookies)++;
      /* RFC 7296 2.6: the answer is HDR(SPIi, SPIr 0), N(COOKIE) and nothing else */
      g_assert_cmpuint(m->n_payloads, ==, 1);
      g_assert_cmpuint(m->hdr.spi_r, ==, 0);
      g_assert_cmpuint(ck->data.n, >=, 1);
      g_assert_cmpuint(ck->data.n, <=, 64);
      if (cookie) {
        memcpy(cookie, ck->data.p, ck->data.n);
        *cn = ck->data.n;
      }
    }
    h_drop(h);
    n++;
  }
  return n;
}

static void test_threshold_then_cookies(void)
{
  /* default threshold 10: ten requests make half-open SAs, the next 40 get cookies */
  Harness h;
  h_init(&h, 301);
  h_start(&h);
  h_drop(&h); /* A's own IKE_SA_INIT: not part of this test */
  unsigned cookies = 0;
  for (unsigned i = 0; i < 50; i++) {
    g_autoptr(GBytes) p = forged_init(0x1000 + i, (uint8_t)i, NULL, 0);
    deliver_to_b(&h, p);
  }
  unsigned answers = take_answers(&h, &cookies, NULL, NULL);
  g_assert_cmpuint(answers, ==, 50);
  g_assert_cmpuint(cookies, ==, 50 - IKE_COOKIE_THRESHOLD_DEFAULT);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, IKE_COOKIE_THRESHOLD_DEFAULT);
  const IkeConnCounters *ct = ikev2_conn_counters(h.p[1].conn);
  g_assert_cmpuint(ct->drops[IKE_DROP_COOKIE], ==, 40);
  /* the events stop at the limit, the last one says so; the counter has every one */
  g_assert_cmpuint(h_count(&h.p[1], "ike.drop"), ==, IKE_DROP_EVENTS_MAX);
  g_assert_cmpuint(h_count(&h.p[1], "ike.drop further=counted"), ==, 1);
  h_clear(&h);
}

static void test_cookie_returned_admits(void)
{
  Harness h;
  h_init(&h, 302);
  h.p[1].cfg.cookie_threshold = IKE_COOKIE_ALWAYS;
  h_start(&h);
  h_drop(&h);
  unsigned cookies = 0;
  uint8_t ck[64];
  size_t cn = 0;
  g_autoptr(GBytes) p1 = forged_init(0x2000, 7, NULL, 0);
  deliver_to_b(&h, p1);
  take_answers(&h, &cookies, ck, &cn);
  g_assert_cmpuint(cookies, ==, 1);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 0); /* no state for it */
  /* the same request with the cookie first is admitted: a half-open SA, a real answer */
  g_autoptr(GBytes) p2 = forged_init(0x2000, 7, ck, cn);
  deliver_to_b(&h, p2);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 1);
  g_autofree char *line = h_line(&h);
  g_assert_true(g_str_has_prefix(line, "IKE_SA_INIT response #0 [SA KE No"));
  h_drop(&h);
  /* the cookie binds the nonce, the address and the SPI: another SPI with it is refused,
   * so is another nonce */
  g_autoptr(GBytes) p3 = forged_init(0x2001, 7, ck, cn);
  g_autoptr(GBytes) p4 = forged_init(0x2000, 8, ck, cn);
  deliver_to_b(&h, p3);
  deliver_to_b(&h, p4);
  cookies = 0;
  take_answers(&h, &cookies, NULL, NULL);
  g_assert_cmpuint(cookies, ==, 2);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 1);
  h_clear(&h);
}

static void test_half_open_limit(void)
{
  /* without cookies (threshold above the limit), half_open_max bounds the state */
  Harness h;
  h_init(&h, 303);
  h.p[1].cfg.cookie_threshold = 1000;
  h.p[1].cfg.half_open_max = 20;
  h_start(&h);
  h_drop(&h);
  for (unsigned i = 0; i < 60; i++) {
    g_autoptr(GBytes) p = forged_init(0x3000 + i, (uint8_t)i, NULL, 0);
    deliver_to_b(&h, p);
  }
  unsigned cookies = 0;
  g_assert_cmpuint(take_answers(&h, &cookies, NULL, NULL), ==, 20);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 20);
  g_assert_cmpuint(ikev2_conn_counters(h.p[1].conn)->drops[IKE_DROP_HALF_OPEN_LIMIT], ==, 40);
  /* half-open SAs expire (half_open_s), and then new requests are answered again */
  h.now += 31 * NS_PER_S;
  ikev2_conn_timeout(h.p[1].conn);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 0);
  g_autoptr(GBytes) p = forged_init(0x4000, 1, NULL, 0);
  deliver_to_b(&h, p);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 1);
  while (h_pending(&h))
    h_drop(&h);
  h_clear(&h);
}

static void test_initiator_retries_with_cookie(void)
{
  /* our initiator against a responder that always asks: N(COOKIE) first, the same nonce
   * and KE, then the tunnel is up (before, an answer with only N(COOKIE) crashed the
   * initiator: it read the SA payload the answer does not have) */
  Harness h;
  h_init(&h, 304);
  h.p[1].cfg.cookie_threshold = IKE_COOKIE_ALWAYS;
  h_start(&h);
  g_autoptr(Ikev2Message) first = h_open(&h);
  h_deliver(&h);
  h_expect_line(&h, "IKE_SA_INIT response #0 [N(COOKIE)]");
  h_deliver(&h);
  g_autoptr(Ikev2Message) retry = h_open(&h);
  g_assert_cmpuint(retry->payloads[0].type, ==, IKEV2_PL_NOTIFY);
  g_assert_cmpuint(retry->payloads[0].u.notify.type, ==, IKEV2_N_COOKIE);
  g_assert_cmpuint(retry->n_payloads, ==, first->n_payloads + 1);
  const Ikev2Payload *n1 = ikev2_message_find(first, IKEV2_PL_NONCE, 0);
  const Ikev2Payload *n2 = ikev2_message_find(retry, IKEV2_PL_NONCE, 0);
  g_assert_cmpmem(n1->u.nonce.p, n1->u.nonce.n, n2->u.nonce.p, n2->u.nonce.n);
  const Ikev2Payload *k1 = ikev2_message_find(first, IKEV2_PL_KE, 0);
  const Ikev2Payload *k2 = ikev2_message_find(retry, IKEV2_PL_KE, 0);
  g_assert_cmpmem(k1->u.ke.data.p, k1->u.ke.data.n, k2->u.ke.data.p, k2->u.ke.data.n);
  g_assert_cmpuint(retry->hdr.spi_i, ==, first->hdr.spi_i);
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  h_esp_check_all(&h);
  g_assert_cmpuint(h_count(&h.p[0], "ike.notify.rx notify=COOKIE"), ==, 1);
  h_clear(&h);
}

static void test_initiator_gives_up_on_endless_cookies(void)
{
  /* a responder that answers every request with a new cookie (its secret changes, or it
   * is hostile) gets IKE_COOKIE_TRIES retries, then the SA fails: no loop */
  Harness h;
  h_init(&h, 305);
  h_start(&h);
  for (unsigned round = 0; round <= IKE_COOKIE_TRIES; round++) {
    g_autoptr(Ikev2Message) req = h_open(&h);
    g_assert_cmpuint(req->hdr.exchange, ==, IKEV2_IKE_SA_INIT);
    h_drop(&h);
    g_autoptr(Ikev2Message) r = ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_RESPONSE, req->hdr.spi_i, 0, 0);
    uint8_t ck[17];
    memset(ck, 0x40 + round, sizeof ck);
    ike_add_notify(r, IKEV2_N_COOKIE, 0, NULL, 0, ck, sizeof ck);
    WireWriter w;
    wire_writer_init(&w);
    g_assert_true(ikev2_message_encode(r, &w));
    size_t n;
    g_autofree uint8_t *b = wire_writer_steal(&w, &n);
    ikev2_conn_rx(h.p[0].conn, (Ipv4Addr){H_ADDR_R}, 500, (Ipv4Addr){H_ADDR_I}, 500, b, n);
  }
  g_assert_cmpuint(h_pending(&h), ==, 0);
  g_assert_cmpuint(h_count(&h.p[0], "ike.sa.state new_state=FAILED"), ==, 1);
  h_clear(&h);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev2_cookie/threshold_then_cookies", test_threshold_then_cookies);
  g_test_add_func("/ikev2_cookie/cookie_returned_admits", test_cookie_returned_admits);
  g_test_add_func("/ikev2_cookie/half_open_limit", test_half_open_limit);
  g_test_add_func("/ikev2_cookie/initiator_retries_with_cookie", test_initiator_retries_with_cookie);
  g_test_add_func("/ikev2_cookie/initiator_gives_up", test_initiator_gives_up_on_endless_cookies);
  return g_test_run();
}
