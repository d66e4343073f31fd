/* SPDX-License-Identifier: MIT */
/* The byte-level impairments on real IKE messages: header reading and matching, corrupt
 * (ICV, IKEv1 first block, a clear payload length), wrong SPI and message ID, a payload
 * omitted with the chain and length still right (the IKEv2 codec decodes the result), and
 * the IKE_SA_INIT notify answer the codec reads back. */
#include "models/endpoint/ep_impair.h"

#include "models/common/wire.h"
#include "models/ike/ikev2_codec.h"

#include <glib.h>
#include <string.h>

/* IKE_SA_INIT request: NONCE (16 octets), N(NAT_DETECTION_SOURCE_IP, 20 octets), V. */
static size_t init_request(uint8_t *b)
{
  memset(b, 0, 128);
  wire_store_be64(b, 0x1122334455667788ull);
  b[16] = IKEV2_PL_NONCE;
  b[17] = 0x20;
  b[18] = IKEV2_IKE_SA_INIT;
  b[19] = 0x08; /* I */
  size_t at = 28;
  b[at] = IKEV2_PL_NOTIFY;
  wire_store_be16(b + at + 2, 20);
  memset(b + at + 4, 0xab, 16);
  at += 20;
  b[at] = IKEV2_PL_VENDOR;
  wire_store_be16(b + at + 2, 28);
  wire_store_be16(b + at + 6, IKEV2_N_NAT_DETECTION_SOURCE_IP);
  memset(b + at + 8, 0xcd, 20);
  at += 28;
  b[at] = 0;
  wire_store_be16(b + at + 2, 8);
  memcpy(b + at + 4, "vsim", 4);
  at += 8;
  wire_store_be32(b + 24, (uint32_t)at);
  return at;
}

static void test_header_match(void)
{
  uint8_t b[128];
  size_t n = init_request(b);
  EpImpairHdr h;
  g_assert_true(ep_impair_header(b, n, &h));
  g_assert_false(h.v1);
  g_assert_false(h.response);
  g_assert_cmpuint(h.exchange, ==, IKEV2_IKE_SA_INIT);
  g_assert_false(ep_impair_header(b, 27, &h));
  EpImpair x = {.kind = EP_IMPAIR_DROP, .exchange = IKEV2_IKE_SA_INIT};
  g_assert_true(ep_impair_matches(&x, &h));
  x.which = EP_IMPAIR_RESPONSES;
  g_assert_false(ep_impair_matches(&x, &h));
  x.which = EP_IMPAIR_REQUESTS;
  g_assert_true(ep_impair_matches(&x, &h));
  x.exchange = IKEV2_IKE_AUTH;
  g_assert_false(ep_impair_matches(&x, &h));
  x.exchange = EP_IMPAIR_ANY_EXCHANGE;
  g_assert_true(ep_impair_matches(&x, &h));
  b[17] = 0x10; /* IKEv1: no R flag, the kind does not apply */
  g_assert_true(ep_impair_header(b, n, &h));
  g_assert_true(h.v1);
  x.which = EP_IMPAIR_RESPONSES;
  g_assert_true(ep_impair_matches(&x, &h));
  b[17] = 0x30;
  g_assert_false(ep_impair_header(b, n, &h));
}

static void test_omit(void)
{
  uint8_t b[128], o[128];
  size_t n = init_request(b), on = 0;
  g_autoptr(Ikev2Message) m = NULL;
  Ikev2Diag d;
  g_assert_cmpint(ikev2_message_decode(b, n, &m, &d), ==, WIRE_OK);
  g_assert_cmpuint(m->n_payloads, ==, 3);
  /* a notify of another type: nothing to omit */
  g_assert_false(ep_impair_omit(b, n, IKEV2_PL_NOTIFY, IKEV2_N_COOKIE, o, &on));
  g_assert_true(ep_impair_omit(b, n, IKEV2_PL_NOTIFY, IKEV2_N_NAT_DETECTION_SOURCE_IP, o, &on));
  g_assert_cmpuint(on, ==, n - 28);
  g_autoptr(Ikev2Message) m2 = NULL;
  g_assert_cmpint(ikev2_message_decode(o, on, &m2, &d), ==, WIRE_OK);
  g_assert_cmpuint(m2->n_payloads, ==, 2);
  g_assert_cmpuint(m2->payloads[0].type, ==, IKEV2_PL_NONCE);
  g_assert_cmpuint(m2->payloads[1].type, ==, IKEV2_PL_VENDOR);
  /* the first payload: the header's next payload moves on */
  g_assert_true(ep_impair_omit(b, n, IKEV2_PL_NONCE, 0, o, &on));
  g_assert_cmpuint(o[16], ==, IKEV2_PL_NOTIFY);
  g_autoptr(Ikev2Message) m3 = NULL;
  g_assert_cmpint(ikev2_message_decode(o, on, &m3, &d), ==, WIRE_OK);
  g_assert_cmpuint(m3->n_payloads, ==, 2);
  /* the last one */
  g_assert_true(ep_impair_omit(b, n, IKEV2_PL_VENDOR, 0, o, &on));
  g_autoptr(Ikev2Message) m4 = NULL;
  g_assert_cmpint(ikev2_message_decode(o, on, &m4, &d), ==, WIRE_OK);
  g_assert_cmpuint(m4->n_payloads, ==, 2);
  /* an encrypted message has nothing in clear to omit; a bad chain is left alone */
  b[16] = IKEV2_PL_SK;
  g_assert_false(ep_impair_omit(b, n, IKEV2_PL_SK, 0, o, &on));
  b[16] = IKEV2_PL_NONCE;
  wire_store_be16(b + 30, 200);
  g_assert_false(ep_impair_omit(b, n, IKEV2_PL_VENDOR, 0, o, &on));
}

