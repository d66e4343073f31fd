/* SPDX-License-Identifier: MIT */
/* Tests of the wire cursors: reads, sticky failure, sub-readers, the writer and its
 * patched lengths, and a truncation sweep over a nested TLV structure. */
#include "models/common/wire.h"
#include "tests/lib/testutil.h"

#include <glib.h>
#include <string.h>

static void test_reads(void)
{
  static const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
                              0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12};
  WireReader r = wire_reader(b, sizeof b);
  g_assert_cmpuint(wire_get_u8(&r, "a"), ==, 0x01);
  g_assert_cmpuint(wire_get_u16(&r, "b"), ==, 0x0203);
  g_assert_cmpuint(wire_get_u24(&r, "c"), ==, 0x040506);
  g_assert_cmpuint(wire_get_u32(&r, "d"), ==, 0x0708090a);
  g_assert_cmpuint(wire_get_u64(&r, "e"), ==, 0x0b0c0d0e0f101112ull);
  g_assert_true(wire_ok(&r));
  g_assert_cmpuint(wire_left(&r), ==, 0);
  g_assert_cmpuint(wire_offset(&r), ==, sizeof b);
}

static void test_sticky_failure(void)
{
  static const uint8_t b[] = {0xaa, 0xbb, 0xcc};
  WireReader r = wire_reader(b, sizeof b);
  g_assert_cmpuint(wire_get_u16(&r, "first"), ==, 0xaabb);
  /* needs 4, has 1: fails, returns 0, consumes nothing visible */
  g_assert_cmpuint(wire_get_u32(&r, "length"), ==, 0);
  g_assert_false(wire_ok(&r));
  g_assert_cmpint(r.status, ==, WIRE_TRUNCATED);
  g_assert_cmpstr(r.diag.field, ==, "length");
  g_assert_cmpuint(r.diag.offset, ==, 2);
  g_assert_cmpuint(r.diag.seen, ==, 1);
  g_assert_cmpuint(r.diag.bound, ==, 4);
  /* later reads fail too and do not overwrite the first diagnostic */
  g_assert_cmpuint(wire_get_u8(&r, "later"), ==, 0);
  g_assert_null(wire_get_bytes(&r, 0, "zero"));
  g_assert_cmpstr(r.diag.field, ==, "length");
  char buf[128];
  g_assert_cmpstr(wire_diag_format(r.status, &r.diag, buf, sizeof buf), ==,
                  "TRUNCATED at offset 2 in 'length' (seen 1, bound 4)");
}

static void test_fail_semantic(void)
{
  static const uint8_t b[] = {0x00, 0x05, 0x00};
  WireReader r = wire_reader(b, sizeof b);
  uint16_t v = wire_get_u16(&r, "proposal number");
  wire_fail(&r, WIRE_MALFORMED, "proposal number", v, 1);
  g_assert_cmpint(r.status, ==, WIRE_MALFORMED);
  g_assert_cmpuint(r.diag.offset, ==, 2);
  g_assert_cmpuint(r.diag.seen, ==, 5);
  g_assert_cmpuint(wire_left(&r), ==, 0);
  /* a later failure is not recorded over the first */
  wire_fail(&r, WIRE_UNSUPPORTED, "other", 0, 0);
  g_assert_cmpint(r.status, ==, WIRE_MALFORMED);
  g_assert_cmpstr(r.diag.field, ==, "proposal number");
}

static void test_bytes_copy_skip_peek(void)
{
  static const uint8_t b[] = {1, 2, 3, 4, 5, 6};
  WireReader r = wire_reader(b, sizeof b);
  const uint8_t *p = wire_peek(&r, 2);
  g_assert_true(p == b);
  g_assert_null(wire_peek(&r, 7));
  g_assert_true(wire_ok(&r)); /* peeking too far is not a failure */
  uint8_t dst[2];
  g_assert_true(wire_copy(&r, dst, 2, "two"));
  g_assert_cmpuint(dst[1], ==, 2);
  wire_skip(&r, 1, "skip");
  p = wire_get_bytes(&r, 2, "two more");
  g_assert_true(p == b + 3);
  size_t n;
  p = wire_get_rest(&r, &n);
  g_assert_cmpuint(n, ==, 1);
  g_assert_cmpuint(p[0], ==, 6);
  g_assert_false(wire_copy(&r, dst, 1, "past end"));
  g_assert_cmpint(r.status, ==, WIRE_TRUNCATED);
}

