/* SPDX-License-Identifier: MIT */
/* Child SAs of the IKEv2 engine: SPIs, traffic selectors of a configured pair, KEYMAT
 * (RFC 7296 2.17) sliced per direction and handed to the owner, lifetimes with margin and
 * jitter, states and their events. */
#include "models/ike/ikev2_sa_private.h"

#include "models/esp/esp_crypto.h"
#include "models/ike/ikev2_ts.h"

#include <string.h>

IkeChild *ike_child_find(IkeSa *sa, uint32_t spi_in)
{
  for (guint i = 0; i < sa->children->len; i++) {
    IkeChild *ch = g_ptr_array_index(sa->children, i);
    if (ch->spi_in == spi_in)
      return ch;
  }
  return NULL;
}

IkeChild *ike_child_find_out(IkeSa *sa, uint32_t spi_out)
{
  for (guint i = 0; i < sa->children->len; i++) {
    IkeChild *ch = g_ptr_array_index(sa->children, i);
    if (ch->spi_out == spi_out)
      return ch;
  }
  return NULL;
}

uint32_t ike_child_new_spi(IkeSa *sa)
{
  /* RFC 4303 2.1: SPIs 1-255 are reserved by IANA */
  uint32_t spi;
  do
    spi = drbg_u32(sa->conn->env.rng);
  while (spi < 256);
  return spi;
}

static VsEvent child_event(const IkeSa *sa, const IkeChild *ch, const char *type)
{
  VsEvent ev = vs_event(ike_now(sa), sa->conn->cfg.name, type);
  vs_event_hex(&ev, "spi_i", sa->spi_i);
  vs_event_hex(&ev, "spi_r", sa->spi_r);
  vs_event_hex(&ev, "spi_in", ch->spi_in);
  vs_event_hex(&ev, "spi_out", ch->spi_out);
  return ev;
}

static void child_emit(const IkeSa *sa, VsEvent *ev)
{
  char peer[IPV4_ADDR_STRLEN];
  vs_event_str(ev, "peer", ipv4_addr_format(sa->conn->cfg.remote_addr, peer));
  vs_event_emit(&sa->conn->env.events, ev);
}

void ike_child_set_state(IkeSa *sa, IkeChild *ch, IkeChildState s, const char *reason)
{
  if (ch->state == s)
    return;
  char a[NAME_BUFSZ], b[NAME_BUFSZ];
  VsEvent ev = child_event(sa, ch, IKE_EV_CHILD_STATE);
  vs_event_str(&ev, "old_state", name_fmt(&ike_child_state_names, ch->state, a));
  vs_event_str(&ev, "new_state", name_fmt(&ike_child_state_names, s, b));
  vs_event_str(&ev, "reason", reason);
  char x[NAME_BUFSZ];
  if (sa->exchange)
    vs_event_str(&ev, "exchange", name_fmt(&ikev2_exchange_names, sa->exchange, x));
  ch->state = s;
  child_emit(sa, &ev);
}

void ike_child_remove(IkeSa *sa, IkeChild *ch, const char *reason)
{
  Ikev2Conn *c = sa->conn;
  if (ch->installed && c->env.child_remove)
    c->env.child_remove(c->env.user, ch->spi_in, ch->spi_out, reason);
  bool was = ch->installed;
  ch->installed = false;
  ike_child_set_state(sa, ch, IKE_CHILD_DELETED, reason);
  if (was) {
    VsEvent ev = child_event(sa, ch, IKE_EV_CHILD_DELETED);
    vs_event_str(&ev, "reason", reason);
    child_emit(sa, &ev);
  }
  g_ptr_array_remove(sa->children, ch);
}

void ike_child_schedule(IkeSa *sa, IkeChild *ch)
{
  const IkeConfig *cfg = &sa->conn->cfg;
  ch->rekey_at = ch->expire_at = NEVER;
  if (!cfg->child_lifetime_s)
    return;
  int64_t now = ike_now(sa);
  int64_t life = (int64_t)cfg->child_lifetime_s * NS_PER_S;
  int64_t margin = (int64_t)cfg->rekey_margin_s * NS_PER_S;
  int64_t jit = (int64_t)drbg_uniform(sa->conn->env.rng, (uint64_t)cfg->rekey_jitter_s * NS_PER_S + 1);
  int64_t at = life - margin - jit;
  ch->rekey_at = now + (at > 0 ? at : life / 2);
  ch->expire_at = now + life;
}

