/* SPDX-License-Identifier: MIT */
/* The IKEv1 engine: main mode with pre-shared keys, quick mode, informational exchanges
 * (Delete, Notify, RFC 3706 DPD), RFC 3947 NAT-T, retransmission and lifetimes. */
#include "models/ike/ikev1_sa.h"

#include "models/esp/esp_crypto.h"
#include "models/ike/ikev1_keytable.h"

#include <string.h>

#define NS_PER_S 1000000000LL
#define NEVER INT64_MAX
#define IKE_PORT 500u
#define NATT_PORT 4500u

NAME_TABLE(ikev1_exchange_event_names, "IKEv1 exchange",
           {IKEV1_EXCH_MAIN, "Identity Protection (Main Mode)"},
           {IKEV1_EXCH_INFORMATIONAL, "Informational"}, {IKEV1_EXCH_QUICK, "Quick Mode"});

NAME_TABLE(ikev1_p1_state_names, "IKEv1 phase 1 state", {IKEV1_P1_NONE, "NONE"},
           {IKEV1_P1_MM1_SENT, "MM1_SENT"}, {IKEV1_P1_MM2_SENT, "MM2_SENT"},
           {IKEV1_P1_MM3_SENT, "MM3_SENT"}, {IKEV1_P1_MM4_SENT, "MM4_SENT"},
           {IKEV1_P1_MM5_SENT, "MM5_SENT"}, {IKEV1_P1_ESTABLISHED, "ESTABLISHED"},
           {IKEV1_P1_FAILED, "FAILED"});

typedef struct {
  uint8_t b[IKEV1_NONCE_MAX];
  size_t n;
} Nonce;

/* The negotiated ESP transform of a pair. */
typedef struct {
  uint16_t esp, key_bits, auth, pfs;
  uint16_t encap; /* Ikev1EncapMode */
  uint32_t life_s;
  uint64_t life_kb;
} P2Alg;

typedef struct {
  uint32_t spi_in, spi_out;
  size_t ts_index;
  Ipv4Range l, r;
  P2Alg alg;
  bool initiated; /* we ran its quick mode: we rekey it */
  IkeChildState state;
  int64_t rekey_at, expire_at;
} Child;

typedef enum { QM_I_SENT1, QM_R_SENT2 } QmState;

/* One quick mode exchange in flight. */
typedef struct {
  uint32_t mid;
  bool initiator;
  QmState state;
  size_t ts_index;
  Ipv4Range l, r;
  Ikev1Iv iv;
  Nonce ni, nr;
  IkeDh *dh;
  uint8_t gqm[IKE_DH_MAX];
  size_t gqm_len;
  uint32_t spi_in, spi_out;
  P2Alg alg;
  uint32_t rekey_of; /* spi_in of the pair this one replaces */
  GBytes *last_tx, *last_rx;
  int64_t rtx_at;
  unsigned tries;
} Qm;

struct Ikev1Conn {
  Ikev1Config cfg;
  IkeEnv env;
  /* phase 1 */
  Ikev1P1State p1;
  bool initiator;
  uint64_t icky, rcky;
  Ikev1Suite suite;
  uint32_t p1_life;
  IkeDh *dh;
  Nonce ni, nr;
  GByteArray *sai_b, *gxi, *gxr;
  Ikev1Keys *keys;
  Ikev1Iv iv; /* the phase 1 CBC chain; once established, its last block */
  bool peer_dpd, peer_natt, nat_local, nat_remote;
  Ipv4Addr raddr;
  uint16_t lport, rport;
  GBytes *last_tx, *last_rx; /* phase 1 retransmission and duplicate detection */
  int64_t rtx_at;
  unsigned tries;
  int64_t p1_expire_at, restart_at;
  bool requick; /* a replaced SA's pairs to negotiate again (requick_replaced) */
  int64_t requick_at; /* when those quick modes start (REQUICK_DELAY after main mode) */
  /* phase 2 */
  GPtrArray *qms;      /* Qm* */
  GPtrArray *children; /* Child* */
  /* DPD */
  uint32_t dpd_seq;
  bool dpd_pending;
  int64_t dpd_at, dpd_first;
  uint32_t drop_events[IKE_DROP__COUNT]; /* ike.drop events emitted per reason */
};

/* ---- small helpers ---- */

static int64_t now(const Ikev1Conn *c) { return c->env.now(c->env.user); }

static VsEvent ev_new(const Ikev1Conn *c, const char *type)
{
  VsEvent ev = vs_event(now(c), c->cfg.name, type);
  vs_event_hex(&ev, "spi_i", c->icky);
  vs_event_hex(&ev, "spi_r", c->rcky);
  return ev;
}

static void ev_emit(const Ikev1Conn *c, VsEvent *ev) { vs_event_emit(&c->env.events, ev); }

static void ev_simple(const Ikev1Conn *c, const char *type, const char *reason)
{
  VsEvent ev = ev_new(c, type);
  if (reason)
    vs_event_str(&ev, "reason", reason);
  ev_emit(c, &ev);
}

/* A dropped datagram, counted by reason through IkeEnv.dropped (as the IKEv2 engine does);
 * the first IKE_DROP_EVENTS_MAX of a reason are ike.drop events too. */
static void drop(Ikev1Conn *c, IkeDropReason r, const char *why)
{
  if (c->env.dropped)
    c->env.dropped(c->env.user, r);
  if (c->drop_events[r] >= IKE_DROP_EVENTS_MAX)
    return;
  c->drop_events[r]++;
  VsEvent ev = ev_new(c, IKE_EV_DROP);
  vs_event_str(&ev, "reason", why);
  if (c->drop_events[r] == IKE_DROP_EVENTS_MAX)
    vs_event_str(&ev, "further", "counted only (counter ike.drops)");
  ev_emit(c, &ev);
}

static void ev_child(const Ikev1Conn *c, const char *type, uint32_t spi_in, uint32_t spi_out,
                     const char *reason)
{
  VsEvent ev = ev_new(c, type);
  vs_event_hex(&ev, "spi_in", spi_in);
  vs_event_hex(&ev, "spi_out", spi_out);
  if (reason)
    vs_event_str(&ev, "reason", reason);
  ev_emit(c, &ev);
}

static void ev_message(const Ikev1Conn *c, bool sent, uint8_t exch, uint32_t mid, int number,
                       uint16_t notify)
{
  VsEvent ev = ev_new(c, IKEV1_EV_MESSAGE);
  vs_event_str(&ev, "exchange", name_get(&ikev1_exchange_event_names, exch));
  vs_event_str(&ev, "dir", sent ? "sent" : "received");
  vs_event_uint(&ev, "msg_id", mid);
  if (number)
    vs_event_int(&ev, "number", number);
  if (notify)
    vs_event_str(&ev, "notify", name_get(&ikev1_notify_names, notify));
  /* who and where, as IKEv2's ike.message names them (live mode's lines read these) */
  char pb[IPV4_ADDR_STRLEN];
  vs_event_str(&ev, "peer", ipv4_addr_format(c->raddr, pb));
  vs_event_uint(&ev, "port", c->lport);
  vs_event_uint(&ev, "peer_port", c->rport);
  ev_emit(c, &ev);
}

/* The engine stopped retransmitting a message of exch after tries retransmissions. */
static void ev_give_up(const Ikev1Conn *c, uint8_t exch, const char *reason, unsigned tries)
{
  VsEvent ev = ev_new(c, IKE_EV_GIVE_UP);
  vs_event_str(&ev, "reason", reason);
  vs_event_str(&ev, "exchange", name_get(&ikev1_exchange_event_names, exch));
  char pb[IPV4_ADDR_STRLEN];
  vs_event_str(&ev, "peer", ipv4_addr_format(c->raddr, pb));
  vs_event_uint(&ev, "retransmissions", tries);
  ev_emit(c, &ev);
}

static void nonce_new(Ikev1Conn *c, Nonce *n)
{
  n->n = c->cfg.nonce_len ? c->cfg.nonce_len : 32;
  drbg_bytes(c->env.rng, n->b, n->n);
}

static bool nonce_set(Nonce *n, const Ikev1Data *d)
{
  if (d->n < IKEV1_NONCE_MIN || d->n > IKEV1_NONCE_MAX)
    return false;
  memcpy(n->b, d->p, d->n);
  n->n = d->n;
  return true;
}

static uint32_t spi_new(Ikev1Conn *c)
{
  uint32_t s;
  do
    s = drbg_u32(c->env.rng);
  while (s < 256); /* RFC 4303 2.1: 1-255 are reserved */
  return s;
}

static void bytes_set(GBytes **slot, const uint8_t *p, size_t n)
{
  if (*slot)
    g_bytes_unref(*slot);
  *slot = p ? g_bytes_new(p, n) : NULL;
}

static bool bytes_same(GBytes *b, const uint8_t *p, size_t n)
{
  if (!b)
    return false;
  gsize bn;
  const uint8_t *bp = g_bytes_get_data(b, &bn);
  return bn == n && memcmp(bp, p, n) == 0;
}

static int64_t rtx_delay(const Ikev1Conn *c, unsigned tries)
{
  int64_t base = (int64_t)(c->cfg.retrans_base_ms ? c->cfg.retrans_base_ms : 4000) * 1000000;
  return base << (tries < 10 ? tries : 10);
}

/* The datagram out through the env; on 4500 with the non-ESP marker (RFC 3948 2.2). */
static void tx_raw(Ikev1Conn *c, GBytes *b)
{
  gsize n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  if (c->lport == NATT_PORT) {
    uint8_t *q = g_malloc0(n + 4);
    memcpy(q + 4, p, n);
    c->env.send(c->env.user, c->cfg.local_addr, c->lport, c->raddr, c->rport, q, n + 4);
    g_free(q);
  } else {
    c->env.send(c->env.user, c->cfg.local_addr, c->lport, c->raddr, c->rport, p, n);
  }
}

static GBytes *encode(const Ikev1Message *m)
{
  WireWriter w;
  wire_writer_init(&w);
  bool ok = ikev1_message_encode(m, &w);
  g_assert(ok);
  GBytes *b = g_bytes_new(w.buf, w.len);
  wire_writer_clear(&w);
  return b;
}

/* Encrypt the payloads of 'plain' as the body of 'm' from *iv (RFC 2409 appendix B: pad with
 * zeros to the block, CBC; *iv becomes the last cipher block). */
static void seal(const Ikev1Conn *c, Ikev1Message *m, const Ikev1Message *plain, Ikev1Iv *iv)
{
  WireWriter w;
  wire_writer_init(&w);
  bool ok = ikev1_payloads_encode(plain->payloads, plain->n_payloads, &w);
  g_assert(ok);
  size_t n = ikev1_padded_len(c->keys, w.len);
  uint8_t *body = g_malloc0(n);
  memcpy(body, w.buf, w.len);
  wire_writer_clear(&w);
  IkeCryptoStatus st = ikev1_encrypt(c->keys, iv, body, n, body);
  g_assert(st == IKE_CRYPTO_OK);
  m->hdr.flags |= IKEV1_FLAG_ENCRYPTION;
  m->hdr.next_payload = plain->payloads[0].type;
  ikev1_data_set(&m->body, body, n);
  g_free(body);
}

/* The payloads of plain after the first, encoded: the 'rest' of the quick mode hashes. */
static GByteArray *rest_of(const Ikev1Message *plain)
{
  WireWriter w;
  wire_writer_init(&w);
  bool ok = ikev1_payloads_encode(plain->payloads + 1, plain->n_payloads - 1, &w);
  g_assert(ok);
  GByteArray *a = g_byte_array_new();
  g_byte_array_append(a, w.buf, (guint)w.len);
  wire_writer_clear(&w);
  return a;
}

/* Decrypt m's body from *iv into m's payloads. The plaintext is returned (g_free) for the
 * hashes, which are computed over the bytes as received. */
