/* SPDX-License-Identifier: MIT */
/* CREATE_CHILD_SA exchanges as tasks (RFC 7296 1.3): an additional child SA, a child SA
 * rekey (1.3.3, REKEY_SA, a new KE with PFS), an IKE SA rekey in place (1.3.2, 2.18), and
 * simultaneous-rekey collisions resolved by the nonce rule (2.8.1). */
#include "models/ike/ikev2_sa_private.h"

#include <string.h>

/* RFC 7296 2.8.1 compares nonces as octet strings: lexicographically, a prefix first. */
static int nonce_cmp(const IkeNonce *a, const IkeNonce *b)
{
  int c = memcmp(a->b, b->b, a->n < b->n ? a->n : b->n);
  return c ? c : (a->n > b->n) - (a->n < b->n);
}

static const IkeNonce *nonce_min(const IkeNonce *a, const IkeNonce *b)
{
  return nonce_cmp(a, b) <= 0 ? a : b;
}


static void add_ke(Ikev2Message *m, IkeDh *dh)
{
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_KE);
  p->u.ke.group = ike_dh_group(dh);
  size_t kn;
  const uint8_t *kp = ike_dh_public(dh, &kn);
  ikev2_data_set(&p->u.ke.data, kp, kn);
}

static void child_failed(IkeSa *sa, const char *reason)
{
  ike_sa_emit(sa, IKE_EV_CHILD_FAILED, "reason", reason);
}

/* ---- initiator: a new or a rekeyed child ---- */

static bool build_child(IkeSa *sa, Ikev2Task *t, Ikev2Message *req)
{
  Ikev2Conn *c = sa->conn;
  if (sa->state != IKE_SA_ESTABLISHED)
    return false;
  IkeChild *old = NULL;
  if (t->kind == TASK_CHILD_REKEY) {
    old = ike_child_find(sa, t->target);
    if (!old || old->state != IKE_CHILD_INSTALLED)
      return false;
    /* RFC 7296 1.3.3: N(REKEY_SA) names the SA by the SPI we receive with */
    uint8_t spi[4];
    wire_store_be32(spi, old->spi_in);
    ike_add_notify(req, IKEV2_N_REKEY_SA, IKEV2_PROTO_ESP, spi, 4, NULL, 0);
    ike_child_set_state(sa, old, IKE_CHILD_REKEYING, "rekey");
  }
  IkeChild *ch = g_new0(IkeChild, 1);
  ch->spi_in = t->spi = ike_child_new_spi(sa);
  ch->rekey_at = ch->expire_at = NEVER;
  if (old) {
    memcpy(ch->ts_l, old->ts_l, sizeof ch->ts_l);
    memcpy(ch->ts_r, old->ts_r, sizeof ch->ts_r);
    ch->n_l = old->n_l, ch->n_r = old->n_r, ch->ts_index = old->ts_index;
  } else {
    ch->ts_index = t->ts_index;
    ch->n_l = ike_child_local_ts(c, t->ts_index, ch->ts_l);
    ch->n_r = ike_child_remote_ts(c, t->ts_index, ch->ts_r);
  }
  g_ptr_array_add(sa->children, ch);
  /* RFC 7296 1.3.1: HDR, SK {SA, Ni, [KEi], TSi, TSr}; KEi and a DH transform with PFS */
  size_t n_offer;
  const ChildProposalCfg *offer = ike_child_offer(c, &n_offer);
  ikev2_proposals_add_esp(&ikev2_message_add(req, IKEV2_PL_SA)->u.sa, offer, n_offer,
                          ch->spi_in, true);
  ike_nonce_new(c, &t->nonce);
  ikev2_data_set(&ikev2_message_add(req, IKEV2_PL_NONCE)->u.nonce, t->nonce.b, t->nonce.n);
  uint16_t ke_group = ikev2_esp_ke_group(offer, n_offer);
  if (ke_group) {
    t->dh = ike_dh_new(ke_group, c->env.rng);
    if (!t->dh)
      return false;
    add_ke(req, t->dh);
  }
  ike_child_put_ts(ch, true, req);
  return true;
}

