/* SPDX-License-Identifier: MIT */
/* The Wireshark "ikev2_decryption_table" key table: one row per IKE SA, so that Wireshark
 * and tshark decrypt the SK payloads of a run. Writing keys out is what the user asked for
 * when they ask for this table; nothing else in the module prints key material. */
#pragma once

#include "models/ike/ike_crypto.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Wireshark's label for an SK cipher / integrity algorithm (the exact strings of its
 * ikev2_decryption_table UAT), or NULL when Wireshark cannot decrypt it (DES). */
const char *ike_keytable_encr_label(uint16_t encr, uint16_t key_bits);
const char *ike_keytable_integ_label(uint16_t integ);

/* One row without newline (g_free), as Wireshark writes its UAT files (hex bare, labels
 * quoted):
 *   <SPIi 16 hex>,<SPIr 16 hex>,<SK_ei>,<SK_er>,"<encr label>",<SK_ai>,<SK_ar>,"<integ label>"
 * SK_ai/SK_ar are empty for AES-GCM. NULL when a label is unknown. */
char *ike_keytable_row(uint64_t spi_i, uint64_t spi_r, const IkeKeys *k);
/* The same row as a tshark option value: "uat:ikev2_decryption_table:<row>" (g_free). */
char *ike_keytable_tshark_opt(uint64_t spi_i, uint64_t spi_r, const IkeKeys *k);