static uint8_t *open_body(const Ikev1Conn *c, Ikev1Message *m, Ikev1Iv *iv, size_t *len,
                          Ikev1Diag *d)
{
  size_t n = m->body.n;
  if (!c->keys || n == 0 || n % c->keys->block_len) {
    d->notify = IKEV1_N_PAYLOAD_MALFORMED;
    return NULL;
  }
  uint8_t *p = g_malloc(n);
  if (ikev1_decrypt(c->keys, iv, m->body.p, n, p) != IKE_CRYPTO_OK) {
    g_free(p);
    d->notify = IKEV1_N_PAYLOAD_MALFORMED;
    return NULL;
  }
  size_t pad = 0;
  if (ikev1_payloads_decode(m, m->hdr.next_payload, p, n, &pad, d) != WIRE_OK) {
    g_free(p);
    if (!d->notify)
      d->notify = IKEV1_N_PAYLOAD_MALFORMED;
    return NULL;
  }
  *len = n - pad;
  return p;
}

/* The bytes after the first payload (the HASH) up to the end of the last, as received. */
static bool rest_received(const Ikev1Message *m, const uint8_t *plain, const uint8_t **rest,
                          size_t *n)
{
  if (m->n_payloads < 1 || m->payloads[0].type != IKEV1_PL_HASH)
    return false;
  const Ikev1Payload *first = &m->payloads[0], *last = &m->payloads[m->n_payloads - 1];
  *rest = plain + first->off + first->len;
  *n = last->off + last->len - (first->off + first->len);
  return true;
}

/* ---- timer ---- */

static void arm(Ikev1Conn *c)
{
  int64_t at = NEVER;
#define MIN_AT(x) do { if ((x) < at) at = (x); } while (0)
  MIN_AT(c->rtx_at);
  MIN_AT(c->p1_expire_at);
  MIN_AT(c->restart_at);
  MIN_AT(c->dpd_at);
  MIN_AT(c->requick_at);
  for (guint i = 0; i < c->qms->len; i++)
    MIN_AT(((Qm *)g_ptr_array_index(c->qms, i))->rtx_at);
  for (guint i = 0; i < c->children->len; i++) {
    Child *ch = g_ptr_array_index(c->children, i);
    MIN_AT(ch->rekey_at);
    MIN_AT(ch->expire_at);
  }
#undef MIN_AT
  if (at == NEVER)
    c->env.timer_cancel(c->env.user);
  else
    c->env.timer_schedule(c->env.user, at);
}

/* ---- teardown ---- */

static void qm_free(Qm *q)
{
  if (!q)
    return;
  ike_dh_free(q->dh);
  bytes_set(&q->last_tx, NULL, 0);
  bytes_set(&q->last_rx, NULL, 0);
  memset(q, 0, sizeof *q); /* nonces and g^xy(qm) */
  g_free(q);
}

static void child_drop(Ikev1Conn *c, guint i, const char *reason)
{
  Child *ch = g_ptr_array_steal_index(c->children, i);
  if (c->env.child_remove)
    c->env.child_remove(c->env.user, ch->spi_in, ch->spi_out, reason ? reason : "closed");
  if (reason)
    ev_child(c, IKE_EV_CHILD_DELETED, ch->spi_in, ch->spi_out, reason);
  g_free(ch);
}

/* Forget the ISAKMP SA and everything under it (no messages). */
static void p1_clear(Ikev1Conn *c, const char *reason)
{
  while (c->children->len)
    child_drop(c, c->children->len - 1, reason);
  g_ptr_array_set_size(c->qms, 0);
  ike_dh_free(c->dh);
  c->dh = NULL;
  ikev1_keys_free(c->keys);
  c->keys = NULL;
  g_byte_array_set_size(c->sai_b, 0);
  g_byte_array_set_size(c->gxi, 0);
  g_byte_array_set_size(c->gxr, 0);
  memset(&c->ni, 0, sizeof c->ni);
  memset(&c->nr, 0, sizeof c->nr);
  memset(&c->iv, 0, sizeof c->iv);
  bytes_set(&c->last_tx, NULL, 0);
  bytes_set(&c->last_rx, NULL, 0);
  c->rtx_at = c->p1_expire_at = c->dpd_at = c->requick_at = NEVER;
  c->tries = 0;
  c->dpd_pending = false;
  c->peer_dpd = c->peer_natt = c->nat_local = c->nat_remote = false;
  c->p1 = IKEV1_P1_NONE;
  c->lport = c->cfg.local_port ? c->cfg.local_port : IKE_PORT;
  c->rport = c->cfg.remote_port ? c->cfg.remote_port : IKE_PORT;
  c->raddr = c->cfg.remote_addr;
}

/* ---- proposals ---- */

static void p1_add_transform(const Ikev1Conn *c, Ikev1Proposal *p, uint8_t num,
                             const Ikev1P1ProposalCfg *s, uint32_t life)
{
  Ikev1Transform *t = ikev1_proposal_add_transform(p, IKEV1_KEY_IKE);
  t->num = num;
  (void)c;
  ikev1_transform_add_tv(t, IKEV1_ATTR_ENCRYPTION, s->encr);
  if (s->key_bits)
    ikev1_transform_add_tv(t, IKEV1_ATTR_KEY_LENGTH, s->key_bits);
  ikev1_transform_add_tv(t, IKEV1_ATTR_HASH, s->hash);
  ikev1_transform_add_tv(t, IKEV1_ATTR_GROUP_DESC, s->group);
  ikev1_transform_add_tv(t, IKEV1_ATTR_AUTH_METHOD, IKEV1_AUTH_PSK);
  if (life) {
    ikev1_transform_add_tv(t, IKEV1_ATTR_LIFE_TYPE, IKEV1_LIFE_SECONDS);
    ikev1_transform_add_duration(t, IKEV1_ATTR_LIFE_DURATION, life);
  }
}

/* RFC 2409 appendix A attributes of one transform as a suite; life in seconds (0: none).
 * False when an attribute we need is missing or the method is not PSK. */
static bool p1_transform_read(const Ikev1Transform *t, Ikev1P1ProposalCfg *s, uint32_t *life)
{
  uint64_t v;
  memset(s, 0, sizeof *s);
  *life = 0;
  if (t->id != IKEV1_KEY_IKE)
    return false;
  if (!ikev1_transform_attr(t, IKEV1_ATTR_ENCRYPTION, &v))
    return false;
  s->encr = (uint16_t)v;
  if (ikev1_transform_attr(t, IKEV1_ATTR_KEY_LENGTH, &v))
    s->key_bits = (uint16_t)v;
  if (!ikev1_transform_attr(t, IKEV1_ATTR_HASH, &v))
    return false;
  s->hash = (uint16_t)v;
  if (!ikev1_transform_attr(t, IKEV1_ATTR_GROUP_DESC, &v))
    return false;
  s->group = (uint16_t)v;
  if (!ikev1_transform_attr(t, IKEV1_ATTR_AUTH_METHOD, &v) || v != IKEV1_AUTH_PSK)
    return false;
  /* RFC 2409 appendix A: a Life Duration follows the Life Type it qualifies */
  for (size_t i = 0; i + 1 < t->n_attrs; i++)
    if (t->attrs[i].type == IKEV1_ATTR_LIFE_TYPE && t->attrs[i].value == IKEV1_LIFE_SECONDS &&
        t->attrs[i + 1].type == IKEV1_ATTR_LIFE_DURATION)
      *life = (uint32_t)MIN(t->attrs[i + 1].value, UINT32_MAX);
  return true;
}

static bool p1_cfg_has(const Ikev1Conn *c, const Ikev1P1ProposalCfg *s)
{
  for (size_t i = 0; i < c->cfg.n_p1; i++) {
    const Ikev1P1ProposalCfg *o = &c->cfg.p1[i];
    if (o->encr == s->encr && o->key_bits == s->key_bits && o->hash == s->hash &&
        o->group == s->group)
      return true;
  }
  return false;
}

static uint32_t life_min(uint32_t a, uint32_t b)
{
  if (!a)
    return b;
  if (!b)
    return a;
  return MIN(a, b);
}

static uint16_t p2_integ(uint16_t auth)
{
  switch (auth) {
  case IKEV1_AUTH_ALG_HMAC_MD5: return AUTH_HMAC_MD5_96;
  case IKEV1_AUTH_ALG_HMAC_SHA: return AUTH_HMAC_SHA1_96;
  case IKEV1_AUTH_ALG_HMAC_SHA2_256: return AUTH_HMAC_SHA2_256_128;
  case IKEV1_AUTH_ALG_HMAC_SHA2_384: return AUTH_HMAC_SHA2_384_192;
  case IKEV1_AUTH_ALG_HMAC_SHA2_512: return AUTH_HMAC_SHA2_512_256;
  default: return AUTH_NONE;
  }
}

static uint16_t encap_mode(const Ikev1Conn *c)
{
  /* RFC 3947 5.1: UDP-Encapsulated-Tunnel once a NAT is detected */
  return (c->nat_local || c->nat_remote) ? IKEV1_ENCAP_UDP_TUNNEL : IKEV1_ENCAP_TUNNEL;
}

static void p2_add_proposal(const Ikev1Conn *c, Ikev1Sa *sa, uint8_t num, uint32_t spi,
                            const P2Alg *a)
{
  Ikev1Proposal *p = ikev1_sa_add_proposal(sa, num, IKEV1_PROTO_IPSEC_ESP);
  p->spi_size = 4;
  wire_store_be32(p->spi, spi);
  Ikev1Transform *t = ikev1_proposal_add_transform(p, (uint8_t)a->esp);
  t->num = 1;
  if (a->life_s) {
    ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_LIFE_TYPE, IKEV1_LIFE_SECONDS);
    ikev1_transform_add_duration(t, IKEV1_IPSEC_ATTR_LIFE_DURATION, a->life_s);
  }
  if (a->life_kb) {
    ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_LIFE_TYPE, IKEV1_LIFE_KILOBYTES);
    ikev1_transform_add_duration(t, IKEV1_IPSEC_ATTR_LIFE_DURATION, a->life_kb);
  }
  if (a->pfs)
    ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_GROUP_DESC, a->pfs);
  ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_ENCAP_MODE, a->encap);
  if (a->auth)
    ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_AUTH_ALG, a->auth);
  if (a->key_bits)
    ikev1_transform_add_tv(t, IKEV1_IPSEC_ATTR_KEY_LENGTH, a->key_bits);
  (void)c;
}

static bool p2_transform_read(const Ikev1Transform *t, P2Alg *a)
{
  memset(a, 0, sizeof *a);
  a->esp = t->id;
  uint64_t v;
  if (ikev1_transform_attr(t, IKEV1_IPSEC_ATTR_KEY_LENGTH, &v))
    a->key_bits = (uint16_t)v;
  if (ikev1_transform_attr(t, IKEV1_IPSEC_ATTR_AUTH_ALG, &v))
    a->auth = (uint16_t)v;
  if (ikev1_transform_attr(t, IKEV1_IPSEC_ATTR_GROUP_DESC, &v))
    a->pfs = (uint16_t)v;
  a->encap = IKEV1_ENCAP_TUNNEL;
  if (ikev1_transform_attr(t, IKEV1_IPSEC_ATTR_ENCAP_MODE, &v))
    a->encap = (uint16_t)v;
  /* RFC 2407 4.5: each Life Duration qualifies the Life Type before it */
  for (size_t i = 0; i + 1 < t->n_attrs; i++) {
    if (t->attrs[i].type != IKEV1_IPSEC_ATTR_LIFE_TYPE ||
        t->attrs[i + 1].type != IKEV1_IPSEC_ATTR_LIFE_DURATION)
      continue;
    if (t->attrs[i].value == IKEV1_LIFE_SECONDS)
      a->life_s = (uint32_t)MIN(t->attrs[i + 1].value, UINT32_MAX);
    else if (t->attrs[i].value == IKEV1_LIFE_KILOBYTES)
      a->life_kb = t->attrs[i + 1].value;
  }
  return esp_encr_info(a->esp, a->key_bits) && esp_integ_info(p2_integ(a->auth));
}