static void test_empty_and_null(void)
{
  WireReader r = wire_reader(NULL, 10); /* a NULL buffer has no bytes, whatever len says */
  g_assert_cmpuint(wire_left(&r), ==, 0);
  (void)wire_get_u8(&r, "x");
  g_assert_cmpint(r.status, ==, WIRE_TRUNCATED);
  WireReader e = wire_reader("", 0);
  size_t n = 99;
  g_assert_nonnull(wire_get_rest(&e, &n));
  g_assert_cmpuint(n, ==, 0);
  g_assert_true(wire_ok(&e));
}

/* A sub-reader cannot read past its item, and its failure reaches the parent. */
static void test_sub_limits(void)
{
  static const uint8_t b[] = {0x00, 0x03, 0xaa, 0xbb, 0xcc, 0xdd};
  WireReader r = wire_reader(b, sizeof b);
  uint16_t len = wire_get_u16(&r, "len");
  WireReader item = wire_sub(&r, len, "item");
  g_assert_true(wire_ok(&item));
  g_assert_cmpuint(wire_left(&item), ==, 3);
  g_assert_cmpuint(wire_get_u16(&item, "x"), ==, 0xaabb);
  g_assert_cmpuint(wire_get_u16(&item, "y"), ==, 0); /* the item limit, though r has more */
  g_assert_cmpint(item.status, ==, WIRE_TRUNCATED);
  g_assert_cmpuint(item.diag.offset, ==, 4); /* offsets stay relative to the whole buffer */
  g_assert_cmpint(wire_sub_end(&r, &item, "item"), ==, WIRE_TRUNCATED);
  g_assert_cmpstr(r.diag.field, ==, "y");
}

static void test_sub_trailing(void)
{
  static const uint8_t b[] = {0xaa, 0xbb, 0xcc};
  WireReader r = wire_reader(b, sizeof b);
  WireReader item = wire_sub(&r, 3, "item");
  (void)wire_get_u8(&item, "one");
  g_assert_cmpint(wire_sub_end(&r, &item, "item body"), ==, WIRE_MALFORMED);
  g_assert_cmpstr(r.diag.field, ==, "item body");
  g_assert_cmpuint(r.diag.seen, ==, 2);
  g_assert_cmpuint(r.diag.offset, ==, 1);
}

static void test_sub_too_long(void)
{
  static const uint8_t b[] = {0xaa, 0xbb};
  WireReader r = wire_reader(b, sizeof b);
  WireReader item = wire_sub(&r, 5, "item length");
  g_assert_false(wire_ok(&r));
  g_assert_false(wire_ok(&item));
  g_assert_cmpuint(wire_left(&item), ==, 0);
  g_assert_cmpuint(r.diag.seen, ==, 2);
  g_assert_cmpuint(r.diag.bound, ==, 5);
  /* overflowing lengths are no special case */
  WireReader r2 = wire_reader(b, sizeof b);
  WireReader i2 = wire_sub(&r2, SIZE_MAX, "huge");
  g_assert_false(wire_ok(&i2));
  g_assert_cmpint(r2.status, ==, WIRE_TRUNCATED);
}

static void test_writer(void)
{
  WireWriter w;
  wire_writer_init(&w);
  wire_put_u8(&w, 0x01);
  size_t mark = wire_reserve(&w, 2);
  wire_put_u16(&w, 0x0203);
  wire_put_u24(&w, 0x040506);
  wire_put_u32(&w, 0x0708090a);
  wire_put_u64(&w, 0x0b0c0d0e0f101112ull);
  wire_put_bytes(&w, "\xee\xff", 2);
  wire_put_zeros(&w, 1);
  wire_patch_len(&w, mark, 2, 0); /* total length counted from the start */
  g_assert_true(wire_writer_ok(&w));
  tu_assert_hex(wire_writer_data(&w), wire_writer_len(&w),
                "01 0017 0203 040506 0708090a 0b0c0d0e0f101112 eeff 00");
  size_t n;
  uint8_t *out = wire_writer_steal(&w, &n);
  g_assert_cmpuint(n, ==, 23);
  g_free(out);
}

