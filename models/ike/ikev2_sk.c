/* SPDX-License-Identifier: MIT */
/* SK and SKF payload protection, verification, decryption and fragment reassembly
 * (RFC 7296 3.14, RFC 5282 5, RFC 7383 2.5-2.6). */
#include "models/ike/ikev2_sk.h"

#include <string.h>

#define SKF_HDR_LEN 8u /* generic header + Fragment Number + Total Fragments */

static void fail(Ikev2Diag *d, const uint8_t *buf, size_t len, size_t off, Ikev2Stage stage,
                 WireStatus s, const char *field, uint64_t seen, uint64_t bound)
{
  WireReader r = wire_reader(buf, len);
  wire_skip(&r, off <= len ? off : len, "position");
  wire_fail(&r, s, field, seen, bound);
  ikev2_diag_set(d, &r, stage, false, 0);
}

/* One protected unit: header, SK or SKF header, IV, E(plain | padding | pad length), ICV.
 *  RFC 7296 3.14:
 *  | Next Payload  |C|  RESERVED   |         Payload Length        |
 *  |                     Initialization Vector                     |
 *  ~                    Encrypted IKE Payloads                     ~
 *  +               +-------------------------------+
 *  |               |             Padding (0-255 octets)            |
 *  +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 *  |                                               |  Pad Length   |
 *  ~                    Integrity Checksum Data                    ~   */
static bool seal(const Ikev2Header *h, bool frag, uint8_t inner_next, uint16_t num,
                 uint16_t total, const uint8_t *plain, size_t plen, const IkeSkDir *d,
                 Drbg *rng, uint8_t **out, size_t *n)
{
  size_t blk = ike_encr_block_len(d->suite.encr);
  size_t ivl = ike_encr_iv_len(d->suite.encr);
  size_t icvl = ike_suite_icv_len(&d->suite);
  if (!blk || !ivl || !icvl)
    return false;
  size_t pad = (blk - (plen + 1) % blk) % blk;
  size_t elen = plen + pad + 1;
  size_t hdr = IKEV2_HDR_LEN + (frag ? SKF_HDR_LEN : IKEV2_GENERIC_HDR_LEN);
  size_t total_len = hdr + ivl + elen + icvl;
  if (total_len > UINT16_MAX + (size_t)IKEV2_HDR_LEN)
    return false;
  uint8_t *b = g_malloc0(total_len);
  WireWriter w;
  wire_writer_init_fixed(&w, b, total_len);
  /* RFC 7296 3.1 header */
  wire_put_u64(&w, h->spi_i);
  wire_put_u64(&w, h->spi_r);
  wire_put_u8(&w, frag ? IKEV2_PL_SKF : IKEV2_PL_SK);
  wire_put_u8(&w, IKEV2_MAJOR_VERSION << 4);
  wire_put_u8(&w, h->exchange);
  wire_put_u8(&w, h->flags);
  wire_put_u32(&w, h->msg_id);
  wire_put_u32(&w, (uint32_t)total_len);
  /* SK/SKF generic header; RFC 7383 2.5: only fragment 1 names the first inner payload */
  wire_put_u8(&w, inner_next);
  wire_put_u8(&w, 0);
  wire_put_u16(&w, (uint16_t)(total_len - IKEV2_HDR_LEN));
  if (frag) {
    wire_put_u16(&w, num);
    wire_put_u16(&w, total);
  }
  uint8_t *iv = b + hdr;
  drbg_bytes(rng, iv, ivl);
  uint8_t *pt = g_malloc0(elen);
  if (plen)
    memcpy(pt, plain, plen);
  pt[elen - 1] = (uint8_t)pad; /* padding octets are zero, which RFC 7296 3.14 allows */
  uint8_t *ct = iv + ivl, *icv = ct + elen;
  /* RFC 5282 5.1: the AAD is the IKE header through the Encrypted payload header */
  IkeCryptoStatus st = ike_sk_encrypt(d, iv, b, hdr, pt, elen, ct, icv);
  ike_wipe(pt, elen);
  g_free(pt);
  bool ok = st == IKE_CRYPTO_OK && wire_writer_ok(&w);
  /* RFC 7296 3.14: the checksum covers the message from the header to the Pad Length */
  if (ok && !ike_encr_is_aead(d->suite.encr))
    ok = ike_sk_icv(d, b, total_len - icvl, icv);
  if (!ok) {
    g_free(b);
    return false;
  }
  *out = b;
  *n = total_len;
  return true;
}

