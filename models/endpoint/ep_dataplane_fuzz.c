/* SPDX-License-Identifier: MIT */
/* libFuzzer target on the tunnel-endpoint data plane: peer bytes as a whole outer IPv4
 * packet, as a UDP 4500 payload or as a raw ESP payload, and inside bytes as an inner
 * packet, into a gateway-like data plane with a route-based and a policy-based tunnel
 * whose inbound SAs are confidentiality-only CBC (random ciphertext decrypts, so the
 * inner packet, traffic-selector, route and MTU checks are reached). No input may crash,
 * assert or read out of bounds. */
#include "models/endpoint/ep_dataplane.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EpDp *dp;
static int64_t clock_ns;

static int64_t f_now(void *u)
{
  return clock_ns;
}

static void f_send(void *u, const EpOuterPacket *p)
{
  if (p->esp + p->esp_len != p->packet + p->len)
    __builtin_trap();
}

static void f_deliver(void *u, const uint8_t *pkt, size_t len)
{
}

static const EpDpEventTypes types = {.drop = "fuzz.drop"};

static void tunnel(const char *name, uint8_t last, bool pb, uint32_t in_spi)
{
  EpDpTunnelConfig t = {.name = name, .remote_public = ipv4_addr(198, 51, 100, last),
                        .n_remote_prefixes = 1, .policy_based = pb};
  t.remote_prefixes[0] = ipv4_prefix_make(ipv4_addr(192, 168, last, 0), 24);
  if (pb) {
    t.n_selectors = 1;
    t.selectors[0] = (EpSelector){ipv4_range_from_prefix(ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16)),
                                  ipv4_range_from_prefix(t.remote_prefixes[0])};
  }
  int i = ep_dp_tunnel_add(dp, &t);
  static const uint8_t key[32] = "fuzz-key-fuzz-key-fuzz-key-fuzz";
  EspSaConfig c = {.encr = ENCR_AES_CBC, .encr_key_bits = 128, .integ = AUTH_NONE,
                   .encr_key = key, .encr_key_len = 16};
  EpChildSaPair p = {.out = c, .in = c, .udp_encap = pb, .sport = 4500, .dport = 4500};
  p.out.spi = in_spi + 0x1000;
  p.in.spi = in_spi;
  if (!ep_dp_sa_install(dp, i, &p, NULL))
    __builtin_trap();
}

static void setup(void)
{
  EpDpConfig c = {.node = "fuzz", .public_ip = ipv4_addr(203, 0, 113, 10),
                  .inside_ip = ipv4_addr(10, 1, 255, 30), .n_local_prefixes = 1,
                  .path_mtu = 600, .mss_clamp = 1350, .aggregate_bps = 1000000000,
                  .events = &types};
  c.local_prefixes[0] = ipv4_prefix_make(ipv4_addr(10, 1, 0, 0), 16);
  static EpEnv env = {.now = f_now, .send_outer = f_send, .deliver_inner = f_deliver};
  dp = ep_dp_new(&c, &env);
  tunnel("rb", 20, false, 0x100);
  tunnel("pb", 30, true, 0x101);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!dp)
    setup();
  if (size < 1)
    return 0;
  clock_ns += 1000;
  const uint8_t *p = data + 1;
  size_t n = size - 1;
  switch (data[0] & 3) {
  case 0:
    ep_dp_rx_outer(dp, p, n);
    break;
  case 1:
    ep_dp_rx_udp4500(dp, ipv4_addr(198, 51, 100, 30), 4500, p, n);
    break;
  case 2:
    ep_dp_rx_esp(dp, ipv4_addr(198, 51, 100, 20), ipv4_addr(203, 0, 113, 10), p, n);
    break;
  default:
    ep_dp_tx_inner(dp, p, n);
    break;
  }
  return 0;
}
