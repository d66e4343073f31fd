/* SPDX-License-Identifier: MIT */
/* The IKE_AUTH exchange as a task (RFC 7296 1.2, 2.15): identities (IPv4, FQDN, KEY_ID,
 * DER_ASN1_DN), PSK or certificate authentication (CERT, CERTREQ, signature AUTH of RFC
 * 7296 3.8 and RFC 7427) and its failures (AUTHENTICATION_FAILED, with an event naming the
 * cause), INITIAL_CONTACT (2.4), the configuration payload of remote access (2.19), and
 * the first child SA with proposal selection and traffic selector narrowing (2.9). */
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
  if (*type == IKEV2_ID_DER_ASN1_DN && local && c->cfg.local_cert) {
    /* RFC 7296 3.5: the DER of the certificate's subject */
    g_autoptr(GBytes) dn = ike_cert_subject_der(c->cfg.local_cert);
    gsize dn_len;
    const uint8_t *dp = dn ? g_bytes_get_data(dn, &dn_len) : NULL;
    if (!dp || dn_len > IKEV2_ID_MAX)
      return false;
    memcpy(out, dp, dn_len);
    *n = dn_len;
    return true;
  }
  *n = strlen(id->value);
  memcpy(out, id->value, *n);
  return true;
}

static bool cert_auth(const Ikev2Conn *c)
{
  return c->cfg.auth_method == IKEV2_AUTH_RSA_SIG || c->cfg.auth_method == IKEV2_AUTH_DIGITAL_SIG;
}

void ike_add_certreq(Ikev2Message *m, const IkeTrust *trust)
{
  size_t n;
  g_autofree uint8_t *h = ike_trust_certreq(trust, &n);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_CERTREQ);
  p->u.cert.encoding = IKEV2_CERT_X509_SIGNATURE;
  ikev2_data_set(&p->u.cert.data, h, n);
}

/* RFC 7296 3.6: our certificate, X.509 signature encoding */
static void add_cert(Ikev2Message *m, const Ikev2Conn *c)
{
  size_t n;
  const uint8_t *der = ike_cert_der(c->cfg.local_cert, &n);
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_CERT);
  p->u.cert.encoding = IKEV2_CERT_X509_SIGNATURE;
  ikev2_data_set(&p->u.cert.data, der, n);
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

static void add_auth(IkeSa *sa, Ikev2Message *m, bool from_i, const Ikev2Payload *id);

/* RFC 7296 2.15: the octets a signature covers (the same three parts the PSK MAC
 * covers). g_free. */
static uint8_t *signed_octets(const IkeSa *sa, bool from_i, const Ikev2Payload *id, size_t *n)
{
  WireWriter w;
  wire_writer_init(&w);
  uint8_t *out = NULL;
  gsize rn;
  const uint8_t *real = g_bytes_get_data(from_i ? sa->init_req : sa->init_resp, &rn);
  if (ikev2_payload_body_encode(id, &w))
    out = ike_signed_octets(sa->suite.prf, real, rn, from_i ? sa->nr.b : sa->ni.b,
                            from_i ? sa->nr.n : sa->ni.n,
                            from_i ? sa->keys->sk_pi : sa->keys->sk_pr, sa->keys->prf_len,
                            w.buf, w.len, n);
  wire_writer_clear(&w);
  return out;
}

/* Signature AUTH (RFC 7296 3.8 method 1, RFC 7427 method 14) with our key. */
static void add_sig_auth(IkeSa *sa, Ikev2Message *m, bool from_i, size_t id_index)
{
  const Ikev2Conn *c = sa->conn;
  size_t n = 0, sl = 0;
  g_autofree uint8_t *oct = signed_octets(sa, from_i, &m->payloads[id_index], &n);
  g_autofree uint8_t *sig = NULL;
  Ikev2SigScheme scheme = ike_sig_scheme_for(c->cfg.local_key, c->cfg.auth_method);
  if (!oct || !ike_sig_sign(c->cfg.local_key, scheme, c->env.rng, oct, n, &sig, &sl))
    return; /* no AUTH: the peer refuses us, and says so */
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_AUTH);
  ikev2_auth_sig_set(&p->u.auth, c->cfg.auth_method, scheme, sig, sl);
}

