/* SPDX-License-Identifier: MIT */
/* Rows of Wireshark's ikev1_decryption_table (fields as in its packet-isakmp.c UAT:
 * "Initiator's COOKIE" and "Encryption Key", both hex). */
#include "models/ike/ikev1_keytable.h"

#include "models/common/hex.h"

#include <glib.h>
#include <string.h>

char *ikev1_keytable_row(uint64_t icookie, const Ikev1Keys *k)
{
  if (!k->key_len)
    return NULL;
  g_autofree char *key = hex_dup(k->enc_key, k->key_len);
  char *row = g_strdup_printf("%016" G_GINT64_MODIFIER "x,%s", icookie, key);
  ike_wipe(key, strlen(key));
  return row;
}

char *ikev1_keytable_tshark_opt(uint64_t icookie, const Ikev1Keys *k)
{
  g_autofree char *row = ikev1_keytable_row(icookie, k);
  char *opt = row ? g_strconcat("uat:ikev1_decryption_table:", row, NULL) : NULL;
  if (row)
    ike_wipe(row, strlen(row));
  return opt;
}

bool ikev1_keytable_write(FILE *f, uint64_t icookie, const Ikev1Keys *k)
{
  g_autofree char *row = ikev1_keytable_row(icookie, k);
  bool ok = row && fprintf(f, "%s\n", row) > 0;
  if (row)
    ike_wipe(row, strlen(row));
  return ok;
}
