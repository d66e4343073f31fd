/* SPDX-License-Identifier: MIT */
/* Tests of the on-premises device's data plane on its own: configuration refusals,
 * policy-based selectors derived from LAN x remote prefixes, several tunnels chosen by
 * route, two devices back to back over a fake wire with hand-installed SA pairs. */
#include "models/common/inet.h"
#include "models/device/dev_runtime.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

typedef struct {
  int64_t now;
  GPtrArray *wire, *inside;
} Side;

static int64_t s_now(void *u)
{
  return ((Side *)u)->now;
}

static void s_send(void *u, const EpOuterPacket *p)
{
  g_ptr_array_add(((Side *)u)->wire, g_bytes_new(p->packet, p->len));
}

static void s_deliver(void *u, const uint8_t *pkt, size_t len)
{
  g_ptr_array_add(((Side *)u)->inside, g_bytes_new(pkt, len));
}

static EpEnv side_env(Side *s)
{
  s->wire = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  s->inside = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  return (EpEnv){.user = s, .now = s_now, .send_outer = s_send, .deliver_inner = s_deliver};
}

static void side_clear(Side *s)
{
  g_ptr_array_unref(s->wire);
  g_ptr_array_unref(s->inside);
}

static GBytes *inner(const char *src, const char *dst, size_t len)
{
  WireWriter w;
  wire_writer_init(&w);
  inet_icmp_echo_packet(&w, ICMP_ECHO_REQUEST, tu_addr(src), tu_addr(dst), 1, 1, 1, NULL, len - 28);
  size_t n;
  uint8_t *b = wire_writer_steal(&w, &n);
  return g_bytes_new_take(b, n);
}

static bool tx(EpDp *dp, GBytes *b)
{
  size_t n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  return ep_dp_tx_inner(dp, p, n);
}

static unsigned carry(Side *from, EpDp *to)
{
  unsigned ok = 0;
  for (guint i = 0; i < from->wire->len; i++) {
    size_t n;
    const uint8_t *p = g_bytes_get_data(g_ptr_array_index(from->wire, i), &n);
    ok += ep_dp_rx_outer(to, p, n) == EP_RX_DELIVERED;
  }
  g_ptr_array_set_size(from->wire, 0);
  return ok;
}

/* RFC 4106 AES-GCM-16 with a 256-bit key and salt from a fixed DRBG stream. */
static void install(EpDp *a, int ta, EpDp *b, int tb, uint32_t spi_a, uint32_t spi_b, Drbg *d)
{
  uint8_t k1[36], k2[36];
  drbg_bytes(d, k1, sizeof k1);
  drbg_bytes(d, k2, sizeof k2);
  EspSaConfig ab = {.encr = ENCR_AES_GCM_16, .encr_key_bits = 256, .encr_key = k1,
                    .encr_key_len = 36, .spi = spi_b};
  EspSaConfig ba = ab;
  ba.encr_key = k2;
  ba.spi = spi_a;
  EpChildSaPair pa = {.out = ab, .in = ba}, pb = {.out = ba, .in = ab};
  const char *why = NULL;
  g_assert_true(ep_dp_sa_install(a, ta, &pa, &why));
  g_assert_true(ep_dp_sa_install(b, tb, &pb, &why));
}

static void test_refusals(void)
{
  Side s = {0};
  EpEnv env = side_env(&s);
  DevRuntimeConfig c = {.name = "d"};
  char *err = NULL;
  g_assert_null(dev_runtime_new(&c, &env, &err)); /* no LAN */
  g_assert_nonnull(strstr(err, "LAN"));
  g_clear_pointer(&err, g_free);
  c.n_lan = 1;
  c.lan[0] = tu_prefix("192.168.0.0/16");
  c.n_tunnels = DEV_MAX_TUNNELS + 1;
  g_assert_null(dev_runtime_new(&c, &env, &err));
  g_clear_pointer(&err, g_free);
  /* policy-based: 9 x 8 derived pairs exceed EP_DP_MAX_SELECTORS (64) */
  c.n_tunnels = 1;
  c.n_lan = 9;
  for (unsigned i = 0; i < 9; i++)
    c.lan[i] = ipv4_prefix_make(ipv4_addr(192, 168, (uint8_t)i, 0), 24);
  c.tunnels[0].policy_based = true;
  c.tunnels[0].n_remote_prefixes = 8;
  for (unsigned i = 0; i < 8; i++)
    c.tunnels[0].remote_prefixes[i] = ipv4_prefix_make(ipv4_addr(10, (uint8_t)i, 0, 0), 16);
  g_assert_null(dev_runtime_new(&c, &env, &err));
  g_assert_nonnull(strstr(err, "selectors"));
  g_clear_pointer(&err, g_free);
  c.n_lan = 8; /* 64 fit */
  DevRuntime *d = dev_runtime_new(&c, &env, &err);
  g_assert_nonnull(d);
  dev_runtime_free(d);
  dev_runtime_free(NULL);
  side_clear(&s);
}