static void process_child(IkeSa *sa, Ikev2Task *t, const Ikev2Message *resp)
{
  Ikev2Conn *c = sa->conn;
  IkeChild *ch = ike_child_find(sa, t->spi);
  IkeChild *old = t->kind == TASK_CHILD_REKEY ? ike_child_find(sa, t->target) : NULL;
  if (!ch)
    return;
  const Ikev2Payload *ke = ikev2_message_find(resp, IKEV2_PL_KE, 0);
  IkeNonce nr;
  uint8_t gir[IKE_DH_MAX];
  size_t gn = 0;
  bool narrowed = false;
  char b[NAME_BUFSZ];
  const char *fail = ike_child_check_response(sa, resp, ch, true, "CREATE_CHILD_SA", b);
  if (fail) {
    /* an error Notify or an SA we did not offer: decided */
  } else if (!ike_nonce_get(resp, &nr)) {
    fail = "bad nonce";
  } else if (ch->alg.dh &&
             /* RFC 7296 1.3.1: KEr is in the group of the chosen proposal, which is the
              * group of our KEi (we sent one key share) */
             (!t->dh || ike_dh_group(t->dh) != ch->alg.dh || !ke || ke->u.ke.group != ch->alg.dh ||
              ike_dh_derive(t->dh, ke->u.ke.data.p, ke->u.ke.data.n, gir, &gn) != IKE_CRYPTO_OK)) {
    fail = "bad KE";
  } else if (!ike_child_accept_ts(sa, resp, ch, &narrowed)) {
    fail = "responder widened the traffic selectors";
  } else if (narrowed && c->cfg.ts_no_narrowing) {
    ike_wipe(gir, sizeof gir);
    ch->spi_out = ch->alg.spi;
    if (old && old->state == IKE_CHILD_REKEYING)
      ike_child_set_state(sa, old, IKE_CHILD_INSTALLED, "rekey failed");
    ike_child_refuse_narrowed(sa, ch);
    return;
  }
  if (fail) {
    child_failed(sa, fail);
    ike_child_remove(sa, ch, fail);
    /* the old SA stays in use: the classic "fails at the first rekey" leaves it to expire */
    if (old && old->state == IKE_CHILD_REKEYING)
      ike_child_set_state(sa, old, IKE_CHILD_INSTALLED, "rekey failed");
    ike_wipe(gir, sizeof gir);
    return;
  }
  ch->spi_out = ch->alg.spi;
  /* RFC 7296 2.8.1: the SA created with the lowest of the four nonces is closed by the
   * endpoint that created it; when that is ours, the peer deletes the old one */
  ch->redundant = old && t->collided && ike_child_find(sa, t->coll_child_spi) &&
                  nonce_cmp(nonce_min(&t->nonce, &nr), &t->coll_min) < 0;
  ike_child_schedule(sa, ch);
  /* RFC 7296 2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) */
  bool ok = ike_child_install(sa, ch, gn ? gir : NULL, gn, &t->nonce, &nr, true,
                              old ? old->spi_in : 0);
  ike_wipe(gir, sizeof gir);
  if (!ok) {
    ike_child_remove(sa, ch, "keys");
    return;
  }
  ike_child_set_state(sa, ch, IKE_CHILD_INSTALLED, "CREATE_CHILD_SA");
  ike_child_emit(sa, ch, old ? IKE_EV_CHILD_REKEYED : IKE_EV_CHILD_INSTALLED, "CREATE_CHILD_SA");
  if (!old)
    return;
  /* old SAs are deleted after the new ones are in place (no traffic lost) */
  uint32_t doomed = ch->redundant ? ch->spi_in : old->spi_in;
  if (doomed != ch->spi_in)
    ike_child_set_state(sa, old, IKE_CHILD_REKEYED, "replaced");
  else
    ike_child_set_state(sa, old, IKE_CHILD_REKEYED, "replaced (collision lost)");
  Ikev2Task *d = ike_task_new(TASK_CHILD_DELETE);
  d->target = doomed;
  g_queue_push_head(&sa->tasks, d);
}

const Ikev2TaskOps ike_task_child_ops = {.name = "child-create",
                                         .exchange = IKEV2_CREATE_CHILD_SA,
                                         .build_i = build_child,
                                         .process_i = process_child};
