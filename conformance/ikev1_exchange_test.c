/* SPDX-License-Identifier: MIT */
/* Exchange tests of the IKEv1 engine (RFC 2409) between two engines: main mode and quick mode
 * with PSK message by message, proposal and PSK mismatches, PFS on, off and mismatched, two
 * selector pairs, Delete, DPD (RFC 3706), quick mode rekey, Azure's phase 1 expiry (drop and
 * a new main mode), retransmission and give-up, and the RFC 3947 float to 4500 behind a NAT. */
#include "conformance/ikev1_harness.h"

#define S(x) ((int64_t)(x) * NS_PER_S)

/* The head datagram's header (past the non-ESP marker on 4500). */
static Ikev1Header head(V1 *v, uint16_t *dport)
{
  const HPkt *k = h_peek(&v->h);
  g_assert_nonnull(k);
  gsize n;
  const uint8_t *b = g_bytes_get_data(k->data, &n);
  if (k->dport == 4500 || k->dport == 5500) {
    g_assert_cmpmem(b, 4, "\0\0\0\0", 4);
    b += 4, n -= 4;
  }
  Ikev1Header hd;
  Ikev1Diag d;
  g_assert_cmpint(ikev1_header_decode(b, n, &hd, &d), ==, WIRE_OK);
  if (dport)
    *dport = k->dport;
  return hd;
}

static void expect_head(V1 *v, int to, uint8_t exch, bool encrypted)
{
  Ikev1Header hd = head(v, NULL);
  g_assert_cmpint(h_peek(&v->h)->to, ==, to);
  g_assert_cmpuint(hd.exchange, ==, exch);
  g_assert_cmpint(!!(hd.flags & IKEV1_FLAG_ENCRYPTION), ==, encrypted);
}

static void test_establish(void)
{
  V1 v;
  v1_init(&v, 1);
  v1_start(&v);
  /* RFC 2409 5: six main mode messages, the last two encrypted */
  for (int i = 0; i < 6; i++) {
    expect_head(&v, (i + 1) % 2, IKEV1_EXCH_MAIN, i >= 4);
    v1_deliver(&v);
  }
  g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_ESTABLISHED);
  g_assert_cmpint(ikev1_conn_state(v.c[1]), ==, IKEV1_P1_ESTABLISHED);
  /* RFC 2409 5.5: three quick mode messages, all encrypted, one M-ID */
  uint32_t mid = 0;
  for (int i = 0; i < 3; i++) {
    Ikev1Header hd = head(&v, NULL);
    expect_head(&v, (i + 1) % 2, IKEV1_EXCH_QUICK, true);
    g_assert_cmpuint(hd.msg_id, !=, 0);
    if (i)
      g_assert_cmpuint(hd.msg_id, ==, mid);
    mid = hd.msg_id;
    v1_deliver(&v);
  }
  g_assert_cmpuint(h_pending(&v.h), ==, 0);
  uint64_t ai, ar, bi, br;
  g_assert_true(ikev1_conn_cookies(v.c[0], &ai, &ar));
  g_assert_true(ikev1_conn_cookies(v.c[1], &bi, &br));
  g_assert_cmphex(ai, ==, bi);
  g_assert_cmphex(ar, ==, br);
  g_assert_cmpuint(ikev1_conn_n_children(v.c[0]), ==, 1);
  g_assert_cmpuint(ikev1_conn_n_children(v.c[1]), ==, 1);
  h_esp_check_all(&v.h);
  IkeChildInfo ci;
  g_assert_true(ikev1_conn_child_info(v.c[0], 0, &ci));
  g_assert_cmpuint(ci.encr, ==, ENCR_AES_CBC);
  g_assert_cmpuint(ci.key_bits, ==, 256);
  g_assert_cmpuint(ci.integ, ==, AUTH_HMAC_SHA1_96);
  g_assert_cmpuint(ci.dh, ==, 0);
  g_assert_false(ci.udp_encap);
  for (int i = 0; i < 2; i++) {
    HPeer *p = &v.h.p[i];
    g_assert_cmpuint(h_count(p, "ike.sa.established exchange=Identity encr=AES-CBC"), ==, 1);
    g_assert_cmpuint(h_count(p, "ike.child.installed encr=ESP_AES key_bits=256 pfs=0"), ==, 1);
    g_assert_cmpuint(h_count(p, "ike.message exchange=Identity"), ==, 6);
    g_assert_cmpuint(h_count(p, "ike.message exchange=Quick"), ==, 3);
    g_assert_cmpuint(h_count(p, "ike.message dir=sent exchange=Quick"), ==, i ? 1 : 2);
    /* one ikev1_decryption_table row, for the initiator cookie, on each side */
    g_assert_cmpuint(p->rows->len, ==, 1);
    g_autofree char *ck = g_strdup_printf("%016" G_GINT64_MODIFIER "x,", ai);
    g_assert_true(g_str_has_prefix(g_ptr_array_index(p->rows, 0), ck));
  }
  g_assert_cmpstr(g_ptr_array_index(v.h.p[0].rows, 0), ==, g_ptr_array_index(v.h.p[1].rows, 0));
  v1_clear(&v);
}