static void test_writer_grows(void)
{
  WireWriter w;
  wire_writer_init(&w);
  for (unsigned i = 0; i < 100000; i++)
    wire_put_u32(&w, i);
  g_assert_true(wire_writer_ok(&w));
  g_assert_cmpuint(wire_writer_len(&w), ==, 400000);
  WireReader r = wire_reader(wire_writer_data(&w), wire_writer_len(&w));
  for (unsigned i = 0; i < 100000; i++)
    g_assert_cmpuint(wire_get_u32(&r, "i"), ==, i);
  wire_writer_clear(&w);
  wire_writer_clear(&w); /* clearing twice is harmless */
}

static void test_writer_fixed_overflow(void)
{
  uint8_t buf[5];
  WireWriter w;
  wire_writer_init_fixed(&w, buf, sizeof buf);
  wire_put_u32(&w, 0xdeadbeef);
  g_assert_true(wire_writer_ok(&w));
  wire_put_u16(&w, 1); /* would need 6 bytes */
  g_assert_false(wire_writer_ok(&w));
  g_assert_cmpuint(wire_writer_len(&w), ==, 4);
  wire_put_u8(&w, 1); /* sticky: even a fitting write is refused */
  g_assert_cmpuint(wire_writer_len(&w), ==, 4);
}

static void test_patch_overflow(void)
{
  WireWriter w;
  wire_writer_init(&w);
  size_t mark = wire_reserve(&w, 1);
  wire_put_zeros(&w, 300);
  wire_patch_len(&w, mark, 1, 0); /* 301 does not fit one byte */
  g_assert_false(wire_writer_ok(&w));
  size_t n;
  g_assert_null(wire_writer_steal(&w, &n));
  g_assert_cmpuint(n, ==, 0);

  wire_writer_init(&w);
  wire_put_u8(&w, 0);
  wire_patch(&w, 0, 2, 1); /* patch past the end */
  g_assert_false(wire_writer_ok(&w));
  wire_writer_clear(&w);

  wire_writer_init(&w);
  wire_put_u8(&w, 0);
  wire_patch_len(&w, 0, 1, 5); /* 'from' beyond the end */
  g_assert_false(wire_writer_ok(&w));
  wire_writer_clear(&w);

  wire_writer_init(&w);
  wire_put_u24(&w, 0x1000000); /* does not fit 24 bits */
  g_assert_false(wire_writer_ok(&w));
  wire_writer_clear(&w);

  wire_writer_init(&w);
  (void)wire_reserve(&w, 5);
  g_assert_false(wire_writer_ok(&w));
  wire_writer_clear(&w);
}

/* A small TLV language: u8 type, u16 length (of the whole TLV), body; type 1 nests. */
static WireStatus parse_tlvs(WireReader *r, unsigned depth, unsigned *count)
{
  while (wire_ok(r) && wire_left(r) > 0) {
    uint8_t type = wire_get_u8(r, "type");
    uint16_t len = wire_get_u16(r, "length");
    if (!wire_ok(r))
      break;
    if (len < 3) {
      wire_fail(r, WIRE_MALFORMED, "length", len, 3);
      break;
    }
    WireReader body = wire_sub(r, len - 3u, "body");
    if (type == 1 && depth < 4)
      parse_tlvs(&body, depth + 1, count);
    else
      wire_skip(&body, wire_left(&body), "value");
    wire_sub_end(r, &body, "body");
    (*count)++;
  }
  return r->status;
}

static void build_tlvs(WireWriter *w)
{
  size_t outer = w->len;
  wire_put_u8(w, 1);
  size_t m = wire_reserve(w, 2);
  for (int i = 0; i < 3; i++) {
    size_t start = w->len;
    wire_put_u8(w, 2);
    size_t mi = wire_reserve(w, 2);
    wire_put_bytes(w, "abcdefg", (size_t)i + 1);
    wire_patch_len(w, mi, 2, start);
  }
  wire_patch_len(w, m, 2, outer);
}

/* Every prefix of a valid message decodes to a failure, never reads past the prefix
 * (ASan watches the heap copy of exactly that length), and never claims OK. */
