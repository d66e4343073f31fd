/* SPDX-License-Identifier: MIT */
/* Rows of Wireshark's ikev2_decryption_table (labels as in its packet-isakmp.c UAT). */
#include "models/ike/ike_keytable.h"

#include "models/common/hex.h"

#include <glib.h>
#include <string.h>

const char *ike_keytable_encr_label(uint16_t encr, uint16_t key_bits)
{
  switch (encr) {
  case ENCR_3DES: return "3DES [RFC2451]";
  case ENCR_AES_CBC:
    switch (key_bits) {
    case 128: return "AES-CBC-128 [RFC3602]";
    case 192: return "AES-CBC-192 [RFC3602]";
    case 256: return "AES-CBC-256 [RFC3602]";
    default: return NULL;
    }
  case ENCR_AES_GCM_16:
    switch (key_bits) {
    case 128: return "AES-GCM-128 with 16 octet ICV [RFC5282]";
    case 192: return "AES-GCM-192 with 16 octet ICV [RFC5282]";
    case 256: return "AES-GCM-256 with 16 octet ICV [RFC5282]";
    default: return NULL;
    }
  default: return NULL; /* DES: Wireshark's IKEv2 table has no row for it */
  }
}

const char *ike_keytable_integ_label(uint16_t integ)
{
  switch (integ) {
  case AUTH_NONE: return "NONE [RFC4306]";
  case AUTH_HMAC_MD5_96: return "HMAC_MD5_96 [RFC2403]";
  case AUTH_HMAC_SHA1_96: return "HMAC_SHA1_96 [RFC2404]";
  case AUTH_HMAC_SHA2_256_128: return "HMAC_SHA2_256_128 [RFC4868]";
  case AUTH_HMAC_SHA2_384_192: return "HMAC_SHA2_384_192 [RFC4868]";
  case AUTH_HMAC_SHA2_512_256: return "HMAC_SHA2_512_256 [RFC4868]";
  default: return NULL;
  }
}

char *ike_keytable_row(uint64_t spi_i, uint64_t spi_r, const IkeKeys *k)
{
  const char *el = ike_keytable_encr_label(k->suite.encr, k->suite.key_bits);
  const char *il = ike_keytable_integ_label(ike_encr_is_aead(k->suite.encr) ? AUTH_NONE
                                                                            : k->suite.integ);
  if (!el || !il)
    return NULL;
  g_autofree char *ei = hex_dup(k->sk_ei, k->e_len), *er = hex_dup(k->sk_er, k->e_len);
  g_autofree char *ai = hex_dup(k->sk_ai, k->a_len), *ar = hex_dup(k->sk_ar, k->a_len);
  char *row = g_strdup_printf("%016" G_GINT64_MODIFIER "x,%016" G_GINT64_MODIFIER
                              "x,%s,%s,\"%s\",%s,%s,\"%s\"",
                              spi_i, spi_r, ei, er, el, ai, ar, il);
  ike_wipe(ei, strlen(ei));
  ike_wipe(er, strlen(er));
  ike_wipe(ai, strlen(ai));
  ike_wipe(ar, strlen(ar));
  return row;
}

char *ike_keytable_tshark_opt(uint64_t spi_i, uint64_t spi_r, const IkeKeys *k)
{
  g_autofree char *row = ike_keytable_row(spi_i, spi_r, k);
  return row ? g_strconcat("uat:ikev2_decryption_table:", row, NULL) : NULL;
}