size_t ikev2_cfg_line_of(const IkeConfig *cfg, size_t pair)
{
  if (!cfg->ts_lines)
    return pair;
  size_t line = 0;
  for (size_t i = 1; i <= pair && i < cfg->n_ts; i++)
    line += cfg->ts_line[i] != cfg->ts_line[i - 1];
  return line;
}

size_t ikev2_cfg_n_lines(const IkeConfig *cfg)
{
  return cfg->n_ts ? ikev2_cfg_line_of(cfg, cfg->n_ts - 1) + 1 : 0;
}

static bool range_eq(Ipv4Range a, Ipv4Range b)
{
  return a.first.v == b.first.v && a.last.v == b.last.v;
}

/* The distinct local (or remote) ranges of line idx, in order (the first line when idx is
 * out of range); any-to-any without configured pairs. out holds IKEV2_MAX_TS. */
static size_t line_ranges(const Ikev2Conn *c, size_t idx, bool local, Ipv4Range *out)
{
  const IkeConfig *cfg = &c->cfg;
  if (!cfg->n_ts) {
    out[0] = ikev2_ts_any();
    return 1;
  }
  if (idx >= ikev2_cfg_n_lines(cfg))
    idx = 0;
  size_t n = 0;
  for (size_t i = 0; i < cfg->n_ts; i++) {
    if (ikev2_cfg_line_of(cfg, i) != idx)
      continue;
    Ipv4Range r = local ? cfg->ts[i].local : cfg->ts[i].remote;
    bool dup = false;
    for (size_t k = 0; k < n; k++)
      dup |= range_eq(out[k], r);
    if (!dup && n < IKEV2_MAX_TS)
      out[n++] = r;
  }
  return n;
}

size_t ike_child_local_ts(const Ikev2Conn *c, size_t idx, Ipv4Range *out)
{
  return line_ranges(c, idx, true, out);
}

size_t ike_child_remote_ts(const Ikev2Conn *c, size_t idx, Ipv4Range *out)
{
  return line_ranges(c, idx, false, out);
}

void ike_child_put_ts(const IkeChild *ch, bool initiator, Ikev2Message *m)
{
  /* RFC 7296 2.9: TSi describes the initiator's side of this exchange, TSr the
   * responder's */
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_TSI);
  if (initiator)
    ikev2_ts_put(&p->u.ts, ch->ts_l, ch->n_l);
  else
    ikev2_ts_put(&p->u.ts, ch->ts_r, ch->n_r);
  p = ikev2_message_add(m, IKEV2_PL_TSR);
  if (initiator)
    ikev2_ts_put(&p->u.ts, ch->ts_r, ch->n_r);
  else
    ikev2_ts_put(&p->u.ts, ch->ts_l, ch->n_l);
}

static bool ranges_eq(const Ipv4Range *a, size_t na, const Ipv4Range *b, size_t nb);

bool ike_child_narrow(IkeSa *sa, const Ikev2Message *req, IkeChild *ch)
{
  const Ikev2Conn *c = sa->conn;
  const Ikev2Payload *tsi = ikev2_message_find(req, IKEV2_PL_TSI, 0);
  const Ikev2Payload *tsr = ikev2_message_find(req, IKEV2_PL_TSR, 0);
  if (!tsi || !tsr)
    return false;
  Ipv4Range oi[IKEV2_MAX_TS], orr[IKEV2_MAX_TS];
  size_t ni = ikev2_ts_get(&tsi->u.ts, oi, IKEV2_MAX_TS);
  size_t nr = ikev2_ts_get(&tsr->u.ts, orr, IKEV2_MAX_TS);
  /* try each configured line (a pair, unless ts_lines) in order: the peer's TSi is our
   * remote side */
  size_t lines = c->cfg.n_ts ? ikev2_cfg_n_lines(&c->cfg) : 1;
  for (size_t k = 0; k < lines; k++) {
    Ipv4Range pl[IKEV2_MAX_TS], pr[IKEV2_MAX_TS];
    size_t npl = ike_child_local_ts(c, k, pl);
    size_t npr = ike_child_remote_ts(c, k, pr);
    ch->n_r = ikev2_ts_narrow(oi, ni, pr, npr, ch->ts_r, IKEV2_MAX_TS);
    ch->n_l = ikev2_ts_narrow(orr, nr, pl, npl, ch->ts_l, IKEV2_MAX_TS);
    /* no narrowing: the intersection must be our whole line, i.e. the peer's selectors
     * cover it */
    if (c->cfg.ts_no_narrowing &&
        !(ranges_eq(ch->ts_r, ch->n_r, pr, npr) && ranges_eq(ch->ts_l, ch->n_l, pl, npl)))
      continue;
    if (ch->n_r && ch->n_l) {
      ch->ts_index = k;
      return true;
    }
  }
  return false;
}

