/* SPDX-License-Identifier: MIT */
/* The IKEv1 crypto and key table checked by a real decryption: a main mode exchange (its
 * message 5 encrypted from the phase 1 IV) and an encrypted informational DPD message (its
 * IV from the last phase 1 block and the M-ID) are written to a pcap, and tshark, given only
 * the ikev1_decryption_table row, must show the decrypted ID, HASH and R-U-THERE with its
 * sequence number. A row with one wrong key octet must not decrypt. */
#include "models/common/inet.h"
#include "models/ike/ikev1_codec.h"
#include "models/ike/ikev1_crypto.h"
#include "models/ike/ikev1_keytable.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static const uint64_t cky_i = 0x1122334455667788ull, cky_r = 0x99aabbccddeeff00ull;
static const uint32_t addr_i = 0xc0000201, addr_r = 0xc6336401; /* 192.0.2.1, 198.51.100.1 */

static void send_msg(GByteArray *pc, bool from_i, const Ikev1Message *m)
{
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev1_message_encode(m, &w));
  Ipv4Addr i = {addr_i}, r = {addr_r};
  tu_pcap_put_udp(pc, from_i ? i : r, 500, from_i ? r : i, 500, w.buf, w.len);
  wire_writer_clear(&w);
}

static void add_sa(Ikev1Message *m, const Ikev1Suite *s)
{
  Ikev1Payload *p = ikev1_message_add(m, IKEV1_PL_SA);
  p->u.sa.doi = IKEV1_DOI_IPSEC;
  p->u.sa.situation = IKEV1_SIT_IDENTITY_ONLY;
  Ikev1Transform *t = ikev1_proposal_add_transform(
      ikev1_sa_add_proposal(&p->u.sa, 1, IKEV1_PROTO_ISAKMP), IKEV1_KEY_IKE);
  ikev1_transform_add_tv(t, IKEV1_ATTR_ENCRYPTION, s->encr);
  if (s->key_bits)
    ikev1_transform_add_tv(t, IKEV1_ATTR_KEY_LENGTH, s->key_bits);
  ikev1_transform_add_tv(t, IKEV1_ATTR_HASH, s->hash);
  ikev1_transform_add_tv(t, IKEV1_ATTR_GROUP_DESC, s->group);
  ikev1_transform_add_tv(t, IKEV1_ATTR_AUTH_METHOD, IKEV1_AUTH_PSK);
  ikev1_transform_add_tv(t, IKEV1_ATTR_LIFE_TYPE, IKEV1_LIFE_SECONDS);
  ikev1_transform_add_duration(t, IKEV1_ATTR_LIFE_DURATION, 28800);
}

/* Pad the chain of m's payloads, encrypt it from *iv and send it as the body of 'out'. */
static void send_encrypted(GByteArray *pc, const Ikev1Keys *k, Ikev1Iv *iv,
                           const Ikev1Message *plain, Ikev1Message *out)
{
  WireWriter w;
  wire_writer_init(&w);
  g_assert_true(ikev1_payloads_encode(plain->payloads, plain->n_payloads, &w));
  size_t n = ikev1_padded_len(k, w.len);
  g_autofree uint8_t *body = g_malloc0(n);
  memcpy(body, w.buf, w.len);
  wire_writer_clear(&w);
  g_assert_cmpint(ikev1_encrypt(k, iv, body, n, body), ==, IKE_CRYPTO_OK);
  out->hdr.next_payload = plain->payloads[0].type;
  ikev1_data_set(&out->body, body, n);
  send_msg(pc, true, out);
}