const Ikev2TaskOps ike_task_child_rekey_ops = {.name = "child-rekey",
                                               .exchange = IKEV2_CREATE_CHILD_SA,
                                               .build_i = build_child,
                                               .process_i = process_child};

/* ---- initiator: IKE SA rekey ---- */

static bool build_ike_rekey(IkeSa *sa, Ikev2Task *t, Ikev2Message *req)
{
  Ikev2Conn *c = sa->conn;
  if (sa->state != IKE_SA_ESTABLISHED)
    return false;
  /* RFC 7296 1.3.2: HDR, SK {SA, Ni, KEi}; the new SPI in the proposal */
  do
    t->new_ike_spi = drbg_u64(c->env.rng);
  while (!t->new_ike_spi);
  ikev2_proposals_add_ike(&ikev2_message_add(req, IKEV2_PL_SA)->u.sa, c->cfg.ike, c->cfg.n_ike,
                          t->new_ike_spi);
  ike_nonce_new(c, &t->nonce);
  ikev2_data_set(&ikev2_message_add(req, IKEV2_PL_NONCE)->u.nonce, t->nonce.b, t->nonce.n);
  /* the group of the SA being rekeyed, or the one the responder asked for */
  t->dh = ike_dh_new(t->dh_group ? t->dh_group : sa->suite.dh, c->env.rng);
  if (!t->dh)
    return false;
  add_ke(req, t->dh);
  ike_sa_set_state(sa, IKE_SA_REKEYING, "rekey");
  return true;
}

/* A new IKE SA from a rekey of 'old': keys per RFC 7296 2.18, children moved over. */
static IkeSa *rekeyed_sa(IkeSa *old, bool initiator, uint64_t spi_i, uint64_t spi_r,
                         const Ikev2Chosen *suite, const uint8_t *gir, size_t gn,
                         const IkeNonce *ni, const IkeNonce *nr)
{
  Ikev2Conn *c = old->conn;
  IkeSa *n = ike_sa_new(c, initiator);
  n->spi_i = spi_i;
  n->spi_r = spi_r;
  n->suite = *suite;
  n->raddr = old->raddr, n->lport = old->lport, n->rport = old->rport;
  n->nat_local = old->nat_local, n->nat_remote = old->nat_remote, n->peer_frag = old->peer_frag;
  n->ni = *ni;
  n->nr = *nr;
  IkeSuite s = {suite->encr, suite->key_bits, suite->integ, suite->prf, suite->dh};
  n->keys = ike_keys_new();
  /* RFC 7296 2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) */
  if (!ike_keys_derive_rekey(n->keys, &s, old->keys, gir, gn, ni->b, ni->n, nr->b, nr->n,
                             spi_i, spi_r)) {
    ike_sa_destroy(n, "key derivation");
    return NULL;
  }
  /* RFC 7296 2.18: the children move to the new IKE SA, and so does the work queued for
   * them */
  while (old->children->len) {
    IkeChild *ch = g_ptr_array_steal_index(old->children, 0);
    g_ptr_array_add(n->children, ch);
  }
  for (GList *l = old->tasks.head; l;) {
    GList *next = l->next;
    Ikev2Task *t = l->data;
    if (t->kind != TASK_IKE_DELETE && t->kind != TASK_IKE_REKEY && t->kind != TASK_DPD) {
      g_queue_delete_link(&old->tasks, l);
      g_queue_push_tail(&n->tasks, t);
    }
    l = next;
  }
  ike_sa_established(n);
  ike_conn_set_current(c, n);
  VsEvent ev = vs_event(ike_now(old), c->cfg.name, IKE_EV_SA_REKEYED);
  vs_event_hex(&ev, "old_spi_i", old->spi_i);
  vs_event_hex(&ev, "old_spi_r", old->spi_r);
  vs_event_hex(&ev, "spi_i", n->spi_i);
  vs_event_hex(&ev, "spi_r", n->spi_r);
  vs_event_bool(&ev, "initiator", initiator);
  vs_event_emit(&c->env.events, &ev);
  return n;
}

