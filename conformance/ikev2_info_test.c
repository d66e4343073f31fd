/* SPDX-License-Identifier: MIT */
/* Exchange tests of INFORMATIONAL (RFC 7296 1.4, 2.4) and start policies: Delete of a
 * child SA and of the IKE SA, dead peer detection declaring a silent peer dead after
 * exactly the configured timeout and then clearing or restarting, a live peer that
 * answers, and initiation on traffic. */
#include "conformance/ikev2_harness.h"

#define S (1000 * 1000 * 1000LL)

static void test_delete_child(void)
{
  Harness h;
  h_init(&h, 90);
  h_establish(&h);
  IkeChildInfo ci;
  g_assert_true(ikev2_conn_child_info(h.p[1].conn, 0, &ci));
  g_assert_true(ikev2_conn_delete_child(h.p[1].conn, ci.spi_in));
  {
    g_autoptr(Ikev2Message) m = h_open(&h);
    g_autofree char *line = ikev2_print_line(m);
    g_assert_cmpstr(line, ==, "INFORMATIONAL request #0 [D(ESP)]");
    /* RFC 7296 1.4.1: the SPI the sender receives with */
    const Ikev2Delete *d = &ikev2_message_find(m, IKEV2_PL_DELETE, 0)->u.del;
    g_assert_cmpuint(d->n_spis, ==, 1);
    g_assert_cmphex(wire_load_be32(d->spis.p), ==, ci.spi_in);
  }
  h_deliver(&h);
  {
    /* the answer names the other half of the pair */
    g_autoptr(Ikev2Message) m = h_open(&h);
    const Ikev2Delete *d = &ikev2_message_find(m, IKEV2_PL_DELETE, 0)->u.del;
    g_assert_cmphex(wire_load_be32(d->spis.p), ==, ci.spi_out);
  }
  h_deliver(&h);
  for (int i = 0; i < 2; i++) {
    g_assert_cmpuint(h.p[i].children->len, ==, 0);
    g_assert_cmpuint(h.p[i].removes, ==, 1);
    g_assert_cmpuint(h_count(&h.p[i], "ike.child.deleted"), ==, 1);
    g_assert_cmpint(ikev2_conn_state(h.p[i].conn), ==, IKE_SA_ESTABLISHED);
  }
  /* the owner hears why with the removal (the reason of the ike.child.state event) */
  g_assert_cmpstr(h.p[1].remove_reason, ==, "delete acknowledged");
  g_assert_cmpstr(h.p[0].remove_reason, ==, "deleted by peer");
  /* and which side began the IKE SA from sa_established */
  g_assert_cmpuint(h.p[0].established[1], ==, 1);
  g_assert_cmpuint(h.p[0].established[0], ==, 0);
  g_assert_cmpuint(h.p[1].established[0], ==, 1);
  g_assert_cmpuint(h.p[1].established[1], ==, 0);
  h_clear(&h);
}

static void test_delete_ike(void)
{
  Harness h;
  h_init(&h, 91);
  h_establish(&h);
  g_assert_true(ikev2_conn_close(h.p[0].conn));
  h_expect_line(&h, "INFORMATIONAL request #2 [D(IKE)]");
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_DELETING);
  h_deliver(&h);
  h_expect_line(&h, "INFORMATIONAL response #2 []");
  h_deliver(&h);
  for (int i = 0; i < 2; i++) {
    g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[i].conn), ==, 0);
    g_assert_cmpuint(h.p[i].children->len, ==, 0);
    g_assert_cmpuint(h_count(&h.p[i], "ike.sa.deleted"), ==, 1);
    g_assert_cmpuint(h_count(&h.p[i], "ike.child.deleted"), ==, 1);
  }
  g_assert_false(h_tick(&h, h.now + 3600 * S)); /* no timer left */
  h_clear(&h);
}

/* RFC 7296 2.4 (INITIAL_CONTACT to another engine of the owner): the engine forgets its
 * established IKE SA and its child without a message; and 2.8.1's nonce order, which both
 * ends must see alike to pick the same redundant SA of two made at once. */