static void test_proposal_choice(void)
{
  V1 v;
  v1_init(&v, 2);
  /* A offers three suites; B accepts only the third: that one is chosen */
  v.cfg[0].p1[0] = (Ikev1P1ProposalCfg){IKEV1_ENCR_AES_CBC, 128, IKEV1_HASH_SHA2_256, 2};
  v.cfg[0].p1[1] = (Ikev1P1ProposalCfg){IKEV1_ENCR_3DES_CBC, 0, IKEV1_HASH_SHA, 2};
  v.cfg[0].p1[2] = (Ikev1P1ProposalCfg){IKEV1_ENCR_AES_CBC, 256, IKEV1_HASH_SHA2_256, 14};
  v.cfg[0].n_p1 = 3;
  v.cfg[1].p1[0] = v.cfg[0].p1[2];
  v.cfg[1].p1[1] = (Ikev1P1ProposalCfg){IKEV1_ENCR_DES_CBC, 0, IKEV1_HASH_MD5, 1};
  v.cfg[1].n_p1 = 2;
  v1_establish(&v);
  for (int i = 0; i < 2; i++)
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.sa.established key_bits=256 hash=SHA2-256 group=14"),
                     ==, 1);
  h_esp_check_all(&v.h);
  v1_clear(&v);
}

static void test_no_proposal(void)
{
  V1 v;
  v1_init(&v, 3);
  v.cfg[1].p1[0].hash = IKEV1_HASH_SHA2_256;
  v1_start(&v);
  v1_run(&v);
  g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_FAILED);
  g_assert_cmpint(ikev1_conn_state(v.c[1]), ==, IKEV1_P1_FAILED);
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.message dir=sent exchange=Informational notify=NO-PROPOSAL-CHOSEN"), ==, 1);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.sa.failed reason=NO-PROPOSAL-CHOSEN"), ==, 1);
  g_assert_cmpuint(v.h.p[0].installs + v.h.p[1].installs, ==, 0);
  v1_clear(&v);
}

static void test_psk_mismatch(void)
{
  V1 v;
  v1_init(&v, 4);
  v.cfg[1].psk = (const uint8_t *)"another-psk";
  v.cfg[1].psk_len = 11;
  v1_start(&v);
  for (int i = 0; i < 4; i++)
    v1_deliver(&v);
  /* message 5 under the wrong key: the responder cannot read or verify it */
  expect_head(&v, 1, IKEV1_EXCH_MAIN, true);
  v1_deliver(&v);
  g_assert_cmpint(ikev1_conn_state(v.c[1]), ==, IKEV1_P1_FAILED);
  unsigned garbled = h_count(&v.h.p[1], "ike.auth.failed reason=PAYLOAD-MALFORMED");
  unsigned badhash = h_count(&v.h.p[1], "ike.auth.failed reason=INVALID-HASH-INFORMATION");
  g_assert_cmpuint(garbled + badhash, ==, 1);
  expect_head(&v, 0, IKEV1_EXCH_INFORMATIONAL, false);
  v1_deliver(&v);
  g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_FAILED);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.notify.rx"), ==, 1);
  g_assert_cmpuint(v.h.p[0].installs + v.h.p[1].installs, ==, 0);
  g_assert_cmpuint(h_pending(&v.h), ==, 0);
  v1_clear(&v);
}

