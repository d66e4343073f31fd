/* SPDX-License-Identifier: MIT */
/* The engine's key table rows (ike_keytable.h) checked by a real decryption: a whole
 * conversation between two engines (establishment, child rekey, IKE rekey, delete; also
 * behind a NAT on port 4500) is written to a pcap, and tshark, given only the
 * ikev2_decryption_table rows the engines emitted, must verify every ICV and show the
 * decrypted payloads, with nothing malformed. Also the row format and labels, and a
 * point-to-site IKE_AUTH with certificates and a configuration payload (issue 19). */
#include "conformance/ikev2_cert_harness.h"

#include "models/common/hex.h"
#include "models/ike/ike_keytable.h"
#include "tests/lib/testutil.h"

#include <glib/gstdio.h>
#include <pcap/pcap.h>

static void write_packet(pcap_dumper_t *d, unsigned t, const HPkt *k)
{
  gsize m;
  const uint8_t *data = g_bytes_get_data(k->data, &m);
  size_t n;
  g_autofree uint8_t *b = tu_ipv4_udp(k->src, k->sport, k->dst, k->dport, data, m, &n);
  struct pcap_pkthdr h = {.ts = {.tv_sec = 1700000000 + t}, .caplen = (bpf_u_int32)n,
                          .len = (bpf_u_int32)n};
  pcap_dump((u_char *)d, &h, b);
}

/* Deliver everything, writing each datagram to the pcap; returns the count of protected
 * (non-IKE_SA_INIT, non-keepalive) messages. */
static unsigned run_capture(Harness *h, pcap_dumper_t *d, unsigned *t)
{
  unsigned sk = 0;
  while (h_pending(h)) {
    const HPkt *k = h_peek(h);
    gsize n;
    const uint8_t *b = g_bytes_get_data(k->data, &n);
    size_t off = k->dport == 4500 || k->sport == 4500 ? 4 : 0;
    if (n > off + 18 && b[off + 18] != IKEV2_IKE_SA_INIT)
      sk++;
    write_packet(d, (*t)++, k);
    h_deliver(h);
  }
  return sk;
}

static char *tshark(const char *pcap, GPtrArray *rows)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(argv, g_strdup("tshark"));
  g_ptr_array_add(argv, g_strdup("-n"));
  g_ptr_array_add(argv, g_strdup("-r"));
  g_ptr_array_add(argv, g_strdup(pcap));
  for (guint i = 0; i < rows->len; i++) {
    g_ptr_array_add(argv, g_strdup("-o"));
    g_ptr_array_add(argv, g_strconcat("uat:ikev2_decryption_table:",
                                      (char *)g_ptr_array_index(rows, i), NULL));
  }
  g_ptr_array_add(argv, g_strdup("-V"));
  g_ptr_array_add(argv, NULL);
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *e = NULL;
  bool ok = g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                         &err, &status, &e);
  g_ptr_array_unref(argv);
  if (!ok) {
    g_test_message("tshark: %s", e->message);
    g_error_free(e);
    return NULL;
  }
  if (!g_spawn_check_wait_status(status, NULL))
    g_test_message("tshark failed: %s", err ? err : "");
  g_free(err);
  return out;
}

typedef struct {
  const char *name;
  IkeProposalCfg ike;
  bool nat;
} TsharkCase;

