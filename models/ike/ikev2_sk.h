/* SPDX-License-Identifier: MIT */
/* The Encrypted payload (RFC 7296 3.14, RFC 5282 for AES-GCM) and Encrypted Fragments
 * (RFC 7383): protecting a message's payloads, checking and opening a received one, and
 * reassembling fragments. Built on the codec and the crypto primitives of ike_crypto.h. */
#pragma once

#include "models/ike/ike_crypto.h"
#include "models/ike/ikev2_codec.h"

/* Encode m with every payload inside one SK payload: header, SK header, a fresh IV from
 * rng, the padded payload chain encrypted, then the ICV (HMAC over everything before it;
 * for GCM the tag with header and SK header as AAD). The datagram is the caller's
 * (g_free). */
bool ikev2_sk_protect(const Ikev2Message *m, const IkeSkDir *d, Drbg *rng, uint8_t **out,
                      size_t *n);

/* Decode a datagram whose last payload is SK, verify its ICV, decrypt it and decode the
 * inner payloads. On success *out holds the header, the payloads before SK and then the
 * inner ones (marked encrypted). Failures: integrity (drop) or inner syntax
 * (INVALID_SYNTAX), in d. */
WireStatus ikev2_sk_unprotect(const uint8_t *buf, size_t len, const IkeSkDir *d,
                              Ikev2Message **out, Ikev2Diag *diag);

/* RFC 7383 2.5: split m's payload chain over SKF fragments, each a datagram of at most
 * max_len octets (IKE header included), each with its own IV and ICV. A GPtrArray of
 * GBytes, or NULL when max_len leaves no room for data. */
GPtrArray *ikev2_sk_protect_fragments(const Ikev2Message *m, const IkeSkDir *d, Drbg *rng,
                                      size_t max_len);

/* Reassembly of one fragmented message (RFC 7383 2.6): fragments in any order; each is
 * verified and decrypted as it arrives; a duplicate is ignored. */
typedef struct Ikev2FragSet Ikev2FragSet;

Ikev2FragSet *ikev2_frag_set_new(void);
void ikev2_frag_set_free(Ikev2FragSet *s); /* wipes the plaintexts */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Ikev2FragSet, ikev2_frag_set_free)
/* Add a received fragment datagram. A fragment of another message, a Total Fragments that
 * differs from the first one's, or a bad ICV fail (drop) and leave the set as it was. */
WireStatus ikev2_frag_set_add(Ikev2FragSet *s, const uint8_t *buf, size_t len,
                              const IkeSkDir *d, Ikev2Diag *diag);
bool ikev2_frag_set_complete(const Ikev2FragSet *s);
/* The reassembled message (header of fragment 1, inner payloads marked encrypted), or
 * TRUNCATED on 'fragment' (seen: fragments held, bound: total) while some are missing. */
WireStatus ikev2_frag_set_finish(Ikev2FragSet *s, Ikev2Message **out, Ikev2Diag *diag);
