/* SPDX-License-Identifier: MIT */
/* The Wireshark "ikev1_decryption_table" key table: one row per ISAKMP SA, so that Wireshark
 * and tshark decrypt the phase 1, quick mode and informational messages of a run (Wireshark
 * derives the IVs itself from the KE payloads it sees). Writing keys out is what the user
 * asked for when they ask for this table; nothing else in the module prints key material. */
#pragma once

#include "models/ike/ikev1_crypto.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* One row without newline (g_free), as Wireshark writes its UAT file and strongSwan's
 * save-keys plugin too: both fields hex, bare:
 *   <initiator cookie, 16 hex digits>,<encryption key, 2 * key_len hex digits>
 * The key is the cipher key itself (SKEYID_e expanded or cut, RFC 2409 appendix B). NULL when
 * the keys are not derived. */
char *ikev1_keytable_row(uint64_t icookie, const Ikev1Keys *k);
/* The same row as a tshark option value: "uat:ikev1_decryption_table:<row>" (g_free). */
char *ikev1_keytable_tshark_opt(uint64_t icookie, const Ikev1Keys *k);
/* Append a row and a newline; false on a write error or keys not derived. */
bool ikev1_keytable_write(FILE *f, uint64_t icookie, const Ikev1Keys *k);
