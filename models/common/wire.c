/* SPDX-License-Identifier: MIT */
/* Bounds-checked wire reader and writer (see wire.h). */
#include "models/common/wire.h"

#include <glib.h>
#include <string.h>

const char *wire_status_name(WireStatus s)
{
  switch (s) {
  case WIRE_OK: return "OK";
  case WIRE_TRUNCATED: return "TRUNCATED";
  case WIRE_MALFORMED: return "MALFORMED";
  case WIRE_UNSUPPORTED: return "UNSUPPORTED";
  }
  return "<invalid status>";
}

char *wire_diag_format(WireStatus s, const WireDiag *d, char *buf, size_t size)
{
  if (s == WIRE_OK)
    g_snprintf(buf, size, "OK");
  else
    g_snprintf(buf, size, "%s at offset %zu in '%s' (seen %" G_GUINT64_FORMAT ", bound %" G_GUINT64_FORMAT ")",
               wire_status_name(s), d->offset, d->field ? d->field : "?", d->seen, d->bound);
  return buf;
}

WireReader wire_reader(const void *buf, size_t len)
{
  WireReader r = {.base = buf, .p = buf, .left = buf ? len : 0, .status = WIRE_OK};
  return r;
}

void wire_fail(WireReader *r, WireStatus s, const char *field, uint64_t seen, uint64_t bound)
{
  if (r->status == WIRE_OK) {
    r->status = s == WIRE_OK ? WIRE_MALFORMED : s;
    r->diag = (WireDiag){.field = field, .offset = wire_offset(r), .seen = seen, .bound = bound};
  }
  if (r->left) /* no arithmetic on a NULL buffer: adding even 0 to NULL is undefined */
    r->p += r->left;
  r->left = 0;
}

/* Claim n bytes or fail TRUNCATED; the single place a read checks its bound. */
static const uint8_t *take(WireReader *r, size_t n, const char *field)
{
  if (r->status != WIRE_OK)
    return NULL;
  if (n > r->left) {
    wire_fail(r, WIRE_TRUNCATED, field, r->left, n);
    return NULL;
  }
  const uint8_t *p = r->p;
  if (n) {
    r->p += n;
    r->left -= n;
  }
  return p;
}

uint8_t wire_get_u8(WireReader *r, const char *field)
{
  const uint8_t *p = take(r, 1, field);
  return p ? p[0] : 0;
}

uint16_t wire_get_u16(WireReader *r, const char *field)
{
  const uint8_t *p = take(r, 2, field);
  return p ? wire_load_be16(p) : 0;
}

uint32_t wire_get_u24(WireReader *r, const char *field)
{
  const uint8_t *p = take(r, 3, field);
  return p ? wire_load_be24(p) : 0;
}

uint32_t wire_get_u32(WireReader *r, const char *field)
{
  const uint8_t *p = take(r, 4, field);
  return p ? wire_load_be32(p) : 0;
}

uint64_t wire_get_u64(WireReader *r, const char *field)
{
  const uint8_t *p = take(r, 8, field);
  return p ? wire_load_be64(p) : 0;
}

const uint8_t *wire_get_bytes(WireReader *r, size_t n, const char *field)
{
  return take(r, n, field);
}

bool wire_copy(WireReader *r, void *dst, size_t n, const char *field)
{
  const uint8_t *p = take(r, n, field);
  if (!p)
    return false;
  if (n)
    memcpy(dst, p, n);
  return true;
}

void wire_skip(WireReader *r, size_t n, const char *field)
{
  (void)take(r, n, field);
}

const uint8_t *wire_peek(const WireReader *r, size_t n)
{
  if (r->status != WIRE_OK || n > r->left)
    return NULL;
  return r->p;
}

const uint8_t *wire_get_rest(WireReader *r, size_t *n)
{
  size_t left = r->status == WIRE_OK ? r->left : 0;
  const uint8_t *p = take(r, left, "rest");
  *n = p ? left : 0;
  return p;
}

WireReader wire_sub(WireReader *r, size_t n, const char *field)
{
  WireReader sub = {.base = r->base, .p = r->p, .left = 0, .status = WIRE_OK};
  const uint8_t *p = take(r, n, field);
  if (!p) {
    sub.p = r->p;
    sub.status = r->status;
    sub.diag = r->diag;
    return sub;
  }
  sub.p = p;
  sub.left = n;
  return sub;
}