static void run_tshark(gconstpointer data)
{
  const TsharkCase *tc = data;
  g_autofree char *bin = g_find_program_in_path("tshark");
  if (!bin) {
    g_test_skip("tshark not installed");
    return;
  }
  Harness h;
  h_init(&h, 110);
  h.nat = tc->nat;
  for (int i = 0; i < 2; i++)
    h.p[i].cfg.ike[0] = tc->ike;
  g_autofree char *dir = g_dir_make_tmp("vpnsim-ikeeng-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "engine.pcap", NULL);
  pcap_t *pd = pcap_open_dead(DLT_RAW, 65535);
  pcap_dumper_t *pdd = pcap_dump_open(pd, path);
  g_assert_nonnull(pdd);
  unsigned t = 0, sk = 0;
  h_start(&h);
  sk += run_capture(&h, pdd, &t);
  g_assert_true(ikev2_conn_rekey_child(h.p[0].conn, 0));
  sk += run_capture(&h, pdd, &t);
  g_assert_true(ikev2_conn_rekey_ike(h.p[1].conn));
  sk += run_capture(&h, pdd, &t);
  g_assert_true(ikev2_conn_close(h.p[0].conn));
  sk += run_capture(&h, pdd, &t);
  pcap_dump_close(pdd);
  pcap_close(pd);
  /* two IKE SAs, one row each, the same at both ends */
  g_assert_cmpuint(h.p[0].rows->len, ==, 2);
  g_assert_cmpuint(h.p[1].rows->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr(g_ptr_array_index(h.p[0].rows, i), ==, g_ptr_array_index(h.p[1].rows, i));
  g_autofree char *out = tshark(path, h.p[0].rows);
  g_assert_nonnull(out);
  if (g_getenv("VPNSIM_IKE_TSHARK_DUMP"))
    g_printerr("%s", out);
  /* every protected message verified with the keys of its IKE SA */
  g_assert_cmpuint(sk, >=, 10);
  g_assert_cmpuint(tu_count(out, "Integrity Checksum Data:"), ==, sk);
  unsigned correct = 0;
  for (const char *q = out; (q = strstr(q, "Integrity Checksum Data:")); q++)
    correct += strncmp(strchr(q, '\n') - 9, "[correct]", 9) == 0;
  g_assert_cmpuint(correct, ==, sk);
  /* and decrypted */
  g_assert_nonnull(strstr(out, "Identification Data:192.0.2.1"));
  g_assert_nonnull(strstr(out, "Identification Data:198.51.100.1"));
  g_assert_nonnull(strstr(out, "Notify Message Type: REKEY_SA (16393)"));
  g_assert_nonnull(strstr(out, "Payload: Delete (42)"));
  if (tc->nat)
    g_assert_nonnull(strstr(out, "Non-ESP Marker"));
  g_assert_null(strstr(out, "Malformed"));
  g_assert_null(strstr(out, "Expert Info (Warning"));
  g_assert_null(strstr(out, "Expert Info (Error"));
  g_unlink(path);
  g_rmdir(dir);
  h_clear(&h);
}

static const TsharkCase tshark_cases[] = {
    {"aes_cbc_256_sha256_ecp256",
     {.encr = ENCR_AES_CBC, .key_bits = 256, .integ = AUTH_HMAC_SHA2_256_128, .prf = PRF_HMAC_SHA2_256, .dh = DH_ECP_256}, false},
    {"aes_gcm_256_prf384_ecp384", {.encr = ENCR_AES_GCM_16, .key_bits = 256, .integ = AUTH_NONE, .prf = PRF_HMAC_SHA2_384, .dh = DH_ECP_384},
     false},
    {"3des_sha1_modp1024_nat", {.encr = ENCR_3DES, .key_bits = 0, .integ = AUTH_HMAC_SHA1_96, .prf = PRF_HMAC_SHA1, .dh = DH_MODP_1024}, true},
    {"aes_cbc_128_sha384_modp2048",
     {.encr = ENCR_AES_CBC, .key_bits = 128, .integ = AUTH_HMAC_SHA2_384_192, .prf = PRF_HMAC_SHA2_384, .dh = DH_MODP_2048}, false},
};

/* Certificate authentication with CP: tshark decrypts IKE_AUTH and shows the CERTREQ,
 * CERT, signature AUTH (RFC 7427) and the CFG_REQUEST / CFG_REPLY with the address. */
static void test_cert_cp(void)
{
  g_autofree char *bin = g_find_program_in_path("tshark");
  if (!bin) {
    g_test_skip("tshark not installed");
    return;
  }
  pki_init();
  Harness h;
  Trusts tr;
  cert_setup(&h, &tr, pki.client, pki.client_key);
  g_autofree char *dir = g_dir_make_tmp("vpnsim-ikecert-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "cert.pcap", NULL);
  pcap_t *pd = pcap_open_dead(DLT_RAW, 65535);
  pcap_dumper_t *pdd = pcap_dump_open(pd, path);
  g_assert_nonnull(pdd);
  unsigned t = 0;
  h_start(&h);
  unsigned sk = run_capture(&h, pdd, &t);
  pcap_dump_close(pdd);
  pcap_close(pd);
  g_assert_cmpint(ikev2_conn_state(h.p[0].conn), ==, IKE_SA_ESTABLISHED);
  g_assert_cmpuint(sk, ==, 2);
  g_autofree char *out = tshark(path, h.p[0].rows);
  g_assert_nonnull(out);
  if (g_getenv("VPNSIM_IKE_TSHARK_DUMP"))
    g_printerr("%s", out);
  unsigned correct = 0;
  for (const char *q = out; (q = strstr(q, "Integrity Checksum Data:")); q++)
    correct += strncmp(strchr(q, '\n') - 9, "[correct]", 9) == 0;
  g_assert_cmpuint(correct, ==, sk);
  /* IKE_SA_INIT response: CERTREQ in the clear; IKE_AUTH: CERTREQ and CERT decrypted */
  g_assert_cmpuint(tu_count(out, "Payload: Certificate Request (38)"), ==, 2);
  g_assert_cmpuint(tu_count(out, "Payload: Certificate (37)"), ==, 2);
  g_assert_nonnull(strstr(out, "Certificate Encoding: X.509 Certificate - Signature (4)"));
  g_assert_nonnull(strstr(out, "P2SChildCert"));
  g_assert_nonnull(strstr(out, "vgw1.vpnsim.test"));
  g_assert_nonnull(strstr(out, "Digital Signature (14)"));
  g_assert_cmpuint(tu_count(out, "Payload: Configuration (47)"), ==, 2);
  g_assert_nonnull(strstr(out, "CFG_REQUEST (1)"));
  g_assert_nonnull(strstr(out, "CFG_REPLY (2)"));
  g_assert_nonnull(strstr(out, "INTERNAL_IP4_ADDRESS"));
  g_assert_nonnull(strstr(out, "172.16.201.2"));
  g_assert_nonnull(strstr(out, "INTERNAL_IP4_SUBNET"));
  g_assert_null(strstr(out, "Malformed"));
  g_assert_null(strstr(out, "Expert Info (Warning"));
  g_assert_null(strstr(out, "Expert Info (Error"));
  g_unlink(path);
  g_rmdir(dir);
  cert_clear(&h, &tr);
  pki_clear();
}

static void test_row_format(void)
{
  g_autoptr(IkeKeys) k = ike_keys_new();
  IkeSuite s = {.encr = ENCR_AES_CBC, .key_bits = 128, .integ = AUTH_HMAC_SHA1_96, .prf = PRF_HMAC_SHA1, .dh = DH_MODP_1024};
  k->suite = s;
  k->e_len = 16;
  k->a_len = 20;
  for (int i = 0; i < 16; i++)
    k->sk_ei[i] = (uint8_t)i, k->sk_er[i] = (uint8_t)(0x10 + i);
  for (int i = 0; i < 20; i++)
    k->sk_ai[i] = 0xa0, k->sk_ar[i] = 0xb0;
  g_autofree char *row = ike_keytable_row(0x0102030405060708u, 0xa1a2a3a4a5a6a7a8u, k);
  g_assert_cmpstr(row, ==,
                  "0102030405060708,a1a2a3a4a5a6a7a8,000102030405060708090a0b0c0d0e0f,"
                  "101112131415161718191a1b1c1d1e1f,\"AES-CBC-128 [RFC3602]\","
                  "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0,"
                  "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0,\"HMAC_SHA1_96 [RFC2404]\"");
  g_autofree char *opt = ike_keytable_tshark_opt(1, 2, k);
  g_assert_true(g_str_has_prefix(opt, "uat:ikev2_decryption_table:0000000000000001,"));
  /* AEAD: integrity keys empty, label NONE */
  k->suite = (IkeSuite){.encr = ENCR_AES_GCM_16, .key_bits = 256, .integ = AUTH_NONE, .prf = PRF_HMAC_SHA2_256, .dh = DH_ECP_256};
  k->e_len = 36;
  k->a_len = 0;
  g_autofree char *g = ike_keytable_row(1, 2, k);
  g_assert_true(g_str_has_suffix(g, ",\"AES-GCM-256 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\""));
  /* DES has no row in Wireshark's table: no row rather than a wrong one */
  k->suite.encr = ENCR_DES;
  g_assert_null(ike_keytable_row(1, 2, k));
  g_assert_null(ike_keytable_encr_label(ENCR_AES_CBC, 100));
  g_assert_null(ike_keytable_integ_label(AUTH_AES_XCBC_96));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ikev2_tshark/row_format", test_row_format);
  g_test_add_func("/ikev2_tshark/cert_cp", test_cert_cp);
  for (size_t i = 0; i < G_N_ELEMENTS(tshark_cases); i++) {
    g_autofree char *p = g_strdup_printf("/ikev2_tshark/decrypt/%s", tshark_cases[i].name);
    g_test_add_data_func(p, &tshark_cases[i], run_tshark);
  }
  return g_test_run();
}