static void test_corrupt_spi_msgid(void)
{
  uint8_t b[128], c[128];
  size_t n = init_request(b);
  Ikev2Diag d;
  /* in clear: the first payload's length made 1, which the codec refuses */
  memcpy(c, b, n);
  g_assert_true(ep_impair_corrupt(c, n));
  g_autoptr(Ikev2Message) m = NULL;
  g_assert_cmpint(ikev2_message_decode(c, n, &m, &d), !=, WIRE_OK);
  /* SK: the last octet (the ICV) */
  memcpy(c, b, n);
  c[16] = IKEV2_PL_SK;
  uint8_t last = c[n - 1];
  g_assert_true(ep_impair_corrupt(c, n));
  g_assert_cmpuint(c[n - 1], ==, last ^ 1);
  g_assert_cmpint(memcmp(c + 17, b + 17, n - 18), ==, 0); /* the rest unchanged */
  /* IKEv1 encrypted: the first cipher octet */
  memcpy(c, b, n);
  c[17] = 0x10;
  c[19] = 0x01;
  uint8_t first = c[28];
  g_assert_true(ep_impair_corrupt(c, n));
  g_assert_cmpuint(c[28], ==, first ^ 1);
  /* wrong SPI: an IKE_SA_INIT request has no responder SPI yet, the initiator's changes */
  memcpy(c, b, n);
  g_assert_true(ep_impair_wrong_spi(c, n));
  g_assert_cmpuint(wire_load_be64(c), !=, wire_load_be64(b));
  g_assert_cmpuint(wire_load_be64(c + 8), ==, 0);
  /* with one, the initiator changes the responder's */
  wire_store_be64(b + 8, 0x99);
  memcpy(c, b, n);
  g_assert_true(ep_impair_wrong_spi(c, n));
  g_assert_cmpuint(wire_load_be64(c), ==, wire_load_be64(b));
  g_assert_cmpuint(wire_load_be64(c + 8), !=, 0x99);
  memcpy(c, b, n);
  g_assert_true(ep_impair_wrong_msg_id(c, n));
  g_assert_cmpuint(wire_load_be32(c + 20), ==, 0x40000000u);
}

static void test_notify_response(void)
{
  uint8_t b[128], o[36];
  size_t n = init_request(b);
  EpImpairHdr h;
  g_assert_true(ep_impair_header(b, n, &h));
  g_assert_cmpuint(ep_impair_notify_response(&h, IKEV2_N_NO_PROPOSAL_CHOSEN, o), ==, 36);
  g_autoptr(Ikev2Message) m = NULL;
  Ikev2Diag d;
  g_assert_cmpint(ikev2_message_decode(o, sizeof o, &m, &d), ==, WIRE_OK);
  g_assert_cmpuint(m->hdr.spi_i, ==, 0x1122334455667788ull);
  g_assert_cmpuint(m->hdr.spi_r, ==, 0);
  g_assert_true(m->hdr.flags & IKEV2_FLAG_RESPONSE);
  g_assert_cmpuint(m->hdr.exchange, ==, IKEV2_IKE_SA_INIT);
  g_assert_cmpuint(m->n_payloads, ==, 1);
  g_assert_nonnull(ikev2_message_find_notify(m, IKEV2_N_NO_PROPOSAL_CHOSEN));
}

static void test_names(void)
{
  int64_t v;
  g_assert_true(name_parse(&ep_impair_kind_names, "espBadIcv", &v));
  g_assert_cmpint(v, ==, EP_IMPAIR_ESP_BAD_ICV);
  for (int k = 0; k < EP_IMPAIR__COUNT; k++)
    g_assert_nonnull(name_get(&ep_impair_kind_names, k));
  g_assert_true(name_parse(&ep_impair_exchange_names, "QUICK_MODE", &v));
  g_assert_cmpint(v, ==, 32);
  EpImpairSet s = {.v = {{.kind = EP_IMPAIR_NO_REKEY}}, .n = 1};
  g_assert_true(ep_impair_set_has(&s, EP_IMPAIR_NO_REKEY));
  g_assert_false(ep_impair_set_has(&s, EP_IMPAIR_DROP));
  g_assert_false(ep_impair_set_has(NULL, EP_IMPAIR_DROP));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/impair/header-match", test_header_match);
  g_test_add_func("/impair/omit", test_omit);
  g_test_add_func("/impair/corrupt-spi-msgid", test_corrupt_spi_msgid);
  g_test_add_func("/impair/notify-response", test_notify_response);
  g_test_add_func("/impair/names", test_names);
  return g_test_run();
}