static void test_truncation_sweep(void)
{
  WireWriter w;
  wire_writer_init(&w);
  build_tlvs(&w);
  build_tlvs(&w);
  g_assert_true(wire_writer_ok(&w));
  size_t n = wire_writer_len(&w);
  unsigned count = 0;
  WireReader full = wire_reader(wire_writer_data(&w), n);
  g_assert_cmpint(parse_tlvs(&full, 0, &count), ==, WIRE_OK);
  g_assert_cmpuint(count, ==, 8);
  for (size_t cut = 0; cut < n; cut++) {
    uint8_t *copy = g_memdup2(wire_writer_data(&w), cut);
    WireReader r = wire_reader(copy, cut);
    count = 0;
    WireStatus s = parse_tlvs(&r, 0, &count);
    /* a cut exactly at the boundary between the two outer TLVs is a valid shorter list */
    if (cut == 0 || cut == n / 2)
      g_assert_cmpint(s, ==, WIRE_OK);
    else
      g_assert_cmpint(s, ==, WIRE_TRUNCATED);
    g_assert_cmpuint(r.diag.offset, <=, cut);
    g_free(copy);
  }
  wire_writer_clear(&w);
}

/* Lengths that lie: too small for the header, larger than the buffer. */
static void test_lying_lengths(void)
{
  static const struct {
    const char *hex;
    WireStatus status;
    const char *field;
  } cases[] = {
      {"02 0002", WIRE_MALFORMED, "length"},      /* below the header size */
      {"02 ffff 00", WIRE_TRUNCATED, "body"},     /* past the end of the buffer */
      {"01 0007 02 0005 00", WIRE_TRUNCATED, "body"}, /* inner item past the outer item */
      {"01 0005 02 0003", WIRE_TRUNCATED, "length"},  /* inner header cut by the outer item */
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GBytes) b = tu_hex(cases[i].hex);
    size_t n;
    const uint8_t *p = g_bytes_get_data(b, &n);
    WireReader r = wire_reader(p, n);
    unsigned count = 0;
    g_test_message("case %zu: %s", i, cases[i].hex);
    g_assert_cmpint(parse_tlvs(&r, 0, &count), ==, cases[i].status);
    g_assert_cmpstr(r.diag.field, ==, cases[i].field);
  }
}

static void test_be_helpers(void)
{
  uint8_t b[8];
  wire_store_be16(b, 0x1234);
  g_assert_cmpuint(wire_load_be16(b), ==, 0x1234);
  wire_store_be24(b, 0x123456);
  g_assert_cmpuint(wire_load_be24(b), ==, 0x123456);
  wire_store_be32(b, 0x89abcdef);
  g_assert_cmpuint(b[0], ==, 0x89);
  g_assert_cmpuint(wire_load_be32(b), ==, 0x89abcdef);
  wire_store_be64(b, 0x0123456789abcdefull);
  g_assert_cmpuint(b[7], ==, 0xef);
  g_assert_cmpuint(wire_load_be64(b), ==, 0x0123456789abcdefull);
  g_assert_cmpstr(wire_status_name(WIRE_UNSUPPORTED), ==, "UNSUPPORTED");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/wire/reads", test_reads);
  g_test_add_func("/wire/sticky-failure", test_sticky_failure);
  g_test_add_func("/wire/fail-semantic", test_fail_semantic);
  g_test_add_func("/wire/bytes-copy-skip-peek", test_bytes_copy_skip_peek);
  g_test_add_func("/wire/empty-and-null", test_empty_and_null);
  g_test_add_func("/wire/sub-limits", test_sub_limits);
  g_test_add_func("/wire/sub-trailing", test_sub_trailing);
  g_test_add_func("/wire/sub-too-long", test_sub_too_long);
  g_test_add_func("/wire/writer", test_writer);
  g_test_add_func("/wire/writer-grows", test_writer_grows);
  g_test_add_func("/wire/writer-fixed-overflow", test_writer_fixed_overflow);
  g_test_add_func("/wire/patch-overflow", test_patch_overflow);
  g_test_add_func("/wire/truncation-sweep", test_truncation_sweep);
  g_test_add_func("/wire/lying-lengths", test_lying_lengths);
  g_test_add_func("/wire/be-helpers", test_be_helpers);
  return g_test_run();
}