/* Verify and decrypt the SK or SKF body that ends the datagram; the encrypted data (IV |
 * ciphertext | ICV) starts at data_off. On success *plain (g_free, wiped by the caller)
 * holds the inner payload chain without padding. */
static WireStatus open_unit(const uint8_t *buf, size_t len, size_t data_off, const IkeSkDir *d,
                            uint8_t **plain, size_t *plen, Ikev2Diag *diag)
{
  size_t blk = ike_encr_block_len(d->suite.encr);
  size_t ivl = ike_encr_iv_len(d->suite.encr);
  size_t icvl = ike_suite_icv_len(&d->suite);
  size_t dlen = len - data_off;
  if (!blk || !ivl || !icvl) {
    fail(diag, buf, len, data_off, IKEV2_STAGE_INTEGRITY, WIRE_UNSUPPORTED,
         "encryption algorithm", d->suite.encr, 0);
    return WIRE_UNSUPPORTED;
  }
  /* IV, at least one block (the Pad Length lives in it), ICV */
  if (dlen < ivl + blk + icvl || (dlen - ivl - icvl) % blk) {
    fail(diag, buf, len, data_off, IKEV2_STAGE_INTEGRITY, WIRE_MALFORMED, "encrypted data",
         dlen, ivl + blk + icvl);
    return WIRE_MALFORMED;
  }
  const uint8_t *iv = buf + data_off;
  const uint8_t *ct = iv + ivl;
  size_t elen = dlen - ivl - icvl;
  const uint8_t *icv = ct + elen;
  if (!ike_encr_is_aead(d->suite.encr)) {
    /* RFC 7296 2.21.2/3.14: verify the ICV before anything else */
    uint8_t mine[IKE_ICV_MAX];
    if (!ike_sk_icv(d, buf, len - icvl, mine) || !ike_ct_equal(mine, icv, icvl)) {
      fail(diag, buf, len, len - icvl, IKEV2_STAGE_INTEGRITY, WIRE_MALFORMED,
           "integrity checksum", icvl, 0);
      return WIRE_MALFORMED;
    }
  }
  uint8_t *pt = g_malloc(elen);
  IkeCryptoStatus st = ike_sk_decrypt(d, iv, buf, data_off, ct, elen, icv, pt);
  if (st != IKE_CRYPTO_OK) {
    ike_wipe(pt, elen);
    g_free(pt);
    fail(diag, buf, len, len - icvl, IKEV2_STAGE_INTEGRITY, WIRE_MALFORMED,
         "integrity checksum", icvl, 0);
    return WIRE_MALFORMED;
  }
  size_t pad = pt[elen - 1];
  if (pad + 1 > elen) {
    ike_wipe(pt, elen);
    g_free(pt);
    /* authentic but inconsistent: the sender's syntax error */
    fail(diag, buf, len, data_off + ivl + elen - 1, IKEV2_STAGE_PAYLOAD, WIRE_MALFORMED,
         "pad length", pad, elen - 1);
    return WIRE_MALFORMED;
  }
  *plain = pt;
  *plen = elen - pad - 1;
  return WIRE_OK;
}

static void mark_encrypted(Ikev2Message *m, size_t from)
{
  for (size_t i = from; i < m->n_payloads; i++)
    m->payloads[i].encrypted = true;
}

bool ikev2_sk_protect(const Ikev2Message *m, const IkeSkDir *d, Drbg *rng, uint8_t **out,
                      size_t *n)
{
  WireWriter w;
  wire_writer_init(&w);
  bool ok = ikev2_payloads_encode(m->payloads, m->n_payloads, &w);
  ok = ok && seal(&m->hdr, false, m->n_payloads ? m->payloads[0].type : IKEV2_PL_NONE, 0, 0,
                  w.buf, w.len, d, rng, out, n);
  if (w.buf)
    ike_wipe(w.buf, w.len);
  wire_writer_clear(&w);
  return ok;
}