static bool ranges_eq(const Ipv4Range *a, size_t na, const Ipv4Range *b, size_t nb)
{
  if (na != nb)
    return false;
  for (size_t i = 0; i < na; i++)
    if (!range_eq(a[i], b[i]))
      return false;
  return true;
}

void ike_child_refuse_narrowed(IkeSa *sa, IkeChild *ch)
{
  ike_sa_emit(sa, IKE_EV_CHILD_FAILED, "reason", "responder narrowed the traffic selectors");
  Ikev2Task *d = ike_task_new(TASK_CHILD_DELETE);
  d->target = ch->spi_in;
  g_queue_push_head(&sa->tasks, d);
}

IkeChild *ike_child_accept_new(IkeSa *sa, const IkeChild *ch, Ikev2Message *resp)
{
  IkeChild *nc = g_memdup2(ch, sizeof *ch);
  nc->spi_out = ch->alg.spi;
  nc->spi_in = ike_child_new_spi(sa);
  g_ptr_array_add(sa->children, nc);
  uint8_t spi[4];
  wire_store_be32(spi, nc->spi_in);
  ikev2_chosen_add(&ikev2_message_add(resp, IKEV2_PL_SA)->u.sa, &nc->alg, IKEV2_PROTO_ESP, spi, 4);
  return nc;
}

const char *ike_child_check_response(IkeSa *sa, const Ikev2Message *resp, IkeChild *ch,
                                     bool with_dh, const char *exchange, char b[NAME_BUFSZ])
{
  size_t n_offer;
  const ChildProposalCfg *offer = ike_child_offer(sa->conn, &n_offer);
  uint16_t err = ike_error_notify(resp);
  const Ikev2Payload *sap = ikev2_message_find(resp, IKEV2_PL_SA, 0);
  if (err) {
    ike_sa_emit_notify(sa, err, exchange);
    return name_fmt(&ikev2_notify_names, err, b);
  }
  if (!sap || !ikev2_accept_esp(&sap->u.sa, offer, n_offer, with_dh, &ch->alg))
    return "responder chose a proposal we did not offer";
  return NULL;
}

bool ike_child_accept_ts(IkeSa *sa, const Ikev2Message *resp, IkeChild *ch, bool *narrowed)
{
  (void)sa;
  *narrowed = false;
  const Ikev2Payload *tsi = ikev2_message_find(resp, IKEV2_PL_TSI, 0);
  const Ikev2Payload *tsr = ikev2_message_find(resp, IKEV2_PL_TSR, 0);
  if (!tsi || !tsr)
    return false;
  Ipv4Range l[IKEV2_MAX_TS], r[IKEV2_MAX_TS];
  size_t nl = ikev2_ts_get(&tsi->u.ts, l, IKEV2_MAX_TS);
  size_t nr = ikev2_ts_get(&tsr->u.ts, r, IKEV2_MAX_TS);
  /* RFC 7296 2.9: the responder may only narrow what we proposed */
  if (!ikev2_ts_subset(l, nl, ch->ts_l, ch->n_l) || !ikev2_ts_subset(r, nr, ch->ts_r, ch->n_r))
    return false;
  *narrowed = !ranges_eq(l, nl, ch->ts_l, ch->n_l) || !ranges_eq(r, nr, ch->ts_r, ch->n_r);
  memcpy(ch->ts_l, l, nl * sizeof l[0]);
  memcpy(ch->ts_r, r, nr * sizeof r[0]);
  ch->n_l = nl;
  ch->n_r = nr;
  return true;
}

void ike_add_notify(Ikev2Message *m, uint16_t type, uint8_t proto, const void *spi,
                    uint8_t spi_size, const void *data, size_t n)
{
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_NOTIFY);
  p->u.notify.type = type;
  p->u.notify.protocol = proto;
  p->u.notify.spi_size = spi_size;
  if (spi_size)
    memcpy(p->u.notify.spi, spi, spi_size);
  if (n)
    ikev2_data_set(&p->u.notify.data, data, n);
}

bool ike_nonce_get(const Ikev2Message *m, IkeNonce *out)
{
  const Ikev2Payload *no = ikev2_message_find(m, IKEV2_PL_NONCE, 0);
  /* RFC 7296 2.10, 3.9: 16 to 256 octets */
  if (!no || no->u.nonce.n < IKEV2_NONCE_MIN || no->u.nonce.n > IKEV2_NONCE_MAX)
    return false;
  memcpy(out->b, no->u.nonce.p, no->u.nonce.n);
  out->n = no->u.nonce.n;
  return true;
}

