/* SPDX-License-Identifier: MIT */
/* The IKE_AUTH exchange as a task (RFC 7296 1.2, 2.15): identities (IPv4, FQDN, KEY_ID),
 * PSK authentication and its failures (AUTHENTICATION_FAILED, with an event naming the
 * cause), INITIAL_CONTACT (2.4), and the first child SA with proposal selection and
 * traffic selector narrowing (2.9). */
#include "models/ike/ikev2_sa_private.h"

#include "models/ike/ikev2_ts.h"

#include <string.h>

/* The identity's payload data: 4 octets for IPv4, the text for FQDN and KEY_ID. */
static bool id_data(const IkeIdentityCfg *id, const Ikev2Conn *c, bool local, uint8_t *out,
                    size_t *n, uint8_t *type)
{
  *type = id->type ? id->type : IKEV2_ID_IPV4_ADDR;
  if (*type == IKEV2_ID_IPV4_ADDR) {
    Ipv4Addr a;
    if (!id->type || !id->value[0])
      a = local ? c->cfg.local_addr : c->cfg.remote_addr;
    else if (ipv4_addr_parse(id->value, &a) != IPV4_PARSE_OK)
      return false;
    wire_store_be32(out, a.v);
    *n = 4;
    return true;
  }
  *n = strlen(id->value);
  memcpy(out, id->value, *n);
  return true;
}

static void add_id(Ikev2Message *m, uint8_t pl, const Ikev2Conn *c)
{
  uint8_t d[IKEV2_ID_MAX + 1], type;
  size_t n = 0;
  if (!id_data(&c->cfg.local_id, c, true, d, &n, &type))
    n = 0;
  Ikev2Payload *p = ikev2_message_add(m, pl);
  p->u.id.type = type;
  ikev2_data_set(&p->u.id.data, d, n);
}

/* RFC 7296 2.15: AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), RealMessage |
 * NonceOfPeer | prf(SK_p, RestOfIDPayload)); 'from_i' chooses SK_pi or SK_pr. */
static bool compute_auth(const IkeSa *sa, bool from_i, const Ikev2Payload *id, uint8_t *out)
{
  const Ikev2Conn *c = sa->conn;
  WireWriter w;
  wire_writer_init(&w);
  bool ok = ikev2_payload_body_encode(id, &w);
  gsize rn;
  const uint8_t *real = g_bytes_get_data(from_i ? sa->init_req : sa->init_resp, &rn);
  ok = ok && ike_psk_auth(sa->suite.prf, c->cfg.psk, c->cfg.psk_len, real, rn,
                          from_i ? sa->nr.b : sa->ni.b, from_i ? sa->nr.n : sa->ni.n,
                          from_i ? sa->keys->sk_pi : sa->keys->sk_pr, sa->keys->prf_len, w.buf,
                          w.len, out);
  wire_writer_clear(&w);
  return ok;
}

static void add_auth(IkeSa *sa, Ikev2Message *m, bool from_i, const Ikev2Payload *id)
{
  uint8_t a[IKE_PRF_MAX];
  if (!compute_auth(sa, from_i, id, a))
    return;
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_AUTH);
  p->u.auth.method = IKEV2_AUTH_PSK;
  ikev2_data_set(&p->u.auth.data, a, sa->keys->prf_len);
  ike_wipe(a, sizeof a);
}

static void auth_failed(IkeSa *sa, const char *cause)
{
  ike_sa_emit(sa, IKE_EV_AUTH_FAILED, "cause", cause);
  ike_sa_set_state(sa, IKE_SA_FAILED, cause);
}

/* Check the peer's ID and AUTH: NULL when good, else the cause. */
static const char *verify_peer(IkeSa *sa, const Ikev2Message *m, bool from_i)
{
  const Ikev2Conn *c = sa->conn;
  const Ikev2Payload *id = ikev2_message_find(m, from_i ? IKEV2_PL_IDI : IKEV2_PL_IDR, 0);
  const Ikev2Payload *au = ikev2_message_find(m, IKEV2_PL_AUTH, 0);
  if (!id || !au)
    return "missing ID or AUTH";
  if (c->cfg.remote_id.type) {
    uint8_t d[IKEV2_ID_MAX + 1], type;
    size_t n;
    if (!id_data(&c->cfg.remote_id, c, false, d, &n, &type) || type != id->u.id.type ||
        n != id->u.id.data.n || memcmp(d, id->u.id.data.p, n) != 0)
      return "peer identity mismatch";
  }
  if (au->u.auth.method != IKEV2_AUTH_PSK)
    return "unsupported auth method";
  uint8_t want[IKE_PRF_MAX];
  if (!compute_auth(sa, from_i, id, want))
    return "internal";
  bool ok = au->u.auth.data.n == sa->keys->prf_len &&
            ike_ct_equal(au->u.auth.data.p, want, sa->keys->prf_len);
  ike_wipe(want, sizeof want);
  return ok ? NULL : "PSK mismatch";
}

