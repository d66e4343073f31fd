/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the NAT engine: arbitrary bytes as packets through every kind in
 * both directions (the first byte picks kind and direction); ASan catches any access past
 * the packet, and a translated packet keeps its length. */
#include "models/nat/nat_engine.h"

#include <glib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int64_t fz_now(void *u) { (void)u; return 0; }
static void fz_emit(void *u, const VsEvent *ev) { (void)u; (void)ev; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  uint8_t sel = data[0];
  NatConfig c = {.node = "fuzz", .rule = "r", .kind = (NatKind)(sel % 3),
                 .internal = ipv4_prefix_make(ipv4_addr(10, 0, 0, 0), 8),
                 .external = ipv4_prefix_make(ipv4_addr(192, 168, 0, 0), 8),
                 .udp_timeout_ns = NAT_NO_TIMEOUT, .tcp_timeout_ns = NAT_NO_TIMEOUT,
                 .icmp_timeout_ns = NAT_NO_TIMEOUT, .port_first = 1024, .port_last = 1100,
                 .udp_only = sel & 8};
  if (c.kind == NAT_ADDRESS)
    c.external.len = 32;
  if (c.kind == NAT_STATIC) {
    c.n_ports = 1;
    c.ports[0] = (NatPortMap){17, 53, 5353};
  }
  NatEnv env = {.events = {fz_emit, NULL}, .now = fz_now};
  NatEngine *e = nat_engine_new(&c, &env, NULL);
  g_assert_nonnull(e);
  /* the same bytes out then (as a reply) in: a dynamic mapping exists for the second */
  uint8_t *cp = g_memdup2(data + 1, size - 1);
  (void)nat_engine_out(e, cp, size - 1);
  (void)nat_engine_in(e, cp, size - 1);
  if (sel & 4)
    nat_engine_rebind(e);
  (void)nat_engine_in(e, cp, size - 1);
  g_free(cp);
  nat_engine_free(e);
  return 0;
}