static const Ikev1P2ProposalCfg *p2_cfg_match(const Ikev1Conn *c, const P2Alg *a)
{
  for (size_t i = 0; i < c->cfg.n_p2; i++) {
    const Ikev1P2ProposalCfg *o = &c->cfg.p2[i];
    if (o->esp == a->esp && o->key_bits == a->key_bits && o->auth == a->auth &&
        o->pfs == a->pfs)
      return o;
  }
  return NULL;
}

/* ---- sending in phase 1 ---- */

static void p1_send(Ikev1Conn *c, Ikev1Message *m, int number, bool expect_reply)
{
  GBytes *b = encode(m);
  ev_message(c, true, IKEV1_EXCH_MAIN, 0, number, 0);
  bytes_set(&c->last_tx, NULL, 0);
  c->last_tx = b;
  tx_raw(c, b);
  c->tries = 0;
  c->rtx_at = expect_reply ? now(c) + rtx_delay(c, 0) : NEVER;
}

static void add_vids(const Ikev1Conn *c, Ikev1Message *m)
{
  size_t n;
  const uint8_t *v;
  if (c->cfg.natt) {
    v = ikev1_vendor_id_bytes(IKEV1_VID_RFC3947, &n);
    ikev1_data_set(&ikev1_message_add(m, IKEV1_PL_VID)->u.vendor, v, n);
  }
  /* RFC 3706 4: DPD is used only when both ends sent this */
  if (c->cfg.dpd_vid) {
    v = ikev1_vendor_id_bytes(IKEV1_VID_DPD, &n);
    ikev1_data_set(&ikev1_message_add(m, IKEV1_PL_VID)->u.vendor, v, n);
  }
}

static void read_vids(Ikev1Conn *c, const Ikev1Message *m)
{
  for (size_t i = 0; i < m->n_payloads; i++) {
    const Ikev1Payload *p = &m->payloads[i];
    if (p->type != IKEV1_PL_VID)
      continue;
    Ikev1VendorId v = ikev1_vendor_id_match(p->u.vendor.p, p->u.vendor.n);
    if (v == IKEV1_VID_DPD)
      c->peer_dpd = c->cfg.dpd_vid;
    if (v == IKEV1_VID_RFC3947)
      c->peer_natt = c->cfg.natt;
  }
}

/* RFC 3947 3.2: HASH = hash(CKY-I | CKY-R | IP | Port) with the negotiated hash. */
static void nat_d_hash(const Ikev1Conn *c, Ipv4Addr a, uint16_t port, uint8_t *out, size_t *n)
{
  GChecksumType t = G_CHECKSUM_SHA1;
  switch (c->suite.hash) {
  case IKEV1_HASH_MD5: t = G_CHECKSUM_MD5; break;
  case IKEV1_HASH_SHA2_256: t = G_CHECKSUM_SHA256; break;
  case IKEV1_HASH_SHA2_384: t = G_CHECKSUM_SHA384; break;
  case IKEV1_HASH_SHA2_512: t = G_CHECKSUM_SHA512; break;
  default: break;
  }
  uint8_t buf[22];
  wire_store_be64(buf, c->icky);
  wire_store_be64(buf + 8, c->rcky);
  wire_store_be32(buf + 16, a.v);
  wire_store_be16(buf + 20, port);
  GChecksum *ck = g_checksum_new(t);
  g_checksum_update(ck, buf, sizeof buf);
  gsize len = 64;
  g_checksum_get_digest(ck, out, &len);
  g_checksum_free(ck);
  *n = len;
}

static void add_nat_d(const Ikev1Conn *c, Ikev1Message *m)
{
  uint8_t h[64];
  size_t n;
  /* RFC 3947 3.2: the first NAT-D is the remote end, the next ones the local end */
  nat_d_hash(c, c->raddr, c->rport, h, &n);
  ikev1_data_set(&ikev1_message_add(m, IKEV1_PL_NAT_D)->u.nat_d, h, n);
  nat_d_hash(c, c->cfg.local_addr, c->lport, h, &n);
  ikev1_data_set(&ikev1_message_add(m, IKEV1_PL_NAT_D)->u.nat_d, h, n);
}

/* Compare the peer's NAT-D payloads with the addresses the datagram carried. */
static void check_nat_d(Ikev1Conn *c, const Ikev1Message *m, Ipv4Addr src, uint16_t sport,
                        Ipv4Addr dst, uint16_t dport)
{
  const Ikev1Payload *first = ikev1_message_find(m, IKEV1_PL_NAT_D, 0);
  if (!first)
    return;
  uint8_t h[64];
  size_t n;
  nat_d_hash(c, dst, dport, h, &n);
  c->nat_local = !(first->u.nat_d.n == n && memcmp(first->u.nat_d.p, h, n) == 0);
  nat_d_hash(c, src, sport, h, &n);
  bool found = false;
  for (size_t i = 1; ikev1_message_find(m, IKEV1_PL_NAT_D, i); i++) {
    const Ikev1Payload *p = ikev1_message_find(m, IKEV1_PL_NAT_D, i);
    found |= p->u.nat_d.n == n && memcmp(p->u.nat_d.p, h, n) == 0;
  }
  c->nat_remote = !found;
  if (c->nat_local || c->nat_remote) {
    VsEvent ev = ev_new(c, IKE_EV_NAT_DETECTED);
    vs_event_bool(&ev, "local_behind", c->nat_local);
    vs_event_bool(&ev, "remote_behind", c->nat_remote);
    ev_emit(c, &ev);
  }
}

/* An unencrypted Informational with one error notify (RFC 2408 5: during phase 1, before any
 * key exists, notifies go in the clear). */
static void send_plain_notify(Ikev1Conn *c, uint16_t type)
{
  g_autoptr(Ikev1Message) m =
      ikev1_message_new(IKEV1_EXCH_INFORMATIONAL, 0, c->icky, c->rcky, 0);
  Ikev1Notify *n = &ikev1_message_add(m, IKEV1_PL_N)->u.notify;
  n->doi = IKEV1_DOI_IPSEC;
  n->protocol = IKEV1_PROTO_ISAKMP;
  n->spi_size = 16;
  wire_store_be64(n->spi, c->icky);
  wire_store_be64(n->spi + 8, c->rcky);
  n->type = type;
  ev_message(c, true, IKEV1_EXCH_INFORMATIONAL, 0, 0, type);
  GBytes *b = encode(m);
  tx_raw(c, b);
  g_bytes_unref(b);
}

static void p1_fail(Ikev1Conn *c, const char *reason)
{
  ev_simple(c, IKE_EV_SA_FAILED, reason);
  p1_clear(c, NULL);
  c->p1 = IKEV1_P1_FAILED;
}

static void p1_initiate(Ikev1Conn *c)
{
  p1_clear(c, NULL);
  c->initiator = true;
  c->restart_at = NEVER;
  drbg_bytes(c->env.rng, &c->icky, sizeof c->icky);
  c->rcky = 0;
  /* RFC 2409 5: HDR, SA */
  g_autoptr(Ikev1Message) m = ikev1_message_new(IKEV1_EXCH_MAIN, 0, c->icky, 0, 0);
  Ikev1Payload *sa = ikev1_message_add(m, IKEV1_PL_SA);
  sa->u.sa.doi = IKEV1_DOI_IPSEC;
  sa->u.sa.situation = IKEV1_SIT_IDENTITY_ONLY;
  Ikev1Proposal *p = ikev1_sa_add_proposal(&sa->u.sa, 1, IKEV1_PROTO_ISAKMP);
  for (size_t i = 0; i < c->cfg.n_p1; i++)
    p1_add_transform(c, p, (uint8_t)(i + 1), &c->cfg.p1[i], c->cfg.p1_lifetime_s);
  WireWriter w;
  wire_writer_init(&w);
  bool ok = ikev1_payload_body_encode(sa, &w);
  g_assert(ok);
  g_byte_array_append(c->sai_b, w.buf, (guint)w.len);
  wire_writer_clear(&w);
  add_vids(c, m);
  p1_send(c, m, 1, true);
  c->p1 = IKEV1_P1_MM1_SENT;
}

static void add_ke_nonce(Ikev1Conn *c, Ikev1Message *m, const Nonce *n)
{
  size_t kn;
  const uint8_t *ke = ike_dh_public(c->dh, &kn);
  ikev1_data_set(&ikev1_message_add(m, IKEV1_PL_KE)->u.ke, ke, kn);
  ikev1_data_set(&ikev1_message_add(m, IKEV1_PL_NONCE)->u.nonce, n->b, n->n);
  (c->initiator ? g_byte_array_append(c->gxi, ke, (guint)kn)
                : g_byte_array_append(c->gxr, ke, (guint)kn));
}

/* Main mode messages 3 and 4 (RFC 2409 5): the peer's KE (of our group's length) and
 * nonce, kept for the keys; its NAT-D checked when both announced NAT-T. NULL when a
 * payload is missing or malformed. */
static const Ikev1Payload *take_ke_nonce(Ikev1Conn *c, const Ikev1Message *m, Nonce *n,
                                         GByteArray *gx, Ipv4Addr src, uint16_t sport,
                                         Ipv4Addr dst, uint16_t dport)
{
  const Ikev1Payload *ke = ikev1_message_find(m, IKEV1_PL_KE, 0);
  const Ikev1Payload *no = ikev1_message_find(m, IKEV1_PL_NONCE, 0);
  if (!ke || !no || !nonce_set(n, &no->u.nonce) ||
      ke->u.ke.n != ike_dh_public_len(c->suite.group))
    return NULL;
  g_byte_array_append(gx, ke->u.ke.p, (guint)ke->u.ke.n);
  if (c->peer_natt)
    check_nat_d(c, m, src, sport, dst, dport);
  return ke;
}

static bool p1_derive(Ikev1Conn *c, const Ikev1Data *peer_ke)
{
  uint8_t gxy[IKE_DH_MAX];
  size_t gn = 0;
  if (ike_dh_derive(c->dh, peer_ke->p, peer_ke->n, gxy, &gn) != IKE_CRYPTO_OK)
    return false;
  c->keys = ikev1_keys_new();
  bool ok = ikev1_keys_derive_psk(c->keys, &c->suite, c->cfg.psk, c->cfg.psk_len, c->ni.b,
                                  c->ni.n, c->nr.b, c->nr.n, gxy, gn, c->icky, c->rcky) &&
            ikev1_iv_phase1(c->keys, c->gxi->data, c->gxi->len, c->gxr->data, c->gxr->len,
                            &c->iv);
  memset(gxy, 0, sizeof gxy);
  if (ok && c->env.keytable_row) {
    g_autofree char *row = ikev1_keytable_row(c->icky, c->keys);
    c->env.keytable_row(c->env.user, row);
  }
  return ok;
}

/* The ID payload of phase 1 (RFC 2407 4.6.2: the address, UDP, port 500) and its hash. */
static void p1_add_id_hash(Ikev1Conn *c, Ikev1Message *plain)
{
  Ikev1Payload *id = ikev1_message_add(plain, IKEV1_PL_ID);
  ikev1_id_set_ipv4_range(&id->u.id, (Ipv4Range){c->cfg.local_addr, c->cfg.local_addr}, 17,
                          IKE_PORT);
  WireWriter w;
  wire_writer_init(&w);
  bool ok = ikev1_payload_body_encode(id, &w);
  g_assert(ok);
  uint8_t h[IKE_PRF_MAX];
  ok = ikev1_hash_phase1(c->keys, c->initiator, c->gxi->data, c->gxi->len, c->gxr->data,
                         c->gxr->len, c->icky, c->rcky, c->sai_b->data, c->sai_b->len, w.buf,
                         w.len, h);
  g_assert(ok);
  wire_writer_clear(&w);
  ikev1_data_set(&ikev1_message_add(plain, IKEV1_PL_HASH)->u.hash, h, c->keys->prf_len);
}