/* The conversation as a pcap; the derived keys in *keys. */
static GByteArray *conversation(const Ikev1Suite *s, Ikev1Keys *keys)
{
  GByteArray *pc = tu_pcap_new();
  static const uint8_t xi[20] = {1, 2, 3}, xr[20] = {4, 5, 6};
  uint8_t ni[16], nr[16];
  for (unsigned i = 0; i < 16; i++)
    ni[i] = (uint8_t)i, nr[i] = (uint8_t)(0x80 + i);
  g_autoptr(IkeDh) di = ike_dh_new_private(s->group, xi, sizeof xi);
  g_autoptr(IkeDh) dr = ike_dh_new_private(s->group, xr, sizeof xr);
  size_t gin, grn, sn;
  const uint8_t *gi = ike_dh_public(di, &gin), *gr = ike_dh_public(dr, &grn);
  uint8_t gxy[IKE_DH_MAX];
  g_assert_cmpint(ike_dh_derive(di, gr, grn, gxy, &sn), ==, IKE_CRYPTO_OK);

  /* MM1 and MM2: the SA; SAi_b is the initiator's SA body */
  g_autoptr(Ikev1Message) m1 = ikev1_message_new(IKEV1_EXCH_MAIN, 0, cky_i, 0, 0);
  add_sa(m1, s);
  send_msg(pc, true, m1);
  WireWriter sai;
  wire_writer_init(&sai);
  g_assert_true(ikev1_payload_body_encode(&m1->payloads[0], &sai));
  g_autoptr(Ikev1Message) m2 = ikev1_message_new(IKEV1_EXCH_MAIN, 0, cky_i, cky_r, 0);
  add_sa(m2, s);
  send_msg(pc, false, m2);
  /* MM3 and MM4: KE and nonce each way */
  g_autoptr(Ikev1Message) m3 = ikev1_message_new(IKEV1_EXCH_MAIN, 0, cky_i, cky_r, 0);
  ikev1_data_set(&ikev1_message_add(m3, IKEV1_PL_KE)->u.ke, gi, gin);
  ikev1_data_set(&ikev1_message_add(m3, IKEV1_PL_NONCE)->u.nonce, ni, sizeof ni);
  send_msg(pc, true, m3);
  g_autoptr(Ikev1Message) m4 = ikev1_message_new(IKEV1_EXCH_MAIN, 0, cky_i, cky_r, 0);
  ikev1_data_set(&ikev1_message_add(m4, IKEV1_PL_KE)->u.ke, gr, grn);
  ikev1_data_set(&ikev1_message_add(m4, IKEV1_PL_NONCE)->u.nonce, nr, sizeof nr);
  send_msg(pc, false, m4);
  g_assert_true(ikev1_keys_derive_psk(keys, s, (const uint8_t *)"secret", 6, ni, sizeof ni, nr,
                                      sizeof nr, gxy, sn, cky_i, cky_r));

  /* MM5: HDR*, IDii, HASH_I, from the phase 1 IV */
  g_autoptr(Ikev1Message) p5 = ikev1_message_new(0, 0, 0, 0, 0);
  Ikev1Payload *id = ikev1_message_add(p5, IKEV1_PL_ID);
  ikev1_id_set_ipv4_range(&id->u.id, (Ipv4Range){{addr_i}, {addr_i}}, 17, 500);
  WireWriter idb;
  wire_writer_init(&idb);
  g_assert_true(ikev1_payload_body_encode(id, &idb));
  uint8_t h[IKE_PRF_MAX];
  g_assert_true(ikev1_hash_phase1(keys, true, gi, gin, gr, grn, cky_i, cky_r, sai.buf, sai.len,
                                  idb.buf, idb.len, h));
  ikev1_data_set(&ikev1_message_add(p5, IKEV1_PL_HASH)->u.hash, h, keys->prf_len);
  wire_writer_clear(&sai);
  wire_writer_clear(&idb);
  Ikev1Iv iv;
  g_assert_true(ikev1_iv_phase1(keys, gi, gin, gr, grn, &iv));
  g_autoptr(Ikev1Message) m5 =
      ikev1_message_new(IKEV1_EXCH_MAIN, IKEV1_FLAG_ENCRYPTION, cky_i, cky_r, 0);
  send_encrypted(pc, keys, &iv, p5, m5);

  /* Informational: HDR*, HASH(1), N(R-U-THERE, sequence 4242), its IV from the last phase 1
   * block (here MM5's) and the M-ID */
  const uint32_t mid = 0x12345678;
  g_autoptr(Ikev1Message) pi = ikev1_message_new(0, 0, 0, 0, 0);
  ikev1_message_add(pi, IKEV1_PL_HASH);
  ikev1_notify_set_dpd(&ikev1_message_add(pi, IKEV1_PL_N)->u.notify, false, cky_i, cky_r, 4242);
  WireWriter rest;
  wire_writer_init(&rest);
  g_assert_true(ikev1_payloads_encode(&pi->payloads[1], 1, &rest));
  g_assert_true(ikev1_hash_qm1(keys, mid, rest.buf, rest.len, h));
  ikev1_data_set(&pi->payloads[0].u.hash, h, keys->prf_len);
  wire_writer_clear(&rest);
  Ikev1Iv qiv;
  g_assert_true(ikev1_iv_phase2(keys, &iv, mid, &qiv));
  g_autoptr(Ikev1Message) mi =
      ikev1_message_new(IKEV1_EXCH_INFORMATIONAL, IKEV1_FLAG_ENCRYPTION, cky_i, cky_r, mid);
  send_encrypted(pc, keys, &qiv, pi, mi);
  return pc;
}

