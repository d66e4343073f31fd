/* SPDX-License-Identifier: MIT */
/* Tests of the SA database: SPI lookup, the send and receive paths, lifetime
 * events with Azure's default and minimum lifetimes, sequence-overflow events, and the
 * esp_sa key table rows. */
#include "models/esp/esp_keytable.h"
#include "models/esp/esp_sad.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

typedef struct {
  GArray *events; /* EspEvent */
} Log;

static void on_event(void *user, const EspEvent *ev)
{
  Log *l = user;
  g_array_append_val(l->events, *ev);
}

static const uint8_t KEY[36] = "0123456789abcdef0123456789abcdefSALT";
static const uint8_t AKEY[32] = "integrity-key-integrity-key-0123";

static EspSa *mk(uint32_t spi, EspDirection dir, EspLifetime life)
{
  EspSaConfig cfg = {.spi = spi, .dir = dir, .encr = ENCR_AES_CBC, .encr_key_bits = 256,
                     .integ = AUTH_HMAC_SHA2_256_128, .encr_key = KEY, .encr_key_len = 32,
                     .integ_key = AKEY, .integ_key_len = 32,
                     .tunnel_src = ipv4_addr(203, 0, 113, 1),
                     .tunnel_dst = ipv4_addr(198, 51, 100, 7), .lifetime = life};
  EspSa *sa = esp_sa_new(&cfg, NULL);
  g_assert_nonnull(sa);
  return sa;
}

static size_t mk_inner(uint8_t *p, size_t n, Ipv4Addr src, Ipv4Addr dst)
{
  memset(p, 0, n);
  p[0] = 0x45;
  p[2] = (uint8_t)(n >> 8);
  p[3] = (uint8_t)n;
  p[8] = 64;
  p[9] = 17;
  wire_store_be32(p + 12, src.v);
  wire_store_be32(p + 16, dst.v);
  return n;
}

static void test_tx_rx_paths(void)
{
  EspSad *a = esp_sad_new(NULL, NULL); /* the gateway side */
  EspSad *b = esp_sad_new(NULL, NULL); /* the on-premises side */
  EspSa *o = mk(0x1003, ESP_DIR_OUT, (EspLifetime){0});
  EspSa *i = mk(0x1003, ESP_DIR_IN, (EspLifetime){0});
  g_assert_true(esp_sad_add_take(a, o, 0));
  g_assert_true(esp_sad_add_take(b, i, 0));
  uint8_t inner[200], pkt[400], back[400];
  /* the SAD checks no selectors: any inner addresses pass (the caller's SPD checks) */
  size_t n = mk_inner(inner, 100, ipv4_addr(1, 2, 3, 4), ipv4_addr(5, 6, 7, 8));
  size_t len;
  g_assert_cmpint(esp_sad_tx(a, 1, o, inner, n, pkt, sizeof pkt, &len), ==, ESP_OK);
  EspRx rx = esp_sad_rx(b, 1, pkt, len, back, sizeof back);
  g_assert_cmpint(rx.status, ==, ESP_OK);
  g_assert_true(rx.sa == i);
  g_assert_cmphex(rx.hdr.spi, ==, 0x1003);
  g_assert_cmpuint(rx.hdr.seq, ==, 1);
  g_assert_true(rx.inner == back);
  g_assert_cmpmem(rx.inner, rx.inner_len, inner, n);
  /* the inner header, decoded for the caller's selector check */
  g_assert_cmpuint(rx.ip.src.v, ==, ipv4_addr(1, 2, 3, 4).v);
  g_assert_cmpuint(rx.ip.dst.v, ==, ipv4_addr(5, 6, 7, 8).v);
  g_assert_cmpuint(rx.ip.proto, ==, 17);
  g_assert_cmpuint(rx.ip.total_len, ==, n);
  /* a replay is dropped by the SA the SPI found, and says which */
  rx = esp_sad_rx(b, 1, pkt, len, back, sizeof back);
  g_assert_cmpint(rx.status, ==, ESP_ERR_REPLAY);
  g_assert_true(rx.sa == i);
  g_assert_cmpuint(rx.hdr.seq, ==, 1);
  g_assert_null(rx.inner);
  g_assert_cmpstr(rx.diag.field, ==, "sequence number");
  /* a packet that is not IPv4 is refused before any sequence number is used */
  g_assert_cmpint(esp_sad_tx(a, 1, o, inner, n - 1, pkt, sizeof pkt, &len), ==, ESP_ERR_INNER);
  g_assert_cmpuint(esp_sa_seq(o), ==, 1);

  /* unknown SPI and runts: no SA, the caller counts them */
  wire_store_be32(pkt, 0xdead);
  rx = esp_sad_rx(b, 1, pkt, len, back, sizeof back);
  g_assert_cmpint(rx.status, ==, ESP_ERR_UNKNOWN_SPI);
  g_assert_null(rx.sa);
  g_assert_cmphex(rx.hdr.spi, ==, 0xdead);
  g_assert_cmpstr(rx.diag.field, ==, "SPI");
  g_assert_cmpuint(rx.diag.seen, ==, 0xdead);
  rx = esp_sad_rx(b, 1, pkt, 7, back, sizeof back);
  g_assert_cmpint(rx.status, ==, ESP_ERR_TRUNCATED);
  g_assert_cmpstr(rx.diag.field, ==, "sequence number");
  g_assert_cmphex(rx.hdr.spi, ==, 0); /* nothing half-decoded */
  wire_store_be32(pkt, 0);
  rx = esp_sad_rx(b, 1, pkt, len, back, sizeof back);
  g_assert_cmpint(rx.status, ==, ESP_ERR_MALFORMED);
  g_assert_cmpstr(rx.diag.field, ==, "SPI");
  g_assert_null(rx.sa);

  /* removing an SA: its SPI is unknown from then on */
  g_assert_true(esp_sad_remove(b, i));
  g_assert_false(esp_sad_remove(b, i));
  g_assert_null(esp_sad_get_in(b, 0x1003));
  esp_sad_free(a);
  esp_sad_free(b);
}

