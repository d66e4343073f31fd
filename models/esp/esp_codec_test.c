/* SPDX-License-Identifier: MIT */
/* Tests of the ESP layout code: header, padding rule, trailer parsing with a table of
 * malformed trailers, and a truncation sweep over the layout split. */
#include "models/esp/esp_codec.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

static void test_header(void)
{
  WireWriter w;
  wire_writer_init(&w);
  esp_header_encode(&w, &(EspHeader){.spi = 0x00004321, .seq = 1});
  tu_assert_hex(wire_writer_data(&w), wire_writer_len(&w), "00004321 00000001");
  WireReader r = wire_reader(wire_writer_data(&w), wire_writer_len(&w));
  EspHeader h;
  g_assert_cmpint(esp_header_decode(&r, &h), ==, WIRE_OK);
  g_assert_cmphex(h.spi, ==, 0x4321);
  g_assert_cmpuint(h.seq, ==, 1);
  wire_writer_clear(&w);

  /* RFC 4303 2.1: SPI 0 must not be sent */
  static const uint8_t zero[8] = {0, 0, 0, 0, 0, 0, 0, 7};
  r = wire_reader(zero, sizeof zero);
  g_assert_cmpint(esp_header_decode(&r, &h), ==, WIRE_MALFORMED);
  g_assert_cmpstr(r.diag.field, ==, "SPI");
  for (size_t n = 0; n < 8; n++) {
    r = wire_reader(zero, n);
    g_assert_cmpint(esp_header_decode(&r, &h), ==, WIRE_TRUNCATED);
  }
}

static void test_pad_len(void)
{
  /* RFC 4303 2.4: payload + padding + 2 aligned to max(block, 4) */
  g_assert_cmpuint(esp_pad_len(64, 16), ==, 14); /* RFC 3602 case 5: 14 padding octets */
  g_assert_cmpuint(esp_pad_len(84, 16), ==, 10); /* RFC 3602 case 7 */
  g_assert_cmpuint(esp_pad_len(62, 1), ==, 0);   /* GCM: only 4-octet alignment */
  g_assert_cmpuint(esp_pad_len(48, 1), ==, 2);
  g_assert_cmpuint(esp_pad_len(14, 16), ==, 0);
  g_assert_cmpuint(esp_pad_len(15, 16), ==, 15);
  g_assert_cmpuint(esp_pad_len(6, 8), ==, 0);
  g_assert_cmpuint(esp_pad_len(0, 8), ==, 6);
  for (size_t block = 1; block <= 16; block *= 2)
    for (size_t n = 0; n < 100; n++) {
      size_t p = esp_pad_len(n, block);
      size_t a = block > 4 ? block : 4;
      g_assert_cmpuint((n + p + 2) % a, ==, 0);
      g_assert_cmpuint(p, <, a);
    }
}

static void test_trailer_roundtrip(void)
{
  uint8_t buf[64];
  memset(buf, 0xee, sizeof buf);
  WireWriter w;
  wire_writer_init_fixed(&w, buf + 5, 9);
  esp_trailer_encode(&w, 7, 4);
  g_assert_true(wire_writer_ok(&w));
  esp_trailer_encode(&w, 0, 4); /* no room left: the writer fails, nothing overflows */
  g_assert_false(wire_writer_ok(&w));
  tu_assert_hex(buf + 5, 9, "01020304050607 07 04");
  size_t plen;
  uint8_t nh;
  g_assert_cmpint(esp_trailer_parse(buf, 14, &plen, &nh, NULL), ==, ESP_OK);
  g_assert_cmpuint(plen, ==, 5);
  g_assert_cmpuint(nh, ==, 4);
}

/* Malformed trailers: the plaintext, the status and the field named. */
static void test_trailer_malformed(void)
{
  static const struct {
    const char *hex;
    EspStatus want;
    const char *field;
  } cases[] = {
      {"", ESP_ERR_TRUNCATED, "trailer"},
      {"04", ESP_ERR_TRUNCATED, "trailer"},
      {"0104", ESP_ERR_PADDING, "pad length"},       /* 1 pad octet, none there */
      {"aa 01 02 04 04", ESP_ERR_PADDING, "pad length"},
      {"aa 01 03 02 04", ESP_ERR_PADDING, "padding"}, /* not 1,2 */
      {"aa 00 01 02 04", ESP_ERR_PADDING, "padding"},
      {"02 02 01 04", ESP_ERR_PADDING, "padding"},
      {"ff ff", ESP_ERR_PADDING, "pad length"},
  };
  for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
    g_autoptr(GBytes) b = tu_hex(cases[k].hex);
    size_t n, plen = 99;
    const uint8_t *p = g_bytes_get_data(b, &n);
    uint8_t nh = 99;
    WireDiag d = {0};
    EspStatus s = esp_trailer_parse(p ? p : (const uint8_t *)"", n, &plen, &nh, &d);
    g_test_message("case %zu: %s", k, esp_status_name(s));
    g_assert_cmpint(s, ==, cases[k].want);
    g_assert_cmpstr(d.field, ==, cases[k].field);
    g_assert_cmpuint(plen, ==, 99); /* outputs untouched on failure */
  }
  /* the 255-octet maximum is accepted */
  uint8_t big[258];
  WireWriter w;
  wire_writer_init_fixed(&w, big, sizeof big);
  wire_put_u8(&w, 0x42);
  esp_trailer_encode(&w, 255, 59);
  g_assert_true(wire_writer_ok(&w));
  size_t plen;
  uint8_t nh;
  g_assert_cmpint(esp_trailer_parse(big, sizeof big, &plen, &nh, NULL), ==, ESP_OK);
  g_assert_cmpuint(plen, ==, 1);
  g_assert_cmpuint(nh, ==, 59);
}

