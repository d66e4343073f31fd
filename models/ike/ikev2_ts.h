/* SPDX-License-Identifier: MIT */
/* Traffic selectors of child SAs (RFC 7296 2.9, 3.13): building TSi/TSr from the
 * configuration, and the responder's narrowing of the initiator's proposal to its own
 * policy (TS_UNACCEPTABLE when nothing is left). IPv4 ranges, all protocols and ports. */
#pragma once

#include "models/common/ipv4.h"
#include "models/ike/ikev2_codec.h"

#include <stdbool.h>
#include <stddef.h>

/* 0.0.0.0 - 255.255.255.255 */
Ipv4Range ikev2_ts_any(void);
void ikev2_ts_put(Ikev2Ts *ts, const Ipv4Range *r, size_t n);
/* The IPv4 ranges of a TS payload that cover all protocols and ports (others are
 * skipped: we only keep whole-address selectors). Returns the count written (<= max). */
size_t ikev2_ts_get(const Ikev2Ts *ts, Ipv4Range *out, size_t max);
/* RFC 7296 2.9: narrow the peer's proposal 'offer' (from its point of view, so its TSi is
 * our remote when it is the initiator) to our 'policy': each offered range intersected
 * with each policy range, in offer order. Returns the count (0: TS_UNACCEPTABLE). */
size_t ikev2_ts_narrow(const Ipv4Range *offer, size_t n_offer, const Ipv4Range *policy,
                       size_t n_policy, Ipv4Range *out, size_t max);
/* Every range of 'got' lies inside one of 'mine' (the initiator's check of the answer). */
bool ikev2_ts_subset(const Ipv4Range *got, size_t n_got, const Ipv4Range *mine, size_t n_mine);
