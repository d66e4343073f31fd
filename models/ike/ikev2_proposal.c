/* SPDX-License-Identifier: MIT */
/* Building SA payloads from configured proposals and choosing among a peer's (RFC 7296
 * 2.7, 3.3). */
#include "models/ike/ikev2_proposal.h"

#include <string.h>

/* The first transform of a type and its alternatives, in order of preference. */
static void add_list(Ikev2Proposal *pr, uint8_t type, uint16_t id, uint16_t key_bits,
                     const IkeAltList *alt)
{
  ikev2_proposal_add_transform(pr, type, id, type == IKE_TRANSFORM_ENCR ? key_bits : 0);
  for (size_t k = 0; k < alt->n && k < IKEV2_MAX_ALT; k++)
    ikev2_proposal_add_transform(pr, type, alt->id[k],
                                 type == IKE_TRANSFORM_ENCR ? alt->key_bits[k] : 0);
}

void ikev2_proposals_add_ike(Ikev2Sa *sa, const IkeProposalCfg *p, size_t n, uint64_t spi)
{
  for (size_t i = 0; i < n; i++) {
    Ikev2Proposal *pr = ikev2_sa_add_proposal(sa, IKEV2_PROTO_IKE);
    if (spi) {
      /* RFC 7296 3.3.1: rekeying an IKE SA puts the new 8-octet SPI in the proposal */
      pr->spi_size = 8;
      wire_store_be64(pr->spi, spi);
    }
    /* RFC 7296 3.3: one or more transforms of each type in one proposal */
    add_list(pr, IKE_TRANSFORM_ENCR, p[i].encr, p[i].key_bits, &p[i].encr_alt);
    /* RFC 5282 8: with a combined-mode cipher the integrity transform is omitted */
    if (p[i].integ != AUTH_NONE)
      add_list(pr, IKE_TRANSFORM_INTEG, p[i].integ, 0, &p[i].integ_alt);
    add_list(pr, IKE_TRANSFORM_PRF, p[i].prf, 0, &p[i].prf_alt);
    add_list(pr, IKE_TRANSFORM_DH, p[i].dh, 0, &p[i].dh_alt);
  }
}

static bool alt_eq(const IkeAltList *a, const IkeAltList *b, bool key_bits)
{
  if (a->n != b->n)
    return false;
  for (size_t k = 0; k < a->n && k < IKEV2_MAX_ALT; k++)
    if (a->id[k] != b->id[k] || (key_bits && a->key_bits[k] != b->key_bits[k]))
      return false;
  return true;
}

/* Same ciphers, ESN and (with pfs) groups as an earlier proposal? */
static bool esp_dup(const ChildProposalCfg *p, size_t i, bool pfs)
{
  for (size_t j = 0; j < i; j++)
    if (p[j].encr == p[i].encr && p[j].key_bits == p[i].key_bits && p[j].integ == p[i].integ &&
        p[j].esn == p[i].esn && alt_eq(&p[j].encr_alt, &p[i].encr_alt, true) &&
        alt_eq(&p[j].integ_alt, &p[i].integ_alt, false) &&
        (!pfs || (p[j].dh == p[i].dh && alt_eq(&p[j].dh_alt, &p[i].dh_alt, false))))
      return true;
  return false;
}

uint16_t ikev2_esp_ke_group(const ChildProposalCfg *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i].dh && p[i].dh != DH_NONE)
      return p[i].dh;
  return 0;
}

bool ikev2_ike_offers_group(const IkeProposalCfg *p, size_t n, uint16_t group)
{
  for (size_t i = 0; i < n; i++) {
    if (p[i].dh == group)
      return true;
    for (size_t k = 0; k < p[i].dh_alt.n && k < IKEV2_MAX_ALT; k++)
      if (p[i].dh_alt.id[k] == group)
        return true;
  }
  return false;
}

void ikev2_proposals_add_esp(Ikev2Sa *sa, const ChildProposalCfg *p, size_t n, uint32_t spi,
                             bool pfs)
{
  for (size_t i = 0; i < n; i++) {
    if (esp_dup(p, i, pfs))
      continue;
    Ikev2Proposal *pr = ikev2_sa_add_proposal(sa, IKEV2_PROTO_ESP);
    pr->spi_size = 4;
    wire_store_be32(pr->spi, spi);
    add_list(pr, IKE_TRANSFORM_ENCR, p[i].encr, p[i].key_bits, &p[i].encr_alt);
    if (p[i].integ != AUTH_NONE)
      add_list(pr, IKE_TRANSFORM_INTEG, p[i].integ, 0, &p[i].integ_alt);
    /* RFC 7296 3.3.3: the D-H group is one of the proposal's transforms */
    if (pfs && p[i].dh && p[i].dh != DH_NONE)
      add_list(pr, IKE_TRANSFORM_DH, p[i].dh, 0, &p[i].dh_alt);
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ESN, p[i].esn ? ESN_YES : ESN_NO, 0);
  }
}

