/* SPDX-License-Identifier: MIT */
/* A full IKE_SA_INIT + IKE_AUTH exchange (PSK) built from fixed inputs (fixed DRBG seeds):
 * derived keys and message bytes are pinned, and the four messages are written to a pcap
 * that tshark must decrypt with our ikev2_decryption_table row, showing IDi, IDr and AUTH. */
#include "models/common/hex.h"
#include "models/ike/ike_crypto.h"
#include "models/ike/ikev2_print.h"
#include "models/ike/ikev2_rules.h"
#include "models/ike/ikev2_sk.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>
#include <string.h>

#define ADDR_I 0xc0000201u /* 192.0.2.1, initiator */
#define ADDR_R 0xc6336401u /* 198.51.100.1, responder */
static const char psk[] = "vpnsim-test-psk";

typedef struct {
  IkeSuite suite;
  const char *encr_label, *integ_label; /* Wireshark's ikev2_decryption_table labels */
  /* pinned results */
  const char *skeyseed, *sk_d, *sk_ei, *sk_ai, *sk_pi;
  const char *sha_init_req, *sha_init_resp, *sha_auth_req, *sha_auth_resp;
} Case;

typedef struct {
  uint8_t *b;
  size_t n;
} Msg;

static void msg_clear(Msg *m) { g_free(m->b); }
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Msg, msg_clear)

static char *sha256_hex(const Msg *m)
{
  return g_compute_checksum_for_data(G_CHECKSUM_SHA256, m->b, m->n);
}

static Msg encode(const Ikev2Message *m)
{
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev2_message_encode(m, &w));
  Msg r;
  r.b = wire_writer_steal(&w, &r.n);
  return r;
}

static void add_nat(Ikev2Message *m, uint64_t spi_i, uint64_t spi_r, uint32_t src, uint32_t dst)
{
  uint8_t h[20];
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_NOTIFY);
  p->u.notify.type = IKEV2_N_NAT_DETECTION_SOURCE_IP;
  ike_nat_hash(spi_i, spi_r, src, 500, h);
  ikev2_data_set(&p->u.notify.data, h, 20);
  p = ikev2_message_add(m, IKEV2_PL_NOTIFY);
  p->u.notify.type = IKEV2_N_NAT_DETECTION_DESTINATION_IP;
  ike_nat_hash(spi_i, spi_r, dst, 500, h);
  ikev2_data_set(&p->u.notify.data, h, 20);
}

static void add_ike_sa(Ikev2Message *m, const IkeSuite *s)
{
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_SA);
  Ikev2Proposal *pr = ikev2_sa_add_proposal(&p->u.sa, IKEV2_PROTO_IKE);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, s->encr, s->key_bits);
  if (s->integ != AUTH_NONE)
    ikev2_proposal_add_transform(pr, IKE_TRANSFORM_INTEG, s->integ, 0);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_PRF, s->prf, 0);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_DH, s->dh, 0);
}

static void add_child(Ikev2Message *m, uint32_t spi)
{
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_SA);
  Ikev2Proposal *pr = ikev2_sa_add_proposal(&p->u.sa, IKEV2_PROTO_ESP);
  pr->spi_size = 4;
  wire_store_be32(pr->spi, spi);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ENCR, ENCR_AES_GCM_16, 256);
  ikev2_proposal_add_transform(pr, IKE_TRANSFORM_ESN, ESN_NO, 0);
  const Ipv4Range r[2] = {{ipv4_addr(10, 1, 0, 0), ipv4_addr(10, 1, 255, 255)},
                          {ipv4_addr(10, 2, 0, 0), ipv4_addr(10, 2, 255, 255)}};
  for (int i = 0; i < 2; i++) {
    p = ikev2_message_add(m, i ? IKEV2_PL_TSR : IKEV2_PL_TSI);
    Ikev2TrafficSelector *ts = ikev2_ts_add(&p->u.ts);
    ts->type = IKEV2_TS_IPV4_ADDR_RANGE;
    ts->end_port = 65535;
    ts->range = r[i];
  }
}