WireStatus ikev2_sk_unprotect(const uint8_t *buf, size_t len, const IkeSkDir *d,
                              Ikev2Message **out, Ikev2Diag *diag)
{
  *out = NULL;
  Ikev2Message *m = NULL;
  WireStatus s = ikev2_message_decode(buf, len, &m, diag);
  if (s != WIRE_OK)
    return s;
  Ikev2Payload *last = m->n_payloads ? &m->payloads[m->n_payloads - 1] : NULL;
  if (!last || last->type != IKEV2_PL_SK) {
    ikev2_message_free(m);
    fail(diag, buf, len, IKEV2_HDR_LEN, IKEV2_STAGE_INTEGRITY, WIRE_MALFORMED,
         "encrypted payload", 0, 1);
    return WIRE_MALFORMED;
  }
  uint8_t inner = last->u.sk.inner_next;
  size_t data_off = len - last->u.sk.data.n;
  uint8_t *pt = NULL;
  size_t plen = 0;
  s = open_unit(buf, len, data_off, d, &pt, &plen, diag);
  if (s == WIRE_OK) {
    ikev2_payload_clear(last);
    m->n_payloads--;
    size_t from = m->n_payloads;
    s = ikev2_payloads_decode(m, inner, pt, plen, diag);
    mark_encrypted(m, from);
    ike_wipe(pt, plen);
    g_free(pt);
  }
  if (s != WIRE_OK) {
    ikev2_message_free(m);
    return s;
  }
  *out = m;
  return WIRE_OK;
}

GPtrArray *ikev2_sk_protect_fragments(const Ikev2Message *m, const IkeSkDir *d, Drbg *rng,
                                      size_t max_len)
{
  size_t blk = ike_encr_block_len(d->suite.encr);
  size_t ivl = ike_encr_iv_len(d->suite.encr);
  size_t icvl = ike_suite_icv_len(&d->suite);
  size_t over = IKEV2_HDR_LEN + SKF_HDR_LEN + ivl + icvl + blk; /* blk: worst padding + 1 */
  if (!blk || max_len <= over)
    return NULL;
  size_t room = max_len - over;
  WireWriter w;
  wire_writer_init(&w);
  GPtrArray *frags = NULL;
  if (!ikev2_payloads_encode(m->payloads, m->n_payloads, &w))
    goto out;
  size_t total = w.len ? (w.len + room - 1) / room : 1;
  if (total > UINT16_MAX)
    goto out;
  frags = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  for (size_t i = 0; i < total; i++) {
    size_t off = i * room, chunk = w.len - off < room ? w.len - off : room;
    uint8_t *b;
    size_t n;
    uint8_t next = i == 0 && m->n_payloads ? m->payloads[0].type : IKEV2_PL_NONE;
    const uint8_t *part = w.buf ? w.buf + off : NULL;
    if (!seal(&m->hdr, true, next, (uint16_t)(i + 1), (uint16_t)total, part, chunk, d, rng, &b,
              &n)) {
      g_ptr_array_unref(frags);
      frags = NULL;
      goto out;
    }
    g_ptr_array_add(frags, g_bytes_new_take(b, n));
  }
out:
  if (w.buf)
    ike_wipe(w.buf, w.len);
  wire_writer_clear(&w);
  return frags;
}

/* ---- reassembly ---- */

struct Ikev2FragSet {
  bool started;
  Ikev2Header hdr; /* of the first fragment received; fragment 1's once it arrives */
  uint8_t inner_next;
  uint16_t total;
  uint16_t held;
  GBytes **parts; /* plaintext of fragment i+1 */
};

Ikev2FragSet *ikev2_frag_set_new(void) { return g_new0(Ikev2FragSet, 1); }

static void part_free(GBytes *b)
{
  if (!b)
    return;
  size_t n;
  const uint8_t *p = g_bytes_get_data(b, &n);
  ike_wipe((void *)(uintptr_t)p, n);
  g_bytes_unref(b);
}

void ikev2_frag_set_free(Ikev2FragSet *s)
{
  if (!s)
    return;
  for (unsigned i = 0; i < s->total; i++)
    part_free(s->parts[i]);
  g_free(s->parts);
  g_free(s);
}