static void test_pfs(void)
{
  V1 v;
  v1_init(&v, 5);
  for (int i = 0; i < 2; i++)
    v.cfg[i].p2[0].pfs = 14;
  v1_establish(&v);
  IkeChildInfo ci;
  for (int i = 0; i < 2; i++) {
    g_assert_true(ikev1_conn_child_info(v.c[i], 0, &ci));
    g_assert_cmpuint(ci.dh, ==, 14);
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.child.installed pfs=14"), ==, 1);
  }
  h_esp_check_all(&v.h);
  v1_clear(&v);
}

static void test_pfs_mismatch(void)
{
  for (int which = 0; which < 2; which++) {
    V1 v;
    v1_init(&v, 6);
    v.cfg[which].p2[0].pfs = 2; /* one side wants PFS, the other does not */
    v1_establish(&v);
    g_assert_cmpuint(ikev1_conn_n_children(v.c[0]), ==, 0);
    g_assert_cmpuint(ikev1_conn_n_children(v.c[1]), ==, 0);
    g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.failed reason=NO-PROPOSAL-CHOSEN"), ==, 1);
    g_assert_cmpuint(h_count(&v.h.p[1], "ike.message dir=sent exchange=Informational notify=NO-PROPOSAL-CHOSEN"), ==, 1);
    g_assert_cmpuint(h_count(&v.h.p[0], "ike.child.failed reason=NO-PROPOSAL-CHOSEN"), ==, 1);
    g_assert_cmpuint(h_count(&v.h.p[0], "ike.notify.rx notify=NO-PROPOSAL-CHOSEN"), ==, 1);
    /* the ISAKMP SA stays; the quick mode is forgotten (no retransmission follows) */
    v1_run_until(&v, v.h.now + S(120));
    g_assert_cmpuint(h_count(&v.h.p[0], "ike.retransmit"), ==, 0);
    g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_ESTABLISHED);
    v1_clear(&v);
  }
}

static void two_ts(V1 *v)
{
  const Ipv4Range a1 = {{0x0a010000}, {0x0a0100ff}}, a2 = {{0x0a030000}, {0x0a03ffff}};
  const Ipv4Range b1 = {{0x0a020000}, {0x0a0200ff}}, b2 = {{0x0a040000}, {0x0a040000}};
  v->cfg[0].ts[0] = (IkeTsPair){a1, b1};
  v->cfg[0].ts[1] = (IkeTsPair){a2, b2};
  v->cfg[1].ts[0] = (IkeTsPair){b1, a1};
  v->cfg[1].ts[1] = (IkeTsPair){b2, a2};
  v->cfg[0].n_ts = v->cfg[1].n_ts = 2;
}

static void test_two_ts(void)
{
  V1 v;
  v1_init(&v, 7);
  two_ts(&v);
  v1_establish(&v);
  g_assert_cmpuint(ikev1_conn_n_children(v.c[0]), ==, 2);
  g_assert_cmpuint(ikev1_conn_n_children(v.c[1]), ==, 2);
  IkeChildInfo a, b;
  g_assert_true(ikev1_conn_child_info(v.c[0], 0, &a));
  g_assert_true(ikev1_conn_child_info(v.c[0], 1, &b));
  g_assert_cmphex(a.spi_in, !=, b.spi_in);
  g_assert_cmphex(a.ts_local.first.v, !=, b.ts_local.first.v);
  for (int i = 0; i < 2; i++)
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.child.installed"), ==, 2);
  h_esp_check_all(&v.h);

  /* a responder without the pair refuses it: INVALID-ID-INFORMATION */
  V1 w;
  v1_init(&w, 7);
  two_ts(&w);
  w.cfg[1].n_ts = 1;
  v1_establish(&w);
  g_assert_cmpuint(ikev1_conn_n_children(w.c[0]), ==, 1);
  g_assert_cmpuint(h_count(&w.h.p[0], "ike.child.failed reason=INVALID-ID-INFORMATION"), ==, 1);
  v1_clear(&w);
  v1_clear(&v);
}

