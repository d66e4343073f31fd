/* SPDX-License-Identifier: MIT */
/* Bad input from a peer never reaches an assert or a crash: every datagram of a
 * conversation (establishment, child rekey, delete) is first delivered truncated at every
 * length and with each octet flipped, then as sent; the engines must drop what is broken
 * (protected messages fail their ICV), answer an authenticated request that breaks the
 * payload rules with INVALID_SYNTAX, and finish the conversation as if nothing happened. */
#include "conformance/ikev2_harness.h"

static void deliver_variant(Harness *h, const HPkt *k, const uint8_t *b, size_t n)
{
  size_t before = h_pending(h);
  ikev2_conn_rx(h->p[k->to].conn, k->src, k->sport, k->dst, k->dport, b, n);
  /* whatever the engine answered to garbage is not part of the conversation */
  while (h_pending(h) > before)
    h_pkt_free(g_queue_pop_tail(&h->net));
}

static void mutate_and_deliver(Harness *h, bool flips)
{
  const HPkt *k = h_peek(h);
  gsize n;
  const uint8_t *b = g_bytes_get_data(k->data, &n);
  g_autofree uint8_t *m = g_memdup2(b, n);
  for (size_t len = 0; len < n; len++)
    deliver_variant(h, k, m, len);
  for (size_t i = 0; flips && i < n; i++) {
    m[i] ^= 0xff;
    deliver_variant(h, k, m, n);
    m[i] ^= 0xff;
  }
  h_deliver(h);
}

static void run(Harness *h)
{
  while (h_pending(h)) {
    const HPkt *k = h_peek(h);
    const uint8_t *b = g_bytes_get_data(k->data, NULL);
    /* an IKE_SA_INIT response has no integrity protection: a flipped nonce or KE is a
     * different (valid) answer, so it is only truncated */
    bool init_resp = b[18] == IKEV2_IKE_SA_INIT && (b[19] & IKEV2_FLAG_RESPONSE);
    mutate_and_deliver(h, !init_resp);
  }
}

static void test_conversation(void)
{
  Harness h;
  h_init(&h, 120);
  h_start(&h);
  run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_true(ikev2_conn_rekey_child(h.p[1].conn, 0));
  run(&h);
  IkeChildInfo ci;
  g_assert_true(ikev2_conn_child_info(h.p[0].conn, 0, &ci));
  g_assert_true(ikev2_conn_delete_child(h.p[0].conn, ci.spi_in));
  run(&h);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[0].conn), ==, 0);
  g_assert_cmpuint(ikev2_conn_n_children(h.p[1].conn), ==, 0);
  g_assert_true(ikev2_conn_add_child(h.p[0].conn, 0));
  run(&h);
  h_esp_check_all(&h);
  g_assert_cmpuint(h_count(&h.p[1], "ike.drop"), >, 100);
  h_clear(&h);
}

static void test_invalid_syntax_answer(void)
{
  /* an authenticated INFORMATIONAL request whose inner payloads break the rules (an SA
   * payload) gets INVALID_SYNTAX; the IKE SA lives on */
  Harness h;
  h_init(&h, 121);
  h_establish(&h);
  IkeSa *sa = h.p[0].conn->current;
  g_autoptr(Ikev2Message) m =
      ikev2_message_new(IKEV2_INFORMATIONAL, IKEV2_FLAG_INITIATOR, sa->spi_i, sa->spi_r, sa->msg_out);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_NONCE);
  uint8_t no[32] = {1};
  ikev2_data_set(&p->u.nonce, no, sizeof no);
  IkeSkDir d = ike_keys_dir(sa->keys, true);
  uint8_t *b;
  size_t n;
  g_assert_true(ikev2_sk_protect(m, &d, h.p[0].rng, &b, &n));
  ikev2_conn_rx(h.p[1].conn, ipv4_addr(192, 0, 2, 1), 500, ipv4_addr(198, 51, 100, 1), 500, b, n);
  g_free(b);
  h_expect_line(&h, "INFORMATIONAL response #2 [N(INVAL_SYN)]");
  h_drop(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  h_clear(&h);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev2_robust/mutated_conversation", test_conversation);
  g_test_add_func("/ikev2_robust/invalid_syntax_answer", test_invalid_syntax_answer);
  return g_test_run();
}
