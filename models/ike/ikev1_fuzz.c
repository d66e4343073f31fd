/* SPDX-License-Identifier: MIT */
/* libFuzzer target over the IKEv1 codec: the first input byte picks the mode, a datagram as
 * received (mode 0), a decrypted body with padding (mode 1, the next byte is the first
 * payload type) or a ciphertext body opened with fixed keys (mode 2, the same, after CBC
 * decryption, which must invert encryption); whatever decodes must encode, decode again and
 * encode to the same bytes, and every name table lookup must answer. */
#include "models/ike/ikev1_codec.h"
#include "models/ike/ikev1_crypto.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Look every value up in its table: unknown values format as <N>, never NULL. */
static void names(const Ikev1Message *m)
{
  char buf[NAME_BUFSZ];
  if (!name_fmt(&ikev1_exchange_names, m->hdr.exchange, buf))
    abort();
  for (size_t i = 0; i < m->n_payloads; i++) {
    const Ikev1Payload *p = &m->payloads[i];
    name_fmt(&ikev1_payload_names, p->type, buf);
    if (p->type == IKEV1_PL_SA) {
      for (size_t j = 0; j < p->u.sa.n_proposals; j++) {
        const Ikev1Proposal *pr = &p->u.sa.proposals[j];
        name_fmt(&ikev1_protocol_names, pr->protocol, buf);
        const NameTable *tn = ikev1_transform_names(pr->protocol);
        const NameTable *an = ikev1_attr_names(pr->protocol);
        for (size_t k = 0; k < pr->n_transforms; k++) {
          const Ikev1Transform *t = &pr->transforms[k];
          if (tn)
            name_fmt(tn, t->id, buf);
          for (size_t a = 0; a < t->n_attrs; a++) {
            const NameTable *vn = ikev1_attr_value_names(pr->protocol, t->attrs[a].type);
            if (an)
              name_fmt(an, t->attrs[a].type, buf);
            if (vn)
              name_fmt(vn, (int64_t)t->attrs[a].value, buf);
            uint64_t v;
            ikev1_transform_attr(t, t->attrs[a].type, &v);
          }
        }
      }
    } else if (p->type == IKEV1_PL_N) {
      name_fmt(&ikev1_notify_names, p->u.notify.type, buf);
    } else if (p->type == IKEV1_PL_ID) {
      Ipv4Range r;
      name_fmt(&ikev1_id_type_names, p->u.id.type, buf);
      ikev1_id_ipv4_range(&p->u.id, &r);
    } else if (p->type == IKEV1_PL_VID) {
      name_fmt(&ikev1_vendor_names, ikev1_vendor_id_match(p->u.vendor.p, p->u.vendor.n), buf);
    }
  }
}

/* encode(decode(encode(m))) == encode(m): the encoder's output always decodes. */
static void check_message(const Ikev1Message *m)
{
  names(m);
  WireWriter a, b;
  wire_writer_init(&a);
  wire_writer_init(&b);
  if (!ikev1_message_encode(m, &a))
    abort();
  Ikev1Message *back = NULL;
  Ikev1Diag d;
  if (ikev1_message_decode(a.buf, a.len, &back, &d) != WIRE_OK)
    abort();
  if (!ikev1_message_encode(back, &b) || a.len != b.len || memcmp(a.buf, b.buf, a.len))
    abort();
  ikev1_message_free(back);
  wire_writer_clear(&a);
  wire_writer_clear(&b);
}

static void check_chain(const Ikev1Message *m)
{
  names(m);
  WireWriter a, b;
  wire_writer_init(&a);
  wire_writer_init(&b);
  if (!ikev1_payloads_encode(m->payloads, m->n_payloads, &a))
    abort();
  Ikev1Message *x = ikev1_message_new(IKEV1_EXCH_QUICK, IKEV1_FLAG_ENCRYPTION, 1, 2, 3);
  Ikev1Diag d;
  uint8_t first = m->n_payloads ? m->payloads[0].type : IKEV1_PL_NONE;
  if (ikev1_payloads_decode(x, first, a.buf, a.len, NULL, &d) != WIRE_OK ||
      x->n_payloads != m->n_payloads)
    abort();
  if (!ikev1_payloads_encode(x->payloads, x->n_payloads, &b) || a.len != b.len ||
      (a.len && memcmp(a.buf, b.buf, a.len)))
    abort();
  ikev1_message_free(x);
  wire_writer_clear(&a);
  wire_writer_clear(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  uint8_t mode = data[0] % 3;
  data++;
  size--;
  Ikev1Diag d;
  if (mode == 0) {
    Ikev1Header h;
    ikev1_header_decode(data, size, &h, &d);
    Ikev1Message *m = NULL;
    if (ikev1_message_decode(data, size, &m, &d) == WIRE_OK) {
      check_message(m);
      ikev1_message_free(m);
    } else if (m || !d.diag.field) {
      abort(); /* a failure names its field and returns no message */
    }
    return 0;
  }
  if (size < 1)
    return 0;
  uint8_t first = data[0];
  data++;
  size--;
  uint8_t *plain = NULL;
  if (mode == 2) {
    /* the body as ciphertext under fixed AES-128/SHA-1 keys: whole blocks only */
    static Ikev1Keys *keys;
    static const Ikev1Suite suite = {IKEV1_ENCR_AES_CBC, 128, IKEV1_HASH_SHA, 2};
    static const uint8_t n[8] = {1}, g[16] = {2};
    if (!keys) {
      keys = ikev1_keys_new();
      if (!ikev1_keys_derive_psk(keys, &suite, n, 8, n, 8, n, 8, g, 16, 1, 2))
        abort();
    }
    size -= size % keys->block_len;
    Ikev1Iv iv0, iv1, iv2;
    if (!ikev1_iv_phase1(keys, g, 16, g, 16, &iv0))
      abort();
    iv1 = iv2 = iv0;
    plain = g_malloc(size + 1);
    uint8_t *again = g_malloc(size + 1);
    if (ikev1_decrypt(keys, &iv1, data, size, plain) != IKE_CRYPTO_OK ||
        ikev1_encrypt(keys, &iv2, plain, size, again) != IKE_CRYPTO_OK ||
        (size && memcmp(again, data, size)) || memcmp(iv1.b, iv2.b, iv1.n))
      abort();
    g_free(again);
    data = plain;
  }
  Ikev1Message *m = ikev1_message_new(IKEV1_EXCH_QUICK, IKEV1_FLAG_ENCRYPTION, 1, 2, 3);
  size_t pad = 0;
  if (ikev1_payloads_decode(m, first, data, size, &pad, &d) == WIRE_OK) {
    if (pad > size)
      abort();
    check_chain(m);
  } else if (m->n_payloads) {
    abort(); /* a failed chain leaves the message as it was */
  }
  ikev1_message_free(m);
  g_free(plain);
  return 0;
}