/* AUTH over RealMessage | peer nonce | prf(SK_p, RestOfIDPayload) (RFC 7296 2.15). */
static void psk_auth(const IkeKeys *k, bool initiator, const Msg *real, const Ikev2Data *peer_nonce,
                     const Ikev2Payload *id, uint8_t *out)
{
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev2_payload_body_encode(id, &w));
  g_assert_true(ike_psk_auth(k->suite.prf, (const uint8_t *)psk, sizeof psk - 1, real->b, real->n,
                             peer_nonce->p, peer_nonce->n, initiator ? k->sk_pi : k->sk_pr,
                             k->prf_len, w.buf, w.len, out));
  wire_writer_clear(&w);
}

static Ikev2Payload *add_id(Ikev2Message *m, uint8_t type, uint32_t addr)
{
  Ikev2Payload *p = ikev2_message_add(m, type);
  p->u.id.type = IKEV2_ID_IPV4_ADDR;
  uint8_t a[4];
  wire_store_be32(a, addr);
  ikev2_data_set(&p->u.id.data, a, 4);
  return p;
}

static Ikev2Payload *add_auth(Ikev2Message *m, const uint8_t *v, size_t n)
{
  Ikev2Payload *p = ikev2_message_add(m, IKEV2_PL_AUTH);
  p->u.auth.method = IKEV2_AUTH_PSK;
  ikev2_data_set(&p->u.auth.data, v, n);
  return p;
}

/* ---- pcap: IPv4/UDP 500 with LINKTYPE_RAW ---- */

static void write_packet(pcap_dumper_t *d, unsigned t, uint32_t src, uint32_t dst, const Msg *m)
{
  size_t n;
  g_autofree uint8_t *b =
      tu_ipv4_udp((Ipv4Addr){src}, 500, (Ipv4Addr){dst}, 500, m->b, m->n, &n);
  struct pcap_pkthdr h = {.ts = {.tv_sec = 1700000000 + t}, .caplen = (bpf_u_int32)n,
                          .len = (bpf_u_int32)n};
  pcap_dump((u_char *)d, &h, b);
}

static char *tshark_decrypt(const char *pcap, const Case *c, const IkeKeys *k, uint64_t spi_i,
                            uint64_t spi_r)
{
  g_autofree char *ei = hex_dup(k->sk_ei, k->e_len), *er = hex_dup(k->sk_er, k->e_len);
  g_autofree char *ai = hex_dup(k->sk_ai, k->a_len), *ar = hex_dup(k->sk_ar, k->a_len);
  g_autofree char *uat = g_strdup_printf(
      /* hex fields bare, labels quoted, as Wireshark writes its UAT files */
      "uat:ikev2_decryption_table:%016" G_GINT64_MODIFIER "x,%016" G_GINT64_MODIFIER
      "x,%s,%s,\"%s\",%s,%s,\"%s\"",
      spi_i, spi_r, ei, er, c->encr_label, ai, ar, c->integ_label);
  const char *argv[] = {"tshark", "-n", "-r", pcap, "-o", uat, "-V", NULL};
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *e = NULL;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                    &status, &e)) {
    g_test_message("tshark: %s", e->message);
    g_error_free(e);
    return NULL;
  }
  if (!g_spawn_check_wait_status(status, NULL) || !out || !*out)
    g_test_message("tshark failed: %s", err ? err : "");
  g_free(err);
  return out;
}