/* Check the peer's HASH_I / HASH_R over its ID payload as received. */
static bool p1_verify(const Ikev1Conn *c, const Ikev1Message *m, const uint8_t *plain)
{
  const Ikev1Payload *id = ikev1_message_find(m, IKEV1_PL_ID, 0);
  const Ikev1Payload *hp = ikev1_message_find(m, IKEV1_PL_HASH, 0);
  if (!id || !hp || hp->u.hash.n != c->keys->prf_len)
    return false;
  uint8_t h[IKE_PRF_MAX];
  if (!ikev1_hash_phase1(c->keys, !c->initiator, c->gxi->data, c->gxi->len, c->gxr->data,
                         c->gxr->len, c->icky, c->rcky, c->sai_b->data, c->sai_b->len,
                         plain + id->off + IKEV1_GENERIC_HDR_LEN, id->len - IKEV1_GENERIC_HDR_LEN,
                         h))
    return false;
  return ike_ct_equal(h, hp->u.hash.p, c->keys->prf_len);
}

static void qm_initiate(Ikev1Conn *c, size_t ts_index, uint32_t rekey_of);
static void child_delete(Ikev1Conn *c, guint idx, const char *reason);

/* A responder's quick modes for the pairs a replaced ISAKMP SA took wait this long after
 * main mode (see p1_established); the documents give no figure, one second is far beyond
 * a peer's processing of message 6 and short against the ~5 s outage of facts 3.6. */
#define REQUICK_DELAY_NS (1 * NS_PER_S)

static void qm_initiate_all(Ikev1Conn *c)
{
  size_t n = c->cfg.n_ts ? c->cfg.n_ts : 1;
  for (size_t i = 0; i < n; i++)
    qm_initiate(c, i, 0);
}

static void p1_established(Ikev1Conn *c)
{
  c->p1 = IKEV1_P1_ESTABLISHED;
  c->rtx_at = NEVER;
  /* no in-place rekey (Azure): the SA lives until its lifetime ends, then drops */
  c->p1_expire_at = c->p1_life ? now(c) + (int64_t)c->p1_life * NS_PER_S : NEVER;
  c->dpd_at = c->cfg.dpd_interval_s && c->peer_dpd
                  ? now(c) + (int64_t)c->cfg.dpd_interval_s * NS_PER_S
                  : NEVER;
  VsEvent ev = ev_new(c, IKE_EV_SA_ESTABLISHED);
  vs_event_str(&ev, "exchange", name_get(&ikev1_exchange_event_names, IKEV1_EXCH_MAIN));
  vs_event_bool(&ev, "initiator", c->initiator);
  vs_event_str(&ev, "encr", name_get(&ikev1_encr_names, c->suite.encr));
  vs_event_uint(&ev, "key_bits", c->suite.key_bits);
  vs_event_str(&ev, "hash", name_get(&ikev1_hash_names, c->suite.hash));
  vs_event_uint(&ev, "group", c->suite.group);
  vs_event_uint(&ev, "lifetime_s", c->p1_life);
  ev_emit(c, &ev);
  if (c->initiator) {
    qm_initiate_all(c);
  } else if (c->requick) {
    /* As the responder we sent main mode's last message just now: a peer that handles
     * messages on several threads (strongSwan) may take a quick mode sent in the same
     * instant before that message, derive the quick mode's IV from the wrong phase 1 IV,
     * and keep that IV for the message ID, so even our retransmissions never decrypt. */
    c->requick = false;
    c->requick_at = now(c) + REQUICK_DELAY_NS;
  }
}

/* ---- phase 1: receiving ---- */

static void mm_rx(Ikev1Conn *c, Ikev1Message *m, const uint8_t *buf, Ipv4Addr src,
                  uint16_t sport, Ipv4Addr dst, uint16_t dport)
{
  /* a retransmission of the peer's last message: our answer was lost */
  if (bytes_same(c->last_rx, buf, m->hdr.length)) {
    if (c->last_tx && !c->initiator) {
      ev_simple(c, IKE_EV_RETRANSMIT, "peer_retransmitted");
      tx_raw(c, c->last_tx);
    }
    return;
  }
  bool responder_new = m->hdr.rcookie == 0;
  if (responder_new) {
    if (c->p1 != IKEV1_P1_NONE && c->p1 != IKEV1_P1_FAILED && m->hdr.icookie == c->icky)
      return; /* a stale MM1 of the SA we hold */
    /* a new main mode replaces whatever we held (the peer restarted, facts 3.6); with
     * requick_replaced, the pairs it took come back by our quick modes once it is up */
    bool lost = c->p1 == IKEV1_P1_ESTABLISHED && c->children->len > 0;
    /* The pairs go with the ISAKMP SA here, so say so on it while it still stands
     * (RFC 2408 3.15, our inbound SPIs): a peer that reauthenticates keeps its IPsec SAs
     * under the new ISAKMP SA (strongSwan adopts them) and would otherwise go on sending
     * on SPIs we no longer hold, or take our quick mode for a rekey of a stale pair. */
    if (lost && c->cfg.requick_replaced)
      while (c->children->len)
        child_delete(c, c->children->len - 1, "ike_replaced");
    if (c->p1 == IKEV1_P1_ESTABLISHED)
      ev_simple(c, IKE_EV_SA_DELETED, "peer_restarted");
    p1_clear(c, c->p1 == IKEV1_P1_ESTABLISHED ? "ike_replaced" : NULL);
    c->requick = lost && c->cfg.requick_replaced;
    c->initiator = false;
    c->restart_at = NEVER;
    c->icky = m->hdr.icookie;
    c->raddr = src;
    c->rport = sport;
    c->lport = dport;
    /* RFC 2409 5: HDR, SA from the initiator; pick the first of its transforms we accept */
    const Ikev1Payload *sa = ikev1_message_find(m, IKEV1_PL_SA, 0);
    const Ikev1Transform *pick = NULL;
    Ikev1P1ProposalCfg s;
    uint32_t life = 0;
    if (sa && sa->u.sa.n_proposals == 1 && sa->u.sa.proposals[0].protocol == IKEV1_PROTO_ISAKMP)
      for (size_t i = 0; i < sa->u.sa.proposals[0].n_transforms && !pick; i++) {
        const Ikev1Transform *t = &sa->u.sa.proposals[0].transforms[i];
        if (p1_transform_read(t, &s, &life) && p1_cfg_has(c, &s))
          pick = t;
      }
    drbg_bytes(c->env.rng, &c->rcky, sizeof c->rcky);
    ev_message(c, false, IKEV1_EXCH_MAIN, 0, 1, 0);
    if (!pick || c->cfg.impair_mm_notify) {
      uint16_t type = pick ? c->cfg.impair_mm_notify : IKEV1_N_NO_PROPOSAL_CHOSEN;
      if (pick) {
        VsEvent ev = ev_new(c, "impair.applied");
        vs_event_str(&ev, "what", "notify");
        vs_event_str(&ev, "exchange", "MAIN_MODE");
        ev_emit(c, &ev);
      }
      send_plain_notify(c, type);
      p1_fail(c, pick ? name_get(&ikev1_notify_names, type) : "no_proposal_chosen");
      return;
    }
    c->suite = (Ikev1Suite){s.encr, s.key_bits, s.hash, s.group};
    c->p1_life = life_min(life, c->cfg.p1_lifetime_s);
    g_byte_array_append(c->sai_b, buf + sa->off + IKEV1_GENERIC_HDR_LEN,
                        (guint)(sa->len - IKEV1_GENERIC_HDR_LEN));
    read_vids(c, m);
    bytes_set(&c->last_rx, buf, m->hdr.length);
    g_autoptr(Ikev1Message) r = ikev1_message_new(IKEV1_EXCH_MAIN, 0, c->icky, c->rcky, 0);
    Ikev1Payload *rs = ikev1_message_add(r, IKEV1_PL_SA);
    rs->u.sa.doi = IKEV1_DOI_IPSEC;
    rs->u.sa.situation = IKEV1_SIT_IDENTITY_ONLY;
    Ikev1Proposal *p = ikev1_sa_add_proposal(&rs->u.sa, 1, IKEV1_PROTO_ISAKMP);
    p1_add_transform(c, p, pick->num, &s, c->p1_life);
    add_vids(c, r);
    p1_send(c, r, 2, false);
    c->p1 = IKEV1_P1_MM2_SENT;
    return;
  }
  if (m->hdr.icookie != c->icky || (c->rcky && m->hdr.rcookie != c->rcky))
    return;
  switch (c->p1) {
  case IKEV1_P1_MM1_SENT: {
    const Ikev1Payload *sa = ikev1_message_find(m, IKEV1_PL_SA, 0);
    Ikev1P1ProposalCfg s;
    uint32_t life = 0;
    ev_message(c, false, IKEV1_EXCH_MAIN, 0, 2, 0);
    /* RFC 2408 4.2: exactly the one transform chosen from our offer */
    if (!sa || sa->u.sa.n_proposals != 1 || sa->u.sa.proposals[0].n_transforms != 1 ||
        !p1_transform_read(&sa->u.sa.proposals[0].transforms[0], &s, &life) ||
        !p1_cfg_has(c, &s)) {
      p1_fail(c, "bad_proposal");
      return;
    }
    c->rcky = m->hdr.rcookie;
    c->suite = (Ikev1Suite){s.encr, s.key_bits, s.hash, s.group};
    c->p1_life = life_min(life, c->cfg.p1_lifetime_s);
    read_vids(c, m);
    c->dh = ike_dh_new(s.group, c->env.rng);
    if (!c->dh) {
      p1_fail(c, "dh_unsupported");
      return;
    }
    nonce_new(c, &c->ni);
    /* RFC 2409 5: HDR, KE, Ni [, NAT-D, NAT-D] */
    g_autoptr(Ikev1Message) r = ikev1_message_new(IKEV1_EXCH_MAIN, 0, c->icky, c->rcky, 0);
    add_ke_nonce(c, r, &c->ni);
    if (c->peer_natt)
      add_nat_d(c, r);
    bytes_set(&c->last_rx, buf, m->hdr.length);
    p1_send(c, r, 3, true);
    c->p1 = IKEV1_P1_MM3_SENT;
    return;
  }
  case IKEV1_P1_MM2_SENT: {
    ev_message(c, false, IKEV1_EXCH_MAIN, 0, 3, 0);
    const Ikev1Payload *ke = take_ke_nonce(c, m, &c->ni, c->gxi, src, sport, dst, dport);
    if (!ke) {
      send_plain_notify(c, IKEV1_N_PAYLOAD_MALFORMED);
      p1_fail(c, "malformed_mm3");
      return;
    }
    c->dh = ike_dh_new(c->suite.group, c->env.rng);
    nonce_new(c, &c->nr);
    g_autoptr(Ikev1Message) r = ikev1_message_new(IKEV1_EXCH_MAIN, 0, c->icky, c->rcky, 0);
    add_ke_nonce(c, r, &c->nr);
    if (c->peer_natt)
      add_nat_d(c, r);
    if (!c->dh || !p1_derive(c, &ke->u.ke)) {
      p1_fail(c, "dh_failed");
      return;
    }
    bytes_set(&c->last_rx, buf, m->hdr.length);
    p1_send(c, r, 4, false);
    c->p1 = IKEV1_P1_MM4_SENT;
    return;
  }
  case IKEV1_P1_MM3_SENT: {
    ev_message(c, false, IKEV1_EXCH_MAIN, 0, 4, 0);
    const Ikev1Payload *ke = take_ke_nonce(c, m, &c->nr, c->gxr, src, sport, dst, dport);
    if (!ke) {
      p1_fail(c, "malformed_mm4");
      return;
    }
    if (!p1_derive(c, &ke->u.ke)) {
      p1_fail(c, "dh_failed");
      return;
    }
    /* RFC 3947 4: with a NAT in the path the initiator moves to 4500 for message 5 */
    if (c->nat_local || c->nat_remote) {
      c->lport = NATT_PORT;
      c->rport = NATT_PORT;
    }
    /* RFC 2409 5: HDR*, IDii, HASH_I */
    g_autoptr(Ikev1Message) plain = ikev1_message_new(0, 0, 0, 0, 0);
    p1_add_id_hash(c, plain);
    g_autoptr(Ikev1Message) r =
        ikev1_message_new(IKEV1_EXCH_MAIN, IKEV1_FLAG_ENCRYPTION, c->icky, c->rcky, 0);
    seal(c, r, plain, &c->iv);
    bytes_set(&c->last_rx, buf, m->hdr.length);
    p1_send(c, r, 5, true);
    c->p1 = IKEV1_P1_MM5_SENT;
    return;
  }
  case IKEV1_P1_MM4_SENT:
  case IKEV1_P1_MM5_SENT: {
    if (!(m->hdr.flags & IKEV1_FLAG_ENCRYPTION))
      return;
    Ikev1Iv iv = c->iv;
    Ikev1Diag d = {0};
    size_t plen = 0;
    g_autofree uint8_t *plain = open_body(c, m, &iv, &plen, &d);
    int number = c->p1 == IKEV1_P1_MM4_SENT ? 5 : 6;
    if (!plain || !p1_verify(c, m, plain)) {
      /* RFC 2409 5 / RFC 2408 5.x: a wrong key garbles the body (PAYLOAD-MALFORMED) or
       * leaves a HASH that does not verify (INVALID-HASH-INFORMATION) */
      /* whatever the garbled plaintext tripped over (d.notify: a length, a payload type) the
       * cause is one: the body did not decrypt to payloads */
      uint16_t n = plain ? IKEV1_N_INVALID_HASH_INFORMATION : IKEV1_N_PAYLOAD_MALFORMED;
      VsEvent ev = ev_new(c, IKE_EV_AUTH_FAILED);
      vs_event_str(&ev, "reason", name_get(&ikev1_notify_names, n));
      if (!plain)
        vs_event_str(&ev, "detail", name_get(&ikev1_notify_names, d.notify));
      ev_emit(c, &ev);
      if (!c->initiator)
        send_plain_notify(c, n);
      p1_fail(c, plain ? "invalid_hash" : "payload_malformed");
      return;
    }
    ev_message(c, false, IKEV1_EXCH_MAIN, 0, number, 0);
    c->iv = iv;
    bytes_set(&c->last_rx, buf, m->hdr.length);
    if (!c->initiator) {
      if (dport == NATT_PORT) {
        c->lport = NATT_PORT;
        c->rport = sport;
        c->raddr = src;
      }
      g_autoptr(Ikev1Message) p = ikev1_message_new(0, 0, 0, 0, 0);
      p1_add_id_hash(c, p);
      g_autoptr(Ikev1Message) r =
          ikev1_message_new(IKEV1_EXCH_MAIN, IKEV1_FLAG_ENCRYPTION, c->icky, c->rcky, 0);
      seal(c, r, p, &c->iv);
      p1_send(c, r, 6, false);
    }
    p1_established(c);
    return;
  }
  default:
    return;
  }
}

