/* SPDX-License-Identifier: MIT */
/* The IKEv1 engine's messages as Wireshark reads them: a whole run between two engines (main
 * mode, quick mode for two selector pairs, DPD, a Delete; once directly and once behind a NAT,
 * on 4500) is written to a pcap, and tshark, given only the ikev1_decryption_table row the
 * engine emitted, must decrypt main mode 5 and 6, quick mode and the informational messages,
 * with nothing malformed. */
#include "conformance/ikev1_harness.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <unistd.h>

/* Deliver everything pending, writing each datagram (as the receiver sees it) to pc. */
static void run_capture(V1 *v, GByteArray *pc)
{
  for (int i = 0; i < 200 && h_pending(&v->h); i++) {
    const HPkt *k = h_peek(&v->h);
    gsize n;
    const uint8_t *p = g_bytes_get_data(k->data, &n);
    tu_pcap_put_udp(pc, k->src, k->sport, k->dst, k->dport, p, n);
    v1_deliver(v);
  }
  g_assert_cmpuint(h_pending(&v->h), ==, 0);
}

static void run(gconstpointer data)
{
  bool nat = GPOINTER_TO_INT(data);
  g_autofree char *bin = g_find_program_in_path("tshark");
  if (!bin) {
    g_test_skip("tshark not installed");
    return;
  }
  V1 v;
  v1_init(&v, 21);
  v.h.nat = nat;
  const Ipv4Range a1 = {{0x0a010000}, {0x0a0100ff}}, b1 = {{0x0a020000}, {0x0a0200ff}};
  const Ipv4Range a2 = {{0x0a030000}, {0x0a03ffff}}, b2 = {{0x0a040000}, {0x0a0400ff}};
  v.cfg[0].ts[0] = (IkeTsPair){a1, b1};
  v.cfg[0].ts[1] = (IkeTsPair){a2, b2};
  v.cfg[1].ts[0] = (IkeTsPair){b1, a1};
  v.cfg[1].ts[1] = (IkeTsPair){b2, a2};
  v.cfg[0].n_ts = v.cfg[1].n_ts = 2;
  v.cfg[0].p2[0].pfs = v.cfg[1].p2[0].pfs = 2;
  v.cfg[0].dpd_interval_s = 10;

  g_autoptr(GByteArray) pc = tu_pcap_new();
  v1_start(&v);
  run_capture(&v, pc);
  g_assert_cmpint(ikev1_conn_state(v.c[0]), ==, IKEV1_P1_ESTABLISHED);
  g_assert_cmpuint(ikev1_conn_n_children(v.c[0]), ==, 2);
  /* one DPD round trip, then a Delete of one pair */
  g_assert_true(v1_tick(&v, v.h.now + 11 * NS_PER_S));
  run_capture(&v, pc);
  IkeChildInfo ci;
  g_assert_true(ikev1_conn_child_info(v.c[0], 0, &ci));
  g_assert_true(ikev1_conn_delete_child(v.c[0], ci.spi_in));
  run_capture(&v, pc);

  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("ikev1-run-XXXXXX.pcap", &path, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_assert_true(g_file_set_contents(path, (const char *)pc->data, pc->len, NULL));
  g_assert_cmpuint(v.h.p[0].rows->len, ==, 1);
  g_autofree char *opt =
      g_strconcat("uat:ikev1_decryption_table:", (char *)g_ptr_array_index(v.h.p[0].rows, 0), NULL);
  g_autofree char *out = tu_tshark(path, (const char *[]){"-o", opt, "-V", NULL});
  if (g_getenv("V1_TSHARK_DUMP"))
    g_printerr("%s", out);
  g_assert_null(strstr(out, "Malformed"));
  /* main mode 5 and 6: the identities inside */
  g_assert_cmpuint(tu_count(out, "ID_IPV4_ADDR: 192.0.2.1"), ==, 1);
  g_assert_cmpuint(tu_count(out, "ID_IPV4_ADDR: 198.51.100.1"), ==, 1);
  /* quick mode 1 and 2 of both pairs: the selectors, the ESP proposal, the PFS KE */
  g_assert_cmpuint(tu_count(out, "ID type: IPV4_ADDR_SUBNET (4)"), ==, 8);
  g_assert_cmpuint(tu_count(out, "Protocol ID: IPSEC_ESP (3)"), >=, 4);
  g_assert_cmpuint(tu_count(out, "Payload: Key Exchange (4)"), ==, 2 + 4);
  /* every encrypted message opened: MM5, MM6, 2 x 3 quick mode, 3 informational */
  g_assert_cmpuint(tu_count(out, "Hash DATA"), ==, 2 + 6 + 3);
  /* informational: R-U-THERE and its ACK, the Delete */
  g_assert_cmpuint(tu_count(out, "Notify Message Type: R-U-THERE (36136)"), ==, 1);
  g_assert_cmpuint(tu_count(out, "Notify Message Type: R-U-THERE-ACK (36137)"), ==, 1);
  g_assert_cmpuint(tu_count(out, "Payload: Delete (12)"), ==, 1);
  if (nat)
    g_assert_cmpuint(tu_count(out, "Non-ESP"), >=, 9);
  /* a row with one key octet changed opens nothing */
  size_t n = strlen(opt);
  opt[n - 2] = opt[n - 2] == '0' ? '8' : '0';
  g_autofree char *bad = tu_tshark(path, (const char *[]){"-o", opt, "-V", NULL});
  g_assert_cmpuint(tu_count(bad, "Hash DATA"), ==, 0);
  g_assert_cmpuint(tu_count(bad, "ID type: IPV4_ADDR_SUBNET (4)"), ==, 0);
  g_unlink(path);
  v1_clear(&v);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_data_func("/ikev1_tshark/run/direct", GINT_TO_POINTER(0), run);
  g_test_add_data_func("/ikev1_tshark/run/nat", GINT_TO_POINTER(1), run);
  return g_test_run();
}