static void test_delete(void)
{
  V1 v;
  v1_init(&v, 8);
  two_ts(&v);
  v1_establish(&v);
  IkeChildInfo a;
  g_assert_true(ikev1_conn_child_info(v.c[0], 0, &a));
  g_assert_true(ikev1_conn_delete_child(v.c[0], a.spi_in));
  expect_head(&v, 1, IKEV1_EXCH_INFORMATIONAL, true);
  v1_run(&v);
  g_assert_cmpuint(ikev1_conn_n_children(v.c[0]), ==, 1);
  g_assert_cmpuint(ikev1_conn_n_children(v.c[1]), ==, 1);
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.deleted reason=peer_delete"), ==, 1);
  h_esp_check_all(&v.h);
  g_assert_false(ikev1_conn_delete_child(v.c[0], a.spi_in));
  /* closing: the last pair's Delete and the ISAKMP SA's */
  g_assert_true(ikev1_conn_close(v.c[0]));
  v1_run(&v);
  for (int i = 0; i < 2; i++) {
    g_assert_cmpint(ikev1_conn_state(v.c[i]), ==, IKEV1_P1_NONE);
    g_assert_cmpuint(ikev1_conn_n_children(v.c[i]), ==, 0);
    g_assert_cmpuint(v.h.p[i].children->len, ==, 0);
  }
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.sa.deleted reason=peer_delete"), ==, 1);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.sa.deleted reason=local_delete"), ==, 1);
  v1_clear(&v);
}

static void test_dpd(void)
{
  V1 v;
  v1_init(&v, 9);
  v.cfg[0].dpd_interval_s = 10;
  v.cfg[0].dpd_timeout_s = 45;
  v1_establish(&v);
  g_assert_true(ikev1_conn_peer_dpd(v.c[0]));
  /* RFC 3706 5: R-U-THERE every interval, each answered with its sequence number */
  v1_run_until(&v, v.h.now + S(35));
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.message dir=sent notify=R-U-THERE"), ==, 3);
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.message dir=sent notify=R-U-THERE-ACK"), ==, 3);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.message dir=received notify=R-U-THERE-ACK"), ==, 3);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.dpd.dead"), ==, 0);
  /* B goes silent: dead 45 s after the first unanswered R-U-THERE, SAs cleared */
  int64_t end = v.h.now + S(100);
  while (v1_tick(&v, end))
    while (h_pending(&v.h)) {
      if (h_peek(&v.h)->to == 1)
        h_drop(&v.h);
      else
        v1_deliver(&v);
    }
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.dpd.dead"), ==, 1);
  g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_NONE);
  g_assert_cmpuint(v.h.p[0].children->len, ==, 0);
  v1_clear(&v);
}

static void test_no_dpd_vid_no_checks(void)
{
  /* RFC 3706 4: A wants DPD but B (like Azure's policy-based gateway, facts 2.2) does not
   * send the vendor ID: no R-U-THERE is ever sent */
  V1 v;
  v1_init(&v, 10);
  v.cfg[0].dpd_interval_s = 10;
  v.cfg[1].dpd_vid = false;
  v1_establish(&v);
  g_assert_false(ikev1_conn_peer_dpd(v.c[0]));
  g_assert_false(ikev1_conn_peer_dpd(v.c[1]));
  v1_run_until(&v, v.h.now + S(300));
  for (int i = 0; i < 2; i++)
    g_assert_cmpuint(h_count(&v.h.p[i], "notify=R-U-THERE"), ==, 0);
  g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_ESTABLISHED);
  v1_clear(&v);
}

