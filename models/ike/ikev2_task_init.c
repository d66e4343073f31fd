/* SPDX-License-Identifier: MIT */
/* The IKE_SA_INIT exchange as a task (RFC 7296 1.2): proposals, KE and nonces, SKEYSEED
 * and the seven keys, INVALID_KE_PAYLOAD and the retry with the wanted group,
 * NO_PROPOSAL_CHOSEN, NAT detection (2.23) and the fragmentation announcement (RFC 7383
 * 2.3). */
#include "models/ike/ikev2_sa_private.h"

#include <string.h>

static void add_big_vendor_id(IkeSa *sa, Ikev2Message *m);

#define NATT_PORT 4500u

static void add_natd(Ikev2Message *m, uint64_t spi_i, uint64_t spi_r, Ipv4Addr src,
                     uint16_t sport, Ipv4Addr dst, uint16_t dport)
{
  /* RFC 7296 2.23: SHA-1(SPIi | SPIr | IP | Port) of the source and of the destination */
  uint8_t h[20];
  ike_nat_hash(spi_i, spi_r, src.v, sport, h);
  ike_add_notify(m, IKEV2_N_NAT_DETECTION_SOURCE_IP, 0, NULL, 0, h, 20);
  ike_nat_hash(spi_i, spi_r, dst.v, dport, h);
  ike_add_notify(m, IKEV2_N_NAT_DETECTION_DESTINATION_IP, 0, NULL, 0, h, 20);
}

/* Compare the peer's NAT_DETECTION_* with what we see; false when it sent none. */
static bool check_natd(IkeSa *sa, const Ikev2Message *m, uint64_t spi_r)
{
  const Ikev2Conn *c = sa->conn;
  const Ikev2Notify *s = ikev2_message_find_notify(m, IKEV2_N_NAT_DETECTION_SOURCE_IP);
  const Ikev2Notify *d = ikev2_message_find_notify(m, IKEV2_N_NAT_DETECTION_DESTINATION_IP);
  if (!s || !d)
    return false;
  uint8_t h[20];
  /* the source hash must match the address and port the message came from */
  ike_nat_hash(sa->spi_i, spi_r, c->rx_src.v, c->rx_sport, h);
  sa->nat_remote = !(s->data.n == 20 && memcmp(s->data.p, h, 20) == 0);
  /* the destination hash must match our own address and port */
  ike_nat_hash(sa->spi_i, spi_r, c->cfg.local_addr.v, c->rx_dport, h);
  sa->nat_local = !(d->data.n == 20 && memcmp(d->data.p, h, 20) == 0);
  if (sa->nat_local || sa->nat_remote) {
    VsEvent ev = vs_event(ike_now(sa), c->cfg.name, IKE_EV_NAT_DETECTED);
    vs_event_hex(&ev, "spi_i", sa->spi_i);
    vs_event_hex(&ev, "spi_r", spi_r);
    vs_event_bool(&ev, "local_behind_nat", sa->nat_local);
    vs_event_bool(&ev, "remote_behind_nat", sa->nat_remote);
    /* where the message came from (behind a NAT: the NAT's mapping) and our port: what a
     * vendor compares with the addresses it configured */
    char pb[IPV4_ADDR_STRLEN];
    vs_event_str(&ev, "peer", ipv4_addr_format(c->rx_src, pb));
    vs_event_uint(&ev, "peer_port", c->rx_sport);
    vs_event_uint(&ev, "port", c->rx_dport);
    vs_event_emit(&c->env.events, &ev);
  }
  return true;
}