/* Two devices back to back: "left" (LAN 192.168.1.0/24 and 192.168.2.0/24, policy-based,
 * selectors derived) and "right" (LAN 10.9.0.0/16, two tunnels: to left and to a third
 * site, route-based). */
static void test_back_to_back(void)
{
  Drbg *drbg = drbg_new_stream(7, "dev_runtime_test/keys");
  Side ls = {0}, rs = {0};
  EpEnv le = side_env(&ls), re = side_env(&rs);
  le.drbg = drbg;
  DevRuntimeConfig lc = {.name = "left", .public_ip = tu_addr("198.51.100.1"),
                         .inside_ip = tu_addr("192.168.1.1"), .n_lan = 2, .n_tunnels = 1};
  lc.lan[0] = tu_prefix("192.168.1.0/24");
  lc.lan[1] = tu_prefix("192.168.2.0/24");
  lc.tunnels[0] = (EpDpTunnelConfig){.name = "to-right", .remote_public = tu_addr("198.51.100.2"),
                                     .n_remote_prefixes = 1, .policy_based = true};
  lc.tunnels[0].remote_prefixes[0] = tu_prefix("10.9.0.0/16");
  DevRuntimeConfig rc = {.name = "right", .public_ip = tu_addr("198.51.100.2"),
                         .inside_ip = tu_addr("10.9.0.1"), .n_lan = 1, .n_tunnels = 2};
  rc.lan[0] = tu_prefix("10.9.0.0/16");
  rc.tunnels[0] = (EpDpTunnelConfig){.name = "to-left", .remote_public = tu_addr("198.51.100.1"),
                                     .n_remote_prefixes = 2};
  rc.tunnels[0].remote_prefixes[0] = tu_prefix("192.168.1.0/24");
  rc.tunnels[0].remote_prefixes[1] = tu_prefix("192.168.2.0/24");
  rc.tunnels[1] = (EpDpTunnelConfig){.name = "to-third", .remote_public = tu_addr("198.51.100.3"),
                                     .n_remote_prefixes = 1};
  rc.tunnels[1].remote_prefixes[0] = tu_prefix("172.16.0.0/12");
  char *err = NULL;
  DevRuntime *l = dev_runtime_new(&lc, &le, &err), *r = dev_runtime_new(&rc, &re, &err);
  g_assert_nonnull(l);
  g_assert_nonnull(r);
  EpDp *ld = dev_runtime_dp(l), *rd = dev_runtime_dp(r);
  int lt = dev_runtime_tunnel(l, "to-right"), rt = dev_runtime_tunnel(r, "to-left");
  g_assert_cmpint(dev_runtime_tunnel(r, "to-third"), ==, 1);
  g_assert_cmpint(dev_runtime_tunnel(r, "nope"), ==, -1);
  install(ld, lt, rd, rt, 0x100, 0x200, drbg);
  /* both LAN prefixes are covered by the derived selectors, both ways */
  g_autoptr(GBytes) a = inner("192.168.2.9", "10.9.3.3", 200);
  g_assert_true(tx(ld, a));
  g_assert_cmpuint(carry(&ls, rd), ==, 1);
  g_assert_true(g_bytes_equal(g_ptr_array_index(rs.inside, 0), a));
  g_autoptr(GBytes) b = inner("10.9.3.3", "192.168.1.4", 200);
  g_assert_true(tx(rd, b));
  g_assert_cmpuint(carry(&rs, ld), ==, 1);
  g_assert_true(g_bytes_equal(g_ptr_array_index(ls.inside, 0), b));
  /* a source outside left's LAN has no selector: no SA, counted */
  g_autoptr(GBytes) c = inner("192.168.3.9", "10.9.3.3", 200);
  g_assert_false(tx(ld, c));
  g_assert_cmpuint(ep_dp_tunnel_metrics(ld, lt)->drops[EP_DROP_NO_SA], ==, 1);
  /* right routes 172.16/12 into its second tunnel, which has no SA yet */
  g_autoptr(GBytes) d = inner("10.9.3.3", "172.20.0.1", 200);
  g_assert_false(tx(rd, d));
  g_assert_cmpuint(ep_dp_tunnel_metrics(rd, 1)->drops[EP_DROP_TUNNEL_DOWN], ==, 1);
  /* without SKU caps a device passes a burst whole */
  for (int i = 0; i < 2000; i++)
    g_assert_true(tx(ld, a));
  g_assert_cmpuint(carry(&ls, rd), ==, 2000);
  dev_runtime_free(l);
  dev_runtime_free(r);
  side_clear(&ls);
  side_clear(&rs);
  drbg_free(drbg);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/device/runtime/refusals", test_refusals);
  g_test_add_func("/device/runtime/back_to_back", test_back_to_back);
  return g_test_run();
}