static void test_p2_rekey(void)
{
  V1 v;
  v1_init(&v, 11);
  for (int i = 0; i < 2; i++) {
    v.cfg[i].p2_lifetime_s = 3600;
    v.cfg[i].p2_lifetime_kb = 102400000;
    v.cfg[i].rekey_margin_s = 300;
  }
  v1_establish(&v);
  IkeChildInfo old;
  g_assert_true(ikev1_conn_child_info(v.c[0], 0, &old));
  int64_t t0 = v.h.now;
  /* quick mode rekey before expiry (at 3,300 s), the old pair deleted */
  v1_run_until(&v, t0 + S(3400));
  for (int i = 0; i < 2; i++) {
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.child.rekeyed"), ==, 1);
    g_assert_cmpuint(ikev1_conn_n_children(v.c[i]), ==, 1);
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.child.deleted reason=rekeyed"), ==, 1);
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.child.deleted reason=expired"), ==, 0);
  }
  IkeChildInfo now_;
  g_assert_true(ikev1_conn_child_info(v.c[0], 0, &now_));
  g_assert_cmphex(now_.spi_in, !=, old.spi_in);
  h_esp_check_all(&v.h);
  /* and again a lifetime later */
  v1_run_until(&v, t0 + S(3400 + 3300));
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.child.rekeyed"), ==, 2);
  g_assert_cmpuint(ikev1_conn_n_children(v.c[1]), ==, 1);
  /* the lifetimes travelled in the proposal: seconds and kilobytes */
  HChild *hc = g_ptr_array_index(v.h.p[1].children, 0);
  g_assert_cmpuint(hc->hard_kb, ==, 102400000);
  v1_clear(&v);
}

static void test_volume_limits(void)
{
  /* the ESP data plane reports the kilobyte limits: soft starts a quick mode rekey, hard
   * removes the pair and tells the peer (RFC 2407 4.5 life type kilobytes) */
  V1 v;
  v1_init(&v, 18);
  for (int i = 0; i < 2; i++)
    v.cfg[i].p2_lifetime_kb = 1000;
  v1_establish(&v);
  HChild *hc = g_ptr_array_index(v.h.p[0].children, 0);
  g_assert_cmpuint(hc->hard_kb, ==, 1000);
  g_assert_cmpuint(hc->soft_kb, <, 1000);
  uint32_t old = hc->spi_in;
  ikev1_conn_child_expired(v.c[0], old, false);
  v1_run(&v);
  for (int i = 0; i < 2; i++) {
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.child.rekeyed"), ==, 1);
    g_assert_cmpuint(v.h.p[i].children->len, ==, 1);
  }
  h_esp_check_all(&v.h);
  /* the owner's rekey request does the same */
  IkeChildInfo ci;
  g_assert_true(ikev1_conn_child_info(v.c[0], 0, &ci));
  g_assert_cmphex(ci.spi_in, !=, old);
  g_assert_true(ikev1_conn_rekey_child(v.c[0], 0));
  v1_run(&v);
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.rekeyed"), ==, 2);
  g_assert_true(ikev1_conn_child_info(v.c[0], 0, &ci));
  ikev1_conn_child_expired(v.c[0], ci.spi_out, true);
  v1_run(&v);
  for (int i = 0; i < 2; i++)
    g_assert_cmpuint(v.h.p[i].children->len, ==, 0);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.child.deleted reason=expired"), ==, 1);
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.deleted reason=peer_delete"), ==, 1);
  g_assert_cmpint(ikev1_conn_state(v.c[1]), ==, IKEV1_P1_ESTABLISHED);
  v1_clear(&v);
}

/* A peer's new main mode replaces B's ISAKMP SA and its pairs; with requick_replaced B
 * negotiates its pair again itself (a strongSwan reauthentication runs no quick mode of
 * its own: the interop suite), without it only the initiator's quick mode brings one
 * back. */