typedef struct {
  const char *name;
  Ikev1Suite suite;
} Case;

/* Azure's phase 1 rows (facts 2.1) and the PRF sizes around them: key expansion (AES-256 or
 * 3DES with SHA-1), truncation (SHA2-256/384). */
static const Case cases[] = {
    {"aes256_sha1", {IKEV1_ENCR_AES_CBC, 256, IKEV1_HASH_SHA, 2}},
    {"aes256_sha256", {IKEV1_ENCR_AES_CBC, 256, IKEV1_HASH_SHA2_256, 2}},
    {"aes128_sha1", {IKEV1_ENCR_AES_CBC, 128, IKEV1_HASH_SHA, 2}},
    {"3des_sha1", {IKEV1_ENCR_3DES_CBC, 0, IKEV1_HASH_SHA, 2}},
    {"3des_sha256", {IKEV1_ENCR_3DES_CBC, 0, IKEV1_HASH_SHA2_256, 2}},
    {"aes192_sha384_modp2048", {IKEV1_ENCR_AES_CBC, 192, IKEV1_HASH_SHA2_384, 14}},
    {"3des_md5_modp768", {IKEV1_ENCR_3DES_CBC, 0, IKEV1_HASH_MD5, 1}},
};

static void run_case(gconstpointer data)
{
  const Case *c = data;
  g_autofree char *bin = g_find_program_in_path("tshark");
  if (!bin) {
    g_test_skip("tshark not installed");
    return;
  }
  g_autoptr(Ikev1Keys) k = ikev1_keys_new();
  g_autoptr(GByteArray) pc = conversation(&c->suite, k);
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("ikev1-tshark-XXXXXX.pcap", &path, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_assert_true(g_file_set_contents(path, (const char *)pc->data, pc->len, NULL));

  g_autofree char *opt = ikev1_keytable_tshark_opt(cky_i, k);
  g_autofree char *out = tu_tshark(path, (const char *[]){"-o", opt, "-V", NULL});
  g_assert_nonnull(strstr(out, "ID_IPV4_ADDR: 192.0.2.1"));
  g_assert_nonnull(strstr(out, "Notify Message Type: R-U-THERE (36136)"));
  g_assert_nonnull(strstr(out, "Notification DATA: 00001092")); /* 4242 */
  g_assert_null(strstr(out, "Malformed"));

  /* one wrong key octet: nothing decrypts (not the low bit: DES ignores parity bits) */
  k->enc_key[0] ^= 0x80;
  g_autofree char *bad_opt = ikev1_keytable_tshark_opt(cky_i, k);
  g_autofree char *bad = tu_tshark(path, (const char *[]){"-o", bad_opt, "-V", NULL});
  g_assert_null(strstr(bad, "ID_IPV4_ADDR: 192.0.2.1"));
  g_assert_null(strstr(bad, "Notification DATA: 00001092"));
  g_unlink(path);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *p = g_strdup_printf("/ikev1_tshark/decrypt/%s", cases[i].name);
    g_test_add_data_func(p, &cases[i], run_case);
  }
  return g_test_run();
}