static void test_spi_lookup_and_duplicates(void)
{
  EspSad *s = esp_sad_new(NULL, NULL);
  g_assert_true(esp_sad_add_take(s, mk(0x2000, ESP_DIR_IN, (EspLifetime){0}), 0));
  g_assert_false(esp_sad_add_take(s, mk(0x2000, ESP_DIR_IN, (EspLifetime){0}), 0));
  /* outbound SPIs are the peer's choice and may repeat across peers */
  g_assert_true(esp_sad_add_take(s, mk(0x2000, ESP_DIR_OUT, (EspLifetime){0}), 0));
  g_assert_nonnull(esp_sad_get_in(s, 0x2000));
  g_assert_cmpuint(esp_sa_dir(esp_sad_get_in(s, 0x2000)), ==, ESP_DIR_IN);
  g_assert_null(esp_sad_get_in(s, 0x2001));
  esp_sad_free(s);
  esp_sad_free(NULL);
}

static unsigned count(Log *l, EspEventType t, unsigned life)
{
  unsigned c = 0;
  for (guint k = 0; k < l->events->len; k++) {
    EspEvent *e = &g_array_index(l->events, EspEvent, k);
    if (e->type == t && (life == 0 || e->life == life))
      c++;
  }
  return c;
}

static void test_lifetimes(void)
{
  Log log = {g_array_new(FALSE, FALSE, sizeof(EspEvent))};
  EspSad *s = esp_sad_new(on_event, &log);
  const int64_t sec = 1000000000;
  /* Azure defaults: 27,000 s and 102,400,000 KB (hard); soft at 90 % as IKE would set */
  EspLifetime azure = {.soft_seconds = 24300, .hard_seconds = 27000,
                       .soft_kbytes = 92160000, .hard_kbytes = 102400000};
  EspSa *o = mk(0x4001, ESP_DIR_OUT, azure);
  esp_sad_add_take(s, o, 100 * sec);
  esp_sad_tick(s, (100 + 24299) * sec);
  g_assert_cmpuint(log.events->len, ==, 0);
  esp_sad_tick(s, (100 + 24300) * sec);
  g_assert_cmpuint(count(&log, ESP_EV_SOFT_EXPIRE, ESP_LIFE_SOFT_TIME), ==, 1);
  esp_sad_tick(s, (100 + 24301) * sec);
  g_assert_cmpuint(log.events->len, ==, 1); /* once */
  esp_sad_tick(s, (100 + 27000) * sec);
  g_assert_cmpuint(count(&log, ESP_EV_HARD_EXPIRE, ESP_LIFE_HARD_TIME), ==, 1);
  EspEvent *ev = &g_array_index(log.events, EspEvent, 1);
  g_assert_cmpuint(ev->spi, ==, 0x4001);
  g_assert_cmpint(ev->dir, ==, ESP_DIR_OUT);
  /* a hard-expired SA carries nothing */
  uint8_t inner[1100], pkt[1300], back[1300];
  size_t n = mk_inner(inner, 1024, ipv4_addr(1, 1, 1, 1), ipv4_addr(2, 2, 2, 2)), len;
  g_assert_cmpint(esp_sad_tx(s, (100 + 27001) * sec, o, inner, n, pkt, sizeof pkt, &len), ==,
                  ESP_ERR_EXPIRED);

  /* Azure custom minimum: 1,024 KB hard (soft 1,000 KB), counted on inbound too */
  g_array_set_size(log.events, 0);
  EspLifetime minimum = {.soft_kbytes = 1000, .hard_kbytes = 1024, .hard_seconds = 300};
  EspSa *o2 = mk(0x4002, ESP_DIR_OUT, minimum);
  EspSa *i2 = mk(0x4002, ESP_DIR_IN, minimum);
  EspSad *peer = esp_sad_new(on_event, &log);
  esp_sad_add_take(s, o2, 0);
  esp_sad_add_take(peer, i2, 0);
  for (int k = 0; k < 1024; k++) {
    g_assert_cmpint(esp_sad_tx(s, sec, o2, inner, n, pkt, sizeof pkt, &len), ==, ESP_OK);
    g_assert_cmpint(esp_sad_rx(peer, sec, pkt, len, back, sizeof back).status, ==, ESP_OK);
    /* soft at exactly 1,000 KB of inner data, hard at 1,024 KB */
    unsigned soft = count(&log, ESP_EV_SOFT_EXPIRE, ESP_LIFE_SOFT_BYTES);
    unsigned hard = count(&log, ESP_EV_HARD_EXPIRE, ESP_LIFE_HARD_BYTES);
    g_assert_cmpuint(soft, ==, k + 1 >= 1000 ? 2 : 0);
    g_assert_cmpuint(hard, ==, k + 1 >= 1024 ? 2 : 0);
  }
  g_assert_cmpint(esp_sad_tx(s, sec, o2, inner, n, pkt, sizeof pkt, &len), ==, ESP_ERR_EXPIRED);
  esp_sad_free(peer);
  esp_sad_free(s);
  g_array_unref(log.events);
}