/* ---- phase 2 ---- */

static Qm *qm_find(const Ikev1Conn *c, uint32_t mid)
{
  for (guint i = 0; i < c->qms->len; i++) {
    Qm *q = g_ptr_array_index(c->qms, i);
    if (q->mid == mid)
      return q;
  }
  return NULL;
}

static uint32_t mid_new(Ikev1Conn *c)
{
  uint32_t mid;
  do
    mid = drbg_u32(c->env.rng);
  while (mid == 0 || qm_find(c, mid));
  return mid;
}

static void ts_get(const Ikev1Conn *c, size_t i, Ipv4Range *l, Ipv4Range *r)
{
  if (c->cfg.n_ts) {
    *l = c->cfg.ts[i].local;
    *r = c->cfg.ts[i].remote;
  } else {
    *l = *r = (Ipv4Range){{0}, {0xffffffffu}};
  }
}

/* Build an encrypted message HASH | payloads of 'plain' (whose first payload is the HASH to
 * fill) and send it. kind: 1 HASH(1) (quick mode 1 and informational), 2 HASH(2), 3 HASH(3). */
static GBytes *p2_seal(Ikev1Conn *c, uint8_t exch, uint32_t mid, Ikev1Message *plain, int kind,
                       const Nonce *ni, const Nonce *nr, Ikev1Iv *iv)
{
  uint8_t h[IKE_PRF_MAX];
  if (kind == 3) {
    bool ok = ikev1_hash_qm3(c->keys, mid, ni->b, ni->n, nr->b, nr->n, h);
    g_assert(ok);
  } else {
    g_autoptr(GByteArray) rest = rest_of(plain);
    bool ok = kind == 1 ? ikev1_hash_qm1(c->keys, mid, rest->data, rest->len, h)
                        : ikev1_hash_qm2(c->keys, mid, ni->b, ni->n, rest->data, rest->len, h);
    g_assert(ok);
  }
  ikev1_data_set(&plain->payloads[0].u.hash, h, c->keys->prf_len);
  g_autoptr(Ikev1Message) m =
      ikev1_message_new(exch, IKEV1_FLAG_ENCRYPTION, c->icky, c->rcky, mid);
  seal(c, m, plain, iv);
  GBytes *b = encode(m);
  tx_raw(c, b);
  return b;
}

static void add_id(Ikev1Message *m, Ipv4Range r)
{
  ikev1_id_set_ipv4_range(&ikev1_message_add(m, IKEV1_PL_ID)->u.id, r, 0, 0);
}

static void qm_initiate(Ikev1Conn *c, size_t ts_index, uint32_t rekey_of)
{
  if (c->p1 != IKEV1_P1_ESTABLISHED || !c->cfg.n_p2)
    return;
  Qm *q = g_new0(Qm, 1);
  q->initiator = true;
  q->mid = mid_new(c);
  q->ts_index = ts_index;
  q->rekey_of = rekey_of;
  ts_get(c, ts_index, &q->l, &q->r);
  q->spi_in = spi_new(c);
  nonce_new(c, &q->ni);
  uint16_t pfs = c->cfg.p2[0].pfs;
  if (pfs) {
    q->dh = ike_dh_new(pfs, c->env.rng);
    if (!q->dh) {
      qm_free(q);
      ev_child(c, IKE_EV_CHILD_FAILED, 0, 0, "dh_unsupported");
      return;
    }
  }
  bool ok = ikev1_iv_phase2(c->keys, &c->iv, q->mid, &q->iv);
  g_assert(ok);
  /* RFC 2409 5.5: HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr] */
  g_autoptr(Ikev1Message) plain = ikev1_message_new(0, 0, 0, 0, 0);
  ikev1_message_add(plain, IKEV1_PL_HASH);
  Ikev1Payload *sa = ikev1_message_add(plain, IKEV1_PL_SA);
  sa->u.sa.doi = IKEV1_DOI_IPSEC;
  sa->u.sa.situation = IKEV1_SIT_IDENTITY_ONLY;
  uint8_t num = 1;
  size_t n_offer = c->cfg.n_p2_offer && c->cfg.n_p2_offer < c->cfg.n_p2 ? c->cfg.n_p2_offer
                                                                         : c->cfg.n_p2;
  for (size_t i = 0; i < n_offer; i++) {
    const Ikev1P2ProposalCfg *o = &c->cfg.p2[i];
    if (o->pfs != pfs)
      continue; /* one KE payload: every offer uses its group */
    P2Alg a = {.esp = o->esp, .key_bits = o->key_bits, .auth = o->auth, .pfs = o->pfs,
               .encap = encap_mode(c), .life_s = c->cfg.p2_lifetime_s,
               .life_kb = c->cfg.p2_lifetime_kb};
    p2_add_proposal(c, &sa->u.sa, num++, q->spi_in, &a);
  }
  ikev1_data_set(&ikev1_message_add(plain, IKEV1_PL_NONCE)->u.nonce, q->ni.b, q->ni.n);
  if (q->dh) {
    size_t kn;
    const uint8_t *ke = ike_dh_public(q->dh, &kn);
    ikev1_data_set(&ikev1_message_add(plain, IKEV1_PL_KE)->u.ke, ke, kn);
  }
  add_id(plain, q->l);
  add_id(plain, q->r);
  ev_message(c, true, IKEV1_EXCH_QUICK, q->mid, 1, 0);
  q->last_tx = p2_seal(c, IKEV1_EXCH_QUICK, q->mid, plain, 1, NULL, NULL, &q->iv);
  q->state = QM_I_SENT1;
  q->rtx_at = now(c) + rtx_delay(c, 0);
  g_ptr_array_add(c->qms, q);
}

static Child *child_by_spi(const Ikev1Conn *c, uint32_t spi, guint *idx)
{
  for (guint i = 0; i < c->children->len; i++) {
    Child *ch = g_ptr_array_index(c->children, i);
    if (ch->spi_in == spi || ch->spi_out == spi) {
      if (idx)
        *idx = i;
      return ch;
    }
  }
  return NULL;
}