/* Does the proposal hold a transform (type, id, key length)? RFC 7296 3.3.6: a transform
 * with an attribute we do not understand is not acceptable. */
static bool has(const Ikev2Proposal *p, uint8_t type, uint16_t id, uint16_t key_bits)
{
  for (size_t i = 0; i < p->n_transforms; i++) {
    const Ikev2Transform *t = &p->transforms[i];
    if (t->type == type && t->id == id && t->key_length == key_bits && !t->unknown_attr)
      return true;
  }
  return false;
}

static size_t count(const Ikev2Proposal *p, uint8_t type)
{
  size_t n = 0;
  for (size_t i = 0; i < p->n_transforms; i++)
    n += p->transforms[i].type == type;
  return n;
}

/* Our first transform of a type (then its alternatives) that the proposal holds; want
 * != 0 restricts the choice to that id. */
static bool pick(const Ikev2Proposal *p, uint8_t type, uint16_t id, uint16_t key_bits,
                 const IkeAltList *alt, uint16_t want, uint16_t *out_id, uint16_t *out_kb)
{
  uint16_t kb = type == IKE_TRANSFORM_ENCR ? key_bits : 0;
  if ((!want || want == id) && has(p, type, id, kb)) {
    *out_id = id;
    *out_kb = kb;
    return true;
  }
  for (size_t k = 0; k < alt->n && k < IKEV2_MAX_ALT; k++) {
    kb = type == IKE_TRANSFORM_ENCR ? alt->key_bits[k] : 0;
    if ((!want || want == alt->id[k]) && has(p, type, alt->id[k], kb)) {
      *out_id = alt->id[k];
      *out_kb = kb;
      return true;
    }
  }
  return false;
}

/* The integrity choice: with AUTH_NONE (AEAD) the proposal must carry no integrity
 * transform other than NONE. */
static bool pick_integ(const Ikev2Proposal *p, uint16_t integ, const IkeAltList *alt,
                       uint16_t *out)
{
  uint16_t kb;
  if (integ == AUTH_NONE) {
    *out = AUTH_NONE;
    return count(p, IKE_TRANSFORM_INTEG) == 0 || has(p, IKE_TRANSFORM_INTEG, AUTH_NONE, 0);
  }
  return pick(p, IKE_TRANSFORM_INTEG, integ, 0, alt, 0, out, &kb);
}

/* One transform of each type from what both the proposal and c hold. want_dh != 0: only
 * that group. */
static bool ike_match(const Ikev2Proposal *p, const IkeProposalCfg *c, uint16_t want_dh,
                      Ikev2Chosen *out)
{
  uint16_t kb;
  memset(out, 0, sizeof *out);
  if (p->protocol != IKEV2_PROTO_IKE)
    return false;
  out->num = p->num;
  return pick(p, IKE_TRANSFORM_ENCR, c->encr, c->key_bits, &c->encr_alt, 0, &out->encr,
              &out->key_bits) &&
         pick_integ(p, c->integ, &c->integ_alt, &out->integ) &&
         pick(p, IKE_TRANSFORM_PRF, c->prf, 0, &c->prf_alt, 0, &out->prf, &kb) &&
         pick(p, IKE_TRANSFORM_DH, c->dh, 0, &c->dh_alt, want_dh, &out->dh, &kb);
}

/* Our proposal's PFS group in this exchange (DH_NONE counts as none). */
static uint16_t cfg_dh(const ChildProposalCfg *c, bool pfs)
{
  return pfs && c->dh != DH_NONE ? c->dh : 0;
}

/* As ike_match for ESP. pfs: one of our groups must be offered (want_dh != 0: that
 * one); without, the offer must carry no group other than NONE (RFC 7296 3.3.3: DH
 * optional in ESP proposals). */