/* Our ID (and, with certificates, CERT [and CERTREQ]) then AUTH over that ID. */
static void add_id_auth(IkeSa *sa, Ikev2Message *m, bool from_i)
{
  const Ikev2Conn *c = sa->conn;
  add_id(m, from_i ? IKEV2_PL_IDI : IKEV2_PL_IDR, c);
  size_t id_index = m->n_payloads - 1;
  if (!cert_auth(c)) {
    add_auth(sa, m, from_i, &m->payloads[id_index]);
    return;
  }
  /* RFC 7296 1.2: IDi, [CERT,] [CERTREQ,] [IDr,] AUTH  /  IDr, [CERT,] AUTH */
  if (c->cfg.local_cert)
    add_cert(m, c);
  if (from_i && c->cfg.trust)
    ike_add_certreq(m, c->cfg.trust);
  add_sig_auth(sa, m, from_i, id_index);
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

/* The cause of a certificate refusal, for the ike.auth.failed event. */
static const char *cert_cause(IkeCertVerdict v)
{
  switch (v) {
  case IKE_CERT_OK: return NULL;
  case IKE_CERT_UNTRUSTED: return "certificate untrusted";
  case IKE_CERT_EXPIRED: return "certificate expired";
  case IKE_CERT_REVOKED: return "certificate revoked";
  case IKE_CERT_WRONG_USAGE: return "certificate usage";
  case IKE_CERT_KEY_TYPE: return "certificate key type not supported";
  case IKE_CERT_MALFORMED: return "no certificate";
  }
  return "certificate";
}

/* The peer authenticates with a certificate: its chain to our roots (the first CERT is
 * the end entity, the others help build the chain), revocation and key type, the ID
 * against the certificate's subject, then the signature over RFC 7296 2.15's octets. */
static const char *verify_peer_cert(IkeSa *sa, const Ikev2Message *m, bool from_i,
                                    const Ikev2Payload *id, const Ikev2Auth *au)
{
  const Ikev2Conn *c = sa->conn;
  if (au->method != IKEV2_AUTH_RSA_SIG && au->method != IKEV2_AUTH_DIGITAL_SIG &&
      au->method != IKEV2_AUTH_ECDSA_256 && au->method != IKEV2_AUTH_ECDSA_384 &&
      au->method != IKEV2_AUTH_ECDSA_521)
    return "unsupported auth method";
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func((GDestroyNotify)ike_cert_unref);
  for (size_t i = 0;; i++) {
    const Ikev2Payload *p = ikev2_message_find(m, IKEV2_PL_CERT, i);
    if (!p)
      break;
    if (p->u.cert.encoding != IKEV2_CERT_X509_SIGNATURE)
      continue; /* an encoding we do not use (hash and URL, ...) */
    IkeCert *x = ike_cert_from_der(p->u.cert.data.p, p->u.cert.data.n);
    if (!x)
      return "certificate malformed";
    g_ptr_array_add(certs, x);
  }
  if (certs->len == 0)
    return "no certificate";
  IkeCert *leaf = g_ptr_array_index(certs, 0);
  int64_t at = (c->cfg.cert_epoch ? c->cfg.cert_epoch : IKE_CERT_SIM_EPOCH) +
               ike_now(sa) / NS_PER_S;
  const char *why =
      cert_cause(ike_trust_verify(c->cfg.trust, leaf, (IkeCert *const *)certs->pdata + 1,
                                  certs->len - 1, c->cfg.peer_cert_use, at));
  if (why)
    return why;
  if (id->u.id.type == IKEV2_ID_DER_ASN1_DN) {
    /* RFC 7296 3.5 / 4: a DN identity must be the certificate's subject */
    g_autoptr(GBytes) dn = ike_cert_subject_der(leaf);
    gsize dn_len;
    const uint8_t *dp = dn ? g_bytes_get_data(dn, &dn_len) : NULL;
    if (!dp || dn_len != id->u.id.data.n || memcmp(dp, id->u.id.data.p, dn_len) != 0)
      return "peer identity mismatch";
  }
  Ikev2AuthSig sig;
  WireDiag d;
  if (ikev2_auth_sig_split(au, &sig, &d) != WIRE_OK || sig.scheme == IKEV2_SIG_UNKNOWN)
    return "unsupported signature algorithm";
  size_t n = 0;
  g_autofree uint8_t *oct = signed_octets(sa, from_i, id, &n);
  if (!oct)
    return "internal";
  switch (ike_sig_verify(leaf, sig.scheme, oct, n, sig.sig, sig.sig_len)) {
  case IKE_CRYPTO_OK: return NULL;
  case IKE_CRYPTO_UNSUPPORTED: return "signature does not fit the certificate key";
  default: return "signature mismatch";
  }
}

/* Check the peer's ID and AUTH: NULL when good, else the cause. */
static const char *verify_peer(IkeSa *sa, const Ikev2Message *m, bool from_i)
{
  const Ikev2Conn *c = sa->conn;
  const Ikev2Payload *id = ikev2_message_find(m, from_i ? IKEV2_PL_IDI : IKEV2_PL_IDR, 0);
  const Ikev2Payload *au = ikev2_message_find(m, IKEV2_PL_AUTH, 0);
  if (!id || !au)
    return "missing ID or AUTH";
  if (c->cfg.remote_id.type && c->cfg.remote_id.type != IKEV2_ID_DER_ASN1_DN) {
    uint8_t d[IKEV2_ID_MAX + 1], type;
    size_t n;
    if (!id_data(&c->cfg.remote_id, c, false, d, &n, &type) || type != id->u.id.type ||
        n != id->u.id.data.n || memcmp(d, id->u.id.data.p, n) != 0)
      return "peer identity mismatch";
  }
  if (c->cfg.trust)
    return verify_peer_cert(sa, m, from_i, id, &au->u.auth);
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

/* RFC 7296 2.4: INITIAL_CONTACT asserts that the new IKE SA is the only one between the
 * two identities; with another one established (the peer initiated one while ours was in
 * flight, in this engine or in another engine of the owner towards the same peer, which
 * env.has_contact answers) it is not sent, as strongSwan checks (has_contact, across all
 * its IKE SAs) before it adds it. */
static bool only_sa(const IkeSa *sa)
{
  const Ikev2Conn *c = sa->conn;
  for (guint i = 0; i < c->sas->len; i++) {
    const IkeSa *o = g_ptr_array_index(c->sas, i);
    if (o != sa && o->state >= IKE_SA_ESTABLISHED && o->state < IKE_SA_DELETED)
      return false;
  }
  return !(c->env.has_contact && c->env.has_contact(c->env.user));
}

static bool build_i(IkeSa *sa, Ikev2Task *t, Ikev2Message *req)
{
  Ikev2Conn *c = sa->conn;
  if (sa->state != IKE_SA_INIT_SENT || !sa->keys)
    return false;
  /* RFC 7296 1.2: HDR, SK {IDi, [CERT,] [CERTREQ,] AUTH, [CP(CFG_REQUEST),] SAi2, TSi, TSr
   * [, N(INITIAL_CONTACT)]} */
  add_id_auth(sa, req, true);
  if (c->cfg.cp_request) {
    /* RFC 7296 2.19: ask for an address (and DNS servers); empty values request them */
    Ikev2Payload *cp = ikev2_message_add(req, IKEV2_PL_CP);
    cp->u.cp.cfg_type = IKEV2_CFG_REQUEST;
    ikev2_cp_add(&cp->u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, NULL, 0);
    ikev2_cp_add(&cp->u.cp, IKEV2_CFG_INTERNAL_IP4_DNS, NULL, 0);
  }
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
  if (c->cfg.initial_contact && only_sa(sa))
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
  const Ikev2Payload *cpp = ikev2_message_find(resp, IKEV2_PL_CP, 0);
  const Ikev2CfgAttr *ca = cpp && cpp->u.cp.cfg_type == IKEV2_CFG_REPLY
                               ? ikev2_cp_find(&cpp->u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, 0)
                               : NULL;
  if (c->cfg.cp_request && ca && ikev2_cp_attr_ip4(ca, &sa->cp_addr)) {
    char ab[IPV4_ADDR_STRLEN];
    sa->has_cp = true;
    ike_sa_emit(sa, IKE_EV_CP_ASSIGNED, "address", ipv4_addr_format(sa->cp_addr, ab));
  }
  if (!ch)
    return;
  bool narrowed = false;
  char b[NAME_BUFSZ];
  const char *cfail = ike_child_check_response(sa, resp, ch, false, "IKE_AUTH", b);
  if (!cfail && !ike_child_accept_ts(sa, resp, ch, &narrowed))
    cfail = "responder widened the traffic selectors";
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
    ike_child_emit(sa, ch, IKE_EV_CHILD_INSTALLED, "IKE_AUTH");
  }
}

const Ikev2TaskOps ike_task_auth_ops = {
    .name = "ike-auth", .exchange = IKEV2_IKE_AUTH, .build_i = build_i, .process_i = process_i};

/* ---- responder ---- */

/* RFC 7296 2.19: the client's side of the child is its new address, ours the routes we
 * hand it; both must lie inside what the client proposed (usually any-to-any). */
static bool cp_narrow(const Ikev2Message *req, const IkeCpLease *lease, IkeChild *ch)
{
  const Ikev2Payload *tsi = ikev2_message_find(req, IKEV2_PL_TSI, 0);
  const Ikev2Payload *tsr = ikev2_message_find(req, IKEV2_PL_TSR, 0);
  Ipv4Range oi[IKEV2_MAX_TS], orr[IKEV2_MAX_TS];
  size_t ni = ikev2_ts_get(&tsi->u.ts, oi, IKEV2_MAX_TS);
  size_t nr = ikev2_ts_get(&tsr->u.ts, orr, IKEV2_MAX_TS);
  Ipv4Range mine[1] = {{lease->addr, lease->addr}};
  if (!ikev2_ts_subset(mine, 1, oi, ni))
    return false;
  ch->ts_r[0] = mine[0];
  ch->n_r = 1;
  if (!lease->n_routes)
    return true;
  /* RFC 7296 2.9: the responder narrows to what it protects within what the initiator
   * proposed: each route intersected with each range of TSr (a client asking for the
   * VNet only gets the VNet, not the pool too); nothing in common refuses the child */
  Ipv4Range routes[IKEV2_MAX_TS];
  size_t n = 0;
  for (size_t i = 0; i < lease->n_routes && i < IKEV2_MAX_TS; i++) {
    uint32_t rf = ipv4_prefix_first(lease->routes[i]).v, rl = ipv4_prefix_last(lease->routes[i]).v;
    for (size_t k = 0; k < nr && n < IKEV2_MAX_TS; k++) {
      uint32_t lo = MAX(rf, orr[k].first.v), hi = MIN(rl, orr[k].last.v);
      if (lo <= hi)
        routes[n++] = (Ipv4Range){{lo}, {hi}};
    }
  }
  if (!n)
    return false;
  memcpy(ch->ts_l, routes, n * sizeof routes[0]);
  ch->n_l = n;
  return true;
}

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
    if (c->env.initial_contact)
      c->env.initial_contact(c->env.user);
  }
  /* RFC 7296 1.2: HDR, SK {IDr, [CERT,] AUTH, [CP(CFG_REPLY),] SAr2, TSi, TSr} */
  add_id_auth(sa, resp, false);
  ike_sa_established(sa);
  ike_conn_set_current(c, sa);
  IkeCpLease lease;
  bool leased = false;
  const Ikev2Payload *cpp = ikev2_message_find(req, IKEV2_PL_CP, 0);
  if (cpp && cpp->u.cp.cfg_type == IKEV2_CFG_REQUEST && c->env.cp_assign &&
      ikev2_cp_find(&cpp->u.cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, 0)) {
    const Ikev2Payload *idp = ikev2_message_find(req, IKEV2_PL_IDI, 0);
    g_autofree char *peer = idp ? g_strndup((const char *)idp->u.id.data.p, idp->u.id.data.n)
                                : g_strdup("");
    if (idp && idp->u.id.type == IKEV2_ID_IPV4_ADDR && idp->u.id.data.n == 4) {
      char ab[IPV4_ADDR_STRLEN];
      g_free(peer);
      peer = g_strdup(ipv4_addr_format((Ipv4Addr){wire_load_be32(idp->u.id.data.p)}, ab));
    }
    memset(&lease, 0, sizeof lease);
    if (!c->env.cp_assign(c->env.user, peer, &lease)) {
      /* RFC 7296 3.10.1: no address to give; the IKE SA stands, the child does not */
      ike_add_notify(resp, IKEV2_N_INTERNAL_ADDRESS_FAILURE, 0, NULL, 0, NULL, 0);
      ike_sa_emit(sa, IKE_EV_CHILD_FAILED, "reason", "INTERNAL_ADDRESS_FAILURE");
      return;
    }
    leased = true;
    sa->has_cp = true;
    sa->cp_addr = lease.addr;
    /* RFC 7296 3.15.1: the address, its netmask, DNS servers and the protected subnets */
    Ikev2Cp *cp = &ikev2_message_add(resp, IKEV2_PL_CP)->u.cp;
    cp->cfg_type = IKEV2_CFG_REPLY;
    ikev2_cp_add_ip4(cp, IKEV2_CFG_INTERNAL_IP4_ADDRESS, lease.addr);
    if (lease.prefix_len)
      ikev2_cp_add_ip4(cp, IKEV2_CFG_INTERNAL_IP4_NETMASK,
                       (Ipv4Addr){ipv4_mask(lease.prefix_len)});
    for (size_t i = 0; i < lease.n_dns && i < IKE_CP_MAX_DNS; i++)
      ikev2_cp_add_ip4(cp, IKEV2_CFG_INTERNAL_IP4_DNS, lease.dns[i]);
    for (size_t i = 0; i < lease.n_routes && i < IKEV2_MAX_TS; i++)
      ikev2_cp_add_ip4_subnet(cp, lease.routes[i]);
    char ab[IPV4_ADDR_STRLEN];
    ike_sa_emit(sa, IKE_EV_CP_ASSIGNED, "address", ipv4_addr_format(lease.addr, ab));
  }
  const Ikev2Payload *sap = ikev2_message_find(req, IKEV2_PL_SA, 0);
  if (!sap)
    return; /* no child requested */
  IkeChild ch = {.rekey_at = NEVER, .expire_at = NEVER};
  if (c->cfg.impair_child_notify_auth) {
    char nb[NAME_BUFSZ];
    const char *name = name_fmt(&ikev2_notify_names, c->cfg.impair_child_notify_auth, nb);
    ike_add_notify(resp, c->cfg.impair_child_notify_auth, 0, NULL, 0, NULL, 0);
    ike_sa_emit(sa, "impair.applied", "what", "notify");
    ike_sa_emit(sa, IKE_EV_CHILD_FAILED, "reason", name);
    return;
  }
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
  if (leased && !cp_narrow(req, &lease, &ch)) {
    ike_add_notify(resp, IKEV2_N_TS_UNACCEPTABLE, 0, NULL, 0, NULL, 0);
    ike_sa_emit(sa, IKE_EV_CHILD_FAILED, "reason", "TS_UNACCEPTABLE");
    return;
  }
  IkeChild *nc = ike_child_accept_new(sa, &ch, resp);
  ike_child_put_ts(nc, false, resp);
  ike_child_schedule(sa, nc);
  if (ike_child_install(sa, nc, NULL, 0, &sa->ni, &sa->nr, false, 0)) {
    ike_child_set_state(sa, nc, IKE_CHILD_INSTALLED, "IKE_AUTH");
    ike_child_emit(sa, nc, IKE_EV_CHILD_INSTALLED, "IKE_AUTH");
  }
}