static void process_ike_rekey(IkeSa *sa, Ikev2Task *t, const Ikev2Message *resp)
{
  Ikev2Conn *c = sa->conn;
  uint16_t err = ike_error_notify(resp);
  const Ikev2Payload *sap = ikev2_message_find(resp, IKEV2_PL_SA, 0);
  const Ikev2Payload *ke = ikev2_message_find(resp, IKEV2_PL_KE, 0);
  Ikev2Chosen suite;
  IkeNonce nr;
  uint8_t gir[IKE_DH_MAX];
  size_t gn = 0;
  if (err || !sap || !ke || !ikev2_accept_ike(&sap->u.sa, c->cfg.ike, c->cfg.n_ike, &suite) ||
      sap->u.sa.proposals[0].spi_size != 8 || !ike_nonce_get(resp, &nr) ||
      ke->u.ke.group != ike_dh_group(t->dh) ||
      ike_dh_derive(t->dh, ke->u.ke.data.p, ke->u.ke.data.n, gir, &gn) != IKE_CRYPTO_OK) {
    if (err)
      ike_sa_emit_notify(sa, err, "CREATE_CHILD_SA");
    if (sa->state == IKE_SA_REKEYING)
      ike_sa_set_state(sa, IKE_SA_ESTABLISHED, "IKE rekey failed");
    const Ikev2Notify *n = ikev2_message_find_notify(resp, IKEV2_N_INVALID_KE_PAYLOAD);
    if (err == IKEV2_N_INVALID_KE_PAYLOAD && n && n->data.n == 2 && !t->dh_group) {
      /* RFC 7296 1.3.2 with 1.2: retry once with the group the responder wants */
      Ikev2Task *r = ike_task_new(TASK_IKE_REKEY);
      r->dh_group = wire_load_be16(n->data.p);
      g_queue_push_head(&sa->tasks, r);
    }
    return;
  }
  uint64_t peer_spi = wire_load_be64(sap->u.sa.proposals[0].spi);
  /* the rekey initiator is the new SA's initiator (RFC 7296 2.18) */
  IkeSa *n = rekeyed_sa(sa, true, t->new_ike_spi, peer_spi, &suite, gir, gn, &t->nonce, &nr);
  ike_wipe(gir, sizeof gir);
  if (!n)
    return;
  IkeSa *doomed = sa;
  if (t->collided && t->coll_sa) {
    /* RFC 7296 2.8.1: the redundant new SA is the one with the lowest nonce; its creator
     * deletes it and the children stay with the other */
    if (nonce_cmp(nonce_min(&t->nonce, &nr), &t->coll_min) < 0) {
      doomed = n;
      while (n->children->len)
        g_ptr_array_add(t->coll_sa->children, g_ptr_array_steal_index(n->children, 0));
      ike_conn_set_current(c, t->coll_sa);
    } else {
      while (t->coll_sa->children->len)
        g_ptr_array_add(n->children, g_ptr_array_steal_index(t->coll_sa->children, 0));
      ike_conn_set_current(c, n);
      doomed = NULL; /* the peer deletes its redundant SA, and we the old one */
    }
  }
  if (sa->state == IKE_SA_REKEYING)
    ike_sa_set_state(sa, IKE_SA_REKEYED, "replaced");
  if (doomed == n) {
    ike_sa_queue(n, ike_task_new(TASK_IKE_DELETE));
  } else {
    ike_sa_queue(sa, ike_task_new(TASK_IKE_DELETE));
  }
}

const Ikev2TaskOps ike_task_ike_rekey_ops = {.name = "ike-rekey",
                                             .exchange = IKEV2_CREATE_CHILD_SA,
                                             .build_i = build_ike_rekey,
                                             .process_i = process_ike_rekey};

/* ---- responder ---- */