/* KEYMAT for both directions (RFC 2409 5.5) and the pair handed to the owner. */
static bool qm_install(Ikev1Conn *c, Qm *q)
{
  const EspEncrInfo *e = esp_encr_info(q->alg.esp, q->alg.key_bits);
  const EspIntegInfo *in = esp_integ_info(p2_integ(q->alg.auth));
  if (!e || !in)
    return false;
  size_t ek = e->key_len + e->salt_len, ak = in->key_len;
  uint8_t kin[128], kout[128];
  g_assert(ek + ak <= sizeof kin);
  const uint8_t *g = q->gqm_len ? q->gqm : NULL;
  /* one KEYMAT per direction, each with the SPI its receiver chose; encryption key first */
  bool ok = ikev1_keymat(c->keys, g, q->gqm_len, IKEV1_PROTO_IPSEC_ESP, q->spi_in, q->ni.b,
                         q->ni.n, q->nr.b, q->nr.n, kin, ek + ak) &&
            ikev1_keymat(c->keys, g, q->gqm_len, IKEV1_PROTO_IPSEC_ESP, q->spi_out, q->ni.b,
                         q->ni.n, q->nr.b, q->nr.n, kout, ek + ak);
  if (!ok)
    return false;
  /* a responder learns it is a rekey from the selectors: the pair already installed */
  Child *old = NULL;
  if (q->rekey_of)
    old = child_by_spi(c, q->rekey_of, NULL);
  for (guint i = 0; !old && i < c->children->len; i++) {
    Child *ch = g_ptr_array_index(c->children, i);
    if (ch->l.first.v == q->l.first.v && ch->l.last.v == q->l.last.v &&
        ch->r.first.v == q->r.first.v && ch->r.last.v == q->r.last.v &&
        ch->state == IKE_CHILD_INSTALLED)
      old = ch;
  }
  Child *ch = g_new0(Child, 1);
  ch->spi_in = q->spi_in;
  ch->spi_out = q->spi_out;
  ch->ts_index = q->ts_index;
  ch->l = q->l;
  ch->r = q->r;
  ch->alg = q->alg;
  ch->initiated = q->initiator;
  ch->state = IKE_CHILD_INSTALLED;
  int64_t t = now(c);
  ch->expire_at = q->alg.life_s ? t + (int64_t)q->alg.life_s * NS_PER_S : NEVER;
  uint32_t margin = c->cfg.rekey_margin_s;
  ch->rekey_at = (q->initiator && q->alg.life_s && q->alg.life_s > margin)
                     ? t + (int64_t)(q->alg.life_s - margin) * NS_PER_S
                     : NEVER;
  if (c->env.child_install) {
    uint64_t hard_kb = q->alg.life_kb;
    IkeChildInstall ci = {
        .ike_spi_i = c->icky, .ike_spi_r = c->rcky,
        .spi_in = ch->spi_in, .spi_out = ch->spi_out,
        .encr = q->alg.esp, .key_bits = q->alg.key_bits, .integ = p2_integ(q->alg.auth),
        .udp_encap = q->alg.encap == IKEV1_ENCAP_UDP_TUNNEL ||
                     q->alg.encap == IKEV1_ENCAP_UDP_TUNNEL_DRAFT,
        .encap_sport = c->lport, .encap_dport = c->rport,
        .local_addr = c->cfg.local_addr, .remote_addr = c->raddr,
        .ek_in = kin, .ak_in = kin + ek, .ek_out = kout, .ak_out = kout + ek,
        .ek_len = ek, .ak_len = ak,
        .n_ts_local = 1, .n_ts_remote = 1,
        .soft_seconds = ch->rekey_at == NEVER ? 0 : (uint64_t)((ch->rekey_at - t) / NS_PER_S),
        .hard_seconds = q->alg.life_s,
        .soft_kbytes = hard_kb ? hard_kb - hard_kb / 10 : 0,
        .hard_kbytes = hard_kb,
        .rekey_of_spi_in = old ? old->spi_in : 0,
        .switch_out = old && q->initiator,
    };
    ci.ts_local[0] = q->l;
    ci.ts_remote[0] = q->r;
    c->env.child_install(c->env.user, &ci);
  }
  memset(kin, 0, sizeof kin);
  memset(kout, 0, sizeof kout);
  g_ptr_array_add(c->children, ch);
  VsEvent ev = ev_new(c, old ? IKE_EV_CHILD_REKEYED : IKE_EV_CHILD_INSTALLED);
  vs_event_hex(&ev, "spi_in", ch->spi_in);
  vs_event_hex(&ev, "spi_out", ch->spi_out);
  vs_event_str(&ev, "encr", name_get(&ikev1_esp_transform_names, q->alg.esp));
  vs_event_uint(&ev, "key_bits", q->alg.key_bits);
  vs_event_str(&ev, "auth", q->alg.auth ? name_get(&ikev1_auth_alg_names, q->alg.auth) : "none");
  vs_event_uint(&ev, "pfs", q->alg.pfs);
  vs_event_str(&ev, "encap", name_get(&ikev1_encap_names, q->alg.encap));
  if (old)
    vs_event_hex(&ev, "old_spi_in", old->spi_in);
  ev_emit(c, &ev);
  if (old)
    old->state = IKE_CHILD_REKEYED;
  return true;
}

static void info_send(Ikev1Conn *c, Ikev1Payload *(*fill)(Ikev1Message *, const void *),
                      const void *arg, uint16_t notify);

static Ikev1Payload *fill_delete_esp(Ikev1Message *m, const void *arg)
{
  Ikev1Payload *p = ikev1_message_add(m, IKEV1_PL_D);
  p->u.del.doi = IKEV1_DOI_IPSEC;
  p->u.del.protocol = IKEV1_PROTO_IPSEC_ESP;
  p->u.del.spi_size = 4;
  p->u.del.n_spis = 1;
  uint8_t s[4];
  wire_store_be32(s, *(const uint32_t *)arg);
  ikev1_data_set(&p->u.del.spis, s, 4);
  return p;
}

/* The pair at idx goes: its Delete (RFC 2408 3.15: our inbound SPI) and its removal. */
static void child_delete(Ikev1Conn *c, guint idx, const char *reason)
{
  Child *ch = g_ptr_array_index(c->children, idx);
  uint32_t spi = ch->spi_in;
  info_send(c, fill_delete_esp, &spi, 0);
  child_drop(c, idx, reason);
}

static void qm_done(Ikev1Conn *c, Qm *q) { g_ptr_array_remove_fast(c->qms, q); }

static bool qm_keys_pfs(Ikev1Conn *c, Qm *q, const Ikev1Message *m)
{
  const Ikev1Payload *ke = ikev1_message_find(m, IKEV1_PL_KE, 0);
  if (!q->alg.pfs)
    return ke == NULL;
  if (!ke)
    return false;
  if (!q->dh)
    q->dh = ike_dh_new(q->alg.pfs, c->env.rng);
  return q->dh && ike_dh_derive(q->dh, ke->u.ke.p, ke->u.ke.n, q->gqm, &q->gqm_len) ==
                      IKE_CRYPTO_OK;
}

static void p2_notify_send(Ikev1Conn *c, uint16_t type, uint32_t spi);

static void qm_rx(Ikev1Conn *c, Ikev1Message *m, const uint8_t *buf)
{
  if (c->p1 != IKEV1_P1_ESTABLISHED)
    return;
  uint32_t mid = m->hdr.msg_id;
  Qm *q = qm_find(c, mid);
  if (q && bytes_same(q->last_rx, buf, m->hdr.length)) {
    if (!q->initiator && q->last_tx) {
      ev_simple(c, IKE_EV_RETRANSMIT, "peer_retransmitted");
      tx_raw(c, q->last_tx);
    }
    return;
  }
  Ikev1Iv iv;
  if (q)
    iv = q->iv;
  else if (!ikev1_iv_phase2(c->keys, &c->iv, mid, &iv))
    return;
  Ikev1Diag d = {0};
  size_t plen = 0;
  g_autofree uint8_t *plain = open_body(c, m, &iv, &plen, &d);
  const uint8_t *rest = NULL;
  size_t rn = 0;
  if (!plain || !rest_received(m, plain, &rest, &rn) ||
      m->payloads[0].u.hash.n != c->keys->prf_len) {
    drop(c, IKE_DROP_MALFORMED, "qm_malformed");
    return;
  }
  const Ikev1Data *hash = &m->payloads[0].u.hash;
  uint8_t h[IKE_PRF_MAX];
  if (!q) {
    /* RFC 2409 5.5: a new quick mode; HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] [| IDs]) */
    if (!ikev1_hash_qm1(c->keys, mid, rest, rn, h) || !ike_ct_equal(h, hash->p, hash->n)) {
      drop(c, IKE_DROP_INTEGRITY, "invalid_hash");
      return;
    }
    ev_message(c, false, IKEV1_EXCH_QUICK, mid, 1, 0);
    q = g_new0(Qm, 1);
    q->mid = mid;
    q->iv = iv;
    q->initiator = false;
    const Ikev1Payload *sa = ikev1_message_find(m, IKEV1_PL_SA, 0);
    const Ikev1Payload *no = ikev1_message_find(m, IKEV1_PL_NONCE, 0);
    const Ikev1Payload *idi = ikev1_message_find(m, IKEV1_PL_ID, 0);
    const Ikev1Payload *idr = ikev1_message_find(m, IKEV1_PL_ID, 1);
    uint16_t err = 0;
    const Ikev1Proposal *pick = NULL;
    if (!sa || !no || !nonce_set(&q->ni, &no->u.nonce))
      err = IKEV1_N_PAYLOAD_MALFORMED;
    /* RFC 2409 5.5: without IDs the selectors are the ISAKMP peers' addresses */
    Ipv4Range ri = {c->raddr, c->raddr}, rr = {c->cfg.local_addr, c->cfg.local_addr};
    if (!err && idi && idr &&
        (!ikev1_id_ipv4_range(&idi->u.id, &ri) || !ikev1_id_ipv4_range(&idr->u.id, &rr)))
      err = IKEV1_N_INVALID_ID_INFORMATION;
    if (!err) {
      size_t n = c->cfg.n_ts ? c->cfg.n_ts : 1;
      bool found = false;
      for (size_t i = 0; i < n && !found; i++) {
        Ipv4Range l, r;
        ts_get(c, i, &l, &r);
        if (l.first.v == rr.first.v && l.last.v == rr.last.v && r.first.v == ri.first.v &&
            r.last.v == ri.last.v)
          found = true, q->ts_index = i;
      }
      q->l = rr;
      q->r = ri;
      if (!found)
        err = IKEV1_N_INVALID_ID_INFORMATION;
    }
    for (size_t i = 0; !err && !pick && i < sa->u.sa.n_proposals; i++) {
      const Ikev1Proposal *p = &sa->u.sa.proposals[i];
      if (p->protocol != IKEV1_PROTO_IPSEC_ESP || p->spi_size != 4 || p->n_transforms < 1)
        continue;
      for (size_t t = 0; t < p->n_transforms && !pick; t++) {
        P2Alg a;
        if (p2_transform_read(&p->transforms[t], &a) && p2_cfg_match(c, &a)) {
          pick = p;
          q->alg = a;
          q->spi_out = wire_load_be32(p->spi);
          /* our lifetimes bound the peer's (RFC 2407 4.5: the responder may lower them) */
          q->alg.life_s = life_min(a.life_s, c->cfg.p2_lifetime_s);
          q->alg.life_kb = a.life_kb && c->cfg.p2_lifetime_kb
                               ? MIN(a.life_kb, c->cfg.p2_lifetime_kb)
                               : (a.life_kb ? a.life_kb : c->cfg.p2_lifetime_kb);
        }
      }
    }
    if (!err && c->cfg.impair_qm_notify) {
      err = c->cfg.impair_qm_notify;
      VsEvent ev = ev_new(c, "impair.applied");
      vs_event_str(&ev, "what", "notify");
      vs_event_str(&ev, "exchange", "QUICK_MODE");
      ev_emit(c, &ev);
    }
    if (!err && !pick)
      err = IKEV1_N_NO_PROPOSAL_CHOSEN;
    if (!err && !qm_keys_pfs(c, q, m))
      err = IKEV1_N_NO_PROPOSAL_CHOSEN; /* PFS offered but no KE, or a KE without PFS */
    if (err) {
      uint32_t spi = pick ? q->spi_out : 0;
      if (!spi && sa && sa->u.sa.n_proposals && sa->u.sa.proposals[0].spi_size == 4)
        spi = wire_load_be32(sa->u.sa.proposals[0].spi);
      ev_child(c, IKE_EV_CHILD_FAILED, 0, spi, name_get(&ikev1_notify_names, err));
      qm_free(q);
      p2_notify_send(c, err, spi);
      return;
    }
    q->spi_in = spi_new(c);
    nonce_new(c, &q->nr);
    /* RFC 2409 5.5: HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr] */
    g_autoptr(Ikev1Message) r = ikev1_message_new(0, 0, 0, 0, 0);
    ikev1_message_add(r, IKEV1_PL_HASH);
    Ikev1Payload *rs = ikev1_message_add(r, IKEV1_PL_SA);
    rs->u.sa.doi = IKEV1_DOI_IPSEC;
    rs->u.sa.situation = IKEV1_SIT_IDENTITY_ONLY;
    p2_add_proposal(c, &rs->u.sa, pick->num, q->spi_in, &q->alg);
    ikev1_data_set(&ikev1_message_add(r, IKEV1_PL_NONCE)->u.nonce, q->nr.b, q->nr.n);
    if (q->dh) {
      size_t kn;
      const uint8_t *ke = ike_dh_public(q->dh, &kn);
      ikev1_data_set(&ikev1_message_add(r, IKEV1_PL_KE)->u.ke, ke, kn);
    }
    if (idi && idr) {
      add_id(r, q->r);
      add_id(r, q->l);
    }
    ev_message(c, true, IKEV1_EXCH_QUICK, mid, 2, 0);
    q->last_tx = p2_seal(c, IKEV1_EXCH_QUICK, mid, r, 2, &q->ni, NULL, &q->iv);
    bytes_set(&q->last_rx, buf, m->hdr.length);
    q->state = QM_R_SENT2;
    q->rtx_at = now(c) + rtx_delay(c, 0);
    g_ptr_array_add(c->qms, q);
    return;
  }
  if (q->initiator && q->state == QM_I_SENT1) {
    /* HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [| KE] [| IDci | IDcr]) */
    if (!ikev1_hash_qm2(c->keys, mid, q->ni.b, q->ni.n, rest, rn, h) ||
        !ike_ct_equal(h, hash->p, hash->n)) {
      drop(c, IKE_DROP_INTEGRITY, "invalid_hash");
      return;
    }
    ev_message(c, false, IKEV1_EXCH_QUICK, mid, 2, 0);
    q->iv = iv; /* RFC 2409 appendix B: the exchange's CBC chain goes on */
    const Ikev1Payload *sa = ikev1_message_find(m, IKEV1_PL_SA, 0);
    const Ikev1Payload *no = ikev1_message_find(m, IKEV1_PL_NONCE, 0);
    P2Alg a;
    bool ok = sa && no && nonce_set(&q->nr, &no->u.nonce) && sa->u.sa.n_proposals == 1 &&
              sa->u.sa.proposals[0].spi_size == 4 && sa->u.sa.proposals[0].n_transforms == 1 &&
              p2_transform_read(&sa->u.sa.proposals[0].transforms[0], &a) &&
              p2_cfg_match(c, &a);
    if (ok) {
      q->alg = a;
      q->spi_out = wire_load_be32(sa->u.sa.proposals[0].spi);
      ok = qm_keys_pfs(c, q, m);
    }
    if (!ok) {
      ev_child(c, IKE_EV_CHILD_FAILED, q->spi_in, 0, "bad_proposal");
      qm_done(c, q);
      return;
    }
    /* HDR*, HASH(3) */
    g_autoptr(Ikev1Message) r = ikev1_message_new(0, 0, 0, 0, 0);
    ikev1_message_add(r, IKEV1_PL_HASH);
    ev_message(c, true, IKEV1_EXCH_QUICK, mid, 3, 0);
    GBytes *b = p2_seal(c, IKEV1_EXCH_QUICK, mid, r, 3, &q->ni, &q->nr, &q->iv);
    g_bytes_unref(b);
    uint32_t rekey_of = q->rekey_of;
    bool installed = qm_install(c, q);
    qm_done(c, q);
    if (!installed) {
      ev_child(c, IKE_EV_CHILD_FAILED, 0, 0, "install_failed");
      return;
    }
    guint idx;
    if (rekey_of && child_by_spi(c, rekey_of, &idx))
      child_delete(c, idx, "rekeyed");
    return;
  }
  if (!q->initiator && q->state == QM_R_SENT2) {
    /* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) */
    if (!ikev1_hash_qm3(c->keys, mid, q->ni.b, q->ni.n, q->nr.b, q->nr.n, h) ||
        !ike_ct_equal(h, hash->p, hash->n)) {
      drop(c, IKE_DROP_INTEGRITY, "invalid_hash");
      return;
    }
    ev_message(c, false, IKEV1_EXCH_QUICK, mid, 3, 0);
    if (!qm_install(c, q))
      ev_child(c, IKE_EV_CHILD_FAILED, 0, 0, "install_failed");
    qm_done(c, q);
  }
}