static void test_requick_replaced(void)
{
  for (int requick = 0; requick < 2; requick++) {
    V1 v;
    v1_init(&v, 40 + (uint64_t)requick);
    v.cfg[1].requick_replaced = requick;
    v1_establish(&v);
    g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.installed"), ==, 1);
    size_t info0 = h_count(&v.h.p[1], "exchange=Informational dir=sent");
    ikev1_conn_start(v.c[0]); /* A begins a new main mode */
    v1_run(&v);
    g_assert_cmpuint(h_count(&v.h.p[1], "ike.sa.deleted reason=peer_restarted"), ==, 1);
    g_assert_cmpint(ikev1_conn_state(v.c[1]), ==, IKEV1_P1_ESTABLISHED);
    /* with requick, B says on the old ISAKMP SA that its pair went (RFC 2408 3.15) */
    g_assert_cmpuint(h_count(&v.h.p[1], "exchange=Informational dir=sent") - info0, ==,
                     requick ? 1u : 0u);
    /* and its own quick mode waits a second after main mode's last message (a peer
     * that takes it before message 6 derives the wrong IV: the interop suite) */
    g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.installed"), ==, 2);
    g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.rekeyed"), ==, 0);
    int64_t t_mm = v.h.now;
    v1_run_until(&v, t_mm + S(1) - 1);
    g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.rekeyed"), ==, 0);
    v1_run_until(&v, t_mm + S(1));
    /* A's quick mode, and B's own when it re-quicks */
    g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.installed"), ==, 2);
    /* B's own quick mode for the same pair: the later of the two replaces the other (a
     * make-before-break rekey), so traffic has a pair either way */
    g_assert_cmpuint(h_count(&v.h.p[1], "ike.child.rekeyed"), ==, requick ? 1u : 0u);
    g_assert_cmpuint(ikev1_conn_n_children(v.c[1]), >=, 1);
    g_assert_cmpuint(ikev1_conn_n_children(v.c[0]), >=, 1);
    h_esp_check_all(&v.h);
    v1_clear(&v);
  }
}

static void test_p1_expiry(void)
{
  V1 v;
  v1_init(&v, 12);
  for (int i = 0; i < 2; i++) {
    v.cfg[i].p1_lifetime_s = 28800;
    v.cfg[i].p2_lifetime_s = 3600;
    v.cfg[i].rekey_margin_s = 300;
  }
  v1_establish(&v);
  uint64_t ck0, r0;
  g_assert_true(ikev1_conn_cookies(v.c[0], &ck0, &r0));
  int64_t t0 = v.h.now;
  /* quick mode rekeys in the meantime; the ISAKMP SA is never rekeyed in place */
  v1_run_until(&v, t0 + S(28800) - 1);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.sa.deleted"), ==, 0);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.child.rekeyed"), ==, 8);
  /* at expiry the tunnel drops on both sides ... */
  v1_tick(&v, t0 + S(28800));
  v1_run(&v);
  for (int i = 0; i < 2; i++) {
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.sa.deleted reason=expired"), ==, 1);
    g_assert_cmpuint(v.h.p[i].children->len, ==, 0);
  }
  /* ... and a new main mode brings it back within about 5 s (facts 3.6) */
  v1_run_until(&v, t0 + S(28806));
  for (int i = 0; i < 2; i++) {
    g_assert_cmpint(ikev1_conn_state(v.c[i]), ==, IKEV1_P1_ESTABLISHED);
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.sa.established"), ==, 2);
    g_assert_cmpuint(v.h.p[i].rows->len, ==, 2);
  }
  uint64_t ck1, r1;
  g_assert_true(ikev1_conn_cookies(v.c[0], &ck1, &r1));
  g_assert_cmphex(ck1, !=, ck0);
  h_esp_check_all(&v.h);
  g_assert_cmpuint(v.h.p[0].children->len, ==, 1);
  v1_clear(&v);
}