void ike_nonce_new(const Ikev2Conn *c, IkeNonce *out)
{
  size_t n = c->cfg.nonce_len;
  /* RFC 7296 2.10: at least 16 octets and at least half the PRF's key size */
  out->n = n >= IKEV2_NONCE_MIN && n <= IKEV2_NONCE_MAX ? n : IKEV2_NONCE_LEN;
  drbg_bytes(c->env.rng, out->b, out->n);
}

uint16_t ike_error_notify(const Ikev2Message *m)
{
  for (size_t i = 0; i < m->n_payloads; i++)
    if (m->payloads[i].type == IKEV2_PL_NOTIFY && ikev2_notify_is_error(m->payloads[i].u.notify.type))
      return m->payloads[i].u.notify.type;
  return 0;
}

bool ike_child_install(IkeSa *sa, IkeChild *ch, const uint8_t *gir, size_t gir_len,
                       const IkeNonce *ni, const IkeNonce *nr, bool we_initiated,
                       uint32_t rekey_of)
{
  Ikev2Conn *c = sa->conn;
  const EspEncrInfo *e = esp_encr_info(ch->alg.encr, ch->alg.key_bits);
  const EspIntegInfo *in = esp_integ_info(ch->alg.integ);
  if (!e || !in)
    return false;
  size_t ek = e->key_len + e->salt_len, ak = in->key_len;
  size_t total = 2 * (ek + ak);
  uint8_t *km = g_malloc(total ? total : 1);
  /* RFC 7296 2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr); the initiator-to-responder
   * keys come first: encr_i | integ_i | encr_r | integ_r */
  bool ok = ike_child_keymat(sa->keys, gir, gir_len, ni->b, ni->n, nr->b, nr->n, km, total);
  ch->installed = ok;
  /* the volume limit: rekey at 90% of it, less up to another 5% drawn from the DRBG so
   * that both ends do not reach it together; at least one kilobyte before the hard limit
   * (below 10 KB a tenth rounds to nothing, and a soft limit equal to the hard one would
   * fire with it, leaving the rekey no time), except for a 1 KB limit (0 is "none") */
  uint64_t hard_kb = c->cfg.child_lifetime_kb;
  uint64_t margin_kb = hard_kb / 10 ? hard_kb / 10 : hard_kb > 1;
  uint64_t soft_kb =
      hard_kb ? hard_kb - margin_kb - drbg_uniform(c->env.rng, hard_kb / 20 + 1) : 0;
  if (ok && c->env.child_install) {
    IkeChildInstall ci = {
        .ike_spi_i = sa->spi_i, .ike_spi_r = sa->spi_r,
        .spi_in = ch->spi_in, .spi_out = ch->spi_out,
        .encr = ch->alg.encr, .key_bits = ch->alg.key_bits, .integ = ch->alg.integ,
        .esn = ch->alg.esn,
        .udp_encap = sa->nat_local || sa->nat_remote,
        .encap_sport = sa->lport, .encap_dport = sa->rport,
        .local_addr = c->cfg.local_addr, .remote_addr = sa->raddr,
        .ek_len = ek, .ak_len = ak,
        .n_ts_local = ch->n_l, .n_ts_remote = ch->n_r,
        .soft_seconds = ch->rekey_at == NEVER ? 0 : (uint64_t)((ch->rekey_at - ike_now(sa)) / NS_PER_S),
        .hard_seconds = c->cfg.child_lifetime_s,
        .soft_kbytes = soft_kb,
        .hard_kbytes = c->cfg.child_lifetime_kb,
        .rekey_of_spi_in = rekey_of,
        .switch_out = we_initiated && rekey_of && !ch->redundant,
    };
    memcpy(ci.ts_local, ch->ts_l, ch->n_l * sizeof ch->ts_l[0]);
    memcpy(ci.ts_remote, ch->ts_r, ch->n_r * sizeof ch->ts_r[0]);
    /* the initiator of the exchange that created the child sends with the first half */
    const uint8_t *mine = we_initiated ? km : km + ek + ak;
    const uint8_t *theirs = we_initiated ? km + ek + ak : km;
    ci.ek_out = mine, ci.ak_out = mine + ek;
    ci.ek_in = theirs, ci.ak_in = theirs + ek;
    c->env.child_install(c->env.user, &ci);
  }
  ike_wipe(km, total);
  g_free(km);
  return ok;
}