/* ---- informational ---- */

/* RFC 2409 5.7: HDR*, HASH(1), N/D with a fresh M-ID and its own IV. */
static void info_send(Ikev1Conn *c, Ikev1Payload *(*fill)(Ikev1Message *, const void *),
                      const void *arg, uint16_t notify)
{
  if (c->p1 != IKEV1_P1_ESTABLISHED || !c->keys)
    return;
  uint32_t mid = mid_new(c);
  Ikev1Iv iv;
  if (!ikev1_iv_phase2(c->keys, &c->iv, mid, &iv))
    return;
  g_autoptr(Ikev1Message) plain = ikev1_message_new(0, 0, 0, 0, 0);
  ikev1_message_add(plain, IKEV1_PL_HASH);
  fill(plain, arg);
  ev_message(c, true, IKEV1_EXCH_INFORMATIONAL, mid, 0, notify);
  GBytes *b = p2_seal(c, IKEV1_EXCH_INFORMATIONAL, mid, plain, 1, NULL, NULL, &iv);
  g_bytes_unref(b);
}

typedef struct {
  uint16_t type;
  uint32_t spi;
} NotifyArg;

static Ikev1Payload *fill_notify(Ikev1Message *m, const void *arg)
{
  const NotifyArg *a = arg;
  Ikev1Payload *p = ikev1_message_add(m, IKEV1_PL_N);
  p->u.notify.doi = IKEV1_DOI_IPSEC;
  p->u.notify.protocol = IKEV1_PROTO_IPSEC_ESP;
  p->u.notify.spi_size = 4;
  wire_store_be32(p->u.notify.spi, a->spi);
  p->u.notify.type = a->type;
  return p;
}

static void p2_notify_send(Ikev1Conn *c, uint16_t type, uint32_t spi)
{
  NotifyArg a = {type, spi};
  info_send(c, fill_notify, &a, type);
}

typedef struct {
  bool ack;
  uint64_t icky, rcky;
  uint32_t seq;
} DpdArg;

static Ikev1Payload *fill_dpd(Ikev1Message *m, const void *arg)
{
  const DpdArg *a = arg;
  Ikev1Payload *p = ikev1_message_add(m, IKEV1_PL_N);
  ikev1_notify_set_dpd(&p->u.notify, a->ack, a->icky, a->rcky, a->seq);
  return p;
}

static Ikev1Payload *fill_delete_isakmp(Ikev1Message *m, const void *arg)
{
  const Ikev1Conn *c = arg;
  Ikev1Payload *p = ikev1_message_add(m, IKEV1_PL_D);
  p->u.del.doi = IKEV1_DOI_IPSEC;
  p->u.del.protocol = IKEV1_PROTO_ISAKMP;
  p->u.del.spi_size = 16;
  p->u.del.n_spis = 1;
  uint8_t s[16];
  wire_store_be64(s, c->icky);
  wire_store_be64(s + 8, c->rcky);
  ikev1_data_set(&p->u.del.spis, s, 16);
  return p;
}

static void dpd_send(Ikev1Conn *c)
{
  DpdArg a = {false, c->icky, c->rcky, ++c->dpd_seq};
  info_send(c, fill_dpd, &a, IKEV1_N_R_U_THERE);
}

static void p1_down(Ikev1Conn *c, const char *reason, bool restart)
{
  ev_simple(c, IKE_EV_SA_DELETED, reason);
  bool was_initiator = c->initiator;
  p1_clear(c, reason);
  c->restart_at = NEVER;
  if (restart && c->cfg.start == IKE_START_INITIATE)
    c->restart_at = now(c) + (int64_t)c->cfg.p1_restart_s * NS_PER_S;
  (void)was_initiator;
}

static void info_rx(Ikev1Conn *c, Ikev1Message *m, const uint8_t *buf)
{
  (void)buf;
  if (!(m->hdr.flags & IKEV1_FLAG_ENCRYPTION)) {
    /* RFC 2408 5: a notify in the clear can only be about a phase 1 being negotiated */
    const Ikev1Payload *n = ikev1_message_find(m, IKEV1_PL_N, 0);
    if (!n || m->hdr.icookie != c->icky || c->p1 == IKEV1_P1_ESTABLISHED ||
        c->p1 == IKEV1_P1_NONE || c->p1 == IKEV1_P1_FAILED)
      return;
    ev_message(c, false, IKEV1_EXCH_INFORMATIONAL, 0, 0, n->u.notify.type);
    VsEvent ev = ev_new(c, IKE_EV_NOTIFY_RX);
    vs_event_str(&ev, "notify", name_get(&ikev1_notify_names, n->u.notify.type));
    ev_emit(c, &ev);
    if (ikev1_notify_is_error(n->u.notify.type))
      p1_fail(c, name_get(&ikev1_notify_names, n->u.notify.type));
    return;
  }
  if (c->p1 != IKEV1_P1_ESTABLISHED || m->hdr.icookie != c->icky || m->hdr.rcookie != c->rcky)
    return;
  Ikev1Iv iv;
  if (!ikev1_iv_phase2(c->keys, &c->iv, m->hdr.msg_id, &iv))
    return;
  Ikev1Diag d = {0};
  size_t plen = 0;
  g_autofree uint8_t *plain = open_body(c, m, &iv, &plen, &d);
  const uint8_t *rest = NULL;
  size_t rn = 0;
  uint8_t h[IKE_PRF_MAX];
  /* RFC 2409 5.7: HASH(1) = prf(SKEYID_a, M-ID | N/D) */
  if (!plain || !rest_received(m, plain, &rest, &rn) ||
      m->payloads[0].u.hash.n != c->keys->prf_len ||
      !ikev1_hash_qm1(c->keys, m->hdr.msg_id, rest, rn, h) ||
      !ike_ct_equal(h, m->payloads[0].u.hash.p, c->keys->prf_len)) {
    drop(c, IKE_DROP_INTEGRITY, "info_invalid_hash");
    return;
  }
  for (size_t i = 1; i < m->n_payloads; i++) {
    const Ikev1Payload *p = &m->payloads[i];
    if (p->type == IKEV1_PL_N) {
      const Ikev1Notify *n = &p->u.notify;
      ev_message(c, false, IKEV1_EXCH_INFORMATIONAL, m->hdr.msg_id, 0, n->type);
      if (n->type == IKEV1_N_R_U_THERE) {
        /* RFC 3706 5: answer with the same sequence number */
        DpdArg a = {true, c->icky, c->rcky, n->dpd_seq};
        info_send(c, fill_dpd, &a, IKEV1_N_R_U_THERE_ACK);
      } else if (n->type == IKEV1_N_R_U_THERE_ACK) {
        /* RFC 3706 5: an ACK for the last R-U-THERE we sent */
        if (c->dpd_pending && n->dpd_seq == c->dpd_seq) {
          c->dpd_pending = false;
          c->dpd_at = now(c) + (int64_t)c->cfg.dpd_interval_s * NS_PER_S;
        }
      } else {
        VsEvent ev = ev_new(c, IKE_EV_NOTIFY_RX);
        vs_event_str(&ev, "notify", name_get(&ikev1_notify_names, n->type));
        ev_emit(c, &ev);
        /* an error about one of our quick modes (by the SPI we offered) ends it */
        if (ikev1_notify_is_error(n->type) && n->spi_size == 4) {
          uint32_t spi = wire_load_be32(n->spi);
          for (guint k = 0; k < c->qms->len; k++) {
            Qm *q = g_ptr_array_index(c->qms, k);
            if (q->initiator && q->spi_in == spi) {
              ev_child(c, IKE_EV_CHILD_FAILED, spi, 0, name_get(&ikev1_notify_names, n->type));
              qm_done(c, q);
              break;
            }
          }
        }
      }
    } else if (p->type == IKEV1_PL_D) {
      const Ikev1Delete *del = &p->u.del;
      ev_message(c, false, IKEV1_EXCH_INFORMATIONAL, m->hdr.msg_id, 0, 0);
      if (del->protocol == IKEV1_PROTO_ISAKMP) {
        p1_down(c, "peer_delete", false);
        return;
      }
      if (del->protocol != IKEV1_PROTO_IPSEC_ESP || del->spi_size != 4)
        continue;
      for (size_t k = 0; k < del->n_spis && (k + 1) * 4 <= del->spis.n; k++) {
        uint32_t spi = wire_load_be32(del->spis.p + 4 * k);
        for (guint j = 0; j < c->children->len; j++) {
          Child *ch = g_ptr_array_index(c->children, j);
          if (ch->spi_out == spi) {
            child_drop(c, j, ch->state == IKE_CHILD_REKEYED ? "rekeyed" : "peer_delete");
            break;
          }
        }
      }
    }
  }
}

/* ---- entry points ---- */