WireStatus wire_sub_end(WireReader *parent, WireReader *sub, const char *field)
{
  if (sub->status != WIRE_OK) {
    if (parent->status == WIRE_OK) {
      parent->status = sub->status;
      parent->diag = sub->diag;
    }
  } else if (sub->left) {
    wire_fail(sub, WIRE_MALFORMED, field, sub->left, 0);
    return wire_sub_end(parent, sub, field);
  }
  return parent->status;
}

/* ---- writer ---- */

void wire_writer_init(WireWriter *w)
{
  *w = (WireWriter){0};
}

void wire_writer_init_fixed(WireWriter *w, void *buf, size_t cap)
{
  *w = (WireWriter){.buf = buf, .cap = cap, .fixed = true};
}

void wire_writer_clear(WireWriter *w)
{
  if (!w->fixed)
    g_free(w->buf);
  *w = (WireWriter){0};
}

uint8_t *wire_writer_steal(WireWriter *w, size_t *len)
{
  g_return_val_if_fail(!w->fixed, NULL);
  uint8_t *buf = NULL;
  if (!w->failed) {
    buf = w->buf ? w->buf : g_malloc(1);
    *len = w->len;
    w->buf = NULL;
  } else {
    *len = 0;
  }
  wire_writer_clear(w);
  return buf;
}

/* Make room for n more bytes; the single place a write checks its bound. */
static uint8_t *room(WireWriter *w, size_t n)
{
  if (w->failed || n == 0) /* nothing to write: no pointer arithmetic on a NULL buffer */
    return NULL;
  if (n > SIZE_MAX - w->len) {
    w->failed = true;
    return NULL;
  }
  if (w->len + n > w->cap) {
    if (w->fixed) {
      w->failed = true;
      return NULL;
    }
    size_t cap = w->cap ? w->cap : 64;
    while (cap < w->len + n)
      cap = cap > SIZE_MAX / 2 ? w->len + n : cap * 2;
    w->buf = g_realloc(w->buf, cap);
    w->cap = cap;
  }
  uint8_t *p = w->buf + w->len;
  w->len += n;
  return p;
}

void wire_put_u8(WireWriter *w, uint8_t v)
{
  uint8_t *p = room(w, 1);
  if (p)
    p[0] = v;
}

void wire_put_u16(WireWriter *w, uint16_t v)
{
  uint8_t *p = room(w, 2);
  if (p)
    wire_store_be16(p, v);
}

void wire_put_u24(WireWriter *w, uint32_t v)
{
  uint8_t *p = room(w, 3);
  if (!p)
    return;
  if (v > 0xffffff) {
    w->failed = true;
    return;
  }
  wire_store_be24(p, v);
}

void wire_put_u32(WireWriter *w, uint32_t v)
{
  uint8_t *p = room(w, 4);
  if (p)
    wire_store_be32(p, v);
}

void wire_put_u64(WireWriter *w, uint64_t v)
{
  uint8_t *p = room(w, 8);
  if (p)
    wire_store_be64(p, v);
}

void wire_put_bytes(WireWriter *w, const void *src, size_t n)
{
  uint8_t *p = room(w, n);
  if (p && n)
    memcpy(p, src, n);
}

void wire_put_zeros(WireWriter *w, size_t n)
{
  uint8_t *p = room(w, n);
  if (p && n)
    memset(p, 0, n);
}

size_t wire_reserve(WireWriter *w, unsigned width)
{
  size_t mark = w->len;
  if (width < 1 || width > 4) {
    w->failed = true;
    return mark;
  }
  wire_put_zeros(w, width);
  return mark;
}

void wire_patch(WireWriter *w, size_t mark, unsigned width, uint32_t v)
{
  if (w->failed)
    return;
  if (width < 1 || width > 4 || mark > w->len || width > w->len - mark ||
      (width < 4 && v >> (8 * width))) {
    w->failed = true;
    return;
  }
  for (unsigned i = 0; i < width; i++)
    w->buf[mark + i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

void wire_patch_len(WireWriter *w, size_t mark, unsigned width, size_t from)
{
  if (w->failed)
    return;
  if (from > w->len || w->len - from > UINT32_MAX) {
    w->failed = true;
    return;
  }
  wire_patch(w, mark, width, (uint32_t)(w->len - from));
}
