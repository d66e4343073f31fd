/* SPDX-License-Identifier: MIT */
/* Exchange tests of NAT traversal (RFC 7296 2.23, RFC 3948) and IKE fragmentation
 * (RFC 7383): a NAT in front of the initiator is detected by both sides, IKE moves to
 * port 4500 with the non-ESP marker, the child SAs are UDP-encapsulated and keepalives
 * flow; messages above the threshold travel as SKF fragments, also when one is lost. */
#include "conformance/ikev2_harness.h"

#define S (1000 * 1000 * 1000LL)

static void test_nat_detected(void)
{
  Harness h;
  h_init(&h, 100);
  h.nat = true;
  h_start(&h);
  g_assert_cmpuint(h_peek(&h)->sport, ==, 1500); /* the NAT moved A's port */
  h_deliver(&h);
  h_deliver(&h);
  /* A saw the NAT (its own address is not what B saw) and moved to 4500 */
  const HPkt *k = h_peek(&h);
  g_assert_cmpuint(k->sport, ==, 5500);
  g_assert_cmpuint(k->dport, ==, 4500);
  gsize n;
  const uint8_t *b = g_bytes_get_data(k->data, &n);
  g_assert_cmpmem(b, 4, "\0\0\0\0", 4); /* RFC 3948 2.2: the non-ESP marker */
  h_expect_line(&h, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr N(INIT_CONTACT)]");
  h_deliver(&h);
  k = h_peek(&h);
  g_assert_cmpuint(k->sport, ==, 4500);
  g_assert_cmpuint(k->dport, ==, 4500); /* after the NAT's reverse mapping */
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  bool local, remote;
  g_assert_true(ikev2_conn_nat_detected(h.p[0].conn, &local, &remote));
  g_assert_true(local);
  g_assert_false(remote);
  g_assert_true(ikev2_conn_nat_detected(h.p[1].conn, &local, &remote));
  g_assert_false(local);
  g_assert_true(remote);
  g_assert_cmpuint(h_count(&h.p[0], "ike.nat.detected local_behind_nat=true remote_behind_nat=false"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[1], "ike.nat.detected local_behind_nat=false remote_behind_nat=true"), ==, 1);
  /* where each side saw the other's IKE_SA_INIT come from: B the NAT's address and the
   * translated port, A the responder as it is (issue 24: the peer's address and port) */
  g_assert_cmpuint(h_count(&h.p[1], "ike.nat.detected peer=203.0.113.1 peer_port=1500 port=500"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[0], "ike.nat.detected peer=198.51.100.1 peer_port=500 port=500"), ==, 1);
  /* the owner is told to UDP-encapsulate ESP */
  for (int i = 0; i < 2; i++) {
    const HChild *c = g_ptr_array_index(h.p[i].children, 0);
    g_assert_true(c->udp_encap);
  }
  h_esp_check_all(&h);
  /* RFC 3948 2.3: the side behind the NAT keeps the mapping with 0xFF every 20 s */
  int64_t t0 = h.now;
  g_assert_true(h_tick(&h, INT64_MAX));
  g_assert_cmpint(h.now - t0, ==, 20 * S);
  k = h_peek(&h);
  b = g_bytes_get_data(k->data, &n);
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpuint(b[0], ==, 0xff);
  g_assert_cmpuint(k->sport, ==, 5500);
  h_deliver(&h); /* B discards it */
  g_assert_cmpuint(h_pending(&h), ==, 0);
  /* later exchanges stay on 4500: a child rekey */
  g_assert_true(ikev2_conn_rekey_child(h.p[1].conn, 0));
  g_assert_cmpuint(h_peek(&h)->sport, ==, 4500);
  h_run(&h);
  h_esp_check_all(&h);
  h_clear(&h);
}

static void test_no_nat(void)
{
  Harness h;
  h_init(&h, 101);
  h_establish(&h);
  bool local, remote;
  g_assert_true(ikev2_conn_nat_detected(h.p[0].conn, &local, &remote));
  g_assert_false(local || remote);
  const HChild *c = g_ptr_array_index(h.p[0].children, 0);
  g_assert_false(c->udp_encap);
  g_assert_false(h_tick(&h, h.now + 3600 * S)); /* no keepalives */
  h_clear(&h);
}

static void test_fragmentation(void)
{
  Harness h;
  h_init(&h, 102);
  for (int i = 0; i < 2; i++)
    h.p[i].cfg.frag_threshold = 160;
  h_start(&h);
  h_expect_line(&h, "IKE_SA_INIT request #0 [SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP)]");
  h_deliver(&h);
  h_expect_line(&h, "IKE_SA_INIT response #0 [SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP)]");
  h_deliver(&h);
  /* IKE_AUTH goes out as several SKF datagrams, none above the threshold */
  size_t frags = h_pending(&h);
  g_assert_cmpuint(frags, >, 1);
  for (GList *l = h.net.head; l; l = l->next) {
    const HPkt *k = l->data;
    g_assert_cmpuint(g_bytes_get_size(k->data), <=, 160);
    const uint8_t *b = g_bytes_get_data(k->data, NULL);
    g_assert_cmpuint(b[16], ==, IKEV2_PL_SKF);
  }
  /* the second fragment is lost: B waits, A retransmits them all, B reassembles */
  h_deliver(&h);
  h_drop(&h);
  while (h_pending(&h))
    h_deliver(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_INIT_DONE);
  g_assert_true(h_tick(&h, INT64_MAX));
  g_assert_cmpuint(h_pending(&h), ==, frags);
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_ESTABLISHED);
  h_esp_check_all(&h);
  h_clear(&h);

  /* without support on the peer's side nothing is fragmented */
  h_init(&h, 103);
  h.p[0].cfg.frag_threshold = 160;
  h_start(&h);
  h_deliver(&h);
  h_deliver(&h);
  g_assert_cmpuint(h_pending(&h), ==, 1);
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  h_clear(&h);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev2_natt/nat_detected_move_to_4500", test_nat_detected);
  g_test_add_func("/ikev2_natt/no_nat", test_no_nat);
  g_test_add_func("/ikev2_natt/fragmentation", test_fragmentation);
  return g_test_run();
}
