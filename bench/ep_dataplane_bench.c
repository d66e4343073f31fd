/* SPDX-License-Identifier: MIT */
/* Inner packets per second through the whole tunnel-endpoint data plane (route lookup,
 * child SA selection, MTU check, ESP, outer IPv4 header; outer header check, SPI lookup,
 * decryption, selector check, delivery) from one data plane to another, next to the bare
 * ESP SA encapsulate + decapsulate of the same packets: 1400-octet inner packets with
 * AES-256-GCM-16, no caps. */
#include "models/common/inet.h"
#include "models/esp/esp_sa.h"
#include "models/endpoint/ep_dataplane.h"
#include "bench/bench_dp.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define INNER 1400
#define N 200000

static const uint8_t KEY[36] = "bench-key-bench-key-bench-key-bench";
static uint8_t outer[2048];
static size_t outer_len;
static uint64_t delivered;
static int64_t clk;

static int64_t b_now(void *u)
{
  return clk;
}

static void b_send(void *u, const EpOuterPacket *p)
{
  memcpy(outer, p->packet, p->len);
  outer_len = p->len;
}

static void b_deliver(void *u, const uint8_t *pkt, size_t len)
{
  delivered += len == INNER;
}

#define die(what) bench_die("ep_dataplane_bench", what)

int main(void)
{
  EpEnv env = {.now = b_now, .send_outer = b_send, .deliver_inner = b_deliver};
  Ipv4Addr a = ipv4_addr(203, 0, 113, 10), b = ipv4_addr(198, 51, 100, 20);
  EpDp *ga = bench_dp_side(a, b, "10.1.0.0/16", "192.168.0.0/16", &env);
  EpDp *gb = bench_dp_side(b, a, "192.168.0.0/16", "10.1.0.0/16", &env);
  EspSaConfig c = {.spi = 0x1234, .encr = ENCR_AES_GCM_16, .encr_key_bits = 256,
                   .encr_key = KEY, .encr_key_len = 36};
  EpChildSaPair p = {.out = c, .in = c};
  p.in.spi = 0x5678;
  EpChildSaPair q = {.out = p.in, .in = p.out};
  if (!ep_dp_sa_install(ga, 0, &p, NULL) || !ep_dp_sa_install(gb, 0, &q, NULL))
    die("SA");
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, ICMP_ECHO_REQUEST, ipv4_addr(10, 1, 0, 5),
                        ipv4_addr(192, 168, 1, 7), 1, 1, 1, NULL, INNER - 28);
  int64_t t0 = g_get_monotonic_time();
  for (int k = 0; k < N; k++) {
    clk += 1000;
    if (!ep_dp_tx_inner(ga, w.buf, w.len) || ep_dp_rx_outer(gb, outer, outer_len) != EP_RX_DELIVERED)
      die("data-plane round trip failed");
  }
  int64_t t1 = g_get_monotonic_time();
  if (delivered != N)
    die("lost packets");
  double dp_pps = N / ((t1 - t0) / 1e6);
  /* the same cryptography through bare SAs */
  c.dir = ESP_DIR_OUT;
  EspSa *o = esp_sa_new(&c, NULL);
  c.dir = ESP_DIR_IN;
  EspSa *i = esp_sa_new(&c, NULL);
  static uint8_t pkt[2048], back[2048];
  t0 = g_get_monotonic_time();
  for (int k = 0; k < N; k++) {
    size_t len, blen;
    if (esp_sa_encapsulate(o, w.buf, w.len, pkt, sizeof pkt, &len) != ESP_OK ||
        esp_sa_decapsulate(i, NULL, pkt, len, back, sizeof back, &blen, NULL, NULL) != ESP_OK)
      die("bare round trip failed");
  }
  t1 = g_get_monotonic_time();
  double sa_pps = N / ((t1 - t0) / 1e6);
  printf("BENCH ep_dataplane.gcm256_1400 %.0f pkt/s\n", dp_pps);
  printf("BENCH ep_dataplane.gcm256_1400_mbps %.0f Mbps\n", dp_pps * INNER * 8 / 1e6);
  printf("BENCH esp_sa.gcm256_1400 %.0f pkt/s\n", sa_pps);
  printf("BENCH ep_dataplane.gcm256_1400.ratio %.2f x\n", dp_pps / sa_pps);
  wire_writer_clear(&w);
  esp_sa_free(o);
  esp_sa_free(i);
  ep_dp_free(ga);
  ep_dp_free(gb);
  return 0;
}
