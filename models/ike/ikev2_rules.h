/* SPDX-License-Identifier: MIT */
/* Which payloads each IKEv2 exchange may carry, per direction (RFC 7296 1.2-1.5, 2.21):
 * one const table, checked in one place, returning the protocol action. */
#pragma once

#include "models/ike/ikev2_codec.h"

/* One row: in this exchange and direction, 'payload' may appear min..max times and must
 * (or must not) be inside SK. */
typedef struct {
  uint8_t exchange;
  bool response;
  uint8_t payload;
  uint8_t min;
  uint8_t max;       /* IKEV2_RULE_MANY for no limit */
  bool encrypted;    /* must come out of SK/SKF */
} Ikev2Rule;

#define IKEV2_RULE_MANY 255

/* The rows of one exchange and direction, or NULL (n = 0) for an exchange we do not know. */
const Ikev2Rule *ikev2_rules_for(uint8_t exchange, bool response, size_t *n);

/* Check a decoded (and decrypted) message against the table. Required payloads are
 * waived in a message that carries an error Notify or, in an IKE_SA_INIT response, a
 * COOKIE (RFC 7296 2.6, 2.21). Returns the action; d names the payload (field), the
 * count seen and the bound it broke. Unknown non-critical payloads are ignored (3.2). */
Ikev2Action ikev2_rules_check(const Ikev2Message *m, Ikev2Diag *d);