static void respond_ike_rekey(IkeSa *sa, const Ikev2Message *req, Ikev2Message *resp)
{
  Ikev2Conn *c = sa->conn;
  const Ikev2Payload *sap = ikev2_message_find(req, IKEV2_PL_SA, 0);
  const Ikev2Payload *ke = ikev2_message_find(req, IKEV2_PL_KE, 0);
  Ikev2Chosen suite;
  IkeNonce ni, nr;
  uint8_t gir[IKE_DH_MAX];
  size_t gn = 0;
  if (!ikev2_select_ike(&sap->u.sa, c->cfg.ike, c->cfg.n_ike, &suite)) {
    ike_add_notify(resp, IKEV2_N_NO_PROPOSAL_CHOSEN, 0, NULL, 0, NULL, 0);
    return;
  }
  if (!ke || ke->u.ke.group != suite.dh) {
    uint8_t g[2];
    wire_store_be16(g, suite.dh);
    ike_add_notify(resp, IKEV2_N_INVALID_KE_PAYLOAD, 0, NULL, 0, g, 2);
    return;
  }
  const Ikev2Proposal *pr = &sap->u.sa.proposals[suite.num - 1];
  g_autoptr(IkeDh) dh = ike_dh_new(suite.dh, c->env.rng);
  if (pr->spi_size != 8 || !ike_nonce_get(req, &ni) || !dh ||
      ike_dh_derive(dh, ke->u.ke.data.p, ke->u.ke.data.n, gir, &gn) != IKE_CRYPTO_OK) {
    ike_add_notify(resp, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
    return;
  }
  ike_nonce_new(c, &nr);
  uint64_t spi_r;
  do
    spi_r = drbg_u64(c->env.rng);
  while (!spi_r);
  uint8_t spi[8];
  wire_store_be64(spi, spi_r);
  ikev2_chosen_add(&ikev2_message_add(resp, IKEV2_PL_SA)->u.sa, &suite, IKEV2_PROTO_IKE, spi, 8);
  ikev2_data_set(&ikev2_message_add(resp, IKEV2_PL_NONCE)->u.nonce, nr.b, nr.n);
  add_ke(resp, dh);
  IkeSa *n = rekeyed_sa(sa, false, wire_load_be64(pr->spi), spi_r, &suite, gir, gn, &ni, &nr);
  ike_wipe(gir, sizeof gir);
  if (!n)
    return;
  if (sa->active && sa->active->kind == TASK_IKE_REKEY) {
    /* our own rekey of the same SA is in flight: a collision (RFC 7296 2.8.1) */
    sa->active->collided = true;
    sa->active->coll_sa = n;
    sa->active->coll_min = *nonce_min(&ni, &nr);
  } else {
    ike_sa_set_state(sa, IKE_SA_REKEYED, "replaced by peer");
  }
}

void ike_child_respond(IkeSa *sa, const Ikev2Message *req, Ikev2Message *resp)
{
  Ikev2Conn *c = sa->conn;
  if (sa->state != IKE_SA_ESTABLISHED && sa->state != IKE_SA_REKEYING) {
    /* RFC 7296 2.25: a rekey or delete of this SA is under way */
    ike_add_notify(resp, IKEV2_N_TEMPORARY_FAILURE, 0, NULL, 0, NULL, 0);
    return;
  }
  const Ikev2Payload *sap = ikev2_message_find(req, IKEV2_PL_SA, 0);
  if (!sap) {
    /* the rules table requires SA in a request (ikev2_rules_check); should another path
     * ever hand one over without it, it is a peer's malformed message, never a crash */
    ike_add_notify(resp, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
    return;
  }
  if (sap->u.sa.n_proposals && sap->u.sa.proposals[0].protocol == IKEV2_PROTO_IKE) {
    respond_ike_rekey(sa, req, resp);
    return;
  }
  if (sa->state != IKE_SA_ESTABLISHED) {
    ike_add_notify(resp, IKEV2_N_TEMPORARY_FAILURE, 0, NULL, 0, NULL, 0);
    return;
  }
  IkeChild *old = NULL;
  const Ikev2Notify *rk = ikev2_message_find_notify(req, IKEV2_N_REKEY_SA);
  if (rk) {
    old = rk->spi_size == 4 ? ike_child_find_out(sa, wire_load_be32(rk->spi)) : NULL;
    if (!old || (old->state != IKE_CHILD_INSTALLED && old->state != IKE_CHILD_REKEYING)) {
      /* RFC 7296 1.3.3: we do not know (or are deleting) the SA being rekeyed */
      ike_add_notify(resp, IKEV2_N_CHILD_SA_NOT_FOUND, IKEV2_PROTO_ESP, rk->spi, rk->spi_size,
                     NULL, 0);
      return;
    }
  }
  IkeChild ch = {.rekey_at = NEVER, .expire_at = NEVER};
  const Ikev2Payload *ke = ikev2_message_find(req, IKEV2_PL_KE, 0);
  if (c->cfg.impair_child_notify_create) {
    char nb[NAME_BUFSZ];
    ike_add_notify(resp, c->cfg.impair_child_notify_create, 0, NULL, 0, NULL, 0);
    ike_sa_emit(sa, "impair.applied", "what", "notify");
    child_failed(sa, name_fmt(&ikev2_notify_names, c->cfg.impair_child_notify_create, nb));
    return;
  }
  if (!ikev2_select_esp(&sap->u.sa, c->cfg.esp, c->cfg.n_esp, true, ke ? ke->u.ke.group : 0,
                        &ch.alg)) {
    /* a PFS setting that differs surfaces here, at the first rekey */
    ike_add_notify(resp, IKEV2_N_NO_PROPOSAL_CHOSEN, 0, NULL, 0, NULL, 0);
    child_failed(sa, "NO_PROPOSAL_CHOSEN");
    return;
  }
  if (ch.alg.dh && (!ke || ke->u.ke.group != ch.alg.dh)) {
    /* RFC 7296 1.3.1 with 1.2: the chosen proposal's group is not the KEi's */
    uint8_t g[2];
    wire_store_be16(g, ch.alg.dh);
    ike_add_notify(resp, IKEV2_N_INVALID_KE_PAYLOAD, 0, NULL, 0, g, 2);
    child_failed(sa, "INVALID_KE_PAYLOAD");
    return;
  }
  IkeNonce ni, nr;
  uint8_t gir[IKE_DH_MAX];
  size_t gn = 0;
  g_autoptr(IkeDh) dh = ch.alg.dh ? ike_dh_new(ch.alg.dh, c->env.rng) : NULL;
  if (!ike_nonce_get(req, &ni) ||
      (dh && ike_dh_derive(dh, ke->u.ke.data.p, ke->u.ke.data.n, gir, &gn) != IKE_CRYPTO_OK)) {
    ike_add_notify(resp, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
    return;
  }
  if (old) {
    memcpy(ch.ts_l, old->ts_l, sizeof ch.ts_l);
    memcpy(ch.ts_r, old->ts_r, sizeof ch.ts_r);
    ch.n_l = old->n_l, ch.n_r = old->n_r, ch.ts_index = old->ts_index;
  } else if (!ike_child_narrow(sa, req, &ch)) {
    ike_add_notify(resp, IKEV2_N_TS_UNACCEPTABLE, 0, NULL, 0, NULL, 0);
    child_failed(sa, "TS_UNACCEPTABLE");
    return;
  }
  ike_nonce_new(c, &nr);
  /* RFC 7296 1.3.1: HDR, SK {SA, Nr, [KEr], TSi, TSr} */
  IkeChild *nc = ike_child_accept_new(sa, &ch, resp);
  ikev2_data_set(&ikev2_message_add(resp, IKEV2_PL_NONCE)->u.nonce, nr.b, nr.n);
  if (dh)
    add_ke(resp, dh);
  ike_child_put_ts(nc, false, resp);
  ike_child_schedule(sa, nc);
  bool ok = ike_child_install(sa, nc, gn ? gir : NULL, gn, &ni, &nr, false, old ? old->spi_in : 0);
  ike_wipe(gir, sizeof gir);
  if (!ok)
    return;
  ike_child_set_state(sa, nc, IKE_CHILD_INSTALLED, "CREATE_CHILD_SA");
  ike_child_emit(sa, nc, old ? IKE_EV_CHILD_REKEYED : IKE_EV_CHILD_INSTALLED, "CREATE_CHILD_SA");
  if (!old)
    return;
  Ikev2Task *a = sa->active;
  if (a && a->kind == TASK_CHILD_REKEY && a->target == old->spi_in) {
    /* our rekey of the same child is in flight: a collision (RFC 7296 2.8.1) */
    a->collided = true;
    a->coll_child_spi = nc->spi_in;
    a->coll_min = *nonce_min(&ni, &nr);
  } else {
    /* the initiator deletes the old SA once the new one is in place */
    ike_child_set_state(sa, old, IKE_CHILD_REKEYED, "replaced by peer");
  }
}
