/* SPDX-License-Identifier: MIT */
/* IKEv2 proposal construction and selection (RFC 7296 2.7, 3.3): SA payloads from the
 * configured ordered lists, the responder's choice (the first initiator proposal it
 * supports) and the initiator's check that the answer is one it offered. */
#pragma once

#include "models/ike/ikev2_codec.h"
#include "models/ike/ikev2_sa.h"

/* What a selection agreed on. For a child SA, spi is the proposer's SPI and dh the PFS
 * group (0: none). */
typedef struct {
  uint8_t num;
  uint16_t encr, key_bits, integ, prf, dh;
  bool esn;
  uint32_t spi;
} Ikev2Chosen;

/* Fill an SA payload with the IKE proposals (num 1, 2, ...), SPI empty (IKE_SA_INIT) or
 * the 8-octet spi when spi != 0 (IKE SA rekey, RFC 7296 1.3.2). */
void ikev2_proposals_add_ike(Ikev2Sa *sa, const IkeProposalCfg *p, size_t n, uint64_t spi);
/* Fill an SA payload with the ESP proposals and our inbound SPI. pfs (CREATE_CHILD_SA):
 * each proposal carries its own DH transform when its dh != 0. Without pfs (IKE_AUTH) no
 * DH transform is sent and proposals that differ only in their group are sent once. */
void ikev2_proposals_add_esp(Ikev2Sa *sa, const ChildProposalCfg *p, size_t n, uint32_t spi,
                             bool pfs);
/* The group of the KEi payload of a CREATE_CHILD_SA request: that of the first proposal
 * with PFS (RFC 7296 1.3.1: KEi's group must be in the SA offer); 0: none. */
uint16_t ikev2_esp_ke_group(const ChildProposalCfg *p, size_t n);
/* Does any of our IKE proposals list this D-H group (first or alternative)? The
 * INVALID_KE_PAYLOAD retry takes the group the responder wants only then. */
bool ikev2_ike_offers_group(const IkeProposalCfg *p, size_t n, uint16_t group);
/* The responder's choice among the initiator's proposals for the IKE SA (RFC 7296 2.7:
 * the first proposal it supports, with our preference among equals). False:
 * NO_PROPOSAL_CHOSEN. */
bool ikev2_select_ike(const Ikev2Sa *offer, const IkeProposalCfg *cfg, size_t n, Ikev2Chosen *out);
/* The same for ESP. With pfs (CREATE_CHILD_SA) each of our proposals' dh must be in the
 * offer's proposal (none or NONE when 0) and becomes the chosen group; proposals whose
 * group is ke_group (the initiator's KEi, 0: none sent) are preferred, so a KE that fits
 * some acceptable proposal never costs an INVALID_KE_PAYLOAD round trip. Without pfs
 * (IKE_AUTH) the offer must carry no group other than NONE and ours are ignored. */
bool ikev2_select_esp(const Ikev2Sa *offer, const ChildProposalCfg *cfg, size_t n, bool pfs,
                      uint16_t ke_group, Ikev2Chosen *out);
/* The single chosen proposal of a response: one proposal with one transform of each type
 * (RFC 7296 3.3.6: otherwise NO_PROPOSAL_CHOSEN / invalid), each from the transforms of one
 * of our proposals (first or alternative). */
bool ikev2_accept_ike(const Ikev2Sa *answer, const IkeProposalCfg *cfg, size_t n, Ikev2Chosen *out);
bool ikev2_accept_esp(const Ikev2Sa *answer, const ChildProposalCfg *cfg, size_t n, bool pfs,
                      Ikev2Chosen *out);
/* Write the chosen proposal back as a one-proposal SA payload (the responder's answer). */
void ikev2_chosen_add(Ikev2Sa *sa, const Ikev2Chosen *c, uint8_t protocol, const uint8_t *spi,
                      uint8_t spi_size);