static void test_retransmit(void)
{
  V1 v;
  v1_init(&v, 13);
  v.cfg[0].retrans_base_ms = 1000;
  v1_start(&v);
  v1_deliver(&v); /* MM1 */
  v1_deliver(&v); /* MM2 */
  h_drop(&v.h);   /* MM3 lost */
  g_assert_true(v1_tick(&v, v.h.now + S(5)));
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.retransmit reason=timeout"), ==, 1);
  v1_deliver(&v); /* MM3 again */
  v1_deliver(&v); /* MM4 */
  v1_deliver(&v); /* MM5 */
  h_drop(&v.h);   /* MM6 lost: B is established, A is not */
  g_assert_cmpint(ikev1_conn_state(v.c[1]), ==, IKEV1_P1_ESTABLISHED);
  g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_MM5_SENT);
  g_assert_true(v1_tick(&v, v.h.now + S(5)));
  v1_deliver(&v); /* MM5 retransmitted: B answers with its MM6 again */
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.retransmit reason=peer_retransmitted"), ==, 1);
  v1_run(&v);
  g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_ESTABLISHED);
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.sa.established"), ==, 1);
  h_esp_check_all(&v.h);
  g_assert_cmpuint(v.h.p[0].children->len, ==, 1);
  v1_clear(&v);

  /* quick mode 2 lost: the initiator retransmits QM1, the responder resends QM2 */
  v1_init(&v, 14);
  v.cfg[0].retrans_base_ms = 1000;
  v1_start(&v);
  for (int i = 0; i < 7; i++)
    v1_deliver(&v);
  h_drop(&v.h); /* QM2 */
  g_assert_true(v1_tick(&v, v.h.now + S(5)));
  v1_run(&v);
  g_assert_cmpuint(v.h.p[0].children->len, ==, 1);
  g_assert_cmpuint(v.h.p[1].children->len, ==, 1);
  h_esp_check_all(&v.h);
  v1_clear(&v);

  /* nobody answers: retransmissions with backoff, then give up */
  v1_init(&v, 15);
  v.cfg[0].retrans_base_ms = 1000;
  v.cfg[0].retrans_tries = 3;
  v.cfg[0].p1_restart_s = 3600;
  v1_start(&v);
  int64_t end = v.h.now + S(60);
  while (v1_tick(&v, end))
    while (h_pending(&v.h))
      h_drop(&v.h);
  while (h_pending(&v.h))
    h_drop(&v.h);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.retransmit"), ==, 3);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.give_up"), ==, 1);
  g_assert_cmpuint(h_count(&v.h.p[0], "ike.sa.failed reason=give_up"), ==, 1);
  v1_clear(&v);
}

static void test_natt(void)
{
  V1 v;
  v1_init(&v, 16);
  v.h.nat = true;
  v1_start(&v);
  for (int i = 0; i < 4; i++) {
    uint16_t dport;
    head(&v, &dport);
    g_assert_cmpuint(dport, ==, 500); /* the NAT box has rewritten B's 1500 back */
    v1_deliver(&v);
  }
  /* RFC 3947 4: message 5 and all after go to 4500 with the non-ESP marker */
  uint16_t dport;
  head(&v, &dport);
  g_assert_cmpuint(dport, ==, 4500);
  v1_run(&v);
  g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_ESTABLISHED);
  bool l, r;
  g_assert_true(ikev1_conn_nat_detected(v.c[0], &l, &r));
  g_assert_true(l);
  g_assert_false(r);
  g_assert_true(ikev1_conn_nat_detected(v.c[1], &l, &r));
  g_assert_false(l);
  g_assert_true(r);
  for (int i = 0; i < 2; i++) {
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.nat.detected"), ==, 1);
    g_assert_cmpuint(h_count(&v.h.p[i], "ike.child.installed encap=UDP-Encapsulated-Tunnel"), ==, 1);
    HChild *c = g_ptr_array_index(v.h.p[i].children, 0);
    g_assert_true(c->udp_encap);
  }
  h_esp_check_all(&v.h);

  /* without the vendor ID on one side: no NAT-D, no float */
  V1 w;
  v1_init(&w, 17);
  w.cfg[1].natt = false;
  v1_establish(&w);
  g_assert_false(ikev1_conn_nat_detected(w.c[0], &l, &r));
  HChild *c = g_ptr_array_index(w.h.p[0].children, 0);
  g_assert_false(c->udp_encap);
  v1_clear(&w);
  v1_clear(&v);
}

