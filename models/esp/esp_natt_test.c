/* SPDX-License-Identifier: MIT */
/* Tests of RFC 3948 UDP encapsulation: building ESP datagrams, decoding ESP, IKE and
 * keepalive datagrams, classifying payloads on port 4500, malformed datagrams and a
 * truncation sweep. (IKE on port 4500 writes its own marker and keepalive octet: a UDP
 * socket adds the header.) */
#include "models/esp/esp_natt.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

static void test_keepalive(void)
{
  /* RFC 3948 2.3: UDP header (length 9, checksum 0) and one octet 0xFF */
  g_autoptr(GBytes) ka = tu_hex("1194 1194 0009 0000 ff");
  size_t n;
  const uint8_t *p = g_bytes_get_data(ka, &n);
  EspNattDatagram d;
  g_assert_cmpint(esp_natt_decode(p, n, &d, NULL), ==, ESP_OK);
  g_assert_cmpint(d.kind, ==, ESP_NATT_KEEPALIVE_PKT);
  g_assert_cmpuint(d.sport, ==, 4500);
  g_assert_cmpstr(name_get(&esp_natt_kind_names, d.kind), ==, "NAT-keepalive");
}

static void test_esp_and_ike(void)
{
  uint8_t esp[40];
  for (size_t k = 0; k < sizeof esp; k++)
    esp[k] = (uint8_t)(k + 0x10);
  WireWriter w;
  wire_writer_init(&w);
  esp_natt_encode_esp(&w, 4500, 4500, sizeof esp);
  wire_put_bytes(&w, esp, sizeof esp);
  tu_assert_hex(wire_writer_data(&w), 8, "1194 1194 0030 0000");
  EspNattDatagram d;
  g_assert_cmpint(esp_natt_decode(wire_writer_data(&w), wire_writer_len(&w), &d, NULL), ==,
                  ESP_OK);
  g_assert_cmpint(d.kind, ==, ESP_NATT_ESP);
  g_assert_cmpmem(d.payload, d.payload_len, esp, sizeof esp);
  wire_writer_clear(&w);

  /* RFC 3948 2.2: UDP header (length 40), the non-ESP marker, then the IKE message */
  uint8_t ike[28];
  memset(ike, 0x77, sizeof ike);
  wire_writer_init(&w);
  wire_put_u16(&w, 4500);
  wire_put_u16(&w, 4500);
  wire_put_u16(&w, 8 + ESP_NATT_MARKER_LEN + sizeof ike);
  wire_put_u16(&w, 0);
  wire_put_u32(&w, 0);
  wire_put_bytes(&w, ike, sizeof ike);
  g_assert_cmpint(esp_natt_decode(wire_writer_data(&w), wire_writer_len(&w), &d, NULL), ==,
                  ESP_OK);
  g_assert_cmpint(d.kind, ==, ESP_NATT_IKE);
  g_assert_cmpmem(d.payload, d.payload_len, ike, sizeof ike); /* marker stripped */
  /* truncation sweep over the IKE datagram: every shorter buffer is refused */
  for (size_t n = 0; n < wire_writer_len(&w); n++) {
    g_autofree uint8_t *copy = g_memdup2(wire_writer_data(&w), n);
    WireDiag diag = {0};
    g_assert_cmpint(esp_natt_decode(copy, n, &d, &diag), !=, ESP_OK);
    g_assert_nonnull(diag.field);
  }
  wire_writer_clear(&w);
}

/* Payloads after the UDP header: kind or status and field. */
static void test_classify_table(void)
{
  static const struct {
    const char *hex;
    EspStatus want;
    EspNattKind kind;
    const char *field;
  } cases[] = {
      {"ff", ESP_OK, ESP_NATT_KEEPALIVE_PKT, NULL},
      {"fe", ESP_ERR_TRUNCATED, 0, "non-ESP marker or SPI"},
      {"ffff", ESP_ERR_TRUNCATED, 0, "non-ESP marker or SPI"},
      {"", ESP_ERR_TRUNCATED, 0, "non-ESP marker or SPI"},
      {"000000", ESP_ERR_TRUNCATED, 0, "non-ESP marker or SPI"},
      {"00000000", ESP_ERR_TRUNCATED, 0, "IKE header"},
      {"00000000 0102", ESP_ERR_TRUNCATED, 0, "IKE header"},
      {"00001234 000000", ESP_ERR_TRUNCATED, 0, "sequence number"},
      {"00001234 00000001", ESP_OK, ESP_NATT_ESP, NULL},
      {"ff000000 00000001", ESP_OK, ESP_NATT_ESP, NULL},
      {"00000000 0000000000000000 0000000000000000 2120220800000000 0000001c", ESP_OK,
       ESP_NATT_IKE, NULL},
  };
  for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
    g_autoptr(GBytes) b = tu_hex(cases[k].hex);
    size_t n;
    const uint8_t *p = g_bytes_get_data(b, &n);
    EspNattKind kind = 0;
    WireDiag d = {0};
    EspStatus s = esp_natt_classify(p ? p : (const uint8_t *)"", n, &kind, &d);
    g_test_message("case %zu: %s %s", k, esp_status_name(s), d.field ? d.field : "");
    g_assert_cmpint(s, ==, cases[k].want);
    if (s == ESP_OK)
      g_assert_cmpint(kind, ==, cases[k].kind);
    else
      g_assert_cmpstr(d.field, ==, cases[k].field);
  }
}

static void test_bad_udp_length(void)
{
  g_autoptr(GBytes) b = tu_hex("1194 1194 0010 0000 00001234 00000001");
  size_t n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  EspNattDatagram d;
  WireDiag diag;
  g_assert_cmpint(esp_natt_decode(p, n, &d, &diag), ==, ESP_OK);
  g_autoptr(GBytes) longer = tu_hex("1194 1194 0011 0000 00001234 00000001");
  p = g_bytes_get_data(longer, &n);
  g_assert_cmpint(esp_natt_decode(p, n, &d, &diag), ==, ESP_ERR_TRUNCATED);
  g_assert_cmpstr(diag.field, ==, "length");
  g_autoptr(GBytes) shorter = tu_hex("1194 1194 000f 0000 00001234 00000001");
  p = g_bytes_get_data(shorter, &n);
  g_assert_cmpint(esp_natt_decode(p, n, &d, &diag), ==, ESP_ERR_MALFORMED);
  g_assert_cmpstr(diag.field, ==, "length");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/esp/natt/keepalive", test_keepalive);
  g_test_add_func("/esp/natt/esp_and_ike", test_esp_and_ike);
  g_test_add_func("/esp/natt/classify_table", test_classify_table);
  g_test_add_func("/esp/natt/bad_udp_length", test_bad_udp_length);
  return g_test_run();
}