/* ---- initiator ---- */

static bool build_i(IkeSa *sa, Ikev2Task *t, Ikev2Message *req)
{
  Ikev2Conn *c = sa->conn;
  if (sa->state != IKE_SA_INIT_SENT || !sa->keys)
    return false;
  /* RFC 7296 1.2: HDR, SK {IDi, AUTH, SAi2, TSi, TSr [, N(INITIAL_CONTACT)]} */
  add_id(req, IKEV2_PL_IDI, c);
  add_auth(sa, req, true, &req->payloads[req->n_payloads - 1]);
  IkeChild *ch = g_new0(IkeChild, 1);
  ch->spi_in = t->spi = ike_child_new_spi(sa);
  ch->rekey_at = ch->expire_at = NEVER;
  ch->n_l = ike_child_local_ts(c, 0, ch->ts_l);
  ch->n_r = ike_child_remote_ts(c, 0, ch->ts_r);
  g_ptr_array_add(sa->children, ch);
  /* RFC 7296 1.2: no DH transform in IKE_AUTH SA payloads (the first child has no PFS) */
  size_t n_offer;
  const ChildProposalCfg *offer = ike_child_offer(c, &n_offer);
  ikev2_proposals_add_esp(&ikev2_message_add(req, IKEV2_PL_SA)->u.sa, offer, n_offer,
                          ch->spi_in, false);
  ike_child_put_ts(ch, true, req);
  if (c->cfg.initial_contact)
    ike_add_notify(req, IKEV2_N_INITIAL_CONTACT, 0, NULL, 0, NULL, 0);
  ike_sa_set_state(sa, IKE_SA_AUTH_SENT, "authenticate");
  return true;
}

static void process_i(IkeSa *sa, Ikev2Task *t, const Ikev2Message *resp)
{
  Ikev2Conn *c = sa->conn;
  IkeChild *ch = ike_child_find(sa, t->spi);
  if (ikev2_message_find_notify(resp, IKEV2_N_AUTHENTICATION_FAILED)) {
    ike_sa_emit_notify(sa, IKEV2_N_AUTHENTICATION_FAILED, "IKE_AUTH");
    auth_failed(sa, "peer refused our authentication");
    return;
  }
  const char *why = verify_peer(sa, resp, false);
  if (why) {
    auth_failed(sa, why);
    return;
  }
  ike_sa_established(sa);
  ike_conn_set_current(c, sa);
  if (!ch)
    return;
  size_t n_offer;
  const ChildProposalCfg *offer = ike_child_offer(c, &n_offer);
  uint16_t err = ike_error_notify(resp);
  const Ikev2Payload *sap = ikev2_message_find(resp, IKEV2_PL_SA, 0);
  const char *cfail = NULL;
  bool narrowed = false;
  char b[NAME_BUFSZ];
  if (err) {
    /* RFC 7296 2.21.1: the child failed, the IKE SA stands */
    ike_sa_emit_notify(sa, err, "IKE_AUTH");
    cfail = name_fmt(&ikev2_notify_names, err, b);
  } else if (!sap || !ikev2_accept_esp(&sap->u.sa, offer, n_offer, false, &ch->alg)) {
    cfail = "responder chose a proposal we did not offer";
  } else if (!ike_child_accept_ts(sa, resp, ch, &narrowed)) {
    cfail = "responder widened the traffic selectors";
  }
  if (cfail) {
    ike_sa_emit(sa, IKE_EV_CHILD_FAILED, "reason", cfail);
    ike_child_remove(sa, ch, cfail);
    return;
  }
  ch->spi_out = ch->alg.spi;
  if (narrowed && c->cfg.ts_no_narrowing) {
    ike_child_refuse_narrowed(sa, ch);
    return;
  }
  ike_child_schedule(sa, ch);
  if (ike_child_install(sa, ch, NULL, 0, &sa->ni, &sa->nr, true, 0)) {
    ike_child_set_state(sa, ch, IKE_CHILD_INSTALLED, "IKE_AUTH");
    ike_sa_emit(sa, IKE_EV_CHILD_INSTALLED, "exchange", "IKE_AUTH");
  }
}

