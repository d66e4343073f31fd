/* SPDX-License-Identifier: MIT */
/* Writer of Wireshark's esp_sa UAT rows. */
#include "models/esp/esp_keytable.h"

#include "models/common/hex.h"

#include <glib.h>
#include <string.h>

static char *key_field(const uint8_t *k, size_t n)
{
  if (n == 0)
    return g_strdup("");
  char *hex = hex_dup(k, n);
  char *f = g_strconcat("0x", hex, NULL);
  esp_wipe(hex, 2 * n);
  g_free(hex);
  return f;
}

char *esp_keytable_row(const EspSa *sa)
{
  char src[IPV4_ADDR_STRLEN], dst[IPV4_ADDR_STRLEN];
  size_t ekl, akl;
  const uint8_t *ek = esp_sa_encr_key(sa, &ekl);
  const uint8_t *ak = esp_sa_integ_key(sa, &akl);
  char *ekf = key_field(ek, ekl), *akf = key_field(ak, akl);
  /* field order of the esp_sa UAT: protocol, srcIP, dstIP, spi, encryption_algo,
   * encryption_key, authentication_algo, authentication_key */
  char *row = g_strdup_printf("\"IPv4\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"%s\",\"%s\",\"%s\"",
                              ipv4_addr_format(esp_sa_tunnel_src(sa), src),
                              ipv4_addr_format(esp_sa_tunnel_dst(sa), dst), esp_sa_spi(sa),
                              esp_sa_encr(sa)->ws_label, ekf, esp_sa_integ(sa)->ws_label, akf);
  esp_wipe(ekf, strlen(ekf));
  esp_wipe(akf, strlen(akf));
  g_free(ekf);
  g_free(akf);
  return row;
}
