/* SPDX-License-Identifier: MIT */
/* Bounds-checked wire cursors: a reader with sticky failure and a diagnostic naming the
 * field, sub-readers bounded by an item's declared length, and a writer with reserved
 * length fields patched at the end. Every read or write of packet bytes goes through
 * these. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Outcome of decoding a piece of wire data. */
typedef enum {
  WIRE_OK = 0,
  WIRE_TRUNCATED,   /* fewer bytes than the field or the item needs */
  WIRE_MALFORMED,   /* bytes present but not valid: a length lies, a value is out of range */
  WIRE_UNSUPPORTED, /* valid on the wire, but we do not implement it */
} WireStatus;

const char *wire_status_name(WireStatus s);

/* Where and why decoding stopped: the field, its offset from the start of the outermost
 * buffer, what was seen and the bound it broke (bytes left vs needed for truncation,
 * value vs limit for a semantic check). */
typedef struct {
  const char *field;
  size_t offset;
  uint64_t seen;
  uint64_t bound;
} WireDiag;

/* Formats "TRUNCATED at offset 12 in 'payload length' (seen 1, bound 2)". */
char *wire_diag_format(WireStatus s, const WireDiag *d, char *buf, size_t size);

typedef struct WireReader {
  const uint8_t *base; /* start of the outermost buffer: offsets are relative to it */
  const uint8_t *p;    /* next byte */
  size_t left;         /* bytes left in this reader */
  WireStatus status;   /* sticky: the first failure wins */
  WireDiag diag;
} WireReader;

WireReader wire_reader(const void *buf, size_t len);

static inline bool wire_ok(const WireReader *r) { return r->status == WIRE_OK; }
static inline size_t wire_left(const WireReader *r) { return r->left; }
static inline size_t wire_offset(const WireReader *r) { return (size_t)(r->p - r->base); }

/* Record a failure (only the first is kept) and empty the reader so that every later
 * read fails too. Decoders use it for semantic checks: wire_fail(r, WIRE_MALFORMED,
 * "proposal number", seen, expected). */
void wire_fail(WireReader *r, WireStatus s, const char *field, uint64_t seen, uint64_t bound);

/* Reads return 0 / NULL / false once the reader has failed; check wire_ok() after a
 * group of reads. 'field' names what is read, for the diagnostic. */
uint8_t wire_get_u8(WireReader *r, const char *field);
uint16_t wire_get_u16(WireReader *r, const char *field);
uint32_t wire_get_u24(WireReader *r, const char *field);
uint32_t wire_get_u32(WireReader *r, const char *field);
uint64_t wire_get_u64(WireReader *r, const char *field);
/* A borrowed pointer to the next n bytes, or NULL. */
const uint8_t *wire_get_bytes(WireReader *r, size_t n, const char *field);
bool wire_copy(WireReader *r, void *dst, size_t n, const char *field);
void wire_skip(WireReader *r, size_t n, const char *field);
/* The next n bytes without consuming them, or NULL when fewer are left (no failure). */
const uint8_t *wire_peek(const WireReader *r, size_t n);
/* Everything left, consumed. */
const uint8_t *wire_get_rest(WireReader *r, size_t *n);

/* Take the next n bytes of r as an item of its own: the returned reader cannot read past
 * them (the item limit), and r moves past them. When r has fewer than n bytes, r fails
 * TRUNCATED and the sub-reader is failed too. */
WireReader wire_sub(WireReader *r, size_t n, const char *field);

/* Close a sub-reader: its failure is copied into the parent; bytes it did not consume are
 * a MALFORMED finding on 'field' (seen = bytes left, bound = 0). Returns the parent's
 * status. Callers that allow trailing bytes skip them first. */
WireStatus wire_sub_end(WireReader *parent, WireReader *sub, const char *field);

/* ---- writer ---- */

typedef struct WireWriter {
  uint8_t *buf;
  size_t len;
  size_t cap;
  bool fixed;  /* buffer belongs to the caller and cannot grow */
  bool failed; /* sticky: capacity exceeded or a patched length did not fit */
} WireWriter;

/* A growable writer (heap). Free with wire_writer_clear() or take the bytes with
 * wire_writer_steal(). */
void wire_writer_init(WireWriter *w);
/* A writer over the caller's buffer: writing past cap fails the writer. */
void wire_writer_init_fixed(WireWriter *w, void *buf, size_t cap);
void wire_writer_clear(WireWriter *w);
/* The written bytes, now the caller's (g_free); NULL when the writer failed. */
uint8_t *wire_writer_steal(WireWriter *w, size_t *len);

static inline bool wire_writer_ok(const WireWriter *w) { return !w->failed; }
/* Mark the writer failed: for an encoder that finds its input cannot be encoded. */
static inline void wire_writer_fail(WireWriter *w) { w->failed = true; }
static inline size_t wire_writer_len(const WireWriter *w) { return w->len; }
static inline const uint8_t *wire_writer_data(const WireWriter *w) { return w->buf; }

void wire_put_u8(WireWriter *w, uint8_t v);
void wire_put_u16(WireWriter *w, uint16_t v);
void wire_put_u24(WireWriter *w, uint32_t v);
void wire_put_u32(WireWriter *w, uint32_t v);
void wire_put_u64(WireWriter *w, uint64_t v);
void wire_put_bytes(WireWriter *w, const void *p, size_t n);
void wire_put_zeros(WireWriter *w, size_t n);

/* Reserve 'width' bytes (1, 2, 3 or 4) for a length field and return its offset (the
 * mark). Later wire_patch_len() writes (current length - from) there, where 'from' is the
 * offset the length counts from (usually the item's first byte, often the mark itself or a
 * header start). A value that does not fit the width fails the writer. */
size_t wire_reserve(WireWriter *w, unsigned width);
void wire_patch_len(WireWriter *w, size_t mark, unsigned width, size_t from);
/* Overwrite 'width' bytes at 'mark' with v (big-endian). */
void wire_patch(WireWriter *w, size_t mark, unsigned width, uint32_t v);

/* ---- big-endian helpers, for cursors and crypto code on fixed-size buffers ---- */

static inline uint16_t wire_load_be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t wire_load_be24(const uint8_t *p)
{
  return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}
static inline uint32_t wire_load_be32(const uint8_t *p)
{
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t wire_load_be64(const uint8_t *p)
{
  return ((uint64_t)wire_load_be32(p) << 32) | wire_load_be32(p + 4);
}
static inline void wire_store_be16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void wire_store_be24(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)(v >> 16);
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)v;
}
static inline void wire_store_be32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
static inline void wire_store_be64(uint8_t *p, uint64_t v)
{
  wire_store_be32(p, (uint32_t)(v >> 32));
  wire_store_be32(p + 4, (uint32_t)v);
}
