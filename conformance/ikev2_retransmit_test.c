/* SPDX-License-Identifier: MIT */
/* Exchange tests of reliability (RFC 7296 2.1, 2.3): a lost request, a lost response
 * answered again from the stored copy, giving up after the retry limit with exponential
 * back-off, message IDs with window size 1, and the half-open SA timeout. */
#include "conformance/ikev2_harness.h"

#define MS (1000 * 1000LL)
#define S (1000 * MS)

static void test_lost_request(void)
{
  Harness h;
  h_init(&h, 21);
  h_start(&h);
  int64_t t0 = h.now;
  h_drop(&h); /* the IKE_SA_INIT request is lost */
  g_assert_true(h_tick(&h, INT64_MAX));
  /* the first retransmission after the base timeout (500 ms) */
  g_assert_cmpint(h.now - t0, ==, 500 * MS);
  g_assert_cmpuint(h_count(&h.p[0], "ike.retransmit exchange=IKE_SA_INIT msg_id=0 count=1"), ==, 1);
  h_expect_line(&h, "IKE_SA_INIT request #0 [SA KE No N(NATD_S_IP) N(NATD_D_IP)]");
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  /* nothing is left to retransmit */
  g_assert_false(h_tick(&h, h.now + 3600 * S));
  h_esp_check_all(&h);
  h_clear(&h);
}

static void test_lost_response(void)
{
  Harness h;
  h_init(&h, 22);
  h_start(&h);
  h_deliver(&h);
  h_deliver(&h);
  h_deliver(&h); /* IKE_AUTH request reaches B: B is established */
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  GBytes *first = g_bytes_ref(h_peek(&h)->data);
  h_drop(&h); /* its response is lost */
  int64_t t0 = h.now;
  g_assert_true(h_tick(&h, INT64_MAX));
  g_assert_cmpint(h.now - t0, ==, 500 * MS);
  h_expect_line(&h, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr N(INIT_CONTACT)]");
  h_deliver(&h);
  /* RFC 7296 2.1: B answers the duplicate with the very same response, processing
   * nothing again */
  g_assert_cmpuint(h_pending(&h), ==, 1);
  g_assert_true(g_bytes_equal(first, h_peek(&h)->data));
  g_bytes_unref(first);
  g_assert_cmpuint(h.p[1].installs, ==, 1);
  h_deliver(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpuint(h.p[0].installs, ==, 1);
  h_esp_check_all(&h);
  h_clear(&h);
}

static void test_give_up(void)
{
  Harness h;
  h_init(&h, 23);
  h.p[0].cfg.retrans_base_ms = 500;
  h.p[0].cfg.retrans_tries = 4;
  h_start(&h);
  int64_t t0 = h.now;
  /* every datagram is lost: sends at 0, 0.5, 1.5, 3.5, 7.5 s, give up at 15.5 s */
  static const int64_t at[] = {500 * MS, 1500 * MS, 3500 * MS, 7500 * MS};
  h_drop(&h);
  for (size_t i = 0; i < G_N_ELEMENTS(at); i++) {
    g_assert_true(h_tick(&h, INT64_MAX));
    g_assert_cmpint(h.now - t0, ==, at[i]);
    g_assert_cmpuint(h_pending(&h), ==, 1);
    h_drop(&h);
  }
  g_assert_true(h_tick(&h, INT64_MAX));
  g_assert_cmpint(h.now - t0, ==, 15500 * MS);
  g_assert_cmpuint(h_pending(&h), ==, 0);
  g_assert_cmpuint(h_count(&h.p[0], "ike.give_up exchange=IKE_SA_INIT retransmissions=4"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[0], "ike.retransmit"), ==, 4);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[0].conn), ==, 0);
  g_assert_cmpuint(h.sent[0], ==, 5);
  h_clear(&h);
}

static void test_window(void)
{
  Harness h;
  h_init(&h, 24);
  h_start(&h);
  h_deliver(&h);
  h_deliver(&h);
  GBytes *auth_req = g_bytes_ref(h_peek(&h)->data);
  h_run(&h);
  /* message 2: a child rekey; then the old IKE_AUTH request (message 1) is outside the
   * window of one and is dropped without an answer */
  g_assert_true(ikev2_conn_rekey_child(h.p[0].conn, 0));
  h_expect_line(&h, "CREATE_CHILD_SA request #2 [N(REKEY_SA) SA No TSi TSr]");
  h_run(&h);
  gsize n;
  const uint8_t *b = g_bytes_get_data(auth_req, &n);
  unsigned before = h.sent[1];
  ikev2_conn_rx(h.p[1].conn, ipv4_addr(192, 0, 2, 1), 500, ipv4_addr(198, 51, 100, 1), 500, b, n);
  g_bytes_unref(auth_req);
  g_assert_cmpuint(h.sent[1], ==, before);
  g_assert_cmpuint(h_count(&h.p[1], "ike.drop"), ==, 1);
  /* while a request is outstanding, the next one waits (window size 1) */
  g_assert_true(ikev2_conn_rekey_child(h.p[0].conn, 0));
  g_assert_true(ikev2_conn_add_child(h.p[0].conn, 0));
  g_assert_cmpuint(h_pending(&h), ==, 1);
  h_deliver(&h);
  h_deliver(&h);
  /* the old child's Delete is next (ahead of the queued CREATE_CHILD_SA) */
  h_expect_line(&h, "INFORMATIONAL request #5 [D(ESP)]");
  h_run(&h);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[0].conn), ==, 2);
  h_esp_check_all(&h);
  h_clear(&h);
}

static void test_half_open(void)
{
  Harness h;
  h_init(&h, 25);
  h.p[1].cfg.half_open_s = 30;
  h_start(&h);
  int64_t t0 = h.now;
  h_deliver(&h);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 1);
  /* the initiator vanishes: nothing of its reaches B again */
  ikev2_conn_free(h.p[0].conn);
  h.p[0].timer_at = INT64_MAX;
  IkeEnv env = {.user = &h.p[0], .rng = h.p[0].rng, .now = h_now, .send = h_send,
                .timer_schedule = h_sched, .timer_cancel = h_cancel};
  IkeConfig quiet = h.p[0].cfg;
  quiet.start = IKE_START_RESPOND;
  h.p[0].conn = ikev2_conn_new(&quiet, &env);
  while (h_pending(&h))
    h_drop(&h);
  g_assert_true(h_tick(&h, INT64_MAX));
  g_assert_cmpint(h.now - t0, ==, 30 * S);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 0);
  g_assert_cmpuint(h_count(&h.p[1], "ike.sa.failed"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[1], "ike.sa.state old_state=INIT_DONE new_state=FAILED reason=half-open"), ==, 1);
  h_clear(&h);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev2_retransmit/lost_request", test_lost_request);
  g_test_add_func("/ikev2_retransmit/lost_response", test_lost_response);
  g_test_add_func("/ikev2_retransmit/give_up", test_give_up);
  g_test_add_func("/ikev2_retransmit/window", test_window);
  g_test_add_func("/ikev2_retransmit/half_open", test_half_open);
  return g_test_run();
}