static void test_forget_established(void)
{
  Harness h;
  h_init(&h, 92);
  h_establish(&h);
  uint8_t a[IKEV2_NONCE_MAX], b[IKEV2_NONCE_MAX];
  size_t la = 0, lb = 0;
  g_assert_true(ikev2_conn_ike_min_nonce(h.p[0].conn, a, &la));
  g_assert_true(ikev2_conn_ike_min_nonce(h.p[1].conn, b, &lb));
  g_assert_cmpuint(la, ==, lb); /* the same lower nonce at both ends */
  g_assert_cmpint(ikev2_nonce_cmp(a, la, b, lb), ==, 0);
  g_assert_cmpuint(ikev2_conn_forget_established(h.p[1].conn, "INITIAL_CONTACT"), ==, 1);
  g_assert_cmpuint(h_pending(&h), ==, 0); /* no Delete: the peer has said it holds none */
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 0);
  g_assert_cmpint(ikev2_conn_state(h.p[1].conn), ==, IKE_SA_DELETED);
  g_assert_cmpuint(h.p[1].children->len, ==, 0);
  g_assert_cmpstr(h.p[1].remove_reason, ==, "INITIAL_CONTACT");
  g_assert_false(ikev2_conn_ike_min_nonce(h.p[1].conn, b, &lb));
  g_assert_cmpuint(ikev2_conn_forget_established(h.p[1].conn, "again"), ==, 0);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[0].conn), ==, 1); /* the other end untouched */
  /* octet strings, lexicographically, a prefix first */
  static const uint8_t x[] = {1, 2}, y[] = {1, 3}, z[] = {1, 2, 0};
  g_assert_cmpint(ikev2_nonce_cmp(x, 2, y, 2), <, 0);
  g_assert_cmpint(ikev2_nonce_cmp(y, 2, x, 2), >, 0);
  g_assert_cmpint(ikev2_nonce_cmp(x, 2, z, 3), <, 0);
  g_assert_cmpint(ikev2_nonce_cmp(z, 3, y, 2), <, 0);
  h_clear(&h);
}

static void dpd_silent(IkeDpdAction action)
{
  Harness h;
  h_init(&h, 92);
  h.p[0].cfg.dpd_interval_s = 10;
  h.p[0].cfg.dpd_timeout_s = 45; /* Azure's default (azure-vpn-facts 2.5) */
  h.p[0].cfg.dpd_action = action;
  h_establish(&h);
  int64_t t0 = h.now;
  /* B goes silent: from now on every datagram is lost */
  g_assert_true(h_tick(&h, INT64_MAX));
  g_assert_cmpint(h.now - t0, ==, 10 * S);
  h_expect_line(&h, "INFORMATIONAL request #2 []");
  while (h_count(&h.p[0], "ike.dpd.dead") == 0) {
    while (h_pending(&h))
      h_drop(&h);
    g_assert_true(h_tick(&h, INT64_MAX));
  }
  /* RFC 7296 2.4: dead when the timeout has passed without an answer, exactly */
  g_assert_cmpint(h.now - t0, ==, (10 + 45) * S);
  g_assert_cmpuint(h_count(&h.p[0], "ike.dpd.dead exchange=INFORMATIONAL"), ==, 1);
  g_assert_cmpuint(h_count(&h.p[0], "ike.retransmit exchange=INFORMATIONAL"), >=, 4);
  g_assert_cmpuint(h.p[0].children->len, ==, 0);
  g_assert_cmpuint(h_count(&h.p[0], "ike.sa.deleted reason=peer dead (DPD)"), ==, 1);
  if (action == IKE_DPD_RESTART) {
    /* the connection initiates again at once */
    g_assert_cmpuint(h_pending(&h), ==, 1);
    h_expect_line(&h, "IKE_SA_INIT request #0 [SA KE No N(NATD_S_IP) N(NATD_D_IP)]");
    /* B forgot the old SA (INITIAL_CONTACT) and both come up again */
    h_run(&h);
    g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
    g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 1);
    h_esp_check_all(&h);
  } else {
    while (h_pending(&h))
      h_drop(&h);
    g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[0].conn), ==, 0);
  }
  h_clear(&h);
}

/* RFC 7296 2.4: INITIAL_CONTACT says the new IKE SA is the only one between the two: both
 * ends dial at once, B's IKE_SA_INIT is lost, so A's IKE SA comes up first (B its
 * responder); B's retransmission then makes a second, and its IKE_AUTH must not carry
 * INITIAL_CONTACT (the peer would forget the SA that just came up), where A's did. */
static void test_initial_contact_only_sa(void)
{
  Harness h;
  h_init(&h, 93);
  h.p[1].cfg.start = IKE_START_INITIATE;
  h_start(&h);
  g_assert_cmpuint(h_pending(&h), ==, 2);
  h_deliver(&h); /* A's IKE_SA_INIT reaches B */
  h_drop(&h);    /* B's is lost */
  h_deliver(&h); /* B's answer to A */
  h_expect_line(&h, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr N(INIT_CONTACT)]");
  h_run(&h);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 2);
  g_assert_cmpuint(h_count(&h.p[1], "ike.sa.established initiator=false"), ==, 1);
  /* B retransmits its IKE_SA_INIT; A answers; B authenticates its second IKE SA */
  while (!h_pending(&h))
    g_assert_true(h_tick(&h, INT64_MAX));
  h_deliver(&h);
  h_deliver(&h);
  h_expect_line(&h, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr]");
  h_run(&h);
  /* nothing forgotten: each end holds both IKE SAs */
  g_assert_cmpuint(h_count(&h.p[0], "INITIAL_CONTACT"), ==, 0);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[0].conn), ==, 2);
  g_assert_cmpuint(ikev2_conn_n_ike_sas(h.p[1].conn), ==, 2);
  h_clear(&h);
}