const Ikev2TaskOps ike_task_auth_ops = {
    .name = "ike-auth", .exchange = IKEV2_IKE_AUTH, .build_i = build_i, .process_i = process_i};

/* ---- responder ---- */

void ike_auth_respond(IkeSa *sa, const Ikev2Message *req, Ikev2Message *resp)
{
  Ikev2Conn *c = sa->conn;
  if (sa->state != IKE_SA_INIT_DONE) {
    ike_add_notify(resp, IKEV2_N_INVALID_SYNTAX, 0, NULL, 0, NULL, 0);
    return;
  }
  const char *why = verify_peer(sa, req, true);
  if (why) {
    /* RFC 7296 2.21.2: answer AUTHENTICATION_FAILED and drop the IKE SA */
    ike_add_notify(resp, IKEV2_N_AUTHENTICATION_FAILED, 0, NULL, 0, NULL, 0);
    auth_failed(sa, why);
    return;
  }
  if (ikev2_message_find_notify(req, IKEV2_N_INITIAL_CONTACT)) {
    /* RFC 7296 2.4: the peer has no other SA with us: forget every other IKE SA */
    for (guint i = c->sas->len; i-- > 0;) {
      IkeSa *o = g_ptr_array_index(c->sas, i);
      if (o != sa && o->state >= IKE_SA_ESTABLISHED && o->state < IKE_SA_DELETED)
        ike_sa_destroy(o, "INITIAL_CONTACT");
    }
  }
  /* RFC 7296 1.2: HDR, SK {IDr, AUTH, SAr2, TSi, TSr} */
  add_id(resp, IKEV2_PL_IDR, c);
  add_auth(sa, resp, false, &resp->payloads[resp->n_payloads - 1]);
  ike_sa_established(sa);
  ike_conn_set_current(c, sa);
  const Ikev2Payload *sap = ikev2_message_find(req, IKEV2_PL_SA, 0);
  if (!sap)
    return; /* no child requested */
  IkeChild ch = {.rekey_at = NEVER, .expire_at = NEVER};
  if (!ikev2_select_esp(&sap->u.sa, c->cfg.esp, c->cfg.n_esp, false, 0, &ch.alg)) {
    ike_add_notify(resp, IKEV2_N_NO_PROPOSAL_CHOSEN, 0, NULL, 0, NULL, 0);
    ike_sa_emit(sa, IKE_EV_CHILD_FAILED, "reason", "NO_PROPOSAL_CHOSEN");
    return;
  }
  if (!ike_child_narrow(sa, req, &ch)) {
    ike_add_notify(resp, IKEV2_N_TS_UNACCEPTABLE, 0, NULL, 0, NULL, 0);
    ike_sa_emit(sa, IKE_EV_CHILD_FAILED, "reason", "TS_UNACCEPTABLE");
    return;
  }
  IkeChild *nc = g_memdup2(&ch, sizeof ch);
  nc->spi_out = ch.alg.spi;
  nc->spi_in = ike_child_new_spi(sa);
  g_ptr_array_add(sa->children, nc);
  uint8_t spi[4];
  wire_store_be32(spi, nc->spi_in);
  ikev2_chosen_add(&ikev2_message_add(resp, IKEV2_PL_SA)->u.sa, &nc->alg, IKEV2_PROTO_ESP, spi, 4);
  ike_child_put_ts(nc, false, resp);
  ike_child_schedule(sa, nc);
  if (ike_child_install(sa, nc, NULL, 0, &sa->ni, &sa->nr, false, 0)) {
    ike_child_set_state(sa, nc, IKE_CHILD_INSTALLED, "IKE_AUTH");
    ike_sa_emit(sa, IKE_EV_CHILD_INSTALLED, "exchange", "IKE_AUTH");
  }
}
