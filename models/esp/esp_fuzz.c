/* SPDX-License-Identifier: MIT */
/* libFuzzer target on ESP decapsulation: peer bytes go through the SA database (SPI
 * lookup, layout, replay, ICV, decryption, trailer and inner IPv4 checks),
 * through RFC 3948 UDP decoding first, or straight into the trailer parser. No input may
 * crash, assert or read out of bounds. */
#include "models/esp/esp_natt.h"
#include "models/esp/esp_sad.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EspSad *sad;

static void add(uint32_t spi, IkeEncrId encr, IkeIntegId integ, size_t ekl, size_t akl)
{
  static const uint8_t key[64] = "fuzz-key-fuzz-key-fuzz-key-fuzz-key-fuzz-key-fuzz-key-fuzz-key";
  EspSaConfig cfg = {.spi = spi, .dir = ESP_DIR_IN, .encr = encr, .encr_key_bits = 128,
                     .integ = integ, .encr_key = key, .encr_key_len = ekl, .integ_key = key,
                     .integ_key_len = akl};
  EspSa *sa = esp_sa_new(&cfg, NULL);
  if (!sa || !esp_sad_add_take(sad, sa, 0))
    __builtin_trap();
}

static void setup(void)
{
  sad = esp_sad_new(NULL, NULL);
  /* confidentiality-only CBC: random ciphertext decrypts, so the trailer and inner
   * packet checks are reached */
  add(0x100, ENCR_AES_CBC, AUTH_NONE, 16, 0);
  add(0x101, ENCR_AES_CBC, AUTH_NONE, 16, 0);
  add(0x102, ENCR_NULL, AUTH_HMAC_SHA1_96, 0, 20);
  add(0x103, ENCR_AES_GCM_16, AUTH_NONE, 20, 0);
  add(0x104, ENCR_3DES, AUTH_HMAC_MD5_96, 24, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!sad)
    setup();
  if (size < 1)
    return 0;
  uint8_t mode = data[0] % 3;
  const uint8_t *p = data + 1;
  size_t n = size - 1;
  static uint8_t out[70000];
  size_t plen;
  uint8_t nh;
  WireDiag d;
  switch (mode) {
  case 0:
    esp_sad_rx(sad, 0, p, n, out, sizeof out);
    break;
  case 1: {
    EspNattDatagram dg;
    if (esp_natt_decode(p, n, &dg, &d) == ESP_OK && dg.kind == ESP_NATT_ESP)
      esp_sad_rx(sad, 0, dg.payload, dg.payload_len, out, sizeof out);
    break;
  }
  case 2:
    esp_trailer_parse(p, n, &plen, &nh, &d);
    break;
  }
  return 0;
}
