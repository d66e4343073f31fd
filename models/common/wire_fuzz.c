/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the wire cursors: arbitrary bytes drive a nested TLV parse with
 * every read kind and sub-readers, and what was parsed is written back and re-read; ASan
 * catches any read past the input, the asserts catch broken invariants. */
#include "models/common/wire.h"

#include <glib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(WireReader *r, WireWriter *w, unsigned depth)
{
  while (wire_ok(r) && wire_left(r) > 0) {
    size_t before = wire_left(r);
    uint8_t op = wire_get_u8(r, "op");
    switch (op & 7) {
    case 0: wire_put_u16(w, wire_get_u16(r, "u16")); break;
    case 1: wire_put_u24(w, wire_get_u24(r, "u24")); break;
    case 2: wire_put_u32(w, wire_get_u32(r, "u32")); break;
    case 3: wire_put_u64(w, wire_get_u64(r, "u64")); break;
    case 4: { /* length-prefixed item, nested */
      uint16_t len = wire_get_u16(r, "len");
      WireReader sub = wire_sub(r, len, "item");
      size_t mark = wire_reserve(w, 2);
      size_t start = wire_writer_len(w);
      if (depth < 8)
        walk(&sub, w, depth + 1);
      else
        wire_skip(&sub, wire_left(&sub), "deep");
      wire_patch_len(w, mark, 2, start);
      wire_sub_end(r, &sub, "item");
      break;
    }
    case 5: {
      uint8_t n = wire_get_u8(r, "n");
      const uint8_t *p = wire_get_bytes(r, n, "bytes");
      if (p)
        wire_put_bytes(w, p, n);
      break;
    }
    case 6: {
      const uint8_t *p = wire_peek(r, op >> 3);
      g_assert(!p || wire_left(r) >= (size_t)(op >> 3));
      break;
    }
    default: {
      size_t n;
      const uint8_t *p = wire_get_rest(r, &n);
      if (p && n)
        wire_put_bytes(w, p, n);
      break;
    }
    }
    g_assert(wire_left(r) <= before);
    g_assert(wire_offset(r) <= (size_t)(r->p - r->base));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* an exact-size heap copy so ASan sees any read past the end */
  uint8_t *copy = g_memdup2(data, size);
  WireReader r = wire_reader(copy, size);
  WireWriter w;
  wire_writer_init(&w);
  walk(&r, &w, 0);
  g_assert(wire_offset(&r) <= size);
  g_assert(r.status != WIRE_OK || wire_left(&r) == 0);
  if (r.status != WIRE_OK)
    g_assert(r.diag.field != NULL && r.diag.offset <= size);
  /* fixed writers never write past their buffer */
  uint8_t small[16];
  WireWriter f;
  wire_writer_init_fixed(&f, small, sizeof small);
  wire_put_bytes(&f, copy, MIN(size, (size_t)32));
  g_assert(wire_writer_len(&f) <= sizeof small);
  wire_writer_clear(&w);
  g_free(copy);
  return 0;
}