static bool esp_match(const Ikev2Proposal *p, const ChildProposalCfg *c, bool pfs,
                      uint16_t want_dh, Ikev2Chosen *out)
{
  uint16_t kb;
  memset(out, 0, sizeof *out);
  if (p->protocol != IKEV2_PROTO_ESP || p->spi_size != 4)
    return false;
  out->num = p->num;
  out->spi = wire_load_be32(p->spi);
  out->esn = c->esn;
  uint16_t dh = cfg_dh(c, pfs);
  bool dh_ok = dh ? pick(p, IKE_TRANSFORM_DH, dh, 0, &c->dh_alt, want_dh, &out->dh, &kb)
                  : !want_dh && (count(p, IKE_TRANSFORM_DH) == 0 ||
                                 has(p, IKE_TRANSFORM_DH, DH_NONE, 0));
  /* RFC 7296 3.3.3: ESN is mandatory in ESP proposals; be lenient when absent (= no) */
  bool esn_ok = count(p, IKE_TRANSFORM_ESN) == 0 ? !c->esn
                                                 : has(p, IKE_TRANSFORM_ESN, c->esn ? ESN_YES : ESN_NO, 0);
  return pick(p, IKE_TRANSFORM_ENCR, c->encr, c->key_bits, &c->encr_alt, 0, &out->encr,
              &out->key_bits) &&
         pick_integ(p, c->integ, &c->integ_alt, &out->integ) && dh_ok && esn_ok;
}

bool ikev2_select_ike(const Ikev2Sa *offer, const IkeProposalCfg *cfg, size_t n, Ikev2Chosen *out)
{
  /* RFC 7296 2.7: the responder picks one proposal; we take the first of the initiator's
   * that any of ours accepts, and of each type our first transform it offers */
  for (size_t i = 0; i < offer->n_proposals; i++)
    for (size_t j = 0; j < n; j++)
      if (ike_match(&offer->proposals[i], &cfg[j], 0, out))
        return true;
  return false;
}

bool ikev2_select_esp(const Ikev2Sa *offer, const ChildProposalCfg *cfg, size_t n, bool pfs,
                      uint16_t ke_group, Ikev2Chosen *out)
{
  /* RFC 7296 2.7: the first of the initiator's proposals we support; first with the
   * group of the KEi sent (RFC 7296 1.3.1: otherwise INVALID_KE_PAYLOAD follows), then
   * with any */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < offer->n_proposals; i++)
      for (size_t j = 0; j < n; j++) {
        /* pass 0 without a KEi: our proposals without PFS first */
        if (pass == 0 && !ke_group && cfg_dh(&cfg[j], pfs))
          continue;
        if (esp_match(&offer->proposals[i], &cfg[j], pfs, pass == 0 ? ke_group : 0, out))
          return true;
      }
  return false;
}

/* RFC 7296 3.3.6: the answer is a single proposal with one transform of each type it
 * uses, and it must be one we offered. */
static bool single(const Ikev2Sa *a)
{
  if (a->n_proposals != 1)
    return false;
  const Ikev2Proposal *p = &a->proposals[0];
  for (uint8_t t = IKE_TRANSFORM_ENCR; t <= IKE_TRANSFORM_ESN; t++)
    if (count(p, t) > 1)
      return false;
  return true;
}

bool ikev2_accept_ike(const Ikev2Sa *answer, const IkeProposalCfg *cfg, size_t n, Ikev2Chosen *out)
{
  if (!single(answer))
    return false;
  for (size_t j = 0; j < n; j++)
    if (ike_match(&answer->proposals[0], &cfg[j], 0, out))
      return true;
  return false;
}

bool ikev2_accept_esp(const Ikev2Sa *answer, const ChildProposalCfg *cfg, size_t n, bool pfs,
                      Ikev2Chosen *out)
{
  if (!single(answer))
    return false;
  for (size_t j = 0; j < n; j++)
    if (esp_match(&answer->proposals[0], &cfg[j], pfs, 0, out))
      return true;
  return false;
}

void ikev2_chosen_add(Ikev2Sa *sa, const Ikev2Chosen *c, uint8_t protocol, const uint8_t *spi,
                      uint8_t spi_size)
{
  Ikev2Proposal *pr = ikev2_sa_add_proposal(sa, protocol);
  /* RFC 7296 3.3.1: the accepted proposal keeps the number the initiator gave it */
  pr->num = c->num;
  pr->spi_size = spi_size;
  if (spi_size)
    memcpy(pr->spi, spi, spi_size);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, c->encr, c->key_bits);
  if (c->integ != AUTH_NONE)
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_INTEG, c->integ, 0);
  if (protocol == IKEV2_PROTO_IKE) {
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_PRF, c->prf, 0);
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_DH, c->dh, 0);
  } else {
    if (c->dh)
      ikev2_proposal_add_transform(pr, IKE_TRANSFORM_DH, c->dh, 0);
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ESN, c->esn ? ESN_YES : ESN_NO, 0);
  }
}
