/* SPDX-License-Identifier: MIT */
/* libFuzzer target over the BGP codec: the first input byte picks the session (bit 0: a
 * 4-octet AS session), the rest is a TCP byte stream framed message by message; every
 * decoded message must re-encode, and decode(encode(m)) must encode to the same bytes. */
#include "models/bgp/bgp_codec.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_decoded(const BgpMessage *m, const BgpCodecCtx *ctx)
{
  WireWriter a, b;
  wire_writer_init(&a);
  wire_writer_init(&b);
  if (!bgp_message_encode(m, ctx, &a))
    abort();
  BgpMessage *back = NULL;
  BgpDiag d;
  bgp_message_decode(a.buf, a.len, ctx, &back, &d);
  /* what was accepted (less what RFC 7606 discarded) decodes again, unless it was a
   * treat-as-withdraw, which stays one */
  if (!back)
    abort();
  if (!bgp_message_encode(back, ctx, &b) || a.len != b.len || memcmp(a.buf, b.buf, a.len))
    abort();
  if (m->type == BGP_MSG_UPDATE) {
    BgpAsPath p = {0};
    bgp_as_path_merge_as4(&m->u.update.attrs, &p);
    (void)bgp_as_path_length(&p);
    bgp_as_path_clear(&p);
  }
  bgp_message_free(back);
  wire_writer_clear(&a);
  wire_writer_clear(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  BgpCodecCtx ctx = {.as4 = data[0] & 1};
  data++;
  size--;
  while (size) {
    size_t n;
    BgpDiag d;
    if (bgp_frame(data, size, &n, &d) != WIRE_OK) {
      /* a header error, or a partial message: decode what is there as a whole */
      BgpMessage *m = NULL;
      if (bgp_message_decode(data, size, &ctx, &m, &d) == WIRE_OK || m)
        abort(); /* the framer refused it: the decoder must too */
      bgp_message_free(bgp_notification_from_diag(&d, data, size));
      break;
    }
    BgpMessage *m = NULL;
    bgp_message_decode(data, n, &ctx, &m, &d);
    if (m)
      check_decoded(m, &ctx);
    else
      bgp_message_free(bgp_notification_from_diag(&d, data, n));
    bgp_message_free(m);
    data += n;
    size -= n;
  }
  return 0;
}
