/* SPDX-License-Identifier: MIT */
/* Packets per second through the gateway's NAT rules (issue 18): echo request and reply
 * round trips between a gateway data plane and a device data plane (AES-256-GCM-16, no
 * caps), small packets so that the translation's share shows: the plain data path (no
 * rule), a Static EgressSnat rule (stateless, both packets rewritten) and a Dynamic one
 * (NAPT: a mapping looked up per packet), each as a ratio of the plain path. The rules go
 * through the gateway's own binding (models/gateway/gw_nat.h) on the data plane's edge
 * hook, as in a run. */
#include "models/common/inet.h"
#include "models/endpoint/ep_dataplane.h"
#include "bench/bench_dp.h"
#include "models/gateway/gw_nat.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define PAYLOAD 36 /* 64-octet inner packets */
#define N 40000

static const uint8_t KEY[36] = "bench-key-bench-key-bench-key-bench";
static uint8_t outer[2048], inner[2048];
static size_t outer_len, inner_len;
static uint64_t delivered;
static int64_t clk;

static int64_t b_now(void *u)
{
  (void)u;
  return clk;
}

static void b_send(void *u, const EpOuterPacket *p)
{
  (void)u;
  memcpy(outer, p->packet, p->len);
  outer_len = p->len;
}

static void b_deliver(void *u, const uint8_t *pkt, size_t len)
{
  (void)u;
  memcpy(inner, pkt, len);
  inner_len = len;
  delivered++;
}

#define die(what) bench_die("nat_bench", what)

/* One run: N echo round trips from the VNet host 10.1.0.5 to 192.168.1.7; the device
 * answers whatever arrived (its source is the translated one). kind: -1 plain, else the
 * GwNatType of one EgressSnat rule. Returns packets per second (two per round trip). */
static double run(int kind, const char *vnet_seen)
{
  EpEnv env = {.now = b_now, .send_outer = b_send, .deliver_inner = b_deliver};
  Ipv4Addr a = ipv4_addr(203, 0, 113, 10), b = ipv4_addr(198, 51, 100, 20);
  EpDp *ga = bench_dp_side(a, b, "10.1.0.0/16", "192.168.0.0/16", &env);
  EpDp *gb = bench_dp_side(b, a, "192.168.0.0/16", vnet_seen, &env);
  GwVirtualNetworkGateway g = {.name = {.set = true, .v = "vgw1"}};
  GwConnection conn = {.name = {.set = true, .v = "t"}};
  GwNat *nat = NULL;
  if (kind >= 0) {
    GwNatRule *r = &g.natRules[g.n_natRules++];
    r->name = (GwStr){.set = true, .v = "egress1"};
    r->type = (GwEnum){.set = true, .v = kind};
    r->mode = (GwEnum){.set = true, .v = GW_NAT_EGRESS_SNAT};
    ipv4_prefix_parse(kind == GW_NAT_STATIC ? "10.1.0.0/16" : "10.1.0.0/26",
                      &r->internalMappings[r->n_internalMappings++].v);
    ipv4_prefix_parse(vnet_seen, &r->externalMappings[r->n_externalMappings++].v);
    conn.egressNatRules[conn.n_egressNatRules++] = r->name;
    nat = gw_nat_new(&g, 0, &env, "bench", 0);
    gw_nat_attach(nat, ga, 0, &conn);
  }
  EspSaConfig c = {.spi = 0x1234, .encr = ENCR_AES_GCM_16, .encr_key_bits = 256,
                   .encr_key = KEY, .encr_key_len = 36};
  EpChildSaPair p = {.out = c, .in = c};
  p.in.spi = 0x5678;
  EpChildSaPair q = {.out = p.in, .in = p.out};
  if (!ep_dp_sa_install(ga, 0, &p, NULL) || !ep_dp_sa_install(gb, 0, &q, NULL))
    die("SA");
  static uint8_t pad[PAYLOAD];
  static uint8_t rbuf[256];
  WireWriter w, rw;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, ICMP_ECHO_REQUEST, ipv4_addr(10, 1, 0, 5), ipv4_addr(192, 168, 1, 7),
                        1, 7, 1, pad, sizeof pad);
  delivered = 0;
  double t0 = g_get_monotonic_time() / 1e6;
  for (int k = 0; k < N; k++) {
    clk += 1000;
    if (!ep_dp_tx_inner(ga, w.buf, w.len) || ep_dp_rx_outer(gb, outer, outer_len) != EP_RX_DELIVERED)
      die("request lost");
    /* the reply to what the device got: its source (the VNet host as translated) and
     * identifier (the NAPT's port) */
    InetIpv4Header h;
    WireReader r = wire_reader(inner, inner_len);
    if (inet_ipv4_decode(&r, &h) != WIRE_OK || inner_len < 28)
      die("request malformed");
    uint16_t ident = (uint16_t)(inner[24] << 8 | inner[25]);
    wire_writer_init_fixed(&rw, rbuf, sizeof rbuf);
    inet_icmp_echo_packet(&rw, ICMP_ECHO_REPLY, h.dst, h.src, 2, ident, 1, pad, sizeof pad);
    if (!ep_dp_tx_inner(gb, rw.buf, rw.len) || ep_dp_rx_outer(ga, outer, outer_len) != EP_RX_DELIVERED)
      die("reply lost");
    if (inner[16] != 10 || inner[17] != 1 || inner[19] != 5 || inner[24] != 0 || inner[25] != 7)
      die("reply not translated back to 10.1.0.5 ident 7");
  }
  double t1 = g_get_monotonic_time() / 1e6;
  if (delivered != 2ull * N)
    die("lost packets");
  if (nat) {
    const NatCounters *nc = gw_nat_rule_counters(nat, 0);
    if (nc->translated_out != N || nc->translated_in != N)
      die("not every packet was translated");
  }
  wire_writer_clear(&w);
  gw_nat_free(nat);
  ep_dp_free(ga);
  ep_dp_free(gb);
  return 2.0 * N / (t1 - t0);
}

int main(void)
{
  /* interleaved, the median of five runs each (a shared machine's noise) */
  double pv[5], sv[5], dv[5];
  for (int i = 0; i < 5; i++) {
    pv[i] = run(-1, "10.1.0.0/16");
    sv[i] = run(GW_NAT_STATIC, "100.64.0.0/16");
    dv[i] = run(GW_NAT_DYNAMIC, "100.64.0.0/26");
  }
  double plain = bench_median(pv, 5), st = bench_median(sv, 5), dy = bench_median(dv, 5);
  printf("BENCH nat.plain_64 %.0f pkt/s\n", plain);
  printf("BENCH nat.static_64 %.0f pkt/s\n", st);
  printf("BENCH nat.dynamic_64 %.0f pkt/s\n", dy);
  printf("BENCH nat.static_64.ratio %.2f x\n", st / plain);
  printf("BENCH nat.dynamic_64.ratio %.2f x\n", dy / plain);
  return 0;
}