void ikev1_config_defaults(Ikev1Config *c)
{
  memset(c, 0, sizeof *c);
  c->name = "ike";
  c->p1_lifetime_s = 28800;
  c->p2_lifetime_s = 3600;
  c->p2_lifetime_kb = 102400000;
  c->rekey_margin_s = 300;
  c->p1_restart_s = 5;
  c->dpd_timeout_s = 45;
  c->retrans_base_ms = 4000;
  c->retrans_tries = 5;
  c->start = IKE_START_INITIATE;
  c->natt = true;
  c->dpd_vid = true;
}

Ikev1Conn *ikev1_conn_new(const Ikev1Config *cfg, const IkeEnv *env)
{
  g_return_val_if_fail(cfg && env && env->now && env->send && env->rng, NULL);
  g_return_val_if_fail(cfg->n_p1 <= IKEV1_MAX_P1_PROPOSALS, NULL);
  g_return_val_if_fail(cfg->n_p2 <= IKEV1_MAX_P2_PROPOSALS, NULL);
  g_return_val_if_fail(cfg->n_ts <= IKEV1_MAX_TS, NULL);
  Ikev1Conn *c = g_new0(Ikev1Conn, 1);
  c->cfg = *cfg;
  c->env = *env;
  c->qms = g_ptr_array_new_with_free_func((GDestroyNotify)qm_free);
  c->children = g_ptr_array_new();
  c->sai_b = g_byte_array_new();
  c->gxi = g_byte_array_new();
  c->gxr = g_byte_array_new();
  c->restart_at = NEVER;
  p1_clear(c, NULL);
  return c;
}

void ikev1_conn_free(Ikev1Conn *c)
{
  if (!c)
    return;
  p1_clear(c, NULL);
  g_ptr_array_unref(c->qms);
  g_ptr_array_unref(c->children);
  g_byte_array_unref(c->sai_b);
  g_byte_array_unref(c->gxi);
  g_byte_array_unref(c->gxr);
  memset(c, 0, sizeof *c);
  g_free(c);
}

void ikev1_conn_start(Ikev1Conn *c)
{
  g_return_if_fail(c);
  if (c->cfg.start == IKE_START_INITIATE)
    p1_initiate(c);
  arm(c);
}

void ikev1_conn_rx(Ikev1Conn *c, Ipv4Addr src, uint16_t sport, Ipv4Addr dst, uint16_t dport,
                   const uint8_t *data, size_t len)
{
  g_return_if_fail(c && (data || !len));
  if (dport == NATT_PORT) {
    /* RFC 3948 2.2 / 2.3: a keepalive, or the non-ESP marker before IKE */
    if (len < 4 || memcmp(data, "\0\0\0\0", 4) != 0)
      return;
    data += 4, len -= 4;
  }
  Ikev1Message *m = NULL;
  Ikev1Diag d;
  if (ikev1_message_decode(data, len, &m, &d) != WIRE_OK) {
    drop(c, IKE_DROP_MALFORMED, "malformed");
    arm(c);
    return;
  }
  switch (m->hdr.exchange) {
  case IKEV1_EXCH_MAIN: mm_rx(c, m, data, src, sport, dst, dport); break;
  case IKEV1_EXCH_QUICK:
    if (m->hdr.icookie == c->icky && m->hdr.rcookie == c->rcky)
      qm_rx(c, m, data);
    break;
  case IKEV1_EXCH_INFORMATIONAL: info_rx(c, m, data); break;
  default: drop(c, IKE_DROP_PAYLOAD_RULES, "unsupported_exchange"); break;
  }
  ikev1_message_free(m);
  arm(c);
}

void ikev1_conn_timeout(Ikev1Conn *c)
{
  g_return_if_fail(c);
  int64_t t = now(c);
  if (c->restart_at <= t) {
    c->restart_at = NEVER;
    p1_initiate(c);
  }
  if (c->requick_at <= t) {
    c->requick_at = NEVER;
    if (c->p1 == IKEV1_P1_ESTABLISHED)
      qm_initiate_all(c);
  }
  if (c->p1_expire_at <= t) {
    /* Azure: no in-place main mode rekey; the tunnel drops and a new main mode starts */
    p1_down(c, "expired", true);
  }
  if (c->rtx_at <= t && c->last_tx) {
    if (c->tries >= c->cfg.retrans_tries) {
      ev_give_up(c, IKEV1_EXCH_MAIN, "phase1", c->tries);
      p1_fail(c, "give_up");
      if (c->cfg.start == IKE_START_INITIATE)
        c->restart_at = t + (int64_t)c->cfg.p1_restart_s * NS_PER_S;
    } else {
      c->tries++;
      ev_simple(c, IKE_EV_RETRANSMIT, "timeout");
      tx_raw(c, c->last_tx);
      c->rtx_at = t + rtx_delay(c, c->tries);
    }
  }
  for (guint i = 0; i < c->qms->len;) {
    Qm *q = g_ptr_array_index(c->qms, i);
    if (q->rtx_at > t) {
      i++;
      continue;
    }
    if (q->tries >= c->cfg.retrans_tries) {
      ev_child(c, IKE_EV_CHILD_FAILED, q->spi_in, 0, "give_up");
      ev_give_up(c, IKEV1_EXCH_QUICK, "quick_mode", q->tries);
      g_ptr_array_remove_index_fast(c->qms, i);
      continue;
    }
    q->tries++;
    ev_simple(c, IKE_EV_RETRANSMIT, "timeout");
    tx_raw(c, q->last_tx);
    q->rtx_at = t + rtx_delay(c, q->tries);
    i++;
  }
  for (guint i = 0; i < c->children->len;) {
    Child *ch = g_ptr_array_index(c->children, i);
    if (ch->expire_at <= t) {
      child_drop(c, i, "expired");
      continue;
    }
    if (ch->rekey_at <= t) {
      ch->rekey_at = NEVER;
      if (ch->state == IKE_CHILD_INSTALLED) {
        ch->state = IKE_CHILD_REKEYING;
        qm_initiate(c, ch->ts_index, ch->spi_in);
      }
    }
    i++;
  }
  if (c->dpd_at <= t && c->p1 == IKEV1_P1_ESTABLISHED) {
    if (c->dpd_pending && t - c->dpd_first >= (int64_t)c->cfg.dpd_timeout_s * NS_PER_S) {
      ev_simple(c, IKE_EV_DPD_DEAD, "no_ack");
      p1_down(c, "dpd_dead", c->cfg.dpd_action == IKE_DPD_RESTART);
    } else {
      if (!c->dpd_pending)
        c->dpd_first = t;
      c->dpd_pending = true;
      dpd_send(c);
      int64_t next = t + (int64_t)c->cfg.dpd_interval_s * NS_PER_S;
      int64_t dead = c->dpd_first + (int64_t)c->cfg.dpd_timeout_s * NS_PER_S;
      c->dpd_at = MIN(next, dead);
    }
  }
  arm(c);
}

void ikev1_conn_child_expired(Ikev1Conn *c, uint32_t spi, bool hard)
{
  g_return_if_fail(c);
  guint idx;
  Child *ch = child_by_spi(c, spi, &idx);
  if (!ch)
    return;
  if (hard)
    child_delete(c, idx, "expired");
  else if (ch->state == IKE_CHILD_INSTALLED) {
    ch->state = IKE_CHILD_REKEYING;
    qm_initiate(c, ch->ts_index, ch->spi_in);
  }
  arm(c);
}

bool ikev1_conn_rekey_child(Ikev1Conn *c, uint32_t spi_in)
{
  g_return_val_if_fail(c, false);
  Child *ch = spi_in ? child_by_spi(c, spi_in, NULL)
                     : (c->children->len ? g_ptr_array_index(c->children, 0) : NULL);
  if (!ch || ch->state != IKE_CHILD_INSTALLED || c->p1 != IKEV1_P1_ESTABLISHED)
    return false;
  ch->state = IKE_CHILD_REKEYING;
  qm_initiate(c, ch->ts_index, ch->spi_in);
  arm(c);
  return true;
}

bool ikev1_conn_delete_child(Ikev1Conn *c, uint32_t spi_in)
{
  g_return_val_if_fail(c, false);
  guint idx;
  if (!child_by_spi(c, spi_in, &idx))
    return false;
  child_delete(c, idx, "local_delete");
  arm(c);
  return true;
}

bool ikev1_conn_close(Ikev1Conn *c)
{
  g_return_val_if_fail(c, false);
  if (c->p1 != IKEV1_P1_ESTABLISHED)
    return false;
  while (c->children->len)
    child_delete(c, c->children->len - 1, "local_delete");
  info_send(c, fill_delete_isakmp, c, 0);
  p1_down(c, "local_delete", false);
  arm(c);
  return true;
}

void ikev1_conn_acquire(Ikev1Conn *c)
{
  g_return_if_fail(c);
  if (c->p1 == IKEV1_P1_NONE || c->p1 == IKEV1_P1_FAILED) {
    /* no ISAKMP SA and none being negotiated: a main mode (also before a pending
     * restart, which the new SA makes moot) */
    p1_initiate(c);
  } else if (c->p1 == IKEV1_P1_ESTABLISHED) {
    /* a quick mode for every selector pair with no SA pair and none under way */
    size_t n = c->cfg.n_ts ? c->cfg.n_ts : 1;
    for (size_t i = 0; i < n; i++) {
      bool have = false;
      for (guint k = 0; k < c->children->len && !have; k++)
        have = ((Child *)g_ptr_array_index(c->children, k))->ts_index == i;
      for (guint k = 0; k < c->qms->len && !have; k++)
        have = ((Qm *)g_ptr_array_index(c->qms, k))->ts_index == i;
      if (!have)
        qm_initiate(c, i, 0);
    }
  }
  arm(c);
}

bool ikev1_conn_holds_sa(const Ikev1Conn *c, uint64_t icky, uint64_t rcky)
{
  return c && c->p1 != IKEV1_P1_NONE && c->p1 != IKEV1_P1_FAILED && c->icky == icky &&
         (!rcky || !c->rcky || c->rcky == rcky);
}

Ikev1P1State ikev1_conn_state(const Ikev1Conn *c) { return c ? c->p1 : IKEV1_P1_NONE; }

bool ikev1_conn_cookies(const Ikev1Conn *c, uint64_t *icky, uint64_t *rcky)
{
  if (!c || c->p1 == IKEV1_P1_NONE)
    return false;
  *icky = c->icky;
  *rcky = c->rcky;
  return true;
}

size_t ikev1_conn_n_children(const Ikev1Conn *c) { return c ? c->children->len : 0; }

bool ikev1_conn_child_info(const Ikev1Conn *c, size_t i, IkeChildInfo *out)
{
  if (!c || i >= c->children->len)
    return false;
  const Child *ch = g_ptr_array_index(c->children, i);
  *out = (IkeChildInfo){.spi_in = ch->spi_in, .spi_out = ch->spi_out, .state = ch->state,
                        .encr = ch->alg.esp, .key_bits = ch->alg.key_bits,
                        .integ = p2_integ(ch->alg.auth), .dh = ch->alg.pfs,
                        .udp_encap = ch->alg.encap == IKEV1_ENCAP_UDP_TUNNEL,
                        .ts_local = ch->l, .ts_remote = ch->r};
  return true;
}

bool ikev1_conn_nat_detected(const Ikev1Conn *c, bool *local_behind, bool *remote_behind)
{
  if (!c)
    return false;
  *local_behind = c->nat_local;
  *remote_behind = c->nat_remote;
  return c->nat_local || c->nat_remote;
}

const Ikev1Keys *ikev1_conn_keys(const Ikev1Conn *c) { return c ? c->keys : NULL; }

bool ikev1_conn_phase1_iv(const Ikev1Conn *c, Ikev1Iv *iv)
{
  if (!c || c->p1 != IKEV1_P1_ESTABLISHED)
    return false;
  *iv = c->iv;
  return true;
}

bool ikev1_conn_peer_dpd(const Ikev1Conn *c) { return c && c->peer_dpd; }