/* A flood of protected messages that fail their check is counted in full through
 * IkeEnv.dropped, as the IKEv2 engine's drops are, while only the first
 * IKE_DROP_EVENTS_MAX are ike.drop events (the last saying so); the SA lives on. */
static void test_drops_counted(void)
{
  V1 v;
  v1_init(&v, 21);
  v1_start(&v);
  GBytes *qm = NULL;
  for (int i = 0; i < 200 && h_pending(&v.h); i++) {
    const HPkt *k = h_peek(&v.h);
    gsize n;
    const uint8_t *b = g_bytes_get_data(k->data, &n);
    size_t off = k->dport == 4500 ? 4 : 0;
    if (!qm && k->to == 1 && n > off + 28 && b[off + 18] == IKEV1_EXCH_QUICK)
      qm = g_bytes_ref(k->data);
    v1_deliver(&v);
  }
  g_assert_nonnull(qm);
  g_assert_cmpint(ikev1_conn_state(v.c[1]), ==, IKEV1_P1_ESTABLISHED);
  gsize n;
  const uint8_t *b = g_bytes_get_data(qm, &n);
  g_autofree uint8_t *bad = g_memdup2(b, n);
  for (unsigned i = 0; i < 40; i++) {
    memcpy(bad, b, n);
    bad[n - 1 - (i % 8)] ^= (uint8_t)(i + 1); /* the last cipher block: it no longer checks */
    ikev1_conn_rx(v.c[1], (Ipv4Addr){H_ADDR_I}, 500, (Ipv4Addr){H_ADDR_R}, 500, bad, n);
  }
  unsigned counted = 0;
  for (int r = 0; r < IKE_DROP__COUNT; r++)
    counted += v.h.p[1].drops[r];
  g_assert_cmpuint(counted, ==, 40);
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.drop"), <=, IKE_DROP_EVENTS_MAX * 2);
  g_assert_cmpuint(h_count(&v.h.p[1], "ike.drop further=counted"), >=, 1);
  g_assert_cmpint(ikev1_conn_state(v.c[1]), ==, IKEV1_P1_ESTABLISHED);
  while (h_pending(&v.h))
    h_drop(&v.h);
  g_bytes_unref(qm);
  v1_clear(&v);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev1_exchange/establish", test_establish);
  g_test_add_func("/ikev1_exchange/proposal_choice", test_proposal_choice);
  g_test_add_func("/ikev1_exchange/no_proposal", test_no_proposal);
  g_test_add_func("/ikev1_exchange/psk_mismatch", test_psk_mismatch);
  g_test_add_func("/ikev1_exchange/pfs", test_pfs);
  g_test_add_func("/ikev1_exchange/pfs_mismatch", test_pfs_mismatch);
  g_test_add_func("/ikev1_exchange/two_ts", test_two_ts);
  g_test_add_func("/ikev1_exchange/delete", test_delete);
  g_test_add_func("/ikev1_exchange/dpd", test_dpd);
  g_test_add_func("/ikev1_exchange/no_dpd", test_no_dpd_vid_no_checks);
  g_test_add_func("/ikev1_exchange/p2_rekey", test_p2_rekey);
  g_test_add_func("/ikev1_exchange/volume_limits", test_volume_limits);
  g_test_add_func("/ikev1_exchange/p1_expiry", test_p1_expiry);
  g_test_add_func("/ikev1_exchange/requick_replaced", test_requick_replaced);
  g_test_add_func("/ikev1_exchange/retransmit", test_retransmit);
  g_test_add_func("/ikev1_exchange/natt", test_natt);
  g_test_add_func("/ikev1_exchange/drops_counted", test_drops_counted);
  return g_test_run();
}
