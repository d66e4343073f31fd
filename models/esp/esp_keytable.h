/* SPDX-License-Identifier: MIT */
/* The Wireshark "esp_sa" key table (one row per SA direction) that lets Wireshark and
 * tshark decrypt the ESP packets of a run. Writing keys out is what the user asked for
 * when they ask for this table; nothing else in the module prints key material. */
#pragma once

#include "models/esp/esp_sa.h"

/* One row, without newline (g_free):
 *   "IPv4","<src>","<dst>","0x<SPI, 8 hex>","<encryption label>","0x<key[||salt]>",
 *   "<authentication label>","0x<integrity key>"
 * Labels are the exact strings of Wireshark's esp_sa UAT (EspEncrInfo/EspIntegInfo
 * ws_label). A key the transform does not have (NULL encryption; the integrity key of
 * a combined mode, whose authentication label is "NULL") is an empty field "". */
char *esp_keytable_row(const EspSa *sa);