static void run_case(gconstpointer data)
{
  const Case *c = data;
  const IkeSuite *s = &c->suite;
  Drbg *ri = drbg_new_stream(42, "exchange-test/initiator");
  Drbg *rr = drbg_new_stream(42, "exchange-test/responder");

  /* ---- IKE_SA_INIT request: HDR, SAi1, KEi, Ni, N(NATD_S_IP), N(NATD_D_IP), N(FRAG_SUP) */
  uint64_t spi_i = drbg_u64(ri);
  g_autoptr(IkeDh) dhi = ike_dh_new(s->dh, ri);
  uint8_t ni[32], nr[32];
  drbg_bytes(ri, ni, sizeof ni);
  g_autoptr(Ikev2Message) m1 = ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_INITIATOR, spi_i, 0, 0);
  add_ike_sa(m1, s);
  Ikev2Payload *p = ikev2_message_add(m1, IKEV2_PL_KE);
  p->u.ke.group = s->dh;
  size_t kn;
  const uint8_t *kp = ike_dh_public(dhi, &kn);
  ikev2_data_set(&p->u.ke.data, kp, kn);
  p = ikev2_message_add(m1, IKEV2_PL_NONCE);
  ikev2_data_set(&p->u.nonce, ni, sizeof ni);
  add_nat(m1, spi_i, 0, ADDR_I, ADDR_R);
  ikev2_message_add(m1, IKEV2_PL_NOTIFY)->u.notify.type = IKEV2_N_IKEV2_FRAGMENTATION_SUPPORTED;
  g_auto(Msg) w1 = encode(m1);

  /* ---- responder: decode, check rules, answer HDR, SAr1, KEr, Nr, N(NATD_*) */
  Ikev2Diag d;
  g_autoptr(Ikev2Message) r1 = NULL;
  g_assert_cmpint(ikev2_message_decode(w1.b, w1.n, &r1, &d), ==, WIRE_OK);
  g_assert_cmpint(ikev2_rules_check(r1, &d), ==, IKEV2_ACT_ACCEPT);
  uint64_t spi_r = drbg_u64(rr);
  g_autoptr(IkeDh) dhr = ike_dh_new(s->dh, rr);
  drbg_bytes(rr, nr, sizeof nr);
  g_autoptr(Ikev2Message) m2 =
      ikev2_message_new(IKEV2_IKE_SA_INIT, IKEV2_FLAG_RESPONSE, spi_i, spi_r, 0);
  add_ike_sa(m2, s);
  p = ikev2_message_add(m2, IKEV2_PL_KE);
  p->u.ke.group = s->dh;
  kp = ike_dh_public(dhr, &kn);
  ikev2_data_set(&p->u.ke.data, kp, kn);
  p = ikev2_message_add(m2, IKEV2_PL_NONCE);
  ikev2_data_set(&p->u.nonce, nr, sizeof nr);
  add_nat(m2, spi_i, spi_r, ADDR_R, ADDR_I);
  g_auto(Msg) w2 = encode(m2);

  /* NAT detection: the responder's hash of the initiator's source matches the address */
  const Ikev2Notify *natd = ikev2_message_find_notify(r1, IKEV2_N_NAT_DETECTION_SOURCE_IP);
  uint8_t h[20];
  ike_nat_hash(spi_i, 0, ADDR_I, 500, h);
  g_assert_cmpmem(natd->data.p, natd->data.n, h, 20);

  /* ---- both sides derive g^ir and the seven keys */
  g_autoptr(Ikev2Message) i2 = NULL;
  g_assert_cmpint(ikev2_message_decode(w2.b, w2.n, &i2, &d), ==, WIRE_OK);
  g_assert_cmpint(ikev2_rules_check(i2, &d), ==, IKEV2_ACT_ACCEPT);
  const Ikev2Ke *ke_r = &ikev2_message_find(i2, IKEV2_PL_KE, 0)->u.ke;
  const Ikev2Ke *ke_i = &ikev2_message_find(r1, IKEV2_PL_KE, 0)->u.ke;
  uint8_t gir_i[IKE_DH_MAX], gir_r[IKE_DH_MAX];
  size_t gn_i, gn_r;
  g_assert_cmpint(ike_dh_derive(dhi, ke_r->data.p, ke_r->data.n, gir_i, &gn_i), ==, IKE_CRYPTO_OK);
  g_assert_cmpint(ike_dh_derive(dhr, ke_i->data.p, ke_i->data.n, gir_r, &gn_r), ==, IKE_CRYPTO_OK);
  g_assert_cmpmem(gir_i, gn_i, gir_r, gn_r);
  g_autoptr(IkeKeys) ki = ike_keys_new();
  g_autoptr(IkeKeys) kr = ike_keys_new();
  uint8_t skeyseed[IKE_PRF_MAX];
  g_assert_true(ike_keys_derive(ki, s, ni, 32, nr, 32, gir_i, gn_i, spi_i, spi_r, skeyseed));
  g_assert_true(ike_keys_derive(kr, s, ni, 32, nr, 32, gir_r, gn_r, spi_i, spi_r, NULL));
  g_assert_cmpmem(ki, sizeof *ki, kr, sizeof *kr);

  /* ---- IKE_AUTH request: HDR, SK {IDi, AUTH, SAi2, TSi, TSr, N(INITIAL_CONTACT)} */
  g_autoptr(Ikev2Message) m3 = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_INITIATOR, spi_i, spi_r, 1);
  Ikev2Payload *idi = add_id(m3, IKEV2_PL_IDI, ADDR_I);
  const Ikev2Data nr_d = {nr, sizeof nr}, ni_d = {ni, sizeof ni};
  uint8_t auth_i[IKE_PRF_MAX];
  psk_auth(ki, true, &w1, &nr_d, idi, auth_i);
  add_auth(m3, auth_i, ki->prf_len);
  add_child(m3, drbg_u32(ri));
  ikev2_message_add(m3, IKEV2_PL_NOTIFY)->u.notify.type = IKEV2_N_INITIAL_CONTACT;
  IkeSkDir tx_i = ike_keys_dir(ki, true), tx_r = ike_keys_dir(kr, false);
  Msg w3, w4;
  g_assert_true(ikev2_sk_protect(m3, &tx_i, ri, &w3.b, &w3.n));
  g_autofree char *line3 = ikev2_print_line(m3);
  g_assert_cmpstr(line3, ==, "IKE_AUTH request #1 [IDi AUTH SA TSi TSr N(INIT_CONTACT)]");

  /* ---- responder opens, checks rules and AUTH, answers HDR, SK {IDr, AUTH, SAr2, TSi, TSr} */
  IkeSkDir rx_r = ike_keys_dir(kr, true);
  g_autoptr(Ikev2Message) r3 = NULL;
  g_assert_cmpint(ikev2_sk_unprotect(w3.b, w3.n, &rx_r, &r3, &d), ==, WIRE_OK);
  g_assert_cmpint(ikev2_rules_check(r3, &d), ==, IKEV2_ACT_ACCEPT);
  uint8_t check[IKE_PRF_MAX];
  psk_auth(kr, true, &w1, &nr_d, ikev2_message_find(r3, IKEV2_PL_IDI, 0), check);
  const Ikev2Auth *got = &ikev2_message_find(r3, IKEV2_PL_AUTH, 0)->u.auth;
  g_assert_true(got->data.n == kr->prf_len && ike_ct_equal(got->data.p, check, kr->prf_len));
  g_autoptr(Ikev2Message) m4 = ikev2_message_new(IKEV2_IKE_AUTH, IKEV2_FLAG_RESPONSE, spi_i, spi_r, 1);
  Ikev2Payload *idr = add_id(m4, IKEV2_PL_IDR, ADDR_R);
  uint8_t auth_r[IKE_PRF_MAX];
  psk_auth(kr, false, &w2, &ni_d, idr, auth_r);
  add_auth(m4, auth_r, kr->prf_len);
  add_child(m4, drbg_u32(rr));
  g_assert_true(ikev2_sk_protect(m4, &tx_r, rr, &w4.b, &w4.n));

  /* ---- initiator opens and checks the responder's AUTH */
  IkeSkDir rx_i = ike_keys_dir(ki, false);
  g_autoptr(Ikev2Message) i4 = NULL;
  g_assert_cmpint(ikev2_sk_unprotect(w4.b, w4.n, &rx_i, &i4, &d), ==, WIRE_OK);
  g_assert_cmpint(ikev2_rules_check(i4, &d), ==, IKEV2_ACT_ACCEPT);
  psk_auth(ki, false, &w2, &ni_d, ikev2_message_find(i4, IKEV2_PL_IDR, 0), check);
  got = &ikev2_message_find(i4, IKEV2_PL_AUTH, 0)->u.auth;
  g_assert_true(ike_ct_equal(got->data.p, check, ki->prf_len));
  /* a wrong PSK does not give the same AUTH */
  uint8_t wrong[IKE_PRF_MAX];
  g_assert_true(ike_psk_auth(s->prf, (const uint8_t *)"other", 5, w2.b, w2.n, ni, 32, ki->sk_pr,
                             ki->prf_len, (const uint8_t *)"\x01\x00\x00\x00\xc6\x33\x64\x01", 8,
                             wrong));
  g_assert_false(ike_ct_equal(wrong, check, ki->prf_len));

  /* child SA keys: KEYMAT for AES-GCM-256 both ways (2 x (32 + 4)) */
  uint8_t keymat[72];
  g_assert_true(ike_child_keymat(ki, NULL, 0, ni, 32, nr, 32, keymat, sizeof keymat));

  /* ---- pinned values (regenerate only on a deliberate change of inputs) */
  g_autofree char *h1 = sha256_hex(&w1), *h2 = sha256_hex(&w2), *h3 = sha256_hex(&w3),
                  *h4 = sha256_hex(&w4);
  g_autofree char *x_seed = hex_dup(skeyseed, ki->prf_len), *x_d = hex_dup(ki->sk_d, ki->prf_len),
                  *x_ei = hex_dup(ki->sk_ei, ki->e_len), *x_ai = hex_dup(ki->sk_ai, ki->a_len),
                  *x_pi = hex_dup(ki->sk_pi, ki->prf_len);
  g_test_message("skeyseed %s\nsk_d %s\nsk_ei %s\nsk_ai %s\nsk_pi %s\nmsgs %s %s %s %s", x_seed,
                 x_d, x_ei, x_ai, x_pi, h1, h2, h3, h4);
  /* ---- independent check: tshark decrypts the IKE_AUTH messages with our key table */
  g_autofree char *tshark = g_find_program_in_path("tshark");
  if (!tshark) {
    g_test_message("tshark not installed: the independent decryption check is skipped");
  } else {
    g_autofree char *dir = g_dir_make_tmp("vpnsim-ike-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "exchange.pcap", NULL);
    pcap_t *pd = pcap_open_dead(DLT_RAW, 65535);
    pcap_dumper_t *pdd = pcap_dump_open(pd, path);
    g_assert_nonnull(pdd);
    write_packet(pdd, 0, ADDR_I, ADDR_R, &w1);
    write_packet(pdd, 1, ADDR_R, ADDR_I, &w2);
    write_packet(pdd, 2, ADDR_I, ADDR_R, &w3);
    write_packet(pdd, 3, ADDR_R, ADDR_I, &w4);
    pcap_dump_close(pdd);
    pcap_close(pd);
    g_autofree char *out = tshark_decrypt(path, c, ki, spi_i, spi_r);
    g_assert_nonnull(out);
    if (g_getenv("VPNSIM_IKE_TSHARK_DUMP"))
      g_printerr("%s", out);
    /* decrypted: both identities, both AUTH values, the traffic selectors */
    /* (tshark shortens long values: compare the first 32 octets of AUTH) */
    g_autofree char *auth_hex_i = hex_dup(auth_i, 32);
    g_autofree char *auth_hex_r = hex_dup(auth_r, 32);
    g_assert_nonnull(strstr(out, "Payload: Identification - Initiator (35)"));
    g_assert_nonnull(strstr(out, "Payload: Identification - Responder (36)"));
    g_assert_nonnull(strstr(out, "Identification Data:192.0.2.1"));
    g_assert_nonnull(strstr(out, "Identification Data:198.51.100.1"));
    g_assert_nonnull(strstr(out, auth_hex_i));
    g_assert_nonnull(strstr(out, auth_hex_r));
    g_assert_nonnull(strstr(out, "Starting Addr: 10.2.0.0"));
    /* tshark verified both ICVs (HMAC or GCM tag) with our keys */
    unsigned correct = 0;
    for (const char *q = out; (q = strstr(q, "Integrity Checksum Data:")); q++)
      correct += strncmp(strchr(q, '\n') - 9, "[correct]", 9) == 0;
    g_assert_cmpuint(correct, ==, 2);
    g_assert_null(strstr(out, "Malformed"));
    g_assert_null(strstr(out, "Expert Info (Warning"));
    g_assert_null(strstr(out, "Expert Info (Error"));
    g_unlink(path);
    g_rmdir(dir);
  }
  g_assert_cmpstr(x_seed, ==, c->skeyseed);
  g_assert_cmpstr(x_d, ==, c->sk_d);
  g_assert_cmpstr(x_ei, ==, c->sk_ei);
  g_assert_cmpstr(x_ai, ==, c->sk_ai);
  g_assert_cmpstr(x_pi, ==, c->sk_pi);
  g_assert_cmpstr(h1, ==, c->sha_init_req);
  g_assert_cmpstr(h2, ==, c->sha_init_resp);
  g_assert_cmpstr(h3, ==, c->sha_auth_req);
  g_assert_cmpstr(h4, ==, c->sha_auth_resp);

  msg_clear(&w3);
  msg_clear(&w4);
  drbg_free(ri);
  drbg_free(rr);
}