static bool derive(IkeSa *sa, IkeDh *dh, const Ikev2Ke *peer)
{
  uint8_t gir[IKE_DH_MAX];
  size_t gn = 0;
  if (ike_dh_derive(dh, peer->data.p, peer->data.n, gir, &gn) != IKE_CRYPTO_OK)
    return false;
  IkeSuite s = {sa->suite.encr, sa->suite.key_bits, sa->suite.integ, sa->suite.prf, sa->suite.dh};
  ike_keys_free(sa->keys);
  sa->keys = ike_keys_new();
  /* SKEYSEED = prf(Ni | Nr, g^ir); {SK_d | SK_ai | ...} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
  bool ok = ike_keys_derive(sa->keys, &s, sa->ni.b, sa->ni.n, sa->nr.b, sa->nr.n, gir, gn,
                            sa->spi_i, sa->spi_r, NULL);
  ike_wipe(gir, sizeof gir);
  if (ok)
    ike_sa_keytable(sa);
  return ok;
}

/* ---- initiator ---- */

static bool build_i(IkeSa *sa, Ikev2Task *t, Ikev2Message *req)
{
  Ikev2Conn *c = sa->conn;
  uint16_t group = t->dh_group ? t->dh_group : ike_default_dh(c);
  /* a retry with the responder's cookie keeps the nonce and KE it answered (RFC 7296 2.6:
   * "all other payloads unchanged") */
  if (!t->cookie_len) {
    t->dh = ike_dh_new(group, c->env.rng);
    ike_nonce_new(c, &sa->ni);
  }
  if (!t->dh) {
    ike_sa_set_state(sa, IKE_SA_FAILED, "unsupported DH group");
    return false;
  }
  group = ike_dh_group(t->dh);
  /* RFC 7296 2.6: N(COOKIE) is the first payload of the retry */
  if (t->cookie_len)
    ike_add_notify(req, IKEV2_N_COOKIE, 0, NULL, 0, t->cookie, t->cookie_len);
  /* RFC 7296 1.2: HDR, SAi1, KEi, Ni [, N(NAT_DETECTION_*)] [, N(FRAG_SUPPORTED)] */
  ikev2_proposals_add_ike(&ikev2_message_add(req, IKEV2_PL_SA)->u.sa, c->cfg.ike, c->cfg.n_ike, 0);
  Ikev2Payload *p = ikev2_message_add(req, IKEV2_PL_KE);
  p->u.ke.group = group;
  size_t kn;
  const uint8_t *kp = ike_dh_public(t->dh, &kn);
  ikev2_data_set(&p->u.ke.data, kp, kn);
  ikev2_data_set(&ikev2_message_add(req, IKEV2_PL_NONCE)->u.nonce, sa->ni.b, sa->ni.n);
  if (c->cfg.natt)
    add_natd(req, sa->spi_i, 0, c->cfg.local_addr, sa->lport, sa->raddr, sa->rport);
  if (c->cfg.frag_threshold)
    ike_add_notify(req, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, 0, NULL, 0, NULL, 0);
  add_big_vendor_id(sa, req);
  ike_sa_set_state(sa, IKE_SA_INIT_SENT,
                   t->cookie_len ? "retry with the responder's cookie"
                   : t->dh_group ? "retry with the wanted group"
                                 : "initiate");
  return true;
}

/* Impairment `bigIke` (IkeConfig.impair_vendor_id_len): a VENDOR_ID payload (RFC 7296
 * 3.12: opaque data, ignored by a peer that does not know it) of that many octets, "vpnsim
 * bigIke" and zeros, part of the message the engine signs. */
static void add_big_vendor_id(IkeSa *sa, Ikev2Message *m)
{
  size_t n = sa->conn->cfg.impair_vendor_id_len;
  if (!n)
    return;
  static const char tag[] = "vpnsim bigIke";
  g_autofree uint8_t *v = g_malloc0(n);
  memcpy(v, tag, MIN(n, sizeof tag - 1));
  ikev2_data_set(&ikev2_message_add(m, IKEV2_PL_VENDOR)->u.vendor, v, n);
  ike_sa_emit(sa, "impair.applied", "what", "bigIke");
}

static void fail(IkeSa *sa, const char *reason)
{
  Ikev2Task *q;
  while ((q = g_queue_pop_head(&sa->tasks)))
    ike_task_free(q);
  ike_sa_set_state(sa, IKE_SA_FAILED, reason);
}

static void process_i(IkeSa *sa, Ikev2Task *t, const Ikev2Message *resp)
{
  Ikev2Conn *c = sa->conn;
  const Ikev2Notify *ck = ikev2_message_find_notify(resp, IKEV2_N_COOKIE);
  if (ck && !ikev2_message_find(resp, IKEV2_PL_SA, 0)) {
    /* RFC 7296 2.6: the responder keeps no state until we return its cookie; the same
     * request again, N(COOKIE) first, a few times at most */
    ike_sa_emit_notify(sa, IKEV2_N_COOKIE, "IKE_SA_INIT");
    if (ck->data.n < 1 || ck->data.n > IKE_COOKIE_MAX || t->cookie_tries >= IKE_COOKIE_TRIES) {
      fail(sa, ck->data.n < 1 || ck->data.n > IKE_COOKIE_MAX ? "bad cookie length"
                                                             : "the responder keeps asking for a cookie");
      return;
    }
    Ikev2Task *r = ike_task_new(TASK_IKE_INIT);
    r->dh = t->dh, t->dh = NULL;
    r->dh_group = t->dh_group;
    memcpy(r->cookie, ck->data.p, ck->data.n);
    r->cookie_len = ck->data.n;
    r->cookie_tries = t->cookie_tries + 1;
    g_queue_push_head(&sa->tasks, r);
    sa->msg_out = 0;
    return;
  }
  uint16_t err = ike_error_notify(resp);
  if (err) {
    ike_sa_emit_notify(sa, err, "IKE_SA_INIT");
    const Ikev2Notify *n = ikev2_message_find_notify(resp, IKEV2_N_INVALID_KE_PAYLOAD);
    if (err == IKEV2_N_INVALID_KE_PAYLOAD && n && n->data.n == 2) {
      /* RFC 7296 1.2: retry with the group the responder asked for, if we offered it,
       * and only once */
      uint16_t want = wire_load_be16(n->data.p);
      if (!t->dh_group && ikev2_ike_offers_group(c->cfg.ike, c->cfg.n_ike, want) && want != ike_dh_group(t->dh)) {
        Ikev2Task *r = ike_task_new(TASK_IKE_INIT);
        r->dh_group = want;
        g_queue_push_head(&sa->tasks, r);
        sa->msg_out = 0;
        return;
      }
      fail(sa, "INVALID_KE_PAYLOAD");
      return;
    }
    char b[NAME_BUFSZ];
    fail(sa, name_fmt(&ikev2_notify_names, err, b));
    return;
  }
  const Ikev2Payload *sap = ikev2_message_find(resp, IKEV2_PL_SA, 0);
  const Ikev2Payload *ke = ikev2_message_find(resp, IKEV2_PL_KE, 0);
  if (!sap || !ke) {
    fail(sa, "IKE_SA_INIT response without SA or KE");
    return;
  }
  if (!ikev2_accept_ike(&sap->u.sa, c->cfg.ike, c->cfg.n_ike, &sa->suite) ||
      sa->suite.dh != ike_dh_group(t->dh) || ke->u.ke.group != sa->suite.dh) {
    fail(sa, "responder chose a proposal we did not offer");
    return;
  }
  if (!ike_nonce_get(resp, &sa->nr)) {
    fail(sa, "bad nonce length");
    return;
  }
  sa->spi_r = resp->hdr.spi_r;
  if (!derive(sa, t->dh, &ke->u.ke)) {
    fail(sa, "bad KE value");
    return;
  }
  if (sa->init_resp)
    g_bytes_unref(sa->init_resp);
  sa->init_resp = g_bytes_new(c->rx_raw, c->rx_len);
  sa->peer_frag = c->cfg.frag_threshold &&
                  ikev2_message_find_notify(resp, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED);
  if (c->cfg.natt && check_natd(sa, resp, sa->spi_r) && (sa->nat_local || sa->nat_remote)) {
    /* RFC 7296 2.23: after a NAT is detected the initiator moves to port 4500 */
    sa->lport = NATT_PORT;
    sa->rport = NATT_PORT;
  }
}

const Ikev2TaskOps ike_task_init_ops = {
    .name = "ike-init", .exchange = IKEV2_IKE_SA_INIT, .build_i = build_i, .process_i = process_i};

/* ---- responder ---- */

void ike_init_respond(IkeSa *sa, const Ikev2Message *req, Ikev2Message *resp)
{
  Ikev2Conn *c = sa->conn;
  const Ikev2Payload *sap = ikev2_message_find(req, IKEV2_PL_SA, 0);
  const Ikev2Payload *ke = ikev2_message_find(req, IKEV2_PL_KE, 0);
  if (!ikev2_select_ike(&sap->u.sa, c->cfg.ike, c->cfg.n_ike, &sa->suite)) {
    /* RFC 7296 2.7: none acceptable */
    ike_add_notify(resp, IKEV2_N_NO_PROPOSAL_CHOSEN, 0, NULL, 0, NULL, 0);
    ike_sa_set_state(sa, IKE_SA_FAILED, "NO_PROPOSAL_CHOSEN");
    return;
  }
  if (ke->u.ke.group != sa->suite.dh) {
    /* RFC 7296 1.2: the KE is for another group: tell which one we want */
    uint8_t g[2];
    wire_store_be16(g, sa->suite.dh);
    ike_add_notify(resp, IKEV2_N_INVALID_KE_PAYLOAD, 0, NULL, 0, g, 2);
    ike_sa_set_state(sa, IKE_SA_FAILED, "INVALID_KE_PAYLOAD");
    return;
  }
  if (!ike_nonce_get(req, &sa->ni)) {
    ike_add_notify(resp, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
    ike_sa_set_state(sa, IKE_SA_FAILED, "bad nonce length");
    return;
  }
  ike_nonce_new(c, &sa->nr);
  g_autoptr(IkeDh) dh = ike_dh_new(sa->suite.dh, c->env.rng);
  if (!dh || !derive(sa, dh, &ke->u.ke)) {
    ike_add_notify(resp, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
    ike_sa_set_state(sa, IKE_SA_FAILED, "bad KE value");
    return;
  }
  /* RFC 7296 1.2: HDR, SAr1, KEr, Nr [, N(NAT_DETECTION_*)] [, N(FRAG_SUPPORTED)] */
  ikev2_chosen_add(&ikev2_message_add(resp, IKEV2_PL_SA)->u.sa, &sa->suite, IKEV2_PROTO_IKE, NULL, 0);
  Ikev2Payload *p = ikev2_message_add(resp, IKEV2_PL_KE);
  p->u.ke.group = sa->suite.dh;
  size_t kn;
  const uint8_t *kp = ike_dh_public(dh, &kn);
  ikev2_data_set(&p->u.ke.data, kp, kn);
  ikev2_data_set(&ikev2_message_add(resp, IKEV2_PL_NONCE)->u.nonce, sa->nr.b, sa->nr.n);
  if (c->cfg.natt && check_natd(sa, req, 0))
    add_natd(resp, sa->spi_i, sa->spi_r, c->cfg.local_addr, c->rx_dport, c->rx_src, c->rx_sport);
  if (c->cfg.frag_threshold &&
      ikev2_message_find_notify(req, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED)) {
    sa->peer_frag = true;
    ike_add_notify(resp, IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED, 0, NULL, 0, NULL, 0);
  }
  /* RFC 7296 1.2 and 3.7: [CERTREQ] names the CAs we trust, as SHA-1 hashes of their
   * public keys, so the initiator picks a certificate they issued */
  if (c->cfg.trust)
    ike_add_certreq(resp, c->cfg.trust);
  add_big_vendor_id(sa, resp);
  ike_sa_set_state(sa, IKE_SA_INIT_DONE, "answered IKE_SA_INIT");
}
