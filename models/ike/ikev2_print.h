/* SPDX-License-Identifier: MIT */
/* Printers of IKEv2 messages for logs and reports: one line per message
 * ("IKE_AUTH request #1 [IDi AUTH SA TSi TSr N(INIT_CONTACT)]") and a verbose form with
 * every field. They print lengths of keying data (KE, nonces, AUTH), never the bytes. */
#pragma once

#include "models/ike/ikev2_codec.h"

/* The one-line form (g_free). */
char *ikev2_print_line(const Ikev2Message *m);
/* The verbose form, one field per line, indented (g_free). */
char *ikev2_print_verbose(const Ikev2Message *m);