static void test_seq_overflow_event(void)
{
  Log log = {g_array_new(FALSE, FALSE, sizeof(EspEvent))};
  EspSad *s = esp_sad_new(on_event, &log);
  EspSa *o = mk(0x5001, ESP_DIR_OUT, (EspLifetime){0});
  esp_sad_add_take(s, o, 0);
  esp_sa_set_seq(o, UINT32_MAX);
  uint8_t inner[100], pkt[300];
  size_t n = mk_inner(inner, 60, ipv4_addr(1, 1, 1, 1), ipv4_addr(2, 2, 2, 2)), len;
  for (int k = 0; k < 3; k++)
    g_assert_cmpint(esp_sad_tx(s, 0, o, inner, n, pkt, sizeof pkt, &len), ==,
                    ESP_ERR_SEQ_OVERFLOW);
  g_assert_cmpuint(count(&log, ESP_EV_SEQ_OVERFLOW, 0), ==, 1);
  esp_sad_free(s);
  g_array_unref(log.events);
}

static void test_keytable_rows(void)
{
  EspSa *cbc = mk(0x00c0ffee, ESP_DIR_OUT, (EspLifetime){0});
  g_autofree char *row = esp_keytable_row(cbc);
  g_assert_cmpstr(row, ==,
                  "\"IPv4\",\"203.0.113.1\",\"198.51.100.7\",\"0x00c0ffee\",\"AES-CBC [RFC3602]\","
                  "\"0x3031323334353637383961626364656630313233343536373839616263646566\","
                  "\"HMAC-SHA-256-128 [RFC4868]\","
                  "\"0x696e746567726974792d6b65792d696e746567726974792d6b65792d30313233\"");
  EspSaConfig gcm = {.spi = 0x10, .dir = ESP_DIR_IN, .encr = ENCR_AES_GCM_16,
                     .encr_key_bits = 256, .integ = AUTH_NONE, .encr_key = KEY,
                     .encr_key_len = 36, .tunnel_src = ipv4_addr(10, 0, 0, 1),
                     .tunnel_dst = ipv4_addr(10, 0, 0, 2)};
  EspSa *g = esp_sa_new(&gcm, NULL);
  g_autofree char *grow = esp_keytable_row(g);
  /* GCM: key followed by the 4-octet salt; no integrity key */
  g_assert_cmpstr(grow, ==,
                  "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x00000010\","
                  "\"AES-GCM with 16 octet ICV [RFC4106]\","
                  "\"0x303132333435363738396162636465663031323334353637383961626364656653414c54\","
                  "\"NULL\",\"\"");
  esp_sa_free(g);
  esp_sa_free(cbc);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/esp/sad/tx_rx_paths", test_tx_rx_paths);
  g_test_add_func("/esp/sad/spi_lookup", test_spi_lookup_and_duplicates);
  g_test_add_func("/esp/sad/lifetimes", test_lifetimes);
  g_test_add_func("/esp/sad/seq_overflow_event", test_seq_overflow_event);
  g_test_add_func("/esp/sad/keytable_rows", test_keytable_rows);
  return g_test_run();
}