WireStatus ikev2_frag_set_add(Ikev2FragSet *s, const uint8_t *buf, size_t len,
                              const IkeSkDir *d, Ikev2Diag *diag)
{
  Ikev2Message *m = NULL;
  WireStatus st = ikev2_message_decode(buf, len, &m, diag);
  if (st != WIRE_OK)
    return st;
  Ikev2Payload *last = m->n_payloads ? &m->payloads[m->n_payloads - 1] : NULL;
  if (!last || last->type != IKEV2_PL_SKF) {
    ikev2_message_free(m);
    fail(diag, buf, len, IKEV2_HDR_LEN, IKEV2_STAGE_FRAGMENT, WIRE_MALFORMED,
         "encrypted fragment payload", 0, 1);
    return WIRE_MALFORMED;
  }
  uint16_t num = last->u.sk.frag_num, total = last->u.sk.frag_total;
  uint8_t next = last->u.sk.inner_next;
  size_t data_off = len - last->u.sk.data.n;
  Ikev2Header h = m->hdr;
  ikev2_message_free(m);
  /* RFC 7383 2.6: fragments of one message share its Message ID and Total Fragments */
  if (s->started && h.msg_id != s->hdr.msg_id) {
    fail(diag, buf, len, 20, IKEV2_STAGE_FRAGMENT, WIRE_MALFORMED, "message id", h.msg_id,
         s->hdr.msg_id);
    return WIRE_MALFORMED;
  }
  if (s->started && total != s->total) {
    fail(diag, buf, len, IKEV2_HDR_LEN + 6, IKEV2_STAGE_FRAGMENT, WIRE_MALFORMED,
         "total fragments", total, s->total);
    return WIRE_MALFORMED;
  }
  uint8_t *pt = NULL;
  size_t plen = 0;
  st = open_unit(buf, len, data_off, d, &pt, &plen, diag);
  if (st != WIRE_OK)
    return st;
  if (!s->started) {
    s->started = true;
    s->hdr = h;
    s->total = total;
    s->parts = g_new0(GBytes *, total);
  }
  if (s->parts[num - 1]) {
    /* a retransmitted fragment: ignored */
    ike_wipe(pt, plen);
    g_free(pt);
  } else {
    s->parts[num - 1] = g_bytes_new_take(pt, plen);
    s->held++;
    if (num == 1) {
      s->hdr = h;
      s->inner_next = next;
    }
  }
  ikev2_diag_set(diag, &(WireReader){.status = WIRE_OK}, IKEV2_STAGE_FRAGMENT, false, 0);
  return WIRE_OK;
}

bool ikev2_frag_set_complete(const Ikev2FragSet *s) { return s->started && s->held == s->total; }

WireStatus ikev2_frag_set_finish(Ikev2FragSet *s, Ikev2Message **out, Ikev2Diag *diag)
{
  *out = NULL;
  if (!ikev2_frag_set_complete(s)) {
    static const uint8_t no_bytes[1];
    WireReader r = wire_reader(no_bytes, 0);
    wire_fail(&r, WIRE_TRUNCATED, "fragment", s->held, s->total);
    ikev2_diag_set(diag, &r, IKEV2_STAGE_FRAGMENT, false, 0);
    return WIRE_TRUNCATED;
  }
  GByteArray *all = g_byte_array_new();
  for (unsigned i = 0; i < s->total; i++) {
    size_t n;
    const uint8_t *p = g_bytes_get_data(s->parts[i], &n);
    g_byte_array_append(all, p, (guint)n);
  }
  Ikev2Message *m = g_new0(Ikev2Message, 1);
  m->hdr = s->hdr;
  m->hdr.next_payload = IKEV2_PL_SK; /* RFC 7383 2.6: as if received in one SK payload */
  static const uint8_t no_bytes[1];
  WireStatus st =
      ikev2_payloads_decode(m, s->inner_next, all->data ? all->data : no_bytes, all->len, diag);
  mark_encrypted(m, 0);
  ike_wipe(all->data, all->len);
  g_byte_array_unref(all);
  if (st != WIRE_OK) {
    ikev2_message_free(m);
    return st;
  }
  *out = m;
  return WIRE_OK;
}
