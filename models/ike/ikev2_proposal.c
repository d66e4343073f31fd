/* SPDX-License-Identifier: MIT */
/* Building SA payloads from configured proposals and choosing among a peer's (RFC 7296
 * 2.7, 3.3). */
#include "models/ike/ikev2_proposal.h"

#include <string.h>

void ikev2_proposals_add_ike(Ikev2Sa *sa, const IkeProposalCfg *p, size_t n, uint64_t spi)
{
  for (size_t i = 0; i < n; i++) {
    Ikev2Proposal *pr = ikev2_sa_add_proposal(sa, IKEV2_PROTO_IKE);
    if (spi) {
      /* RFC 7296 3.3.1: rekeying an IKE SA puts the new 8-octet SPI in the proposal */
      pr->spi_size = 8;
      wire_store_be64(pr->spi, spi);
    }
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, p[i].encr, p[i].key_bits);
    /* RFC 5282 8: with a combined-mode cipher the integrity transform is omitted */
    if (p[i].integ != AUTH_NONE)
      ikev2_proposal_add_transform(pr, IKE_TRANSFORM_INTEG, p[i].integ, 0);
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_PRF, p[i].prf, 0);
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_DH, p[i].dh, 0);
  }
}

/* Same ciphers, ESN and (with pfs) group as an earlier proposal? */
static bool esp_dup(const ChildProposalCfg *p, size_t i, bool pfs)
{
  for (size_t j = 0; j < i; j++)
    if (p[j].encr == p[i].encr && p[j].key_bits == p[i].key_bits && p[j].integ == p[i].integ &&
        p[j].esn == p[i].esn && (!pfs || p[j].dh == p[i].dh))
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

void ikev2_proposals_add_esp(Ikev2Sa *sa, const ChildProposalCfg *p, size_t n, uint32_t spi,
                             bool pfs)
{
  for (size_t i = 0; i < n; i++) {
    if (esp_dup(p, i, pfs))
      continue;
    Ikev2Proposal *pr = ikev2_sa_add_proposal(sa, IKEV2_PROTO_ESP);
    pr->spi_size = 4;
    wire_store_be32(pr->spi, spi);
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, p[i].encr, p[i].key_bits);
    if (p[i].integ != AUTH_NONE)
      ikev2_proposal_add_transform(pr, IKE_TRANSFORM_INTEG, p[i].integ, 0);
    /* RFC 7296 3.3.3: the D-H group is one of the proposal's transforms */
    if (pfs && p[i].dh && p[i].dh != DH_NONE)
      ikev2_proposal_add_transform(pr, IKE_TRANSFORM_DH, p[i].dh, 0);
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

static bool ike_match(const Ikev2Proposal *p, const IkeProposalCfg *c)
{
  if (p->protocol != IKEV2_PROTO_IKE)
    return false;
  bool integ_ok = c->integ == AUTH_NONE
                      ? (count(p, IKE_TRANSFORM_INTEG) == 0 || has(p, IKE_TRANSFORM_INTEG, AUTH_NONE, 0))
                      : has(p, IKE_TRANSFORM_INTEG, c->integ, 0);
  return has(p, IKE_TRANSFORM_ENCR, c->encr, c->key_bits) && integ_ok &&
         has(p, IKE_TRANSFORM_PRF, c->prf, 0) && has(p, IKE_TRANSFORM_DH, c->dh, 0);
}

static bool esp_match(const Ikev2Proposal *p, const ChildProposalCfg *c, uint16_t dh)
{
  if (p->protocol != IKEV2_PROTO_ESP || p->spi_size != 4)
    return false;
  bool integ_ok = c->integ == AUTH_NONE
                      ? (count(p, IKE_TRANSFORM_INTEG) == 0 || has(p, IKE_TRANSFORM_INTEG, AUTH_NONE, 0))
                      : has(p, IKE_TRANSFORM_INTEG, c->integ, 0);
  /* PFS: our group must be offered; without PFS the offer must carry no group other than
   * NONE (RFC 7296 3.3.3: DH optional in ESP proposals) */
  bool dh_ok = dh ? has(p, IKE_TRANSFORM_DH, dh, 0)
                  : (count(p, IKE_TRANSFORM_DH) == 0 || has(p, IKE_TRANSFORM_DH, DH_NONE, 0));
  /* RFC 7296 3.3.3: ESN is mandatory in ESP proposals; be lenient when absent (= no) */
  bool esn_ok = count(p, IKE_TRANSFORM_ESN) == 0 ? !c->esn
                                                 : has(p, IKE_TRANSFORM_ESN, c->esn ? ESN_YES : ESN_NO, 0);
  return has(p, IKE_TRANSFORM_ENCR, c->encr, c->key_bits) && integ_ok && dh_ok && esn_ok;
}

static void chosen_ike(const Ikev2Proposal *p, const IkeProposalCfg *c, Ikev2Chosen *out)
{
  memset(out, 0, sizeof *out);
  out->num = p->num;
  out->encr = c->encr;
  out->key_bits = c->key_bits;
  out->integ = c->integ;
  out->prf = c->prf;
  out->dh = c->dh;
}

static void chosen_esp(const Ikev2Proposal *p, const ChildProposalCfg *c, uint16_t dh,
                       Ikev2Chosen *out)
{
  memset(out, 0, sizeof *out);
  out->num = p->num;
  out->encr = c->encr;
  out->key_bits = c->key_bits;
  out->integ = c->integ;
  out->dh = dh;
  out->esn = c->esn;
  out->spi = wire_load_be32(p->spi);
}

bool ikev2_select_ike(const Ikev2Sa *offer, const IkeProposalCfg *cfg, size_t n, Ikev2Chosen *out)
{
  /* RFC 7296 2.7: the responder picks one proposal; we take the first of the initiator's
   * that any of ours accepts */
  for (size_t i = 0; i < offer->n_proposals; i++)
    for (size_t j = 0; j < n; j++)
      if (ike_match(&offer->proposals[i], &cfg[j])) {
        chosen_ike(&offer->proposals[i], &cfg[j], out);
        return true;
      }
  return false;
}

/* Our proposal's PFS group in this exchange (DH_NONE counts as none). */
static uint16_t cfg_dh(const ChildProposalCfg *c, bool pfs)
{
  return pfs && c->dh != DH_NONE ? c->dh : 0;
}

bool ikev2_select_esp(const Ikev2Sa *offer, const ChildProposalCfg *cfg, size_t n, bool pfs,
                      uint16_t ke_group, Ikev2Chosen *out)
{
  /* RFC 7296 2.7: the first of the initiator's proposals we support; first among those
   * whose group is the one of the KEi sent (RFC 7296 1.3.1: otherwise INVALID_KE_PAYLOAD
   * follows), then among all */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < offer->n_proposals; i++)
      for (size_t j = 0; j < n; j++) {
        uint16_t dh = cfg_dh(&cfg[j], pfs);
        if (pass == 0 && dh != ke_group)
          continue;
        if (esp_match(&offer->proposals[i], &cfg[j], dh)) {
          chosen_esp(&offer->proposals[i], &cfg[j], dh, out);
          return true;
        }
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
    if (ike_match(&answer->proposals[0], &cfg[j])) {
      chosen_ike(&answer->proposals[0], &cfg[j], out);
      return true;
    }
  return false;
}

bool ikev2_accept_esp(const Ikev2Sa *answer, const ChildProposalCfg *cfg, size_t n, bool pfs,
                      Ikev2Chosen *out)
{
  if (!single(answer))
    return false;
  for (size_t j = 0; j < n; j++)
    if (esp_match(&answer->proposals[0], &cfg[j], cfg_dh(&cfg[j], pfs))) {
      chosen_esp(&answer->proposals[0], &cfg[j], cfg_dh(&cfg[j], pfs), out);
      return true;
    }
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