/* Pinned from the first run, then cross-checked by tshark decrypting the same bytes with
 * these keys (see run_case). */
static const Case cases[] = {
    {.suite = {ENCR_AES_CBC, 256, AUTH_HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, DH_ECP_256},
     .encr_label = "AES-CBC-256 [RFC3602]",
     .integ_label = "HMAC_SHA2_256_128 [RFC4868]",
     .skeyseed = "3d2d9e4bd740ccf83a38771ec185de7080546d03a23ffafb443a829542bde20d",
     .sk_d = "98489324e615c9674f863ddf02522ea39e35551c233c70a76dd2542cc6d59798",
     .sk_ei = "d0d4a8f6c2d4ce39a4d08b9731d15ea6fa255c919f3e476ba2f98fea008dddb7",
     .sk_ai = "c8b5dad417e30f9798583d2b79c694b60597209a2daba9c11e4147fe9ec5efe7",
     .sk_pi = "f92443b0188df8671728f121c78c092f1f269ed6f88a4aa9b539b4c42ec0d374",
     .sha_init_req = "7140a17c27e372f312260c705f1d7d2c2122fe9d7aa6a979573b48ebe30cfede",
     .sha_init_resp = "7ab0788bc215be50f9ec00b01f615c4ac9050f31f91e86657e3dd50b13c44233",
     .sha_auth_req = "b62066ed70b127b2b7dc241ad8553f00835d41c6cf23e0f54984dd826449dadd",
     .sha_auth_resp = "0187c9cb0c434f14f1669ba91c58865afba8dc9b141a066a9a4c5e90ff6a4c83"},
    {.suite = {ENCR_AES_GCM_16, 256, AUTH_NONE, PRF_HMAC_SHA2_384, DH_MODP_2048_256},
     .encr_label = "AES-GCM-256 with 16 octet ICV [RFC5282]",
     .integ_label = "NONE [RFC4306]",
     .skeyseed = "d52a797f66f9e1f17886e404e59f53cfa8348f0e392ff112"
                 "95923ca6e1934287231a10b35b65eb76d38310f06e38a030",
     .sk_d = "b0469d2141149d30956cd4270f184c0f3f6b7e7f29f2d268"
             "cb0c51fd327e4252c4ea63a540441262f243136747a26d51",
     .sk_ei = "97815f5f7872520c94816252ffba499ae3d44323dff381552e2bbcdcabb0ef8971109bee",
     .sk_ai = "",
     .sk_pi = "c21435b55756a58bd0d2f3421b7ad62bb1a3ef97daf32126"
              "0df4563253b9519e0af8bfc90bc44066a12f930bdb95f7df",
     .sha_init_req = "fb7f678f702318069c40c3da70e0dc86d0ce1495ffe3e661153ac8cc477722dc",
     .sha_init_resp = "f4a70a32e4fd1c53c09a617a68255b481e65197ac4865d31f2d31ea3bc425f82",
     .sha_auth_req = "3d3143795ce1f2fd9de43b7e2f4414a04bf451ea6735fa49b1ac86ee2a33522f",
     .sha_auth_resp = "9fbcdc9afe6a9399226882bf2a8a2573ab972a994f5d113ecf66324c7ee8bf52"},
};

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_data_func("/ikev2_exchange/psk_aes_cbc_256_sha256_ecp256", &cases[0], run_case);
  g_test_add_data_func("/ikev2_exchange/psk_aes_gcm_256_prf384_modp2048_256", &cases[1], run_case);
  return g_test_run();
}