/* What a receiver does: the header once (esp_header_parse), then the rest of the split. */
static EspStatus split(const uint8_t *pkt, size_t len, size_t iv_len, size_t icv_len,
                       size_t block, EspLayout *l, WireDiag *d)
{
  EspHeader h;
  EspStatus s = esp_header_parse(pkt, len, &h, d);
  return s != ESP_OK ? s : esp_layout_split(&h, pkt, len, iv_len, icv_len, block, l, d);
}

static void test_layout_split(void)
{
  /* header 8, IV 16, ciphertext 32, ICV 12 */
  uint8_t pkt[8 + 16 + 32 + 12];
  for (size_t k = 0; k < sizeof pkt; k++)
    pkt[k] = (uint8_t)(k + 1);
  EspLayout l;
  WireDiag d;
  g_assert_cmpint(split(pkt, sizeof pkt, 16, 12, 16, &l, &d), ==, ESP_OK);
  g_assert_cmphex(l.hdr.spi, ==, 0x01020304);
  g_assert_true(l.iv == pkt + 8);
  g_assert_true(l.ct == pkt + 24);
  g_assert_cmpuint(l.ct_len, ==, 32);
  g_assert_true(l.icv == pkt + 56);
  /* truncation sweep (each length in an exact-size heap copy, so ASan sees any read
   * past the end): only whole-block ciphertexts of at least one block are accepted */
  for (size_t n = 0; n < sizeof pkt; n++) {
    g_autofree uint8_t *copy = g_memdup2(pkt, n);
    EspStatus s = split(copy, n, 16, 12, 16, &l, &d);
    bool valid = n >= 8 + 16 + 16 + 12 && (n - 36) % 16 == 0;
    if (valid) {
      g_assert_cmpint(s, ==, ESP_OK);
      g_assert_cmpuint(l.ct_len, ==, n - 36);
      continue;
    }
    g_assert_true(s == ESP_ERR_TRUNCATED || s == ESP_ERR_MALFORMED);
    g_assert_cmpint(s, ==, n < 8 + 16 + 12 + 2 ? ESP_ERR_TRUNCATED : ESP_ERR_MALFORMED);
    g_assert_nonnull(d.field);
  }
  /* ciphertext not a whole number of blocks */
  g_assert_cmpint(split(pkt, sizeof pkt - 4, 16, 12, 16, &l, &d), ==,
                  ESP_ERR_MALFORMED);
  g_assert_cmpstr(d.field, ==, "ciphertext");
  /* GCM-like: block 1 still needs 4-octet alignment (RFC 4303 2.4) */
  g_assert_cmpint(split(pkt, 8 + 8 + 6 + 16, 8, 16, 1, &l, &d), ==,
                  ESP_ERR_MALFORMED);
  g_assert_cmpint(split(pkt, 8 + 8 + 8 + 16, 8, 16, 1, &l, &d), ==, ESP_OK);
}

static void test_status_names(void)
{
  for (int s = 0; s < ESP_ERR__COUNT; s++)
    g_assert_nonnull(name_get(&esp_status_names, s));
  g_assert_cmpstr(esp_status_name(ESP_ERR_PADDING), ==, "BAD_PADDING");
  char buf[NAME_BUFSZ];
  g_assert_cmpstr(name_fmt(&esp_status_names, 99, buf), ==, "<99>");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/esp/codec/header", test_header);
  g_test_add_func("/esp/codec/pad_len", test_pad_len);
  g_test_add_func("/esp/codec/trailer_roundtrip", test_trailer_roundtrip);
  g_test_add_func("/esp/codec/trailer_malformed", test_trailer_malformed);
  g_test_add_func("/esp/codec/layout_split", test_layout_split);
  g_test_add_func("/esp/codec/status_names", test_status_names);
  return g_test_run();
}