/* RFC 7296 2.4 across engines: A's owner runs a second engine towards B (a gateway's
 * connection in Default mode: one engine dials, one answers), and that one holds an
 * established IKE SA with B. A's engine holds none, but its new IKE SA is not the only one
 * between the two identities: IkeEnv.has_contact says so, and its IKE_AUTH carries no
 * INITIAL_CONTACT (which would make B forget the other SA). Once the sibling's SA is gone
 * the next one carries it again; without the hook (h1's engines) each engine decides from
 * its own SAs. */
static void test_initial_contact_sibling(void)
{
  Harness h1, h2, h3;
  h_init(&h1, 94);
  h1.p[0].cfg.initial_contact = true;
  h_start(&h1);
  h_expect_line(&h1, "IKE_SA_INIT request #0 [SA KE No N(NATD_S_IP) N(NATD_D_IP)]");
  h_deliver(&h1);
  h_deliver(&h1);
  h_expect_line(&h1, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr N(INIT_CONTACT)]");
  h_run(&h1);
  g_assert_true(ikev2_conn_has_established(h1.p[0].conn));
  g_assert_true(ikev2_conn_has_established(h1.p[1].conn));
  /* the sibling (h1's A) holds an SA with B: no INITIAL_CONTACT */
  h_init(&h2, 95);
  h2.p[0].sibling = h1.p[0].conn;
  h_start(&h2);
  h_deliver(&h2);
  h_deliver(&h2);
  h_expect_line(&h2, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr]");
  h_run(&h2);
  g_assert_cmpint(ikev2_conn_state(h2.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpuint(h_count(&h2.p[1], "INITIAL_CONTACT"), ==, 0);
  /* the sibling's SA gone: the new SA is the only one again */
  g_assert_cmpuint(ikev2_conn_forget_established(h1.p[0].conn, "test"), ==, 1);
  g_assert_false(ikev2_conn_has_established(h1.p[0].conn));
  h_init(&h3, 96);
  h3.p[0].sibling = h1.p[0].conn;
  h_start(&h3);
  h_deliver(&h3);
  h_deliver(&h3);
  h_expect_line(&h3, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr N(INIT_CONTACT)]");
  h_run(&h3);
  h_clear(&h3);
  h_clear(&h2);
  h_clear(&h1);
}

static void test_dpd_clear(void) { dpd_silent(IKE_DPD_CLEAR); }
static void test_dpd_restart(void) { dpd_silent(IKE_DPD_RESTART); }

static void test_dpd_alive(void)
{
  Harness h;
  h_init(&h, 93);
  h.p[0].cfg.dpd_interval_s = 10;
  h_establish(&h);
  int64_t t0 = h.now;
  for (int k = 1; k <= 3; k++) {
    g_assert_true(h_tick(&h, INT64_MAX));
    g_assert_cmpint(h.now - t0, ==, 10 * k * S);
    h_expect_line(&h, k == 1 ? "INFORMATIONAL request #2 []"
                             : (k == 2 ? "INFORMATIONAL request #3 []" : "INFORMATIONAL request #4 []"));
    h_run(&h);
  }
  g_assert_cmpuint(h_count(&h.p[0], "ike.dpd.dead"), ==, 0);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  h_clear(&h);
}

static void test_on_traffic(void)
{
  Harness h;
  h_init(&h, 94);
  h.p[0].cfg.start = IKE_START_ON_TRAFFIC;
  h_start(&h);
  g_assert_cmpuint(h_pending(&h), ==, 0);
  ikev2_conn_acquire(h.p[0].conn);
  ikev2_conn_acquire(h.p[0].conn); /* one SA, however many packets ask */
  g_assert_cmpuint(h_pending(&h), ==, 1);
  h_run(&h);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  /* a respond-only peer never initiates, even on traffic */
  ikev2_conn_acquire(h.p[1].conn);
  g_assert_cmpuint(h_pending(&h), ==, 0);
  h_clear(&h);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev2_info/delete_child", test_delete_child);
  g_test_add_func("/ikev2_info/delete_ike", test_delete_ike);
  g_test_add_func("/ikev2_info/forget_established", test_forget_established);
  g_test_add_func("/ikev2_info/dpd_silent_peer_clear", test_dpd_clear);
  g_test_add_func("/ikev2_info/dpd_silent_peer_restart", test_dpd_restart);
  g_test_add_func("/ikev2_info/dpd_alive", test_dpd_alive);
  g_test_add_func("/ikev2_info/initial_contact_only_sa", test_initial_contact_only_sa);
  g_test_add_func("/ikev2_info/initial_contact_sibling", test_initial_contact_sibling);
  g_test_add_func("/ikev2_info/start_on_traffic", test_on_traffic);
  return g_test_run();
}
